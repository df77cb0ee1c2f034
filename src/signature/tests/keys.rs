//! Keys: adversarial keys refused, and the gpg-pubkey header identical to
//! what `rpm --import` writes, read back by rpm and by us.

use std::path::Path;
use std::process::Command;

use crate::rpm::file::RpmFile;
use crate::signature::key::parse_key_file;
use crate::signature::pubkey_header::{Imported, RPM_VERSION, import_key, pubkey_header};
use crate::signature::{CheckOptions, Keyring, OpenPgpPolicy, Verdict, check_package};
use crate::test_support::corpus;

fn lint(path: &Path) -> Result<(), String> {
    let bytes = std::fs::read(path).unwrap();
    let keys = parse_key_file(&bytes, "k").map_err(|e| e.to_string())?;
    for k in &keys {
        k.lint(&OpenPgpPolicy::new(), "k").map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[test]
fn adversarial_keys_are_refused_and_good_ones_accepted() {
    let dir = corpus().join("rpm-upstream-testdata/keys");
    for bad in ["CVE-2021-3521-badbind.asc", "CVE-2021-3521-nosubsig.asc", "CVE-2021-3521-nosubsig-last.asc"] {
        let e = lint(&dir.join(bad)).expect_err(bad);
        assert!(!e.is_empty(), "{bad}");
    }
    let e = lint(&dir.join("CVE-2021-3521-badbind.asc")).unwrap_err();
    assert!(e.contains("no valid binding signature"), "{e}");
    for good in ["rpm.org-rsa-2048-test.pub", "rpm.org-ed25519-test.pub", "alice.asc", "rpm.org-v6-ed25519-test.asc", "keyidcollision1.pub"] {
        lint(&dir.join(good)).unwrap_or_else(|e| panic!("{good}: {e}"));
    }
    for k in std::fs::read_dir(corpus().join("keys")).unwrap() {
        let p = k.unwrap().path();
        lint(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    }
}

#[test]
fn key_id_collision_is_bad_not_trusted() {
    // Two different keys with one key ID: a signature by neither verifies.
    let dir = corpus().join("rpm-upstream-testdata/keys");
    let a = parse_key_file(&std::fs::read(dir.join("keyidcollision1.pub")).unwrap(), "a").unwrap();
    let b = parse_key_file(&std::fs::read(dir.join("keyidcollision2.pub")).unwrap(), "b").unwrap();
    assert_eq!(a[0].keyid, b[0].keyid);
    assert_ne!(a[0].cert.fingerprint(), b[0].cert.fingerprint());
    let mut ring = Keyring::new();
    let p = OpenPgpPolicy::new();
    assert!(ring.add(a[0].clone(), crate::signature::KeyOrigin::File("a".into()), &p).unwrap());
    assert!(ring.add(b[0].clone(), crate::signature::KeyOrigin::File("b".into()), &p).unwrap());
    assert_eq!(ring.keys().len(), 2);
}

fn rpm(root: &Path, args: &[&str]) -> std::process::Output {
    Command::new("rpm").arg("--root").arg(root).args(["--dbpath", "/var/lib/rpm"]).args(args).output().unwrap()
}

fn blobs(root: &Path) -> Vec<Vec<u8>> {
    let db = rusqlite::Connection::open(root.join("var/lib/rpm/rpmdb.sqlite")).unwrap();
    let mut st = db.prepare("SELECT blob FROM Packages ORDER BY hnum").unwrap();
    st.query_map([], |r| r.get::<_, Vec<u8>>(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn gpg_pubkey_header_is_byte_identical_to_rpm_import_and_shared_with_rpm() {
    let keys = ["keys/RPM-GPG-KEY-fedora-31-primary", "keys/RPM-GPG-KEY-CentOS-7", "rpm-upstream-testdata/keys/different-creation-times.asc", "rpm-upstream-testdata/keys/rpm.org-ed25519-test.pub"];
    let theirs = tempfile::tempdir().unwrap();
    let ours = tempfile::tempdir().unwrap();
    let policy = OpenPgpPolicy::new();
    for (i, k) in keys.iter().enumerate() {
        let path = corpus().join(k);
        let out = rpm(theirs.path(), &["--import", path.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let blob = &blobs(theirs.path())[i];
        // rpm's INSTALLTID is the last 4 bytes; build ours with the same.
        let tid = u32::from_be_bytes(blob[blob.len() - 4..].try_into().unwrap());
        let key = parse_key_file(&std::fs::read(&path).unwrap(), k).unwrap().remove(0);
        let mine = pubkey_header(&key, tid, tid, RPM_VERSION).unwrap();
        assert!(&mine == blob, "{k}: ours differs from rpm's:\n{}\n{}", String::from_utf8_lossy(&mine), String::from_utf8_lossy(blob));
        let dbdir = ours.path().join("var/lib/rpm");
        match import_key(&dbdir, &key, tid, &policy).unwrap() {
            Imported::Added { nvr, .. } => assert_eq!(nvr, key.rpm_nvr()),
            other => panic!("{other:?}"),
        }
        assert!(matches!(import_key(&dbdir, &key, tid, &policy).unwrap(), Imported::AlreadyPresent { .. }));
    }
    let q = rpm(ours.path(), &["-q", "gpg-pubkey", "--qf", "%{nvr} %{summary}\n"]);
    let text = String::from_utf8_lossy(&q.stdout);
    assert!(q.status.success() && text.contains("gpg-pubkey-3c3359c4-5c6add03 Fedora (31) <fedora-31-primary@fedoraproject.org> public key"), "{text}");
    assert!(text.contains("gpg-pubkey-62837bea-62553e62"), "{text}");
    // rpm verifies a package with the key we wrote ...
    let fc31 = corpus().join("rpms/rpm-sign-4.15.1-1.fc31.x86_64.rpm");
    let k = rpm(ours.path(), &["-K", "--define", "_pkgverify_level signature", fc31.to_str().unwrap()]);
    assert!(k.status.success(), "{}", String::from_utf8_lossy(&k.stdout));
    // ... and we trust the keys rpm wrote.
    let (ring, skipped) = Keyring::from_rpmdb(&theirs.path().join("var/lib/rpm"), &policy).unwrap();
    assert!(skipped.is_empty() && ring.keys().len() == keys.len());
    let opts = CheckOptions { gpgcheck: true, ..CheckOptions::default() };
    let v = check_package(&RpmFile::open(&fc31).unwrap(), &ring, &opts).unwrap();
    assert!(matches!(v, Verdict::Trusted { signer, .. } if signer.origin == crate::signature::KeyOrigin::Rpmdb(1)));
}

//! [`check_for_install`]: the rpmdb's keys first, then the repo's `gpgkey`
//! keys after the import question, with tdnf's codes; the keys we import
//! are the ones Debian's rpm then verifies with.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Code, Result};
use crate::output::{Mode, Printer};
use crate::signature::install::check_with_input;
use crate::signature::{CheckOptions, InstallTrust, KeyImport, Keyring, OpenPgpPolicy, Verdict};
use crate::test_support::{corpus, spike_repo, spike_rpm};

fn key_ring(files: &[PathBuf]) -> Keyring {
    let mut ring = Keyring::new();
    for f in files {
        let bytes = fs_err::read(f).unwrap();
        ring.add_key_file(&bytes, &format!("file://{}", f.display()), &OpenPgpPolicy::new()).unwrap();
    }
    ring
}

fn fedora() -> (PathBuf, PathBuf) {
    (corpus().join("rpms/rpm-sign-4.15.1-1.fc31.x86_64.rpm"), corpus().join("keys/RPM-GPG-KEY-fedora-31-primary"))
}

fn check(root: &Path, pkg: &Path, keys: Option<&Keyring>, import: KeyImport, answer: &str, opts: &CheckOptions) -> Result<Verdict> {
    let printer = Printer::new(Mode::Text, true, false);
    let dbdir = root.join("var/lib/rpm");
    let trust = InstallTrust { dbdir: &dbdir, opts, import, printer: &printer };
    check_with_input(pkg, keys, &trust, &mut answer.as_bytes())
}

fn on() -> CheckOptions {
    CheckOptions { gpgcheck: true, ..CheckOptions::default() }
}

/// `rpm -q gpg-pubkey` in `root` (the keys rpm sees there; empty if none).
fn rpm_keys(root: &Path) -> String {
    let out = Command::new("rpm").arg("--root").arg(root).args(["--dbpath", "/var/lib/rpm", "-q", "gpg-pubkey"]).output().unwrap();
    if !out.status.success() {
        return String::new();
    }
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Debian's rpm verifies `pkg` with the keys of `root`'s rpmdb.
fn rpm_verifies_in(root: &Path, pkg: &Path) -> bool {
    Command::new("rpmkeys")
        .arg("--root")
        .arg(root)
        .args(["--dbpath", "/var/lib/rpm", "--define", "_pkgverify_level signature", "--checksig"])
        .arg(pkg)
        .output()
        .unwrap()
        .status
        .success()
}

#[test]
fn nokey_imports_the_repo_key_after_consent_and_rpm_then_trusts_it() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    let (pkg, key) = fedora();
    let ring = key_ring(std::slice::from_ref(&key));
    assert!(!rpm_verifies_in(root, &pkg));
    // No gpgkey: 1523. Declined (no terminal, --assumeno): 1032, nothing imported.
    assert_eq!(check(root, &pkg, None, KeyImport::Yes, "", &on()).unwrap_err().kind(), Code::NoGpgkeyConfEntry);
    let e = check(root, &pkg, Some(&ring), KeyImport::NoTerminal, "", &on()).unwrap_err();
    assert_eq!(e.number(), 1032);
    assert!(e.message().contains("needs -y"), "{}", e.message());
    assert_eq!(check(root, &pkg, Some(&ring), KeyImport::No, "", &on()).unwrap_err().number(), 1032);
    assert_eq!(check(root, &pkg, Some(&ring), KeyImport::Ask, "n\n", &on()).unwrap_err().number(), 1032);
    assert_eq!(check(root, &pkg, Some(&ring), KeyImport::Ask, "", &on()).unwrap_err().number(), 1033);
    assert_eq!(rpm_keys(root), "");
    // Answered yes: imported as rpm --import would, and trusted.
    let v = check(root, &pkg, Some(&ring), KeyImport::Ask, "y\n", &on()).unwrap();
    assert!(matches!(&v, Verdict::Trusted { signer, .. } if signer.description.contains("key ID 3c3359c4")), "{v:?}");
    assert!(rpm_keys(root).starts_with("gpg-pubkey-3c3359c4-"), "{}", rpm_keys(root));
    assert!(rpm_verifies_in(root, &pkg), "rpm does not trust the key we imported");
    // From now on the rpmdb key suffices: no question, no gpgkey needed.
    assert!(matches!(check(root, &pkg, None, KeyImport::NoTerminal, "", &on()), Ok(Verdict::Trusted { .. })));
}

#[test]
fn wrong_key_unsigned_and_corrupted_are_refused_with_tdnf_codes() {
    let t = tempfile::tempdir().unwrap();
    let (fc31, _) = fedora();
    let centos = corpus().join("keys/RPM-GPG-KEY-CentOS-7");
    // A listed key that does not match: imported (as tdnf does), then 1514.
    let e = check(t.path(), &fc31, Some(&key_ring(std::slice::from_ref(&centos))), KeyImport::Yes, "", &on()).unwrap_err();
    assert_eq!(e.number(), 1514, "{}", e.message());
    assert!(e.message().contains("NOKEY"), "{}", e.message());
    assert!(rpm_keys(t.path()).starts_with("gpg-pubkey-f4a80eb5-"));
    assert!(!rpm_verifies_in(t.path(), &fc31));
    // Unsigned: 1510 at once, without a question (an empty answer would be 1033).
    let spike = key_ring(&[spike_repo().join("RPM-GPG-KEY-spike")]);
    let unsigned = spike_rpm("spike-unsigned");
    assert_eq!(check(t.path(), &unsigned, Some(&spike), KeyImport::Ask, "", &on()).unwrap_err().number(), 1510);
    // Changed after signing: 1472 (rpm: BAD), no question either.
    let up = corpus().join("rpm-upstream-testdata");
    let bad = up.join("RPMS/hello-2.0-1.x86_64-corrupted.rpm");
    let upkey = key_ring(&[up.join("keys/rpm.org-rsa-2048-test.pub")]);
    assert_eq!(check(t.path(), &bad, Some(&upkey), KeyImport::Ask, "", &on()).unwrap_err().number(), 1472);
    // gpgcheck off: digests only.
    let off = CheckOptions::default();
    assert!(matches!(check(t.path(), &unsigned, None, KeyImport::No, "", &off), Ok(Verdict::NotChecked { digests: Some(_) })));
    // A file that is not there is tdnf's ENOENT.
    assert_eq!(check(t.path(), &t.path().join("none.rpm"), None, KeyImport::No, "", &on()).unwrap_err().number(), 1602);
}

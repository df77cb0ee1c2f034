//! The verdict table of the man page (SIGNATURES AND TRUST), one test per
//! row, with Debian's rpm 4.18 as the oracle where it can judge.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sequoia_openpgp::cert::CipherSuite;
use sequoia_openpgp::types::HashAlgorithm;

use super::fixtures::*;
use crate::error::Code;
use crate::rpm::file::RpmFile;
use crate::rpm::tags::*;
use crate::signature::blob::Value;
use crate::signature::{CheckOptions, Keyring, SigError, Verdict, base64, check_package};
use crate::test_support::{corpus, spike_repo, spike_rpm};

fn on() -> CheckOptions {
    CheckOptions { gpgcheck: true, ..CheckOptions::default() }
}

fn key(name: &str) -> PathBuf {
    corpus().join("keys").join(name)
}

fn upstream(rel: &str) -> PathBuf {
    corpus().join("rpm-upstream-testdata").join(rel)
}

fn check(pkg: &Path, ring: &Keyring) -> Result<Verdict, SigError> {
    check_package(&RpmFile::open(pkg).expect("open"), ring, &on())
}

fn trusted(pkg: &Path, ring: &Keyring) -> String {
    match check(pkg, ring) {
        Ok(Verdict::Trusted { signer, digests }) => {
            assert!(digests.is_some());
            signer.description
        }
        other => panic!("{}: expected trusted, got {other:?}", pkg.display()),
    }
}

#[test]
fn distro_packages_verify_with_their_keys_v3_signatures_and_sha1_bound_keys() {
    let cases = [
        ("rpm-sign-4.15.1-1.fc31.x86_64.rpm", "RPM-GPG-KEY-fedora-31-primary", "Header V3 RSA/SHA256 Signature, key ID 3c3359c4"),
        // No payload digest: the header+payload signature must cover it.
        ("389-ds-base-devel-1.3.8.4-15.el7.x86_64.rpm", "RPM-GPG-KEY-CentOS-7", "V3 RSA/SHA256 Signature, key ID f4a80eb5"),
        ("monkeysphere-0.37-1.el7.noarch.rpm", "RPM-GPG-KEY-EPEL-7", "V3 RSA/SHA256 Signature, key ID 352c64e5"),
    ];
    for (pkg, k, desc) in cases {
        let pkg = corpus().join("rpms").join(pkg);
        assert_eq!(trusted(&pkg, &ring_from_files(&[key(k)])), desc);
        assert_eq!(rpm_accepts(&[&key(k)], &pkg), Some(true), "rpm disagrees on {}", pkg.display());
    }
}

#[test]
fn unknown_key_wrong_key_and_unsigned_are_refused_with_tdnf_codes() {
    let fc31 = corpus().join("rpms/rpm-sign-4.15.1-1.fc31.x86_64.rpm");
    let centos = ring_from_files(&[key("RPM-GPG-KEY-CentOS-7")]);
    let e = check(&fc31, &centos).unwrap_err();
    assert!(matches!(e, SigError::NoKey { .. }) && e.wants_key(), "{e:?}");
    assert_eq!(e.code(), Code::RpmGpgNoMatch);
    assert!(e.to_string().ends_with("Header V3 RSA/SHA256 Signature, key ID 3c3359c4: NOKEY"), "{e}");
    assert_eq!(rpm_accepts(&[&key("RPM-GPG-KEY-CentOS-7")], &fc31), Some(false));

    let spike_key = spike_repo().join("RPM-GPG-KEY-spike");
    let spike = ring_from_files(std::slice::from_ref(&spike_key));
    let unsigned = spike_rpm("spike-unsigned");
    let e = check(&unsigned, &spike).unwrap_err();
    assert_eq!(e.code(), Code::RpmNotSigned);
    let err: crate::error::Error = e.into();
    assert_eq!(err.number(), 1510);
    assert!(err.message().ends_with("package is not signed Use --nogpgcheck to ignore."), "{}", err.message());
    assert_eq!(rpm_accepts(&[&spike_key], &unsigned), Some(false));

    let badsig = spike_rpm("spike-badsig");
    assert_eq!(check(&badsig, &spike).unwrap_err().code(), Code::RpmGpgNoMatch);
    assert_eq!(rpm_accepts(&[&spike_key], &badsig), Some(false));
    let other = spike_repo().join("../other/RPM-GPG-KEY-spike-other");
    assert!(trusted(&badsig, &ring_from_files(std::slice::from_ref(&other))).starts_with("Header V4 RSA/SHA512"));
    assert_eq!(rpm_accepts(&[&other], &badsig), Some(true));
    // gpgcheck off, or --skipsignature: digests only.
    let f = RpmFile::open(&unsigned).unwrap();
    let off = CheckOptions::default();
    assert!(matches!(check_package(&f, &spike, &off), Ok(Verdict::NotChecked { digests: Some(_) })));
    let skip = CheckOptions { gpgcheck: true, skip_signature: true, skip_digest: true, ..CheckOptions::default() };
    assert!(matches!(check_package(&f, &Keyring::new(), &skip), Ok(Verdict::NotChecked { digests: None })));
}

#[test]
fn upstream_signed_packages_and_the_corrupted_one() {
    let k = upstream("keys/rpm.org-rsa-2048-test.pub");
    let ring = ring_from_files(std::slice::from_ref(&k));
    for (p, desc) in [
        ("hello-2.0-1.x86_64-signed.rpm", "Header V4 RSA/SHA256 Signature, key ID 1964c5fc"),
        ("hello-2.0-1.x86_64-v3-signed.rpm", "Header V3 RSA/SHA256 Signature, key ID 1964c5fc"),
    ] {
        let pkg = upstream(&format!("RPMS/{p}"));
        assert_eq!(trusted(&pkg, &ring), desc);
        assert_eq!(rpm_accepts(&[&k], &pkg), Some(true));
    }
    let bad = upstream("RPMS/hello-2.0-1.x86_64-corrupted.rpm");
    let e = check(&bad, &ring).unwrap_err();
    assert!(matches!(e, SigError::Digest(_)), "{e:?}");
    assert_eq!(e.code(), Code::RpmrcFail);
    assert_eq!(rpm_accepts(&[&k], &bad), Some(false));
}

/// Flip one byte of `src` at `at` (from the end when negative) into `dst`.
fn flipped(src: &Path, dst: &Path, at: i64) -> PathBuf {
    let mut b = std::fs::read(src).unwrap();
    let i = if at < 0 { (b.len() as i64 + at) as usize } else { at as usize };
    b[i] ^= 0x20;
    std::fs::write(dst, b).unwrap();
    dst.to_path_buf()
}

#[test]
fn header_or_payload_changed_after_signing_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let spike_key = spike_repo().join("RPM-GPG-KEY-spike");
    let ring = ring_from_files(std::slice::from_ref(&spike_key));
    let src = spike_rpm("spike-alpha-1.0");
    assert!(trusted(&src, &ring).starts_with("Header V4 RSA/SHA512 Signature"));
    let f = RpmFile::open(&src).unwrap();
    // A byte of the summary text, inside the signed main header.
    let text = std::fs::read(&src).unwrap();
    let summary = f.header.string(RPMTAG_SUMMARY).unwrap().as_bytes().to_vec();
    let at = (f.header_start as usize..f.header_end as usize)
        .find(|&i| text[i..].starts_with(&summary))
        .expect("summary in header");
    let hdr = flipped(&src, &d.path().join("hdr.rpm"), at as i64);
    assert!(matches!(check(&hdr, &ring).unwrap_err(), SigError::Digest(_)));
    // Even with --skipdigest the signature catches it.
    let opts = CheckOptions { skip_digest: true, ..on() };
    let e = check_package(&RpmFile::open(&hdr).unwrap(), &ring, &opts).unwrap_err();
    assert!(matches!(e, SigError::Bad { .. }) && e.to_string().ends_with(": BAD"), "{e:?}");
    assert_eq!(rpm_accepts(&[&spike_key], &hdr), Some(false));
    let pay = flipped(&src, &d.path().join("pay.rpm"), -3);
    let e = check(&pay, &ring).unwrap_err();
    assert!(matches!(e, SigError::Digest(_)) && e.to_string().contains("payload"), "{e}");
    assert_eq!(rpm_accepts(&[&spike_key], &pay), Some(false));
}

/// One row of the table made with sequoia: key, hash, signing time, tag.
struct Row {
    name: &'static str,
    suite: CipherSuite,
    /// Key created this many days ago, valid for `valid_days` (None: no expiry).
    created_days_ago: u64,
    valid_days: Option<u64>,
    signed_days_ago: u64,
    hash: HashAlgorithm,
    v6: bool,
    /// Our verdict: accepted, or refused with this error code.
    ours: Result<(), Code>,
    /// rpm 4.18's verdict (`None`: it cannot import the key).
    rpm: Option<bool>,
}

#[test]
fn verdict_table_rows_made_with_sequoia() {
    use CipherSuite::*;
    use HashAlgorithm::*;
    let no = Err(Code::RpmGpgNoMatch);
    let rows = [
        Row { name: "RSA SHA-256", suite: RSA2k, created_days_ago: 10, valid_days: None, signed_days_ago: 1, hash: SHA256, v6: false, ours: Ok(()), rpm: Some(true) },
        Row { name: "RSA SHA-512", suite: RSA2k, created_days_ago: 10, valid_days: None, signed_days_ago: 1, hash: SHA512, v6: false, ours: Ok(()), rpm: Some(true) },
        Row { name: "Ed25519 SHA-256", suite: Cv25519, created_days_ago: 10, valid_days: None, signed_days_ago: 1, hash: SHA256, v6: false, ours: Ok(()), rpm: Some(true) },
        // Deliberate difference: rpm 4.18's parser accepts SHA-1 data signatures.
        Row { name: "SHA-1 data signature", suite: RSA2k, created_days_ago: 10, valid_days: None, signed_days_ago: 1, hash: SHA1, v6: false, ours: no, rpm: Some(true) },
        Row { name: "MD5 data signature", suite: RSA2k, created_days_ago: 10, valid_days: None, signed_days_ago: 1, hash: MD5, v6: false, ours: no, rpm: Some(true) },
        // rpm 4.18's parser refuses keys whose expiry subpacket is critical,
        // as sequoia (and RFC 9580) writes it: it cannot judge these rows.
        Row { name: "expired now, valid when signed", suite: RSA2k, created_days_ago: 400, valid_days: Some(100), signed_days_ago: 350, hash: SHA256, v6: false, ours: Ok(()), rpm: None },
        Row { name: "expired when signed", suite: RSA2k, created_days_ago: 400, valid_days: Some(100), signed_days_ago: 200, hash: SHA256, v6: false, ours: no, rpm: None },
        // rpm 4.18 cannot import v6 keys nor read tag 278.
        Row { name: "v6 Ed25519 in tag 278", suite: Cv25519, created_days_ago: 10, valid_days: None, signed_days_ago: 1, hash: SHA512, v6: true, ours: Ok(()), rpm: None },
    ];
    let d = tempfile::tempdir().unwrap();
    let src = spike_rpm("spike-unsigned");
    let data = signed_bytes(&src);
    let now = SystemTime::now();
    for (i, r) in rows.iter().enumerate() {
        let cert = make_cert(r.suite, now - DAY * r.created_days_ago as u32, r.valid_days.map(|v| DAY * v as u32), false, r.v6);
        let packet = sign(&cert, &data, r.hash, now - DAY * r.signed_days_ago as u32);
        let tag = if r.v6 { RPMTAG_OPENPGP } else if r.suite == RSA2k { RPMSIGTAG_RSA } else { RPMSIGTAG_DSA };
        let value = if r.v6 { Value::StrArray(vec![base64::encode(&packet)]) } else { Value::Bin(packet) };
        let pkg = d.path().join(format!("row{i}.rpm"));
        let file = resign(&src, &pkg, vec![(tag, value)]);
        let ring = ring_of(&cert).expect("key accepted");
        let got = check_package(&file, &ring, &on());
        match (&r.ours, &got) {
            (Ok(()), Ok(Verdict::Trusted { .. })) => {}
            (Err(code), Err(e)) if e.code() == *code => {}
            _ => panic!("row {:?}: expected {:?}, got {got:?}", r.name, r.ours),
        }
        let keyfile = d.path().join(format!("row{i}.asc"));
        std::fs::write(&keyfile, public(&cert).1).unwrap();
        assert_eq!(rpm_accepts(&[&keyfile], &pkg), r.rpm, "rpm on row {:?}", r.name);
    }
}

#[test]
fn revoked_subkey_and_unbound_subkey_are_refused() {
    use sequoia_openpgp::cert::prelude::*;
    use sequoia_openpgp::types::ReasonForRevocation;
    let d = tempfile::tempdir().unwrap();
    let src = spike_rpm("spike-unsigned");
    let data = signed_bytes(&src);
    let now = SystemTime::now();
    let cert = make_cert(CipherSuite::RSA2k, now - DAY * 10, None, true, false);
    let packet = sign(&cert, &data, HashAlgorithm::SHA256, now - DAY);
    let pkg = d.path().join("sub.rpm");
    let file = resign(&src, &pkg, vec![(RPMSIGTAG_RSA, Value::Bin(packet))]);
    assert!(matches!(check_package(&file, &ring_of(&cert).unwrap(), &on()), Ok(Verdict::Trusted { .. })));

    // Revoked as compromised: no signature of it counts any more.
    let sub = cert.keys().subkeys().next().unwrap().key().clone();
    let mut primary = cert.primary_key().key().clone().parts_into_secret().unwrap().into_keypair().unwrap();
    let rev = SubkeyRevocationBuilder::new()
        .set_reason_for_revocation(ReasonForRevocation::KeyCompromised, b"test")
        .unwrap()
        .build(&mut primary, &cert, &sub, None)
        .unwrap();
    let revoked = cert.clone().insert_packets(rev).unwrap().0;
    let e = check_package(&file, &ring_of(&revoked).unwrap(), &on()).unwrap_err();
    assert!(matches!(e, SigError::Refused { .. }) && e.to_string().contains("revoked"), "{e}");
    let keyfile = d.path().join("revoked.asc");
    std::fs::write(&keyfile, public(&revoked).1).unwrap();
    // rpm 4.18 cannot import the key (critical embedded back-signature).
    assert_eq!(rpm_accepts(&[&keyfile], &pkg), None);

    // The subkey's binding signature removed: the key is refused outright.
    use sequoia_openpgp::parse::Parse;
    use sequoia_openpgp::serialize::SerializeInto;
    let base = Cert::from_bytes(&public(&cert).0).unwrap();
    let packets = base.into_packets().filter(
        |p| !matches!(p, sequoia_openpgp::Packet::Signature(s) if s.typ() == sequoia_openpgp::types::SignatureType::SubkeyBinding),
    );
    let unbound = Cert::from_packets(packets).unwrap().to_vec().unwrap();
    let key = crate::signature::PublicKey::from_packets(unbound, "unbound", 1).unwrap();
    let e = Keyring::new()
        .add(key, crate::signature::KeyOrigin::File("unbound".into()), &crate::signature::OpenPgpPolicy::new())
        .unwrap_err();
    assert!(e.to_string().contains("has no valid binding signature"), "{e}");
}

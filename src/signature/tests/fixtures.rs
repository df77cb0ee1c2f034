//! Test fixtures: keys made with sequoia, packages re-signed with them
//! (a new signature header in front of an unchanged main header and
//! payload), and the real `rpmkeys` as the oracle.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use sequoia_openpgp as openpgp;
use openpgp::cert::prelude::*;
use openpgp::packet::signature::SignatureBuilder;
use openpgp::packet::Packet;
use openpgp::policy::StandardPolicy;
use openpgp::serialize::{Marshal, SerializeInto};
use openpgp::types::{HashAlgorithm, SignatureType};

use crate::rpm::file::{LEAD_LEN, RpmFile};
use crate::rpm::header::HEADER_MAGIC;
use crate::rpm::tags::*;
use crate::signature::blob::{self, Value};
use crate::signature::{KeyOrigin, Keyring, OpenPgpPolicy, PublicKey};

pub(crate) const DAY: Duration = Duration::from_secs(86_400);

/// A fresh key: `suite`, created at `created`, valid for `validity`, with a
/// signing subkey when `subkey` (the primary then only certifies).
pub(crate) fn make_cert(suite: CipherSuite, created: SystemTime, validity: Option<Duration>, subkey: bool, v6: bool) -> Cert {
    let mut b = CertBuilder::new()
        .add_userid("Test Signer <signer@example.invalid>")
        .set_cipher_suite(suite)
        .set_creation_time(created)
        .set_validity_period(validity);
    if v6 {
        b = b.set_profile(openpgp::Profile::RFC9580).expect("profile");
    }
    b = if subkey { b.set_primary_key_flags(openpgp::types::KeyFlags::empty().set_certification()).add_signing_subkey() } else { b.set_primary_key_flags(openpgp::types::KeyFlags::empty().set_certification().set_signing()) };
    b.generate().expect("generate key").0
}

/// A binary signature packet over `data` by the signing key of `cert`
/// valid at `when`, with hash `hash`.
pub(crate) fn sign(cert: &Cert, data: &[u8], hash: HashAlgorithm, when: SystemTime) -> Vec<u8> {
    let sp = StandardPolicy::new();
    let ka = cert
        .keys()
        .secret()
        .with_policy(&sp, when)
        .for_signing()
        .next()
        .or_else(|| cert.keys().secret().with_policy(&sp, when + DAY).for_signing().next())
        .expect("a signing key");
    let mut signer = ka.key().clone().into_keypair().expect("keypair");
    let sig = SignatureBuilder::new(SignatureType::Binary)
        .set_hash_algo(hash)
        .set_signature_creation_time(when)
        .expect("time")
        .sign_message(&mut signer, data)
        .expect("sign");
    let mut out = Vec::new();
    Packet::from(sig).serialize(&mut out).expect("serialize");
    out
}

/// The certificate without secrets, binary and armored, in a form rpm
/// 4.18's parser imports: sequoia's direct-key signature is left out and
/// the user ID binding is remade without the (critical) primary-user-ID
/// flag, which that parser refuses as an unknown critical subpacket.
pub(crate) fn public(cert: &Cert) -> (Vec<u8>, Vec<u8>) {
    let mut primary = cert.primary_key().key().clone().parts_into_secret().expect("secret").into_keypair().expect("keypair");
    let uid = cert.userids().next().expect("a user ID");
    let old = uid.self_signatures().next().expect("a binding");
    let b = SignatureBuilder::new(SignatureType::PositiveCertification)
        .set_signature_creation_time(old.signature_creation_time().expect("time"))
        .expect("time")
        .set_key_flags(old.key_flags().expect("flags"))
        .expect("flags")
        .set_key_validity_period(old.key_validity_period())
        .expect("validity");
    let binding = uid.userid().bind(&mut primary, cert, b).expect("bind");
    let packets = cert.clone().strip_secret_key_material().into_packets().filter(|p| {
        !matches!(p, Packet::Signature(s) if matches!(s.typ(), SignatureType::DirectKey | SignatureType::PositiveCertification))
    });
    let p = Cert::from_packets(packets).expect("cert").insert_packets(binding).expect("insert").0;
    (p.to_vec().expect("to_vec"), p.armored().to_vec().expect("armor"))
}

/// A keyring holding exactly `cert`'s public part (lint applied).
pub(crate) fn ring_of(cert: &Cert) -> Result<Keyring, crate::signature::KeyError> {
    let mut ring = Keyring::new();
    let key = PublicKey::from_packets(public(cert).0, "test", 1)?;
    ring.add(key, KeyOrigin::File("test".into()), &OpenPgpPolicy::new())?;
    Ok(ring)
}

/// A keyring from key files.
pub(crate) fn ring_from_files(files: &[PathBuf]) -> Keyring {
    let mut ring = Keyring::new();
    for f in files {
        let bytes = std::fs::read(f).expect("read key");
        ring.add_key_file(&bytes, &f.display().to_string(), &OpenPgpPolicy::new()).expect("key accepted");
    }
    ring
}

/// Write `dst`: `src` with its signature header replaced by the digests of
/// the original plus `extra` signature entries (none: unsigned).
pub(crate) fn resign(src: &Path, dst: &Path, extra: Vec<(u32, Value)>) -> RpmFile {
    let bytes = std::fs::read(src).expect("read rpm");
    let f = RpmFile::from_bytes(&bytes, src).expect("parse rpm");
    let s = &f.signature;
    let mut region: Vec<(u32, Value)> = Vec::new();
    for tag in [RPMSIGTAG_SHA1, RPMSIGTAG_SHA256] {
        if let Some(v) = s.string(tag) {
            region.push((tag, Value::Str(v.to_string())));
        }
    }
    for tag in [RPMSIGTAG_SIZE, RPMSIGTAG_PAYLOADSIZE] {
        if let Some(v) = s.u32(tag) {
            region.push((tag, Value::U32(vec![v])));
        }
    }
    if let Some(md5) = s.bin(RPMSIGTAG_MD5) {
        region.push((RPMSIGTAG_MD5, Value::Bin(md5.to_vec())));
    }
    region.extend(extra);
    let sig = blob::build(RPMTAG_HEADERSIGNATURES, &region, &[]).expect("signature header");
    let mut out = bytes[..LEAD_LEN].to_vec();
    out.extend_from_slice(&HEADER_MAGIC);
    out.extend_from_slice(&sig);
    while !out.len().is_multiple_of(8) {
        out.push(0);
    }
    out.extend_from_slice(&bytes[f.header_start as usize..]);
    std::fs::write(dst, &out).expect("write rpm");
    RpmFile::open(dst).expect("re-read rpm")
}

/// The main header (with magic) of a package: what header signatures cover.
pub(crate) fn signed_bytes(pkg: &Path) -> Vec<u8> {
    RpmFile::open(pkg).expect("open").header.to_bytes_with_magic()
}

/// Debian's rpm 4.18 as the oracle: import `keys` into a fresh root and run
/// `rpmkeys --checksig` at `_pkgverify_level signature`. `None` when rpm
/// cannot import a key.
pub(crate) fn rpm_accepts(keys: &[&Path], pkg: &Path) -> Option<bool> {
    let root = tempfile::tempdir().expect("tempdir");
    for k in keys {
        let ok = Command::new("rpmkeys")
            .arg("--root")
            .arg(root.path())
            .args(["--dbpath", "/var/lib/rpm", "--import"])
            .arg(k)
            .output()
            .expect("rpmkeys --import")
            .status
            .success();
        if !ok {
            return None;
        }
    }
    let out = Command::new("rpmkeys")
        .arg("--root")
        .arg(root.path())
        .args(["--dbpath", "/var/lib/rpm", "--define", "_pkgverify_level signature", "--checksig"])
        .arg(pkg)
        .output()
        .expect("rpmkeys --checksig");
    Some(out.status.success())
}

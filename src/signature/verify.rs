//! Verifying one OpenPGP signature of a package or a file.
//!
//! Which signatures a package carries (`lib/rpmvs.c` in rpm 4.18, `.cc` in
//! rpm 6): the header-only signatures RSAHEADER (268) and DSAHEADER (267),
//! one OpenPGP packet each over the main header as stored in the file (its
//! magic included); rpm 6's OPENPGP (278), a string array of base64 packets
//! over the same bytes, which when present replaces 267/268 (rpm 6 ignores
//! v3/v4 signatures next to v6 ones); and the legacy header+payload
//! signatures PGP (1002) and GPG (1005) over the header and the compressed
//! payload, which we verify only where they are the one signature that
//! covers the payload (a package without PAYLOADDIGEST, e.g. CentOS 7).
//!
//! A signature is accepted when a trusted key made it, the data matches,
//! the policy accepts the signature ([`OpenPgpPolicy::check_data_signature`])
//! and the signing key was valid when it signed: bound, alive (not expired),
//! not revoked, signing-capable (see `policy.rs`).

use std::io::{Read, Seek, SeekFrom};

use sequoia_openpgp as openpgp;
use openpgp::crypto::hash::Context;
use openpgp::packet::{Packet, Signature};
use openpgp::parse::Parse;
use openpgp::cert::amalgamation::ValidAmalgamation;
use openpgp::types::{PublicKeyAlgorithm, RevocationStatus};

use super::key::keyid_hex;
use super::keyring::{KeyOrigin, Keyring};
use super::policy::{OpenPgpPolicy, hash_name};
use crate::rpm::file::RpmFile;
use crate::rpm::tags::*;

/// One signature found in a package's signature header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageSignature {
    /// The signature-header tag it came from (267, 268, 278, 1002, 1005).
    pub tag: u32,
    /// The binary signature packet (`None` when a 278 value is not base64).
    pub packet: Option<Vec<u8>>,
}

impl PackageSignature {
    /// Whether this signature covers the payload too (1002, 1005).
    pub fn covers_payload(&self) -> bool {
        matches!(self.tag, RPMSIGTAG_PGP | RPMSIGTAG_GPG)
    }
}

/// The header signatures of a package, in rpm's order of preference: the
/// 278 values if any, else RSAHEADER and DSAHEADER.
pub fn header_signatures(file: &RpmFile) -> Vec<PackageSignature> {
    let sig = &file.signature;
    let v6: Vec<PackageSignature> = sig
        .string_array(RPMTAG_OPENPGP)
        .iter()
        .map(|s| PackageSignature { tag: RPMTAG_OPENPGP, packet: super::base64::decode(s) })
        .collect();
    if !v6.is_empty() || sig.has(RPMTAG_OPENPGP) {
        return v6;
    }
    [RPMSIGTAG_RSA, RPMSIGTAG_DSA]
        .iter()
        .filter_map(|&tag| sig.bin(tag).map(|b| PackageSignature { tag, packet: Some(b.to_vec()) }))
        .collect()
}

/// The legacy header+payload signatures (PGP 1002, GPG 1005).
pub fn payload_signatures(file: &RpmFile) -> Vec<PackageSignature> {
    [RPMSIGTAG_PGP, RPMSIGTAG_GPG]
        .iter()
        .filter_map(|&tag| file.signature.bin(tag).map(|b| PackageSignature { tag, packet: Some(b.to_vec()) }))
        .collect()
}

/// Who made an accepted signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// rpm's description, e.g. `V4 RSA/SHA256 Signature, key ID 1964c5fc`.
    pub description: String,
    /// Fingerprint (hex) of the (sub)key that signed.
    pub fingerprint: String,
    /// Primary key ID (16 hex) of the certificate.
    pub keyid: String,
    /// The certificate's user ID as rpm reports it.
    pub userid: String,
    /// Where the trusted key came from.
    pub origin: KeyOrigin,
}

/// Why one signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigFailure {
    /// Not a parsable signature packet.
    #[error("{0}")]
    Malformed(String),
    /// No trusted key has the issuer's key ID.
    #[error("{description}: NOKEY")]
    NoKey { description: String, keyid: String },
    /// A trusted key with that ID exists, but the signature does not match
    /// the data (tampered data, or a key-ID collision).
    #[error("{description}: BAD")]
    Bad { description: String },
    /// The signature matches, but the policy refuses it or its key.
    #[error("{description}: refused: {reason}")]
    Refused { description: String, reason: String },
}

/// What a signature is over.
#[derive(Clone, Copy)]
pub enum Signed<'a> {
    /// Bytes in memory (a header with magic, a repomd.xml).
    Bytes(&'a [u8]),
    /// The package's main header and payload, streamed from its file.
    HeaderAndPayload(&'a RpmFile),
}

/// rpm's description of a signature (`lib/rpmvs.c rpmsinfoDescr`).
pub fn describe(sig: &Signature, tag: u32) -> String {
    let algo = match sig.pk_algo() {
        #[allow(deprecated)]
        PublicKeyAlgorithm::RSAEncryptSign | PublicKeyAlgorithm::RSASign => "RSA".to_string(),
        #[allow(deprecated)]
        PublicKeyAlgorithm::DSA => "DSA".to_string(),
        PublicKeyAlgorithm::EdDSA | PublicKeyAlgorithm::Ed25519 | PublicKeyAlgorithm::Ed448 => "EdDSA".to_string(),
        PublicKeyAlgorithm::ECDSA => "ECDSA".to_string(),
        other => format!("{other}"),
    };
    let id = sig.get_issuers().first().map(|h| h.to_hex().to_lowercase()).unwrap_or_default();
    let short = id.get(id.len().saturating_sub(8)..).unwrap_or("");
    let scope = if matches!(tag, RPMSIGTAG_PGP | RPMSIGTAG_GPG) { "" } else { "Header " };
    format!("{scope}V{} {algo}/{} Signature, key ID {short}", sig.version(), hash_name(sig.hash_algo()))
}

fn hash_of(sig: &Signature, data: Signed<'_>) -> Result<Context, SigFailure> {
    let mal = |e: String| SigFailure::Malformed(e);
    let mut ctx = sig.hash_algo().context().map_err(|e| mal(format!("{e}")))?.for_signature(sig.version());
    if let Some(salt) = sig.salt() {
        ctx.update(salt);
    }
    match data {
        Signed::Bytes(b) => ctx.update(b),
        Signed::HeaderAndPayload(file) => {
            let io = |e: std::io::Error| mal(format!("{}: {e}", file.path.display()));
            let mut f = std::fs::File::open(&file.path).map_err(io)?;
            f.seek(SeekFrom::Start(file.header_start)).map_err(io)?;
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match f.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => ctx.update(&buf[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(io(e)),
                }
            }
        }
    }
    Ok(ctx)
}

/// Verify one signature packet over `data` with the keys of `keys`.
pub fn verify_signature(
    packet: &[u8],
    tag: u32,
    data: Signed<'_>,
    keys: &Keyring,
    policy: &OpenPgpPolicy,
) -> Result<Signer, SigFailure> {
    let sig = match Packet::from_bytes(packet) {
        Ok(Packet::Signature(s)) => s,
        Ok(p) => return Err(SigFailure::Malformed(format!("expected a signature packet, found {}", p.tag()))),
        Err(e) => return Err(SigFailure::Malformed(format!("unreadable signature packet: {e}"))),
    };
    let description = describe(&sig, tag);
    let issuers = sig.get_issuers();
    if issuers.is_empty() {
        return Err(SigFailure::Malformed(format!("{description}: the signature names no issuer")));
    }
    let hash = hash_of(&sig, data)?;
    let mut refused = None;
    let mut any = false;
    for (tk, fp) in keys.candidates(&issuers) {
        any = true;
        let Some(ka) = tk.key.cert.keys().key_handle(fp.clone()).next() else { continue };
        if sig.verify_hash(ka.key(), hash.clone()).is_err() {
            continue;
        }
        match key_valid_at_signing(&sig, tk, &fp, policy) {
            Ok(()) => {}
            Err(reason) => {
                refused = Some(reason);
                continue;
            }
        }
        if let Err(reason) = policy.check_data_signature(&sig) {
            refused = Some(reason);
            continue;
        }
        return Ok(Signer {
            description,
            fingerprint: fp.to_hex().to_lowercase(),
            keyid: tk.key.keyid.clone(),
            userid: tk.key.userid.clone(),
            origin: tk.origin.clone(),
        });
    }
    match (refused, any) {
        (Some(reason), _) => Err(SigFailure::Refused { description, reason }),
        (None, true) => Err(SigFailure::Bad { description }),
        (None, false) => {
            let keyid = issuers.first().map(|h| h.to_hex().to_lowercase()).unwrap_or_default();
            Err(SigFailure::NoKey { description, keyid })
        }
    }
}

/// The signing key's validity when `sig` was made (see the module docs).
fn key_valid_at_signing(
    sig: &Signature,
    tk: &super::keyring::TrustedKey,
    fp: &openpgp::Fingerprint,
    policy: &OpenPgpPolicy,
) -> Result<(), String> {
    let when = sig.signature_creation_time().ok_or("the signature has no creation time")?;
    sig.signature_alive(None, None).map_err(|e| format!("the signature is not alive now: {e}"))?;
    let vc = tk
        .key
        .cert
        .with_policy(policy.standard(), when)
        .map_err(|e| format!("key {} was not valid when it signed: {e:#}", tk.key.keyid))?;
    if let RevocationStatus::Revoked(_) = vc.revocation_status() {
        return Err(format!("key {} is revoked", tk.key.keyid));
    }
    vc.alive().map_err(|e| format!("key {} was not alive when it signed: {e:#}", tk.key.keyid))?;
    let subid = keyid_hex(&openpgp::KeyID::from(fp));
    let ka = vc
        .keys()
        .key_handle(fp.clone())
        .next()
        .ok_or_else(|| format!("subkey {subid} has no valid binding signature"))?;
    if let RevocationStatus::Revoked(_) = ka.revocation_status() {
        return Err(format!("subkey {subid} is revoked"));
    }
    ka.alive().map_err(|e| format!("subkey {subid} was not alive when it signed: {e:#}"))?;
    if ka.key_flags().is_some_and(|f| !f.for_signing()) {
        return Err(format!("key {subid} is not a signing key"));
    }
    Ok(())
}

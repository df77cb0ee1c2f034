//! The `gpg-pubkey` pseudo-package: how rpm stores a trusted key in the
//! rpmdb (`lib/rpmts.c makePubkeyHeader`, `makeImmutable`,
//! `rpmtsImportPubkey`, rpm 4.18), reproduced byte for byte:
//!
//! * NAME `gpg-pubkey`, VERSION the short key ID, RELEASE the creation time
//!   in hex, SUMMARY `<uid> public key`, DESCRIPTION the armored key,
//!   GROUP `Public Keys`, LICENSE `pubkey`, PACKAGER the uid, SIZE 0,
//!   RPMVERSION, BUILDHOST `localhost`, BUILDTIME the creation time,
//!   SOURCERPM `(none)`, PUBKEYS the key in base64 (64-column lines);
//! * provides `gpg(<uid>)`, `gpg(<keyid8>)`, `gpg(<keyid16>)` and, per
//!   subkey, `gpg(<sub8>)`, `gpg(<sub16>)`, each `= <ver>:<keyid16>-<created>`
//!   with flags KEYRING|EQUAL;
//! * all of that reloaded into an immutable region, SHA1HEADER and
//!   SHA256HEADER computed over the region (with the header magic), then
//!   INSTALLTIME and INSTALLTID (the transaction id) appended.
//!
//! rpm verifies SHA1HEADER/SHA256HEADER on every read, so these must be
//! right or rpm skips the key.

use std::path::Path;

use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::base64;
use super::blob::{self, BlobError, Value};
use super::key::PublicKey;
use super::keyring::Keyring;
use super::policy::OpenPgpPolicy;
use crate::rpm::header::HEADER_MAGIC;
use crate::rpm::tags::*;
use crate::rpmdb::writer::{RpmdbWriter, WriterError};

/// The rpm version we write into RPMVERSION (and the armor's `Version:`
/// line): we write rpm 4.18's database format.
pub const RPM_VERSION: &str = "4.18.0";

/// RPMSENSE_KEYRING | RPMSENSE_EQUAL.
const KEYRING_EQUAL: u32 = (1 << 26) | 8;

/// Why a key could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Key(#[from] super::key::KeyError),
    #[error("building the gpg-pubkey header: {0}")]
    Blob(#[from] BlobError),
    #[error(transparent)]
    Rpmdb(#[from] WriterError),
    #[error(transparent)]
    Read(#[from] crate::rpmdb::RpmdbError),
}

/// The rpmdb blob of the `gpg-pubkey` header of `key`, installed by
/// transaction `tid` at `time` (rpm uses the tid for both).
pub fn pubkey_header(key: &PublicKey, tid: u32, time: u32, rpm_version: &str) -> Result<Vec<u8>, BlobError> {
    let s = |v: &str| Value::Str(v.to_string());
    let verid = format!("{}:{}-{:x}", key.version, key.keyid, key.created);
    let short = |id: &str| id.get(id.len().saturating_sub(8)..).unwrap_or(id).to_string();
    let mut provides = vec![format!("gpg({})", key.userid), format!("gpg({})", short(&key.keyid)), format!("gpg({})", key.keyid)];
    for sub in &key.subkey_ids {
        provides.push(format!("gpg({})", short(sub)));
        provides.push(format!("gpg({sub})"));
    }
    let n = provides.len();
    let region = vec![
        (RPMTAG_PUBKEYS, Value::StrArray(vec![base64::encode_lines(&key.raw)])),
        (RPMTAG_NAME, s("gpg-pubkey")),
        (RPMTAG_VERSION, s(key.short_id())),
        (RPMTAG_RELEASE, s(&format!("{:x}", key.created))),
        (RPMTAG_SUMMARY, Value::I18n(format!("{} public key", key.userid))),
        (RPMTAG_DESCRIPTION, Value::I18n(base64::armor_public_key(&key.raw, rpm_version))),
        (RPMTAG_BUILDTIME, Value::U32(vec![key.created])),
        (RPMTAG_BUILDHOST, s("localhost")),
        (RPMTAG_SIZE, Value::U32(vec![0])),
        (RPMTAG_LICENSE, s("pubkey")),
        (RPMTAG_PACKAGER, s(&key.userid)),
        (RPMTAG_GROUP, Value::I18n("Public Keys".into())),
        (RPMTAG_SOURCERPM, s("(none)")),
        (RPMTAG_PROVIDENAME, Value::StrArray(provides)),
        (RPMTAG_RPMVERSION, s(rpm_version)),
        (RPMTAG_PROVIDEFLAGS, Value::U32(vec![KEYRING_EQUAL; n])),
        (RPMTAG_PROVIDEVERSION, Value::StrArray(vec![verid; n])),
    ];
    let region_only = blob::build(RPMTAG_HEADERIMMUTABLE, &region, &[])?;
    let mut h1 = Sha1::new();
    let mut h256 = Sha256::new();
    for h in [&HEADER_MAGIC[..], &region_only] {
        h1.update(h);
        h256.update(h);
    }
    let dribbles = vec![
        (RPMTAG_SHA1HEADER, Value::Str(hex::encode(h1.finalize()))),
        (RPMTAG_SHA256HEADER, Value::Str(hex::encode(h256.finalize()))),
        (RPMTAG_INSTALLTIME, Value::U32(vec![time])),
        (RPMTAG_INSTALLTID, Value::U32(vec![tid])),
    ];
    blob::build(RPMTAG_HEADERIMMUTABLE, &region, &dribbles)
}

/// A transaction id for an import happening now (rpm uses the time).
pub fn now_tid() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX))
}

/// What [`import_key`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// Written as a new header with this number.
    Added { hnum: u32, nvr: String },
    /// The rpmdb already had the key (rpm then writes nothing either).
    AlreadyPresent { nvr: String },
}

/// Import `key` into the rpmdb at `dbdir` as `rpm --import` does: lint it,
/// skip it if the rpmdb already trusts it, else add its `gpg-pubkey`
/// header (transaction id `tid`).
pub fn import_key(dbdir: &Path, key: &PublicKey, tid: u32, policy: &OpenPgpPolicy) -> Result<Imported, ImportError> {
    key.lint(policy, &key.rpm_nvr())?;
    let nvr = key.rpm_nvr();
    let (existing, _) = Keyring::from_rpmdb(dbdir, policy)?;
    if existing.contains(key) {
        return Ok(Imported::AlreadyPresent { nvr });
    }
    let blob = pubkey_header(key, tid, tid, RPM_VERSION)?;
    let mut w = RpmdbWriter::open(dbdir)?;
    let hnum = w.add(&blob)?;
    w.close()?;
    Ok(Imported::Added { hnum, nvr })
}

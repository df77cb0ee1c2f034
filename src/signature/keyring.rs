//! The keys a check trusts: keys from a repo's `gpgkey=` files and the
//! `gpg-pubkey` pseudo-packages of the root's rpmdb (rpm's default
//! `%_keyring rpmdb`, `lib/rpmts.c loadKeyringFromDB`: every header named
//! `gpg-pubkey` contributes the key in its PUBKEYS tag, base64).
//!
//! Lookup is by the issuer of a signature: a key ID or fingerprint that
//! may name the primary key or a subkey. Key IDs can collide (rpm's
//! `keyidcollision` fixtures are two different keys with one ID), so a
//! lookup returns every match and the verifier tries each.

use std::path::Path;

use sequoia_openpgp as openpgp;
use openpgp::KeyHandle;

use super::base64;
use super::key::{KeyError, PublicKey, parse_key_file};
use super::policy::OpenPgpPolicy;
use crate::rpm::tags::{RPMTAG_NAME, RPMTAG_PUBKEYS};
use crate::rpmdb::{RpmdbError, sqlite::Rpmdb};

/// Where a trusted key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOrigin {
    /// A key file or URL (`gpgkey=`).
    File(String),
    /// A `gpg-pubkey` header of the rpmdb, by header number.
    Rpmdb(u32),
}

/// A key in a [`Keyring`].
#[derive(Debug, Clone)]
pub struct TrustedKey {
    pub key: PublicKey,
    pub origin: KeyOrigin,
}

/// A gpg-pubkey header whose key could not be used (reported, not fatal:
/// rpm skips such headers too).
#[derive(Debug, Clone)]
pub struct SkippedKey {
    pub hnum: u32,
    pub error: KeyError,
}

/// A set of trusted keys.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    keys: Vec<TrustedKey>,
}

impl Keyring {
    /// An empty keyring.
    pub fn new() -> Keyring {
        Keyring::default()
    }

    /// The keys, in the order they were added.
    pub fn keys(&self) -> &[TrustedKey] {
        &self.keys
    }

    /// Whether a key with the same primary fingerprint is already present.
    pub fn contains(&self, key: &PublicKey) -> bool {
        self.keys.iter().any(|k| k.key.cert.fingerprint() == key.cert.fingerprint())
    }

    /// Add `key` after the lint ([`PublicKey::lint`]); a key already present
    /// is not added twice. Returns whether it was added.
    pub fn add(&mut self, key: PublicKey, origin: KeyOrigin, policy: &OpenPgpPolicy) -> Result<bool, KeyError> {
        let name = match &origin {
            KeyOrigin::File(f) => f.clone(),
            KeyOrigin::Rpmdb(h) => format!("rpmdb header {h}"),
        };
        key.lint(policy, &name)?;
        if self.contains(&key) {
            return Ok(false);
        }
        self.keys.push(TrustedKey { key, origin });
        Ok(true)
    }

    /// Add every key of a key file's contents (`origin` names it in errors).
    /// All keys must pass, or none is added.
    pub fn add_key_file(&mut self, bytes: &[u8], origin: &str, policy: &OpenPgpPolicy) -> Result<Vec<PublicKey>, KeyError> {
        let keys = parse_key_file(bytes, origin)?;
        for k in &keys {
            k.lint(policy, origin)?;
        }
        for k in &keys {
            self.add(k.clone(), KeyOrigin::File(origin.to_string()), policy)?;
        }
        Ok(keys)
    }

    /// The keys of the `gpg-pubkey` headers in the rpmdb at `dbdir` (none
    /// when there is no database). Headers whose key does not parse or
    /// fails the lint are returned as skipped.
    pub fn from_rpmdb(dbdir: &Path, policy: &OpenPgpPolicy) -> Result<(Keyring, Vec<SkippedKey>), RpmdbError> {
        let db = Rpmdb::open(dbdir)?;
        let mut warnings = Vec::new();
        let mut ring = Keyring::new();
        let mut skipped = Vec::new();
        for (hnum, h) in db.headers(&mut warnings)? {
            if h.string(RPMTAG_NAME) != Some("gpg-pubkey") {
                continue;
            }
            let origin = format!("rpmdb header {hnum}");
            let parsed = h
                .string_array(RPMTAG_PUBKEYS)
                .first()
                .and_then(|s| base64::decode(s))
                .ok_or_else(|| KeyError::NoKey { origin: origin.clone() })
                .and_then(|raw| PublicKey::from_packets(raw, &origin, 1));
            match parsed.and_then(|k| ring.add(k, KeyOrigin::Rpmdb(hnum), policy)) {
                Ok(_) => {}
                Err(error) => skipped.push(SkippedKey { hnum, error }),
            }
        }
        Ok((ring, skipped))
    }

    /// Every (key, subkey-or-primary) pair whose key ID or fingerprint
    /// matches one of `issuers`.
    pub fn candidates<'a>(&'a self, issuers: &'a [KeyHandle]) -> impl Iterator<Item = (&'a TrustedKey, openpgp::Fingerprint)> + 'a {
        self.keys.iter().flat_map(move |tk| {
            tk.key
                .cert
                .keys()
                .filter(move |ka| issuers.iter().any(|h| h.aliases(KeyHandle::from(ka.key().fingerprint()))))
                .map(move |ka| (tk, ka.key().fingerprint()))
        })
    }

    /// Merge another keyring into this one (keys already present are skipped).
    pub fn extend(&mut self, other: &Keyring) {
        for k in &other.keys {
            if !self.contains(&k.key) {
                self.keys.push(k.clone());
            }
        }
    }
}

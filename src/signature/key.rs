//! OpenPGP public keys as rpm handles them: one key per armored block of a
//! key file (`rpmio/rpmpgp.c pgpParsePkts`, `lib/rpmts.c
//! rpmtsImportPubkey`), its rpm identity (`gpg-pubkey-<keyid8>-<created>`,
//! `lib/rpmts.c initPgpData`), and the lint that decides whether a key may
//! be trusted at all (in the spirit of rpm-sequoia's `pgpPubKeyLint`).

use std::io::Read;

use sequoia_openpgp as openpgp;
use openpgp::armor::{Kind, Reader, ReaderMode};
use openpgp::cert::Cert;
use openpgp::packet::Packet;
use openpgp::parse::Parse;
use openpgp::types::{RevocationStatus, SignatureType};
use openpgp::PacketPile;

use super::policy::OpenPgpPolicy;

const BEGIN: &str = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
const END: &str = "-----END PGP PUBLIC KEY BLOCK-----";

/// Why a key was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("{origin}: no public key found")]
    NoKey { origin: String },
    #[error("{origin}: key {index} is not an OpenPGP public key: {reason}")]
    Parse { origin: String, index: usize, reason: String },
    #[error("{origin}: key {keyid} is refused: {reason}")]
    Refused { origin: String, keyid: String, reason: String },
}

/// A public key with what rpm records about it.
#[derive(Debug, Clone)]
pub struct PublicKey {
    /// The certificate, canonicalized by sequoia.
    pub cert: Cert,
    /// The key's packets exactly as given (rpm's PUBKEYS value, decoded).
    pub raw: Vec<u8>,
    /// Primary key ID, 16 lowercase hex digits (rpm's `signid`).
    pub keyid: String,
    /// Primary key creation time (rpm's `gpg-pubkey` release, in hex).
    pub created: u32,
    /// Key packet version (4, or 6 for RFC 9580 keys).
    pub version: u8,
    /// The user ID rpm's parser reports: the last User ID packet, or `none`.
    pub userid: String,
    /// Key IDs (16 hex) of the subkeys, in packet order.
    pub subkey_ids: Vec<String>,
}

impl PublicKey {
    /// Parse one key from its binary packets (no armor).
    pub fn from_packets(raw: Vec<u8>, origin: &str, index: usize) -> Result<PublicKey, KeyError> {
        let perr = |reason: String| KeyError::Parse { origin: origin.to_string(), index, reason };
        let cert = Cert::from_bytes(&raw).map_err(|e| perr(format!("{e:#}")))?;
        if cert.is_tsk() {
            return Err(perr("it contains secret key material".into()));
        }
        let pile = PacketPile::from_bytes(&raw).map_err(|e| perr(format!("{e:#}")))?;
        let userid = pile
            .children()
            .filter_map(|p| match p {
                Packet::UserID(u) => Some(String::from_utf8_lossy(u.value()).into_owned()),
                _ => None,
            })
            .last()
            .unwrap_or_else(|| "none".to_string());
        let primary = cert.primary_key().key();
        let created = primary
            .creation_time()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX));
        Ok(PublicKey {
            keyid: keyid_hex(&cert.keyid()),
            created,
            version: primary.version(),
            userid,
            subkey_ids: cert.keys().subkeys().map(|k| keyid_hex(&k.key().keyid())).collect(),
            cert,
            raw,
        })
    }

    /// The last 8 hex digits of the key ID (rpm's `shortid`).
    pub fn short_id(&self) -> &str {
        self.keyid.get(self.keyid.len().saturating_sub(8)..).unwrap_or(&self.keyid)
    }

    /// `gpg-pubkey-<keyid8>-<created hex>`, the pseudo-package's N-V-R.
    pub fn rpm_nvr(&self) -> String {
        format!("gpg-pubkey-{}-{:x}", self.short_id(), self.created)
    }

    /// Check that the key may be trusted: its primary key is bound by a
    /// self-signature the policy accepts, it is not revoked, and every
    /// subkey has a valid binding signature (the CVE-2021-3521 keys bind a
    /// subkey with another key's signature, or with none). A key that has
    /// expired is kept: it still verifies what it signed while it was valid.
    pub fn lint(&self, policy: &OpenPgpPolicy, origin: &str) -> Result<(), KeyError> {
        let refused = |reason: String| KeyError::Refused {
            origin: origin.to_string(),
            keyid: self.keyid.clone(),
            reason,
        };
        let vc = self.cert.with_policy(policy.standard(), None).map_err(|e| refused(format!("{e:#}")))?;
        if let RevocationStatus::Revoked(_) = vc.revocation_status() {
            return Err(refused("the key is revoked".into()));
        }
        // Sequoia drops or merges subkey packets while canonicalizing
        // (CVE-2021-3521-nosubsig repeats one subkey, once unbound), so walk
        // the packets as given: each subkey must be followed by its binding (among its signatures).
        let pile = PacketPile::from_bytes(&self.raw).map_err(|e| refused(format!("{e:#}")))?;
        let packets: Vec<&Packet> = pile.children().collect();
        for (i, p) in packets.iter().enumerate() {
            let Packet::PublicSubkey(sub) = p else { continue };
            let bound_next = packets[i + 1..]
                .iter()
                .map_while(|p| match p {
                    Packet::Signature(s) => Some(s.typ()),
                    _ => None,
                })
                .any(|t| t == SignatureType::SubkeyBinding);
            if !bound_next || vc.keys().subkeys().key_handle(sub.fingerprint()).next().is_none() {
                return Err(refused(format!("subkey {} has no valid binding signature", keyid_hex(&sub.keyid()))));
            }
        }
        Ok(())
    }
}

/// A key ID as 16 lowercase hex digits.
pub fn keyid_hex(id: &openpgp::KeyID) -> String {
    id.to_hex().to_lowercase()
}

/// Split a key file into keys: every armored public key block is one key
/// (text outside the blocks is ignored, as rpm does); a file without armor
/// is one binary key.
pub fn parse_key_file(bytes: &[u8], origin: &str) -> Result<Vec<PublicKey>, KeyError> {
    let text = String::from_utf8_lossy(bytes);
    if !text.contains(BEGIN) {
        if bytes.is_empty() || bytes.first().is_some_and(|b| b & 0x80 == 0) {
            return Err(KeyError::NoKey { origin: origin.to_string() });
        }
        return Ok(vec![PublicKey::from_packets(bytes.to_vec(), origin, 1)?]);
    }
    let mut keys = Vec::new();
    let mut rest: &str = &text;
    while let Some(start) = rest.find(BEGIN) {
        let block = &rest[start..];
        let end = block.find(END).map(|e| e + END.len());
        let Some(end) = end else {
            return Err(KeyError::Parse {
                origin: origin.to_string(),
                index: keys.len() + 1,
                reason: "unterminated armor".into(),
            });
        };
        let index = keys.len() + 1;
        let raw = dearmor(&block[..end]).map_err(|reason| KeyError::Parse { origin: origin.to_string(), index, reason })?;
        keys.push(PublicKey::from_packets(raw, origin, index)?);
        rest = &block[end..];
    }
    Ok(keys)
}

/// The binary packets of one armored public key block.
fn dearmor(block: &str) -> Result<Vec<u8>, String> {
    let mut r = Reader::from_bytes(block.as_bytes(), ReaderMode::Tolerant(Some(Kind::PublicKey)));
    let mut raw = Vec::new();
    r.read_to_end(&mut raw).map_err(|e| format!("bad armor: {e}"))?;
    if raw.is_empty() {
        return Err("empty armor block".into());
    }
    Ok(raw)
}

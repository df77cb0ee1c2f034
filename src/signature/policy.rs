//! The OpenPGP policy: which signatures and keys we accept.
//!
//! Sequoia's `StandardPolicy` (what rpm-sequoia, the OpenPGP backend of
//! rpm ≥ 4.18 in Fedora and RHEL, uses) with two relaxations that rpm needs
//! for packages that are still in use:
//!
//! * **v3 signature packets** are accepted. rpmsign before 4.15-ish and the
//!   distro signing servers (Fedora 31, CentOS 7, EPEL 7) made v3 header
//!   signatures; StandardPolicy rejects them since 2021. A v3 signature is
//!   as strong as its hash and key; it only lacks subpackets.
//! * **SHA-1 on key self-signatures and subkey bindings** is accepted
//!   (second pre-image resistance, which SHA-1 still has; StandardPolicy
//!   stops accepting it in 2023). Old distro keys (Fedora 31, CentOS 7) are
//!   bound with SHA-1.
//!
//! Everything else is StandardPolicy, evaluated now: a **data signature**
//! (the header signature, the repomd signature) needs a collision-resistant
//! hash, so SHA-1 and MD5 data signatures are refused (rpm 4.18's internal
//! parser accepts SHA-1: a deliberate difference, see the man page), and
//! weak keys (RSA < 2048, DSA-1024) are refused. Key validity (expiry,
//! revocation, binding) is evaluated at the signature's creation time, as
//! rpm-sequoia does; a hard revocation (key compromised, or no reason)
//! counts at any time.

use sequoia_openpgp as openpgp;
use openpgp::packet::{Packet, Signature};
use openpgp::policy::{HashAlgoSecurity, Policy, StandardPolicy};
use openpgp::types::{HashAlgorithm, SignatureType};

/// Our OpenPGP policy (see the module documentation).
#[derive(Debug, Clone)]
pub struct OpenPgpPolicy {
    sp: StandardPolicy<'static>,
}

impl Default for OpenPgpPolicy {
    fn default() -> Self {
        Self::new()
    }
}

impl OpenPgpPolicy {
    /// The policy described in the module documentation.
    pub fn new() -> OpenPgpPolicy {
        let mut sp = StandardPolicy::new();
        sp.accept_packet_tag_version(openpgp::packet::Tag::Signature, 3);
        sp.accept_hash_property(HashAlgorithm::SHA1, HashAlgoSecurity::SecondPreImageResistance);
        OpenPgpPolicy { sp }
    }

    /// The sequoia policy, for validating certificates.
    pub fn standard(&self) -> &StandardPolicy<'static> {
        &self.sp
    }

    /// Whether a data signature (over a header or a file) is acceptable in
    /// itself: binary-document type, packet version, collision-resistant
    /// hash, no unknown critical subpackets. Returns the reason if not.
    pub fn check_data_signature(&self, sig: &Signature) -> Result<(), String> {
        if sig.typ() != SignatureType::Binary && sig.typ() != SignatureType::Text {
            return Err(format!("it is a {} signature, not a document signature", sig.typ()));
        }
        self.sp
            .packet(&Packet::Signature(sig.clone()))
            .map_err(|e| format!("v{} signature packets are not accepted: {e}", sig.version()))?;
        self.sp.signature(sig, HashAlgoSecurity::CollisionResistance).map_err(|_| {
            format!("{} is not accepted for signatures over data (not collision resistant)", hash_name(sig.hash_algo()))
        })
    }
}

/// rpm's name of a hash algorithm (`pgpValString(PGPVAL_HASHALGO, …)`).
pub fn hash_name(h: HashAlgorithm) -> String {
    match h {
        HashAlgorithm::MD5 => "MD5".into(),
        HashAlgorithm::SHA1 => "SHA1".into(),
        HashAlgorithm::RipeMD => "RIPEMD160".into(),
        HashAlgorithm::SHA224 => "SHA224".into(),
        HashAlgorithm::SHA256 => "SHA256".into(),
        HashAlgorithm::SHA384 => "SHA384".into(),
        HashAlgorithm::SHA512 => "SHA512".into(),
        HashAlgorithm::SHA3_256 => "SHA3-256".into(),
        HashAlgorithm::SHA3_512 => "SHA3-512".into(),
        other => format!("hash algorithm {}", u8::from(other)),
    }
}

/// What tdnf's options ask of a package check.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// `gpgcheck` in effect for the package's repo (or for command-line
    /// packages), and no `--nogpgcheck`.
    pub gpgcheck: bool,
    /// `--skipsignature`: no signature check (digests still checked).
    pub skip_signature: bool,
    /// `--skipdigest`: no digest check.
    pub skip_digest: bool,
    /// The OpenPGP rules.
    pub openpgp: OpenPgpPolicy,
}

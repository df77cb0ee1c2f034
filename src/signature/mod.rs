//! OpenPGP signatures and trust: package signature checks (`gpgcheck`),
//! the keys we trust and how they are stored, and the repomd signature
//! (`repo_gpgcheck`, in [`crate::repo::repo_gpg`]).
//!
//! * [`policy`]: the OpenPGP policy (sequoia's StandardPolicy, plus v3
//!   signature packets and SHA-1 key bindings) and tdnf's check options;
//! * [`key`]: key files, rpm's key identity and the key lint;
//! * [`keyring`]: keys from `gpgkey=` files and from the rpmdb;
//! * [`verify`]: one signature over a header, a package or a file;
//! * [`pubkey_header`]: the `gpg-pubkey` pseudo-package `rpm --import`
//!   writes, so that rpm and we share one keyring;
//! * [`check_package`]: the verdict for one `.rpm`, with tdnf's error codes;
//! * [`install`]: [`check_for_install`], the check the install path runs:
//!   the rpmdb's keys first, then the repo's `gpgkey` keys after the
//!   import question ([`consent`]).
//!
//! Package rules (rpm's `rpmReadPackageFile` with `%_pkgverify_level
//! signature`, and tdnf PR #523): with gpgcheck on, a package must carry a
//! header signature made by a trusted key; an unsigned package is refused
//! (tdnf 3.6 installs it after a NOKEY warning). Every digest the package
//! carries is checked (unless `--skipdigest`); when the header has no
//! payload digest, the legacy header+payload signature must cover the
//! payload instead.

pub mod base64;
pub mod blob;
pub mod consent;
pub mod install;
pub mod key;
pub mod keyring;
pub mod policy;
pub mod pubkey_header;
pub mod verify;

#[cfg(test)]
mod tests;

pub use consent::KeyImport;
pub use install::{InstallTrust, check_for_install};
pub use key::{KeyError, PublicKey};
pub use keyring::{KeyOrigin, Keyring};
pub use policy::{CheckOptions, OpenPgpPolicy};
pub use verify::{SigFailure, Signer};

use std::path::PathBuf;

use crate::error::{Code, Error};
use crate::rpm::file::RpmFile;
use crate::rpm::payload::{DigestReport, PayloadError, verify_digests};
use crate::rpm::tags::RPMTAG_PAYLOADDIGEST;
use verify::Signed;

/// The outcome of a package check that passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A trusted key signed the header (and, for a package without a
    /// payload digest, the payload).
    Trusted { signer: Signer, digests: Option<DigestReport> },
    /// Signatures were not checked (gpgcheck off, `--nogpgcheck`,
    /// `--skipsignature`); `digests` says what was checked.
    NotChecked { digests: Option<DigestReport> },
}

/// Why a package was refused. [`SigError::code`] gives tdnf's code.
#[derive(Debug, thiserror::Error)]
pub enum SigError {
    /// No header signature at all (tdnf 1510).
    #[error("{}: package is not signed", path.display())]
    NotSigned { path: PathBuf },
    /// Signed, but by no key we trust (tdnf 1514 after its key import).
    #[error("{}: {failure}", path.display())]
    NoKey { path: PathBuf, failure: SigFailure },
    /// The signature does not match, or cannot be read (rpm's RPMRC_FAIL,
    /// tdnf 1472).
    #[error("{}: {failure}", path.display())]
    Bad { path: PathBuf, failure: SigFailure },
    /// The signature matches, but the policy refuses it or its key (1514).
    #[error("{}: {failure}", path.display())]
    Refused { path: PathBuf, failure: SigFailure },
    /// A digest is missing or wrong (rpm's RPMRC_FAIL, tdnf 1472).
    #[error(transparent)]
    Digest(#[from] PayloadError),
    /// The header is signed but nothing signed covers the payload.
    #[error("{}: no signed digest covers the payload", path.display())]
    PayloadNotCovered { path: PathBuf },
}

impl SigError {
    /// tdnf's error code for this refusal.
    pub fn code(&self) -> Code {
        match self {
            SigError::NotSigned { .. } => Code::RpmNotSigned,
            SigError::NoKey { .. } | SigError::Refused { .. } => Code::RpmGpgNoMatch,
            SigError::Bad { .. } | SigError::Digest(_) | SigError::PayloadNotCovered { .. } => Code::RpmrcFail,
        }
    }

    /// Whether importing the repo's keys could help (tdnf then prompts).
    pub fn wants_key(&self) -> bool {
        matches!(self, SigError::NoKey { .. })
    }
}

impl From<SigError> for Error {
    fn from(e: SigError) -> Error {
        let code = e.code();
        let hint = match &e {
            SigError::NotSigned { .. } => " Use --nogpgcheck to ignore.".to_string(),
            SigError::Digest(PayloadError::NoDigest { .. }) => ". Use --skipdigest to ignore".to_string(),
            SigError::NoKey { .. } | SigError::Refused { .. } => format!(" ({})", code.message()),
            _ => String::new(),
        };
        Error::new(code, format!("{e}{hint}")).with_source(e)
    }
}

/// Check one package as tdnf's install path does before it trusts it:
/// digests (unless `--skipdigest`), then, with gpgcheck on and no
/// `--skipsignature`, the header signature against `keys`.
pub fn check_package(file: &RpmFile, keys: &Keyring, opts: &CheckOptions) -> Result<Verdict, SigError> {
    let digests = if opts.skip_digest { None } else { Some(verify_digests(file)?) };
    if !opts.gpgcheck || opts.skip_signature {
        return Ok(Verdict::NotChecked { digests });
    }
    let path = || file.path.clone();
    let header = file.header.to_bytes_with_magic();
    let mut sigs: Vec<(verify::PackageSignature, Signed<'_>)> =
        verify::header_signatures(file).into_iter().map(|s| (s, Signed::Bytes(&header))).collect();
    let payload_digest = file.header.has(RPMTAG_PAYLOADDIGEST);
    if !payload_digest {
        // The payload is only covered by the legacy signatures: require one.
        sigs.clear();
        sigs.extend(verify::payload_signatures(file).into_iter().map(|s| (s, Signed::HeaderAndPayload(file))));
        if sigs.is_empty() && !verify::header_signatures(file).is_empty() {
            return Err(SigError::PayloadNotCovered { path: path() });
        }
    }
    if sigs.is_empty() {
        return Err(SigError::NotSigned { path: path() });
    }
    let mut trusted = None;
    let mut worst: Option<SigError> = None;
    for (s, data) in &sigs {
        let result = match &s.packet {
            Some(p) => verify::verify_signature(p, s.tag, *data, keys, &opts.openpgp),
            None => Err(SigFailure::Malformed(format!("tag {} holds no base64 signature", s.tag))),
        };
        match result {
            Ok(signer) => trusted = trusted.or(Some(signer)),
            Err(failure) => {
                let e = match failure {
                    SigFailure::NoKey { .. } => SigError::NoKey { path: path(), failure },
                    SigFailure::Refused { .. } => SigError::Refused { path: path(), failure },
                    SigFailure::Bad { .. } | SigFailure::Malformed(_) => SigError::Bad { path: path(), failure },
                };
                // A bad signature outranks everything; a refusal outranks NOKEY.
                let rank = |e: &SigError| match e {
                    SigError::Bad { .. } => 3,
                    SigError::Refused { .. } => 2,
                    _ => 1,
                };
                if worst.as_ref().is_none_or(|w| rank(&e) > rank(w)) {
                    worst = Some(e);
                }
            }
        }
    }
    match (trusted, worst) {
        (_, Some(e @ SigError::Bad { .. })) => Err(e),
        (Some(signer), _) => Ok(Verdict::Trusted { signer, digests }),
        (None, Some(e)) => Err(e),
        (None, None) => Err(SigError::NotSigned { path: path() }),
    }
}

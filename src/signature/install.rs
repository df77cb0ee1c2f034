//! The package check the install path runs before it trusts a downloaded
//! or local `.rpm` (tdnf `client/gpgcheck.c TDNFGPGCheckPackage`):
//!
//! 1. check it against the keys of the root's rpm database;
//! 2. if only a key is missing (NOKEY), for each `gpgkey=` URL of the
//!    package's repo: print `importing key from <url>`, ask (`-y`
//!    answers), import its keys into the rpm database as `gpg-pubkey`
//!    headers, and check again. No key matches: 1514. The repo lists no
//!    `gpgkey`: 1523. The user declines: 1032.
//!
//! Every other refusal (unsigned 1510, bad signature or digest 1472, a key
//! or signature the policy refuses 1514) is final: importing keys cannot
//! change it.

use std::io::BufRead;
use std::path::Path;

use super::consent::KeyImport;
use super::keyring::Keyring;
use super::pubkey_header::{ImportError, import_key, now_tid};
use super::{CheckOptions, SigError, Verdict, check_package};
use crate::error::{Code, Error, Result};
use crate::output::Printer;
use crate::rpm::file::{RpmFile, RpmFileError};

/// What a package check at install time needs besides the package.
#[derive(Debug, Clone, Copy)]
pub struct InstallTrust<'a> {
    /// The root's rpm database directory: its `gpg-pubkey` keys are
    /// trusted, and imported keys are written there.
    pub dbdir: &'a Path,
    /// gpgcheck, `--skipsignature`, `--skipdigest`, the OpenPGP policy.
    pub opts: &'a CheckOptions,
    /// How the import question is answered.
    pub import: KeyImport,
    pub printer: &'a Printer,
}

/// Check the package at `rpm_path` for installation. `repo_keys` are the
/// keys of the package's repo `gpgkey=` list (as loaded by
/// [`crate::repo::repo_gpg::repo_keys`]); `None` for a repo without
/// `gpgkey` and for command-line packages. Returns the verdict, or the
/// refusal with tdnf's code.
pub fn check_for_install(rpm_path: &Path, repo_keys: Option<&Keyring>, trust: &InstallTrust<'_>) -> Result<Verdict> {
    check_with_input(rpm_path, repo_keys, trust, &mut std::io::stdin().lock())
}

/// [`check_for_install`] reading the answer to the import question from `input`.
pub fn check_with_input(
    rpm_path: &Path,
    repo_keys: Option<&Keyring>,
    trust: &InstallTrust<'_>,
    input: &mut dyn BufRead,
) -> Result<Verdict> {
    let file = RpmFile::open(rpm_path).map_err(|e| match e {
        RpmFileError::Io(io) => Error::io(rpm_path.display(), io),
        other => Error::new(Code::RpmrcFail, other.to_string()).with_source(other),
    })?;
    let policy = &trust.opts.openpgp;
    let (mut ring, _skipped) = Keyring::from_rpmdb(trust.dbdir, policy).map_err(|e| {
        Error::new(Code::Eio, format!("reading keys from {}: {e}", trust.dbdir.display())).with_source(e)
    })?;
    let first = match check_package(&file, &ring, trust.opts) {
        Ok(v) => return Ok(v),
        Err(e) if e.wants_key() => e,
        Err(e) => return Err(e.into()),
    };
    let Some(repo) = repo_keys.filter(|r| !r.keys().is_empty()) else {
        return Err(Error::new(
            Code::NoGpgkeyConfEntry,
            format!("{first}: {}", Code::NoGpgkeyConfEntry.message()),
        ));
    };
    let mut urls: Vec<&str> = Vec::new();
    for k in repo.keys() {
        if let super::KeyOrigin::File(u) = &k.origin
            && !urls.contains(&u.as_str())
        {
            urls.push(u);
        }
    }
    let tid = now_tid();
    let mut outcome: std::result::Result<Verdict, SigError> = Err(first);
    for url in urls {
        if !trust.import.confirm(trust.printer, url, input)? {
            return Err(trust.import.declined(url));
        }
        for k in repo.keys().iter().filter(|k| matches!(&k.origin, super::KeyOrigin::File(u) if u == url)) {
            import_key(trust.dbdir, &k.key, tid, policy).map_err(|e| import_error(url, e))?;
            ring.add(k.key.clone(), k.origin.clone(), policy)
                .map_err(|e| Error::new(Code::InvalidPubkeyFile, format!("{url}: {e}")).with_source(e))?;
        }
        // tdnf imports every listed key; the first match decides.
        if outcome.is_err() {
            outcome = match check_package(&file, &ring, trust.opts) {
                Ok(v) => Ok(v),
                Err(e) if e.wants_key() => Err(e),
                Err(e) => return Err(e.into()),
            };
        }
    }
    outcome.map_err(Error::from)
}

fn import_error(url: &str, e: ImportError) -> Error {
    let code = match e {
        ImportError::Key(_) => Code::InvalidPubkeyFile,
        _ => Code::RpmrcFail,
    };
    Error::new(code, format!("importing key from {url}: {e}")).with_source(e)
}

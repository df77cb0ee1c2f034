//! [`install_package`] and [`erase_package`]: one-element transactions,
//! for callers (and tests) that handle a single package.

use std::path::Path;

use super::set::{Flags, Silent, Step, TransactionSet};
use super::{TxError, run};

fn single(root: &Path, dbpath: &str, step: Step, tid: u32) -> Result<super::Outcome, TxError> {
    let ts = TransactionSet { root: root.to_path_buf(), dbpath: dbpath.to_owned(), steps: vec![step], flags: Flags::default(), tid };
    let outcome = run(&ts, &Silent)?;
    if let Some(f) = outcome.failed.first() {
        return Err(TxError::Failed { name: f.nevra.clone(), reason: f.reason.clone() });
    }
    Ok(outcome)
}

/// Install the package file `rpm` into `root` with transaction id `tid`,
/// registering it in `<root><dbpath>`; returns its rpmdb header number.
/// Nothing is written when the package's digests are wrong.
pub fn install_package(root: &Path, dbpath: &str, rpm: &Path, tid: u32) -> Result<u32, TxError> {
    let outcome = single(root, dbpath, Step::Install { rpm: rpm.to_path_buf(), replaces: Vec::new() }, tid)?;
    outcome
        .installed
        .first()
        .map(|(_, hnum)| *hnum)
        .ok_or_else(|| TxError::Failed { name: rpm.display().to_string(), reason: "not installed".into() })
}

/// Erase the package with header number `hnum` from `root`.
pub fn erase_package(root: &Path, dbpath: &str, hnum: u32) -> Result<(), TxError> {
    let tid = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX));
    single(root, dbpath, Step::Erase { hnum }, tid).map(|_| ())
}

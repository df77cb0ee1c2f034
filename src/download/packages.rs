//! Package downloads for the alter commands: several files at once, each
//! checked against the size and checksum from `primary.xml` while it
//! streams, resumable after an interrupted run.
//!
//! For each [`PackageFetch`]:
//! * a `dest` that already has the expected size and checksum is reused
//!   (`keepcache`); one that does not is removed and fetched again;
//! * otherwise the data goes to `<dest>.part` ([`part_path`]), never more
//!   than the expected size (a server sending endless data is cut off with
//!   1527), hashed as it arrives, and renamed to `dest` only once size and
//!   checksum (1528) match;
//! * a `.part` left by a killed run or a connection that died is continued
//!   with an HTTP `Range` request; a server that answers `200` instead of
//!   `206` restarts the file from byte 0;
//! * the URLs are tried in order (mirrors), each up to the repo's `retries`
//!   for transient errors (connection, timeout, 5xx, a body cut short);
//!   HTTP ≥ 400 (tdnf: 1622), oversize and checksum failures move on to the
//!   next URL at once.
//!
//! The files are fetched by `parallel` scoped threads. After a failure no
//! new file is started; the error of the first failed item (in `items`
//! order) is returned, with tdnf's codes as [`super::fetch`] maps them.

mod transfer;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use repodata::{Checksum, ChecksumKind};

use super::NetOptions;
use crate::error::{Code, Error, Result};

/// One package file to bring into place.
#[derive(Debug, Clone)]
pub struct PackageFetch {
    /// The package's NEVRA, for progress and messages.
    pub name: String,
    /// Candidate full URLs, tried in order: each baseurl (or mirror) joined
    /// with `location_href`, or `location_base` joined with it.
    pub urls: Vec<String>,
    /// Final path (`<cachedir>/<cache name>/rpms/<file>` or the
    /// `--downloaddir` file).
    pub dest: PathBuf,
    /// Size from `primary.xml` (`<size package=…>`).
    pub size: u64,
    /// Checksum type from `primary.xml` (`sha256`, `sha`, `md5`, …).
    pub checksum_kind: String,
    /// Expected checksum in hex.
    pub checksum: String,
    /// The repo's network options (proxy, TLS, auth, timeout, retries).
    pub net: NetOptions,
}

/// What happened to one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetched {
    /// `dest` was already complete and correct (tdnf: "package already
    /// downloaded").
    Reused,
    /// Downloaded now; `bytes` came over the wire (less than the size when
    /// a `.part` was resumed).
    Downloaded { bytes: u64 },
}

/// Progress callbacks; called from the download threads.
pub trait FetchProgress: Sync {
    /// Before anything starts: the number of files and their total size.
    fn begin(&self, _total_files: usize, _total_bytes: u64) {}
    /// A file is complete and correct already (nothing is downloaded).
    fn reused(&self, _name: &str, _size: u64) {}
    /// A file starts (again, on a retry or the next mirror).
    fn start(&self, _name: &str, _size: u64) {}
    /// `bytes` more bytes of `name` are on disk (a resumed `.part` is
    /// reported as one advance right after `start`).
    fn advance(&self, _name: &str, _bytes: u64) {}
    /// `name` is complete and verified.
    fn done(&self, _name: &str) {}
    /// `name` failed for good.
    fn failed(&self, _name: &str) {}
    /// Everything is finished (successfully or not).
    fn finish(&self) {}
}

/// Progress that shows nothing (`-q`, `-j`).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl FetchProgress for NoProgress {}

/// Where HTTP clients come from (one per set of network options).
///
/// [`HttpClients`] is the implementation here; the run's
/// [`super::Downloader`] can implement it with its own client cache.
pub trait ClientSource: Sync {
    /// The client for `opts`.
    fn http_client(&self, opts: &NetOptions) -> Result<reqwest::blocking::Client>;
}


/// `<dest>.part`: where a download in progress lives.
pub fn part_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".part");
    dest.with_file_name(name)
}

/// The expected checksum of `item`, typed.
fn expected(item: &PackageFetch) -> Result<Checksum> {
    let kind = ChecksumKind::from_name(&item.checksum_kind).ok_or_else(|| {
        Error::new(Code::ChecksumMismatch, format!("{}: unknown checksum type `{}`", item.name, item.checksum_kind))
    })?;
    Ok(Checksum { kind, hex: item.checksum.to_ascii_lowercase() })
}

/// Download every item (`parallel` at a time, at least 1), or reuse it when
/// it is complete already. Returns one [`Fetched`] per item, in order.
pub fn fetch_packages(
    clients: &dyn ClientSource,
    items: &[PackageFetch],
    parallel: usize,
    progress: &dyn FetchProgress,
) -> Result<Vec<Fetched>> {
    progress.begin(items.len(), items.iter().map(|i| i.size).sum());
    let results: Vec<Mutex<Option<Result<Fetched>>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let workers = parallel.clamp(1, items.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while !failed.load(Ordering::SeqCst) {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(item) = items.get(i) else { break };
                    let r = transfer::fetch_one(clients, item, progress);
                    if r.is_err() {
                        failed.store(true, Ordering::SeqCst);
                        progress.failed(&item.name);
                    }
                    if let Some(slot) = results.get(i) {
                        *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
                    }
                }
            });
        }
    });
    progress.finish();
    let mut out = Vec::with_capacity(items.len());
    for slot in results {
        match slot.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some(Ok(f)) => out.push(f),
            Some(Err(e)) => return Err(e),
            // Not started because another file failed (indices are handed
            // out in order, so that failure came earlier in the list).
            None => {}
        }
    }
    if out.len() == items.len() {
        Ok(out)
    } else {
        Err(Error::new(Code::Eio, "package downloads stopped before all files were fetched"))
    }
}

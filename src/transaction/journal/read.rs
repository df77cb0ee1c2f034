//! Reading a journal left by an interrupted run.
//!
//! Tolerated: a torn last record (a line without its newline, or a last
//! line that does not parse, as a kill or power loss during the append
//! leaves). Rejected with [`JournalError::Corrupt`]: a missing or
//! unparsable header, a bad record before the last line, a record naming
//! an element that does not exist or a stage of the other kind.

use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use nix::fcntl::{OFlag, openat};
use nix::sys::stat::Mode;
use nix::unistd::{fdatasync, ftruncate};

use super::{
    Element, Header, JOURNAL_NAME, JOURNAL_PATH, JOURNAL_VERSION, Journal, JournalError, Progress, Result, Stage,
};
use super::{io, open_dir, remove};
use crate::fsroot::Root;

/// The most bytes a journal may have (a header for ~1M elements).
const MAX_JOURNAL: u64 = 256 << 20;

/// A journal found at startup: what the interrupted transaction was and
/// how far each element got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The interrupted transaction's id.
    pub tid: u32,
    /// When it started (unix seconds).
    pub started: u64,
    /// Its elements, in transaction order.
    pub elements: Vec<Element>,
    /// The last stage recorded for each element (`None`: not started).
    pub stages: Vec<Option<Stage>>,
    /// Whether a torn last record was dropped.
    pub torn: bool,
    /// Length of the intact records (where [`Pending::resume`] truncates).
    valid_len: u64,
}

fn corrupt(path: &Path, line: usize, reason: impl Into<String>) -> JournalError {
    JournalError::Corrupt { path: path.to_owned(), line, reason: reason.into() }
}

impl Pending {
    /// Parse the text of a journal (`path` for messages).
    fn parse(path: &Path, text: &[u8]) -> Result<Pending> {
        let mut lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
        // What follows the last newline: empty, or a torn record.
        let tail = lines.pop().unwrap_or_default();
        let Some((first, records)) = lines.split_first() else {
            return Err(corrupt(path, 1, "no complete header record"));
        };
        let value: serde_json::Value =
            serde_json::from_slice(first).map_err(|e| corrupt(path, 1, format!("bad header: {e}")))?;
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(JOURNAL_VERSION) => {}
            Some(found) => return Err(JournalError::Version { path: path.to_owned(), found }),
            None => return Err(corrupt(path, 1, "the header has no version (not a header record)")),
        }
        let header: Header = serde_json::from_value(value).map_err(|e| corrupt(path, 1, format!("bad header: {e}")))?;
        let mut stages = vec![None; header.elements.len()];
        let mut valid_len = first.len() + 1;
        let mut torn = !tail.is_empty();
        for (i, rec) in records.iter().enumerate() {
            let line = i + 2;
            let progress: Progress = match serde_json::from_slice(rec) {
                Ok(p) => p,
                Err(_) if i + 1 == records.len() && tail.is_empty() => {
                    torn = true;
                    break;
                }
                Err(e) => return Err(corrupt(path, line, format!("bad progress record: {e}"))),
            };
            let Some(element) = header.elements.get(progress.element) else {
                return Err(corrupt(path, line, format!("no element {}", progress.element)));
            };
            if !progress.stage.fits(element) {
                return Err(corrupt(path, line, format!("stage {:?} of a {} element", progress.stage, element.kind())));
            }
            if let Some(slot) = stages.get_mut(progress.element) {
                *slot = Some(progress.stage);
            }
            valid_len += rec.len() + 1;
        }
        let valid_len = u64::try_from(valid_len).unwrap_or(u64::MAX);
        Ok(Pending { tid: header.tid, started: header.started, elements: header.elements, stages, torn, valid_len })
    }

    /// The last stage recorded for element `index`.
    pub fn stage(&self, index: usize) -> Option<Stage> {
        self.stages.get(index).copied().flatten()
    }

    /// Remove the journal (the caller gave up on the transaction or redid
    /// it without the journal).
    pub fn discard(self, root: &Path) -> Result<()> {
        let (dir, _, path) = open_dir(root, false)?;
        remove(&dir, &path)
    }

    /// Continue the journal for roll-forward: the torn tail, if any, is cut
    /// off, and further [`Journal::mark`]s append to the same record.
    pub fn resume(self, root: &Path) -> Result<Journal> {
        let (dir, _, path) = open_dir(root, false)?;
        let flags = OFlag::O_WRONLY | OFlag::O_APPEND | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        let fd = openat(dir.as_fd(), JOURNAL_NAME, flags, Mode::empty()).map_err(io("open", &path))?;
        let len = i64::try_from(self.valid_len).unwrap_or(i64::MAX);
        ftruncate(&fd, len).map_err(io("truncate", &path))?;
        fdatasync(&fd).map_err(io("fdatasync", &path))?;
        Ok(Journal { file: std::fs::File::from(fd), dir, path, elements: self.elements })
    }
}

impl Journal {
    /// The journal an interrupted run left in `root`, if any.
    pub fn pending(root: &Path) -> Result<Option<Pending>> {
        let path: PathBuf = root.join(JOURNAL_PATH.trim_start_matches('/'));
        let text = match Root::open(root)?.read_file(JOURNAL_PATH, MAX_JOURNAL + 1) {
            Ok(t) => t,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if text.len() as u64 > MAX_JOURNAL {
            return Err(corrupt(&path, 1, format!("larger than {MAX_JOURNAL} bytes")));
        }
        Pending::parse(&path, &text).map(Some)
    }
}

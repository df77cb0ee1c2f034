//! The transaction journal: a durable record of the transaction in
//! progress, so that after `kill -9` or a power loss the next run sees that
//! a transaction was cut short and can complete it (roll forward; the
//! orchestrator re-executes, this module only keeps and reads the record).
//!
//! rpm has no such record (an interrupted `rpmtsRun` leaves whatever was
//! done, and `rpm -Va` is the way to find out); this is ours.
//!
//! # Format
//!
//! `<root>/var/lib/tdnf/transaction.journal` (directories created 0755, the
//! file 0644 whatever the umask, all paths resolved inside the root by
//! [`crate::fsroot`]), JSON lines:
//!
//! ```text
//! {"version":1,"tid":1700000000,"started":1700000000,"elements":[
//!    {"kind":"install","nevra":"a-1-1.x86_64","rpm_path":"/var/cache/tdnf/…/a-1-1.x86_64.rpm"},
//!    {"kind":"erase","nevra":"b-1-1.noarch","hnum":7}]}
//! {"element":0,"stage":"unpacking"}
//! {"element":0,"stage":"db-added"}
//! {"element":0,"stage":"done"}
//! ```
//!
//! Elements are numbered from 0 in transaction order. An install's
//! `rpm_path` is the host path of the package file: the orchestrator must
//! keep that file until [`Journal::finish`].
//!
//! # Durability
//!
//! The header is written to `transaction.journal;<tid %08x>`, `fdatasync`ed,
//! then hard-linked to the final name (atomic, and refused if a journal is
//! already there) and the directory fsynced: a journal never exists without
//! its complete header. Each [`Journal::mark`] is one `write(2)` of one
//! line (well under `PIPE_BUF`), not flushed: the marks are hints. Roll
//! forward decides from the rpmdb itself (an install is complete when its
//! NEVRA with this tid is there, an erase when its header is gone), and the
//! package's files are synced (`syncfs`) before its rpmdb change, so only
//! the header record has to survive a power loss. A kill during a write
//! can leave a torn last line; [`Journal::pending`] drops it (the stage it
//! would have recorded is then simply not recorded, which roll-forward
//! treats as "maybe started").

mod read;
#[cfg(test)]
mod tests;

use std::io::Write;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag, openat};
use nix::sys::stat::{Mode, fchmod};
use nix::unistd::{UnlinkatFlags, fdatasync, fsync, linkat, unlinkat};
use serde::{Deserialize, Serialize};

use crate::fsroot::{FsError, Root, temp_name};

pub use read::Pending;

/// The journal's directory inside the root.
pub const JOURNAL_DIR: &str = "/var/lib/tdnf";
/// The journal's path inside the root.
pub const JOURNAL_PATH: &str = "/var/lib/tdnf/transaction.journal";
/// The journal's file name (the last component of [`JOURNAL_PATH`]).
const JOURNAL_NAME: &str = "transaction.journal";
/// The format version written in the header.
pub const JOURNAL_VERSION: u64 = 1;

/// One element of the transaction, as recorded in the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Element {
    /// Install the package file `rpm_path` (a host path).
    Install {
        /// `name-[epoch:]version-release.arch`.
        nevra: String,
        /// Absolute host path of the `.rpm`, kept until the journal ends.
        rpm_path: PathBuf,
    },
    /// Erase the installed package with rpmdb header number `hnum`.
    Erase {
        /// `name-[epoch:]version-release.arch`.
        nevra: String,
        /// The package's header number in the rpmdb.
        hnum: u32,
    },
}

impl Element {
    /// `"install"` or `"erase"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Element::Install { .. } => "install",
            Element::Erase { .. } => "erase",
        }
    }
}

/// How far an element got; recorded after the stage's work started
/// (`unpacking`, `erasing`) or completed (`db-added`, `db-removed`, `done`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Install: files are being written.
    Unpacking,
    /// Install: files written and synced, the rpmdb entry committed.
    DbAdded,
    /// Erase: files are being removed.
    Erasing,
    /// Erase: the rpmdb entry is gone.
    DbRemoved,
    /// Everything for this element, scriptlets included, is over.
    Done,
}

impl Stage {
    /// Whether this stage belongs to elements of `kind`.
    fn fits(self, element: &Element) -> bool {
        matches!(
            (self, element),
            (Stage::Done, _)
                | (Stage::Unpacking | Stage::DbAdded, Element::Install { .. })
                | (Stage::Erasing | Stage::DbRemoved, Element::Erase { .. })
        )
    }
}

/// The header record (first line).
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    version: u64,
    tid: u32,
    started: u64,
    elements: Vec<Element>,
}

/// A progress record (every following line).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Progress {
    element: usize,
    stage: Stage,
}

/// Why the journal could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// A journal is already there: an earlier transaction did not finish.
    #[error("{path}: an earlier transaction did not complete (its journal is still there)")]
    Pending { path: PathBuf },
    /// Resolving or reading a path inside the root failed.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// A system call on the journal failed.
    #[error("{op} {path}: {source}")]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The journal exists but cannot be understood (not a torn last line).
    #[error("{path}: line {line}: corrupt transaction journal: {reason}")]
    Corrupt { path: PathBuf, line: usize, reason: String },
    /// The header has a version this tdnf does not know.
    #[error(
        "{path}: transaction journal version {found} is not supported (this tdnf writes version {JOURNAL_VERSION})"
    )]
    Version { path: PathBuf, found: u64 },
    /// [`Journal::mark`] with an index past the elements.
    #[error("journal element {index} does not exist (the transaction has {len})")]
    NoSuchElement { index: usize, len: usize },
    /// [`Journal::mark`] with a stage of the other kind of element.
    #[error("stage {stage:?} does not apply to {kind} element {index}")]
    WrongStage { index: usize, stage: Stage, kind: &'static str },
    /// A record could not be encoded (a non-UTF-8 `rpm_path`).
    #[error("cannot encode a journal record: {0}")]
    Encode(#[from] serde_json::Error),
}

/// The result of journal operations.
pub type Result<T> = std::result::Result<T, JournalError>;

/// An open journal of the running transaction.
#[derive(Debug)]
pub struct Journal {
    file: std::fs::File,
    /// The journal's directory (`O_RDONLY`, for fsync and unlink).
    dir: OwnedFd,
    /// Host path, for messages.
    path: PathBuf,
    elements: Vec<Element>,
}

/// The journal's directory inside `root` (created with `create`), opened
/// for fsync, the journal's file name, and its host path for messages.
fn open_dir(root: &Path, create: bool) -> Result<(OwnedFd, String, PathBuf)> {
    let host = root.join(JOURNAL_PATH.trim_start_matches('/'));
    let r = Root::open(root)?;
    if create {
        r.mkdir_all(JOURNAL_DIR, 0o755)?;
    }
    let (dir, name) = r.resolve_parent(JOURNAL_PATH)?;
    let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
    let dir = openat(&dir, ".", flags, Mode::empty()).map_err(io("open", &host))?;
    Ok((dir, name, host))
}

fn io<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(Errno) -> JournalError + 'a {
    move |e| JournalError::Io { op, path: path.to_owned(), source: e.into() }
}

fn io_std<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> JournalError + 'a {
    move |source| JournalError::Io { op, path: path.to_owned(), source }
}

impl Journal {
    /// Start the journal of transaction `tid` with its `elements` (in
    /// transaction order). Refused with [`JournalError::Pending`] if a
    /// journal already exists.
    pub fn begin(root: &Path, tid: u32, elements: Vec<Element>) -> Result<Journal> {
        let (dir, name, path) = open_dir(root, true)?;
        let started = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let header = Header { version: JOURNAL_VERSION, tid, started, elements };
        let mut line = serde_json::to_vec(&header)?;
        line.push(b'\n');

        let tmp = temp_name(&name, tid);
        let flags =
            OFlag::O_WRONLY | OFlag::O_APPEND | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        let create = || openat(&dir, tmp.as_str(), flags, Mode::S_IRUSR | Mode::S_IWUSR);
        let fd = match create() {
            // A leftover of a crash before the link: it never was a journal.
            Err(Errno::EEXIST) => {
                unlinkat(&dir, tmp.as_str(), UnlinkatFlags::NoRemoveDir).map_err(io("unlink", &path))?;
                create()
            }
            r => r,
        }
        .map_err(io("create", &path))?;
        let mut file = std::fs::File::from(fd);
        let written = (|| {
            fchmod(&file, Mode::from_bits_truncate(0o644)).map_err(io("chmod", &path))?;
            file.write_all(&line).map_err(io_std("write", &path))?;
            fdatasync(&file).map_err(io("fdatasync", &path))?;
            linkat(&dir, tmp.as_str(), &dir, name.as_str(), AtFlags::empty()).map_err(|e| match e {
                Errno::EEXIST => JournalError::Pending { path: path.clone() },
                e => io("link", &path)(e),
            })
        })();
        let unlinked = unlinkat(&dir, tmp.as_str(), UnlinkatFlags::NoRemoveDir).map_err(io("unlink", &path));
        written?;
        unlinked?;
        fsync(&dir).map_err(io("fsync directory of", &path))?;
        Ok(Journal { file, dir, path, elements: header.elements })
    }

    /// Remove `transaction.journal;<tid>` files a run killed inside
    /// [`Journal::begin`] left (before the link: they never were journals).
    pub fn remove_stale_temps(root: &Path) -> Result<()> {
        let (dir, name, path) = match open_dir(root, false) {
            Ok(x) => x,
            Err(JournalError::Fs(e)) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(e),
        };
        let prefix = format!("{name};");
        let mut stale = Vec::new();
        let mut d = nix::dir::Dir::openat(&dir, ".", OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())
            .map_err(io("read directory of", &path))?;
        for entry in d.iter().flatten() {
            let n = entry.file_name().to_string_lossy().into_owned();
            if n.starts_with(&prefix) {
                stale.push(n);
            }
        }
        for n in stale {
            match unlinkat(&dir, n.as_str(), UnlinkatFlags::NoRemoveDir) {
                Ok(()) | Err(Errno::ENOENT) => {}
                Err(e) => return Err(io("unlink", &path)(e)),
            }
        }
        Ok(())
    }

    /// Record that element `index` reached `stage`: one line, then
    /// `fdatasync`.
    pub fn mark(&mut self, index: usize, stage: Stage) -> Result<()> {
        let element =
            self.elements.get(index).ok_or(JournalError::NoSuchElement { index, len: self.elements.len() })?;
        if !stage.fits(element) {
            return Err(JournalError::WrongStage { index, stage, kind: element.kind() });
        }
        let mut line = serde_json::to_vec(&Progress { element: index, stage })?;
        line.push(b'\n');
        // No flush: recovery does not trust the marks alone (an install is
        // done when its NEVRA with this tid is in the rpmdb, an erase when
        // its header is gone), so only the header record must be durable.
        self.file.write_all(&line).map_err(io_std("write", &self.path))
    }

    /// The elements recorded in the header.
    pub fn elements(&self) -> &[Element] {
        &self.elements
    }

    /// The transaction is over: remove the journal, durably.
    pub fn finish(self) -> Result<()> {
        remove(&self.dir, &self.path)
    }
}

/// Unlink the journal in `dir` and fsync the directory.
fn remove(dir: &OwnedFd, path: &Path) -> Result<()> {
    unlinkat(dir.as_fd(), JOURNAL_NAME, UnlinkatFlags::NoRemoveDir).map_err(io("unlink", path))?;
    fsync(dir).map_err(io("fsync directory of", path))
}

//! tdnf's instance lock: an `fcntl` write lock on
//! `/var/run/.tdnf-instance-lockfile` (a host path, also with
//! `--installroot`), taken by root only, that keeps two altering runs apart.
//!
//! * The lock is an open-file-description lock (`F_OFD_SETLK`), which
//!   conflicts with the classic `F_SETLK` lock tdnf takes, so the two tools
//!   exclude each other; kernels without OFD locks get the classic lock.
//!   Either kind vanishes when its holder dies: a SIGKILLed run never
//!   leaves the lock stuck.
//! * A second run prints `waiting for tdnf_instance lock on <path>` on
//!   **stderr** (tdnf: stdout, which corrupts `-j` output) and waits up to
//!   the `lock_timeout` key of `tdnf.conf` (default 600 s; `never` waits as
//!   tdnf does, `0` does not wait), then fails with [`Code::Eio`] (1605):
//!   `timed out after N s waiting for tdnf_instance lock on <path>`.
//! * The holder writes its pid into the file and never removes it. tdnf
//!   removes it when it exits; a waiter that then gets the lock on the
//!   removed file notices (the path no longer names the file it locked) and
//!   locks the file now at the path instead. (tdnf unlocks before it
//!   removes, so a race of microseconds remains with tdnf itself.)

use std::io::{Seek, SeekFrom, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, fcntl};

use crate::config::Settings;
use crate::error::{Code, Error};
use crate::output::Printer;

/// tdnf's lock file (`common/defines.h TDNF_INSTANCE_LOCK_FILE`).
pub const INSTANCE_LOCK_PATH: &str = "/var/run/.tdnf-instance-lockfile";
/// How long a second run waits by default (`lock_timeout`).
pub const DEFAULT_WAIT: Duration = Duration::from_secs(600);
/// tdnf's name for the lock in its messages.
const DESCR: &str = "tdnf_instance";

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// The lock file cannot be opened or created.
    #[error("can't create {DESCR} lock on {}: {source}", path.display())]
    Open { path: PathBuf, source: std::io::Error },
    /// `fcntl` failed for another reason than a conflicting lock.
    #[error("can't create {DESCR} lock on {}: {source}", path.display())]
    Lock { path: PathBuf, source: Errno },
    /// Another run held the lock for longer than the wait allowed.
    #[error("timed out after {} s waiting for {DESCR} lock on {}{}", waited.as_secs(), path.display(), holder_text(*holder))]
    Timeout { path: PathBuf, waited: Duration, holder: Option<i32> },
}

fn holder_text(holder: Option<i32>) -> String {
    holder.filter(|p| *p > 0).map(|p| format!(" (held by process {p})")).unwrap_or_default()
}

impl From<LockError> for Error {
    fn from(e: LockError) -> Error {
        let code = match &e {
            LockError::Open { source, .. } if source.kind() == std::io::ErrorKind::PermissionDenied => Code::Eacces,
            _ => Code::Eio,
        };
        Error::new(code, e.to_string()).with_source(e)
    }
}

/// The held lock; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct InstanceLock {
    held: Option<(std::fs::File, PathBuf)>,
}

impl InstanceLock {
    /// Whether this guard holds a lock (non-root runs take none).
    pub fn is_held(&self) -> bool {
        self.held.is_some()
    }

    /// The locked file, when held.
    pub fn path(&self) -> Option<&Path> {
        self.held.as_ref().map(|(_, p)| p.as_path())
    }
}

impl Drop for InstanceLock {
    fn drop(&mut self) {
        if let Some((file, _)) = self.held.take() {
            // Closing the file releases the lock; unlock first so that a
            // classic lock is gone even if another descriptor stays open.
            let _ = set_lock(&file, libc::F_UNLCK as libc::c_short);
        }
    }
}

/// The lock for this run: taken on [`INSTANCE_LOCK_PATH`] when running as
/// root (as tdnf), waiting up to the `lock_timeout` key; an empty guard
/// otherwise.
pub fn acquire_for(settings: &Settings, printer: &Printer) -> Result<InstanceLock, LockError> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(InstanceLock { held: None });
    }
    acquire(Path::new(INSTANCE_LOCK_PATH), settings.conf.lock_timeout, printer)
}

/// Take the write lock on `path`, waiting up to `wait` (`None`: forever)
/// with a message on stderr while another process holds it.
pub fn acquire(path: &Path, wait: Option<Duration>, printer: &Printer) -> Result<InstanceLock, LockError> {
    let start = Instant::now();
    let mut announced = false;
    let mut pause = Duration::from_millis(50);
    // The waiter keeps its descriptor, as a blocking F_SETLKW would.
    let mut file = open(path)?;
    loop {
        match set_lock(&file, libc::F_WRLCK as libc::c_short) {
            Ok(()) if same_file(&file, path) => {
                write_pid(&file);
                return Ok(InstanceLock { held: Some((file, path.to_path_buf())) });
            }
            Ok(()) => {
                // The holder removed the file as it left (tdnf does): this
                // lock guards nothing; take the one on the file there now.
                file = open(path)?;
                continue;
            }
            Err(Errno::EAGAIN | Errno::EACCES) => {}
            Err(source) => return Err(LockError::Lock { path: path.to_path_buf(), source }),
        }
        let waited = start.elapsed();
        if wait.is_some_and(|w| waited >= w) {
            return Err(LockError::Timeout { path: path.to_path_buf(), waited, holder: holder(&file) });
        }
        if !announced {
            printer.err(&format!("waiting for {DESCR} lock on {}\n", path.display()));
            announced = true;
        }
        let left = wait.map_or(pause, |w| w.saturating_sub(waited));
        std::thread::sleep(pause.min(left));
        pause = (pause * 2).min(Duration::from_millis(500));
    }
}

fn open(path: &Path) -> Result<std::fs::File, LockError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        let _ = std::fs::create_dir_all(dir);
    }
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o644)
        .open(path)
        .map_err(|source| LockError::Open { path: path.to_path_buf(), source })
}

/// A whole-file lock request of type `kind`.
fn whole_file(kind: libc::c_short) -> libc::flock {
    libc::flock { l_type: kind, l_whence: libc::SEEK_SET as libc::c_short, l_start: 0, l_len: 0, l_pid: 0 }
}

/// Set (or with `F_UNLCK` clear) the lock without blocking: an OFD lock,
/// or a classic one where the kernel has no OFD locks.
fn set_lock(file: &std::fs::File, kind: libc::c_short) -> Result<(), Errno> {
    let fl = whole_file(kind);
    match fcntl(file.as_fd(), FcntlArg::F_OFD_SETLK(&fl)) {
        Err(Errno::EINVAL) => fcntl(file.as_fd(), FcntlArg::F_SETLK(&fl)).map(|_| ()),
        r => r.map(|_| ()),
    }
}

/// The pid of a process holding a conflicting classic lock (OFD holders
/// have none).
fn holder(file: &std::fs::File) -> Option<i32> {
    let mut fl = whole_file(libc::F_WRLCK as libc::c_short);
    fcntl(file.as_fd(), FcntlArg::F_OFD_GETLK(&mut fl)).ok()?;
    (fl.l_type != libc::F_UNLCK as libc::c_short && fl.l_pid > 0).then_some(fl.l_pid)
}

/// Whether `path` still names the open `file`.
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Our pid in the file, as tdnf writes its own (informational only).
fn write_pid(mut file: &std::fs::File) {
    let _ = file.set_len(0);
    let _ = file.seek(SeekFrom::Start(0));
    let _ = file.write_all(format!("{}\n", std::process::id()).as_bytes());
}

#[cfg(test)]
mod tests;

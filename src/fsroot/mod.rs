//! Writing files confined to an install root: the bottom layer of the
//! transaction engine.
//!
//! Everything goes through a [`Root`], an open directory descriptor; paths
//! are always relative to it (a leading `/` means the root), `..` in a
//! caller's path is refused, and symlinks met on the way are resolved inside
//! the root by [`resolve`]'s own walk, following rpm's CVE-2021-35939 rule
//! (a link is followed only if owned by root or by its target's owner). The
//! last component of a path is never followed.
//!
//! Write protocol (rpm 4.18 fsm): a file is created as `<name>;<tid %08x>`
//! with `O_CREAT|O_EXCL|O_NOFOLLOW`, filled, chowned (only when running as
//! root; otherwise a warning is recorded), chmod-ed with the exact mode after
//! the chown (so setuid bits survive and the umask never matters), given its
//! mtime, then `renameat`-ed onto its final name. There is no per-file fsync:
//! call [`Root::sync`] once per package or batch.
//!
//! The one-call writers ([`Root::write_file`], [`Root::symlink`],
//! [`Root::hardlink`], [`Root::mknod`]) do both steps; the transaction engine
//! uses the split form of `stage.rs` ([`Root::write_temp`], ...,
//! [`Root::commit`]) so that nothing reaches its final name before the whole
//! package is staged. File capabilities: `caps.rs` ([`vfs_cap_data`]).

mod caps;
mod owners;
pub mod resolve;
mod stage;
#[cfg(test)]
mod stage_tests;
#[cfg(test)]
mod tests;

use std::io::Read;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag, open, openat, renameat};
use nix::sys::stat::{FileStat, Mode, UtimensatFlags, fchmod, fstat, fstatat, futimens, utimensat};
use nix::sys::time::TimeSpec;
use nix::unistd::{Gid, Uid, UnlinkatFlags, fchown, fchownat, linkat, symlinkat, syncfs, unlinkat};

pub use caps::vfs_cap_data;
pub use owners::{group_id_or_root, lookup_group, lookup_user, user_id_or_root};
pub use stage::Meta;
use resolve::{Walker, caller_components};

/// An error of a confined file operation; each names the path.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    /// A system call failed.
    #[error("{op} {path}: {source}")]
    Io {
        /// The operation (`open`, `write`, `rename`, ...).
        op: &'static str,
        /// The path, relative to the install root.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The path has a `..` component.
    #[error("{path}: '..' is not allowed in a path inside the install root")]
    Escape { path: String },
    /// The path is empty, names the root itself, or has a NUL byte.
    #[error("{path}: invalid path: {reason}")]
    InvalidPath { path: String, reason: &'static str },
    /// More than [`resolve::MAX_SYMLINKS`] symlinks on the way.
    #[error("{path}: too many levels of symbolic links")]
    SymlinkLoop { path: String },
    /// A symlink on the way is owned neither by root nor by its target's owner.
    #[error("{path}: not following symlink {component:?} owned by uid {link_uid} (its target is owned by uid {target_uid})")]
    UnsafeSymlink { path: String, component: String, link_uid: u32, target_uid: u32 },
    /// A component on the way is neither a directory nor a symlink.
    #[error("{path}: {component:?} is not a directory")]
    NotADirectory { path: String, component: String },
    /// A FILECAPS text that `cap_from_text` would refuse.
    #[error("{path}: invalid file capabilities {text:?}: {reason}")]
    BadCaps { path: String, text: String, reason: &'static str },
}

impl FsError {
    /// The errno of a failed system call, if that is what this is.
    pub fn errno(&self) -> Option<Errno> {
        match self {
            FsError::Io { source, .. } => source.raw_os_error().map(Errno::from_raw),
            _ => None,
        }
    }

    /// Whether the path (or a directory on the way) does not exist.
    pub fn is_not_found(&self) -> bool {
        self.errno() == Some(Errno::ENOENT)
    }
}

/// The result of a confined file operation.
pub type Result<T> = std::result::Result<T, FsError>;

/// An install root: every operation stays below this directory.
#[derive(Debug)]
pub struct Root {
    /// `O_RDONLY|O_DIRECTORY` (not `O_PATH`: `syncfs` needs a real fd).
    fd: OwnedFd,
    /// Whether to chown (only root can give files away).
    chown: bool,
    warnings: Mutex<Vec<String>>,
    /// Resolved directories by path (components joined by `/`), so that
    /// the files of one directory do not each walk from the root. Entries
    /// at or under a path that an operation may change (rename, removal,
    /// a commit onto it) are forgotten first.
    dirs: Mutex<HashMap<String, Arc<OwnedFd>>>,
    /// Whether [`Root::batch`] is active (the cache is used only then:
    /// between batches scriptlets may change the tree behind our back).
    caching: std::sync::atomic::AtomicBool,
}

/// While alive, resolved directories are cached (see [`Root::batch`]).
#[derive(Debug)]
pub struct Batch<'a>(&'a Root);

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        self.0.caching.store(false, std::sync::atomic::Ordering::SeqCst);
        self.0.dirs.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// At most this many cached directories (then the cache starts afresh).
const DIR_CACHE_MAX: usize = 512;

/// Copy `reader` into `out` with 256 KiB writes (`std::io::copy` uses
/// 8 KiB, four times rpm's syscall count on large files).
pub(crate) fn copy_big(reader: &mut impl Read, out: &mut impl std::io::Write) -> std::io::Result<u64> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let mut filled = 0;
        while filled < buf.len() {
            match reader.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if filled == 0 {
            return Ok(total);
        }
        out.write_all(&buf[..filled])?;
        total += filled as u64;
    }
}

/// The temp name rpm uses while a file is being written: `name;<tid %08x>`.
pub fn temp_name(name: &str, tid: u32) -> String {
    format!("{name};{tid:08x}")
}

fn io_err<'a>(op: &'static str, path: &'a str) -> impl FnOnce(Errno) -> FsError + 'a {
    move |e| FsError::Io { op, path: path.to_owned(), source: e.into() }
}

/// Unlinks a temp file on drop unless disarmed (error paths).
struct TempGuard<'a> {
    dir: BorrowedFd<'a>,
    name: &'a str,
    armed: bool,
}

impl Drop for TempGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            let _ = unlinkat(self.dir, self.name, UnlinkatFlags::NoRemoveDir);
        }
    }
}

impl Root {
    /// Open the install root `path` (a host path; it must be a directory).
    pub fn open(path: impl AsRef<Path>) -> Result<Root> {
        let path = path.as_ref();
        let fd = open(path, OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())
            .map_err(|e| FsError::Io { op: "open root", path: path.display().to_string(), source: e.into() })?;
        Ok(Root { fd, chown: Uid::effective().is_root(), warnings: Mutex::new(Vec::new()), dirs: Mutex::new(HashMap::new()), caching: std::sync::atomic::AtomicBool::new(false) })
    }

    /// The root directory's descriptor.
    pub fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// Record a warning (e.g. a skipped chown, an unknown user).
    pub fn warn(&self, msg: String) {
        self.warnings.lock().unwrap_or_else(|e| e.into_inner()).push(msg);
    }

    /// The warnings recorded so far, emptying the list.
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *self.warnings.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// The directory holding `path`'s last component, and that component.
    /// Every directory on the way is resolved inside the root (see
    /// [`resolve`]); the last component itself is not looked at.
    pub fn resolve_parent(&self, path: &str) -> Result<(OwnedFd, String)> {
        let (dir, name) = self.parent_cached(path)?;
        let dir = dir.try_clone().map_err(|e| FsError::Io { op: "dup", path: path.to_owned(), source: e })?;
        Ok((dir, name))
    }

    /// Cache resolved directories until the returned guard is dropped: for
    /// one package's unpack or removal, when only we change the tree.
    /// Nothing else may change it meanwhile (no scriptlet runs inside a
    /// batch); our own renames and removals keep the cache right.
    pub fn batch(&self) -> Batch<'_> {
        self.dirs.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.caching.store(true, std::sync::atomic::Ordering::SeqCst);
        Batch(self)
    }

    /// [`Root::resolve_parent`] through the directory cache.
    pub(crate) fn parent_cached(&self, path: &str) -> Result<(Arc<OwnedFd>, String)> {
        let mut comps = caller_components(path)?;
        let Some(last) = comps.pop() else {
            return Err(FsError::InvalidPath { path: path.to_owned(), reason: "no file name" });
        };
        let key = comps.join("/");
        let caching = self.caching.load(std::sync::atomic::Ordering::SeqCst);
        if caching && let Some(fd) = self.dirs.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok((Arc::clone(fd), last.to_owned()));
        }
        let os: Vec<&std::ffi::OsStr> = comps.iter().map(std::ffi::OsStr::new).collect();
        let mut stack = Walker::new(self, path).walk(Vec::new(), &os, false, None)?;
        let dir = match stack.pop() {
            Some(fd) => fd,
            None => self.fd.try_clone().map_err(|e| FsError::Io { op: "dup", path: path.to_owned(), source: e })?,
        };
        let dir = Arc::new(dir);
        if !caching {
            return Ok((dir, last.to_owned()));
        }
        let mut cache = self.dirs.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= DIR_CACHE_MAX {
            cache.clear();
        }
        cache.insert(key, Arc::clone(&dir));
        Ok((dir, last.to_owned()))
    }

    /// Drop cached directories at or below `path`: it is about to be
    /// renamed over, removed or replaced.
    pub(crate) fn forget(&self, path: &str) {
        let Ok(comps) = caller_components(path) else { return };
        let key = comps.join("/");
        let mut cache = self.dirs.lock().unwrap_or_else(|e| e.into_inner());
        if key.is_empty() {
            cache.clear();
            return;
        }
        cache.retain(|k, _| !(k == &key || (k.starts_with(&key) && k.as_bytes().get(key.len()) == Some(&b'/'))));
    }

    /// Create `path` and its missing parents, each new one with exactly
    /// `mode` (owned by the caller: root when installing). Existing
    /// directories (and symlinks to directories, per the rule) are kept.
    pub fn mkdir_all(&self, path: &str, mode: u32) -> Result<()> {
        let comps = caller_components(path)?;
        let os: Vec<&std::ffi::OsStr> = comps.iter().map(std::ffi::OsStr::new).collect();
        let mode = Mode::from_bits_truncate(mode & 0o7777);
        Walker::new(self, path).walk(Vec::new(), &os, false, Some(mode))?;
        Ok(())
    }

    /// Give the file `fd` its owner, or record why not.
    fn chown_fd(&self, fd: BorrowedFd<'_>, uid: u32, gid: u32, path: &str) -> Result<()> {
        if self.chown {
            fchown(fd, Some(Uid::from_raw(uid)), Some(Gid::from_raw(gid))).map_err(io_err("chown", path))
        } else {
            self.warn(format!("{path}: not running as root, owner {uid}:{gid} not set"));
            Ok(())
        }
    }

    /// Create `name` in `dir` with `make`; a leftover of the same name (a
    /// crashed run with the same tid) is removed and the call retried once.
    fn make_temp<T>(&self, dir: BorrowedFd<'_>, name: &str, path: &str, make: impl Fn() -> nix::Result<T>) -> Result<T> {
        match make() {
            Err(Errno::EEXIST) => {
                unlinkat(dir, name, UnlinkatFlags::NoRemoveDir).map_err(io_err("unlink", path))?;
                make().map_err(io_err("create", path))
            }
            r => r.map_err(io_err("create", path)),
        }
    }

    /// Write a regular file: `reader`'s bytes into `<name>;<tid>`, owner,
    /// exact `mode` (permission and setuid/setgid/sticky bits), mtime, then
    /// rename onto `path` (replacing a file or symlink there, never
    /// following it). The parent directory must exist.
    #[allow(clippy::too_many_arguments)]
    pub fn write_file(
        &self,
        path: &str,
        mode: u32,
        uid: u32,
        gid: u32,
        mtime: i64,
        mut reader: impl Read,
        tid: u32,
    ) -> Result<()> {
        self.forget(path);
        let (dir, name) = self.parent_cached(path)?;
        let tmp = temp_name(&name, tid);
        let flags = OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        let fd = self.make_temp(dir.as_fd(), &tmp, path, || {
            openat(&dir, tmp.as_str(), flags, Mode::S_IRUSR | Mode::S_IWUSR)
        })?;
        let mut guard = TempGuard { dir: dir.as_fd(), name: &tmp, armed: true };
        let mut file = std::fs::File::from(fd);
        copy_big(&mut reader, &mut file)
            .map_err(|e| FsError::Io { op: "write", path: path.to_owned(), source: e })?;
        self.chown_fd(file.as_fd(), uid, gid, path)?;
        fchmod(&file, Mode::from_bits_truncate(mode & 0o7777)).map_err(io_err("chmod", path))?;
        let ts = TimeSpec::new(mtime, 0);
        futimens(&file, &ts, &ts).map_err(io_err("utime", path))?;
        drop(file);
        renameat(&dir, tmp.as_str(), &dir, name.as_str()).map_err(io_err("rename", path))?;
        guard.armed = false;
        Ok(())
    }

    /// Create the symlink `path -> target` (target stored verbatim) via a
    /// temp name and rename; an existing directory at `path` is an error.
    pub fn symlink(&self, path: &str, target: &str, uid: u32, gid: u32, mtime: i64, tid: u32) -> Result<()> {
        self.forget(path);
        let (dir, name) = self.parent_cached(path)?;
        let tmp = temp_name(&name, tid);
        self.make_temp(dir.as_fd(), &tmp, path, || symlinkat(target, &dir, tmp.as_str()))?;
        let mut guard = TempGuard { dir: dir.as_fd(), name: &tmp, armed: true };
        if self.chown {
            fchownat(&dir, tmp.as_str(), Some(Uid::from_raw(uid)), Some(Gid::from_raw(gid)), AtFlags::AT_SYMLINK_NOFOLLOW)
                .map_err(io_err("chown", path))?;
        } else {
            self.warn(format!("{path}: not running as root, owner {uid}:{gid} not set"));
        }
        let ts = TimeSpec::new(mtime, 0);
        utimensat(&dir, tmp.as_str(), &ts, &ts, UtimensatFlags::NoFollowSymlink).map_err(io_err("utime", path))?;
        renameat(&dir, tmp.as_str(), &dir, name.as_str()).map_err(io_err("rename", path))?;
        guard.armed = false;
        Ok(())
    }

    /// Make `new` a hard link of `existing` (not following a symlink at
    /// `existing`), via `<new>;<tid>` and rename (replacing `new`).
    pub fn hardlink(&self, existing: &str, new: &str, tid: u32) -> Result<()> {
        self.forget(new);
        let (odir, oname) = self.parent_cached(existing)?;
        let (ndir, nname) = self.parent_cached(new)?;
        let tmp = temp_name(&nname, tid);
        self.make_temp(ndir.as_fd(), &tmp, new, || {
            linkat(&odir, oname.as_str(), &ndir, tmp.as_str(), AtFlags::empty())
        })?;
        let _guard = TempGuard { dir: ndir.as_fd(), name: &tmp, armed: true };
        renameat(&ndir, tmp.as_str(), &ndir, nname.as_str()).map_err(io_err("rename", new))?;
        // If `new` already was this inode, rename did nothing and the temp
        // name is still there: the guard removes it in every case.
        Ok(())
    }

    /// Remove a non-directory (a regular file loses setuid/setgid bits and
    /// capabilities first, as in rpm, in case other hard links remain).
    pub fn remove(&self, path: &str) -> Result<()> {
        self.forget(path);
        let (dir, name) = self.parent_cached(path)?;
        stage::strip_special_bits(dir.as_fd(), &name);
        unlinkat(&dir, name.as_str(), UnlinkatFlags::NoRemoveDir).map_err(io_err("unlink", path))
    }

    /// Remove a directory if it is empty; `Ok(false)` when it is not.
    pub fn rmdir_if_empty(&self, path: &str) -> Result<bool> {
        self.forget(path);
        let (dir, name) = self.parent_cached(path)?;
        match unlinkat(&dir, name.as_str(), UnlinkatFlags::RemoveDir) {
            Ok(()) => Ok(true),
            Err(Errno::ENOTEMPTY | Errno::EEXIST) => Ok(false),
            Err(e) => Err(io_err("rmdir", path)(e)),
        }
    }

    /// `lstat` of `path` (the root itself for `/`).
    pub fn lstat(&self, path: &str) -> Result<FileStat> {
        if caller_components(path)?.is_empty() {
            return fstat(&self.fd).map_err(io_err("stat", path));
        }
        let (dir, name) = self.parent_cached(path)?;
        fstatat(&dir, name.as_str(), AtFlags::AT_SYMLINK_NOFOLLOW).map_err(io_err("lstat", path))
    }

    /// Read a regular file (at most `limit` bytes); its last component is
    /// not followed, FIFOs and devices are refused without blocking.
    pub fn read_file(&self, path: &str, limit: u64) -> Result<Vec<u8>> {
        let (dir, name) = self.parent_cached(path)?;
        let flags = OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK | OFlag::O_NOCTTY | OFlag::O_CLOEXEC;
        let fd = openat(&dir, name.as_str(), flags, Mode::empty()).map_err(io_err("open", path))?;
        let st = fstat(&fd).map_err(io_err("stat", path))?;
        if st.st_mode & libc::S_IFMT != libc::S_IFREG {
            return Err(FsError::InvalidPath { path: path.to_owned(), reason: "not a regular file" });
        }
        let mut out = Vec::new();
        std::fs::File::from(fd)
            .take(limit)
            .read_to_end(&mut out)
            .map_err(|e| FsError::Io { op: "read", path: path.to_owned(), source: e })?;
        Ok(out)
    }

    /// One `syncfs` of the root's filesystem (per package or batch).
    pub fn sync(&self) -> Result<()> {
        syncfs(&self.fd).map_err(io_err("syncfs", "/"))
    }
}

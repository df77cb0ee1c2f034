//! The two-phase write protocol of rpm 4.18's fsm: every non-directory is
//! first created at its temp name `<name>;<tid %08x>` with its metadata
//! ([`Meta`], applied in rpm's `fsmSetmeta` order: owner, exact mode,
//! capabilities, mtime), and only when the whole package is staged are the
//! temp names [`Root::commit`]ted onto their final names. Directories are
//! made in place ([`Root::ensure_dir`]).
//!
//! A rename onto an existing regular file first strips its setuid/setgid
//! bits and capabilities (rpm's `removeSBITS`), so that a hard link to an
//! old setuid binary made by a user does not keep its privileges; so does
//! [`Root::remove`].

use std::io::Read;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag, openat, renameat};
use nix::sys::stat::{
    FchmodatFlags, Mode, SFlag, UtimensatFlags, fchmod, fchmodat, fstat, fstatat, futimens, mkdirat, mknodat,
    utimensat,
};
use nix::sys::time::TimeSpec;
use nix::unistd::{Gid, Uid, UnlinkatFlags, fchownat, linkat, symlinkat, unlinkat};

use super::caps::{clear_caps_fd, set_caps_fd};
use super::resolve::{Walker, caller_components};
use super::{FsError, Result, Root, TempGuard, io_err, temp_name};

/// The metadata rpm gives a file: `mode` with its type bits, owner ids
/// (already resolved), mtime, and FILECAPS text (empty for none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta<'a> {
    /// FILEMODES (type and permission bits).
    pub mode: u32,
    /// The owner.
    pub uid: u32,
    /// The group.
    pub gid: u32,
    /// FILEMTIMES.
    pub mtime: i64,
    /// FILECAPS (`cap_net_raw=ep`); only regular files get them.
    pub caps: &'a str,
}

impl Meta<'_> {
    fn kind(&self) -> u32 {
        self.mode & libc::S_IFMT
    }
    fn perms(&self) -> Mode {
        Mode::from_bits_truncate(self.mode & 0o7777)
    }
}

const RD_NOFOLLOW: OFlag = OFlag::O_RDONLY
    .union(OFlag::O_NOFOLLOW)
    .union(OFlag::O_NONBLOCK)
    .union(OFlag::O_NOCTTY)
    .union(OFlag::O_CLOEXEC);

impl Root {
    /// Owner, exact mode, capabilities (regular files, as root), mtime, on
    /// the open regular file or directory `fd`.
    fn meta_fd(&self, fd: BorrowedFd<'_>, path: &str, m: &Meta<'_>) -> Result<()> {
        self.chown_fd(fd, m.uid, m.gid, path)?;
        fchmod(fd, m.perms()).map_err(io_err("chmod", path))?;
        if m.kind() == libc::S_IFREG && !m.caps.is_empty() && self.chown {
            set_caps_fd(fd, path, m.caps)?;
        }
        let ts = TimeSpec::new(m.mtime, 0);
        match futimens(fd, &ts, &ts) {
            // rpm: a utime error is not critical for directories.
            Err(_) if m.kind() == libc::S_IFDIR => Ok(()),
            r => r.map_err(io_err("utime", path)),
        }
    }

    /// The same through a name (symlinks: no chmod; nothing is followed).
    fn meta_at(&self, dir: BorrowedFd<'_>, name: &str, path: &str, m: &Meta<'_>) -> Result<()> {
        if self.chown {
            let (u, g) = (Some(Uid::from_raw(m.uid)), Some(Gid::from_raw(m.gid)));
            fchownat(dir, name, u, g, AtFlags::AT_SYMLINK_NOFOLLOW).map_err(io_err("chown", path))?;
        } else {
            self.warn(format!("{path}: not running as root, owner {}:{} not set", m.uid, m.gid));
        }
        if m.kind() != libc::S_IFLNK {
            // Only our own fresh nodes (FIFOs, devices) come here: not links.
            fchmodat(dir, name, m.perms(), FchmodatFlags::FollowSymlink).map_err(io_err("chmod", path))?;
        }
        let ts = TimeSpec::new(m.mtime, 0);
        utimensat(dir, name, &ts, &ts, UtimensatFlags::NoFollowSymlink).map_err(io_err("utime", path))
    }

    /// Write `reader`'s bytes to `<path>;<tid>` with `meta`; no rename. On
    /// error the temp file is removed.
    pub fn write_temp(&self, path: &str, meta: &Meta<'_>, mut reader: impl Read, tid: u32) -> Result<()> {
        let (dir, name) = self.parent_cached(path)?;
        let tmp = temp_name(&name, tid);
        let flags = OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        let fd = self.make_temp(dir.as_fd(), &tmp, path, || openat(&dir, tmp.as_str(), flags, Mode::S_IWUSR))?;
        let mut guard = TempGuard { dir: dir.as_fd(), name: &tmp, armed: true };
        let mut file = std::fs::File::from(fd);
        super::copy_big(&mut reader, &mut file).map_err(|e| FsError::Io { op: "write", path: path.to_owned(), source: e })?;
        self.meta_fd(file.as_fd(), path, meta)?;
        guard.armed = false;
        Ok(())
    }

    /// Create the symlink `<path>;<tid> -> target` with `meta`; no rename.
    pub fn symlink_temp(&self, path: &str, target: &str, meta: &Meta<'_>, tid: u32) -> Result<()> {
        let (dir, name) = self.parent_cached(path)?;
        let tmp = temp_name(&name, tid);
        self.make_temp(dir.as_fd(), &tmp, path, || symlinkat(target, &dir, tmp.as_str()))?;
        let mut guard = TempGuard { dir: dir.as_fd(), name: &tmp, armed: true };
        self.meta_at(dir.as_fd(), &tmp, path, meta)?;
        guard.armed = false;
        Ok(())
    }

    /// Create a FIFO, character or block device or socket (the type bits of
    /// `meta.mode`; `rdev` for devices) at `<path>;<tid>` with `meta`; no
    /// rename. The node is never opened.
    pub fn mknod_temp(&self, path: &str, meta: &Meta<'_>, rdev: u64, tid: u32) -> Result<()> {
        let kind = match meta.kind() {
            libc::S_IFIFO => SFlag::S_IFIFO,
            libc::S_IFCHR => SFlag::S_IFCHR,
            libc::S_IFBLK => SFlag::S_IFBLK,
            libc::S_IFSOCK => SFlag::S_IFSOCK,
            _ => return Err(FsError::InvalidPath { path: path.to_owned(), reason: "not a FIFO, device or socket" }),
        };
        let rdev = if kind == SFlag::S_IFIFO { 0 } else { rdev };
        let (dir, name) = self.parent_cached(path)?;
        let tmp = temp_name(&name, tid);
        self.make_temp(dir.as_fd(), &tmp, path, || mknodat(&dir, tmp.as_str(), kind, Mode::empty(), rdev))?;
        let mut guard = TempGuard { dir: dir.as_fd(), name: &tmp, armed: true };
        self.meta_at(dir.as_fd(), &tmp, path, meta)?;
        guard.armed = false;
        Ok(())
    }

    /// [`mknod_temp`](Self::mknod_temp), then [`commit`](Self::commit) onto `path`.
    pub fn mknod(&self, path: &str, meta: &Meta<'_>, rdev: u64, tid: u32) -> Result<()> {
        self.mknod_temp(path, meta, rdev, tid)?;
        self.commit(path, tid, path).inspect_err(|_| {
            let _ = self.remove_temp(path, tid);
        })
    }

    /// Make `<new>;<tid>` a hard link of `<existing>;<tid>` (a hardlink set
    /// is staged once, then linked).
    pub fn link_temp(&self, existing: &str, new: &str, tid: u32) -> Result<()> {
        let (odir, oname) = self.parent_cached(existing)?;
        let (ndir, nname) = self.parent_cached(new)?;
        let (otmp, ntmp) = (temp_name(&oname, tid), temp_name(&nname, tid));
        self.make_temp(ndir.as_fd(), &ntmp, new, || {
            linkat(&odir, otmp.as_str(), &ndir, ntmp.as_str(), AtFlags::empty())
        })
    }

    /// Rename `<path>;<tid>` onto `dest` (`path`, or `path.rpmnew`), in
    /// `path`'s directory; a file at `dest` is replaced, never followed.
    pub fn commit(&self, path: &str, tid: u32, dest: &str) -> Result<()> {
        self.forget(dest);
        let (dir, name) = self.parent_cached(path)?;
        let (ddir, dname) = self.parent_cached(dest)?;
        strip_special_bits(ddir.as_fd(), &dname);
        renameat(&dir, temp_name(&name, tid).as_str(), &ddir, dname.as_str()).map_err(io_err("rename", dest))
    }

    /// Rename `from` to `to`, both resolved inside the root (their last
    /// components are not followed); a regular file at `to` loses its
    /// setuid/setgid bits and capabilities first.
    pub fn rename(&self, from: &str, to: &str) -> Result<()> {
        self.forget(from);
        self.forget(to);
        let (fdir, fname) = self.parent_cached(from)?;
        let (tdir, tname) = self.parent_cached(to)?;
        strip_special_bits(tdir.as_fd(), &tname);
        renameat(&fdir, fname.as_str(), &tdir, tname.as_str()).map_err(io_err("rename", from))
    }

    /// Remove `<path>;<tid>`; `Ok(false)` when it (or its directory) is not there.
    pub fn remove_temp(&self, path: &str, tid: u32) -> Result<bool> {
        let (dir, name) = match self.parent_cached(path) {
            Ok(x) => x,
            Err(e) if e.is_not_found() => return Ok(false),
            Err(e) => return Err(e),
        };
        match unlinkat(&dir, temp_name(&name, tid).as_str(), UnlinkatFlags::NoRemoveDir) {
            Ok(()) => Ok(true),
            Err(Errno::ENOENT) => Ok(false),
            Err(e) => Err(io_err("unlink", path)(e)),
        }
    }

    /// Re-apply `meta` to the file already at `path` (rpm's `FA_TOUCH`):
    /// regular files and directories through a descriptor, others by name.
    pub fn set_meta(&self, path: &str, meta: &Meta<'_>) -> Result<()> {
        let (dir, name) = self.parent_cached(path)?;
        let st = fstatat(&dir, name.as_str(), AtFlags::AT_SYMLINK_NOFOLLOW).map_err(io_err("lstat", path))?;
        let kind = st.st_mode & libc::S_IFMT;
        if kind == libc::S_IFREG || kind == libc::S_IFDIR {
            let fd = openat(&dir, name.as_str(), RD_NOFOLLOW, Mode::empty()).map_err(io_err("open", path))?;
            self.meta_fd(fd.as_fd(), path, meta)
        } else {
            self.meta_at(dir.as_fd(), &name, path, meta)
        }
    }

    /// Set the capabilities `text` (FILECAPS syntax) on the regular file at
    /// `path` as the `security.capability` xattr.
    pub fn set_caps(&self, path: &str, text: &str) -> Result<()> {
        let (dir, name) = self.parent_cached(path)?;
        let fd = openat(&dir, name.as_str(), RD_NOFOLLOW, Mode::empty()).map_err(io_err("open", path))?;
        let st = fstat(&fd).map_err(io_err("stat", path))?;
        if st.st_mode & libc::S_IFMT != libc::S_IFREG {
            return Err(FsError::InvalidPath { path: path.to_owned(), reason: "not a regular file" });
        }
        set_caps_fd(fd.as_fd(), path, text)
    }

    /// Make `path` the package's directory, as rpm's fsm does: an existing
    /// directory (or a symlink to one, per the ownership rule) is kept;
    /// anything else there is removed first; a new one is made 0700 (parent
    /// must exist). Then `meta` is applied (to the symlink's target too,
    /// like rpm).
    pub fn ensure_dir(&self, path: &str, meta: &Meta<'_>) -> Result<()> {
        let (dir, name) = self.parent_cached(path)?;
        let fd = match fstatat(&dir, name.as_str(), AtFlags::AT_SYMLINK_NOFOLLOW) {
            Ok(st) if st.st_mode & libc::S_IFMT == libc::S_IFDIR => None,
            Ok(st) if st.st_mode & libc::S_IFMT == libc::S_IFLNK => match self.open_dir(path) {
                Ok(fd) => Some(fd),
                Err(FsError::UnsafeSymlink { .. } | FsError::NotADirectory { .. }) => {
                    self.replace_with_dir(dir.as_fd(), &name, path)?
                }
                Err(e) if e.is_not_found() || e.errno() == Some(Errno::ENOTDIR) => {
                    self.replace_with_dir(dir.as_fd(), &name, path)?
                }
                Err(e) => return Err(e),
            },
            Ok(_) => self.replace_with_dir(dir.as_fd(), &name, path)?,
            Err(Errno::ENOENT) => {
                mkdirat(&dir, name.as_str(), Mode::S_IRWXU).map_err(io_err("mkdir", path))?;
                None
            }
            Err(e) => return Err(io_err("lstat", path)(e)),
        };
        let fd = match fd {
            Some(fd) => fd,
            None => openat(&dir, name.as_str(), RD_NOFOLLOW | OFlag::O_DIRECTORY, Mode::empty())
                .map_err(io_err("open", path))?,
        };
        self.meta_fd(fd.as_fd(), path, meta)
    }

    /// Unlink the non-directory `name` and make a 0700 directory there.
    fn replace_with_dir(&self, dir: BorrowedFd<'_>, name: &str, path: &str) -> Result<Option<OwnedFd>> {
        self.forget(path);
        strip_special_bits(dir, name);
        unlinkat(dir, name, UnlinkatFlags::NoRemoveDir).map_err(io_err("unlink", path))?;
        mkdirat(dir, name, Mode::S_IRWXU).map_err(io_err("mkdir", path))?;
        Ok(None)
    }

    /// Open the directory `path` for reading, following symlinks on the way
    /// and at the end inside the root (per the ownership rule).
    pub fn open_dir(&self, path: &str) -> Result<OwnedFd> {
        let comps = caller_components(path)?;
        let os: Vec<&std::ffi::OsStr> = comps.iter().map(std::ffi::OsStr::new).collect();
        let stack = Walker::new(self, path).walk(Vec::new(), &os, false, None)?;
        let top = stack.last().map_or(self.fd.as_fd(), |fd| fd.as_fd());
        openat(top, ".", OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())
            .map_err(io_err("open", path))
    }
}

/// rpm's `removeSBITS`: a regular file `name` in `dir` about to be replaced
/// or unlinked loses setuid/setgid (and, if executable, its capabilities).
/// Best effort: errors are ignored, as rpm does.
pub(super) fn strip_special_bits(dir: BorrowedFd<'_>, name: &str) {
    let Ok(st) = fstatat(dir, name, AtFlags::AT_SYMLINK_NOFOLLOW) else { return };
    if st.st_mode & libc::S_IFMT != libc::S_IFREG || st.st_mode & 0o6111 == 0 {
        return;
    }
    let Ok(fd) = openat(dir, name, RD_NOFOLLOW, Mode::empty()) else { return };
    let Ok(st) = fstat(&fd) else { return };
    if st.st_mode & libc::S_IFMT != libc::S_IFREG {
        return;
    }
    if st.st_mode & 0o6000 != 0 {
        let _ = fchmod(&fd, Mode::from_bits_truncate(st.st_mode & 0o777));
    }
    if st.st_mode & 0o111 != 0 {
        clear_caps_fd(fd.as_fd());
    }
}

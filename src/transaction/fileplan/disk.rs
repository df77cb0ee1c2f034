//! The planner's read-only view of the target root: [`Disk`], and
//! [`RootDisk`], its implementation over a [`Root`].
//!
//! rpm decides file fates with `lstat`, `readlink` and `rpmDoDigest` on the
//! paths inside the (chrooted) root (`lib/rpmfi.c` `rpmfilesDecideFate`,
//! `rpmfilesConfigConflict`, `lib/transaction.c` `handleRemovalConflict`).
//! These are the only three questions the planner asks, and it asks them
//! only for `%config` files and for the directories on the way to a path
//! (to see symlinked directories, see `paths.rs`). Every failure (absent,
//! unreadable, a directory on the way missing) is an answer of "nothing
//! there", which is what rpm assumes too ("assume file has been removed").

use std::io::Read;

use nix::fcntl::{OFlag, openat, readlinkat};
use nix::sys::stat::{Mode, fstat};

use crate::fsroot::Root;
use crate::rpm::payload::HashAlgo;

/// What `lstat` says about a path: its type and permission bits, its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskStat {
    /// `st_mode` (type bits included).
    pub mode: u32,
    /// `st_size`.
    pub size: u64,
}

/// Read-only questions about the files of the target root. Paths are
/// absolute inside the root (`/etc/x`); the last component is never
/// followed.
pub trait Disk {
    /// `lstat(path)`; `None` when it does not exist or cannot be looked at.
    fn lstat(&self, path: &str) -> Option<DiskStat>;
    /// Lowercase hex digest of the regular file at `path` with the PGP hash
    /// id `algo` (1 MD5, 2 SHA1, 8 SHA256, 9 SHA384, 10 SHA512); `None` when
    /// it is not a readable regular file or the algorithm is unknown.
    fn digest(&self, path: &str, algo: u32) -> Option<String>;
    /// The target of the symlink at `path`; `None` when `path` is not a
    /// symlink (or does not exist).
    fn readlink(&self, path: &str) -> Option<String>;
}

/// [`Disk`] over an open install root: every lookup is confined to it (see
/// [`crate::fsroot`]; symlinks on the way are resolved inside the root).
#[derive(Debug, Clone, Copy)]
pub struct RootDisk<'r> {
    root: &'r Root,
}

impl<'r> RootDisk<'r> {
    /// A view of `root`.
    pub fn new(root: &'r Root) -> RootDisk<'r> {
        RootDisk { root }
    }
}

impl Disk for RootDisk<'_> {
    fn lstat(&self, path: &str) -> Option<DiskStat> {
        let st = self.root.lstat(path).ok()?;
        Some(DiskStat {
            mode: st.st_mode,
            size: u64::try_from(st.st_size).unwrap_or(0),
        })
    }

    fn digest(&self, path: &str, algo: u32) -> Option<String> {
        let algo = HashAlgo::from_pgp_id(algo)?;
        let (dir, name) = self.root.resolve_parent(path).ok()?;
        let flags = OFlag::O_RDONLY
            | OFlag::O_NOFOLLOW
            | OFlag::O_NONBLOCK
            | OFlag::O_NOCTTY
            | OFlag::O_CLOEXEC;
        let fd = openat(&dir, name.as_str(), flags, Mode::empty()).ok()?;
        let st = fstat(&fd).ok()?;
        if st.st_mode & libc::S_IFMT != libc::S_IFREG {
            return None;
        }
        let mut file = std::fs::File::from(fd);
        let mut hasher = algo.hasher();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => hasher.update(buf.get(..n)?),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => return None,
            }
        }
        Some(hex::encode(hasher.finish()))
    }

    fn readlink(&self, path: &str) -> Option<String> {
        let (dir, name) = self.root.resolve_parent(path).ok()?;
        let target = readlinkat(&dir, name.as_str()).ok()?;
        Some(target.to_string_lossy().into_owned())
    }
}

/// `rpmfiWhatis`: the file types rpm's decisions distinguish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum What {
    Dir,
    Chr,
    Blk,
    Link,
    Sock,
    Fifo,
    Reg,
}

impl What {
    /// The type of a mode (anything unknown counts as a regular file, as in rpm).
    pub(super) fn of(mode: u32) -> What {
        match mode & libc::S_IFMT {
            libc::S_IFDIR => What::Dir,
            libc::S_IFCHR => What::Chr,
            libc::S_IFBLK => What::Blk,
            libc::S_IFLNK => What::Link,
            libc::S_IFSOCK => What::Sock,
            libc::S_IFIFO => What::Fifo,
            _ => What::Reg,
        }
    }
}

//! Which filesystem a directory of the transaction lands on, and what it
//! has free (`lib/transaction.c rpmtsCreateDSI`, `getMntPoint`, 4.18).
//!
//! A file's directory may not exist yet: like rpm's fingerprints, we use the
//! nearest existing ancestor. Every lookup walks inside the root through
//! [`Root::resolve_parent`] (symlinks resolved in the root, rpm's ownership
//! rule applied), never through host paths. Per filesystem rpm records:
//!
//! * `bsize` = `f_bsize` (512 if 0; above 4096 it is normalised to 4096
//!   with `bavail` rescaled: "dubious blocksize");
//! * `bavail` = `f_bavail`, or 0 on a read-only mount;
//! * `iavail` = `f_ffree`, or no inode check when `f_files` and `f_ffree`
//!   are both 0 (FAT, btrfs);
//! * the mount point, as a path inside the root: walk up from the
//!   directory's real path until the device changes (the root itself counts
//!   as `/`, as under rpm's chroot).
//!
//! A directory whose `statvfs` fails is not accounted, as in rpm.

use std::collections::HashMap;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::PathBuf;

use nix::sys::stat::fstat;
use nix::sys::statvfs::{FsFlags, fstatvfs};

use super::SpaceError;
use super::account::Dsi;
use crate::fsroot::{FsError, Root};

/// The filesystems met so far, and the directories already looked up.
pub(super) struct Filesystems<'r> {
    root: &'r Root,
    /// The root's real host path (`/proc/self/fd`), for mount points.
    root_host: Option<PathBuf>,
    /// Directory (as given) → index in `list` (`None`: not accounted).
    dirs: HashMap<String, Option<usize>>,
    /// One entry per device, in the order first met.
    pub(super) list: Vec<Dsi>,
}

/// The host path the kernel has for `fd` (display only, never opened).
fn host_path(fd: BorrowedFd<'_>) -> Option<PathBuf> {
    std::fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd())).ok()
}

fn stat_err(path: &str) -> impl FnOnce(nix::errno::Errno) -> SpaceError + '_ {
    move |e| SpaceError::Fs(FsError::Io { op: "stat", path: path.to_owned(), source: e.into() })
}

impl<'r> Filesystems<'r> {
    pub(super) fn new(root: &'r Root) -> Self {
        Filesystems { root, root_host: host_path(root.as_fd()), dirs: HashMap::new(), list: Vec::new() }
    }

    /// The filesystem entry for directory `dir` (absolute inside the root).
    pub(super) fn index(&mut self, dir: &str) -> Result<Option<usize>, SpaceError> {
        if let Some(&i) = self.dirs.get(dir) {
            return Ok(i);
        }
        let (fd, found) = self.nearest_existing(dir)?;
        let dirfd = fd.as_ref().map_or(self.root.as_fd(), |f| f.as_fd());
        let dev = fstat(dirfd).map_err(stat_err(&found))?.st_dev;
        let i = match self.list.iter().position(|d| d.dev == dev) {
            Some(i) => Some(i),
            None => self.create(dirfd, dev, &found)?,
        };
        self.dirs.insert(dir.to_owned(), i);
        Ok(i)
    }

    /// Open the nearest existing ancestor-or-self of `dir` (`None`: the
    /// root itself), and its path.
    fn nearest_existing(&self, dir: &str) -> Result<(Option<OwnedFd>, String), SpaceError> {
        let comps: Vec<&str> = dir.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
        for k in (1..=comps.len()).rev() {
            let prefix = format!("/{}", comps[..k].join("/"));
            match self.root.resolve_parent(&format!("{prefix}/-")) {
                Ok((fd, _)) => return Ok((Some(fd), prefix)),
                Err(e) if e.is_not_found() || matches!(e, FsError::NotADirectory { .. }) => {}
                Err(e) => return Err(SpaceError::Fs(e)),
            }
        }
        Ok((None, "/".to_owned()))
    }

    /// A new entry for the filesystem of `fd` (device `dev`, reached as
    /// `path`); `None` when `statvfs` fails.
    fn create(&mut self, fd: BorrowedFd<'_>, dev: u64, path: &str) -> Result<Option<usize>, SpaceError> {
        let Ok(vfs) = fstatvfs(fd) else { return Ok(None) };
        let mut bsize = i64::try_from(vfs.block_size()).unwrap_or(4096);
        if bsize == 0 {
            bsize = 512;
        }
        let sat = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let mut bavail = if vfs.flags().contains(FsFlags::ST_RDONLY) { 0 } else { sat(vfs.blocks_available()) };
        if bsize > 4096 {
            bavail = bavail.saturating_mul(bsize) / 4096;
            bsize = 4096;
        }
        let iavail = (vfs.files() != 0 || vfs.files_free() != 0).then(|| sat(vfs.files_free()));
        let mount = self.mount_point(fd, dev, path)?;
        self.list.push(Dsi::new(dev, bsize, bavail, iavail, mount));
        Ok(Some(self.list.len() - 1))
    }

    /// rpm's `getMntPoint`, inside the root: the last directory on the way
    /// up from `fd` that is still on `dev`.
    fn mount_point(&self, fd: BorrowedFd<'_>, dev: u64, path: &str) -> Result<String, SpaceError> {
        // The real path when the kernel can tell (symlinks resolved), else
        // the path as walked.
        let real = match (host_path(fd), &self.root_host) {
            (Some(p), Some(r)) => p.strip_prefix(r).ok().map(|rel| format!("/{}", rel.display())),
            _ => None,
        };
        let real = real.unwrap_or_else(|| path.to_owned());
        let comps: Vec<&str> = real.split('/').filter(|c| !c.is_empty()).collect();
        for k in (1..=comps.len()).rev() {
            let parent = format!("/{}", comps[..k - 1].join("/"));
            let pdev = self.root.lstat(&parent).map_err(SpaceError::Fs)?.st_dev;
            if pdev != dev {
                return Ok(format!("/{}", comps[..k].join("/")));
            }
        }
        Ok("/".to_owned())
    }
}

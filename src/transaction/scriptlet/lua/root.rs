//! Entering the install root for an in-process Lua scriptlet, and leaving it.
//!
//! rpm chroots the whole process into the root for the transaction
//! (`rpmChrootIn`, `lib/rpmchroot.c`) and `runLuaScript` (`lib/rpmscript.c`)
//! additionally `chdir("/")`s and saves/restores the cwd and umask around
//! each Lua scriptlet. We chroot only for the scriptlet, so [`RootGuard`]
//! does both: it keeps descriptors of the real `/` and of the cwd, and on
//! leave (explicitly, or in `Drop` on any other path: a Lua error, a panic)
//! goes back with `fchdir(root)` + `chroot(".")` + `fchdir(cwd)` and
//! restores the umask (`rpmChrootOut` does the same dance).
//!
//! The root, cwd and umask are per `fs_struct`, normally shared by all
//! threads of the process. [`private_fs`] gives the calling thread its own
//! (`unshare(CLONE_FS)`), so a scriptlet run on a dedicated thread confines
//! only that thread and other threads never see the chroot.

use std::fs::File;
use std::io;
use std::path::Path;

use nix::sys::stat::{Mode, umask};

/// Give the calling thread its own root/cwd/umask (`unshare(CLONE_FS)`).
pub(crate) fn private_fs() -> io::Result<()> {
    // SAFETY: unshare(CLONE_FS) only copies this thread's fs_struct; it
    // touches no memory of ours.
    let rc = unsafe { libc::unshare(libc::CLONE_FS) };
    if rc == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
}

/// The calling thread confined to a root; see the module docs.
#[derive(Debug)]
pub(crate) struct RootGuard {
    real_root: File,
    cwd: File,
    umask: Mode,
    chrooted: bool,
    left: bool,
}

fn open_dir(p: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_DIRECTORY).open(p)
}

impl RootGuard {
    /// Save `/`, the cwd and the umask, then `chroot(root)` (unless `root`
    /// is `/`) and `chdir("/")`.
    pub(crate) fn enter(root: &Path) -> io::Result<RootGuard> {
        let real_root = open_dir(Path::new("/"))?;
        let cwd = open_dir(Path::new("."))?;
        let old = umask(Mode::empty());
        umask(old);
        let chrooted = std::fs::canonicalize(root)? != Path::new("/");
        let mut g = RootGuard { real_root, cwd, umask: old, chrooted: false, left: false };
        if chrooted {
            nix::unistd::chroot(root).map_err(io::Error::from)?;
            g.chrooted = true;
        }
        std::env::set_current_dir("/")?;
        Ok(g)
    }

    /// Go back to the real root and the saved cwd and umask.
    pub(crate) fn leave(&mut self) -> io::Result<()> {
        if self.left {
            return Ok(());
        }
        self.left = true;
        umask(self.umask);
        if self.chrooted {
            nix::unistd::fchdir(&self.real_root).map_err(io::Error::from)?;
            nix::unistd::chroot(".").map_err(io::Error::from)?;
        }
        nix::unistd::fchdir(&self.cwd).map_err(io::Error::from)
    }
}

impl Drop for RootGuard {
    fn drop(&mut self) {
        // Nothing to report to from Drop; `leave` is called explicitly on
        // the normal path, where its error is returned.
        let _ = self.leave();
    }
}

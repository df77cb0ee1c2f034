//! Confined path resolution: our own `namei` over `*at()` calls.
//!
//! Every component is opened with `openat(dir, comp, O_PATH|O_DIRECTORY|
//! O_NOFOLLOW)`, so the kernel never follows a symlink (plain or "magic") for
//! us. When a component is a symlink we read it and resolve its target
//! ourselves, *inside the root*:
//!
//! * an absolute target starts again at the root (like a chroot);
//! * a relative target continues from the link's directory;
//! * `..` inside a link target goes up one directory but never above the
//!   root (we keep the stack of opened directories, the kernel's `..` is
//!   never used), the semantics of `RESOLVE_IN_ROOT`;
//! * at most [`MAX_SYMLINKS`] links are followed per resolution (loops fail).
//!
//! After the target is open, the link is `lstat`ed and followed only when it
//! is owned by root or by the owner of its target (rpm's fix for
//! CVE-2021-35939, `fsmOpenat`; same order: target first, then the link).
//!
//! `openat2(RESOLVE_IN_ROOT)` is not used: it cannot apply the ownership rule.
//! The caller's own paths may not contain `..` at all.

use std::ffi::OsStr;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;

use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag, openat, readlinkat};
use nix::sys::stat::{Mode, SFlag, fchmod, fstat, fstatat, mkdirat};

use super::{FsError, Result, Root};

/// The most symlinks followed while resolving one path (Linux's limit).
pub const MAX_SYMLINKS: u32 = 40;

/// Directories opened from the root (exclusive) down to the current one.
/// Empty means "at the root".
pub(super) type Stack = Vec<OwnedFd>;

/// The current directory of a stack.
pub(super) fn top<'a>(root: &'a Root, stack: &'a Stack) -> BorrowedFd<'a> {
    stack.last().map_or(root.fd.as_fd(), |fd| fd.as_fd())
}

/// Split a caller's path into its components; `""` and `"."` are dropped and
/// `..` is refused. A leading `/` means the root.
pub(super) fn caller_components(path: &str) -> Result<Vec<&str>> {
    if path.as_bytes().contains(&0) {
        return Err(FsError::InvalidPath { path: path.to_owned(), reason: "contains a NUL byte" });
    }
    let mut out = Vec::new();
    for comp in path.split('/') {
        match comp {
            "" | "." => {}
            ".." => return Err(FsError::Escape { path: path.to_owned() }),
            c => out.push(c),
        }
    }
    Ok(out)
}

fn is_symlink(st: &nix::sys::stat::FileStat) -> bool {
    SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT == SFlag::S_IFLNK
}

/// One resolution: the root, the caller's path (for messages) and the count
/// of links followed so far.
pub(super) struct Walker<'a> {
    pub(super) root: &'a Root,
    pub(super) path: &'a str,
    links: u32,
}

impl<'a> Walker<'a> {
    pub(super) fn new(root: &'a Root, path: &'a str) -> Self {
        Walker { root, path, links: 0 }
    }

    fn io(&self, op: &'static str, e: Errno) -> FsError {
        FsError::Io { op, path: self.path.to_owned(), source: e.into() }
    }

    /// Walk `comps` (all of them must be directories) from `stack`. With
    /// `create`, missing directories are made with exactly that mode (never
    /// inside a symlink's target). `in_link` allows `..` (clamped at the root).
    pub(super) fn walk(
        &mut self,
        mut stack: Stack,
        comps: &[&OsStr],
        in_link: bool,
        create: Option<Mode>,
    ) -> Result<Stack> {
        for &comp in comps {
            match comp.as_bytes() {
                b"" | b"." => {}
                b".." if in_link => {
                    stack.pop();
                }
                b".." => return Err(FsError::Escape { path: self.path.to_owned() }),
                _ => stack = self.step(stack, comp, create)?,
            }
        }
        Ok(stack)
    }

    /// Enter one directory component (following a symlink if allowed).
    fn step(&mut self, mut stack: Stack, comp: &OsStr, create: Option<Mode>) -> Result<Stack> {
        let dir = top(self.root, &stack);
        let flags = OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        match openat(dir, comp, flags, Mode::empty()) {
            Ok(fd) => {
                stack.push(fd);
                Ok(stack)
            }
            Err(Errno::ENOENT) if create.is_some() => {
                let mode = create.unwrap_or(Mode::S_IRWXU);
                match mkdirat(dir, comp, mode) {
                    Ok(()) => {}
                    // Someone made it meanwhile: look at it the normal way.
                    Err(Errno::EEXIST) => return self.step(stack, comp, None),
                    Err(e) => return Err(self.io("mkdir", e)),
                }
                let rd = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
                let fd = openat(dir, comp, rd, Mode::empty()).map_err(|e| self.io("open", e))?;
                // The umask must not matter: set the exact mode.
                fchmod(&fd, mode).map_err(|e| self.io("chmod", e))?;
                stack.push(fd);
                Ok(stack)
            }
            Err(Errno::ELOOP | Errno::ENOTDIR) => {
                let st = fstatat(dir, comp, AtFlags::AT_SYMLINK_NOFOLLOW).map_err(|e| self.io("lstat", e))?;
                if !is_symlink(&st) {
                    return Err(FsError::NotADirectory {
                        path: self.path.to_owned(),
                        component: comp.to_string_lossy().into_owned(),
                    });
                }
                self.follow(stack, comp)
            }
            Err(e) => Err(self.io("open", e)),
        }
    }

    /// Follow the symlink `comp` in the current directory, inside the root.
    fn follow(&mut self, stack: Stack, comp: &OsStr) -> Result<Stack> {
        self.links += 1;
        if self.links > MAX_SYMLINKS {
            return Err(FsError::SymlinkLoop { path: self.path.to_owned() });
        }
        let link_dir = top(self.root, &stack).try_clone_to_owned().map_err(|e| FsError::Io {
            op: "dup",
            path: self.path.to_owned(),
            source: e,
        })?;
        let target = readlinkat(&link_dir, comp).map_err(|e| self.io("readlink", e))?;
        let bytes = target.as_bytes();
        if bytes.is_empty() {
            return Err(self.io("readlink", Errno::ENOENT));
        }
        let start = if bytes.starts_with(b"/") { Stack::new() } else { stack };
        let comps: Vec<&OsStr> = bytes.split(|&b| b == b'/').map(OsStr::from_bytes).collect();
        let resolved = self.walk(start, &comps, true, None)?;
        // rpm's order: the target is open, now look at the link itself.
        let lst = fstatat(&link_dir, comp, AtFlags::AT_SYMLINK_NOFOLLOW).map_err(|e| self.io("lstat", e))?;
        let tst = fstat(top(self.root, &resolved)).map_err(|e| self.io("stat", e))?;
        if !is_symlink(&lst) || (lst.st_uid != 0 && lst.st_uid != tst.st_uid) {
            return Err(FsError::UnsafeSymlink {
                path: self.path.to_owned(),
                component: comp.to_string_lossy().into_owned(),
                link_uid: lst.st_uid,
                target_uid: tst.st_uid,
            });
        }
        Ok(resolved)
    }
}

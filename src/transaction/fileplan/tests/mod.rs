//! Tests of the file plan: synthetic file lists over an in-memory disk
//! (this file, [`unit`]), and real packages with the real `rpm` as oracle
//! ([`alpha`], [`shared`], helpers in [`oracle`]).

mod alpha;
mod oracle;
mod shared;
mod unit;

use std::collections::HashMap;

use super::{Disk, DiskStat, FilePlan, Incoming, Installed, Options, plan};
use crate::rpm::filelist::FileEntry;
use crate::rpm::payload::HashAlgo;
use crate::rpm::tags::{RPMFILE_CONFIG, S_IFDIR, S_IFLNK, S_IFREG};

/// SHA-256 hex of `content`.
pub(super) fn sha256(content: &[u8]) -> String {
    let mut h = HashAlgo::Sha256.hasher();
    h.update(content);
    hex::encode(h.finish())
}

/// A regular file entry `path` with `content` (mode 0644, root:root).
pub(super) fn reg(path: &str, content: &str) -> FileEntry {
    FileEntry {
        path: path.to_owned(),
        mode: S_IFREG | 0o644,
        size: content.len() as u64,
        digest: sha256(content.as_bytes()),
        flags: 0,
        user: "root".into(),
        group: "root".into(),
        mtime: 0,
        linkto: String::new(),
        ino: 0,
        dev: 0,
        rdev: 0,
        color: 0,
        verify_flags: !0,
        caps: String::new(),
        lang: String::new(),
        state: 0,
        nlink: 1,
        carries_data: true,
    }
}

/// A `%config` file entry.
pub(super) fn cfg(path: &str, content: &str, extra_flags: u32) -> FileEntry {
    FileEntry {
        flags: RPMFILE_CONFIG | extra_flags,
        ..reg(path, content)
    }
}

/// A directory entry (mode 0755).
pub(super) fn dir(path: &str) -> FileEntry {
    FileEntry {
        mode: S_IFDIR | 0o755,
        size: 4096,
        digest: String::new(),
        ..reg(path, "")
    }
}

/// A symlink entry.
pub(super) fn link(path: &str, target: &str) -> FileEntry {
    FileEntry {
        mode: S_IFLNK | 0o777,
        size: target.len() as u64,
        digest: String::new(),
        linkto: target.into(),
        ..reg(path, "")
    }
}

/// An in-memory root: path → file.
#[derive(Default)]
pub(super) struct MemDisk {
    files: HashMap<String, Mem>,
}

enum Mem {
    Reg(Vec<u8>),
    Link(String),
    Dir,
}

impl MemDisk {
    pub(super) fn file(mut self, path: &str, content: &str) -> Self {
        self.files
            .insert(path.into(), Mem::Reg(content.as_bytes().to_vec()));
        self
    }
    pub(super) fn symlink(mut self, path: &str, target: &str) -> Self {
        self.files.insert(path.into(), Mem::Link(target.into()));
        self
    }
    pub(super) fn dir(mut self, path: &str) -> Self {
        self.files.insert(path.into(), Mem::Dir);
        self
    }
}

impl Disk for MemDisk {
    fn lstat(&self, path: &str) -> Option<DiskStat> {
        Some(match self.files.get(path)? {
            Mem::Reg(c) => DiskStat {
                mode: S_IFREG | 0o644,
                size: c.len() as u64,
            },
            Mem::Link(t) => DiskStat {
                mode: S_IFLNK | 0o777,
                size: t.len() as u64,
            },
            Mem::Dir => DiskStat {
                mode: S_IFDIR | 0o755,
                size: 4096,
            },
        })
    }
    fn digest(&self, path: &str, algo: u32) -> Option<String> {
        assert_eq!(algo, 8, "the synthetic packages use SHA-256");
        match self.files.get(path)? {
            Mem::Reg(c) => Some(sha256(c)),
            _ => None,
        }
    }
    fn readlink(&self, path: &str) -> Option<String> {
        match self.files.get(path)? {
            Mem::Link(t) => Some(t.clone()),
            _ => None,
        }
    }
}

/// An incoming package with SHA-256 digests.
pub(super) fn inc<'a>(nevra: &'a str, files: &'a [FileEntry]) -> Incoming<'a> {
    Incoming {
        nevra,
        files,
        digest_algo: 8,
    }
}

/// An installed package with SHA-256 digests.
pub(super) fn inst<'a>(
    hnum: u32,
    nevra: &'a str,
    files: &'a [FileEntry],
    erased: bool,
) -> Installed<'a> {
    Installed {
        hnum,
        nevra,
        files,
        digest_algo: 8,
        erased,
    }
}

/// [`plan`] with x86_64's default options.
pub(super) fn run(
    incoming: &[Incoming<'_>],
    installed: &[Installed<'_>],
    disk: &MemDisk,
) -> FilePlan {
    plan(incoming, installed, disk, &Options::default())
}

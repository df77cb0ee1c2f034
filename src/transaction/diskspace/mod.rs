//! The disk-space check rpm makes before a transaction writes anything
//! (`lib/transaction.c rpmtsPrepare`, 4.18): per filesystem the files land
//! on, blocks and inodes needed against `statvfs`, the whole transaction
//! counted in order, so an erase or an upgrade's replaced files make room
//! for later elements. [`account`] has rpm's arithmetic, [`mount`] the
//! confined lookup of each directory's filesystem and mount point.
//!
//! The caller (the file plan) passes, per element, every file rpm would not
//! skip, directories included, with its header size (FILESIZES); for all
//! but the last member of a hardlink set the size is 0, as rpm accounts
//! the data once. [`SpaceElement::install`] builds that from a header for
//! a plain install. rpm 4.18 has no `%_minimum_free`-style reserve beyond
//! the 5% slack of [`account`]. The messages are `lib/rpmprob.c
//! rpmProblemString`'s, naming the element that crossed the line.

mod account;
mod mount;
#[cfg(test)]
mod tests;

use crate::fsroot::{FsError, Root};
use crate::rpm::filelist::file_entries;
use crate::rpm::header::Header;
use account::{Dsi, Update};

/// What a file does on disk (rpm's file actions that count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAction {
    /// The file is written (`FA_CREATE`).
    Create {
        /// Size of the file of an installed package it replaces on disk
        /// (rpm's replaced size; 0: none).
        replaced: u64,
        /// `Some(size)` when an earlier element of this transaction has a
        /// file of that size at the same path.
        overlapped: Option<u64>,
    },
    /// A copy is kept beside it: `.rpmnew`, `.rpmsave`, `.rpmorig`
    /// (`FA_ALTNAME`, `FA_SAVE`, `FA_BACKUP`).
    KeepCopy,
    /// The file is removed (`FA_ERASE`).
    Erase,
}

/// One file of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSpace {
    /// Absolute path inside the root.
    pub path: String,
    /// Size from the header.
    pub size: u64,
    /// What happens to it.
    pub action: FileAction,
}

/// One transaction element, in transaction order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceElement {
    /// `name-[epoch:]version-release.arch`, for messages.
    pub nevra: String,
    /// For an install, the size of its header (the rpmdb grows by about
    /// four times that); `None` for an erase.
    pub header_size: Option<u64>,
    /// Its files.
    pub files: Vec<FileSpace>,
}

impl SpaceElement {
    /// A plain install of `header`: every file created, nothing replaced.
    pub fn install(nevra: String, header: &Header) -> Result<SpaceElement, String> {
        let files = file_entries(header)?
            .into_iter()
            .map(|f| FileSpace {
                size: if f.carries_data { f.size } else { 0 },
                path: f.path,
                action: FileAction::Create { replaced: 0, overlapped: None },
            })
            .collect();
        Ok(SpaceElement { nevra, header_size: Some(header.as_bytes().len() as u64), files })
    }
}

/// What is short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// This many more bytes are needed (`RPMPROB_DISKSPACE`).
    Space { bytes: u64 },
    /// This many more inodes are needed (`RPMPROB_DISKNODES`).
    Inodes { count: u64 },
}

/// A filesystem that would run out during the transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceProblem {
    /// The element being installed when the shortage appears.
    pub nevra: String,
    /// The filesystem's mount point, inside the root.
    pub mount_point: String,
    /// What is short, by how much.
    pub kind: ProblemKind,
}

impl SpaceProblem {
    /// rpm's text: `installing package X needs 12MB more space on the /mnt
    /// filesystem` (KB below 1 MiB, rounded up) or `... needs 3 more
    /// inodes on the / filesystem`.
    pub fn message(&self) -> String {
        match self.kind {
            ProblemKind::Space { bytes } => {
                const MIB: u64 = 1024 * 1024;
                let (n, unit) = if bytes > MIB { (bytes.div_ceil(MIB), 'M') } else { (bytes.div_ceil(1024), 'K') };
                format!(
                    "installing package {} needs {n}{unit}B more space on the {} filesystem",
                    self.nevra, self.mount_point
                )
            }
            ProblemKind::Inodes { count } => format!(
                "installing package {} needs {count} more inodes on the {} filesystem",
                self.nevra, self.mount_point
            ),
        }
    }
}

/// Why the check failed.
#[derive(Debug, thiserror::Error)]
pub enum SpaceError {
    /// The transaction does not fit.
    #[error("{}", .0.iter().map(SpaceProblem::message).collect::<Vec<_>>().join("\n"))]
    NotEnough(Vec<SpaceProblem>),
    /// A directory could not be looked up inside the root.
    #[error("disk space check: {0}")]
    Fs(#[source] FsError),
}

fn sat(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The directory part of an absolute path (`/` for top-level names).
fn dir_of(path: &str) -> &str {
    match path.rsplit_once('/') {
        Some(("", _)) | None => "/",
        Some((dir, _)) => dir,
    }
}

/// Check that `elements` fit on the filesystems of `root`; `dbpath` (inside
/// the root) is where the rpmdb grows, ignored if it does not exist yet.
pub fn check(root: &Root, dbpath: &str, elements: &[SpaceElement]) -> Result<(), SpaceError> {
    let mut fss = mount::Filesystems::new(root);
    let db = match root.lstat(dbpath) {
        Ok(_) => fss.index(dbpath)?,
        Err(_) => None,
    };
    let mut problems = Vec::new();
    for el in elements {
        for f in &el.files {
            let Some(i) = fss.index(dir_of(&f.path))? else { continue };
            let size = sat(f.size);
            let update = match f.action {
                FileAction::Create { replaced, overlapped } => Update::Create {
                    size,
                    prev: sat(replaced),
                    fixup: overlapped.map_or(0, |s| sat(s).saturating_add(1)),
                },
                FileAction::KeepCopy => Update::Copy { size },
                FileAction::Erase => Update::Erase { size },
            };
            if let Some(d) = fss.list.get_mut(i) {
                d.update(update);
            }
        }
        let Some(header_size) = el.header_size else { continue };
        if let Some(d) = db.and_then(|i| fss.list.get_mut(i)) {
            d.update(Update::Create { size: sat(header_size).saturating_mul(4), prev: 0, fixup: 0 });
        }
        fss.list.iter_mut().for_each(|d: &mut Dsi| d.check(&el.nevra, &mut problems));
    }
    if problems.is_empty() { Ok(()) } else { Err(SpaceError::NotEnough(problems)) }
}

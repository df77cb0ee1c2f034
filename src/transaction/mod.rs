//! The transaction engine: install, upgrade and erase packages in a root,
//! with rpm 4.18's semantics and an rpmdb the real rpm reads as its own.
//!
//! A transaction is data ([`TransactionSet`]: steps in the caller's order,
//! flags, a tid). [`run`] first completes an interrupted earlier
//! transaction from its journal ([`recover`]), then checks everything
//! before the first write (`prepare`: digests, architecture, the
//! `%pretrans` interpreter rule, the [`fileplan`] with conflicts and
//! `.rpmnew`/`.rpmsave` decisions, [`diskspace`]), then runs it in rpm's
//! order (`run`; scriptlets and triggers by `scripts` over [`scriptlet`]),
//! writing files through `unpack`/`remove` (confined by
//! [`crate::fsroot`]) and the database through one
//! [`crate::rpmdb::writer::RpmdbWriter`]. Progress goes to a [`Reporter`];
//! the result is an [`Outcome`].
//!
//! Not done: SELinux labels, IMA signatures and other xattrs besides file
//! capabilities; relocations; `%lang` filtering; dependency checks (the
//! solver's job).

mod db;
pub mod diskspace;
pub mod fileplan;
mod install;
pub mod journal;
mod prepare;
mod recover;
pub(crate) mod remove;
mod run;
pub mod scriptlet;
mod scripts;
mod set;
pub mod signals;
pub(crate) mod unpack;
#[cfg(test)]
mod unpack_tests;

use std::path::PathBuf;

pub use install::{erase_package, install_package};
pub use recover::{Recovered, recover};
pub use run::run;
pub use set::{Checkpoint, ElementKind, Failure, Flags, Outcome, Reporter, Silent, Step, TransactionSet};

use crate::fsroot::FsError;
use crate::rpm::file::RpmFileError;
use crate::rpm::header::Header;
use crate::rpm::payload::PayloadError;
use crate::rpmdb::RpmdbError;
use crate::rpmdb::writer::{BuildError, WriterError};

/// Why a package could not be installed or erased; each names the package
/// (`name` is the NAME tag, or the file path before the header is read).
#[derive(Debug, thiserror::Error)]
pub enum TxError {
    #[error("{source}")]
    Open { source: RpmFileError },
    #[error("{name}: package refused: {source}")]
    Digest { name: String, source: PayloadError },
    #[error("{name}: {source}")]
    Payload { name: String, source: PayloadError },
    #[error("{name}: bad file list in header: {what}")]
    FileList { name: String, what: String },
    #[error("{name}: {path}: file type {mode:o} is not supported yet")]
    Unsupported {
        name: String,
        path: String,
        mode: u32,
    },
    #[error("{name}: {source}")]
    Fs { name: String, source: FsError },
    #[error("{name}: {source}")]
    Build { name: String, source: BuildError },
    #[error("{name}: {source}")]
    Db { name: String, source: WriterError },
    #[error("{name}: {source}")]
    ReadDb { name: String, source: RpmdbError },
    /// rpm's problems found before anything was written (architecture,
    /// file conflicts, disk space, the `%pretrans` interpreter rule).
    #[error("{}", .0.join("\n"))]
    Problems(Vec<String>),
    #[error("{0}")]
    Journal(journal::JournalError),
    #[error("{0}")]
    Signals(signals::SignalError),
    /// The element did not happen (a critical scriptlet failed, or a write).
    #[error("{name}: {reason}")]
    Failed { name: String, reason: String },
    #[error("{dbdir}: no installed package with header number {hnum}")]
    NotInstalled { dbdir: PathBuf, hnum: u32 },
}

/// The NAME tag, for messages.
pub(crate) fn header_name(h: &Header) -> String {
    h.string_lossy(crate::rpm::tags::RPMTAG_NAME)
        .map_or_else(|| "(unnamed)".to_owned(), |s| s.into_owned())
}

/// `name-[epoch:]version-release.arch` of a header.
pub(crate) fn nevra_of(h: &Header) -> String {
    db::nevra_evr(h).0
}

/// `<root>/<dbpath>`, with symlinks inside the root resolved in it.
pub(crate) fn dbdir(root: &std::path::Path, dbpath: &str) -> PathBuf {
    crate::rpmdb::resolve_in_root(root, dbpath)
}

#[cfg(test)]
mod tests;

//! A minimal transaction executor: install one `.rpm` into a root, or erase
//! one installed package, writing files through [`crate::fsroot`] and the
//! database through [`crate::rpmdb::writer`].
//!
//! * [`install_package`]: digests are checked ([`verify_digests`]) before
//!   anything is written; then directories are created, every payload
//!   member is written with the header's mode, owner (by name, from the
//!   root's `/etc/passwd`/`/etc/group`, falling back to root with rpm's
//!   warning), and FILEMTIMES mtime; symlinks take FILELINKTOS; a hardlink
//!   set is written once and linked; `%ghost` files are not created. File
//!   digests are checked while streaming. Then one `syncfs` and one rpmdb
//!   transaction adding the installed header.
//! * [`erase_package`]: removes the package's files in reverse path order
//!   (so children go before their directories), keeping files another
//!   installed package lists too, and directories that are not empty; then
//!   removes the rpmdb entry.
//!
//! **Not done yet**: scriptlets and triggers; config files (`.rpmnew`,
//! `.rpmsave`, `%config(noreplace)`); file-conflict checks and REPLACED file
//! states of other packages; rollback of a half-installed package (a failure
//! after the first write leaves what was written); file capabilities and
//! other xattrs (IMA, SELinux labels); FIFOs and device nodes (refused
//! before writing); relocations, `--excludedocs`, `%lang` filtering;
//! dependency checks. Erase trusts the db: a path changed on disk is
//! removed as long as its type still matches.

mod db;
pub mod diskspace;
mod erase;
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

pub use erase::erase_package;
pub use install::install_package;
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

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

mod erase;
mod install;

use std::path::PathBuf;

pub use erase::erase_package;
pub use install::install_package;

use crate::fsroot::FsError;
use crate::rpm::file::RpmFileError;
use crate::rpm::header::Header;
use crate::rpm::payload::PayloadError;
use crate::rpm::tags::*;
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
    #[error("{dbdir}: no installed package with header number {hnum}")]
    NotInstalled { dbdir: PathBuf, hnum: u32 },
}

/// One entry of a header's file list, with what install and erase need.
#[derive(Debug, Clone)]
pub(crate) struct HdrFile {
    pub path: String,
    pub mode: u32,
    pub user: String,
    pub group: String,
    pub mtime: u32,
    pub flags: u32,
    pub linkto: String,
    /// FILESTATES (installed headers only; 0 = normal when absent).
    pub state: u8,
}

impl HdrFile {
    pub(crate) fn is_ghost(&self) -> bool {
        self.flags & RPMFILE_GHOST != 0
    }
    pub(crate) fn is_dir(&self) -> bool {
        self.mode & S_IFMT == S_IFDIR
    }
}

/// The file list of `h` (DIRNAMES/BASENAMES/DIRINDEXES, or OLDFILENAMES).
pub(crate) fn header_files(h: &Header) -> Result<Vec<HdrFile>, String> {
    let paths = h.file_paths()?;
    let n = paths.len();
    let modes = h.u16_array(RPMTAG_FILEMODES);
    let users = h.string_array_lossy(RPMTAG_FILEUSERNAME);
    let groups = h.string_array_lossy(RPMTAG_FILEGROUPNAME);
    let mtimes = h.u32_array(RPMTAG_FILEMTIMES);
    let flags = h.u32_array(RPMTAG_FILEFLAGS);
    let links = h.string_array_lossy(RPMTAG_FILELINKTOS);
    let states = h.u8_array(RPMTAG_FILESTATES);
    if n > 0 && modes.len() != n {
        return Err("FILEMODES does not match the file count".into());
    }
    let opt = |v: usize, what: &str| {
        if v == 0 || v == n {
            Ok(())
        } else {
            Err(format!("{what} does not match the file count"))
        }
    };
    opt(users.len(), "FILEUSERNAME")?;
    opt(groups.len(), "FILEGROUPNAME")?;
    opt(mtimes.len(), "FILEMTIMES")?;
    opt(flags.len(), "FILEFLAGS")?;
    opt(links.len(), "FILELINKTOS")?;
    opt(states.len(), "FILESTATES")?;
    let s = |v: &[std::borrow::Cow<'_, str>], i: usize, d: &str| {
        v.get(i).map_or_else(|| d.to_owned(), |x| x.to_string())
    };
    Ok(paths
        .into_iter()
        .enumerate()
        .map(|(i, path)| HdrFile {
            path,
            mode: u32::from(modes[i]),
            user: s(&users, i, "root"),
            group: s(&groups, i, "root"),
            mtime: mtimes.get(i).copied().unwrap_or(0),
            flags: flags.get(i).copied().unwrap_or(0),
            linkto: s(&links, i, ""),
            state: states.get(i).copied().unwrap_or(0),
        })
        .collect())
}

/// The NAME tag, for messages.
pub(crate) fn header_name(h: &Header) -> String {
    h.string_lossy(RPMTAG_NAME)
        .map_or_else(|| "(unnamed)".to_owned(), |s| s.into_owned())
}

/// `<root>/<dbpath>`, with symlinks inside the root resolved in it.
pub(crate) fn dbdir(root: &std::path::Path, dbpath: &str) -> PathBuf {
    crate::rpmdb::resolve_in_root(root, dbpath)
}

#[cfg(test)]
mod tests;

//! Reading rpm's installed-package database (sqlite backend only).
//!
//! * [`dbpath`]: locating the database inside an installroot, and rpm macros;
//! * [`sqlite`]: a strictly read-only reader of `rpmdb.sqlite`;
//! * [`detect`]: which backend a database directory holds.
//!
//! Berkeley DB and NDB databases are detected and refused with a clear error;
//! a directory without any database is an empty installed set.

use std::io::Read;
use std::path::{Path, PathBuf};

pub mod dbpath;
pub mod sqlite;
pub mod writer;

#[cfg(test)]
mod tests;

pub use dbpath::{read_root_macros, resolve_dbpath, resolve_in_root};
pub use sqlite::{BadHeader, InstalledPackage, OpenMode, Rpmdb};

/// File names of the backends inside a dbpath.
pub const SQLITE_FILE: &str = "rpmdb.sqlite";
pub const BDB_FILE: &str = "Packages";
pub const NDB_FILE: &str = "Packages.db";

/// The backend of a database directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbFormat {
    /// `rpmdb.sqlite` (rpm ≥ 4.16 default).
    Sqlite,
    /// `Packages` with a Berkeley DB hash or btree magic (legacy).
    BerkeleyDb,
    /// `Packages.db` with the `RpmP` magic (SUSE's ndb).
    Ndb,
    /// A `Packages`/`Packages.db` file whose magic is not recognised.
    Unknown,
    /// No database at all (a fresh installroot).
    None,
}

impl DbFormat {
    /// Human name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            DbFormat::Sqlite => "sqlite",
            DbFormat::BerkeleyDb => "Berkeley DB (bdb)",
            DbFormat::Ndb => "ndb",
            DbFormat::Unknown => "unrecognised",
            DbFormat::None => "none",
        }
    }
}

/// Errors of the rpmdb reader.
#[derive(Debug, thiserror::Error)]
pub enum RpmdbError {
    #[error(
        "{path}: the rpm database uses the {} backend; this tool reads only sqlite rpm databases \
         (convert it with `rpmdb --rebuilddb --define '_db_backend sqlite'`)",
        format.name()
    )]
    UnsupportedFormat { path: PathBuf, format: DbFormat },
    #[error("{path}: {source}")]
    Sqlite { path: PathBuf, source: rusqlite::Error },
    #[error("{path}: h#{hnum}: {source}")]
    Header { path: PathBuf, hnum: u32, source: crate::rpm::HeaderError },
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("{path}: the rpm database changed while it was being read; try again")]
    Changed { path: PathBuf },
}

/// First 16 bytes of a file (fewer if it is shorter); `None` if it cannot be opened.
fn head16(p: &Path) -> Option<Vec<u8>> {
    let f = fs_err::File::open(p).ok()?;
    let mut buf = Vec::with_capacity(16);
    f.take(16).read_to_end(&mut buf).ok()?;
    Some(buf)
}

/// Berkeley DB magics at offset 12 of the meta page, in either byte order.
fn is_bdb(h: &[u8]) -> bool {
    let Some(m) = h.get(12..16) else { return false };
    let m = [m[0], m[1], m[2], m[3]];
    [0x0006_1561u32, 0x0005_3162].iter().any(|&magic| m == magic.to_le_bytes() || m == magic.to_be_bytes())
}

/// Which backend `dbdir` holds. sqlite wins when several are present (rpm
/// removes the old files after a conversion, so that is only a leftover).
pub fn detect(dbdir: &Path) -> DbFormat {
    if dbdir.join(SQLITE_FILE).is_file() {
        return DbFormat::Sqlite;
    }
    if let Some(h) = head16(&dbdir.join(NDB_FILE)) {
        return if h.starts_with(b"RpmP") { DbFormat::Ndb } else { DbFormat::Unknown };
    }
    if let Some(h) = head16(&dbdir.join(BDB_FILE)) {
        return if is_bdb(&h) { DbFormat::BerkeleyDb } else { DbFormat::Unknown };
    }
    DbFormat::None
}

//! A read-only reader of rpm's `rpmdb.sqlite` that never modifies the
//! database, its `-wal` or its `-shm`.
//!
//! Measured with SQLite 3.54 (rusqlite bundled) on the cbl-mariner corpus db:
//! a plain `mode=ro` connection on a WAL database *rewrites* `-shm` whenever
//! the process may write it (always as root: mtime changed, content rebuilt),
//! and *creates* `-wal`/`-shm` when they are missing and the directory is
//! writable; in a read-only directory without them it fails
//! (`SQLITE_READONLY_DIRECTORY`). `locking_mode=EXCLUSIVE` fails on a
//! read-only fd (`SQLITE_IOERR_LOCK`). `immutable=1` touches nothing but
//! ignores the WAL. Hence [`OpenMode`]:
//! * rollback-journal database: `mode=ro` (never creates or writes files);
//! * WAL database with an empty or absent `-wal`: every committed page is in
//!   the main file, so `mode=ro&immutable=1`; since WAL writers change the
//!   main file only when checkpointing, the file's identity/size/mtime are
//!   compared before and after reading, and a change means a re-read from a
//!   snapshot;
//! * WAL database with a non-empty `-wal`: the db and `-wal` are copied into
//!   a private temporary directory (identity checked before and after the
//!   copy) and that copy is opened, so SQLite replays the WAL there.
//!
//! Callers that want to exclude concurrent rpm writers should hold rpm's
//! `<dbpath>/.rpm.lock` (`fcntl` `F_RDLCK`) while reading.

use std::fmt;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use rusqlite::{Connection, OpenFlags};

use super::{DbFormat, RpmdbError, SQLITE_FILE, detect};
use crate::rpm::header::Header;
use crate::rpm::package::header_to_package;
use crate::rpm::tags::{RPMTAG_INSTALLCOLOR, RPMTAG_INSTALLTID, RPMTAG_INSTALLTIME};

/// How the database was opened (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// No database: the installed set is empty.
    Empty,
    /// Rollback-journal database, `mode=ro`.
    ReadOnly,
    /// WAL database with an empty WAL, `immutable=1`.
    Immutable,
    /// WAL database with committed frames in the WAL: read from a private copy.
    Snapshot,
}

/// A package read from the rpmdb, with what only the rpmdb knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledPackage {
    /// `Packages.hnum` (the header number, `RPMDBI_PACKAGES` instance).
    pub hnum: u32,
    pub package: repodata::Package,
    /// INSTALLTIME (also in `package.time_file`), 0 when missing.
    pub install_time: i64,
    /// INSTALLTID, the transaction id (its start time), 0 when missing.
    pub install_tid: u32,
    /// INSTALLCOLOR, 0 when missing.
    pub install_color: u32,
}

impl InstalledPackage {
    /// Whether this is an imported OpenPGP key (libsolv skips these).
    pub fn is_gpg_pubkey(&self) -> bool {
        self.package.name == "gpg-pubkey"
    }
}

/// A header the reader skipped, for the caller to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadHeader {
    pub hnum: i64,
    pub reason: String,
}

impl fmt::Display for BadHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rpmdb: skipping h#{}: {}", self.hnum, self.reason)
    }
}

/// Identity of a file, to notice that it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: i64,
    mtime_nsec: i64,
}

fn stamp(p: &Path) -> Option<Stamp> {
    let m = fs_err::metadata(p).ok()?;
    Some(Stamp { dev: m.dev(), ino: m.ino(), len: m.len(), mtime: m.mtime(), mtime_nsec: m.mtime_nsec() })
}

/// A private temporary directory removed on drop.
#[derive(Debug)]
pub(super) struct TempDir(pub(super) PathBuf);

impl TempDir {
    pub(super) fn new() -> std::io::Result<TempDir> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        use std::os::unix::fs::PermissionsExt;
        loop {
            let nanos =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let p = std::env::temp_dir().join(format!("tdnf-rpmdb-{}-{nanos}-{n}", std::process::id()));
            match fs_err::create_dir(&p) {
                Ok(()) => {
                    fs_err::set_permissions(&p, std::fs::Permissions::from_mode(0o700))?;
                    return Ok(TempDir(p));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs_err::remove_dir_all(&self.0);
    }
}

/// An open rpmdb. Dropping it closes the connection (and removes a snapshot).
#[derive(Debug)]
pub struct Rpmdb {
    dbdir: PathBuf,
    mode: OpenMode,
    // Field order matters: the connection closes before the snapshot is removed.
    conn: Option<Connection>,
    /// For [`OpenMode::Immutable`]: the main file's identity at open.
    stamp: Option<Stamp>,
    _snapshot: Option<TempDir>,
}

/// `file:` URI for `path` (percent-encoded) with `params`.
fn uri(path: &Path, params: &str) -> String {
    let mut s = String::from("file:");
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s.push('?');
    s.push_str(params);
    s
}

fn connect(db: &Path, params: &str) -> Result<Connection, RpmdbError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let err = |source| RpmdbError::Sqlite { path: db.to_path_buf(), source };
    let conn = Connection::open_with_flags(uri(db, params), flags).map_err(err)?;
    conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(err)?;
    Ok(conn)
}

impl Rpmdb {
    /// Open the database in `dbdir` read-only. No database → an empty set;
    /// a Berkeley DB or ndb database → [`RpmdbError::UnsupportedFormat`].
    pub fn open(dbdir: &Path) -> Result<Rpmdb, RpmdbError> {
        let dbdir = dbdir.to_path_buf();
        let empty = |dbdir| Rpmdb { dbdir, mode: OpenMode::Empty, conn: None, stamp: None, _snapshot: None };
        match detect(&dbdir) {
            DbFormat::None => return Ok(empty(dbdir)),
            DbFormat::Sqlite => {}
            format => return Err(RpmdbError::UnsupportedFormat { path: dbdir, format }),
        }
        let db = dbdir.join(SQLITE_FILE);
        let mut head = Vec::new();
        {
            use std::io::Read;
            fs_err::File::open(&db)?.take(20).read_to_end(&mut head)?;
        }
        if head.is_empty() {
            return Ok(empty(dbdir));
        }
        // Header bytes 18/19 (file format read/write version) are 2 in WAL mode.
        let wal_mode = head.get(18..20) == Some(&[2, 2][..]);
        if !wal_mode {
            let conn = connect(&db, "mode=ro")?;
            return Ok(Rpmdb { dbdir, mode: OpenMode::ReadOnly, conn: Some(conn), stamp: None, _snapshot: None });
        }
        let wal_len = stamp(&wal_path(&db)).map_or(0, |s| s.len);
        if wal_len == 0 {
            let before = stamp(&db);
            let conn = connect(&db, "mode=ro&immutable=1")?;
            return Ok(Rpmdb { dbdir, mode: OpenMode::Immutable, conn: Some(conn), stamp: before, _snapshot: None });
        }
        Self::open_snapshot(dbdir)
    }

    /// Copy the db and its WAL to a private directory and open the copy.
    fn open_snapshot(dbdir: PathBuf) -> Result<Rpmdb, RpmdbError> {
        let db = dbdir.join(SQLITE_FILE);
        let wal = wal_path(&db);
        for _ in 0..3 {
            let before = (stamp(&db), stamp(&wal));
            let tmp = TempDir::new()?;
            let copy = tmp.0.join(SQLITE_FILE);
            fs_err::copy(&db, &copy)?;
            if fs_err::metadata(&wal).is_ok() {
                fs_err::copy(&wal, wal_path(&copy))?;
            }
            if (stamp(&db), stamp(&wal)) != before {
                continue;
            }
            let conn = connect(&copy, "mode=ro")?;
            return Ok(Rpmdb { dbdir, mode: OpenMode::Snapshot, conn: Some(conn), stamp: None, _snapshot: Some(tmp) });
        }
        Err(RpmdbError::Changed { path: db })
    }

    /// The database directory.
    pub fn dbdir(&self) -> &Path {
        &self.dbdir
    }

    /// How the database was opened.
    pub fn mode(&self) -> OpenMode {
        self.mode
    }

    fn sql_err(&self, source: rusqlite::Error) -> RpmdbError {
        RpmdbError::Sqlite { path: self.dbdir.join(SQLITE_FILE), source }
    }

    /// Every `Packages(hnum, blob)` row, in hnum order, with bad rows
    /// reported in `warnings` instead of failing.
    pub fn headers(&self, warnings: &mut Vec<BadHeader>) -> Result<Vec<(u32, Header)>, RpmdbError> {
        let Some(conn) = &self.conn else { return Ok(Vec::new()) };
        let mut stmt = conn.prepare("SELECT hnum, blob FROM Packages ORDER BY hnum").map_err(|e| self.sql_err(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.sql_err(e))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| self.sql_err(e))? {
            let hnum: i64 = row.get(0).map_err(|e| self.sql_err(e))?;
            let bad = |reason: String| BadHeader { hnum, reason };
            let Ok(h32) = u32::try_from(hnum) else {
                warnings.push(bad("header number out of range".into()));
                continue;
            };
            match row.get::<_, Vec<u8>>(1) {
                Ok(blob) => match Header::from_blob(blob) {
                    Ok(h) => out.push((h32, h)),
                    Err(e) => warnings.push(bad(e.to_string())),
                },
                Err(e) => warnings.push(bad(format!("blob column: {e}"))),
            }
        }
        drop(rows);
        drop(stmt);
        if self.mode == OpenMode::Immutable && stamp(&self.dbdir.join(SQLITE_FILE)) != self.stamp {
            // A checkpoint rewrote the file under us: re-read from a snapshot.
            warnings.clear();
            return Self::open_snapshot(self.dbdir.clone())?.headers(warnings);
        }
        Ok(out)
    }

    /// The header stored as `hnum`, if any.
    pub fn header(&self, hnum: u32) -> Result<Option<Header>, RpmdbError> {
        let Some(conn) = &self.conn else { return Ok(None) };
        let blob: Option<Vec<u8>> =
            match conn.query_row("SELECT blob FROM Packages WHERE hnum = ?1", [hnum], |r| r.get(0)) {
                Ok(b) => Some(b),
                Err(rusqlite::Error::QueryReturnedNoRows) => None,
                Err(e) => return Err(self.sql_err(e)),
            };
        let Some(blob) = blob else { return Ok(None) };
        let path = self.dbdir.join(SQLITE_FILE);
        let h = Header::from_blob(blob).map_err(|source| RpmdbError::Header { path, hnum, source })?;
        Ok(Some(h))
    }

    /// All installed packages (gpg-pubkey pseudo-packages included), in hnum
    /// order. Corrupt headers are skipped and reported in `warnings`.
    pub fn packages(&self, warnings: &mut Vec<BadHeader>) -> Result<Vec<InstalledPackage>, RpmdbError> {
        let headers = self.headers(warnings)?;
        let mut out = Vec::with_capacity(headers.len());
        for (hnum, h) in headers {
            match header_to_package(&h) {
                Ok(package) => out.push(InstalledPackage {
                    hnum,
                    install_time: h.u32(RPMTAG_INSTALLTIME).map_or(0, i64::from),
                    install_tid: h.u32(RPMTAG_INSTALLTID).unwrap_or(0),
                    install_color: h.u32(RPMTAG_INSTALLCOLOR).unwrap_or(0),
                    package,
                }),
                Err(e) => warnings.push(BadHeader { hnum: i64::from(hnum), reason: e.to_string() }),
            }
        }
        Ok(out)
    }
}

/// `<db>-wal`.
fn wal_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_os_string();
    s.push("-wal");
    PathBuf::from(s)
}

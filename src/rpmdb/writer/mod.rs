//! A writer of rpm's `rpmdb.sqlite`, producing what rpm 4.18 itself writes
//! (`lib/backend/sqlite.c`, `lib/rpmdb.c`), so that the real `rpm` reads it.
//!
//! * [`header_build`]: the installed header (package region + merged
//!   signature tags + install-time tags);
//! * [`index`]: the index tables and the rows rpm writes per header;
//! * [`RpmdbWriter`]: schema, pragmas, rpm's transaction lock, and
//!   atomic adds/removes through [`WriterTxn`];
//! * [`update`]: FILESTATES rewrites ([`WriterTxn::set_file_states`]) and
//!   reading installed headers through the writer's own connection.
//!
//! # Readers while the writer is open
//!
//! The lock is rpm's *transaction* lock: rpm 4.18 takes it only in
//! `rpmtxnBegin` (transactions, `--initdb`, `--rebuilddb`, `--verifydb`),
//! never for a query, so `rpm -q` in the root (from a scriptlet, say) does
//! not wait for it. SQLite's WAL lets such a reader run while a
//! [`WriterTxn`] is open: it sees the last committed state. Our own reads
//! of installed headers during a transaction go through
//! [`RpmdbWriter::header`] / [`WriterTxn::header`] (no second connection).
//!
//! Files are created with mode 0644 whatever the process umask, as rpm does.

use std::fs::File;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::{BadHeader, SQLITE_FILE};
use crate::rpm::header::{Header, HeaderError};

pub mod header_build;
pub mod index;
pub mod update;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod update_tests;

pub use header_build::{BuildError, InstallInfo, installed_header};
pub use index::{INDEX_TABLES, IndexTable};

/// rpm's lock file inside the dbpath.
pub const LOCK_FILE: &str = ".rpm.lock";

/// Errors of the rpmdb writer; every variant names the database.
#[derive(Debug, thiserror::Error)]
pub enum WriterError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: cannot lock the rpm database: {source}")]
    Lock { path: PathBuf, source: nix::Error },
    #[error("{path}: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{path}: refusing to store an invalid header: {source}")]
    BadHeader { path: PathBuf, source: HeaderError },
    #[error("{path}: no package with header number {hnum}")]
    NoSuchPackage { path: PathBuf, hnum: u32 },
    #[error("{path}: header number {hnum} is out of range")]
    BadHnum { path: PathBuf, hnum: i64 },
    #[error("{path}: h#{hnum}: stored header is invalid: {source}")]
    StoredHeader {
        path: PathBuf,
        hnum: u32,
        source: HeaderError,
    },
    #[error("{path}: h#{hnum}: file index {index} is out of range (the package has {files} file states)")]
    FileIndex {
        path: PathBuf,
        hnum: u32,
        index: usize,
        files: usize,
    },
}

/// A read-write connection to `<dbdir>/rpmdb.sqlite`, holding rpm's
/// transaction lock (`<dbdir>/.rpm.lock`, `F_WRLCK`) until closed or dropped.
#[derive(Debug)]
pub struct RpmdbWriter {
    dbdir: PathBuf,
    db: PathBuf,
    conn: Connection,
    /// Holds the fcntl lock; released when the file is closed.
    _lock: File,
}

/// Open (creating if needed) `path` for reading and writing with mode 0644.
fn open_0644(path: &Path) -> std::io::Result<File> {
    let existed = path.exists();
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o644)
        .open(path)?;
    if !existed {
        // The umask may have cleared bits of 0644; rpm's files are 0644.
        f.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    Ok(f)
}

/// Take rpm's writer lock on `f`, waiting for another writer if needed.
fn lock_exclusive(f: &File) -> nix::Result<()> {
    let fl = libc::flock {
        l_type: libc::F_WRLCK as libc::c_short,
        l_whence: libc::SEEK_SET as libc::c_short,
        l_start: 0,
        l_len: 0,
        l_pid: 0,
    };
    match nix::fcntl::fcntl(f, nix::fcntl::FcntlArg::F_SETLK(&fl)) {
        Ok(_) => Ok(()),
        Err(nix::Error::EAGAIN | nix::Error::EACCES) => {
            nix::fcntl::fcntl(f, nix::fcntl::FcntlArg::F_SETLKW(&fl)).map(|_| ())
        }
        Err(e) => Err(e),
    }
}

/// Keep `-wal` (truncated) and `-shm` when the connection closes, as rpm
/// does (`SQLITE_FCNTL_PERSIST_WAL` in `sqlite_init`): unprivileged readers
/// cannot open a WAL database read-only without them.
fn persist_wal(conn: &Connection) -> rusqlite::Result<()> {
    let mut one: std::ffi::c_int = 1;
    // SAFETY: `conn.handle()` is the live connection owned by `conn`, used
    // only for this call; a NULL database name means "main"; for
    // SQLITE_FCNTL_PERSIST_WAL the argument is a pointer to an int that
    // SQLite reads and writes during the call only, and `one` outlives it.
    let rc = unsafe {
        rusqlite::ffi::sqlite3_file_control(
            conn.handle(),
            std::ptr::null(),
            rusqlite::ffi::SQLITE_FCNTL_PERSIST_WAL,
            (&raw mut one).cast(),
        )
    };
    if rc == rusqlite::ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rc), None))
    }
}

/// A key bound as TEXT (raw bytes, as rpm binds them) or BLOB.
struct Key<'a>(&'a [u8], bool);

impl rusqlite::ToSql for Key<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(if self.1 {
            ValueRef::Text(self.0)
        } else {
            ValueRef::Blob(self.0)
        }))
    }
}

/// rpm's `CREATE TABLE` / `CREATE INDEX` statements for every table.
fn schema_sql() -> String {
    let mut sql = String::from(
        "CREATE TABLE IF NOT EXISTS 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT,blob BLOB NOT NULL);\n",
    );
    for t in &INDEX_TABLES {
        let (n, kt) = (t.name, if t.text { "TEXT" } else { "BLOB" });
        sql += &format!(
            "CREATE TABLE IF NOT EXISTS '{n}' (key '{kt}' NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL, \
             FOREIGN KEY (hnum) REFERENCES 'Packages'(hnum));\n"
        );
        if t.text {
            sql += &format!("CREATE INDEX IF NOT EXISTS '{n}_key_idx' ON '{n}'(key ASC);\n");
        }
        if t.array {
            sql += &format!("CREATE INDEX IF NOT EXISTS '{n}_hnum_idx' ON '{n}'(hnum ASC);\n");
        }
    }
    sql
}

impl RpmdbWriter {
    /// Open or create the database in `dbdir` (created 0755 if missing),
    /// waiting for rpm's transaction lock like rpm does.
    pub fn open(dbdir: &Path) -> Result<RpmdbWriter, WriterError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| WriterError::Io { path, source }
        };
        if !dbdir.is_dir() {
            std::fs::create_dir_all(dbdir).map_err(io(dbdir))?;
            std::fs::set_permissions(dbdir, std::fs::Permissions::from_mode(0o755))
                .map_err(io(dbdir))?;
        }
        let lock_path = dbdir.join(LOCK_FILE);
        let lock = open_0644(&lock_path).map_err(io(&lock_path))?;
        lock_exclusive(&lock).map_err(|source| WriterError::Lock {
            path: lock_path.clone(),
            source,
        })?;
        let db = dbdir.join(SQLITE_FILE);
        // Pre-create the file so that it is 0644; SQLite gives -wal and -shm
        // the mode of the database file.
        drop(open_0644(&db).map_err(io(&db))?);
        let sq = |source| WriterError::Sqlite {
            path: db.clone(),
            source,
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&db, flags).map_err(sq)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(sq)?;
        conn.execute_batch(
            "PRAGMA secure_delete = OFF; PRAGMA case_sensitive_like = ON; \
             PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 10000; \
             PRAGMA synchronous = NORMAL;",
        )
        .map_err(sq)?;
        persist_wal(&conn).map_err(sq)?;
        conn.execute_batch(&format!("BEGIN;\n{}COMMIT;", schema_sql()))
            .map_err(sq)?;
        Ok(RpmdbWriter {
            dbdir: dbdir.to_path_buf(),
            db,
            conn,
            _lock: lock,
        })
    }

    /// The database directory.
    pub fn dbdir(&self) -> &Path {
        &self.dbdir
    }

    /// Start a transaction: its adds and removes are committed together by
    /// [`WriterTxn::commit`], and rolled back if it is dropped uncommitted.
    pub fn transaction(&mut self) -> Result<WriterTxn<'_>, WriterError> {
        let tx = self
            .conn
            .transaction()
            .map_err(|source| WriterError::Sqlite {
                path: self.db.clone(),
                source,
            })?;
        Ok(WriterTxn { db: &self.db, tx })
    }

    /// Add one header in its own transaction; returns its header number.
    pub fn add(&mut self, blob: &[u8]) -> Result<u32, WriterError> {
        let mut tx = self.transaction()?;
        let hnum = tx.add(blob)?;
        tx.commit()?;
        Ok(hnum)
    }

    /// Remove one package and its index rows in its own transaction.
    pub fn remove(&mut self, hnum: u32) -> Result<(), WriterError> {
        let mut tx = self.transaction()?;
        tx.remove(hnum)?;
        tx.commit()
    }

    /// Close as rpm does: `PRAGMA optimize` (writes `sqlite_stat1`) and
    /// `PRAGMA wal_checkpoint = TRUNCATE`, then release the lock.
    ///
    /// Our bundled SQLite is built with STAT4, so `optimize` also creates
    /// `sqlite_stat4`, which rpm's SQLite never does; it is dropped so the
    /// database has exactly rpm's tables (tools that walk every table, like
    /// `dump-rpmdb-index.sh`, would trip on it).
    pub fn close(self) -> Result<(), WriterError> {
        let sq = |source| WriterError::Sqlite {
            path: self.db.clone(),
            source,
        };
        self.conn
            .execute_batch("PRAGMA optimize; DROP TABLE IF EXISTS sqlite_stat4;")
            .map_err(sq)?;
        self.conn
            .query_row("PRAGMA wal_checkpoint = TRUNCATE", [], |_| Ok(()))
            .map_err(sq)?;
        self.conn.close().map_err(|(_, source)| sq(source))
    }
}

/// An open write transaction of an [`RpmdbWriter`].
#[derive(Debug)]
pub struct WriterTxn<'a> {
    db: &'a Path,
    tx: rusqlite::Transaction<'a>,
}

impl WriterTxn<'_> {
    fn sq(&self) -> impl Fn(rusqlite::Error) -> WriterError + '_ {
        |source| WriterError::Sqlite {
            path: self.db.to_path_buf(),
            source,
        }
    }

    /// Insert `blob` (an installed header, see [`installed_header`]) into
    /// `Packages` and every index row rpm writes for it; returns the new
    /// header number (AUTOINCREMENT: never reused).
    pub fn add(&mut self, blob: &[u8]) -> Result<u32, WriterError> {
        let h = Header::from_blob(blob.to_vec()).map_err(|source| WriterError::BadHeader {
            path: self.db.to_path_buf(),
            source,
        })?;
        let sq = self.sq();
        self.tx
            .prepare_cached("INSERT INTO 'Packages' VALUES(NULL, ?)")
            .map_err(&sq)?
            .execute([blob])
            .map_err(&sq)?;
        let rowid = self.tx.last_insert_rowid();
        let hnum = u32::try_from(rowid).map_err(|_| WriterError::BadHnum {
            path: self.db.to_path_buf(),
            hnum: rowid,
        })?;
        for t in &INDEX_TABLES {
            let rows = index::rows(&h, t);
            if rows.is_empty() {
                continue;
            }
            let mut st = self
                .tx
                .prepare_cached(&format!("INSERT INTO '{}' VALUES(?, ?, ?)", t.name))
                .map_err(&sq)?;
            for (key, idx) in &rows {
                st.execute(params![Key(key, t.text), hnum, idx])
                    .map_err(&sq)?;
            }
        }
        Ok(hnum)
    }

    /// Delete package `hnum` and its rows in every index table.
    pub fn remove(&mut self, hnum: u32) -> Result<(), WriterError> {
        let sq = self.sq();
        let found: Option<i64> = self
            .tx
            .query_row("SELECT hnum FROM 'Packages' WHERE hnum = ?", [hnum], |r| {
                r.get(0)
            })
            .optional()
            .map_err(&sq)?;
        if found.is_none() {
            return Err(WriterError::NoSuchPackage {
                path: self.db.to_path_buf(),
                hnum,
            });
        }
        for t in &INDEX_TABLES {
            self.tx
                .prepare_cached(&format!("DELETE FROM '{}' WHERE hnum=?", t.name))
                .map_err(&sq)?
                .execute([hnum])
                .map_err(&sq)?;
        }
        self.tx
            .prepare_cached("DELETE FROM 'Packages' WHERE hnum=?")
            .map_err(&sq)?
            .execute([hnum])
            .map_err(&sq)?;
        Ok(())
    }

    /// Commit everything added and removed in this transaction.
    pub fn commit(self) -> Result<(), WriterError> {
        let path = self.db.to_path_buf();
        self.tx
            .commit()
            .map_err(|source| WriterError::Sqlite { path, source })
    }
}

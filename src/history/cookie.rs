//! rpm's database cookie and the installed NEVRAs, read from an rpmdb
//! directory without ever writing to it.
//!
//! `rpmdbCookie()` (rpm 4.18 `lib/rpmdb.c`) is the SHA-256, in lowercase
//! hex, of the `Name` index walked key by key: for every distinct key (in
//! the backend's order, `SELECT DISTINCT key FROM 'Name' ORDER BY key`) the
//! key's bytes, then the header numbers filed under it (`SELECT hnum, idx
//! FROM 'Name' WHERE key=?`, in the order sqlite returns them) as native
//! `unsigned int`s. We run the same two statements, so the order is the
//! one rpm sees. A missing database hashes nothing: rpm creates an empty
//! database when it opens a missing one, and its cookie is that digest.

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};

use super::HistoryError;
use crate::rpm::Header;
use crate::rpm::tags::{RPMTAG_ARCH, RPMTAG_EPOCH, RPMTAG_NAME, RPMTAG_RELEASE, RPMTAG_VERSION};
use crate::rpmdb::{DbFormat, Rpmdb, SQLITE_FILE};

/// rpm's database cookie for the database in `dbdir` (rpm's `%_dbpath`
/// inside the root), equal to `rpm.TransactionSet(root).dbCookie()`.
pub fn rpmdb_cookie(dbdir: &Path) -> Result<String, HistoryError> {
    let db = dbdir.join(SQLITE_FILE);
    if std::fs::metadata(&db).map_or(true, |m| !m.is_file() || m.len() == 0) {
        return Ok(hex::encode(Sha256::new().finalize()));
    }
    let run = |params: &str| -> rusqlite::Result<String> {
        let conn = connect(&db, params)?;
        let mut hasher = Sha256::new();
        hash_names(&conn, &mut hasher)?;
        Ok(hex::encode(hasher.finalize()))
    };
    // Read-only, as rpm opens it for a query; a WAL database whose `-shm`
    // cannot be set up read-only is read as immutable (the caller holds
    // the transaction lock, so nobody writes it meanwhile).
    run("mode=ro").or_else(|_| run("mode=ro&immutable=1")).map_err(|source| HistoryError::Sqlite { path: db.clone(), source })
}

fn connect(db: &Path, params: &str) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut uri = String::from("file:");
    for &b in std::os::unix::ffi::OsStrExt::as_bytes(db.as_os_str()) {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push('?');
    uri.push_str(params);
    let conn = Connection::open_with_flags(uri, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

fn hash_names(conn: &Connection, hasher: &mut Sha256) -> rusqlite::Result<()> {
    let exists: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='Name'", [], |r| r.get(0))?;
    if exists == 0 {
        return Ok(());
    }
    let mut keys = conn.prepare("SELECT DISTINCT key FROM 'Name' ORDER BY key")?;
    let mut per_key = conn.prepare("SELECT hnum, idx FROM 'Name' WHERE key=?")?;
    let mut rows = keys.query([])?;
    while let Some(row) = rows.next()? {
        let key: Vec<u8> = match row.get_ref(0)? {
            ValueRef::Text(t) | ValueRef::Blob(t) => t.to_vec(),
            _ => continue,
        };
        hasher.update(&key);
        // rpm binds a TEXT index key as text.
        let bound = rusqlite::types::Value::Text(String::from_utf8_lossy(&key).into_owned());
        let mut hits = per_key.query([bound])?;
        while let Some(hit) = hits.next()? {
            let hnum: i64 = hit.get(0)?;
            // `unsigned int` in memory, as rpm hashes its offsets array.
            hasher.update((hnum as u32).to_ne_bytes());
        }
    }
    Ok(())
}

/// rpm's `%{NEVRA}` of a header: `name-[epoch:]version-release[.arch]`
/// (no `.arch` for gpg-pubkey pseudo-packages, which have none).
pub fn rpm_nevra(h: &Header) -> String {
    let mut s = String::new();
    if let Some(n) = h.string_lossy(RPMTAG_NAME) {
        s.push_str(&n);
        s.push('-');
    }
    if let Some(e) = h.u32(RPMTAG_EPOCH) {
        s.push_str(&format!("{e}:"));
    }
    if let Some(v) = h.string_lossy(RPMTAG_VERSION) {
        s.push_str(&v);
        s.push('-');
    }
    if let Some(r) = h.string_lossy(RPMTAG_RELEASE) {
        s.push_str(&r);
    }
    if let Some(a) = h.string_lossy(RPMTAG_ARCH) {
        s.push('.');
        s.push_str(&a);
    }
    s
}

/// Every installed package's NEVRA, gpg-pubkey entries included, in header
/// number order (rpm's `RPMDBI_PACKAGES` iteration, which tdnf records).
pub fn installed_nevras(dbdir: &Path) -> Result<Vec<String>, HistoryError> {
    if crate::rpmdb::detect(dbdir) == DbFormat::None {
        return Ok(Vec::new());
    }
    let err = |source| HistoryError::RpmdbRead { path: dbdir.to_path_buf(), source };
    let db = Rpmdb::open(dbdir).map_err(err)?;
    let mut warnings = Vec::new();
    let headers = db.headers(&mut warnings).map_err(err)?;
    Ok(headers.iter().map(|(_, h)| rpm_nevra(h)).collect())
}

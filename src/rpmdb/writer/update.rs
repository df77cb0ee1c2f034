//! Rewriting and reading installed headers through the writer's connection.
//!
//! # FILESTATES rewrite (rpm 4.18 `lib/psm.c markReplacedFiles`)
//!
//! rpm iterates the affected headers with a rewrite iterator
//! (`rpmdbSetIteratorRewrite`), changes the FILESTATES bytes through the
//! `HEADERGET_MINMEM` pointer, i.e. *in the imported blob's own memory*, and
//! when the iterator moves on `miFreeHeader` re-exports the header
//! (`headerExport` → `doExport`) and stores it with `pkgdbPut`, which for
//! sqlite is `INSERT OR REPLACE INTO 'Packages' VALUES(hnum, blob)`.
//!
//! `doExport` of a v4 header copies the region's index, the entries
//! "dribbled" after it (everything rpm appended at install, FILESTATES
//! included) and their data verbatim from that memory; nothing is sorted,
//! re-padded or re-encoded. So the stored blob is the old blob with the
//! changed FILESTATES bytes, at the same header number. No index table is
//! touched (`DB_CTRL_INDEXSYNC` is a no-op for sqlite, and FILESTATES is not
//! an indexed tag). A header whose states are already as asked is not
//! rewritten (rpm marks the iterator modified only on a change).

use rusqlite::OptionalExtension;

use super::{BadHeader, RpmdbWriter, WriterError, WriterTxn};
use crate::rpm::header::Header;
use crate::rpm::tags::{RPM_CHAR_TYPE, RPM_INT8_TYPE, RPMTAG_FILESTATES};

/// The blob of `hnum` on `conn`, if there is one.
fn blob(conn: &rusqlite::Connection, hnum: u32) -> rusqlite::Result<Option<Vec<u8>>> {
    conn.prepare_cached("SELECT blob FROM 'Packages' WHERE hnum = ?")?
        .query_row([hnum], |r| r.get(0))
        .optional()
}

/// Parse the stored blob of `hnum`.
fn parse(db: &std::path::Path, hnum: u32, blob: Vec<u8>) -> Result<Header, WriterError> {
    Header::from_blob(blob).map_err(|source| WriterError::StoredHeader {
        path: db.to_path_buf(),
        hnum,
        source,
    })
}

/// Every `Packages` row of `conn` in hnum order; unreadable rows go to `warnings`.
fn all_headers(
    conn: &rusqlite::Connection,
    db: &std::path::Path,
    warnings: &mut Vec<BadHeader>,
) -> Result<Vec<(u32, Header)>, WriterError> {
    let sq = |source| WriterError::Sqlite {
        path: db.to_path_buf(),
        source,
    };
    let mut st = conn
        .prepare_cached("SELECT hnum, blob FROM 'Packages' ORDER BY hnum")
        .map_err(sq)?;
    let mut rows = st.query([]).map_err(sq)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(sq)? {
        let hnum: i64 = row.get(0).map_err(sq)?;
        let bad = |reason: String| BadHeader { hnum, reason };
        let Ok(h32) = u32::try_from(hnum) else {
            warnings.push(bad("header number out of range".into()));
            continue;
        };
        match row.get::<_, Vec<u8>>(1) {
            Ok(b) => match Header::from_blob(b) {
                Ok(h) => out.push((h32, h)),
                Err(e) => warnings.push(bad(e.to_string())),
            },
            Err(e) => warnings.push(bad(format!("blob column: {e}"))),
        }
    }
    Ok(out)
}

impl RpmdbWriter {
    /// The installed header `hnum`, read through the writer's connection
    /// (committed state; `None` if there is no such package).
    pub fn header(&self, hnum: u32) -> Result<Option<Header>, WriterError> {
        let b = blob(&self.conn, hnum).map_err(|source| WriterError::Sqlite {
            path: self.db.clone(),
            source,
        })?;
        b.map(|b| parse(&self.db, hnum, b)).transpose()
    }

    /// Every installed header in hnum order; rows that do not parse are
    /// skipped and reported in `warnings`, as [`crate::rpmdb::Rpmdb::headers`] does.
    pub fn headers(
        &self,
        warnings: &mut Vec<BadHeader>,
    ) -> Result<Vec<(u32, Header)>, WriterError> {
        all_headers(&self.conn, &self.db, warnings)
    }
}

impl WriterTxn<'_> {
    /// The header `hnum` as this transaction sees it (its own adds,
    /// removes and rewrites included).
    pub fn header(&self, hnum: u32) -> Result<Option<Header>, WriterError> {
        let b = blob(&self.tx, hnum).map_err(self.sq())?;
        b.map(|b| parse(self.db, hnum, b)).transpose()
    }

    /// Every header as this transaction sees it; see [`RpmdbWriter::headers`].
    pub fn headers(
        &self,
        warnings: &mut Vec<BadHeader>,
    ) -> Result<Vec<(u32, Header)>, WriterError> {
        all_headers(&self.tx, self.db, warnings)
    }

    /// Set FILESTATES entries of installed package `hnum`: each
    /// `(file_index, state)` (states from [`crate::rpm::filelist::state`]),
    /// as rpm's `markReplacedFiles` does. The header keeps its number and
    /// index rows; its blob is what rpm 4.18 would store (see the module
    /// documentation). Fails, changing nothing, if `hnum` is not installed
    /// or an index is not below the header's file count.
    pub fn set_file_states(
        &mut self,
        hnum: u32,
        states: &[(usize, u8)],
    ) -> Result<(), WriterError> {
        let sq = self.sq();
        let Some(mut bytes) = blob(&self.tx, hnum).map_err(&sq)? else {
            return Err(WriterError::NoSuchPackage {
                path: self.db.to_path_buf(),
                hnum,
            });
        };
        let h = parse(self.db, hnum, bytes.clone())?;
        // rpmtdGetChar reads CHAR and INT8 entries alike.
        let entry = h
            .entry(RPMTAG_FILESTATES)
            .filter(|e| e.typ == RPM_CHAR_TYPE || e.typ == RPM_INT8_TYPE);
        let files = entry.map_or(0, |e| e.count as usize);
        let start = 8 + h.entries().len() * 16 + entry.map_or(0, |e| e.offset as usize);
        let mut changed = false;
        for &(index, state) in states {
            let slot = (index < files)
                .then(|| bytes.get_mut(start + index))
                .flatten()
                .ok_or_else(|| WriterError::FileIndex {
                    path: self.db.to_path_buf(),
                    hnum,
                    index,
                    files,
                })?;
            changed |= *slot != state;
            *slot = state;
        }
        if !changed {
            return Ok(());
        }
        self.tx
            .prepare_cached("INSERT OR REPLACE INTO 'Packages' VALUES(?, ?)")
            .map_err(&sq)?
            .execute(rusqlite::params![hnum, bytes])
            .map_err(&sq)?;
        Ok(())
    }
}

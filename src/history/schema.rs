//! The tables of `history.db` and the rows tdnf writes.
//!
//! The CREATE statements are tdnf's text to the byte (sqlite keeps the text
//! in `sqlite_master`, so `.schema` shows it), and tables are created when
//! tdnf creates them: `rpms` on the first sync, `transactions` and
//! `trans_items` with the first row, `names` and `flag_set` with the first
//! auto flag. `sqlite_sequence` appears with the first AUTOINCREMENT table.

use std::collections::BTreeSet;
use std::io;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use rusqlite::{OptionalExtension, params};

use super::{HResult, History};

/// `rpms(Id, nevra)`: every NEVRA ever seen.
pub const CREATE_RPMS: &str = "CREATE TABLE IF NOT EXISTS rpms(Id INTEGER PRIMARY KEY AUTOINCREMENT,nevra TEXT);";
/// `names(Id, name)`: package names with auto flags.
pub const CREATE_NAMES: &str = "CREATE TABLE IF NOT EXISTS names(Id INTEGER PRIMARY KEY AUTOINCREMENT,name TEXT);";
/// `flag_set(Id, trans_id, name_id, value)`: auto flag changes.
pub const CREATE_FLAG_SET: &str = "CREATE TABLE IF NOT EXISTS flag_set(Id INTEGER PRIMARY KEY AUTOINCREMENT,trans_id INTEGER,name_id INTEGER,value INTEGER);";
/// `transactions(Id, cookie, cmdline, timestamp, type)`.
pub const CREATE_TRANSACTIONS: &str = "CREATE TABLE IF NOT EXISTS transactions(Id INTEGER PRIMARY KEY AUTOINCREMENT,cookie TEXT,cmdline TEXT,timestamp INTEGER, type INTEGER);";
/// `trans_items(Id, trans_id, type, rpm_id)`.
pub const CREATE_TRANS_ITEMS: &str = "CREATE TABLE IF NOT EXISTS trans_items(Id INTEGER PRIMARY KEY AUTOINCREMENT,trans_id INTEGER,type INTEGER,rpm_id INTEGER);";

/// `transactions.type`: a BASE snapshot (`(set)`).
pub const TRANS_BASE: i64 = 0;
/// `transactions.type`: a DELTA.
pub const TRANS_DELTA: i64 = 1;
/// `trans_items.type`: member of a BASE set.
pub const ITEM_SET: i64 = 0;
/// `trans_items.type`: added.
pub const ITEM_ADD: i64 = 1;
/// `trans_items.type`: removed.
pub const ITEM_REMOVE: i64 = 2;

/// Create an empty database file with mode 0644, whatever the umask.
pub(crate) fn create_file(path: &Path) -> io::Result<()> {
    let f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o644).open(path);
    let f = match f {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => return Err(e),
    };
    f.set_permissions(std::fs::Permissions::from_mode(0o644))
}

/// Seconds since the epoch, for `transactions.timestamp`.
fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

impl History {
    /// Whether `table` exists.
    pub(crate) fn table_exists(&self, table: &str) -> HResult<bool> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?1", [table], |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        Ok(n > 0)
    }

    /// The newest transaction's id and cookie.
    pub(crate) fn last_transaction(&self) -> HResult<Option<(i64, Option<String>)>> {
        if !self.table_exists("transactions")? {
            return Ok(None);
        }
        self.conn
            .query_row("SELECT Id, cookie FROM transactions ORDER BY Id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Look `value` up in a dictionary table, adding it when `create`.
    pub(crate) fn dict_id(&self, table: &str, field: &str, value: &str, create: bool) -> HResult<Option<i64>> {
        let sql = format!("SELECT Id FROM {table} WHERE {field} = ?1");
        let found: Option<i64> = self.conn.query_row(&sql, [value], |r| r.get(0)).optional().map_err(|e| self.sql(e))?;
        if found.is_some() || !create {
            return Ok(found);
        }
        let sql = format!("INSERT INTO {table}({field}) VALUES (?1)");
        self.conn.execute(&sql, [value]).map_err(|e| self.sql(e))?;
        Ok(Some(self.conn.last_insert_rowid()))
    }

    /// tdnf's `db_update_rpms`: make sure `rpms` knows every NEVRA; their ids.
    pub(crate) fn add_nevras(&self, nevras: &[String]) -> HResult<Vec<i64>> {
        self.conn.execute_batch(CREATE_RPMS).map_err(|e| self.sql(e))?;
        let mut ids = Vec::with_capacity(nevras.len());
        for n in nevras {
            if let Some(id) = self.dict_id("rpms", "nevra", n, true)? {
                ids.push(id);
            }
        }
        ids.sort_unstable();
        Ok(ids)
    }

    /// `INSERT INTO transactions`; the new id.
    pub(crate) fn insert_transaction(&self, cmdline: &str, cookie: Option<&str>, kind: i64) -> HResult<i64> {
        self.conn
            .execute(
                "INSERT INTO transactions(cmdline, cookie, timestamp, type) VALUES (?, ?, ?, ?);",
                params![cmdline, cookie, now(), kind],
            )
            .map_err(|e| self.sql(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    fn insert_items(&self, trans_id: i64, kind: i64, ids: &BTreeSet<i64>) -> HResult<()> {
        let mut stmt = self
            .conn
            .prepare_cached("INSERT INTO trans_items(trans_id, type, rpm_id) VALUES (?, ?, ?);")
            .map_err(|e| self.sql(e))?;
        for id in ids {
            stmt.execute(params![trans_id, kind, id]).map_err(|e| self.sql(e))?;
        }
        Ok(())
    }

    /// tdnf's `history_record_state`: the BASE row `(set)` of `installed`.
    pub(crate) fn record_base(&mut self) -> HResult<()> {
        let tx = self.conn.unchecked_transaction().map_err(|e| self.sql(e))?;
        self.conn.execute_batch(CREATE_TRANSACTIONS).map_err(|e| self.sql(e))?;
        let id = self.insert_transaction("(set)", self.cookie.as_deref(), TRANS_BASE)?;
        self.conn.execute_batch(CREATE_TRANS_ITEMS).map_err(|e| self.sql(e))?;
        self.insert_items(id, ITEM_SET, &self.installed)?;
        tx.commit().map_err(|e| self.sql(e))?;
        self.trans_id = id;
        Ok(())
    }

    /// tdnf's `history_update_state`: when `cookie` differs from the stored
    /// one (or `always_row`), a DELTA row with what changed from our state
    /// to `installed`. Returns whether a row was written.
    pub(crate) fn update_state(&mut self, cmdline: &str, cookie: &str, installed: &[String], always_row: bool) -> HResult<bool> {
        if self.cookie.as_deref() == Some(cookie) && !always_row {
            return Ok(false);
        }
        if self.last_transaction()?.is_none() {
            return Err(super::HistoryError::Corrupt("no baseline: sync before recording a transaction".into()));
        }
        let tx = self.conn.unchecked_transaction().map_err(|e| self.sql(e))?;
        let current: BTreeSet<i64> = self.add_nevras(installed)?.into_iter().collect();
        let added: BTreeSet<i64> = current.difference(&self.installed).copied().collect();
        let removed: BTreeSet<i64> = self.installed.difference(&current).copied().collect();
        let id = self.insert_transaction(cmdline, Some(cookie), TRANS_DELTA)?;
        self.conn.execute_batch(CREATE_TRANS_ITEMS).map_err(|e| self.sql(e))?;
        self.insert_items(id, ITEM_ADD, &added)?;
        self.insert_items(id, ITEM_REMOVE, &removed)?;
        tx.commit().map_err(|e| self.sql(e))?;
        self.installed = current;
        self.cookie = Some(cookie.to_string());
        self.trans_id = id;
        Ok(true)
    }
}

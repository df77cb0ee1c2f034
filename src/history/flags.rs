//! Auto-installed flags: `names` + `flag_set`, where the last row at or
//! before a transaction wins and no row means "user installed" (0).

use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, params};

use super::schema::{CREATE_FLAG_SET, CREATE_NAMES};
use super::{HResult, History, HistoryError};
use crate::config::Settings;

impl History {
    fn has_flag_tables(&self) -> HResult<bool> {
        Ok(self.table_exists("flag_set")? && self.table_exists("names")?)
    }

    /// tdnf's `db_get_auto_flag_byid`.
    fn flag_by_id(&self, name_id: i64, n: i64) -> HResult<bool> {
        let v: Option<i64> = self
            .conn
            .query_row(
                "SELECT value FROM flag_set WHERE name_id = ? AND trans_id <= ? ORDER BY Id DESC LIMIT 1",
                params![name_id, n],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        Ok(v.is_some_and(|v| v != 0))
    }

    /// Whether `name` is flagged auto-installed as of transaction `n`.
    pub fn flag_at(&self, name: &str, n: i64) -> HResult<bool> {
        if !self.has_flag_tables()? {
            return Ok(false);
        }
        match self.dict_id("names", "name", name, false)? {
            Some(id) => self.flag_by_id(id, n),
            None => Ok(false),
        }
    }

    /// tdnf's `history_set_auto_flag`: write `(name, auto)` on the newest
    /// transaction, only when it changes the value in force there.
    pub fn set_auto_flag(&mut self, name: &str, auto: bool) -> HResult<()> {
        if self.trans_id <= 0 {
            return Err(HistoryError::Corrupt("no transaction to attach a flag to".into()));
        }
        if self.flag_at(name, self.trans_id)? == auto {
            return Ok(());
        }
        self.conn.execute_batch(CREATE_NAMES).map_err(|e| self.sql(e))?;
        let Some(name_id) = self.dict_id("names", "name", name, true)? else {
            return Err(HistoryError::Corrupt(format!("cannot add name {name}")));
        };
        self.conn.execute_batch(CREATE_FLAG_SET).map_err(|e| self.sql(e))?;
        self.conn
            .execute(
                "INSERT INTO flag_set(trans_id, name_id, value) VALUES (?, ?, ?);",
                params![self.trans_id, name_id, i64::from(auto)],
            )
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// [`History::set_auto_flag`] for each `(name, auto)`, in order.
    pub fn set_flags(&mut self, flags: &[(String, bool)]) -> HResult<()> {
        for (name, auto) in flags {
            self.set_auto_flag(name, *auto)?;
        }
        Ok(())
    }

    /// `names.Id → name`, by id.
    fn names(&self) -> HResult<Vec<(i64, String)>> {
        if !self.has_flag_tables()? {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare("SELECT Id, name FROM names ORDER BY Id").map_err(|e| self.sql(e))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, Option<String>>(1)?.unwrap_or_default())));
        rows.map_err(|e| self.sql(e))?.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Every flagged name and its value as of transaction `n`.
    pub fn flags_at(&self, n: i64) -> HResult<HashMap<String, bool>> {
        let mut out = HashMap::new();
        for (id, name) in self.names()? {
            out.insert(name, self.flag_by_id(id, n)?);
        }
        Ok(out)
    }

    /// Names flagged auto-installed now (as of the newest transaction).
    pub fn auto_installed(&self) -> HResult<HashSet<String>> {
        let flags = self.flags_at(self.trans_id)?;
        Ok(flags.into_iter().filter(|(_, auto)| *auto).map(|(n, _)| n).collect())
    }

    /// tdnf's `history_get_flags_delta(from, to)`: names whose flag differs
    /// between `from` and `to` and whose value at `to` is not already the
    /// newest one, with that value; by name id.
    pub fn flags_delta(&self, from: i64, to: i64) -> HResult<Vec<(String, bool)>> {
        let mut out = Vec::new();
        for (id, name) in self.names()? {
            let (a, b) = (self.flag_by_id(id, from)?, self.flag_by_id(id, to)?);
            if a != b && b != self.flag_by_id(id, self.trans_id)? {
                out.push((name, b));
            }
        }
        Ok(out)
    }
}

/// Names flagged auto-installed in the history database of `settings`
/// (an absent database flags nothing).
pub fn auto_installed_names(settings: &Settings) -> crate::error::Result<HashSet<String>> {
    match History::open(settings, false)? {
        Some(h) => Ok(h.auto_installed()?),
        None => Ok(HashSet::new()),
    }
}

//! Replaying the history: the package set after a transaction, and the
//! transaction list `history list` prints.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{OptionalExtension, params};

use super::schema::{ITEM_ADD, ITEM_REMOVE, ITEM_SET, TRANS_BASE};
use super::{HResult, History, HistoryError};

/// One row of `history list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionInfo {
    pub id: i64,
    /// `(set)`, `(unknown)`, or argv\[1..\] joined; `(none)` when NULL.
    pub cmdline: String,
    pub timestamp: i64,
    /// 0 BASE, 1 DELTA.
    pub kind: i64,
    pub cookie: Option<String>,
    /// NEVRAs added (for a BASE row: its whole set), by rpm id.
    pub added: Vec<String>,
    /// NEVRAs removed, by rpm id.
    pub removed: Vec<String>,
}

impl History {
    /// `rpms.Id → nevra`.
    pub(crate) fn nevra_map(&self) -> HResult<HashMap<i64, String>> {
        if !self.table_exists("rpms")? {
            return Ok(HashMap::new());
        }
        let mut stmt = self.conn.prepare("SELECT Id, nevra FROM rpms").map_err(|e| self.sql(e))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, Option<String>>(1)?))).map_err(|e| self.sql(e))?;
        let mut map = HashMap::new();
        for row in rows {
            let (id, nevra) = row.map_err(|e| self.sql(e))?;
            map.insert(id, nevra.unwrap_or_default());
        }
        Ok(map)
    }

    /// The NEVRAs of a set of rpm ids.
    pub(crate) fn nevras_of(&self, ids: &BTreeSet<i64>) -> HResult<BTreeSet<String>> {
        let map = self.nevra_map()?;
        ids.iter()
            .map(|id| map.get(id).cloned().ok_or_else(|| HistoryError::Corrupt(format!("unknown rpm id {id}"))))
            .collect()
    }

    /// `(type, rpm_id)` of one transaction's items, by rpm id.
    fn items(&self, trans_id: i64) -> HResult<Vec<(i64, i64)>> {
        if !self.table_exists("trans_items")? {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT type, rpm_id FROM trans_items WHERE trans_id = ? ORDER BY rpm_id;")
            .map_err(|e| self.sql(e))?;
        let rows = stmt.query_map([trans_id], |r| Ok((r.get(0)?, r.get(1)?))).map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// tdnf's `db_play_transaction`: the latest BASE at or before `n`, then
    /// every delta after it up to `n`.
    pub(crate) fn state_ids_at(&self, n: i64) -> HResult<BTreeSet<i64>> {
        let base: Option<i64> = if self.table_exists("transactions")? {
            self.conn
                .query_row(
                    "SELECT Id FROM transactions WHERE type = ? AND Id <= ? ORDER BY Id DESC LIMIT 1",
                    params![TRANS_BASE, n],
                    |r| r.get(0),
                )
                .optional()
                .map_err(|e| self.sql(e))?
        } else {
            None
        };
        let Some(base) = base else {
            return Err(HistoryError::InvalidArgument(format!("no base set at or before transaction {n}")));
        };
        let mut set = BTreeSet::new();
        for (kind, id) in self.items(base)? {
            if kind != ITEM_SET {
                return Err(HistoryError::Corrupt(format!("item of type {kind} in base set {base}")));
            }
            set.insert(id);
        }
        for t in base + 1..=n {
            for (kind, id) in self.items(t)? {
                match kind {
                    ITEM_ADD => set.insert(id),
                    ITEM_REMOVE => set.remove(&id),
                    _ => return Err(HistoryError::Corrupt(format!("item of type {kind} in delta {t}"))),
                };
            }
        }
        Ok(set)
    }

    /// The package set (NEVRAs) after transaction `n`.
    pub fn state_at(&self, n: i64) -> HResult<BTreeSet<String>> {
        let ids = self.state_ids_at(n)?;
        self.nevras_of(&ids)
    }

    /// tdnf's `history_get_transactions`: every transaction, or those with
    /// ids in `from..=to` when both are given; newest first with `reverse`.
    pub fn list(&self, from: Option<i64>, to: Option<i64>, reverse: bool) -> HResult<Vec<TransactionInfo>> {
        if self.last_transaction()?.is_none() {
            return Err(HistoryError::Corrupt("the database holds no transactions".into()));
        }
        let order = if reverse { " DESC" } else { "" };
        let cols = "SELECT Id, cookie, cmdline, timestamp, type FROM transactions";
        let (sql, bounds) = match (from, to) {
            (Some(f), Some(t)) if f != 0 && t != 0 => {
                if f > t {
                    return Err(HistoryError::InvalidArgument(format!("range {f}-{t}")));
                }
                (format!("{cols} WHERE Id BETWEEN ?1 AND ?2 ORDER BY Id{order}"), Some((f, t)))
            }
            _ => (format!("{cols} ORDER BY Id{order}"), None),
        };
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.sql(e))?;
        let map_row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<TransactionInfo> {
            Ok(TransactionInfo {
                id: r.get(0)?,
                cookie: r.get(1)?,
                cmdline: r.get::<_, Option<String>>(2)?.unwrap_or_else(|| "(none)".to_string()),
                timestamp: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
                kind: r.get::<_, Option<i64>>(4)?.unwrap_or(0),
                added: Vec::new(),
                removed: Vec::new(),
            })
        };
        let rows = match bounds {
            Some((f, t)) => stmt.query_map([f, t], map_row),
            None => stmt.query_map([], map_row),
        };
        let mut out: Vec<TransactionInfo> =
            rows.map_err(|e| self.sql(e))?.collect::<Result<_, _>>().map_err(|e| self.sql(e))?;
        let names = self.nevra_map()?;
        let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
        for t in &mut out {
            for (kind, id) in self.items(t.id)? {
                match kind {
                    ITEM_ADD | ITEM_SET => t.added.push(name(id)),
                    ITEM_REMOVE => t.removed.push(name(id)),
                    _ => {}
                }
            }
        }
        Ok(out)
    }
}

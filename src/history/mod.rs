//! tdnf's history database (`<root>/<persistdir>/history.db`), written and
//! read exactly as tdnf 3.6's `history/history.c` does, so that either
//! implementation can continue the other's history (spec §6).
//!
//! * [`schema`]: the five tables, created lazily in tdnf's order;
//! * [`cookie`]: rpm's database cookie and the rpmdb's NEVRAs;
//! * [`state`]: replaying BASE sets and DELTA rows, the transaction list;
//! * [`flags`]: auto-installed flags (`names` + `flag_set`);
//! * [`targets`]: what `history undo/redo/rollback` must install and erase.
//!
//! The model: transaction 1 is a BASE row `(set)` listing every installed
//! NEVRA; every later row is a DELTA (items ADD/REMOVE). The package set
//! after transaction N is the last BASE at or before N replayed with the
//! deltas up to N. Before a tdnf transaction, [`History::sync`] compares the
//! stored cookie with the rpmdb's and records `(unknown)` for changes made
//! outside tdnf; after it, [`History::record`] (or [`History::record_rpmdb`])
//! writes the DELTA row and the auto flags.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::config::Settings;
use crate::error::{Code, Error};

pub mod cookie;
pub mod flags;
pub mod schema;
pub mod state;
pub mod targets;

#[cfg(test)]
mod tests;

pub use cookie::{installed_nevras, rpm_nevra, rpmdb_cookie};
pub use flags::auto_installed_names;
pub use state::TransactionInfo;
pub use targets::{HistoryOp, Targets};

/// The database's file name inside `persistdir`.
pub const HISTORY_DB_FILE: &str = "history.db";

/// Errors of the history database.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{}: {source}", path.display())]
    Sqlite { path: PathBuf, source: rusqlite::Error },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("cannot read the rpm database in {}: {source}", path.display())]
    RpmdbRead { path: PathBuf, source: crate::rpmdb::RpmdbError },
    /// `history list`/`mark` without a database (tdnf's 1802).
    #[error("History database does not exist ({})", path.display())]
    NoDb { path: PathBuf },
    /// Bad transaction ids or ranges (tdnf's 1622).
    #[error("Invalid argument: {0}")]
    InvalidArgument(String),
    /// A database that does not hold what tdnf writes (tdnf's 1801).
    #[error("History database error: {0}")]
    Corrupt(String),
}

impl From<HistoryError> for Error {
    fn from(e: HistoryError) -> Error {
        let code = match &e {
            HistoryError::NoDb { .. } => Code::HistoryNodb,
            HistoryError::InvalidArgument(_) => Code::Einval,
            // tdnf's ERROR_TDNF_HISTORY_ERROR (1801) has no entry in
            // error::Code yet; Eio is the nearest.
            _ => Code::Eio,
        };
        let message = match &e {
            HistoryError::NoDb { .. } => Code::HistoryNodb.message().to_string(),
            HistoryError::InvalidArgument(_) => Code::Einval.message().to_string(),
            other => other.to_string(),
        };
        Error::new(code, message).with_source(e)
    }
}

pub(crate) type HResult<T> = std::result::Result<T, HistoryError>;

/// An open history database and tdnf's `history_ctx`: the package set
/// (rpm ids) as of `trans_id`, and the cookie recorded with it.
#[derive(Debug)]
pub struct History {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
    /// Sorted `rpms.Id`s installed as of `trans_id` (tdnf's installed_ids).
    pub(crate) installed: BTreeSet<i64>,
    pub(crate) cookie: Option<String>,
    pub(crate) trans_id: i64,
}

impl History {
    /// Where `settings` puts the database: `<root>/<persistdir>/history.db`.
    pub fn db_path(settings: &Settings) -> PathBuf {
        settings.persistdir.join(HISTORY_DB_FILE)
    }

    /// Open the database of `settings`. Without `create`, a missing file is
    /// `Ok(None)`; with it, the directory and an empty file (mode 0644
    /// whatever the umask) are created, the tables come with first use.
    pub fn open(settings: &Settings, create: bool) -> HResult<Option<History>> {
        Self::open_path(&Self::db_path(settings), create)
    }

    /// [`History::open`] on an explicit path.
    pub fn open_path(path: &Path, create: bool) -> HResult<Option<History>> {
        let io = |source| HistoryError::Io { path: path.to_path_buf(), source };
        if !path.is_file() {
            if !create {
                return Ok(None);
            }
            if let Some(dir) = path.parent() {
                fs_err::create_dir_all(dir).map_err(io)?;
            }
            schema::create_file(path).map_err(io)?;
        }
        let conn = Connection::open(path).map_err(|source| HistoryError::Sqlite { path: path.to_path_buf(), source })?;
        let mut h = History { conn, path: path.to_path_buf(), installed: BTreeSet::new(), cookie: None, trans_id: 0 };
        if let Some((id, cookie)) = h.last_transaction()? {
            h.trans_id = id;
            h.cookie = cookie;
        }
        Ok(Some(h))
    }

    /// [`History::open`] that must find a database (1802 otherwise).
    pub fn open_existing(settings: &Settings) -> HResult<History> {
        Self::open(settings, false)?.ok_or_else(|| HistoryError::NoDb { path: Self::db_path(settings) })
    }

    /// The id of the newest transaction (0 when there is none).
    pub fn current_id(&self) -> i64 {
        self.trans_id
    }

    /// The cookie stored with the newest transaction.
    pub fn cookie(&self) -> Option<&str> {
        self.cookie.as_deref()
    }

    pub(crate) fn sql(&self, source: rusqlite::Error) -> HistoryError {
        HistoryError::Sqlite { path: self.path.clone(), source }
    }

    /// tdnf's `history_sync`: first use records the BASE set `(set)`; a
    /// cookie that differs from the stored one records `(unknown)` with the
    /// difference. `installed` is every NEVRA in the rpmdb (gpg-pubkey
    /// included, as tdnf records them), in header-number order.
    pub fn sync(&mut self, cookie: &str, installed: &[String]) -> HResult<()> {
        match self.last_transaction()? {
            Some((id, stored)) => {
                self.trans_id = id;
                self.cookie = stored.clone();
                if stored.as_deref() != Some(cookie) {
                    self.installed = self.state_ids_at(id)?;
                    self.update_state("(unknown)", cookie, installed, false)?;
                } else {
                    self.installed = self.add_nevras(installed)?.into_iter().collect();
                }
            }
            None => {
                self.cookie = Some(cookie.to_string());
                self.installed = self.add_nevras(installed)?.into_iter().collect();
                self.record_base()?;
            }
        }
        Ok(())
    }

    /// [`History::sync`] with the cookie and NEVRAs read from `dbdir`.
    pub fn sync_rpmdb(&mut self, dbdir: &Path) -> HResult<()> {
        let cookie = rpmdb_cookie(dbdir)?;
        let installed = installed_nevras(dbdir)?;
        self.sync(&cookie, &installed)
    }

    /// Record one tdnf transaction after it ran: the DELTA row (cmdline =
    /// argv\[1..\] joined by spaces, `cookie` = the rpmdb's afterwards) with
    /// `added`/`removed` NEVRAs — a NEVRA in both (a reinstall) cancels
    /// out — then the auto flags (`(name, auto)`, written only where they
    /// change). No row is written when the cookie did not change; the flags
    /// then go to the newest row, as in tdnf. Returns the newest row's id.
    pub fn record(
        &mut self,
        cmdline: &str,
        cookie: &str,
        added: &[String],
        removed: &[String],
        flags: &[(String, bool)],
    ) -> HResult<i64> {
        let mut after: BTreeSet<String> = self.nevras_of(&self.installed)?;
        for r in removed {
            after.remove(r);
        }
        after.extend(added.iter().cloned());
        let after: Vec<String> = after.into_iter().collect();
        self.update_state(cmdline, cookie, &after, false)?;
        self.set_flags(flags)?;
        Ok(self.trans_id)
    }

    /// [`History::record`] with the cookie and the installed set read from
    /// `dbdir` (tdnf's `history_update_state`, which diffs the rpmdb).
    /// `always_row` writes a row even when the rpmdb did not change, as
    /// `history undo/redo/rollback` do for flag-only changes.
    pub fn record_rpmdb(&mut self, dbdir: &Path, cmdline: &str, flags: &[(String, bool)], always_row: bool) -> HResult<i64> {
        let cookie = rpmdb_cookie(dbdir)?;
        let installed = installed_nevras(dbdir)?;
        self.update_state(cmdline, &cookie, &installed, always_row)?;
        self.set_flags(flags)?;
        Ok(self.trans_id)
    }

    /// tdnf's `history_add_transaction`: an empty DELTA row that reuses the
    /// stored cookie (`mark`, flag-only history operations).
    pub fn add_transaction(&mut self, cmdline: &str) -> HResult<i64> {
        if self.last_transaction()?.is_none() {
            return Err(HistoryError::Corrupt("the database holds no transactions yet".into()));
        }
        let cookie = self.cookie.clone();
        self.trans_id = self.insert_transaction(cmdline, cookie.as_deref(), schema::TRANS_DELTA)?;
        Ok(self.trans_id)
    }
}

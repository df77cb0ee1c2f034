//! What `history rollback/undo/redo` must do (tdnf's `TDNFHistoryResolve`):
//! the NEVRAs to install and to erase, and the auto flags to restore.
//!
//! All three compare two replayed states; `gpg-pubkey-*` entries are left
//! out (keys are not packages to resolve). Call [`History::sync`] first, so
//! that "now" is the rpmdb's state. The caller resolves `install` against
//! the repos (tdnf installs the first not-installed match of each NEVRA and
//! fails with 1011 listing those it cannot find) and `erase` against the
//! installed packages, runs the transaction, then records it with
//! [`History::record_history_op`].

use std::collections::BTreeSet;

use super::{HResult, History, HistoryError};

/// Which history operation, with its transaction ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryOp {
    Rollback(i64),
    Undo(i64, i64),
    Redo(i64, i64),
}

/// Packages to install and erase (NEVRAs, sorted), and the flags that will
/// change. `install` may hold NEVRAs that are installed already and
/// `erase` ones that are not (undo/redo compare two past states): skip
/// those, as tdnf does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    pub install: Vec<String>,
    pub erase: Vec<String>,
    /// `(name, auto)` flag changes the operation will write.
    pub flags: Vec<(String, bool)>,
    pub op: HistoryOp,
}

impl Targets {
    /// Nothing to install or erase and no flag to change.
    pub fn is_empty(&self) -> bool {
        self.install.is_empty() && self.erase.is_empty() && self.flags.is_empty()
    }

    /// Whether only auto flags change (tdnf prints `{}` for that with -j).
    pub fn flags_only(&self) -> bool {
        self.install.is_empty() && self.erase.is_empty() && !self.flags.is_empty()
    }
}

fn not_key(n: &&String) -> bool {
    !n.starts_with("gpg-pubkey-")
}

impl History {
    fn check_id(&self, n: i64) -> HResult<()> {
        if n <= 0 || n > self.trans_id {
            return Err(HistoryError::InvalidArgument(format!("no transaction {n}")));
        }
        Ok(())
    }

    /// Install what is in `want` but not in `have`, erase the reverse.
    fn delta(&self, have: &BTreeSet<i64>, want: &BTreeSet<i64>, flags: Vec<(String, bool)>, op: HistoryOp) -> HResult<Targets> {
        let install: BTreeSet<i64> = want.difference(have).copied().collect();
        let erase: BTreeSet<i64> = have.difference(want).copied().collect();
        Ok(Targets {
            install: self.nevras_of(&install)?.iter().filter(not_key).cloned().collect(),
            erase: self.nevras_of(&erase)?.iter().filter(not_key).cloned().collect(),
            flags,
            op,
        })
    }

    /// `history rollback N`: back to the set after transaction N, with the
    /// flags as they were then.
    pub fn rollback_targets(&self, n: i64) -> HResult<Targets> {
        self.check_id(n)?;
        let want = self.state_ids_at(n)?;
        let flags = self.flags_delta(self.trans_id, n)?;
        self.delta(&self.installed, &want, flags, HistoryOp::Rollback(n))
    }

    /// `history undo N-M`: revert transactions N..=M, i.e. go from the state
    /// after M to the state after N-1 (N > 1: the base set cannot be undone).
    pub fn undo_targets(&self, from: i64, to: i64) -> HResult<Targets> {
        self.check_range(from, to)?;
        let before = self.state_ids_at(from - 1)?;
        let after = self.state_ids_at(to)?;
        let flags = self.flags_delta(to, from - 1)?;
        self.delta(&after, &before, flags, HistoryOp::Undo(from, to))
    }

    /// `history redo N-M`: apply transactions N..=M again, i.e. the changes
    /// from the state after N-1 to the state after M.
    pub fn redo_targets(&self, from: i64, to: i64) -> HResult<Targets> {
        self.check_range(from, to)?;
        let before = self.state_ids_at(from - 1)?;
        let after = self.state_ids_at(to)?;
        let flags = self.flags_delta(from - 1, to)?;
        self.delta(&before, &after, flags, HistoryOp::Redo(from, to))
    }

    fn check_range(&self, from: i64, to: i64) -> HResult<()> {
        if from <= 1 || from > to {
            return Err(HistoryError::InvalidArgument(format!("range {from}-{to}")));
        }
        self.check_id(to)
    }

    /// The targets of `op` (see the three functions above).
    pub fn targets(&self, op: HistoryOp) -> HResult<Targets> {
        match op {
            HistoryOp::Rollback(n) => self.rollback_targets(n),
            HistoryOp::Undo(f, t) => self.undo_targets(f, t),
            HistoryOp::Redo(f, t) => self.redo_targets(f, t),
        }
    }

    /// After the transaction of a history operation ran (tdnf's
    /// `TDNFRpmExecHistoryTransaction`): the DELTA row read from `dbdir`
    /// (an empty row when the rpmdb did not change, for the flags);
    /// `auto_pulled` — names the solver installed beyond `install` — are
    /// flagged auto when packages changed; then the flags of `op` are
    /// replayed. Returns the row's id.
    pub fn record_history_op(&mut self, dbdir: &std::path::Path, cmdline: &str, op: HistoryOp, auto_pulled: &[String]) -> HResult<i64> {
        let before = self.trans_id;
        let cookie = super::rpmdb_cookie(dbdir)?;
        let installed = super::installed_nevras(dbdir)?;
        self.update_state(cmdline, &cookie, &installed, false)?;
        if self.trans_id == before {
            self.add_transaction(cmdline)?;
        } else {
            for name in auto_pulled {
                self.set_auto_flag(name, true)?;
            }
        }
        let (from, to) = match op {
            HistoryOp::Rollback(n) => (self.trans_id, n),
            HistoryOp::Undo(f, t) => (t, f - 1),
            HistoryOp::Redo(f, t) => (f - 1, t),
        };
        let flags = self.flags_delta(from, to)?;
        self.set_flags(&flags)?;
        Ok(self.trans_id)
    }
}

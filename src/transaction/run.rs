//! Running a checked transaction: rpm 4.18's `rpmtsRun` order.
//!
//! 1. `%pretrans` of every install (a failure skips that package and the
//!    packages it would replace), then `%transfiletriggerun`.
//! 2. Each element in order: every install, then every erase (the
//!    replaced packages too, as rpm's tsort puts them). Install: `%triggerprein`, `%pre`, files,
//!    rpmdb entry (with FILESTATES, and REPLACED marks on the files it
//!    takes over, in the same sqlite transaction), file triggers
//!    (priority ≥ 10000), `%post`, `%triggerin`, file triggers (< 10000).
//!    Erase: file triggers and `%triggerun`, `%preun`, files,
//!    `%filetriggerpostun`, `%postun`, `%triggerpostun`, rpmdb removal.
//! 3. `%posttrans`, `%transfiletriggerin`, `%transfiletriggerpostun`.
//!
//! The journal records each element's progress; held signals are honoured
//! only while no erase of a replaced package is owed (before the first
//! upgrade, and among the plain erases after them), so a stop never leaves
//! both versions installed.

use super::db::DbPkg;
use super::journal::{self, Journal, Stage};
use super::prepare::{Elem, NewPkg, Prepared};
use super::scriptlet::trigger::{PriorityClass, TriggerKey};
use super::scriptlet::{Kind, Runner};
use super::scripts::{Scripts, Te, installed_paths, postun_trans_keys};
use super::set::{Checkpoint, ElementKind, Failure, Outcome, Reporter, TransactionSet};
use super::{TxError, dbdir, remove, unpack};
use crate::fsroot::Root;
use crate::rpm::filelist::state;
use crate::rpm::header::Header;
use crate::rpmdb::writer::{InstallInfo, RpmdbWriter, installed_header};
use super::fileplan::{Action, EraseAction};

/// The state of one run.
pub(crate) struct Exec<'a> {
    pub ts: &'a TransactionSet,
    pub root: Root,
    pub prep: Prepared,
    pub writer: RpmdbWriter,
    pub journal: Journal,
    pub scripts: Scripts<'a>,
    pub reporter: &'a dyn Reporter,
    pub outcome: Outcome,
    /// Per install (`prep.news` index): it failed or was skipped.
    pub failed: Vec<bool>,
    /// Per install: why its `%pretrans` failed (reported at its turn).
    pub pretrans_failed: Vec<Option<String>>,
    /// Per install: its header number once added.
    pub added: Vec<Option<u32>>,
    pub postun_keys: Vec<TriggerKey>,
}

fn now() -> u32 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    u32::try_from(secs).unwrap_or(u32::MAX)
}

/// The view of a package being installed that scripts need.
fn new_te<'p>(p: &'p NewPkg, actions: &[Action]) -> Te<'p> {
    Te {
        name: &p.name,
        nevra: &p.nevra,
        evr: &p.evr,
        triggers: &p.triggers,
        file_triggers: &p.file_triggers,
        all_files: p.files.iter().map(|f| f.path.as_str()).collect(),
        files: p.files.iter().zip(actions).filter(|(_, a)| **a != Action::Skip).map(|(f, _)| f.path.as_str()).collect(),
    }
}

/// The view of an installed package being erased.
fn old_te<'p>(p: &'p DbPkg, actions: &[EraseAction]) -> Te<'p> {
    Te {
        name: &p.name,
        nevra: &p.nevra,
        evr: &p.evr,
        triggers: &p.triggers,
        file_triggers: &p.file_triggers,
        all_files: p.files.iter().map(|f| f.path.as_str()).collect(),
        files: p
            .files
            .iter()
            .zip(actions)
            .filter(|(f, a)| **a != EraseAction::Keep && matches!(f.state, state::NORMAL | state::NETSHARED))
            .map(|(f, _)| f.path.as_str())
            .collect(),
    }
}

fn mark(journal: &mut Journal, i: usize, stage: Stage) -> Result<(), TxError> {
    journal.mark(i, stage).map_err(TxError::Journal)
}

/// Record a failed element, with rpm's `error: x: install failed` line
/// (`skipped` when it had failed before its turn: its `%pretrans`, or the
/// install replacing it; lib/transaction.c rpmtsProcess, `failed > 1`).
fn fail(outcome: &mut Outcome, reporter: &dyn Reporter, nevra: &str, kind: ElementKind, reason: String, skipped: bool) {
    let what = if kind == ElementKind::Install { "install" } else { "erase" };
    let how = if skipped { "skipped" } else { "failed" };
    reporter.warning(&format!("error: {nevra}: {what} {how}"));
    outcome.failed.push(Failure { nevra: nevra.to_owned(), kind, reason });
}

impl<'a> Exec<'a> {
    pub(crate) fn new(ts: &'a TransactionSet, root: Root, prep: Prepared, reporter: &'a dyn Reporter) -> Result<Exec<'a>, TxError> {
        let elements = prep
            .elems
            .iter()
            .map(|e| match *e {
                Elem::Install(k) => journal::Element::Install {
                    nevra: prep.news[k].nevra.clone(),
                    rpm_path: std::path::absolute(&prep.news[k].rpm_path).unwrap_or_else(|_| prep.news[k].rpm_path.clone()),
                },
                Elem::Erase { hnum, .. } => journal::Element::Erase {
                    nevra: prep.db.get(hnum).map_or_else(String::new, |p| p.nevra.clone()),
                    hnum,
                },
            })
            .collect();
        let journal = Journal::begin(&ts.root, ts.tid, elements).map_err(TxError::Journal)?;
        reporter.checkpoint(Checkpoint::Begun, 0);
        let dbdir = dbdir(&ts.root, &ts.dbpath);
        let writer = RpmdbWriter::open(&dbdir).map_err(|source| TxError::Db { name: "rpmdb".into(), source })?;
        let scripts = Scripts {
            runner: Runner { root: ts.root.clone(), output: ts.flags.output },
            scripts: !ts.flags.noscripts,
            triggers: !ts.flags.noscripts && !ts.flags.notriggers,
            reporter,
            warnings: Vec::new(),
        };
        let n = prep.news.len();
        Ok(Exec {
            ts,
            root,
            prep,
            writer,
            journal,
            scripts,
            reporter,
            outcome: Outcome::default(),
            failed: vec![false; n],
            pretrans_failed: vec![None; n],
            added: vec![None; n],
            postun_keys: Vec::new(),
        })
    }

    fn mark(&mut self, i: usize, stage: Stage) -> Result<(), TxError> {
        mark(&mut self.journal, i, stage)
    }

    fn fail(&mut self, nevra: &str, kind: ElementKind, reason: String) {
        fail(&mut self.outcome, self.reporter, nevra, kind, reason, false);
    }

    /// Step 1: `%pretrans`, then `%transfiletriggerun`.
    pub(crate) fn pretrans(&mut self) {
        for k in 0..self.prep.news.len() {
            let p = &self.prep.news[k];
            let arg = self.prep.db.count(&p.name) + 1;
            if let Err(e) = self.scripts.package(&p.nevra, &p.file.header, Kind::PreTrans, arg) {
                // rpm marks it failed now and says "install skipped" at its
                // turn (lib/rpmte.c rpmteProcess → rpmteMarkFailed).
                self.failed[k] = true;
                self.pretrans_failed[k] = Some(e.to_string());
            }
        }
        let erased: Vec<u32> =
            self.prep.elems.iter().filter_map(|e| if let Elem::Erase { hnum, .. } = *e { Some(hnum) } else { None }).collect();
        let db = &self.prep.db;
        let paths = installed_paths(db, |h| erased.contains(&h));
        self.scripts.trans_set_off(db, Kind::TransFileTriggerUn, &paths, &erased);
        for &hnum in &erased {
            if let (Some(p), Some(&ix)) = (db.get(hnum), self.prep.erase_plans.get(&hnum)) {
                let te = old_te(p, &self.prep.plan.erases[ix].actions);
                self.scripts.own_files(db, &te, Kind::TransFileTriggerUn, PriorityClass::All);
            }
        }
    }

    /// Step 2 for element `i`, an install of `news[k]`.
    pub(crate) fn install(&mut self, i: usize, k: usize) -> Result<(), TxError> {
        let total = self.prep.elems.len();
        if self.failed[k] {
            if let Some(reason) = self.pretrans_failed[k].take() {
                let nevra = self.prep.news[k].nevra.clone();
                fail(&mut self.outcome, self.reporter, &nevra, ElementKind::Install, reason, true);
            }
            return self.mark(i, Stage::Done);
        }
        self.mark(i, Stage::Unpacking)?;
        let p = &self.prep.news[k];
        self.reporter.element(i, total, ElementKind::Install, &p.nevra);
        let iplan = &self.prep.plan.installs[k];
        let arg = self.prep.db.count(&p.name) + 1;
        {
            let te = new_te(p, &iplan.actions);
            self.scripts.set_off(&self.prep.db, &te, Kind::TriggerPreIn, 0);
            self.scripts.immediate(&self.prep.db, &te, Kind::TriggerPreIn, 0);
        }
        if let Err(e) = self.scripts.package(&p.nevra, &p.file.header, Kind::Pre, arg) {
            let nevra = p.nevra.clone();
            self.failed[k] = true;
            self.fail(&nevra, ElementKind::Install, e.to_string());
            return self.mark(i, Stage::Done);
        }
        let warnings = match unpack::unpack(&self.root, &p.file, &p.files, &iplan.actions, self.ts.tid) {
            Ok(w) => w,
            Err(e) => {
                let nevra = p.nevra.clone();
                self.failed[k] = true;
                self.fail(&nevra, ElementKind::Install, e.to_string());
                return self.mark(i, Stage::Done);
            }
        };
        for w in warnings.iter().chain(&iplan.warnings) {
            self.reporter.warning(w);
        }
        self.reporter.checkpoint(Checkpoint::FilesDone, i);

        // The rpmdb entry, and the REPLACED marks of the files it takes over.
        let mut info = InstallInfo::new(self.ts.tid);
        info.time = now();
        info.file_states = Some(iplan.states.clone());
        let name = p.nevra.clone();
        let db_err = |source| TxError::Db { name: name.clone(), source };
        let blob = installed_header(&p.file, &info).map_err(|source| TxError::Build { name: name.clone(), source })?;
        let marks = self.replaced_marks(k);
        let mut txn = self.writer.transaction().map_err(db_err)?;
        let hnum = txn.add(&blob).map_err(db_err)?;
        for (h, files) in &marks {
            txn.set_file_states(*h, files).map_err(db_err)?;
        }
        txn.commit().map_err(db_err)?;
        let header = Header::from_blob(blob).map_err(|e| TxError::FileList { name: name.clone(), what: e.to_string() })?;
        self.prep.db.add(DbPkg::new(hnum, header)?);
        for (h, files) in &marks {
            for &(f, st) in files {
                self.prep.db.set_state(*h, f, st);
            }
        }
        self.added[k] = Some(hnum);
        self.outcome.installed.push((name.clone(), hnum));
        self.mark(i, Stage::DbAdded)?;
        self.reporter.checkpoint(Checkpoint::DbDone, i);

        let p = &self.prep.news[k];
        let te = new_te(p, &self.prep.plan.installs[k].actions);
        let db = &self.prep.db;
        self.scripts.files_set_off(db, &te, Kind::FileTriggerIn, PriorityClass::High);
        self.scripts.own_files(db, &te, Kind::FileTriggerIn, PriorityClass::High);
        let _ = self.scripts.package(&p.nevra, &p.file.header, Kind::Post, arg);
        self.scripts.set_off(db, &te, Kind::TriggerIn, 0);
        self.scripts.immediate(db, &te, Kind::TriggerIn, 0);
        self.scripts.files_set_off(db, &te, Kind::FileTriggerIn, PriorityClass::Low);
        self.scripts.own_files(db, &te, Kind::FileTriggerIn, PriorityClass::Low);
        self.mark(i, Stage::Done)
    }

    /// The file-plan REPLACED marks that install `k` causes: those whose
    /// path it is the first incoming package to list. Grouped per header.
    fn replaced_marks(&self, k: usize) -> Vec<(u32, Vec<(usize, u8)>)> {
        let mut out: Vec<(u32, Vec<(usize, u8)>)> = Vec::new();
        for r in &self.prep.plan.replaced {
            let Some(path) = self.prep.db.get(r.hnum).and_then(|p| p.files.get(r.file)).map(|f| f.path.as_str()) else {
                continue;
            };
            let first = self.prep.news.iter().position(|n| n.files.iter().any(|f| f.path == path));
            if first != Some(k) {
                continue;
            }
            match out.iter_mut().find(|(h, _)| *h == r.hnum) {
                Some((_, v)) => v.push((r.file, r.state)),
                None => out.push((r.hnum, vec![(r.file, r.state)])),
            }
        }
        out
    }

    /// Step 2 for element `i`, an erase of `hnum` (replaced by install `by`).
    pub(crate) fn erase(&mut self, i: usize, hnum: u32, by: Option<usize>) -> Result<(), TxError> {
        let total = self.prep.elems.len();
        let (Some(p), Some(&ix)) = (self.prep.db.get(hnum), self.prep.erase_plans.get(&hnum)) else {
            return mark(&mut self.journal, i, Stage::Done);
        };
        let nevra = p.nevra.clone();
        if by.is_some_and(|k| self.failed[k]) {
            fail(&mut self.outcome, self.reporter, &nevra, ElementKind::Erase, "skipped".into(), true);
            return mark(&mut self.journal, i, Stage::Done);
        }
        mark(&mut self.journal, i, Stage::Erasing)?;
        self.reporter.element(i, total, ElementKind::Erase, &nevra);
        let eplan = &self.prep.plan.erases[ix];
        let db = &self.prep.db;
        let arg = db.count(&p.name) - 1;
        let te = old_te(p, &eplan.actions);
        self.scripts.own_files(db, &te, Kind::FileTriggerUn, PriorityClass::High);
        self.scripts.files_set_off(db, &te, Kind::FileTriggerUn, PriorityClass::High);
        self.scripts.immediate(db, &te, Kind::TriggerUn, -1);
        self.scripts.set_off(db, &te, Kind::TriggerUn, -1);
        if let Err(e) = self.scripts.package(&nevra, &p.header, Kind::PreUn, arg) {
            fail(&mut self.outcome, self.reporter, &nevra, ElementKind::Erase, e.to_string(), false);
            return mark(&mut self.journal, i, Stage::Done);
        }
        self.scripts.own_files(db, &te, Kind::FileTriggerUn, PriorityClass::Low);
        self.scripts.files_set_off(db, &te, Kind::FileTriggerUn, PriorityClass::Low);
        let warnings = match remove::remove_files(&self.root, &p.files, &eplan.actions) {
            Ok(w) => w,
            Err(e) => {
                fail(&mut self.outcome, self.reporter, &nevra, ElementKind::Erase, e.to_string(), false);
                return mark(&mut self.journal, i, Stage::Done);
            }
        };
        for w in warnings.iter().chain(&eplan.warnings) {
            self.reporter.warning(w);
        }
        self.reporter.checkpoint(Checkpoint::FilesDone, i);
        self.scripts.files_set_off(db, &te, Kind::FileTriggerPostUn, PriorityClass::High);
        let _ = self.scripts.package(&nevra, &p.header, Kind::PostUn, arg);
        self.scripts.set_off(db, &te, Kind::TriggerPostUn, -1);
        self.scripts.files_set_off(db, &te, Kind::FileTriggerPostUn, PriorityClass::Low);
        // rpmtriggersPrepPostUnTransFileTrigs (lib/rpmtriggers.c) looks at
        // every file in an installed state, kept ones included.
        let installed: Vec<&str> =
            p.files.iter().filter(|f| matches!(f.state, state::NORMAL | state::NETSHARED)).map(|f| f.path.as_str()).collect();
        self.postun_keys.extend(postun_trans_keys(db, &installed));
        drop(te);

        let db_err = |source| TxError::Db { name: nevra.clone(), source };
        let mut txn = self.writer.transaction().map_err(db_err)?;
        txn.remove(hnum).map_err(db_err)?;
        txn.commit().map_err(db_err)?;
        self.prep.db.remove(hnum);
        self.outcome.erased.push(nevra.clone());
        mark(&mut self.journal, i, Stage::DbRemoved)?;
        self.reporter.checkpoint(Checkpoint::DbDone, i);
        mark(&mut self.journal, i, Stage::Done)
    }

    /// Step 3: `%posttrans`, `%transfiletriggerin`, `%transfiletriggerpostun`.
    pub(crate) fn posttrans(&mut self) {
        let db = &self.prep.db;
        for (k, p) in self.prep.news.iter().enumerate() {
            if self.failed[k] {
                continue;
            }
            let arg = db.count(&p.name) + i64::from(!p.replaces.is_empty());
            let _ = self.scripts.package(&p.nevra, &p.file.header, Kind::PostTrans, arg);
        }
        let new: Vec<u32> = self.added.iter().flatten().copied().collect();
        let paths = installed_paths(db, |h| new.contains(&h));
        self.scripts.trans_set_off(db, Kind::TransFileTriggerIn, &paths, &new);
        self.scripts.postun_trans(db, std::mem::take(&mut self.postun_keys));
        for (k, p) in self.prep.news.iter().enumerate() {
            if !self.failed[k] {
                let te = new_te(p, &self.prep.plan.installs[k].actions);
                self.scripts.own_files(db, &te, Kind::TransFileTriggerIn, PriorityClass::All);
            }
        }
    }
}

/// Run the transaction `ts`: first (unless `ts.flags.test`) complete an
/// interrupted earlier one (see [`super::recover`]), then check everything ([`super::prepare`]),
/// then, unless `ts.flags.test`, carry it out.
///
/// `Err` means the transaction did not run (a problem, an unreadable
/// package) or stopped on a write error; in the latter case the journal
/// stays and the next run completes it. A scriptlet failure is not an
/// error: see [`Outcome::failed`] and [`Outcome::script_warnings`].
pub fn run(ts: &TransactionSet, reporter: &dyn Reporter) -> Result<Outcome, TxError> {
    // A test run changes nothing, not even by completing an earlier one.
    if !ts.flags.test {
        super::recover::recover(&ts.root, &ts.dbpath, reporter)?;
    }
    let root = Root::open(&ts.root).map_err(|source| TxError::Fs { name: ts.root.display().to_string(), source })?;
    let prep = super::prepare::prepare(ts, &root)?;
    if ts.flags.test {
        return Ok(Outcome { tested_only: true, ..Outcome::default() });
    }
    // The handlers are process-wide: a transaction running beside another
    // one in this process (tests, a library caller) leaves them to it.
    let guard = match super::signals::SignalGuard::install() {
        Ok(g) => Some(g),
        Err(super::signals::SignalError::AlreadyActive) => None,
        Err(e) => return Err(TxError::Signals(e)),
    };
    let mut x = Exec::new(ts, root, prep, reporter)?;
    x.pretrans();
    let elems = x.prep.elems.clone();
    // Erases of replaced packages still to come: a stop is honoured only
    // when there are none, so it never leaves two versions installed.
    let mut owed = 0usize;
    for (i, e) in elems.iter().enumerate() {
        if owed == 0 && let Some(sig) = guard.as_ref().and_then(super::signals::SignalGuard::pending) {
            x.outcome.interrupted = Some(sig);
            break;
        }
        match *e {
            Elem::Install(k) => {
                owed += x.prep.news[k].replaces.len();
                x.install(i, k)?;
            }
            Elem::Erase { hnum, by } => {
                owed = owed.saturating_sub(usize::from(by.is_some()));
                x.erase(i, hnum, by)?;
            }
        }
    }
    if x.outcome.interrupted.is_none() {
        x.posttrans();
    }
    let Exec { journal, writer, scripts, mut outcome, root, .. } = x;
    outcome.script_warnings = scripts.warnings;
    writer.close().map_err(|source| TxError::Db { name: "rpmdb".into(), source })?;
    // The rpmdb commits are not flushed one by one (synchronous=NORMAL):
    // make them durable before the journal that could redo them goes.
    root.sync().map_err(|source| TxError::Fs { name: "rpmdb".into(), source })?;
    journal.finish().map_err(TxError::Journal)?;
    drop(guard);
    Ok(outcome)
}

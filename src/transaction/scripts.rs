//! When scriptlets and triggers run, and with which arguments: rpm 4.18's
//! `lib/psm.c` (`runInstScript`, `runTriggers`, `runImmedTriggers`) and
//! `lib/rpmtriggers.c` (`runFileTriggers`, `runImmedFileTriggers`), over
//! the transaction's view of the rpmdb ([`DbState`]).
//!
//! Arguments: a package's own scriptlet gets the number of instances of
//! its name installed when the element is done (`$1`); a trigger gets the
//! count of the trigger package's name (`$1`) and of the triggering
//! package's name (`$2`); file triggers get `0` and the matching paths on
//! stdin, one per line. A critical scriptlet (`%pretrans`, `%pre`,
//! `%preun`, or one flagged `RPMSCRIPT_FLAG_CRITICAL`) that fails stops its
//! element; every other failure is a warning.

use super::db::DbState;
use super::scriptlet::trigger::{FileTrigger, PriorityClass, Trigger, TriggerKey, sort_and_dedup};
use super::scriptlet::{Kind, Runner, Script, ScriptError};
use super::set::Reporter;
use crate::rpm::tags::RPMSCRIPT_FLAG_CRITICAL;

/// The element whose scripts and triggers are being run.
pub(crate) struct Te<'a> {
    pub name: &'a str,
    pub nevra: &'a str,
    pub evr: &'a str,
    pub triggers: &'a [Trigger],
    pub file_triggers: &'a [FileTrigger],
    /// All its paths (rpm's `matchFilesInPkg`: does a trigger fire at all).
    pub all_files: Vec<&'a str>,
    /// The paths that count for stdin (not skipped).
    pub files: Vec<&'a str>,
}

/// rpm's name of a scriptlet in messages (`%prein`, `%post`, ...).
fn rpm_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Pre => "%prein",
        k => k.tag_name(),
    }
}

/// Runs scriptlets for one transaction and collects the warnings.
pub(crate) struct Scripts<'a> {
    pub runner: Runner,
    /// Package scriptlets run (not `noscripts`).
    pub scripts: bool,
    /// Triggers run (neither `noscripts` nor `notriggers`).
    pub triggers: bool,
    pub reporter: &'a dyn Reporter,
    pub warnings: Vec<ScriptError>,
}

impl Scripts<'_> {
    /// Run one scriptlet of package `nevra`; a failure of a critical one is
    /// returned, any other is recorded as a warning.
    pub(crate) fn run(&mut self, nevra: &str, s: &Script, args: &[i64], stdin: Option<&[u8]>) -> Result<(), ScriptError> {
        let Err(e) = self.runner.run(nevra, s, args, stdin) else { return Ok(()) };
        let critical = matches!(s.kind, Kind::PreTrans | Kind::Pre | Kind::PreUn) || s.flags & RPMSCRIPT_FLAG_CRITICAL != 0;
        let what = match &e {
            ScriptError::Failed { status, .. } => format!("scriptlet failed, exit status {status}"),
            ScriptError::CannotRun { why, .. } => format!("scriptlet could not run: {why}"),
            ScriptError::Lua { why, .. } => format!("scriptlet failed: {why}"),
        };
        let level = if critical { "error" } else { "warning" };
        self.reporter.warning(&format!("{level}: {}({nevra}) {what}", rpm_name(s.kind)));
        if critical {
            return Err(e);
        }
        self.warnings.push(e);
        Ok(())
    }

    /// The package's own scriptlet of `kind` from `h`, with `$1 = arg`.
    pub(crate) fn package(&mut self, nevra: &str, h: &crate::rpm::header::Header, kind: Kind, arg: i64) -> Result<(), ScriptError> {
        if !self.scripts {
            return Ok(());
        }
        match super::scriptlet::script(h, kind) {
            Some(s) => self.run(nevra, &s, &[arg], None),
            None => Ok(()),
        }
    }

    /// `runTriggers`: triggers of installed packages that `te` sets off.
    pub(crate) fn set_off(&mut self, db: &DbState, te: &Te<'_>, sense: Kind, correction: i64) {
        if !self.triggers {
            return;
        }
        let arg2 = db.count(te.name) + correction;
        let mut todo = Vec::new();
        for p in db.pkgs() {
            if let Some(t) = p.triggers.iter().find(|t| t.kind == sense && t.matches(te.name, te.evr)) {
                todo.push((p.nevra.clone(), t.script.clone(), db.count(&p.name)));
            }
        }
        for (nevra, script, arg1) in todo {
            let _ = self.run(&nevra, &script, &[arg1, arg2], None);
        }
    }

    /// `runImmedTriggers`: triggers of `te` that installed packages set off.
    pub(crate) fn immediate(&mut self, db: &DbState, te: &Te<'_>, sense: Kind, correction: i64) {
        if !self.triggers {
            return;
        }
        let mut done: Vec<u32> = Vec::new();
        let mut todo = Vec::new();
        for t in te.triggers {
            if done.contains(&t.index) {
                continue;
            }
            let sources: Vec<_> = db.pkgs().iter().filter(|p| p.name == t.name).collect();
            let arg2 = sources.len() as i64;
            for s in sources {
                let hit = te.triggers.iter().find(|x| x.kind == sense && x.matches(&s.name, &s.evr));
                if let Some(x) = hit
                    && !done.contains(&x.index)
                {
                    done.push(x.index);
                    todo.push((x.script.clone(), db.count(te.name) + correction, arg2));
                }
            }
        }
        for (script, arg1, arg2) in todo {
            let _ = self.run(te.nevra, &script, &[arg1, arg2], None);
        }
    }

    /// Run a file trigger with its matching paths on stdin, if any match.
    fn file_trigger(&mut self, nevra: &str, t: &FileTrigger, paths: &[&str]) {
        let hits = t.matching(paths);
        if hits.is_empty() {
            return;
        }
        let mut stdin = String::new();
        for p in hits {
            stdin.push_str(p);
            stdin.push('\n');
        }
        let _ = self.run(nevra, &t.script, &[0], Some(stdin.as_bytes()));
    }

    /// `runFileTriggers` for one element: file triggers of installed
    /// packages (of kind `sense`) that `te`'s files set off.
    pub(crate) fn files_set_off(&mut self, db: &DbState, te: &Te<'_>, sense: Kind, class: PriorityClass) {
        if !self.triggers {
            return;
        }
        let mut keys = Vec::new();
        for p in db.pkgs() {
            for t in p.file_triggers.iter().filter(|t| t.kind == sense) {
                if !t.matching(&te.all_files).is_empty() {
                    keys.push(TriggerKey { priority: t.priority, package: p.hnum, index: t.index });
                }
            }
        }
        sort_and_dedup(&mut keys);
        for k in keys.into_iter().filter(|k| class.contains(k.priority)) {
            let Some(p) = db.get(k.package) else { continue };
            let Some(t) = p.file_triggers.iter().find(|t| t.kind == sense && t.index == k.index) else { continue };
            let (nevra, t) = (p.nevra.clone(), t.clone());
            self.file_trigger(&nevra, &t, &te.files);
        }
    }

    /// `runImmedFileTriggers`: `te`'s own file triggers of kind `sense`,
    /// fed with every installed file of the rpmdb that matches.
    pub(crate) fn own_files(&mut self, db: &DbState, te: &Te<'_>, sense: Kind, class: PriorityClass) {
        if !self.triggers {
            return;
        }
        let mut mine: Vec<&FileTrigger> =
            te.file_triggers.iter().filter(|t| t.kind == sense && class.contains(t.priority)).collect();
        mine.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.index.cmp(&b.index)));
        let installed = installed_paths(db, |_| true);
        for t in mine {
            self.file_trigger(te.nevra, t, &installed);
        }
    }

    /// Transaction file triggers of installed packages outside the
    /// transaction (`runFileTriggers(ts, NULL, …, TRANSFILETRIGGER)`):
    /// `paths` are the files the transaction installed or is erasing.
    pub(crate) fn trans_set_off(&mut self, db: &DbState, sense: Kind, paths: &[&str], members: &[u32]) {
        if !self.triggers {
            return;
        }
        let mut keys = Vec::new();
        for p in db.pkgs().iter().filter(|p| !members.contains(&p.hnum)) {
            for t in p.file_triggers.iter().filter(|t| t.kind == sense) {
                if !t.matching(paths).is_empty() {
                    keys.push(TriggerKey { priority: t.priority, package: p.hnum, index: t.index });
                }
            }
        }
        sort_and_dedup(&mut keys);
        for k in keys {
            let Some(p) = db.get(k.package) else { continue };
            let Some(t) = p.file_triggers.iter().find(|t| t.kind == sense && t.index == k.index) else { continue };
            let (nevra, t) = (p.nevra.clone(), t.clone());
            self.file_trigger(&nevra, &t, paths);
        }
    }

    /// Run collected `%transfiletriggerpostun` scripts (no stdin), skipping
    /// packages erased meanwhile (`runPostUnTransFileTrigs`).
    pub(crate) fn postun_trans(&mut self, db: &DbState, mut keys: Vec<TriggerKey>) {
        sort_and_dedup(&mut keys);
        for k in keys {
            let Some(p) = db.get(k.package) else { continue };
            let Some(t) = p.file_triggers.iter().find(|t| t.kind == Kind::TransFileTriggerPostUn && t.index == k.index)
            else {
                continue;
            };
            let (nevra, s) = (p.nevra.clone(), t.script.clone());
            let _ = self.run(&nevra, &s, &[0], None);
        }
    }
}

/// The installed-state paths of the rpmdb's packages chosen by `pick`, in
/// package then file order.
pub(crate) fn installed_paths(db: &DbState, pick: impl Fn(u32) -> bool) -> Vec<&str> {
    use crate::rpm::filelist::state;
    db.pkgs()
        .iter()
        .filter(|p| pick(p.hnum))
        .flat_map(|p| p.files.iter().filter(|f| matches!(f.state, state::NORMAL | state::NETSHARED)).map(|f| f.path.as_str()))
        .collect()
}

/// `rpmtriggersPrepPostUnTransFileTrigs`: the `%transfiletriggerpostun`
/// scripts that erasing `files` (installed-state paths of the erased
/// package) will fire at the end of the transaction.
pub(crate) fn postun_trans_keys(db: &DbState, files: &[&str]) -> Vec<TriggerKey> {
    let mut keys = Vec::new();
    for p in db.pkgs() {
        for t in p.file_triggers.iter().filter(|t| t.kind == Kind::TransFileTriggerPostUn) {
            if !t.matching(files).is_empty() {
                keys.push(TriggerKey { priority: t.priority, package: p.hnum, index: t.index });
            }
        }
    }
    keys
}

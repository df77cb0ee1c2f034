//! Job queues for the solver: `(how, what)` pairs.
//!
//! `how` = one job verb ([`Job::INSTALL`], ...) | one selector
//! ([`Job::SOLVABLE`], [`Job::SOLVABLE_NAME`], ...) | modifiers
//! ([`Job::CLEANDEPS`], ...). `what` is a solvable, string/dep, repo id or 0.

use crate::ffi;
use crate::{DepId, Id, Queue, RepoId, Selection, SolvableId, StringId};

/// Job verb, selector and modifier bits (libsolv `SOLVER_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Job(pub i32);

macro_rules! job_consts {
    ($($(#[$m:meta])* $name:ident = $v:ident;)*) => {
        impl Job { $($(#[$m])* pub const $name: Job = Job(ffi::$v as i32);)* }
    };
}

job_consts! {
    /// Select one solvable (`what` = solvable id).
    SOLVABLE = SOLVER_SOLVABLE;
    /// Select by name (`what` = name id or `name op evr` relation).
    SOLVABLE_NAME = SOLVER_SOLVABLE_NAME;
    /// Select by provides (`what` = dep id).
    SOLVABLE_PROVIDES = SOLVER_SOLVABLE_PROVIDES;
    /// Select one of a whatprovides list.
    SOLVABLE_ONE_OF = SOLVER_SOLVABLE_ONE_OF;
    /// Select all solvables of a repo (`what` = repo id).
    SOLVABLE_REPO = SOLVER_SOLVABLE_REPO;
    /// Select everything (`what` = 0).
    SOLVABLE_ALL = SOLVER_SOLVABLE_ALL;
    /// Install.
    INSTALL = SOLVER_INSTALL;
    /// Erase.
    ERASE = SOLVER_ERASE;
    /// Update.
    UPDATE = SOLVER_UPDATE;
    /// Weaken the dependencies of the selection.
    WEAKENDEPS = SOLVER_WEAKENDEPS;
    /// Allow several versions installed at once (installonly).
    MULTIVERSION = SOLVER_MULTIVERSION;
    /// Keep the selection in its current state.
    LOCK = SOLVER_LOCK;
    /// Distribution upgrade (distro-sync).
    DISTUPGRADE = SOLVER_DISTUPGRADE;
    /// Verify (fix broken dependencies).
    VERIFY = SOLVER_VERIFY;
    /// Drop orphaned packages.
    DROP_ORPHANED = SOLVER_DROP_ORPHANED;
    /// Mark as installed by the user (for cleandeps / autoremove).
    USERINSTALLED = SOLVER_USERINSTALLED;
    /// Allow the selection to be uninstalled.
    ALLOWUNINSTALL = SOLVER_ALLOWUNINSTALL;
    /// Prefer the selection among alternatives.
    FAVOR = SOLVER_FAVOR;
    /// Avoid the selection among alternatives.
    DISFAVOR = SOLVER_DISFAVOR;
    /// Never install the selection unless explicitly asked.
    BLACKLIST = SOLVER_BLACKLIST;
    /// Do not pull the selection in by weak dependencies.
    EXCLUDEFROMWEAK = SOLVER_EXCLUDEFROMWEAK;
    /// Modifier: the job may be dropped if it cannot be fulfilled.
    WEAK = SOLVER_WEAK;
    /// Modifier: essential job.
    ESSENTIAL = SOLVER_ESSENTIAL;
    /// Modifier: also erase dependencies no longer needed.
    CLEANDEPS = SOLVER_CLEANDEPS;
    /// Modifier: install only if an update is possible.
    ORUPDATE = SOLVER_ORUPDATE;
    /// Modifier: insist on the best candidate (tdnf `--best`).
    FORCEBEST = SOLVER_FORCEBEST;
    /// Modifier: targeted update.
    TARGETED = SOLVER_TARGETED;
    /// Modifier: not requested by the user.
    NOTBYUSER = SOLVER_NOTBYUSER;
}

impl std::ops::BitOr for Job {
    type Output = Job;
    fn bitor(self, rhs: Job) -> Job {
        Job(self.0 | rhs.0)
    }
}

macro_rules! into_id {
    ($($t:ty),*) => { $(impl From<$t> for Id { fn from(x: $t) -> Id { Id(x.0) } })* };
}
into_id!(SolvableId, StringId, DepId, RepoId);

/// A job queue.
#[derive(Clone, Debug, Default)]
pub struct Jobs {
    pub(crate) q: Queue,
}

impl Jobs {
    /// An empty job list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a raw `(how, what)` job.
    pub fn push(&mut self, how: Job, what: impl Into<Id>) -> &mut Self {
        self.q.push(how.0);
        self.q.push(what.into().0);
        self
    }

    /// `how | SOLVER_SOLVABLE`, what = solvable.
    pub fn solvable(&mut self, how: Job, s: SolvableId) -> &mut Self {
        self.push(how | Job::SOLVABLE, s)
    }

    /// `how | SOLVER_SOLVABLE_NAME`, what = name (or `name op evr`).
    pub fn name(&mut self, how: Job, name: impl Into<DepId>) -> &mut Self {
        self.push(how | Job::SOLVABLE_NAME, name.into())
    }

    /// `how | SOLVER_SOLVABLE_PROVIDES`, what = dep.
    pub fn provides(&mut self, how: Job, dep: DepId) -> &mut Self {
        self.push(how | Job::SOLVABLE_PROVIDES, dep)
    }

    /// `how | SOLVER_SOLVABLE_REPO`, what = repo.
    pub fn repo(&mut self, how: Job, repo: RepoId) -> &mut Self {
        self.push(how | Job::SOLVABLE_REPO, repo)
    }

    /// `how | SOLVER_SOLVABLE_ALL` (e.g. `Job::UPDATE` for `tdnf update`).
    pub fn all(&mut self, how: Job) -> &mut Self {
        self.push(how | Job::SOLVABLE_ALL, Id(0))
    }

    /// Appends every pair of a selection with `how` or'ed in.
    pub fn push_selection(&mut self, how: Job, sel: &Selection) -> &mut Self {
        for pair in sel.q.as_slice().chunks_exact(2) {
            self.q.push(pair[0] | how.0);
            self.q.push(pair[1]);
        }
        self
    }

    /// Number of jobs.
    pub fn len(&self) -> usize {
        self.q.len() / 2
    }

    /// Whether there are no jobs.
    pub fn is_empty(&self) -> bool {
        self.q.is_empty()
    }

    /// The raw `(how, what)` pairs.
    pub fn as_raw(&self) -> &[i32] {
        self.q.as_slice()
    }
}

//! [`Solver`]: dependency resolution over a borrowed [`Pool`].
//!
//! A `Solver<'p>` owns the C solver and borrows the pool immutably (libsolv
//! only updates the pool's provides caches while solving, never strings
//! handed out as `&str`). A successful solve yields a
//! [`Transaction<'p>`](crate::Transaction) that borrows the pool, not the
//! solver, so the solver may be dropped or reused.

use crate::ffi;
use crate::pool::copy_cstr;
use crate::problem::{Problem, ProblemRule, RuleKind};
use crate::{DepId, Jobs, Pool, Queue, SolvableId, Transaction};
use std::ptr::NonNull;

/// Solver policy flags (`SOLVER_FLAG_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum SolverFlag {
    AllowDowngrade,
    AllowArchChange,
    AllowVendorChange,
    AllowUninstall,
    NoUpdateProvide,
    SplitProvides,
    IgnoreRecommended,
    AddAlreadyRecommended,
    NoInfarchCheck,
    AllowNameChange,
    KeepExplicitObsoletes,
    BestObeyPolicy,
    NoAutotarget,
    DupAllowDowngrade,
    DupAllowArchChange,
    DupAllowVendorChange,
    DupAllowNameChange,
    KeepOrphans,
    BreakOrphans,
    FocusInstalled,
    YumObsoletes,
    NeedUpdateProvide,
    FocusBest,
    StrongRecommends,
    InstallAlsoUpdates,
    OnlyNamespaceRecommended,
    StrictRepoPriority,
    FocusNew,
}

impl SolverFlag {
    fn raw(self) -> i32 {
        use SolverFlag::*;
        (match self {
            AllowDowngrade => ffi::SOLVER_FLAG_ALLOW_DOWNGRADE,
            AllowArchChange => ffi::SOLVER_FLAG_ALLOW_ARCHCHANGE,
            AllowVendorChange => ffi::SOLVER_FLAG_ALLOW_VENDORCHANGE,
            AllowUninstall => ffi::SOLVER_FLAG_ALLOW_UNINSTALL,
            NoUpdateProvide => ffi::SOLVER_FLAG_NO_UPDATEPROVIDE,
            SplitProvides => ffi::SOLVER_FLAG_SPLITPROVIDES,
            IgnoreRecommended => ffi::SOLVER_FLAG_IGNORE_RECOMMENDED,
            AddAlreadyRecommended => ffi::SOLVER_FLAG_ADD_ALREADY_RECOMMENDED,
            NoInfarchCheck => ffi::SOLVER_FLAG_NO_INFARCHCHECK,
            AllowNameChange => ffi::SOLVER_FLAG_ALLOW_NAMECHANGE,
            KeepExplicitObsoletes => ffi::SOLVER_FLAG_KEEP_EXPLICIT_OBSOLETES,
            BestObeyPolicy => ffi::SOLVER_FLAG_BEST_OBEY_POLICY,
            NoAutotarget => ffi::SOLVER_FLAG_NO_AUTOTARGET,
            DupAllowDowngrade => ffi::SOLVER_FLAG_DUP_ALLOW_DOWNGRADE,
            DupAllowArchChange => ffi::SOLVER_FLAG_DUP_ALLOW_ARCHCHANGE,
            DupAllowVendorChange => ffi::SOLVER_FLAG_DUP_ALLOW_VENDORCHANGE,
            DupAllowNameChange => ffi::SOLVER_FLAG_DUP_ALLOW_NAMECHANGE,
            KeepOrphans => ffi::SOLVER_FLAG_KEEP_ORPHANS,
            BreakOrphans => ffi::SOLVER_FLAG_BREAK_ORPHANS,
            FocusInstalled => ffi::SOLVER_FLAG_FOCUS_INSTALLED,
            YumObsoletes => ffi::SOLVER_FLAG_YUM_OBSOLETES,
            NeedUpdateProvide => ffi::SOLVER_FLAG_NEED_UPDATEPROVIDE,
            FocusBest => ffi::SOLVER_FLAG_FOCUS_BEST,
            StrongRecommends => ffi::SOLVER_FLAG_STRONG_RECOMMENDS,
            InstallAlsoUpdates => ffi::SOLVER_FLAG_INSTALL_ALSO_UPDATES,
            OnlyNamespaceRecommended => ffi::SOLVER_FLAG_ONLY_NAMESPACE_RECOMMENDED,
            StrictRepoPriority => ffi::SOLVER_FLAG_STRICT_REPO_PRIORITY,
            FocusNew => ffi::SOLVER_FLAG_FOCUS_NEW,
        }) as i32
    }
}

/// A dependency solver.
pub struct Solver<'p> {
    pool: &'p Pool,
    raw: NonNull<ffi::Solver>,
}

fn opt_s(id: ffi::Id) -> Option<SolvableId> {
    (id > 0).then_some(SolvableId(id))
}

impl<'p> Solver<'p> {
    /// Creates a solver; (re)builds the pool's provides index if stale.
    pub fn new(pool: &'p Pool) -> Solver<'p> {
        pool.ensure_whatprovides();
        // SAFETY: valid pool with a provides index.
        let raw = unsafe { ffi::solver_create(pool.as_ptr()) };
        Solver {
            pool,
            raw: NonNull::new(raw).expect("solver_create returned NULL"),
        }
    }

    pub(crate) fn as_ptr(&self) -> *mut ffi::Solver {
        self.raw.as_ptr()
    }

    /// Sets a policy flag; returns the previous value.
    pub fn set_flag(&mut self, flag: SolverFlag, on: bool) -> bool {
        // SAFETY: valid solver.
        unsafe { ffi::solver_set_flag(self.as_ptr(), flag.raw(), on as i32) != 0 }
    }

    /// Reads a policy flag.
    pub fn flag(&self, flag: SolverFlag) -> bool {
        // SAFETY: valid solver, read only.
        unsafe { ffi::solver_get_flag(self.as_ptr(), flag.raw()) != 0 }
    }

    /// Solves the jobs. On success returns the ordered transaction, else
    /// the problems.
    pub fn solve(&mut self, jobs: &Jobs) -> Result<Transaction<'p>, Vec<Problem>> {
        if self.solve_count(jobs) > 0 {
            return Err(self.problems());
        }
        Ok(self.transaction())
    }

    /// Solves and returns the number of problems (0 = success).
    pub fn solve_count(&mut self, jobs: &Jobs) -> usize {
        self.pool.ensure_whatprovides();
        let mut q = jobs.q.clone();
        // SAFETY: valid solver and job queue; libsolv copies the jobs.
        unsafe { ffi::solver_solve(self.as_ptr(), q.as_mut_ptr()) as usize }
    }

    /// The transaction of the last solve, ordered (`transaction_order`).
    pub fn transaction(&self) -> Transaction<'p> {
        // SAFETY: valid solver; the transaction is independent of it.
        let t = unsafe { ffi::solver_create_transaction(self.as_ptr()) };
        // SAFETY: fresh transaction.
        unsafe { ffi::transaction_order(t, 0) };
        Transaction::from_raw(self.pool, t)
    }

    /// The problems of the last solve.
    pub fn problems(&self) -> Vec<Problem> {
        let s = self.as_ptr();
        let mut out = Vec::new();
        let mut pid = 0;
        loop {
            // SAFETY: valid solver after solve; iteration per libsolv API.
            pid = unsafe { ffi::solver_next_problem(s, pid) };
            if pid == 0 {
                break;
            }
            // SAFETY: valid problem id; tmp-space string copied at once.
            let text = unsafe { copy_cstr(ffi::solver_problem2str(s, pid)) };
            let mut q = Queue::new();
            // SAFETY: valid problem id, initialised queue.
            unsafe { ffi::solver_findallproblemrules(s, pid, q.as_mut_ptr()) };
            let rules = q.as_slice().iter().map(|&rid| self.rule(rid)).collect();
            // SAFETY: valid problem id after solve.
            let main_rule = unsafe { ffi::solver_findproblemrule(s, pid) };
            let main = self.rule(main_rule);
            out.push(Problem {
                id: pid,
                rules,
                main,
                text,
            });
        }
        out
    }

    fn rule(&self, rid: ffi::Id) -> ProblemRule {
        let (mut from, mut to, mut dep) = (0, 0, 0);
        let s = self.as_ptr();
        // SAFETY: valid rule id from solver_findallproblemrules.
        let kind = unsafe { ffi::solver_ruleinfo(s, rid, &mut from, &mut to, &mut dep) };
        // SAFETY: the values come from solver_ruleinfo; result copied at once.
        let text = unsafe { copy_cstr(ffi::solver_problemruleinfo2str(s, kind, from, to, dep)) };
        #[allow(clippy::unnecessary_cast)]
        let kind = RuleKind::from_raw(kind as u32);
        ProblemRule {
            kind,
            source: opt_s(from),
            target: opt_s(to),
            dep: (dep != 0).then_some(DepId(dep)),
            text,
        }
    }

    /// Installed packages nobody needs any more (`solver_get_unneeded`), for
    /// autoremove; requires `Job::USERINSTALLED` jobs for what the user
    /// installed. `filtered` drops packages only needed by other unneeded ones'
    /// weak deps (libsolv's filtering).
    pub fn unneeded(&self, filtered: bool) -> Vec<SolvableId> {
        let mut q = Queue::new();
        // SAFETY: valid solver after solve.
        unsafe { ffi::solver_get_unneeded(self.as_ptr(), q.as_mut_ptr(), filtered as i32) };
        q.as_slice().iter().map(|&p| SolvableId(p)).collect()
    }

    /// Packages erased because of `Job::CLEANDEPS` (`solver_get_cleandeps`).
    pub fn cleandeps(&self) -> Vec<SolvableId> {
        let mut q = Queue::new();
        // SAFETY: valid solver after solve.
        unsafe { ffi::solver_get_cleandeps(self.as_ptr(), q.as_mut_ptr()) };
        q.as_slice().iter().map(|&p| SolvableId(p)).collect()
    }
}

impl Drop for Solver<'_> {
    fn drop(&mut self) {
        // SAFETY: owned solver, freed once.
        unsafe { ffi::solver_free(self.as_ptr()) };
    }
}

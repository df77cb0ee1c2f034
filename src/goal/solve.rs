//! Jobs, solver flags and the solve (tdnf's `TDNFGoal` and `TDNFSolv`),
//! problem reporting (`SolvReportProblems`), and the plan rows built from
//! the transaction (`TDNFGoalGetAllResultsIgnoreNoData`).

use std::collections::HashSet;

use solv::{Job, Jobs, Problem, RuleKind, SolverFlag, Step, StepKind};

use super::policy::Policy;
use super::specs::Alter;
use super::{GoalOptions, Location, PlanItem, PlanKind};
use crate::error::{Code, Error, Result};
use crate::output::Printer;
use crate::sack::{Sack, Sid};

/// Which problems are not reported (`--skipconflicts`, `--skipobsoletes`,
/// `--skip-broken`), as tdnf's `SkipBasedOnType`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Skip {
    pub conflicts: bool,
    pub obsoletes: bool,
    pub broken: bool,
}

impl Skip {
    fn skips(self, kind: RuleKind) -> bool {
        use RuleKind::*;
        (self.conflicts && matches!(kind, PkgConflicts | PkgSelfConflict))
            || (self.obsoletes && matches!(kind, PkgObsoletes | PkgImplicitObsoletes | PkgInstalledObsoletes))
            // tdnf tests `type & SOLVER_RULE_PKG` (0x100), which also holds
            // for the feature, distupgrade, choice, best, recommends and
            // strict-repo-priority rules.
            || (self.broken
                && (kind.is_pkg_rule() || matches!(kind, Feature | Distupgrade | Choice | Best | Recommends | StrictRepoPriority)))
    }
}

/// Print the problems as tdnf (`N. <rule text>`, the last problem first,
/// then `Found N problem(s) while resolving`) on stderr; `Err(1301)` when
/// any is left after `skip`.
pub fn report_problems(printer: &Printer, problems: &[Problem], skip: Skip) -> Result<()> {
    let mut n = 0;
    for p in problems.iter().rev() {
        if skip.skips(p.main.kind) {
            continue;
        }
        n += 1;
        printer.err(&format!("{n}. {}\n", p.main.text));
    }
    if n > 0 {
        printer.err(&format!("Found {n} problem(s) while resolving\n"));
        return Err(Error::code(Code::SolvFailed));
    }
    Ok(())
}

/// Whether the name of `s` matches an exclude (tdnf's `TDNFAddGoal` skip).
pub(super) fn excluded(sack: &Sack, s: Sid) -> bool {
    if sack.excludes().is_empty() {
        return false;
    }
    let name = sack.brief(s).0;
    sack.excludes().iter().any(|p| p.matches(&name))
}

/// Solve the goal and return the plan rows.
pub(super) fn solve(
    sack: &mut Sack,
    printer: &Printer,
    policy: &Policy,
    alter: Option<Alter>,
    goal: &[Sid],
    opts: &GoalOptions,
    auto: &HashSet<String>,
) -> Result<Vec<PlanItem>> {
    let alter = alter.unwrap_or(Alter::Install);
    let mut jobs = Jobs::new();
    match alter {
        Alter::UpgradeAll => {
            jobs.all(Job::UPDATE);
        }
        Alter::DistroSync => {
            jobs.all(Job::DISTUPGRADE);
        }
        _ => {
            for &s in goal.iter().filter(|&&s| !excluded(sack, s)) {
                jobs.solvable(if alter.is_erase() { Job::ERASE } else { Job::INSTALL }, s);
            }
        }
    }
    let request = Request {
        jobs,
        allow_erasing: opts.allow_erasing || alter.is_erase(),
        clean: (policy.clean_deps && !opts.no_autoremove) || alter == Alter::AutoErase,
        reinstall: alter == Alter::Reinstall || (alter == Alter::DistroSync && policy.reinstall_changed),
    };
    solve_request(sack, printer, policy, request, opts, auto)
}

/// One solve's goal jobs and how to treat them.
pub(super) struct Request {
    /// The goal: install/erase/update/distupgrade jobs (excludes already
    /// left out).
    pub jobs: Jobs,
    /// Removals may resolve the goal: the user-installed packages are
    /// marked so and, unless packages are protected, uninstalling is
    /// allowed.
    pub allow_erasing: bool,
    /// `SOLVER_CLEANDEPS` on every job (clean_requirements_on_remove,
    /// autoremove).
    pub clean: bool,
    /// Reinstall steps become plan rows (reinstall, distro-sync with
    /// `distrosync_reinstall_changed`).
    pub reinstall: bool,
}

/// tdnf's `TDNFSolv` for any goal: the user-installed marks, `--best` and
/// clean-deps flags, locks for excluded packages, the policy's jobs
/// (locks.d, minversions, installonly, multilib, protected), the solve,
/// problems (1301, after `--skip*`), the protected check (1030), the
/// installonly re-solve, and the plan rows.
pub(super) fn solve_request(
    sack: &mut Sack,
    printer: &Printer,
    policy: &Policy,
    request: Request,
    opts: &GoalOptions,
    auto: &HashSet<String>,
) -> Result<Vec<PlanItem>> {
    let Request { mut jobs, allow_erasing, clean, reinstall } = request;
    if allow_erasing {
        for s in sack.installed_ids() {
            if !auto.contains(&sack.brief(s).0) {
                jobs.solvable(Job::USERINSTALLED, s);
            }
        }
    }
    let mut extra = Job(0);
    if opts.best {
        extra = extra | Job::FORCEBEST;
    }
    if clean {
        extra = extra | Job::CLEANDEPS;
    }
    let mut jobs = if extra.0 != 0 { with_flags(&jobs, extra) } else { jobs };
    // Excluded packages are never installed (tdnf disables them).
    for s in sack.available_ids() {
        if excluded(sack, s) {
            jobs.solvable(Job::LOCK, s);
        }
    }
    policy.add_jobs(sack, &mut jobs);
    let protect = allow_erasing && !policy.protected.is_empty();
    if protect {
        policy.add_protect_jobs(sack, printer, &mut jobs)?;
    }
    let skip = Skip { conflicts: opts.skip_conflicts, obsoletes: opts.skip_obsoletes, broken: opts.skip_broken };
    let mut tries = 0;
    loop {
        let mut solver = solv::Solver::new(&sack.pool);
        for (flag, on) in [
            (SolverFlag::AllowUninstall, allow_erasing && !protect),
            (SolverFlag::BestObeyPolicy, true),
            (SolverFlag::AllowVendorChange, true),
            (SolverFlag::KeepOrphans, true),
            (SolverFlag::YumObsoletes, true),
            (SolverFlag::AllowDowngrade, true),
            (SolverFlag::InstallAlsoUpdates, true),
        ] {
            solver.set_flag(flag, on);
        }
        if solver.solve_count(&jobs) > 0 {
            report_problems(printer, &solver.problems(), skip)?;
        }
        let steps = solver.transaction().steps();
        if !policy.protected.is_empty() {
            policy.check_protected(sack, printer, &steps)?;
        }
        tries += 1;
        if tries < 2 && !policy.installonly.is_empty() && policy.limit_jobs(sack, &steps, &mut jobs) {
            continue;
        }
        return Ok(rows(sack, &steps, reinstall));
    }
}

/// The jobs with `flags` or'ed into each (tdnf's `SolvAddFlagsToJobs`).
fn with_flags(jobs: &Jobs, flags: Job) -> Jobs {
    let mut out = Jobs::new();
    for pair in jobs.as_raw().chunks_exact(2) {
        out.push(Job(pair[0]) | flags, solv::Id::from_raw(pair[1]));
    }
    out
}

/// Plan rows from the transaction steps, as tdnf lists them: installs of
/// a package obsoleting another name count as installs; an obsoleted
/// package is both removed and obsoleted; reinstalls (and "changed"
/// packages) only for `reinstall` and distro-sync with
/// `distrosync_reinstall_changed`, else they are dropped.
pub(super) fn rows(sack: &Sack, steps: &[Step], reinstall: bool) -> Vec<PlanItem> {
    let mut out = Vec::new();
    for st in steps {
        let kinds: &[PlanKind] = match st.kind {
            StepKind::Install | StepKind::MultiInstall | StepKind::Obsoletes => &[PlanKind::Install],
            StepKind::Upgrade => &[PlanKind::Upgrade],
            StepKind::Downgrade => &[PlanKind::Downgrade],
            StepKind::Reinstall | StepKind::Change | StepKind::MultiReinstall if reinstall => &[PlanKind::Reinstall],
            StepKind::Erase => &[PlanKind::Erase],
            StepKind::Obsoleted => &[PlanKind::Erase, PlanKind::Obsolete],
            _ => &[],
        };
        for &k in kinds {
            out.push(item(sack, st, k));
        }
    }
    out
}

fn item(sack: &Sack, st: &Step, kind: PlanKind) -> PlanItem {
    let s = st.solvable;
    let info = sack.info(s);
    let installing = !matches!(kind, PlanKind::Erase | PlanKind::Obsolete | PlanKind::UnNeeded);
    let location = installing.then(|| {
        let x = sack.pool.solvable(s);
        let (kind, sum) = x.and_then(|x| x.lookup_checksum()).map(|(k, h)| (k.name().to_string(), h)).unwrap_or_default();
        Location {
            repo_id: info.repo.clone(),
            href: x.and_then(|x| x.location()).unwrap_or_default(),
            base: None,
            checksum_kind: kind,
            checksum: sum,
            size: info.download_size,
            local: sack.local_path(s).map(std::path::Path::to_path_buf),
        }
    });
    let replaces = if installing {
        st.replaced.iter().filter_map(|&r| sack.hnum(r).map(|h| (h, sack.info(r).nevra()))).collect()
    } else {
        Vec::new()
    };
    PlanItem {
        kind,
        sid: s,
        nevra: info.nevra(),
        repo: if sack.is_cmdline(s) { crate::sack::cmdline::CMDLINE_REPO.to_string() } else { info.repo.clone() },
        name: info.name,
        arch: info.arch,
        epoch: info.epoch,
        version: info.version,
        release: info.release,
        install_size: info.install_size,
        download_size: info.download_size,
        hnum: if installing { None } else { sack.hnum(s) },
        replaces,
        location,
    }
}

/// Auto-installed packages nothing installed needs (tdnf's
/// `SolvGetAutoInstalledOrphans`): no other installed package requires,
/// recommends, suggests, supplements or enhances its name, one of its
/// files or one of its provides.
pub fn auto_orphans(sack: &Sack, auto: &HashSet<String>) -> Vec<Sid> {
    use solv::DepKind as K;
    let kinds = [K::Requires, K::Recommends, K::Suggests, K::Supplements, K::Enhances];
    let installed = sack.installed_ids();
    let mut out = Vec::new();
    for &p in &installed {
        let Some(x) = sack.pool.solvable(p) else { continue };
        if !auto.contains(x.name()) {
            continue;
        }
        let mut caps: Vec<solv::DepId> = vec![solv::DepId::from(x.name_id())];
        caps.extend(x.files().iter().filter_map(|f| sack.pool.lookup_str(f)).map(solv::DepId::from));
        caps.extend(x.deps(K::Provides));
        let needed = installed.iter().filter(|&&q| q != p).filter_map(|&q| sack.pool.solvable(q)).any(|t| {
            caps.iter().any(|&c| kinds.iter().any(|&k| t.matches_dep(k, c)))
        });
        if !needed {
            out.push(p);
        }
    }
    out
}

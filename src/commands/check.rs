//! `tdnf check` (repository closure: install the best of every available
//! name, assuming no) and `tdnf check-local DIR` (every `*.rpm` of DIR
//! installed together in a private pool, without the installed set).

use std::path::Path;

use solv::{Job, Jobs, Pool, Problem, RuleKind, SolverFlag};

use crate::context::Context;
use crate::error::{Code, Error, Result};
use crate::output::Printer;
use crate::sack::{Needs, Sack};

/// Which problem kinds are not reported (`--skipconflicts`, …).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Skip {
    pub conflicts: bool,
    pub obsoletes: bool,
    pub broken: bool,
}

impl Skip {
    pub(crate) fn from_ctx(ctx: &Context<'_>) -> Skip {
        Skip { conflicts: ctx.args.has("skipconflicts"), obsoletes: ctx.args.has("skipobsoletes"), broken: ctx.args.skip_broken }
    }

    fn skips(&self, kind: RuleKind) -> bool {
        (self.conflicts && matches!(kind, RuleKind::PkgConflicts | RuleKind::PkgSelfConflict))
            || (self.obsoletes && matches!(kind, RuleKind::PkgObsoletes | RuleKind::PkgImplicitObsoletes | RuleKind::PkgInstalledObsoletes))
            || (self.broken && kind.is_pkg_rule())
    }
}

/// tdnf's solver flags for resolving (`client/goal.c`).
pub(crate) fn tdnf_solver_flags() -> [(SolverFlag, bool); 5] {
    [
        (SolverFlag::AllowUninstall, true),
        (SolverFlag::BestObeyPolicy, true),
        (SolverFlag::AllowVendorChange, true),
        (SolverFlag::KeepOrphans, true),
        (SolverFlag::YumObsoletes, true),
    ]
}

/// Print problems as tdnf (`N. <problem>`, newest problem first, then
/// `Found N problem(s) while resolving`); `Err(1301)` when any is left.
pub(crate) fn report_problems(printer: &Printer, problems: &[Problem], skip: Skip) -> Result<()> {
    let mut n = 0;
    for p in problems.iter().rev() {
        if skip.skips(p.main.kind) {
            continue;
        }
        n += 1;
        printer.err(&format!("{n}. {}\n", p.text));
    }
    if n > 0 {
        printer.err(&format!("Found {n} problem(s) while resolving\n"));
        return Err(Error::code(Code::SolvFailed));
    }
    Ok(())
}

/// Solve, report the problems, or say all is well.
fn finish(ctx: &Context<'_>, pool: &Pool, jobs: &Jobs, skip: Skip) -> Result<u8> {
    let problems = solve_all(pool, jobs);
    report_problems(ctx.printer, &problems, skip)?;
    ctx.printer.data("Check completed without issues\n");
    if ctx.printer.is_json() {
        ctx.printer.json_raw("{}");
    }
    Ok(0)
}

fn solve_all(pool: &Pool, jobs: &Jobs) -> Vec<Problem> {
    let mut solver = solv::Solver::new(pool);
    for (flag, on) in tdnf_solver_flags() {
        solver.set_flag(flag, on);
    }
    match solver.solve(jobs) {
        Ok(_) => Vec::new(),
        Err(problems) => problems,
    }
}

pub(super) fn run_check(ctx: &mut Context<'_>) -> Result<u8> {
    let skip = Skip::from_ctx(ctx);
    let sack: Sack = ctx.load_sack(Needs::default())?;
    let mut jobs = Jobs::new();
    let mut names: Vec<String> = sack.available_ids().into_iter().filter(|&s| sack.visible(s)).map(|s| sack.info(s).name).collect();
    names.sort();
    names.dedup();
    let mut pool = sack.pool;
    for name in &names {
        let id = pool.intern(name);
        jobs.name(Job::INSTALL, id);
    }
    finish(ctx, &pool, &jobs, skip)
}

/// Every `*.rpm` below `dir` (subdirectories too, dot entries skipped), as
/// tdnf's `readRpmsFromDir`.
fn collect_rpms(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<()> {
    for e in fs_err::read_dir(dir).map_err(|e| Error::io(dir.display(), e))?.flatten() {
        let p = e.path();
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if p.is_dir() {
            collect_rpms(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "rpm") {
            out.push(p);
        }
    }
    Ok(())
}

pub(super) fn run_check_local(ctx: &mut Context<'_>) -> Result<u8> {
    let Some(dir) = ctx.args.command_args().first().cloned() else {
        return Err(Error::code(Code::CheckLocalExpectDir));
    };
    let dir = Path::new(&dir);
    if !dir.is_dir() {
        return Err(Error::io(dir.display(), std::io::Error::from(std::io::ErrorKind::NotFound)));
    }
    let skip = Skip::from_ctx(ctx);
    ctx.printer.info(&format!("Checking all packages from: {}\n", dir.display()));
    let mut pool = Pool::new_rpm(&ctx.settings.arch);
    let repo = pool.add_repo("@cmdline");
    let mut paths = Vec::new();
    collect_rpms(dir, &mut paths)?;
    paths.sort();
    let mut ids = Vec::new();
    {
        let mut w = pool.repo_writer(repo);
        for p in &paths {
            let pkg = crate::rpm::RpmFile::open(p)
                .and_then(|f| f.to_package())
                .map_err(|e| Error::new(Code::Einval, format!("{}: {e}", p.display())))?;
            ids.push(crate::sack::load::add_package(&mut w, &pkg, true));
        }
        w.finish();
    }
    ctx.printer.info(&format!("Found {} packages\n", ids.len()));
    pool.addfileprovides();
    let mut jobs = Jobs::new();
    for s in ids {
        jobs.solvable(Job::INSTALL, s);
    }
    finish(ctx, &pool, &jobs, skip)
}

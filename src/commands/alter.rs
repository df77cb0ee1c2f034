//! The alter commands (`install`, `erase`, `update`, `downgrade`,
//! `reinstall`, `distro-sync`, `autoremove`): tdnf's flow in one place.
//!
//! 1. the instance lock; 2. the sack; 3. the resolver's plan
//!    ([`crate::goal`]); 4. the plan table (or the JSON object) and the
//!    question; 5. downloads ([`crate::download::packages`]); 6. signature
//!    checks ([`crate::signature::check_for_install`]); 7. the transaction
//!    ([`crate::transaction::run`]); 8. the history row
//!    ([`crate::history`]); 9. `Complete!`.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::context::Context;
use crate::error::{Code, Error, Result};
use crate::goal::{Action, Plan, PlanItem, PlanKind};
use crate::history::History;
use crate::output::Printer;
use crate::transaction::{self, ElementKind, Flags, Outcome, Step, TransactionSet};

pub(super) fn run_install(ctx: &mut Context<'_>) -> Result<u8> {
    alter(ctx, Action::Install)
}
pub(super) fn run_erase(ctx: &mut Context<'_>) -> Result<u8> {
    alter(ctx, Action::Erase)
}
pub(super) fn run_update(ctx: &mut Context<'_>) -> Result<u8> {
    alter(ctx, Action::Update)
}
pub(super) fn run_downgrade(ctx: &mut Context<'_>) -> Result<u8> {
    alter(ctx, Action::Downgrade)
}
pub(super) fn run_reinstall(ctx: &mut Context<'_>) -> Result<u8> {
    alter(ctx, Action::Reinstall)
}
pub(super) fn run_distro_sync(ctx: &mut Context<'_>) -> Result<u8> {
    alter(ctx, Action::DistroSync)
}
pub(super) fn run_autoremove(ctx: &mut Context<'_>) -> Result<u8> {
    alter(ctx, Action::Autoremove)
}

/// `Is this ok [y/N]: ` — `-y` yes, `--assumeno` no; with no terminal (a
/// Dockerfile `RUN`, CI) or at the end of input the answer is no, never a
/// hang.
fn confirmed(ctx: &Context<'_>) -> Result<bool> {
    if ctx.args.assume_yes {
        return Ok(true);
    }
    if ctx.args.assume_no || !std::io::stdin().is_terminal() {
        return Ok(false);
    }
    let printer = ctx.printer;
    loop {
        printer.stdout_always("Is this ok [y/N]: ");
        let mut line = String::new();
        let n = std::io::stdin().read_line(&mut line).map_err(|e| Error::io("standard input", e))?;
        if n == 0 {
            return Ok(false);
        }
        match line.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => return Ok(true),
            "n" | "no" | "" => return Ok(false),
            _ => {}
        }
    }
}

/// The transaction flags from `tsflags` and the options.
fn flags(ctx: &Context<'_>) -> Flags {
    let ts = ctx.args.setopt("tsflags").map(str::to_owned).unwrap_or_default();
    let has = |w: &str| ts.split([',', ' ']).any(|x| x == w);
    Flags {
        noscripts: has("noscripts"),
        notriggers: has("notriggers"),
        nodocs: has("nodocs"),
        test: ctx.args.test_only,
        replace_files: false,
        output: if ctx.printer.is_json() {
            transaction::scriptlet::Output::StdoutToStderr
        } else {
            transaction::scriptlet::Output::Inherit
        },
    }
}

/// Prints tdnf's per-element lines and rpm's warnings.
pub(super) struct CliReporter<'p> {
    pub(super) printer: &'p Printer,
}

impl transaction::Reporter for CliReporter<'_> {
    fn element(&self, _index: usize, _total: usize, kind: ElementKind, nevra: &str) {
        let verb = if kind == ElementKind::Install { "Installing/Updating" } else { "Removing" };
        self.printer.info(&format!("{verb}: {nevra}\n"));
    }

    fn warning(&self, message: &str) {
        self.printer.err(&format!("{message}\n"));
    }
}

fn now_tid() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX))
}

/// The engine's steps for `plan`, with `files[i]` the package file of
/// item `i` (installing rows only): the installing rows in plan order with
/// the packages they replace, then the pure erases.
fn steps(plan: &Plan, files: &[Option<PathBuf>]) -> Vec<Step> {
    let mut out: Vec<Step> = plan
        .items
        .iter()
        .zip(files)
        .filter(|(item, _)| needs_file(item) && !super::alter_source::is_source(item))
        .filter_map(|(item, file)| {
            let rpm = file.clone()?;
            Some(Step::Install { rpm, replaces: item.replaces.iter().map(|(h, _)| *h).collect() })
        })
        .collect();
    out.extend(plan.pure_erases().into_iter().map(|hnum| Step::Erase { hnum }));
    out
}

fn alter(ctx: &mut Context<'_>, action: Action) -> Result<u8> {
    let _lock = super::alter_support::lock(ctx)?;
    let needs = super::alter_support::needs(ctx, action);
    let mut sack = ctx.load_sack(needs)?;
    let opts = super::alter_support::goal_options(ctx);
    let keep = ctx.settings.conf.keepcache || ctx.args.download_only;
    let mut fetched = crate::download::cmdline::Fetched { paths: Vec::new(), keep };
    let specs = if matches!(action, Action::Install | Action::Reinstall) {
        let source = action == Action::Install && (opts.source || opts.build_deps);
        crate::goal::specs::check_rpm_kinds(ctx.printer, ctx.args.command_args(), source)?;
        let net = ctx.net_for(&crate::config::RepoConf::new(crate::download::cmdline::CMDLINE_REPO));
        let dl = &ctx.downloader;
        crate::download::cmdline::fetch_remote_rpms(dl, &ctx.settings.cachedir, &net, ctx.args.command_args(), &mut fetched.paths)?
    } else {
        ctx.args.command_args().to_vec()
    };
    let plan = crate::goal::resolve(&mut sack, &ctx.settings, ctx.printer, action, &specs, &opts)?;
    let printer = ctx.printer;
    if !plan.already_installed.is_empty() && !ctx.args.test_only && !ctx.args.download_only {
        super::alter_support::mark_user_installed(ctx, &plan.already_installed)?;
    }
    crate::output::plan::print_not_available(printer, &plan);
    plan.check_action()?;
    let ctx: &Context<'_> = ctx;
    execute(ctx, &plan, |history, outcome| super::alter_support::record_history(ctx, history, &plan, outcome))
}

/// Steps 4 to 9 for a resolved `plan` (shared with `history
/// undo/redo/rollback`): the table (text) and the question, downloads,
/// signature checks, the transaction, then `record` writes the history
/// row (not with `--testonly`/`--downloadonly`, nor when only the checks
/// ran), and `Complete!` or the JSON plan.
pub(super) fn execute(
    ctx: &Context<'_>,
    plan: &Plan,
    record: impl FnOnce(&mut History, &Outcome) -> Result<()>,
) -> Result<u8> {
    let printer = ctx.printer;
    if !printer.is_json() {
        crate::output::plan::print_plan(printer, plan);
    }
    if !confirmed(ctx)? {
        if printer.is_json() {
            printer.json(&crate::output::plan::plan_view(plan));
            return Ok(0);
        }
        return Err(Error::code(Code::OperationAborted));
    }
    let files = super::alter_support::download(ctx, plan)?;
    if ctx.args.download_only {
        if printer.is_json() {
            printer.json(&crate::output::plan::plan_view(plan));
        }
        return Ok(0);
    }
    super::alter_support::check_signatures(ctx, plan, &files.paths)?;
    let tid = now_tid();
    if !ctx.args.test_only {
        // tdnf unpacks source packages while it fills the transaction.
        super::alter_source::install_sources(ctx, plan, &files.paths, tid)?;
    }

    let dbpath = super::alter_support::dbpath_in_root(ctx);
    let mut history = if ctx.args.test_only { None } else { Some(super::alter_support::history_begin(ctx)?) };
    let ts = TransactionSet { root: ctx.settings.root.clone(), dbpath, steps: steps(plan, &files.paths), flags: flags(ctx), tid };
    printer.info("Testing transaction\n");
    let reporter = CliReporter { printer };
    if !ts.flags.test {
        printer.info("Running transaction\n");
    }
    let outcome = match transaction::run(&ts, &reporter) {
        Ok(o) => o,
        Err(transaction::TxError::Problems(p)) => {
            printer.data(&format!("Found {} problems\n", p.len()));
            for line in &p {
                printer.data(&format!("{line}\n"));
            }
            return Err(Error::code(Code::TransactionFailed));
        }
        Err(e) => return Err(Error::new(Code::TransactionFailed, e.to_string())),
    };
    if !outcome.tested_only {
        if let Some(h) = history.as_mut() {
            record(h, &outcome)?;
        }
        super::alter_support::drop_downloads(ctx, &files);
    }
    if let Some(sig) = outcome.interrupted {
        printer.err(&format!("Transaction stopped by {sig}\n"));
        let _ = nix::sys::signal::raise(sig);
    }
    if !outcome.clean() {
        return Err(Error::code(Code::TransactionFailed));
    }
    if printer.is_json() {
        printer.json(&crate::output::plan::plan_view(plan));
    } else if !outcome.tested_only {
        printer.info("Complete!\n");
    }
    Ok(0)
}

/// Items of `plan` that need a package file.
pub(super) fn needs_file(item: &PlanItem) -> bool {
    matches!(item.kind, PlanKind::Install | PlanKind::Upgrade | PlanKind::Downgrade | PlanKind::Reinstall)
}

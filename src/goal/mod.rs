//! The resolver of the alter commands: package specs into libsolv jobs as
//! tdnf builds them (`client/resolve.c`, `client/goal.c`,
//! `client/packageutils.c`), tdnf's policies (installonly packages and
//! their limit, `locks.d`, `protected.d`, `minversions`, excludes), one
//! solve, and the [`Plan`] the commands print and execute.
//!
//! * [`specs`] — specs into the goal: the solvables to install, erase,
//!   upgrade or downgrade ("already installed", "not found", globs,
//!   local `.rpm` files in `@cmdline`, `update --security`).
//! * [`policy`] — the `*.d` lists next to `tdnf.conf` and the jobs and
//!   checks they add.
//! * [`solve`] — jobs, solver flags, problems, the installonly re-solve
//!   and the plan built from the transaction.
//! * [`source`] — `install --source` (no-deps rows of source packages)
//!   and `install --builddeps` (their requires as install specs).
//! * [`nevras`] — exact NEVRAs to install and erase in one goal (history
//!   undo/redo/rollback).
//!
//! Where the libsolv wrapper lacks `pool->considered` (tdnf disables
//! excluded packages and those below a minversion with it), the packages
//! are locked instead (`SOLVER_LOCK`): they are never installed, and a
//! request for one is a solver problem (1301) as in tdnf, with libsolv's
//! text for a locked rather than a disabled package.

pub mod nevras;
pub mod policy;
pub mod solve;
pub mod source;
pub mod specs;

use std::path::PathBuf;

use crate::config::Settings;
use crate::error::{Code, Error, Result};
use crate::output::Printer;
use crate::sack::advisory::AdvisoryFilter;
use crate::sack::{Sack, Sid};

/// An alter command, as the user named it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Install,
    Erase,
    /// `update`/`upgrade`; without specs every package.
    Update,
    /// Without specs every installed package.
    Downgrade,
    Reinstall,
    DistroSync,
    /// With specs: erase them and their unneeded dependencies; without:
    /// every auto-installed leaf.
    Autoremove,
}

/// Command-line switches that change the resolution.
#[derive(Debug, Clone, Default)]
pub struct GoalOptions {
    /// `--best`: `SOLVER_FORCEBEST` on every job.
    pub best: bool,
    /// `--allowerasing`.
    pub allow_erasing: bool,
    /// `--skip-broken`: unknown specs are skipped, package problems ignored.
    pub skip_broken: bool,
    /// `--skipconflicts`: conflict problems are not reported.
    pub skip_conflicts: bool,
    /// `--skipobsoletes`: obsolete problems are not reported.
    pub skip_obsoletes: bool,
    /// `--noautoremove`: no `clean_requirements_on_remove` for this run.
    pub no_autoremove: bool,
    /// `--security`/`--sec-severity`/`--reboot-required` (for `update`; the
    /// sack needs `updateinfo` loaded).
    pub security: Option<AdvisoryFilter>,
    /// `--source`: install source packages (local `.src.rpm` files, repo
    /// packages of arch `src`) without dependencies ([`source`]).
    pub source: bool,
    /// `--builddeps`: install the requires of the named source packages.
    pub build_deps: bool,
}

/// What happens to one package (tdnf's plan headings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanKind {
    Install,
    Upgrade,
    Downgrade,
    Reinstall,
    /// `Removing:`; an obsoleted package is listed here too, as tdnf does.
    Erase,
    /// `Obsoleting:`: an installed package replaced by another name.
    Obsolete,
    /// tdnf's `UnNeeded` list (declared by tdnf 3.6, never filled).
    UnNeeded,
}

/// Where an installing package comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The repo id (`@cmdline` for local files).
    pub repo_id: String,
    /// `location_href` (the file path for `@cmdline`).
    pub href: String,
    /// `location_base` (`xml:base`); not kept by the sack, always `None`.
    pub base: Option<String>,
    /// `sha256`, `sha1`, ... (empty when primary has none).
    pub checksum_kind: String,
    /// Lowercase hex.
    pub checksum: String,
    /// The package size from primary (the file size for `@cmdline`).
    pub size: u64,
    /// The file of a `@cmdline` package: nothing to download.
    pub local: Option<PathBuf>,
}

/// One row of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanItem {
    pub kind: PlanKind,
    pub sid: Sid,
    pub name: String,
    pub arch: String,
    pub epoch: u32,
    pub version: String,
    pub release: String,
    /// `name-[epoch:]version-release.arch`.
    pub nevra: String,
    /// `@System` for installed packages, `@cmdline` for local files.
    pub repo: String,
    pub install_size: u64,
    pub download_size: u64,
    /// Erase/Obsolete/UnNeeded: the installed header number.
    pub hnum: Option<u32>,
    /// Install/Upgrade/Downgrade/Reinstall: the installed packages this one
    /// replaces (`hnum`, nevra): same name, or obsoleted by it.
    pub replaces: Vec<(u32, String)>,
    /// What to download (installing kinds only).
    pub location: Option<Location>,
}

/// The result of a resolve.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// In libsolv's transaction order, grouped by nothing: print with
    /// [`crate::output::plan`], which groups by kind.
    pub items: Vec<PlanItem>,
    /// `install` only: the names the user asked for (auto flag 0); every
    /// other installed package of the plan is a dependency (auto flag 1).
    pub user_names: Vec<String>,
    /// Names that were already installed ("Package X is already
    /// installed." was printed); re-mark them user-installed.
    pub already_installed: Vec<String>,
    /// Specs that matched nothing (with `--skip-broken`, or globs): tdnf
    /// prints `No package X available` for them.
    pub not_resolved: Vec<String>,
    /// No job was left to solve (tdnf's "already installed" goal).
    pub goal_empty: bool,
}

impl Plan {
    /// Whether anything changes.
    pub fn needs_action(&self) -> bool {
        !self.items.is_empty()
    }

    /// Whether anything is installed (so packages must be fetched).
    pub fn needs_download(&self) -> bool {
        self.items.iter().any(|i| i.location.is_some())
    }

    /// The rows of one kind, in order.
    pub fn of_kind(&self, kind: PlanKind) -> impl Iterator<Item = &PlanItem> {
        self.items.iter().filter(move |i| i.kind == kind)
    }

    /// tdnf's verdict on an empty plan: nothing to do (905, a quiet
    /// success), or no match (1011) when some spec matched nothing and
    /// there was a goal. `Ok` when there is something to do.
    pub fn check_action(&self) -> Result<()> {
        if self.needs_action() {
            return Ok(());
        }
        if !self.goal_empty && !self.not_resolved.is_empty() {
            return Err(Error::code(Code::NoMatch));
        }
        Err(Error::code(Code::NothingToDo))
    }

    /// The header numbers to erase that no installing row replaces (an
    /// obsoleted package is both an Erase row and in its replacer's
    /// `replaces`; erase it once).
    pub fn pure_erases(&self) -> Vec<u32> {
        let replaced: std::collections::HashSet<u32> = self.items.iter().flat_map(|i| i.replaces.iter().map(|r| r.0)).collect();
        let mut out: Vec<u32> = Vec::new();
        for i in self.items.iter().filter(|i| i.kind == PlanKind::Erase) {
            if let Some(h) = i.hnum
                && !replaced.contains(&h)
                && !out.contains(&h)
            {
                out.push(h);
            }
        }
        out
    }
}

/// Resolve `specs` for `action`: prepare the goal ([`specs`]), add tdnf's
/// jobs and policies, solve, and build the plan. Prints what tdnf prints
/// on the way (`Package X is already installed.`, `X package not found or
/// not installed`, solver problems) and fails with tdnf's codes: 1001 no
/// specs for install/erase/reinstall, 1011 an unknown spec (unless
/// `--skip-broken`), 1301 solver problems, 1030 a protected package, 1622
/// a bad local `.rpm`. An empty plan is `Ok`: see [`Plan::check_action`].
pub fn resolve(
    sack: &mut Sack,
    settings: &Settings,
    printer: &Printer,
    action: Action,
    specs: &[String],
    opts: &GoalOptions,
) -> Result<Plan> {
    if matches!(action, Action::Install | Action::Erase | Action::Reinstall) && specs.is_empty() {
        return Err(Error::code(Code::PackageRequired));
    }
    let policy = policy::Policy::load(settings, sack);
    let auto = crate::sack::installed::auto_installed_names(settings)?;
    let alter = specs::Alter::of(action, specs, opts);
    let goal = specs::prepare(sack, printer, &policy, alter, specs, opts, &auto)?;
    let mut plan = Plan {
        user_names: Vec::new(),
        already_installed: goal.already_installed.clone(),
        not_resolved: goal.not_resolved.clone(),
        goal_empty: false,
        items: Vec::new(),
    };
    if goal.ids.is_empty() && !alter.is_all() {
        plan.goal_empty = true;
        return Ok(plan);
    }
    if opts.source && !opts.build_deps && goal.alter == Some(specs::Alter::Install) {
        // tdnf's `TDNFGoalNoDeps`: the packages as they are, nothing solved.
        plan.items = source::rows(sack, &goal.ids);
        return Ok(plan);
    }
    plan.items = solve::solve(sack, printer, &policy, goal.alter, &goal.ids, opts, &auto)?;
    if goal.alter == Some(specs::Alter::Install) {
        for &s in &goal.ids {
            let name = sack.brief(s).0;
            if !plan.user_names.contains(&name) {
                plan.user_names.push(name);
            }
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_more;

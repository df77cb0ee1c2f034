//! Specs into the goal, as tdnf's `TDNFPrepareAllPackages` and
//! `TDNFPrepareSinglePkg`: each spec is looked up (all packages, then the
//! installed or available ones the action needs), and the solvable the job
//! is about joins the goal.
//!
//! Quirks kept from tdnf: a spec that matches nothing at all is `X package
//! not found or not installed` and 1011 (with `--skip-broken` it is only
//! "not resolved"); a glob is matched against *available* packages and
//! each match's name becomes a spec; `*.rpm` specs are local files
//! (install/reinstall) and are otherwise ignored; `update NAME` of a
//! package that is not installed, and `downgrade` of a package with
//! nothing available, are 1011. Excluded packages are found here and
//! dropped when jobs are made (tdnf's `TDNFAddGoal`).

use std::cmp::Ordering;
use std::collections::HashSet;
use std::path::PathBuf;

use solv::SelectFlags;

use super::policy::Policy;
use super::{Action, GoalOptions};
use crate::error::{Code, Error, Result};
use crate::output::Printer;
use crate::query::best::best_of;
use crate::sack::{Sack, Sid};

/// tdnf's alter types (`TDNF_ALTERTYPE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alter {
    Install,
    Reinstall,
    Erase,
    AutoErase,
    AutoEraseAll,
    Upgrade,
    UpgradeAll,
    Downgrade,
    DowngradeAll,
    DistroSync,
}

impl Alter {
    /// The alter type of a command line (the `*All` forms without specs).
    pub fn of(action: Action, specs: &[String], opts: &GoalOptions) -> Alter {
        let all = specs.is_empty();
        match action {
            Action::Install => Alter::Install,
            Action::Reinstall => Alter::Reinstall,
            Action::Erase => Alter::Erase,
            Action::Autoremove if all => Alter::AutoEraseAll,
            Action::Autoremove => Alter::AutoErase,
            Action::Update if opts.security.as_ref().is_some_and(|f| f.is_active()) => Alter::Upgrade,
            Action::Update if all => Alter::UpgradeAll,
            Action::Update => Alter::Upgrade,
            Action::Downgrade if all => Alter::DowngradeAll,
            Action::Downgrade => Alter::Downgrade,
            Action::DistroSync => Alter::DistroSync,
        }
    }

    /// A job over everything (no goal needed).
    pub fn is_all(self) -> bool {
        matches!(self, Alter::UpgradeAll | Alter::DistroSync)
    }

    /// Erase jobs (and allow-uninstall).
    pub fn is_erase(self) -> bool {
        matches!(self, Alter::Erase | Alter::AutoErase | Alter::AutoEraseAll)
    }
}

/// The prepared goal.
#[derive(Debug, Default)]
pub struct Goal {
    pub alter: Option<Alter>,
    pub ids: Vec<Sid>,
    pub not_resolved: Vec<String>,
    pub already_installed: Vec<String>,
}

/// tdnf's `TDNFIsGlob`.
pub fn is_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// A spec's matches without the info lines (`filter`: installed or
/// available only), retrying without case as tdnf's queries do.
pub fn find(sack: &mut Sack, spec: &str, filter: Option<bool>) -> Vec<Sid> {
    let flags = SelectFlags::PACKAGE_SPEC;
    for f in [flags, flags | SelectFlags::NOCASE] {
        let sel = sack.pool.select(spec, f);
        let ids: Vec<Sid> = sel.solvables(&sack.pool).into_iter().filter(|&s| filter.is_none_or(|i| sack.is_installed(s) == i)).collect();
        if !ids.is_empty() {
            return ids;
        }
    }
    Vec::new()
}

/// Build the goal for `alter` (tdnf's `TDNFAddCmdLinePackages` and
/// `TDNFPrepareAllPackages`).
pub fn prepare(
    sack: &mut Sack,
    printer: &Printer,
    policy: &Policy,
    alter: Alter,
    specs: &[String],
    opts: &GoalOptions,
    auto: &HashSet<String>,
) -> Result<Goal> {
    let mut p = Prep { sack, printer, policy, opts, goal: Goal { alter: Some(alter), ..Goal::default() } };
    if matches!(alter, Alter::Install | Alter::Reinstall) {
        let source = alter == Alter::Install && (opts.source || opts.build_deps);
        let files = local_files(printer, specs, source, opts, &mut p.goal.not_resolved)?;
        let ids = p.sack.add_cmdline_rpms(&files)?;
        p.goal.ids.extend(ids);
    }
    if alter == Alter::Install && opts.build_deps {
        super::source::build_deps(&mut p, specs)?;
        return Ok(p.goal);
    }
    if alter == Alter::Install && opts.source {
        super::source::source_specs(&mut p, specs)?;
        return Ok(p.goal);
    }
    match alter {
        Alter::DowngradeAll => {
            for s in p.sack.installed_ids() {
                let name = p.sack.brief(s).0;
                p.single(&name, alter)?;
            }
        }
        Alter::AutoEraseAll => {
            let orphans = super::solve::auto_orphans(p.sack, auto);
            p.goal.ids.extend(orphans);
        }
        _ => {}
    }
    if let Some(filter) = opts.security.as_ref().filter(|f| f.is_active())
        && matches!(alter, Alter::Upgrade)
    {
        for name in crate::sack::advisory::update_names(p.sack, filter) {
            p.single(&name, alter)?;
        }
        return Ok(p.goal);
    }
    for spec in specs {
        if is_glob(spec) {
            let ids = find(p.sack, spec, Some(false));
            if ids.is_empty() {
                p.goal.not_resolved.push(spec.clone());
            }
            let mut names: Vec<String> = Vec::new();
            for s in ids {
                let n = p.sack.brief(s).0;
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            for n in names {
                p.single(&n, alter)?;
            }
        } else if !spec.ends_with(".rpm") {
            p.single(spec, alter)?;
        }
    }
    Ok(p.goal)
}

/// tdnf's check of the `*.rpm` specs before anything is read or
/// downloaded: a source rpm needs `source` (`--source`/`--builddeps`,
/// install only), a binary one must not have it (1622 either way).
pub fn check_rpm_kinds(printer: &Printer, specs: &[String], source: bool) -> Result<()> {
    for spec in specs.iter().filter(|s| s.ends_with(".rpm")) {
        if spec.ends_with(".src.rpm") && !source {
            printer.err(&format!(
                "package '{spec}' appears to be a source rpm - use --source to install, or --builddeps to install its build depenfdencies\n"
            ));
            return Err(Error::code(Code::Einval));
        }
        if !spec.ends_with(".src.rpm") && source {
            printer.err(&format!("package '{spec}' appears not to be a source rpm but --source or --builddeps was used\n"));
            return Err(Error::code(Code::Einval));
        }
    }
    Ok(())
}

/// The local files among the specs (`*.rpm` paths and `file://` URLs).
/// A source rpm is refused (1622) as tdnf does without `--source` or
/// `--builddeps`, a binary one with them; a remote URL must have been
/// downloaded by the caller first (1622).
fn local_files(printer: &Printer, specs: &[String], source: bool, opts: &GoalOptions, missing: &mut Vec<String>) -> Result<Vec<PathBuf>> {
    check_rpm_kinds(printer, specs, source)?;
    let mut out = Vec::new();
    for spec in specs.iter().filter(|s| s.ends_with(".rpm")) {
        let path = if let Some(p) = spec.strip_prefix("file://") {
            PathBuf::from(p)
        } else if spec.contains("://") {
            return Err(Error::new(Code::Einval, format!("{spec}: download remote packages before resolving")));
        } else {
            PathBuf::from(spec)
        };
        if !path.is_file() {
            if spec.starts_with("file://") {
                return Err(Error::io(path.display(), std::io::Error::from(std::io::ErrorKind::NotFound)));
            }
            // tdnf skips a missing path silently ("Nothing to do", exit
            // 0); a typo in an image build should fail: no match (1011),
            // or a not-resolved spec with --skip-broken.
            if opts.skip_broken {
                missing.push(spec.clone());
                continue;
            }
            printer.err(&format!("{spec}: no such package file\n"));
            return Err(Error::code(Code::NoMatch));
        }
        out.push(path.canonicalize().map_err(|e| Error::io(path.display(), e))?);
    }
    Ok(out)
}

pub(super) struct Prep<'a> {
    pub(super) sack: &'a mut Sack,
    pub(super) printer: &'a Printer,
    policy: &'a Policy,
    pub(super) opts: &'a GoalOptions,
    pub(super) goal: Goal,
}

impl Prep<'_> {
    /// tdnf's `TDNFPrepareSinglePkg`.
    pub(super) fn single(&mut self, spec: &str, alter: Alter) -> Result<()> {
        if find(self.sack, spec, None).is_empty() {
            if self.opts.skip_broken {
                self.goal.not_resolved.push(spec.to_string());
                return Ok(());
            }
            self.printer.err(&format!("{spec} package not found or not installed\n"));
            return Err(Error::code(Code::NoMatch));
        }
        // Only for tdnf's `[using capability match for 'x']`-style notes.
        let _ = crate::query::select_spec(self.sack, self.printer, spec, crate::sack::SelectKind::List, None);
        let no_match = || Error::code(Code::NoMatch);
        match alter {
            Alter::Reinstall => {
                let inst = *find(self.sack, spec, Some(true)).first().ok_or_else(no_match)?;
                let (name, _, evr, _) = self.sack.brief(inst);
                let avail = *find(self.sack, &format!("{name}-{evr}"), Some(false)).first().ok_or_else(no_match)?;
                self.goal.ids.push(avail);
            }
            Alter::Erase | Alter::AutoErase => self.goal.ids.extend(find(self.sack, spec, Some(true))),
            Alter::Install => {
                let best = self.highest_available(spec)?;
                let name = self.sack.brief(best).0;
                let differs = match self.extreme_installed(&name, true) {
                    Some(inst) => self.cmp(best, inst) != Ordering::Equal,
                    None => true,
                };
                if differs || self.policy.is_installonly(spec) {
                    self.goal.ids.push(best);
                } else {
                    self.printer.err(&format!("Package {spec} is already installed.\n"));
                    if !self.goal.already_installed.contains(&name) {
                        self.goal.already_installed.push(name);
                    }
                }
            }
            Alter::Upgrade => {
                let best = self.highest_available(spec)?;
                let name = self.sack.brief(best).0;
                let inst = self.extreme_installed(&name, true).ok_or_else(no_match)?;
                if self.cmp(best, inst) == Ordering::Greater {
                    self.goal.ids.push(best);
                }
            }
            Alter::Downgrade | Alter::DowngradeAll => {
                let avail = find(self.sack, spec, Some(false));
                let first = *avail.first().ok_or_else(no_match)?;
                let name = self.sack.brief(first).0;
                let low = self.extreme_installed(&name, false).ok_or_else(no_match)?;
                let mut down: Option<Sid> = None;
                for &a in &avail {
                    if self.cmp(a, low) == Ordering::Less && down.is_none_or(|d| self.cmp(a, d) == Ordering::Greater) {
                        down = Some(a);
                    }
                }
                match down {
                    Some(d) => self.goal.ids.push(d),
                    None => self.printer.err(&format!("There is no downgrade path for {spec}.\n")),
                }
            }
            Alter::AutoEraseAll | Alter::UpgradeAll | Alter::DistroSync => {}
        }
        Ok(())
    }

    fn cmp(&self, a: Sid, b: Sid) -> Ordering {
        self.sack.evrcmp(&self.sack.brief(a).2, &self.sack.brief(b).2)
    }

    /// The highest (`high`) or lowest installed package a name selects.
    fn extreme_installed(&mut self, name: &str, high: bool) -> Option<Sid> {
        let want = if high { Ordering::Greater } else { Ordering::Less };
        let mut best: Option<Sid> = None;
        for s in find(self.sack, name, Some(true)) {
            if best.is_none_or(|b| self.cmp(s, b) == want) {
                best = Some(s);
            }
        }
        best
    }

    /// tdnf's `SolvFindHighestAvailable`: the best package of exactly that
    /// name (installed ones included) or one that obsoletes it, else the
    /// best available match of the spec.
    fn highest_available(&mut self, spec: &str) -> Result<Sid> {
        let sack = &*self.sack;
        if let Some(id) = sack.pool.lookup_str(spec) {
            let providers = sack.pool.whatprovides(solv::DepId::from(id));
            let named: Vec<Sid> = providers.iter().copied().filter(|&s| sack.brief(s).0 == spec).collect();
            if let Some(first) = best_of(sack, &named) {
                let mut q = vec![first];
                q.extend(providers.iter().copied().filter(|&s| sack.brief(s).0 != spec && obsoletes(sack, s, first)));
                return Ok(best_of(sack, &q).unwrap_or(first));
            }
        }
        let avail = find(self.sack, spec, Some(false));
        best_of(self.sack, &avail).ok_or_else(|| Error::code(Code::NoMatch))
    }
}

/// Whether `s` obsoletes `target` (an obsoletes entry naming it, with a
/// version range that holds for its EVR).
fn obsoletes(sack: &Sack, s: Sid, target: Sid) -> bool {
    let (tname, _, tevr, _) = sack.brief(target);
    sack.deps(s, crate::sack::DepKind::Obsoletes).iter().any(|d| {
        let dep = crate::sack::deps::parse_capability(d);
        if dep.name != tname {
            return false;
        }
        let Some(op) = dep.op else { return true };
        let ord = sack.evrcmp(&tevr, &dep.evr);
        use repodata::DepOp::*;
        match op {
            Lt => ord == Ordering::Less,
            Le => ord != Ordering::Greater,
            Eq => ord == Ordering::Equal,
            Ge => ord != Ordering::Less,
            Gt => ord == Ordering::Greater,
        }
    })
}

//! The goal of `history undo/redo/rollback`: exact NEVRAs instead of specs
//! (tdnf's `TDNFHistoryResolve` from the NEVRA lists on, `TDNFHistoryGoal`
//! and its `TDNFSolv` with erasing allowed).
//!
//! Each NEVRA to install selects the first package of the repos with that
//! name, EVR and arch (pool order); one that is installed already is
//! skipped, one that no repo has is "could not be resolved" and, after the
//! solve, fails the command with 1011 as tdnf does. Each NEVRA to erase
//! selects the installed packages that match it. `gpg-pubkey-*` entries are
//! never packages to resolve.
//!
//! The solve is [`super::solve::solve_request`], the one every alter
//! command uses, given install *and* erase jobs in one goal.

use std::collections::{HashMap, HashSet};

use solv::{Job, Jobs};

use super::policy::Policy;
use super::solve::{Request, excluded, solve_request};
use super::{GoalOptions, Plan, PlanItem};
use crate::config::Settings;
use crate::error::{Code, Error, Result};
use crate::output::Printer;
use crate::sack::{Sack, Sid};

/// tdnf's `split_nevra`: `name-[epoch:]version-release.arch` into name,
/// EVR and arch (`None` when a part is missing).
pub fn split_nevra(nevra: &str) -> Option<(&str, &str, &str)> {
    let (rest, arch) = nevra.rsplit_once('.')?;
    let (head, _release) = rest.rsplit_once('-')?;
    let (name, _version) = head.rsplit_once('-')?;
    if name.is_empty() || arch.is_empty() {
        return None;
    }
    Some((name, &rest[name.len() + 1..], arch))
}

/// The solvables of the pool by (name, EVR, arch), installed and available
/// apart, each list in pool order.
struct Index {
    installed: HashMap<(String, String, String), Vec<Sid>>,
    available: HashMap<(String, String, String), Vec<Sid>>,
}

impl Index {
    fn new(sack: &Sack) -> Index {
        let key = |s: Sid| {
            let (name, arch, evr, _) = sack.brief(s);
            (name, evr, arch)
        };
        let mut installed: HashMap<_, Vec<Sid>> = HashMap::new();
        for s in sack.installed_ids() {
            installed.entry(key(s)).or_default().push(s);
        }
        let mut available: HashMap<_, Vec<Sid>> = HashMap::new();
        for s in sack.available_ids() {
            available.entry(key(s)).or_default().push(s);
        }
        Index { installed, available }
    }

    /// tdnf's `SolvFindSolvablesByNevraStr`; a malformed NEVRA is 1622.
    fn find(&self, nevra: &str, installed: bool) -> Result<&[Sid]> {
        let (n, evr, a) = split_nevra(nevra).ok_or_else(|| Error::new(Code::Einval, format!("invalid NEVRA {nevra}")))?;
        let map = if installed { &self.installed } else { &self.available };
        Ok(map.get(&(n.to_string(), evr.to_string(), a.to_string())).map_or(&[][..], Vec::as_slice))
    }
}

fn is_key(nevra: &str) -> bool {
    nevra.starts_with("gpg-pubkey-")
}

/// Resolve the NEVRAs of a history operation into the plan the alter
/// commands execute. `plan.user_names` holds the names of the packages
/// selected for install (tdnf's `ppszPkgsUserInstall`): the others the
/// plan installs are pulled in as dependencies. Solver problems are 1301
/// (printed as tdnf), a protected package 1030; NEVRAs to install that no
/// repo has are printed as tdnf's "could not be resolved" block (after the
/// solve) and give 1011.
pub fn resolve_nevras(
    sack: &mut Sack,
    settings: &Settings,
    printer: &Printer,
    install: &[String],
    erase: &[String],
    opts: &GoalOptions,
) -> Result<Plan> {
    let index = Index::new(sack);
    let mut missing: Vec<&str> = Vec::new();
    let mut to_install: Vec<Sid> = Vec::new();
    for nevra in install.iter().filter(|n| !is_key(n)) {
        match index.find(nevra, false)?.first() {
            None => missing.push(nevra),
            Some(&first) if index.find(nevra, true)?.is_empty() => to_install.push(first),
            Some(_) => {}
        }
    }
    let mut to_erase: Vec<Sid> = Vec::new();
    for nevra in erase.iter().filter(|n| !is_key(n)) {
        to_erase.extend_from_slice(index.find(nevra, true)?);
    }
    let policy = Policy::load(settings, sack);
    let auto = crate::sack::installed::auto_installed_names(settings)?;
    let items = solve(sack, printer, &policy, &to_install, &to_erase, opts, &auto)?;
    if !missing.is_empty() {
        print_not_resolved(printer, &missing);
        return Err(Error::code(Code::NoMatch));
    }
    let mut user_names: Vec<String> = Vec::new();
    for &s in &to_install {
        let name = sack.brief(s).0;
        if !user_names.contains(&name) {
            user_names.push(name);
        }
    }
    Ok(Plan { items, user_names, ..Plan::default() })
}

/// tdnf's block for NEVRAs no enabled repo has (`pr_crit`: stdout, not
/// with `-j`).
fn print_not_resolved(printer: &Printer, missing: &[&str]) {
    let mut s = String::from("The following packages could not be resolved:\n\n");
    for m in missing {
        s.push_str(m);
        s.push('\n');
    }
    s.push_str(
        "\nThe package(s) may have been moved out of the enabled repositories since the\n\
         last time they were installed. You may be able to resolve this by enabling\n\
         additional repositories.\n",
    );
    printer.data(&s);
}

/// `TDNFSolv` with erasing allowed, no autoerase, no reinstall.
fn solve(
    sack: &mut Sack,
    printer: &Printer,
    policy: &Policy,
    install: &[Sid],
    erase: &[Sid],
    opts: &GoalOptions,
    auto: &HashSet<String>,
) -> Result<Vec<PlanItem>> {
    let mut jobs = Jobs::new();
    let goal = install.iter().map(|&s| (Job::INSTALL, s)).chain(erase.iter().map(|&s| (Job::ERASE, s)));
    for (how, s) in goal.filter(|&(_, s)| !excluded(sack, s)) {
        jobs.solvable(how, s);
    }
    let request = Request { jobs, allow_erasing: true, clean: policy.clean_deps && !opts.no_autoremove, reinstall: false };
    solve_request(sack, printer, policy, request, opts, auto)
}

#[cfg(test)]
#[path = "nevras_tests.rs"]
mod tests;

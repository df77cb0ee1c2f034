//! `install --source` and `install --builddeps`, as tdnf 3.x builds them
//! (`client/api.c` `TDNFResolve`, `client/resolve.c`
//! `TDNFResolveBuildDependencies`, `TDNFPrepareSinglePkg` with `nSource`).
//!
//! * `--builddeps`: the requires of the command-line source rpms (already
//!   in `@cmdline`) and of the repo source packages (arch `src`) the name
//!   specs select, `rpmlib(...)` left out, each resolved as an install
//!   spec the user typed ([`Prep::single`]). The source packages are not
//!   installed; the normal solve follows.
//! * `--source`: the command-line source rpms and the best source package
//!   of each name spec, as plan rows without a solve (tdnf's
//!   `TDNFGoalNoDeps`). The commands unpack them with rpm's
//!   `rpmInstallSource` semantics (`commands::alter_source`).
//!
//! With both options tdnf resolves the build requires in the source scope
//! (so no binary package matches them); here `--builddeps` wins.

use solv::{SelectFlags, Step, StepKind};

use super::PlanItem;
use super::specs::{Alter, Prep};
use crate::error::{Code, Error, Result};
use crate::query::best::best_of;
use crate::sack::{DepKind, Sack, Sid};

/// The source packages (arch `src`/`nosrc`) a spec selects, retrying
/// without case as tdnf's queries do (`SELECTION_SOURCE_ONLY`).
pub fn find_source(sack: &mut Sack, spec: &str) -> Vec<Sid> {
    let flags = SelectFlags::PACKAGE_SPEC | SelectFlags::SOURCE_ONLY;
    for f in [flags, flags | SelectFlags::NOCASE] {
        let ids = sack.pool.select(spec, f).solvables(&sack.pool);
        if !ids.is_empty() {
            return ids;
        }
    }
    Vec::new()
}

/// Whether `s` is a source package.
pub fn is_source(sack: &Sack, s: Sid) -> bool {
    matches!(sack.brief(s).3.as_str(), "src" | "nosrc")
}

/// tdnf's `TDNFResolveBuildDependencies`: the goal so far holds the
/// command-line packages; it is replaced by their build requires.
pub(super) fn build_deps(p: &mut Prep<'_>, specs: &[String]) -> Result<()> {
    let mut sources: Vec<Sid> = std::mem::take(&mut p.goal.ids);
    let names: Vec<&String> = specs.iter().filter(|s| !s.ends_with(".rpm")).collect();
    if !names.is_empty() {
        let before = sources.len();
        for name in names {
            sources.extend(find_source(p.sack, name));
        }
        // tdnf's query over all the name specs at once: no source package
        // at all is "no match".
        if sources.len() == before {
            return Err(Error::code(Code::NoMatch));
        }
    }
    let mut deps: Vec<String> = Vec::new();
    for &s in &sources {
        for d in p.sack.deps(s, DepKind::Requires) {
            if !deps.contains(&d) {
                deps.push(d);
            }
        }
    }
    // Command-line packages require these and nothing provides them.
    for dep in deps.iter().filter(|d| !d.starts_with("rpmlib(")) {
        p.single(dep, Alter::Install)?;
    }
    Ok(())
}

/// tdnf's `TDNFPrepareSinglePkg` with `nSource` for each name spec: an
/// unknown name is `X package not found or not installed` and 1011 (with
/// `--skip-broken` only "not resolved"); else its best source package.
pub(super) fn source_specs(p: &mut Prep<'_>, specs: &[String]) -> Result<()> {
    for spec in specs.iter().filter(|s| !s.ends_with(".rpm")) {
        let found = find_source(p.sack, spec);
        if found.is_empty() {
            if p.opts.skip_broken {
                p.goal.not_resolved.push(spec.clone());
                continue;
            }
            p.printer.err(&format!("{spec} package not found or not installed\n"));
            return Err(Error::code(Code::NoMatch));
        }
        // A glob names several packages: the best source package of each
        // name (tdnf expands globs to names first).
        let mut names: Vec<String> = Vec::new();
        for &s in &found {
            let n = p.sack.brief(s).0;
            if !names.contains(&n) {
                names.push(n);
            }
        }
        for name in names {
            let same: Vec<Sid> = found.iter().copied().filter(|&s| p.sack.brief(s).0 == name).collect();
            if let Some(best) = best_of(p.sack, &same)
                && !p.goal.ids.contains(&best)
            {
                p.goal.ids.push(best);
            }
        }
    }
    Ok(())
}

/// Plan rows for `ids` installed as they are (tdnf's `TDNFGoalNoDeps`).
pub(super) fn rows(sack: &Sack, ids: &[Sid]) -> Vec<PlanItem> {
    let mut seen: Vec<Sid> = Vec::new();
    let steps: Vec<Step> = ids
        .iter()
        .filter(|&&s| {
            let new = !seen.contains(&s);
            seen.push(s);
            new
        })
        .map(|&s| Step { solvable: s, kind: StepKind::Install, replaced: Vec::new() })
        .collect();
    super::solve::rows(sack, &steps, false)
}

//! Package selection over the sack: tdnf's specs (name, glob, provides,
//! NEVRA, `name.arch`, relations), scopes, and the up/down candidates.

pub mod best;

use std::cmp::Ordering;

use crate::error::{Code, Error, Result};
use crate::output::Printer;
use crate::sack::{Sack, SelectKind, Sid};

/// `list`/`info` scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Installed,
    Available,
    Upgrades,
    Downgrades,
    /// `extras`, `obsoletes`, `recent`: accepted, no effect (as tdnf).
    Ignored,
}

impl Scope {
    pub fn from_word(w: &str) -> Option<Scope> {
        Some(match w.to_ascii_lowercase().as_str() {
            "all" => Scope::All,
            "installed" => Scope::Installed,
            "available" => Scope::Available,
            "upgrades" | "updates" => Scope::Upgrades,
            "downgrades" => Scope::Downgrades,
            "extras" | "obsoletes" | "recent" => Scope::Ignored,
            _ => return None,
        })
    }
}

/// Select the packages matching `spec`, retrying without case and saying
/// so as tdnf does. `filter` keeps only installed/available ones.
pub fn select_spec(sack: &mut Sack, printer: &Printer, spec: &str, kind: SelectKind, filter: Option<bool>) -> Vec<Sid> {
    let keep = |sack: &Sack, ids: Vec<Sid>| -> Vec<Sid> {
        ids.into_iter().filter(|s| filter.is_none_or(|inst| sack.is_installed(*s) == inst) && sack.visible(*s)).collect()
    };
    let found = sack.select(spec, kind, false);
    let ids = keep(sack, found.ids);
    if !ids.is_empty() {
        note_match(printer, spec, found.via_filelist, found.via_provides);
        return ids;
    }
    let found = sack.select(spec, kind, true);
    let ids = keep(sack, found.ids);
    if !ids.is_empty() {
        printer.info(&format!("[ignoring case for '{spec}']\n"));
        note_match(printer, spec, found.via_filelist, found.via_provides);
    }
    ids
}

fn note_match(printer: &Printer, spec: &str, filelist: bool, provides: bool) {
    if filelist {
        printer.info(&format!("[using file list match for '{spec}']\n"));
    }
    if provides {
        printer.info(&format!("[using capability match for '{spec}']\n"));
    }
}

/// The packages of a `list`/`info` scope, optionally narrowed by specs.
/// Returns `Err(1011)` when specs were given and nothing matched.
pub fn list_scope(sack: &mut Sack, printer: &Printer, scope: Scope, specs: &[String]) -> Result<Vec<Sid>> {
    let filter = match scope {
        Scope::Installed => Some(true),
        Scope::Available => Some(false),
        _ => None,
    };
    let ids: Vec<Sid> = match scope {
        Scope::Upgrades | Scope::Downgrades => {
            let base: Vec<Sid> = if specs.is_empty() {
                sack.installed_ids()
            } else {
                specs.iter().flat_map(|s| select_spec(sack, printer, s, SelectKind::List, Some(true))).collect()
            };
            up_down_candidates(sack, &base, scope == Scope::Upgrades)
        }
        _ if specs.is_empty() => {
            let mut v = Vec::new();
            if filter != Some(false) {
                v.extend(sack.installed_ids());
            }
            if filter != Some(true) {
                v.extend(sack.available_ids().into_iter().filter(|s| sack.visible(*s)));
            }
            v
        }
        _ => {
            let mut v = Vec::new();
            for spec in specs {
                v.extend(select_spec(sack, printer, spec, SelectKind::List, filter));
            }
            v
        }
    };
    let ids = if specs.is_empty() { dedup_keep_order(ids) } else { ids };
    if ids.is_empty() && !specs.is_empty() {
        return Err(Error::code(Code::NoMatch));
    }
    Ok(ids)
}

fn dedup_keep_order(ids: Vec<Sid>) -> Vec<Sid> {
    let mut seen = std::collections::HashSet::new();
    ids.into_iter().filter(|s| seen.insert(*s)).collect()
}

/// For each installed package, the newest available package of the same
/// name and a compatible arch that is newer (`up`) — or the newest that is
/// older (`!up`).
pub fn up_down_candidates(sack: &Sack, installed: &[Sid], up: bool) -> Vec<Sid> {
    let mut by_name: std::collections::HashMap<String, Vec<(Sid, String)>> = std::collections::HashMap::new();
    for a in sack.available_ids() {
        if sack.visible(a) {
            let (name, _, evr, _) = sack.brief(a);
            by_name.entry(name).or_default().push((a, evr));
        }
    }
    // As tdnf (`SolvFindUpDownCandidateForSinglePkg`): every available
    // package of the same name with a higher (lower) EVR, per installed
    // package, in installed order.
    let mut out = Vec::new();
    for &inst in installed {
        let (name, _, inst_evr, _) = sack.brief(inst);
        let Some(cands) = by_name.get(&name) else { continue };
        for (s, evr) in cands {
            let ord = sack.evrcmp(evr, &inst_evr);
            if (up && ord == Ordering::Greater) || (!up && ord == Ordering::Less) {
                out.push(*s);
            }
        }
    }
    out
}


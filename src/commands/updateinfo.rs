//! `tdnf updateinfo [summary|list|info] [available|installed|updates|all] [specs]`:
//! advisories that update installed packages.

use std::cmp::Ordering;

use repodata::updateinfo::Advisory;

use crate::context::Context;
use crate::error::{Code, Error, Result};
use crate::output::format::format_c_time;
use crate::output::views::{UpdateInfoInfoItem, UpdateInfoListItem, UpdateInfoSummary};
use crate::sack::{Needs, Sack};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Summary,
    List,
    Info,
}

fn mode_word(w: &str) -> Option<Mode> {
    match w.to_ascii_lowercase().as_str() {
        "summary" => Some(Mode::Summary),
        "list" => Some(Mode::List),
        "info" => Some(Mode::Info),
        _ => None,
    }
}

/// C's atof(): the longest leading decimal number, else 0.
pub(super) fn atof(s: &str) -> f64 {
    let t = s.trim_start();
    let end = t
        .char_indices()
        .take_while(|(i, c)| c.is_ascii_digit() || *c == '.' || (*i == 0 && (*c == '-' || *c == '+')))
        .map(|(i, c)| i + c.len_utf8())
        .last()
        .unwrap_or(0);
    t[..end].parse().unwrap_or(0.0)
}

/// tdnf's display names of advisory types.
fn type_name(kind: &str) -> &'static str {
    match kind {
        "security" => "Security",
        "bugfix" => "Bugfix",
        "enhancement" => "Enhancement",
        _ => "Unknown",
    }
}

pub(super) fn run(ctx: &mut Context<'_>) -> Result<u8> {
    let a = ctx.args;
    let mut mode = Mode::Summary;
    let mut words: Vec<String> = a.command_args().to_vec();
    // tdnf: word 1 may be the mode, the next word a scope (parsed, no effect).
    if let Some(m) = words.first().and_then(|w| mode_word(w)) {
        mode = m;
        words.remove(0);
    }
    if words.first().is_some_and(|w| crate::query::Scope::from_word(w).is_some()) {
        words.remove(0);
    }
    for (name, _) in &a.cmd_opts {
        if let Some(m) = mode_word(name) {
            mode = m;
        }
    }
    // The severity is compared as tdnf does, with atof(): a word is 0.
    let severity = a.value("sec-severity").map(atof);
    let filter = Filter { security: a.has("security"), severity, reboot: a.has("reboot-required") && mode != Mode::Summary };
    let mut sack = ctx.load_sack(Needs { updateinfo: true, ..Needs::default() })?;
    let installed = if words.is_empty() {
        sack.installed_ids()
    } else {
        let mut v = Vec::new();
        for w in &words {
            v.extend(crate::query::select_spec(&mut sack, ctx.printer, w, crate::sack::SelectKind::List, Some(true)));
        }
        if v.is_empty() {
            return Err(Error::code(Code::NoMatch));
        }
        v
    };
    let applicable = applicable(&sack, &filter, &installed);
    let p = ctx.printer;
    match mode {
        Mode::Summary => {
            let mut sum = UpdateInfoSummary::default();
            for (adv, _) in &applicable {
                match type_name(&adv.kind) {
                    "Security" => sum.security += 1,
                    "Bugfix" => sum.bugfix += 1,
                    "Enhancement" => sum.enhancement += 1,
                    _ => sum.unknown += 1,
                }
            }
            if p.is_json() {
                p.json(&sum);
                return Ok(0);
            }
            let rows = [("Unknown", sum.unknown), ("Security", sum.security), ("Bugfix", sum.bugfix), ("Enhancement", sum.enhancement)];
            let mut out = String::new();
            for (name, n) in rows.iter().filter(|(_, n)| *n > 0) {
                out.push_str(&format!("{n} {name} notice(s)\n"));
            }
            if out.is_empty() {
                p.data("\n0 updates.\n");
                return Err(Error::code(Code::NoData));
            }
            p.data(&out);
        }
        Mode::List => {
            if p.is_json() {
                let v: Vec<UpdateInfoListItem> = applicable
                    .iter()
                    .map(|(adv, pkgs)| UpdateInfoListItem { kind: type_name(&adv.kind).into(), update_id: adv.id.clone(), packages: pkgs.clone() })
                    .collect();
                p.json(&v);
                return Ok(0);
            }
            let mut out = String::new();
            for (adv, pkgs) in &applicable {
                for f in pkgs {
                    out.push_str(&format!("{} {} {}\n", adv.id, type_name(&adv.kind), f));
                }
            }
            p.data(&out);
        }
        Mode::Info => {
            let updated = |adv: &Advisory| adv.updated.or(adv.issued).map(format_c_time).unwrap_or_default();
            if p.is_json() {
                let v: Vec<UpdateInfoInfoItem> = applicable
                    .iter()
                    .map(|(adv, pkgs)| UpdateInfoInfoItem {
                        kind: type_name(&adv.kind).into(),
                        update_id: adv.id.clone(),
                        updated: updated(adv),
                        needs_reboot: needs_reboot(adv),
                        description: adv.description.clone(),
                        packages: pkgs.clone(),
                    })
                    .collect();
                p.json(&v);
                return Ok(0);
            }
            let mut out = String::new();
            for (adv, pkgs) in &applicable {
                for f in pkgs {
                    out.push_str(&format!(
                        "       Name : {f}\n  Update ID : {}\n       Type : {}\n    Updated : {}\nNeeds Reboot: {}\nDescription : {}\n",
                        adv.id,
                        type_name(&adv.kind),
                        updated(adv),
                        i32::from(needs_reboot(adv)),
                        adv.description
                    ));
                }
            }
            p.data(&out);
        }
    }
    Ok(0)
}

pub(crate) struct Filter {
    pub security: bool,
    pub severity: Option<f64>,
    pub reboot: bool,
}

impl Filter {
    fn keeps(&self, adv: &Advisory) -> bool {
        if self.security {
            if adv.kind != "security" {
                return false;
            }
        } else if let Some(min) = self.severity {
            match adv.severity.as_deref() {
                Some(sev) if atof(sev) >= min => {}
                _ => return false,
            }
        }
        !self.reboot || needs_reboot(adv)
    }
}

/// The advisory, or one of its packages, asks for a reboot (libsolv
/// records either as the update's `UPDATE_REBOOT`).
pub(crate) fn needs_reboot(adv: &Advisory) -> bool {
    adv.reboot_suggested || adv.packages.iter().any(|p| p.reboot_suggested)
}

/// As tdnf: for each installed package, every advisory with a package of
/// the same name and arch and a newer EVR; tdnf prepends each entry, so the
/// last installed package's advisories come first. An advisory shows all
/// of its packages' file names.
pub(crate) fn applicable<'s>(sack: &'s Sack, filter: &Filter, installed: &[crate::sack::Sid]) -> Vec<(&'s Advisory, Vec<String>)> {
    let mut out = Vec::new();
    for &s in installed {
        let p = sack.info(s);
        for adv in &sack.advisories {
            let newer = adv.packages.iter().any(|pkg| {
                let evr = if pkg.epoch > 0 { format!("{}:{}-{}", pkg.epoch, pkg.version, pkg.release) } else { format!("{}-{}", pkg.version, pkg.release) };
                pkg.name == p.name && pkg.arch == p.arch && sack.evrcmp(&evr, &p.evr) == Ordering::Greater
            });
            if newer && filter.keeps(adv) {
                out.push((adv, adv.packages.iter().map(|pkg| pkg.filename.clone()).collect()));
            }
        }
    }
    out.reverse();
    out
}

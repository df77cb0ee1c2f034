//! `tdnf updateinfo [summary|list|info] [available|installed|updates|all] [specs]`:
//! advisories that update installed packages.

use std::cmp::Ordering;
use std::collections::HashMap;

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
    let mut specs = Vec::new();
    for w in a.command_args() {
        match w.as_str() {
            "summary" => mode = Mode::Summary,
            "list" => mode = Mode::List,
            "info" => mode = Mode::Info,
            "available" | "installed" | "updates" | "all" => {}
            s => specs.push(s.to_string()),
        }
    }
    for (name, _) in &a.cmd_opts {
        match name.as_str() {
            "summary" => mode = Mode::Summary,
            "list" => mode = Mode::List,
            "info" => mode = Mode::Info,
            _ => {}
        }
    }
    let severity = match a.value("sec-severity") {
        Some(v) => Some(v.trim().parse::<f64>().map_err(|_| Error::new(Code::CliInvalidArgument, format!("--sec-severity expects a number, found `{v}`")))?),
        None => None,
    };
    let filter = Filter { security: a.has("security"), severity, reboot: a.has("reboot-required") };
    let sack = ctx.load_sack(Needs { updateinfo: true, ..Needs::default() })?;
    let applicable = applicable(&sack, &filter, &specs);
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
        if self.security && adv.kind != "security" {
            return false;
        }
        if let Some(min) = self.severity {
            // tdnf compares with atof(): a word such as "Important" is 0.
            let sev = adv.severity.as_deref().and_then(|s| s.trim().parse::<f64>().ok()).unwrap_or(0.0);
            if !self.security && (adv.severity.is_none() || sev < min) {
                return false;
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

/// Advisories (once each) with the file names of their packages that
/// update an installed package of the same name and arch.
pub(crate) fn applicable<'s>(sack: &'s Sack, filter: &Filter, specs: &[String]) -> Vec<(&'s Advisory, Vec<String>)> {
    let mut installed: HashMap<(String, String), Vec<String>> = HashMap::new();
    for s in sack.installed_ids() {
        let p = sack.info(s);
        installed.entry((p.name, p.arch)).or_default().push(p.evr);
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for adv in &sack.advisories {
        if !filter.keeps(adv) || !seen.insert(adv.id.clone()) {
            continue;
        }
        let mut files = Vec::new();
        for pkg in &adv.packages {
            if !specs.is_empty() && !specs.iter().any(|s| glob::Pattern::new(s).is_ok_and(|g| g.matches(&pkg.name))) {
                continue;
            }
            let Some(evrs) = installed.get(&(pkg.name.clone(), pkg.arch.clone())) else { continue };
            let evr = if pkg.epoch > 0 { format!("{}:{}-{}", pkg.epoch, pkg.version, pkg.release) } else { format!("{}-{}", pkg.version, pkg.release) };
            if evrs.iter().any(|i| sack.evrcmp(&evr, i) == Ordering::Greater) {
                files.push(pkg.filename.clone());
            }
        }
        if !files.is_empty() {
            out.push((adv, files));
        }
    }
    out
}

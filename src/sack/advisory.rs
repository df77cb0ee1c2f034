//! Advisory filters (`--security`, `--sec-severity`, `--reboot-required`)
//! and the packages they name, for `update` (tdnf's `TDNFGetUpdatePkgs`).

use std::cmp::Ordering;

use repodata::updateinfo::Advisory;

use super::Sack;

/// Which advisories count.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdvisoryFilter {
    /// `--security`: advisories of type `security`.
    pub security: bool,
    /// `--sec-severity=N`: severity at least N (compared as tdnf's `atof`).
    pub severity: Option<f64>,
    /// `--reboot-required`.
    pub reboot: bool,
}

impl AdvisoryFilter {
    /// Whether any filter is set (else `update` is a plain update).
    pub fn is_active(&self) -> bool {
        self.security || self.severity.is_some() || self.reboot
    }

    /// Whether `adv` passes the filter.
    pub fn keeps(&self, adv: &Advisory) -> bool {
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
        !self.reboot || adv.reboot_suggested || adv.packages.iter().any(|p| p.reboot_suggested)
    }
}

/// C's `atof`: the longest numeric prefix, 0 when there is none.
fn atof(s: &str) -> f64 {
    let s = s.trim_start();
    let end = s.char_indices().find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && (c == '-' || c == '+')))).map_or(s.len(), |(i, _)| i);
    s[..end].parse().unwrap_or(0.0)
}

/// Names of the installed packages that a kept advisory updates (a package
/// of the same name and arch with a newer EVR), in installed order, once
/// each. tdnf takes every package name of such advisories, installed or
/// not, and then fails on the ones that are not installed; this takes only
/// the installed ones.
pub fn update_names(sack: &Sack, filter: &AdvisoryFilter) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in sack.installed_ids() {
        let (name, arch, evr, _) = sack.brief(s);
        let hit = sack.advisories.iter().filter(|a| filter.keeps(a)).any(|a| {
            a.packages.iter().any(|p| {
                let pevr = if p.epoch > 0 { format!("{}:{}-{}", p.epoch, p.version, p.release) } else { format!("{}-{}", p.version, p.release) };
                p.name == name && p.arch == arch && sack.evrcmp(&pevr, &evr) == Ordering::Greater
            })
        });
        if hit && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

//! The "best" of a set of candidates, as libsolv's `pool_best_solvables`
//! chooses for tdnf's `SolvFindHighestAvailable`: the highest repo priority
//! (installed packages always stay in the race), then the best arch (the
//! native arch or `noarch` over compatible ones such as `i686`), then the
//! highest EVR per name; ties keep the lower solvable id (installed first).

use std::cmp::Ordering;

use crate::sack::{Sack, Sid};

/// The best candidate of `ids`, `None` when `ids` is empty.
pub fn best_of(sack: &Sack, ids: &[Sid]) -> Option<Sid> {
    let mut q: Vec<Sid> = ids.to_vec();
    q.sort();
    q.dedup();
    prune_to_priority(sack, &mut q);
    prune_to_arch(sack, &mut q);
    // Highest EVR per name, then the names in name order (libsolv sorts
    // by name; the first one wins).
    let mut best: Option<(String, String, Sid)> = None;
    for &s in &q {
        let (name, _, evr, _) = sack.brief(s);
        best = match best {
            None => Some((name, evr, s)),
            Some((bn, be, bs)) => {
                let better = match name.cmp(&bn) {
                    Ordering::Less => true,
                    Ordering::Greater => false,
                    Ordering::Equal => sack.evrcmp(&evr, &be) == Ordering::Greater,
                };
                if better { Some((name, evr, s)) } else { Some((bn, be, bs)) }
            }
        };
    }
    best.map(|(_, _, s)| s)
}

fn prune_to_priority(sack: &Sack, q: &mut Vec<Sid>) {
    let prio = |s: Sid| sack.pool.solvable(s).map(|x| x.repo().priority());
    let best = q.iter().filter(|&&s| !sack.is_installed(s)).filter_map(|&s| prio(s)).max();
    if let Some(best) = best {
        q.retain(|&s| sack.is_installed(s) || prio(s) == Some(best));
    }
}

fn prune_to_arch(sack: &Sack, q: &mut Vec<Sid>) {
    let arch = |s: Sid| sack.pool.solvable(s).map(|x| x.arch().to_string()).unwrap_or_default();
    let preferred = |a: &str| a == "noarch" || a == sack.native_arch();
    if q.iter().any(|&s| preferred(&arch(s))) {
        q.retain(|&s| preferred(&arch(s)));
    }
}

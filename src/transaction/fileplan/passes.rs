//! rpm's two passes over the file table (`lib/transaction.c`):
//!
//! * `checkInstalledFiles` + `handleInstInstalledFile`: every rpmdb file
//!   whose key an element has (looked up by base name first, as
//!   `rpmFindBaseNamesInDB` does), in header-number order;
//! * `handleOverlappedFiles`: every element's files against the closest
//!   earlier *decided* record of the same key (incoming files look only at
//!   incoming ones). So of several identical shared files the first is
//!   written and the second skipped; the third sees a *skipped* predecessor
//!   and is written again (rpm really alternates, `rpm -vv` shows it); and
//!   the last of several erased owners is the one that removes a path;
//! * `handleColorConflict`: multilib resolution to the preferred colour.

use std::collections::HashSet;

use super::decide::{config_conflict, decide_fate, files_differ, removal_conflict};
use super::paths::split;
use super::tx::{NO_KEY, Rec, Tx, id, idx};
use super::{Conflict, Fa, Installed, Replaced, Side};
use crate::rpm::filelist::state;

impl<'a> Tx<'a, '_> {
    /// `handleColorConflict`: with a transaction colour, entries of two
    /// different colours resolve to the preferred one (`false` = no conflict).
    fn color_conflict(&mut self, this: Rec, fcolor: u32, other: Option<Rec>, ocolor: u32) -> bool {
        let ts = self.opts.color;
        let (fc, oc) = (fcolor & ts, ocolor & ts);
        if ts == 0 || fc == 0 || oc == 0 || fc == oc {
            return true;
        }
        if fc & self.opts.prefer_color != 0 {
            if let Some(o) = other.filter(|_| !self.action(this).skipping()) {
                self.set(o, Fa::SkipColor);
            }
            self.set(this, Fa::Create);
            false
        } else if oc & self.opts.prefer_color != 0 {
            if let Some(o) = other.filter(|_| self.action(this).skipping()) {
                self.set(o, Fa::Create);
            }
            self.set(this, Fa::SkipColor);
            false
        } else {
            true
        }
    }

    /// `checkInstalledFiles`: every rpmdb file whose key an element has, in
    /// header-number order.
    pub(super) fn check_installed(&mut self) {
        let bases: HashSet<&'a str> = self
            .elems
            .iter()
            .flat_map(|e| {
                e.files
                    .iter()
                    .zip(&e.keys)
                    .filter(|(_, k)| **k != NO_KEY)
                    .map(|(f, _)| split(&f.path).1)
            })
            .collect();
        let mut order: Vec<usize> = (0..self.installed.len()).collect();
        order.sort_by_key(|&i| self.installed.get(i).map_or(0, |h| h.hnum));
        for hi in order {
            let Some(h) = self.installed.get(hi).copied() else {
                continue;
            };
            let own = self.erased_elem.get(&hi).copied();
            for (ofx, of) in h.files.iter().enumerate() {
                if !bases.contains(split(&of.path).1) {
                    continue;
                }
                let key = match own {
                    Some(e) => self
                        .elems
                        .get(idx(e))
                        .and_then(|el| el.keys.get(ofx))
                        .copied(),
                    None => {
                        let k = self.fp.key(of.path.as_str());
                        self.keys.get(k.as_ref()).copied()
                    }
                };
                let Some(k) = key.filter(|k| *k != NO_KEY) else {
                    continue;
                };
                let other = Side {
                    file: of,
                    algo: h.digest_algo,
                };
                let n = self.recs.get(idx(k)).map_or(0, Vec::len);
                for j in 0..n {
                    let Some(r) = self.recs.get(idx(k)).and_then(|l| l.get(j)).copied() else {
                        break;
                    };
                    let added = self.elems.get(idx(r.elem)).is_some_and(|e| e.added);
                    if added {
                        self.inst_installed(r, other, &h, ofx, own.is_some());
                    } else if own.is_none() && of.state == state::NORMAL {
                        self.set(r, Fa::Skip);
                    }
                }
            }
        }
    }

    /// `handleInstInstalledFile`: the incoming file `r` against file `ofx`
    /// of the installed `h`.
    fn inst_installed(
        &mut self,
        r: Rec,
        other: Side<'a>,
        h: &Installed<'a>,
        ofx: usize,
        being_removed: bool,
    ) {
        let Some((new, nevra, _)) = self.side(r) else {
            return;
        };
        if self.action(r).skipping() || other.file.state == state::NOT_INSTALLED {
            return;
        }
        let is_cfg = other.file.is_config() || new.file.is_config();
        if files_differ(other, new) {
            let mut conflict = !being_removed || removal_conflict(new, other, self.disk);
            let mut st = state::REPLACED;
            if conflict {
                conflict = self.color_conflict(r, new.file.color, None, other.file.color);
                if !conflict && self.action(r) == Fa::Create {
                    st = state::WRONG_COLOR;
                }
            }
            if conflict && !self.opts.replace_files {
                let c = Conflict {
                    path: new.file.path.clone(),
                    new: nevra.to_owned(),
                    other: h.nevra.to_owned(),
                    other_is_installed: true,
                };
                self.conflicts.push((r.elem, c));
            }
            if !(is_cfg || self.action(r).skipping() || being_removed) {
                self.replaced.push(Replaced {
                    hnum: h.hnum,
                    file: ofx,
                    state: st,
                });
            }
        }
        if is_cfg {
            let fate = decide_fate(other, new, self.disk);
            self.set(r, fate);
        }
    }

    /// `handleOverlappedFiles`, for every element in order.
    pub(super) fn handle_overlapped(&mut self) {
        for e in 0..self.elems.len() {
            let n = self.elems.get(e).map_or(0, |el| el.files.len());
            for i in 0..n {
                self.overlapped(Rec {
                    elem: id(e),
                    file: id(i),
                });
            }
        }
    }

    /// The closest earlier decided record of `r`'s key (only incoming ones
    /// for an incoming `r`).
    fn previous(&self, r: Rec, added: bool) -> Option<Rec> {
        let el = self.elems.get(idx(r.elem))?;
        let (k, pos) = (*el.keys.get(idx(r.file))?, *el.pos.get(idx(r.file))?);
        let list = self.recs.get(idx(k))?;
        list.get(..idx(pos))?.iter().rev().copied().find(|o| {
            let o_added = self.elems.get(idx(o.elem)).is_some_and(|x| x.added);
            (!added || o_added) && self.action(*o) != Fa::Unknown
        })
    }

    fn overlapped(&mut self, r: Rec) {
        let Some((this, nevra, added)) = self.side(r) else {
            return;
        };
        let key = self
            .elems
            .get(idx(r.elem))
            .and_then(|e| e.keys.get(idx(r.file)))
            .copied();
        if self.action(r).skipping() || key.is_none_or(|k| k == NO_KEY) {
            return;
        }
        let other = self.previous(r, added);
        if !added {
            if let Some(o) = other {
                if self.action(o) != Fa::Erase {
                    return self.set(r, Fa::Skip);
                }
                self.set(o, Fa::Skip);
            }
            let fa = if this.file.state != state::NORMAL {
                Fa::Skip
            } else if config_conflict(this, self.disk) {
                Fa::Save
            } else {
                Fa::Erase
            };
            return self.set(r, fa);
        }
        let noreplace = this.file.is_noreplace();
        let Some(o) = other else {
            if self.action(r) == Fa::Unknown {
                let fa = match config_conflict(this, self.disk) {
                    true if noreplace => Fa::AltName,
                    true => Fa::Backup,
                    false => Fa::Create,
                };
                self.set(r, fa);
            }
            return;
        };
        let Some((prev, prev_nevra, _)) = self.side(o) else {
            return;
        };
        if files_differ(prev, this) {
            if self.color_conflict(r, this.file.color, Some(o), prev.file.color)
                && !self.opts.replace_files
            {
                let c = Conflict {
                    path: this.file.path.clone(),
                    new: nevra.to_owned(),
                    other: prev_nevra.to_owned(),
                    other_is_installed: false,
                };
                self.conflicts.push((r.elem, c));
            }
        } else {
            let oa = self.action(o);
            if oa != Fa::Unknown && !oa.skipping() {
                if !prev.file.is_ghost() {
                    self.set(r, Fa::Skip);
                }
            } else if oa == Fa::SkipColor {
                self.set(r, Fa::SkipColor);
            }
        }
        if self.action(r).skipping() {
            return;
        }
        if config_conflict(this, self.disk) {
            self.set(r, if noreplace { Fa::AltName } else { Fa::Skip });
        } else if self.action(r) == Fa::Unknown {
            self.set(r, Fa::Create);
        }
    }
}

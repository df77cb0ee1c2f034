//! The transaction's file table: every file of every element, its key
//! (see `paths.rs`), its position in that key's record list and the action
//! decided so far; the passes over it are in `passes.rs`.
//!
//! Elements are in rpm's order: every incoming package (`TR_ADDED`), then
//! every erased one (`TR_REMOVED`). Each key lists the (element, file)
//! records that have it, in that order.

use std::borrow::Cow;
use std::collections::HashMap;

use super::disk::Disk;
use super::paths::Fingerprints;
use super::skip::skip_install_files;
use super::{
    Conflict, ErasePlan, Fa, FilePlan, Incoming, InstallPlan, Installed, Options, Replaced, Side,
};
use crate::rpm::filelist::FileEntry;

/// No key: the file was skipped by policy before indexing.
pub(super) const NO_KEY: u32 = u32::MAX;

/// One package of the transaction.
pub(super) struct Elem<'a> {
    pub(super) nevra: &'a str,
    pub(super) files: &'a [FileEntry],
    pub(super) algo: u32,
    pub(super) added: bool,
    pub(super) actions: Vec<Fa>,
    /// Key id of each file.
    pub(super) keys: Vec<u32>,
    /// Position of each file in its key's record list.
    pub(super) pos: Vec<u32>,
}

/// An (element, file) record of a key.
#[derive(Clone, Copy)]
pub(super) struct Rec {
    pub(super) elem: u32,
    pub(super) file: u32,
}

/// The transaction's files and the decisions made so far.
pub(super) struct Tx<'a, 'd> {
    pub(super) elems: Vec<Elem<'a>>,
    pub(super) installed: &'d [Installed<'a>],
    /// Element of each erased installed package.
    pub(super) erased_elem: HashMap<usize, u32>,
    pub(super) keys: HashMap<Cow<'a, str>, u32>,
    pub(super) recs: Vec<Vec<Rec>>,
    pub(super) fp: Fingerprints<'d, 'a>,
    pub(super) disk: &'d dyn Disk,
    pub(super) opts: Options,
    pub(super) conflicts: Vec<(u32, Conflict)>,
    pub(super) replaced: Vec<Replaced>,
}

pub(super) fn idx(i: u32) -> usize {
    usize::try_from(i).unwrap_or(usize::MAX)
}

pub(super) fn id(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl<'a, 'd> Tx<'a, 'd> {
    /// The table, with install policies applied and every file indexed.
    pub(super) fn new(
        incoming: &[Incoming<'a>],
        installed: &'d [Installed<'a>],
        disk: &'d dyn Disk,
        opts: Options,
    ) -> Self {
        let elem = |nevra, files: &'a [FileEntry], algo, added| Elem {
            nevra,
            files,
            algo,
            added,
            actions: vec![Fa::Unknown; files.len()],
            keys: vec![NO_KEY; files.len()],
            pos: vec![0; files.len()],
        };
        let mut elems: Vec<Elem<'a>> = incoming
            .iter()
            .map(|p| elem(p.nevra, p.files, p.digest_algo, true))
            .collect();
        for e in &mut elems {
            skip_install_files(e.files, &mut e.actions, opts.color, opts.nodocs);
        }
        let mut erased_elem = HashMap::new();
        for (i, h) in installed.iter().enumerate().filter(|(_, h)| h.erased) {
            erased_elem.insert(i, id(elems.len()));
            elems.push(elem(h.nevra, h.files, h.digest_algo, false));
        }
        let links = elems.iter().filter(|e| e.added).flat_map(|e| {
            e.files
                .iter()
                .zip(&e.actions)
                .filter(|(f, a)| !a.skipping() && !f.linkto.is_empty())
        });
        let fp = Fingerprints::new(
            disk,
            links.map(|(f, _)| (f.path.as_str(), f.linkto.as_str())),
        );
        let mut tx = Tx {
            elems,
            installed,
            erased_elem,
            keys: HashMap::new(),
            recs: Vec::new(),
            fp,
            disk,
            opts,
            conflicts: Vec::new(),
            replaced: Vec::new(),
        };
        tx.index();
        tx
    }

    /// `fpCachePopulate`: a key for every file not skipped by policy.
    fn index(&mut self) {
        for (e, el) in self.elems.iter_mut().enumerate() {
            for (i, f) in el.files.iter().enumerate() {
                if el.actions.get(i).is_none_or(|a| a.skipping()) {
                    continue;
                }
                let key = self.fp.key(f.path.as_str());
                let next = id(self.recs.len());
                let k = *self.keys.entry(key).or_insert(next);
                if k == next {
                    self.recs.push(Vec::new());
                }
                let Some(list) = self.recs.get_mut(idx(k)) else {
                    continue;
                };
                if let (Some(slot), Some(pos)) = (el.keys.get_mut(i), el.pos.get_mut(i)) {
                    *slot = k;
                    *pos = id(list.len());
                }
                list.push(Rec {
                    elem: id(e),
                    file: id(i),
                });
            }
        }
    }

    pub(super) fn action(&self, r: Rec) -> Fa {
        self.elems
            .get(idx(r.elem))
            .and_then(|e| e.actions.get(idx(r.file)))
            .copied()
            .unwrap_or(Fa::Skip)
    }

    pub(super) fn set(&mut self, r: Rec, fa: Fa) {
        if let Some(a) = self
            .elems
            .get_mut(idx(r.elem))
            .and_then(|e| e.actions.get_mut(idx(r.file)))
        {
            *a = fa;
        }
    }

    pub(super) fn side(&self, r: Rec) -> Option<(Side<'a>, &'a str, bool)> {
        let e = self.elems.get(idx(r.elem))?;
        Some((
            Side {
                file: e.files.get(idx(r.file))?,
                algo: e.algo,
            },
            e.nevra,
            e.added,
        ))
    }

    /// The public plan.
    pub(super) fn finish(mut self) -> FilePlan {
        self.conflicts.sort_by_key(|(e, _)| *e);
        let mut installs = Vec::new();
        let mut erases = Vec::new();
        let mut erased = self.installed.iter().filter(|h| h.erased);
        for el in &self.elems {
            if el.added {
                let (mut actions, mut states, mut warnings) = (Vec::new(), Vec::new(), Vec::new());
                for (f, fa) in el.files.iter().zip(&el.actions) {
                    let (a, st) = super::install_outcome(f, *fa);
                    warnings.extend(super::warning(&f.path, a));
                    actions.push(a);
                    states.push(st);
                }
                installs.push(InstallPlan {
                    actions,
                    states,
                    warnings,
                });
            } else {
                let hnum = erased.next().map_or(0, |h| h.hnum);
                let actions: Vec<_> = el
                    .files
                    .iter()
                    .zip(&el.actions)
                    .map(|(f, fa)| super::erase_outcome(f, *fa))
                    .collect();
                let warnings = el
                    .files
                    .iter()
                    .zip(&actions)
                    .filter(|(_, a)| **a == super::EraseAction::Save)
                    .filter_map(|(f, _)| super::warning(&f.path, super::Action::Save))
                    .collect();
                erases.push(ErasePlan {
                    hnum,
                    actions,
                    warnings,
                });
            }
        }
        FilePlan {
            installs,
            erases,
            replaced: self.replaced,
            conflicts: self.conflicts.into_iter().map(|(_, c)| c).collect(),
        }
    }
}

//! Everything decided before the first write: the packages opened and
//! their digests checked, the element list, the file plan, and rpm's
//! problem checks (architecture, the `%pretrans` interpreter rule, file
//! conflicts, disk space). Any problem stops the transaction here, with
//! nothing written.

use std::collections::HashMap;
use std::path::PathBuf;

use super::db::{DbState, Decoded, decode, nevra_evr};
use super::diskspace::{self, FileAction, FileSpace, SpaceElement, SpaceError};
use super::fileplan::{self, EraseAction, FilePlan, Incoming, Installed, RootDisk};
use super::scriptlet::trigger::{FileTrigger, Trigger};
use super::scriptlet::{self, Kind};
use super::set::{Step, TransactionSet};
use super::TxError;
use crate::fsroot::Root;
use crate::rpm::file::RpmFile;
use crate::rpm::filelist::FileEntry;
use crate::rpm::payload::verify_digests;
use crate::rpm::tags::{RPMTAG_ARCH, RPMTAG_OS};

/// A package to install.
pub(crate) struct NewPkg {
    pub rpm_path: PathBuf,
    pub file: RpmFile,
    pub name: String,
    pub nevra: String,
    pub evr: String,
    pub files: Vec<FileEntry>,
    pub algo: u32,
    pub triggers: Vec<Trigger>,
    pub file_triggers: Vec<FileTrigger>,
    /// Header numbers it replaces (erased right after it).
    pub replaces: Vec<u32>,
}

/// One element, in execution order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Elem {
    /// `news[i]`.
    Install(usize),
    /// An installed package; `by` is the install that replaces it, if any.
    Erase { hnum: u32, by: Option<usize> },
}

/// A checked transaction, ready to run.
pub(crate) struct Prepared {
    pub news: Vec<NewPkg>,
    pub elems: Vec<Elem>,
    pub plan: FilePlan,
    /// Header number → index in `plan.erases`.
    pub erase_plans: HashMap<u32, usize>,
    pub db: DbState,
}

/// The architectures a host of `machine` installs (rpm's compatible
/// arches for the common hosts; `noarch` everywhere).
fn compatible_arches(machine: &str) -> Vec<&str> {
    let mut v = match machine {
        "x86_64" => vec!["x86_64", "amd64", "ia32e", "athlon", "i686", "i586", "i486", "i386"],
        "i686" => vec!["i686", "i586", "i486", "i386"],
        "aarch64" => vec!["aarch64"],
        "armv7l" => vec!["armv7hl", "armv7l", "armv6l", "armv5tel"],
        m => vec![m],
    };
    v.push("noarch");
    v
}

/// The host's architecture (`uname -m`).
pub(crate) fn host_arch() -> String {
    nix::sys::utsname::uname().map_or_else(|_| "x86_64".to_owned(), |u| u.machine().to_string_lossy().into_owned())
}

fn open_new(rpm: &PathBuf, replaces: &[u32]) -> Result<NewPkg, TxError> {
    let file = RpmFile::open(rpm).map_err(|source| TxError::Open { source })?;
    let (nevra, _) = nevra_evr(&file.header);
    verify_digests(&file).map_err(|source| TxError::Digest { name: nevra, source })?;
    let Decoded { name, nevra, evr, files, algo, triggers, file_triggers } = decode(&file.header)?;
    Ok(NewPkg { rpm_path: rpm.clone(), file, name, nevra, evr, files, algo, triggers, file_triggers, replaces: replaces.to_vec() })
}

/// rpm's problems of one package that need no file plan.
fn package_problems(p: &NewPkg, arches: &[&str], root: &Root, scripts: bool, out: &mut Vec<String>) {
    let h = &p.file.header;
    // rpm passes the arch/os as the problem's altNEVR, so its text says
    // "different" (lib/transaction.c checkAdded, lib/rpmprob.c str1).
    let arch = h.string_lossy(RPMTAG_ARCH).unwrap_or_default();
    if !arches.contains(&arch.as_ref()) {
        out.push(format!("package {} is intended for a different architecture", p.nevra));
    }
    let os = h.string_lossy(RPMTAG_OS).unwrap_or_default();
    if !os.is_empty() && !os.eq_ignore_ascii_case("linux") {
        out.push(format!("package {} is intended for a different operating system", p.nevra));
    }
    // rpm: a non-Lua %pretrans needs its interpreter installed before the
    // transaction (Requires(pretrans) is checked against the rpmdb only).
    if scripts
        && let Some(s) = scriptlet::script(h, Kind::PreTrans)
        && !s.is_lua()
        && let Some(prog) = s.prog.first()
        && root.lstat(prog).is_err()
    {
        out.push(format!("{prog} is needed by {} (its %pretrans runs before anything is installed)", p.nevra));
    }
}

/// Open, order and check the transaction `ts` against `root`.
pub(crate) fn prepare(ts: &TransactionSet, root: &Root) -> Result<Prepared, TxError> {
    let db = DbState::load(&super::dbdir(&ts.root, &ts.dbpath))?;
    let mut news = Vec::new();
    let mut elems = Vec::new();
    for step in &ts.steps {
        match step {
            Step::Install { rpm, replaces } => {
                let i = news.len();
                news.push(open_new(rpm, replaces)?);
                elems.push(Elem::Install(i));
                elems.extend(replaces.iter().map(|&hnum| Elem::Erase { hnum, by: Some(i) }));
            }
            Step::Erase { hnum } => elems.push(Elem::Erase { hnum: *hnum, by: None }),
        }
    }
    // rpm runs every install before any erase, replaced packages included
    // (lib/order.c rpmtsOrder: "installs first - then erases"); each group
    // keeps the order given.
    elems.sort_by_key(|e| matches!(e, Elem::Erase { .. }));
    let mut erased: Vec<u32> = Vec::new();
    for e in &elems {
        if let Elem::Erase { hnum, .. } = *e {
            if db.get(hnum).is_none() {
                return Err(TxError::NotInstalled { dbdir: super::dbdir(&ts.root, &ts.dbpath), hnum });
            }
            if erased.contains(&hnum) {
                return Err(TxError::Problems(vec![format!("package with header number {hnum} is erased twice")]));
            }
            erased.push(hnum);
        }
    }

    let mut problems = Vec::new();
    let machine = host_arch();
    let arches = compatible_arches(&machine);
    let scripts = !ts.flags.noscripts;
    for p in &news {
        package_problems(p, &arches, root, scripts, &mut problems);
    }

    let incoming: Vec<Incoming<'_>> =
        news.iter().map(|p| Incoming { nevra: &p.nevra, files: &p.files, digest_algo: p.algo }).collect();
    // The file plan erases in slice order: the erased packages first in element order.
    let mut installed: Vec<Installed<'_>> = Vec::new();
    let mut erase_plans = HashMap::new();
    for (i, &hnum) in erased.iter().enumerate() {
        if let Some(p) = db.get(hnum) {
            installed.push(p.view(true));
            erase_plans.insert(hnum, i);
        }
    }
    installed.extend(db.pkgs().iter().filter(|p| !erased.contains(&p.hnum)).map(|p| p.view(false)));
    let mut opts = fileplan::Options::for_arch(&machine);
    opts.nodocs = ts.flags.nodocs;
    opts.replace_files = ts.flags.replace_files;
    let plan = fileplan::plan(&incoming, &installed, &RootDisk::new(root), &opts);
    problems.extend(plan.conflicts.iter().map(fileplan::Conflict::message));

    if problems.is_empty() {
        let space = space_elements(&news, &elems, &plan, &erase_plans, &db)?;
        match diskspace::check(root, &ts.dbpath, &space) {
            Ok(()) => {}
            Err(SpaceError::NotEnough(p)) => problems.extend(p.iter().map(diskspace::SpaceProblem::message)),
            Err(SpaceError::Fs(source)) => return Err(TxError::Fs { name: "disk space check".into(), source }),
        }
    }
    if !problems.is_empty() {
        return Err(TxError::Problems(problems));
    }
    Ok(Prepared { news, elems, plan, erase_plans, db })
}

/// The disk-space view of the elements, in order.
fn space_elements(
    news: &[NewPkg],
    elems: &[Elem],
    plan: &FilePlan,
    erase_plans: &HashMap<u32, usize>,
    db: &DbState,
) -> Result<Vec<SpaceElement>, TxError> {
    let mut out = Vec::new();
    for e in elems {
        match *e {
            Elem::Install(i) => {
                let p = &news[i];
                let mut el = SpaceElement::install(p.nevra.clone(), &p.file.header)
                    .map_err(|what| TxError::FileList { name: p.nevra.clone(), what })?;
                // Skipped files (nodocs, colour, identical) take no space.
                let actions = &plan.installs[i].actions;
                let mut k = 0;
                el.files.retain(|_| {
                    k += 1;
                    actions.get(k - 1) != Some(&fileplan::Action::Skip)
                });
                out.push(el);
            }
            Elem::Erase { hnum, .. } => {
                let (Some(p), Some(&ix)) = (db.get(hnum), erase_plans.get(&hnum)) else { continue };
                let actions = &plan.erases[ix].actions;
                let files = p
                    .files
                    .iter()
                    .zip(actions)
                    .filter(|(f, a)| **a == EraseAction::Remove && f.is_reg())
                    .map(|(f, _)| FileSpace {
                        path: f.path.clone(),
                        size: if f.carries_data { f.size } else { 0 },
                        action: FileAction::Erase,
                    })
                    .collect();
                out.push(SpaceElement { nevra: p.nevra.clone(), header_size: None, files });
            }
        }
    }
    Ok(out)
}

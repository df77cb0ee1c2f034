//! Completing a transaction that an earlier run left half done (`kill -9`,
//! power loss, a fatal write error): roll forward from the journal.
//!
//! Every element not recorded as done is carried out again, files and
//! rpmdb only: an install whose rpmdb entry is there (same NEVRA, same
//! INSTALLTID) is complete; otherwise its leftover `;<tid>` temp files are
//! removed and it is unpacked and registered afresh from the package file
//! the journal names. An erase whose header is still in the rpmdb has its
//! files removed (missing ones are fine) and its entry dropped. Scriptlets
//! are not re-run — whether one had already run cannot be known — and each
//! completed element says so. An install whose package file is gone cannot
//! be completed: it is reported, its temp files removed, and the rpmdb
//! keeps the previous state of that package.

use std::path::Path;

use super::db::{DbPkg, DbState};
use super::fileplan::{self, Incoming, Installed, RootDisk};
use super::journal::{Element, Journal, Stage};
use super::set::Reporter;
use super::{TxError, dbdir, remove, unpack};
use crate::fsroot::Root;
use crate::rpm::file::RpmFile;
use crate::rpm::filelist::{digest_algo, file_entries};
use crate::rpm::header::Header;
use crate::rpm::payload::verify_digests;
use crate::rpm::tags::RPMTAG_INSTALLTID;
use crate::rpmdb::writer::{InstallInfo, RpmdbWriter, installed_header};

/// What a recovery did.
#[derive(Debug, Default)]
pub struct Recovered {
    /// The interrupted transaction's id.
    pub tid: u32,
    /// NEVRAs installed or erased to complete it.
    pub completed: Vec<String>,
    /// Elements that could not be completed, with why.
    pub abandoned: Vec<(String, String)>,
}

/// If `root` has the journal of an interrupted transaction, complete it.
pub fn recover(root_path: &Path, dbpath: &str, reporter: &dyn Reporter) -> Result<Option<Recovered>, TxError> {
    Journal::remove_stale_temps(root_path).map_err(TxError::Journal)?;
    let Some(pending) = Journal::pending(root_path).map_err(TxError::Journal)? else {
        return Ok(None);
    };
    reporter.warning(&format!(
        "warning: transaction {} was interrupted; completing it (scriptlets are not run again)",
        pending.tid
    ));
    let tid = pending.tid;
    let elements = pending.elements.clone();
    let stages = pending.stages.clone();
    let mut journal = pending.resume(root_path).map_err(TxError::Journal)?;
    let root = Root::open(root_path).map_err(|source| TxError::Fs { name: "recovery".into(), source })?;
    let dbdir = dbdir(root_path, dbpath);
    let mut db = DbState::load(&dbdir)?;
    let mut writer = RpmdbWriter::open(&dbdir).map_err(|source| TxError::Db { name: "rpmdb".into(), source })?;
    let mut out = Recovered { tid, ..Recovered::default() };
    let machine = super::prepare::host_arch();
    let opts = fileplan::Options::for_arch(&machine);

    for (i, el) in elements.iter().enumerate() {
        let stage = stages[i];
        if stage == Some(Stage::Done) {
            continue;
        }
        match el {
            Element::Install { nevra, rpm_path } => {
                let done = stage == Some(Stage::DbAdded)
                    || db.pkgs().iter().any(|p| &p.nevra == nevra && p.header.u32(RPMTAG_INSTALLTID) == Some(tid));
                if !done {
                    // Erases still to come keep their files out of this plan's way.
                    let later: Vec<u32> = elements[i + 1..]
                        .iter()
                        .zip(&stages[i + 1..])
                        .filter_map(|(e, s)| match e {
                            Element::Erase { hnum, .. } if *s < Some(Stage::DbRemoved) => Some(*hnum),
                            _ => None,
                        })
                        .collect();
                    match install_again(&root, &mut writer, &mut db, rpm_path, tid, &later, &opts) {
                        Ok(()) => out.completed.push(nevra.clone()),
                        Err(why) => {
                            reporter.warning(&format!("error: {nevra}: cannot complete the interrupted install: {why}"));
                            out.abandoned.push((nevra.clone(), why));
                        }
                    }
                }
                journal.mark(i, Stage::DbAdded).map_err(TxError::Journal)?;
            }
            Element::Erase { nevra, hnum } => {
                if stage < Some(Stage::DbRemoved) && db.get(*hnum).is_some() {
                    erase_again(&root, &mut writer, &mut db, *hnum, &opts)?;
                    out.completed.push(nevra.clone());
                }
                journal.mark(i, Stage::DbRemoved).map_err(TxError::Journal)?;
            }
        }
        journal.mark(i, Stage::Done).map_err(TxError::Journal)?;
    }
    writer.close().map_err(|source| TxError::Db { name: "rpmdb".into(), source })?;
    root.sync().map_err(|source| TxError::Fs { name: "rpmdb".into(), source })?;
    journal.finish().map_err(TxError::Journal)?;
    for n in &out.completed {
        reporter.warning(&format!("warning: {n}: completed after the interruption; its scriptlets were not run"));
    }
    Ok(Some(out))
}

/// Unpack and register `rpm_path` again; a readable reason on failure.
fn install_again(
    root: &Root,
    writer: &mut RpmdbWriter,
    db: &mut DbState,
    rpm_path: &Path,
    tid: u32,
    later_erases: &[u32],
    opts: &fileplan::Options,
) -> Result<(), String> {
    let pkg = RpmFile::open(rpm_path).map_err(|e| e.to_string())?;
    verify_digests(&pkg).map_err(|e| e.to_string())?;
    let files = file_entries(&pkg.header)?;
    unpack::remove_temps(root, &files, tid).map_err(|e| e.to_string())?;
    let (nevra, _) = super::db::nevra_evr(&pkg.header);
    let incoming = [Incoming { nevra: &nevra, files: &files, digest_algo: digest_algo(&pkg.header) }];
    let installed: Vec<Installed<'_>> =
        db.pkgs().iter().map(|p| p.view(later_erases.contains(&p.hnum))).collect();
    let plan = fileplan::plan(&incoming, &installed, &RootDisk::new(root), opts);
    let Some(iplan) = plan.installs.first() else { return Err("empty file plan".into()) };
    unpack::unpack(root, &pkg, &files, &iplan.actions, tid).map_err(|e| e.to_string())?;
    let mut info = InstallInfo::new(tid);
    info.file_states = Some(iplan.states.clone());
    let blob = installed_header(&pkg, &info).map_err(|e| e.to_string())?;
    let mut txn = writer.transaction().map_err(|e| e.to_string())?;
    let hnum = txn.add(&blob).map_err(|e| e.to_string())?;
    txn.commit().map_err(|e| e.to_string())?;
    let header = Header::from_blob(blob).map_err(|e| e.to_string())?;
    db.add(DbPkg::new(hnum, header).map_err(|e| e.to_string())?);
    Ok(())
}

/// Remove the files and the rpmdb entry of `hnum`.
fn erase_again(root: &Root, writer: &mut RpmdbWriter, db: &mut DbState, hnum: u32, opts: &fileplan::Options) -> Result<(), TxError> {
    let installed: Vec<Installed<'_>> = db.pkgs().iter().map(|p| p.view(p.hnum == hnum)).collect();
    let plan = fileplan::plan(&[], &installed, &RootDisk::new(root), opts);
    if let (Some(p), Some(eplan)) = (db.get(hnum), plan.erases.first()) {
        remove::remove_files(root, &p.files, &eplan.actions)?;
    }
    let name = db.get(hnum).map_or_else(String::new, |p| p.nevra.clone());
    let db_err = |source| TxError::Db { name: name.clone(), source };
    let mut txn = writer.transaction().map_err(db_err)?;
    txn.remove(hnum).map_err(db_err)?;
    txn.commit().map_err(db_err)?;
    db.remove(hnum);
    Ok(())
}

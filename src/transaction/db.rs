//! The rpmdb as the transaction sees it while it runs: every installed
//! header read once at the start, then kept in step with each add and
//! remove the writer commits. Scriptlet arguments (instance counts) and
//! triggers are decided against this model, as rpm decides them against
//! its open database.

use std::path::Path;

use super::TxError;
use super::fileplan::Installed;
use super::scriptlet::trigger::{FileTrigger, Trigger, file_triggers, triggers};
use crate::rpm::filelist::{FileEntry, digest_algo, file_entries};
use crate::rpm::header::Header;
use crate::rpm::tags::*;
use crate::rpmdb::Rpmdb;

/// One installed package.
#[derive(Debug)]
pub(crate) struct DbPkg {
    pub hnum: u32,
    pub header: Header,
    pub name: String,
    pub nevra: String,
    /// `[epoch:]version-release`, for trigger ranges.
    pub evr: String,
    pub files: Vec<FileEntry>,
    pub algo: u32,
    pub triggers: Vec<Trigger>,
    pub file_triggers: Vec<FileTrigger>,
}

/// `name-[epoch:]version-release.arch` and `[epoch:]version-release`, as
/// rpm prints them in problems and messages.
pub(crate) fn nevra_evr(h: &Header) -> (String, String) {
    let s = |t| h.string_lossy(t).map_or_else(String::new, |s| s.into_owned());
    let epoch = h.u32(RPMTAG_EPOCH).map_or_else(String::new, |e| format!("{e}:"));
    let evr = format!("{epoch}{}-{}", s(RPMTAG_VERSION), s(RPMTAG_RELEASE));
    let arch = h.string_lossy(RPMTAG_ARCH).map_or_else(String::new, |a| format!(".{a}"));
    (format!("{}-{evr}{arch}", s(RPMTAG_NAME)), evr)
}

/// What the transaction reads of any header, installed or new: names,
/// the file list with its digest algorithm, and the triggers.
pub(crate) struct Decoded {
    pub name: String,
    pub nevra: String,
    pub evr: String,
    pub files: Vec<FileEntry>,
    pub algo: u32,
    pub triggers: Vec<Trigger>,
    pub file_triggers: Vec<FileTrigger>,
}

/// Decode `h`; a malformed file list or trigger table is
/// [`TxError::FileList`] naming the package.
pub(crate) fn decode(h: &Header) -> Result<Decoded, TxError> {
    let (nevra, evr) = nevra_evr(h);
    let bad = |what: String| TxError::FileList { name: nevra.clone(), what };
    let files = file_entries(h).map_err(bad)?;
    let triggers = triggers(h).map_err(bad)?;
    let file_triggers = file_triggers(h).map_err(bad)?;
    Ok(Decoded { name: super::header_name(h), nevra, evr, files, algo: digest_algo(h), triggers, file_triggers })
}

impl DbPkg {
    /// Decode what the transaction needs of an installed header.
    pub(crate) fn new(hnum: u32, header: Header) -> Result<DbPkg, TxError> {
        let Decoded { name, nevra, evr, files, algo, triggers, file_triggers } = decode(&header)?;
        Ok(DbPkg { hnum, header, name, nevra, evr, files, algo, triggers, file_triggers })
    }

    /// This package as the file plan sees it.
    pub(crate) fn view(&self, erased: bool) -> Installed<'_> {
        Installed { hnum: self.hnum, nevra: &self.nevra, files: &self.files, digest_algo: self.algo, erased }
    }
}

/// The installed packages, in header-number order.
#[derive(Debug, Default)]
pub(crate) struct DbState {
    pkgs: Vec<DbPkg>,
}

impl DbState {
    /// Read every installed header of `<dbdir>` (an absent database is
    /// empty). `gpg-pubkey` headers are kept (they count as packages for
    /// rpm too) but have no files.
    pub(crate) fn load(dbdir: &Path) -> Result<DbState, TxError> {
        let read = |source| TxError::ReadDb { name: dbdir.display().to_string(), source };
        let db = Rpmdb::open(dbdir).map_err(read)?;
        let mut warnings = Vec::new();
        let mut pkgs = Vec::new();
        for (hnum, h) in db.headers(&mut warnings).map_err(read)? {
            pkgs.push(DbPkg::new(hnum, h)?);
        }
        pkgs.sort_by_key(|p| p.hnum);
        Ok(DbState { pkgs })
    }

    /// All packages.
    pub(crate) fn pkgs(&self) -> &[DbPkg] {
        &self.pkgs
    }

    /// The package with header number `hnum`.
    pub(crate) fn get(&self, hnum: u32) -> Option<&DbPkg> {
        self.pkgs.iter().find(|p| p.hnum == hnum)
    }

    /// How many installed packages are called `name` (`rpmdbCountPackages`).
    pub(crate) fn count(&self, name: &str) -> i64 {
        self.pkgs.iter().filter(|p| p.name == name).count() as i64
    }

    /// Record a committed add.
    pub(crate) fn add(&mut self, pkg: DbPkg) {
        let at = self.pkgs.partition_point(|p| p.hnum < pkg.hnum);
        self.pkgs.insert(at, pkg);
    }

    /// Record a committed removal.
    pub(crate) fn remove(&mut self, hnum: u32) -> Option<DbPkg> {
        let at = self.pkgs.iter().position(|p| p.hnum == hnum)?;
        Some(self.pkgs.remove(at))
    }

    /// Set FILESTATES entries of an installed package (after the writer did).
    pub(crate) fn set_state(&mut self, hnum: u32, file: usize, state: u8) {
        if let Some(f) = self.pkgs.iter_mut().find(|p| p.hnum == hnum).and_then(|p| p.files.get_mut(file)) {
            f.state = state;
        }
    }
}

//! The file plan of a transaction: for every file of every incoming and
//! every erased package, what the executor does on disk, decided before
//! anything is written. This is rpm 4.18's `rpmtsPrepare`
//! (`lib/transaction.c`), data in, data out:
//!
//! 1. install policies (`skipInstallFiles`, `skip.rs`): `tsflags=nodocs`,
//!    colours outside the transaction colour;
//! 2. fingerprints (`paths.rs`): paths are compared through their canonical
//!    directory, so `/bin/x` and `/usr/bin/x` collide when `/bin -> usr/bin`;
//! 3. installed files (`checkInstalledFiles`, `handleInstInstalledFile`):
//!    an incoming file at a path an installed package owns is a
//!    **conflict** unless the two are identical (`rpmfilesCompare`), the
//!    installed package is erased in this transaction (an upgrade takes its
//!    files over), or the colours resolve it (multilib: the preferred colour,
//!    ELF64 on x86_64, wins and the loser is marked WRONG_COLOR); `%config`
//!    files get their fate from `rpmfilesDecideFate` (`decide.rs`): keep,
//!    replace, `.rpmsave` or `.rpmnew`;
//! 4. overlapped files (`handleOverlappedFiles`): the same between the
//!    incoming packages, in transaction order (of identical shared files
//!    the first is written and the next skipped; a package after a skipping
//!    one writes it again, rpm's alternation); a `%config` file on disk that no
//!    package owns is moved to `.rpmorig` (`.rpmnew` for `noreplace`); an
//!    erased package's file is kept while an incoming package brings the
//!    path or an installed one still owns it, saved as `.rpmsave` when it is
//!    a modified `%config`, removed otherwise.
//!
//! Identical shared files are owned by every package that lists them and
//! stay until the last owner is erased. `%ghost` entries never differ;
//! directories differ only in mode, owner or group (never in size or
//! mtime), so two packages listing one directory with other permissions do
//! conflict, as in rpm. The warnings rpm prints while executing these
//! actions (`fsmBackup`, `fsmCommit` in `lib/fsm.c`) are returned as text.
//!
//! Not modelled (no tdnf option reaches them): net-shared paths,
//! `%_install_langs`, `--noconfigs`/`--noartifacts`, `--allfiles`,
//! `%_minimize_writes` (`FA_TOUCH` for unchanged non-config files), and a
//! `%pretrans` excusing removal conflicts in `--test` transactions. Disk
//! space accounting is [`crate::transaction::diskspace`]'s.

mod decide;
mod disk;
mod passes;
mod paths;
mod skip;
mod tx;

#[cfg(test)]
mod tests;

pub use disk::{Disk, DiskStat, RootDisk};

use crate::rpm::filelist::{FileEntry, state};

/// A package being installed (or upgraded to, or reinstalled), in
/// transaction (install) order.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// Its NEVRA as rpm prints it in problems (`name-[epoch:]version-release.arch`).
    pub nevra: &'a str,
    /// Its file list ([`crate::rpm::filelist::file_entries`]).
    pub files: &'a [FileEntry],
    /// Its FILEDIGESTALGO ([`crate::rpm::filelist::digest_algo`]).
    pub digest_algo: u32,
}

/// A package of the rpmdb.
#[derive(Debug, Clone, Copy)]
pub struct Installed<'a> {
    /// Its header number.
    pub hnum: u32,
    /// Its NEVRA (the NEVRA tag).
    pub nevra: &'a str,
    /// Its file list, with FILESTATES in [`FileEntry::state`].
    pub files: &'a [FileEntry],
    /// Its FILEDIGESTALGO.
    pub digest_algo: u32,
    /// Erased in this transaction (explicitly, or upgraded, obsoleted or
    /// reinstalled by an incoming package).
    pub erased: bool,
}

/// Transaction settings that change file decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// `tsflags=nodocs`: do not install `%doc` files.
    pub nodocs: bool,
    /// `--replacefiles`: file conflicts are not problems (the incoming file
    /// wins; the installed one is marked REPLACED).
    pub replace_files: bool,
    /// `%_transaction_color`: 3 on 64-bit multilib arches, 0 elsewhere.
    pub color: u32,
    /// `%_prefer_color`: 2 (ELF64) unless configured otherwise.
    pub prefer_color: u32,
}

impl Default for Options {
    /// x86_64's settings: colour 3, preferred colour 2, docs installed.
    fn default() -> Options {
        Options::for_arch("x86_64")
    }
}

impl Options {
    /// The colours of rpm 4.18's `installplatform` for `arch`: transaction
    /// colour 3 for the 64-bit arches with a 32-bit compat ABI, 0 otherwise.
    pub fn for_arch(arch: &str) -> Options {
        let multilib = matches!(
            arch,
            "x86_64"
                | "amd64"
                | "ia32e"
                | "aarch64"
                | "ppc64"
                | "ppc64p7"
                | "ppc64le"
                | "s390x"
                | "riscv64"
                | "loongarch64"
        ) || arch.starts_with("sparc64")
            || arch.starts_with("mips64");
        Options {
            nodocs: false,
            replace_files: false,
            color: if multilib { 3 } else { 0 },
            prefer_color: 2,
        }
    }
}

/// What the executor does with one file of an incoming package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Write the file (replacing whatever is at the path).
    Create,
    /// The disk already has the new content: rpm only re-applies owner,
    /// mode and mtime (writing it anew gives the same result).
    Touch,
    /// Write the new content as `path.rpmnew`; leave the disk file alone.
    AltName,
    /// Rename the disk file to `path.rpmsave`, then write the file.
    Save,
    /// Rename the disk file to `path.rpmorig` (a `%config` on disk that no
    /// package owned), then write the file.
    Orig,
    /// Leave the disk as it is (ghost, `%doc` under nodocs, wrong colour,
    /// a shared file another package writes, a kept modified config).
    Skip,
}

impl Action {
    /// The suffix the disk file is renamed to first, if any.
    pub fn backup_suffix(self) -> Option<&'static str> {
        match self {
            Action::Save => Some(".rpmsave"),
            Action::Orig => Some(".rpmorig"),
            _ => None,
        }
    }
}

/// What the executor does with one file of an erased package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EraseAction {
    /// Remove it (a missing file is not an error; a non-empty directory stays).
    Remove,
    /// Rename it to `path.rpmsave` (a modified `%config`).
    Save,
    /// Leave it: another package keeps or brings it, it was not installed
    /// by this package, or it is an existing `%config %ghost`.
    Keep,
}

/// The plan for one incoming package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallPlan {
    /// One action per file, in file-list order.
    pub actions: Vec<Action>,
    /// FILESTATES for its rpmdb header: NORMAL, NOT_INSTALLED (nodocs) or
    /// WRONG_COLOR.
    pub states: Vec<u8>,
    /// The warnings rpm prints while installing it, in file order
    /// (`warning: /etc/x created as /etc/x.rpmnew`).
    pub warnings: Vec<String>,
}

/// The plan for one erased package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasePlan {
    /// Its header number.
    pub hnum: u32,
    /// One action per file, in file-list order.
    pub actions: Vec<EraseAction>,
    /// `warning: /etc/x saved as /etc/x.rpmsave`, in file order.
    pub warnings: Vec<String>,
}

/// A file of a package that stays installed, taken over by an incoming one:
/// its FILESTATES entry becomes `state` (rpm's `markReplacedFiles`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replaced {
    /// The installed header.
    pub hnum: u32,
    /// The file's index in that header.
    pub file: usize,
    /// [`state::REPLACED`], or [`state::WRONG_COLOR`] when it lost a
    /// multilib conflict.
    pub state: u8,
}

/// An undeclared file conflict: the transaction must not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The path, as the incoming package lists it.
    pub path: String,
    /// The incoming package's NEVRA.
    pub new: String,
    /// The other package's NEVRA.
    pub other: String,
    /// The other package is installed (and stays), not incoming.
    pub other_is_installed: bool,
}

impl Conflict {
    /// rpm's problem text (`rpmProblemString`, `RPMPROB_FILE_CONFLICT` and
    /// `RPMPROB_NEW_FILE_CONFLICT`).
    pub fn message(&self) -> String {
        if self.other_is_installed {
            format!(
                "file {} from install of {} conflicts with file from package {}",
                self.path, self.new, self.other
            )
        } else {
            format!(
                "file {} conflicts between attempted installs of {} and {}",
                self.path, self.new, self.other
            )
        }
    }
}

/// The decisions for a whole transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePlan {
    /// One per [`Incoming`], same order.
    pub installs: Vec<InstallPlan>,
    /// One per erased [`Installed`], same order.
    pub erases: Vec<ErasePlan>,
    /// Files of staying packages to mark in their headers.
    pub replaced: Vec<Replaced>,
    /// Conflicts, in rpm's order (per incoming package: installed
    /// conflicts, then conflicts with earlier incoming packages).
    pub conflicts: Vec<Conflict>,
}

/// rpm's internal file actions (`rpmFileAction`) during planning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fa {
    Unknown,
    Create,
    Backup,
    Save,
    Skip,
    AltName,
    Erase,
    SkipNState,
    SkipColor,
    Touch,
}

impl Fa {
    /// `XFA_SKIPPING`.
    fn skipping(self) -> bool {
        matches!(self, Fa::Skip | Fa::SkipNState | Fa::SkipColor)
    }
}

/// One file of one package, with that package's digest algorithm.
#[derive(Debug, Clone, Copy)]
struct Side<'a> {
    file: &'a FileEntry,
    algo: u32,
}

/// Decide every file of the transaction: `incoming` in install order,
/// `installed` the whole rpmdb (those with `erased` are erased after the
/// installs, in slice order), `disk` the target root as it is now.
pub fn plan(
    incoming: &[Incoming<'_>],
    installed: &[Installed<'_>],
    disk: &dyn Disk,
    opts: &Options,
) -> FilePlan {
    let mut tx = tx::Tx::new(incoming, installed, disk, *opts);
    tx.check_installed();
    tx.handle_overlapped();
    tx.finish()
}

/// The public action and FILESTATES entry for an incoming file.
fn install_outcome(f: &FileEntry, fa: Fa) -> (Action, u8) {
    let st = match fa {
        Fa::SkipNState => state::NOT_INSTALLED,
        Fa::SkipColor => state::WRONG_COLOR,
        _ => state::NORMAL,
    };
    // The fsm never writes a ghost, whatever was decided for it.
    let action = if f.is_ghost() {
        Action::Skip
    } else {
        match fa {
            Fa::Unknown | Fa::Create | Fa::Erase => Action::Create,
            Fa::Touch => Action::Touch,
            Fa::AltName => Action::AltName,
            Fa::Save => Action::Save,
            Fa::Backup => Action::Orig,
            Fa::Skip | Fa::SkipNState | Fa::SkipColor => Action::Skip,
        }
    };
    (action, st)
}

/// The public action for an erased file.
fn erase_outcome(f: &FileEntry, fa: Fa) -> EraseAction {
    match fa {
        Fa::Erase => EraseAction::Remove,
        Fa::Save if !f.is_ghost() => EraseAction::Save,
        _ => EraseAction::Keep,
    }
}

/// The warning rpm prints for an action on `path` (`lib/fsm.c`).
fn warning(path: &str, action: Action) -> Option<String> {
    match action {
        Action::AltName => Some(format!("warning: {path} created as {path}.rpmnew")),
        a => a
            .backup_suffix()
            .map(|s| format!("warning: {path} saved as {path}{s}")),
    }
}

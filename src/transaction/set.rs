//! A transaction as data: what the caller asks for ([`TransactionSet`]),
//! how it is told about progress ([`Reporter`]), and what happened
//! ([`Outcome`]).

use std::path::PathBuf;

use super::scriptlet::{Output, ScriptError};


/// One step the caller asks for, in the order it wants them (libsolv's
/// transaction order: prerequisites first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Install the package file `rpm` (a host path). `replaces` are the
    /// header numbers of installed packages it upgrades, downgrades,
    /// obsoletes or reinstalls: they are erased after every install of
    /// the transaction, as rpm orders erasures after installs.
    Install { rpm: PathBuf, replaces: Vec<u32> },
    /// Erase the installed package with this header number.
    Erase { hnum: u32 },
}

/// Transaction flags (`tsflags`, `--testonly`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flags {
    /// `tsflags=noscripts`: no scriptlets and no triggers (rpm's
    /// `RPMTRANS_FLAG_NOSCRIPTS` implies `NOTRIGGERS`).
    pub noscripts: bool,
    /// `--notriggers`: scriptlets run, triggers and file triggers do not.
    pub notriggers: bool,
    /// `tsflags=nodocs`: `%doc` files are not installed.
    pub nodocs: bool,
    /// Run every check, then stop before anything is written.
    pub test: bool,
    /// File conflicts are not problems (the incoming file wins).
    pub replace_files: bool,
    /// Where scriptlet output goes.
    pub output: Output,
}

impl Default for Flags {
    fn default() -> Flags {
        Flags {
            noscripts: false,
            notriggers: false,
            nodocs: false,
            test: false,
            replace_files: false,
            output: Output::Inherit,
        }
    }
}

/// A whole transaction on one root.
#[derive(Debug, Clone)]
pub struct TransactionSet {
    /// The install root (a host path; `/` for the running system).
    pub root: PathBuf,
    /// The rpmdb directory inside the root (`/var/lib/rpm`).
    pub dbpath: String,
    /// What to do.
    pub steps: Vec<Step>,
    /// How.
    pub flags: Flags,
    /// The transaction id (INSTALLTID); rpm uses the start time.
    pub tid: u32,
}

/// Points of the run a [`Reporter`] hears about; tests use them to stop
/// the process at a known place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checkpoint {
    /// The journal is written; nothing else yet.
    Begun,
    /// An element's files are on disk, its rpmdb change not yet made.
    FilesDone,
    /// An element's rpmdb change is committed.
    DbDone,
}

/// What an element is, for progress output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementKind {
    Install,
    Erase,
}

/// Progress and messages of a transaction. Only the command line
/// implements it with real output; every method has a silent default.
pub trait Reporter {
    /// Element `index` of `total` starts.
    fn element(&self, _index: usize, _total: usize, _kind: ElementKind, _nevra: &str) {}
    /// A warning in rpm's words (`warning: /etc/x created as /etc/x.rpmnew`,
    /// `warning: %post(x-1-1.noarch) scriptlet failed, exit status 1`).
    fn warning(&self, _message: &str) {}
    /// The run reached `point` for element `index`.
    fn checkpoint(&self, _point: Checkpoint, _index: usize) {}
}

/// A reporter that says nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Reporter for Silent {}

/// An element that did not happen, and why.
#[derive(Debug)]
pub struct Failure {
    /// Its NEVRA.
    pub nevra: String,
    /// `install` or `erase`.
    pub kind: ElementKind,
    /// Why: the scriptlet that stopped it (`%pre(x) scriptlet failed,
    /// exit status 1`), the write error, or `skipped` when the install that
    /// replaces it failed.
    pub reason: String,
}

/// What a transaction did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Installed packages: NEVRA and new header number.
    pub installed: Vec<(String, u32)>,
    /// Erased packages' NEVRAs.
    pub erased: Vec<String>,
    /// Elements that were not carried out.
    pub failed: Vec<Failure>,
    /// Scriptlets that failed without stopping their element (`%post`,
    /// `%postun`, triggers, `%posttrans`): rpm's warnings.
    pub script_warnings: Vec<ScriptError>,
    /// A held signal stopped the transaction between elements; the caller
    /// should re-raise it after reporting.
    pub interrupted: Option<nix::sys::signal::Signal>,
    /// Set by [`super::run`] when only the checks ran (`Flags::test`).
    pub tested_only: bool,
}

impl Outcome {
    /// Every element happened and every scriptlet succeeded (tdnf's
    /// success; otherwise it exits 1525).
    pub fn clean(&self) -> bool {
        self.failed.is_empty() && self.script_warnings.is_empty() && self.interrupted.is_none()
    }
}

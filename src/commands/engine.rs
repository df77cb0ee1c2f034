//! `tdnf __engine`: a hidden entry point that drives the transaction
//! engine directly, for tests and the engine benchmark (no repos, no
//! solver, no dependency checks: like `rpm -i/-U/-e --nodeps`).
//!
//! ```text
//! tdnf __engine [--root R] [--dbpath P] [--noscripts] [--notriggers] [--nodocs]
//!               [--test] [--replacefiles] [--tid N] install|upgrade FILE… | erase NAME… | recover
//! ```
//!
//! `upgrade` replaces the installed packages of the same name (rpm -U);
//! `erase` takes names or NEVRAs. Warnings go to stderr in rpm's words;
//! problems print as tdnf prints rpm problems (`Found N problems`). With
//! `TDNF_ENGINE_KILL_AT=<checkpoint>:<element>` (checkpoint `begun`,
//! `files-done` or `db-done`) the process kills itself with SIGKILL there:
//! the crash tests use it.

use std::path::PathBuf;

use crate::error::{Code, Error};
use crate::output::{Mode, Printer, print_error};
use crate::rpmdb::Rpmdb;
use crate::transaction::{self, Checkpoint, ElementKind, Flags, Reporter, Step, TransactionSet, TxError};

/// Prints warnings to stderr; kills the process at the configured point.
struct CliReporter<'p> {
    printer: &'p Printer,
    kill_at: Option<(String, usize)>,
}

impl Reporter for CliReporter<'_> {
    fn element(&self, _index: usize, _total: usize, kind: ElementKind, nevra: &str) {
        let verb = if kind == ElementKind::Install { "Installing" } else { "Removing" };
        self.printer.info(&format!("{verb}: {nevra}\n"));
    }

    fn warning(&self, message: &str) {
        self.printer.err(&format!("{message}\n"));
    }

    fn checkpoint(&self, point: Checkpoint, index: usize) {
        let name = match point {
            Checkpoint::Begun => "begun",
            Checkpoint::FilesDone => "files-done",
            Checkpoint::DbDone => "db-done",
        };
        if self.kill_at.as_ref().is_some_and(|(p, i)| p == name && *i == index) {
            let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGKILL);
        }
    }
}

fn usage(what: &str) -> Error {
    Error::new(Code::CliInvalidArgument, format!("__engine: {what}"))
}

/// (header number, name, NEVRA) of every installed package.
fn installed(dbdir: &std::path::Path) -> Result<Vec<(u32, String, String)>, Error> {
    let db = Rpmdb::open(dbdir).map_err(|e| Error::new(Code::TransactionFailed, e.to_string()))?;
    let mut warnings = Vec::new();
    let headers = db.headers(&mut warnings).map_err(|e| Error::new(Code::TransactionFailed, e.to_string()))?;
    Ok(headers.into_iter().map(|(hnum, h)| (hnum, transaction::header_name(&h), transaction::nevra_of(&h))).collect())
}

/// Header numbers of the packages whose name or NEVRA is `spec`.
fn matching(installed: &[(u32, String, String)], spec: &str) -> Vec<u32> {
    installed.iter().filter(|(_, n, nevra)| n == spec || nevra == spec).map(|(h, _, _)| *h).collect()
}

fn parse(args: &[String]) -> Result<(TransactionSet, String), Error> {
    let mut ts = TransactionSet {
        root: PathBuf::from("/"),
        dbpath: "/var/lib/rpm".into(),
        steps: Vec::new(),
        flags: Flags::default(),
        tid: 0,
    };
    let mut it = args.iter();
    let mut op = None;
    let mut operands = Vec::new();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| usage(&format!("{name} needs a value")));
        match a.as_str() {
            "--root" => ts.root = PathBuf::from(value("--root")?),
            "--dbpath" => ts.dbpath = value("--dbpath")?,
            "--tid" => ts.tid = value("--tid")?.parse().map_err(|_| usage("--tid needs a number"))?,
            "--noscripts" => ts.flags.noscripts = true,
            "--notriggers" => ts.flags.notriggers = true,
            "--nodocs" => ts.flags.nodocs = true,
            "--test" => ts.flags.test = true,
            "--replacefiles" => ts.flags.replace_files = true,
            s if s.starts_with("--") => return Err(usage(&format!("unknown option {s}"))),
            s if op.is_none() => op = Some(s.to_owned()),
            s => operands.push(s.to_owned()),
        }
    }
    let op = op.ok_or_else(|| usage("no operation (install, upgrade, erase, recover)"))?;
    if ts.tid == 0 {
        ts.tid = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX));
    }
    let dbdir = crate::rpmdb::resolve_in_root(&ts.root, &ts.dbpath);
    let installed = if matches!(op.as_str(), "upgrade" | "erase") { installed(&dbdir)? } else { Vec::new() };
    for o in &operands {
        match op.as_str() {
            "install" => ts.steps.push(Step::Install { rpm: PathBuf::from(o), replaces: Vec::new() }),
            "upgrade" => {
                let file = crate::rpm::file::RpmFile::open(o).map_err(|e| Error::new(Code::TransactionFailed, e.to_string()))?;
                let name = transaction::header_name(&file.header);
                let replaces = matching(&installed, &name);
                ts.steps.push(Step::Install { rpm: PathBuf::from(o), replaces });
            }
            "erase" => {
                let found = matching(&installed, o);
                if found.is_empty() {
                    return Err(Error::new(Code::TransactionFailed, format!("package {o} is not installed")));
                }
                ts.steps.extend(found.into_iter().map(|hnum| Step::Erase { hnum }));
            }
            "recover" => return Err(usage("recover takes no operands")),
            other => return Err(usage(&format!("unknown operation {other}"))),
        }
    }
    Ok((ts, op))
}

fn run_engine(args: &[String], printer: &Printer) -> Result<u8, Error> {
    let (ts, op) = parse(args)?;
    let kill_at = std::env::var("TDNF_ENGINE_KILL_AT").ok().and_then(|v| {
        let (p, i) = v.split_once(':')?;
        Some((p.to_owned(), i.parse().ok()?))
    });
    let reporter = CliReporter { printer, kill_at };
    if op == "recover" {
        let r = transaction::recover(&ts.root, &ts.dbpath, &reporter).map_err(tx_error)?;
        if r.is_none() {
            printer.info("Nothing to recover\n");
        }
        return Ok(0);
    }
    let outcome = match transaction::run(&ts, &reporter) {
        Ok(o) => o,
        Err(TxError::Problems(p)) => {
            printer.data(&format!("Found {} problems\n", p.len()));
            for line in &p {
                printer.data(&format!("{line}\n"));
            }
            return Err(Error::code(Code::TransactionFailed));
        }
        Err(e) => return Err(tx_error(e)),
    };
    if let Some(sig) = outcome.interrupted {
        printer.err(&format!("Transaction stopped by {sig}\n"));
        let _ = nix::sys::signal::raise(sig);
    }
    if outcome.clean() { Ok(0) } else { Err(Error::code(Code::TransactionFailed)) }
}

fn tx_error(e: TxError) -> Error {
    Error::new(Code::TransactionFailed, e.to_string())
}

/// Entry point: `args` are the words after `__engine`.
pub fn main(args: &[String]) -> u8 {
    let printer = Printer::new(Mode::Text, false, false);
    match run_engine(args, &printer) {
        Ok(code) => code,
        Err(e) => {
            print_error(&printer, &e);
            e.exit_status()
        }
    }
}

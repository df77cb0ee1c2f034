//! tdnf, rewritten in Rust: one static binary that behaves like tdnf 3.6.
//!
//! # Map of the crate
//!
//! * [`cli`] — tdnf's command line: `getopt_long_only` rules, option table, help.
//! * [`config`] — `tdnf.conf`, `*.repo`, variables; the resolved [`config::Settings`].
//! * [`context`] — one run: settings, printer, downloader, and the lazily loaded pool.
//! * [`commands`] — one thin module per tdnf command.
//! * [`goal`] — the resolver of alter commands: specs into libsolv jobs,
//!   tdnf's policies (installonly, locks, protected, minversions), the plan.
//! * [`history`] — tdnf's history database: schema, rpm's database cookie,
//!   replay of past states, auto-installed flags, undo/redo/rollback targets.
//! * [`query`] — package selection over the pool (specs, scopes, search).
//! * [`repo`] — metadata sync and the per-repo cache layout.
//! * [`download`] — HTTP/file fetching with mirrors, retries, TLS, size caps;
//!   parallel, resumable package downloads.
//! * [`lock`] — tdnf's instance lock (fcntl, with a bounded wait).
//! * [`sack`] — repodata and rpmdb packages into libsolv; the `.solv` cache.
//! * [`rpm`] — reading rpm headers, `.rpm` files and payloads (digests, cpio).
//! * [`rpmdb`] — rpm's sqlite database: the read-only reader commands use, and
//!   the writer the transaction engine will use.
//! * [`fsroot`] — writing files confined to an install root (engine groundwork).
//! * [`transaction`] — a minimal executor over those pieces: install one `.rpm`
//!   into a root, erase one package (no scriptlets or config rules yet).
//! * [`output`] — the [`output::Printer`], JSON views, text formats.
//! * [`error`] — the one error type and the table of tdnf codes.
//!
//! The two library crates stay independent: `solv` wraps libsolv and knows
//! no rpm-md; `repodata` parses rpm-md and knows no libsolv. [`sack`] joins
//! them.

pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub mod download;
pub mod error;
pub mod fsroot;
pub mod goal;
pub mod history;
pub mod lock;
pub mod output;
pub mod query;
pub mod repo;
pub mod rpm;
pub mod rpmdb;
pub mod sack;
pub mod signature;
pub mod transaction;

#[cfg(test)]
pub(crate) mod test_support;

use cli::ArgError;
use error::{Code, Error};
use output::{Mode, Printer};

/// tdnf's version string, kept for compatibility (`tdnf --version`).
pub const TDNF_VERSION: &str = "3.6.0";

/// Run tdnf with `argv` (argv\[0\] included); returns the exit status.
pub fn run(argv: &[String]) -> u8 {
    // Modes of what we create (cache, history, rpmdb, installed files,
    // scriptlets' files) never depend on the caller's umask: image builds
    // often run with 077. rpm does the same for its transactions.
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o022));
    // The engine's hidden test entry point (see `commands::engine`).
    if argv.get(1).is_some_and(|a| a == "__engine") {
        return commands::engine::main(&argv[2..]);
    }
    let args = match cli::parse_args(argv) {
        Ok(a) => a,
        Err(ArgError { error, notice, json }) => {
            let printer = Printer::new(if json { Mode::Json } else { Mode::Text }, false, false);
            if let Some(n) = notice {
                // tdnf prints "No such option" on stdout (other notices on
                // stderr); with -j stdout holds only the JSON document.
                let on_stdout = error.kind() == Code::OptionNameInvalid || n.starts_with("Install root");
                if json || !on_stdout {
                    printer.err(&format!("{n}\n"))
                } else {
                    printer.stdout_always(&format!("{n}\n"))
                }
            }
            output::print_error(&printer, &error);
            return error.exit_status();
        }
    };
    let printer = Printer::new(if args.json { Mode::Json } else { Mode::Text }, args.quiet, args.verbose);
    let result = commands::dispatch(&args, &printer);
    match result {
        Ok(status) => status,
        Err(err) => {
            output::print_error(&printer, &err);
            err.exit_status()
        }
    }
}

/// The error for a command word tdnf does not know.
pub(crate) fn no_such_command(printer: &Printer, word: &str) -> Error {
    printer.data(&format!("No such command: {word}. Please use /usr/bin/tdnf --help\n"));
    Error::code(Code::NoSuchCmd)
}

//! The one place that writes to stdout and stderr.
//!
//! stdout carries data (tables, or exactly one JSON document with `-j`);
//! messages, warnings and progress go to stderr. Writing to a closed pipe
//! (`tdnf list | head -1`) is not an error worth a panic: the printer
//! remembers it and the run ends quietly.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::cell::Cell;
use std::io::{self, Write};

/// Output mode, decided once from the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Text,
    Json,
}

#[derive(Debug)]
pub struct Printer {
    mode: Mode,
    quiet: bool,
    verbose: bool,
    broken_pipe: Cell<bool>,
}

impl Printer {
    pub fn new(mode: Mode, quiet: bool, verbose: bool) -> Printer {
        Printer { mode, quiet, verbose, broken_pipe: Cell::new(false) }
    }

    pub fn is_json(&self) -> bool {
        self.mode == Mode::Json
    }

    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    pub fn is_verbose(&self) -> bool {
        self.verbose
    }

    /// Data for stdout in text mode (tdnf's `pr_crit`); nothing in JSON mode.
    pub fn data(&self, text: &str) {
        if self.mode == Mode::Text {
            self.write_stdout(text);
        }
    }

    /// Informational text for stdout (tdnf's `pr_info`): hidden by `-q` and `-j`.
    pub fn info(&self, text: &str) {
        if self.mode == Mode::Text && !self.quiet {
            self.write_stdout(text);
        }
    }

    /// A message for stderr (tdnf's `pr_err`): always shown.
    pub fn err(&self, text: &str) {
        let mut e = io::stderr().lock();
        let _ = e.write_all(text.as_bytes());
        let _ = e.flush();
    }

    /// A message for stderr that only `-v` shows.
    pub fn verbose(&self, text: &str) {
        if self.verbose {
            self.err(text);
        }
    }

    /// The JSON document (compact, no trailing newline, as tdnf).
    pub fn json<T: serde::Serialize + ?Sized>(&self, value: &T) {
        match serde_json::to_string(value) {
            Ok(s) => self.write_stdout(&s),
            Err(e) => self.err(&format!("Error(1700) : {e}\n")),
        }
    }

    /// Raw JSON text (for hand-checked literals such as `{}`).
    pub fn json_raw(&self, text: &str) {
        self.write_stdout(text);
    }

    /// Text for stdout regardless of mode (used for pre-JSON notices).
    pub fn stdout_always(&self, text: &str) {
        self.write_stdout(text);
    }

    /// Whether stdout was closed under us.
    pub fn broken_pipe(&self) -> bool {
        self.broken_pipe.get()
    }

    fn write_stdout(&self, text: &str) {
        if self.broken_pipe.get() {
            return;
        }
        let mut out = io::stdout().lock();
        if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
            && e.kind() == io::ErrorKind::BrokenPipe {
                self.broken_pipe.set(true);
            }
    }
}

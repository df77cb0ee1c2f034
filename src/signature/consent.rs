//! The user's consent to import a key into the rpm database: tdnf prints
//! `importing key from <url>` and asks `Is this ok [y/N]: `
//! (`client/gpgcheck.c`, `common/utils.c TDNFYesOrNo`). `-y` answers yes,
//! `--assumeno` no; otherwise a line is read from standard input (`y`,
//! `yes`, `n`, `no` or empty, any case; other lines ask again).
//!
//! One difference: tdnf reads standard input even when it is not a
//! terminal (and fails with 1033 at end of file). We only ask on a
//! terminal; without one and without `-y` the import is refused
//! ([`KeyImport::NoTerminal`]).

use std::io::{BufRead, IsTerminal};

use crate::error::{Code, Error, Result};
use crate::output::Printer;

/// tdnf's question.
pub const QUESTION: &str = "Is this ok [y/N]: ";

/// How a key import is answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum KeyImport {
    /// `--assumeno`: every import is declined.
    No,
    /// Standard input is not a terminal and there is no `-y`: declined.
    #[default]
    NoTerminal,
    /// `-y` / `--assumeyes`: imported without asking.
    Yes,
    /// Ask on the terminal.
    Ask,
}

impl KeyImport {
    /// The answer mode for a run: `-y` wins over `--assumeno`, as in tdnf.
    pub fn from_args(assume_yes: bool, assume_no: bool) -> KeyImport {
        if assume_yes {
            KeyImport::Yes
        } else if assume_no {
            KeyImport::No
        } else if std::io::stdin().is_terminal() {
            KeyImport::Ask
        } else {
            KeyImport::NoTerminal
        }
    }

    /// Whether the key from `url` may be imported. Prints tdnf's
    /// `importing key from <url>` (except for [`KeyImport::NoTerminal`],
    /// which asks nothing) and, for [`KeyImport::Ask`], reads the answer
    /// from `input`; end of input is tdnf's 1033.
    pub fn confirm(self, printer: &Printer, url: &str, input: &mut dyn BufRead) -> Result<bool> {
        if self == KeyImport::NoTerminal {
            return Ok(false);
        }
        printer.info(&format!("importing key from {url}\n"));
        match self {
            KeyImport::Yes => Ok(true),
            KeyImport::No | KeyImport::NoTerminal => Ok(false),
            KeyImport::Ask => loop {
                if printer.is_json() {
                    printer.err(QUESTION);
                } else {
                    printer.stdout_always(QUESTION);
                }
                let mut line = String::new();
                let n = input.read_line(&mut line).map_err(|e| Error::io("standard input", e))?;
                if n == 0 {
                    return Err(Error::code(Code::InvalidInput));
                }
                match line.trim_end_matches(['\n', '\r']).to_ascii_lowercase().as_str() {
                    "y" | "yes" => return Ok(true),
                    "n" | "no" | "" => return Ok(false),
                    _ => {}
                }
            },
        }
    }

    /// The error for a declined import (tdnf's 1032), saying why.
    pub fn declined(self, url: &str) -> Error {
        let why = match self {
            KeyImport::NoTerminal => format!(" (importing the key from {url} needs -y: standard input is not a terminal)"),
            _ => format!(" (the key from {url} was not imported)"),
        };
        Error::new(Code::OperationAborted, format!("{}{why}", Code::OperationAborted.message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Mode;

    #[test]
    fn answers_as_tdnf_reads_them() {
        let p = Printer::new(Mode::Text, true, false);
        let ask = |text: &str| KeyImport::Ask.confirm(&p, "file:///k", &mut text.as_bytes());
        assert!(ask("y\n").unwrap());
        assert!(ask("YES\n").unwrap());
        assert!(!ask("\n").unwrap());
        assert!(!ask("maybe\nno\n").unwrap());
        assert!(ask("what\nY\n").unwrap());
        assert_eq!(ask("").unwrap_err().kind(), Code::InvalidInput);
        assert_eq!(ask("perhaps\n").unwrap_err().kind(), Code::InvalidInput);
        let none: &mut dyn BufRead = &mut "".as_bytes();
        assert!(KeyImport::Yes.confirm(&p, "u", none).unwrap());
        assert!(!KeyImport::No.confirm(&p, "u", none).unwrap());
        assert!(!KeyImport::NoTerminal.confirm(&p, "u", none).unwrap());
        assert_eq!(KeyImport::from_args(true, true), KeyImport::Yes);
        assert_eq!(KeyImport::from_args(false, true), KeyImport::No);
        let e = KeyImport::NoTerminal.declined("file:///k");
        assert_eq!(e.number(), 1032);
        assert!(e.message().contains("needs -y"), "{}", e.message());
    }
}

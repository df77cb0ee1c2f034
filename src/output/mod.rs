//! Output: the [`Printer`] (the only writer of stdout/stderr), JSON view
//! structs, text formatting, error rendering, and download progress.

pub mod format;
pub mod plan;
pub mod printer;
pub mod progress;
pub mod views;

pub use printer::{Mode, Printer};

use crate::error::Error;

/// Print an error as tdnf does: `Error(N) : msg` on stderr, or the JSON
/// error object as the run's one document.
pub fn print_error(printer: &Printer, err: &Error) {
    if err.is_quiet_success() {
        // One JSON document even when there is nothing to say.
        match (printer.is_json(), err.kind()) {
            (true, crate::error::Code::NoData) => printer.json_raw("[]"),
            (true, _) => printer.json_raw("{}"),
            (false, _) => printer.err(&format!("{}\n", err.message())),
        }
        return;
    }
    if printer.is_json() {
        printer.json(&views::ErrorView { error: err.number(), error_message: err.message() });
    } else {
        printer.err(&format!("Error({}) : {}\n", err.number(), err.message()));
    }
}

//! The `tdnf` binary: argv in, exit status out. Everything else is in the
//! library (`src/lib.rs` has the map).

use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    ExitCode::from(tdnf::run(&argv))
}

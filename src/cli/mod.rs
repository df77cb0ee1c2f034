//! The command line: tdnf's getopt_long_only rules, its option table, and
//! the help text.

pub mod args;
pub mod getopt;
pub mod help;

pub use args::{ArgError, CmdArgs, parse_args};

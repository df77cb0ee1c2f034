//! One thin module per tdnf command. Each turns its arguments into a query
//! or a goal, calls the library, and hands views to the printer.

use crate::cli::CmdArgs;
use crate::context::Context;
use crate::error::{Code, Error, Result};
use crate::output::Printer;
use crate::output::views;

mod alter;
mod alter_source;
mod alter_support;
mod check;
mod clean;
mod count;
pub mod engine;
pub mod history;
mod info;
mod list;
mod makecache;
mod mark;
mod provides;
mod repolist;
mod repoquery;
mod reposync;
mod search;
mod updateinfo;

/// What a command needs before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Needs root (euid 0) before anything else (tdnf's alter commands).
    Alter,
    ReadOnly,
}

type Handler = fn(&mut Context<'_>) -> Result<u8>;

/// tdnf's command table (`tools/cli/main.c`), aliases included.
const COMMANDS: &[(&str, Kind, Option<Handler>)] = &[
    ("autoerase", Kind::Alter, Some(alter::run_autoremove)),
    ("autoremove", Kind::Alter, Some(alter::run_autoremove)),
    ("check", Kind::ReadOnly, Some(check::run_check)),
    ("check-local", Kind::ReadOnly, Some(check::run_check_local)),
    ("check-update", Kind::ReadOnly, Some(list::run_check_update)),
    ("clean", Kind::ReadOnly, Some(clean::run)),
    ("count", Kind::ReadOnly, Some(count::run)),
    ("distro-sync", Kind::Alter, Some(alter::run_distro_sync)),
    ("downgrade", Kind::Alter, Some(alter::run_downgrade)),
    ("erase", Kind::Alter, Some(alter::run_erase)),
    ("help", Kind::ReadOnly, Some(help)),
    ("history", Kind::Alter, Some(history::run)),
    ("info", Kind::ReadOnly, Some(info::run)),
    ("install", Kind::Alter, Some(alter::run_install)),
    ("list", Kind::ReadOnly, Some(list::run)),
    ("makecache", Kind::ReadOnly, Some(makecache::run)),
    ("mark", Kind::ReadOnly, Some(mark::run)),
    ("provides", Kind::ReadOnly, Some(provides::run)),
    ("whatprovides", Kind::ReadOnly, Some(provides::run)),
    ("reinstall", Kind::Alter, Some(alter::run_reinstall)),
    ("remove", Kind::Alter, Some(alter::run_erase)),
    ("repolist", Kind::ReadOnly, Some(repolist::run)),
    ("reposync", Kind::ReadOnly, Some(reposync::run)),
    ("repoquery", Kind::ReadOnly, Some(repoquery::run)),
    ("search", Kind::ReadOnly, Some(search::run)),
    ("update", Kind::Alter, Some(alter::run_update)),
    ("update-to", Kind::Alter, Some(alter::run_update)),
    ("upgrade", Kind::Alter, Some(alter::run_update)),
    ("upgrade-to", Kind::Alter, Some(alter::run_update)),
    ("updateinfo", Kind::ReadOnly, Some(updateinfo::run)),
];

/// Run the command named on the command line.
pub fn dispatch(args: &CmdArgs, printer: &Printer) -> Result<u8> {
    if args.show_version {
        if printer.is_json() {
            printer.json(&views::Version { name: "tdnf", version: crate::TDNF_VERSION });
        } else {
            // tdnf applies -q only after opening the handle: --version prints.
            printer.data(&format!("tdnf: {}\n", crate::TDNF_VERSION));
        }
        return Ok(0);
    }
    if args.show_help {
        printer.data(&format!("{}\n", crate::cli::help::help_text()));
        if printer.is_json() {
            printer.json_raw("{}");
        }
        return Ok(0);
    }
    let Some(word) = args.command() else {
        printer.data("You need to give some command\n");
        printer.data(&format!("{}\n", crate::cli::help::help_text()));
        return Err(Error::code(Code::NoSuchCmd));
    };
    let Some((name, kind, handler)) = COMMANDS.iter().find(|(n, _, _)| *n == word) else {
        return Err(crate::no_such_command(printer, word));
    };
    if *kind == Kind::Alter && !nix::unistd::geteuid().is_root() {
        return Err(Error::code(Code::Perm));
    }
    let Some(handler) = handler else {
        return Err(Error::new(
            Code::CliInvalidArgument,
            format!("the `{name}` command is not available in this build of tdnf yet"),
        ));
    };
    let mut ctx = Context::new(args, printer)?;
    if args.verbose {
        ctx.show_setopts();
    }
    handler(&mut ctx)
}

fn help(ctx: &mut Context<'_>) -> Result<u8> {
    ctx.printer.data(&format!("{}\n", crate::cli::help::help_text()));
    if ctx.printer.is_json() {
        ctx.printer.json_raw("{}");
    }
    Ok(0)
}

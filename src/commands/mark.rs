//! `tdnf mark install|remove SPECS`: set the auto-installed flag of the
//! installed packages matching SPECS in the history database (`install`:
//! user installed, `remove`: auto installed), on a new history row, as
//! tdnf's `TDNFCliMarkCommand`/`TDNFMark` do.

use crate::context::Context;
use crate::error::{Code, Error, Result};
use crate::history::History;
use crate::query::select_spec;
use crate::sack::{Needs, SelectKind, Sid};

/// The `mark` command.
pub(super) fn run(ctx: &mut Context<'_>) -> Result<u8> {
    let words = ctx.args.command_args();
    let auto = match words.first().map(String::as_str) {
        Some("install") => false,
        Some("remove") => true,
        Some(other) => {
            ctx.printer.data(&format!("unknown action '{other}'\n"));
            return Err(Error::code(Code::CliInvalidArgument));
        }
        None => {
            ctx.printer.data("need action ('install' or 'remove') as argument\n");
            return Err(Error::code(Code::Einval));
        }
    };
    let specs = &words[1..];
    if specs.is_empty() {
        ctx.printer.data("need package spec(s) as argument\n");
        return Err(Error::code(Code::Einval));
    }
    let mut sack = ctx.load_sack(Needs::installed_only())?;
    let mut found: Vec<Sid> = Vec::new();
    for spec in specs {
        for s in select_spec(&mut sack, ctx.printer, spec, SelectKind::List, Some(true)) {
            if !found.contains(&s) {
                found.push(s);
            }
        }
    }
    if found.is_empty() {
        return Err(Error::code(Code::NoMatch));
    }
    let mut db = History::open_existing(&ctx.settings)?;
    db.add_transaction(&ctx.args.raw.join(" "))?;
    for s in found {
        let name = sack.info(s).name;
        ctx.printer.info(&format!("marking {name} as {}installed\n", if auto { "auto" } else { "user" }));
        db.set_auto_flag(&name, auto)?;
    }
    Ok(0)
}

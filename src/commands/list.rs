//! `tdnf list [scope] [specs]` and `tdnf check-update [specs]`.

use crate::context::Context;
use crate::error::{Code, Error, Result};
use crate::output::format::list_columns;
use crate::output::views::ListItem;
use crate::query::{self, Scope};
use crate::sack::{Needs, Sack, Sid};

/// The scope from a leading word or a scope option, and the remaining specs.
pub(super) fn scope_and_specs(ctx: &Context<'_>) -> (Scope, Vec<String>) {
    let mut args: Vec<String> = ctx.args.command_args().to_vec();
    let mut scope = Scope::All;
    for (name, _) in &ctx.args.cmd_opts {
        if let Some(s) = Scope::from_word(name) {
            scope = s;
        }
    }
    // A scope word overrides a scope option (`list --installed available`).
    if let Some(s) = args.first().and_then(|w| Scope::from_word(w)) {
        scope = s;
        args.remove(0);
    }
    (scope, args)
}

pub(super) fn needs_for(scope: Scope) -> Needs {
    match scope {
        Scope::Installed => Needs::installed_only(),
        _ => Needs::default(),
    }
}

/// Load the sack and select what `list`/`info` show; no match is 1011 in
/// text mode and an empty result (`[]`) with `-j`.
pub(super) fn select_listed(ctx: &mut Context<'_>) -> Result<(Sack, Vec<Sid>)> {
    let (scope, specs) = scope_and_specs(ctx);
    let mut sack = ctx.load_sack(needs_for(scope))?;
    let ids = match query::list_scope(&mut sack, ctx.printer, scope, &specs) {
        Err(e) if e.kind() == Code::NoMatch && ctx.printer.is_json() => Vec::new(),
        r => r?,
    };
    Ok((sack, ids))
}

pub(super) fn run(ctx: &mut Context<'_>) -> Result<u8> {
    let (sack, ids) = select_listed(ctx)?;
    print_rows(ctx, &sack, &ids);
    Ok(0)
}

pub(super) fn print_rows(ctx: &Context<'_>, sack: &Sack, ids: &[Sid]) {
    let items: Vec<ListItem> = ids
        .iter()
        .map(|&s| {
            let (name, arch, evr, repo) = sack.brief(s);
            ListItem { name, arch, evr, repo }
        })
        .collect();
    if ctx.printer.is_json() {
        ctx.printer.json(&items);
        return;
    }
    let [w0, w1, w2] = list_columns();
    let mut out = String::new();
    for i in &items {
        let na = format!("{}.{} ", i.name, i.arch);
        let evr = format!("{} ", i.evr);
        out.push_str(&format!("{na:<w0$} {evr:<w1$} {:>w2$}\n", i.repo));
    }
    ctx.printer.data(&out);
}

/// `check-update`: the `list upgrades` query. With `dnf_check_update_compat`
/// in tdnf.conf it exits 100 when updates exist.
pub(super) fn run_check_update(ctx: &mut Context<'_>) -> Result<u8> {
    let specs = ctx.args.command_args().to_vec();
    let mut sack = ctx.load_sack(Needs::default())?;
    let ids = match query::list_scope(&mut sack, ctx.printer, Scope::Upgrades, &specs) {
        Err(e) if e.kind() == Code::NoMatch => Vec::new(),
        r => r?,
    };
    // tdnf's default text mode prints `%s` where the EVR belongs (spec §12);
    // we print the normal list rows in both modes.
    print_rows(ctx, &sack, &ids);
    if ctx.settings.conf.dnf_check_update_compat && !ids.is_empty() {
        return Ok(Error::code(Code::CheckUpdatesAvailable).number() as u8);
    }
    Ok(0)
}

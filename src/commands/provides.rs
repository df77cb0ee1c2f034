//! `tdnf provides SPEC` / `whatprovides`: packages providing a capability
//! or a file (provides, file lists, globs).

use crate::context::Context;
use crate::error::{Code, Error, Result};
use crate::output::views::ProvidesItem;
use crate::sack::{Needs, SelectKind};

pub(super) fn run(ctx: &mut Context<'_>) -> Result<u8> {
    let Some(spec) = ctx.args.command_args().first().cloned() else {
        return Err(Error::code(Code::ProvidesExpectArg));
    };
    // A path needs the full file lists, not only primary's subset.
    let needs = Needs { filelists: spec.starts_with('/') || spec.contains('*'), ..Needs::default() };
    let mut sack = ctx.load_sack(needs)?;
    let found = sack.select(&spec, SelectKind::Provides, false);
    // tdnf prepends each match to its list: the last match prints first.
    let ids: Vec<_> = found.ids.into_iter().rev().filter(|s| sack.visible(*s)).collect();
    if ids.is_empty() {
        return Err(Error::code(Code::NoData));
    }
    let items: Vec<(ProvidesItem, String)> = ids
        .iter()
        .map(|&s| {
            let p = sack.info(s);
            (ProvidesItem { name: p.name, arch: p.arch, evr: p.evr, summary: p.summary }, p.repo)
        })
        .collect();
    if ctx.printer.is_json() {
        let v: Vec<&ProvidesItem> = items.iter().map(|(i, _)| i).collect();
        ctx.printer.json(&v);
        return Ok(0);
    }
    let mut out = String::new();
    for (i, repo) in &items {
        out.push_str(&format!("{}-{}.{} : {}\n", i.name, i.evr, i.arch, i.summary));
        out.push_str(&format!("Repo\t : {repo}\n"));
    }
    ctx.printer.data(&out);
    Ok(0)
}

//! `tdnf search [all] TERMS…`: case-insensitive substring match on name,
//! summary and description; the results of all terms are concatenated.

use crate::context::Context;
use crate::error::{Code, Error, Result};
use crate::output::views::SearchItem;
use crate::sack::Needs;

pub(super) fn run(ctx: &mut Context<'_>) -> Result<u8> {
    let mut terms: Vec<String> = ctx.args.command_args().to_vec();
    // tdnf skips a first word that starts with "all" (strncasecmp, 3).
    if terms.first().is_some_and(|t| t.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("all"))) {
        terms.remove(0);
    }
    if terms.is_empty() {
        return Err(Error::code(Code::NoSearchResults));
    }
    let sack = ctx.load_sack(Needs::default())?;
    let mut items = Vec::new();
    for term in &terms {
        for s in sack.search_text(term) {
            if !sack.visible(s) {
                continue;
            }
            let p = sack.info(s);
            items.push(SearchItem { name: p.name, summary: p.summary });
        }
    }
    if ctx.printer.is_json() {
        ctx.printer.json(&items);
        return Ok(0);
    }
    if items.is_empty() {
        return Err(Error::code(Code::NoSearchResults));
    }
    let out: String = items.iter().map(|i| format!("{} : {}\n", i.name, i.summary)).collect();
    ctx.printer.data(&out);
    Ok(0)
}

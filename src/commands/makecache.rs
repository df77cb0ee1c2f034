//! `tdnf makecache`: refresh every enabled repo, fetch primary and file
//! lists, and build the `.solv` cache.

use crate::context::Context;
use crate::error::Result;
use crate::sack::Needs;

pub(super) fn run(ctx: &mut Context<'_>) -> Result<u8> {
    ctx.force_refresh();
    // Like tdnf, fetch file lists too, so that later path queries are warm.
    let _sack = ctx.load_sack(Needs { filelists: true, ..Needs::default() })?;
    ctx.printer.data("Metadata cache created.\n");
    if ctx.printer.is_json() {
        ctx.printer.json_raw("{}");
    }
    Ok(0)
}

//! `tdnf makecache`: refresh every enabled repo and build its `.solv` cache.

use crate::context::Context;
use crate::error::Result;
use crate::sack::Needs;

pub(super) fn run(ctx: &mut Context<'_>) -> Result<u8> {
    ctx.force_refresh();
    let _sack = ctx.load_sack(Needs::default())?;
    ctx.printer.data("Metadata cache created.\n");
    if ctx.printer.is_json() {
        ctx.printer.json_raw("{}");
    }
    Ok(0)
}

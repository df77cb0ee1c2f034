//! `tdnf count`: every solvable of the pool (installed plus enabled repos),
//! which is what tdnf counts.

use crate::context::Context;
use crate::error::Result;
use crate::sack::Needs;

pub(super) fn run(ctx: &mut Context<'_>) -> Result<u8> {
    let sack = ctx.load_sack(Needs::default())?;
    let n = sack.installed_ids().len() + sack.available_ids().len();
    if ctx.printer.is_json() {
        ctx.printer.json(&n);
    } else {
        ctx.printer.data(&format!("Package count = {n}\n"));
    }
    Ok(0)
}

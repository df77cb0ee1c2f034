//! `tdnf repolist [all|enabled|disabled]`.

use crate::context::Context;
use crate::error::{Code, Error, Result};
use crate::output::views::RepoItem;

pub(super) fn run(ctx: &mut Context<'_>) -> Result<u8> {
    let word = ctx.args.command_args().first().map(|w| w.to_ascii_lowercase());
    let filter = match word.as_deref() {
        None => "enabled",
        Some(f @ ("all" | "enabled" | "disabled")) => f,
        Some(_) => return Err(Error::code(Code::CliNoMatch)),
    };
    // tdnf's repo list always starts with the (disabled) `@cmdline` repo.
    let cmdline = crate::config::RepoConf::new("@cmdline");
    let repos: Vec<RepoItem> = std::iter::once(&cmdline)
        .chain(ctx.settings.repos.iter())
        .filter(|r| match filter {
            "enabled" => r.enabled,
            "disabled" => !r.enabled,
            _ => true,
        })
        .map(|r| RepoItem { repo: r.id.clone(), repo_name: r.name.clone(), enabled: r.enabled })
        .collect();
    if ctx.printer.is_json() {
        ctx.printer.json(&repos);
        return Ok(0);
    }
    let mut out = String::new();
    if !repos.is_empty() {
        out.push_str(&format!("{:<20}{:<41}{:<9}\n", "repo id", "repo name", "status"));
    }
    for r in &repos {
        let status = if r.enabled { "enabled" } else { "disabled" };
        out.push_str(&format!("{:<19} {:<40} {:<9}\n", r.repo, r.repo_name, status));
    }
    ctx.printer.data(&out);
    Ok(0)
}

//! `tdnf info [scope] [specs]`.

use super::list::select_listed;
use crate::context::Context;
use crate::error::Result;
use crate::output::format::format_size;
use crate::output::views::InfoItem;

pub(super) fn run(ctx: &mut Context<'_>) -> Result<u8> {
    let (sack, ids) = select_listed(ctx)?;
    let items: Vec<InfoItem> = ids
        .iter()
        .map(|&s| {
            let p = sack.info(s);
            InfoItem {
                name: p.name,
                arch: p.arch,
                evr: p.evr,
                repo: p.repo,
                url: p.url,
                install_size: p.install_size,
                download_size: if p.installed { 0 } else { p.download_size },
                summary: p.summary,
                license: p.license,
                description: p.description,
            }
        })
        .collect();
    if ctx.printer.is_json() {
        ctx.printer.json(&items);
        return Ok(0);
    }
    let mut out = String::new();
    let mut total: u64 = 0;
    for (i, &s) in items.iter().zip(ids.iter()) {
        let p = sack.info(s);
        out.push_str(&format!("Name          : {}\n", i.name));
        out.push_str(&format!("Arch          : {}\n", i.arch));
        out.push_str(&format!("Epoch         : {}\n", p.epoch));
        out.push_str(&format!("Version       : {}\n", p.version));
        out.push_str(&format!("Release       : {}\n", p.release));
        out.push_str(&format!("Install Size  : {} ({})\n", format_size(i.install_size), i.install_size));
        if i.download_size != 0 {
            out.push_str(&format!("Download Size  : {} ({})\n", format_size(i.download_size), i.download_size));
        }
        out.push_str(&format!("Repo          : {}\n", i.repo));
        out.push_str(&format!("Summary       : {}\n", i.summary));
        // tdnf passes NULL to printf, which glibc prints as "(null)".
        out.push_str(&format!("URL           : {}\n", i.url.as_deref().unwrap_or("(null)")));
        out.push_str(&format!("License       : {}\n", i.license));
        out.push_str(&format!("Description   : {}\n", i.description));
        out.push('\n');
        total += i.install_size;
    }
    if !items.is_empty() {
        out.push_str(&format!("\nTotal Size: {} ({})\n", format_size(total), total));
    }
    ctx.printer.data(&out);
    Ok(0)
}

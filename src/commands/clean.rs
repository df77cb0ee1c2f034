//! `tdnf clean metadata|dbcache|packages|keys|expire-cache|all`.

use crate::context::Context;
use crate::error::{Code, Error, Result};
use crate::repo::cache::{self, RepoCache};

pub(super) fn run(ctx: &mut Context<'_>) -> Result<u8> {
    let Some(word) = ctx.args.command_args().first() else {
        return Err(Error::code(Code::CleanRequiresOption));
    };
    let lower = word.to_ascii_lowercase();
    let kind = lower.as_str();
    let parts: &[&str] = match kind {
        "metadata" | "dbcache" | "packages" | "keys" | "expire-cache" => std::slice::from_ref(&kind),
        "all" => &["metadata", "dbcache", "packages", "keys", "expire-cache"],
        "plugins" => return Err(Error::code(Code::CleanUnsupported)),
        _ => return Err(Error::code(Code::CliNoMatch)),
    };
    for repo in &ctx.settings.repos {
        let c = RepoCache::new(&ctx.settings.cachedir, repo);
        let mut line = format!("cleaning {}:", repo.id);
        for part in parts {
            line.push(' ');
            line.push_str(part);
            match *part {
                "metadata" => {
                    cache::remove_tree(&c.repodata())?;
                    cache::remove_tree(&c.tmp())?;
                }
                "dbcache" => cache::remove_tree(&c.solvcache())?,
                "packages" => cache::remove_tree(&c.rpms())?,
                "keys" => cache::remove_tree(&c.keys())?,
                _ => {
                    cache::remove_file(&c.lastrefresh())?;
                    cache::remove_file(&c.mirrorlist())?;
                    cache::remove_file(&c.metalink())?;
                }
            }
        }
        // Remove the repo's directory when it is empty now.
        if let Err(e) = fs_err::remove_dir(&c.dir) {
            let not_empty = e.raw_os_error() == Some(libc::ENOTEMPTY);
            if not_empty && kind == "all" {
                ctx.printer.err(&format!("Cache directory for {} not removed because it's not empty.\n", repo.id));
            }
        }
        ctx.printer.info(&format!("{line}\n"));
    }
    ctx.printer.info("Done.\n");
    if ctx.printer.is_json() {
        ctx.printer.json_raw("{}");
    }
    Ok(0)
}

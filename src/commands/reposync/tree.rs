//! The local side of reposync: where files go, the `--delete` pass, and the
//! `--download-metadata` copy of `repodata/`.

use std::collections::HashSet;
use std::io::BufReader;
use std::path::{Component, Path, PathBuf};

use repodata::repomd::Repomd;

use crate::context::Context;
use crate::download::Expect;
use crate::error::{Code, Error, Result};
use crate::output::Printer;
use crate::repo::sync::SyncedRepo;

/// `repodata/repomd.xml`, relative to a repo's base.
const REPOMD: &str = "repodata/repomd.xml";

/// The directory everything goes under: `--download-path` (relative to the
/// current directory) or the current directory, normalized.
pub(super) fn root_path(download_path: Option<&str>) -> Result<PathBuf> {
    let cwd = std::env::current_dir().map_err(|e| Error::io("current directory", e))?;
    Ok(match download_path {
        Some(p) => normalize(&cwd.join(p)),
        None => normalize(&cwd),
    })
}

/// `.` and `..` resolved lexically, repeated slashes dropped.
pub(super) fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() && !p.is_absolute() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `dir/href`, refused (tdnf's `ERROR_TDNF_URL_INVALID`, here 1622) when
/// `href` leads outside `dir`.
pub(super) fn confined(dir: &Path, href: &str) -> Result<PathBuf> {
    let rel = href.strip_prefix("file://").unwrap_or(href).trim_start_matches('/');
    let dir = normalize(dir);
    let dest = normalize(&dir.join(rel));
    if rel.is_empty() || dest == dir || !dest.starts_with(&dir) {
        return Err(Error::new(Code::UrlInvalid, format!("invalid package location `{href}`: it leads outside {}", dir.display())));
    }
    Ok(dest)
}

/// `base/rel` with exactly one slash between them.
pub(super) fn join_url(base: &str, rel: &str) -> String {
    format!("{}/{}", base.trim_end_matches('/'), rel.trim_start_matches('/'))
}

/// `--delete`: remove every `*.rpm` under `dir` (symlinks not followed)
/// that is not in `kept`. A missing `dir` is nothing to do; a file that
/// cannot be removed is reported (tdnf: `unable to remove …`).
pub(super) fn delete_stale(printer: &Printer, dir: &Path, kept: &HashSet<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let path = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            delete_stale(printer, &path, kept);
        } else if path.extension().is_some_and(|x| x == "rpm") && !kept.contains(&path) {
            printer.info(&format!("deleting {}\n", path.display()));
            if let Err(err) = std::fs::remove_file(&path) {
                printer.data(&format!("unable to remove {}: {err}\n", path.display()));
            }
        }
    }
}

/// `--download-metadata`: fetch `repodata/repomd.xml` again into `dir`,
/// then every file it lists (checked against its size and checksum). With
/// `--urls`, print the URLs instead, from the repomd of the sync.
pub(super) fn metadata(ctx: &Context<'_>, repo: &SyncedRepo, dir: &Path, urls_only: bool) -> Result<()> {
    let Some(first) = repo.base_urls.first() else {
        return Err(Error::new(Code::BaseurlDoesNotExist, format!("repo '{}' has no base URL", repo.conf.id)));
    };
    if urls_only {
        ctx.printer.info(&format!("{}\n", join_url(first, REPOMD)));
        for rec in &repo.repomd.records {
            ctx.printer.info(&format!("{}\n", join_url(first, &rec.location_href)));
        }
        return Ok(());
    }
    let dest = dir.join(REPOMD);
    if let Some(d) = dest.parent() {
        fs_err::create_dir_all(d).map_err(|e| Error::io(d.display(), e))?;
    }
    let urls: Vec<String> = repo.base_urls.iter().map(|b| join_url(b, REPOMD)).collect();
    ctx.downloader.fetch(&urls, &dest, &Expect::default(), &repo.net)?;
    let file = fs_err::File::open(&dest).map_err(|e| Error::io(dest.display(), e))?;
    let repomd = Repomd::parse(BufReader::new(file), &dest.display().to_string())?;
    for rec in &repomd.records {
        let part = confined(dir, &rec.location_href)?;
        let bases = match &rec.location_base {
            Some(b) => vec![b.clone()],
            None => repo.base_urls.clone(),
        };
        let urls: Vec<String> = bases.iter().map(|b| join_url(b, &rec.location_href)).collect();
        let expect = Expect { size: rec.size, checksum: Some(rec.checksum.clone()), max_size: None };
        ctx.downloader.fetch(&urls, &part, &expect, &repo.net)?;
    }
    Ok(())
}

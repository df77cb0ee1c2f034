//! Metalink files (`metalink=`): the `repomd.xml` mirror URLs, best
//! preference first, turned into base URLs.

use std::path::Path;

use crate::error::{Code, Error, Result};

/// Base URLs (the `<url>` of `repomd.xml` minus `repodata/repomd.xml`).
pub fn repomd_base_urls(path: &Path) -> Result<Vec<String>> {
    let reader = repodata::decompress::open_path(path)?;
    let urls = repodata::metalink::parse_urls(reader, &path.display().to_string())?;
    let mut out: Vec<(u32, String)> = urls
        .into_iter()
        .filter(|u| u.protocol.as_deref().is_none_or(|p| p == "http" || p == "https" || p == "file"))
        .filter_map(|u| u.url.strip_suffix("repodata/repomd.xml").map(|b| (u.preference, b.to_string())))
        .collect();
    // Stable: mirrors with equal preference keep their order.
    out.sort_by(|a, b| b.0.cmp(&a.0));
    if out.is_empty() {
        return Err(Error::new(Code::BaseurlDoesNotExist, format!("{}: no usable repomd.xml URL", path.display())));
    }
    Ok(out.into_iter().map(|(_, u)| u).collect())
}

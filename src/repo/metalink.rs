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
    out.sort_by_key(|u| std::cmp::Reverse(u.0));
    if out.is_empty() {
        return Err(Error::new(Code::BaseurlDoesNotExist, format!("{}: no usable repomd.xml URL", path.display())));
    }
    Ok(out.into_iter().map(|(_, u)| u).collect())
}

/// Check a downloaded `repomd.xml` against the size and the strongest hash
/// the metalink gives (tdnf's metalink plugin: error 2501).
pub fn check_repomd(metalink: &Path, repomd: &[u8]) -> Result<()> {
    use repodata::ChecksumKind::*;
    let reader = repodata::decompress::open_path(metalink)?;
    let m = repodata::metalink::parse(reader, &metalink.display().to_string())?;
    let fail = |what: String| Error::new(Code::ChecksumValidationFailed, format!("{} ({what})", Code::ChecksumValidationFailed.message()));
    if let Some(size) = m.size
        && size != repomd.len() as u64 {
            return Err(fail(format!("size {} instead of {size}", repomd.len())));
        }
    let rank = |k: repodata::ChecksumKind| match k {
        Sha512 => 5,
        Sha384 => 4,
        Sha256 => 3,
        Sha224 => 2,
        Sha1 => 1,
        Md5 => 0,
    };
    if let Some(best) = m.hashes.iter().max_by_key(|h| rank(h.kind)) {
        let got = repodata::verify::digest_bytes(repomd, best.kind);
        if !got.hex.eq_ignore_ascii_case(&best.hex) {
            return Err(fail(format!("{} {} instead of {}", best.kind.name(), got.hex, best.hex)));
        }
    }
    Ok(())
}

//! Remote packages named on the command line (`tdnf install
//! https://host/x.rpm`): downloaded into `<cachedir>/@cmdline/rpms/` before
//! resolving, as tdnf's `TDNFDownloadPackageToCache` does, and then taken
//! like any local `*.rpm` path.

use std::path::{Path, PathBuf};

use super::{Downloader, Expect, NetOptions};
use crate::error::{Code, Error, Result};

/// The repo id tdnf gives command-line packages (also their cache folder).
pub const CMDLINE_REPO: &str = "@cmdline";

/// No size is known for a command-line URL; this only stops endless data.
const MAX_CMDLINE_RPM: u64 = 16 << 30;

/// Whether `spec` is a URL that must be downloaded first (tdnf's
/// `TDNFUriIsRemote`: http, https, ftp, ftps; case-insensitive scheme).
pub fn is_remote(spec: &str) -> bool {
    ["http://", "https://", "ftp://", "ftps://"]
        .iter()
        .any(|s| spec.get(..s.len()).is_some_and(|p| p.eq_ignore_ascii_case(s)))
}

/// The specs with every remote `*.rpm` URL replaced by the path it was
/// downloaded to; other specs unchanged. A file already in the cache
/// from an earlier run is fetched again: a URL has no checksum to trust.
///
/// `fetched` gets each file written, also when a later one fails, so the
/// caller can remove them again (see [`Fetched`]).
pub fn fetch_remote_rpms(
    dl: &Downloader,
    cachedir: &Path,
    net: &NetOptions,
    specs: &[String],
    fetched: &mut Vec<PathBuf>,
) -> Result<Vec<String>> {
    let dir = cachedir.join(CMDLINE_REPO).join("rpms");
    specs
        .iter()
        .map(|spec| {
            if !spec.ends_with(".rpm") || !is_remote(spec) {
                return Ok(spec.clone());
            }
            let dest = dest_for(&dir, spec)?;
            let expect = Expect { max_size: Some(MAX_CMDLINE_RPM), ..Expect::default() };
            dl.fetch(&[lower_scheme(spec)], &dest, &expect, net)?;
            fetched.push(dest.clone());
            Ok(dest.display().to_string())
        })
        .collect()
}

/// The scheme in lower case (tdnf compares it without case; our client
/// takes only `http`/`https` as written so).
fn lower_scheme(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => format!("{}://{rest}", scheme.to_ascii_lowercase()),
        None => url.to_owned(),
    }
}

/// Files downloaded for the command line, removed when dropped unless
/// kept (`keepcache`, `--downloadonly`): an aborted or failed run leaves
/// none behind; after a transaction they went with the other downloads.
#[derive(Debug, Default)]
pub struct Fetched {
    pub paths: Vec<PathBuf>,
    pub keep: bool,
}

impl Drop for Fetched {
    fn drop(&mut self) {
        if !self.keep {
            for p in &self.paths {
                let _ = fs_err::remove_file(p);
            }
        }
    }
}

/// `<dir>/<last path segment of url>`; a name that could leave `dir` is
/// refused.
fn dest_for(dir: &Path, url: &str) -> Result<PathBuf> {
    let name = url.rsplit('/').next().unwrap_or_default();
    if name.is_empty() || name == "." || name == ".." || !name.ends_with(".rpm") {
        return Err(Error::new(Code::UrlInvalid, format!("{url}: no package file name in the URL")));
    }
    Ok(dir.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_schemes_are_tdnfs() {
        assert!(is_remote("http://h/x.rpm"));
        assert!(is_remote("HTTPS://h/x.rpm"));
        assert!(is_remote("ftp://h/x.rpm"));
        assert!(!is_remote("file:///x.rpm"));
        assert!(!is_remote("/srv/x.rpm"));
        assert!(!is_remote("ht"));
    }

    #[test]
    fn destination_is_the_last_segment() {
        let d = Path::new("/c/@cmdline/rpms");
        assert_eq!(dest_for(d, "http://h/a/b/x-1.0-1.x86_64.rpm").unwrap(), d.join("x-1.0-1.x86_64.rpm"));
        assert_eq!(lower_scheme("HTTPS://Host/X.rpm"), "https://Host/X.rpm");
        assert!(dest_for(d, "http://h/a/").is_err());
        assert!(dest_for(d, "http://h/..").is_err());
    }
}

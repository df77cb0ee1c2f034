//! tdnf's per-repo cache layout:
//! `<cachedir>/<repoid>-<8 hex of sha256(metalink|mirrorlist|baseurl[0])>/`
//! holding `repodata/`, `solvcache/`, `rpms/`, `keys/`, `tmp/`, the
//! `lastrefresh` marker, `mirrorlist` and `metalink`.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use crate::config::{Expire, RepoConf};
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct RepoCache {
    pub dir: PathBuf,
}

/// tdnf's cache directory name for a repo.
pub fn cache_name(repo: &RepoConf) -> String {
    let source = repo.metalink.as_deref().or(repo.mirrorlist.as_deref()).or(repo.baseurls.first().map(String::as_str));
    match source {
        Some(url) => {
            let digest = Sha256::digest(url.as_bytes());
            format!("{}-{}", repo.id, &hex::encode(digest)[..8])
        }
        None => repo.id.clone(),
    }
}

impl RepoCache {
    pub fn new(cachedir: &Path, repo: &RepoConf) -> RepoCache {
        RepoCache { dir: cachedir.join(cache_name(repo)) }
    }

    pub fn repodata(&self) -> PathBuf {
        self.dir.join("repodata")
    }

    pub fn repomd(&self) -> PathBuf {
        self.repodata().join("repomd.xml")
    }

    pub fn solvcache(&self) -> PathBuf {
        self.dir.join("solvcache")
    }

    pub fn rpms(&self) -> PathBuf {
        self.dir.join("rpms")
    }

    pub fn keys(&self) -> PathBuf {
        self.dir.join("keys")
    }

    pub fn tmp(&self) -> PathBuf {
        self.dir.join("tmp")
    }

    pub fn lastrefresh(&self) -> PathBuf {
        self.dir.join("lastrefresh")
    }

    pub fn mirrorlist(&self) -> PathBuf {
        self.dir.join("mirrorlist")
    }

    pub fn metalink(&self) -> PathBuf {
        self.dir.join("metalink")
    }

    /// A metadata file of repomd's `location href` (`repodata/x-primary.xml.gz`).
    pub fn metadata_file(&self, href: &str) -> PathBuf {
        let name = Path::new(href).file_name().map(PathBuf::from).unwrap_or_else(|| PathBuf::from(href));
        self.repodata().join(name)
    }

    /// Whether the metadata is older than `expire` (or was never fetched).
    pub fn is_expired(&self, expire: Expire) -> bool {
        let Ok(meta) = fs_err::metadata(self.lastrefresh()) else { return true };
        match expire {
            Expire::Never => false,
            Expire::After(secs) => {
                let mtime = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                let age = SystemTime::now().duration_since(mtime).unwrap_or(Duration::ZERO);
                age >= Duration::from_secs(secs)
            }
        }
    }

    /// Record a successful refresh.
    pub fn touch_refreshed(&self) -> Result<()> {
        let path = self.lastrefresh();
        fs_err::write(&path, b"").map_err(|e| Error::io(path.display(), e))
    }
}

/// Remove a directory tree if it exists.
pub fn remove_tree(path: &Path) -> Result<()> {
    match fs_err::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path.display(), e)),
    }
}

/// Remove a file if it exists.
pub fn remove_file(path: &Path) -> Result<()> {
    match fs_err::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path.display(), e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_name_is_id_and_url_hash() {
        let mut r = RepoConf::new("photon");
        r.baseurls = vec!["https://packages.vmware.com/photon/5.0/photon_release_5.0_x86_64".into()];
        let name = cache_name(&r);
        let digest = hex::encode(Sha256::digest(r.baseurls[0].as_bytes()));
        assert_eq!(name, format!("photon-{}", &digest[..8]));
        r.metalink = Some("https://m/metalink".into());
        assert_ne!(cache_name(&r), name);
    }
}

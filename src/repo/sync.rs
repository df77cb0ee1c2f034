//! Bringing one repository's metadata into the cache: mirror resolution,
//! `metadata_expire`, the `repomd.xml` swap, and fetching the parts a
//! command needs (each checked against repomd's checksum and size).
//!
//! Before a new repomd.xml replaces the cached one it must pass the trust
//! checks of [`Trust`]: its signature (`repo_gpgcheck`, [`super::repo_gpg`])
//! and the rollback/freeze rules ([`super::rollback`]). A [`Syncer`] holds
//! what is the same for every repo of a run; [`Syncer::sync`] does one repo.

use std::io::BufReader;
use std::path::{Path, PathBuf};

use repodata::{Repomd, RepomdRecord};

use super::cache::{self, RepoCache};
use super::rollback::RollbackState;
use crate::config::RepoConf;
use crate::download::{Downloader, Expect, NetOptions};
use crate::download::tls::TlsOptions;
use crate::error::{Code, Error, Result};
use crate::output::Printer;
use crate::signature::{KeyImport, OpenPgpPolicy};

/// How a sync may use the network.
#[derive(Debug, Clone, Copy)]
pub struct SyncPolicy {
    /// `-C`: never touch the network, never check expiry.
    pub cache_only: bool,
    /// `--refresh` / `makecache`: treat metadata as expired.
    pub refresh: bool,
    /// `keepcache`: keep downloaded packages when the metadata changes.
    pub keepcache: bool,
}

/// What a sync trusts and records, beyond the repo's own configuration.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// The persistent state directory (`persistdir`, in the root): enables
    /// rollback protection. `None` disables it (and the freeze check).
    pub state_dir: Option<PathBuf>,
    /// The root's rpmdb directory: its `gpg-pubkey` keys are trusted for
    /// repomd signatures too, and keys are imported there.
    pub dbdir: Option<PathBuf>,
    /// Whether the `gpgkey` key that verified repomd is imported into the
    /// rpmdb (`-y`, or the question answered yes on a terminal).
    pub import_keys: KeyImport,
    /// Accept a repomd older than the one accepted before.
    pub allow_rollback: bool,
    /// Refuse metadata older than this (freeze attack).
    pub max_age: Option<std::time::Duration>,
    /// The OpenPGP rules.
    pub policy: OpenPgpPolicy,
}

/// A repository whose `repomd.xml` is in the cache and parsed.
#[derive(Debug)]
pub struct SyncedRepo {
    pub conf: RepoConf,
    pub cache: RepoCache,
    pub repomd: Repomd,
    /// SHA-256 of the cached repomd.xml (keys the `.solv` cache).
    pub repomd_sha256: String,
    /// Base URLs after mirrorlist/metalink resolution.
    pub base_urls: Vec<String>,
    pub net: NetOptions,
    cache_only: bool,
}

/// Network options of a repo, with the global proxy as a fallback.
pub fn net_options(repo: &RepoConf, proxy: Option<&str>, proxy_auth: Option<(String, String)>) -> NetOptions {
    NetOptions {
        tls: TlsOptions {
            verify: repo.sslverify,
            ca_cert: repo.sslcacert.as_ref().map(PathBuf::from),
            client_cert: repo.sslclientcert.as_ref().map(PathBuf::from),
            client_key: repo.sslclientkey.as_ref().map(PathBuf::from),
        },
        proxy: repo.proxy.clone().or_else(|| proxy.map(str::to_string)),
        proxy_auth,
        auth: match (&repo.username, &repo.password) {
            (Some(u), Some(p)) => Some((u.clone(), p.clone())),
            _ => None,
        },
        timeout: repo.timeout,
        retries: repo.retries,
    }
}

pub(super) fn join_url(base: &str, rel: &str) -> String {
    format!("{}/{}", base.trim_end_matches('/'), rel.trim_start_matches('/'))
}

/// One run's way of bringing repos into the cache: the downloader, the
/// printer, the cache root and the network policy.
#[derive(Clone, Copy)]
pub struct Syncer<'a> {
    pub dl: &'a Downloader,
    pub printer: &'a Printer,
    /// Host path of the cache directory.
    pub cachedir: &'a Path,
    pub policy: SyncPolicy,
}

impl Syncer<'_> {
    /// Make sure `repo`'s `repomd.xml` is cached and current (a new one
    /// must pass the checks of `trust`), then parse it.
    pub fn sync(&self, repo: &RepoConf, net: NetOptions, trust: &Trust) -> Result<SyncedRepo> {
        let policy = self.policy;
        let cache = RepoCache::new(self.cachedir, repo);
        let repomd_path = cache.repomd();
        let have = repomd_path.is_file();
        if policy.cache_only && !have {
            return Err(Error::new(Code::CacheDisabled, format!("{} (repo '{}')", Code::CacheDisabled.message(), repo.id)));
        }
        // Mirror lists and metalinks are fetched (at most) once per run, here.
        let base_urls = base_urls(self.dl, repo, &cache, &net, policy.cache_only)?;
        if !policy.cache_only && (!have || policy.refresh || cache.is_expired(repo.metadata_expire)) {
            self.printer.info(&format!("Refreshing metadata for: '{}'\n", repo.name));
            self.refresh(repo, &cache, &base_urls, &net, trust)?;
        }
        let bytes = fs_err::read(&repomd_path).map_err(|e| Error::io(repomd_path.display(), e))?;
        let repomd = Repomd::parse(BufReader::new(bytes.as_slice()), &repomd_path.display().to_string())?;
        let repomd_sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        Ok(SyncedRepo { conf: repo.clone(), cache, repomd, repomd_sha256, base_urls, net, cache_only: policy.cache_only })
    }

    /// Download a fresh repomd.xml; replace the cached metadata only if it
    /// changed, and only after the trust checks passed.
    fn refresh(&self, repo: &RepoConf, cache: &RepoCache, bases: &[String], net: &NetOptions, trust: &Trust) -> Result<()> {
        let urls: Vec<String> = bases.iter().map(|b| join_url(b, "repodata/repomd.xml")).collect();
        let tmp = cache.tmp().join("repomd.xml");
        self.dl.fetch(&urls, &tmp, &Expect::default(), net)?;
        let new = fs_err::read(&tmp).map_err(|e| Error::io(tmp.display(), e))?;
        if repo.metalink.is_some() && repo.baseurls.is_empty()
            && let Err(e) = super::metalink::check_repomd(&cache.metalink(), &new) {
                cache::remove_file(&tmp)?;
                return Err(e);
            }
        // Parse before trusting it: a broken repomd must not replace a good cache.
        let parsed = Repomd::parse(BufReader::new(new.as_slice()), &urls[0])?;
        let state = trust.state_dir.as_deref().map(|d| RollbackState::new(d, &repo.id));
        let trusted = super::repo_gpg::check_trust(self, repo, cache, bases, net, trust, &new).and_then(|()| match &state {
            Some(st) => st.check(&repo.id, parsed.timestamp_max, trust.allow_rollback, trust.max_age),
            None => Ok(()),
        });
        if let Err(e) = trusted {
            cache::remove_file(&tmp)?;
            return Err(e);
        }
        let old = fs_err::read(cache.repomd()).ok();
        if old.as_deref() != Some(new.as_slice()) {
            cache::remove_tree(&cache.repodata())?;
            cache::remove_tree(&cache.solvcache())?;
            if !self.policy.keepcache {
                cache::remove_tree(&cache.rpms())?;
            }
            let dir = cache.repodata();
            fs_err::create_dir_all(&dir).map_err(|e| Error::io(dir.display(), e))?;
            fs_err::rename(&tmp, cache.repomd()).map_err(|e| Error::io(cache.repomd().display(), e))?;
        } else {
            cache::remove_file(&tmp)?;
        }
        if let Some(st) = state {
            st.record(parsed.timestamp_max)?;
        }
        cache.touch_refreshed()
    }
}

/// baseurl list, or the URLs from the mirrorlist (cached next to the metadata).
fn base_urls(dl: &Downloader, repo: &RepoConf, cache: &RepoCache, net: &NetOptions, cache_only: bool) -> Result<Vec<String>> {
    if !repo.baseurls.is_empty() {
        return Ok(repo.baseurls.clone());
    }
    if let Some(list) = &repo.mirrorlist {
        let path = cache.mirrorlist();
        if !cache_only && (!path.is_file() || cache.is_expired(repo.metadata_expire)) {
            dl.fetch(std::slice::from_ref(list), &path, &Expect::default(), net)?;
        }
        let text = fs_err::read_to_string(&path).map_err(|e| Error::io(path.display(), e))?;
        let urls: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        if urls.is_empty() {
            return Err(Error::new(Code::BaseurlDoesNotExist, format!("mirrorlist {list} lists no mirrors")));
        }
        return Ok(urls);
    }
    if let Some(link) = &repo.metalink {
        let path = cache.metalink();
        if !cache_only && (!path.is_file() || cache.is_expired(repo.metadata_expire)) {
            dl.fetch(std::slice::from_ref(link), &path, &Expect::default(), net)?;
        }
        let urls = super::metalink::repomd_base_urls(&path)?;
        if urls.is_empty() {
            return Err(Error::new(Code::BaseurlDoesNotExist, format!("metalink {link} lists no mirrors")));
        }
        return Ok(urls);
    }
    Err(Error::new(Code::BaseurlDoesNotExist, format!("{} (repo '{}')", Code::BaseurlDoesNotExist.message(), repo.id)))
}

impl SyncedRepo {
    /// The repomd record of a metadata type, if listed.
    pub fn record(&self, kind: &str) -> Option<&RepomdRecord> {
        self.repomd.get(kind)
    }

    /// The cached path of a metadata part, downloading and verifying it if
    /// needed. `Ok(None)` when repomd does not list it.
    pub fn metadata(&self, dl: &Downloader, kind: &str) -> Result<Option<PathBuf>> {
        let Some(rec) = self.record(kind) else { return Ok(None) };
        let path = self.cache.metadata_file(&rec.location_href);
        let expect = Expect { size: rec.size, checksum: Some(rec.checksum.clone()), max_size: rec.size };
        if path.is_file() {
            return Ok(Some(path));
        }
        if self.cache_only {
            return Err(Error::new(
                Code::CacheDisabled,
                format!("{} ({} of repo '{}' is not cached)", Code::CacheDisabled.message(), kind, self.conf.id),
            ));
        }
        let base: Vec<&String> = match &rec.location_base {
            Some(b) => vec![b],
            None => self.base_urls.iter().collect(),
        };
        let urls: Vec<String> = base.iter().map(|b| join_url(b, &rec.location_href)).collect();
        dl.fetch(&urls, &path, &expect, &self.net)?;
        Ok(Some(path))
    }
}

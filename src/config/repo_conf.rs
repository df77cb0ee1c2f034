//! `*.repo` files: one `[section]` per repository, tdnf's keys and defaults.

use std::path::{Path, PathBuf};

use super::ini::{self, Section};
use crate::error::{Code, Error, Result};

/// When metadata counts as expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expire {
    Never,
    /// Seconds; 0 means always expired.
    After(u64),
}

impl Expire {
    /// `172800`, `6h`, `30m`, `2d`, `45s`, `never` or a negative number.
    pub fn parse(value: &str) -> Option<Expire> {
        let v = value.trim();
        if v.eq_ignore_ascii_case("never") {
            return Some(Expire::Never);
        }
        if let Some(rest) = v.strip_prefix('-') {
            return rest.parse::<u64>().ok().map(|_| Expire::Never);
        }
        let (digits, mult) = match v.char_indices().last() {
            Some((i, 's')) => (&v[..i], 1),
            Some((i, 'm')) => (&v[..i], 60),
            Some((i, 'h')) => (&v[..i], 3600),
            Some((i, 'd')) => (&v[..i], 86400),
            _ => (v, 1),
        };
        digits.parse::<u64>().ok().map(|n| Expire::After(n.saturating_mul(mult)))
    }

    /// As a `metadata_max_age`: `never`, a negative value and `0` mean no
    /// maximum.
    pub fn as_max_age(self) -> Option<std::time::Duration> {
        match self {
            Expire::After(n) if n > 0 => Some(std::time::Duration::from_secs(n)),
            _ => None,
        }
    }
}

/// One repository as configured.
#[derive(Debug, Clone, PartialEq)]
pub struct RepoConf {
    pub id: String,
    pub name: String,
    /// The file and line it came from (`None` for command-line repos).
    pub origin: Option<(PathBuf, usize)>,
    pub enabled: bool,
    pub baseurls: Vec<String>,
    pub metalink: Option<String>,
    pub mirrorlist: Option<String>,
    pub gpgcheck: bool,
    pub repo_gpgcheck: bool,
    pub gpgkeys: Vec<String>,
    pub skip_if_unavailable: bool,
    pub metadata_expire: Expire,
    pub priority: i32,
    pub timeout: u64,
    pub minrate: u64,
    pub throttle: u64,
    pub retries: u32,
    pub sslverify: bool,
    pub sslcacert: Option<String>,
    pub sslclientcert: Option<String>,
    pub sslclientkey: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub proxy: Option<String>,
    pub skip_md_filelists: bool,
    pub skip_md_updateinfo: bool,
    pub skip_md_other: bool,
    /// `--repofromdir`: packages read straight from a directory, no metadata.
    pub from_dir: Option<PathBuf>,
    /// Our addition: accept a repomd older than the one accepted before
    /// (`None`: the `[main]` value).
    pub allow_metadata_rollback: Option<bool>,
    /// Our addition: refuse a repomd older than this (`None`: the `[main]` value).
    pub metadata_max_age: Option<Expire>,
}

impl RepoConf {
    /// A repo with tdnf's defaults (`enabled=0`, `gpgcheck=1`, priority 50, 48 h).
    pub fn new(id: &str) -> RepoConf {
        RepoConf {
            id: id.to_string(),
            name: id.to_string(),
            origin: None,
            enabled: false,
            baseurls: Vec::new(),
            metalink: None,
            mirrorlist: None,
            gpgcheck: true,
            repo_gpgcheck: false,
            gpgkeys: Vec::new(),
            skip_if_unavailable: false,
            metadata_expire: Expire::After(172_800),
            priority: 50,
            timeout: 0,
            minrate: 0,
            throttle: 0,
            retries: 10,
            sslverify: true,
            sslcacert: None,
            sslclientcert: None,
            sslclientkey: None,
            username: None,
            password: None,
            proxy: None,
            skip_md_filelists: false,
            skip_md_updateinfo: false,
            skip_md_other: false,
            from_dir: None,
            allow_metadata_rollback: None,
            metadata_max_age: None,
        }
    }

    /// Set one key; unknown keys are accepted and ignored, as tdnf does.
    pub fn set(&mut self, key: &str, value: &str) -> std::result::Result<(), (Code, String)> {
        let b = || ini::parse_bool(value).ok_or_else(|| (Code::InvalidRepoFile, format!("`{key}` expects a boolean, found `{value}`")));
        let n = || value.trim().parse::<u64>().map_err(|_| (Code::InvalidRepoFile, format!("`{key}` expects a number, found `{value}`")));
        let opt = || Some(value.to_string()).filter(|v| !v.is_empty());
        match key {
            "name" => self.name = value.to_string(),
            "enabled" => self.enabled = b()?,
            "baseurl" => self.baseurls = value.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect(),
            "metalink" => self.metalink = opt(),
            "mirrorlist" => self.mirrorlist = opt(),
            "gpgcheck" => self.gpgcheck = b()?,
            "repo_gpgcheck" => self.repo_gpgcheck = b()?,
            "gpgkey" => self.gpgkeys = value.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect(),
            "skip_if_unavailable" => self.skip_if_unavailable = b()?,
            "metadata_expire" => {
                self.metadata_expire = Expire::parse(value).ok_or_else(|| {
                    (Code::MetadataExpireParse, format!("metadata_expire value `{value}` could not be parsed"))
                })?
            }
            "priority" => {
                self.priority = value.trim().parse::<i32>().map_err(|_| (Code::InvalidRepoFile, format!("`priority` expects a number, found `{value}`")))?
            }
            "timeout" => self.timeout = n()?,
            "minrate" => self.minrate = n()?,
            "throttle" => self.throttle = n()?,
            "retries" => self.retries = u32::try_from(n()?).unwrap_or(u32::MAX),
            "sslverify" => self.sslverify = b()?,
            "sslcacert" => self.sslcacert = opt(),
            "sslclientcert" => self.sslclientcert = opt(),
            "sslclientkey" => self.sslclientkey = opt(),
            "username" => self.username = opt(),
            "password" => self.password = opt(),
            "proxy" => self.proxy = opt(),
            "skip_md_filelists" => self.skip_md_filelists = b()?,
            "skip_md_updateinfo" => self.skip_md_updateinfo = b()?,
            "skip_md_other" => self.skip_md_other = b()?,
            "allow_metadata_rollback" => self.allow_metadata_rollback = Some(b()?),
            "metadata_max_age" => {
                self.metadata_max_age = Some(Expire::parse(value).ok_or_else(|| {
                    (Code::InvalidRepoFile, format!("`metadata_max_age` expects a duration such as 7d, found `{value}`"))
                })?)
            }
            _ => {}
        }
        Ok(())
    }

    fn from_section(path: &Path, s: &Section, sslverify: bool) -> Result<RepoConf> {
        let mut repo = RepoConf::new(&s.name);
        repo.origin = Some((path.to_path_buf(), s.line));
        repo.sslverify = sslverify;
        for e in &s.entries {
            repo.set(&e.key, &e.value).map_err(|(code, msg)| {
                Error::new(code, format!("{}:{}: repo `{}`: {msg}", path.display(), e.line, s.name))
            })?;
        }
        Ok(repo)
    }
}

/// Read every `*.repo` file of `dir`, in name order. A missing directory is
/// tdnf's 1005.
pub fn load_dir(dir: &Path, sslverify: bool) -> Result<Vec<RepoConf>> {
    let entries = fs_err::read_dir(dir).map_err(|e| {
        Error::new(Code::RepoDirOpen, format!("{} ({}: {e})", Code::RepoDirOpen.message(), dir.display()))
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "repo") && p.is_file())
        .collect();
    files.sort();
    let mut repos: Vec<RepoConf> = Vec::new();
    for file in files {
        let text = fs_err::read_to_string(&file).map_err(|e| Error::new(Code::RepoFileLoad, e.to_string()))?;
        let sections = ini::parse(&file, &text).map_err(|e| Error::new(Code::InvalidRepoFile, e.to_string()).with_source(e))?;
        for s in &sections {
            if repos.iter().any(|r| r.id == s.name) {
                return Err(Error::new(
                    Code::DuplicateRepoId,
                    format!("Duplicate repo id `{}` ({}:{})", s.name, file.display(), s.line),
                ));
            }
            repos.push(RepoConf::from_section(&file, s, sslverify)?);
        }
    }
    Ok(repos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expire_values() {
        assert_eq!(Expire::parse("172800"), Some(Expire::After(172800)));
        assert_eq!(Expire::parse("6h"), Some(Expire::After(21600)));
        assert_eq!(Expire::parse("2d"), Some(Expire::After(172800)));
        assert_eq!(Expire::parse("30m"), Some(Expire::After(1800)));
        assert_eq!(Expire::parse("0"), Some(Expire::After(0)));
        assert_eq!(Expire::parse("never"), Some(Expire::Never));
        assert_eq!(Expire::parse("-1"), Some(Expire::Never));
        assert_eq!(Expire::parse("soon"), None);
        assert_eq!(Expire::parse("7d").and_then(Expire::as_max_age), Some(std::time::Duration::from_secs(604_800)));
        assert_eq!(Expire::parse("0").and_then(Expire::as_max_age), None);
        assert_eq!(Expire::parse("never").and_then(Expire::as_max_age), None);
    }

    #[test]
    fn azure_linux_repo_file() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = crate::test_support::corpus();
        fs_err::copy(corpus.join("azurelinux/3.0/azurelinux-official-base.repo"), dir.path().join("base.repo")).unwrap();
        let repos = load_dir(dir.path(), true).unwrap();
        assert_eq!(repos[0].id, "azurelinux-official-base");
        assert!(repos[0].enabled && repos[0].skip_if_unavailable && repos[0].repo_gpgcheck);
        assert!(repos.iter().skip(1).all(|r| !r.enabled));
    }

    #[test]
    fn duplicate_ids_and_bad_values() {
        let dir = tempfile::tempdir().unwrap();
        fs_err::write(dir.path().join("a.repo"), "[x]\nbaseurl=file:///a\n").unwrap();
        fs_err::write(dir.path().join("b.repo"), "[x]\nbaseurl=file:///b\n").unwrap();
        assert_eq!(load_dir(dir.path(), true).unwrap_err().number(), 1037);
        fs_err::remove_file(dir.path().join("b.repo")).unwrap();
        fs_err::write(dir.path().join("c.repo"), "[y]\nmetadata_expire=soon\n").unwrap();
        assert_eq!(load_dir(dir.path(), true).unwrap_err().number(), 1029);
        fs_err::write(dir.path().join("c.repo"), "[y]\nenabled=AUTO_VALUE\n").unwrap();
        let e = load_dir(dir.path(), true).unwrap_err();
        assert_eq!(e.number(), 1004);
        assert!(e.message().contains("c.repo:2"), "{}", e.message());
        assert_eq!(load_dir(&dir.path().join("none"), true).unwrap_err().number(), 1005);
    }
}

//! `tdnf.conf` `[main]`: every key of tdnf 3.6 with its default in one place.

use std::path::{Path, PathBuf};

use super::ini::{self, Section};
use super::repo_conf::Expire;
use crate::error::{Code, Error, Result};

pub const DEFAULT_CONF: &str = "/etc/tdnf/tdnf.conf";
pub const DEFAULT_REPOSDIR: &str = "/etc/yum.repos.d";
pub const DEFAULT_CACHEDIR: &str = "/var/cache/tdnf";
pub const DEFAULT_PERSISTDIR: &str = "/var/lib/tdnf";
pub const DEFAULT_VARSDIRS: &str = "/etc/tdnf/vars /etc/dnf/vars /etc/yum/vars";
pub const DEFAULT_DISTROVERPKG: &str = "system-release(releasever) system-release redhat-release";

/// The `[main]` section, with tdnf's defaults.
#[derive(Debug, Clone)]
pub struct MainConf {
    /// The file it came from (`None` when no file exists).
    pub path: Option<PathBuf>,
    pub gpgcheck: bool,
    pub installonly_limit: u32,
    pub installonlypkgs: Vec<String>,
    pub clean_requirements_on_remove: bool,
    pub reposdir: String,
    pub cachedir: String,
    pub persistdir: String,
    pub keepcache: bool,
    pub distroverpkg: Vec<String>,
    pub excludepkgs: Vec<String>,
    pub minversions: Vec<String>,
    pub proxy: Option<String>,
    pub proxy_username: Option<String>,
    pub proxy_password: Option<String>,
    pub sslverify: bool,
    pub openmax: u32,
    pub varsdirs: Vec<String>,
    pub plugins: bool,
    pub pluginpath: String,
    pub pluginconfpath: String,
    pub dnf_check_update_compat: bool,
    pub distrosync_reinstall_changed: bool,
    /// Our addition: how many packages are downloaded at once.
    pub max_parallel_downloads: u32,
    /// Our addition: default repo `metadata_expire` (tdnf: 48 h per repo).
    pub metadata_expire: Option<String>,
    /// Our addition: accept a repomd older than the one accepted before
    /// (repo default; `allow_metadata_rollback`).
    pub allow_metadata_rollback: bool,
    /// Our addition: refuse a repomd older than this (repo default;
    /// `metadata_max_age`, `never` by default).
    pub metadata_max_age: Expire,
    /// Our addition: how long an altering run waits for the instance lock
    /// (`lock_timeout`: seconds or `10m`-style, `never` = forever as tdnf,
    /// `0` = no wait); `None` waits forever.
    pub lock_timeout: Option<std::time::Duration>,
}

impl Default for MainConf {
    fn default() -> MainConf {
        MainConf {
            path: None,
            gpgcheck: false,
            installonly_limit: 2,
            installonlypkgs: Vec::new(),
            clean_requirements_on_remove: false,
            reposdir: DEFAULT_REPOSDIR.to_string(),
            cachedir: DEFAULT_CACHEDIR.to_string(),
            persistdir: DEFAULT_PERSISTDIR.to_string(),
            keepcache: false,
            distroverpkg: words(DEFAULT_DISTROVERPKG),
            excludepkgs: Vec::new(),
            minversions: Vec::new(),
            proxy: None,
            proxy_username: None,
            proxy_password: None,
            sslverify: true,
            openmax: 1024,
            varsdirs: words(DEFAULT_VARSDIRS),
            plugins: false,
            pluginpath: "/usr/lib/tdnf-plugins".to_string(),
            pluginconfpath: "/etc/tdnf/pluginconf.d".to_string(),
            dnf_check_update_compat: false,
            distrosync_reinstall_changed: false,
            max_parallel_downloads: 4,
            metadata_expire: None,
            allow_metadata_rollback: false,
            metadata_max_age: Expire::Never,
            lock_timeout: Some(crate::lock::DEFAULT_WAIT),
        }
    }
}

pub(crate) fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

impl MainConf {
    /// Read `path`. A missing file gives the defaults only when `required` is
    /// false (tdnf requires the file it was pointed at).
    pub fn load(path: &Path, required: bool) -> Result<MainConf> {
        let text = match fs_err::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(MainConf::default());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::new(Code::Enoent, format!("{}: {e}", path.display())));
            }
            Err(e) => {
                return Err(Error::new(Code::ConfFileLoad, format!("Error loading tdnf conf ({}): {e}", path.display())));
            }
        };
        let sections = ini::parse(path, &text).map_err(|e| Error::new(Code::ConfFileLoad, e.to_string()).with_source(e))?;
        let mut conf = MainConf { path: Some(path.to_path_buf()), ..MainConf::default() };
        if let Some(main) = sections.iter().find(|s| s.name == "main") {
            conf.apply_section(path, main)?;
        }
        Ok(conf)
    }

    fn apply_section(&mut self, path: &Path, s: &Section) -> Result<()> {
        for e in &s.entries {
            self.set(&e.key, &e.value).map_err(|msg| {
                Error::new(Code::ConfFileLoad, format!("{}:{}: {msg}", path.display(), e.line))
            })?;
        }
        Ok(())
    }

    /// Set one key (from the file or `--setopt`). Unknown keys are accepted,
    /// as tdnf does.
    pub fn set(&mut self, key: &str, value: &str) -> std::result::Result<(), String> {
        let b = || ini::parse_bool(value).ok_or_else(|| format!("`{key}` expects a boolean, found `{value}`"));
        let n = || value.trim().parse::<u32>().map_err(|_| format!("`{key}` expects a number, found `{value}`"));
        match key {
            "gpgcheck" => self.gpgcheck = b()?,
            "installonly_limit" => self.installonly_limit = n()?,
            "installonlypkgs" => self.installonlypkgs = words(value),
            "clean_requirements_on_remove" => self.clean_requirements_on_remove = b()?,
            "repodir" | "reposdir" => self.reposdir = value.to_string(),
            "cachedir" => self.cachedir = value.to_string(),
            "persistdir" => self.persistdir = value.to_string(),
            "keepcache" => self.keepcache = b()?,
            "distroverpkg" => self.distroverpkg = words(value),
            "excludepkgs" => self.excludepkgs = value.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect(),
            "minversions" => self.minversions = words(value),
            "proxy" => self.proxy = Some(value.to_string()).filter(|v| !v.is_empty()),
            "proxy_username" => self.proxy_username = Some(value.to_string()),
            "proxy_password" => self.proxy_password = Some(value.to_string()),
            "sslverify" => self.sslverify = b()?,
            "openmax" => self.openmax = n()?,
            "varsdir" => self.varsdirs = words(value),
            "plugins" => self.plugins = b()?,
            "pluginpath" => self.pluginpath = value.to_string(),
            "pluginconfpath" => self.pluginconfpath = value.to_string(),
            "dnf_check_update_compat" => self.dnf_check_update_compat = b()?,
            "distrosync_reinstall_changed" => self.distrosync_reinstall_changed = b()?,
            "max_parallel_downloads" => self.max_parallel_downloads = n()?.max(1),
            "metadata_expire" => self.metadata_expire = Some(value.to_string()),
            "allow_metadata_rollback" => self.allow_metadata_rollback = b()?,
            "metadata_max_age" => {
                self.metadata_max_age = Expire::parse(value)
                    .ok_or_else(|| format!("`{key}` expects a duration such as 7d, found `{value}`"))?
            }
            "lock_timeout" => {
                self.lock_timeout = match Expire::parse(value) {
                    Some(Expire::Never) => None,
                    Some(Expire::After(n)) => Some(std::time::Duration::from_secs(n)),
                    None => return Err(format!("`{key}` expects seconds, `10m`-style or `never`, found `{value}`")),
                }
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_keys() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("tdnf.conf");
        fs_err::write(&p, "[main]\ngpgcheck=1\ninstallonly_limit=3\nclean_requirements_on_remove=true\nrepodir=/r\nexcludepkgs=a b\nunknown_key=x\n").unwrap();
        let c = MainConf::load(&p, true).unwrap();
        assert!(c.gpgcheck && c.clean_requirements_on_remove);
        assert_eq!(c.installonly_limit, 3);
        assert_eq!(c.reposdir, "/r");
        assert_eq!(c.excludepkgs, vec!["a", "b"]);
        assert_eq!(c.cachedir, DEFAULT_CACHEDIR);
        assert!(!c.allow_metadata_rollback);
        assert_eq!(c.metadata_max_age, Expire::Never);
        let mut c = c;
        c.set("allow_metadata_rollback", "yes").unwrap();
        c.set("metadata_max_age", "2d").unwrap();
        assert!(c.allow_metadata_rollback);
        assert_eq!(c.metadata_max_age, Expire::After(172_800));
        assert!(c.set("metadata_max_age", "soon").is_err());
    }

    #[test]
    fn bad_values_and_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("tdnf.conf");
        fs_err::write(&p, "[main]\nkeepcache=maybe\n").unwrap();
        let e = MainConf::load(&p, true).unwrap_err();
        assert_eq!(e.number(), 1002);
        assert!(e.message().contains("tdnf.conf:2"), "{}", e.message());
        assert_eq!(MainConf::load(&dir.path().join("none"), true).unwrap_err().number(), 1602);
        assert!(MainConf::load(&dir.path().join("none"), false).is_ok());
    }
}

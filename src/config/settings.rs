//! The resolved settings of one run: command line + `tdnf.conf` + `*.repo`
//! + `--setopt` + installroot rules, with every path made absolute.
//!
//! Nothing after this module reads the command line's raw options for
//! configuration.

use std::path::{Path, PathBuf};

use super::main_conf::{DEFAULT_CONF, MainConf};
use super::repo_conf::{self, RepoConf};
use super::vars::{self, Vars};
use crate::cli::CmdArgs;
use crate::error::{Code, Error, Result};

#[derive(Debug, Clone)]
pub struct Settings {
    /// The install root (`/` by default).
    pub root: PathBuf,
    pub conf: MainConf,
    /// Directory of the config file (for `locks.d`, `protected.d`, `minversions.d`).
    pub conf_dir: PathBuf,
    /// Host path of the cache directory.
    pub cachedir: PathBuf,
    /// Host path of the persistent state directory (history.db).
    pub persistdir: PathBuf,
    /// Every configured repo (enabled or not), vars substituted.
    pub repos: Vec<RepoConf>,
    pub vars: Vars,
    /// `excludepkgs` plus `--exclude` (unless `--disableexcludes`).
    pub excludes: Vec<String>,
    /// `$basearch` (uname -m).
    pub arch: String,
    /// `--rpmdefine` macros, in order.
    pub rpm_defines: Vec<(String, String)>,
}

impl Settings {
    /// Resolve everything except `$releasever` when it must be detected from
    /// the rpmdb (see [`Settings::set_releasever`]).
    pub fn resolve(args: &CmdArgs) -> Result<Settings> {
        let root = PathBuf::from(&args.install_root);
        let rooted = |p: &str| root_join(&root, p);
        let conf_path = match &args.config {
            Some(c) => PathBuf::from(c),
            None if root != Path::new("/") && rooted(DEFAULT_CONF).is_file() => rooted(DEFAULT_CONF),
            None => PathBuf::from(DEFAULT_CONF),
        };
        let mut conf = MainConf::load(&conf_path, args.config.is_some())?;
        let conf_dir = conf_path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("/etc/tdnf"));

        // Global --setopt keys: every [main] key (tdnf honours only four).
        let mut setopt_cachedir = None;
        let mut setopt_reposdir = None;
        for (k, v) in &args.setopts {
            if k.contains('.') {
                continue;
            }
            conf.set(k, v).map_err(|m| Error::new(Code::CliInvalidArgument, format!("--setopt {k}={v}: {m}")))?;
            match k.as_str() {
                "cachedir" => setopt_cachedir = Some(v.clone()),
                "reposdir" | "repodir" => setopt_reposdir = Some(v.clone()),
                _ => {}
            }
        }
        let cachedir = match setopt_cachedir {
            Some(c) => PathBuf::from(c),
            None => rooted(&conf.cachedir),
        };
        let reposdir = match setopt_reposdir {
            Some(r) => PathBuf::from(r),
            None if rooted(&conf.reposdir).is_dir() => rooted(&conf.reposdir),
            None => PathBuf::from(&conf.reposdir),
        };
        let persistdir = rooted(&conf.persistdir);

        let arch = vars::machine_arch();
        let mut vars = Vars::default();
        for dir in &conf.varsdirs {
            vars.load_dir(&rooted(dir));
        }
        vars.set("basearch", &arch);
        vars.set("arch", &arch);
        if let Some(rv) = &args.release_ver {
            vars.set("releasever", rv);
        }

        let mut repos = load_repos(&reposdir, conf.sslverify, args)?;
        apply_repo_setopts(&mut repos, args)?;
        apply_enable_disable(&mut repos, args);

        let mut excludes = if args.disable_excludes { Vec::new() } else { conf.excludepkgs.clone() };
        excludes.extend(args.values("exclude").filter(|s| !s.is_empty()).map(str::to_string));

        let rpm_defines = args
            .values("rpmdefine")
            .filter_map(|d| {
                let d = d.trim().trim_start_matches('%');
                let (name, value) = d.split_once(char::is_whitespace).unwrap_or((d, ""));
                (!name.is_empty()).then(|| (name.to_string(), value.trim().to_string()))
            })
            .collect();

        let mut settings = Settings { root, conf, conf_dir, cachedir, persistdir, repos, vars, excludes, arch, rpm_defines };
        if args.release_ver.is_some() {
            settings.substitute_vars();
        }
        Ok(settings)
    }

    /// Set `$releasever` (detected from the rpmdb) and substitute variables.
    pub fn set_releasever(&mut self, releasever: Option<&str>) {
        if let Some(rv) = releasever {
            self.vars.set("releasever", rv);
        }
        self.substitute_vars();
    }

    pub fn has_releasever(&self) -> bool {
        self.vars.get("releasever").is_some()
    }

    fn substitute_vars(&mut self) {
        let vars = &self.vars;
        for r in &mut self.repos {
            r.name = vars.substitute(&r.name);
            for u in r.baseurls.iter_mut().chain(r.gpgkeys.iter_mut()) {
                *u = vars.substitute(u);
            }
            r.metalink = r.metalink.as_deref().map(|m| vars.substitute(m));
            r.mirrorlist = r.mirrorlist.as_deref().map(|m| vars.substitute(m));
        }
    }

    /// A path inside the install root.
    pub fn in_root(&self, path: &str) -> PathBuf {
        root_join(&self.root, path)
    }

    /// The last `--rpmdefine` value of a macro.
    pub fn rpm_define(&self, name: &str) -> Option<&str> {
        self.rpm_defines.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn enabled_repos(&self) -> impl Iterator<Item = &RepoConf> {
        self.repos.iter().filter(|r| r.enabled)
    }
}

/// `root` + absolute `path`, without a double slash.
pub fn root_join(root: &Path, path: &str) -> PathBuf {
    root.join(path.trim_start_matches('/'))
}

fn load_repos(reposdir: &Path, sslverify: bool, args: &CmdArgs) -> Result<Vec<RepoConf>> {
    let mut repos = Vec::new();
    for (name, value) in &args.cmd_opts {
        if name != "repofrompath" && name != "repofromdir" {
            continue;
        }
        let Some((id, path)) = value.split_once(',').filter(|(i, p)| !i.is_empty() && !p.is_empty()) else {
            return Err(Error::new(Code::Einval, format!("--{name} expects <repoid>,<path>, found `{value}`")));
        };
        let mut repo = RepoConf::new(id);
        repo.enabled = true;
        repo.sslverify = sslverify;
        if name == "repofromdir" {
            repo.from_dir = Some(PathBuf::from(path));
            repo.baseurls = vec![format!("file://{path}")];
        } else if path.starts_with('/') {
            repo.baseurls = vec![format!("file://{path}")];
        } else {
            repo.baseurls = vec![path.to_string()];
        }
        repos.push(repo);
    }
    // A missing repo dir is only an error when no repo came from the command line.
    match repo_conf::load_dir(reposdir, sslverify) {
        Ok(file_repos) => {
            for r in file_repos {
                if repos.iter().any(|c: &RepoConf| c.id == r.id) {
                    return Err(Error::new(Code::DuplicateRepoId, format!("Duplicate repo id `{}`", r.id)));
                }
                repos.push(r);
            }
        }
        Err(e) if e.kind() == Code::RepoDirOpen && !repos.is_empty() => {}
        Err(e) => return Err(e),
    }
    Ok(repos)
}

/// `--setopt=repoid.key=value` (repoid may be a glob, e.g. `*.sslverify=0`).
fn apply_repo_setopts(repos: &mut [RepoConf], args: &CmdArgs) -> Result<()> {
    for (k, v) in &args.setopts {
        let Some((pattern, key)) = k.rsplit_once('.') else { continue };
        let glob = glob::Pattern::new(pattern).map_err(|e| Error::new(Code::CliInvalidArgument, format!("--setopt {k}: {e}")))?;
        let mut matched = false;
        for r in repos.iter_mut().filter(|r| glob.matches(&r.id)) {
            matched = true;
            r.set(key, v).map_err(|(code, m)| Error::new(code, format!("--setopt {k}={v}: {m}")))?;
        }
        if !matched {
            return Err(Error::new(Code::RepoNotFound, format!("--setopt {k}={v}: no repo matches `{pattern}`")));
        }
    }
    Ok(())
}

/// `--enablerepo`, `--disablerepo`, `--repo`/`--repoid`, in command-line order.
fn apply_enable_disable(repos: &mut [RepoConf], args: &CmdArgs) {
    let mut repo_seen = false;
    for (name, value) in &args.cmd_opts {
        let enable = match name.as_str() {
            "enablerepo" => true,
            "disablerepo" => false,
            "repo" | "repoid" => {
                if !repo_seen {
                    repos.iter_mut().for_each(|r| r.enabled = false);
                    repo_seen = true;
                }
                true
            }
            _ => continue,
        };
        for id in value.split(',').filter(|s| !s.is_empty()) {
            // Only the repos that match (tdnf's glob loop also flips every repo after the first match).
            let pattern = glob::Pattern::new(id).ok();
            for r in repos.iter_mut() {
                let hit = match &pattern {
                    Some(p) => p.matches(&r.id),
                    None => r.id == id,
                };
                if hit {
                    r.enabled = enable;
                }
            }
        }
    }
}

//! One run of tdnf: resolved settings, the printer, the downloader, and the
//! package sack, loaded lazily with exactly what the command declared it
//! needs.
//!
//! Every repo is synced with the trust rules of [`crate::repo::sync::Trust`]:
//! rollback state under the root's `persistdir`, the root's rpmdb keys,
//! key import answered by `-y`/`--assumeno`/the terminal, and the
//! `allow_metadata_rollback`/`metadata_max_age` keys (repo, else `[main]`).

use std::path::Path;

use crate::cli::CmdArgs;
use crate::config::{RepoConf, Settings};
use crate::download::Downloader;
use crate::error::{Code, Error, Result};
use crate::output::Printer;
use crate::repo::sync::{self, SyncPolicy, SyncedRepo, Syncer, Trust};
use crate::rpmdb::InstalledPackage;
use crate::sack::{Needs, Sack};
use crate::signature::{KeyImport, OpenPgpPolicy};

pub struct Context<'a> {
    pub args: &'a CmdArgs,
    pub printer: &'a Printer,
    pub settings: Settings,
    pub downloader: Downloader,
    installed: Option<Vec<InstalledPackage>>,
    refresh: bool,
}

impl<'a> Context<'a> {
    pub fn new(args: &'a CmdArgs, printer: &'a Printer) -> Result<Context<'a>> {
        let settings = Settings::resolve(args)?;
        let downloader = Downloader::new(&settings.root, user_agent(&settings));
        let mut ctx = Context { args, printer, settings, downloader, installed: None, refresh: args.refresh };
        if !ctx.settings.has_releasever() {
            let detected = ctx.detect_releasever()?;
            ctx.settings.set_releasever(detected.as_deref());
        }
        Ok(ctx)
    }

    /// `-v`: the setopt list, as tdnf prints it.
    pub fn show_setopts(&self) {
        if self.args.cmd_opts.is_empty() && self.args.setopts.is_empty() {
            return;
        }
        let mut s = String::from("Setting options:\n");
        for (k, v) in self.args.cmd_opts.iter().chain(self.args.setopts.iter()) {
            s.push_str(&format!("\t{k} = {v}\n"));
        }
        self.printer.info(&s);
    }

    /// The installed packages (read once, never modifying the rpmdb).
    pub fn installed(&mut self) -> Result<&[InstalledPackage]> {
        if self.installed.is_none() {
            let pkgs = crate::sack::installed::read_installed(&self.settings, self.printer)?;
            self.installed = Some(pkgs);
        }
        Ok(self.installed.as_deref().unwrap_or(&[]))
    }

    /// `$releasever` from the first installed package providing one of
    /// `distroverpkg` (its provide's version, else its own version).
    fn detect_releasever(&mut self) -> Result<Option<String>> {
        let names = self.settings.conf.distroverpkg.clone();
        let needs_it = self.settings.enabled_repos().any(|r| {
            r.baseurls.iter().chain(r.gpgkeys.iter()).chain(r.metalink.iter()).chain(r.mirrorlist.iter()).any(|u| u.contains("releasever"))
        });
        let installed = self.installed()?;
        for name in &names {
            for p in installed {
                if let Some(dep) = p.package.provides.iter().find(|d| &d.name == name) {
                    let version = if dep.op.is_some() && !dep.evr.is_empty() {
                        let evr = dep.evr.split_once(':').map(|(_, r)| r).unwrap_or(&dep.evr);
                        evr.split('-').next().unwrap_or(evr).to_string()
                    } else {
                        p.package.version.clone()
                    };
                    return Ok(Some(version));
                }
            }
        }
        if needs_it {
            return Err(Error::new(
                Code::NoDistroverpkg,
                format!(
                    "{} (no installed package provides {}; use --releasever to set $releasever)",
                    Code::NoDistroverpkg.message(),
                    names.join(", ")
                ),
            ));
        }
        Ok(None)
    }

    fn policy(&self) -> SyncPolicy {
        SyncPolicy { cache_only: self.args.cache_only, refresh: self.refresh, keepcache: self.settings.conf.keepcache }
    }

    /// What a sync of `repo` trusts and records (see the module documentation).
    fn trust(&self, repo: &RepoConf, dbdir: &Path) -> Trust {
        let main = &self.settings.conf;
        Trust {
            state_dir: Some(self.settings.persistdir.clone()),
            dbdir: Some(dbdir.to_path_buf()),
            import_keys: KeyImport::from_args(self.args.assume_yes, self.args.assume_no),
            allow_rollback: repo.allow_metadata_rollback.unwrap_or(main.allow_metadata_rollback),
            max_age: repo.metadata_max_age.unwrap_or(main.metadata_max_age).as_max_age(),
            policy: OpenPgpPolicy::new(),
        }
    }

    /// `makecache`: treat all metadata as expired (`--refresh`).
    pub fn force_refresh(&mut self) {
        self.refresh = true;
    }

    /// The network settings for fetching from `repo` (proxy, TLS, timeouts).
    pub fn net_for(&self, repo: &RepoConf) -> crate::download::NetOptions {
        let proxy_auth = match (&self.settings.conf.proxy_username, &self.settings.conf.proxy_password) {
            (Some(u), Some(p)) => Some((u.clone(), p.clone())),
            _ => None,
        };
        sync::net_options(repo, self.settings.conf.proxy.as_deref(), proxy_auth)
    }

    /// Sync every enabled repo. A repo that fails is reported; it is skipped
    /// when `skip_if_unavailable` is set, otherwise the error ends the run.
    pub fn sync_enabled(&self) -> Result<Vec<SyncedRepo>> {
        let mut out = Vec::new();
        let mut repos: Vec<_> = self.settings.enabled_repos().collect();
        repos.sort_by_key(|r| r.priority);
        let proxy_auth = match (&self.settings.conf.proxy_username, &self.settings.conf.proxy_password) {
            (Some(u), Some(p)) => Some((u.clone(), p.clone())),
            _ => None,
        };
        let syncer = Syncer { dl: &self.downloader, printer: self.printer, cachedir: &self.settings.cachedir, policy: self.policy() };
        let dbdir = crate::sack::installed::dbpath(&self.settings);
        for repo in repos {
            if repo.from_dir.is_some() {
                continue;
            }
            let net = sync::net_options(repo, self.settings.conf.proxy.as_deref(), proxy_auth.clone());
            match syncer.sync(repo, net, &self.trust(repo, &dbdir)) {
                Ok(s) => out.push(s),
                Err(e) => {
                    self.printer.err(&format!("Error({}) : {}\n", e.number(), e.message()));
                    self.printer.err(&format!("Error: Failed to synchronize cache for repo '{}'\n", repo.name));
                    if repo.skip_if_unavailable && e.kind() != Code::Eacces {
                        self.printer.info(&format!("Disabling Repo: '{}'\n", repo.name));
                        continue;
                    }
                    return Err(e);
                }
            }
        }
        Ok(out)
    }

    /// Load the sack with what the command needs.
    pub fn load_sack(&mut self, needs: Needs) -> Result<Sack> {
        let repos = if needs.available { self.sync_enabled()? } else { Vec::new() };
        if needs.installed {
            self.installed()?;
        }
        // Borrowed, not copied: the installed set can be large.
        let installed = if needs.installed { self.installed.as_deref().unwrap_or(&[]) } else { &[] };
        Sack::load(&self.settings, &self.downloader, self.printer, repos, installed, needs)
    }
}

/// `tdnf/<version> <os-release ID>/<VERSION_ID>`, read from the install root.
fn user_agent(settings: &Settings) -> String {
    let text = fs_err::read_to_string(settings.in_root("/etc/os-release")).unwrap_or_default();
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
            .map(|v| v.trim().trim_matches('"').to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "UNKNOWN".to_string())
    };
    format!("tdnf/{} {}/{}", crate::TDNF_VERSION, field("ID"), field("VERSION_ID"))
}

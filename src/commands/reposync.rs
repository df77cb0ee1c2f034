//! `tdnf reposync` (tdnf `client/api.c TDNFRepoSync`): download every
//! package of the enabled repos into `<download-path>/<repoid>/<href>`
//! (the current directory by default), keeping the repo's directory layout.
//!
//! Options (tdnf's reposync setopts, `tools/cli/lib/parsereposyncargs.c`):
//! * `--arch A` (repeatable, at most 10 are kept): only these arches;
//! * `--source`: only `src` packages (not together with `--arch`);
//! * `--newest-only`: per repo and *name* (not name.arch), the highest EVR;
//! * `--download-path D`, `--norepopath` (no `<repoid>` level; one repo
//!   only, not with `--delete`);
//! * `--gpgcheck`: check each package's signature as the install path does
//!   ([`crate::signature::check_for_install`], with the repo's `gpgcheck`
//!   unless `--nogpgcheck`); a package that is unsigned or signed by no
//!   trusted key is reported and deleted, any other failure ends the run
//!   (a missing key is imported into the root's rpmdb after the usual
//!   question, as tdnf does);
//! * `--delete`: afterwards remove every `*.rpm` under `<root>/<repoid>`
//!   that this run did not download or keep;
//! * `--download-metadata` (`--metadata-path D`): copy `repodata/` too;
//! * `--urls`: only print the URLs (packages, then metadata).
//!
//! Conflicting options fail with 1622 before any metadata is synced; a pool
//! without packages fails with 1011. Files already complete (size and
//! checksum) are kept; downloads are parallel and resumable
//! ([`crate::download::packages`]). Deliberate differences from tdnf 3.6:
//! `--urls` never deletes (tdnf's `--urls --delete` removes every local
//! package), a missing repo directory is not an error for `--delete`, and
//! `--newest-only` keeps the newest package of *every* name (tdnf's
//! relinked list can skip some).

mod tree;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::cli::CmdArgs;
use crate::context::Context;
use crate::download::packages::{Fetched, PackageFetch, fetch_packages};
use crate::error::{Code, Error, Result};
use crate::repo::cache::RepoCache;
use crate::sack::{Needs, Sack, Sid};
use crate::signature::{CheckOptions, InstallTrust, KeyImport, Keyring, OpenPgpPolicy, check_for_install};

/// tdnf's `TDNF_REPOSYNC_MAXARCHS`: later `--arch` values are dropped.
const MAX_ARCHS: usize = 10;

/// The reposync options of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SyncOptions {
    pub(crate) archs: Vec<String>,
    pub(crate) delete: bool,
    pub(crate) download_metadata: bool,
    pub(crate) gpgcheck: bool,
    pub(crate) newest_only: bool,
    pub(crate) norepopath: bool,
    pub(crate) source_only: bool,
    pub(crate) urls_only: bool,
    pub(crate) download_path: Option<String>,
    pub(crate) metadata_path: Option<String>,
}

impl SyncOptions {
    /// The options from the command line's setopt list.
    pub(crate) fn from_args(a: &CmdArgs) -> SyncOptions {
        SyncOptions {
            archs: a.values("arch").take(MAX_ARCHS).map(str::to_owned).collect(),
            delete: a.has("delete"),
            download_metadata: a.has("download-metadata"),
            gpgcheck: a.has("gpgcheck"),
            newest_only: a.has("newest-only"),
            norepopath: a.has("norepopath"),
            source_only: a.source,
            urls_only: a.has("urls"),
            download_path: a.value("download-path").map(str::to_owned),
            metadata_path: a.value("metadata-path").map(str::to_owned),
        }
    }

    /// tdnf's checks, in its order: the message (pr_crit) and 1622.
    pub(crate) fn conflict(&self, enabled_repos: usize) -> Option<&'static str> {
        if enabled_repos > 1 && self.norepopath {
            Some("cannot use norepopath with multiple repos")
        } else if self.delete && self.norepopath {
            Some("cannot use the delete option with norepopath")
        } else if self.source_only && !self.archs.is_empty() {
            Some("cannot use the source option with arch")
        } else {
            None
        }
    }

    /// Whether a package of `arch` is synced.
    pub(crate) fn wants_arch(&self, arch: &str) -> bool {
        if !self.archs.is_empty() {
            self.archs.iter().any(|a| a == arch)
        } else {
            !self.source_only || arch == "src"
        }
    }
}

/// One package to sync.
#[derive(Debug, Clone)]
struct Candidate {
    sid: Sid,
    repo: String,
    name: String,
    arch: String,
    evr: String,
    href: String,
}

pub(super) fn run(ctx: &mut Context<'_>) -> Result<u8> {
    let opts = SyncOptions::from_args(ctx.args);
    if let Some(msg) = opts.conflict(ctx.settings.enabled_repos().count()) {
        ctx.printer.data(&format!("{msg}\n"));
        return Err(Error::code(Code::Einval));
    }
    let sack = ctx.load_sack(Needs::default())?;
    let mut list = candidates(&sack);
    if list.is_empty() && sack.installed_ids().is_empty() {
        return Err(Error::code(Code::NoMatch));
    }
    if opts.newest_only {
        list = newest(&sack, list);
    }
    list.retain(|c| opts.wants_arch(&c.arch));
    let root = tree::root_path(opts.download_path.as_deref())?;
    if opts.urls_only {
        for c in &list {
            ctx.printer.info(&format!("{}\n", sack.location_url(c.sid)));
        }
    } else {
        let kept = sync_packages(ctx, &sack, &opts, &root, &list)?;
        if opts.delete {
            for r in &sack.repos {
                tree::delete_stale(ctx.printer, &root.join(sack.pool.repo(r.id).name()), &kept);
            }
        }
    }
    if opts.download_metadata {
        let base = opts.metadata_path.as_ref().map_or_else(|| root.clone(), PathBuf::from);
        for r in &sack.repos {
            let Some(synced) = &r.synced else { continue };
            let dir = if opts.norepopath { base.clone() } else { base.join(&synced.conf.id) };
            tree::metadata(ctx, synced, &dir, opts.urls_only)?;
        }
    }
    if ctx.printer.is_json() {
        ctx.printer.json_raw("{}");
    }
    Ok(0)
}

/// The visible packages of the enabled repos, in pool order.
fn candidates(sack: &Sack) -> Vec<Candidate> {
    let mut out = Vec::new();
    for s in sack.available_ids() {
        if !sack.visible(s) {
            continue;
        }
        let Some(x) = sack.pool.solvable(s) else { continue };
        out.push(Candidate {
            sid: s,
            repo: x.repo().name().to_owned(),
            name: x.name().to_owned(),
            arch: x.arch().to_owned(),
            evr: x.evr().to_owned(),
            href: x.location().unwrap_or_default(),
        });
    }
    out
}

/// tdnf's `TDNFPkgInfoFilterNewest`: sorted by repo id and name, the
/// highest EVR of each (repo, name); on a tie the first in pool order.
fn newest(sack: &Sack, mut list: Vec<Candidate>) -> Vec<Candidate> {
    // A stable sort keeps pool order among equal EVRs.
    list.sort_by(|a, b| a.repo.cmp(&b.repo).then_with(|| a.name.cmp(&b.name)).then_with(|| sack.evrcmp(&b.evr, &a.evr)));
    list.dedup_by(|later, first| later.repo == first.repo && later.name == first.name);
    list
}

/// Download (or keep) every candidate, check signatures with `--gpgcheck`;
/// returns the files that stay.
fn sync_packages(ctx: &Context<'_>, sack: &Sack, opts: &SyncOptions, root: &Path, list: &[Candidate]) -> Result<HashSet<PathBuf>> {
    let mut fetches = Vec::with_capacity(list.len());
    for c in list {
        let Some(conf) = ctx.settings.repos.iter().find(|r| r.id == c.repo) else {
            return Err(Error::new(Code::RepoNotFound, format!("repo {} of {} is not configured", c.repo, c.name)));
        };
        let dir = if opts.norepopath { root.to_path_buf() } else { root.join(&c.repo) };
        let dest = tree::confined(&dir, &c.href)?;
        let bases = sack.repos.iter().find(|r| sack.pool.repo(r.id).name() == c.repo).map(|r| r.base_urls.clone()).unwrap_or_default();
        let (kind, sum) = sack.pool.solvable(c.sid).and_then(|x| x.lookup_checksum()).map(|(k, h)| (k.name().to_owned(), h)).unwrap_or_default();
        fetches.push(PackageFetch {
            name: sack.nvra(c.sid),
            urls: bases.iter().map(|b| tree::join_url(b, &c.href)).collect(),
            dest,
            size: sack.info(c.sid).download_size,
            checksum_kind: kind,
            checksum: sum,
            net: ctx.net_for(conf),
        });
    }
    for f in &fetches {
        if let Some(dir) = f.dest.parent() {
            fs_err::create_dir_all(dir).map_err(|e| Error::io(dir.display(), e))?;
        }
    }
    let parallel = ctx.settings.conf.max_parallel_downloads.max(1) as usize;
    let progress = crate::output::progress::for_printer(ctx.printer);
    let results = fetch_packages(&ctx.downloader, &fetches, parallel, progress.as_ref())?;
    for (c, r) in list.iter().zip(&results) {
        if *r == Fetched::Reused {
            ctx.printer.info(&format!("{} package already downloaded\n", c.name));
        }
    }
    let mut kept = HashSet::with_capacity(fetches.len());
    let mut checker = opts.gpgcheck.then(|| Checker::new(ctx));
    for (c, f) in list.iter().zip(fetches) {
        if let Some(chk) = checker.as_mut()
            && !chk.passes(&c.repo, &f.dest)?
        {
            continue;
        }
        kept.insert(f.dest);
    }
    Ok(kept)
}

/// `--gpgcheck`: the install path's package check, per repo keys.
struct Checker<'c, 'a> {
    ctx: &'c Context<'a>,
    dbdir: PathBuf,
    policy: OpenPgpPolicy,
    keys: HashMap<String, Keyring>,
}

impl<'c, 'a> Checker<'c, 'a> {
    fn new(ctx: &'c Context<'a>) -> Checker<'c, 'a> {
        Checker { ctx, dbdir: crate::sack::installed::dbpath(&ctx.settings), policy: OpenPgpPolicy::new(), keys: HashMap::new() }
    }

    /// Whether `file` of `repo_id` passes; a failing file is deleted.
    fn passes(&mut self, repo_id: &str, file: &Path) -> Result<bool> {
        let ctx = self.ctx;
        let repo = ctx.settings.repos.iter().find(|r| r.id == repo_id);
        let gpgcheck = !ctx.args.no_gpg_check && repo.map_or(ctx.settings.conf.gpgcheck, |r| r.gpgcheck);
        if let Some(r) = repo.filter(|r| gpgcheck && !r.gpgkeys.is_empty() && !self.keys.contains_key(&r.id)) {
            let cache = RepoCache::new(&ctx.settings.cachedir, r);
            let ring = crate::repo::repo_gpg::repo_keys(&ctx.downloader, r, &cache, &ctx.net_for(r), &self.policy)?;
            self.keys.insert(r.id.clone(), ring);
        }
        let opts = CheckOptions {
            gpgcheck,
            skip_signature: ctx.args.has("skipsignature"),
            skip_digest: ctx.args.has("skipdigest"),
            openpgp: self.policy.clone(),
        };
        let trust = InstallTrust {
            dbdir: &self.dbdir,
            opts: &opts,
            import: KeyImport::from_args(ctx.args.assume_yes, ctx.args.assume_no),
            printer: ctx.printer,
        };
        match check_for_install(file, self.keys.get(repo_id), &trust) {
            Ok(_) => Ok(true),
            Err(e) if matches!(e.kind(), Code::RpmNotSigned | Code::RpmGpgNoMatch | Code::RpmrcNokey) => {
                ctx.printer.data(&format!("checking package {} failed: {}, deleting\n", file.display(), e.number()));
                if let Err(err) = std::fs::remove_file(file) {
                    ctx.printer.data(&format!("unable to remove {}: {err}\n", file.display()));
                }
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests;

//! The steps of [`super::alter`] that talk to other modules: the lock,
//! downloads, signature checks, history, and cleaning up package files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::alter::needs_file;
use crate::context::Context;
use crate::download::packages::{PackageFetch, fetch_packages};
use crate::error::{Code, Error, Result};
use crate::goal::{Action, GoalOptions, Plan, PlanKind};
use crate::repo::cache::RepoCache;
use crate::sack::Needs;
use crate::signature::{CheckOptions, InstallTrust, KeyImport, Keyring, OpenPgpPolicy, check_for_install};
use crate::transaction::Outcome;

/// tdnf's instance lock (host path, not under the install root).
/// Then, before anything is read from the rpmdb, an interrupted earlier
/// transaction is completed from its journal (so the plan, and the
/// history's `(unknown)` row for it, see the completed state).
/// A missing `--installroot` is created first (0755), as dnf does: image
/// builds name a fresh directory (tdnf fails on it later, inside rpm).
pub(super) fn lock(ctx: &Context<'_>) -> Result<crate::lock::InstanceLock> {
    let root = &ctx.settings.root;
    if !root.exists() {
        fs_err::create_dir_all(root).map_err(|e| Error::io(root.display(), e))?;
    }
    let lock = crate::lock::acquire_for(&ctx.settings, ctx.printer)?;
    if !ctx.args.test_only {
        let reporter = super::alter::CliReporter { printer: ctx.printer };
        crate::transaction::recover(&ctx.settings.root, &dbpath_in_root(ctx), &reporter)
            .map_err(|e| Error::new(Code::TransactionFailed, e.to_string()))?;
    }
    Ok(lock)
}

/// What the sack must hold: the rpmdb and the repos, for every action
/// (an erase of a name that is only available is "Nothing to do", of an
/// unknown one 1011).
pub(super) fn needs(ctx: &Context<'_>, action: Action) -> Needs {
    let a = ctx.args;
    let advisories = a.has("security") || a.has("sec-severity") || a.has("reboot-required");
    let file_specs = a.command_args().iter().any(|s| s.starts_with('/'));
    Needs {
        installed: true,
        available: true,
        filelists: file_specs,
        updateinfo: advisories && matches!(action, Action::Update),
        other: false,
    }
}

/// The resolver's options from the command line.
pub(super) fn goal_options(ctx: &Context<'_>) -> GoalOptions {
    let a = ctx.args;
    let severity = a.value("sec-severity").map(super::updateinfo::atof);
    let filter = crate::sack::advisory::AdvisoryFilter { security: a.has("security"), severity, reboot: a.has("reboot-required") };
    let active = filter.security || filter.severity.is_some() || filter.reboot;
    GoalOptions {
        best: a.best,
        allow_erasing: a.allow_erasing,
        skip_broken: a.skip_broken,
        skip_conflicts: a.has("skipconflicts"),
        skip_obsoletes: a.has("skipobsoletes"),
        no_autoremove: a.no_autoremove,
        security: active.then_some(filter),
        source: a.source,
        build_deps: a.build_deps,
    }
}

/// The rpmdb path inside the root (`/var/lib/rpm`).
pub(super) fn dbpath_in_root(ctx: &Context<'_>) -> String {
    let host = crate::sack::installed::dbpath(&ctx.settings);
    match host.strip_prefix(&ctx.settings.root) {
        Ok(rel) => format!("/{}", rel.display()),
        Err(_) => "/var/lib/rpm".to_owned(),
    }
}

/// The package files of a plan: one entry per item (`None` for erases),
/// and which of them were downloaded into the cache (the rest are local
/// files: `@cmdline` packages and `file://` repos, read in place as tdnf
/// does).
pub(super) struct Files {
    pub paths: Vec<Option<PathBuf>>,
    pub cached: Vec<PathBuf>,
}

/// Download (or find in the cache) every package the plan installs.
pub(super) fn download(ctx: &Context<'_>, plan: &Plan) -> Result<Files> {
    let mut out = Vec::with_capacity(plan.items.len());
    let mut cached = Vec::new();
    let mut fetches = Vec::new();
    let downloaddir = ctx.args.download_dir.as_ref().map(PathBuf::from);
    let cmdline_cache = ctx.settings.cachedir.join(crate::download::cmdline::CMDLINE_REPO).canonicalize().ok();
    for item in &plan.items {
        let Some(loc) = item.location.as_ref().filter(|_| needs_file(item)) else {
            out.push(None);
            continue;
        };
        if let Some(local) = &loc.local {
            // A package URL downloaded into the cache goes with the others
            // when keepcache is off (tdnf: "only when file is actually in
            // cache dir").
            if cmdline_cache.as_ref().is_some_and(|c| local.starts_with(c)) {
                cached.push(local.clone());
            }
            out.push(Some(local.clone()));
            continue;
        }
        let Some(repo) = ctx.settings.repos.iter().find(|r| r.id == loc.repo_id) else {
            return Err(Error::new(Code::RepoNotFound, format!("repo {} of {} is not configured", loc.repo_id, item.nevra)));
        };
        if loc.base.is_none()
            && let Some(dir) = repo.baseurls.iter().find_map(|b| b.strip_prefix("file://"))
            && !ctx.args.download_only
        {
            let local = Path::new(dir).join(loc.href.trim_start_matches('/'));
            if local.is_file() {
                out.push(Some(local));
                continue;
            }
        }
        let file = loc.href.rsplit('/').next().unwrap_or(&loc.href).to_owned();
        let dest = match &downloaddir {
            Some(d) if ctx.args.download_only => d.join(&file),
            _ => RepoCache::new(&ctx.settings.cachedir, repo).rpms().join(&file),
        };
        let bases: Vec<String> = match &loc.base {
            Some(b) => vec![b.clone()],
            None => repo.baseurls.clone(),
        };
        let urls = bases.iter().map(|b| format!("{}/{}", b.trim_end_matches('/'), loc.href.trim_start_matches('/'))).collect();
        fetches.push(PackageFetch {
            name: item.nevra.clone(),
            urls,
            dest: dest.clone(),
            size: loc.size,
            checksum_kind: loc.checksum_kind.clone(),
            checksum: loc.checksum.clone(),
            net: ctx.net_for(repo),
        });
        cached.push(dest.clone());
        out.push(Some(dest));
    }
    if !fetches.is_empty() {
        let parallel = ctx.settings.conf.max_parallel_downloads.max(1) as usize;
        let progress = crate::output::progress::for_printer(ctx.printer);
        fetch_packages(&ctx.downloader, &fetches, parallel, progress.as_ref())?;
    }
    Ok(Files { paths: out, cached })
}

/// Check every package file against its repo's keys (tdnf's gpgcheck).
pub(super) fn check_signatures(ctx: &Context<'_>, plan: &Plan, files: &[Option<PathBuf>]) -> Result<()> {
    let dbdir = crate::sack::installed::dbpath(&ctx.settings);
    let mut keys: HashMap<String, Option<Keyring>> = HashMap::new();
    let policy = OpenPgpPolicy::new();
    for (item, file) in plan.items.iter().zip(files) {
        let (Some(file), Some(loc)) = (file, &item.location) else { continue };
        let repo = ctx.settings.repos.iter().find(|r| r.id == loc.repo_id);
        // Command-line packages (`@cmdline`) follow [main] gpgcheck, checked
        // against the rpm database's keys, unless --nocmdlinegpgcheck.
        let gpgcheck = !ctx.args.no_gpg_check
            && match repo {
                Some(r) => r.gpgcheck,
                None => ctx.settings.conf.gpgcheck && !ctx.args.has("nocmdlinegpgcheck"),
            };
        let opts = CheckOptions {
            gpgcheck,
            skip_signature: ctx.args.has("skipsignature"),
            skip_digest: ctx.args.has("skipdigest"),
            openpgp: policy.clone(),
        };
        let ring = match repo {
            Some(r) if gpgcheck && !r.gpgkeys.is_empty() => {
                if !keys.contains_key(&r.id) {
                    let cache = RepoCache::new(&ctx.settings.cachedir, r);
                    let ring = crate::repo::repo_gpg::repo_keys(&ctx.downloader, r, &cache, &ctx.net_for(r), &policy)?;
                    keys.insert(r.id.clone(), Some(ring));
                }
                keys.get(&r.id).and_then(Option::as_ref)
            }
            _ => None,
        };
        let trust = InstallTrust {
            dbdir: &dbdir,
            opts: &opts,
            import: KeyImport::from_args(ctx.args.assume_yes, ctx.args.assume_no),
            printer: ctx.printer,
        };
        check_for_install(file, ring, &trust)?;
    }
    Ok(())
}

/// The history database, synced with the rpmdb before the transaction
/// (an outside change is recorded as `(unknown)`).
pub(super) fn history_begin(ctx: &Context<'_>) -> Result<crate::history::History> {
    let dbdir = crate::sack::installed::dbpath(&ctx.settings);
    let mut h = crate::history::History::open(&ctx.settings, true)?.ok_or_else(|| Error::code(Code::HistoryNodb))?;
    h.sync_rpmdb(&dbdir)?;
    Ok(h)
}

/// Names asked for that were already installed become user-installed
/// (tdnf marks them before deciding whether anything is left to do).
pub(super) fn mark_user_installed(ctx: &Context<'_>, names: &[String]) -> Result<()> {
    let mut h = history_begin(ctx)?;
    let flags: Vec<(String, bool)> = names.iter().map(|n| (n.clone(), false)).collect();
    h.set_flags(&flags)?;
    Ok(())
}

/// Record the transaction (tdnf diffs the rpmdb) with the auto flags:
/// every newly installed name is auto-installed except those the user
/// asked for; names asked for that were already installed become
/// user-installed.
pub(super) fn record_history(ctx: &Context<'_>, history: &mut crate::history::History, plan: &Plan, outcome: &Outcome) -> Result<()> {
    let dbdir = crate::sack::installed::dbpath(&ctx.settings);
    let mut flags: Vec<(String, bool)> = Vec::new();
    for item in &plan.items {
        if item.kind == PlanKind::Install && outcome.installed.iter().any(|(n, _)| n == &item.nevra) {
            flags.push((item.name.clone(), !plan.user_names.contains(&item.name)));
        }
    }
    let cmdline = ctx.args.raw.join(" ");
    history.record_rpmdb(&dbdir, &cmdline, &flags, false)?;
    Ok(())
}

/// Without `keepcache`, remove the package files downloaded into the cache.
pub(super) fn drop_downloads(ctx: &Context<'_>, files: &Files) {
    if ctx.settings.conf.keepcache {
        return;
    }
    for f in &files.cached {
        let _ = std::fs::remove_file(f);
    }
}

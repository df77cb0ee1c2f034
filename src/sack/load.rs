//! Filling the pool: `@System` from the rpmdb, each repo from its `.solv`
//! cache when valid, else from primary (+ filelists) streamed straight into
//! libsolv; the cache is rewritten after a rebuild.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use repodata::{FileKind, Package};
use solv::{Attr, ChecksumKind, DepKind, Pool, RepoId, RepoWriter};

use super::{LoadedRepo, Needs, SYSTEM_REPO, Sack, Sid, deps};
use crate::config::Settings;
use crate::download::Downloader;
use crate::error::{Code, Error, Result};
use crate::output::Printer;
use crate::repo::sync::SyncedRepo;
use crate::rpmdb::InstalledPackage;

/// Bumped whenever what we store in `.solv` files changes.
const SOLV_FORMAT: u32 = 1;

pub(super) fn load(
    settings: &Settings,
    dl: &Downloader,
    printer: &Printer,
    repos: Vec<SyncedRepo>,
    installed: &[InstalledPackage],
    needs: Needs,
) -> Result<Sack> {
    let mut pool = Pool::new_rpm(&settings.arch);
    let mut changelogs = HashMap::new();
    let mut hnums = HashMap::new();
    let system = if needs.installed {
        let id = pool.add_repo(SYSTEM_REPO);
        {
            let mut w = pool.repo_writer(id);
            for p in installed {
                let s = add_package(&mut w, &p.package, true);
                w.set_num(s, Attr::InstallTime, p.package.time_file.max(0) as u64);
                hnums.insert(s, p.hnum);
                if needs.other && !p.package.changelogs.is_empty() {
                    changelogs.insert(s, p.package.changelogs.clone());
                }
            }
            w.finish();
        }
        pool.set_installed(id);
        Some(id)
    } else {
        None
    };
    let mut loaded = Vec::new();
    let mut advisories = Vec::new();
    for synced in repos {
        let filelists = needs.filelists && !synced.conf.skip_md_filelists && synced.record("filelists").is_some();
        let id = load_repo(&mut pool, dl, printer, &synced, filelists)?;
        if needs.updateinfo && !synced.conf.skip_md_updateinfo {
            load_updateinfo(dl, &synced, &mut advisories)?;
        }
        if needs.other && !synced.conf.skip_md_other {
            load_other(&pool, id, dl, &synced, &mut changelogs)?;
        }
        loaded.push(LoadedRepo { id, base_urls: synced.base_urls.clone(), synced: Some(synced) });
    }
    if needs.available {
        for conf in settings.enabled_repos() {
            if let Some(dir) = &conf.from_dir {
                let id = load_dir_repo(&mut pool, conf, dir)?;
                loaded.push(LoadedRepo { id, base_urls: vec![format!("file://{}", dir.display())], synced: None });
            }
        }
    }
    pool.addfileprovides();
    let excludes = settings.excludes.iter().filter_map(|e| glob::Pattern::new(e).ok()).collect();
    Ok(Sack { pool, system, repos: loaded, excludes, changelogs, advisories, hnums, cmdline: None, local_paths: HashMap::new(), arch: settings.arch.clone() })
}

/// Add one package; returns its solvable id.
pub(crate) fn add_package(w: &mut RepoWriter<'_>, p: &Package, with_files: bool) -> Sid {
    let s = w.add_solvable();
    w.set_nevra(s, &p.name, p.epoch, &p.version, &p.release, &p.arch);
    if !p.vendor.is_empty() {
        w.set_vendor(s, &p.vendor);
    }
    let lists: [(&[repodata::Dependency], DepKind); 8] = [
        (&p.provides, DepKind::Provides),
        (&p.requires, DepKind::Requires),
        (&p.conflicts, DepKind::Conflicts),
        (&p.obsoletes, DepKind::Obsoletes),
        (&p.recommends, DepKind::Recommends),
        (&p.suggests, DepKind::Suggests),
        (&p.supplements, DepKind::Supplements),
        (&p.enhances, DepKind::Enhances),
    ];
    for (list, kind) in lists {
        for d in list {
            let id = deps::dep_id(w, d);
            let kind = if kind == DepKind::Requires && d.pre { DepKind::RequiresPre } else { kind };
            w.add_dep(s, kind, id);
        }
    }
    w.add_self_provides(s);
    for (attr, value) in [
        (Attr::Summary, &p.summary),
        (Attr::Description, &p.description),
        (Attr::Url, &p.url),
        (Attr::License, &p.license),
        (Attr::Group, &p.group),
        (Attr::Packager, &p.packager),
        (Attr::Buildhost, &p.buildhost),
        (Attr::SourceRpm, &p.sourcerpm),
        (Attr::Location, &p.location_href),
    ] {
        if !value.is_empty() {
            w.set_str(s, attr, value);
        }
    }
    w.set_num(s, Attr::InstallSize, p.size_installed);
    if p.size_package > 0 {
        w.set_num(s, Attr::DownloadSize, p.size_package);
    }
    if p.time_build > 0 {
        w.set_num(s, Attr::BuildTime, p.time_build as u64);
    }
    if let Some((_, end)) = p.header_range {
        w.set_num(s, Attr::HeaderEnd, end);
    }
    if let Some(c) = &p.checksum
        && let Some(kind) = ChecksumKind::from_name(c.kind.name()) {
            w.set_checksum(s, kind, &c.hex);
        }
    if with_files {
        for f in &p.files {
            w.add_file(s, &f.path, file_kind(f.kind));
        }
    }
    s
}

fn file_kind(k: FileKind) -> solv::FileKind {
    match k {
        FileKind::File => solv::FileKind::File,
        FileKind::Dir => solv::FileKind::Dir,
        FileKind::Ghost => solv::FileKind::Ghost,
    }
}

fn solv_cache_path(synced: &SyncedRepo, filelists: bool) -> (PathBuf, Vec<u8>) {
    let parts = if filelists { "primary+filelists" } else { "primary" };
    let file = format!("{}-{parts}.solv", synced.conf.id);
    let key = format!("tdnf-rs/{}/{SOLV_FORMAT}/{}/{parts}", env!("CARGO_PKG_VERSION"), synced.repomd_sha256);
    (synced.cache.solvcache().join(file), key.into_bytes())
}

fn new_repo(pool: &mut Pool, synced: &SyncedRepo) -> RepoId {
    let id = pool.add_repo(&synced.conf.id);
    // tdnf: lower `priority` is preferred; libsolv prefers higher.
    pool.set_repo_priority(id, -synced.conf.priority);
    id
}

fn load_repo(pool: &mut Pool, dl: &Downloader, printer: &Printer, synced: &SyncedRepo, filelists: bool) -> Result<RepoId> {
    let mark = pool.string_mark();
    // A cache with file lists serves a command that needs only primary too.
    if !filelists && synced.record("filelists").is_some() {
        let (full, key) = solv_cache_path(synced, true);
        if full.is_file() {
            let id = new_repo(pool, synced);
            super::string_order::prime(pool, &full, &key);
            match pool.read_solv(id, &full, &key) {
                Ok(true) => return Ok(id),
                Ok(false) => {}
                // Broken: drop it so it is not tried again.
                Err(_) => {
                    let _ = fs_err::remove_file(&full);
                    super::string_order::forget(&full);
                }
            }
            pool.remove_repo(id);
        }
    }
    let (cache_path, key) = solv_cache_path(synced, filelists);
    let mut id = new_repo(pool, synced);
    if cache_path.is_file() {
        super::string_order::prime(pool, &cache_path, &key);
        match pool.read_solv(id, &cache_path, &key) {
            Ok(true) => return Ok(id),
            Ok(false) => {}
            Err(e) => printer.verbose(&format!("rebuilding {}: {e}\n", cache_path.display())),
        }
        // A stale or broken cache: start the repo again from the XML.
        pool.remove_repo(id);
        id = new_repo(pool, synced);
    }
    let primary = synced.metadata(dl, "primary")?.ok_or_else(|| {
        Error::new(Code::Einval, format!("repo '{}': repomd.xml lists no primary metadata", synced.conf.id))
    })?;
    let label = primary.display().to_string();
    // With filelists, remember which paths primary already gave each
    // package, so filelists adds only the rest (and a package missing from
    // filelists keeps primary's subset).
    let mut by_pkgid: HashMap<String, (Sid, HashSet<String>)> = HashMap::new();
    {
        let mut w = pool.repo_writer(id);
        let reader = repodata::decompress::open_path(&primary)?;
        repodata::primary::parse_primary(reader, &label, |p| {
            let s = add_package(&mut w, &p, true);
            if filelists
                && let Some(c) = &p.checksum {
                    by_pkgid.insert(c.hex.clone(), (s, p.files.iter().map(|f| f.path.clone()).collect()));
                }
            Ok(())
        })?;
        if filelists
            && let Some(path) = synced.metadata(dl, "filelists")? {
                let label = path.display().to_string();
                let reader = repodata::decompress::open_path(&path)?;
                repodata::filelists::parse_filelists(reader, &label, |entry| {
                    if let Some((s, known)) = by_pkgid.get(&entry.pkgid) {
                        for f in entry.files.iter().filter(|f| !known.contains(&f.path)) {
                            w.add_file(*s, &f.path, file_kind(f.kind));
                        }
                    }
                    Ok(())
                })?;
            }
        w.finish();
    }
    if write_cache(pool, id, &cache_path, &key, printer) {
        super::string_order::record(pool, mark, &cache_path, &key);
    }
    Ok(id)
}

/// `--repofromdir`: every `*.rpm` of `dir`, read from its headers.
fn load_dir_repo(pool: &mut Pool, conf: &crate::config::RepoConf, dir: &std::path::Path) -> Result<RepoId> {
    let entries = fs_err::read_dir(dir).map_err(|e| Error::io(dir.display(), e))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rpm"))
        .collect();
    paths.sort();
    let id = pool.add_repo(&conf.id);
    pool.set_repo_priority(id, -conf.priority);
    let mut w = pool.repo_writer(id);
    for path in paths {
        let mut pkg = crate::rpm::RpmFile::open(&path)
            .and_then(|f| f.to_package())
            .map_err(|e| Error::new(Code::Einval, format!("{}: {e}", path.display())))?;
        pkg.location_href = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        add_package(&mut w, &pkg, true);
    }
    w.finish();
    Ok(id)
}

/// Best effort: a read-only cache directory must not fail the command.
/// Whether the cache was stored.
fn write_cache(pool: &Pool, id: RepoId, path: &std::path::Path, key: &[u8], printer: &Printer) -> bool {
    if let Some(dir) = path.parent()
        && fs_err::create_dir_all(dir).is_err() {
            return false;
        }
    let tmp = path.with_extension("solv.tmp");
    let stored = pool.write_repo(id, &tmp, key).map_err(|e| e.to_string()).and_then(|()| fs_err::rename(&tmp, path).map_err(|e| e.to_string()));
    if let Err(e) = &stored {
        let _ = fs_err::remove_file(&tmp);
        printer.verbose(&format!("cannot store {}: {e}\n", path.display()));
    }
    stored.is_ok()
}

fn load_updateinfo(dl: &Downloader, synced: &SyncedRepo, out: &mut Vec<repodata::updateinfo::Advisory>) -> Result<()> {
    let Some(path) = synced.metadata(dl, "updateinfo")? else { return Ok(()) };
    let label = path.display().to_string();
    let reader = repodata::decompress::open_path(&path)?;
    repodata::updateinfo::parse_updateinfo(reader, &label, |a| {
        out.push(a);
        Ok(())
    })?;
    Ok(())
}

fn load_other(pool: &Pool, id: RepoId, dl: &Downloader, synced: &SyncedRepo, out: &mut HashMap<Sid, Vec<repodata::ChangeLog>>) -> Result<()> {
    let Some(path) = synced.metadata(dl, "other")? else { return Ok(()) };
    let mut by_pkgid = HashMap::new();
    for s in pool.repo(id).solvables() {
        if let Some((_, hex)) = s.lookup_checksum() {
            by_pkgid.insert(hex, s.id());
        }
    }
    let label = path.display().to_string();
    let reader = repodata::decompress::open_path(&path)?;
    repodata::other::parse_other(reader, &label, |e| {
        if let Some(&s) = by_pkgid.get(&e.pkgid) {
            // other.xml lists the oldest entry first; tdnf shows the newest first.
            let mut logs = e.changelogs;
            logs.sort_by_key(|c| std::cmp::Reverse(c.date));
            out.insert(s, logs);
        }
        Ok(())
    })?;
    Ok(())
}

/// A sack from package models, without repo metadata or an rpmdb: the
/// installed set (`hnum`, package) becomes `@System`, each `(repo id,
/// tdnf priority, packages)` a repo. For tests and tools.
pub fn from_packages(
    arch: &str,
    installed: &[InstalledPackage],
    repos: &[(&str, i32, Vec<Package>)],
    excludes: &[String],
) -> Sack {
    let mut pool = Pool::new_rpm(arch);
    let mut hnums = HashMap::new();
    let id = pool.add_repo(SYSTEM_REPO);
    {
        let mut w = pool.repo_writer(id);
        for p in installed {
            let s = add_package(&mut w, &p.package, true);
            hnums.insert(s, p.hnum);
        }
        w.finish();
    }
    pool.set_installed(id);
    let mut loaded = Vec::new();
    for (name, priority, pkgs) in repos {
        let rid = pool.add_repo(name);
        pool.set_repo_priority(rid, -priority);
        let mut w = pool.repo_writer(rid);
        for p in pkgs {
            add_package(&mut w, p, true);
        }
        w.finish();
        loaded.push(LoadedRepo { id: rid, base_urls: Vec::new(), synced: None });
    }
    pool.addfileprovides();
    let excludes = excludes.iter().filter_map(|e| glob::Pattern::new(e).ok()).collect();
    Sack {
        pool,
        system: Some(id),
        repos: loaded,
        excludes,
        changelogs: HashMap::new(),
        advisories: Vec::new(),
        hnums,
        cmdline: None,
        local_paths: HashMap::new(),
        arch: arch.to_string(),
    }
}

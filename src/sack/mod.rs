//! The sack: one libsolv pool holding `@System` (the rpmdb) and every
//! enabled repository, plus the lookups commands need.
//!
//! [`load`] turns repodata and rpmdb packages into solvables (through the
//! `.solv` cache when it is valid); this module answers questions about them.

pub mod advisory;
pub mod cmdline;
pub mod deps;
pub mod installed;
pub mod load;
mod string_order;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use repodata::ChangeLog;
use repodata::updateinfo::Advisory;
use solv::{Attr, Pool, RepoId, SearchFlags, SelectFlags};

use crate::config::Settings;
use crate::download::Downloader;
use crate::error::Result;
use crate::output::Printer;
use crate::repo::sync::SyncedRepo;
use crate::rpmdb::InstalledPackage;

pub type Sid = solv::SolvableId;

/// The repo name tdnf shows for installed packages.
pub const SYSTEM_REPO: &str = "@System";

/// What a command needs loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    pub installed: bool,
    pub available: bool,
    /// Full file lists (filelists.xml), not only primary's subset.
    pub filelists: bool,
    pub updateinfo: bool,
    /// other.xml (changelogs).
    pub other: bool,
}

impl Default for Needs {
    fn default() -> Needs {
        Needs { installed: true, available: true, filelists: false, updateinfo: false, other: false }
    }
}

impl Needs {
    pub fn installed_only() -> Needs {
        Needs { available: false, ..Needs::default() }
    }
}

/// Dependency lists as tdnf's repoquery names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepKind {
    Provides,
    Obsoletes,
    Conflicts,
    Requires,
    Recommends,
    Suggests,
    Supplements,
    Enhances,
    /// Requires, recommends, suggests, supplements and enhances together.
    Depends,
    RequiresPre,
}

impl DepKind {
    fn solv_kinds(self) -> &'static [solv::DepKind] {
        use solv::DepKind as K;
        match self {
            DepKind::Provides => &[K::Provides],
            DepKind::Obsoletes => &[K::Obsoletes],
            DepKind::Conflicts => &[K::Conflicts],
            DepKind::Requires => &[K::Requires],
            DepKind::Recommends => &[K::Recommends],
            DepKind::Suggests => &[K::Suggests],
            DepKind::Supplements => &[K::Supplements],
            DepKind::Enhances => &[K::Enhances],
            DepKind::Depends => &[K::Requires, K::Recommends, K::Suggests, K::Supplements, K::Enhances],
            DepKind::RequiresPre => &[K::RequiresPre],
        }
    }
}

/// How a spec is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectKind {
    /// list/info/repoquery: name, provides, glob, canon NEVRA, `.arch`, relations.
    List,
    /// provides: the same plus file lists.
    Provides,
    /// `repoquery --file`: file lists only.
    File,
}

/// The result of a selection.
#[derive(Debug, Default)]
pub struct Selected {
    pub ids: Vec<Sid>,
    pub via_filelist: bool,
    pub via_provides: bool,
}

/// The fields commands print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PkgInfo {
    pub name: String,
    pub arch: String,
    pub evr: String,
    pub epoch: u32,
    pub version: String,
    pub release: String,
    pub repo: String,
    pub summary: String,
    pub description: String,
    pub url: Option<String>,
    pub license: String,
    pub install_size: u64,
    pub download_size: u64,
    pub installed: bool,
    pub sourcerpm: String,
}

impl PkgInfo {
    /// `name-version-release.arch`.
    pub fn nvra(&self) -> String {
        format!("{}-{}-{}.{}", self.name, self.version, self.release, self.arch)
    }

    /// `name-[epoch:]version-release.arch`.
    pub fn nevra(&self) -> String {
        format!("{}-{}.{}", self.name, self.evr, self.arch)
    }
}

/// A loaded repository: its pool id, where its packages come from, and its
/// synced metadata (`None` for `--repofromdir`, which has none).
pub struct LoadedRepo {
    pub id: RepoId,
    pub base_urls: Vec<String>,
    pub synced: Option<SyncedRepo>,
}

pub struct Sack {
    pub pool: Pool,
    pub system: Option<RepoId>,
    pub repos: Vec<LoadedRepo>,
    excludes: Vec<glob::Pattern>,
    /// Changelogs by solvable (installed: from headers; available: other.xml).
    changelogs: HashMap<Sid, Vec<ChangeLog>>,
    /// Advisories of every repo (when `updateinfo` was needed).
    pub advisories: Vec<Advisory>,
    /// rpmdb header number (`Packages.hnum`) of each installed solvable.
    hnums: HashMap<Sid, u32>,
    /// The `@cmdline` repo, once a local `.rpm` was added ([`cmdline`]).
    cmdline: Option<RepoId>,
    /// The file of each `@cmdline` solvable.
    local_paths: HashMap<Sid, PathBuf>,
    /// The pool's architecture (`$basearch`).
    arch: String,
}

impl Sack {
    /// Build the pool from the synced repos and the installed packages.
    pub fn load(
        settings: &Settings,
        dl: &Downloader,
        printer: &Printer,
        repos: Vec<SyncedRepo>,
        installed: &[InstalledPackage],
        needs: Needs,
    ) -> Result<Sack> {
        load::load(settings, dl, printer, repos, installed, needs)
    }

    /// The rpmdb header number of an installed solvable.
    pub fn hnum(&self, s: Sid) -> Option<u32> {
        self.hnums.get(&s).copied()
    }

    /// The local file of a `@cmdline` solvable (a `.rpm` given on the
    /// command line).
    pub fn local_path(&self, s: Sid) -> Option<&std::path::Path> {
        self.local_paths.get(&s).map(PathBuf::as_path)
    }

    /// Whether `s` is in the `@cmdline` repo.
    pub fn is_cmdline(&self, s: Sid) -> bool {
        self.local_paths.contains_key(&s)
    }

    /// The native architecture the pool was made for.
    pub fn native_arch(&self) -> &str {
        &self.arch
    }

    /// The name globs of `excludepkgs`/`--exclude` this sack hides.
    pub fn excludes(&self) -> &[glob::Pattern] {
        &self.excludes
    }

    pub fn installed_ids(&self) -> Vec<Sid> {
        self.system.map(|r| self.pool.repo(r).solvable_ids()).unwrap_or_default()
    }

    pub fn available_ids(&self) -> Vec<Sid> {
        self.repos.iter().flat_map(|r| self.pool.repo(r.id).solvable_ids()).collect()
    }

    pub fn is_installed(&self, s: Sid) -> bool {
        self.pool.solvable(s).is_some_and(|x| x.is_installed())
    }

    /// Installed packages are always visible; available ones unless excluded.
    pub fn visible(&self, s: Sid) -> bool {
        if self.excludes.is_empty() || self.is_installed(s) {
            return true;
        }
        let Some(x) = self.pool.solvable(s) else { return false };
        let name = x.name();
        !self.excludes.iter().any(|p| p.matches(name))
    }

    /// Name, arch, EVR and repo only: what list rows need, without the
    /// attribute lookups of [`Sack::info`].
    pub fn brief(&self, s: Sid) -> (String, String, String, String) {
        let Some(x) = self.pool.solvable(s) else { return Default::default() };
        let repo = if x.is_installed() { SYSTEM_REPO.to_string() } else { x.repo().name().to_string() };
        (x.name().to_string(), x.arch().to_string(), x.evr().to_string(), repo)
    }

    /// `name-version-release.arch`, cheaply.
    pub fn nvra(&self, s: Sid) -> String {
        let Some(x) = self.pool.solvable(s) else { return String::new() };
        let (_, v, r) = x.evr_parts();
        format!("{}-{v}-{r}.{}", x.name(), x.arch())
    }

    pub fn info(&self, s: Sid) -> PkgInfo {
        let Some(x) = self.pool.solvable(s) else {
            return PkgInfo {
                name: String::new(),
                arch: String::new(),
                evr: String::new(),
                epoch: 0,
                version: String::new(),
                release: String::new(),
                repo: String::new(),
                summary: String::new(),
                description: String::new(),
                url: None,
                license: String::new(),
                install_size: 0,
                download_size: 0,
                installed: false,
                sourcerpm: String::new(),
            };
        };
        let (epoch, version, release) = x.evr_parts();
        let installed = x.is_installed();
        PkgInfo {
            name: x.name().to_string(),
            arch: x.arch().to_string(),
            evr: x.evr().to_string(),
            epoch,
            version: version.to_string(),
            release: release.to_string(),
            repo: if installed { SYSTEM_REPO.to_string() } else { x.repo().name().to_string() },
            summary: x.lookup_str(Attr::Summary).unwrap_or_default(),
            description: x.lookup_str(Attr::Description).unwrap_or_default(),
            url: x.lookup_str(Attr::Url),
            license: x.lookup_str(Attr::License).unwrap_or_default(),
            install_size: x.lookup_num(Attr::InstallSize).unwrap_or(0),
            download_size: x.lookup_num(Attr::DownloadSize).unwrap_or(0),
            installed,
            sourcerpm: x.lookup_str(Attr::SourceRpm).unwrap_or_default(),
        }
    }

    /// libsolv's selection for a spec; `nocase` for tdnf's retry.
    pub fn select(&mut self, spec: &str, kind: SelectKind, nocase: bool) -> Selected {
        let mut flags = match kind {
            SelectKind::List => {
                SelectFlags::NAME | SelectFlags::PROVIDES | SelectFlags::GLOB | SelectFlags::CANON | SelectFlags::DOTARCH | SelectFlags::REL
            }
            SelectKind::Provides => {
                SelectFlags::NAME | SelectFlags::PROVIDES | SelectFlags::GLOB | SelectFlags::CANON | SelectFlags::FILELIST | SelectFlags::REL
            }
            SelectKind::File => SelectFlags::FILELIST | SelectFlags::GLOB,
        };
        if nocase {
            flags = flags | SelectFlags::NOCASE;
        }
        let sel = self.pool.select(spec, flags);
        let via = sel.matched_flags();
        let ids = sel.solvables(&self.pool);
        Selected { ids, via_filelist: via.contains(SelectFlags::FILELIST), via_provides: via.contains(SelectFlags::PROVIDES) }
    }

    /// Case-insensitive substring search on name, summary and description.
    pub fn search_text(&self, term: &str) -> Vec<Sid> {
        let flags = SearchFlags::SUBSTRING | SearchFlags::NOCASE;
        let mut set = BTreeSet::new();
        for attr in [Attr::Name, Attr::Summary, Attr::Description] {
            set.extend(self.pool.search(None, attr, term, flags));
        }
        set.into_iter().collect()
    }

    pub fn evrcmp(&self, a: &str, b: &str) -> std::cmp::Ordering {
        self.pool.evrcmp(a, b)
    }

    /// A package's dependencies of `kind`, as rpm prints them.
    /// `Requires` (and `Depends`) leave out pre-requires, as tdnf does.
    pub fn deps(&self, s: Sid, kind: DepKind) -> Vec<String> {
        let Some(x) = self.pool.solvable(s) else { return Vec::new() };
        let mut out = Vec::new();
        for k in kind.solv_kinds() {
            let ids = if *k == solv::DepKind::Requires { x.requires_without_pre() } else { x.deps(*k) };
            for d in ids {
                out.push(self.pool.dep2str(d));
            }
        }
        out
    }

    pub fn files(&self, s: Sid) -> Vec<String> {
        self.pool.solvable(s).map(|x| x.files()).unwrap_or_default()
    }

    pub fn changelogs(&self, s: Sid) -> Vec<ChangeLog> {
        self.changelogs.get(&s).cloned().unwrap_or_default()
    }

    /// Where an available package is downloaded from.
    pub fn location_url(&self, s: Sid) -> String {
        let Some(x) = self.pool.solvable(s) else { return String::new() };
        let loc = x.location().unwrap_or_default();
        if x.is_installed() {
            return loc;
        }
        let repo_id = x.repo().id();
        match self.repos.iter().find(|r| r.id == repo_id).and_then(|r| r.base_urls.first()) {
            Some(base) => format!("{}/{}", base.trim_end_matches('/'), loc),
            None => loc,
        }
    }

    /// Packages whose `kind` dependencies match any of `caps`, as tdnf's
    /// `--whatX`: a capability is looked up as a plain string (never
    /// created, so `foo >= 1` matches nothing) and matched with libsolv's
    /// `solvable_matchesdep`, which also looks inside rich dependencies.
    pub fn what_matches(&mut self, kind: DepKind, caps: &[&str]) -> HashSet<Sid> {
        let ids: Vec<solv::DepId> = caps.iter().filter_map(|c| self.pool.lookup_str(c)).map(solv::DepId::from).collect();
        let mut hits = HashSet::new();
        if ids.is_empty() {
            return hits;
        }
        let all: Vec<Sid> = self.installed_ids().into_iter().chain(self.available_ids()).collect();
        for s in all {
            let Some(x) = self.pool.solvable(s) else { continue };
            if kind.solv_kinds().iter().any(|k| ids.iter().any(|d| x.matches_dep(*k, *d))) {
                hits.insert(s);
            }
        }
        hits
    }
}

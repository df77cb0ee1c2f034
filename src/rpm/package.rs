//! Turning a header into the shared [`repodata::Package`] model, following
//! libsolv's `ext/repo_rpmdb.c` (`rpmhead2solv`, `makedeps`) so installed and
//! available packages reach libsolv with the same meaning.

use repodata::{ChangeLog, DepOp, Dependency, FileEntry, FileKind, Package};

use super::header::Header;
use super::tags::*;

/// Why a header could not be turned into a package.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageError {
    #[error("package header has no {0} tag")]
    MissingTag(&'static str),
    #[error("{nevra}: bad dependency entries for tag {tag}: {names} names, {versions} versions, {flags} flags")]
    BadDeps { nevra: String, tag: u32, names: usize, versions: usize, flags: usize },
    #[error("{nevra}: bad file list: {reason}")]
    BadFiles { nevra: String, reason: &'static str },
}

impl PackageError {
    fn bad_files(h: &Header, reason: &'static str) -> PackageError {
        PackageError::BadFiles { nevra: header_nevra(h), reason }
    }
}

/// `name-[epoch:]version-release.arch`, with the epoch when the header has an
/// EPOCH tag (as rpm's `%{NEVRA}`). Missing fields print as `(none)`.
pub fn header_nevra(h: &Header) -> String {
    let s = |tag| h.string_lossy(tag).map_or_else(|| "(none)".to_string(), |c| c.into_owned());
    let epoch = h.u32(RPMTAG_EPOCH).map(|e| format!("{e}:")).unwrap_or_default();
    format!("{}-{}{}-{}.{}", s(RPMTAG_NAME), epoch, s(RPMTAG_VERSION), s(RPMTAG_RELEASE), package_arch(h))
}

/// The architecture as libsolv sees it: `src`/`nosrc` for source packages,
/// `noarch` when the header has no ARCH (gpg-pubkey pseudo-packages).
pub fn package_arch(h: &Header) -> String {
    const SOURCEPACKAGE: u32 = 1106;
    const NOSOURCE: u32 = 1051;
    const NOPATCH: u32 = 1052;
    // libsolv's headissourceheuristic: a single, empty DIRNAMES entry.
    let dirs = h.string_array(RPMTAG_DIRNAMES);
    let heuristic = dirs.len() == 1 && dirs[0].is_empty();
    if !h.has(RPMTAG_SOURCERPM) && (h.has(SOURCEPACKAGE) || heuristic) {
        return if h.has(NOSOURCE) || h.has(NOPATCH) { "nosrc" } else { "src" }.to_string();
    }
    match h.string_lossy(RPMTAG_ARCH) {
        Some(a) if !a.is_empty() => a.into_owned(),
        _ => "noarch".to_string(),
    }
}

/// Map the sense bits to an operator. `<>` (LESS|GREATER) has no [`DepOp`]
/// and, like a bare name, is returned as `None`.
pub fn sense_to_op(flags: u32) -> Option<DepOp> {
    let (lt, gt, eq) = (flags & RPMSENSE_LESS != 0, flags & RPMSENSE_GREATER != 0, flags & RPMSENSE_EQUAL != 0);
    match (lt, gt, eq) {
        (true, false, false) => Some(DepOp::Lt),
        (true, false, true) => Some(DepOp::Le),
        (false, false, true) => Some(DepOp::Eq),
        (false, true, true) => Some(DepOp::Ge),
        (false, true, false) => Some(DepOp::Gt),
        _ => None,
    }
}

/// Which entries of a dependency triple to keep.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Filter {
    All,
    /// Requires: drop `rpmlib(...)`, mark pre-requires.
    Requires,
    /// Pre-4.12 weak-dep tags: keep only entries with (true) / without RPMSENSE_STRONG.
    Strong(bool),
}

/// Read one NAME/VERSION/FLAGS triple.
fn deps(h: &Header, tags: [u32; 3], filter: Filter) -> Result<Vec<Dependency>, PackageError> {
    let [tn, tv, tf] = tags;
    let names = h.string_array_lossy(tn);
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let versions = h.string_array_lossy(tv);
    let flags = h.u32_array(tf);
    // A missing FLAGS/VERSION tag means unversioned (very old packages); a
    // count mismatch is corruption, which libsolv also rejects.
    let bad =
        (!versions.is_empty() && versions.len() != names.len()) || (!flags.is_empty() && flags.len() != names.len());
    if bad {
        let (names, versions, flags) = (names.len(), versions.len(), flags.len());
        return Err(PackageError::BadDeps { nevra: header_nevra(h), tag: tn, names, versions, flags });
    }
    let mut out = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let f = flags.get(i).copied().unwrap_or(0);
        let pre = match filter {
            Filter::All => false,
            Filter::Requires => {
                if f & RPMSENSE_RPMLIB != 0 || name.starts_with("rpmlib(") {
                    continue;
                }
                f & (DEP_PRE_IN | DEP_PRE_UN) != 0
            }
            Filter::Strong(strong) => {
                if (f & RPMSENSE_STRONG != 0) != strong {
                    continue;
                }
                false
            }
        };
        let op = sense_to_op(f);
        let evr = match (op, versions.get(i)) {
            // libsolv drops an explicit zero epoch: "0:1.2" is "1.2".
            (Some(_), Some(v)) => v.strip_prefix("0:").filter(|r| !r.is_empty()).unwrap_or(v).to_string(),
            _ => String::new(),
        };
        out.push(Dependency { name: name.clone().into_owned(), op, evr, pre });
    }
    Ok(out)
}

/// A weak-dep tag, or its pre-4.12 fallback filtered by RPMSENSE_STRONG.
fn weak_deps(h: &Header, tags: [u32; 3], old: [u32; 3], strong: bool) -> Result<Vec<Dependency>, PackageError> {
    if h.has(tags[0]) { deps(h, tags, Filter::All) } else { deps(h, old, Filter::Strong(strong)) }
}

/// The file list from BASENAMES/DIRNAMES/DIRINDEXES (or legacy OLDFILENAMES),
/// typed as createrepo does: `Dir` by mode, else `Ghost` by flag.
fn files(h: &Header) -> Result<Vec<FileEntry>, PackageError> {
    let modes = h.u16_array(RPMTAG_FILEMODES);
    let flags = h.u32_array(RPMTAG_FILEFLAGS);
    let kind = |i: usize| {
        if modes.get(i).is_some_and(|&m| s_isdir(u32::from(m))) {
            FileKind::Dir
        } else if flags.get(i).is_some_and(|&f| f & RPMFILE_GHOST != 0) {
            FileKind::Ghost
        } else {
            FileKind::File
        }
    };
    let paths = h.file_paths().map_err(|e| PackageError::bad_files(h, e))?;
    Ok(paths.into_iter().enumerate().map(|(i, path)| FileEntry { path, kind: kind(i) }).collect())
}

/// Changelog entries in stored order (newest first).
fn changelogs(h: &Header) -> Vec<ChangeLog> {
    let times = h.u32_array(RPMTAG_CHANGELOGTIME);
    let names = h.string_array_lossy(RPMTAG_CHANGELOGNAME);
    let texts = h.string_array_lossy(RPMTAG_CHANGELOGTEXT);
    times
        .iter()
        .zip(names.iter().zip(texts.iter()))
        .map(|(&t, (n, x))| ChangeLog { author: n.to_string(), date: i64::from(t), text: x.to_string() })
        .collect()
}

/// Convert a package header (from a `.rpm` or the rpmdb) into the shared model.
///
/// Dependencies follow libsolv: `rpmlib(...)` requires are dropped; `pre` is
/// set for `PREREQ` or any `Requires(pre/post/preun/postun)` bit; a `0:` epoch
/// prefix is dropped from versions; weak deps fall back to the pre-4.12
/// OLDSUGGESTS/OLDENHANCES tags split by `RPMSENSE_STRONG`. gpg-pubkey
/// pseudo-packages are converted too (libsolv skips them; the caller decides).
/// The self-provide `name = [epoch:]version-release` is appended when the
/// header lacks it (v3 packages), except for source packages, as libsolv does.
/// `time_file` is INSTALLTIME (0 for a package file); `size_package`,
/// `checksum`, `location_*` and `header_range` are left empty here.
pub fn header_to_package(h: &Header) -> Result<Package, PackageError> {
    let mut pkg = convert(h)?;
    // libsolv (and rpm, for v3 packages) add `name = evr` when it is missing.
    if !matches!(pkg.arch.as_str(), "src" | "nosrc") {
        let evr = pkg.evr();
        if !pkg.provides.iter().any(|d| d.name == pkg.name && d.op == Some(DepOp::Eq) && d.evr == evr) {
            pkg.provides.push(Dependency { name: pkg.name.clone(), op: Some(DepOp::Eq), evr, pre: false });
        }
    }
    Ok(pkg)
}

fn convert(h: &Header) -> Result<Package, PackageError> {
    let req = |tag, name| h.string_lossy(tag).map(|s| s.into_owned()).ok_or(PackageError::MissingTag(name));
    let opt = |tag| h.string_lossy(tag).map(|s| s.into_owned()).unwrap_or_default();
    let t64 = |tag| h.u32(tag).map_or(0, i64::from);
    Ok(Package {
        name: req(RPMTAG_NAME, "NAME")?,
        arch: package_arch(h),
        epoch: h.u32(RPMTAG_EPOCH).unwrap_or(0),
        version: req(RPMTAG_VERSION, "VERSION")?,
        release: req(RPMTAG_RELEASE, "RELEASE")?,
        checksum: None,
        summary: opt(RPMTAG_SUMMARY),
        description: opt(RPMTAG_DESCRIPTION),
        packager: opt(RPMTAG_PACKAGER),
        url: opt(RPMTAG_URL),
        license: opt(RPMTAG_LICENSE),
        vendor: opt(RPMTAG_VENDOR),
        group: opt(RPMTAG_GROUP),
        buildhost: opt(RPMTAG_BUILDHOST),
        sourcerpm: opt(RPMTAG_SOURCERPM),
        time_file: t64(RPMTAG_INSTALLTIME),
        time_build: t64(RPMTAG_BUILDTIME),
        size_package: 0,
        size_installed: h.u64(RPMTAG_LONGSIZE).or_else(|| h.u64(RPMTAG_SIZE)).unwrap_or(0),
        size_archive: h.u64(RPMTAG_LONGARCHIVESIZE).or_else(|| h.u64(RPMTAG_ARCHIVESIZE)).unwrap_or(0),
        location_href: String::new(),
        location_base: None,
        header_range: None,
        provides: deps(h, [RPMTAG_PROVIDENAME, RPMTAG_PROVIDEVERSION, RPMTAG_PROVIDEFLAGS], Filter::All)?,
        requires: deps(h, [RPMTAG_REQUIRENAME, RPMTAG_REQUIREVERSION, RPMTAG_REQUIREFLAGS], Filter::Requires)?,
        conflicts: deps(h, [RPMTAG_CONFLICTNAME, RPMTAG_CONFLICTVERSION, RPMTAG_CONFLICTFLAGS], Filter::All)?,
        obsoletes: deps(h, [RPMTAG_OBSOLETENAME, RPMTAG_OBSOLETEVERSION, RPMTAG_OBSOLETEFLAGS], Filter::All)?,
        recommends: weak_deps(
            h,
            [RPMTAG_RECOMMENDNAME, RPMTAG_RECOMMENDVERSION, RPMTAG_RECOMMENDFLAGS],
            OLD_SUGGESTS,
            true,
        )?,
        suggests: weak_deps(h, [RPMTAG_SUGGESTNAME, RPMTAG_SUGGESTVERSION, RPMTAG_SUGGESTFLAGS], OLD_SUGGESTS, false)?,
        supplements: weak_deps(
            h,
            [RPMTAG_SUPPLEMENTNAME, RPMTAG_SUPPLEMENTVERSION, RPMTAG_SUPPLEMENTFLAGS],
            OLD_ENHANCES,
            true,
        )?,
        enhances: weak_deps(h, [RPMTAG_ENHANCENAME, RPMTAG_ENHANCEVERSION, RPMTAG_ENHANCEFLAGS], OLD_ENHANCES, false)?,
        files: files(h)?,
        changelogs: changelogs(h),
    })
}

const OLD_SUGGESTS: [u32; 3] = [RPMTAG_OLDSUGGESTSNAME, RPMTAG_OLDSUGGESTSVERSION, RPMTAG_OLDSUGGESTSFLAGS];
const OLD_ENHANCES: [u32; 3] = [RPMTAG_OLDENHANCESNAME, RPMTAG_OLDENHANCESVERSION, RPMTAG_OLDENHANCESFLAGS];

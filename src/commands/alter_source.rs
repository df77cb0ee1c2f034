//! `install --source`: source packages unpacked as rpm's
//! `rpmInstallSource` does (tdnf calls it for every source header while it
//! fills the transaction, `client/rpmtrans.c`): no rpmdb entry, no
//! scriptlets, no file plan against installed packages. The spec file
//! (the first file flagged `RPMFILE_SPECFILE`, else the first `*.spec`
//! name) lands in `%_specdir`, every other file in `%_sourcedir`, both
//! under the install root; `%_sourcedir` and `%_specdir` are made when
//! missing, 0755 (rpm makes the parents of the files it writes). Files keep
//! the header's modes, mtimes and owners; an unknown owner is root with
//! rpm's warning (`rpmfilesStat`). The owners are looked up in the install
//! root's passwd/group, where the files land; rpm 4.18 unpacks a source
//! package without entering the root, so it reads the host's. An existing
//! file is replaced (rpm's `FA_CREATE`).
//!
//! The macros: `--rpmdefine` values of `_topdir`, `_sourcedir` and
//! `_specdir` (`%{_topdir}` and `%{getenv:HOME}` expanded in them), else
//! rpm's defaults `%{getenv:HOME}/rpmbuild`, `%{_topdir}/SOURCES` and
//! `%{_topdir}/SPECS` (`/rpmbuild` when `HOME` is unset, as rpm gives).
//!
//! History: tdnf records only what the rpm transaction changes, and a
//! source install leaves the rpmdb (and its cookie) as it was, so no
//! history row is written for it (and no auto-installed flag is set).

use crate::config::Settings;
use crate::context::Context;
use crate::error::{Code, Error, Result};
use crate::fsroot::Root;
use crate::goal::{Plan, PlanItem};
use crate::rpm::file::RpmFile;
use crate::rpm::filelist::file_entries;
use crate::rpm::tags::RPMFILE_SPECFILE;
use crate::transaction::fileplan::Action;

/// Whether a plan row is a source package (unpacked here, never given to
/// the transaction engine).
pub(super) fn is_source(item: &PlanItem) -> bool {
    matches!(item.arch.as_str(), "src" | "nosrc")
}

/// Where a source package goes, as absolute paths inside the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SourceDirs {
    pub topdir: String,
    pub sourcedir: String,
    pub specdir: String,
}

/// `/`-rooted, without empty or `.` components.
fn clean(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    format!("/{}", parts.join("/"))
}

impl SourceDirs {
    /// The directories from `--rpmdefine` and `home` (`$HOME`).
    pub(super) fn of(settings: &Settings, home: &str) -> SourceDirs {
        let expand = |v: &str, top: &str| {
            v.replace("%{getenv:HOME}", home).replace("%{_topdir}", top).replace("%_topdir", top)
        };
        let topdir = settings.rpm_define("_topdir").map_or_else(|| format!("{home}/rpmbuild"), |v| expand(v, ""));
        let topdir = clean(&topdir);
        let dir = |name: &str, sub: &str| {
            clean(&settings.rpm_define(name).map_or_else(|| format!("{topdir}/{sub}"), |v| expand(v, &topdir)))
        };
        SourceDirs { sourcedir: dir("_sourcedir", "SOURCES"), specdir: dir("_specdir", "SPECS"), topdir }
    }
}

/// Unpack every source package of `plan` (`files[i]` the file of item
/// `i`), printing tdnf's `Installing/Updating: NEVR (source)` line.
pub(super) fn install_sources(ctx: &Context<'_>, plan: &Plan, files: &[Option<std::path::PathBuf>], tid: u32) -> Result<()> {
    let sources: Vec<(&PlanItem, &std::path::PathBuf)> =
        plan.items.iter().zip(files).filter(|(i, _)| is_source(i)).filter_map(|(i, f)| Some((i, f.as_ref()?))).collect();
    if sources.is_empty() {
        return Ok(());
    }
    let home = std::env::var("HOME").unwrap_or_default();
    let dirs = SourceDirs::of(&ctx.settings, &home);
    let root = Root::open(&ctx.settings.root).map_err(|e| Error::new(Code::TransactionFailed, e.to_string()))?;
    for (item, file) in sources {
        let nevr = item.nevra.strip_suffix(&format!(".{}", item.arch)).unwrap_or(&item.nevra);
        ctx.printer.info(&format!("Installing/Updating: {nevr} (source)\n"));
        for w in install_one(&root, file, &dirs, tid)? {
            ctx.printer.err(&format!("{w}\n"));
        }
    }
    Ok(())
}

/// rpm's `rpmInstallSourcePackage` for one file; returns rpm's warnings.
pub(super) fn install_one(root: &Root, file: &std::path::Path, dirs: &SourceDirs, tid: u32) -> Result<Vec<String>> {
    let fail = |what: String| Error::new(Code::TransactionFailed, format!("{}: {what}", file.display()));
    let pkg = RpmFile::open(file).map_err(|e| fail(e.to_string()))?;
    let mut entries = file_entries(&pkg.header).map_err(fail)?;
    let base = |p: &str| p.rsplit('/').next().unwrap_or(p).to_owned();
    let spec = entries
        .iter()
        .position(|f| f.flags & RPMFILE_SPECFILE != 0)
        .or_else(|| entries.iter().position(|f| base(&f.path).ends_with(".spec")))
        .ok_or_else(|| fail("source package contains no .spec file".into()))?;
    for (i, f) in entries.iter_mut().enumerate() {
        let dir = if i == spec { &dirs.specdir } else { &dirs.sourcedir };
        f.path = format!("{}/{}", dir.trim_end_matches('/'), base(&f.path));
    }
    // rpm makes the parents of the files it writes (0755), nothing else.
    for d in [&dirs.sourcedir, &dirs.specdir] {
        root.mkdir_all(d, 0o755).map_err(|e| fail(e.to_string()))?;
    }
    let actions = vec![Action::Create; entries.len()];
    crate::transaction::unpack::unpack(root, &pkg, &entries, &actions, tid).map_err(|e| fail(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn paths_are_cleaned_to_absolute_ones() {
        assert_eq!(clean("/root//rpmbuild/"), "/root/rpmbuild");
        assert_eq!(clean("x/./y"), "/x/y");
        assert_eq!(clean(""), "/");
    }
}

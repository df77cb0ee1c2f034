//! The oracle side of the real-package tests: running the real `rpm`
//! 4.18 on roots, reading back what it did (`-vv` fsm lines, warnings,
//! problems), and planning the same transaction with [`plan`].
//!
//! Real packages (the spike repo, `rpmbuild` at test time) planned over a
//! real root through [`RootDisk`], the installed side read back from the
//! rpmdb `rpm` wrote; the real `rpm` 4.18 then runs the same transaction on
//! a copy of the root and what it did must be what we planned.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::fsroot::Root;
use crate::rpm::RpmFile;
use crate::rpm::filelist::{FileEntry, digest_algo, file_entries, state};
use crate::rpm::header_nevra;
use crate::rpmdb::Rpmdb;
use crate::transaction::fileplan::{
    Action, EraseAction, ErasePlan, FilePlan, Incoming, InstallPlan, Installed, Options, RootDisk,
    plan,
};

/// `rpm --root R --dbpath /var/lib/rpm <args>`.
pub(super) fn rpm(root: &Path, args: &[&str], pkgs: &[&Path]) -> Output {
    Command::new("rpm")
        .arg("--root")
        .arg(root)
        .args(["--dbpath", "/var/lib/rpm"])
        .args(args)
        .args(pkgs)
        .output()
        .expect("run rpm")
}

/// A root with `pkgs` installed by rpm (no scripts, no dependency checks).
pub(super) fn root_with(pkgs: &[&Path]) -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    if !pkgs.is_empty() {
        let out = rpm(
            t.path(),
            &["-i", "--nodeps", "--noscripts", "--nosignature"],
            pkgs,
        );
        assert!(
            out.status.success(),
            "rpm -i: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    t
}

/// `cp -a` of a root.
pub(super) fn copy_root(root: &Path) -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    let st = Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", root.display()))
        .arg(t.path())
        .status()
        .expect("cp");
    assert!(st.success());
    t
}

/// An incoming package's (nevra, files, algo).
pub(super) fn incoming(path: &Path) -> (String, Vec<FileEntry>, u32) {
    let f = RpmFile::open(path).expect("open rpm");
    (
        header_nevra(&f.header),
        file_entries(&f.header).expect("file list"),
        digest_algo(&f.header),
    )
}

/// An installed package: (hnum, nevra, files, algo).
pub(super) type Pkg = (u32, String, Vec<FileEntry>, u32);

/// Every installed package.
pub(super) fn installed(root: &Path) -> Vec<Pkg> {
    let db = Rpmdb::open(&root.join("var/lib/rpm")).expect("open rpmdb");
    let hs = db.headers(&mut Vec::new()).expect("headers");
    hs.into_iter()
        .map(|(n, h)| {
            (
                n,
                header_nevra(&h),
                file_entries(&h).expect("files"),
                digest_algo(&h),
            )
        })
        .collect()
}

/// Plan installing `new` (erasing installed packages named in `erase`)
/// over `root`.
pub(super) fn plan_over(
    root: &Path,
    new: &[PathBuf],
    erase: &[&str],
    opts: &Options,
) -> (FilePlan, Vec<Pkg>) {
    let news: Vec<_> = new.iter().map(|p| incoming(p)).collect();
    let inst = installed(root);
    let inc: Vec<Incoming<'_>> = news
        .iter()
        .map(|(n, f, a)| Incoming {
            nevra: n,
            files: f,
            digest_algo: *a,
        })
        .collect();
    let ins: Vec<Installed<'_>> = inst
        .iter()
        .map(|(h, n, f, a)| Installed {
            hnum: *h,
            nevra: n,
            files: f,
            digest_algo: *a,
            erased: erase.iter().any(|e| n.starts_with(&format!("{e}-"))),
        })
        .collect();
    let r = Root::open(root).expect("open root");
    let p = plan(&inc, &ins, &RootDisk::new(&r), opts);
    (p, inst)
}

/// rpm's problem lines (`file ... conflicts ...`), trimmed.
pub(super) fn rpm_lines(out: &Output, prefix: &str) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with(prefix))
        .map(str::to_owned)
        .collect()
}

/// The fsm's file actions `rpm -vv` prints (`lib/fsm.c` `fsmDebug`): one
/// `(action, base name)` per file of each installed package in file order,
/// then per erased package the files it does not skip, last file first.
pub(super) fn fsm_lines(out: &Output) -> Vec<(String, String)> {
    const ACTIONS: [&str; 10] = [
        "create",
        "skip",
        "touch",
        "altname",
        "backup",
        "save",
        "skipnstate",
        "skipcolor",
        "erase",
        "unknown",
    ];
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter_map(|l| {
            let mut w = l.strip_prefix("D: ")?.split_whitespace();
            let act = w.next().filter(|a| ACTIONS.contains(a))?;
            let name = w.last()?.split(';').next()?;
            Some((act.to_owned(), name.to_owned()))
        })
        .collect()
}

pub(super) fn base(path: &str) -> String {
    path.rsplit('/').next().unwrap_or_default().to_owned()
}

/// The fsm lines our plan for an incoming package means.
pub(super) fn expect_install(files: &[FileEntry], plan: &InstallPlan) -> Vec<(String, String)> {
    let act = |f: &FileEntry, a: Action, st: u8| match a {
        Action::Create => "create",
        Action::Touch => "touch",
        Action::AltName => "altname",
        Action::Save => "save",
        Action::Orig => "backup",
        Action::Skip if f.is_ghost() => "skip",
        Action::Skip if st == state::NOT_INSTALLED => "skipnstate",
        Action::Skip if st == state::WRONG_COLOR => "skipcolor",
        Action::Skip => "skip",
    };
    files
        .iter()
        .zip(&plan.actions)
        .zip(&plan.states)
        .map(|((f, a), st)| (act(f, *a, *st).to_owned(), base(&f.path)))
        .collect()
}

/// The fsm lines our plan for an erased package means.
pub(super) fn expect_erase(files: &[FileEntry], plan: &ErasePlan) -> Vec<(String, String)> {
    let lines = files
        .iter()
        .zip(&plan.actions)
        .rev()
        .filter_map(|(f, a)| match a {
            EraseAction::Remove => Some(("erase".to_owned(), base(&f.path))),
            EraseAction::Save => Some(("save".to_owned(), base(&f.path))),
            EraseAction::Keep => None,
        });
    lines.collect()
}

/// rpm's config-file warnings (`... saved as ...`, `... created as ...`);
/// other warnings (unknown users of the bare root) are not ours.
pub(super) fn rpm_config_warnings(out: &Output) -> Vec<String> {
    let mut v = rpm_lines(out, "warning: ");
    v.retain(|l| l.contains(" saved as ") || l.contains(" created as "));
    v
}

/// `pkgs` in the order rpm's tsort puts them (`-vv` prints it), which is
/// the order the orchestrator hands to [`plan`].
pub(super) fn rpm_order(root: &Path, pkgs: &[PathBuf]) -> Vec<PathBuf> {
    let refs: Vec<&Path> = pkgs.iter().map(PathBuf::as_path).collect();
    let out = rpm(
        root,
        &["-i", "--test", "-vv", "--nodeps", "--nosignature"],
        &refs,
    );
    let names: Vec<String> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .skip_while(|l| !l.contains("tsorting packages"))
        .skip(1)
        .map_while(|l| l.split_once('+').map(|(_, n)| n.trim().to_owned()))
        .collect();
    assert_eq!(names.len(), pkgs.len(), "tsort order from rpm -vv");
    names
        .iter()
        .filter_map(|n| pkgs.iter().find(|p| incoming(p).0 == *n).cloned())
        .collect()
}

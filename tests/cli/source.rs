//! `install --source` and `install --builddeps` against a repo built once
//! at test time: `srcfoo` (a source rpm whose BuildRequires name
//! `buildtool`, two sources of modes 0600 and 0755) and the binary
//! `buildtool`, both indexed by createrepo_c. The real rpm is the oracle:
//! `rpm --root R2 -i srcfoo.src.rpm` in a twin root for the unpacked file
//! set, `rpm -qa` for what is installed.

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::support::{TestContext, build_repo, qa, simple_spec};

const SRC_SPEC: &str = "Name: srcfoo\nVersion: 2.1\nRelease: 3\nSummary: srcfoo\nLicense: MIT\nBuildArch: noarch\n\
Source0: hello.txt\nSource1: run.sh\nBuildRequires: buildtool >= 1.0\n%description\nsrcfoo for tests.\n%files\n";

/// The repo (with `srcfoo-2.1-3.src.rpm` in it) and the source rpm file.
fn fixture() -> &'static (PathBuf, PathBuf) {
    static FIX: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    FIX.get_or_init(|| {
        // Built once per target dir, under a lock (test processes may race).
        let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        std::fs::create_dir_all(&tmp).expect("mkdir");
        let lock = std::fs::File::create(tmp.join("source-fixture.lock")).expect("lock file");
        lock.lock().expect("lock");
        let dir = tmp.join("source-fixture");
        let srpm = dir.join("rpmbuild/SRPMS/srcfoo-2.1-3.src.rpm");
        let marker = dir.join("done-2");
        if marker.is_file() {
            return (dir.join("repo"), srpm);
        }
        let _ = std::fs::remove_dir_all(&dir);
        let repo = build_repo(&dir, &[("buildtool", &simple_spec("buildtool", "1.5", "", ""))], &[]);
        let top = dir.join("rpmbuild");
        std::fs::write(top.join("SOURCES/hello.txt"), "hello\n").expect("write");
        std::fs::write(top.join("SOURCES/run.sh"), "#!/bin/sh\necho run\n").expect("write");
        std::fs::set_permissions(top.join("SOURCES/hello.txt"), std::fs::Permissions::from_mode(0o600)).expect("chmod");
        std::fs::set_permissions(top.join("SOURCES/run.sh"), std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let spec = top.join("SPECS/srcfoo.spec");
        std::fs::write(&spec, SRC_SPEC).expect("write spec");
        rpmbuild_bs(&top, &spec);
        // A second source package, for globs.
        let bar = top.join("SPECS/srcbar.spec");
        std::fs::write(&bar, SRC_SPEC.replace("srcfoo", "srcbar").replace("Version: 2.1", "Version: 0.9")).expect("write spec");
        rpmbuild_bs(&top, &bar);
        std::fs::copy(&srpm, repo.join("srcfoo-2.1-3.src.rpm")).expect("copy");
        std::fs::copy(top.join("SRPMS/srcbar-0.9-3.src.rpm"), repo.join("srcbar-0.9-3.src.rpm")).expect("copy");
        let out = Command::new("createrepo_c").arg("--quiet").arg(&repo).output().expect("createrepo_c");
        assert!(out.status.success(), "createrepo_c: {}", String::from_utf8_lossy(&out.stderr));
        std::fs::write(&marker, "").expect("marker");
        (repo, srpm)
    })
}

/// `rpmbuild -bs SPEC` with `_topdir` = `top`.
fn rpmbuild_bs(top: &Path, spec: &Path) {
    let out = Command::new("rpmbuild")
        .arg("--define")
        .arg(format!("_topdir {}", top.display()))
        .args(["--quiet", "-bs"])
        .arg(spec)
        .output()
        .expect("rpmbuild");
    assert!(out.status.success(), "rpmbuild -bs: {}", String::from_utf8_lossy(&out.stderr));
}

fn ctx() -> TestContext {
    let ctx = TestContext::new();
    ctx.add_repo("src", &format!("file://{}", fixture().0.display()), "");
    ctx
}

fn srpm() -> String {
    fixture().1.display().to_string()
}

/// Every entry under `dir`: relative path → (mode, uid, gid, mtime for files,
/// content).
fn tree(dir: &Path) -> BTreeMap<String, (u32, u32, u32, i64, Vec<u8>)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())).flatten() {
            let p = e.path();
            let m = std::fs::symlink_metadata(&p).expect("lstat");
            let rel = p.strip_prefix(dir).expect("prefix").display().to_string();
            if m.is_dir() {
                out.insert(rel, (m.mode(), m.uid(), m.gid(), 0, Vec::new()));
                stack.push(p);
            } else {
                out.insert(rel, (m.mode(), m.uid(), m.gid(), m.mtime(), std::fs::read(&p).expect("read")));
            }
        }
    }
    out
}

/// What the real rpm unpacks from `srpm` with `defines`, in a twin root.
fn rpm_twin(defines: &[&str], topdir: &str) -> BTreeMap<String, (u32, u32, u32, i64, Vec<u8>)> {
    let twin = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new("rpm");
    cmd.arg("--root").arg(twin.path()).args(["--dbpath", "/var/lib/rpm"]);
    for d in defines {
        cmd.args(["--define", d]);
    }
    let out = cmd.args(["-i", "--nosignature"]).arg(srpm()).output().expect("rpm");
    assert!(out.status.success(), "rpm -i: {}", String::from_utf8_lossy(&out.stderr));
    tree(&twin.path().join(topdir.trim_start_matches('/')))
}

#[test]
fn a_source_rpm_without_the_options_is_refused() {
    let ctx = ctx();
    let out = ctx.run(&["-y", "--nogpgcheck", "install", &srpm()]);
    assert_eq!(out.code, 1622 & 0xff, "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains("appears to be a source rpm - use --source to install"), "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains("Error(1622)"), "{}", out.snapshot(&ctx));
}

#[test]
fn a_binary_rpm_with_source_or_builddeps_is_refused() {
    let ctx = ctx();
    let bin = fixture().0.join("buildtool-1.5-1.noarch.rpm").display().to_string();
    for opt in ["--source", "--builddeps"] {
        let out = ctx.run(&["-y", "--nogpgcheck", opt, "install", &bin]);
        assert_eq!(out.code, 1622 & 0xff, "{opt}: {}", out.snapshot(&ctx));
        let want = format!("package '{bin}' appears not to be a source rpm but --source or --builddeps was used");
        assert!(out.stderr.contains(&want), "{opt}: {}", out.snapshot(&ctx));
    }
    assert!(qa(&ctx).is_empty());
}

#[test]
fn builddeps_of_a_local_source_rpm_installs_its_build_requires() {
    let ctx = ctx();
    let out = ctx.run(&["-j", "-y", "--nogpgcheck", "install", "--builddeps", &srpm()]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let v = out.json();
    let names: Vec<&str> = v["Install"].as_array().expect("Install").iter().filter_map(|p| p["Name"].as_str()).collect();
    assert_eq!(names, ["buildtool"], "{v}");
    assert_eq!(qa(&ctx), ["buildtool-1.5-1.noarch"]);
    // The source package itself is not unpacked anywhere.
    assert!(!walk_has(&ctx.root, "srcfoo.spec"), "srcfoo.spec unpacked by --builddeps");
}

#[test]
fn builddeps_by_name_uses_the_repo_source_package() {
    let ctx = ctx();
    let out = ctx.run(&["-y", "install", "--builddeps", "srcfoo"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(out.stdout.contains("buildtool"), "{}", out.snapshot(&ctx));
    assert_eq!(qa(&ctx), ["buildtool-1.5-1.noarch"]);
    // Already installed now: tdnf's note, nothing to do.
    let out = ctx.run(&["-y", "install", "--builddeps", "srcfoo"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains("Package buildtool >= 1.0 is already installed."), "{}", out.snapshot(&ctx));
}

#[test]
fn source_unpacks_a_local_source_rpm_as_rpm_does() {
    let ctx = ctx();
    let out = ctx.run(&["-y", "--nogpgcheck", "--rpmdefine", "_topdir /build/top", "install", "--source", &srpm()]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(out.stdout.contains("srcfoo"), "the plan lists the source package: {}", out.snapshot(&ctx));
    assert!(out.stdout.contains("Installing/Updating: srcfoo-2.1-3 (source)"), "{}", out.snapshot(&ctx));
    let ours = tree(&ctx.root.join("build/top"));
    let theirs = rpm_twin(&["_topdir /build/top"], "/build/top");
    assert_eq!(ours.keys().collect::<Vec<_>>(), ["SOURCES", "SOURCES/hello.txt", "SOURCES/run.sh", "SPECS", "SPECS/srcfoo.spec"]);
    assert_eq!(ours, theirs);
    assert_eq!(ours["SOURCES/hello.txt"].0 & 0o7777, 0o600);
    assert!(qa(&ctx).is_empty(), "a source install enters no rpmdb entry");
    // The rpmdb did not change: no history row for the command.
    let hist = ctx.run(&["-j", "history"]);
    assert_eq!(hist.code, 0, "{}", hist.snapshot(&ctx));
    assert!(!hist.stdout.contains("--source"), "{}", hist.snapshot(&ctx));
}

#[test]
fn source_by_name_takes_the_repo_source_package_into_home_rpmbuild() {
    let ctx = ctx();
    let out = ctx.run(&["-y", "install", "--source", "srcfoo"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let home = std::env::var("HOME").unwrap_or_default();
    let topdir = format!("{home}/rpmbuild");
    let ours = tree(&ctx.root.join(topdir.trim_start_matches('/')));
    assert!(ours.contains_key("SPECS/srcfoo.spec"), "{:?}", ours.keys());
    assert_eq!(ours, rpm_twin(&[], &topdir));
    assert!(qa(&ctx).is_empty());

    let out = ctx.run(&["-y", "install", "--source", "nosuchsrc"]);
    assert_eq!(out.code, 1011 & 0xff, "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains("nosuchsrc package not found or not installed"), "{}", out.snapshot(&ctx));
    // A binary package is no source package.
    let out = ctx.run(&["-y", "install", "--source", "buildtool"]);
    assert_eq!(out.code, 1011 & 0xff, "{}", out.snapshot(&ctx));
}

/// A glob names several source packages: each one is unpacked (tdnf
/// expands the glob to names first).
#[test]
fn source_with_a_glob_takes_every_matching_name() {
    let ctx = ctx();
    let out = ctx.run(&["-y", "--rpmdefine", "_topdir /build", "install", "--source", "src*"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    for spec in ["srcfoo.spec", "srcbar.spec"] {
        assert!(ctx.root.join("build/SPECS").join(spec).is_file(), "{spec}: {}", out.snapshot(&ctx));
    }
    // --testonly unpacks nothing.
    let ctx = self::ctx();
    let out = ctx.run(&["-y", "--testonly", "--rpmdefine", "_topdir /build", "install", "--source", "srcfoo"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(!ctx.root.join("build").exists(), "{}", out.snapshot(&ctx));
}

/// Source rpms are for `install` only; `reinstall` refuses them as tdnf's
/// reinstall has no source path.
#[test]
fn reinstall_refuses_a_source_rpm() {
    let ctx = ctx();
    let out = ctx.run(&["-y", "--nogpgcheck", "reinstall", "--source", &srpm()]);
    assert_eq!(out.code, 1622 & 0xff, "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains("appears to be a source rpm"), "{}", out.snapshot(&ctx));
}

#[test]
fn source_still_checks_signatures() {
    let ctx = ctx();
    // [main] gpgcheck=1 covers command-line packages; this one is unsigned.
    let out = ctx.run(&["-y", "--rpmdefine", "_topdir /build", "install", "--source", &srpm()]);
    assert_eq!(out.code, 1510 & 0xff, "{}", out.snapshot(&ctx));
    assert!(!ctx.root.join("build").exists(), "files written despite the failed check");
}

fn walk_has(dir: &Path, name: &str) -> bool {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.file_name() == name {
                return true;
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(e.path());
            }
        }
    }
    false
}

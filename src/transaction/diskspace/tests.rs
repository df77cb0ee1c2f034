//! The disk-space check on real small filesystems (tmpfs mounted inside a
//! temp root), with Debian's rpm 4.18 (`rpm -i --test`) as the oracle for
//! the figures and the wording.

use std::ffi::CString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{FileAction, FileSpace, ProblemKind, SpaceElement, SpaceError, SpaceProblem, check};
use crate::fsroot::Root;
use crate::rpm::file::RpmFile;

/// A tmpfs mounted for the test, lazily unmounted on drop.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// Mount a tmpfs with `opts` at `dir` (created); `None` when mount(2)
    /// is not permitted here (the reason is printed).
    fn mount(dir: &Path, opts: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).expect("mkdir mount point");
        let c = |s: &str| CString::new(s).expect("no NUL");
        let (src, target, fstype, data) = (c("tmpfs"), c(dir.to_str().expect("utf-8")), c("tmpfs"), c(opts));
        // SAFETY: all four pointers are NUL-terminated strings that outlive
        // the call; mount(2) only reads them.
        let rc = unsafe { libc::mount(src.as_ptr(), target.as_ptr(), fstype.as_ptr(), 0, data.as_ptr().cast()) };
        if rc == 0 {
            return Some(Tmpfs(dir.to_owned()));
        }
        let err = std::io::Error::last_os_error();
        assert_eq!(err.raw_os_error(), Some(libc::EPERM), "mount tmpfs at {}: {err}", dir.display());
        let _ = writeln!(std::io::stderr(), "skipped: mounting a tmpfs is not permitted here ({err})");
        None
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        if let Ok(t) = CString::new(self.0.as_os_str().as_encoded_bytes()) {
            // SAFETY: `t` is a NUL-terminated path that outlives the call.
            unsafe { libc::umount2(t.as_ptr(), libc::MNT_DETACH) };
        }
    }
}

/// A root with an rpmdb (for the oracle) and `mounts` tmpfs mounted in it.
fn root_with(mounts: &[(&str, &str)]) -> Option<(tempfile::TempDir, Vec<Tmpfs>)> {
    let t = tempfile::tempdir().expect("tempdir");
    let st = Command::new("rpm").arg("--root").arg(t.path()).args(["--dbpath", "/var/lib/rpm", "--initdb"]).status();
    assert!(st.expect("run rpm").success(), "rpm --initdb");
    let mut guards = Vec::new();
    for (at, opts) in mounts {
        guards.push(Tmpfs::mount(&t.path().join(at.trim_start_matches('/')), opts)?);
    }
    Some((t, guards))
}

/// The problems rpm reports for `rpm -i --test` of `pkgs` into `root`.
fn rpm_problems(root: &Path, pkgs: &[PathBuf]) -> Vec<String> {
    let out = Command::new("rpm")
        .arg("--root")
        .arg(root)
        .args(["--dbpath", "/var/lib/rpm", "-i", "--test", "--nodeps"])
        .args(pkgs)
        .output()
        .expect("run rpm");
    let text = String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    let lines: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix('\t'))
        .filter(|l| l.starts_with("installing"))
        .map(str::to_owned)
        .collect();
    assert_eq!(out.status.success(), lines.is_empty(), "rpm: {text}");
    lines
}

/// Our problems for installing `pkgs` into `root`, as messages.
fn our_problems(root: &Path, pkgs: &[PathBuf]) -> Vec<String> {
    let elements: Vec<SpaceElement> = pkgs
        .iter()
        .map(|p| {
            let f = RpmFile::open(p).expect("open rpm");
            let tag = |t| f.header.string(t).expect("tag").to_owned();
            use crate::rpm::tags::{RPMTAG_ARCH, RPMTAG_NAME, RPMTAG_RELEASE, RPMTAG_VERSION};
            let nevra =
                format!("{}-{}-{}.{}", tag(RPMTAG_NAME), tag(RPMTAG_VERSION), tag(RPMTAG_RELEASE), tag(RPMTAG_ARCH));
            SpaceElement::install(nevra, &f.header).expect("file list")
        })
        .collect();
    match check(&Root::open(root).expect("root"), "/var/lib/rpm", &elements) {
        Ok(()) => Vec::new(),
        Err(SpaceError::NotEnough(p)) => p.iter().map(SpaceProblem::message).collect(),
        Err(e) => panic!("check failed: {e}"),
    }
}

/// A noarch package `name` whose `%install` runs `script` in the buildroot
/// (`$B`), owning `files`; `requires` goes in the preamble.
fn package(dir: &Path, name: &str, requires: &str, script: &str, files: &str) -> PathBuf {
    let spec = format!(
        "Name: {name}\nVersion: 1\nRelease: 1\nSummary: t\nLicense: MIT\nBuildArch: noarch\n{requires}\n%description\nt\n\
         %install\nB=%{{buildroot}}\n{script}\n%files\n{files}\n"
    );
    let mut built = crate::test_support::rpmbuild(&dir.join(name), &[(name, &spec)]);
    assert_eq!(built.len(), 1, "{built:?}");
    built.remove(0)
}

#[test]
fn too_large_a_file_names_the_mount_and_rpms_figure() {
    let Some((root, _m)) = root_with(&[("/mnt", "size=1m,nr_inodes=64")]) else { return };
    let build = tempfile::tempdir().expect("tempdir");
    let big = package(
        build.path(),
        "dsbig",
        "",
        "mkdir -p $B/mnt/big && head -c 2000000 /dev/zero > $B/mnt/big/data",
        "/mnt/big",
    );
    let ours = our_problems(root.path(), std::slice::from_ref(&big));
    assert_eq!(ours, vec!["installing package dsbig-1-1.noarch needs 2MB more space on the /mnt filesystem"]);
    assert_eq!(ours, rpm_problems(root.path(), &[big]));
}

#[test]
fn many_small_files_run_out_of_inodes() {
    let Some((root, _m)) = root_with(&[("/mnt", "size=1m,nr_inodes=64")]) else { return };
    let build = tempfile::tempdir().expect("tempdir");
    let script = "mkdir -p $B/mnt/many && for i in $(seq 1 100); do : > $B/mnt/many/f$i; done";
    let many = package(build.path(), "dsmany", "", script, "/mnt/many");
    let ours = our_problems(root.path(), std::slice::from_ref(&many));
    // 101 entries, +5% = 106, 63 free (the tmpfs root uses one).
    assert_eq!(ours, vec!["installing package dsmany-1-1.noarch needs 43 more inodes on the /mnt filesystem"]);
    assert_eq!(ours, rpm_problems(root.path(), &[many]));
}

#[test]
fn a_fitting_transaction_passes_and_only_the_full_mount_is_named() {
    let mounts = [("/mnt", "size=1m,nr_inodes=64"), ("/opt", "size=16m")];
    let Some((root, _m)) = root_with(&mounts) else { return };
    let build = tempfile::tempdir().expect("tempdir");
    let small =
        package(build.path(), "dssmall", "", "mkdir -p $B/mnt/s && head -c 300000 /dev/zero > $B/mnt/s/data", "/mnt/s");
    assert_eq!(our_problems(root.path(), std::slice::from_ref(&small)), Vec::<String>::new());
    assert_eq!(rpm_problems(root.path(), std::slice::from_ref(&small)), Vec::<String>::new());

    let script = "mkdir -p $B/opt/x $B/mnt/x && head -c 3000000 /dev/zero > $B/opt/x/data \
                  && head -c 1500000 /dev/zero > $B/mnt/x/data";
    let spread = package(build.path(), "dsspread", "Requires: dssmall", script, "/opt/x\n/mnt/x");
    let ours = our_problems(root.path(), std::slice::from_ref(&spread));
    assert_eq!(ours.len(), 1, "{ours:?}");
    assert!(ours[0].ends_with("more space on the /mnt filesystem"), "{ours:?}");
    assert_eq!(ours, rpm_problems(root.path(), std::slice::from_ref(&spread)));
    // Together (dsspread requires dssmall, so rpm's order is fixed): the
    // small one is counted first, the second crosses the line and is named.
    let ours = our_problems(root.path(), &[small.clone(), spread.clone()]);
    assert_eq!(ours, ["installing package dsspread-1-1.noarch needs 828KB more space on the /mnt filesystem"]);
    assert_eq!(ours, rpm_problems(root.path(), &[spread, small]));
}

fn file(path: &str, size: u64, action: FileAction) -> FileSpace {
    FileSpace { path: path.to_owned(), size, action }
}

const CREATE: FileAction = FileAction::Create { replaced: 0, overlapped: None };

#[test]
fn erases_make_room_for_later_elements_and_replacements_peak() {
    let Some((root, _m)) = root_with(&[("/mnt", "size=1m,nr_inodes=64")]) else { return };
    let r = Root::open(root.path()).expect("root");
    let install = |size| SpaceElement {
        nevra: "new-1-1.noarch".into(),
        header_size: Some(1000),
        files: vec![file("/mnt/new", size, CREATE)],
    };
    let erase = SpaceElement {
        nevra: "old-1-1.noarch".into(),
        header_size: None,
        files: vec![file("/mnt/old", 600_000, FileAction::Erase)],
    };
    std::fs::write(root.path().join("mnt/old"), vec![0u8; 600_000]).expect("fill");

    let alone = check(&r, "/var/lib/rpm", &[install(600_000)]);
    let Err(SpaceError::NotEnough(p)) = alone else { panic!("600k + 600k on 1m must not fit: {alone:?}") };
    // 147 blocks used of 256; 147 more, +5% = 154: 45 blocks short.
    assert_eq!((p[0].mount_point.as_str(), p[0].kind), ("/mnt", ProblemKind::Space { bytes: 184_320 }));
    check(&r, "/var/lib/rpm", &[erase.clone(), install(600_000)]).expect("the erase comes first: fits");
    // Replacing the file in place: freed only after the package, so the
    // peak still needs both copies (rpm's temporary -> final delta).
    let replace = SpaceElement {
        nevra: "old-2-1.noarch".into(),
        header_size: Some(1000),
        files: vec![file("/mnt/old", 600_000, FileAction::Create { replaced: 600_000, overlapped: None })],
    };
    assert!(matches!(check(&r, "/var/lib/rpm", std::slice::from_ref(&replace)), Err(SpaceError::NotEnough(_))));
    check(&r, "/var/lib/rpm", &[install(100_000), install(100_000)]).expect("small files fit");
}

#[test]
fn directories_resolve_inside_the_root() {
    let Some((root, _m)) = root_with(&[("/mnt", "size=1m,nr_inodes=64")]) else { return };
    // An absolute link means the root's /mnt, not the host's; the mount
    // point is named by its real path.
    std::os::unix::fs::symlink("/mnt", root.path().join("data")).expect("symlink");
    let r = Root::open(root.path()).expect("root");
    let el = SpaceElement {
        nevra: "x-1-1.noarch".into(),
        header_size: None,
        files: vec![file("/data/not/yet/f", 0, CREATE)],
    };
    let el = SpaceElement {
        files: (0..70).map(|i| file(&format!("/data/d/f{i}"), 0, CREATE)).chain(el.files).collect(),
        header_size: Some(10),
        ..el
    };
    let Err(SpaceError::NotEnough(p)) = check(&r, "/var/lib/rpm", &[el]) else { panic!("71 inodes on a 64-inode fs") };
    // 71 files, +5% = 74, 63 free.
    assert_eq!(
        p.iter().map(SpaceProblem::message).collect::<Vec<_>>(),
        ["installing package x-1-1.noarch needs 11 more inodes on the /mnt filesystem"]
    );
}

#[test]
fn messages_use_rpms_units() {
    let p = |kind| SpaceProblem { nevra: "a-1-1.x86_64".into(), mount_point: "/".into(), kind }.message();
    assert_eq!(
        p(ProblemKind::Space { bytes: 1_048_577 }),
        "installing package a-1-1.x86_64 needs 2MB more space on the / filesystem"
    );
    assert_eq!(
        p(ProblemKind::Space { bytes: 1_048_576 }),
        "installing package a-1-1.x86_64 needs 1024KB more space on the / filesystem"
    );
    assert_eq!(
        p(ProblemKind::Space { bytes: 1 }),
        "installing package a-1-1.x86_64 needs 1KB more space on the / filesystem"
    );
    assert_eq!(
        p(ProblemKind::Inodes { count: 3 }),
        "installing package a-1-1.x86_64 needs 3 more inodes on the / filesystem"
    );
}

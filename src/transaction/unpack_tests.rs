//! [`unpack`] and [`remove_files`] against the real `rpm` 4.18: the same
//! package goes into one root through `rpm` and into another through the
//! file plan and these functions; the two trees must be the same (types,
//! modes, owners, mtimes, rdev, content, link targets, hardlink sets,
//! `security.capability` bytes), and `rpm -V` must be silent on ours.

use std::collections::BTreeMap;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::remove::remove_files;
use super::unpack::{remove_temps, unpack};
use super::{TxError, dbdir};
use crate::fsroot::Root;
use crate::rpm::filelist::{FileEntry, digest_algo, file_entries};
use crate::rpm::payload::PayloadError;
use crate::rpm::{RpmFile, header_nevra};
use crate::rpmdb::Rpmdb;
use crate::rpmdb::writer::{InstallInfo, RpmdbWriter, installed_header};
use crate::transaction::fileplan::{FilePlan, Incoming, Installed, Options, RootDisk, plan};

#[path = "remove_tests.rs"]
mod remove_tests;

pub(super) const TID: u32 = 0x6b03_3ecc;
const DBPATH: &str = "/var/lib/rpm";

/// `rpm --root R --dbpath /var/lib/rpm ARGS`, killed after two minutes
/// (rpm ignores SIGTERM while it runs a transaction).
///
/// Never give Debian's rpm 4.18.0 a package with a FIFO to install: its fsm
/// opens the FIFO to set its metadata and blocks forever (fixed in 4.18.1).
pub(super) fn rpm(root: &Path, args: &[&str]) -> Output {
    Command::new("timeout")
        .args(["-s", "KILL", "120", "rpm", "--root"])
        .arg(root)
        .args(["--dbpath", DBPATH])
        .args(args)
        .output()
        .expect("run rpm")
}

/// `rpm ARGS PKG` must succeed; returns its `warning:` lines.
pub(super) fn rpm_ok(root: &Path, args: &[&str], pkg: &Path) -> Vec<String> {
    let mut a: Vec<&str> = args.to_vec();
    let p = pkg.to_string_lossy();
    a.push(&p);
    let out = rpm(root, &a);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "rpm {args:?}: {err}");
    err.lines().filter(|l| l.starts_with("warning:")).map(str::to_owned).collect()
}

/// An empty root with `/etc/passwd` and `/etc/group` knowing `spike` (1234).
pub(super) fn new_root() -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(t.path().join("etc")).expect("mkdir etc");
    std::fs::write(t.path().join("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nspike:x:1234:1234::/:/bin/sh\n")
        .expect("passwd");
    std::fs::write(t.path().join("etc/group"), "root:x:0:\nspike:x:1234:\n").expect("group");
    // Twin roots are made seconds apart: give the fixture files one mtime.
    let fixed = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    for f in ["etc/passwd", "etc/group"] {
        let file = std::fs::File::options().write(true).open(t.path().join(f)).expect("open fixture");
        file.set_modified(fixed).expect("set mtime");
    }
    t
}

/// `cp -a` of a root.
pub(super) fn copy_root(root: &Path) -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    let st = Command::new("cp").arg("-a").arg(format!("{}/.", root.display())).arg(t.path()).status().expect("cp");
    assert!(st.success());
    t
}

/// The plan for installing `new` over `root` (installed packages named in
/// `erase` are erased), with the installed side read from its rpmdb.
pub(super) fn plan_for(root: &Root, root_path: &Path, new: &[&Path], erase: &[&str]) -> (FilePlan, Vec<InstalledPkg>) {
    let news: Vec<(String, Vec<FileEntry>, u32)> = new
        .iter()
        .map(|p| {
            let f = RpmFile::open(p).expect("open rpm");
            (header_nevra(&f.header), file_entries(&f.header).expect("files"), digest_algo(&f.header))
        })
        .collect();
    let inst = installed(root_path);
    let inc: Vec<Incoming<'_>> =
        news.iter().map(|(n, f, a)| Incoming { nevra: n, files: f, digest_algo: *a }).collect();
    let ins: Vec<Installed<'_>> = inst
        .iter()
        .map(|p| Installed {
            hnum: p.hnum,
            nevra: &p.nevra,
            files: &p.files,
            digest_algo: p.algo,
            erased: erase.iter().any(|e| p.nevra.starts_with(&format!("{e}-"))),
        })
        .collect();
    let fp = plan(&inc, &ins, &RootDisk::new(root), &Options::default());
    assert!(fp.conflicts.is_empty(), "{:?}", fp.conflicts);
    (fp, inst)
}

/// An installed package of a root's rpmdb.
pub(super) struct InstalledPkg {
    pub(super) hnum: u32,
    pub(super) nevra: String,
    pub(super) files: Vec<FileEntry>,
    pub(super) algo: u32,
}

fn installed(root: &Path) -> Vec<InstalledPkg> {
    let dir = root.join("var/lib/rpm");
    if !dir.join("rpmdb.sqlite").exists() {
        return Vec::new();
    }
    let db = Rpmdb::open(&dir).expect("open rpmdb");
    let hs = db.headers(&mut Vec::new()).expect("headers");
    hs.into_iter()
        .map(|(hnum, h)| InstalledPkg {
            hnum,
            nevra: header_nevra(&h),
            files: file_entries(&h).expect("files"),
            algo: digest_algo(&h),
        })
        .collect()
}

/// Install `pkg` into `root` with the plan, [`unpack`] and an rpmdb entry;
/// returns (unpack warnings, plan warnings).
pub(super) fn our_install(root_path: &Path, pkg: &Path) -> (Vec<String>, Vec<String>) {
    let root = Root::open(root_path).expect("open root");
    let (fp, _) = plan_for(&root, root_path, &[pkg], &[]);
    let file = RpmFile::open(pkg).expect("open rpm");
    let files = file_entries(&file.header).expect("files");
    let ip = &fp.installs[0];
    let warnings = unpack(&root, &file, &files, &ip.actions, TID).expect("unpack");
    let info = InstallInfo { file_states: Some(ip.states.clone()), ..InstallInfo::new(TID) };
    let blob = installed_header(&file, &info).expect("installed header");
    let mut w = RpmdbWriter::open(&dbdir(root_path, DBPATH)).expect("open writer");
    let mut txn = w.transaction().expect("txn");
    txn.add(&blob).expect("add");
    txn.commit().expect("commit");
    w.close().expect("close");
    (warnings, ip.warnings.clone())
}

/// One path of a tree, as the comparison sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Node {
    mode: u32,
    uid: u32,
    gid: u32,
    /// Not for directories (rpm sets it, then writing the children changes it).
    mtime: Option<i64>,
    rdev: u64,
    /// Content of a regular file, target of a symlink.
    data: Vec<u8>,
    caps: Option<Vec<u8>>,
    /// The other paths with the same inode.
    links: Vec<String>,
}

/// `security.capability` of `p`, not following symlinks.
fn caps_of(p: &Path) -> Option<Vec<u8>> {
    let c = std::ffi::CString::new(p.as_os_str().as_bytes()).ok()?;
    let mut buf = [0u8; 64];
    // SAFETY: `c` and the attribute name are NUL-terminated; `buf` is a live
    // buffer of `buf.len()` bytes the kernel writes at most that many into.
    let n = unsafe {
        libc::lgetxattr(c.as_ptr(), c"security.capability".as_ptr(), buf.as_mut_ptr().cast(), buf.len())
    };
    usize::try_from(n).ok().map(|n| buf[..n].to_vec())
}

/// Every path under `root` except the rpmdb (and `/var`, `/var/lib`).
pub(super) fn snapshot(root: &Path) -> BTreeMap<String, Node> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Node>, inodes: &mut BTreeMap<u64, Vec<String>>) {
        for e in std::fs::read_dir(dir).expect("read_dir") {
            let p = e.expect("entry").path();
            let rel = format!("/{}", p.strip_prefix(root).expect("prefix").display());
            if rel.starts_with("/var/lib/rpm") {
                continue;
            }
            let md = std::fs::symlink_metadata(&p).expect("lstat");
            let data = if md.is_file() {
                std::fs::read(&p).expect("read")
            } else if md.file_type().is_symlink() {
                std::fs::read_link(&p).expect("readlink").as_os_str().as_bytes().to_vec()
            } else {
                Vec::new()
            };
            let node = Node {
                mode: md.mode(),
                uid: md.uid(),
                gid: md.gid(),
                mtime: (!md.is_dir()).then_some(md.mtime()),
                rdev: md.rdev(),
                data,
                caps: caps_of(&p),
                links: Vec::new(),
            };
            if md.is_file() && md.nlink() > 1 {
                inodes.entry(md.ino()).or_default().push(rel.clone());
            }
            if !(md.is_dir() && (rel == "/var" || rel == "/var/lib")) {
                out.insert(rel, node);
            }
            if md.is_dir() {
                walk(root, &p, out, inodes);
            }
        }
    }
    let mut out = BTreeMap::new();
    let mut inodes = BTreeMap::new();
    walk(root, root, &mut out, &mut inodes);
    for set in inodes.values() {
        for p in set {
            let others: Vec<String> = set.iter().filter(|o| *o != p).cloned().collect();
            if let Some(n) = out.get_mut(p) {
                n.links = others;
            }
        }
    }
    out
}

/// Paths with a `;` (a temp name) anywhere under `root`.
pub(super) fn temp_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if e.file_name().as_bytes().contains(&b';') {
                out.push(p.clone());
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(p);
            }
        }
    }
    out
}

/// `rpm -V --nodeps NAME` is silent and succeeds.
pub(super) fn assert_verifies(root: &Path, name: &str) {
    let out = rpm(root, &["-V", "--nodeps", name]);
    let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    assert_eq!((out.status.code(), s(&out.stdout), s(&out.stderr)), (Some(0), String::new(), String::new()));
}

pub(super) const RPM_I: [&str; 4] = ["-i", "--nodeps", "--noscripts", "--nosignature"];

/// No FIFO here: see [`rpm`].
const SPECIAL: &str = r#"Name: h1special
Version: 1
Release: 1
Summary: special files
License: MIT
BuildArch: noarch
%description
Devices, caps, setuid, hardlinks, config, ghost.
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/etc %{buildroot}/srv/data/sub %{buildroot}/srv/empty
echo ping > %{buildroot}/usr/bin/ping
echo suid > %{buildroot}/usr/bin/suid
echo hard > %{buildroot}/srv/data/h1
ln %{buildroot}/srv/data/h1 %{buildroot}/srv/data/h2
ln %{buildroot}/srv/data/h1 %{buildroot}/srv/data/sub/h3
touch %{buildroot}/srv/e1
ln %{buildroot}/srv/e1 %{buildroot}/srv/e2
ln -s ../usr/bin/ping %{buildroot}/srv/link
echo c > %{buildroot}/etc/h1-c.conf
echo n > %{buildroot}/etc/h1-n.conf
echo o > %{buildroot}/srv/owned
%files
%caps(cap_net_raw=ep) /usr/bin/ping
%attr(4755,root,root) /usr/bin/suid
%dir %attr(0750,root,spike) /srv/data
/srv/data/h1
/srv/data/h2
/srv/data/sub
/srv/e1
/srv/e2
/srv/link
%dir %attr(1777,root,root) /srv/empty
%dev(c,1,3) %attr(0666,root,root) /srv/null-h1
%dev(b,7,200) %attr(0660,root,spike) /srv/blk-h1
%config /etc/h1-c.conf
%config(noreplace) /etc/h1-n.conf
%ghost /var/log/h1.log
%attr(2640,spike,spike) /srv/owned
"#;

pub(super) fn built(dir: &Path, name: &str, spec: &str) -> PathBuf {
    let mut v = crate::test_support::rpmbuild(dir, &[(name, spec)]);
    assert_eq!(v.len(), 1, "{v:?}");
    v.remove(0)
}

#[test]
fn unpack_special_files_match_rpm() {
    let work = tempfile::tempdir().expect("tempdir");
    let pkg = built(work.path(), "h1special", SPECIAL);
    let theirs = new_root();
    let rpm_warn = rpm_ok(theirs.path(), &RPM_I, &pkg);
    let ours = new_root();
    let (warnings, plan_warnings) = our_install(ours.path(), &pkg);
    assert_eq!(warnings, rpm_warn);
    assert!(plan_warnings.is_empty(), "{plan_warnings:?}");
    let (a, b) = (snapshot(theirs.path()), snapshot(ours.path()));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (p, n) in &a {
        assert_eq!(Some(n), b.get(p), "{p}");
    }
    // The comparison covers what it should.
    let caps = a.get("/usr/bin/ping").and_then(|n| n.caps.clone());
    assert_eq!(caps.as_deref(), Some(&crate::fsroot::vfs_cap_data("cap_net_raw=ep").expect("caps")[..]));
    assert_eq!(a["/usr/bin/suid"].mode, 0o104755);
    assert_eq!(a["/srv/null-h1"].rdev, 0x103);
    assert_eq!(a["/srv/data/h1"].links.len(), 2);
    assert_eq!(a["/srv/owned"].uid, 1234);
    assert!(!a.contains_key("/var/log/h1.log"));
    assert!(temp_files(ours.path()).is_empty());
    assert_verifies(theirs.path(), "h1special");
    assert_verifies(ours.path(), "h1special");
}

const FIFO: &str = r#"Name: h1fifo
Version: 1
Release: 1
Summary: a FIFO
License: MIT
BuildArch: noarch
%description
A FIFO, which Debian's rpm 4.18.0 cannot install (it blocks opening it).
%install
mkdir -p %{buildroot}/srv
mkfifo %{buildroot}/srv/fifo
%files
%attr(0620,spike,spike) /srv/fifo
"#;

#[test]
fn unpack_fifo_is_made_never_opened_and_verifies() {
    let work = tempfile::tempdir().expect("tempdir");
    let pkg = built(work.path(), "h1fifo", FIFO);
    let ours = new_root();
    let (warnings, _) = our_install(ours.path(), &pkg);
    assert!(warnings.is_empty(), "{warnings:?}");
    let f = file_entries(&RpmFile::open(&pkg).expect("open").header).expect("files");
    let md = std::fs::symlink_metadata(ours.path().join("srv/fifo")).expect("fifo");
    assert_eq!((md.mode(), md.uid(), md.gid(), md.mtime()), (f[0].mode, 1234, 1234, i64::from(f[0].mtime)));
    assert_eq!(md.mode() & libc::S_IFMT, libc::S_IFIFO);
    assert_verifies(ours.path(), "h1fifo");
}

pub(super) const UNKNOWN: &str = r#"Name: h1unknown
Version: 1
Release: 1
Summary: unknown owners
License: MIT
BuildArch: noarch
%description
Owners the root does not know.
%install
mkdir -p %{buildroot}/opt/u
echo a > %{buildroot}/opt/u/a
echo b > %{buildroot}/opt/u/b
%files
%attr(6755,nosuchuser,nosuchgroup) /opt/u/a
%attr(4755,nosuchuser,root) /opt/u/b
"#;

#[test]
fn unpack_unknown_owner_warns_and_drops_setuid_like_rpm() {
    let work = tempfile::tempdir().expect("tempdir");
    let pkg = built(work.path(), "h1unknown", UNKNOWN);
    let theirs = new_root();
    let rpm_warn = rpm_ok(theirs.path(), &RPM_I, &pkg);
    let ours = new_root();
    let (warnings, _) = our_install(ours.path(), &pkg);
    assert!(!rpm_warn.is_empty());
    assert_eq!(warnings, rpm_warn);
    assert_eq!(snapshot(theirs.path()), snapshot(ours.path()));
}

fn conf_spec(ver: u32) -> String {
    let old_only = if ver == 1 { "echo old > %{buildroot}/etc/h1/old-only\n" } else { "" };
    let old_files = if ver == 1 { "/etc/h1/old-only\n" } else { "" };
    format!(
        r#"Name: h1conf
Version: {ver}
Release: 1
Summary: config files
License: MIT
BuildArch: noarch
%description
Config files across an upgrade.
%install
mkdir -p %{{buildroot}}/etc/h1
echo "c {ver}" > %{{buildroot}}/etc/h1/c.conf
echo "n {ver}" > %{{buildroot}}/etc/h1/n.conf
echo "u {ver}" > %{{buildroot}}/etc/h1/u.conf
echo same > %{{buildroot}}/etc/h1/same.conf
echo "plain {ver}" > %{{buildroot}}/etc/h1/plain
{old_only}%files
%dir /etc/h1
%config /etc/h1/c.conf
%config(noreplace) /etc/h1/n.conf
%config /etc/h1/u.conf
%config /etc/h1/same.conf
/etc/h1/plain
{old_files}"#
    )
}

#[test]
fn unpack_config_upgrade_matches_rpm_u() {
    let work = tempfile::tempdir().expect("tempdir");
    let v1 = built(&work.path().join("1"), "h1conf", &conf_spec(1));
    let v2 = built(&work.path().join("2"), "h1conf", &conf_spec(2));
    let theirs = new_root();
    rpm_ok(theirs.path(), &RPM_I, &v1);
    for f in ["c.conf", "n.conf", "same.conf"] {
        std::fs::write(theirs.path().join("etc/h1").join(f), "edited\n").expect("edit");
    }
    let ours = copy_root(theirs.path());
    let rpm_warn = rpm_ok(theirs.path(), &["-U", "--nodeps", "--noscripts", "--nosignature"], &v2);

    let root = Root::open(ours.path()).expect("root");
    let (fp, inst) = plan_for(&root, ours.path(), &[&v2], &["h1conf"]);
    let file = RpmFile::open(&v2).expect("open");
    let files = file_entries(&file.header).expect("files");
    let mut warnings = unpack(&root, &file, &files, &fp.installs[0].actions, TID).expect("unpack");
    warnings.extend(remove_files(&root, &inst[0].files, &fp.erases[0].actions).expect("remove"));
    let mut ours_warn: Vec<String> =
        fp.installs[0].warnings.iter().chain(&fp.erases[0].warnings).cloned().chain(warnings).collect();
    let mut rpm_warn = rpm_warn;
    ours_warn.sort();
    rpm_warn.sort();
    assert_eq!(ours_warn, rpm_warn);
    let (a, b) = (snapshot(theirs.path()), snapshot(ours.path()));
    assert_eq!(a, b);
    assert!(a.contains_key("/etc/h1/n.conf.rpmnew"), "{:?}", a.keys());
    assert!(a.contains_key("/etc/h1/c.conf.rpmsave"), "{:?}", a.keys());
    assert!(!a.contains_key("/etc/h1/old-only"));
    assert!(temp_files(ours.path()).is_empty());
}

#[test]
fn unpack_bad_file_digest_leaves_no_files() {
    let spec = r#"%define _binary_payload w.ufdio
Name: h1bad
Version: 1
Release: 1
Summary: corrupted later
License: MIT
BuildArch: noarch
%description
A payload whose last file is corrupted after the build.
%install
mkdir -p %{buildroot}/opt/bad
echo AAAA-marker-one > %{buildroot}/opt/bad/a
echo BBBB-marker-two > %{buildroot}/opt/bad/b
ln -s a %{buildroot}/opt/bad/l
mkfifo %{buildroot}/opt/bad/p
echo ZZZZ-marker-three > %{buildroot}/opt/bad/z
%files
/opt/bad
"#;
    let work = tempfile::tempdir().expect("tempdir");
    let good = built(work.path(), "h1bad", spec);
    let mut bytes = std::fs::read(&good).expect("read rpm");
    let marker = b"ZZZZ-marker-three";
    let hits: Vec<usize> = bytes.windows(marker.len()).enumerate().filter(|(_, w)| w == marker).map(|(i, _)| i).collect();
    assert_eq!(hits.len(), 1, "the payload should be stored uncompressed");
    bytes[hits[0]] ^= 0x20;
    let bad = work.path().join("bad.rpm");
    std::fs::write(&bad, &bytes).expect("write");

    let ours = new_root();
    let root = Root::open(ours.path()).expect("root");
    let (fp, _) = plan_for(&root, ours.path(), &[&bad], &[]);
    let file = RpmFile::open(&bad).expect("open");
    let files = file_entries(&file.header).expect("files");
    let err = unpack(&root, &file, &files, &fp.installs[0].actions, TID).expect_err("must fail");
    assert!(
        matches!(err, TxError::Payload { source: PayloadError::FileDigestMismatch { ref file, .. }, .. } if file == "/opt/bad/z"),
        "{err}"
    );
    assert!(temp_files(ours.path()).is_empty(), "{:?}", temp_files(ours.path()));
    let left: Vec<_> = std::fs::read_dir(ours.path().join("opt/bad")).expect("dir").collect();
    assert!(left.is_empty(), "{left:?}");
    // The good package unpacks (the fault is the corruption).
    let file = RpmFile::open(&good).expect("open");
    unpack(&root, &file, &files, &fp.installs[0].actions, TID).expect("unpack good");
    assert_eq!(std::fs::read(ours.path().join("opt/bad/z")).expect("z"), b"ZZZZ-marker-three\n");
}

//! Install/erase against the real `rpm` as oracle.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;
use crate::rpm::payload::PayloadError;

const DBPATH: &str = "/var/lib/rpm";
const TID: u32 = 0x6500_0001;

fn rpms() -> PathBuf {
    crate::test_support::corpus().join("rpm-upstream-testdata/RPMS")
}

/// A temp root with a minimal `/etc/passwd` and `/etc/group` (root only).
fn new_root() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("etc")).unwrap();
    std::fs::write(
        t.path().join("etc/passwd"),
        "root:x:0:0:root:/root:/bin/sh\n",
    )
    .unwrap();
    std::fs::write(t.path().join("etc/group"), "root:x:0:\n").unwrap();
    t
}

/// `rpm --root R --dbpath /var/lib/rpm ARGS`: (exit status, stdout, stderr).
fn rpm(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new("rpm")
        .arg("--root")
        .arg(root)
        .args(["--dbpath", DBPATH])
        .args(args)
        .output()
        .expect("run rpm");
    let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        s(&out.stdout),
        s(&out.stderr),
    )
}

fn qa(root: &Path) -> Vec<String> {
    let (rc, out, err) = rpm(root, &["-qa"]);
    assert_eq!(rc, 0, "rpm -qa failed: {err}");
    let mut v: Vec<String> = out.lines().map(str::to_owned).collect();
    v.sort();
    v
}

/// `rpm -V --nodeps NAME` is silent and succeeds. (Dependencies are not
/// this module's business: the roots have no libc, and plain `-V hello`
/// reports only "Unsatisfied dependencies", exit 3.)
fn assert_verifies(root: &Path, name: &str) {
    let (rc, out, err) = rpm(root, &["-V", "--nodeps", name]);
    assert_eq!(
        (rc, out.as_str(), err.as_str()),
        (0, "", ""),
        "rpm -V --nodeps {name}"
    );
}

#[test]
fn hello_installs_verifies_and_erases() {
    let t = new_root();
    let root = t.path();
    let hnum = install_package(root, DBPATH, &rpms().join("hello-2.0-1.x86_64.rpm"), TID).unwrap();
    assert_eq!(qa(root), ["hello-2.0-1.x86_64"]);
    assert_verifies(root, "hello");
    // Without --nodeps only the (absent) libc dependencies are reported.
    let (rc, out, _) = rpm(root, &["-V", "hello"]);
    assert_eq!(rc, 3);
    assert!(
        out.lines()
            .all(|l| l.starts_with("Unsatisfied dependencies") || l.contains("is needed by")),
        "{out}"
    );
    let meta = std::fs::symlink_metadata(root.join("usr/bin/hello")).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o751);
    assert!(root.join("usr/share/doc/hello-2.0/README").is_file());
    // No temp names left behind.
    for d in ["usr/bin", "usr/share/doc/hello-2.0"] {
        for e in std::fs::read_dir(root.join(d)).unwrap() {
            assert!(!e.unwrap().file_name().to_string_lossy().contains(';'));
        }
    }

    erase_package(root, DBPATH, hnum).unwrap();
    assert!(qa(root).is_empty());
    assert!(!root.join("usr/bin/hello").exists());
    assert!(!root.join("usr/share/doc/hello-2.0").exists());
    // Directories the package does not own stay.
    assert!(root.join("usr/bin").is_dir());
    assert!(matches!(
        erase_package(root, DBPATH, hnum),
        Err(TxError::NotInstalled { .. })
    ));
}

#[test]
fn hardlinks_are_one_inode() {
    let t = new_root();
    let root = t.path();
    let hnum = install_package(
        root,
        DBPATH,
        &rpms().join("hlinktest-1.0-1.noarch.rpm"),
        TID,
    )
    .unwrap();
    assert_eq!(qa(root), ["hlinktest-1.0-1.noarch"]);
    assert_verifies(root, "hlinktest");
    // hlinktest has no dependencies: plain -V too.
    assert_eq!(
        rpm(root, &["-V", "hlinktest"]),
        (0, String::new(), String::new())
    );
    let ino = |p: &str| std::fs::symlink_metadata(root.join(p)).unwrap();
    let hello = ino("foo/hello");
    assert_eq!(hello.nlink(), 4);
    for p in ["foo/hello-bar", "foo/hello-foo", "foo/hello-world"] {
        assert_eq!(ino(p).ino(), hello.ino(), "{p}");
    }
    assert_eq!(ino("foo/aaaa").ino(), ino("foo/zzzz").ino());
    assert_ne!(ino("foo/copyllo").ino(), hello.ino());

    erase_package(root, DBPATH, hnum).unwrap();
    assert!(qa(root).is_empty());
    assert!(!root.join("foo").exists());
}

#[test]
fn shared_files_stay_until_the_last_owner_goes() {
    let t = new_root();
    let root = t.path();
    let a = install_package(root, DBPATH, &rpms().join("hello-2.0-1.x86_64.rpm"), TID).unwrap();
    let b = install_package(
        root,
        DBPATH,
        &rpms().join("hello-2.0-1.x86_64-signed.rpm"),
        TID + 1,
    )
    .unwrap();
    assert_ne!(a, b);
    // A user's file in a package directory keeps that directory.
    std::fs::write(root.join("usr/share/doc/hello-2.0/NOTES"), "mine").unwrap();

    erase_package(root, DBPATH, a).unwrap();
    assert_eq!(qa(root), ["hello-2.0-1.x86_64"]);
    assert_verifies(root, "hello");

    erase_package(root, DBPATH, b).unwrap();
    assert!(qa(root).is_empty());
    assert!(!root.join("usr/bin/hello").exists());
    assert!(!root.join("usr/share/doc/hello-2.0/README").exists());
    assert!(root.join("usr/share/doc/hello-2.0/NOTES").is_file());
}

#[test]
fn corrupted_package_is_refused_before_any_write() {
    let src = std::fs::read(rpms().join("hello-2.0-1.x86_64.rpm")).unwrap();
    let pkg = crate::rpm::file::RpmFile::open(rpms().join("hello-2.0-1.x86_64.rpm")).unwrap();
    let mut bad = src.clone();
    let at = pkg.payload_offset as usize + (src.len() - pkg.payload_offset as usize) / 2;
    bad[at] ^= 0x55;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hello-bad.rpm");
    std::fs::write(&path, &bad).unwrap();

    let root = tempfile::tempdir().unwrap();
    let err = install_package(root.path(), DBPATH, &path, TID).unwrap_err();
    assert!(
        matches!(&err, TxError::Digest { name, source: PayloadError::DigestMismatch { .. } } if name == "hello-2.0-1.x86_64"),
        "{err:?}"
    );
    assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 0);
}

#[test]
fn missing_package_file_is_an_open_error() {
    let root = tempfile::tempdir().unwrap();
    let err =
        install_package(root.path(), DBPATH, Path::new("/nonexistent/x.rpm"), TID).unwrap_err();
    assert!(matches!(err, TxError::Open { .. }), "{err:?}");
    assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 0);
}

#[test]
fn symlinks_take_filelinktos() {
    let t = new_root();
    let root = t.path();
    let pkg = crate::test_support::corpus().join("rpms/rpm-sign-4.15.1-1.fc31.x86_64.rpm");
    let hnum = install_package(root, DBPATH, &pkg, TID).unwrap();
    assert_eq!(qa(root), ["rpm-sign-4.15.1-1.fc31.x86_64"]);
    assert_verifies(root, "rpm-sign");
    let link = root.join("usr/lib/.build-id/a6/d79cbdf87a3979ddb9fdfa6459d588afd476a5");
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("../../../../usr/bin/rpmsign")
    );
    // The oracle does notice a wrong mode.
    std::fs::set_permissions(
        root.join("usr/bin/rpmsign"),
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    let (rc, out, _) = rpm(root, &["-V", "--nodeps", "rpm-sign"]);
    assert_eq!((rc, out.as_str()), (1, ".M.......    /usr/bin/rpmsign\n"));

    erase_package(root, DBPATH, hnum).unwrap();
    assert!(qa(root).is_empty());
    assert!(std::fs::symlink_metadata(&link).is_err());
    assert!(!root.join("usr/lib/.build-id").exists());
    assert!(!root.join("usr/bin/rpmsign").exists());
}

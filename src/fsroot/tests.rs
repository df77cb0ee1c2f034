use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};

use nix::fcntl::AT_FDCWD;
use nix::sys::stat::{Mode, umask};
use nix::unistd::{Gid, Uid, fchownat};

use super::*;

const TID: u32 = 0x6b03_3ecc;

struct Fixture {
    _tmp: tempfile::TempDir,
    base: PathBuf,
    rp: PathBuf,
    root: Root,
}

/// `<tmp>/root` (the install root) next to `<tmp>/outside-dir` and
/// `<tmp>/outside`, which must never change.
fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().to_path_buf();
    let rp = base.join("root");
    std::fs::create_dir(&rp).unwrap();
    std::fs::create_dir(base.join("outside-dir")).unwrap();
    std::fs::create_dir(base.join("outside")).unwrap();
    std::fs::write(base.join("outside/victim"), b"precious").unwrap();
    let root = Root::open(&rp).unwrap();
    Fixture { _tmp: tmp, base, rp, root }
}

/// Everything under `base` except the root: path -> (mode, content).
fn outside_snapshot(base: &Path) -> BTreeMap<PathBuf, (u32, Vec<u8>)> {
    fn walk(dir: &Path, skip: &Path, out: &mut BTreeMap<PathBuf, (u32, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p == skip {
                continue;
            }
            let md = std::fs::symlink_metadata(&p).unwrap();
            let data = if md.is_file() { std::fs::read(&p).unwrap() } else { Vec::new() };
            out.insert(p.clone(), (md.mode(), data));
            if md.is_dir() {
                walk(&p, skip, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(base, &base.join("root"), &mut out);
    out
}

fn lchown(p: &Path, uid: u32, gid: u32) {
    fchownat(AT_FDCWD, p, Some(Uid::from_raw(uid)), Some(Gid::from_raw(gid)), AtFlags::AT_SYMLINK_NOFOLLOW)
        .unwrap();
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(';'))
        .collect()
}

fn is_root() -> bool {
    Uid::effective().is_root()
}

#[test]
fn fsroot_basic_operations() {
    let f = fixture();
    let r = &f.root;
    r.mkdir_all("/usr/bin", 0o755).unwrap();
    r.write_file("/usr/bin/hello", 0o755, 0, 0, 1_700_000_000, &b"#!/bin/sh\n"[..], TID).unwrap();
    assert_eq!(std::fs::read(f.rp.join("usr/bin/hello")).unwrap(), b"#!/bin/sh\n");
    let st = r.lstat("/usr/bin/hello").unwrap();
    assert_eq!(st.st_mtime, 1_700_000_000);
    assert_eq!(st.st_size, 10);

    r.symlink("/usr/bin/hi", "hello", 0, 0, 1_600_000_000, TID).unwrap();
    assert_eq!(std::fs::read_link(f.rp.join("usr/bin/hi")).unwrap(), Path::new("hello"));
    assert_eq!(r.lstat("usr/bin/hi").unwrap().st_mtime, 1_600_000_000);

    r.hardlink("/usr/bin/hello", "/usr/bin/hello2", TID).unwrap();
    r.hardlink("/usr/bin/hello", "/usr/bin/hello2", TID).unwrap(); // same inode again
    let a = std::fs::metadata(f.rp.join("usr/bin/hello")).unwrap();
    let b = std::fs::metadata(f.rp.join("usr/bin/hello2")).unwrap();
    assert_eq!((a.ino(), a.nlink()), (b.ino(), 2));
    assert!(leftovers(&f.rp.join("usr/bin")).is_empty());

    assert!(!r.rmdir_if_empty("/usr/bin").unwrap());
    r.remove("/usr/bin/hello").unwrap();
    r.remove("/usr/bin/hello2").unwrap();
    r.remove("/usr/bin/hi").unwrap();
    assert!(r.remove("/usr/bin/hi").unwrap_err().is_not_found());
    assert!(r.rmdir_if_empty("/usr/bin").unwrap());
    assert!(r.lstat("/usr/bin").unwrap_err().is_not_found());
    assert_eq!(r.lstat("/").unwrap().st_ino, std::fs::metadata(&f.rp).unwrap().ino());
    r.sync().unwrap();
}

/// Restores the umask even if the test fails.
struct UmaskGuard(Mode);
impl Drop for UmaskGuard {
    fn drop(&mut self) {
        umask(self.0);
    }
}

#[test]
fn fsroot_modes_exact_under_umask_077() {
    let f = fixture();
    let r = &f.root;
    let _lock = crate::test_support::umask_lock();
    let _g = UmaskGuard(umask(Mode::from_bits_truncate(0o077)));
    r.mkdir_all("/usr/lib/x", 0o755).unwrap();
    r.mkdir_all("/tmp", 0o1777).unwrap();
    let (uid, gid) = if is_root() { (1234, 5678) } else { (0, 0) };
    for (name, mode) in [("suid", 0o4755), ("conf", 0o644), ("secret", 0o600), ("odd", 0o2711)] {
        let p = format!("/usr/lib/x/{name}");
        r.write_file(&p, mode, uid, gid, 1, &b"x"[..], TID).unwrap();
        let st = r.lstat(&p).unwrap();
        assert_eq!(st.st_mode & 0o7777, mode, "{name}");
        if is_root() {
            assert_eq!((st.st_uid, st.st_gid), (1234, 5678));
        }
    }
    for (p, mode) in [("usr", 0o755), ("usr/lib", 0o755), ("usr/lib/x", 0o755), ("tmp", 0o1777)] {
        let m = std::fs::metadata(f.rp.join(p)).unwrap().permissions().mode();
        assert_eq!(m & 0o7777, mode, "{p}");
    }
}

#[test]
fn fsroot_write_is_atomic_and_replaces() {
    let f = fixture();
    let r = &f.root;
    r.mkdir_all("/etc", 0o755).unwrap();
    r.write_file("/etc/conf", 0o644, 0, 0, 5, &b"old"[..], TID).unwrap();
    let old_ino = std::fs::metadata(f.rp.join("etc/conf")).unwrap().ino();
    // A leftover temp file from a crashed run with the same tid is replaced.
    std::fs::write(f.rp.join(format!("etc/conf;{TID:08x}")), b"junk").unwrap();
    r.write_file("/etc/conf", 0o600, 0, 0, 6, &b"new content"[..], TID).unwrap();
    assert_eq!(std::fs::read(f.rp.join("etc/conf")).unwrap(), b"new content");
    assert_ne!(std::fs::metadata(f.rp.join("etc/conf")).unwrap().ino(), old_ino);
    assert!(leftovers(&f.rp.join("etc")).is_empty());

    // A failing reader leaves the old file and no temp file.
    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("boom"))
        }
    }
    let e = r.write_file("/etc/conf", 0o644, 0, 0, 7, Failing, TID).unwrap_err();
    assert!(matches!(e, FsError::Io { op: "write", .. }), "{e}");
    assert_eq!(std::fs::read(f.rp.join("etc/conf")).unwrap(), b"new content");
    assert!(leftovers(&f.rp.join("etc")).is_empty());

    // A directory is not replaced by a file or a symlink.
    r.mkdir_all("/etc/dir/sub", 0o755).unwrap();
    assert!(r.write_file("/etc/dir", 0o644, 0, 0, 1, &b""[..], TID).is_err());
    assert!(r.symlink("/etc/dir", "x", 0, 0, 1, TID).is_err());
    assert!(f.rp.join("etc/dir/sub").is_dir());
    assert!(leftovers(&f.rp.join("etc")).is_empty());
}

#[test]
fn fsroot_final_symlink_is_replaced_not_followed() {
    let f = fixture();
    let before = outside_snapshot(&f.base);
    std::fs::create_dir(f.rp.join("etc")).unwrap();
    symlink(f.base.join("outside/victim"), f.rp.join("etc/f")).unwrap();
    f.root.write_file("/etc/f", 0o644, 0, 0, 1, &b"mine"[..], TID).unwrap();
    assert!(std::fs::symlink_metadata(f.rp.join("etc/f")).unwrap().is_file());
    symlink(f.base.join("outside/victim"), f.rp.join("etc/g")).unwrap();
    f.root.symlink("/etc/g", "elsewhere", 0, 0, 1, TID).unwrap();
    f.root.remove("/etc/g").unwrap();
    assert_eq!(outside_snapshot(&f.base), before);
}

#[test]
fn fsroot_absolute_symlink_resolved_in_root_with_owner_rule() {
    if !is_root() {
        return; // needs chown
    }
    let f = fixture();
    let r = &f.root;
    let before = outside_snapshot(&f.base);
    std::fs::create_dir(f.rp.join("usr")).unwrap();
    let share = f.rp.join("usr/share");

    // /usr/share -> /outside-dir, link owned by 1000, target by 2000: refused.
    std::fs::create_dir(f.rp.join("outside-dir")).unwrap();
    lchown(&f.rp.join("outside-dir"), 2000, 2000);
    symlink("/outside-dir", &share).unwrap();
    lchown(&share, 1000, 1000);
    let e = r.write_file("/usr/share/x", 0o644, 0, 0, 1, &b"x"[..], TID).unwrap_err();
    assert!(matches!(e, FsError::UnsafeSymlink { link_uid: 1000, target_uid: 2000, .. }), "{e}");
    assert!(matches!(r.mkdir_all("/usr/share/doc", 0o755), Err(FsError::UnsafeSymlink { .. })));
    assert!(std::fs::read_dir(f.rp.join("outside-dir")).unwrap().next().is_none());

    // Same owner: followed, inside the root.
    lchown(&f.rp.join("outside-dir"), 1000, 1000);
    r.write_file("/usr/share/x", 0o644, 0, 0, 1, &b"x"[..], TID).unwrap();
    assert_eq!(std::fs::read(f.rp.join("outside-dir/x")).unwrap(), b"x");

    // A root-owned link to the host path of the sibling dir: resolved
    // inside the root, so absent; once made there, writes land there.
    std::fs::remove_file(&share).unwrap();
    symlink(f.base.join("outside-dir"), &share).unwrap();
    let e = r.write_file("/usr/share/y", 0o644, 0, 0, 1, &b"y"[..], TID).unwrap_err();
    assert!(e.is_not_found(), "{e}");
    let inner = format!("{}/outside-dir", f.base.display());
    r.mkdir_all(&inner, 0o755).unwrap();
    r.write_file("/usr/share/y", 0o644, 0, 0, 1, &b"y"[..], TID).unwrap();
    let landed = f.rp.join(f.base.join("outside-dir/y").strip_prefix("/").unwrap());
    assert_eq!(std::fs::read(landed).unwrap(), b"y");
    assert_eq!(outside_snapshot(&f.base), before);
}

#[test]
fn fsroot_relative_symlink_cannot_climb_out() {
    let f = fixture();
    let r = &f.root;
    let before = outside_snapshot(&f.base);
    symlink("../../outside", f.rp.join("bin")).unwrap();
    // `..` is clamped at the root: /bin means <root>/outside, absent.
    let e = r.write_file("/bin/victim", 0o644, 0, 0, 1, &b"evil"[..], TID).unwrap_err();
    assert!(e.is_not_found(), "{e}");
    assert!(r.mkdir_all("/bin/sub", 0o755).unwrap_err().is_not_found());
    r.mkdir_all("/outside", 0o755).unwrap();
    r.write_file("/bin/victim", 0o644, 0, 0, 1, &b"evil"[..], TID).unwrap();
    r.mkdir_all("/bin/sub", 0o755).unwrap();
    assert_eq!(std::fs::read(f.rp.join("outside/victim")).unwrap(), b"evil");
    assert!(f.rp.join("outside/sub").is_dir());
    // A usrmerge-style link works as expected.
    r.mkdir_all("/usr/lib", 0o755).unwrap();
    symlink("usr/lib", f.rp.join("lib")).unwrap();
    r.write_file("/lib/libx.so", 0o755, 0, 0, 1, &b"elf"[..], TID).unwrap();
    assert!(f.rp.join("usr/lib/libx.so").is_file());
    assert_eq!(outside_snapshot(&f.base), before);
}

#[test]
fn fsroot_dotdot_and_bad_paths_refused() {
    let f = fixture();
    let r = &f.root;
    let before = outside_snapshot(&f.base);
    r.mkdir_all("/a", 0o755).unwrap();
    for p in ["..", "../x", "/../outside/victim", "/a/../../outside/victim", "a/..", "/a/./../.."] {
        let escape = |e: FsError| matches!(e, FsError::Escape { .. });
        assert!(escape(r.write_file(p, 0o644, 0, 0, 1, &b"x"[..], TID).unwrap_err()), "{p}");
        assert!(escape(r.mkdir_all(p, 0o755).unwrap_err()), "{p}");
        assert!(escape(r.symlink(p, "x", 0, 0, 1, TID).unwrap_err()), "{p}");
        assert!(escape(r.hardlink("/a", p, TID).unwrap_err()), "{p}");
        assert!(escape(r.remove(p).unwrap_err()), "{p}");
        assert!(escape(r.lstat(p).unwrap_err()), "{p}");
    }
    for p in ["", "/", "//.", "a\0b"] {
        let e = r.write_file(p, 0o644, 0, 0, 1, &b"x"[..], TID).unwrap_err();
        assert!(matches!(e, FsError::InvalidPath { .. }), "{p:?}: {e}");
    }
    // A regular file in the middle of a path.
    r.write_file("/a/file", 0o644, 0, 0, 1, &b"x"[..], TID).unwrap();
    let e = r.write_file("/a/file/x", 0o644, 0, 0, 1, &b"x"[..], TID).unwrap_err();
    assert!(matches!(e, FsError::NotADirectory { .. }), "{e}");
    assert_eq!(outside_snapshot(&f.base), before);
}

#[test]
fn fsroot_symlink_loops_fail() {
    let f = fixture();
    let r = &f.root;
    symlink("b", f.rp.join("a")).unwrap();
    symlink("/a", f.rp.join("b")).unwrap();
    symlink("c", f.rp.join("c")).unwrap();
    symlink("d/x", f.rp.join("d")).unwrap();
    symlink("../e/.", f.rp.join("e")).unwrap();
    for p in ["/a/x", "/b/x", "/c/x", "/d/x", "/e/x"] {
        let e = r.write_file(p, 0o644, 0, 0, 1, &b"x"[..], TID).unwrap_err();
        assert!(matches!(e, FsError::SymlinkLoop { .. }), "{p}: {e}");
        assert!(matches!(r.mkdir_all(p, 0o755), Err(FsError::SymlinkLoop { .. })), "{p}");
    }
}

#[test]
fn fsroot_owner_lookup_from_root_files() {
    let f = fixture();
    let r = &f.root;
    assert_eq!(lookup_user(r, "spike"), None); // no /etc at all
    assert_eq!(lookup_user(r, "root"), Some(0));
    r.mkdir_all("/etc", 0o755).unwrap();
    // A FIFO planted as /etc/passwd is refused without blocking.
    nix::unistd::mkfifo(&f.rp.join("etc/passwd"), Mode::from_bits_truncate(0o644)).unwrap();
    assert_eq!(lookup_user(r, "spike"), None);
    assert!(matches!(r.read_file("/etc/passwd", 10), Err(FsError::InvalidPath { .. })));
    r.remove("/etc/passwd").unwrap();
    let passwd = "root:x:0:0:root:/root:/bin/sh\nspike:x:990:990::/home/spike:/bin/sh\nbad:x:notanumber:1::/:\n";
    r.write_file("/etc/passwd", 0o644, 0, 0, 1, passwd.as_bytes(), TID).unwrap();
    r.write_file("/etc/group", 0o644, 0, 0, 1, &b"root:x:0:\nspike:x:991:\n"[..], TID).unwrap();
    assert_eq!(lookup_user(r, "spike"), Some(990));
    assert_eq!(lookup_group(r, "spike"), Some(991));
    assert_eq!(lookup_user(r, "bad"), None);
    assert_eq!(lookup_user(r, "nobody"), None);
    assert_eq!(lookup_user(r, "spike:x"), None);
    r.take_warnings();
    assert_eq!(user_id_or_root(r, "ghost"), 0);
    assert_eq!(group_id_or_root(r, "ghost"), 0);
    assert_eq!(user_id_or_root(r, "spike"), 990);
    assert_eq!(
        r.take_warnings(),
        ["user ghost does not exist - using root", "group ghost does not exist - using root"]
    );
}

#[test]
fn fsroot_chown_skipped_with_warning_when_not_root() {
    let f = fixture();
    let mut root = Root::open(&f.rp).unwrap();
    root.chown = false;
    root.write_file("/f", 0o640, 1234, 1234, 1, &b"x"[..], TID).unwrap();
    root.symlink("/l", "f", 1234, 1234, 1, TID).unwrap();
    let st = root.lstat("/f").unwrap();
    assert_eq!(st.st_mode & 0o7777, 0o640);
    assert_eq!((st.st_uid, st.st_gid), (Uid::effective().as_raw(), Gid::effective().as_raw()));
    let w = root.take_warnings();
    assert_eq!(w.len(), 2);
    assert!(w[0].contains("/f") && w[0].contains("1234:1234"), "{w:?}");
}

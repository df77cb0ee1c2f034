//! The staged write protocol and file capabilities (`stage.rs`, `caps.rs`);
//! capability bytes are compared with what libcap's `setcap` writes.

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, symlink};
use std::path::Path;

use super::*;

const TID: u32 = 0x0bad_cafe;

fn xattr(p: &Path) -> Option<Vec<u8>> {
    let c = std::ffi::CString::new(p.as_os_str().as_bytes()).ok()?;
    let mut buf = [0u8; 64];
    // SAFETY: `c` and the name are NUL-terminated; `buf` is live and its
    // length is passed, so the kernel writes at most that many bytes.
    let n = unsafe {
        libc::lgetxattr(c.as_ptr(), c"security.capability".as_ptr(), buf.as_mut_ptr().cast(), buf.len())
    };
    usize::try_from(n).ok().map(|n| buf[..n].to_vec())
}

fn meta(mode: u32, caps: &str) -> Meta<'_> {
    Meta { mode, uid: 0, gid: 0, mtime: 1_600_000_000, caps }
}

#[test]
fn fsroot_caps_bytes_match_setcap() {
    let t = tempfile::tempdir().unwrap();
    let f = t.path().join("f");
    std::fs::write(&f, b"x").unwrap();
    for text in [
        "cap_net_raw=ep",
        "cap_net_raw,cap_chown+ep",
        "cap_net_raw=p",
        "=ep",
        "all=ep",
        "all=eip cap_sys_admin-eip",
        "cap_sys_admin,cap_bpf,cap_checkpoint_restore=ei",
        "CAP_NET_BIND_SERVICE+ep",
        "cap_setuid+p cap_setuid+e",
    ] {
        let st = std::process::Command::new("setcap").arg(text).arg(&f).status().expect("setcap (libcap2-bin)");
        assert!(st.success(), "setcap {text}");
        let want = xattr(&f).expect("xattr set by setcap");
        assert_eq!(vfs_cap_data(text).map(|b| b.to_vec()), Ok(want), "{text}");
    }
    for bad in ["", "cap_nonsense=ep", "cap_net_raw", "cap_net_raw=x", "cap_net_raw=p+e cap_chown=p", "+ep"] {
        assert!(vfs_cap_data(bad).is_err(), "{bad:?} should be refused");
    }
}

#[test]
fn fsroot_staged_files_commit_with_meta_and_caps() {
    let t = tempfile::tempdir().unwrap();
    let root = Root::open(t.path()).unwrap();
    root.mkdir_all("/d", 0o755).unwrap();
    root.write_temp("/d/ping", &meta(0o104755, "cap_net_raw=ep"), &b"ping"[..], TID).unwrap();
    root.symlink_temp("/d/l", "ping", &meta(0o120777, ""), TID).unwrap();
    root.mknod_temp("/d/fifo", &meta(0o010640, ""), 0, TID).unwrap();
    root.mknod_temp("/d/null", &meta(0o020666, ""), 0x103, TID).unwrap();
    root.link_temp("/d/ping", "/d/ping2", TID).unwrap();
    // Nothing has its final name yet.
    let names: Vec<String> =
        std::fs::read_dir(t.path().join("d")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert!(names.iter().all(|n| n.ends_with(";0badcafe")), "{names:?}");
    for p in ["/d/ping", "/d/l", "/d/fifo", "/d/null", "/d/ping2"] {
        root.commit(p, TID, p).unwrap();
    }
    let md = |p: &str| std::fs::symlink_metadata(t.path().join(p)).unwrap();
    assert_eq!(md("d/ping").mode(), 0o104755);
    assert_eq!(md("d/ping").mtime(), 1_600_000_000);
    assert_eq!(md("d/ping").ino(), md("d/ping2").ino());
    assert_eq!(xattr(&t.path().join("d/ping")), Some(vfs_cap_data("cap_net_raw=ep").unwrap().to_vec()));
    assert_eq!(md("d/fifo").mode(), 0o010640);
    assert_eq!((md("d/null").mode(), md("d/null").rdev()), (0o020666, 0x103));
    assert_eq!(std::fs::read_link(t.path().join("d/l")).unwrap(), Path::new("ping"));
    assert_eq!(md("d/l").mtime(), 1_600_000_000);
    // The one-call form.
    root.mknod("/d/fifo2", &meta(0o010600, ""), 0, TID).unwrap();
    assert_eq!(md("d/fifo2").mode(), 0o010600);
    assert!(!root.remove_temp("/d/fifo2", TID).unwrap());
}

#[test]
fn fsroot_rename_and_commit_strip_setuid_of_replaced_file() {
    let t = tempfile::tempdir().unwrap();
    let root = Root::open(t.path()).unwrap();
    root.write_file("/old", 0o4755, 0, 0, 1, &b"old"[..], TID).unwrap();
    std::fs::hard_link(t.path().join("old"), t.path().join("user-link")).unwrap();
    root.write_temp("/old", &meta(0o100644, ""), &b"new"[..], TID).unwrap();
    root.commit("/old", TID, "/old").unwrap();
    let md = std::fs::symlink_metadata(t.path().join("user-link")).unwrap();
    assert_eq!(md.mode() & 0o7777, 0o755, "the old inode lost its setuid bit");
    assert_eq!(std::fs::read(t.path().join("old")).unwrap(), b"new");
    // rename: the last component is never followed, either side.
    std::fs::create_dir(t.path().join("dir")).unwrap();
    symlink("dir", t.path().join("sl")).unwrap();
    root.rename("/sl", "/sl.rpmsave").unwrap();
    assert!(std::fs::symlink_metadata(t.path().join("sl.rpmsave")).unwrap().file_type().is_symlink());
    symlink("/outside-target", t.path().join("to")).unwrap();
    root.rename("/old", "/to").unwrap();
    assert_eq!(std::fs::read(t.path().join("to")).unwrap(), b"new");
    assert!(matches!(root.rename("/a/../b", "/c"), Err(FsError::Escape { .. })));
}

#[test]
fn fsroot_ensure_dir_keeps_dirs_and_replaces_others() {
    let t = tempfile::tempdir().unwrap();
    let root = Root::open(t.path()).unwrap();
    let m = Meta { mode: 0o040750, uid: 0, gid: 0, mtime: 5, caps: "" };
    std::fs::create_dir(t.path().join("kept")).unwrap();
    std::fs::write(t.path().join("kept/x"), b"x").unwrap();
    root.ensure_dir("/kept", &m).unwrap();
    assert!(t.path().join("kept/x").is_file());
    std::fs::write(t.path().join("file"), b"x").unwrap();
    root.ensure_dir("/file", &m).unwrap();
    std::fs::create_dir(t.path().join("target")).unwrap();
    symlink("target", t.path().join("link")).unwrap();
    root.ensure_dir("/link", &m).unwrap();
    symlink("nowhere", t.path().join("dangling")).unwrap();
    root.ensure_dir("/dangling", &m).unwrap();
    root.ensure_dir("/new", &m).unwrap();
    for p in ["kept", "file", "target", "dangling", "new"] {
        let md = std::fs::symlink_metadata(t.path().join(p)).unwrap();
        assert_eq!(md.mode(), 0o040750, "{p}");
    }
    assert!(std::fs::symlink_metadata(t.path().join("link")).unwrap().file_type().is_symlink());
}

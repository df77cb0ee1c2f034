//! [`remove_files`] against `rpm -e` on a copy of the same root, and
//! [`remove_temps`] (crash recovery).

use super::*;

const ERASE: &str = r#"Name: h1erase
Version: 1
Release: 1
Summary: erase cases
License: MIT
BuildArch: noarch
%description
Saved, removed, kept, missing and retyped files.
%install
mkdir -p %{buildroot}/opt/e/d %{buildroot}/opt/e/dir2file %{buildroot}/opt/e/empty
for f in a gone c.conf keep.conf file2dir mok; do echo $f > %{buildroot}/opt/e/$f; done
echo s > %{buildroot}/opt/e/suid
ln -s a %{buildroot}/opt/e/link
%files
%dir /opt/e
%dir /opt/e/d
%dir /opt/e/dir2file
%dir /opt/e/empty
/opt/e/a
/opt/e/gone
%config /opt/e/c.conf
%config /opt/e/keep.conf
/opt/e/file2dir
%config(missingok) /opt/e/mok
%attr(4755,root,root) /opt/e/suid
/opt/e/link
%ghost /opt/e/ghost.log
"#;

#[test]
fn remove_files_matches_rpm_e() {
    let work = tempfile::tempdir().expect("tempdir");
    let pkg = built(work.path(), "h1erase", ERASE);
    let theirs = new_root();
    rpm_ok(theirs.path(), &RPM_I, &pkg);
    let e = theirs.path().join("opt/e");
    std::fs::write(e.join("c.conf"), "edited\n").expect("edit config");
    std::fs::write(e.join("d/user-file"), "mine\n").expect("user file");
    std::fs::remove_file(e.join("gone")).expect("rm");
    std::fs::remove_file(e.join("mok")).expect("rm");
    std::fs::remove_dir(e.join("dir2file")).expect("rmdir");
    std::fs::write(e.join("dir2file"), "now a file\n").expect("write");
    std::fs::remove_file(e.join("file2dir")).expect("rm");
    std::fs::create_dir(e.join("file2dir")).expect("mkdir");
    // A user's hard link to the setuid file must not stay setuid.
    std::fs::hard_link(e.join("suid"), theirs.path().join("suid-link")).expect("link");
    let ours = copy_root(theirs.path());

    let out = rpm(theirs.path(), &["-e", "--nodeps", "--noscripts", "h1erase"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut rpm_warn: Vec<String> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .map(str::to_owned)
        .collect();

    let root = Root::open(ours.path()).expect("root");
    let (fp, inst) = plan_for(&root, ours.path(), &[], &["h1erase"]);
    let warnings = remove_files(&root, &inst[0].files, &fp.erases[0].actions).expect("remove");
    let mut ours_warn: Vec<String> = fp.erases[0].warnings.iter().cloned().chain(warnings).collect();
    rpm_warn.sort();
    ours_warn.sort();
    assert_eq!(ours_warn, rpm_warn);
    assert!(ours_warn.iter().any(|w| w.contains("remove failed")), "{ours_warn:?}");
    let (mut a, mut b) = (snapshot(theirs.path()), snapshot(ours.path()));
    // rpm means to strip setuid before unlinking (`removeSBITS`), but its
    // `fchmodat(AT_SYMLINK_NOFOLLOW)` needs /proc, which a fresh root does
    // not have: there the user's link stays setuid. Ours loses the bit.
    assert_eq!(a.remove("/suid-link").map(|n| n.mode & 0o7777), Some(0o4755));
    assert_eq!(b.remove("/suid-link").map(|n| n.mode & 0o7777), Some(0o755));
    assert_eq!(a, b);
    assert!(a.contains_key("/opt/e/c.conf.rpmsave"));
    assert!(a.contains_key("/opt/e/d/user-file"));
    assert!(!a.contains_key("/opt/e/empty"));
}

#[test]
fn remove_files_refuses_mismatched_plan() {
    let root_dir = new_root();
    let root = Root::open(root_dir.path()).expect("root");
    let f = file_entries(&RpmFile::open(crate::test_support::spike_rpm("spike-alpha-1.0")).expect("open").header)
        .expect("files");
    assert!(matches!(remove_files(&root, &f, &[]), Err(TxError::FileList { .. })));
}

#[test]
fn remove_temps_removes_leftovers_only() {
    let work = tempfile::tempdir().expect("tempdir");
    let pkg = built(work.path(), "h1unknown", UNKNOWN);
    let ours = new_root();
    std::fs::create_dir_all(ours.path().join("opt/u")).expect("mkdir");
    std::fs::write(ours.path().join(format!("opt/u/a;{TID:08x}")), "x").expect("leftover");
    std::fs::write(ours.path().join("opt/u/b"), "keep").expect("final");
    let root = Root::open(ours.path()).expect("root");
    let file = RpmFile::open(&pkg).expect("open");
    let files = file_entries(&file.header).expect("files");
    remove_temps(&root, &files, TID).expect("remove_temps");
    remove_temps(&root, &files, TID).expect("again: nothing left is fine");
    assert!(temp_files(ours.path()).is_empty());
    assert!(ours.path().join("opt/u/b").is_file());
    let empty = new_root();
    remove_temps(&Root::open(empty.path()).expect("root"), &files, TID).expect("missing dirs are fine");
}

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::SyncOptions;
use super::tree::{confined, delete_stale, join_url, normalize};
use crate::output::{Mode, Printer};

fn args(words: &[&str]) -> crate::cli::CmdArgs {
    let mut v = vec!["tdnf".to_string()];
    v.extend(words.iter().map(|s| s.to_string()));
    crate::cli::parse_args(&v).expect("parse")
}

#[test]
fn options_come_from_the_setopt_list() {
    let o = SyncOptions::from_args(&args(&[
        "--arch", "x86_64", "--arch=noarch", "--delete", "--download-metadata", "--gpgcheck", "--newest-only",
        "--download-path", "/a", "--download-path=/b", "--metadata-path", "/m", "--urls", "reposync",
    ]));
    assert_eq!(o.archs, vec!["x86_64", "noarch"]);
    assert!(o.delete && o.download_metadata && o.gpgcheck && o.newest_only && o.urls_only);
    assert!(!o.norepopath && !o.source_only);
    assert_eq!((o.download_path.as_deref(), o.metadata_path.as_deref()), (Some("/b"), Some("/m")));
    let many: Vec<String> = (0..12).flat_map(|i| ["--arch".to_string(), format!("a{i}")]).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(SyncOptions::from_args(&args(&refs)).archs.len(), 10, "tdnf keeps at most 10 arches");
    assert!(SyncOptions::from_args(&args(&["--source", "reposync"])).source_only);
}

#[test]
fn conflicts_in_tdnf_order() {
    let o = SyncOptions { norepopath: true, delete: true, source_only: true, archs: vec!["x".into()], ..Default::default() };
    assert_eq!(o.conflict(2), Some("cannot use norepopath with multiple repos"));
    assert_eq!(o.conflict(1), Some("cannot use the delete option with norepopath"));
    let o = SyncOptions { source_only: true, archs: vec!["x".into()], ..Default::default() };
    assert_eq!(o.conflict(5), Some("cannot use the source option with arch"));
    assert_eq!(SyncOptions { norepopath: true, ..Default::default() }.conflict(1), None);
}

#[test]
fn arch_and_source_filters() {
    let all = SyncOptions::default();
    assert!(all.wants_arch("src") && all.wants_arch("x86_64"));
    let src = SyncOptions { source_only: true, ..Default::default() };
    assert!(src.wants_arch("src") && !src.wants_arch("noarch"));
    let a = SyncOptions { archs: vec!["noarch".into(), "i686".into()], ..Default::default() };
    assert!(a.wants_arch("i686") && !a.wants_arch("x86_64") && !a.wants_arch("noarc"));
}

#[test]
fn paths_stay_inside_the_repo_dir() {
    assert_eq!(normalize(Path::new("/a/./b//c/../d")), PathBuf::from("/a/b/d"));
    assert_eq!(normalize(Path::new("/..")), PathBuf::from("/"));
    let d = Path::new("/x/repo");
    assert_eq!(confined(d, "RPMS/x86_64/a.rpm").unwrap(), PathBuf::from("/x/repo/RPMS/x86_64/a.rpm"));
    assert_eq!(confined(d, "/a.rpm").unwrap(), PathBuf::from("/x/repo/a.rpm"));
    assert_eq!(confined(d, "sub/../a.rpm").unwrap(), PathBuf::from("/x/repo/a.rpm"));
    for bad in ["../a.rpm", "a/../../b.rpm", "", "."] {
        assert_eq!(confined(d, bad).unwrap_err().number(), 1524, "{bad:?}");
    }
    assert_eq!(join_url("http://h/r/", "/p/a.rpm"), "http://h/r/p/a.rpm");
    assert_eq!(join_url("file:///srv/r", "a.rpm"), "file:///srv/r/a.rpm");
}

#[test]
fn delete_removes_only_unkept_rpms() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir_all(d.join("sub")).unwrap();
    for f in ["keep.rpm", "stale.rpm", "sub/stale2.rpm", "notes.txt", "x.rpm.part"] {
        std::fs::write(d.join(f), "x").unwrap();
    }
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("other.rpm"), "x").unwrap();
    std::os::unix::fs::symlink(outside.path(), d.join("link")).unwrap();
    let kept: HashSet<PathBuf> = [d.join("keep.rpm")].into_iter().collect();
    delete_stale(&Printer::new(Mode::Text, true, false), d, &kept);
    for (f, there) in [("keep.rpm", true), ("stale.rpm", false), ("sub/stale2.rpm", false), ("notes.txt", true), ("x.rpm.part", true)] {
        assert_eq!(d.join(f).exists(), there, "{f}");
    }
    assert!(outside.path().join("other.rpm").exists(), "symlinked dirs are not followed");
    delete_stale(&Printer::new(Mode::Text, true, false), &d.join("missing"), &kept);
}

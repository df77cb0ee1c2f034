//! Sync-level tests of the trust hooks: a validly signed but older repomd
//! (a rollback) is refused, also after the cache was wiped (`clean all`),
//! and keys are imported into the rpmdb when allowed.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::sync::{SyncPolicy, Trust, sync_trusted};
use crate::config::RepoConf;
use crate::download::{Downloader, NetOptions};
use crate::error::Code;
use crate::output::{Mode, Printer};
use crate::test_support::spike_repo;

/// A copy of the spike repo whose repomd timestamps are shifted by
/// `shift` seconds and re-signed with the spike key (a valid signature).
fn shifted_copy(dst: &Path, shift: i64) {
    let src = spike_repo();
    fs_err::create_dir_all(dst.join("repodata")).unwrap();
    for e in fs_err::read_dir(src.join("repodata")).unwrap() {
        let e = e.unwrap();
        fs_err::copy(e.path(), dst.join("repodata").join(e.file_name())).unwrap();
    }
    let path = dst.join("repodata/repomd.xml");
    let text = fs_err::read_to_string(&path).unwrap();
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("<timestamp>") {
        let (head, tail) = rest.split_at(i + "<timestamp>".len());
        let end = tail.find('<').unwrap();
        let ts: i64 = tail[..end].parse().unwrap();
        out.push_str(head);
        out.push_str(&(ts + shift).to_string());
        rest = &tail[end..];
    }
    out.push_str(rest);
    fs_err::write(&path, out).unwrap();
    let asc = dst.join("repodata/repomd.xml.asc");
    let _ = fs_err::remove_file(&asc);
    let st = Command::new("gpg")
        .arg("--homedir")
        .arg(spike_repo().join("../gnupg"))
        .args(["--batch", "--yes", "--armor", "--local-user", "spike@example.invalid", "--detach-sign", "--output"])
        .arg(&asc)
        .arg(&path)
        .output()
        .unwrap();
    assert!(st.status.success(), "gpg: {}", String::from_utf8_lossy(&st.stderr));
}

fn repo(dir: &Path) -> RepoConf {
    let mut r = RepoConf::new("spike");
    r.baseurls = vec![format!("file://{}", dir.display())];
    r.repo_gpgcheck = true;
    r.gpgkeys = vec![format!("file://{}", spike_repo().join("RPM-GPG-KEY-spike").display())];
    r
}

fn sync(dir: &Path, cache: &Path, trust: &Trust) -> crate::error::Result<super::sync::SyncedRepo> {
    let dl = Downloader::new(Path::new("/"), "test".into());
    let printer = Printer::new(Mode::Text, true, false);
    let policy = SyncPolicy { cache_only: false, refresh: true, keepcache: false };
    sync_trusted(&dl, &printer, &repo(dir), cache, NetOptions::default(), policy, trust)
}

#[test]
fn rollback_is_refused_even_after_clean_all_and_the_override_works() {
    let t = tempfile::tempdir().unwrap();
    let (new, old) = (t.path().join("new"), t.path().join("old"));
    shifted_copy(&new, 0);
    shifted_copy(&old, -86_400);
    let state: PathBuf = t.path().join("persist");
    let cache = t.path().join("cache");
    let trust = Trust { state_dir: Some(state.clone()), ..Trust::default() };
    let s = sync(&new, &cache, &trust).unwrap();
    let newest = s.repomd.timestamp_max.unwrap();
    assert_eq!(fs_err::read_to_string(state.join("repo-state/spike")).unwrap().trim(), newest.to_string());
    // The mirror now serves the older, validly signed repomd.
    let e = sync(&old, &cache, &trust).unwrap_err();
    assert_eq!(e.kind(), Code::MetadataRollback, "{}", e.message());
    // `clean all` removes the cache; the state is elsewhere.
    fs_err::remove_dir_all(&cache).unwrap();
    assert_eq!(sync(&old, &cache, &trust).unwrap_err().kind(), Code::MetadataRollback);
    let allow = Trust { allow_rollback: true, ..trust.clone() };
    assert_eq!(sync(&old, &cache, &allow).unwrap().repomd.timestamp_max, Some(newest - 86_400));
    // The mark stays at the newest: the plain sync still refuses.
    assert_eq!(sync(&old, &cache, &trust).unwrap_err().kind(), Code::MetadataRollback);
    // Freeze: metadata older than the maximum age.
    let freeze = Trust { max_age: Some(std::time::Duration::from_secs(60)), ..trust };
    assert_eq!(sync(&new, &cache, &freeze).unwrap_err().kind(), Code::MetadataTooOld);
}

#[test]
fn repomd_key_is_imported_into_the_rpmdb_when_allowed() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("root");
    let dbdir = root.join("var/lib/rpm");
    let trust = Trust { dbdir: Some(dbdir.clone()), import_keys: true, ..Trust::default() };
    sync(&spike_repo(), &t.path().join("cache"), &trust).unwrap();
    let out = Command::new("rpm").arg("--root").arg(&root).args(["--dbpath", "/var/lib/rpm", "-q", "gpg-pubkey"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("gpg-pubkey-"));
    // Now the rpmdb key alone verifies it (no gpgkey listed).
    let dl = Downloader::new(Path::new("/"), "test".into());
    let printer = Printer::new(Mode::Text, true, false);
    let mut r = repo(&spike_repo());
    r.gpgkeys.clear();
    let policy = SyncPolicy { cache_only: false, refresh: true, keepcache: false };
    sync_trusted(&dl, &printer, &r, &t.path().join("cache2"), NetOptions::default(), policy, &trust).unwrap();
}

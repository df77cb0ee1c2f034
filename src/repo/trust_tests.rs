//! Sync-level tests of the trust hooks: the key that verified repomd is
//! imported into the rpmdb only when allowed, and then trusted alone.
//! Rollback and freeze through a sync are tested end to end in
//! `tests/cli/signatures.rs` (the state itself in [`super::rollback`]).

use std::path::Path;
use std::process::Command;

use super::sync::{SyncPolicy, Syncer, Trust};
use crate::config::RepoConf;
use crate::download::{Downloader, NetOptions};
use crate::output::{Mode, Printer};
use crate::signature::KeyImport;
use crate::test_support::spike_repo;

fn repo(dir: &Path) -> RepoConf {
    let mut r = RepoConf::new("spike");
    r.baseurls = vec![format!("file://{}", dir.display())];
    r.repo_gpgcheck = true;
    r.gpgkeys = vec![format!("file://{}", spike_repo().join("RPM-GPG-KEY-spike").display())];
    r
}

fn sync_repo(r: &RepoConf, cache: &Path, trust: &Trust) -> crate::error::Result<super::sync::SyncedRepo> {
    let dl = Downloader::new(Path::new("/"), "test".into());
    let printer = Printer::new(Mode::Text, true, false);
    let policy = SyncPolicy { cache_only: false, refresh: true, keepcache: false };
    Syncer { dl: &dl, printer: &printer, cachedir: cache, policy }.sync(r, NetOptions::default(), trust)
}

#[test]
fn repomd_key_is_imported_into_the_rpmdb_when_allowed() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("root");
    let dbdir = root.join("var/lib/rpm");
    // Declined: verified with the gpgkey file, nothing imported.
    let no = Trust { dbdir: Some(dbdir.clone()), import_keys: KeyImport::NoTerminal, ..Trust::default() };
    sync_repo(&repo(&spike_repo()), &t.path().join("cache0"), &no).unwrap();
    assert!(!dbdir.join("rpmdb.sqlite").exists());
    let trust = Trust { dbdir: Some(dbdir.clone()), import_keys: KeyImport::Yes, ..Trust::default() };
    sync_repo(&repo(&spike_repo()), &t.path().join("cache"), &trust).unwrap();
    let out = Command::new("rpm").arg("--root").arg(&root).args(["--dbpath", "/var/lib/rpm", "-q", "gpg-pubkey"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("gpg-pubkey-"));
    // Now the rpmdb key alone verifies it (no gpgkey listed).
    let mut r = repo(&spike_repo());
    r.gpgkeys.clear();
    sync_repo(&r, &t.path().join("cache2"), &trust).unwrap();
}

//! The engine killed with SIGKILL at known points of a transaction (and at
//! arbitrary moments): the next run must say the transaction was
//! interrupted, complete it, and leave an rpmdb the real rpm agrees with —
//! no duplicate NEVRA, `rpm -Va` clean, no `;<tid>` temp files.

use std::collections::BTreeSet;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::test_repo;

fn tdnf() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tdnf"))
}

fn rpm_of(name: &str) -> String {
    test_repo().join(format!("{name}.rpm")).display().to_string()
}

/// A root with the spike base set installed by us (no kill).
fn base_root() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let base = ["spike-filesystem-1.0-1.noarch", "spike-sh-1.35.0-1.x86_64", "spike-setup-1.0-1.noarch"];
    let mut args = vec!["__engine".to_owned(), "--root".into(), dir.path().display().to_string(), "install".into()];
    args.extend(base.iter().map(|n| rpm_of(n)));
    let out = Command::new(tdnf()).args(&args).output().expect("run");
    assert!(out.status.success(), "base install: {}", String::from_utf8_lossy(&out.stderr));
    dir
}

/// Run `tdnf __engine --root R <args>` with `TDNF_ENGINE_KILL_AT=kill`.
fn engine(root: &Path, args: &[&str], kill: Option<&str>) -> std::process::Output {
    let mut c = Command::new(tdnf());
    c.arg("__engine").arg("--root").arg(root).args(args).stdin(Stdio::null());
    if let Some(k) = kill {
        c.env("TDNF_ENGINE_KILL_AT", k);
    }
    c.output().expect("run engine")
}

fn rpm_q(root: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("rpm")
        .arg("--root")
        .arg(root)
        .args(["--dbpath", "/var/lib/rpm"])
        .args(args)
        .output()
        .expect("rpm");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

/// Paths under `root` whose name has rpm's `;<8 hex>` temp suffix.
fn temp_files(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.rsplit_once(';').is_some_and(|(_, t)| t.len() == 8 && t.bytes().all(|b| b.is_ascii_hexdigit())) {
                found.push(p.clone());
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(p);
            }
        }
    }
    found
}

/// The invariants after recovery: NEVRAs are unique and as `expected`,
/// rpm -Va finds nothing, no temp files, no journal.
fn assert_consistent(root: &Path, expected: &[&str]) {
    let (ok, qa) = rpm_q(root, &["-qa"]);
    assert!(ok, "rpm -qa failed: {qa}");
    let lines: Vec<&str> = qa.lines().collect();
    let set: BTreeSet<&str> = lines.iter().copied().collect();
    assert_eq!(set.len(), lines.len(), "duplicate NEVRA in the rpmdb:\n{qa}");
    let want: BTreeSet<&str> = expected.iter().copied().collect();
    assert_eq!(set, want, "installed set after recovery");
    let (ok, va) = rpm_q(root, &["-Va", "--nodeps"]);
    assert!(ok && va.trim().is_empty(), "rpm -Va --nodeps after recovery:\n{va}");
    assert_eq!(temp_files(root), Vec::<PathBuf>::new(), "temp files left");
    assert!(!root.join("var/lib/tdnf/transaction.journal").exists(), "journal left behind");
}

const BASE: [&str; 3] = ["spike-filesystem-1.0-1.noarch", "spike-sh-1.35.0-1.x86_64", "spike-setup-1.0-1.noarch"];

fn with_base(extra: &[&'static str]) -> Vec<&'static str> {
    BASE.iter().copied().chain(extra.iter().copied()).collect()
}

/// Kill an upgrade of spike-alpha 1.0 → 2.0 (elements: 0 install 2.0,
/// 1 erase 1.0) at `point`, then recover with the next run.
fn upgrade_killed_at(point: &str) {
    let dir = base_root();
    let root = dir.path();
    let out = engine(root, &["install", &rpm_of("spike-alpha-1.0-1.x86_64")], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = engine(root, &["upgrade", &rpm_of("spike-alpha-2.0-1.x86_64")], Some(point));
    assert_eq!(out.status.signal(), Some(9), "not killed at {point}: {}", String::from_utf8_lossy(&out.stderr));
    assert!(root.join("var/lib/tdnf/transaction.journal").exists(), "no journal after the kill at {point}");

    let out = engine(root, &["recover"], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "recover after {point}: {stderr}");
    assert!(stderr.contains("was interrupted; completing it"), "recovery not announced: {stderr}");
    assert_consistent(root, &with_base(&["spike-alpha-2.0-1.x86_64"]));
}

#[test]
fn killed_after_the_journal_is_written() {
    upgrade_killed_at("begun:0");
}

#[test]
fn killed_after_the_new_files_before_the_rpmdb_entry() {
    upgrade_killed_at("files-done:0");
}

#[test]
fn killed_between_the_new_entry_and_the_old_erase() {
    upgrade_killed_at("db-done:0");
}

#[test]
fn killed_after_the_old_files_are_removed() {
    upgrade_killed_at("files-done:1");
}

/// A plain transaction killed at its second element; the next transaction
/// (not `recover`) completes it first, then runs.
#[test]
fn next_transaction_completes_the_interrupted_one_first() {
    let dir = base_root();
    let root = dir.path();
    let args = ["install", &rpm_of("spike-beta-1.0-1.noarch"), &rpm_of("spike-gamma-1.0-1.noarch")];
    let out = engine(root, &args, Some("files-done:1"));
    assert_eq!(out.status.signal(), Some(9));
    let out = engine(root, &["install", &rpm_of("spike-hardlinks-1.0-1.noarch")], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("was interrupted"), "{stderr}");
    assert_consistent(
        root,
        &with_base(&["spike-beta-1.0-1.noarch", "spike-gamma-1.0-1.noarch", "spike-hardlinks-1.0-1.noarch"]),
    );
}

/// SIGKILL at arbitrary moments of a 3000-file install: whatever the
/// moment, recovery ends consistent (either nothing was started, or the
/// package is installed).
#[test]
fn killed_at_arbitrary_moments_of_a_large_unpack() {
    for delay_ms in [5u64, 30, 80, 200] {
        let dir = base_root();
        let root = dir.path();
        let mut child = Command::new(tdnf())
            .arg("__engine")
            .arg("--root")
            .arg(root)
            .args(["install", &rpm_of("spike-manyfiles-1.0-1.noarch")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().expect("wait");
        let out = engine(root, &["recover"], None);
        assert!(out.status.success(), "recover after {delay_ms} ms: {}", String::from_utf8_lossy(&out.stderr));
        let (_, qa) = rpm_q(root, &["-qa"]);
        let expected = if qa.contains("spike-manyfiles") || status.signal().is_none() {
            with_base(&["spike-manyfiles-1.0-1.noarch"])
        } else {
            with_base(&[])
        };
        assert_consistent(root, &expected);
    }
}

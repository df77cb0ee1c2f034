//! repo_gpgcheck end to end: repomd.xml verified against repomd.xml.asc
//! with the repo's `gpgkey` keys, refusals in text and `-j` mode,
//! downloads capped at the sizes the signed repomd gives, rollback and
//! freeze protection, and the key import into the root's rpmdb.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::support::server::{Faults, serve};
use crate::support::{TestContext, copy_tree, test_repo};

fn key_url() -> String {
    format!("file://{}", test_repo().join("RPM-GPG-KEY-spike").display())
}

/// A copy of the signed spike repo that a test may corrupt.
fn repo_copy(ctx: &TestContext) -> std::path::PathBuf {
    let dir = ctx.dir.join("served");
    copy_tree(test_repo(), &dir);
    dir
}

fn assert_error(ctx: &TestContext, args: &[&str], code: u32, needle: &str) {
    let text = ctx.run(args);
    assert_eq!(text.code, (code & 0xff) as i32, "{}", text.snapshot(ctx));
    assert!(text.stderr.contains(&format!("Error({code}) : ")) && text.stderr.contains(needle), "{}", text.snapshot(ctx));
    let mut jargs = vec!["-j"];
    jargs.extend_from_slice(args);
    let json = ctx.run(&jargs);
    assert_eq!(json.code, (code & 0xff) as i32, "{}", json.snapshot(ctx));
    let v = json.json();
    assert_eq!(v["Error"], code, "{}", json.snapshot(ctx));
    assert!(v["ErrorMessage"].as_str().unwrap().contains(needle), "{}", json.snapshot(ctx));
}

#[test]
fn signed_repomd_is_accepted_with_the_repo_key() {
    let ctx = TestContext::new();
    ctx.add_repo("spike", &format!("file://{}", test_repo().display()), &format!("repo_gpgcheck=1\ngpgkey={}", key_url()));
    let out = ctx.run(&["makecache"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let out = ctx.run(&["-q", "list", "available", "spike-alpha"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(out.stdout.contains("spike-alpha"), "{}", out.snapshot(&ctx));
}

#[test]
fn repomd_changed_after_signing_is_refused() {
    let ctx = TestContext::new();
    let dir = repo_copy(&ctx);
    let repomd = dir.join("repodata/repomd.xml");
    let text = std::fs::read_to_string(&repomd).unwrap();
    std::fs::write(&repomd, text.replacen("<revision>", "<revision>evil", 1)).unwrap();
    ctx.add_repo("spike", &format!("file://{}", dir.display()), &format!("repo_gpgcheck=1\ngpgkey={}", key_url()));
    assert_error(&ctx, &["makecache"], 2004, "failed to verify signature");
    assert!(ctx.run(&["makecache"]).stderr.contains(": BAD"));
}

#[test]
fn repomd_signed_by_another_key_and_missing_gpgkey_are_refused() {
    let ctx = TestContext::new();
    let other = test_repo().join("../other/RPM-GPG-KEY-spike-other");
    ctx.add_repo("spike", &format!("file://{}", test_repo().display()), &format!("repo_gpgcheck=1\ngpgkey=file://{}", other.display()));
    assert_error(&ctx, &["makecache"], 2004, "NOKEY");
    let ctx = TestContext::new();
    ctx.add_repo("spike", &format!("file://{}", test_repo().display()), "repo_gpgcheck=1");
    assert_error(&ctx, &["makecache"], 1523, "gpgkey entry is missing");
}

#[test]
fn missing_signature_is_refused_over_http() {
    let ctx = TestContext::new();
    let server = serve(test_repo(), Faults { not_found: vec!["repomd.xml.asc".into()], ..Faults::default() });
    ctx.add_repo("spike", &server.url(false), &format!("repo_gpgcheck=1\ngpgkey={}\nretries=1", key_url()));
    let out = ctx.run(&["makecache"]);
    assert_ne!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains("repomd.xml.asc"), "{}", out.snapshot(&ctx));
}

#[test]
fn a_primary_larger_than_the_signed_repomd_says_is_refused() {
    let ctx = TestContext::new();
    let dir = repo_copy(&ctx);
    let primary = std::fs::read_dir(dir.join("repodata"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().ends_with("primary.xml.gz"))
        .unwrap();
    let mut bytes = std::fs::read(&primary).unwrap();
    bytes.extend(std::iter::repeat_n(0u8, 1 << 20));
    std::fs::write(&primary, bytes).unwrap();
    let server = serve(Path::new(&dir), Faults::default());
    ctx.add_repo("spike", &server.url(false), &format!("repo_gpgcheck=1\ngpgkey={}\nretries=1", key_url()));
    assert_error(&ctx, &["makecache"], 1527, "");
}

/// Rewrite the `<timestamp>`s of `dir`'s repomd.xml with `f` and sign it
/// again with the spike key: a validly signed repomd with other times.
fn retime_and_sign(dir: &Path, f: impl Fn(i64) -> i64) {
    let path = dir.join("repodata/repomd.xml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("<timestamp>") {
        let (head, tail) = rest.split_at(i + "<timestamp>".len());
        let end = tail.find('<').unwrap();
        out.push_str(head);
        out.push_str(&f(tail[..end].parse().unwrap()).to_string());
        rest = &tail[end..];
    }
    out.push_str(rest);
    std::fs::write(&path, out).unwrap();
    let asc = dir.join("repodata/repomd.xml.asc");
    let _ = std::fs::remove_file(&asc);
    let st = Command::new("gpg")
        .arg("--homedir")
        .arg(test_repo().join("../gnupg"))
        .args(["--batch", "--yes", "--armor", "--local-user", "spike@example.invalid", "--detach-sign", "--output"])
        .arg(&asc)
        .arg(&path)
        .output()
        .unwrap();
    assert!(st.status.success(), "gpg: {}", String::from_utf8_lossy(&st.stderr));
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn signed_repo(ctx: &TestContext, url: &str, extra: &str) {
    ctx.add_repo("spike", url, &format!("repo_gpgcheck=1\ngpgkey={}\nretries=1\n{extra}", key_url()));
}

fn state_file(ctx: &TestContext) -> PathBuf {
    ctx.root.join("var/lib/tdnf/repo-state/spike")
}

#[test]
fn a_rolled_back_repomd_is_refused_also_after_clean_all_and_the_override_accepts_it() {
    let ctx = TestContext::new();
    let dir = repo_copy(&ctx);
    let server = serve(&dir, Faults::default());
    signed_repo(&ctx, &server.url(false), "");
    let out = ctx.run(&["makecache"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let accepted = std::fs::read_to_string(state_file(&ctx)).unwrap();
    // The mirror now serves a validly signed repomd one day older.
    retime_and_sign(&dir, |t| t - 86_400);
    assert_error(&ctx, &["makecache"], 2801, "refusing a metadata rollback");
    // clean all wipes the cache, not the state: still refused.
    let out = ctx.run(&["clean", "all"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert_error(&ctx, &["makecache"], 2801, "older than the");
    assert_error(&ctx, &["list", "available", "spike-alpha"], 2801, "rollback");
    assert_eq!(std::fs::read_to_string(state_file(&ctx)).unwrap(), accepted);
    // The documented override, for one repo or all; the mark stays.
    for opt in ["--setopt=spike.allow_metadata_rollback=1", "--setopt=allow_metadata_rollback=1"] {
        let out = ctx.run(&[opt, "makecache"]);
        assert_eq!(out.code, 0, "{opt}: {}", out.snapshot(&ctx));
    }
    assert_eq!(std::fs::read_to_string(state_file(&ctx)).unwrap(), accepted);
    assert_error(&ctx, &["makecache"], 2801, "rollback");
    // A newer repomd is accepted and raises the mark.
    retime_and_sign(&dir, |t| t + 2 * 86_400);
    let out = ctx.run(&["makecache"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert_ne!(std::fs::read_to_string(state_file(&ctx)).unwrap(), accepted);
}

#[test]
fn metadata_older_than_metadata_max_age_is_refused() {
    let ctx = TestContext::new();
    let dir = repo_copy(&ctx);
    // Two days old, whenever the test repo was built.
    let newest = std::fs::read_to_string(dir.join("repodata/repomd.xml")).unwrap();
    let newest: i64 = newest.split("<timestamp>").skip(1).filter_map(|s| s.split('<').next()?.parse().ok()).max().unwrap();
    let shift = now() - 2 * 86_400 - newest;
    retime_and_sign(&dir, |t| t + shift);
    signed_repo(&ctx, &format!("file://{}", dir.display()), "metadata_max_age=1d");
    assert_error(&ctx, &["makecache"], 2802, "metadata_max_age");
    // The repo key wins over [main]; [main] applies to repos without one.
    let out = ctx.run(&["--setopt=spike.metadata_max_age=7d", "makecache"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    signed_repo(&ctx, &format!("file://{}", dir.display()), "");
    assert_error(&ctx, &["--setopt=metadata_max_age=36h", "makecache"], 2802, "frozen");
    let out = ctx.run(&["--setopt=metadata_max_age=3d", "makecache"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
}

#[test]
fn the_repomd_key_is_imported_into_the_rpmdb_with_y_only() {
    let ctx = TestContext::new();
    signed_repo(&ctx, &format!("file://{}", test_repo().display()), "");
    let rpm_keys = || {
        let out = Command::new("rpm").arg("--root").arg(&ctx.root).args(["--dbpath", "/var/lib/rpm", "-q", "gpg-pubkey"]).output().unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    // No terminal and no -y: verified, not imported, and said so.
    let out = ctx.run(&["makecache"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(out.stdout.contains("is not imported into the rpm database (use -y"), "{}", out.snapshot(&ctx));
    assert!(!rpm_keys().0);
    let out = ctx.run(&["-y", "makecache"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(out.stdout.contains("importing key from file://"), "{}", out.snapshot(&ctx));
    let (ok, list) = rpm_keys();
    assert!(ok && list.starts_with("gpg-pubkey-"), "{list}");
    // The rpmdb key now verifies repomd without any gpgkey.
    ctx.add_repo("spike", &format!("file://{}", test_repo().display()), "repo_gpgcheck=1");
    let out = ctx.run(&["makecache"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
}

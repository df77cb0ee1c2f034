//! repo_gpgcheck end to end: repomd.xml verified against repomd.xml.asc
//! with the repo's `gpgkey` keys, refusals in text and `-j` mode, and
//! downloads capped at the sizes the signed repomd gives.

use std::path::Path;

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

//! `history undo/redo/rollback` end to end (spec §6) on the signed spike
//! repo: after each operation the root's rpmdb (`rpm --root R -qa`, the
//! oracle) must hold the package set the history says it should, and the
//! operation must be recorded as a new row.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

use crate::support::{TestContext, build_repo, signed_ctx, simple_spec};

/// `rpm -qa` NEVRAs (keys left out), sorted.
fn qa(ctx: &TestContext) -> BTreeSet<String> {
    let out = Command::new("rpm")
        .arg("--root")
        .arg(&ctx.root)
        .args(["--dbpath", "/var/lib/rpm", "-qa", "--qf", "%{NEVRA}\\n"])
        .output()
        .expect("rpm -qa");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().filter(|l| !l.starts_with("gpg-pubkey-")).map(str::to_owned).collect()
}

/// The rows of `-j history --info`.
fn rows(ctx: &TestContext) -> Vec<Value> {
    let out = ctx.run(&["-j", "history", "--info"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(ctx));
    out.json().as_array().expect("history is an array").clone()
}

fn names(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|n| n.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

/// The package set after transaction `id`, replayed from the rows (keys
/// left out).
fn state_at(rows: &[Value], id: i64) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    for r in rows.iter().filter(|r| r["Id"].as_i64().is_some_and(|i| i <= id)) {
        for a in names(&r["Added"]) {
            set.insert(a);
        }
        for d in names(&r["Removed"]) {
            set.remove(&d);
        }
    }
    set.retain(|n| !n.starts_with("gpg-pubkey-"));
    set
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

const GAMMA: &str = "spike-gamma-1.0-1.noarch";
const DELTA: &str = "spike-delta-1.0-1.noarch";

/// install gamma (2), install delta (3), erase gamma (4); row 1 is the
/// base set the first transaction records.
fn three_transactions(ctx: &TestContext) {
    for args in [["-y", "install", "spike-gamma"], ["-y", "install", "spike-delta"], ["-y", "erase", "spike-gamma"]] {
        let out = ctx.run(&args);
        assert_eq!(out.code, 0, "{}", out.snapshot(ctx));
    }
    let r = rows(ctx);
    assert_eq!(r.len(), 4, "{r:?}");
    assert_eq!(names(&r[3]["Removed"]), [GAMMA]);
    assert_eq!(qa(ctx), set(&[DELTA]));
}

/// The newest row: its command line ends with `tail`, it added and removed
/// exactly these.
fn assert_last_row(ctx: &TestContext, tail: &str, added: &[&str], removed: &[&str]) -> Vec<Value> {
    let r = rows(ctx);
    let last = r.last().expect("a row");
    assert!(last["CmdLine"].as_str().is_some_and(|c| c.ends_with(tail)), "{last}");
    assert_eq!(names(&last["Added"]), added, "{last}");
    assert_eq!(names(&last["Removed"]), removed, "{last}");
    r
}

#[test]
fn undo_redo_rollback_follow_the_history() {
    let ctx = signed_ctx();
    three_transactions(&ctx);

    // undo 4: gamma comes back (the state after 3).
    let out = ctx.run(&["-y", "history", "undo", "4"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    for s in ["Installing:", "spike-gamma", "Complete!"] {
        assert!(out.stdout.contains(s), "no {s:?} in {}", out.snapshot(&ctx));
    }
    let r = assert_last_row(&ctx, "history undo 4", &[GAMMA], &[]);
    assert_eq!(qa(&ctx), state_at(&r, 3));
    assert_eq!(qa(&ctx), set(&[DELTA, GAMMA]));

    // Undoing it again changes nothing.
    let out = ctx.run(&["-y", "history", "undo", "4"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains("Nothing to do"), "{}", out.snapshot(&ctx));
    assert_eq!(rows(&ctx).len(), 5);

    // redo 4 (JSON): gamma goes again.
    let out = ctx.run(&["-j", "-y", "history", "redo", "4"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let v = out.json();
    assert_eq!(v["Remove"][0]["Name"], "spike-gamma", "{v}");
    assert!(v.get("Install").is_none(), "{v}");
    let r = assert_last_row(&ctx, "history redo 4", &[], &[GAMMA]);
    assert_eq!(qa(&ctx), state_at(&r, 4));

    // rollback 2: exactly the set after the first install.
    let out = ctx.run(&["-y", "history", "rollback", "2"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let r = assert_last_row(&ctx, "history rollback 2", &[GAMMA], &[DELTA]);
    assert_eq!(qa(&ctx), state_at(&r, 2));
    assert_eq!(qa(&ctx), set(&[GAMMA]));

    // rollback 1: back to the empty base set (the key stays).
    let out = ctx.run(&["-j", "-y", "history", "rollback", "1"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert_eq!(out.json()["Remove"][0]["Name"], "spike-gamma");
    let r = assert_last_row(&ctx, "history rollback 1", &[], &[GAMMA]);
    assert!(qa(&ctx).is_empty());
    assert_eq!(state_at(&r, 1), BTreeSet::new());
}

#[test]
fn without_yes_nothing_changes() {
    let ctx = signed_ctx();
    three_transactions(&ctx);
    let out = ctx.run(&["history", "undo", "4"]);
    assert_eq!(out.code, 1032 & 0xff, "{}", out.snapshot(&ctx));
    let out = ctx.run(&["-j", "--assumeno", "history", "undo", "4"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert_eq!(out.json()["Install"][0]["Name"], "spike-gamma");
    assert_eq!(qa(&ctx), set(&[DELTA]));
    assert_eq!(rows(&ctx).len(), 4);
}

#[test]
fn invalid_ids_are_1622() {
    let ctx = signed_ctx();
    three_transactions(&ctx);
    for args in [
        &["history", "undo", "1"][..],
        &["history", "redo", "1"],
        &["history", "undo", "9"],
        &["history", "redo", "4-3"],
        &["history", "rollback", "0"],
        &["history", "rollback", "5"],
    ] {
        let mut full = vec!["-y"];
        full.extend_from_slice(args);
        let out = ctx.run(&full);
        assert_eq!(out.code, 1622 & 0xff, "{args:?}: {}", out.snapshot(&ctx));
        assert!(out.stderr.contains("Error(1622)"), "{args:?}: {}", out.snapshot(&ctx));
    }
    assert_eq!(rows(&ctx).len(), 4);
    assert_eq!(qa(&ctx), set(&[DELTA]));
}

#[test]
fn a_package_no_repo_has_is_1011() {
    let ctx = TestContext::new();
    let repo = build_repo(&ctx.dir.join("gone"), &[("h9-gone", &simple_spec("h9-gone", "1.0", "", ""))], &[]);
    ctx.add_repo("gone", &format!("file://{}", repo.display()), "gpgcheck=0");
    for args in [["-y", "install", "h9-gone"], ["-y", "erase", "h9-gone"]] {
        let out = ctx.run(&args);
        assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    }
    std::fs::remove_file(ctx.reposdir.join("gone.repo")).expect("rm repo");
    // An empty repo, so that the metadata still loads.
    let empty = build_repo(&ctx.dir.join("empty"), &[], &[]);
    ctx.add_repo("empty", &format!("file://{}", empty.display()), "gpgcheck=0");

    let out = ctx.run(&["-y", "history", "undo", "3"]);
    assert_eq!(out.code, 1011 & 0xff, "{}", out.snapshot(&ctx));
    assert!(
        out.stdout.contains(
            "The following packages could not be resolved:\n\nh9-gone-1.0-1.noarch\n\nThe package(s) may have been moved out of the enabled repositories since the\n"
        ),
        "{}",
        out.snapshot(&ctx)
    );
    assert!(out.stderr.contains("Error(1011)"), "{}", out.snapshot(&ctx));

    let out = ctx.run(&["-j", "-y", "history", "undo", "3"]);
    assert_eq!(out.code, 1011 & 0xff, "{}", out.snapshot(&ctx));
    assert_eq!(out.json()["Error"], 1011, "{}", out.snapshot(&ctx));
    assert!(qa(&ctx).is_empty());
    assert_eq!(rows(&ctx).len(), 3);
}

/// `mark install` of a dependency is a flag-only row; rolling back to
/// before it changes only the flag: a row is still recorded, `-j` prints
/// `{}`, and the package is auto-installed again.
#[test]
fn flag_only_rollback_records_a_row() {
    let ctx = signed_ctx();
    let out = ctx.run(&["-y", "install", "spike-beta"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let userinstalled = |ctx: &TestContext| {
        let out = ctx.run(&["-q", "repoquery", "--userinstalled", "--qf", "%{name}"]);
        assert_eq!(out.code, 0, "{}", out.snapshot(ctx));
        out.stdout.lines().map(str::to_owned).collect::<BTreeSet<String>>()
    };
    assert!(!userinstalled(&ctx).contains("spike-alpha"), "{:?}", userinstalled(&ctx));
    let out = ctx.run(&["mark", "install", "spike-alpha"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(userinstalled(&ctx).contains("spike-alpha"));
    let before = qa(&ctx);
    let n = rows(&ctx).len();

    let out = ctx.run(&["-j", "-y", "history", "rollback", "2"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert_eq!(out.stdout.trim(), "{}", "{}", out.snapshot(&ctx));
    let r = assert_last_row(&ctx, "history rollback 2", &[], &[]);
    assert_eq!(r.len(), n + 1);
    assert_eq!(qa(&ctx), before);
    assert!(!userinstalled(&ctx).contains("spike-alpha"), "{:?}", userinstalled(&ctx));
}

//! `--testonly`, `--downloadonly --downloaddir`, `--assumeno`, no stdin,
//! `-y`, and bad specs with tdnf's codes.

use std::process::Stdio;
use std::time::Duration;

use super::{BASE, assert_installed, base_ctx, base_plus, history, output_of, snap, spawn, wait_bounded};

const PLAN_GAMMA: &str = "\nInstalling:\nspike-gamma      noarch       1.0-1            spike          6.00b [DL]\n\nTotal installed size:   6.00b\nTotal download size: [DL]\n";

#[test]
fn testonly_changes_nothing_and_writes_no_history_row() {
    let ctx = base_ctx();
    let rows = history(&ctx).len();
    let out = ctx.run(&["-y", "--testonly", "install", "spike-gamma"]);
    assert_eq!(snap(&out, &ctx), format!("exit: 0\n--- stdout\n{PLAN_GAMMA}Testing transaction\n--- stderr\n\n"));
    let out = ctx.run(&["-j", "-y", "--testonly", "install", "spike-gamma"]);
    assert_eq!(out.code, 0, "{}", snap(&out, &ctx));
    assert_eq!(out.json()["Install"][0]["Name"], "spike-gamma");
    assert_installed(&ctx, &BASE);
    assert_eq!(history(&ctx).len(), rows, "--testonly wrote a history row");
}

#[test]
fn downloadonly_puts_the_files_in_the_downloaddir_and_installs_nothing() {
    let ctx = base_ctx();
    let rows = history(&ctx).len();
    let dir = ctx.dir.join("dl");
    let d = dir.display().to_string();
    let out = ctx.run(&["-y", "--downloadonly", "--downloaddir", &d, "install", "spike-gamma", "spike-epoch"]);
    assert_eq!(
        snap(&out, &ctx),
        "exit: 0\n--- stdout\n\nInstalling:\nspike-gamma      noarch       1.0-1            spike          6.00b [DL]\nspike-epoch      noarch       2:0.9-1          spike          6.00b [DL]\n\nTotal installed size:  12.00b\nTotal download size: [DL]\n--- stderr\n\n"
    );
    let mut files: Vec<String> = std::fs::read_dir(&dir).expect("downloaddir").flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    files.sort();
    assert_eq!(files, ["spike-epoch-0.9-1.noarch.rpm", "spike-gamma-1.0-1.noarch.rpm"]);
    for f in &files {
        let want = std::fs::read(crate::support::test_repo().join(f)).expect("repo file");
        assert_eq!(std::fs::read(dir.join(f)).expect("downloaded"), want, "{f} differs from the repo's");
    }
    // -j: the plan object, the files, nothing installed.
    let dir2 = ctx.dir.join("dl2");
    let out = ctx.run(&["-j", "-y", "--downloadonly", "--downloaddir", &dir2.display().to_string(), "install", "spike-delta"]);
    assert_eq!(out.code, 0, "{}", snap(&out, &ctx));
    assert_eq!(out.json()["Install"][0]["Name"], "spike-delta");
    assert!(dir2.join("spike-delta-1.0-1.noarch.rpm").is_file());
    assert_installed(&ctx, &BASE);
    assert_eq!(history(&ctx).len(), rows, "--downloadonly wrote a history row");
}

#[test]
fn assumeno_is_1032_in_text_and_a_dry_run_with_json() {
    let ctx = base_ctx();
    let out = ctx.run(&["--assumeno", "install", "spike-gamma"]);
    assert_eq!(snap(&out, &ctx), format!("exit: 8\n--- stdout\n{PLAN_GAMMA}--- stderr\nError(1032) : Operation aborted.\n"));
    let out = ctx.run(&["-j", "--assumeno", "install", "spike-gamma"]);
    assert_eq!(
        snap(&out, &ctx),
        "exit: 0\n--- stdout\n{\"Install\":[{\"Name\":\"spike-gamma\",\"Arch\":\"noarch\",\"Evr\":\"1.0-1\",\"InstallSize\":6,\"Repo\":\"spike\"}]}\n--- stderr\n\n"
    );
    assert_installed(&ctx, &BASE);
}

/// No terminal: stdin closed, at end of input, or a pipe that stays open —
/// the answer is no (1032) and the run never waits for input; `-y` goes on.
#[test]
fn no_stdin_is_no_and_never_hangs() {
    let ctx = base_ctx();
    for (label, stdin) in [("closed", Stdio::null()), ("open pipe", Stdio::piped())] {
        // A piped stdin stays open (never written, never closed) while the
        // child runs: a reader would block forever.
        let mut child = spawn(&ctx, &["install", "spike-gamma"], stdin);
        let keep = child.stdin.take();
        let out = output_of(&wait_bounded(child, Duration::from_secs(120)));
        drop(keep);
        assert_eq!(snap(&out, &ctx), format!("exit: 8\n--- stdout\n{PLAN_GAMMA}--- stderr\nError(1032) : Operation aborted.\n"), "stdin: {label}");
    }
    assert_installed(&ctx, &BASE);
    let out = ctx.run(&["-y", "install", "spike-gamma"]);
    assert_eq!(out.code, 0, "{}", snap(&out, &ctx));
    assert_installed(&ctx, &base_plus(&["spike-gamma-1.0-1.noarch"]));
}

/// Bad specs: the empty string (1622 from the argument parser), a relation
/// without a version (no match: 1011), an unknown name (1011); `name=>V`
/// is libsolv's `>=` spelled backwards and installs.
#[test]
fn bad_specs_give_tdnfs_codes() {
    let ctx = base_ctx();
    let out = ctx.run(&["-y", "install", ""]);
    assert_eq!(snap(&out, &ctx), "exit: 86\n--- stdout\n\n--- stderr\nargument is empty string\nError(1622) : Invalid argument\n");
    let out = ctx.run(&["-y", "install", "spike-gamma>="]);
    assert_eq!(
        snap(&out, &ctx),
        "exit: 243\n--- stdout\n\n--- stderr\nspike-gamma>= package not found or not installed\nError(1011) : No matching packages\n"
    );
    let out = ctx.run(&["-y", "install", "no-such-package"]);
    assert_eq!(
        snap(&out, &ctx),
        "exit: 243\n--- stdout\n\n--- stderr\nno-such-package package not found or not installed\nError(1011) : No matching packages\n"
    );
    let out = ctx.run(&["-j", "-y", "erase", "no-such-package"]);
    assert_eq!(
        snap(&out, &ctx),
        "exit: 243\n--- stdout\n{\"Error\":1011,\"ErrorMessage\":\"No matching packages\"}\n--- stderr\nno-such-package package not found or not installed\n"
    );
    assert_installed(&ctx, &BASE);
    let out = ctx.run(&["-j", "-y", "install", "spike-gamma=>1"]);
    assert_eq!(out.code, 0, "{}", snap(&out, &ctx));
    assert_eq!(out.json()["Install"][0]["Name"], "spike-gamma");
    assert_installed(&ctx, &base_plus(&["spike-gamma-1.0-1.noarch"]));
    // Known in a repo but not installed: erase has nothing to do.
    let out = ctx.run(&["-y", "erase", "spike-epsilon"]);
    assert_eq!(snap(&out, &ctx), "exit: 0\n--- stdout\n\n--- stderr\nNothing to do.\n");
}

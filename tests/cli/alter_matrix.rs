//! The alter-command test matrix (issue 5 "Tests"): every alter command in
//! text and `-j` mode, with exit code + stdout + stderr compared as a whole
//! (snapshot style), `rpm --root R -qa` as the oracle of what is installed,
//! and the history rows (`-j history --info`) after each step.
//!
//! Snapshots filter what a rebuilt test repo may change: the temp dir, the
//! repo path, the download-size column (the packages' signatures carry a
//! timestamp, their length may differ by a byte) and a `waiting for
//! tdnf_instance lock` line (other tests of this process take the host-wide
//! instance lock at the same time).

mod commands;
mod failures;
mod options;
mod policies;
mod remote;

use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub use crate::support::{qa, rpm, signed_ctx};
use crate::support::{Output, TestContext, test_repo};

/// Tests that hold or wait for the host-wide instance lock on purpose run
/// one at a time.
pub static LOCK_TESTS: Mutex<()> = Mutex::new(());

/// A signed context with the base set (sh, filesystem, setup) installed by
/// us, the key imported and the metadata cached: later runs print only
/// their own plan.
pub fn base_ctx() -> TestContext {
    let ctx = signed_ctx();
    let out = ctx.run(&["-y", "-q", "install", "spike-sh", "spike-filesystem", "spike-setup"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    ctx
}

/// What we say is installed (`-j list installed`), in the same form.
pub fn our_installed(ctx: &TestContext) -> Vec<String> {
    let out = ctx.run(&["-j", "list", "installed"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(ctx));
    let mut v: Vec<String> = out
        .json()
        .as_array()
        .expect("array")
        .iter()
        .map(|p| {
            let evr = p["Evr"].as_str().unwrap_or_default();
            let evr = evr.split_once(':').map_or(evr, |(_, vr)| vr);
            format!("{}-{}.{}", p["Name"].as_str().unwrap_or_default(), evr, p["Arch"].as_str().unwrap_or_default())
        })
        .filter(|n| !n.starts_with("gpg-pubkey"))
        .collect();
    v.sort();
    v
}

/// `rpm -qa` equals `want` (names with version) and agrees with our rpmdb reader.
pub fn assert_installed(ctx: &TestContext, want: &[&str]) {
    let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    want.sort();
    let rpm_says = qa(ctx);
    assert_eq!(rpm_says, want, "rpm -qa");
    assert_eq!(our_installed(ctx), rpm_says, "tdnf list installed vs rpm -qa");
}

/// The base set as NEVRAs.
pub const BASE: [&str; 3] = ["spike-filesystem-1.0-1.noarch", "spike-setup-1.0-1.noarch", "spike-sh-1.35.0-1.x86_64"];

/// `BASE` plus `more`.
pub fn base_plus(more: &[&'static str]) -> Vec<&'static str> {
    BASE.iter().copied().chain(more.iter().copied()).collect()
}

/// One history row: cmdline (temp paths filtered), added, removed.
#[derive(Debug, PartialEq, Eq)]
pub struct Row {
    pub cmdline: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// `-j history --info` as rows (gpg-pubkey entries dropped).
pub fn history(ctx: &TestContext) -> Vec<Row> {
    let out = ctx.run(&["-j", "history", "--info"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(ctx));
    let names = |v: &serde_json::Value| -> Vec<String> {
        let mut n: Vec<String> = v
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|x| x.as_str())
            .filter(|s| !s.starts_with("gpg-pubkey"))
            .map(str::to_owned)
            .collect();
        n.sort();
        n
    };
    out.json()
        .as_array()
        .expect("history is an array")
        .iter()
        .map(|r| Row {
            cmdline: filter(ctx, r["CmdLine"].as_str().unwrap_or_default()),
            added: names(&r["Added"]),
            removed: names(&r["Removed"]),
        })
        .collect()
}

/// The last history row.
pub fn last_row(ctx: &TestContext) -> Row {
    history(ctx).pop().expect("a history row")
}

/// A row as expected: `cmdline` is what follows `-c [TMP]/tdnf.conf
/// --installroot [TMP]/root `.
pub fn row(cmdline: &str, added: &[&str], removed: &[&str]) -> Row {
    let sorted = |v: &[&str]| {
        let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    };
    Row { cmdline: format!("-c [TMP]/tdnf.conf --installroot [TMP]/root {cmdline}"), added: sorted(added), removed: sorted(removed) }
}

/// Temp dir and repo path filtered.
pub fn filter(ctx: &TestContext, s: &str) -> String {
    s.replace(&ctx.dir.display().to_string(), "[TMP]").replace(&test_repo().display().to_string(), "[REPO]")
}

/// The snapshot of a run: exit status, stdout, stderr, with temp paths,
/// the repo path, download sizes and lock-wait lines filtered.
pub fn snap(out: &Output, ctx: &TestContext) -> String {
    let stdout: Vec<String> = filter(ctx, &out.stdout).lines().map(mask_download_size).collect();
    let stderr: Vec<&str> = out.stderr.lines().filter(|l| !l.starts_with("waiting for tdnf_instance lock on ")).collect();
    let stderr = filter(ctx, &stderr.join("\n"));
    format!("exit: {}\n--- stdout\n{}\n--- stderr\n{}\n", out.code, stdout.join("\n"), stderr)
}

/// The last column of a plan row, and the download total, as `[DL]`.
fn mask_download_size(line: &str) -> String {
    if line.starts_with("Total download size:") {
        return "Total download size: [DL]".to_owned();
    }
    let cols: Vec<&str> = line.split_whitespace().collect();
    let sized = |s: &str| s.ends_with(['b', 'k', 'M', 'G']) && s.chars().next().is_some_and(|c| c.is_ascii_digit());
    if cols.len() == 6 && sized(cols[4]) && sized(cols[5]) {
        let cut = line.trim_end().rfind(' ').unwrap_or(line.len());
        return format!("{} [DL]", line[..cut].trim_end());
    }
    line.to_owned()
}

/// The command line `ctx.run` uses, to spawn it instead.
pub fn command(ctx: &TestContext, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tdnf"));
    c.arg("-c").arg(&ctx.conf).arg("--installroot").arg(&ctx.root).args(args).env("LC_ALL", "C");
    c
}

/// Wait for `child` at most `limit`; a run that outlives it is killed and
/// the test fails (nothing may hang).
pub fn wait_bounded(mut child: std::process::Child, limit: Duration) -> std::process::Output {
    let start = Instant::now();
    loop {
        match child.try_wait().expect("try_wait") {
            Some(_) => return child.wait_with_output().expect("output"),
            None if start.elapsed() > limit => {
                let _ = child.kill();
                let out = child.wait_with_output().expect("output");
                panic!("tdnf still running after {limit:?}; stdout:\n{}", String::from_utf8_lossy(&out.stdout));
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// An `Output` from a finished child (exit code -1 for a signal).
pub fn output_of(out: &std::process::Output) -> Output {
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Spawn `args` with piped output and `stdin`.
pub fn spawn(ctx: &TestContext, args: &[&str], stdin: Stdio) -> std::process::Child {
    command(ctx, args).stdin(stdin).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn tdnf")
}

//! Option parsing, unknown commands, help and version (spec §2, §5).

use crate::support::{TestContext, run_bin};

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn unknown_option_is_908_with_tdnf_text_on_stdout() {
    let out = run_bin(&s(&["--nosuchopt", "list"]));
    assert_eq!(out.code, 908 & 0xff);
    assert_eq!(out.stdout, "No such option: --nosuchopt. Please use /usr/bin/tdnf --help\n");
    assert_eq!(out.stderr, "Error(908) : Command line error: option is invalid.\n");
}

#[test]
fn argument_errors_are_one_json_document_with_j() {
    let out = run_bin(&s(&["-j", "--nosuchopt"]));
    assert_eq!(out.code, 908 & 0xff);
    assert_eq!(out.stdout, r#"{"Error":908,"ErrorMessage":"Command line error: option is invalid."}"#);
    let out = run_bin(&s(&["-j", "--setopt", "novalue", "list"]));
    assert_eq!(out.json()["Error"], 911);
}

#[test]
fn missing_argument_and_setopt_errors() {
    let out = run_bin(&s(&["list", "--releasever"]));
    assert_eq!(out.code, 909 & 0xff);
    assert!(out.stderr.contains("Error(909) : Command line error: expected one argument."), "{}", out.stderr);
    let out = run_bin(&s(&["--setopt", "novalue", "list"]));
    assert_eq!(out.code, 911 & 0xff);
    let out = run_bin(&s(&["--downloaddir", "/tmp", "install", "x"]));
    assert_eq!(out.code, 913 & 0xff);
    let out = run_bin(&s(&["--installroot", "relative", "list"]));
    assert_eq!(out.code, 1622 & 0xff);
    let out = run_bin(&s(&["list", ""]));
    assert_eq!(out.code, 1622 & 0xff);
}

#[test]
fn unknown_command_is_912() {
    let ctx = TestContext::new();
    let out = ctx.run(&["frobnicate"]);
    assert_eq!(out.code, 912 & 0xff);
    assert_eq!(out.stdout, "No such command: frobnicate. Please use /usr/bin/tdnf --help\n");
    assert_eq!(out.stderr, "Error(912) : Please check your command\n");
    let out = run_bin(&[]);
    assert_eq!(out.code, 912 & 0xff);
    assert!(out.stdout.starts_with("You need to give some command\n"));
}

#[test]
fn version_text_and_json() {
    let out = run_bin(&s(&["--version"]));
    assert_eq!((out.code, out.stdout.as_str()), (0, "tdnf: 3.6.0\n"));
    let out = run_bin(&s(&["-j", "--version"]));
    assert_eq!(out.stdout, r#"{"Name":"tdnf","Version":"3.6.0"}"#);
    // Any unambiguous prefix, one dash.
    let out = run_bin(&s(&["-jso", "-vers"]));
    assert_eq!(out.stdout, r#"{"Name":"tdnf","Version":"3.6.0"}"#);
}

#[test]
fn help_lists_commands() {
    let out = run_bin(&s(&["--help"]));
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("repoquery"));
    assert!(out.stdout.contains("--installroot"));
}

#[test]
fn alter_commands_need_root() {
    if nix::unistd::geteuid().is_root() {
        return self_check_root_only();
    }
    let out = run_bin(&s(&["install", "x"]));
    assert_eq!(out.code, 1601 & 0xff);
    assert_eq!(out.stderr, "Error(1601) : Operation not permitted. You have to be root.\n");
}

/// As root the permission check passes and the command runs: with no
/// repos, `x` is unknown (1011).
fn self_check_root_only() {
    let ctx = TestContext::new();
    let out = ctx.run(&["install", "x"]);
    assert_eq!(out.code, 1011 & 0xff, "{}", out.stderr);
    assert!(out.stderr.contains("Error(1011) : No matching packages"), "{}", out.stderr);
}

#[test]
fn bad_config_line_names_file_and_line() {
    let ctx = TestContext::new();
    std::fs::write(ctx.reposdir.join("bad.repo"), "[bad]\nbaseurl=file:///x\nthis line is wrong\n").unwrap();
    let out = ctx.run(&["repolist"]);
    assert_eq!(out.code, 1004 & 0xff);
    assert!(out.stderr.starts_with("Error(1004) : "), "{}", out.stderr);
    assert!(out.stderr.contains("bad.repo:3"), "{}", out.stderr);
    let conf = ctx.dir.join("broken.conf");
    std::fs::write(&conf, "[main]\nkeepcache=perhaps\n").unwrap();
    let out = run_bin(&s(&["-c", conf.to_str().unwrap(), "repolist"]));
    assert_eq!(out.code, 1002 & 0xff);
    assert!(out.stderr.contains("broken.conf:2"), "{}", out.stderr);
}

#[test]
fn closed_stdout_ends_quietly() {
    use std::process::{Command, Stdio};
    let ctx = TestContext::new().with_spike_repo();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tdnf"))
        .args(["-c", ctx.conf.to_str().unwrap(), "--installroot", ctx.root.to_str().unwrap(), "list", "available"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end at once: every write hits EPIPE.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.code().is_some(), "killed by a signal: {:?}", out.status);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
}

//! End-to-end fixtures of the transaction engine (`tdnf __engine`) that
//! the differential tests in `engine.rs` do not reach: a sparse file over
//! 4 GiB, rpm's upstream Lua test packages, real distro RPMs, and a
//! scriptlet that runs `rpm -q` inside the root while we hold the rpmdb.
//!
//! Each test puts the same packages into twin roots — one by Debian's
//! `rpm` (the oracle), one by our engine — and compares what `rpm` itself
//! reads back. Every `rpm` and engine run is under a SIGKILL timeout, so a
//! deadlock fails the test instead of hanging it.

mod distro;
mod large_file;
mod lua;
mod rpm_in_scriptlet;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sha2::{Digest, Sha256};

use crate::support::Output;

/// Seconds any single `rpm` or engine run may take.
const TIMEOUT_SECS: u32 = 120;

/// Run `cmd` (program + args) under `timeout -s KILL`; stderr without
/// Debian's "use Alien" notice.
fn run_timed(secs: u32, program: &Path, args: &[&str]) -> Output {
    let out = Command::new("timeout")
        .args(["-s", "KILL", &secs.to_string()])
        .arg(program)
        .args(args)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .expect("run timeout");
    let stderr: String = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with("rpm: RPM should not be used") && !l.starts_with("rpm: However assuming"))
        .map(|l| format!("{l}\n"))
        .collect();
    // timeout(1) exits 137 when it had to kill.
    assert_ne!(out.status.code(), Some(137), "{} {args:?} was killed after {secs} s (deadlock?)", program.display());
    Output { code: out.status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&out.stdout).into_owned(), stderr }
}

/// `rpm --root <root> --dbpath /var/lib/rpm <args>` under a timeout.
pub(crate) fn rpm(root: &Path, args: &[&str]) -> Output {
    let root_s = root.display().to_string();
    let mut full = vec!["--root", &root_s, "--dbpath", "/var/lib/rpm"];
    full.extend_from_slice(args);
    run_timed(TIMEOUT_SECS, Path::new("rpm"), &full)
}

/// `rpm <args>` on the host (package queries), under a timeout.
pub(crate) fn rpm_host(args: &[&str]) -> Output {
    run_timed(TIMEOUT_SECS, Path::new("rpm"), args)
}

/// `tdnf __engine --root <root> <args>` under a timeout.
pub(crate) fn engine(root: &Path, args: &[&str]) -> Output {
    engine_within(TIMEOUT_SECS, root, args)
}

/// [`engine`], killed (and the test failed) after `secs` seconds.
pub(crate) fn engine_within(secs: u32, root: &Path, args: &[&str]) -> Output {
    let root_s = root.display().to_string();
    let mut full = vec!["__engine", "--root", &root_s];
    full.extend_from_slice(args);
    run_timed(secs, Path::new(env!("CARGO_BIN_EXE_tdnf")), &full)
}

/// Assert `out` exited 0.
#[track_caller]
pub(crate) fn ok(what: &str, out: &Output) {
    assert_eq!(out.code, 0, "{what} failed: {out:?}");
}

/// `rpm -qa` of `root`, sorted.
pub(crate) fn qa(root: &Path) -> Vec<String> {
    let o = rpm(root, &["-qa", "--qf", "%{nevra}\n"]);
    ok("rpm -qa", &o);
    let mut v: Vec<String> = o.stdout.lines().map(str::to_owned).collect();
    v.sort();
    v
}

/// `rpm -Va --nodeps --noscripts` of `root` (stdout + stderr, root
/// replaced by `[ROOT]`).
pub(crate) fn va(root: &Path) -> String {
    let o = rpm(root, &["-Va", "--nodeps", "--noscripts"]);
    format!("{}{}", o.stdout, o.stderr).replace(&root.display().to_string(), "[ROOT]")
}

/// Give `root` a static busybox as `/bin/sh` (and a few tools).
pub(crate) fn busybox_root(root: &Path) {
    std::fs::create_dir_all(root.join("bin")).expect("mkdir bin");
    std::fs::copy("/bin/busybox", root.join("bin/busybox")).expect("copy busybox");
    for tool in ["sh", "cat", "echo", "ls"] {
        std::os::unix::fs::symlink("busybox", root.join("bin").join(tool)).expect("symlink");
    }
}

/// Build one package from `spec` with rpmbuild under `dir` (extra
/// `defines` as `("macro", "value")`); returns the package file.
pub(crate) fn rpmbuild(dir: &Path, name: &str, spec: &str, defines: &[(&str, &str)]) -> PathBuf {
    let top = dir.join(format!("rpmbuild-{name}"));
    std::fs::create_dir_all(&top).expect("mkdir");
    let spec_file = top.join(format!("{name}.spec"));
    std::fs::write(&spec_file, spec).expect("write spec");
    let mut c = Command::new("rpmbuild");
    c.arg("--define").arg(format!("_topdir {}", top.display()));
    c.args(["--define", "_build_id_links none"]);
    for (m, v) in defines {
        c.arg("--define").arg(format!("{m} {v}"));
    }
    let out = c.args(["--quiet", "-bb"]).arg(&spec_file).output().expect("rpmbuild");
    assert!(out.status.success(), "rpmbuild {name}: {}", String::from_utf8_lossy(&out.stderr));
    let rpms = top.join("RPMS/noarch");
    let found: Vec<PathBuf> = std::fs::read_dir(&rpms).expect("RPMS").flatten().map(|e| e.path()).collect();
    assert_eq!(found.len(), 1, "{name}: one package expected, got {found:?}");
    let rpm = dir.join(format!("{name}.rpm"));
    std::fs::rename(&found[0], &rpm).expect("move rpm");
    std::fs::remove_dir_all(&top).expect("rm rpmbuild tree");
    rpm
}

/// Assert two [`tree`]s are the same; the message lists only the lines
/// that differ.
#[track_caller]
pub(crate) fn assert_same_tree(ours: &[String], rpms: &[String], what: &str) {
    let only = |a: &[String], b: &[String]| -> Vec<String> { a.iter().filter(|l| !b.contains(l)).cloned().collect() };
    assert!(ours == rpms, "{what}: the trees differ\nonly in ours: {:#?}\nonly in rpm's: {:#?}", only(ours, rpms), only(rpms, ours));
}

/// Every path under `root` (except the rpmdb, tdnf's own `/var/lib/tdnf`
/// and `skip`), with mode and owner, and for non-directories mtime and
/// symlink target or size, link count and (with `hash`) digest; sorted.
pub(crate) fn tree(root: &Path, hash: bool, skip: &[&str]) -> Vec<String> {
    use std::os::unix::fs::MetadataExt;
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            let rel = format!("/{}", p.strip_prefix(root).expect("under root").display());
            let skipped = ["/var/lib/rpm", "/var/lib/tdnf"].iter().chain(skip).any(|x| rel == *x || rel.starts_with(&format!("{x}/")));
            if skipped {
                continue;
            }
            let m = std::fs::symlink_metadata(&p).expect("lstat");
            let mut line = format!("{rel} {:o} {}:{}", m.mode(), m.uid(), m.gid());
            if m.is_dir() {
                // A directory's mtime is when its last entry was made.
                stack.push(p);
            } else if m.file_type().is_symlink() {
                line.push_str(&format!(" mtime={} -> {}", m.mtime(), std::fs::read_link(&p).expect("readlink").display()));
            } else {
                line.push_str(&format!(" mtime={} size={} nlink={}", m.mtime(), m.size(), m.nlink()));
                if hash {
                    line.push_str(&format!(" sha256={}", hex::encode(Sha256::digest(std::fs::read(&p).expect("read")))));
                }
            }
            out.push(line);
        }
    }
    out.sort();
    out
}

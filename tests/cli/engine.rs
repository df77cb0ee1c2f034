//! Differential tests of the transaction engine (`tdnf __engine`) against
//! Debian's `rpm` (4.18): the same packages, built here with rpmbuild, go
//! into twin roots — one by `rpm --nodeps`, one by our engine — and after
//! each step the scriptlet log, `rpm -qa` and `rpm -Va --nodeps` of both
//! roots must be the same.
//!
//! Every root gets a static busybox as `/bin/sh` (and `cat`, `echo`, ...).
//! Each scriptlet appends `"<name>-<version> <scriptlet> $*"` to `/log` in
//! the root; file triggers also copy their stdin there.

mod config;
mod failures;
mod filetriggers;
mod flags;
mod interop;
mod problems;
mod scripts;

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Output, run_bin};

/// The scriptlets every [`pkg`] carries, with the names they log.
const SCRIPTS: &[(&str, &str)] = &[
    ("%pretrans", "pretrans"),
    ("%pre", "pre"),
    ("%post", "post"),
    ("%preun", "preun"),
    ("%postun", "postun"),
    ("%posttrans", "posttrans"),
];

/// A scriptlet body that logs `"<who> <what> $*"` to `/log`.
pub(crate) fn log_line(who: &str, what: &str) -> String {
    format!("echo \"{who} {what} $*\" >> /log\n")
}

/// A spec for `name`-`version`: noarch, `/usr/share/<name>/file` (its
/// content is the version) plus `files` (paths created by `install`
/// lines), every scriptlet of [`SCRIPTS`] logging, and `extra` appended
/// (triggers, more scriptlets, `%config` entries).
pub(crate) fn pkg(name: &str, version: &str, preamble: &str, install: &str, files: &str, extra: &str) -> (String, String) {
    pkg_with(name, version, preamble, install, files, extra, SCRIPTS)
}

/// [`pkg`] with a chosen set of logging scriptlets.
pub(crate) fn pkg_with(
    name: &str,
    version: &str,
    preamble: &str,
    install: &str,
    files: &str,
    extra: &str,
    scripts: &[(&str, &str)],
) -> (String, String) {
    let who = format!("{name}-{version}");
    let mut s = format!(
        "Name: {name}\nVersion: {version}\nRelease: 1\nSummary: {name}\nLicense: MIT\nBuildArch: noarch\n{preamble}\n\
         %description\n{name} for engine tests.\n\
         %install\nmkdir -p %{{buildroot}}/usr/share/{name}\necho {version} > %{{buildroot}}/usr/share/{name}/file\n{install}\n\
         %files\n/usr/share/{name}/file\n{files}\n"
    );
    for (tag, what) in scripts {
        s.push_str(&format!("{tag}\n{}", log_line(&who, what)));
    }
    s.push_str(extra);
    s.push('\n');
    (format!("{name}-{version}"), s)
}

/// Twin roots and the packages built for a test.
pub(crate) struct Twin {
    _tmp: tempfile::TempDir,
    pkgs: PathBuf,
    /// The root `rpm` writes.
    pub rpm_root: PathBuf,
    /// The root our engine writes.
    pub our_root: PathBuf,
}

/// Make `root` with busybox as `/bin/sh` and friends.
pub(crate) fn busybox_root(root: &Path) {
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::copy("/bin/busybox", root.join("bin/busybox")).unwrap();
    for tool in ["sh", "cat", "echo", "sort", "ls", "rm", "mkdir", "true", "false"] {
        std::os::unix::fs::symlink("busybox", root.join("bin").join(tool)).unwrap();
    }
}

impl Twin {
    /// Build `specs` (from [`pkg`]) and make two busybox roots.
    pub(crate) fn new(specs: &[(String, String)]) -> Twin {
        Twin::with_roots(specs, true)
    }

    /// [`Twin::new`]; `shell` false leaves the roots empty.
    pub(crate) fn with_roots(specs: &[(String, String)], shell: bool) -> Twin {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let pkgs = dir.join("pkgs");
        build(&dir.join("rpmbuild"), &pkgs, specs);
        let rpm_root = dir.join("rpm-root");
        let our_root = dir.join("our-root");
        for r in [&rpm_root, &our_root] {
            std::fs::create_dir_all(r).unwrap();
            if shell {
                busybox_root(r);
            }
        }
        Twin { _tmp: tmp, pkgs, rpm_root, our_root }
    }

    /// The built package file of `key` (`name-version`).
    pub(crate) fn file(&self, key: &str) -> String {
        let p = self.pkgs.join(format!("{key}.rpm"));
        assert!(p.is_file(), "no package {key} was built");
        p.display().to_string()
    }

    /// `rpm --root <rpm_root> --dbpath /var/lib/rpm <args>`.
    pub(crate) fn rpm(&self, args: &[&str]) -> Output {
        rpm_in(&self.rpm_root, args)
    }

    /// `tdnf __engine --root <our_root> <args>`.
    pub(crate) fn ours(&self, args: &[&str]) -> Output {
        engine_in(&self.our_root, args)
    }

    /// rpm `-i`/`-U` (`op` = `install`/`upgrade`) or `-e` (`erase`) with
    /// `opts` and operands `keys` (package keys, or names for erase) on
    /// both roots. Returns (rpm's output, ours).
    pub(crate) fn both(&self, op: &str, opts: &[&str], keys: &[&str]) -> (Output, Output) {
        self.both_as(op, opts, keys, keys)
    }

    /// [`Twin::both`] with rpm given `rpm_keys` and us `our_keys` (rpm's
    /// tsort puts independent packages in reverse order: lib/order.c
    /// `addQ` inserts before an equal `tsi_qcnt`).
    pub(crate) fn both_as(&self, op: &str, opts: &[&str], rpm_keys: &[&str], our_keys: &[&str]) -> (Output, Output) {
        let operands = |keys: &[&str]| -> Vec<String> {
            if op == "erase" { keys.iter().map(|k| k.to_string()).collect() } else { keys.iter().map(|k| self.file(k)).collect() }
        };
        let (r_ops, o_ops) = (operands(rpm_keys), operands(our_keys));
        let flag = match op {
            "install" => "-i",
            "upgrade" => "-U",
            "erase" => "-e",
            other => panic!("unknown op {other}"),
        };
        let mut rargs: Vec<&str> = vec![flag, "--nodeps"];
        let mut oargs: Vec<&str> = Vec::new();
        for o in opts {
            rargs.push(o);
            oargs.push(match *o {
                "--excludedocs" => "--nodocs",
                x => x,
            });
        }
        oargs.push(op);
        rargs.extend(r_ops.iter().map(String::as_str));
        oargs.extend(o_ops.iter().map(String::as_str));
        (self.rpm(&rargs), self.ours(&oargs))
    }

    /// Assert the two roots agree: the log, `rpm -qa`, `rpm -Va --nodeps`.
    pub(crate) fn assert_same(&self, step: &str) {
        let (a, b) = (read_log(&self.rpm_root), read_log(&self.our_root));
        assert_eq!(b, a, "{step}: the scriptlet logs differ (left: ours, right: rpm)");
        self.assert_same_db(step);
    }

    /// [`Twin::assert_same`] without the log.
    pub(crate) fn assert_same_db(&self, step: &str) {
        let (a, b) = (qa(&self.rpm_root), qa(&self.our_root));
        assert_eq!(b, a, "{step}: rpm -qa differs (left: ours, right: rpm)");
        let (a, b) = (va(&self.rpm_root), va(&self.our_root));
        assert_eq!(b, a, "{step}: rpm -Va --nodeps differs (left: ours, right: rpm)");
    }

    /// [`Twin::both`], check both succeeded (or both failed), then
    /// [`Twin::assert_same`]. Returns (rpm's output, ours).
    pub(crate) fn step(&self, op: &str, opts: &[&str], keys: &[&str]) -> (Output, Output) {
        self.step_as(op, opts, keys, keys)
    }

    /// [`Twin::step`] with rpm given `rpm_keys` and us `our_keys`.
    pub(crate) fn step_as(&self, op: &str, opts: &[&str], rpm_keys: &[&str], our_keys: &[&str]) -> (Output, Output) {
        let (r, o) = self.both_as(op, opts, rpm_keys, our_keys);
        let what = format!("{op} {opts:?} rpm {rpm_keys:?} ours {our_keys:?}");
        assert_eq!(o.code == 0, r.code == 0, "{what}: exit codes disagree\nrpm: {r:?}\nours: {o:?}");
        self.assert_same(&what);
        (r, o)
    }
}

/// Build `specs` with rpmbuild under `top`; copy each package to
/// `<out>/<name>-<version>.rpm`.
fn build(top: &Path, out: &Path, specs: &[(String, String)]) {
    std::fs::create_dir_all(out).unwrap();
    for (key, text) in specs {
        let dir = top.join(key);
        std::fs::create_dir_all(&dir).unwrap();
        let spec = dir.join(format!("{key}.spec"));
        std::fs::write(&spec, text).unwrap();
        // A `#target: <arch>` line builds for that architecture.
        let target: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("#target: ")).flat_map(|t| ["--target", t]).collect();
        let o = Command::new("rpmbuild")
            .args(&target)
            .arg("--define")
            .arg(format!("_topdir {}", dir.display()))
            .args(["--define", "_build_id_links none", "--quiet", "-bb"])
            .arg(&spec)
            .output()
            .unwrap();
        assert!(o.status.success(), "rpmbuild {key}: {}", String::from_utf8_lossy(&o.stderr));
        let mut found = Vec::new();
        let mut stack = vec![dir.join("RPMS")];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rpm") {
                    found.push(p);
                }
            }
        }
        assert_eq!(found.len(), 1, "{key}: one package expected, got {found:?}");
        std::fs::copy(&found[0], out.join(format!("{key}.rpm"))).unwrap();
    }
}

/// Run `rpm --root <root> --dbpath /var/lib/rpm <args>`; stderr without
/// Debian's "use Alien" notice.
pub(crate) fn rpm_in(root: &Path, args: &[&str]) -> Output {
    let out = Command::new("rpm")
        .arg("--root")
        .arg(root)
        .args(["--dbpath", "/var/lib/rpm"])
        .args(args)
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    let stderr: String = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with("rpm: RPM should not be used") && !l.starts_with("rpm: However assuming"))
        .map(|l| format!("{l}\n"))
        .collect();
    Output { code: out.status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&out.stdout).into_owned(), stderr }
}

/// Run `tdnf __engine --root <root> <args>`.
pub(crate) fn engine_in(root: &Path, args: &[&str]) -> Output {
    let mut full = vec!["__engine".to_owned(), "--root".to_owned(), root.display().to_string()];
    full.extend(args.iter().map(|s| s.to_string()));
    run_bin(&full)
}

/// The scriptlet log of `root` (empty if none was written).
pub(crate) fn read_log(root: &Path) -> String {
    std::fs::read_to_string(root.join("log")).unwrap_or_default()
}

/// `rpm -qa` of `root`, sorted.
pub(crate) fn qa(root: &Path) -> String {
    let o = rpm_in(root, &["-qa", "--qf", "%{nevra}\n"]);
    assert_eq!(o.code, 0, "rpm -qa: {o:?}");
    let mut lines: Vec<&str> = o.stdout.lines().collect();
    lines.sort_unstable();
    lines.join("\n")
}

/// `rpm -Va --nodeps` of `root`: its stdout and stderr.
pub(crate) fn va(root: &Path) -> String {
    let o = rpm_in(root, &["-Va", "--nodeps"]);
    let root_s = root.display().to_string();
    format!("{}{}", o.stdout, o.stderr).replace(&root_s, "[ROOT]")
}

/// Every path under `root` with its type and (for files) content, except
/// the rpmdb, `/var/tmp`, tdnf's state, and the busybox tools.
pub(crate) fn tree(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let rel = format!("/{}", p.strip_prefix(root).unwrap().display());
            if ["/var/lib/rpm", "/var/lib/tdnf", "/var/tmp", "/bin", "/var/cache"].iter().any(|x| rel == *x || rel.starts_with(&format!("{x}/"))) {
                continue;
            }
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                out.push(format!("{rel}/"));
                stack.push(p);
            } else if ft.is_symlink() {
                out.push(format!("{rel} -> {}", std::fs::read_link(&p).unwrap().display()));
            } else {
                out.push(format!("{rel}: {}", String::from_utf8_lossy(&std::fs::read(&p).unwrap()).trim_end()));
            }
        }
    }
    out.sort();
    out
}

/// Lines of `text` that start with `error:` or `warning:`, sorted.
pub(crate) fn diagnostics(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text.lines().filter(|l| l.starts_with("error:") || l.starts_with("warning:")).map(str::to_owned).collect();
    v.sort();
    v
}

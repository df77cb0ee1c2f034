//! rpm's upstream Lua test packages (`shared/corpus/rpm-upstream-testdata`):
//! `luafork` (a `%pre` that calls `posix.fork()`; the child prints and
//! exits, the parent waits) in its two builds, and `mwe-rpm-lua-problem`
//! (a `%pre` that `print()`s). Each goes into twin busybox roots, by rpm
//! and by us; the scriptlet output, `rpm -qa`, `rpm -Va` and the trees
//! must agree, after the install and after the erase.

use std::path::{Path, PathBuf};

use super::{assert_same_tree, busybox_root, engine, qa, rpm, tree, va};
use crate::support::{Output, corpus};

/// The package file `name` of the upstream test data.
fn upstream(name: &str) -> PathBuf {
    let p = corpus().join("rpm-upstream-testdata/RPMS").join(name);
    assert!(p.is_file(), "missing corpus package {}", p.display());
    p
}

/// Stdout and stderr of one run, with the root as `[ROOT]` and our
/// engine's progress lines (`Installing: `/`Removing: `) left out (rpm
/// -i/-e print none without -v/-h).
fn scriptlet_output(out: &Output, root: &Path) -> (String, String) {
    let norm = |s: &str| -> String {
        s.lines()
            .filter(|l| !l.starts_with("Installing: ") && !l.starts_with("Removing: "))
            .map(|l| format!("{}\n", l.replace(&root.display().to_string(), "[ROOT]")))
            .collect()
    };
    (norm(&out.stdout), norm(&out.stderr))
}

/// Install `file` into twin roots, compare, erase `name`, compare.
/// Returns rpm's (stdout, stderr) of the install.
fn twin_install_erase(file: &str, name: &str) -> (String, String) {
    let tmp = tempfile::tempdir().expect("tmp");
    let (rpm_root, our_root) = (tmp.path().join("rpm-root"), tmp.path().join("our-root"));
    for r in [&rpm_root, &our_root] {
        busybox_root(r);
    }
    let pkg = upstream(file).display().to_string();
    // The engine checks no signatures (tdnf does, before it).
    let r = rpm(&rpm_root, &["-i", "--nodeps", "--nosignature", &pkg]);
    let o = engine(&our_root, &["install", &pkg]);
    assert_eq!(o.code, r.code, "{file}: exit codes differ\nrpm: {r:?}\nours: {o:?}");
    let rpm_out = scriptlet_output(&r, &rpm_root);
    assert_eq!(scriptlet_output(&o, &our_root), rpm_out, "{file}: scriptlet output (stdout, stderr) differs (left: ours, right: rpm)");
    assert_eq!(qa(&our_root), qa(&rpm_root), "{file}: rpm -qa differs");
    assert_eq!(va(&our_root), va(&rpm_root), "{file}: rpm -Va differs");
    assert_same_tree(&tree(&our_root, true, &["/bin"]), &tree(&rpm_root, true, &["/bin"]), &format!("{file}: install"));

    let r = rpm(&rpm_root, &["-e", "--nodeps", name]);
    let o = engine(&our_root, &["erase", name]);
    assert_eq!(o.code, r.code, "{file}: erase exit codes differ\nrpm: {r:?}\nours: {o:?}");
    assert_eq!(scriptlet_output(&o, &our_root), scriptlet_output(&r, &rpm_root), "{file}: erase output differs");
    assert_eq!(qa(&our_root), Vec::<String>::new(), "{file}: still installed after erase");
    assert_same_tree(&tree(&our_root, true, &["/bin"]), &tree(&rpm_root, true, &["/bin"]), &format!("{file}: erase"));
    rpm_out
}

#[test]
fn luafork() {
    let (stdout, _) = twin_install_erase("luafork-1.0-1.noarch.rpm", "luafork");
    // The forked child printed exactly once (and did not go on running
    // the transaction).
    assert_eq!(stdout, "child\n", "rpm's own output changed");
}

#[test]
fn luafork_deprecated_build() {
    let (stdout, _) = twin_install_erase("luafork-1.0-1-deprecated.noarch.rpm", "luafork");
    assert_eq!(stdout, "child\n", "rpm's own output changed");
}

#[test]
fn lua_print_in_pre() {
    let (stdout, _) = twin_install_erase("mwe-rpm-lua-problem-1.0.0-1.noarch.rpm", "mwe-rpm-lua-problem");
    assert_eq!(stdout, "Hello World from preinstall lua scriptlet!\n", "rpm's own output changed");
}

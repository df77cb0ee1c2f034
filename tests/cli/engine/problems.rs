//! Problems found before anything is written: file conflicts, a foreign
//! architecture, `--test`, and a shell `%pretrans` in a root without a
//! shell. Nothing may be written; our problem lines must carry rpm's text.

use super::{Twin, pkg, read_log, tree};
use crate::support::Output;

/// `name`-1.0 owning /usr/share/shared/conf with `body`.
fn owner(name: &str, body: &str) -> (String, String) {
    let install = format!("mkdir -p %{{buildroot}}/usr/share/shared\necho {body} > %{{buildroot}}/usr/share/shared/conf");
    pkg(name, "1.0", "", &install, "/usr/share/shared/conf", "")
}

/// rpm's problem lines (tab-indented on stderr), trimmed.
fn rpm_problems(r: &Output) -> Vec<String> {
    r.stderr.lines().filter(|l| l.starts_with('\t')).map(|l| l.trim().to_owned()).collect()
}

/// Our problems: stdout `Found N problems` then one per line.
fn our_problems(o: &Output) -> Vec<String> {
    let mut lines = o.stdout.lines().skip_while(|l| !l.starts_with("Found "));
    let head = lines.next().unwrap_or_else(|| panic!("no 'Found N problems' in {o:?}"));
    let v: Vec<String> = lines.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect();
    assert_eq!(head, format!("Found {} problems", v.len()), "{o:?}");
    v
}

/// What the packages wrote: the tree without the log and the rpmdb's
/// parent directories (both sides create those even when refusing).
fn payload(root: &std::path::Path) -> Vec<String> {
    tree(root).into_iter().filter(|l| !l.starts_with("/log:") && l != "/var/" && l != "/var/lib/").collect()
}

/// (rpm's payload, our payload, our log).
type Before = (Vec<String>, Vec<String>, String);

fn before(twin: &Twin) -> Before {
    (payload(&twin.rpm_root), payload(&twin.our_root), read_log(&twin.our_root))
}

/// Both refused with the same problems, and wrote nothing. rpm has run
/// the `%pretrans` scriptlets by then (lib/transaction.c rpmtsRun runs
/// them before rpmtsPrepare finds file conflicts); we do not: tdnf checks
/// with a test transaction first, which runs no scriptlets. So only our
/// log must be unchanged.
fn refused(twin: &Twin, r: &Output, o: &Output, before: &Before) {
    assert_ne!(r.code, 0, "rpm: {r:?}");
    assert_ne!(o.code, 0, "ours: {o:?}");
    let rp = rpm_problems(r);
    assert!(!rp.is_empty(), "rpm printed no problem: {r:?}");
    assert_eq!(our_problems(o), rp, "rpm: {r:?}\nours: {o:?}");
    assert_eq!(payload(&twin.rpm_root), before.0, "rpm wrote something");
    assert_eq!(payload(&twin.our_root), before.1, "we wrote something");
    assert_eq!(read_log(&twin.our_root), before.2, "we ran a scriptlet");
    twin.assert_same_db("refused");
    // Start the next step with equal logs.
    std::fs::write(twin.rpm_root.join("log"), &before.2).unwrap();
}

#[test]
fn conflict_with_an_installed_package() {
    let twin = Twin::new(&[owner("k1", "one"), owner("k2", "two")]);
    twin.step("install", &[], &["k1-1.0"]);
    let before = before(&twin);
    let (r, o) = twin.both("install", &[], &["k2-1.0"]);
    refused(&twin, &r, &o, &before);
    // --replacefiles lets it through on both sides.
    twin.step("install", &["--replacefiles"], &["k2-1.0"]);
}

#[test]
fn conflict_inside_one_transaction() {
    let twin = Twin::new(&[owner("k1", "one"), owner("k2", "two")]);
    let before = before(&twin);
    let (r, o) = twin.both_as("install", &[], &["k2-1.0", "k1-1.0"], &["k1-1.0", "k2-1.0"]);
    refused(&twin, &r, &o, &before);
}

#[test]
fn foreign_architecture() {
    let (key, spec) = pkg("arm", "1.0", "", "", "", "");
    let twin = Twin::new(&[(key, spec.replace("BuildArch: noarch\n", "#target: aarch64\n"))]);
    let before = before(&twin);
    let (r, o) = twin.both("install", &[], &["arm-1.0"]);
    refused(&twin, &r, &o, &before);
}

#[test]
fn test_flag_writes_nothing() {
    let twin = Twin::new(&[pkg("a", "1.0", "", "", "", ""), pkg("a", "2.0", "", "", "", "")]);
    let trees = |t: &Twin| (tree(&t.rpm_root), tree(&t.our_root));
    twin.step("install", &["--test"], &["a-1.0"]);
    assert_eq!(payload(&twin.our_root), Vec::<String>::new());
    assert_eq!(trees(&twin).0, trees(&twin).1);
    twin.step("install", &[], &["a-1.0"]);
    let before = trees(&twin);
    twin.step("upgrade", &["--test"], &["a-2.0"]);
    twin.step("erase", &["--test"], &["a"]);
    assert_eq!(trees(&twin), before);
}

/// A shell `%pretrans` with no `/bin/sh` in the root: rpm tries to run it,
/// fails (`failed to exec scriptlet interpreter`) and skips the package;
/// we refuse the transaction before anything is written (a deliberate
/// difference: the problem is known up front). Either way nothing is
/// installed.
#[test]
fn shell_pretrans_in_an_empty_root() {
    let twin = Twin::with_roots(&[pkg("a", "1.0", "", "", "", "")], false);
    let (r, o) = twin.both("install", &[], &["a-1.0"]);
    assert_ne!(r.code, 0, "rpm: {r:?}");
    assert!(r.stderr.contains("error: a-1.0-1.noarch: install skipped"), "rpm: {r:?}");
    assert_ne!(o.code, 0, "ours: {o:?}");
    assert_eq!(our_problems(&o), ["/bin/sh is needed by a-1.0-1.noarch (its %pretrans runs before anything is installed)"]);
    assert_eq!(payload(&twin.rpm_root), Vec::<String>::new());
    assert_eq!(payload(&twin.our_root), Vec::<String>::new());
    assert!(read_log(&twin.our_root).is_empty());
    twin.assert_same_db("nothing installed");
}

//! Failing scriptlets: which stop their element (`%pretrans`, `%pre`,
//! `%preun`) and which only warn (`%post`, `%postun`, `%posttrans`).
//! rpm exits 1, we exit 1525 & 0xff; the rpmdb, files and logs must agree,
//! and both must say the same `error:`/`warning:` lines.

use super::{SCRIPTS, Twin, diagnostics, log_line, pkg, pkg_with};

/// `name`-`version` whose scriptlet `tag` logs and exits 1.
fn failing(name: &str, version: &str, tag: &str) -> (String, String) {
    let who = format!("{name}-{version}");
    let others: Vec<(&str, &str)> = SCRIPTS.iter().copied().filter(|(t, _)| *t != tag).collect();
    let extra = format!("{tag}\n{}exit 1\n", log_line(&who, &format!("{}-fails", tag.trim_start_matches('%'))));
    pkg_with(name, version, "", "", "", &extra, &others)
}

/// A step whose element happens but a non-critical scriptlet fails: rpm
/// warns and exits 0 (lib/transaction.c runScript maps warn-only errors to
/// OK); tdnf then fails the command with 1525 (see
/// [`warning_only_failures_exit_1525_like_tdnf`]), so codes are not compared.
fn warned_step(twin: &Twin, op: &str, key: &str) {
    let (r, o) = twin.both(op, &[], &[key]);
    assert_eq!(r.code, 0, "rpm: {r:?}");
    twin.assert_same(&format!("{op} {key}"));
    same_diagnostics(&r, &o);
}

/// Both sides failed (or both succeeded) and said the same diagnostics.
fn same_diagnostics(r: &crate::support::Output, o: &crate::support::Output) {
    assert_eq!(diagnostics(&o.stderr), diagnostics(&r.stderr), "rpm: {r:?}\nours: {o:?}");
}

#[test]
fn pre_fails_package_not_installed() {
    let twin = Twin::new(&[failing("p", "1.0", "%pre")]);
    let (r, o) = twin.step("install", &[], &["p-1.0"]);
    assert_ne!(r.code, 0);
    assert_eq!(o.code, 1525 & 0xff, "{o:?}");
    same_diagnostics(&r, &o);
}

#[test]
fn post_fails_package_installed_with_a_warning() {
    let twin = Twin::new(&[failing("p", "1.0", "%post")]);
    warned_step(&twin, "install", "p-1.0");
    twin.step("erase", &[], &["p"]);
}

#[test]
fn preun_fails_package_stays() {
    let twin = Twin::new(&[failing("p", "1.0", "%preun")]);
    twin.step("install", &[], &["p-1.0"]);
    let (r, o) = twin.step("erase", &[], &["p"]);
    assert_ne!(r.code, 0);
    same_diagnostics(&r, &o);
}

#[test]
fn postun_fails_package_gone() {
    let twin = Twin::new(&[failing("p", "1.0", "%postun")]);
    twin.step("install", &[], &["p-1.0"]);
    warned_step(&twin, "erase", "p");
}

#[test]
fn pretrans_fails_nothing_of_it_runs() {
    // The failing package and an independent one in the same transaction.
    let twin = Twin::new(&[failing("p", "1.0", "%pretrans"), pkg("q", "1.0", "", "", "", "")]);
    let (r, o) = twin.step_as("install", &[], &["q-1.0", "p-1.0"], &["p-1.0", "q-1.0"]);
    assert_ne!(r.code, 0);
    same_diagnostics(&r, &o);
}

#[test]
fn posttrans_fails_warning_only() {
    let twin = Twin::new(&[failing("p", "1.0", "%posttrans")]);
    warned_step(&twin, "install", "p-1.0");
}

#[test]
fn upgrade_with_failing_new_pre_keeps_the_old() {
    let twin = Twin::new(&[pkg("p", "1.0", "", "", "", ""), failing("p", "2.0", "%pre")]);
    twin.step("install", &[], &["p-1.0"]);
    let (r, o) = twin.step("upgrade", &[], &["p-2.0"]);
    assert_ne!(r.code, 0);
    same_diagnostics(&r, &o);
    twin.step("erase", &[], &["p"]);
}

#[test]
fn upgrade_with_failing_old_preun() {
    let twin = Twin::new(&[failing("p", "1.0", "%preun"), pkg("p", "2.0", "", "", "", "")]);
    twin.step("install", &[], &["p-1.0"]);
    let (r, o) = twin.step("upgrade", &[], &["p-2.0"]);
    same_diagnostics(&r, &o);
}

/// tdnf's contract (spec: "the command then exits 1525"): a failing
/// `%post` leaves the package installed and the run fails with 1525,
/// where rpm itself exits 0.
#[test]
fn warning_only_failures_exit_1525_like_tdnf() {
    let twin = Twin::new(&[failing("p", "1.0", "%post")]);
    let (r, o) = twin.both("install", &[], &["p-1.0"]);
    assert_eq!(r.code, 0, "rpm: {r:?}");
    assert_eq!(o.code, 1525 & 0xff, "ours: {o:?}");
    assert!(o.stderr.contains("Error(1525) : rpm transaction failed"), "{o:?}");
    twin.assert_same("install p-1.0");
}

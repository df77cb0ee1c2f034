//! Scriptlet and trigger order and arguments: install, triggers set off by
//! another package, upgrade, erase, and two packages in one transaction.

use super::{Twin, log_line, pkg};

/// `%triggerprein/in/un/postun -- <on>` of `who`, each logging.
fn triggers_on(who: &str, on: &str) -> String {
    ["triggerprein", "triggerin", "triggerun", "triggerpostun"]
        .iter()
        .map(|t| format!("%{t} -- {on}\n{}", log_line(who, &format!("{t}-{on}"))))
        .collect()
}

#[test]
fn install_trigger_upgrade_erase() {
    let b_on_a = format!("%triggerin -- a >= 2.0\n{}", log_line("b-VER", "triggerin-a>=2"));
    let twin = Twin::new(&[
        pkg("a", "1.0", "", "", "", &triggers_on("a-1.0", "b")),
        pkg("a", "2.0", "", "", "", &triggers_on("a-2.0", "b")),
        pkg("b", "1.0", "", "", "", &b_on_a.replace("VER", "1.0")),
        pkg("b", "2.0", "", "", "", &b_on_a.replace("VER", "2.0")),
    ]);
    twin.step("install", &[], &["a-1.0"]);
    twin.step("install", &[], &["b-1.0"]);
    twin.step("upgrade", &[], &["a-2.0"]);
    twin.step("upgrade", &[], &["b-2.0"]);
    twin.step("erase", &[], &["b"]);
    twin.step("erase", &[], &["a"]);
}

#[test]
fn triggers_of_a_package_installed_after_its_target() {
    // The trigger package comes second: its own (immediate) triggers fire.
    let twin = Twin::new(&[
        pkg("b", "1.0", "", "", "", ""),
        pkg("a", "1.0", "", "", "", &triggers_on("a-1.0", "b")),
    ]);
    twin.step("install", &[], &["b-1.0"]);
    twin.step("install", &[], &["a-1.0"]);
    twin.step("erase", &[], &["a"]);
    twin.step("erase", &[], &["b"]);
}

#[test]
fn independent_packages_in_rpms_order() {
    // rpm runs independent packages in reverse order (lib/order.c addQ);
    // we run the order given, so we are given rpm's.
    let twin = Twin::new(&[pkg("d", "1.0", "", "", "", ""), pkg("c", "1.0", "", "", "", "")]);
    twin.step_as("install", &[], &["d-1.0", "c-1.0"], &["c-1.0", "d-1.0"]);
    assert!(super::read_log(&twin.rpm_root).starts_with("c-1.0 pretrans"), "rpm no longer reverses independent packages");
    twin.step_as("erase", &[], &["d", "c"], &["c", "d"]);
}

#[test]
fn required_package_first() {
    // rpm orders f before e (e requires f); we are given that order.
    let twin = Twin::new(&[pkg("e", "1.0", "Requires: f", "", "", ""), pkg("f", "1.0", "", "", "", "")]);
    let (e, f) = (twin.file("e-1.0"), twin.file("f-1.0"));
    let r = twin.rpm(&["-i", "--nodeps", &e, &f]);
    let o = twin.ours(&["install", &f, &e]);
    assert_eq!((r.code, o.code), (0, 0), "{r:?} {o:?}");
    twin.assert_same("install e f");
    let r = twin.rpm(&["-e", "--nodeps", "f", "e"]);
    let o = twin.ours(&["erase", "e", "f"]);
    assert_eq!((r.code, o.code), (0, 0), "{r:?} {o:?}");
    twin.assert_same("erase e f");
}

#[test]
fn upgrade_two_at_once() {
    let twin = Twin::new(&[
        pkg("a", "1.0", "", "", "", &triggers_on("a-1.0", "b")),
        pkg("a", "2.0", "", "", "", &triggers_on("a-2.0", "b")),
        pkg("b", "1.0", "", "", "", ""),
        pkg("b", "2.0", "", "", "", ""),
    ]);
    twin.step_as("install", &[], &["a-1.0", "b-1.0"], &["b-1.0", "a-1.0"]);
    twin.step_as("upgrade", &[], &["a-2.0", "b-2.0"], &["b-2.0", "a-2.0"]);
}

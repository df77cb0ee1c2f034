//! File triggers: `%filetrigger*` and `%transfiletrigger*` with prefixes,
//! stdin, and priorities: the default (1000000) and `-P 20000` are ≥ 10000
//! and run before `%post`, `-P 100` after it (lib/rpmtriggers.c).

use super::{Twin, log_line, pkg};

/// File triggers of `who` on `prefix`, each logging and copying stdin.
fn file_triggers(who: &str, prefix: &str) -> String {
    let mut s = String::new();
    for kind in ["filetriggerin", "filetriggerun", "filetriggerpostun", "transfiletriggerin", "transfiletriggerun", "transfiletriggerpostun"] {
        for (prio, label) in [("", "default"), ("-P 20000 ", "p20000"), ("-P 100 ", "p100")] {
            s.push_str(&format!("%{kind} {prio}-- {prefix}\n{}cat >> /log\n", log_line(who, &format!("{kind}-{label}"))));
        }
    }
    s
}

/// `x`-`version`: files under /usr/share/x, /usr/share/x/sub and /opt/x.
fn x(version: &str) -> (String, String) {
    pkg(
        "x",
        version,
        "",
        "mkdir -p %{buildroot}/usr/share/x/sub %{buildroot}/opt/x\necho 1 > %{buildroot}/usr/share/x/sub/one\necho 2 > %{buildroot}/opt/x/two",
        "/usr/share/x/sub/one\n/opt/x/two",
        "",
    )
}

fn watcher() -> (String, String) {
    pkg("t", "1.0", "", "", "", &file_triggers("t-1.0", "/usr/share/x"))
}

#[test]
fn watcher_first_then_install_upgrade_erase() {
    let twin = Twin::new(&[watcher(), x("1.0"), x("2.0")]);
    twin.step("install", &[], &["t-1.0"]);
    twin.step("install", &[], &["x-1.0"]);
    twin.step("upgrade", &[], &["x-2.0"]);
    twin.step("erase", &[], &["x"]);
    twin.step("erase", &[], &["t"]);
}

#[test]
fn watcher_installed_after_the_files() {
    // t's own file triggers fire on the files already installed.
    let twin = Twin::new(&[watcher(), x("1.0")]);
    twin.step("install", &[], &["x-1.0"]);
    twin.step("install", &[], &["t-1.0"]);
    twin.step("erase", &[], &["t"]);
}

#[test]
fn watcher_and_files_in_one_transaction() {
    // rpm reverses independent packages: it runs x before t.
    let twin = Twin::new(&[watcher(), x("1.0")]);
    twin.step_as("install", &[], &["t-1.0", "x-1.0"], &["x-1.0", "t-1.0"]);
    twin.step_as("erase", &[], &["t", "x"], &["x", "t"]);
}

#[test]
fn two_watchers_priorities() {
    let w2 = pkg("u", "1.0", "", "", "", &file_triggers("u-1.0", "/opt"));
    let twin = Twin::new(&[watcher(), w2, x("1.0"), x("2.0")]);
    twin.step_as("install", &[], &["t-1.0", "u-1.0"], &["u-1.0", "t-1.0"]);
    twin.step("install", &[], &["x-1.0"]);
    twin.step("upgrade", &[], &["x-2.0"]);
    twin.step("erase", &[], &["x"]);
}

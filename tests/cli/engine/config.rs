//! Config files: `%config(noreplace)` changed by the user then upgraded
//! (`.rpmnew`), `%config` changed then upgraded (`.rpmsave`), a changed
//! config on erase (`.rpmsave`), an unchanged-in-package config kept.
//! The trees (names and contents) and rpm's warnings must agree.

use super::{Twin, diagnostics, pkg, tree};

/// `cfg`-`version` with three config files; `body` is their content.
fn cfg(version: &str, body: &str) -> (String, String) {
    let install = format!(
        "mkdir -p %{{buildroot}}/etc/cfg\n\
         echo {body} > %{{buildroot}}/etc/cfg/noreplace.conf\n\
         echo {body} > %{{buildroot}}/etc/cfg/plain.conf\n\
         echo same > %{{buildroot}}/etc/cfg/same.conf\n\
         echo {body} > %{{buildroot}}/etc/cfg/untouched.conf"
    );
    let files = "%dir /etc/cfg\n%config(noreplace) /etc/cfg/noreplace.conf\n%config /etc/cfg/plain.conf\n\
                 %config /etc/cfg/same.conf\n%config(noreplace) /etc/cfg/untouched.conf";
    pkg("cfg", version, "", &install, files, "")
}

/// Write `text` to `path` in both roots.
fn edit(twin: &Twin, path: &str, text: &str) {
    for r in [&twin.rpm_root, &twin.our_root] {
        std::fs::write(r.join(path.trim_start_matches('/')), text).unwrap();
    }
}

fn same_tree(twin: &Twin, step: &str) {
    assert_eq!(tree(&twin.our_root), tree(&twin.rpm_root), "{step}: the trees differ (left: ours, right: rpm)");
}

#[test]
fn modified_configs_upgrade_then_erase() {
    let twin = Twin::new(&[cfg("1.0", "one"), cfg("2.0", "two")]);
    twin.step("install", &[], &["cfg-1.0"]);
    same_tree(&twin, "install");
    for f in ["noreplace.conf", "plain.conf", "same.conf"] {
        edit(&twin, &format!("/etc/cfg/{f}"), "user's\n");
    }
    let (r, o) = twin.step("upgrade", &[], &["cfg-2.0"]);
    same_tree(&twin, "upgrade");
    assert_eq!(diagnostics(&o.stderr), diagnostics(&r.stderr), "upgrade: rpm {r:?}\nours {o:?}");
    for f in ["noreplace.conf.rpmnew", "plain.conf.rpmsave"] {
        assert!(twin.rpm_root.join("etc/cfg").join(f).is_file(), "rpm made no {f}: the case is not exercised");
    }
    edit(&twin, "/etc/cfg/plain.conf", "user's again\n");
    let (r, o) = twin.step("erase", &[], &["cfg"]);
    same_tree(&twin, "erase");
    assert_eq!(diagnostics(&o.stderr), diagnostics(&r.stderr), "erase: rpm {r:?}\nours {o:?}");
}

#[test]
fn removed_config_comes_back_on_upgrade() {
    let twin = Twin::new(&[cfg("1.0", "one"), cfg("2.0", "two")]);
    twin.step("install", &[], &["cfg-1.0"]);
    for r in [&twin.rpm_root, &twin.our_root] {
        std::fs::remove_file(r.join("etc/cfg/noreplace.conf")).unwrap();
        std::fs::remove_file(r.join("etc/cfg/plain.conf")).unwrap();
    }
    twin.assert_same("configs removed by the user");
    let (r, o) = twin.step("upgrade", &[], &["cfg-2.0"]);
    same_tree(&twin, "upgrade");
    assert_eq!(diagnostics(&o.stderr), diagnostics(&r.stderr), "upgrade: rpm {r:?}\nours {o:?}");
}

#[test]
fn unmodified_configs_erase_cleanly() {
    let twin = Twin::new(&[cfg("1.0", "one")]);
    twin.step("install", &[], &["cfg-1.0"]);
    twin.step("erase", &[], &["cfg"]);
    same_tree(&twin, "erase");
}

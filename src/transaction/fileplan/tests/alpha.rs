//! spike-alpha 1.0 → 2.0: `%config` fates, nodocs, erase, `.rpmorig`,
//! compared with what `rpm -U`/`-i`/`-e` does on a copy of the same root.

use std::path::Path;

use super::oracle::*;
use crate::rpm::filelist::state;
use crate::test_support::spike_rpm;
use crate::transaction::fileplan::{Action, EraseAction, FilePlan, Options};

/// The files under `/etc/alpha` of a root, sorted.
fn etc_alpha(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root.join("etc/alpha"))
        .expect("read /etc/alpha")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Upgrade alpha 1.0 → 2.0 after `edit` changed the root; compare our plan
/// with what `rpm -U` does on a copy.
fn alpha_upgrade(edit: impl Fn(&Path), extra: &[&str], opts: &Options) -> FilePlan {
    let (v1, v2) = (spike_rpm("spike-alpha-1.0"), spike_rpm("spike-alpha-2.0"));
    let root = root_with(&[&v1]);
    edit(root.path());
    let (p, _) = plan_over(
        root.path(),
        std::slice::from_ref(&v2),
        &["spike-alpha"],
        opts,
    );
    assert!(p.conflicts.is_empty(), "{:?}", p.conflicts);
    let copy = copy_root(root.path());
    let mut args = vec![
        "-U",
        "-vv",
        "--nodeps",
        "--noscripts",
        "--notriggers",
        "--nosignature",
    ];
    args.extend_from_slice(extra);
    let out = rpm(copy.path(), &args, &[&v2]);
    assert!(
        out.status.success(),
        "rpm -U: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        rpm_config_warnings(&out),
        p.installs[0].warnings,
        "warnings"
    );
    // The .rpmnew/.rpmsave files rpm made are the ones our actions name.
    let (_, files, _) = incoming(&v2);
    let mut expect: Vec<String> = vec!["alpha.conf".into(), "defaults.conf".into()];
    for (f, a) in files.iter().zip(&p.installs[0].actions) {
        let base = f.path.rsplit('/').next().unwrap_or_default();
        match a {
            Action::AltName => expect.push(format!("{base}.rpmnew")),
            Action::Save => expect.push(format!("{base}.rpmsave")),
            _ => {}
        }
    }
    expect.sort();
    assert_eq!(etc_alpha(copy.path()), expect);
    // FILESTATES of the new header, as rpm recorded them.
    let q = rpm(
        copy.path(),
        &["-q", "--qf", "[%{FILESTATES}\n]", "spike-alpha"],
        &[],
    );
    let theirs: Vec<u8> = String::from_utf8_lossy(&q.stdout)
        .lines()
        .filter_map(|l| l.parse().ok())
        .collect();
    assert_eq!(theirs, p.installs[0].states);
    // Every file action, as rpm's fsm logged it.
    let (_, old, _) = incoming(&v1);
    let mut fsm = expect_install(&files, &p.installs[0]);
    fsm.extend(expect_erase(&old, &p.erases[0]));
    assert_eq!(fsm_lines(&out), fsm);
    // What the erase of 1.0 removed: only-in-1.txt, nothing else.
    for (f, a) in old.iter().zip(&p.erases[0].actions) {
        let rel = f.path.trim_start_matches('/');
        if root.path().join(rel).symlink_metadata().is_ok() {
            let gone = copy.path().join(rel).symlink_metadata().is_err();
            assert_eq!(gone, *a == EraseAction::Remove, "{}: {a:?}", f.path);
        }
    }
    assert!(
        p.erases[0].actions.contains(&EraseAction::Remove),
        "only-in-1.txt goes"
    );
    p
}

#[test]
fn alpha_upgrade_with_modified_configs_matches_rpm() {
    let p = alpha_upgrade(
        |r| {
            std::fs::write(r.join("etc/alpha/alpha.conf"), "mine\n").expect("edit");
            std::fs::write(r.join("etc/alpha/defaults.conf"), "mine too\n").expect("edit");
        },
        &[],
        &Options::default(),
    );
    assert!(
        p.installs[0].actions.contains(&Action::AltName)
            && p.installs[0].actions.contains(&Action::Save)
    );
}

#[test]
fn alpha_upgrade_unmodified_and_with_nodocs_matches_rpm() {
    let p = alpha_upgrade(|_| {}, &[], &Options::default());
    assert!(p.installs[0].warnings.is_empty());
    let nodocs = Options {
        nodocs: true,
        ..Options::default()
    };
    let p = alpha_upgrade(|_| {}, &["--excludedocs"], &nodocs);
    assert!(p.installs[0].states.contains(&state::NOT_INSTALLED));
}

#[test]
fn alpha_erase_saves_modified_configs_and_removes_an_existing_ghost() {
    let v1 = spike_rpm("spike-alpha-1.0");
    let root = root_with(&[&v1]);
    std::fs::write(root.path().join("etc/alpha/defaults.conf"), "mine\n").expect("edit");
    std::fs::create_dir_all(root.path().join("var/log")).expect("mkdir");
    std::fs::write(root.path().join("var/log/alpha.log"), "log\n").expect("ghost");
    let (p, inst) = plan_over(root.path(), &[], &["spike-alpha"], &Options::default());
    let copy = copy_root(root.path());
    let out = rpm(
        copy.path(),
        &["-e", "-vv", "--nodeps", "--noscripts", "spike-alpha"],
        &[],
    );
    assert!(
        out.status.success(),
        "rpm -e: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(rpm_config_warnings(&out), p.erases[0].warnings);
    assert_eq!(
        p.erases[0].warnings,
        ["warning: /etc/alpha/defaults.conf saved as /etc/alpha/defaults.conf.rpmsave"]
    );
    assert_eq!(fsm_lines(&out), expect_erase(&inst[0].2, &p.erases[0]));
    for (f, a) in inst[0].2.iter().zip(&p.erases[0].actions) {
        let present = copy
            .path()
            .join(f.path.trim_start_matches('/'))
            .symlink_metadata()
            .is_ok();
        let saved = copy
            .path()
            .join(format!("{}.rpmsave", f.path.trim_start_matches('/')))
            .exists();
        match a {
            EraseAction::Remove => assert!(!present || f.is_dir(), "{} should be gone", f.path),
            EraseAction::Save => assert!(!present && saved, "{} should be saved", f.path),
            EraseAction::Keep => assert!(present, "{} should stay", f.path),
        }
    }
}

#[test]
fn unowned_configs_on_disk_at_first_install_match_rpm() {
    let v1 = spike_rpm("spike-alpha-1.0");
    let root = root_with(&[]);
    std::fs::create_dir_all(root.path().join("etc/alpha")).expect("mkdir");
    std::fs::write(root.path().join("etc/alpha/alpha.conf"), "admin's\n").expect("write");
    std::fs::write(root.path().join("etc/alpha/defaults.conf"), "admin's\n").expect("write");
    let (p, _) = plan_over(
        root.path(),
        std::slice::from_ref(&v1),
        &[],
        &Options::default(),
    );
    assert!(
        p.installs[0].actions.contains(&Action::Orig)
            && p.installs[0].actions.contains(&Action::AltName)
    );
    let out = rpm(
        root.path(),
        &["-i", "-vv", "--nodeps", "--noscripts", "--nosignature"],
        &[&v1],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(rpm_config_warnings(&out), p.installs[0].warnings);
    assert_eq!(
        fsm_lines(&out),
        expect_install(&incoming(&v1).1, &p.installs[0])
    );
    assert_eq!(
        etc_alpha(root.path()),
        [
            "alpha.conf",
            "alpha.conf.rpmnew",
            "defaults.conf",
            "defaults.conf.rpmorig"
        ]
    );
}

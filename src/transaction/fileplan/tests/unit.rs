//! Synthetic file lists over [`MemDisk`]: each test pins one of rpm's rules.

use super::*;
use crate::rpm::filelist::state;
use crate::rpm::tags::{RPMFILE_DOC, RPMFILE_GHOST, RPMFILE_LICENSE, RPMFILE_NOREPLACE};
use crate::transaction::fileplan::{Action, EraseAction, Replaced};

const A: &str = "a-1-1.x86_64";
const B: &str = "b-1-1.x86_64";

#[test]
fn incoming_packages_conflict_on_different_content_but_share_identical_files() {
    let a = [reg("/x", "from a"), reg("/shared", "same")];
    let b = [reg("/x", "from b"), reg("/shared", "same")];
    let p = run(&[inc(A, &a), inc(B, &b)], &[], &MemDisk::default());
    assert_eq!(p.conflicts.len(), 1, "{:?}", p.conflicts);
    assert_eq!(
        p.conflicts[0].message(),
        format!("file /x conflicts between attempted installs of {B} and {A}")
    );
    // The first of identical shared files is written, the others skipped
    // (but owned: state NORMAL).
    assert_eq!(p.installs[0].actions, [Action::Create, Action::Create]);
    assert_eq!(p.installs[1].actions[1], Action::Skip);
    assert_eq!(p.installs[1].states, [state::NORMAL, state::NORMAL]);
}

#[test]
fn incoming_conflicts_with_a_staying_installed_package_unless_replacefiles() {
    let old = [reg("/x", "installed"), reg("/same", "s")];
    let new = [reg("/x", "incoming"), reg("/same", "s")];
    let installed = [inst(7, B, &old, false)];
    let p = run(&[inc(A, &new)], &installed, &MemDisk::default());
    assert_eq!(p.conflicts.len(), 1);
    assert_eq!(
        p.conflicts[0].message(),
        format!("file /x from install of {A} conflicts with file from package {B}")
    );
    assert!(p.conflicts[0].other_is_installed);
    // --replacefiles: no problem, the installed entry becomes REPLACED; the
    // identical file stays owned by both.
    let opts = Options {
        replace_files: true,
        ..Options::default()
    };
    let p = plan(&[inc(A, &new)], &installed, &MemDisk::default(), &opts);
    assert!(p.conflicts.is_empty());
    assert_eq!(
        p.replaced,
        [Replaced {
            hnum: 7,
            file: 0,
            state: state::REPLACED
        }]
    );
    assert_eq!(p.installs[0].actions, [Action::Create, Action::Create]);
}

#[test]
fn metadata_differences_are_conflicts_too() {
    // rpmfilesCompare: mode, user and group count, not only content.
    let mut other_owner = reg("/x", "same");
    other_owner.user = "spike".into();
    let mut other_mode = reg("/y", "same");
    other_mode.mode = S_IFREG | 0o755;
    let a = [reg("/x", "same"), reg("/y", "same")];
    let b = [other_owner, other_mode];
    let p = run(&[inc(A, &a), inc(B, &b)], &[], &MemDisk::default());
    let paths: Vec<&str> = p.conflicts.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["/x", "/y"]);
}

#[test]
fn directories_conflict_only_on_metadata_and_ghosts_never() {
    let mut big = dir("/d");
    big.size = 8192;
    big.mtime = 5;
    let mut other_mode = dir("/e");
    other_mode.mode = S_IFDIR | 0o700;
    let ghost_a = FileEntry {
        flags: RPMFILE_GHOST,
        ..reg("/g", "one")
    };
    let ghost_b = FileEntry {
        flags: RPMFILE_GHOST,
        mode: S_IFREG | 0o600,
        ..reg("/g", "other")
    };
    let a = [dir("/d"), dir("/e"), ghost_a];
    let b = [big, other_mode, ghost_b];
    let p = run(&[inc(A, &a), inc(B, &b)], &[], &MemDisk::default());
    let paths: Vec<&str> = p.conflicts.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        ["/e"],
        "size/mtime of a dir and anything of a ghost never conflict"
    );
    // Ghosts are never written; a ghost does not make the next owner skip.
    assert_eq!(p.installs[0].actions[2], Action::Skip);
}

#[test]
fn an_upgrade_takes_over_the_old_files() {
    let old = [
        reg("/usr/bin/x", "v1"),
        reg("/usr/share/gone", "v1"),
        dir("/usr/share/d"),
    ];
    let new = [reg("/usr/bin/x", "v2"), dir("/usr/share/d")];
    let installed = [inst(3, "x-1-1.x86_64", &old, true)];
    let p = run(
        &[inc("x-2-1.x86_64", &new)],
        &installed,
        &MemDisk::default(),
    );
    assert!(p.conflicts.is_empty());
    assert!(
        p.replaced.is_empty(),
        "an erased package's header is not rewritten"
    );
    assert_eq!(p.installs[0].actions, [Action::Create, Action::Create]);
    assert_eq!(p.erases.len(), 1);
    assert_eq!(p.erases[0].hnum, 3);
    assert_eq!(
        p.erases[0].actions,
        [EraseAction::Keep, EraseAction::Remove, EraseAction::Keep]
    );
}

#[test]
fn an_upgrade_cannot_turn_a_directory_into_a_file() {
    let old = [dir("/opt/x")];
    let new = [reg("/opt/x", "now a file")];
    let installed = [inst(3, "x-1-1.x86_64", &old, true)];
    let disk = MemDisk::default().dir("/opt/x");
    let p = run(&[inc("x-2-1.x86_64", &new)], &installed, &disk);
    assert_eq!(p.conflicts.len(), 1);
    // Not on disk any more: fine.
    let p = run(
        &[inc("x-2-1.x86_64", &new)],
        &installed,
        &MemDisk::default(),
    );
    assert!(p.conflicts.is_empty());
}

#[test]
fn shared_files_stay_until_the_last_owner_goes() {
    let a = [reg("/s", "same"), reg("/only-a", "a")];
    let b = [reg("/s", "same")];
    // Erase a, b stays: /s is kept.
    let p = run(
        &[],
        &[inst(1, A, &a, true), inst(2, B, &b, false)],
        &MemDisk::default(),
    );
    assert_eq!(
        p.erases[0].actions,
        [EraseAction::Keep, EraseAction::Remove]
    );
    // Erase both: only the last erase removes it.
    let p = run(
        &[],
        &[inst(1, A, &a, true), inst(2, B, &b, true)],
        &MemDisk::default(),
    );
    assert_eq!(
        p.erases[0].actions,
        [EraseAction::Keep, EraseAction::Remove]
    );
    assert_eq!(p.erases[1].actions, [EraseAction::Remove]);
    // A file already REPLACED in a's header is not a's to remove.
    let a2 = [FileEntry {
        state: state::REPLACED,
        ..reg("/s", "same")
    }];
    let p = run(&[], &[inst(1, A, &a2, true)], &MemDisk::default());
    assert_eq!(p.erases[0].actions, [EraseAction::Keep]);
}

#[test]
fn multilib_colours_resolve_to_the_preferred_one() {
    let elf32 = [FileEntry {
        color: 1,
        ..reg("/usr/lib/x.so", "elf32")
    }];
    let elf64 = [FileEntry {
        color: 2,
        ..reg("/usr/lib/x.so", "elf64")
    }];
    for order in [[0usize, 1], [1, 0]] {
        let pk = [inc("x-1-1.i686", &elf32), inc("x-1-1.x86_64", &elf64)];
        let incoming = [pk[order[0]], pk[order[1]]];
        let p = run(&incoming, &[], &MemDisk::default());
        assert!(p.conflicts.is_empty(), "{order:?}: {:?}", p.conflicts);
        let (i32, i64) = if order[0] == 0 { (0, 1) } else { (1, 0) };
        assert_eq!(
            (p.installs[i32].actions[0], p.installs[i32].states[0]),
            (Action::Skip, state::WRONG_COLOR)
        );
        assert_eq!(
            (p.installs[i64].actions[0], p.installs[i64].states[0]),
            (Action::Create, state::NORMAL)
        );
    }
    // Against an installed package: ELF64 incoming replaces the installed
    // ELF32 (marked WRONG_COLOR); ELF32 incoming loses to an installed ELF64.
    let p = run(
        &[inc("x-1-1.x86_64", &elf64)],
        &[inst(4, "x-1-1.i686", &elf32, false)],
        &MemDisk::default(),
    );
    assert!(p.conflicts.is_empty());
    assert_eq!(
        p.replaced,
        [Replaced {
            hnum: 4,
            file: 0,
            state: state::WRONG_COLOR
        }]
    );
    assert_eq!(p.installs[0].actions[0], Action::Create);
    let p = run(
        &[inc("x-1-1.i686", &elf32)],
        &[inst(4, "x-1-1.x86_64", &elf64, false)],
        &MemDisk::default(),
    );
    assert!(p.conflicts.is_empty() && p.replaced.is_empty());
    assert_eq!(
        (p.installs[0].actions[0], p.installs[0].states[0]),
        (Action::Skip, state::WRONG_COLOR)
    );
    // Without a transaction colour (i686 host) it is a plain conflict.
    let opts = Options::for_arch("i686");
    let p = plan(
        &[inc("x-1-1.i686", &elf32), inc("x-1-1.x86_64", &elf64)],
        &[],
        &MemDisk::default(),
        &opts,
    );
    assert_eq!(p.conflicts.len(), 1);
}

/// Upgrade `old` → `new` for one config entry over `disk`; the new action.
fn config_fate(old: FileEntry, new: FileEntry, disk: MemDisk) -> (Action, Vec<String>) {
    let (o, n) = ([old], [new]);
    let p = run(
        &[inc("c-2-1.noarch", &n)],
        &[inst(1, "c-1-1.noarch", &o, true)],
        &disk,
    );
    assert!(p.conflicts.is_empty());
    assert_eq!(
        p.erases[0].actions,
        [EraseAction::Keep],
        "the new package owns the path"
    );
    (p.installs[0].actions[0], p.installs[0].warnings.clone())
}

#[test]
fn config_fates_on_upgrade() {
    let (c, nr) = (0, RPMFILE_NOREPLACE);
    let d = |s: &str| MemDisk::default().file("/etc/c", s);
    // Unmodified on disk: replaced.
    assert_eq!(
        config_fate(cfg("/etc/c", "v1", c), cfg("/etc/c", "v2", c), d("v1")).0,
        Action::Create
    );
    // Modified, package changed: .rpmsave / .rpmnew, with rpm's warnings.
    assert_eq!(
        config_fate(cfg("/etc/c", "v1", c), cfg("/etc/c", "v2", c), d("mine")),
        (
            Action::Save,
            vec!["warning: /etc/c saved as /etc/c.rpmsave".to_owned()]
        )
    );
    assert_eq!(
        config_fate(cfg("/etc/c", "v1", nr), cfg("/etc/c", "v2", nr), d("mine")),
        (
            Action::AltName,
            vec!["warning: /etc/c created as /etc/c.rpmnew".to_owned()]
        )
    );
    // Modified, but the package did not change it: kept silently.
    assert_eq!(
        config_fate(cfg("/etc/c", "v1", c), cfg("/etc/c", "v1", c), d("mine")),
        (Action::Skip, vec![])
    );
    // Disk already has the new content.
    assert_eq!(
        config_fate(cfg("/etc/c", "v1", c), cfg("/etc/c", "v2", c), d("v2")).0,
        Action::Touch
    );
    // Removed by the admin: created again.
    assert_eq!(
        config_fate(
            cfg("/etc/c", "v1", c),
            cfg("/etc/c", "v2", c),
            MemDisk::default()
        )
        .0,
        Action::Create
    );
    // No longer %config: a modified file is saved.
    assert_eq!(
        config_fate(cfg("/etc/c", "v1", c), reg("/etc/c", "v2"), d("mine")).0,
        Action::Save
    );
    // Symlink configs compare targets.
    let (l1, l2) = (
        FileEntry {
            flags: RPMFILE_CONFIG,
            ..link("/etc/c", "t1")
        },
        FileEntry {
            flags: RPMFILE_CONFIG,
            ..link("/etc/c", "t2")
        },
    );
    assert_eq!(
        config_fate(
            l1.clone(),
            l2.clone(),
            MemDisk::default().symlink("/etc/c", "t1")
        )
        .0,
        Action::Create
    );
    assert_eq!(
        config_fate(l1, l2, MemDisk::default().symlink("/etc/c", "mine")).0,
        Action::Save
    );
}

#[test]
fn unowned_config_on_disk_at_first_install() {
    let disk = MemDisk::default()
        .file("/etc/c", "admin's")
        .file("/etc/n", "admin's")
        .file("/etc/same", "v1");
    let files = [
        cfg("/etc/c", "v1", 0),
        cfg("/etc/n", "v1", RPMFILE_NOREPLACE),
        cfg("/etc/same", "v1", 0),
    ];
    let p = run(&[inc("c-1-1.noarch", &files)], &[], &disk);
    assert_eq!(
        p.installs[0].actions,
        [Action::Orig, Action::AltName, Action::Create]
    );
    assert_eq!(
        p.installs[0].warnings,
        [
            "warning: /etc/c saved as /etc/c.rpmorig",
            "warning: /etc/n created as /etc/n.rpmnew"
        ]
    );
    // A non-config file on disk is simply overwritten.
    let plain = [reg("/etc/c", "v1")];
    assert_eq!(
        run(&[inc("c-1-1.noarch", &plain)], &[], &disk).installs[0].actions,
        [Action::Create]
    );
}

#[test]
fn erase_saves_modified_configs_and_removes_ghosts() {
    let ghost = FileEntry {
        flags: RPMFILE_GHOST,
        ..reg("/var/log/g.log", "")
    };
    let ghost_cfg = FileEntry {
        flags: RPMFILE_GHOST | RPMFILE_CONFIG,
        ..reg("/etc/g.conf", "")
    };
    let files = [
        cfg("/etc/mod", "v1", 0),
        cfg("/etc/same", "v1", 0),
        ghost,
        ghost_cfg,
        reg("/missing", "x"),
    ];
    let disk = MemDisk::default()
        .file("/etc/mod", "mine")
        .file("/etc/same", "v1")
        .file("/var/log/g.log", "log lines")
        .file("/etc/g.conf", "generated");
    let p = run(&[], &[inst(9, "c-1-1.noarch", &files, true)], &disk);
    use EraseAction::*;
    assert_eq!(p.erases[0].actions, [Save, Remove, Remove, Keep, Remove]);
    assert_eq!(
        p.erases[0].warnings,
        ["warning: /etc/mod saved as /etc/mod.rpmsave"]
    );
}

#[test]
fn nodocs_skips_docs_and_their_emptied_directories() {
    let doc = |p: &str| FileEntry {
        flags: RPMFILE_DOC,
        ..reg(p, "doc")
    };
    let files = [
        dir("/usr/share/doc/p"),
        doc("/usr/share/doc/p/README"),
        dir("/usr/share/doc/p/html"),
        doc("/usr/share/doc/p/html/index.html"),
        dir("/usr/share/q"),
        doc("/usr/share/q/NEWS"),
        reg("/usr/share/q/data", "d"),
        FileEntry {
            flags: RPMFILE_LICENSE | RPMFILE_DOC,
            ..reg("/usr/share/licenses/p/COPYING", "l")
        },
    ];
    let opts = Options {
        nodocs: true,
        ..Options::default()
    };
    let p = plan(
        &[inc("p-1-1.noarch", &files)],
        &[],
        &MemDisk::default(),
        &opts,
    );
    use Action::*;
    assert_eq!(
        p.installs[0].actions,
        [Skip, Skip, Skip, Skip, Create, Skip, Create, Create]
    );
    let n = state::NOT_INSTALLED;
    assert_eq!(p.installs[0].states, [n, n, n, n, 0, n, 0, 0]);
    // Without nodocs everything is installed.
    let p = run(&[inc("p-1-1.noarch", &files)], &[], &MemDisk::default());
    assert!(p.installs[0].actions.iter().all(|a| *a == Create));
}

#[test]
fn symlinked_directories_make_paths_collide() {
    // usrmerge on disk: /bin -> usr/bin.
    let disk = MemDisk::default()
        .dir("/usr")
        .dir("/usr/bin")
        .symlink("/bin", "usr/bin");
    let a = [reg("/bin/tool", "a")];
    let b = [reg("/usr/bin/tool", "b")];
    let p = run(&[inc(A, &a), inc(B, &b)], &[], &disk);
    assert_eq!(p.conflicts.len(), 1, "/bin/tool is /usr/bin/tool");
    // The symlink comes with an incoming package instead (not on disk yet).
    let fs = [link("/lib", "usr/lib"), dir("/usr/lib")];
    let (c, d) = ([reg("/lib/x.so", "c")], [reg("/usr/lib/x.so", "d")]);
    let p = run(
        &[inc("fs-1-1.noarch", &fs), inc(A, &c), inc(B, &d)],
        &[],
        &MemDisk::default(),
    );
    assert_eq!(p.conflicts.len(), 1);
    // Identical under two names: one write, no conflict.
    let (c, d) = ([reg("/lib/x.so", "same")], [reg("/usr/lib/x.so", "same")]);
    let p = run(
        &[inc("fs-1-1.noarch", &fs), inc(A, &c), inc(B, &d)],
        &[],
        &MemDisk::default(),
    );
    assert!(p.conflicts.is_empty());
    assert_eq!(p.installs[2].actions, [Action::Skip]);
}

#[test]
fn a_large_upgrade_is_planned_in_one_pass() {
    // 100 packages × (2000 files + 100 shared directories), each upgrading
    // an installed older version with other content, plus a staying
    // package owning the directories: 420k entries in all.
    let dirs: Vec<String> = (0..100).map(|d| format!("/usr/share/d{d}")).collect();
    let pkg = |p: usize, v: &str| -> Vec<FileEntry> {
        let mut f: Vec<FileEntry> = dirs.iter().map(|d| dir(d)).collect();
        f.extend((0..2000).map(|i| reg(&format!("{}/p{p}-f{i}", dirs[i % 100]), v)));
        f
    };
    let new: Vec<Vec<FileEntry>> = (0..100).map(|p| pkg(p, "v2")).collect();
    let old: Vec<Vec<FileEntry>> = (0..100).map(|p| pkg(p, "v1")).collect();
    let owner: Vec<FileEntry> = dirs.iter().map(|d| dir(d)).collect();
    let names: Vec<String> = (0..100).map(|p| format!("p{p}")).collect();
    let incoming: Vec<Incoming<'_>> = new.iter().zip(&names).map(|(f, n)| inc(n, f)).collect();
    let mut installed: Vec<Installed<'_>> = old
        .iter()
        .zip(&names)
        .enumerate()
        .map(|(i, (f, n))| inst(i as u32 + 2, n, f, true))
        .collect();
    installed.push(inst(1, "dirs-1-1.noarch", &owner, false));
    let p = run(&incoming, &installed, &MemDisk::default());
    assert!(p.conflicts.is_empty() && p.replaced.is_empty());
    // rpm's quirk: a shared identical entry is skipped only after a
    // package that *creates* it, so creates and skips alternate.
    for (k, i) in p.installs.iter().enumerate() {
        let want = if k % 2 == 0 {
            Action::Create
        } else {
            Action::Skip
        };
        assert!(i.actions[..100].iter().all(|a| *a == want), "package {k}");
    }
    assert!(
        p.installs
            .iter()
            .all(|i| i.actions[100..].iter().all(|a| *a == Action::Create))
    );
    assert!(
        p.erases
            .iter()
            .all(|e| e.actions.iter().all(|a| *a == EraseAction::Keep))
    );
}

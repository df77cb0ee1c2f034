//! Every alter command in text and `-j` mode on the spike repo.

use super::{assert_installed, base_ctx, base_plus, last_row, row, snap};
use crate::support::test_repo;

const ALPHA1: &str = "spike-alpha-1.0-1.x86_64";
const ALPHA2: &str = "spike-alpha-2.0-1.x86_64";
const GAMMA: &str = "spike-gamma-1.0-1.noarch";

fn json_item(name: &str, arch: &str, evr: &str, size: u64, repo: &str) -> String {
    format!(r#"{{"Name":"{name}","Arch":"{arch}","Evr":"{evr}","InstallSize":{size},"Repo":"{repo}"}}"#)
}

#[test]
fn install_and_erase_in_text_mode() {
    let ctx = base_ctx();
    let out = ctx.run(&["-y", "install", "spike-gamma"]);
    assert_eq!(
        snap(&out, &ctx),
        "exit: 0\n--- stdout\n\nInstalling:\nspike-gamma      noarch       1.0-1            spike          6.00b [DL]\n\nTotal installed size:   6.00b\nTotal download size: [DL]\nTesting transaction\nRunning transaction\nInstalling/Updating: spike-gamma-1.0-1.noarch\nComplete!\n--- stderr\n\n"
    );
    assert_installed(&ctx, &base_plus(&[GAMMA]));
    assert_eq!(last_row(&ctx), row("-y install spike-gamma", &[GAMMA], &[]));

    let out = ctx.run(&["-y", "erase", "spike-gamma"]);
    assert_eq!(
        snap(&out, &ctx),
        "exit: 0\n--- stdout\n\nRemoving:\nspike-gamma      noarch       1.0-1            @System        6.00b [DL]\n\nTotal installed size:   6.00b\nTotal download size: [DL]\nTesting transaction\nRunning transaction\nRemoving: spike-gamma-1.0-1.noarch\nComplete!\n--- stderr\n\n"
    );
    assert_installed(&ctx, &base_plus(&[]));
    assert_eq!(last_row(&ctx), row("-y erase spike-gamma", &[], &[GAMMA]));
}

#[test]
fn install_and_remove_in_json_mode() {
    let ctx = base_ctx();
    let out = ctx.run(&["-j", "-y", "install", "spike-gamma"]);
    let want = format!("{{\"Install\":[{}]}}", json_item("spike-gamma", "noarch", "1.0-1", 6, "spike"));
    assert_eq!(snap(&out, &ctx), format!("exit: 0\n--- stdout\n{want}\n--- stderr\n\n"));
    assert_installed(&ctx, &base_plus(&[GAMMA]));
    assert_eq!(last_row(&ctx), row("-j -y install spike-gamma", &[GAMMA], &[]));

    let out = ctx.run(&["-j", "-y", "remove", "spike-gamma"]);
    let want = format!("{{\"Remove\":[{}]}}", json_item("spike-gamma", "noarch", "1.0-1", 6, "@System"));
    assert_eq!(snap(&out, &ctx), format!("exit: 0\n--- stdout\n{want}\n--- stderr\n\n"));
    assert_installed(&ctx, &base_plus(&[]));
    assert_eq!(last_row(&ctx), row("-j -y remove spike-gamma", &[], &[GAMMA]));
}

/// update (all, then named), downgrade, in both modes; the sizes in JSON
/// are the headers' sizes as the real rpm reports them.
#[test]
fn update_all_update_named_and_downgrade() {
    let ctx = base_ctx();
    let out = ctx.run(&["-y", "-q", "install", "spike-alpha-1.0"]);
    assert_eq!(out.code, 0, "{}", snap(&out, &ctx));
    assert_installed(&ctx, &base_plus(&[ALPHA1]));
    let size2 = header_size("spike-alpha-2.0-1.x86_64");
    let size1 = header_size("spike-alpha-1.0-1.x86_64");

    let out = ctx.run(&["-y", "update"]);
    assert_eq!(
        snap(&out, &ctx),
        "exit: 0\n--- stdout\n\nUpgrading:\nspike-alpha      x86_64       2.0-1            spike         15.52k [DL]\n\nTotal installed size:  15.52k\nTotal download size: [DL]\nTesting transaction\nRunning transaction\nspike-alpha-2.0-1 pretrans (lua)\nInstalling/Updating: spike-alpha-2.0-1.x86_64\nRemoving: spike-alpha-1.0-1.x86_64\nComplete!\n--- stderr\n\n"
    );
    assert_installed(&ctx, &base_plus(&[ALPHA2]));
    assert_eq!(last_row(&ctx), row("-y update", &[ALPHA2], &[ALPHA1]));

    let out = ctx.run(&["-j", "-y", "downgrade", "spike-alpha"]);
    let want = format!("{{\"Downgrade\":[{}]}}", json_item("spike-alpha", "x86_64", "1.0-1", size1, "spike"));
    assert_eq!(snap(&out, &ctx), format!("exit: 0\n--- stdout\n{want}\n--- stderr\nspike-alpha-1.0-1 pretrans (lua)\n"));
    assert_installed(&ctx, &base_plus(&[ALPHA1]));
    assert_eq!(last_row(&ctx), row("-j -y downgrade spike-alpha", &[ALPHA1], &[ALPHA2]));

    let out = ctx.run(&["-j", "-y", "update", "spike-alpha"]);
    let want = format!("{{\"Upgrade\":[{}]}}", json_item("spike-alpha", "x86_64", "2.0-1", size2, "spike"));
    assert_eq!(snap(&out, &ctx), format!("exit: 0\n--- stdout\n{want}\n--- stderr\nspike-alpha-2.0-1 pretrans (lua)\n"));
    assert_installed(&ctx, &base_plus(&[ALPHA2]));

    let out = ctx.run(&["-y", "downgrade", "spike-alpha"]);
    assert!(out.stdout.starts_with("\nDowngrading:\nspike-alpha      x86_64       1.0-1 "), "{}", snap(&out, &ctx));
    assert_installed(&ctx, &base_plus(&[ALPHA1]));

    // Nothing left to update.
    let out = ctx.run(&["-y", "update", "spike-alpha-1.0"]);
    assert_eq!(out.code, 0, "{}", snap(&out, &ctx));
    // No lower version: tdnf says so and has nothing to do.
    let out = ctx.run(&["-y", "downgrade", "spike-alpha"]);
    assert_eq!(snap(&out, &ctx), "exit: 0\n--- stdout\n\n--- stderr\nThere is no downgrade path for spike-alpha.\nNothing to do.\n");
    assert_installed(&ctx, &base_plus(&[ALPHA1]));
}

/// The header's `SIZE` as the real rpm reads it from the package file.
fn header_size(nevra: &str) -> u64 {
    let file = test_repo().join(format!("{nevra}.rpm"));
    let out = std::process::Command::new("rpm").args(["-qp", "--nosignature", "--qf", "%{SIZE}"]).arg(&file).output().expect("rpm -qp");
    String::from_utf8_lossy(&out.stdout).trim().parse().expect("size")
}

#[test]
fn reinstall_from_the_repo_and_from_a_local_file() {
    let ctx = base_ctx();
    assert_eq!(ctx.run(&["-y", "-q", "install", "spike-gamma"]).code, 0);
    let out = ctx.run(&["-y", "reinstall", "spike-gamma"]);
    assert_eq!(
        snap(&out, &ctx),
        "exit: 0\n--- stdout\n\nReinstalling:\nspike-gamma      noarch       1.0-1            spike          6.00b [DL]\n\nTotal installed size:   6.00b\nTotal download size: [DL]\nTesting transaction\nRunning transaction\nInstalling/Updating: spike-gamma-1.0-1.noarch\nRemoving: spike-gamma-1.0-1.noarch\nComplete!\n--- stderr\n\n"
    );
    assert_installed(&ctx, &base_plus(&[GAMMA]));
    // A reinstall is a row with nothing added or removed.
    assert_eq!(last_row(&ctx), row("-y reinstall spike-gamma", &[], &[]));

    let file = test_repo().join("spike-gamma-1.0-1.noarch.rpm");
    let file = file.display().to_string();
    let out = ctx.run(&["-j", "-y", "reinstall", &file]);
    let want = format!("{{\"Reinstall\":[{}]}}", json_item("spike-gamma", "noarch", "1.0-1", 6, "@cmdline"));
    assert_eq!(snap(&out, &ctx), format!("exit: 0\n--- stdout\n{want}\n--- stderr\n\n"));
    assert_installed(&ctx, &base_plus(&[GAMMA]));
    assert_eq!(last_row(&ctx), row(&format!("-j -y reinstall {}", file.replace(&test_repo().display().to_string(), "[REPO]")), &[], &[]));
}

#[test]
fn distro_sync_in_both_modes() {
    let ctx = base_ctx();
    assert_eq!(ctx.run(&["-y", "-q", "install", "spike-alpha-1.0"]).code, 0);
    let out = ctx.run(&["-j", "-y", "distro-sync"]);
    let want = format!("{{\"Upgrade\":[{}]}}", json_item("spike-alpha", "x86_64", "2.0-1", header_size(ALPHA2), "spike"));
    assert_eq!(snap(&out, &ctx), format!("exit: 0\n--- stdout\n{want}\n--- stderr\nspike-alpha-2.0-1 pretrans (lua)\n"));
    assert_installed(&ctx, &base_plus(&[ALPHA2]));
    assert_eq!(last_row(&ctx), row("-j -y distro-sync", &[ALPHA2], &[ALPHA1]));

    let out = ctx.run(&["-y", "distro-sync"]);
    assert_eq!(snap(&out, &ctx), "exit: 0\n--- stdout\n\n--- stderr\nNothing to do.\n");
    assert_installed(&ctx, &base_plus(&[ALPHA2]));
}

/// autoremove without arguments removes the auto-installed leaves the
/// history knows of; with arguments, them and their unneeded deps.
#[test]
fn autoremove_from_the_auto_flags() {
    let ctx = base_ctx();
    assert_eq!(ctx.run(&["-y", "-q", "install", "spike-beta"]).code, 0);
    let beta_set = ["spike-alpha-2.0-1.x86_64", "spike-beta-1.0-1.noarch", GAMMA];
    assert_installed(&ctx, &base_plus(&beta_set));
    // Every dependency is needed: nothing to do.
    let out = ctx.run(&["-y", "autoremove"]);
    assert_eq!(snap(&out, &ctx), "exit: 0\n--- stdout\n\n--- stderr\nNothing to do.\n");

    // Erasing beta (no clean_requirements_on_remove) leaves alpha and gamma
    // as auto-installed orphans; gamma is marked user-installed first.
    assert_eq!(ctx.run(&["-y", "-q", "erase", "spike-beta"]).code, 0);
    assert_eq!(ctx.run(&["-q", "mark", "install", "spike-gamma"]).code, 0);
    let out = ctx.run(&["-y", "autoremove"]);
    assert_eq!(
        snap(&out, &ctx),
        "exit: 0\n--- stdout\n\nRemoving:\nspike-alpha      x86_64       2.0-1            @System       15.52k [DL]\n\nTotal installed size:  15.52k\nTotal download size: [DL]\nTesting transaction\nRunning transaction\nRemoving: spike-alpha-2.0-1.x86_64\nComplete!\n--- stderr\n\n"
    );
    assert_installed(&ctx, &base_plus(&[GAMMA]));
    assert_eq!(last_row(&ctx), row("-y autoremove", &[], &["spike-alpha-2.0-1.x86_64"]));

    // With an argument: spike-sh and the auto-installed deps only it needs.
    // filesystem and setup (named by the base install) are marked auto;
    // setup still needs filesystem, and sh does not need setup: sh goes alone.
    assert_eq!(ctx.run(&["-q", "mark", "remove", "spike-filesystem", "spike-setup"]).code, 0);
    let out = ctx.run(&["-j", "-y", "autoremove", "spike-sh"]);
    let sh = json_item("spike-sh", "x86_64", "1.35.0-1", 1982459, "@System");
    assert_eq!(snap(&out, &ctx), format!("exit: 0\n--- stdout\n{{\"Remove\":[{sh}]}}\n--- stderr\n\n"));
    assert_installed(&ctx, &["spike-filesystem-1.0-1.noarch", "spike-setup-1.0-1.noarch", GAMMA]);
    assert_eq!(last_row(&ctx), row("-j -y autoremove spike-sh", &[], &["spike-sh-1.35.0-1.x86_64"]));
    // Without: the orphaned auto-installed leaves, one level (setup, not
    // the filesystem it needs), as tdnf.
    let out = ctx.run(&["-j", "-y", "autoremove"]);
    let setup = json_item("spike-setup", "noarch", "1.0-1", 104, "@System");
    assert_eq!(snap(&out, &ctx), format!("exit: 0\n--- stdout\n{{\"Remove\":[{setup}]}}\n--- stderr\n\n"));
    assert_installed(&ctx, &["spike-filesystem-1.0-1.noarch", GAMMA]);
}

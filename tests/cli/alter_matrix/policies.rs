//! tdnf's policies end to end: installonly kernels and their limit,
//! obsoletes, conflicts (1301 with the problem text), protected.d,
//! excludepkgs / --exclude / --disableexcludes.

use super::{BASE, assert_installed, base_ctx, base_plus, last_row, row, snap};
use crate::support::TestContext;

const K0: &str = "spike-kernel-5.0.0-1.x86_64";
const K1: &str = "spike-kernel-5.1.0-1.x86_64";

fn append_conf(ctx: &TestContext, line: &str) {
    let mut text = std::fs::read_to_string(&ctx.conf).expect("conf");
    text.push_str(line);
    text.push('\n');
    std::fs::write(&ctx.conf, text).expect("conf");
}

/// With installonlypkgs the update installs the new kernel beside the old
/// one; installonly_limit=1 then erases the oldest.
#[test]
fn installonly_kernels_and_the_limit() {
    let ctx = base_ctx();
    append_conf(&ctx, "installonlypkgs=spike-kernel");
    assert_eq!(ctx.run(&["-y", "-q", "install", "spike-kernel-5.0.0"]).code, 0);
    let out = ctx.run(&["-y", "update"]);
    assert_eq!(
        snap(&out, &ctx),
        "exit: 0\n--- stdout\n\nInstalling:\nspike-kernel     x86_64       5.1.0-1          spike         28.00b [DL]\n\nTotal installed size:  28.00b\nTotal download size: [DL]\nTesting transaction\nRunning transaction\nInstalling/Updating: spike-kernel-5.1.0-1.x86_64\nComplete!\n--- stderr\n\n"
    );
    assert_installed(&ctx, &base_plus(&[K0, K1]));
    assert_eq!(last_row(&ctx), row("-y update", &[K1], &[]));

    // Limit 1: reinstalling the set keeps only the newest.
    let ctx = base_ctx();
    append_conf(&ctx, "installonlypkgs=spike-kernel");
    let text = std::fs::read_to_string(&ctx.conf).expect("conf").replace("installonly_limit=3", "installonly_limit=1");
    std::fs::write(&ctx.conf, text).expect("conf");
    assert_eq!(ctx.run(&["-y", "-q", "install", "spike-kernel-5.0.0"]).code, 0);
    let out = ctx.run(&["-j", "-y", "install", "spike-kernel-5.1.0"]);
    assert_eq!(
        snap(&out, &ctx),
        "exit: 0\n--- stdout\n{\"Install\":[{\"Name\":\"spike-kernel\",\"Arch\":\"x86_64\",\"Evr\":\"5.1.0-1\",\"InstallSize\":28,\"Repo\":\"spike\"}],\"Remove\":[{\"Name\":\"spike-kernel\",\"Arch\":\"x86_64\",\"Evr\":\"5.0.0-1\",\"InstallSize\":28,\"Repo\":\"@System\"}]}\n--- stderr\n\n"
    );
    assert_installed(&ctx, &base_plus(&[K1]));
    assert_eq!(last_row(&ctx), row("-j -y install spike-kernel-5.1.0", &[K1], &[K0]));
}

/// spike-newname obsoletes spike-oldname: an update replaces it, and the
/// old package is listed under Removing and Obsoleting as tdnf lists it.
#[test]
fn obsoletes_replace_the_old_name_on_update() {
    let ctx = base_ctx();
    ctx.rpm_install(&["spike-oldname-1.0-1.noarch"]);
    let out = ctx.run(&["-y", "update"]);
    assert_eq!(
        snap(&out, &ctx),
        "exit: 0\n--- stdout\n\nInstalling:\nspike-newname    noarch       2.0-1            spike          4.00b [DL]\n\nTotal installed size:   4.00b\nTotal download size: [DL]\n\nRemoving:\nspike-oldname    noarch       1.0-1            @System        4.00b [DL]\n\nTotal installed size:   4.00b\nTotal download size: [DL]\n\nObsoleting:\nspike-oldname    noarch       1.0-1            @System        4.00b [DL]\n\nTotal installed size:   4.00b\nTotal download size: [DL]\nTesting transaction\nRunning transaction\nInstalling/Updating: spike-newname-2.0-1.noarch\nRemoving: spike-oldname-1.0-1.noarch\nComplete!\n--- stderr\n\n"
    );
    assert_installed(&ctx, &base_plus(&["spike-newname-2.0-1.noarch"]));
    let hist = super::history(&ctx);
    // The outside rpm -i is recorded as "(unknown)" before our row.
    let n = hist.len();
    assert!(n >= 2, "{hist:?}");
    assert_eq!(hist[n - 2], super::Row { cmdline: "(unknown)".into(), added: vec!["spike-oldname-1.0-1.noarch".into()], removed: vec![] });
    assert_eq!(hist[n - 1], row("-y update", &["spike-newname-2.0-1.noarch"], &["spike-oldname-1.0-1.noarch"]));
}

#[test]
fn conflicts_are_1301_with_the_problem() {
    let ctx = base_ctx();
    assert_eq!(ctx.run(&["-y", "-q", "install", "spike-gamma"]).code, 0);
    let problem = "1. package spike-gamma-1.0-1.noarch conflicts with spike-epsilon provided by spike-epsilon-1.0-1.noarch\nFound 1 problem(s) while resolving\n";
    let out = ctx.run(&["-y", "install", "spike-epsilon"]);
    assert_eq!(snap(&out, &ctx), format!("exit: 21\n--- stdout\n\n--- stderr\n{problem}Error(1301) : Solv general runtime error\n"));
    let out = ctx.run(&["-j", "-y", "install", "spike-epsilon"]);
    assert_eq!(snap(&out, &ctx), format!("exit: 21\n--- stdout\n{{\"Error\":1301,\"ErrorMessage\":\"Solv general runtime error\"}}\n--- stderr\n{problem}"));
    assert_installed(&ctx, &base_plus(&["spike-gamma-1.0-1.noarch"]));
    // --allowerasing resolves it by removing gamma.
    let out = ctx.run(&["-j", "-y", "--allowerasing", "install", "spike-epsilon"]);
    assert_eq!(out.code, 0, "{}", snap(&out, &ctx));
    assert_installed(&ctx, &base_plus(&["spike-epsilon-1.0-1.noarch"]));
}

#[test]
fn protected_packages_are_not_removed() {
    let ctx = base_ctx();
    assert_eq!(ctx.run(&["-y", "-q", "install", "spike-gamma"]).code, 0);
    std::fs::create_dir_all(ctx.dir.join("protected.d")).expect("mkdir");
    std::fs::write(ctx.dir.join("protected.d/spike.conf"), "spike-gamma\n").expect("protected");
    let out = ctx.run(&["-y", "erase", "spike-gamma"]);
    assert_eq!(
        snap(&out, &ctx),
        "exit: 6\n--- stdout\n\n--- stderr\npackage spike-gamma is protected\nError(1030) : The operation would result in removing a protected package.\n"
    );
    let out = ctx.run(&["-j", "-y", "erase", "spike-gamma"]);
    assert_eq!(out.code, 1030 & 0xff, "{}", snap(&out, &ctx));
    assert_eq!(out.json()["Error"], 1030);
    assert_installed(&ctx, &base_plus(&["spike-gamma-1.0-1.noarch"]));
}

#[test]
fn excludes_hide_packages_from_the_resolver() {
    let ctx = base_ctx();
    let out = ctx.run(&["-y", "--exclude", "spike-delta", "install", "spike-delta"]);
    assert_eq!(snap(&out, &ctx), "exit: 0\n--- stdout\n\n--- stderr\nNothing to do.\n");
    append_conf(&ctx, "excludepkgs=spike-ep*");
    let out = ctx.run(&["-y", "install", "spike-epoch"]);
    assert_eq!(snap(&out, &ctx), "exit: 0\n--- stdout\n\n--- stderr\nNothing to do.\n");
    assert_installed(&ctx, &BASE);
    let out = ctx.run(&["-j", "-y", "--disableexcludes", "install", "spike-epoch"]);
    assert_eq!(out.code, 0, "{}", snap(&out, &ctx));
    assert_installed(&ctx, &base_plus(&["spike-epoch-0.9-1.noarch"]));
}

//! The alter commands end to end on the signed spike repo: an empty
//! `--installroot` filled from the repo, then upgrades, erases, refusals,
//! with `rpm --root R -qa/-Va` as the oracle after each step.

use std::process::Command;

use crate::support::{TestContext, qa, rpm, signed_ctx, test_repo};

fn assert_verifies(ctx: &TestContext) {
    let (ok, out) = rpm(ctx, &["-Va", "--nodeps", "--nosignature"]);
    // spike-alpha's %ghost log file is created by its %post: rpm -V lists
    // nothing else for a clean install.
    assert!(ok || out.trim().is_empty(), "rpm -Va:\n{out}");
}

#[test]
fn install_into_an_empty_root_then_upgrade_and_erase() {
    let ctx = signed_ctx();
    let out = ctx.run(&["-y", "install", "spike-beta"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    for heading in ["Installing:", "Total installed size:", "Complete!"] {
        assert!(out.stdout.contains(heading), "no {heading:?} in\n{}", out.snapshot(&ctx));
    }
    let installed = qa(&ctx);
    for name in ["spike-alpha-1.0-1.x86_64", "spike-beta-1.0-1.noarch", "spike-filesystem-1.0-1.noarch", "spike-sh-1.35.0-1.x86_64"]
    {
        // alpha 2.0 is the newest: the resolver takes it.
        let base = name.rsplitn(3, '-').last().unwrap_or(name);
        assert!(installed.iter().any(|n| n.starts_with(base)), "{base} not installed: {installed:?}");
    }
    assert_verifies(&ctx);
    let (_, keys) = rpm(&ctx, &["-q", "gpg-pubkey"]);
    assert!(keys.starts_with("gpg-pubkey-"), "the repo key was not imported: {keys}");

    let out = ctx.run(&["-j", "-y", "erase", "spike-beta"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let v = out.json();
    assert_eq!(v["Remove"][0]["Name"], "spike-beta", "{v}");
    assert!(!qa(&ctx).iter().any(|n| n.starts_with("spike-beta")));

    let hist = ctx.run(&["-j", "history", "--info"]);
    assert_eq!(hist.code, 0, "{}", hist.snapshot(&ctx));
    let h = hist.json();
    let rows = h.as_array().expect("history is an array");
    assert!(rows.iter().any(|r| r["Added"].as_array().is_some_and(|a| a.iter().any(|n| n.as_str().is_some_and(|s| s.starts_with("spike-beta-"))))), "{h}");
    assert!(rows.iter().any(|r| r["Removed"].as_array().is_some_and(|a| a.iter().any(|n| n.as_str().is_some_and(|s| s.starts_with("spike-beta-"))))), "{h}");
}

#[test]
fn no_terminal_and_no_y_is_no_and_nothing_changes() {
    let ctx = signed_ctx();
    let out = ctx.run(&["install", "spike-gamma"]);
    assert_eq!(out.code, 1032 & 0xff, "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains("Error(1032)"), "{}", out.snapshot(&ctx));
    assert!(qa(&ctx).is_empty());

    let out = ctx.run(&["-j", "--assumeno", "install", "spike-gamma"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert_eq!(out.json()["Install"][0]["Name"], "spike-gamma");
    assert!(qa(&ctx).is_empty());
}

#[test]
fn unknown_and_already_installed() {
    let ctx = signed_ctx();
    let out = ctx.run(&["-y", "install", "no-such-package"]);
    assert_eq!(out.code, 1011 & 0xff, "{}", out.snapshot(&ctx));
    let out = ctx.run(&["-y", "install", "spike-gamma"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let out = ctx.run(&["-y", "install", "spike-gamma"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains("Package spike-gamma is already installed."), "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains("Nothing to do"), "{}", out.snapshot(&ctx));
}

#[test]
fn unsigned_package_is_refused_with_gpgcheck() {
    let ctx = signed_ctx();
    let out = ctx.run(&["-y", "install", "spike-unsigned"]);
    assert_eq!(out.code, 1510 & 0xff, "{}", out.snapshot(&ctx));
    assert!(qa(&ctx).is_empty());
}

#[test]
fn failing_pre_is_1525_and_the_package_is_not_installed() {
    let ctx = signed_ctx();
    let out = ctx.run(&["-y", "install", "spike-sh", "spike-scriptfail"]);
    assert_eq!(out.code, 1525 & 0xff, "{}", out.snapshot(&ctx));
    let installed = qa(&ctx);
    assert!(!installed.iter().any(|n| n.starts_with("spike-scriptfail")), "{installed:?}");
    assert!(installed.iter().any(|n| n.starts_with("spike-sh")), "{installed:?}");
}

/// The container case: the static binary, copied into the root it filled,
/// runs inside it (chroot) and installs more.
#[test]
fn the_binary_runs_inside_the_root_it_built() {
    let ctx = signed_ctx();
    let out = ctx.run(&["-y", "install", "spike-sh", "spike-setup"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let root = &ctx.root;
    std::fs::create_dir_all(root.join("usr/bin")).expect("mkdir");
    std::fs::copy(env!("CARGO_BIN_EXE_tdnf"), root.join("usr/bin/tdnf")).expect("copy tdnf");
    crate::support::copy_tree(test_repo(), &root.join("srv/spike"));
    std::fs::create_dir_all(root.join("etc/yum.repos.d")).expect("mkdir");
    std::fs::write(
        root.join("etc/yum.repos.d/spike.repo"),
        "[spike]\nname=spike\nbaseurl=file:///srv/spike\nenabled=1\ngpgcheck=1\ngpgkey=file:///srv/spike/RPM-GPG-KEY-spike\n",
    )
    .expect("repo");
    let out = Command::new("chroot")
        .arg(root)
        .args(["/usr/bin/tdnf", "-y", "--releasever", "1", "install", "spike-gamma"])
        .output()
        .expect("chroot");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "inside the root: {text}");
    assert!(qa(&ctx).iter().any(|n| n.starts_with("spike-gamma")), "{text}");
    assert_verifies(&ctx);
}

/// A local unsigned `.rpm` on the command line follows `[main] gpgcheck`
/// (1510), unless `--nocmdlinegpgcheck` (tdnf's later option).
#[test]
fn local_unsigned_rpm_needs_nocmdlinegpgcheck() {
    let ctx = signed_ctx();
    let local = test_repo().join("spike-unsigned-1.0-1.noarch.rpm");
    let path = local.display().to_string();
    let out = ctx.run(&["-y", "install", &path]);
    assert_eq!(out.code, 1510 & 0xff, "{}", out.snapshot(&ctx));
    assert!(qa(&ctx).is_empty());
    let out = ctx.run(&["-y", "--nocmdlinegpgcheck", "install", &path]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert_eq!(qa(&ctx), vec!["spike-unsigned-1.0-1.noarch".to_owned()]);
}

/// Package refusals at install time, in text and with `-j` (one JSON error
/// object): unsigned 1510, signed by a key the repo does not list 1514.
#[test]
fn package_refusals_in_text_and_json() {
    let ctx = signed_ctx();
    for (pkg, code) in [("spike-unsigned", 1510u32), ("spike-badsig", 1514)] {
        let text = ctx.run(&["-y", "install", pkg]);
        assert_eq!(text.code, (code & 0xff) as i32, "{}", text.snapshot(&ctx));
        assert!(text.stderr.contains(&format!("Error({code}) : ")), "{}", text.snapshot(&ctx));
        let json = ctx.run(&["-j", "-y", "install", pkg]);
        assert_eq!(json.code, (code & 0xff) as i32, "{}", json.snapshot(&ctx));
        assert_eq!(json.json()["Error"], code, "{}", json.snapshot(&ctx));
        assert!(qa(&ctx).is_empty(), "{pkg} was installed");
    }
}

/// Under umask 077 (image builds) the cache, the history database and the
/// installed files still get their usual modes.
#[test]
fn modes_do_not_depend_on_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let ctx = signed_ctx();
    let mut args: Vec<String> = vec!["-c".into(), ctx.conf.display().to_string(), "--installroot".into(), ctx.root.display().to_string()];
    args.extend(["-y", "--setopt=keepcache=1", "install", "spike-gamma"].map(String::from));
    let out = Command::new("sh")
        .arg("-c")
        .arg("umask 077; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_tdnf"))
        .args(&args)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mode = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777).unwrap_or(0);
    assert_eq!(mode(&ctx.root.join("var/lib/tdnf/history.db")), 0o644);
    assert_eq!(mode(&ctx.root.join("var/lib/rpm/rpmdb.sqlite")), 0o644);
    let cache = ctx.real_cache();
    let mut stack = vec![cache.clone()];
    let mut seen = 0;
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read cache").flatten() {
            let p = e.path();
            let want = if p.is_dir() { 0o755 } else { 0o644 };
            assert_eq!(mode(&p), want, "{}", p.display());
            seen += 1;
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    assert!(seen > 3, "nothing in the cache at {}", cache.display());
}

/// A local package path that does not exist is no match (1011), not
/// tdnf's silent "Nothing to do"; `--skip-broken` skips it.
#[test]
fn missing_local_rpm_is_no_match() {
    let ctx = signed_ctx();
    let out = ctx.run(&["-y", "install", "/nonexistent/x-1.0-1.noarch.rpm"]);
    assert_eq!(out.code, 1011 & 0xff, "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains("/nonexistent/x-1.0-1.noarch.rpm: no such package file"), "{}", out.snapshot(&ctx));
    let out = ctx.run(&["-y", "reinstall", "/nonexistent/x-1.0-1.noarch.rpm"]);
    assert_eq!(out.code, 1011 & 0xff, "{}", out.snapshot(&ctx));
    let out = ctx.run(&["-y", "--skip-broken", "install", "/nonexistent/x-1.0-1.noarch.rpm", "spike-gamma"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(qa(&ctx).iter().any(|n| n.starts_with("spike-gamma-")), "{}", out.snapshot(&ctx));
}

/// An `--installroot` that does not exist yet is created by an alter
/// command (image builds name a fresh directory).
#[test]
fn a_missing_installroot_is_created() {
    let ctx = signed_ctx();
    let fresh = ctx.dir.join("fresh-root");
    let root = fresh.display().to_string();
    let conf = ctx.conf.display().to_string();
    let out = crate::support::run_bin(&["-c", &conf, "--installroot", &root, "--releasever", "1", "-y", "install", "spike-gamma"].map(String::from));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let rpm = std::process::Command::new("rpm").args(["--root", &root, "--dbpath", "/var/lib/rpm", "-q", "spike-gamma"]).output().expect("rpm");
    assert!(rpm.status.success(), "{}", String::from_utf8_lossy(&rpm.stdout));
}

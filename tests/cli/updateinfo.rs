//! updateinfo summary/list/info with the spike repo's advisories.

use crate::support::TestContext;

#[test]
fn updateinfo_for_installed_packages() {
    let ctx = TestContext::new().with_spike_repo();
    // Nothing installed: no advisories apply.
    let out = ctx.run(&["-j", "updateinfo"]);
    assert_eq!(out.stdout, r#"{"Unknown":0,"Security":0,"Bugfix":0,"Enhancement":0}"#, "{}", out.snapshot(&ctx));
    let out = ctx.run(&["updateinfo"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "\n0 updates.\n"));
    ctx.rpm_install(&["spike-filesystem-1.0-1.noarch", "spike-setup-1.0-1.noarch", "spike-alpha-1.0-1.x86_64"]);
    let out = ctx.run(&["-j", "updateinfo"]);
    let v = out.json();
    let total: u64 = ["Unknown", "Security", "Bugfix", "Enhancement"].iter().map(|k| v[k].as_u64().unwrap()).sum();
    assert!(total >= 1, "{}", out.snapshot(&ctx));
    let out = ctx.run(&["-j", "updateinfo", "list"]);
    let list = out.json();
    let first = &list.as_array().unwrap()[0];
    assert!(first["Packages"].as_array().unwrap().iter().any(|p| p.as_str().unwrap().contains("spike-alpha-2.0")), "{}", out.stdout);
    let out = ctx.run(&["updateinfo", "info"]);
    assert!(out.stdout.contains("  Update ID : "), "{}", out.stdout);
    assert!(out.stdout.contains("Needs Reboot: "), "{}", out.stdout);
    let out = ctx.run(&["-j", "updateinfo", "--info"]);
    let keys: Vec<String> = out.json()[0].as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys.len(), 6);
}

#[test]
fn updateinfo_filters() {
    let ctx = TestContext::new().with_spike_repo();
    ctx.rpm_install(&["spike-filesystem-1.0-1.noarch", "spike-setup-1.0-1.noarch", "spike-alpha-1.0-1.x86_64"]);
    let all = ctx.run(&["-j", "updateinfo", "list"]).json();
    let sec = ctx.run(&["-j", "--security", "updateinfo", "list"]).json();
    assert!(sec.as_array().unwrap().iter().all(|a| a["Type"] == "Security"), "{sec}");
    assert!(sec.as_array().unwrap().len() <= all.as_array().unwrap().len());
    let high = ctx.run(&["-j", "--sec-severity=100", "updateinfo", "list"]).json();
    assert_eq!(high, serde_json::json!([]));
    // Only the kernel advisory asks for a reboot, and no kernel is installed.
    let out = ctx.run(&["-j", "--reboot-required", "updateinfo", "list"]);
    assert_eq!(out.stdout, "[]", "{}", out.snapshot(&ctx));
    ctx.rpm_install(&["spike-kernel-5.0.0-1.x86_64"]);
    let out = ctx.run(&["-j", "--reboot-required", "updateinfo", "--info"]);
    let v = out.json();
    assert_eq!(v.as_array().unwrap().len(), 1, "{}", out.stdout);
    assert_eq!(v[0]["NeedsReboot"], true);
    assert_eq!(v[0]["Type"], "Bugfix");
    // atof(): a word is severity 0, which every advisory with a severity meets.
    let out = ctx.run(&["-j", "--sec-severity=high", "updateinfo", "list"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(!out.json().as_array().unwrap().is_empty());
    // Specs select installed packages; no match is 1011.
    let out = ctx.run(&["updateinfo", "LIST", "spike-alpha.x86_64"]);
    assert!(out.stdout.contains(" spike-alpha-2.0-1.x86_64.rpm\n"), "{}", out.snapshot(&ctx));
    let out = ctx.run(&["updateinfo", "nosuch"]);
    assert_eq!(out.code, 1011 & 0xff, "{}", out.snapshot(&ctx));
}

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

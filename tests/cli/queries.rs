//! list, info, search, provides, repoquery, count, check-update, check
//! (spec §1, §4) against the spike repo and a root filled by the real rpm.

use crate::support::TestContext;

fn names(v: &serde_json::Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|p| format!("{}-{}.{}@{}", p["Name"].as_str().unwrap(), p["Evr"].as_str().unwrap(), p["Arch"].as_str().unwrap(), p["Repo"].as_str().unwrap())).collect()
}

fn installed_ctx() -> TestContext {
    let ctx = TestContext::new().with_spike_repo().warm();
    ctx.rpm_install(&["spike-filesystem-1.0-1.noarch", "spike-setup-1.0-1.noarch", "spike-alpha-1.0-1.x86_64"]);
    ctx
}

#[test]
fn list_scopes_text_and_json() {
    let ctx = installed_ctx();
    let out = ctx.run(&["-j", "list", "installed"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let mut got = names(&out.json());
    got.sort();
    assert_eq!(got, vec!["spike-alpha-1.0-1.x86_64@@System", "spike-filesystem-1.0-1.noarch@@System", "spike-setup-1.0-1.noarch@@System"]);
    let out = ctx.run(&["-j", "list", "spike-alpha"]);
    assert_eq!(names(&out.json()), vec!["spike-alpha-1.0-1.x86_64@@System", "spike-alpha-1.0-1.x86_64@spike", "spike-alpha-2.0-1.x86_64@spike"]);
    let out = ctx.run(&["-j", "list", "--upgrades"]);
    assert_eq!(names(&out.json()), vec!["spike-alpha-2.0-1.x86_64@spike"]);
    let out = ctx.run(&["-j", "list", "available", "spike-epoch"]);
    assert_eq!(names(&out.json()), vec!["spike-epoch-2:0.9-1.noarch@spike"]);
    // Text rows: name.arch, evr and the repo right-aligned, 80 columns.
    let out = ctx.run(&["list", "installed", "spike-setup"]);
    assert_eq!(out.stdout, format!("{:<44} {:<20} {:>12}\n", "spike-setup.noarch ", "1.0-1 ", "@System"));
}

#[test]
fn list_no_match_is_1011_or_empty_json() {
    let ctx = TestContext::new().with_spike_repo();
    let out = ctx.run(&["list", "no-such-package"]);
    assert_eq!(out.code, 1011 & 0xff);
    assert_eq!(out.stderr, "Error(1011) : No matching packages\n");
    let out = ctx.run(&["-j", "list", "no-such-package"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "[]"));
}

#[test]
fn list_ignores_case_and_globs() {
    let ctx = TestContext::new().with_spike_repo().warm();
    let out = ctx.run(&["list", "SPIKE-GAMMA"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(out.stdout.starts_with("[ignoring case for 'SPIKE-GAMMA']\n"), "{}", out.stdout);
    let out = ctx.run(&["-j", "list", "spike-comp-*"]);
    assert_eq!(out.json().as_array().unwrap().len(), 6);
    let out = ctx.run(&["-j", "list", "spike-alpha-2.0-1.x86_64"]);
    assert_eq!(names(&out.json()), vec!["spike-alpha-2.0-1.x86_64@spike"]);
    let out = ctx.run(&["-j", "list", "spike-kernel.x86_64"]);
    assert_eq!(out.json().as_array().unwrap().len(), 2);
}

#[test]
fn info_json_keys_in_tdnf_order() {
    let ctx = installed_ctx();
    let out = ctx.run(&["-j", "info", "spike-alpha"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let text = &out.stdout;
    // Installed packages have no DownloadSize; available ones do.
    assert!(text.starts_with(r#"[{"Name":"spike-alpha","Arch":"x86_64","Evr":"1.0-1","Repo":"@System","Url":"https://example.invalid/alpha","InstallSize":"#), "{text}");
    let v = out.json();
    let keys: Vec<&str> = v[1].as_object().unwrap().keys().map(|k| k.as_str()).collect();
    assert!(v[0].get("DownloadSize").is_none());
    assert!(v[1]["DownloadSize"].as_u64().unwrap() > 0);
    assert_eq!(v[1]["Summary"], "Test package alpha (version 1.0)");
    let _ = keys;
    let out = ctx.run(&["info", "installed", "spike-alpha"]);
    assert!(out.stdout.starts_with("Name          : spike-alpha\nArch          : x86_64\nEpoch         : 0\nVersion       : 1.0\nRelease       : 1\nInstall Size  : "), "{}", out.stdout);
    assert!(out.stdout.contains("\nRepo          : @System\nSummary       : Test package alpha (version 1.0)\nURL           : https://example.invalid/alpha\nLicense       : MIT\n"), "{}", out.stdout);
    assert!(out.stdout.contains("\n\nTotal Size: "), "{}", out.stdout);
}

#[test]
fn search_terms_and_no_match() {
    let ctx = TestContext::new().with_spike_repo();
    // Name, summary or description; one element per matching package.
    let out = ctx.run(&["-j", "search", "ALPHA"]);
    let v = out.json();
    let names: Vec<&str> = v.as_array().unwrap().iter().map(|p| p["Name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["spike-alpha", "spike-alpha", "spike-beta"], "{}", out.stdout);
    assert_eq!(v[2]["Summary"], "Needs alpha (versioned, file-based, rich) and recommends gamma");
    let out = ctx.run(&["search", "zzznothing"]);
    assert_eq!(out.code, 1599 & 0xff);
    assert_eq!(out.stderr, "Error(1599) : No matches found\n");
    let out = ctx.run(&["-j", "search", "zzznothing"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "[]"));
    // Non-ASCII terms are fine (no byte slicing inside a character).
    let out = ctx.run(&["search", "ab€"]);
    assert_eq!(out.code, 1599 & 0xff, "{}", out.snapshot(&ctx));
    let out = ctx.run(&["search", "all", "gamma"]);
    assert!(out.stdout.lines().any(|l| l.starts_with("spike-gamma : ")), "{}", out.stdout);
}

#[test]
fn provides_capability_file_and_no_data() {
    let ctx = TestContext::new().with_spike_repo();
    let out = ctx.run(&["-j", "provides", "alpha-api"]);
    assert_eq!(out.json().as_array().unwrap().len(), 2, "{}", out.snapshot(&ctx));
    let out = ctx.run(&["-j", "whatprovides", "/usr/bin/alpha"]);
    let v = out.json();
    assert_eq!(v[0]["Name"], "spike-alpha", "{}", out.stdout);
    assert!(v[0].get("Repo").is_none());
    let out = ctx.run(&["provides", "alpha-api = 2.0"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("spike-alpha-2.0-1.x86_64 : Test package alpha (version 2.0)\nRepo\t : spike\n"), "{}", out.stdout);
    let out = ctx.run(&["provides", "no-such-cap"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, "No data available\n"));
    let out = ctx.run(&["-j", "provides", "no-such-cap"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "[]"));
    let out = ctx.run(&["provides"]);
    assert_eq!(out.code, 907 & 0xff);
}

#[test]
fn repoquery_selects_and_queries() {
    let ctx = installed_ctx();
    let out = ctx.run(&["repoquery", "spike-alpha"]);
    assert_eq!(out.stdout, "spike-alpha-1.0-1.x86_64\nspike-alpha-2.0-1.x86_64\n", "{}", out.snapshot(&ctx));
    let out = ctx.run(&["repoquery", "--installed", "spike-alpha"]);
    assert_eq!(out.stdout, "spike-alpha-1.0-1.x86_64\n");
    let out = ctx.run(&["repoquery", "--qf", "%{name}|%{version}|%{reponame}", "spike-kernel"]);
    assert_eq!(out.stdout, "spike-kernel|5.0.0|spike\nspike-kernel|5.1.0|spike\n");
    let out = ctx.run(&["repoquery", "--requires", "spike-setup"]);
    assert!(out.stdout.lines().any(|l| l == "spike-filesystem"), "{}", out.stdout);
    let out = ctx.run(&["repoquery", "--whatrequires", "spike-setup"]);
    assert!(out.stdout.contains("spike-alpha-2.0-1.x86_64\n"), "{}", out.stdout);
    let out = ctx.run(&["repoquery", "--whatprovides", "alpha-api"]);
    assert_eq!(out.stdout, "spike-alpha-1.0-1.x86_64\nspike-alpha-2.0-1.x86_64\n");
    let out = ctx.run(&["repoquery", "--list", "spike-alpha-2.0"]);
    assert!(out.stdout.contains("/usr/share/spike/alpha/new-in-2.txt\n"), "{}", out.snapshot(&ctx));
    let out = ctx.run(&["repoquery", "--file", "/usr/share/spike/alpha/only-in-1.txt"]);
    assert_eq!(out.stdout, "spike-alpha-1.0-1.x86_64\n", "{}", out.snapshot(&ctx));
    let out = ctx.run(&["-j", "repoquery", "--provides", "spike-gamma"]);
    let v = out.json();
    assert_eq!(v[0]["Nevra"], "spike-gamma-1.0-1.noarch");
    assert!(v[0]["Provides"].as_array().unwrap().iter().any(|p| p == "spike-gamma = 1.0-1"), "{}", out.stdout);
    let out = ctx.run(&["repoquery", "--source", "spike-gamma"]);
    assert_eq!(out.stdout, "spike-gamma-1.0-1.src\n");
    let out = ctx.run(&["repoquery", "--qf", "%{name}\\t%{sourcerpm}", "spike-gamma"]);
    assert_eq!(out.stdout, "spike-gamma\tspike-gamma-1.0-1.src\n");
    // Rich dependencies are searched; versioned strings match nothing.
    let out = ctx.run(&["repoquery", "--whatrequires", "spike-gamma"]);
    assert!(out.stdout.contains("spike-beta-1.0-1.noarch\n"), "{}", out.snapshot(&ctx));
    let out = ctx.run(&["repoquery", "--whatprovides", "alpha-api = 2.0"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
    let out = ctx.run(&["repoquery", "--extras", "--installed"]);
    assert_eq!(out.code, 1622 & 0xff);
    // Pre-requires are not requires.
    let out = ctx.run(&["repoquery", "--requires", "spike-alpha-2.0"]);
    assert_eq!(out.stdout, "spike-setup\n", "{}", out.snapshot(&ctx));
    let out = ctx.run(&["repoquery", "--requires-pre", "spike-alpha-2.0"]);
    assert_eq!(out.stdout, "/bin/sh\n", "{}", out.snapshot(&ctx));
    let out = ctx.run(&["repoquery", "--location", "spike-gamma"]);
    assert!(out.stdout.starts_with("file://") && out.stdout.ends_with("/spike-gamma-1.0-1.noarch.rpm\n"), "{}", out.stdout);
    let out = ctx.run(&["repoquery", "--duplicates"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");
    let out = ctx.run(&["repoquery", "a", "b"]);
    assert_eq!(out.code, 902 & 0xff);
    let out = ctx.run(&["repoquery", "no-such"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, "No data available\n"));
}

#[test]
fn repoquery_changelogs_from_other_xml() {
    let ctx = TestContext::new();
    let spec = crate::support::simple_spec(
        "logged",
        "1.0",
        "",
        "* Tue Jul 06 2021 Oliver Kurth <okurth@vmware.com> 1.2.3-4\n- needle in a haystack\n* Mon Jul 05 2021 Someone <s@example.invalid> 1.0-1\n- first",
    );
    let repo = crate::support::build_repo(&ctx.dir, &[("logged", &spec)], &["--checksum", "sha512", "--general-compress-type", "xz"]);
    ctx.add_repo("logs", &format!("file://{}", repo.display()), "");
    let out = ctx.run(&["-j", "repoquery", "--changelogs", "logged"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(
        out.stdout.starts_with(r#"[{"Nevra":"logged-1.0-1.noarch","Name":"logged","Arch":"noarch","Evr":"1.0-1","Repo":"logs","ChangeLogs":[{"Time":"Tue Jul 06 2021","Author":"Oliver Kurth <okurth@vmware.com> 1.2.3-4","Text":"- needle in a haystack"},"#),
        "{}",
        out.stdout
    );
    let out = ctx.run(&["repoquery", "--changelogs", "logged"]);
    assert_eq!(out.stdout, "Tue Jul 06 2021 Oliver Kurth <okurth@vmware.com> 1.2.3-4\n- needle in a haystack\nMon Jul 05 2021 Someone <s@example.invalid> 1.0-1\n- first\n");
}

#[test]
fn count_is_installed_plus_available() {
    let ctx = installed_ctx();
    let out = ctx.run(&["count"]);
    assert_eq!(out.stdout, "Package count = 33\n", "{}", out.snapshot(&ctx));
    let out = ctx.run(&["-j", "count"]);
    assert_eq!(out.stdout, "33");
}

#[test]
fn check_update_rows_and_compat_exit() {
    let ctx = installed_ctx();
    let out = ctx.run(&["-j", "check-update"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, r#"[{"Name":"spike-alpha","Arch":"x86_64","Evr":"2.0-1","Repo":"spike"}]"#));
    let mut conf = std::fs::read_to_string(&ctx.conf).unwrap();
    conf.push_str("dnf_check_update_compat=1\n");
    std::fs::write(&ctx.conf, conf).unwrap();
    let out = ctx.run(&["check-update"]);
    assert_eq!(out.code, 100);
    assert!(out.stdout.starts_with("spike-alpha.x86_64 "), "{}", out.stdout);
}

#[test]
fn check_reports_problems_with_1301() {
    let ctx = TestContext::new().with_spike_repo();
    // The spike repo carries a deliberate conflict and an obsoletes pair.
    let out = ctx.run(&["check"]);
    assert_eq!(out.code, 1301 & 0xff, "{}", out.snapshot(&ctx));
    assert_eq!(
        out.stderr,
        "1. package spike-newname-2.0-1.noarch obsoletes spike-oldname < 2.0 provided by spike-oldname-1.0-1.noarch\n\
         2. package spike-gamma-1.0-1.noarch conflicts with spike-epsilon provided by spike-epsilon-1.0-1.noarch\n\
         Found 2 problem(s) while resolving\nError(1301) : Solv general runtime error\n"
    );
    let out = ctx.run(&["check", "--skipconflicts"]);
    assert_eq!(out.code, 1301 & 0xff);
    assert!(out.stderr.ends_with("Found 1 problem(s) while resolving\nError(1301) : Solv general runtime error\n"), "{}", out.stderr);
    let out = ctx.run(&["check", "--skipconflicts", "--skipobsoletes"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "Check completed without issues\n"), "{}", out.snapshot(&ctx));
    // A directory with a missing dependency.
    let broken = ctx.dir.join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::copy(crate::support::test_repo().join("spike-alpha-2.0-1.x86_64.rpm"), broken.join("a.rpm")).unwrap();
    let out = ctx.run(&["check-local", broken.to_str().unwrap()]);
    assert_eq!(out.code, 1301 & 0xff, "{}", out.snapshot(&ctx));
    assert!(out.stderr.starts_with("1. nothing provides "), "{}", out.stderr);
    assert!(out.stderr.contains(" needed by spike-alpha-2.0-1.x86_64"), "{}", out.stderr);
    assert!(out.stderr.ends_with("problem(s) while resolving\nError(1301) : Solv general runtime error\n"), "{}", out.stderr);
    let out = ctx.run(&["check-local", "/nonexistent-dir"]);
    assert_eq!(out.code, 1602 & 0xff, "{}", out.snapshot(&ctx));
    let out = ctx.run(&["check-local"]);
    assert_eq!(out.code, 906 & 0xff);
}

#[test]
fn repofromdir_reads_rpm_headers() {
    let ctx = TestContext::new();
    let arg = format!("--repofromdir=local,{}", crate::support::test_repo().display());
    let out = ctx.run(&["-j", &arg, "list", "spike-kernel"]);
    assert_eq!(names(&out.json()), vec!["spike-kernel-5.0.0-1.x86_64@local", "spike-kernel-5.1.0-1.x86_64@local"], "{}", out.snapshot(&ctx));
    let out = ctx.run(&["-j", &arg, "info", "spike-gamma"]);
    assert!(out.json()[0]["DownloadSize"].as_u64().unwrap() > 0, "{}", out.stdout);
}

#[test]
fn excludes_hide_available_packages() {
    let ctx = installed_ctx();
    let out = ctx.run(&["-j", "--exclude=spike-alpha,spike-k*", "list", "spike-alpha"]);
    assert_eq!(names(&out.json()), vec!["spike-alpha-1.0-1.x86_64@@System"], "{}", out.snapshot(&ctx));
    let out = ctx.run(&["-j", "--exclude=spike-k*", "list", "spike-kernel"]);
    assert_eq!(out.stdout, "[]");
    let mut conf = std::fs::read_to_string(&ctx.conf).unwrap();
    conf.push_str("excludepkgs=spike-gamma\n");
    std::fs::write(&ctx.conf, conf).unwrap();
    let out = ctx.run(&["list", "spike-gamma"]);
    assert_eq!(out.code, 1011 & 0xff, "{}", out.snapshot(&ctx));
    let out = ctx.run(&["-j", "--disableexcludes", "list", "spike-gamma"]);
    assert_eq!(out.json().as_array().unwrap().len(), 1);
}

#[test]
fn tdnfj_is_json_and_yes() {
    let ctx = TestContext::new().with_spike_repo();
    let link = ctx.dir.join("tdnfj");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_tdnf"), &link).unwrap();
    let out = std::process::Command::new(&link)
        .args(["-c", ctx.conf.to_str().unwrap(), "--installroot", ctx.root.to_str().unwrap(), "repolist"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), r#"[{"Repo":"spike","RepoName":"Repo spike","Enabled":true}]"#);
}

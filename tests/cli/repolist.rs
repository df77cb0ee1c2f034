//! `repolist` and repo configuration on the command line (spec §1–3).

use crate::support::{TestContext, test_repo};

#[test]
fn repolist_text_and_json() {
    let ctx = TestContext::new().with_spike_repo();
    ctx.add_repo("off", "file:///nonexistent", "enabled=0");
    let out = ctx.run(&["repolist"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let expected = format!("{:<20}{:<41}{:<9}\n{:<19} {:<40} {:<9}\n", "repo id", "repo name", "status", "spike", "Repo spike", "enabled");
    assert_eq!(out.stdout, expected);
    let out = ctx.run(&["-j", "repolist", "all"]);
    assert_eq!(
        out.stdout,
        r#"[{"Repo":"@cmdline","RepoName":"@cmdline","Enabled":false},{"Repo":"off","RepoName":"Repo off","Enabled":false},{"Repo":"spike","RepoName":"Repo spike","Enabled":true}]"#
    );
    let out = ctx.run(&["-j", "repolist", "DISABLED"]);
    assert_eq!(out.stdout, r#"[{"Repo":"@cmdline","RepoName":"@cmdline","Enabled":false},{"Repo":"off","RepoName":"Repo off","Enabled":false}]"#);
    let out = ctx.run(&["repolist", "bogus"]);
    assert_eq!(out.code, 901 & 0xff);
    assert_eq!(out.stderr, "Error(901) : There was no match for the search.\n");
}

#[test]
fn enable_disable_repo_and_setopt_in_order() {
    let ctx = TestContext::new().with_spike_repo();
    ctx.add_repo("other1", "file:///x1", "enabled=0");
    ctx.add_repo("other2", "file:///x2", "enabled=0");
    let ids = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["-j"];
        a.extend_from_slice(args);
        a.push("repolist");
        let v = ctx.run(&a).json();
        v.as_array().unwrap().iter().map(|r| r["Repo"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(ids(&["--enablerepo=other*"]), vec!["other1", "other2", "spike"]);
    assert_eq!(ids(&["--enablerepo=other*", "--disablerepo=other2"]), vec!["other1", "spike"]);
    assert_eq!(ids(&["--disablerepo=*", "--enablerepo=other2"]), vec!["other2"]);
    assert_eq!(ids(&["--repo", "other1", "--repoid=other2"]), vec!["other1", "other2"]);
    assert_eq!(ids(&["--setopt=other1.enabled=1"]), vec!["other1", "spike"]);
    let out = ctx.run(&["--setopt=nosuch.enabled=1", "repolist"]);
    assert_eq!(out.code, 1009 & 0xff, "{}", out.snapshot(&ctx));
}

#[test]
fn repofrompath_adds_an_enabled_repo() {
    let ctx = TestContext::new();
    let arg = format!("--repofrompath=adhoc,{}", test_repo().display());
    let out = ctx.run(&["-j", &arg, "repolist"]);
    assert_eq!(out.stdout, r#"[{"Repo":"adhoc","RepoName":"adhoc","Enabled":true}]"#);
    let out = ctx.run(&[&arg, "--nogpgcheck", "-j", "list", "spike-gamma"]);
    assert_eq!(out.json()[0]["Repo"], "adhoc", "{}", out.snapshot(&ctx));
}

#[test]
fn variables_are_substituted() {
    let ctx = TestContext::new();
    let vars = ctx.root.join("etc/tdnf/vars");
    std::fs::create_dir_all(&vars).unwrap();
    std::fs::write(vars.join("flavour"), "spike\n").unwrap();
    ctx.add_repo("v", "file:///srv/$releasever/$basearch/$flavour", "name=R $releasever $flavour");
    let out = ctx.run(&["-j", "--releasever=9", "repolist"]);
    assert_eq!(out.json()[0]["RepoName"], "R 9 spike", "{}", out.snapshot(&ctx));
}

#[test]
fn releasever_is_detected_from_the_rpmdb() {
    let ctx = TestContext::new();
    ctx.rpm_install(&["spike-filesystem-1.0-1.noarch", "spike-setup-1.0-1.noarch"]);
    ctx.add_repo("v", "file:///srv/$releasever", "name=R $releasever");
    let out = ctx.run(&["-j", "repolist"]);
    assert_eq!(out.json()[0]["RepoName"], "R 1.0", "{}", out.snapshot(&ctx));
}

#[test]
fn releasever_needed_but_unknown_is_1022() {
    let ctx = TestContext::new();
    ctx.add_repo("v", "file:///srv/$releasever", "");
    let out = ctx.run(&["repolist"]);
    assert_eq!(out.code, 1022 & 0xff, "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains("--releasever"), "{}", out.stderr);
}

#[test]
fn duplicate_repo_id_is_1037() {
    let ctx = TestContext::new().with_spike_repo();
    std::fs::write(ctx.reposdir.join("dup.repo"), "[spike]\nbaseurl=file:///x\n").unwrap();
    let out = ctx.run(&["repolist"]);
    assert_eq!(out.code, 1037 & 0xff);
    assert!(out.stderr.starts_with("Error(1037) : Duplicate repo id"), "{}", out.stderr);
}

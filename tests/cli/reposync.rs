//! `tdnf reposync` on the signed spike repo (file:// and http on
//! 127.0.0.1) and on small repos built here; `rpm -qp`/`rpmkeys -K` and the
//! repo's own files are the oracle.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::server::{self, Faults};
use crate::support::{Output, TestContext, build_repo, simple_spec, test_repo};

fn workdir(ctx: &TestContext) -> PathBuf {
    let w = ctx.dir.join("work");
    std::fs::create_dir_all(&w).expect("mkdir");
    w
}

/// The `*.rpm` file names directly in `dir`.
fn rpms(dir: &Path) -> BTreeSet<String> {
    let Ok(rd) = std::fs::read_dir(dir) else { return BTreeSet::new() };
    rd.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".rpm")).collect()
}

/// `rpm -qp --qf FMT` of a file.
fn qp(file: &Path, fmt: &str) -> String {
    let out = Command::new("rpm").args(["-qp", "--nosignature", "--nodigest", "--qf", fmt]).arg(file).output().expect("rpm");
    assert!(out.status.success(), "rpm -qp {}: {}", file.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every `*.rpm` of `src` (filtered by `keep`) is in `dst`, byte-identical,
/// and nothing else is.
fn assert_same_rpms(src: &Path, dst: &Path, keep: impl Fn(&Path) -> bool) {
    let want: BTreeSet<String> = rpms(src).into_iter().filter(|n| keep(&src.join(n))).collect();
    assert!(!want.is_empty(), "nothing to compare in {}", src.display());
    assert_eq!(rpms(dst), want, "synced set in {}", dst.display());
    for n in &want {
        assert!(std::fs::read(src.join(n)).unwrap() == std::fs::read(dst.join(n)).unwrap(), "{n} differs");
    }
}

fn ok(out: &Output, ctx: &TestContext) {
    assert_eq!(out.code, 0, "{}", out.snapshot(ctx));
}

#[test]
fn syncs_every_package_into_cwd_and_reuses_them() {
    let ctx = TestContext::new().with_spike_repo();
    let w = workdir(&ctx);
    let out = ctx.run_in(Some(&w), &["reposync"]);
    ok(&out, &ctx);
    assert_same_rpms(test_repo(), &w.join("spike"), |_| true);
    assert!(!w.join("spike/repodata").exists(), "metadata only with --download-metadata");
    let again = ctx.run_in(Some(&w), &["reposync"]);
    ok(&again, &ctx);
    assert!(again.stdout.contains("spike-alpha package already downloaded"), "{}", again.snapshot(&ctx));
}

#[test]
fn download_path_norepopath_and_http() {
    let srv = server::serve(test_repo(), Faults::default());
    let ctx = TestContext::new();
    ctx.add_repo("web", &srv.url(false), "");
    let w = workdir(&ctx);
    // Relative to the working directory, with a trailing slash.
    let out = ctx.run_in(Some(&w), &["--download-path=dl/", "reposync"]);
    ok(&out, &ctx);
    assert_same_rpms(test_repo(), &w.join("dl/web"), |_| true);
    assert!(srv.log.lock().unwrap().iter().any(|p| p == "/spike-kernel-5.1.0-1.x86_64.rpm"));
    let flat = ctx.dir.join("flat");
    let out = ctx.run_in(Some(&w), &["--download-path", &flat.display().to_string(), "--norepopath", "reposync"]);
    ok(&out, &ctx);
    assert_same_rpms(test_repo(), &flat, |_| true);
}

#[test]
fn conflicting_options_fail_before_any_sync() {
    let ctx = TestContext::new().with_spike_repo();
    ctx.add_repo("second", &format!("file://{}", test_repo().display()), "");
    let w = workdir(&ctx);
    let cases: [(&[&str], &str); 3] = [
        (&["--norepopath", "reposync"], "cannot use norepopath with multiple repos"),
        (&["--disablerepo=second", "--norepopath", "--delete", "reposync"], "cannot use the delete option with norepopath"),
        (&["--source", "--arch", "x86_64", "reposync"], "cannot use the source option with arch"),
    ];
    for (args, msg) in cases {
        let out = ctx.run_in(Some(&w), args);
        assert_eq!(out.code, 1622 & 0xff, "{args:?}: {}", out.snapshot(&ctx));
        assert_eq!(out.stdout, format!("{msg}\n"), "{args:?}");
        assert!(out.stderr.contains("Error(1622)"), "{}", out.snapshot(&ctx));
    }
    assert!(rpms(&w.join("spike")).is_empty() && !w.join("spike").exists());
    assert!(!ctx.real_cache().join("spike").exists(), "no metadata was synced");
    // Two repos without --norepopath: one directory each.
    let out = ctx.run_in(Some(&w), &["--arch", "x86_64", "reposync"]);
    ok(&out, &ctx);
    assert_eq!(rpms(&w.join("spike")), rpms(&w.join("second")));
}

#[test]
fn gpgcheck_deletes_unsigned_and_badsig_packages() {
    let ctx = TestContext::new();
    let key = test_repo().join("RPM-GPG-KEY-spike");
    ctx.add_repo("spike", &format!("file://{}", test_repo().display()), &format!("gpgcheck=1\ngpgkey=file://{}", key.display()));
    // Oracle: rpmkeys with only the spike key.
    let keydb = ctx.dir.join("keydb");
    std::fs::create_dir_all(&keydb).unwrap();
    let st = Command::new("rpmkeys").arg("--dbpath").arg(&keydb).arg("--import").arg(&key).status().expect("rpmkeys");
    assert!(st.success());
    let trusted = |f: &Path| {
        let out = Command::new("rpmkeys").arg("--dbpath").arg(&keydb).arg("-K").arg(f).output().expect("rpmkeys -K");
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("signatures OK")
    };
    let w = workdir(&ctx);
    let out = ctx.run_in(Some(&w), &["-y", "--gpgcheck", "reposync"]);
    ok(&out, &ctx);
    assert_same_rpms(test_repo(), &w.join("spike"), trusted);
    for bad in ["spike-unsigned-1.0-1.noarch.rpm", "spike-badsig-1.0-1.noarch.rpm"] {
        let line = format!("checking package {} failed: ", w.join("spike").join(bad).display());
        assert!(out.stdout.contains(&line), "{}", out.snapshot(&ctx));
    }
    // Without --gpgcheck every package stays.
    let out = ctx.run_in(Some(&w), &["reposync"]);
    ok(&out, &ctx);
    assert_same_rpms(test_repo(), &w.join("spike"), |_| true);
}

#[test]
fn delete_removes_stale_packages_only() {
    let ctx = TestContext::new().with_spike_repo();
    let w = workdir(&ctx);
    let d = w.join("spike");
    std::fs::create_dir_all(d.join("old")).unwrap();
    for f in ["faked-0.1.2.rpm", "old/gone-1.0.rpm", "notes.txt"] {
        std::fs::write(d.join(f), "fake package").unwrap();
    }
    let out = ctx.run_in(Some(&w), &["reposync"]);
    ok(&out, &ctx);
    assert!(d.join("faked-0.1.2.rpm").is_file(), "no --delete, no deleting");
    let out = ctx.run_in(Some(&w), &["--delete", "reposync"]);
    ok(&out, &ctx);
    assert_same_rpms(test_repo(), &d, |_| true);
    assert!(!d.join("old/gone-1.0.rpm").exists() && d.join("notes.txt").is_file());
    assert!(out.stdout.contains(&format!("deleting {}\n", d.join("faked-0.1.2.rpm").display())), "{}", out.snapshot(&ctx));
    // Packages of other arches are stale too.
    let out = ctx.run_in(Some(&w), &["--delete", "--arch", "x86_64", "reposync"]);
    ok(&out, &ctx);
    assert_same_rpms(test_repo(), &d, |f| qp(f, "%{ARCH}") == "x86_64");
}

#[test]
fn arch_filters_and_newest_only() {
    let ctx = TestContext::new().with_spike_repo();
    let w = workdir(&ctx);
    let out = ctx.run_in(Some(&w), &["--arch", "classic", "--arch", "noarch", "--arch", "modern", "reposync"]);
    ok(&out, &ctx);
    assert_same_rpms(test_repo(), &w.join("spike"), |f| qp(f, "%{ARCH}") == "noarch");
    let w2 = ctx.dir.join("newest");
    std::fs::create_dir_all(&w2).unwrap();
    let out = ctx.run_in(Some(&w2), &["--newest-only", "reposync"]);
    ok(&out, &ctx);
    let got = rpms(&w2.join("spike"));
    for (kept, dropped) in [("spike-alpha-2.0-1.x86_64.rpm", "spike-alpha-1.0-1.x86_64.rpm"), ("spike-kernel-5.1.0-1.x86_64.rpm", "spike-kernel-5.0.0-1.x86_64.rpm")] {
        assert!(got.contains(kept) && !got.contains(dropped), "{got:?}");
    }
    // One file per name, each the newest by rpm's vercmp.
    let all = rpms(test_repo());
    let names: BTreeSet<String> = all.iter().map(|n| qp(&test_repo().join(n), "%{NAME}")).collect();
    assert_eq!(got.len(), names.len(), "{got:?}");
    for n in &got {
        let name = qp(&test_repo().join(n), "%{NAME}");
        let evr = qp(&test_repo().join(n), "%{EPOCHNUM}:%{VERSION}-%{RELEASE}");
        for other in all.iter().filter(|o| qp(&test_repo().join(o), "%{NAME}") == name) {
            let o = qp(&test_repo().join(other), "%{EPOCHNUM}:%{VERSION}-%{RELEASE}");
            let cmp = Command::new("rpm").arg("--eval").arg(format!("%{{lua:print(rpm.vercmp('{evr}', '{o}'))}}")).output().unwrap();
            assert_ne!(String::from_utf8_lossy(&cmp.stdout).trim(), "-1", "{n} is older than {other}");
        }
    }
}

#[test]
fn urls_print_only() {
    let srv = server::serve(test_repo(), Faults::default());
    let ctx = TestContext::new();
    ctx.add_repo("web", &srv.url(false), "");
    let w = workdir(&ctx);
    let out = ctx.run_in(Some(&w), &["--urls", "--delete", "reposync"]);
    ok(&out, &ctx);
    let got: BTreeSet<String> = out.stdout.lines().filter(|l| !l.starts_with("Refreshing")).map(str::to_owned).collect();
    let want: BTreeSet<String> = rpms(test_repo()).iter().map(|n| format!("{}/{n}", srv.url(false))).collect();
    assert_eq!(got, want);
    assert!(!w.join("web").exists(), "--urls downloads nothing");
    assert!(!srv.log.lock().unwrap().iter().any(|p| p.ends_with(".rpm")));
    let quiet = ctx.run_in(Some(&w), &["-q", "--urls", "reposync"]);
    ok(&quiet, &ctx);
    assert_eq!(quiet.stdout, "");
    // With --download-metadata: repomd.xml and every part it lists, after the packages.
    let out = ctx.run_in(Some(&w), &["--urls", "--download-metadata", "--arch", "none", "reposync"]);
    ok(&out, &ctx);
    let mut want = vec![format!("{}/repodata/repomd.xml", srv.url(false))];
    let repomd = std::fs::read_to_string(test_repo().join("repodata/repomd.xml")).unwrap();
    want.extend(repomd.split("<location href=\"").skip(1).filter_map(|s| s.split('"').next()).map(|h| format!("{}/{h}", srv.url(false))));
    assert_eq!(out.stdout.lines().map(str::to_owned).collect::<Vec<_>>(), want);
}

#[test]
fn download_metadata_copies_repodata() {
    let ctx = TestContext::new().with_spike_repo();
    let w = workdir(&ctx);
    let out = ctx.run_in(Some(&w), &["--download-metadata", "reposync"]);
    ok(&out, &ctx);
    let src = test_repo().join("repodata");
    let repomd = std::fs::read_to_string(src.join("repomd.xml")).unwrap();
    let mut listed: BTreeSet<String> = repomd.split("<location href=\"repodata/").skip(1).filter_map(|s| s.split('"').next()).map(str::to_owned).collect();
    listed.insert("repomd.xml".into());
    let got: BTreeSet<String> = std::fs::read_dir(w.join("spike/repodata")).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(got, listed);
    for f in &listed {
        assert!(std::fs::read(src.join(f)).unwrap() == std::fs::read(w.join("spike/repodata").join(f)).unwrap(), "{f} differs");
    }
    // The copy is a usable repo.
    let copy = TestContext::new();
    copy.add_repo("copy", &format!("file://{}", w.join("spike").display()), "");
    let list = copy.run(&["-j", "list", "spike-kernel"]);
    assert_eq!(list.json().as_array().map(Vec::len), Some(2), "{}", list.snapshot(&copy));
    // --metadata-path: metadata there, packages in the download path.
    let md = ctx.dir.join("md");
    let out = ctx.run_in(Some(&w), &["--download-metadata", "--metadata-path", &md.display().to_string(), "--arch", "none", "reposync"]);
    ok(&out, &ctx);
    assert!(md.join("spike/repodata/repomd.xml").is_file() && rpms(&md.join("spike")).is_empty());
}

#[test]
fn source_packages_only_and_empty_repos() {
    let ctx = TestContext::new();
    let repo = build_repo(&ctx.dir, &[("tiny", &simple_spec("tiny", "1.0", "", ""))], &[]);
    let top = ctx.dir.join("rpmbuild");
    let st = Command::new("rpmbuild")
        .arg("--define")
        .arg(format!("_topdir {}", top.display()))
        .args(["--quiet", "-bs"])
        .arg(top.join("SPECS/tiny.spec"))
        .output()
        .expect("rpmbuild -bs");
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    std::fs::copy(top.join("SRPMS/tiny-1.0-1.src.rpm"), repo.join("tiny-1.0-1.src.rpm")).unwrap();
    assert!(Command::new("createrepo_c").arg("--quiet").arg(&repo).status().unwrap().success());
    ctx.add_repo("mixed", &format!("file://{}", repo.display()), "");
    let w = workdir(&ctx);
    let out = ctx.run_in(Some(&w), &["--source", "reposync"]);
    ok(&out, &ctx);
    assert_eq!(rpms(&w.join("mixed")), BTreeSet::from(["tiny-1.0-1.src.rpm".to_string()]));
    let out = ctx.run_in(Some(&w), &["--arch", "noarch", "--delete", "reposync"]);
    ok(&out, &ctx);
    assert_eq!(rpms(&w.join("mixed")), BTreeSet::from(["tiny-1.0-1.noarch.rpm".to_string()]));
    // A pool without any package: 1011.
    let empty = ctx.dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert!(Command::new("createrepo_c").arg("--quiet").arg(&empty).status().unwrap().success());
    ctx.add_repo("mixed", &format!("file://{}", empty.display()), "");
    let out = ctx.run_in(Some(&w), &["reposync"]);
    assert_eq!(out.code, 1011 & 0xff, "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains("Error(1011)"), "{}", out.snapshot(&ctx));
}

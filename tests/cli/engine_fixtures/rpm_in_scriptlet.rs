//! A scriptlet that runs `rpm -qa` inside the root while the transaction
//! holds the rpmdb (rpm's `.rpm.lock`, our writer's sqlite connection)
//! must neither deadlock nor read a stale database: rpm adds a package's
//! header before its `%post` (lib/psm.c `rpmPackageInstall`: `dbAdd`,
//! then `%post`) and removes it only after `%postun` and the
//! `%triggerpostun`s (`rpmPackageErase` ends with `dbRemove`).
//!
//! The roots get a working `rpm`: the host's binary, the libraries `ldd`
//! lists, `/usr/lib/rpm/{rpmrc,macros,platform/x86_64-linux}`, and busybox
//! as `/bin/sh`. Three packages go in (`qa-first`, `qpost`, `qa-last`, in
//! that order, forced for rpm by Requires) and out again; `qpost`'s four
//! scriptlets each write the in-root `rpm -qa` to `/var/tmp/<what>.txt`.

use std::path::Path;
use std::process::Command;

use super::{assert_same_tree, busybox_root, engine_within, ok, qa, rpm, rpmbuild, tree, va};

/// The scriptlets of `qpost` that query the rpmdb.
const QUERIES: &[(&str, &str)] = &[("%pre", "pre"), ("%post", "post"), ("%preun", "preun"), ("%postun", "postun")];

/// A package `name` with one file, `Requires: requires` and `scripts`.
fn spec(name: &str, requires: &str, scripts: &str) -> String {
    let req = if requires.is_empty() { String::new() } else { format!("Requires: {requires}\n") };
    format!(
        "Name: {name}\nVersion: 1.0\nRelease: 1\nSummary: {name}\nLicense: MIT\nBuildArch: noarch\n{req}\
         %description\n{name}\n%install\nmkdir -p %{{buildroot}}/usr/share/{name}\necho {name} > %{{buildroot}}/usr/share/{name}/file\n\
         %files\n/usr/share/{name}/file\n{scripts}"
    )
}

/// `qpost`'s scriptlets: `rpm -qa` (sorted by rpm's own order) into
/// `/var/tmp/<what>.txt`, its exit code after it.
fn query_scripts() -> String {
    QUERIES
        .iter()
        .map(|(tag, what)| {
            format!("{tag}\nrpm --dbpath /var/lib/rpm -qa --qf '%{{nevra}}\\n' > /var/tmp/{what}.txt 2>&1\necho \"rc=$?\" >> /var/tmp/{what}.txt\n")
        })
        .collect()
}

/// Make `root` able to run the host's `rpm` in a chroot.
fn rpm_root(root: &Path) {
    busybox_root(root);
    let ldd = Command::new("ldd").arg("/usr/bin/rpm").output().expect("ldd");
    assert!(ldd.status.success(), "ldd /usr/bin/rpm failed");
    let text = String::from_utf8_lossy(&ldd.stdout).into_owned();
    let libs = text.split_whitespace().filter(|w| w.starts_with('/'));
    let rpm_files = ["/usr/lib/rpm/rpmrc", "/usr/lib/rpm/macros", "/usr/lib/rpm/platform/x86_64-linux/macros"];
    for f in libs.chain(["/usr/bin/rpm"]).chain(rpm_files) {
        let dest = root.join(f.trim_start_matches('/'));
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(f, &dest).unwrap_or_else(|e| panic!("copy {f}: {e}"));
    }
    std::fs::create_dir_all(root.join("var/tmp")).expect("mkdir var/tmp");
}

/// The query results of `root`: `(what, contents)` for each scriptlet.
fn results(root: &Path) -> Vec<(String, String)> {
    QUERIES
        .iter()
        .map(|(_, what)| (what.to_string(), std::fs::read_to_string(root.join(format!("var/tmp/{what}.txt"))).unwrap_or_default()))
        .collect()
}

/// rpm's answers, checked against lib/psm.c's order (so that a change of
/// the oracle shows as such, not as our bug).
fn assert_rpms_order(res: &[(String, String)]) {
    let get = |w: &str| res.iter().find(|(k, _)| k == w).map(|(_, v)| v.as_str()).unwrap_or_default();
    let has = |w: &str, p: &str| get(w).lines().any(|l| l.starts_with(p));
    assert!(get("pre").ends_with("rc=0\n") && has("pre", "qa-first-") && !has("pre", "qpost-"), "pre: {res:?}");
    assert!(has("post", "qpost-") && !has("post", "qa-last-"), "post: {res:?}");
    assert!(has("preun", "qpost-") && !has("preun", "qa-last-"), "preun: {res:?}");
    assert!(has("postun", "qpost-") && !has("postun", "qa-last-"), "postun: {res:?}");
}

#[test]
fn rpm_query_from_a_scriptlet() {
    let tmp = tempfile::tempdir().expect("tmp");
    let first = rpmbuild(tmp.path(), "qa-first", &spec("qa-first", "", ""), &[]);
    let qpost = rpmbuild(tmp.path(), "qpost", &spec("qpost", "qa-first", &query_scripts()), &[]);
    let last = rpmbuild(tmp.path(), "qa-last", &spec("qa-last", "qpost", ""), &[]);
    let files: Vec<String> = [first, qpost, last].iter().map(|p| p.display().to_string()).collect();
    let (rpm_root_dir, our_root) = (tmp.path().join("rpm-root"), tmp.path().join("our-root"));
    for r in [&rpm_root_dir, &our_root] {
        rpm_root(r);
    }
    let chroot_rpm = Command::new("chroot").arg(&our_root).args(["/usr/bin/rpm", "--version"]).output().expect("chroot");
    assert!(chroot_rpm.status.success(), "the copied rpm does not run: {chroot_rpm:?}");

    let mut args = vec!["-i", "--nodeps"];
    args.extend(files.iter().map(String::as_str));
    ok("rpm -i", &rpm(&rpm_root_dir, &args));
    let mut args = vec!["install"];
    args.extend(files.iter().map(String::as_str));
    ok("tdnf __engine install", &engine_within(60, &our_root, &args));
    assert_eq!(qa(&our_root), qa(&rpm_root_dir), "rpm -qa after install");

    let names = ["qa-last", "qpost", "qa-first"];
    let mut args = vec!["-e", "--nodeps"];
    args.extend(names);
    ok("rpm -e", &rpm(&rpm_root_dir, &args));
    let mut args = vec!["erase"];
    args.extend(names);
    ok("tdnf __engine erase", &engine_within(60, &our_root, &args));

    let expected = results(&rpm_root_dir);
    assert_rpms_order(&expected);
    assert_eq!(results(&our_root), expected, "what rpm -qa saw in each scriptlet (left: ours, right: rpm)");
    assert_eq!(qa(&our_root), Vec::<String>::new(), "packages left after erase");
    assert_eq!(va(&our_root), va(&rpm_root_dir), "rpm -Va after erase");
    let skip = ["/bin", "/lib", "/lib64", "/usr/bin", "/usr/lib", "/var/tmp"];
    assert_same_tree(&tree(&our_root, true, &skip), &tree(&rpm_root_dir, true, &skip), "after the erase");
}

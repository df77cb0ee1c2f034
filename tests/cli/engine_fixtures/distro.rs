//! Every real distro package of `shared/corpus/rpms` (CentOS 7, EPEL 7,
//! Fedora 31, openSUSE OBS, an IMA-signed test package: xz and zstd
//! payloads, docs, man pages, symlinks) unpacked in one transaction with
//! `--noscripts`: by rpm into one root and by us into two. rpm must read
//! our roots as its own (`rpm -qa`, `rpm -Va` clean, the same tree), and
//! erasing everything — by rpm in one of our roots, by us in the other —
//! must leave what rpm's erase leaves in its root.

use std::path::{Path, PathBuf};

use super::{assert_same_tree, engine, ok, qa, rpm, rpm_host, tree, va};
use crate::support::corpus;

/// The corpus packages, sorted.
fn packages() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus().join("rpms"))
        .expect("corpus rpms")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rpm"))
        .collect();
    v.sort();
    assert!(v.len() >= 5, "the corpus lost packages: {v:?}");
    v
}

/// `%{qf}` of each package file, as rpm reads it.
fn query(files: &[String], qf: &str) -> Vec<String> {
    let mut args = vec!["-qp", "--nosignature", "--qf", qf];
    args.extend(files.iter().map(String::as_str));
    let o = rpm_host(&args);
    ok("rpm -qp", &o);
    let mut v: Vec<String> = o.stdout.lines().map(str::to_owned).collect();
    v.sort();
    v
}

/// Erase `names` from `root` by rpm (`--nodeps --noscripts`).
fn rpm_erase(root: &Path, names: &[String]) {
    let mut args = vec!["-e", "--nodeps", "--noscripts"];
    args.extend(names.iter().map(String::as_str));
    ok("rpm -e", &rpm(root, &args));
}

#[test]
fn distro_rpms_unpack_verify_erase() {
    let files: Vec<String> = packages().iter().map(|p| p.display().to_string()).collect();
    let nevras = query(&files, "%{nevra}\n");
    let names = query(&files, "%{name}\n");
    let tmp = tempfile::tempdir().expect("tmp");
    let rpm_root = tmp.path().join("rpm-root");
    let our_root = tmp.path().join("our-root");
    let our_erase_root = tmp.path().join("our-erase-root");
    for r in [&rpm_root, &our_root, &our_erase_root] {
        std::fs::create_dir_all(r).expect("mkdir");
    }

    let mut args = vec!["-i", "--nodeps", "--noscripts", "--nosignature"];
    args.extend(files.iter().map(String::as_str));
    ok("rpm -i", &rpm(&rpm_root, &args));
    let mut args = vec!["--noscripts", "install"];
    args.extend(files.iter().map(String::as_str));
    for r in [&our_root, &our_erase_root] {
        ok("tdnf __engine install", &engine(r, &args));
    }

    assert_eq!(qa(&rpm_root), nevras, "rpm's root lists other packages");
    assert_eq!(qa(&our_root), nevras, "rpm -qa of our root");
    // The packages' owners are all root, so even a root without
    // /etc/passwd verifies clean.
    assert_eq!(va(&rpm_root), "", "rpm -Va of rpm's own root");
    assert_eq!(va(&our_root), "", "rpm -Va of our root");
    let rpm_tree = tree(&rpm_root, true, &[]);
    assert!(rpm_tree.len() > 100, "rpm installed too little: {rpm_tree:?}");
    assert_same_tree(&tree(&our_root, true, &[]), &rpm_tree, "after the install");

    rpm_erase(&rpm_root, &names);
    rpm_erase(&our_root, &names);
    let mut args = vec!["--noscripts", "erase"];
    args.extend(names.iter().map(String::as_str));
    ok("tdnf __engine erase", &engine(&our_erase_root, &args));
    for r in [&rpm_root, &our_root, &our_erase_root] {
        assert_eq!(qa(r), Vec::<String>::new(), "{}: packages left after erase", r.display());
    }
    // rpm leaves the directories no package owned (/usr, /usr/share/man, ...).
    let left = tree(&rpm_root, false, &[]);
    assert!(left.iter().any(|l| l.starts_with("/usr/share/man ")), "rpm's erase left other directories: {left:?}");
    assert_same_tree(&tree(&our_root, false, &[]), &left, "rpm's erase of our root");
    assert_same_tree(&tree(&our_erase_root, false, &[]), &left, "our erase");
}

//! Real metadata and real rpmdbs from `shared/corpus`.

use std::path::Path;

use crate::support::{TestContext, copy_tree, corpus};

fn corpus_repo(ctx: &TestContext, id: &str, set: &str) {
    // Copy so that nothing (not even a cache) is written next to the corpus.
    let dest = ctx.dir.join(set);
    copy_tree(&corpus().join(set), &dest);
    ctx.add_repo(id, &format!("file://{}", dest.display()), "");
}

fn rpmdb_root(ctx: &TestContext, fixture: &str) {
    let db = ctx.root.join("var/lib/rpm");
    copy_tree(&corpus().join("rpmdb").join(fixture), &db);
}

#[test]
fn cs9_appstream_loads_with_absent_listed_files() {
    let ctx = TestContext::new();
    corpus_repo(&ctx, "appstream", "cs9-appstream");
    // repomd lists other.xml and sqlite files that are absent: only an
    // error when needed.
    let out = ctx.run(&["-j", "count"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert_eq!(out.stdout, "17649");
    let out = ctx.run(&["-j", "provides", "/usr/bin/python3.11"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(out.json().as_array().unwrap().iter().any(|p| p["Name"] == "python3.11"), "{}", out.stdout);
    let out = ctx.run(&["repoquery", "--changelogs", "python3.11"]);
    assert_ne!(out.code, 0, "other.xml is listed but absent: {}", out.snapshot(&ctx));
    assert!(out.stderr.contains("other.xml"), "{}", out.stderr);
}

#[test]
fn cs9_rich_dependencies_are_solvable_relations() {
    let ctx = TestContext::new();
    corpus_repo(&ctx, "appstream", "cs9-appstream");
    let out = ctx.run(&["repoquery", "--requires", "cockpit-packagekit"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let out = ctx.run(&["-j", "repoquery", "--whatprovides", "python3.11"]);
    assert!(!out.json().as_array().unwrap().is_empty());
}

#[test]
fn cs9_baseos_with_filelists() {
    let ctx = TestContext::new();
    corpus_repo(&ctx, "baseos", "cs9-baseos-2022");
    let out = ctx.run(&["-j", "repoquery", "--file", "/usr/share/doc/bash/README"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert_eq!(out.json()[0]["Name"], "bash");
    let out = ctx.run(&["-j", "count"]);
    assert_eq!(out.stdout, "1125");
}

#[test]
fn mariner_sqlite_rpmdb_is_read_without_changes() {
    let ctx = TestContext::new();
    rpmdb_root(&ctx, "cbl-mariner-2.0");
    let db = ctx.root.join("var/lib/rpm");
    let before: Vec<(String, Vec<u8>)> = ["rpmdb.sqlite", "rpmdb.sqlite-shm", "rpmdb.sqlite-wal"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(db.join(f)).unwrap()))
        .collect();
    let out = ctx.run(&["-j", "list", "installed"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let v = out.json();
    assert_eq!(v.as_array().unwrap().len(), 129);
    assert!(v.as_array().unwrap().iter().any(|p| p["Name"] == "tdnf" && p["Evr"].as_str().unwrap().starts_with("2.1.0-")));
    for (f, bytes) in before {
        let path = db.join(&f);
        assert!(path.exists(), "{f} disappeared");
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{f} changed");
    }
}

#[test]
fn berkeley_and_ndb_rpmdbs_get_a_clear_error() {
    for (fixture, name) in [("libuuid-bdb", "Berkeley DB"), ("sle15-bci", "ndb")] {
        let ctx = TestContext::new();
        rpmdb_root(&ctx, fixture);
        let out = ctx.run(&["list", "installed"]);
        assert_ne!(out.code, 0, "{fixture}: {}", out.snapshot(&ctx));
        assert!(out.stderr.to_lowercase().contains(&name.to_lowercase()), "{fixture}: {}", out.stderr);
        assert!(out.stderr.contains("sqlite"), "{}", out.stderr);
    }
}

#[test]
fn dbpath_macro_is_honoured() {
    let ctx = TestContext::new();
    let alt = ctx.root.join("usr/lib/sysimage/rpm");
    copy_tree(&corpus().join("rpmdb/cbl-mariner-2.0"), &alt);
    // rpmdefine
    let out = ctx.run(&["-j", "--rpmdefine=_dbpath /usr/lib/sysimage/rpm", "list", "installed", "tdnf"]);
    assert_eq!(out.json().as_array().unwrap().len(), 1, "{}", out.snapshot(&ctx));
    // a macro file in the root
    let macros = ctx.root.join("etc/rpm");
    std::fs::create_dir_all(&macros).unwrap();
    std::fs::write(macros.join("macros.dbpath"), "%_dbpath /usr/lib/sysimage/rpm\n").unwrap();
    let out = ctx.run(&["-j", "list", "installed", "tdnf"]);
    assert_eq!(out.json().as_array().unwrap().len(), 1, "{}", out.snapshot(&ctx));
    let _ = Path::new("/");
}

//! rpmdb tests against the corpus databases, with Debian's `rpm` as the oracle.

use std::collections::BTreeSet;
use std::os::unix::fs::{MetadataExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::sqlite::{BadHeader, TempDir};
use super::*;
use crate::rpm::tests::corpus;

fn mariner() -> PathBuf {
    corpus().join("rpmdb/cbl-mariner-2.0")
}

/// Copy every file of `src` into a new temporary directory.
fn copy_dir(src: &Path) -> TempDir {
    let t = TempDir::new().expect("tempdir");
    for e in fs_err::read_dir(src).expect("read_dir") {
        let e = e.expect("entry");
        fs_err::copy(e.path(), t.0.join(e.file_name())).expect("copy");
    }
    t
}

/// Name, contents and (size, mtime, mtime_nsec, inode) of one file.
type FileState = (String, Vec<u8>, (u64, i64, i64, u64));

/// The state of every file in `dir`.
fn snapshot(dir: &Path) -> Vec<FileState> {
    let mut v: Vec<_> = fs_err::read_dir(dir)
        .expect("read_dir")
        .map(|e| {
            let e = e.expect("entry");
            let m = e.metadata().expect("stat");
            let data = fs_err::read(e.path()).expect("read");
            (e.file_name().to_string_lossy().into_owned(), data, (m.len(), m.mtime(), m.mtime_nsec(), m.ino()))
        })
        .collect();
    v.sort();
    v
}

fn read_all(dir: &Path) -> (Rpmdb, Vec<InstalledPackage>, Vec<BadHeader>) {
    let db = Rpmdb::open(dir).unwrap_or_else(|e| panic!("{e}"));
    let mut warnings = Vec::new();
    let pkgs = db.packages(&mut warnings).unwrap_or_else(|e| panic!("{e}"));
    (db, pkgs, warnings)
}

fn nevra_set(pkgs: &[InstalledPackage]) -> BTreeSet<String> {
    let f = |p: &repodata::Package| format!("{}-{}:{}-{}.{}", p.name, p.epoch, p.version, p.release, p.arch);
    pkgs.iter().map(|i| f(&i.package)).collect()
}

/// `rpm --dbpath DIR -qa` NEVRAs (run on its own copy: rpm rewrites -shm).
fn rpm_qa(dir: &Path) -> BTreeSet<String> {
    let copy = copy_dir(dir);
    let qf = "%{NAME}-%{EPOCHNUM}:%{VERSION}-%{RELEASE}.%{ARCH}\n";
    let out = Command::new("rpm").arg("--dbpath").arg(&copy.0).args(["-qa", "--qf", qf]).output().expect("run rpm");
    assert!(out.status.success(), "rpm -qa: {}", String::from_utf8_lossy(&out.stderr));
    // gpg-pubkey has no ARCH; libsolv and we call it noarch.
    String::from_utf8_lossy(&out.stdout).lines().map(|l| l.replace(".(none)", ".noarch")).collect()
}

#[test]
fn mariner_matches_rpm_qa_and_leaves_files_unchanged() {
    let copy = copy_dir(&mariner());
    let before = snapshot(&copy.0);
    let (db, pkgs, warnings) = read_all(&copy.0);
    assert_eq!(db.mode(), OpenMode::Immutable, "empty WAL → immutable");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(pkgs.len(), 129);
    assert_eq!(nevra_set(&pkgs), rpm_qa(&mariner()));
    let tdnf = pkgs.iter().find(|p| p.package.name == "tdnf").expect("tdnf installed");
    assert_eq!(tdnf.package.version, "2.1.0");
    assert!(tdnf.install_time > 0 && tdnf.install_tid > 0 && tdnf.package.time_file == tdnf.install_time);
    assert!(tdnf.package.files.iter().any(|f| f.path == "/usr/bin/tdnf"));
    assert!(tdnf.package.requires.iter().all(|d| !d.name.starts_with("rpmlib(")));
    assert!(pkgs.windows(2).all(|w| w[0].hnum < w[1].hnum));
    // The stored region equals a header reparsed from it, and sizes are there.
    let h = db.header(tdnf.hnum).expect("query").expect("present");
    let region = crate::rpm::Header::from_blob(h.region_blob().expect("region")).expect("region parses");
    assert_eq!(crate::rpm::header_nevra(&region), crate::rpm::header_nevra(&h));
    assert!(db.header(999_999).expect("query").is_none());
    assert!(tdnf.package.size_installed > 0);
    drop(db);
    assert!(before == snapshot(&copy.0), "the copy's db, -wal or -shm changed");
}

#[test]
fn reading_the_original_read_only_corpus_changes_nothing() {
    let before = snapshot(&mariner());
    let (db, pkgs, _) = read_all(&mariner());
    assert_eq!((db.mode(), pkgs.len()), (OpenMode::Immutable, 129));
    drop(db);
    assert!(before == snapshot(&mariner()), "corpus files changed");
}

#[test]
fn committed_wal_frames_are_read_from_a_snapshot() {
    let copy = copy_dir(&mariner());
    let db = copy.0.join(SQLITE_FILE);
    // A writer that never closes leaves its transaction in the -wal only.
    let w = rusqlite::Connection::open(&db).expect("open rw");
    w.execute(
        "INSERT INTO Packages (blob) SELECT blob FROM Packages WHERE hnum = (SELECT min(hnum) FROM Packages)",
        [],
    )
    .expect("insert");
    std::mem::forget(w);
    assert!(fs_err::metadata(copy.0.join("rpmdb.sqlite-wal")).expect("wal").len() > 0);
    let before = snapshot(&copy.0);
    let (db, pkgs, warnings) = read_all(&copy.0);
    assert_eq!(db.mode(), OpenMode::Snapshot);
    assert!(warnings.is_empty());
    assert_eq!(pkgs.len(), 130, "the WAL transaction is visible");
    drop(db);
    assert!(before == snapshot(&copy.0), "db, -wal or -shm changed");
}

#[test]
fn rollback_journal_db_and_corrupt_blob() {
    let copy = copy_dir(&mariner());
    {
        let w = rusqlite::Connection::open(copy.0.join(SQLITE_FILE)).expect("open rw");
        w.execute("UPDATE Packages SET blob = x'0000000100000004deadbeef' WHERE hnum = 5", []).expect("corrupt");
        w.execute("UPDATE Packages SET blob = 'text' WHERE hnum = 6", []).expect("corrupt");
        let _: String = w.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0)).expect("journal mode");
    }
    let before = snapshot(&copy.0);
    let (db, pkgs, warnings) = read_all(&copy.0);
    assert_eq!(db.mode(), OpenMode::ReadOnly);
    assert_eq!(pkgs.len(), 127);
    let hnums: Vec<i64> = warnings.iter().map(|w| w.hnum).collect();
    assert_eq!(hnums, [5, 6], "{warnings:?}");
    assert!(warnings[0].to_string().starts_with("rpmdb: skipping h#5: "));
    drop(db);
    assert!(before == snapshot(&copy.0));
}

#[test]
fn bdb_and_ndb_are_refused_missing_db_is_empty() {
    let bdb = corpus().join("rpmdb/libuuid-bdb");
    let ndb = corpus().join("rpmdb/sle15-bci");
    assert_eq!(detect(&bdb), DbFormat::BerkeleyDb);
    assert_eq!(detect(&ndb), DbFormat::Ndb);
    assert_eq!(detect(&mariner()), DbFormat::Sqlite);
    for (dir, name) in [(&bdb, "Berkeley DB"), (&ndb, "ndb")] {
        let e = Rpmdb::open(dir).expect_err("unsupported").to_string();
        assert!(e.contains(name) && e.contains("only sqlite") && e.contains("rebuilddb"), "{e}");
    }
    let empty = TempDir::new().expect("tempdir");
    assert_eq!(detect(&empty.0), DbFormat::None);
    let (db, pkgs, _) = read_all(&empty.0);
    assert_eq!((db.mode(), pkgs.len()), (OpenMode::Empty, 0));
    let (db, pkgs, _) = read_all(&empty.0.join("no/such/dir"));
    assert_eq!((db.mode(), pkgs.len()), (OpenMode::Empty, 0));
    fs_err::write(empty.0.join("Packages"), b"garbage that is no db").expect("write");
    assert_eq!(detect(&empty.0), DbFormat::Unknown);
    assert!(Rpmdb::open(&empty.0).is_err());
}

#[test]
fn dbpath_resolution_stays_inside_the_root() {
    let t = TempDir::new().expect("tempdir");
    let root = &t.0;
    let mk = |p: &str| fs_err::create_dir_all(root.join(p)).expect("mkdir");
    // Fresh root: the default path, not an error.
    assert_eq!(resolve_dbpath(root, None), root.join("var/lib/rpm"));
    // Fedora layout: relative symlink into sysimage.
    mk("var/lib");
    mk("usr/lib/sysimage/rpm");
    fs_err::write(root.join("usr/lib/sysimage/rpm/rpmdb.sqlite"), b"").expect("write");
    assert_eq!(resolve_dbpath(root, None), root.join("usr/lib/sysimage/rpm"), "fallback to sysimage");
    symlink("../../usr/lib/sysimage/rpm", root.join("var/lib/rpm")).expect("symlink");
    assert_eq!(resolve_dbpath(root, None), root.join("usr/lib/sysimage/rpm"));
    // An absolute link is taken relative to the root.
    fs_err::remove_file(root.join("var/lib/rpm")).expect("rm");
    symlink("/usr/lib/sysimage/rpm", root.join("var/lib/rpm")).expect("symlink");
    assert_eq!(resolve_dbpath(root, None), root.join("usr/lib/sysimage/rpm"));
    // Escapes are clamped at the root; loops terminate.
    fs_err::remove_file(root.join("var/lib/rpm")).expect("rm");
    symlink("../../../../../../../etc", root.join("var/lib/rpm")).expect("symlink");
    assert_eq!(resolve_in_root(root, "/var/lib/rpm"), root.join("etc"));
    symlink("loop", root.join("loop")).expect("symlink");
    assert!(resolve_in_root(root, "/loop/x").starts_with(root));
    // %_dbpath wins.
    assert_eq!(resolve_dbpath(root, Some("/custom/db")), root.join("custom/db"));
}

#[test]
fn root_macros_simple_definitions_only() {
    let t = TempDir::new().expect("tempdir");
    let root = &t.0;
    for d in ["usr/lib/rpm/macros.d", "etc/rpm"] {
        fs_err::create_dir_all(root.join(d)).expect("mkdir");
    }
    let w = |p: &str, s: &str| fs_err::write(root.join(p), s).expect("write");
    w("usr/lib/rpm/macros", "%_var /var\n%_dbpath %{_var}/lib/rpm\n%_excludedocs 0\n%__shell %(echo x)\n");
    w("usr/lib/rpm/macros.d/macros.zz", "%_install_langs C:en\n%multi() \\\n  line2\n%_braces %{lua:\nprint(1)\n}\n");
    w("usr/lib/rpm/macros.d/README", "%_ignored yes\n");
    w("etc/rpm/macros.image", "# comment\n%_excludedocs 1\n%_dbpath\t/usr/lib/sysimage/rpm\n");
    let m = read_root_macros(root);
    assert_eq!(m.get("_dbpath").map(String::as_str), Some("/usr/lib/sysimage/rpm"));
    assert_eq!(m.get("_excludedocs").map(String::as_str), Some("1"));
    assert_eq!(m.get("_install_langs").map(String::as_str), Some("C:en"));
    for k in ["__shell", "multi", "_braces", "_ignored"] {
        assert!(!m.contains_key(k), "{k} should be ignored: {m:?}");
    }
    let mut raw = std::collections::HashMap::new();
    dbpath::parse_macros("%_dbpath %{_var}/lib/rpm\n", &mut raw);
    assert_eq!(raw.get("_dbpath").map(String::as_str), Some("%{_var}/lib/rpm"));
    assert!(read_root_macros(&root.join("nonexistent")).is_empty());
}

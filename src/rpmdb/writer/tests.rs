//! Writer tests: the real `rpm` (4.18, Debian) is the oracle.

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use super::*;
use crate::rpm::RpmFile;
use crate::rpm::package::header_nevra;
use crate::rpm::tags::{RPMTAG_INSTALLTID, RPMTAG_INSTALLTIME, RPMTAG_NAME};
use crate::rpmdb::Rpmdb;
use crate::test_support::corpus;

/// Serialises the tests that run rpm or change the umask.
static SERIAL: Mutex<()> = Mutex::new(());

pub(super) fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn packages() -> Vec<PathBuf> {
    let c = corpus();
    let mut v: Vec<PathBuf> = fs_err::read_dir(c.join("rpms"))
        .expect("corpus rpms")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rpm"))
        .collect();
    v.sort();
    for n in [
        "hello-2.0-1.x86_64.rpm",
        "hlinktest-1.0-1.noarch.rpm",
        "capstest-1.0-1.noarch.rpm",
        "foo-1.0-1.noarch.rpm",
    ] {
        v.push(c.join("rpm-upstream-testdata/RPMS").join(n));
    }
    v
}

/// Run `rpm --dbpath dbdir ARGS`; returns (success, stdout, stderr without Debian's Alien notice).
fn rpm(dbdir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new("rpm")
        .arg("--dbpath")
        .arg(dbdir)
        .args(args)
        .output()
        .expect("run rpm");
    let err = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.contains("Alien") && !l.contains("assuming you know what you are doing"))
        .collect::<Vec<_>>()
        .join("\n");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        err,
    )
}

/// Install `pkgs` with the real rpm (database only) into `dbdir`.
fn rpm_install(dbdir: &Path, pkgs: &[PathBuf]) {
    let mut args = vec![
        "-i",
        "--justdb",
        "--nodeps",
        "--noscripts",
        "--nosignature",
        "--nodigest",
    ];
    let paths: Vec<String> = pkgs.iter().map(|p| p.display().to_string()).collect();
    args.extend(paths.iter().map(String::as_str));
    let (ok, _, err) = rpm(dbdir, &args);
    assert!(ok, "rpm -i failed: {err}");
}

/// Headers of a database by package name.
fn headers_by_name(dbdir: &Path) -> BTreeMap<String, (u32, Header)> {
    let db = Rpmdb::open(dbdir).expect("open rpmdb");
    let mut warnings = Vec::new();
    let hs = db.headers(&mut warnings).expect("headers");
    assert!(warnings.is_empty(), "{warnings:?}");
    hs.into_iter()
        .map(|(n, h)| (h.string(RPMTAG_NAME).expect("name").to_string(), (n, h)))
        .collect()
}

/// Write `pkgs` with our writer in one transaction; `info` gives each package's install info.
fn write_db(
    dbdir: &Path,
    pkgs: &[PathBuf],
    info: impl Fn(&RpmFile) -> InstallInfo,
) -> BTreeMap<String, u32> {
    let mut w = RpmdbWriter::open(dbdir).expect("open writer");
    let mut tx = w.transaction().expect("begin");
    let mut hnums = BTreeMap::new();
    for p in pkgs {
        let f = RpmFile::open(p).expect("open rpm");
        let blob = installed_header(&f, &info(&f)).expect("build header");
        let name = f.header.string(RPMTAG_NAME).expect("name").to_string();
        hnums.insert(name, tx.add(&blob).expect("add"));
    }
    tx.commit().expect("commit");
    w.close().expect("close");
    hnums
}

fn dump_index(db: &Path) -> Vec<String> {
    let script = corpus().join("../tools/dump-rpmdb-index.sh");
    let out = Command::new("sh")
        .arg(script)
        .arg(db)
        .output()
        .expect("dump-rpmdb-index.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

fn schema(db: &Path) -> Vec<(String, String, Option<String>)> {
    let c = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open");
    let mut st = c
        .prepare("SELECT type, name, sql FROM sqlite_master ORDER BY name")
        .expect("prepare");
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect()
}

/// Blobs, schema and every index row equal what `rpm -i --justdb` writes,
/// when we use the tid and install time rpm chose.
#[test]
fn same_as_rpm() {
    let _g = serial();
    let pkgs = packages();
    let (ours, theirs) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    rpm_install(theirs.path(), &pkgs);
    let rpm_headers = headers_by_name(theirs.path());
    assert_eq!(rpm_headers.len(), pkgs.len());
    write_db(ours.path(), &pkgs, |f| {
        let (_, h) = &rpm_headers[f.header.string(RPMTAG_NAME).expect("name")];
        InstallInfo {
            tid: h.u32(RPMTAG_INSTALLTID).expect("tid"),
            time: h.u32(RPMTAG_INSTALLTIME).expect("time"),
            ..InstallInfo::new(0)
        }
    });
    let our_headers = headers_by_name(ours.path());
    for (name, (_, h)) in &rpm_headers {
        assert!(
            our_headers[name].1.as_bytes() == h.as_bytes(),
            "{name}: blob differs from rpm's"
        );
    }
    let (a, b) = (
        ours.path().join(SQLITE_FILE),
        theirs.path().join(SQLITE_FILE),
    );
    assert_eq!(schema(&a), schema(&b));
    let (ia, ib) = (dump_index(&a), dump_index(&b));
    assert!(ia.len() > 250, "only {} index rows", ia.len());
    assert_eq!(ia, ib);
}

/// rpm queries, rebuilds and reads a database we wrote; remove() really removes.
#[test]
fn rpm_reads_our_db() {
    let _g = serial();
    let pkgs = packages();
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let hnums = write_db(d, &pkgs, |_| InstallInfo::now());
    let want: BTreeSet<String> = pkgs
        .iter()
        .map(|p| header_nevra(&RpmFile::open(p).expect("open").header))
        .collect();
    let qa = |d: &Path| -> BTreeSet<String> {
        let (ok, out, err) = rpm(d, &["-qa"]);
        assert!(ok && err.is_empty(), "rpm -qa: {err}");
        out.lines().map(str::to_string).collect()
    };
    assert_eq!(qa(d), want);

    let (ok, out, err) = rpm(d, &["-qi", "hello"]);
    assert!(ok && err.is_empty(), "{err}");
    assert!(
        out.contains("Name        : hello") && out.contains("Version     : 2.0"),
        "{out}"
    );
    assert!(
        out.contains("Install Date:") && !out.contains("(not installed)"),
        "{out}"
    );
    let (ok, out, err) = rpm(d, &["-qf", "/usr/bin/hello"]);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "hello-2.0-1.x86_64");
    let (ok, out, err) = rpm(d, &["-q", "--whatprovides", "config(monkeysphere)"]);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "monkeysphere-0.37-1.el7.noarch");
    let (ok, out, err) = rpm(d, &["-ql", "hlinktest"]);
    assert!(ok && out.lines().count() > 1, "{out}{err}");

    // Our reader reads it back.
    let db = Rpmdb::open(d).expect("reader");
    let mut warnings = Vec::new();
    let got: BTreeSet<u32> = db
        .packages(&mut warnings)
        .expect("packages")
        .iter()
        .map(|p| p.hnum)
        .collect();
    assert!(warnings.is_empty());
    assert_eq!(got, hnums.values().copied().collect());
    drop(db);

    // remove(): gone for rpm, and no index row is left.
    let hello = hnums["hello"];
    let mut w = RpmdbWriter::open(d).expect("open");
    w.remove(hello).expect("remove");
    assert!(matches!(
        w.remove(hello),
        Err(WriterError::NoSuchPackage { .. })
    ));
    w.close().expect("close");
    let mut want2 = want.clone();
    want2.remove("hello-2.0-1.x86_64");
    assert_eq!(qa(d), want2);
    let (ok, _, _) = rpm(d, &["-qf", "/usr/bin/hello"]);
    assert!(!ok, "hello still owns /usr/bin/hello");
    let c = rusqlite::Connection::open(d.join(SQLITE_FILE)).expect("open");
    for t in INDEX_TABLES.iter().map(|t| t.name).chain(["Packages"]) {
        let n: i64 = c
            .query_row(
                &format!("SELECT count(*) FROM '{t}' WHERE hnum = ?"),
                [hello],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(n, 0, "{t} still has rows of h#{hello}");
    }
    drop(c);
    // AUTOINCREMENT: a new add never reuses the removed number.
    let mut w = RpmdbWriter::open(d).expect("open");
    let f = RpmFile::open(&pkgs[pkgs.len() - 4]).expect("hello");
    let h2 = w
        .add(&installed_header(&f, &InstallInfo::now()).expect("blob"))
        .expect("add");
    assert!(h2 > *hnums.values().max().expect("max"));
    w.close().expect("close");

    let (ok, _, err) = rpm(d, &["--rebuilddb"]);
    assert!(ok && err.is_empty(), "rpm --rebuilddb: {err}");
    assert_eq!(qa(d), want);
}

/// A dropped transaction leaves nothing; bad blobs are refused naming the db.
#[test]
fn rollback_and_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut w = RpmdbWriter::open(dir.path()).expect("open");
    let f = RpmFile::open(&packages()[0]).expect("open");
    {
        let mut tx = w.transaction().expect("begin");
        tx.add(&installed_header(&f, &InstallInfo::new(1)).expect("blob"))
            .expect("add");
    }
    let n: i64 = w
        .conn
        .query_row("SELECT count(*) FROM Name", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 0);
    let e = w.add(b"\0\0\0\x01garbage").expect_err("garbage accepted");
    assert!(matches!(e, WriterError::BadHeader { .. }));
    assert!(
        e.to_string()
            .contains(&dir.path().join(SQLITE_FILE).display().to_string()),
        "{e}"
    );
    let states = InstallInfo {
        file_states: Some(vec![0]),
        ..InstallInfo::new(1)
    };
    let files = f
        .header
        .entry(crate::rpm::tags::RPMTAG_BASENAMES)
        .map_or(0, |e| e.count);
    if files != 1 {
        assert!(matches!(
            installed_header(&f, &states),
            Err(BuildError::FileStates { .. })
        ));
    }
    w.close().expect("close");
}

/// The db files are 0644 even under umask 077.
#[test]
fn modes_ignore_umask() {
    use nix::sys::stat::{Mode, umask};
    let _g = serial();
    let _lock = crate::test_support::umask_lock();
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path().join("var/lib/rpm");
    let old = umask(Mode::from_bits_truncate(0o077));
    let res = (|| {
        let mut w = RpmdbWriter::open(&d)?;
        let f = RpmFile::open(&packages()[0]).expect("open");
        w.add(&installed_header(&f, &InstallInfo::now()).expect("blob"))?;
        let modes: Vec<(String, u32)> = [
            "rpmdb.sqlite",
            "rpmdb.sqlite-wal",
            "rpmdb.sqlite-shm",
            LOCK_FILE,
        ]
        .iter()
        .map(|n| {
            (
                n.to_string(),
                fs_err::metadata(d.join(n)).map_or(0, |m| m.permissions().mode() & 0o777),
            )
        })
        .collect();
        w.close()?;
        Ok::<_, WriterError>(modes)
    })();
    umask(old);
    let modes = res.expect("write");
    for (n, m) in modes {
        assert_eq!(m, 0o644, "{n} has mode {m:o}");
    }
    let m = fs_err::metadata(&d).expect("dir").permissions().mode() & 0o777;
    assert_eq!(m, 0o755);
}

#[test]
fn rich_dep_names() {
    let n = |s: &str| -> Vec<String> {
        let mut v: Vec<String> = index::rich_names(s.as_bytes())
            .into_iter()
            .map(|v| String::from_utf8(v).expect("utf8"))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        n("(spike-gamma if spike-delta)"),
        ["!spike-delta", "spike-gamma"]
    );
    assert_eq!(n("(a if b else c)"), ["!b", "a", "b", "c"]);
    assert_eq!(
        n("(perl(Foo) >= 1.0 or (bar and rpmlib(X)))"),
        ["bar", "perl(Foo)"]
    );
    assert_eq!(n("(a and"), Vec::<String>::new());
}

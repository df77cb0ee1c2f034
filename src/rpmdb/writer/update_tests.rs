//! FILESTATES rewrites and readers during a writer transaction, against
//! the real `rpm` 4.18.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::*;
use crate::rpm::RpmFile;
use crate::rpm::filelist::state;
use crate::rpm::tags::{RPMTAG_FILESTATES, RPMTAG_INSTALLTID, RPMTAG_INSTALLTIME, RPMTAG_NAME};
use crate::test_support::rpmbuild;

const DBPATH: &str = "/var/lib/rpm";

/// `h2a` ships /a-only and /x; `h2b` ships a different /x; `h2c` ships /c.
fn build(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let spec = |name: &str, files: &[(&str, &str)]| {
        let mut s = format!(
            "Name: {name}\nVersion: 1\nRelease: 1\nSummary: h2\nLicense: MIT\nBuildArch: noarch\n\
             AutoReqProv: no\n%global __os_install_post %{{nil}}\n%description\nx\n%install\n"
        );
        for (p, text) in files {
            s += &format!("echo '{text}' > %{{buildroot}}{p}\n");
        }
        s += "%files\n";
        for (p, _) in files {
            s += &format!("%attr(0644,root,root) {p}\n");
        }
        s
    };
    let built = rpmbuild(
        dir,
        &[
            ("h2a", &spec("h2a", &[("/a-only", "a"), ("/x", "from a")])),
            ("h2b", &spec("h2b", &[("/x", "from b, longer")])),
            ("h2c", &spec("h2c", &[("/c", "c")])),
        ],
    );
    let find = |n: &str| {
        built
            .iter()
            .find(|p| p.to_string_lossy().contains(n))
            .cloned()
            .expect("built")
    };
    (find("h2a-1"), find("h2b-1"), find("h2c-1"))
}

/// `timeout 20 rpm --root ROOT --dbpath /var/lib/rpm ARGS`: (exit code, stdout, stderr, elapsed).
fn rpm_root(root: &Path, args: &[&str]) -> (Option<i32>, String, String, Duration) {
    let t = Instant::now();
    let out = Command::new("timeout")
        .arg("20")
        .arg("rpm")
        .arg("--root")
        .arg(root)
        .args(["--dbpath", DBPATH])
        .args(args)
        .output()
        .expect("run rpm");
    let err = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.contains("Alien") && !l.contains("assuming you know what you are doing"))
        .collect::<Vec<_>>()
        .join("\n");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        err,
        t.elapsed(),
    )
}

/// `rpm -i --justdb` into `root`, asserting success.
fn rpm_justdb(root: &Path, extra: &[&str], pkg: &Path) {
    let p = pkg.display().to_string();
    let mut args = vec!["-i", "--justdb", "--nodeps", "--nosignature"];
    args.extend_from_slice(extra);
    args.push(&p);
    let (code, _, err, _) = rpm_root(root, &args);
    assert_eq!(code, Some(0), "rpm -i {p}: {err}");
}

/// Every `Packages` row and every row of every other table (index tables,
/// `sqlite_sequence`) in rowid order, values with their SQLite types.
fn dump(dbdir: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open_with_flags(
        dbdir.join(SQLITE_FILE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open");
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type='table' AND name != 'sqlite_stat1' ORDER BY name")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect();
    let mut out = Vec::new();
    for t in tables {
        let mut st = c
            .prepare(&format!("SELECT * FROM '{t}' ORDER BY rowid"))
            .expect("select");
        let n = st.column_count();
        let mut rows = st.query([]).expect("rows");
        while let Some(r) = rows.next().expect("row") {
            let mut line = t.clone();
            for i in 0..n {
                let v: rusqlite::types::Value = r.get(i).expect("value");
                line += &format!(" {v:?}");
            }
            out.push(line);
        }
    }
    out
}

/// (tid, time) rpm gave the package `name` in `dbdir`.
fn tid_time(dbdir: &Path, name: &str) -> (u32, u32) {
    let db = crate::rpmdb::Rpmdb::open(dbdir).expect("reader");
    let mut w = Vec::new();
    let (_, h) = db
        .headers(&mut w)
        .expect("headers")
        .into_iter()
        .find(|(_, h)| h.string(RPMTAG_NAME) == Some(name))
        .expect("installed");
    (
        h.u32(RPMTAG_INSTALLTID).expect("tid"),
        h.u32(RPMTAG_INSTALLTIME).expect("time"),
    )
}

fn blob_of(pkg: &Path, (tid, time): (u32, u32)) -> Vec<u8> {
    let f = RpmFile::open(pkg).expect("open rpm");
    installed_header(
        &f,
        &InstallInfo {
            tid,
            time,
            ..InstallInfo::new(0)
        },
    )
    .expect("header")
}

/// rpm -i A, then B with --replacefiles, versus our writer with
/// set_file_states: every blob and row identical; rpm does not change the
/// index rows of A; rpm -V no longer checks A's /x.
#[test]
fn replaced_states_same_as_rpm() {
    let _g = super::tests::serial();
    let work = tempfile::tempdir().expect("tmp");
    let (a, b, _) = build(work.path());
    let (r1, r2) = (work.path().join("r1"), work.path().join("r2"));
    let (d1, d2) = (r1.join("var/lib/rpm"), r2.join("var/lib/rpm"));
    std::fs::create_dir_all(&r1).expect("mkdir");
    rpm_justdb(&r1, &[], &a);
    let index_rows = |d: &Path| -> Vec<String> {
        dump(d)
            .into_iter()
            .filter(|l| !l.starts_with("Packages ") && !l.starts_with("sqlite_sequence "))
            .collect()
    };
    let a_rows_before = index_rows(&d1);
    // Without --replacefiles rpm refuses: the two /x differ.
    let (code, _, err, _) = rpm_root(
        &r1,
        &[
            "-i",
            "--justdb",
            "--nodeps",
            "--nosignature",
            &b.display().to_string(),
        ],
    );
    assert_ne!(code, Some(0), "no conflict between a and b? {err}");
    rpm_justdb(&r1, &["--replacefiles"], &b);
    let after = dump(&d1);
    // rpm left A's index rows (hnum 1) alone.
    let of_a = |rows: Vec<String>| -> Vec<String> {
        rows.into_iter()
            .filter(|l| l.contains(" Integer(1) "))
            .collect()
    };
    assert!(a_rows_before.len() > 5, "{a_rows_before:?}");
    assert_eq!(
        of_a(index_rows(&d1)),
        of_a(a_rows_before),
        "rpm changed a's index rows"
    );
    let ha = crate::rpmdb::Rpmdb::open(&d1)
        .expect("reader")
        .header(1)
        .expect("read")
        .expect("h#1");
    assert_eq!(ha.string(RPMTAG_NAME), Some("h2a"));
    assert_eq!(
        ha.u8_array(RPMTAG_FILESTATES),
        [state::NORMAL, state::REPLACED],
        "rpm did not mark /x"
    );

    let (ta, tb) = (tid_time(&d1, "h2a"), tid_time(&d1, "h2b"));
    let mut w = RpmdbWriter::open(&d2).expect("writer");
    let ha2 = w.add(&blob_of(&a, ta)).expect("add a");
    w.close().expect("close");
    // Control: with /x as b ships it on disk and a's /x NORMAL, rpm -V a reports /x.
    fs_err::write(r2.join("x"), "from b, longer\n").expect("write /x");
    let (_, out, _, _) = rpm_root(&r2, &["-V", "h2a"]);
    assert!(
        out.lines().any(|l| l.ends_with(" /x")),
        "control: rpm -V did not report /x: {out}"
    );

    let mut w = RpmdbWriter::open(&d2).expect("writer");
    let mut tx = w.transaction().expect("begin");
    tx.add(&blob_of(&b, tb)).expect("add b");
    // Errors change nothing.
    assert!(matches!(
        tx.set_file_states(ha2, &[(2, state::REPLACED)]),
        Err(WriterError::FileIndex {
            index: 2,
            files: 2,
            ..
        })
    ));
    assert!(matches!(
        tx.set_file_states(99, &[(0, state::REPLACED)]),
        Err(WriterError::NoSuchPackage { hnum: 99, .. })
    ));
    tx.set_file_states(ha2, &[(1, state::REPLACED)])
        .expect("set states");
    let seen = tx.header(ha2).expect("read").expect("h#1");
    assert_eq!(
        seen.u8_array(RPMTAG_FILESTATES),
        [state::NORMAL, state::REPLACED]
    );
    tx.commit().expect("commit");
    w.close().expect("close");

    assert_eq!(dump(&d2), after, "our database differs from rpm's");
    let (code, out, err, _) = rpm_root(&r2, &["-V", "h2a"]);
    assert!(
        !out.lines().any(|l| l.ends_with(" /x")),
        "rpm -V still checks the replaced /x: {out}{err}"
    );
    assert!(
        out.contains("/a-only"),
        "rpm -V should still report the missing /a-only: {out} ({code:?})"
    );
    let (_, out, _, _) = rpm_root(
        &r2,
        &["-q", "--qf", "[%{FILESTATES:fstate} %{FILENAMES}\n]", "h2a"],
    );
    assert_eq!(out, "normal /a-only\nreplaced /x\n");
}

/// Setting states already set rewrites nothing; an unchanged database stays byte-identical.
#[test]
fn set_file_states_noop() {
    let work = tempfile::tempdir().expect("tmp");
    let (a, _, _) = build(work.path());
    let d = work.path().join("db");
    let mut w = RpmdbWriter::open(&d).expect("writer");
    let h = w.add(&blob_of(&a, (1, 1))).expect("add");
    let before = w.header(h).expect("read").expect("h").as_bytes().to_vec();
    let mut tx = w.transaction().expect("begin");
    tx.set_file_states(h, &[(0, state::NORMAL), (1, state::NORMAL)])
        .expect("noop");
    tx.set_file_states(h, &[]).expect("empty");
    tx.commit().expect("commit");
    assert_eq!(
        w.header(h).expect("read").expect("h").as_bytes(),
        &before[..]
    );
    let mut tx = w.transaction().expect("begin");
    tx.set_file_states(h, &[(0, state::WRONG_COLOR)])
        .expect("set");
    drop(tx); // rolled back
    assert_eq!(
        w.header(h).expect("read").expect("h").as_bytes(),
        &before[..]
    );
    assert!(w.header(h + 1).expect("read").is_none());
    let mut warnings = Vec::new();
    assert_eq!(w.headers(&mut warnings).expect("headers").len(), 1);
    assert!(warnings.is_empty());
    w.close().expect("close");
}

/// rpm does not take `.rpm.lock` to query: with our writer open (idle,
/// after a commit, and inside an uncommitted transaction) `rpm -qa` in the
/// root answers promptly and sees the committed packages only; so does our
/// reader.
#[test]
fn rpm_queries_while_writer_open() {
    let _g = super::tests::serial();
    let work = tempfile::tempdir().expect("tmp");
    let (a, b, c) = build(work.path());
    let root = work.path().join("root");
    let d = root.join("var/lib/rpm");
    let qa = |want: &[&str]| {
        let (code, out, err, took) = rpm_root(&root, &["-qa", "--qf", "%{NAME}\n"]);
        assert_eq!(code, Some(0), "rpm -qa (124 = timed out): {err}");
        assert!(took < Duration::from_secs(10), "rpm -qa took {took:?}");
        let mut got: Vec<&str> = out.lines().collect();
        got.sort();
        assert_eq!(got, want, "{err}");
        let db = crate::rpmdb::Rpmdb::open(&d).expect("reader");
        let mut w = Vec::new();
        let mut names: Vec<String> = db
            .headers(&mut w)
            .expect("headers")
            .iter()
            .map(|(_, h)| h.string(RPMTAG_NAME).unwrap_or("").to_string())
            .collect();
        names.sort();
        assert_eq!(names, want);
    };
    let mut w = RpmdbWriter::open(&d).expect("writer");
    w.add(&blob_of(&a, (1, 1))).expect("add a");
    qa(&["h2a"]);
    w.add(&blob_of(&b, (2, 2))).expect("add b");
    qa(&["h2a", "h2b"]);
    {
        let mut tx = w.transaction().expect("begin");
        tx.add(&blob_of(&c, (3, 3))).expect("add c");
        tx.remove(1).expect("remove a");
        // Uncommitted: rpm sees the last committed state.
        qa(&["h2a", "h2b"]);
        let mut warnings = Vec::new();
        assert_eq!(tx.headers(&mut warnings).expect("headers").len(), 2);
        tx.commit().expect("commit");
    }
    qa(&["h2b", "h2c"]);
    // rpm's transactions do take the lock, and without a terminal on
    // stdin (as in a scriptlet) rpm does not wait for it (lib/rpmlock.c).
    let t = Instant::now();
    let out = Command::new("timeout")
        .arg("20")
        .arg("rpm")
        .arg("--root")
        .arg(&root)
        .args(["--dbpath", DBPATH, "-e", "--justdb", "--nodeps", "h2b"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("rpm -e");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("can't create transaction lock"), "{err}");
    assert!(t.elapsed() < Duration::from_secs(10));
    w.close().expect("close");
    qa(&["h2b", "h2c"]);
}

/// After close the database directory holds what rpm leaves: rpm sets
/// `SQLITE_FCNTL_PERSIST_WAL` so that an empty `-wal` and the `-shm` stay,
/// which unprivileged readers need to open a WAL database read-only.
#[test]
fn close_leaves_rpms_files() {
    let _g = super::tests::serial();
    let work = tempfile::tempdir().expect("tmp");
    let (a, _, _) = build(work.path());
    let listing = |d: &Path| -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = fs_err::read_dir(d)
            .expect("read_dir")
            .map(|e| e.expect("entry"))
            .map(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                let len = if n.ends_with("-wal") {
                    e.metadata().expect("meta").len()
                } else {
                    0
                };
                (n, len)
            })
            .collect();
        v.sort();
        v
    };
    let (r1, r2) = (work.path().join("r1"), work.path().join("r2"));
    std::fs::create_dir_all(&r1).expect("mkdir");
    rpm_justdb(&r1, &[], &a);
    let mut w = RpmdbWriter::open(&r2.join("var/lib/rpm")).expect("writer");
    w.add(&blob_of(&a, (1, 1))).expect("add");
    w.close().expect("close");
    assert_eq!(
        listing(&r2.join("var/lib/rpm")),
        listing(&r1.join("var/lib/rpm"))
    );
    // And so an unprivileged rpm can query it (it fails without them).
    use std::os::unix::fs::PermissionsExt;
    fs_err::set_permissions(work.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = Command::new("setpriv")
        .args([
            "--reuid",
            "65534",
            "--regid",
            "65534",
            "--clear-groups",
            "rpm",
            "--dbpath",
        ])
        .arg(r2.join("var/lib/rpm"))
        .args(["-qa", "--qf", "%{NAME}\n"])
        .output()
        .expect("setpriv rpm");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "h2a\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

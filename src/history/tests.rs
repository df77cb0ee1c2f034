//! Tests of the history database: tdnf's schema, replay, flags, targets,
//! and rpm's cookie against Debian's python3-rpm.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn new_db(dir: &Path) -> History {
    History::open_path(&dir.join("lib/tdnf/history.db"), true).expect("open").expect("created")
}

/// `(type, name, sql)` of `sqlite_master`, in creation order.
fn master(path: &Path) -> Vec<(String, String, Option<String>)> {
    let c = rusqlite::Connection::open(path).expect("open");
    let mut st = c.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY rowid").expect("prepare");
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).expect("query").map(|r| r.expect("row")).collect()
}

/// tdnf's CREATE statements, from `history/history.c` in the tdnf mirror
/// (the string literals of each `#define …CREATE_TABLE…`), by table.
fn tdnf_creates() -> Option<Vec<(String, String)>> {
    let git = "/work/.mirror/vmware+tdnf/repo";
    let out = Command::new("git").args(["--git-dir", git, "show", "HEAD:history/history.c"]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let mut found = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if !(line.starts_with("#define") && line.contains("CREATE_TABLE")) {
            continue;
        }
        let mut sql = String::new();
        for l in lines.by_ref() {
            let l = l.trim();
            if let (Some(a), Some(b)) = (l.find('"'), l.rfind('"')) {
                sql.push_str(&l[a + 1..b]);
            }
            if !l.ends_with('\\') {
                break;
            }
        }
        let table = sql.trim_start_matches("CREATE TABLE IF NOT EXISTS ").split('(').next()?.to_string();
        found.push((table, sql));
    }
    Some(found)
}

#[test]
fn schema_is_tdnfs_in_tdnfs_order() {
    let t = tempfile::tempdir().expect("tempdir");
    let mut h = new_db(t.path());
    h.sync("c1", &s(&["a-1-1.x86_64"])).expect("sync");
    // Before any flag, tdnf has no names/flag_set tables.
    let names: Vec<String> = master(&h.path).into_iter().map(|m| m.1).collect();
    assert_eq!(names, ["rpms", "sqlite_sequence", "transactions", "trans_items"]);
    h.set_auto_flag("a", true).expect("flag");
    let ours = master(&h.path);
    let expected_sql = [
        ("rpms", schema::CREATE_RPMS),
        ("transactions", schema::CREATE_TRANSACTIONS),
        ("trans_items", schema::CREATE_TRANS_ITEMS),
        ("names", schema::CREATE_NAMES),
        ("flag_set", schema::CREATE_FLAG_SET),
    ];
    // The same statements executed in tdnf's order into a fresh database.
    let fresh = t.path().join("fresh.db");
    let c = rusqlite::Connection::open(&fresh).expect("open");
    let creates = tdnf_creates();
    assert!(creates.as_ref().is_none_or(|c| c.len() == 5), "five CREATE statements in history.c: {creates:?}");
    for (table, ours_sql) in expected_sql {
        let sql = match &creates {
            Some(list) => list.iter().find(|(t, _)| t == table).map(|(_, s)| s.clone()).expect("tdnf creates the table"),
            None => ours_sql.to_string(),
        };
        c.execute_batch(&sql).expect("create");
    }
    drop(c);
    assert_eq!(ours, master(&fresh));
    // And the text sqlite keeps (without `IF NOT EXISTS`) is tdnf's.
    let sql = |name: &str| ours.iter().find(|m| m.1 == name).and_then(|m| m.2.clone()).expect("table");
    assert_eq!(
        sql("transactions"),
        "CREATE TABLE transactions(Id INTEGER PRIMARY KEY AUTOINCREMENT,cookie TEXT,cmdline TEXT,timestamp INTEGER, type INTEGER)"
    );
    assert_eq!(sql("sqlite_sequence"), "CREATE TABLE sqlite_sequence(name,seq)");
}

#[test]
fn database_file_is_0644_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let _g = crate::test_support::umask_lock();
    let t = tempfile::tempdir().expect("tempdir");
    // SAFETY: umask only swaps the process mask; the lock keeps other
    // umask tests from interleaving.
    let old = unsafe { libc::umask(0o077) };
    let h = new_db(t.path());
    // SAFETY: as above, restoring the saved mask.
    unsafe { libc::umask(old) };
    let mode = std::fs::metadata(&h.path).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
}

/// base {a1, b1}; 2 install c1; 3 upgrade a1→a2; 4 erase b1; 5 (unknown)
/// adds d1; 6 a reinstall (0/0).
fn sample(dir: &Path) -> History {
    let mut h = new_db(dir);
    h.sync("c1", &s(&["a-1-1.x86_64", "b-1-1.noarch", "gpg-pubkey-1-2"])).expect("sync");
    h.sync("c1", &s(&["a-1-1.x86_64", "b-1-1.noarch", "gpg-pubkey-1-2"])).expect("no change");
    let f = |n: &str, a| (n.to_string(), a);
    assert_eq!(h.record("install c", "c2", &s(&["c-1-1.noarch", "dep-1-1.noarch"]), &[], &[f("c", false), f("dep", true)]).expect("2"), 2);
    assert_eq!(h.record("update a", "c3", &s(&["a-2-1.x86_64"]), &s(&["a-1-1.x86_64"]), &[]).expect("3"), 3);
    assert_eq!(h.record("erase b", "c4", &[], &s(&["b-1-1.noarch"]), &[]).expect("4"), 4);
    let now = s(&["a-2-1.x86_64", "c-1-1.noarch", "dep-1-1.noarch", "gpg-pubkey-1-2", "d-1-1.noarch"]);
    h.sync("c5", &now).expect("outside change");
    assert_eq!(h.record("reinstall c", "c6", &s(&["c-1-1.noarch"]), &s(&["c-1-1.noarch"]), &[]).expect("6"), 6);
    // Same cookie: no row, flags go to the newest one.
    assert_eq!(h.record("install c", "c6", &[], &[], &[f("dep", false)]).expect("none"), 6);
    h
}

#[test]
fn replay_and_list() {
    let t = tempfile::tempdir().expect("tempdir");
    let h = sample(t.path());
    assert_eq!(h.state_at(1).expect("1"), set(&["a-1-1.x86_64", "b-1-1.noarch", "gpg-pubkey-1-2"]));
    assert_eq!(h.state_at(3).expect("3"), set(&["a-2-1.x86_64", "b-1-1.noarch", "c-1-1.noarch", "dep-1-1.noarch", "gpg-pubkey-1-2"]));
    assert_eq!(h.state_at(6).expect("6"), set(&["a-2-1.x86_64", "c-1-1.noarch", "d-1-1.noarch", "dep-1-1.noarch", "gpg-pubkey-1-2"]));
    let all = h.list(None, None, false).expect("list");
    let rows: Vec<(i64, &str, usize, usize)> =
        all.iter().map(|t| (t.id, t.cmdline.as_str(), t.added.len(), t.removed.len())).collect();
    assert_eq!(
        rows,
        [(1, "(set)", 3, 0), (2, "install c", 2, 0), (3, "update a", 1, 1), (4, "erase b", 0, 1), (5, "(unknown)", 1, 0), (6, "reinstall c", 0, 0)]
    );
    assert_eq!(all[2].added, ["a-2-1.x86_64"]);
    assert_eq!(all[2].removed, ["a-1-1.x86_64"]);
    assert_eq!(all[4].cookie.as_deref(), Some("c5"));
    assert_eq!((all[0].kind, all[1].kind), (schema::TRANS_BASE, schema::TRANS_DELTA));
    let ids: Vec<i64> = h.list(Some(2), Some(4), true).expect("range").iter().map(|t| t.id).collect();
    assert_eq!(ids, [4, 3, 2]);
    assert!(matches!(h.list(Some(4), Some(2), false), Err(HistoryError::InvalidArgument(_))));
    // Reopening reads the newest cookie and id.
    let again = History::open_path(&h.path, false).expect("open").expect("exists");
    assert_eq!((again.current_id(), again.cookie()), (6, Some("c6")));
}

#[test]
fn flags_last_row_wins_and_only_changes_are_written() {
    let t = tempfile::tempdir().expect("tempdir");
    let h = sample(t.path());
    let count: i64 = h.conn.query_row("SELECT count(*) FROM flag_set", [], |r| r.get(0)).expect("count");
    // c:0 is the default (not written), dep:1 at 2, dep:0 at 6.
    assert_eq!(count, 2);
    assert_eq!(h.flags_at(2).expect("2").get("dep"), Some(&true));
    assert_eq!(h.flags_at(6).expect("6").get("dep"), Some(&false));
    assert!(h.flag_at("dep", 5).expect("5"));
    assert!(!h.flag_at("nosuch", 5).expect("none"));
    assert!(h.auto_installed().expect("auto").is_empty());
}

#[test]
fn undo_redo_rollback_targets() {
    let t = tempfile::tempdir().expect("tempdir");
    let h = sample(t.path());
    let u = h.undo_targets(3, 3).expect("undo 3");
    assert_eq!((u.install, u.erase), (s(&["a-1-1.x86_64"]), s(&["a-2-1.x86_64"])));
    let u = h.undo_targets(2, 4).expect("undo 2-4");
    assert_eq!(u.install, s(&["a-1-1.x86_64", "b-1-1.noarch"]));
    assert_eq!(u.erase, s(&["a-2-1.x86_64", "c-1-1.noarch", "dep-1-1.noarch"]));
    // dep was auto at 4 and unset at 1: undo restores "user" (0), which is
    // already its value now, so nothing to write.
    assert!(u.flags.is_empty());
    let r = h.redo_targets(2, 2).expect("redo 2");
    assert_eq!((r.install, r.erase), (s(&["c-1-1.noarch", "dep-1-1.noarch"]), vec![]));
    assert_eq!(r.flags, [("dep".to_string(), true)]);
    let b = h.rollback_targets(1).expect("rollback 1");
    // The key is never a target.
    assert_eq!(b.install, s(&["a-1-1.x86_64", "b-1-1.noarch"]));
    assert_eq!(b.erase, s(&["a-2-1.x86_64", "c-1-1.noarch", "d-1-1.noarch", "dep-1-1.noarch"]));
    for bad in [h.undo_targets(1, 2), h.undo_targets(3, 2), h.redo_targets(2, 9), h.rollback_targets(0), h.rollback_targets(7)] {
        assert!(matches!(bad, Err(HistoryError::InvalidArgument(_))), "{bad:?}");
    }
    assert_eq!(crate::error::Error::from(HistoryError::InvalidArgument("x".into())).number(), 1622);
}

#[test]
fn history_op_records_a_row_even_without_package_changes() {
    let t = tempfile::tempdir().expect("tempdir");
    let root = t.path().join("root");
    let dbdir = root.join("var/lib/rpm");
    let mut h = new_db(t.path());
    h.sync_rpmdb(&dbdir).expect("sync empty");
    h.add_transaction("mark remove x").expect("row");
    h.set_auto_flag("x", true).expect("flag");
    // Undo the mark: no package changes, a new row, x back to user.
    let targets = h.undo_targets(2, 2).expect("undo");
    assert_eq!(targets.flags, [("x".to_string(), false)]);
    let id = h.record_history_op(&dbdir, "history undo 2", targets.op, &[]).expect("record");
    assert_eq!(id, 3);
    assert!(!h.flag_at("x", 3).expect("x"));
    assert!(h.flag_at("x", 2).expect("x at 2"));
}

// --- rpm's cookie against python3-rpm -----------------------------------

fn python_cookie(root: &Path) -> String {
    let script = "import rpm, sys\nrpm.addMacro('_dbpath', '/var/lib/rpm')\nts = rpm.TransactionSet(sys.argv[1])\nts.openDB()\nprint(ts.dbCookie())\n";
    let out = Command::new("/usr/bin/python3").arg("-c").arg(script).arg(root).output().expect("python3 (python3-rpm)");
    assert!(out.status.success(), "python3-rpm: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn rpm(root: &Path, args: &[&str], files: &[PathBuf]) {
    let out = Command::new("rpm")
        .arg("--root")
        .arg(root)
        .args(["--dbpath", "/var/lib/rpm"])
        .args(args)
        .args(files)
        .output()
        .expect("rpm");
    assert!(out.status.success(), "rpm {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn rpm_qa(root: &Path) -> Vec<String> {
    let out = Command::new("rpm")
        .arg("--root")
        .arg(root)
        .args(["--dbpath", "/var/lib/rpm", "-qa", "--qf", "%{NEVRA}\\n"])
        .output()
        .expect("rpm -qa");
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn cookie_and_nevras_agree_with_rpm() {
    let t = tempfile::tempdir().expect("tempdir");
    let root = t.path();
    let dbdir = root.join("var/lib/rpm");
    // No database at all: rpm creates an empty one and hashes nothing.
    assert_eq!(rpmdb_cookie(&dbdir).expect("none"), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    rpm(root, &["--initdb"], &[]);
    assert_eq!(rpmdb_cookie(&dbdir).expect("0"), python_cookie(root), "empty rpmdb");
    let install = ["--justdb", "--nodeps", "--noscripts", "--nosignature", "--notriggers", "-i"];
    rpm(root, &install, &[crate::test_support::spike_rpm("spike-alpha-1.0")]);
    let one = rpmdb_cookie(&dbdir).expect("1");
    assert_eq!(one, python_cookie(root), "one package");
    let several: Vec<PathBuf> =
        ["spike-beta-1.0", "spike-gamma-1.0", "spike-kernel-5.0.0", "spike-kernel-5.1.0", "spike-epoch"]
            .iter()
            .map(|p| crate::test_support::spike_rpm(p))
            .collect();
    rpm(root, &install, &several);
    rpm(root, &["--import"], &[crate::test_support::spike_repo().join("RPM-GPG-KEY-spike")]);
    let many = rpmdb_cookie(&dbdir).expect("several");
    assert_eq!(many, python_cookie(root), "several packages, two of one name, a key");
    assert_ne!(one, many);
    rpm(root, &["-e", "--justdb", "--nodeps", "--noscripts"], &[PathBuf::from("spike-beta")]);
    assert_eq!(rpmdb_cookie(&dbdir).expect("after erase"), python_cookie(root), "after an erase");
    // NEVRAs as rpm's %{NEVRA}, in rpm's iteration order, key included.
    assert_eq!(installed_nevras(&dbdir).expect("nevras"), rpm_qa(root));
    assert!(rpm_qa(root).iter().any(|n| n.starts_with("gpg-pubkey-")));
}

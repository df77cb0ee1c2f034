//! `history` and `mark` (spec §6): the database we write has tdnf's schema
//! and rpm's cookie, and `history list` prints it as tdnf does.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::TestContext;

fn db(ctx: &TestContext) -> PathBuf {
    ctx.root.join("var/lib/tdnf/history.db")
}

/// `sqlite3 DB .schema`, Debian's sqlite3 CLI.
fn schema(path: &Path) -> String {
    let out = Command::new("sqlite3").arg(path).arg(".schema").output().expect("sqlite3 CLI");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn sql(path: &Path, query: &str) -> String {
    let out = Command::new("sqlite3").arg(path).arg(query).output().expect("sqlite3 CLI");
    String::from_utf8_lossy(&out.stdout).trim_end().to_string()
}

fn python_cookie(root: &Path) -> String {
    let script = "import rpm, sys\nrpm.addMacro('_dbpath', '/var/lib/rpm')\nts = rpm.TransactionSet(sys.argv[1])\nts.openDB()\nprint(ts.dbCookie())\n";
    let out = Command::new("/usr/bin/python3").arg("-c").arg(script).arg(root).output().expect("python3-rpm");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
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

/// tdnf's `.schema` after the first sync (no auto flag yet), then with one.
const SCHEMA_BASE: &str = "CREATE TABLE rpms(Id INTEGER PRIMARY KEY AUTOINCREMENT,nevra TEXT);
CREATE TABLE sqlite_sequence(name,seq);
CREATE TABLE transactions(Id INTEGER PRIMARY KEY AUTOINCREMENT,cookie TEXT,cmdline TEXT,timestamp INTEGER, type INTEGER);
CREATE TABLE trans_items(Id INTEGER PRIMARY KEY AUTOINCREMENT,trans_id INTEGER,type INTEGER,rpm_id INTEGER);
";
const SCHEMA_FLAGS: &str = "CREATE TABLE names(Id INTEGER PRIMARY KEY AUTOINCREMENT,name TEXT);
CREATE TABLE flag_set(Id INTEGER PRIMARY KEY AUTOINCREMENT,trans_id INTEGER,name_id INTEGER,value INTEGER);
";

#[test]
fn missing_database_is_1802() {
    let ctx = TestContext::new();
    let out = ctx.run(&["history"]);
    assert_eq!(out.code, 1802 & 0xff, "{}", out.snapshot(&ctx));
    assert_eq!(out.stderr, "Error(1802) : History database does not exist\n");
    // mark looks the packages up first (nothing installed: 1011), then the database.
    assert_eq!(ctx.run(&["mark", "install", "spike-alpha"]).code, 1011 & 0xff);
    ctx.rpm_install(&["spike-alpha-1.0-1.x86_64"]);
    let out = ctx.run(&["mark", "install", "spike-alpha"]);
    assert_eq!(out.code, 1802 & 0xff, "{}", out.snapshot(&ctx));
    assert!(!db(&ctx).exists());
}

#[test]
fn init_list_update_mark() {
    let ctx = TestContext::new();
    ctx.rpm_install(&["spike-alpha-1.0-1.x86_64", "spike-beta-1.0-1.noarch"]);
    let out = ctx.run(&["history", "init"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.snapshot(&ctx));
    assert_eq!(schema(&db(&ctx)), SCHEMA_BASE);
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(db(&ctx)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
    }
    // The cookie a real tdnf would compute: no phantom "(unknown)" row.
    assert_eq!(sql(&db(&ctx), "SELECT cookie FROM transactions"), python_cookie(&ctx.root));
    let out = ctx.run(&["-j", "history", "--info"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let v = out.json();
    let row = &v[0];
    assert_eq!((row["Id"].as_i64(), row["CmdLine"].as_str()), (Some(1), Some("(set)")));
    assert_eq!((row["AddedCount"].as_i64(), row["RemovedCount"].as_i64()), (Some(2), Some(0)));
    let mut added: Vec<String> = row["Added"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
    added.sort();
    let mut qa = rpm_qa(&ctx.root);
    qa.sort();
    assert_eq!(added, qa);
    let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 7);
    assert!(out.stdout.starts_with(r#"[{"Id":1,"CmdLine":"(set)","TimeStamp":"#), "{}", out.stdout);
    // Without --info: five keys.
    let out = ctx.run(&["-j", "history"]);
    assert!(out.stdout.ends_with(r#","AddedCount":2,"RemovedCount":0}]"#), "{}", out.stdout);

    // A change made with rpm is recorded as "(unknown)" by the next update.
    ctx.rpm_install(&["spike-gamma-1.0-1.noarch"]);
    let out = ctx.run(&["history", "update"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let out = ctx.run(&["history", "update"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert_eq!(sql(&db(&ctx), "SELECT Id, cmdline, type FROM transactions"), "1|(set)|0\n2|(unknown)|1");
    assert_eq!(sql(&db(&ctx), "SELECT cookie FROM transactions WHERE Id = 2"), python_cookie(&ctx.root));

    // mark: a new row with argv[1..], the flags, and tdnf's messages.
    let out = ctx.run(&["mark", "remove", "spike-alpha"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert_eq!(out.stdout, "marking spike-alpha as autoinstalled\n");
    assert_eq!(schema(&db(&ctx)), format!("{SCHEMA_BASE}{SCHEMA_FLAGS}"));
    let cmdline = format!("-c {} --installroot {} mark remove spike-alpha", ctx.conf.display(), ctx.root.display());
    assert_eq!(sql(&db(&ctx), "SELECT cmdline FROM transactions WHERE Id = 3"), cmdline);
    assert_eq!(sql(&db(&ctx), "SELECT n.name, f.trans_id, f.value FROM flag_set f JOIN names n ON n.Id = f.name_id"), "spike-alpha|3|1");
    let out = ctx.run(&["-j", "repoquery", "--userinstalled"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(out.stdout.contains("\"spike-beta\"") && !out.stdout.contains("\"spike-alpha\""), "{}", out.stdout);
    let out = ctx.run(&["mark", "install", "spike-alpha"]);
    assert_eq!(out.stdout, "marking spike-alpha as userinstalled\n");

    // Text list: tdnf's columns (cmd line 41 wide off a terminal).
    let out = ctx.run(&["history", "list", "2-3"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], format!("ID   {:<41} date/time             +add  / -rem", "cmd line"));
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert!(lines[1].starts_with(&format!("   2 {:<41} ", "(unknown)")), "{}", lines[1]);
    assert!(lines[1].ends_with(" +1    / -0   "), "{:?}", lines[1]);
    assert!(lines[2].starts_with(&format!("   3 {cmdline} ")), "{}", lines[2]);
    let out = ctx.run(&["history", "--info", "--reverse", "--from", "2", "--to", "2"]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(&lines[2..], ["added: spike-gamma-1.0-1.noarch", ""], "{}", out.stdout);
    let out = ctx.run(&["-j", "history", "--reverse"]);
    let ids: Vec<i64> = out.json().as_array().unwrap().iter().map(|r| r["Id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [4, 3, 2, 1]);
}

#[test]
fn bad_arguments() {
    let ctx = TestContext::new();
    ctx.rpm_install(&["spike-alpha-1.0-1.x86_64"]);
    assert_eq!(ctx.run(&["history", "init"]).code, 0);
    let out = ctx.run(&["mark", "bogus", "spike-alpha"]);
    assert_eq!((out.code, out.stdout.as_str()), (902 & 0xff, "unknown action 'bogus'\n"), "{}", out.snapshot(&ctx));
    let out = ctx.run(&["mark", "install"]);
    assert_eq!((out.code, out.stdout.as_str()), (1622 & 0xff, "need package spec(s) as argument\n"));
    let out = ctx.run(&["mark"]);
    assert_eq!(out.code, 1622 & 0xff);
    let out = ctx.run(&["mark", "install", "nosuchpkg"]);
    assert_eq!(out.code, 1011 & 0xff, "{}", out.snapshot(&ctx));
    for args in [&["history", "undo", "1"][..], &["history", "redo", "3-2"], &["history", "rollback", "0"], &["history", "list", "--from", "-1"]] {
        let out = ctx.run(args);
        assert_eq!(out.code, 1622 & 0xff, "{args:?}: {}", out.snapshot(&ctx));
    }
    // Nothing was written by the failures.
    assert_eq!(sql(&db(&ctx), "SELECT count(*) FROM transactions"), "1");
}

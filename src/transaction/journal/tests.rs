//! Journal round trips, damaged journals, modes, and a writer killed with
//! SIGKILL in the middle of its marks.

use std::io::BufReader;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Element, JOURNAL_PATH, Journal, JournalError, Stage};

fn elements(n: usize) -> Vec<Element> {
    (0..n)
        .map(|i| {
            if i % 3 == 2 {
                Element::Erase { nevra: format!("old{i}-1.0-1.noarch"), hnum: u32::try_from(i).expect("small") + 100 }
            } else {
                Element::Install {
                    nevra: format!("pkg{i}-1.0-1.x86_64"),
                    rpm_path: PathBuf::from(format!("/var/cache/tdnf/r/rpms/pkg{i}-1.0-1.x86_64.rpm")),
                }
            }
        })
        .collect()
}

fn journal_file(root: &Path) -> PathBuf {
    root.join(JOURNAL_PATH.trim_start_matches('/'))
}

#[test]
fn round_trip_records_each_elements_last_stage() {
    let t = tempfile::tempdir().expect("tempdir");
    assert_eq!(Journal::pending(t.path()).expect("no journal"), None);
    let mut j = Journal::begin(t.path(), 0x6b03_3ecc, elements(3)).expect("begin");
    j.mark(0, Stage::Unpacking).expect("mark");
    j.mark(0, Stage::DbAdded).expect("mark");
    j.mark(0, Stage::Done).expect("mark");
    j.mark(2, Stage::Erasing).expect("mark");
    assert!(matches!(j.mark(3, Stage::Done), Err(JournalError::NoSuchElement { index: 3, len: 3 })));
    assert!(matches!(j.mark(2, Stage::DbAdded), Err(JournalError::WrongStage { index: 2, .. })));
    assert!(matches!(Journal::begin(t.path(), 1, elements(1)), Err(JournalError::Pending { .. })));

    let p = Journal::pending(t.path()).expect("read").expect("pending");
    assert_eq!((p.tid, p.elements.clone(), p.torn), (0x6b03_3ecc, elements(3), false));
    assert_eq!(p.stages, vec![Some(Stage::Done), None, Some(Stage::Erasing)]);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    assert!(p.started <= now && p.started + 60 > now, "started {}", p.started);
    let text = std::fs::read_to_string(journal_file(t.path())).expect("read");
    assert!(text.contains(r#"{"element":0,"stage":"db-added"}"#), "{text}");
    assert!(text.starts_with(r#"{"version":1,"tid":1795374796,"#), "{text}");
    assert!(text.contains(r#"{"kind":"erase","nevra":"old2-1.0-1.noarch","hnum":102}"#), "{text}");
    let leftovers: Vec<_> =
        std::fs::read_dir(t.path().join("var/lib/tdnf")).expect("dir").flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("transaction.journal")], "no temp file left");

    j.finish().expect("finish");
    assert!(!journal_file(t.path()).exists());
    assert_eq!(Journal::pending(t.path()).expect("read"), None);
    Journal::begin(t.path(), 2, elements(1)).expect("a new transaction may start").finish().expect("finish");
}

#[test]
fn torn_last_line_is_dropped_and_resume_cuts_it() {
    let t = tempfile::tempdir().expect("tempdir");
    let mut j = Journal::begin(t.path(), 7, elements(2)).expect("begin");
    j.mark(0, Stage::Unpacking).expect("mark");
    drop(j);
    let f = journal_file(t.path());
    let intact = std::fs::read(&f).expect("read");
    for tail in [&br#"{"element":0,"st"#[..], b"{\"element\":0,\"stage\":\"db-added\"}", b"\0\0\0\0\n"] {
        let mut text = intact.clone();
        text.extend_from_slice(tail);
        std::fs::write(&f, &text).expect("write");
        let p = Journal::pending(t.path()).expect("a torn tail is tolerated").expect("pending");
        assert!(p.torn, "tail {tail:?}");
        assert_eq!(p.stage(0), Some(Stage::Unpacking), "tail {tail:?}");
    }
    let p = Journal::pending(t.path()).expect("read").expect("pending");
    let mut j = p.resume(t.path()).expect("resume");
    j.mark(0, Stage::DbAdded).expect("mark after resume");
    let p = Journal::pending(t.path()).expect("read").expect("pending");
    assert_eq!((p.torn, p.stage(0), p.stage(1)), (false, Some(Stage::DbAdded), None));
    p.discard(t.path()).expect("discard");
    assert!(!f.exists());
}

#[test]
fn a_bad_header_or_record_is_a_clear_error() {
    let t = tempfile::tempdir().expect("tempdir");
    Journal::begin(t.path(), 7, elements(2)).expect("begin");
    let f = journal_file(t.path());
    let header = std::fs::read_to_string(&f).expect("read");
    let cases: [(String, &str); 6] = [
        (String::new(), "no complete header record"),
        (r#"{"version":1,"tid":7"#.to_owned(), "no complete header record"),
        ("{\"element\":0,\"stage\":\"unpacking\"}\n".to_owned(), "no version"),
        ("{\"version\":1,\"tid\":7}\n".to_owned(), "bad header"),
        (format!("{header}garbage\n{{\"element\":0,\"stage\":\"done\"}}\n"), "line 2: corrupt"),
        (
            format!("{header}{{\"element\":5,\"stage\":\"done\"}}\n{{\"element\":0,\"stage\":\"done\"}}\n"),
            "no element 5",
        ),
    ];
    for (text, want) in cases {
        std::fs::write(&f, &text).expect("write");
        let err = Journal::pending(t.path()).expect_err(&text);
        assert!(matches!(err, JournalError::Corrupt { .. }), "{text:?}: {err:?}");
        assert!(err.to_string().contains(want), "{text:?}: {err}");
    }
    std::fs::write(&f, header.replace("\"version\":1", "\"version\":9")).expect("write");
    let err = Journal::pending(t.path()).expect_err("version 9");
    assert!(matches!(err, JournalError::Version { found: 9, .. }), "{err:?}");
}

#[test]
fn modes_ignore_the_umask() {
    let t = tempfile::tempdir().expect("tempdir");
    let j = {
        let _l = crate::test_support::umask_lock();
        let old = nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
        let j = Journal::begin(t.path(), 1, elements(1));
        nix::sys::stat::umask(old);
        j.expect("begin")
    };
    let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o7777;
    assert_eq!(mode(&journal_file(t.path())), 0o644);
    for d in ["var", "var/lib", "var/lib/tdnf"] {
        assert_eq!(mode(&t.path().join(d)), 0o755, "{d}");
    }
    j.finish().expect("finish");
}

#[test]
fn the_journal_stays_inside_the_root() {
    let t = tempfile::tempdir().expect("tempdir");
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(outside.path().join("lib")).expect("mkdir");
    // An absolute link is resolved inside the root, where its target is missing.
    std::os::unix::fs::symlink(outside.path(), t.path().join("var")).expect("symlink");
    let err = Journal::begin(t.path(), 1, elements(1)).expect_err("target missing inside the root");
    assert!(matches!(&err, JournalError::Fs(e) if e.is_not_found()), "{err:?}");
    let inside = t.path().join(outside.path().strip_prefix("/").expect("absolute"));
    std::fs::create_dir_all(&inside).expect("mkdir");
    let j = Journal::begin(t.path(), 1, elements(1)).expect("begin");
    assert!(inside.join("lib/tdnf/transaction.journal").is_file());
    assert_eq!(std::fs::read_dir(outside.path().join("lib")).expect("dir").count(), 0, "nothing outside the root");
    assert_eq!(Journal::pending(t.path()).expect("read").map(|p| p.elements), Some(elements(1)));
    j.finish().expect("finish");
}

/// Child side of the SIGKILL test: marks every stage of 300 elements in
/// order into the root in `TDNF_TEST_JOURNAL_CHILD`, then waits to be killed.
#[test]
fn child_writer() {
    let Some(root) = std::env::var_os("TDNF_TEST_JOURNAL_CHILD") else { return };
    let els = elements(300);
    let mut j = Journal::begin(Path::new(&root), 9, els.clone()).expect("begin");
    let stages = |e: &Element| match e {
        Element::Install { .. } => [Stage::Unpacking, Stage::DbAdded, Stage::Done],
        Element::Erase { .. } => [Stage::Erasing, Stage::DbRemoved, Stage::Done],
    };
    for (i, e) in els.iter().enumerate() {
        for s in stages(e) {
            j.mark(i, s).expect("mark");
        }
        if i == 0 {
            let mut out = std::io::stdout();
            std::io::Write::write_all(&mut out, b"marked\n")
                .and_then(|()| std::io::Write::flush(&mut out))
                .expect("stdout");
        }
    }
    std::thread::sleep(Duration::from_secs(60));
}

#[test]
fn a_writer_killed_between_marks_leaves_a_readable_journal() {
    let t = tempfile::tempdir().expect("tempdir");
    let mut child = crate::transaction::signals::tests::self_command(
        "transaction::journal::tests::child_writer",
        ("TDNF_TEST_JOURNAL_CHILD", t.path().to_str().expect("utf-8 temp path")),
    )
    .spawn()
    .expect("spawn");
    crate::transaction::signals::tests::wait_for(&mut BufReader::new(child.stdout.take().expect("piped")), "marked");
    std::thread::sleep(Duration::from_millis(30));
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("wait");
    assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(libc::SIGKILL));

    let p = Journal::pending(t.path()).expect("readable after SIGKILL").expect("pending");
    assert_eq!(p.elements.len(), 300);
    assert_eq!(p.stage(0), Some(Stage::Done));
    // Marks were written in order: done elements, at most one in progress,
    // then untouched ones.
    let done = p.stages.iter().take_while(|s| **s == Some(Stage::Done)).count();
    assert!(p.stages.iter().skip(done + 1).all(Option::is_none), "{:?}", p.stages);
}

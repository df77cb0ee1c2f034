//! The instance lock between threads (OFD locks conflict within one
//! process too) and between processes: a child process of this test binary
//! holds the lock (as tdnf does, with a classic `F_SETLK` lock, or with
//! ours) until it is told to stop or is killed with SIGKILL.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::*;
use crate::output::Mode;

const HOLD_ENV: &str = "TDNF_TEST_LOCK_HOLD";

fn printer() -> Printer {
    Printer::new(Mode::Text, false, false)
}

/// Not a test on its own: in a child started by [`hold_in_child`], take the
/// lock on `$TDNF_TEST_LOCK_HOLD` and keep it for the given seconds.
#[test]
fn child_holder() {
    let Ok(spec) = std::env::var(HOLD_ENV) else { return };
    let mut parts = spec.splitn(3, ':');
    let (kind, secs, path) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
    let path = Path::new(path);
    let _guard;
    let _file;
    if kind == "classic" {
        // What tdnf does: open O_RDWR|O_CREAT, F_SETLK a write lock.
        let f = open(path).unwrap();
        fcntl(f.as_fd(), FcntlArg::F_SETLK(&whole_file(libc::F_WRLCK as libc::c_short))).unwrap();
        _file = Some(f);
    } else {
        _guard = acquire(path, Some(Duration::ZERO), &printer()).unwrap();
    }
    println!("\nTDNF-LOCK-HELD");
    std::thread::sleep(Duration::from_secs(secs.parse().unwrap()));
}

/// Start a child that holds the lock on `path` (`kind`: `classic` or
/// `ours`) for `secs` seconds; returns once it holds it.
fn hold_in_child(path: &Path, kind: &str, secs: u64) -> Child {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "lock::tests::child_holder", "--nocapture", "--test-threads=1"])
        .env(HOLD_ENV, format!("{kind}:{secs}:{}", path.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    // Keep draining the child's stdout, so that it never writes to a
    // closed pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if line.contains("TDNF-LOCK-HELD") {
                let _ = tx.send(());
            }
        }
    });
    assert!(rx.recv_timeout(Duration::from_secs(30)).is_ok(), "the child never took the lock");
    child
}

#[test]
fn a_second_holder_waits_until_the_first_releases() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lockfile");
    let first = acquire(&path, Some(Duration::ZERO), &printer()).unwrap();
    assert!(first.is_held());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), format!("{}\n", std::process::id()));
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(600));
        drop(first);
    });
    let t = Instant::now();
    let second = acquire(&path, Some(Duration::from_secs(20)), &printer()).unwrap();
    assert!(t.elapsed() >= Duration::from_millis(500), "{:?}", t.elapsed());
    assert!(second.is_held());
    releaser.join().unwrap();
}

#[test]
fn a_held_lock_times_out_with_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lockfile");
    let _first = acquire(&path, None, &printer()).unwrap();
    let t = Instant::now();
    let err = acquire(&path, Some(Duration::from_millis(700)), &printer()).unwrap_err();
    assert!(t.elapsed() >= Duration::from_millis(700) && t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert!(matches!(err, LockError::Timeout { .. }), "{err:?}");
    let err = Error::from(err);
    assert_eq!(err.number(), 1605);
    assert!(err.message().starts_with("timed out after 0 s waiting for tdnf_instance lock on "), "{}", err.message());
    // No wait at all: fails at once.
    let t = Instant::now();
    assert!(matches!(acquire(&path, Some(Duration::ZERO), &printer()), Err(LockError::Timeout { .. })));
    assert!(t.elapsed() < Duration::from_millis(500));
}

#[test]
fn tdnfs_classic_lock_in_another_process_is_respected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lockfile");
    let mut child = hold_in_child(&path, "classic", 2);
    let err = acquire(&path, Some(Duration::from_millis(300)), &printer()).unwrap_err();
    // A classic lock names its holder.
    let LockError::Timeout { holder, .. } = &err else { panic!("{err:?}") };
    assert_eq!(*holder, Some(child.id() as i32));
    assert!(err.to_string().ends_with(&format!("(held by process {})", child.id())), "{err}");
    // When the holder exits normally, the waiter gets it.
    let lock = acquire(&path, Some(Duration::from_secs(30)), &printer()).unwrap();
    assert!(lock.is_held());
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_sigkilled_holder_never_leaves_the_lock_stuck() {
    for kind in ["ours", "classic"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lockfile");
        let mut child = hold_in_child(&path, kind, 60);
        assert!(acquire(&path, Some(Duration::from_millis(200)), &printer()).is_err(), "{kind}");
        let killer = std::thread::spawn({
            let pid = nix::unistd::Pid::from_raw(child.id() as i32);
            move || {
                std::thread::sleep(Duration::from_millis(300));
                nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).unwrap();
            }
        });
        let t = Instant::now();
        let lock = acquire(&path, Some(Duration::from_secs(30)), &printer()).unwrap();
        assert!(lock.is_held());
        assert!(t.elapsed() < Duration::from_secs(5), "{kind}: {:?}", t.elapsed());
        killer.join().unwrap();
        let _ = child.wait();
    }
}

#[test]
fn a_holder_that_removes_the_file_does_not_let_two_in() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lockfile");
    let first = acquire(&path, None, &printer()).unwrap();
    let waiter = std::thread::spawn({
        let path = path.clone();
        move || acquire(&path, Some(Duration::from_secs(20)), &printer()).unwrap()
    });
    std::thread::sleep(Duration::from_millis(300));
    // tdnf removes the lock file when it exits, then releases.
    std::fs::remove_file(&path).unwrap();
    drop(first);
    let second = waiter.join().unwrap();
    assert!(same_file(&second.held.as_ref().unwrap().0, &path));
    // The file at the path is really locked now.
    assert!(acquire(&path, Some(Duration::ZERO), &printer()).is_err());
}

#[test]
fn lock_timeout_key() {
    let mut c = crate::config::MainConf::default();
    assert_eq!(c.lock_timeout, Some(DEFAULT_WAIT));
    c.set("lock_timeout", "never").unwrap();
    assert_eq!(c.lock_timeout, None);
    c.set("lock_timeout", "2m").unwrap();
    assert_eq!(c.lock_timeout, Some(Duration::from_secs(120)));
    c.set("lock_timeout", "0").unwrap();
    assert_eq!(c.lock_timeout, Some(Duration::ZERO));
    assert!(c.set("lock_timeout", "soon").is_err());
}

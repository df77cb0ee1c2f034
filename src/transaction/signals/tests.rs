//! Signal holding: in-process checks with `raise`, and child processes
//! (this test binary re-run on one test) for what only death can show.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, kill, raise, sigaction};
use nix::unistd::Pid;

use super::{SignalError, SignalGuard};

/// The dispositions are process-wide: one test at a time touches them.
static LOCK: Mutex<()> = Mutex::new(());

fn lock() -> std::sync::MutexGuard<'static, ()> {
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// This test binary, re-run on the single test `test` (a `child_*` harness
/// that does nothing unless `env` is set), stdout piped.
pub(in crate::transaction) fn self_command(test: &str, env: (&str, &str)) -> Command {
    let mut cmd = Command::new(std::env::current_exe().expect("current_exe"));
    cmd.args([test, "--exact", "--nocapture", "--test-threads=1", "-q"])
        .env(env.0, env.1)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    cmd
}

/// Read `reader` up to a line starting with `prefix` (the test harness
/// prints its own lines first).
pub(in crate::transaction) fn wait_for(reader: &mut impl BufRead, prefix: &str) {
    let mut line = String::new();
    while !line.starts_with(prefix) {
        line.clear();
        assert!(reader.read_line(&mut line).expect("read") > 0, "child ended before {prefix:?}");
    }
}

fn set(sig: Signal, handler: SigHandler) -> SigHandler {
    let act = SigAction::new(handler, SaFlags::empty(), SigSet::empty());
    // SAFETY: the handlers used here are SIG_DFL, SIG_IGN or `count`, which
    // only touches an atomic.
    unsafe { sigaction(sig, &act) }.expect("sigaction").handler()
}

static COUNT: AtomicU32 = AtomicU32::new(0);
extern "C" fn count(_: libc::c_int) {
    COUNT.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn first_signal_is_recorded_and_repeats_do_not_kill() {
    let _l = lock();
    let guard = SignalGuard::install().expect("install");
    assert_eq!(guard.pending(), None);
    raise(Signal::SIGTERM).expect("raise");
    raise(Signal::SIGINT).expect("raise");
    raise(Signal::SIGINT).expect("raise");
    raise(Signal::SIGHUP).expect("raise");
    assert_eq!(guard.pending(), Some(Signal::SIGTERM), "the first one wins");
    drop(guard);
    // A new guard starts clean.
    let guard = SignalGuard::install().expect("install again");
    assert_eq!(guard.pending(), None);
}

#[test]
fn only_one_guard_at_a_time() {
    let _l = lock();
    let guard = SignalGuard::install().expect("install");
    assert!(matches!(SignalGuard::install(), Err(SignalError::AlreadyActive)));
    drop(guard);
    SignalGuard::install().expect("free again after drop");
}

#[test]
fn previous_handlers_come_back_on_drop() {
    let _l = lock();
    let before_hup = set(Signal::SIGHUP, SigHandler::Handler(count));
    let pipe_before = set(Signal::SIGPIPE, SigHandler::SigDfl);
    COUNT.store(0, Ordering::SeqCst);
    let guard = SignalGuard::install().expect("install");
    raise(Signal::SIGHUP).expect("raise");
    assert_eq!(COUNT.load(Ordering::SeqCst), 0, "our handler, not the caller's, runs while held");
    assert_eq!(guard.pending(), Some(Signal::SIGHUP));
    // SIGPIPE is ignored during the transaction: raising it does nothing.
    raise(Signal::SIGPIPE).expect("raise SIGPIPE");
    drop(guard);
    raise(Signal::SIGHUP).expect("raise");
    assert_eq!(COUNT.load(Ordering::SeqCst), 1, "the caller's handler is back");
    assert_eq!(set(Signal::SIGPIPE, pipe_before), SigHandler::SigDfl, "SIGPIPE's disposition is back");
    set(Signal::SIGHUP, before_hup);
}

#[test]
fn ignored_signals_stay_ignored() {
    let _l = lock();
    let before = set(Signal::SIGQUIT, SigHandler::SigIgn);
    let guard = SignalGuard::install().expect("install");
    raise(Signal::SIGQUIT).expect("raise");
    assert_eq!(guard.pending(), None, "a nohup-style ignored signal is not a stop request");
    drop(guard);
    assert_eq!(set(Signal::SIGQUIT, before), SigHandler::SigIgn);
}

/// Child side of the tests below (mode in `TDNF_TEST_SIGNAL_CHILD`).
#[test]
fn child_harness() {
    let Ok(mode) = std::env::var("TDNF_TEST_SIGNAL_CHILD") else { return };
    let mut out = std::io::stdout();
    let guard = (mode == "guard").then(|| SignalGuard::install().expect("install"));
    writeln!(out, "ready").and_then(|()| out.flush()).expect("stdout");
    // "Unpacking a package": runs until a signal is pending, then finishes
    // the package's work before looking again.
    for _ in 0..200 {
        if guard.as_ref().and_then(SignalGuard::pending).is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    let pending = guard.as_ref().and_then(SignalGuard::pending);
    writeln!(out, "finished package, pending {pending:?}").and_then(|()| out.flush()).expect("stdout");
    if let Some(g) = guard {
        g.reraise();
    }
    writeln!(out, "still alive after reraise").and_then(|()| out.flush()).expect("stdout");
}

/// Start the child in `mode`, wait for "ready", send SIGINT, SIGINT, SIGTERM
/// 50 ms apart; returns its exit status and output.
fn signal_child(mode: &str) -> (std::process::ExitStatus, String) {
    let mut child = self_command("transaction::signals::tests::child_harness", ("TDNF_TEST_SIGNAL_CHILD", mode))
        .spawn()
        .expect("spawn");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    wait_for(&mut stdout, "ready");
    let pid = Pid::from_raw(i32::try_from(child.id()).expect("pid"));
    for sig in [Signal::SIGINT, Signal::SIGINT, Signal::SIGTERM] {
        kill(pid, sig).expect("kill");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("read");
    (child.wait().expect("wait"), rest)
}

#[test]
fn held_signals_let_the_package_finish_then_kill_with_the_first() {
    let (status, out) = signal_child("guard");
    assert!(out.contains("finished package, pending Some(SIGINT)"), "output: {out:?}");
    assert!(!out.contains("still alive"), "reraise must not return: {out:?}");
    assert_eq!(status.signal(), Some(libc::SIGINT), "status {status:?}");
}

#[test]
fn without_the_guard_the_same_signals_kill_at_once() {
    // The control: proves the harness itself does not survive SIGINT.
    let (status, out) = signal_child("none");
    assert!(!out.contains("finished package"), "output: {out:?}");
    assert_eq!(status.signal(), Some(libc::SIGINT), "status {status:?}");
}

#[test]
fn scriptlet_children_keep_sigint_blocked() {
    let script = ["-c", "kill -INT $$; echo alive"];
    let mut cmd = Command::new("/bin/sh");
    cmd.args(script);
    // SAFETY: prepare_scriptlet_child only calls sigaction and sigprocmask,
    // both async-signal-safe, between fork and exec.
    unsafe { cmd.pre_exec(|| super::prepare_scriptlet_child().map_err(std::io::Error::from)) };
    let out = cmd.output().expect("run sh");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "alive\n", "status {:?}", out.status);
    let control = Command::new("/bin/sh").args(script).output().expect("run sh");
    assert_eq!(control.status.signal(), Some(libc::SIGINT), "without it the scriptlet dies");
}

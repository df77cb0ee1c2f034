//! Two runs at once (the instance lock), a holder killed with SIGKILL,
//! SIGINT during a multi-package transaction, and SIGKILL mid-unpack with
//! the next run's recovery.
//!
//! The lock is the host path `/var/run/.tdnf-instance-lockfile`, shared by
//! every test of this process: these tests take [`super::LOCK_TESTS`].

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use super::{BASE, LOCK_TESTS, base_ctx, history, output_of, qa, rpm, snap, spawn, wait_bounded};
use crate::support::TestContext;

const LOCK_PATH: &str = "/var/run/.tdnf-instance-lockfile";
const WAIT_LINE: &str = "waiting for tdnf_instance lock on /var/run/.tdnf-instance-lockfile\n";

/// A process holding the instance lock, killed when dropped (also when the
/// test fails: a leftover holder would stall every other alter test).
struct Holder(Child);

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A process (python3's `fcntl.lockf`, a classic POSIX lock as tdnf takes
/// it) holding the instance lock until killed; returns once it holds it.
fn hold_lock() -> Holder {
    let mut child = Command::new("python3")
        .args(["-c", &format!("import fcntl,sys,time\nf=open('{LOCK_PATH}','a')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('held',flush=True)\ntime.sleep(600)")])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).expect("read");
    assert_eq!(line, "held\n");
    Holder(child)
}

fn guard() -> std::sync::MutexGuard<'static, ()> {
    LOCK_TESTS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Wait until `stderr_file` says the run is waiting for the lock.
fn wait_for_file_text(file: &Path, text: &str, limit: Duration) {
    let start = Instant::now();
    while !std::fs::read_to_string(file).unwrap_or_default().contains(text) {
        assert!(start.elapsed() < limit, "no {text:?} in {} after {limit:?}", file.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_second_run_waits_for_the_lock_then_proceeds() {
    let _g = guard();
    let ctx = base_ctx();
    let holder = hold_lock();
    // lock_timeout=2: the waiter gives up with 1605 and says who holds it.
    let out = ctx.run(&["-y", "--setopt=lock_timeout=2", "install", "spike-gamma"]);
    let pid = holder.0.id();
    assert_eq!(
        snap(&out, &ctx),
        format!(
            "exit: 69\n--- stdout\n\n--- stderr\nError(1605) : timed out after 2 s waiting for tdnf_instance lock on {LOCK_PATH} (held by process {pid})\n"
        )
    );
    assert!(out.stderr.starts_with(WAIT_LINE), "the wait is announced on stderr: {}", out.stderr);
    assert_eq!(qa(&ctx), BASE);

    // With -j the message is on stderr and stdout holds only the document.
    let err = ctx.dir.join("waiter.err");
    let waiter = super::command(&ctx, &["-j", "-y", "install", "spike-gamma"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&err).expect("err file"))
        .spawn()
        .expect("spawn");
    wait_for_file_text(&err, WAIT_LINE, Duration::from_secs(60));
    // The holder dies by SIGKILL: the lock goes with it.
    drop(holder);
    let out = wait_bounded(waiter, Duration::from_secs(120));
    let out = super::Output { stderr: std::fs::read_to_string(&err).expect("err"), ..output_of(&out) };
    assert_eq!(out.code, 0, "{}", snap(&out, &ctx));
    assert_eq!(out.json()["Install"][0]["Name"], "spike-gamma");
    assert!(qa(&ctx).contains(&"spike-gamma-1.0-1.noarch".to_owned()));
}

/// Two of our own transactions on the same root: the second waits for the
/// first, then runs; both are in the history.
#[test]
fn two_concurrent_transactions_on_one_root() {
    let _g = guard();
    let ctx = base_ctx();
    let first = spawn(&ctx, &["-y", "install", "spike-manyfiles"], Stdio::null());
    // Start the second once the first holds the lock (its journal exists
    // or it is already done).
    let journal = ctx.root.join("var/lib/tdnf/transaction.journal");
    let start = Instant::now();
    while !journal.exists() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(2));
    }
    let second = spawn(&ctx, &["-y", "install", "spike-gamma"], Stdio::null());
    let a = output_of(&wait_bounded(first, Duration::from_secs(300)));
    let b = output_of(&wait_bounded(second, Duration::from_secs(300)));
    assert_eq!(a.code, 0, "{}", snap(&a, &ctx));
    assert_eq!(b.code, 0, "{}", snap(&b, &ctx));
    if journal.exists() {
        panic!("journal left behind");
    }
    let installed = qa(&ctx);
    for n in ["spike-manyfiles-1.0-1.noarch", "spike-gamma-1.0-1.noarch"] {
        assert!(installed.contains(&n.to_owned()), "{n}: {installed:?}");
    }
    let h = history(&ctx);
    let tail: Vec<&str> = h.iter().rev().take(2).map(|r| r.cmdline.as_str()).collect();
    assert!(tail.iter().any(|c| c.ends_with("install spike-gamma")) && tail.iter().any(|c| c.ends_with("install spike-manyfiles")), "{h:?}");
}

const MANY: [&str; 6] = ["spike-manyfiles", "spike-comp-gzip", "spike-comp-xz", "spike-comp-zstd", "spike-hardlinks", "spike-delta"];

/// Start `install MANY` and signal it as soon as its transaction began
/// (its journal exists). `None` if it finished first.
fn signal_mid_transaction(ctx: &TestContext, sig: Signal) -> Option<std::process::Output> {
    let mut args = vec!["-y", "install"];
    args.extend(MANY);
    let child = spawn(ctx, &args, Stdio::null());
    let journal = ctx.root.join("var/lib/tdnf/transaction.journal");
    let start = Instant::now();
    loop {
        if journal.exists() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = output_of(&wait_bounded(child, Duration::from_secs(1)));
            return None;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    let pid = Pid::from_raw(i32::try_from(child.id()).expect("pid"));
    kill(pid, sig).expect("signal");
    Some(wait_bounded(child, Duration::from_secs(120)))
}

fn verifies(ctx: &TestContext) {
    let (ok, out) = rpm(ctx, &["-Va", "--nodeps", "--nosignature", "--nofiledigest"]);
    assert!(ok || out.trim().is_empty(), "rpm -Va:\n{out}");
}

#[test]
fn sigint_stops_between_packages() {
    let _g = guard();
    let ctx = base_ctx();
    let rows = history(&ctx).len();
    let Some(out) = signal_mid_transaction(&ctx, Signal::SIGINT) else { panic!("the transaction never began") };
    use std::os::unix::process::ExitStatusExt;
    let res = output_of(&out);
    assert_eq!(out.status.signal(), Some(libc::SIGINT), "{}", snap(&res, &ctx));
    assert!(res.stderr.ends_with("Transaction stopped by SIGINT\n"), "{}", snap(&res, &ctx));
    assert!(!res.stdout.contains("Complete!"), "{}", snap(&res, &ctx));
    // What rpm sees is whole packages, and the journal is gone.
    let installed = qa(&ctx);
    assert!(installed.len() < BASE.len() + MANY.len(), "nothing was stopped: {installed:?}");
    verifies(&ctx);
    assert!(!ctx.root.join("var/lib/tdnf/transaction.journal").exists(), "journal left after SIGINT");
    // The history has the part that ran (no row when the signal came
    // before the first package).
    let h = history(&ctx);
    let added: Vec<String> = installed.iter().filter(|n| !BASE.contains(&n.as_str())).cloned().collect();
    if added.is_empty() {
        assert!(h.len() == rows || h.len() == rows + 1 && h[rows].added.is_empty(), "{h:?}");
    } else {
        assert_eq!(h.len(), rows + 1, "{h:?}");
        assert_eq!(h[rows].added, added);
    }
    // The next run installs the rest.
    let mut args = vec!["-y", "-q", "install"];
    args.extend(MANY);
    let out = ctx.run(&args);
    assert_eq!(out.code, 0, "{}", snap(&out, &ctx));
    assert_eq!(qa(&ctx).len(), BASE.len() + MANY.len());
    verifies(&ctx);
}

#[test]
fn sigkill_mid_unpack_and_the_next_runs_recovery() {
    let _g = guard();
    let ctx = base_ctx();
    let journal = ctx.root.join("var/lib/tdnf/transaction.journal");
    let Some(out) = signal_mid_transaction(&ctx, Signal::SIGKILL) else { panic!("the transaction never began") };
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), Some(libc::SIGKILL));
    assert!(journal.exists(), "no journal after SIGKILL (the transaction finished before the kill?)");
    // The next alter command completes it first, then does its own work.
    let out = ctx.run(&["-y", "install", "spike-gamma"]);
    assert_eq!(out.code, 0, "{}", snap(&out, &ctx));
    let first = out.stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("warning: transaction ") && first.ends_with(" was interrupted; completing it (scriptlets are not run again)"), "{}", snap(&out, &ctx));
    assert!(!journal.exists());
    let installed = qa(&ctx);
    assert!(installed.contains(&"spike-gamma-1.0-1.noarch".to_owned()), "{installed:?}");
    verifies(&ctx);
    // rpm and we agree, and nothing is installed twice.
    let mut dedup = installed.clone();
    dedup.dedup();
    assert_eq!(dedup, installed);
    assert_eq!(super::our_installed(&ctx), installed);
    let h = history(&ctx);
    assert!(h.last().is_some_and(|r| r.added.contains(&"spike-gamma-1.0-1.noarch".to_owned())), "{h:?}");
}

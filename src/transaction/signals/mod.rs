//! Holding termination signals while the transaction writes.
//!
//! # What rpm 4.18 does
//!
//! `rpmtsRun` (`lib/transaction.c`) takes the transaction lock with
//! `rpmtxnBegin(ts, RPMTXN_WRITE)` (`lib/rpmts.c`), which calls
//! `rpmsqBlock(SIG_BLOCK)` (`rpmio/rpmsq.c`): every signal but SIGABRT,
//! SIGBUS, SIGFPE, SIGILL, SIGSEGV and SIGTSTP is *blocked* with
//! `pthread_sigmask` for the whole run, and SIGPIPE is set to `SIG_IGN`
//! (restored after the mask, so a pending SIGPIPE is dropped). The rpmdb
//! writes block them again around each header put/delete (`lib/rpmdb.c`).
//! A Ctrl-C therefore waits until `rpmtxnEnd`, where the unblocked signal
//! kills rpm with its default action: the *whole* transaction finishes
//! first. Scriptlet children unblock everything except SIGINT and SIGQUIT
//! and get SIGPIPE back to `SIG_DFL` (`lib/rpmscript.c doScriptExec`).
//! (`rpmsqActivate`/`rpmsqPoll`, the handler-based queue, exist but rpm
//! 4.18 no longer calls them.)
//!
//! # What we do instead
//!
//! We *catch* SIGINT, SIGTERM, SIGHUP and SIGQUIT (the signals of
//! `rpmsqTerm`'s table, minus SIGPIPE) with a handler that only records the
//! first signal number in an atomic, so a package that is being unpacked and
//! its rpmdb entry written always completes, however many signals arrive.
//! The orchestrator polls [`SignalGuard::pending`] between packages and
//! stops cleanly there (the journal, [`super::journal`], lets the next run
//! complete the rest), then calls [`SignalGuard::reraise`] so that the exit
//! status is the signal's, as with rpm. This stops sooner than rpm (which
//! runs every remaining package) at the same per-package granularity of
//! safety. Like rpm: a signal already set to `SIG_IGN` when we start (a
//! `nohup`ed run) is left ignored, and SIGPIPE is ignored for the duration.
//!
//! The dispositions are process-wide; the handlers are installed with
//! `SA_RESTART` (no `EINTR` in the writer), while the calling thread blocks
//! the signals, so that none is lost or half-handled during the swap. Only
//! one guard can exist at a time.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use nix::errno::Errno;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, SigmaskHow, Signal, pthread_sigmask, raise, sigaction};

/// The signals held during a transaction.
pub const HELD: [Signal; 4] = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP, Signal::SIGQUIT];

/// The first held signal received (0: none). Written by the handler.
static PENDING: AtomicI32 = AtomicI32::new(0);
/// Whether a [`SignalGuard`] exists.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// The handler: async-signal-safe, it only stores the signal number (the
/// first one wins; later ones are dropped, as rpm keeps one per signal).
extern "C" fn record(signum: libc::c_int) {
    let _ = PENDING.compare_exchange(0, signum, Ordering::SeqCst, Ordering::SeqCst);
}

/// Why the signal handlers could not be installed.
#[derive(Debug, thiserror::Error)]
pub enum SignalError {
    /// Another [`SignalGuard`] is alive (the dispositions are process-wide).
    #[error("signal handlers are already installed for another transaction")]
    AlreadyActive,
    /// `sigaction` or `pthread_sigmask` failed.
    #[error("cannot {op} for {signal}: {source}")]
    Sys {
        /// `sigaction` or `block signals`.
        op: &'static str,
        /// The signal concerned.
        signal: &'static str,
        /// The errno.
        #[source]
        source: Errno,
    },
}

/// Holds SIGINT, SIGTERM, SIGHUP and SIGQUIT (and ignores SIGPIPE) while it
/// lives; the previous dispositions come back on drop.
#[derive(Debug)]
pub struct SignalGuard {
    /// The dispositions we replaced, to put back on drop.
    saved: Vec<(Signal, SigAction)>,
}

/// Blocks `set` in the calling thread until dropped.
struct MaskGuard(SigSet);

impl MaskGuard {
    fn block(set: &SigSet) -> Result<MaskGuard, SignalError> {
        let mut old = SigSet::empty();
        pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(set), Some(&mut old)).map_err(|source| SignalError::Sys {
            op: "block signals",
            signal: "SIGINT",
            source,
        })?;
        Ok(MaskGuard(old))
    }
}

impl Drop for MaskGuard {
    fn drop(&mut self) {
        let _ = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&self.0), None);
    }
}

/// All of [`HELD`] plus SIGPIPE.
fn all_set() -> SigSet {
    HELD.iter().copied().chain([Signal::SIGPIPE]).collect()
}

/// Swap in `action` for `sig`, returning the previous one.
fn swap(sig: Signal, action: &SigAction) -> Result<SigAction, SignalError> {
    // SAFETY: the handlers we install are `record` (async-signal-safe: one
    // atomic operation) or SIG_IGN/SIG_DFL; a previous action returned to
    // us is only ever handed back to the kernel, never called.
    unsafe { sigaction(sig, action) }.map_err(|source| SignalError::Sys {
        op: "sigaction",
        signal: sig.as_str(),
        source,
    })
}

impl SignalGuard {
    /// Install the handlers for the transaction's whole duration. Signals
    /// already ignored stay ignored; any earlier pending record is cleared.
    pub fn install() -> Result<SignalGuard, SignalError> {
        if ACTIVE.swap(true, Ordering::SeqCst) {
            return Err(SignalError::AlreadyActive);
        }
        let mut guard = SignalGuard { saved: Vec::new() };
        let result = (|| {
            let _mask = MaskGuard::block(&all_set())?;
            PENDING.store(0, Ordering::SeqCst);
            let catch = SigAction::new(SigHandler::Handler(record), SaFlags::SA_RESTART, all_set());
            for sig in HELD {
                let old = swap(sig, &catch)?;
                if old.handler() == SigHandler::SigIgn {
                    swap(sig, &old)?;
                } else {
                    guard.saved.push((sig, old));
                }
            }
            let ignore = SigAction::new(SigHandler::SigIgn, SaFlags::empty(), SigSet::empty());
            let old = swap(Signal::SIGPIPE, &ignore)?;
            guard.saved.push((Signal::SIGPIPE, old));
            Ok(())
        })();
        // On error, dropping `guard` restores what was swapped so far.
        result.map(|()| guard)
    }

    /// The first held signal received since [`SignalGuard::install`], if
    /// any: the transaction should stop before the next package.
    pub fn pending(&self) -> Option<Signal> {
        Signal::try_from(PENDING.load(Ordering::SeqCst)).ok()
    }

    /// After cleanup: restore the previous dispositions and, if a signal is
    /// pending, raise it again (unblocked), so that with the default
    /// disposition the process dies of it and its exit status says so, as
    /// rpm's does. Returns only if nothing was pending or the previous
    /// disposition was a handler of the caller's.
    pub fn reraise(self) {
        let pending = self.pending();
        drop(self);
        if let Some(sig) = pending {
            let _ = pthread_sigmask(SigmaskHow::SIG_UNBLOCK, Some(&SigSet::from(sig)), None);
            let _ = raise(sig);
        }
    }
}

impl Drop for SignalGuard {
    fn drop(&mut self) {
        if let Ok(_mask) = MaskGuard::block(&all_set()) {
            for (sig, old) in self.saved.drain(..).rev() {
                let _ = swap(sig, &old);
            }
        }
        ACTIVE.store(false, Ordering::SeqCst);
    }
}

/// For a scriptlet child, between `fork` and `exec` (`pre_exec`): what rpm's
/// `doScriptExec` does: SIGPIPE back to the default (we ignore it in the
/// parent, and `SIG_IGN` survives `exec`), and SIGINT and SIGQUIT blocked,
/// so that a Ctrl-C at the terminal, sent to the whole process group, does
/// not kill the scriptlet halfway (the parent records it and stops after
/// the package). Async-signal-safe: only `sigaction` and `sigprocmask`.
pub fn prepare_scriptlet_child() -> nix::Result<()> {
    let dfl = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
    // SAFETY: installs SIG_DFL; the previous action is discarded, not called.
    unsafe { sigaction(Signal::SIGPIPE, &dfl) }?;
    let set: SigSet = [Signal::SIGINT, Signal::SIGQUIT].into_iter().collect();
    nix::sys::signal::sigprocmask(SigmaskHow::SIG_BLOCK, Some(&set), None)
}

#[cfg(test)]
pub(super) mod tests;

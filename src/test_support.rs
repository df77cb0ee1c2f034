//! Helpers for unit tests.

use std::path::PathBuf;

/// The process umask is global: tests that change it hold this lock, so
/// that two of them never save and restore each other's value.
pub(crate) static UMASK_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Hold [`UMASK_LOCK`] (a failed test does not poison it for the others).
pub(crate) fn umask_lock() -> std::sync::MutexGuard<'static, ()> {
    UMASK_LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// A small deterministic xorshift generator for fuzz-style tests.
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

/// The shared corpus (`TDNF_CORPUS`, else `../shared/corpus` beside the checkout).
pub(crate) fn corpus() -> PathBuf {
    let p = std::env::var_os("TDNF_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")));
    assert!(p.is_dir(), "the test corpus is missing at {} (set TDNF_CORPUS)", p.display());
    p
}

//! Helpers for unit tests.

use std::path::PathBuf;

/// The shared corpus (`TDNF_CORPUS`, else `../shared/corpus` beside the checkout).
pub(crate) fn corpus() -> PathBuf {
    let p = std::env::var_os("TDNF_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")));
    assert!(p.is_dir(), "the test corpus is missing at {} (set TDNF_CORPUS)", p.display());
    p
}

//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The test corpus: `$TDNF_CORPUS`, else `../../shared/corpus` from this
/// crate. Panics (fails the test) when it is missing.
pub(crate) fn corpus() -> PathBuf {
    let p = std::env::var_os("TDNF_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus")));
    assert!(
        p.join("SOURCES.md").is_file(),
        "test corpus not found at {} (set TDNF_CORPUS)",
        p.display()
    );
    p
}

/// The one file in `dir` whose name ends with `suffix`.
pub(crate) fn find(dir: &Path, suffix: &str) -> PathBuf {
    let mut hits: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(suffix)))
        .collect();
    assert_eq!(hits.len(), 1, "expected one *{suffix} in {}: {hits:?}", dir.display());
    hits.remove(0)
}

pub(crate) fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

//! The string-order sidecar of a `.solv` cache (`<cache>.strings`): the
//! strings a repo added to the pool when it was loaded from XML and that
//! its relations use (names and versions), in a fixed pseudo-random order,
//! so that a warm load can intern them first and libsolv's relation hash
//! (`name + 7·evr` over string ids) sees ids spread evenly over the string
//! space (see the string-order methods of [`solv::Pool`] for why). The
//! order the XML gives is not enough: version strings are shared by many
//! packages and arrive early, so they still crowd into a band (measured on
//! the 70k synthetic repo: 268 probes per relation in XML order, 437 in the
//! `.solv` file's use-count order, 1.2 shuffled). A pure performance hint:
//! a missing, stale or unreadable sidecar only makes the load slower, never
//! different.

use std::path::{Path, PathBuf};

use solv::{Pool, StringMark};

fn sidecar(solv: &Path) -> PathBuf {
    let mut p = solv.as_os_str().to_owned();
    p.push(".strings");
    PathBuf::from(p)
}

/// Before reading `solv`: intern its recorded string order, if the sidecar
/// belongs to the same cache `key`.
pub(super) fn prime(pool: &mut Pool, solv: &Path, key: &[u8]) {
    let Ok(data) = fs_err::read(sidecar(solv)) else { return };
    if let Some(rest) = data.strip_prefix(key).and_then(|r| r.strip_prefix(b"\n")) {
        pool.intern_strings(rest);
    }
}

/// `solv` is gone: its sidecar goes too.
pub(super) fn forget(solv: &Path) {
    let _ = fs_err::remove_file(sidecar(solv));
}

/// After writing `solv`: record the strings added since `mark` (best
/// effort, written atomically like the cache itself).
pub(super) fn record(pool: &Pool, mark: StringMark, solv: &Path, key: &[u8]) {
    let path = sidecar(solv);
    let mut data = key.to_vec();
    data.push(b'\n');
    let strings = pool.relation_strings_since(mark);
    let mut parts: Vec<&[u8]> = strings.split_inclusive(|&b| b == 0).collect();
    shuffle(&mut parts);
    parts.iter().for_each(|p| data.extend_from_slice(p));
    let tmp = path.with_extension("strings.tmp");
    if fs_err::write(&tmp, &data).and_then(|()| fs_err::rename(&tmp, &path)).is_err() {
        let _ = fs_err::remove_file(&tmp);
    }
}

/// Fisher-Yates with splitmix64 from a fixed seed: the same strings always
/// give the same order (reproducible benchmarks and caches).
fn shuffle<T>(v: &mut [T]) {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    for i in (1..v.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use solv::RelFlags;

    #[test]
    fn a_warm_load_interns_the_recorded_relation_strings_first() {
        let dir = tempfile::tempdir().unwrap();
        let solv = dir.path().join("r.solv");
        let mut pool = Pool::new_rpm("x86_64");
        let mark = pool.string_mark();
        let names: Vec<String> = (0..50).map(|i| format!("name-{i}")).collect();
        for (i, n) in names.iter().enumerate() {
            let name = pool.intern(n).into();
            let evr = pool.intern(&format!("{i}.0-1")).into();
            pool.rel(name, evr, RelFlags::EQ);
        }
        pool.intern("not-in-a-relation");
        record(&pool, mark, &solv, b"key-1");

        // Same key: the relation strings are interned, shuffled; others not.
        let mut warm = Pool::new_rpm("x86_64");
        prime(&mut warm, &solv, b"key-1");
        let ids: Vec<_> = names.iter().map(|n| warm.lookup_str(n).expect("interned")).collect();
        assert!(warm.lookup_str("7.0-1").is_some());
        assert!(warm.lookup_str("not-in-a-relation").is_none());
        let mut sorted = ids.clone();
        sorted.sort();
        assert_ne!(ids, sorted, "the order is shuffled");

        // Another key (a stale sidecar): nothing is interned.
        let mut other = Pool::new_rpm("x86_64");
        prime(&mut other, &solv, b"key-2");
        assert!(other.lookup_str("name-1").is_none());

        forget(&solv);
        assert!(!sidecar(&solv).exists());
    }
}

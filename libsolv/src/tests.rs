//! Crate-internal checks (the public API is tested in `tests/`).

use crate::Pool;
use crate::ffi::{self, known};
use crate::pool::cstr;

#[test]
fn knownids_match_runtime_lookup() {
    let pool = Pool::new_rpm("x86_64");
    let cases = [
        ("solvable:name", known::SOLVABLE_NAME),
        ("solvable:requires", known::SOLVABLE_REQUIRES),
        ("solvable:enhances", known::SOLVABLE_ENHANCES),
        ("solvable:prereqmarker", known::SOLVABLE_PREREQMARKER),
        ("solvable:filemarker", known::SOLVABLE_FILEMARKER),
        ("noarch", known::ARCH_NOARCH),
        ("src", known::ARCH_SRC),
        ("nosrc", known::ARCH_NOSRC),
        ("repokey:type:md5", known::REPOKEY_TYPE_MD5),
        ("repokey:type:sha512", known::REPOKEY_TYPE_SHA512),
        ("solvable:summary", known::SOLVABLE_SUMMARY),
        ("solvable:license", known::SOLVABLE_LICENSE),
        ("solvable:buildhost", known::SOLVABLE_BUILDHOST),
        ("solvable:installsize", known::SOLVABLE_INSTALLSIZE),
        ("solvable:filelist", known::SOLVABLE_FILELIST),
        ("solvable:mediafile", known::SOLVABLE_MEDIAFILE),
        ("solvable:downloadsize", known::SOLVABLE_DOWNLOADSIZE),
        ("solvable:sourceevr", known::SOLVABLE_SOURCEEVR),
        ("solvable:checksum", known::SOLVABLE_CHECKSUM),
        ("solvable:pkgid", known::SOLVABLE_PKGID),
        ("solvable:hdrid", known::SOLVABLE_HDRID),
        ("solvable:headerend", known::SOLVABLE_HEADEREND),
    ];
    for (name, id) in cases {
        let c = cstr(name);
        // SAFETY: valid pool, create = 0.
        let got = unsafe { ffi::pool_str2id(pool.as_ptr(), c.as_ptr(), 0) };
        assert_eq!(got, id, "{name}");
    }
    // SAFETY: valid pool, read only.
    let n = unsafe { (*pool.as_ptr()).ss.nstrings };
    assert!(n >= known::ID_NUM_INTERNAL);
}

#[test]
fn disttype_is_rpm() {
    let pool = Pool::new_rpm("x86_64");
    // SAFETY: valid pool, read only.
    let disttype = unsafe { (*pool.as_ptr()).disttype };
    assert_eq!(disttype, ffi::DISTTYPE_RPM as i32);
}

//! Raw FFI glue: re-export of the `rattler_libsolv_c` bindings plus the few
//! libsolv symbols that exist in the static library but are not bound
//! (`pool_evrcmp_str`, `testcase_*`), and the `knownid.h` constants.
//!
//! Everything here is `pub(crate)`: callers of this crate never see raw
//! pointers.

pub(crate) use rattler_libsolv_c::*;

unsafe extern "C" {
    /// `evr.h`: `int pool_evrcmp_str(const Pool *pool, const char *evr1, const char *evr2, int mode);`
    pub(crate) fn pool_evrcmp_str(
        pool: *const Pool,
        evr1: *const libc::c_char,
        evr2: *const libc::c_char,
        mode: libc::c_int,
    ) -> libc::c_int;

    /// `ext/testcase.h`: `Solver *testcase_read(Pool *pool, FILE *fp, const char *testcase,
    /// Queue *job, char **resultp, int *resultflagsp);`
    pub(crate) fn testcase_read(
        pool: *mut Pool,
        fp: *mut libc::FILE,
        testcase: *const libc::c_char,
        job: *mut Queue,
        resultp: *mut *mut libc::c_char,
        resultflagsp: *mut libc::c_int,
    ) -> *mut Solver;

    /// `ext/testcase.h`: `char *testcase_solverresult(Solver *solv, int flags);`
    pub(crate) fn testcase_solverresult(solv: *mut Solver, flags: libc::c_int)
    -> *mut libc::c_char;

    /// `ext/testcase.h`: `char *testcase_resultdiff(const char *result1, const char *result2);`
    pub(crate) fn testcase_resultdiff(
        result1: *const libc::c_char,
        result2: *const libc::c_char,
    ) -> *mut libc::c_char;
}

/// `evr.h` `EVRCMP_COMPARE`.
pub(crate) const EVRCMP_COMPARE: libc::c_int = 0;
/// `repo.h` `REPO_REUSE_REPODATA`.
pub(crate) const REPO_REUSE_REPODATA: libc::c_int = 1;

/// Ids from libsolv's `knownid.h`, in declaration order (`ID_NULL` = 0).
/// A unit test checks a sample of them against `pool_str2id` at run time.
#[allow(dead_code)]
pub(crate) mod known {
    use super::Id;
    pub(crate) const ID_NULL: Id = 0;
    pub(crate) const ID_EMPTY: Id = 1;
    pub(crate) const SOLVABLE_NAME: Id = 2;
    pub(crate) const SOLVABLE_ARCH: Id = 3;
    pub(crate) const SOLVABLE_EVR: Id = 4;
    pub(crate) const SOLVABLE_VENDOR: Id = 5;
    pub(crate) const SOLVABLE_PROVIDES: Id = 6;
    pub(crate) const SOLVABLE_OBSOLETES: Id = 7;
    pub(crate) const SOLVABLE_CONFLICTS: Id = 8;
    pub(crate) const SOLVABLE_REQUIRES: Id = 9;
    pub(crate) const SOLVABLE_RECOMMENDS: Id = 10;
    pub(crate) const SOLVABLE_SUGGESTS: Id = 11;
    pub(crate) const SOLVABLE_SUPPLEMENTS: Id = 12;
    pub(crate) const SOLVABLE_ENHANCES: Id = 13;
    pub(crate) const SOLVABLE_PREREQMARKER: Id = 15;
    pub(crate) const SOLVABLE_FILEMARKER: Id = 16;
    pub(crate) const ARCH_SRC: Id = 24;
    pub(crate) const ARCH_NOSRC: Id = 25;
    pub(crate) const ARCH_NOARCH: Id = 26;
    pub(crate) const REPOKEY_TYPE_MD5: Id = 46;
    pub(crate) const REPOKEY_TYPE_SHA1: Id = 47;
    pub(crate) const REPOKEY_TYPE_SHA224: Id = 48;
    pub(crate) const REPOKEY_TYPE_SHA256: Id = 49;
    pub(crate) const REPOKEY_TYPE_SHA384: Id = 50;
    pub(crate) const REPOKEY_TYPE_SHA512: Id = 51;
    pub(crate) const SOLVABLE_SUMMARY: Id = 55;
    pub(crate) const SOLVABLE_DESCRIPTION: Id = 56;
    pub(crate) const SOLVABLE_DISTRIBUTION: Id = 57;
    pub(crate) const SOLVABLE_PACKAGER: Id = 59;
    pub(crate) const SOLVABLE_GROUP: Id = 60;
    pub(crate) const SOLVABLE_URL: Id = 61;
    pub(crate) const SOLVABLE_LICENSE: Id = 63;
    pub(crate) const SOLVABLE_BUILDTIME: Id = 64;
    pub(crate) const SOLVABLE_BUILDHOST: Id = 65;
    pub(crate) const SOLVABLE_INSTALLSIZE: Id = 70;
    pub(crate) const SOLVABLE_FILELIST: Id = 72;
    pub(crate) const SOLVABLE_INSTALLTIME: Id = 73;
    pub(crate) const SOLVABLE_MEDIADIR: Id = 74;
    pub(crate) const SOLVABLE_MEDIAFILE: Id = 75;
    pub(crate) const SOLVABLE_MEDIANR: Id = 76;
    pub(crate) const SOLVABLE_MEDIABASE: Id = 77;
    pub(crate) const SOLVABLE_DOWNLOADSIZE: Id = 78;
    pub(crate) const SOLVABLE_SOURCEARCH: Id = 79;
    pub(crate) const SOLVABLE_SOURCENAME: Id = 80;
    pub(crate) const SOLVABLE_SOURCEEVR: Id = 81;
    pub(crate) const SOLVABLE_CHECKSUM: Id = 84;
    pub(crate) const SOLVABLE_PKGID: Id = 85;
    pub(crate) const SOLVABLE_HDRID: Id = 86;
    pub(crate) const SOLVABLE_HEADEREND: Id = 89;
    pub(crate) const ID_NUM_INTERNAL: Id = 205;
}

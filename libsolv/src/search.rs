//! Attribute search over repodata (`dataiterator_*`).
//!
//! Searching borrows the pool immutably; results are solvable ids.

use crate::attr::Attr;
use crate::ffi;
use crate::pool::{copy_cstr, cstr};
use crate::{Pool, RepoId, SolvableId};
use std::mem::MaybeUninit;

/// Match mode and modifiers for [`Pool::search`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SearchFlags(pub(crate) i32);

impl SearchFlags {
    /// Exact string match.
    pub const STRING: SearchFlags = SearchFlags(ffi::SEARCH_STRING as i32);
    /// Prefix match.
    pub const STRINGSTART: SearchFlags = SearchFlags(ffi::SEARCH_STRINGSTART as i32);
    /// Suffix match.
    pub const STRINGEND: SearchFlags = SearchFlags(ffi::SEARCH_STRINGEND as i32);
    /// Substring match.
    pub const SUBSTRING: SearchFlags = SearchFlags(ffi::SEARCH_SUBSTRING as i32);
    /// fnmatch(3) glob.
    pub const GLOB: SearchFlags = SearchFlags(ffi::SEARCH_GLOB as i32);
    /// POSIX extended regex.
    pub const REGEX: SearchFlags = SearchFlags(ffi::SEARCH_REGEX as i32);
    /// Case-insensitive.
    pub const NOCASE: SearchFlags = SearchFlags(ffi::SEARCH_NOCASE as i32);
    /// Match file list entries against the full path (not the basename).
    pub const FILES: SearchFlags = SearchFlags(ffi::SEARCH_FILES as i32);

    /// Whether all bits of `other` are set (mode bits compared exactly).
    pub fn contains(self, other: SearchFlags) -> bool {
        let mode = ffi::SEARCH_STRINGMASK as i32;
        if other.0 & mode != 0 && self.0 & mode != other.0 & mode {
            return false;
        }
        self.0 & other.0 & !mode == other.0 & !mode
    }
}

impl std::ops::BitOr for SearchFlags {
    type Output = SearchFlags;
    fn bitor(self, rhs: SearchFlags) -> SearchFlags {
        SearchFlags(self.0 | rhs.0)
    }
}

/// Runs a data iterator and calls `f(solvid, matched string)` per hit.
/// `repo` null = all repos; `solvid` 0 = all solvables.
pub(crate) fn each_match(
    pool: &Pool,
    repo: *mut ffi::Repo,
    solvid: ffi::Id,
    keyname: ffi::Id,
    pattern: Option<&str>,
    flags: i32,
    mut f: impl FnMut(ffi::Id, String) -> bool,
) {
    let pat = pattern.map(cstr);
    let pat_ptr = pat.as_ref().map_or(std::ptr::null(), |c| c.as_ptr());
    let mut di = MaybeUninit::<ffi::Dataiterator>::uninit();
    // SAFETY: dataiterator_init fully initialises `di` (it memsets it first);
    // `pat` outlives the iterator (the matcher keeps a pointer to it). A
    // non-zero return is a matcher error (bad regex) and the iterator must
    // still be freed.
    let rc = unsafe {
        ffi::dataiterator_init(
            di.as_mut_ptr(),
            pool.as_ptr(),
            repo,
            solvid,
            keyname,
            pat_ptr,
            flags,
        )
    };
    let dip = di.as_mut_ptr();
    if rc == 0 {
        // SAFETY: `dip` is an initialised iterator over the borrowed pool;
        // kv.str is valid until the next step.
        unsafe {
            while ffi::dataiterator_step(dip) != 0 {
                let s = copy_cstr((*dip).kv.str_);
                if !f((*dip).solvid, s) {
                    ffi::dataiterator_skip_solvable(dip);
                }
            }
        }
    }
    // SAFETY: initialised by dataiterator_init, freed once.
    unsafe { ffi::dataiterator_free(dip) };
}

impl Pool {
    /// Solvables whose `key` attribute matches `pattern`. With
    /// `Attr::FileList` add [`SearchFlags::FILES`] to match full paths.
    /// Results are unique and in id order.
    pub fn search(
        &self,
        repo: Option<RepoId>,
        key: Attr,
        pattern: &str,
        flags: SearchFlags,
    ) -> Vec<SolvableId> {
        let r = match repo {
            Some(id) => match self.repo_ptr(id) {
                Some(r) => r,
                None => return Vec::new(),
            },
            None => std::ptr::null_mut(),
        };
        let mut out: Vec<SolvableId> = Vec::new();
        each_match(self, r, 0, key.keyname(), Some(pattern), flags.0, |p, _| {
            if p > 0 && out.last() != Some(&SolvableId(p)) {
                out.push(SolvableId(p));
            }
            false // one hit per solvable is enough
        });
        out.sort();
        out.dedup();
        out
    }
}

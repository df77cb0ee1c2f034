//! The [`Pool`]: owner of every string, relation, repository and solvable.
//!
//! Ownership model: a `Pool` owns the C `Pool*` and frees it (with all its
//! repos) on drop. Everything else ([`Repo`](crate::Repo),
//! [`Solvable`](crate::Solvable), [`Solver`](crate::Solver),
//! [`Transaction`](crate::Transaction)) borrows the pool. Methods that can
//! reallocate pool storage take `&mut self`, so `&str`s handed out by
//! `&self` methods stay valid while they are borrowed.

use crate::ffi;
use crate::{DepId, RelFlags, RichOp, SolvableId, StringId};
use std::cell::Cell;
use std::cmp::Ordering;
use std::ffi::{CStr, CString};
use std::ptr::NonNull;

/// A libsolv pool configured for RPM semantics.
pub struct Pool {
    raw: NonNull<ffi::Pool>,
    /// Set when solvables/repos changed after the last `createwhatprovides`.
    pub(crate) wp_dirty: Cell<bool>,
}

/// Converts a Rust string into a C string, truncating at an interior NUL
/// (libsolv could not store the rest anyway).
pub(crate) fn cstr(s: &str) -> CString {
    let bytes = s.as_bytes();
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    CString::new(&bytes[..end]).unwrap_or_default()
}

/// Copies a C string owned by libsolv into a `String` (lossy UTF-8).
/// Null gives an empty string.
///
/// # Safety
/// `p` must be null or point at a NUL-terminated string valid for the call.
pub(crate) unsafe fn copy_cstr(p: *const libc::c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: guaranteed by the caller.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// Borrows a C string as `&str`; invalid UTF-8 is cut at the first bad byte.
///
/// # Safety
/// `p` must be null or point at a NUL-terminated string that lives, unmodified,
/// for `'a`.
pub(crate) unsafe fn borrow_cstr<'a>(p: *const libc::c_char) -> &'a str {
    if p.is_null() {
        return "";
    }
    // SAFETY: guaranteed by the caller.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    match std::str::from_utf8(bytes) {
        Ok(s) => s,
        // SAFETY: the prefix up to `valid_up_to` is valid UTF-8 by definition.
        Err(e) => unsafe { std::str::from_utf8_unchecked(&bytes[..e.valid_up_to()]) },
    }
}

impl Pool {
    /// Creates a pool that behaves like dnf/tdnf's on an RPM system:
    ///
    /// * `pool_setdisttype(DISTTYPE_RPM)`: rpm version comparison
    ///   (`rpmvercmp`, `~` and `^`), rpm dependency semantics.
    /// * `pool_setarch(arch)`: sets the architecture and libsolv's built-in
    ///   arch policy for it (e.g. `x86_64` accepts `x86_64:i686:i586:i486:i386`
    ///   plus `noarch`; `aarch64` accepts `aarch64` and `noarch`). Architectures
    ///   of one "color" (32 vs 64 bit) are preferred, other compatible arches
    ///   are only chosen when nothing better exists.
    /// * `POOL_FLAG_IMPLICITOBSOLETEUSESCOLORS = 1` (dnf): the implicit
    ///   "same name obsoletes" of an update only replaces a package of the same
    ///   color, so `foo.i686` and `foo.x86_64` can be installed side by side
    ///   (multilib) instead of one replacing the other.
    /// * `POOL_FLAG_ADDFILEPROVIDESFILTERED = 1` (tdnf, dnf): lets
    ///   `addfileprovides` trust repodata marked as a filtered (primary-only)
    ///   file list. This crate never marks repodata as filtered, so all files
    ///   are searched; the flag is set for parity with tdnf.
    ///
    /// Obsoletes are matched against package names only (the rpm default,
    /// `POOL_FLAG_OBSOLETEUSESPROVIDES` stays off), as in dnf.
    pub fn new_rpm(arch: &str) -> Pool {
        // SAFETY: pool_create has no preconditions; it aborts on OOM.
        let raw = unsafe { ffi::pool_create() };
        let raw = NonNull::new(raw).expect("pool_create returned NULL");
        let pool = Pool {
            raw,
            wp_dirty: Cell::new(true),
        };
        let arch = cstr(arch);
        // SAFETY: `raw` is a fresh valid pool; `arch` outlives the call
        // (pool_setarch copies what it needs into the string pool).
        unsafe {
            ffi::pool_setdisttype(pool.as_ptr(), ffi::DISTTYPE_RPM as i32);
            ffi::pool_setarch(pool.as_ptr(), arch.as_ptr());
            ffi::pool_set_flag(
                pool.as_ptr(),
                ffi::POOL_FLAG_IMPLICITOBSOLETEUSESCOLORS as i32,
                1,
            );
            ffi::pool_set_flag(
                pool.as_ptr(),
                ffi::POOL_FLAG_ADDFILEPROVIDESFILTERED as i32,
                1,
            );
        }
        pool
    }

    pub(crate) fn as_ptr(&self) -> *mut ffi::Pool {
        self.raw.as_ptr()
    }

    /// Sets the libsolv debug level (0 = quiet; output goes to stderr).
    pub fn set_debug_level(&mut self, level: i32) {
        // SAFETY: valid pool.
        unsafe { ffi::pool_setdebuglevel(self.as_ptr(), level) };
    }

    /// Interns a string (`pool_str2id(create = 1)`).
    pub fn intern(&mut self, s: &str) -> StringId {
        // SAFETY: valid pool; the bytes are copied into the string pool.
        StringId(unsafe { ffi::pool_strn2id(self.as_ptr(), s.as_ptr().cast(), s.len() as u32, 1) })
    }

    /// Looks a string up without interning it.
    pub fn lookup_str(&self, s: &str) -> Option<StringId> {
        // SAFETY: with create = 0 the pool is not modified.
        let id = unsafe { ffi::pool_strn2id(self.as_ptr(), s.as_ptr().cast(), s.len() as u32, 0) };
        (id != 0).then_some(StringId(id))
    }

    pub(crate) fn nstrings(&self) -> i32 {
        // SAFETY: reading a field of the valid pool.
        unsafe { (*self.as_ptr()).ss.nstrings }
    }

    /// The text of a string id (`""` for 0 and unknown ids). Invalid UTF-8
    /// is truncated at the first bad byte.
    pub fn str(&self, id: StringId) -> &str {
        if id.0 <= 0 || id.0 >= self.nstrings() {
            return "";
        }
        // SAFETY: id is in range; the string lives in the string pool, which
        // only reallocates through `&mut self` methods.
        unsafe { borrow_cstr(ffi::pool_id2str(self.as_ptr(), id.0)) }
    }

    pub(crate) fn valid_dep(&self, d: DepId) -> bool {
        if d.is_rel() {
            // SAFETY: reading a field of the valid pool.
            let nrels = unsafe { (*self.as_ptr()).nrels };
            let r = d.0 & 0x7fff_ffff;
            r > 0 && r < nrels
        } else {
            d.0 >= 0 && d.0 < self.nstrings()
        }
    }

    /// A versioned relation `name <flags> evr` (`pool_rel2id`).
    pub fn rel(&mut self, name: DepId, evr: DepId, flags: RelFlags) -> DepId {
        self.rel_raw(name, evr, flags.0)
    }

    /// A rich dependency `(a <op> b)`.
    pub fn rich(&mut self, a: DepId, b: DepId, op: RichOp) -> DepId {
        self.rel_raw(a, b, op.raw())
    }

    fn rel_raw(&mut self, a: DepId, b: DepId, flags: i32) -> DepId {
        if !self.valid_dep(a) || !self.valid_dep(b) {
            return DepId(0);
        }
        // SAFETY: both ids are valid in this pool.
        DepId(unsafe { ffi::pool_rel2id(self.as_ptr(), a.0, b.0, flags, 1) })
    }

    /// The textual form of a dependency (`pool_dep2str`), e.g.
    /// `foo >= 1.0` or `(a or b)`.
    pub fn dep2str(&self, d: DepId) -> String {
        if !self.valid_dep(d) {
            return String::new();
        }
        // SAFETY: valid id; the result lives in pool tmp space and is copied
        // immediately.
        unsafe { copy_cstr(ffi::pool_dep2str(self.as_ptr(), d.0)) }
    }

    /// Compares two `[epoch:]version[-release]` strings like rpm.
    pub fn evrcmp(&self, a: &str, b: &str) -> Ordering {
        let (a, b) = (cstr(a), cstr(b));
        // SAFETY: valid pool and NUL-terminated strings; read-only.
        let r = unsafe {
            ffi::pool_evrcmp_str(self.as_ptr(), a.as_ptr(), b.as_ptr(), ffi::EVRCMP_COMPARE)
        };
        r.cmp(&0)
    }

    /// Builds the provides index (`pool_createwhatprovides`). Needed before
    /// `whatprovides`, selections and solving; call again after adding repos
    /// or packages (the solver does it automatically when stale).
    pub fn createwhatprovides(&mut self) {
        // SAFETY: valid pool.
        unsafe { ffi::pool_createwhatprovides(self.as_ptr()) };
        self.wp_dirty.set(false);
    }

    /// Ensures the provides index is current. Used by `&self` entry points
    /// (the solver); rebuilding it never touches strings handed out as `&str`.
    pub(crate) fn ensure_whatprovides(&self) {
        // SAFETY: reading a field of the valid pool.
        let missing = unsafe { (*self.as_ptr()).whatprovides.is_null() };
        if missing || self.wp_dirty.get() {
            // SAFETY: createwhatprovides only rebuilds the whatprovides arrays,
            // which no Rust reference points into.
            unsafe { ffi::pool_createwhatprovides(self.as_ptr()) };
            self.wp_dirty.set(false);
        }
    }

    /// Adds file provides for every file dependency (`pool_addfileprovides`),
    /// then rebuilds the provides index. Call once after loading all repos.
    pub fn addfileprovides(&mut self) {
        // SAFETY: valid pool.
        unsafe { ffi::pool_addfileprovides(self.as_ptr()) };
        self.createwhatprovides();
    }

    /// The solvables providing `dep` (empty if the index was never built).
    pub fn whatprovides(&self, dep: DepId) -> Vec<SolvableId> {
        self.ensure_whatprovides();
        if !self.valid_dep(dep) {
            return Vec::new();
        }
        let p = self.as_ptr();
        // SAFETY: the index exists (ensured above) and `dep` is valid; this is
        // libsolv's inline pool_whatprovides. pool_addrelproviders only grows
        // whatprovides storage, which no Rust reference points into.
        unsafe {
            let off = if dep.is_rel() {
                let r = (dep.0 & 0x7fff_ffff) as usize;
                let o = *(*p).whatprovides_rel.add(r);
                if o != 0 {
                    o as i32
                } else {
                    ffi::pool_addrelproviders(p, dep.0)
                }
            } else {
                *(*p).whatprovides.add(dep.0 as usize) as i32
            };
            let mut out = Vec::new();
            let mut dp = (*p).whatprovidesdata.add(off as usize);
            while *dp != 0 {
                out.push(SolvableId(*dp));
                dp = dp.add(1);
            }
            out
        }
    }

    /// Number of solvable slots (ids `0..nsolvables`; 0 and 1 are reserved).
    pub fn nsolvables(&self) -> i32 {
        // SAFETY: reading a field of the valid pool.
        unsafe { (*self.as_ptr()).nsolvables }
    }

    pub(crate) fn solvable_ptr(&self, id: SolvableId) -> Option<*mut ffi::Solvable> {
        if id.0 < 2 || id.0 >= self.nsolvables() {
            return None;
        }
        // SAFETY: in range of the solvables array.
        let s = unsafe { (*self.as_ptr()).solvables.add(id.0 as usize) };
        // SAFETY: `s` points into the array; freed slots have repo == NULL.
        (!unsafe { (*s).repo }.is_null()).then_some(s)
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // SAFETY: we own the pool; every borrower is gone (lifetimes).
        unsafe { ffi::pool_free(self.as_ptr()) };
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("nsolvables", &self.nsolvables())
            .finish()
    }
}

//! Selections (`selection_make`): turn user specs like `foo`, `foo.x86_64`,
//! `foo-1.0-1.x86_64`, `foo >= 1.0`, `/usr/bin/foo` or `lib*` into job
//! fragments.
//!
//! A [`Selection`] owns a queue of `(select flags, what)` pairs, the same
//! shape as a job queue without the job verb; [`Jobs::push_selection`]
//! (crate::Jobs::push_selection) turns it into jobs.

use crate::ffi;
use crate::pool::cstr;
use crate::{Pool, Queue, SolvableId};

/// Flags for [`Pool::select`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SelectFlags(pub(crate) i32);

impl SelectFlags {
    /// Match package names.
    pub const NAME: SelectFlags = SelectFlags(ffi::SELECTION_NAME as i32);
    /// Match provides.
    pub const PROVIDES: SelectFlags = SelectFlags(ffi::SELECTION_PROVIDES as i32);
    /// Match file list entries (specs starting with `/`).
    pub const FILELIST: SelectFlags = SelectFlags(ffi::SELECTION_FILELIST as i32);
    /// Accept `name-[epoch:]version[-release][.arch]` (NEVRA).
    pub const CANON: SelectFlags = SelectFlags(ffi::SELECTION_CANON as i32);
    /// Accept `name.arch`.
    pub const DOTARCH: SelectFlags = SelectFlags(ffi::SELECTION_DOTARCH as i32);
    /// Accept `name <op> evr` relations.
    pub const REL: SelectFlags = SelectFlags(ffi::SELECTION_REL as i32);
    /// Allow glob patterns.
    pub const GLOB: SelectFlags = SelectFlags(ffi::SELECTION_GLOB as i32);
    /// Case-insensitive.
    pub const NOCASE: SelectFlags = SelectFlags(ffi::SELECTION_NOCASE as i32);
    /// Return a flat list of solvables (`SOLVER_SOLVABLE_ONE_OF`).
    pub const FLAT: SelectFlags = SelectFlags(ffi::SELECTION_FLAT as i32);
    /// Only installed packages.
    pub const INSTALLED_ONLY: SelectFlags = SelectFlags(ffi::SELECTION_INSTALLED_ONLY as i32);
    /// Only source packages.
    pub const SOURCE_ONLY: SelectFlags = SelectFlags(ffi::SELECTION_SOURCE_ONLY as i32);
    /// Include source packages.
    pub const WITH_SOURCE: SelectFlags = SelectFlags(ffi::SELECTION_WITH_SOURCE as i32);
    /// Include packages of disabled repos.
    pub const WITH_DISABLED: SelectFlags = SelectFlags(ffi::SELECTION_WITH_DISABLED as i32);
    /// Include packages of incompatible architectures.
    pub const WITH_BADARCH: SelectFlags = SelectFlags(ffi::SELECTION_WITH_BADARCH as i32);
    /// Skip the `kind:` prefix when matching names.
    pub const SKIP_KIND: SelectFlags = SelectFlags(ffi::SELECTION_SKIP_KIND as i32);
    /// Match the dependency string itself.
    pub const MATCH_DEPSTR: SelectFlags = SelectFlags(ffi::SELECTION_MATCH_DEPSTR as i32);

    /// What tdnf uses for package arguments:
    /// `NAME | PROVIDES | GLOB | CANON | DOTARCH | REL`.
    pub const PACKAGE_SPEC: SelectFlags = SelectFlags(
        (ffi::SELECTION_NAME
            | ffi::SELECTION_PROVIDES
            | ffi::SELECTION_GLOB
            | ffi::SELECTION_CANON
            | ffi::SELECTION_DOTARCH
            | ffi::SELECTION_REL) as i32,
    );
}

impl std::ops::BitOr for SelectFlags {
    type Output = SelectFlags;
    fn bitor(self, rhs: SelectFlags) -> SelectFlags {
        SelectFlags(self.0 | rhs.0)
    }
}

/// A selection: pairs of `(SOLVER_SOLVABLE* | SOLVER_SET*, what)`.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub(crate) q: Queue,
    /// The flags libsolv reports back: which of NAME/PROVIDES/FILELIST/...
    /// actually matched (0 = nothing).
    pub matched: i32,
}

impl Pool {
    /// Makes a selection from a user spec (`selection_make`). Builds the
    /// provides index first if needed.
    pub fn select(&mut self, spec: &str, flags: SelectFlags) -> Selection {
        self.ensure_whatprovides();
        let mut sel = Selection::default();
        let c = cstr(spec);
        // SAFETY: valid pool with a provides index; `sel.q` is initialised;
        // the spec string is only read.
        sel.matched =
            unsafe { ffi::selection_make(self.as_ptr(), sel.q.as_mut_ptr(), c.as_ptr(), flags.0) };
        sel
    }
}

impl SelectFlags {
    /// Whether every bit of `other` is set.
    pub fn contains(self, other: SelectFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl Selection {
    /// What matched (`matched` as typed flags).
    pub fn matched_flags(&self) -> SelectFlags {
        SelectFlags(self.matched)
    }

    /// An empty selection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether nothing was selected.
    pub fn is_empty(&self) -> bool {
        self.q.is_empty()
    }

    /// The raw `(how, what)` pairs.
    pub fn as_raw(&self) -> &[i32] {
        self.q.as_slice()
    }

    /// The selected solvables (`selection_solvables`), sorted.
    pub fn solvables(&self, pool: &Pool) -> Vec<SolvableId> {
        pool.ensure_whatprovides();
        let mut q = self.q.clone();
        let mut out = Queue::new();
        // SAFETY: valid pool with provides index; both queues initialised.
        // selection_solvables only reads the selection.
        unsafe { ffi::selection_solvables(pool.as_ptr(), q.as_mut_ptr(), out.as_mut_ptr()) };
        out.as_slice().iter().map(|&p| SolvableId(p)).collect()
    }

    /// Keeps only what is also in `other` (`selection_filter`).
    pub fn filter(&mut self, pool: &mut Pool, other: &Selection) {
        pool.ensure_whatprovides();
        let mut o = other.q.clone();
        // SAFETY: valid pool; both queues initialised.
        unsafe { ffi::selection_filter(pool.as_ptr(), self.q.as_mut_ptr(), o.as_mut_ptr()) };
    }

    /// Adds `other` (`selection_add`).
    pub fn add(&mut self, pool: &mut Pool, other: &Selection) {
        let mut o = other.q.clone();
        // SAFETY: valid pool; both queues initialised.
        unsafe { ffi::selection_add(pool.as_ptr(), self.q.as_mut_ptr(), o.as_mut_ptr()) };
    }

    /// Removes `other` (`selection_subtract`).
    pub fn subtract(&mut self, pool: &mut Pool, other: &Selection) {
        pool.ensure_whatprovides();
        let mut o = other.q.clone();
        // SAFETY: valid pool; both queues initialised.
        unsafe { ffi::selection_subtract(pool.as_ptr(), self.q.as_mut_ptr(), o.as_mut_ptr()) };
    }

    /// A selection of exactly these solvables (`SOLVER_SOLVABLE` each).
    pub fn from_solvables(ids: &[SolvableId]) -> Selection {
        let mut sel = Selection::default();
        for id in ids {
            sel.q.push(ffi::SOLVER_SOLVABLE as i32);
            sel.q.push(id.0);
        }
        sel
    }
}

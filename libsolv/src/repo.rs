//! Repositories: non-owning [`Repo`] handles and the pool methods that
//! create, configure and remove them.
//!
//! The [`Pool`] owns every repository. A `Repo<'p>` is a copyable view that
//! borrows the pool immutably; repositories are removed only through
//! [`Pool::remove_repo`], which needs `&mut Pool`, so no handle can outlive
//! its repo.

use crate::ffi;
use crate::pool::{borrow_cstr, cstr};
use crate::{Pool, RepoId, Solvable, SolvableId};

/// A read-only view of one repository.
#[derive(Clone, Copy)]
pub struct Repo<'p> {
    pub(crate) pool: &'p Pool,
    pub(crate) raw: *mut ffi::Repo,
}

impl<'p> Repo<'p> {
    pub(crate) fn as_ptr(&self) -> *mut ffi::Repo {
        self.raw
    }

    /// The repo id.
    pub fn id(&self) -> RepoId {
        // SAFETY: `raw` is a live repo of the borrowed pool.
        RepoId(unsafe { (*self.raw).repoid })
    }

    /// The name given to `add_repo`.
    pub fn name(&self) -> &'p str {
        // SAFETY: the name is a C string owned by the repo, which lives as
        // long as the pool borrow (removal needs `&mut Pool`).
        unsafe { borrow_cstr((*self.raw).name) }
    }

    /// Priority (higher wins).
    pub fn priority(&self) -> i32 {
        // SAFETY: live repo.
        unsafe { (*self.raw).priority }
    }

    /// Sub-priority (tie breaker between repos of equal priority).
    pub fn subpriority(&self) -> i32 {
        // SAFETY: live repo.
        unsafe { (*self.raw).subpriority }
    }

    /// Number of solvables in the repo.
    pub fn nsolvables(&self) -> usize {
        // SAFETY: live repo.
        unsafe { (*self.raw).nsolvables as usize }
    }

    /// Whether this is the pool's installed (system) repo.
    pub fn is_installed(&self) -> bool {
        // SAFETY: reading a field of the valid pool.
        unsafe { (*self.pool.as_ptr()).installed == self.raw }
    }

    /// The solvables of this repo, in id order.
    pub fn solvables(&self) -> impl Iterator<Item = Solvable<'p>> + 'p {
        // SAFETY: live repo.
        let (start, end) = unsafe { ((*self.raw).start, (*self.raw).end) };
        let pool = self.pool;
        let raw = self.raw;
        (start..end).filter_map(move |i| {
            let p = pool.solvable_ptr(SolvableId(i))?;
            // SAFETY: `p` is a live solvable slot.
            (unsafe { (*p).repo } == raw).then_some(Solvable {
                pool,
                id: SolvableId(i),
            })
        })
    }

    /// Ids of the solvables of this repo.
    pub fn solvable_ids(&self) -> Vec<SolvableId> {
        self.solvables().map(|s| s.id()).collect()
    }
}

impl std::fmt::Debug for Repo<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo")
            .field("id", &self.id())
            .field("name", &self.name())
            .finish()
    }
}

impl Pool {
    pub(crate) fn repo_ptr(&self, id: RepoId) -> Option<*mut ffi::Repo> {
        let p = self.as_ptr();
        // SAFETY: reading fields of the valid pool; index range-checked.
        unsafe {
            if id.0 <= 0 || id.0 >= (*p).nrepos {
                return None;
            }
            let r = *(*p).repos.add(id.0 as usize);
            (!r.is_null()).then_some(r)
        }
    }

    /// Creates an empty repository.
    pub fn add_repo(&mut self, name: &str) -> RepoId {
        let name = cstr(name);
        // SAFETY: valid pool; the name is copied (solv_strdup).
        let r = unsafe { ffi::repo_create(self.as_ptr(), name.as_ptr()) };
        self.wp_dirty.set(true);
        // SAFETY: repo_create never returns NULL (aborts on OOM).
        RepoId(unsafe { (*r).repoid })
    }

    /// The repo with this id. Panics if the id is not a live repo of this
    /// pool (a programming error); see [`Pool::try_repo`].
    pub fn repo(&self, id: RepoId) -> Repo<'_> {
        self.try_repo(id).expect("no such repo in this pool")
    }

    /// The repo with this id, if it exists.
    pub fn try_repo(&self, id: RepoId) -> Option<Repo<'_>> {
        self.repo_ptr(id).map(|raw| Repo { pool: self, raw })
    }

    /// Looks a repo up by name.
    pub fn repo_by_name(&self, name: &str) -> Option<Repo<'_>> {
        self.repos().find(|r| r.name() == name)
    }

    /// All repositories, in id order.
    pub fn repos(&self) -> impl Iterator<Item = Repo<'_>> + '_ {
        // SAFETY: reading a field of the valid pool.
        let n = unsafe { (*self.as_ptr()).nrepos };
        (1..n).filter_map(move |i| self.try_repo(RepoId(i)))
    }

    /// Marks a repo as the installed (system) repo.
    pub fn set_installed(&mut self, id: RepoId) {
        if let Some(r) = self.repo_ptr(id) {
            // SAFETY: `r` is a live repo of this pool.
            unsafe { ffi::pool_set_installed(self.as_ptr(), r) };
            self.wp_dirty.set(true);
        }
    }

    /// The installed repo, if set.
    pub fn installed_repo(&self) -> Option<Repo<'_>> {
        // SAFETY: reading a field of the valid pool.
        let r = unsafe { (*self.as_ptr()).installed };
        (!r.is_null()).then_some(Repo { pool: self, raw: r })
    }

    /// Sets a repo's priority (higher is preferred, as dnf's `priority`
    /// inverted: callers map dnf priority `p` to `-p`).
    pub fn set_repo_priority(&mut self, id: RepoId, priority: i32) {
        if let Some(r) = self.repo_ptr(id) {
            // SAFETY: live repo.
            unsafe { (*r).priority = priority };
            self.wp_dirty.set(true);
        }
    }

    /// Sets a repo's sub-priority (dnf uses `-cost`).
    pub fn set_repo_subpriority(&mut self, id: RepoId, subpriority: i32) {
        if let Some(r) = self.repo_ptr(id) {
            // SAFETY: live repo.
            unsafe { (*r).subpriority = subpriority };
            self.wp_dirty.set(true);
        }
    }

    /// Frees a repo and its solvables. Solvable ids of the repo become
    /// invalid. No-op for unknown ids.
    pub fn remove_repo(&mut self, id: RepoId) {
        if let Some(r) = self.repo_ptr(id) {
            // SAFETY: live repo; `&mut self` guarantees no handle borrows it.
            // reuseids = 1 lets libsolv shrink the solvable array if this was
            // the last repo. repo_free also clears `installed` if needed.
            unsafe { ffi::repo_free(r, 1) };
            self.wp_dirty.set(true);
        }
    }
}

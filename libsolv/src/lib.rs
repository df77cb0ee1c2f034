//! Safe wrapper over libsolv (static build from `rattler_libsolv_c`, RPM
//! semantics with complex/rich dependencies and multi-semantics support).
//!
//! # Ownership model
//!
//! * [`Pool`] owns the C pool and, through it, every string, relation,
//!   repository and solvable. Dropping the pool frees everything.
//! * [`Repo`], [`Solvable`] are non-owning, copyable handles that borrow the
//!   pool (`&Pool`); they have no `Drop`. Repos are removed only by
//!   [`Pool::remove_repo`] (`&mut Pool`), so no handle can dangle.
//! * Methods that may grow or reallocate pool storage (interning strings,
//!   relation ids, adding repos/solvables, building the provides index,
//!   selections) take `&mut self`; methods returning `&str` into the pool
//!   take `&self`. Strings from libsolv's temporary buffers
//!   (`pool_dep2str`, `pool_solvable2str`, `solver_problem2str`) are copied
//!   into `String`s immediately.
//! * [`RepoWriter`] mutably borrows the pool for bulk loading and
//!   internalizes on `finish`/drop.
//! * [`Solver<'p>`](Solver) owns the C solver and borrows the pool;
//!   [`Transaction<'p>`](Transaction) owns the C transaction and borrows the
//!   pool (not the solver).
//! * [`Queue`] owns a C `Queue`. Raw pointers never leave the crate.
//!
//! Ids ([`StringId`], [`DepId`], [`SolvableId`], [`RepoId`], [`Id`]) are
//! plain values; every accessor range-checks them.
//!
//! None of these types is `Send`/`Sync` (libsolv is not thread-safe).

mod attr;
mod cache;
mod ffi;
mod ids;
mod jobs;
mod pool;
mod problem;
mod queue;
mod repo;
mod search;
mod selection;
mod solvable;
mod solver;
pub mod testcase;
mod transaction;
mod writer;

pub use attr::{Attr, ChecksumAttr, ChecksumKind, DepKind, FileKind};
pub use cache::StringMark;
pub use ids::{DepId, Id, RelFlags, RepoId, RichOp, SolvableId, StringId};
pub use jobs::{Job, Jobs};
pub use pool::Pool;
pub use problem::{Problem, ProblemRule, RuleKind};
pub use queue::Queue;
pub use repo::Repo;
pub use search::SearchFlags;
pub use selection::{SelectFlags, Selection};
pub use solvable::Solvable;
pub use solver::{Solver, SolverFlag};
pub use transaction::{Step, StepKind, Transaction};
pub use writer::RepoWriter;

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An OS-level I/O error.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// libsolv reported an error (`pool_errstr`).
    #[error("libsolv: {0}")]
    Solv(String),
    /// The repo id does not exist in this pool.
    #[error("no such repo: {0:?}")]
    NoSuchRepo(RepoId),
}

/// Result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests;

//! [`Transaction`]: the ordered result of a solve.
//!
//! Owns the C transaction, borrows the pool.

use crate::ffi;
use crate::{Pool, Queue, SolvableId};
use std::ptr::NonNull;

/// What happens to one package (`transaction_type` with
/// `SHOW_ACTIVE | SHOW_ALL | SHOW_OBSOLETES`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum StepKind {
    Ignore,
    Erase,
    Reinstalled,
    Downgraded,
    Changed,
    Upgraded,
    Obsoleted,
    Install,
    Reinstall,
    Downgrade,
    Change,
    Upgrade,
    Obsoletes,
    MultiInstall,
    MultiReinstall,
    Other(i32),
}

impl StepKind {
    fn from_raw(t: i32) -> StepKind {
        use StepKind::*;
        match t as u32 {
            ffi::SOLVER_TRANSACTION_IGNORE => Ignore,
            ffi::SOLVER_TRANSACTION_ERASE => Erase,
            ffi::SOLVER_TRANSACTION_REINSTALLED => Reinstalled,
            ffi::SOLVER_TRANSACTION_DOWNGRADED => Downgraded,
            ffi::SOLVER_TRANSACTION_CHANGED => Changed,
            ffi::SOLVER_TRANSACTION_UPGRADED => Upgraded,
            ffi::SOLVER_TRANSACTION_OBSOLETED => Obsoleted,
            ffi::SOLVER_TRANSACTION_INSTALL => Install,
            ffi::SOLVER_TRANSACTION_REINSTALL => Reinstall,
            ffi::SOLVER_TRANSACTION_DOWNGRADE => Downgrade,
            ffi::SOLVER_TRANSACTION_CHANGE => Change,
            ffi::SOLVER_TRANSACTION_UPGRADE => Upgrade,
            ffi::SOLVER_TRANSACTION_OBSOLETES => Obsoletes,
            ffi::SOLVER_TRANSACTION_MULTIINSTALL => MultiInstall,
            ffi::SOLVER_TRANSACTION_MULTIREINSTALL => MultiReinstall,
            _ => Other(t),
        }
    }

    /// Whether the package gets installed by this step.
    pub fn is_install(self) -> bool {
        use StepKind::*;
        matches!(
            self,
            Install
                | Reinstall
                | Downgrade
                | Change
                | Upgrade
                | Obsoletes
                | MultiInstall
                | MultiReinstall
        )
    }
}

/// One transaction element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The package.
    pub solvable: SolvableId,
    /// What happens to it.
    pub kind: StepKind,
    /// For installs: the installed packages it replaces
    /// (`transaction_all_obs_pkgs`). For replaced packages: the package
    /// replacing it (`transaction_obs_pkg`), if any.
    pub replaced: Vec<SolvableId>,
}

/// A solver result.
pub struct Transaction<'p> {
    pool: &'p Pool,
    raw: NonNull<ffi::Transaction>,
}

impl<'p> Transaction<'p> {
    pub(crate) fn from_raw(pool: &'p Pool, raw: *mut ffi::Transaction) -> Self {
        Transaction {
            pool,
            raw: NonNull::new(raw).expect("transaction_create returned NULL"),
        }
    }

    pub(crate) fn as_ptr(&self) -> *mut ffi::Transaction {
        self.raw.as_ptr()
    }

    /// The pool.
    pub fn pool(&self) -> &'p Pool {
        self.pool
    }

    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        // SAFETY: valid transaction.
        unsafe { (*self.as_ptr()).steps.count == 0 }
    }

    /// The steps in transaction order. Types come from `transaction_type`
    /// with `SHOW_ACTIVE | SHOW_ALL | SHOW_OBSOLETES` (as dnf/tdnf use).
    /// That mode hides the replaced side of an upgrade; for those installed
    /// packages the passive type (`Upgraded`, `Downgraded`, `Obsoleted`,
    /// `Reinstalled`, ...) is reported instead, so every element of the
    /// transaction appears once.
    pub fn steps(&self) -> Vec<Step> {
        let t = self.as_ptr();
        let mode = (ffi::SOLVER_TRANSACTION_SHOW_ACTIVE
            | ffi::SOLVER_TRANSACTION_SHOW_ALL
            | ffi::SOLVER_TRANSACTION_SHOW_OBSOLETES) as i32;
        // SAFETY: valid transaction; steps is its own initialised queue.
        let ids: Vec<i32> = unsafe {
            let q = &(*t).steps;
            if q.count == 0 {
                Vec::new()
            } else {
                std::slice::from_raw_parts(q.elements, q.count as usize).to_vec()
            }
        };
        ids.into_iter()
            .map(|p| {
                // SAFETY: `p` is a step of this transaction.
                let mut kind = StepKind::from_raw(unsafe { ffi::transaction_type(t, p, mode) });
                if kind == StepKind::Ignore {
                    // The active view hides the replaced (installed) side;
                    // ask for the passive type (Upgraded, Obsoleted, ...).
                    let passive = ffi::SOLVER_TRANSACTION_SHOW_OBSOLETES as i32;
                    // SAFETY: as above.
                    kind = StepKind::from_raw(unsafe { ffi::transaction_type(t, p, passive) });
                }
                let mut replaced = Vec::new();
                if kind.is_install() {
                    let mut q = Queue::new();
                    // SAFETY: valid transaction and step.
                    unsafe { ffi::transaction_all_obs_pkgs(t, p, q.as_mut_ptr()) };
                    replaced.extend(q.as_slice().iter().map(|&x| SolvableId(x)));
                } else {
                    // SAFETY: valid transaction and step.
                    let by = unsafe { ffi::transaction_obs_pkg(t, p) };
                    if by > 0 {
                        replaced.push(SolvableId(by));
                    }
                }
                Step {
                    solvable: SolvableId(p),
                    kind,
                    replaced,
                }
            })
            .collect()
    }

    /// Change of installed size in KiB (`transaction_calc_installsizechange`).
    pub fn installsize_change_kib(&self) -> i64 {
        // SAFETY: valid transaction.
        unsafe { ffi::transaction_calc_installsizechange(self.as_ptr()) }
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        // SAFETY: owned transaction, freed once.
        unsafe { ffi::transaction_free(self.as_ptr()) };
    }
}

//! rpm's per-filesystem bookkeeping (`lib/transaction.c`, 4.18:
//! `struct diskspaceInfo_s`, `rpmtsUpdateDSI`, `rpmtsCheckDSIProblems`).
//!
//! * Every file adds `BLOCK_ROUND(size, bsize)` blocks and one inode to its
//!   filesystem (`FA_CREATE`; also `FA_BACKUP`/`FA_SAVE`/`FA_ALTNAME`, the
//!   copies kept beside); an erased file (`FA_ERASE`) gives them back.
//! * A created file that replaces one on disk frees
//!   `BLOCK_ROUND(prevSize - 1, bsize)` blocks and one inode, and one that
//!   overlaps an earlier element's file `BLOCK_ROUND(fixupSize - 1, bsize)`
//!   with `fixupSize = size + 1`; but only once this package is in: the
//!   check sees the temporary peak, the frees are applied after it.
//! * After each *installed* element (plus the rpmdb growth estimate of 4 ×
//!   its header size on the rpmdb's filesystem), each filesystem is checked
//!   with 5% slack for root-reserved blocks: `adj(n) = n * 21 / 20`. A
//!   problem is reported when `adj(bneeded) > bavail` (resp. inodes) and
//!   the need is above the last level reported (`obneeded`), so one
//!   shortage is named once, against the element that crossed it.
//!   The shortfall is `(adj(bneeded) - bavail) * bsize` bytes, or
//!   `adj(ineeded) - iavail` inodes.

use super::{ProblemKind, SpaceProblem};

/// `(n + b - 1) / b` (rpm's `BLOCK_ROUND`).
fn block_round(size: i64, block: i64) -> i64 {
    size.saturating_add(block - 1) / block
}

/// The 5% of ext2/3/4 reserved for root (rpm's `adj_fs_blocks`).
fn adj(n: i64) -> i64 {
    n.saturating_mul(21) / 20
}

/// One filesystem's needs and availability (rpm's `diskspaceInfo_s`).
#[derive(Debug)]
pub(super) struct Dsi {
    pub(super) dev: u64,
    bsize: i64,
    bavail: i64,
    /// `None`: the filesystem has no inode counts.
    iavail: Option<i64>,
    mount: String,
    bneeded: i64,
    ineeded: i64,
    obneeded: i64,
    oineeded: i64,
    bdelta: i64,
    idelta: i64,
}

/// What one file does to its filesystem, in rpm's terms.
#[derive(Debug, Clone, Copy)]
pub(super) enum Update {
    /// `FA_CREATE`, with `prevSize` and `fixupSize` (0: none).
    Create { size: i64, prev: i64, fixup: i64 },
    /// `FA_BACKUP`, `FA_SAVE`, `FA_ALTNAME`.
    Copy { size: i64 },
    /// `FA_ERASE`.
    Erase { size: i64 },
}

impl Dsi {
    pub(super) fn new(dev: u64, bsize: i64, bavail: i64, iavail: Option<i64>, mount: String) -> Dsi {
        Dsi {
            dev,
            bsize,
            bavail,
            iavail,
            mount,
            bneeded: 0,
            ineeded: 0,
            obneeded: 0,
            oineeded: 0,
            bdelta: 0,
            idelta: 0,
        }
    }

    /// `rpmtsUpdateDSI`.
    pub(super) fn update(&mut self, u: Update) {
        match u {
            Update::Copy { size } => {
                self.ineeded += 1;
                self.bneeded = self.bneeded.saturating_add(block_round(size, self.bsize));
            }
            Update::Create { size, prev, fixup } => {
                self.ineeded += 1;
                self.bneeded = self.bneeded.saturating_add(block_round(size, self.bsize));
                for freed in [prev, fixup] {
                    if freed > 0 {
                        self.bdelta = self.bdelta.saturating_add(block_round(freed - 1, self.bsize));
                        self.idelta += 1;
                    }
                }
            }
            Update::Erase { size } => {
                self.ineeded -= 1;
                self.bneeded = self.bneeded.saturating_sub(block_round(size, self.bsize));
            }
        }
        // Bookkeeping when requirements shrink.
        self.obneeded = self.obneeded.min(self.bneeded);
        self.oineeded = self.oineeded.min(self.ineeded);
    }

    /// `rpmtsCheckDSIProblems` for one filesystem after element `nevra`;
    /// then the temporary → final adjustment.
    pub(super) fn check(&mut self, nevra: &str, out: &mut Vec<SpaceProblem>) {
        let problem = |kind| SpaceProblem { nevra: nevra.to_owned(), mount_point: self.mount.clone(), kind };
        if adj(self.bneeded) > self.bavail && self.bneeded > self.obneeded {
            let bytes = (adj(self.bneeded) - self.bavail).saturating_mul(self.bsize);
            out.push(problem(ProblemKind::Space { bytes: u64::try_from(bytes).unwrap_or(0) }));
            self.obneeded = self.bneeded;
        }
        if let Some(iavail) = self.iavail
            && adj(self.ineeded) > iavail
            && self.ineeded > self.oineeded
        {
            out.push(problem(ProblemKind::Inodes { count: u64::try_from(adj(self.ineeded) - iavail).unwrap_or(0) }));
            self.oineeded = self.ineeded;
        }
        self.bneeded = self.bneeded.saturating_sub(self.bdelta);
        self.bdelta = 0;
        self.ineeded -= self.idelta;
        self.idelta = 0;
    }
}

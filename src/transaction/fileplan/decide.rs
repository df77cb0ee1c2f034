//! rpm's per-file decisions, one function each (`lib/rpmfi.c` and
//! `lib/transaction.c` of rpm 4.18):
//!
//! * [`files_differ`] — `rpmfilesCompare`: whether two packages' entries
//!   for one path are different files (a conflict unless resolved);
//! * [`decide_fate`] — `rpmfilesDecideFate`: what to do with a path an
//!   installed package owns and an incoming package brings, from what is on
//!   disk (`%config` rules: keep, replace, `.rpmsave`, `.rpmnew`);
//! * [`config_conflict`] — `rpmfilesConfigConflict`: whether a `%config`
//!   file on disk differs from the package's (it would be lost);
//! * [`removal_conflict`] — `handleRemovalConflict`: type changes an
//!   upgrade cannot perform (a directory becoming anything else).

use super::disk::{Disk, What};
use super::{Fa, Side};
use crate::rpm::tags::RPMFILE_MISSINGOK;

/// `rpmfilesCompare != 0`. Ghosts are never different. Otherwise the mode
/// must match (symlinks excepted), regular files and symlinks must have the
/// same size, user and group must match, then symlinks compare targets,
/// regular files digests (different digest algorithms are different
/// files), devices their `rdev`.
pub(super) fn files_differ(a: Side<'_>, b: Side<'_>) -> bool {
    let (af, bf) = (a.file, b.file);
    if af.is_ghost() || bf.is_ghost() {
        return false;
    }
    let what = What::of(af.mode);
    if !(what == What::Link && What::of(bf.mode) == What::Link) && af.mode != bf.mode {
        return true;
    }
    if matches!(what, What::Link | What::Reg) && af.size != bf.size {
        return true;
    }
    if af.user != bf.user || af.group != bf.group {
        return true;
    }
    match what {
        What::Link => af.linkto != bf.linkto,
        What::Reg => a.algo != b.algo || !af.digest.eq_ignore_ascii_case(&bf.digest),
        What::Chr | What::Blk => af.rdev != bf.rdev,
        _ => false,
    }
}

/// `rpmfilesDecideFate(old, new, skipMissing = 1)`: the action for the
/// incoming file `new` at a path the installed `old` owns.
///
/// * a `%ghost` new file: leave the disk alone (`Skip`);
/// * nothing on disk: `Create` (`Skip` for `%missingok`);
/// * regular file (as the old package had it): disk equal to new → `Touch`;
///   disk equal to old (unmodified) → `Create`; new no longer `%config` →
///   `Save`; old and new identical → `Skip` (keep the modified file);
///   otherwise `Save` (`.rpmsave`) or, for `%config(noreplace)`, `AltName`
///   (`.rpmnew`);
/// * symlink: the same steps with link targets;
/// * anything else: `Create`.
pub(super) fn decide_fate(old: Side<'_>, new: Side<'_>, disk: &dyn Disk) -> Fa {
    let nf = new.file;
    if nf.is_ghost() {
        return Fa::Skip;
    }
    let Some(st) = disk.lstat(&nf.path) else {
        return if nf.flags & RPMFILE_MISSINGOK != 0 {
            Fa::Skip
        } else {
            Fa::Create
        };
    };
    let save = if nf.is_noreplace() {
        Fa::AltName
    } else {
        Fa::Save
    };
    let (disk_what, db_what, new_what) = (
        What::of(st.mode),
        What::of(old.file.mode),
        What::of(nf.mode),
    );
    match db_what {
        What::Reg => {
            let mut on_disk = None;
            if disk_what == What::Reg && new_what == What::Reg {
                let Some(d) = disk.digest(&nf.path, new.algo) else {
                    return Fa::Create;
                };
                if d.eq_ignore_ascii_case(&nf.digest) {
                    return Fa::Touch;
                }
                on_disk = Some(d);
            }
            if disk_what == What::Reg {
                let d = match on_disk {
                    Some(d) if old.algo == new.algo => d,
                    _ => match disk.digest(&nf.path, old.algo) {
                        Some(d) => d,
                        None => return Fa::Create,
                    },
                };
                if d.eq_ignore_ascii_case(&old.file.digest) {
                    return Fa::Create;
                }
            }
            if !nf.is_config() {
                return Fa::Save;
            }
            if new_what == What::Reg
                && old.algo == new.algo
                && old.file.digest.eq_ignore_ascii_case(&nf.digest)
            {
                return Fa::Skip;
            }
            save
        }
        What::Link => {
            let on_disk = if disk_what == What::Link {
                match disk.readlink(&nf.path) {
                    Some(t) => Some(t),
                    None => return Fa::Create,
                }
            } else {
                None
            };
            if let Some(t) = &on_disk {
                if new_what == What::Link && *t == nf.linkto {
                    return Fa::Touch;
                }
                if *t == old.file.linkto {
                    return Fa::Create;
                }
            }
            if !nf.is_config() {
                return Fa::Save;
            }
            if new_what == What::Link && !nf.linkto.is_empty() && old.file.linkto == nf.linkto {
                return Fa::Skip;
            }
            save
        }
        _ => Fa::Create,
    }
}

/// `rpmfilesConfigConflict`: a `%config` entry whose path exists on disk
/// with other content (type, size, digest or link target). An existing
/// `%config %ghost` always counts as modified (rpm's long-standing rule;
/// the executor never renames ghosts). A `%config` that is neither a
/// regular file nor a symlink is always a conflict, as in rpm.
pub(super) fn config_conflict(f: Side<'_>, disk: &dyn Disk) -> bool {
    let ff = f.file;
    if !ff.is_config() {
        return false;
    }
    let what = What::of(ff.mode);
    if what != What::Link && what != What::Reg {
        return true;
    }
    let Some(st) = disk.lstat(&ff.path) else {
        return false;
    };
    if ff.is_ghost() || What::of(st.mode) != what || st.size != ff.size {
        return true;
    }
    if what == What::Reg {
        disk.digest(&ff.path, f.algo)
            .is_some_and(|d| !d.eq_ignore_ascii_case(&ff.digest))
    } else {
        disk.readlink(&ff.path).is_some_and(|t| t != ff.linkto)
    }
}

/// `handleRemovalConflict(new, old)`: whether replacing the erased
/// package's `old` entry by the incoming `new` one is impossible: a
/// directory turning into a non-directory, or a symlink (to a directory on
/// disk) turning into a directory. No conflict when nothing is on disk or
/// the disk already has the new type.
pub(super) fn removal_conflict(new: Side<'_>, old: Side<'_>, disk: &dyn Disk) -> bool {
    let (ft, oft) = (What::of(new.file.mode), What::of(old.file.mode));
    let conflict = match oft {
        What::Dir => ft != What::Dir,
        What::Link => ft == What::Dir && follows_to_dir(disk, &new.file.path),
        _ => false,
    };
    conflict
        && disk
            .lstat(&new.file.path)
            .is_some_and(|st| What::of(st.mode) != ft)
}

/// `stat(path)` is a directory: `path` is one, or a chain of symlinks
/// (resolved inside the root) ends at one.
fn follows_to_dir(disk: &dyn Disk, path: &str) -> bool {
    let mut path = path.to_owned();
    for _ in 0..40 {
        match disk.lstat(&path) {
            Some(st) if What::of(st.mode) == What::Dir => return true,
            Some(st) if What::of(st.mode) == What::Link => {
                let Some(t) = disk.readlink(&path) else {
                    return false;
                };
                path = if t.starts_with('/') {
                    t
                } else {
                    format!("{}/{t}", super::paths::split(&path).0.trim_end_matches('/'))
                };
            }
            _ => return false,
        }
    }
    false
}

//! Install policies applied before any comparison: rpm's `skipInstallFiles`
//! (`lib/transaction.c`).
//!
//! * a file whose colour is not in the transaction colour is never
//!   installed (`FA_SKIPCOLOR`; with colour 3 that is only colour 4, MIPS
//!   N32);
//! * `tsflags=nodocs` (rpm's `--excludedocs`): `%doc` files are not
//!   installed (`FA_SKIPNSTATE`, recorded as NOT_INSTALLED); `%license`
//!   files are always kept;
//! * a directory the package lists explicitly and whose every entry was
//!   skipped is skipped too, innermost first (`/usr/share/doc/pkg` goes with
//!   its only `%doc` file).
//!
//! Net-shared paths and `%_install_langs` are not options of ours.

use std::collections::HashMap;

use super::Fa;
use super::paths::split;
use crate::rpm::filelist::FileEntry;
use crate::rpm::tags::RPMFILE_LICENSE;

/// Set the policy skips of one incoming package's `actions` (all
/// `Unknown` on entry).
pub(super) fn skip_install_files(
    files: &[FileEntry],
    actions: &mut [Fa],
    tscolor: u32,
    nodocs: bool,
) {
    // Per directory (the DIRNAMES entry of each file): live entries, and
    // whether one was skipped.
    let mut dirs: HashMap<&str, (usize, bool)> = HashMap::new();
    for (f, a) in files.iter().zip(actions.iter_mut()) {
        let d = dirs.entry(split(&f.path).0).or_insert((0, false));
        if a.skipping() {
            d.1 = true;
            continue;
        }
        d.0 += 1;
        if tscolor != 0 && f.color != 0 && tscolor & f.color == 0 {
            *a = Fa::SkipColor;
        } else if f.flags & RPMFILE_LICENSE != 0 {
            continue;
        } else if nodocs && f.is_doc() {
            *a = Fa::SkipNState;
        } else {
            continue;
        }
        d.0 -= 1;
        d.1 = true;
    }
    // Explicitly listed directories left empty, children first (a child
    // path sorts after its parent, so a descending sort visits it first and
    // its parent sees the updated count).
    let own: HashMap<&str, usize> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.is_dir())
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();
    let mut names: Vec<&str> = dirs.keys().copied().collect();
    names.sort_unstable_by(|a, b| b.cmp(a));
    for dir in names {
        if dirs
            .get(dir)
            .is_none_or(|&(live, skipped)| live != 0 || !skipped)
        {
            continue;
        }
        let Some(a) = own.get(dir).and_then(|&ix| actions.get_mut(ix)) else {
            continue;
        };
        if a.skipping() {
            continue;
        }
        *a = Fa::SkipNState;
        if let Some(p) = dirs.get_mut(split(dir).0) {
            p.0 = p.0.saturating_sub(1);
            p.1 = true;
        }
    }
}

//! [`remove_files`]: one erased package's files off the disk as the file
//! plan says (rpm 4.18 `lib/fsm.c` `rpmPackageFilesRemove`).
//!
//! Files go in reverse path order, so a directory's contents go before it.
//! As in rpm, what is removed is whatever is on disk now, by its on-disk
//! type: a directory is removed only when empty (silently kept otherwise),
//! anything else is unlinked (a regular file first loses setuid/setgid
//! bits and capabilities, in case other hard links to it remain). A failed
//! removal is a warning, never an error, in rpm's words and with its
//! quirk of naming only the last path component:
//! `warning: file g: remove failed: No such file or directory` (a missing
//! file is reported unless it is `%ghost` or `%missingok`). A path whose
//! directory is gone (or cannot be entered inside the root) is skipped
//! silently. `Save` renames to `path.rpmsave` (nothing there is fine; the
//! "saved as" warnings are the file plan's).

use nix::errno::Errno;

use super::TxError;
use crate::fsroot::{FsError, Root};
use crate::rpm::filelist::FileEntry;
use crate::rpm::tags::{RPMFILE_GHOST, RPMFILE_MISSINGOK};
use crate::transaction::fileplan::EraseAction;

/// rpm's warning for a failed removal of `path` (`what` is `file` or `directory`).
fn remove_failed(what: &str, path: &str, e: &FsError) -> String {
    let base = path.rsplit('/').next().unwrap_or(path);
    let reason = e.errno().map_or_else(|| e.to_string(), |n| n.desc().to_owned());
    format!("warning: {what} {base}: remove failed: {reason}")
}

/// Remove file `f` (Remove action); a warning when it fails.
fn remove_one(root: &Root, f: &FileEntry, warnings: &mut Vec<String>) {
    let st = match root.lstat(&f.path) {
        Ok(st) => Some(st),
        Err(e) if e.errno() == Some(Errno::ENOENT) => None,
        Err(e) => {
            warnings.push(remove_failed("file", &f.path, &e));
            return;
        }
    };
    let Some(st) = st else {
        if f.flags & (RPMFILE_GHOST | RPMFILE_MISSINGOK) == 0 {
            let e = FsError::Io { op: "unlink", path: f.path.clone(), source: Errno::ENOENT.into() };
            warnings.push(remove_failed("file", &f.path, &e));
        }
        return;
    };
    if st.st_mode & libc::S_IFMT == libc::S_IFDIR {
        if let Err(e) = root.rmdir_if_empty(&f.path) {
            warnings.push(remove_failed("directory", &f.path, &e));
        }
    } else if let Err(e) = root.remove(&f.path) {
        warnings.push(remove_failed("file", &f.path, &e));
    }
}

/// Erase one package's files as `actions` (one per entry of `files`, from
/// the file plan's `ErasePlan`) say; see the module doc. Returns rpm's
/// warnings. Ends with one `syncfs`.
pub(crate) fn remove_files(root: &Root, files: &[FileEntry], actions: &[EraseAction]) -> Result<Vec<String>, TxError> {
    let _batch = root.batch();
    if files.len() != actions.len() {
        let what = format!("{} files but {} planned actions", files.len(), actions.len());
        return Err(TxError::FileList { name: "erase".to_owned(), what });
    }
    let mut order: Vec<usize> = (0..files.len()).filter(|&i| actions[i] != EraseAction::Keep).collect();
    order.sort_by(|&a, &b| files[b].path.cmp(&files[a].path));
    let mut warnings = Vec::new();
    for i in order {
        let f = &files[i];
        // rpm: if the directory does not exist there is nothing to clean up.
        if root.resolve_parent(&f.path).is_err() {
            continue;
        }
        match actions[i] {
            EraseAction::Save => {
                // rpm is silent when the rename fails (the file is gone).
                let _ = root.rename(&f.path, &format!("{}.rpmsave", f.path));
            }
            EraseAction::Remove => remove_one(root, f, &mut warnings),
            EraseAction::Keep => {}
        }
    }
    root.sync().map_err(|source| TxError::Fs { name: "erase".to_owned(), source })?;
    warnings.extend(root.take_warnings());
    Ok(warnings)
}

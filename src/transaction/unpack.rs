//! [`unpack`]: one package's files onto disk as the file plan says, in
//! rpm 4.18's two phases (`lib/fsm.c` `rpmPackageFilesInstall`).
//!
//! 1. **Stage.** Directories are made in place, parents first
//!    ([`Root::ensure_dir`]: an existing one is kept, mode and owner are set
//!    as rpm does). Then the payload is streamed: every member that is
//!    written goes to its temp name `path;<tid %08x>` with owner, exact mode,
//!    capabilities and mtime; regular files have their digests checked while
//!    streaming; a hardlink set is written once (to its first written
//!    member, even when the member carrying the data is skipped) and linked;
//!    FIFOs and devices are made by `mknod` and never opened.
//! 2. **Commit**, only when staging fully succeeded, in file order: `Save`
//!    and `Orig` first move the disk file to `.rpmsave`/`.rpmorig`,
//!    `AltName` lands on `path.rpmnew`, everything else on `path`; `Touch`
//!    re-applies owner, mode and mtime to the file already there (written
//!    anew if it vanished); `Skip` writes nothing. Then one `syncfs`.
//!
//! Owners come from the root's `/etc/passwd` and `/etc/group`; an unknown
//! user or group becomes root with rpm's warning (once per file, like rpm)
//! and the file loses its setuid (setgid) bit, as in `rpmfilesStat`.
//!
//! On an error while staging, every temp file written is removed (the
//! directories made stay, as in rpm); on an error while committing, the
//! temp files not yet committed are removed and the files already
//! committed stay (rpm would also remove those).

use std::collections::HashMap;

use super::{TxError, header_name};
use crate::fsroot::{FsError, Meta, Root, lookup_group, lookup_user};
use crate::rpm::file::RpmFile;
use crate::rpm::filelist::FileEntry;
use crate::rpm::payload::{PayloadError, PayloadReader};
use crate::rpm::tags::{S_IFDIR, S_IFLNK, S_IFMT, S_IFREG};
use crate::transaction::fileplan::Action;

/// Owners by name through the root's files, each name looked up once.
pub(crate) struct Owners<'a> {
    root: &'a Root,
    users: HashMap<String, Option<u32>>,
    groups: HashMap<String, Option<u32>>,
}

impl<'a> Owners<'a> {
    /// Lookups in `root`.
    pub(crate) fn new(root: &'a Root) -> Owners<'a> {
        Owners { root, users: HashMap::new(), groups: HashMap::new() }
    }

    /// `f`'s (uid, gid, mode): unknown names become root with rpm's warning
    /// pushed to `warnings`, dropping setuid (setgid) from the mode.
    pub(crate) fn resolve(&mut self, f: &FileEntry, warnings: &mut Vec<String>) -> (u32, u32, u32) {
        let root = self.root;
        let mut mode = f.mode;
        let uid = *self.users.entry(f.user.clone()).or_insert_with(|| lookup_user(root, &f.user));
        let gid = *self.groups.entry(f.group.clone()).or_insert_with(|| lookup_group(root, &f.group));
        let uid = uid.unwrap_or_else(|| {
            warnings.push(format!("warning: user {} does not exist - using root", f.user));
            mode &= !0o4000;
            0
        });
        let gid = gid.unwrap_or_else(|| {
            warnings.push(format!("warning: group {} does not exist - using root", f.group));
            mode &= !0o2000;
            0
        });
        (uid, gid, mode)
    }
}

/// The parent directory of an absolute path (`/` for top-level names).
pub(crate) fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// An [`FsError`] as a [`TxError`], keeping a payload error (a file digest
/// mismatch met while writing) typed.
pub(crate) fn fs_error(name: &str, source: FsError) -> TxError {
    match source {
        FsError::Io { op, path, source: e } if e.get_ref().is_some_and(|i| i.is::<PayloadError>()) => {
            let kind = e.kind();
            match e.into_inner().map(|i| i.downcast::<PayloadError>()) {
                Some(Ok(p)) => TxError::Payload { name: name.to_owned(), source: *p },
                // Not reachable after the check above; an I/O error, not a panic.
                _ => TxError::Fs {
                    name: name.to_owned(),
                    source: FsError::Io { op, path, source: std::io::Error::from(kind) },
                },
            }
        }
        source => TxError::Fs { name: name.to_owned(), source },
    }
}

/// One package being unpacked.
struct Unpack<'a> {
    root: &'a Root,
    name: String,
    files: &'a [FileEntry],
    actions: &'a [Action],
    tid: u32,
    /// (uid, gid, mode) per file.
    ids: Vec<(u32, u32, u32)>,
    /// Files whose temp name exists (staged, not committed).
    staged: Vec<bool>,
    /// `Touch` files found on disk: metadata only.
    touch: Vec<bool>,
}

/// A hardlink set while its members stream by: the member holding the
/// data once written, and the written members seen before that.
#[derive(Default)]
struct LinkSet {
    first: Option<usize>,
    pending: Vec<usize>,
}

impl Unpack<'_> {
    fn fs(&self) -> impl Fn(FsError) -> TxError + '_ {
        |e| fs_error(&self.name, e)
    }

    fn meta(&self, i: usize) -> Meta<'_> {
        let (uid, gid, mode) = self.ids[i];
        let f = &self.files[i];
        Meta { mode, uid, gid, mtime: i64::from(f.mtime), caps: &f.caps }
    }

    /// The package's directories, parents first; missing parents the
    /// package does not list are made 0755.
    fn directories(&self) -> Result<(), TxError> {
        let mut dirs: Vec<usize> = (0..self.files.len())
            .filter(|&i| self.files[i].is_dir() && self.actions[i] != Action::Skip)
            .collect();
        dirs.sort_by(|&a, &b| self.files[a].path.cmp(&self.files[b].path));
        for i in dirs {
            let path = &self.files[i].path;
            self.root.mkdir_all(parent(path), 0o755).map_err(self.fs())?;
            if let Some(sfx) = self.actions[i].backup_suffix() {
                self.backup(path, sfx)?;
            }
            self.root.ensure_dir(path, &self.meta(i)).map_err(self.fs())?;
        }
        Ok(())
    }

    /// Move the disk file at `path` to `path<sfx>` (nothing there is fine).
    fn backup(&self, path: &str, sfx: &str) -> Result<(), TxError> {
        match self.root.rename(path, &format!("{path}{sfx}")) {
            Err(e) if !e.is_not_found() => Err(self.fs()(e)),
            _ => Ok(()),
        }
    }

    /// Whether file `i`'s payload member is written (Touch: only when the
    /// file vanished; else it is marked for a metadata update).
    fn writes(&mut self, i: usize) -> bool {
        match self.actions[i] {
            Action::Skip => false,
            Action::Touch if self.root.lstat(&self.files[i].path).is_ok() => {
                self.touch[i] = true;
                false
            }
            _ => true,
        }
    }

    /// Phase 1: the payload, every written member to its temp name.
    fn stage(&mut self, reader: &mut PayloadReader) -> Result<(), TxError> {
        let mut sets: HashMap<(u32, u32), LinkSet> = HashMap::new();
        let pay = |name: &str| {
            let name = name.to_owned();
            move |source| TxError::Payload { name, source }
        };
        while let Some(entry) = reader.next_entry().map_err(pay(&self.name))? {
            let Some(i) = entry.index else {
                let what = format!("payload member {} is not in the header's file list", entry.path);
                return Err(TxError::FileList { name: self.name.clone(), what });
            };
            let files = self.files;
            let f = &files[i];
            if f.is_dir() {
                continue;
            }
            let writes = self.writes(i);
            if f.is_reg() && f.nlink > 1 {
                let set = sets.entry((f.dev, f.ino)).or_default();
                let has_content = entry.data_size > 0 || (f.size == 0 && f.carries_data);
                if !has_content {
                    match set.first {
                        Some(first) if writes => self.link(first, i)?,
                        None if writes => set.pending.push(i),
                        _ => {}
                    }
                    continue;
                }
                let mut members = std::mem::take(&mut set.pending);
                if writes {
                    members.push(i);
                }
                let Some(&first) = members.first() else { continue };
                set.first = Some(first);
                self.prepare(first)?;
                self.root
                    .write_temp(&self.files[first].path, &self.meta(first), reader.content(), self.tid)
                    .map_err(self.fs())?;
                self.staged[first] = true;
                for &m in &members[1..] {
                    self.link(first, m)?;
                }
                continue;
            }
            if !writes {
                continue;
            }
            self.prepare(i)?;
            let (path, meta) = (&f.path, self.meta(i));
            let r = self.root;
            match f.mode & S_IFMT {
                S_IFREG => r.write_temp(path, &meta, reader.content(), self.tid),
                S_IFLNK => r.symlink_temp(path, &f.linkto, &meta, self.tid),
                _ => r.mknod_temp(path, &meta, u64::from(f.rdev), self.tid),
            }
            .map_err(self.fs())?;
            self.staged[i] = true;
        }
        Ok(())
    }

    /// Make file `i`'s missing parent directories.
    fn prepare(&self, i: usize) -> Result<(), TxError> {
        self.root.mkdir_all(parent(&self.files[i].path), 0o755).map_err(self.fs())
    }

    /// Stage file `m` as a hard link of the staged file `first`.
    fn link(&mut self, first: usize, m: usize) -> Result<(), TxError> {
        self.prepare(m)?;
        self.root.link_temp(&self.files[first].path, &self.files[m].path, self.tid).map_err(self.fs())?;
        self.staged[m] = true;
        Ok(())
    }

    /// Phase 2: backups, renames onto the final names, touches.
    fn commit(&mut self) -> Result<(), TxError> {
        for i in 0..self.files.len() {
            let (path, action) = (&self.files[i].path, self.actions[i]);
            if self.staged[i] {
                if let Some(sfx) = action.backup_suffix() {
                    self.backup(path, sfx)?;
                }
                let dest = if action == Action::AltName { format!("{path}.rpmnew") } else { path.clone() };
                self.root.commit(path, self.tid, &dest).map_err(self.fs())?;
                self.staged[i] = false;
            } else if self.touch[i] {
                self.root.set_meta(path, &self.meta(i)).map_err(self.fs())?;
            }
        }
        Ok(())
    }

    /// Remove every temp file still staged (error paths; best effort).
    fn clean(&mut self) {
        for i in 0..self.files.len() {
            if std::mem::take(&mut self.staged[i]) {
                let _ = self.root.remove_temp(&self.files[i].path, self.tid);
            }
        }
    }
}

/// Write one package's files into `root` as `actions` (one per entry of
/// `files`, from the file plan) say; see the module doc. Returns rpm's
/// warnings (unknown users and groups; skipped chowns when not root).
/// The package's digests should have been checked by the caller; file
/// digests are checked here while streaming.
pub(crate) fn unpack(
    root: &Root,
    pkg: &RpmFile,
    files: &[FileEntry],
    actions: &[Action],
    tid: u32,
) -> Result<Vec<String>, TxError> {
    let name = header_name(&pkg.header);
    let _batch = root.batch();
    if files.len() != actions.len() {
        let what = format!("{} files but {} planned actions", files.len(), actions.len());
        return Err(TxError::FileList { name, what });
    }
    const KNOWN: [u32; 7] =
        [S_IFDIR, S_IFREG, S_IFLNK, libc::S_IFIFO, libc::S_IFCHR, libc::S_IFBLK, libc::S_IFSOCK];
    if let Some(f) = files.iter().find(|f| !f.is_ghost() && !KNOWN.contains(&(f.mode & S_IFMT))) {
        return Err(TxError::Unsupported { name, path: f.path.clone(), mode: f.mode });
    }
    let mut warnings = Vec::new();
    let mut owners = Owners::new(root);
    let ids = files.iter().map(|f| owners.resolve(f, &mut warnings)).collect();
    let mut reader = PayloadReader::new(pkg).map_err(|source| TxError::Payload { name: name.clone(), source })?;
    reader.verify_file_digests(true);
    let n = files.len();
    let mut u = Unpack { root, name, files, actions, tid, ids, staged: vec![false; n], touch: vec![false; n] };
    let result = u.directories().and_then(|()| u.stage(&mut reader)).and_then(|()| u.commit());
    if let Err(e) = result {
        u.clean();
        return Err(e);
    }
    root.sync().map_err(u.fs())?;
    warnings.extend(root.take_warnings());
    Ok(warnings)
}

/// Recovery after a crash: remove leftover `path;<tid>` temp files of
/// `files` (missing ones, and missing directories, are fine).
pub(crate) fn remove_temps(root: &Root, files: &[FileEntry], tid: u32) -> Result<(), TxError> {
    for f in files.iter().filter(|f| !f.is_dir()) {
        match root.remove_temp(&f.path, tid) {
            Ok(_) => {}
            Err(FsError::NotADirectory { .. }) => {}
            Err(source) => return Err(TxError::Fs { name: "removing temp files".to_owned(), source }),
        }
    }
    Ok(())
}

//! [`install_package`]: files of one package into a root, then its rpmdb entry.

use std::collections::HashMap;
use std::path::Path;

use nix::fcntl::AtFlags;
use nix::sys::stat::{FchmodatFlags, Mode, fchmodat};
use nix::unistd::{Gid, Uid, fchownat};

use super::{TxError, dbdir, header_name};
use crate::rpm::filelist::{FileEntry, file_entries};
use crate::fsroot::{FsError, Root, group_id_or_root, user_id_or_root};
use crate::rpm::file::RpmFile;
use crate::rpm::payload::{PayloadReader, verify_digests};
use crate::rpm::tags::{S_IFDIR, S_IFLNK, S_IFMT, S_IFREG};
use crate::rpmdb::writer::{InstallInfo, RpmdbWriter, installed_header};

/// Owners by name, resolved once per name through the root's files.
struct Owners<'a> {
    root: &'a Root,
    users: HashMap<String, u32>,
    groups: HashMap<String, u32>,
}

impl Owners<'_> {
    fn ids(&mut self, f: &FileEntry) -> (u32, u32) {
        let root = self.root;
        let uid = *self
            .users
            .entry(f.user.clone())
            .or_insert_with(|| user_id_or_root(root, &f.user));
        let gid = *self
            .groups
            .entry(f.group.clone())
            .or_insert_with(|| group_id_or_root(root, &f.group));
        (uid, gid)
    }
}

/// Give the directory `path` (if it is a real directory, not a symlink to
/// one) its owner and exact mode, as rpm's fsm does for existing dirs too.
fn set_dir_meta(root: &Root, path: &str, mode: u32, uid: u32, gid: u32) -> Result<(), FsError> {
    let st = root.lstat(path)?;
    if st.st_mode & libc::S_IFMT != libc::S_IFDIR {
        return Ok(());
    }
    let io = |op: &'static str| {
        move |e: nix::errno::Errno| FsError::Io {
            op,
            path: path.to_owned(),
            source: e.into(),
        }
    };
    let (dir, name) = root.resolve_parent(path)?;
    if Uid::effective().is_root() {
        fchownat(
            &dir,
            name.as_str(),
            Some(Uid::from_raw(uid)),
            Some(Gid::from_raw(gid)),
            AtFlags::AT_SYMLINK_NOFOLLOW,
        )
        .map_err(io("chown"))?;
    }
    fchmodat(
        &dir,
        name.as_str(),
        Mode::from_bits_truncate(mode & 0o7777),
        FchmodatFlags::FollowSymlink,
    )
    .map_err(io("chmod"))
}

/// The parent directory of an absolute path (`/` for top-level names).
fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// Install the package file `rpm` into `root` with transaction id `tid`,
/// registering it in `<root><dbpath>`; returns its rpmdb header number.
///
/// The package's digests are verified before anything is written; a bad
/// package leaves the root untouched. See the module doc for what is not
/// handled yet.
pub fn install_package(root: &Path, dbpath: &str, rpm: &Path, tid: u32) -> Result<u32, TxError> {
    let pkg = RpmFile::open(rpm).map_err(|source| TxError::Open { source })?;
    let name = header_name(&pkg.header);
    verify_digests(&pkg).map_err(|source| TxError::Digest {
        name: name.clone(),
        source,
    })?;
    let files = file_entries(&pkg.header).map_err(|what| TxError::FileList {
        name: name.clone(),
        what,
    })?;
    // Refuse what we cannot create before the first write.
    if let Some(f) = files
        .iter()
        .find(|f| !f.is_ghost() && !matches!(f.mode & S_IFMT, S_IFDIR | S_IFREG | S_IFLNK))
    {
        return Err(TxError::Unsupported {
            name,
            path: f.path.clone(),
            mode: f.mode,
        });
    }
    let fs = |name: &str| {
        let name = name.to_owned();
        move |source| TxError::Fs { name, source }
    };
    let pay = |name: &str| {
        let name = name.to_owned();
        move |source| TxError::Payload { name, source }
    };
    let mut reader = PayloadReader::new(&pkg).map_err(pay(&name))?;
    reader.verify_file_digests(true);

    let r = Root::open(root).map_err(fs(&name))?;
    let mut owners = Owners {
        root: &r,
        users: HashMap::new(),
        groups: HashMap::new(),
    };

    // Directories first, parents before children (a prefix sorts first);
    // missing parents outside the package are created 0755 root.
    let mut dirs: Vec<&FileEntry> = files
        .iter()
        .filter(|f| f.is_dir() && !f.is_ghost())
        .collect();
    dirs.sort_by(|a, b| a.path.cmp(&b.path));
    for d in dirs {
        let (uid, gid) = owners.ids(d);
        r.mkdir_all(parent(&d.path), 0o755).map_err(fs(&name))?;
        r.mkdir_all(&d.path, d.mode).map_err(fs(&name))?;
        set_dir_meta(&r, &d.path, d.mode, uid, gid).map_err(fs(&name))?;
    }

    // Hardlink members seen before the member carrying their set's data.
    let mut pending: HashMap<u32, Vec<String>> = HashMap::new();
    while let Some(entry) = reader.next_entry().map_err(pay(&name))? {
        let Some(i) = entry.index else {
            let what = format!(
                "payload member {} is not in the header's file list",
                entry.path
            );
            return Err(TxError::FileList { name, what });
        };
        let f = &files[i];
        if f.is_ghost() || f.is_dir() {
            continue;
        }
        r.mkdir_all(parent(&f.path), 0o755).map_err(fs(&name))?;
        let (uid, gid) = owners.ids(f);
        let mtime = i64::from(f.mtime);
        match f.mode & S_IFMT {
            S_IFLNK => r
                .symlink(&f.path, &f.linkto, uid, gid, mtime, tid)
                .map_err(fs(&name))?,
            _ if entry.content_elsewhere() => {
                pending.entry(entry.ino).or_default().push(f.path.clone())
            }
            _ => {
                r.write_file(&f.path, f.mode, uid, gid, mtime, reader.content(), tid)
                    .map_err(|source| {
                        // A file digest mismatch surfaces as a write error: keep it typed.
                        match source {
                            FsError::Io { op, path, source: e }
                                if e.get_ref().is_some_and(|i| i.is::<crate::rpm::payload::PayloadError>()) =>
                            {
                                let kind = e.kind();
                                match e.into_inner().map(|i| i.downcast::<crate::rpm::payload::PayloadError>()) {
                                    Some(Ok(p)) => TxError::Payload { name: name.clone(), source: *p },
                                    // Not reachable after the check above; kept as an I/O error, not a panic.
                                    _ => TxError::Fs {
                                        name: name.clone(),
                                        source: FsError::Io { op, path, source: std::io::Error::from(kind) },
                                    },
                                }
                            }
                            source => TxError::Fs { name: name.clone(), source },
                        }
                    })?;
                for link in pending.remove(&entry.ino).unwrap_or_default() {
                    r.hardlink(&f.path, &link, tid).map_err(fs(&name))?;
                }
            }
        }
    }
    r.sync().map_err(fs(&name))?;

    let blob = installed_header(&pkg, &InstallInfo::new(tid)).map_err(|source| TxError::Build {
        name: name.clone(),
        source,
    })?;
    let db = |source| TxError::Db {
        name: name.clone(),
        source,
    };
    let mut w = RpmdbWriter::open(&dbdir(root, dbpath)).map_err(db)?;
    let mut txn = w.transaction().map_err(db)?;
    let hnum = txn.add(&blob).map_err(db)?;
    txn.commit().map_err(db)?;
    w.close().map_err(db)?;
    Ok(hnum)
}

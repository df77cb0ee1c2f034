//! [`erase_package`]: remove one installed package's files, then its entry.

use std::collections::HashSet;
use std::path::Path;

use super::{TxError, dbdir, header_name};
use crate::rpm::filelist::{file_entries, state};
use crate::fsroot::Root;
use crate::rpmdb::Rpmdb;
use crate::rpmdb::writer::RpmdbWriter;

/// Erase the package with header number `hnum` from `root` (database in
/// `<root><dbpath>`): its files in reverse path order, except paths another
/// installed package also lists; its directories only when empty; files
/// already gone are skipped; then the rpmdb entry, in one writer transaction.
pub fn erase_package(root: &Path, dbpath: &str, hnum: u32) -> Result<(), TxError> {
    let dbdir = dbdir(root, dbpath);
    let read = |name: &str| {
        let name = name.to_owned();
        move |source| TxError::ReadDb { name, source }
    };
    let unknown = format!("hnum {hnum}");
    // The reader is dropped before the writer takes rpm's lock.
    let (name, files, shared) = {
        let rdb = Rpmdb::open(&dbdir).map_err(read(&unknown))?;
        let h = rdb.header(hnum).map_err(read(&unknown))?;
        let Some(h) = h else {
            return Err(TxError::NotInstalled { dbdir, hnum });
        };
        let name = header_name(&h);
        let files = file_entries(&h).map_err(|what| TxError::FileList {
            name: name.clone(),
            what,
        })?;
        let mine: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let mut warnings = Vec::new();
        let mut shared: HashSet<String> = HashSet::new();
        for (other, oh) in rdb.headers(&mut warnings).map_err(read(&name))? {
            if other == hnum {
                continue;
            }
            let of = file_entries(&oh).map_err(|what| TxError::FileList {
                name: header_name(&oh),
                what,
            })?;
            shared.extend(
                of.into_iter()
                    .map(|f| f.path)
                    .filter(|p| mine.contains(p.as_str())),
            );
        }
        (name, files, shared)
    };
    let fs = |source| TxError::Fs {
        name: name.clone(),
        source,
    };

    let r = Root::open(root).map_err(fs)?;
    let mut order: Vec<_> = files
        .iter()
        .filter(|f| f.state == state::NORMAL && !shared.contains(&f.path))
        .collect();
    // Reverse path order: a directory's contents sort after it, so go first.
    order.sort_by(|a, b| b.path.cmp(&a.path));
    for f in order {
        let st = match r.lstat(&f.path) {
            Ok(st) => st,
            Err(e) if e.is_not_found() => continue,
            Err(e) => return Err(fs(e)),
        };
        let on_disk_dir = st.st_mode & libc::S_IFMT == libc::S_IFDIR;
        if f.is_dir() {
            if on_disk_dir {
                // Not empty: another package's or a user's files remain.
                r.rmdir_if_empty(&f.path).map_err(fs)?;
            }
        } else if !on_disk_dir {
            match r.remove(&f.path) {
                Err(e) if !e.is_not_found() => return Err(fs(e)),
                _ => {}
            }
        }
    }
    r.sync().map_err(fs)?;

    let db = |source| TxError::Db {
        name: name.clone(),
        source,
    };
    let mut w = RpmdbWriter::open(&dbdir).map_err(db)?;
    let mut txn = w.transaction().map_err(db)?;
    txn.remove(hnum).map_err(db)?;
    txn.commit().map_err(db)?;
    w.close().map_err(db)?;
    Ok(())
}

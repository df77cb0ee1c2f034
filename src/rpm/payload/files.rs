//! The header's file list, as the payload reader needs it.

use std::collections::HashMap;

use crate::rpm::header::Header;
use crate::rpm::tags::*;

/// One file of the header's file list.
#[derive(Debug, Clone)]
pub(super) struct FileInfo {
    pub(super) path: String,
    pub(super) mode: u32,
    pub(super) size: u64,
    pub(super) digest: String,
    pub(super) flags: u32,
    pub(super) ino: u32,
    pub(super) rdev: u32,
    pub(super) mtime: u32,
    /// Members of this file's hardlink set (1 if none).
    pub(super) nlink: u32,
    /// False for hardlink members other than the last, whose content is
    /// stored with the last member.
    pub(super) carries_data: bool,
}

/// Build the file list: paths from BASENAMES/DIRNAMES/DIRINDEXES (or
/// OLDFILENAMES), sizes from LONGFILESIZES or FILESIZES, and hardlink sets
/// from (FILEDEVICES, FILEINODES) among regular non-ghost files, as rpm does.
pub(super) fn file_infos(h: &Header) -> Result<Vec<FileInfo>, &'static str> {
    let paths = h.file_paths()?;
    let n = paths.len();
    let modes = h.u16_array(RPMTAG_FILEMODES);
    let long = h.u64_array(RPMTAG_LONGFILESIZES);
    let sizes: Vec<u64> =
        if long.is_empty() { h.u32_array(RPMTAG_FILESIZES).into_iter().map(u64::from).collect() } else { long };
    let digests = h.string_array_lossy(RPMTAG_FILEDIGESTS);
    let flags = h.u32_array(RPMTAG_FILEFLAGS);
    let inodes = h.u32_array(RPMTAG_FILEINODES);
    let devices = h.u32_array(RPMTAG_FILEDEVICES);
    let rdevs = h.u16_array(RPMTAG_FILERDEVS);
    let mtimes = h.u32_array(RPMTAG_FILEMTIMES);
    if n > 0 && (modes.len() != n || sizes.len() != n) {
        return Err("FILEMODES or FILESIZES do not match the file count");
    }
    let mut out: Vec<FileInfo> = (0..n)
        .map(|i| FileInfo {
            path: paths[i].clone(),
            mode: u32::from(modes[i]),
            size: sizes[i],
            digest: digests.get(i).map(|d| d.to_string()).unwrap_or_default(),
            flags: flags.get(i).copied().unwrap_or(0),
            ino: inodes.get(i).copied().unwrap_or(0),
            rdev: u32::from(rdevs.get(i).copied().unwrap_or(0)),
            mtime: mtimes.get(i).copied().unwrap_or(0),
            nlink: 1,
            carries_data: true,
        })
        .collect();
    // Hardlink sets: regular, non-ghost files sharing (device, inode).
    let mut sets: HashMap<(u32, u32), Vec<usize>> = HashMap::new();
    for (i, f) in out.iter().enumerate() {
        if f.mode & S_IFMT == S_IFREG && f.flags & RPMFILE_GHOST == 0 && !inodes.is_empty() {
            sets.entry((devices.get(i).copied().unwrap_or(0), f.ino)).or_default().push(i);
        }
    }
    for members in sets.values().filter(|m| m.len() > 1) {
        let last = members[members.len() - 1];
        for &i in members {
            out[i].nlink = u32::try_from(members.len()).unwrap_or(u32::MAX);
            out[i].carries_data = i == last;
        }
    }
    Ok(out)
}

//! A header's file list: one [`FileEntry`] per file, with everything the
//! payload reader, the installer, the eraser and the file-conflict and
//! config-file decisions need. The one place that decodes the per-file tags.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::rpm::header::Header;
use crate::rpm::tags::*;

/// FILESTATES values (rpm's `rpmfileState`).
pub mod state {
    /// Installed by this package.
    pub const NORMAL: u8 = 0;
    /// Taken over by a later package in a transaction.
    pub const REPLACED: u8 = 1;
    /// Not installed (`--excludedocs`, `%lang`, ...).
    pub const NOT_INSTALLED: u8 = 2;
    /// On a shared network filesystem (`%_netsharedpath`).
    pub const NETSHARED: u8 = 3;
    /// Lost a multilib conflict to a file of the preferred colour.
    pub const WRONG_COLOR: u8 = 4;
}

/// One file of a header's file list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Absolute path (`/usr/bin/alpha`).
    pub path: String,
    /// FILEMODES, type bits included.
    pub mode: u32,
    /// LONGFILESIZES or FILESIZES.
    pub size: u64,
    /// FILEDIGESTS: lowercase hex of the content; empty for non-regular files.
    pub digest: String,
    /// FILEFLAGS (`RPMFILE_*`).
    pub flags: u32,
    /// FILEUSERNAME (`root` when absent).
    pub user: String,
    /// FILEGROUPNAME (`root` when absent).
    pub group: String,
    /// FILEMTIMES.
    pub mtime: u32,
    /// FILELINKTOS (symlink target; empty otherwise).
    pub linkto: String,
    /// FILEINODES.
    pub ino: u32,
    /// FILEDEVICES.
    pub dev: u32,
    /// FILERDEVS.
    pub rdev: u32,
    /// FILECOLORS (1 = ELF32, 2 = ELF64, 0 = no colour).
    pub color: u32,
    /// FILEVERIFYFLAGS (`!0` when absent: verify everything).
    pub verify_flags: u32,
    /// FILECAPS in `cap_from_text` form; empty for none.
    pub caps: String,
    /// FILELANGS; empty for none.
    pub lang: String,
    /// FILESTATES (installed headers only; [`state::NORMAL`] when absent).
    pub state: u8,
    /// Members of this file's hardlink set (1 if none).
    pub nlink: u32,
    /// False for hardlink members other than the last, whose content is
    /// stored with the last member.
    pub carries_data: bool,
}

impl FileEntry {
    /// The file-type bits of the mode.
    pub fn kind(&self) -> u32 {
        self.mode & S_IFMT
    }
    /// `%ghost`: owned, never in the payload.
    pub fn is_ghost(&self) -> bool {
        self.flags & RPMFILE_GHOST != 0
    }
    /// `%config` (with or without `noreplace`).
    pub fn is_config(&self) -> bool {
        self.flags & RPMFILE_CONFIG != 0
    }
    /// `%config(noreplace)`.
    pub fn is_noreplace(&self) -> bool {
        self.flags & RPMFILE_NOREPLACE != 0
    }
    /// `%doc` (what `tsflags=nodocs` leaves out; `%license` is kept, as rpm does).
    pub fn is_doc(&self) -> bool {
        self.flags & RPMFILE_DOC != 0
    }
    /// A directory.
    pub fn is_dir(&self) -> bool {
        self.kind() == S_IFDIR
    }
    /// A regular file.
    pub fn is_reg(&self) -> bool {
        self.kind() == S_IFREG
    }
    /// A symbolic link.
    pub fn is_symlink(&self) -> bool {
        self.kind() == S_IFLNK
    }
}

/// FILEDIGESTALGO of `h`: a PGP hash id (1 MD5 when absent, 2 SHA1, 8 SHA256, ...).
pub fn digest_algo(h: &Header) -> u32 {
    h.u32(RPMTAG_FILEDIGESTALGO).unwrap_or(1)
}

/// The file list of `h`: paths from BASENAMES/DIRNAMES/DIRINDEXES (or
/// OLDFILENAMES), sizes from LONGFILESIZES or FILESIZES, hardlink sets from
/// (FILEDEVICES, FILEINODES) among regular non-ghost files, as rpm does.
/// A per-file tag whose count differs from the file count is an error
/// (absent optional tags take rpm's defaults).
pub fn file_entries(h: &Header) -> Result<Vec<FileEntry>, String> {
    let paths = h.file_paths()?;
    let n = paths.len();
    let modes = h.u16_array(RPMTAG_FILEMODES);
    let long = h.u64_array(RPMTAG_LONGFILESIZES);
    let sizes: Vec<u64> =
        if long.is_empty() { h.u32_array(RPMTAG_FILESIZES).into_iter().map(u64::from).collect() } else { long };
    if n > 0 && (modes.len() != n || sizes.len() != n) {
        return Err("FILEMODES or FILESIZES do not match the file count".into());
    }
    let digests = h.string_array_lossy(RPMTAG_FILEDIGESTS);
    let users = h.string_array_lossy(RPMTAG_FILEUSERNAME);
    let groups = h.string_array_lossy(RPMTAG_FILEGROUPNAME);
    let links = h.string_array_lossy(RPMTAG_FILELINKTOS);
    let caps = h.string_array_lossy(RPMTAG_FILECAPS);
    let langs = h.string_array_lossy(RPMTAG_FILELANGS);
    let flags = h.u32_array(RPMTAG_FILEFLAGS);
    let inodes = h.u32_array(RPMTAG_FILEINODES);
    let devices = h.u32_array(RPMTAG_FILEDEVICES);
    let rdevs = h.u16_array(RPMTAG_FILERDEVS);
    let mtimes = h.u32_array(RPMTAG_FILEMTIMES);
    let colors = h.u32_array(RPMTAG_FILECOLORS);
    let vflags = h.u32_array(RPMTAG_FILEVERIFYFLAGS);
    let states = h.u8_array(RPMTAG_FILESTATES);
    let counts: [(usize, &str); 14] = [
        (digests.len(), "FILEDIGESTS"),
        (users.len(), "FILEUSERNAME"),
        (groups.len(), "FILEGROUPNAME"),
        (links.len(), "FILELINKTOS"),
        (caps.len(), "FILECAPS"),
        (langs.len(), "FILELANGS"),
        (flags.len(), "FILEFLAGS"),
        (inodes.len(), "FILEINODES"),
        (devices.len(), "FILEDEVICES"),
        (rdevs.len(), "FILERDEVS"),
        (mtimes.len(), "FILEMTIMES"),
        (colors.len(), "FILECOLORS"),
        (vflags.len(), "FILEVERIFYFLAGS"),
        (states.len(), "FILESTATES"),
    ];
    if let Some((_, what)) = counts.iter().find(|(c, _)| *c != 0 && *c != n) {
        return Err(format!("{what} does not match the file count"));
    }
    let s = |v: &[Cow<'_, str>], i: usize, d: &str| v.get(i).map_or_else(|| d.to_owned(), |x| x.to_string());
    let mut out: Vec<FileEntry> = paths
        .into_iter()
        .enumerate()
        .map(|(i, path)| FileEntry {
            path,
            mode: u32::from(modes[i]),
            size: sizes[i],
            digest: s(&digests, i, ""),
            flags: flags.get(i).copied().unwrap_or(0),
            user: s(&users, i, "root"),
            group: s(&groups, i, "root"),
            mtime: mtimes.get(i).copied().unwrap_or(0),
            linkto: s(&links, i, ""),
            ino: inodes.get(i).copied().unwrap_or(0),
            dev: devices.get(i).copied().unwrap_or(0),
            rdev: u32::from(rdevs.get(i).copied().unwrap_or(0)),
            color: colors.get(i).copied().unwrap_or(0),
            verify_flags: vflags.get(i).copied().unwrap_or(!0),
            caps: s(&caps, i, ""),
            lang: s(&langs, i, ""),
            state: states.get(i).copied().unwrap_or(state::NORMAL),
            nlink: 1,
            carries_data: true,
        })
        .collect();
    // Hardlink sets: regular, non-ghost files sharing (device, inode).
    let mut sets: HashMap<(u32, u32), Vec<usize>> = HashMap::new();
    for (i, f) in out.iter().enumerate() {
        if f.is_reg() && !f.is_ghost() && !inodes.is_empty() {
            sets.entry((f.dev, f.ino)).or_default().push(i);
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

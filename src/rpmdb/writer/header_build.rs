//! The header blob rpm stores for an installed package (`lib/psm.c dbAdd`).
//!
//! It is the package's immutable region byte-for-byte, followed by the tags
//! merged from the signature header (`lib/package.c xlateTags`, rpm 4.18) and
//! the install-time tags INSTALLTIME, INSTALLTID, INSTALLCOLOR, FILESTATES and,
//! for a relocatable package, INSTPREFIXES.
//! The appended entries are sorted by tag; their data is appended with rpm's
//! type alignment (INT16 2, INT32 4, INT64 8), so data offsets increase as
//! `hdrblobVerifyInfo` requires.

use crate::rpm::RpmFile;
use crate::rpm::header::{EntryInfo, Header};
use crate::rpm::tags::*;

// Signature-header tags of the IMA/fs-verity signatures (`rpmtag.h`
// RPMSIGTAG_*, numerically 274..277) and the main-header tags rpm stores them
// under (RPMTAG_FILESIGNATURES 5090 etc.). Measured: rpm 4.18 stores sig 274
// as 5090 and 275 as 5091 (`tools/mkrpmdb.py` keeps 274/275, which is wrong).
const RPMSIGTAG_FILESIGNATURES: u32 = RPMTAG_FILESIGNATURES;
const RPMSIGTAG_FILESIGNATURELENGTH: u32 = RPMTAG_FILESIGNATURELENGTH;
const RPMSIGTAG_VERITYSIGNATURES: u32 = RPMTAG_VERITYSIGNATURES;
const RPMSIGTAG_VERITYSIGNATUREALGO: u32 = RPMTAG_VERITYSIGNATUREALGO;
const HDRTAG_FILESIGNATURES: u32 = 5090;
const HDRTAG_FILESIGNATURELENGTH: u32 = 5091;
const HDRTAG_VERITYSIGNATURES: u32 = 5099;
const HDRTAG_VERITYSIGNATUREALGO: u32 = 5100;

/// Signature tag → header tag, in rpm 4.18's `xlateTags` order. A tag is
/// merged only when the main header does not already have the target tag.
pub const SIG_TO_HEADER: [(u32, u32); 15] = [
    (RPMSIGTAG_SIZE, RPMTAG_SIGSIZE),
    (RPMSIGTAG_PGP, RPMTAG_SIGPGP),
    (RPMSIGTAG_MD5, RPMTAG_SIGMD5),
    (RPMSIGTAG_GPG, RPMTAG_SIGGPG),
    (RPMSIGTAG_PAYLOADSIZE, RPMTAG_ARCHIVESIZE),
    (RPMSIGTAG_FILESIGNATURES, HDRTAG_FILESIGNATURES),
    (RPMSIGTAG_FILESIGNATURELENGTH, HDRTAG_FILESIGNATURELENGTH),
    (RPMSIGTAG_VERITYSIGNATURES, HDRTAG_VERITYSIGNATURES),
    (RPMSIGTAG_VERITYSIGNATUREALGO, HDRTAG_VERITYSIGNATUREALGO),
    (RPMSIGTAG_SHA1, RPMTAG_SHA1HEADER),
    (RPMSIGTAG_SHA256, RPMTAG_SHA256HEADER),
    (RPMSIGTAG_DSA, RPMTAG_DSAHEADER),
    (RPMSIGTAG_RSA, RPMTAG_RSAHEADER),
    (RPMSIGTAG_LONGSIZE, RPMTAG_LONGSIGSIZE),
    (RPMSIGTAG_LONGARCHIVESIZE, RPMTAG_LONGARCHIVESIZE),
];

/// `%_transaction_color` on x86_64 (ELF32 | ELF64).
pub const X86_64_TRANSACTION_COLOR: u32 = 3;

/// What rpm records about the install itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallInfo {
    /// INSTALLTID: the transaction id (rpm uses the transaction start time).
    pub tid: u32,
    /// INSTALLTIME: when the package was added to the database.
    pub time: u32,
    /// INSTALLCOLOR: the transaction color (3 on x86_64).
    pub color: u32,
    /// FILESTATES, one byte per file (0 normal, 1 replaced, 2 not installed,
    /// 3 netshared, 4 wrong color). `None` means all normal. Ignored for a
    /// package without files (rpm adds no FILESTATES then).
    pub file_states: Option<Vec<u8>>,
    /// INSTPREFIXES of a relocatable package (one with PREFIXES). `None`
    /// means not relocated: rpm then stores PREFIXES unchanged.
    pub inst_prefixes: Option<Vec<String>>,
}

impl InstallInfo {
    /// Transaction `tid`, installed at `tid`, x86_64 color, all files normal.
    pub fn new(tid: u32) -> InstallInfo {
        InstallInfo {
            tid,
            time: tid,
            color: X86_64_TRANSACTION_COLOR,
            file_states: None,
            inst_prefixes: None,
        }
    }

    /// Like [`InstallInfo::new`] with the current time as tid and install time.
    pub fn now() -> InstallInfo {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        InstallInfo::new(u32::try_from(secs).unwrap_or(u32::MAX))
    }
}

/// Why an installed header could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("the package header has no immutable region")]
    NoRegion,
    #[error("the package header has {0} entries outside its immutable region")]
    OutsideRegion(usize),
    #[error("FILESTATES has {got} entries but the package has {files} files")]
    FileStates { got: usize, files: usize },
    #[error("the installed header is too large")]
    TooLarge,
}

/// One tag to append: `(tag, type, count, big-endian data)`.
type Extra = (u32, u32, u32, Vec<u8>);

/// Raw data bytes of entry `e` of `h`.
fn entry_data<'a>(h: &'a Header, e: &EntryInfo) -> &'a [u8] {
    let start = 8 + h.entries().len() * 16 + e.offset as usize;
    h.as_bytes()
        .get(start..start + e.len as usize)
        .unwrap_or(&[])
}

/// The blob rpm stores in `Packages.blob` for `pkg` installed as `info` says.
pub fn installed_header(pkg: &RpmFile, info: &InstallInfo) -> Result<Vec<u8>, BuildError> {
    let h = &pkg.header;
    let mut extra: Vec<Extra> = Vec::new();
    for (sigtag, tag) in SIG_TO_HEADER {
        if h.has(tag) {
            continue;
        }
        if let Some(e) = pkg.signature.entry(sigtag) {
            extra.push((tag, e.typ, e.count, entry_data(&pkg.signature, e).to_vec()));
        }
    }
    let be = |v: u32| v.to_be_bytes().to_vec();
    extra.push((RPMTAG_INSTALLTIME, RPM_INT32_TYPE, 1, be(info.time)));
    extra.push((RPMTAG_INSTALLTID, RPM_INT32_TYPE, 1, be(info.tid)));
    extra.push((RPMTAG_INSTALLCOLOR, RPM_INT32_TYPE, 1, be(info.color)));
    let files = h.entry(RPMTAG_BASENAMES).map_or(0, |e| e.count as usize);
    if files > 0 {
        let states = match &info.file_states {
            Some(s) if s.len() != files => {
                return Err(BuildError::FileStates {
                    got: s.len(),
                    files,
                });
            }
            Some(s) => s.clone(),
            None => vec![0; files],
        };
        extra.push((RPMTAG_FILESTATES, RPM_CHAR_TYPE, files as u32, states));
    }
    // lib/relocation.c: a relocatable package records where it went.
    if let Some(e) = h
        .entry(RPMTAG_PREFIXES)
        .filter(|e| e.typ == RPM_STRING_ARRAY_TYPE)
    {
        let (count, bytes) = match &info.inst_prefixes {
            Some(p) => (
                p.len() as u32,
                p.iter().flat_map(|s| s.bytes().chain([0])).collect(),
            ),
            None => (e.count, entry_data(h, e).to_vec()),
        };
        if count > 0 {
            extra.push((RPMTAG_INSTPREFIXES, RPM_STRING_ARRAY_TYPE, count, bytes));
        }
    }
    append_to_region(h, extra)
}

/// The immutable region of `h` followed by `extra` (sorted by tag, aligned).
fn append_to_region(h: &Header, mut extra: Vec<Extra>) -> Result<Vec<u8>, BuildError> {
    let region = h
        .region()
        .filter(|r| r.tag == RPMTAG_HEADERIMMUTABLE)
        .ok_or(BuildError::NoRegion)?;
    let region_blob = h.region_blob().ok_or(BuildError::NoRegion)?;
    if region.il as usize != h.entries().len() || region_blob.len() != h.as_bytes().len() {
        return Err(BuildError::OutsideRegion(
            h.entries().len().saturating_sub(region.il as usize),
        ));
    }
    extra.sort_by_key(|e| e.0);
    let il = region.il as usize;
    let index_end = 8 + il * 16;
    let mut index = region_blob[8..index_end].to_vec();
    let mut data = region_blob[index_end..].to_vec();
    for (tag, typ, count, bytes) in &extra {
        let align = crate::rpm::header::alignment(*typ);
        while data.len() % align != 0 {
            data.push(0);
        }
        let offset = u32::try_from(data.len()).map_err(|_| BuildError::TooLarge)?;
        for v in [*tag, *typ, offset, *count] {
            index.extend_from_slice(&v.to_be_bytes());
        }
        data.extend_from_slice(bytes);
    }
    let total_il = u32::try_from(il + extra.len()).map_err(|_| BuildError::TooLarge)?;
    let dl = u32::try_from(data.len()).map_err(|_| BuildError::TooLarge)?;
    if total_il > crate::rpm::header::MAX_INDEX_ENTRIES || dl > crate::rpm::header::MAX_DATA_LEN {
        return Err(BuildError::TooLarge);
    }
    let mut out = Vec::with_capacity(8 + index.len() + data.len());
    out.extend_from_slice(&total_il.to_be_bytes());
    out.extend_from_slice(&dl.to_be_bytes());
    out.extend_from_slice(&index);
    out.extend_from_slice(&data);
    Ok(out)
}

//! An rpm header parsed from bytes, with strict bounds checks.
//!
//! Blob layout (`headerExport`): `be32 il, be32 dl`, `il` index entries of
//! `be32 tag, type, offset, count`, then `dl` bytes of data. A package file
//! prefixes it with the 8-byte [`HEADER_MAGIC`]; the rpmdb stores it bare.
//!
//! Every entry is validated once in [`Header::from_blob`] (type, alignment,
//! offset, count, and that the data — including NUL terminators of strings —
//! lies inside `dl`), so the getters cannot go out of bounds. The original
//! bytes are kept unchanged: [`Header::as_bytes`] is byte-identical to the
//! input and [`Header::region_blob`] re-assembles the immutable region exactly.

use std::borrow::Cow;

use super::tags::*;

/// Magic that precedes a header in a package file: `8e ad e8 01` + 4 reserved zero bytes.
pub const HEADER_MAGIC: [u8; 8] = [0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0];
/// rpm's limit on index entries (`hdrchkTags`).
pub const MAX_INDEX_ENTRIES: u32 = 0xffff;
/// rpm's limit on the data size (`HEADER_DATA_MAX`, 256 MiB).
pub const MAX_DATA_LEN: u32 = 0x0fff_ffff;
/// Size of one index entry.
const ENTRY_LEN: usize = 16;

/// Why a header was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("header truncated: {need} bytes needed, {have} available")]
    Truncated { need: u64, have: u64 },
    #[error("header has {extra} unexpected trailing bytes")]
    TrailingData { extra: u64 },
    #[error("bad header magic")]
    BadMagic,
    #[error("header has {0} index entries (limit 65535)")]
    TooManyEntries(u32),
    #[error("header has {0} bytes of data (limit 256 MiB)")]
    DataTooLarge(u32),
    #[error("header has no index entries")]
    Empty,
    #[error("header entry {index} (tag {tag}, type {typ}): {reason}")]
    BadEntry { index: usize, tag: u32, typ: u32, reason: &'static str },
    #[error("bad header region: {0}")]
    BadRegion(&'static str),
}

/// One validated index entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryInfo {
    pub tag: u32,
    pub typ: u32,
    /// Offset into the data area.
    pub offset: u32,
    pub count: u32,
    /// Length in bytes of this entry's data (computed and checked).
    pub len: u32,
}

/// The immutable region: the first `il` entries and `dl` data bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// HEADERIMMUTABLE (63), HEADERSIGNATURES (62) or legacy HEADERIMAGE (61).
    pub tag: u32,
    pub il: u32,
    pub dl: u32,
}

/// A parsed header. Cheap getters borrow from the kept bytes.
#[derive(Debug, Clone)]
pub struct Header {
    /// `il, dl, index, data` exactly as read (no magic).
    bytes: Vec<u8>,
    entries: Vec<EntryInfo>,
    /// `(tag, entry index)` sorted by tag; for a duplicated tag only the last
    /// entry is kept (rpm lets dribble entries replace region entries).
    sorted: Vec<(u32, usize)>,
    region: Option<Region>,
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Validate the 8-byte `il, dl` preamble and return `(il, dl, total blob length)`.
pub fn check_preamble(b: &[u8]) -> Result<(u32, u32, usize), HeaderError> {
    let (Some(il), Some(dl)) = (be32(b, 0), be32(b, 4)) else {
        return Err(HeaderError::Truncated { need: 8, have: b.len() as u64 });
    };
    if il == 0 {
        return Err(HeaderError::Empty);
    }
    if il > MAX_INDEX_ENTRIES {
        return Err(HeaderError::TooManyEntries(il));
    }
    if dl > MAX_DATA_LEN {
        return Err(HeaderError::DataTooLarge(dl));
    }
    // Both are bounded above, so this cannot overflow even on 32-bit.
    let total = 8 + il as usize * ENTRY_LEN + dl as usize;
    Ok((il, dl, total))
}

/// Byte length of `count` items of `typ` at `data[offset..]`, or why not valid.
fn data_len(typ: u32, count: u32, offset: usize, data: &[u8]) -> Result<usize, &'static str> {
    let fixed = |size: usize| -> Result<usize, &'static str> {
        let len = (count as usize).checked_mul(size).ok_or("count overflows")?;
        match offset.checked_add(len) {
            Some(end) if end <= data.len() => Ok(len),
            _ => Err("data runs past the end of the data area"),
        }
    };
    match typ {
        RPM_NULL_TYPE => Ok(0),
        RPM_CHAR_TYPE | RPM_INT8_TYPE | RPM_BIN_TYPE => fixed(1),
        RPM_INT16_TYPE => fixed(2),
        RPM_INT32_TYPE => fixed(4),
        RPM_INT64_TYPE => fixed(8),
        RPM_STRING_TYPE | RPM_STRING_ARRAY_TYPE | RPM_I18NSTRING_TYPE => {
            let mut pos = offset;
            for _ in 0..count {
                let rest = data.get(pos..).ok_or("string starts past the data area")?;
                let nul = rest.iter().position(|&c| c == 0).ok_or("unterminated string")?;
                pos += nul + 1;
            }
            Ok(pos - offset)
        }
        _ => Err("unknown data type"),
    }
}

fn is_region_tag(tag: u32) -> bool {
    matches!(tag, RPMTAG_HEADERIMAGE | RPMTAG_HEADERSIGNATURES | RPMTAG_HEADERIMMUTABLE)
}

/// The data alignment rpm requires for an entry of type `typ`.
pub(crate) fn alignment(typ: u32) -> usize {
    match typ {
        RPM_INT16_TYPE => 2,
        RPM_INT32_TYPE => 4,
        RPM_INT64_TYPE => 8,
        _ => 1,
    }
}

impl Header {
    /// Parse a bare blob (the rpmdb form). The slice must be exactly one header.
    pub fn from_blob(bytes: Vec<u8>) -> Result<Header, HeaderError> {
        let (il, dl, total) = check_preamble(&bytes)?;
        if bytes.len() < total {
            return Err(HeaderError::Truncated { need: total as u64, have: bytes.len() as u64 });
        }
        if bytes.len() > total {
            return Err(HeaderError::TrailingData { extra: (bytes.len() - total) as u64 });
        }
        let data_start = 8 + il as usize * ENTRY_LEN;
        let data = &bytes[data_start..];
        let mut entries = Vec::with_capacity(il as usize);
        let mut end = 0usize;
        for index in 0..il as usize {
            let at = 8 + index * ENTRY_LEN;
            let field = |k: usize| be32(&bytes, at + 4 * k).unwrap_or(0);
            let (tag, typ, offset, count) = (field(0), field(1), field(2), field(3));
            let bad = |reason| HeaderError::BadEntry { index, tag, typ, reason };
            if typ > RPM_MAX_TYPE {
                return Err(bad("unknown data type"));
            }
            if offset > dl {
                return Err(bad("offset past the data area"));
            }
            if offset as usize & (alignment(typ) - 1) != 0 {
                return Err(bad("misaligned offset"));
            }
            if typ != RPM_NULL_TYPE && count == 0 {
                return Err(bad("zero count"));
            }
            if count > MAX_DATA_LEN {
                return Err(bad("count too large"));
            }
            if typ == RPM_STRING_TYPE && count != 1 {
                return Err(bad("STRING entry with count != 1"));
            }
            // As rpm's hdrblobVerifyInfo: past the region tag, data must be in
            // ascending, non-overlapping order. This also bounds the string
            // scanning below to one pass over the data.
            let region_tag = index == 0 && is_region_tag(tag);
            if !region_tag && (offset as usize) < end {
                return Err(bad("data overlaps the previous entry"));
            }
            let len = data_len(typ, count, offset as usize, data).map_err(bad)?;
            if !region_tag {
                end = offset as usize + len;
            }
            // len <= dl <= MAX_DATA_LEN, so it fits in u32.
            entries.push(EntryInfo { tag, typ, offset, count, len: len as u32 });
        }
        let region = Self::check_region(&entries, data)?;
        if let Some(r) = region {
            // No entry's data may overlap the region trailer.
            let trailer = (r.dl - 16) as usize..r.dl as usize;
            if entries[1..]
                .iter()
                .any(|e| (e.offset as usize + e.len as usize) > trailer.start && (e.offset as usize) < trailer.end)
            {
                return Err(HeaderError::BadRegion("entry data overlaps the region trailer"));
            }
        }
        let mut sorted: Vec<(u32, usize)> = entries.iter().enumerate().map(|(i, e)| (e.tag, i)).collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        sorted.dedup_by_key(|e| e.0);
        Ok(Header { bytes, entries, sorted, region })
    }

    /// Parse a bare blob at the start of `b`; returns the header and its length.
    pub fn parse_prefix(b: &[u8]) -> Result<(Header, usize), HeaderError> {
        let (_, _, total) = check_preamble(b)?;
        let Some(blob) = b.get(..total) else {
            return Err(HeaderError::Truncated { need: total as u64, have: b.len() as u64 });
        };
        Ok((Header::from_blob(blob.to_vec())?, total))
    }

    /// Parse a header with the 8-byte magic at the start of `b` (package-file
    /// form); returns the header and the bytes consumed including the magic.
    pub fn parse_with_magic(b: &[u8]) -> Result<(Header, usize), HeaderError> {
        match b.get(..8) {
            Some(m) if m == HEADER_MAGIC => {}
            Some(_) => return Err(HeaderError::BadMagic),
            None => return Err(HeaderError::Truncated { need: 8, have: b.len() as u64 }),
        }
        let (h, n) = Header::parse_prefix(&b[8..])?;
        Ok((h, n + 8))
    }

    /// Validate the region trailer (`hdrblobVerifyRegion`) when entry 0 is a region tag.
    fn check_region(entries: &[EntryInfo], data: &[u8]) -> Result<Option<Region>, HeaderError> {
        let Some(first) = entries.first() else { return Ok(None) };
        if !is_region_tag(first.tag) {
            return Ok(None);
        }
        let bad = HeaderError::BadRegion;
        if first.typ != RPM_BIN_TYPE || first.count != 16 {
            return Err(bad("region tag is not BIN[16]"));
        }
        let at = first.offset as usize;
        let t = |k: usize| be32(data, at + 4 * k).ok_or(bad("trailer out of range"));
        let (ttag, ttyp, toff, tcnt) = (t(0)?, t(1)?, t(2)? as i32, t(3)?);
        // Legacy headers carry HEADERIMAGE in the trailer of an immutable region.
        if !(ttag == first.tag || (first.tag == RPMTAG_HEADERIMMUTABLE && ttag == RPMTAG_HEADERIMAGE)) {
            return Err(bad("trailer tag mismatch"));
        }
        if ttyp != RPM_BIN_TYPE || tcnt != 16 {
            return Err(bad("trailer is not BIN[16]"));
        }
        let ril = toff.checked_neg().filter(|&n| n > 0 && n % 16 == 0).ok_or(bad("bad trailer offset"))? / 16;
        let ril = ril as u32;
        if ril as usize > entries.len() {
            return Err(bad("region has more entries than the header"));
        }
        let rdl = first.offset + 16;
        Ok(Some(Region { tag: first.tag, il: ril, dl: rdl }))
    }

    /// The header bytes exactly as parsed, without magic (the rpmdb blob form).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The header with the 8-byte magic prepended (package-file form).
    pub fn to_bytes_with_magic(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.bytes.len() + 8);
        v.extend_from_slice(&HEADER_MAGIC);
        v.extend_from_slice(&self.bytes);
        v
    }

    /// The immutable region, if the header has one.
    pub fn region(&self) -> Option<Region> {
        self.region
    }

    /// The immutable region as a standalone blob (no magic): the first `il`
    /// entries and `dl` data bytes, byte-for-byte. For an installed package
    /// this is the header of the original `.rpm`.
    pub fn region_blob(&self) -> Option<Vec<u8>> {
        let r = self.region?;
        let (il, _, _) = check_preamble(&self.bytes).ok()?;
        let data_start = 8 + il as usize * ENTRY_LEN;
        let index = self.bytes.get(8..8 + r.il as usize * ENTRY_LEN)?;
        let data = self.bytes.get(data_start..data_start + r.dl as usize)?;
        let mut v = Vec::with_capacity(8 + index.len() + data.len());
        v.extend_from_slice(&r.il.to_be_bytes());
        v.extend_from_slice(&r.dl.to_be_bytes());
        v.extend_from_slice(index);
        v.extend_from_slice(data);
        Some(v)
    }

    /// All index entries in their stored order.
    pub fn entries(&self) -> &[EntryInfo] {
        &self.entries
    }

    /// The entry for `tag` (the last one, if the tag is duplicated).
    pub fn entry(&self, tag: u32) -> Option<&EntryInfo> {
        let i = self.sorted.binary_search_by_key(&tag, |e| e.0).ok()?;
        self.entries.get(self.sorted[i].1)
    }

    /// Whether the header has `tag`.
    pub fn has(&self, tag: u32) -> bool {
        self.entry(tag).is_some()
    }

    /// Raw data bytes of an entry.
    fn data_of(&self, e: &EntryInfo) -> &[u8] {
        let data_start = 8 + self.entries.len() * ENTRY_LEN;
        let start = data_start + e.offset as usize;
        self.bytes.get(start..start + e.len as usize).unwrap_or(&[])
    }

    /// Data of `tag` if it has one of `types`.
    fn typed(&self, tag: u32, types: &[u32]) -> Option<(&EntryInfo, &[u8])> {
        let e = self.entry(tag)?;
        types.contains(&e.typ).then(|| (e, self.data_of(e)))
    }

    /// Raw NUL-separated strings of a STRING, STRING_ARRAY or I18NSTRING entry.
    fn raw_strings(&self, tag: u32) -> Vec<&[u8]> {
        let types = [RPM_STRING_TYPE, RPM_STRING_ARRAY_TYPE, RPM_I18NSTRING_TYPE];
        let Some((e, d)) = self.typed(tag, &types) else { return Vec::new() };
        // Each string is NUL-terminated (checked at parse), so the last split is empty.
        d.split(|&c| c == 0).take(e.count as usize).collect()
    }

    /// A STRING, or the first (C locale) string of an I18NSTRING. `None` when
    /// absent, of another type, or not UTF-8 (see [`Header::string_lossy`]).
    pub fn string(&self, tag: u32) -> Option<&str> {
        let (_, d) = self.typed(tag, &[RPM_STRING_TYPE, RPM_I18NSTRING_TYPE])?;
        let s = d.split(|&c| c == 0).next()?;
        std::str::from_utf8(s).ok()
    }

    /// Like [`Header::string`], replacing invalid UTF-8 (old Latin-1 headers).
    pub fn string_lossy(&self, tag: u32) -> Option<Cow<'_, str>> {
        let (_, d) = self.typed(tag, &[RPM_STRING_TYPE, RPM_I18NSTRING_TYPE])?;
        Some(String::from_utf8_lossy(d.split(|&c| c == 0).next()?))
    }

    /// A STRING_ARRAY (or I18NSTRING, or a STRING as one element). Empty when
    /// absent, of another type, or when any element is not UTF-8.
    pub fn string_array(&self, tag: u32) -> Vec<&str> {
        let raw = self.raw_strings(tag);
        raw.iter().map(|s| std::str::from_utf8(s)).collect::<Result<_, _>>().unwrap_or_default()
    }

    /// Like [`Header::string_array`], replacing invalid UTF-8.
    pub fn string_array_lossy(&self, tag: u32) -> Vec<Cow<'_, str>> {
        self.raw_strings(tag).into_iter().map(String::from_utf8_lossy).collect()
    }

    /// The file paths: DIRNAMES\[DIRINDEXES\[i\]\] + BASENAMES\[i\], or the
    /// legacy OLDFILENAMES. The one place that decodes them (the package
    /// model, the payload reader and the executor all use it).
    pub fn file_paths(&self) -> Result<Vec<String>, &'static str> {
        use crate::rpm::tags::{RPMTAG_BASENAMES, RPMTAG_DIRINDEXES, RPMTAG_DIRNAMES, RPMTAG_OLDFILENAMES};
        let base = self.string_array_lossy(RPMTAG_BASENAMES);
        if base.is_empty() {
            return Ok(self.string_array_lossy(RPMTAG_OLDFILENAMES).iter().map(|p| p.to_string()).collect());
        }
        let dirs = self.string_array_lossy(RPMTAG_DIRNAMES);
        let idx = self.u32_array(RPMTAG_DIRINDEXES);
        if idx.len() != base.len() {
            return Err("DIRINDEXES and BASENAMES differ in length");
        }
        base.iter()
            .zip(&idx)
            .map(|(b, &d)| dirs.get(d as usize).map(|dir| format!("{dir}{b}")).ok_or("DIRINDEXES entry out of range"))
            .collect()
    }

    /// An INT32 array; empty when absent or of another type.
    pub fn u32_array(&self, tag: u32) -> Vec<u32> {
        let Some((_, d)) = self.typed(tag, &[RPM_INT32_TYPE]) else { return Vec::new() };
        d.chunks_exact(4).map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]])).collect()
    }

    /// An INT64 array; empty when absent or of another type.
    pub fn u64_array(&self, tag: u32) -> Vec<u64> {
        let Some((_, d)) = self.typed(tag, &[RPM_INT64_TYPE]) else { return Vec::new() };
        let f = |c: &[u8]| u64::from_be_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        d.chunks_exact(8).map(f).collect()
    }

    /// An INT16 array (FILEMODES, FILERDEVS); empty when absent or of another type.
    pub fn u16_array(&self, tag: u32) -> Vec<u16> {
        let Some((_, d)) = self.typed(tag, &[RPM_INT16_TYPE]) else { return Vec::new() };
        d.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect()
    }

    /// A CHAR or INT8 array (FILESTATES); empty when absent or of another type.
    pub fn u8_array(&self, tag: u32) -> &[u8] {
        self.typed(tag, &[RPM_CHAR_TYPE, RPM_INT8_TYPE]).map_or(&[], |(_, d)| d)
    }

    /// The first value of an INT32 entry.
    pub fn u32(&self, tag: u32) -> Option<u32> {
        let (_, d) = self.typed(tag, &[RPM_INT32_TYPE])?;
        Some(u32::from_be_bytes(d.get(..4)?.try_into().ok()?))
    }

    /// The first value of an INT64 entry, or of an INT32 entry widened.
    pub fn u64(&self, tag: u32) -> Option<u64> {
        match self.u64_array(tag).first() {
            Some(&v) => Some(v),
            None => self.u32(tag).map(u64::from),
        }
    }

    /// The bytes of a BIN entry.
    pub fn bin(&self, tag: u32) -> Option<&[u8]> {
        self.typed(tag, &[RPM_BIN_TYPE]).map(|(_, d)| d)
    }
}

//! Building a header blob from values, the way rpm's `headerExport` lays out
//! a header that was made in memory and then "reloaded" into an immutable
//! region (`lib/header.c doExport`, `headerReload`; `lib/rpmts.c
//! makeImmutable`):
//!
//! * index entry 0 is the region tag (HEADERIMMUTABLE 63, or
//!   HEADERSIGNATURES 62 for a signature header), BIN, count 16, pointing
//!   at a 16-byte trailer `{tag, BIN, -(16 * ril), 16}`, where `ril` counts
//!   the region's entries including the region tag itself;
//! * the other region entries follow sorted by tag, their data in the same
//!   order with rpm's type alignment (INT16 2, INT32 4, INT64 8), and the
//!   trailer right after the last one (not aligned);
//! * entries added after the reload ("dribbles", e.g. SHA1HEADER,
//!   INSTALLTIME) come after the trailer, again sorted and aligned.
//!
//! This is the layout `rpm --import` writes for a `gpg-pubkey` header (the
//! tests compare the bytes) and the layout of rpmsign's signature header.

use crate::rpm::header::alignment;
use crate::rpm::tags::*;

/// One header value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// STRING (6).
    Str(String),
    /// I18NSTRING (9) with only the C locale string.
    I18n(String),
    /// STRING_ARRAY (8).
    StrArray(Vec<String>),
    /// INT32 (4).
    U32(Vec<u32>),
    /// INT64 (5).
    U64(Vec<u64>),
    /// BIN (7).
    Bin(Vec<u8>),
}

impl Value {
    fn typ(&self) -> u32 {
        match self {
            Value::Str(_) => RPM_STRING_TYPE,
            Value::I18n(_) => RPM_I18NSTRING_TYPE,
            Value::StrArray(_) => RPM_STRING_ARRAY_TYPE,
            Value::U32(_) => RPM_INT32_TYPE,
            Value::U64(_) => RPM_INT64_TYPE,
            Value::Bin(_) => RPM_BIN_TYPE,
        }
    }

    fn count(&self) -> usize {
        match self {
            Value::Str(_) | Value::I18n(_) => 1,
            Value::StrArray(v) => v.len(),
            Value::U32(v) => v.len(),
            Value::U64(v) => v.len(),
            Value::Bin(b) => b.len(),
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        let cstr = |out: &mut Vec<u8>, s: &str| {
            out.extend_from_slice(s.as_bytes());
            out.push(0);
        };
        match self {
            Value::Str(s) | Value::I18n(s) => cstr(out, s),
            Value::StrArray(v) => v.iter().for_each(|s| cstr(out, s)),
            Value::U32(v) => v.iter().for_each(|n| out.extend_from_slice(&n.to_be_bytes())),
            Value::U64(v) => v.iter().for_each(|n| out.extend_from_slice(&n.to_be_bytes())),
            Value::Bin(b) => out.extend_from_slice(b),
        }
    }
}

/// Why a blob could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlobError {
    #[error("header tag {0} is given twice")]
    DuplicateTag(u32),
    #[error("header tag {0} has no values")]
    Empty(u32),
    #[error("header is too large")]
    TooLarge,
}

/// Index entries and data area under construction.
struct Layout {
    index: Vec<[u32; 4]>,
    data: Vec<u8>,
}

impl Layout {
    fn push(&mut self, tag: u32, v: &Value) -> Result<(), BlobError> {
        let typ = v.typ();
        let align = alignment(typ);
        while !self.data.len().is_multiple_of(align) {
            self.data.push(0);
        }
        let offset = u32::try_from(self.data.len()).map_err(|_| BlobError::TooLarge)?;
        let count = u32::try_from(v.count()).map_err(|_| BlobError::TooLarge)?;
        self.index.push([tag, typ, offset, count]);
        v.write(&mut self.data);
        Ok(())
    }

    fn finish(self) -> Result<Vec<u8>, BlobError> {
        let il = u32::try_from(self.index.len()).map_err(|_| BlobError::TooLarge)?;
        let dl = u32::try_from(self.data.len()).map_err(|_| BlobError::TooLarge)?;
        let mut out = Vec::with_capacity(8 + self.index.len() * 16 + self.data.len());
        out.extend_from_slice(&il.to_be_bytes());
        out.extend_from_slice(&dl.to_be_bytes());
        for e in &self.index {
            e.iter().for_each(|f| out.extend_from_slice(&f.to_be_bytes()));
        }
        out.extend_from_slice(&self.data);
        Ok(out)
    }
}

fn sorted(entries: &[(u32, Value)]) -> Result<Vec<&(u32, Value)>, BlobError> {
    let mut v: Vec<&(u32, Value)> = entries.iter().collect();
    v.sort_by_key(|e| e.0);
    for w in v.windows(2) {
        if w[0].0 == w[1].0 {
            return Err(BlobError::DuplicateTag(w[0].0));
        }
    }
    if let Some(e) = v.iter().find(|e| e.1.count() == 0) {
        return Err(BlobError::Empty(e.0));
    }
    Ok(v)
}

/// A bare header blob (no magic): `region_tag`'s immutable region holding
/// `region`, then the `dribbles` after it.
pub fn build(region_tag: u32, region: &[(u32, Value)], dribbles: &[(u32, Value)]) -> Result<Vec<u8>, BlobError> {
    let region = sorted(region)?;
    let dribbles = sorted(dribbles)?;
    if let Some(d) = dribbles.iter().find(|d| region.iter().any(|r| r.0 == d.0)) {
        return Err(BlobError::DuplicateTag(d.0));
    }
    let mut l = Layout { index: vec![[region_tag, RPM_BIN_TYPE, 0, 16]], data: Vec::new() };
    for (tag, v) in region {
        l.push(*tag, v)?;
    }
    let ril = i32::try_from(l.index.len()).map_err(|_| BlobError::TooLarge)?;
    let trailer_at = u32::try_from(l.data.len()).map_err(|_| BlobError::TooLarge)?;
    l.index[0][2] = trailer_at;
    let neg = ril.checked_mul(-16).ok_or(BlobError::TooLarge)?;
    for f in [region_tag, RPM_BIN_TYPE, neg as u32, 16] {
        l.data.extend_from_slice(&f.to_be_bytes());
    }
    for (tag, v) in dribbles {
        l.push(*tag, v)?;
    }
    l.finish()
}

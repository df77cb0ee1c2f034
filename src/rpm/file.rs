//! Reading the headers of a `.rpm` file without touching its payload.
//!
//! Layout: a 96-byte lead (magic `ed ab ee db`), the signature header (magic +
//! blob, padded to a multiple of 8 bytes), the main header (magic + blob), then
//! the compressed payload. Sizes are checked against the file length before
//! anything is allocated, so a hostile file cannot make us allocate more than
//! it is long.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::header::{HEADER_MAGIC, Header, HeaderError, check_preamble};
use super::package::{PackageError, header_to_package};
use super::tags::*;

/// Size of the lead.
pub const LEAD_LEN: usize = 96;
/// First four bytes of every `.rpm` file.
pub const LEAD_MAGIC: [u8; 4] = [0xed, 0xab, 0xee, 0xdb];

/// Why a `.rpm` file could not be read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum RpmFileError {
    /// Open/read failure (the `fs_err` message already names the file).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("{path}: not an rpm package (bad lead magic)")]
    NotRpm { path: PathBuf },
    #[error("{path}: file truncated in the {what} ({need} bytes needed, {have} available)")]
    Truncated { path: PathBuf, what: &'static str, need: u64, have: u64 },
    #[error("{path}: bad {what} header: {source}")]
    Header { path: PathBuf, what: &'static str, source: HeaderError },
    #[error("{path}: {source}")]
    Package { path: PathBuf, source: PackageError },
}

/// The fixed 96-byte lead. Only informative: rpm itself ignores most of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lead {
    pub major: u8,
    pub minor: u8,
    /// 0 binary, 1 source.
    pub kind: u16,
    pub archnum: u16,
    /// `name-version-release` as written by rpmbuild (NUL-padded field).
    pub name: String,
    pub osnum: u16,
    /// 5 = header-style signature (all packages since rpm 3).
    pub signature_type: u16,
}

impl Lead {
    fn parse(b: &[u8; LEAD_LEN]) -> Lead {
        let be16 = |at: usize| u16::from_be_bytes([b[at], b[at + 1]]);
        let name = &b[10..76];
        let end = name.iter().position(|&c| c == 0).unwrap_or(name.len());
        Lead {
            major: b[4],
            minor: b[5],
            kind: be16(6),
            archnum: be16(8),
            name: String::from_utf8_lossy(&name[..end]).into_owned(),
            osnum: be16(76),
            signature_type: be16(78),
        }
    }
}

/// The headers of a package file and where they are.
#[derive(Debug, Clone)]
pub struct RpmFile {
    pub path: PathBuf,
    pub lead: Lead,
    pub signature: Header,
    pub header: Header,
    /// Offset of the main header's magic (rpm-md `<rpm:header-range start>`).
    pub header_start: u64,
    /// Offset just past the main header (rpm-md `<rpm:header-range end>`).
    pub header_end: u64,
    /// Offset of the compressed payload (equal to `header_end`).
    pub payload_offset: u64,
    /// Length of the whole file.
    pub file_size: u64,
}

impl RpmFile {
    /// Read the lead and both headers of the file at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<RpmFile, RpmFileError> {
        let path = path.as_ref();
        let mut f = fs_err::File::open(path)?;
        let len = f.metadata()?.len();
        Self::read_from(&mut f, len, path)
    }

    /// Parse an in-memory package (or its first bytes, up to the payload).
    pub fn from_bytes(bytes: &[u8], path: impl AsRef<Path>) -> Result<RpmFile, RpmFileError> {
        let mut r = bytes;
        Self::read_from(&mut r, bytes.len() as u64, path.as_ref())
    }

    /// Read from `r`, which has `len` bytes in all; `path` is for messages.
    pub fn read_from<R: Read>(r: &mut R, len: u64, path: &Path) -> Result<RpmFile, RpmFileError> {
        let p = || path.to_path_buf();
        let trunc = |what, need: u64| RpmFileError::Truncated { path: p(), what, need, have: len };
        if len < LEAD_LEN as u64 {
            return Err(trunc("lead", LEAD_LEN as u64));
        }
        let mut lead = [0u8; LEAD_LEN];
        r.read_exact(&mut lead)?;
        if lead[..4] != LEAD_MAGIC {
            return Err(RpmFileError::NotRpm { path: p() });
        }
        let lead = Lead::parse(&lead);
        let mut pos = LEAD_LEN as u64;
        let (signature, sig_len) = read_header(r, &mut pos, len, path, "signature")?;
        let pad = (8 - sig_len % 8) % 8;
        if pos + pad > len {
            return Err(trunc("signature padding", pos + pad));
        }
        let mut padding = [0u8; 8];
        r.read_exact(&mut padding[..pad as usize])?;
        pos += pad;
        let header_start = pos;
        let (header, _) = read_header(r, &mut pos, len, path, "main")?;
        Ok(RpmFile {
            path: p(),
            lead,
            signature,
            header,
            header_start,
            header_end: pos,
            payload_offset: pos,
            file_size: len,
        })
    }

    /// The package as the shared model describes it, including what only the
    /// file knows: file size, header range and archive size (signature header).
    pub fn to_package(&self) -> Result<repodata::Package, RpmFileError> {
        let mut pkg = header_to_package(&self.header)
            .map_err(|source| RpmFileError::Package { path: self.path.clone(), source })?;
        pkg.size_package = self.file_size;
        pkg.header_range = Some((self.header_start, self.header_end));
        if pkg.size_archive == 0 {
            let sig = &self.signature;
            pkg.size_archive =
                sig.u64(RPMSIGTAG_LONGARCHIVESIZE).or_else(|| sig.u64(RPMSIGTAG_PAYLOADSIZE)).unwrap_or(0);
        }
        Ok(pkg)
    }

    /// The payload compressor named by the header (`gzip`, `xz`, `zstd`, ...).
    pub fn payload_compressor(&self) -> Option<&str> {
        self.header.string(RPMTAG_PAYLOADCOMPRESSOR)
    }
}

/// Read one magic-prefixed header at `*pos`, advancing it. Returns the header
/// and its length including the magic.
fn read_header<R: Read>(
    r: &mut R,
    pos: &mut u64,
    len: u64,
    path: &Path,
    what: &'static str,
) -> Result<(Header, u64), RpmFileError> {
    let p = || path.to_path_buf();
    let herr = |source| RpmFileError::Header { path: p(), what, source };
    if *pos + 16 > len {
        return Err(RpmFileError::Truncated { path: p(), what, need: *pos + 16, have: len });
    }
    let mut pre = [0u8; 16];
    r.read_exact(&mut pre)?;
    if pre[..8] != HEADER_MAGIC {
        return Err(herr(HeaderError::BadMagic));
    }
    let (_, _, total) = check_preamble(&pre[8..]).map_err(herr)?;
    let need = *pos + 8 + total as u64;
    if need > len {
        return Err(RpmFileError::Truncated { path: p(), what, need, have: len });
    }
    let mut blob = vec![0u8; total];
    blob[..8].copy_from_slice(&pre[8..]);
    r.read_exact(&mut blob[8..])?;
    let h = Header::from_blob(blob).map_err(herr)?;
    *pos = need;
    Ok((h, 8 + total as u64))
}

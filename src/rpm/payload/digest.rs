//! Hash algorithms (PGPHASHALGO ids) and the package-level digest checks
//! that `rpm -K --nosignature` performs.

use std::io::{Read, Seek, SeekFrom};

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::PayloadError;
use crate::rpm::file::RpmFile;
use crate::rpm::tags::*;

/// A digest algorithm, by its PGPHASHALGO id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlgo {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlgo {
    /// Map a PGPHASHALGO id (1 MD5, 2 SHA1, 8 SHA256, 9 SHA384, 10 SHA512).
    pub fn from_pgp_id(id: u32) -> Option<HashAlgo> {
        Some(match id {
            1 => HashAlgo::Md5,
            2 => HashAlgo::Sha1,
            8 => HashAlgo::Sha256,
            9 => HashAlgo::Sha384,
            10 => HashAlgo::Sha512,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            HashAlgo::Md5 => "MD5",
            HashAlgo::Sha1 => "SHA1",
            HashAlgo::Sha256 => "SHA256",
            HashAlgo::Sha384 => "SHA384",
            HashAlgo::Sha512 => "SHA512",
        }
    }

    pub fn hasher(self) -> Hasher {
        match self {
            HashAlgo::Md5 => Hasher::Md5(Md5::new()),
            HashAlgo::Sha1 => Hasher::Sha1(Sha1::new()),
            HashAlgo::Sha256 => Hasher::Sha256(Sha256::new()),
            HashAlgo::Sha384 => Hasher::Sha384(Sha384::new()),
            HashAlgo::Sha512 => Hasher::Sha512(Sha512::new()),
        }
    }
}

/// A running digest of one of the [`HashAlgo`]s.
#[derive(Clone)]
pub enum Hasher {
    Md5(Md5),
    Sha1(Sha1),
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl Hasher {
    pub fn update(&mut self, b: &[u8]) {
        match self {
            Hasher::Md5(h) => h.update(b),
            Hasher::Sha1(h) => h.update(b),
            Hasher::Sha256(h) => h.update(b),
            Hasher::Sha384(h) => h.update(b),
            Hasher::Sha512(h) => h.update(b),
        }
    }

    pub fn finish(self) -> Vec<u8> {
        match self {
            Hasher::Md5(h) => h.finalize().to_vec(),
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

/// Which digests [`verify_digests`] checked (all of them matched).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestReport {
    /// Signature tag SHA256HEADER (273) over the main header.
    pub header_sha256: bool,
    /// Signature tag SHA1HEADER (269) over the main header.
    pub header_sha1: bool,
    /// PAYLOADDIGEST (5092) over the compressed payload, with its algorithm.
    pub payload: Option<HashAlgo>,
    /// Signature tag MD5 (1004) over main header + payload.
    pub md5: bool,
}

/// Decode an expected digest given as lowercase/uppercase hex.
fn unhex(s: &str) -> Option<Vec<u8>> {
    hex::decode(s.trim()).ok().filter(|v| !v.is_empty())
}

/// Check every digest the package carries, as `rpm -K --nosignature` does:
/// SHA256HEADER and SHA1HEADER over the main header as stored (magic
/// included), PAYLOADDIGEST over the compressed payload, and the legacy MD5
/// over header + payload. The file is streamed, never held in memory.
///
/// Fails if any present digest mismatches, or if nothing covers the header or
/// nothing covers the payload (no digest at all is not "verified").
pub fn verify_digests(file: &RpmFile) -> Result<DigestReport, PayloadError> {
    let path = &file.path;
    let sig = &file.signature;
    let bad_tag = |what: &'static str| PayloadError::BadDigestTag { path: path.clone(), what };
    let want = |tag: u32, what: &'static str| -> Result<Option<Vec<u8>>, PayloadError> {
        match sig.string(tag) {
            None if sig.has(tag) => Err(bad_tag(what)),
            None => Ok(None),
            Some(s) => unhex(s).map(Some).ok_or_else(|| bad_tag(what)),
        }
    };
    let sha256 = want(RPMSIGTAG_SHA256, "SHA256HEADER")?;
    let sha1 = want(RPMSIGTAG_SHA1, "SHA1HEADER")?;
    let md5 = match sig.bin(RPMSIGTAG_MD5) {
        Some(b) if b.len() == 16 => Some(b.to_vec()),
        Some(_) => return Err(bad_tag("MD5")),
        None if sig.has(RPMSIGTAG_MD5) => return Err(bad_tag("MD5")),
        None => None,
    };
    let payload = match file.header.string_array(RPMTAG_PAYLOADDIGEST).first() {
        None if file.header.has(RPMTAG_PAYLOADDIGEST) => return Err(bad_tag("PAYLOADDIGEST")),
        None => None,
        Some(s) => {
            let id = file.header.u32(RPMTAG_PAYLOADDIGESTALGO).unwrap_or(8);
            let algo = HashAlgo::from_pgp_id(id).ok_or_else(|| bad_tag("PAYLOADDIGESTALGO"))?;
            Some((algo, unhex(s).ok_or_else(|| bad_tag("PAYLOADDIGEST"))?))
        }
    };
    if (sha256.is_none() && sha1.is_none() && md5.is_none()) || (payload.is_none() && md5.is_none()) {
        return Err(PayloadError::NoDigest { path: path.clone() });
    }

    let mut h256 = sha256.as_ref().map(|_| HashAlgo::Sha256.hasher());
    let mut h1 = sha1.as_ref().map(|_| HashAlgo::Sha1.hasher());
    let mut hmd5 = md5.as_ref().map(|_| HashAlgo::Md5.hasher());
    let mut hpay = payload.as_ref().map(|(a, _)| a.hasher());

    let io = |source| PayloadError::Io { path: path.clone(), source };
    let mut f = std::fs::File::open(path).map_err(io)?;
    f.seek(SeekFrom::Start(file.header_start)).map_err(io)?;
    let mut header_left = file.header_end.saturating_sub(file.header_start);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(e)),
        };
        let chunk = &buf[..n];
        if let Some(h) = hmd5.as_mut() {
            h.update(chunk);
        }
        let in_header = header_left.min(n as u64) as usize;
        header_left -= in_header as u64;
        let (hdr, pay) = chunk.split_at(in_header);
        for h in [h256.as_mut(), h1.as_mut()].into_iter().flatten() {
            h.update(hdr);
        }
        if let Some(h) = hpay.as_mut() {
            h.update(pay);
        }
    }
    if header_left > 0 {
        return Err(PayloadError::Truncated { path: path.clone(), what: "main header" });
    }

    let mut report = DigestReport::default();
    let check = |h: Option<Hasher>, want: &Option<Vec<u8>>, what: &'static str| -> Result<bool, PayloadError> {
        match (h, want) {
            (Some(h), Some(w)) => {
                let got = h.finish();
                if &got == w {
                    Ok(true)
                } else {
                    Err(PayloadError::DigestMismatch {
                        path: path.clone(),
                        what,
                        expected: hex::encode(w),
                        actual: hex::encode(got),
                    })
                }
            }
            _ => Ok(false),
        }
    };
    report.header_sha256 = check(h256, &sha256, "header SHA256")?;
    report.header_sha1 = check(h1, &sha1, "header SHA1")?;
    if let Some((algo, w)) = &payload {
        check(hpay, &Some(w.clone()), "payload")?;
        report.payload = Some(*algo);
    }
    report.md5 = check(hmd5, &md5, "header+payload MD5")?;
    Ok(report)
}

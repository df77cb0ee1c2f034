//! Checksum and size verification while streaming.
//!
//! [`VerifyingReader`] hashes and counts every byte read through it. With an
//! expected size, the first byte past it is an error at once, so a server
//! sending endless data is cut off. [`VerifyingReader::finish`] reads what is
//! left and compares size and digest.
//!
//! When the reader has to be moved into something that takes ownership
//! (e.g. [`crate::decompress::open`]), keep a [`VerifyHandle`] from
//! [`VerifyingReader::handle`] and call [`VerifyHandle::finish`] afterwards.

use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use md5::Digest as _;

use crate::error::Error;
use crate::model::{Checksum, ChecksumKind};

/// An incremental digest of any [`ChecksumKind`].
#[derive(Clone)]
pub enum Hasher {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    /// A fresh hasher for `kind`.
    pub fn new(kind: ChecksumKind) -> Hasher {
        match kind {
            ChecksumKind::Md5 => Hasher::Md5(md5::Md5::new()),
            ChecksumKind::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            ChecksumKind::Sha224 => Hasher::Sha224(sha2::Sha224::new()),
            ChecksumKind::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            ChecksumKind::Sha384 => Hasher::Sha384(sha2::Sha384::new()),
            ChecksumKind::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }

    /// Feed bytes.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Md5(h) => h.update(data),
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha224(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    /// The digest so far, as a lowercase-hex [`Checksum`].
    pub fn finalize(self) -> Checksum {
        let (kind, hex) = match self {
            Hasher::Md5(h) => (ChecksumKind::Md5, hex::encode(h.finalize())),
            Hasher::Sha1(h) => (ChecksumKind::Sha1, hex::encode(h.finalize())),
            Hasher::Sha224(h) => (ChecksumKind::Sha224, hex::encode(h.finalize())),
            Hasher::Sha256(h) => (ChecksumKind::Sha256, hex::encode(h.finalize())),
            Hasher::Sha384(h) => (ChecksumKind::Sha384, hex::encode(h.finalize())),
            Hasher::Sha512(h) => (ChecksumKind::Sha512, hex::encode(h.finalize())),
        };
        Checksum { kind, hex }
    }
}

/// Digest of `data` in one call.
pub fn digest_bytes(data: &[u8], kind: ChecksumKind) -> Checksum {
    let mut h = Hasher::new(kind);
    h.update(data);
    h.finalize()
}

/// Digest of the file at `path`, streamed.
pub fn digest_file(path: impl AsRef<Path>, kind: ChecksumKind) -> Result<Checksum, Error> {
    let path = path.as_ref();
    let label = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| Error::io(&label, e))?;
    let mut r = VerifyingReader::new(f, &label, Some(kind), None, None);
    r.finish()
}

struct State {
    label: String,
    hasher: Option<Hasher>,
    expected: Option<Checksum>,
    expected_size: Option<u64>,
    count: u64,
}

fn lock(s: &Mutex<State>) -> MutexGuard<'_, State> {
    s.lock().unwrap_or_else(|p| p.into_inner())
}

impl State {
    fn check(&mut self) -> Result<Checksum, Error> {
        if let Some(exp) = self.expected_size
            && self.count != exp
        {
            return Err(Error::SizeMismatch {
                file: self.label.clone(),
                expected: exp,
                actual: self.count,
            });
        }
        let actual = match self.hasher.take() {
            Some(h) => h.finalize(),
            None => {
                return Err(Error::Invalid {
                    file: self.label.clone(),
                    message: "verification finished twice".to_owned(),
                });
            }
        };
        if let Some(exp) = &self.expected
            && !exp.hex.eq_ignore_ascii_case(&actual.hex)
        {
            return Err(Error::ChecksumMismatch {
                file: self.label.clone(),
                kind: exp.kind,
                expected: exp.hex.clone(),
                actual: actual.hex,
            });
        }
        Ok(actual)
    }
}

/// A reader that hashes and counts what passes through it.
pub struct VerifyingReader<R> {
    inner: R,
    state: Arc<Mutex<State>>,
}

/// A handle that can finish the verification of a [`VerifyingReader`]
/// that has been moved elsewhere (it does not read the rest of the data).
#[derive(Clone)]
pub struct VerifyHandle {
    state: Arc<Mutex<State>>,
}

impl<R: Read> VerifyingReader<R> {
    /// Verify against an expected [`Checksum`] and/or size; `label` names the
    /// file in errors. With neither, it only computes a sha256.
    pub fn expecting(inner: R, label: &str, checksum: Option<&Checksum>, size: Option<u64>) -> Self {
        let kind = checksum.map(|c| c.kind);
        VerifyingReader::new(inner, label, kind, checksum.cloned(), size)
    }

    /// Full constructor: `kind` is the digest to compute (defaults to the
    /// expected checksum's kind, else sha256).
    pub fn new(
        inner: R,
        label: &str,
        kind: Option<ChecksumKind>,
        expected: Option<Checksum>,
        expected_size: Option<u64>,
    ) -> Self {
        let kind = kind.or(expected.as_ref().map(|c| c.kind)).unwrap_or(ChecksumKind::Sha256);
        VerifyingReader {
            inner,
            state: Arc::new(Mutex::new(State {
                label: label.to_owned(),
                hasher: Some(Hasher::new(kind)),
                expected,
                expected_size,
                count: 0,
            })),
        }
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        lock(&self.state).count
    }

    /// A handle to finish verification after this reader has been moved away.
    pub fn handle(&self) -> VerifyHandle {
        VerifyHandle {
            state: Arc::clone(&self.state),
        }
    }

    /// Read the rest of the data, then check size and digest. Returns the
    /// computed checksum.
    pub fn finish(&mut self) -> Result<Checksum, Error> {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match self.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let label = lock(&self.state).label.clone();
                    return Err(Error::io(&label, e));
                }
            }
        }
        lock(&self.state).check()
    }

    /// The wrapped reader.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl VerifyHandle {
    /// Check size and digest of what has been read so far.
    pub fn finish(&self) -> Result<Checksum, Error> {
        lock(&self.state).check()
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        lock(&self.state).count
    }
}

impl<R: Read> Read for VerifyingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut st = lock(&self.state);
        // Never ask for more than one byte past the limit.
        let want = match st.expected_size {
            Some(exp) => {
                let left = exp.saturating_sub(st.count);
                buf.len().min(usize::try_from(left).unwrap_or(usize::MAX).saturating_add(1))
            }
            None => buf.len(),
        };
        let n = self.inner.read(&mut buf[..want])?;
        if let Some(exp) = st.expected_size
            && st.count + n as u64 > exp
        {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                Error::SizeExceeded {
                    file: st.label.clone(),
                    expected: exp,
                },
            ));
        }
        st.count += n as u64;
        if let Some(h) = st.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        Ok(n)
    }
}

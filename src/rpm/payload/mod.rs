//! The payload of a `.rpm`: digest checks ([`verify_digests`]) and a
//! streaming cpio reader ([`PayloadReader`]) over the decompressed payload.
//!
//! Nothing here holds a whole payload or file in memory, and no allocation is
//! sized from untrusted archive fields beyond [`cpio::MAX_NAME`].

pub mod cpio;
pub mod digest;

#[cfg(test)]
mod tests;

use std::collections::{BTreeSet, HashSet};
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::PathBuf;

pub use digest::{DigestReport, HashAlgo, Hasher, verify_digests};
use super::filelist::{FileEntry, file_entries};

use super::file::RpmFile;
use super::tags::*;
use cpio::{Counting, CpioError, RawHeader};

/// Why a payload could not be verified or read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum PayloadError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: decompressing the payload failed: {source}")]
    Decompress { path: PathBuf, source: io::Error },
    #[error("{path}: {what} digest mismatch (expected {expected}, got {actual})")]
    DigestMismatch { path: PathBuf, what: &'static str, expected: String, actual: String },
    #[error("{path}: malformed {what} tag")]
    BadDigestTag { path: PathBuf, what: &'static str },
    #[error("{path}: package carries no digest covering its header or payload")]
    NoDigest { path: PathBuf },
    #[error("{path}: file digest mismatch for {file} (expected {expected}, got {actual})")]
    FileDigestMismatch { path: PathBuf, file: String, expected: String, actual: String },
    #[error("{path}: unsupported file digest algorithm {algo}")]
    UnknownFileDigestAlgo { path: PathBuf, algo: u32 },
    #[error("{path}: payload truncated ({what})")]
    Truncated { path: PathBuf, what: &'static str },
    #[error("{path}: bad cpio magic {magic:?} at payload offset {offset}")]
    BadMagic { path: PathBuf, magic: String, offset: u64 },
    #[error("{path}: bad cpio header at payload offset {offset}: {what}")]
    BadHeader { path: PathBuf, offset: u64, what: &'static str },
    #[error("{path}: unknown payload compressor {name:?}")]
    UnknownCompressor { path: PathBuf, name: String },
    #[error("{path}: bad file list in header: {what}")]
    BadFileList { path: PathBuf, what: String },
    #[error("{path}: file {file} is missing from the payload")]
    MissingFile { path: PathBuf, file: String },
    #[error("{path}: hardlink set of {file} has no content in the payload")]
    MissingHardlinkContent { path: PathBuf, file: String },
}

/// One archive member. Metadata is from the cpio header for newc entries
/// (rpm itself trusts the main header: use `index` for that), from the main
/// header for stripped `07070X` entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadEntry {
    /// Index in the header's file list; `None` if the name is not listed.
    pub index: Option<usize>,
    /// Absolute path, e.g. `/usr/bin/alpha`.
    pub path: String,
    pub mode: u32,
    /// The file's size (header FILESIZES/LONGFILESIZES when `index` is known).
    pub size: u64,
    pub nlink: u32,
    pub ino: u32,
    pub rdev: u32,
    pub mtime: u32,
    /// Bytes of content stored for this member: 0 for all but the last
    /// member of a hardlink set; the target's length for symlinks.
    pub data_size: u64,
}

impl PayloadEntry {
    pub fn is_regular(&self) -> bool {
        self.mode & S_IFMT == S_IFREG
    }
    /// A hardlink member whose content comes with another member of its set.
    pub fn content_elsewhere(&self) -> bool {
        self.is_regular() && self.data_size == 0 && self.size > 0
    }
}

/// The current member's unread content.
struct Current {
    remaining: u64,
    /// Running file digest and its expected value, when checked.
    check: Option<(Hasher, Vec<u8>, String)>,
}

/// Streaming reader over a package's cpio payload.
pub struct PayloadReader {
    path: PathBuf,
    inner: Counting<Box<dyn Read>>,
    files: Vec<FileEntry>,
    by_path: std::collections::HashMap<String, usize>,
    file_algo: u32,
    verify: bool,
    cur: Option<Current>,
    seen: Vec<bool>,
    /// Header file indexes of hardlink members seen without content, and
    /// header inodes whose content was seen (both bounded by the header).
    pending_links: BTreeSet<usize>,
    fed_links: HashSet<u32>,
    done: bool,
}

fn open_decompressor(file: &RpmFile) -> Result<Box<dyn Read>, PayloadError> {
    let path = &file.path;
    let io = |source| PayloadError::Io { path: path.clone(), source };
    let mut f = std::fs::File::open(path).map_err(io)?;
    f.seek(SeekFrom::Start(file.payload_offset)).map_err(io)?;
    let mut src = BufReader::with_capacity(64 * 1024, f);
    let name = file.payload_compressor().unwrap_or("gzip");
    const MEMLIMIT: u64 = 512 << 20;
    let lz = |s: Result<liblzma::stream::Stream, liblzma::stream::Error>| {
        s.map_err(|e| PayloadError::Decompress { path: path.clone(), source: e.into() })
    };
    Ok(match name {
        "gzip" => {
            // zlib's gzdopen reads non-gzip data transparently; rpm relies on that
            // for packages whose header names no compressor but store plain cpio.
            let head = io::BufRead::fill_buf(&mut src).map_err(io)?;
            if head.starts_with(&[0x1f, 0x8b]) {
                Box::new(flate2::bufread::MultiGzDecoder::new(src))
            } else {
                Box::new(src)
            }
        }
        "bzip2" => Box::new(bzip2::bufread::MultiBzDecoder::new(src)),
        "xz" => {
            let s = lz(liblzma::stream::Stream::new_stream_decoder(MEMLIMIT, liblzma::stream::CONCATENATED))?;
            Box::new(liblzma::bufread::XzDecoder::new_stream(src, s))
        }
        "lzma" => {
            let s = lz(liblzma::stream::Stream::new_lzma_decoder(MEMLIMIT))?;
            Box::new(liblzma::bufread::XzDecoder::new_stream(src, s))
        }
        "zstd" => Box::new(
            zstd::stream::read::Decoder::with_buffer(src)
                .map_err(|e| PayloadError::Decompress { path: path.clone(), source: e })?,
        ),
        "none" | "" => Box::new(src),
        other => return Err(PayloadError::UnknownCompressor { path: path.clone(), name: other.to_owned() }),
    })
}

impl PayloadReader {
    /// Open `file`'s payload for reading (file digests not checked).
    pub fn new(file: &RpmFile) -> Result<PayloadReader, PayloadError> {
        let files =
            file_entries(&file.header).map_err(|what| PayloadError::BadFileList { path: file.path.clone(), what })?;
        // Source packages list bare names (`foo.spec`, DIRNAMES `""`): key
        // the header's paths as the archive names are normalised.
        let by_path = files.iter().enumerate().map(|(i, f)| (cpio::normalise(f.path.as_bytes()), i)).collect();
        let inner = Counting { inner: open_decompressor(file)?, pos: 0 };
        Ok(PayloadReader {
            path: file.path.clone(),
            inner,
            seen: vec![false; files.len()],
            files,
            by_path,
            file_algo: file.header.u32(RPMTAG_FILEDIGESTALGO).unwrap_or(1),
            verify: false,
            cur: None,
            pending_links: BTreeSet::new(),
            fed_links: HashSet::new(),
            done: false,
        })
    }

    /// Check each regular file's content against FILEDIGESTS: a content read
    /// (or the automatic skip in [`next_entry`](Self::next_entry)) fails with
    /// [`PayloadError::FileDigestMismatch`] at the end of a bad entry.
    pub fn verify_file_digests(&mut self, on: bool) -> &mut Self {
        self.verify = on;
        self
    }

    fn err_at(&self, e: CpioError) -> PayloadError {
        let path = self.path.clone();
        let offset = self.inner.pos;
        match e {
            CpioError::Eof => PayloadError::Truncated { path, what: "archive ended before TRAILER!!!" },
            CpioError::Io(source) => io_to_payload(path, source),
            CpioError::BadMagic(m) => {
                PayloadError::BadMagic { path, magic: String::from_utf8_lossy(&m).into(), offset }
            }
            CpioError::BadHex(what) | CpioError::BadName(what) => PayloadError::BadHeader { path, offset, what },
        }
    }

    /// Advance to the next member, skipping (and, if enabled, verifying) the
    /// unread content of the current one. `None` after `TRAILER!!!`.
    pub fn next_entry(&mut self) -> Result<Option<PayloadEntry>, PayloadError> {
        if self.done {
            return Ok(None);
        }
        if self.cur.is_some() {
            io::copy(&mut self.content(), &mut io::sink()).map_err(|e| io_to_payload(self.path.clone(), e))?;
            self.cur = None;
            cpio::skip_pad(&mut self.inner).map_err(|e| self.err_at(e))?;
        }
        loop {
            let raw = cpio::read_header(&mut self.inner).map_err(|e| self.err_at(e))?;
            let entry = match raw {
                RawHeader::Newc { name, .. } if name == b"TRAILER!!!" => return self.finish().map(|()| None),
                RawHeader::Newc { ino, mode, nlink, mtime, filesize, rdev, name } => {
                    let path = cpio::normalise(&name);
                    let index = self.by_path.get(&path).copied();
                    let size = index.map_or(u64::from(filesize), |i| self.files[i].size);
                    PayloadEntry { index, path, mode, size, nlink, ino, rdev, mtime, data_size: u64::from(filesize) }
                }
                RawHeader::Stripped { index } => {
                    let i = index as usize;
                    let Some(f) = self.files.get(i) else {
                        let offset = self.inner.pos;
                        return Err(PayloadError::BadHeader {
                            path: self.path.clone(),
                            offset,
                            what: "file index out of range",
                        });
                    };
                    let data_size = match f.mode & S_IFMT {
                        S_IFREG if f.carries_data => f.size,
                        S_IFLNK => f.size,
                        _ => 0,
                    };
                    PayloadEntry {
                        index: Some(i),
                        path: f.path.clone(),
                        mode: f.mode,
                        size: f.size,
                        nlink: f.nlink,
                        ino: f.ino,
                        rdev: f.rdev,
                        mtime: f.mtime,
                        data_size,
                    }
                }
            };
            let ghost = entry.index.is_some_and(|i| self.files[i].flags & RPMFILE_GHOST != 0);
            if let Some(i) = entry.index {
                self.seen[i] = true;
            }
            if entry.is_regular() && entry.data_size != entry.size && !(entry.data_size == 0 && entry.nlink > 1) {
                let offset = self.inner.pos;
                return Err(PayloadError::BadHeader {
                    path: self.path.clone(),
                    offset,
                    what: "file size differs from the header",
                });
            }
            let check = self.expected_digest(&entry)?;
            self.cur = Some(Current { remaining: entry.data_size, check });
            if let Some(i) = entry.index.filter(|_| entry.is_regular()) {
                if entry.content_elsewhere() {
                    self.pending_links.insert(i);
                } else if entry.data_size > 0 {
                    self.fed_links.insert(self.files[i].ino);
                }
            }
            if ghost {
                // rpm < 4.11 sometimes stored %ghost files; rpm skips them.
                self.cur = Some(Current { remaining: entry.data_size, check: None });
                io::copy(&mut self.content(), &mut io::sink()).map_err(|e| io_to_payload(self.path.clone(), e))?;
                self.cur = None;
                cpio::skip_pad(&mut self.inner).map_err(|e| self.err_at(e))?;
                continue;
            }
            return Ok(Some(entry));
        }
    }

    /// The digest to check for `entry`, if verification is on and applies.
    fn expected_digest(&self, entry: &PayloadEntry) -> Result<Option<(Hasher, Vec<u8>, String)>, PayloadError> {
        let Some(i) = entry.index else { return Ok(None) };
        let f = &self.files[i];
        if !self.verify || f.mode & S_IFMT != S_IFREG || f.digest.is_empty() || entry.data_size != f.size {
            return Ok(None);
        }
        let algo = HashAlgo::from_pgp_id(self.file_algo)
            .ok_or(PayloadError::UnknownFileDigestAlgo { path: self.path.clone(), algo: self.file_algo })?;
        let want = hex::decode(&f.digest)
            .map_err(|_| PayloadError::BadDigestTag { path: self.path.clone(), what: "FILEDIGESTS" })?;
        Ok(Some((algo.hasher(), want, entry.path.clone())))
    }

    /// At the trailer: every non-ghost file must have been present and every
    /// hardlink set must have delivered its content.
    fn finish(&mut self) -> Result<(), PayloadError> {
        self.done = true;
        // Read the rest of the stream (trailer padding) so that the decoder
        // checks its own trailer (gzip CRC/size, xz/zstd checksums).
        io::copy(&mut self.inner, &mut io::sink()).map_err(|e| io_to_payload(self.path.clone(), e))?;
        if let Some(i) = (0..self.files.len()).find(|&i| !self.seen[i] && self.files[i].flags & RPMFILE_GHOST == 0) {
            return Err(PayloadError::MissingFile { path: self.path.clone(), file: self.files[i].path.clone() });
        }
        if let Some(&i) = self.pending_links.iter().find(|&&i| !self.fed_links.contains(&self.files[i].ino)) {
            return Err(PayloadError::MissingHardlinkContent {
                path: self.path.clone(),
                file: self.files[i].path.clone(),
            });
        }
        Ok(())
    }

    /// The current member's content, limited to its stored size. Reading to
    /// the end checks the file digest when enabled. Empty before the first
    /// [`next_entry`](Self::next_entry) and after the trailer.
    pub fn content(&mut self) -> Content<'_> {
        Content { r: self }
    }
}

/// [`Read`] over one member's content; see [`PayloadReader::content`].
/// Errors are `io::Error`s wrapping a [`PayloadError`] (`get_ref()` +
/// `downcast_ref`), so a digest mismatch stays typed.
pub struct Content<'a> {
    r: &'a mut PayloadReader,
}

fn io_to_payload(path: PathBuf, e: io::Error) -> PayloadError {
    if e.get_ref().is_some_and(|i| i.is::<PayloadError>()) {
        if let Some(inner) = e.into_inner()
            && let Ok(p) = inner.downcast::<PayloadError>()
        {
            return *p;
        }
        return PayloadError::Truncated { path, what: "unreadable error" };
    }
    if e.kind() == io::ErrorKind::UnexpectedEof {
        PayloadError::Truncated { path, what: "content ended early" }
    } else {
        PayloadError::Decompress { path, source: e }
    }
}

impl Read for Content<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let r = &mut *self.r;
        let Some(cur) = r.cur.as_mut() else { return Ok(0) };
        let n = if cur.remaining == 0 || buf.is_empty() {
            0
        } else {
            let want = buf.len().min(usize::try_from(cur.remaining).unwrap_or(usize::MAX));
            let n = r.inner.read(&mut buf[..want])?;
            if n == 0 {
                return Err(io::Error::other(PayloadError::Truncated {
                    path: r.path.clone(),
                    what: "archive ended inside a file's content",
                }));
            }
            cur.remaining -= n as u64;
            if let Some((h, _, _)) = cur.check.as_mut() {
                h.update(&buf[..n]);
            }
            n
        };
        if cur.remaining == 0
            && let Some((h, want, file)) = cur.check.take()
        {
            let got = h.finish();
            if got != want {
                return Err(io::Error::other(PayloadError::FileDigestMismatch {
                    path: r.path.clone(),
                    file,
                    expected: hex::encode(want),
                    actual: hex::encode(got),
                }));
            }
        }
        Ok(n)
    }
}

//! Transparent, streaming decompression chosen by magic bytes.
//!
//! Supported: gzip (multi-member), xz (multi-stream), zstd (multi-frame),
//! bzip2 (multi-stream), legacy `.lzma` (LZMA-alone), and plain XML.
//! zchunk (`.zck`) is recognised and reported as unsupported.

use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::Path;

use crate::error::Error;

/// A compression format recognised by [`sniff`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Uncompressed data (XML: starts with `<`, whitespace or a UTF-8 BOM; or empty).
    None,
    Gzip,
    Xz,
    Zstd,
    Bzip2,
    /// LZMA-alone (`.lzma`), as written by old createrepo `--compress-type=lzma`.
    Lzma,
}

/// Bytes needed by [`sniff`] to decide.
pub const SNIFF_LEN: usize = 13;

/// Decide the format from the first bytes of a stream (up to [`SNIFF_LEN`]).
/// `None` means "not recognised".
pub fn sniff(head: &[u8]) -> Option<Compression> {
    if head.is_empty() {
        return Some(Compression::None);
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        return Some(Compression::Gzip);
    }
    if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        return Some(Compression::Xz);
    }
    if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Some(Compression::Zstd);
    }
    if head.len() >= 4 && head.starts_with(b"BZh") && (b'1'..=b'9').contains(&head[3]) {
        return Some(Compression::Bzip2);
    }
    if is_lzma_alone(head) {
        return Some(Compression::Lzma);
    }
    if head.starts_with(&[0xef, 0xbb, 0xbf]) || matches!(head[0], b'<' | b' ' | b'\t' | b'\r' | b'\n') {
        return Some(Compression::None);
    }
    None
}

/// LZMA-alone has no magic; accept the header every encoder writes in
/// practice: properties byte 0x5d (lc=3 lp=0 pb=2) and a dictionary size
/// that is 2^n or 2^n + 2^(n-1), as xz-utils' own detection does.
fn is_lzma_alone(h: &[u8]) -> bool {
    if h.len() < 13 || h[0] != 0x5d {
        return false;
    }
    let dict = u32::from_le_bytes([h[1], h[2], h[3], h[4]]);
    if dict < 4096 {
        return false;
    }
    let size = u64::from_le_bytes([h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12]]);
    let dict_ok = dict == u32::MAX
        || dict.count_ones() == 1
        || (dict.count_ones() == 2 && (dict >> dict.trailing_zeros()) == 3);
    dict_ok && (size == u64::MAX || size < (1 << 38))
}

/// Wrap `reader` in the right decoder. `label` names the file in errors.
/// The data is streamed: nothing beyond a decoder's buffer is held in memory.
pub fn open(reader: impl Read + 'static, label: &str) -> Result<Box<dyn BufRead>, Error> {
    let mut reader = reader;
    let mut head = [0u8; SNIFF_LEN];
    let mut got = 0;
    while got < head.len() {
        match reader.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io(label, e)),
        }
    }
    let head = &head[..got];
    let kind = sniff(head).ok_or_else(|| Error::UnknownCompression {
        file: label.to_owned(),
        magic: describe(head),
    })?;
    let src = Cursor::new(head.to_vec()).chain(reader);
    const CAP: usize = 64 * 1024;
    Ok(match kind {
        Compression::None => Box::new(BufReader::with_capacity(CAP, src)),
        Compression::Gzip => Box::new(BufReader::with_capacity(CAP, flate2::read::MultiGzDecoder::new(src))),
        Compression::Xz => Box::new(BufReader::with_capacity(
            CAP,
            liblzma::read::XzDecoder::new_multi_decoder(src),
        )),
        Compression::Zstd => {
            let d = zstd::stream::read::Decoder::new(src).map_err(|e| Error::io(label, e))?;
            Box::new(BufReader::with_capacity(CAP, d))
        }
        Compression::Bzip2 => Box::new(BufReader::with_capacity(CAP, bzip2::read::MultiBzDecoder::new(src))),
        Compression::Lzma => {
            let stream = liblzma::stream::Stream::new_lzma_decoder(u64::MAX)
                .map_err(|e| Error::io(label, e.into()))?;
            Box::new(BufReader::with_capacity(CAP, liblzma::read::XzDecoder::new_stream(src, stream)))
        }
    })
}

/// [`open`] a file by path; the label is the path as given.
pub fn open_path(path: impl AsRef<Path>) -> Result<Box<dyn BufRead>, Error> {
    let path = path.as_ref();
    let label = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| Error::io(&label, e))?;
    open(f, &label)
}

fn describe(head: &[u8]) -> String {
    if head.starts_with(b"\0ZCK1") {
        return "\\0ZCK1 (zchunk, not supported)".to_owned();
    }
    let n = head.len().min(6);
    hex::encode(&head[..n])
}

//! Low-level cpio reading: newc (`070701`/`070702`) headers and rpm's stripped
//! `07070X` headers, over a reader that counts its position for padding.

use std::io::{self, Read};

/// Longest entry name accepted (PATH_MAX plus room for `./` and the NUL).
pub const MAX_NAME: usize = 4096 + 8;

/// A reader that remembers how many bytes it has returned.
pub struct Counting<R> {
    pub inner: R,
    pub pos: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// Why a cpio header could not be read.
#[derive(Debug)]
pub enum CpioError {
    /// Input ended inside a header (or before the trailer).
    Eof,
    /// Decompression or read failure.
    Io(io::Error),
    BadMagic([u8; 6]),
    BadHex(&'static str),
    BadName(&'static str),
}

impl From<io::Error> for CpioError {
    fn from(e: io::Error) -> CpioError {
        if e.kind() == io::ErrorKind::UnexpectedEof { CpioError::Eof } else { CpioError::Io(e) }
    }
}

/// One archive header as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawHeader {
    /// A newc entry; `name` is as stored (without the NUL).
    Newc { ino: u32, mode: u32, nlink: u32, mtime: u32, filesize: u32, rdev: u32, name: Vec<u8> },
    /// A stripped entry: only the header file index; sizes come from the header.
    Stripped { index: u32 },
}

fn hex8(b: &[u8], what: &'static str) -> Result<u32, CpioError> {
    let s = std::str::from_utf8(b).map_err(|_| CpioError::BadHex(what))?;
    u32::from_str_radix(s, 16).map_err(|_| CpioError::BadHex(what))
}

/// Read `n` (< 4) padding bytes and discard them.
pub fn skip_pad<R: Read>(r: &mut Counting<R>) -> Result<(), CpioError> {
    let pad = ((4 - r.pos % 4) % 4) as usize;
    let mut b = [0u8; 3];
    r.read_exact(&mut b[..pad])?;
    Ok(())
}

/// Read the next header at the (4-aligned) current position, including the
/// name and the padding up to the data.
pub fn read_header<R: Read>(r: &mut Counting<R>) -> Result<RawHeader, CpioError> {
    let mut magic = [0u8; 6];
    r.read_exact(&mut magic)?;
    match &magic {
        b"07070X" => {
            let mut idx = [0u8; 8];
            r.read_exact(&mut idx)?;
            let index = hex8(&idx, "file index")?;
            skip_pad(r)?;
            Ok(RawHeader::Stripped { index })
        }
        b"070701" | b"070702" => {
            let mut f = [0u8; 104];
            r.read_exact(&mut f)?;
            let field = |i: usize, what| hex8(&f[i * 8..i * 8 + 8], what);
            let ino = field(0, "ino")?;
            let mode = field(1, "mode")?;
            let nlink = field(4, "nlink")?;
            let mtime = field(5, "mtime")?;
            let filesize = field(6, "filesize")?;
            let rdev_major = field(9, "rdevmajor")?;
            let rdev_minor = field(10, "rdevminor")?;
            let namesize = field(11, "namesize")? as usize;
            if namesize == 0 || namesize > MAX_NAME {
                return Err(CpioError::BadName("name size out of range"));
            }
            let mut name = vec![0u8; namesize];
            r.read_exact(&mut name)?;
            if name.pop() != Some(0) || name.contains(&0) {
                return Err(CpioError::BadName("name not NUL-terminated"));
            }
            skip_pad(r)?;
            // Linux `makedev` layout for the common 12/20-bit split (rpm's FILERDEVS is 16-bit).
            let rdev = ((rdev_major & 0xfff) << 8) | (rdev_minor & 0xff) | ((rdev_minor & !0xff) << 12);
            Ok(RawHeader::Newc { ino, mode, nlink, mtime, filesize, rdev, name })
        }
        _ => Err(CpioError::BadMagic(magic)),
    }
}

/// Normalise an archive name (`./usr/bin/x`, `usr/bin/x`, `/usr/bin/x`) to
/// an absolute path.
pub fn normalise(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    let s = s.strip_prefix('.').filter(|r| r.is_empty() || r.starts_with('/')).unwrap_or(&s);
    let s = s.trim_start_matches('/');
    format!("/{s}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_names() {
        assert_eq!(normalise(b"./usr/bin/alpha"), "/usr/bin/alpha");
        assert_eq!(normalise(b"usr/bin/alpha"), "/usr/bin/alpha");
        assert_eq!(normalise(b"/usr"), "/usr");
        assert_eq!(normalise(b"."), "/");
        assert_eq!(normalise(b".hidden"), "/.hidden");
    }

    #[test]
    fn rejects_garbage_headers() {
        let mut r = Counting { inner: &b"070701zzzzzzzz"[..], pos: 0 };
        assert!(matches!(read_header(&mut r), Err(CpioError::Eof)));
        let mut r = Counting { inner: &b"123456"[..], pos: 0 };
        assert!(matches!(read_header(&mut r), Err(CpioError::BadMagic(_))));
        let mut h = b"070701".to_vec();
        h.extend(std::iter::repeat_n(b'0', 88));
        h.extend(b"FFFFFFFF00000000"); // huge namesize
        let mut r = Counting { inner: &h[..], pos: 0 };
        assert!(matches!(read_header(&mut r), Err(CpioError::BadName(_))));
    }
}

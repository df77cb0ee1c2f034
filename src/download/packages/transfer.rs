//! One package file: reuse, resume or download, verify, rename.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use repodata::Checksum;
use repodata::verify::Hasher;

use super::{ClientSource, FetchProgress, Fetched, PackageFetch, expected, part_path};
use crate::error::{Code, Error, Result};

// `Attempt::Retry` keeps the `.part` for a resume at the same URL;
// `Attempt::Final` removes it and moves on to the next URL.
use crate::download::fetch::{Attempt, try_urls};

type AttemptResult<T> = std::result::Result<T, Attempt>;

/// Fetch `item` (see the module documentation of [`super`]).
pub(super) fn fetch_one(clients: &dyn ClientSource, item: &PackageFetch, progress: &dyn FetchProgress) -> Result<Fetched> {
    let want = expected(item)?;
    if is_complete(&item.dest, item.size, &want)? {
        progress.reused(&item.name, item.size);
        return Ok(Fetched::Reused);
    }
    if let Some(dir) = item.dest.parent() {
        fs_err::create_dir_all(dir).map_err(|e| Error::io(dir.display(), e))?;
    }
    let part = part_path(&item.dest);
    let mut wire = 0u64;
    let none = Error::new(Code::BaseurlDoesNotExist, format!("{}: no URL to download from", item.name));
    try_urls(&item.urls, item.net.retries, none, |url| {
        progress.start(&item.name, item.size);
        let r = attempt_url(clients, url, item, &want, &part, progress, &mut wire);
        if matches!(r, Err(Attempt::Final(_))) {
            let _ = fs_err::remove_file(&part);
        }
        r
    })?;
    fs_err::rename(&part, &item.dest).map_err(|e| Error::io(item.dest.display(), e))?;
    progress.done(&item.name);
    Ok(Fetched::Downloaded { bytes: wire })
}

/// Whether `dest` holds the expected file; a wrong one is removed.
fn is_complete(dest: &Path, size: u64, want: &Checksum) -> Result<bool> {
    let meta = match fs_err::metadata(dest) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Error::io(dest.display(), e)),
    };
    if meta.is_file() && meta.len() == size && repodata::digest_file(dest, want.kind)?.hex.eq_ignore_ascii_case(&want.hex) {
        return Ok(true);
    }
    if meta.is_file() {
        fs_err::remove_file(dest).map_err(|e| Error::io(dest.display(), e))?;
    }
    Ok(false)
}

/// Bytes already in `part` (0 when absent or unusable), hashed into `hasher`.
fn resume_point(part: &Path, size: u64, hasher: &mut Hasher) -> AttemptResult<u64> {
    let have = fs_err::metadata(part).map(|m| m.len()).unwrap_or(0);
    if have == 0 || have > size {
        let _ = fs_err::remove_file(part);
        return Ok(0);
    }
    let mut f = fs_err::File::open(part).map_err(|e| Attempt::Final(Error::io(part.display(), e)))?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut read = 0u64;
    while read < have {
        let n = f.read(&mut buf).map_err(|e| Attempt::Final(Error::io(part.display(), e)))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        read += n as u64;
    }
    Ok(read)
}

/// One try at `url`: continue or (re)start `part`, stream, verify.
fn attempt_url(
    clients: &dyn ClientSource,
    url: &str,
    item: &PackageFetch,
    want: &Checksum,
    part: &Path,
    progress: &dyn FetchProgress,
    wire: &mut u64,
) -> AttemptResult<()> {
    let mut hasher = Hasher::new(want.kind);
    let have = resume_point(part, item.size, &mut hasher)?;
    let (mut reader, offset) = open_source(clients, url, item, have, part)?;
    if offset == 0 {
        hasher = Hasher::new(want.kind);
    } else {
        progress.advance(&item.name, offset);
    }
    let mut out = fs_err::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(offset == 0)
        .open(part)
        .map_err(|e| Attempt::Final(Error::io(part.display(), e)))?;
    out.seek(SeekFrom::Start(offset)).map_err(|e| Attempt::Final(Error::io(part.display(), e)))?;
    out.set_len(offset).map_err(|e| Attempt::Final(Error::io(part.display(), e)))?;
    let mut total = offset;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let _ = out.flush();
                let code = if e.kind() == std::io::ErrorKind::TimedOut { Code::CurlOperationTimedout } else { Code::CurlRecvError };
                return Err(Attempt::Retry(Error::new(code, format!("{url}: {e} (after {total} of {} bytes)", item.size))));
            }
        };
        total += n as u64;
        if total > item.size {
            return Err(Attempt::Final(Error::new(
                Code::SizeMismatch,
                format!("{url}: more data than the expected {} bytes", item.size),
            )));
        }
        out.write_all(&buf[..n]).map_err(|e| Attempt::Final(Error::io(part.display(), e)))?;
        hasher.update(&buf[..n]);
        *wire += n as u64;
        progress.advance(&item.name, n as u64);
    }
    out.sync_all().map_err(|e| Attempt::Final(Error::io(part.display(), e)))?;
    if total < item.size {
        let msg = format!("{url}: the transfer ended after {total} of {} bytes", item.size);
        return Err(if url.starts_with("file://") {
            Attempt::Final(Error::new(Code::SizeMismatch, msg))
        } else {
            Attempt::Retry(Error::new(Code::CurlRecvError, msg))
        });
    }
    let got = hasher.finalize();
    if !got.hex.eq_ignore_ascii_case(&want.hex) {
        let err = Error::new(
            Code::ChecksumMismatch,
            format!("{url}: {} checksum {} does not match the expected {}", want.kind.name(), got.hex, want.hex),
        );
        // A resumed `.part` may have been stale: start over once from 0.
        let _ = fs_err::remove_file(part);
        return Err(if offset > 0 { Attempt::Retry(err) } else { Attempt::Final(err) });
    }
    Ok(())
}

/// Open `url` at byte `have` when the source allows it; returns the reader
/// and the offset it starts at (0 when the file restarts).
fn open_source(
    clients: &dyn ClientSource,
    url: &str,
    item: &PackageFetch,
    have: u64,
    part: &Path,
) -> AttemptResult<(Box<dyn Read>, u64)> {
    if let Some(path) = url.strip_prefix("file://") {
        // curl's CURLE_FILE_COULDNT_READ_FILE (tdnf: 1201 + 37).
        let mut f = fs_err::File::open(path)
            .map_err(|e| Attempt::Final(Error::new(Code::CurlFileCouldntReadFile, format!("{url}: {e}"))))?;
        f.seek(SeekFrom::Start(have)).map_err(|e| Attempt::Final(Error::io(path, e)))?;
        return Ok((Box::new(f), have));
    }
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(Attempt::Final(Error::new(Code::CurlUnsupportedProtocol, format!("{url}: unsupported URL scheme"))));
    }
    let client = clients.http_client(&item.net).map_err(Attempt::Final)?;
    let mut req = client.get(url);
    if let Some((u, p)) = &item.net.auth {
        req = req.basic_auth(u, Some(p));
    }
    if have > 0 {
        req = req.header(reqwest::header::RANGE, format!("bytes={have}-"));
    }
    let resp = req.send().map_err(|e| classify(url, &e))?;
    let status = resp.status();
    let offset = match status.as_u16() {
        206 if content_range_start(&resp) == Some(have) => have,
        200 => 0,
        // Not the range asked for, or none at all: start over next time.
        206 | 416 => {
            let _ = fs_err::remove_file(part);
            return Err(Attempt::Retry(Error::new(Code::CurlRecvError, format!("{url}: HTTP status {status} for bytes={have}-"))));
        }
        _ => {
            let err = Error::new(Code::Einval, format!("{url}: HTTP status {status}"));
            return Err(if status.is_server_error() { Attempt::Retry(err) } else { Attempt::Final(err) });
        }
    };
    if resp.content_length().is_some_and(|n| offset.saturating_add(n) > item.size) {
        return Err(Attempt::Final(Error::new(
            Code::SizeMismatch,
            format!("{url}: server announces more than the expected {} bytes", item.size),
        )));
    }
    Ok((Box::new(resp), offset))
}

/// The first byte of a `Content-Range: bytes A-B/N` header.
fn content_range_start(resp: &reqwest::blocking::Response) -> Option<u64> {
    let v = resp.headers().get(reqwest::header::CONTENT_RANGE)?.to_str().ok()?;
    v.trim().strip_prefix("bytes ")?.split('-').next()?.trim().parse().ok()
}

/// A transport error, mapped to tdnf's curl-derived codes.
fn classify(url: &str, e: &reqwest::Error) -> Attempt {
    let mut msg = format!("{url}: {e}");
    let mut cur = std::error::Error::source(e);
    while let Some(c) = cur {
        msg.push_str(&format!(": {c}"));
        cur = c.source();
    }
    let lower = msg.to_ascii_lowercase();
    if e.is_timeout() {
        Attempt::Retry(Error::new(Code::CurlOperationTimedout, msg))
    } else if lower.contains("certificate") || lower.contains("unknownissuer") || lower.contains("invalid peer") {
        Attempt::Final(Error::new(Code::CurlPeerFailedVerification, msg))
    } else if e.is_connect() {
        Attempt::Retry(Error::new(Code::CurlCouldntConnect, msg))
    } else if e.is_builder() {
        Attempt::Final(Error::new(Code::CurlUrlMalformat, msg))
    } else {
        Attempt::Retry(Error::new(Code::CurlRecvError, msg))
    }
}

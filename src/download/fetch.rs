//! Fetching one file from a list of mirrors: `file://`, `http://` and
//! `https://`, with retries, a size cap, and a checksum check before the
//! file is moved into place. A partial download never looks complete: data
//! goes to `<dest>.part` and is renamed only after it was verified.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use repodata::Checksum;

use super::tls::{self, TlsOptions};
use crate::error::{Code, Error, Result};

/// Network settings of one repository.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct NetOptions {
    pub tls: TlsOptions,
    pub proxy: Option<String>,
    pub proxy_auth: Option<(String, String)>,
    pub auth: Option<(String, String)>,
    /// tdnf's `timeout`: connect and low-speed timeout in seconds; 0 means
    /// our default (tdnf waits forever).
    pub timeout: u64,
    pub retries: u32,
}

/// What the downloaded file must be.
#[derive(Debug, Clone, Default)]
pub struct Expect {
    pub size: Option<u64>,
    pub checksum: Option<Checksum>,
    /// Refuse more than this many bytes (endless-data attack).
    pub max_size: Option<u64>,
}

/// Default connect timeout when a repo sets `timeout=0`.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit for one file when a repo sets `timeout=0`.
const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(600);
/// Hard cap for files whose size is not known beforehand (repomd, keys).
const UNKNOWN_SIZE_CAP: u64 = 64 << 20;

/// Builds and caches one HTTP client per distinct set of network options.
pub struct Downloader {
    root: PathBuf,
    user_agent: String,
    clients: Mutex<HashMap<NetOptions, reqwest::blocking::Client>>,
}

impl Downloader {
    pub fn new(root: &Path, user_agent: String) -> Downloader {
        Downloader { root: root.to_path_buf(), user_agent, clients: Mutex::new(HashMap::new()) }
    }

    fn client(&self, opts: &NetOptions) -> Result<reqwest::blocking::Client> {
        let mut clients = self.clients.lock().map_err(|_| Error::new(Code::Eio, "download client lock poisoned"))?;
        if let Some(c) = clients.get(opts) {
            return Ok(c.clone());
        }
        // tdnf's `timeout` is curl's total timeout; 0 means ours: a connect
        // timeout and a generous total, so a stalled mirror cannot hang us.
        let (connect, total) = if opts.timeout == 0 {
            (DEFAULT_CONNECT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT)
        } else {
            (Duration::from_secs(opts.timeout), Duration::from_secs(opts.timeout))
        };
        let tls = tls::client_config(&opts.tls, &self.root)?;
        let mut builder = reqwest::blocking::Client::builder()
            .user_agent(self.user_agent.clone())
            .connect_timeout(connect)
            .timeout(total)
            .tls_backend_preconfigured(tls);
        if let Some(p) = &opts.proxy {
            let mut proxy = reqwest::Proxy::all(p).map_err(|e| Error::new(Code::CurlUrlMalformat, format!("proxy `{p}`: {e}")))?;
            if let Some((u, pw)) = &opts.proxy_auth {
                proxy = proxy.basic_auth(u, pw);
            }
            builder = builder.proxy(proxy);
        }
        let client = builder.build().map_err(|e| Error::new(Code::Eio, format!("cannot create HTTP client: {e}")))?;
        clients.insert(opts.clone(), client.clone());
        Ok(client)
    }

    /// Download `urls[0]`, falling back to the next URL on failure, into
    /// `dest`, verified against `expect`.
    pub fn fetch(&self, urls: &[String], dest: &Path, expect: &Expect, opts: &NetOptions) -> Result<()> {
        let none = Error::new(Code::BaseurlDoesNotExist, "no URL to download from");
        try_urls(urls, opts.retries, none, |url| self.fetch_one(url, dest, expect, opts))
    }

    fn fetch_one(&self, url: &str, dest: &Path, expect: &Expect, opts: &NetOptions) -> std::result::Result<(), Attempt> {
        let part = super::packages::part_path(dest);
        let result = self.download_to(url, &part, expect, opts).and_then(|()| {
            verify(&part, url, expect).map_err(Attempt::Final)?;
            fs_err::rename(&part, dest).map_err(|e| Attempt::Final(Error::io(dest.display(), e)))
        });
        if result.is_err() {
            let _ = fs_err::remove_file(&part);
        }
        result
    }

    fn download_to(&self, url: &str, part: &Path, expect: &Expect, opts: &NetOptions) -> std::result::Result<(), Attempt> {
        let cap = expect.max_size.or(expect.size).unwrap_or(UNKNOWN_SIZE_CAP);
        let mut reader: Box<dyn Read> = if let Some(path) = url.strip_prefix("file://") {
            // curl's CURLE_FILE_COULDNT_READ_FILE (tdnf: 1201 + 37).
            let f = fs_err::File::open(path)
                .map_err(|e| Attempt::Final(Error::new(Code::CurlFileCouldntReadFile, format!("{url}: {e}"))))?;
            Box::new(f)
        } else if url.starts_with("http://") || url.starts_with("https://") {
            let client = self.client(opts).map_err(Attempt::Final)?;
            let mut req = client.get(url);
            if let Some((u, p)) = &opts.auth {
                req = req.basic_auth(u, Some(p));
            }
            let resp = req.send().map_err(|e| classify(url, &e))?;
            let status = resp.status();
            if !status.is_success() {
                let err = Error::new(Code::Einval, format!("{url}: HTTP status {status}"));
                return Err(if status.is_server_error() { Attempt::Retry(err) } else { Attempt::Final(err) });
            }
            if resp.content_length().is_some_and(|n| n > cap) {
                return Err(Attempt::Final(Error::new(Code::SizeMismatch, format!("{url}: server announces more than the expected {cap} bytes"))));
            }
            Box::new(resp)
        } else {
            return Err(Attempt::Final(Error::new(Code::CurlUnsupportedProtocol, format!("{url}: unsupported URL scheme"))));
        };
        if let Some(dir) = part.parent() {
            fs_err::create_dir_all(dir).map_err(|e| Attempt::Final(Error::io(dir.display(), e)))?;
        }
        let mut out = fs_err::File::create(part).map_err(|e| Attempt::Final(Error::io(part.display(), e)))?;
        let mut buf = vec![0u8; 64 * 1024];
        let mut total: u64 = 0;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Attempt::Retry(Error::new(Code::CurlRecvError, format!("{url}: {e}")))),
            };
            total += n as u64;
            if total > cap {
                return Err(Attempt::Final(Error::new(Code::SizeMismatch, format!("{url}: more data than the expected {cap} bytes"))));
            }
            out.write_all(&buf[..n]).map_err(|e| Attempt::Final(Error::io(part.display(), e)))?;
        }
        out.flush().map_err(|e| Attempt::Final(Error::io(part.display(), e)))?;
        Ok(())
    }
}

/// How one attempt at one URL failed.
pub(crate) enum Attempt {
    /// Worth another try at the same URL.
    Retry(Error),
    /// Move on to the next URL.
    Final(Error),
}

/// Try `urls` in order, each up to `retries` times (1 to 10) with a short
/// growing pause, until `attempt` succeeds; the last error otherwise
/// (`none` when there is no URL). Shared by metadata and package downloads.
pub(crate) fn try_urls<T>(
    urls: &[String],
    retries: u32,
    none: Error,
    mut attempt: impl FnMut(&str) -> std::result::Result<T, Attempt>,
) -> Result<T> {
    let mut last = none;
    let attempts = retries.clamp(1, 10);
    for url in urls {
        for n in 1..=attempts {
            match attempt(url) {
                Ok(v) => return Ok(v),
                Err(Attempt::Final(e)) => {
                    last = e;
                    break;
                }
                Err(Attempt::Retry(e)) => {
                    last = e;
                    if n < attempts {
                        std::thread::sleep(Duration::from_millis(200 * u64::from(n)));
                    }
                }
            }
        }
    }
    Err(last)
}

/// Check size and checksum of a downloaded file.
pub fn verify(path: &Path, label: &str, expect: &Expect) -> Result<()> {
    if let Some(size) = expect.size {
        let actual = fs_err::metadata(path).map_err(|e| Error::io(path.display(), e))?.len();
        if actual != size {
            return Err(Error::new(Code::SizeMismatch, format!("{label}: size {actual} does not match the expected {size}")));
        }
    }
    if let Some(want) = &expect.checksum {
        let got = repodata::digest_file(path, want.kind)?;
        if !got.hex.eq_ignore_ascii_case(&want.hex) {
            return Err(Error::new(
                Code::ChecksumMismatch,
                format!("{label}: {} checksum {} does not match the expected {}", want.kind.name(), got.hex, want.hex),
            ));
        }
    }
    Ok(())
}

/// Map a transport error to tdnf's curl-derived codes.
fn classify(url: &str, e: &reqwest::Error) -> Attempt {
    let chain = error_chain(e);
    let msg = format!("{url}: {chain}");
    let lower = chain.to_ascii_lowercase();
    if e.is_timeout() {
        Attempt::Retry(Error::new(Code::CurlOperationTimedout, msg))
    } else if lower.contains("certificate") || lower.contains("unknownissuer") || lower.contains("invalid peer") {
        Attempt::Final(Error::new(Code::CurlPeerFailedVerification, msg))
    } else if lower.contains("dns") || lower.contains("resolve") || lower.contains("no record") {
        Attempt::Final(Error::new(Code::CurlCouldntResolveHost, msg))
    } else if e.is_connect() {
        Attempt::Retry(Error::new(Code::CurlCouldntConnect, msg))
    } else if e.is_builder() {
        Attempt::Final(Error::new(Code::CurlUrlMalformat, msg))
    } else {
        Attempt::Retry(Error::new(Code::CurlRecvError, msg))
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cur = c.source();
    }
    s
}

impl super::packages::ClientSource for Downloader {
    fn http_client(&self, opts: &NetOptions) -> Result<reqwest::blocking::Client> {
        self.client(opts)
    }
}

//! A tiny HTTP/1.1 server on 127.0.0.1 that honours `Range: bytes=N-`
//! (206 with `Content-Range`), and can close the first response after N
//! body bytes or send bodies without `Content-Length` (until close).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Default)]
pub(super) struct Options {
    /// Close the first response after this many body bytes (the full
    /// length is announced).
    pub(super) cut_first: Option<u64>,
    /// No `Content-Length`: the body ends when the connection closes.
    pub(super) no_length: bool,
}

pub(super) struct RangeServer {
    port: u16,
    /// The `Range` header of every request, in order.
    pub(super) ranges: Arc<Mutex<Vec<Option<String>>>>,
}

impl RangeServer {
    pub(super) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

pub(super) fn serve(root: &Path, opts: Options) -> RangeServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let ranges = Arc::new(Mutex::new(Vec::new()));
    let (root, log, cut_done) = (root.to_path_buf(), ranges.clone(), Arc::new(AtomicBool::new(false)));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (root, log, opts, cut_done) = (root.clone(), log.clone(), opts.clone(), cut_done.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                let mut range = None;
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':')
                        && k.trim().eq_ignore_ascii_case("range")
                    {
                        range = Some(v.trim().to_string());
                    }
                }
                log.lock().unwrap().push(range.clone());
                let s = reader.get_mut();
                let Ok(body) = std::fs::read(root.join(path.trim_start_matches('/'))) else {
                    let _ = s.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    return;
                };
                let len = body.len() as u64;
                let start = range
                    .as_deref()
                    .and_then(|r| r.strip_prefix("bytes="))
                    .and_then(|r| r.strip_suffix('-'))
                    .and_then(|n| n.parse::<u64>().ok());
                let (status, from) = match start {
                    Some(n) if n < len => (format!("206 Partial Content\r\nContent-Range: bytes {n}-{}/{len}", len - 1), n),
                    Some(_) => {
                        let _ = s.write_all(b"HTTP/1.1 416 Range Not Satisfiable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                        return;
                    }
                    None => ("200 OK".to_string(), 0),
                };
                let rest = &body[from as usize..];
                let length = if opts.no_length { String::new() } else { format!("Content-Length: {}\r\n", rest.len()) };
                let _ = s.write_all(format!("HTTP/1.1 {status}\r\n{length}Connection: close\r\n\r\n").as_bytes());
                let send = match opts.cut_first {
                    Some(n) if !cut_done.swap(true, Ordering::SeqCst) => &rest[..(n as usize).min(rest.len())],
                    _ => rest,
                };
                let _ = s.write_all(send);
                let _ = s.flush();
            });
        }
    });
    RangeServer { port, ranges }
}

//! A small HTTP/1.1 file server on 127.0.0.1 (port 0), optionally with TLS
//! (a CA and a server certificate made with `openssl` at test time), and
//! fault modes: a response that dies half-way, or a 404 for chosen paths.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Paths (suffix match) answered with the first half of the body, then EOF.
    pub truncate: Vec<String>,
    /// Paths (suffix match) answered with 404.
    pub not_found: Vec<String>,
}

pub struct Server {
    pub port: u16,
    pub requests: Arc<AtomicUsize>,
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn url(&self, tls: bool) -> String {
        if tls { format!("https://localhost:{}", self.port) } else { format!("http://127.0.0.1:{}", self.port) }
    }
}

/// Serve `root` over plain HTTP.
pub fn serve(root: &Path, faults: Faults) -> Server {
    start(root, faults, None)
}

/// Serve `root` over HTTPS with a fresh CA; returns the server and the CA file.
pub fn serve_tls(root: &Path, faults: Faults, workdir: &Path) -> (Server, PathBuf) {
    let (config, ca) = tls_config(workdir);
    (start(root, faults, Some(Arc::new(config))), ca)
}

fn start(root: &Path, faults: Faults, tls: Option<Arc<rustls::ServerConfig>>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let requests = Arc::new(AtomicUsize::new(0));
    let log = Arc::new(Mutex::new(Vec::new()));
    let (root, faults) = (root.to_path_buf(), Arc::new(faults));
    let (req2, log2) = (requests.clone(), log.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (root, faults, tls, req, log) = (root.clone(), faults.clone(), tls.clone(), req2.clone(), log2.clone());
            std::thread::spawn(move || {
                req.fetch_add(1, Ordering::SeqCst);
                match tls {
                    None => handle(stream, &root, &faults, &log),
                    Some(cfg) => {
                        let Ok(conn) = rustls::ServerConnection::new(cfg) else { return };
                        let tls_stream = rustls::StreamOwned::new(conn, stream);
                        handle(tls_stream, &root, &faults, &log)
                    }
                }
            });
        }
    });
    Server { port, requests, log }
}

fn handle<S: Read + Write>(stream: S, root: &Path, faults: &Faults, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    // As an HTTP proxy the request line carries the absolute URL.
    if let Some(rest) = path.strip_prefix("http://") {
        path = rest.find('/').map(|i| rest[i..].to_string()).unwrap_or_else(|| "/".to_string());
    }
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
    }
    if let Ok(mut l) = log.lock() {
        l.push(path.clone());
    }
    let stream = reader.get_mut();
    let file = root.join(path.trim_start_matches('/'));
    let body = if faults.not_found.iter().any(|s| path.ends_with(s.as_str())) { None } else { std::fs::read(&file).ok() };
    let Some(body) = body else {
        let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    };
    let header = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    let _ = stream.write_all(header.as_bytes());
    if faults.truncate.iter().any(|s| path.ends_with(s.as_str())) {
        let _ = stream.write_all(&body[..body.len() / 2]);
        let _ = stream.flush();
        return;
    }
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}

/// A CA and a `localhost` certificate signed by it (openssl CLI).
fn tls_config(dir: &Path) -> (rustls::ServerConfig, PathBuf) {
    let run = |args: &[&str]| {
        let st = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl");
        assert!(st.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&st.stderr));
    };
    run(&["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=tdnf test CA"]);
    run(&["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=localhost"]);
    std::fs::write(dir.join("ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n").expect("ext");
    run(&["x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "srv.pem", "-days", "2", "-extfile", "ext.cnf"]);
    let certs: Vec<_> = rustls_pemfile::certs(&mut std::fs::read(dir.join("srv.pem")).expect("pem").as_slice()).collect::<Result<_, _>>().expect("certs");
    let key = rustls_pemfile::private_key(&mut std::fs::read(dir.join("srv.key")).expect("key").as_slice()).expect("key").expect("key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("cert");
    (cfg, dir.join("ca.pem"))
}

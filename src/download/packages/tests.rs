//! Package downloads against real servers on 127.0.0.1: the test server of
//! `tests/support/server.rs` (http, https with a CA made by openssl, 404s,
//! bodies cut in half, no `Range` support) and [`range_server`] below
//! (`Range` support, a connection closed after N bytes, no Content-Length).
//! Sizes and checksums come from the spike repo's `primary.xml.gz`.
#![allow(clippy::unwrap_used)]

#[allow(dead_code, unreachable_pub)]
#[path = "../../../tests/support/server.rs"]
mod server;
mod range_server;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::*;
use crate::download::tls::TlsOptions;
use crate::test_support::spike_repo;
use server::Faults;

/// `(location_href, size, checksum type, checksum)` of every spike package.
fn primary() -> &'static HashMap<String, (u64, String, String)> {
    static P: std::sync::OnceLock<HashMap<String, (u64, String, String)>> = std::sync::OnceLock::new();
    P.get_or_init(|| {
        let repo = spike_repo();
        let repodata = repo.join("repodata");
        let primary = std::fs::read_dir(&repodata)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.to_string_lossy().ends_with("primary.xml.gz"))
            .unwrap();
        let mut out = HashMap::new();
        let reader = repodata::decompress::open_path(&primary).unwrap();
        repodata::parse_primary(reader, "primary", |p| {
            let c = p.checksum.clone().unwrap();
            out.insert(p.location_href.clone(), (p.size_package, c.kind.name().to_string(), c.hex));
            Ok(())
        })
        .unwrap();
        out
    })
}

/// A fetch of spike package `file` from each of `bases`, into `dir`.
fn item(file: &str, bases: &[String], dir: &Path, net: &NetOptions) -> PackageFetch {
    let (size, kind, sum) = primary().get(file).cloned().unwrap_or_else(|| panic!("{file} not in primary"));
    PackageFetch {
        name: file.trim_end_matches(".rpm").to_string(),
        urls: bases.iter().map(|b| format!("{b}/{file}")).collect(),
        dest: dir.join("rpms").join(file),
        size,
        checksum_kind: kind,
        checksum: sum,
        net: net.clone(),
    }
}

fn net(retries: u32) -> NetOptions {
    NetOptions { retries, tls: TlsOptions { verify: true, ..TlsOptions::default() }, ..NetOptions::default() }
}

fn clients() -> crate::download::Downloader {
    crate::download::Downloader::new(Path::new("/"), "tdnf-test".to_string())
}

/// Records every callback, and the most files in flight at once.
#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<String>>,
    bytes: Mutex<HashMap<String, u64>>,
}

impl FetchProgress for Recorder {
    fn begin(&self, n: usize, total: u64) {
        self.events.lock().unwrap().push(format!("begin {n} {total}"));
    }
    fn reused(&self, name: &str, _size: u64) {
        self.events.lock().unwrap().push(format!("reused {name}"));
    }
    fn start(&self, name: &str, _size: u64) {
        self.bytes.lock().unwrap().insert(name.to_string(), 0);
    }
    fn advance(&self, name: &str, bytes: u64) {
        *self.bytes.lock().unwrap().entry(name.to_string()).or_default() += bytes;
    }
    fn done(&self, name: &str) {
        self.events.lock().unwrap().push(format!("done {name}"));
    }
}

const SIX: [&str; 6] = [
    "spike-alpha-1.0-1.x86_64.rpm",
    "spike-alpha-2.0-1.x86_64.rpm",
    "spike-beta-1.0-1.noarch.rpm",
    "spike-comp-bzip2-1.0-1.noarch.rpm",
    "spike-comp-gzip-1.0-1.noarch.rpm",
    "spike-comp-lzma-1.0-1.noarch.rpm",
];

fn same_bytes(a: &Path, b: &Path) -> bool {
    std::fs::read(a).unwrap() == std::fs::read(b).unwrap()
}

fn has_part(dir: &Path) -> bool {
    std::fs::read_dir(dir.join("rpms")).map(|d| d.flatten().any(|e| e.path().to_string_lossy().ends_with(".part"))).unwrap_or(false)
}

#[test]
fn parallel_fetch_over_https_then_reuse() {
    let tmp = tempfile::tempdir().unwrap();
    let (srv, ca) = server::serve_tls(&spike_repo(), Faults::default(), tmp.path());
    let mut opts = net(2);
    opts.tls.ca_cert = Some(ca);
    let items: Vec<_> = SIX.iter().map(|f| item(f, &[srv.url(true)], tmp.path(), &opts)).collect();
    let rec = Recorder::default();
    let got = fetch_packages(&clients(), &items, 3, &rec).unwrap();
    assert!(got.iter().zip(&items).all(|(g, i)| *g == Fetched::Downloaded { bytes: i.size }), "{got:?}");
    for (f, i) in SIX.iter().zip(&items) {
        assert!(same_bytes(&i.dest, &spike_repo().join(f)), "{f}");
        assert_eq!(rec.bytes.lock().unwrap()[&i.name], i.size, "progress bytes of {f}");
    }
    let total: u64 = items.iter().map(|i| i.size).sum();
    let events = rec.events.lock().unwrap().clone();
    assert_eq!(events[0], format!("begin 6 {total}"));
    assert_eq!(events.iter().filter(|e| e.starts_with("done ")).count(), 6, "{events:?}");
    assert!(!has_part(tmp.path()));
    // keepcache: a second run finds everything in place and asks nothing.
    let before = srv.requests.load(std::sync::atomic::Ordering::SeqCst);
    let rec = Recorder::default();
    let got = fetch_packages(&clients(), &items, 3, &rec).unwrap();
    assert!(got.iter().all(|g| *g == Fetched::Reused), "{got:?}");
    assert_eq!(srv.requests.load(std::sync::atomic::Ordering::SeqCst), before);
    assert_eq!(rec.events.lock().unwrap().iter().filter(|e| e.starts_with("reused ")).count(), 6);
}

#[test]
fn https_without_the_ca_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (srv, _ca) = server::serve_tls(&spike_repo(), Faults::default(), tmp.path());
    let empty = tmp.path().join("empty.pem");
    std::fs::write(&empty, "").unwrap();
    let mut opts = net(1);
    opts.tls.ca_cert = Some(empty);
    let items = [item(SIX[0], &[srv.url(true)], tmp.path(), &opts)];
    let err = fetch_packages(&clients(), &items, 2, &NoProgress).unwrap_err();
    assert_eq!(err.number(), 1261, "{}", err.message());
    assert!(!items[0].dest.exists());
}

#[test]
fn wrong_checksum_is_refused_and_nothing_is_left() {
    let tmp = tempfile::tempdir().unwrap();
    let srv = server::serve(&spike_repo(), Faults::default());
    let mut it = item(SIX[2], &[srv.url(false)], tmp.path(), &net(3));
    it.checksum = "0".repeat(64);
    let err = fetch_packages(&clients(), std::slice::from_ref(&it), 2, &NoProgress).unwrap_err();
    assert_eq!(err.number(), 1528, "{}", err.message());
    assert!(!it.dest.exists() && !has_part(tmp.path()));
    // A checksum failure is final for a URL: it was asked for once.
    assert_eq!(srv.log.lock().unwrap().iter().filter(|p| p.ends_with(SIX[2])).count(), 1);
    // A present file with the right size but other bytes is not reused.
    let good = item(SIX[2], &[srv.url(false)], tmp.path(), &net(3));
    std::fs::create_dir_all(good.dest.parent().unwrap()).unwrap();
    std::fs::write(&good.dest, vec![b'x'; good.size as usize]).unwrap();
    assert_eq!(fetch_packages(&clients(), std::slice::from_ref(&good), 1, &NoProgress).unwrap()[0], Fetched::Downloaded { bytes: good.size });
    assert!(same_bytes(&good.dest, &spike_repo().join(SIX[2])));
}

#[test]
fn oversized_body_is_cut_and_refused() {
    let tmp = tempfile::tempdir().unwrap();
    // Announced by Content-Length: refused before reading.
    let srv = server::serve(&spike_repo(), Faults::default());
    let mut it = item(SIX[0], &[srv.url(false)], tmp.path(), &net(3));
    it.size -= 100;
    let err = fetch_packages(&clients(), std::slice::from_ref(&it), 1, &NoProgress).unwrap_err();
    assert_eq!(err.number(), 1527, "{}", err.message());
    // Not announced (body until close): cut at the expected size.
    let rs = range_server::serve(&spike_repo(), range_server::Options { no_length: true, ..Default::default() });
    let mut it = item(SIX[0], &[rs.url()], tmp.path(), &net(3));
    it.size -= 100;
    let rec = Recorder::default();
    let err = fetch_packages(&clients(), std::slice::from_ref(&it), 1, &rec).unwrap_err();
    assert_eq!(err.number(), 1527, "{}", err.message());
    assert!(err.message().contains("more data than the expected"), "{}", err.message());
    assert!(rec.bytes.lock().unwrap()[&it.name] <= it.size);
    assert!(!it.dest.exists() && !has_part(tmp.path()));
}

#[test]
fn download_dying_half_way_resumes_with_range() {
    let tmp = tempfile::tempdir().unwrap();
    let size = primary()[SIX[1]].0;
    let cut = size / 3;
    let rs = range_server::serve(&spike_repo(), range_server::Options { cut_first: Some(cut), ..Default::default() });
    let it = item(SIX[1], &[rs.url()], tmp.path(), &net(1));
    // The first run dies: the partial data stays as `.part`.
    let err = fetch_packages(&clients(), std::slice::from_ref(&it), 1, &NoProgress).unwrap_err();
    assert_eq!(err.number(), 1257, "{}", err.message());
    let part = part_path(&it.dest);
    assert_eq!(std::fs::metadata(&part).unwrap().len(), cut);
    assert!(!it.dest.exists());
    // The next run asks for the rest only.
    let rec = Recorder::default();
    let got = fetch_packages(&clients(), std::slice::from_ref(&it), 1, &rec).unwrap();
    assert_eq!(got[0], Fetched::Downloaded { bytes: size - cut });
    assert!(same_bytes(&it.dest, &spike_repo().join(SIX[1])));
    assert_eq!(rec.bytes.lock().unwrap()[&it.name], size);
    assert!(!part.exists());
    let ranges = rs.ranges.lock().unwrap().clone();
    assert_eq!(ranges, vec![None, Some(format!("bytes={cut}-"))]);
    // With retries the same happens within one run.
    std::fs::remove_file(&it.dest).unwrap();
    let rs = range_server::serve(&spike_repo(), range_server::Options { cut_first: Some(cut), ..Default::default() });
    let it = item(SIX[1], &[rs.url()], tmp.path(), &net(3));
    assert_eq!(fetch_packages(&clients(), std::slice::from_ref(&it), 1, &NoProgress).unwrap()[0], Fetched::Downloaded { bytes: size });
    assert!(same_bytes(&it.dest, &spike_repo().join(SIX[1])));
}

#[test]
fn download_dying_half_way_restarts_without_range_support() {
    let tmp = tempfile::tempdir().unwrap();
    let flaky = server::serve(&spike_repo(), Faults { truncate: vec![SIX[3].into()], ..Faults::default() });
    let it = item(SIX[3], &[flaky.url(false)], tmp.path(), &net(2));
    let err = fetch_packages(&clients(), std::slice::from_ref(&it), 1, &NoProgress).unwrap_err();
    assert_eq!(err.number(), 1257, "{}", err.message());
    let part = part_path(&it.dest);
    assert_eq!(std::fs::metadata(&part).unwrap().len(), it.size / 2);
    // This server ignores `Range` (200, whole body): the file restarts.
    let srv = server::serve(&spike_repo(), Faults::default());
    let it = PackageFetch { urls: vec![format!("{}/{}", srv.url(false), SIX[3])], ..it };
    assert_eq!(fetch_packages(&clients(), std::slice::from_ref(&it), 1, &NoProgress).unwrap()[0], Fetched::Downloaded { bytes: it.size });
    assert!(same_bytes(&it.dest, &spike_repo().join(SIX[3])));
    assert!(!part.exists());
}

#[test]
fn a_404_on_the_first_mirror_falls_back_to_the_second() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = server::serve(&spike_repo(), Faults { not_found: vec![".rpm".into()], ..Faults::default() });
    let good = server::serve(&spike_repo(), Faults::default());
    let items: Vec<_> = SIX[..3].iter().map(|f| item(f, &[bad.url(false), good.url(false)], tmp.path(), &net(5))).collect();
    let got = fetch_packages(&clients(), &items, 2, &NoProgress).unwrap();
    assert_eq!(got.len(), 3);
    for (f, i) in SIX.iter().zip(&items) {
        assert!(same_bytes(&i.dest, &spike_repo().join(f)));
    }
    // HTTP 404 is not retried on the same mirror.
    assert_eq!(bad.log.lock().unwrap().len(), 3, "{:?}", bad.log.lock().unwrap());
    // Only bad mirrors: tdnf's 1622 for HTTP >= 400.
    let only_bad = [item(SIX[4], &[bad.url(false)], tmp.path(), &net(5))];
    assert_eq!(fetch_packages(&clients(), &only_bad, 2, &NoProgress).unwrap_err().number(), 1622);
}

#[test]
fn file_urls_and_the_first_error_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let base = format!("file://{}", spike_repo().display());
    let mut items: Vec<_> = SIX.iter().map(|f| item(f, std::slice::from_ref(&base), tmp.path(), &net(1))).collect();
    items[1].urls = vec![format!("{base}/missing.rpm")];
    items[4].checksum = "0".repeat(64);
    let err = fetch_packages(&clients(), &items, 1, &NoProgress).unwrap_err();
    // Serially the second item fails first and nothing after it starts.
    assert_eq!(err.number(), 1238, "{}", err.message());
    assert!(items[0].dest.exists() && !items[2].dest.exists());
    let err = fetch_packages(&clients(), &items[2..], 4, &NoProgress).unwrap_err();
    assert_eq!(err.number(), 1528, "{}", err.message());
    let unknown = PackageFetch { checksum_kind: "crc32".into(), ..items[0].clone() };
    assert_eq!(fetch_packages(&clients(), &[unknown], 1, &NoProgress).unwrap_err().number(), 1528);
    assert_eq!(fetch_packages(&clients(), &[], 4, &NoProgress).unwrap(), vec![]);
}

#[test]
fn part_path_is_beside_dest() {
    assert_eq!(part_path(Path::new("/c/r/rpms/a.rpm")), PathBuf::from("/c/r/rpms/a.rpm.part"));
}

//! Payload tests against the corpus with `rpm` as the oracle, packages built
//! at test time with `rpmbuild`, and hostile-input (corruption) tests.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;
use crate::test_support::corpus;

fn corpus_rpms() -> Vec<PathBuf> {
    let c = corpus();
    let mut v = Vec::new();
    for d in ["rpms", "rpm-upstream-testdata/RPMS"] {
        for e in fs_err::read_dir(c.join(d)).expect("corpus dir") {
            v.push(e.expect("dir entry").path());
        }
    }
    v.sort();
    assert!(v.len() >= 25, "corpus packages missing: {}", v.len());
    v
}

fn hello() -> PathBuf {
    corpus().join("rpm-upstream-testdata/RPMS/hello-2.0-1.x86_64.rpm")
}

/// Read the whole payload with file digests on, returning the entries.
fn read_all(file: &RpmFile) -> Result<Vec<PayloadEntry>, PayloadError> {
    let mut r = PayloadReader::new(file)?;
    r.verify_file_digests(true);
    let mut v = Vec::new();
    while let Some(e) = r.next_entry()? {
        io::copy(&mut r.content(), &mut io::sink()).map_err(|e| io_to_payload(file.path.clone(), e))?;
        v.push(e);
    }
    Ok(v)
}

#[test]
fn digests_agree_with_rpm_k() {
    for p in corpus_rpms() {
        let out = Command::new("rpm").args(["-Kv", "--nosignature"]).arg(&p).output().expect("run rpm -K");
        let text = String::from_utf8_lossy(&out.stdout);
        let file = RpmFile::open(&p).expect("open");
        let ours = verify_digests(&file);
        assert_eq!(ours.is_ok(), out.status.success(), "{}: ours {ours:?}, rpm:\n{text}", p.display());
        if let Ok(rep) = ours {
            assert_eq!(rep.header_sha256, text.contains("Header SHA256 digest: OK"), "{}", p.display());
            assert_eq!(rep.header_sha1, text.contains("Header SHA1 digest: OK"), "{}", p.display());
            assert_eq!(rep.payload.is_some(), text.contains("Payload SHA256 digest: OK"), "{}", p.display());
            assert_eq!(rep.md5, text.contains("MD5 digest: OK"), "{}", p.display());
        }
    }
    let bad = RpmFile::open(corpus().join("rpm-upstream-testdata/RPMS/hello-2.0-1.x86_64-corrupted.rpm")).unwrap();
    assert!(matches!(verify_digests(&bad), Err(PayloadError::DigestMismatch { what: "payload", .. })));
}

/// `(path, mode, size)` of every non-ghost file, as rpm prints them.
fn rpm_file_list(p: &Path) -> Vec<(String, u32, u64)> {
    let out = Command::new("rpm")
        .args([
            "-qp",
            "--nosignature",
            "--nodigest",
            "--qf",
            "[%{FILENAMES} %{FILEMODES} %{LONGFILESIZES} %{FILEFLAGS}\n]",
        ])
        .arg(p)
        .output()
        .expect("run rpm -qp");
    let mut v = Vec::new();
    for l in String::from_utf8_lossy(&out.stdout).lines() {
        let f: Vec<&str> = l.rsplitn(4, ' ').collect();
        let flags: u32 = f[0].parse().unwrap();
        if flags & RPMFILE_GHOST == 0 {
            v.push((f[3].to_string(), f[2].parse().unwrap(), f[1].parse().unwrap()));
        }
    }
    v.sort();
    v
}

fn check_file_list(p: &Path) {
    let file = RpmFile::open(p).expect("open");
    let entries = read_all(&file).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    assert!(entries.iter().all(|e| e.index.is_some()), "{}: unmapped entry", p.display());
    let mut got: Vec<_> = entries.iter().map(|e| (e.path.clone(), e.mode, e.size)).collect();
    got.sort();
    assert_eq!(got, rpm_file_list(p), "{}", p.display());
}

#[test]
fn iteration_matches_header_file_list() {
    let mut n = 0;
    for p in corpus_rpms() {
        if p.to_string_lossy().contains("corrupted") {
            let file = RpmFile::open(&p).unwrap();
            assert!(read_all(&file).is_err(), "truncated payload must not read");
            continue;
        }
        check_file_list(&p);
        n += 1;
    }
    assert!(n >= 20);
}

#[test]
fn hardlinks_and_symlinks() {
    // The -v3sig build has LONGFILESIZES, so its payload is stripped `07070X`.
    for (name, sets) in [("hlinktest-1.0-1.noarch.rpm", (2, 4)), ("hlinktest-1.0-1.noarch-v3sig.rpm", (1, 1))] {
        hardlinks_in(&corpus().join("rpm-upstream-testdata/RPMS").join(name), sets);
    }
    symlinks();
}

fn hardlinks_in(p: &Path, sets: (usize, usize)) {
    let file = RpmFile::open(p).unwrap();
    let digests: Vec<String> = file.header.string_array(RPMTAG_FILEDIGESTS).iter().map(|s| s.to_string()).collect();
    let mut r = PayloadReader::new(&file).unwrap();
    r.verify_file_digests(true);
    let mut with_data = 0;
    let mut linked = 0;
    while let Some(e) = r.next_entry().unwrap() {
        let mut buf = Vec::new();
        r.content().read_to_end(&mut buf).unwrap();
        assert_eq!(buf.len() as u64, e.data_size);
        if e.is_regular() && e.nlink > 1 {
            if e.content_elsewhere() {
                linked += 1;
            } else {
                with_data += 1;
                let mut d = HashAlgo::Sha256.hasher();
                d.update(&buf);
                assert_eq!(hex::encode(d.finish()), digests[e.index.unwrap()]);
            }
        }
    }
    // hlinktest: {aaaa, zzzz} and {hello, hello-bar, hello-foo, hello-world}.
    assert_eq!((with_data, linked), sets, "{}", p.display());
}

fn symlinks() {
    // Symlink content is the target (rpm-sign has .build-id symlinks).
    let p = corpus().join("rpms/rpm-sign-4.15.1-1.fc31.x86_64.rpm");
    let file = RpmFile::open(&p).unwrap();
    let targets = file.header.string_array(RPMTAG_FILELINKTOS).iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut r = PayloadReader::new(&file).unwrap();
    let mut links = 0;
    while let Some(e) = r.next_entry().unwrap() {
        if e.mode & S_IFMT == S_IFLNK {
            let mut s = String::new();
            r.content().read_to_string(&mut s).unwrap();
            assert_eq!(s, targets[e.index.unwrap()]);
            links += 1;
        }
    }
    assert!(links >= 1);
}

#[test]
fn skipping_content_still_verifies() {
    let file = RpmFile::open(hello()).unwrap();
    let mut r = PayloadReader::new(&file).unwrap();
    r.verify_file_digests(true);
    let mut n = 0;
    while r.next_entry().unwrap().is_some() {
        n += 1;
    }
    assert_eq!(n, 5);
    assert!(r.next_entry().unwrap().is_none());
}

fn write_tmp(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// What a mutated package gives: open error, digest error, iteration error.
fn outcome(p: &Path) -> (bool, bool, bool) {
    let Ok(file) = RpmFile::open(p) else { return (false, false, false) };
    let digests = verify_digests(&file).is_ok();
    let iter = read_all(&file).is_ok();
    (true, digests, iter)
}

#[test]
fn corrupted_packages_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let orig = std::fs::read(hello()).unwrap();
    let file = RpmFile::open(hello()).unwrap();
    let (hs, he) = (file.header_start as usize, file.header_end as usize);
    let pay = he;
    let mut payload_iter_failures = 0;
    let positions: Vec<usize> = (pay..orig.len()).step_by(97).collect();
    for &at in &positions {
        let mut b = orig.clone();
        b[at] ^= 0x10;
        let p = write_tmp(dir.path(), "pay.rpm", &b);
        let (opened, digests, iter) = outcome(&p);
        assert!(opened && !digests, "payload flip at {at} passed verify_digests");
        if !iter {
            payload_iter_failures += 1;
        }
    }
    // Gzip header fields (mtime, OS) are not covered by the CRC; everything else is.
    assert!(payload_iter_failures >= positions.len() - 2, "{payload_iter_failures}/{}", positions.len());

    // Main header: a byte of the data store (the description text).
    let desc = file.header.string(RPMTAG_DESCRIPTION).unwrap().as_bytes().to_vec();
    let at = hs + orig[hs..he].windows(desc.len()).position(|w| w == desc.as_slice()).unwrap() + 1;
    let mut b = orig.clone();
    b[at] ^= 0x01;
    let (opened, digests, _) = outcome(&write_tmp(dir.path(), "hdr.rpm", &b));
    assert!(opened && !digests, "header flip passed");
    // A header index byte: either unreadable or refused.
    let mut b = orig.clone();
    b[hs + 16 + 5 * 16 + 3] ^= 0x01;
    let (opened, digests, _) = outcome(&write_tmp(dir.path(), "hdr2.rpm", &b));
    assert!(!opened || !digests);

    // Signature header: the SHA256HEADER value.
    let want = file.signature.string(RPMSIGTAG_SHA256).unwrap().as_bytes().to_vec();
    let at = orig[..hs].windows(want.len()).position(|w| w == want.as_slice()).unwrap() + 7;
    let mut b = orig.clone();
    b[at] = if b[at] == b'0' { b'1' } else { b'0' };
    let (opened, digests, _) = outcome(&write_tmp(dir.path(), "sig.rpm", &b));
    assert!(opened && !digests, "signature flip passed");
}

#[test]
fn truncated_packages_error() {
    let dir = tempfile::tempdir().unwrap();
    let orig = std::fs::read(hello()).unwrap();
    for len in (0..orig.len()).step_by(131).chain([orig.len() - 1, orig.len() - 20]) {
        let (_, digests, iter) = outcome(&write_tmp(dir.path(), "t.rpm", &orig[..len]));
        assert!(!digests && !iter, "truncated at {len} passed");
    }
}

#[test]
fn fuzz_flips_and_truncations_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    for src in [hello(), corpus().join("rpm-upstream-testdata/RPMS/hlinktest-1.0-1.noarch.rpm")] {
        let orig = std::fs::read(&src).unwrap();
        let mut rnd = crate::test_support::xorshift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..300 {
            let mut b = orig.clone();
            for _ in 0..1 + rnd() % 4 {
                let at = (rnd() as usize) % b.len();
                b[at] ^= 1 << (rnd() % 8);
            }
            if rnd().is_multiple_of(4) {
                b.truncate((rnd() as usize) % b.len());
            }
            let p = write_tmp(dir.path(), "f.rpm", &b);
            if let Ok(file) = RpmFile::open(&p) {
                let _ = verify_digests(&file);
                let _ = read_all(&file);
            }
        }
    }
}

/// Build a tiny package per payload compressor with `rpmbuild` (installed
/// by scripts/setup-debian.sh): a regular file, a symlink and a hardlink pair.
#[test]
fn every_compressor_built_with_rpmbuild() {
    assert!(Command::new("rpmbuild").arg("--version").output().is_ok(), "rpmbuild is needed (apt-get install rpm)");
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("t.spec");
    std::fs::write(
        &spec,
        "Name: ptest\nVersion: 1\nRelease: 1\nSummary: t\nLicense: MIT\nBuildArch: noarch\n\
         %description\nt\n%install\nmkdir -p %{buildroot}/opt/p\n\
         seq 1 5000 > %{buildroot}/opt/p/data\nln -s data %{buildroot}/opt/p/link\n\
         echo hard > %{buildroot}/opt/p/h1\nln %{buildroot}/opt/p/h1 %{buildroot}/opt/p/h2\n\
         %files\n/opt/p\n",
    )
    .unwrap();
    for (io, comp) in [
        ("w9.gzdio", "gzip"),
        ("w9.bzdio", "bzip2"),
        ("w6.xzdio", "xz"),
        ("w6.lzdio", "lzma"),
        ("w3.zstdio", "zstd"),
        ("w0.ufdio", ""),
    ] {
        let top = dir.path().join(io);
        let st = Command::new("rpmbuild")
            .arg("-bb")
            .arg("--quiet")
            .arg("--define")
            .arg(format!("_topdir {}", top.display()))
            .arg("--define")
            .arg(format!("_binary_payload {io}"))
            .arg(&spec)
            .output()
            .unwrap();
        assert!(st.status.success(), "rpmbuild {io}: {}", String::from_utf8_lossy(&st.stderr));
        let p = top.join("RPMS/noarch/ptest-1-1.noarch.rpm");
        let file = RpmFile::open(&p).unwrap();
        if !comp.is_empty() {
            assert_eq!(file.payload_compressor(), Some(comp));
        }
        verify_digests(&file).unwrap();
        check_file_list(&p);
        let links = read_all(&file).unwrap().iter().filter(|e| e.content_elsewhere()).count();
        assert_eq!(links, 1, "{io}");
    }
}

#[test]
fn file_digest_mismatch_is_typed() {
    // hlinktest stores its cpio uncompressed: flip a byte inside a file's content.
    let src = corpus().join("rpm-upstream-testdata/RPMS/hlinktest-1.0-1.noarch.rpm");
    let file = RpmFile::open(&src).unwrap();
    let mut r = PayloadReader::new(&file).unwrap();
    let mut content = Vec::new();
    while let Some(e) = r.next_entry().unwrap() {
        if e.data_size > 8 && e.is_regular() {
            r.content().read_to_end(&mut content).unwrap();
            break;
        }
    }
    let mut b = std::fs::read(&src).unwrap();
    let off = file.payload_offset as usize;
    let at = off + b[off..].windows(content.len()).position(|w| w == content.as_slice()).unwrap() + 3;
    b[at] ^= 0x20;
    let dir = tempfile::tempdir().unwrap();
    let p = write_tmp(dir.path(), "d.rpm", &b);
    let file = RpmFile::open(&p).unwrap();
    assert!(matches!(verify_digests(&file), Err(PayloadError::DigestMismatch { what: "payload", .. })));
    match read_all(&file) {
        Err(PayloadError::FileDigestMismatch { file, .. }) => assert!(file.starts_with("/foo/")),
        other => panic!("expected a file digest mismatch, got {other:?}"),
    }
    // Through the content reader, the io::Error carries the typed error.
    let mut r = PayloadReader::new(&file).unwrap();
    r.verify_file_digests(true);
    let mut typed = false;
    while let Ok(Some(_)) = r.next_entry() {
        if let Err(e) = r.content().read_to_end(&mut Vec::new()) {
            typed = e
                .get_ref()
                .and_then(|i| i.downcast_ref::<PayloadError>())
                .is_some_and(|p| matches!(p, PayloadError::FileDigestMismatch { .. }));
            break;
        }
    }
    assert!(typed);
    // Without verification the same payload reads fine.
    let mut r = PayloadReader::new(&file).unwrap();
    while r.next_entry().unwrap().is_some() {}
}

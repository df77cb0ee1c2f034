//! Tests of the header reader against the corpus, with Debian's `rpm` as the
//! oracle, plus hostile-input tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::file::RpmFile;
use super::header::{HEADER_MAGIC, Header, HeaderError};
use super::package::{header_nevra, header_to_package, sense_to_op};
use super::tags::*;

/// The corpus: `$TDNF_CORPUS`, else `<crate>/../shared/corpus`. Fails when absent.
pub(crate) fn corpus() -> PathBuf {
    let p = std::env::var_os("TDNF_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")));
    assert!(p.join("rpms").is_dir(), "test corpus not found at {} (set TDNF_CORPUS)", p.display());
    p
}

/// Every package file of the corpus (binary and source).
fn corpus_rpms() -> Vec<PathBuf> {
    let c = corpus();
    let mut v = Vec::new();
    for d in ["rpms", "rpm-upstream-testdata/RPMS", "rpm-upstream-testdata/SRPMS"] {
        let rd = fs_err::read_dir(c.join(d)).expect("corpus dir");
        v.extend(rd.map(|e| e.expect("dir entry").path()));
    }
    v.sort();
    assert!(v.len() >= 28, "expected the corpus packages, found {}", v.len());
    v
}

/// `rpm -qp --qf QF FILE` stdout.
fn rpm_qp(path: &Path, qf: &str) -> String {
    let out = Command::new("rpm")
        .args(["-qp", "--nosignature", "--nodigest", "--qf", qf])
        .arg(path)
        .output()
        .expect("run rpm (Debian's rpm package must be installed)");
    assert!(out.status.success(), "rpm -qp {} failed: {}", path.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `name op evr` strings from rpm's NAME\tFLAGS\tVERSION lines, as our model prints them.
fn oracle_deps(lines: &str, drop_rpmlib: bool) -> Vec<(String, bool)> {
    let mut v = Vec::new();
    for l in lines.lines().filter(|l| !l.is_empty()) {
        let mut it = l.split('\t');
        let (n, f, ver) = (it.next().unwrap_or(""), it.next().unwrap_or("0"), it.next().unwrap_or(""));
        let f: u32 = f.parse().expect("flags");
        if drop_rpmlib && (n.starts_with("rpmlib(") || f & RPMSENSE_RPMLIB != 0) {
            continue;
        }
        let s = match sense_to_op(f) {
            Some(op) => format!("{n} {} {}", op.as_str(), ver.strip_prefix("0:").unwrap_or(ver)),
            None => n.to_string(),
        };
        v.push((s, f & (DEP_PRE_IN | DEP_PRE_UN) != 0));
    }
    v
}

fn none_empty(s: &str) -> &str {
    if s == "(none)" { "" } else { s }
}

const QF: &str = "%{NAME}-%{EPOCHNUM}:%{VERSION}-%{RELEASE}\n%{SUMMARY}\n%{BUILDTIME}\n%{LONGSIZE}\n%{LICENSE}\n\
%{URL}\n%{VENDOR}\n%{GROUP}\n%{PACKAGER}\n%{BUILDHOST}\n%{SOURCERPM}\n%{ARCH}\n@@\n\
[%{PROVIDENAME}\t%{PROVIDEFLAGS}\t%{PROVIDEVERSION}\n]@@\n[%{REQUIRENAME}\t%{REQUIREFLAGS}\t%{REQUIREVERSION}\n]@@\n\
[%{CONFLICTNAME}\t%{CONFLICTFLAGS}\t%{CONFLICTVERSION}\n]@@\n[%{OBSOLETENAME}\t%{OBSOLETEFLAGS}\t%{OBSOLETEVERSION}\n]@@\n\
[%{FILENAMES}\t%{FILEMODES}\t%{FILEFLAGS}\n]@@\n[%{CHANGELOGTIME}\t%{CHANGELOGNAME}\n]@@\n";

#[test]
fn corpus_packages_match_rpm() {
    for path in corpus_rpms() {
        let f = RpmFile::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let p = f.to_package().unwrap_or_else(|e| panic!("{e}"));
        let out = rpm_qp(&path, QF);
        let parts: Vec<&str> = out.split("@@\n").collect();
        let s: Vec<&str> = parts[0].lines().collect();
        let ctx = path.display();
        let is_src = path.to_string_lossy().contains("SRPMS");
        let arch = if is_src { "src" } else { s[11] };
        assert_eq!(format!("{}-{}:{}-{}", p.name, p.epoch, p.version, p.release), s[0], "{ctx}");
        assert_eq!(p.arch, arch, "{ctx}");
        assert_eq!(header_nevra(&f.header), format!("{}-{}-{}.{arch}", p.name, p.version, p.release), "{ctx}");
        assert_eq!(p.summary, none_empty(s[1]), "{ctx}");
        assert_eq!(p.time_build.to_string(), s[2], "{ctx}");
        assert_eq!(p.size_installed.to_string(), s[3], "{ctx}");
        let fields = [&p.license, &p.url, &p.vendor, &p.group, &p.packager, &p.buildhost, &p.sourcerpm];
        for (i, v) in fields.iter().enumerate() {
            assert_eq!(v.as_str(), none_empty(s[4 + i]), "{ctx} field {i}");
        }
        let ours = |d: &[repodata::Dependency]| d.iter().map(|d| (d.to_rpm_string(), d.pre)).collect::<Vec<_>>();
        let plain = |v: Vec<(String, bool)>| v.into_iter().map(|(s, _)| (s, false)).collect::<Vec<_>>();
        // rpm's v3 retrofit appends a duplicate self-provide; libsolv (and we) keep one.
        let mut want = plain(oracle_deps(parts[1], false));
        let mut seen = std::collections::HashSet::new();
        want.retain(|d| seen.insert(d.clone()));
        assert_eq!(ours(&p.provides), want, "{ctx} provides");
        assert_eq!(ours(&p.requires), oracle_deps(parts[2], true), "{ctx} requires");
        assert_eq!(ours(&p.conflicts), plain(oracle_deps(parts[3], false)), "{ctx} conflicts");
        assert_eq!(ours(&p.obsoletes), plain(oracle_deps(parts[4], false)), "{ctx} obsoletes");
        assert!(p.provides.iter().any(|d| d.name == p.name) || is_src, "{ctx}: self-provide");
        let files: Vec<(String, repodata::FileKind)> = parts[5]
            .lines()
            .map(|l| {
                let v: Vec<&str> = l.split('\t').collect();
                let (mode, flags): (u32, u32) = (v[1].parse().expect("mode"), v[2].parse().expect("flags"));
                let kind = if s_isdir(mode) {
                    repodata::FileKind::Dir
                } else if flags & RPMFILE_GHOST != 0 {
                    repodata::FileKind::Ghost
                } else {
                    repodata::FileKind::File
                };
                (v[0].to_string(), kind)
            })
            .collect();
        let ourfiles: Vec<_> = p.files.iter().map(|e| (e.path.clone(), e.kind)).collect();
        assert_eq!(ourfiles, files, "{ctx} files");
        let cl: Vec<String> = p.changelogs.iter().map(|c| format!("{}\t{}", c.date, c.author)).collect();
        assert_eq!(cl, parts[6].lines().map(String::from).collect::<Vec<_>>(), "{ctx} changelog");
    }
}

#[test]
fn corpus_layout_and_bytes() {
    for path in corpus_rpms() {
        let bytes = fs_err::read(&path).expect("read");
        let f = RpmFile::open(&path).expect("open");
        let (hs, he) = (f.header_start as usize, f.header_end as usize);
        assert_eq!(&bytes[hs..hs + 8], &HEADER_MAGIC, "{}", path.display());
        assert_eq!(&bytes[hs + 8..he], f.header.as_bytes(), "as_bytes is the original");
        assert_eq!(f.header.to_bytes_with_magic(), &bytes[hs..he]);
        // A package's main header is exactly its immutable region.
        // Legacy v3 packages have no region.
        let legacy = path.to_string_lossy().ends_with(".rpm-v3");
        match f.header.region() {
            Some(region) => {
                assert_eq!(region.tag, RPMTAG_HEADERIMMUTABLE);
                assert_eq!(f.header.region_blob().as_deref(), Some(f.header.as_bytes()));
            }
            None => assert!(legacy, "{}: no region", path.display()),
        }
        if !legacy {
            assert_eq!(f.signature.region().map(|r| r.tag), Some(RPMTAG_HEADERSIGNATURES));
        }
        assert_eq!(f.payload_offset, f.header_end);
        assert!(f.lead.name.len() <= 66);
        // The in-memory reader agrees, and stops before the payload.
        let m = RpmFile::from_bytes(&bytes[..he], &path).expect("from_bytes");
        assert_eq!(m.header.as_bytes(), f.header.as_bytes());
        assert!(f.payload_compressor().is_some() || f.header.has(RPMTAG_PAYLOADFORMAT));
    }
}

#[test]
fn header_range_matches_rpm_md_convention() {
    // rpm-sign-4.15.1: header-range start is 96 + padded signature, as createrepo computes.
    let path = corpus().join("rpms/rpm-sign-4.15.1-1.fc31.x86_64.rpm");
    let f = RpmFile::open(&path).expect("open");
    let sig_len = 8 + f.signature.as_bytes().len() as u64;
    assert_eq!(f.header_start, 96 + sig_len.div_ceil(8) * 8);
    assert_eq!(f.header_end, f.header_start + 8 + f.header.as_bytes().len() as u64);
    let p = f.to_package().expect("package");
    assert_eq!(p.header_range, Some((f.header_start, f.header_end)));
    assert_eq!(p.size_package, fs_err::metadata(&path).expect("stat").len());
    assert!(p.size_archive > 0);
}

#[test]
fn not_an_rpm_and_truncated_files_name_the_file() {
    let path = corpus().join("rpms/ima_signed.rpm");
    let bytes = fs_err::read(&path).expect("read");
    let e = RpmFile::from_bytes(&[b'x'; 200], "x.rpm").expect_err("bad magic");
    assert!(e.to_string().contains("x.rpm") && e.to_string().contains("lead magic"), "{e}");
    for cut in [0, 50, 96, 100, 120, 500, 2000] {
        let e = RpmFile::from_bytes(&bytes[..cut.min(bytes.len() - 1)], &path).expect_err("truncated");
        assert!(e.to_string().contains("ima_signed.rpm"), "{e}");
    }
    let e = RpmFile::open("/nonexistent/p.rpm").expect_err("missing");
    assert!(e.to_string().contains("/nonexistent/p.rpm"), "{e}");
}

/// Build a blob from `(tag, type, offset, count)` entries and data.
fn blob(entries: &[(u32, u32, u32, u32)], data: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    v.extend_from_slice(&(data.len() as u32).to_be_bytes());
    for &(t, ty, o, c) in entries {
        for x in [t, ty, o, c] {
            v.extend_from_slice(&x.to_be_bytes());
        }
    }
    v.extend_from_slice(data);
    v
}

#[test]
fn hostile_headers_are_errors() {
    use HeaderError as E;
    let ok = blob(&[(RPMTAG_NAME, RPM_STRING_TYPE, 0, 1), (RPMTAG_SIZE, RPM_INT32_TYPE, 4, 1)], b"foo\0\0\0\0\x07");
    let h = Header::from_blob(ok.clone()).expect("valid");
    assert_eq!((h.string(RPMTAG_NAME), h.u32(RPMTAG_SIZE)), (Some("foo"), Some(7)));
    assert!(h.region().is_none());
    assert!(matches!(Header::from_blob(ok[..ok.len() - 1].to_vec()), Err(E::Truncated { .. })));
    assert!(matches!(Header::from_blob([ok.clone(), vec![0]].concat()), Err(E::TrailingData { extra: 1 })));
    assert!(matches!(Header::from_blob(vec![0, 0]), Err(E::Truncated { .. })));
    assert!(matches!(Header::from_blob(vec![0; 8]), Err(E::Empty)));
    assert!(matches!(Header::from_blob([&0x10000u32.to_be_bytes()[..], &[0; 4]].concat()), Err(E::TooManyEntries(_))));
    let huge = [&1u32.to_be_bytes()[..], &0x1000_0000u32.to_be_bytes()].concat();
    assert!(matches!(Header::from_blob(huge), Err(E::DataTooLarge(_))));
    let bad = |e: &[(u32, u32, u32, u32)], d: &[u8]| match Header::from_blob(blob(e, d)) {
        Err(E::BadEntry { reason, .. }) | Err(E::BadRegion(reason)) => reason,
        other => panic!("expected an error, got {other:?}"),
    };
    assert_eq!(bad(&[(1000, 6, 9, 1)], b"foo\0"), "offset past the data area");
    assert_eq!(bad(&[(1000, 6, 0, 1)], b"foo"), "unterminated string");
    assert_eq!(bad(&[(1000, 8, 0, 3)], b"a\0b\0"), "unterminated string");
    assert_eq!(bad(&[(1000, 6, 0, 2)], b"a\0b\0"), "STRING entry with count != 1");
    assert_eq!(bad(&[(1009, 4, 0, 2)], b"\0\0\0\x01"), "data runs past the end of the data area");
    assert_eq!(bad(&[(1009, 4, 0, 0x0fff_ffff)], b"\0\0\0\x01"), "data runs past the end of the data area");
    assert_eq!(bad(&[(1009, 4, 2, 1)], b"\0\0\0\0\0\0"), "misaligned offset");
    assert_eq!(bad(&[(1009, 12, 0, 1)], b"\0\0\0\0"), "unknown data type");
    assert_eq!(bad(&[(1009, 4, 0, 0)], b"\0\0\0\0"), "zero count");
    assert_eq!(bad(&[(1000, 6, 0, 1), (1001, 6, 0, 1)], b"a\0"), "data overlaps the previous entry");
    // 65535 entries all scanning the same 256 MiB string would be quadratic; the overlap rule stops it.
    let many: Vec<_> = (0..1000).map(|i| (1000 + i, 8, 0, 1)).collect();
    assert_eq!(bad(&many, b"aaaa\0"), "data overlaps the previous entry");
    // Region trailer pointing at more entries than exist, and a non-BIN region tag.
    let trailer = |off: i32| [63u32.to_be_bytes(), 7u32.to_be_bytes(), off.to_be_bytes(), 16u32.to_be_bytes()].concat();
    assert_eq!(bad(&[(63, 7, 0, 16)], &trailer(-32)), "region has more entries than the header");
    assert_eq!(bad(&[(63, 7, 0, 16)], &trailer(-17)), "bad trailer offset");
    assert_eq!(bad(&[(63, 4, 0, 4)], &trailer(-16)), "region tag is not BIN[16]");
    let good = Header::from_blob(blob(&[(63, 7, 0, 16)], &trailer(-16))).expect("minimal region");
    assert_eq!(good.region().map(|r| (r.il, r.dl)), Some((1, 16)));
    // Type confusion in getters is a miss, not garbage.
    assert!(h.u32_array(RPMTAG_NAME).is_empty() && h.string(RPMTAG_SIZE).is_none() && h.bin(RPMTAG_NAME).is_none());
    // Missing NAME is a package error, not a panic.
    let noname = Header::from_blob(blob(&[(RPMTAG_SIZE, 4, 0, 1)], b"\0\0\0\x01")).expect("valid");
    assert!(header_to_package(&noname).is_err());
}

/// Build a valid blob laying out `(tag, type, count, data)` in order, aligned.
fn layout(items: &[(u32, u32, u32, &[u8])]) -> Vec<u8> {
    let (mut entries, mut data) = (Vec::new(), Vec::new());
    for &(tag, typ, count, d) in items {
        let align = crate::rpm::header::alignment(typ);
        while data.len() % align != 0 {
            data.push(0);
        }
        entries.push((tag, typ, data.len() as u32, count));
        data.extend_from_slice(d);
    }
    blob(&entries, &data)
}

#[test]
fn bad_dependency_and_file_arrays_are_errors() {
    let nvr: [(u32, u32, u32, &[u8]); 3] = [(1000, 6, 1, b"foo\0"), (1001, 6, 1, b"1\0"), (1002, 6, 1, b"2\0")];
    // PROVIDENAME with 2 names but PROVIDEFLAGS with 1.
    let mut items = nvr.to_vec();
    items.extend([(1047, 8, 2, &b"foo\0bar\0"[..]), (1112, 4, 1, b"\0\0\0\x08"), (1113, 8, 2, b"1\0\0")]);
    let h = Header::from_blob(layout(&items)).expect("valid header");
    assert!(header_to_package(&h).expect_err("bad deps").to_string().contains("foo-1-2"));
    // DIRINDEXES out of range.
    let mut items = nvr.to_vec();
    items.extend([(1116, 4, 1, &b"\0\0\0\x05"[..]), (1117, 8, 1, b"f\0"), (1118, 8, 1, b"/x/\0")]);
    let h = Header::from_blob(layout(&items)).expect("valid header");
    assert!(header_to_package(&h).expect_err("bad files").to_string().contains("out of range"));
    // Minimal valid package: self-provide added, no files, arch noarch.
    let h = Header::from_blob(layout(&nvr)).expect("valid header");
    let p = header_to_package(&h).expect("package");
    assert_eq!((p.arch.as_str(), p.provides.len(), p.provides[0].to_rpm_string()), ("noarch", 1, "foo = 1-2".into()));
    // Old-style weak deps: OLDSUGGESTS split by RPMSENSE_STRONG into recommends/suggests.
    let mut items = nvr.to_vec();
    let strong = (RPMSENSE_STRONG | RPMSENSE_GREATER | RPMSENSE_EQUAL).to_be_bytes();
    let flags = [strong, 0u32.to_be_bytes()].concat();
    items.extend([(1156, 8, 2, &b"rec\0sug\0"[..]), (1157, 8, 2, b"0:2\0\0"), (1158, 4, 2, &flags)]);
    let p = header_to_package(&Header::from_blob(layout(&items)).expect("valid")).expect("package");
    assert_eq!(p.recommends.iter().map(|d| d.to_rpm_string()).collect::<Vec<_>>(), ["rec >= 2"]);
    assert_eq!(p.suggests.iter().map(|d| d.to_rpm_string()).collect::<Vec<_>>(), ["sug"]);
    // Requires: rpmlib() dropped, pre bits mapped.
    let mut items = nvr.to_vec();
    let f = [RPMSENSE_RPMLIB | RPMSENSE_LESS | RPMSENSE_EQUAL, RPMSENSE_SCRIPT_POST, RPMSENSE_SCRIPT_PREUN, 0];
    let flags: Vec<u8> = f.iter().flat_map(|x| x.to_be_bytes()).collect();
    items.extend([(1048, 4, 4, &flags[..]), (1049, 8, 4, b"rpmlib(X)\0a\0b\0c\0"), (1050, 8, 4, b"1\0\0\0\0")]);
    let p = header_to_package(&Header::from_blob(layout(&items)).expect("valid")).expect("package");
    let req: Vec<_> = p.requires.iter().map(|d| (d.name.as_str(), d.pre)).collect();
    assert_eq!(req, [("a", true), ("b", true), ("c", false)]);
}

/// Exercise every getter, as a consumer would.
fn touch_all(h: &Header) {
    for e in h.entries() {
        let t = e.tag;
        let _ = (h.string(t), h.string_lossy(t), h.string_array(t), h.string_array_lossy(t), h.u32_array(t));
        let _ = (h.u64_array(t), h.u16_array(t), h.u8_array(t), h.u32(t), h.u64(t), h.bin(t));
    }
    let _ = (header_to_package(h), header_nevra(h), h.region_blob());
}

#[test]
fn fuzz_mutated_headers_never_panic() {
    let path = corpus().join("rpm-upstream-testdata/RPMS/hello-2.0-1.x86_64.rpm");
    let bytes = fs_err::read(&path).expect("read");
    let f = RpmFile::open(&path).expect("open");
    let orig = f.header.as_bytes().to_vec();
    let mut rnd = crate::test_support::xorshift(0x9e37_79b9_7f4a_7c15);
    let (mut ok, mut err) = (0, 0);
    // Truncations at every length of the index area and a sample of the data.
    for cut in (0..orig.len()).step_by(7) {
        assert!(Header::from_blob(orig[..cut].to_vec()).is_err());
        let _ = RpmFile::from_bytes(&bytes[..cut.min(bytes.len())], &path);
    }
    // Random byte flips, concentrated on the index (offsets, counts, types).
    for i in 0..20_000 {
        let mut m = orig.clone();
        let il_end = 8 + 16 * 60.min((m.len() - 8) / 16);
        for _ in 0..1 + rnd() % 4 {
            let at = if i % 2 == 0 { rnd() as usize % il_end } else { rnd() as usize % m.len() };
            m[at] = match rnd() % 4 {
                0 => m[at] ^ (1 << (rnd() % 8)),
                1 => 0xff,
                2 => 0,
                _ => rnd() as u8,
            };
        }
        match Header::from_blob(m) {
            Ok(h) => {
                ok += 1;
                touch_all(&h);
            }
            Err(_) => err += 1,
        }
    }
    assert!(ok > 100 && err > 100, "fuzz coverage: {ok} parsed, {err} rejected");
}

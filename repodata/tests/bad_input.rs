//! Damaged and hostile input: every case must be a typed error naming the
//! file, never a panic or a silent success.

mod common;

use std::io::{BufReader, Cursor, Read, Write};

use repodata::{Error, VerifyingReader, decompress, digest_file, parse_filelists, parse_primary, verify};

fn baseos_primary_gz() -> Vec<u8> {
    let dir = common::corpus().join("cs9-baseos-2022/repodata");
    std::fs::read(common::find(&dir, "-primary.xml.gz")).expect("read")
}

fn parse_bytes(data: Vec<u8>, label: &str) -> Result<u64, Error> {
    let r = decompress::open(Cursor::new(data), label)?;
    parse_primary(r, label, |_| Ok(()))
}

#[test]
fn truncated_gzip() {
    let mut gz = baseos_primary_gz();
    gz.truncate(gz.len() / 2);
    let e = parse_bytes(gz, "half.xml.gz").expect_err("truncated gzip must fail");
    assert!(matches!(e, Error::Io { .. }), "{e:?}");
    assert!(e.to_string().contains("half.xml.gz"), "{e}");
}

#[test]
fn corrupt_byte_in_gzip() {
    let mut gz = baseos_primary_gz();
    let k = gz.len() / 3;
    gz[k] ^= 0x55;
    let e = parse_bytes(gz, "corrupt.xml.gz").expect_err("corrupt gzip must fail");
    // Either inflate notices, or the CRC at the end does, or the XML breaks.
    assert!(matches!(e, Error::Io { .. } | Error::Xml { .. }), "{e:?}");
    assert!(e.to_string().contains("corrupt.xml.gz"), "{e}");
}

#[test]
fn truncated_xml_names_file_and_offset() {
    let xml = b"<?xml version=\"1.0\"?>\n<metadata packages=\"1\">\n<package type=\"rpm\">\n  <name>foo</name>\n  <arch>noarch</a";
    let e = parse_bytes(xml.to_vec(), "trunc.xml").expect_err("truncated");
    match &e {
        Error::Xml { file, line, offset, .. } => {
            assert_eq!(file, "trunc.xml");
            assert!(*offset > 60, "offset {offset}");
            assert!(*line >= 4, "line {line}");
        }
        other => panic!("{other:?}"),
    }
    // Cut between elements: still an error (EOF inside <metadata>).
    let xml = b"<metadata><package><name>foo</name></package>\n";
    let e = parse_bytes(xml.to_vec(), "cut.xml").expect_err("unclosed root");
    assert!(e.to_string().contains("cut.xml") && e.to_string().contains("metadata"), "{e}");
    // And a real file cut in the middle.
    let mut xml = Vec::new();
    decompress::open(Cursor::new(baseos_primary_gz()), "x")
        .expect("open")
        .read_to_end(&mut xml)
        .expect("read");
    xml.truncate(1_000_000);
    let e = parse_bytes(xml, "cut-primary.xml").expect_err("cut");
    assert!(matches!(&e, Error::Xml { offset, .. } if *offset > 900_000), "{e:?}");
}

#[test]
fn malformed_content() {
    for (xml, what) in [
        (&b""[..], "no root element"),
        (b"<filelists/>", "expected root element <metadata>"),
        (b"<metadata><package><name>a</name><time file=\"x\"/></package></metadata>", "invalid number"),
        (b"<metadata><package><name>a&bogus;</name></package></metadata>", "unknown entity"),
        (b"<metadata><package><name>a</nam></package></metadata>", "nam"),
        (b"<metadata><package><arch>x</arch></package></metadata>", "without <name>"),
        (b"<metadata><package><name>a</name><format><rpm:requires><rpm:entry name=\"b\" flags=\"XX\"/></rpm:requires></format></package></metadata>", "unknown dependency flags"),
        (b"<metadata><package><name>a</name><checksum type=\"crc\">00</checksum></package></metadata>", "unknown checksum type"),
    ] {
        let e = parse_bytes(xml.to_vec(), "bad.xml").expect_err(what);
        assert!(matches!(e, Error::Xml { .. }), "{what}: {e:?}");
        assert!(e.to_string().contains(what) && e.to_string().contains("bad.xml"), "{what}: {e}");
    }
}

#[test]
fn unknown_compression() {
    for data in [&b"PK\x03\x04zipzipzip"[..], b"\0ZCK1....", b"garbage"] {
        let e = decompress::open(Cursor::new(data.to_vec()), "weird.bin").err().expect("must fail");
        assert!(matches!(e, Error::UnknownCompression { .. }), "{e:?}");
        assert!(e.to_string().contains("weird.bin"), "{e}");
    }
}

#[test]
fn every_compression_round_trips() {
    let xml = b"\xef\xbb\xbf<metadata packages=\"1\"><package type=\"rpm\"><name>a &amp; b</name></package></metadata>\n".to_vec();
    let gz = common::gzip(&xml);
    // Two gzip members concatenated (as `cat a.gz b.gz`) decode as one stream.
    let (h1, h2) = xml.split_at(20);
    let multi = [common::gzip(h1), common::gzip(h2)].concat();
    let xz = {
        let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
        e.write_all(&xml).expect("xz");
        e.finish().expect("xz")
    };
    let lzma = {
        let opts = liblzma::stream::LzmaOptions::new_preset(1).expect("opts");
        let s = liblzma::stream::Stream::new_lzma_encoder(&opts).expect("enc");
        let mut e = liblzma::write::XzEncoder::new_stream(Vec::new(), s);
        e.write_all(&xml).expect("lzma");
        e.finish().expect("lzma")
    };
    let zst = zstd::encode_all(Cursor::new(&xml), 1).expect("zstd");
    let bz = {
        let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        e.write_all(&xml).expect("bz2");
        e.finish().expect("bz2")
    };
    for (name, data, want) in [
        ("plain", xml.clone(), decompress::Compression::None),
        ("gz", gz, decompress::Compression::Gzip),
        ("multi-gz", multi, decompress::Compression::Gzip),
        ("xz", xz, decompress::Compression::Xz),
        ("lzma", lzma, decompress::Compression::Lzma),
        ("zst", zst, decompress::Compression::Zstd),
        ("bz2", bz, decompress::Compression::Bzip2),
    ] {
        assert_eq!(decompress::sniff(&data[..data.len().min(decompress::SNIFF_LEN)]), Some(want), "{name}");
        let mut names = Vec::new();
        let r = decompress::open(Cursor::new(data), name).expect(name);
        let n = parse_primary(r, name, |p| {
            names.push(p.name);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((n, names), (1, vec!["a & b".to_string()]), "{name}");
    }
}

#[test]
fn checksum_mismatch_and_size_checks() {
    let data = b"hello world".to_vec();
    let good = verify::digest_bytes(&data, repodata::ChecksumKind::Sha256);
    assert_eq!(good.hex, "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
    let mut bad = good.clone();
    bad.hex.replace_range(0..2, "00");
    let mut v = VerifyingReader::expecting(Cursor::new(data.clone()), "h.txt", Some(&bad), None);
    let e = v.finish().expect_err("mismatch");
    assert!(matches!(e, Error::ChecksumMismatch { .. }) && e.to_string().contains("h.txt"), "{e}");
    // Uppercase expected hex is accepted.
    let mut upper = good.clone();
    upper.hex.make_ascii_uppercase();
    VerifyingReader::expecting(Cursor::new(data.clone()), "h.txt", Some(&upper), Some(11)).finish().expect("ok");
    // Short data: size mismatch.
    let e = VerifyingReader::expecting(Cursor::new(data.clone()), "h.txt", Some(&good), Some(12))
        .finish()
        .expect_err("short");
    assert!(matches!(e, Error::SizeMismatch { expected: 12, actual: 11, .. }), "{e:?}");
    // Every kind has the right length and a known value for md5/sha1.
    for (k, len) in [("md5", 32), ("sha1", 40), ("sha224", 56), ("sha256", 64), ("sha384", 96), ("sha512", 128)] {
        let kind = repodata::ChecksumKind::from_name(k).expect("kind");
        assert_eq!(verify::digest_bytes(&data, kind).hex.len(), len, "{k}");
    }
    assert_eq!(verify::digest_bytes(&data, repodata::ChecksumKind::Md5).hex, "5eb63bbbe01eeed093cb22bb8f5acdc3");
    // digest_file on a corpus file equals its name's sha256.
    let dir = common::corpus().join("cs9-baseos-2022/repodata");
    let p = common::find(&dir, "-primary.xml.gz");
    let d = digest_file(&p, repodata::ChecksumKind::Sha256).expect("digest");
    assert!(p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&d.hex)));
}

/// An endless stream is cut off as soon as it passes the expected size.
#[test]
fn size_overrun_is_immediate() {
    struct Endless(u64);
    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            buf.fill(b' ');
            self.0 += buf.len() as u64;
            Ok(buf.len())
        }
    }
    let mut v = VerifyingReader::new(Endless(0), "endless.xml", None, None, Some(1000));
    let mut buf = [0u8; 4096];
    let mut total = 0u64;
    let err = loop {
        match v.read(&mut buf) {
            Ok(n) => total += n as u64,
            Err(e) => break e,
        }
        assert!(total <= 1000, "read past the limit");
    };
    // The source was asked for at most one byte beyond the limit.
    assert!(v.bytes_read() <= 1000);
    assert!(v.into_inner().0 <= 1001);
    let e = Error::io("endless.xml", err);
    assert!(matches!(e, Error::SizeExceeded { expected: 1000, .. }), "{e:?}");

    // Through the decompressor and the XML parser, the error keeps its type.
    let mut xml = b"<metadata>".to_vec();
    xml.extend(std::iter::repeat_n(b' ', 5000));
    xml.extend(b"</metadata>");
    let v = VerifyingReader::new(Cursor::new(xml), "big.xml", None, None, Some(100));
    let r = decompress::open(v, "big.xml").expect("open");
    let e = parse_primary(r, "big.xml", |_| Ok(())).expect_err("overrun");
    assert!(matches!(e, Error::SizeExceeded { expected: 100, .. }), "{e:?}");
}

#[test]
fn sink_error_stops_parsing() {
    let dir = common::corpus().join("cs9-baseos-2022/repodata");
    let r = decompress::open_path(common::find(&dir, "-filelists.xml.gz")).expect("open");
    let mut seen = 0;
    let e = parse_filelists(BufReader::new(r), "fl", |_| {
        seen += 1;
        if seen == 3 { Err(Error::Sink("enough".into())) } else { Ok(()) }
    })
    .expect_err("sink error");
    assert!(matches!(e, Error::Sink(_)) && seen == 3, "{e:?}");
}

//! The parsers against the real repositories in the shared corpus.

mod common;

use std::io::BufReader;
use std::path::Path;

use repodata::{
    ChecksumKind, DepOp, FileKind, Repomd, VerifyingReader, decompress, parse_filelists, parse_primary,
    parse_updateinfo,
};

fn repomd(dir: &Path) -> Repomd {
    let path = dir.join("repomd.xml");
    let f = std::fs::File::open(&path).expect("repomd.xml");
    Repomd::parse(BufReader::new(f), "repomd.xml").expect("parse repomd")
}

/// Open a repomd record's file, verifying the stored bytes (checksum, size)
/// and the decompressed bytes (open-checksum, open-size) as they stream.
/// Returns a reader and a closure that finishes both checks.
fn open_verified(
    dir: &Path,
    md: &Repomd,
    kind: &str,
) -> (
    BufReader<VerifyingReader<Box<dyn std::io::BufRead>>>,
    repodata::VerifyHandle,
    String,
) {
    let rec = md.get(kind).unwrap_or_else(|| panic!("no {kind} in repomd"));
    let base = dir.parent().expect("repo dir");
    let label = rec.location_href.clone();
    let f = std::fs::File::open(base.join(&rec.location_href)).expect("open listed file");
    let outer = VerifyingReader::expecting(f, &label, Some(&rec.checksum), rec.size);
    let handle = outer.handle();
    let dec = decompress::open(outer, &label).expect("decompress");
    let inner = VerifyingReader::expecting(dec, &label, rec.open_checksum.as_ref(), rec.open_size);
    (BufReader::new(inner), handle, label)
}

#[test]
fn repomd_records_and_checksums() {
    let c = common::corpus();
    let (mut verified, mut open_mismatch) = (0, 0);
    for set in ["cs9-appstream", "cs9-baseos-2022", "cs9-baseos-2025-filelists"] {
        let dir = c.join(set).join("repodata");
        let md = repomd(&dir);
        assert!(md.records.len() >= 4, "{set}: {:?}", md.records);
        for rec in &md.records {
            assert!(!rec.location_href.is_empty());
            assert_eq!(rec.checksum.kind, ChecksumKind::Sha256, "{set} {}", rec.kind);
            assert_eq!(rec.checksum.hex.len(), 64);
            let path = dir.parent().expect("parent").join(&rec.location_href);
            if !path.exists() {
                // Listed but not in the corpus (other.xml, sqlite, ...): the caller's
                // "absent" case; nothing to verify.
                continue;
            }
            let f = std::fs::File::open(&path).expect("open");
            let mut v = VerifyingReader::expecting(f, &rec.location_href, Some(&rec.checksum), rec.size);
            let got = v.finish().unwrap_or_else(|e| panic!("{set}: {e}"));
            assert_eq!(got, rec.checksum);
            // And the decompressed content against open-checksum/open-size.
            if let Some(oc) = &rec.open_checksum {
                let dec = decompress::open_path(&path).expect("open");
                let mut v = VerifyingReader::expecting(dec, &rec.location_href, Some(oc), rec.open_size);
                match v.finish() {
                    Ok(_) => {}
                    // osbuild replaced the appstream filelists by an empty stub and
                    // kept the original's open-checksum/open-size in repomd.xml.
                    Err(repodata::Error::SizeMismatch { file, .. } | repodata::Error::ChecksumMismatch { file, .. })
                        if set == "cs9-appstream" && file.ends_with("-filelists.xml.gz") =>
                    {
                        open_mismatch += 1
                    }
                    Err(e) => panic!("{set}: {e}"),
                }
            }
            verified += 1;
        }
    }
    // 4 present in appstream, 3 in baseos-2022, 2 in baseos-2025.
    assert_eq!(verified, 9);
    assert_eq!(open_mismatch, 1);

    let md = repomd(&c.join("cs9-appstream/repodata"));
    assert_eq!(md.revision.as_deref(), Some("9-stream"));
    assert_eq!(md.timestamp_max, Some(1_736_761_580)); // the greatest of the records' timestamps
    let p = md.get("primary").expect("primary");
    assert_eq!(p.size, Some(3_597_627));
    assert_eq!(p.open_size, Some(51_840_420));
    assert!(p.location_href.ends_with("-primary.xml.gz"));
    assert!(md.get("modules").is_some() && md.get("group_xz").is_some() && md.get("nope").is_none());
    let md = repomd(&c.join("cs9-baseos-2022/repodata"));
    assert_eq!(md.revision.as_deref(), Some("1644263915"));
    let fl = md.get("filelists").expect("filelists");
    assert_eq!((fl.size, fl.open_size, fl.timestamp), (Some(612_567), Some(5_894_169), Some(1_644_263_915)));
    assert_eq!(
        fl.open_checksum.as_ref().map(|c| c.hex.as_str()),
        Some("ed7d3c472ce8251bd9747e5fdc5c5e294de84fe3c77f62ecf5911483208e96ee")
    );
}

#[test]
fn appstream_primary() {
    let dir = common::corpus().join("cs9-appstream/repodata");
    let md = repomd(&dir);
    let (mut r, outer, label) = open_verified(&dir, &md, "primary");
    let mut first = None;
    let (mut entries, mut rich, mut files, mut pre, mut epoch1, mut amp) = (0, 0, 0, 0, 0, 0);
    let n = parse_primary(&mut r, &label, |p| {
        let deps = [
            &p.provides, &p.requires, &p.conflicts, &p.obsoletes, &p.recommends, &p.suggests, &p.supplements,
            &p.enhances,
        ];
        for d in deps.into_iter().flatten() {
            entries += 1;
            rich += d.name.starts_with('(') as usize;
            pre += d.pre as usize;
            assert_eq!(d.op.is_some(), !d.evr.is_empty(), "{}: {d:?}", p.name);
            assert!(!d.evr.starts_with("0:"), "{d:?}");
        }
        files += p.files.len();
        epoch1 += (p.epoch == 1) as usize;
        amp += p.description.contains('&') as usize;
        assert!(!p.description.contains("&amp;") && !p.summary.contains("&lt;"));
        assert!(!p.name.is_empty() && !p.arch.is_empty() && !p.version.is_empty() && !p.release.is_empty());
        assert!(p.location_href.starts_with("Packages/"), "{}", p.location_href);
        assert_eq!(p.checksum.as_ref().map(|c| c.hex.len()), Some(64));
        if first.is_none() {
            first = Some(p);
        }
        Ok(())
    })
    .expect("parse primary");
    r.get_mut().finish().expect("open-checksum/open-size");
    outer.finish().expect("checksum/size");
    assert_eq!(n, 17_649);
    // Independent counts (grep on the decompressed XML).
    assert_eq!(entries, 415_637);
    assert_eq!(rich, 1_395);
    assert_eq!(files, 36_204);
    assert_eq!(pre, 3_883);
    assert!(epoch1 > 0 && amp > 0);

    let p = first.expect("first package");
    assert_eq!((p.name.as_str(), p.arch.as_str()), ("389-ds-base", "x86_64"));
    assert_eq!((p.epoch, p.version.as_str(), p.release.as_str()), (0, "2.5.1", "1.el9"));
    assert_eq!(
        p.checksum.as_ref().map(|c| (c.kind, c.hex.as_str())),
        Some((ChecksumKind::Sha256, "d906a4edec477483b2c11176dabfe62a73031b88ae1be5862ff5f8ed15c62ec2"))
    );
    assert_eq!(p.summary, "389 Directory Server (base)");
    assert!(p.description.starts_with("389 Directory Server is an LDAPv3 compliant server.  The base"));
    assert!(p.description.contains("includes\nthe LDAP server"));
    assert_eq!((p.packager.as_str(), p.url.as_str()), ("builder@centos.org", "https://www.port389.org"));
    assert_eq!((p.time_file, p.time_build), (1_716_330_110, 1_715_287_144));
    assert_eq!((p.size_package, p.size_installed, p.size_archive), (2_922_140, 11_556_907, 11_596_752));
    assert_eq!(p.location_href, "Packages/389-ds-base-2.5.1-1.el9.x86_64.rpm");
    assert_eq!(p.location_base, None);
    assert!(p.license.starts_with("GPL-3.0-or-later AND (0BSD OR Apache-2.0 OR MIT)"));
    assert_eq!((p.vendor.as_str(), p.group.as_str()), ("CentOS", "Unspecified"));
    assert_eq!(p.buildhost, "x86-02.stream.rdu2.redhat.com");
    assert_eq!(p.sourcerpm, "389-ds-base-2.5.1-1.el9.src.rpm");
    assert_eq!(p.header_range, Some((59_776, 132_493)));
    assert_eq!(p.provides[0].to_rpm_string(), "389-ds-base = 2.5.1-1.el9");
    assert_eq!(p.provides[2].to_rpm_string(), "bundled(crate(addr2line)) = 0.21.0");
    assert_eq!(p.provides[0].op, Some(DepOp::Eq));
    assert!(!p.requires.is_empty() && !p.files.is_empty());
    assert!(p.changelogs.is_empty());
}

#[test]
fn baseos_2022_primary_and_filelists() {
    let dir = common::corpus().join("cs9-baseos-2022/repodata");
    let md = repomd(&dir);
    let (mut r, outer, label) = open_verified(&dir, &md, "primary");
    let mut pkgids = std::collections::HashMap::new();
    let mut mm = None;
    let n = parse_primary(&mut r, &label, |p| {
        let id = p.checksum.as_ref().map(|c| c.hex.clone()).unwrap_or_default();
        pkgids.insert(id, p.nvra());
        if p.name == "ModemManager" {
            mm = Some(p);
        }
        Ok(())
    })
    .expect("primary");
    r.get_mut().finish().expect("open checksum");
    outer.finish().expect("checksum");
    assert_eq!(n, 1_125);
    let mm = mm.expect("ModemManager");
    assert_eq!(mm.requires[0].name, "/bin/sh");
    assert!(mm.requires[0].pre && !mm.requires[1].pre);
    assert_eq!(mm.conflicts[0].to_rpm_string(), "glib2(x86-64) < 2.68.4");
    assert_eq!(mm.files.len(), 3);
    assert_eq!(mm.files[1].path, "/usr/bin/mmcli");

    let (mut r, outer, label) = open_verified(&dir, &md, "filelists");
    let (mut files, mut dirs, mut ghosts) = (0, 0, 0);
    let n = parse_filelists(&mut r, &label, |e| {
        let nvra = pkgids.get(&e.pkgid).unwrap_or_else(|| panic!("filelists pkgid {} not in primary", e.pkgid));
        assert_eq!(*nvra, format!("{}-{}-{}.{}", e.name, e.version, e.release, e.arch));
        files += e.files.len();
        dirs += e.files.iter().filter(|f| f.kind == FileKind::Dir).count();
        ghosts += e.files.iter().filter(|f| f.kind == FileKind::Ghost).count();
        Ok(())
    })
    .expect("filelists");
    r.get_mut().finish().expect("open checksum");
    outer.finish().expect("checksum");
    assert_eq!(n, 1_125);
    // SOURCES.md says 93,618: that grep also counted the <filelists> root.
    assert_eq!(files, 93_617);
    assert!(dirs > 0 && ghosts > 0);
}

#[test]
fn baseos_2025_filelists() {
    let dir = common::corpus().join("cs9-baseos-2025-filelists/repodata");
    let md = repomd(&dir);
    let (mut r, outer, label) = open_verified(&dir, &md, "filelists");
    let mut files = 0;
    let n = parse_filelists(&mut r, &label, |e| {
        assert_eq!(e.pkgid.len(), 64);
        files += e.files.len();
        Ok(())
    })
    .expect("filelists");
    r.get_mut().finish().expect("open checksum");
    outer.finish().expect("checksum");
    // SOURCES.md says 395,368: that grep also counted the <filelists> root.
    assert_eq!((n, files), (4_572, 395_367));
    // The primary it belongs to is listed but absent from the corpus.
    let p = md.get("primary").expect("primary listed");
    assert!(!dir.parent().expect("parent").join(&p.location_href).exists());
}

#[test]
fn appstream_filelists_stub_is_empty() {
    let dir = common::corpus().join("cs9-appstream/repodata");
    let md = repomd(&dir);
    let (mut r, outer, label) = open_verified(&dir, &md, "filelists");
    let n = parse_filelists(&mut r, &label, |_| Ok(())).expect("stub");
    // The open-size (126) fits but repomd kept a different open-checksum: caught.
    let e = r.get_mut().finish().expect_err("stub differs from open-checksum");
    assert!(matches!(e, repodata::Error::ChecksumMismatch { .. }), "{e}");
    outer.finish().expect("checksum");
    assert_eq!(n, 0);
}

#[test]
fn updateinfo_files() {
    let dir = common::corpus().join("updateinfo");
    let want = [
        ("fedora-linux-core-updates-6-i386-updateinfo.xml", 676),
        ("fedora-linux-core-updates-testing-6-x86_64-updateinfo.xml", 325),
        ("fedora-linux-core-updates-5-x86_64-updateinfo.xml", 141),
        ("epel-4-SRPMS-updateinfo.xml", 422),
        ("fedora-linux-updates-8-SRPMS-updateinfo.xml", 1),
        ("fedora-linux-updates-9-SRPMS-updateinfo.xml", 1),
    ];
    for (name, count) in want {
        let path = dir.join(name);
        let r = decompress::open_path(&path).expect("open");
        let (mut issued, mut pkgs, mut refs) = (0u64, 0, 0);
        let mut f8 = None;
        let n = parse_updateinfo(r, name, |a| {
            assert!(!a.id.is_empty() && !a.kind.is_empty(), "{a:?}");
            issued += a.issued.is_some() as u64;
            pkgs += a.packages.len();
            refs += a.references.len();
            for p in &a.packages {
                assert!(!p.name.is_empty() && !p.filename.is_empty(), "{p:?}");
            }
            f8.get_or_insert(a);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(n, count, "{name}");
        assert_eq!(issued, count, "{name}: every <issued date> parses");
        assert!(pkgs > 0, "{name}");
        if name.starts_with("fedora-linux-updates-8") {
            let a = f8.expect("one advisory");
            assert_eq!((a.id.as_str(), a.kind.as_str(), a.status.as_str()), ("FEDORA-2008-7747", "security", "stable"));
            assert_eq!(a.from, "updates@fedoraproject.org");
            assert_eq!(a.title, "fedora-release-8-6.transition");
            assert_eq!(a.release, "Fedora 8");
            // 2008-09-09 22:07:04 UTC
            assert_eq!(a.issued, Some(1_220_998_024));
            assert!(a.reboot_suggested);
            assert!(a.description.contains("signing keys.  This update"));
            assert_eq!(a.packages.len(), 2);
            let p = &a.packages[0];
            assert_eq!(
                (p.name.as_str(), p.version.as_str(), p.release.as_str(), p.arch.as_str()),
                ("fedora-release", "8", "6.transition", "noarch")
            );
            assert_eq!(p.filename, "fedora-release-8-6.transition.noarch.rpm");
            assert!(p.src.ends_with("/8/i386/fedora-release-8-6.transition.noarch.rpm"));
            assert!(p.reboot_suggested);
        }
        let _ = refs;
    }
}

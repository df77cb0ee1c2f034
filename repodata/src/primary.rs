//! Streaming parser of `primary.xml`.

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use crate::error::Error;
use crate::model::{Checksum, ChecksumKind, DepOp, Dependency, FileEntry, FileKind, Package};
use crate::xml::{XmlReader, epoch};

#[derive(Clone, Copy)]
enum DepList {
    Provides,
    Requires,
    Conflicts,
    Obsoletes,
    Recommends,
    Suggests,
    Supplements,
    Enhances,
}

impl DepList {
    fn of(name: &[u8]) -> Option<DepList> {
        Some(match name {
            b"provides" => DepList::Provides,
            b"requires" => DepList::Requires,
            b"conflicts" => DepList::Conflicts,
            b"obsoletes" => DepList::Obsoletes,
            b"recommends" => DepList::Recommends,
            b"suggests" => DepList::Suggests,
            b"supplements" => DepList::Supplements,
            b"enhances" => DepList::Enhances,
            _ => return None,
        })
    }

    fn of_pkg(self, p: &mut Package) -> &mut Vec<Dependency> {
        match self {
            DepList::Provides => &mut p.provides,
            DepList::Requires => &mut p.requires,
            DepList::Conflicts => &mut p.conflicts,
            DepList::Obsoletes => &mut p.obsoletes,
            DepList::Recommends => &mut p.recommends,
            DepList::Suggests => &mut p.suggests,
            DepList::Supplements => &mut p.supplements,
            DepList::Enhances => &mut p.enhances,
        }
    }
}

/// Parse a (decompressed) `primary.xml`, calling `sink` with each package in
/// document order. Returns the number of packages. Stops at the first error,
/// including one returned by `sink`.
///
/// Every field primary carries is filled: name, arch, epoch/version/release,
/// pkgid checksum, summary, description, packager, url, times, sizes,
/// location (href and `xml:base`), and from `<format>`: license, vendor,
/// group, buildhost, sourcerpm, header-range, the eight dependency lists and
/// the `<file>` entries. `changelogs` stays empty (that is other.xml).
pub fn parse_primary<R: BufRead>(
    r: R,
    label: &str,
    mut sink: impl FnMut(Package) -> Result<(), Error>,
) -> Result<u64, Error> {
    let mut xr = XmlReader::new(r, label);
    let (mut buf, mut tbuf) = (Vec::new(), Vec::new());
    let mut pkg: Option<Package> = None;
    let mut list: Option<DepList> = None;
    let mut count = 0u64;
    loop {
        let (e, empty) = match xr.next(&mut buf)? {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                match xr.depth() {
                    1 => {
                        if let Some(p) = pkg.take() {
                            if p.name.is_empty() {
                                return Err(xr.err("<package> without <name>"));
                            }
                            sink(p)?;
                            count += 1;
                        }
                    }
                    3 => list = None,
                    _ => {}
                }
                continue;
            }
            Event::Eof => return Ok(count),
            _ => continue,
        };
        let depth = if empty { xr.depth() + 1 } else { xr.depth() };
        match depth {
            1 => xr.expect_root(&e, "metadata")?,
            2 => {
                if e.local_name().as_ref() == b"package" && !empty {
                    pkg = Some(Package::default());
                } else if !empty {
                    xr.skip(&mut tbuf)?;
                }
            }
            _ => match pkg.as_mut() {
                Some(p) => element(&mut xr, &e, empty, p, &mut list, &mut tbuf)?,
                None => {
                    if !empty {
                        xr.skip(&mut tbuf)?;
                    }
                }
            },
        }
    }
}

/// Handle one element inside `<package>`.
fn element<R: BufRead>(
    xr: &mut XmlReader<R>,
    e: &BytesStart<'_>,
    empty: bool,
    p: &mut Package,
    list: &mut Option<DepList>,
    tbuf: &mut Vec<u8>,
) -> Result<(), Error> {
    let name = e.local_name();
    let text_field = match name.as_ref() {
        b"name" => Some(&mut p.name),
        b"arch" => Some(&mut p.arch),
        b"summary" => Some(&mut p.summary),
        b"description" => Some(&mut p.description),
        b"packager" => Some(&mut p.packager),
        b"url" => Some(&mut p.url),
        b"license" => Some(&mut p.license),
        b"vendor" => Some(&mut p.vendor),
        b"group" => Some(&mut p.group),
        b"buildhost" => Some(&mut p.buildhost),
        b"sourcerpm" => Some(&mut p.sourcerpm),
        _ => None,
    };
    if let Some(field) = text_field {
        field.clear();
        if !empty {
            xr.read_text(tbuf, field)?;
        }
        return Ok(());
    }
    match name.as_ref() {
        b"version" => xr.attrs(e, |k, v| {
            match k {
                b"epoch" => p.epoch = epoch(xr, &v)?,
                b"ver" => p.version = v.into_owned(),
                b"rel" => p.release = v.into_owned(),
                _ => {}
            }
            Ok(())
        })?,
        b"checksum" => {
            let mut kind = None;
            xr.attrs(e, |k, v| {
                if k == b"type" {
                    kind = Some(checksum_kind(xr, &v)?);
                }
                Ok(())
            })?;
            let kind = kind.ok_or_else(|| xr.err("<checksum> without type"))?;
            let mut hex = String::new();
            if !empty {
                xr.read_text(tbuf, &mut hex)?;
            }
            hex.make_ascii_lowercase();
            p.checksum = Some(Checksum { kind, hex });
            return Ok(());
        }
        b"time" => xr.attrs(e, |k, v| {
            match k {
                b"file" => p.time_file = xr.num(&v, "time file")?,
                b"build" => p.time_build = xr.num(&v, "time build")?,
                _ => {}
            }
            Ok(())
        })?,
        b"size" => xr.attrs(e, |k, v| {
            match k {
                b"package" => p.size_package = xr.num(&v, "size package")?,
                b"installed" => p.size_installed = xr.num(&v, "size installed")?,
                b"archive" => p.size_archive = xr.num(&v, "size archive")?,
                _ => {}
            }
            Ok(())
        })?,
        b"location" => xr.attrs(e, |k, v| {
            match k {
                b"href" => p.location_href = v.into_owned(),
                b"base" => p.location_base = Some(v.into_owned()),
                _ => {}
            }
            Ok(())
        })?,
        b"header-range" => {
            let (mut start, mut end) = (0u64, 0u64);
            xr.attrs(e, |k, v| {
                match k {
                    b"start" => start = xr.num(&v, "header-range start")?,
                    b"end" => end = xr.num(&v, "header-range end")?,
                    _ => {}
                }
                Ok(())
            })?;
            p.header_range = Some((start, end));
        }
        b"format" => return Ok(()), // descend
        b"entry" => {
            if let Some(l) = *list {
                let d = entry(xr, e)?;
                l.of_pkg(p).push(d);
            }
        }
        b"file" => {
            let kind = file_kind(xr, e)?;
            let mut path = String::new();
            if !empty {
                xr.read_text(tbuf, &mut path)?;
            }
            p.files.push(FileEntry { path, kind });
            return Ok(());
        }
        other => {
            if let Some(l) = DepList::of(other) {
                if !empty {
                    *list = Some(l);
                }
                return Ok(());
            }
        }
    }
    if !empty {
        xr.skip(tbuf)?;
    }
    Ok(())
}

/// `<rpm:entry name flags epoch ver rel pre>` → [`Dependency`].
pub(crate) fn entry<R: BufRead>(xr: &XmlReader<R>, e: &BytesStart<'_>) -> Result<Dependency, Error> {
    let mut d = Dependency::default();
    let (mut ep, mut ver, mut rel) = (None, None, None);
    xr.attrs(e, |k, v| {
        match k {
            b"name" => d.name = v.into_owned(),
            b"flags" => {
                d.op = Some(DepOp::from_rpmmd(&v).ok_or_else(|| xr.err(format!("unknown dependency flags {v:?}")))?)
            }
            b"epoch" => ep = Some(v.into_owned()),
            b"ver" => ver = Some(v.into_owned()),
            b"rel" => rel = Some(v.into_owned()),
            b"pre" => d.pre = matches!(&*v, "1" | "true" | "TRUE" | "True"),
            _ => {}
        }
        Ok(())
    })?;
    if d.name.is_empty() {
        return Err(xr.err("<rpm:entry> without name"));
    }
    if let Some(ver) = ver {
        let mut evr = String::with_capacity(ver.len() + rel.as_ref().map_or(0, |r| r.len() + 1) + 4);
        if let Some(ep) = ep.as_deref().filter(|e| !e.is_empty() && *e != "0") {
            evr.push_str(ep);
            evr.push(':');
        }
        evr.push_str(&ver);
        if let Some(rel) = rel.as_deref().filter(|r| !r.is_empty()) {
            evr.push('-');
            evr.push_str(rel);
        }
        d.evr = evr;
    }
    Ok(d)
}

/// `<file type="dir|ghost">`.
pub(crate) fn file_kind<R: BufRead>(xr: &XmlReader<R>, e: &BytesStart<'_>) -> Result<FileKind, Error> {
    let mut kind = FileKind::File;
    xr.attrs(e, |k, v| {
        if k == b"type" {
            kind = match &*v {
                "dir" => FileKind::Dir,
                "ghost" => FileKind::Ghost,
                "file" | "" => FileKind::File,
                other => return Err(xr.err(format!("unknown file type {other:?}"))),
            };
        }
        Ok(())
    })?;
    Ok(kind)
}

/// A `type=` attribute value as a [`ChecksumKind`].
pub(crate) fn checksum_kind<R: BufRead>(xr: &XmlReader<R>, v: &str) -> Result<ChecksumKind, Error> {
    ChecksumKind::from_name(v).ok_or_else(|| xr.err(format!("unknown checksum type {v:?}")))
}

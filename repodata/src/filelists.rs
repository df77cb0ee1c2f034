//! Streaming parser of `filelists.xml`, and the package-keyed document
//! shape it shares with `other.xml`.

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use crate::error::Error;
use crate::model::FileEntry;
use crate::primary::file_kind;
use crate::xml::{XmlReader, epoch};

/// One `<package>` of filelists.xml: identity plus every file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilelistsEntry {
    /// The package checksum (matches primary's pkgid checksum).
    pub pkgid: String,
    pub name: String,
    pub arch: String,
    pub epoch: u32,
    pub version: String,
    pub release: String,
    pub files: Vec<FileEntry>,
}

/// Package identity as filelists.xml and other.xml give it.
#[derive(Default)]
pub(crate) struct PkgKey {
    pub(crate) pkgid: String,
    pub(crate) name: String,
    pub(crate) arch: String,
    pub(crate) epoch: u32,
    pub(crate) version: String,
    pub(crate) release: String,
}

/// Drive a `<ROOT><package pkgid name arch><version/>CHILD*</package>*</ROOT>`
/// document. `child` handles every element of a package other than
/// `<version>`; it must consume the element (read its text or skip it) when
/// it is not empty. `done` receives each finished package.
pub(crate) fn parse_keyed<R: BufRead, T: Default>(
    r: R,
    label: &str,
    root: &str,
    mut child: impl FnMut(&mut XmlReader<R>, &BytesStart<'_>, bool, &mut T, &mut Vec<u8>) -> Result<(), Error>,
    mut done: impl FnMut(PkgKey, T) -> Result<(), Error>,
) -> Result<u64, Error> {
    let mut xr = XmlReader::new(r, label);
    let (mut buf, mut tbuf) = (Vec::new(), Vec::new());
    let mut cur: Option<(PkgKey, T)> = None;
    let mut count = 0u64;
    loop {
        let (e, empty) = match xr.next(&mut buf)? {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                if xr.depth() == 1
                    && let Some((k, t)) = cur.take()
                {
                    done(k, t)?;
                    count += 1;
                }
                continue;
            }
            Event::Eof => return Ok(count),
            _ => continue,
        };
        let depth = if empty { xr.depth() + 1 } else { xr.depth() };
        match depth {
            1 => xr.expect_root(&e, root)?,
            2 if e.local_name().as_ref() == b"package" => {
                let mut k = PkgKey::default();
                xr.attrs(&e, |key, v| {
                    match key {
                        b"pkgid" => k.pkgid = v.to_ascii_lowercase(),
                        b"name" => k.name = v.into_owned(),
                        b"arch" => k.arch = v.into_owned(),
                        _ => {}
                    }
                    Ok(())
                })?;
                if k.pkgid.is_empty() {
                    return Err(xr.err("<package> without pkgid"));
                }
                if empty {
                    done(k, T::default())?;
                    count += 1;
                } else {
                    cur = Some((k, T::default()));
                }
            }
            3 if cur.is_some() => {
                let Some((k, t)) = cur.as_mut() else { continue };
                if e.local_name().as_ref() == b"version" {
                    xr.attrs(&e, |key, v| {
                        match key {
                            b"epoch" => k.epoch = epoch(&xr, &v)?,
                            b"ver" => k.version = v.into_owned(),
                            b"rel" => k.release = v.into_owned(),
                            _ => {}
                        }
                        Ok(())
                    })?;
                    if !empty {
                        xr.skip(&mut tbuf)?;
                    }
                } else {
                    child(&mut xr, &e, empty, t, &mut tbuf)?;
                }
            }
            _ => {
                if !empty {
                    xr.skip(&mut tbuf)?;
                }
            }
        }
    }
}

/// Parse a (decompressed) `filelists.xml`, calling `sink` per package.
/// Returns the number of packages.
pub fn parse_filelists<R: BufRead>(
    r: R,
    label: &str,
    mut sink: impl FnMut(FilelistsEntry) -> Result<(), Error>,
) -> Result<u64, Error> {
    parse_keyed(
        r,
        label,
        "filelists",
        |xr, e, empty, files: &mut Vec<FileEntry>, tbuf| {
            if e.local_name().as_ref() != b"file" {
                return if empty { Ok(()) } else { xr.skip(tbuf) };
            }
            let kind = file_kind(xr, e)?;
            let mut path = String::new();
            if !empty {
                xr.read_text(tbuf, &mut path)?;
            }
            files.push(FileEntry { path, kind });
            Ok(())
        },
        |k, files| {
            sink(FilelistsEntry {
                pkgid: k.pkgid,
                name: k.name,
                arch: k.arch,
                epoch: k.epoch,
                version: k.version,
                release: k.release,
                files,
            })
        },
    )
}

//! `repomd.xml`: the index of a repository's metadata files.

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use crate::error::Error;
use crate::model::{Checksum, ChecksumKind};
use crate::xml::XmlReader;

/// One `<data type="...">` record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepomdRecord {
    /// The `type=` attribute: `primary`, `filelists`, `other`, `updateinfo`,
    /// `group`, `group_gz`, `modules`, `primary_zck`, `primary_db`, ...
    pub kind: String,
    /// `<location href>`, relative to the repository base (or `location_base`).
    pub location_href: String,
    /// `<location xml:base>`, if any.
    pub location_base: Option<String>,
    /// Digest of the file as stored (compressed).
    pub checksum: Checksum,
    /// Digest of the decompressed content.
    pub open_checksum: Option<Checksum>,
    pub size: Option<u64>,
    pub open_size: Option<u64>,
    pub timestamp: Option<i64>,
    /// `<database_version>` of sqlite records.
    pub database_version: Option<u32>,
}

/// A parsed `repomd.xml`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Repomd {
    pub revision: Option<String>,
    /// The greatest `<timestamp>` of all records (what dnf shows as the
    /// metadata's age).
    pub timestamp_max: Option<i64>,
    pub records: Vec<RepomdRecord>,
    /// `<tags><content>` values.
    pub content_tags: Vec<String>,
    /// `<tags><distro>` values.
    pub distro_tags: Vec<String>,
    /// `<tags><repo>` values.
    pub repo_tags: Vec<String>,
}

impl Repomd {
    /// Parse repomd.xml (already decompressed; it normally is plain XML).
    pub fn parse(r: impl BufRead, label: &str) -> Result<Repomd, Error> {
        let mut xr = XmlReader::new(r, label);
        let (mut buf, mut tbuf) = (Vec::new(), Vec::new());
        let mut md = Repomd::default();
        let mut cur: Option<Partial> = None;
        let mut text = String::new();
        loop {
            match xr.next(&mut buf)? {
                Event::Start(e) => {
                    let depth = xr.depth();
                    let name = e.local_name().as_ref().to_vec();
                    if depth == 1 {
                        xr.expect_root(&e, "repomd")?;
                        continue;
                    }
                    match (depth, name.as_slice(), cur.as_mut()) {
                        (2, b"data", _) => cur = Some(Partial::start(&xr, &e)?),
                        (3, b"checksum" | b"open-checksum", Some(_)) => {
                            let kind = checksum_kind(&xr, &e)?;
                            text.clear();
                            xr.read_text(&mut tbuf, &mut text)?;
                            let c = Checksum {
                                kind,
                                hex: text.trim().to_ascii_lowercase(),
                            };
                            if let Some(p) = cur.as_mut() {
                                if name == b"checksum" { p.checksum = Some(c) } else { p.rec.open_checksum = Some(c) }
                            }
                        }
                        (3, b"location", Some(p)) => {
                            location(&xr, &e, p)?;
                            xr.skip(&mut tbuf)?;
                        }
                        (3, b"timestamp" | b"size" | b"open-size" | b"database_version", Some(_)) => {
                            text.clear();
                            xr.read_text(&mut tbuf, &mut text)?;
                            let what = String::from_utf8_lossy(&name).into_owned();
                            if let Some(p) = cur.as_mut() {
                                match name.as_slice() {
                                    b"timestamp" => p.rec.timestamp = Some(xr.num(&text, &what)?),
                                    b"size" => p.rec.size = Some(xr.num(&text, &what)?),
                                    b"open-size" => p.rec.open_size = Some(xr.num(&text, &what)?),
                                    _ => p.rec.database_version = Some(xr.num(&text, &what)?),
                                }
                            }
                        }
                        (2, b"revision", None) => {
                            text.clear();
                            xr.read_text(&mut tbuf, &mut text)?;
                            md.revision = Some(text.trim().to_owned());
                        }
                        (3, b"content" | b"distro" | b"repo", None) => {
                            text.clear();
                            xr.read_text(&mut tbuf, &mut text)?;
                            let v = text.trim().to_owned();
                            match name.as_slice() {
                                b"content" => md.content_tags.push(v),
                                b"distro" => md.distro_tags.push(v),
                                _ => md.repo_tags.push(v),
                            }
                        }
                        _ => {
                            // Descend into <tags>; skip anything unknown
                            // (e.g. <header-checksum>, <header-size>).
                            if !(depth == 2 && name == b"tags") {
                                xr.skip(&mut tbuf)?;
                            }
                        }
                    }
                }
                Event::Empty(e) => {
                    if xr.depth() == 0 {
                        xr.expect_root(&e, "repomd")?;
                    } else if xr.depth() == 2
                        && e.local_name().as_ref() == b"location"
                        && let Some(p) = cur.as_mut()
                    {
                        location(&xr, &e, p)?;
                    }
                }
                Event::End(_) => {
                    if xr.depth() == 1
                        && let Some(p) = cur.take()
                    {
                        md.records.push(p.finish(&xr)?);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        md.timestamp_max = md.records.iter().filter_map(|r| r.timestamp).max();
        Ok(md)
    }

    /// The first record of type `kind`.
    pub fn get(&self, kind: &str) -> Option<&RepomdRecord> {
        self.records.iter().find(|r| r.kind == kind)
    }
}

struct Partial {
    rec: RepomdRecord,
    checksum: Option<Checksum>,
}

impl Partial {
    fn start<R: BufRead>(xr: &XmlReader<R>, e: &BytesStart<'_>) -> Result<Partial, Error> {
        let mut kind = None;
        xr.attrs(e, |k, v| {
            if k == b"type" {
                kind = Some(v.into_owned());
            }
            Ok(())
        })?;
        let kind = kind.ok_or_else(|| xr.err("<data> without type attribute"))?;
        Ok(Partial {
            rec: RepomdRecord {
                kind,
                location_href: String::new(),
                location_base: None,
                checksum: Checksum {
                    kind: ChecksumKind::Sha256,
                    hex: String::new(),
                },
                open_checksum: None,
                size: None,
                open_size: None,
                timestamp: None,
                database_version: None,
            },
            checksum: None,
        })
    }

    fn finish<R: BufRead>(mut self, xr: &XmlReader<R>) -> Result<RepomdRecord, Error> {
        let kind = &self.rec.kind;
        self.rec.checksum = self
            .checksum
            .ok_or_else(|| xr.err(format!("<data type=\"{kind}\"> has no <checksum>")))?;
        if self.rec.location_href.is_empty() {
            return Err(xr.err(format!("<data type=\"{kind}\"> has no <location href>")));
        }
        Ok(self.rec)
    }
}

fn checksum_kind<R: BufRead>(xr: &XmlReader<R>, e: &BytesStart<'_>) -> Result<ChecksumKind, Error> {
    let mut kind = None;
    xr.attrs(e, |k, v| {
        if k == b"type" {
            kind = Some(ChecksumKind::from_name(&v).ok_or_else(|| xr.err(format!("unknown checksum type {v:?}")))?);
        }
        Ok(())
    })?;
    kind.ok_or_else(|| xr.err("checksum without type attribute"))
}

fn location<R: BufRead>(xr: &XmlReader<R>, e: &BytesStart<'_>, p: &mut Partial) -> Result<(), Error> {
    xr.attrs(e, |k, v| {
        match k {
            b"href" => p.rec.location_href = v.into_owned(),
            b"base" => p.rec.location_base = Some(v.into_owned()),
            _ => {}
        }
        Ok(())
    })
}

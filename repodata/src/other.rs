//! Streaming parser of `other.xml` (changelogs).

use std::io::BufRead;

use crate::error::Error;
use crate::filelists::parse_keyed;
use crate::model::ChangeLog;

/// One `<package>` of other.xml.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OtherEntry {
    /// The package checksum (matches primary's pkgid checksum).
    pub pkgid: String,
    pub name: String,
    pub arch: String,
    pub epoch: u32,
    pub version: String,
    pub release: String,
    /// In document order (createrepo writes oldest first).
    pub changelogs: Vec<ChangeLog>,
}

/// Parse a (decompressed) `other.xml`, calling `sink` per package.
/// `<changelog author="..." date="...">text</changelog>`; returns the number
/// of packages.
pub fn parse_other<R: BufRead>(
    r: R,
    label: &str,
    mut sink: impl FnMut(OtherEntry) -> Result<(), Error>,
) -> Result<u64, Error> {
    parse_keyed(
        r,
        label,
        "otherdata",
        |xr, e, empty, logs: &mut Vec<ChangeLog>, tbuf| {
            if e.local_name().as_ref() != b"changelog" {
                return if empty { Ok(()) } else { xr.skip(tbuf) };
            }
            let mut c = ChangeLog {
                author: String::new(),
                date: 0,
                text: String::new(),
            };
            xr.attrs(e, |k, v| {
                match k {
                    b"author" => c.author = v.into_owned(),
                    b"date" => c.date = xr.num(&v, "changelog date")?,
                    _ => {}
                }
                Ok(())
            })?;
            if !empty {
                xr.read_text(tbuf, &mut c.text)?;
            }
            logs.push(c);
            Ok(())
        },
        |k, changelogs| {
            sink(OtherEntry {
                pkgid: k.pkgid,
                name: k.name,
                arch: k.arch,
                epoch: k.epoch,
                version: k.version,
                release: k.release,
                changelogs,
            })
        },
    )
}

//! Metalink 3.0/4.0 files as Fedora's mirror manager serves them for
//! `repomd.xml`: the mirror URLs with protocol and preference, and the
//! expected size and hashes of `repomd.xml`.

use std::io::BufRead;

use quick_xml::events::Event;

use crate::error::Error;
use crate::model::{Checksum, ChecksumKind};
use crate::xml::XmlReader;

/// One `<url>` of a metalink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetalinkUrl {
    pub url: String,
    pub protocol: Option<String>,
    /// 0–100, higher is better (100 when absent).
    pub preference: u32,
}

/// What a metalink says about `repomd.xml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metalink {
    pub urls: Vec<MetalinkUrl>,
    pub size: Option<u64>,
    pub hashes: Vec<Checksum>,
}

/// Parse a metalink document.
pub fn parse<R: BufRead>(r: R, label: &str) -> Result<Metalink, Error> {
    let mut xr = XmlReader::new(r, label);
    let mut buf = Vec::new();
    let mut out = Metalink::default();
    loop {
        let e = match xr.next(&mut buf)? {
            Event::Start(e) => e.into_owned(),
            Event::Eof => break,
            _ => continue,
        };
        match e.local_name().as_ref() {
            b"url" => {
                let (mut protocol, mut preference) = (None, 100u32);
                xr.attrs(&e, |k, v| {
                    match k {
                        b"protocol" | b"type" => protocol = Some(v.into_owned()),
                        b"preference" | b"priority" => preference = v.trim().parse().unwrap_or(100),
                        _ => {}
                    }
                    Ok(())
                })?;
                let mut url = String::new();
                xr.read_text(&mut buf, &mut url)?;
                let url = url.trim().to_string();
                if !url.is_empty() {
                    out.urls.push(MetalinkUrl { url, protocol, preference });
                }
            }
            b"size" => {
                let mut text = String::new();
                xr.read_text(&mut buf, &mut text)?;
                out.size = text.trim().parse().ok();
            }
            b"hash" => {
                let mut kind = None;
                xr.attrs(&e, |k, v| {
                    if k == b"type" {
                        kind = ChecksumKind::from_name(&v.replace('-', ""));
                    }
                    Ok(())
                })?;
                let mut text = String::new();
                xr.read_text(&mut buf, &mut text)?;
                if let Some(kind) = kind {
                    out.hashes.push(Checksum { kind, hex: text.trim().to_ascii_lowercase() });
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Only the URLs.
pub fn parse_urls<R: BufRead>(r: R, label: &str) -> Result<Vec<MetalinkUrl>, Error> {
    Ok(parse(r, label)?.urls)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<metalink version="3.0" xmlns="http://www.metalinker.org/">
 <files><file name="repomd.xml">
  <size>4459</size>
  <verification><hash type="sha256">ABCDEF</hash><hash type="md5">00</hash></verification>
  <resources maxconnections="1">
   <url protocol="https" type="https" location="US" preference="90">https://b/repodata/repomd.xml</url>
   <url protocol="http" type="http" location="DE" preference="100">http://a/repodata/repomd.xml</url>
   <url protocol="rsync" type="rsync" preference="100">rsync://c/repodata/repomd.xml</url>
  </resources>
 </file></files>
</metalink>"#;

    #[test]
    fn urls_size_and_hashes() {
        let m = parse(DOC.as_bytes(), "metalink").unwrap();
        assert_eq!(m.urls.len(), 3);
        assert_eq!(m.urls[0].preference, 90);
        assert_eq!(m.urls[1].protocol.as_deref(), Some("http"));
        assert_eq!(m.size, Some(4459));
        assert_eq!(m.hashes[0], Checksum { kind: ChecksumKind::Sha256, hex: "abcdef".into() });
    }

    #[test]
    fn truncated_is_an_error() {
        assert!(parse(&DOC.as_bytes()[..200], "metalink").is_err());
    }
}

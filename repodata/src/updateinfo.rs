//! Streaming parser of `updateinfo.xml` (advisories).

use std::io::BufRead;

use quick_xml::events::Event;

use crate::error::Error;
use crate::xml::{XmlReader, epoch};

/// `<reference href id type title/>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reference {
    pub href: String,
    pub id: String,
    /// `type=`: `bugzilla`, `cve`, `self`, ...
    pub kind: String,
    pub title: String,
}

/// `<pkglist><collection><package name epoch version release arch src>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdvisoryPackage {
    pub name: String,
    pub epoch: u32,
    pub version: String,
    pub release: String,
    pub arch: String,
    pub src: String,
    /// `<filename>` child.
    pub filename: String,
    /// `<reboot_suggested>` inside this `<package>`.
    pub reboot_suggested: bool,
}

/// One `<update>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Advisory {
    /// `type=`: `security`, `bugfix`, `enhancement`, `newpackage`, ...
    pub kind: String,
    pub status: String,
    pub from: String,
    /// `version=` attribute of `<update>`.
    pub version: String,
    pub id: String,
    pub title: String,
    pub severity: Option<String>,
    /// `<issued date>`, seconds since the epoch (UTC). `None` if absent or
    /// not a date libsolv would understand either.
    pub issued: Option<i64>,
    pub updated: Option<i64>,
    pub release: String,
    pub summary: String,
    pub rights: String,
    pub description: String,
    /// `<reboot_suggested>` of the update or of any of its packages
    /// (libsolv sets the update's flag in both cases).
    pub reboot_suggested: bool,
    pub restart_suggested: bool,
    pub relogin_suggested: bool,
    pub references: Vec<Reference>,
    pub packages: Vec<AdvisoryPackage>,
}

/// Parse an `updateinfo.xml`, calling `sink` per `<update>`; returns the count.
pub fn parse_updateinfo<R: BufRead>(
    r: R,
    label: &str,
    mut sink: impl FnMut(Advisory) -> Result<(), Error>,
) -> Result<u64, Error> {
    let mut xr = XmlReader::new(r, label);
    let (mut buf, mut tbuf) = (Vec::new(), Vec::new());
    let mut count = 0;
    loop {
        let (e, empty) = match xr.next(&mut buf)? {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::Eof => return Ok(count),
            _ => continue,
        };
        let depth = if empty { xr.depth() + 1 } else { xr.depth() };
        if depth == 1 {
            xr.expect_root(&e, "updates")?;
            continue;
        }
        if depth != 2 || e.local_name().as_ref() != b"update" {
            if !empty {
                xr.skip(&mut tbuf)?;
            }
            continue;
        }
        let mut a = Advisory::default();
        xr.attrs(&e, |k, v| {
            match k {
                b"type" => a.kind = v.into_owned(),
                b"status" => a.status = v.into_owned(),
                b"from" => a.from = v.into_owned(),
                b"version" => a.version = v.into_owned(),
                _ => {}
            }
            Ok(())
        })?;
        if !empty {
            update_body(&mut xr, &mut a, &mut tbuf)?;
        }
        sink(a)?;
        count += 1;
    }
}

/// Children of `<update>`, up to its end tag.
fn update_body<R: BufRead>(xr: &mut XmlReader<R>, a: &mut Advisory, buf: &mut Vec<u8>) -> Result<(), Error> {
    let target = xr.depth();
    let mut tbuf = Vec::new();
    loop {
        let (e, empty) = match xr.next(buf)? {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) if xr.depth() < target => return Ok(()),
            _ => continue,
        };
        let mut text = |xr: &mut XmlReader<R>, out: &mut String| {
            out.clear();
            if empty { Ok(()) } else { xr.read_text(&mut tbuf, out) }
        };
        match e.local_name().as_ref() {
            b"id" => text(xr, &mut a.id)?,
            b"title" => text(xr, &mut a.title)?,
            b"release" => text(xr, &mut a.release)?,
            b"summary" => text(xr, &mut a.summary)?,
            b"rights" => text(xr, &mut a.rights)?,
            b"description" => text(xr, &mut a.description)?,
            b"severity" => {
                let mut s = String::new();
                text(xr, &mut s)?;
                a.severity = Some(s.trim().to_owned()).filter(|s| !s.is_empty());
            }
            b"reboot_suggested" | b"restart_suggested" | b"relogin_suggested" => {
                let which = e.local_name().as_ref().to_vec();
                let mut s = String::new();
                text(xr, &mut s)?;
                let on = truthy(&s);
                match which.as_slice() {
                    b"reboot_suggested" => a.reboot_suggested |= on,
                    b"restart_suggested" => a.restart_suggested |= on,
                    _ => a.relogin_suggested |= on,
                }
            }
            b"issued" | b"updated" => {
                let mut date = None;
                xr.attrs(&e, |k, v| {
                    if k == b"date" {
                        date = parse_date(&v);
                    }
                    Ok(())
                })?;
                if e.local_name().as_ref() == b"issued" { a.issued = date } else { a.updated = date }
                if !empty {
                    xr.skip(&mut tbuf)?;
                }
            }
            b"reference" => {
                let mut r = Reference::default();
                xr.attrs(&e, |k, v| {
                    match k {
                        b"href" => r.href = v.into_owned(),
                        b"id" => r.id = v.into_owned(),
                        b"type" => r.kind = v.into_owned(),
                        b"title" => r.title = v.into_owned(),
                        _ => {}
                    }
                    Ok(())
                })?;
                a.references.push(r);
                if !empty {
                    xr.skip(&mut tbuf)?;
                }
            }
            // Containers: descend.
            b"references" | b"pkglist" | b"collection" => {}
            b"package" => {
                let mut p = AdvisoryPackage::default();
                xr.attrs(&e, |k, v| {
                    match k {
                        b"name" => p.name = v.into_owned(),
                        b"epoch" => p.epoch = epoch(xr, &v)?,
                        b"version" => p.version = v.into_owned(),
                        b"release" => p.release = v.into_owned(),
                        b"arch" => p.arch = v.into_owned(),
                        b"src" => p.src = v.into_owned(),
                        _ => {}
                    }
                    Ok(())
                })?;
                if !empty {
                    package_body(xr, &mut p, &mut tbuf)?;
                }
                a.reboot_suggested |= p.reboot_suggested;
                a.packages.push(p);
            }
            _ => {
                if !empty {
                    xr.skip(&mut tbuf)?;
                }
            }
        }
    }
}

/// Children of a pkglist `<package>`: `<filename>`, `<reboot_suggested>`, `<sum>`.
fn package_body<R: BufRead>(xr: &mut XmlReader<R>, p: &mut AdvisoryPackage, buf: &mut Vec<u8>) -> Result<(), Error> {
    let target = xr.depth();
    let mut tbuf = Vec::new();
    loop {
        let (e, empty) = match xr.next(buf)? {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) if xr.depth() < target => return Ok(()),
            _ => continue,
        };
        if empty {
            continue;
        }
        match e.local_name().as_ref() {
            b"filename" => {
                p.filename.clear();
                xr.read_text(&mut tbuf, &mut p.filename)?;
                let t = p.filename.trim();
                if t.len() != p.filename.len() {
                    p.filename = t.to_owned();
                }
            }
            b"reboot_suggested" => {
                let mut s = String::new();
                xr.read_text(&mut tbuf, &mut s)?;
                p.reboot_suggested |= truthy(&s);
            }
            _ => xr.skip(&mut tbuf)?,
        }
    }
}

fn truthy(s: &str) -> bool {
    let s = s.trim();
    s == "1" || s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("yes")
}

/// Parse an updateinfo date: seconds since the epoch (`1199188800`), or
/// `YYYY-MM-DD`, optionally followed by ` HH:MM[:SS[.fraction]]` (or `T`
/// instead of the space) and an optional `Z`/`UTC`. Times are UTC.
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let s = s.strip_suffix('Z').or_else(|| s.strip_suffix(" UTC")).unwrap_or(s);
    let (date, time) = match s.find([' ', 'T']) {
        Some(k) => (&s[..k], Some(s[k + 1..].trim())),
        None => (s, None),
    };
    let mut d = date.splitn(3, '-');
    let y: i64 = num(d.next()?, 4, 4)?;
    let m: i64 = num(d.next()?, 1, 2)?;
    let day: i64 = num(d.next()?, 1, 2)?;
    if !(1..=12).contains(&m) || !(1..=days_in_month(y, m)).contains(&day) {
        return None;
    }
    let mut secs = 0;
    if let Some(t) = time {
        let t = t.split('.').next()?;
        let mut it = t.split(':');
        let h: i64 = num(it.next()?, 1, 2)?;
        let mi: i64 = num(it.next()?, 1, 2)?;
        let se: i64 = match it.next() {
            Some(x) => num(x, 1, 2)?,
            None => 0,
        };
        if it.next().is_some() || h > 23 || mi > 59 || se > 60 {
            return None;
        }
        secs = h * 3600 + mi * 60 + se;
    }
    Some(days_from_civil(y, m, day) * 86400 + secs)
}

fn num(s: &str, min: usize, max: usize) -> Option<i64> {
    if s.len() < min || s.len() > max || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

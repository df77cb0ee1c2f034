//! rpm version comparison (`rpmvercmp`, rpm 4.18) and epoch:version-release.

use std::cmp::Ordering;
use std::fmt;

/// Compare two version (or release) strings exactly as rpm 4.18's `rpmvercmp`.
///
/// Strings are split into maximal runs of ASCII digits or ASCII letters;
/// anything else separates segments. `~` sorts before everything (even the
/// end of the string), `^` sorts after the end of the string but before any
/// further segment. A numeric segment is newer than an alphabetic one.
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0usize, 0usize);
    let at = |s: &[u8], k: usize| -> u8 { s.get(k).copied().unwrap_or(0) };
    let is_sep = |c: u8| c != 0 && !c.is_ascii_alphanumeric() && c != b'~' && c != b'^';

    while at(a, i) != 0 || at(b, j) != 0 {
        while is_sep(at(a, i)) {
            i += 1;
        }
        while is_sep(at(b, j)) {
            j += 1;
        }
        let (ca, cb) = (at(a, i), at(b, j));
        // Tilde sorts before everything else.
        if ca == b'~' || cb == b'~' {
            if ca != b'~' {
                return Ordering::Greater;
            }
            if cb != b'~' {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        // Caret: like tilde, but the end of the string sorts lower.
        if ca == b'^' || cb == b'^' {
            if ca == 0 {
                return Ordering::Less;
            }
            if cb == 0 {
                return Ordering::Greater;
            }
            if ca != b'^' {
                return Ordering::Greater;
            }
            if cb != b'^' {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if ca == 0 || cb == 0 {
            break;
        }
        let isnum = ca.is_ascii_digit();
        let seg_end = |s: &[u8], mut k: usize| {
            while k < s.len() && if isnum { s[k].is_ascii_digit() } else { s[k].is_ascii_alphabetic() } {
                k += 1;
            }
            k
        };
        let (ea, eb) = (seg_end(a, i), seg_end(b, j));
        // Segments of different types: numeric is newer.
        if eb == j {
            return if isnum { Ordering::Greater } else { Ordering::Less };
        }
        let (mut sa, mut sb) = (&a[i..ea], &b[j..eb]);
        if isnum {
            while sa.first() == Some(&b'0') {
                sa = &sa[1..];
            }
            while sb.first() == Some(&b'0') {
                sb = &sb[1..];
            }
            match sa.len().cmp(&sb.len()) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        match sa.cmp(sb) {
            Ordering::Equal => {}
            o => return o,
        }
        i = ea;
        j = eb;
    }
    match (at(a, i) == 0, at(b, j) == 0) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

/// An `[epoch:]version[-release]` triple.
///
/// `Ord` is a total order: epoch, then version, then release with a missing
/// release sorting before any present one (libsolv's `EVRCMP_COMPARE`). For
/// rpm's dependency-matching rule, where a missing release on either side
/// matches any release, use [`Evr::cmp_rpm`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Evr {
    /// 0 when absent.
    pub epoch: u32,
    pub version: String,
    /// `None` when the string had no `-`.
    pub release: Option<String>,
}

/// Error of [`Evr::parse`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid epoch in EVR {0:?}")]
pub struct EvrError(pub String);

impl Evr {
    /// Split as rpm's `parseEVR`: leading digits followed by `:` are the
    /// epoch (an empty epoch, `:1.0`, is 0), the release follows the last `-`.
    pub fn parse(s: &str) -> Result<Evr, EvrError> {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let (epoch, rest) = if s.as_bytes().get(digits) == Some(&b':') {
            let e = &s[..digits];
            let epoch = if e.is_empty() { 0 } else { e.parse().map_err(|_| EvrError(s.to_owned()))? };
            (epoch, &s[digits + 1..])
        } else {
            (0, s)
        };
        let (version, release) = match rest.rfind('-') {
            Some(k) => (&rest[..k], Some(rest[k + 1..].to_owned())),
            None => (rest, None),
        };
        Ok(Evr {
            epoch,
            version: version.to_owned(),
            release,
        })
    }

    /// A full EVR (release present).
    pub fn new(epoch: u32, version: &str, release: &str) -> Evr {
        Evr {
            epoch,
            version: version.to_owned(),
            release: Some(release.to_owned()),
        }
    }

    /// rpm 4.18 `rpmverCmp`: epoch, version, then release only when both
    /// sides have one.
    pub fn cmp_rpm(&self, other: &Evr) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| rpmvercmp(&self.version, &other.version))
            .then_with(|| match (&self.release, &other.release) {
                (Some(a), Some(b)) => rpmvercmp(a, b),
                _ => Ordering::Equal,
            })
    }
}

impl Ord for Evr {
    fn cmp(&self, other: &Evr) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| rpmvercmp(&self.version, &other.version))
            .then_with(|| match (&self.release, &other.release) {
                (Some(a), Some(b)) => rpmvercmp(a, b),
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
            })
            // rpmvercmp("1.0", "1_0") is Equal; keep Ord consistent with Eq.
            .then_with(|| self.version.cmp(&other.version))
            .then_with(|| self.release.cmp(&other.release))
    }
}

impl PartialOrd for Evr {
    fn partial_cmp(&self, other: &Evr) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Evr {
    /// `[epoch:]version[-release]`, epoch only when non-zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.epoch > 0 {
            write!(f, "{}:", self.epoch)?;
        }
        f.write_str(&self.version)?;
        if let Some(r) = &self.release {
            write!(f, "-{r}")?;
        }
        Ok(())
    }
}

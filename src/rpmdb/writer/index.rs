//! The index rows rpm 4.18 writes for a header (`lib/rpmdb.c tag2index`,
//! `td2key`, `updateRichDepCB`).

use crate::rpm::header::Header;
use crate::rpm::tags::*;

const RPMTAG_FILETRIGGERNAME: u32 = 5069;
const RPMTAG_FILETRIGGERINDEX: u32 = 5070;
const RPMTAG_TRANSFILETRIGGERNAME: u32 = 5079;
const RPMTAG_TRANSFILETRIGGERINDEX: u32 = 5080;

/// One index table: name, tag, whether the key is TEXT (else BLOB) and
/// whether the tag is array-valued (then the table has a `_hnum_idx`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexTable {
    pub name: &'static str,
    pub tag: u32,
    pub text: bool,
    pub array: bool,
}

const fn t(name: &'static str, tag: u32, text: bool, array: bool) -> IndexTable {
    IndexTable {
        name,
        tag,
        text,
        array,
    }
}

/// rpm's index tables, in the order rpm creates them.
pub const INDEX_TABLES: [IndexTable; 18] = [
    t("Name", RPMTAG_NAME, true, false),
    t("Basenames", RPMTAG_BASENAMES, true, true),
    t("Group", RPMTAG_GROUP, true, false),
    t("Requirename", RPMTAG_REQUIRENAME, true, true),
    t("Providename", RPMTAG_PROVIDENAME, true, true),
    t("Conflictname", RPMTAG_CONFLICTNAME, true, true),
    t("Obsoletename", RPMTAG_OBSOLETENAME, true, true),
    t("Triggername", RPMTAG_TRIGGERNAME, true, true),
    t("Dirnames", RPMTAG_DIRNAMES, true, true),
    t("Installtid", RPMTAG_INSTALLTID, false, false),
    t("Sigmd5", RPMTAG_SIGMD5, false, false),
    t("Sha1header", RPMTAG_SHA1HEADER, true, false),
    t("Filetriggername", RPMTAG_FILETRIGGERNAME, true, true),
    t(
        "Transfiletriggername",
        RPMTAG_TRANSFILETRIGGERNAME,
        true,
        true,
    ),
    t("Recommendname", RPMTAG_RECOMMENDNAME, true, true),
    t("Suggestname", RPMTAG_SUGGESTNAME, true, true),
    t("Supplementname", RPMTAG_SUPPLEMENTNAME, true, true),
    t("Enhancename", RPMTAG_ENHANCENAME, true, true),
];

/// One row of an index table: key bytes (TEXT without NUL, or BLOB) and idx.
pub type Row = (Vec<u8>, u32);

/// Tags whose rich dependencies are split into their simple names.
fn is_rich_tag(tag: u32) -> bool {
    matches!(
        tag,
        RPMTAG_REQUIRENAME
            | RPMTAG_CONFLICTNAME
            | RPMTAG_RECOMMENDNAME
            | RPMTAG_SUGGESTNAME
            | RPMTAG_SUPPLEMENTNAME
            | RPMTAG_ENHANCENAME
    )
}

/// `rpmds.h isTransientReq`: install-only requires that rpm does not index.
fn is_transient_req(flags: u32) -> bool {
    let install_only = RPMSENSE_SCRIPT_PRE
        | RPMSENSE_SCRIPT_POST
        | RPMSENSE_RPMLIB
        | RPMSENSE_KEYRING
        | RPMSENSE_PRETRANS
        | RPMSENSE_POSTTRANS;
    let erase_only = RPMSENSE_SCRIPT_PREUN | RPMSENSE_SCRIPT_POSTUN;
    flags & install_only != 0 && flags & erase_only == 0 && flags & RPMSENSE_META == 0
}

/// The data bytes of `tag` in `h`, with its type and count.
fn raw(h: &Header, tag: u32) -> Option<(u32, u32, &[u8])> {
    let e = h.entry(tag)?;
    let start = 8 + h.entries().len() * 16 + e.offset as usize;
    Some((
        e.typ,
        e.count,
        h.as_bytes().get(start..start + e.len as usize)?,
    ))
}

/// Every row rpm writes into `table` for header `h`.
pub fn rows(h: &Header, table: &IndexTable) -> Vec<Row> {
    let tag = table.tag;
    let Some((typ, count, data)) = raw(h, tag) else {
        return if tag == RPMTAG_GROUP {
            vec![(b"Unknown".to_vec(), 0)]
        } else {
            Vec::new()
        };
    };
    let values: Vec<&[u8]> = match typ {
        RPM_STRING_TYPE | RPM_I18NSTRING_TYPE => data.split(|&c| c == 0).take(1).collect(),
        RPM_STRING_ARRAY_TYPE => data.split(|&c| c == 0).take(count as usize).collect(),
        RPM_BIN_TYPE => return vec![(data.to_vec(), 0)],
        // td2key: integers in host byte order, one row per element.
        RPM_INT32_TYPE => {
            return data
                .chunks_exact(4)
                .enumerate()
                .map(|(i, c)| {
                    (
                        u32::from_be_bytes([c[0], c[1], c[2], c[3]])
                            .to_ne_bytes()
                            .to_vec(),
                        i as u32,
                    )
                })
                .collect();
        }
        _ => return Vec::new(),
    };
    let req_flags = if tag == RPMTAG_REQUIRENAME {
        h.u32_array(RPMTAG_REQUIREFLAGS)
    } else {
        Vec::new()
    };
    let trigger_index = match tag {
        RPMTAG_FILETRIGGERNAME => h.u32_array(RPMTAG_FILETRIGGERINDEX),
        RPMTAG_TRANSFILETRIGGERNAME => h.u32_array(RPMTAG_TRANSFILETRIGGERINDEX),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    let mut seen: Vec<&[u8]> = Vec::new();
    for (i, v) in values.into_iter().enumerate() {
        if req_flags.get(i).is_some_and(|&f| is_transient_req(f)) {
            continue;
        }
        if tag == RPMTAG_TRIGGERNAME {
            if seen.contains(&v) {
                continue;
            }
            seen.push(v);
        }
        let idx = trigger_index.get(i).copied().unwrap_or(i as u32);
        out.push((v.to_vec(), idx));
        if is_rich_tag(tag) && typ == RPM_STRING_ARRAY_TYPE && v.first() == Some(&b'(') {
            for name in rich_names(v) {
                out.push((name, idx));
            }
        }
    }
    out
}

/// Tokens of a rich dependency: `(`, `)` and words. A word may contain
/// balanced parentheses (`perl(Foo::Bar)`), as rpm's `SKIPNONWHITEX`.
fn tokens(s: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'(' || c == b')' {
            out.push(&s[i..=i]);
            i += 1;
        } else {
            let start = i;
            let mut depth = 0usize;
            while i < s.len() && !(s[i].is_ascii_whitespace() || (depth == 0 && s[i] == b')')) {
                match s[i] {
                    b'(' => depth += 1,
                    b')' => depth -= 1,
                    _ => {}
                }
                i += 1;
            }
            out.push(&s[start..i]);
        }
    }
    out
}

/// Parser state over the tokens of one rich dependency.
struct Rich<'a> {
    toks: Vec<&'a [u8]>,
    pos: usize,
    neg: bool,
    /// Names, each prefixed with `!` (negated) or ` ` (plain).
    out: Vec<Vec<u8>>,
}

const OPS: [&[u8]; 7] = [b"<", b"<=", b"=", b">=", b">", b"=<", b"=>"];

impl<'a> Rich<'a> {
    fn peek(&self) -> Option<&'a [u8]> {
        self.toks.get(self.pos).copied()
    }
    fn next(&mut self) -> Option<&'a [u8]> {
        let t = self.peek()?;
        self.pos += 1;
        Some(t)
    }
    fn term(&mut self) -> Option<()> {
        if self.peek()? == b"(" {
            return self.group();
        }
        let name = self.next()?;
        if self.peek().is_some_and(|t| OPS.contains(&t)) {
            self.next()?;
            self.next()?;
        }
        if !name.starts_with(b"rpmlib(") {
            let mut n = vec![if self.neg { b'!' } else { b' ' }];
            n.extend_from_slice(name);
            self.out.push(n);
        }
        Some(())
    }
    fn group(&mut self) -> Option<()> {
        self.next()?; // '('
        let mut mark = self.out.len();
        let mut last: Option<&[u8]> = None;
        self.term()?;
        while self.peek()? != b")" {
            let op = self.next()?;
            match op {
                b"if" | b"unless" => {
                    mark = self.out.len();
                    self.neg = !self.neg;
                }
                b"else" => {
                    let copies: Vec<Vec<u8>> = self.out[mark..]
                        .iter()
                        .map(|n| {
                            let mut c = n.clone();
                            c[0] = if c[0] == b' ' { b'!' } else { b' ' };
                            c
                        })
                        .collect();
                    self.out.extend(copies);
                    self.neg = !self.neg;
                }
                _ => {}
            }
            last = Some(op);
            self.term()?;
        }
        self.next()?; // ')'
        if matches!(last, Some(b"if" | b"unless")) {
            self.neg = !self.neg;
        }
        Some(())
    }
}

/// The simple names inside a rich dependency, `!`-prefixed inside `if` /
/// `unless` conditions, deduplicated. Empty when it does not parse.
pub fn rich_names(s: &[u8]) -> Vec<Vec<u8>> {
    let mut p = Rich {
        toks: tokens(s),
        pos: 0,
        neg: false,
        out: Vec::new(),
    };
    if p.group().is_none() {
        return Vec::new();
    }
    let mut names = p.out;
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|mut n| {
            if n[0] == b' ' {
                n.remove(0);
            }
            n
        })
        .collect()
}

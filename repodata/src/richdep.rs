//! Rich (boolean) dependencies as rpm 4.18 parses them.
//!
//! The grammar and every error message follow `rpmrichParseInternal()` in
//! rpm's `lib/rpmds.c`; the tree is shaped like libsolv's
//! (`pool_parserpmrichdep`): one node per `REL_*` relation, operator chains
//! nested to the right, so `(a and b and c)` is `And(a, And(b, c))` and
//! `(a if b else c)` is libsolv's `REL_COND(a, REL_ELSE(b, c))`.

use std::fmt;

use crate::model::DepOp;

/// A parsed rich dependency. Each variant maps onto one libsolv relation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RichDep {
    /// A leaf: `name` or `name op evr` (evr kept as written, e.g. `0:1.0`).
    Simple {
        name: String,
        op: Option<DepOp>,
        evr: String,
    },
    /// `REL_AND`.
    And(Box<RichDep>, Box<RichDep>),
    /// `REL_OR`.
    Or(Box<RichDep>, Box<RichDep>),
    /// `REL_WITH` (both on the same package).
    With(Box<RichDep>, Box<RichDep>),
    /// `REL_WITHOUT`.
    Without(Box<RichDep>, Box<RichDep>),
    /// `(then if cond)`: `REL_COND(then, cond)`; with `else`:
    /// `REL_COND(then, REL_ELSE(cond, otherwise))`.
    If {
        then: Box<RichDep>,
        cond: Box<RichDep>,
        otherwise: Option<Box<RichDep>>,
    },
    /// `(then unless cond)`: `REL_UNLESS(then, cond)`; with `else`:
    /// `REL_UNLESS(then, REL_ELSE(cond, otherwise))`.
    Unless {
        then: Box<RichDep>,
        cond: Box<RichDep>,
        otherwise: Option<Box<RichDep>>,
    },
    /// `(a else b)` without `if`/`unless`: rpm accepts it, libsolv makes
    /// `REL_ELSE(a, b)`.
    Else(Box<RichDep>, Box<RichDep>),
}

/// Why a string is not a valid rich dependency. `message` is rpm's wording.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at byte {pos} of {input:?})")]
pub struct RichDepError {
    pub input: String,
    /// Byte offset where the problem was found.
    pub pos: usize,
    pub message: String,
}

/// The dependency tag a rich dependency appears in, for [`parse_for_tag`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepTag {
    Provides,
    Requires,
    Conflicts,
    Obsoletes,
    Recommends,
    Suggests,
    Supplements,
    Enhances,
}

/// True if `s` is a rich dependency (starts with `(`), as `rpmdsIsRich`.
pub fn is_rich(s: &str) -> bool {
    s.starts_with('(')
}

/// Parse as rpm's `rpmdsParseRichDep` does (syntax only; nothing may follow
/// the closing parenthesis).
pub fn parse(s: &str) -> Result<RichDep, RichDepError> {
    let mut p = Parser { s: s.as_bytes(), src: s, pos: 0 };
    let mut check = 0;
    let d = p.group(&mut check)?;
    if p.pos < s.len() {
        return Err(p.err("Junk after rich dependency"));
    }
    Ok(d)
}

/// Parse with the extra context checks rpmbuild applies (`rpmrichParseForTag`):
/// e.g. `unless` is illegal in Requires-like tags unless inside `if`/`unless`,
/// and `if` is illegal in Conflicts/Supplements/Enhances likewise.
pub fn parse_for_tag(s: &str, tag: DepTag) -> Result<RichDep, RichDepError> {
    let mut p = Parser { s: s.as_bytes(), src: s, pos: 0 };
    let mut check = CHECK;
    let d = p.group(&mut check)?;
    let op = match tag {
        DepTag::Conflicts | DepTag::Supplements | DepTag::Enhances => Op::Or,
        _ => Op::And,
    };
    p.check(op, check)?;
    if p.pos < s.len() {
        return Err(p.err("Junk after rich dependency"));
    }
    Ok(d)
}

const CHECK: u32 = 1;
const NO_WITH: u32 = 2;
const NO_AND: u32 = 4;
const NO_OR: u32 = 8;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    Single,
    And,
    Or,
    If,
    Unless,
    Else,
    With,
    Without,
}

struct Parser<'a> {
    s: &'a [u8],
    src: &'a str,
    pos: usize,
}

/// C `isspace` in the C locale.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

impl Parser<'_> {
    fn at(&self, k: usize) -> u8 {
        self.s.get(k).copied().unwrap_or(0)
    }

    fn err(&self, message: impl Into<String>) -> RichDepError {
        RichDepError {
            input: self.src.to_owned(),
            pos: self.pos,
            message: message.into(),
        }
    }

    /// rpm's SKIPWHITE: spaces and commas.
    fn skip_white(&mut self) {
        while self.at(self.pos) != 0 && (is_space(self.at(self.pos)) || self.at(self.pos) == b',') {
            self.pos += 1;
        }
    }

    /// rpm's SKIPNONWHITEX: up to white space, a comma, or an unbalanced `)`.
    fn skip_nonwhite(&self, mut p: usize) -> usize {
        let mut bl: i32 = 0;
        loop {
            let c = self.at(p);
            if c == 0 || is_space(c) || c == b',' {
                break;
            }
            if c == b')' {
                let old = bl;
                bl -= 1;
                if old <= 0 {
                    break;
                }
            }
            p += 1;
            if c == b'(' {
                bl += 1;
            }
        }
        p
    }

    fn check(&self, op: Op, check: u32) -> Result<(), RichDepError> {
        if matches!(op, Op::With | Op::Without) && check & NO_WITH != 0 {
            return Err(self.err("Illegal ops in with/without"));
        }
        if check & CHECK == 0 {
            return Ok(());
        }
        if matches!(op, Op::And | Op::If) && check & NO_AND != 0 {
            return Err(self.err("Illegal context for 'unless', please use 'or' instead"));
        }
        if matches!(op, Op::Or | Op::Unless) && check & NO_OR != 0 {
            return Err(self.err("Illegal context for 'if', please use 'and' instead"));
        }
        Ok(())
    }

    fn simple(&mut self) -> Result<RichDep, RichDepError> {
        let n = self.pos;
        self.pos = self.skip_nonwhite(self.pos);
        if self.pos == n {
            return Err(self.err("Name required"));
        }
        let name = &self.src[n..self.pos];
        self.skip_white();
        let (mut op, mut evr) = (None, "");
        if self.at(self.pos) != 0 {
            let pe = self.skip_nonwhite(self.pos);
            op = match &self.src[self.pos..pe] {
                "<=" | "=<" => Some(DepOp::Le),
                "<" => Some(DepOp::Lt),
                "==" | "=" => Some(DepOp::Eq),
                ">=" | "=>" => Some(DepOp::Ge),
                ">" => Some(DepOp::Gt),
                _ => None,
            };
            if op.is_some() {
                self.pos = pe;
                self.skip_white();
                let e = self.pos;
                self.pos = self.skip_nonwhite(self.pos);
                if self.pos == e {
                    return Err(self.err("Version required"));
                }
                evr = &self.src[e..self.pos];
            }
        }
        Ok(RichDep::Simple {
            name: name.to_owned(),
            op,
            evr: evr.to_owned(),
        })
    }

    fn rich_op(&mut self) -> Result<Op, RichDepError> {
        let start = self.pos;
        let mut pe = start;
        while self.at(pe) != 0 && !is_space(self.at(pe)) && self.at(pe) != b')' {
            pe += 1;
        }
        let op = match &self.src[start..pe] {
            "and" => Op::And,
            "or" => Op::Or,
            "if" => Op::If,
            "unless" => Op::Unless,
            "else" => Op::Else,
            "with" => Op::With,
            "without" => Op::Without,
            other => return Err(self.err(format!("Unknown rich dependency op '{other}'"))),
        };
        self.pos = pe;
        Ok(op)
    }

    /// `rpmrichParseInternal`: a parenthesised expression at `self.pos`.
    fn group(&mut self, checkp: &mut u32) -> Result<RichDep, RichDepError> {
        let (mut op, mut firstop, mut chainop) = (Op::Single, Op::Single, None);
        let mut check = *checkp;
        if self.at(self.pos) != b'(' {
            return Err(self.err("Rich dependency does not start with '('"));
        }
        self.pos += 1;
        let mut args = Vec::new();
        let mut ops = Vec::new();
        loop {
            self.skip_white();
            if self.at(self.pos) == b')' {
                return Err(self.err(if chainop.is_some() {
                    "Missing argument to rich dependency op"
                } else {
                    "Empty rich dependency"
                }));
            }
            if self.at(self.pos) == b'(' {
                let mut sub = check & CHECK;
                args.push(self.group(&mut sub)?);
                if matches!(op, Op::If | Op::Unless) {
                    sub &= !(NO_AND | NO_OR);
                }
                check |= sub;
            } else {
                args.push(self.simple()?);
            }
            self.skip_white();
            if self.at(self.pos) == 0 {
                return Err(self.err(format!("Unterminated rich dependency: {}", self.src)));
            }
            if self.at(self.pos) == b')' {
                break;
            }
            op = self.rich_op()?;
            if firstop == Op::Single {
                firstop = op;
            }
            if op == Op::Else && matches!(chainop, Some(Op::If | Op::Unless)) {
                chainop = None;
            }
            if chainop.is_some_and(|c| c != op) {
                return Err(self.err("Cannot chain different ops"));
            }
            if chainop.is_some() && !matches!(op, Op::And | Op::Or | Op::With) {
                return Err(self.err("Can only chain and/or/with ops"));
            }
            chainop = Some(op);
            ops.push(op);
        }
        self.check(firstop, check)?;
        match firstop {
            Op::If => check |= NO_OR,
            Op::Unless => check |= NO_AND,
            _ => {}
        }
        if matches!(op, Op::And | Op::Or) {
            check &= !(NO_AND | NO_OR);
        }
        if !matches!(op, Op::Single | Op::With | Op::Without | Op::Or) {
            check |= NO_WITH;
        }
        self.pos += 1;
        *checkp |= check;
        build(args, &ops).ok_or_else(|| self.err("internal: inconsistent rich dependency"))
    }
}

/// Assemble one parenthesised level (operands and the ops between them).
fn build(args: Vec<RichDep>, ops: &[Op]) -> Option<RichDep> {
    let mut it = args.into_iter().rev();
    let last = it.next()?;
    if ops.is_empty() {
        return Some(last);
    }
    if let [first @ (Op::If | Op::Unless), rest @ ..] = ops {
        let mut v: Vec<RichDep> = std::iter::once(last).chain(it).collect();
        v.reverse();
        let mut v = v.into_iter();
        let then = Box::new(v.next()?);
        let cond = Box::new(v.next()?);
        let otherwise = match rest {
            [] => None,
            [Op::Else] => Some(Box::new(v.next()?)),
            _ => return None,
        };
        return Some(if *first == Op::If {
            RichDep::If { then, cond, otherwise }
        } else {
            RichDep::Unless { then, cond, otherwise }
        });
    }
    // Right fold of a one-operator chain.
    let mut acc = last;
    for (l, op) in it.zip(ops.iter().rev()) {
        let (l, r) = (Box::new(l), Box::new(acc));
        acc = match op {
            Op::And => RichDep::And(l, r),
            Op::Or => RichDep::Or(l, r),
            Op::With => RichDep::With(l, r),
            Op::Without => RichDep::Without(l, r),
            Op::Else => RichDep::Else(l, r),
            _ => return None,
        };
    }
    Some(acc)
}

impl RichDep {
    /// The dependency as a string that [`parse`] accepts: like `Display`,
    /// but a lone leaf is written in parentheses (`(foo)`).
    pub fn to_rich_string(&self) -> String {
        match self {
            RichDep::Simple { .. } => format!("({self})"),
            _ => self.to_string(),
        }
    }

    /// Visit every leaf (`Simple`) in order.
    pub fn for_each_leaf<'a>(&'a self, f: &mut impl FnMut(&'a str, Option<DepOp>, &'a str)) {
        match self {
            RichDep::Simple { name, op, evr } => f(name, *op, evr),
            RichDep::And(a, b) | RichDep::Or(a, b) | RichDep::With(a, b) | RichDep::Without(a, b) | RichDep::Else(a, b) => {
                a.for_each_leaf(f);
                b.for_each_leaf(f);
            }
            RichDep::If { then, cond, otherwise } | RichDep::Unless { then, cond, otherwise } => {
                then.for_each_leaf(f);
                cond.for_each_leaf(f);
                if let Some(o) = otherwise {
                    o.for_each_leaf(f);
                }
            }
        }
    }
}

impl fmt::Display for RichDep {
    /// rpm syntax; same-operator chains are written flat: `(a and b and c)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn chain(f: &mut fmt::Formatter<'_>, d: &RichDep, word: &str, a: &RichDep, b: &RichDep) -> fmt::Result {
            write!(f, "({a}")?;
            let mut rest = b;
            loop {
                match (d, rest) {
                    (RichDep::And(..), RichDep::And(x, y))
                    | (RichDep::Or(..), RichDep::Or(x, y))
                    | (RichDep::With(..), RichDep::With(x, y)) => {
                        write!(f, " {word} {x}")?;
                        rest = y;
                    }
                    _ => return write!(f, " {word} {rest})"),
                }
            }
        }
        match self {
            RichDep::Simple { name, op: None, .. } => f.write_str(name),
            RichDep::Simple { name, op: Some(op), evr } => write!(f, "{name} {} {evr}", op.as_str()),
            RichDep::And(a, b) => chain(f, self, "and", a, b),
            RichDep::Or(a, b) => chain(f, self, "or", a, b),
            RichDep::With(a, b) => chain(f, self, "with", a, b),
            RichDep::Without(a, b) => write!(f, "({a} without {b})"),
            RichDep::Else(a, b) => write!(f, "({a} else {b})"),
            RichDep::If { then, cond, otherwise } | RichDep::Unless { then, cond, otherwise } => {
                let word = if matches!(self, RichDep::If { .. }) { "if" } else { "unless" };
                write!(f, "({then} {word} {cond}")?;
                if let Some(o) = otherwise {
                    write!(f, " else {o}")?;
                }
                f.write_str(")")
            }
        }
    }
}

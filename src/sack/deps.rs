//! rpm dependencies (plain and rich) into libsolv dependency ids.

use repodata::richdep::{self, RichDep};
use repodata::{DepOp, Dependency};
use solv::{DepId, Pool, RelFlags, RichOp, RepoWriter, StringId};

/// What can intern strings and relations: the pool, or a repo writer
/// (which must not hand out the pool while a repo is being written).
pub trait DepBuilder {
    fn intern(&mut self, s: &str) -> StringId;
    fn rel(&mut self, name: DepId, evr: DepId, flags: RelFlags) -> DepId;
    fn rich(&mut self, a: DepId, b: DepId, op: RichOp) -> DepId;
}

impl DepBuilder for Pool {
    fn intern(&mut self, s: &str) -> StringId {
        Pool::intern(self, s)
    }
    fn rel(&mut self, name: DepId, evr: DepId, flags: RelFlags) -> DepId {
        Pool::rel(self, name, evr, flags)
    }
    fn rich(&mut self, a: DepId, b: DepId, op: RichOp) -> DepId {
        Pool::rich(self, a, b, op)
    }
}

impl DepBuilder for RepoWriter<'_> {
    fn intern(&mut self, s: &str) -> StringId {
        RepoWriter::intern(self, s)
    }
    fn rel(&mut self, name: DepId, evr: DepId, flags: RelFlags) -> DepId {
        RepoWriter::rel(self, name, evr, flags)
    }
    fn rich(&mut self, a: DepId, b: DepId, op: RichOp) -> DepId {
        RepoWriter::rich(self, a, b, op)
    }
}

fn rel_flags(op: DepOp) -> RelFlags {
    match op {
        DepOp::Lt => RelFlags::LT,
        DepOp::Le => RelFlags::LE,
        DepOp::Eq => RelFlags::EQ,
        DepOp::Ge => RelFlags::GE,
        DepOp::Gt => RelFlags::GT,
    }
}

fn simple(pool: &mut impl DepBuilder, name: &str, op: Option<DepOp>, evr: &str) -> DepId {
    let n = DepId::from(pool.intern(name));
    match op {
        Some(op) if !evr.is_empty() => {
            let e = DepId::from(pool.intern(evr));
            pool.rel(n, e, rel_flags(op))
        }
        _ => n,
    }
}

fn rich<B: DepBuilder>(pool: &mut B, d: &RichDep) -> DepId {
    let pair = |pool: &mut B, a: &RichDep, b: &RichDep, op: RichOp| {
        let a = rich(pool, a);
        let b = rich(pool, b);
        pool.rich(a, b, op)
    };
    match d {
        RichDep::Simple { name, op, evr } => simple(pool, name, *op, evr),
        RichDep::And(a, b) => pair(pool, a, b, RichOp::And),
        RichDep::Or(a, b) => pair(pool, a, b, RichOp::Or),
        RichDep::With(a, b) => pair(pool, a, b, RichOp::With),
        RichDep::Without(a, b) => pair(pool, a, b, RichOp::Without),
        RichDep::Else(a, b) => pair(pool, a, b, RichOp::Else),
        RichDep::If { then, cond, otherwise } | RichDep::Unless { then, cond, otherwise } => {
            let op = if matches!(d, RichDep::If { .. }) { RichOp::If } else { RichOp::Unless };
            let t = rich(pool, then);
            let c = match otherwise {
                Some(o) => pair(pool, cond, o, RichOp::Else),
                None => rich(pool, cond),
            };
            pool.rich(t, c, op)
        }
    }
}

/// The libsolv id of one dependency. A rich dependency that does not parse
/// is kept as a plain name (it then matches nothing), never a panic.
pub fn dep_id(pool: &mut impl DepBuilder, d: &Dependency) -> DepId {
    if richdep::is_rich(&d.name)
        && let Ok(parsed) = richdep::parse(&d.name) {
            return rich(pool, &parsed);
        }
    simple(pool, &d.name, d.op, &d.evr)
}

/// Parse a capability as a user types it: `name`, `name >= 1.0`,
/// `name>=1.0`, or a rich dependency.
pub fn parse_capability(s: &str) -> Dependency {
    let s = s.trim();
    if richdep::is_rich(s) {
        return Dependency { name: s.to_string(), ..Dependency::default() };
    }
    for op in ["<=", ">=", "=", "<", ">"] {
        if let Some((name, evr)) = s.split_once(op) {
            let op = match op {
                "<=" => DepOp::Le,
                ">=" => DepOp::Ge,
                "=" => DepOp::Eq,
                "<" => DepOp::Lt,
                _ => DepOp::Gt,
            };
            return Dependency { name: name.trim().to_string(), op: Some(op), evr: evr.trim().to_string(), pre: false };
        }
    }
    Dependency { name: s.to_string(), ..Dependency::default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities() {
        let d = parse_capability("foo >= 1.0-1");
        assert_eq!((d.name.as_str(), d.op, d.evr.as_str()), ("foo", Some(DepOp::Ge), "1.0-1"));
        let d = parse_capability("foo<2");
        assert_eq!((d.name.as_str(), d.op, d.evr.as_str()), ("foo", Some(DepOp::Lt), "2"));
        assert_eq!(parse_capability("/usr/bin/sh").name, "/usr/bin/sh");
    }

    #[test]
    fn rich_deps_become_relations() {
        let mut pool = Pool::new_rpm("x86_64");
        let d = Dependency { name: "(a >= 1 or (b if c else d))".into(), ..Dependency::default() };
        let id = dep_id(&mut pool, &d);
        assert_eq!(pool.dep2str(id), "(a >= 1 or (b if c else d))");
    }
}

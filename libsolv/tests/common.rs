//! Shared fixtures for the API tests.
#![allow(dead_code, unreachable_pub)]

use solv::{Attr, ChecksumKind, DepKind, FileKind, Pool, RelFlags, RepoId, SolvableId};

pub struct Pkg<'a> {
    pub name: &'a str,
    pub epoch: u32,
    pub ver: &'a str,
    pub rel: &'a str,
    pub arch: &'a str,
    pub requires: &'a [&'a str],
    pub provides: &'a [&'a str],
    pub files: &'a [&'a str],
    pub summary: &'a str,
}

pub const fn pkg<'a>(name: &'a str, ver: &'a str, arch: &'a str) -> Pkg<'a> {
    Pkg {
        name,
        epoch: 0,
        ver,
        rel: "1",
        arch,
        requires: &[],
        provides: &[],
        files: &[],
        summary: "",
    }
}

/// Adds packages with a few attributes; deps are `name` or `name op evr`.
pub fn add(pool: &mut Pool, repo: RepoId, pkgs: &[Pkg<'_>]) -> Vec<SolvableId> {
    let mut w = pool.repo_writer(repo);
    let mut ids = Vec::new();
    for p in pkgs {
        let s = w.add_solvable();
        w.set_nevra(s, p.name, p.epoch, p.ver, p.rel, p.arch);
        w.set_vendor(s, "Microsoft Corporation");
        for (kind, list) in [
            (DepKind::Requires, p.requires),
            (DepKind::Provides, p.provides),
        ] {
            for d in list {
                let parts: Vec<&str> = d.split_whitespace().collect();
                match parts.as_slice() {
                    [n, op, evr] => {
                        w.add_dep_str(s, kind, n, Some((RelFlags::parse(op).expect("op"), evr)))
                    }
                    _ => w.add_dep_str(s, kind, d, None),
                }
            }
        }
        w.add_self_provides(s);
        for f in p.files {
            w.add_file(s, f, FileKind::File);
        }
        if !p.summary.is_empty() {
            w.set_str(s, Attr::Summary, p.summary);
        }
        let loc = format!("Packages/{}-{}-{}.{}.rpm", p.name, p.ver, p.rel, p.arch);
        w.set_str(s, Attr::Location, &loc);
        w.set_num(s, Attr::InstallSize, 12345);
        w.set_checksum(s, ChecksumKind::Sha256, &"ab".repeat(32));
        ids.push(s);
    }
    w.finish();
    ids
}

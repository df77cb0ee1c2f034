//! Public API tests: evrcmp, writer/reader, selection, whatprovides, search.

mod common;
use common::{add, pkg};
use solv::*;
use std::cmp::Ordering::{self, *};

#[test]
fn evrcmp_matches_rpm() {
    let pool = Pool::new_rpm("x86_64");
    let cases: [(&str, &str, Ordering); 11] = [
        ("a-1", "1-1", Less),         // letters sort before digits
        ("1.0", "1_0", Equal),        // separators are equivalent
        ("1.0^post1", "1.0.1", Less), // caret: after 1.0, before 1.0.1
        ("1.0^post1", "1.0", Greater),
        ("1.0~rc1", "1.0", Less), // tilde: pre-release
        ("1.0~rc1", "1.0~rc2", Less),
        ("1:1.0", "2.0", Greater),   // epoch wins
        ("0:1.0-1", "1.0-1", Equal), // missing epoch is 0
        ("1.10", "1.9", Greater),    // numeric segments
        ("1.0a", "1.0", Greater),
        ("1.0-1", "1.0-2", Less),
    ];
    for (a, b, want) in cases {
        assert_eq!(pool.evrcmp(a, b), want, "{a} vs {b}");
        assert_eq!(pool.evrcmp(b, a), want.reverse(), "{b} vs {a}");
    }
}

#[test]
fn strings_and_deps() {
    let mut pool = Pool::new_rpm("x86_64");
    let a = pool.intern("foo");
    assert_eq!(pool.lookup_str("foo"), Some(a));
    assert_eq!(pool.lookup_str("never-interned"), None);
    assert_eq!(pool.str(a), "foo");
    let evr = pool.intern("1.0-1");
    let r = pool.rel(a.into(), evr.into(), RelFlags::GE);
    assert_eq!(pool.dep2str(r), "foo >= 1.0-1");
    let b: DepId = pool.intern("bar").into();
    let c: DepId = pool.intern("baz").into();
    let or = pool.rich(b, c, RichOp::Or);
    assert_eq!(pool.dep2str(or), "(bar or baz)");
    let cond = pool.rich(c, b, RichOp::If);
    assert_eq!(pool.dep2str(cond), "(baz if bar)");
    let els = pool.rich(b, c, RichOp::Else);
    let ifelse = pool.rich(r, els, RichOp::If);
    assert_eq!(pool.dep2str(ifelse), "(foo >= 1.0-1 if bar else baz)");
}

#[test]
fn solvable_reading_and_prereq() {
    let mut pool = Pool::new_rpm("x86_64");
    let repo = pool.add_repo("avail");
    let mut w = pool.repo_writer(repo);
    let s = w.add_solvable();
    w.set_nevra(s, "bash", 2, "5.2", "3.azl3", "x86_64");
    w.add_dep_str(s, DepKind::Requires, "libc.so.6()(64bit)", None);
    w.add_dep_str(s, DepKind::RequiresPre, "/sbin/ldconfig", None);
    w.add_dep_str(
        s,
        DepKind::Requires,
        "filesystem",
        Some((RelFlags::GE, "3")),
    );
    w.add_self_provides(s);
    w.set_str(s, Attr::SourceRpm, "bash-5.2-3.azl3.src.rpm");
    w.set_str(s, Attr::License, "GPLv3+");
    w.set_num(s, Attr::BuildTime, 1_700_000_000);
    assert!(!w.set_checksum(s, ChecksumKind::Sha256, "nothex"));
    w.finish();
    let sv = pool.solvable(s).expect("solvable");
    assert_eq!(sv.nevra(), "bash-2:5.2-3.azl3.x86_64");
    assert_eq!(sv.evr_parts(), (2, "5.2", "3.azl3"));
    assert_eq!(sv.repo().name(), "avail");
    assert!(!sv.is_installed());
    let all: Vec<String> = sv
        .deps(DepKind::Requires)
        .into_iter()
        .map(|d| pool.dep2str(d))
        .collect();
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(
        all.contains(&"/sbin/ldconfig".to_owned()) && all.contains(&"filesystem >= 3".to_owned())
    );
    let pre: Vec<String> = sv
        .deps(DepKind::RequiresPre)
        .into_iter()
        .map(|d| pool.dep2str(d))
        .collect();
    assert_eq!(pre, ["/sbin/ldconfig"]);
    let prov: Vec<String> = sv
        .deps(DepKind::Provides)
        .into_iter()
        .map(|d| pool.dep2str(d))
        .collect();
    assert_eq!(prov, ["bash = 2:5.2-3.azl3"]);
    assert_eq!(
        sv.lookup_str(Attr::SourceRpm).as_deref(),
        Some("bash-5.2-3.azl3.src.rpm")
    );
    assert_eq!(sv.lookup_str(Attr::License).as_deref(), Some("GPLv3+"));
    assert_eq!(sv.lookup_num(Attr::BuildTime), Some(1_700_000_000));
    assert_eq!(sv.lookup_num(Attr::InstallSize), None);
    assert_eq!(sv.lookup_checksum(), None);
    assert_eq!(pool.repo(repo).nsolvables(), 1);
    assert_eq!(pool.repos().count(), 1);
}

fn select_pool() -> (Pool, Vec<SolvableId>) {
    let mut pool = Pool::new_rpm("x86_64");
    let repo = pool.add_repo("avail");
    let mut foo_pkg = pkg("foo", "1.0", "x86_64");
    foo_pkg.files = &["/usr/bin/foo", "/usr/share/doc/foo/README"];
    foo_pkg.summary = "The Foo Web Server";
    let foo32 = pkg("foo", "1.0", "i686");
    let mut foobar = pkg("foobar", "2", "noarch");
    foobar.provides = &["webserver"];
    foobar.requires = &["/usr/bin/foo"];
    let ids = add(&mut pool, repo, &[foo_pkg, foo32, foobar]);
    pool.addfileprovides();
    (pool, ids)
}

#[test]
fn selection_kinds() {
    let (mut pool, ids) = select_pool();
    let sel = |pool: &mut Pool, spec: &str, f: SelectFlags| pool.select(spec, f).solvables(pool);
    assert_eq!(sel(&mut pool, "foo", SelectFlags::NAME), [ids[0], ids[1]]);
    assert_eq!(
        sel(&mut pool, "foo*", SelectFlags::NAME | SelectFlags::GLOB),
        ids
    );
    assert_eq!(sel(&mut pool, "webserver", SelectFlags::PROVIDES), [ids[2]]);
    assert_eq!(
        sel(&mut pool, "foo-1.0-1.x86_64", SelectFlags::CANON),
        [ids[0]]
    );
    assert_eq!(
        sel(
            &mut pool,
            "foo.i686",
            SelectFlags::NAME | SelectFlags::DOTARCH
        ),
        [ids[1]]
    );
    assert_eq!(
        sel(&mut pool, "foo > 0.9", SelectFlags::NAME | SelectFlags::REL),
        [ids[0], ids[1]]
    );
    assert_eq!(
        sel(&mut pool, "/usr/bin/foo", SelectFlags::FILELIST),
        [ids[0]]
    );
    assert_eq!(
        sel(&mut pool, "FOO", SelectFlags::NAME | SelectFlags::NOCASE),
        [ids[0], ids[1]]
    );
    assert!(pool.select("nope", SelectFlags::PACKAGE_SPEC).is_empty());
    let mut a = pool.select("foo*", SelectFlags::NAME | SelectFlags::GLOB);
    let b = pool.select("foo.i686", SelectFlags::NAME | SelectFlags::DOTARCH);
    a.filter(&mut pool, &b);
    assert_eq!(a.solvables(&pool), [ids[1]]);
}

#[test]
fn whatprovides_file_and_search() {
    let (mut pool, ids) = select_pool();
    let f = pool.intern("/usr/bin/foo");
    assert_eq!(pool.whatprovides(f.into()), [ids[0]]);
    let w = pool.intern("webserver");
    assert_eq!(pool.whatprovides(w.into()), [ids[2]]);
    let sv = pool.solvable(ids[0]).expect("foo");
    assert_eq!(sv.files(), ["/usr/bin/foo", "/usr/share/doc/foo/README"]);
    assert_eq!(
        sv.location().as_deref(),
        Some("Packages/foo-1.0-1.x86_64.rpm")
    );
    assert_eq!(
        sv.lookup_checksum(),
        Some((ChecksumKind::Sha256, "ab".repeat(32)))
    );
    let hits = pool.search(
        None,
        Attr::Summary,
        "WEB",
        SearchFlags::SUBSTRING | SearchFlags::NOCASE,
    );
    assert_eq!(hits, [ids[0]]);
    assert!(
        pool.search(None, Attr::Summary, "WEB", SearchFlags::SUBSTRING)
            .is_empty()
    );
    let hits = pool.search(
        None,
        Attr::FileList,
        "/usr/share/*",
        SearchFlags::GLOB | SearchFlags::FILES,
    );
    assert_eq!(hits, [ids[0]]);
    assert_eq!(
        pool.search(None, Attr::Name, "foo", SearchFlags::STRING),
        [ids[0], ids[1]]
    );
}

#[test]
fn second_writer_session_replaces_file_list() {
    let (mut pool, ids) = select_pool();
    let repo = pool.solvable(ids[0]).expect("foo").repo().id();
    let mut w = pool.repo_writer(repo);
    w.add_file(ids[0], "/usr/bin/foo", FileKind::File);
    w.add_file(ids[0], "/usr/lib/foo/plugin.so", FileKind::File);
    w.finish();
    let files = pool.solvable(ids[0]).expect("foo").files();
    assert_eq!(files, ["/usr/bin/foo", "/usr/lib/foo/plugin.so"]);
}

//! `.solv` write/read round trip and error handling.

mod common;
use common::{add, pkg};
use solv::*;

fn build() -> (Pool, RepoId) {
    let mut pool = Pool::new_rpm("x86_64");
    let repo = pool.add_repo("base");
    let mut a = pkg("alpha", "1.2", "x86_64");
    a.requires = &["beta >= 2", "/bin/sh"];
    a.files = &["/usr/bin/alpha", "/etc/alpha.conf"];
    a.summary = "Alpha tool";
    let mut b = pkg("beta", "2.0", "noarch");
    b.provides = &["libbeta"];
    b.files = &["/bin/sh"];
    add(&mut pool, repo, &[a, b]);
    let mut w = pool.repo_writer(repo);
    let s = w.add_solvable();
    w.set_nevra(s, "gamma", 3, "0.1", "7", "x86_64");
    w.add_dep_str(s, DepKind::RequiresPre, "alpha", None);
    w.set_str(s, Attr::SourceRpm, "gamma-0.1-7.src.rpm");
    w.set_num(s, Attr::DownloadSize, 999);
    w.finish();
    (pool, repo)
}

fn dump(pool: &Pool, repo: RepoId) -> Vec<String> {
    pool.repo(repo)
        .solvables()
        .map(|s| {
            let deps: Vec<String> = [DepKind::Requires, DepKind::RequiresPre, DepKind::Provides]
                .iter()
                .map(|&k| {
                    // .solv files store dependency arrays sorted
                    let mut v: Vec<String> =
                        s.deps(k).into_iter().map(|d| pool.dep2str(d)).collect();
                    v.sort();
                    v.join(",")
                })
                .collect();
            format!(
                "{} v={} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                s.nevra(),
                s.vendor(),
                s.lookup_str(Attr::Summary),
                s.location(),
                s.lookup_str(Attr::SourceRpm),
                s.lookup_num(Attr::InstallSize),
                s.lookup_num(Attr::DownloadSize),
                s.lookup_checksum(),
                s.files(),
                deps
            )
        })
        .collect()
}

#[test]
fn round_trip() {
    let (pool, repo) = build();
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("base.solv");
    pool.write_repo(repo, &path, b"repomd-sha256:1234")
        .expect("write");
    let want = dump(&pool, repo);
    assert_eq!(want.len(), 3);

    let mut p2 = Pool::new_rpm("x86_64");
    let r2 = p2.add_repo("base");
    assert!(
        p2.read_solv(r2, &path, b"repomd-sha256:1234")
            .expect("read")
    );
    assert_eq!(dump(&p2, r2), want);
    // file provides work after loading
    p2.addfileprovides();
    let sh = p2.intern("/bin/sh");
    assert_eq!(p2.whatprovides(sh.into()).len(), 1);

    // userdata mismatch: nothing loaded, Ok(false)
    let mut p3 = Pool::new_rpm("x86_64");
    let r3 = p3.add_repo("base");
    assert!(
        !p3.read_solv(r3, &path, b"other")
            .expect("mismatch is not an error")
    );
    assert_eq!(p3.repo(r3).nsolvables(), 0);
}

#[test]
fn corrupt_files_are_errors() {
    let (pool, repo) = build();
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("base.solv");
    pool.write_repo(repo, &path, b"ud").expect("write");
    let bytes = std::fs::read(&path).expect("read");
    for (name, data) in [
        ("half", &bytes[..bytes.len() / 2]),
        ("header-only", &bytes[..30]),
        ("empty", &bytes[..0]),
        (
            "garbage",
            &b"this is not a solv file at all, really not"[..],
        ),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, data).expect("write");
        let mut pool = Pool::new_rpm("x86_64");
        let r = pool.add_repo("x");
        let res = pool.read_solv(r, &p, b"ud");
        assert!(res.is_err(), "{name}: {res:?}");
        assert_eq!(pool.repo(r).nsolvables(), 0, "{name}");
    }
    let mut pool = Pool::new_rpm("x86_64");
    let r = pool.add_repo("x");
    assert!(matches!(
        pool.read_solv(r, &dir.path().join("missing"), b""),
        Err(Error::Io(_))
    ));
    assert!(matches!(
        pool.write_repo(RepoId::from_raw(42), &path, b""),
        Err(Error::NoSuchRepo(_))
    ));
}

#[test]
fn remove_repo() {
    let (mut pool, repo) = build();
    let other = pool.add_repo("other");
    add(&mut pool, other, &[pkg("delta", "1", "noarch")]);
    pool.remove_repo(repo);
    assert!(pool.try_repo(repo).is_none());
    assert_eq!(
        pool.repos()
            .map(|r| r.name().to_owned())
            .collect::<Vec<_>>(),
        ["other"]
    );
    let d = pool.intern("delta");
    assert_eq!(pool.whatprovides(d.into()).len(), 1);
    let a = pool.intern("alpha");
    assert!(pool.whatprovides(a.into()).is_empty());
}

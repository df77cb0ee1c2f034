//! Loading speed: 17,649 packages with typical primary.xml content.

use solv::*;
use std::time::Instant;

#[test]
fn bulk_load_17649_packages() {
    let mut pool = Pool::new_rpm("x86_64");
    let repo = pool.add_repo("base");
    let t = Instant::now();
    let mut w = pool.repo_writer(repo);
    for i in 0..17_649u32 {
        let s = w.add_solvable();
        let name = format!("pkg{i}");
        w.set_nevra(s, &name, 0, "1.2.3", "4.azl3", "x86_64");
        w.set_vendor(s, "Microsoft Corporation");
        for j in 0..8 {
            w.add_dep_str(
                s,
                DepKind::Requires,
                &format!("lib{}.so.1()(64bit)", (i + j) % 3000),
                None,
            );
        }
        w.add_dep_str(s, DepKind::RequiresPre, "/bin/sh", None);
        w.add_dep_str(
            s,
            DepKind::Provides,
            &format!("lib{}.so.1()(64bit)", i % 3000),
            None,
        );
        w.add_self_provides(s);
        w.set_str(s, Attr::Summary, "A package summary");
        w.set_str(s, Attr::Description, "A longer description of the package.");
        w.set_str(s, Attr::License, "MIT");
        w.set_str(
            s,
            Attr::Location,
            &format!("Packages/{name}-1.2.3-4.azl3.x86_64.rpm"),
        );
        w.set_str(s, Attr::SourceRpm, &format!("{name}-1.2.3-4.azl3.src.rpm"));
        w.set_num(s, Attr::InstallSize, 100_000);
        w.set_num(s, Attr::DownloadSize, 40_000);
        w.set_num(s, Attr::BuildTime, 1_700_000_000);
        w.set_checksum(s, ChecksumKind::Sha256, &format!("{:064x}", i));
        w.add_file(s, &format!("/usr/bin/{name}"), FileKind::File);
    }
    w.finish();
    pool.addfileprovides();
    let dt = t.elapsed();
    assert_eq!(pool.repo(repo).nsolvables(), 17_649);
    assert!(dt.as_secs() < 20, "too slow: {dt:?}"); // measured: ~55 ms release, ~160 ms debug
}

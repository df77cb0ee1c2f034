//! Resolver tests: policies (installonly, protected, locks, excludes),
//! arch policy, obsoletes, `--allowerasing`, `--best`, `--security`, and the
//! cs9 corpus closure.

use super::tests::{World, code, installed, pkg, rows};
use super::*;
use crate::sack::advisory::AdvisoryFilter;

fn no() -> GoalOptions {
    GoalOptions::default()
}

#[test]
fn installonly_limit_erases_the_oldest_copies() {
    let repo = vec![pkg("kern", "1-1", "x86_64", &[]), pkg("kern", "2-1", "x86_64", &[]), pkg("kern", "3-1", "x86_64", &[])];
    let mut w = World::new(vec![pkg("kern", "1-1", "x86_64", &[]), pkg("kern", "2-1", "x86_64", &[])], repo);
    w.conf.installonlypkgs = vec!["kern".into()];
    w.conf.installonly_limit = 2;
    let plan = w.run(Action::Install, &["kern"], &no()).expect("install");
    assert_eq!(rows(&plan), ["Erase kern-1-1.x86_64", "Install kern-3-1.x86_64"]);
    let new = plan.of_kind(PlanKind::Install).next().expect("install row");
    assert!(new.replaces.is_empty(), "installonly packages are installed beside the others");
    assert_eq!(plan.pure_erases(), [1]);
    // Under the limit: installed beside, nothing erased; update installs too.
    w.conf.installonly_limit = 3;
    assert_eq!(rows(&w.run(Action::Install, &["kern"], &no()).expect("beside")), ["Install kern-3-1.x86_64"]);
    assert_eq!(rows(&w.run(Action::Update, &[], &no()).expect("update")), ["Install kern-3-1.x86_64"]);
    // An installed version asked for again is installed anyway (tdnf pushes it).
    assert_eq!(code(w.run(Action::Install, &["kern-2"], &no())), Code::NothingToDo);
}

#[test]
fn protected_packages_are_1030() {
    let w = World::new(
        vec![pkg("prot", "1-1", "noarch", &[]), pkg("user", "1-1", "noarch", &[("R", "prot")]), pkg("old", "1-1", "noarch", &[])],
        vec![pkg("new", "1-1", "noarch", &[("O", "old"), ("P", "old")])],
    );
    w.conf_d("protected.d", "prot\nold\n");
    assert_eq!(code(w.run(Action::Erase, &["prot"], &no())), Code::Protected);
    // Erasing what a protected package needs would remove it too.
    let w2 = World::new(vec![pkg("dep", "1-1", "noarch", &[]), pkg("prot", "1-1", "noarch", &[("R", "dep")])], vec![]);
    w2.conf_d("protected.d", "prot\n");
    assert_eq!(code(w2.run(Action::Erase, &["dep"], &no())), Code::SolvFailed);
    // Obsoleting a protected package.
    assert_eq!(code(w.run(Action::Install, &["new"], &no())), Code::Protected);
    // Not protected: fine.
    assert_eq!(rows(&w.run(Action::Erase, &["user"], &no()).expect("erase")), ["Erase user-1-1.noarch"]);
}

#[test]
fn obsoletes_replace_and_list_both_ways() {
    let w = World::new(vec![pkg("old", "1-1", "noarch", &[])], vec![pkg("new", "1-1", "noarch", &[("O", "old < 2"), ("P", "old = 2")])]);
    let plan = w.run(Action::Install, &["new"], &no()).expect("install");
    assert_eq!(rows(&plan), ["Erase old-1-1.noarch", "Install new-1-1.noarch", "Obsolete old-1-1.noarch"]);
    let new = plan.of_kind(PlanKind::Install).next().expect("new");
    assert_eq!(new.replaces, [(1, "old-1-1.noarch".to_string())]);
    assert!(plan.pure_erases().is_empty());
    // update old: the obsoleting package is the upgrade path (yum obsoletes).
    assert_eq!(rows(&w.run(Action::Update, &[], &no()).expect("update")), rows(&plan));
}

#[test]
fn locks_keep_installed_packages() {
    let w = World::new(vec![pkg("a", "1-1", "noarch", &[])], vec![pkg("a", "2-1", "noarch", &[])]);
    w.conf_d("locks.d", "a\n");
    assert_eq!(code(w.run(Action::Update, &[], &no())), Code::NothingToDo);
    assert_eq!(code(w.run(Action::Update, &["a"], &no())), Code::SolvFailed);
    assert_eq!(code(w.run(Action::Erase, &["a"], &no())), Code::SolvFailed);
}

#[test]
fn excludes_are_never_installed() {
    let mut w = World::new(
        vec![pkg("a", "1-1", "noarch", &[])],
        vec![pkg("a", "2-1", "noarch", &[]), pkg("ex", "1-1", "noarch", &[]), pkg("needs-ex", "1-1", "noarch", &[("R", "ex")])],
    );
    w.excludes = vec!["ex".into(), "a".into()];
    // Found, then dropped when jobs are made: nothing to do (tdnf).
    assert_eq!(code(w.run(Action::Install, &["ex"], &no())), Code::NothingToDo);
    assert_eq!(code(w.run(Action::Update, &[], &no())), Code::NothingToDo);
    assert_eq!(code(w.run(Action::Install, &["needs-ex"], &no())), Code::SolvFailed);
    w.excludes.clear();
    assert_eq!(rows(&w.run(Action::Install, &["needs-ex"], &no()).expect("no excludes")), ["Install ex-1-1.noarch", "Install needs-ex-1-1.noarch"]);
}

#[test]
fn multilib_no_i686_unless_asked() {
    let w = World::new(
        vec![],
        vec![
            pkg("m", "1-1", "x86_64", &[("R", "libz")]),
            pkg("m", "1-1", "i686", &[("R", "libz")]),
            pkg("z", "1-1", "x86_64", &[("P", "libz")]),
            pkg("z", "1-1", "i686", &[("P", "libz")]),
        ],
    );
    assert_eq!(rows(&w.run(Action::Install, &["m"], &no()).expect("m")), ["Install m-1-1.x86_64", "Install z-1-1.x86_64"]);
    // Asked for: the i686 package; its arch-neutral dependency is still
    // satisfied by the best arch (libsolv's policy, as dnf).
    assert_eq!(rows(&w.run(Action::Install, &["m.i686"], &no()).expect("m.i686")), ["Install m-1-1.i686", "Install z-1-1.x86_64"]);
    assert_eq!(rows(&w.run(Action::Install, &["z.i686", "m"], &no()).expect("both")), ["Install m-1-1.x86_64", "Install z-1-1.i686"]);
}

#[test]
fn allowerasing_and_best() {
    let w = World::new(
        vec![pkg("c1", "1-1", "noarch", &[])],
        vec![pkg("c2", "1-1", "noarch", &[("C", "c1")]), pkg("d", "1-1", "noarch", &[]), pkg("d", "2-1", "noarch", &[("R", "nothing")])],
    );
    assert_eq!(code(w.run(Action::Install, &["c2"], &no())), Code::SolvFailed);
    let erasing = GoalOptions { allow_erasing: true, ..no() };
    assert_eq!(rows(&w.run(Action::Install, &["c2"], &erasing).expect("allowerasing")), ["Erase c1-1-1.noarch", "Install c2-1-1.noarch"]);
    // The best candidate is broken: tdnf's job names it, so it is a problem
    // either way; `d-1` by version works.
    assert_eq!(code(w.run(Action::Install, &["d"], &no())), Code::SolvFailed);
    assert_eq!(code(w.run(Action::Install, &["d"], &GoalOptions { best: true, ..no() })), Code::SolvFailed);
    assert_eq!(rows(&w.run(Action::Install, &["d-1"], &no()).expect("d-1")), ["Install d-1-1.noarch"]);
}

#[test]
fn update_security_takes_the_advisory_packages() {
    let w = World::new(
        vec![pkg("a", "1-1", "noarch", &[]), pkg("b", "1-1", "noarch", &[])],
        vec![pkg("a", "2-1", "noarch", &[]), pkg("b", "2-1", "noarch", &[])],
    );
    let mut sack = w.sack();
    let adv = |id: &str, kind: &str, name: &str| repodata::updateinfo::Advisory {
        id: id.into(),
        kind: kind.into(),
        packages: vec![repodata::updateinfo::AdvisoryPackage {
            name: name.into(),
            version: "2".into(),
            release: "1".into(),
            arch: "noarch".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    sack.advisories = vec![adv("S-1", "security", "a"), adv("B-1", "bugfix", "b")];
    let printer = Printer::new(crate::output::Mode::Text, true, false);
    let opts = GoalOptions { security: Some(AdvisoryFilter { security: true, ..Default::default() }), ..no() };
    let plan = resolve(&mut sack, &w.settings(), &printer, Action::Update, &[], &opts).expect("security");
    assert_eq!(rows(&plan), ["Upgrade a-2-1.noarch"]);
}

/// cs9 AppStream + BaseOS (2022) from the corpus, nothing installed:
/// `install git` resolves to the closure the issue names (about 164
/// packages), all x86_64 or noarch.
#[test]
fn corpus_git_closure_into_an_empty_root() {
    let corpus = crate::test_support::corpus();
    let mut repos = Vec::new();
    for (id, dir) in [("baseos", "cs9-baseos-2022"), ("appstream", "cs9-appstream")] {
        let rd = corpus.join(dir).join("repodata");
        let primary = std::fs::read_dir(&rd)
            .expect("repodata")
            .flatten()
            .map(|e| e.path())
            .find(|p| p.to_string_lossy().ends_with("-primary.xml.gz"))
            .expect("primary");
        let mut pkgs = Vec::new();
        let reader = repodata::decompress::open_path(&primary).expect("open");
        repodata::primary::parse_primary(reader, "primary", |p| {
            pkgs.push(p);
            Ok(())
        })
        .expect("parse");
        repos.push((id, 50, pkgs));
    }
    let mut sack = crate::sack::load::from_packages("x86_64", &installed(vec![]), &repos, &[]);
    let w = World::new(vec![], vec![]);
    let printer = Printer::new(crate::output::Mode::Text, true, false);
    let plan = resolve(&mut sack, &w.settings(), &printer, Action::Install, &["git".into()], &no()).expect("git");
    let n = plan.of_kind(PlanKind::Install).count();
    assert_eq!(n, plan.items.len(), "only installs into an empty root");
    assert!((150..=180).contains(&n), "git closure has {n} packages");
    assert!(plan.items.iter().all(|i| i.arch == "x86_64" || i.arch == "noarch"), "no i686 in the closure");
    assert!(plan.items.iter().any(|i| i.name == "git-core") && plan.items.iter().any(|i| i.name == "glibc"));
    assert_eq!(n, 164, "the closure the issue names");
}

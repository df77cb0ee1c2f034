//! Resolver tests over small pools built from package models (fixtures
//! below), checked against what tdnf's C code does for the same jobs.

use std::path::Path;

use super::*;
use crate::config::{MainConf, Settings};
use crate::output::Mode;
use crate::rpmdb::InstalledPackage;
use crate::sack::deps::parse_capability;
use crate::sack::load::from_packages;

/// A package model: `name`, `v-r`, `arch`, and dependency lists given as
/// `("R", "cap >= 1")` (R requires, P provides, O obsoletes, C conflicts).
pub(super) fn pkg(name: &str, vr: &str, arch: &str, deps: &[(&str, &str)]) -> repodata::Package {
    let (epoch, vr) = match vr.split_once(':') {
        Some((e, rest)) => (e.parse().unwrap_or(0), rest),
        None => (0, vr),
    };
    let (version, release) = vr.split_once('-').unwrap_or((vr, "1"));
    let mut p = repodata::Package {
        name: name.into(),
        arch: arch.into(),
        epoch,
        version: version.into(),
        release: release.into(),
        location_href: format!("Packages/{name}-{vr}.{arch}.rpm"),
        size_installed: 1000,
        size_package: 300,
        ..repodata::Package::default()
    };
    for (kind, cap) in deps {
        let d = parse_capability(cap);
        match *kind {
            "R" => p.requires.push(d),
            "P" => p.provides.push(d),
            "O" => p.obsoletes.push(d),
            "C" => p.conflicts.push(d),
            _ => {}
        }
    }
    p
}

/// Installed packages get header numbers 1, 2, ... in order.
pub(super) fn installed(pkgs: Vec<repodata::Package>) -> Vec<InstalledPackage> {
    pkgs.into_iter()
        .enumerate()
        .map(|(i, package)| InstalledPackage { hnum: i as u32 + 1, package, install_time: 0, install_tid: 0, install_color: 0 })
        .collect()
}

/// One test world: a root dir (config dir `etc/tdnf`, persistdir
/// `var/lib/tdnf`), the installed set and one repo `local`.
pub(super) struct World {
    pub(super) dir: tempfile::TempDir,
    pub(super) conf: MainConf,
    pub(super) installed: Vec<InstalledPackage>,
    pub(super) repo: Vec<repodata::Package>,
    pub(super) excludes: Vec<String>,
}

impl World {
    pub(super) fn new(inst: Vec<repodata::Package>, repo: Vec<repodata::Package>) -> World {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("etc/tdnf")).expect("mkdir");
        World { dir, conf: MainConf::default(), installed: installed(inst), repo, excludes: Vec::new() }
    }

    pub(super) fn settings(&self) -> Settings {
        let root = self.dir.path().to_path_buf();
        Settings {
            conf_dir: root.join("etc/tdnf"),
            cachedir: root.join("var/cache/tdnf"),
            persistdir: root.join("var/lib/tdnf"),
            root,
            conf: self.conf.clone(),
            repos: Vec::new(),
            vars: Default::default(),
            excludes: self.excludes.clone(),
            arch: "x86_64".into(),
            rpm_defines: Vec::new(),
        }
    }

    pub(super) fn sack(&self) -> Sack {
        from_packages("x86_64", &self.installed, &[("local", 50, self.repo.clone())], &self.excludes)
    }

    /// A `*.d/test.conf` next to tdnf.conf.
    pub(super) fn conf_d(&self, dir: &str, text: &str) {
        let d = self.dir.path().join("etc/tdnf").join(dir);
        std::fs::create_dir_all(&d).expect("mkdir");
        std::fs::write(d.join("test.conf"), text).expect("write");
    }

    /// history.db with these names flagged auto-installed.
    pub(super) fn auto(&self, names: &[&str]) {
        let d = self.dir.path().join("var/lib/tdnf");
        std::fs::create_dir_all(&d).expect("mkdir");
        let db = rusqlite::Connection::open(d.join("history.db")).expect("db");
        // tdnf's schema: flags hang off the newest transaction.
        db.execute_batch(
            "CREATE TABLE transactions(Id INTEGER PRIMARY KEY AUTOINCREMENT,cookie TEXT,cmdline TEXT,timestamp INTEGER, type INTEGER);
             INSERT INTO transactions(cookie, cmdline, timestamp, type) VALUES ('', '(set)', 0, 0);
             CREATE TABLE names(Id INTEGER PRIMARY KEY AUTOINCREMENT,name TEXT);
             CREATE TABLE flag_set(Id INTEGER PRIMARY KEY AUTOINCREMENT,trans_id INTEGER,name_id INTEGER,value INTEGER);",
        )
        .expect("schema");
        for (i, n) in names.iter().enumerate() {
            db.execute("INSERT INTO names(Id, name) VALUES (?1, ?2)", rusqlite::params![i as i64 + 1, n]).expect("name");
            db.execute("INSERT INTO flag_set(trans_id, name_id, value) VALUES (1, ?1, 1)", rusqlite::params![i as i64 + 1]).expect("flag");
        }
    }

    pub(super) fn run(&self, action: Action, specs: &[&str], opts: &GoalOptions) -> Result<Plan> {
        let mut sack = self.sack();
        let printer = Printer::new(Mode::Text, true, false);
        let specs: Vec<String> = specs.iter().map(|s| s.to_string()).collect();
        resolve(&mut sack, &self.settings(), &printer, action, &specs, opts)
    }
}

/// `kind name-v-r.arch` rows, sorted, for comparisons.
pub(super) fn rows(plan: &Plan) -> Vec<String> {
    let mut v: Vec<String> = plan.items.iter().map(|i| format!("{:?} {}", i.kind, i.nevra)).collect();
    v.sort();
    v
}

pub(super) fn code(r: Result<Plan>) -> Code {
    match r {
        Ok(p) => match p.check_action() {
            Ok(()) => panic!("expected an error, got a plan {:?}", rows(&p)),
            Err(e) => e.kind(),
        },
        Err(e) => e.kind(),
    }
}

fn no() -> GoalOptions {
    GoalOptions::default()
}

fn world_ab() -> World {
    World::new(
        vec![],
        vec![
            pkg("a", "1.0-1", "noarch", &[("P", "cap-a = 1.0")]),
            pkg("a", "2.0-1", "noarch", &[("R", "b"), ("P", "cap-a = 2.0")]),
            pkg("b", "1.0-1", "x86_64", &[]),
        ],
    )
}

#[test]
fn install_pulls_dependencies_and_names_the_user_package() {
    let plan = world_ab().run(Action::Install, &["a"], &no()).expect("plan");
    assert_eq!(rows(&plan), ["Install a-2.0-1.noarch", "Install b-1.0-1.x86_64"]);
    assert_eq!(plan.user_names, ["a"]);
    let a = plan.of_kind(PlanKind::Install).find(|i| i.name == "a").expect("a");
    let loc = a.location.as_ref().expect("location");
    assert_eq!((loc.repo_id.as_str(), loc.href.as_str(), loc.size), ("local", "Packages/a-2.0-1.noarch.rpm", 300));
    assert_eq!(a.repo, "local");
    assert!(plan.check_action().is_ok());
}

#[test]
fn spec_forms_select_what_tdnf_selects() {
    let w = world_ab();
    for (spec, want) in [
        ("a-1.0", "a-1.0-1.noarch"),
        ("a-1.0-1", "a-1.0-1.noarch"),
        ("a-1.0-1.noarch", "a-1.0-1.noarch"),
        ("a=1.0", "a-1.0-1.noarch"),
        ("a>=2.0", "a-2.0-1.noarch"),
        ("a<2", "a-1.0-1.noarch"),
        ("cap-a = 1.0", "a-1.0-1.noarch"),
        ("A", "a-2.0-1.noarch"),
    ] {
        let plan = w.run(Action::Install, &[spec], &no()).unwrap_or_else(|e| panic!("{spec}: {e}"));
        let got: Vec<&str> = plan.of_kind(PlanKind::Install).filter(|i| i.name == "a").map(|i| i.nevra.as_str()).collect();
        assert_eq!(got, [want], "spec {spec}");
    }
    // A glob: every available name it matches.
    let plan = w.run(Action::Install, &["[ab]"], &no()).expect("glob");
    assert_eq!(rows(&plan), ["Install a-2.0-1.noarch", "Install b-1.0-1.x86_64"]);
    let plan = w.run(Action::Install, &["zz*"], &no()).expect("glob, no match");
    assert_eq!((plan.not_resolved.clone(), code(Ok(plan))), (vec!["zz*".to_string()], Code::NothingToDo));
}

#[test]
fn already_installed_unknown_and_nothing_to_do() {
    let mut w = world_ab();
    w.installed = installed(vec![pkg("b", "1.0-1", "x86_64", &[])]);
    let plan = w.run(Action::Install, &["b"], &no()).expect("plan");
    assert_eq!(plan.already_installed, ["b"]);
    assert!(plan.items.is_empty() && plan.goal_empty);
    assert_eq!(code(Ok(plan)), Code::NothingToDo);
    assert_eq!(code(w.run(Action::Install, &["nosuch"], &no())), Code::NoMatch);
    assert_eq!(code(w.run(Action::Install, &["b", "nosuch"], &no())), Code::NoMatch);
    let skip = GoalOptions { skip_broken: true, ..no() };
    let plan = w.run(Action::Install, &["nosuch", "a"], &skip).expect("skip-broken");
    assert_eq!(plan.not_resolved, ["nosuch"]);
    assert_eq!(rows(&plan), ["Install a-2.0-1.noarch"]);
    assert_eq!(code(w.run(Action::Install, &[], &no())), Code::PackageRequired);
}

#[test]
fn solver_problems_are_1301_and_skip_broken_drops_them() {
    let w = World::new(vec![], vec![pkg("x", "1-1", "noarch", &[("R", "missing-cap")]), pkg("y", "1-1", "noarch", &[])]);
    assert_eq!(code(w.run(Action::Install, &["x", "y"], &no())), Code::SolvFailed);
    let plan = w.run(Action::Install, &["x", "y"], &GoalOptions { skip_broken: true, ..no() }).expect("skip");
    assert_eq!(rows(&plan), ["Install y-1-1.noarch"]);
}

#[test]
fn erase_rules() {
    let w = World::new(
        vec![pkg("leaf", "1-1", "noarch", &[("R", "dep")]), pkg("dep", "1-1", "noarch", &[]), pkg("other", "1-1", "noarch", &[])],
        vec![pkg("avail", "1-1", "noarch", &[])],
    );
    // Erasing a package erases what requires it.
    let plan = w.run(Action::Erase, &["dep"], &no()).expect("erase");
    assert_eq!(rows(&plan), ["Erase dep-1-1.noarch", "Erase leaf-1-1.noarch"]);
    let dep = plan.items.iter().find(|i| i.name == "dep").expect("dep");
    assert_eq!((dep.hnum, dep.repo.as_str(), dep.location.is_none()), (Some(2), "@System", true));
    let mut erases = plan.pure_erases();
    erases.sort();
    assert_eq!(erases, [1, 2]);
    // Not installed but available: nothing to do. Unknown: 1011.
    assert_eq!(code(w.run(Action::Erase, &["avail"], &no())), Code::NothingToDo);
    assert_eq!(code(w.run(Action::Erase, &["nosuch"], &no())), Code::NoMatch);
    // clean_requirements_on_remove takes auto-installed deps along, unless --noautoremove.
    w.auto(&["dep"]);
    let plain = w.run(Action::Erase, &["leaf"], &no()).expect("plain");
    assert_eq!(rows(&plain), ["Erase leaf-1-1.noarch"]);
    let mut w2 = w;
    w2.conf.clean_requirements_on_remove = true;
    assert_eq!(rows(&w2.run(Action::Erase, &["leaf"], &no()).expect("clean")), ["Erase dep-1-1.noarch", "Erase leaf-1-1.noarch"]);
    let noauto = GoalOptions { no_autoremove: true, ..no() };
    assert_eq!(rows(&w2.run(Action::Erase, &["leaf"], &noauto).expect("noauto")), ["Erase leaf-1-1.noarch"]);
}

#[test]
fn autoremove_with_and_without_args() {
    let w = World::new(
        vec![
            pkg("app", "1-1", "noarch", &[("R", "lib")]),
            pkg("lib", "1-1", "noarch", &[]),
            pkg("orphan", "1-1", "noarch", &[]),
            pkg("needed", "1-1", "noarch", &[]),
            pkg("user", "1-1", "noarch", &[("R", "needed")]),
        ],
        vec![],
    );
    w.auto(&["lib", "orphan", "needed"]);
    // Without args: auto-installed leaves nothing installed needs.
    assert_eq!(rows(&w.run(Action::Autoremove, &[], &no()).expect("all")), ["Erase orphan-1-1.noarch"]);
    // With args: the package and its now unneeded auto deps.
    assert_eq!(rows(&w.run(Action::Autoremove, &["app"], &no()).expect("args")), ["Erase app-1-1.noarch", "Erase lib-1-1.noarch"]);
}

#[test]
fn update_all_and_named() {
    let w = World::new(
        vec![pkg("a", "1.0-1", "noarch", &[]), pkg("b", "1.0-1", "x86_64", &[])],
        vec![pkg("a", "2.0-1", "noarch", &[]), pkg("b", "1.1-1", "x86_64", &[]), pkg("n", "1-1", "noarch", &[])],
    );
    let all = w.run(Action::Update, &[], &no()).expect("all");
    assert_eq!(rows(&all), ["Upgrade a-2.0-1.noarch", "Upgrade b-1.1-1.x86_64"]);
    let up = all.of_kind(PlanKind::Upgrade).find(|i| i.name == "a").expect("a");
    assert_eq!(up.replaces, [(1, "a-1.0-1.noarch".to_string())]);
    assert_eq!(rows(&w.run(Action::Update, &["b"], &no()).expect("named")), ["Upgrade b-1.1-1.x86_64"]);
    // Not installed: tdnf fails to find the installed package (1011).
    assert_eq!(code(w.run(Action::Update, &["n"], &no())), Code::NoMatch);
}

#[test]
fn downgrade_rules_and_minversions() {
    let w = World::new(
        vec![pkg("a", "3.0-1", "noarch", &[])],
        vec![pkg("a", "1.0-1", "noarch", &[]), pkg("a", "2.0-1", "noarch", &[]), pkg("a", "3.0-1", "noarch", &[])],
    );
    // The highest EVR below the lowest installed one.
    assert_eq!(rows(&w.run(Action::Downgrade, &["a"], &no()).expect("down")), ["Downgrade a-2.0-1.noarch"]);
    assert_eq!(rows(&w.run(Action::Downgrade, &["a-1.0"], &no()).expect("to version")), ["Downgrade a-1.0-1.noarch"]);
    assert_eq!(rows(&w.run(Action::Downgrade, &[], &no()).expect("all")), ["Downgrade a-2.0-1.noarch"]);
    assert_eq!(code(w.run(Action::Downgrade, &["a-9.9"], &no())), Code::NoMatch);
    // minversions: going below the floor is a solver problem (tdnf: 1301).
    w.conf_d("minversions.d", "a=3.0\n");
    assert_eq!(code(w.run(Action::Downgrade, &["a"], &no())), Code::SolvFailed);
    let mut w2 = World::new(vec![pkg("a", "3.0-1", "noarch", &[])], w.repo.clone());
    w2.conf.minversions = vec!["a=2.0".into()];
    assert_eq!(rows(&w2.run(Action::Downgrade, &["a"], &no()).expect("at the floor")), ["Downgrade a-2.0-1.noarch"]);
    assert_eq!(code(w2.run(Action::Downgrade, &["a-1.0"], &no())), Code::SolvFailed);
    // Nothing lower: no downgrade path, nothing to do.
    let w3 = World::new(vec![pkg("a", "1.0-1", "noarch", &[])], w.repo.clone());
    assert_eq!(code(w3.run(Action::Downgrade, &["a"], &no())), Code::NothingToDo);
}

#[test]
fn reinstall_and_distro_sync() {
    let w = World::new(
        vec![pkg("a", "2.0-1", "noarch", &[]), pkg("b", "1.0-1", "x86_64", &[])],
        vec![pkg("a", "1.0-1", "noarch", &[]), pkg("b", "1.0-1", "x86_64", &[])],
    );
    let plan = w.run(Action::Reinstall, &["b"], &no()).expect("reinstall");
    assert_eq!(rows(&plan), ["Reinstall b-1.0-1.x86_64"]);
    assert_eq!(plan.items[0].replaces, [(2, "b-1.0-1.x86_64".to_string())]);
    // a-2.0 is not in the repo: no same NEVRA to reinstall from.
    assert_eq!(code(w.run(Action::Reinstall, &["a"], &no())), Code::NoMatch);
    // distro-sync goes to the repo's version, down as well as up.
    assert_eq!(rows(&w.run(Action::DistroSync, &[], &no()).expect("sync")), ["Downgrade a-1.0-1.noarch"]);
}

#[test]
fn local_rpm_in_cmdline_repo_install_and_reinstall() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = "Name: loc\nVersion: 1.0\nRelease: 1\nSummary: s\nLicense: MIT\nBuildArch: noarch\n%description\nd\n%files\n";
    let rpm = crate::test_support::rpmbuild(dir.path(), &[("loc", spec)]).remove(0);
    let path = rpm.display().to_string();
    let w = World::new(vec![], vec![]);
    let plan = w.run(Action::Install, &[&path], &no()).expect("install");
    assert_eq!(rows(&plan), ["Install loc-1.0-1.noarch"]);
    let it = &plan.items[0];
    assert_eq!(it.repo, "@cmdline");
    let loc = it.location.as_ref().expect("location");
    assert_eq!(loc.local.as_deref(), Some(rpm.canonicalize().expect("canon").as_path()));
    assert_eq!(loc.checksum_kind, "sha256");
    assert_eq!(plan.user_names, ["loc"]);
    // Reinstall from the file over the same installed NEVRA.
    let file_pkg = crate::rpm::RpmFile::open(&rpm).and_then(|f| f.to_package()).expect("read rpm");
    let mut w2 = World::new(vec![], vec![]);
    w2.installed = installed(vec![file_pkg]);
    let plan = w2.run(Action::Reinstall, &[&path], &no()).expect("reinstall");
    assert_eq!(rows(&plan), ["Reinstall loc-1.0-1.noarch"]);
    assert_eq!(plan.items[0].replaces, [(1, "loc-1.0-1.noarch".to_string())]);
    // A source rpm is refused; a missing file is no match (tdnf ignores it).
    assert_eq!(code(w.run(Action::Install, &["x.src.rpm"], &no())), Code::Einval);
    assert!(Path::new("/nonexistent/none.rpm").symlink_metadata().is_err());
    assert_eq!(code(w.run(Action::Install, &["/nonexistent/none.rpm"], &no())), Code::NoMatch);
}

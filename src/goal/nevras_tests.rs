//! [`super::resolve_nevras`] over small pools (the fixtures of the
//! resolver's tests), against what tdnf's `TDNFHistoryResolve` does with
//! the same NEVRA lists.

use super::super::tests::{World, pkg, rows};
use super::{resolve_nevras, split_nevra};
use crate::error::{Code, Result};
use crate::goal::{GoalOptions, Plan, PlanKind};
use crate::output::{Mode, Printer};

fn run(w: &World, install: &[&str], erase: &[&str]) -> Result<Plan> {
    let mut sack = w.sack();
    let printer = Printer::new(Mode::Text, true, false);
    let v = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    resolve_nevras(&mut sack, &w.settings(), &printer, &v(install), &v(erase), &GoalOptions::default())
}

/// Installed: a 1.0 and c; available: a 1.0, a 2.0 (needs b), b.
fn world() -> World {
    World::new(
        vec![pkg("a", "1.0-1", "noarch", &[]), pkg("c", "1.0-1", "noarch", &[])],
        vec![
            pkg("a", "1.0-1", "noarch", &[]),
            pkg("a", "2.0-1", "noarch", &[("R", "b")]),
            pkg("b", "1.0-1", "x86_64", &[]),
        ],
    )
}

#[test]
fn nevra_splits_as_tdnf() {
    assert_eq!(split_nevra("spike-alpha-1.0-1.x86_64"), Some(("spike-alpha", "1.0-1", "x86_64")));
    assert_eq!(split_nevra("spike-epoch-2:0.9-1.noarch"), Some(("spike-epoch", "2:0.9-1", "noarch")));
    assert_eq!(split_nevra("a-1-2.fc40.noarch"), Some(("a", "1-2.fc40", "noarch")));
    assert_eq!(split_nevra("noarch"), None);
    assert_eq!(split_nevra("-1-2.noarch"), None);
    assert_eq!(split_nevra("a-1.noarch"), None);
}

#[test]
fn install_and_erase_in_one_goal() {
    // a 1.0 -> a 2.0 pulls b in; c goes in the same transaction.
    let plan = run(&world(), &["a-2.0-1.noarch"], &["a-1.0-1.noarch", "c-1.0-1.noarch"]).expect("plan");
    let r = rows(&plan);
    assert!(r.contains(&"Install b-1.0-1.x86_64".to_string()), "{r:?}");
    assert!(r.contains(&"Erase c-1.0-1.noarch".to_string()), "{r:?}");
    assert!(plan.items.iter().any(|i| i.name == "a" && i.version == "2.0"), "{r:?}");
    assert!(!plan.items.iter().any(|i| i.kind == PlanKind::Install && i.name == "c"), "{r:?}");
    // Only the NEVRAs asked for are user-installed: b is a dependency.
    assert_eq!(plan.user_names, ["a"]);
    let b = plan.of_kind(PlanKind::Install).find(|i| i.name == "b").expect("b");
    assert_eq!(b.location.as_ref().map(|l| l.repo_id.as_str()), Some("local"));
}

#[test]
fn installed_keys_and_absent_erases_are_skipped() {
    // a 1.0 is installed already, the key is no package, b is not installed.
    let plan = run(&world(), &["a-1.0-1.noarch", "gpg-pubkey-d8aba236-6b102ba6"], &["b-1.0-1.x86_64", "gpg-pubkey-1-2"]).expect("plan");
    assert!(plan.items.is_empty(), "{:?}", rows(&plan));
    assert!(plan.user_names.is_empty());
}

#[test]
fn unknown_nevra_is_1011_and_a_malformed_one_1622() {
    let e = run(&world(), &["a-3.0-1.noarch", "b-1.0-1.x86_64"], &[]).expect_err("missing");
    assert_eq!(e.kind(), Code::NoMatch);
    // Same name and version, other arch: not the package.
    let e = run(&world(), &["b-1.0-1.noarch"], &[]).expect_err("arch");
    assert_eq!(e.kind(), Code::NoMatch);
    let e = run(&world(), &["garbage"], &[]).expect_err("malformed");
    assert_eq!(e.kind(), Code::Einval);
}

#[test]
fn solver_problems_are_1301() {
    let w = World::new(vec![], vec![pkg("x", "1.0-1", "noarch", &[("R", "nothing-provides-this")])]);
    let e = run(&w, &["x-1.0-1.noarch"], &[]).expect_err("problem");
    assert_eq!(e.kind(), Code::SolvFailed);
}

//! Solver API tests: transactions, problems, unneeded.

mod common;
use common::{add, pkg};
use solv::*;

#[test]
fn upgrade_steps_and_order() {
    let mut pool = Pool::new_rpm("x86_64");
    let sys = pool.add_repo("@System");
    pool.set_installed(sys);
    let mut app1 = pkg("app", "1", "x86_64");
    app1.requires = &["lib"];
    let inst = add(&mut pool, sys, &[app1, pkg("lib", "1", "x86_64")]);
    let avail = pool.add_repo("updates");
    pool.set_repo_priority(avail, -10);
    let mut app2 = pkg("app", "2", "x86_64");
    app2.requires = &["lib >= 2"];
    let new = add(&mut pool, avail, &[app2, pkg("lib", "2", "x86_64")]);
    assert_eq!(pool.repo(avail).priority(), -10);
    assert!(pool.installed_repo().is_some_and(|r| r.id() == sys));
    assert!(pool.solvable(inst[0]).expect("app").is_installed());

    let mut jobs = Jobs::new();
    jobs.all(Job::UPDATE);
    let mut solver = Solver::new(&pool);
    let trans = solver.solve(&jobs).expect("solvable");
    let steps = trans.steps();
    let installs: Vec<_> = steps.iter().filter(|s| s.kind.is_install()).collect();
    assert_eq!(installs.len(), 2);
    // lib-2 must come before app-2 (ordered transaction).
    assert_eq!(installs[0].solvable, new[1]);
    assert_eq!(installs[1].solvable, new[0]);
    assert_eq!(installs[0].kind, StepKind::Upgrade);
    assert_eq!(installs[0].replaced, [inst[1]]);
    assert_eq!(steps.len(), 4);
    let upgraded: Vec<_> = steps
        .iter()
        .filter(|s| s.kind == StepKind::Upgraded)
        .map(|s| s.solvable)
        .collect();
    assert_eq!(upgraded.len(), 2);
    let old_lib = steps
        .iter()
        .find(|s| s.solvable == inst[1])
        .expect("old lib");
    assert_eq!(old_lib.replaced, [new[1]]);
    assert!(upgraded.contains(&inst[0]) && upgraded.contains(&inst[1]));
    drop(solver); // the transaction outlives the solver
    assert!(!trans.is_empty());
}

#[test]
fn problem_text_and_rules() {
    let mut pool = Pool::new_rpm("x86_64");
    let repo = pool.add_repo("avail");
    let mut w = pool.repo_writer(repo);
    let x = w.add_solvable();
    w.set_nevra(x, "x", 0, "1", "1", "noarch");
    w.add_dep_str(x, DepKind::Conflicts, "y", None);
    w.add_self_provides(x);
    let y = w.add_solvable();
    w.set_nevra(y, "y", 0, "1", "1", "noarch");
    w.add_self_provides(y);
    let z = w.add_solvable();
    w.set_nevra(z, "z", 0, "1", "1", "noarch");
    w.add_dep_str(z, DepKind::Requires, "missing", Some((RelFlags::GE, "2")));
    w.finish();

    let xn = pool.intern("x");
    let yn = pool.intern("y");
    let mut jobs = Jobs::new();
    jobs.name(Job::INSTALL, xn).name(Job::INSTALL, yn);
    let mut solver = Solver::new(&pool);
    let problems = solver.solve(&jobs).err().expect("must conflict");
    assert_eq!(problems.len(), 1);
    assert_eq!(
        problems[0].text,
        "package x-1-1.noarch conflicts with y provided by y-1-1.noarch"
    );
    assert!(
        problems[0]
            .rules
            .iter()
            .any(|r| r.kind == RuleKind::PkgConflicts
                && r.source == Some(x)
                && r.target == Some(y))
    );

    let mut jobs = Jobs::new();
    jobs.solvable(Job::INSTALL, z);
    let problems = solver.solve(&jobs).err().expect("nothing provides");
    assert_eq!(
        problems[0].text,
        "nothing provides missing >= 2 needed by z-1-1.noarch"
    );
    let r = problems[0]
        .rules
        .iter()
        .find(|r| r.kind != RuleKind::Job)
        .expect("pkg rule");
    assert_eq!(r.kind, RuleKind::PkgNothingProvidesDep);
    assert_eq!(
        r.dep.map(|d| pool.dep2str(d)).as_deref(),
        Some("missing >= 2")
    );
}

#[test]
fn erase_cleandeps_and_unneeded() {
    let mut pool = Pool::new_rpm("x86_64");
    let sys = pool.add_repo("@System");
    pool.set_installed(sys);
    let mut app = pkg("app", "1", "x86_64");
    app.requires = &["lib"];
    let ids = add(
        &mut pool,
        sys,
        &[app, pkg("lib", "1", "x86_64"), pkg("junk", "1", "x86_64")],
    );
    let appn = pool.intern("app");

    // autoremove: nothing but app was installed by the user.
    let mut jobs = Jobs::new();
    jobs.name(Job::USERINSTALLED, appn);
    let mut solver = Solver::new(&pool);
    assert!(solver.solve(&jobs).expect("ok").is_empty());
    assert_eq!(solver.unneeded(false), [ids[2]]);

    // erase app with cleandeps removes lib as well.
    let mut jobs = Jobs::new();
    jobs.name(Job::USERINSTALLED, appn)
        .name(Job::ERASE | Job::CLEANDEPS, appn);
    let trans = solver.solve(&jobs).expect("ok");
    let mut erased: Vec<_> = trans
        .steps()
        .into_iter()
        .filter(|s| s.kind == StepKind::Erase)
        .map(|s| s.solvable)
        .collect();
    erased.sort();
    assert_eq!(erased, [ids[0], ids[1]]);
    assert_eq!(solver.cleandeps(), [ids[1]]);
}

#[test]
fn selection_as_job_and_flags() {
    let mut pool = Pool::new_rpm("x86_64");
    let repo = pool.add_repo("avail");
    let ids = add(
        &mut pool,
        repo,
        &[
            pkg("foo", "1", "x86_64"),
            pkg("foo", "1", "i686"),
            pkg("foo", "2", "x86_64"),
        ],
    );
    let sel = pool.select("foo", SelectFlags::PACKAGE_SPEC);
    let mut jobs = Jobs::new();
    jobs.push_selection(Job::INSTALL, &sel);
    let mut solver = Solver::new(&pool);
    assert!(!solver.set_flag(SolverFlag::AllowDowngrade, true));
    assert!(solver.flag(SolverFlag::AllowDowngrade));
    let trans = solver.solve(&jobs).expect("ok");
    let steps = trans.steps();
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].solvable, ids[2], "best arch, newest version");
    assert_eq!(steps[0].kind, StepKind::Install);
}

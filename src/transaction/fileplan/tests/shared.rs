//! Paths several packages bring: undeclared conflicts (spike-fileconflict),
//! identical shared files, multilib colours, compared with rpm.

use std::path::{Path, PathBuf};

use super::oracle::*;
use crate::rpm::filelist::state;
use crate::test_support::{rpmbuild, spike_rpm};
use crate::transaction::fileplan::{Action, Options};

#[test]
fn fileconflict_a_and_b_as_rpm_reports_them() {
    let (a, b) = (
        spike_rpm("spike-fileconflict-a"),
        spike_rpm("spike-fileconflict-b"),
    );
    let empty = root_with(&[]);
    let order = rpm_order(empty.path(), &[a.clone(), b.clone()]);
    let (p, _) = plan_over(empty.path(), &order, &[], &Options::default());
    let ours: Vec<String> = p.conflicts.iter().map(|c| c.message()).collect();
    assert_eq!(
        ours.len(),
        1,
        "one conflict (conflict.txt), the identical shared file is none: {ours:?}"
    );
    let out = rpm(
        empty.path(),
        &["-i", "--test", "--nodeps", "--nosignature"],
        &[&a, &b],
    );
    assert!(!out.status.success());
    assert_eq!(rpm_lines(&out, "file "), ours);
    // a installed, b incoming: the installed-package form of the problem.
    let with_a = root_with(&[&a]);
    let (p, inst) = plan_over(
        with_a.path(),
        std::slice::from_ref(&b),
        &[],
        &Options::default(),
    );
    let ours: Vec<String> = p.conflicts.iter().map(|c| c.message()).collect();
    let out = rpm(
        with_a.path(),
        &["-i", "--test", "--nodeps", "--nosignature"],
        &[&b],
    );
    assert_eq!(rpm_lines(&out, "file "), ours);
    assert_eq!(ours.len(), 1);
    // --replacefiles: rpm installs b and marks a's conflict.txt REPLACED,
    // not the identical shared file.
    let (p, _) = plan_over(
        with_a.path(),
        std::slice::from_ref(&b),
        &[],
        &Options {
            replace_files: true,
            ..Options::default()
        },
    );
    assert!(p.conflicts.is_empty());
    let out = rpm(
        with_a.path(),
        &["-i", "-vv", "--replacefiles", "--nodeps", "--nosignature"],
        &[&b],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        fsm_lines(&out),
        expect_install(&incoming(&b).1, &p.installs[0])
    );
    let states = rpm(
        with_a.path(),
        &[
            "-q",
            "--qf",
            "[%{FILESTATES} %{FILENAMES}\n]",
            "spike-fileconflict-a",
        ],
        &[],
    );
    let a_files = &inst[0].2;
    let expect: String = a_files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let st = p
                .replaced
                .iter()
                .find(|r| r.hnum == inst[0].0 && r.file == i)
                .map_or(state::NORMAL, |r| r.state);
            format!("{st} {}\n", f.path)
        })
        .collect();
    assert_eq!(String::from_utf8_lossy(&states.stdout), expect);
}

/// Two packages shipping the same path as an ELF32 and an ELF64 object
/// (rpmbuild colours only executable files: `build/rpmfc.c`).
fn multilib_pair(dir: &Path) -> (PathBuf, PathBuf) {
    let spec = |name: &str, m: &str| {
        format!(
            "Name: {name}\nVersion: 1\nRelease: 1\nSummary: multilib\nLicense: MIT\nAutoReqProv: no\n\
             %global __os_install_post %{{nil}}\n%global debug_package %{{nil}}\n%description\nx\n\
             %install\nmkdir -p %{{buildroot}}/usr/lib/spike-ml\necho 'int f(void){{return 1;}}' > t.c\n\
             gcc {m} -c -o %{{buildroot}}/usr/lib/spike-ml/obj.o t.c\n\
             chmod 0755 %{{buildroot}}/usr/lib/spike-ml/obj.o\n%files\n/usr/lib/spike-ml/obj.o\n"
        )
    };
    let built = rpmbuild(
        dir,
        &[
            ("ml32", &spec("spike-ml32", "-m32")),
            ("ml64", &spec("spike-ml64", "-m64")),
        ],
    );
    let find = |n: &str| {
        built
            .iter()
            .find(|p| p.to_string_lossy().contains(n))
            .cloned()
            .expect("built")
    };
    (find("spike-ml32"), find("spike-ml64"))
}

#[test]
fn multilib_elf_colours_resolve_like_rpm() {
    let t = tempfile::tempdir().expect("tempdir");
    let (m32, m64) = multilib_pair(t.path());
    assert_eq!(
        incoming(&m32).1[0].color,
        1,
        "rpmbuild coloured the ELF32 object 1"
    );
    assert_eq!(incoming(&m64).1[0].color, 2);
    // Both incoming: no conflict, ELF64 wins.
    let empty = root_with(&[]);
    let order = rpm_order(empty.path(), &[m32.clone(), m64.clone()]);
    let (p, _) = plan_over(empty.path(), &order, &[], &Options::default());
    let (i32, i64) = if order[0] == m32 { (0, 1) } else { (1, 0) };
    assert!(p.conflicts.is_empty());
    assert_eq!(
        (p.installs[i32].actions[0], p.installs[i32].states[0]),
        (Action::Skip, state::WRONG_COLOR)
    );
    assert_eq!(
        (p.installs[i64].actions[0], p.installs[i64].states[0]),
        (Action::Create, state::NORMAL)
    );
    let out = rpm(
        empty.path(),
        &["-i", "-vv", "--nodeps", "--nosignature"],
        &[&m32, &m64],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fsm: Vec<_> = order
        .iter()
        .zip(&p.installs)
        .flat_map(|(pk, ip)| expect_install(&incoming(pk).1, ip))
        .collect();
    assert_eq!(fsm_lines(&out), fsm);
    let q = rpm(
        empty.path(),
        &[
            "-q",
            "--qf",
            "%{NAME} [%{FILESTATES}]\n",
            "spike-ml32",
            "spike-ml64",
        ],
        &[],
    );
    assert_eq!(
        String::from_utf8_lossy(&q.stdout),
        format!("spike-ml32 {}\nspike-ml64 0\n", state::WRONG_COLOR)
    );
    // ELF32 installed, ELF64 incoming: the installed entry becomes WRONG_COLOR.
    let with32 = root_with(&[&m32]);
    let (p, inst) = plan_over(
        with32.path(),
        std::slice::from_ref(&m64),
        &[],
        &Options::default(),
    );
    assert!(p.conflicts.is_empty());
    assert_eq!(p.replaced.len(), 1);
    assert_eq!(
        (p.replaced[0].hnum, p.replaced[0].state),
        (inst[0].0, state::WRONG_COLOR)
    );
    let out = rpm(
        with32.path(),
        &["-i", "-vv", "--nodeps", "--nosignature"],
        &[&m64],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        fsm_lines(&out),
        expect_install(&incoming(&m64).1, &p.installs[0])
    );
    let q = rpm(
        with32.path(),
        &["-q", "--qf", "[%{FILESTATES}]", "spike-ml32"],
        &[],
    );
    assert_eq!(
        String::from_utf8_lossy(&q.stdout),
        state::WRONG_COLOR.to_string()
    );
}

#[test]
fn identical_files_shared_by_four_packages_match_rpms_fsm() {
    let t = tempfile::tempdir().expect("tempdir");
    let spec = |n: usize| {
        format!(
            "Name: spike-share{n}\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\nBuildArch: noarch\n\
             %description\ns\n%install\nmkdir -p %{{buildroot}}/usr/share/spike-shared\n\
             echo same > %{{buildroot}}/usr/share/spike-shared/file\necho {n} > %{{buildroot}}/usr/share/spike-shared/own{n}\n\
             %files\n%dir /usr/share/spike-shared\n/usr/share/spike-shared/file\n/usr/share/spike-shared/own{n}\n"
        )
    };
    let specs: Vec<(String, String)> = (1..=4).map(|n| (format!("s{n}"), spec(n))).collect();
    let refs: Vec<(&str, &str)> = specs
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let pkgs = rpmbuild(t.path(), &refs);
    let root = root_with(&[]);
    let order = rpm_order(root.path(), &pkgs);
    let (p, _) = plan_over(root.path(), &order, &[], &Options::default());
    assert!(p.conflicts.is_empty());
    // The same command line rpm_order asked about, so the same order.
    let refs: Vec<&Path> = pkgs.iter().map(PathBuf::as_path).collect();
    let out = rpm(
        root.path(),
        &["-i", "-vv", "--nodeps", "--nosignature"],
        &refs,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fsm: Vec<_> = order
        .iter()
        .zip(&p.installs)
        .flat_map(|(pk, ip)| expect_install(&incoming(pk).1, ip))
        .collect();
    assert_eq!(fsm_lines(&out), fsm);
    // Erasing three of them keeps the shared entries; the fourth removes them.
    let (p, inst) = plan_over(
        root.path(),
        &[],
        &[
            "spike-share1",
            "spike-share2",
            "spike-share3",
            "spike-share4",
        ],
        &Options::default(),
    );
    let args = [
        "-e",
        "-vv",
        "--nodeps",
        "spike-share1",
        "spike-share2",
        "spike-share3",
        "spike-share4",
    ];
    let out = rpm(root.path(), &args, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // rpm erases in its own order (-vv's tsort list); ours is by hnum.
    let mut theirs = fsm_lines(&out);
    let mut ours: Vec<_> = inst
        .iter()
        .zip(&p.erases)
        .flat_map(|(h, e)| expect_erase(&h.2, e))
        .collect();
    assert_eq!(
        ours.iter().filter(|(_, n)| n == "file").count(),
        1,
        "one removal of the shared file"
    );
    theirs.sort();
    ours.sort();
    assert_eq!(theirs, ours);
}

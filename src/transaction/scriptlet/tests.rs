//! Scriptlet tests: plain scriptlets and triggers read from real packages
//! (the spike repo, packages rpmbuild makes here; `rpm -qp --qf` as the
//! oracle), and shell scriptlets run chrooted in a busybox root.

use std::path::Path;
use std::process::Command;

use super::trigger::{self, FileTrigger, PriorityClass, TriggerKey};
use super::{Kind, Output, Runner, Script, ScriptError, script};
use crate::rpm::file::RpmFile;
use crate::rpm::header::Header;
use crate::rpm::tags::*;
use crate::test_support::{root_with_sh, rpmbuild, spike_rpm};

fn header_of(path: &Path) -> Header {
    RpmFile::open(path).expect("open rpm").header
}

/// `rpm -qp --qf FMT path`, stdout.
fn rpm_qf(path: &Path, fmt: &str) -> String {
    let out = Command::new("rpm").args(["-qp", "--nosignature", "--qf", fmt]).arg(path).output().expect("run rpm");
    assert!(out.status.success(), "rpm -qp --qf {fmt}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

fn runner(root: &Path) -> Runner {
    Runner { root: root.to_path_buf(), output: Output::Inherit }
}

fn sh(kind: Kind, body: &str) -> Script {
    Script { kind, prog: vec!["/bin/sh".into()], body: body.into(), flags: 0 }
}

/// Files left in the root's `/var/tmp`.
fn var_tmp(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root.join("var/tmp"))
        .expect("var/tmp")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn read(p: impl AsRef<Path>) -> String {
    std::fs::read_to_string(p.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", p.as_ref().display()))
}

// ---- plain scriptlets from headers ------------------------------------------

/// Every plain kind of spike-alpha and spike-lua against rpm's own reading.
#[test]
fn plain_kinds_match_rpm() {
    let kinds = [
        (Kind::Pre, "PREIN", "PREINPROG", "PREINFLAGS"),
        (Kind::Post, "POSTIN", "POSTINPROG", "POSTINFLAGS"),
        (Kind::PreUn, "PREUN", "PREUNPROG", "PREUNFLAGS"),
        (Kind::PostUn, "POSTUN", "POSTUNPROG", "POSTUNFLAGS"),
        (Kind::PreTrans, "PRETRANS", "PRETRANSPROG", "PRETRANSFLAGS"),
        (Kind::PostTrans, "POSTTRANS", "POSTTRANSPROG", "POSTTRANSFLAGS"),
    ];
    for pkg in ["spike-alpha-1.0", "spike-lua"] {
        let path = spike_rpm(pkg);
        let h = header_of(&path);
        for (kind, body, prog, flags) in kinds {
            let got = script(&h, kind);
            let fmt = format!("%{{{body}}}@@SEP@@[%{{{prog}}}@@ITEM@@]@@SEP@@%{{{flags}}}");
            let oracle = rpm_qf(&path, &fmt);
            let parts: Vec<&str> = oracle.split("@@SEP@@").collect();
            let [want_body, want_prog, want_flags] = parts[..] else { panic!("rpm output {oracle:?}") };
            if want_body == "(none)" && want_prog.is_empty() {
                assert_eq!(got, None, "{pkg} {kind:?}");
                continue;
            }
            let s = got.unwrap_or_else(|| panic!("{pkg} {kind:?}: rpm has {oracle:?}, we have none"));
            assert_eq!(s.kind, kind);
            assert_eq!(s.body, if want_body == "(none)" { "" } else { want_body }, "{pkg} {kind:?}");
            let want_prog: Vec<&str> = want_prog.split("@@ITEM@@").filter(|p| !p.is_empty()).collect();
            let want_prog = if want_prog.is_empty() { vec!["/bin/sh"] } else { want_prog };
            assert_eq!(s.prog, want_prog, "{pkg} {kind:?}");
            assert_eq!(s.flags, want_flags.parse::<u32>().unwrap_or(0), "{pkg} {kind:?}");
        }
    }
    // What the spike spec says, so the oracle comparison above is not vacuous.
    let alpha = header_of(&spike_rpm("spike-alpha-1.0"));
    for (kind, word) in [
        (Kind::Pre, "pre"),
        (Kind::Post, "post"),
        (Kind::PreUn, "preun"),
        (Kind::PostUn, "postun"),
        (Kind::PostTrans, "posttrans"),
    ] {
        let s = script(&alpha, kind).expect("alpha scriptlet");
        assert_eq!(s.prog, ["/bin/sh"]);
        assert!(s.body.contains(&format!("spike-alpha-1.0-1 {word} $*")), "{kind:?}: {}", s.body);
    }
    let pretrans = script(&alpha, Kind::PreTrans).expect("alpha %pretrans");
    assert!(pretrans.is_lua() && pretrans.body.contains("pretrans (lua)"));
    for k in [Kind::PreUnTrans, Kind::PostUnTrans, Kind::TriggerIn, Kind::FileTriggerIn] {
        assert_eq!(script(&alpha, k), None, "{k:?}");
    }
    let lua = header_of(&spike_rpm("spike-lua"));
    assert!(script(&lua, Kind::Post).expect("lua %post").body.contains("spike-lua post arg2="));
    assert!(script(&lua, Kind::PreTrans).expect("lua %pretrans").is_lua());
    assert_eq!(script(&lua, Kind::Pre), None);
}

/// A package with every trigger kind, versioned triggers, multi-name and
/// multi-prefix triggers, priorities, `-p` programs with and without args.
const TRIG_SPEC: &str = r#"Name: trig
Version: 1.0
Release: 1
Summary: triggers
License: MIT
BuildArch: noarch
%description
t
%post -p "/bin/touch /made-by-post"
%preun -p /bin/true
%triggerin -- foo >= 2.0
echo in
%triggerun -- bar < 1:1.0
echo un
%triggerpostun -p /bin/cat -- baz
%triggerprein -- qux = 2.0, quux
echo prein
%filetriggerin -P 20000 -- /a /b
cat
%filetriggerun -- /c
echo un
%transfiletriggerpostun -p <lua> -- /x
print("x")
%files
"#;

fn build_trig(dir: &Path) -> std::path::PathBuf {
    rpmbuild(dir, &[("trig", TRIG_SPEC)]).pop().expect("trig built")
}

#[test]
fn prog_with_args_and_interpreter_only_from_header() {
    let t = tempfile::tempdir().expect("tempdir");
    let h = header_of(&build_trig(t.path()));
    let post = script(&h, Kind::Post).expect("%post");
    assert_eq!(post.prog, ["/bin/touch", "/made-by-post"]);
    assert_eq!(post.body, "");
    assert_eq!(h.entry(RPMTAG_POSTINPROG).map(|e| e.typ), Some(RPM_STRING_ARRAY_TYPE));
    let preun = script(&h, Kind::PreUn).expect("%preun");
    assert_eq!((preun.prog, preun.body), (vec!["/bin/true".to_owned()], String::new()));
    assert_eq!(h.entry(RPMTAG_PREUNPROG).map(|e| e.typ), Some(RPM_STRING_TYPE));

    // Run it: rpm execs `/bin/touch /made-by-post` with no temp file and no $1.
    let root = root_with_sh();
    runner(root.path()).run("trig-1.0-1.noarch", &post, &[1], None).expect("run %post -p");
    assert!(root.path().join("made-by-post").is_file());
    assert!(!root.path().join("1").exists(), "no $1 for an interpreter-only scriptlet");
    assert_eq!(var_tmp(root.path()), Vec::<String>::new());
}

// ---- triggers -----------------------------------------------------------------

#[test]
fn spike_alpha_triggers_and_file_triggers() {
    let h = header_of(&spike_rpm("spike-alpha-1.0"));
    let trigs = trigger::triggers(&h).expect("triggers");
    assert_eq!(trigs.len(), 1, "{trigs:?}");
    let t = &trigs[0];
    assert_eq!((t.kind, t.name.as_str(), t.sense, t.evr.as_str(), t.index), (Kind::TriggerIn, "spike-beta", 0, "", 0));
    assert_eq!((t.script.kind, t.script.prog.as_slice()), (Kind::TriggerIn, &["/bin/sh".to_owned()][..]));
    assert!(t.script.body.contains("spike-alpha-1.0-1 triggerin-beta $*"));
    assert!(t.matches("spike-beta", "1.0-1") && t.matches("spike-beta", "") && !t.matches("spike-gamma", "1.0-1"));

    let ft = trigger::file_triggers(&h).expect("file triggers");
    assert_eq!(ft.iter().map(|f| f.kind).collect::<Vec<_>>(), [Kind::FileTriggerIn, Kind::TransFileTriggerIn]);
    let pr = rpm_qf(&spike_rpm("spike-alpha-1.0"), "%{FILETRIGGERPRIORITIES} %{TRANSFILETRIGGERPRIORITIES}");
    for f in &ft {
        assert_eq!(f.prefixes, ["/usr/share/spike/plugins"]);
        assert_eq!(format!("{0} {0}", f.priority), pr, "priority as rpm reads it");
        assert!(PriorityClass::High.contains(f.priority));
    }
    assert!(ft[0].script.body.starts_with("cat >> /var/log/spike-filetrigger.log"));
    assert!(ft[1].script.body.contains("transfiletriggerin $*"));
    let paths = [
        "/usr/share/spike/alpha",
        "/usr/share/spike/plugins",
        "/usr/share/spike/plugins/a.so",
        "/usr/share/spike/pluginsX/b.so",
        "/usr/share/spik",
    ];
    // strncmp(prefix, path, strlen(prefix)): no '/' boundary, the directory itself matches.
    assert_eq!(ft[0].matching(&paths), &paths[1..4]);
}

#[test]
fn trigger_arrays_match_rpm_and_versions_compare_as_rpm() {
    let t = tempfile::tempdir().expect("tempdir");
    let path = build_trig(t.path());
    let h = header_of(&path);
    let trigs = trigger::triggers(&h).expect("triggers");
    let oracle = rpm_qf(&path, "[%{TRIGGERNAME}|%{TRIGGERVERSION}|%{TRIGGERFLAGS}|%{TRIGGERINDEX}\n]");
    let ours: String =
        trigs.iter().map(|t| format!("{}|{}|{}|{}\n", t.name, t.evr, t.script_sense_flags(), t.index)).collect();
    assert_eq!(ours, oracle);
    let by_name = |n: &str| trigs.iter().find(|t| t.name == n).unwrap_or_else(|| panic!("trigger {n}"));
    let (foo, bar, baz, qux, quux) = (by_name("foo"), by_name("bar"), by_name("baz"), by_name("qux"), by_name("quux"));
    assert_eq!(
        (foo.kind, bar.kind, baz.kind, qux.kind),
        (Kind::TriggerIn, Kind::TriggerUn, Kind::TriggerPostUn, Kind::TriggerPreIn)
    );
    assert_eq!((foo.sense, foo.evr.as_str()), (RPMSENSE_GREATER | RPMSENSE_EQUAL, "2.0"));
    assert_eq!(baz.script.prog, ["/bin/cat"]);
    assert_eq!(baz.script.body, "");
    assert_eq!(qux.index, quux.index, "one script for `qux = 2.0, quux`");
    assert_eq!(qux.script, quux.script);
    assert_eq!(qux.script.body.trim(), "echo prein");
    // rpmverOverlap: provide `name = evr` against the trigger's range.
    assert!(foo.matches("foo", "2.0-1") && foo.matches("foo", "3-1") && foo.matches("foo", "1:1.0-1"));
    assert!(!foo.matches("foo", "1.9-9") && !foo.matches("fooo", "3-1"));
    assert!(bar.matches("bar", "5.0-1"), "epoch 0 < 1");
    assert!(!bar.matches("bar", "1:1.0-1") && !bar.matches("bar", "2:0.1-1"));
    assert!(qux.matches("qux", "2.0-7"), "no release in the trigger matches any release with EQUAL");
    assert!(!qux.matches("qux", "2.0.1-1") && !qux.matches("qux", "1:2.0-1"));
    assert!(quux.matches("quux", "0.1-1"), "unversioned");

    let ft = trigger::file_triggers(&h).expect("file triggers");
    let kinds: Vec<Kind> = ft.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [Kind::FileTriggerIn, Kind::FileTriggerUn, Kind::TransFileTriggerPostUn]);
    assert_eq!(ft[0].prefixes, ["/a", "/b"]);
    assert_eq!((ft[0].priority, ft[1].priority), (20000, 1000000));
    assert_eq!(ft[2].script.prog, ["<lua>"]);
    assert!(ft[2].script.is_lua());
    // Prefix by prefix, as matchFilesNext feeds them.
    assert_eq!(ft[0].matching(&["/a/1", "/b/1", "/a/2", "/c"]), ["/a/1", "/a/2", "/b/1"]);
    let oracle = rpm_qf(&path, "[%{FILETRIGGERNAME}|%{FILETRIGGERINDEX}\n]");
    let ours: String =
        ft[..2].iter().flat_map(|f| f.prefixes.iter().map(move |p| format!("{p}|{}\n", f.index))).collect();
    assert_eq!(ours, oracle);
}

impl trigger::Trigger {
    /// The TRIGGERFLAGS value this trigger was read from (kind bit + sense).
    fn script_sense_flags(&self) -> u32 {
        let bit = match self.kind {
            Kind::TriggerPreIn => RPMSENSE_TRIGGERPREIN,
            Kind::TriggerIn => RPMSENSE_TRIGGERIN,
            Kind::TriggerUn => RPMSENSE_TRIGGERUN,
            _ => RPMSENSE_TRIGGERPOSTUN,
        };
        bit | self.sense
    }
}

#[test]
fn priority_order_is_rpms() {
    let k = |priority, package, index| TriggerKey { priority, package, index };
    let mut keys = vec![k(10, 1, 0), k(1000000, 2, 1), k(1000000, 2, 0), k(10, 0, 3), k(1000000, 2, 0), k(20000, 9, 0)];
    trigger::sort_and_dedup(&mut keys);
    assert_eq!(keys, [k(1000000, 2, 0), k(1000000, 2, 1), k(20000, 9, 0), k(10, 0, 3), k(10, 1, 0)]);
    assert!(PriorityClass::High.contains(10000) && !PriorityClass::High.contains(9999));
    assert!(PriorityClass::Low.contains(9999) && !PriorityClass::Low.contains(10000));
}

/// A bare header blob from `(tag, value)` entries (no region).
enum V<'a> {
    S(&'a [&'a str]),
    I(&'a [u32]),
}

fn blob(entries: &[(u32, V<'_>)]) -> Header {
    let (mut index, mut data) = (Vec::new(), Vec::new());
    for (tag, v) in entries {
        let (typ, count) = match v {
            V::S(s) => (RPM_STRING_ARRAY_TYPE, s.len()),
            V::I(i) => {
                while data.len() % 4 != 0 {
                    data.push(0);
                }
                (RPM_INT32_TYPE, i.len())
            }
        };
        for x in [*tag, typ, data.len() as u32, count as u32] {
            index.extend_from_slice(&x.to_be_bytes());
        }
        match v {
            V::S(s) => s.iter().for_each(|s| data.extend_from_slice(format!("{s}\0").as_bytes())),
            V::I(i) => i.iter().for_each(|n| data.extend_from_slice(&n.to_be_bytes())),
        }
    }
    let mut b = Vec::new();
    b.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    b.extend_from_slice(&(data.len() as u32).to_be_bytes());
    b.extend(index);
    b.extend(data);
    Header::from_blob(b).expect("test header")
}

#[test]
fn malformed_trigger_headers_are_errors() {
    use V::*;
    let base = |names: &'static [&'static str],
                flags: &'static [u32],
                idx: &'static [u32],
                scripts: &'static [&'static str],
                progs| {
        blob(&[
            (RPMTAG_TRIGGERSCRIPTS, S(scripts)),
            (RPMTAG_TRIGGERNAME, S(names)),
            (RPMTAG_TRIGGERVERSION, S(&["", ""][..names.len().min(2)])),
            (RPMTAG_TRIGGERFLAGS, I(flags)),
            (RPMTAG_TRIGGERINDEX, I(idx)),
            (RPMTAG_TRIGGERSCRIPTPROG, S(progs)),
        ])
    };
    let ok = trigger::triggers(&base(&["a"], &[RPMSENSE_TRIGGERIN], &[0], &["echo"], &["/bin/sh"]))
        .expect("valid control header");
    assert_eq!((ok.len(), ok[0].name.as_str(), ok[0].script.body.as_str()), (1, "a", "echo"));
    let bad = [
        ("flags count", base(&["a", "b"], &[RPMSENSE_TRIGGERIN], &[0, 0], &["echo"], &["/bin/sh"])),
        ("index out of range", base(&["a"], &[RPMSENSE_TRIGGERIN], &[5], &["echo"], &["/bin/sh"])),
        ("progs count", base(&["a"], &[RPMSENSE_TRIGGERIN], &[0], &["echo"], &["/bin/sh", "/bin/sh"])),
        ("no kind bit", base(&["a"], &[RPMSENSE_LESS], &[0], &["echo"], &["/bin/sh"])),
        ("two kind bits", base(&["a"], &[RPMSENSE_TRIGGERIN | RPMSENSE_TRIGGERUN], &[0], &["echo"], &["/bin/sh"])),
    ];
    for (what, h) in bad {
        assert!(trigger::triggers(&h).is_err(), "{what}");
    }
    // File triggers: two prefixes of one script, no priorities tag (0, as rpm).
    let ft = blob(&[
        (RPMTAG_FILETRIGGERSCRIPTS, S(&["cat"])),
        (RPMTAG_FILETRIGGERSCRIPTPROG, S(&["/bin/sh"])),
        (RPMTAG_FILETRIGGERNAME, S(&["/p", "/q"])),
        (RPMTAG_FILETRIGGERINDEX, I(&[0, 0])),
        (RPMTAG_FILETRIGGERFLAGS, I(&[RPMSENSE_TRIGGERUN, RPMSENSE_TRIGGERUN])),
    ]);
    let got = trigger::file_triggers(&ft).expect("file triggers");
    let want = FileTrigger {
        kind: Kind::FileTriggerUn,
        prefixes: vec!["/p".into(), "/q".into()],
        priority: 0,
        index: 0,
        script: got[0].script.clone(),
    };
    assert_eq!(got, [want]);
    let prein = blob(&[
        (RPMTAG_FILETRIGGERSCRIPTS, S(&["cat"])),
        (RPMTAG_FILETRIGGERSCRIPTPROG, S(&["/bin/sh"])),
        (RPMTAG_FILETRIGGERNAME, S(&["/p"])),
        (RPMTAG_FILETRIGGERINDEX, I(&[0])),
        (RPMTAG_FILETRIGGERFLAGS, I(&[RPMSENSE_TRIGGERPREIN])),
    ]);
    assert!(trigger::file_triggers(&prein).is_err(), "there is no %filetriggerprein");
    let names_only =
        blob(&[(RPMTAG_TRANSFILETRIGGERNAME, S(&["/p"])), (RPMTAG_TRANSFILETRIGGERFLAGS, I(&[RPMSENSE_TRIGGERIN]))]);
    assert!(trigger::file_triggers(&names_only).is_err(), "missing index and scripts");
}

// ---- running shell scriptlets ---------------------------------------------------

/// `$1 $2`, cwd, PATH, the rest of the environment, stdin, `$0` (the temp
/// file under `/var/tmp`, gone afterwards), all seen from inside the root.
#[test]
fn shell_scriptlet_sees_rpms_environment() {
    let root = root_with_sh();
    let body = r#"{ echo "args=$1 $2 n=$#"; echo "cwd=$(pwd)"; echo "self=$0"; echo "tmp=$(ls /var/tmp)"
if [ -z "$(cat)" ]; then echo stdin=empty; else echo stdin=data; fi; } > /out
env > /env
"#;
    runner(root.path()).run("p-1-1.noarch", &sh(Kind::Post, body), &[2, 1], None).expect("run");
    let out = read(root.path().join("out"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "args=2 1 n=2");
    assert_eq!(lines[1], "cwd=/");
    let tmp = lines[2].strip_prefix("self=/var/tmp/").expect("$0 under /var/tmp");
    assert!(tmp.starts_with("rpm-tmp.") && tmp.len() == "rpm-tmp.XXXXXX".len(), "{tmp}");
    assert_eq!(lines[3], format!("tmp={tmp}"), "the body file existed while it ran");
    assert_eq!(lines[4], "stdin=empty");
    assert_eq!(var_tmp(root.path()), Vec::<String>::new(), "temp file removed");
    let env = read(root.path().join("env"));
    assert!(env.lines().any(|l| l == "PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/X11R6/bin"), "{env}");
    // The rest of our environment is passed through.
    for (k, v) in std::env::vars().filter(|(k, v)| k != "PATH" && !v.contains('\n') && !k.is_empty()).take(5) {
        assert!(env.lines().any(|l| l == format!("{k}={v}")), "{k} missing from {env}");
    }
    // Negative arguments are "none", as rpm's arg2 = -1.
    runner(root.path()).run("p", &sh(Kind::Pre, r#"echo "$# $1" > /n"#), &[1, -1], None).expect("run");
    assert_eq!(read(root.path().join("n")), "1 1\n");
}

/// spike-alpha's own %post, and its %filetriggerin getting paths on stdin.
#[test]
fn spike_alpha_scripts_run_in_root() {
    let h = header_of(&spike_rpm("spike-alpha-1.0"));
    let root = root_with_sh();
    std::fs::create_dir_all(root.path().join("var/log")).expect("mkdir var/log");
    let r = runner(root.path());
    r.run("spike-alpha-1.0-1.x86_64", &script(&h, Kind::Post).expect("%post"), &[1], None).expect("%post");
    let ft = trigger::file_triggers(&h).expect("file triggers");
    let paths =
        ft[0].matching(&["/usr/share/spike/plugins/one.so", "/usr/bin/alpha", "/usr/share/spike/plugins/two.so"]);
    let input: String = paths.iter().map(|p| format!("{p}\n")).collect();
    r.run("spike-alpha-1.0-1.x86_64", &ft[0].script, &[1, 0], Some(input.as_bytes())).expect("%filetriggerin");
    assert_eq!(
        read(root.path().join("var/log/spike-filetrigger.log")),
        "/usr/share/spike/plugins/one.so\n/usr/share/spike/plugins/two.so\n"
    );
    let log = read(root.path().join("var/log/spike-scriptlets.log"));
    assert_eq!(log, "spike-alpha-1.0-1 post 1\nspike-alpha-1.0-1 filetriggerin 1 0\n");
    assert_eq!(var_tmp(root.path()), Vec::<String>::new());
}

#[test]
fn exit_status_is_reported_and_temp_file_removed() {
    let root = root_with_sh();
    let err = runner(root.path()).run("p-1-1", &sh(Kind::PreUn, "touch /ran; exit 3"), &[0], None).expect_err("exit 3");
    assert!(matches!(err, ScriptError::Failed { status: 3, kind: Kind::PreUn, .. }), "{err:?}");
    assert_eq!(err.to_string(), "p-1-1: %preun scriptlet failed, exit status 3");
    assert!(root.path().join("ran").exists());
    assert_eq!(var_tmp(root.path()), Vec::<String>::new());
}

#[test]
fn missing_interpreter_cannot_run() {
    // /usr/bin/python3 exists on the host, not in the root: the exec is chrooted.
    assert!(Path::new("/usr/bin/python3").exists(), "test needs a host python3");
    let root = root_with_sh();
    let s = Script { kind: Kind::Post, prog: vec!["/usr/bin/python3".into()], body: "print(1)".into(), flags: 0 };
    let err = runner(root.path()).run("p", &s, &[1], None).expect_err("no python in root");
    let ScriptError::CannotRun { why, .. } = &err else { panic!("{err:?}") };
    assert_eq!(why, "execv(/usr/bin/python3) failed: No such file or directory");
    assert_eq!(var_tmp(root.path()), Vec::<String>::new());

    // An empty root: no /bin/sh, no /var/tmp (created, then left empty).
    let empty = tempfile::tempdir().expect("tempdir");
    let err = runner(empty.path()).run("p", &sh(Kind::Pre, "true"), &[1], None).expect_err("no /bin/sh");
    assert!(
        matches!(&err, ScriptError::CannotRun { why, .. } if why == "execv(/bin/sh) failed: No such file or directory"),
        "{err:?}"
    );
    assert_eq!(var_tmp(empty.path()), Vec::<String>::new());
}

#[test]
fn chroot_confines_and_host_root_does_not_chroot() {
    let outside = tempfile::tempdir().expect("tempdir");
    let secret = outside.path().join("secret");
    std::fs::write(&secret, "x").expect("secret");
    let probe = |out: &str| format!("if [ -e {} ]; then echo seen; else echo unseen; fi > {out}", secret.display());
    let root = root_with_sh();
    runner(root.path()).run("p", &sh(Kind::Post, &probe("/seen")), &[1], None).expect("chrooted");
    assert_eq!(read(root.path().join("seen")), "unseen\n");
    // Control: the root "/" runs on the host, where the file is visible.
    let host_out = outside.path().join("seen");
    runner(Path::new("/"))
        .run("p", &sh(Kind::Post, &probe(&host_out.display().to_string())), &[1], None)
        .expect("host");
    assert_eq!(read(&host_out), "seen\n");
}

#[test]
fn interpreter_only_gets_no_arguments() {
    let root = root_with_sh();
    let s = Script { kind: Kind::Post, prog: vec!["/bin/touch".into(), "/made".into()], body: String::new(), flags: 0 };
    runner(root.path()).run("p", &s, &[1, 2], None).expect("touch");
    assert!(root.path().join("made").is_file());
    assert!(!root.path().join("1").exists() && !root.path().join("2").exists(), "rpm appends $1/$2 only with a body");
    // `-p /bin/cat`: stdin data reaches the interpreter itself.
    let cat = Script {
        kind: Kind::FileTriggerIn,
        prog: vec!["/bin/sh".into(), "-c".into(), "cat > /got".into()],
        body: String::new(),
        flags: 0,
    };
    runner(root.path()).run("p", &cat, &[1], Some(b"/a\n/b\n")).expect("cat");
    assert_eq!(read(root.path().join("got")), "/a\n/b\n");
}

#[test]
fn killed_by_signal_is_128_plus_signal() {
    let root = root_with_sh();
    let r = runner(root.path());
    let s = sh(Kind::Post, "echo $$ > /pid; exec sleep 30");
    let started = std::time::Instant::now();
    let worker = std::thread::spawn(move || r.run("p", &s, &[1], None));
    let pid_file = root.path().join("pid");
    let pid = loop {
        if let Some(pid) = std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|s| s.strip_suffix('\n').and_then(|p| p.parse::<i32>().ok()))
        {
            break pid;
        }
        assert!(started.elapsed().as_secs() < 10, "script did not start");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGKILL).expect("kill");
    let err = worker.join().expect("join").expect_err("killed");
    assert!(matches!(err, ScriptError::Failed { status: 137, .. }), "{err:?}");
    assert!(started.elapsed().as_secs() < 25, "did not wait for sleep");
    assert_eq!(var_tmp(root.path()), Vec::<String>::new());
}

#[test]
fn expand_flag_is_refused_not_run_unexpanded() {
    let root = root_with_sh();
    for flag in [RPMSCRIPT_FLAG_EXPAND, RPMSCRIPT_FLAG_QFORMAT] {
        let s = Script { flags: flag, ..sh(Kind::Post, "touch /ran") };
        let err = runner(root.path()).run("p", &s, &[1], None).expect_err("refused");
        assert!(matches!(&err, ScriptError::CannotRun { why, .. } if why.contains("not supported")), "{err:?}");
    }
    assert!(!root.path().join("ran").exists());
    // CRITICAL is only about how a failure is reported: it runs.
    let s = Script { flags: RPMSCRIPT_FLAG_CRITICAL, ..sh(Kind::Pre, "touch /ran") };
    runner(root.path()).run("p", &s, &[1], None).expect("critical runs");
    assert!(root.path().join("ran").exists());
}

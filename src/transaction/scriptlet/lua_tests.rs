//! Lua scriptlet tests: rpm's Lua API against the real rpm 4.18 as oracle
//! (the same scriptlet run by `rpm -i --root` and by us, outputs compared),
//! chroot confinement, exit/errors, output routing, and the Lua scriptlets
//! of the spike repo and of rpm's own test data.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::root::{RootGuard, private_fs};
use crate::rpm::file::RpmFile;
use crate::rpm::tags;
use crate::test_support::{corpus, root_with_sh, rpmbuild, spike_rpm};
use crate::transaction::scriptlet::{Kind, Output, Runner, Script, ScriptError};

fn lua(kind: Kind, body: &str) -> Script {
    Script { kind, prog: vec!["<lua>".to_owned()], body: body.to_owned(), flags: 0 }
}

fn run_in(root: &Path, body: &str, args: &[i64]) -> Result<(), ScriptError> {
    let r = Runner { root: root.to_owned(), output: Output::Inherit };
    r.run("t-1.0-1.noarch", &lua(Kind::Pre, body), args, None)
}

/// The `<lua>` scriptlets of an `.rpm` in rpm's install order, read from
/// the script/prog tags directly (pretrans 1151/1153, pre, post).
fn lua_scripts(rpm: &Path) -> Vec<Script> {
    let h = RpmFile::open(rpm).expect("open rpm").header;
    let kinds = [
        (Kind::PreTrans, PRETRANS, PRETRANSPROG),
        (Kind::Pre, tags::RPMTAG_PREIN, tags::RPMTAG_PREINPROG),
        (Kind::Post, tags::RPMTAG_POSTIN, tags::RPMTAG_POSTINPROG),
    ];
    kinds
        .into_iter()
        .filter_map(|(kind, body, prog)| {
            let prog: Vec<String> = h.string_array(prog).into_iter().map(str::to_owned).collect();
            let body = h.string(body).unwrap_or_default().to_owned();
            (prog.first().map(String::as_str) == Some("<lua>")).then_some(Script { kind, prog, body, flags: 0 })
        })
        .collect()
}

/// `rpm -i --root` of `pkg` (no deps, no signature check); its stdout.
fn rpm_install(root: &Path, pkg: &Path) -> String {
    let out = Command::new("rpm")
        .arg("--root")
        .arg(root)
        .args(["--dbpath", "/var/lib/rpm", "-i", "--nodeps", "--nosignature", "--ignorearch"])
        .arg(pkg)
        .output()
        .expect("run rpm");
    assert!(out.status.success(), "rpm -i {}: {}", pkg.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// RPMTAG_PRETRANS / RPMTAG_PRETRANSPROG (rpm's `rpmtag.h`).
const PRETRANS: u32 = 1151;
const PRETRANSPROG: u32 = 1153;

const BEGIN: &str = "\n@@lua-begin@@\n";
const END: &str = "@@lua-end@@\n";

/// Run, in a child test process (so that its stdout/stderr and any fork
/// are observable and harmless), every Lua scriptlet of `pkg` (or `body`)
/// in `root` with argument 1. Returns (stdout, stderr, results) of the
/// part between the markers.
fn in_child(root: &Path, what: (&str, &str), output: &str) -> (String, String) {
    let exe = std::env::current_exe().expect("current_exe");
    let out = Command::new(exe)
        .args(["--ignored", "--exact", "transaction::scriptlet::lua::lua_tests::child", "--nocapture", "--test-threads=1"])
        .env("LUA_CHILD_ROOT", root)
        .env(what.0, what.1)
        .env("LUA_CHILD_OUTPUT", output)
        .output()
        .expect("spawn child test");
    let cut = |b: &[u8]| {
        let s = String::from_utf8_lossy(b).into_owned();
        let from = s.find(BEGIN).map_or(0, |k| k + BEGIN.len());
        let to = s.rfind(END).unwrap_or(s.len()).max(from);
        s[from..to].to_owned()
    };
    assert!(out.status.success(), "child failed: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (cut(&out.stdout), cut(&out.stderr))
}

#[test]
#[ignore = "helper process of the output tests"]
fn child() {
    let Some(root) = std::env::var_os("LUA_CHILD_ROOT") else { return };
    let output = match std::env::var("LUA_CHILD_OUTPUT").as_deref() {
        Ok("stderr") => Output::StdoutToStderr,
        _ => Output::Inherit,
    };
    let scripts = match (std::env::var_os("LUA_CHILD_RPM"), std::env::var("LUA_CHILD_BODY")) {
        (Some(rpm), _) => lua_scripts(Path::new(&rpm)),
        (None, Ok(body)) => vec![lua(Kind::Post, &body)],
        _ => panic!("LUA_CHILD_RPM or LUA_CHILD_BODY"),
    };
    let r = Runner { root: PathBuf::from(root), output };
    for fd in [&mut std::io::stdout() as &mut dyn Write, &mut std::io::stderr()] {
        fd.write_all(BEGIN.as_bytes()).and_then(|()| fd.flush()).expect("marker");
    }
    for s in &scripts {
        r.run("child-1.0-1.noarch", s, &[1], None).expect("scriptlet");
    }
    for fd in [&mut std::io::stdout() as &mut dyn Write, &mut std::io::stderr()] {
        fd.write_all(END.as_bytes()).and_then(|()| fd.flush()).expect("marker");
    }
}

/// One scriptlet exercising the API; every result goes to `/probe.txt`.
const PROBE: &str = include_str!("lua/lua_probe.lua");

#[test]
fn api_results_match_real_rpm() {
    let _umask = crate::test_support::umask_lock();
    let work = tempfile::tempdir().expect("tempdir");
    let body = PROBE.replace("%", "%%");
    let spec = format!(
        "Name: luaprobe\nVersion: 1.0\nRelease: 1\nSummary: p\nLicense: MIT\nBuildArch: noarch\n\
         %description\np\n%pre -p <lua>\n{body}\n%files\n"
    );
    let pkgs = rpmbuild(work.path(), &[("luaprobe", &spec)]);
    let (theirs, ours) = (root_with_sh(), root_with_sh());
    rpm_install(theirs.path(), &pkgs[0]);
    let scripts = lua_scripts(&pkgs[0]);
    assert_eq!(scripts.len(), 1, "one <lua> %pre");
    let r = Runner { root: ours.path().to_owned(), output: Output::Inherit };
    r.run("luaprobe-1.0-1.noarch", &scripts[0], &[1], None).expect("our run");
    let read = |p: &Path| std::fs::read_to_string(p.join("probe.txt")).expect("probe.txt");
    let (want, got) = (read(theirs.path()), read(ours.path()));
    assert!(want.lines().count() > 40, "rpm ran the whole probe:\n{want}");
    for (w, g) in want.lines().zip(got.lines()) {
        assert_eq!(g, w, "first differing line (rpm vs us)");
    }
    assert_eq!(got, want);
}

#[test]
fn args_are_arg_table_and_varargs_as_rpm_sets_them() {
    let root = tempfile::tempdir().expect("tempdir");
    let body = r#"local a, b = ...
local f = assert(io.open("/args.txt", "w"))
f:write(select('#', ...), " ", tostring(b == arg), " ", type(a), " ", arg[1], " ",
  math.type(arg[2]), " ", arg[2], " ", arg[3], " ", #arg, "\n")
f:close()"#;
    run_in(root.path(), body, &[2, 1]).expect("run");
    let got = std::fs::read_to_string(root.path().join("args.txt")).expect("args.txt");
    assert_eq!(got, "2 true table <lua> integer 2 1 3\n");
}

#[test]
fn chroot_confines_and_we_come_back() {
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("secret"), "x").expect("write");
    let root = tempfile::tempdir().expect("tempdir");
    std::fs::write(root.path().join("inside"), "in").expect("write");
    let cwd = std::env::current_dir().expect("cwd");
    let secret = outside.path().join("secret");
    let body = format!(
        r#"local f = assert(io.open("/result.txt", "w"))
f:write(tostring(posix.stat("{0}")), " ", tostring(io.open("{0}")), " ",
  io.open("/inside"):read("a"), " ", posix.getcwd(), "\n")
f:close()"#,
        secret.display()
    );
    run_in(root.path(), &body, &[1]).expect("run");
    let got = std::fs::read_to_string(root.path().join("result.txt")).expect("result.txt");
    assert_eq!(got, "nil nil in /\n", "the outside file is invisible, cwd is /");
    assert_eq!(std::env::current_dir().expect("cwd"), cwd);
    assert_eq!(std::fs::read_link("/proc/self/root").expect("root"), Path::new("/"));
    assert!(secret.exists(), "and we see the real root again");
    // A failing script too.
    assert!(matches!(run_in(root.path(), "error('boom')", &[1]), Err(ScriptError::Lua { .. })));
    assert_eq!(std::env::current_dir().expect("cwd"), cwd);
}

#[test]
fn guard_restores_the_thread_root_on_leave_and_on_panic() {
    let root = tempfile::tempdir().expect("tempdir");
    std::fs::write(root.path().join("only-in-root"), "").expect("write");
    let r = root.path().to_owned();
    let seen = std::thread::spawn(move || {
        private_fs().expect("unshare(CLONE_FS)");
        let inside = {
            let mut g = RootGuard::enter(&r).expect("enter");
            let inside = Path::new("/only-in-root").exists();
            g.leave().expect("leave");
            inside
        };
        let after_leave = std::fs::read_link("/proc/thread-self/root").expect("root");
        let unwound = std::panic::catch_unwind(|| {
            let _g = RootGuard::enter(&r).expect("enter");
            assert!(Path::new("/only-in-root").exists());
            panic!("scriptlet glue panicked");
        });
        let after_panic = std::fs::read_link("/proc/thread-self/root").expect("root");
        (inside, after_leave, unwound.is_err(), after_panic)
    })
    .join()
    .expect("thread");
    assert_eq!(seen, (true, PathBuf::from("/"), true, PathBuf::from("/")));
}

#[test]
fn os_exit_fails_with_its_status_and_stops_the_script() {
    let root = tempfile::tempdir().expect("tempdir");
    let r = run_in(root.path(), "os.exit(3)\nio.open('/after', 'w'):close()", &[1]);
    assert!(matches!(r, Err(ScriptError::Failed { status: 3, kind: Kind::Pre, .. })), "{r:?}");
    assert!(!root.path().join("after").exists(), "nothing runs after os.exit");
    assert!(run_in(root.path(), "os.exit(0)", &[1]).is_ok());
    assert!(run_in(root.path(), "os.exit()", &[1]).is_ok());
    assert!(matches!(run_in(root.path(), "os.exit(false)", &[1]), Err(ScriptError::Failed { status: 1, .. })));
    // Caught by pcall, the request still stands.
    assert!(matches!(run_in(root.path(), "pcall(os.exit, 4)", &[1]), Err(ScriptError::Failed { status: 4, .. })));
}

#[test]
fn syntax_and_runtime_errors_are_lua_errors() {
    let root = tempfile::tempdir().expect("tempdir");
    match run_in(root.path(), "if then", &[1]) {
        Err(ScriptError::Lua { why, .. }) => {
            assert!(why.starts_with("invalid syntax: [string \"%pre(t-1.0-1.noarch)\"]:1:"), "{why}")
        }
        other => panic!("{other:?}"),
    }
    match run_in(root.path(), "local x = nil\nerror('boom ' .. 42)", &[1]) {
        Err(ScriptError::Lua { why, .. }) => assert_eq!(why, "[string \"%pre(t-1.0-1.noarch)\"]:2: boom 42"),
        other => panic!("{other:?}"),
    }
    match run_in(root.path(), "posix.exec('/bin/true')", &[1]) {
        Err(ScriptError::Lua { why, .. }) => assert_eq!(why, "exec not permitted in this context"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn print_and_io_write_follow_the_output_mode() {
    let root = tempfile::tempdir().expect("tempdir");
    let body = ("LUA_CHILD_BODY", "print('p', 1, nil)\nio.write('w\\n')\nio.stdout:write('s\\n')");
    let (out, err) = in_child(root.path(), body, "inherit");
    assert_eq!((out.as_str(), err.as_str()), ("p\t1\tnil\nw\ns\n", ""));
    let (out, err) = in_child(root.path(), body, "stderr");
    assert_eq!((out.as_str(), err.as_str()), ("", "p\t1\tnil\nw\ns\n"));
    // rpm.execute children follow too.
    let sh = root_with_sh();
    let body = ("LUA_CHILD_BODY", "rpm.execute('/bin/sh', '-c', 'echo from-child')");
    assert_eq!(in_child(sh.path(), body, "stderr"), (String::new(), "from-child\n".to_owned()));
    assert_eq!(in_child(sh.path(), body, "inherit"), ("from-child\n".to_owned(), String::new()));
}

/// Our run of `pkg`'s Lua scriptlets against `rpm -i --root`: the same
/// stdout and the same files written by the scripts (`files`).
fn compare_with_rpm(pkg: &Path, files: &[&str]) {
    let (theirs, ours) = (root_with_sh(), root_with_sh());
    for r in [theirs.path(), ours.path()] {
        std::fs::create_dir_all(r.join("var/log")).expect("mkdir");
    }
    let want = rpm_install(theirs.path(), pkg);
    let rpm = ("LUA_CHILD_RPM", pkg.to_str().expect("utf-8 path"));
    let (got, _) = in_child(ours.path(), rpm, "inherit");
    assert_eq!(got, want, "stdout of {}", pkg.display());
    assert!(!want.is_empty(), "the scripts print something");
    for f in files {
        let read = |r: &Path| std::fs::read_to_string(r.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert_eq!(read(ours.path()), read(theirs.path()), "{f}");
    }
}

#[test]
fn spike_lua_matches_rpm() {
    let pkg = spike_rpm("spike-lua-1.0");
    let kinds: Vec<Kind> = lua_scripts(&pkg).iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [Kind::PreTrans, Kind::Post]);
    compare_with_rpm(&pkg, &["var/log/spike-lua.log"]);
}

#[test]
fn spike_alpha_pretrans_matches_rpm() {
    let pkg = spike_rpm("spike-alpha-1.0");
    let scripts = lua_scripts(&pkg);
    assert_eq!(scripts.len(), 1);
    assert_eq!(scripts[0].kind, Kind::PreTrans);
    let root = tempfile::tempdir().expect("tempdir");
    let (out, _) = in_child(root.path(), ("LUA_CHILD_RPM", pkg.to_str().expect("utf-8")), "inherit");
    assert_eq!(out, "spike-alpha-1.0-1 pretrans (lua)\n");
    let rpm_out = {
        let r = root_with_sh();
        rpm_install(r.path(), &pkg)
    };
    assert_eq!(rpm_out, out);
}

#[test]
fn upstream_luafork_and_mwe_match_rpm() {
    let dir = corpus().join("rpm-upstream-testdata/RPMS");
    for name in ["luafork-1.0-1.noarch.rpm", "luafork-1.0-1-deprecated.noarch.rpm", "mwe-rpm-lua-problem-1.0.0-1.noarch.rpm"] {
        compare_with_rpm(&dir.join(name), &[]);
    }
}

#[test]
fn next_file_hands_out_stdin_lines() {
    let root = tempfile::tempdir().expect("tempdir");
    let r = Runner { root: root.path().to_owned(), output: Output::Inherit };
    let body = r#"local f = assert(io.open("/files.txt", "w"))
for p in rpm.next_file do f:write(p, ";") end
f:close()"#;
    r.run("t", &lua(Kind::FileTriggerIn, body), &[1, 0], Some(b"/usr/a\n/usr/b\n")).expect("run");
    assert_eq!(std::fs::read_to_string(root.path().join("files.txt")).expect("read"), "/usr/a;/usr/b;");
}

#[test]
fn getpid_and_getprocessid_are_our_pid() {
    let root = tempfile::tempdir().expect("tempdir");
    let body = r#"local f = assert(io.open("/pid.txt", "w"))
f:write(string.format("%d %d %d", posix.getpid(), posix.getprocessid("pid"), posix.getprocessid().pid))
f:close()"#;
    run_in(root.path(), body, &[1]).expect("run");
    let pid = std::process::id();
    assert_eq!(std::fs::read_to_string(root.path().join("pid.txt")).expect("read"), format!("{pid} {pid} {pid}"));
}

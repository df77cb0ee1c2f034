//! `-p <lua>` scriptlets in an embedded Lua 5.4 with rpm's Lua API.
//!
//! What rpm 4.18 does (`lib/rpmscript.c` `runLuaScript`, `rpmio/rpmlua.c`
//! `rpmluaRunScript`), and what we do:
//!
//! * The script runs in-process, chrooted into the root (rpm chroots the
//!   whole transaction), with cwd `/`; cwd and umask are restored after.
//!   We run it on a dedicated thread with its own root/cwd/umask
//!   (`unshare(CLONE_FS)`), enter the root with a [`root::RootGuard`] and
//!   leave it again on every path, errors and panics included. So other
//!   threads never see the chroot and nothing leaks into later code.
//! * The body is loaded as `local opt, arg = ...;<body>` under the chunk
//!   name `%pre(<nevra>)` and called with two tables: `opt` (empty) and
//!   `arg` = the interpreter vector followed by the numeric arguments. For
//!   `-p <lua>` that is `{ "<lua>", $1, $2 }`: `arg[1]` is `"<lua>"`,
//!   `$1` is `arg[2]` and `$2` `arg[3]` (integers, as rpm's
//!   `tonumber` prologue makes them), `#arg` is 2 for one argument, and
//!   `...` is `opt, arg`. (Measured with rpm 4.18: see `lua_tests`.)
//! * A syntax or runtime error fails the scriptlet (`ScriptError::Lua`).
//! * `print` writes its arguments, tab-separated, and a newline to
//!   `io.stdout`, like `rpm_print` does to C `stdout`. With
//!   `Output::StdoutToStderr`, `io.stdout` and the default output are
//!   `io.stderr`, and `rpm.execute` / `posix.fork` children get stderr as
//!   stdout. C stdio is flushed after the run.
//! * `os.exit` differs on purpose: rpm 4.18 refuses it outside a
//!   `posix.fork()` child (`exit not permitted in this context`, so the
//!   scriptlet fails whatever the code). We stop the scriptlet: `os.exit(n)`
//!   with n ≠ 0 (or `false`) is `ScriptError::Failed { status: n }`,
//!   `os.exit()` / `os.exit(0)` / `os.exit(true)` is success. In a fork
//!   child it ends the child, as in rpm.
//! * A fresh Lua state per scriptlet: rpm keeps one per transaction, so
//!   globals and `rpm.define`s of one scriptlet are visible to the next
//!   there, not here. `RPM_INSTALL_PREFIX` (relocations) is not set.
//!   The `debug` library is not loaded (mlua's safe set); the rest of the
//!   standard library is.
//!
//! The API tables: [`rpm_api`] (`rpm.*`), [`posix_fs`] and [`posix_proc`]
//! (`posix.*`), [`macros`] behind `rpm.expand`.

mod ctx;
mod macros;
mod mode;
mod posix_fs;
mod posix_proc;
mod root;
mod rpm_api;

#[cfg(test)]
#[path = "lua_tests.rs"]
mod lua_tests;

use std::io::Write;

use mlua::{Lua, MultiValue, Value};

use super::{Output, Runner, Script, ScriptError};
use ctx::{Ctx, with_ctx};

/// How a run ended, before it becomes a [`ScriptError`].
#[derive(Debug)]
enum Outcome {
    Done,
    Exit(i32),
    LuaError(String),
    CannotRun(String),
}

/// `print` in Lua, over the `io.stdout` chosen at set-up.
const PRELUDE: &str = r#"
local out, tostring, select = io.stdout, tostring, select
function print(...)
  for i = 1, select('#', ...) do
    if i > 1 then out:write("\t") end
    out:write(tostring((select(i, ...))))
  end
  out:write("\n")
end
"#;

/// Run Lua scriptlet `s` of package `pkg` (NEVRA) with rpm's numeric
/// arguments; `stdin` (file triggers) is handed out by `rpm.next_file()`.
pub(super) fn run(r: &Runner, pkg: &str, s: &Script, args: &[i64], stdin: Option<&[u8]>) -> Result<(), ScriptError> {
    let name = format!("{}({pkg})", s.kind.tag_name());
    let outcome = std::thread::scope(|sc| {
        let spawned = std::thread::Builder::new()
            .name("lua-scriptlet".to_owned())
            .spawn_scoped(sc, || confined(r, &name, s, args, stdin));
        match spawned {
            Ok(h) => h.join().unwrap_or_else(|p| {
                let why = p.downcast_ref::<&str>().map(|s| (*s).to_owned()).or_else(|| p.downcast_ref::<String>().cloned());
                Outcome::CannotRun(format!("internal error: {}", why.unwrap_or_else(|| "panic".to_owned())))
            }),
            Err(e) => Outcome::CannotRun(format!("cannot start the Lua thread: {e}")),
        }
    });
    let (pkg, kind) = (pkg.to_owned(), s.kind);
    match outcome {
        Outcome::Done | Outcome::Exit(0) => Ok(()),
        Outcome::Exit(status) => Err(ScriptError::Failed { pkg, kind, status }),
        Outcome::LuaError(why) => Err(ScriptError::Lua { pkg, kind, why }),
        Outcome::CannotRun(why) => Err(ScriptError::CannotRun { pkg, kind, why }),
    }
}

/// On the scriptlet thread: confine it to the root, run, come back.
fn confined(r: &Runner, name: &str, s: &Script, args: &[i64], stdin: Option<&[u8]>) -> Outcome {
    // Without a private fs_struct (seccomp may refuse unshare) the chroot
    // is process-wide for the scriptlet's duration, as in rpm.
    let _ = root::private_fs();
    let mut guard = match root::RootGuard::enter(&r.root) {
        Ok(g) => g,
        Err(e) => return Outcome::CannotRun(format!("cannot enter {}: {e}", r.root.display())),
    };
    let outcome = execute(r.output, name, s, args, stdin);
    match guard.leave() {
        Ok(()) => outcome,
        Err(e) => Outcome::CannotRun(format!("unable to restore root and current directory: {e}")),
    }
}

/// Set up a state, run the chunk, and classify the result.
fn execute(output: Output, name: &str, s: &Script, args: &[i64], stdin: Option<&[u8]>) -> Outcome {
    let lua = Lua::new();
    let pid = std::process::id();
    lua.set_app_data(Ctx {
        output,
        pid,
        exit: None,
        macros: macros::Macros::with_builtins(),
        next_files: stdin.map(|b| String::from_utf8_lossy(b).lines().map(str::to_owned).collect()).unwrap_or_default(),
        env: Default::default(),
    });
    if let Err(e) = install(&lua, output) {
        return Outcome::CannotRun(format!("cannot set up Lua: {}", message(&e)));
    }
    let result = call(&lua, name, s, args);
    if std::process::id() != pid {
        // A posix.fork() child came back without exec: end it (rpm does too).
        let _ = writeln!(std::io::stderr(), "error: No exec() called after fork() in lua scriptlet");
        ctx::exit_child(1);
    }
    ctx::flush_stdio();
    if let Some(status) = lua.app_data_ref::<Ctx>().and_then(|c| c.exit) {
        return Outcome::Exit(status);
    }
    match result {
        Ok(()) => Outcome::Done,
        Err(e) => Outcome::LuaError(message(&e)),
    }
}

/// Load `local opt, arg = ...;<body>` and call it with `opt`, `arg`.
fn call(lua: &Lua, name: &str, s: &Script, args: &[i64]) -> mlua::Result<()> {
    let f = lua.load(format!("local opt, arg = ...;{}", s.body)).set_name(name).into_function()?;
    let arg = lua.create_table()?;
    for p in &s.prog {
        arg.push(p.as_str())?;
    }
    for &a in args {
        arg.push(a)?;
    }
    f.call::<MultiValue>((lua.create_table()?, arg)).map(drop)
}

/// The `posix` and `rpm` tables, `os.exit`/`os.getenv`, `print`, and the
/// output redirection.
fn install(lua: &Lua, output: Output) -> mlua::Result<()> {
    let g = lua.globals();
    let loaded: mlua::Table = g.get::<mlua::Table>("package")?.get("loaded")?;
    let posix = lua.create_table()?;
    posix_fs::register(lua, &posix)?;
    posix_proc::register(lua, &posix)?;
    posix.set("redirect2null", lua.create_function(rpm_api::redirect2null)?)?;
    posix.set("version", "posix library for Lua 5.4 / Nov 2003")?;
    g.set("posix", &posix)?;
    loaded.set("posix", posix)?;
    let rpm = rpm_api::table(lua)?;
    g.set("rpm", &rpm)?;
    loaded.set("rpm", rpm)?;
    let os: mlua::Table = g.get("os")?;
    os.set("exit", lua.create_function(os_exit)?)?;
    os.set("getenv", lua.create_function(|lua, n: String| posix_proc::getenv(lua, Some(n)))?)?;
    g.get::<mlua::Table>("package")?.set("path", "/usr/lib/rpm/lua/?.lua")?;
    if output == Output::StdoutToStderr {
        let io: mlua::Table = g.get("io")?;
        let err: Value = io.get("stderr")?;
        io.set("stdout", err.clone())?;
        io.get::<mlua::Function>("output")?.call::<()>(err)?;
    }
    lua.load(PRELUDE).set_name("=rpm").exec()
}

/// `os.exit([code])`; see the module docs.
fn os_exit(lua: &Lua, code: Value) -> mlua::Result<()> {
    let status = match code {
        Value::Nil | Value::Boolean(true) => 0,
        Value::Boolean(false) => 1,
        Value::Integer(n) => n as i32,
        Value::Number(f) => f as i32,
        other => return Err(ctx::arg_error(1, "exit", &format!("number expected, got {}", other.type_name()))),
    };
    if with_ctx(lua, |c| c.forked())? {
        ctx::exit_child(status);
    }
    with_ctx(lua, |c| c.exit = Some(status))?;
    Err(mlua::Error::runtime(format!("os.exit({status})")))
}

/// A Lua error as one line of text, without mlua's traceback.
fn message(e: &mlua::Error) -> String {
    let text = match e {
        mlua::Error::SyntaxError { message, .. } => format!("invalid syntax: {message}"),
        mlua::Error::RuntimeError(m) => m.clone(),
        mlua::Error::CallbackError { cause, .. } => return message(cause),
        other => other.to_string(),
    };
    match text.find("\nstack traceback:") {
        Some(k) => text[..k].to_owned(),
        None => text,
    }
}

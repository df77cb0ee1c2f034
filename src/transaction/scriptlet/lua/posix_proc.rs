//! The process half of the `posix` table (`rpmio/lposix.c`): `fork`,
//! `exec`, `wait`, `kill`, `sleep`, `getprocessid`, `getenv`, `setenv`,
//! `unsetenv`, `putenv`, `errno`, plus `posix.redirect2null` (rpm's
//! `posix_overrides`) and `posix.getpid` (luaposix's name; rpm 4.18 only
//! has `getprocessid("pid")`).
//!
//! rpm rules kept: `exec` is refused outside a `posix.fork()` child (`exec
//! not permitted in this context`), marks descriptors above 2 close-on-exec
//! and searches `PATH`; a fork child that falls off the end of the script
//! without `exec` or `os.exit` is ended with status 1 (`runLuaScript`).
//!
//! The environment differs on purpose: `setenv`/`unsetenv`/`putenv` change
//! an overlay kept with the run (see [`super::ctx::Ctx`]) instead of our
//! process environment, which other threads may be reading. `getenv`,
//! `os.getenv`, `rpm.execute` and `exec` see the overlay, so the scriptlet
//! and its children observe the change; later scriptlets do not (rpm's
//! would, within one `rpm` process).

use std::ffi::CString;

use mlua::{Lua, MultiValue, Table, Value, Variadic};

use super::ctx::{push_error, push_result, set_close_on_exec, with_ctx};
use crate::transaction::scriptlet::Output;

/// `posix.fork()`: the child's pid in the parent, 0 in the child. Like
/// rpm's, it does not flush C stdio first: a child that leaves through
/// `os.exit` flushes what the parent had buffered once more.
fn fork(lua: &Lua, (): ()) -> mlua::Result<MultiValue> {
    let to_stderr = with_ctx(lua, |c| c.output == Output::StdoutToStderr)?;
    // SAFETY: the child continues only this thread's Lua state and either
    // execs or leaves through `_exit` (`exit_child`); glibc makes malloc
    // usable after fork, and no lock of another thread is taken on that path.
    let pid = unsafe { libc::fork() };
    if pid == 0 && to_stderr {
        // SAFETY: dup2 on the standard descriptors in the new child.
        unsafe { libc::dup2(2, 1) };
    }
    push_result(lua, nix::errno::Errno::result(pid), None)
}

/// `posix.exec(path, args...)`.
fn exec(lua: &Lua, (path, args): (String, Variadic<String>)) -> mlua::Result<MultiValue> {
    if !with_ctx(lua, |c| c.forked())? {
        return Err(mlua::Error::runtime("exec not permitted in this context"));
    }
    let envp = with_ctx(lua, |c| c.child_envp())?;
    let argv: Vec<CString> = std::iter::once(&path)
        .chain(args.iter())
        .map(|a| CString::new(a.as_bytes()))
        .collect::<Result<_, _>>()
        .map_err(mlua::Error::external)?;
    let mut argv_p: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    argv_p.push(std::ptr::null());
    let mut envp_p: Vec<*const libc::c_char> = envp.iter().map(|a| a.as_ptr()).collect();
    envp_p.push(std::ptr::null());
    set_close_on_exec();
    // SAFETY: `argv_p` and `envp_p` are NULL-terminated arrays of pointers
    // into `argv` / `envp`, which outlive the call; execvpe returns only on
    // failure.
    unsafe { libc::execvpe(argv_p[0], argv_p.as_ptr(), envp_p.as_ptr()) };
    let code = std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO);
    push_error(lua, Some(&path), code)
}

/// `posix.wait([pid])`: the pid waited for.
fn wait(lua: &Lua, pid: Option<i32>) -> mlua::Result<MultiValue> {
    let pid = pid.unwrap_or(-1);
    // SAFETY: waitpid with a NULL status pointer is allowed.
    let r = unsafe { libc::waitpid(pid, std::ptr::null_mut(), 0) };
    push_result(lua, nix::errno::Errno::result(r), None)
}

/// `posix.kill(pid [, sig])` (default `SIGTERM`).
fn kill(lua: &Lua, (pid, sig): (i32, Option<i32>)) -> mlua::Result<MultiValue> {
    // SAFETY: kill(2) on integers.
    let r = unsafe { libc::kill(pid, sig.unwrap_or(libc::SIGTERM)) };
    push_result(lua, nix::errno::Errno::result(r), None)
}

const PROCESS_IDS: [&str; 7] = ["egid", "euid", "gid", "uid", "pgrp", "pid", "ppid"];

fn process_id(which: &str) -> f64 {
    use nix::unistd;
    f64::from(match which {
        "egid" => unistd::getegid().as_raw(),
        "euid" => unistd::geteuid().as_raw(),
        "gid" => unistd::getgid().as_raw(),
        "uid" => unistd::getuid().as_raw(),
        "pgrp" => unistd::getpgrp().as_raw() as u32,
        "ppid" => unistd::getppid().as_raw() as u32,
        _ => std::process::id(),
    })
}

/// `posix.getprocessid([selector])`.
fn getprocessid(lua: &Lua, sel: Option<String>) -> mlua::Result<Value> {
    match sel {
        Some(s) if PROCESS_IDS.contains(&s.as_str()) => Ok(Value::Number(process_id(&s))),
        Some(s) => Err(super::ctx::arg_error(1, "getprocessid", &format!("invalid option '{s}'"))),
        None => {
            let t = lua.create_table()?;
            for k in PROCESS_IDS {
                t.set(k, process_id(k))?;
            }
            Ok(Value::Table(t))
        }
    }
}

/// `posix.getenv([name])` / `os.getenv(name)`; without a name a table of
/// the whole environment.
pub(crate) fn getenv(lua: &Lua, name: Option<String>) -> mlua::Result<Value> {
    match name {
        Some(n) => match with_ctx(lua, |c| c.getenv(&n))? {
            Some(v) => Ok(Value::String(lua.create_string(v.as_encoded_bytes())?)),
            None => Ok(Value::Nil),
        },
        None => {
            let t = lua.create_table()?;
            for (k, v) in with_ctx(lua, |c| c.child_env())? {
                t.set(lua.create_string(k.as_encoded_bytes())?, lua.create_string(v.as_encoded_bytes())?)?;
            }
            Ok(Value::Table(t))
        }
    }
}

/// `posix.setenv(name, value [, overwrite])`.
fn setenv(lua: &Lua, (name, value, over): (String, String, Option<bool>)) -> mlua::Result<MultiValue> {
    if name.is_empty() || name.contains('=') {
        return push_error(lua, Some(&name), libc::EINVAL);
    }
    with_ctx(lua, |c| {
        if over.unwrap_or(true) || c.getenv(&name).is_none() {
            c.env.insert(name.into(), Some(value.into()));
        }
    })?;
    Ok(MultiValue::from_vec(vec![Value::Number(0.0)]))
}

/// Register the process functions into `t`.
pub(crate) fn register(lua: &Lua, t: &Table) -> mlua::Result<()> {
    t.set("fork", lua.create_function(fork)?)?;
    t.set("exec", lua.create_function(exec)?)?;
    t.set("wait", lua.create_function(wait)?)?;
    t.set("kill", lua.create_function(kill)?)?;
    t.set("getprocessid", lua.create_function(getprocessid)?)?;
    t.set("getpid", lua.create_function(|_, ()| Ok(process_id("pid")))?)?;
    t.set("getenv", lua.create_function(getenv)?)?;
    t.set("setenv", lua.create_function(setenv)?)?;
    t.set(
        "unsetenv",
        lua.create_function(|lua, name: String| with_ctx(lua, |c| drop(c.env.insert(name.into(), None))))?,
    )?;
    t.set(
        "putenv",
        lua.create_function(|lua, s: String| match s.split_once('=') {
            Some((k, v)) => setenv(lua, (k.to_owned(), v.to_owned(), Some(true))),
            None => push_error(lua, Some(&s), libc::EINVAL),
        })?,
    )?;
    t.set(
        "sleep",
        lua.create_function(|_, secs: u32| {
            // SAFETY: sleep(3) on an integer.
            Ok(f64::from(unsafe { libc::sleep(secs) }))
        })?,
    )?;
    t.set(
        "errno",
        lua.create_function(|_, ()| {
            let code = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
            Ok((super::ctx::strerror(code), f64::from(code)))
        })?,
    )?;
    Ok(())
}

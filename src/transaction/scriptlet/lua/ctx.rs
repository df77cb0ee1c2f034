//! Per-run state shared by the Lua API functions, and the result
//! conventions of rpm's C functions (`pushresult` / `pusherror` of
//! `rpmio/lposix.c` and `rpmio/rpmlua.c`).

use std::collections::{BTreeMap, VecDeque};
use std::ffi::{CString, OsString};
use std::os::unix::ffi::OsStrExt;

use mlua::{Lua, MultiValue, Value};

use super::macros::Macros;
use crate::transaction::scriptlet::Output;

/// What one scriptlet run shares between its Lua functions (Lua app data).
#[derive(Debug)]
pub(crate) struct Ctx {
    /// Where the scriptlet's stdout goes.
    pub(crate) output: Output,
    /// Our pid when the run started: another pid means we are in a
    /// `posix.fork()` child (rpm's `_rpmlua_have_forked`).
    pub(crate) pid: u32,
    /// `os.exit(n)` was called outside a forked child.
    pub(crate) exit: Option<i32>,
    /// The macro context of `rpm.expand` / `rpm.define`.
    pub(crate) macros: Macros,
    /// The lines `rpm.next_file()` still has to hand out (file triggers).
    pub(crate) next_files: VecDeque<String>,
    /// `posix.setenv` / `posix.unsetenv` changes (`None`: unset), applied to
    /// children and to `posix.getenv` / `os.getenv`; see the module docs.
    pub(crate) env: BTreeMap<OsString, Option<OsString>>,
}

impl Ctx {
    /// Whether we are in a child made by `posix.fork()`.
    pub(crate) fn forked(&self) -> bool {
        std::process::id() != self.pid
    }

    /// `getenv(name)` through the overlay.
    pub(crate) fn getenv(&self, name: &str) -> Option<OsString> {
        match self.env.get(std::ffi::OsStr::new(name)) {
            Some(v) => v.clone(),
            None => std::env::var_os(name),
        }
    }

    /// The environment children get: ours with the overlay applied.
    pub(crate) fn child_env(&self) -> Vec<(OsString, OsString)> {
        let mut all: BTreeMap<OsString, OsString> = std::env::vars_os().collect();
        for (k, v) in &self.env {
            match v {
                Some(v) => all.insert(k.clone(), v.clone()),
                None => all.remove(k),
            };
        }
        all.into_iter().collect()
    }

    /// [`Ctx::child_env`] as `NAME=value` C strings (for `execve`).
    pub(crate) fn child_envp(&self) -> Vec<CString> {
        self.child_env()
            .into_iter()
            .filter_map(|(k, v)| {
                let mut b = k.as_bytes().to_vec();
                b.push(b'=');
                b.extend_from_slice(v.as_bytes());
                CString::new(b).ok()
            })
            .collect()
    }
}

/// Run `f` on the run's [`Ctx`].
pub(crate) fn with_ctx<T>(lua: &Lua, f: impl FnOnce(&mut Ctx) -> T) -> mlua::Result<T> {
    let mut ctx = lua
        .app_data_mut::<Ctx>()
        .ok_or_else(|| mlua::Error::runtime("rpm lua: no scriptlet context"))?;
    Ok(f(&mut ctx))
}

/// glibc's `strerror(code)` text ("No such file or directory", "Unknown
/// error 256").
pub(crate) fn strerror(code: i32) -> String {
    let full = std::io::Error::from_raw_os_error(code).to_string();
    match full.rfind(" (os error ") {
        Some(k) => full[..k].to_owned(),
        None => full,
    }
}

/// `pusherror`: `nil, "<info>: <strerror>", errno` (errno as a float, as
/// rpm's `lua_pushnumber` gives it).
pub(crate) fn push_error(lua: &Lua, info: Option<&str>, code: i32) -> mlua::Result<MultiValue> {
    let msg = match info {
        Some(i) => format!("{i}: {}", strerror(code)),
        None => strerror(code),
    };
    Ok(MultiValue::from_vec(vec![
        Value::Nil,
        Value::String(lua.create_string(msg)?),
        Value::Number(f64::from(code)),
    ]))
}

/// lposix's `pushresult`: the number on success, [`push_error`] with the
/// current errno on failure.
pub(crate) fn push_result<T: Into<f64>>(lua: &Lua, r: nix::Result<T>, info: Option<&str>) -> mlua::Result<MultiValue> {
    match r {
        Ok(v) => Ok(MultiValue::from_vec(vec![Value::Number(v.into())])),
        Err(e) => push_error(lua, info, e as i32),
    }
}

/// Mark every descriptor above stderr close-on-exec (`rpmSetCloseOnExec`).
pub(crate) fn set_close_on_exec() {
    // SAFETY: close_range only changes descriptor flags; no memory involved.
    // It is async-signal-safe, so it may also run between fork and exec.
    let _ = unsafe { libc::close_range(3, u32::MAX, libc::CLOSE_RANGE_CLOEXEC as libc::c_int) };
}

/// Flush C stdio (Lua's `io` library buffers in it), as `exit()` would.
pub(crate) fn flush_stdio() {
    // SAFETY: fflush(NULL) flushes all open C streams; no pointers of ours.
    unsafe { libc::fflush(std::ptr::null_mut()) };
}

/// Leave a forked child now with `status`, flushing C stdio first (rpm's
/// `exit()` in the child; `_exit` so that no Rust or test-harness state of
/// the parent runs twice).
pub(crate) fn exit_child(status: i32) -> ! {
    flush_stdio();
    // SAFETY: _exit ends the process immediately; nothing runs afterwards.
    unsafe { libc::_exit(status) }
}

/// The errno of an I/O error (`EIO` when it has none).
pub(crate) fn errno_of(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(libc::EIO)
}

/// [`push_result`] for an `io::Result<()>`: `0` or the error triple.
pub(crate) fn push_unit(lua: &Lua, r: std::io::Result<()>, info: Option<&str>) -> mlua::Result<MultiValue> {
    match r {
        Ok(()) => Ok(MultiValue::from_vec(vec![Value::Number(0.0)])),
        Err(e) => push_error(lua, info, errno_of(&e)),
    }
}

/// luaL_argerror's message.
pub(crate) fn arg_error(n: usize, func: &str, msg: &str) -> mlua::Error {
    mlua::Error::runtime(format!("bad argument #{n} to '{func}' ({msg})"))
}

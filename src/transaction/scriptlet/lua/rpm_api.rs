//! The `rpm` table of rpm 4.18's Lua (`rpmio/rpmlua.c`, `rpmlib[]`), the
//! part scriptlets use:
//!
//! * `rpm.expand(s)`, `rpm.define("name body")`, `rpm.undefine(name)`,
//!   `rpm.isdefined(name)` → `defined, parametric`: see [`super::macros`].
//! * `rpm.vercmp(a, b)` → integer -1/0/1 and `rpm.ver(evr)` /
//!   `rpm.ver(e, v, r)` → a version object with `.e .v .r` (strings; `.e`
//!   and `.r` nil when absent), `tostring`, `==`, `<`, `<=`. Both use
//!   `rpmverCmp` (`rpmio/rpmver.c`): a missing epoch is `0`, a missing
//!   release sorts before any release (so `vercmp("1.0", "1.0-1")` is -1).
//!   `rpm.ver("")` returns nothing, as rpm does.
//! * `rpm.execute(path, args...)`: spawn (PATH search) and wait; `0` on exit
//!   status 0, else `nil, strerror(status), status` with the raw wait status
//!   (rpm's `pushresult`: exit 1 gives `nil, "Unknown error 256", 256`); a
//!   spawn failure gives `nil, "posix_spawnp: <strerror>", errno`.
//! * `rpm.redirect2null(fd)`: only in a `posix.fork()` child (else the Lua
//!   error `redirect2null not permitted in this context`). rpm returns its
//!   `dup2` result through `pushresult`, so success reads as a failure
//!   (`nil, strerror(fd), fd`); we return `0` on success instead.
//! * `rpm.next_file()`: for file triggers, the next matching path or nil.
//!
//! Not provided: `b64encode`/`b64decode`, `load`, `register`/`call`,
//! `interactive`, `open`, `splitargs`, `macros`.

use std::cmp::Ordering;
use std::os::fd::{AsFd, AsRawFd, IntoRawFd};
use std::os::unix::process::ExitStatusExt;

use mlua::{Lua, MetaMethod, MultiValue, Table, UserData, UserDataMethods, UserDataRef, Value, Variadic};
use repodata::evr::rpmvercmp;

use super::ctx::{push_error, set_close_on_exec, with_ctx};
use crate::transaction::scriptlet::Output;

/// An `rpm.ver` object (`struct rpmver_s`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ver {
    e: Option<String>,
    v: String,
    r: Option<String>,
}

impl Ver {
    /// `rpmverParse` (`parseEVR`): `None` for an empty string.
    pub(crate) fn parse(evr: &str) -> Option<Ver> {
        if evr.is_empty() {
            return None;
        }
        let digits = evr.bytes().take_while(u8::is_ascii_digit).count();
        let (e, rest) = match evr[digits..].strip_prefix(':') {
            Some(rest) => (Some(if digits == 0 { "0".to_owned() } else { evr[..digits].to_owned() }), rest),
            None => (None, evr),
        };
        let (v, r) = match rest.rfind('-') {
            Some(k) => (rest[..k].to_owned(), Some(rest[k + 1..].to_owned())),
            None => (rest.to_owned(), None),
        };
        Some(Ver { e, v, r })
    }

    /// `rpmverCmp`.
    pub(crate) fn cmp_rpm(&self, o: &Ver) -> Ordering {
        fn values(a: Option<&str>, b: Option<&str>) -> Ordering {
            match (a, b) {
                (None, None) => Ordering::Equal,
                (Some(_), None) => Ordering::Greater,
                (None, Some(_)) => Ordering::Less,
                (Some(a), Some(b)) => rpmvercmp(a, b),
            }
        }
        values(Some(self.e.as_deref().unwrap_or("0")), Some(o.e.as_deref().unwrap_or("0")))
            .then_with(|| rpmvercmp(&self.v, &o.v))
            .then_with(|| values(self.r.as_deref(), o.r.as_deref()))
    }

    /// `rpmverEVR`.
    fn evr(&self) -> String {
        let mut s = String::new();
        if let Some(e) = &self.e {
            s.push_str(e);
            s.push(':');
        }
        s.push_str(&self.v);
        if let Some(r) = &self.r {
            s.push('-');
            s.push_str(r);
        }
        s
    }
}

impl UserData for Ver {
    fn add_methods<M: UserDataMethods<Self>>(m: &mut M) {
        m.add_meta_method(MetaMethod::Index, |_, this, key: String| match key.as_str() {
            "e" => Ok(this.e.clone()),
            "v" => Ok(Some(this.v.clone())),
            "r" => Ok(this.r.clone()),
            _ => Err(mlua::Error::runtime(format!("invalid attribute: {key}"))),
        });
        m.add_meta_method(MetaMethod::ToString, |_, this, ()| Ok(this.evr()));
        m.add_meta_function(MetaMethod::Eq, |_, (a, b): (UserDataRef<Ver>, UserDataRef<Ver>)| {
            Ok(a.cmp_rpm(&b) == Ordering::Equal)
        });
        m.add_meta_function(MetaMethod::Lt, |_, (a, b): (UserDataRef<Ver>, UserDataRef<Ver>)| {
            Ok(a.cmp_rpm(&b) == Ordering::Less)
        });
        m.add_meta_function(MetaMethod::Le, |_, (a, b): (UserDataRef<Ver>, UserDataRef<Ver>)| {
            Ok(a.cmp_rpm(&b) != Ordering::Greater)
        });
    }
}

fn ordering_int(o: Ordering) -> i64 {
    match o {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

/// Build the `rpm` table.
pub(crate) fn table(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    t.set(
        "expand",
        lua.create_function(|lua, s: String| {
            with_ctx(lua, |c| c.macros.expand(&s))?.map_err(|e| mlua::Error::runtime(format!("error expanding macro: {e}")))
        })?,
    )?;
    t.set(
        "define",
        lua.create_function(|lua, s: String| {
            with_ctx(lua, |c| c.macros.define(&s))?.map_err(|e| mlua::Error::runtime(format!("error defining macro: {e}")))
        })?,
    )?;
    t.set("undefine", lua.create_function(|lua, s: String| with_ctx(lua, |c| c.macros.undefine(&s)))?)?;
    t.set(
        "isdefined",
        lua.create_function(|lua, s: String| {
            let d = with_ctx(lua, |c| c.macros.is_defined(&s))?;
            Ok((d.is_some(), d.unwrap_or(false)))
        })?,
    )?;
    t.set(
        "vercmp",
        lua.create_function(|_, (a, b): (String, String)| {
            let va = Ver::parse(&a).ok_or_else(|| mlua::Error::runtime("bad argument #1 to 'vercmp' (invalid version )"))?;
            let vb = Ver::parse(&b).ok_or_else(|| mlua::Error::runtime("bad argument #2 to 'vercmp' (invalid version )"))?;
            Ok(ordering_int(va.cmp_rpm(&vb)))
        })?,
    )?;
    t.set("ver", lua.create_function(ver_new)?)?;
    t.set("execute", lua.create_function(execute)?)?;
    t.set("redirect2null", lua.create_function(redirect2null)?)?;
    t.set(
        "next_file",
        lua.create_function(|lua, ()| with_ctx(lua, |c| c.next_files.pop_front()))?,
    )?;
    Ok(t)
}

/// `rpm.ver(evr)` or `rpm.ver(e, v, r)`.
fn ver_new(lua: &Lua, args: Variadic<Value>) -> mlua::Result<MultiValue> {
    let text = |v: &Value| -> mlua::Result<Option<String>> {
        Ok(lua.coerce_string(v.clone())?.map(|s| s.to_string_lossy()))
    };
    let ver = match args.as_slice() {
        [evr] => text(evr)?.and_then(|s| Ver::parse(&s)),
        [e, v, r] => match text(v)? {
            Some(v) if !v.is_empty() => Some(Ver { e: text(e)?, v, r: text(r)? }),
            _ => None,
        },
        other => return Err(mlua::Error::runtime(format!("invalid number of arguments: {}", other.len()))),
    };
    match ver {
        Some(v) => Ok(MultiValue::from_vec(vec![Value::UserData(lua.create_userdata(v)?)])),
        None => Ok(MultiValue::new()),
    }
}

/// `rpm.execute(path, args...)`.
fn execute(lua: &Lua, (file, args): (String, Variadic<String>)) -> mlua::Result<MultiValue> {
    let (env, output) = with_ctx(lua, |c| (c.child_env(), c.output))?;
    let mut cmd = std::process::Command::new(&file);
    cmd.args(args.iter()).env_clear().envs(env);
    if output == Output::StdoutToStderr
        && let Ok(fd) = std::io::stderr().as_fd().try_clone_to_owned()
    {
        cmd.stdout(fd);
    }
    // SAFETY: the closure only calls close_range (async-signal-safe) in the
    // child between fork and exec.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
            set_close_on_exec();
            Ok(())
        });
    }
    match cmd.status() {
        Err(e) => push_error(lua, Some("posix_spawnp"), e.raw_os_error().unwrap_or(libc::EIO)),
        Ok(st) if st.into_raw() == 0 => Ok(MultiValue::from_vec(vec![Value::Number(0.0)])),
        Ok(st) => push_error(lua, None, st.into_raw()),
    }
}

/// `rpm.redirect2null(fd)` (also `posix.redirect2null`).
pub(crate) fn redirect2null(lua: &Lua, target: i32) -> mlua::Result<MultiValue> {
    if !with_ctx(lua, |c| c.forked())? {
        return Err(mlua::Error::runtime("redirect2null not permitted in this context"));
    }
    let null = match std::fs::OpenOptions::new().write(true).open("/dev/null") {
        Ok(f) => f,
        Err(e) => return push_error(lua, None, e.raw_os_error().unwrap_or(libc::EIO)),
    };
    if null.as_raw_fd() == target {
        // It landed on the target itself: keep it open there.
        let _ = null.into_raw_fd();
        return Ok(MultiValue::from_vec(vec![Value::Number(0.0)]));
    }
    // SAFETY: dup2 on two integers; `null` stays open until after the call.
    let r = unsafe { libc::dup2(null.as_raw_fd(), target) };
    if r < 0 {
        let code = std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO);
        return push_error(lua, None, code);
    }
    Ok(MultiValue::from_vec(vec![Value::Number(0.0)]))
}

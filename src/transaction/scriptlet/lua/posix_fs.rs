//! The file-system half of the `posix` table (`rpmio/lposix.c`): `stat`,
//! `access`, `mkdir`, `rmdir`, `unlink`, `link`, `symlink`, `readlink`,
//! `mkfifo`, `chmod`, `chown`, `utime`, `dir`, `files`, `chdir`, `getcwd`,
//! `umask`.
//!
//! lposix conventions kept: success is the number `0` (a float, as
//! `lua_pushnumber` gives it), failure `nil, "<path>: <strerror>", errno`
//! (`link`/`symlink` without the path prefix). `stat` uses `lstat` and gives
//! a table `mode` (`rwxr-xr-x`), `ino`, `dev`, `nlink`, `uid`, `gid`,
//! `size`, `atime`, `mtime`, `ctime`, `type` (`regular`, `directory`,
//! `link`, `character device`, `block device`, `fifo`, `socket`) and
//! `_mode` (the numeric `st_mode`), or one field with a selector.
//! `mkdir`/`mkfifo` use mode 0777 (the umask applies). `chown` takes
//! numbers or names, looked up in the root's `/etc/passwd` and `/etc/group`
//! (rpm calls `getpwnam` inside the chroot); an unknown name or a missing
//! argument is -1, "unchanged".

use std::ffi::CString;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};

use mlua::{Lua, MultiValue, Table, Value};

use super::ctx::{arg_error, errno_of, push_error, push_unit};
use super::mode;

const STAT_FIELDS: [&str; 12] = ["mode", "ino", "dev", "nlink", "uid", "gid", "size", "atime", "mtime", "ctime", "type", "_mode"];

fn filetype(ft: std::fs::FileType) -> &'static str {
    if ft.is_file() {
        "regular"
    } else if ft.is_symlink() {
        "link"
    } else if ft.is_dir() {
        "directory"
    } else if ft.is_char_device() {
        "character device"
    } else if ft.is_block_device() {
        "block device"
    } else if ft.is_fifo() {
        "fifo"
    } else if ft.is_socket() {
        "socket"
    } else {
        "?"
    }
}

fn stat_field(lua: &Lua, m: &std::fs::Metadata, field: &str) -> mlua::Result<Value> {
    let n = |x: f64| Ok(Value::Number(x));
    match field {
        "mode" => Ok(Value::String(lua.create_string(mode::chop(m.mode()))?)),
        "ino" => n(m.ino() as f64),
        "dev" => n(m.dev() as f64),
        "nlink" => n(m.nlink() as f64),
        "uid" => n(f64::from(m.uid())),
        "gid" => n(f64::from(m.gid())),
        "size" => n(m.size() as f64),
        "atime" => n(m.atime() as f64),
        "mtime" => n(m.mtime() as f64),
        "ctime" => n(m.ctime() as f64),
        "type" => Ok(Value::String(lua.create_string(filetype(m.file_type()))?)),
        _ => n(f64::from(m.mode())),
    }
}

/// `posix.stat(path [, selector])`.
fn stat(lua: &Lua, (path, sel): (String, Option<String>)) -> mlua::Result<MultiValue> {
    let m = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) => return push_error(lua, Some(&path), errno_of(&e)),
    };
    let v = match sel {
        Some(s) if STAT_FIELDS.contains(&s.as_str()) => stat_field(lua, &m, &s)?,
        Some(s) => return Err(arg_error(2, "stat", &format!("invalid option '{s}'"))),
        None => {
            let t = lua.create_table()?;
            for f in STAT_FIELDS {
                t.set(f, stat_field(lua, &m, f)?)?;
            }
            Value::Table(t)
        }
    };
    Ok(MultiValue::from_vec(vec![v]))
}

/// `posix.access(path [, "rwxf"])`.
fn access(lua: &Lua, (path, how): (String, Option<String>)) -> mlua::Result<MultiValue> {
    use nix::unistd::AccessFlags;
    let mut flags = AccessFlags::F_OK;
    for c in how.as_deref().unwrap_or("f").chars() {
        match c {
            ' ' | 'f' => {}
            'r' => flags |= AccessFlags::R_OK,
            'w' => flags |= AccessFlags::W_OK,
            'x' => flags |= AccessFlags::X_OK,
            _ => return Err(arg_error(2, "access", &format!("unknown mode option `{c}'"))),
        }
    }
    push_unit(lua, nix::unistd::access(path.as_str(), flags).map_err(std::io::Error::from), Some(&path))
}

/// An id argument of `chown`: a number, a name looked up in `db`, or -1.
fn id_arg(v: &Value, db: &str, n: usize) -> mlua::Result<u32> {
    match v {
        Value::Nil => Ok(u32::MAX),
        Value::Integer(i) => Ok(*i as u32),
        Value::Number(f) => Ok(*f as u32),
        Value::String(s) => {
            let name = s.to_string_lossy();
            if let Ok(num) = name.trim().parse::<u32>() {
                return Ok(num);
            }
            let text = std::fs::read_to_string(db).unwrap_or_default();
            let id = text.lines().find_map(|l| {
                let mut f = l.split(':');
                (f.next() == Some(name.as_str())).then(|| f.nth(1).and_then(|x| x.parse().ok())).flatten()
            });
            Ok(id.unwrap_or(u32::MAX))
        }
        _ => Err(arg_error(n, "chown", &format!("string or number expected, got {}", v.type_name()))),
    }
}

/// `posix.chown(path, uid, gid)`.
fn chown(lua: &Lua, (path, u, g): (String, Value, Value)) -> mlua::Result<MultiValue> {
    let uid = id_arg(&u, "/etc/passwd", 2)?;
    let gid = id_arg(&g, "/etc/group", 3)?;
    let cpath = CString::new(path.as_bytes()).map_err(mlua::Error::external)?;
    // SAFETY: `cpath` is a valid NUL-terminated string for the call.
    let rc = unsafe { libc::chown(cpath.as_ptr(), uid, gid) };
    let r = if rc == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) };
    push_unit(lua, r, Some(&path))
}

/// `posix.chmod(path, mode)`.
fn chmod(lua: &Lua, (path, spec): (String, String)) -> mlua::Result<MultiValue> {
    let m = match std::fs::metadata(&path) {
        Ok(m) => m.mode(),
        Err(e) => return push_error(lua, Some(&path), errno_of(&e)),
    };
    let new = mode::munch(m, &spec).ok_or_else(|| arg_error(2, "chmod", "bad mode"))?;
    push_unit(lua, std::fs::set_permissions(&path, std::fs::Permissions::from_mode(new)), Some(&path))
}

/// `posix.utime(path [, mtime [, atime]])`, both defaulting to now.
fn utime(lua: &Lua, (path, mtime, atime): (String, Option<f64>, Option<f64>)) -> mlua::Result<MultiValue> {
    use nix::sys::time::TimeVal;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let tv = |x: Option<f64>| TimeVal::new(x.map_or(now, |f| f as i64), 0);
    let r = nix::sys::stat::utimes(path.as_str(), &tv(atime), &tv(mtime)).map_err(std::io::Error::from);
    push_unit(lua, r, Some(&path))
}

/// The names in `path` in `readdir` order, `.` and `..` included.
fn read_names(path: &str) -> std::io::Result<Vec<String>> {
    let c = CString::new(path.as_bytes()).map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: `c` is a valid C string; the DIR pointer is checked below.
    let d = unsafe { libc::opendir(c.as_ptr()) };
    if d.is_null() {
        return Err(std::io::Error::last_os_error());
    }
    let mut names = Vec::new();
    loop {
        // SAFETY: `d` is an open DIR* that only this loop uses.
        let e = unsafe { libc::readdir(d) };
        if e.is_null() {
            break;
        }
        // SAFETY: readdir returned a valid dirent whose d_name is NUL-terminated;
        // it stays valid until the next readdir on `d`, and we copy it now.
        let name = unsafe { std::ffi::CStr::from_ptr((*e).d_name.as_ptr()) };
        names.push(name.to_string_lossy().into_owned());
    }
    // SAFETY: `d` is open and not used after this.
    unsafe { libc::closedir(d) };
    Ok(names)
}

/// `posix.dir([path])`.
fn dir(lua: &Lua, path: Option<String>) -> mlua::Result<MultiValue> {
    let path = path.unwrap_or_else(|| ".".to_owned());
    match read_names(&path) {
        Ok(n) => Ok(MultiValue::from_vec(vec![Value::Table(lua.create_sequence_from(n)?)])),
        Err(e) => push_error(lua, Some(&path), errno_of(&e)),
    }
}

/// `posix.files([path])`: an iterator over the names.
fn files(lua: &Lua, path: Option<String>) -> mlua::Result<MultiValue> {
    let path = path.unwrap_or_else(|| ".".to_owned());
    match read_names(&path) {
        Ok(n) => {
            let mut it = n.into_iter();
            let f = lua.create_function_mut(move |_, ()| Ok(it.next()))?;
            Ok(MultiValue::from_vec(vec![Value::Function(f)]))
        }
        Err(e) => push_error(lua, Some(&path), errno_of(&e)),
    }
}

/// `posix.umask([mode])`: the current (or new) umask as `rwx` of the
/// permitted bits.
fn umask(_: &Lua, spec: Option<String>) -> mlua::Result<Option<String>> {
    use nix::sys::stat::{Mode, umask};
    let old = umask(Mode::empty());
    umask(old);
    let mut allowed = !old.bits() & 0o777;
    if let Some(s) = spec {
        let Some(m) = mode::munch(allowed, &s) else { return Ok(None) };
        allowed = m & 0o777;
        umask(Mode::from_bits_truncate(!allowed & 0o777));
    }
    Ok(Some(mode::chop(allowed)))
}

/// Register the file-system functions into `t`.
pub(crate) fn register(lua: &Lua, t: &Table) -> mlua::Result<()> {
    t.set("stat", lua.create_function(stat)?)?;
    t.set("access", lua.create_function(access)?)?;
    t.set("chown", lua.create_function(chown)?)?;
    t.set("chmod", lua.create_function(chmod)?)?;
    t.set("utime", lua.create_function(utime)?)?;
    t.set("dir", lua.create_function(dir)?)?;
    t.set("files", lua.create_function(files)?)?;
    t.set("umask", lua.create_function(umask)?)?;
    t.set(
        "mkdir",
        lua.create_function(|lua, p: String| {
            let r = nix::unistd::mkdir(p.as_str(), nix::sys::stat::Mode::from_bits_truncate(0o777));
            push_unit(lua, r.map_err(std::io::Error::from), Some(&p))
        })?,
    )?;
    t.set(
        "mkfifo",
        lua.create_function(|lua, p: String| {
            let r = nix::unistd::mkfifo(p.as_str(), nix::sys::stat::Mode::from_bits_truncate(0o777));
            push_unit(lua, r.map_err(std::io::Error::from), Some(&p))
        })?,
    )?;
    t.set("rmdir", lua.create_function(|lua, p: String| push_unit(lua, std::fs::remove_dir(&p), Some(&p)))?)?;
    t.set(
        "unlink",
        lua.create_function(|lua, p: String| push_unit(lua, nix::unistd::unlink(p.as_str()).map_err(Into::into), Some(&p)))?,
    )?;
    t.set("chdir", lua.create_function(|lua, p: String| push_unit(lua, std::env::set_current_dir(&p), Some(&p)))?)?;
    t.set(
        "link",
        lua.create_function(|lua, (a, b): (String, String)| push_unit(lua, std::fs::hard_link(&a, &b), None))?,
    )?;
    t.set(
        "symlink",
        lua.create_function(|lua, (a, b): (String, String)| push_unit(lua, std::os::unix::fs::symlink(&a, &b), None))?,
    )?;
    t.set(
        "readlink",
        lua.create_function(|lua, p: String| match std::fs::read_link(&p) {
            Ok(t) => Ok(MultiValue::from_vec(vec![Value::String(
                lua.create_string(std::os::unix::ffi::OsStrExt::as_bytes(t.as_os_str()))?,
            )])),
            Err(e) => push_error(lua, Some(&p), errno_of(&e)),
        })?,
    )?;
    t.set(
        "getcwd",
        lua.create_function(|lua, ()| match std::env::current_dir() {
            Ok(d) => Ok(MultiValue::from_vec(vec![Value::String(lua.create_string(d.as_os_str().as_encoded_bytes())?)])),
            Err(e) => push_error(lua, Some("."), errno_of(&e)),
        })?,
    )?;
    Ok(())
}

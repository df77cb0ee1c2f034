//! Where the rpmdb of an installroot lives, and the few rpm macros that
//! influence it (`%_dbpath`, `%_install_langs`, `%_excludedocs`).

use std::collections::{HashMap, VecDeque};
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use super::{DbFormat, detect};

/// Upstream rpm's (and Photon's) default `%_dbpath`.
pub const DEFAULT_DBPATH: &str = "/var/lib/rpm";
/// Fedora's `%_dbpath` since F36; `/var/lib/rpm` is a symlink to it there.
pub const SYSIMAGE_DBPATH: &str = "/usr/lib/sysimage/rpm";
/// Symlink hops allowed while resolving a path (as the kernel's MAXSYMLINKS).
const MAX_SYMLINKS: usize = 40;

/// Resolve `path` as if `root` were `/`: symlinks are followed, absolute link
/// targets and `..` are taken relative to `root` and can never leave it.
/// Components that do not exist are appended as they are.
pub fn resolve_in_root(root: &Path, path: &str) -> PathBuf {
    let mut done: Vec<OsString> = Vec::new();
    let mut todo: VecDeque<OsString> = comps(Path::new(path)).into();
    let mut hops = 0;
    while let Some(c) = todo.pop_front() {
        if c == ".." {
            done.pop();
            continue;
        }
        let candidate = join(root, &done).join(&c);
        let link = match fs_err::symlink_metadata(&candidate) {
            Ok(m) if m.file_type().is_symlink() && hops < MAX_SYMLINKS => fs_err::read_link(&candidate).ok(),
            _ => None,
        };
        match link {
            Some(target) => {
                hops += 1;
                if target.is_absolute() {
                    done.clear();
                }
                for (i, t) in comps(&target).into_iter().enumerate() {
                    todo.insert(i, t);
                }
            }
            None => done.push(c),
        }
    }
    join(root, &done)
}

/// Normal and `..` components of `p` (root, `.` and prefixes dropped).
fn comps(p: &Path) -> Vec<OsString> {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_os_string()),
            Component::ParentDir => Some(OsString::from("..")),
            _ => None,
        })
        .collect()
}

fn join(root: &Path, parts: &[OsString]) -> PathBuf {
    let mut p = root.to_path_buf();
    p.extend(parts);
    p
}

/// The rpmdb directory of `root`: `%_dbpath` when given, else `/var/lib/rpm`
/// (following a symlink such as Fedora's into `/usr/lib/sysimage/rpm`), else
/// `/usr/lib/sysimage/rpm` when only that one holds a database. Links are
/// resolved inside `root`.
pub fn resolve_dbpath(root: &Path, macro_dbpath: Option<&str>) -> PathBuf {
    if let Some(p) = macro_dbpath.map(str::trim).filter(|p| !p.is_empty()) {
        return resolve_in_root(root, p);
    }
    let var = resolve_in_root(root, DEFAULT_DBPATH);
    if detect(&var) == DbFormat::None {
        let sysimage = resolve_in_root(root, SYSIMAGE_DBPATH);
        if detect(&sysimage) != DbFormat::None {
            return sysimage;
        }
    }
    var
}

/// Macro files in rpm's load order (`%_macropath`, simplified): later ones
/// override earlier ones.
fn macro_files(root: &Path) -> Vec<PathBuf> {
    let sorted_glob = |dir: &str, prefix: &str| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = fs_err::read_dir(resolve_in_root(root, dir))
            .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        v.retain(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(prefix)) && p.is_file());
        v.sort();
        v
    };
    let mut files = vec![resolve_in_root(root, "/usr/lib/rpm/macros")];
    files.extend(sorted_glob("/usr/lib/rpm/macros.d", "macros."));
    files.extend(sorted_glob("/etc/rpm", "macros."));
    files.push(resolve_in_root(root, "/etc/rpm/macros"));
    files
}

/// Read the simple `%name value` definitions from the root's macro files
/// (`/usr/lib/rpm/macros`, `/usr/lib/rpm/macros.d/macros.*`,
/// `/etc/rpm/macros.*`, `/etc/rpm/macros`), later files overriding earlier.
/// `%{name}`/`%name` references to other simple macros are expanded; values
/// that need anything else (`%(shell)`, `%{?cond:...}`, parametric or
/// multi-line macros) are left out. Unreadable files are skipped.
pub fn read_root_macros(root: &Path) -> HashMap<String, String> {
    let mut raw = HashMap::new();
    for f in macro_files(root) {
        if let Ok(text) = fs_err::read_to_string(&f) {
            parse_macros(&text, &mut raw);
        }
    }
    let mut out = HashMap::new();
    for (k, v) in &raw {
        if let Some(x) = expand(v, &raw, 0) {
            out.insert(k.clone(), x);
        }
    }
    out
}

/// Parse one macro file into `out` (raw, unexpanded values).
pub fn parse_macros(text: &str, out: &mut HashMap<String, String>) {
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(def) = line.strip_prefix('%') else { continue };
        let name_len = def.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(def.len());
        let (name, rest) = def.split_at(name_len);
        let mut body = rest.trim().to_string();
        // Continuations: a trailing backslash, or braces left open.
        let mut multiline = false;
        while body.ends_with('\\') || depth(&body) > 0 {
            multiline = true;
            match lines.next() {
                Some(l) => {
                    body.push('\n');
                    body.push_str(l);
                }
                None => break,
            }
        }
        let parametric = rest.starts_with('(');
        let directive = matches!(name, "if" | "else" | "endif" | "define" | "global" | "undefine" | "elif");
        if name.is_empty() || multiline || parametric || directive || !rest.starts_with([' ', '\t']) {
            continue;
        }
        out.insert(name.to_string(), body);
    }
}

/// Net count of unclosed `{` in `s`.
fn depth(s: &str) -> i32 {
    s.chars().fold(0, |d, c| match c {
        '{' => d + 1,
        '}' => d - 1,
        _ => d,
    })
}

/// Expand `%{name}` and `%name` from `table`; `%%` is a literal `%`.
/// `None` when anything else (or an undefined name) is referenced.
fn expand(v: &str, table: &HashMap<String, String>, level: usize) -> Option<String> {
    if level > 16 {
        return None;
    }
    let mut out = String::new();
    let mut rest = v;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, tail) = if let Some(b) = after.strip_prefix('{') {
            let end = b.find('}')?;
            (&b[..end], &b[end + 1..])
        } else if let Some(t) = after.strip_prefix('%') {
            out.push('%');
            rest = t;
            continue;
        } else {
            let n = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            (&after[..n], &after[n..])
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        out.push_str(&expand(table.get(name)?, table, level + 1)?);
        rest = tail;
    }
    out.push_str(rest);
    Some(out)
}

//! The small macro table behind `rpm.expand`, `rpm.define`, `rpm.undefine`
//! and `rpm.isdefined`.
//!
//! rpm's Lua API works on rpm's global macro context (`rpmio/macro.c`). We
//! have no macro files, so the table starts with the directory macros
//! Fedora's scriptlets ask for (`%{_bindir}`, `%{_libdir}` = `/usr/lib64`,
//! ...), defined in terms of each other as `macros` does, so that
//! `rpm.define("_prefix /opt")` moves `%{_bindir}` too.
//!
//! Implemented from `macro.c`:
//! * `rpmDefineMacro` (`doDefine` with `parsed == NULL`): `name[(opts)] body`;
//!   the name starts with a letter, or `_` and is at least two characters;
//!   blanks before the body are skipped; the body is stored unexpanded and
//!   must not be empty. Definitions stack: `rpmPopMacro` (our
//!   [`Macros::undefine`]) uncovers the previous one.
//! * `expandMacro`: `%%` is `%`; `%name` and `%{name}` expand a defined
//!   macro's body recursively (at most 64 levels, `_MAX_MACRO_DEPTH`);
//!   `%{?name}`, `%{!?name}`, `%{?name:text}` and `%{!?name:text}` are the
//!   conditional forms; an undefined `%name` / `%{name}` is left as written.
//!
//! Not implemented (left as written, like an unknown macro): built-ins such
//! as `%{expand:}` or `%{lua:}`, `%(shell)`, `%[expr]`, and calls of
//! parametric macros (they can be defined and tested, not expanded).

use std::collections::HashMap;

/// rpm's `_MAX_MACRO_DEPTH`.
const MAX_DEPTH: usize = 64;

/// The built-in definitions (`macros` of rpm 4.18 on x86_64, Fedora layout).
const BUILTINS: &[(&str, &str)] = &[
    ("_prefix", "/usr"),
    ("_exec_prefix", "%{_prefix}"),
    ("_bindir", "%{_exec_prefix}/bin"),
    ("_sbindir", "%{_exec_prefix}/sbin"),
    ("_libexecdir", "%{_exec_prefix}/libexec"),
    ("_lib", "lib64"),
    ("_libdir", "%{_prefix}/%{_lib}"),
    ("_includedir", "%{_prefix}/include"),
    ("_datadir", "%{_prefix}/share"),
    ("_mandir", "%{_datadir}/man"),
    ("_infodir", "%{_datadir}/info"),
    ("_docdir", "%{_datadir}/doc"),
    ("_sysconfdir", "/etc"),
    ("_localstatedir", "/var"),
    ("_sharedstatedir", "/var/lib"),
    ("_rundir", "/run"),
    ("_var", "/var"),
    ("_tmppath", "%{_var}/tmp"),
    ("_dbpath", "%{_var}/lib/rpm"),
];

/// Why a definition or an expansion failed (rpm logs these and the Lua
/// function raises `error defining macro` / `error expanding macro`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum MacroError {
    #[error("Macro %{0} has illegal name (%define)")]
    IllegalName(String),
    #[error("Macro %{0} has empty body")]
    EmptyBody(String),
    #[error("Macro %{0} has unterminated opts")]
    UnterminatedOpts(String),
    #[error("Too many levels of recursion in macro expansion")]
    TooDeep,
}

/// One definition: its option string (parametric macros) and body.
#[derive(Debug, Clone)]
struct Def {
    opts: Option<String>,
    body: String,
}

/// A macro context: each name maps to a stack of definitions.
#[derive(Debug, Clone)]
pub(crate) struct Macros {
    table: HashMap<String, Vec<Def>>,
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl Macros {
    /// A context holding the built-in directory macros.
    pub(crate) fn with_builtins() -> Macros {
        let table = BUILTINS
            .iter()
            .map(|&(n, b)| (n.to_owned(), vec![Def { opts: None, body: b.to_owned() }]))
            .collect();
        Macros { table }
    }

    /// `rpmDefineMacro(NULL, spec, 0)`: push a definition `name[(opts)] body`.
    pub(crate) fn define(&mut self, spec: &str) -> Result<(), MacroError> {
        let s = spec.trim_start_matches([' ', '\t']);
        let name_len = s.bytes().take_while(|&c| is_name_char(c)).count();
        let (name, mut rest) = s.split_at(name_len);
        let first = name.bytes().next();
        if !(first.is_some_and(|c| c.is_ascii_alphabetic()) || (first == Some(b'_') && name.len() > 1)) {
            return Err(MacroError::IllegalName(name.to_owned()));
        }
        let mut opts = None;
        if let Some(after) = rest.strip_prefix('(') {
            let end = after.find(')').ok_or_else(|| MacroError::UnterminatedOpts(name.to_owned()))?;
            opts = Some(after[..end].to_owned());
            rest = &after[end + 1..];
        }
        let body = rest.trim_start_matches([' ', '\t']);
        if body.is_empty() {
            return Err(MacroError::EmptyBody(name.to_owned()));
        }
        let def = Def { opts, body: body.to_owned() };
        self.table.entry(name.to_owned()).or_default().push(def);
        Ok(())
    }

    /// `rpmPopMacro`: drop the newest definition of `name` (if any).
    pub(crate) fn undefine(&mut self, name: &str) {
        if let Some(stack) = self.table.get_mut(name) {
            stack.pop();
            if stack.is_empty() {
                self.table.remove(name);
            }
        }
    }

    fn lookup(&self, name: &str) -> Option<&Def> {
        self.table.get(name).and_then(|s| s.last())
    }

    /// `rpm.isdefined`: `None` when undefined, else whether it is parametric.
    pub(crate) fn is_defined(&self, name: &str) -> Option<bool> {
        self.lookup(name).map(|d| d.opts.is_some())
    }

    /// `rpmExpandMacros` on `s`.
    pub(crate) fn expand(&self, s: &str) -> Result<String, MacroError> {
        let mut out = String::with_capacity(s.len());
        self.expand_into(s, 0, &mut out)?;
        Ok(out)
    }

    fn expand_into(&self, s: &str, depth: usize, out: &mut String) -> Result<(), MacroError> {
        if depth > MAX_DEPTH {
            return Err(MacroError::TooDeep);
        }
        let mut rest = s;
        while let Some(k) = rest.find('%') {
            out.push_str(&rest[..k]);
            let after = &rest[k + 1..];
            let consumed = match after.as_bytes().first() {
                Some(b'%') => {
                    out.push('%');
                    1
                }
                Some(b'{') => match matching_brace(after) {
                    Some(end) => {
                        self.expand_braced(&after[1..end], depth, out)?;
                        end + 1
                    }
                    None => {
                        out.push('%');
                        0
                    }
                },
                _ => {
                    let n = after.bytes().take_while(|&c| is_name_char(c)).count();
                    self.expand_call(&after[..n], &format!("%{}", &after[..n]), depth, out)?;
                    n
                }
            };
            rest = &after[consumed..];
        }
        out.push_str(rest);
        Ok(())
    }

    /// The inside of `%{...}`.
    fn expand_braced(&self, inner: &str, depth: usize, out: &mut String) -> Result<(), MacroError> {
        let (negate, query, name_part) = match inner.as_bytes() {
            [b'!', b'?', ..] | [b'?', b'!', ..] => (true, true, &inner[2..]),
            [b'?', ..] => (false, true, &inner[1..]),
            _ => (false, false, inner),
        };
        let n = name_part.bytes().take_while(|&c| is_name_char(c)).count();
        let (name, tail) = name_part.split_at(n);
        if !query {
            // A plain `%{name}`; anything else (`%{name:arg}`, built-ins) stays.
            if tail.is_empty() {
                return self.expand_call(name, &format!("%{{{inner}}}"), depth, out);
            }
            out.push_str(&format!("%{{{inner}}}"));
            return Ok(());
        }
        let defined = self.lookup(name).is_some();
        if defined == negate {
            return Ok(());
        }
        match tail.strip_prefix(':') {
            Some(text) => self.expand_into(text, depth + 1, out),
            None if tail.is_empty() => self.expand_call(name, "", depth, out),
            None => Ok(()),
        }
    }

    /// Expand macro `name`, or write `as_written` when it is undefined,
    /// parametric or not a name.
    fn expand_call(&self, name: &str, as_written: &str, depth: usize, out: &mut String) -> Result<(), MacroError> {
        match self.lookup(name) {
            Some(Def { opts: None, body }) if !name.is_empty() => self.expand_into(body, depth + 1, out),
            _ => {
                out.push_str(as_written);
                Ok(())
            }
        }
    }
}

/// The index in `s` (which starts with `{`) of the matching `}`.
fn matching_brace(s: &str) -> Option<usize> {
    let mut level = 0usize;
    for (i, c) in s.bytes().enumerate() {
        match c {
            b'{' => level += 1,
            b'}' => {
                level = level.checked_sub(1)?;
                if level == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

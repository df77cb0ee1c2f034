//! Repository variables: `$releasever`, `$basearch`, `$arch`, and one
//! variable per file in the vars directories (file name = name, first line =
//! value). Both `$name` and `${name}` are substituted.

use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Default)]
pub struct Vars {
    map: BTreeMap<String, String>,
}

impl Vars {
    pub fn set(&mut self, name: &str, value: &str) {
        self.map.insert(name.to_string(), value.to_string());
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.map.get(name).map(String::as_str)
    }

    /// Read every regular file of `dir` as a variable; a missing dir is fine.
    pub fn load_dir(&mut self, dir: &Path) {
        let Ok(entries) = fs_err::read_dir(dir) else { return };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect();
        paths.sort();
        for p in paths {
            let (Some(name), Ok(text)) = (p.file_name().and_then(|n| n.to_str()), fs_err::read_to_string(&p)) else {
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let value = text.lines().next().unwrap_or("").trim();
            self.set(name, value);
        }
    }

    /// Substitute `$var` and `${var}`; unknown variables stay as written.
    pub fn substitute(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(pos) = rest.find('$') {
            out.push_str(&rest[..pos]);
            let after = &rest[pos + 1..];
            let (name, consumed) = if let Some(inner) = after.strip_prefix('{') {
                match inner.find('}') {
                    Some(end) => (&inner[..end], end + 2),
                    None => ("", 0),
                }
            } else {
                let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
                (&after[..end], end)
            };
            match self.get(name) {
                Some(value) if !name.is_empty() => {
                    out.push_str(value);
                    rest = &after[consumed..];
                }
                _ => {
                    out.push('$');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// The machine architecture as `uname -m` prints it (tdnf's `$basearch`).
pub fn machine_arch() -> String {
    nix::sys::utsname::uname()
        .ok()
        .and_then(|u| u.machine().to_str().map(str::to_string))
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitution() {
        let mut v = Vars::default();
        v.set("releasever", "3.0");
        v.set("basearch", "x86_64");
        assert_eq!(v.substitute("http://x/$releasever/${basearch}/$unknown/$"), "http://x/3.0/x86_64/$unknown/$");
        assert_eq!(v.substitute("${releasever"), "${releasever");
    }

    #[test]
    fn vars_dir() {
        let d = tempfile::tempdir().unwrap();
        fs_err::write(d.path().join("stream"), "9-stream\n").unwrap();
        let mut v = Vars::default();
        v.load_dir(d.path());
        assert_eq!(v.substitute("$stream"), "9-stream");
    }
}

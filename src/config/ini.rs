//! The INI dialect of `tdnf.conf` and `*.repo` files.
//!
//! `[section]` headers, `key=value` lines (whitespace around both trimmed),
//! `#` and `;` comments, blank lines, and indented continuation lines that
//! append to the previous value (dnf's multi-line `baseurl`/`gpgkey`).
//! Anything else is an error that names the file and the line.

use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    /// 1-based line of the `[name]` header.
    pub line: usize,
    /// Keys in file order; a repeated key keeps its last value.
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    pub line: usize,
}

impl Section {
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }
}

/// A syntax error: file, line and what was wrong.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{file}:{line}: {message}")]
pub struct IniError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Parse `text` (the contents of `path`).
pub fn parse(path: &Path, text: &str) -> Result<Vec<Section>, IniError> {
    let file = path.display().to_string();
    let err = |line: usize, message: String| IniError { file: file.clone(), line, message };
    let mut sections: Vec<Section> = Vec::new();
    for (idx, raw) in text.lines().enumerate() {
        let line_no = idx + 1;
        let line = raw.trim_end_matches('\r');
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if trimmed.starts_with('[') {
            let Some(name) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) else {
                return Err(err(line_no, format!("unterminated section header `{trimmed}`")));
            };
            let name = name.trim();
            if name.is_empty() {
                return Err(err(line_no, "empty section name".to_string()));
            }
            sections.push(Section { name: name.to_string(), line: line_no, entries: Vec::new() });
            continue;
        }
        let continuation = line.starts_with([' ', '\t']);
        let Some(section) = sections.last_mut() else {
            return Err(err(line_no, format!("`{trimmed}` is outside of any [section]")));
        };
        if continuation && !trimmed.contains('=')
            && let Some(last) = section.entries.last_mut() {
                last.value.push(' ');
                last.value.push_str(trimmed);
                continue;
            }
        let Some((key, value)) = trimmed.split_once('=') else {
            return Err(err(line_no, format!("expected `key=value`, found `{trimmed}`")));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(err(line_no, "empty key".to_string()));
        }
        section.entries.push(Entry { key: key.to_string(), value: value.trim().to_string(), line: line_no });
    }
    Ok(sections)
}

/// tdnf/dnf booleans: 1/0, true/false, yes/no, on/off, in any case.
pub fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_keys_comments_and_continuations() {
        let text = "# c\n[main]\ngpgcheck = 1\n; x\n[repo]\nbaseurl=http://a\n  http://b\nenabled=True\n";
        let s = parse(Path::new("t.repo"), text).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].get("gpgcheck").unwrap().value, "1");
        assert_eq!(s[1].get("baseurl").unwrap().value, "http://a http://b");
        assert_eq!(parse_bool(&s[1].get("enabled").unwrap().value), Some(true));
    }

    #[test]
    fn malformed_lines_name_file_and_line() {
        let e = parse(Path::new("/etc/x.repo"), "[a]\nenabled=1\ngarbage\n").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("/etc/x.repo", 3));
        assert_eq!(e.to_string(), "/etc/x.repo:3: expected `key=value`, found `garbage`");
        assert!(parse(Path::new("x"), "key=1\n").is_err());
        assert!(parse(Path::new("x"), "[broken\n").is_err());
    }

    #[test]
    fn booleans() {
        for t in ["1", "TRUE", "Yes", "on"] {
            assert_eq!(parse_bool(t), Some(true));
        }
        for f in ["0", "False", "NO", "off"] {
            assert_eq!(parse_bool(f), Some(false));
        }
        assert_eq!(parse_bool("AUTO_VALUE"), None);
    }
}

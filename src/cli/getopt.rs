//! A faithful `getopt_long_only` (glibc) with argument permutation, which is
//! how tdnf parses its command line: long options with one dash (`-json`),
//! any unambiguous prefix (`-j` is `--json`), `-x=value` and `-x value`,
//! clusters of short options (`-yq`), options anywhere among the arguments,
//! and `--` ending option parsing.
//!
//! clap cannot express these rules, so the table-driven parser lives here and
//! the rest of the CLI consumes its ordered list of matches.

/// Whether a long option takes an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HasArg {
    No,
    Required,
}

/// One entry of the long option table.
#[derive(Debug, Clone, Copy)]
pub struct LongOpt {
    pub name: &'static str,
    pub has_arg: HasArg,
    /// tdnf's `flag`/`val` target (0 for the `{name, arg, 0, 0}` entries);
    /// kept for documentation — with `getopt_long_only` any two prefix
    /// matches are ambiguous regardless of target.
    pub group: u32,
    /// The short option this long option maps to, if any.
    pub short: Option<char>,
}

/// One parsed option: the canonical long name (or the short char as a
/// string) and its argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    pub name: String,
    pub value: Option<String>,
}

/// Why parsing stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GetoptError {
    /// Unknown or ambiguous option; carries the argv element as written.
    Invalid(String),
    /// A required argument is missing; carries the option as written.
    MissingArg(String),
    /// `--flag=value` for a flag that takes none.
    UnexpectedArg(String),
}

/// The result: options in command-line order, then the positional words.
#[derive(Debug, Default)]
pub struct Parsed {
    pub options: Vec<Matched>,
    pub positional: Vec<String>,
}

/// Parse `args` (without argv\[0\]).
///
/// `shorts` is the getopt optstring (`"46bCc:d:e:hi:qvxy"` for tdnf).
pub fn parse(args: &[String], shorts: &str, longs: &[LongOpt]) -> Result<Parsed, GetoptError> {
    let mut out = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            out.positional.extend(args[i..].iter().cloned());
            break;
        }
        if arg.len() < 2 || !arg.starts_with('-') {
            out.positional.push(arg.clone());
            continue;
        }
        let double = arg.starts_with("--");
        let body = if double { &arg[2..] } else { &arg[1..] };
        let first = body.chars().next().unwrap_or('-');
        // glibc: with long_only, "-c" (one char that is a short option) is
        // always a short option; otherwise try the long table first.
        let single_short = !double && body.chars().count() == 1 && short_spec(shorts, first).is_some();
        if double || !single_short {
            match long_match(body, longs) {
                LongResult::Found(opt, inline) => {
                    let value = match (opt.has_arg, inline) {
                        (HasArg::No, Some(_)) => return Err(GetoptError::UnexpectedArg(arg.clone())),
                        (HasArg::No, None) => None,
                        (HasArg::Required, Some(v)) => Some(v),
                        (HasArg::Required, None) => {
                            let v = args.get(i).cloned().ok_or_else(|| GetoptError::MissingArg(arg.clone()))?;
                            i += 1;
                            Some(v)
                        }
                    };
                    let name = opt.short.map(String::from).unwrap_or_else(|| opt.name.to_string());
                    out.options.push(Matched { name, value });
                    continue;
                }
                LongResult::Ambiguous => return Err(GetoptError::Invalid(arg.clone())),
                LongResult::None => {
                    if double || short_spec(shorts, first).is_none() {
                        return Err(GetoptError::Invalid(arg.clone()));
                    }
                }
            }
        }
        // A cluster of short options.
        let chars: Vec<char> = body.chars().collect();
        let mut k = 0;
        while k < chars.len() {
            let c = chars[k];
            k += 1;
            match short_spec(shorts, c) {
                None => return Err(GetoptError::Invalid(format!("-{c}"))),
                Some(false) => out.options.push(Matched { name: c.to_string(), value: None }),
                Some(true) => {
                    let rest: String = chars[k..].iter().collect();
                    let value = if !rest.is_empty() {
                        rest
                    } else {
                        let v = args.get(i).cloned().ok_or_else(|| GetoptError::MissingArg(format!("-{c}")))?;
                        i += 1;
                        v
                    };
                    out.options.push(Matched { name: c.to_string(), value: Some(value) });
                    break;
                }
            }
        }
    }
    Ok(out)
}

/// `Some(takes_arg)` when `c` is in the optstring.
fn short_spec(shorts: &str, c: char) -> Option<bool> {
    if c == ':' {
        return None;
    }
    let pos = shorts.find(c)?;
    Some(shorts[pos + c.len_utf8()..].starts_with(':'))
}

enum LongResult<'a> {
    Found(&'a LongOpt, Option<String>),
    Ambiguous,
    None,
}

fn long_match<'a>(body: &str, longs: &'a [LongOpt]) -> LongResult<'a> {
    let (name, inline) = match body.split_once('=') {
        Some((n, v)) => (n, Some(v.to_string())),
        None => (body, None),
    };
    if name.is_empty() {
        return LongResult::None;
    }
    if let Some(exact) = longs.iter().find(|o| o.name == name) {
        return LongResult::Found(exact, inline);
    }
    // glibc's getopt_long_only: a second non-exact match is always
    // ambiguous (plain getopt_long would accept matches with one target).
    let mut found: Option<&LongOpt> = None;
    for opt in longs.iter().filter(|o| o.name.starts_with(name)) {
        if found.is_some() {
            return LongResult::Ambiguous;
        }
        found = Some(opt);
    }
    match found {
        Some(opt) => LongResult::Found(opt, inline),
        None => LongResult::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONGS: &[LongOpt] = &[
        LongOpt { name: "json", has_arg: HasArg::No, group: 1, short: None },
        LongOpt { name: "config", has_arg: HasArg::Required, group: 0, short: Some('c') },
        LongOpt { name: "cacheonly", has_arg: HasArg::No, group: 2, short: None },
        LongOpt { name: "enablerepo", has_arg: HasArg::Required, group: 0, short: None },
        LongOpt { name: "enableplugin", has_arg: HasArg::Required, group: 0, short: None },
        LongOpt { name: "installroot", has_arg: HasArg::Required, group: 0, short: Some('i') },
        LongOpt { name: "installed", has_arg: HasArg::No, group: 0, short: None },
        LongOpt { name: "quiet", has_arg: HasArg::No, group: 3, short: None },
        LongOpt { name: "qf", has_arg: HasArg::Required, group: 0, short: None },
    ];
    const SHORTS: &str = "Cc:i:qy";

    fn run(args: &[&str]) -> Result<Parsed, GetoptError> {
        let v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse(&v, SHORTS, LONGS)
    }

    fn names(p: &Parsed) -> Vec<(String, Option<String>)> {
        p.options.iter().map(|m| (m.name.clone(), m.value.clone())).collect()
    }

    #[test]
    fn prefixes_single_dash_and_permutation() {
        let p = run(&["list", "-j", "--installed", "foo", "-installroot=/x", "-c", "f.conf"]).unwrap();
        assert_eq!(p.positional, vec!["list", "foo"]);
        assert_eq!(
            names(&p),
            vec![
                ("json".into(), None),
                ("installed".into(), None),
                ("i".into(), Some("/x".into())),
                ("c".into(), Some("f.conf".into())),
            ]
        );
    }

    #[test]
    fn short_clusters_and_attached_values() {
        let p = run(&["-yq", "-cfile", "-C"]).unwrap();
        assert_eq!(
            names(&p),
            vec![("y".into(), None), ("q".into(), None), ("c".into(), Some("file".into())), ("C".into(), None)]
        );
    }

    #[test]
    fn ambiguity_follows_glibc() {
        // "c" alone is the short option; "ca" is unambiguous.
        assert_eq!(names(&run(&["-ca"]).unwrap()), vec![("cacheonly".into(), None)]);
        // With getopt_long_only any two prefix matches are ambiguous.
        assert_eq!(run(&["--enable", "x"]).unwrap_err(), GetoptError::Invalid("--enable".into()));
        assert_eq!(run(&["--inst", "x"]).unwrap_err(), GetoptError::Invalid("--inst".into()));
        assert_eq!(run(&["--nope"]).unwrap_err(), GetoptError::Invalid("--nope".into()));
        assert_eq!(run(&["-z"]).unwrap_err(), GetoptError::Invalid("-z".into()));
    }

    #[test]
    fn argument_errors() {
        assert_eq!(run(&["--config"]).unwrap_err(), GetoptError::MissingArg("--config".into()));
        assert_eq!(run(&["-c"]).unwrap_err(), GetoptError::MissingArg("-c".into()));
        assert_eq!(run(&["--json=1"]).unwrap_err(), GetoptError::UnexpectedArg("--json=1".into()));
        let p = run(&["--", "-j"]).unwrap();
        assert_eq!(p.positional, vec!["-j"]);
    }
}

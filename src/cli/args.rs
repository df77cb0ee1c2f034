//! tdnf's option table and the parsed command line (`CmdArgs`).
//!
//! Options with a dedicated meaning become fields; everything else is kept,
//! in command-line order, in `cmd_opts` (tdnf's "setopt list"), where the
//! command that understands it looks it up. Options of other commands are
//! accepted and ignored, as in tdnf.

use super::getopt::{self, GetoptError, HasArg, LongOpt};
use crate::error::{Code, Error, Result};

/// getopt's short option string, exactly tdnf's.
pub const SHORT_OPTS: &str = "46bCc:d:e:hi:qvxy";

macro_rules! opts {
    ($($name:literal $arg:ident $group:literal $short:expr;)*) => {
        &[$(LongOpt { name: $name, has_arg: HasArg::$arg, group: $group, short: $short }),*]
    };
}

/// The long options tdnf 3.6 knows (`tools/cli/lib/parseargs.c`), plus the
/// newer ones we support. Group 0 are tdnf's `{name, arg, 0, 0}` entries;
/// each flag option has its own group (its own `flag` pointer in C).
pub const LONG_OPTS: &[LongOpt] = opts![
    "4" No 101 Some('4');
    "6" No 102 Some('6');
    "alldeps" No 1 None;
    "allowerasing" No 2 None;
    "assumeno" No 3 None;
    "assumeyes" No 103 Some('y');
    "best" No 4 None;
    "builddeps" No 5 None;
    "cacheonly" No 6 None;
    "config" Required 104 Some('c');
    "debuglevel" Required 105 Some('d');
    "debugsolver" No 7 None;
    "disableexcludes" No 8 None;
    "disableplugin" Required 0 None;
    "disablerepo" Required 0 None;
    "downloaddir" Required 0 None;
    "downloadonly" No 9 None;
    "enableplugin" Required 0 None;
    "enablerepo" Required 0 None;
    "exclude" Required 0 None;
    "help" No 106 Some('h');
    "installroot" Required 107 Some('i');
    "json" No 10 None;
    "noautoremove" No 11 None;
    "nocmdlinegpgcheck" No 0 None;
    "nodeps" No 12 None;
    "nogpgcheck" No 13 None;
    "noplugins" No 0 None;
    "quiet" No 14 None;
    "refresh" No 15 None;
    "releasever" Required 0 None;
    "reboot-required" No 0 None;
    "repo" Required 0 None;
    "repofromdir" Required 0 None;
    "repofrompath" Required 0 None;
    "repoid" Required 0 None;
    "rpmverbosity" Required 0 None;
    "rpmdefine" Required 0 None;
    "sec-severity" Required 0 None;
    "security" No 0 None;
    "setopt" Required 0 None;
    "skip-broken" No 16 None;
    "skipconflicts" No 0 None;
    "skipdigest" No 0 None;
    "skipobsoletes" No 0 None;
    "skipsignature" No 0 None;
    "source" No 17 None;
    "testonly" No 18 None;
    "verbose" No 19 None;
    "version" No 20 None;
    // reposync
    "arch" Required 0 None;
    "delete" No 0 None;
    "download-metadata" No 0 None;
    "download-path" Required 0 None;
    "gpgcheck" No 0 None;
    "metadata-path" Required 0 None;
    "newest-only" No 0 None;
    "norepopath" No 0 None;
    "urls" No 0 None;
    // repoquery select
    "available" No 0 None;
    "extras" No 0 None;
    "file" Required 0 None;
    "userinstalled" No 0 None;
    "upgrades" No 0 None;
    "whatdepends" Required 0 None;
    "whatprovides" Required 0 None;
    "whatobsoletes" Required 0 None;
    "whatconflicts" Required 0 None;
    "whatrequires" Required 0 None;
    "whatrecommends" Required 0 None;
    "whatsuggests" Required 0 None;
    "whatsupplements" Required 0 None;
    "whatenhances" Required 0 None;
    // repoquery query
    "changelogs" No 0 None;
    "conflicts" No 0 None;
    "depends" No 0 None;
    "duplicates" No 0 None;
    "enhances" No 0 None;
    "installed" No 0 None;
    "list" No 0 None;
    "location" No 0 None;
    "obsoletes" No 0 None;
    "provides" No 0 None;
    "qf" Required 0 None;
    "recommends" No 0 None;
    "requires" No 0 None;
    "requires-pre" No 0 None;
    "suggests" No 0 None;
    "supplements" No 0 None;
    // updateinfo modes (also "list" above)
    "all" No 0 None;
    "info" No 0 None;
    "summary" No 0 None;
    // list / updateinfo scopes
    "recent" No 0 None;
    "updates" No 0 None;
    "downgrades" No 0 None;
    // history
    "to" Required 0 None;
    "from" Required 0 None;
    "reverse" No 0 None;
];

/// The parsed command line.
#[derive(Debug, Clone, Default)]
pub struct CmdArgs {
    pub json: bool,
    pub assume_yes: bool,
    pub assume_no: bool,
    pub quiet: bool,
    pub verbose: bool,
    pub cache_only: bool,
    pub refresh: bool,
    pub best: bool,
    pub allow_erasing: bool,
    pub no_gpg_check: bool,
    pub skip_broken: bool,
    pub source: bool,
    pub build_deps: bool,
    pub test_only: bool,
    pub download_only: bool,
    pub no_deps: bool,
    pub all_deps: bool,
    pub disable_excludes: bool,
    pub no_autoremove: bool,
    pub debug_solver: bool,
    pub show_help: bool,
    pub show_version: bool,
    pub config: Option<String>,
    pub install_root: String,
    pub release_ver: Option<String>,
    pub download_dir: Option<String>,
    pub rpm_verbosity: Option<String>,
    /// `--setopt key=value`, in order.
    pub setopts: Vec<(String, String)>,
    /// Every other option, in order: (long name, value or "1").
    pub cmd_opts: Vec<(String, String)>,
    /// Positional words: the command and its arguments.
    pub words: Vec<String>,
    /// argv\[1..\] as given, for the history's cmdline column.
    pub raw: Vec<String>,
}

impl CmdArgs {
    /// Whether a setopt-type option was given.
    pub fn has(&self, name: &str) -> bool {
        self.cmd_opts.iter().any(|(n, _)| n == name)
    }

    /// Every value given for a setopt-type option, in order.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.cmd_opts.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The last value given for a setopt-type option.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.cmd_opts.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The last `--setopt` value for a global key.
    pub fn setopt(&self, key: &str) -> Option<&str> {
        self.setopts.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The command word, if any.
    pub fn command(&self) -> Option<&str> {
        self.words.first().map(String::as_str)
    }

    /// The arguments after the command word.
    pub fn command_args(&self) -> &[String] {
        self.words.get(1..).unwrap_or(&[])
    }
}

/// How a parse failure is reported: tdnf prints `No such option` on stdout
/// even in JSON mode; we keep the text but emit one JSON document with -j.
#[derive(Debug)]
pub struct ArgError {
    pub error: Error,
    /// Printed before the error (to stdout in text mode, as tdnf).
    pub notice: Option<String>,
    pub json: bool,
}

/// Parse argv (including argv\[0\]).
pub fn parse_args(argv: &[String]) -> std::result::Result<CmdArgs, ArgError> {
    let argv0 = argv.first().map(String::as_str).unwrap_or("tdnf");
    let rest = argv.get(1..).unwrap_or(&[]);
    let mut args = CmdArgs { install_root: "/".to_string(), raw: rest.to_vec(), ..CmdArgs::default() };
    if argv0.ends_with("tdnfj") {
        args.json = true;
        args.assume_yes = true;
    }
    // JSON mode is known before the error, so argument errors can be JSON too
    // (tdnf prints text there; spec §12 asks for one JSON document).
    let wants_json = args.json || rest.iter().any(|a| is_json_flag(a));
    let fail = |error: Error, notice: Option<String>| ArgError { error, notice, json: wants_json };
    let parsed = getopt::parse(rest, SHORT_OPTS, LONG_OPTS).map_err(|e| match e {
        GetoptError::Invalid(opt) => fail(
            Error::new(Code::OptionNameInvalid, Code::OptionNameInvalid.message()),
            Some(format!("No such option: {opt}. Please use /usr/bin/tdnf --help")),
        ),
        // tdnf looks the option up by its text minus a leading `--`, so
        // `-c` (no argument) and `--json=1` are "no such option" (908).
        GetoptError::MissingArg(opt) if opt.starts_with("--") => {
            fail(Error::code(Code::OptionArgRequired), Some(format!("Option {opt} requires an argument")))
        }
        GetoptError::MissingArg(opt) | GetoptError::UnexpectedArg(opt) => fail(
            Error::code(Code::OptionNameInvalid),
            Some(format!("No such option: {opt}. Please use /usr/bin/tdnf --help")),
        ),
    })?;
    for m in parsed.options {
        apply(&mut args, &m.name, m.value).map_err(|e| fail(e, None))?;
    }
    if !args.install_root.starts_with('/') {
        return Err(fail(Error::code(Code::Einval), Some("Install root must be an absolute path.".to_string())));
    }
    if parsed.positional.iter().any(String::is_empty) {
        return Err(fail(Error::code(Code::Einval), Some("argument is empty string".to_string())));
    }
    args.words = parsed.positional;
    if args.download_dir.is_some() && !args.download_only {
        return Err(fail(Error::code(Code::DownloaddirRequiresDownloadonly), None));
    }
    if args.all_deps && !args.download_only {
        return Err(fail(Error::code(Code::AlldepsRequiresDownloadonly), None));
    }
    if args.no_deps && !args.download_only {
        return Err(fail(Error::code(Code::NodepsRequiresDownloadonly), None));
    }
    Ok(args)
}

/// `-j`, `--json`, `-js`… any unambiguous prefix of `json`.
fn is_json_flag(arg: &str) -> bool {
    let body = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')).unwrap_or("");
    !body.is_empty() && "json".starts_with(body)
}

fn apply(args: &mut CmdArgs, name: &str, value: Option<String>) -> Result<()> {
    let v = value.clone().unwrap_or_default();
    match name {
        "4" => {}
        "6" => {}
        "d" | "e" | "x" => {}
        "y" => args.assume_yes = true,
        "b" | "best" => args.best = true,
        "C" | "cacheonly" => args.cache_only = true,
        "c" => args.config = Some(v),
        "h" => args.show_help = true,
        "i" => args.install_root = v,
        "q" | "quiet" => args.quiet = true,
        "v" | "verbose" => args.verbose = true,
        "alldeps" => args.all_deps = true,
        "allowerasing" => args.allow_erasing = true,
        "assumeno" => args.assume_no = true,
        "builddeps" => args.build_deps = true,
        "debugsolver" => args.debug_solver = true,
        "disableexcludes" => args.disable_excludes = true,
        "downloadonly" => args.download_only = true,
        "json" => args.json = true,
        "noautoremove" => args.no_autoremove = true,
        "nodeps" => args.no_deps = true,
        "nogpgcheck" => args.no_gpg_check = true,
        "refresh" => args.refresh = true,
        "skip-broken" => args.skip_broken = true,
        "source" => args.source = true,
        "testonly" => args.test_only = true,
        "version" => args.show_version = true,
        "releasever" => args.release_ver = Some(v),
        "downloaddir" => args.download_dir = Some(v),
        "rpmverbosity" => args.rpm_verbosity = Some(v),
        "setopt" => {
            let (k, val) = v.split_once('=').ok_or_else(|| Error::code(Code::SetoptNoEquals))?;
            args.setopts.push((k.trim().to_string(), val.trim().to_string()));
        }
        "exclude" => {
            for token in v.split([',', ':']) {
                args.cmd_opts.push(("exclude".to_string(), token.to_string()));
            }
        }
        other => args.cmd_opts.push((other.to_string(), value.unwrap_or_else(|| "1".to_string()))),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> std::result::Result<CmdArgs, ArgError> {
        let mut v = vec!["tdnf".to_string()];
        v.extend(args.iter().map(|s| s.to_string()));
        parse_args(&v)
    }

    #[test]
    fn tdnf_quirks() {
        let a = p(&["list", "-j", "--installed", "foo"]).unwrap();
        assert!(a.json);
        assert!(a.has("installed"));
        assert_eq!(a.words, vec!["list", "foo"]);
        let a = p(&["-installroot=/r", "--setopt", "keepcache=1", "--exclude=a,b:c", "info"]).unwrap();
        assert_eq!(a.install_root, "/r");
        assert_eq!(a.setopt("keepcache"), Some("1"));
        assert_eq!(a.values("exclude").collect::<Vec<_>>(), vec!["a", "b", "c"]);
        let j = parse_args(&["/usr/bin/tdnfj".to_string(), "list".to_string()]).unwrap();
        assert!(j.json && j.assume_yes);
    }

    #[test]
    fn errors_have_tdnf_codes() {
        assert_eq!(p(&["--nosuch"]).unwrap_err().error.number(), 908);
        assert_eq!(p(&["--config"]).unwrap_err().error.number(), 909);
        assert_eq!(p(&["--json=1"]).unwrap_err().error.number(), 908);
        assert_eq!(p(&["-c"]).unwrap_err().error.number(), 908);
        assert_eq!(p(&["--setopt", "x"]).unwrap_err().error.number(), 911);
        assert_eq!(p(&["--downloaddir", "/x", "install"]).unwrap_err().error.number(), 913);
        assert_eq!(p(&["--alldeps"]).unwrap_err().error.number(), 915);
        assert_eq!(p(&["--nodeps"]).unwrap_err().error.number(), 916);
        assert_eq!(p(&["-i", "rel"]).unwrap_err().error.number(), 1622);
        assert_eq!(p(&["list", ""]).unwrap_err().error.number(), 1622);
        assert!(p(&["-j", "--bad"]).unwrap_err().json);
    }
}

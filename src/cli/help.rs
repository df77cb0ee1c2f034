//! `tdnf help` / `--help`: usage, the option groups and the command list.

use super::args::LONG_OPTS;
use super::getopt::HasArg;

/// One line per command, in tdnf's order.
pub const COMMANDS: &[(&str, &str)] = &[
    ("autoerase", "same as 'autoremove'"),
    ("autoremove", "Remove a package and its automatic dependencies or all auto installed packages"),
    ("check", "Checks repositories for problems"),
    ("check-local", "Checks local rpm folder for problems"),
    ("check-update", "Check for available package upgrades"),
    ("clean", "Remove cached data"),
    ("count", "Count the packages of the system and the enabled repositories"),
    ("distro-sync", "Synchronize installed packages to the latest available versions"),
    ("downgrade", "Downgrade a package"),
    ("erase", "Remove a package or packages from your system"),
    ("help", "Display a helpful usage message"),
    ("history", "History Commands"),
    ("info", "Display details about a package or group of packages"),
    ("install", "Install a package or packages on your system"),
    ("list", "List a package or groups of packages"),
    ("makecache", "Generate the metadata cache"),
    ("mark", "Mark package(s)"),
    ("provides", "same as 'whatprovides'"),
    ("whatprovides", "Find what package provides the given value"),
    ("reinstall", "Reinstall a package"),
    ("remove", "Remove a package or packages from your system"),
    ("repolist", "Display the configured software repositories"),
    ("repoquery", "Query repositories"),
    ("reposync", "Download all packages from one or more repositories to a directory"),
    ("search", "Search package details for the given string"),
    ("update", "Upgrade a package or packages on your system (same as 'upgrade')"),
    ("update-to", "same as 'upgrade-to'"),
    ("updateinfo", "Display advisories about packages"),
    ("upgrade", "Upgrade a package or packages on your system"),
    ("upgrade-to", "Upgrade a package on your system to the specified version"),
];

/// The full help text (printed to stdout).
pub fn help_text() -> String {
    let mut s = String::from("Usage: tdnf [options] COMMAND\n\noptions:\n");
    for opt in LONG_OPTS {
        let short = opt.short.map(|c| format!("-{c}, ")).unwrap_or_default();
        let arg = if opt.has_arg == HasArg::Required { " <value>" } else { "" };
        s.push_str(&format!("           [{short}--{}{arg}]\n", opt.name));
    }
    s.push_str("\nList of Main Commands\n\n");
    for (name, what) in COMMANDS {
        s.push_str(&format!("{name:<19}{what}\n"));
    }
    s.push_str("\nPlease refer to the tdnf(8) manual page for documentation.");
    s
}

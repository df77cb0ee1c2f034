//! `tdnf help` / `--help`: tdnf's usage text (the option groups and the
//! command list), kept in step with the option table by a unit test.

/// The help text, as tdnf 3.6 prints it (plus `count`, which tdnf has but
/// does not list).
pub const HELP: &str = "Usage: tdnf [options] COMMAND

common options:
           [--assumeno]
           [-y, --assumeyes]
           [-C, --cacheonly]
           [-c [config file]]
           [--debugsolver]
           [--disableexcludes]
           [--disableplugin=<plugin_name>]
           [--disablerepo=<repoid>]
           [--downloaddir=<directory>]
           [--downloadonly]
           [--enablerepo=<repoid>]
           [--enableplugin=<plugin_name>]
           [--exclude [file1,file2,...]]
           [--installroot [path]]
           [--noautoremove]
           [--nogpgcheck]
           [--noplugins]
           [-q, --quiet]
           [--reboot-required]
           [--refresh]
           [--releasever RELEASEVER]
           [--repo=<repoid>]
           [--repofrompath=<repoid>,<path>]
           [--repofromdir=<repoid>,<directory>]
           [--repoid=<repoid>]
           [--rpmdefine=\"<macro> <value>\"]
           [--rpmverbosity [debug level name]]
           [--security]
           [--sec-severity CVSS_v3.0_Severity]
           [--setopt SETOPTS]
           [--skip-broken]
           [--skipconflicts]
           [--skipdigest]
           [--skipsignature]
           [--skipobsoletes]
           [--testonly]
           [-v, --verbose]
           [--version]

repoquery select options:
           [--available]
           [--duplicates]
           [--extras]
           [--file <file>]
           [--installed]
           [--userinstalled]
           [--upgrades]
           [--arch <arch>]
           [--whatdepends <capability1>[,<capability2>[..]]]
           [--whatrequires <capability1>[,<capability2>[..]]]
           [--whatenhances <capability1>[,<capability2>[..]]]
           [--whatobsoletes <capability1>[,<capability2>[..]]]
           [--whatprovides <capability1>[,<capability2>[..]]]
           [--whatrecommends <capability1>[,<capability2>[..]]]
           [--whatconflicts <capability1>[,<capability2>[..]]]
           [--whatsuggests <capability1>[,<capability2>[..]]]
           [--whatsupplements <capability1>[,<capability2>[..]]]

repoquery query options:
           [--changelogs]
           [--conflicts]
           [--depends]
           [--enhances]
           [--list]
           [--location]
           [--obsoletes]
           [--provides]
           [--qf <format>]
           [--recommends]
           [--requires]
           [--requires-pre]
           [--suggests]
           [--source]
           [--supplements]

reposync options:
           [--arch=<arch> [--arch=<arch> [..]]
           [--delete]
           [--download-path=<directory>]
           [--download-metadata]
           [--gpgcheck]
           [--metadata-path=<directory>]
           [--newest-only]
           [--norepopath]
           [--source]
           [--urls]

List of Main Commands

autoerase          same as 'autoremove'
autoremove         Remove a package and its automatic dependencies or all auto installed packages
check              Checks repositories for problems
check-local        Checks local rpm folder for problems
check-update       Check for available package upgrades
clean              Remove cached data
count              Count the packages of the system and the enabled repositories
distro-sync        Synchronize installed packages to the latest available versions
downgrade          Downgrade a package
erase              Remove a package or packages from your system
help               Display a helpful usage message
history            History Commands
info               Display details about a package or group of packages
install            Install a package or packages on your system
list               List a package or groups of packages
makecache          Generate the metadata cache
mark               Mark package(s)
provides           same as 'whatprovides'
whatprovides       Find what package provides the given value
reinstall          Reinstall a package
remove             Remove a package or packages from your system
repolist           Display the configured software repositories
repoquery          Query repositories
reposync           Download all packages from one or more repositories to a directory
search             Search package details for the given string
update             Upgrade a package or packages on your system (same as 'upgrade')
update-to          same as 'upgrade-to'
updateinfo         Display advisories about packages
upgrade            Upgrade a package or packages on your system
upgrade-to         Upgrade a package on your system to the specified version

Please refer to https://github.com/vmware/tdnf/wiki for documentation.";

/// The full help text (printed to stdout).
pub fn help_text() -> String {
    HELP.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_listed() {
        for cmd in ["check-local", "repoquery", "updateinfo", "whatprovides", "upgrade-to", "count"] {
            assert!(HELP.lines().any(|l| l.starts_with(&format!("{cmd} "))), "{cmd}");
        }
    }
}

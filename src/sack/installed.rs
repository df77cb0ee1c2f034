//! The installed set: rpm's sqlite database under the root's `%_dbpath`
//! (read-only), and the auto-installed flags of tdnf's history database.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::config::Settings;
use crate::error::{Code, Error, Result};
use crate::output::Printer;
use crate::rpmdb::{self, DbFormat, InstalledPackage, Rpmdb};

/// `%_dbpath` of the root: `--rpmdefine`, else the root's macro files, else
/// `/var/lib/rpm` (following a link to `/usr/lib/sysimage/rpm`).
pub fn dbpath(settings: &Settings) -> PathBuf {
    let macros: HashMap<String, String> = rpmdb::read_root_macros(&settings.root);
    let from_macro = settings.rpm_define("_dbpath").map(str::to_string).or_else(|| macros.get("_dbpath").cloned());
    rpmdb::resolve_dbpath(&settings.root, from_macro.as_deref())
}

/// Every installed package; an absent database is an empty set (a fresh
/// installroot). Corrupt entries are skipped with a warning.
pub fn read_installed(settings: &Settings, printer: &Printer) -> Result<Vec<InstalledPackage>> {
    let dir = dbpath(settings);
    match rpmdb::detect(&dir) {
        DbFormat::None => return Ok(Vec::new()),
        DbFormat::Sqlite => {}
        other => {
            return Err(Error::new(
                Code::Eio,
                format!(
                    "the rpm database in {} is in {} format; this tdnf reads only sqlite rpmdbs (convert it with `rpmdb --rebuilddb --define '_db_backend sqlite'`)",
                    dir.display(),
                    other.name()
                ),
            ));
        }
    }
    let db = Rpmdb::open(&dir).map_err(|e| Error::new(Code::Eio, format!("cannot read the rpm database in {}: {e}", dir.display())))?;
    let mut warnings = Vec::new();
    let packages = db
        .packages(&mut warnings)
        .map_err(|e| Error::new(Code::Eio, format!("cannot read the rpm database in {}: {e}", dir.display())))?;
    for w in &warnings {
        printer.err(&format!("warning: {w}\n"));
    }
    // Like libsolv's rpmdb reader: gpg-pubkey pseudo-packages are keys, not
    // packages, and the rest is ordered by name, then header number.
    let mut packages: Vec<InstalledPackage> = packages.into_iter().filter(|p| !p.is_gpg_pubkey()).collect();
    packages.sort_by(|a, b| a.package.name.cmp(&b.package.name).then(a.hnum.cmp(&b.hnum)));
    Ok(packages)
}

/// Names flagged auto-installed in `history.db` (moved to [`crate::history`]).
pub use crate::history::auto_installed_names;

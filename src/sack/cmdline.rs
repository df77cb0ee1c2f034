//! The `@cmdline` repo: local `.rpm` files named on the command line
//! (`tdnf install ./foo.rpm`), read from their headers as tdnf's
//! `repo_add_rpm(... RPM_ADD_WITH_SHA256SUM)` does.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use solv::{Attr, ChecksumKind};

use super::{Sack, Sid, load};
use crate::error::{Code, Error, Result};

/// The repo name tdnf gives local packages.
pub const CMDLINE_REPO: &str = "@cmdline";

impl Sack {
    /// Add local `.rpm` files to the `@cmdline` repo (created on first use)
    /// and rebuild the provides index; returns their solvables in order.
    /// A file that is not a readable rpm is `Err(1622)`, as tdnf.
    pub fn add_cmdline_rpms(&mut self, paths: &[PathBuf]) -> Result<Vec<Sid>> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let mut pkgs = Vec::with_capacity(paths.len());
        for path in paths {
            pkgs.push((read_local(path)?, path.clone()));
        }
        let repo = match self.cmdline {
            Some(r) => r,
            None => {
                let r = self.pool.add_repo(CMDLINE_REPO);
                self.cmdline = Some(r);
                r
            }
        };
        let mut ids = Vec::with_capacity(pkgs.len());
        {
            let mut w = self.pool.repo_writer(repo);
            for ((pkg, sha), path) in &pkgs {
                let s = load::add_package(&mut w, pkg, true);
                w.set_str(s, Attr::Location, &path.display().to_string());
                w.set_checksum(s, ChecksumKind::Sha256, sha);
                ids.push(s);
            }
            w.finish();
        }
        for (s, (_, path)) in ids.iter().zip(&pkgs) {
            self.local_paths.insert(*s, path.clone());
        }
        self.pool.addfileprovides();
        Ok(ids)
    }
}

/// The package model of a local rpm and the sha256 of the file.
fn read_local(path: &Path) -> Result<(repodata::Package, String)> {
    let bad = |e: &dyn std::fmt::Display| Error::new(Code::Einval, format!("{}: {e}", path.display()));
    let file = crate::rpm::RpmFile::open(path).map_err(|e| bad(&e))?;
    let mut pkg = file.to_package().map_err(|e| bad(&e))?;
    pkg.location_href = path.display().to_string();
    let bytes = fs_err::read(path).map_err(|e| bad(&e))?;
    let sha = hex::encode(Sha256::digest(&bytes));
    Ok((pkg, sha))
}

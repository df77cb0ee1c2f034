//! tdnf's resolution policies: `installonlypkgs` and `installonly_limit`,
//! `locks.d`, `protected.d` (plus the package owning this binary, as dnf
//! protects itself), `minversions` and `minversions.d`, and the jobs and
//! checks they add (`client/goal.c`: `TDNFSolvAddInstallOnlyPkgs`,
//! `TDNFSolvAddPkgLocks`, `TDNFSolvAddMinVersions`, `TDNFSolvAddProtectPkgs`,
//! `TDNFSolvCheckProtectPkgsInTrans`, `TDNFSolvCheckInstallOnlyLimitInTrans`).

use std::collections::HashSet;
use std::path::Path;

use solv::{Job, Jobs, SearchFlags, Step, StepKind};

use crate::config::Settings;
use crate::error::{Code, Error, Result};
use crate::output::Printer;
use crate::sack::{Sack, Sid};

/// The policy lists of one run.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// `installonlypkgs` names.
    pub installonly: Vec<String>,
    /// `installonly_limit`.
    pub limit: u32,
    /// `locks.d` names.
    pub locks: Vec<String>,
    /// `protected.d` names, then the package owning this binary.
    pub protected: Vec<String>,
    /// `minversions` and `minversions.d`: (name, minimum `[E:]V[-R]`).
    pub minversions: Vec<(String, String)>,
    /// `clean_requirements_on_remove`.
    pub clean_deps: bool,
    /// `distrosync_reinstall_changed`.
    pub reinstall_changed: bool,
}

/// The lines of every `*.conf` in `dir` (a missing dir is empty), trimmed,
/// without empty lines and `#` comments, files in name order.
pub fn read_conf_dir(dir: &Path) -> Vec<String> {
    let Ok(rd) = fs_err::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<_> = rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "conf")).collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = fs_err::read_to_string(&f).unwrap_or_default();
        out.extend(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string));
    }
    out
}

impl Policy {
    /// The lists for this run: `tdnf.conf` keys and the `*.d` directories
    /// next to the config file.
    pub fn load(settings: &Settings, sack: &Sack) -> Policy {
        let conf = &settings.conf;
        let dir = &settings.conf_dir;
        let mut protected = read_conf_dir(&dir.join("protected.d"));
        if let Some(own) = own_package(settings, sack)
            && !protected.contains(&own)
        {
            protected.push(own);
        }
        let mut minversions = Vec::new();
        for entry in conf.minversions.iter().cloned().chain(read_conf_dir(&dir.join("minversions.d"))) {
            if let Some((n, v)) = entry.split_once('=')
                && !n.trim().is_empty()
                && !v.trim().is_empty()
            {
                minversions.push((n.trim().to_string(), v.trim().to_string()));
            }
        }
        Policy {
            installonly: conf.installonlypkgs.clone(),
            limit: conf.installonly_limit,
            locks: read_conf_dir(&dir.join("locks.d")),
            protected,
            minversions,
            clean_deps: conf.clean_requirements_on_remove,
            reinstall_changed: conf.distrosync_reinstall_changed,
        }
    }

    /// Whether `spec` is (exactly) an installonly name, as tdnf compares.
    pub fn is_installonly(&self, spec: &str) -> bool {
        self.installonly.iter().any(|n| n == spec)
    }

    /// `SOLVER_MULTIVERSION` for installonly names and `SOLVER_LOCK` for
    /// locked names that are installed; `SOLVER_LOCK` on every available
    /// package below its minversion (tdnf disables those).
    pub fn add_jobs(&self, sack: &mut Sack, jobs: &mut Jobs) {
        let installed: HashSet<String> = sack.installed_ids().into_iter().map(|s| sack.brief(s).0).collect();
        for (names, how) in [(&self.installonly, Job::MULTIVERSION), (&self.locks, Job::LOCK)] {
            for n in names.iter().filter(|n| installed.contains(*n)) {
                let id = sack.pool.intern(n);
                jobs.name(how, id);
            }
        }
        for (name, min) in &self.minversions {
            for s in sack.available_ids() {
                let (n, _, evr, _) = sack.brief(s);
                if &n == name && sack.evrcmp(&evr, min) == std::cmp::Ordering::Less {
                    jobs.solvable(Job::LOCK, s);
                }
            }
        }
    }

    /// With `--allowerasing` (or an erase) and protected names: an erase
    /// job of a protected package that no install job puts back fails
    /// (`package X is protected`, 1030); the other installed packages may
    /// be uninstalled, the protected ones are user-installed.
    pub fn add_protect_jobs(&self, sack: &Sack, printer: &Printer, jobs: &mut Jobs) -> Result<()> {
        let raw = jobs.as_raw().to_vec();
        let verb = |how: i32| how & 0xff00;
        let (erase, install, solvable) = (Job::ERASE.0, Job::INSTALL.0, Job::SOLVABLE.0);
        let name_of = |id: i32| sack.brief(Sid::from_raw(id)).0;
        for pair in raw.chunks_exact(2) {
            if verb(pair[0]) != erase || pair[0] & 0xff != solvable {
                continue;
            }
            let name = name_of(pair[1]);
            if !self.protected.contains(&name) {
                continue;
            }
            let readded = raw.chunks_exact(2).any(|o| verb(o[0]) == install && o[0] & 0xff == solvable && name_of(o[1]) == name);
            if !readded {
                printer.err(&format!("package {name} is protected\n"));
                return Err(Error::code(Code::Protected));
            }
        }
        for s in sack.installed_ids() {
            let how = if self.protected.contains(&sack.brief(s).0) { Job::USERINSTALLED } else { Job::ALLOWUNINSTALL };
            jobs.solvable(how, s);
        }
        Ok(())
    }

    /// A protected package the transaction erases or obsoletes: 1030.
    pub fn check_protected(&self, sack: &Sack, printer: &Printer, steps: &[Step]) -> Result<()> {
        for st in steps {
            let what = match st.kind {
                StepKind::Obsoleted => "obsoleted",
                StepKind::Erase => "removed",
                _ => continue,
            };
            let name = sack.brief(st.solvable).0;
            if self.protected.contains(&name) {
                printer.err(&format!("package {name} would be {what} but it is protected\n"));
                return Err(Error::code(Code::Protected));
            }
        }
        Ok(())
    }

    /// When installing would leave more than `installonly_limit` copies of
    /// an installonly name, erase jobs for the oldest installed copies (in
    /// rpmdb order) are added; `true` means solve again.
    pub fn limit_jobs(&self, sack: &Sack, steps: &[Step], jobs: &mut Jobs) -> bool {
        let mut again = false;
        let mut removing: HashSet<Sid> = steps.iter().filter(|s| s.kind == StepKind::Erase).map(|s| s.solvable).collect();
        for name in &self.installonly {
            let copies: Vec<Sid> = sack.installed_ids().into_iter().filter(|&s| &sack.brief(s).0 == name).collect();
            let mut n = copies.len() as i64;
            for st in steps.iter().filter(|st| &sack.brief(st.solvable).0 == name) {
                match st.kind {
                    StepKind::Install | StepKind::MultiInstall if st.replaced.is_empty() => n += 1,
                    StepKind::Erase => n -= 1,
                    _ => {}
                }
            }
            if n <= i64::from(self.limit) {
                continue;
            }
            again = true;
            for s in copies {
                if n <= i64::from(self.limit) {
                    break;
                }
                if removing.insert(s) {
                    jobs.solvable(Job::ERASE, s);
                    n -= 1;
                }
            }
        }
        again
    }
}

/// The installed package that owns the running binary, when the binary is
/// inside the install root (`/usr/bin/tdnf` of a container root).
fn own_package(settings: &Settings, sack: &Sack) -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let root = settings.root.canonicalize().ok()?;
    let inside = exe.strip_prefix(&root).ok()?;
    let path = format!("/{}", inside.display());
    let system = sack.system?;
    let hits = sack.pool.search(Some(system), solv::Attr::FileList, &path, SearchFlags::STRING | SearchFlags::FILES);
    hits.first().map(|&s| sack.brief(s).0)
}

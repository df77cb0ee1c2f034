//! [`RepoWriter`]: fast bulk loading of packages into a repository.
//!
//! The writer mutably borrows the pool (adding solvables reallocates the
//! solvable array) and writes NEVRA/vendor/dependencies straight into the
//! `Solvable` structs, other attributes into one `Repodata` (the repo's last
//! one, `REPO_REUSE_REPODATA`). `finish()` (or dropping the writer) calls
//! `repo_internalize` once, which makes the data visible to lookups and
//! searches.
//!
//! Adding files to solvables that already have a file list (e.g. loading
//! `filelists.xml` after `primary.xml` in a second writer session) *replaces*
//! that solvable's file list on internalize, so pass the complete list.

use crate::attr::{Attr, ChecksumAttr, ChecksumKind, DepKind, FileKind};
use crate::ffi::{self, known};
use crate::pool::cstr;
use crate::{DepId, Pool, RelFlags, RepoId, RichOp, SolvableId, StringId};

/// Bulk writer for one repo; see the module docs.
pub struct RepoWriter<'p> {
    pool: &'p mut Pool,
    repo: *mut ffi::Repo,
    data: *mut ffi::Repodata,
    last_dir: Option<(String, ffi::Id)>,
    evr_buf: String,
}

impl Pool {
    /// Starts writing packages into `repo`. Panics if the repo does not exist.
    pub fn repo_writer(&mut self, repo: RepoId) -> RepoWriter<'_> {
        let r = self.repo_ptr(repo).expect("no such repo in this pool");
        // SAFETY: `r` is a live repo; repo_add_repodata returns the last
        // non-stub repodata or a new one, owned by the repo.
        let data = unsafe { ffi::repo_add_repodata(r, ffi::REPO_REUSE_REPODATA) };
        RepoWriter {
            pool: self,
            repo: r,
            data,
            last_dir: None,
            evr_buf: String::new(),
        }
    }
}

impl RepoWriter<'_> {
    /// Interns a string (see [`Pool::intern`]). The writer does not hand
    /// out `&mut Pool` (that would allow removing the repo being written).
    pub fn intern(&mut self, s: &str) -> StringId {
        self.pool.intern(s)
    }

    /// Builds `name <flags> evr` (see [`Pool::rel`]).
    pub fn rel(&mut self, name: DepId, evr: DepId, flags: RelFlags) -> DepId {
        self.pool.rel(name, evr, flags)
    }

    /// Builds a rich dependency (see [`Pool::rich`]).
    pub fn rich(&mut self, a: DepId, b: DepId, op: RichOp) -> DepId {
        self.pool.rich(a, b, op)
    }

    /// Adds an empty solvable (arch noarch, empty evr until set).
    pub fn add_solvable(&mut self) -> SolvableId {
        // SAFETY: live repo of the mutably borrowed pool.
        let id = unsafe { ffi::repo_add_solvable(self.repo) };
        self.pool.wp_dirty.set(true);
        if let Some(sv) = self.sv(SolvableId(id)) {
            sv.arch = known::ARCH_NOARCH;
            sv.evr = known::ID_EMPTY;
        }
        SolvableId(id)
    }

    /// The C solvable if `s` belongs to this repo. Recomputed on every call
    /// because adding solvables may move the array.
    fn sv(&mut self, s: SolvableId) -> Option<&mut ffi::Solvable> {
        let p = self.pool.solvable_ptr(s)?;
        // SAFETY: `p` is a live slot; `&mut self` (holding `&mut Pool`) makes
        // this the only reference to it.
        let sv = unsafe { &mut *p };
        (sv.repo == self.repo).then_some(sv)
    }

    /// Sets name, epoch/version/release (libsolv evr `[E:]V-R`; epoch 0 is
    /// omitted as rpm does) and arch.
    pub fn set_nevra(
        &mut self,
        s: SolvableId,
        name: &str,
        epoch: u32,
        version: &str,
        release: &str,
        arch: &str,
    ) {
        use std::fmt::Write;
        self.evr_buf.clear();
        if epoch != 0 {
            let _ = write!(self.evr_buf, "{epoch}:");
        }
        self.evr_buf.push_str(version);
        if !release.is_empty() {
            self.evr_buf.push('-');
            self.evr_buf.push_str(release);
        }
        let evr = std::mem::take(&mut self.evr_buf);
        let n = self.pool.intern(name);
        let e = self.pool.intern(&evr);
        let a = self.pool.intern(arch);
        self.evr_buf = evr;
        if let Some(sv) = self.sv(s) {
            sv.name = n.0;
            sv.evr = e.0;
            sv.arch = a.0;
        }
    }

    /// Sets the vendor.
    pub fn set_vendor(&mut self, s: SolvableId, vendor: &str) {
        let v = self.pool.intern(vendor);
        if let Some(sv) = self.sv(s) {
            sv.vendor = v.0;
        }
    }

    /// Appends a dependency. `RequiresPre` is stored after the prereq marker
    /// (`repo_addid_dep(..., SOLVABLE_PREREQMARKER)`), plain `Requires` before
    /// it, exactly as libsolv's rpm-md reader does.
    pub fn add_dep(&mut self, s: SolvableId, kind: DepKind, dep: DepId) {
        if !self.pool.valid_dep(dep) || dep.0 == 0 {
            return;
        }
        let marker = match kind {
            DepKind::Requires => -known::SOLVABLE_PREREQMARKER,
            DepKind::RequiresPre => known::SOLVABLE_PREREQMARKER,
            _ => 0,
        };
        let repo = self.repo;
        if let Some(sv) = self.sv(s) {
            let field = kind.field(sv);
            // SAFETY: live repo; `*field` is this solvable's offset into the
            // repo's idarray (0 = empty), and `dep` is a valid id.
            *field = unsafe { ffi::repo_addid_dep(repo, *field, dep.0, marker) };
        }
    }

    /// Convenience: interns `name` and, if `flags` is given, builds
    /// `name <flags> evr`, then adds it.
    pub fn add_dep_str(
        &mut self,
        s: SolvableId,
        kind: DepKind,
        name: &str,
        rel: Option<(RelFlags, &str)>,
    ) {
        let n: DepId = self.pool.intern(name).into();
        let dep = match rel {
            Some((flags, evr)) => {
                let e: DepId = self.pool.intern(evr).into();
                self.pool.rel(n, e, flags)
            }
            None => n,
        };
        self.add_dep(s, kind, dep);
    }

    /// Adds the `name = evr` self-provide (skipped for source packages),
    /// as rpm-md readers do at the end of each package.
    pub fn add_self_provides(&mut self, s: SolvableId) {
        let Some(sv) = self.sv(s) else { return };
        let (name, evr, arch) = (sv.name, sv.evr, sv.arch);
        if name == 0 || arch == known::ARCH_SRC || arch == known::ARCH_NOSRC {
            return;
        }
        let dep = self.pool.rel(DepId(name), DepId(evr), RelFlags::EQ);
        self.add_dep(s, DepKind::Provides, dep);
    }

    /// Sets a string attribute. `Attr::Vendor`/`Name`/`Arch`/`Evr` go to the
    /// solvable itself, `SourceRpm` and `Location` use libsolv's
    /// `repodata_set_sourcepkg`/`repodata_set_location`. Numeric or list
    /// attributes are ignored (returns `false`).
    pub fn set_str(&mut self, s: SolvableId, attr: Attr, value: &str) -> bool {
        if self.sv(s).is_none() {
            return false;
        }
        let id: StringId;
        match attr {
            Attr::Vendor => {
                self.set_vendor(s, value);
                return true;
            }
            Attr::Name | Attr::Arch | Attr::Evr => {
                id = self.pool.intern(value);
                if let Some(sv) = self.sv(s) {
                    match attr {
                        Attr::Name => sv.name = id.0,
                        Attr::Arch => sv.arch = id.0,
                        _ => sv.evr = id.0,
                    }
                }
                return true;
            }
            Attr::InstallSize
            | Attr::DownloadSize
            | Attr::BuildTime
            | Attr::InstallTime
            | Attr::HeaderEnd
            | Attr::MediaNr
            | Attr::FileList
            | Attr::Provides
            | Attr::Requires => return false,
            _ => {}
        }
        let c = cstr(value);
        let (data, sid) = (self.data, s.0);
        // SAFETY: `data` is a repodata of this repo, `sid` a solvable of it;
        // libsolv copies the string.
        unsafe {
            match attr {
                Attr::SourceRpm => ffi::repodata_set_sourcepkg(data, sid, c.as_ptr()),
                Attr::Location => {
                    ffi::repodata_set_location(data, sid, 0, std::ptr::null(), c.as_ptr())
                }
                Attr::License
                | Attr::Group
                | Attr::Packager
                | Attr::Buildhost
                | Attr::Distribution => {
                    ffi::repodata_set_poolstr(data, sid, attr.keyname(), c.as_ptr())
                }
                _ => ffi::repodata_set_str(data, sid, attr.keyname(), c.as_ptr()),
            }
        }
        true
    }

    /// Sets a numeric attribute (`InstallSize`, `DownloadSize`, `BuildTime`,
    /// `InstallTime`, `HeaderEnd`, `MediaNr`); others are ignored (`false`).
    pub fn set_num(&mut self, s: SolvableId, attr: Attr, value: u64) -> bool {
        let ok = matches!(
            attr,
            Attr::InstallSize
                | Attr::DownloadSize
                | Attr::BuildTime
                | Attr::InstallTime
                | Attr::HeaderEnd
                | Attr::MediaNr
        );
        if !ok || self.sv(s).is_none() {
            return false;
        }
        // SAFETY: repodata and solvable of this repo.
        unsafe { ffi::repodata_set_num(self.data, s.0, attr.keyname(), value) };
        true
    }

    /// Sets the package checksum (`solvable:checksum`) from hex. Returns
    /// `false` (and stores nothing) if `hex` is not a valid digest of `kind`.
    pub fn set_checksum(&mut self, s: SolvableId, kind: ChecksumKind, hex: &str) -> bool {
        self.set_checksum_attr(s, ChecksumAttr::Package, kind, hex)
    }

    /// Sets any checksum attribute from hex (see [`set_checksum`](Self::set_checksum)).
    pub fn set_checksum_attr(
        &mut self,
        s: SolvableId,
        attr: ChecksumAttr,
        kind: ChecksumKind,
        hex: &str,
    ) -> bool {
        if hex.len() != kind.digest_len() * 2
            || !hex.bytes().all(|b| b.is_ascii_hexdigit())
            || self.sv(s).is_none()
        {
            return false;
        }
        let c = cstr(hex);
        // SAFETY: repodata and solvable of this repo; `c` is a valid hex
        // string of the right length.
        unsafe {
            ffi::repodata_set_checksum(self.data, s.0, attr.keyname(), kind.raw(), c.as_ptr())
        };
        true
    }

    /// Adds a file to the solvable's file list (`repodata_add_dirstr` on
    /// `SOLVABLE_FILELIST`). Relative paths are taken as absolute. The kind
    /// is not stored (libsolv has no file types).
    pub fn add_file(&mut self, s: SolvableId, path: &str, _kind: FileKind) {
        if self.sv(s).is_none() {
            return;
        }
        let (dir, base) = match path.rfind('/') {
            Some(i) => (&path[..i], &path[i + 1..]),
            None => ("", path),
        };
        let dir = if dir.is_empty() {
            "/".to_owned()
        } else if dir.starts_with('/') {
            dir.to_owned()
        } else {
            format!("/{dir}")
        };
        let did = match &self.last_dir {
            Some((d, id)) if *d == dir => *id,
            _ => {
                let c = cstr(&dir);
                // SAFETY: repodata of this repo; the dir string is copied.
                let id = unsafe { ffi::repodata_str2dir(self.data, c.as_ptr(), 1) };
                self.last_dir = Some((dir, id));
                id
            }
        };
        let b = cstr(base);
        // SAFETY: repodata and solvable of this repo, `did` a dir of it.
        unsafe {
            ffi::repodata_add_dirstr(self.data, s.0, known::SOLVABLE_FILELIST, did, b.as_ptr())
        };
    }

    /// Internalizes the data (same as dropping the writer).
    pub fn finish(self) {}
}

impl Drop for RepoWriter<'_> {
    fn drop(&mut self) {
        // SAFETY: live repo and repodata of the mutably borrowed pool.
        unsafe {
            ffi::repodata_free_dircache(self.data);
            ffi::repo_internalize(self.repo);
        }
        self.pool.wp_dirty.set(true);
    }
}

//! [`Solvable`]: a read-only view of one package in the pool.
//!
//! A `Solvable<'p>` is a copyable (pool, id) pair borrowing the pool. All
//! lookups copy data out (attribute strings live in repodata that may page
//! in lazily), except the interned name/evr/arch/vendor which are `&'p str`.

use crate::attr::{Attr, ChecksumAttr, ChecksumKind, DepKind};
use crate::ffi::{self, known};
use crate::pool::copy_cstr;
use crate::{DepId, Pool, Queue, Repo, SolvableId, StringId};

/// A package in the pool.
#[derive(Clone, Copy)]
pub struct Solvable<'p> {
    pub(crate) pool: &'p Pool,
    pub(crate) id: SolvableId,
}

impl Pool {
    /// The solvable with this id, if it is live.
    pub fn solvable(&self, id: SolvableId) -> Option<Solvable<'_>> {
        self.solvable_ptr(id).map(|_| Solvable { pool: self, id })
    }
}

impl<'p> Solvable<'p> {
    fn raw(&self) -> *mut ffi::Solvable {
        // Constructed only for live ids; the slot stays live while the pool
        // is borrowed (freeing needs `&mut Pool`).
        self.pool
            .solvable_ptr(self.id)
            .unwrap_or(std::ptr::null_mut())
    }

    fn field(&self, f: impl Fn(&ffi::Solvable) -> ffi::Id) -> ffi::Id {
        let p = self.raw();
        if p.is_null() {
            return 0;
        }
        // SAFETY: live solvable slot, read only.
        f(unsafe { &*p })
    }

    /// The solvable id.
    pub fn id(&self) -> SolvableId {
        self.id
    }

    /// Name string id.
    pub fn name_id(&self) -> StringId {
        StringId(self.field(|s| s.name))
    }
    /// Evr string id.
    pub fn evr_id(&self) -> StringId {
        StringId(self.field(|s| s.evr))
    }
    /// Arch string id.
    pub fn arch_id(&self) -> StringId {
        StringId(self.field(|s| s.arch))
    }

    /// Package name.
    pub fn name(&self) -> &'p str {
        self.pool.str(self.name_id())
    }
    /// `[epoch:]version-release`.
    pub fn evr(&self) -> &'p str {
        self.pool.str(self.evr_id())
    }
    /// Architecture.
    pub fn arch(&self) -> &'p str {
        self.pool.str(self.arch_id())
    }
    /// Vendor (`""` if unset).
    pub fn vendor(&self) -> &'p str {
        self.pool.str(StringId(self.field(|s| s.vendor)))
    }

    /// Epoch, version and release split from the evr (epoch 0 if absent).
    pub fn evr_parts(&self) -> (u32, &'p str, &'p str) {
        let evr = self.evr();
        let (epoch, rest) = match evr.find(':') {
            Some(i) if evr[..i].bytes().all(|b| b.is_ascii_digit()) => {
                (evr[..i].parse().unwrap_or(0), &evr[i + 1..])
            }
            _ => (0, evr),
        };
        match rest.rfind('-') {
            Some(i) => (epoch, &rest[..i], &rest[i + 1..]),
            None => (epoch, rest, ""),
        }
    }

    /// The repo this solvable belongs to.
    pub fn repo(&self) -> Repo<'p> {
        let p = self.raw();
        // SAFETY: live solvable; its repo pointer is a live repo.
        let raw = unsafe { (*p).repo };
        Repo {
            pool: self.pool,
            raw,
        }
    }

    /// Whether it belongs to the installed repo.
    pub fn is_installed(&self) -> bool {
        self.repo().is_installed()
    }

    /// `name-[epoch:]version-release.arch` (`pool_solvable2str`).
    pub fn nevra(&self) -> String {
        // SAFETY: live solvable; result is tmp space, copied at once.
        unsafe { copy_cstr(ffi::pool_solvable2str(self.pool.as_ptr(), self.raw())) }
    }

    /// A string attribute. `SourceRpm` and `Location` are reconstructed by
    /// libsolv (`foo-1-1.src.rpm`, `Packages/foo-1-1.x86_64.rpm`).
    pub fn lookup_str(&self, attr: Attr) -> Option<String> {
        let s = self.raw();
        // SAFETY: live solvable; the returned string is copied before any
        // other libsolv call.
        let p = unsafe {
            match attr {
                Attr::Name | Attr::Arch | Attr::Evr | Attr::Vendor => {
                    let v = match attr {
                        Attr::Name => self.name(),
                        Attr::Arch => self.arch(),
                        Attr::Evr => self.evr(),
                        _ => self.vendor(),
                    };
                    return (!v.is_empty()).then(|| v.to_owned());
                }
                Attr::SourceRpm => ffi::solvable_lookup_sourcepkg(s),
                Attr::Location => ffi::solvable_lookup_location(s, std::ptr::null_mut()),
                _ => ffi::solvable_lookup_str(s, attr.keyname()),
            }
        };
        // SAFETY: `p` is null or a NUL-terminated string valid until the next
        // libsolv call.
        (!p.is_null()).then(|| unsafe { copy_cstr(p) })
    }

    /// A numeric attribute.
    pub fn lookup_num(&self, attr: Attr) -> Option<u64> {
        let s = self.raw();
        // SAFETY: live solvable, read only. Two different "not found" values
        // distinguish a stored value from a missing one.
        let (a, b) = unsafe {
            (
                ffi::solvable_lookup_num(s, attr.keyname(), 0),
                ffi::solvable_lookup_num(s, attr.keyname(), 1),
            )
        };
        (a == b).then_some(a)
    }

    /// The location (relative path of the rpm in the repo).
    pub fn location(&self) -> Option<String> {
        self.lookup_str(Attr::Location)
    }

    /// The package checksum as (kind, lowercase hex).
    pub fn lookup_checksum(&self) -> Option<(ChecksumKind, String)> {
        self.lookup_checksum_attr(ChecksumAttr::Package)
    }

    /// Any checksum attribute as (kind, lowercase hex).
    pub fn lookup_checksum_attr(&self, attr: ChecksumAttr) -> Option<(ChecksumKind, String)> {
        let mut ty: ffi::Id = 0;
        // SAFETY: live solvable; the hex string is tmp space, copied at once.
        let p = unsafe { ffi::solvable_lookup_checksum(self.raw(), attr.keyname(), &mut ty) };
        if p.is_null() {
            return None;
        }
        // SAFETY: non-null NUL-terminated tmp string.
        let hex = unsafe { copy_cstr(p) };
        Some((ChecksumKind::from_raw(ty)?, hex))
    }

    /// The requires that are not pre-requires (those before libsolv's
    /// prereq marker), as tdnf's `repoquery --requires` shows them.
    pub fn requires_without_pre(&self) -> Vec<DepId> {
        let mut q = Queue::new();
        // SAFETY: live solvable; `q` is an initialised queue; a negative
        // marker asks for the entries before the marker.
        unsafe {
            ffi::solvable_lookup_deparray(self.raw(), DepKind::Requires.keyname(), q.as_mut_ptr(), -known::SOLVABLE_PREREQMARKER)
        };
        q.as_slice().iter().map(|&d| DepId(d)).collect()
    }

    /// Whether one of the `kind` dependencies matches `dep`
    /// (`solvable_matchesdep`; rich dependencies are searched too).
    pub fn matches_dep(&self, kind: DepKind, dep: DepId) -> bool {
        let marker = if kind == DepKind::RequiresPre { known::SOLVABLE_PREREQMARKER } else { 0 };
        // SAFETY: live solvable; `dep` is an id of this pool; read-only.
        unsafe { ffi::solvable_matchesdep(self.raw(), kind.keyname(), dep.0, marker) != 0 }
    }

    /// A dependency array. `Requires` returns all requires (pre and non-pre,
    /// marker removed); `RequiresPre` only the pre-requires. The order is
    /// the insertion order for freshly written repos; repos read from a
    /// `.solv` file come back sorted (libsolv sorts arrays when writing).
    pub fn deps(&self, kind: DepKind) -> Vec<DepId> {
        let mut q = Queue::new();
        let marker = if kind == DepKind::RequiresPre {
            known::SOLVABLE_PREREQMARKER
        } else {
            0
        };
        // SAFETY: live solvable; `q` is an initialised queue.
        unsafe {
            ffi::solvable_lookup_deparray(self.raw(), kind.keyname(), q.as_mut_ptr(), marker)
        };
        q.as_slice()
            .iter()
            .filter(|&&d| d != known::SOLVABLE_PREREQMARKER && d != known::SOLVABLE_FILEMARKER)
            .map(|&d| DepId(d))
            .collect()
    }

    /// The file list (full paths), via a `SOLVABLE_FILELIST` data iterator.
    pub fn files(&self) -> Vec<String> {
        let mut out = Vec::new();
        let repo = self.repo().as_ptr();
        crate::search::each_match(
            self.pool,
            repo,
            self.id.0,
            known::SOLVABLE_FILELIST,
            None,
            ffi::SEARCH_FILES as i32,
            |_, s| {
                out.push(s);
                true
            },
        );
        out
    }
}

impl std::fmt::Debug for Solvable<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Solvable({}, {})", self.id.0, self.nevra())
    }
}

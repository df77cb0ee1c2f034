//! The package model shared by every source of package data: primary.xml,
//! filelists.xml, other.xml, rpm headers read from an rpmdb or a `.rpm` file.
//!
//! Strings are owned; a parser hands out one `Package` at a time to a sink,
//! so a whole repository is never materialised.

/// Comparison operator of a versioned dependency (`flags` in rpm-md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DepOp {
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
}

impl DepOp {
    /// rpm-md spelling: `LT`, `LE`, `EQ`, `GE`, `GT`.
    pub fn from_rpmmd(s: &str) -> Option<DepOp> {
        Some(match s {
            "LT" => DepOp::Lt,
            "LE" => DepOp::Le,
            "EQ" => DepOp::Eq,
            "GE" => DepOp::Ge,
            "GT" => DepOp::Gt,
            _ => return None,
        })
    }

    /// The operator as rpm prints it (`<`, `<=`, `=`, `>=`, `>`).
    pub fn as_str(self) -> &'static str {
        match self {
            DepOp::Lt => "<",
            DepOp::Le => "<=",
            DepOp::Eq => "=",
            DepOp::Ge => ">=",
            DepOp::Gt => ">",
        }
    }
}

/// One dependency entry (`<rpm:entry>` or a header's NAME/FLAGS/VERSION triple).
///
/// `name` may be a rich dependency such as `(a if b)`; see [`crate::richdep`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dependency {
    pub name: String,
    /// `None` for an unversioned dependency.
    pub op: Option<DepOp>,
    /// `[epoch:]version[-release]` as rpm prints it; empty when unversioned.
    pub evr: String,
    /// `pre="1"` in primary, or a `Requires(pre)`-style flag in a header.
    pub pre: bool,
}

impl Dependency {
    /// `name`, or `name op evr`, as rpm and tdnf print it.
    pub fn to_rpm_string(&self) -> String {
        match self.op {
            Some(op) => format!("{} {} {}", self.name, op.as_str(), self.evr),
            None => self.name.clone(),
        }
    }
}

/// The kind of a file entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FileKind {
    #[default]
    File,
    Dir,
    Ghost,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    pub path: String,
    pub kind: FileKind,
}

/// Digest algorithms used by rpm-md and rpm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChecksumKind {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl ChecksumKind {
    /// rpm-md `type=` attribute (`sha` is an old alias of sha1).
    pub fn from_name(s: &str) -> Option<ChecksumKind> {
        Some(match s.to_ascii_lowercase().as_str() {
            "md5" => ChecksumKind::Md5,
            "sha" | "sha1" => ChecksumKind::Sha1,
            "sha224" => ChecksumKind::Sha224,
            "sha256" => ChecksumKind::Sha256,
            "sha384" => ChecksumKind::Sha384,
            "sha512" => ChecksumKind::Sha512,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            ChecksumKind::Md5 => "md5",
            ChecksumKind::Sha1 => "sha1",
            ChecksumKind::Sha224 => "sha224",
            ChecksumKind::Sha256 => "sha256",
            ChecksumKind::Sha384 => "sha384",
            ChecksumKind::Sha512 => "sha512",
        }
    }
}

/// A digest: algorithm and lowercase hex value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Checksum {
    pub kind: ChecksumKind,
    pub hex: String,
}

/// One changelog entry (other.xml or a header's CHANGELOG* tags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeLog {
    pub author: String,
    /// Seconds since the epoch.
    pub date: i64,
    pub text: String,
}

/// A package as primary.xml (or an rpm header) describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub arch: String,
    pub epoch: u32,
    pub version: String,
    pub release: String,
    /// `pkgid` checksum from primary (the package file's digest); `None` for headers.
    pub checksum: Option<Checksum>,
    pub summary: String,
    pub description: String,
    pub packager: String,
    pub url: String,
    pub license: String,
    pub vendor: String,
    pub group: String,
    pub buildhost: String,
    pub sourcerpm: String,
    /// `<time file=...>` (repo) or INSTALLTIME (rpmdb).
    pub time_file: i64,
    pub time_build: i64,
    /// Size of the `.rpm` file; 0 when unknown (rpmdb).
    pub size_package: u64,
    pub size_installed: u64,
    pub size_archive: u64,
    pub location_href: String,
    pub location_base: Option<String>,
    /// `<rpm:header-range start= end=>`.
    pub header_range: Option<(u64, u64)>,
    pub provides: Vec<Dependency>,
    pub requires: Vec<Dependency>,
    pub conflicts: Vec<Dependency>,
    pub obsoletes: Vec<Dependency>,
    pub recommends: Vec<Dependency>,
    pub suggests: Vec<Dependency>,
    pub supplements: Vec<Dependency>,
    pub enhances: Vec<Dependency>,
    /// Files listed in primary (a subset) or filelists/header (all of them).
    pub files: Vec<FileEntry>,
    /// Changelog entries, newest first (other.xml or header).
    pub changelogs: Vec<ChangeLog>,
}

impl Package {
    /// `[epoch:]version-release`, epoch only when non-zero (libsolv's EVR string).
    pub fn evr(&self) -> String {
        if self.epoch > 0 {
            format!("{}:{}-{}", self.epoch, self.version, self.release)
        } else {
            format!("{}-{}", self.version, self.release)
        }
    }

    /// `name-version-release.arch` (no epoch, as RPMTAG_NEVRA without epoch).
    pub fn nvra(&self) -> String {
        format!("{}-{}-{}.{}", self.name, self.version, self.release, self.arch)
    }
}

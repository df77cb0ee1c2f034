//! Attribute, dependency-kind and checksum enums (typed libsolv key names).

use crate::ffi::{self, known};

/// A solvable attribute (libsolv key name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Attr {
    /// `solvable:name` (for search).
    Name,
    /// `solvable:arch` (for search).
    Arch,
    /// `solvable:evr` (for search).
    Evr,
    /// `solvable:vendor`.
    Vendor,
    /// `solvable:summary`.
    Summary,
    /// `solvable:description`.
    Description,
    /// `solvable:url`.
    Url,
    /// `solvable:license`.
    License,
    /// `solvable:group`.
    Group,
    /// `solvable:packager`.
    Packager,
    /// `solvable:buildhost`.
    Buildhost,
    /// `solvable:distribution`.
    Distribution,
    /// The source rpm file name, e.g. `foo-1.0-1.src.rpm`. Stored the way
    /// libsolv's rpm-md reader does (`repodata_set_sourcepkg`: source name,
    /// evr and arch ids) and read back with `solvable_lookup_sourcepkg`.
    SourceRpm,
    /// Location (`repodata_set_location`: media dir + file), read back with
    /// `solvable_lookup_location`, e.g. `Packages/f/foo-1.0-1.x86_64.rpm`.
    Location,
    /// `solvable:installsize` (bytes).
    InstallSize,
    /// `solvable:downloadsize` (bytes).
    DownloadSize,
    /// `solvable:buildtime` (seconds since the epoch).
    BuildTime,
    /// `solvable:installtime` (seconds since the epoch).
    InstallTime,
    /// `solvable:headerend` (rpm-md `<rpm:header-range end>`).
    HeaderEnd,
    /// `solvable:medianr`.
    MediaNr,
    /// `solvable:filelist` (for search; use `files()` to read).
    FileList,
    /// `solvable:provides` (for search).
    Provides,
    /// `solvable:requires` (for search).
    Requires,
}

impl Attr {
    pub(crate) fn keyname(self) -> ffi::Id {
        use known::*;
        match self {
            Attr::Name => SOLVABLE_NAME,
            Attr::Arch => SOLVABLE_ARCH,
            Attr::Evr => SOLVABLE_EVR,
            Attr::Vendor => SOLVABLE_VENDOR,
            Attr::Summary => SOLVABLE_SUMMARY,
            Attr::Description => SOLVABLE_DESCRIPTION,
            Attr::Url => SOLVABLE_URL,
            Attr::License => SOLVABLE_LICENSE,
            Attr::Group => SOLVABLE_GROUP,
            Attr::Packager => SOLVABLE_PACKAGER,
            Attr::Buildhost => SOLVABLE_BUILDHOST,
            Attr::Distribution => SOLVABLE_DISTRIBUTION,
            Attr::SourceRpm => SOLVABLE_SOURCENAME,
            Attr::Location => SOLVABLE_MEDIAFILE,
            Attr::InstallSize => SOLVABLE_INSTALLSIZE,
            Attr::DownloadSize => SOLVABLE_DOWNLOADSIZE,
            Attr::BuildTime => SOLVABLE_BUILDTIME,
            Attr::InstallTime => SOLVABLE_INSTALLTIME,
            Attr::HeaderEnd => SOLVABLE_HEADEREND,
            Attr::MediaNr => SOLVABLE_MEDIANR,
            Attr::FileList => SOLVABLE_FILELIST,
            Attr::Provides => SOLVABLE_PROVIDES,
            Attr::Requires => SOLVABLE_REQUIRES,
        }
    }
}

/// A dependency array of a solvable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DepKind {
    /// `Provides:`
    Provides,
    /// `Requires:` (reading returns *all* requires, pre or not).
    Requires,
    /// `Requires(pre):` and friends (rpm-md `pre="1"`); stored after
    /// `SOLVABLE_PREREQMARKER` in the requires array, as libsolv's rpm-md
    /// reader does. Reading returns only these.
    RequiresPre,
    /// `Conflicts:`
    Conflicts,
    /// `Obsoletes:`
    Obsoletes,
    /// `Recommends:`
    Recommends,
    /// `Suggests:`
    Suggests,
    /// `Supplements:`
    Supplements,
    /// `Enhances:`
    Enhances,
}

impl DepKind {
    pub(crate) fn keyname(self) -> ffi::Id {
        use known::*;
        match self {
            DepKind::Provides => SOLVABLE_PROVIDES,
            DepKind::Requires | DepKind::RequiresPre => SOLVABLE_REQUIRES,
            DepKind::Conflicts => SOLVABLE_CONFLICTS,
            DepKind::Obsoletes => SOLVABLE_OBSOLETES,
            DepKind::Recommends => SOLVABLE_RECOMMENDS,
            DepKind::Suggests => SOLVABLE_SUGGESTS,
            DepKind::Supplements => SOLVABLE_SUPPLEMENTS,
            DepKind::Enhances => SOLVABLE_ENHANCES,
        }
    }

    /// Pointer to the matching offset field of a solvable.
    pub(crate) fn field(self, s: &mut ffi::Solvable) -> &mut ffi::Offset {
        match self {
            DepKind::Provides => &mut s.provides,
            DepKind::Requires | DepKind::RequiresPre => &mut s.requires,
            DepKind::Conflicts => &mut s.conflicts,
            DepKind::Obsoletes => &mut s.obsoletes,
            DepKind::Recommends => &mut s.recommends,
            DepKind::Suggests => &mut s.suggests,
            DepKind::Supplements => &mut s.supplements,
            DepKind::Enhances => &mut s.enhances,
        }
    }
}

/// Checksum algorithms libsolv stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChecksumKind {
    /// MD5 (16 bytes)
    Md5,
    /// SHA-1 (20 bytes); rpm-md type `sha` or `sha1`
    Sha1,
    /// SHA-224
    Sha224,
    /// SHA-256
    Sha256,
    /// SHA-384
    Sha384,
    /// SHA-512
    Sha512,
}

impl ChecksumKind {
    /// Parses an rpm-md checksum `type` attribute.
    pub fn from_name(name: &str) -> Option<ChecksumKind> {
        Some(match name.to_ascii_lowercase().as_str() {
            "md5" => ChecksumKind::Md5,
            "sha" | "sha1" => ChecksumKind::Sha1,
            "sha224" => ChecksumKind::Sha224,
            "sha256" => ChecksumKind::Sha256,
            "sha384" => ChecksumKind::Sha384,
            "sha512" => ChecksumKind::Sha512,
            _ => return None,
        })
    }

    /// The canonical name (`sha256`, ...).
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

    /// Digest length in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            ChecksumKind::Md5 => 16,
            ChecksumKind::Sha1 => 20,
            ChecksumKind::Sha224 => 28,
            ChecksumKind::Sha256 => 32,
            ChecksumKind::Sha384 => 48,
            ChecksumKind::Sha512 => 64,
        }
    }

    pub(crate) fn raw(self) -> ffi::Id {
        use known::*;
        match self {
            ChecksumKind::Md5 => REPOKEY_TYPE_MD5,
            ChecksumKind::Sha1 => REPOKEY_TYPE_SHA1,
            ChecksumKind::Sha224 => REPOKEY_TYPE_SHA224,
            ChecksumKind::Sha256 => REPOKEY_TYPE_SHA256,
            ChecksumKind::Sha384 => REPOKEY_TYPE_SHA384,
            ChecksumKind::Sha512 => REPOKEY_TYPE_SHA512,
        }
    }

    pub(crate) fn from_raw(id: ffi::Id) -> Option<ChecksumKind> {
        use known::*;
        Some(match id {
            REPOKEY_TYPE_MD5 => ChecksumKind::Md5,
            REPOKEY_TYPE_SHA1 => ChecksumKind::Sha1,
            REPOKEY_TYPE_SHA224 => ChecksumKind::Sha224,
            REPOKEY_TYPE_SHA256 => ChecksumKind::Sha256,
            REPOKEY_TYPE_SHA384 => ChecksumKind::Sha384,
            REPOKEY_TYPE_SHA512 => ChecksumKind::Sha512,
            _ => return None,
        })
    }
}

/// Which checksum attribute of a package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChecksumAttr {
    /// The package file checksum (`solvable:checksum`, rpm-md `<checksum pkgid="YES">`).
    Package,
    /// The rpm header id (`solvable:pkgid`, SIGMD5 from the rpmdb).
    PkgId,
    /// The header SHA1 (`solvable:hdrid`).
    HdrId,
}

impl ChecksumAttr {
    pub(crate) fn keyname(self) -> ffi::Id {
        match self {
            ChecksumAttr::Package => known::SOLVABLE_CHECKSUM,
            ChecksumAttr::PkgId => known::SOLVABLE_PKGID,
            ChecksumAttr::HdrId => known::SOLVABLE_HDRID,
        }
    }
}

/// rpm-md file type. libsolv's file list has no type field, so every kind is
/// stored the same way (like libsolv's own rpm-md reader); the value exists
/// so callers can pass what the metadata says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum FileKind {
    /// A regular file (no `type` attribute).
    #[default]
    File,
    /// `type="dir"`
    Dir,
    /// `type="ghost"`
    Ghost,
}

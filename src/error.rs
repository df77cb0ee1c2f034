//! The one error type of the application and the one table that maps it to
//! tdnf's numeric codes and messages (`Error(N) : message`).
//!
//! Library crates (`solv`, `repodata`) and lower modules have their own typed
//! errors; they are wrapped here with their cause kept, and only this file
//! knows tdnf's numbers.

use std::fmt;

/// tdnf's error codes (`include/tdnfclierror.h`, `include/tdnferror.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Code {
    CheckUpdatesAvailable = 100,
    CliNoMatch = 901,
    CliInvalidArgument = 902,
    CleanRequiresOption = 903,
    NotEnoughArgs = 904,
    NothingToDo = 905,
    CheckLocalExpectDir = 906,
    ProvidesExpectArg = 907,
    OptionNameInvalid = 908,
    OptionArgRequired = 909,
    OptionArgUnexpected = 910,
    SetoptNoEquals = 911,
    NoSuchCmd = 912,
    DownloaddirRequiresDownloadonly = 913,
    OneDepOnly = 914,
    AlldepsRequiresDownloadonly = 915,
    NodepsRequiresDownloadonly = 916,
    InvalidMixedQueryQueryformat = 917,
    PackageRequired = 1001,
    ConfFileLoad = 1002,
    RepoFileLoad = 1003,
    InvalidRepoFile = 1004,
    RepoDirOpen = 1005,
    NoRepos = 1008,
    RepoNotFound = 1009,
    InvalidConf = 1010,
    NoMatch = 1011,
    NoEnabledRepos = 1012,
    CleanUnsupported = 1016,
    NoDistroverpkg = 1022,
    MetadataExpireParse = 1029,
    Protected = 1030,
    OperationAborted = 1032,
    InvalidInput = 1033,
    CacheDisabled = 1034,
    DuplicateRepoId = 1037,
    CurlUnsupportedProtocol = 1202,
    CurlUrlMalformat = 1204,
    CurlCouldntResolveHost = 1207,
    CurlCouldntConnect = 1208,
    CurlFileCouldntReadFile = 1238,
    CurlOperationTimedout = 1229,
    CurlSslConnect = 1236,
    CurlPeerFailedVerification = 1261,
    CurlRecvError = 1257,
    SolvFailed = 1301,
    SolvIo = 1304,
    SolvCacheWrite = 1305,
    AddSolv = 1315,
    RpmrcFail = 1472,
    RpmrcNokey = 1474,
    InvalidPubkeyFile = 1505,
    KeyurlInvalid = 1507,
    KeyurlUnsupported = 1508,
    RpmNotSigned = 1510,
    RpmGpgNoMatch = 1514,
    RpmCheck = 1515,
    NoGpgkeyConfEntry = 1523,
    UrlInvalid = 1524,
    TransactionFailed = 1525,
    SizeMismatch = 1527,
    ChecksumMismatch = 1528,
    NoSearchResults = 1599,
    Perm = 1601,
    Enoent = 1602,
    Eio = 1605,
    Eacces = 1613,
    Einval = 1622,
    NoData = 1661,
    HistoryNodb = 1802,
    BaseurlDoesNotExist = 2500,
    ChecksumValidationFailed = 2501,
    GpgSignatureCheck = 2004,
    MetadataRollback = 2801,
    MetadataTooOld = 2802,
}

impl Code {
    pub fn as_u32(self) -> u32 {
        self as u32
    }

    /// tdnf's message for a code (`tools/cli/defines.h`, `client/defines.h`).
    pub fn message(self) -> &'static str {
        use Code::*;
        match self {
            CheckUpdatesAvailable => "Updates are available",
            CliNoMatch => "There was no match for the search.",
            CliInvalidArgument => "Invalid argument.",
            CleanRequiresOption => {
                "Clean requires an option: packages, metadata, dbcache, plugins, expire-cache, all"
            }
            NotEnoughArgs => {
                "The command line parser could not continue. Expected at least one argument."
            }
            NothingToDo => "Nothing to do.",
            CheckLocalExpectDir => "check-local requires path to rpm directory as a parameter",
            ProvidesExpectArg => "Need an item to match.",
            OptionNameInvalid => "Command line error: option is invalid.",
            OptionArgRequired => "Command line error: expected one argument.",
            OptionArgUnexpected => "Command line error: argument was unexpected.",
            SetoptNoEquals => {
                "Missing equal sign in setopt argument. setopt requires an argument of the form key=value."
            }
            NoSuchCmd => "Please check your command",
            DownloaddirRequiresDownloadonly => "--downloaddir requires --downloadonly",
            OneDepOnly => "only one dependency allowed",
            AlldepsRequiresDownloadonly => "--alldeps requires --downloadonly",
            NodepsRequiresDownloadonly => "--nodeps requires --downloadonly",
            InvalidMixedQueryQueryformat => "--qf requires only querytags. Invalid Mixed Query",
            PackageRequired => "Package name expected but was not provided",
            ConfFileLoad => "Error loading tdnf conf (/etc/tdnf/tdnf.conf)",
            RepoFileLoad => "Error loading tdnf repo (normally under /etc/yum.repos.d/)",
            InvalidRepoFile => "Encountered an invalid repo file",
            RepoDirOpen => {
                "Error opening repo dir. Check if the repodir configured in tdnf.conf exists (usually /etc/yum.repos.d)"
            }
            NoRepos => "No repos configured",
            RepoNotFound => "Repo not found",
            InvalidConf => "Invalid configuration",
            NoMatch => "No matching packages",
            NoEnabledRepos => {
                "There are no enabled repos.\n Run \"tdnf repolist all\" to see the repos you have.\n You can enable repos by\n 1. by passing in --enablerepo <reponame>\n 2. editing repo files in your repodir(usually /etc/yum.repos.d)"
            }
            CleanUnsupported => {
                "Clean type specified is not supported in this release. Please try clean all."
            }
            NoDistroverpkg => {
                "distroverpkg config entry is set to a package that is not installed. Check /etc/tdnf/tdnf.conf"
            }
            MetadataExpireParse => {
                "metadata_expire value could not be parsed. Check your repo files."
            }
            Protected => "The operation would result in removing a protected package.",
            OperationAborted => "Operation aborted.",
            InvalidInput => "Invalid input.",
            CacheDisabled => "cache only is set, but no repo data found",
            DuplicateRepoId => "Duplicate repo id",
            CurlUnsupportedProtocol => "Curl doesn't Support this protocol",
            CurlUrlMalformat => "URL seems to be corrupted. Please clean all and makecache",
            CurlCouldntResolveHost => "Couldn't resolve host name",
            CurlCouldntConnect => "Couldn't connect to server",
            CurlFileCouldntReadFile => "Couldn't read a file:// file",
            CurlOperationTimedout => "Timeout was reached",
            CurlSslConnect => "SSL connect error",
            CurlPeerFailedVerification => {
                "SSL peer certificate or SSH remote key was not OK"
            }
            CurlRecvError => "Failure when receiving data from the peer",
            SolvFailed => "Solv general runtime error",
            SolvIo => "Solv - I/O error",
            SolvCacheWrite => "Solv - cache write error",
            AddSolv => "Solv - Failed to add solv",
            RpmrcFail => "rpm generic failure",
            RpmrcNokey => {
                "public key is unavailable. install public key using rpm --import or use --nogpgcheck to ignore."
            }
            InvalidPubkeyFile => "public key file is invalid or corrupted",
            KeyurlInvalid => "GpgKey Url is invalid",
            KeyurlUnsupported => "GpgKey Url schemes other than file are not supported",
            RpmNotSigned => "RPM not signed. Use --nogpgcheck to ignore.",
            RpmGpgNoMatch => {
                "RPM is signed but failed to match with known keys. Use --nogpgcheck to ignore."
            }
            RpmCheck => "rpm check reported errors",
            UrlInvalid => "URL is invalid.",
            TransactionFailed => "rpm transaction failed",
            NoGpgkeyConfEntry => {
                "gpgkey entry is missing for this repo. please add gpgkey in repo file or use --nogpgcheck to ignore."
            }
            SizeMismatch => "File size does not match.",
            ChecksumMismatch => "File checksum does not match.",
            NoSearchResults => "No matches found",
            Perm => "Operation not permitted. You have to be root.",
            Enoent => "No such file or directory",
            Eio => "Input/output error",
            Eacces => "Permission denied",
            Einval => "Invalid argument",
            NoData => "No data available",
            HistoryNodb => "History database does not exist",
            BaseurlDoesNotExist => "Base URL and Metalink URL not found in the repo file",
            ChecksumValidationFailed => {
                "Checksum Validation failed for the repomd.xml downloaded using URL from metalink"
            }
            GpgSignatureCheck => "failed to verify signature",
            MetadataRollback => "repomd.xml is older than the metadata accepted before (rollback)",
            MetadataTooOld => "repomd.xml is older than the repo's metadata_max_age (frozen mirror)",
        }
    }
}

/// An error with its tdnf code, a message for the user, and its cause.
#[derive(Debug)]
pub struct Error {
    code: Code,
    /// The user-facing message; `None` means the table's message for `code`.
    message: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with tdnf's own message for `code`.
    pub fn code(code: Code) -> Error {
        Error { code, message: None, source: None }
    }

    /// An error with a specific message (names the file, URL or value).
    pub fn new(code: Code, message: impl Into<String>) -> Error {
        Error { code, message: Some(message.into()), source: None }
    }

    /// Attach the underlying cause.
    pub fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        self.source = Some(Box::new(source));
        self
    }

    pub fn kind(&self) -> Code {
        self.code
    }

    pub fn number(&self) -> u32 {
        self.code.as_u32()
    }

    /// The message as tdnf prints it after `Error(N) : `.
    pub fn message(&self) -> String {
        match &self.message {
            Some(m) => m.clone(),
            None => self.code.message().to_string(),
        }
    }

    /// An I/O error on `path`, mapped to tdnf's 1600+errno codes.
    pub fn io(path: impl fmt::Display, err: std::io::Error) -> Error {
        let code = match err.kind() {
            std::io::ErrorKind::NotFound => Code::Enoent,
            std::io::ErrorKind::PermissionDenied => Code::Eacces,
            _ => Code::Eio,
        };
        Error::new(code, format!("{path}: {err}")).with_source(err)
    }

    /// Whether tdnf treats this code as success (905 nothing to do, 1661 no data).
    pub fn is_quiet_success(&self) -> bool {
        matches!(self.code, Code::NothingToDo | Code::NoData)
    }

    /// Process exit status: `code & 0xFF`, but never 0 for a real error
    /// (tdnf exits 0 for codes such as 1280; we exit 1).
    pub fn exit_status(&self) -> u8 {
        if self.is_quiet_success() {
            return 0;
        }
        let low = (self.number() & 0xFF) as u8;
        if low == 0 { 1 } else { low }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<Code> for Error {
    fn from(code: Code) -> Error {
        Error::code(code)
    }
}

impl From<repodata::Error> for Error {
    fn from(err: repodata::Error) -> Error {
        let code = match &err {
            repodata::Error::ChecksumMismatch { .. } => Code::ChecksumMismatch,
            repodata::Error::SizeMismatch { .. } | repodata::Error::SizeExceeded { .. } => Code::SizeMismatch,
            _ => Code::Einval,
        };
        Error::new(code, err.to_string()).with_source(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_status_is_low_byte_but_never_zero() {
        assert_eq!(Error::code(Code::NoMatch).exit_status(), 243);
        assert_eq!(Error::code(Code::SolvFailed).exit_status(), 21);
        assert_eq!(Error::code(Code::Perm).exit_status(), 65);
        assert_eq!(Error::code(Code::Einval).exit_status(), 86);
        assert_eq!(Error::code(Code::NoSuchCmd).exit_status(), 144);
        assert_eq!(Error::code(Code::NothingToDo).exit_status(), 0);
        assert_eq!(Error::code(Code::NoData).exit_status(), 0);
        // 0x500 would exit 0 in tdnf.
        assert_eq!(Error::code(Code::BaseurlDoesNotExist).exit_status(), 196);
    }
}

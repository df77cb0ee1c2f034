//! The crate's error type. Every variant names the file (a caller-supplied
//! label such as `repodata/…-primary.xml.gz`) so messages can be shown as is.

use crate::model::ChecksumKind;

/// Errors from decompression, verification and parsing of repository metadata.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Malformed XML, or XML whose content is not valid rpm-md
    /// (a bad number, a missing attribute, an unexpected root element).
    /// `offset` is the byte offset in the (decompressed) document, `line` is 1-based.
    #[error("{file}: line {line}, byte offset {offset}: {message}")]
    Xml {
        file: String,
        line: u64,
        offset: u64,
        message: String,
    },
    /// An I/O error, including a corrupt or truncated compressed stream.
    #[error("{file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// The data starts with bytes that are neither a known compression magic nor XML.
    #[error("{file}: unknown compression format (leading bytes {magic})")]
    UnknownCompression { file: String, magic: String },
    /// The data's digest differs from the one expected (e.g. from repomd.xml).
    #[error("{file}: {kind} checksum mismatch: expected {expected}, got {actual}", kind = kind.name())]
    ChecksumMismatch {
        file: String,
        kind: ChecksumKind,
        expected: String,
        actual: String,
    },
    /// The data ended before, or after, the expected size.
    #[error("{file}: size mismatch: expected {expected} bytes, got {actual}")]
    SizeMismatch {
        file: String,
        expected: u64,
        actual: u64,
    },
    /// More data arrived than the expected size allows (reported as soon as
    /// the first excess byte is read, so an endless stream is cut off).
    #[error("{file}: more data than the expected {expected} bytes")]
    SizeExceeded { file: String, expected: u64 },
    /// Input that is invalid for a reason not tied to an XML position.
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    /// An error returned by the caller's sink, passed through unchanged.
    #[error("{0}")]
    Sink(Box<dyn std::error::Error + Send + Sync>),
}

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An [`Error::Io`] for `file`.
    pub fn io(file: &str, source: std::io::Error) -> Error {
        // A verification failure travelling through `io::Read` is unwrapped
        // back into its own variant.
        if let Some(inner) = source.get_ref().and_then(|e| e.downcast_ref::<Error>())
            && let Some(e) = inner.clone_verification()
        {
            return e;
        }
        Error::Io {
            file: file.to_owned(),
            source,
        }
    }

    /// The label of the file the error is about, where there is one.
    pub fn file(&self) -> Option<&str> {
        match self {
            Error::Xml { file, .. }
            | Error::Io { file, .. }
            | Error::UnknownCompression { file, .. }
            | Error::ChecksumMismatch { file, .. }
            | Error::SizeMismatch { file, .. }
            | Error::SizeExceeded { file, .. }
            | Error::Invalid { file, .. } => Some(file),
            Error::Sink(_) => None,
        }
    }

    /// A copy of a verification error (the variants [`crate::verify`] produces).
    pub(crate) fn clone_verification(&self) -> Option<Error> {
        Some(match self {
            Error::ChecksumMismatch {
                file,
                kind,
                expected,
                actual,
            } => Error::ChecksumMismatch {
                file: file.clone(),
                kind: *kind,
                expected: expected.clone(),
                actual: actual.clone(),
            },
            Error::SizeMismatch {
                file,
                expected,
                actual,
            } => Error::SizeMismatch {
                file: file.clone(),
                expected: *expected,
                actual: *actual,
            },
            Error::SizeExceeded { file, expected } => Error::SizeExceeded {
                file: file.clone(),
                expected: *expected,
            },
            _ => return None,
        })
    }
}

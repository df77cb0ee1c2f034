//! Downloads: one blocking HTTP client per set of repo network options,
//! mirror fallback, retries, size caps, and checksums checked before a file
//! is put in place.

pub mod fetch;
pub mod tls;

pub use fetch::{Downloader, Expect, NetOptions};

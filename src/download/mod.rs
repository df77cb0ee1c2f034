//! Downloads: one blocking HTTP client per set of repo network options,
//! mirror fallback, retries, size caps, and checksums checked before a file
//! is put in place; [`packages`] fetches the packages of a transaction
//! in parallel, resumable.

pub mod cmdline;
pub mod fetch;
pub mod packages;
pub mod tls;

pub use fetch::{Downloader, Expect, NetOptions};

//! Reading rpm headers and `.rpm` package files (no librpm).
//!
//! * [`header`]: the header blob format, with strict bounds checks;
//! * [`file`]: lead + signature header + main header of a `.rpm`;
//! * [`package`]: header → [`repodata::Package`], with libsolv's dependency rules;
//! * [`payload`]: digest checks and a streaming cpio payload reader;
//! * [`tags`]: tag numbers, data types and flag bits.

pub mod file;
pub mod filelist;
pub mod header;
pub mod package;
pub mod payload;
pub mod tags;

#[cfg(test)]
pub(crate) mod tests;

pub use file::{Lead, RpmFile, RpmFileError};
pub use header::{EntryInfo, Header, HeaderError, Region};
pub use package::{PackageError, header_nevra, header_to_package};

//! rpm-md repository metadata: the package model and streaming parsers.
//!
//! This crate knows nothing about the network or libsolv. Every parser reads
//! from a `BufRead` and hands records to a sink one at a time.
//!
//! | module | what |
//! |---|---|
//! | [`model`] | `Package`, `Dependency`, `Checksum`, `ChangeLog`, ... |
//! | [`error`] | [`Error`]: every variant names the file |
//! | [`decompress`] | [`decompress::open`]: gzip/xz/zstd/bzip2/lzma/plain by magic bytes |
//! | [`verify`] | [`VerifyingReader`]: digest + size check while streaming, size cap |
//! | [`evr`] | [`rpmvercmp`] (rpm 4.18) and [`Evr`] |
//! | [`repomd`] | [`Repomd`]: `repomd.xml` |
//! | [`primary`] | [`parse_primary`]: `primary.xml` → [`Package`] |
//! | [`filelists`] | [`parse_filelists`]: `filelists.xml` → [`FilelistsEntry`] |
//! | [`other`] | [`parse_other`]: `other.xml` → [`OtherEntry`] (changelogs) |
//! | [`updateinfo`] | [`parse_updateinfo`]: `updateinfo.xml` → [`Advisory`] |
//! | [`metalink`] | [`metalink::parse`]: mirror URLs and hashes of `repomd.xml` |
//! | [`richdep`] | [`RichDep`]: rpm 4.18 boolean dependencies |
//!
//! Typical use, verifying the stored file and its decompressed content:
//!
//! ```no_run
//! # fn main() -> Result<(), repodata::Error> {
//! use std::io::BufReader;
//! use repodata::{decompress, parse_primary, Repomd, VerifyingReader};
//! let md = Repomd::parse(BufReader::new(std::fs::File::open("repodata/repomd.xml").map_err(|e| repodata::Error::io("repomd.xml", e))?), "repomd.xml")?;
//! let rec = md.get("primary").expect("repo has primary");
//! let file = std::fs::File::open(&rec.location_href).map_err(|e| repodata::Error::io(&rec.location_href, e))?;
//! let outer = VerifyingReader::expecting(file, &rec.location_href, Some(&rec.checksum), rec.size);
//! let outer_handle = outer.handle();
//! let mut inner = VerifyingReader::expecting(decompress::open(outer, &rec.location_href)?, &rec.location_href, rec.open_checksum.as_ref(), rec.open_size);
//! let n = parse_primary(BufReader::new(&mut inner), &rec.location_href, |_pkg| Ok(()))?;
//! inner.finish()?;
//! outer_handle.finish()?;
//! # let _ = n; Ok(()) }
//! ```

pub mod decompress;
pub mod error;
pub mod evr;
pub mod filelists;
pub mod metalink;
pub mod model;
pub mod other;
pub mod primary;
pub mod repomd;
pub mod richdep;
pub mod updateinfo;
pub mod verify;
mod xml;

pub use error::{Error, Result};
pub use evr::{Evr, rpmvercmp};
pub use filelists::{FilelistsEntry, parse_filelists};
pub use model::*;
pub use other::{OtherEntry, parse_other};
pub use primary::parse_primary;
pub use repomd::{Repomd, RepomdRecord};
pub use richdep::RichDep;
pub use updateinfo::{Advisory, AdvisoryPackage, Reference, parse_updateinfo};
pub use verify::{VerifyHandle, VerifyingReader, digest_file};

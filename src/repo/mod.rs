//! Repository metadata: the per-repo cache layout, sync and expiry, and
//! metalink resolution, repomd signatures (`repo_gpgcheck`) and rollback
//! protection.

pub mod cache;
pub mod metalink;
pub mod repo_gpg;
pub mod rollback;
pub mod sync;

#[cfg(test)]
mod trust_tests;

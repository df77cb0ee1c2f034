//! Repository metadata: the per-repo cache layout, sync and expiry, and
//! metalink resolution.

pub mod cache;
pub mod metalink;
pub mod sync;

//! Tests of the signature module: the verdict table row by row, keys, and
//! the gpg-pubkey header against what `rpm --import` writes.

mod fixtures;
mod keys;
mod verdicts;

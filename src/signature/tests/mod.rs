//! Tests of the signature module: the verdict table row by row, keys, and
//! the gpg-pubkey header against what `rpm --import` writes, and the
//! install-time check with its key import.

mod fixtures;
mod install;
mod keys;
mod verdicts;

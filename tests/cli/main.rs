#![allow(unreachable_pub, clippy::unwrap_used, clippy::print_stdout, clippy::print_stderr)]
//! End-to-end tests of the `tdnf` binary: whole-command results (exit code,
//! stdout, stderr) against repos built at test time and the shared corpus.

#[path = "../support/mod.rs"]
mod support;

mod alter;
mod alter_matrix;
mod args;
mod cache;
mod man;
mod corpus;
mod engine;
mod engine_crash;
mod engine_fixtures;
mod history;
mod history_ops;
mod queries;
mod remote;
mod repolist;
mod reposync;
mod signatures;
mod source;
mod static_bin;
mod updateinfo;

//! Parse a primary.xml[.gz|.xz|.zst|.bz2] and print the package count and time.
//!
//! `cargo run --release -p repodata --example parse_primary -- PATH`
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: parse_primary PATH");
        std::process::exit(2);
    };
    let start = Instant::now();
    let (mut deps, mut files) = (0usize, 0usize);
    let result = repodata::decompress::open_path(&path).and_then(|r| {
        repodata::parse_primary(r, &path.to_string_lossy(), |p| {
            deps += p.provides.len() + p.requires.len();
            files += p.files.len();
            Ok(())
        })
    });
    match result {
        Ok(n) => println!(
            "{n} packages ({deps} provides+requires, {files} files) in {:.3} s",
            start.elapsed().as_secs_f64()
        ),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

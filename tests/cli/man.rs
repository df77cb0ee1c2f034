//! The man pages document every option the parser knows, and the generated
//! roff is up to date with its markdown source.

use std::path::Path;

#[test]
fn every_option_is_documented_in_tdnf_8() {
    let page = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("man/tdnf.8.md")).unwrap();
    let missing: Vec<&str> = tdnf::cli::args::LONG_OPTS
        .iter()
        .map(|o| o.name)
        .filter(|n| !matches!(*n, "4" | "6"))
        .filter(|n| !page.contains(&format!("**--{n}**")))
        .collect();
    assert!(missing.is_empty(), "options missing from man/tdnf.8.md: {missing:?}");
    for short in ["**-4**", "**-6**", "**-y**", "**-C**", "**-c**", "**-i**", "**-q**", "**-v**", "**-h**", "**-b**", "**-d**", "**-e**", "**-x**", "**-j**"] {
        assert!(page.contains(short), "{short} missing from man/tdnf.8.md");
    }
}

#[test]
fn generated_roff_is_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new("python3").arg(root.join("man/gen.py")).arg("--check").output().expect("python3");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

//! Runs every libsolv testcase file in `tests/testcases/`.

#[test]
fn libsolv_testcases() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testcases");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("testcases dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "t"))
        .collect();
    files.sort();
    assert!(files.len() >= 9);
    let failures: Vec<String> = files
        .iter()
        .filter_map(|f| solv::testcase::run(f).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} failing testcase(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

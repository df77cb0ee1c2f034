//! Helpers for unit tests.

use std::path::PathBuf;

/// The process umask is global: tests that change it hold this lock, so
/// that two of them never save and restore each other's value.
pub(crate) static UMASK_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Hold [`UMASK_LOCK`] (a failed test does not poison it for the others).
pub(crate) fn umask_lock() -> std::sync::MutexGuard<'static, ()> {
    UMASK_LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// A small deterministic xorshift generator for fuzz-style tests.
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

/// The shared corpus (`TDNF_CORPUS`, else `../shared/corpus` beside the checkout).
pub(crate) fn corpus() -> PathBuf {
    let p = std::env::var_os("TDNF_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")));
    assert!(p.is_dir(), "the test corpus is missing at {} (set TDNF_CORPUS)", p.display());
    p
}

/// The shared tools and spec (`TDNF_SHARED`, else `../shared` beside the checkout).
pub(crate) fn shared() -> PathBuf {
    std::env::var_os("TDNF_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")))
}

/// A scratch directory for fixtures that outlive one test (under `target/`).
fn fixture_dir() -> PathBuf {
    let d = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/lib-fixtures"));
    std::fs::create_dir_all(&d).expect("mkdir target/lib-fixtures");
    d
}

/// The signed 30-package spike repo of `shared/tools/make-test-repo.sh`,
/// built once per checkout (under an exclusive file lock, so concurrent
/// test processes build it once). Returns the `repo` directory with the
/// `.rpm` files (`spike-alpha-1.0-1.x86_64.rpm`, ...).
pub(crate) fn spike_repo() -> PathBuf {
    static REPO: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    REPO.get_or_init(|| {
        let out = fixture_dir().join("spike-repo");
        let lock = std::fs::File::create(fixture_dir().join("spike-repo.lock")).expect("lock file");
        lock.lock().expect("lock");
        if !out.join("packages.txt").is_file() {
            let st = std::process::Command::new("bash")
                .arg(shared().join("tools/make-test-repo.sh"))
                .arg(&out)
                .stdout(std::process::Stdio::null())
                .status()
                .expect("run make-test-repo.sh");
            assert!(st.success(), "make-test-repo.sh failed");
        }
        out.join("repo")
    })
    .clone()
}

/// One spike package by file-name prefix (`"spike-alpha-1.0"`).
pub(crate) fn spike_rpm(prefix: &str) -> PathBuf {
    let repo = spike_repo();
    let mut hits: Vec<PathBuf> = std::fs::read_dir(&repo)
        .expect("read spike repo")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(prefix) && n.ends_with(".rpm")))
        .collect();
    hits.sort();
    assert_eq!(hits.len(), 1, "exactly one spike package should start with {prefix}: {hits:?}");
    hits.remove(0)
}

/// Build `.rpm` files from spec texts with `rpmbuild -bb` into `dir`
/// (`(name, spec text)` pairs); returns the packages built, sorted.
pub(crate) fn rpmbuild(dir: &std::path::Path, specs: &[(&str, &str)]) -> Vec<PathBuf> {
    let top = dir.join("rpmbuild");
    for d in ["SPECS", "RPMS", "BUILD", "BUILDROOT", "SOURCES", "SRPMS"] {
        std::fs::create_dir_all(top.join(d)).expect("mkdir");
    }
    for (name, text) in specs {
        let spec = top.join("SPECS").join(format!("{name}.spec"));
        std::fs::write(&spec, text).expect("write spec");
        let out = std::process::Command::new("rpmbuild")
            .arg("--define")
            .arg(format!("_topdir {}", top.display()))
            .args(["--define", "_build_id_links none", "--quiet", "-bb"])
            .arg(&spec)
            .output()
            .expect("rpmbuild");
        assert!(out.status.success(), "rpmbuild {name}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let mut found = Vec::new();
    let mut stack = vec![top.join("RPMS")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rpm") {
                found.push(p);
            }
        }
    }
    found.sort();
    found
}

/// A root with `/bin/sh` (Debian's static busybox, `busybox-static`) and
/// the busybox applets scriptlets commonly use, plus `/etc/passwd`,
/// `/etc/group` and `/var/tmp`: enough to run shell scriptlets chrooted.
pub(crate) fn root_with_sh() -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    let r = t.path();
    for d in ["bin", "etc", "var/tmp", "tmp"] {
        std::fs::create_dir_all(r.join(d)).expect("mkdir");
    }
    std::fs::copy("/bin/busybox", r.join("bin/busybox")).expect("copy /bin/busybox (apt-get install busybox-static)");
    for applet in ["sh", "cat", "echo", "touch", "mkdir", "rm", "ls", "test", "[", "printf", "env", "sleep", "wc"] {
        std::os::unix::fs::symlink("busybox", r.join("bin").join(applet)).expect("symlink applet");
    }
    std::fs::write(r.join("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n").expect("passwd");
    std::fs::write(r.join("etc/group"), "root:x:0:\n").expect("group");
    t
}

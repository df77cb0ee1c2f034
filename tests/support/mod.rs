//! Test support: the binary under test, a temporary install root with its
//! own config and cache, repositories built at test time from real RPMs
//! (rpmbuild + createrepo_c through `shared/tools/make-test-repo.sh`),
//! roots populated by the real `rpm`, and a local HTTP(S) server.
#![allow(dead_code, unreachable_pub)]

pub mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The shared folder beside the checkout (`../shared`), or `TDNF_SHARED`.
pub fn shared() -> PathBuf {
    let p = std::env::var_os("TDNF_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")));
    assert!(p.join("corpus").is_dir(), "the shared corpus is missing at {} (set TDNF_SHARED)", p.display());
    p
}

pub fn corpus() -> PathBuf {
    shared().join("corpus")
}

/// The signed 30-package test repo, built once per test run.
pub fn test_repo() -> &'static Path {
    static REPO: OnceLock<PathBuf> = OnceLock::new();
    REPO.get_or_init(|| {
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("spike-repo");
        let marker = out.join("packages.txt");
        // Test processes (nextest) may race: build under an exclusive lock.
        std::fs::create_dir_all(env!("CARGO_TARGET_TMPDIR")).expect("mkdir");
        let lock = std::fs::File::create(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("spike-repo.lock")).expect("lock file");
        lock.lock().expect("lock");
        if !marker.is_file() {
            let status = Command::new("bash")
                .arg(shared().join("tools/make-test-repo.sh"))
                .arg(&out)
                .stdout(Stdio::null())
                .status()
                .expect("run make-test-repo.sh");
            assert!(status.success(), "make-test-repo.sh failed");
        }
        out.join("repo")
    })
}

/// The result of one run: exit code, stdout, stderr.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// `exit code`, stdout and stderr in one string, temp paths filtered.
    pub fn snapshot(&self, ctx: &TestContext) -> String {
        let filter = |s: &str| s.replace(&ctx.dir.display().to_string(), "[TMP]");
        format!("exit: {}\n--- stdout\n{}\n--- stderr\n{}", self.code, filter(&self.stdout), filter(&self.stderr))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {:?}", self.stdout))
    }
}

/// A temporary root with `etc/tdnf/tdnf.conf`, a repo dir and a cache.
pub struct TestContext {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub root: PathBuf,
    pub conf: PathBuf,
    pub reposdir: PathBuf,
    pub cachedir: PathBuf,
}

impl TestContext {
    pub fn new() -> TestContext {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().to_path_buf();
        let root = dir.join("root");
        let reposdir = dir.join("repos.d");
        let cachedir = dir.join("cache");
        for d in [&root, &reposdir, &cachedir] {
            std::fs::create_dir_all(d).expect("mkdir");
        }
        let conf = dir.join("tdnf.conf");
        std::fs::write(
            &conf,
            format!(
                "[main]\ngpgcheck=1\ninstallonly_limit=3\nclean_requirements_on_remove=0\nrepodir={}\ncachedir={}\ndistroverpkg=spike-setup\n",
                reposdir.display(),
                cachedir.display()
            ),
        )
        .expect("write conf");
        TestContext { tmp, dir, root, conf, reposdir, cachedir }
    }

    /// Add `[id]` with `baseurl=<url>` and extra lines.
    pub fn add_repo(&self, id: &str, url: &str, extra: &str) {
        let text = format!("[{id}]\nname=Repo {id}\nbaseurl={url}\nenabled=1\ngpgcheck=0\nmetadata_expire=never\n{extra}\n");
        std::fs::write(self.reposdir.join(format!("{id}.repo")), text).expect("write repo");
    }

    /// Where the cache really is: tdnf prefixes the config's `cachedir` with
    /// the install root.
    pub fn real_cache(&self) -> PathBuf {
        self.root.join(self.cachedir.strip_prefix("/").unwrap_or(&self.cachedir))
    }

    /// The spike repo as `file://`.
    pub fn with_spike_repo(self) -> TestContext {
        self.add_repo("spike", &format!("file://{}", test_repo().display()), "");
        self
    }

    /// Install packages of the spike repo into the root with the real rpm.
    pub fn rpm_install(&self, names: &[&str]) {
        let repo = test_repo();
        let files: Vec<PathBuf> = names.iter().map(|n| repo.join(format!("{n}.rpm"))).collect();
        let out = Command::new("rpm")
            .arg("--root")
            .arg(&self.root)
            .args(["--dbpath", "/var/lib/rpm", "-i", "--nodeps", "--noscripts", "--nosignature", "--notriggers"])
            .args(&files)
            .output()
            .expect("run rpm");
        assert!(out.status.success(), "rpm -i failed: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Fetch the metadata once, so later runs print no "Refreshing" line.
    pub fn warm(self) -> TestContext {
        let out = self.run(&["-q", "makecache"]);
        assert_eq!(out.code, 0, "{}", out.snapshot(&self));
        self
    }

    /// Run the binary with `-c <conf> --installroot <root>` and `args`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_in(None, args)
    }

    /// [`TestContext::run`] in the working directory `cwd`.
    pub fn run_in(&self, cwd: Option<&Path>, args: &[&str]) -> Output {
        let mut full: Vec<String> = vec!["-c".into(), self.conf.display().to_string(), "--installroot".into(), self.root.display().to_string()];
        full.extend(args.iter().map(|s| s.to_string()));
        run_bin_in(&full, cwd)
    }
}

/// A fresh context whose spike repo checks package signatures with the
/// repo's key (`gpgcheck=1`, `gpgkey=` the spike key).
pub fn signed_ctx() -> TestContext {
    let ctx = TestContext::new();
    let key = test_repo().join("RPM-GPG-KEY-spike");
    ctx.add_repo("spike", &format!("file://{}", test_repo().display()), &format!("gpgcheck=1\ngpgkey=file://{}", key.display()));
    ctx
}

/// `rpm --root R --dbpath /var/lib/rpm ARGS`: (success, stdout + stderr).
pub fn rpm(ctx: &TestContext, args: &[&str]) -> (bool, String) {
    let out = Command::new("rpm").arg("--root").arg(&ctx.root).args(["--dbpath", "/var/lib/rpm"]).args(args).output().expect("rpm");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

/// What the real rpm says is installed (NEVRA, sorted, no gpg-pubkey).
pub fn qa(ctx: &TestContext) -> Vec<String> {
    let (ok, out) = rpm(ctx, &["-qa", "--qf", "%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\n"]);
    assert!(ok, "{out}");
    let mut v: Vec<String> = out.lines().filter(|l| !l.starts_with("gpg-pubkey")).map(str::to_owned).collect();
    v.sort();
    v
}

/// Run the binary with exactly `args`.
pub fn run_bin(args: &[String]) -> Output {
    run_bin_in(args, None)
}

/// [`run_bin`] with the working directory `cwd` (the test's own when `None`).
pub fn run_bin_in(args: &[String], cwd: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tdnf"));
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let out = cmd
        .args(args)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .expect("run tdnf");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Build RPMs from `(name, spec text)` with rpmbuild and index them with
/// createrepo_c (`createrepo_args` e.g. `["--checksum", "sha512",
/// "--general-compress-type", "zstd"]`). Returns the repo directory.
pub fn build_repo(dir: &Path, specs: &[(&str, &str)], createrepo_args: &[&str]) -> PathBuf {
    let top = dir.join("rpmbuild");
    let repo = dir.join("repo");
    for d in ["SPECS", "RPMS", "BUILD", "BUILDROOT", "SOURCES", "SRPMS"] {
        std::fs::create_dir_all(top.join(d)).expect("mkdir");
    }
    std::fs::create_dir_all(&repo).expect("mkdir");
    for (name, text) in specs {
        let spec = top.join("SPECS").join(format!("{name}.spec"));
        std::fs::write(&spec, text).expect("write spec");
        let out = Command::new("rpmbuild")
            .arg("--define")
            .arg(format!("_topdir {}", top.display()))
            .args(["--define", "_build_id_links none", "--quiet", "-bb"])
            .arg(&spec)
            .output()
            .expect("rpmbuild");
        assert!(out.status.success(), "rpmbuild {name}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let mut stack = vec![top.join("RPMS")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rpm") {
                std::fs::copy(&p, repo.join(e.file_name())).expect("copy rpm");
            }
        }
    }
    let out = Command::new("createrepo_c").arg("--quiet").args(createrepo_args).arg(&repo).output().expect("createrepo_c");
    assert!(out.status.success(), "createrepo_c: {}", String::from_utf8_lossy(&out.stderr));
    repo
}

/// A minimal spec: noarch, one file, optional extra preamble and changelog.
pub fn simple_spec(name: &str, version: &str, preamble: &str, changelog: &str) -> String {
    format!(
        "Name: {name}\nVersion: {version}\nRelease: 1\nSummary: {name} test package\nLicense: MIT\nBuildArch: noarch\n{preamble}\n%description\n{name} for tests.\n%install\nmkdir -p %{{buildroot}}/usr/share/{name}\necho {version} > %{{buildroot}}/usr/share/{name}/version\n%files\n/usr/share/{name}/version\n%changelog\n{changelog}\n"
    )
}

/// Copy a directory tree (for corrupting a repo copy).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let dest = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

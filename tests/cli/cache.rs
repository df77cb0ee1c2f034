//! makecache, clean, `-C`, expiry and bad metadata (spec §1, §3.2).

use crate::support::{TestContext, copy_tree, test_repo};

fn cache_dir(ctx: &TestContext) -> std::path::PathBuf {
    let entries: Vec<_> = std::fs::read_dir(ctx.real_cache()).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    entries[0].clone()
}

#[test]
fn makecache_then_cacheonly_then_clean() {
    let ctx = TestContext::new().with_spike_repo();
    let out = ctx.run(&["makecache"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "Refreshing metadata for: 'Repo spike'\nMetadata cache created.\n"), "{}", out.snapshot(&ctx));
    let dir = cache_dir(&ctx);
    let name = dir.file_name().unwrap().to_str().unwrap().to_string();
    assert!(name.starts_with("spike-") && name.len() == "spike-".len() + 8, "{name}");
    assert!(dir.join("repodata/repomd.xml").is_file());
    assert!(dir.join("lastrefresh").is_file());
    assert!(std::fs::read_dir(dir.join("solvcache")).unwrap().count() >= 1);
    let out = ctx.run(&["-j", "makecache"]);
    assert_eq!(out.stdout, "{}");
    // Cache only works without the repo; the .solv cache is used.
    let out = ctx.run(&["-C", "-j", "list", "spike-gamma"]);
    assert_eq!(out.json()[0]["Name"], "spike-gamma", "{}", out.snapshot(&ctx));
    let out = ctx.run(&["clean", "all"]);
    assert_eq!(out.stdout, "cleaning spike: metadata dbcache packages keys expire-cache\nDone.\n", "{}", out.snapshot(&ctx));
    assert!(!dir.exists(), "clean all leaves the repo cache dir");
    let out = ctx.run(&["-C", "list"]);
    assert_eq!(out.code, 1034 & 0xff, "{}", out.snapshot(&ctx));
    assert!(out.stderr.starts_with("Error(1034) : cache only is set, but no repo data found"), "{}", out.stderr);
}

#[test]
fn clean_types() {
    let ctx = TestContext::new().with_spike_repo();
    assert_eq!(ctx.run(&["makecache"]).code, 0);
    let out = ctx.run(&["clean", "dbcache"]);
    assert_eq!(out.stdout, "cleaning spike: dbcache\nDone.\n");
    let out = ctx.run(&["clean", "expire-cache"]);
    assert_eq!(out.code, 0);
    assert!(!cache_dir(&ctx).join("lastrefresh").exists());
    let out = ctx.run(&["-j", "clean", "metadata"]);
    assert_eq!(out.stdout, "{}");
    let out = ctx.run(&["clean"]);
    assert_eq!(out.code, 903 & 0xff);
    let out = ctx.run(&["clean", "bogus"]);
    assert_eq!(out.code, 901 & 0xff);
    let out = ctx.run(&["clean", "plugins"]);
    assert_eq!(out.code, 1016 & 0xff);
    assert_eq!(out.stderr, "Error(1016) : Clean type specified is not supported in this release. Please try clean all.\n");
}

#[test]
fn changed_repomd_replaces_the_cache_after_expiry() {
    let ctx = TestContext::new();
    let repo = ctx.dir.join("repo");
    copy_tree(test_repo(), &repo);
    ctx.add_repo("r", &format!("file://{}", repo.display()), "metadata_expire=0");
    assert_eq!(ctx.run(&["makecache"]).code, 0);
    let n = ctx.run(&["-j", "list", "available"]).json().as_array().unwrap().len();
    // Rebuild the repo with one package fewer.
    std::fs::remove_file(repo.join("spike-gamma-1.0-1.noarch.rpm")).unwrap();
    let st = std::process::Command::new("createrepo_c").arg("--quiet").arg(&repo).status().unwrap();
    assert!(st.success());
    let after = ctx.run(&["-j", "list", "available"]).json().as_array().unwrap().len();
    assert_eq!(after, n - 1);
}

fn primary_of(repo: &std::path::Path) -> std::path::PathBuf {
    std::fs::read_dir(repo.join("repodata")).unwrap().flatten().map(|e| e.path()).find(|p| p.to_string_lossy().ends_with("-primary.xml.gz")).unwrap()
}

#[test]
fn corrupt_or_missing_metadata_is_refused_and_not_cached() {
    let ctx = TestContext::new();
    let repo = ctx.dir.join("repo");
    copy_tree(test_repo(), &repo);
    ctx.add_repo("r", &format!("file://{}", repo.display()), "");
    let primary = primary_of(&repo);
    let mut bytes = std::fs::read(&primary).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&primary, &bytes).unwrap();
    let out = ctx.run(&["list"]);
    assert_eq!(out.code, 1528 & 0xff, "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains("primary.xml.gz"), "{}", out.stderr);
    assert!(out.stderr.contains("Error: Failed to synchronize cache for repo 'Repo r'") || out.stderr.contains("checksum"), "{}", out.stderr);
    // Nothing partial is left as if valid (but the cache itself exists).
    assert!(ctx.real_cache().is_dir());
    let leftovers: Vec<_> = walk(&ctx.real_cache()).into_iter().filter(|p| p.to_string_lossy().contains("primary")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A listed file that is absent.
    std::fs::remove_file(&primary).unwrap();
    let out = ctx.run(&["list"]);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("primary.xml.gz"), "{}", out.stderr);
}

#[test]
fn truncated_metadata_names_the_file() {
    let ctx = TestContext::new();
    let repo = ctx.dir.join("repo");
    copy_tree(test_repo(), &repo);
    // A repomd that is cut off.
    let md = repo.join("repodata/repomd.xml");
    let text = std::fs::read_to_string(&md).unwrap();
    std::fs::write(&md, &text[..text.len() / 2]).unwrap();
    ctx.add_repo("r", &format!("file://{}", repo.display()), "");
    let out = ctx.run(&["list"]);
    assert_ne!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains("repomd.xml"), "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"));
}

#[test]
fn skip_if_unavailable_disables_the_repo() {
    let ctx = TestContext::new().with_spike_repo();
    ctx.add_repo("gone", "file:///nonexistent/repo", "skip_if_unavailable=True");
    let out = ctx.run(&["list", "spike-gamma"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(out.stdout.contains("Disabling Repo: 'Repo gone'\n"), "{}", out.snapshot(&ctx));
    assert!(out.stderr.starts_with("Error(1238) : file:///nonexistent/repo/repodata/repomd.xml"), "{}", out.stderr);
    assert!(out.stderr.contains("Error: Failed to synchronize cache for repo 'Repo gone'\n"), "{}", out.stderr);
    let out = ctx.run(&["-j", "list", "spike-gamma"]);
    assert_eq!(out.json()[0]["Name"], "spike-gamma", "{}", out.snapshot(&ctx));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn warm_runs_use_the_solv_cache_and_rebuild_a_broken_one() {
    let ctx = TestContext::new().with_spike_repo();
    assert_eq!(ctx.run(&["makecache"]).code, 0);
    let dir = cache_dir(&ctx);
    // Without primary.xml in the cache, only the .solv file can answer.
    let primary = primary_of(&dir);
    std::fs::remove_file(&primary).unwrap();
    let out = ctx.run(&["-C", "-j", "list", "spike-gamma"]);
    assert_eq!(out.json()[0]["Name"], "spike-gamma", "{}", out.snapshot(&ctx));
    // A corrupt .solv is rebuilt from primary (downloaded again), not fatal.
    let solv: Vec<_> = std::fs::read_dir(dir.join("solvcache")).unwrap().flatten().map(|e| e.path()).collect();
    assert!(!solv.is_empty());
    for f in &solv {
        std::fs::write(f, b"garbage").unwrap();
    }
    let out = ctx.run(&["-j", "list", "spike-gamma"]);
    assert_eq!(out.json()[0]["Name"], "spike-gamma", "{}", out.snapshot(&ctx));
    assert!(primary.is_file(), "primary was fetched again");
    for f in &solv {
        assert!(std::fs::read(f).map_or(true, |b| b != b"garbage"), "{} still corrupt", f.display());
    }
    assert!(std::fs::read_dir(dir.join("solvcache")).unwrap().count() >= 1, "a new cache was written");
}

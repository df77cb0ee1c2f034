//! Repositories over http and https on 127.0.0.1, and network faults.

use crate::support::server::{self, Faults};
use crate::support::{TestContext, test_repo};

#[test]
fn http_repo_lists_packages() {
    let srv = server::serve(test_repo(), Faults::default());
    let ctx = TestContext::new();
    ctx.add_repo("web", &srv.url(false), "");
    let out = ctx.run(&["-j", "list", "spike-gamma"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert_eq!(out.json()[0]["Repo"], "web");
    let log = srv.log.lock().unwrap().clone();
    assert!(log.iter().any(|p| p == "/repodata/repomd.xml"), "{log:?}");
    assert!(log.iter().any(|p| p.ends_with("-primary.xml.gz")), "{log:?}");
    // filelists are fetched only when a command needs them.
    assert!(!log.iter().any(|p| p.contains("filelists")), "{log:?}");
    let out = ctx.run(&["repoquery", "--list", "spike-gamma"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(srv.log.lock().unwrap().iter().any(|p| p.contains("filelists")));
}

#[test]
fn https_repo_with_own_ca_and_sslverify() {
    let ctx = TestContext::new();
    let (srv, ca) = server::serve_tls(test_repo(), Faults::default(), &ctx.dir);
    ctx.add_repo("tls", &srv.url(true), &format!("sslcacert={}", ca.display()));
    let out = ctx.run(&["-j", "list", "spike-gamma"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    // Without the CA the certificate is refused with curl's code 60 (1261).
    let ctx2 = TestContext::new();
    ctx2.add_repo("tls", &srv.url(true), "sslcacert=/nonexistent-ca.pem\nretries=1");
    let out = ctx2.run(&["list"]);
    assert_ne!(out.code, 0, "{}", out.snapshot(&ctx2));
    let ctx3 = TestContext::new();
    let empty = ctx3.dir.join("empty.pem");
    std::fs::write(&empty, "").unwrap();
    ctx3.add_repo("tls", &srv.url(true), &format!("sslcacert={}\nretries=1", empty.display()));
    let out = ctx3.run(&["list"]);
    assert_eq!(out.code, 1261 & 0xff, "{}", out.snapshot(&ctx3));
    // sslverify=0 accepts it.
    let ctx4 = TestContext::new();
    ctx4.add_repo("tls", &srv.url(true), "sslverify=0");
    let out = ctx4.run(&["-j", "list", "spike-gamma"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx4));
}

#[test]
fn unreachable_server_is_a_connect_error() {
    // Bind and drop to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let ctx = TestContext::new();
    ctx.add_repo("down", &format!("http://127.0.0.1:{port}/repo"), "retries=1");
    let out = ctx.run(&["list"]);
    assert_eq!(out.code, 1208 & 0xff, "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains(&format!("http://127.0.0.1:{port}/repo/repodata/repomd.xml")), "{}", out.stderr);
    assert!(out.stderr.contains("Error: Failed to synchronize cache for repo 'Repo down'"), "{}", out.stderr);
}

#[test]
fn download_dying_half_way_is_refused_and_leaves_nothing() {
    let srv = server::serve(test_repo(), Faults { truncate: vec!["-primary.xml.gz".into()], ..Faults::default() });
    let ctx = TestContext::new();
    ctx.add_repo("flaky", &srv.url(false), "retries=2");
    let out = ctx.run(&["list"]);
    assert_ne!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains("primary.xml.gz"), "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"));
    // Neither the partial file nor a `.part` is left where a later run
    // could take it for a complete download.
    assert!(ctx.real_cache().is_dir());
    let mut stack = vec![ctx.real_cache()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                assert!(!p.to_string_lossy().contains("primary"), "left behind: {}", p.display());
            }
        }
    }
}

#[test]
fn http_proxy_from_the_environment_and_from_the_config() {
    let proxy = server::serve(test_repo(), Faults::default());
    let ctx = TestContext::new();
    // A host that does not resolve: only the proxy can answer.
    ctx.add_repo("viaproxy", "http://repo.example.invalid", "retries=1");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tdnf"))
        .args(["-c", ctx.conf.to_str().unwrap(), "--installroot", ctx.root.to_str().unwrap(), "-j", "list", "spike-gamma"])
        .env("http_proxy", proxy.url(false))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with(r#"[{"Name":"spike-gamma""#), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(proxy.log.lock().unwrap().iter().any(|p| p == "/repodata/repomd.xml"));
    // proxy= in the repo file.
    let ctx = TestContext::new();
    ctx.add_repo("viaproxy", "http://repo.example.invalid", &format!("proxy={}", proxy.url(false)));
    let out = ctx.run(&["-j", "list", "spike-gamma"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
}

#[test]
fn mirror_fallback_on_404() {
    let empty = tempfile::tempdir().unwrap();
    let bad = server::serve(empty.path(), Faults::default());
    let good = server::serve(test_repo(), Faults::default());
    let ctx = TestContext::new();
    ctx.add_repo("m", &format!("{} {}", bad.url(false), good.url(false)), "");
    let out = ctx.run(&["-j", "list", "spike-gamma"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
}

#[test]
fn mirrorlist_and_metalink() {
    let good = server::serve(test_repo(), Faults::default());
    let ctx = TestContext::new();
    let list = ctx.dir.join("mirrors.txt");
    std::fs::write(&list, format!("# mirrors\n{}\n", good.url(false))).unwrap();
    std::fs::write(ctx.reposdir.join("ml.repo"), format!("[ml]\nname=ml\nmirrorlist=file://{}\nenabled=1\ngpgcheck=0\n", list.display())).unwrap();
    let out = ctx.run(&["-j", "list", "spike-gamma"]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    use sha2::Digest;
    let repomd = std::fs::read(test_repo().join("repodata/repomd.xml")).unwrap();
    let good_hash = hex::encode(sha2::Sha256::digest(&repomd));
    for (hash, expect) in [(good_hash.as_str(), 0), ("00ff", 2501 & 0xff)] {
        let ctx = TestContext::new();
        let link = ctx.dir.join("metalink.xml");
        std::fs::write(
            &link,
            format!(
                "<?xml version=\"1.0\"?><metalink version=\"3.0\" xmlns=\"http://www.metalinker.org/\"><files><file name=\"repomd.xml\"><verification><hash type=\"sha256\">{hash}</hash></verification><resources><url protocol=\"https\" preference=\"10\">https://127.0.0.1:1/repodata/repomd.xml</url><url protocol=\"http\" preference=\"100\">{}/repodata/repomd.xml</url></resources></file></files></metalink>",
                good.url(false)
            ),
        )
        .unwrap();
        std::fs::write(ctx.reposdir.join("mlk.repo"), format!("[mlk]\nname=mlk\nmetalink=file://{}\nenabled=1\ngpgcheck=0\n", link.display())).unwrap();
        let out = ctx.run(&["-j", "list", "spike-gamma"]);
        assert_eq!(out.code, expect, "{}", out.snapshot(&ctx));
    }
}

/// A package URL on the command line is downloaded into the cache's
/// `@cmdline/rpms/` and installed from there (tdnf's
/// `TDNFDownloadPackageToCache`); a URL that is not there fails cleanly.
#[test]
fn install_from_a_package_url() {
    let srv = server::serve(test_repo(), Faults::default());
    let ctx = TestContext::new();
    let url = format!("{}/spike-unsigned-1.0-1.noarch.rpm", srv.url(false));
    let out = ctx.run(&["-y", "--nocmdlinegpgcheck", "install", &url]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert_eq!(crate::support::qa(&ctx), vec!["spike-unsigned-1.0-1.noarch".to_owned()]);
    assert!(srv.log.lock().unwrap().iter().any(|p| p == "/spike-unsigned-1.0-1.noarch.rpm"));
    // keepcache is off: the downloaded package goes after the transaction.
    assert!(!ctx.real_cache().join("@cmdline/rpms/spike-unsigned-1.0-1.noarch.rpm").exists());
    let out = ctx.run(&["-y", "--nocmdlinegpgcheck", "--setopt=keepcache=1", "reinstall", &url]);
    assert_eq!(out.code, 0, "{}", out.snapshot(&ctx));
    assert!(ctx.real_cache().join("@cmdline/rpms/spike-unsigned-1.0-1.noarch.rpm").is_file());

    let missing = format!("{}/no-such-1.0-1.noarch.rpm", srv.url(false));
    let out = ctx.run(&["-y", "--nocmdlinegpgcheck", "install", &missing]);
    assert_eq!(out.code, 1622 & 0xff, "{}", out.snapshot(&ctx));
    assert!(out.stderr.contains("404"), "{}", out.snapshot(&ctx));
    assert!(!ctx.real_cache().join("@cmdline/rpms/no-such-1.0-1.noarch.rpm").exists());

    // The scheme is taken without case, as tdnf does; answering no leaves
    // no download behind (keepcache is off).
    let upper = url.replacen("http://", "HTTP://", 1);
    let out = ctx.run(&["--assumeno", "--nocmdlinegpgcheck", "reinstall", &upper]);
    assert_eq!(out.code, 1032 & 0xff, "{}", out.snapshot(&ctx));
    assert!(!ctx.real_cache().join("@cmdline/rpms/spike-unsigned-1.0-1.noarch.rpm").exists());

    // A source rpm URL without --source is refused before it is fetched.
    let before = srv.log.lock().unwrap().len();
    let out = ctx.run(&["-y", "install", &format!("{}/x-1.0-1.src.rpm", srv.url(false))]);
    assert_eq!(out.code, 1622 & 0xff, "{}", out.snapshot(&ctx));
    assert_eq!(srv.log.lock().unwrap().len(), before, "nothing requested");
}

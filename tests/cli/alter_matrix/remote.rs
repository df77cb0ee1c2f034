//! The spike repo served over http on 127.0.0.1 instead of `file://`: the
//! packages are downloaded into the cache (and removed after the
//! transaction without keepcache); a download that dies half-way is a
//! clear error, installs nothing, and the next run succeeds.

use super::{BASE, assert_installed, base_plus, last_row, row, snap};
use crate::support::server::{self, Faults, Server};
use crate::support::{TestContext, test_repo};

fn http_ctx(srv: &Server) -> TestContext {
    let ctx = TestContext::new();
    write_repo(&ctx, srv);
    ctx
}

fn write_repo(ctx: &TestContext, srv: &Server) {
    let url = srv.url(false);
    ctx.add_repo("spike", &url, &format!("gpgcheck=1\ngpgkey={url}/RPM-GPG-KEY-spike"));
}

fn rpms_in_cache(ctx: &TestContext) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![ctx.real_cache()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().contains(".rpm") {
                found.push(e.file_name().to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn install_update_erase_over_http() {
    let srv = server::serve(test_repo(), Faults::default());
    let ctx = http_ctx(&srv);
    let out = ctx.run(&["-y", "-q", "install", "spike-sh", "spike-filesystem", "spike-setup", "spike-alpha-1.0"]);
    assert_eq!(out.code, 0, "{}", snap(&out, &ctx));
    assert_installed(&ctx, &base_plus(&["spike-alpha-1.0-1.x86_64"]));
    assert!(rpms_in_cache(&ctx).is_empty(), "keepcache=0 left {:?}", rpms_in_cache(&ctx));
    let log = srv.log.lock().expect("log").clone();
    assert!(log.iter().any(|p| p.ends_with("/spike-sh-1.35.0-1.x86_64.rpm")), "{log:?}");

    let out = ctx.run(&["-j", "-y", "update"]);
    assert_eq!(out.code, 0, "{}", snap(&out, &ctx));
    assert_eq!(out.json()["Upgrade"][0]["Evr"], "2.0-1");
    assert_installed(&ctx, &base_plus(&["spike-alpha-2.0-1.x86_64"]));
    assert_eq!(last_row(&ctx), row("-j -y update", &["spike-alpha-2.0-1.x86_64"], &["spike-alpha-1.0-1.x86_64"]));

    let out = ctx.run(&["-y", "erase", "spike-alpha"]);
    assert_eq!(out.code, 0, "{}", snap(&out, &ctx));
    assert_installed(&ctx, &BASE);

    // keepcache=1 keeps the downloaded file.
    let out = ctx.run(&["-y", "-q", "--setopt=keepcache=1", "install", "spike-gamma"]);
    assert_eq!(out.code, 0, "{}", snap(&out, &ctx));
    assert_eq!(rpms_in_cache(&ctx), ["spike-gamma-1.0-1.noarch.rpm"]);
}

/// One package's body is cut half-way (a second server on the same
/// files, with the fault): the run fails clearly, installs nothing and
/// records nothing; the next run (the good server) succeeds and leaves no
/// package file of its own in the cache.
#[test]
fn a_download_that_dies_half_way_then_the_next_run() {
    let good = server::serve(test_repo(), Faults::default());
    let ctx = http_ctx(&good);
    let out = ctx.run(&["-y", "-q", "install", "spike-sh", "spike-filesystem", "spike-setup"]);
    assert_eq!(out.code, 0, "{}", snap(&out, &ctx));
    let rows = super::history(&ctx).len();

    let cutter = server::serve(test_repo(), Faults { truncate: vec!["spike-delta-1.0-1.noarch.rpm".into()], ..Faults::default() });
    write_repo(&ctx, &cutter);
    let out = ctx.run(&["-y", "install", "spike-gamma", "spike-delta"]);
    let url = cutter.url(false);
    let stdout = "Refreshing metadata for: 'Repo spike'\n\nInstalling:\nspike-gamma      noarch       1.0-1            spike          6.00b [DL]\nspike-delta      noarch       1.0-1            spike          6.00b [DL]\n\nTotal installed size:  12.00b\nTotal download size: [DL]";
    let size = std::fs::metadata(test_repo().join("spike-delta-1.0-1.noarch.rpm")).expect("rpm").len();
    let error = format!("{url}/spike-delta-1.0-1.noarch.rpm: request or response body error (after {} of {size} bytes)", size / 2);
    assert_eq!(snap(&out, &ctx), format!("exit: 233\n--- stdout\n{stdout}\n--- stderr\nError(1257) : {error}\n"));
    assert_installed(&ctx, &BASE);

    // -j: one document, the error (no plan object before it).
    let out = ctx.run(&["-j", "-y", "install", "spike-gamma", "spike-delta"]);
    let doc = serde_json::json!({"Error": 1257, "ErrorMessage": error}).to_string();
    assert_eq!(snap(&out, &ctx), format!("exit: 233\n--- stdout\n{doc}\n--- stderr\n\n"));
    assert_installed(&ctx, &BASE);
    assert_eq!(super::history(&ctx).len(), rows, "a failed download wrote a history row");
    // The failed runs keep what they fetched (the complete file and the
    // partial one) for the next run of the same repo.
    let left = rpms_in_cache(&ctx);
    assert_eq!(left, ["spike-delta-1.0-1.noarch.rpm.part", "spike-gamma-1.0-1.noarch.rpm"]);

    write_repo(&ctx, &good);
    let out = ctx.run(&["-y", "install", "spike-gamma", "spike-delta"]);
    assert_eq!(out.code, 0, "{}", snap(&out, &ctx));
    assert_installed(&ctx, &base_plus(&["spike-delta-1.0-1.noarch", "spike-gamma-1.0-1.noarch"]));
    assert_eq!(last_row(&ctx), row("-y install spike-gamma spike-delta", &["spike-delta-1.0-1.noarch", "spike-gamma-1.0-1.noarch"], &[]));
    assert_eq!(rpms_in_cache(&ctx), left, "the successful run left package files");
    let (ok, v) = super::rpm(&ctx, &["-V", "spike-delta", "spike-gamma"]);
    assert!(ok, "{v}");
}

//! The binary is one static ELF and runs in an empty chroot that holds only
//! itself, a config and a `file://` repo.

use std::process::Command;

use crate::support::{copy_tree, test_repo};

fn bin() -> std::path::PathBuf {
    std::env::var_os("TDNF_RELEASE_BIN").map(Into::into).unwrap_or_else(|| env!("CARGO_BIN_EXE_tdnf").into())
}

#[test]
fn binary_is_static() {
    let out = Command::new("file").arg("-L").arg(bin()).output().expect("file(1)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("static-pie linked") || text.contains("statically linked"), "{text}");
    let ldd = Command::new("ldd").arg(bin()).output().expect("ldd");
    let t = format!("{}{}", String::from_utf8_lossy(&ldd.stdout), String::from_utf8_lossy(&ldd.stderr));
    assert!(t.contains("not a dynamic executable") || t.contains("statically linked"), "{t}");
}

#[test]
fn runs_in_an_empty_chroot() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    std::fs::create_dir_all(root.join("etc/tdnf")).unwrap();
    std::fs::create_dir_all(root.join("etc/yum.repos.d")).unwrap();
    std::fs::copy(bin(), root.join("tdnf")).unwrap();
    copy_tree(test_repo(), &root.join("repo"));
    std::fs::write(root.join("etc/tdnf/tdnf.conf"), "[main]\ngpgcheck=0\n").unwrap();
    std::fs::write(root.join("etc/yum.repos.d/r.repo"), "[r]\nname=r\nbaseurl=file:///repo\nenabled=1\ngpgcheck=0\n").unwrap();
    let find = |tool: &str| ["/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/"].iter().map(|d| format!("{d}{tool}")).find(|p| std::path::Path::new(p).exists()).unwrap_or_else(|| tool.to_string());
    let chroot_cmd = |prefix: &[&str]| {
        let mut c = Command::new(find(prefix[0]));
        c.args(&prefix[1..]).arg(&root).args(["/tdnf", "-j", "--releasever=1", "list", "spike-gamma"]).env_clear();
        c.output()
    };
    let out = if nix::unistd::geteuid().is_root() {
        chroot_cmd(&["chroot"])
    } else {
        chroot_cmd(&["unshare", "--user", "--map-root-user", "chroot"])
    }
    .expect("chroot");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with(r#"[{"Name":"spike-gamma","Arch":"noarch","Evr":"1.0-1","Repo":"r"}"#), "{stdout}");
}

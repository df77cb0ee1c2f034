//! `--noscripts`, `--notriggers` and `--nodocs` against rpm's
//! `--noscripts`, `--notriggers` and `--excludedocs`.

use super::{Twin, log_line, pkg, tree};

fn watched() -> Vec<(String, String)> {
    let trig = format!(
        "%triggerin -- b\n{}%filetriggerin -- /usr/share/b\n{}cat >> /log\n",
        log_line("a-1.0", "triggerin-b"),
        log_line("a-1.0", "filetriggerin")
    );
    vec![pkg("a", "1.0", "", "", "", &trig), pkg("b", "1.0", "", "", "", ""), pkg("b", "2.0", "", "", "", "")]
}

#[test]
fn noscripts() {
    let twin = Twin::new(&watched());
    twin.step("install", &["--noscripts"], &["a-1.0"]);
    twin.step("install", &["--noscripts"], &["b-1.0"]);
    twin.step("upgrade", &["--noscripts"], &["b-2.0"]);
    twin.step("erase", &["--noscripts"], &["b"]);
    twin.step("erase", &[], &["a"]);
}

#[test]
fn notriggers() {
    let twin = Twin::new(&watched());
    twin.step("install", &[], &["a-1.0"]);
    twin.step("install", &["--notriggers"], &["b-1.0"]);
    twin.step("upgrade", &["--notriggers"], &["b-2.0"]);
    twin.step("erase", &["--notriggers"], &["b"]);
}

#[test]
fn excludedocs() {
    let install = "mkdir -p %{buildroot}/usr/share/doc/d %{buildroot}/usr/share/licenses/d\n\
                   echo doc > %{buildroot}/usr/share/doc/d/README\necho mit > %{buildroot}/usr/share/licenses/d/LICENSE";
    let files = "%doc /usr/share/doc/d/README\n%license /usr/share/licenses/d/LICENSE";
    let twin = Twin::new(&[pkg("d", "1.0", "", install, files, ""), pkg("d", "2.0", "", install, files, "")]);
    twin.step("install", &["--excludedocs"], &["d-1.0"]);
    assert_eq!(tree(&twin.our_root), tree(&twin.rpm_root));
    assert!(!twin.rpm_root.join("usr/share/doc/d/README").exists(), "rpm installed the doc");
    twin.step("upgrade", &[], &["d-2.0"]);
    assert_eq!(tree(&twin.our_root), tree(&twin.rpm_root));
    twin.step("erase", &[], &["d"]);
    assert_eq!(tree(&twin.our_root), tree(&twin.rpm_root));
}

//! Our engine on a root the real rpm wrote: rpm installs into both roots,
//! then rpm and we upgrade and erase; afterwards rpm must still read our
//! root (`-Va` clean) and erase what remains.

use super::{Twin, log_line, pkg, rpm_in, va};

#[test]
fn upgrade_and_erase_in_a_root_rpm_wrote() {
    let trig = format!(
        "%triggerin -- b\n{}%triggerpostun -- b\n{}%filetriggerin -- /usr/share/b\n{}cat >> /log\n%transfiletriggerpostun -- /usr/share/b\n{}",
        log_line("a-1.0", "triggerin-b"),
        log_line("a-1.0", "triggerpostun-b"),
        log_line("a-1.0", "filetriggerin"),
        log_line("a-1.0", "transfiletriggerpostun"),
    );
    let cfg = "mkdir -p %{buildroot}/etc\necho VER > %{buildroot}/etc/b.conf";
    let twin = Twin::new(&[
        pkg("a", "1.0", "", "", "", &trig),
        pkg("b", "1.0", "", &cfg.replace("VER", "1"), "%config /etc/b.conf", ""),
        pkg("b", "2.0", "", &cfg.replace("VER", "2"), "%config /etc/b.conf", ""),
        pkg("c", "1.0", "", "", "", ""),
    ]);
    let files: Vec<String> = ["a-1.0", "b-1.0", "c-1.0"].iter().map(|k| twin.file(k)).collect();
    for root in [&twin.rpm_root, &twin.our_root] {
        let mut args = vec!["-i", "--nodeps"];
        args.extend(files.iter().map(String::as_str));
        let o = rpm_in(root, &args);
        assert_eq!(o.code, 0, "{o:?}");
    }
    twin.assert_same("rpm -i into both");
    for root in [&twin.rpm_root, &twin.our_root] {
        std::fs::write(root.join("etc/b.conf"), "mine\n").unwrap();
    }
    twin.step("upgrade", &[], &["b-2.0"]);
    twin.step("erase", &[], &["c"]);
    assert_eq!(va(&twin.our_root), va(&twin.rpm_root));
    // rpm itself erases what we left.
    for root in [&twin.rpm_root, &twin.our_root] {
        let o = rpm_in(root, &["-e", "--nodeps", "a", "b"]);
        assert_eq!(o.code, 0, "{o:?}");
    }
    twin.assert_same("rpm -e of the rest");
    assert_eq!(super::tree(&twin.our_root), super::tree(&twin.rpm_root));
}

#[test]
fn rpm_upgrades_what_we_installed() {
    let twin = Twin::new(&[pkg("b", "1.0", "", "", "", ""), pkg("b", "2.0", "", "", "", "")]);
    twin.step("install", &[], &["b-1.0"]);
    let file = twin.file("b-2.0");
    for root in [&twin.rpm_root, &twin.our_root] {
        let o = rpm_in(root, &["-U", "--nodeps", &file]);
        assert_eq!(o.code, 0, "{o:?}");
    }
    twin.assert_same("rpm -U over ours");
}

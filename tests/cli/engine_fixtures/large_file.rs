//! A sparse 4500 MiB file: over 4 GiB, so rpmbuild stores its size in
//! LONGFILESIZES, requires `rpmlib(LargeFiles)` and writes the payload
//! with the stripped `07070X` cpio headers (sizes come from the header).
//! Our engine must install it as rpm does, and stream it: its peak RSS
//! stays small.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{TIMEOUT_SECS, assert_same_tree, ok, rpm, rpm_host, rpmbuild, tree, va};
use crate::support::Output;

/// Peak RSS (VmHWM) our engine may reach while installing the package.
const PEAK_LIMIT_KIB: u64 = 200 * 1024;

const SPEC: &str = "Name: bigsparse\nVersion: 1.0\nRelease: 1\nSummary: big\nLicense: MIT\nBuildArch: noarch\n\
%description\nA sparse file over 4 GiB.\n\
%install\nmkdir -p %{buildroot}/opt/big\ntruncate -s 4500M %{buildroot}/opt/big/sparse\necho small > %{buildroot}/opt/big/small\n\
%files\n/opt/big\n";

/// `VmHWM` of process `pid` in KiB, if it is still there.
fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Run `tdnf __engine --root <root> <args>`, polling its VmHWM until it
/// exits; returns its output and the last (highest) VmHWM seen.
fn engine_with_peak(root: &Path, args: &[&str]) -> (Output, u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tdnf"))
        .arg("__engine")
        .arg("--root")
        .arg(root)
        .args(args)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tdnf");
    let deadline = Instant::now() + Duration::from_secs(TIMEOUT_SECS.into());
    let mut peak = 0;
    while child.try_wait().expect("try_wait").is_none() {
        if let Some(kib) = vm_hwm(child.id()) {
            peak = peak.max(kib);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("tdnf __engine {args:?} still running after {TIMEOUT_SECS} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("wait");
    let output = Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    (output, peak)
}

/// The first 6 bytes of the (zstd) payload of `pkg`: after the 96-byte
/// lead, the signature header (padded to 8) and the main header, each
/// 16 bytes of intro + 16 per index entry + the data length.
fn payload_magic(pkg: &Path) -> [u8; 6] {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(pkg).expect("open rpm");
    let header_len = |f: &mut std::fs::File| -> u64 {
        let mut intro = [0u8; 16];
        f.read_exact(&mut intro).expect("header intro");
        assert_eq!(intro[..4], [0x8e, 0xad, 0xe8, 0x01], "no header magic");
        let be = |b: &[u8]| u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
        16 + be(&intro[8..12]) * 16 + be(&intro[12..16])
    };
    f.seek(SeekFrom::Start(96)).expect("seek");
    let sig = header_len(&mut f);
    f.seek(SeekFrom::Start(96 + sig.next_multiple_of(8))).expect("seek");
    let main = header_len(&mut f);
    f.seek(SeekFrom::Start(96 + sig.next_multiple_of(8) + main)).expect("seek");
    let mut magic = [0u8; 6];
    zstd::stream::read::Decoder::new(f).expect("zstd").read_exact(&mut magic).expect("payload start");
    magic
}

/// `rpm -qlv` of the package in `root` (sizes, modes, mtimes, owners).
fn qlv(root: &Path) -> String {
    let o = rpm(root, &["-qlv", "bigsparse"]);
    ok("rpm -qlv", &o);
    o.stdout
}

/// About 50 s here (rpmbuild ~20 s, rpm's root ~12 s, ours ~11 s), and
/// 4.5 GiB of disk at a time.
#[test]
fn sparse_file_over_4_gib() {
    let start = Instant::now();
    let tmp = tempfile::tempdir().expect("tmp");
    let pkg = rpmbuild(tmp.path(), "bigsparse", SPEC, &[("_binary_payload", "w1.zstdio")]);
    let pkg_s = pkg.display().to_string();
    let built = start.elapsed();

    // What rpmbuild made: the large-file form of a package.
    let req = rpm_host(&["-qp", "--nosignature", "--requires", &pkg_s]);
    assert!(req.stdout.contains("rpmlib(LargeFiles)"), "{req:?}");
    let sizes = rpm_host(&["-qp", "--nosignature", "--qf", "[%{filenames} %{longfilesizes}\n]", &pkg_s]);
    assert!(sizes.stdout.contains("/opt/big/sparse 4718592000\n"), "{sizes:?}");
    // (rpm2cpio refuses: "files over 4GB not supported by cpio".)
    assert_eq!(payload_magic(&pkg), *b"07070X", "payload is not in the large-file cpio format");

    // rpm's root first, then ours: one 4.5 GiB file on disk at a time.
    let rpm_root = tmp.path().join("rpm-root");
    std::fs::create_dir_all(&rpm_root).expect("mkdir");
    ok("rpm -i", &rpm(&rpm_root, &["-i", "--nodeps", "--nosignature", &pkg_s]));
    let (rpm_qlv, rpm_tree) = (qlv(&rpm_root), tree(&rpm_root, false, &[]));
    assert_eq!(va(&rpm_root), "", "rpm -Va of rpm's own root");
    std::fs::remove_dir_all(&rpm_root).expect("rm rpm root");
    let rpm_done = start.elapsed();

    let our_root = tmp.path().join("our-root");
    std::fs::create_dir_all(&our_root).expect("mkdir");
    let (out, peak_kib) = engine_with_peak(&our_root, &["install", &pkg_s]);
    ok("tdnf __engine install", &out);
    let ours_done = start.elapsed();
    assert!(peak_kib > 0, "VmHWM was never read");
    assert!(peak_kib < PEAK_LIMIT_KIB, "our engine peaked at {peak_kib} KiB: it does not stream the payload");
    assert_eq!(std::fs::metadata(our_root.join("opt/big/sparse")).expect("stat").len(), 4_718_592_000);
    assert_eq!(qlv(&our_root), rpm_qlv, "rpm -qlv differs (left: ours, right: rpm)");
    assert_same_tree(&tree(&our_root, false, &[]), &rpm_tree, "after the install");
    // -V digests the whole file against the header's SHA-256.
    assert_eq!(va(&our_root), "", "rpm -Va of our root");
    std::fs::remove_dir_all(&our_root).expect("rm our root");
    eprintln!(
        "sparse_file_over_4_gib: rpmbuild {built:?}, rpm root {:?}, our install {:?}, total {:?}; our peak RSS {peak_kib} KiB",
        rpm_done - built,
        ours_done - rpm_done,
        start.elapsed()
    );
}

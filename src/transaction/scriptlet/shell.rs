//! Plain scriptlets read from a header, and running a non-Lua scriptlet:
//! fork, chroot into the root, exec the interpreter on the body written to
//! a temp file under the root's `/var/tmp`.
//!
//! Mirrors rpm 4.18 `lib/rpmscript.c`:
//!
//! * `rpmScriptFromTag`: a scriptlet exists when the header has its body tag
//!   or its `*PROG` tag; the prog is a STRING (`-p /bin/foo`) or, when it has
//!   arguments (`-p "/bin/foo -x"`), a STRING_ARRAY; `/bin/sh` when absent.
//!   rpmbuild stores no body tag for an empty body.
//! * `runExtScript`: with a body, the body goes to a fresh
//!   `/var/tmp/rpm-tmp.XXXXXX` (`rpmMkTempFile`, mode 0600) and the command
//!   is `prog[0] prog[1..] <tempfile> $1 [$2]` (each numeric argument only
//!   when `>= 0`); without a body (`%post -p /sbin/ldconfig`) it is
//!   `prog[0] prog[1..]` alone: rpm passes no `$1`/`$2` then. The temp file
//!   is unlinked afterwards, whatever the outcome.
//! * `doScriptExec`: cwd `/`, `PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/X11R6/bin`
//!   (rpm's default `%_install_script_path`), the rest of the environment
//!   inherited, `execv` (no `PATH` search: a relative interpreter is taken
//!   relative to `/`). rpm feeds stdin through a pipe it closes at once
//!   (or after writing a file trigger's paths); we give `/dev/null`, or the
//!   paths from an in-memory file, so the child sees the same bytes and EOF
//!   and nothing can deadlock.
//!
//! rpm chroots its whole process (`rpmChrootIn`); we chroot only the child,
//! in `pre_exec`, through the root's directory descriptor opened before the
//! fork (no chroot when the root is the running system's `/`). Exit status:
//! non-zero → [`ScriptError::Failed`] with that status; killed by signal `n`
//! → `Failed` with status `128 + n` (the shell's convention, as `mod.rs`
//! documents); an interpreter that cannot be executed → [`ScriptError::CannotRun`]
//! with rpm's `execv(<prog>) failed: <strerror>` wording.
//!
//! Not supported: `RPMSCRIPT_FLAG_EXPAND` / `RPMSCRIPT_FLAG_QFORMAT` bodies
//! (`%post -e`/`-q`) need rpm's macro engine or query formats; such a
//! scriptlet is refused with `CannotRun` rather than run unexpanded.
//! `RPM_INSTALL_PREFIX*` (relocatable packages) are not set.

use std::fs::File;
use std::hash::{BuildHasher, Hasher};
use std::io::{Seek, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};

use nix::errno::Errno;
use nix::fcntl::{OFlag, openat};
use nix::sys::memfd::{MFdFlags, memfd_create};
use nix::sys::stat::{Mode, fstat, stat};
use nix::unistd::{Uid, UnlinkatFlags, unlinkat};

use super::{Kind, Output, Runner, Script, ScriptError};
use crate::fsroot::Root;
use crate::rpm::header::Header;
use crate::rpm::tags::*;

/// rpm's `SCRIPT_PATH`, the `PATH` every external scriptlet gets.
pub(super) const SCRIPT_PATH: &str = "/sbin:/bin:/usr/sbin:/usr/bin:/usr/X11R6/bin";
/// The interpreter when the header names none.
const DEFAULT_SHELL: &str = "/bin/sh";
/// Where rpm writes scriptlet bodies (`%_tmppath`), inside the root.
const TMP_DIR: &str = "/var/tmp";

/// The (body, prog, flags) tags of a plain scriptlet kind (rpm's `scriptInfo`).
fn tags_of(kind: Kind) -> Option<(u32, u32, u32)> {
    Some(match kind {
        Kind::Pre => (RPMTAG_PREIN, RPMTAG_PREINPROG, RPMTAG_PREINFLAGS),
        Kind::Post => (RPMTAG_POSTIN, RPMTAG_POSTINPROG, RPMTAG_POSTINFLAGS),
        Kind::PreUn => (RPMTAG_PREUN, RPMTAG_PREUNPROG, RPMTAG_PREUNFLAGS),
        Kind::PostUn => (RPMTAG_POSTUN, RPMTAG_POSTUNPROG, RPMTAG_POSTUNFLAGS),
        Kind::PreTrans => (RPMTAG_PRETRANS, RPMTAG_PRETRANSPROG, RPMTAG_PRETRANSFLAGS),
        Kind::PostTrans => (RPMTAG_POSTTRANS, RPMTAG_POSTTRANSPROG, RPMTAG_POSTTRANSFLAGS),
        Kind::PreUnTrans => (RPMTAG_PREUNTRANS, RPMTAG_PREUNTRANSPROG, RPMTAG_PREUNTRANSFLAGS),
        Kind::PostUnTrans => (RPMTAG_POSTUNTRANS, RPMTAG_POSTUNTRANSPROG, RPMTAG_POSTUNTRANSFLAGS),
        _ => return None,
    })
}

/// The plain scriptlet of `kind` in `h` (`rpmScriptFromTag`); `None` for
/// trigger kinds and when the header has neither the body nor the prog tag.
/// Bodies that are not UTF-8 are read lossily rather than dropped.
pub(super) fn script_from_header(h: &Header, kind: Kind) -> Option<Script> {
    let (body_tag, prog_tag, flags_tag) = tags_of(kind)?;
    if !h.has(body_tag) && !h.has(prog_tag) {
        return None;
    }
    let body = h.string_lossy(body_tag).map(|b| b.into_owned()).unwrap_or_default();
    // `string_array_lossy` takes a STRING as a one-element array.
    let mut prog: Vec<String> = h.string_array_lossy(prog_tag).into_iter().map(|p| p.into_owned()).collect();
    if prog.is_empty() {
        prog.push(DEFAULT_SHELL.to_owned());
    }
    Some(Script { kind, prog, body, flags: h.u32(flags_tag).unwrap_or(0) })
}

/// The body written to a fresh `rpm-tmp.XXXXXX` in the root's `/var/tmp`;
/// unlinked on drop (through the directory descriptor, so it is the file
/// we made even if the script moved things around).
struct TempScript {
    dir: OwnedFd,
    name: String,
}

impl TempScript {
    /// `rpmMkTempFile` + `writeScript`: `O_CREAT|O_EXCL|O_NOFOLLOW`, 0600,
    /// `/var/tmp` created (0755) when missing, all resolved inside the root.
    fn create(root: &Root, body: &str) -> Result<TempScript, String> {
        root.mkdir_all(TMP_DIR, 0o755).map_err(|e| e.to_string())?;
        let (dir, _) = root.resolve_parent(&format!("{TMP_DIR}/x")).map_err(|e| e.to_string())?;
        let flags = OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        let mut last = Errno::EEXIST;
        for attempt in 0..100u32 {
            let name = format!("rpm-tmp.{}", random_suffix(attempt));
            match openat(&dir, name.as_str(), flags, Mode::from_bits_truncate(0o600)) {
                Ok(fd) => {
                    let tmp = TempScript { dir, name };
                    let mut f = File::from(fd);
                    f.write_all(body.as_bytes()).map_err(|e| format!("{}: {e}", tmp.path()))?;
                    return Ok(tmp);
                }
                Err(Errno::EEXIST) => last = Errno::EEXIST,
                Err(e) => return Err(format!("{TMP_DIR}/{name}: {}", e.desc())),
            }
        }
        Err(format!("{TMP_DIR}/rpm-tmp.XXXXXX: {}", last.desc()))
    }

    /// The path the script sees (inside the root).
    fn path(&self) -> String {
        format!("{TMP_DIR}/{}", self.name)
    }
}

impl Drop for TempScript {
    fn drop(&mut self) {
        let _ = unlinkat(&self.dir, self.name.as_str(), UnlinkatFlags::NoRemoveDir);
    }
}

/// Six characters of `[A-Za-z0-9]`, different on every call (randomly
/// keyed hasher over pid, time and attempt); `O_EXCL` settles collisions.
fn random_suffix(attempt: u32) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_u32(attempt);
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    let mut v = h.finish();
    (0..6)
        .map(|_| {
            let c = CHARS[(v % CHARS.len() as u64) as usize];
            v /= CHARS.len() as u64;
            char::from(c)
        })
        .collect()
}

/// Whether `root` is the running system's `/` (same device and inode).
fn is_host_root(root: &Root) -> Result<bool, String> {
    let r = fstat(root.as_fd()).map_err(|e| format!("stat root: {}", e.desc()))?;
    let h = stat("/").map_err(|e| format!("stat /: {}", e.desc()))?;
    Ok(r.st_dev == h.st_dev && r.st_ino == h.st_ino)
}

/// The child's stdin: `/dev/null` (opened before the chroot) or an
/// in-memory file holding `data`, rewound.
fn stdin_for(data: Option<&[u8]>) -> Result<Stdio, String> {
    let Some(data) = data else {
        return File::open("/dev/null").map(Stdio::from).map_err(|e| format!("/dev/null: {e}"));
    };
    let fd =
        memfd_create(c"rpm-script-stdin", MFdFlags::MFD_CLOEXEC).map_err(|e| format!("memfd_create: {}", e.desc()))?;
    let mut f = File::from(fd);
    f.write_all(data).and_then(|()| f.rewind()).map_err(|e| format!("scriptlet input: {e}"))?;
    Ok(Stdio::from(f))
}

/// The child's stdout.
fn stdout_for(output: Output) -> Result<Stdio, String> {
    match output {
        Output::Inherit => Ok(Stdio::inherit()),
        Output::StdoutToStderr => {
            let fd = std::io::stderr().as_fd().try_clone_to_owned().map_err(|e| format!("dup stderr: {e}"))?;
            Ok(Stdio::from(fd))
        }
    }
}

/// Run a non-Lua scriptlet (see the module docs for rpm's rules).
pub(super) fn run(r: &Runner, pkg: &str, s: &Script, args: &[i64], stdin: Option<&[u8]>) -> Result<(), ScriptError> {
    let cannot = |why: String| ScriptError::CannotRun { pkg: pkg.to_owned(), kind: s.kind, why };
    if !s.body.is_empty() && s.flags & (RPMSCRIPT_FLAG_EXPAND | RPMSCRIPT_FLAG_QFORMAT) != 0 {
        return Err(cannot(format!(
            "scriptlet flags {:#x}: macro/queryformat expansion of the body (RPMSCRIPT_FLAG_EXPAND/QFORMAT) is not supported",
            s.flags
        )));
    }
    let root = Root::open(&r.root).map_err(|e| cannot(e.to_string()))?;
    let chroot = !is_host_root(&root).map_err(cannot)?;
    if chroot && !Uid::effective().is_root() {
        return Err(cannot(format!("chroot({}) needs root privileges", r.root.display())));
    }
    let (interp, interp_args) = match s.prog.split_first() {
        Some((first, rest)) => (first.as_str(), rest),
        None => (DEFAULT_SHELL, &[][..]),
    };
    let tmp = if s.body.is_empty() {
        None
    } else {
        let t = TempScript::create(&root, &s.body)
            .map_err(|e| cannot(format!("Couldn't create temporary file for {}: {e}", s.kind.tag_name())))?;
        Some(t)
    };
    // execv semantics: no PATH search; cwd is `/` when the exec happens.
    let exe = if interp.contains('/') { interp.to_owned() } else { format!("/{interp}") };
    let mut cmd = Command::new(&exe);
    cmd.arg0(interp).args(interp_args).env("PATH", SCRIPT_PATH);
    if let Some(t) = &tmp {
        cmd.arg(t.path()).args(args.iter().filter(|&&a| a >= 0).map(i64::to_string));
    }
    cmd.stdin(stdin_for(stdin).map_err(cannot)?).stdout(stdout_for(r.output).map_err(cannot)?);
    let root_fd = root.as_fd().as_raw_fd();
    // SAFETY: the closure runs in the forked child before exec and only makes
    // async-signal-safe system calls (fchdir, chroot, chdir) on a descriptor
    // and static C strings prepared before the fork; it allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            if chroot && (libc::fchdir(root_fd) != 0 || libc::chroot(c".".as_ptr()) != 0) {
                return Err(std::io::Error::last_os_error());
            }
            if libc::chdir(c"/".as_ptr()) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    // What we printed so far goes out before the scriptlet's output.
    let _ = std::io::stdout().flush();
    let status = spawn(&mut cmd)
        .and_then(|mut child| child.wait())
        .map_err(|e| cannot(format!("execv({interp}) failed: {}", strerror(&e))))?;
    drop(tmp);
    match (status.code(), status.signal()) {
        (Some(0), _) => Ok(()),
        (Some(code), _) => Err(ScriptError::Failed { pkg: pkg.to_owned(), kind: s.kind, status: code }),
        (None, sig) => Err(ScriptError::Failed { pkg: pkg.to_owned(), kind: s.kind, status: 128 + sig.unwrap_or(0) }),
    }
}

/// Spawn, retrying a few times on `ETXTBSY`: an interpreter written just
/// before (by us, or in a test root) can still be open for writing in a
/// child another thread forked and has not exec'ed yet, for a moment.
fn spawn(cmd: &mut Command) -> std::io::Result<std::process::Child> {
    let mut attempt = 0;
    loop {
        match cmd.spawn() {
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) && attempt < 5 => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(20 * attempt));
            }
            r => return r,
        }
    }
}

/// `strerror` wording of an I/O error (without Rust's " (os error N)").
fn strerror(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(n) => Errno::from_raw(n).desc().to_owned(),
        None => e.to_string(),
    }
}

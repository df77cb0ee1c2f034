//! File capabilities: rpm's FILECAPS text (`cap_from_text` syntax, as
//! libcap parses it) into the `security.capability` xattr, `vfs_cap_data`
//! revision 2, exactly as libcap's `cap_set_fd` writes it.
//!
//! Syntax: whitespace-separated clauses, each a comma-separated list of
//! capability names (`cap_net_raw`, case-insensitive, or a number) or `all`,
//! then one or more operator/flags pairs: `=` (clear the listed caps in all
//! three sets, then raise them in the flagged ones; an empty list means all),
//! `+` (raise) and `-` (lower), flags from `e`, `i`, `p`. The sets start
//! empty. As in libcap, the effective set must be empty or cover the
//! permitted and inheritable sets (it is one bit in the xattr).

use std::os::fd::{AsRawFd, BorrowedFd};

use super::{FsError, Result};

/// The capability names the kernel knows, by number (`CAP_LAST_CAP` = 40).
const NAMES: [&str; 41] = [
    "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid",
    "setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw",
    "ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
    "sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod",
    "lease", "audit_write", "audit_control", "setfcap", "mac_override", "mac_admin", "syslog",
    "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
];

/// `VFS_CAP_REVISION_2`.
const REVISION_2: u32 = 0x0200_0000;
/// `VFS_CAP_FLAGS_EFFECTIVE`.
const FLAGS_EFFECTIVE: u32 = 0x0000_0001;
/// The xattr's name.
const XATTR: &std::ffi::CStr = c"security.capability";

/// The three capability sets, one bit per capability.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Sets {
    effective: u64,
    permitted: u64,
    inheritable: u64,
}

/// Every capability [`NAMES`] lists (what `all` means).
const ALL: u64 = (1u64 << NAMES.len()) - 1;

fn cap_number(word: &str) -> Option<u64> {
    if word.eq_ignore_ascii_case("all") {
        return Some(ALL);
    }
    if let Ok(n) = word.parse::<u32>() {
        return (n < 64).then(|| 1u64 << n);
    }
    let lower = word.to_ascii_lowercase();
    let name = lower.strip_prefix("cap_")?;
    NAMES.iter().position(|n| *n == name).map(|i| 1u64 << i)
}

/// Apply one clause (`caps` op flags op flags ...) to `sets`.
fn apply_clause(sets: &mut Sets, clause: &str) -> std::result::Result<(), &'static str> {
    let op_at = clause.find(['=', '+', '-']).ok_or("a clause has no operator")?;
    let (list, mut rest) = clause.split_at(op_at);
    let mut caps = 0u64;
    for word in list.split(',').filter(|w| !w.is_empty()) {
        caps |= cap_number(word).ok_or("unknown capability name")?;
    }
    let empty_list = list.is_empty();
    while let Some(op) = rest.chars().next() {
        rest = &rest[1..];
        let end = rest.find(['=', '+', '-']).unwrap_or(rest.len());
        let (flags, tail) = rest.split_at(end);
        rest = tail;
        let (mut e, mut i, mut p) = (false, false, false);
        for c in flags.chars() {
            match c.to_ascii_lowercase() {
                'e' => e = true,
                'i' => i = true,
                'p' => p = true,
                _ => return Err("unknown capability flag"),
            }
        }
        let set = |on: bool, v: &mut u64, caps: u64, raise: bool| {
            if on {
                if raise { *v |= caps } else { *v &= !caps }
            }
        };
        match op {
            '=' => {
                if empty_list {
                    caps = ALL;
                }
                sets.effective &= !caps;
                sets.permitted &= !caps;
                sets.inheritable &= !caps;
                set(e, &mut sets.effective, caps, true);
                set(i, &mut sets.inheritable, caps, true);
                set(p, &mut sets.permitted, caps, true);
            }
            '+' | '-' if !empty_list && !flags.is_empty() => {
                let raise = op == '+';
                set(e, &mut sets.effective, caps, raise);
                set(i, &mut sets.inheritable, caps, raise);
                set(p, &mut sets.permitted, caps, raise);
            }
            _ => return Err("'+' and '-' need capabilities and flags"),
        }
    }
    Ok(())
}

/// The `security.capability` value for the FILECAPS text `text`.
pub fn vfs_cap_data(text: &str) -> std::result::Result<[u8; 20], &'static str> {
    let mut sets = Sets::default();
    let mut any = false;
    for clause in text.split_ascii_whitespace() {
        apply_clause(&mut sets, clause)?;
        any = true;
    }
    if !any {
        return Err("no capabilities");
    }
    if sets.effective != 0 && (sets.permitted | sets.inheritable) & !sets.effective != 0 {
        return Err("the effective set must be empty or cover the permitted and inheritable sets");
    }
    let magic = REVISION_2 | if sets.effective != 0 { FLAGS_EFFECTIVE } else { 0 };
    let mut out = [0u8; 20];
    let words = [
        magic,
        sets.permitted as u32,
        sets.inheritable as u32,
        (sets.permitted >> 32) as u32,
        (sets.inheritable >> 32) as u32,
    ];
    for (chunk, w) in out.chunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&w.to_le_bytes());
    }
    Ok(out)
}

/// Set the capabilities `text` on the open file `fd` (`path` for messages).
pub(super) fn set_caps_fd(fd: BorrowedFd<'_>, path: &str, text: &str) -> Result<()> {
    let value = vfs_cap_data(text).map_err(|reason| FsError::BadCaps {
        path: path.to_owned(),
        text: text.to_owned(),
        reason,
    })?;
    // SAFETY: `fd` is an open descriptor for the duration of the call, XATTR
    // is NUL-terminated, and `value` is a live buffer of `value.len()` bytes.
    let rc = unsafe {
        libc::fsetxattr(fd.as_raw_fd(), XATTR.as_ptr(), value.as_ptr().cast(), value.len(), 0)
    };
    if rc != 0 {
        return Err(FsError::Io { op: "setcap", path: path.to_owned(), source: std::io::Error::last_os_error() });
    }
    Ok(())
}

/// Remove the capabilities of the open file `fd`; errors are ignored (a
/// file without them, or a filesystem without xattrs, is fine).
pub(super) fn clear_caps_fd(fd: BorrowedFd<'_>) {
    // SAFETY: `fd` is an open descriptor and XATTR is NUL-terminated.
    let _ = unsafe { libc::fremovexattr(fd.as_raw_fd(), XATTR.as_ptr()) };
}

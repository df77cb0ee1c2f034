//! Mode strings of rpm's lposix (`rpmio/modemuncher.c`): `modechopper`
//! renders a mode as `rwxr-xr-x` (setuid/setgid as `s`/`S`; the sticky bit
//! is not shown), `mode_munch` applies a mode string to a mode, in one of
//! three forms: octal (`0644`), `rwxrwxrwx` (`-` clears, `s` at the user
//! or group execute position sets setuid/setgid; setuid and setgid are
//! otherwise cleared), or `[ugoa]*[+-=][rwxs]*` clauses separated by `,`.

/// The nine permission bits in `rwxrwxrwx` order.
const BITS: [(u8, u32); 9] = [
    (b'r', 0o400),
    (b'w', 0o200),
    (b'x', 0o100),
    (b'r', 0o040),
    (b'w', 0o020),
    (b'x', 0o010),
    (b'r', 0o004),
    (b'w', 0o002),
    (b'x', 0o001),
];
const S_ISUID: u32 = 0o4000;
const S_ISGID: u32 = 0o2000;

/// `modechopper`: `mode` as nine `rwx` characters.
pub(crate) fn chop(mode: u32) -> String {
    let mut p: Vec<u8> = BITS.iter().map(|&(c, b)| if mode & b != 0 { c } else { b'-' }).collect();
    if mode & S_ISUID != 0 {
        p[2] = if mode & 0o100 != 0 { b's' } else { b'S' };
    }
    if mode & S_ISGID != 0 {
        p[5] = if mode & 0o010 != 0 { b's' } else { b'S' };
    }
    String::from_utf8_lossy(&p).into_owned()
}

/// `mode_munch`: `mode` changed by `spec`, or `None` for a bad spec.
pub(crate) fn munch(mode: u32, spec: &str) -> Option<u32> {
    let p = spec.as_bytes();
    match p.first() {
        Some(b'r' | b'-') => return rwx(mode, p),
        Some(b'0'..=b'7') => return u32::from_str_radix(spec, 8).ok(),
        _ => {}
    }
    let mut mode = mode;
    let mut i = 0;
    loop {
        let mut affected = 0u32;
        while let Some(&c) = p.get(i) {
            match c {
                b'u' => affected |= 0o4700,
                b'g' => affected |= 0o2070,
                b'o' => affected |= 0o1007,
                b'a' => affected |= 0o7777,
                b' ' => {}
                _ => break,
            }
            i += 1;
        }
        if affected == 0 {
            affected = 0o7777;
        }
        let op = *p.get(i)?;
        if !matches!(op, b'+' | b'-' | b'=') {
            return None;
        }
        i += 1;
        let mut change = 0u32;
        while let Some(&c) = p.get(i) {
            match c {
                b'r' => change |= 0o444,
                b'w' => change |= 0o222,
                b'x' => change |= 0o111,
                b's' => change |= 0o6000,
                b' ' => {}
                _ => break,
            }
            i += 1;
        }
        let more = match p.get(i) {
            None | Some(b' ') => false,
            Some(b',') => true,
            Some(_) => return None,
        };
        i += 1;
        if change != 0 {
            match op {
                b'+' => mode |= change & affected,
                b'-' => mode &= !(change & affected),
                _ => mode = change & affected,
            }
        }
        if !more {
            return Some(mode);
        }
    }
}

/// The `rwxrwxrwx` form (`rwxrwxrwx()`); a short string changes only the
/// positions it has.
fn rwx(mode: u32, p: &[u8]) -> Option<u32> {
    let mut m = mode & !(S_ISUID | S_ISGID);
    for (k, (&c, &(want, bit))) in p.iter().zip(BITS.iter()).enumerate() {
        if c == want {
            m |= bit;
        } else if c == b'-' {
            m &= !bit;
        } else if c == b's' {
            match k {
                2 => m |= S_ISUID | 0o100,
                5 => m |= S_ISGID | 0o010,
                _ => return None,
            }
        }
    }
    Some(m)
}

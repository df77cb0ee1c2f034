//! Owners by name from the *root's* `/etc/passwd` and `/etc/group` (rpm
//! 4.19 `lib/rpmug.c`), read through the confined resolution, never NSS.

use super::Root;

/// Enough for any real passwd/group file.
const MAX_FILE: u64 = 16 << 20;

/// The id in field 3 of the line of `file` whose first field is `name`.
fn lookup(root: &Root, file: &str, name: &str) -> Option<u32> {
    if name == "root" {
        return Some(0);
    }
    if name.is_empty() || name.contains(':') || name.contains('\n') {
        return None;
    }
    let data = root.read_file(file, MAX_FILE).ok()?;
    let text = String::from_utf8_lossy(&data);
    text.lines().find_map(|line| {
        let mut fields = line.split(':');
        if fields.next()? != name {
            return None;
        }
        fields.nth(1)?.trim().parse().ok()
    })
}

/// The uid of user `name` in the root's `/etc/passwd` (`root` is always 0).
pub fn lookup_user(root: &Root, name: &str) -> Option<u32> {
    lookup(root, "/etc/passwd", name)
}

/// The gid of group `name` in the root's `/etc/group` (`root` is always 0).
pub fn lookup_group(root: &Root, name: &str) -> Option<u32> {
    lookup(root, "/etc/group", name)
}

/// [`lookup_user`], or 0 with rpm's warning recorded in `root`.
pub fn user_id_or_root(root: &Root, name: &str) -> u32 {
    lookup_user(root, name).unwrap_or_else(|| {
        root.warn(format!("user {name} does not exist - using root"));
        0
    })
}

/// [`lookup_group`], or 0 with rpm's warning recorded in `root`.
pub fn group_id_or_root(root: &Root, name: &str) -> u32 {
    lookup_group(root, name).unwrap_or_else(|| {
        root.warn(format!("group {name} does not exist - using root"));
        0
    })
}

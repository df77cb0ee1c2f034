//! Path identity: when two file-list entries are the same file.
//!
//! rpm does not compare path strings: it compares *fingerprints*
//! (`lib/fprint.c`), the identity of a file's directory plus its base name.
//! The directory is looked up on disk with `stat` (so `/bin/sh` and
//! `/usr/bin/sh` are the same file when `/bin -> usr/bin`), and the part of
//! the directory that does not exist yet is matched against the symlinks the
//! incoming packages will create (`fpCachePopulate`, `fpLookupSubdir`). The
//! base name itself is never followed.
//!
//! We do the same with strings: [`Fingerprints::key`] rewrites the directory
//! of a path to its canonical form, resolving every symlinked component
//! (on disk first; for a component absent from disk, an incoming package's
//! symlink at that path), and keeps the base name. Directory results are
//! cached, so each distinct directory costs one `readlink`.

use std::borrow::Cow;
use std::collections::HashMap;

use super::disk::Disk;

/// The most symlinks followed while canonicalising one directory.
const MAX_HOPS: u32 = 40;

/// Canonical keys of paths, over one [`Disk`] and the incoming symlinks.
pub(super) struct Fingerprints<'d, 'a> {
    disk: &'d dyn Disk,
    /// Symlinks the incoming packages will create: path → target.
    links: HashMap<&'a str, &'a str>,
    /// Directory → its canonical form when that differs.
    dirs: HashMap<String, Option<String>>,
}

/// `(directory, base name)` of an absolute path; the directory of a
/// top-level name is `/`.
pub(super) fn split(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(0) => ("/", &path[1..]),
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("/", path),
    }
}

/// `dir/name` (no doubled slash at the root).
fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// Lexical normalisation of an absolute path: empty and `.` components
/// dropped, `..` goes up one level but never above `/`.
fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    format!("/{}", out.join("/"))
}

impl<'d, 'a> Fingerprints<'d, 'a> {
    /// Keys over `disk`, with `links` the (path, target) pairs of the
    /// symlinks the incoming packages install.
    pub(super) fn new(
        disk: &'d dyn Disk,
        links: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        Fingerprints {
            disk,
            links: links.into_iter().collect(),
            dirs: HashMap::new(),
        }
    }

    /// The key of `path`: its canonical directory and its base name.
    pub(super) fn key<'p>(&mut self, path: &'p str) -> Cow<'p, str> {
        let (dir, base) = split(path);
        let canon = self.canon(dir, 0);
        if canon == dir {
            Cow::Borrowed(path)
        } else {
            Cow::Owned(join(&canon, base))
        }
    }

    /// The canonical form of the directory `dir`.
    fn canon(&mut self, dir: &str, hops: u32) -> String {
        if dir.is_empty() || dir == "/" {
            return "/".to_owned();
        }
        if let Some(known) = self.dirs.get(dir) {
            return known.clone().unwrap_or_else(|| dir.to_owned());
        }
        let (parent, name) = split(dir);
        let parent = self.canon(parent, hops);
        let here = join(&parent, name);
        let target = self.disk.readlink(&here).or_else(|| {
            let t = self.links.get(here.as_str())?;
            self.disk.lstat(&here).is_none().then(|| (*t).to_owned())
        });
        let out = match target {
            Some(t) if hops < MAX_HOPS => {
                let abs = if t.starts_with('/') {
                    normalize(&t)
                } else {
                    normalize(&join(&parent, &t))
                };
                self.canon(&abs, hops + 1)
            }
            _ => here,
        };
        self.dirs
            .insert(dir.to_owned(), (out != dir).then(|| out.clone()));
        out
    }
}

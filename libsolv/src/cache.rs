//! `.solv` cache files: write a repo, read it back.
//!
//! libsolv works on `FILE*`; we `dup` the Rust file's descriptor, `fdopen`
//! it, and `fclose` it afterwards, so the caller's `File` stays open and
//! owned by the caller. libsolv may keep its own `dup` of the descriptor to
//! page in attribute data lazily; therefore [`Pool::write_repo`] writes to a
//! temporary file and renames it over the target, never rewriting a cache
//! file in place.

use crate::ffi;
use crate::pool::copy_cstr;
use crate::{Error, Pool, RepoId};
use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::Path;

/// An owned `FILE*` over a dup of a Rust file descriptor.
struct CFile(*mut libc::FILE);

impl CFile {
    fn open(file: &File, mode: &std::ffi::CStr) -> Result<CFile, Error> {
        // SAFETY: dup of a valid open descriptor.
        let fd = unsafe { libc::dup(file.as_raw_fd()) };
        if fd < 0 {
            return Err(Error::Io(std::io::Error::last_os_error()));
        }
        // SAFETY: `fd` is a fresh descriptor we own; on success the FILE owns it.
        let fp = unsafe { libc::fdopen(fd, mode.as_ptr()) };
        if fp.is_null() {
            let e = std::io::Error::last_os_error();
            // SAFETY: fdopen failed, so we still own `fd`.
            unsafe { libc::close(fd) };
            return Err(Error::Io(e));
        }
        Ok(CFile(fp))
    }

    /// Flushes and closes, reporting write errors.
    fn close(mut self) -> Result<(), Error> {
        let fp = std::mem::replace(&mut self.0, std::ptr::null_mut());
        // SAFETY: `fp` is our open FILE, closed exactly once.
        if unsafe { libc::fclose(fp) } != 0 {
            return Err(Error::Io(std::io::Error::last_os_error()));
        }
        Ok(())
    }
}

impl Drop for CFile {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: our open FILE, closed once.
            unsafe { libc::fclose(self.0) };
        }
    }
}

impl Pool {
    fn errstr(&self) -> String {
        // SAFETY: pool_errstr returns the pool's last error message buffer.
        unsafe { copy_cstr(ffi::pool_errstr(self.as_ptr())) }
    }

    /// Writes `repo` as a `.solv` file to `path` (atomically, via
    /// `path.tmp` + rename) with `userdata` (at most 65535 bytes, e.g. the
    /// repomd checksum) in the header.
    pub fn write_repo(&self, repo: RepoId, path: &Path, userdata: &[u8]) -> Result<(), Error> {
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = std::path::PathBuf::from(tmp);
        let mut f = File::create(&tmp)?;
        let r = self
            .write_repo_file(repo, &mut f, userdata)
            .and_then(|()| Ok(f.sync_all()?));
        drop(f);
        match r {
            Ok(()) => Ok(std::fs::rename(&tmp, path)?),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(e)
            }
        }
    }

    /// Writes `repo` as `.solv` data at the current position of `file`.
    pub fn write_repo_file(
        &self,
        repo: RepoId,
        file: &mut File,
        userdata: &[u8],
    ) -> Result<(), Error> {
        let r = self.repo_ptr(repo).ok_or(Error::NoSuchRepo(repo))?;
        if userdata.len() >= 65536 {
            return Err(Error::Solv("userdata longer than 65535 bytes".into()));
        }
        let fp = CFile::open(file, c"w")?;
        // SAFETY: live repo; the writer is created, used and freed here.
        // repowriter_write only reads the pool (it uses its own string pool
        // when it needs one); userdata is copied by set_userdata.
        let rc = unsafe {
            let w = ffi::repowriter_create(r);
            if !userdata.is_empty() {
                ffi::repowriter_set_userdata(w, userdata.as_ptr().cast(), userdata.len() as i32);
            }
            let rc = ffi::repowriter_write(w, fp.0);
            ffi::repowriter_free(w);
            rc
        };
        if rc != 0 {
            return Err(Error::Solv(self.errstr()));
        }
        fp.close()
    }

    /// Reads a `.solv` file into `repo`. First compares the header's
    /// userdata with `expect_userdata`: on mismatch nothing is loaded and
    /// `Ok(false)` is returned (the caller rebuilds the cache). Corrupt or
    /// truncated files give `Err`.
    pub fn read_solv(
        &mut self,
        repo: RepoId,
        path: &Path,
        expect_userdata: &[u8],
    ) -> Result<bool, Error> {
        let mut f = File::open(path)?;
        self.read_solv_file(repo, &mut f, expect_userdata)
    }

    /// Like [`read_solv`](Self::read_solv) for an open file (read from its start).
    pub fn read_solv_file(
        &mut self,
        repo: RepoId,
        file: &mut File,
        expect_userdata: &[u8],
    ) -> Result<bool, Error> {
        let r = self.repo_ptr(repo).ok_or(Error::NoSuchRepo(repo))?;
        let fp = CFile::open(file, c"r")?;
        let mut data: *mut u8 = std::ptr::null_mut();
        let mut len: i32 = 0;
        // SAFETY: open FILE; libsolv allocates `data` (solv_malloc) or leaves
        // it null.
        let rc = unsafe {
            libc::rewind(fp.0);
            ffi::solv_read_userdata(fp.0, &mut data, &mut len)
        };
        if rc != 0 {
            return Err(Error::Solv(format!("not a valid solv file (error {rc})")));
        }
        let same = if data.is_null() {
            expect_userdata.is_empty()
        } else {
            // SAFETY: libsolv returned `len` readable bytes at `data`.
            let ud = unsafe { std::slice::from_raw_parts(data, len as usize) };
            let same = ud == expect_userdata;
            // SAFETY: allocated by solv_malloc, freed once.
            unsafe { ffi::solv_free(data.cast()) };
            same
        };
        if !same {
            return Ok(false);
        }
        // SAFETY: live repo, open FILE rewound to the start. On error
        // repo_add_solv removes what it added and sets pool_errstr.
        let rc = unsafe {
            libc::rewind(fp.0);
            ffi::repo_add_solv(r, fp.0, 0)
        };
        self.wp_dirty.set(true);
        if rc != 0 {
            return Err(Error::Solv(self.errstr()));
        }
        fp.close()?;
        Ok(true)
    }
}

/// A position in the pool's string space, from [`Pool::string_mark`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StringMark(i32);

/// The string order of a pool, kept beside a `.solv` file.
///
/// libsolv hashes a relation as `name + 7·evr` over string ids. A `.solv`
/// file stores its strings ordered by use count (`repo_write`), and reading
/// one appends its new strings in that order: the version strings, each
/// used by many provides, get the smallest ids, the hash values crowd into
/// a band narrower than the number of relations, and reading a
/// 70,000-package repo spends most of its time in probe chains hundreds
/// long (measured: 437 probes per relation on average). Interning the strings that relations use in a
/// shuffled order before reading the `.solv` spreads the ids again (1.2
/// probes): the ids differ, the content of the pool does not.
impl Pool {
    /// The current end of the string space.
    pub fn string_mark(&self) -> StringMark {
        StringMark(self.nstrings())
    }

    /// The strings added since `mark` that relations use (their names and
    /// versions: the only ids the relation hash sees), in id order, each
    /// followed by a NUL.
    pub fn relation_strings_since(&self, mark: StringMark) -> Vec<u8> {
        let n = self.nstrings();
        let first = mark.0.max(1);
        let mut used = vec![false; usize::try_from(n - first).unwrap_or(0)];
        // SAFETY: reading the valid pool's relation array, 1..nrels.
        unsafe {
            let p = self.as_ptr();
            for r in 1..(*p).nrels {
                let rd = &*(*p).rels.add(r as usize);
                for id in [rd.name, rd.evr] {
                    // Relation ids have the high bit set: negative as i32.
                    if id >= first && id < n {
                        used[(id - first) as usize] = true;
                    }
                }
            }
        }
        let mut out = Vec::new();
        for (i, _) in used.iter().enumerate().filter(|(_, u)| **u) {
            // SAFETY: the id is below nstrings; the string lives in the pool.
            let s = unsafe { std::ffi::CStr::from_ptr(ffi::pool_id2str(self.as_ptr(), first + i as i32)) };
            out.extend_from_slice(s.to_bytes_with_nul());
        }
        out
    }

    /// Interns each NUL-terminated string of `blob` in order (a trailing
    /// piece without NUL is ignored). Only ids change: the pool holds the
    /// same strings as it would without this.
    pub fn intern_strings(&mut self, blob: &[u8]) {
        for s in blob.split_inclusive(|&b| b == 0).filter(|s| s.last() == Some(&0)) {
            let s = &s[..s.len() - 1];
            // SAFETY: valid pool; `s` is `len` readable bytes, copied in.
            unsafe { ffi::pool_strn2id(self.as_ptr(), s.as_ptr().cast(), s.len() as u32, 1) };
        }
    }
}

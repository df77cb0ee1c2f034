//! Runs libsolv testcase files (`testcase_read` + solve + `testcase_resultdiff`),
//! like libsolv's `testsolv` tool, including `nextjob` sections.
//!
//! Each run uses its own private pool, created and freed here.

use crate::Queue;
use crate::ffi;
use crate::pool::{copy_cstr, cstr};
use std::path::Path;

/// Frees `pool->considered` (set by testcase `disable` lines; pool_free
/// does not free it), as `testsolv` does.
///
/// # Safety
/// `pool` must be a valid pool.
unsafe fn free_considered(pool: *mut ffi::Pool) {
    // SAFETY: valid pool per the caller; the map was allocated by libsolv.
    unsafe {
        if !(*pool).considered.is_null() {
            ffi::map_free((*pool).considered);
            (*pool).considered = ffi::solv_free((*pool).considered.cast()).cast();
        }
    }
}

/// Runs one testcase file and compares the solver result of each job
/// section with its `result` section. `Err` carries libsolv's diff (or a
/// read error).
pub fn run(path: &Path) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let name = cstr(&path.to_string_lossy());
    let mut diffs = Vec::new();
    // SAFETY: the whole block works on a private pool/solver/FILE created and
    // freed here; strings returned by libsolv are copied, then solv_free'd.
    unsafe {
        let fd = libc::dup(std::os::fd::AsRawFd::as_raw_fd(&file));
        if fd < 0 {
            return Err("dup failed".into());
        }
        let fp = libc::fdopen(fd, c"r".as_ptr());
        if fp.is_null() {
            libc::close(fd);
            return Err("fdopen failed".into());
        }
        let pool = ffi::pool_create();
        let mut section = 0;
        while libc::feof(fp) == 0 {
            section += 1;
            let mut job = Queue::new();
            let mut result: *mut libc::c_char = std::ptr::null_mut();
            let mut resultflags: libc::c_int = 0;
            let solv = ffi::testcase_read(
                pool,
                fp,
                name.as_ptr(),
                job.as_mut_ptr(),
                &mut result,
                &mut resultflags,
            );
            if solv.is_null() {
                ffi::solv_free(result.cast());
                diffs.push(format!(
                    "{} (job {section}): testcase_read failed",
                    path.display()
                ));
                break;
            }
            if result.is_null() {
                diffs.push(format!(
                    "{} (job {section}): no result section",
                    path.display()
                ));
            } else {
                ffi::solver_solve(solv, job.as_mut_ptr());
                let got = ffi::testcase_solverresult(solv, resultflags);
                let diff = ffi::testcase_resultdiff(result, got);
                if !diff.is_null() {
                    diffs.push(format!(
                        "{} (job {section}):\n{}",
                        path.display(),
                        copy_cstr(diff)
                    ));
                }
                ffi::solv_free(diff.cast());
                ffi::solv_free(got.cast());
            }
            ffi::solv_free(result.cast());
            ffi::solver_free(solv);
        }
        libc::fclose(fp);
        free_considered(pool);
        ffi::pool_free(pool);
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(diffs.join("\n"))
    }
}

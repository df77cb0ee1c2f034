//! Metadata rollback and freeze protection ("A Look in the Mirror", Cappos
//! et al., CCS 2008): a mirror that serves an older, validly signed
//! repomd.xml can hide security updates for ever.
//!
//! We remember, per repo, the newest repomd timestamp we accepted: the
//! largest `<timestamp>` of its data records (`<revision>` is free text
//! such as `9-stream` and cannot be ordered). It is kept under the
//! persistent state directory (`<persistdir>/repo-state/<repoid>`, default
//! `/var/lib/tdnf`), not the cache, so `tdnf clean all` does not reset it.
//! A repomd whose timestamp is older is refused (error 2801); one with no
//! timestamp at all is refused once a timestamp was seen. The documented
//! override is the `allow_metadata_rollback` key (repo or `[main]`, also
//! as `--setopt`), or deleting that state file. A repomd equal to the
//! recorded one is accepted (a mirror that has not changed). Optionally,
//! metadata older than `metadata_max_age` is refused (freeze, error 2802).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::{Code, Error, Result};

/// The state file of one repo.
#[derive(Debug, Clone)]
pub struct RollbackState {
    path: PathBuf,
}

/// The subdirectory of the persistent state directory.
pub const STATE_DIR: &str = "repo-state";

impl RollbackState {
    /// The state of repo `id` under `persistdir`.
    pub fn new(persistdir: &Path, id: &str) -> RollbackState {
        // Repo ids are file-name safe in practice; never let one escape.
        let safe: String = id.chars().map(|c| if c == '/' || c == '\0' { '_' } else { c }).collect();
        let safe = if safe == "." || safe == ".." { format!("_{safe}") } else { safe };
        RollbackState { path: persistdir.join(STATE_DIR).join(safe) }
    }

    /// Where the state is kept.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The newest accepted timestamp, if any. An unreadable or corrupt
    /// file is an error: silently forgetting it would reopen the hole.
    pub fn accepted(&self) -> Result<Option<i64>> {
        match fs_err::read_to_string(&self.path) {
            Ok(text) => text.trim().parse::<i64>().map(Some).map_err(|_| {
                Error::new(Code::Einval, format!("{}: not a timestamp: {:?}", self.path.display(), text.trim()))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(self.path.display(), e)),
        }
    }

    /// Refuse `timestamp` if it is older than the accepted one (unless
    /// `allow_rollback`), or older than `max_age` (freeze).
    pub fn check(&self, repo: &str, timestamp: Option<i64>, allow_rollback: bool, max_age: Option<Duration>) -> Result<()> {
        if let (Some(max), Some(ts)) = (max_age, timestamp) {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
            let age = now.saturating_sub(ts);
            if age > max.as_secs() as i64 {
                return Err(Error::new(
                    Code::MetadataTooOld,
                    format!(
                        "repo '{repo}': repomd.xml is {age} s old, more than metadata_max_age ({} s): the mirror may be frozen",
                        max.as_secs()
                    ),
                ));
            }
        }
        if allow_rollback {
            return Ok(());
        }
        let Some(accepted) = self.accepted()? else { return Ok(()) };
        let older = match timestamp {
            Some(ts) => ts < accepted,
            None => true,
        };
        if older {
            let got = timestamp.map_or_else(|| "no timestamp".to_string(), |t| format!("timestamp {t}"));
            return Err(Error::new(
                Code::MetadataRollback,
                format!(
                    "repo '{repo}': repomd.xml has {got}, older than the {accepted} accepted before: refusing a metadata rollback. \
                     If the repo really went back, remove {} to accept it.",
                    self.path.display()
                ),
            ));
        }
        Ok(())
    }

    /// Record `timestamp` as accepted if it is newer than the recorded one
    /// (written to a temporary file, then renamed).
    pub fn record(&self, timestamp: Option<i64>) -> Result<()> {
        let Some(ts) = timestamp else { return Ok(()) };
        if self.accepted().ok().flatten().is_some_and(|a| a >= ts) {
            return Ok(());
        }
        let dir = self.path.parent().unwrap_or(Path::new("/"));
        fs_err::create_dir_all(dir).map_err(|e| Error::io(dir.display(), e))?;
        let tmp = self.path.with_extension("tmp");
        fs_err::write(&tmp, format!("{ts}\n")).map_err(|e| Error::io(tmp.display(), e))?;
        fs_err::rename(&tmp, &self.path).map_err(|e| Error::io(self.path.display(), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_older_accepts_equal_and_newer_and_survives_a_new_instance() {
        let d = tempfile::tempdir().unwrap();
        let st = RollbackState::new(d.path(), "r");
        st.check("r", Some(100), false, None).unwrap();
        st.record(Some(100)).unwrap();
        st.check("r", Some(100), false, None).unwrap();
        st.check("r", Some(101), false, None).unwrap();
        let again = RollbackState::new(d.path(), "r");
        let e = again.check("r", Some(99), false, None).unwrap_err();
        assert_eq!(e.kind(), Code::MetadataRollback);
        assert!(e.message().contains("older than the 100"), "{}", e.message());
        assert_eq!(again.check("r", None, false, None).unwrap_err().kind(), Code::MetadataRollback);
        again.check("r", Some(99), true, None).unwrap();
        // Recording an older value never lowers the mark.
        again.record(Some(50)).unwrap();
        assert_eq!(again.accepted().unwrap(), Some(100));
        assert_eq!(fs_err::read_to_string(d.path().join("repo-state/r")).unwrap(), "100\n");
    }

    #[test]
    fn freeze_refuses_metadata_older_than_the_max_age() {
        let d = tempfile::tempdir().unwrap();
        let st = RollbackState::new(d.path(), "r");
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
        st.check("r", Some(now - 10), false, Some(Duration::from_secs(3600))).unwrap();
        let e = st.check("r", Some(now - 7200), false, Some(Duration::from_secs(3600))).unwrap_err();
        assert_eq!(e.kind(), Code::MetadataTooOld);
    }

    #[test]
    fn corrupt_state_is_an_error_and_ids_cannot_escape() {
        let d = tempfile::tempdir().unwrap();
        let st = RollbackState::new(d.path(), "../x");
        assert!(st.path().starts_with(d.path().join(STATE_DIR)));
        assert_eq!(st.path().file_name().unwrap(), ".._x");
        let st = RollbackState::new(d.path(), "r");
        fs_err::create_dir_all(d.path().join(STATE_DIR)).unwrap();
        fs_err::write(st.path(), "garbage").unwrap();
        assert!(st.check("r", Some(1), false, None).is_err());
    }
}

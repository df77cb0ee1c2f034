//! Scriptlets: reading them from a header, and running them in the root.
//!
//! * [`Script`] / [`Kind`]: one scriptlet as the header stores it
//!   (interpreter + args, body, flags).
//! * `shell`: runs a non-Lua scriptlet (fork, chroot, exec), body in a
//!   temp file under the root's `/var/tmp`.
//! * `lua`: runs a `-p <lua>` scriptlet in an embedded Lua 5.4 with rpm's
//!   Lua API.
//! * `trigger`: triggers and file triggers as the header stores them, and
//!   which of them match a package or paths.
//!
//! The transaction orchestrator decides *when* each runs and with which
//! arguments; this module only runs what it is given.

mod lua;
mod shell;
#[cfg(test)]
mod tests;
pub mod trigger;

use std::path::PathBuf;

use crate::rpm::header::Header;

/// The kinds of scriptlet rpm knows, with the tags each is stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    PreTrans,
    Pre,
    Post,
    PreUn,
    PostUn,
    PostTrans,
    PreUnTrans,
    PostUnTrans,
    TriggerPreIn,
    TriggerIn,
    TriggerUn,
    TriggerPostUn,
    FileTriggerIn,
    FileTriggerUn,
    FileTriggerPostUn,
    TransFileTriggerIn,
    TransFileTriggerUn,
    TransFileTriggerPostUn,
}

impl Kind {
    /// rpm's name for it in messages (`%pre`, `%triggerin`, ...).
    pub fn tag_name(self) -> &'static str {
        match self {
            Kind::PreTrans => "%pretrans",
            Kind::Pre => "%pre",
            Kind::Post => "%post",
            Kind::PreUn => "%preun",
            Kind::PostUn => "%postun",
            Kind::PostTrans => "%posttrans",
            Kind::PreUnTrans => "%preuntrans",
            Kind::PostUnTrans => "%postuntrans",
            Kind::TriggerPreIn => "%triggerprein",
            Kind::TriggerIn => "%triggerin",
            Kind::TriggerUn => "%triggerun",
            Kind::TriggerPostUn => "%triggerpostun",
            Kind::FileTriggerIn => "%filetriggerin",
            Kind::FileTriggerUn => "%filetriggerun",
            Kind::FileTriggerPostUn => "%filetriggerpostun",
            Kind::TransFileTriggerIn => "%transfiletriggerin",
            Kind::TransFileTriggerUn => "%transfiletriggerun",
            Kind::TransFileTriggerPostUn => "%transfiletriggerpostun",
        }
    }
}

/// One scriptlet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub kind: Kind,
    /// Interpreter and its arguments (`["/bin/sh"]`, `["<lua>"]`,
    /// `["/usr/bin/python3", "-c"]`); `/bin/sh` when the header names none.
    pub prog: Vec<String>,
    /// The body; empty for an interpreter-only scriptlet (`%post -p /sbin/ldconfig`).
    pub body: String,
    /// The `*FLAGS` tag (`RPMSCRIPT_FLAG_*`), 0 when absent.
    pub flags: u32,
}

impl Script {
    /// Whether this is a `-p <lua>` scriptlet.
    pub fn is_lua(&self) -> bool {
        self.prog.first().is_some_and(|p| p == "<lua>")
    }
}

/// The plain scriptlet of `kind` (`Pre`..`PostUnTrans`) in `h`, if the
/// header has one (a body or a program). Trigger kinds give `None`; see
/// [`trigger`].
pub fn script(h: &Header, kind: Kind) -> Option<Script> {
    shell::script_from_header(h, kind)
}

/// Where a scriptlet's standard output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Inherit our stdout/stderr (text mode).
    Inherit,
    /// Send its stdout to our stderr (`-j`: stdout holds only JSON).
    StdoutToStderr,
}

/// How scriptlets are run for one transaction.
#[derive(Debug, Clone)]
pub struct Runner {
    /// The install root (`/` for the running system: no chroot then).
    pub root: PathBuf,
    /// Where output goes.
    pub output: Output,
}

/// Why a scriptlet failed or could not run. The orchestrator decides what
/// a failure means (a `%pre` failure aborts its package, a `%post` one warns).
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    /// It ran and exited non-zero (or died from a signal: `status` is then 128+sig).
    #[error("{pkg}: {} scriptlet failed, exit status {status}", kind.tag_name())]
    Failed { pkg: String, kind: Kind, status: i32 },
    /// It could not be started (no interpreter in the root, chroot refused, ...).
    #[error("{pkg}: {} scriptlet could not run: {why}", kind.tag_name())]
    CannotRun { pkg: String, kind: Kind, why: String },
    /// A Lua scriptlet raised an error.
    #[error("{pkg}: {} scriptlet failed: lua: {why}", kind.tag_name())]
    Lua { pkg: String, kind: Kind, why: String },
}

impl Runner {
    /// Run `s` for package `pkg` (NEVRA, for messages) with rpm's numeric
    /// arguments (`$1`, `$2`), feeding `stdin` (file triggers: matching
    /// paths, one per line) or `/dev/null` when `None`.
    pub fn run(&self, pkg: &str, s: &Script, args: &[i64], stdin: Option<&[u8]>) -> Result<(), ScriptError> {
        if s.is_lua() {
            lua::run(self, pkg, s, args, stdin)
        } else {
            shell::run(self, pkg, s, args, stdin)
        }
    }
}

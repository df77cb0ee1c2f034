//! Triggers and file triggers as a header stores them, and matching.
//!
//! **Triggers** (`%triggerin -- foo >= 2.0`): parallel arrays `TRIGGERNAME`,
//! `TRIGGERVERSION`, `TRIGGERFLAGS` (the `RPMSENSE_TRIGGER*` bit says the
//! kind, `LESS|GREATER|EQUAL` the comparison) and `TRIGGERINDEX`, which
//! points into the per-script arrays `TRIGGERSCRIPTS`, `TRIGGERSCRIPTPROG`
//! (one string: trigger interpreters take no arguments) and
//! `TRIGGERSCRIPTFLAGS`. `%triggerin -- a, b` gives two name entries with
//! the same index, i.e. one script. rpm (`lib/psm.c` `handleOneTrigger`)
//! fires a trigger when the triggering package's name equals the trigger
//! name and one of its provides overlaps the trigger's range
//! (`rpmdsAnyMatchesDep`, `rpmverOverlap`), and runs each script at most
//! once per (trigger package, triggering package) pair: [`Trigger::index`]
//! lets the caller do the same.
//!
//! **File triggers** (`%filetriggerin -P 2000 -- /usr/lib /usr/lib64`):
//! the same layout under `FILETRIGGER*` / `TRANSFILETRIGGER*`, the names
//! being path prefixes, plus `*PRIORITIES` per script (rpmbuild's default
//! 1000000). One script may watch several prefixes; rpm
//! (`lib/rpmtriggers.c`, `runHandleTriggersInPkg`, `matchFilesNext`) runs
//! it once, feeding on stdin the matching paths prefix by prefix, a path
//! matching when it starts with the prefix byte for byte (`cmpPfx`:
//! `strncmp(pfx, fn, strlen(pfx))`, no `/` boundary). So a
//! [`FileTrigger`] holds all prefixes of one script.
//!
//! **Order** (`trigCmp`, `rpmtriggersSortAndUniq`): higher priority first,
//! then package, then trigger index; duplicates run once. Priorities at or
//! above [`PRIORITY_BOUND`] run before the package's `%post` (resp. its
//! `%preun` on erase, and before its `%postun`), the lower ones after:
//! see [`PriorityClass`].

use std::cmp::Ordering;

use repodata::evr::rpmvercmp;

use super::{Kind, Script};
use crate::rpm::header::Header;
use crate::rpm::tags::*;

/// One trigger entry: a watched package name with its version range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    /// `TriggerPreIn`, `TriggerIn`, `TriggerUn` or `TriggerPostUn`.
    pub kind: Kind,
    /// The watched package name.
    pub name: String,
    /// `RPMSENSE_LESS|GREATER|EQUAL` bits; 0 for any version.
    pub sense: u32,
    /// The version of the range (`[epoch:]version[-release]`), may be empty.
    pub evr: String,
    /// `TRIGGERINDEX`: which script; entries with equal indexes share it.
    pub index: u32,
    /// The script (`kind` as above, one-element `prog`).
    pub script: Script,
}

/// One file-trigger script and the path prefixes it watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileTrigger {
    /// `FileTrigger{In,Un,PostUn}` or `TransFileTrigger{In,Un,PostUn}`.
    pub kind: Kind,
    /// The watched prefixes, in header order (at least one).
    pub prefixes: Vec<String>,
    /// `*FILETRIGGERPRIORITIES` of this script (0 when the tag is absent, as rpm).
    pub priority: u32,
    /// The trigger index (`*FILETRIGGERINDEX`), rpm's tie-breaker.
    pub index: u32,
    /// The script (`kind` as above, one-element `prog`).
    pub script: Script,
}

/// The tags of one trigger family.
struct Family {
    what: &'static str,
    name: u32,
    version: u32,
    flags: u32,
    index: u32,
    scripts: u32,
    progs: u32,
    script_flags: u32,
}

const TRIGGERS: Family = Family {
    what: "trigger",
    name: RPMTAG_TRIGGERNAME,
    version: RPMTAG_TRIGGERVERSION,
    flags: RPMTAG_TRIGGERFLAGS,
    index: RPMTAG_TRIGGERINDEX,
    scripts: RPMTAG_TRIGGERSCRIPTS,
    progs: RPMTAG_TRIGGERSCRIPTPROG,
    script_flags: RPMTAG_TRIGGERSCRIPTFLAGS,
};

const FILE_TRIGGERS: Family = Family {
    what: "file trigger",
    name: RPMTAG_FILETRIGGERNAME,
    version: RPMTAG_FILETRIGGERVERSION,
    flags: RPMTAG_FILETRIGGERFLAGS,
    index: RPMTAG_FILETRIGGERINDEX,
    scripts: RPMTAG_FILETRIGGERSCRIPTS,
    progs: RPMTAG_FILETRIGGERSCRIPTPROG,
    script_flags: RPMTAG_FILETRIGGERSCRIPTFLAGS,
};

const TRANS_FILE_TRIGGERS: Family = Family {
    what: "transaction file trigger",
    name: RPMTAG_TRANSFILETRIGGERNAME,
    version: RPMTAG_TRANSFILETRIGGERVERSION,
    flags: RPMTAG_TRANSFILETRIGGERFLAGS,
    index: RPMTAG_TRANSFILETRIGGERINDEX,
    scripts: RPMTAG_TRANSFILETRIGGERSCRIPTS,
    progs: RPMTAG_TRANSFILETRIGGERSCRIPTPROG,
    script_flags: RPMTAG_TRANSFILETRIGGERSCRIPTFLAGS,
};

/// One decoded entry of a family: name, version, flags, index, script.
struct Entry {
    name: String,
    evr: String,
    flags: u32,
    index: u32,
    body: String,
    prog: String,
    script_flags: u32,
}

/// Decode a family's parallel arrays, checking every count and index.
fn entries(h: &Header, f: &Family) -> Result<Vec<Entry>, String> {
    let names = h.string_array_lossy(f.name);
    let versions = h.string_array_lossy(f.version);
    let flags = h.u32_array(f.flags);
    let index = h.u32_array(f.index);
    let scripts = h.string_array_lossy(f.scripts);
    let progs = h.string_array_lossy(f.progs);
    let script_flags = h.u32_array(f.script_flags);
    if names.is_empty() {
        if h.has(f.name) || !scripts.is_empty() {
            return Err(format!("{}s: scripts without (readable) names", f.what));
        }
        return Ok(Vec::new());
    }
    let n = names.len();
    // rpm before 3.0.2 did not always store versions; empty then.
    if (!versions.is_empty() && versions.len() != n) || flags.len() != n || index.len() != n {
        return Err(format!(
            "{}s: {n} names but {} versions, {} flags, {} indexes",
            f.what,
            versions.len(),
            flags.len(),
            index.len()
        ));
    }
    if progs.len() != scripts.len() || (!script_flags.is_empty() && script_flags.len() != scripts.len()) {
        return Err(format!(
            "{}s: {} scripts but {} programs, {} script flags",
            f.what,
            scripts.len(),
            progs.len(),
            script_flags.len()
        ));
    }
    let mut out = Vec::with_capacity(n);
    for (i, name) in names.iter().enumerate() {
        let ix = index.get(i).copied().unwrap_or(u32::MAX);
        let (Some(body), Some(prog)) = (scripts.get(ix as usize), progs.get(ix as usize)) else {
            return Err(format!("{} {name:?}: index {ix} but {} scripts", f.what, scripts.len()));
        };
        out.push(Entry {
            name: name.to_string(),
            evr: versions.get(i).map(|v| v.to_string()).unwrap_or_default(),
            flags: flags.get(i).copied().unwrap_or(0),
            index: ix,
            body: body.to_string(),
            prog: prog.to_string(),
            script_flags: script_flags.get(ix as usize).copied().unwrap_or(0),
        });
    }
    Ok(out)
}

/// The kind said by the `RPMSENSE_TRIGGER*` bit of `flags` (exactly one).
fn kind_of(flags: u32, kinds: [Option<Kind>; 4], what: &str, name: &str) -> Result<Kind, String> {
    let bits = [RPMSENSE_TRIGGERPREIN, RPMSENSE_TRIGGERIN, RPMSENSE_TRIGGERUN, RPMSENSE_TRIGGERPOSTUN];
    let mut found = bits.iter().zip(kinds).filter(|(b, _)| flags & **b != 0);
    match (found.next(), found.next()) {
        (Some((_, Some(k))), None) => Ok(k),
        _ => Err(format!("{what} {name:?}: flags {flags:#x} name no single valid trigger kind")),
    }
}

/// The triggers of `h`, one per name entry, in header order.
pub fn triggers(h: &Header) -> Result<Vec<Trigger>, String> {
    let kinds = [Some(Kind::TriggerPreIn), Some(Kind::TriggerIn), Some(Kind::TriggerUn), Some(Kind::TriggerPostUn)];
    entries(h, &TRIGGERS)?
        .into_iter()
        .map(|e| {
            let kind = kind_of(e.flags, kinds, TRIGGERS.what, &e.name)?;
            let script = Script { kind, prog: vec![e.prog], body: e.body, flags: e.script_flags };
            Ok(Trigger { kind, name: e.name, sense: e.flags & RPMSENSE_SENSEMASK, evr: e.evr, index: e.index, script })
        })
        .collect()
}

/// The file triggers of `h`, the per-package ones then the transaction
/// ones, each family in trigger-index order (as `rpmdsFilterTi` walks them).
pub fn file_triggers(h: &Header) -> Result<Vec<FileTrigger>, String> {
    use Kind::*;
    let mut out = Vec::new();
    let families = [
        (
            &FILE_TRIGGERS,
            RPMTAG_FILETRIGGERPRIORITIES,
            [None, Some(FileTriggerIn), Some(FileTriggerUn), Some(FileTriggerPostUn)],
        ),
        (
            &TRANS_FILE_TRIGGERS,
            RPMTAG_TRANSFILETRIGGERPRIORITIES,
            [None, Some(TransFileTriggerIn), Some(TransFileTriggerUn), Some(TransFileTriggerPostUn)],
        ),
    ];
    for (family, priority_tag, kinds) in families {
        let priorities = h.u32_array(priority_tag);
        let mut entries = entries(h, family)?;
        // Stable: prefixes of one script keep their header order.
        entries.sort_by_key(|e| e.index);
        let mut scripts: Vec<FileTrigger> = Vec::new();
        for e in entries {
            match scripts.last_mut() {
                Some(t) if t.index == e.index => t.prefixes.push(e.name),
                _ => {
                    // rpm looks at the first entry's flags for the whole script.
                    let kind = kind_of(e.flags, kinds, family.what, &e.name)?;
                    let script = Script { kind, prog: vec![e.prog], body: e.body, flags: e.script_flags };
                    let priority = priorities.get(e.index as usize).copied().unwrap_or(0);
                    scripts.push(FileTrigger { kind, prefixes: vec![e.name], priority, index: e.index, script });
                }
            }
        }
        out.extend(scripts);
    }
    Ok(out)
}

impl Trigger {
    /// Whether a package `name` at `evr` (`[epoch:]version[-release]`) sets
    /// this trigger off: the names are equal and the package's `name = evr`
    /// overlaps the trigger's range (`rpmdsCompareIndex`: an unversioned
    /// side always overlaps). To honour rpm's "any provide" rule, call it
    /// with each provide of the package named like the package.
    pub fn matches(&self, name: &str, evr: &str) -> bool {
        if name != self.name {
            return false;
        }
        if self.sense & RPMSENSE_SENSEMASK == 0 || self.evr.is_empty() || evr.is_empty() {
            return true;
        }
        ver_overlap(evr, RPMSENSE_EQUAL, &self.evr, self.sense)
    }
}

/// `parseEVR`: `(epoch, version, release)`; the epoch is the leading digits
/// before a `:` (`"0"` when empty), the release follows the last `-`.
fn parse_evr(evr: &str) -> (Option<&str>, &str, Option<&str>) {
    let digits = evr.bytes().take_while(u8::is_ascii_digit).count();
    let (epoch, rest) = match evr.get(digits..).and_then(|r| r.strip_prefix(':')) {
        Some(rest) => (Some(if digits == 0 { "0" } else { &evr[..digits] }), rest),
        None => (None, evr),
    };
    match rest.rfind('-') {
        Some(k) => (epoch, &rest[..k], Some(&rest[k + 1..])),
        None => (epoch, rest, None),
    }
}

/// `atol(e) > 0` for an all-digit epoch string.
fn epoch_positive(e: &str) -> bool {
    e.bytes().any(|c| c != b'0')
}

/// rpm 4.18 `rpmverOverlap` (rpmio/rpmver.c): do `evr1 f1` and `evr2 f2` overlap?
fn ver_overlap(evr1: &str, f1: u32, evr2: &str, f2: u32) -> bool {
    let (e1, v1, r1) = parse_evr(evr1);
    let (e2, v2, r2) = parse_evr(evr2);
    let mut sense = match (e1, e2) {
        (Some(a), Some(b)) => rpmvercmp(a, b),
        (Some(a), None) if epoch_positive(a) => Ordering::Greater,
        (None, Some(b)) if epoch_positive(b) => Ordering::Less,
        _ => Ordering::Equal,
    };
    if sense == Ordering::Equal {
        sense = rpmvercmp(v1, v2);
        if sense == Ordering::Equal {
            match (r1.filter(|r| !r.is_empty()), r2.filter(|r| !r.is_empty())) {
                (Some(a), Some(b)) => sense = rpmvercmp(a, b),
                // The side without a release matches any release when it has EQUAL.
                (Some(_), None) if f2 & RPMSENSE_EQUAL != 0 => return true,
                (None, Some(_)) if f1 & RPMSENSE_EQUAL != 0 => return true,
                _ => {}
            }
        }
    }
    let (l, g, e) = (RPMSENSE_LESS, RPMSENSE_GREATER, RPMSENSE_EQUAL);
    match sense {
        Ordering::Less => f1 & g != 0 || f2 & l != 0,
        Ordering::Greater => f1 & l != 0 || f2 & g != 0,
        Ordering::Equal => (f1 & e != 0 && f2 & e != 0) || (f1 & l != 0 && f2 & l != 0) || (f1 & g != 0 && f2 & g != 0),
    }
}

impl FileTrigger {
    /// The paths this trigger matches, in the order rpm feeds them: prefix
    /// by prefix, then in the order given (rpm walks the package's sorted
    /// file list). A path under two prefixes is listed twice, as rpm does.
    /// The caller passes only paths that count (installed, not skipped).
    pub fn matching<'a>(&self, paths: &[&'a str]) -> Vec<&'a str> {
        self.prefixes
            .iter()
            .flat_map(|pfx| paths.iter().copied().filter(move |p| p.as_bytes().starts_with(pfx.as_bytes())))
            .collect()
    }
}

/// rpm's `TRIGGER_PRIORITY_BOUND`.
pub const PRIORITY_BOUND: u32 = 10000;

/// Which file triggers one run point takes (`priorityClass` of
/// `runFileTriggers`/`runImmedFileTriggers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorityClass {
    /// Priority >= [`PRIORITY_BOUND`]: before the package's `%post`
    /// (install) or `%preun` (erase), and before its `%postun`.
    High,
    /// Priority < [`PRIORITY_BOUND`]: after those scriptlets (and after the
    /// plain triggers).
    Low,
    /// Every priority (the transaction file triggers).
    All,
}

impl PriorityClass {
    /// Whether a trigger of `priority` runs in this class.
    pub fn contains(self, priority: u32) -> bool {
        match self {
            PriorityClass::High => priority >= PRIORITY_BOUND,
            PriorityClass::Low => priority < PRIORITY_BOUND,
            PriorityClass::All => true,
        }
    }
}

/// A file trigger to run, as rpm's `triggerInfo_s`: ordered as `trigCmp`
/// (higher `priority` first, then lower `package`, then lower `index`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TriggerKey {
    /// [`FileTrigger::priority`].
    pub priority: u32,
    /// The trigger package's position (rpmdb record number, or transaction
    /// order for packages being installed).
    pub package: u32,
    /// [`FileTrigger::index`].
    pub index: u32,
}

impl Ord for TriggerKey {
    fn cmp(&self, other: &Self) -> Ordering {
        other.priority.cmp(&self.priority).then(self.package.cmp(&other.package)).then(self.index.cmp(&other.index))
    }
}

impl PartialOrd for TriggerKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// `rpmtriggersSortAndUniq`: sort into run order and drop duplicates.
pub fn sort_and_dedup(keys: &mut Vec<TriggerKey>) {
    keys.sort();
    keys.dedup();
}

//! `tdnf history [list|init|update|rollback|undo|redo]` (spec §6), parsed
//! as tdnf's `tools/cli/lib/parsehistoryargs.c` does: the subcommand is the
//! second word (anything else lists), a range `N` or `N-M` is the third
//! word, and `--from`/`--to`/`--info`/`--reverse` are options.

use std::io::IsTerminal;

use serde::Serialize;

use crate::cli::CmdArgs;
use crate::context::Context;
use crate::error::{Code, Error, Result};
use crate::history::{History, HistoryOp, TransactionInfo};
use crate::output::Printer;

/// The subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryCmd {
    List,
    /// `init` or `update`.
    Init,
    Rollback,
    Undo,
    Redo,
}

/// tdnf's `TDNF_HISTORY_ARGS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryArgs {
    pub cmd: HistoryCmd,
    pub from: i64,
    pub to: i64,
    pub info: bool,
    pub reverse: bool,
}

impl HistoryArgs {
    /// The operation of `rollback`/`undo`/`redo`, after tdnf's checks
    /// (rollback N > 0; undo/redo 1 < N ≤ M), else 1622.
    pub fn op(&self) -> Result<Option<HistoryOp>> {
        let bad = || Error::code(Code::Einval);
        Ok(Some(match self.cmd {
            HistoryCmd::List | HistoryCmd::Init => return Ok(None),
            HistoryCmd::Rollback if self.to <= 0 => return Err(bad()),
            HistoryCmd::Rollback => HistoryOp::Rollback(self.to),
            _ if self.from <= 1 || self.from > self.to => return Err(bad()),
            HistoryCmd::Undo => HistoryOp::Undo(self.from, self.to),
            HistoryCmd::Redo => HistoryOp::Redo(self.from, self.to),
        }))
    }
}

/// tdnf's `strtoi`: a whole decimal `int`, else 0 with a warning.
fn strtoi(printer: &Printer, s: &str) -> i64 {
    match s.parse::<i32>() {
        Ok(n) => i64::from(n),
        Err(_) => {
            printer.data(&format!("WARNING: invalid arg to strtoi: '{s}'\n"));
            0
        }
    }
}

/// Parse the history words and options of `args`.
pub fn parse_history_args(args: &CmdArgs, printer: &Printer) -> HistoryArgs {
    let words = &args.words;
    let cmd = match words.get(1).map(String::as_str) {
        Some("init" | "update") => HistoryCmd::Init,
        Some("rollback") => HistoryCmd::Rollback,
        Some("undo") => HistoryCmd::Undo,
        Some("redo") => HistoryCmd::Redo,
        _ => HistoryCmd::List,
    };
    let mut h = HistoryArgs { cmd, from: 0, to: 0, info: false, reverse: false };
    if let Some(range) = words.get(2).filter(|w| w.starts_with(|c: char| c.is_ascii_digit())) {
        let mut parts = range.split('-').filter(|p| !p.is_empty());
        if let Some(f) = parts.next() {
            h.from = strtoi(printer, f);
        }
        if let Some(t) = parts.next() {
            h.to = strtoi(printer, t);
        }
    }
    for (name, value) in &args.cmd_opts {
        match name.to_ascii_lowercase().as_str() {
            "info" => h.info = true,
            "reverse" => h.reverse = true,
            "from" => h.from = strtoi(printer, value),
            "to" => h.to = strtoi(printer, value),
            _ => {}
        }
    }
    if h.to == 0 {
        h.to = h.from;
    }
    h
}

/// The `history` command.
pub(super) fn run(ctx: &mut Context<'_>) -> Result<u8> {
    let h = parse_history_args(ctx.args, ctx.printer);
    match h.cmd {
        HistoryCmd::List => list(ctx, &h),
        HistoryCmd::Init => {
            let mut db = History::open(&ctx.settings, true)?
                .ok_or_else(|| Error::code(Code::HistoryNodb))?;
            db.sync_rpmdb(&crate::sack::installed::dbpath(&ctx.settings))?;
            Ok(0)
        }
        HistoryCmd::Rollback | HistoryCmd::Undo | HistoryCmd::Redo => alter_history(ctx, &h),
    }
}

/// `history rollback/undo/redo` (tdnf's `TDNFCliHistoryAlter`): the
/// targets, the plan over their NEVRAs ([`crate::goal::nevras`]), nothing
/// to do when neither packages nor auto flags change, then the alter
/// commands' flow, recorded as a history operation (a row even when only
/// flags change, then the flags of the operation replayed).
fn alter_history(ctx: &mut Context<'_>, h: &HistoryArgs) -> Result<u8> {
    let _lock = super::alter_support::lock(ctx)?;
    h.op()?;
    let needs = crate::sack::Needs { installed: true, available: true, filelists: false, updateinfo: false, other: false };
    let mut sack = ctx.load_sack(needs)?;
    let (db, targets) = resolve_targets(ctx, h)?;
    // `execute` opens (and syncs) the database again for the record.
    drop(db);
    let opts = super::alter_support::goal_options(ctx);
    let plan = crate::goal::nevras::resolve_nevras(&mut sack, &ctx.settings, ctx.printer, &targets.install, &targets.erase, &opts)?;
    if !plan.needs_action() && targets.flags.is_empty() {
        return Err(Error::code(Code::NothingToDo));
    }
    let ctx: &Context<'_> = ctx;
    super::alter::execute(ctx, &plan, |history, outcome| {
        let dbdir = crate::sack::installed::dbpath(&ctx.settings);
        // `raw` is argv[1..] already (tdnf joins argv[1..]).
        let cmdline = ctx.args.raw.join(" ");
        let auto_pulled: Vec<String> = plan
            .of_kind(crate::goal::PlanKind::Install)
            .filter(|i| !plan.user_names.contains(&i.name) && outcome.installed.iter().any(|(n, _)| n == &i.nevra))
            .map(|i| i.name.clone())
            .collect();
        history.record_history_op(&dbdir, &cmdline, targets.op, &auto_pulled)?;
        Ok(())
    })
}

/// For `rollback`/`undo`/`redo` (tdnf's `TDNFHistoryResolve` up to the
/// goal): check the ids (1622), open the database (1802), sync it with the
/// rpmdb, and compute what to install and erase. Returns the database too,
/// for [`History::record_history_op`] after the transaction.
pub fn resolve_targets(ctx: &Context<'_>, h: &HistoryArgs) -> Result<(History, crate::history::Targets)> {
    let Some(op) = h.op()? else {
        return Err(Error::code(Code::Einval));
    };
    let mut db = History::open_existing(&ctx.settings)?;
    db.sync_rpmdb(&crate::sack::installed::dbpath(&ctx.settings))?;
    let targets = db.targets(op)?;
    Ok((db, targets))
}

/// `history list` as JSON (spec §4).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListItem<'a> {
    id: i64,
    cmd_line: &'a str,
    time_stamp: i64,
    added_count: usize,
    removed_count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    added: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    removed: Option<&'a [String]>,
}

fn list(ctx: &mut Context<'_>, h: &HistoryArgs) -> Result<u8> {
    if h.from < 0 || h.to < 0 || (h.from != 0 && h.to != 0 && h.from > h.to) {
        return Err(Error::code(Code::Einval));
    }
    let db = History::open_existing(&ctx.settings)?;
    let range = |n: i64| (n != 0).then_some(n);
    let rows = db.list(range(h.from), range(h.to), h.reverse)?;
    let p = ctx.printer;
    if p.is_json() {
        let items: Vec<ListItem<'_>> = rows
            .iter()
            .map(|t| ListItem {
                id: t.id,
                cmd_line: &t.cmdline,
                time_stamp: t.timestamp,
                added_count: t.added.len(),
                removed_count: t.removed.len(),
                added: h.info.then_some(t.added.as_slice()),
                removed: h.info.then_some(t.removed.as_slice()),
            })
            .collect();
        p.json(&items);
    } else {
        p.data(&list_text(&rows, h.info, cmd_width()));
    }
    Ok(0)
}

/// tdnf gives the command line what the terminal leaves after the fixed
/// columns (41); off a terminal its width is 0, and the negative printf
/// width becomes a left-justified 41.
fn cmd_width() -> usize {
    let cols = if std::io::stdout().is_terminal() { crate::output::format::console_width() as i64 } else { 0 };
    (cols - 41).unsigned_abs() as usize
}

/// The text table of `history list`.
pub fn list_text(rows: &[TransactionInfo], info: bool, width: usize) -> String {
    let mut s = format!("ID   {:<width$} date/time             +add  / -rem\n", "cmd line");
    for t in rows {
        let when = local_time(t.timestamp);
        s.push_str(&format!(
            "{:>4} {:<width$} {:<21} +{:<4} / -{:<4}\n",
            t.id,
            t.cmdline,
            when,
            t.added.len(),
            t.removed.len()
        ));
        if info {
            if !t.added.is_empty() {
                s.push_str(&format!("added: {}\n", t.added.join(", ")));
            }
            if !t.removed.is_empty() {
                s.push_str(&format!("removed: {}\n", t.removed.join(", ")));
            }
            s.push('\n');
        }
    }
    s
}

/// `strftime("%a %b %d %Y %H:%M", localtime(t))` in the C locale.
pub fn local_time(t: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let time: libc::time_t = t as libc::time_t;
    // SAFETY: `tm` is plain old data, so a zeroed value is valid;
    // localtime_r reads `time` and the zone (TZ, /etc/localtime) and writes
    // only into `tm`; both outlive the call.
    let tm = unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&time, &mut tm).is_null() {
            return crate::output::format::format_c_time(t);
        }
        tm
    };
    let day = DAYS.get(tm.tm_wday as usize).copied().unwrap_or("???");
    let month = MONTHS.get(tm.tm_mon as usize).copied().unwrap_or("???");
    format!("{day} {month} {:02} {} {:02}:{:02}", tm.tm_mday, i64::from(tm.tm_year) + 1900, tm.tm_hour, tm.tm_min)
}

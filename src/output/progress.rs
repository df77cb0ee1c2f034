//! Download progress for the alter commands, on stderr (stdout keeps the
//! plan and, with `-j`, the one JSON document).
//!
//! * a terminal: [`BarProgress`], indicatif bars (one per file in flight and
//!   a total);
//! * `-v` without a terminal: [`LineProgress`], tdnf's plain
//!   `<name> <percent>% <bytes>` lines, at most one a second per file and
//!   always the 100 % one;
//! * `-q`, `-j`, or no terminal without `-v`: nothing.
//!
//! (tdnf writes its progress to stdout; we keep stdout for data.)
#![allow(clippy::print_stderr)]

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Printer;
use crate::download::packages::{FetchProgress, NoProgress};

/// Which display a run gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressKind {
    /// Nothing (`-q`, `-j`, or no terminal without `-v`).
    Hidden,
    /// indicatif bars ([`BarProgress`]) on a terminal.
    Bars,
    /// Plain lines ([`LineProgress`]) with `-v` and no terminal.
    Lines,
}

impl ProgressKind {
    /// The choice for these modes (`terminal`: whether stderr is one).
    pub fn choose(json: bool, quiet: bool, verbose: bool, terminal: bool) -> ProgressKind {
        if json || quiet {
            ProgressKind::Hidden
        } else if terminal {
            ProgressKind::Bars
        } else if verbose {
            ProgressKind::Lines
        } else {
            ProgressKind::Hidden
        }
    }

    /// The display itself, drawing on stderr.
    pub fn build(self) -> Box<dyn FetchProgress> {
        match self {
            ProgressKind::Hidden => Box::new(NoProgress),
            ProgressKind::Bars => Box::new(BarProgress::new(ProgressDrawTarget::stderr())),
            ProgressKind::Lines => Box::new(LineProgress::new(Box::new(std::io::stderr()))),
        }
    }
}

/// The progress display for this run's printer (see the module docs).
pub fn for_printer(printer: &Printer) -> Box<dyn FetchProgress> {
    ProgressKind::choose(printer.is_json(), printer.is_quiet(), printer.is_verbose(), std::io::stderr().is_terminal()).build()
}

/// One bar: name, bytes so far / size, the bar, percent.
const BAR_TEMPLATE: &str = "{msg:<35} {bytes:>10}/{total_bytes:<10} [{bar:25}] {percent:>3}%";

/// indicatif bars: one per file being downloaded, and a total.
pub struct BarProgress {
    multi: MultiProgress,
    total: Mutex<Option<ProgressBar>>,
    bars: Mutex<HashMap<String, ProgressBar>>,
}

impl BarProgress {
    /// Bars drawn on `target` (stderr; hidden in tests).
    pub fn new(target: ProgressDrawTarget) -> BarProgress {
        BarProgress { multi: MultiProgress::with_draw_target(target), total: Mutex::new(None), bars: Mutex::new(HashMap::new()) }
    }

    fn style(template: &str) -> ProgressStyle {
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> ")
    }

    fn total(&self) -> Option<ProgressBar> {
        self.total.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn bar(&self, name: &str) -> Option<ProgressBar> {
        self.bars.lock().unwrap_or_else(|e| e.into_inner()).get(name).cloned()
    }
}

impl FetchProgress for BarProgress {
    fn begin(&self, total_files: usize, total_bytes: u64) {
        let bar = self.multi.add(ProgressBar::new(total_bytes));
        bar.set_style(Self::style(BAR_TEMPLATE));
        bar.set_message(format!("Total ({total_files} packages)"));
        *self.total.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar);
    }

    fn reused(&self, name: &str, size: u64) {
        if let Some(t) = self.total() {
            t.inc(size);
        }
        let _ = self.multi.println(format!("{name} package already downloaded"));
    }

    fn start(&self, name: &str, size: u64) {
        let mut bars = self.bars.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = bars.get(name) {
            // A retry or the next mirror: the bytes shown so far are redone.
            if let Some(t) = self.total() {
                t.set_position(t.position().saturating_sub(old.position()));
            }
            old.set_position(0);
            return;
        }
        let bar = self.multi.insert_from_back(1, ProgressBar::new(size));
        bar.set_style(Self::style(BAR_TEMPLATE));
        bar.set_message(name.to_string());
        bars.insert(name.to_string(), bar);
    }

    fn advance(&self, name: &str, bytes: u64) {
        if let Some(b) = self.bar(name) {
            b.inc(bytes);
        }
        if let Some(t) = self.total() {
            t.inc(bytes);
        }
    }

    fn done(&self, name: &str) {
        if let Some(b) = self.bars.lock().unwrap_or_else(|e| e.into_inner()).remove(name) {
            b.finish_and_clear();
            self.multi.remove(&b);
            let _ = self.multi.println(format!("{name:<35} {:>10} 100%", b.length().unwrap_or(0)));
        }
    }

    fn failed(&self, name: &str) {
        if let Some(b) = self.bars.lock().unwrap_or_else(|e| e.into_inner()).remove(name) {
            b.abandon();
        }
    }

    fn finish(&self) {
        if let Some(t) = self.total.lock().unwrap_or_else(|e| e.into_inner()).take() {
            t.finish_and_clear();
        }
        let _ = self.multi.clear();
    }
}

/// Per-file state of [`LineProgress`].
struct LineState {
    done: u64,
    size: u64,
    last: Option<Instant>,
}

/// tdnf's non-terminal progress lines: `<name> <percent>% <bytes>`.
pub struct LineProgress {
    out: Mutex<Box<dyn Write + Send>>,
    files: Mutex<HashMap<String, LineState>>,
}

/// At most one line per file per this interval (tdnf: one second).
const LINE_INTERVAL: Duration = Duration::from_secs(1);

impl LineProgress {
    /// Lines written to `out` (stderr; a buffer in tests).
    pub fn new(out: Box<dyn Write + Send>) -> LineProgress {
        LineProgress { out: Mutex::new(out), files: Mutex::new(HashMap::new()) }
    }

    fn line(&self, text: &str) {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
}

impl FetchProgress for LineProgress {
    fn reused(&self, name: &str, _size: u64) {
        self.line(&format!("{name} package already downloaded\n"));
    }

    fn start(&self, name: &str, size: u64) {
        let state = LineState { done: 0, size, last: None };
        self.files.lock().unwrap_or_else(|e| e.into_inner()).insert(name.to_string(), state);
    }

    fn advance(&self, name: &str, bytes: u64) {
        let text = {
            let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
            let Some(s) = files.get_mut(name) else { return };
            s.done += bytes;
            let due = s.last.is_none_or(|t| t.elapsed() >= LINE_INTERVAL);
            if !due || s.done >= s.size {
                return;
            }
            s.last = Some(Instant::now());
            format!("{name} {}% {}\n", percent(s.done, s.size), s.done)
        };
        self.line(&text);
    }

    fn done(&self, name: &str) {
        let state = self.files.lock().unwrap_or_else(|e| e.into_inner()).remove(name);
        if let Some(s) = state {
            self.line(&format!("{name} 100% {}\n", s.size));
        }
    }
}

fn percent(done: u64, size: u64) -> u64 {
    (done.min(size).saturating_mul(100)).checked_div(size).unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A `Write` whose bytes the test can read back.
    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_are_throttled_and_end_at_100() {
        let buf = Buf::default();
        let p = LineProgress::new(Box::new(buf.clone()));
        p.begin(1, 1000);
        p.start("a-1-1.noarch", 1000);
        for _ in 0..9 {
            p.advance("a-1-1.noarch", 100);
        }
        p.advance("a-1-1.noarch", 100);
        p.done("a-1-1.noarch");
        p.reused("b-1-1.noarch", 5);
        let text = String::from_utf8(buf.0.lock().unwrap_or_else(|e| e.into_inner()).clone()).unwrap_or_default();
        // The first advance prints, the next ones within the second do not.
        assert_eq!(text, "a-1-1.noarch 10% 100\na-1-1.noarch 100% 1000\nb-1-1.noarch package already downloaded\n");
    }

    #[test]
    fn choice_follows_the_modes() {
        use ProgressKind::*;
        assert_eq!(ProgressKind::choose(true, false, true, true), Hidden);
        assert_eq!(ProgressKind::choose(false, true, true, true), Hidden);
        assert_eq!(ProgressKind::choose(false, false, false, false), Hidden);
        assert_eq!(ProgressKind::choose(false, false, true, false), Lines);
        assert_eq!(ProgressKind::choose(false, false, false, true), Bars);
    }

    #[test]
    fn bars_survive_retries_and_failures() {
        assert!(ProgressStyle::with_template(BAR_TEMPLATE).is_ok());
        let p = BarProgress::new(ProgressDrawTarget::hidden());
        p.begin(2, 300);
        p.start("x", 100);
        p.advance("x", 60);
        p.start("x", 100);
        p.advance("x", 100);
        p.done("x");
        p.start("y", 200);
        p.advance("y", 10);
        p.failed("y");
        assert_eq!(p.total().map(|t| t.position()), Some(110));
        p.finish();
    }
}

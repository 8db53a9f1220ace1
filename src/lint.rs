//! The pipeline, top-down: discover files → parse → extract → rules → diagnostics.
//!
//! Files are linted in parallel by a few worker threads and handed on one at a time, in
//! discovery order, as soon as every earlier file is done ([`lint_each`]): output is the same
//! whatever the scheduling, and memory holds only the files in flight plus the claim index that
//! corpus-wide rules need — never every text or every finding at once.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, mpsc};

use crate::claim_index::ClaimIndex;
use crate::claims::Claim;
use crate::diagnostic::Diagnostic;
use crate::discover::{self, InputError, Loaded, Skipped};
use crate::extract::Analysis;
use crate::rules::FileContext;
use crate::rules::loader::RuleSet;
use crate::source::{DocKind, LineIndex, SourceFile};
use crate::suppress::Suppressions;

/// Everything at once: what [`lint_paths`] collects from [`lint_each`].
#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub files_checked: usize,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<InputError>,
}

/// One input, as handed to the sink of [`lint_each`].
#[derive(Debug)]
pub enum FileEvent {
    /// A linted file and its findings (suppression comments applied), sorted by position.
    Linted {
        path: String,
        diagnostics: Vec<Diagnostic>,
    },
    Skipped(Skipped),
    /// A path that could not be read (discovery errors come first, before any file).
    Error(InputError),
}

/// What is known only once every file is linted.
#[derive(Debug, Default)]
pub struct Finish {
    /// Corpus-wide findings (suppressions applied), then unused suppressions.
    pub diagnostics: Vec<Diagnostic>,
    pub files_checked: usize,
}

/// What one file yields, inside the pipeline.
enum FileResult {
    /// Path, findings left after the file's own suppressions, its comparable claims, and its
    /// suppressions when it has any (corpus findings may still need them).
    Linted(String, Vec<Diagnostic>, Vec<Claim>, Option<Suppressions>),
    Skipped(Skipped),
    Error(InputError),
}

/// Decides whether a walked file is linted.
pub type IncludeFn = Box<dyn Fn(&Path) -> bool + Send + Sync>;

pub struct Options {
    pub max_file_bytes: u64,
    /// Which walked files to lint (configuration include/exclude); explicit files always are.
    pub include: Option<IncludeFn>,
    /// Every rule id that exists, active or not: a suppression naming one that is switched off
    /// is not reported as unused, one naming no rule at all is.
    pub known_rules: Vec<String>,
    /// Report suppressions that silence nothing (`unused-suppression`).
    pub report_unused_suppressions: bool,
    /// Show a progress bar on stderr (the CLI sets this only when stderr is a terminal).
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_file_bytes: discover::DEFAULT_MAX_FILE_BYTES,
            include: None,
            known_rules: Vec::new(),
            report_unused_suppressions: true,
            progress: false,
        }
    }
}

/// Runs shorter than this many files get no progress bar: it would only flicker.
const PROGRESS_MIN_FILES: usize = 200;

/// Bytes of input linted at once, across workers. Linting a file takes several times its size
/// in memory while it runs, so a file larger than this runs alone and two of several megabytes
/// do not run side by side; ordinary prose files (kilobytes) never meet the limit.
const IN_FLIGHT_BYTES: u64 = 32 << 20;

/// Bytes of small files linted at once beside large ones that fill `IN_FLIGHT_BYTES` (see
/// `ordered_map`). Files this small are linted on their worker alone, never on the pool that a
/// large file's analysis uses, and take a few MB at most while they run.
const LIGHT_BESIDE_BYTES: u64 = 512 << 10;

/// Files larger than this start first (see `ordered_map`) and hand their memory back when done
/// (see `release_freed_memory`).
const HEAVY_BYTES: u64 = IN_FLIGHT_BYTES / 4;

/// Findings of one file past which their memory, once written and freed, is handed back to
/// the system (the 48 MB file of the 1 GB corpus has about 100 thousand).
const MANY_FINDINGS: usize = 10_000;

/// Finished results that may wait behind a slow earlier file, per worker. Files range from a
/// kilobyte to hundreds: with a window of two per worker, one long file at the head left the
/// other worker idle after a handful of short ones.
const WINDOW_PER_THREAD: usize = 16;

/// Lint paths (files or folders) with a rule set, collecting everything: for tests, `inspect`-like
/// callers and library users with small inputs. The CLI streams with [`lint_each`].
pub fn lint_paths(paths: &[PathBuf], rules: &RuleSet, options: &Options) -> Outcome {
    let mut outcome = Outcome::default();
    let finish = lint_each(paths, rules, options, |event| match event {
        FileEvent::Linted { diagnostics, .. } => outcome.diagnostics.extend(diagnostics),
        FileEvent::Skipped(s) => outcome.skipped.push(s),
        FileEvent::Error(e) => outcome.errors.push(e),
    });
    outcome.diagnostics.extend(finish.diagnostics);
    outcome.files_checked = finish.files_checked;
    outcome
}

/// Lint paths, handing each input to `sink` in discovery order as soon as it and every earlier
/// one are done; corpus-wide findings come back at the end. The worker count is rayon's (so
/// `RAYON_NUM_THREADS` applies).
pub fn lint_each(
    paths: &[PathBuf],
    rules: &RuleSet,
    options: &Options,
    sink: impl FnMut(FileEvent),
) -> Finish {
    lint_each_threads(paths, rules, options, rayon::current_num_threads(), sink)
}

fn lint_each_threads(
    paths: &[PathBuf],
    rules: &RuleSet,
    options: &Options,
    threads: usize,
    mut sink: impl FnMut(FileEvent),
) -> Finish {
    let include = |p: &Path| options.include.as_ref().is_none_or(|f| f(p));
    let found = discover::discover(paths, &include);
    for e in found.errors {
        sink(FileEvent::Error(e));
    }
    let wants_claims = rules.rules.iter().any(|r| r.wants_claims());
    // The claim index: only comparable claims (see `comparable_claims_of`) are kept, compactly.
    let mut claim_index = ClaimIndex::new();
    let mut suppressions: HashMap<String, Suppressions> = HashMap::new();
    let mut files_checked = 0;
    let bar = (options.progress && found.files.len() >= PROGRESS_MIN_FILES).then(|| {
        let bar = indicatif::ProgressBar::new(found.files.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    ordered_map(
        &found.files,
        threads,
        // A file that cannot be read weighs nothing here; loading it says why.
        (
            |path: &PathBuf| std::fs::metadata(path).map_or(0, |m| m.len()),
            Budget {
                total: IN_FLIGHT_BYTES,
                side: LIGHT_BESIDE_BYTES,
            },
        ),
        |path| lint_one(path, rules, options, wants_claims),
        |_, result| {
            if let Some(b) = &bar {
                b.inc(1);
            }
            let event = match result {
                FileResult::Linted(path, diagnostics, c, s) => {
                    files_checked += 1;
                    claim_index.extend(c);
                    if let Some(s) = s {
                        suppressions.insert(s.path.clone(), s);
                    }
                    FileEvent::Linted { path, diagnostics }
                }
                FileResult::Skipped(s) => FileEvent::Skipped(s),
                FileResult::Error(e) => FileEvent::Error(e),
            };
            let (linted, findings) = match &event {
                FileEvent::Linted { diagnostics, .. } => (true, diagnostics.len()),
                _ => (false, 0),
            };
            let quiet = linted && findings == 0;
            match &bar {
                // Anything printed while the bar is drawn would tear it.
                Some(b) if !quiet => b.suspend(|| sink(event)),
                _ => sink(event),
            }
            // A large file's findings are freed here, after the trim that followed its
            // analysis; freed memory that size can stay resident to the end of the run.
            if findings >= MANY_FINDINGS {
                release_freed_memory();
            }
        },
    );
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut diagnostics = Vec::new();
    for rule in rules.rules.iter().filter(|r| r.wants_claims()) {
        diagnostics.extend(rule.check_corpus(&claim_index));
    }
    drop(claim_index);
    // Suppressions apply to corpus findings too, so that a conflict can be silenced where it is
    // reported, like any other finding.
    if !suppressions.is_empty() {
        diagnostics.retain(|d| {
            suppressions
                .get_mut(&*d.location.path)
                .is_none_or(|s| !s.suppresses(d))
        });
        if options.report_unused_suppressions {
            let active: Vec<String> = rules
                .rules
                .iter()
                .map(|r| r.meta().id.to_string())
                .collect();
            let mut known = options.known_rules.clone();
            known.extend(active.iter().cloned());
            let mut paths: Vec<&String> = suppressions.keys().collect();
            paths.sort();
            for p in paths {
                diagnostics.extend(suppressions[p].unused(&active, &known));
            }
        }
    }
    Finish {
        diagnostics,
        files_checked,
    }
}

/// Load and lint one file on a worker thread, applying its own suppression comments.
fn lint_one(path: &Path, rules: &RuleSet, options: &Options, wants_claims: bool) -> FileResult {
    match discover::load(path, options.max_file_bytes) {
        Ok(Loaded::File(file)) => {
            let large = file.text.len() as u64 > HEAVY_BYTES;
            let result = lint_loaded(file, rules, wants_claims);
            if large {
                release_freed_memory();
            }
            result
        }
        Ok(Loaded::Skipped(s)) => FileResult::Skipped(s),
        Err(e) => FileResult::Error(e),
    }
}

fn lint_loaded(file: SourceFile, rules: &RuleSet, wants_claims: bool) -> FileResult {
    let (mut diagnostics, claims, mut s) = lint_file_inner(&file, rules, wants_claims);
    if s.is_empty() {
        return FileResult::Linted(file.path, diagnostics, claims, None);
    }
    // The directives remember what they silenced, for the unused ones at the end.
    diagnostics.retain(|d| !s.suppresses(d));
    // Those that can matter no more (used, naming no corpus rule) need not be kept.
    s.forget_settled(|id| {
        rules
            .rules
            .iter()
            .any(|r| r.wants_claims() && *r.meta().id == *id)
    });
    let s = (!s.is_empty()).then_some(s);
    FileResult::Linted(file.path, diagnostics, claims, s)
}

/// Hand freed heap pages back to the system. glibc keeps what a thread frees in that thread's
/// arena: the few hundred MB a large file takes for a moment, on the pool's threads, stayed
/// resident to the end of the run (the 1 GB corpus: ~100 MB), unused by the small files that
/// other threads lint afterwards.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: `malloc_trim` takes no pointers; it only returns free pages to the kernel,
        // under the allocator's own locks.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// What may run at once, in bytes of input (a file's size), for [`ordered_map`].
#[derive(Clone, Copy)]
struct Budget {
    /// Items running at once weigh at most this together, unless one alone weighs more, which
    /// then runs alone.
    total: u64,
    /// Light items (each at most this) that do not fit beside the heavy ones in `total` may run
    /// beside them up to this much together.
    side: u64,
}

/// The order in which [`ordered_map`] starts items: heavy ones (over a quarter of the total
/// budget) largest first, then the rest in item order.
struct Schedule<'a> {
    weights: &'a [u64],
    heavy: Vec<usize>,
    rest: Vec<usize>,
    budget: Budget,
    window: usize,
}

/// Admission of work items: which item a worker starts next, and when (see [`ordered_map`]).
struct Gate {
    state: Mutex<GateState>,
    ready: Condvar,
}

struct GateState {
    delivered: usize,
    /// Weight running on the total budget, and on the side allowance.
    in_flight: u64,
    in_flight_side: u64,
    /// How many of `Schedule::heavy` and `Schedule::rest` have started.
    heavy_started: usize,
    rest_started: usize,
    stop: bool,
}

impl Gate {
    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Wait until an item may start and take it: its index, and whether it runs on the side
    /// allowance. None once every item has started, or when the run is being abandoned.
    fn take(&self, sched: &Schedule) -> Option<(usize, bool)> {
        let fits = |in_flight: u64, w: u64, budget: u64| {
            in_flight == 0 || in_flight.saturating_add(w) <= budget
        };
        let mut s = self.lock();
        loop {
            if s.stop {
                return None;
            }
            // Heavy items come first whatever their place: the window does not hold them back
            // (they would wait for every earlier item, which waits for them).
            let heavy_waits = s.heavy_started < sched.heavy.len();
            if let Some(&i) = sched.heavy.get(s.heavy_started)
                && fits(s.in_flight, sched.weights[i], sched.budget.total)
            {
                s.heavy_started += 1;
                s.in_flight += sched.weights[i];
                return Some((i, false));
            }
            match sched.rest.get(s.rest_started) {
                None if !heavy_waits => return None,
                Some(&i) if i < s.delivered.saturating_add(sched.window) => {
                    let w = sched.weights[i];
                    // While a heavy item waits to start, the others do not take its room.
                    if !heavy_waits && fits(s.in_flight, w, sched.budget.total) {
                        s.rest_started += 1;
                        s.in_flight += w;
                        return Some((i, false));
                    }
                    if w <= sched.budget.side && s.in_flight_side + w <= sched.budget.side {
                        s.rest_started += 1;
                        s.in_flight_side += w;
                        return Some((i, true));
                    }
                }
                _ => {}
            }
            s = self
                .ready
                .wait(s)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    fn finished(&self, weight: u64, side: bool) {
        let mut s = self.lock();
        if side {
            s.in_flight_side -= weight;
        } else {
            s.in_flight -= weight;
        }
        drop(s);
        self.ready.notify_all();
    }

    fn advance(&self, delivered: usize) {
        self.lock().delivered = delivered;
        self.ready.notify_all();
    }
}

/// Releases waiting workers when a thread unwinds, so that a panic ends the run (and is
/// re-raised by the scope) instead of leaving the others blocked forever.
struct StopOnPanic<'a>(&'a Gate);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.lock().stop = true;
            self.0.ready.notify_all();
        }
    }
}

/// Run `work` on every item with `threads` worker threads and hand each result to `deliver` on
/// the calling thread, in item order, as soon as every earlier one has been delivered.
///
/// Workers take items in a shared order, so the items in flight are always the lowest not yet
/// done (rayon's `par_iter` splits the range, starting a thread in the middle); a worker starts
/// item `i` only once `i < delivered + window`, so a slow item holds back at most `window`
/// finished results rather than the rest of the corpus; and the items running at once weigh at
/// most `budget.total` together (`weight` of each, a file's size), unless one alone weighs
/// more, which then runs alone.
///
/// Items heavier than a quarter of the total budget (large files) start first, largest first,
/// and their results wait for their turn. Linting a file takes several times its size in memory
/// for a moment; at the start that moment adds to nothing, while at the end it would add to
/// everything the run has gathered by then (the claim index, suppressions). Their results,
/// much smaller than the work, are all that waits.
///
/// Light items run beside heavy ones that fill the total budget, up to `budget.side` of them
/// at once: a large file's parse and rules are serial, and with nothing beside it the other
/// cores sat idle through them (the 1 GB corpus: about a second of one core at the start).
fn ordered_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    (weight, budget): (impl Fn(&T) -> u64 + Sync, Budget),
    work: impl Fn(&T) -> R + Sync,
    mut deliver: impl FnMut(usize, R),
) {
    if items.is_empty() {
        return;
    }
    let threads = threads.clamp(1, items.len());
    let weights: Vec<u64> = items.iter().map(&weight).collect();
    let heavy = |i: &usize| weights[*i] > budget.total / 4;
    let (mut heavy, rest): (Vec<usize>, Vec<usize>) = (0..items.len()).partition(heavy);
    heavy.sort_by_key(|&i| std::cmp::Reverse(weights[i]));
    let sched = Schedule {
        weights: &weights,
        heavy,
        rest,
        budget,
        window: WINDOW_PER_THREAD * threads,
    };
    let gate = Gate {
        state: Mutex::new(GateState {
            delivered: 0,
            in_flight: 0,
            in_flight_side: 0,
            heavy_started: 0,
            rest_started: 0,
            stop: false,
        }),
        ready: Condvar::new(),
    };
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (gate, work, sched) = (&gate, &work, &sched);
            scope.spawn(move || {
                let _guard = StopOnPanic(gate);
                while let Some((i, side)) = gate.take(sched) {
                    let r = work(&items[i]);
                    gate.finished(sched.weights[i], side);
                    if tx.send((i, r)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let _guard = StopOnPanic(&gate);
        // Results that arrived before an earlier one; at most `window` of them.
        let mut pending: BTreeMap<usize, R> = BTreeMap::new();
        let mut want = 0;
        for (i, r) in rx {
            pending.insert(i, r);
            while let Some(r) = pending.remove(&want) {
                deliver(want, r);
                want += 1;
                gate.advance(want);
            }
        }
    });
}

/// Parse and analyse one file: what `inspect` shows and what rules read.
pub fn analyze(file: &SourceFile, rules: &RuleSet) -> (crate::parse::Document, Analysis) {
    let mut doc = crate::parse::parse(file);
    if file.kind == DocKind::Plain {
        crate::suppress::extract_plain_directives(&file.text, &mut doc);
    }
    let analysis = rules.extractors.analyze(file, &mut doc);
    (doc, analysis)
}

/// All findings in one file, sorted by position then rule.
/// Suppression comments are applied only by [`lint_each`], which also sees corpus-wide findings.
pub fn lint_file(file: &SourceFile, rules: &RuleSet) -> Vec<Diagnostic> {
    lint_file_inner(file, rules, false).0
}

fn lint_file_inner(
    file: &SourceFile,
    rules: &RuleSet,
    with_claims: bool,
) -> (Vec<Diagnostic>, Vec<Claim>, Suppressions) {
    let (doc, analysis) = analyze(file, rules);
    let index = LineIndex::new(&file.text);
    let ctx = FileContext {
        file,
        doc: &doc,
        analysis: &analysis,
        index: &index,
        path: file.path.as_str().into(),
    };
    // Claims first: building them may take room for every figure of the file for a moment,
    // and that moment should not also hold the findings.
    let claims = if with_claims {
        let mut c = crate::claims::comparable_claims_of(file, &analysis, &index);
        // Few figures are comparable; do not carry the room of all of them to the end.
        c.shrink_to_fit();
        c
    } else {
        Vec::new()
    };
    let per_rule: Vec<Vec<Diagnostic>> = rules.rules.iter().map(|r| r.check_file(&ctx)).collect();
    let suppressions = Suppressions::from_comments(&file.path, &file.text, &index, &doc.comments);
    // The analysis of a large file is the biggest thing in memory: gone before merging and
    // sorting, which need room of their own.
    drop((doc, analysis, index));
    (merge_sorted(per_rule), claims, suppressions)
}

/// Every rule's findings in one list, sorted by position then rule. The largest list is
/// extended rather than all copied into a new one, which on a large file would double the
/// peak; the order before sorting does not matter, as findings of different rules never tie.
fn merge_sorted(mut per_rule: Vec<Vec<Diagnostic>>) -> Vec<Diagnostic> {
    let largest = (0..per_rule.len()).max_by_key(|&i| per_rule[i].len());
    let mut out = largest.map_or_else(Vec::new, |i| std::mem::take(&mut per_rule[i]));
    out.reserve_exact(per_rule.iter().map(Vec::len).sum());
    for v in per_rule {
        out.extend(v);
    }
    out.sort_by(|a, b| {
        (a.location.span.start, a.location.span.end, &a.rule).cmp(&(
            b.location.span.start,
            b.location.span.end,
            &b.rule,
        ))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// A total budget and no side allowance: what the tests before it was added assume.
    fn total(bytes: u64) -> Budget {
        Budget {
            total: bytes,
            side: 0,
        }
    }

    #[test]
    fn ordered_map_delivers_in_item_order_whatever_finishes_first() {
        let items: Vec<u64> = (0..40).collect();
        for threads in [1, 4] {
            let mut seen = Vec::new();
            ordered_map(
                &items,
                threads,
                (|_: &u64| 0, total(0)),
                |&i| {
                    // Early items take longest, so later ones finish first.
                    std::thread::sleep(Duration::from_millis((40 - i) % 7));
                    i * 10
                },
                |i, r| seen.push((i, r)),
            );
            let want: Vec<(usize, u64)> = (0..40).map(|i| (i, i as u64 * 10)).collect();
            assert_eq!(seen, want, "{threads} threads");
        }
    }

    #[test]
    fn a_slow_first_item_holds_back_only_a_window_of_results() {
        let items: Vec<usize> = (0..100).collect();
        let started = AtomicUsize::new(0);
        let started_while_first_ran = AtomicUsize::new(0);
        ordered_map(
            &items,
            4,
            (|_: &usize| 0, total(0)),
            |&i| {
                started.fetch_add(1, Ordering::SeqCst);
                if i == 0 {
                    std::thread::sleep(Duration::from_millis(300));
                    started_while_first_ran.store(started.load(Ordering::SeqCst), Ordering::SeqCst);
                }
            },
            |_, _| {},
        );
        let n = started_while_first_ran.load(Ordering::SeqCst);
        // Item 0 plus at most a window's worth of later ones may have started.
        let window = WINDOW_PER_THREAD * 4;
        assert!(
            n <= window && window < items.len(),
            "{n} items started while the first was still running"
        );
        assert!(n >= 2, "the other workers should have gone ahead ({n})");
    }

    #[test]
    fn heavy_items_run_alone_and_light_ones_share_the_budget() {
        // Weights in MB against a budget of 10: items 3 and 7 weigh 12, the rest 1.
        let items: Vec<u64> = (0..30)
            .map(|i| if i == 3 || i == 7 { 12 } else { 1 })
            .collect();
        let running = AtomicUsize::new(0);
        let most_beside_heavy = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let mut order = Vec::new();
        ordered_map(
            &items,
            4,
            (|&w: &u64| w, total(10)),
            |&w| {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(if w > 1 { 40 } else { 5 }));
                if w > 1 {
                    most_beside_heavy.fetch_max(running.load(Ordering::SeqCst), Ordering::SeqCst);
                }
                running.fetch_sub(1, Ordering::SeqCst);
                w
            },
            |i, w| order.push((i, w)),
        );
        assert_eq!(order, items.iter().copied().enumerate().collect::<Vec<_>>());
        assert_eq!(
            most_beside_heavy.load(Ordering::SeqCst),
            1,
            "a heavy item had company"
        );
        assert!(
            most.load(Ordering::SeqCst) > 1,
            "light items should run side by side"
        );
    }

    #[test]
    fn heavy_items_start_first_largest_first_and_wait_their_turn() {
        // Budget 40: items over 10 are heavy. With one worker the start order is the schedule.
        let items: Vec<u64> = vec![1, 2, 12, 1, 30, 1, 11, 2];
        for threads in [1, 3] {
            let started = Mutex::new(Vec::new());
            let mut delivered = Vec::new();
            ordered_map(
                &items,
                threads,
                (|&w: &u64| w, total(40)),
                |&w| {
                    started
                        .lock()
                        .unwrap()
                        .push((std::thread::current().id(), w));
                    std::thread::sleep(Duration::from_millis(2));
                    w
                },
                |i, w| delivered.push((i, w)),
            );
            let started = started.into_inner().unwrap();
            let weights: Vec<u64> = started.iter().map(|&(_, w)| w).collect();
            let schedule = [30, 12, 11, 1, 2, 1, 1, 2];
            if threads == 1 {
                assert_eq!(weights, schedule);
            } else {
                // Which worker gets the lock first is a race, so the global start order is not
                // fixed. Two things are: a light item is only taken by a worker that has
                // finished a heavy one, so the first start is heavy; and each worker takes
                // items in schedule order: its heavy ones largest first, then light ones.
                assert!(weights[0] > 10, "first start {weights:?}");
                let mut per_worker = std::collections::HashMap::<_, Vec<u64>>::new();
                for &(worker, w) in &started {
                    per_worker.entry(worker).or_default().push(w);
                }
                for ws in per_worker.values() {
                    let heavy = ws.iter().take_while(|&&w| w > 10).count();
                    assert!(ws[heavy..].iter().all(|&w| w <= 10), "{started:?}");
                    assert!(ws[..heavy].is_sorted_by(|a, b| a > b), "{started:?}");
                }
            }
            assert_eq!(
                delivered,
                items.iter().copied().enumerate().collect::<Vec<_>>(),
                "{threads} threads"
            );
        }
    }

    #[test]
    fn light_items_run_beside_heavy_ones_within_the_side_allowance() {
        // Total budget 40, side 3: items 2 (50) and 9 (45) each fill the total alone; item 5
        // (5) is too heavy for the side allowance; the rest weigh 1 and may run beside them.
        let mut items = vec![1u64; 30];
        (items[2], items[9], items[5]) = (50, 45, 5);
        let budget = Budget { total: 40, side: 3 };
        for threads in [2, 4] {
            let heavy_running = AtomicUsize::new(0);
            let most_heavy = AtomicUsize::new(0);
            let light_beside = AtomicUsize::new(0);
            let light_bytes = AtomicUsize::new(0);
            let most_light_bytes = AtomicUsize::new(0);
            let too_heavy_beside = AtomicUsize::new(0);
            let mut delivered = Vec::new();
            ordered_map(
                &items,
                threads,
                (|&w: &u64| w, budget),
                |&w| {
                    if w > 10 {
                        let now = heavy_running.fetch_add(1, Ordering::SeqCst) + 1;
                        most_heavy.fetch_max(now, Ordering::SeqCst);
                        // Stay until two light items have run beside (a heavy file's serial
                        // phases); the deadline only keeps a broken scheduler from hanging.
                        let deadline = std::time::Instant::now() + Duration::from_secs(10);
                        while light_beside.load(Ordering::SeqCst) < 2
                            && std::time::Instant::now() < deadline
                        {
                            std::thread::sleep(Duration::from_millis(1));
                        }
                        heavy_running.fetch_sub(1, Ordering::SeqCst);
                    } else if heavy_running.load(Ordering::SeqCst) > 0 {
                        if w > budget.side {
                            too_heavy_beside.fetch_add(1, Ordering::SeqCst);
                        }
                        let now = light_bytes.fetch_add(w as usize, Ordering::SeqCst) + w as usize;
                        most_light_bytes.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(1));
                        light_bytes.fetch_sub(w as usize, Ordering::SeqCst);
                        light_beside.fetch_add(1, Ordering::SeqCst);
                    }
                    w
                },
                |i, w| delivered.push((i, w)),
            );
            assert_eq!(
                delivered,
                items.iter().copied().enumerate().collect::<Vec<_>>(),
                "{threads} threads"
            );
            let load = |a: &AtomicUsize| a.load(Ordering::SeqCst);
            assert_eq!(load(&most_heavy), 1, "heavy items ran together");
            assert!(
                load(&light_beside) >= 2,
                "no light item ran beside a heavy one"
            );
            assert!(load(&most_light_bytes) <= 3, "over the side allowance");
            assert_eq!(load(&too_heavy_beside), 0, "item 5 ran beside a heavy one");
        }
    }

    #[test]
    fn a_panicking_worker_ends_the_run_instead_of_hanging() {
        let items: Vec<usize> = (0..50).collect();
        let r = std::panic::catch_unwind(|| {
            ordered_map(
                &items,
                3,
                (|_: &usize| 0, total(0)),
                |&i| {
                    if i == 5 {
                        panic!("boom");
                    }
                    std::thread::sleep(Duration::from_millis(1));
                },
                |_, _| {},
            )
        });
        assert!(r.is_err());
    }

    #[test]
    fn lint_each_is_in_discovery_order_with_one_and_four_threads() {
        let rules = crate::rules::loader::load(&[]).unwrap_or_else(|_| panic!("rules load"));
        let paths = [PathBuf::from("fixtures")];
        let run = |threads| {
            let mut events = Vec::new();
            let finish = lint_each_threads(&paths, &rules, &Options::default(), threads, |e| {
                events.push(match e {
                    FileEvent::Linted { path, diagnostics } => (path, diagnostics),
                    other => panic!("unexpected {other:?}"),
                })
            });
            (events, finish.diagnostics, finish.files_checked)
        };
        let one = run(1);
        let four = run(4);
        let found = discover::discover(&paths, &|_: &Path| true);
        let order: Vec<String> = found
            .files
            .iter()
            .map(|p| discover::display_path(p))
            .collect();
        let got: Vec<String> = one.0.iter().map(|e| e.0.clone()).collect();
        assert_eq!(got, order);
        assert!(order.len() >= 5);
        assert_eq!(one, four);
        assert!(!one.1.is_empty(), "the fixtures hold conflicts");
    }
}

//! The pipeline, top-down: discover files → parse → extract → rules → diagnostics.
//!
//! Files are linted in parallel (rayon); results keep the discovery order, so output is the
//! same whatever the scheduling.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::claims::Claim;
use crate::diagnostic::Diagnostic;
use crate::discover::{self, InputError, Loaded, Skipped};
use crate::extract::Analysis;
use crate::rules::FileContext;
use crate::rules::loader::RuleSet;
use crate::source::{DocKind, LineIndex, SourceFile};
use crate::suppress::Suppressions;

#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub files_checked: usize,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<InputError>,
}

/// What one file yields.
enum FileResult {
    Linted(Vec<Diagnostic>, Vec<Claim>, Suppressions),
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

/// Lint paths (files or folders) with a rule set.
pub fn lint_paths(paths: &[PathBuf], rules: &RuleSet, options: &Options) -> Outcome {
    let include = |p: &Path| options.include.as_ref().is_none_or(|f| f(p));
    let found = discover::discover(paths, &include);
    let mut outcome = Outcome {
        errors: found.errors,
        ..Outcome::default()
    };
    let wants_claims = rules.rules.iter().any(|r| r.wants_claims());
    let mut claims: Vec<Claim> = Vec::new();
    let mut suppressions: Vec<Suppressions> = Vec::new();
    let bar = (options.progress && found.files.len() >= PROGRESS_MIN_FILES).then(|| {
        let bar = indicatif::ProgressBar::new(found.files.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let results: Vec<FileResult> = found
        .files
        .par_iter()
        .inspect(|_| {
            if let Some(b) = &bar {
                b.inc(1);
            }
        })
        .map(|path| match discover::load(path, options.max_file_bytes) {
            Ok(Loaded::File(file)) => {
                let (diagnostics, claims, s) = lint_file_inner(&file, rules, wants_claims);
                FileResult::Linted(diagnostics, claims, s)
            }
            Ok(Loaded::Skipped(s)) => FileResult::Skipped(s),
            Err(e) => FileResult::Error(e),
        })
        .collect();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    for r in results {
        match r {
            FileResult::Linted(d, c, s) => {
                outcome.files_checked += 1;
                outcome.diagnostics.extend(d);
                // Only comparable claims (see `comparable_claims_of`) are kept across files.
                claims.extend(c);
                if !s.is_empty() {
                    suppressions.push(s);
                }
            }
            FileResult::Skipped(s) => outcome.skipped.push(s),
            FileResult::Error(e) => outcome.errors.push(e),
        }
    }
    if wants_claims {
        for rule in rules.rules.iter().filter(|r| r.wants_claims()) {
            outcome.diagnostics.extend(rule.check_corpus(&claims));
        }
    }
    // Suppressions apply after corpus rules, so that a conflict can be silenced where it is
    // reported, like any other finding.
    if !suppressions.is_empty() {
        let mut by_path: std::collections::HashMap<String, Suppressions> = suppressions
            .into_iter()
            .map(|s| (s.path.clone(), s))
            .collect();
        outcome.diagnostics.retain(|d| {
            by_path
                .get_mut(&d.location.path)
                .is_none_or(|s| !s.suppresses(d))
        });
        if options.report_unused_suppressions {
            let active: Vec<String> = rules.rules.iter().map(|r| r.meta().id.clone()).collect();
            let mut known = options.known_rules.clone();
            known.extend(active.iter().cloned());
            let mut paths: Vec<&String> = by_path.keys().collect();
            paths.sort();
            let mut unused = Vec::new();
            for p in paths {
                unused.extend(by_path[p].unused(&active, &known));
            }
            outcome.diagnostics.extend(unused);
        }
    }
    outcome
}

/// Parse and analyse one file: what `inspect` shows and what rules read.
pub fn analyze(file: &SourceFile, rules: &RuleSet) -> (crate::parse::Document, Analysis) {
    let mut doc = crate::parse::parse(file);
    if file.kind == DocKind::Plain {
        crate::suppress::extract_plain_directives(&file.text, &mut doc);
    }
    let analysis = rules.extractors.analyze(file, &doc);
    (doc, analysis)
}

/// All findings in one file, sorted by position then rule.
/// Suppression comments are applied only by [`lint_paths`], which also sees corpus-wide findings.
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
    };
    let mut out: Vec<Diagnostic> = rules
        .rules
        .iter()
        .flat_map(|r| r.check_file(&ctx))
        .collect();
    out.sort_by(|a, b| {
        (a.location.span.start, a.location.span.end, &a.rule).cmp(&(
            b.location.span.start,
            b.location.span.end,
            &b.rule,
        ))
    });
    let claims = if with_claims {
        crate::claims::comparable_claims_of(file, &analysis, &index)
    } else {
        Vec::new()
    };
    let suppressions = Suppressions::from_comments(&file.path, &file.text, &index, &doc.comments);
    (out, claims, suppressions)
}

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
use crate::source::{LineIndex, SourceFile};

#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub files_checked: usize,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<InputError>,
}

/// What one file yields.
enum FileResult {
    Linted(Vec<Diagnostic>, Vec<Claim>),
    Skipped(Skipped),
    Error(InputError),
}

pub struct Options {
    pub max_file_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_file_bytes: discover::DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// Lint paths (files or folders) with a rule set.
pub fn lint_paths(paths: &[PathBuf], rules: &RuleSet, options: &Options) -> Outcome {
    let found = discover::discover(paths, &|_: &Path| true);
    let mut outcome = Outcome {
        errors: found.errors,
        ..Outcome::default()
    };
    let wants_claims = rules.rules.iter().any(|r| r.wants_claims());
    let mut claims: Vec<Claim> = Vec::new();
    let results: Vec<FileResult> = found
        .files
        .par_iter()
        .map(|path| match discover::load(path, options.max_file_bytes) {
            Ok(Loaded::File(file)) => {
                let (diagnostics, claims) = lint_file_with_claims(&file, rules, wants_claims);
                FileResult::Linted(diagnostics, claims)
            }
            Ok(Loaded::Skipped(s)) => FileResult::Skipped(s),
            Err(e) => FileResult::Error(e),
        })
        .collect();
    for r in results {
        match r {
            FileResult::Linted(d, c) => {
                outcome.files_checked += 1;
                outcome.diagnostics.extend(d);
                claims.extend(c);
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
    outcome
}

/// Parse and analyse one file: what `inspect` shows and what rules read.
pub fn analyze(file: &SourceFile, rules: &RuleSet) -> (crate::parse::Document, Analysis) {
    let doc = crate::parse::parse(file);
    let analysis = rules.extractors.analyze(file, &doc);
    (doc, analysis)
}

/// All findings in one file, sorted by position then rule.
pub fn lint_file(file: &SourceFile, rules: &RuleSet) -> Vec<Diagnostic> {
    lint_file_with_claims(file, rules, false).0
}

/// Findings in one file and, when asked, its claims for corpus-wide rules.
pub fn lint_file_with_claims(
    file: &SourceFile,
    rules: &RuleSet,
    with_claims: bool,
) -> (Vec<Diagnostic>, Vec<Claim>) {
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
        crate::claims::claims_of(file, &analysis, &index)
    } else {
        Vec::new()
    };
    (out, claims)
}

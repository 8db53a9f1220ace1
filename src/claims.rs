//! Claims: every figure as a statement about a quantity — a value interval and a key (what is
//! measured, about what, when) — plus where its source comes from. The figure index
//! (`factlint figures`) prints them; `conflicting-figure` groups them across the corpus.

use serde::Serialize;

use crate::diagnostic::Span;
use crate::extract::{Analysis, Scope, SourceStatus};
use crate::source::{LineCol, LineIndex, SourceFile};

/// Where a claim's source comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimSource {
    /// `cited`, `attributed` or `none`.
    pub status: &'static str,
    /// The citation or attribution text, when there is one.
    pub text: Option<String>,
}

/// What a claim is about. Empty fields are unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ClaimKey {
    pub measure: Option<String>,
    pub subject: Option<String>,
    pub period: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub span: Span,
    pub end: LineCol,
    pub text: String,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub approx: bool,
    /// Place value of the last significant digit as written (for rounding tolerance).
    pub unit: f64,
    pub kind: crate::extract::numbers::NumberKind,
    #[serde(flatten)]
    pub key: ClaimKey,
    pub source: ClaimSource,
    /// The sentence the figure stands in (for keys, fingerprints and display).
    #[serde(skip)]
    pub sentence: String,
    /// The figure is inside a quotation.
    pub quoted: bool,
}

/// The claims of one file, in order. Keys are filled by [`key_of`].
pub fn claims_of(file: &SourceFile, a: &Analysis, index: &LineIndex) -> Vec<Claim> {
    let t = &file.text;
    a.figures
        .iter()
        .map(|f| {
            let start = index.line_col(t, f.m.span.start);
            let source = match a.source_of(f.sentence, Scope::Auto) {
                SourceStatus::Cited(c) => ClaimSource {
                    status: "cited",
                    text: Some(crate::diagnostic::normalise_ws(
                        &t[a.citations[c].range.clone()],
                    )),
                },
                SourceStatus::Attributed(x) => ClaimSource {
                    status: "attributed",
                    text: Some(crate::diagnostic::normalise_ws(
                        &t[a.attributions[x].range.clone()],
                    )),
                },
                SourceStatus::None => ClaimSource {
                    status: "none",
                    text: None,
                },
            };
            let sentence_range = a.sentences[f.sentence].range.clone();
            Claim {
                path: file.path.clone(),
                line: start.line,
                column: start.column,
                span: Span {
                    start: f.m.span.start,
                    end: f.m.span.end,
                },
                end: index.line_col(t, f.m.span.end),
                text: t[f.m.span.clone()].to_string(),
                low: f.m.low,
                high: f.m.high,
                approx: f.m.approx,
                unit: f.m.unit,
                kind: f.m.kind,
                key: key_of(file, a, f),
                source,
                sentence: t[sentence_range].to_string(),
                quoted: f.quotation.is_some(),
            }
        })
        .collect()
}

/// The claim key of a figure. (Measure, subject and period extraction: see issue on conflicts.)
pub fn key_of(_file: &SourceFile, _a: &Analysis, _f: &crate::extract::Figure) -> ClaimKey {
    ClaimKey::default()
}

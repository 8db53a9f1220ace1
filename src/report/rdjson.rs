//! `--format rdjson`: reviewdog's Diagnostic JSON (`reviewdog -f=rdjson`).
//!
//! reviewdog counts columns in UTF-8 bytes, not code points, so columns are recomputed from the
//! file text where it can be re-read.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::source::LineIndex;

#[derive(Default)]
struct Texts(HashMap<String, Option<(String, LineIndex)>>);

impl Texts {
    /// 1-based byte column of a location's start and end; code points when the file is gone.
    fn byte_columns(&mut self, loc: &Location) -> ((usize, usize), (usize, usize)) {
        let entry = self.0.entry(loc.path.clone()).or_insert_with(|| {
            match crate::discover::load(std::path::Path::new(&loc.path), u64::MAX) {
                Ok(crate::discover::Loaded::File(f)) => {
                    let index = LineIndex::new(&f.text);
                    Some((f.text, index))
                }
                _ => None,
            }
        });
        match entry {
            Some((text, index)) if loc.span.end <= text.len() => {
                let col = |offset: usize, line: usize| {
                    offset.saturating_sub(index.line_range(text, line).start) + 1
                };
                (
                    (loc.start.line, col(loc.span.start, loc.start.line)),
                    (loc.end.line, col(loc.span.end, loc.end.line)),
                )
            }
            _ => (
                (loc.start.line, loc.start.column),
                (loc.end.line, loc.end.column),
            ),
        }
    }
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
    }
}

fn location(texts: &mut Texts, loc: &Location) -> Value {
    let ((sl, sc), (el, ec)) = texts.byte_columns(loc);
    json!({
        "path": loc.path,
        "range": {
            "start": {"line": sl, "column": sc},
            "end": {"line": el, "column": ec},
        }
    })
}

pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut texts = Texts::default();
    let diags: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut v = json!({
                "message": d.message,
                "location": location(&mut texts, &d.location),
                "severity": severity(d.severity),
                "code": {"value": d.rule},
                "original_output": crate::report::concise(std::slice::from_ref(d)).trim_end(),
            });
            if !d.related.is_empty() {
                v["related_locations"] = d
                    .related
                    .iter()
                    .map(|r| json!({"message": r.message, "location": location(&mut texts, &r.location)}))
                    .collect();
            }
            v
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&json!({
        "source": {"name": "factlint"},
        "diagnostics": diags,
    }))
    .expect("rdjson serialises");
    s.push('\n');
    s
}

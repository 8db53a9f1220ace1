//! `--format json`: one document, `{"version": 1, "diagnostics": [...], "summary": {...}}`.
//! The schema is a contract read by evaluation tooling; add fields, never rename them.

use super::Summary;
use crate::diagnostic::Diagnostic;

#[derive(serde::Serialize)]
struct Report<'a> {
    version: u32,
    diagnostics: &'a [Diagnostic],
    summary: &'a Summary,
}

pub fn render(diagnostics: &[Diagnostic], summary: &Summary) -> String {
    let mut s = serde_json::to_string_pretty(&Report {
        version: 1,
        diagnostics,
        summary,
    })
    .expect("diagnostics serialise");
    s.push('\n');
    s
}

/// `--format jsonl`: one diagnostic per line.
pub fn render_lines(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&serde_json::to_string(d).expect("diagnostic serialises"));
        out.push('\n');
    }
    out
}

//! Reporters: diagnostics to text. Each returns bytes; the CLI writes them.

pub mod figures;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod rdjson;
pub mod sarif;

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::discover::Skipped;

/// Totals for the closing line and the JSON `summary`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    pub files_checked: usize,
    pub files_skipped: usize,
    pub diagnostics: usize,
    pub by_rule: BTreeMap<String, usize>,
    pub by_severity: BTreeMap<String, usize>,
    pub skipped: Vec<Skipped>,
}

impl Summary {
    pub fn new(files_checked: usize, skipped: &[Skipped], diagnostics: &[Diagnostic]) -> Summary {
        let mut s = Summary {
            files_checked,
            files_skipped: skipped.len(),
            diagnostics: diagnostics.len(),
            skipped: skipped.to_vec(),
            ..Summary::default()
        };
        for d in diagnostics {
            *s.by_rule.entry(d.rule.clone()).or_default() += 1;
            *s.by_severity
                .entry(d.severity.as_str().to_string())
                .or_default() += 1;
        }
        s
    }

    /// "3 files checked: 12 findings (unsourced-figure 10, uncited-quote 2)".
    pub fn line(&self) -> String {
        let files = plural(self.files_checked, "file");
        let mut line = if self.diagnostics == 0 {
            format!("{files} checked: no findings")
        } else {
            let per_rule: Vec<String> = self
                .by_rule
                .iter()
                .map(|(r, n)| format!("{r} {n}"))
                .collect();
            format!(
                "{files} checked: {} ({})",
                plural(self.diagnostics, "finding"),
                per_rule.join(", ")
            )
        };
        if self.files_skipped > 0 {
            line.push_str(&format!("; {} skipped", plural(self.files_skipped, "file")));
        }
        line
    }
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `path:line:col: severity[rule] message`, one line each.
pub fn concise(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&format!(
            "{}:{}:{}: {}[{}] {}\n",
            d.location.path,
            d.location.start.line,
            d.location.start.column,
            d.severity.as_str(),
            d.rule,
            d.message
        ));
    }
    out
}

//! Human output: rustc-style diagnostics through codespan-reporting.

use std::collections::HashMap;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::loader::LoadError;

/// Source text for rendering, by path. Files are re-read only when a diagnostic shows them, so
/// linting never has to keep every text in memory.
pub struct Sources {
    files: SimpleFiles<String, String>,
    ids: HashMap<String, usize>,
}

impl Default for Sources {
    fn default() -> Self {
        Sources {
            files: SimpleFiles::new(),
            ids: HashMap::new(),
        }
    }
}

impl Sources {
    pub fn add(&mut self, path: &str, text: String) -> usize {
        if let Some(&id) = self.ids.get(path) {
            return id;
        }
        let id = self.files.add(path.to_string(), text);
        self.ids.insert(path.to_string(), id);
        id
    }

    fn id_for(&mut self, path: &str) -> Option<usize> {
        if let Some(&id) = self.ids.get(path) {
            return Some(id);
        }
        let loaded = crate::discover::load(std::path::Path::new(path), u64::MAX).ok()?;
        match loaded {
            crate::discover::Loaded::File(f) => Some(self.add(path, f.text)),
            crate::discover::Loaded::Skipped(_) => None,
        }
    }
}

fn severity(s: Severity) -> CsSeverity {
    match s {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    }
}

/// rustc's look: `--> path:line:col` and ASCII borders, which also survive any terminal.
fn config() -> term::Config {
    term::Config {
        chars: term::Chars::ascii(),
        ..term::Config::default()
    }
}

fn emit(
    out: &mut Vec<u8>,
    color: bool,
    files: &SimpleFiles<String, String>,
    d: &CsDiagnostic<usize>,
) {
    let cfg = config();
    let result = if color {
        let mut w = termcolor::Ansi::new(std::mem::take(out));
        let r = term::emit_to_write_style(&mut w, &cfg, files, d);
        *out = w.into_inner();
        r
    } else {
        let mut w = termcolor::NoColor::new(std::mem::take(out));
        let r = term::emit_to_write_style(&mut w, &cfg, files, d);
        *out = w.into_inner();
        r
    };
    if let Err(e) = result {
        out.extend_from_slice(format!("(could not render diagnostic: {e})\n").as_bytes());
    }
}

/// Render diagnostics; a file that cannot be re-read falls back to a one-line form.
pub fn render(diagnostics: &[Diagnostic], sources: &mut Sources, color: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for d in diagnostics {
        let Some(primary) = sources.id_for(&d.location.path) else {
            out.extend_from_slice(super::concise(std::slice::from_ref(d)).as_bytes());
            continue;
        };
        let mut labels =
            vec![Label::primary(primary, d.location.range()).with_message(d.label.clone())];
        for r in &d.related {
            if let Some(id) = sources.id_for(&r.location.path) {
                labels
                    .push(Label::secondary(id, r.location.range()).with_message(r.message.clone()));
            }
        }
        let mut notes = Vec::new();
        if let Some(h) = &d.help {
            notes.push(format!("help: {h}"));
        }
        for n in d.notes.iter() {
            notes.push(format!("note: {n}"));
        }
        let cs = CsDiagnostic::new(severity(d.severity))
            .with_code(d.rule.clone())
            .with_message(d.message.clone())
            .with_labels(labels)
            .with_notes(notes);
        emit(&mut out, color, &sources.files, &cs);
    }
    out
}

/// Render rule and lexicon loading errors, pointing into the TOML where a span is known.
pub fn render_load_errors(errors: &[LoadError], color: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for e in errors {
        let mut files = SimpleFiles::new();
        let id = files.add(e.path.clone(), e.source.clone());
        let mut d = CsDiagnostic::error().with_message(e.message.clone());
        match &e.span {
            Some(span) if !e.source.is_empty() => {
                let span = span.start.min(e.source.len())..span.end.min(e.source.len());
                d = d.with_labels(vec![Label::primary(id, span).with_message(e.label.clone())]);
            }
            _ => {
                d = d.with_message(format!("{}: {}", e.path, e.message));
            }
        }
        d = d.with_notes(e.notes.iter().map(|n| format!("note: {n}")).collect());
        emit(&mut out, color, &files, &d);
    }
    out
}

//! Human output: rustc-style diagnostics through codespan-reporting.

use std::collections::HashMap;
use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::{Files, SimpleFiles};
use codespan_reporting::term::{self, termcolor};

use super::{Reporter, Summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::loader::LoadError;

/// Texts a renderer may hold at once before it lets them go (between diagnostics): a
/// corpus-wide finding shows spans in several files, and thousands of them must not pile up
/// every text of the corpus.
pub const SOURCE_CACHE_BYTES: usize = 64 << 20;

/// Source text for rendering, by path. Files are re-read only when a diagnostic shows them, so
/// linting never has to keep every text in memory; [`Sources::clear`] lets them go again.
pub struct Sources {
    files: SimpleFiles<String, String>,
    ids: HashMap<String, usize>,
    bytes: usize,
}

impl Default for Sources {
    fn default() -> Self {
        Sources {
            files: SimpleFiles::new(),
            ids: HashMap::new(),
            bytes: 0,
        }
    }
}

impl Sources {
    pub fn add(&mut self, path: &str, text: String) -> usize {
        if let Some(&id) = self.ids.get(path) {
            return id;
        }
        self.bytes += text.len();
        let id = self.files.add(path.to_string(), text);
        self.ids.insert(path.to_string(), id);
        id
    }

    /// Drop every text held (they are re-read if shown again).
    pub fn clear(&mut self) {
        *self = Sources::default();
    }

    /// Bytes of text held.
    pub fn held_bytes(&self) -> usize {
        self.bytes
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

fn emit<'f, F: Files<'f, FileId = usize>>(
    out: &mut Vec<u8>,
    color: bool,
    files: &'f F,
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
        render_one(&mut out, d, sources, color);
    }
    out
}

/// Append one diagnostic's rendering to `out`.
fn render_one(out: &mut Vec<u8>, d: &Diagnostic, sources: &mut Sources, color: bool) {
    if sources.bytes > SOURCE_CACHE_BYTES {
        sources.clear();
    }
    let Some(primary) = sources.id_for(&d.location.path) else {
        out.extend_from_slice(super::concise(std::slice::from_ref(d)).as_bytes());
        return;
    };
    let mut labels =
        vec![Label::primary(primary, d.location.range()).with_message(d.label.clone())];
    for r in &d.related {
        if let Some(id) = sources.id_for(&r.location.path) {
            labels.push(Label::secondary(id, r.location.range()).with_message(r.message.clone()));
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
    emit(out, color, &sources.files, &cs);
}

/// `--format human`, streamed: each batch rendered as it comes, its texts dropped after it.
pub struct Human {
    sources: Sources,
    color: bool,
}

impl Human {
    pub fn new(color: bool) -> Human {
        Human {
            sources: Sources::default(),
            color,
        }
    }
}

impl Reporter for Human {
    fn file(&mut self, w: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
        // One diagnostic at a time: a file with 100,000 findings is not rendered into memory.
        let mut buf = Vec::new();
        for d in diagnostics {
            buf.clear();
            render_one(&mut buf, d, &mut self.sources, self.color);
            w.write_all(&buf)?;
        }
        self.sources.clear();
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        writeln!(w, "{}", summary.line())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(path: &str, text: &str, at: std::ops::Range<usize>) -> Diagnostic {
        let index = crate::source::LineIndex::new(text);
        Diagnostic {
            rule: "r".into(),
            severity: Severity::Warning,
            message: "m".into(),
            location: crate::diagnostic::Location::new(path.into(), text, &index, at),
            label: "l".into(),
            related: Vec::new(),
            help: None,
            notes: Vec::new().into(),
            fingerprint: "0".into(),
        }
    }

    #[test]
    fn texts_are_let_go_after_each_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        let text = "About 12 people came.\n";
        std::fs::write(&path, text).unwrap();
        let d = finding(path.to_str().unwrap(), text, 6..8);
        let mut h = Human::new(false);
        let mut out = Vec::new();
        h.file(&mut out, std::slice::from_ref(&d)).unwrap();
        assert_eq!(h.sources.held_bytes(), 0);
        // Rendered as the collecting renderer does, texts re-read on demand.
        let mut sources = Sources::default();
        assert_eq!(out, render(&[d], &mut sources, false));
        assert_eq!(sources.held_bytes(), text.len());
        assert!(String::from_utf8(out).unwrap().contains("^^"));
    }
}

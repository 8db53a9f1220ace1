//! `--format rdjson`: reviewdog's Diagnostic JSON (`reviewdog -f=rdjson`).
//!
//! reviewdog counts columns in UTF-8 bytes, not code points, so columns are recomputed from the
//! file text where it can be re-read.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Reporter, Summary, json_stream};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::source::LineIndex;

/// Texts re-read for byte columns. Emptied after each batch, and whenever it holds more than
/// [`super::human::SOURCE_CACHE_BYTES`], so that it never holds the corpus.
#[derive(Default)]
struct Texts {
    files: HashMap<String, Option<(String, LineIndex)>>,
    bytes: usize,
}

impl Texts {
    fn trim(&mut self) {
        if self.bytes > super::human::SOURCE_CACHE_BYTES {
            self.clear();
        }
    }

    fn clear(&mut self) {
        self.files.clear();
        self.bytes = 0;
    }

    /// 1-based byte column of a location's start and end; code points when the file is gone.
    fn byte_columns(&mut self, loc: &Location) -> ((usize, usize), (usize, usize)) {
        let bytes = &mut self.bytes;
        let entry = self.files.entry(loc.path.to_string()).or_insert_with(|| {
            match crate::discover::load(std::path::Path::new(&*loc.path), u64::MAX) {
                Ok(crate::discover::Loaded::File(f)) => {
                    *bytes += f.text.len();
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

fn diagnostic(texts: &mut Texts, d: &Diagnostic) -> Value {
    let mut v = json!({
        "message": d.message,
        "location": location(texts, &d.location),
        "severity": severity(d.severity),
        "code": {"value": d.rule},
        "original_output": crate::report::concise(std::slice::from_ref(d)).trim_end(),
    });
    if !d.related.is_empty() {
        v["related_locations"] = d
            .related
            .iter()
            .map(|r| json!({"message": r.message, "location": location(texts, &r.location)}))
            .collect();
    }
    v
}

/// The document with no diagnostics: what surrounds the streamed ones.
fn empty_document() -> String {
    let mut s = serde_json::to_string_pretty(&json!({
        "source": {"name": "factlint"},
        "diagnostics": [],
    }))
    .expect("rdjson serialises");
    s.push('\n');
    s
}

pub fn render(diagnostics: &[Diagnostic]) -> String {
    let out = super::render_all(&mut Rdjson::default(), diagnostics, &Summary::default());
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// `--format rdjson`, streamed.
#[derive(Default)]
pub struct Rdjson {
    texts: Texts,
    written: usize,
    indent: String,
    scratch: Vec<u8>,
}

impl Reporter for Rdjson {
    fn begin(&mut self, w: &mut dyn Write) -> io::Result<()> {
        let doc = empty_document();
        let (head, indent, _) = json_stream::split(&doc, "diagnostics");
        self.indent = indent.to_string();
        w.write_all(head.as_bytes())
    }

    fn file(&mut self, w: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
        for d in diagnostics {
            self.texts.trim();
            let v = diagnostic(&mut self.texts, d);
            json_stream::element(w, &self.indent, self.written == 0, &v, &mut self.scratch)?;
            self.written += 1;
        }
        self.texts.clear();
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        let doc = empty_document();
        let (_, _, rest) = json_stream::split(&doc, "diagnostics");
        json_stream::close(w, &self.indent, self.written > 0, rest)
    }
}

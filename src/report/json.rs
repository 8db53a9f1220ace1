//! `--format json`: one document, `{"version": 1, "diagnostics": [...], "summary": {...}}`.
//! The schema is a contract read by evaluation tooling; add fields, never rename them.

use std::io::{self, Write};

use super::{Reporter, Summary, json_stream};
use crate::diagnostic::Diagnostic;

#[derive(serde::Serialize)]
struct Report<'a> {
    version: u32,
    diagnostics: &'a [Diagnostic],
    summary: &'a Summary,
}

/// The whole document at once, with serde_json; [`Json`] streams the same bytes.
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

/// `--format json`, streamed: the document around the diagnostics comes from [`render`] with
/// none, so that the two cannot drift apart.
#[derive(Default)]
pub struct Json {
    written: usize,
    indent: String,
    scratch: Vec<u8>,
}

impl Reporter for Json {
    fn begin(&mut self, w: &mut dyn Write) -> io::Result<()> {
        let doc = render(&[], &Summary::default());
        let (head, indent, _) = json_stream::split(&doc, "diagnostics");
        self.indent = indent.to_string();
        w.write_all(head.as_bytes())
    }

    fn file(&mut self, w: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
        for d in diagnostics {
            json_stream::element(w, &self.indent, self.written == 0, d, &mut self.scratch)?;
            self.written += 1;
        }
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        let doc = render(&[], summary);
        let (_, _, rest) = json_stream::split(&doc, "diagnostics");
        json_stream::close(w, &self.indent, self.written > 0, rest)
    }
}

/// `--format jsonl`: one diagnostic per line.
pub fn render_lines(diagnostics: &[Diagnostic]) -> String {
    let out = super::render_all(&mut Jsonl, diagnostics, &Summary::default());
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// `--format jsonl`, streamed.
#[derive(Default)]
pub struct Jsonl;

impl Reporter for Jsonl {
    fn file(&mut self, w: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
        for d in diagnostics {
            serde_json::to_writer(&mut *w, d)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    }
}

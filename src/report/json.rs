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
        // One write per file: the findings of a file are laid out in `scratch` first.
        self.scratch.clear();
        for d in diagnostics {
            if self.written > 0 {
                self.scratch.push(b',');
            }
            Pretty::new(&mut self.scratch, &self.indent, 1).diagnostic(d);
            self.written += 1;
            if self.scratch.len() >= 1 << 16 {
                w.write_all(&self.scratch)?;
                self.scratch.clear();
            }
        }
        w.write_all(&self.scratch)
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

/// A diagnostic laid out exactly as `serde_json::to_writer_pretty` lays out its `Serialize`
/// form, nested `depth` levels below a line indented by `base`. Written by hand because
/// `--format json` output is about twice the size of the corpus and serde's generic path
/// spent ~10 K instructions a finding; a test holds the two byte-identical.
struct Pretty<'a> {
    out: &'a mut Vec<u8>,
    base: &'a str,
    depth: usize,
    /// No entry yet in the innermost open object or array.
    empty: bool,
}

impl<'a> Pretty<'a> {
    fn new(out: &'a mut Vec<u8>, base: &'a str, depth: usize) -> Pretty<'a> {
        Pretty {
            out,
            base,
            depth,
            empty: true,
        }
    }

    fn diagnostic(&mut self, d: &Diagnostic) {
        self.line();
        self.open(b'{');
        self.key("rule");
        self.string(&d.rule);
        self.key("severity");
        self.string(d.severity.as_str());
        self.key("message");
        self.string(&d.message);
        self.location(&d.location);
        self.key("label");
        self.string(&d.label);
        self.key("related");
        self.open(b'[');
        for r in &d.related {
            self.item();
            self.open(b'{');
            self.location(&r.location);
            self.key("message");
            self.string(&r.message);
            self.close(b'}');
        }
        self.close(b']');
        self.key("help");
        match &d.help {
            Some(h) => self.string(h),
            None => self.out.extend_from_slice(b"null"),
        }
        self.key("notes");
        self.open(b'[');
        for n in d.notes.iter() {
            self.item();
            self.string(n);
        }
        self.close(b']');
        self.key("fingerprint");
        self.string(&d.fingerprint);
        self.close(b'}');
    }

    fn location(&mut self, l: &crate::diagnostic::Location) {
        self.key("path");
        self.string(&l.path);
        self.key("span");
        self.open(b'{');
        self.key("start");
        self.number(l.span.start);
        self.key("end");
        self.number(l.span.end);
        self.close(b'}');
        for (name, at) in [("start", l.start), ("end", l.end)] {
            self.key(name);
            self.open(b'{');
            self.key("line");
            self.number(at.line);
            self.key("column");
            self.number(at.column);
            self.close(b'}');
        }
        self.key("text");
        self.string(&l.text);
    }

    /// A newline and the indentation of the current depth.
    fn line(&mut self) {
        self.out.push(b'\n');
        self.out.extend_from_slice(self.base.as_bytes());
        for _ in 0..self.depth {
            self.out.extend_from_slice(b"  ");
        }
    }

    fn open(&mut self, bracket: u8) {
        self.out.push(bracket);
        self.depth += 1;
        self.empty = true;
    }

    /// `serde_json` writes `{}` and `[]` for empty ones, and the closer on its own line otherwise.
    fn close(&mut self, bracket: u8) {
        self.depth -= 1;
        if !self.empty {
            self.line();
        }
        self.out.push(bracket);
        self.empty = false;
    }

    /// Start an array element.
    fn item(&mut self) {
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        self.line();
    }

    /// `key` is one of the schema's names, which need no escaping.
    fn key(&mut self, key: &str) {
        self.item();
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\": ");
    }

    fn number(&mut self, n: usize) {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }

    /// A JSON string, escaped as serde_json escapes: `"`, `\\` and control characters only.
    fn string(&mut self, s: &str) {
        self.out.push(b'"');
        let bytes = s.as_bytes();
        let mut from = 0;
        while let Some(i) = next_escape(bytes, from) {
            let b = bytes[i];
            self.out.extend_from_slice(&bytes[from..i]);
            from = i + 1;
            match b {
                b'"' => self.out.extend_from_slice(b"\\\""),
                b'\\' => self.out.extend_from_slice(b"\\\\"),
                b'\n' => self.out.extend_from_slice(b"\\n"),
                b'\r' => self.out.extend_from_slice(b"\\r"),
                b'\t' => self.out.extend_from_slice(b"\\t"),
                0x08 => self.out.extend_from_slice(b"\\b"),
                0x0c => self.out.extend_from_slice(b"\\f"),
                _ => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    self.out.extend_from_slice(b"\\u00");
                    self.out.push(HEX[usize::from(b >> 4)]);
                    self.out.push(HEX[usize::from(b & 0xf)]);
                }
            }
        }
        self.out.extend_from_slice(&bytes[from..]);
        self.out.push(b'"');
    }
}

/// The first byte at or after `from` that a JSON string must escape (`"`, `\\`, controls),
/// tested eight bytes at a time: finding texts and messages rarely hold any.
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // High bit of each byte that is zero in `x` (exact for the first such byte, which is all
    // that is used: borrows only run towards higher bytes).
    let zero = |x: u64| x.wrapping_sub(LOW) & !x & HIGH;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // Bytes below 0x20: their top three bits are zero.
        let hits = zero(x & 0xe0e0_e0e0_e0e0_e0e0)
            | zero(x ^ (LOW * u64::from(b'"')))
            | zero(x ^ (LOW * u64::from(b'\\')));
        if hits != 0 {
            return Some(i + hits.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    (i..bytes.len()).find(|&j| matches!(bytes[j], 0..0x20 | b'"' | b'\\'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Location, Related, Severity};
    use proptest::prelude::*;

    fn finding(
        text: &str,
        message: &str,
        related: usize,
        help: bool,
        notes: &[&str],
    ) -> Diagnostic {
        let index = crate::source::LineIndex::new(text);
        let at = |r| Location::new("dir/a \"b\".md".into(), text, &index, r);
        Diagnostic {
            rule: "unsourced-figure".into(),
            severity: Severity::Warning,
            message: message.into(),
            location: at(0..text.len()),
            label: "no citation".into(),
            related: (0..related)
                .map(|i| Related {
                    location: at(0..text.floor_char_boundary(text.len() / (i + 1))),
                    message: format!("{message} {i}"),
                })
                .collect(),
            help: help.then(|| "cite \\it\t".into()),
            notes: notes
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .into(),
            fingerprint: crate::diagnostic::Fingerprint::hex(0xfeed_f00d),
        }
    }

    /// The whole report through `Json` against serde_json's rendering of the same findings.
    fn assert_same_as_serde(diagnostics: &[Diagnostic]) {
        let streamed =
            crate::report::render_all(&mut Json::default(), diagnostics, &Summary::default());
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            render(diagnostics, &Summary::default())
        );
    }

    #[test]
    fn hand_layout_equals_serde_json() {
        let control: String = (0u8..0x20).map(char::from).collect();
        let texts = [
            "12",
            "",
            "é ü 1,000",
            "\"q\" \\ /",
            control.as_str(),
            "a\u{7f}\u{2028}b",
        ];
        for text in texts {
            for related in [0, 1, 2] {
                for (help, notes) in [(true, &["n1", "n\"2"][..]), (false, &[][..])] {
                    let d = finding(text, text, related, help, notes);
                    assert_same_as_serde(std::slice::from_ref(&d));
                    assert_same_as_serde(&[d.clone(), d]);
                }
            }
        }
        assert_same_as_serde(&[]);
    }

    #[test]
    fn next_escape_finds_the_first_byte_to_escape() {
        let slow = |b: &[u8], from: usize| {
            (from..b.len()).find(|&j| b[j] < 0x20 || b[j] == b'"' || b[j] == b'\\')
        };
        let mut cases: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"plain text, no escapes at all".to_vec(),
            "é\u{1f}ü".as_bytes().to_vec(),
            b"\x1f\x20\x21\"\\".to_vec(),
            // Bytes next to the ones looked for, which borrow-based tests can confuse.
            vec![
                0x21, 0x23, 0x5b, 0x5d, 0x20, 0x40, 0x60, 0xa2, 0xdc, 0x9f, 0xff, 0x01,
            ],
        ];
        for at in 0..17 {
            for b in [0u8, 0x1f, b'"', b'\\'] {
                let mut v = vec![b'a'; 17];
                v[at] = b;
                cases.push(v);
            }
        }
        for case in &cases {
            for from in 0..=case.len() {
                assert_eq!(next_escape(case, from), slow(case, from), "{case:?} {from}");
            }
        }
    }

    proptest! {
        #[test]
        fn next_escape_agrees_with_a_scan(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let slow = (0..bytes.len()).find(|&j| bytes[j] < 0x20 || bytes[j] == b'"' || bytes[j] == b'\\');
            prop_assert_eq!(next_escape(&bytes, 0), slow);
        }

        #[test]
        fn hand_layout_equals_serde_json_on_any_text(text in "\\PC{0,40}|[\\x00-\\x7f]{0,40}", message in ".{0,20}") {
            assert_same_as_serde(&[finding(&text, &message, 1, true, &["x"])]);
        }
    }
}

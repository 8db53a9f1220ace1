//! Reporters: diagnostics to text, streamed. The CLI hands a [`Reporter`] one file's findings
//! at a time, in discovery order, then the corpus-wide ones, then the summary; each format
//! writes as it goes and holds at most one file's findings (SARIF and JUnit, whose headers need
//! the totals, spool their body to a temporary file). Each format also has a `render` that
//! takes every finding at once, for tests and library users.

pub mod figures;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod rdjson;
pub mod sarif;

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::Skipped;

/// A streaming output format: `begin`, then `file` once per batch of findings (one file's, in
/// discovery order; the last batch holds the corpus-wide findings of any file), then `finish`.
pub trait Reporter {
    fn begin(&mut self, _w: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
    fn file(&mut self, w: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()>;
    fn finish(&mut self, _w: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// Every finding through a reporter as one batch, into memory.
pub fn render_all(
    reporter: &mut dyn Reporter,
    diagnostics: &[Diagnostic],
    summary: &Summary,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut run = |out: &mut Vec<u8>| -> io::Result<()> {
        reporter.begin(out)?;
        reporter.file(out, diagnostics)?;
        reporter.finish(out, summary)
    };
    run(&mut out).expect("writing to memory cannot fail");
    out
}

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
            skipped: skipped.to_vec(),
            ..Summary::default()
        };
        s.count_all(diagnostics);
        s
    }

    /// Count one reported finding.
    pub fn count(&mut self, d: &Diagnostic) {
        self.add(&d.rule, d.severity, 1);
    }

    /// Count reported findings, as [`Summary::count`] of each would. They are tallied by rule
    /// and severity first, in a list as short as the rules: a large file's hundred thousand
    /// findings made as many lookups by name in the maps.
    pub fn count_all(&mut self, diagnostics: &[Diagnostic]) {
        let mut tally: Vec<(&std::sync::Arc<str>, Severity, usize)> = Vec::new();
        for d in diagnostics {
            // Findings of one rule share its id: the comparison is mostly one of addresses.
            match tally
                .iter_mut()
                .find(|(rule, severity, _)| **rule == d.rule && *severity == d.severity)
            {
                Some((_, _, n)) => *n += 1,
                None => tally.push((&d.rule, d.severity, 1)),
            }
        }
        for (rule, severity, n) in tally {
            self.add(rule, severity, n);
        }
    }

    /// Count `n` reported findings of one rule and severity.
    fn add(&mut self, rule: &str, severity: Severity, n: usize) {
        self.diagnostics += n;
        match self.by_rule.get_mut(rule) {
            Some(c) => *c += n,
            None => {
                self.by_rule.insert(rule.to_string(), n);
            }
        }
        // Looked up before inserting: a key is made once per severity, not once per finding.
        match self.by_severity.get_mut(severity.as_str()) {
            Some(c) => *c += n,
            None => {
                self.by_severity.insert(severity.as_str().to_string(), n);
            }
        }
    }

    /// Count one skipped file.
    pub fn skip(&mut self, s: Skipped) {
        self.files_skipped += 1;
        self.skipped.push(s);
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
    let mut out = Vec::new();
    for d in diagnostics {
        concise_line(&mut out, d).expect("writing to memory cannot fail");
    }
    String::from_utf8(out).expect("diagnostics are UTF-8")
}

fn concise_line(w: &mut dyn Write, d: &Diagnostic) -> io::Result<()> {
    writeln!(
        w,
        "{}:{}:{}: {}[{}] {}",
        d.location.path,
        d.location.start.line,
        d.location.start.column,
        d.severity.as_str(),
        d.rule,
        d.message
    )
}

/// `--format concise`: one line per finding, then the summary line.
#[derive(Default)]
pub struct Concise;

impl Reporter for Concise {
    fn file(&mut self, w: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
        for d in diagnostics {
            concise_line(w, d)?;
        }
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        writeln!(w, "{}", summary.line())
    }
}

/// Pieces for streaming one array of a pretty-printed JSON document (serde_json's
/// `to_string_pretty` layout): the rest of the document comes from serde_json rendering it with
/// the array empty, and each element is pretty-printed alone and indented to its depth. That is
/// byte for byte what serde_json writes for the whole, because JSON strings hold no raw
/// newlines: every newline is layout.
pub mod json_stream {
    use std::io::{self, Write};

    /// Split a pretty document at the empty array of `key` (the first `"key": []` starting a
    /// line): the text up to and including `[`, the indentation of that line, and the text from
    /// the `]` on.
    pub fn split<'a>(doc: &'a str, key: &str) -> (&'a str, &'a str, &'a str) {
        let marker = format!("\"{key}\": []");
        let at = doc
            .match_indices(&marker)
            .map(|(i, _)| i)
            .find(|&i| doc[..i].trim_end_matches(' ').ends_with('\n'))
            .unwrap_or_else(|| panic!("no empty `{key}` array in the document"));
        let line_start = doc[..at].rfind('\n').map_or(0, |n| n + 1);
        let open = at + marker.len() - 1;
        (&doc[..open], &doc[line_start..at], &doc[open..])
    }

    /// Write one element of an array whose line is indented by `indent`; `first` for the first.
    /// `scratch` is reused between calls.
    pub fn element(
        w: &mut dyn Write,
        indent: &str,
        first: bool,
        value: &impl serde::Serialize,
        scratch: &mut Vec<u8>,
    ) -> io::Result<()> {
        scratch.clear();
        serde_json::to_writer_pretty(&mut *scratch, value)?;
        indent_in_place(scratch, if first { b"\n" } else { b",\n" }, indent);
        w.write_all(scratch)
    }

    /// Prefix `json` with `lead` and indent each of its lines by `indent` plus two spaces, in
    /// place and back to front, so that the element goes out in one write. (JSON strings
    /// escape newlines: every newline byte is a line break of the layout.)
    fn indent_in_place(json: &mut Vec<u8>, lead: &[u8], indent: &str) {
        let pad = |out: &mut [u8]| {
            let (a, b) = out.split_at_mut(indent.len());
            a.copy_from_slice(indent.as_bytes());
            b.copy_from_slice(b"  ");
        };
        let step = indent.len() + 2;
        let old_len = json.len();
        let lines = memchr::memchr_iter(b'\n', json).count() + 1;
        json.resize(old_len + lead.len() + lines * step, 0);
        let mut dst = json.len();
        let (mut end, mut search) = (old_len, old_len);
        // Line by line, last first; each line moves right by the pads of the lines before it.
        loop {
            let start = memchr::memrchr(b'\n', &json[..search]).map_or(0, |p| p + 1);
            let len = end - start;
            json.copy_within(start..end, dst - len);
            dst -= len + step;
            pad(&mut json[dst..dst + step]);
            if start == 0 {
                break;
            }
            // The newline before `start` ends the line before.
            (end, search) = (start, start - 1);
        }
        debug_assert_eq!(dst, lead.len());
        json[..lead.len()].copy_from_slice(lead);
    }

    /// Close the array (`]` alone when it stayed empty) and write the rest of the document;
    /// `rest` starts at the `]`.
    pub fn close(w: &mut dyn Write, indent: &str, any: bool, rest: &str) -> io::Result<()> {
        if any {
            w.write_all(b"\n")?;
            w.write_all(indent.as_bytes())?;
        }
        w.write_all(rest.as_bytes())
    }

    #[cfg(test)]
    mod tests {
        /// The obvious way: write the lead, then every line after the indentation.
        fn indent_by_lines(json: &[u8], lead: &[u8], indent: &str) -> Vec<u8> {
            let pad = format!("{indent}  ");
            let mut out = lead.to_vec();
            for (i, line) in json.split(|&b| b == b'\n').enumerate() {
                if i > 0 {
                    out.push(b'\n');
                }
                out.extend_from_slice(pad.as_bytes());
                out.extend_from_slice(line);
            }
            out
        }

        #[test]
        fn indenting_in_place_equals_indenting_line_by_line() {
            let cases: &[&str] = &[
                "",
                "1",
                "\n",
                "\n\n",
                "{\n  \"a\": 1\n}",
                "{\n  \"a\": [\n    \"x\\ny\"\n  ]\n}\n",
                "é\nü",
            ];
            for json in cases {
                for lead in [&b"\n"[..], b",\n", b""] {
                    for indent in ["", "  ", "\t\t\t"] {
                        let mut got = json.as_bytes().to_vec();
                        super::indent_in_place(&mut got, lead, indent);
                        assert_eq!(
                            got,
                            indent_by_lines(json.as_bytes(), lead, indent),
                            "{json:?} {lead:?} {indent:?}"
                        );
                    }
                }
            }
        }
    }
}

/// A body written now and copied to the output later, when what comes before it is known:
/// an anonymous temporary file, so that memory does not grow with the report (in memory only
/// if no temporary file can be made).
pub(crate) struct Spool {
    file: Option<io::BufWriter<std::fs::File>>,
    memory: Vec<u8>,
    len: u64,
}

impl Spool {
    pub(crate) fn new() -> Spool {
        Spool {
            file: tempfile::tempfile().ok().map(io::BufWriter::new),
            memory: Vec::new(),
            len: 0,
        }
    }

    /// Bytes written so far: the offset of the next write.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// Copy `ranges` (offsets from [`Spool::len`]) of the spooled bytes to `w`, in order.
    pub(crate) fn copy_ranges(
        &mut self,
        w: &mut dyn Write,
        ranges: &[std::ops::Range<u64>],
    ) -> io::Result<()> {
        use std::io::{Read, Seek, SeekFrom};
        match &mut self.file {
            Some(f) => {
                f.flush()?;
                let file = f.get_mut();
                for r in ranges {
                    file.seek(SeekFrom::Start(r.start))?;
                    let copied = io::copy(&mut (&mut *file).take(r.end - r.start), w)?;
                    if copied != r.end - r.start {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "temporary file shorter than written",
                        ));
                    }
                }
                file.seek(SeekFrom::End(0))?;
                Ok(())
            }
            None => {
                for r in ranges {
                    w.write_all(&self.memory[r.start as usize..r.end as usize])?;
                }
                Ok(())
            }
        }
    }

    /// Copy everything spooled to `w`.
    pub(crate) fn copy_all(&mut self, w: &mut dyn Write) -> io::Result<()> {
        let all = 0..self.len;
        self.copy_ranges(w, std::slice::from_ref(&all))
    }
}

impl Write for Spool {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = match &mut self.file {
            Some(f) => f.write(buf)?,
            None => {
                self.memory.extend_from_slice(buf);
                buf.len()
            }
        };
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod summary_tests {
    use std::sync::Arc;

    use super::*;
    use crate::diagnostic::{Fingerprint, Location, Span};
    use crate::source::LineCol;

    fn finding(rule: Arc<str>, severity: Severity) -> Diagnostic {
        let at = LineCol { line: 1, column: 1 };
        Diagnostic {
            rule,
            severity,
            message: Default::default(),
            location: Location {
                path: "a.md".into(),
                span: Span { start: 0, end: 0 },
                start: at,
                end: at,
                text: Default::default(),
            },
            label: "".into(),
            related: Vec::new(),
            help: None,
            notes: Vec::new().into(),
            fingerprint: Fingerprint::default(),
        }
    }

    /// Findings by (rule, severity) codes: rules 0-2 share one id each, rule 3 is "b" again in
    /// a copy of its own (as findings made apart hold), rule 4 a fresh copy of "c" every time.
    fn findings(codes: &[(u8, u8)]) -> Vec<Diagnostic> {
        let ids: [Arc<str>; 3] = ["a".into(), "b".into(), "c".into()];
        let other_b: Arc<str> = "b".into();
        let severities = [Severity::Info, Severity::Warning, Severity::Error];
        codes
            .iter()
            .map(|&(r, s)| {
                let rule = match r % 5 {
                    3 => other_b.clone(),
                    4 => "c".into(),
                    r => ids[r as usize].clone(),
                };
                finding(rule, severities[usize::from(s % 3)])
            })
            .collect()
    }

    /// What [`Summary::count_all`] replaces: [`Summary::count`] per finding.
    fn one_by_one(start: &Summary, ds: &[Diagnostic]) -> Summary {
        let mut s = start.clone();
        for d in ds {
            s.count(d);
        }
        s
    }

    fn same(a: &Summary, b: &Summary) -> bool {
        a.diagnostics == b.diagnostics && a.by_rule == b.by_rule && a.by_severity == b.by_severity
    }

    #[test]
    fn counting_a_batch_equals_counting_each_finding() {
        let cases: &[&[(u8, u8)]] = &[
            &[],
            &[(0, 0)],
            &[(0, 1), (0, 1), (1, 1), (0, 1)],
            &[(1, 0), (3, 0), (1, 2), (3, 2)],
            &[(4, 1), (4, 1), (2, 1), (4, 0)],
            &[(0, 0), (1, 1), (2, 2), (3, 0), (4, 1), (0, 2)],
        ];
        for codes in cases {
            let ds = findings(codes);
            let mut batch = Summary::default();
            batch.count_all(&ds);
            assert!(
                same(&batch, &one_by_one(&Summary::default(), &ds)),
                "{codes:?}"
            );
            // Counting again adds to what is there.
            let before = batch.clone();
            batch.count_all(&ds);
            assert!(same(&batch, &one_by_one(&before, &ds)), "{codes:?}");
            assert!(same(
                &Summary::new(0, &[], &ds),
                &one_by_one(&Summary::default(), &ds)
            ));
        }
    }

    proptest::proptest! {
        #[test]
        fn counting_batches_equals_counting_each_finding(
            batches in proptest::collection::vec(
                proptest::collection::vec((0u8..5, 0u8..3), 0..40),
                0..4,
            ),
        ) {
            let mut batch = Summary::default();
            let mut each = Summary::default();
            for codes in &batches {
                let ds = findings(codes);
                batch.count_all(&ds);
                each = one_by_one(&each, &ds);
            }
            proptest::prop_assert!(same(&batch, &each), "{:?} {:?}", batch, each);
        }
    }
}

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
    if !color {
        let started = out.len();
        let header = Header {
            severity: severity(d.severity),
            code: &d.rule,
            message: &d.message,
        };
        if plain::render(out, &sources.files, &header, &labels, &notes).is_some() {
            return;
        }
        out.truncate(started);
    }
    let cs = CsDiagnostic::new(severity(d.severity))
        .with_code(d.rule.clone())
        .with_message(d.message.clone())
        .with_labels(labels)
        .with_notes(notes);
    emit(out, color, &sources.files, &cs);
}

/// What heads a diagnostic: `warning[rule]: message`.
struct Header<'a> {
    severity: CsSeverity,
    code: &'a str,
    message: &'a str,
}

/// codespan-reporting's rich layout without colour, written directly for the diagnostics
/// factlint makes: every label on one line, no two on the same line. codespan renders through
/// a dynamic writer a character at a time and looked up each character's label; that made
/// `--format human` cost more than the whole analysis (1.0 G of 1.67 G instructions on a
/// 2.2 MB corpus). The output is byte for byte codespan's (the tests render both); anything
/// else returns `None` and codespan renders it.
mod plain {
    use super::{CsSeverity, Header};
    use codespan_reporting::diagnostic::{Label, LabelStyle};
    use codespan_reporting::files::{Files, Location, SimpleFiles};
    use std::ops::Range;

    /// codespan's default tab stop.
    const TAB_WIDTH: usize = 4;

    struct Line<'l> {
        index: usize,
        range: Range<usize>,
        /// The label's columns in the line, in bytes, at least one wide.
        label: Range<usize>,
        style: LabelStyle,
        message: &'l str,
    }

    struct LabeledFile<'l> {
        id: usize,
        start: usize,
        style: LabelStyle,
        location: Location,
        lines: Vec<Line<'l>>,
    }

    pub(super) fn render(
        out: &mut Vec<u8>,
        files: &SimpleFiles<String, String>,
        header: &Header,
        labels: &[Label<usize>],
        notes: &[String],
    ) -> Option<()> {
        let mut labeled: Vec<LabeledFile> = Vec::new();
        let mut padding = 0;
        for label in labels {
            let source = files.source(label.file_id).ok()?;
            let r = &label.range;
            if r.start > r.end
                || r.end > source.len()
                || !source.is_char_boundary(r.start)
                || !source.is_char_boundary(r.end)
            {
                return None;
            }
            let index = files.line_index(label.file_id, r.start).ok()?;
            if files.line_index(label.file_id, r.end).ok()? != index {
                return None;
            }
            let range = files.line_range(label.file_id, index).ok()?;
            padding = padding.max(digits(files.line_number(label.file_id, index).ok()?));
            let at = match labeled.iter().position(|f| f.id == label.file_id) {
                Some(at) => {
                    let f = &mut labeled[at];
                    // codespan's order: Primary < Secondary; the locus is the strongest label's,
                    // the earliest among equals.
                    if f.style > label.style || (f.style == label.style && f.start > r.start) {
                        f.start = r.start;
                        f.location = location(source, index, &range, r.start);
                        f.style = label.style;
                    }
                    at
                }
                None => {
                    labeled.push(LabeledFile {
                        id: label.file_id,
                        start: r.start,
                        style: label.style,
                        location: location(source, index, &range, r.start),
                        lines: Vec::new(),
                    });
                    labeled.len() - 1
                }
            };
            let f = &mut labeled[at];
            if f.lines.iter().any(|l| l.index == index) {
                return None;
            }
            let start = r.start - range.start;
            f.lines.push(Line {
                index,
                label: start..(r.end - range.start).max(start + 1),
                range,
                style: label.style,
                message: &label.message,
            });
        }

        out.extend_from_slice(match header.severity {
            CsSeverity::Bug => b"bug",
            CsSeverity::Error => b"error",
            CsSeverity::Warning => b"warning",
            CsSeverity::Help => b"help",
            CsSeverity::Note => b"note",
        });
        if !header.code.is_empty() {
            out.push(b'[');
            out.extend_from_slice(header.code.as_bytes());
            out.push(b']');
        }
        out.extend_from_slice(b": ");
        out.extend_from_slice(header.message.as_bytes());
        out.push(b'\n');

        let count = labeled.len();
        for (k, mut f) in labeled.into_iter().enumerate() {
            let source = files.source(f.id).ok()?;
            let name = files.name(f.id).ok()?;
            f.lines.sort_by_key(|l| l.index);
            gutter(out, padding);
            out.extend_from_slice(b"--> ");
            out.extend_from_slice(name.as_bytes());
            out.push(b':');
            push_number(out, f.location.line_number);
            out.push(b':');
            push_number(out, f.location.column_number);
            out.push(b'\n');
            border(out, padding);
            for (i, line) in f.lines.iter().enumerate() {
                source_line(out, padding, line.index + 1, &source[line.range.clone()]);
                carets(out, padding, &source[line.range.clone()], line);
                let Some(next) = f.lines.get(i + 1) else {
                    break;
                };
                match next.index - line.index {
                    1 => {}
                    2 => {
                        let between = files.line_range(f.id, line.index + 1).ok()?;
                        source_line(out, padding, line.index + 2, &source[between]);
                    }
                    _ => {
                        gutter(out, padding);
                        out.extend_from_slice(b".\n");
                    }
                }
            }
            if k + 1 < count || !notes.is_empty() {
                border(out, padding);
            }
        }
        for note in notes {
            for (i, line) in note.lines().enumerate() {
                gutter(out, padding);
                out.extend_from_slice(if i == 0 { b"= " } else { b"  " });
                out.extend_from_slice(line.as_bytes());
                out.push(b'\n');
            }
        }
        out.push(b'\n');
        Some(())
    }

    /// `Files::location` for a char boundary: codespan counts the characters before it on its
    /// line (its bytes that end a character), which `chars().count()` does faster.
    fn location(source: &str, index: usize, line: &Range<usize>, at: usize) -> Location {
        Location {
            line_number: index + 1,
            column_number: source[line.start..at.min(line.end)].chars().count() + 1,
        }
    }

    fn digits(n: usize) -> usize {
        n.max(1).ilog10() as usize + 1
    }

    fn push_number(out: &mut Vec<u8>, n: usize) {
        out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }

    /// The outer gutter without a number: `padding` spaces and one more.
    fn gutter(out: &mut Vec<u8>, padding: usize) {
        out.resize(out.len() + padding + 1, b' ');
    }

    fn border(out: &mut Vec<u8>, padding: usize) {
        gutter(out, padding);
        out.extend_from_slice(b"|\n");
    }

    /// The line without its line break, as codespan trims it.
    fn trimmed(line: &str) -> &str {
        line.trim_end_matches(['\n', '\r', '\0'])
    }

    /// Whether every byte is printable ASCII (one column each), eight bytes at a time: lines
    /// are whole paragraphs.
    pub(super) fn plain_ascii(s: &[u8]) -> bool {
        const LOW: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let mut words = s.chunks_exact(8);
        for w in &mut words {
            let x = u64::from_le_bytes(w.try_into().expect("eight bytes"));
            // A byte below 0x20 borrows its high bit, one at 0x7f or above sets or carries it;
            // a borrow or carry only ever leaves a byte already out of range.
            if (x.wrapping_sub(LOW * 0x20) | x | x.wrapping_add(LOW)) & HIGH != 0 {
                return false;
            }
        }
        words.remainder().iter().all(|b| (0x20..0x7f).contains(b))
    }

    /// A character's columns at `column`, as codespan counts them.
    fn width(ch: char, column: usize) -> usize {
        match ch {
            '\t' => TAB_WIDTH - column % TAB_WIDTH,
            ' '..='~' => 1,
            _ => unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0),
        }
    }

    fn source_line(out: &mut Vec<u8>, padding: usize, number: usize, line: &str) {
        let line = trimmed(line);
        let mut buf = itoa::Buffer::new();
        let n = buf.format(number);
        out.resize(out.len() + padding.saturating_sub(n.len()), b' ');
        out.extend_from_slice(n.as_bytes());
        out.extend_from_slice(b" | ");
        // Only tabs are rewritten (to the next tab stop); every other character is copied.
        if memchr::memchr(b'\t', line.as_bytes()).is_none() {
            out.extend_from_slice(line.as_bytes());
        } else {
            let mut column = 0;
            for ch in line.chars() {
                let w = width(ch, column);
                column += w;
                if ch == '\t' {
                    out.resize(out.len() + w, b' ');
                } else {
                    let mut utf8 = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut utf8).as_bytes());
                }
            }
        }
        out.push(b'\n');
    }

    fn carets(out: &mut Vec<u8>, padding: usize, line: &str, label: &Line) {
        let line = trimmed(line);
        gutter(out, padding);
        out.extend_from_slice(b"| ");
        let caret = match label.style {
            LabelStyle::Primary => b'^',
            LabelStyle::Secondary => b'-',
        };
        let span = &label.label;
        // Characters before the label are spaces and those in it carets, as wide as they show;
        // a placeholder column after the line takes a caret where the label reaches it.
        let len = line.len();
        // An empty label is one byte wide, which may end inside a character: bytes, not a str.
        let (spaces, marks) = if plain_ascii(&line.as_bytes()[..span.end.min(len)]) {
            let columns = len + 1;
            let before = span.start.min(columns);
            (before, span.end.min(columns).saturating_sub(before))
        } else {
            let (mut column, mut spaces, mut marks) = (0, 0, 0);
            for (at, ch) in line.char_indices().take_while(|&(at, _)| at < span.end) {
                let w = width(ch, column);
                column += w;
                if at < span.start {
                    spaces += w;
                } else {
                    marks += w;
                }
            }
            if len < span.end {
                if len + 1 > span.start {
                    marks += 1;
                } else {
                    spaces += 1;
                }
            }
            (spaces, marks)
        };
        out.resize(out.len() + spaces, b' ');
        out.resize(out.len() + marks, caret);
        if !label.message.is_empty() {
            out.push(b' ');
            out.extend_from_slice(label.message.as_bytes());
        }
        out.push(b'\n');
    }
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

    /// Both renderings of one diagnostic: the direct one (`None` where it declines) and
    /// codespan's.
    fn both(
        texts: &[&str],
        labels: &[(usize, std::ops::Range<usize>, &str, bool)],
        notes: &[&str],
    ) -> (Option<String>, String) {
        let mut files = SimpleFiles::new();
        for (i, t) in texts.iter().enumerate() {
            files.add(format!("dir/f{i}.md"), t.to_string());
        }
        let labels: Vec<Label<usize>> = labels
            .iter()
            .map(|(f, r, m, primary)| {
                let l = if *primary {
                    Label::primary(*f, r.clone())
                } else {
                    Label::secondary(*f, r.clone())
                };
                l.with_message(m.to_string())
            })
            .collect();
        let notes: Vec<String> = notes.iter().map(|n| n.to_string()).collect();
        let header = Header {
            severity: CsSeverity::Warning,
            code: "unsourced-figure",
            message: "unsourced figure `12`",
        };
        let mut direct = Vec::new();
        let direct = plain::render(&mut direct, &files, &header, &labels, &notes)
            .map(|()| String::from_utf8(direct).unwrap());
        let cs = CsDiagnostic::new(header.severity)
            .with_code(header.code)
            .with_message(header.message)
            .with_labels(labels)
            .with_notes(notes);
        let mut reference = Vec::new();
        emit(&mut reference, false, &files, &cs);
        (direct, String::from_utf8(reference).unwrap())
    }

    #[test]
    fn direct_rendering_is_codespans() {
        let long = format!("{}About 12 people.\n", "word ".repeat(30));
        // (texts, labels (file, range, message, primary), notes)
        type Case<'a> = (
            Vec<&'a str>,
            Vec<(usize, std::ops::Range<usize>, &'a str, bool)>,
            Vec<&'a str>,
        );
        let cases: Vec<Case> = vec![
            (
                vec!["About 12 people came.\n"],
                vec![(0, 6..8, "no citation", true)],
                vec![],
            ),
            (
                vec!["About 12 people came.\n"],
                vec![(0, 6..8, "", true)],
                vec!["help: x"],
            ),
            (vec!["12 at the start"], vec![(0, 0..2, "l", true)], vec![]),
            // Empty and end-of-line spans get one caret; a span over the line break's \r.
            (vec!["ends with 12"], vec![(0, 12..12, "l", true)], vec![]),
            (vec!["a 12 b\n"], vec![(0, 4..4, "l", true)], vec![]),
            (
                vec!["line with 12\r\nnext\n"],
                vec![(0, 10..13, "l", true)],
                vec![],
            ),
            // Tabs, wide and zero-width characters, a control character.
            (
                vec!["\tx\t12\tpeople\n"],
                vec![(0, 3..7, "l", true)],
                vec![],
            ),
            (vec!["中文 12 人\n"], vec![(0, 7..9, "l", true)], vec![]),
            (vec!["中文 12 人\n"], vec![(0, 0..3, "l", true)], vec![]),
            (
                vec!["e\u{301} 12 \u{7} x\n"],
                vec![(0, 4..6, "l", true)],
                vec![],
            ),
            (
                vec![long.as_str()],
                vec![(0, 156..158, "no citation covers this figure", true)],
                vec![],
            ),
            // Several lines of one file: next to each other, one apart, further apart.
            (
                vec!["a 1\nb 2\nc 3\nd 4\ne 5\nf 6\ng 7\nh 8\ni 9\nj 10\nk 11\n"],
                vec![
                    (0, 2..3, "first", true),
                    (0, 6..7, "second", false),
                    (0, 14..15, "", false),
                    (0, 38..40, "far", false),
                ],
                vec!["note: one\ntwo", ""],
            ),
            // Conflicts: spans in other files, the secondary file first in one case.
            (
                vec!["x 1,966 delegates\n", "\n\ny 1,996 delegates\n"],
                vec![(0, 2..7, "here", true), (1, 4..9, "there", false)],
                vec!["note: n"],
            ),
            (
                vec!["x 1,966 delegates\n", "\n\ny 1,996 delegates\n"],
                vec![
                    (1, 4..9, "there", false),
                    (0, 2..7, "here", true),
                    (1, 0..0, "", false),
                ],
                vec![],
            ),
            (
                vec!["one 5\ntwo 6\n"],
                vec![(0, 10..11, "later", false), (0, 4..5, "primary", true)],
                vec![],
            ),
        ];
        for (texts, labels, notes) in &cases {
            let (direct, reference) = both(texts, labels, notes);
            assert_eq!(
                direct.as_deref(),
                Some(reference.as_str()),
                "{texts:?} {labels:?}"
            );
        }
    }

    #[test]
    fn labels_sharing_a_line_or_spanning_lines_are_left_to_codespan() {
        let text = ["12 and 13 people\nnext\n"];
        assert_eq!(
            both(&text, &[(0, 0..2, "a", true), (0, 7..9, "b", false)], &[]).0,
            None
        );
        assert_eq!(both(&text, &[(0, 7..20, "a", true)], &[]).0, None);
        // Beyond the text, or inside a character.
        assert_eq!(both(&text, &[(0, 20..40, "a", true)], &[]).0, None);
        assert_eq!(both(&["中"], &[(0, 1..2, "a", true)], &[]).0, None);
    }

    #[test]
    fn plain_ascii_is_printable_ascii_only() {
        for (s, plain) in [
            ("", true),
            ("About 12 people came, ~ said {x}.", true),
            ("exactly eight", true),
            ("eight by", true),
            ("tab\there and more text", false),
            ("more text, then a tab\t", false),
            ("delete \u{7f} inside a long line", false),
            ("é in a long enough line", false),
            ("long enough line with \u{1f}", false),
        ] {
            assert_eq!(plain::plain_ascii(s.as_bytes()), plain, "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn direct_rendering_is_codespans_on_random_texts(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "a", "12", " ", "\t", "\n", "\r\n", "é", "中", "\u{301}", "\u{7}", "word ",
            ]), 1..60),
            spans in proptest::collection::vec((0usize..2, 0usize..200, 0usize..12, proptest::bool::ANY), 1..4),
            messages in proptest::collection::vec(proptest::sample::select(vec!["", "m", "a longer message"]), 4),
            notes in proptest::collection::vec(proptest::sample::select(vec!["help: h", "note: a\nb", ""]), 0..3),
        ) {
            let first: String = pieces.concat();
            let second: String = pieces.iter().rev().copied().collect();
            let texts = [first.as_str(), second.as_str()];
            let labels: Vec<(usize, std::ops::Range<usize>, &str, bool)> = spans
                .iter()
                .enumerate()
                .map(|(i, &(f, start, len, primary))| {
                    let t = texts[f];
                    let mut s = start.min(t.len());
                    while !t.is_char_boundary(s) { s -= 1; }
                    let mut e = (s + len).min(t.len());
                    while !t.is_char_boundary(e) { e -= 1; }
                    (f, s..e, messages[i], primary || i == 0)
                })
                .collect();
            let notes: Vec<&str> = notes.to_vec();
            let (direct, reference) = both(&texts, &labels, &notes);
            if let Some(direct) = direct {
                proptest::prop_assert_eq!(direct, reference);
            }
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

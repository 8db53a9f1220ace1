//! `--format json`: one document, `{"version": 1, "diagnostics": [...], "summary": {...}}`.
//! The schema is a contract read by evaluation tooling; add fields, never rename them.

use std::io::{self, Write};
use std::sync::Arc;

use super::{Reporter, Summary, json_stream};
use crate::diagnostic::{Diagnostic, Severity};

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
    /// Made for `indent` at the first file.
    layout: Option<Layout>,
}

/// Files with more findings than this have their JSON laid out on several threads, in pieces of
/// this many findings, and written in order.
const PARALLEL_CHUNK: usize = 2048;

impl Reporter for Json {
    fn begin(&mut self, w: &mut dyn Write) -> io::Result<()> {
        let doc = render(&[], &Summary::default());
        let (head, indent, _) = json_stream::split(&doc, "diagnostics");
        self.indent = indent.to_string();
        self.layout = None;
        w.write_all(head.as_bytes())
    }

    fn file(&mut self, w: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
        let layout = self.layout.get_or_insert_with(|| Layout::new(&self.indent));
        if diagnostics.len() > PARALLEL_CHUNK {
            let first = self.written == 0;
            self.written += diagnostics.len();
            return write_parallel(w, layout, diagnostics, first);
        }
        // One write per file: the findings of a file are laid out in `scratch` first.
        self.scratch.clear();
        for d in diagnostics {
            if self.written > 0 {
                self.scratch.push(b',');
            }
            layout.diagnostic(&mut self.scratch, d);
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

/// A large file's findings (a hundred thousand in a 40 MB file: 90 MB of JSON) laid out a few
/// pieces at a time on rayon's threads, each piece written in order as soon as those before it
/// are, so that memory holds a few pieces, not the whole. `first`: no finding was written yet.
fn write_parallel(
    w: &mut dyn Write,
    layout: &Layout,
    diagnostics: &[Diagnostic],
    first: bool,
) -> io::Result<()> {
    use rayon::prelude::*;
    let wave = 2 * rayon::current_num_threads().max(1);
    let chunks: Vec<&[Diagnostic]> = diagnostics.chunks(PARALLEL_CHUNK).collect();
    for (n, group) in chunks.chunks(wave).enumerate() {
        let laid_out: Vec<Vec<u8>> = group
            .par_iter()
            .enumerate()
            .map(|(i, chunk)| {
                let mut layout = layout.clone();
                let mut out = Vec::with_capacity(chunk.len() * 1024);
                for (j, d) in chunk.iter().enumerate() {
                    if !(first && n == 0 && i == 0 && j == 0) {
                        out.push(b',');
                    }
                    layout.diagnostic(&mut out, d);
                }
                out
            })
            .collect();
        for out in &laid_out {
            w.write_all(out)?;
        }
    }
    Ok(())
}

/// The text of a finding as [`Pretty::diagnostic`] lays it out at depth 1, from pieces: the
/// fixed text between values is made once for the report's indentation, and the text that
/// follows from the rule, the file, or the label, help and notes (the same for thousands of
/// findings) is kept from the last finding that had it. Each piece is written by [`Pretty`],
/// so the layout stays its layout.
#[derive(Clone)]
struct Layout {
    base: String,
    span_end: Fixed,
    start_line: Fixed,
    column: Fixed,
    end_line: Fixed,
    text_key: Fixed,
    close: Fixed,
    /// Through `"message": "`, for a rule and severity.
    head: Piece<(Arc<str>, Severity)>,
    /// From the message's closing quote through `"start": ` in the span, for a path.
    path: Piece<Arc<str>>,
    /// From the text's closing quote through `"fingerprint": "`, for a label, help and notes.
    tail: Piece<Tail>,
}

type Tail = (Arc<str>, Option<Arc<str>>, Arc<[String]>);

/// The bytes for the last few keys: a file's findings alternate between a few rules.
#[derive(Clone)]
struct Piece<K> {
    entries: Vec<(K, Vec<u8>)>,
    /// The entry to replace next when all are taken.
    next: usize,
}

const PIECE_ENTRIES: usize = 4;

impl<K> Default for Piece<K> {
    fn default() -> Piece<K> {
        Piece {
            entries: Vec::new(),
            next: 0,
        }
    }
}

impl<K> Piece<K> {
    /// The bytes for `key`, made by `make` unless kept.
    fn get(
        &mut self,
        same: impl Fn(&K) -> bool,
        key: impl FnOnce() -> K,
        make: impl FnOnce(&mut Pretty),
        base: &str,
    ) -> &[u8] {
        let i = match self.entries.iter().position(|(k, _)| same(k)) {
            Some(i) => i,
            None => {
                let mut bytes = Vec::new();
                make(&mut Pretty::new(&mut bytes, base, 0));
                if self.entries.len() < PIECE_ENTRIES {
                    self.entries.push((key(), bytes));
                    self.entries.len() - 1
                } else {
                    let i = self.next;
                    self.next = (i + 1) % PIECE_ENTRIES;
                    self.entries[i] = (key(), bytes);
                    i
                }
            }
        };
        &self.entries[i].1
    }
}

fn same_str(a: &Arc<str>, b: &Arc<str>) -> bool {
    Arc::ptr_eq(a, b) || **a == **b
}

impl Layout {
    fn new(base: &str) -> Layout {
        // A piece written by `Pretty` from within the object (depth 2), or within one of its
        // nested objects (depth 3), after an entry.
        let piece = |depth: usize, f: &dyn Fn(&mut Pretty)| {
            let mut out = Vec::new();
            let mut p = Pretty::new(&mut out, base, depth);
            p.empty = false;
            f(&mut p);
            Fixed::new(out)
        };
        let line = |name: &'static str| {
            piece(3, &move |p| {
                p.close(b'}');
                p.key(name);
                p.open(b'{');
                p.key("line");
            })
        };
        Layout {
            base: base.to_string(),
            span_end: piece(3, &|p| p.key("end")),
            start_line: line("start"),
            column: piece(3, &|p| p.key("column")),
            end_line: line("end"),
            text_key: piece(3, &|p| {
                p.close(b'}');
                p.key("text");
                p.out.push(b'"');
            }),
            close: piece(2, &|p| {
                p.out.push(b'"');
                p.close(b'}');
            }),
            head: Piece::default(),
            path: Piece::default(),
            tail: Piece::default(),
        }
    }

    fn diagnostic(&mut self, out: &mut Vec<u8>, d: &Diagnostic) {
        if !d.related.is_empty() {
            // Only corpus-wide findings have related places: rare, and laid out the long way.
            Pretty::new(out, &self.base, 1).diagnostic(d);
            return;
        }
        let base = self.base.as_str();
        let l = &d.location;
        out.extend_from_slice(self.head.get(
            |(rule, severity)| *severity == d.severity && same_str(rule, &d.rule),
            || (d.rule.clone(), d.severity),
            |p| {
                p.depth = 1;
                p.line();
                p.open(b'{');
                p.key("rule");
                p.string(&d.rule);
                p.key("severity");
                p.string(d.severity.as_str());
                p.key("message");
                p.out.push(b'"');
            },
            base,
        ));
        escape_into(out, &d.message);
        out.extend_from_slice(self.path.get(
            |path| same_str(path, &l.path),
            || l.path.clone(),
            |p| {
                p.out.push(b'"');
                (p.depth, p.empty) = (2, false);
                p.key("path");
                p.string(&l.path);
                p.key("span");
                p.open(b'{');
                p.key("start");
            },
            base,
        ));
        number(out, l.span.start);
        self.span_end.put(out);
        number(out, l.span.end);
        for (key, at) in [(&self.start_line, l.start), (&self.end_line, l.end)] {
            key.put(out);
            number(out, at.line);
            self.column.put(out);
            number(out, at.column);
        }
        self.text_key.put(out);
        escape_into(out, &l.text);
        out.extend_from_slice(self.tail.get(
            |(label, help, notes)| {
                same_str(label, &d.label)
                    && match (help, &d.help) {
                        (Some(a), Some(b)) => same_str(a, b),
                        (None, None) => true,
                        _ => false,
                    }
                    && (Arc::ptr_eq(notes, &d.notes) || **notes == *d.notes)
            },
            || (d.label.clone(), d.help.clone(), d.notes.clone()),
            |p| {
                p.out.push(b'"');
                (p.depth, p.empty) = (2, false);
                p.key("label");
                p.string(&d.label);
                p.key("related");
                p.open(b'[');
                p.close(b']');
                p.key("help");
                match &d.help {
                    Some(h) => p.string(h),
                    None => p.out.extend_from_slice(b"null"),
                }
                p.key("notes");
                p.open(b'[');
                for n in d.notes.iter() {
                    p.item();
                    p.string(n);
                }
                p.close(b']');
                p.key("fingerprint");
                p.out.push(b'"');
            },
            base,
        ));
        // The fingerprint's bytes as they are (its `str` form would check them again). The
        // sixteen hex digits that factlint makes are copied whole, without a call.
        let fingerprint = d.fingerprint.as_bytes();
        match fingerprint.first_chunk::<16>() {
            Some(bytes) if !needs_escape16(bytes) => out.extend_from_slice(bytes),
            _ => escape_bytes_into(out, fingerprint),
        }
        self.close.put(out);
    }
}

/// Room for a short fixed piece of a finding's layout, copied whole.
const FIXED_ROOM: usize = 64;

/// A short piece of layout (a few keys and their indentation) that is copied as a block of
/// `FIXED_ROOM` bytes, a few moves, rather than by a call to copy its length: seven such
/// pieces go into every finding. Longer pieces (a deep indentation) are copied as they are.
#[derive(Clone)]
struct Fixed {
    bytes: Vec<u8>,
    /// `bytes` followed by zeros, when it fits.
    block: Option<[u8; FIXED_ROOM]>,
}

impl Fixed {
    fn new(bytes: Vec<u8>) -> Fixed {
        let block = (bytes.len() <= FIXED_ROOM).then(|| {
            let mut block = [0u8; FIXED_ROOM];
            block[..bytes.len()].copy_from_slice(&bytes);
            block
        });
        Fixed { bytes, block }
    }

    /// The piece appended to `out`.
    #[inline]
    fn put(&self, out: &mut Vec<u8>) {
        match &self.block {
            Some(block) => {
                out.reserve(FIXED_ROOM);
                let len = out.len();
                // SAFETY: `reserve` made room for `FIXED_ROOM` bytes past the length, which
                // are copied there (as many as the piece's and more), and the copy does not
                // overlap the piece; the bytes up to the new length are then all written.
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        block.as_ptr(),
                        out.as_mut_ptr().add(len),
                        FIXED_ROOM,
                    );
                    out.set_len(len + self.bytes.len());
                }
            }
            None => out.extend_from_slice(&self.bytes),
        }
    }
}

/// Two decimal digits each of 0 to 99.
const DIGIT_PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// `n` in decimal appended to `out`, as itoa writes it: written in place two digits at a time,
/// without copying them from a buffer by a call (six numbers a finding, most of them short).
#[inline]
fn number(out: &mut Vec<u8>, n: usize) {
    let mut n = n as u64;
    let digits = match n {
        0..10 => 1,
        10..100 => 2,
        100..1000 => 3,
        1000..10000 => 4,
        // Offsets into a large file.
        10000..100_000 => 5,
        100_000..1_000_000 => 6,
        1_000_000..10_000_000 => 7,
        _ => n.ilog10() as usize + 1,
    };
    out.reserve(digits);
    let len = out.len();
    // SAFETY: `reserve` made room for `digits` bytes past the length; each is written once
    // below (pairs from the last down, then the first one or two), from within
    // `DIGIT_PAIRS` (`pair` is below 200), before the length takes them in.
    unsafe {
        let to = out.as_mut_ptr().add(len);
        let mut at = digits;
        while n >= 100 {
            let pair = (n % 100) as usize * 2;
            n /= 100;
            at -= 2;
            std::ptr::copy_nonoverlapping(DIGIT_PAIRS.as_ptr().add(pair), to.add(at), 2);
        }
        if n >= 10 {
            std::ptr::copy_nonoverlapping(DIGIT_PAIRS.as_ptr().add(n as usize * 2), to, 2);
        } else {
            *to = b'0' + n as u8;
        }
        out.set_len(len + digits);
    }
}

/// [`number`] as itoa writes it, its test oracle.
#[cfg(test)]
fn number_by_itoa(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
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
        number(self.out, n);
    }

    /// A JSON string, escaped as serde_json escapes: `"`, `\\` and control characters only.
    fn string(&mut self, s: &str) {
        self.out.push(b'"');
        escape_into(self.out, s);
        self.out.push(b'"');
    }
}

/// The inside of a JSON string, escaped as serde_json escapes.
fn escape_into(out: &mut Vec<u8>, s: &str) {
    escape_bytes_into(out, s.as_bytes());
}

/// [`escape_into`] of the bytes of a `str`.
fn escape_bytes_into(out: &mut Vec<u8>, bytes: &[u8]) {
    // Most texts need no escape: told at once, then copied whole; the short ones (a flagged
    // text, a message) by two overlapping loads and stores, without a call.
    if let 8..=32 = bytes.len() {
        if !needs_escape_short(bytes) {
            push_short(out, bytes);
            return;
        }
    } else if !needs_escape(bytes) {
        out.extend_from_slice(bytes);
        return;
    }
    escape_slowly(out, bytes);
}

/// Whether some byte of `bytes` (8 to 32 of them) must be escaped: up to sixteen as their
/// first and last eight bytes, which overlap, read as words.
#[inline]
fn needs_escape_short(bytes: &[u8]) -> bool {
    let n = bytes.len();
    debug_assert!((8..=32).contains(&n));
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"));
    if n <= 16 {
        return word_needs_escape(word(0)) || word_needs_escape(word(n - 8));
    }
    needs_escape(bytes)
}

/// `bytes` (8 to 32 of them) appended to `out` as two copies of a fixed size that overlap.
#[inline]
fn push_short(out: &mut Vec<u8>, bytes: &[u8]) {
    let n = bytes.len();
    assert!((8..=32).contains(&n));
    out.reserve(n);
    let len = out.len();
    // SAFETY: `reserve` made room for `n` bytes past the length, and `bytes` holds `n`; the
    // two copies (of eight bytes each where `n` is at most 16, else sixteen) cover them all,
    // the first from the start and the second up to the end, neither past `n` (asserted
    // above), so every byte up to the new length is written; source and room do not overlap.
    unsafe {
        let to = out.as_mut_ptr().add(len);
        if n <= 16 {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), to, 8);
            std::ptr::copy_nonoverlapping(bytes.as_ptr().add(n - 8), to.add(n - 8), 8);
        } else {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), to, 16);
            std::ptr::copy_nonoverlapping(bytes.as_ptr().add(n - 16), to.add(n - 16), 16);
        }
        out.set_len(len + n);
    }
}

/// [`escape_bytes_into`] of bytes some of which are escaped, and its test oracle. Not inlined:
/// rarely called, it made every call of `escape_bytes_into` save and restore registers.
#[inline(never)]
fn escape_slowly(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut from = 0;
    while let Some(i) = next_escape(bytes, from) {
        let b = bytes[i];
        out.extend_from_slice(&bytes[from..i]);
        from = i + 1;
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
    }
    out.extend_from_slice(&bytes[from..]);
}

/// Whether some byte of `bytes` must be escaped in a JSON string (`"`, `\\`, controls): sixteen
/// bytes at a time with SSE2, the last sixteen read again rather than one at a time.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn needs_escape(bytes: &[u8]) -> bool {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_setzero_si128,
    };
    if bytes.len() < 16 {
        return next_escape(bytes, 0).is_some();
    }
    let hits = |at: usize| -> i32 {
        assert!(at + 16 <= bytes.len());
        // SAFETY: sixteen bytes are readable at `at` (asserted above) and the load is
        // unaligned; the rest needs only SSE2, which this build enables (every x86_64 has it).
        unsafe {
            let x: __m128i = _mm_loadu_si128(bytes.as_ptr().add(at).cast());
            // Controls are the bytes whose top three bits are clear.
            let control = _mm_cmpeq_epi8(
                _mm_and_si128(x, _mm_set1_epi8(0xe0_u8 as i8)),
                _mm_setzero_si128(),
            );
            let quote = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'\\' as i8));
            _mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash)))
        }
    };
    let mut at = 0;
    while at + 16 <= bytes.len() {
        if hits(at) != 0 {
            return true;
        }
        at += 16;
    }
    at < bytes.len() && hits(bytes.len() - 16) != 0
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn needs_escape(bytes: &[u8]) -> bool {
    next_escape(bytes, 0).is_some()
}

/// [`needs_escape`] of sixteen bytes, two words at once.
#[inline]
fn needs_escape16(bytes: &[u8; 16]) -> bool {
    let (a, b) = bytes.split_at(8);
    let word = |h: &[u8]| u64::from_le_bytes(h.try_into().expect("eight bytes"));
    word_escape_hits(word(a)) | word_escape_hits(word(b)) != 0
}

/// [`needs_escape`] of the eight bytes of `x` (little-endian).
#[inline]
fn word_needs_escape(x: u64) -> bool {
    word_escape_hits(x) != 0
}

/// Non-zero where some byte of `x` must be escaped (exact as a yes or no).
#[inline]
fn word_escape_hits(x: u64) -> u64 {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A high bit for some byte that is zero in `x` (exact as a yes or no).
    let zero = |x: u64| x.wrapping_sub(LOW) & !x & HIGH;
    zero(x & 0xe0e0_e0e0_e0e0_e0e0)
        | zero(x ^ (LOW * u64::from(b'"')))
        | zero(x ^ (LOW * u64::from(b'\\')))
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

    /// Findings whose rule, severity, path, label, help and notes change from one to the next
    /// in every combination, some sharing their `Arc`s and some equal only by content.
    fn varied_findings() -> Vec<Diagnostic> {
        let shared_help: Arc<str> = "cite \\it\t".into();
        let mut out = Vec::new();
        for i in 0..48usize {
            let text = ["12", "é \"q\"", ""][i % 3];
            let mut d = finding(text, &format!("m{i} {text}"), 0, i % 2 == 0, &[]);
            if i % 4 < 2 {
                d.help = d.help.map(|_| shared_help.clone());
            }
            if i % 5 == 0 {
                d.rule = "other\nrule".into();
            }
            if i % 7 == 0 {
                d.severity = Severity::Error;
            }
            if i % 3 == 0 {
                d.location.path = format!("p{}.md", i % 2).into();
            }
            if i % 6 < 3 {
                d.label = format!("label {}", i % 2).into();
            }
            d.notes = match i % 4 {
                0 => Vec::new().into(),
                1 => vec!["n1".to_string()].into(),
                _ => vec!["n1".to_string(), "n\"2".to_string()].into(),
            };
            if i % 11 == 0 {
                d.related = finding(text, "r", 2, false, &[]).related;
            }
            d.fingerprint = match i % 13 {
                // Fingerprints read from elsewhere: sixteen bytes to escape, and a short one.
                4 => "a\"b\\c\u{1}0123456789".into(),
                9 => "q\"".into(),
                _ => crate::diagnostic::Fingerprint::hex(i as u64 * 0x9e37_79b9),
            };
            out.push(d);
        }
        out
    }

    #[test]
    fn layout_from_pieces_equals_pretty() {
        let findings = varied_findings();
        // The last indentation makes the fixed pieces too long to be copied as blocks.
        let deep = " ".repeat(FIXED_ROOM);
        for base in ["", "  ", "\t", &deep] {
            let mut layout = Layout::new(base);
            for d in &findings {
                let (mut fast, mut slow) = (Vec::new(), Vec::new());
                layout.diagnostic(&mut fast, d);
                Pretty::new(&mut slow, base, 1).diagnostic(d);
                assert_eq!(
                    String::from_utf8(fast).unwrap(),
                    String::from_utf8(slow).unwrap()
                );
            }
        }
        assert_same_as_serde(&findings);
    }

    #[test]
    fn a_large_file_laid_out_in_parallel_pieces_equals_serde_json() {
        let findings = varied_findings();
        let many: Vec<Diagnostic> = findings
            .iter()
            .cycle()
            .take(2 * PARALLEL_CHUNK + 7)
            .cloned()
            .collect();
        assert_same_as_serde(&many);
        // After a file that was written the ordinary way, and before another.
        let mut json = Json::default();
        let mut out = Vec::new();
        json.begin(&mut out).unwrap();
        json.file(&mut out, &findings[..3]).unwrap();
        json.file(&mut out, &many).unwrap();
        json.file(&mut out, &findings[3..]).unwrap();
        json.finish(&mut out, &Summary::default()).unwrap();
        let all: Vec<Diagnostic> = findings[..3]
            .iter()
            .chain(&many)
            .chain(&findings[3..])
            .cloned()
            .collect();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            render(&all, &Summary::default())
        );
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

    #[test]
    fn needs_escape_tells_whether_any_byte_is_escaped() {
        let slow = |b: &[u8]| b.iter().any(|&c| c < 0x20 || c == b'"' || c == b'\\');
        for len in 0..50 {
            let plain: Vec<u8> = (0..len).map(|i| b"a \xc3\xa9~\x7f!#"[i % 8]).collect();
            assert!(!needs_escape(&plain), "{plain:?}");
            for at in 0..len {
                for b in [0u8, 0x1f, b'"', b'\\', b'\n'] {
                    let mut v = plain.clone();
                    v[at] = b;
                    assert!(needs_escape(&v), "{v:?}");
                    assert_eq!(needs_escape(&v), slow(&v));
                }
            }
        }
    }

    #[test]
    fn sixteen_bytes_need_escape_as_any_bytes_do() {
        let plain = *b"5cebf159603e9392";
        assert!(!needs_escape16(&plain));
        for at in 0..16 {
            for b in [
                0u8, 0x1f, 0x20, b'"', b'\\', b'\n', 0x7f, 0x80, 0xe0, 0xff, b'!', b'#',
            ] {
                let mut v = plain;
                v[at] = b;
                assert_eq!(needs_escape16(&v), needs_escape(&v), "{v:?}");
            }
        }
    }

    #[test]
    fn numbers_are_written_as_itoa_writes_them() {
        let mut edges = vec![0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, usize::MAX];
        for k in 1..20u32 {
            let p = 10usize.pow(k);
            edges.extend([p - 1, p, p + 1, 2 * p - 1]);
        }
        for n in edges {
            let (mut fast, mut slow) = (b"x".to_vec(), b"x".to_vec());
            number(&mut fast, n);
            number_by_itoa(&mut slow, n);
            assert_eq!(fast, slow, "{n}");
        }
    }

    #[test]
    fn fixed_pieces_are_appended_whole() {
        for len in [0, 1, 17, FIXED_ROOM - 1, FIXED_ROOM, FIXED_ROOM + 1, 200] {
            let bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            let piece = Fixed::new(bytes.clone());
            // Into an empty list, and one just short of room.
            for mut out in [Vec::new(), Vec::with_capacity(FIXED_ROOM + 3)] {
                out.extend_from_slice(b"head");
                piece.put(&mut out);
                piece.put(&mut out);
                assert_eq!(out, [&b"head"[..], &bytes, &bytes].concat());
            }
        }
    }

    #[test]
    fn short_texts_are_escaped_as_any_are() {
        for n in 0..40 {
            let plain: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            let mut cases = vec![plain.clone()];
            for at in 0..n {
                for b in [b'"', b'\\', b'\n', 0x1f, 0x7f, 0xc3] {
                    let mut v = plain.clone();
                    v[at] = b;
                    cases.push(v);
                }
            }
            for v in cases {
                let (mut fast, mut slow) = (b"head".to_vec(), b"head".to_vec());
                escape_bytes_into(&mut fast, &v);
                escape_slowly(&mut slow, &v);
                assert_eq!(fast, slow, "{v:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn any_bytes_are_escaped_as_the_slow_way_does(
            bytes in proptest::collection::vec(
                prop_oneof![any::<u8>(), Just(b'a'), Just(b'"'), Just(b'\\')],
                0..48,
            ),
            room in 0usize..40,
        ) {
            let (mut fast, mut slow) = (Vec::with_capacity(room), Vec::new());
            fast.extend_from_slice(b"x");
            slow.extend_from_slice(b"x");
            escape_bytes_into(&mut fast, &bytes);
            escape_slowly(&mut slow, &bytes);
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn any_number_is_written_as_itoa_writes_it(n: usize, small in 0usize..100_000) {
            for n in [n, small] {
                let (mut fast, mut slow) = (Vec::new(), Vec::new());
                number(&mut fast, n);
                number_by_itoa(&mut slow, n);
                prop_assert_eq!(fast, slow);
            }
        }

        #[test]
        fn sixteen_bytes_need_escape_as_a_scan_says(bytes: [u8; 16]) {
            prop_assert_eq!(needs_escape16(&bytes), needs_escape(&bytes));
        }

        #[test]
        fn next_escape_agrees_with_a_scan(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let slow = (0..bytes.len()).find(|&j| bytes[j] < 0x20 || bytes[j] == b'"' || bytes[j] == b'\\');
            prop_assert_eq!(next_escape(&bytes, 0), slow);
            prop_assert_eq!(needs_escape(&bytes), slow.is_some());
        }

        #[test]
        fn hand_layout_equals_serde_json_on_any_text(text in "\\PC{0,40}|[\\x00-\\x7f]{0,40}", message in ".{0,20}") {
            assert_same_as_serde(&[finding(&text, &message, 1, true, &["x"])]);
        }
    }
}

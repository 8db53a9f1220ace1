//! The diagnostic model every rule returns and every reporter renders.

use std::ops::Range;

use std::sync::Arc;

use crate::source::{LineCol, LineIndex};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A place in a file, with everything reporters need so that no file has to be held in memory
/// after it was linted (except by the human renderer, which re-reads what it shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Shared by the findings of one file (a large file has a hundred thousand).
    pub path: Arc<str>,
    pub span: Span,
    pub start: LineCol,
    pub end: LineCol,
    /// The flagged source text.
    pub text: SharedText,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Location {
    /// `path` is shared: a file's findings hold one copy of it.
    pub fn new(path: Arc<str>, text: &str, index: &LineIndex, range: Range<usize>) -> Location {
        let flagged = SharedText::from(&text[range.clone()]);
        Location::with_text(path, text, index, range, flagged)
    }

    /// [`Location::new`] with the flagged text given: `flagged` must read as `text[range]`.
    pub fn with_text(
        path: Arc<str>,
        text: &str,
        index: &LineIndex,
        range: Range<usize>,
        flagged: SharedText,
    ) -> Location {
        debug_assert_eq!(&*flagged, &text[range.clone()]);
        let (start, end) = span_positions(text, &range, |at| index.line_col(text, at));
        Location {
            path,
            span: Span {
                start: range.start,
                end: range.end,
            },
            start,
            end,
            text: flagged,
        }
    }

    pub fn range(&self) -> Range<usize> {
        self.span.start..self.span.end
    }
}

/// Where `range` of `text` starts and ends, `line_col` resolving offsets of `text` (a
/// [`LineIndex`], or a cursor of one that a thread owns).
pub fn span_positions(
    text: &str,
    range: &Range<usize>,
    mut line_col: impl FnMut(usize) -> LineCol,
) -> (LineCol, LineCol) {
    let start = line_col(range.start);
    // A flagged text without a line break ends on the line it starts on, its chars further
    // along: the index would count the same chars from the start it just resolved.
    let end = match chars_on_one_line(&text.as_bytes()[range.start..range.end]) {
        Some(chars) => LineCol {
            line: start.line,
            column: start.column + chars,
        },
        None => line_col(range.end),
    };
    (start, end)
}

/// The chars of `s` (UTF-8) when it holds no line break (`\n` or `\r`, the only bytes that end
/// a line for [`LineIndex`]), else `None`. Eight bytes at a time: a quotation's first line is
/// often long.
fn chars_on_one_line(s: &[u8]) -> Option<usize> {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Whether some byte of `x` is zero (exact as a yes or no).
    let any_zero = |x: u64| x.wrapping_sub(LOW) & !x & HIGH != 0;
    let mut continuations = 0;
    let mut chunks = s.chunks_exact(8);
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        if any_zero(x ^ (LOW * u64::from(b'\n'))) || any_zero(x ^ (LOW * u64::from(b'\r'))) {
            return None;
        }
        // Continuation bytes are 0b10xx_xxxx: the high bit set, the next one clear.
        continuations += (x & !(x << 1) & HIGH).count_ones() as usize;
    }
    for &b in chunks.remainder() {
        if b == b'\n' || b == b'\r' {
            return None;
        }
        continuations += usize::from(b & 0xc0 == 0x80);
    }
    Some(s.len() - continuations)
}

/// [`chars_on_one_line`] a byte at a time, its test oracle.
#[cfg(test)]
fn chars_on_one_line_bytewise(s: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(s).ok()?;
    (!text.contains(['\n', '\r'])).then(|| text.chars().count())
}

/// A finding's text or message: a slice of a buffer that the findings of one rule in one file
/// share, or a buffer of its own. A file's findings held two heap strings each, and making and
/// freeing them was a fifth of what a finding cost. The buffer is an `Arc<String>`, not an
/// `Arc<str>`: made into one, a large file's buffer was copied, and both were held at once.
#[derive(Clone)]
pub struct SharedText {
    buf: Arc<String>,
    start: usize,
    end: usize,
}

impl SharedText {
    /// `buf[range]`, sharing `buf`.
    ///
    /// # Panics
    /// When `range` is not a range of char boundaries of `buf`.
    pub fn slice(buf: &Arc<String>, range: Range<usize>) -> SharedText {
        // Checked once here (it panics otherwise), so that reading it needs no check.
        let _ = &buf[range.clone()];
        SharedText {
            buf: Arc::clone(buf),
            start: range.start,
            end: range.end,
        }
    }

    pub fn as_str(&self) -> &str {
        // SAFETY: `start..end` is a range of char boundaries of `buf`: `slice` checked it, the
        // `From`s make it the whole of `buf`, and neither changes after (the fields are
        // private and no method sets them). Reporters read these texts once or twice each.
        unsafe { self.buf.get_unchecked(self.start..self.end) }
    }
}

impl std::ops::Deref for SharedText {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for SharedText {
    fn from(s: &str) -> SharedText {
        SharedText {
            buf: Arc::new(s.to_owned()),
            start: 0,
            end: s.len(),
        }
    }
}

impl From<String> for SharedText {
    fn from(s: String) -> SharedText {
        let end = s.len();
        SharedText {
            buf: Arc::new(s),
            start: 0,
            end,
        }
    }
}

impl Default for SharedText {
    fn default() -> SharedText {
        SharedText::from("")
    }
}

impl PartialEq for SharedText {
    fn eq(&self, other: &SharedText) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedText {}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SharedText {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl std::fmt::Debug for SharedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for SharedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for SharedText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: std::sync::Arc<str>,
    pub severity: Severity,
    pub message: SharedText,
    pub location: Location,
    /// The short label under the primary span; shared with the rule, like `help`.
    pub label: std::sync::Arc<str>,
    pub related: Vec<Related>,
    /// Shared with the rule: thousands of findings of one rule hold one copy.
    pub help: Option<std::sync::Arc<str>>,
    pub notes: std::sync::Arc<[String]>,
    pub fingerprint: Fingerprint,
}

// Serialised by hand rather than derived: a location's fields sit inline in the object that
// holds it, and `#[serde(flatten)]` would route every finding through serde's map machinery
// (a third of the cost of `--format json`). Field order is the JSON schema's; do not reorder.
use serde::ser::{Serialize, SerializeStruct, Serializer};

impl Location {
    const FIELDS: usize = 5;

    fn serialize_fields<S: SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error> {
        s.serialize_field("path", &*self.path)?;
        s.serialize_field("span", &self.span)?;
        s.serialize_field("start", &self.start)?;
        s.serialize_field("end", &self.end)?;
        s.serialize_field("text", self.text.as_str())
    }
}

impl Serialize for Location {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Location", Location::FIELDS)?;
        self.serialize_fields(&mut s)?;
        s.end()
    }
}

impl Serialize for Related {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Related", Location::FIELDS + 1)?;
        self.location.serialize_fields(&mut s)?;
        s.serialize_field("message", &self.message)?;
        s.end()
    }
}

impl Serialize for Diagnostic {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Diagnostic", Location::FIELDS + 9)?;
        s.serialize_field("rule", &*self.rule)?;
        s.serialize_field("severity", &self.severity)?;
        s.serialize_field("message", self.message.as_str())?;
        self.location.serialize_fields(&mut s)?;
        s.serialize_field("label", &*self.label)?;
        s.serialize_field("related", &self.related)?;
        s.serialize_field("help", &self.help.as_deref())?;
        s.serialize_field("notes", &*self.notes)?;
        s.serialize_field("fingerprint", &self.fingerprint)?;
        s.end()
    }
}

/// 64-bit FNV-1a: stable across Rust versions and platforms, unlike std's hasher.
pub fn stable_hash(parts: &[&str]) -> u64 {
    let mut h = FNV_OFFSET;
    for part in parts {
        for &b in part.as_bytes() {
            h = fnv1(h, b);
        }
        h = fnv1(h, 0xff);
    }
    h
}

/// One FNV-1a step.
#[inline(always)]
fn fnv1(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(FNV_PRIME)
}

const FNV_PRIME: u64 = 0x0100_0000_01b3;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// The slow form of [`fnv_continue`], kept as its test oracle: fold, then hash the pieces.
#[cfg(test)]
fn fnv_continue_by_pieces(mut h: u64, parts: &[&str]) -> u64 {
    for part in parts {
        fold_ws(part, |piece| {
            for &b in piece.as_bytes() {
                h = fnv1(h, b);
            }
        });
        h = fnv1(h, 0xff);
    }
    h
}

/// Continue `h` (a `stable_hash` state) with `parts` whitespace-folded.
fn fnv_continue(mut h: u64, parts: &[&str]) -> u64 {
    for part in parts {
        h = fnv1(fnv_folded(h, part), 0xff);
    }
    h
}

/// `h` continued with the bytes of `s` folded as by [`fold_ws`], in one pass: each byte is
/// hashed as it is read, a space before a word when whitespace came between it and the last
/// one. Every finding hashes its text and ~130 bytes of context this way.
///
/// Prose is mostly printable ASCII with single spaces, which folding leaves as it is: eight
/// such bytes are told apart at once and hashed without the byte-by-byte state machine.
fn fnv_folded(mut h: u64, s: &str) -> u64 {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let bytes = s.as_bytes();
    // `gap`: whitespace since the last word byte, and some word byte before it.
    let (mut i, mut any, mut gap) = (0, false, false);
    // Printable ASCII (0x21..=0x7f): a byte of a word, neither whitespace nor part of a char.
    let word = |b: u8| b.wrapping_sub(0x21) < 0x5f;
    while i < bytes.len() {
        // Sixteen such bytes at once where SSE2 tells them apart (every x86-64 has it).
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        if let Some(chunk) = bytes.get(i..i + 16) {
            let (odd, spaces) = odd_and_spaces16(chunk);
            let first_space = spaces & 1 != 0;
            if odd == 0 && spaces & (spaces >> 1) == 0 && (any || !first_space) {
                if gap && !first_space {
                    h = fnv1(h, b' ');
                }
                for &b in &chunk[..15] {
                    h = fnv1(h, b);
                }
                gap = spaces >> 15 != 0;
                if !gap {
                    h = fnv1(h, chunk[15]);
                }
                any = true;
                i += 16;
                continue;
            }
        }
        if let Some(chunk) = bytes.get(i..i + 8) {
            let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            // The high bit of each space: where `x` holds only bytes below 0x80, adding 0x7f
            // to the low seven bits of `y` carries into the high bit of exactly the non-zero.
            let y = x ^ (LOW * 0x20);
            let spaces = !(((y & !HIGH) + !HIGH) | y) & HIGH;
            // Every byte in 0x20..=0x7f (no high bit, none borrows below 0x20), no two spaces
            // together, and no space before any word: each space stands between two words,
            // and folding keeps the bytes as they are. A space last is left pending, as
            // whitespace before the next word.
            let first_space = spaces & 0x80 != 0;
            if (x | x.wrapping_sub(LOW * 0x20) | (spaces & (spaces >> 8))) & HIGH == 0
                && (any || !first_space)
            {
                if gap && !first_space {
                    h = fnv1(h, b' ');
                }
                for &b in &chunk[..7] {
                    h = fnv1(h, b);
                }
                gap = spaces >> 63 != 0;
                if !gap {
                    h = fnv1(h, chunk[7]);
                }
                any = true;
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        if word(b) {
            if gap {
                h = fnv1(h, b' ');
                gap = false;
            }
            any = true;
            // The rest of the word's ASCII run in a tight loop (the chunk test failed here).
            h = fnv1(h, b);
            i += 1;
            while let Some(&b) = bytes.get(i) {
                if !word(b) {
                    break;
                }
                h = fnv1(h, b);
                i += 1;
            }
            continue;
        }
        let (space, len) = whitespace_at(s, i, b);
        if space {
            gap = any;
        } else {
            if gap {
                h = fnv1(h, b' ');
                gap = false;
            }
            for &b in &bytes[i..i + len] {
                h = fnv1(h, b);
            }
            any = true;
        }
        i += len;
    }
    h
}

/// Bit `k` of the first mask: byte `k` of `chunk` (sixteen bytes) is below 0x20 or not ASCII;
/// of the second: it is a space.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn odd_and_spaces16(chunk: &[u8]) -> (u32, u32) {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    assert!(chunk.len() >= 16);
    // SAFETY: sixteen bytes are readable at `chunk` (asserted above) and the load is
    // unaligned; the rest needs only SSE2, which this build enables (every x86_64 has it).
    unsafe {
        let x = _mm_loadu_si128(chunk.as_ptr().cast());
        // Signed: bytes from 0x80 up are negative, so below 0x20 too.
        let odd = _mm_movemask_epi8(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20))) as u32;
        let spaces = _mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(0x20))) as u32;
        (odd, spaces)
    }
}

/// The byte-at-a-time [`fnv_folded`], kept as its test oracle.
#[cfg(test)]
fn fnv_folded_bytewise(mut h: u64, s: &str) -> u64 {
    let bytes = s.as_bytes();
    let (mut i, mut any, mut gap) = (0, false, false);
    let word = |b: u8| b.wrapping_sub(0x21) < 0x5f;
    while i < bytes.len() {
        let b = bytes[i];
        if word(b) {
            if gap {
                h = fnv1(h, b' ');
                gap = false;
            }
            any = true;
            h = fnv1(h, b);
            i += 1;
            while let Some(&b) = bytes.get(i) {
                if !word(b) {
                    break;
                }
                h = fnv1(h, b);
                i += 1;
            }
            continue;
        }
        let (space, len) = whitespace_at(s, i, b);
        if space {
            gap = any;
        } else {
            if gap {
                h = fnv1(h, b' ');
                gap = false;
            }
            for &b in &bytes[i..i + len] {
                h = fnv1(h, b);
            }
            any = true;
        }
        i += len;
    }
    h
}

/// Whether the character at byte `i` of `s` (whose first byte is `b`) is whitespace in the
/// sense of `char::is_whitespace`, and its length; ASCII answered from the byte.
#[inline]
fn whitespace_at(s: &str, i: usize, b: u8) -> (bool, usize) {
    if b.is_ascii() {
        (matches!(b, b' ' | b'\t'..=b'\r'), 1)
    } else {
        let c = s[i..].chars().next().unwrap_or_default();
        (c.is_whitespace(), c.len_utf8())
    }
}

/// The bytes of `s` with whitespace folded as by [`normalise_ws`] (runs of `char::is_whitespace`
/// become one space, none at either end), handed to `emit` piece by piece: words and spaces.
fn fold_ws(s: &str, mut emit: impl FnMut(&str)) {
    let bytes = s.as_bytes();
    let (mut i, mut word_start) = (0, 0);
    // Whether a word has been emitted, so that a run of whitespace after it becomes a space.
    let mut any = false;
    while i < bytes.len() {
        let b = bytes[i];
        let (space, len) = whitespace_at(s, i, b);
        if space {
            if word_start < i {
                if any {
                    emit(" ");
                }
                emit(&s[word_start..i]);
                any = true;
            }
            word_start = i + len;
        }
        i += len;
    }
    if word_start < bytes.len() {
        if any {
            emit(" ");
        }
        emit(&s[word_start..]);
    }
}

/// `stable_hash` of the parts with whitespace folded (as by [`normalise_ws`]), without building
/// the folded strings: every finding and every claim is hashed this way.
pub fn stable_hash_ws(parts: &[&str]) -> u64 {
    fnv_continue(FNV_OFFSET, parts)
}

/// Whitespace folded, so that re-wrapping a paragraph does not change a fingerprint.
pub fn normalise_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_normalised_ws(&mut out, s);
    out
}

/// [`normalise_ws`] appended to `out`, for callers that build a larger string around it.
pub fn push_normalised_ws(out: &mut String, s: &str) {
    // Most flagged texts are already folded ("an estimated 60,178"): one copy, not one a word.
    if is_folded_ascii(s.as_bytes()) {
        out.push_str(s);
    } else {
        fold_ws(s, |piece| out.push_str(piece));
    }
}

/// Whether `s` is printable ASCII words with single spaces between them: folding leaves it as
/// it is. Eight bytes at a time: every finding's message folds its text this way.
fn is_folded_ascii(s: &[u8]) -> bool {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    if s.first() == Some(&b' ') || s.last() == Some(&b' ') {
        return false;
    }
    // Whether the byte before the current one is a space.
    let mut after_space = false;
    let mut chunks = s.chunks_exact(8);
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // The high bit of each space (exact where no byte has its high bit, tested with it).
        let y = x ^ (LOW * 0x20);
        let spaces = !(((y & !HIGH) + !HIGH) | y) & HIGH;
        // Every byte in 0x20..=0x7f, and no space after a space, within or across chunks.
        if (x | x.wrapping_sub(LOW * 0x20) | (spaces & (spaces >> 8))) & HIGH != 0
            || (after_space && spaces & 0x80 != 0)
        {
            return false;
        }
        after_space = spaces >> 63 != 0;
    }
    for &b in chunks.remainder() {
        match b {
            b' ' if !after_space => after_space = true,
            0x21..=0x7f => after_space = false,
            _ => return false,
        }
    }
    true
}

/// [`is_folded_ascii`] a byte at a time, its test oracle.
#[cfg(test)]
fn is_folded_ascii_bytewise(s: &[u8]) -> bool {
    let mut after_space = true;
    for &b in s {
        match b {
            b' ' if !after_space => after_space = true,
            0x21..=0x7f => after_space = false,
            _ => return false,
        }
    }
    !after_space || s.is_empty()
}

/// Bytes of context on each side of a finding that go into its fingerprint.
pub const CONTEXT_BYTES: usize = 64;

/// The part of `context` (usually the sentence) within `CONTEXT_BYTES` of `range`, on char
/// boundaries. Bounded so that a sentence with thousands of findings costs linear time.
pub fn context_window(text: &str, range: &Range<usize>, context: &Range<usize>) -> Range<usize> {
    let mut lo = range
        .start
        .saturating_sub(CONTEXT_BYTES)
        .max(context.start)
        .min(range.start);
    let mut hi = (range.end + CONTEXT_BYTES)
        .min(context.end)
        .max(range.end)
        .min(text.len());
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    lo..hi
}

/// A fingerprint from what a finding is, never where it is: rule, file, flagged text, and the
/// sentence around it. Inserting text elsewhere leaves it unchanged.
pub fn fingerprint(rule: &str, path: &str, text: &str, context: &str) -> Fingerprint {
    // Rule and path hash as they are; text and context with whitespace folded.
    fingerprint_from(stable_hash(&[rule, path]), text, context)
}

/// [`fingerprint`] from `seed = stable_hash(&[rule, path])`, which the findings of one rule in
/// one file share.
pub fn fingerprint_from(seed: u64, text: &str, context: &str) -> Fingerprint {
    Fingerprint::hex(fnv_continue(seed, &[text, context]))
}

/// A finding's fingerprint, as text ("5cebf159603e9392"), held in the finding itself: a large
/// file has a hundred thousand findings, and a heap string each was ~4 MB of its peak.
/// Texts longer than 16 bytes (none that factlint makes) are cut at a char boundary.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint {
    len: u8,
    bytes: [u8; 16],
}

impl Fingerprint {
    /// `h` in sixteen lower-case hex digits, as `format!("{h:016x}")` writes it.
    pub fn hex(h: u64) -> Fingerprint {
        // Eight nibbles a word, each moved into a byte of its own (highest first in
        // big-endian order), then turned into digits all at once.
        let digits = |x: u32| -> [u8; 8] {
            let mut x = u64::from(x);
            x = (x | x << 16) & 0x0000_ffff_0000_ffff;
            x = (x | x << 8) & 0x00ff_00ff_00ff_00ff;
            x = (x | x << 4) & 0x0f0f_0f0f_0f0f_0f0f;
            // 0x01 in each byte whose nibble is 10 or more ('a' lies 0x27 past '9' + 1).
            let letters = ((x + 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
            (x + 0x3030_3030_3030_3030 + letters * 0x27).to_be_bytes()
        };
        let mut bytes = [0; 16];
        bytes[..8].copy_from_slice(&digits((h >> 32) as u32));
        bytes[8..].copy_from_slice(&digits(h as u32));
        Fingerprint { len: 16, bytes }
    }

    /// The text's bytes, without the UTF-8 check of [`Fingerprint::as_str`] (for writers).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    pub fn as_str(&self) -> &str {
        // Copied from a `str` on a char boundary: always UTF-8, the fallback is never taken.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl From<&str> for Fingerprint {
    fn from(s: &str) -> Fingerprint {
        let mut n = s.len().min(16);
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        let mut bytes = [0; 16];
        bytes[..n].copy_from_slice(&s.as_bytes()[..n]);
        Fingerprint {
            len: n as u8,
            bytes,
        }
    }
}

impl std::ops::Deref for Fingerprint {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_position_and_wrapping() {
        let a = fingerprint("r", "a.md", "12,000", "About 12,000 were\nheld.");
        let b = fingerprint("r", "a.md", "12,000", "About 12,000 were held.");
        assert_eq!(a, b);
        assert_ne!(
            a,
            fingerprint("r", "b.md", "12,000", "About 12,000 were held.")
        );
        assert_ne!(
            a,
            fingerprint("r", "a.md", "13,000", "About 13,000 were held.")
        );
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn fingerprints_read_as_the_text_they_hold() {
        for h in [
            0,
            1,
            0xdead_beef,
            u64::MAX,
            0x0123_4567_89ab_cdef,
            0xfedc_ba98_7654_3210,
            0x9a9a_a9a9_0f0f_f0f0,
        ] {
            assert_eq!(Fingerprint::hex(h).as_str(), format!("{h:016x}"));
            assert_eq!(
                Fingerprint::hex(h).as_bytes(),
                format!("{h:016x}").as_bytes()
            );
        }
        for s in ["", "0", "5cebf159603e9392", "ü".repeat(9).as_str()] {
            let f = Fingerprint::from(s);
            assert!(s.starts_with(f.as_str()) && f.len() >= s.len().min(15));
            assert_eq!(f.as_bytes(), f.as_str().as_bytes());
            assert_eq!(
                serde_json::to_string(&f).unwrap(),
                serde_json::to_string(&*f).unwrap()
            );
        }
        assert_eq!(std::mem::size_of::<Fingerprint>(), 17);
    }

    #[test]
    fn context_window_is_bounded_and_on_boundaries() {
        let text = format!("{}é12é{}", "a".repeat(100), "b".repeat(100));
        let at = text.find("12").unwrap();
        let w = context_window(&text, &(at..at + 2), &(0..text.len()));
        assert!(w.end - w.start <= 2 * CONTEXT_BYTES + 2 + 4);
        assert!(text.is_char_boundary(w.start) && text.is_char_boundary(w.end));
        assert!(w.start <= at && w.end >= at + 2);
        let small = context_window(&text, &(at..at + 2), &(at - 2..at + 4));
        assert_eq!(small, at - 2..at + 4);
    }

    #[test]
    fn folded_hash_equals_hash_of_folded_text() {
        for s in [
            "",
            "  ",
            "a",
            " a  b\n\tc ",
            "12,000 were\n held.",
            "é  ü\u{a0}x",
            "\u{b}a\u{c}b\u{1c}c\u{85}d\u{2028}e\u{3000}",
            "\u{200b}zero-width is not whitespace\u{feff}",
            "\r\n\r\n",
        ] {
            let slow = s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(normalise_ws(s), slow, "{s:?}");
            assert_eq!(
                stable_hash_ws(&[s]),
                stable_hash(&[&normalise_ws(s)]),
                "{s:?}"
            );
            assert_eq!(
                fingerprint("r", "p", s, s).as_str(),
                format!(
                    "{:016x}",
                    stable_hash(&["r", "p", &normalise_ws(s), &normalise_ws(s)])
                )
            );
        }
    }

    #[test]
    fn folded_ascii_is_what_folding_leaves_alone() {
        for (s, folded) in [
            ("", true),
            ("a", true),
            ("a b", true),
            ("an estimated 60,178", true),
            ("\u{7f}x", true),
            (" a", false),
            ("a ", false),
            ("a  b", false),
            ("a\tb", false),
            ("a\u{1}b", false),
            ("é", false),
            (" ", false),
            // Eight-byte chunks: spaces at their ends, doubled across them, odd bytes late.
            ("abcdefgh ijklmnop", true),
            ("abcdefg hijklmno", true),
            ("abcdefg  hijklmno", false),
            ("abcdefgh  ijklmno", false),
            ("abcdefghijklmno ", false),
            (" abcdefghijklmno", false),
            ("abcdefghijklmn\u{1f}", false),
            ("abcdefghijklmnopé", false),
            ("abcdefgh\tijklmnop", false),
            ("a b c d e f g h i j", true),
            ("a~b!c\u{7f}d e f g h", true),
        ] {
            assert_eq!(is_folded_ascii(s.as_bytes()), folded, "{s:?}");
            assert_eq!(is_folded_ascii_bytewise(s.as_bytes()), folded, "{s:?}");
            if folded {
                assert_eq!(normalise_ws(s), s);
            }
        }
    }

    #[test]
    fn one_pass_folded_hash_equals_hashing_the_pieces() {
        let cases = [
            "",
            " ",
            "a",
            " a",
            "a ",
            "  a  b\n\tc  ",
            "\u{0}\u{8}\u{e}\u{1f}\u{7f} x",
            "é\u{a0}ü \u{85}",
            "\u{2028}\u{3000}a\u{2029}",
            "\u{200b}\u{feff}",
            "1\r\n2\r3\u{b}4\u{c}5",
            "abcdefgh",
            "abcdefghi jklmnopqrstu\nvwxyz012345678",
            " 12345678 12345678\u{3000}12345678",
            "abcdefg\u{a0}hijklmno",
            "abcdefghijklmnopqrstuvwx\u{1f}yz",
            // Spaces at either end of an eight-byte chunk, and across chunks.
            "abcdefg hijklmno pqrstuv ",
            "abcdefg  hijklmn",
            " abcdefgh ijklmnop",
            "        abcdefgh",
            "a b c d e f g h i j k l",
            "abcdefg \thijklmn",
            "abcdefg\u{7f}\u{7f} xyzxyzxy z",
            "ab cd ef gh  ij kl mn op",
            "abcdefg\n hijklmn opqrstu",
            // Sixteen-byte chunks: spaces first, last, doubled inside and across chunks.
            "abcdefghijklmnop",
            " abcdefghijklmnopqrstuvwxyz01234",
            "abcdefghijklmno pqrstuvwxyz01234 ",
            "abcdefghijklmno  pqrstuvwxyz0123",
            "abcdefghijklmn  opqrstuvwxyz0123",
            "a b c d e f g h i j k l m n o p q r",
            "abcdefghijklmn\u{7f}\u{7f}\u{7f}pqrs tuvw xyz0 1234",
            "abcdefghijklmnoé pqrstuvwxyz0123",
            "abcdefghijklmno\tpqrstuvwxyz0123",
            "abcdefghijklmno pqrstuvwxyz0123\u{1f}",
        ];
        for a in cases {
            for b in cases {
                for seed in [FNV_OFFSET, 0, u64::MAX] {
                    assert_eq!(
                        fnv_continue(seed, &[a, b]),
                        fnv_continue_by_pieces(seed, &[a, b]),
                        "{a:?} {b:?}"
                    );
                    let ab = format!("{a}{b}");
                    assert_eq!(
                        fnv_folded(seed, &ab),
                        fnv_folded_bytewise(seed, &ab),
                        "{ab:?}"
                    );
                }
            }
        }
        assert_eq!(
            fingerprint_from(stable_hash(&["r", "p"]), "x", "a x b"),
            fingerprint("r", "p", "x", "a x b")
        );
    }

    proptest::proptest! {
        #[test]
        fn fingerprints_are_hex_as_format_writes_it(h: u64) {
            let f = Fingerprint::hex(h);
            proptest::prop_assert_eq!(f.as_str(), format!("{h:016x}"));
        }

        #[test]
        fn folded_ascii_is_told_as_byte_by_byte(s in "([a-z]{1,9}| |  |\\t|\\x7f|\\x1f|é){0,12}") {
            proptest::prop_assert_eq!(is_folded_ascii(s.as_bytes()), is_folded_ascii_bytewise(s.as_bytes()));
        }

        #[test]
        fn folding_equals_splitting_on_whitespace(s in "(\\PC|\\s){0,30}") {
            let slow = s.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(normalise_ws(&s), slow);
        }

        #[test]
        fn one_pass_folded_hash_equals_hashing_the_pieces_on_any_text(
            a in "(\\PC|\\s|[\\x00-\\x7f]|[a-z]{8,20}|[a-z ]{1,24}){0,40}",
            b in "(\\PC|\\s){0,40}",
            seed: u64,
        ) {
            proptest::prop_assert_eq!(
                fnv_continue(seed, &[&a, &b]),
                fnv_continue_by_pieces(seed, &[&a, &b])
            );
            proptest::prop_assert_eq!(fnv_folded(seed, &a), fnv_folded_bytewise(seed, &a));
            proptest::prop_assert_eq!(fnv_folded(seed, &b), fnv_folded_bytewise(seed, &b));
            if is_folded_ascii(a.as_bytes()) {
                proptest::prop_assert_eq!(&normalise_ws(&a), &a);
            }
            let mut pushed = String::from("x");
            push_normalised_ws(&mut pushed, &a);
            proptest::prop_assert_eq!(pushed, format!("x{}", normalise_ws(&a)));
        }
    }

    /// [`Location::new`] as it was, both ends resolved by the index: its oracle.
    fn location_by_index(text: &str, index: &LineIndex, range: Range<usize>) -> Location {
        Location {
            path: "p".into(),
            span: Span {
                start: range.start,
                end: range.end,
            },
            start: index.line_col(text, range.start),
            end: index.line_col(text, range.end),
            text: text[range].into(),
        }
    }

    /// Every char-boundary range of `text` (and, for long texts, a sample), resolved in text
    /// order on one index (as rules do) and each against a fresh index.
    fn assert_locations_as_by_index(text: &str) {
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let step = (bounds.len() / 24).max(1);
        let shared = LineIndex::new(text);
        for (k, &a) in bounds.iter().enumerate() {
            for &b in bounds[k..]
                .iter()
                .step_by(if k % step == 0 { 1 } else { step })
            {
                let fast = Location::new("p".into(), text, &shared, a..b);
                let slow = location_by_index(text, &LineIndex::new(text), a..b);
                assert_eq!(fast, slow, "{text:?} {a}..{b}");
            }
        }
    }

    #[test]
    fn locations_end_where_the_index_puts_them() {
        for text in [
            "",
            "a",
            "12,000 were held.",
            "one\ntwo\r\nthree\rfour",
            "é ü\n\u{2028}x\u{85}y\r",
            "\n\n\r\r\n\r",
            "line with 1,000\r\nand 2,000 é\n",
            "ab\u{1f600}cd\nef",
        ] {
            assert_locations_as_by_index(text);
        }
    }

    #[test]
    fn chars_on_one_line_counts_chars_of_text_without_breaks() {
        for s in [
            "",
            "a",
            "12,000",
            "abcdefgh",
            "abcdefghi",
            "é",
            "éüéüéüéü",
            "ab\u{1f600}cdefghijk",
            "\u{2028}\u{85}\u{a0}x",
            "abcdefg\n",
            "abcdefgh\r",
            "\rabcdefgh",
            "0123456789abcdef\n",
            "\u{10a}\u{d0a}\u{a0d}",
        ] {
            assert_eq!(
                chars_on_one_line(s.as_bytes()),
                chars_on_one_line_bytewise(s.as_bytes()),
                "{s:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn chars_on_one_line_counts_chars_on_any_text(s in "(\\PC|\\s|[\\x00-\\x7f]){0,40}") {
            proptest::prop_assert_eq!(
                chars_on_one_line(s.as_bytes()),
                chars_on_one_line_bytewise(s.as_bytes())
            );
        }

        #[test]
        fn locations_end_where_the_index_puts_them_on_any_text(
            text in "([a-z0-9 ]|\n|\r|\r\n|é|\u{2028}|\u{1f600}){0,40}",
        ) {
            assert_locations_as_by_index(&text);
        }
    }

    #[test]
    fn shared_texts_read_as_their_slice() {
        let buf = Arc::new("ab é\u{1f600}c".to_string());
        for (range, want) in [(0..0, ""), (0..2, "ab"), (3..5, "é"), (5..10, "\u{1f600}c")] {
            let t = SharedText::slice(&buf, range);
            assert_eq!(t.as_str(), want);
            assert_eq!(t, SharedText::from(want));
            assert_eq!(t, SharedText::from(want.to_string()));
            let owned = want.to_string();
            assert!(t == want && t == *want && t == owned);
            assert_eq!(format!("{t}|{t:?}"), format!("{want}|{want:?}"));
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                serde_json::to_string(want).unwrap()
            );
        }
        assert_eq!(SharedText::default(), "");
        // Inside a char, past the end, and backwards.
        for bad in [4..5, 0..11, Range { start: 3, end: 2 }] {
            let caught = std::panic::catch_unwind(|| SharedText::slice(&buf, bad.clone()));
            assert!(caught.is_err(), "{bad:?}");
        }
    }

    #[test]
    fn stable_hash_is_pinned() {
        // Pinned so that a change of hash (and of every baseline) cannot slip in unnoticed.
        assert_eq!(stable_hash(&["factlint"]), stable_hash(&["factlint"]));
        assert_eq!(format!("{:016x}", stable_hash(&[""])), "af64724c8602eb6e");
    }
}

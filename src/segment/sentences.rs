//! English sentence segmentation for prose blocks.
//!
//! One block (paragraph, list item, line) is split in three steps:
//! 1. one byte-table pass records terminators (`.` `!` `?` `…` …), bullets,
//!    newlines, and quotation marks / brackets with their shape
//!    (opening, closing or ambiguous);
//! 2. quotation marks and brackets are paired into spans; a span protects the
//!    sentence breaks inside it ("How many? I don't know.");
//! 3. each terminator is judged from the token before it (abbreviation,
//!    initial, clock marker, number …) and the first word after it.
//!
//! The rules are data-driven: lists live in `rules/lexicon/sentences.toml`.

use std::cell::RefCell;
use std::ops::{Not, Range};

const EMBEDDED_LEXICON: &str = include_str!("../../rules/lexicon/sentences.toml");
const DEFAULT_MAX_SPAN: usize = 600;
/// Longest token (in bytes) examined before a period; longer ones are plain words.
const MAX_TOKEN: usize = 48;
/// Longest prefix (in bytes) examined by the fronted-adverbial check.
const MAX_FRONTING: usize = 200;
/// Longest bracket (in bytes, brackets included) taken as a footnote marker.
const MAX_FOOTNOTE: usize = 34;

/// Word lists that drive the segmenter. All lists extend each other; see the
/// embedded TOML for what each one means.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SentenceLexicon {
    /// Abbreviations that may end a sentence ("etc.", "Inc.", "lb.").
    #[serde(default)]
    pub abbreviations: Vec<String>,
    /// Abbreviations that never end a sentence ("Dr.", "e.g.", "vs.").
    #[serde(default)]
    pub prefix_abbreviations: Vec<String>,
    /// Dotted initialisms ("U.S."), documented; any dotted letter run is one.
    #[serde(default)]
    pub initialisms: Vec<String>,
    /// Clock and era markers ("a.m.", "B.C.").
    #[serde(default)]
    pub time_markers: Vec<String>,
    /// Words that open sentences, forcing a break after initials.
    #[serde(default)]
    pub sentence_starters: Vec<String>,
    /// Words allowed in a fronted adverbial before a clock/era marker.
    #[serde(default)]
    pub fronting_words: Vec<String>,
    /// Capitalised words that continue a sentence after an ellipsis.
    #[serde(default)]
    pub ellipsis_continuations: Vec<String>,
    /// Letter runs after an apostrophe that make it an elision ("'s", "'tis").
    #[serde(default)]
    pub elisions: Vec<String>,
    /// Single non-ASCII characters that start a new item ("•").
    #[serde(default)]
    pub bullets: Vec<String>,
    /// Longest quotation/bracket pair (bytes) that is kept as one unit.
    #[serde(default)]
    pub max_span_bytes: Option<usize>,
}

impl SentenceLexicon {
    /// The lexicon shipped in `rules/lexicon/sentences.toml`.
    pub fn embedded() -> SentenceLexicon {
        toml::from_str(EMBEDDED_LEXICON).expect("embedded rules/lexicon/sentences.toml must parse")
    }

    /// Append `other`'s lists to ours; its scalars, when set, replace ours.
    pub fn extend(&mut self, other: SentenceLexicon) {
        self.abbreviations.extend(other.abbreviations);
        self.prefix_abbreviations.extend(other.prefix_abbreviations);
        self.initialisms.extend(other.initialisms);
        self.time_markers.extend(other.time_markers);
        self.sentence_starters.extend(other.sentence_starters);
        self.fronting_words.extend(other.fronting_words);
        self.ellipsis_continuations
            .extend(other.ellipsis_continuations);
        self.elisions.extend(other.elisions);
        self.bullets.extend(other.bullets);
        if other.max_span_bytes.is_some() {
            self.max_span_bytes = other.max_span_bytes;
        }
    }
}

// Lexicon lookups run at every candidate boundary: FxHash instead of SipHash (which showed
// up in profiles). Keys come from our own lexicon, so hash flooding is not a concern.
type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;
type FastSet<K> = rustc_hash::FxHashSet<K>;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Abbr {
    Regular,
    Initialism,
    Prefix,
    Time,
}

/// What the token before a single period is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TokClass {
    Ordinary,
    Regular,
    Prefix,
    Time,
    Initials,
    ListMarker,
}

// Byte classes of the scanning table.
const C_TERM: u8 = 1;
const C_QUOTE: u8 = 2;
const C_BRACKET: u8 = 3;
const C_MULTI: u8 = 4;
const C_NL: u8 = 5;

/// Compiled lexicon tables. Cheap to share across threads.
pub struct Segmenter {
    table: [u8; 256],
    abbr: FastMap<Box<[u8]>, Abbr>,
    /// `abbr_bit` of every `abbr` key: most tokens are ruled out without hashing.
    abbr_filter: Box<[u64; 256]>,
    /// Bit `tail_index(w, x, y)` set when some `abbr` key ends with the bytes `w x y`, or
    /// (for "7a.m", which looks up "m" too) is `x y` after a digit `w` or `y` after digits:
    /// `ordinary_before` rules most tokens out by their last three bytes alone.
    abbr_tails: Box<[u64; 512]>,
    /// Whether some `abbr` key ends with the byte.
    abbr_last: Box<[bool; 256]>,
    starters: FastSet<Box<str>>,
    fronting: FastSet<Box<[u8]>>,
    ellipsis_cont: FastSet<Box<str>>,
    elisions: FastSet<Box<[u8]>>,
    bullets: Vec<char>,
    max_span: usize,
}

fn abbr_key(entry: &str, list: &str) -> Result<Box<[u8]>, String> {
    let last = entry.split_whitespace().last().unwrap_or("");
    let key = last.strip_suffix('.').unwrap_or(last);
    if key.is_empty() || key.len() > MAX_TOKEN {
        return Err(format!("{list}: invalid entry {entry:?}"));
    }
    Ok(key.to_ascii_lowercase().into_bytes().into_boxed_slice())
}

/// One of 32,768 bits from the last three bytes of a token or key, five bits each (which
/// keeps ASCII letters apart whatever their case).
#[inline]
fn tail_index(w: u8, x: u8, y: u8) -> usize {
    usize::from(w & 31) << 10 | usize::from(x & 31) << 5 | usize::from(y & 31)
}

/// One of 16,384 bits from a key's length and its first and last bytes
/// (five bits each, which keeps ASCII letters apart whatever their case);
/// `t` must not be empty.
#[inline]
fn abbr_bit(t: &[u8]) -> usize {
    let first = usize::from(t[0] & 31);
    let last = usize::from(t[t.len() - 1] & 31);
    (t.len().min(15) << 10) | (first << 5) | last
}

fn word_key(entry: &str, list: &str) -> Result<String, String> {
    let w = entry.trim();
    if w.is_empty() || w.contains(char::is_whitespace) || w.len() > MAX_TOKEN {
        return Err(format!("{list}: invalid entry {entry:?}"));
    }
    Ok(w.to_string())
}

impl Segmenter {
    /// Compile `lex`; fails on empty or malformed entries.
    pub fn new(lex: &SentenceLexicon) -> Result<Segmenter, String> {
        let mut abbr = FastMap::default();
        // Later lists win: a word listed as both regular and prefix is a prefix.
        let lists: [(&[String], Abbr, &str); 4] = [
            (&lex.abbreviations, Abbr::Regular, "abbreviations"),
            (&lex.initialisms, Abbr::Initialism, "initialisms"),
            (
                &lex.prefix_abbreviations,
                Abbr::Prefix,
                "prefix-abbreviations",
            ),
            (&lex.time_markers, Abbr::Time, "time-markers"),
        ];
        for (list, kind, name) in lists {
            for e in list {
                abbr.insert(abbr_key(e, name)?, kind);
            }
        }
        let mut abbr_filter = Box::new([0u64; 256]);
        for k in abbr.keys() {
            let bit = abbr_bit(k);
            abbr_filter[bit / 64] |= 1 << (bit % 64);
        }
        let mut abbr_tails = Box::new([0u64; 512]);
        let mut abbr_last = Box::new([false; 256]);
        for k in abbr.keys() {
            let mut set = |w: u8, x: u8, y: u8| {
                let i = tail_index(w, x, y);
                abbr_tails[i / 64] |= 1 << (i % 64);
            };
            match **k {
                [.., w, x, y] => set(w, x, y),
                [x, y] => (b'0'..=b'9').for_each(|d| set(d, x, y)),
                [y] => (b'0'..=b'9').for_each(|d| (b'0'..=b'9').for_each(|e| set(d, e, y))),
                [] => {}
            }
            abbr_last[usize::from(k[k.len() - 1])] = true;
        }
        let mut starters = FastSet::default();
        for e in &lex.sentence_starters {
            starters.insert(word_key(e, "sentence-starters")?.into_boxed_str());
        }
        let mut ellipsis_cont = FastSet::default();
        for e in &lex.ellipsis_continuations {
            ellipsis_cont.insert(word_key(e, "ellipsis-continuations")?.into_boxed_str());
        }
        let mut fronting = FastSet::default();
        for e in &lex.fronting_words {
            let w = word_key(e, "fronting-words")?.to_ascii_lowercase();
            fronting.insert(w.into_bytes().into_boxed_slice());
        }
        let mut elisions = FastSet::default();
        for e in &lex.elisions {
            let w = word_key(e, "elisions")?.to_ascii_lowercase();
            if !w.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(format!("elisions: entry {e:?} must be ASCII letters"));
            }
            elisions.insert(w.into_bytes().into_boxed_slice());
        }
        let mut table = [0u8; 256];
        table[b'.' as usize] = C_TERM;
        table[b'!' as usize] = C_TERM;
        table[b'?' as usize] = C_TERM;
        for b in [b'"', b'\'', b'`'] {
            table[b as usize] = C_QUOTE;
        }
        for b in [b'(', b')', b'[', b']', b'{', b'}'] {
            table[b as usize] = C_BRACKET;
        }
        table[b'\n' as usize] = C_NL;
        // Lead bytes of the non-ASCII punctuation handled in `scan_multi`.
        for b in [0xC2u8, 0xE2, 0xE3, 0xEF] {
            table[b as usize] = C_MULTI;
        }
        let mut bullets = Vec::new();
        for e in &lex.bullets {
            let mut it = e.chars();
            match (it.next(), it.next()) {
                (Some(c), None) if !c.is_ascii() && !alnum(c) && !c.is_whitespace() => {
                    let mut buf = [0u8; 4];
                    table[c.encode_utf8(&mut buf).as_bytes()[0] as usize] = C_MULTI;
                    bullets.push(c);
                }
                _ => {
                    return Err(format!(
                        "bullets: entry {e:?} must be one non-ASCII punctuation character"
                    ));
                }
            }
        }
        let max_span = lex.max_span_bytes.unwrap_or(DEFAULT_MAX_SPAN);
        Ok(Segmenter {
            table,
            abbr,
            abbr_filter,
            abbr_tails,
            abbr_last,
            starters,
            fronting,
            ellipsis_cont,
            elisions,
            bullets,
            max_span,
        })
    }

    /// The abbreviation `t` is, compared without ASCII case.
    #[inline]
    fn abbr_kind(&self, t: &[u8]) -> Option<Abbr> {
        if t.is_empty() || t.len() > MAX_TOKEN {
            return None;
        }
        let bit = abbr_bit(t);
        if self.abbr_filter[bit / 64] & (1 << (bit % 64)) == 0 {
            return None;
        }
        let mut buf = [0u8; MAX_TOKEN];
        let key = &mut buf[..t.len()];
        key.copy_from_slice(t);
        key.make_ascii_lowercase();
        self.abbr.get(&key[..]).copied()
    }

    /// Split `text[range]` into sentences. Returns absolute byte ranges into `text`, in order, non-overlapping,
    /// each trimmed of leading/trailing whitespace, together covering every non-whitespace byte of the range.
    /// Ranges must lie on char boundaries. Never panics, for any input (including invalid-looking Unicode, huge inputs).
    pub fn split(&self, text: &str, range: Range<usize>) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        self.split_into(text, range, &mut out);
        out
    }

    /// `split`, appending to `out`: a caller splitting block after block keeps one buffer.
    pub fn split_into(&self, text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
        // Repair an out-of-bounds or mid-character range instead of panicking.
        let mut end = range.end.min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let mut start = range.start.min(end);
        while !text.is_char_boundary(start) {
            start += 1;
        }
        let s = &text[start..end];
        // Reuse per-thread scratch buffers: blocks are often small and many.
        SCRATCH.with(|cell| {
            let mut guard = cell.try_borrow_mut().ok();
            let mut fresh = Scratch::default();
            // Borrowed in place, not moved in and out: the buffers stay where they are.
            let scratch = guard.as_deref_mut().unwrap_or(&mut fresh);
            let mut blk = Block::new(self, s, scratch);
            blk.scan();
            blk.pair();
            // At most one sentence per event, and one after the last.
            out.reserve(blk.sc.events.len() + 1);
            blk.segment(out, start);
            scratch.free_large();
        });
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Shape {
    Open,
    Close,
    Ambig,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Orphan,
    SpanOpen,
    SpanClose,
}

// Families: symmetric quotes pair among themselves; each bracket kind alone.
const F_DOUBLE: u8 = 0;
const F_SINGLE: u8 = 1;
const F_PAREN: u8 = 2;
const F_SQUARE: u8 = 3;
const F_CURLY: u8 = 4;
const F_CORNER: u8 = 5;
const F_WCORNER: u8 = 6;
const F_DANGLE: u8 = 7;
const F_ANGLE: u8 = 8;
const N_FAM: usize = 9;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Tok {
    pos: usize,
    end: usize,
    fam: u8,
    shape: Shape,
    role: Role,
    /// For a span opener: end of its span.
    span_end: usize,
}

const EV_TERM: u8 = 1;
const EV_BULLET: u8 = 2;
const EV_NL: u8 = 3;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Term {
    Dot,
    Ellipsis,
    Bang,
    Stop,
}

/// Terminator character at `i`, with its byte length.
fn term_at(b: &[u8], i: usize) -> Option<(Term, usize)> {
    match *b.get(i)? {
        b'.' => Some((Term::Dot, 1)),
        b'!' | b'?' => Some((Term::Bang, 1)),
        0xE2 => match (b.get(i + 1)?, b.get(i + 2)?) {
            (0x80, 0xA6) => Some((Term::Ellipsis, 3)),
            (0x80, 0xBC) | (0x81, 0x87..=0x89) => Some((Term::Bang, 3)),
            _ => None,
        },
        0xE3 if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x82) => Some((Term::Stop, 3)),
        0xEF if b.get(i + 1) == Some(&0xBC) && matches!(b.get(i + 2), Some(0x81 | 0x9F)) => {
            Some((Term::Bang, 3))
        }
        _ => None,
    }
}

/// Bytes `Block::scan` reads per step, one bit each of a `u64`.
const SCAN_STEP: usize = 64;

/// Bit `k` set when `chunk[k]` may be a byte that `Segmenter::new` marks in
/// its table: any byte but an ASCII letter or digit, the space, `,` and `-`
/// (the table marks only some of the rest, bullets included). Prose is
/// mostly those four kinds; the few other bytes let through (`:`, `;`, `%`,
/// tabs, UTF-8 continuation bytes) are turned away by the table. This set is
/// cheaper to test than a closer one (eleven SSE2 operations per sixteen bytes).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn special_mask(chunk: &[u8; SCAN_STEP]) -> u64 {
    // SAFETY: the cfg above guarantees SSE2 is enabled for the whole build.
    unsafe { special_mask_sse2(chunk) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn special_mask_sse2(chunk: &[u8; SCAN_STEP]) -> u64 {
    use std::arch::x86_64::*;
    let splat = |v: u8| _mm_set1_epi8(v as i8);
    let mut m = 0u64;
    for (k, sixteen) in chunk.chunks_exact(16).enumerate() {
        let v = u128::from_le_bytes(sixteen.try_into().expect("16 bytes"));
        let x = _mm_set_epi64x((v >> 64) as i64, v as i64);
        let (letter, digit) = (crate::simd::letters(x), crate::simd::digits(x));
        // `,` and `-` are 0x2C and 0x2D.
        let comma_hyphen = _mm_cmpeq_epi8(_mm_and_si128(x, splat(0xFE)), splat(b','));
        let space = _mm_cmpeq_epi8(x, splat(b' '));
        let plain = _mm_or_si128(
            _mm_or_si128(letter, digit),
            _mm_or_si128(comma_hyphen, space),
        );
        let bits = !(_mm_movemask_epi8(plain) as u32) & 0xFFFF;
        m |= u64::from(bits) << (16 * k);
    }
    m
}

/// `special_mask` 32 bytes per AVX2 step: half the operations. Only called
/// where AVX2 was detected at run time (`Block::scan`).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "avx2")]
#[inline]
fn special_mask_avx2(chunk: &[u8; SCAN_STEP]) -> u64 {
    use std::arch::x86_64::*;
    let mut m = 0u64;
    for (k, half) in chunk.chunks_exact(32).enumerate() {
        // SAFETY: `half` is 32 readable bytes; the load is unaligned.
        let x = unsafe { _mm256_loadu_si256(half.as_ptr().cast()) };
        let (letter, digit) = (crate::simd::letters_avx2(x), crate::simd::digits_avx2(x));
        let comma_hyphen = _mm256_cmpeq_epi8(
            _mm256_and_si256(x, _mm256_set1_epi8(0xFEu8 as i8)),
            _mm256_set1_epi8(b',' as i8),
        );
        let space = _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b' ' as i8));
        let plain = _mm256_or_si256(
            _mm256_or_si256(letter, digit),
            _mm256_or_si256(comma_hyphen, space),
        );
        // `black_box`: left to see through the mask, LLVM rebuilt the bits one by one.
        let bits = !std::hint::black_box(_mm256_movemask_epi8(plain) as u32);
        m |= u64::from(bits) << (32 * k);
    }
    m
}

/// `special_mask_avx2` when `AVX2`, else `special_mask`. Always inlined, so that
/// in `Block::scan_avx2` the AVX2 mask is inlined too.
#[inline(always)]
fn mask_of<const AVX2: bool>(chunk: &[u8; SCAN_STEP]) -> u64 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if AVX2 {
        // SAFETY: `AVX2` is true only in `Block::scan_avx2`, called where AVX2 was detected.
        return unsafe { special_mask_avx2(chunk) };
    }
    special_mask(chunk)
}

/// Portable `special_mask`: the same superset, one byte at a time.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn special_mask(chunk: &[u8; SCAN_STEP]) -> u64 {
    let mut m = 0;
    for (k, &c) in chunk.iter().enumerate() {
        if may_be_special(c) {
            m |= 1 << k;
        }
    }
    m
}

/// The byte set `special_mask` flags.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn may_be_special(c: u8) -> bool {
    !(c.is_ascii_alphanumeric() || matches!(c, b' ' | b',' | b'-'))
}

fn is_open_punct(c: char) -> bool {
    matches!(
        c,
        '(' | '[' | '{' | '<' | '"' | '\'' | '`' | '“' | '‘' | '«' | '„' | '—' | '–' | '-' | '/'
    )
}

/// `char::is_alphanumeric` with a fast answer for ASCII and for the
/// punctuation blocks (dashes, curly quotes, bullets, CJK marks) that prose
/// is full of; the general Unicode tables showed up in profiles.
#[inline]
fn alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if matches!(
        c,
        '\u{2000}'..='\u{206F}'
            | '\u{2190}'..='\u{23FF}'
            | '\u{2500}'..='\u{2BFF}'
            | '\u{3000}'..='\u{303F}'
    ) {
        false
    } else {
        c.is_alphanumeric()
    }
}

// ASCII fast paths: an ASCII byte is a whole character, so `i` (after an
// ASCII byte: `i` too) is a char boundary.
#[inline]
fn char_at(s: &str, i: usize) -> Option<char> {
    match s.as_bytes().get(i) {
        Some(&c) if c.is_ascii() => Some(c as char),
        _ => s.get(i..).and_then(|t| t.chars().next()),
    }
}

#[inline]
fn char_before(s: &str, i: usize) -> Option<char> {
    match i.checked_sub(1).and_then(|k| s.as_bytes().get(k)) {
        Some(&c) if c.is_ascii() && i <= s.len() => Some(c as char),
        _ => s.get(..i).and_then(|t| t.chars().next_back()),
    }
}

#[derive(Default)]
struct Scratch {
    toks: Vec<Tok>,
    events: Vec<(usize, u8, u8)>,
    spans: Vec<(usize, usize)>,
    /// `pair`'s stack of open brackets, kept so that a block with brackets allocates none.
    stack: Vec<usize>,
}

/// Buffers above this many elements are freed rather than kept per thread.
const SCRATCH_KEEP: usize = 1 << 16;

impl Scratch {
    /// Free the buffers that grew past `SCRATCH_KEEP` rather than keep them per thread.
    fn free_large(&mut self) {
        fn free<T>(v: &mut Vec<T>) {
            if v.capacity() > SCRATCH_KEEP {
                *v = Vec::new();
            }
        }
        free(&mut self.toks);
        free(&mut self.events);
        free(&mut self.spans);
        free(&mut self.stack);
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

struct Block<'a> {
    seg: &'a Segmenter,
    s: &'a str,
    b: &'a [u8],
    /// The per-thread buffers: tokens, events, spans and `pair`'s stack.
    sc: &'a mut Scratch,
    counts: [u32; N_FAM],
    first_pair_close: [usize; N_FAM],
    span_ptr: usize,
    span_max_end: usize,
    /// `(sent_start, sentence_begin(sent_start))` of the last lookup, so a
    /// long whitespace run is skipped once per sentence, not once per period.
    begin_cache: std::cell::Cell<(usize, usize)>,
}

impl<'a> Block<'a> {
    fn new(seg: &'a Segmenter, s: &'a str, scratch: &'a mut Scratch) -> Block<'a> {
        scratch.toks.clear();
        scratch.events.clear();
        scratch.spans.clear();
        scratch.stack.clear();
        Block {
            seg,
            s,
            b: s.as_bytes(),
            sc: scratch,
            counts: [0; N_FAM],
            first_pair_close: [usize::MAX; N_FAM],
            span_ptr: 0,
            span_max_end: 0,
            begin_cache: std::cell::Cell::new((usize::MAX, 0)),
        }
    }

    // ---- pass 1: scan ----

    fn scan(&mut self) {
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 was detected just now.
            return unsafe { self.scan_avx2() };
        }
        self.scan_with::<false>();
    }

    /// `scan` compiled for AVX2, whose `special_mask_avx2` it inlines.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[target_feature(enable = "avx2")]
    fn scan_avx2(&mut self) {
        self.scan_with::<true>();
    }

    /// `scan` with `special_mask_avx2` when `AVX2` (only from `scan_avx2`),
    /// else `special_mask`.
    #[inline(always)]
    fn scan_with<const AVX2: bool>(&mut self) {
        let b = self.b;
        let table = &self.seg.table;
        let mut next = 0;
        // `SCAN_STEP` bytes at a time: `special_mask` flags a superset of the
        // bytes marked in `table`; only flagged bytes are looked up. The tail is
        // padded with letters, which are never flagged.
        let mut base = 0;
        while base < b.len() {
            let mut m = match b[base..].first_chunk::<SCAN_STEP>() {
                Some(chunk) => mask_of::<AVX2>(chunk),
                None => {
                    let mut chunk = [b'a'; SCAN_STEP];
                    chunk[..b.len() - base].copy_from_slice(&b[base..]);
                    mask_of::<AVX2>(&chunk)
                }
            };
            while m != 0 {
                let i = base + m.trailing_zeros() as usize;
                m &= m - 1;
                if i >= next && table[b[i] as usize] != 0 {
                    next = self.scan_at(i);
                }
            }
            base += SCAN_STEP;
        }
    }

    /// The scan `scan` replaces: a byte-table walk, kept as its oracle.
    #[cfg(test)]
    fn scan_table(&mut self) {
        let b = self.b;
        let mut next = 0;
        let table = &self.seg.table;
        while next < b.len() {
            match b[next..].iter().position(|&c| table[c as usize] != 0) {
                Some(k) => next = self.scan_at(next + k),
                None => break,
            }
        }
    }

    /// Record the special byte at `i`; returns where scanning continues. Inlined into
    /// both of `scan`'s loops, as it was into the one loop before.
    #[inline(always)]
    fn scan_at(&mut self, i: usize) -> usize {
        let b = self.b;
        match self.seg.table[b[i] as usize] {
            C_TERM => self.sc.events.push((i, EV_TERM, 1)),
            C_NL => self.sc.events.push((i, EV_NL, 1)),
            C_BRACKET => {
                let (fam, open) = match b[i] {
                    b'(' => (F_PAREN, true),
                    b')' => (F_PAREN, false),
                    b'[' => (F_SQUARE, true),
                    b']' => (F_SQUARE, false),
                    b'{' => (F_CURLY, true),
                    _ => (F_CURLY, false),
                };
                self.push_bracket(i, 1, fam, open);
            }
            C_QUOTE => {
                // `''` and ``` `` ``` are double quotation marks.
                let doubled = b.get(i + 1) == Some(&b[i]) && b[i] != b'"';
                let len = if doubled { 2 } else { 1 };
                let shape = match (b[i], doubled) {
                    (b'"', _) | (_, true) => self.double_shape(i, len),
                    (b'\'', false) => self.single_shape(i, len),
                    _ => self.backtick_shape(i, len),
                };
                if let Some(shape) = shape {
                    let fam = if b[i] == b'"' || doubled {
                        F_DOUBLE
                    } else {
                        F_SINGLE
                    };
                    self.push_tok(i, len, fam, shape);
                }
                return i + len;
            }
            C_MULTI => self.scan_multi(i),
            _ => {}
        }
        i + 1
    }

    /// Non-ASCII punctuation: ellipsis and friends, curly quotes, CJK
    /// brackets, bullets.
    fn scan_multi(&mut self, i: usize) {
        let Some(c) = char_at(self.s, i) else { return };
        let len = c.len_utf8();
        match c {
            '…' | '‼' | '⁇' | '⁈' | '⁉' | '。' | '！' | '？' => {
                self.sc.events.push((i, EV_TERM, len as u8))
            }
            '“' | '„' | '«' => self.push_tok(i, len, F_DOUBLE, Shape::Open),
            '”' | '»' => self.push_tok(i, len, F_DOUBLE, Shape::Close),
            '‘' => {
                let (p, n) = (char_before(self.s, i), char_at(self.s, i + len));
                if !(p.is_some_and(alnum) && n.is_some_and(alnum)) {
                    self.push_tok(i, len, F_SINGLE, Shape::Open);
                }
            }
            '’' => {
                if let Some(shape) = self.single_shape(i, len) {
                    self.push_tok(i, len, F_SINGLE, shape);
                }
            }
            '（' => self.push_bracket(i, len, F_PAREN, true),
            '）' => self.push_bracket(i, len, F_PAREN, false),
            '［' => self.push_bracket(i, len, F_SQUARE, true),
            '］' => self.push_bracket(i, len, F_SQUARE, false),
            '「' => self.push_bracket(i, len, F_CORNER, true),
            '」' => self.push_bracket(i, len, F_CORNER, false),
            '『' => self.push_bracket(i, len, F_WCORNER, true),
            '』' => self.push_bracket(i, len, F_WCORNER, false),
            '《' => self.push_bracket(i, len, F_DANGLE, true),
            '》' => self.push_bracket(i, len, F_DANGLE, false),
            '〈' => self.push_bracket(i, len, F_ANGLE, true),
            '〉' => self.push_bracket(i, len, F_ANGLE, false),
            _ => {
                if self.seg.bullets.contains(&c) {
                    self.sc.events.push((i, EV_BULLET, len as u8));
                }
            }
        }
    }

    fn push_bracket(&mut self, i: usize, len: usize, fam: u8, open: bool) {
        let shape = if open { Shape::Open } else { Shape::Close };
        self.push_tok(i, len, fam, shape);
    }

    fn push_tok(&mut self, pos: usize, len: usize, fam: u8, shape: Shape) {
        self.counts[fam as usize] += 1;
        self.sc.toks.push(Tok {
            pos,
            end: pos + len,
            fam,
            shape,
            role: Role::Orphan,
            span_end: 0,
        });
    }

    fn neighbours(&self, i: usize, len: usize) -> (Option<char>, Option<char>) {
        (char_before(self.s, i), char_at(self.s, i + len))
    }

    /// `"`, `''`, ``` `` ```: a quotation mark unless wedged inside a word.
    fn double_shape(&self, i: usize, len: usize) -> Option<Shape> {
        let (p, n) = self.neighbours(i, len);
        let pa = p.is_some_and(alnum);
        let na = n.is_some_and(alnum);
        let ps = p.is_none_or(|c| c.is_whitespace() || is_open_punct(c));
        let ns = n.is_none_or(char::is_whitespace);
        Some(match () {
            _ if pa && na => return None,
            _ if ps && ns => Shape::Ambig,
            _ if ps || na => Shape::Open,
            _ => Shape::Close,
        })
    }

    /// `` ` ``: like `"`, only ever an apostrophe inside a word.
    fn backtick_shape(&self, i: usize, len: usize) -> Option<Shape> {
        self.double_shape(i, len)
    }

    /// `'` and `’`: apostrophes inside and after words, elisions before them
    /// ("'80s", "'tis"); otherwise a single quotation mark.
    fn single_shape(&self, i: usize, len: usize) -> Option<Shape> {
        let (p, n) = self.neighbours(i, len);
        let pa = p.is_some_and(alnum);
        if pa {
            // "don't", "players'": never a quotation mark.
            return None;
        }
        let na = n.is_some_and(alnum);
        let ps = p.is_none_or(|c| c.is_whitespace() || is_open_punct(c));
        let ns = n.is_none_or(char::is_whitespace);
        if ps && ns {
            return Some(Shape::Ambig);
        }
        if na {
            return if self.is_elision(i + len) {
                None
            } else {
                Some(Shape::Open)
            };
        }
        Some(if ps { Shape::Open } else { Shape::Close })
    }

    fn is_elision(&self, at: usize) -> bool {
        let b = self.b;
        if b.get(at).is_some_and(u8::is_ascii_digit) {
            return true;
        }
        let mut buf = [0u8; 8];
        let mut k = 0;
        while k < buf.len() && b.get(at + k).is_some_and(u8::is_ascii_alphabetic) {
            buf[k] = b[at + k].to_ascii_lowercase();
            k += 1;
        }
        if k == 0 || k == buf.len() || char_at(self.s, at + k).is_some_and(alnum) {
            return false;
        }
        self.seg.elisions.contains(&buf[..k])
    }

    // ---- pass 2: pair quotation marks and brackets into spans ----

    fn pair(&mut self) {
        if self.sc.toks.is_empty() {
            return;
        }
        let mut open_sym: [Option<usize>; 2] = [None, None];
        let mut stack = std::mem::take(&mut self.sc.stack);
        stack.clear();
        for i in 0..self.sc.toks.len() {
            let t = self.sc.toks[i];
            if t.fam <= F_SINGLE {
                let f = t.fam as usize;
                match (t.shape, open_sym[f]) {
                    (Shape::Open, _) => open_sym[f] = Some(i),
                    (Shape::Close, Some(o)) => {
                        self.try_pair(o, i);
                        open_sym[f] = None;
                    }
                    (Shape::Close, None) => {}
                    (Shape::Ambig, Some(o)) => {
                        open_sym[f] = if self.try_pair(o, i) { None } else { Some(i) };
                    }
                    (Shape::Ambig, None) => open_sym[f] = Some(i),
                }
            } else if t.shape == Shape::Open {
                stack.push(i);
            } else {
                // Unwind past unclosed inner brackets of other kinds, not far.
                let lo = stack.len().saturating_sub(8);
                if let Some(k) = (lo..stack.len())
                    .rev()
                    .find(|&k| self.sc.toks[stack[k]].fam == t.fam)
                {
                    self.try_pair(stack[k], i);
                    stack.truncate(k);
                }
            }
        }
        self.sc.stack = stack;
        self.sc.spans.sort_unstable();
    }

    /// Pair tokens `o` and `c` unless the span is too long, or it joins two
    /// space-padded quotation marks across a sentence break while the block has
    /// an odd number of them (then one of them is a stray and the pairing is a
    /// guess we should not trust).
    fn try_pair(&mut self, o: usize, c: usize) -> bool {
        let (to, tc) = (self.sc.toks[o], self.sc.toks[c]);
        if tc.end - to.pos > self.seg.max_span {
            return false;
        }
        if (to.shape == Shape::Ambig || tc.shape == Shape::Ambig)
            && self.counts[to.fam as usize] % 2 == 1
            && has_strong_break(&self.b[to.end..tc.pos])
        {
            return false;
        }
        self.sc.toks[o].role = Role::SpanOpen;
        self.sc.toks[o].span_end = tc.end;
        self.sc.toks[c].role = Role::SpanClose;
        let f = to.fam as usize;
        self.first_pair_close[f] = self.first_pair_close[f].min(tc.pos);
        self.sc.spans.push((to.pos, tc.end));
        true
    }

    fn tok_at(&self, pos: usize) -> Option<Tok> {
        // Tokens start only at quotation marks, brackets and non-ASCII bytes.
        if !matches!(
            self.b.get(pos).map(|&c| self.seg.table[c as usize]),
            Some(C_QUOTE | C_BRACKET | C_MULTI)
        ) {
            return None;
        }
        self.sc
            .toks
            .binary_search_by_key(&pos, |t| t.pos)
            .ok()
            .map(|k| self.sc.toks[k])
    }

    /// Is the terminator at `p`, whose sentence would end at `r`, inside a
    /// span that does not close by `r`? Calls come with increasing `p`.
    fn suppressed(&mut self, p: usize, r: usize) -> bool {
        while self.span_ptr < self.sc.spans.len() && self.sc.spans[self.span_ptr].0 < p {
            self.span_max_end = self.span_max_end.max(self.sc.spans[self.span_ptr].1);
            self.span_ptr += 1;
        }
        self.span_max_end > r
    }

    // ---- pass 3: decide ----

    fn segment(&mut self, out: &mut Vec<Range<usize>>, base: usize) {
        let mut sent_start = 0;
        let mut resume = 0;
        for k in 0..self.sc.events.len() {
            let (pos, kind, len) = self.sc.events[k];
            if pos < resume {
                continue;
            }
            match kind {
                EV_BULLET => {
                    self.cut(out, base, &mut sent_start, pos);
                    resume = pos + len as usize;
                }
                EV_NL => {
                    // A blank line inside a block is a hard break.
                    let rest = &self.b[pos + 1..];
                    let gap = rest
                        .iter()
                        .position(|&c| !matches!(c, b' ' | b'\t' | b'\r'))
                        .unwrap_or(rest.len());
                    if rest.get(gap) == Some(&b'\n') {
                        self.cut(out, base, &mut sent_start, pos);
                    }
                }
                _ => {
                    let (cut, res) = self.decide(pos, sent_start);
                    resume = res;
                    if let Some(c) = cut {
                        self.cut(out, base, &mut sent_start, c);
                    }
                }
            }
        }
        let end = self.b.len();
        self.cut(out, base, &mut sent_start, end);
    }

    fn cut(&self, out: &mut Vec<Range<usize>>, base: usize, sent_start: &mut usize, at: usize) {
        if at <= *sent_start || !self.s.is_char_boundary(at) {
            return;
        }
        let (a, e) = trim(self.s, *sent_start, at);
        if a < e {
            out.push(base + a..base + e);
        }
        *sent_start = at;
    }

    fn skip_ws(&self, mut i: usize) -> usize {
        while i < self.b.len() {
            let c = self.b[i];
            if c.is_ascii_whitespace() {
                i += 1;
            } else if c >= 0x80 {
                match char_at(self.s, i) {
                    Some(ch) if ch.is_whitespace() => i += ch.len_utf8(),
                    _ => break,
                }
            } else {
                break;
            }
        }
        i
    }

    /// Decide whether the terminator at `p` ends a sentence. Returns the cut
    /// position, if any, and where scanning resumes.
    #[inline]
    fn decide(&mut self, p: usize, sent_start: usize) -> (Option<usize>, usize) {
        if let Some(fast) = self.decide_fast(p, sent_start) {
            // Every test run checks the shortcut against the general path.
            #[cfg(test)]
            assert_eq!(
                fast,
                self.decide_general(p, sent_start),
                "at {p} in {:?}",
                self.s
            );
            return fast;
        }
        self.decide_general(p, sent_start)
    }

    /// `decide` for the common shapes, `None` for the others: a single
    /// terminator ending the block, glued to an ASCII lower-case letter or
    /// digit, or followed by one space and an ASCII capital or digit (". The",
    /// ". 170"). There the general path finds no cluster, no closing marks and
    /// no opening marks before the next word, so only the span check and
    /// (after a period) the token before are left.
    #[inline]
    fn decide_fast(&mut self, p: usize, sent_start: usize) -> Option<(Option<usize>, usize)> {
        let b = self.b;
        let dot = match b[p] {
            b'.' => true,
            b'!' | b'?' => false,
            _ => return None,
        };
        let r = p + 1;
        if r == b.len() {
            return Some((self.suppressed(p, r).not().then_some(r), r));
        }
        // Glued to a lower-case letter or digit ("e.g", "1.2", "example.org"): the general
        // path finds no cluster and no capital, so no break, and resumes right after.
        if b[r].is_ascii_lowercase() || b[r].is_ascii_digit() {
            return Some((None, r));
        }
        if b[r] != b' ' {
            return None;
        }
        let digit = match b.get(r + 1) {
            Some(c) if c.is_ascii_uppercase() => false,
            Some(c) if c.is_ascii_digit() => true,
            _ => return None,
        };
        if self.suppressed(p, r) {
            return Some((None, r));
        }
        // ". 170": a digit after one space breaks after '!' and '?', and after a period
        // unless the token before is an abbreviation ("p. 170") or a clock/era marker
        // ending a fronted adverbial.
        if digit {
            let brk = !dot || {
                let (class, ts) = self.class_before(p, sent_start);
                match class {
                    TokClass::Ordinary => true,
                    TokClass::Time => !self.fronting(sent_start, ts),
                    _ => false,
                }
            };
            return Some((brk.then_some(r), r));
        }
        let brk = !dot || {
            let w = r + 1;
            let (class, ts) = self.class_before(p, sent_start);
            match class {
                TokClass::Ordinary | TokClass::Regular => true,
                TokClass::Prefix | TokClass::ListMarker => false,
                TokClass::Initials => self.is_starter(w),
                TokClass::Time => self.is_starter(w) || !self.fronting(sent_start, ts),
            }
        };
        Some((brk.then_some(r), r))
    }

    /// The whole decision, for any terminator.
    fn decide_general(&mut self, p: usize, sent_start: usize) -> (Option<usize>, usize) {
        let b = self.b;
        let n = b.len();
        // Cluster: "?!", "...", ". . .", "! ? !".
        let (mut q, mut dots, mut ell, mut bang, mut stop) = (p, 0, false, false, false);
        while let Some((kind, len)) = term_at(b, q) {
            match kind {
                Term::Dot => dots += 1,
                Term::Ellipsis => ell = true,
                Term::Bang => bang = true,
                Term::Stop => stop = true,
            }
            q += len;
            if term_at(b, q).is_none() && b.get(q) == Some(&b' ') && term_at(b, q + 1).is_some() {
                q += 1;
            }
        }
        if q == p {
            return (None, p + 1);
        }
        let ellipsis = ell || dots >= 2;
        let single = dots == 1 && !ell && !bang && !stop;
        // "[...]" marks an omission, not an ending.
        if ellipsis && p > 0 && matches!(b[p - 1], b'[' | b'(') {
            return (None, q);
        }

        // Glued to a following letter or digit: "1.2", "e.g", "van.Night".
        if let Some(c) = char_at(self.s, q).filter(|&c| alnum(c)) {
            let brk = if stop {
                true
            } else if !c.is_uppercase() {
                false
            } else if ellipsis {
                !self.continues_after_ellipsis(q)
            } else if single {
                self.glued_capital(p, q, sent_start)
            } else {
                true
            };
            return if brk && !self.suppressed(p, q) {
                (Some(q), q)
            } else {
                (None, q)
            };
        }

        // Closing quotation marks, brackets and footnote markers belong to the
        // sentence that just ended.
        let (mut r, mut x) = (q, q);
        for _ in 0..32 {
            let y = self.skip_ws(x);
            if y >= n {
                break;
            }
            let spaced = y > x;
            if let Some(t) = self.tok_at(y) {
                let take = match t.role {
                    Role::SpanClose => true,
                    Role::SpanOpen => {
                        if t.fam == F_SQUARE && self.is_footnote(t) {
                            x = t.span_end;
                            r = x;
                            continue;
                        }
                        false
                    }
                    Role::Orphan => match t.shape {
                        Shape::Close => !spaced,
                        // A stray space-padded mark trails the sentence,
                        // unless the same kind already paired earlier: then
                        // it likely opens the next one.
                        Shape::Ambig => {
                            t.fam <= F_SINGLE && self.first_pair_close[t.fam as usize] > y
                        }
                        Shape::Open => false,
                    },
                };
                if take {
                    x = t.end;
                    r = x;
                    continue;
                }
                break;
            }
            if !spaced && let Some((_, len)) = term_at(b, y) {
                x = y + len;
                r = x;
                continue;
            }
            break;
        }

        if self.suppressed(p, r) {
            return (None, r);
        }
        let m = self.skip_ws(r);
        if m >= n || stop {
            return (Some(r), r);
        }
        // Look through opening marks to the first word of the next sentence.
        let mut w = m;
        for _ in 0..4 {
            match self.tok_at(w) {
                Some(t) if t.role == Role::SpanOpen || t.shape != Shape::Close => {
                    w = self.skip_ws(t.end)
                }
                _ => break,
            }
        }
        let Some(c) = char_at(self.s, w) else {
            return (Some(r), r);
        };
        let brk = if c.is_lowercase() {
            false
        } else if c.is_numeric() || matches!(c, '$' | '£' | '€' | '¥') {
            if ellipsis || !single {
                true
            } else {
                let (class, ts) = self.class_before(p, sent_start);
                match class {
                    TokClass::Ordinary => true,
                    TokClass::Time => !self.fronting(sent_start, ts),
                    _ => false,
                }
            }
        } else if c.is_alphabetic() {
            if ellipsis {
                !self.continues_after_ellipsis(w)
            } else if !single {
                true
            } else {
                let (class, ts) = self.class_before(p, sent_start);
                match class {
                    TokClass::Ordinary | TokClass::Regular => true,
                    TokClass::Prefix | TokClass::ListMarker => false,
                    TokClass::Initials => self.is_starter(w),
                    TokClass::Time => self.is_starter(w) || !self.fronting(sent_start, ts),
                }
            }
        } else {
            false
        };
        (brk.then_some(r), r)
    }

    /// A short bracket of digits/letters right after a terminator: "[1]", "[a]",
    /// "[2–11]", "[citation needed]".
    fn is_footnote(&self, t: Tok) -> bool {
        if t.span_end - t.pos > MAX_FOOTNOTE || t.span_end < t.end + 2 {
            return false;
        }
        let inner = &self.b[t.end..t.span_end - 1];
        !inner.is_empty()
            && inner.iter().all(|&c| {
                // `^` and `_` for Markdown footnote labels ("[^speed]", "[^note_1]").
                c.is_ascii_alphanumeric()
                    || matches!(c, b' ' | b',' | b'-' | b':' | b'^' | b'_')
                    || c >= 0x80
            })
    }

    /// `classify` of the `token_before` the period at `p`, and the token's start (which only
    /// the `TokClass::Time` answer needs; `p` when the token was not looked for).
    #[inline]
    fn class_before(&self, p: usize, sent_start: usize) -> (TokClass, usize) {
        if self.ordinary_before(p, sent_start) {
            // Every test run checks the shortcut against the token's class.
            #[cfg(test)]
            {
                let (ts, te) = self.token_before(p, sent_start);
                assert_eq!(
                    self.classify(ts, te, sent_start),
                    TokClass::Ordinary,
                    "at {p} in {:?}",
                    self.s
                );
            }
            return (TokClass::Ordinary, p);
        }
        let (ts, te) = self.token_before(p, sent_start);
        (self.classify(ts, te, sent_start), ts)
    }

    /// Whether the token before the period at `p` is `TokClass::Ordinary` by its last bytes,
    /// without finding where it starts. Either it ends with ASCII punctuation that
    /// `token_before` keeps ("71]", "*word*") and that no abbreviation ends with: then its
    /// last '.'-piece is no letter (no initials), nor is it a list marker. Or it ends with
    /// three ASCII letters or digits (no initials) that no abbreviation ends with
    /// (`abbr_tails`, "7a.m" included), of different kinds or four digits and more (no
    /// list marker).
    #[inline]
    fn ordinary_before(&self, p: usize, sent_start: usize) -> bool {
        let b = self.b;
        if p <= sent_start || p > b.len() {
            return false;
        }
        let y = b[p - 1];
        if !y.is_ascii_alphanumeric() {
            return y.is_ascii()
                && !TOKEN_BREAK[usize::from(y)]
                && !self.seg.abbr_last[usize::from(y)];
        }
        if p < sent_start + 3 {
            return false;
        }
        let (w, x) = (b[p - 3], b[p - 2]);
        if !(w.is_ascii_alphanumeric() && x.is_ascii_alphanumeric()) {
            return false;
        }
        let i = tail_index(w, x, y);
        if self.seg.abbr_tails[i / 64] & (1 << (i % 64)) != 0 {
            return false;
        }
        match LIST_CLASS[usize::from(w)] & LIST_CLASS[usize::from(x)] & LIST_CLASS[usize::from(y)] {
            0 => true,
            // "1902.": more than three digits are no list marker.
            L_DIGIT => p >= sent_start + 4 && b[p - 4].is_ascii_alphanumeric(),
            _ => false,
        }
    }

    /// The token before a period at `p` (or before the whitespace before it)
    /// within the current sentence, without leading opening punctuation;
    /// `(ts, te)` with `ts == te` if none.
    fn token_before(&self, p: usize, sent_start: usize) -> (usize, usize) {
        let b = self.b;
        let mut te = p;
        while te > sent_start && b[te - 1].is_ascii_whitespace() {
            te -= 1;
        }
        // Never reach back into the previous sentence ("Tuesday.Mr.").
        let mut ts = te;
        let lo = sent_start.max(te.saturating_sub(MAX_TOKEN + 1));
        while ts > lo && !TOKEN_BREAK[b[ts - 1] as usize] {
            ts -= 1;
        }
        if ts < te && b[ts].is_ascii_alphanumeric() {
            // The common case: nothing to drop.
            return (ts, te);
        }
        while ts < te && !self.s.is_char_boundary(ts) {
            ts += 1;
        }
        // Drop leading non-alphanumerics such as curly quotes or dashes.
        while let Some(c) = char_at(self.s, ts).filter(|_| ts < te) {
            if alnum(c) {
                break;
            }
            ts += c.len_utf8();
        }
        (ts.min(te), te)
    }

    /// The `token_before` the fast one replaces, kept as its oracle.
    #[cfg(test)]
    fn token_before_slow(&self, p: usize, sent_start: usize) -> (usize, usize) {
        let b = self.b;
        let mut te = p;
        while te > sent_start && b[te - 1].is_ascii_whitespace() {
            te -= 1;
        }
        let mut ts = te;
        // Never reach back into the previous sentence ("Tuesday.Mr.").
        while ts > sent_start && te - ts <= MAX_TOKEN {
            let c = b[ts - 1];
            if c.is_ascii_whitespace()
                || matches!(c, b'/' | b'(' | b'[' | b'{' | b'"' | b'\'' | b'`')
            {
                break;
            }
            ts -= 1;
        }
        while ts < te && !self.s.is_char_boundary(ts) {
            ts += 1;
        }
        // Drop leading non-alphanumerics such as curly quotes or dashes.
        while let Some(c) = char_at(self.s, ts).filter(|_| ts < te) {
            if alnum(c) {
                break;
            }
            ts += c.len_utf8();
        }
        (ts.min(te), te)
    }

    fn classify(&self, ts: usize, te: usize, sent_start: usize) -> TokClass {
        let t = &self.b[ts..te];
        if t.is_empty() || t.len() > MAX_TOKEN {
            return TokClass::Ordinary;
        }
        if is_list_marker(t) && ts == self.sentence_begin(sent_start) {
            return TokClass::ListMarker;
        }
        if let Some(kind) = self.seg.abbr_kind(t) {
            return match kind {
                Abbr::Regular => TokClass::Regular,
                Abbr::Initialism => TokClass::Initials,
                Abbr::Prefix => TokClass::Prefix,
                Abbr::Time => TokClass::Time,
            };
        }
        // "7a.m": a number glued to a clock marker.
        let digits = t.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 && digits < t.len() && self.seg.abbr_kind(&t[digits..]) == Some(Abbr::Time) {
            return TokClass::Time;
        }
        if is_initials(&self.s[ts..te]) {
            return TokClass::Initials;
        }
        TokClass::Ordinary
    }

    /// First byte of the current sentence, past whitespace and bullets.
    fn sentence_begin(&self, sent_start: usize) -> usize {
        let (key, cached) = self.begin_cache.get();
        if key == sent_start {
            return cached;
        }
        let mut i = self.skip_ws(sent_start);
        while let Some(c) = char_at(self.s, i).filter(|c| self.seg.bullets.contains(c)) {
            i = self.skip_ws(i + c.len_utf8());
        }
        self.begin_cache.set((sent_start, i));
        i
    }

    /// "van.Night", "1,000.That": a period glued to a capitalised word after a
    /// plain word is a boundary (flattened footnotes, missing spaces); dotted
    /// abbreviations, e-mail addresses and chess moves are not.
    fn glued_capital(&self, p: usize, q: usize, sent_start: usize) -> bool {
        let (ts, te) = self.token_before(p, sent_start);
        if te != p || te - ts < 2 {
            return false;
        }
        let t = &self.b[ts..te];
        if t.iter().any(|&c| matches!(c, b'.' | b'@' | b':')) {
            return false;
        }
        if self.classify(ts, te, sent_start) != TokClass::Ordinary {
            return false;
        }
        let mut k = q;
        while let Some(c) = char_at(self.s, k).filter(|c| c.is_alphabetic()) {
            k += c.len_utf8();
        }
        match char_at(self.s, k) {
            None => true,
            Some(c) if alnum(c) || matches!(c, '@' | '/' | '_') => false,
            // "Ph.D.", "LL.M.": short pieces on both sides of the period.
            Some('.') => te - ts > 3,
            Some(_) => true,
        }
    }

    fn word_at(&self, w: usize) -> &str {
        let mut k = w;
        // Lexicon words are short; a longer run can be cut anywhere.
        while let Some(c) = char_at(self.s, k).filter(|_| k - w <= MAX_TOKEN) {
            let inner_apos = matches!(c, '\'' | '’')
                && k > w
                && char_at(self.s, k + c.len_utf8()).is_some_and(char::is_alphabetic);
            if alnum(c) || inner_apos {
                k += c.len_utf8();
            } else {
                break;
            }
        }
        &self.s[w..k]
    }

    fn is_starter(&self, w: usize) -> bool {
        let word = self.word_at(w);
        if self.seg.starters.contains(word) {
            return true;
        }
        // "It's" counts as "It".
        let stem = word.split(['\'', '’']).next().unwrap_or(word);
        stem.len() < word.len() && self.seg.starters.contains(stem)
    }

    fn continues_after_ellipsis(&self, w: usize) -> bool {
        self.seg.ellipsis_cont.contains(self.word_at(w))
    }

    /// Is everything from the sentence start to `ts` a fronted adverbial
    /// ("In 44", "On Monday at 6", "By 9:00")? A clock/era marker after one
    /// does not end the sentence. Quoted words are skipped; a colon restarts.
    fn fronting(&self, sent_start: usize, ts: usize) -> bool {
        let ss = self.sentence_begin(sent_start);
        if ts <= ss {
            return true;
        }
        let mut pre = &self.s[ss..ts];
        if pre.len() > MAX_FRONTING {
            return false;
        }
        if let Some(k) = pre.rfind(": ") {
            pre = &pre[k + 2..];
        }
        let mut in_quote = false;
        for word in pre.split_whitespace() {
            let opens = word.starts_with(['"', '“']);
            let closes = word.len() > 1 && word.ends_with(['"', '”']);
            if in_quote {
                in_quote = !closes;
                continue;
            }
            if opens {
                in_quote = !closes;
                continue;
            }
            let w = word
                .trim_start_matches(|c: char| !alnum(c))
                .trim_end_matches(|c: char| !alnum(c) && c != '.');
            let Some(first) = w.chars().next() else {
                continue;
            };
            if first.is_ascii_digit() || w.ends_with('.') {
                continue;
            }
            if w.len() <= 24 {
                let mut buf = [0u8; 24];
                let key = &mut buf[..w.len()];
                key.copy_from_slice(w.as_bytes());
                key.make_ascii_lowercase();
                if self.seg.fronting.contains(&key[..]) {
                    continue;
                }
            }
            if first.is_uppercase() && !self.seg.starters.contains(w) {
                continue;
            }
            return false;
        }
        true
    }
}

/// Bytes that end a token read backwards from a period: ASCII whitespace
/// and opening punctuation.
static TOKEN_BREAK: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = (c as u8).is_ascii_whitespace()
            || matches!(c as u8, b'/' | b'(' | b'[' | b'{' | b'"' | b'\'' | b'`');
        c += 1;
    }
    t
};

// Byte classes of `is_list_marker`.
const L_DIGIT: u8 = 1;
const L_ROMAN: u8 = 2;
const L_ROMAN_UP: u8 = 4;

static LIST_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_digit() {
            L_DIGIT
        } else if matches!(b, b'i' | b'v' | b'x' | b'l' | b'c' | b'd' | b'm') {
            L_ROMAN
        } else if matches!(b, b'I' | b'V' | b'X' | b'L' | b'C' | b'D' | b'M') {
            L_ROMAN_UP
        } else {
            0
        };
        c += 1;
    }
    t
};

/// "1", "12", "a", "iv", "IX": a list item number at the start of a sentence.
/// One table lookup per byte; `is_list_marker_slow` is its oracle.
#[inline]
fn is_list_marker(t: &[u8]) -> bool {
    // Every kind is at most five bytes long.
    if t.len() > 5 {
        return false;
    }
    let mut all = L_DIGIT | L_ROMAN | L_ROMAN_UP;
    for &c in t {
        all &= LIST_CLASS[c as usize];
    }
    (t.len() <= 3 && all & L_DIGIT != 0)
        || (t.len() == 1 && t[0].is_ascii_alphabetic())
        || all & (L_ROMAN | L_ROMAN_UP) != 0
}

/// The `is_list_marker` the table replaces.
#[cfg(test)]
fn is_list_marker_slow(t: &[u8]) -> bool {
    let roman = |c: &u8| b"ivxlcdm".contains(c);
    let roman_up = |c: &u8| b"IVXLCDM".contains(c);
    (t.len() <= 3 && t.iter().all(u8::is_ascii_digit))
        || (t.len() == 1 && t[0].is_ascii_alphabetic())
        || (t.len() <= 5 && (t.iter().all(roman) || t.iter().all(roman_up)))
}

/// "E", "U.S", "N.G", "m": single letters joined by periods.
fn is_initials(t: &str) -> bool {
    // Quick no for ASCII starts: the first piece must be one letter.
    match t.as_bytes() {
        [c, ..] if c.is_ascii() && !c.is_ascii_alphabetic() => return false,
        [c, d, ..] if c.is_ascii() && *d != b'.' => return false,
        _ => {}
    }
    !t.is_empty()
        && t.split('.').all(|piece| {
            let mut it = piece.chars();
            matches!((it.next(), it.next()), (Some(c), None) if c.is_alphabetic())
        })
}

/// `s[start..end]` without leading and trailing (Unicode) whitespace, as
/// `(start, end)`; both must be char boundaries. ASCII bytes are judged
/// directly, `str::trim_*` takes over at the first other byte.
#[inline]
fn trim(s: &str, start: usize, end: usize) -> (usize, usize) {
    // `char::is_whitespace` on ASCII: note U+000B, which `u8::is_ascii_whitespace` lacks.
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    let b = s.as_bytes();
    let mut a = start;
    while a < end && ws(b[a]) {
        a += 1;
    }
    if a < end && !b[a].is_ascii() {
        let t = &s[a..end];
        a = end - t.trim_start().len();
    }
    let mut e = end;
    while e > a && ws(b[e - 1]) {
        e -= 1;
    }
    if e > a && !b[e - 1].is_ascii() {
        e = a + s[a..e].trim_end().len();
    }
    (a, e)
}

/// A terminator followed by blanks and a capital letter: a likely sentence
/// break inside a would-be quotation.
fn has_strong_break(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        if matches!(b[i], b'.' | b'!' | b'?') {
            let mut k = i + 1;
            while k < b.len() && matches!(b[k], b' ' | b'\t') {
                k += 1;
            }
            if k > i + 1 && k < b.len() && b[k].is_ascii_uppercase() {
                return true;
            }
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    static SEG: std::sync::LazyLock<Segmenter> = std::sync::LazyLock::new(|| {
        Segmenter::new(&SentenceLexicon::embedded()).expect("embedded lexicon compiles")
    });

    fn seg() -> &'static Segmenter {
        &SEG
    }

    /// Buffers for a `Block` made by a test (leaked: tests are short).
    fn scratch() -> &'static mut Scratch {
        Box::leak(Box::default())
    }

    fn sentences<'t>(s: &Segmenter, text: &'t str) -> Vec<&'t str> {
        s.split(text, 0..text.len())
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    /// One row per tricky case: input, expected sentences.
    const CASES: &[(&str, &[&str])] = &[
        // abbreviations
        (
            "Dr. Watson signed the order. It was filed.",
            &["Dr. Watson signed the order.", "It was filed."],
        ),
        (
            "The figure appears on p. 88 of the report.",
            &["The figure appears on p. 88 of the report."],
        ),
        (
            "See pp. 15–17 for the table. The totals differ.",
            &["See pp. 15–17 for the table.", "The totals differ."],
        ),
        (
            "He joined Pitt, Briggs & Co. in 1921.",
            &["He joined Pitt, Briggs & Co. in 1921."],
        ),
        (
            "She moved to the U.S.A. in 1931. Her brother stayed.",
            &["She moved to the U.S.A. in 1931.", "Her brother stayed."],
        ),
        (
            "The journal, vol. 2, no. 00447, lists the case.",
            &["The journal, vol. 2, no. 00447, lists the case."],
        ),
        (
            "The decree is dated Jan. 27, 1925. It took effect at once.",
            &[
                "The decree is dated Jan. 27, 1925.",
                "It took effect at once.",
            ],
        ),
        (
            "He cites Conquest et al. 1990 throughout.",
            &["He cites Conquest et al. 1990 throughout."],
        ),
        (
            "Gen. Blokhin led the unit, cf. Sen. Rep. Smith.",
            &["Gen. Blokhin led the unit, cf. Sen. Rep. Smith."],
        ),
        (
            "The canal opened ca. 1933. Thousands died building it.",
            &["The canal opened ca. 1933.", "Thousands died building it."],
        ),
        (
            "He worked for Acme Inc. The firm closed in 1930.",
            &["He worked for Acme Inc.", "The firm closed in 1930."],
        ),
        (
            "It lasted approx. three years.",
            &["It lasted approx. three years."],
        ),
        // initials
        (
            "A. N. Yakovlev chaired the commission.",
            &["A. N. Yakovlev chaired the commission."],
        ),
        (
            "N.G. Okhotin compiled the list of camps.",
            &["N.G. Okhotin compiled the list of camps."],
        ),
        (
            "John D. Littlepage worked in the gold mines.",
            &["John D. Littlepage worked in the gold mines."],
        ),
        (
            "The report was signed by A. N. Yakovlev. It appeared in 1993.",
            &[
                "The report was signed by A. N. Yakovlev.",
                "It appeared in 1993.",
            ],
        ),
        (
            "He returned to the U.S. The trip had taken weeks.",
            &["He returned to the U.S.", "The trip had taken weeks."],
        ),
        (
            "The U.S. Embassy protested.",
            &["The U.S. Embassy protested."],
        ),
        (
            "Ivan Petrovich Ph.D. The title was revoked.",
            &["Ivan Petrovich Ph.D.", "The title was revoked."],
        ),
        // numbers
        (
            "About 1.2 million people were deported. Most never returned.",
            &[
                "About 1.2 million people were deported.",
                "Most never returned.",
            ],
        ),
        (
            "The camp held 10,000 prisoners in 1938. 1939 was worse.",
            &["The camp held 10,000 prisoners in 1938.", "1939 was worse."],
        ),
        ("It cost $1.20 per day.", &["It cost $1.20 per day."]),
        // ellipses
        (
            "He paused… Then he spoke.",
            &["He paused…", "Then he spoke."],
        ),
        (
            "It was over... The war had ended.",
            &["It was over...", "The war had ended."],
        ),
        (
            "The proof...beyond doubt was lost.",
            &["The proof...beyond doubt was lost."],
        ),
        ("It ended…. Nobody spoke.", &["It ended….", "Nobody spoke."]),
        (
            "I thought… I should leave.",
            &["I thought… I should leave."],
        ),
        (
            "The file [...] was destroyed.",
            &["The file [...] was destroyed."],
        ),
        (
            "He wrote . . . nothing more.",
            &["He wrote . . . nothing more."],
        ),
        // numbered list starts
        (
            "1. The first camp opened in 1923.",
            &["1. The first camp opened in 1923."],
        ),
        (
            "iv. Prisoners built the canal.",
            &["iv. Prisoners built the canal."],
        ),
        (
            "The list has item 4. The rest are lost.",
            &["The list has item 4.", "The rest are lost."],
        ),
        // closing quotes and brackets
        (
            "He said \"it is over.\" Then he left.",
            &["He said \"it is over.\"", "Then he left."],
        ),
        (
            "He wrote “the end is near.” Nobody replied.",
            &["He wrote “the end is near.”", "Nobody replied."],
        ),
        (
            "(Was it true?) Nobody knew.",
            &["(Was it true?)", "Nobody knew."],
        ),
        (
            "He called it 'a plan.' Others disagreed.",
            &["He called it 'a plan.'", "Others disagreed."],
        ),
        (
            "She asked, “Why? Who ordered it?” and wept.",
            &["She asked, “Why? Who ordered it?” and wept."],
        ),
        (
            "The order (see sec. 4. Appendix) was secret.",
            &["The order (see sec. 4. Appendix) was secret."],
        ),
        (
            "“The death of one man is a tragedy.” — attributed to Stalin.",
            &["“The death of one man is a tragedy.” — attributed to Stalin."],
        ),
        // ! and ?
        (
            "Was it true? Nobody knew! Later it was confirmed.",
            &["Was it true?", "Nobody knew!", "Later it was confirmed."],
        ),
        (
            "It sold at Yahoo! in 2001.",
            &["It sold at Yahoo! in 2001."],
        ),
        ("Really?! He agreed.", &["Really?!", "He agreed."]),
        // bullets
        (
            "•They were accused of sabotage.•All of them were found guilty.",
            &[
                "•They were accused of sabotage.",
                "•All of them were found guilty.",
            ],
        ),
        (
            "Charges: •espionage •sabotage",
            &["Charges:", "•espionage", "•sabotage"],
        ),
        // glued footnotes from flattened wiki text
        (
            "They were taken away in an airtight van.Night of Stone: Death and Memory, p. 12.",
            &[
                "They were taken away in an airtight van.",
                "Night of Stone: Death and Memory, p. 12.",
            ],
        ),
        (
            "She worked in the U.S.A.During the war.",
            &["She worked in the U.S.A.During the war."],
        ),
        (
            "He earned a Ph.D. in 1950.",
            &["He earned a Ph.D. in 1950."],
        ),
        (
            "He was beaten and subjected to torture,Page 121 of the memoir.",
            &["He was beaten and subjected to torture,Page 121 of the memoir."],
        ),
        (
            "They hired only professionalsPages 250 to 260.",
            &["They hired only professionalsPages 250 to 260."],
        ),
        (
            "Write to ivan.Petrov@example.org for copies.",
            &["Write to ivan.Petrov@example.org for copies."],
        ),
        (
            "The van was airtight.12 Night fell.",
            &["The van was airtight.12 Night fell."],
        ),
        // footnote markers after the terminator
        (
            "The camp held 10,000 prisoners.[3] It closed in 1953.",
            &["The camp held 10,000 prisoners.[3]", "It closed in 1953."],
        ),
        (
            "The canal took twenty months.[^speed] It employed convicts.",
            &[
                "The canal took twenty months.[^speed]",
                "It employed convicts.",
            ],
        ),
        (
            "The figure was disputed. [12] Later counts were higher.",
            &["The figure was disputed. [12]", "Later counts were higher."],
        ),
        (
            "The total is disputed.[citation needed] Later counts differ.",
            &[
                "The total is disputed.[citation needed]",
                "Later counts differ.",
            ],
        ),
        // lowercase after a period
        (
            "Several states, i.e. Germany and Italy, signed.",
            &["Several states, i.e. Germany and Italy, signed."],
        ),
        (
            "They took tools, boxes, etc. and left.",
            &["They took tools, boxes, etc. and left."],
        ),
        (
            "Many were shot, e.g. Bukharin in 1938.",
            &["Many were shot, e.g. Bukharin in 1938."],
        ),
        // clock and era markers
        (
            "At 5 a.m. the trains left.",
            &["At 5 a.m. the trains left."],
        ),
        (
            "They arrived at 6 p.m. The camp was silent.",
            &["They arrived at 6 p.m.", "The camp was silent."],
        ),
        (
            "In 44 B.C. Caesar was killed.",
            &["In 44 B.C. Caesar was killed."],
        ),
        // all caps, no final punctuation, odd inputs
        (
            "THE CAMP WAS CLOSED IN 1960. NOBODY WAS TRIED.",
            &["THE CAMP WAS CLOSED IN 1960.", "NOBODY WAS TRIED."],
        ),
        (
            "A line without a final period",
            &["A line without a final period"],
        ),
        (
            "He said \"this will never end. Then he left. Nobody followed.",
            &[
                "He said \"this will never end.",
                "Then he left.",
                "Nobody followed.",
            ],
        ),
        ("   ", &[]),
        ("", &[]),
        ("...", &["..."]),
        (
            "First part.\n\nSecond part",
            &["First part.", "Second part"],
        ),
        (
            "Soft\nwrapped line. Next one.",
            &["Soft\nwrapped line.", "Next one."],
        ),
        (
            "The '80s were hard. They ended.",
            &["The '80s were hard.", "They ended."],
        ),
        (
            "Walter 's brother . He said so .",
            &["Walter 's brother .", "He said so ."],
        ),
    ];

    #[test]
    fn table() {
        let s = seg();
        let mut bad = Vec::new();
        for (input, expected) in CASES {
            let got = sentences(s, input);
            if got != *expected {
                bad.push(format!(
                    "{input:?}\n  expected {expected:?}\n  got      {got:?}"
                ));
            }
        }
        assert!(
            bad.is_empty(),
            "{} case(s) failed:\n{}",
            bad.len(),
            bad.join("\n")
        );
    }

    #[test]
    fn segmenter_is_shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Segmenter>();
    }

    #[test]
    fn sub_range_gives_absolute_offsets() {
        let s = seg();
        let text = "Ignored. First one. Second one. Ignored too.";
        let a = text.find("First").unwrap();
        let b = text.find(" Ignored too").unwrap();
        let got: Vec<&str> = s.split(text, a..b).into_iter().map(|r| &text[r]).collect();
        assert_eq!(got, ["First one.", "Second one."]);
    }

    #[test]
    fn split_into_appends_what_split_returns() {
        let s = seg();
        let text = "Ünïcödé. Ωmega sentence. “Quote.” Last one";
        let mut out = Vec::new();
        out.push(0..1);
        for (a, b) in [(0, text.len()), (10, 30), (0, 0), (text.len(), text.len())] {
            let (a, b) = (a.min(b), b);
            let before = out.len();
            s.split_into(text, a..b, &mut out);
            assert_eq!(out[before..], s.split(text, a..b)[..], "{a}..{b}");
        }
        assert_eq!(out[0], 0..1);
    }

    #[test]
    fn bad_ranges_do_not_panic() {
        let s = seg();
        let text = "Ünïcödé. Ωmega sentence. “Quote.”";
        for a in 0..=text.len() + 2 {
            for b in 0..=text.len() + 2 {
                for r in s.split(text, a..b) {
                    assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                    assert!(r.start < r.end && r.end <= text.len());
                }
            }
        }
    }

    #[test]
    fn long_single_line() {
        let s = seg();
        let one = "In 1937 the NKVD arrested 1.5 million people (cf. Table 3). ";
        let text = one.repeat(600);
        let got = s.split(&text, 0..text.len());
        assert_eq!(got.len(), 600);
        let long = format!("{} end.", "word ".repeat(20_000));
        assert_eq!(s.split(&long, 0..long.len()).len(), 1);
    }

    /// Degenerate inputs must stay linear: a quadratic path shows as this test taking minutes
    /// (timing is measured by `scripts/bench.sh`, not asserted here).
    #[test]
    fn pathological_inputs() {
        let s = seg();
        let units = [
            "(", ")", "'", "''", "\"", "\" ", "' ", "'' ", ". ", "a.", "A. ", "1. ", "…", "• ",
            "•", "\n", "\n \n", "[1]", "[", "“", "”", "’", " ", "U.S.", "?!", ". . ", "7a.m. ",
        ];
        for unit in units {
            let text = unit.repeat(200_000 / unit.len());
            let out = s.split(&text, 0..text.len());
            assert!(out.len() <= text.len(), "{unit:?}");
            assert!(
                out.windows(2).all(|w| w[0].end <= w[1].start),
                "{unit:?}: sentences overlap"
            );
        }
        let spaces = format!("{}{}", " ".repeat(100_000), "1. 2. 3. ".repeat(10_000));
        assert!(!s.split(&spaces, 0..spaces.len()).is_empty());
    }

    #[test]
    fn embedded_lexicon_and_extend() {
        let mut lex = SentenceLexicon::embedded();
        assert!(lex.abbreviations.iter().any(|a| a == "etc."));
        let user: SentenceLexicon = toml::from_str(
            "prefix-abbreviations = [\"Tov.\"]\nbullets = [\"►\"]\nmax-span-bytes = 300\n",
        )
        .unwrap();
        lex.extend(user);
        assert_eq!(lex.max_span_bytes, Some(300));
        let s = Segmenter::new(&lex).unwrap();
        assert_eq!(sentences(&s, "Tov. Ivanov spoke."), ["Tov. Ivanov spoke."]);
        assert_eq!(sentences(&s, "One.►Two"), ["One.", "►Two"]);
        assert_eq!(
            sentences(seg(), "Tov. Ivanov spoke."),
            ["Tov.", "Ivanov spoke."]
        );
    }

    #[test]
    fn lexicon_errors() {
        assert!(toml::from_str::<SentenceLexicon>("unknown-key = []").is_err());
        let bad_bullet = SentenceLexicon {
            bullets: vec!["-".into()],
            ..Default::default()
        };
        assert!(Segmenter::new(&bad_bullet).is_err());
        let empty = SentenceLexicon {
            abbreviations: vec![".".into()],
            ..Default::default()
        };
        assert!(Segmenter::new(&empty).is_err());
    }

    /// Output invariants for `text[a..b]` (a, b char boundaries).
    fn check_invariants(
        s: &Segmenter,
        text: &str,
        a: usize,
        b: usize,
    ) -> Result<(), TestCaseError> {
        let out = s.split(text, a..b);
        let mut prev = a;
        for r in &out {
            prop_assert!(
                r.start >= prev && r.start < r.end && r.end <= b,
                "bad range {:?} in {}..{}",
                r,
                a,
                b
            );
            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            let piece = &text[r.clone()];
            prop_assert_eq!(piece, piece.trim());
            prop_assert!(
                text[prev..r.start].trim().is_empty(),
                "uncovered text before {:?}",
                r
            );
            prev = r.end;
        }
        prop_assert!(text[prev..b].trim().is_empty(), "uncovered tail");
        Ok(())
    }

    /// Words, abbreviations, initials, list markers and clock markers around
    /// ". X", "! X", "? X" and block ends.
    fn sentence_like() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("The"),
                Just("It"),
                Just("It's"),
                Just("In"),
                Just("word"),
                Just("Dr"),
                Just("Mr"),
                Just("etc"),
                Just("U.S"),
                Just("E"),
                Just("a.m"),
                Just("7pm"),
                Just("p"),
                Just("iv"),
                Just("XI"),
                Just("12"),
                Just("mid"),
                Just("On Monday at 6"),
                Just("By 9"),
                Just("(x"),
                Just("x)"),
                Just("\"x"),
                Just("x\""),
                Just("«x"),
                Just("•"),
                Just("."),
                Just(". "),
                Just("! "),
                Just("? "),
                Just(" "),
                Just("\n"),
                Just(".."),
                Just("É"),
                Just(": "),
            ],
            0..40,
        )
        .prop_map(|v| v.concat())
    }

    #[test]
    fn the_shortcut_takes_the_common_shapes() {
        let text = "It rained. The end! No? Yes. Dr. Who. x.";
        let mut blk = Block::new(seg(), text, scratch());
        blk.scan();
        blk.pair();
        for (p, want) in [
            (9, Some(10)),
            (18, Some(19)),
            (22, Some(23)),
            (27, Some(28)),
            (31, None),
            (39, Some(40)),
        ] {
            assert_eq!(blk.decide_fast(p, 0), Some((want, p + 1)), "at {p}");
        }
        // Glued to a lower-case letter or digit; one space and a digit.
        let text = "e.g. 1.5 x!y. See p. 170. It was 1987. 4 p.m. 5";
        let mut blk = Block::new(seg(), text, scratch());
        blk.scan();
        blk.pair();
        for (p, want) in [
            (1, None),
            (6, None),
            (10, None),
            (19, None),
            (37, Some(38)),
            (42, None),
        ] {
            assert_eq!(blk.decide_fast(p, 0), Some((want, p + 1)), "at {p}");
            assert_eq!(blk.decide_general(p, 0), (want, p + 1), "at {p}");
        }
        // Not the shortcut's: glued to a capital, lower case, two spaces, an ellipsis.
        let text = "a.B. c.  D... E";
        let mut blk = Block::new(seg(), text, scratch());
        blk.scan();
        blk.pair();
        for p in [1, 3, 6, 10] {
            assert_eq!(blk.decide_fast(p, 0), None, "at {p}");
        }
    }

    #[test]
    fn is_list_marker_matches_oracle() {
        // Every token of up to six bytes over an alphabet that reaches each branch.
        let alphabet = b"09ivIVaZ.\xc3";
        let k = alphabet.len();
        for len in 0..=6u32 {
            for mut n in 0..k.pow(len) {
                let mut t = Vec::with_capacity(len as usize);
                for _ in 0..len {
                    t.push(alphabet[n % k]);
                    n /= k;
                }
                assert_eq!(is_list_marker(&t), is_list_marker_slow(&t), "{t:?}");
            }
        }
    }

    fn prose_like() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("Dr."),
                Just("U.S."),
                Just("A."),
                Just("p."),
                Just("a.m."),
                Just("etc."),
                Just("word"),
                Just("Word"),
                Just("1.5"),
                Just("1"),
                Just("."),
                Just("..."),
                Just("…"),
                Just("!"),
                Just("?"),
                Just("\""),
                Just("'"),
                Just("''"),
                Just("`"),
                Just("“"),
                Just("”"),
                Just("‘"),
                Just("’"),
                Just("("),
                Just(")"),
                Just("["),
                Just("]"),
                Just("[1]"),
                Just("•"),
                Just(" "),
                Just("  "),
                Just("\n"),
                Just("\n\n"),
                Just("\u{a0}"),
                Just("。"),
                Just("Ω"),
                Just(","),
                Just(":"),
                Just("—"),
                Just("@"),
            ],
            0..60,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn invariants_on_prose_like_text(text in prose_like(), x in 0usize..400, y in 0usize..400) {
            let s = seg();
            check_invariants(s, &text, 0, text.len())?;
            let mut a = x.min(text.len());
            let mut b = y.min(text.len());
            if a > b { std::mem::swap(&mut a, &mut b); }
            while !text.is_char_boundary(a) { a -= 1; }
            while !text.is_char_boundary(b) { b += 1; }
            check_invariants(s, &text, a, b)?;
        }

        #[test]
        fn invariants_on_arbitrary_text(text in any::<String>()) {
            check_invariants(seg(), &text, 0, text.len())?;
        }
    }

    /// Throughput on generated prose; prints MB/s, asserts nothing.
    /// `cargo test --release -- --ignored --nocapture sentence_throughput`
    #[test]
    #[ignore]
    fn sentence_throughput() {
        let pieces = [
            "The camp at Vorkuta held about 1.2 million prisoners between 1932 and 1953.",
            "According to Dr. A. N. Yakovlev, the commission reviewed vol. 2, no. 447 of the archive.[12]",
            "He wrote: “The work norms were impossible to meet.” Many died in the first winter.",
            "Figures vary (see p. 88, pp. 15–17); e.g. the U.S. estimate was higher…",
            "Was the order ever signed? Nobody knows!",
            "•They were accused of sabotage.•All of them were found guilty.",
            "On Jan. 27, 1925, at 6 a.m. the trains left for the north and didn't return.",
        ];
        let mut para = String::new();
        let mut k = 0usize;
        let mut text = String::new();
        let mut blocks = Vec::new();
        while text.len() < 8 << 20 {
            para.push_str(pieces[k % pieces.len()]);
            para.push(' ');
            k = k.wrapping_mul(31).wrapping_add(7) % 1009;
            if para.len() > 600 {
                let start = text.len();
                text.push_str(&para);
                blocks.push(start..text.len());
                text.push('\n');
                para.clear();
            }
        }
        let s = seg();
        // Best of three rounds: the machine is shared.
        let mut best = f64::MAX;
        let mut n = 0;
        for _ in 0..3 {
            let t = std::time::Instant::now();
            n = blocks
                .iter()
                .map(|r| s.split(&text, r.clone()).len())
                .sum::<usize>();
            best = best.min(t.elapsed().as_secs_f64());
        }
        let mb = text.len() as f64 / 1e6;
        println!(
            "segmented {mb:.1} MB into {n} sentences: {:.0} MB/s",
            mb / best
        );
    }

    /// Events and tokens of the vectorised scan and of the table walk.
    type ScanResult = (Vec<(usize, u8, u8)>, Vec<Tok>);

    /// The vectorised scan (both masks where AVX2 is here) and the table walk; panics if
    /// the two masks' scans differ.
    fn both_scans(s: &Segmenter, text: &str) -> [ScanResult; 2] {
        let run = |how: u8| {
            let mut blk = Block::new(s, text, scratch());
            match how {
                0 => blk.scan(),
                1 => blk.scan_with::<false>(),
                _ => blk.scan_table(),
            }
            (blk.sc.events.clone(), blk.sc.toks.clone())
        };
        let sse2 = run(1);
        assert_eq!(run(0), sse2, "{text:?}");
        [sse2, run(2)]
    }

    #[test]
    fn special_mask_flags_every_table_byte() {
        // Bullets are non-ASCII, so any lexicon's table stays inside the set.
        let mut lex = SentenceLexicon::embedded();
        lex.bullets.extend(["▪", "✓", "※"].map(String::from));
        let s = Segmenter::new(&lex).unwrap();
        for c in 0..=255u8 {
            if s.table[c as usize] != 0 {
                assert!(may_be_special(c), "byte {c:#x}");
            }
            for k in 0..SCAN_STEP {
                let mut chunk = [b'a'; SCAN_STEP];
                chunk[k] = c;
                let want = if may_be_special(c) { 1 << k } else { 0 };
                assert_eq!(special_mask(&chunk), want, "byte {c:#x} at {k}");
                #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: AVX2 was detected just now.
                    let got = unsafe { special_mask_avx2(&chunk) };
                    assert_eq!(got, want, "byte {c:#x} at {k}");
                }
            }
        }
    }

    #[test]
    fn scan_matches_table_walk() {
        let texts = [
            "",
            "a",
            "Dr. Watson said \"Go.\" Then he left.",
            "''Quoted'' and ``quoted'' and it's the '80s (see [1]).",
            "“Curly” ‘quotes’ «here» 「corner」『w』《d》〈a〉（p）［s］ … ‼ ⁇ ⁈ ⁉ 。！？ •bullet",
            "exactly sixteen.exactly sixteen.",
            "0123456789abcde'",
            "0123456789abcde''x",
            "0123456789abcdef'",
            "0123456789abcdef''x",
            "tab\there\nnew\n\nline {curly} a|b c\\d @e #f $g %h &i *j",
            "Пример текста. Ещё одно предложение! «Цитата».",
        ];
        for t in texts {
            let [fast, slow] = both_scans(seg(), t);
            assert_eq!(fast, slow, "{t:?}");
        }
        // Marks and multi-byte characters across a step's end, and a tail after whole steps.
        for pad in [62, 63, 64, 65, 126, 127, 128] {
            for mark in [
                "''x", "``x", "'x", "\"x", "…", "”", "•", ". The", "\n\n", "(a)",
            ] {
                let t = format!("{}{mark} end: 50% ;", "w".repeat(pad));
                let [fast, slow] = both_scans(seg(), &t);
                assert_eq!(fast, slow, "{t:?}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn scan_matches_table_walk_on_prose_like_text(text in prose_like()) {
            let [fast, slow] = both_scans(seg(), &text);
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn scan_matches_table_walk_on_arbitrary_text(text in any::<String>()) {
            let [fast, slow] = both_scans(seg(), &text);
            prop_assert_eq!(fast, slow);
        }
    }

    /// `class_before` (which asserts that its shortcut only answers for tokens `classify`
    /// calls ordinary) agrees with `classify` of `token_before` at every position.
    fn class_before_agrees(
        s: &Segmenter,
        text: &str,
        starts: &[usize],
    ) -> Result<(), TestCaseError> {
        let blk = Block::new(s, text, scratch());
        for p in (0..=text.len()).filter(|&p| text.is_char_boundary(p)) {
            for &st in starts {
                let st = st.min(p);
                if text.is_char_boundary(st) {
                    let (ts, te) = blk.token_before(p, st);
                    prop_assert_eq!(
                        blk.class_before(p, st).0,
                        blk.classify(ts, te, st),
                        "p {} start {}",
                        p,
                        st
                    );
                }
            }
        }
        Ok(())
    }

    #[test]
    fn ordinary_before_takes_common_endings_only() {
        // (text, whether the token before its last byte, a period, is ruled ordinary
        // without being looked for)
        let cases = [
            ("of track.", true),
            ("in 1902.", true),
            ("the workers.", true),
            ("[@dunmore2006, p. 71].", true),
            ("(Dunmore 1999, p. 258).", true),
            ("*last*.", true),
            // too short, or abbreviations, initials, list markers, clock markers
            ("it.", false),
            ("in 190.", false),
            ("Acme Inc.", false),
            ("and so on etc.", false),
            ("in Jan.", false),
            ("U.S.", false),
            ("see p.", false),
            ("at 7a.m.", false),
            ("viii.", false),
            ("“quoted”.", false),
            ("x .", false),
        ];
        for (text, want) in cases {
            let blk = Block::new(seg(), text, scratch());
            let p = text.len() - 1;
            assert_eq!(blk.ordinary_before(p, 0), want, "{text:?}");
            class_before_agrees(seg(), text, &[0, 1, 2, 3, 4, 5]).unwrap();
        }
    }

    /// `token_before` against its oracle at every boundary of `text`, from a
    /// few sentence starts.
    fn token_before_agrees(
        s: &Segmenter,
        text: &str,
        starts: &[usize],
    ) -> Result<(), TestCaseError> {
        let blk = Block::new(s, text, scratch());
        for p in (0..=text.len()).filter(|&p| text.is_char_boundary(p)) {
            for &st in starts {
                let st = st.min(p);
                if text.is_char_boundary(st) {
                    prop_assert_eq!(
                        blk.token_before(p, st),
                        blk.token_before_slow(p, st),
                        "p {} start {}",
                        p,
                        st
                    );
                }
            }
        }
        Ok(())
    }

    /// `char_at`, `char_before` and `tok_at` against their plain definitions
    /// at every byte offset of `text` (and one past the end).
    fn helpers_agree(s: &Segmenter, text: &str) -> Result<(), TestCaseError> {
        let mut blk = Block::new(s, text, scratch());
        blk.scan();
        blk.pair();
        for i in 0..=text.len() + 1 {
            prop_assert_eq!(
                char_at(text, i),
                text.get(i..).and_then(|t| t.chars().next())
            );
            prop_assert_eq!(
                char_before(text, i),
                text.get(..i).and_then(|t| t.chars().next_back())
            );
            let slow = blk
                .sc
                .toks
                .binary_search_by_key(&i, |t| t.pos)
                .ok()
                .map(|k| blk.sc.toks[k]);
            prop_assert_eq!(blk.tok_at(i), slow);
        }
        Ok(())
    }

    fn trim_slow(s: &str, start: usize, end: usize) -> (usize, usize) {
        let seg = &s[start..end];
        let t = seg.trim_start();
        let a = start + (seg.len() - t.len());
        (a, a + t.trim_end().len())
    }

    fn is_initials_slow(t: &str) -> bool {
        !t.is_empty()
            && t.split('.').all(|piece| {
                let mut it = piece.chars();
                matches!((it.next(), it.next()), (Some(c), None) if c.is_alphabetic())
            })
    }

    /// `trim` and `is_initials` against their plain definitions on every
    /// stretch of `text` between char boundaries (a sample of them for long texts).
    fn trims_agree(text: &str) -> Result<(), TestCaseError> {
        let cuts: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let step = cuts.len() / 64 + 1;
        for &a in cuts.iter().step_by(step) {
            for &e in cuts.iter().filter(|&&e| e >= a) {
                prop_assert_eq!(trim(text, a, e), trim_slow(text, a, e), "{}..{}", a, e);
                let t = &text[a..e];
                prop_assert_eq!(is_initials(t), is_initials_slow(t), "{:?}", t);
            }
        }
        Ok(())
    }

    fn abbr_kind_slow(s: &Segmenter, t: &[u8]) -> Option<Abbr> {
        s.abbr.get(&t.to_ascii_lowercase()[..]).copied()
    }

    #[test]
    fn token_before_matches_oracle() {
        let long = format!("{} x.", "y".repeat(60));
        let texts = [
            "Dr. Watson. (e.g. this) “Quoted.” —Dash. 'Tis. [12]. a/b. {x}. `c`.",
            "  \t spaced .  Mixed ÄÖ. –word. ”x. ‘y. 1.2. U.S. p. 88.",
            "Ünïcödé wörds… and Ω. ΑΒΓ. 東京。",
            "\u{a0} \u{b}x\u{85}\u{2003}. U.S. a.b.c. ab. A. .A É.Ö. \u{3000}y\u{b} \u{a0}",
            &long,
        ];
        for t in texts {
            token_before_agrees(seg(), t, &[0, 1, 5, 13, 40]).unwrap();
            helpers_agree(seg(), t).unwrap();
            trims_agree(t).unwrap();
        }
    }

    #[test]
    fn abbr_kind_matches_map() {
        let s = seg();
        let mut words: Vec<Vec<u8>> = s.abbr.keys().map(|k| k.to_vec()).collect();
        for k in s.abbr.keys() {
            words.push(k.to_ascii_uppercase());
            words.push([&b"7"[..], k].concat());
            words.push([k, &b"x"[..]].concat());
            words.push(k[1..].to_vec());
        }
        words.extend(
            [
                "word",
                "Tuesday",
                "1954",
                "91]",
                "ÄÖ",
                "a",
                "Z",
                "7a.m",
                "@",
                "x".repeat(49).as_str(),
            ]
            .map(|w| w.as_bytes().to_vec()),
        );
        for w in &words {
            assert_eq!(
                s.abbr_kind(w),
                abbr_kind_slow(s, w),
                "{:?}",
                String::from_utf8_lossy(w)
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn token_before_matches_oracle_on_prose_like_text(text in prose_like(), a in 0usize..200, b in 0usize..200) {
            token_before_agrees(seg(), &text, &[0, a, b])?;
            helpers_agree(seg(), &text)?;
            trims_agree(&text)?;
        }

        #[test]
        fn token_before_matches_oracle_on_arbitrary_text(text in any::<String>(), a in 0usize..50) {
            token_before_agrees(seg(), &text, &[0, a])?;
            helpers_agree(seg(), &text)?;
            trims_agree(&text)?;
        }

        #[test]
        fn is_list_marker_matches_oracle_on_random_tokens(w in "[0-9ivxlcdmIVXLCDMa-zA-Z.]{0,7}|\\PC{0,3}") {
            prop_assert_eq!(is_list_marker(w.as_bytes()), is_list_marker_slow(w.as_bytes()));
        }

        /// `decide` asserts (under test) that its shortcut agrees with the general path;
        /// these texts are made of the shapes the shortcut takes and their near misses.
        #[test]
        fn fast_decisions_agree_on_sentence_like_text(text in sentence_like(), x in 0usize..300) {
            let _ = seg().split(&text, x.min(text.len())..text.len());
            let _ = seg().split(&text, 0..text.len());
        }

        #[test]
        fn class_before_agrees_on_prose_like_text(text in prose_like(), a in 0usize..200, b in 0usize..200) {
            class_before_agrees(seg(), &text, &[0, a, b])?;
        }

        #[test]
        fn class_before_agrees_on_word_endings(text in "[ (\\[]{0,2}[0-9a-zA-Z.*\\])’”]{0,8}\\.") {
            class_before_agrees(seg(), &text, &[0, 1, 2, 3])?;
        }

        #[test]
        fn abbr_kind_matches_map_on_random_words(w in "[a-zA-Z0-9.]{0,8}|\\PC{0,6}") {
            prop_assert_eq!(seg().abbr_kind(w.as_bytes()), abbr_kind_slow(seg(), w.as_bytes()));
        }
    }
}

//! Attributions: a sentence that names its source without giving a reference
//! ("According to Werth, …", "Snyder estimates …", "The commission concluded: …").

use std::ops::Range;

// Word lookups run per cue: FxHash, not SipHash.
use rustc_hash::FxHashSet as HashSet;

use aho_corasick::AhoCorasick;
use regex::Regex;
use toml::Spanned;

use crate::extract::is_word_byte;
use crate::extract::lexicon_regex::{PatternError, compile_alternation};

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AttributionLexicon {
    /// Phrases that attribute by themselves ("according to").
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    /// Verbs of saying and estimating, attributed to the name before them.
    #[serde(default)]
    pub verbs: Vec<String>,
    /// Words allowed between a name and its verb.
    #[serde(default)]
    pub adverbs: Vec<String>,
    /// Common nouns that name a source ("the commission concluded").
    #[serde(default)]
    pub source_nouns: Vec<String>,
    /// Nouns after a possessive name ("Conquest's estimate").
    #[serde(default)]
    pub possessive_nouns: Vec<String>,
}

pub const EMBEDDED_ATTRIBUTIONS: &str = include_str!("../../rules/lexicon/attributions.toml");

impl AttributionLexicon {
    pub fn embedded() -> AttributionLexicon {
        toml::from_str(EMBEDDED_ATTRIBUTIONS).expect("embedded attributions lexicon parses")
    }

    pub fn extend(&mut self, other: AttributionLexicon) {
        self.patterns.extend(other.patterns);
        self.verbs.extend(other.verbs);
        self.adverbs.extend(other.adverbs);
        self.source_nouns.extend(other.source_nouns);
        self.possessive_nouns.extend(other.possessive_nouns);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    pub range: Range<usize>,
}

pub struct AttributionFinder {
    /// Phrases that attribute by themselves; not compiled when the word scan finds the
    /// embedded ones (`FreeNeeds::roles`).
    free: Option<Regex>,
    /// Literals one of which every match of `free` contains, when known (the embedded phrases):
    /// a run without any of them skips the regex.
    free_needs: Option<FreeNeeds>,
    /// Verbs (pattern ids below `possessive_from`) and possessive nouns (ids from it), whole words.
    cues: Option<Cues>,
    possessive_from: usize,
    adverbs: HashSet<String>,
    /// The adverbs' first bytes and lengths, so that most words skip the hash.
    adverb_heads: HeadLens,
    /// Looked up by bytes, so that a word lower-cased on the stack needs no UTF-8 check.
    source_nouns: HashSet<Box<[u8]>>,
    /// The source nouns' first bytes and lengths, likewise.
    noun_heads: HeadLens,
}

/// The first bytes and lengths of a set of words: bit `min(len, 63)` of a byte's entry is set
/// when some word of that length starts with the byte. A word that the test turns away is
/// not in the set.
struct HeadLens {
    lens: Box<[u64; 256]>,
    empty: bool,
}

impl HeadLens {
    fn new<'w>(words: impl IntoIterator<Item = &'w [u8]>) -> HeadLens {
        let mut lens = Box::new([0u64; 256]);
        let mut empty = false;
        for w in words {
            match w.first() {
                Some(&f) => lens[usize::from(f)] |= 1 << w.len().min(63),
                None => empty = true,
            }
        }
        HeadLens { lens, empty }
    }

    /// Whether a word that starts with `first` (`None` when empty) and is `len` bytes long may
    /// be in the set.
    #[inline]
    fn may_hold(&self, first: Option<u8>, len: usize) -> bool {
        match first {
            Some(f) => self.lens[usize::from(f)] >> len.min(63) & 1 != 0,
            None => self.empty,
        }
    }
}

/// How cue words are found.
enum Cues {
    /// Every cue is ASCII letters and digits: a cue that is a whole word is a whole run of them,
    /// so the runs are looked up instead of searching the text for every cue.
    Words(WordCues),
    /// Any other cue list.
    Automaton(AhoCorasick),
}

/// The embedded attributing phrases, and the literals that each of their matches contains:
/// ':' for the verb phrases, and the two fixed phrases.
const EMBEDDED_PATTERNS: [&str; 3] = [
    r"(?-u:\b)[Aa]ccording to(?-u:\b)",
    r"(?-u:\b)[Ii]n the words of(?-u:\b)",
    r"(?-u:\b)(?:wrote|said|stated|declared|concluded|replied|asked|added|recalled|testified|noted|explained|observed|announced|proclaimed)(?: that)?:",
];

/// The verbs of the third embedded phrase.
const COLON_VERBS: [&str; 15] = [
    "wrote",
    "said",
    "stated",
    "declared",
    "concluded",
    "replied",
    "asked",
    "added",
    "recalled",
    "testified",
    "noted",
    "explained",
    "observed",
    "announced",
    "proclaimed",
];

/// The word runs that the fixed embedded phrases contain.
const PHRASE_WORDS: [(&str, u8); 3] = [
    ("according", ROLE_ACCORDING),
    ("According", ROLE_ACCORDING),
    ("words", ROLE_WORDS),
];

// What a word found by the scan stands for (bits; a word may be several).
/// A cue: verb or possessive noun.
const ROLE_CUE: u8 = 1;
/// "[Aa]ccording" of "[Aa]ccording to".
const ROLE_ACCORDING: u8 = 2;
/// "words" of "[Ii]n the words of".
const ROLE_WORDS: u8 = 4;
/// One of `COLON_VERBS`.
const ROLE_COLON: u8 = 8;

struct FreeNeeds {
    according: memchr::memmem::Finder<'static>,
    words_of: memchr::memmem::Finder<'static>,
    /// The role of each pattern id of the word scan, when the scan also looks for
    /// `PHRASE_WORDS` and `COLON_VERBS` (ids past the cues): every match of the embedded
    /// phrases holds one of them as a whole run of letters, so the phrases are read at the
    /// words the scan finds (`phrase_at`) and the regex is not needed.
    roles: Option<Box<[u8]>>,
}

impl FreeNeeds {
    /// Whether `body` may hold a match of the embedded phrases.
    fn may_match(&self, body: &[u8]) -> bool {
        memchr::memchr(b':', body).is_some()
            || self.according.find(body).is_some()
            || self.words_of.find(body).is_some()
    }
}

/// The match of the embedded phrases that the word `body[s..e]` (a whole run of ASCII letters
/// and digits) with `role` is part of, if any, as a range of `body`: exactly what the regex of
/// `EMBEDDED_PATTERNS` finds there. Its matches never overlap (none can start inside another,
/// where the byte before is a letter or a space before "to", "the", "words", "of" or "that"),
/// so each is found from its own word.
fn phrase_at(body: &[u8], s: usize, e: usize, role: u8) -> Option<(usize, usize)> {
    let boundary_before = |i: usize| i == 0 || !is_word_byte(body[i - 1]);
    let boundary_after = |i: usize| body.get(i).is_none_or(|&c| !is_word_byte(c));
    let rest = &body[e..];
    if role & ROLE_ACCORDING != 0
        && boundary_before(s)
        && rest.starts_with(b" to")
        && boundary_after(e + 3)
    {
        return Some((s, e + 3));
    }
    if role & ROLE_WORDS != 0
        && s >= 7
        && matches!(&body[s - 7..s], b"in the " | b"In the ")
        && boundary_before(s - 7)
        && rest.starts_with(b" of")
        && boundary_after(e + 3)
    {
        return Some((s - 7, e + 3));
    }
    if role & ROLE_COLON != 0 && boundary_before(s) {
        if rest.starts_with(b" that:") {
            return Some((s, e + 6));
        }
        if rest.first() == Some(&b':') {
            return Some((s, e + 1));
        }
    }
    None
}

/// Cue words that are runs of ASCII letters and digits, by first byte and length.
struct WordCues {
    /// Bit `min(len, 63)` is set when some cue of that length starts with the byte.
    lens: Box<[u64; 256]>,
    /// For a first byte and a length (`first * SLOT_LENS + min(len, SLOT_LENS - 1)`), the
    /// range of `cues` that may match.
    slots: Box<[(u16, u16)]>,
    /// The cues, by slot, in pattern order within a slot.
    cues: Vec<WordCue>,
    /// The shortest cue (at least one byte).
    min_len: usize,
    /// Row `head_row(w)` has bit `w[2] & 31` set when some cue `w` starts with those three
    /// bytes (all bits when a cue is shorter): most words are ruled out before their end is
    /// looked for, from their first four bytes read as one `u32` (`head_of4`).
    heads: Box<[u32; HEAD_ROWS]>,
    /// The cues' first three bytes as Teddy's nibble tables (see `nibble_tables`), which
    /// the AVX2 scan reads 32 runs at a time before any head: `None` when a cue is shorter.
    nibbles: Option<[[u8; 16]; 6]>,
}

/// Nibble tables of the first three bytes of `words` (Teddy's filter): each word is put in
/// one of eight buckets, and table `2 * k` (`2 * k + 1`) has the bucket's bit at the low
/// (high) nibble of the word's byte `k`. Where a word starts, its bucket's bit is set in all
/// six tables at the nibbles there; most other word starts find no bucket set in all six.
/// Each word goes to the bucket whose set of byte triples it widens least (ties: the first),
/// so that words alike share one. `None` when a word is shorter than three bytes.
fn nibble_tables(words: &[String]) -> Option<[[u8; 16]; 6]> {
    let mut ws: Vec<&[u8]> = words.iter().map(String::as_bytes).collect();
    if ws.iter().any(|w| w.len() < 3) {
        return None;
    }
    ws.sort_unstable();
    ws.dedup();
    // Per bucket and byte, the low and high nibbles taken, as bits.
    let mut sets = [[[0u16; 2]; 3]; 8];
    let size = |s: &[[u16; 2]; 3]| -> u64 {
        s.iter()
            .map(|[lo, hi]| u64::from(lo.count_ones()) * u64::from(hi.count_ones()))
            .product()
    };
    let mut t = [[0u8; 16]; 6];
    for w in ws {
        let with = |s: &[[u16; 2]; 3]| {
            let mut s = *s;
            for (k, n) in s.iter_mut().enumerate() {
                n[0] |= 1 << (w[k] & 15);
                n[1] |= 1 << (w[k] >> 4);
            }
            s
        };
        let b = (0..8)
            .min_by_key(|&b| size(&with(&sets[b])) - size(&sets[b]))
            .expect("eight buckets");
        sets[b] = with(&sets[b]);
        for k in 0..3 {
            t[2 * k][usize::from(w[k] & 15)] |= 1 << b;
            t[2 * k + 1][usize::from(w[k] >> 4)] |= 1 << b;
        }
    }
    Some(t)
}

/// `nibble_tables` in both halves of AVX2 vectors, for `may_start_avx2`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "avx2")]
#[inline]
fn nibble_vectors(t: &[[u8; 16]; 6]) -> [std::arch::x86_64::__m256i; 6] {
    use std::arch::x86_64::*;
    // SAFETY: each table is sixteen readable bytes; the load is unaligned.
    t.map(|r| _mm256_broadcastsi128_si256(unsafe { _mm_loadu_si128(r.as_ptr().cast()) }))
}

/// Bit `j` set where the three bytes at `base + j` of `bytes` (zero past its end) find a bucket
/// of `nibble_vectors` in all six tables: where a cue may start. Only called where AVX2 was
/// detected.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "avx2")]
#[inline]
fn may_start_avx2(t: &[std::arch::x86_64::__m256i; 6], bytes: &[u8], base: usize) -> u64 {
    match bytes.get(base..base + BLOCK + 2) {
        Some(p) => may_start_at_avx2(t, p),
        // Only the last block or two are copied (and the copy zeroed).
        None => {
            let mut pad = [0u8; BLOCK + 2];
            let rest = bytes.get(base..).unwrap_or_default();
            pad[..rest.len()].copy_from_slice(rest);
            may_start_at_avx2(t, &pad)
        }
    }
}

/// `may_start_avx2` of the first 64 positions of `p` (`BLOCK + 2` bytes).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "avx2")]
#[inline]
fn may_start_at_avx2(t: &[std::arch::x86_64::__m256i; 6], p: &[u8]) -> u64 {
    use std::arch::x86_64::*;
    let low = _mm256_set1_epi8(0x0f);
    let mut m = 0u64;
    for h in 0..2 {
        let mut acc = _mm256_set1_epi8(-1);
        for k in 0..3 {
            let at = &p[32 * h + k..32 * h + k + 32];
            // SAFETY: `at` holds 32 readable bytes; the load is unaligned.
            let x = unsafe { _mm256_loadu_si256(at.as_ptr().cast()) };
            // The byte itself picks its low nibble's entry: a non-ASCII byte (sign bit set)
            // picks 0, and no cue holds one.
            let lo = _mm256_shuffle_epi8(t[2 * k], x);
            let hi =
                _mm256_shuffle_epi8(t[2 * k + 1], _mm256_and_si256(_mm256_srli_epi16(x, 4), low));
            acc = _mm256_and_si256(acc, _mm256_and_si256(lo, hi));
        }
        let none = _mm256_movemask_epi8(_mm256_cmpeq_epi8(acc, _mm256_setzero_si256())) as u32;
        m |= u64::from(!none) << (32 * h);
    }
    m
}

/// Rows of `WordCues::heads`: one for each value of `w & 0x1f1f`.
const HEAD_ROWS: usize = 0x1f20;

/// Five bits each of a word's first two bytes, as a row of `WordCues::heads` (which keeps
/// ASCII letters apart, whatever their case), from the word's first bytes little-endian.
#[inline]
fn head_row(w: u32) -> usize {
    (w & 0x1f1f) as usize
}

/// The first four bytes at `s` little-endian (zero past the end of `bytes`): one load where
/// four remain.
#[inline]
fn head_of4(bytes: &[u8], s: usize) -> u32 {
    match bytes.get(s..s + 4) {
        Some(four) => u32::from_le_bytes(four.try_into().expect("4 bytes")),
        None => {
            let mut buf = [0u8; 4];
            let rest = bytes.get(s..).unwrap_or_default();
            buf[..rest.len()].copy_from_slice(rest);
            u32::from_le_bytes(buf)
        }
    }
}

/// Lengths told apart by `WordCues::slots`; longer cues share the last.
const SLOT_LENS: usize = 16;

struct WordCue {
    len: usize,
    /// The first (up to) eight bytes, little-endian, zero past the word.
    head: u64,
    /// The bytes past the eighth.
    tail: Box<[u8]>,
    id: usize,
}

/// Bytes scanned at once by `WordCues::find`: one bit each in a `u64`.
const BLOCK: usize = 64;

/// Which bytes of `chunk` are ASCII letters or digits, one bit each (bit `j` for byte `j`).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn alnum_bits(chunk: &[u8; BLOCK]) -> u64 {
    // SAFETY: the cfg above guarantees SSE2 is enabled for the whole build.
    unsafe { alnum_bits_sse2(chunk) }
}

/// `alnum_bits` sixteen bytes per step: a quarter of the SWAR version's instructions.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn alnum_bits_sse2(chunk: &[u8; BLOCK]) -> u64 {
    use std::arch::x86_64::*;
    let mut m = 0u64;
    for (k, sixteen) in chunk.chunks_exact(16).enumerate() {
        let v = u128::from_le_bytes(sixteen.try_into().expect("16 bytes"));
        let x = _mm_set_epi64x((v >> 64) as i64, v as i64);
        let (letter, digit) = (crate::simd::letters(x), crate::simd::digits(x));
        let bits = _mm_movemask_epi8(_mm_or_si128(letter, digit)) as u32 as u64;
        m |= bits << (16 * k);
    }
    m
}

/// `alnum_bits` 32 bytes per AVX2 step: half the SSE2 version's operations. Only called where
/// AVX2 was detected at run time (`WordCues::find`).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "avx2")]
#[inline]
fn alnum_bits_avx2(chunk: &[u8; BLOCK]) -> u64 {
    use std::arch::x86_64::*;
    let mut m = 0u64;
    for (k, half) in chunk.chunks_exact(32).enumerate() {
        // SAFETY: `half` is 32 readable bytes; the load is unaligned.
        let x = unsafe { _mm256_loadu_si256(half.as_ptr().cast()) };
        let (letter, digit) = (crate::simd::letters_avx2(x), crate::simd::digits_avx2(x));
        // `black_box`: left to see through the mask, LLVM rebuilt the bits one by one.
        let bits =
            std::hint::black_box(_mm256_movemask_epi8(_mm256_or_si256(letter, digit)) as u32);
        m |= u64::from(bits) << (32 * k);
    }
    m
}

/// `alnum_bits_avx2` when `AVX2`, else `alnum_bits`. Always inlined, so that in
/// `WordCues::find_avx2` the AVX2 version is inlined too.
#[inline(always)]
fn alnum_of<const AVX2: bool>(chunk: &[u8; BLOCK]) -> u64 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if AVX2 {
        // SAFETY: `AVX2` is true only in `WordCues::find_avx2`, called where AVX2 was detected.
        return unsafe { alnum_bits_avx2(chunk) };
    }
    alnum_bits(chunk)
}

/// Portable `alnum_bits`, eight bytes at a time (and the SSE2 version's oracle).
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn alnum_bits_swar(chunk: &[u8; BLOCK]) -> u64 {
    let mut m = 0u64;
    for (k, eight) in chunk.chunks_exact(8).enumerate() {
        let eight = u64::from_le_bytes(eight.try_into().expect("8 bytes"));
        m |= alnum_bytes(eight) << (8 * k);
    }
    m
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn alnum_bits(chunk: &[u8; BLOCK]) -> u64 {
    alnum_bits_swar(chunk)
}

/// Eight bytes at once (SWAR): bit `k` set when byte `k` is an ASCII letter or digit.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn alnum_bytes(x: u64) -> u64 {
    const fn each(b: u8) -> u64 {
        b as u64 * 0x0101_0101_0101_0101
    }
    const HIGH: u64 = each(0x80);
    // Seven low bits of each byte: the sums below stay inside their byte (at most 0x7F + 0x50).
    let v = x & !HIGH;
    let folded = v | each(0x20);
    // High bit set where a byte is >= lo: byte + (0x80 - lo).
    let letter = (folded + each(0x80 - b'a')) & !(folded + each(0x80 - b'z' - 1));
    let digit = (v + each(0x80 - b'0')) & !(v + each(0x80 - b'9' - 1));
    // Non-ASCII bytes (high bit set in `x`) are neither.
    let high = (letter | digit) & !x & HIGH;
    // Gather the eight high bits into the low byte.
    (high >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// The first (up to) eight bytes of `word`, little-endian, zero past its end.
fn head_of(word: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    let n = word.len().min(8);
    buf[..n].copy_from_slice(&word[..n]);
    u64::from_le_bytes(buf)
}

impl WordCues {
    fn new(words: &[String]) -> Option<WordCues> {
        if words.len() >= usize::from(u16::MAX)
            || words
                .iter()
                .any(|w| w.is_empty() || !w.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return None;
        }
        let slot = |w: &[u8]| usize::from(w[0]) * SLOT_LENS + w.len().min(SLOT_LENS - 1);
        let mut order: Vec<usize> = (0..words.len()).collect();
        // Stable: pattern order within a slot, so the first equal cue has the lowest id.
        order.sort_by_key(|&id| slot(words[id].as_bytes()));
        let mut lens = Box::new([0u64; 256]);
        let mut slots = vec![(0u16, 0u16); 256 * SLOT_LENS].into_boxed_slice();
        let mut cues = Vec::with_capacity(words.len());
        for id in order {
            let w = words[id].as_bytes();
            lens[usize::from(w[0])] |= 1 << w.len().min(63);
            let at = u16::try_from(cues.len()).ok()?;
            let range = &mut slots[slot(w)];
            if range.0 == range.1 {
                *range = (at, at);
            }
            range.1 = at + 1;
            cues.push(WordCue {
                len: w.len(),
                head: head_of(w),
                tail: w.get(8..).unwrap_or_default().into(),
                id,
            });
        }
        let min_len = words.iter().map(String::len).min()?;
        // On the heap from the start (32 KB), zeroed by the allocator.
        let mut heads: Box<[u32; HEAD_ROWS]> =
            vec![0u32; HEAD_ROWS].into_boxed_slice().try_into().ok()?;
        if min_len < 3 {
            heads.fill(u32::MAX);
        }
        for w in words.iter().map(String::as_bytes).filter(|w| w.len() >= 3) {
            let head = u32::from_le_bytes([w[0], w[1], w[2], 0]);
            heads[head_row(head)] |= 1 << (w[2] & 31);
        }
        Some(WordCues {
            lens,
            slots,
            cues,
            min_len,
            heads,
            nibbles: nibble_tables(words),
        })
    }

    /// Letter-or-digit bits of the block at `base` (zero past the end of `bytes`).
    #[inline(always)]
    fn bits_at<const AVX2: bool>(bytes: &[u8], base: usize) -> u64 {
        match bytes.get(base..base + BLOCK) {
            Some(chunk) => alnum_of::<AVX2>(chunk.try_into().expect("BLOCK bytes")),
            None if base >= bytes.len() => 0,
            None => {
                let mut pad = [0u8; BLOCK];
                pad[..bytes.len() - base].copy_from_slice(&bytes[base..]);
                alnum_of::<AVX2>(&pad)
            }
        }
    }

    /// Each maximal run of ASCII letters and digits in `bytes` that is a cue, as (start, end,
    /// pattern id), in order. With duplicate cues the lowest id, as aho-corasick reports.
    fn find(&self, bytes: &[u8], found: impl FnMut(usize, usize, usize)) {
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 was detected just now.
            return unsafe { self.find_avx2(bytes, found) };
        }
        self.find_with::<false>(bytes, found);
    }

    /// `find` compiled for AVX2, whose `alnum_bits_avx2` it inlines.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[target_feature(enable = "avx2")]
    fn find_avx2(&self, bytes: &[u8], found: impl FnMut(usize, usize, usize)) {
        self.find_with::<true>(bytes, found);
    }

    /// `find` with `alnum_bits_avx2` when `AVX2` (only from `find_avx2`), else `alnum_bits`.
    #[inline(always)]
    fn find_with<const AVX2: bool>(
        &self,
        bytes: &[u8],
        mut found: impl FnMut(usize, usize, usize),
    ) {
        let n = bytes.len();
        let mut base = 0;
        // Whether the byte before `base` is a letter or digit: a run going on is no start.
        let mut carry = 0u64;
        let mut bits = Self::bits_at::<AVX2>(bytes, 0);
        // SAFETY (both): `AVX2` is true only in `find_avx2`, called where AVX2 was detected.
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        let nibbles = match &self.nibbles {
            Some(t) if AVX2 => Some(unsafe { nibble_vectors(t) }),
            _ => None,
        };
        while base < n {
            // The next block too, so that runs crossing into it are measured with bits.
            let next = Self::bits_at::<AVX2>(bytes, base + BLOCK);
            let mut starts = bits & !((bits << 1) | carry);
            // Only runs as long as the shortest cue (the first eight bytes suffice). The
            // first two shifts written out: a loop over all of them was compiled to ~25
            // vector instructions per block, for the usual two shifts.
            let need = self.min_len.min(8);
            if need > 1 {
                starts &= (bits >> 1) | (next << (BLOCK - 1));
            }
            if need > 2 {
                starts &= (bits >> 2) | (next << (BLOCK - 2));
            }
            for k in 3..need {
                starts &= (bits >> k) | (next << (BLOCK - k));
            }
            // Most runs start no cue: their first three bytes say so for 32 at a time.
            #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
            if let Some(t) = &nibbles
                && starts != 0
            {
                starts &= unsafe { may_start_avx2(t, bytes, base) };
            }
            // The last byte of each run.
            let lasts = bits & !((bits >> 1) | (next << (BLOCK - 1)));
            while starts != 0 {
                let j = starts.trailing_zeros() as usize;
                starts &= starts - 1;
                let s = base + j;
                // A run that starts here has at least `min_len` bytes: when that is 3 or more
                // the second and third are in `bytes`; otherwise every head bit is set.
                let four = head_of4(bytes, s);
                if self.heads[head_row(four)] >> (four >> 16 & 31) & 1 == 0 {
                    continue;
                }
                self.at_head(bytes, base, j, four as u8, lasts, next, &mut found);
            }
            carry = bits >> (BLOCK - 1);
            bits = next;
            base += BLOCK;
        }
    }

    /// The rest of `find` for a run that starts at `base + j` with the first byte `first` and
    /// passed the head test. Out of line: the few runs that get here would otherwise cost the
    /// head loop (every run of `min_len` bytes) its registers.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn at_head(
        &self,
        bytes: &[u8],
        base: usize,
        j: usize,
        first: u8,
        lasts: u64,
        next: u64,
        found: &mut impl FnMut(usize, usize, usize),
    ) {
        let s = base + j;
        let lens = self.lens[usize::from(first)];
        if lens == 0 {
            return;
        }
        let later = lasts >> j;
        let e = if later != 0 {
            s + later.trailing_zeros() as usize + 1
        } else if next != u64::MAX {
            base + BLOCK + next.trailing_ones() as usize
        } else {
            // The run goes on past the next block.
            let mut e = base + 2 * BLOCK;
            while bytes.get(e).is_some_and(u8::is_ascii_alphanumeric) {
                e += 1;
            }
            e
        };
        let len = e - s;
        if lens >> len.min(63) & 1 == 0 {
            return;
        }
        let word = &bytes[s..e];
        // One unaligned load where eight bytes remain, masked to the word.
        let head = match bytes.get(s..s + 8) {
            Some(eight) if len < 8 => {
                u64::from_le_bytes(eight.try_into().expect("8 bytes")) & ((1u64 << (8 * len)) - 1)
            }
            Some(eight) => u64::from_le_bytes(eight.try_into().expect("8 bytes")),
            None => head_of(word),
        };
        let (from, to) = self.slots[usize::from(first) * SLOT_LENS + len.min(SLOT_LENS - 1)];
        if let Some(cue) = self.cues[usize::from(from)..usize::from(to)]
            .iter()
            .find(|c| {
                c.head == head && c.len == len && *c.tail == *word.get(8..).unwrap_or_default()
            })
        {
            found(s, e, cue.id);
        }
    }
}

impl AttributionFinder {
    pub fn new(lex: &AttributionLexicon) -> Result<AttributionFinder, PatternError> {
        Self::build(lex, true)
    }

    /// `word_scan`: whether cue lists made of ASCII words are looked up by word (tests compare
    /// it with the automaton).
    fn build(lex: &AttributionLexicon, word_scan: bool) -> Result<AttributionFinder, PatternError> {
        let mut words: Vec<String> = lex.verbs.clone();
        let possessive_from = words.len();
        words.extend(lex.possessive_nouns.iter().cloned());
        let embedded = lex.patterns.len() == EMBEDDED_PATTERNS.len()
            && lex
                .patterns
                .iter()
                .zip(EMBEDDED_PATTERNS)
                .all(|(p, e)| p.get_ref() == e);
        // The phrases' words ride along in the word scan, with ids past the cues.
        let mut roles: Vec<u8> = vec![ROLE_CUE; words.len()];
        let mut scan_words = words.clone();
        for (w, role) in PHRASE_WORDS
            .into_iter()
            .chain(COLON_VERBS.map(|v| (v, ROLE_COLON)))
        {
            scan_words.push(w.to_string());
            roles.push(role);
        }
        // The scan reports the lowest id of equal words: that id carries all their roles.
        let mut by_word: rustc_hash::FxHashMap<&str, u8> = Default::default();
        for (w, &role) in scan_words.iter().zip(&roles) {
            *by_word.entry(w.as_str()).or_default() |= role;
        }
        let roles: Box<[u8]> = scan_words.iter().map(|w| by_word[w.as_str()]).collect();
        let mut phrase_roles = None;
        let cues = if words.is_empty() {
            None
        } else if let Some(w) = (embedded && word_scan)
            .then(|| WordCues::new(&scan_words))
            .flatten()
        {
            phrase_roles = Some(roles);
            Some(Cues::Words(w))
        } else if let Some(w) = word_scan.then(|| WordCues::new(&words)).flatten() {
            Some(Cues::Words(w))
        } else {
            Some(Cues::Automaton(
                AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(&words)
                    .map_err(|e| PatternError {
                        span: 0..0,
                        message: e.to_string(),
                    })?,
            ))
        };
        // The embedded phrases are known to compile; when the scan reads them, their regex
        // is not needed (compiling it is start-up time).
        let free = if phrase_roles.is_some() {
            None
        } else {
            compile_alternation(&lex.patterns)?
        };
        let free_needs = (embedded && word_scan).then(|| FreeNeeds {
            according: memchr::memmem::Finder::new("ccording to"),
            words_of: memchr::memmem::Finder::new("n the words of"),
            roles: phrase_roles,
        });
        Ok(AttributionFinder {
            free,
            free_needs,
            cues,
            possessive_from,
            adverbs: lex.adverbs.iter().cloned().collect(),
            adverb_heads: HeadLens::new(lex.adverbs.iter().map(String::as_bytes)),
            noun_heads: HeadLens::new(lex.source_nouns.iter().map(String::as_bytes)),
            source_nouns: lex
                .source_nouns
                .iter()
                .map(|n| n.as_bytes().into())
                .collect(),
        })
    }

    /// Attributions in a run of sentences (sorted, non-overlapping), with the index of the
    /// sentence each is in.
    pub fn find_in(&self, text: &str, sentences: &[Range<usize>]) -> Vec<(usize, Attribution)> {
        let (Some(first), Some(last)) = (sentences.first(), sentences.last()) else {
            return Vec::new();
        };
        let run = first.start..last.end;
        let sentence_of = |at: usize| {
            let k = sentences.partition_point(|s| s.end <= at);
            (k < sentences.len() && sentences[k].start <= at).then_some(k)
        };
        let body = &text[run.clone()];
        let roles = self.free_needs.as_ref().and_then(|n| n.roles.as_deref());
        // Phrase attributions (when the scan finds them) and cue attributions apart: the
        // cues' go after the phrases' (as when the phrases were searched first), for the
        // stable sort below.
        let mut phrases = Vec::new();
        let mut cued = Vec::new();
        let mut on_cue = |start: usize, end: usize, pattern: usize| {
            let role = roles.map_or(ROLE_CUE, |r| r[pattern]);
            if role & !ROLE_CUE != 0
                && let Some((ms, me)) = phrase_at(body.as_bytes(), start, end, role)
            {
                let at = run.start + ms;
                if let Some(k) = sentence_of(at)
                    && run.start + me <= sentences[k].end
                {
                    phrases.push((
                        k,
                        Attribution {
                            range: at..run.start + me,
                        },
                    ));
                }
            }
            if role & ROLE_CUE == 0 {
                return;
            }
            let (start, end) = (run.start + start, run.start + end);
            if !whole_word(text, start, end) {
                return;
            }
            let Some(k) = sentence_of(start) else {
                return;
            };
            let sentence = sentences[k].clone();
            let name = if pattern < self.possessive_from {
                self.name_before_verb(text, sentence.start, start)
            } else {
                possessive_name_before(text, sentence.start, start)
            };
            if let Some(name_start) = name {
                cued.push((
                    k,
                    Attribution {
                        range: name_start..end,
                    },
                ));
            }
        };
        match &self.cues {
            Some(Cues::Words(w)) => w.find(body.as_bytes(), on_cue),
            Some(Cues::Automaton(ac)) => {
                for cue in ac.find_iter(body) {
                    on_cue(cue.start(), cue.end(), cue.pattern().as_usize());
                }
            }
            None => {}
        }
        let mut out = phrases;
        if let Some(re) = &self.free
            && self
                .free_needs
                .as_ref()
                .is_none_or(|n| n.may_match(body.as_bytes()))
        {
            for m in re.find_iter(body) {
                let at = run.start + m.start();
                if let Some(k) = sentence_of(at)
                    && run.start + m.end() <= sentences[k].end
                {
                    out.push((
                        k,
                        Attribution {
                            range: at..run.start + m.end(),
                        },
                    ));
                }
            }
        }
        out.append(&mut cued);
        out.sort_by_key(|(k, a)| (*k, a.range.start));
        out
    }

    /// Attributions inside one sentence.
    pub fn find(&self, text: &str, range: Range<usize>) -> Vec<Attribution> {
        self.find_in(text, std::slice::from_ref(&range))
            .into_iter()
            .map(|(_, a)| a)
            .collect()
    }

    /// Where the source named before a verb starts: capitalised words ("Robert Conquest
    /// suggests"), or a source noun ("the commission concluded"), past adverbs and a comma.
    fn name_before_verb(&self, text: &str, floor: usize, verb: usize) -> Option<usize> {
        // Words are read back lazily: most cues stop at the first word ("he said").
        let mut words = WordsBefore::new(text, floor, verb);
        let (s, e) = loop {
            let (s, e) = words.next()?;
            let w = &text[s..e];
            if !(self
                .adverb_heads
                .may_hold(w.as_bytes().first().copied(), w.len())
                && self.adverbs.contains(w))
            {
                break (s, e);
            }
        };
        let word = &text[s..e];
        if self.is_source_noun(word) {
            return Some(s);
        }
        if !starts_upper(word) {
            return None;
        }
        // Extend over the capitalised words of the same name (and de/van/von particles).
        let mut name_start = s;
        let mut count = 1;
        for (ps, pe) in words.take(4) {
            let w = &text[ps..pe];
            if starts_upper(w) || matches!(w, "de" | "van" | "von" | "der") {
                name_start = ps;
                count += 1;
            } else {
                break;
            }
        }
        // At the start of a sentence every word is capitalised: one word alone ("Independent
        // estimates …") is not taken for a name.
        let opening = floor
            + (text[floor..].len()
                - text[floor..]
                    .trim_start_matches(|c: char| !c.is_alphanumeric())
                    .len());
        if count == 1 && name_start == opening {
            return None;
        }
        Some(name_start)
    }

    /// Whether `word`, lower-cased, is a source noun; lower-cased on the stack when ASCII.
    fn is_source_noun(&self, word: &str) -> bool {
        let mut buf = [0u8; 32];
        match buf.get_mut(..word.len()) {
            // A word in the set lower-cased is as long and starts with the lower-cased byte.
            _ if word.is_ascii()
                && !self.noun_heads.may_hold(
                    word.as_bytes().first().map(u8::to_ascii_lowercase),
                    word.len(),
                ) =>
            {
                false
            }
            Some(lower) if word.is_ascii() => {
                lower.copy_from_slice(word.as_bytes());
                lower.make_ascii_lowercase();
                self.source_nouns.contains(&*lower)
            }
            _ => self.source_nouns.contains(word.to_lowercase().as_bytes()),
        }
    }
}

/// The words before `at` within the sentence, nearest first (at most six), as byte ranges,
/// stopping at punctuation other than a comma right before the verb.
struct WordsBefore<'t> {
    text: &'t str,
    floor: usize,
    end: usize,
    taken: usize,
    done: bool,
}

impl<'t> WordsBefore<'t> {
    fn new(text: &'t str, floor: usize, at: usize) -> WordsBefore<'t> {
        WordsBefore {
            text,
            floor,
            end: at,
            taken: 0,
            done: false,
        }
    }
}

impl Iterator for WordsBefore<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        if self.done || self.taken == 6 {
            return None;
        }
        let (text, floor) = (self.text, self.floor);
        let bytes = text.as_bytes();
        let mut e = self.end;
        while e > floor && bytes[e - 1] == b' ' {
            e -= 1;
        }
        // A comma may separate a name from its verb only right before the verb ("Werth, who…"
        // is not handled; "Werth, writing in 1999, estimates" is out of reach on purpose).
        if self.taken == 0 && e > floor && bytes[e - 1] == b',' {
            e -= 1;
        }
        let mut s = e;
        while s > floor {
            // ASCII by table; anything else as the character it ends.
            let b = bytes[s - 1];
            if b < 0x80 {
                if !WORD_BYTE[usize::from(b)] {
                    break;
                }
                s -= 1;
                continue;
            }
            let c = text[..s].chars().next_back().unwrap_or(' ');
            if c.is_alphanumeric() || c == '’' {
                s -= c.len_utf8();
            } else {
                break;
            }
        }
        if s == e {
            self.done = true;
            return None;
        }
        let mut word_end = e;
        while word_end > s && bytes[word_end - 1] == b'.' {
            word_end -= 1;
        }
        self.taken += 1;
        self.end = s;
        if s == floor || bytes[s - 1] != b' ' {
            self.done = true;
        }
        Some((s, word_end))
    }
}

/// ASCII bytes that belong to a word read back by `WordsBefore`: letters, digits, `'`, `-`, `.`.
static WORD_BYTE: [bool; 128] = {
    let mut t = [false; 128];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || matches!(b, b'\'' | b'-' | b'.');
        c += 1;
    }
    t
};

/// "<Name>'s <noun>": the start of the capitalised possessive before `at`.
fn possessive_name_before(text: &str, floor: usize, at: usize) -> Option<usize> {
    let before = text[floor..at].trim_end();
    let stem = before
        .strip_suffix("'s")
        .or_else(|| before.strip_suffix("’s"))?;
    let start = stem
        .rfind(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map_or(0, |i| {
            i + stem[i..].chars().next().map_or(1, |c| c.len_utf8())
        });
    let word = &stem[start..];
    starts_upper(word).then_some(floor + start)
}

fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_uppercase())
}

fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The code the word scan, the phrase reading and the lazy word walk replaced, kept as
    /// their oracle: every phrase found by the lexicon's regex, every cue by aho-corasick,
    /// names read from collected words.
    mod oracle {
        use super::super::*;

        /// The oracle's searchers for a lexicon.
        pub struct Oracle {
            pub cues: AhoCorasick,
            pub free: Option<Regex>,
        }

        pub fn find_in(
            f: &AttributionFinder,
            o: &Oracle,
            text: &str,
            sentences: &[Range<usize>],
        ) -> Vec<(usize, Attribution)> {
            let (Some(first), Some(last)) = (sentences.first(), sentences.last()) else {
                return Vec::new();
            };
            let run = first.start..last.end;
            let sentence_of = |at: usize| {
                let k = sentences.partition_point(|s| s.end <= at);
                (k < sentences.len() && sentences[k].start <= at).then_some(k)
            };
            let mut out = Vec::new();
            let body = &text[run.clone()];
            let cues = &o.cues;
            if let Some(re) = &o.free {
                for m in re.find_iter(body) {
                    let at = run.start + m.start();
                    if let Some(k) = sentence_of(at)
                        && run.start + m.end() <= sentences[k].end
                    {
                        out.push((
                            k,
                            Attribution {
                                range: at..run.start + m.end(),
                            },
                        ));
                    }
                }
            }
            for cue in cues.find_iter(body) {
                let (start, end) = (run.start + cue.start(), run.start + cue.end());
                if !whole_word(text, start, end) {
                    continue;
                }
                let Some(k) = sentence_of(start) else {
                    continue;
                };
                let sentence = sentences[k].clone();
                let name = if cue.pattern().as_usize() < f.possessive_from {
                    name_before_verb(f, text, sentence.start, start)
                } else {
                    possessive_name_before(text, sentence.start, start)
                };
                if let Some(name_start) = name {
                    out.push((
                        k,
                        Attribution {
                            range: name_start..end,
                        },
                    ));
                }
            }
            out.sort_by_key(|(k, a)| (*k, a.range.start));
            out
        }

        fn name_before_verb(
            f: &AttributionFinder,
            text: &str,
            floor: usize,
            verb: usize,
        ) -> Option<usize> {
            let mut words = words_before(text, floor, verb);
            while let Some(&(s, e)) = words.first() {
                if f.adverbs.contains(&text[s..e]) {
                    words.remove(0);
                } else {
                    break;
                }
            }
            let &(s, e) = words.first()?;
            let word = &text[s..e];
            if f.source_nouns.contains(word.to_lowercase().as_bytes()) {
                return Some(s);
            }
            if !starts_upper(word) {
                return None;
            }
            // Extend over the capitalised words of the same name (and de/van/von particles).
            let mut name_start = s;
            let mut count = 1;
            for &(ps, pe) in words.iter().skip(1).take(4) {
                let w = &text[ps..pe];
                if starts_upper(w) || matches!(w, "de" | "van" | "von" | "der") {
                    name_start = ps;
                    count += 1;
                } else {
                    break;
                }
            }
            // At the start of a sentence every word is capitalised: one word alone ("Independent
            // estimates …") is not taken for a name.
            let opening = floor
                + (text[floor..].len()
                    - text[floor..]
                        .trim_start_matches(|c: char| !c.is_alphanumeric())
                        .len());
            if count == 1 && name_start == opening {
                return None;
            }
            Some(name_start)
        }

        /// The words before `at` within the sentence, nearest first (at most six), as byte ranges,
        /// stopping at punctuation other than a comma right before the verb.
        fn words_before(text: &str, floor: usize, at: usize) -> Vec<(usize, usize)> {
            let mut out = Vec::new();
            let mut end = at;
            let bytes = text.as_bytes();
            for _ in 0..6 {
                let mut e = end;
                while e > floor && bytes[e - 1] == b' ' {
                    e -= 1;
                }
                // A comma may separate a name from its verb only right before the verb ("Werth, who…"
                // is not handled; "Werth, writing in 1999, estimates" is out of reach on purpose).
                if out.is_empty() && e > floor && bytes[e - 1] == b',' {
                    e -= 1;
                }
                let mut s = e;
                while s > floor {
                    let c = text[..s].chars().next_back().unwrap_or(' ');
                    if c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '.') {
                        s -= c.len_utf8();
                    } else {
                        break;
                    }
                }
                if s == e {
                    break;
                }
                let word = text[s..e].trim_end_matches('.');
                out.push((s, s + word.len()));
                end = s;
                if end == floor || !text[..end].ends_with(' ') {
                    break;
                }
            }
            out
        }
    }

    use oracle::Oracle;

    /// The finder and the oracle's searchers for a lexicon.
    fn with_oracle(lex: &AttributionLexicon) -> (AttributionFinder, Oracle) {
        let mut words = lex.verbs.clone();
        words.extend(lex.possessive_nouns.iter().cloned());
        let cues = AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&words)
            .unwrap();
        let free = compile_alternation(&lex.patterns).unwrap();
        (AttributionFinder::new(lex).unwrap(), Oracle { cues, free })
    }

    /// Embedded cues plus a cue with a digit and a cue that is also a possessive noun.
    fn extended() -> AttributionLexicon {
        let mut lex = AttributionLexicon::embedded();
        // "words" is also a phrase word, "Q" makes the
        // shortest cue one byte.
        lex.verbs
            .extend(["x2", "figures", "Says", "words", "Q"].map(String::from));
        lex.possessive_nouns.push("estimates".into());
        lex
    }

    /// A cue that is not ASCII letters and digits: the automaton path.
    fn non_ascii() -> AttributionLexicon {
        let mut lex = AttributionLexicon::embedded();
        lex.verbs.extend(["schätzt".into(), "put forward".into()]);
        lex
    }

    const PIECES: &[&str] = &[
        " ",
        " ",
        " ",
        "  ",
        "",
        ",",
        ", ",
        ".",
        ". ",
        ":",
        ";",
        "\n",
        "-",
        "'",
        "’",
        "“",
        "”",
        "(",
        ")",
        "_",
        "é",
        "Béla",
        "Kun",
        "x",
        "X",
        "2",
        "1999",
        "a",
        "the",
        "The",
        "he",
        "Werth",
        "Robert",
        "Conquest",
        "de",
        "van",
        "also",
        "later",
        "himself",
        "commission",
        "Commission",
        "historians",
        "census",
        "said",
        "says",
        "Says",
        "estimates",
        "estimated",
        "estimate",
        "figures",
        "figure",
        "put",
        "puts",
        "inputs",
        "x2",
        "acknowledged",
        "told",
        "'s",
        "’s",
        "Conquest's",
        "Werth’s",
        "According to",
        "according to",
        "accordingly",
        "In the words of",
        "in the words of",
        "wrote:",
        "said that:",
        "noted",
        "schätzt",
        "put forward",
        "Independent",
        "reported",
        "reports",
        "calculations",
        "number",
        "numbers",
        "data",
        "records",
        "recorded",
        "saidx",
        "xsaid",
        "Said",
        "SAID",
        "wrote",
        "concluded",
        "ÉTUDE",
        "ﬁgures",
        "lists",
        "listed",
        "words",
        "Words",
        "according",
        "Q",
        "Q said",
        "announced",
        "proclaimed that:",
        "that",
        " that:",
        "that:",
        " to",
        "to",
        " of",
        "of",
        "in the",
        "In",
        "observed:",
        "2said:",
        "_according to",
        "according to_",
    ];

    /// Sentences from cut points: sorted, non-overlapping, some left out (reference sentences).
    fn sentences_of(text: &str, cuts: &[usize], keep: &[bool]) -> Vec<Range<usize>> {
        let mut bounds: Vec<usize> = cuts
            .iter()
            .map(|&c| {
                let mut c = c % (text.len() + 1);
                while !text.is_char_boundary(c) {
                    c -= 1;
                }
                c
            })
            .collect();
        bounds.push(0);
        bounds.push(text.len());
        bounds.sort_unstable();
        bounds.dedup();
        bounds
            .windows(2)
            .zip(keep.iter().cycle())
            .filter(|(_, k)| **k)
            .map(|(w, _)| w[0]..w[1])
            .collect()
    }

    fn assert_agrees(f: &AttributionFinder, ac: &Oracle, text: &str, sentences: &[Range<usize>]) {
        assert_eq!(
            f.find_in(text, sentences),
            oracle::find_in(f, ac, text, sentences),
            "{text:?} {sentences:?}"
        );
    }

    #[test]
    fn find_in_agrees_with_the_oracle_on_a_table() {
        let texts = [
            "According to Nicolas Werth, 680,000 were shot.",
            "Timothy Snyder estimates that 700,000 died. Later, Werth also estimates 680,000.",
            "The commission concluded: the trials were frame-ups.",
            "Conquest's estimate is far higher; Werth’s figures are lower.",
            "Béla Kun said it was so. Kun saidé nothing. éKun said.",
            "xsaid saidx said_ _said said2 2said inputs",
            "The guards said nothing. Independent estimates run from 25,000 to 50,000.",
            "Robert de Conquest suggests , ,said:  Werth ,  said",
            "He wrote: it. He said that: it. in the words of one survivor, it was hell.",
            "a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a Werth says it",
            "Werth acknowledgedacknowledged acknowledged calculations calculation",
            "ÉTUDE Werth says. Werth Says. WERTH SAID. ...said . Werth. said",
            "He announced that: x. _according to y, according to_ z, according tox, according to",
            "in the words ofx In the words of_ xin the words of, éin the words of. words of",
            "said that that: 2said: _said: said_: proclaimed:said: observed that:: asked :",
            "according to: said that: in the words of said: According to according to",
        ];
        for lex in [AttributionLexicon::embedded(), extended(), non_ascii()] {
            let (f, ac) = with_oracle(&lex);
            for text in texts {
                assert_agrees(&f, &ac, text, std::slice::from_ref(&(0..text.len())));
                for cut in (0..=text.len()).filter(|&c| text.is_char_boundary(c)) {
                    assert_agrees(&f, &ac, text, &[0..cut, cut..text.len()]);
                    assert_agrees(&f, &ac, text, std::slice::from_ref(&(cut..text.len())));
                    assert_agrees(&f, &ac, text, std::slice::from_ref(&(0..cut)));
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2000,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// The word scan, the phrase precheck and the lazy name walk find exactly what the
        /// aho-corasick search and the collected words found.
        #[test]
        fn find_in_agrees_with_the_oracle(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..160),
            cuts in proptest::collection::vec(0usize..10_000, 0..8),
            keep in proptest::collection::vec(proptest::bool::weighted(0.8), 1..8),
            which in 0usize..3,
        ) {
            let lex = [AttributionLexicon::embedded(), extended(), non_ascii()][which].clone();
            let (f, ac) = with_oracle(&lex);
            let text = pieces.concat();
            let sentences = sentences_of(&text, &cuts, &keep);
            proptest::prop_assert_eq!(
                f.find_in(&text, &sentences),
                oracle::find_in(&f, &ac, &text, &sentences)
            );
            // The scan run above (AVX2 where the machine has it) finds what the SSE2 one does.
            if let Some(Cues::Words(w)) = &f.cues {
                let (mut fast, mut sse2) = (Vec::new(), Vec::new());
                w.find(text.as_bytes(), |s, e, id| fast.push((s, e, id)));
                w.find_with::<false>(text.as_bytes(), |s, e, id| sse2.push((s, e, id)));
                proptest::prop_assert_eq!(fast, sse2);
            }
        }
    }

    #[test]
    fn colon_verbs_are_those_of_the_third_embedded_phrase() {
        assert_eq!(
            format!(r"(?-u:\b)(?:{})(?: that)?:", COLON_VERBS.join("|")),
            EMBEDDED_PATTERNS[2]
        );
    }

    /// `phrase_at` on each word of a table, against the regex.
    #[test]
    fn phrase_at_reads_what_the_regex_finds() {
        let (f, o) = with_oracle(&AttributionLexicon::embedded());
        let re = o.free.as_ref().unwrap();
        for text in [
            "according to x",
            "According to",
            "_according to",
            "according to_",
            "according tox",
            "according  to",
            "In the words of x",
            "in the words of",
            "xin the words of",
            "in the words ofx",
            "in the  words of",
            "He said: x",
            "He said that: x",
            "He said that that: x",
            "2said: said_: _said:",
            "announced:proclaimed that:",
            "observed that::",
            "asked :",
        ] {
            let want: Vec<(usize, usize)> =
                re.find_iter(text).map(|m| (m.start(), m.end())).collect();
            let mut got = Vec::new();
            let Some(Cues::Words(w)) = &f.cues else {
                panic!("the embedded cues are read by word")
            };
            let roles = f.free_needs.as_ref().unwrap().roles.as_deref().unwrap();
            w.find(text.as_bytes(), |s, e, id| {
                got.extend(phrase_at(text.as_bytes(), s, e, roles[id]));
            });
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn the_phrase_precheck_is_on_for_the_embedded_phrases() {
        let f = AttributionFinder::new(&AttributionLexicon::embedded()).unwrap();
        assert!(f.free_needs.as_ref().is_some_and(|n| n.roles.is_some()));
        assert!(f.free.is_none());
        assert!(matches!(f.cues, Some(Cues::Words(_))));
        // A cue that is also a phrase word: the word scan reports it once, in both roles.
        let f = AttributionFinder::new(&extended()).unwrap();
        assert!(f.free_needs.as_ref().is_some_and(|n| n.roles.is_some()));
        let text = "In the words of Werth, it was so. Werth words it. Werth said: no.";
        assert_eq!(f.find(text, 0..text.len()).len(), 4);
        // Cues the word scan cannot read: the phrases are searched for.
        let f = AttributionFinder::new(&non_ascii()).unwrap();
        assert!(f.free_needs.as_ref().is_some_and(|n| n.roles.is_none()));
        assert!(f.free.is_some());
        assert_eq!(f.find(text, 0..text.len()).len(), 3);
        let mut lex = AttributionLexicon::embedded();
        lex.patterns.push(toml::Spanned::new(
            0..0,
            "(?-u:\\b)as told to(?-u:\\b)".into(),
        ));
        let f = AttributionFinder::new(&lex).unwrap();
        assert!(f.free_needs.is_none());
        let text = "Werth, as told to Snyder.";
        assert_eq!(f.find(text, 0..text.len()).len(), 1);
        assert!(matches!(
            AttributionFinder::new(&non_ascii()).unwrap().cues,
            Some(Cues::Automaton(_))
        ));
    }

    #[test]
    fn alnum_bytes_agrees_with_std_for_every_byte_in_every_lane() {
        for b in 0..=255u8 {
            for lane in 0..8 {
                for fill in [0u8, b'a', 0x80, 0xFF, b' '] {
                    let mut eight = [fill; 8];
                    eight[lane] = b;
                    let want = eight.iter().enumerate().fold(0u64, |m, (k, c)| {
                        m | (u64::from(c.is_ascii_alphanumeric()) << k)
                    });
                    assert_eq!(alnum_bytes(u64::from_le_bytes(eight)), want, "{eight:?}");
                }
            }
        }
    }

    #[test]
    fn alnum_bits_agrees_with_std_for_every_byte_in_every_lane() {
        let want = |chunk: &[u8; BLOCK]| {
            chunk.iter().enumerate().fold(0u64, |m, (k, c)| {
                m | (u64::from(c.is_ascii_alphanumeric()) << k)
            })
        };
        for b in 0..=255u8 {
            for lane in 0..BLOCK {
                for fill in [0u8, b'a', b'Z', b'5', 0x80, 0xC3, 0xFF, b' ', b'@', b'`'] {
                    let mut chunk = [fill; BLOCK];
                    chunk[lane] = b;
                    assert_eq!(alnum_bits(&chunk), want(&chunk), "{chunk:?}");
                    assert_eq!(alnum_bits_swar(&chunk), want(&chunk), "{chunk:?}");
                    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
                    if std::arch::is_x86_feature_detected!("avx2") {
                        // SAFETY: AVX2 was detected just now.
                        let got = unsafe { alnum_bits_avx2(&chunk) };
                        assert_eq!(got, want(&chunk), "{chunk:?}");
                    }
                }
            }
        }
    }

    /// Cues of at least three bytes, with capitals, digits and shared heads: the nibble
    /// prefilter is on for them.
    const PREFILTERED: &[&str] = &[
        "said",
        "says",
        "Says",
        "put",
        "puts",
        "X2y",
        "a1b2c3d4e5",
        "estimates",
        "estimated",
        "according",
        "According",
        "zzz",
        "ZZZ",
        "qux",
        "acknowledged",
        "000",
        "9to5",
    ];

    /// Every maximal run of ASCII letters and digits that is a cue, with the lowest id: what
    /// `WordCues::find` reports, read a byte at a time.
    fn word_cues_oracle(words: &[&str], text: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < text.len() {
            if !text[i].is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let s = i;
            while i < text.len() && text[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if let Some(id) = words.iter().position(|w| w.as_bytes() == &text[s..i]) {
                out.push((s, i, id));
            }
        }
        out
    }

    /// `find` (AVX2, with the nibble prefilter where the machine has it), the SSE2 scan
    /// (without it) and the byte-at-a-time oracle agree.
    fn assert_word_cues_agree(words: &[&str], text: &[u8]) {
        let owned: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let w = WordCues::new(&owned).unwrap();
        let (mut fast, mut sse2) = (Vec::new(), Vec::new());
        w.find(text, |s, e, id| fast.push((s, e, id)));
        w.find_with::<false>(text, |s, e, id| sse2.push((s, e, id)));
        let want = word_cues_oracle(words, text);
        assert_eq!(fast, want, "{:?}", String::from_utf8_lossy(text));
        assert_eq!(sse2, want, "{:?}", String::from_utf8_lossy(text));
    }

    #[test]
    fn nibble_tables_let_every_cue_through() {
        let words: Vec<String> = PREFILTERED.iter().map(|w| w.to_string()).collect();
        let t = nibble_tables(&words).unwrap();
        for w in &words {
            let w = w.as_bytes();
            let bucket = (0..3).fold(0xFFu8, |m, k| {
                m & t[2 * k][usize::from(w[k] & 15)] & t[2 * k + 1][usize::from(w[k] >> 4)]
            });
            assert_ne!(bucket, 0, "{w:?}");
        }
        // A cue shorter than three bytes: no prefilter.
        assert!(nibble_tables(&["ab".to_string(), "said".to_string()]).is_none());
        assert!(WordCues::new(&words).unwrap().nibbles.is_some());
        let f = AttributionFinder::new(&AttributionLexicon::embedded()).unwrap();
        let Some(Cues::Words(w)) = &f.cues else {
            panic!("the embedded cues are read by word")
        };
        assert!(w.nibbles.is_some());
    }

    #[test]
    fn prefiltered_word_cues_agree_with_the_oracle_on_a_table() {
        let texts = [
            "",
            "said",
            "sai",
            "Said said SAID saidx xsaid said2 _said said_ put pu puts",
            "X2y x2y X2Y X2yz 9to5 9to 000 0000 00 zzz zz ZZZ qux quux",
            "a1b2c3d4e5 a1b2c3d4e a1b2c3d4e5f estimatesestimates estimates",
            "é said ésaid saidé 成 said 成said — According according Accordingly",
        ];
        for text in texts {
            let b = text.as_bytes();
            for n in 0..=b.len() {
                assert_word_cues_agree(PREFILTERED, &b[..n]);
                assert_word_cues_agree(PREFILTERED, &b[n..]);
            }
            // Across block edges: each text at every offset of a 64-byte block and the next.
            for pad in 0..130 {
                let mut t = vec![b' '; pad];
                t.extend_from_slice(b);
                assert_word_cues_agree(PREFILTERED, &t);
                let mut t = vec![b'x'; pad];
                t.push(b' ');
                t.extend_from_slice(b);
                assert_word_cues_agree(PREFILTERED, &t);
            }
        }
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 1000,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// The prefiltered scan finds every cue the oracle does, whatever stands around them
        /// (cues, their prefixes and extensions, other words, non-ASCII characters).
        #[test]
        fn prefiltered_word_cues_agree_with_the_oracle(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(PREFILTERED).prop_map(String::from),
                    proptest::sample::select(PREFILTERED)
                        .prop_flat_map(|w| (proptest::strategy::Just(w), 0..w.len()))
                        .prop_map(|(w, n)| w[..n].to_string()),
                    "[a-zA-Z0-9]{0,12}",
                    proptest::sample::select(vec![" ", "  ", ".", ", ", "é", "成", "_", "\n", "—"])
                        .prop_map(String::from),
                ],
                0..80,
            ),
            seps in proptest::collection::vec(proptest::bool::ANY, 0..80),
        ) {
            let mut text = String::new();
            for (i, p) in pieces.iter().enumerate() {
                text.push_str(p);
                if seps.get(i).copied().unwrap_or(true) {
                    text.push(' ');
                }
            }
            assert_word_cues_agree(PREFILTERED, text.as_bytes());
        }
    }

    #[test]
    fn attribution_table() {
        let f = AttributionFinder::new(&AttributionLexicon::embedded()).unwrap();
        let cases = [
            ("According to Nicolas Werth, 680,000 were shot.", true),
            (
                "Historian Mark Ell claims the best estimate is 1 million.",
                true,
            ),
            ("Timothy Snyder estimates that 700,000 died.", true),
            ("Independent estimates run from 25,000 to 50,000.", false),
            ("Later, Snyder estimates that 700,000 died.", true),
            ("According to the archive, 1,438 guards served.", true),
            ("The commission concluded: the trials were frame-ups.", true),
            ("In the words of one survivor, it was hell.", true),
            ("Conquest's estimate is far higher.", true),
            ("Robert Conquest suggests the figure is higher.", true),
            (
                "The final report, the commission later concluded, was lost.",
                true,
            ),
            ("Later, Werth also estimates 680,000.", true),
            ("Independent estimates run from 25,000 to 50,000.", false),
            ("The guards said nothing.", false),
            ("Béla Kun said it was so.", true),
            ("In 1933, some 400,000 people were expelled.", false),
            ("Of the 767 members, 512 were executed.", false),
            ("Thirteen of the defendants were shot.", false),
        ];
        for (text, want) in cases {
            assert_eq!(!f.find(text, 0..text.len()).is_empty(), want, "{text:?}");
        }
    }
}

//! Figure recogniser: finds numeric expressions in English prose and resolves their value.
//!
//! The working definition of a figure is `eval/LABELING.md`. The scanner jumps between digit
//! runs and number words (word starts found eight bytes at a time, or an Aho-Corasick pass
//! when a user lexicon has anchors of other shapes), parses a small grammar
//! around each anchor by hand and looks a few words back for hedges, identifiers and dates.
//! Every look-around is bounded, so the whole pass is linear in the input.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, MatchKind};
use std::collections::BTreeMap;

// Lexicon lookups run per word of every figure candidate: FxHash, not SipHash. Keys come from
// the lexicons, so hash flooding is not a concern.
use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

/// The lexicon as data (`rules/lexicon/numbers.toml`). Users extend it with their own files.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NumberLexicon {
    #[serde(default)]
    pub percent: Vec<String>,
    #[serde(default)]
    pub lower_bound: Vec<String>,
    #[serde(default)]
    pub upper_bound: Vec<String>,
    #[serde(default)]
    pub approx: Vec<String>,
    #[serde(default)]
    pub exact: Vec<String>,
    #[serde(default)]
    pub lower_bound_after: Vec<String>,
    #[serde(default)]
    pub upper_bound_after: Vec<String>,
    #[serde(default)]
    pub range_connectors: Vec<String>,
    #[serde(default)]
    pub alternative_connectors: Vec<String>,
    #[serde(default)]
    pub change_verbs: Vec<String>,
    #[serde(default)]
    pub identifier_words: Vec<String>,
    #[serde(default)]
    pub months: Vec<String>,
    #[serde(default)]
    pub ordinals: Vec<String>,
    #[serde(default)]
    pub negative: Vec<String>,
    #[serde(default)]
    pub one_units: Vec<String>,
    #[serde(default)]
    pub year_prepositions: Vec<String>,
    #[serde(default)]
    pub count_nouns: Vec<String>,
    #[serde(default)]
    pub comparatives: Vec<String>,
    #[serde(default)]
    pub relative: Vec<String>,
    #[serde(default)]
    pub cardinals: BTreeMap<String, f64>,
    #[serde(default)]
    pub multipliers: BTreeMap<String, f64>,
    #[serde(default)]
    pub vague_multipliers: BTreeMap<String, Vec<f64>>,
    #[serde(default)]
    pub quantifiers: BTreeMap<String, Vec<f64>>,
    #[serde(default)]
    pub fractions: BTreeMap<String, f64>,
    #[serde(default)]
    pub fraction_symbols: BTreeMap<String, f64>,
}

impl NumberLexicon {
    /// The lexicon shipped with factlint.
    pub fn embedded() -> NumberLexicon {
        toml::from_str(include_str!("../../rules/lexicon/numbers.toml"))
            .expect("embedded rules/lexicon/numbers.toml is valid")
    }

    /// Adds the entries of `other` (a user lexicon) to these; table entries override.
    pub fn extend(&mut self, other: NumberLexicon) {
        let NumberLexicon {
            percent,
            lower_bound,
            upper_bound,
            approx,
            exact,
            lower_bound_after,
            upper_bound_after,
            range_connectors,
            alternative_connectors,
            change_verbs,
            identifier_words,
            months,
            ordinals,
            negative,
            one_units,
            year_prepositions,
            count_nouns,
            comparatives,
            relative,
            cardinals,
            multipliers,
            vague_multipliers,
            quantifiers,
            fractions,
            fraction_symbols,
        } = other;
        self.percent.extend(percent);
        self.lower_bound.extend(lower_bound);
        self.upper_bound.extend(upper_bound);
        self.approx.extend(approx);
        self.exact.extend(exact);
        self.lower_bound_after.extend(lower_bound_after);
        self.upper_bound_after.extend(upper_bound_after);
        self.range_connectors.extend(range_connectors);
        self.alternative_connectors.extend(alternative_connectors);
        self.change_verbs.extend(change_verbs);
        self.identifier_words.extend(identifier_words);
        self.months.extend(months);
        self.ordinals.extend(ordinals);
        self.negative.extend(negative);
        self.one_units.extend(one_units);
        self.year_prepositions.extend(year_prepositions);
        self.count_nouns.extend(count_nouns);
        self.comparatives.extend(comparatives);
        self.relative.extend(relative);
        self.cardinals.extend(cardinals);
        self.multipliers.extend(multipliers);
        self.vague_multipliers.extend(vague_multipliers);
        self.quantifiers.extend(quantifiers);
        self.fractions.extend(fractions);
        self.fraction_symbols.extend(fraction_symbols);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NumberKind {
    Count,
    Percent,
    Fraction,
    Range,
    /// "hundreds of thousands", "a few hundred"
    Vague,
    /// "two and a half times as high"
    Relative,
}

/// A figure as recognised. A large file has hundreds of thousands, all kept while rules run:
/// the value span and the optional values take half the room of a `Range<usize>` and of an
/// `Option<f64>` (offsets fit a `u32`, as files stay below 4 GiB).
#[derive(Debug, Clone, PartialEq)]
pub struct NumberMatch {
    /// Whole figure, qualifier included ("at least 724,000", "950,000 to 1.2 million").
    pub span: Range<usize>,
    /// The numeric core without hedge words (see [`NumberMatch::value_span`]).
    value_span: Range<u32>,
    pub low: OptF64,
    pub high: OptF64,
    pub approx: bool,
    /// Place value of the last significant digit as written ("140,000" -> 10000).
    pub unit: f64,
    pub kind: NumberKind,
    /// "13 of 15" -> Some(15).
    pub denominator: OptF64,
}

impl NumberMatch {
    /// The numeric core without hedge words.
    pub fn value_span(&self) -> Range<usize> {
        self.value_span.start as usize..self.value_span.end as usize
    }
}

/// Offsets as a figure keeps them; a library caller with a text beyond 4 GiB would see them
/// saturate rather than wrap.
fn narrow(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// An `Option<f64>` in the room of an `f64` (eight bytes, not sixteen): figures and claims keep
/// their values in it. `None` is one signalling NaN that neither parsing nor arithmetic produces
/// (they give quiet NaNs), so every `Some` value, NaN included, comes back as it went in.
#[derive(Clone, Copy)]
pub struct OptF64(u64);

const NONE_BITS: u64 = 0x7ff0_c1a1_0000_0001;

impl OptF64 {
    pub const NONE: OptF64 = OptF64(NONE_BITS);

    pub fn get(self) -> Option<f64> {
        (self.0 != NONE_BITS).then(|| f64::from_bits(self.0))
    }

    pub fn is_some(self) -> bool {
        self.0 != NONE_BITS
    }

    pub fn is_none(self) -> bool {
        self.0 == NONE_BITS
    }
}

impl From<Option<f64>> for OptF64 {
    fn from(v: Option<f64>) -> OptF64 {
        OptF64(v.map_or(NONE_BITS, f64::to_bits))
    }
}

impl PartialEq for OptF64 {
    fn eq(&self, other: &OptF64) -> bool {
        self.get() == other.get()
    }
}

impl PartialEq<Option<f64>> for OptF64 {
    fn eq(&self, other: &Option<f64>) -> bool {
        self.get() == *other
    }
}

impl std::fmt::Debug for OptF64 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.get(), f)
    }
}

impl serde::Serialize for OptF64 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(serializer)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Hedge {
    Lower,
    Upper,
    Approx,
    Exact,
}

/// What a lexicon word can be; one word may be several things ("dozens").
#[derive(Clone, Copy, Default, Debug)]
struct W {
    card: Option<f64>,
    mult: Option<f64>,
    vague: Option<(f64, f64)>,
    frac: Option<f64>,
}

type Phrase = Vec<String>;

/// Compiled lexicon.
pub struct Recognizer {
    anchors: Anchors,
    words: Words<W>,
    /// Bit `word_key` of the words that read as a multiplier (`Tk::Hundred`, `Tk::Big`,
    /// `Tk::Dozen`): with "and", the only words that continue a digit run. Their first
    /// letters and lengths alone let through many words ("2 members", "3 British").
    mult_keys: [u64; 64],
    /// Bit `word_key` of the words a fraction after "and" starts with (`frac_after_and`):
    /// "a", "an" and the cardinals from one to nineteen.
    frac_keys: [u64; 64],
    hedges_before: BackSet<Hedge>,
    hedges_after: FwdSet<Hedge>,
    percent: FwdSet<()>,
    quantifiers: BackSet<(f64, Option<f64>)>,
    range_conn: FwdSet<()>,
    alt_conn: FwdSet<()>,
    identifiers: BackSet<()>,
    change_verbs: Words<()>,
    months: Words<()>,
    ordinals: Words<()>,
    negative: Words<()>,
    one_units: Words<()>,
    year_preps: Words<()>,
    count_nouns: Words<()>,
    comparatives: Words<()>,
    relative: FwdSet<()>,
    frac_symbols: Vec<(String, f64)>,
    /// No word or phrase of the lexicon has a bracket ("()[]"): what `find_skipping` rests on.
    paren_free: bool,
}

const MAXW: usize = 24;

/// A word read from the text, lower-cased into a stack buffer (no allocation).
#[derive(Clone, Copy)]
struct Wd {
    s: usize,
    e: usize,
    buf: [u8; MAXW],
    n: usize,
}
impl Wd {
    /// The word lower-cased; empty if longer than `MAXW`.
    fn bytes(&self) -> &[u8] {
        &self.buf[..self.n]
    }
    fn is(&self, w: &str) -> bool {
        self.bytes() == w.as_bytes()
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Prev {
    None,
    A,
    Digits,
    Unit,
    Tens,
    Hundred,
    Big,
    Frac,
}

#[derive(Clone, Copy, Debug)]
enum Tk {
    Card(f64),
    Hundred,
    Big(f64),
    Dozen,
    Frac(f64, bool),
    And,
    Hyphen,
    A,
    Point,
    Digits(Dg),
    Other,
}

/// A parsed digit run.
#[derive(Clone, Copy, Debug)]
struct Dg {
    e: usize,
    v: f64,
    unit: f64,
    frac_digits: usize,
    int_digits: usize,
    grouped: bool,
    leading_zero: bool,
    dotted: bool,
    too_long: bool,
}

/// The numeric core of a figure (before ranges, hedges, percent).
#[derive(Clone, Copy, Debug)]
struct Core {
    s: usize,
    e: usize,
    low: f64,
    high: Option<f64>,
    unit: f64,
    kind: NumberKind,
    words: bool,
    plain4: bool,
    short_int: bool,
    bare_one: bool,
    mult: f64,
    base: f64,
    small_word: bool,
    approx: bool,
    capital: bool,
    bad: bool,
}

fn phrases(list: &[String]) -> Vec<Phrase> {
    list.iter()
        .map(|p| {
            p.split_whitespace()
                .map(|w| w.to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .filter(|p: &Phrase| !p.is_empty())
        .collect()
}

fn set(list: &[String]) -> Words<()> {
    let mut set = Words::default();
    for w in list {
        set.entry(w.to_ascii_lowercase().into_bytes());
    }
    set
}

/// Lower-case words of a lexicon list, looked up by their bytes. Most words of a text are in
/// no list: a mask of (first byte, length) pairs turns them away before any hashing.
struct Words<V> {
    map: HashMap<Vec<u8>, V>,
    /// Bit `len_bit(n)` of entry `c`: some key starts with byte `c` (0: the empty key) and
    /// has `n` bytes.
    lens: [u32; 256],
}

impl<V> Default for Words<V> {
    fn default() -> Words<V> {
        Words {
            map: HashMap::default(),
            lens: [0; 256],
        }
    }
}

impl<V> Words<V> {
    fn entry(&mut self, k: Vec<u8>) -> &mut V
    where
        V: Default,
    {
        self.lens[usize::from(k.first().copied().unwrap_or(0))] |= len_bit(k.len());
        self.map.entry(k).or_default()
    }

    fn get(&self, w: &[u8]) -> Option<&V> {
        if !self.may_hold(w.first().copied().unwrap_or(0), w.len()) {
            return None;
        }
        self.map.get(w)
    }

    /// False when no key starts with `first` and has `len` bytes.
    fn may_hold(&self, first: u8, len: usize) -> bool {
        self.lens[usize::from(first)] & len_bit(len) != 0
    }

    fn contains(&self, w: &[u8]) -> bool {
        self.get(w).is_some()
    }
}

/// A word's first and last two letters (any case; `y` 0 for a one-letter word) and length,
/// hashed to 12 bits.
fn word_key(f: u8, y: u8, z: u8, n: usize) -> usize {
    let v = u32::from(f & 31)
        | u32::from(y & 31) << 5
        | u32::from(z & 31) << 10
        | (n.min(31) as u32) << 15;
    (v.wrapping_mul(0x9E37_79B1) >> 20) as usize
}

/// `word_key` of the non-empty word `w`, as `BackSet` keys its words.
#[inline(always)]
fn mult_key(w: &[u8]) -> usize {
    match w {
        [.., y, z] => word_key(w[0], *y, *z, w.len()),
        _ => word_key(w[0], 0, w[0], w.len()),
    }
}

/// The last two letters of a word as a 10-bit key: 5 bits of each (any case), 0 for no
/// letter before the last.
fn tail_key(y: u8, z: u8) -> usize {
    usize::from(y & 31) << 5 | usize::from(z & 31)
}

/// The first ASCII digit in `b[i..lim]`, or `lim`. Digits are one byte in fifty of prose:
/// the scan goes eight bytes at a time.
fn find_digit(b: &[u8], mut i: usize, lim: usize) -> usize {
    while i + 8 <= lim {
        let x = u64::from_le_bytes(b[i..i + 8].try_into().expect("eight bytes"));
        let d = lanes_in(x, b'0', b'9');
        if d != 0 {
            // lanes are little-endian: the lowest set lane is the first digit
            return i + (d.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < lim && !b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

const HI: u64 = 0x8080_8080_8080_8080;
const ONES: u64 = 0x0101_0101_0101_0101;

/// The top bit of each byte of `x` (little-endian lanes) whose value is in `lo..=hi`
/// (ASCII bounds; bytes from 0x80 never are). No carry crosses a lane: each sum stays below
/// 0x100.
fn lanes_in(x: u64, lo: u8, hi: u8) -> u64 {
    let low7 = x & !HI;
    let ge_lo = low7 + ONES * u64::from(0x80 - lo);
    let gt_hi = low7 + ONES * u64::from(0x7f - hi);
    ge_lo & !gt_hi & !x & HI
}

/// The bit for a key of `n` bytes in a `Words` length mask (31 stands for 31 and more).
fn len_bit(n: usize) -> u32 {
    1 << n.min(31)
}

fn phrase_len(p: &Phrase) -> usize {
    p.iter().map(|w| w.len() + 1).sum()
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

/// Whether `c` is an ASCII letter, as `is_ascii_alphabetic`, in one test on the case-folded
/// byte.
#[inline(always)]
fn is_letter(c: u8) -> bool {
    (c | 0x20).wrapping_sub(b'a') < 26
}

/// The start of the run of ASCII letters ending at `e`, not below `floor`.
// The words before figures are read back letter by letter many times a figure: a slice
// read without bounds checks, one test a letter.
#[inline(always)]
fn letters_back(b: &[u8], e: usize, floor: usize) -> usize {
    let floor = floor.min(e);
    e - b[floor..e]
        .iter()
        .rev()
        .take_while(|&&c| is_letter(c))
        .count()
}

/// `letters_back`, stopping also at a camel-case seam (a lower-case letter before an
/// upper-case one already read): "professionalsPages 250" ends in the word "Pages".
#[inline(always)]
fn word_back(b: &[u8], e: usize, floor: usize) -> usize {
    let mut s = e;
    // whether the letter at `s` (the last one read) is upper-case
    let mut upper_after = false;
    for &c in b[floor.min(e)..e].iter().rev() {
        let lower = c.wrapping_sub(b'a') < 26;
        let upper = c.wrapping_sub(b'A') < 26;
        if !(lower || upper) || (upper_after && lower) {
            break;
        }
        upper_after = upper;
        s -= 1;
    }
    s
}

/// The character ending at `p`; None at 0 or off a char boundary.
// An ASCII byte before `p` (most are) is the character itself: no UTF-8 decoding.
#[inline(always)]
fn char_before(text: &str, p: usize) -> Option<char> {
    let b = text.as_bytes();
    if p > 0 && p <= b.len() && b[p - 1] < 0x80 && text.is_char_boundary(p) {
        return Some(char::from(b[p - 1]));
    }
    text.get(..p).and_then(|s| s.chars().next_back())
}

/// The character starting at `p`; None at the end or off a char boundary.
#[inline(always)]
fn char_at(text: &str, p: usize) -> Option<char> {
    let b = text.as_bytes();
    if p < b.len() && b[p] < 0x80 {
        return Some(char::from(b[p]));
    }
    text.get(p..).and_then(|s| s.chars().next())
}

fn alpha_before(text: &str, p: usize) -> bool {
    char_before(text, p).is_some_and(|c| c.is_alphabetic())
}

fn alnum_before(text: &str, p: usize) -> bool {
    char_before(text, p).is_some_and(|c| c.is_alphanumeric())
}

fn alpha_at(text: &str, p: usize) -> bool {
    char_at(text, p).is_some_and(|c| c.is_alphabetic())
}

/// `c.to_ascii_lowercase()` read from a table: one load where the test takes several
/// steps, for the bytes after and before a figure that lists are keyed by.
#[inline(always)]
fn lower(c: u8) -> u8 {
    static LOWER: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut c = 0;
        while c < 256 {
            t[c] = (c as u8).to_ascii_lowercase();
            c += 1;
        }
        t
    };
    LOWER[usize::from(c)]
}

/// Whether `c` is printable ASCII (after the space, up to 0x7F), in one test.
#[inline(always)]
fn printable(c: u8) -> bool {
    c.wrapping_sub(b'!') < 0x5F
}

/// Skips spaces (ASCII, no-break, thin, narrow no-break) and at most one line break.
// Inlined (as `skip_sp_back`): called a dozen times per figure, mostly to step over one
// space or none, where the call cost as much as the skipping.
#[inline(always)]
fn skip_sp(b: &[u8], mut p: usize, lim: usize) -> usize {
    // Most calls skip nothing or one plain space before a printable ASCII byte: those are
    // told without entering the loop.
    let end = lim.min(b.len());
    if p < end {
        let c = b[p];
        if printable(c) {
            return p;
        }
        if c == b' ' && p + 1 < end && printable(b[p + 1]) {
            return p + 1;
        }
    }
    let mut nl = false;
    while p < lim {
        // the common cases first: one plain space, then a printable ASCII byte
        let c = b[p];
        if c == b' ' {
            p += 1;
            continue;
        }
        if c > b' ' && c < 0x80 {
            break;
        }
        match c {
            b' ' | b'\t' | b'\r' => p += 1,
            b'\n' if !nl => {
                nl = true;
                p += 1
            }
            0xC2 if p + 1 < lim && b[p + 1] == 0xA0 => p += 2,
            0xE2 if p + 2 < lim && b[p + 1] == 0x80 && (b[p + 2] == 0xAF || b[p + 2] == 0x89) => {
                p += 3
            }
            _ => break,
        }
    }
    p
}

#[inline(always)]
fn skip_sp_back(b: &[u8], mut p: usize, lo: usize) -> usize {
    // as in `skip_sp`: nothing or one plain space to skip, told without the loop
    if p > lo && p <= b.len() {
        let c = b[p - 1];
        if printable(c) {
            return p;
        }
        if c == b' ' && p - 1 > lo && printable(b[p - 2]) {
            return p - 1;
        }
    }
    let mut nl = false;
    while p > lo {
        let c = b[p - 1];
        if c == b' ' {
            p -= 1;
            continue;
        }
        if c > b' ' && c < 0x80 {
            break;
        }
        match c {
            b' ' | b'\t' | b'\r' => p -= 1,
            b'\n' if !nl => {
                nl = true;
                p -= 1
            }
            0xA0 if p >= lo + 2 && b[p - 2] == 0xC2 => p -= 2,
            0xAF | 0x89 if p >= lo + 3 && b[p - 3] == 0xE2 && b[p - 2] == 0x80 => p -= 3,
            _ => break,
        }
    }
    p
}

/// Reads an ASCII word starting at `p`; None if it runs into digits or non-ASCII letters.
// Inlined: the word is built in the caller's frame instead of copied out of this one.
#[inline(always)]
fn read_word(text: &str, p: usize, lim: usize) -> Option<Wd> {
    let b = text.as_bytes();
    if p >= lim || !b[p].is_ascii_alphabetic() {
        return None;
    }
    let e = p + b[p..].iter().take_while(|&&c| is_letter(c)).count();
    if e > lim || (e < b.len() && (b[e].is_ascii_digit() || (b[e] >= 0x80 && alpha_at(text, e)))) {
        return None;
    }
    let mut w = Wd {
        s: p,
        e,
        buf: [0; MAXW],
        n: 0,
    };
    if e - p <= MAXW {
        // all letters: setting the case bit lower-cases each
        for (d, &c) in w.buf.iter_mut().zip(&b[p..e]) {
            *d = c | 0x20;
        }
        w.n = e - p;
    }
    Some(w)
}

/// The word ending just before `p` (spaces skipped), if it is a plain ASCII word.
#[inline(always)]
fn prev_word(text: &str, p: usize, lo: usize) -> Option<Wd> {
    prev_word_where(text, p, lo, |_| true)
}

/// `prev_word`, if the word's first byte passes `first`: a word turned away by its first
/// letter (most callers want a capital) is not read into a `Wd`.
#[inline(always)]
fn prev_word_where(text: &str, p: usize, lo: usize, first: impl Fn(u8) -> bool) -> Option<Wd> {
    let b = text.as_bytes();
    let e = skip_sp_back(b, p, lo);
    // at most `MAXW + 1` letters (a longer word is no plain word here)
    let s = letters_back(b, e, lo.max(e.saturating_sub(MAXW + 1)));
    if s == e
        || !first(b[s])
        || (s > 0 && (b[s - 1].is_ascii_alphanumeric() || alpha_before(text, s)))
    {
        return None;
    }
    read_word(text, s, e)
}

/// Matches `phrase` ending just before `p` (spaces allowed); returns its start.
fn match_back(text: &str, p: usize, lo: usize, phrase: &Phrase) -> Option<usize> {
    let b = text.as_bytes();
    let mut q = p;
    for (i, tok) in phrase.iter().rev().enumerate() {
        let before = q;
        q = skip_sp_back(b, q, lo);
        let t = tok.as_bytes();
        if i > 0 && q == before && t.last().is_some_and(|c| is_word_byte(*c)) {
            return None;
        }
        if q < lo + t.len() {
            return None;
        }
        let s = q - t.len();
        if !b[s..q].eq_ignore_ascii_case(t) {
            return None;
        }
        if is_word_byte(t[0])
            && alnum_before(text, s)
            && !(b[s].is_ascii_uppercase() && b[s - 1].is_ascii_lowercase())
        {
            return None;
        }
        q = s;
    }
    Some(q)
}

/// Matches `phrase` starting at `p` (after spaces); returns its end.
fn match_fwd(text: &str, p: usize, lim: usize, phrase: &Phrase) -> Option<usize> {
    let b = text.as_bytes();
    let mut q = p;
    for tok in phrase {
        q = skip_sp(b, q, lim);
        let t = tok.as_bytes();
        if q + t.len() > lim || !b[q..q + t.len()].eq_ignore_ascii_case(t) {
            return None;
        }
        q += t.len();
        if t.last().is_some_and(|c| c.is_ascii_alphabetic())
            && (q < b.len() && (b[q].is_ascii_alphanumeric() || alpha_at(text, q)))
        {
            return None;
        }
    }
    Some(q)
}

/// Phrases matched forward from one place (`match_fwd`), tried in order. Lists are tried at
/// every figure and most of their phrases fail on the first two bytes they compare: those are
/// checked first, and a byte that starts no phrase skips the list at once.
struct FwdSet<T> {
    items: Vec<(Phrase, T)>,
    /// Per item: the lower-cased first two bytes of its first word, and how many of them
    /// `match_fwd` compares (0 for an empty first word: it passes every text).
    keys: Vec<([u8; 2], usize)>,
    /// Bit `c` set: some item may match where the first compared byte lower-cases to `c`.
    first: [u64; 4],
}

impl<T> FwdSet<T> {
    fn new(items: Vec<(Phrase, T)>) -> FwdSet<T> {
        let mut first = [0u64; 4];
        let keys = items
            .iter()
            .map(|(p, _)| {
                let t = p.first().map_or(&[][..], |w| w.as_bytes());
                let n = t.len().min(2);
                let mut k = [0u8; 2];
                for (d, c) in k.iter_mut().zip(t) {
                    *d = c.to_ascii_lowercase();
                }
                if n == 0 {
                    first = [u64::MAX; 4];
                } else {
                    first[usize::from(k[0] >> 6)] |= 1 << (k[0] & 63);
                }
                (k, n)
            })
            .collect();
        FwdSet { items, keys, first }
    }

    /// False when no item can match where the first compared byte lower-cases to `c0` (0
    /// for none: past `lim`).
    #[inline(always)]
    fn may_start(&self, c0: u8) -> bool {
        self.first[usize::from(c0 >> 6)] & (1 << (c0 & 63)) != 0
    }

    /// The items that may match at `p` (after spaces), in order: every other item's
    /// `match_fwd` at `p` fails on the first or second byte it compares.
    #[inline(always)]
    fn candidates<'a>(
        &'a self,
        b: &[u8],
        p: usize,
        lim: usize,
    ) -> impl Iterator<Item = &'a (Phrase, T)> + 'a {
        self.candidates_at(b, skip_sp(b, p, lim), lim)
    }

    /// `candidates(b, p, lim)` where `q` is `skip_sp(b, p, lim)`: for a caller trying
    /// several lists at one place.
    #[inline(always)]
    fn candidates_at<'a>(
        &'a self,
        b: &[u8],
        q: usize,
        lim: usize,
    ) -> impl Iterator<Item = &'a (Phrase, T)> + 'a {
        // past `lim` a phrase cannot match: any byte will do
        let c0 = if q < lim { lower(b[q]) } else { 0 };
        // the second byte only matters when some item starts with the first (few do)
        let (n, c1) = if self.may_start(c0) {
            let c1 = if q + 1 < lim { lower(b[q + 1]) } else { 0 };
            (self.items.len(), c1)
        } else {
            (0, 0)
        };
        self.items[..n]
            .iter()
            .zip(&self.keys[..n])
            .filter(move |(_, (k, m))| (*m < 1 || k[0] == c0) && (*m < 2 || k[1] == c1))
            .map(|(it, _)| it)
    }
}

/// Where figures made of words can start: number words, negatives, point quantifiers,
/// vulgar fraction characters. `Recognizer::find` looks for the next one ahead of its scan.
struct Anchors {
    /// Lower-cased ASCII words.
    words: Words<()>,
    /// Bit `tri_key` of every word: about one word of a text in twenty starts like an
    /// anchor, so most are passed over after three bytes. In 32-bit words, so that a key's
    /// first two letters are the word's index and its third the bit (`tri_has`).
    tri: [u32; 1 << 10],
    /// Bit `tri_len_key` of every word: most runs of letters that pass `tri` ("for",
    /// "thr…") have no anchor of their length, and are turned away before any hashing.
    tri_len: [u64; 1 << 10],
    /// Single non-ASCII characters.
    symbols: Vec<String>,
    /// `HI` when there are symbols (their lanes are candidates too), else 0.
    symbol_lanes: u64,
    /// Set only when some anchor is neither kind: then an automaton finds them.
    ac: Option<AhoCorasick>,
    /// The first two letters of the words, for the AVX2 scan.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    pairs: Pairs,
    /// Whether `next_or_digit` may take the AVX2 scan (detected once, here).
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    avx2: bool,
}

/// Which first two letters a word anchor may have, as bucket bits by letter (its low five
/// bits): a run of letters may be an anchor only if some bucket holds both its first letter
/// (`first`) and its second (`second`; entry 0 stands for none, a one-letter run). Two in
/// three word starts of prose fail this ("and", "in", "was", "which"), tested 32 at a time
/// with two table look-ups each (`Anchors::next_or_digit_avx2`).
///
/// Each first letter has a bucket of its own when there are at most eight; beyond that the
/// groups whose merging admits the fewest new pairs share one.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[cfg_attr(
    not(all(target_arch = "x86_64", target_feature = "sse2")),
    allow(dead_code)
)]
struct Pairs {
    first: [u8; 32],
    second: [u8; 32],
    /// `first[..16]`, `first[16..]`, `second[..16]`, `second[16..]`, each twice: the
    /// vectors `vpshufb` looks up in (within each 128-bit lane), loaded as they are.
    tables: [[u8; 32]; 4],
}

#[cfg_attr(
    not(all(target_arch = "x86_64", target_feature = "sse2")),
    allow(dead_code)
)]
impl Pairs {
    fn new<'a>(words: impl Iterator<Item = &'a [u8]>) -> Pairs {
        // per first letter, its second letters (bit 0: none)
        let mut follow = [0u32; 32];
        for w in words {
            if let Some(&c) = w.first() {
                follow[usize::from(c & 31)] |= w.get(1).map_or(1, |d| 1 << (d & 31));
            }
        }
        // (first letters, second letters) of each bucket
        let mut groups: Vec<(u32, u32)> = (0..32)
            .filter(|&c| follow[c] != 0)
            .map(|c| (1 << c, follow[c]))
            .collect();
        while groups.len() > 8 {
            let added = |a: (u32, u32), b: (u32, u32)| {
                a.0.count_ones() * (b.1 & !a.1).count_ones()
                    + b.0.count_ones() * (a.1 & !b.1).count_ones()
            };
            let mut best = (0, 1, u32::MAX);
            for i in 0..groups.len() {
                for j in i + 1..groups.len() {
                    let c = added(groups[i], groups[j]);
                    if c < best.2 {
                        best = (i, j, c);
                    }
                }
            }
            let (i, j, _) = best;
            // `j > i`: the group moved into `j`'s place is not `i`
            let g = groups.swap_remove(j);
            groups[i] = (groups[i].0 | g.0, groups[i].1 | g.1);
        }
        let mut p = Pairs::default();
        for (k, &(f, s)) in groups.iter().enumerate() {
            for c in 0..32 {
                p.first[c] |= u8::from(f >> c & 1 != 0) << k;
                p.second[c] |= u8::from(s >> c & 1 != 0) << k;
            }
        }
        for (t, half) in p.tables.iter_mut().zip([
            &p.first[..16],
            &p.first[16..],
            &p.second[..16],
            &p.second[16..],
        ]) {
            t[..16].copy_from_slice(half);
            t[16..].copy_from_slice(half);
        }
        p
    }

    /// Whether a run of letters starting with `c0`, then `c1` (if any) passes the test.
    #[cfg(test)]
    fn admits(&self, c0: u8, c1: Option<u8>) -> bool {
        let s = c1.map_or(self.second[0], |c| self.second[usize::from(c & 31)]);
        self.first[usize::from(c0 & 31)] & s != 0
    }
}

/// The last thirty-two bytes `Anchors::next_or_digit_avx2` classified, `text[i..end]` of a
/// range ending at `lim` (none while `end` is 0): its letters, digits, candidates (before
/// the cut at the first digit), non-ASCII leads and `tri_key` letters, as the scan had them.
#[derive(Clone, Copy, Debug, Default)]
#[cfg_attr(
    not(all(target_arch = "x86_64", target_feature = "sse2")),
    allow(dead_code)
)]
struct Chunk {
    i: usize,
    end: usize,
    lim: usize,
    lm: u32,
    dm: u32,
    cand: u32,
    lead: u32,
    fives: [u8; 32],
}

impl Anchors {
    fn new(list: Vec<String>) -> Result<Anchors, String> {
        let mut a = Anchors {
            words: Words::default(),
            tri: [0; 1 << 10],
            tri_len: [0; 1 << 10],
            symbols: Vec::new(),
            symbol_lanes: 0,
            ac: None,
            #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
            pairs: Pairs::default(),
            #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
            avx2: false,
        };
        for k in &list {
            if !k.is_empty() && k.bytes().all(|c| c.is_ascii_alphabetic()) {
                let w = k.to_ascii_lowercase().into_bytes();
                let key = tri_key(&w, 0);
                a.tri[key / 32] |= 1 << (key % 32);
                let kl = tri_len_key(key, w.len());
                a.tri_len[kl / 64] |= 1 << (kl % 64);
                a.words.entry(w);
            } else if k.chars().count() == 1 && !k.is_ascii() {
                a.symbols.push(k.clone());
            } else {
                let ac = AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&list)
                    .map_err(|e| format!("number lexicon: {e}"))?;
                a.ac = Some(ac);
                break;
            }
        }
        if !a.symbols.is_empty() {
            a.symbol_lanes = HI;
        }
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        {
            a.pairs = Pairs::new(a.words.map.keys().map(Vec::as_slice));
            a.avx2 = std::arch::is_x86_feature_detected!("avx2");
        }
        Ok(a)
    }

    /// The first anchor in `text[from..lim]` that starts and ends on a word boundary: no
    /// letter or digit before it, no ASCII letter or digit and no letter after it.
    ///
    /// With the automaton this is its leftmost-longest match, boundaries unchecked; `find`
    /// rejects a match without them and searches on from its end. The automaton's matches
    /// that the direct scan passes over are exactly those: an ASCII word anchor matched
    /// inside a longer run of letters, or a symbol glued to a letter or digit. Neither can
    /// overlap a later anchor that has its boundaries (its first character would have a
    /// letter before it, or be a continuation byte), so both ways find the same figures.
    fn next(&self, text: &str, from: usize, lim: usize) -> Option<(usize, usize)> {
        if let Some(ac) = &self.ac {
            return ac
                .find(Input::new(text).range(from..lim))
                .map(|m| (m.start(), m.end()));
        }
        self.next_swar(text, from, lim)
    }

    /// Whichever comes first in `text[from..lim]`: the anchor `next` finds, as its span, or
    /// an ASCII digit at `k`, as `(k, k)`. Only for the direct scan (no automaton). `find`
    /// stops at both, so one pass looks for both.
    // Only the choice of scan inline: each scan is out of line, so that its loop keeps its
    // state in registers, and the one taken pays for no other's.
    ///
    /// `chunk` is the AVX2 scan's last chunk of `text[..lim]` (a fresh `Chunk` at first, the
    /// same one for every call with this `text` and `lim`): a call starting inside it reads
    /// the chunk's lanes from there instead of classifying the bytes again. What a lane holds
    /// depends only on the text at its position (and `lim`), not on where the scan began,
    /// so the answer is the same.
    #[inline(always)]
    fn next_or_digit(
        &self,
        text: &str,
        from: usize,
        lim: usize,
        #[cfg_attr(
            not(all(target_arch = "x86_64", target_feature = "sse2")),
            allow(unused_variables)
        )]
        chunk: &mut Chunk,
    ) -> Option<(usize, usize)> {
        debug_assert!(self.ac.is_none());
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        {
            if self.avx2 {
                let mut from = from;
                if chunk.lim == lim && from >= chunk.i && from < chunk.end {
                    // the lanes from `from` on, as a scan starting there finds them
                    let keep = u32::MAX << (from - chunk.i);
                    let dm = chunk.dm & keep;
                    let mut cand = chunk.cand & keep;
                    if dm != 0 {
                        cand &= (1 << dm.trailing_zeros()) - 1;
                    }
                    let (i, lead, lm) = (chunk.i, chunk.lead, chunk.lm);
                    if let Some(m) =
                        self.first_candidate(text, i, lim, cand, lead, lm, &chunk.fives)
                    {
                        return Some(m);
                    }
                    if dm != 0 {
                        let d = i + dm.trailing_zeros() as usize;
                        return Some((d, d));
                    }
                    if chunk.end >= lim {
                        return None;
                    }
                    from = chunk.end;
                }
                // SAFETY: AVX2 was detected when the anchors were built;
                // `prop_anchor_or_digit_sse2` holds this scan to the portable one too, and
                // `prop_chunk_reuse_agrees` the reuse of its chunk.
                return unsafe { self.next_or_digit_avx2(text, from, lim, chunk) };
            }
            // SAFETY: `next_or_digit_sse2` only needs SSE2, which this build enables (it is
            // part of every x86_64 CPU); `prop_anchor_or_digit_sse2` holds it to the
            // portable scan.
            unsafe { self.next_or_digit_sse2(text, from, lim) }
        }
        #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
        {
            self.next_or_digit_swar(text, from, lim)
        }
    }

    /// `next_or_digit` as its definition: the two scans, the earlier result.
    #[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
    fn next_or_digit_swar(&self, text: &str, from: usize, lim: usize) -> Option<(usize, usize)> {
        let d = find_digit(text.as_bytes(), from, lim);
        match self.next_swar(text, from, lim) {
            Some((s, e)) if s < d => Some((s, e)),
            _ => (d < lim).then_some((d, d)),
        }
    }

    /// `next_or_digit` sixteen bytes at a time, with SSE2 (part of every x86_64).
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[target_feature(enable = "sse2")]
    #[inline(never)]
    fn next_or_digit_sse2(&self, text: &str, from: usize, lim: usize) -> Option<(usize, usize)> {
        use std::arch::x86_64::{
            __m128i, _mm_and_si128, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_loadu_si128,
            _mm_movemask_epi8, _mm_set1_epi8, _mm_setzero_si128, _mm_storeu_si128,
        };
        let b = text.as_bytes();
        let mut i = from;
        // whether the byte before lane 0 is an ASCII letter
        let mut prev_letter = u32::from(from > 0 && b[from - 1].is_ascii_alphabetic());
        let symbols = !self.symbols.is_empty();
        // each letter's low five bits in its lane, 0 in the others: `tri_key`s in place
        let mut fives = [0u8; 16];
        while i < lim {
            let x: __m128i = if i + 16 <= lim {
                // SAFETY: `b[i..i + 16]` is in bounds; the load is unaligned.
                unsafe { _mm_loadu_si128(b.as_ptr().add(i).cast()) }
            } else if i + 16 <= b.len() {
                // The last bytes of a range inside the text (most sentences): the same chunk
                // as the padded copy below, its lanes from `lim` cleared without a copy.
                // SAFETY: `b[i..i + 16]` is in bounds, and `TAIL_KEEP[16 - n..32 - n]` (with
                // 0 < n = lim - i < 16) too; the loads are unaligned.
                unsafe {
                    let keep = _mm_loadu_si128(TAIL_KEEP.as_ptr().add(16 - (lim - i)).cast());
                    _mm_and_si128(_mm_loadu_si128(b.as_ptr().add(i).cast()), keep)
                }
            } else {
                // the last bytes, padded with NULs (no letters, digits or non-ASCII)
                let mut c = [0u8; 16];
                c[..lim - i].copy_from_slice(&b[i..lim]);
                // SAFETY: `c` holds sixteen bytes; the load is unaligned.
                unsafe { _mm_loadu_si128(c.as_ptr().cast()) }
            };
            let letters = crate::simd::letters(x);
            let lm = _mm_movemask_epi8(letters) as u32;
            let dm = _mm_movemask_epi8(crate::simd::digits(x)) as u32;
            // a letter after a digit is a candidate too: `at` turns it away
            let mut cand = lm & !((lm << 1) | prev_letter);
            let mut lead = 0;
            if symbols {
                // bytes from 0xC0: where a non-ASCII character starts
                let l = _mm_and_si128(
                    _mm_cmpgt_epi8(x, _mm_set1_epi8(-65)),
                    _mm_cmplt_epi8(x, _mm_setzero_si128()),
                );
                lead = _mm_movemask_epi8(l) as u32;
                cand |= lead;
            }
            prev_letter = (lm >> 15) & 1;
            if dm != 0 {
                // only what starts before the first digit comes first
                cand &= (1 << dm.trailing_zeros()) - 1;
            }
            if cand != 0 {
                // SAFETY: `fives` holds sixteen bytes; the store is unaligned.
                unsafe {
                    _mm_storeu_si128(
                        fives.as_mut_ptr().cast(),
                        _mm_and_si128(x, _mm_and_si128(letters, _mm_set1_epi8(0x1F))),
                    )
                };
            }
            if let Some(m) = self.first_candidate(text, i, lim, cand, lead, lm, &fives) {
                return Some(m);
            }
            if dm != 0 {
                let d = i + dm.trailing_zeros() as usize;
                return Some((d, d));
            }
            i += 16;
        }
        None
    }

    /// The first anchor among the word starts `cand` of the chunk of `W` bytes at `i` (the
    /// SSE2 scan's 16, the AVX2 scan's 32), in order; `lead` marks non-ASCII starts, `lm` the
    /// chunk's ASCII letters, `fives` each letter's low five bits in its lane.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn first_candidate<const W: usize>(
        &self,
        text: &str,
        i: usize,
        lim: usize,
        mut cand: u32,
        lead: u32,
        lm: u32,
        fives: &[u8; W],
    ) -> Option<(usize, usize)> {
        let b = text.as_bytes();
        while cand != 0 {
            let lane = cand.trailing_zeros() as usize;
            cand &= cand - 1;
            let k = i + lane;
            // `lead` is 0 in most chunks (no non-ASCII character starts there)
            if lead != 0 && lead >> lane & 1 != 0 {
                if let Some(m) = self.at(text, k, lim) {
                    return Some(m);
                }
                continue;
            }
            // the key's first two letters and its third (each below 32)
            let (pair, third) = if lane + 3 <= W {
                // NUL padding past `lim` may shorten the word: `at` rejects it anyway
                (
                    usize::from(fives[lane]) << 5 | usize::from(fives[lane + 1]),
                    usize::from(fives[lane + 2]),
                )
            } else {
                let key = tri_key(b, k);
                (key >> 5, key & 31)
            };
            // `tri_has(key)`, read from the parts (the mask only tells the compiler the
            // index is in bounds: `pair` is below 1 << 10)
            if self.tri[pair & 0x3FF] & (1 << (third & 31)) == 0 {
                continue;
            }
            let key = pair << 5 | third;
            // A word that ends inside a chunk read whole (no padding) has its length and
            // key here: `at`'s length test, passed by few, is made without the call.
            let len = (!(lm >> lane)).trailing_zeros() as usize;
            if i + W <= lim && lane + 3 <= W && lane + len < W {
                let kl = tri_len_key(key, len);
                if self.tri_len[kl / 64] & (1 << (kl % 64)) == 0 {
                    continue;
                }
            }
            if let Some(m) = self.at(text, k, lim) {
                return Some(m);
            }
        }
        None
    }

    /// `next_or_digit` thirty-two bytes at a time, with AVX2: the SSE2 scan's steps, and the
    /// `Pairs` test, which leaves a third of the word starts to be looked at one by one.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[target_feature(enable = "avx2")]
    #[inline(never)]
    fn next_or_digit_avx2(
        &self,
        text: &str,
        from: usize,
        lim: usize,
        chunk: &mut Chunk,
    ) -> Option<(usize, usize)> {
        use std::arch::x86_64::*;
        let b = text.as_bytes();
        // `fives` below is written in place: the chunk it held is gone
        chunk.end = 0;
        let mut i = from;
        // whether the byte before lane 0 is an ASCII letter
        let mut prev_letter = u32::from(from > 0 && b[from - 1].is_ascii_alphabetic());
        let symbols = !self.symbols.is_empty();
        // the buckets of one-letter words: where no letter follows the first (none in the
        // embedded lexicon)
        let lone = self.pairs.second[0];
        while i < lim {
            let x = if i + 32 <= lim {
                // SAFETY: `b[i..i + 32]` is in bounds; the load is unaligned.
                unsafe { _mm256_loadu_si256(b.as_ptr().add(i).cast()) }
            } else if i + 32 <= b.len() {
                // the last bytes of a range inside the text: its lanes from `lim` cleared
                // SAFETY: `b[i..i + 32]` is in bounds, and `TAIL_KEEP_32[32 - n..64 - n]`
                // (with 0 < n = lim - i < 32) too; the loads are unaligned.
                unsafe {
                    let keep = _mm256_loadu_si256(TAIL_KEEP_32.as_ptr().add(32 - (lim - i)).cast());
                    _mm256_and_si256(_mm256_loadu_si256(b.as_ptr().add(i).cast()), keep)
                }
            } else {
                // the last bytes, padded with NULs (no letters, digits or non-ASCII)
                let mut c = [0u8; 32];
                c[..lim - i].copy_from_slice(&b[i..lim]);
                // SAFETY: `c` holds 32 bytes; the load is unaligned.
                unsafe { _mm256_loadu_si256(c.as_ptr().cast()) }
            };
            // The byte after each lane's, for the second letters. Those past `lim` are read
            // as they are: a run of letters going on past `lim` is no anchor (`at`), so the
            // test may keep or drop it.
            let y = if i + 33 <= b.len() {
                // SAFETY: `b[i + 1..i + 33]` is in bounds; the load is unaligned.
                unsafe { _mm256_loadu_si256(b.as_ptr().add(i + 1).cast()) }
            } else {
                // past the end of the text, NULs: no letter follows there
                let mut c = [0u8; 32];
                c[..b.len() - i - 1].copy_from_slice(&b[i + 1..]);
                // SAFETY: `c` holds 32 bytes; the load is unaligned.
                unsafe { _mm256_loadu_si256(c.as_ptr().cast()) }
            };
            let letters = crate::simd::letters_avx2(x);
            let lm = _mm256_movemask_epi8(letters) as u32;
            let dm = _mm256_movemask_epi8(crate::simd::digits_avx2(x)) as u32;
            // A byte that is no letter reads as the letter with its low five bits: the test
            // may pass a run it should not, never fail one it should (`at` decides).
            let mut second = pair_lookup(&self.pairs.tables[2], &self.pairs.tables[3], y);
            if lone != 0 {
                second = _mm256_or_si256(
                    second,
                    _mm256_andnot_si256(crate::simd::letters_avx2(y), _mm256_set1_epi8(lone as i8)),
                );
            }
            let first = pair_lookup(&self.pairs.tables[0], &self.pairs.tables[1], x);
            let shared = _mm256_and_si256(first, second);
            let miss =
                _mm256_movemask_epi8(_mm256_cmpeq_epi8(shared, _mm256_setzero_si256())) as u32;
            // a letter after a digit is a candidate too: `at` turns it away
            let mut cand = lm & !((lm << 1) | prev_letter) & !miss;
            let mut lead = 0;
            if symbols {
                // bytes from 0xC0: where a non-ASCII character starts
                let l = _mm256_and_si256(
                    _mm256_cmpgt_epi8(x, _mm256_set1_epi8(-65)),
                    _mm256_cmpgt_epi8(_mm256_setzero_si256(), x),
                );
                lead = _mm256_movemask_epi8(l) as u32;
                cand |= lead;
            }
            prev_letter = lm >> 31;
            let all = cand;
            if dm != 0 {
                // only what starts before the first digit comes first
                cand &= (1 << dm.trailing_zeros()) - 1;
            }
            if all != 0 {
                // each letter's low five bits in its lane, 0 in the others: `tri_key`s in
                // place (kept for the lanes after the first digit too, for the next call)
                // SAFETY: `fives` holds 32 bytes; the store is unaligned.
                unsafe {
                    _mm256_storeu_si256(
                        chunk.fives.as_mut_ptr().cast(),
                        _mm256_and_si256(x, _mm256_and_si256(letters, _mm256_set1_epi8(0x1F))),
                    )
                };
            }
            if let Some(m) = self.first_candidate(text, i, lim, cand, lead, lm, &chunk.fives) {
                *chunk = Chunk {
                    i,
                    end: i + 32,
                    lim,
                    lm,
                    dm,
                    cand: all,
                    lead,
                    fives: chunk.fives,
                };
                return Some(m);
            }
            if dm != 0 {
                let d = i + dm.trailing_zeros() as usize;
                *chunk = Chunk {
                    i,
                    end: i + 32,
                    lim,
                    lm,
                    dm,
                    cand: all,
                    lead,
                    fives: chunk.fives,
                };
                return Some((d, d));
            }
            i += 32;
        }
        None
    }

    /// The scan of `next` eight bytes at a time, on any target.
    fn next_swar(&self, text: &str, from: usize, lim: usize) -> Option<(usize, usize)> {
        let b = text.as_bytes();
        // Eight bytes at a time: the lanes where a letter follows no ASCII letter or digit.
        // Only those (and non-ASCII bytes, for symbols) are looked at one by one.
        let mut i = from;
        // whether the byte before lane 0 is an ASCII letter
        let mut prev_letter = u64::from(from > 0 && b[from - 1].is_ascii_alphabetic());
        while i + 8 <= lim {
            let x = u64::from_le_bytes(b[i..i + 8].try_into().expect("eight bytes"));
            if let Some(m) = self.in_chunk(text, x, i, lim, &mut prev_letter) {
                return Some(m);
            }
            i += 8;
        }
        if i < lim {
            // the last few bytes, padded with NULs (no letters, nothing non-ASCII)
            let mut c = [0u8; 8];
            c[..lim - i].copy_from_slice(&b[i..lim]);
            return self.in_chunk(text, u64::from_le_bytes(c), i, lim, &mut prev_letter);
        }
        None
    }

    /// The first anchor starting in the eight bytes `x` read at `i`.
    #[inline(always)]
    fn in_chunk(
        &self,
        text: &str,
        x: u64,
        i: usize,
        lim: usize,
        prev_letter: &mut u64,
    ) -> Option<(usize, usize)> {
        let letters = lanes_in(x | 0x2020_2020_2020_2020, b'a', b'z');
        // A letter after a digit is a candidate too: `at` turns it away (it has a letter or
        // digit before it), and leaving digits out here saves a test on every chunk.
        let mut cand = letters & !((letters << 8) | (*prev_letter << 7));
        // bytes from 0xC0: where a non-ASCII character starts
        cand |= x & (x << 1) & self.symbol_lanes;
        *prev_letter = letters >> 63;
        if cand == 0 {
            return None;
        }
        // each letter's low five bits in its lane, 0 in the others: a `tri_key` in place
        let fives = x & ((letters >> 7) * 0x1F);
        while cand != 0 {
            let lane = cand.trailing_zeros() / 8;
            let k = i + lane as usize;
            cand &= cand - 1;
            let key = if lane <= 5 {
                // NUL padding past `lim` may shorten the word: `at` rejects it anyway
                let v = fives >> (8 * lane);
                ((v & 0x1F) << 10 | (v >> 8 & 0x1F) << 5 | (v >> 16 & 0x1F)) as usize
            } else if k + 8 <= text.len() {
                // the word runs past this chunk: its first bytes read as one more chunk
                let y = u64::from_le_bytes(text.as_bytes()[k..k + 8].try_into().expect("8"));
                let ly = lanes_in(y | 0x2020_2020_2020_2020, b'a', b'z');
                let v = y & ((ly >> 7) * 0x1F);
                ((v & 0x1F) << 10 | (v >> 8 & 0x1F) << 5 | (v >> 16 & 0x1F)) as usize
            } else {
                tri_key(text.as_bytes(), k)
            };
            if (x >> (8 * lane) & 0x80 != 0 || self.tri_has(key))
                && let Some(m) = self.at(text, k, lim)
            {
                return Some(m);
            }
        }
        None
    }

    /// Whether bit `key` (a `tri_key`) is set in `tri`.
    #[inline(always)]
    fn tri_has(&self, key: usize) -> bool {
        self.tri[key / 32] & (1 << (key % 32)) != 0
    }

    /// The anchor starting at `s` with its word boundaries, if any.
    // Out of line: few words get this far, and the scan loop keeps its registers.
    #[inline(never)]
    fn at(&self, text: &str, s: usize, lim: usize) -> Option<(usize, usize)> {
        let b = text.as_bytes();
        let c = b[s];
        let e = if c.is_ascii_alphabetic() {
            // a whole run of letters or nothing: the longest anchor must end where it ends
            let e = s + 1 + b[s + 1..].iter().take_while(|&&c| is_letter(c)).count();
            if e > lim {
                return None;
            }
            let kl = tri_len_key(tri_key(b, s), e - s);
            if self.tri_len[kl / 64] & (1 << (kl % 64)) == 0 || !self.contains(&b[s..e]) {
                return None;
            }
            e
        } else if c >= 0xC0 {
            let sym = self
                .symbols
                .iter()
                .find(|sym| b[s..lim].starts_with(sym.as_bytes()))?;
            s + sym.len()
        } else {
            return None;
        };
        let glued =
            alnum_before(text, s) || (e < b.len() && (is_word_byte(b[e]) || alpha_at(text, e)));
        (!glued).then_some((s, e))
    }

    /// Whether the letters `w` are an anchor word, in any case.
    fn contains(&self, w: &[u8]) -> bool {
        let mut buf = [0u8; 32];
        match buf.get_mut(..w.len()) {
            Some(lower) => {
                for (d, c) in lower.iter_mut().zip(w) {
                    *d = c.to_ascii_lowercase();
                }
                self.words.contains(&*lower)
            }
            None => self.words.contains(&w.to_ascii_lowercase()),
        }
    }
}

/// Sixteen 0xFF then sixteen 0: the sixteen bytes from `16 - n` keep a chunk's first `n`
/// lanes.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
static TAIL_KEEP: [u8; 32] = {
    let mut t = [0u8; 32];
    let mut k = 0;
    while k < 16 {
        t[k] = 0xFF;
        k += 1;
    }
    t
};

/// Thirty-two 0xFF then thirty-two 0: the 32 bytes from `32 - n` keep a chunk's first `n`
/// lanes.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
static TAIL_KEEP_32: [u8; 64] = {
    let mut t = [0u8; 64];
    let mut k = 0;
    while k < 32 {
        t[k] = 0xFF;
        k += 1;
    }
    t
};

/// The entries of a `Pairs` table at each lane's low five bits, from its halves `lo` and
/// `hi` (`Pairs::tables`). A `vpshufb` index with its top bit set reads 0: adding 0x70 sets
/// it for 16-31 only and keeps the low four bits; adding 0xF0 sets it for 0-15 only.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "avx2")]
#[inline]
fn pair_lookup(
    lo: &[u8; 32],
    hi: &[u8; 32],
    v: std::arch::x86_64::__m256i,
) -> std::arch::x86_64::__m256i {
    use std::arch::x86_64::*;
    // SAFETY: both tables hold 32 bytes; the loads are unaligned.
    let (lo, hi) = unsafe {
        (
            _mm256_loadu_si256(lo.as_ptr().cast()),
            _mm256_loadu_si256(hi.as_ptr().cast()),
        )
    };
    let k = _mm256_and_si256(v, _mm256_set1_epi8(0x1F));
    _mm256_or_si256(
        _mm256_shuffle_epi8(lo, _mm256_add_epi8(k, _mm256_set1_epi8(0x70))),
        _mm256_shuffle_epi8(hi, _mm256_add_epi8(k, _mm256_set1_epi8(0xF0u8 as i8))),
    )
}

/// A word's `tri_key` and length hashed to 16 bits (no two lengths below 32 of one key
/// collide).
fn tri_len_key(key: usize, n: usize) -> usize {
    (key ^ n.min(31).wrapping_mul(0x2B5) << 1) & 0xFFFF
}

/// The first three bytes at `s` as 5-bit letters (any case), 0 for a non-letter or the end of
/// `b`. A run of letters and the anchor word it may be have the same key: after either's
/// last letter comes no letter.
fn tri_key(b: &[u8], s: usize) -> usize {
    let l = |i: usize| match b.get(s + i) {
        Some(&c) if c.is_ascii_alphabetic() => usize::from(c & 31),
        _ => 0,
    };
    (l(0) << 10) | (l(1) << 5) | l(2)
}

/// Up to the last four bytes of a phrase's second-to-last word, lower-cased, nearest first:
/// `match_back` must find them just before the last word's spaces, so a phrase whose bytes
/// differ from the text's there cannot match.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Pre {
    val: u32,
    mask: u32,
    /// How many bytes `val` holds; 0 (no second-to-last word) passes every text.
    len: usize,
}

impl Pre {
    fn of(p: &Phrase) -> Pre {
        let Some(tok) = p.len().checked_sub(2).map(|i| p[i].as_bytes()) else {
            return Pre {
                val: 0,
                mask: 0,
                len: 0,
            };
        };
        let (mut val, mut mask) = (0u32, 0u32);
        let len = tok.len().min(4);
        for (i, c) in tok.iter().rev().take(len).enumerate() {
            val |= u32::from(c.to_ascii_lowercase()) << (8 * i);
            mask |= 0xFF << (8 * i);
        }
        Pre { val, mask, len }
    }

    /// The bytes before the spaces before `s` (not before `lo`), packed as `of` packs a word,
    /// and how many there are (at most four).
    #[inline(always)]
    fn tail(b: &[u8], s: usize, lo: usize) -> (u32, usize) {
        let q = skip_sp_back(b, s, lo);
        let avail = (q - lo).min(4);
        let mut v = 0u32;
        for i in 0..avail {
            v |= u32::from(lower(b[q - 1 - i])) << (8 * i);
        }
        (v, avail)
    }

    /// False only where `match_back` fails on the second-to-last word: it compares all of
    /// the word's bytes, case-insensitively, and needs that many before `q`, above `lo`.
    #[inline(always)]
    fn may_match(self, tail: u32, avail: usize) -> bool {
        self.len <= avail && tail & self.mask == self.val
    }
}

/// Phrases indexed by their last word, so a backward match reads one word and tries only
/// the phrases that end in it (symbols are few and tried in turn).
struct BackSet<T> {
    /// With each phrase its `Pre`: the many phrases that share a last word ("of", "than")
    /// are mostly passed over without a `match_back`.
    by_last: Words<Vec<(Phrase, T, Pre)>>,
    /// Bit `tail_key` of the words the keys of `by_last` can be read from (a key without
    /// its '.' or ':' too): most words end differently, and are then not read back.
    tails: [u64; 16],
    /// With the lower-cased last byte of each phrase: the byte before the spaces at `p` must
    /// be it, so most symbols are passed over without a `match_back`.
    symbols: Vec<(Phrase, T, u8)>,
    /// Bit `c` set: some symbol's last byte is `c`. Most figures have a letter or a digit
    /// before them, and then no symbol is looked at.
    symbol_last: [u64; 4],
    /// Bit `word_key` of the letters of every key of `by_last` (without a last '.' or ':'):
    /// common words before a figure ("and", "for", "over") pass `tails` and the length
    /// mask, and are turned away here before they are copied and hashed.
    words: [u64; 64],
}

impl<T: Copy> BackSet<T> {
    fn new(mut v: Vec<(Phrase, T)>) -> BackSet<T> {
        v.sort_by_key(|x| std::cmp::Reverse(phrase_len(&x.0)));
        let mut by_last: Words<Vec<(Phrase, T, Pre)>> = Words::default();
        let mut symbols = Vec::new();
        let mut tails = [0u64; 16];
        let mut symbol_last = [0u64; 4];
        let mut words = [0u64; 64];
        for (p, t) in v {
            let last = p[p.len() - 1].clone();
            if last.as_bytes()[0].is_ascii_alphabetic()
                && last
                    .trim_end_matches(['.', ':'])
                    .bytes()
                    .all(|c| c.is_ascii_alphabetic())
            {
                let k = last.as_bytes();
                let word = match k {
                    [w @ .., b'.' | b':'] => w,
                    w => w,
                };
                if word.iter().all(u8::is_ascii_alphabetic) {
                    let key = match word {
                        [.., y, z] => tail_key(*y, *z),
                        [.., z] => tail_key(0, *z),
                        [] => unreachable!("a key starts with a letter"),
                    };
                    tails[key / 64] |= 1 << (key % 64);
                }
                // the letters `find_by_last` reads back when it looks this key up
                if let [f, .., y, z] | [f @ y, z] = word
                    && word.iter().all(u8::is_ascii_alphabetic)
                {
                    let key = word_key(*f, *y, *z, word.len());
                    words[key / 64] |= 1 << (key % 64);
                } else if let [z] = word
                    && z.is_ascii_alphabetic()
                {
                    let key = word_key(*z, 0, *z, 1);
                    words[key / 64] |= 1 << (key % 64);
                }
                let pre = Pre::of(&p);
                by_last.entry(last.into_bytes()).push((p, t, pre));
            } else {
                let c = last.as_bytes()[last.len() - 1].to_ascii_lowercase();
                symbol_last[usize::from(c >> 6)] |= 1 << (c & 63);
                symbols.push((p, t, c));
            }
        }
        BackSet {
            by_last,
            tails,
            symbols,
            symbol_last,
            words,
        }
    }

    /// Whether a word ending at `e` (the one `find` reads back) may be a key of `by_last`,
    /// from its last two letters alone.
    fn may_end_word(&self, b: &[u8], e: usize, lo: usize) -> bool {
        if e <= lo || !b[e - 1].is_ascii_alphabetic() {
            return false;
        }
        let z = b[e - 1];
        let y = if e - lo >= 2 { b[e - 2] } else { 0 };
        // the word has a second letter unless `lo` or a camel-case seam cuts it
        let two = y.is_ascii_alphabetic() && !(z.is_ascii_uppercase() && y.is_ascii_lowercase());
        let key = tail_key(if two { y } else { 0 }, z);
        self.tails[key / 64] & (1 << (key % 64)) != 0
    }

    /// The longest phrase of `by_last` ending just before `p`, its last word ending at `e`
    /// (before a '.' or ':' if `suffix`).
    // Out of line: `find` is inlined, and most words end no phrase.
    #[inline(never)]
    fn find_by_last(
        &self,
        text: &str,
        p: usize,
        lo: usize,
        e: usize,
        suffix: bool,
    ) -> Option<(usize, T)> {
        let b = text.as_bytes();
        // stop at a camel-case seam: "professionalsPages 250" has the word "Pages"; read
        // at most `MAXW` letters
        let s = word_back(b, e, lo.max(e.saturating_sub(MAXW)));
        // both keys looked up below have the letters `b[s..e]`
        if s == e {
            return None;
        }
        let y = if e - s >= 2 { b[e - 2] } else { 0 };
        let key = word_key(b[s], y, b[e - 1], e - s);
        if self.words[key / 64] & (1 << (key % 64)) == 0 {
            return None;
        }
        let n = e - s + usize::from(suffix);
        // most words end no phrase: the length mask tells before the word is copied
        let may_hold = |len| s < e && self.by_last.may_hold(lower(b[s]), len);
        if may_hold(n) || (suffix && may_hold(e - s)) {
            let mut buf = [0u8; MAXW + 1];
            // letters and a '.' or ':', which has the case bit already: setting it
            // lower-cases each
            for (d, &c) in buf.iter_mut().zip(&b[s..s + n]) {
                *d = c | 0x20;
            }
            let keys: [&[u8]; 2] = [&buf[..n], &buf[..e - s]];
            // where `match_back` reads the last word from
            let q = e + usize::from(suffix);
            for key in keys.iter().take(if suffix { 2 } else { 1 }) {
                if let Some(list) = self.by_last.get(key) {
                    let (tail, avail) = Pre::tail(b, q - key.len(), lo);
                    for (ph, t, pre) in list {
                        if !pre.may_match(tail, avail) {
                            continue;
                        }
                        if let Some(st) = match_back(text, p, lo, ph) {
                            return Some((st, *t));
                        }
                    }
                }
            }
        }
        None
    }

    /// Longest phrase ending just before `p`: (start, tag).
    // Inlined: most calls end in the byte tests here, cheaper than a call.
    #[inline(always)]
    fn find(&self, text: &str, p: usize, lo: usize) -> Option<(usize, T)> {
        let b = text.as_bytes();
        let q = skip_sp_back(b, p, lo);
        let mut e = q;
        let suffix = e > lo && matches!(b[e - 1], b'.' | b':');
        if suffix {
            e -= 1;
        }
        if self.may_end_word(b, e, lo)
            && let Some(found) = self.find_by_last(text, p, lo, e, suffix)
        {
            return Some(found);
        }
        if q > lo {
            let c = lower(b[q - 1]);
            if self.symbol_last[usize::from(c >> 6)] & (1 << (c & 63)) == 0 {
                return None;
            }
            return self.find_symbol(text, p, lo, c);
        }
        None
    }

    /// The first symbol phrase ending in `c` that ends just before `p`.
    #[inline(never)]
    fn find_symbol(&self, text: &str, p: usize, lo: usize, c: u8) -> Option<(usize, T)> {
        for (ph, t, _) in self.symbols.iter().filter(|x| x.2 == c) {
            if let Some(st) = match_back(text, p, lo, ph) {
                return Some((st, *t));
            }
        }
        None
    }
}

/// 10^k for k <= 22, each exact in an f64.
const EXACT_POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

fn pow10(n: i32) -> f64 {
    10f64.powi(n)
}

/// Place value of the last non-zero digit of an integer value.
fn int_unit(v: f64) -> f64 {
    if !v.is_finite() || v == 0.0 || v.fract() != 0.0 || v.abs() > 1e18 {
        return 1.0;
    }
    let mut n = v.abs() as u64;
    let mut u = 1.0;
    while n >= 10 && n.is_multiple_of(10) {
        n /= 10;
        u *= 10.0;
    }
    u
}

fn value_unit(v: f64) -> f64 {
    if v.fract() == 0.0 { int_unit(v) } else { 0.01 }
}

/// Parses a digit run at `p`: thousands groups ("1,548,367", "40 000"), decimals, ".08".
fn digits(b: &[u8], p: usize, lim: usize) -> Option<Dg> {
    // Most runs are a few digits with nothing after them that could group, continue or
    // decimalise them ("1937,", "12 people"): their value is read as they are scanned.
    let mut i = p;
    let mut m = 0u64;
    while i < lim && i - p < 15 && b[i].is_ascii_digit() {
        m = m * 10 + u64::from(b[i] - b'0');
        i += 1;
    }
    let n = i - p;
    let plain = n > 0
        && (i >= lim
            || match b[i] {
                c if c.is_ascii_digit() => false,
                // a decimal point
                b'.' => !(i + 1 < lim && b[i + 1].is_ascii_digit()),
                // a thousands group (comma, space), which only a run of three or fewer starts
                b',' | b' ' if n <= 3 => !(i + 1 < lim && b[i + 1].is_ascii_digit()),
                0xC2 | 0xE2 if n <= 3 => false,
                _ => true,
            });
    if !plain {
        return digits_full(b, p, lim);
    }
    let tz = b[p..i].iter().rev().take_while(|c| **c == b'0').count();
    Some(Dg {
        e: i,
        // at most 15 digits: below 2^53, so exact, as `digits_value` reads them
        v: m as f64,
        // `tz` < 15: `pow10` is exact there, as the table is
        unit: if tz == n { 1.0 } else { EXACT_POW10[tz] },
        frac_digits: 0,
        int_digits: n,
        grouped: false,
        leading_zero: n > 1 && b[p] == b'0',
        dotted: false,
        too_long: false,
    })
}

/// `digits` for every run (the shortcut's cases included).
fn digits_full(b: &[u8], p: usize, lim: usize) -> Option<Dg> {
    let mut buf = [0u8; 48];
    let mut n = 0usize;
    let mut too_long = false;
    let mut push = |c: u8, n: &mut usize| {
        if *n < buf.len() {
            buf[*n] = c;
            *n += 1;
        } else {
            too_long = true;
        }
    };
    let mut i = p;
    let mut int_digits = 0;
    while i < lim && b[i].is_ascii_digit() {
        push(b[i], &mut n);
        i += 1;
        int_digits += 1;
    }
    let first_run = int_digits;
    let mut grouped = false;
    let is3 = |i: usize| {
        i + 3 <= lim
            && b[i..i + 3].iter().all(|c| c.is_ascii_digit())
            && (i + 3 == lim || !b[i + 3].is_ascii_digit())
    };
    if int_digits > 0 && first_run <= 3 {
        // comma groups of exactly three digits
        while i < lim && b[i] == b',' && is3(i + 1) {
            for k in 1..4 {
                push(b[i + k], &mut n);
            }
            i += 4;
            int_digits += 3;
            grouped = true;
        }
        // space groups ("40 000", narrow no-break space) when no comma groups were used
        if !grouped {
            loop {
                let w = if i < lim && b[i] == b' ' {
                    1
                } else if i + 1 < lim && b[i] == 0xC2 && b[i + 1] == 0xA0 {
                    2
                } else if i + 2 < lim
                    && b[i] == 0xE2
                    && b[i + 1] == 0x80
                    && (b[i + 2] == 0xAF || b[i + 2] == 0x89)
                {
                    3
                } else {
                    0
                };
                if w == 0
                    || !is3(i + w)
                    || (i + w + 3 < lim
                        && matches!(b[i + w + 3], b'/' | b',' | b':')
                        && i + w + 4 < lim
                        && b[i + w + 4].is_ascii_digit())
                {
                    break;
                }
                for k in 0..3 {
                    push(b[i + w + k], &mut n);
                }
                i += w + 3;
                int_digits += 3;
                grouped = true;
            }
        }
    }
    let mut frac_digits = 0;
    if i + 1 < lim && b[i] == b'.' && b[i + 1].is_ascii_digit() {
        push(b'.', &mut n);
        i += 1;
        while i < lim && b[i].is_ascii_digit() {
            push(b[i], &mut n);
            i += 1;
            frac_digits += 1;
        }
    }
    if int_digits == 0 && frac_digits == 0 {
        return None;
    }
    // "192.168.1.2", "10.1093": dotted identifiers are consumed whole
    let mut dotted = false;
    while i + 1 < lim && b[i] == b'.' && b[i + 1].is_ascii_digit() && frac_digits > 0 {
        dotted = true;
        i += 1;
        while i < lim && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    let v: f64 = if too_long {
        0.0
    } else {
        digits_value(&buf[..n], frac_digits)
    };
    let unit = if frac_digits > 0 {
        pow10(-(frac_digits as i32))
    } else {
        let tz = buf[..n].iter().rev().take_while(|c| **c == b'0').count();
        if tz == n { 1.0 } else { pow10(tz as i32) }
    };
    Some(Dg {
        e: i,
        v,
        unit,
        frac_digits,
        int_digits,
        grouped,
        leading_zero: int_digits > 1 && b[p] == b'0',
        dotted,
        too_long: too_long || int_digits > 30,
    })
}

/// The value of `s` (ASCII digits with at most one '.', `frac` digits after it), as
/// `str::parse::<f64>` gives it. Most figures have few digits: their digits as an integer and
/// the power of ten are both exact in an `f64`, so one division rounds correctly, exactly as
/// the parser does; longer ones go through the parser.
fn digits_value(s: &[u8], frac: usize) -> f64 {
    if s.len() <= 15 {
        let m = s
            .iter()
            .filter(|c| c.is_ascii_digit())
            .fold(0u64, |m, c| m * 10 + u64::from(c - b'0'));
        // at most 15 digits: below 2^53, so `m as f64` is exact
        return m as f64 / EXACT_POW10[frac];
    }
    std::str::from_utf8(s)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.0)
}

/// State of the cardinal-phrase parser.
#[derive(Clone, Copy, Debug)]
struct St {
    total: f64,
    cur: f64,
    hund: bool,
    hund_part: f64,
    last_big: f64,
    prev: Prev,
    e: usize,
    words: bool,
    frac: bool,
    frac_num: bool,
    dec_unit: f64,
    mult: f64,
    approx: bool,
    ntok: usize,
    point: bool,
}

impl Recognizer {
    pub fn new(lex: &NumberLexicon) -> Result<Recognizer, String> {
        let mut words: Words<W> = Words::default();
        let mut anchors: Vec<String> = Vec::new();
        let mut add = |k: &str, f: &dyn Fn(&mut W)| {
            let k = k.to_ascii_lowercase();
            if k.is_empty() || !k.bytes().all(|c| c.is_ascii_alphabetic()) || k.len() > MAXW {
                return Err(format!("number lexicon: `{k}` must be one ASCII word"));
            }
            f(words.entry(k.clone().into_bytes()));
            anchors.push(k);
            Ok(())
        };
        for (k, v) in &lex.cardinals {
            add(k, &|w| w.card = Some(*v))?;
        }
        for (k, v) in &lex.multipliers {
            if *v <= 1.0 {
                return Err(format!("number lexicon: multiplier `{k}` must exceed 1"));
            }
            add(k, &|w| w.mult = Some(*v))?;
        }
        for (k, v) in &lex.vague_multipliers {
            if v.len() != 2 || v[0] > v[1] {
                return Err(format!(
                    "number lexicon: vague multiplier `{k}` needs [low, high]"
                ));
            }
            add(k, &|w| w.vague = Some((v[0], v[1])))?;
        }
        for (k, v) in &lex.fractions {
            if *v < 2.0 {
                return Err(format!(
                    "number lexicon: fraction `{k}` needs a denominator >= 2"
                ));
            }
            add(k, &|w| w.frac = Some(*v))?;
        }
        let mut quantifiers = Vec::new();
        for (k, v) in &lex.quantifiers {
            let p: Phrase = k
                .split_whitespace()
                .map(|w| w.to_ascii_lowercase())
                .collect();
            let (lo, hi) = match v.as_slice() {
                [lo] => (*lo, None),
                [lo, hi] if lo <= hi => (*lo, Some(*hi)),
                _ => {
                    return Err(format!(
                        "number lexicon: quantifier `{k}` needs [low] or [low, high]"
                    ));
                }
            };
            if p.is_empty() {
                continue;
            }
            // a point quantifier ("a couple") stands alone, so its last word is an anchor
            if hi == Some(lo) {
                let last = p[p.len() - 1].clone();
                if last != "of" {
                    anchors.push(last);
                }
            }
            quantifiers.push((p, (lo, hi)));
        }
        for n in &lex.negative {
            anchors.push(n.to_ascii_lowercase());
        }
        let mut frac_symbols = Vec::new();
        for (k, v) in &lex.fraction_symbols {
            anchors.push(k.clone());
            frac_symbols.push((k.clone(), *v));
        }
        anchors.sort();
        anchors.dedup();
        let anchors = Anchors::new(anchors)?;
        let mut mult_keys = [0u64; 64];
        let mut frac_keys = [0u64; 64];
        for k in [&b"a"[..], b"an"] {
            let key = mult_key(k);
            frac_keys[key / 64] |= 1 << (key % 64);
        }
        for (k, w) in &words.map {
            if w.card.is_none() && w.mult.is_some() {
                let key = mult_key(k);
                mult_keys[key / 64] |= 1 << (key % 64);
            }
            if w.card.is_some_and(|v| v > 0.0 && v < 20.0) {
                let key = mult_key(k);
                frac_keys[key / 64] |= 1 << (key % 64);
            }
        }
        let mut hedges_before: Vec<(Phrase, Hedge)> = Vec::new();
        for (list, h) in [
            (&lex.lower_bound, Hedge::Lower),
            (&lex.upper_bound, Hedge::Upper),
            (&lex.approx, Hedge::Approx),
            (&lex.exact, Hedge::Exact),
        ] {
            hedges_before.extend(phrases(list).into_iter().map(|p| (p, h)));
        }
        let mut hedges_after: Vec<(Phrase, Hedge)> = Vec::new();
        for (list, h) in [
            (&lex.lower_bound_after, Hedge::Lower),
            (&lex.upper_bound_after, Hedge::Upper),
        ] {
            hedges_after.extend(phrases(list).into_iter().map(|p| (p, h)));
        }
        hedges_after.sort_by_key(|h| std::cmp::Reverse(phrase_len(&h.0)));
        let mut percent = phrases(&lex.percent);
        percent.sort_by_key(|p| std::cmp::Reverse(phrase_len(p)));
        let unit = |v: Vec<Phrase>| FwdSet::new(v.into_iter().map(|p| (p, ())).collect());
        let identifiers = phrases(&lex.identifier_words)
            .into_iter()
            .map(|p| (p, ()))
            .collect();
        let mut relative = phrases(&lex.relative);
        relative.sort_by_key(|p| std::cmp::Reverse(phrase_len(p)));
        let relative = unit(relative);
        Ok(Recognizer {
            anchors,
            mult_keys,
            frac_keys,
            words,
            hedges_before: BackSet::new(hedges_before),
            hedges_after: FwdSet::new(hedges_after),
            percent: unit(percent),
            quantifiers: BackSet::new(quantifiers),
            range_conn: unit(phrases(&lex.range_connectors)),
            alt_conn: unit(phrases(&lex.alternative_connectors)),
            identifiers: BackSet::new(identifiers),
            change_verbs: set(&lex.change_verbs),
            months: set(&lex.months),
            ordinals: set(&lex.ordinals),
            negative: set(&lex.negative),
            one_units: set(&lex.one_units),
            year_preps: set(&lex.year_prepositions),
            count_nouns: set(&lex.count_nouns),
            comparatives: set(&lex.comparatives),
            relative,
            frac_symbols,
            paren_free: lexicon_paren_free(lex),
        })
    }

    /// Figures in `text[range]`, in order, non-overlapping, absolute byte offsets on char
    /// boundaries. Text outside `range` is read for context only.
    pub fn find(&self, text: &str, range: Range<usize>) -> Vec<NumberMatch> {
        self.find_with(text, range, self.anchors.ac.is_none(), &[], range_of)
    }

    /// `find` for a caller that drops every figure whose value span lies inside one of
    /// `cites` (sorted by start, disjoint, as a block's citations are): the figures outside
    /// them are `find`'s, while some candidates inside a parenthesised citation are never
    /// read (the dearest part of `find`: years and page numbers in "(Dunmore 1959, p. 170)",
    /// "[Norberg, p. 200]").
    pub fn find_skipping<C>(
        &self,
        text: &str,
        range: Range<usize>,
        cites: &[C],
        span_of: impl Fn(&C) -> &Range<usize>,
    ) -> Vec<NumberMatch> {
        self.find_with(text, range, self.anchors.ac.is_none(), cites, span_of)
    }

    /// `find_skipping` into `out`, which is cleared first: a caller reading sentence after
    /// sentence reuses one buffer instead of allocating (and growing) a vector per sentence.
    pub fn find_skipping_into<C>(
        &self,
        text: &str,
        range: Range<usize>,
        cites: &[C],
        span_of: impl Fn(&C) -> &Range<usize>,
        out: &mut Vec<NumberMatch>,
    ) {
        out.clear();
        self.find_with_into(text, range, self.anchors.ac.is_none(), cites, span_of, out);
    }

    /// `find`; with `combined`, digits and anchors are looked for in one pass
    /// (`Anchors::next_or_digit`, only without the automaton), else by two scans.
    ///
    /// Candidates inside a citation of `cites` that `skippable` accepts are passed over.
    /// Why the figures outside citations stay the same: such a citation opens with '(' or
    /// '[' and closes with ')' or ']' (written ')' below), and no word or phrase of the
    /// lexicon holds a bracket (`paren_free`).
    /// Every step reading forward from a candidate (digits, number words, connectors,
    /// percent, hedges, "of" denominators, the chains a rejected candidate skips) moves only
    /// over spaces, digits, letters, lexicon phrases and the separators `-/.:,%` and dashes,
    /// never over a ')'; the one exception, a path-like token ("//" before the number, then
    /// up to the next space), is ruled out by `skippable`. Every step reading backward (a
    /// sign, "a", quantifiers, "between"/"from", hedges) likewise stops at the brackets. So
    /// (1) a figure found inside the citation has its span (value span included) inside it,
    /// and is dropped; (2) scanning resumes inside it, or right at its end; (3) no figure
    /// before or after it merges with one inside it (`push`: the text between would hold a
    /// bracket), and none overlaps it; (4) the hedge floor a figure inside it sets for
    /// the next figure is below the ')', and a hedge before a figure after it cannot reach
    /// back over the ')', so it is found whatever the floor. What is left is the bare "one":
    /// a pending one before the citation could be replaced or pushed by a figure inside it
    /// (so nothing is skipped while one is pending), and whether a bare one after it is
    /// kept depends on the last figure found, which may be inside it. A bare one met before
    /// any other figure after a skip therefore sends the scan back to the first skipped
    /// candidate, to read it in full.
    fn find_with<C>(
        &self,
        text: &str,
        range: Range<usize>,
        combined: bool,
        cites: &[C],
        span_of: impl Fn(&C) -> &Range<usize>,
    ) -> Vec<NumberMatch> {
        let mut out: Vec<NumberMatch> = Vec::new();
        self.find_with_into(text, range, combined, cites, span_of, &mut out);
        out
    }

    /// `find_with` appending to `out`, which must be empty.
    fn find_with_into<C>(
        &self,
        text: &str,
        range: Range<usize>,
        combined: bool,
        cites: &[C],
        span_of: impl Fn(&C) -> &Range<usize>,
        out: &mut Vec<NumberMatch>,
    ) {
        debug_assert!(out.is_empty());
        let lim = range.end.min(text.len());
        let lo = range.start.min(lim);
        if !text.is_char_boundary(lo) || !text.is_char_boundary(lim) {
            return;
        }
        let b = text.as_bytes();
        let mut pos = lo;
        let mut next_digit = lo;
        let mut next_word: Option<(usize, usize)> = None;
        let mut word_from = lo;
        // a bare "one" waiting for a neighbouring figure to show it is part of a list of counts
        let mut pending_one: Option<NumberMatch> = None;
        // the first citation not ending at or before `pos`, and whether it may be passed over
        let mut may_skip = self.paren_free && !cites.is_empty();
        let mut ci = if may_skip {
            cites.partition_point(|c| span_of(c).end <= lo)
        } else {
            cites.len()
        };
        let mut ci_ok: Option<bool> = None;
        // the state before the first candidate passed over since the last figure
        let mut checkpoint: Option<ScanState> = None;
        let mut chunk = Chunk::default();
        loop {
            // where the next candidate starts, and its end if it is an anchor word
            let (anchor, word_end) = if combined {
                match self.anchors.next_or_digit(text, pos, lim, &mut chunk) {
                    Some((s, e)) => (s, (e > s).then_some(e)),
                    None => break,
                }
            } else {
                if next_digit < pos {
                    next_digit = pos;
                }
                next_digit = find_digit(b, next_digit, lim);
                if next_word.is_none_or(|(s, _)| s < pos) && word_from <= pos {
                    next_word = self.anchors.next(text, pos, lim);
                    word_from = next_word.map_or(lim + 1, |(s, _)| s + 1).max(pos);
                }
                let anchor = match next_word {
                    Some((s, _)) if s < next_digit => s,
                    _ => next_digit,
                };
                if anchor >= lim {
                    break;
                }
                let is_word =
                    next_word.is_some_and(|(s, _)| s == anchor) && !b[anchor].is_ascii_digit();
                (anchor, next_word.filter(|_| is_word).map(|(_, e)| e))
            };
            if may_skip {
                while ci < cites.len() && span_of(&cites[ci]).end <= anchor {
                    ci += 1;
                    ci_ok = None;
                }
                if ci < cites.len() && span_of(&cites[ci]).start < anchor && pending_one.is_none() {
                    let c = span_of(&cites[ci]);
                    if *ci_ok.get_or_insert_with(|| skippable(b, c)) {
                        if checkpoint.is_none() {
                            checkpoint = Some((pos, next_digit, next_word, word_from, out.len()));
                        }
                        pos = c.end.min(lim);
                        continue;
                    }
                }
            }
            let (m, next, weak) = if let Some(we) = word_end {
                if alnum_before(text, anchor)
                    || (we < b.len() && (is_word_byte(b[we]) || alpha_at(text, we)))
                {
                    (None, we, false)
                } else {
                    self.figure(text, anchor, lo, lim, out)
                }
            } else if anchor > 0 && b[anchor - 1].is_ascii_digit() {
                let mut e = anchor;
                while e < lim && b[e].is_ascii_digit() {
                    e += 1;
                }
                (None, e, false)
            } else {
                self.figure(text, anchor, lo, lim, out)
            };
            let next = next.max(anchor + 1).min(lim);
            pos = next;
            while pos < lim && !text.is_char_boundary(pos) {
                pos += 1;
            }
            if let Some(m) = m {
                if weak && let Some((p, nd, nw, wf, n)) = checkpoint.take() {
                    // whether it is kept may depend on a figure passed over: read them all
                    debug_assert_eq!(out.len(), n);
                    (pos, next_digit, next_word, word_from) = (p, nd, nw, wf);
                    may_skip = false;
                    continue;
                }
                checkpoint = None;
                if weak {
                    // keep a bare "one" only when it sits in a list of counts
                    let near_prev = out
                        .last()
                        .is_some_and(|p| m.span.start.saturating_sub(p.span.end) <= 80)
                        && self.list_sep_before(text, m.span.start, lo);
                    if near_prev {
                        push(text, out, m);
                    } else {
                        pending_one = Some(m);
                    }
                    continue;
                }
                if let Some(p) = pending_one.take()
                    && m.span.start.saturating_sub(p.span.end) <= 80
                    && self.list_sep_before(text, p.span.start, lo)
                {
                    push(text, out, p);
                }
                push(text, out, m);
            }
        }
    }

    /// Is the word at `p` preceded by a list separator ("," ";" "and")?
    fn list_sep_before(&self, text: &str, p: usize, lo: usize) -> bool {
        let b = text.as_bytes();
        let q = skip_sp_back(b, p, lo);
        if q > lo && matches!(b[q - 1], b',' | b';') {
            return true;
        }
        prev_word(text, p, lo).is_some_and(|w| w.is("and"))
    }

    fn tok(&self, text: &str, q: usize, lim: usize) -> Option<(Tk, usize, usize)> {
        let b = text.as_bytes();
        let s = skip_sp(b, q, lim);
        if s >= lim {
            return None;
        }
        let c = b[s];
        if c.is_ascii_digit() {
            let d = digits(b, s, lim)?;
            return Some((Tk::Digits(d), s, d.e));
        }
        if c == b'-' {
            return Some((Tk::Hyphen, s, s + 1));
        }
        let w = read_word(text, s, lim)?;
        let t = match w.bytes() {
            b"and" => Tk::And,
            b"a" | b"an" => Tk::A,
            b"point" => Tk::Point,
            ws => match self.words.get(ws) {
                Some(x) => {
                    if let Some(v) = x.card {
                        Tk::Card(v)
                    } else if let Some(m) = x.mult {
                        if m == 100.0 {
                            Tk::Hundred
                        } else if m == 12.0 {
                            Tk::Dozen
                        } else {
                            Tk::Big(m)
                        }
                    } else if let Some(d) = x.frac {
                        Tk::Frac(d, ws.ends_with(b"s"))
                    } else {
                        Tk::Other
                    }
                }
                None => Tk::Other,
            },
        };
        Some((t, s, w.e))
    }

    /// Parses a cardinal phrase ("two hundred and two thousand", "1.2 million",
    /// "two and a half", "two-thirds", "half a dozen") starting at `p`.
    fn card(&self, text: &str, p: usize, lim: usize, init: Option<Dg>) -> Option<St> {
        // After digits only "and" or a multiplier word continues ("1.2 million"); every other
        // token ends the phrase at once. Most digit runs are followed by neither, and are not
        // read as a token at all.
        if let Some(d) = init
            && !self.may_follow_digits(text.as_bytes(), skip_sp(text.as_bytes(), d.e, lim))
        {
            return Some(St {
                total: 0.0,
                cur: d.v,
                hund: false,
                hund_part: 0.0,
                last_big: f64::INFINITY,
                prev: Prev::Digits,
                e: d.e,
                words: false,
                frac: false,
                frac_num: false,
                dec_unit: if d.frac_digits > 0 { d.unit } else { 0.0 },
                mult: 1.0,
                approx: false,
                ntok: 1,
                point: false,
            });
        }
        self.card_full(text, p, lim, init)
    }

    /// False only when the token at `s` is neither "and" nor a multiplier word (`tok` reads the
    /// same run of letters, when it reads a word at all).
    #[inline(always)]
    fn may_follow_digits(&self, b: &[u8], s: usize) -> bool {
        if s >= b.len() || !b[s].is_ascii_alphabetic() {
            return false;
        }
        let e = s + 1 + b[s + 1..].iter().take_while(|&&c| is_letter(c)).count();
        let n = e - s;
        let key = mult_key(&b[s..e]);
        (n == 3 && b[s..e].eq_ignore_ascii_case(b"and"))
            || self.mult_keys[key / 64] & (1 << (key % 64)) != 0
    }

    /// False only when `card_full` after digits ends at them: `may_follow_digits`, and
    /// after "and" a word that may start a fraction ("5 and a half", "4 and three
    /// quarters"). The many digits with "and" and no fraction after them ("between 1936
    /// and 1938", "1937 and the") are told here, without the parse.
    #[inline(always)]
    fn digits_may_grow(&self, b: &[u8], s: usize, lim: usize) -> bool {
        if !self.may_follow_digits(b, s) {
            return false;
        }
        if b[s..].len() >= 3
            && b[s..s + 3].eq_ignore_ascii_case(b"and")
            && b.get(s + 3).is_none_or(|c| !c.is_ascii_alphabetic())
        {
            // `frac_after_and` reads no fraction unless "a", "an" or a cardinal below twenty
            // starts there
            let q = skip_sp(b, s + 3, lim);
            if q >= lim || !b[q].is_ascii_alphabetic() {
                return false;
            }
            let mut e = q + 1;
            while e < b.len() && b[e].is_ascii_alphabetic() {
                e += 1;
            }
            let key = mult_key(&b[q..e]);
            return self.frac_keys[key / 64] & (1 << (key % 64)) != 0;
        }
        true
    }

    /// `card` without the shortcut after digits.
    fn card_full(&self, text: &str, p: usize, lim: usize, init: Option<Dg>) -> Option<St> {
        let mut st = St {
            total: 0.0,
            cur: 0.0,
            hund: false,
            hund_part: 0.0,
            last_big: f64::INFINITY,
            prev: Prev::None,
            e: p,
            words: false,
            frac: false,
            frac_num: false,
            dec_unit: 0.0,
            mult: 1.0,
            approx: false,
            ntok: 0,
            point: false,
        };
        if let Some(d) = init {
            st.cur = d.v;
            st.prev = Prev::Digits;
            st.e = d.e;
            st.dec_unit = if d.frac_digits > 0 { d.unit } else { 0.0 };
            st.ntok = 1;
        }
        let mut best: Option<St> = init.map(|_| st);
        let mut q = st.e;
        let mut and = false;
        let mut hyph = false;
        let mut guard = 0;
        // state before the last "and": "3 hundred and 2 hundred" is two numbers
        let mut and_snap: Option<St> = None;
        while let Some((t, s, e)) = self.tok(text, q, lim) {
            guard += 1;
            if guard > 64 {
                break;
            }
            let cur_ok = st.cur > 0.0;
            match t {
                Tk::And => {
                    if and || hyph || matches!(st.prev, Prev::None | Prev::A) {
                        break;
                    }
                    // "and a half", "and three quarters": a fraction added to what precedes
                    if let Some((f, fe)) = self.frac_after_and(text, e, lim) {
                        let mut n = st;
                        let mut end = fe;
                        if let Some((Tk::Big(m), _, be)) = self.tok(text, fe, lim)
                            && m < n.last_big
                        {
                            n.total += (n.cur + f) * m;
                            n.cur = 0.0;
                            n.last_big = m;
                            n.prev = Prev::Big;
                            n.mult = m;
                            end = be;
                        } else if n.prev == Prev::Big && n.cur == 0.0 {
                            n.total += f * n.last_big;
                        } else {
                            n.cur += f;
                            n.prev = Prev::Unit;
                        }
                        n.frac = true;
                        n.words = true;
                        n.e = end;
                        n.ntok += 2;
                        st = n;
                        best = Some(st);
                        q = end;
                        continue;
                    }
                    and = true;
                    and_snap = best;
                    q = e;
                    continue;
                }
                Tk::Hyphen => {
                    if and
                        || hyph
                        || !matches!(st.prev, Prev::Tens | Prev::Unit | Prev::Frac)
                        || s != st.e && !b_space_hyphen(text, s)
                    {
                        break;
                    }
                    hyph = true;
                    q = e;
                    continue;
                }
                Tk::Card(v) => {
                    let tens = (20.0..100.0).contains(&v) && v % 10.0 == 0.0;
                    match st.prev {
                        Prev::None if !and && !hyph => {
                            st.cur = v;
                            st.prev = if tens { Prev::Tens } else { Prev::Unit };
                        }
                        Prev::Tens if v > 0.0 && v < 10.0 => {
                            st.cur += v;
                            st.prev = Prev::Unit;
                        }
                        Prev::Hundred | Prev::Big if !hyph && v > 0.0 => {
                            st.cur += v;
                            st.prev = if tens { Prev::Tens } else { Prev::Unit };
                        }
                        _ => break,
                    }
                }
                Tk::Digits(d) => {
                    if !(matches!(st.prev, Prev::Hundred | Prev::Big)
                        && !hyph
                        && d.frac_digits == 0
                        && !d.grouped
                        && d.v > 0.0
                        && d.v < 1000.0
                        && !(st.prev == Prev::Hundred && d.v >= 100.0))
                    {
                        break;
                    }
                    // "4 thousand 3 hundred and 21": digits only continue a digit phrase
                    if st.words && init.is_none() {
                        break;
                    }
                    st.cur += d.v;
                    st.prev = Prev::Digits;
                }
                Tk::Hundred => {
                    if and || hyph {
                        break;
                    }
                    match st.prev {
                        Prev::Unit | Prev::Tens | Prev::Digits | Prev::A if !st.hund && cur_ok => {
                            st.cur *= 100.0;
                        }
                        Prev::None => st.cur = 100.0,
                        _ => {
                            if and_snap.is_some()
                                && matches!(st.prev, Prev::Unit | Prev::Tens | Prev::Digits)
                            {
                                best = and_snap;
                            }
                            break;
                        }
                    }
                    st.hund = true;
                    st.hund_part = st.cur;
                    st.prev = Prev::Hundred;
                    st.mult = 100.0;
                }
                Tk::Big(m) => {
                    if and || hyph {
                        break;
                    }
                    match st.prev {
                        Prev::Unit
                        | Prev::Tens
                        | Prev::Digits
                        | Prev::Hundred
                        | Prev::A
                        | Prev::Frac
                            if cur_ok && m < st.last_big =>
                        {
                            st.total += st.cur * m;
                            st.cur = 0.0;
                        }
                        Prev::Big if st.cur == 0.0 && st.total * m < 1e300 => st.total *= m,
                        Prev::None => st.total = m,
                        _ => {
                            if and_snap.is_some()
                                && matches!(st.prev, Prev::Unit | Prev::Tens | Prev::Digits)
                            {
                                best = and_snap;
                            }
                            break;
                        }
                    }
                    st.hund = false;
                    st.last_big = m;
                    st.prev = Prev::Big;
                    st.mult = m;
                }
                Tk::Dozen => {
                    if and {
                        break;
                    }
                    match st.prev {
                        Prev::Unit | Prev::Tens | Prev::Digits | Prev::A | Prev::Frac if cur_ok => {
                            let hp = if st.hund { st.hund_part } else { 0.0 };
                            st.cur = hp + (st.cur - hp) * 12.0;
                        }
                        Prev::None if !hyph => st.cur = 12.0,
                        _ => break,
                    }
                    st.approx = true;
                    st.hund = true;
                    st.hund_part = st.cur;
                    st.prev = Prev::Hundred;
                    st.mult = 12.0;
                }
                Tk::Frac(den, plural) => {
                    if and {
                        break;
                    }
                    match st.prev {
                        Prev::None if !plural && (den == 2.0 || den == 4.0) => {
                            st.cur = 1.0 / den;
                        }
                        Prev::Unit | Prev::Tens | Prev::A
                            if st.total == 0.0 && !st.hund && !st.frac =>
                        {
                            if !plural && st.cur > 1.0 && den != 2.0 {
                                break;
                            }
                            st.cur /= den;
                            st.frac_num = true;
                        }
                        // "one hundred thirty-two fifths": the whole number is the numerator
                        Prev::Unit | Prev::Tens if plural && !st.frac => {
                            st.cur = (st.total + st.cur) / den;
                            st.total = 0.0;
                            st.frac_num = true;
                        }
                        _ => break,
                    }
                    st.frac = true;
                    st.prev = Prev::Frac;
                    // "half a dozen", "half a million", "two thirds of a million"
                    let mut k = e;
                    if let Some(of) = read_word(text, skip_sp(text.as_bytes(), k, lim), lim)
                        && of.is("of")
                    {
                        k = of.e;
                    }
                    if let Some((Tk::A, _, ae)) = self.tok(text, k, lim)
                        && let Some((t2, _, me)) = self.tok(text, ae, lim)
                    {
                        let m = match t2 {
                            Tk::Dozen => Some(12.0),
                            Tk::Big(m) => Some(m),
                            Tk::Hundred => Some(100.0),
                            _ => None,
                        };
                        if let Some(m) = m {
                            st.cur *= m;
                            st.mult = m;
                            st.approx |= m == 12.0;
                            st.prev = Prev::Big;
                            st.last_big = m;
                            st.words = true;
                            st.ntok += 3;
                            st.e = me;
                            best = Some(st);
                            q = me;
                            and = false;
                            hyph = false;
                            continue;
                        }
                    }
                }
                Tk::A => {
                    if st.prev != Prev::None || and || hyph {
                        break;
                    }
                    st.cur = 1.0;
                    st.prev = Prev::A;
                    st.ntok += 1;
                    q = e;
                    st.e = e;
                    continue;
                }
                Tk::Point => {
                    if and
                        || hyph
                        || !matches!(st.prev, Prev::Unit | Prev::Tens | Prev::Hundred | Prev::Big)
                        || st.frac
                    {
                        break;
                    }
                    match self.point_digits(text, e, lim) {
                        Some((f, n, pe)) => {
                            st.cur += f;
                            st.dec_unit = pow10(-(n as i32));
                            st.point = true;
                            st.words = true;
                            st.ntok += 2;
                            st.e = pe;
                            best = Some(st);
                        }
                        None => break,
                    }
                    break;
                }
                Tk::Other => break,
            }
            and = false;
            hyph = false;
            st.words = true;
            st.ntok += 1;
            st.e = e;
            q = e;
            if st.prev != Prev::A {
                best = Some(st);
            }
        }
        best
    }

    /// After "and": "a half", "one half", "three quarters", "two thirds" -> (value, end).
    fn frac_after_and(&self, text: &str, p: usize, lim: usize) -> Option<(f64, usize)> {
        let (t1, _, e1) = self.tok(text, p, lim)?;
        let num = match t1 {
            Tk::A => 1.0,
            Tk::Card(v) if v > 0.0 && v < 20.0 => v,
            _ => return None,
        };
        let mut q = e1;
        if let Some((Tk::Hyphen, _, he)) = self.tok(text, q, lim) {
            q = he;
        }
        match self.tok(text, q, lim)? {
            (Tk::Frac(d, plural), _, e2) if plural || num == 1.0 => Some((num / d, e2)),
            _ => None,
        }
    }

    /// After "point": "zero three" -> .03, "seventy-one" -> .71.
    fn point_digits(&self, text: &str, p: usize, lim: usize) -> Option<(f64, usize, usize)> {
        let mut q = p;
        let mut frac = 0.0;
        let mut n = 0;
        let mut end = None;
        // single digits read one by one
        while let Some((Tk::Card(v), _, e)) = self.tok(text, q, lim) {
            if v >= 10.0 || n > 12 {
                break;
            }
            n += 1;
            frac += v * pow10(-n);
            q = e;
            end = Some(e);
        }
        if let Some(e) = end {
            return Some((frac, n as usize, e));
        }
        let st = self.card(text, p, lim, None)?;
        let v = st.cur + st.total;
        if v <= 0.0 || v >= 100.0 || v.fract() != 0.0 || st.frac {
            return None;
        }
        let n = if v < 10.0 { 1 } else { 2 };
        Some((v * pow10(-n), n as usize, st.e))
    }

    /// Parses the numeric core at `p`.
    fn core(&self, text: &str, p: usize, lim: usize) -> Option<Core> {
        self.core_with(text, p, lim, true)
    }

    /// `core`; with `word_shortcut`, a word in no list (and not "a" or "an") is turned away
    /// before `card` reads it again: it reads as `Tk::Other`, "and" or "point", and each
    /// ends a phrase that has no token yet with nothing found. Words after a comma or a
    /// connector ("1959, p. 170", "51, Salt and Reed") are mostly such words.
    #[inline(always)]
    fn core_with(&self, text: &str, p: usize, lim: usize, word_shortcut: bool) -> Option<Core> {
        let b = text.as_bytes();
        // A candidate can end exactly at the range's end (found by fuzzing: "… 3,33,Or").
        if p >= lim.min(b.len()) {
            return None;
        }
        let mut c = Core {
            s: p,
            e: p,
            low: 0.0,
            high: None,
            unit: 1.0,
            kind: NumberKind::Count,
            words: false,
            plain4: false,
            short_int: false,
            bare_one: false,
            mult: 1.0,
            base: 0.0,
            small_word: false,
            approx: false,
            capital: false,
            bad: false,
        };
        // negative: "minus five", "-9.5"
        if b[p] == b'-' || b[p].is_ascii_alphabetic() && self.negative_word(text, p, lim).is_some()
        {
            let after = if b[p] == b'-' {
                p + 1
            } else {
                self.negative_word(text, p, lim)?
            };
            let q = skip_sp(b, after, lim);
            if q >= lim || (b[p] == b'-' && q != after && p != 0) {
                return None;
            }
            let mut inner = self.core(text, q, lim)?;
            if inner.bad || inner.kind == NumberKind::Vague {
                return None;
            }
            inner.s = p;
            inner.low = -inner.low;
            inner.base = -inner.base;
            inner.plain4 = false;
            inner.bare_one = false;
            inner.small_word = false;
            return Some(inner);
        }
        // vulgar fraction characters
        if b[p] >= 0x80 {
            for (sym, v) in &self.frac_symbols {
                if text[p..].starts_with(sym.as_str()) {
                    c.e = p + sym.len();
                    c.low = *v;
                    c.base = *v;
                    c.unit = 0.01;
                    c.kind = NumberKind::Fraction;
                    return Some(c);
                }
            }
            return None;
        }
        if b[p].is_ascii_digit() || b[p] == b'.' {
            let d = digits(b, p, lim)?;
            c.e = d.e;
            if d.dotted || d.too_long || d.leading_zero {
                c.bad = true;
                return Some(c);
            }
            c.low = d.v;
            c.base = d.v;
            c.unit = d.unit;
            c.plain4 = d.int_digits == 4 && !d.grouped && d.frac_digits == 0;
            c.short_int = d.int_digits <= 2 && d.frac_digits == 0;
            // where the next word starts (for "5 1/2" and "1.2 million"), read once
            let after = skip_sp(b, d.e, lim);
            // slash fractions: "1/2", "5 1/2"; a second slash makes a date or code
            if d.frac_digits == 0 && !d.grouped {
                if d.e + 1 < lim && b[d.e] == b'/' && b[d.e + 1].is_ascii_digit() {
                    let den = digits(b, d.e + 1, lim)?;
                    c.e = den.e;
                    if den.e < lim
                        && matches!(b[den.e], b'/' | b'.' | b'-' | b':')
                        && den.e + 1 < lim
                        && b[den.e + 1].is_ascii_digit()
                        || den.v == 0.0
                        || den.frac_digits > 0
                        || den.grouped
                    {
                        c.bad = true;
                        return Some(c);
                    }
                    c.low = d.v / den.v;
                    c.base = c.low;
                    c.unit = 0.01;
                    c.kind = NumberKind::Fraction;
                    c.plain4 = false;
                    c.short_int = false;
                    return Some(c);
                }
                let q = after;
                if q > d.e && q - d.e <= 2 && q < lim && b[q].is_ascii_digit() {
                    let n1 = digits(b, q, lim)?;
                    if n1.e + 1 < lim
                        && b[n1.e] == b'/'
                        && n1.frac_digits == 0
                        && !n1.grouped
                        && b[n1.e + 1].is_ascii_digit()
                    {
                        let den = digits(b, n1.e + 1, lim)?;
                        let slash_after = den.e < lim
                            && matches!(b[den.e], b'/' | b'.' | b':')
                            && den.e + 1 < lim
                            && b[den.e + 1].is_ascii_digit();
                        if !slash_after && den.frac_digits == 0 && den.v > n1.v && n1.v > 0.0 {
                            c.e = den.e;
                            c.low = d.v + n1.v / den.v;
                            c.base = c.low;
                            c.unit = 0.01;
                            c.plain4 = false;
                            c.short_int = false;
                            return Some(c);
                        }
                    }
                }
            }
            // multiplier words after digits: "1.2 million", "3 hundred and 21", "3 dozens"
            // (`card` ends at `d.e` unless "and" or a multiplier follows)
            if self.digits_may_grow(b, after, lim)
                && let Some(st) = self.card_full(text, p, lim, Some(d))
                && st.e > d.e
            {
                c.e = st.e;
                c.low = st.total + st.cur;
                c.base = d.v;
                c.mult = st.mult;
                c.words = true;
                c.approx = st.approx;
                c.unit = if d.frac_digits > 0 {
                    d.unit * st.mult
                } else {
                    int_unit(c.low)
                };
                c.plain4 = false;
                c.short_int = false;
            }
            return Some(c);
        }
        // words
        let w = read_word(text, p, lim)?;
        c.capital = b[p].is_ascii_uppercase();
        let x = self.words.get(w.bytes());
        if word_shortcut && x.is_none() && !w.is("a") && !w.is("an") {
            return None;
        }
        if let Some(x) = x
            && let Some((vl, vh)) = x.vague
            && x.card.is_none()
        {
            // bare plural multiplier: "thousands", "hundreds of thousands"
            let mut lo = vl;
            let mut hi = vh;
            let mut e = w.e;
            let mut guard = 0;
            loop {
                guard += 1;
                let Some(of) = read_word(text, skip_sp(b, e, lim), lim) else {
                    break;
                };
                if !of.is("of") || guard > 8 {
                    break;
                }
                let Some(n) = read_word(text, skip_sp(b, of.e, lim), lim) else {
                    break;
                };
                match self.words.get(n.bytes()) {
                    Some(W {
                        vague: Some((l2, _)),
                        ..
                    }) if lo * l2 < 1e300 => {
                        lo *= l2;
                        hi *= l2;
                        e = n.e;
                    }
                    _ => break,
                }
            }
            c.e = e;
            c.low = lo;
            c.high = Some(hi);
            c.base = lo;
            c.unit = lo;
            c.kind = NumberKind::Vague;
            c.approx = true;
            c.words = true;
            return Some(c);
        }
        if w.is("couple") {
            return None;
        }
        let st = self.card(text, p, lim, None)?;
        if st.prev == Prev::A {
            return None;
        }
        c.e = st.e;
        c.low = st.total + st.cur;
        c.base = c.low;
        c.words = true;
        c.mult = st.mult;
        c.approx = st.approx;
        c.unit = if st.point {
            st.dec_unit * if st.mult > 1.0 { st.mult } else { 1.0 }
        } else {
            value_unit(c.low)
        };
        if st.frac && st.total == 0.0 && st.cur < 1.0 && st.mult == 1.0 {
            c.kind = NumberKind::Fraction;
        }
        let text_core = &text[c.s..c.e];
        c.bare_one = text_core.eq_ignore_ascii_case("one");
        c.small_word = st.ntok == 1 && !st.frac && c.low < 100.0
            || (st.ntok <= 3 && c.low < 100.0 && !st.frac && st.mult == 1.0);
        // a lone singular fraction needs a numerator or must be "half"
        if st.frac && !st.frac_num && st.ntok == 1 && !text_core.eq_ignore_ascii_case("half") {
            return None;
        }
        Some(c)
    }

    fn negative_word(&self, text: &str, p: usize, lim: usize) -> Option<usize> {
        // Most anchors start with no negative's first letter: they are not read as words.
        // (A word too long for `Wd` is looked up as the empty word: 0 is its entry.)
        if p < lim
            && let Some(&c) = text.as_bytes().get(p)
            && self.negative.lens[usize::from(c.to_ascii_lowercase())] == 0
            && self.negative.lens[0] == 0
        {
            return None;
        }
        let w = read_word(text, p, lim)?;
        if !self.negative.contains(w.bytes()) {
            return None;
        }
        let q = skip_sp(text.as_bytes(), w.e, lim);
        if q < lim
            && (text.as_bytes()[q].is_ascii_digit()
                || read_word(text, q, lim)
                    .is_some_and(|n| self.words.get(n.bytes()).is_some_and(|x| x.card.is_some())))
        {
            Some(w.e)
        } else {
            None
        }
    }

    /// Hard rejections of a digit core from its immediate surroundings; returns how far a
    /// rejected chain ("1937-38", "pp. 15–17", "+1-222-2222") extends.
    /// The core is taken to start at `s`.
    fn digit_context_bad(
        &self,
        text: &str,
        c: &Core,
        s: usize,
        lo: usize,
        lim: usize,
    ) -> Option<usize> {
        let b = text.as_bytes();
        let e = c.e;
        let chain = |e: usize| chain_end(b, e, lim);
        if c.bad {
            return Some(chain(e));
        }
        // glued to letters on the left ("B52", "c1938", "SCP-173", "mid-1930s", "%28")
        if let Some(pc) = char_before(text, s) {
            if pc.is_alphabetic()
                || matches!(
                    pc,
                    '_' | '%' | '@' | '&' | '=' | '#' | '№' | '§' | '/' | '\\' | '+'
                )
            {
                return Some(chain(e));
            }
            if matches!(pc, '-' | '–' | '‑') && alpha_before(text, s - pc.len_utf8()) {
                return Some(chain(e));
            }
            if matches!(pc, '.' | ':')
                && s >= 2
                && (b[s - 2].is_ascii_digit() || alpha_before(text, s - 1))
            {
                return Some(chain(e));
            }
            // a small number right after a capitalised name and before punctuation: "Nuksha 2,"
            // (the byte after first: most small numbers go on with a space)
            if c.short_int
                && (e >= lim || matches!(b[e], b',' | b'.' | b')' | b';'))
                && let Some(w) =
                    prev_word_where(text, s, lo.saturating_sub(32), |c| c.is_ascii_uppercase())
                && !sentence_start(b, w.s, lo)
                && !self.is_month(text, &w)
            {
                return Some(chain(e));
            }
        }
        // glued on the right: "17th", "1930s", "29km", "10k", "50-х", "10.1093/abc", "10:00"
        if let Some(nc) = char_at(text, e) {
            if nc.is_alphabetic() {
                let mut k = e;
                while k < b.len() && alpha_at(text, k) {
                    k += char_at(text, k).map_or(1, |c| c.len_utf8());
                }
                return Some(chain(k));
            }
            if matches!(nc, '-' | '‑') {
                let mut k = e + 1;
                let mut n = 0;
                while k < b.len() && alpha_at(text, k) && n < 4 {
                    k += char_at(text, k).map_or(1, |c| c.len_utf8());
                    n += 1;
                }
                if (1..=2).contains(&n) && !alpha_at(text, k) {
                    return Some(chain(k));
                }
            }
            if matches!(nc, ':' | '/' | '@' | '_')
                && e + 1 < b.len()
                && (b[e + 1].is_ascii_alphanumeric())
            {
                let mut k = e + 1;
                while k < lim && b[k].is_ascii_alphanumeric() {
                    k += 1;
                }
                return Some(chain(k));
            }
        }
        // phone-like: three or more digit groups joined by hyphens or dots
        if hyphen_groups(b, e, lim) >= 2 {
            return Some(chain(e));
        }
        // list numbering at a line start: "1. ", "2) "
        if c.short_int
            && e + 1 < lim
            && matches!(b[e], b'.' | b')')
            && matches!(b[e + 1], b' ' | b'\t')
        {
            let mut k = s;
            while k > 0 && matches!(b[k - 1], b' ' | b'\t') {
                k -= 1;
            }
            if k == 0 || b[k - 1] == b'\n' {
                return Some(e + 1);
            }
        }
        // identifiers: "Order no. 00447", "p. 200", "Pages 250, 257–258", "Article 58-14"
        let q = skip_sp_back(b, s, 0);
        let q2 = if q > 0 && matches!(b[q - 1], b'#' | b':') {
            skip_sp_back(b, q - 1, 0)
        } else {
            q
        };
        if self
            .identifiers
            .find(text, q2, lo.saturating_sub(64))
            .is_some()
            // Without a '#' or ':' in between, the second look is the first again.
            || (q2 != q
                && self
                    .identifiers
                    .find(text, q, lo.saturating_sub(64))
                    .is_some())
        {
            return Some(chain_list(b, e, lim));
        }
        // dates: "July 30, 1937", "30 July 1937", "March 15th"
        if c.short_int && c.low >= 1.0 && c.low <= 31.0 {
            // "Jan. 27, 1925": step over the abbreviation's dot
            let q = skip_sp_back(b, s, lo.saturating_sub(32));
            let q = if q > 0 && b[q - 1] == b'.' { q - 1 } else { q };
            // (`is_month` wants a capital: other words are not read)
            if let Some(w) =
                prev_word_where(text, q, lo.saturating_sub(32), |c| c.is_ascii_uppercase())
                && self.is_month(text, &w)
            {
                return Some(chain(e));
            }
            // a month name starts with a capital (`is_month`): most words after are not read
            let k = skip_sp(b, e, lim);
            if k < b.len()
                && b[k].is_ascii_uppercase()
                && let Some(w) = read_word(text, k, b.len())
                && self.is_month(text, &w)
            {
                return Some(w.e.min(lim).max(e));
            }
        }
        // inside a URL or path-like token
        let mut k = s;
        let floor = s.saturating_sub(48);
        while k > floor && !matches!(b[k - 1], b' ' | b'\n' | b'\t') {
            k -= 1;
            if b[k] == b'/' && k + 1 < b.len() && b[k + 1] == b'/' {
                return Some(chain_token(b, e, lim));
            }
        }
        None
    }

    fn is_month(&self, text: &str, w: &Wd) -> bool {
        // month names count only capitalised ("May 4", not "may 4")
        if !text.as_bytes()[w.s].is_ascii_uppercase() {
            return false;
        }
        if w.e - w.s <= MAXW {
            self.months.contains(w.bytes())
        } else {
            self.months
                .contains(text[w.s..w.e].to_ascii_lowercase().as_bytes())
        }
    }

    /// Is the bare four-digit number at `c` a year?
    // The tests are independent: the cheap ones that decide alone come first. A lower-case
    // plural or count noun after the number without a year preposition before it ("1500
    // workers") is a quantity whatever else holds; the hedge lookup, the dearest test, comes
    // last. `is_year_in_order` is the order the rule was written in, kept as its oracle.
    fn is_year(&self, text: &str, c: &Core, lo: usize, lim: usize) -> bool {
        if !c.plain4 || !(1000.0..=2099.0).contains(&c.low) {
            return false;
        }
        let b = text.as_bytes();
        if self.noun_after(text, c, lim)
            && !prev_word(text, c.s, lo.saturating_sub(24))
                .is_some_and(|w| self.year_preps.contains(w.bytes()))
        {
            return false;
        }
        if let Some(pc) = char_before(text, skip_sp_back(b, c.s, lo.saturating_sub(8)))
            && matches!(pc, '$' | '£' | '€' | '¥')
        {
            return false;
        }
        if self
            .percent
            .candidates(b, c.e, lim)
            .any(|(p, _)| match_fwd(text, c.e, lim, p).is_some())
        {
            return false;
        }
        // "above 1000", "more than 2000": a bound is a quantity, not a year
        !self.bound_before(text, c, lo)
    }

    /// Is a lower-case plural or count noun the word after `c` ("1500 workers")?
    #[inline(always)]
    fn noun_after(&self, text: &str, c: &Core, lim: usize) -> bool {
        let b = text.as_bytes();
        let after = skip_sp(b, c.e, lim);
        // `read_word` reads no word there unless a letter starts it, and the noun must start
        // lower-case
        if after >= lim || !b[after].is_ascii_lowercase() {
            return false;
        }
        read_word(text, after, lim).is_some_and(|w| {
            let ws = w.bytes();
            (ws.len() > 3 && ws.ends_with(b"s") && !ws.ends_with(b"ss"))
                || self.count_nouns.contains(ws)
        })
    }

    /// Does a lower or upper bound ("more than", but not "up to") end just before `c`?
    #[inline(always)]
    fn bound_before(&self, text: &str, c: &Core, lo: usize) -> bool {
        let b = text.as_bytes();
        matches!(
            self.hedges_before.find(text, c.s, lo.saturating_sub(32)),
            Some((hs, Hedge::Lower | Hedge::Upper))
                if !b[hs..c.s]
                    .get(..5)
                    .is_some_and(|w| w.eq_ignore_ascii_case(b"up to"))
        )
    }

    /// Full figure at `anchor`. Returns the match (if any) and where scanning resumes.
    fn figure(
        &self,
        text: &str,
        anchor: usize,
        lo: usize,
        lim: usize,
        out: &[NumberMatch],
    ) -> (Option<NumberMatch>, usize, bool) {
        let b = text.as_bytes();
        let mut start = anchor;
        // leading "-" or "." belongs to the number ("-4/5", ".08")
        if anchor > lo && b[anchor].is_ascii_digit() {
            let pc = b[anchor - 1];
            if (pc == b'-' || pc == b'.')
                && (anchor - 1 == 0
                    || matches!(b[anchor - 2], b' ' | b'\n' | b'\t' | b'(')
                    || anchor - 1 == lo)
                && !(pc == b'-' && prev_is_number(b, anchor - 1, lo))
            {
                start = anchor - 1;
            }
        }
        // "a hundred", "a dozen", "a half", "a couple"
        let mut a_start = None;
        if b[anchor].is_ascii_alphabetic()
            && let Some(w) = read_word(text, anchor, lim)
            && let Some(pw) = prev_word(text, anchor, lo)
            && (pw.is("a") || pw.is("an"))
            && pw.s >= lo
        {
            let x = self.words.get(w.bytes()).copied().unwrap_or_default();
            if x.mult.is_some() || x.frac.is_some() || w.is("couple") {
                a_start = Some(pw.s);
            }
        }
        if let Some(w) = read_word(text, anchor, lim)
            && w.is("couple")
        {
            return (self.couple(text, a_start, &w, lo, lim), w.e, false);
        }
        let core_at = a_start.unwrap_or(start);
        let Some(mut a) = self.core(text, core_at, lim).or_else(|| {
            if core_at != anchor {
                self.core(text, anchor, lim)
            } else {
                None
            }
        }) else {
            let e = read_word(text, anchor, lim).map_or(anchor + 1, |w| w.e);
            return (None, e, false);
        };
        let resume = a.e;
        // singular ordinal-looking fraction after "a" before a noun is an ordinal: "a third trial"
        if a.kind == NumberKind::Fraction && a.words && a_start.is_some() {
            let tw = &b[a.s..a.e];
            if !(tw.len() >= 4 && tw[tw.len() - 4..].eq_ignore_ascii_case(b"half"))
                && let Some(nw) = read_word(text, skip_sp(b, a.e, lim), lim)
                && !matches!(
                    nw.bytes(),
                    b"of"
                        | b"and"
                        | b"or"
                        | b"to"
                        | b"were"
                        | b"was"
                        | b"is"
                        | b"are"
                        | b"in"
                        | b"than"
                        | b"less"
                        | b"more"
                )
            {
                return (None, resume, false);
            }
        }
        if !a.words || b[a.s].is_ascii_digit() || b[a.s] == b'.' || b[a.s] == b'-' {
            if b[a.s].is_ascii_digit()
                || b[a.s] == b'.'
                || (b[a.s] == b'-' && a.s + 1 < b.len() && b[a.s + 1].is_ascii_digit())
            {
                // a sign or point is judged by the digits after it
                let ds = if b[a.s] == b'-' || b[a.s] == b'.' {
                    anchor
                } else {
                    a.s
                };
                if let Some(skip) = self.digit_context_bad(text, &a, ds, lo, lim) {
                    return (None, skip.max(resume), false);
                }
            }
        } else if self.word_context_bad(text, &a, lo) {
            return (None, resume, false);
        }
        // quantifier before a multiplier or vague plural: "a few hundred", "many thousands"
        let mut qstart = None;
        if a.words
            && (a.kind == NumberKind::Vague
                || (a.base == a.mult
                    && a.mult >= 100.0
                    && !b[a.s].is_ascii_digit()
                    && a_start.is_none()))
            && let Some((qs, (ql, qh))) = self.quantifiers.find(text, a.s, lo)
        {
            let base = if a.kind == NumberKind::Vague {
                a.low
            } else {
                a.mult
            };
            a.low = ql * base;
            a.high = qh.map(|h| h * base);
            a.kind = NumberKind::Vague;
            a.approx = true;
            a.unit = base;
            qstart = Some(qs);
        }
        let mut f = Fig {
            a,
            b: None,
            s: qstart.unwrap_or(a.s),
            e: a.e,
            percent: false,
            relative: false,
            den: None,
            between: None,
        };
        // ranges and alternatives
        self.range(text, &mut f, lo, lim);
        if f.a.bad {
            return (None, chain_end(b, resume, lim), false);
        }
        // years: a bare four-digit number, or a period "1936–1938"
        if let Some(bc) = f.b {
            let a_year = f.a.plain4 && (1000.0..=2099.0).contains(&f.a.low);
            let b_year = (bc.plain4 && (1000.0..=2099.0).contains(&bc.low))
                || (bc.short_int && a_year && bc.s > 0 && matches!(b[bc.s - 1], b'-' | b'/')
                    || bc.short_int && a_year && text[..bc.s].ends_with('–'));
            if a_year && b_year {
                return (None, f.e.max(resume), false);
            }
        } else if self.is_year(text, &f.a, lo, lim) {
            return (None, chain_end(b, resume, lim), false);
        }
        let a = f.a;
        // where the words after the figure start, read once for the lists tried there
        let mut after = (f.e, skip_sp(b, f.e, lim));
        // percent after the figure ("80 percent", "25%", "20 to 30 per cent")
        if a.kind != NumberKind::Vague {
            for (p, _) in self.percent.candidates_at(b, after.1, lim) {
                if let Some(pe) = match_fwd(text, f.e, lim, p) {
                    // "percent of" inverted forms are not this figure's unit
                    f.e = pe;
                    f.percent = true;
                    break;
                }
            }
        }
        // relative: "two and a half times as high", "10 times more"
        if !f.percent && f.b.is_none() {
            // (`f.e` is where it was: no percent moved it)
            for (r, _) in self.relative.candidates_at(b, after.1, lim) {
                if let Some(te) = match_fwd(text, f.e, lim, r)
                    && let Some(cw) = read_word(text, skip_sp(b, te, lim), lim)
                    && self.comparatives.contains(cw.bytes())
                {
                    let mut e = cw.e;
                    if cw.is("as")
                        && let Some(w2) = read_word(text, skip_sp(b, e, lim), lim)
                    {
                        e = w2.e;
                    }
                    f.e = e;
                    f.relative = true;
                    break;
                }
            }
        }
        // "13 of 15", "Four of the other five", "154 out of 186", "two people from the eight"
        if !f.percent
            && !f.relative
            && f.b.is_none()
            && a.kind == NumberKind::Count
            && a.low.fract() == 0.0
            && a.low >= 0.0
            && let Some((de, dv)) = self.of_denominator(text, f.e, lim, a.low)
        {
            f.e = de;
            f.den = Some(dv);
        }
        // a bare "one" or a small spelled number after "the" needs more support
        if f.b.is_none()
            && f.den.is_none()
            && !f.percent
            && !f.relative
            && a.small_word
            && a.words
            && !b[a.s].is_ascii_digit()
        {
            let pw = prev_word(text, f.s, lo);
            // "the three Moscow trials", "the other five": a back-reference, not a new figure.
            // But a sentence opening "Of the seven members …, four were …" states a total.
            let partitive_opening = pw.is_some_and(|w| {
                w.is("the")
                    && prev_word(text, w.s, lo)
                        .is_some_and(|o| o.is("of") && text.as_bytes()[o.s] == b'O')
            });
            if partitive_opening {
                // keep it
            } else if pw.is_some_and(|w| w.is("the"))
                || pw.is_some_and(|w| {
                    w.is("other") && prev_word(text, w.s, lo).is_some_and(|t| t.is("the"))
                })
            {
                return (None, resume, false);
            }
        }
        let vs = f.s;
        let ve = f.e;
        // hedges before
        let mut hedge = None;
        let mut s = f.between.unwrap_or(f.s);
        let floor = out.last().map_or(lo, |m| m.span.end).max(lo);
        if f.between.is_none()
            && let Some((hs, h)) = self.hedges_before.find(text, f.s, floor)
            && !(hs > 0 && matches!(b[hs - 1], b'<' | b'>' | b'='))
        {
            hedge = Some(h);
            s = hs;
        }
        // hedges after: "12 and over", "500 or more" (but not "or more than 10")
        let mut e = f.e;
        if hedge.is_none() && f.b.is_none() {
            if after.0 != f.e {
                after = (f.e, skip_sp(b, f.e, lim));
            }
            for (hp, h) in self.hedges_after.candidates_at(b, after.1, lim) {
                if let Some(he) = match_fwd(text, f.e, lim, hp) {
                    let nx = skip_sp(b, he, lim);
                    let follows_num = nx < lim
                        && (b[nx].is_ascii_digit()
                            || read_word(text, nx, lim).is_some_and(|w| {
                                w.is("than") || w.is("to") || self.words.contains(w.bytes())
                            }));
                    if !follows_num {
                        hedge = Some(*h);
                        e = he;
                        break;
                    }
                }
            }
        }
        if a.bare_one && f.b.is_none() && f.den.is_none() && hedge.is_none() && !f.percent {
            // "one" as pronoun or article: only "one month", "one copy" count outright
            let unit_follows = read_word(text, skip_sp(b, a.e, lim), lim).is_some_and(|w| {
                let ws = w.bytes();
                self.one_units.contains(ws)
                    || ws
                        .strip_suffix(b"s")
                        .is_some_and(|x| self.one_units.contains(x))
            });
            if !unit_follows {
                let nw = read_word(text, skip_sp(b, a.e, lim), lim);
                // "one of the most senior", "no one", "one another": never
                if nw.is_some_and(|w| w.is("of") || w.is("another") || w.is("day") || w.is("by"))
                    || prev_word(text, a.s, lo).is_some_and(|w| {
                        matches!(
                            w.bytes(),
                            b"no"
                                | b"any"
                                | b"every"
                                | b"some"
                                | b"the"
                                | b"this"
                                | b"that"
                                | b"which"
                                | b"each"
                                | b"someone"
                                | b"only"
                        )
                    })
                {
                    return (None, resume, false);
                }
                // weak: the caller keeps it only in a list of counts
                return (
                    Some(self.build(&f, s, e, vs, ve, hedge)),
                    resume.max(e),
                    true,
                );
            }
        }
        let m = self.build(&f, s, e, vs, ve, hedge);
        (Some(m), e.max(resume), false)
    }

    fn word_context_bad(&self, text: &str, a: &Core, lo: usize) -> bool {
        let b = text.as_bytes();
        // capitalised number word mid-sentence: part of a name or title ("the Big Three"),
        // unless it opens an "N of M" figure after an unpunctuated citation
        if a.capital
            && !sentence_start(b, a.s, lo)
            && self.of_denominator(text, a.e, b.len(), a.low).is_none()
        {
            return true;
        }
        // title case inside a compound: "Twenty-One", "One-Sixth"
        if a.capital
            && text[a.s..a.e]
                .bytes()
                .zip(text[a.s..a.e].bytes().skip(1))
                .any(|(x, y)| x == b'-' && y.is_ascii_uppercase())
        {
            return true;
        }
        // the name of a cell, corridor, camp: "corridor nine"
        if a.small_word
            && self
                .identifiers
                .find(text, a.s, lo.saturating_sub(32))
                .is_some()
        {
            return true;
        }
        // "an hour and a half": a fraction added to a noun, not a figure of its own
        if a.kind == NumberKind::Fraction
            && b[a.s].eq_ignore_ascii_case(&b'a')
            && prev_word(text, a.s, lo).is_some_and(|w| w.is("and"))
        {
            return true;
        }
        // "minus six" in quotes is a name (a penalty), not a negative number
        if b[a.s].is_ascii_alphabetic()
            && a.low < 0.0
            && char_before(text, a.s).is_some_and(|c| matches!(c, '"' | '“' | '«' | '\''))
        {
            return true;
        }
        // glued to a word by a hyphen on the left ("Part-Two", "mid-thirties")
        if a.s > 0 && b[a.s - 1] == b'-' && alpha_before(text, a.s - 1) {
            return true;
        }
        // ordinal follows as part of a compound ("twenty-first")
        if a.e < b.len()
            && b[a.e] == b'-'
            && let Some(w) = read_word(text, a.e + 1, b.len())
            && self.ordinals.contains(w.bytes())
        {
            return true;
        }
        false
    }

    fn couple(
        &self,
        text: &str,
        a_start: Option<usize>,
        w: &Wd,
        lo: usize,
        lim: usize,
    ) -> Option<NumberMatch> {
        let s = a_start?;
        let b = text.as_bytes();
        let mut e = w.e;
        let mut low = 2.0;
        let mut high = 2.0;
        let mut kind = NumberKind::Count;
        if let Some(of) = read_word(text, skip_sp(b, e, lim), lim)
            && of.is("of")
            && let Some(n) = read_word(text, skip_sp(b, of.e, lim), lim)
            && let Some(m) = self.words.get(n.bytes()).and_then(|x| x.mult)
        {
            low = 2.0 * m;
            high = low;
            e = n.e;
            kind = NumberKind::Vague;
        }
        let f = Fig {
            a: Core {
                s,
                e,
                low,
                high: Some(high),
                unit: low / 2.0,
                kind,
                words: true,
                plain4: false,
                short_int: false,
                bare_one: false,
                mult: 1.0,
                base: low,
                small_word: false,
                approx: true,
                capital: false,
                bad: false,
            },
            b: None,
            s,
            e,
            percent: false,
            relative: false,
            den: None,
            between: None,
        };
        let mut hedge = None;
        let mut hs = s;
        if let Some((q, h)) = self.hedges_before.find(text, s, lo) {
            hedge = Some(h);
            hs = q;
        }
        Some(self.build(&f, hs, e, s, e, hedge))
    }

    /// "of 15", "out of 186", "of the other five", "people from the eight" -> (end, M).
    fn of_denominator(&self, text: &str, p: usize, lim: usize, n: f64) -> Option<(usize, f64)> {
        // Most figures are followed by a word that is neither "of", "out" nor "from", nor a
        // lower-case noun before "from": that is told from the bytes, without reading words.
        let b = text.as_bytes();
        let s = skip_sp(b, p, lim);
        if s >= lim || !b[s].is_ascii_alphabetic() {
            return None;
        }
        let e = s + 1 + b[s + 1..].iter().take_while(|&&c| is_letter(c)).count();
        // `read_word` takes no word cut by `lim`
        if e > lim {
            return None;
        }
        let w = &b[s..e];
        if !(w.eq_ignore_ascii_case(b"of")
            || w.eq_ignore_ascii_case(b"out")
            || w.eq_ignore_ascii_case(b"from"))
        {
            if b[s].is_ascii_uppercase() {
                return None;
            }
            let t = skip_sp(b, e, lim);
            if !b[t..lim]
                .get(..4)
                .is_some_and(|x| x.eq_ignore_ascii_case(b"from"))
            {
                return None;
            }
        }
        self.of_denominator_full(text, p, lim, n)
    }

    /// `of_denominator` without the shortcut.
    fn of_denominator_full(
        &self,
        text: &str,
        p: usize,
        lim: usize,
        n: f64,
    ) -> Option<(usize, f64)> {
        let b = text.as_bytes();
        let mut w = read_word(text, skip_sp(b, p, lim), lim)?;
        let mut from = false;
        if w.is("out") {
            w = read_word(text, skip_sp(b, w.e, lim), lim)?;
            if !w.is("of") {
                return None;
            }
        } else if !w.is("of") && !w.is("from") {
            // one noun between: "two people from the eight"
            if b[w.s].is_ascii_uppercase() {
                return None;
            }
            let w2 = read_word(text, skip_sp(b, w.e, lim), lim)?;
            if !w2.is("from") {
                return None;
            }
            w = w2;
            from = true;
        } else if w.is("from") {
            from = true;
        }
        let mut q = w.e;
        let mut the = false;
        if let Some(t) = read_word(text, skip_sp(b, q, lim), lim)
            && t.is("the")
        {
            q = t.e;
            the = true;
            if let Some(o) = read_word(text, skip_sp(b, q, lim), lim)
                && o.is("other")
            {
                q = o.e;
            }
        }
        if from && !the {
            return None;
        }
        let s2 = skip_sp(b, q, lim);
        if s2 >= lim || !(b[s2].is_ascii_digit() || b[s2].is_ascii_alphabetic()) {
            return None;
        }
        let m = self.core(text, s2, lim)?;
        if m.bad
            || m.kind != NumberKind::Count
            || m.plain4 && (1000.0..=2099.0).contains(&m.low)
            || m.low < n
            || m.low.fract() != 0.0
        {
            return None;
        }
        if m.s < b.len() && b[m.s].is_ascii_uppercase() {
            return None;
        }
        if m.e < b.len() && (alpha_at(text, m.e) || b[m.e].is_ascii_digit()) {
            return None;
        }
        Some((m.e, m.low))
    }

    /// Extends `f` into a range or alternative when a second number follows a connector.
    fn range(&self, text: &str, f: &mut Fig, lo: usize, lim: usize) {
        let b = text.as_bytes();
        let a = f.a;
        if a.kind == NumberKind::Vague || a.bad {
            return;
        }
        let a_digit = b[a.s].is_ascii_digit();
        // own percent sign before the connector: "25%–30%"
        let mut ae = a.e;
        if ae < lim && b[ae] == b'%' {
            ae += 1;
        }
        // Only "between" and "from" count here: a word ending in neither 'n' nor 'm' is not
        // read at all.
        let q = skip_sp_back(b, a.s, lo);
        let prevw = if q > lo && matches!(b[q - 1] | 0x20, b'n' | b'm') {
            prev_word(text, a.s, lo)
        } else {
            None
        };
        let between = prevw.filter(|w| w.is("between") && w.s >= lo);
        let from = prevw.filter(|w| w.is("from") && w.s >= lo);
        // Most figures have no connector after them: then everything below finds nothing.
        if between.is_none() && self.no_connector_at(b, ae, lim) {
            return;
        }
        // try connectors, after the spaces at `ae`
        let k = skip_sp(b, ae, lim);
        let mut conn_end = None;
        let mut dash = false;
        if between.is_some()
            && let Some(w) = read_word(text, k, lim)
            && w.is("and")
        {
            conn_end = Some(w.e);
        }
        let mut alt = false;
        if conn_end.is_none() {
            for (c, _) in self.range_conn.candidates_at(b, k, lim) {
                if let Some(ce) = match_fwd(text, ae, lim, c) {
                    let is_dash = !c[0].as_bytes()[0].is_ascii_alphabetic();
                    if is_dash {
                        // dashes join digits only, and "- " with spaces on one side only is not a range
                        let sp_before = k > ae;
                        let sp_after = skip_sp(b, ce, lim) > ce;
                        if !a_digit
                            || sp_before != sp_after
                            || skip_sp(b, ce, lim) >= lim
                            || !b[skip_sp(b, ce, lim)].is_ascii_digit()
                        {
                            continue;
                        }
                        dash = true;
                    }
                    conn_end = Some(ce);
                    break;
                }
            }
        }
        if conn_end.is_none() {
            // alternatives, possibly a comma list: "twenty, forty, or sixty percent"
            // "50 or 100", "A, or B"
            let n = if k < lim && b[k] == b',' {
                skip_sp(b, k + 1, lim)
            } else {
                k
            };
            if let Some(c) = self
                .alt_conn
                .candidates(b, n, lim)
                .find_map(|(c, _)| match_fwd(text, n, lim, c))
            {
                conn_end = Some(c);
                alt = true;
            }
            // comma list: try "A, B, or C"
            if conn_end.is_none() {
                if let Some((last, ce)) = self.comma_alternatives(text, ae, lim, a) {
                    return self.finish_range(text, f, last, ce, between, from, lo, lim, true);
                }
                return;
            }
        }
        let Some(ce) = conn_end else { return };
        let bs = skip_sp(b, ce, lim);
        if bs >= lim || !(b[bs].is_ascii_digit() || b[bs].is_ascii_alphabetic()) {
            return;
        }
        let Some(bc) = self.core(text, bs, lim) else {
            return;
        };
        if bc.bad || bc.kind == NumberKind::Vague || (dash && !b[bc.s].is_ascii_digit()) {
            if dash && bc.bad {
                f.a.bad = true;
            }
            return;
        }
        if bc.words && b[bc.s].is_ascii_uppercase() {
            return;
        }
        if b[bc.s].is_ascii_digit() && self.digit_context_bad(text, &bc, bc.s, lo, lim).is_some() {
            // "30-50-х": a glued second half spoils the whole chain
            if dash {
                f.a.bad = true;
            }
            return;
        }
        let (between, from) = if dash { (None, None) } else { (between, from) };
        self.finish_range(text, f, bc, bc.e, between, from, lo, lim, alt);
    }

    /// True when after the spaces at `p` comes no comma and no byte a range or alternative
    /// connector starts with: no connector and no comma list follows.
    #[inline(always)]
    fn no_connector_at(&self, b: &[u8], p: usize, lim: usize) -> bool {
        let k = skip_sp(b, p, lim);
        let c0 = if k < lim { lower(b[k]) } else { 0 };
        c0 != b',' && !self.range_conn.may_start(c0) && !self.alt_conn.may_start(c0)
    }

    #[allow(clippy::too_many_arguments)]
    fn finish_range(
        &self,
        text: &str,
        f: &mut Fig,
        mut bc: Core,
        be: usize,
        between: Option<Wd>,
        from: Option<Wd>,
        lo: usize,
        _lim: usize,
        alt: bool,
    ) {
        let a = f.a;
        let b = text.as_bytes();
        // a multiplier on the second number also scales the first: "two or 3 million"
        let mut alow = a.low;
        if a.mult == 1.0 && bc.mult > 1.0 && a.low < bc.base && a.kind != NumberKind::Fraction {
            alow = a.low * bc.mult;
        }
        if bc.s < b.len()
            && b[bc.s].is_ascii_digit()
            && bc.plain4
            && (1000.0..=2099.0).contains(&bc.low)
            && !(a.plain4 && (1000.0..=2099.0).contains(&a.low))
        {
            // "from 200 to 1937"? a year on one side only: not a range
            if self.is_year(text, &bc, lo, b.len()) {
                return;
            }
        }
        if alow >= bc.low {
            return;
        }
        // "10 bln or 10 tln": two amounts with their own multipliers are alternatives
        if alt && a.mult > 1.0 && bc.mult > 1.0 && a.mult != bc.mult {
            return;
        }
        // "increased from 600 to 1,200" is a change: two figures
        if let Some(fw) = from
            && self.change_before(text, fw.s, lo)
        {
            return;
        }
        let _ = alt;
        f.a.low = alow;
        bc.e = be;
        f.b = Some(bc);
        f.e = be;
        if let Some(w) = between.or(from) {
            f.between = Some(w.s);
        }
    }

    /// "A, B, or C": returns the last core and its end when the list ascends.
    fn comma_alternatives(
        &self,
        text: &str,
        p: usize,
        lim: usize,
        a: Core,
    ) -> Option<(Core, usize)> {
        let b = text.as_bytes();
        let mut q = p;
        let mut prev = a.low;
        let mut guard = 0;
        loop {
            guard += 1;
            if guard > 8 {
                return None;
            }
            let k = skip_sp(b, q, lim);
            if k >= lim || b[k] != b',' {
                return None;
            }
            let n = skip_sp(b, k + 1, lim);
            if let Some(ce) = self
                .alt_conn
                .candidates(b, n, lim)
                .find_map(|(c, _)| match_fwd(text, n, lim, c))
            {
                let bs = skip_sp(b, ce, lim);
                let c = self.core(text, bs, lim)?;
                if c.bad || c.low <= prev || c.words != a.words || c.kind != a.kind {
                    return None;
                }
                return Some((c, c.e));
            }
            if n >= lim || !(b[n].is_ascii_digit() || b[n].is_ascii_alphabetic()) {
                return None;
            }
            let c = self.core(text, n, lim)?;
            if c.bad || c.low <= prev || c.words != a.words || c.kind != a.kind {
                return None;
            }
            prev = c.low;
            q = c.e;
        }
    }

    fn change_before(&self, text: &str, p: usize, lo: usize) -> bool {
        let mut q = p;
        for _ in 0..8 {
            let Some(w) = prev_word(text, q, lo) else {
                // skip punctuation-free gaps only
                return false;
            };
            if self.change_verbs.contains(w.bytes()) {
                return true;
            }
            q = w.s;
        }
        false
    }

    fn build(
        &self,
        f: &Fig,
        s: usize,
        e: usize,
        vs: usize,
        ve: usize,
        hedge: Option<Hedge>,
    ) -> NumberMatch {
        let a = f.a;
        let (mut low, mut high, mut approx) = match f.b {
            Some(bc) => (a.low, bc.high.unwrap_or(bc.low), a.approx || bc.approx),
            None => (a.low, a.high.unwrap_or(a.low), a.approx),
        };
        let unit = match f.b {
            Some(bc) => a.unit.min(bc.unit),
            None => a.unit,
        };
        let open_high = a.kind == NumberKind::Vague && a.high.is_none() && f.b.is_none();
        let mut lo_o = Some(low);
        let mut hi_o = if open_high { None } else { Some(high) };
        match hedge {
            Some(Hedge::Lower) => {
                hi_o = None;
            }
            Some(Hedge::Upper) => {
                high = hi_o.unwrap_or(low);
                lo_o = None;
                hi_o = Some(high);
            }
            Some(Hedge::Approx) => approx = true,
            Some(Hedge::Exact) | None => {}
        }
        if let (Some(l), Some(h)) = (lo_o, hi_o)
            && l > h
        {
            low = h;
            lo_o = Some(low);
        }
        let kind = if f.percent {
            NumberKind::Percent
        } else if f.relative {
            NumberKind::Relative
        } else if f.b.is_some() {
            NumberKind::Range
        } else {
            a.kind
        };
        NumberMatch {
            span: s..e,
            value_span: narrow(vs)..narrow(ve),
            low: lo_o.into(),
            high: hi_o.into(),
            approx,
            unit,
            kind,
            denominator: f.den.into(),
        }
    }
}

/// A figure under construction.
struct Fig {
    a: Core,
    b: Option<Core>,
    s: usize,
    e: usize,
    percent: bool,
    relative: bool,
    den: Option<f64>,
    between: Option<usize>,
}

fn b_space_hyphen(text: &str, s: usize) -> bool {
    // "fifty - two": a hyphen with spaces on both sides still joins number words
    let b = text.as_bytes();
    s > 0 && b[s - 1] == b' ' && s + 1 < b.len() && b[s + 1] == b' '
}

fn range_of(r: &Range<usize>) -> &Range<usize> {
    r
}

/// Where `find_with` stood before passing over a candidate: `pos`, `next_digit`,
/// `next_word`, `word_from` and the number of figures found.
type ScanState = (usize, usize, Option<(usize, usize)>, usize, usize);

/// Whether the candidates inside citation `c` may be passed over (see `find_with`): it is
/// "(…)" or "[…]", and no "//" near it makes a path-like token that the scan would skip
/// past its end.
fn skippable(b: &[u8], c: &Range<usize>) -> bool {
    c.start < c.end
        && c.end <= b.len()
        && matches!(b[c.start], b'(' | b'[')
        && matches!(b[c.end - 1], b')' | b']')
        && !has_double_slash(&b[c.start.saturating_sub(48)..c.end])
}

/// Whether "//" occurs in `h`: most citations hold no '/', which `memchr` rules out many
/// bytes at a time (a test of every pair of bytes cost more than the skip saved).
fn has_double_slash(h: &[u8]) -> bool {
    memchr::memchr_iter(b'/', h).any(|i| h.get(i + 1) == Some(&b'/'))
}

/// No word or phrase of `lex` holds a bracket.
fn lexicon_paren_free(lex: &NumberLexicon) -> bool {
    let lists = [
        &lex.percent,
        &lex.lower_bound,
        &lex.upper_bound,
        &lex.approx,
        &lex.exact,
        &lex.lower_bound_after,
        &lex.upper_bound_after,
        &lex.range_connectors,
        &lex.alternative_connectors,
        &lex.change_verbs,
        &lex.identifier_words,
        &lex.months,
        &lex.ordinals,
        &lex.negative,
        &lex.one_units,
        &lex.year_prepositions,
        &lex.count_nouns,
        &lex.comparatives,
        &lex.relative,
    ];
    let maps = [
        lex.cardinals.keys().collect::<Vec<_>>(),
        lex.multipliers.keys().collect(),
        lex.vague_multipliers.keys().collect(),
        lex.quantifiers.keys().collect(),
        lex.fractions.keys().collect(),
        lex.fraction_symbols.keys().collect(),
    ];
    let clean = |w: &String| !w.contains(['(', ')', '[', ']']);
    lists.iter().all(|l| l.iter().all(clean)) && maps.iter().all(|m| m.iter().all(|w| clean(w)))
}

/// Is there a number (digit) just before `p` (spaces skipped)? Used to tell "8 -10" ranges
/// from "-10" negatives.
fn prev_is_number(b: &[u8], p: usize, lo: usize) -> bool {
    let q = skip_sp_back(b, p, lo);
    q > lo && b[q - 1].is_ascii_digit()
}

/// Number of further digit groups joined by single hyphens or dots: "222-2222-2222" -> 2.
fn hyphen_groups(b: &[u8], mut e: usize, lim: usize) -> usize {
    let mut n = 0;
    while e + 1 < lim && matches!(b[e], b'-' | b'.') && b[e + 1].is_ascii_digit() && n < 16 {
        e += 1;
        while e < lim && b[e].is_ascii_digit() {
            e += 1;
        }
        n += 1;
    }
    n
}

/// End of a chain of digits joined by hyphens, dashes, slashes or dots ("1937-38").
fn chain_end(b: &[u8], mut e: usize, lim: usize) -> usize {
    let mut guard = 0;
    loop {
        guard += 1;
        if guard > 32 || e >= lim {
            return e;
        }
        let sep = if matches!(b[e], b'-' | b'/' | b'.' | b':') {
            1
        } else if e + 2 < lim
            && b[e] == 0xE2
            && b[e + 1] == 0x80
            && (b[e + 2] == 0x93 || b[e + 2] == 0x94)
        {
            3
        } else {
            0
        };
        if sep == 0 || e + sep >= lim || !b[e + sep].is_ascii_digit() {
            return e;
        }
        e += sep;
        while e < lim && (b[e].is_ascii_alphanumeric()) {
            e += 1;
        }
    }
}

/// End of a reference list after an identifier: "250, 257–258", "15-17", "58-14".
fn chain_list(b: &[u8], e: usize, lim: usize) -> usize {
    let mut e = chain_end(b, e, lim);
    let mut guard = 0;
    loop {
        guard += 1;
        if guard > 32 {
            return e;
        }
        let mut k = e;
        let mut sp = false;
        if k < lim && b[k] == b',' {
            k += 1;
            sp = true;
        }
        let k2 = skip_sp(b, k, lim);
        let k3 = if !sp && b.get(k2..k2 + 3) == Some(b"and") && k2 + 3 < lim && b[k2 + 3] == b' ' {
            skip_sp(b, k2 + 3, lim)
        } else {
            k2
        };
        if (sp || k3 != k2) && k3 < lim && b[k3].is_ascii_digit() {
            let mut n = k3;
            while n < lim && b[n].is_ascii_digit() {
                n += 1;
            }
            e = chain_end(b, n, lim);
        } else {
            return e;
        }
    }
}

/// End of the non-space token containing `e`.
fn chain_token(b: &[u8], mut e: usize, lim: usize) -> usize {
    while e < lim && !matches!(b[e], b' ' | b'\n' | b'\t') {
        e += 1;
    }
    e
}

/// Is `p` at the start of a sentence (or heading, list item, range)?
fn sentence_start(b: &[u8], p: usize, lo: usize) -> bool {
    let mut q = p;
    loop {
        q = skip_sp_back(b, q, lo);
        if q <= lo || q == 0 {
            return true;
        }
        match b[q - 1] {
            b'"' | b'\'' | b'(' | b'[' | b'*' | b'-' => q -= 1,
            b'.' | b'!' | b'?' | b':' | b';' | b'\n' => return true,
            // curly quotes, guillemets, bullets, dashes (3-byte or 2-byte UTF-8)
            _ => {
                if q >= 3 && b[q - 3] == 0xE2 {
                    let t = &b[q - 3..q];
                    if t == "•".as_bytes() || t == "·".as_bytes() {
                        return true;
                    }
                    if t == "“".as_bytes()
                        || t == "‘".as_bytes()
                        || t == "—".as_bytes()
                        || t == "–".as_bytes()
                    {
                        q -= 3;
                        continue;
                    }
                }
                if q >= 2 && &b[q - 2..q] == "«".as_bytes() {
                    q -= 2;
                    continue;
                }
                return false;
            }
        }
    }
}

/// Appends `m`, merging "more than 10 and less than 40" into one bounded figure.
fn push(text: &str, out: &mut Vec<NumberMatch>, m: NumberMatch) {
    if let Some(p) = out.last_mut()
        && m.span.start >= p.span.end
        && m.span.start - p.span.end <= 6
        && matches!(
            text.get(p.span.end..m.span.start).map(str::trim),
            Some("and" | "," | ", and" | "but")
        )
        && p.kind != NumberKind::Range
        && m.kind != NumberKind::Range
    {
        let lower_only = |x: &NumberMatch| x.low.is_some() && x.high.is_none();
        let upper_only = |x: &NumberMatch| x.high.is_some() && x.low.is_none();
        let (l, h) = if lower_only(p) && upper_only(&m) {
            (p.low.get(), m.high.get())
        } else if upper_only(p) && lower_only(&m) {
            (m.low.get(), p.high.get())
        } else {
            (None, None)
        };
        if let (Some(l), Some(h)) = (l, h)
            && l < h
        {
            p.span.end = m.span.end;
            p.value_span = narrow(p.span.start)..narrow(p.span.end);
            p.low = Some(l).into();
            p.high = Some(h).into();
            p.kind = NumberKind::Range;
            p.unit = p.unit.min(m.unit);
            return;
        }
    }
    if out.last().is_some_and(|p| m.span.start < p.span.end) {
        return;
    }
    if out.capacity() == 0 {
        // A sentence's first figure (most have one or two): room for four allocated
        // directly, not through the growth path.
        *out = Vec::with_capacity(4);
    }
    out.push(m);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec() -> Recognizer {
        Recognizer::new(&NumberLexicon::embedded()).expect("lexicon compiles")
    }

    #[test]
    fn opt_f64_round_trips() {
        for v in [
            None,
            Some(0.0),
            Some(-0.0),
            Some(1.5e300),
            Some(f64::INFINITY),
        ] {
            let m = OptF64::from(v);
            assert_eq!(m.get().map(f64::to_bits), v.map(f64::to_bits));
            assert_eq!((m.is_some(), m == v), (v.is_some(), true));
            assert_eq!(format!("{m:?}"), format!("{v:?}"));
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                serde_json::to_string(&v).unwrap()
            );
        }
        assert!(OptF64::from(Some(f64::NAN)).get().is_some_and(f64::is_nan));
        assert!(OptF64::NONE.is_none() && f64::from_bits(NONE_BITS).is_nan());
    }

    fn run(text: &str) -> Vec<(String, Option<f64>, Option<f64>)> {
        rec()
            .find(text, 0..text.len())
            .into_iter()
            .map(|m| (text[m.span.clone()].to_string(), m.low.get(), m.high.get()))
            .collect()
    }

    fn close(a: Option<f64>, b: Option<f64>) -> bool {
        match (a, b) {
            (Some(x), Some(y)) => (x - y).abs() <= 1e-3 * y.abs().max(1.0),
            (None, None) => true,
            _ => false,
        }
    }

    /// One row per case: text, expected figures as (span text, low, high).
    type Row = (
        &'static str,
        &'static [(&'static str, Option<f64>, Option<f64>)],
    );
    const N: Option<f64> = None;
    const fn s(v: f64) -> Option<f64> {
        Some(v)
    }

    const FIGURES: &[Row] = &[
        (
            "Of the seven members of the bureau, four were shot.",
            &[("seven", s(7.0), s(7.0)), ("four", s(4.0), s(4.0))],
        ),
        (
            "The NKVD detained 1,548,367 people.",
            &[("1,548,367", s(1548367.0), s(1548367.0))],
        ),
        (
            "There were 3000 prisoners.",
            &[("3000", s(3000.0), s(3000.0))],
        ),
        (
            "A rate of 12.5 was reported.",
            &[("12.5", s(12.5), s(12.5))],
        ),
        (
            "Thirteen of the defendants were shot.",
            &[("Thirteen", s(13.0), s(13.0))],
        ),
        (
            "It employed eighty-five thousand workers.",
            &[("eighty-five thousand", s(85000.0), s(85000.0))],
        ),
        (
            "It took two and a half years.",
            &[("two and a half", s(2.5), s(2.5))],
        ),
        (
            "Twenty-one defendants stood trial.",
            &[("Twenty-one", s(21.0), s(21.0))],
        ),
        (
            "The toll was 1.2 million.",
            &[("1.2 million", s(1.2e6), s(1.2e6))],
        ),
        (
            "Some 2 million were deported.",
            &[("Some 2 million", s(2e6), s(2e6))],
        ),
        (
            "Hundreds of thousands were arrested.",
            &[("Hundreds of thousands", s(1e5), s(1e6))],
        ),
        (
            "Tens of thousands fled.",
            &[("Tens of thousands", s(1e4), s(1e5))],
        ),
        (
            "Thousands of letters arrived.",
            &[("Thousands", s(1e3), s(1e4))],
        ),
        (
            "They tried 80 percent of all cases.",
            &[("80 percent", s(80.0), s(80.0))],
        ),
        ("Output fell by 25%.", &[("25%", s(25.0), s(25.0))]),
        (
            "Eighty per cent was too much.",
            &[("Eighty per cent", s(80.0), s(80.0))],
        ),
        (
            "Of these, one-third were officers.",
            &[("one-third", s(1.0 / 3.0), s(1.0 / 3.0))],
        ),
        ("Half of them were empty.", &[("Half", s(0.5), s(0.5))]),
        (
            "By then about half of all convicts worked.",
            &[("about half", s(0.5), s(0.5))],
        ),
        (
            "Nearly two-thirds were released.",
            &[("Nearly two-thirds", s(2.0 / 3.0), s(2.0 / 3.0))],
        ),
        (
            "Leave came after the first 5 1/2 months.",
            &[("5 1/2", s(5.5), s(5.5))],
        ),
        (
            "Murders decreased by 1/2 that year.",
            &[("1/2", s(0.5), s(0.5))],
        ),
        (
            "Estimates give 950,000 to 1.2 million deaths.",
            &[("950,000 to 1.2 million", s(950000.0), s(1.2e6))],
        ),
        (
            "Between 200,000–250,000 were shot.",
            &[("200,000–250,000", s(200000.0), s(250000.0))],
        ),
        (
            "He was confined for 8-10 years.",
            &[("8-10", s(8.0), s(10.0))],
        ),
        (
            "He was confined for between 8 and 10 years.",
            &[("between 8 and 10", s(8.0), s(10.0))],
        ),
        (
            "We are 50 or 100 years behind.",
            &[("50 or 100", s(50.0), s(100.0))],
        ),
        (
            "The two or three islands of liberty.",
            &[("two or three", s(2.0), s(3.0))],
        ),
        (
            "They employed two or 3 million prisoners.",
            &[("two or 3 million", s(2e6), s(3e6))],
        ),
        (
            "Wages ran from 50 to 60 rubles a month.",
            &[("from 50 to 60", s(50.0), s(60.0))],
        ),
        (
            "He served from 8 to 10 years.",
            &[("from 8 to 10", s(8.0), s(10.0))],
        ),
        (
            "At least 724,000 were executed.",
            &[("At least 724,000", s(724000.0), N)],
        ),
        (
            "In 1933 some 400,000 people were expelled.",
            &[("some 400,000", s(400000.0), s(400000.0))],
        ),
        (
            "Up to 25 percent of pay was deducted.",
            &[("Up to 25 percent", N, s(25.0))],
        ),
        (
            "An arrest list of over 250,000 was drawn up.",
            &[("over 250,000", s(250000.0), N)],
        ),
        (
            "The pits hold up to 200,000 corpses.",
            &[("up to 200,000", N, s(200000.0))],
        ),
        (
            "Not more than one-third were officers.",
            &[("Not more than one-third", N, s(1.0 / 3.0))],
        ),
        (
            "There were fewer than 90 guards.",
            &[("fewer than 90", N, s(90.0))],
        ),
        (
            "Children aged 12 and over were liable.",
            &[("12 and over", s(12.0), N)],
        ),
        (
            "It resulted in around 140,000 arrests.",
            &[("around 140,000", s(140000.0), s(140000.0))],
        ),
        (
            "He was nearly 20 years in exile.",
            &[("nearly 20", s(20.0), s(20.0))],
        ),
        (
            "Nearly one third of the staff left.",
            &[("Nearly one third", s(1.0 / 3.0), s(1.0 / 3.0))],
        ),
        (
            "It removed 13 of 15 army commanders.",
            &[("13 of 15", s(13.0), s(13.0))],
        ),
        (
            "Four of the other five were executed.",
            &[("Four of the other five", s(4.0), s(4.0))],
        ),
        (
            "Then 154 out of 186 division commanders went.",
            &[("154 out of 186", s(154.0), s(154.0))],
        ),
        (
            "Only a few hundred get permission.",
            &[("a few hundred", s(200.0), s(500.0))],
        ),
        (
            "He was held for a couple of months.",
            &[("a couple", s(2.0), s(2.0))],
        ),
        ("It was a 422-page book.", &[("422", s(422.0), s(422.0))]),
        (
            "The toll was some two and a half times as high.",
            &[("some two and a half times as high", s(2.5), s(2.5))],
        ),
        (
            "Pay was 10 times more than average.",
            &[("10 times more", s(10.0), s(10.0))],
        ),
        (
            "It rose from 600 to 1,200 that year.",
            &[("600", s(600.0), s(600.0)), ("1,200", s(1200.0), s(1200.0))],
        ),
        (
            "They asked for an increase from 600 to 1,200.",
            &[("600", s(600.0), s(600.0)), ("1,200", s(1200.0), s(1200.0))],
        ),
        (
            "It planned 2,000 (1st cat.) + 10,000 (2nd cat.) = 12,000 arrests.",
            &[
                ("2,000", s(2000.0), s(2000.0)),
                ("10,000", s(1e4), s(1e4)),
                ("12,000", s(12000.0), s(12000.0)),
            ],
        ),
        (
            "Then 1,108 were arrested and 848 were executed.",
            &[("1,108", s(1108.0), s(1108.0)), ("848", s(848.0), s(848.0))],
        ),
        (
            "Four were shot, one killed himself and two survived.",
            &[
                ("Four", s(4.0), s(4.0)),
                ("one", s(1.0), s(1.0)),
                ("two", s(2.0), s(2.0)),
            ],
        ),
        ("He got one month of leave.", &[("one", s(1.0), s(1.0))]),
        (
            "One million people were deported.",
            &[("One million", s(1e6), s(1e6))],
        ),
        (
            "With 2000 inmates and few guards.",
            &[("2000", s(2000.0), s(2000.0))],
        ),
        (
            "Of the 767 members, 512 were executed.",
            &[("767", s(767.0), s(767.0)), ("512", s(512.0), s(512.0))],
        ),
        (
            "Those condemned receive about 25% less.",
            &[("about 25%", s(25.0), s(25.0))],
        ),
        (
            "He had a dozen convictions.",
            &[("a dozen", s(12.0), s(12.0))],
        ),
        (
            "There were more than half a dozen death sentences.",
            &[("more than half a dozen", s(6.0), N)],
        ),
        (
            "It resulted in the deaths of many thousands of people.",
            &[("many thousands", s(1000.0), N)],
        ),
        (
            "Prisoners numbered 25,000 to 30,000 then.",
            &[("25,000 to 30,000", s(25000.0), s(30000.0))],
        ),
        (
            "Until then, twenty, forty, or sixty percent of terms were remitted.",
            &[("twenty, forty, or sixty percent", s(20.0), s(60.0))],
        ),
        (
            "Four to five wards went at a time.",
            &[("Four to five", s(4.0), s(5.0))],
        ),
        (
            "A sum of minus five percent.",
            &[("minus five percent", s(-5.0), s(-5.0))],
        ),
        (
            "The score was more than 10 and less than 40.",
            &[("more than 10 and less than 40", s(10.0), s(40.0))],
        ),
        ("Pay is $20 a day.", &[("20", s(20.0), s(20.0))]),
        (
            "The fine was 40 000 rubles.",
            &[("40 000", s(40000.0), s(40000.0))],
        ),
    ];

    /// Lookups that skip candidates by one byte (symbol hedges by the byte before the number,
    /// connector lists by the byte after it): each row needs the candidate that is kept.
    const BYTE_FILTERED: &[Row] = &[
        ("Scores ≥ 40 passed.", &[("≥ 40", s(40.0), N)]),
        ("Scores >= 40 passed.", &[(">= 40", s(40.0), N)]),
        ("Scores <= 40 passed.", &[("<= 40", N, s(40.0))]),
        // glued to "=": an expression, not a figure
        ("Scores <=40 passed.", &[]),
        ("Scores ≤40 passed.", &[("≤40", N, s(40.0))]),
        ("It took ~40 days.", &[("~40", s(40.0), s(40.0))]),
        ("It took ≈ 40 days.", &[("≈ 40", s(40.0), s(40.0))]),
        // ">=" ends in '=', not in '>': the shorter ">" must not claim it
        ("x >=\n40 people", &[(">=\n40", s(40.0), N)]),
        ("It took 10–20 days.", &[("10–20", s(10.0), s(20.0))]),
        ("It took 10—20 days.", &[("10—20", s(10.0), s(20.0))]),
        ("It took 10 ~ 20 days.", &[("10 ~ 20", s(10.0), s(20.0))]),
        ("It took 10 TO 20 days.", &[("10 TO 20", s(10.0), s(20.0))]),
        (
            "It took 10 Through 20 days.",
            &[("10 Through 20", s(10.0), s(20.0))],
        ),
        ("It took 5 Or 6 days.", &[("5 Or 6", s(5.0), s(6.0))]),
        ("It took 5,\nor 6 days.", &[("5,\nor 6", s(5.0), s(6.0))]),
        (
            "It took 5, 6, OR 7 days.",
            &[("5, 6, OR 7", s(5.0), s(7.0))],
        ),
        // the byte after the number starts no connector: two figures
        (
            "It took 5 oar 6 days.",
            &[("5", s(5.0), s(5.0)), ("6", s(6.0), s(6.0))],
        ),
        ("In 1937 ~ 1938 prices rose.", &[]),
    ];

    #[test]
    fn byte_filtered_table() {
        let mut bad = Vec::new();
        for (text, want) in BYTE_FILTERED {
            let got = run(text);
            let ok = got.len() == want.len()
                && got
                    .iter()
                    .zip(want.iter())
                    .all(|(g, w)| g.0 == w.0 && close(g.1, w.1) && close(g.2, w.2));
            if !ok {
                bad.push(format!("{text:?}\n   got  {got:?}\n   want {want:?}"));
            }
        }
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    const NOT_FIGURES: &[&str] = &[
        "It happened in 1937.",
        "The terror of 1930 ended.",
        "In 1933 the party was purged.",
        "Littlepage, In Search of Soviet Gold, c1938.",
        "The purge of 1937-38 was vast.",
        "The years 1936–1938 were grim.",
        "He lived 1918-1956.",
        "It began on 30 July 1937.",
        "It began on July 30, 1937.",
        "By August 15 1937 the count was in.",
        "It was signed on December 24, 2007.",
        "It was due on March 15th.",
        "Arrests peaked in the 1930s.",
        "Arrests peaked in the mid-1930s.",
        "В 30-50-х годах.",
        "The 17th Congress met.",
        "He came 1st in class.",
        "First, the trial began.",
        "The second trial began.",
        "The third trial began.",
        "It followed Order no. 00447 of the NKVD.",
        "It followed Order 00447 of the NKVD.",
        "He was charged under Article 58-14 of the code.",
        "He was charged under Article 58 of the code.",
        "See Paragraph 49 of the decree.",
        "They signed protocol #3 that night.",
        "Category 1 meant death.",
        "Category 2 meant camp.",
        "See Vol. 2 of the works.",
        "ISBN 0195071328",
        "Penguin Books, 2002 ISBN 0142000639 p. 200",
        "See pp. 15–17 for details.",
        "Pages 250, 257–258, The Great Terror.",
        "Page 121, The Great Terror.",
        "Source: pg 67 of the report.",
        "Harcourt, p. 135-139.",
        "1. The first trial",
        "2) The second trial",
        "The meeting began at 10:00 sharp.",
        "The 0GPU men came.",
        "A B52 flew over.",
        "Call +1-222-2222-2222 now.",
        "He spoke at the Trial of the Twenty-One in Moscow.",
        "It is described in Part Sixteen of the book.",
        "The Big Three met at Yalta.",
        "He was one of the most senior officers.",
        "He met one secret policeman there.",
        "No one was spared.",
        "One day he was arrested.",
        "He mentioned the three Moscow trials again.",
        "They divided prisoners into the two categories.",
        "The address is 192.168.1.2 today.",
        "See doi:10.1093/acprof:oso/9780195307733.001.0001 for details.",
        "A third trial followed.",
        "Which one do you prefer?",
    ];

    #[test]
    fn figures_table() {
        let mut bad = Vec::new();
        for (text, want) in FIGURES {
            let got = run(text);
            let ok = got.len() == want.len()
                && got
                    .iter()
                    .zip(want.iter())
                    .all(|(g, w)| g.0 == w.0 && close(g.1, w.1) && close(g.2, w.2));
            if !ok {
                bad.push(format!("{text:?}\n   got  {got:?}\n   want {want:?}"));
            }
        }
        assert!(
            bad.is_empty(),
            "{} of {} rows wrong:\n{}",
            bad.len(),
            FIGURES.len(),
            bad.join("\n")
        );
    }

    #[test]
    fn non_figures_table() {
        let mut bad = Vec::new();
        for text in NOT_FIGURES {
            let got = run(text);
            if !got.is_empty() {
                bad.push(format!("{text:?} -> {got:?}"));
            }
        }
        assert!(
            bad.is_empty(),
            "{} of {} rows wrong:\n{}",
            bad.len(),
            NOT_FIGURES.len(),
            bad.join("\n")
        );
    }

    #[test]
    fn fields() {
        let r = rec();
        let t =
            "It removed 13 of 15 army commanders and at least 111,000 more, some 12.5% of them.";
        let m = r.find(t, 0..t.len());
        assert_eq!(m.len(), 3, "{m:?}");
        assert_eq!(m[0].denominator, Some(15.0));
        assert_eq!(&t[m[1].value_span()], "111,000");
        assert_eq!(m[1].unit, 1000.0);
        assert_eq!(m[2].kind, NumberKind::Percent);
        assert!(m[2].approx);
        assert!((m[2].unit - 0.1).abs() < 1e-12);
        let t = "one million and 140,000 and 1,966 and 1.2 million";
        let u: Vec<f64> = r.find(t, 0..t.len()).iter().map(|m| m.unit).collect();
        assert_eq!(u, vec![1e6, 1e4, 1.0, 1e5]);
    }

    #[test]
    fn range_is_respected() {
        let r = rec();
        let t = "He had p. 200 and then 300 men.";
        let start = t.find("200").unwrap();
        // context before the range still marks "200" as a page number
        let m = r.find(t, start..t.len());
        let spans: Vec<&str> = m.iter().map(|m| &t[m.span.clone()]).collect();
        assert_eq!(spans, vec!["300"]);
    }

    #[test]
    fn lexicon_extends() {
        let mut lex = NumberLexicon::embedded();
        let extra: NumberLexicon = toml::from_str("identifier-words = [\"cell\"]").unwrap();
        lex.extend(extra);
        let r = Recognizer::new(&lex).unwrap();
        let t = "He sat in cell 12 with 30 men.";
        let m = r.find(t, 0..t.len());
        assert_eq!(m.len(), 1);
        assert_eq!(&t[m[0].span.clone()], "30");
    }

    #[test]
    fn no_panics_on_nasty_input() {
        let r = rec();
        let long = "9".repeat(10_000);
        let ones = "1,".repeat(200_000);
        let mm = "million ".repeat(5_000);
        for t in [
            long.as_str(),
            ones.as_str(),
            mm.as_str(),
            "\u{200f}12\u{200f} and \u{0301}3\u{0301} people",
            "½⅓ - -- 1- -1 1.2.3. ,5 5, 1/ /2 0/0 1/0",
            "one hundred and",
            "a",
            "",
            "point five point",
        ] {
            let m = r.find(t, 0..t.len());
            for x in &m {
                assert!(t.is_char_boundary(x.span.start) && t.is_char_boundary(x.span.end));
            }
        }
    }

    #[test]
    fn digits_value_table() {
        for (s, frac) in [
            ("0", 0),
            ("7", 0),
            (".5", 1),
            ("0.1", 1),
            ("12.5", 1),
            ("1548367", 0),
            ("0.000000000000001", 15),
            ("999999999999999", 0),
            ("99999999999999.9", 1),
            // 16 or more digits: the parser's rounding
            ("9007199254740993", 0),
            ("1234567890.1234567", 7),
            ("0.30000000000000004", 17),
            ("123456789012345678901234567890", 0),
        ] {
            let want: f64 = s.parse().unwrap();
            let got = digits_value(s.as_bytes(), frac);
            assert_eq!(got.to_bits(), want.to_bits(), "{s}");
        }
    }

    #[test]
    fn words_table() {
        let long = "x".repeat(40);
        let keys = [
            "",
            "a",
            "of",
            "one",
            "once",
            "no.",
            "doi:",
            "§",
            long.as_str(),
        ];
        let mut w: Words<usize> = Words::default();
        for (i, k) in keys.iter().enumerate() {
            *w.entry(k.as_bytes().to_vec()) = i;
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(w.get(k.as_bytes()), Some(&i), "{k:?}");
        }
        let longer = "x".repeat(41);
        let shorter = "x".repeat(31);
        // same first byte and length bit as a key, or a near miss: all absent
        for k in [
            "b", "on", "ones", "onc", "no", "doi", "x", &longer, &shorter, "\0",
        ] {
            assert_eq!(w.get(k.as_bytes()), None, "{k:?}");
        }
        let mut e: Words<()> = Words::default();
        assert!(!e.contains(b"") && !e.contains(b"a"));
        e.entry(Vec::new());
        assert!(e.contains(b"") && !e.contains(b"\0"));
    }

    #[test]
    fn months_beyond_the_word_buffer() {
        let mut lex = NumberLexicon::embedded();
        let long = format!("Mon{}", "a".repeat(MAXW));
        lex.months.push(long.clone());
        let r = Recognizer::new(&lex).unwrap();
        // a day before the month is a date, also when the month is longer than `MAXW`
        for t in [
            format!("On 12 {long}, 30 men."),
            "On 12 May, 30 men.".to_string(),
        ] {
            let m = r.find(&t, 0..t.len());
            let spans: Vec<&str> = m.iter().map(|m| &t[m.span.clone()]).collect();
            assert_eq!(spans, vec!["30"], "{t}");
        }
    }

    #[test]
    fn pow10_table_is_powi() {
        for (k, &v) in EXACT_POW10.iter().enumerate() {
            assert_eq!(v.to_bits(), pow10(k as i32).to_bits(), "{k}");
        }
    }

    /// `char_before` and `char_at` without their ASCII shortcut.
    fn char_before_decoded(text: &str, p: usize) -> Option<char> {
        text.get(..p).and_then(|s| s.chars().next_back())
    }
    fn char_at_decoded(text: &str, p: usize) -> Option<char> {
        text.get(p..).and_then(|s| s.chars().next())
    }

    /// The loops `letters_back` and `word_back` replace, with their conditions as
    /// they were written.
    fn letters_back_loop(b: &[u8], e: usize, lo: usize, max: usize) -> usize {
        let mut s = e;
        while s > lo && b[s - 1].is_ascii_alphabetic() && e - s <= max {
            s -= 1;
        }
        s
    }
    fn word_back_loop(b: &[u8], e: usize, lo: usize) -> usize {
        let mut s = e;
        while s > lo
            && b[s - 1].is_ascii_alphabetic()
            && e - s < MAXW
            && !(s < e && b[s].is_ascii_uppercase() && b[s - 1].is_ascii_lowercase())
        {
            s -= 1;
        }
        s
    }

    #[test]
    fn letter_runs_table() {
        // (text, end, floor, letters_back, word_back)
        let cases: &[(&str, usize, usize, usize, usize)] = &[
            ("", 0, 0, 0, 0),
            ("abc", 3, 0, 0, 0),
            ("abc", 3, 1, 1, 1),
            ("a bc", 4, 0, 2, 2),
            ("professionalsPages", 18, 0, 0, 13),
            ("ABCdef", 6, 0, 0, 0),
            ("abcDEF", 6, 0, 0, 3),
            ("aBc", 3, 0, 0, 1),
            ("x1yz", 4, 0, 2, 2),
            ("é z", 4, 0, 3, 3),
            ("[z]", 2, 0, 1, 1),
            ("@z`", 2, 0, 1, 1),
            ("abc", 2, 3, 2, 2),
        ];
        for &(t, e, floor, lb, wb) in cases {
            let b = t.as_bytes();
            assert_eq!(letters_back(b, e, floor), lb, "{t:?} {e} {floor}");
            assert_eq!(word_back(b, e, floor), wb, "{t:?} {e} {floor}");
        }
    }

    #[test]
    fn find_digit_table() {
        let naive = |b: &[u8], i: usize, lim: usize| {
            (i..lim).find(|&k| b[k].is_ascii_digit()).unwrap_or(lim)
        };
        let cases: [&[u8]; 6] = [
            b"",
            b"no digits at all in this one",
            b"x9",
            b"abcdefgh7",
            // bytes that differ from digits in the top bit or by one: 0xB0..=0xB9, '/', ':'
            b"\xb0\xb9/:\xb5\xb1\xb2\xb3\xb4/:5",
            b"0123456789",
        ];
        for b in cases {
            for i in 0..=b.len() {
                for lim in i..=b.len() {
                    assert_eq!(find_digit(b, i, lim), naive(b, i, lim), "{b:?} {i} {lim}");
                }
            }
        }
    }

    /// The byte a forward phrase match at `p` compares first (after the spaces `match_fwd`
    /// skips): lists of phrases are tried in turn at every figure, and most fail on it.
    fn first_byte_at(b: &[u8], p: usize, lim: usize) -> u8 {
        let q = skip_sp(b, p, lim);
        if q < lim { b[q] } else { 0 }
    }

    /// Whether `phrase` can match where the first compared byte is `c` (see `first_byte_at`).
    fn may_start_with(phrase: &Phrase, c: u8) -> bool {
        match phrase.first().and_then(|t| t.as_bytes().first()) {
            Some(f) => f.eq_ignore_ascii_case(&c),
            // An empty first token compares nothing.
            None => true,
        }
    }

    /// `BackSet::find` as it was before symbols were filtered by their last byte.
    fn backset_find_unfiltered<T: Copy>(
        set: &BackSet<T>,
        text: &str,
        p: usize,
        lo: usize,
    ) -> Option<(usize, T)> {
        let b = text.as_bytes();
        let q = skip_sp_back(b, p, lo);
        let mut e = q;
        let suffix = e > lo && matches!(b[e - 1], b'.' | b':');
        if suffix {
            e -= 1;
        }
        let s = word_back_loop(b, e, lo);
        if s < e {
            let n = e - s + usize::from(suffix);
            let key = text[s..s + n].to_ascii_lowercase();
            let keys = [key.as_str(), &key[..e - s]];
            for key in keys.iter().take(if suffix { 2 } else { 1 }) {
                for (ph, t, _) in set.by_last.get(key.as_bytes()).into_iter().flatten() {
                    if let Some(st) = match_back(text, p, lo, ph) {
                        return Some((st, *t));
                    }
                }
            }
        }
        set.symbols
            .iter()
            .find_map(|(ph, t, _)| match_back(text, p, lo, ph).map(|st| (st, *t)))
    }

    #[test]
    fn pre_table() {
        let ph = |s: &str| -> Phrase { s.split_whitespace().map(str::to_string).collect() };
        let ok = |phrase: &str, text: &str, lo: usize| {
            let (tail, avail) = Pre::tail(text.as_bytes(), text.len(), lo);
            Pre::of(&ph(phrase)).may_match(tail, avail)
        };
        // the text ends where the last word would start
        assert!(ok("of", "", 0));
        assert!(ok("in excess of", "in Excess ", 0));
        assert!(ok("upwards of", "x upwards\n ", 0));
        assert!(!ok("in excess of", "in exceed ", 0));
        assert!(!ok("more than", "less ", 0));
        assert!(ok("no less than", "LESS", 0));
        // a short word needs only its own bytes, a long one its last four
        assert!(ok("at least", "xat ", 0));
        assert!(!ok("at least", "xit ", 0));
        assert!(ok("up to", "up", 0));
        assert!(!ok("up to", "p", 0));
        assert!(!ok("upwards of", "ards ", 1));
        assert!(ok("upwards of", "wards ", 1));
        assert!(ok("nos. x", "nos.\u{a0}", 0));
        assert!(!ok("nos. x", "nos\u{a0}", 0));
    }

    /// The same recogniser with its anchors found by the automaton (the general way).
    fn rec_automaton() -> Recognizer {
        let mut r = rec();
        assert!(
            r.anchors.ac.is_none(),
            "the embedded lexicon takes the direct scan"
        );
        let mut list: Vec<String> = r
            .anchors
            .words
            .map
            .keys()
            .map(|w| String::from_utf8(w.clone()).unwrap())
            .collect();
        list.extend(r.anchors.symbols.iter().cloned());
        // not a word: forces the automaton (and never occurs in the texts tested)
        list.push("zz-q".into());
        r.anchors = Anchors::new(list).unwrap();
        assert!(r.anchors.ac.is_some());
        r
    }

    /// Every scan of `next_or_digit` this CPU runs against the portable one.
    fn scans_agree(a: &Anchors, t: &str, lo: usize, hi: usize) -> Result<(), TestCaseError> {
        let want = a.next_or_digit_swar(t, lo, hi);
        prop_assert_eq!(a.next_or_digit(t, lo, hi, &mut Chunk::default()), want);
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        {
            // SAFETY: SSE2 is enabled for this build.
            prop_assert_eq!(unsafe { a.next_or_digit_sse2(t, lo, hi) }, want);
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: AVX2 was detected just now.
                prop_assert_eq!(
                    unsafe { a.next_or_digit_avx2(t, lo, hi, &mut Chunk::default()) },
                    want
                );
            }
        }
        Ok(())
    }

    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[test]
    fn pairs_table() {
        let r = rec();
        let p = r.anchors.pairs;
        // the words' first two letters pass, in any case
        for (c0, c1) in [
            (b't', b'h'),
            (b'T', b'W'),
            (b'o', b'n'),
            (b'b', b'n'),
            (b'd', b'z'),
        ] {
            assert!(p.admits(c0, Some(c1)), "{}{}", c0 as char, c1 as char);
        }
        // most other word starts do not; no anchor has one letter
        for w in [
            "and", "in", "was", "which", "a", "I", "of", "to", "be", "we",
        ] {
            let w = w.as_bytes();
            assert!(!p.admits(w[0], w.get(1).copied()), "{w:?}");
        }
        // each of up to eight first letters has its own bucket: no pair is added
        let few = Anchors::new(vec!["ab".into(), "cd".into(), "e".into()])
            .unwrap()
            .pairs;
        assert!(few.admits(b'a', Some(b'b')) && few.admits(b'c', Some(b'd')));
        assert!(few.admits(b'e', None) && !few.admits(b'e', Some(b'b')));
        assert!(!few.admits(b'a', Some(b'd')) && !few.admits(b'a', None));
        // past eight they share, and every word still passes
        let list: Vec<String> = (b'a'..=b'z').map(|c| format!("{}x", c as char)).collect();
        let many = Anchors::new(list).unwrap().pairs;
        assert!((b'a'..=b'z').all(|c| many.admits(c, Some(b'x'))));
        assert!((b'a'..=b'z').all(|c| !many.admits(c, Some(b'y'))));
        let sc = |t: &str| {
            r.anchors
                .next_or_digit(t, 0, t.len(), &mut Chunk::default())
        };
        assert_eq!(sc("and the then thirty"), Some((13, 19)));
        assert_eq!(sc("xxxxxxxxxxxxxxxxxxxxxxxxxxxxx one"), Some((30, 33)));
        assert_eq!(sc("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx one"), Some((31, 34)));
        assert_eq!(sc("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx one 7"), Some((32, 35)));
        assert_eq!(
            sc("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-oneself one"),
            Some((39, 42))
        );
    }

    /// `Recognizer::negative_word` as first written: every word read and looked up.
    fn negative_word_read(r: &Recognizer, text: &str, p: usize, lim: usize) -> Option<usize> {
        let w = read_word(text, p, lim)?;
        if !r.negative.contains(w.bytes()) {
            return None;
        }
        let q = skip_sp(text.as_bytes(), w.e, lim);
        if q < lim
            && (text.as_bytes()[q].is_ascii_digit()
                || read_word(text, q, lim)
                    .is_some_and(|n| r.words.get(n.bytes()).is_some_and(|x| x.card.is_some())))
        {
            Some(w.e)
        } else {
            None
        }
    }

    /// Recognisers whose negatives start with various letters, one with the empty word.
    fn negative_recognisers() -> Vec<Recognizer> {
        let mut out = vec![rec()];
        for extra in [vec!["Neg", "x"], vec![""]] {
            let mut lex = NumberLexicon::embedded();
            lex.negative.extend(extra.into_iter().map(String::from));
            out.push(Recognizer::new(&lex).unwrap());
        }
        out
    }

    #[test]
    fn negative_word_table() {
        let long = "minusminusminusminusminusminus 5";
        for r in negative_recognisers() {
            for (t, p) in [
                ("minus 5", 0),
                ("Minus five", 0),
                ("minus", 0),
                ("one minus 5", 4),
                ("negative two", 0),
                ("neg 3", 0),
                ("x 3", 0),
                ("5 x", 2),
                ("one", 0),
                ("é 5", 0),
                (long, 0),
                ("minus 5", 7),
                ("", 0),
            ] {
                for lim in [t.len(), t.len().saturating_sub(2)] {
                    assert_eq!(
                        r.negative_word(t, p, lim),
                        negative_word_read(&r, t, p, lim),
                        "{t:?} {p} {lim}"
                    );
                }
            }
        }
    }

    #[test]
    fn anchors_table() {
        let r = rec();
        let a = |t: &str, from: usize| {
            r.anchors
                .next(t, from, t.len())
                .map(|(s, e)| t[s..e].to_string())
        };
        assert_eq!(a("someone said Two", 0).as_deref(), Some("Two"));
        assert_eq!(a("ONE", 0).as_deref(), Some("ONE"));
        assert_eq!(a("ones one", 0).as_deref(), Some("one"));
        assert_eq!(a("tenths", 0).as_deref(), Some("tenths"));
        assert_eq!(a("tenthx tenth", 0).as_deref(), Some("tenth"));
        assert_eq!(a("one2 3one one-", 0).as_deref(), Some("one"));
        assert_eq!(a("éone oneé one½", 0).as_deref(), Some("one"));
        assert_eq!(a("x½ ½x ½", 0).as_deref(), Some("½"));
        assert_eq!(a("½one", 0).as_deref(), None);
        assert_eq!(a("one", 1).as_deref(), None);
        assert_eq!(a("", 0).as_deref(), None);
        // a run of letters cut by the end of the range is no word
        let t = "one tenth";
        assert_eq!(r.anchors.next(t, 0, 7), Some((0, 3)));
        assert_eq!(r.anchors.next(t, 1, 7), None);
        assert_eq!(r.anchors.next(t, 4, 9), Some((4, 9)));
    }

    /// `Recognizer::is_year` as first written: its tests in their original order.
    fn is_year_in_order(r: &Recognizer, text: &str, c: &Core, lo: usize, lim: usize) -> bool {
        if !c.plain4 || !(1000.0..=2099.0).contains(&c.low) {
            return false;
        }
        let b = text.as_bytes();
        if let Some(pc) = char_before(text, skip_sp_back(b, c.s, lo.saturating_sub(8)))
            && matches!(pc, '$' | '£' | '€' | '¥')
        {
            return false;
        }
        let after = skip_sp(b, c.e, lim);
        if r.percent
            .candidates(b, c.e, lim)
            .any(|(p, _)| match_fwd(text, c.e, lim, p).is_some())
        {
            return false;
        }
        // "above 1000", "more than 2000": a bound is a quantity, not a year
        if let Some((hs, Hedge::Lower | Hedge::Upper)) =
            r.hedges_before.find(text, c.s, lo.saturating_sub(32))
            && !b[hs..c.s]
                .get(..5)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"up to"))
        {
            return false;
        }
        let prev = prev_word(text, c.s, lo.saturating_sub(24));
        if prev.is_some_and(|w| r.year_preps.contains(w.bytes())) {
            return true;
        }
        if let Some(w) = read_word(text, after, lim) {
            let ws = w.bytes();
            if b[w.s].is_ascii_lowercase()
                && ((ws.len() > 3 && ws.ends_with(b"s") && !ws.ends_with(b"ss"))
                    || r.count_nouns.contains(ws))
            {
                return false;
            }
        }
        true
    }

    /// `is_year` and its oracle at every digit-led core of `t`, for a few range starts.
    fn is_year_agrees(r: &Recognizer, t: &str) -> Result<(), String> {
        for (p, c) in t.bytes().enumerate() {
            if !c.is_ascii_digit() {
                continue;
            }
            for lim in [t.len(), (p + 4).min(t.len()), (p + 6).min(t.len())] {
                if !t.is_char_boundary(lim) {
                    continue;
                }
                let Some(c) = r.core(t, p, lim) else { continue };
                for lo in [0, p / 2, p, p.saturating_sub(3)] {
                    if !t.is_char_boundary(lo) {
                        continue;
                    }
                    let (fast, slow) = (
                        r.is_year(t, &c, lo, lim),
                        is_year_in_order(r, t, &c, lo, lim),
                    );
                    if fast != slow {
                        return Err(format!("{t:?} at {p} lo {lo} lim {lim}: {fast} != {slow}"));
                    }
                }
            }
        }
        Ok(())
    }

    #[test]
    fn is_year_table() {
        let r = rec();
        for (t, want) in [
            ("in 1902.", true),
            ("the 1500 workers", true),
            ("many 1500 workers", false),
            ("in 1500 workers", true),
            ("of 1500 tonnes", true),
            ("1500 class", true),
            ("1500 Workers", true),
            ("$ 1999", false),
            ("£1999", false),
            ("1999 percent", false),
            ("1999%", false),
            ("more than 1999", false),
            ("up to 1999", true),
            ("about 1999", true),
            ("under 2000 people", false),
            ("since 2000 people", true),
            ("1999 people", false),
            ("1999 tons", false),
            ("999 people", false),
            ("2100", false),
            ("1,999", false),
        ] {
            let p = t.find(|c: char| c.is_ascii_digit()).expect("a digit");
            let c = r.core(t, p, t.len()).expect("a core");
            assert_eq!(r.is_year(t, &c, 0, t.len()), want, "{t:?}");
            assert_eq!(is_year_in_order(&r, t, &c, 0, t.len()), want, "{t:?}");
            is_year_agrees(&r, t).unwrap();
        }
    }

    /// Words in no list before and after a figure's comma or connector: the shortcut in
    /// `core` and the full read agree on each.
    #[test]
    fn core_word_shortcut_table() {
        let r = rec();
        for t in [
            "(Dunmore 1959, p. 170)",
            "(Page 51, Salt and Reed, ISBN 0210797998)",
            "a hundred",
            "an eighth",
            "A dozen eggs",
            "and a half",
            "point five",
            "minus five",
            "couple",
            "thousands of people",
            "Twenty-two",
            "the 5",
            "xyz",
        ] {
            for p in (0..=t.len()).filter(|&p| t.is_char_boundary(p)) {
                assert_eq!(
                    format!("{:?}", r.core_with(t, p, t.len(), true)),
                    format!("{:?}", r.core_with(t, p, t.len(), false)),
                    "{t:?} at {p}"
                );
            }
        }
    }

    /// Citations as a block has them: the innermost "(…)" and "[…]" groups `pick` selects (bit i for
    /// the i-th), and `extra` spans, sorted and made disjoint as `scan_block` makes them.
    fn plant_citations(t: &str, pick: u64, extra: &[(usize, usize)]) -> Vec<Range<usize>> {
        let b = t.as_bytes();
        let mut v: Vec<Range<usize>> = Vec::new();
        let mut open = None;
        let mut k = 0;
        for (i, &c) in b.iter().enumerate() {
            if c == b'(' || c == b'[' {
                open = Some(i);
            } else if (c == b')' || c == b']')
                && let Some(o) = open.take()
            {
                if pick >> (k % 64) & 1 == 1 {
                    v.push(o..i + 1);
                }
                k += 1;
            }
        }
        for &(x, y) in extra {
            let (mut x, mut y) = (x.min(t.len()), y.min(t.len()));
            while !t.is_char_boundary(x) {
                x -= 1;
            }
            while !t.is_char_boundary(y) {
                y -= 1;
            }
            v.push(x.min(y)..x.max(y));
        }
        v.sort_by_key(|c| (c.start, std::cmp::Reverse(c.end)));
        v.dedup_by(|a, b| a.start < b.end && a.start >= b.start);
        v
    }

    /// `find_with` keeping the figures the extraction keeps: those outside every citation.
    fn outside(
        r: &Recognizer,
        t: &str,
        range: Range<usize>,
        combined: bool,
        cites: &[Range<usize>],
        skip: bool,
    ) -> Vec<NumberMatch> {
        let mut v = if skip {
            r.find_with(t, range, combined, cites, range_of)
        } else {
            r.find_with(t, range, combined, &[], range_of)
        };
        v.retain(|m| {
            let vs = m.value_span();
            let i = cites.partition_point(|c| c.start <= vs.start);
            !(i > 0 && cites[i - 1].end >= vs.end)
        });
        v
    }

    /// Skipping citations changes nothing outside them; the skip is taken (some candidates
    /// are left unread) where the corpus has its citations.
    #[test]
    fn skipping_citations_table() {
        let r = rec();
        for t in [
            "In 1959 about 40 people (Dunmore 1959, p. 170) and 12 more.",
            "(Page 51, Salt and Reed, ISBN 0210797998) 20 to 30 percent",
            "They sent one (Smith, 12 copies), one to the archive.",
            // kept only because of the figure inside the citation: the scan goes back
            "(Smith, 12 copies), one to the archive.",
            "[Smith, 12 copies] and one more",
            "one (Smith 2001) and two more",
            "more than 10 (p. 5) and less than 40",
            "see (http://example.com/2019) 45 of 60",
            "between 5 (Jones 2003) and 10",
            "(5 to 10) (about 3) (one) 1, 2 (3) and one",
            "repaired 19.6 hectares [Norberg, p. 200]. Of them, 43.7 were lost [60] one",
            "the harbour master told the inquiry[^1]. 5 and [@hollis1958, p. 161] one, two",
            "lost 91 or more [Aldane, p. 375) 12 or fewer (Hollis 2003] 5",
        ] {
            let cites = plant_citations(t, u64::MAX, &[]);
            for combined in [true, false] {
                assert_eq!(
                    outside(&r, t, 0..t.len(), combined, &cites, true),
                    outside(&r, t, 0..t.len(), combined, &cites, false),
                    "{t:?}"
                );
            }
        }
        // `find_skipping_into` clears what the buffer held: the figures of the last sentence
        let mut buf = Vec::new();
        for t in [
            "In 1959 about 40 people (Dunmore 1959, p. 170)",
            "12 more",
            "",
            "one",
            "x",
        ] {
            let cites = plant_citations(t, u64::MAX, &[]);
            r.find_skipping_into(t, 0..t.len(), &cites, range_of, &mut buf);
            assert_eq!(
                buf,
                r.find_skipping(t, 0..t.len(), &cites, range_of),
                "{t:?}"
            );
        }
        let t = "(Dunmore 1959, p. 170)";
        assert!(skippable(t.as_bytes(), &(0..t.len())));
        assert!(!skippable(b"(http://x.org/5)", &(0..16)));
        assert!(r.paren_free);
    }

    /// `may_follow_digits` as it was, by the multipliers' first letters and lengths alone:
    /// the oracle of the finer test by `mult_keys`.
    fn may_follow_digits_by_lens(r: &Recognizer, b: &[u8], s: usize) -> bool {
        if s >= b.len() || !b[s].is_ascii_alphabetic() {
            return false;
        }
        let mut e = s + 1;
        while e < b.len() && b[e].is_ascii_alphabetic() {
            e += 1;
        }
        let n = e - s;
        let c = b[s].to_ascii_lowercase();
        (n == 3 && b[s..e].eq_ignore_ascii_case(b"and"))
            || r.words.map.iter().any(|(k, w)| {
                w.card.is_none()
                    && w.mult.is_some()
                    && k[0] == c
                    && len_bit(k.len()) & len_bit(n) != 0
            })
    }

    #[test]
    fn digits_may_grow_table() {
        let r = rec();
        for (t, want) in [
            ("1936 and 1938", Some(false)),
            ("1936 AND 1938", Some(false)),
            ("2 and", Some(false)),
            ("2 and ,", Some(false)),
            ("2", Some(false)),
            ("5 and a half", Some(true)),
            ("5 AND A half", Some(true)),
            ("4 and three quarters", Some(true)),
            ("7 and one-half", Some(true)),
            ("3 hundred", Some(true)),
            ("1.2 million", Some(true)),
            ("3 dozen", Some(true)),
            // the parse is made, and ends at the digits
            ("7 and one", None),
            ("1937 and the", Some(false)),
            ("1937 and An", Some(true)),
            ("1937 and Nineteen-thirds", Some(true)),
            ("2 members", Some(false)),
            ("2 British", Some(false)),
            ("2 millions", None),
            ("2 Thousand", Some(true)),
            ("2 andante", None),
            ("2 and\u{a0}the", None),
            ("2 and 3 quarters", Some(false)),
        ] {
            let b = t.as_bytes();
            let d = digits(b, 0, t.len()).unwrap();
            let grows = r.digits_may_grow(b, skip_sp(b, d.e, t.len()), t.len());
            assert!(want.is_none_or(|w| w == grows), "{t:?}");
            // the figures the parse finds where it is skipped are the same
            assert_eq!(
                r.core(t, 0, t.len()).map(|c| (c.e, c.low)),
                Some(
                    r.card_full(t, 0, t.len(), Some(d))
                        .filter(|st| st.e > d.e)
                        .map_or((d.e, d.v), |st| (st.e, st.total + st.cur))
                ),
                "{t:?}"
            );
        }
    }

    #[test]
    fn double_slash_table() {
        for (h, want) in [
            (&b""[..], false),
            (b"/", false),
            (b"//", true),
            (b"/a/", false),
            (b"a/b//", true),
            (b"(Smith 2001/2, p. 5)", false),
            (b"see https://x.org (Smith 2001)", true),
            (b"/ / /", false),
            (b"///", true),
        ] {
            assert_eq!(has_double_slash(h), want, "{h:?}");
            assert_eq!(h.windows(2).any(|w| w == b"//"), want, "{h:?}");
        }
    }

    use proptest::prelude::*;

    proptest! {
        // no regression files inside the repository
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn prop_spans_well_formed(t in "\\PC{0,200}", a in 0usize..220, b in 0usize..220) {
            let r = rec();
            let (mut lo, mut hi) = (a.min(b).min(t.len()), a.max(b).min(t.len()));
            while !t.is_char_boundary(lo) { lo -= 1; }
            while !t.is_char_boundary(hi) { hi -= 1; }
            let m = r.find(&t, lo..hi);
            let mut last = lo;
            for x in &m {
                prop_assert!(x.span.start >= last && x.span.start < x.span.end && x.span.end <= hi);
                prop_assert!(t.is_char_boundary(x.span.start) && t.is_char_boundary(x.span.end));
                prop_assert!(x.value_span().start >= x.span.start && x.value_span().end <= x.span.end);
                if let (Some(l), Some(h)) = (x.low.get(), x.high.get()) { prop_assert!(l <= h); }
                last = x.span.end;
            }
        }

        #[test]
        fn prop_backset_filter_agrees(
            t in "(no\\.|No|X-RAY|x-ray|ray|#|§|№|>|>=|=|≥|<|~|≈|at|least|more|than|up|to|c\\.|:|[ \n\t]|\u{a0}|[0-9]|q|Pages|pagesPages|aNo|ORDER|rder|doi|camp|p|pp|é){0,12}",
        ) {
            let mut lex = NumberLexicon::embedded();
            let extra: NumberLexicon =
                toml::from_str("identifier-words = [\"x-Ray\", \"no #\"]\nupper-bound = [\"=<\"]")
                    .unwrap();
            lex.extend(extra);
            let r = Recognizer::new(&lex).unwrap();
            for p in (0..=t.len()).filter(|&p| t.is_char_boundary(p)) {
                for lo in [0, p / 2, p].into_iter().filter(|&l| t.is_char_boundary(l)) {
                    prop_assert_eq!(
                        r.identifiers.find(&t, p, lo),
                        backset_find_unfiltered(&r.identifiers, &t, p, lo)
                    );
                    prop_assert_eq!(
                        r.hedges_before.find(&t, p, lo),
                        backset_find_unfiltered(&r.hedges_before, &t, p, lo)
                    );
                }
            }
        }

        #[test]
        fn prop_backset_shared_last_word_agrees(
            t in "(of|Of|OF|than|Than|in|excess|a|A|minimum|maximum|couple|upwards|more|less|no|not|fewer|greater|over|up|to|No|x|ss|nos\\.|[ \n]|\u{a0}|é|[0-9]|and|for|on|op|fax|art|all|some|sect|table|those|f|d|l|ll|p\\.|page|Pages|ch|vol\\.|doi:|:|\\.){0,12}",
        ) {
            let r = rec();
            for p in (0..=t.len()).filter(|&p| t.is_char_boundary(p)) {
                for lo in [0, 1, 2, 3, p / 2, p.saturating_sub(4), p].into_iter().filter(|&l| l <= p && t.is_char_boundary(l)) {
                    prop_assert_eq!(
                        r.hedges_before.find(&t, p, lo),
                        backset_find_unfiltered(&r.hedges_before, &t, p, lo)
                    );
                    prop_assert_eq!(
                        r.quantifiers.find(&t, p, lo),
                        backset_find_unfiltered(&r.quantifiers, &t, p, lo)
                    );
                    prop_assert_eq!(
                        r.identifiers.find(&t, p, lo),
                        backset_find_unfiltered(&r.identifiers, &t, p, lo)
                    );
                }
            }
        }

        #[test]
        fn prop_fwd_candidates_keep_every_match(
            t in "(or|Or|OR|of|o|and|an|a|more|over|less|%|per|cent|percent|Percents|pct|to|To|t|through|thru|times|fold|-fold|-|–|—|~|x|[ \n]|\u{a0}|[0-9]){0,10}",
            lim_cut in 0usize..4,
        ) {
            let mut lex = NumberLexicon::embedded();
            // a one-byte phrase and one whose first word repeats another's first byte
            let extra: NumberLexicon =
                toml::from_str("percent = [\"p\", \"Of course\"]\nrelative = [\"X\"]").unwrap();
            lex.extend(extra);
            let r = Recognizer::new(&lex).unwrap();
            let b = t.as_bytes();
            let lim = t.len().saturating_sub(lim_cut);
            fn check<T>(set: &FwdSet<T>, t: &str, p: usize, lim: usize) -> Result<(), TestCaseError> {
                let b = t.as_bytes();
                let next = first_byte_at(b, p, lim);
                // the filter the candidates replace, and every match
                let old: Vec<*const (Phrase, T)> = set
                    .items
                    .iter()
                    .filter(|(ph, _)| may_start_with(ph, next))
                    .filter(|(ph, _)| match_fwd(t, p, lim, ph).is_some())
                    .map(|x| x as *const _)
                    .collect();
                let all: Vec<*const (Phrase, T)> = set
                    .items
                    .iter()
                    .filter(|(ph, _)| match_fwd(t, p, lim, ph).is_some())
                    .map(|x| x as *const _)
                    .collect();
                let new: Vec<*const (Phrase, T)> = set
                    .candidates(b, p, lim)
                    .filter(|(ph, _)| match_fwd(t, p, lim, ph).is_some())
                    .map(|x| x as *const _)
                    .collect();
                prop_assert_eq!(&new, &old);
                prop_assert_eq!(&new, &all);
                Ok(())
            }
            for p in (0..=lim).filter(|&p| t.is_char_boundary(p)) {
                check(&r.percent, &t, p, lim)?;
                check(&r.relative, &t, p, lim)?;
                check(&r.range_conn, &t, p, lim)?;
                check(&r.alt_conn, &t, p, lim)?;
                check(&r.hedges_after, &t, p, lim)?;
            }
            let _ = b;
        }

        #[test]
        fn prop_card_after_digits_is_full(
            t in "([0-9]{1,4}|[,. \n-]|\u{a0}|and|And|AND|an|a|hundred|Hundred|thousand|million|millions|dozen|dozens|dz|bn|half|a half|one|two|twenty|point|of|x|é){0,12}",
            lim_cut in 0usize..3,
        ) {
            let r = rec();
            let b = t.as_bytes();
            let lim = t.len().saturating_sub(lim_cut);
            for p in (0..lim).filter(|&p| b[p].is_ascii_digit() || b[p] == b'.') {
                if let Some(d) = digits(b, p, lim) {
                    let fast = r.card(&t, p, lim, Some(d));
                    let full = r.card_full(&t, p, lim, Some(d));
                    prop_assert_eq!(format!("{fast:?}"), format!("{full:?}"), "{:?} at {}", t, p);
                }
            }
        }

        #[test]
        fn prop_digits_is_full(
            t in "([0-9]{1,5}|0|00|[,. \n/:-]|\u{a0}|\u{202f}|\u{2009}|x){0,10}",
            lim_cut in 0usize..3,
        ) {
            let b = t.as_bytes();
            let lim = t.len().saturating_sub(lim_cut);
            for p in 0..lim {
                prop_assert_eq!(
                    format!("{:?}", digits(b, p, lim)),
                    format!("{:?}", digits_full(b, p, lim)),
                    "{:?} at {}", t, p
                );
            }
        }

        #[test]
        fn prop_of_denominator_is_full(
            t in "(of|Of|OF|out|Out|from|From|FROM|fromage|the|The|other|people|People|x|[0-9]{1,3}|one|two|five|eight|hundred|[ ,.\n]|é){0,12}",
            lim_cut in 0usize..3,
        ) {
            let r = rec();
            let lim = t.len().saturating_sub(lim_cut);
            for p in (0..=lim).filter(|&p| t.is_char_boundary(p)) {
                for n in [0.0, 2.0, 13.0] {
                    prop_assert_eq!(
                        r.of_denominator(&t, p, lim, n),
                        r.of_denominator_full(&t, p, lim, n),
                        "{:?} at {}", t, p
                    );
                }
            }
        }

        #[test]
        fn prop_skip_sp_is_plain_match(
            b in proptest::collection::vec(prop_oneof![
                Just(b' '), Just(b'\t'), Just(b'\r'), Just(b'\n'), Just(0xC2u8), Just(0xA0u8),
                Just(0xE2u8), Just(0x80u8), Just(0xAFu8), Just(0x89u8), Just(b'x'), Just(b'!'),
                Just(0x7Fu8), Just(0x1Fu8), any::<u8>()
            ], 0..12),
            p in 0usize..13,
            l in 0usize..13,
        ) {
            // the match both skips used before their fast paths
            fn old(b: &[u8], mut p: usize, lim: usize) -> usize {
                let mut nl = false;
                while p < lim {
                    match b[p] {
                        b' ' | b'\t' | b'\r' => p += 1,
                        b'\n' if !nl => { nl = true; p += 1 }
                        0xC2 if p + 1 < lim && b[p + 1] == 0xA0 => p += 2,
                        0xE2 if p + 2 < lim && b[p + 1] == 0x80 && (b[p + 2] == 0xAF || b[p + 2] == 0x89) => p += 3,
                        _ => break,
                    }
                }
                p
            }
            fn old_back(b: &[u8], mut p: usize, lo: usize) -> usize {
                let mut nl = false;
                while p > lo {
                    match b[p - 1] {
                        b' ' | b'\t' | b'\r' => p -= 1,
                        b'\n' if !nl => { nl = true; p -= 1 }
                        0xA0 if p >= lo + 2 && b[p - 2] == 0xC2 => p -= 2,
                        0xAF | 0x89 if p >= lo + 3 && b[p - 3] == 0xE2 && b[p - 2] == 0x80 => p -= 3,
                        _ => break,
                    }
                }
                p
            }
            let (lo, hi) = (p.min(l).min(b.len()), p.max(l).min(b.len()));
            prop_assert_eq!(skip_sp(&b, lo, hi), old(&b, lo, hi));
            prop_assert_eq!(skip_sp_back(&b, hi, lo), old_back(&b, hi, lo));
        }

        #[test]
        fn prop_anchor_or_digit_sse2(
            t in "(one|One|tenth|tenths|ten|thousand|Third|s|x|é|½|¾|-| |\\.|[0-9]|a couple|minus|couples|thirty|ninetyfive|/|:|\u{7f}|\u{c0}|\u{ff}){0,24}",
            a in 0usize..120,
            b in 0usize..120,
        ) {
            let r = rec();
            let (mut lo, mut hi) = (a.min(b).min(t.len()), a.max(b).min(t.len()));
            while !t.is_char_boundary(lo) { lo -= 1; }
            while !t.is_char_boundary(hi) { hi -= 1; }
            scans_agree(&r.anchors, &t, lo, hi)?;
        }

        #[test]
        fn prop_double_slash_is_pair_scan(h in "(/|//|a|:|\\)|\\(| |é){0,24}") {
            let b = h.as_bytes();
            prop_assert_eq!(has_double_slash(b), b.windows(2).any(|w| w == b"//"));
            for k in 0..b.len() {
                prop_assert_eq!(has_double_slash(&b[k..]), b[k..].windows(2).any(|w| w == b"//"));
            }
        }

        #[test]
        fn prop_anchor_or_digit_sse2_text_past_lim(
            t in "(one|One|tenth|ten|thousand|Third|s|x|é|½|-| |\\.|[0-9]|minus|thirty|\u{c0}){0,24}",
            rest in "(one|ten|[0-9]|x|½|é|minus|thousand| ){1,12}",
            a in 0usize..120,
        ) {
            // the range ends before the text does: the bytes after it are cleared, not copied
            let r = rec();
            let u = format!("{t}{rest}");
            let hi = t.len();
            let mut lo = a.min(hi);
            while !t.is_char_boundary(lo) { lo -= 1; }
            scans_agree(&r.anchors, &u, lo, hi)?;
        }

        #[test]
        fn prop_anchor_or_digit_any_lexicon(
            words in proptest::collection::vec("[a-z]{1,4}|[A-Z][a-z]{0,2}|z[a-z]", 1..24),
            t in "([a-dzA-D0-9]{1,5}| |-|é|½){0,40}",
            a in 0usize..200,
            b in 0usize..200,
        ) {
            // more than eight first letters share buckets; one-letter words pass with none after
            let mut list = words;
            list.push("½".into());
            let anchors = Anchors::new(list).unwrap();
            prop_assert!(anchors.ac.is_none());
            let (mut lo, mut hi) = (a.min(b).min(t.len()), a.max(b).min(t.len()));
            while !t.is_char_boundary(lo) { lo -= 1; }
            while !t.is_char_boundary(hi) { hi -= 1; }
            scans_agree(&anchors, &t, lo, hi)?;
            #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
            for w in anchors.words.map.keys() {
                prop_assert!(anchors.pairs.admits(w[0], w.get(1).copied()));
            }
        }

        #[test]
        fn prop_find_combined_is_two_scans(
            t in "(one|One|tenth|tenths|ten|thousand|Third|s|x|é|½|¾|-| |\\.|,|[0-9]{1,5}|a couple|minus|couples|thirty|ninetyfive|half|hundred|million|and|of|to|or|at least|about|the|p\\.|1990|May|\n){0,40}",
            a in 0usize..300,
            b in 0usize..300,
        ) {
            let r = rec();
            let (mut lo, mut hi) = (a.min(b).min(t.len()), a.max(b).min(t.len()));
            while !t.is_char_boundary(lo) { lo -= 1; }
            while !t.is_char_boundary(hi) { hi -= 1; }
            prop_assert_eq!(r.find_with(&t, lo..hi, true, &[], range_of), r.find_with(&t, lo..hi, false, &[], range_of));
        }

        #[test]
        fn prop_find_combined_is_two_scans_any(t in "\\PC{0,120}") {
            let r = rec();
            prop_assert_eq!(r.find_with(&t, 0..t.len(), true, &[], range_of), r.find_with(&t, 0..t.len(), false, &[], range_of));
        }

        #[test]
        fn prop_letter_runs_are_loops(
            b in proptest::collection::vec(
                prop_oneof![b'a'..=b'z', b'A'..=b'Z', any::<u8>(), Just(b' ')], 0..60),
            e in 0usize..64,
            lo in 0usize..64,
        ) {
            let e = e.min(b.len());
            let lo = lo.min(e);
            for c in 0..=255u8 {
                prop_assert_eq!(is_letter(c), c.is_ascii_alphabetic());
                prop_assert_eq!(printable(c), c > b' ' && c < 0x80);
                prop_assert_eq!(lower(c), c.to_ascii_lowercase());
            }
            prop_assert_eq!(
                letters_back(&b, e, lo.max(e.saturating_sub(MAXW + 1))),
                letters_back_loop(&b, e, lo, MAXW)
            );
            prop_assert_eq!(letters_back(&b, e, lo), letters_back_loop(&b, e, lo, usize::MAX));
            prop_assert_eq!(
                word_back(&b, e, lo.max(e.saturating_sub(MAXW))),
                word_back_loop(&b, e, lo)
            );
        }

        /// `prev_word_where` is `prev_word` with the word's first byte tested after it.
        #[test]
        fn prop_prev_word_where_is_filter(
            t in "(Jan|May|may|The|the|Nuksha|aB|x|[0-9]{1,2}|[ .,\n]|\u{a0}|é|É|abcdefghijklmnopqrstuvwxyz){0,8}",
            p in 0usize..80,
            lo in 0usize..80,
        ) {
            let b = t.as_bytes();
            let p = p.min(t.len());
            let lo = lo.min(p);
            let key = |w: Option<Wd>| w.map(|w| (w.s, w.e, w.bytes().to_vec()));
            let firsts: [fn(u8) -> bool; 3] =
                [|c| c.is_ascii_uppercase(), |c| c.is_ascii_lowercase(), |_| true];
            for first in firsts {
                prop_assert_eq!(
                    key(prev_word_where(&t, p, lo, first)),
                    key(prev_word(&t, p, lo).filter(|w| first(b[w.s]))),
                    "{:?} {} {}", t, p, lo
                );
            }
        }

        #[test]
        fn prop_char_shortcuts_decode(t in "(\\PC|[a-z0-9 .\\-]){0,12}") {
            for p in 0..=t.len() + 1 {
                prop_assert_eq!(char_before(&t, p), char_before_decoded(&t, p));
                prop_assert_eq!(char_at(&t, p), char_at_decoded(&t, p));
            }
        }

        #[test]
        fn prop_no_connector_means_none(
            t in "(to|To|t|through|thru|or|Or|o|,|-|–|—|~|x|%|[ \n]|\u{a0}|[0-9]|é){0,8}",
            p in 0usize..20,
            cut in 0usize..3,
        ) {
            let r = rec();
            let b = t.as_bytes();
            let lim = t.len().saturating_sub(cut);
            let p = p.min(lim);
            if r.no_connector_at(b, p, lim) {
                // what `range` tries without "between": connectors at `p`, alternatives after
                // the spaces (no comma there), comma lists (none without a comma)
                let k = skip_sp(b, p, lim);
                prop_assert!(k >= lim || b[k] != b',');
                prop_assert!(r.range_conn.candidates(b, p, lim).next().is_none());
                prop_assert!(r.alt_conn.candidates(b, k, lim).next().is_none());
                let one = r.core("1", 0, 1).unwrap();
                prop_assert!(r.comma_alternatives(&t, p, lim, one).is_none());
            }
        }

        #[test]
        fn prop_find_digit(b in proptest::collection::vec(any::<u8>(), 0..40), i in 0usize..40, lim in 0usize..40) {
            let lim = lim.min(b.len());
            let i = i.min(lim);
            let want = (i..lim).find(|&k| b[k].is_ascii_digit()).unwrap_or(lim);
            prop_assert_eq!(find_digit(&b, i, lim), want);
        }

        #[test]
        fn prop_anchor_scan_is_automaton(
            t in "(one|One|tenth|tenths|ten|thousand|s|x|é|½|¾|-| |\\.|[0-9]|a couple|minus|couples){0,16}",
            a in 0usize..60,
            b in 0usize..60,
        ) {
            let fast = rec();
            let slow = rec_automaton();
            let (mut lo, mut hi) = (a.min(b).min(t.len()), a.max(b).min(t.len()));
            while !t.is_char_boundary(lo) { lo -= 1; }
            while !t.is_char_boundary(hi) { hi -= 1; }
            prop_assert_eq!(fast.find(&t, lo..hi), slow.find(&t, lo..hi));
            // the automaton's first match with boundaries, as `find` skips to it
            let bt = t.as_bytes();
            let mut from = lo;
            let want = loop {
                match slow.anchors.next(&t, from, hi) {
                    Some((s, e)) if alnum_before(&t, s)
                        || (e < bt.len() && (is_word_byte(bt[e]) || alpha_at(&t, e))) =>
                    {
                        from = e.max(s + 1);
                        while from < hi && !t.is_char_boundary(from) { from += 1; }
                    }
                    m => break m,
                }
            };
            prop_assert_eq!(fast.anchors.next(&t, lo, hi), want);
        }

        #[test]
        fn prop_digits_value_is_parse(int in "[0-9]{0,20}", frac in "[0-9]{0,20}") {
            let s = if frac.is_empty() { int.clone() } else { format!("{int}.{frac}") };
            prop_assume!(!int.is_empty() || !frac.is_empty());
            let want: f64 = s.parse().unwrap();
            prop_assert_eq!(digits_value(s.as_bytes(), frac.len()).to_bits(), want.to_bits());
        }

        #[test]
        fn prop_is_year_is_in_order(
            t in "([0-9]{1,5}|1[0-9]{3}|20[0-9]{2}|[ ,.%$(\u{a3}-]|in|of|since|by|the|more than|up to|UP To|about|under|percent|per cent|people|workers|class|tons|Workers|s|ss|x|\u{a0}|\n){0,14}",
        ) {
            let r = rec();
            prop_assert!(is_year_agrees(&r, &t).is_ok(), "{:?}", is_year_agrees(&r, &t));
        }

        #[test]
        fn prop_negative_word_agrees(
            t in "(minus|Minus|negative|neg|Neg|x|X|one|two|five|[0-9]{1,3}| |-|é|minusminusminusminusminusminus){0,10}",
            cut in 0usize..4,
        ) {
            let lim = t.len().saturating_sub(cut);
            for r in negative_recognisers() {
                for p in (0..=t.len()).filter(|&p| t.is_char_boundary(p)) {
                    prop_assert_eq!(r.negative_word(&t, p, lim), negative_word_read(&r, &t, p, lim));
                }
            }
        }

        /// A word in no list is turned away before `card` reads it: the same core (or none)
        /// as reading it in full.
        #[test]
        fn prop_core_word_shortcut_agrees(
            t in "([0-9]{1,4}|[,.;: \n/-]|\u{a0}|a|an|A|An|and|point|of|the|p|Salt|minus|Minus|less|couple|one|two|Twenty|hundred|thousands|half|a half|quarters|dozen|few|several|x|é|verylongwordthatisbeyondthebuffer){0,14}",
            lim_cut in 0usize..3,
        ) {
            let r = rec();
            let lim = t.len().saturating_sub(lim_cut);
            for p in (0..=t.len()).filter(|&p| t.is_char_boundary(p)) {
                prop_assert_eq!(
                    format!("{:?}", r.core_with(&t, p, lim, true)),
                    format!("{:?}", r.core_with(&t, p, lim, false)),
                    "{:?} at {}", t, p
                );
            }
        }

        /// Citations planted at random (parenthesised groups and arbitrary spans): the
        /// figures outside them are the same with and without passing over the candidates
        /// inside them, with both scans and in any part of the text.
        #[test]
        fn prop_skipping_citations_agrees(
            t in "([0-9]{1,4}|[(\\[][(\\[]?|[)\\]][)\\]]?|\\[\\^1\\]|@hollis1958|[,.;: \n/-]|//|\u{a0}|one|One|two|twenty|hundred|million|half|a|and|of|out of|to|or|but|at least|about|more than|less than|over|between|from|the|other|no|p\\.|pp\\.|ISBN|Salt|Smith|percent|%|times|more|people|copies|May|http:|x|é){0,40}",
            pick in any::<u64>(),
            extra in proptest::collection::vec((0usize..200, 0usize..200), 0..3),
            a in 0usize..200,
            z in 0usize..200,
        ) {
            let r = rec();
            let cites = plant_citations(&t, pick, &extra);
            let (mut lo, mut hi) = (a.min(z).min(t.len()), a.max(z).min(t.len()));
            if a % 3 == 0 {
                (lo, hi) = (0, t.len());
            }
            while !t.is_char_boundary(lo) { lo -= 1; }
            while !t.is_char_boundary(hi) { hi -= 1; }
            for combined in [true, false] {
                prop_assert_eq!(
                    outside(&r, &t, lo..hi, combined, &cites, true),
                    outside(&r, &t, lo..hi, combined, &cites, false),
                    "{:?} {:?} {}..{}", t, cites, lo, hi
                );
            }
            // A reused buffer, holding another text's figures, gives the same figures.
            let mut buf = r.find(&t, 0..t.len());
            buf.extend(r.find("about 12 and 40 percent", 0..23));
            r.find_skipping_into(&t, lo..hi, &cites, range_of, &mut buf);
            prop_assert_eq!(&buf, &r.find_skipping(&t, lo..hi, &cites, range_of));
        }

        /// Scans that start inside the last chunk read (as `find_with` makes them) find what
        /// a fresh scan finds.
        #[test]
        fn prop_chunk_reuse_agrees(
            t in "([0-9]{1,3}|[a-z]{1,6}|one|two|hundred|half|dozen|and|[ .,;()\n-]|\u{a0}|é|½|x{30}){0,60}",
            steps in proptest::collection::vec(0usize..40, 1..40),
            a in 0usize..400,
            z in 0usize..400,
        ) {
            let r = rec();
            let (mut lo, mut hi) = (a.min(z).min(t.len()), a.max(z).min(t.len()));
            if a % 3 == 0 {
                (lo, hi) = (0, t.len());
            }
            while !t.is_char_boundary(lo) { lo -= 1; }
            while !t.is_char_boundary(hi) { hi -= 1; }
            let mut chunk = Chunk::default();
            let mut pos = lo;
            for &step in &steps {
                let want = r.anchors.next_or_digit_swar(&t, pos, hi);
                prop_assert_eq!(r.anchors.next_or_digit(&t, pos, hi, &mut chunk), want, "{:?} {}", t, pos);
                // on from the find (as after a figure), or back (as after a skip undone)
                pos = match want {
                    Some((s, e)) if step % 7 != 0 => e.max(s + 1) + step % 5,
                    _ => pos.saturating_sub(step).max(lo) + step % 3,
                }
                .min(hi);
                while !t.is_char_boundary(pos) { pos += 1; }
            }
        }

        /// Where `digits_may_grow` says no, the parse after the digits ends at them, as the
        /// test it refines (`may_follow_digits_by_lens`) would have let it find.
        #[test]
        fn prop_digits_may_grow_is_exact(
            t in "([0-9]{1,4}|[.,]|[ ]{1,2}|\u{a0}|-|and|AND|And|a|an|A|point|one|two|seven|nineteen|twenty|hundred|Hundred|thousand|million|dozen|dozens|half|halves|quarter|quarters|third|thirds|members|British|of|the|x|é){0,14}",
            p in 0usize..60,
        ) {
            let r = rec();
            let b = t.as_bytes();
            let p = p.min(t.len());
            if p < b.len() && b[p].is_ascii_digit() && (p == 0 || !b[p - 1].is_ascii_digit())
                && let Some(d) = digits(b, p, t.len())
            {
                let s = skip_sp(b, d.e, t.len());
                let grows = r.digits_may_grow(b, s, t.len());
                prop_assert!(!grows || r.may_follow_digits(b, s));
                prop_assert!(!r.may_follow_digits(b, s) || may_follow_digits_by_lens(&r, b, s));
                if !grows && may_follow_digits_by_lens(&r, b, s) {
                    let st = r.card_full(&t, p, t.len(), Some(d));
                    prop_assert!(st.is_none_or(|st| st.e <= d.e), "{:?} {}", t, p);
                }
            }
        }

        #[test]
        fn prop_numberish(t in "([0-9]{1,5}|[,.\\- /%]|one|two|hundred|million|half|and|of|to|or|at least|about|the|p\\.|  ){0,30}") {
            let r = rec();
            let m = r.find(&t, 0..t.len());
            let mut last = 0;
            for x in &m {
                prop_assert!(x.span.start >= last && x.span.end <= t.len());
                if let (Some(l), Some(h)) = (x.low.get(), x.high.get()) { prop_assert!(l <= h, "{t:?} {x:?}"); }
                last = x.span.end;
            }
        }
    }
}

//! Citations: every form in which a document points at its source.
//!
//! Markers (`[1]`, `[^n]`), bracketed author/page (`[Conquest, p. 88]`), pandoc keys (`[@key]`),
//! parenthetical author-date (`(Conquest 1990, p. 265)`), links and URLs, reference text glued to
//! a sentence by flattened footnotes ("…torture,Page 121, The Great Terror, ISBN 0195071328 which…"),
//! and bibliographic lines ("Surname, Given. Title. City: Publisher, 1990, p. 265").
//!
//! Glued references have no delimiters, so their extent is found by reading tokens: a reference is
//! a run of capitalised words, numbers, page vocabulary and quoted titles; it ends where prose
//! resumes (a lower-case word that is not reference vocabulary, or a capitalised word followed by
//! one).

// Word lookups run per token of every reference candidate: FxHash, not SipHash.
use rustc_hash::FxHashSet as HashSet;
use std::ops::Range;

use regex::Regex;
use toml::Spanned;

use super::is_word_byte;

use crate::extract::OptIdx;
use crate::extract::lexicon_regex::{PatternError, compile_alternation};

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CitationLexicon {
    #[serde(default)]
    pub markers: Vec<Spanned<String>>,
    #[serde(default)]
    pub bracketed: Vec<Spanned<String>>,
    #[serde(default)]
    pub parenthetical: Vec<Spanned<String>>,
    #[serde(default)]
    pub narrative: Vec<Spanned<String>>,
    #[serde(default)]
    pub urls: Vec<Spanned<String>>,
    #[serde(default)]
    pub strong_anchors: Vec<Spanned<String>>,
    #[serde(default)]
    pub weak_anchors: Vec<Spanned<String>>,
    #[serde(default)]
    pub reference_connectors: Vec<String>,
    #[serde(default)]
    pub reference_words: Vec<String>,
    #[serde(default)]
    pub sentence_starters: Vec<String>,
    #[serde(default)]
    pub not_citations: Vec<String>,
}

pub const EMBEDDED_CITATIONS: &str = include_str!("../../rules/lexicon/citations.toml");

impl CitationLexicon {
    pub fn embedded() -> CitationLexicon {
        toml::from_str(EMBEDDED_CITATIONS).expect("embedded citations lexicon parses")
    }

    pub fn extend(&mut self, other: CitationLexicon) {
        self.markers.extend(other.markers);
        self.bracketed.extend(other.bracketed);
        self.parenthetical.extend(other.parenthetical);
        self.narrative.extend(other.narrative);
        self.urls.extend(other.urls);
        self.strong_anchors.extend(other.strong_anchors);
        self.weak_anchors.extend(other.weak_anchors);
        self.reference_connectors.extend(other.reference_connectors);
        self.reference_words.extend(other.reference_words);
        self.sentence_starters.extend(other.sentence_starters);
        self.not_citations.extend(other.not_citations);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CitationKind {
    Marker,
    Bracketed,
    Parenthetical,
    /// Author-date in running text: "Fitzpatrick (1994)".
    Narrative,
    Url,
    Link,
    FootnoteReference,
    /// Reference text glued into or after a sentence.
    InlineReference,
    /// A whole line (or sentence) that is a bibliographic reference.
    BibliographicLine,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub range: Range<usize>,
    pub kind: CitationKind,
    /// Where prose starts again right after the reference with a new sentence (a capitalised word
    /// not separated by punctuation from the reference); the segmenter cannot see that boundary.
    pub resumes_at: OptIdx,
}

/// Compiled citation patterns.
pub struct CitationMatcher {
    delimited: Vec<(Delimited, CitationKind)>,
    /// The strong anchors' alternation; a meta regex (as `regex::Regex` wraps, with the same
    /// configuration) so that it can also be searched anchored at a candidate start.
    strong: regex_automata::meta::Regex,
    weak: Regex,
    year: Regex,
    connectors: HashSet<String>,
    reference_words: HashSet<String>,
    /// Connectors and reference words together: `prose_ratio` asks whether a word is either.
    vocabulary: Vocabulary,
    starters: HashSet<String>,
    not_citations: Vec<String>,
    /// Every strong anchor needs an ASCII digit, "Press" or "ISBN" in its match, so a block
    /// with none of them holds none (see `ANCHORS_NEEDING_DIGIT_OR_PRESS`).
    strong_needs_digit_or_press: bool,
    /// Every URL pattern needs a '/' in its match (see `URLS_NEEDING_SLASH`), so a block
    /// without one holds none.
    urls_need_slash: bool,
    /// "Press" and "ISBN", searched in many blocks: built once, not per search.
    press: memchr::memmem::Finder<'static>,
    isbn: memchr::memmem::Finder<'static>,
    /// A per-sentence strong-anchor search can be answered from the block's matches: the
    /// pattern looks around only at ASCII word boundaries and never matches empty (see
    /// `strong_in_span`).
    strong_reusable: bool,
    /// The same for the weak anchors (`weak_in_span`).
    weak_reusable: bool,
    /// Lengths of the `not_citations` (bit `min(len, 63)`): most bracketed matches have none
    /// of them, and need not be compared.
    not_citation_lengths: u64,
    /// The weak anchors are the embedded ones (`WEAK_EMBEDDED_SOURCE`): a slice without any of
    /// `WEAK_WORD_PREFIXES` has no match (see `weak_matches`).
    weak_is_embedded: bool,
    /// The strong anchors are `ANCHORS_NEEDING_DIGIT_OR_PRESS`, in that order: their matches
    /// can be read by hand (`embedded_strong_end`).
    strong_is_embedded: bool,
    /// How many kinds at the head of `delimited` are searched in one pass over the block's
    /// '[' and '(' (`find_with_anchors`): markers and bracketed citations anchored at '['
    /// alone, parenthetical ones at '(' alone.
    merged: usize,
}

/// The embedded strong anchors, each of which matches only text holding an ASCII digit,
/// "Press" or "ISBN" (the ISBN pattern takes "X" for a digit, so "ISBN XXXXXXXXXX" is one with
/// no digit at all). A lexicon whose strong anchors are all among these lets prose without either skip
/// the anchor search; any other anchor (a user's) may match anything, so nothing is skipped.
/// (A test checks the list against the embedded lexicon.)
const ANCHORS_NEEDING_DIGIT_OR_PRESS: &[&str] = &[
    r"ISBN(?:-1[03])?:? ?[\dX][\dX -]{8,16}[\dX]",
    r"(?-u:\b)(?:pp?|pg|Pp)\.? ?\d+(?:\s?[–,-]\s?\d+)*(?-u:\b)",
    r"(?-u:\b)[Pp]ages? \d+(?:\s?[–,-]\s?\d+)*",
    r"(?-u:\b)\d+ pages(?-u:\b)",
    r"(?-u:\b)(?:University|Univ\.) Press(?-u:\b)",
    r"(?-u:\b)(?:Vol|vol)\. ?\d+",
];

/// The embedded URL patterns, each of which matches only text holding a '/'. A lexicon whose
/// URL patterns are all among these lets a block without '/' skip the URL search. (A test
/// checks the list against the embedded lexicon.)
const URLS_NEEDING_SLASH: &[&str] = &[
    r"(?-u:\b)https?://[^\s<>()\]]+",
    r"(?-u:\b)doi:\s?10\.\d{4,9}/\S+",
    r"(?-u:\b)10\.\d{4,9}/[-._;()/:A-Za-z0-9]+",
];

/// The embedded weak anchors, as `compile_alternation` joins them (a test checks this against
/// the embedded lexicon). Every match begins with one of their words (after a word
/// boundary), so with one of `WEAK_WORD_PREFIXES`.
const WEAK_EMBEDDED_SOURCE: &str = r"(?:(?-u:\b)(?:Press|Books|Publishers|Publishing|Verlag|Editions|Educational)(?-u:\b))|(?:(?-u:\b)(?:New York|London|Boston|Oxford|Cambridge|Chicago|Moscow|Paris|Toronto|Washington): [A-ZÀ-ÖØ-Þ])";

/// The first three bytes of every word of `WEAK_EMBEDDED_SOURCE` (a test checks them).
const WEAK_WORD_PREFIXES: &[&str] = &[
    "Pre", "Boo", "Pub", "Ver", "Edi", "Edu", "New", "Lon", "Bos", "Oxf", "Cam", "Chi", "Mos",
    "Par", "Tor", "Was",
];

/// A packed (SIMD) searcher for `WEAK_WORD_PREFIXES`, built on first use; `None` where none
/// can be built (the regex then searches every slice).
fn weak_word_prefixes() -> Option<&'static aho_corasick::packed::Searcher> {
    static SEARCHER: std::sync::OnceLock<Option<aho_corasick::packed::Searcher>> =
        std::sync::OnceLock::new();
    SEARCHER
        .get_or_init(|| aho_corasick::packed::Searcher::new(WEAK_WORD_PREFIXES.iter()))
        .as_ref()
}

/// The strong anchors of one block, found once by `CitationMatcher::find_with_anchors` so that
/// each of its sentences need not be searched again (`is_reference_span`).
#[derive(Debug, Clone)]
pub enum BlockAnchors {
    /// Not searched (the block is a bibliographic line): search each sentence.
    Unknown,
    /// The block provably holds no strong anchor: it has no ASCII digit (nor "Press" or
    /// "ISBN"), so no year either.
    None {
        block: Range<usize>,
        weak: WeakMatches,
    },
    /// The block's strong-anchor matches (`find_iter`, absolute offsets) and the block.
    Found {
        block: Range<usize>,
        matches: Vec<Range<usize>>,
        weak: WeakMatches,
    },
}

/// The block's weak-anchor matches (`find_iter`, absolute offsets), searched when a sentence
/// first asks: one search of the block instead of one per sentence.
#[derive(Debug, Clone, Default)]
pub struct WeakMatches(std::cell::OnceCell<Vec<Range<usize>>>);

/// Does every match of `pattern` keep its look-arounds to ASCII word boundaries (which read one
/// byte either side) and hold at least one byte?
fn looks_only_at_ascii_words(pattern: &str) -> bool {
    use regex_syntax::hir::{Look, LookSet};
    let Ok(hir) = regex_syntax::parse(pattern) else {
        return false;
    };
    let props = hir.properties();
    let ascii_word = LookSet::empty()
        .insert(Look::WordAscii)
        .insert(Look::WordAsciiNegate)
        .insert(Look::WordStartAscii)
        .insert(Look::WordEndAscii)
        .insert(Look::WordStartHalfAscii)
        .insert(Look::WordEndHalfAscii);
    props.look_set().subtract(ascii_word).is_empty() && props.minimum_len().is_some_and(|n| n > 0)
}

/// The patterns of one delimited citation kind, compiled into one alternation.
///
/// When every match must begin with one of a few punctuation bytes (markers and bracketed
/// citations with '[', parenthetical ones with '('), matches are found by an anchored search at
/// each such byte. An unanchored search finds where a match ends and then searches backwards
/// for its start, and the counted repetitions of these patterns (`[^()]{1,120}`) made that
/// backward automaton build new states all the time: 4-8 % of all the work. Anchored at a
/// known start, the search only runs forwards. Matches are the same (tested against the
/// unanchored search).
enum Delimited {
    Scan(Regex),
    Anchored {
        /// Boxed: far larger than a `Regex`, and only three are built.
        re: Box<ForwardOnly>,
        /// The bytes every match starts with (repeated to three for `memchr3`).
        starts: [u8; 3],
        /// For the embedded markers, bracketed and parenthetical citations: what the byte
        /// after the '[' or '(' must be for a match (see `second_byte_filter`); a search elsewhere is skipped.
        second: Option<fn(u8) -> bool>,
    },
    /// Embedded URL patterns (`URLS_NEEDING_SLASH`), searched anchored at the few places near a
    /// '/' where one can start (`slashed_starts`): an unanchored scan of every block with a
    /// '/' ran its prefilter and lazy DFA over the whole block.
    Slashed {
        re: Box<ForwardOnly>,
        /// The patterns are `URLS_NEEDING_SLASH`, all of them: their matches can be read by
        /// hand (`embedded_url_end`).
        by_hand: bool,
    },
}

/// How far a '/' can lie past the start of a match of `URLS_NEEDING_SLASH`: its first '/' is
/// at most "doi:", a `\s` (up to 3 bytes), "10." and nine `\d` (up to 4 bytes each) in.
const URL_SLASH_REACH: usize = 4 + 3 + 3 + 9 * 4;

/// Where the match of `URLS_NEEDING_SLASH` (all of them) starting at `p` ends, read by hand,
/// where `url_may_start(b, p)`; `Untold` where a non-ASCII character is read by `\s`, `\S`
/// or `\d`. Each pattern starts with its own letter, so one alone can match at `p`; each
/// optional or counted part is forced (an optional space not taken leaves a space where "10."
/// must be; digits past nine leave a digit where '/' must be).
fn embedded_url_end(b: &[u8], p: usize) -> Result<Option<usize>, Untold> {
    // The end of the greedy run from `i` of bytes `keep` takes (ASCII), if it holds one;
    // `Untold` at a non-ASCII byte where `ascii_only` is not set.
    let run = |i: usize, keep: fn(u8) -> bool, ascii_only: bool| {
        let mut j = i;
        while b.get(j).is_some_and(|&c| c.is_ascii() && keep(c)) {
            j += 1;
        }
        if !ascii_only && b.get(j).is_some_and(|c| !c.is_ascii()) {
            return Err(Untold);
        }
        Ok((j > i).then_some(j))
    };
    let not_space = |c: u8| !matches!(c, b'\t'..=b'\r' | b' ');
    // `10\.\d{4,9}/` from `i`: where the '/' ends.
    let doi_head = |i: usize| -> Result<Option<usize>, Untold> {
        if !b[i..].starts_with(b"10.") {
            return Ok(None);
        }
        let mut j = i + 3;
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        digit_at(b, j)?;
        let digits = j - (i + 3);
        Ok(((4..=9).contains(&digits) && b.get(j) == Some(&b'/')).then_some(j + 1))
    };
    let rest = &b[p..];
    if rest.starts_with(b"http") {
        // `https?://[^\s<>()\]]+`
        let mut i = p + 4;
        i += usize::from(b.get(i) == Some(&b's'));
        if !b[i..].starts_with(b"://") {
            return Ok(None);
        }
        let keep = |c: u8| !matches!(c, b'\t'..=b'\r' | b' ' | b'<' | b'>' | b'(' | b')' | b']');
        run(i + 3, keep, false)
    } else if rest.starts_with(b"doi:") {
        // `doi:\s?10\.\d{4,9}/\S+`
        let i = p + 4 + usize::from(space_at(b, p + 4)?);
        match doi_head(i)? {
            Some(j) => run(j, not_space, false),
            None => Ok(None),
        }
    } else {
        // `10\.\d{4,9}/[-._;()/:A-Za-z0-9]+`
        let keep = |c: u8| {
            c.is_ascii_alphanumeric()
                || matches!(c, b'-' | b'.' | b'_' | b';' | b'(' | b')' | b'/' | b':')
        };
        match doi_head(p)? {
            Some(j) => run(j, keep, true),
            None => Ok(None),
        }
    }
}

/// Can a match of `URLS_NEEDING_SLASH` start at byte `p`? Each starts with an ASCII word
/// boundary before "http", "doi:" or "10.".
fn url_may_start(bytes: &[u8], p: usize) -> bool {
    let rest = &bytes[p..];
    (rest.starts_with(b"http") || rest.starts_with(b"doi:") || rest.starts_with(b"10."))
        && (p == 0 || !is_word_byte(bytes[p - 1]))
}

/// The embedded markers: after the '[' comes an ASCII digit or a Unicode one (a non-ASCII
/// byte), a lower-case letter or '^'. (A test checks the lists against the embedded lexicon.)
const MARKERS: &[&str] =
    &[r"\[(?:\d{1,3}(?:[,–-]\d{1,3})*|[a-z]|\^[^\]\s]{1,40}|note \d{1,3}|n \d{1,3})\]"];

/// Where the match of `MARKERS` starting at `p` ends, read by hand; `Untold` where a non-ASCII
/// character is read by `\d` or `\s`. Each counted run is forced: a shorter one leaves a digit
/// (or a character of the class) where only a separator or ']' can follow, and the
/// alternatives begin differently but for "[n]", "[note 1]" and "[n 1]", told apart by the
/// byte after the 'n'.
fn embedded_marker_end(b: &[u8], p: usize) -> Result<Option<usize>, Untold> {
    // `\d{1,3}\]`-like steps: the end of the run of one to three digits from `i`, if it is one.
    let digits = |i: usize| -> Result<Option<usize>, Untold> {
        let mut e = i;
        while b.get(e).is_some_and(u8::is_ascii_digit) {
            e += 1;
        }
        digit_at(b, e)?;
        Ok((1..=3).contains(&(e - i)).then_some(e))
    };
    let close = |e: usize| Ok((b.get(e) == Some(&b']')).then_some(e + 1));
    if b.get(p) != Some(&b'[') {
        return Ok(None);
    }
    let i = p + 1;
    match b.get(i) {
        // `\d{1,3}(?:[,–-]\d{1,3})*\]`
        Some(c) if c.is_ascii_digit() => {
            let mut j = i;
            loop {
                let Some(e) = digits(j)? else {
                    return Ok(None);
                };
                match b.get(e) {
                    Some(b']') => return Ok(Some(e + 1)),
                    Some(b',' | b'-') => j = e + 1,
                    Some(_) if b[e..].starts_with(EN_DASH) => j = e + EN_DASH.len(),
                    _ => return Ok(None),
                }
            }
        }
        // `\^[^\]\s]{1,40}\]`
        Some(b'^') => {
            let mut e = i + 1;
            while e - (i + 1) <= 40 {
                match b.get(e) {
                    Some(&c) if !c.is_ascii() => return Err(Untold),
                    Some(&c) if c != b']' && !matches!(c, b'\t'..=b'\r' | b' ') => e += 1,
                    _ => break,
                }
            }
            if e == i + 1 || e - (i + 1) > 40 {
                return Ok(None);
            }
            close(e)
        }
        // `[a-z]\]`, then `note \d{1,3}\]` and `n \d{1,3}\]`
        Some(c) if c.is_ascii_lowercase() => {
            if b.get(i + 1) == Some(&b']') {
                return Ok(Some(i + 2));
            }
            let rest = &b[i..];
            let from = if rest.starts_with(b"note ") {
                i + 5
            } else if rest.starts_with(b"n ") {
                i + 2
            } else {
                return Ok(None);
            };
            match digits(from)? {
                Some(e) => close(e),
                None => Ok(None),
            }
        }
        Some(c) if !c.is_ascii() => Err(Untold),
        _ => Ok(None),
    }
}

/// The embedded bracketed citations: after the '[' comes "see ", "cf. ", '@', or an
/// upper-case letter (`[A-ZÀ-ÖØ-Þ]`: ASCII, or a non-ASCII byte).
const BRACKETED: &[&str] = &[
    r"\[(?:see |cf\. )?@[\w:.#$%&+?<>~/-]+(?:[,;] [^\]]{0,80})?\]",
    r"\[(?:see |cf\. )?[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’.-]+(?:(?:,? (?:and|&) |, | )[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’.-]+){0,3}(?: et al\.?)?(?:,? (?:1[5-9]\d\d|20\d\d)[a-z]?)?(?:,? (?:p|pp|pg|ch|vol)\.? ?[\dxivlc]+(?:[–-][\dxivlc]+)?)?\.?\]",
];

/// The embedded parenthetical citations: after the '(' comes "see ", "cf. ", "e.g. ", an
/// upper-case letter (`[A-ZÀ-ÖØ-Þ]`: ASCII, or a non-ASCII byte), "ibid" or "op. cit".
const PARENTHETICAL: &[&str] = &[
    r"\((?:see |cf\. |e\.g\. )?[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’-]+(?:(?: and | & |, )[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’-]+){0,3}(?: et al\.?)?,? (?:1[5-9]\d\d|20\d\d)[a-z]?(?:[,:] ?(?:(?:p|pp|pg)\.? ?)?[\dxivlc]+(?:[–-][\dxivlc]+)?)?(?:; [^()]{1,120})?\)",
    r"\((?:ibid\.?|op\. cit\.?)(?:,? (?:p|pp)\.? ?\d+(?:[–-]\d+)?)?\)",
];

/// A test of the byte after the opening '[' or '(' that every match of `patterns` passes, where
/// they are all among the embedded markers, bracketed or parenthetical citations (one kind).
fn second_byte_filter(patterns: &[Spanned<String>]) -> Option<fn(u8) -> bool> {
    let all_in = |list: &[&str]| {
        patterns
            .iter()
            .all(|p| list.contains(&p.get_ref().as_str()))
    };
    if all_in(MARKERS) {
        Some(|b| b.is_ascii_digit() || b.is_ascii_lowercase() || b == b'^' || b >= 0x80)
    } else if all_in(BRACKETED) {
        Some(|b| matches!(b, b's' | b'c' | b'@') || b.is_ascii_uppercase() || b >= 0x80)
    } else if all_in(PARENTHETICAL) {
        Some(|b| {
            matches!(b, b's' | b'c' | b'e' | b'i' | b'o') || b.is_ascii_uppercase() || b >= 0x80
        })
    } else {
        None
    }
}

impl Delimited {
    fn new(patterns: &[Spanned<String>]) -> Result<Option<Delimited>, PatternError> {
        if patterns.is_empty() {
            return Ok(None);
        }
        let source = crate::extract::lexicon_regex::alternation_source(patterns);
        if patterns
            .iter()
            .all(|p| URLS_NEEDING_SLASH.contains(&p.get_ref().as_str()))
            && let Some(re) = ForwardOnly::new(&source)
        {
            let by_hand = patterns
                .iter()
                .map(|p| p.get_ref().as_str())
                .eq(URLS_NEEDING_SLASH.iter().copied());
            return Ok(Some(Delimited::Slashed {
                re: Box::new(re),
                by_hand,
            }));
        }
        if let Some(starts) = punctuation_starts(&source) {
            // The same limits as `compile_alternation`; on any error, that one names the
            // pattern at fault.
            if let Some(mut re) = ForwardOnly::new(&source) {
                if patterns
                    .iter()
                    .map(|p| p.get_ref().as_str())
                    .eq(MARKERS.iter().copied())
                {
                    re.by_hand = Some(embedded_marker_end);
                }
                let second = second_byte_filter(patterns);
                return Ok(Some(Delimited::Anchored {
                    re: Box::new(re),
                    starts,
                    second,
                }));
            }
        }
        Ok(compile_alternation(patterns)?.map(Delimited::Scan))
    }

    /// Every match in `text`, leftmost first and without overlaps, as `Regex::find_iter`.
    fn for_each_match(&self, text: &str, mut f: impl FnMut(Range<usize>)) {
        match self {
            Delimited::Scan(re) => re.find_iter(text).for_each(|m| f(m.range())),
            Delimited::Anchored {
                re,
                starts: [a, b, c],
                second,
            } => {
                let bytes = text.as_bytes();
                // `starts` repeats a byte to fill three: a search for fewer bytes costs less.
                let find = |hay: &[u8]| match (a == b, b == c) {
                    (true, true) => memchr::memchr(*a, hay),
                    (false, true) => memchr::memchr2(*a, *b, hay),
                    _ => memchr::memchr3(*a, *b, *c, hay),
                };
                let mut at = 0;
                let mut caches = None;
                while let Some(i) = find(&bytes[at..]) {
                    let p = at + i;
                    // Matches are never empty (they start with one of `starts`).
                    at = match Delimited::anchored_end(re, &mut caches, *second, text, p) {
                        Some(end) => {
                            f(p..end);
                            end.max(p + 1)
                        }
                        None => p + 1,
                    };
                }
            }
            Delimited::Slashed { re, by_hand } => {
                let bytes = text.as_bytes();
                // Matches start at or after `at`, as `find_iter`'s next search; the starts
                // below `tested` have been searched. Every match holds a '/' at most
                // `URL_SLASH_REACH` past its start, so the starts before the next '/' at or
                // after `at` that lie further from it hold none: the leftmost match is the
                // first start near a '/' with an anchored match.
                let (mut at, mut tested) = (0, 0);
                let mut caches = None;
                for s in memchr::memchr_iter(b'/', bytes) {
                    if s < at {
                        continue;
                    }
                    let from = at.max(tested).max(s.saturating_sub(URL_SLASH_REACH));
                    tested = s + 1;
                    for p in memchr::memchr3_iter(b'h', b'd', b'1', &bytes[from..s]) {
                        let p = from + p;
                        if !url_may_start(bytes, p) {
                            continue;
                        }
                        // The lazy DFA reads a URL's bytes slowly (each in a match state);
                        // by hand where the bytes tell the match.
                        let end = match by_hand.then(|| embedded_url_end(bytes, p)) {
                            Some(Ok(end)) => end,
                            _ => re.match_end_in(&mut caches, text, p),
                        };
                        if let Some(end) = end {
                            // Not empty: it holds a '/' at or after `s`.
                            f(p..end);
                            at = end;
                            break;
                        }
                    }
                }
            }
        }
    }

    /// Where the match of an anchored kind starting at `p` (one of its `starts`) ends.
    fn anchored_end<'r>(
        re: &'r ForwardOnly,
        caches: &mut Option<ForwardCachesGuard<'r>>,
        second: Option<fn(u8) -> bool>,
        text: &str,
        p: usize,
    ) -> Option<usize> {
        if let Some(second) = second
            && !text.as_bytes().get(p + 1).is_some_and(|&b| second(b))
        {
            return None;
        }
        re.match_end_in(caches, text, p)
    }
}

/// A reading by hand of where an anchored match starting at a byte ends.
type HandReading = fn(&[u8], usize) -> Result<Option<usize>, Untold>;

/// A pattern searched only anchored at a known start, so only forwards: the lazy DFA that
/// `regex::Regex` runs (with its limits), without the reverse automaton a search for a
/// match's start needs and whose compilation was a third of the matcher's start-up; the
/// PikeVM answers where the lazy DFA gives up, as in `regex::Regex`.
struct ForwardOnly {
    /// Where the pattern's matches can be read by hand (`embedded_marker_end`): that reading,
    /// asked first.
    by_hand: Option<HandReading>,
    dfa: regex_automata::hybrid::dfa::DFA,
    pikevm: regex_automata::nfa::thompson::pikevm::PikeVM,
    caches: regex_automata::util::pool::Pool<ForwardCaches, ForwardCachesFn>,
}

type ForwardCaches = (
    regex_automata::hybrid::dfa::Cache,
    regex_automata::nfa::thompson::pikevm::Cache,
);
type ForwardCachesFn = Box<
    dyn Fn() -> ForwardCaches + Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe,
>;
/// A `ForwardOnly`'s caches, taken from its pool for the searches of one block.
type ForwardCachesGuard<'r> =
    regex_automata::util::pool::PoolGuard<'r, ForwardCaches, ForwardCachesFn>;

impl ForwardOnly {
    fn new(source: &str) -> Option<ForwardOnly> {
        use regex_automata::nfa::thompson;
        let limit = crate::extract::lexicon_regex::REGEX_SIZE_LIMIT;
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .nfa_size_limit(Some(limit))
                    .which_captures(thompson::WhichCaptures::Implicit),
            )
            .build(source)
            .ok()?;
        // As `regex::Regex` configures its lazy DFA: give up (for the PikeVM) when the
        // cache is cleared too often for too little progress.
        let dfa = regex_automata::hybrid::dfa::DFA::builder()
            .configure(
                regex_automata::hybrid::dfa::DFA::config()
                    .cache_capacity(limit * 2)
                    .unicode_word_boundary(true)
                    .minimum_cache_clear_count(Some(3))
                    .minimum_bytes_per_state(Some(10)),
            )
            .build_from_nfa(nfa.clone())
            .ok()?;
        let pikevm = thompson::pikevm::PikeVM::new_from_nfa(nfa).ok()?;
        let (d, v) = (dfa.clone(), pikevm.clone());
        let caches = regex_automata::util::pool::Pool::new(Box::new(move || {
            (d.create_cache(), v.create_cache())
        }) as ForwardCachesFn);
        Some(ForwardOnly {
            by_hand: None,
            dfa,
            pikevm,
            caches,
        })
    }

    /// Where the leftmost-first match starting at `start` ends, if one does.
    #[cfg(test)]
    fn match_end(&self, text: &str, start: usize) -> Option<usize> {
        self.match_end_in(&mut None, text, start)
    }

    /// `match_end` with the caches in `caches`, taken from the pool on the first search: a
    /// block's searches take them once, not once each.
    fn match_end_in<'r>(
        &'r self,
        caches: &mut Option<ForwardCachesGuard<'r>>,
        text: &str,
        start: usize,
    ) -> Option<usize> {
        if let Some(read) = self.by_hand
            && let Ok(end) = read(text.as_bytes(), start)
        {
            return end;
        }
        let input = regex_automata::Input::new(text)
            .range(start..)
            .anchored(regex_automata::Anchored::Yes);
        let (dfa_cache, pikevm_cache) = &mut **caches.get_or_insert_with(|| self.caches.get());
        match self.dfa.try_search_fwd(dfa_cache, &input) {
            Ok(m) => m.map(|m| m.offset()),
            Err(_) => {
                // The overall match's slots only: start, end.
                let mut slots = [None, None];
                self.pikevm
                    .search_slots(pikevm_cache, &input, &mut slots)
                    .and(slots[1])
                    .map(|end| end.get())
            }
        }
    }
}

/// The first bytes of every match of `pattern`, when there are at most three and all are ASCII
/// punctuation (rare in prose, so an anchored search at each costs less than a scan).
fn punctuation_starts(pattern: &str) -> Option<[u8; 3]> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let hir = regex_syntax::parse(pattern).ok()?;
    let prefixes = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
    // A finite set of non-empty prefixes: every match begins with one of them.
    let literals = prefixes.literals()?;
    let mut firsts: Vec<u8> = Vec::new();
    for l in literals {
        let &first = l.as_bytes().first()?;
        if !first.is_ascii_punctuation() {
            return None;
        }
        if !firsts.contains(&first) {
            firsts.push(first);
        }
    }
    match firsts[..] {
        [a] => Some([a, a, a]),
        [a, b] => Some([a, b, b]),
        [a, b, c] => Some([a, b, c]),
        _ => None,
    }
}

/// `compile_alternation`, as the meta regex that `regex::Regex` wraps: the same syntax and
/// engine configuration (`regex::RegexBuilder` with the limits `compile_one` sets), so searches
/// give the same matches. On failure, `compile_alternation` names the pattern at fault.
fn compile_meta(
    patterns: &[Spanned<String>],
) -> Result<Option<regex_automata::meta::Regex>, PatternError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let source = crate::extract::lexicon_regex::alternation_source(patterns);
    let config = regex_automata::meta::Config::new()
        .nfa_size_limit(Some(crate::extract::lexicon_regex::REGEX_SIZE_LIMIT))
        .hybrid_cache_capacity(crate::extract::lexicon_regex::REGEX_SIZE_LIMIT * 2);
    match regex_automata::meta::Builder::new()
        .configure(config)
        .build(&source)
    {
        Ok(re) => Ok(Some(re)),
        Err(e) => {
            compile_alternation(patterns)?;
            // Not reached: both builds are the same. Refuse rather than guess.
            Err(PatternError {
                span: patterns[0].span().start..patterns[patterns.len() - 1].span().end,
                message: e.to_string(),
            })
        }
    }
}

impl CitationMatcher {
    pub fn new(lex: &CitationLexicon) -> Result<CitationMatcher, PatternError> {
        let mut delimited = Vec::new();
        for (list, kind) in [
            (&lex.markers, CitationKind::Marker),
            (&lex.bracketed, CitationKind::Bracketed),
            (&lex.parenthetical, CitationKind::Parenthetical),
            (&lex.narrative, CitationKind::Narrative),
            (&lex.urls, CitationKind::Url),
        ] {
            if let Some(d) = Delimited::new(list)? {
                delimited.push((d, kind));
            }
        }
        let merged = delimited
            .iter()
            .take_while(|(d, kind)| {
                matches!(
                    (d, kind),
                    (
                        Delimited::Anchored {
                            starts: [b'[', b'[', b'['],
                            ..
                        },
                        CitationKind::Marker | CitationKind::Bracketed,
                    ) | (
                        Delimited::Anchored {
                            starts: [b'(', b'(', b'('],
                            ..
                        },
                        CitationKind::Parenthetical,
                    )
                )
            })
            .count();
        let never = || Regex::new(r"[^\s\S]").expect("static regex");
        let strong_needs_digit_or_press = lex
            .strong_anchors
            .iter()
            .all(|a| ANCHORS_NEEDING_DIGIT_OR_PRESS.contains(&a.get_ref().as_str()));
        let strong_reusable = lex.strong_anchors.is_empty()
            || looks_only_at_ascii_words(&crate::extract::lexicon_regex::alternation_source(
                &lex.strong_anchors,
            ));
        let weak_reusable = lex.weak_anchors.is_empty()
            || looks_only_at_ascii_words(&crate::extract::lexicon_regex::alternation_source(
                &lex.weak_anchors,
            ));
        let weak = compile_alternation(&lex.weak_anchors)?.unwrap_or_else(never);
        let not_citations: Vec<String> =
            lex.not_citations.iter().map(|s| s.to_lowercase()).collect();
        Ok(CitationMatcher {
            delimited,
            strong: compile_meta(&lex.strong_anchors)?.unwrap_or_else(|| {
                regex_automata::meta::Regex::new(r"[^\s\S]").expect("static regex")
            }),
            weak_is_embedded: weak.as_str() == WEAK_EMBEDDED_SOURCE,
            weak,
            year: Regex::new(r"(?:^|[^\d])(?:c|©)?(?:1[5-9]\d\d|20\d\d)(?:[^\d]|$)")
                .expect("static regex"),
            connectors: lex.reference_connectors.iter().cloned().collect(),
            reference_words: lex.reference_words.iter().cloned().collect(),
            vocabulary: Vocabulary::new(
                lex.reference_connectors
                    .iter()
                    .chain(&lex.reference_words)
                    .map(String::as_str),
            ),
            starters: lex.sentence_starters.iter().cloned().collect(),
            not_citation_lengths: not_citations
                .iter()
                .fold(0, |m, n| m | 1u64 << n.len().min(63)),
            not_citations,
            strong_needs_digit_or_press,
            press: memchr::memmem::Finder::new(b"Press").into_owned(),
            isbn: memchr::memmem::Finder::new(b"ISBN").into_owned(),
            urls_need_slash: lex
                .urls
                .iter()
                .all(|u| URLS_NEEDING_SLASH.contains(&u.get_ref().as_str())),
            strong_reusable,
            weak_reusable,
            strong_is_embedded: lex
                .strong_anchors
                .iter()
                .map(|a| a.get_ref().as_str())
                .eq(ANCHORS_NEEDING_DIGIT_OR_PRESS.iter().copied()),
            merged,
        })
    }

    /// All citations in one block of prose, in order and without overlaps.
    pub fn find(&self, text: &str, block: Range<usize>) -> Vec<Citation> {
        self.find_with_anchors(text, block).0
    }

    /// `find`, and the block's strong anchors for `is_reference_span`.
    pub fn find_with_anchors(
        &self,
        text: &str,
        block: Range<usize>,
    ) -> (Vec<Citation>, BlockAnchors) {
        let slice = &text[block.clone()];
        let mut found: Vec<Citation> = Vec::new();
        let bytes = slice.as_bytes();
        let mut record = |kind: CitationKind, m: Range<usize>| {
            // '[' and ']' are ASCII: trimmed as bytes, the rest compared as `str` would be.
            let mut inner = &bytes[m.clone()];
            while let [b'[' | b']', rest @ ..] = inner {
                inner = rest;
            }
            while let [rest @ .., b'[' | b']'] = inner {
                inner = rest;
            }
            // Only a `not_citations` entry of the same length can be equal.
            if self.not_citation_lengths & 1u64 << inner.len().min(63) == 0
                || !self
                    .not_citations
                    .iter()
                    .any(|n| inner.eq_ignore_ascii_case(n.as_bytes()))
            {
                found.push(Citation {
                    range: block.start + m.start..block.start + m.end,
                    kind,
                    resumes_at: OptIdx::NONE,
                });
            }
        };
        // The kinds anchored at '[' or '(' in one pass over those bytes, each as
        // `Delimited::for_each_match` finds them (a kind's next search begins past its last
        // match); at one start, in their order, so equal citations are found in the same order.
        // A narrative citation needs " (1…" or " (2…": the year right after the parenthesis.
        let paren_year = |p: usize| {
            p > 0 && bytes[p - 1] == b' ' && matches!(bytes.get(p + 1), Some(b'1' | b'2'))
        };
        let (has_bracket, has_paren, has_paren_year) = if self.merged > 0 {
            let head = &self.delimited[..self.merged];
            let mut next = [0usize; 3];
            let mut caches = [None, None, None];
            let (mut bracket, mut paren, mut year) = (false, false, false);
            for p in memchr::memchr2_iter(b'[', b'(', bytes) {
                let b = bytes[p];
                bracket |= b == b'[';
                paren |= b == b'(';
                year |= b == b'(' && paren_year(p);
                for (((d, kind), at), caches) in head.iter().zip(&mut next).zip(&mut caches) {
                    if let Delimited::Anchored { re, starts, second } = d
                        && starts[0] == b
                        && p >= *at
                        && let Some(end) = Delimited::anchored_end(re, caches, *second, slice, p)
                    {
                        record(*kind, p..end);
                        *at = end.max(p + 1);
                    }
                }
            }
            (bracket, paren, year)
        } else {
            let paren = memchr::memchr(b'(', bytes).is_some();
            (
                memchr::memchr(b'[', bytes).is_some(),
                paren,
                paren && memchr::memchr_iter(b'(', bytes).any(paren_year),
            )
        };
        for (re, kind) in &self.delimited[self.merged..] {
            // Markers and bracketed citations need a '[', parenthetical ones a '(': skip the
            // regex on the many blocks without one.
            let needed = match kind {
                CitationKind::Marker | CitationKind::Bracketed => has_bracket,
                CitationKind::Parenthetical => has_paren,
                CitationKind::Narrative => has_paren_year,
                CitationKind::Url if self.urls_need_slash => memchr::memchr(b'/', bytes).is_some(),
                _ => true,
            };
            if !needed {
                continue;
            }
            re.for_each_match(slice, |m| record(*kind, m));
        }
        let anchors = if self.is_bibliographic_line(slice) {
            found.push(Citation {
                range: block.clone(),
                kind: CitationKind::BibliographicLine,
                resumes_at: OptIdx::NONE,
            });
            BlockAnchors::Unknown
        } else {
            self.find_inline_references(text, block.clone(), &mut found)
        };
        (normalise(found), anchors)
    }

    /// Is this line, on its own, a bibliographic reference
    /// ("Littlepage, John D. In Search of Soviet Gold. New York: Harcourt, Brace, c1938, p. 141")?
    pub fn is_bibliographic_line(&self, line: &str) -> bool {
        let line = line.trim();
        // Cheapest tests first: most lines fail the author test before any regex runs, and
        // the word scan (slower per byte than a regex) runs last.
        line.len() >= 12
            && line.len() <= 400
            && starts_with_author(line)
            && self.year.is_match(line)
            && (self.strong.is_match(line) || self.weak.is_match(line))
            && self.prose_below(line, 3, 10)
    }

    /// Is this sentence nothing but a reference (an entry of a flattened reference list)?
    pub fn is_reference_sentence(&self, sentence: &str) -> bool {
        // Short-circuit: most sentences match no reference vocabulary, and the word scan
        // (slower per byte than a regex) runs only for those that do.
        (self.strong.is_match(sentence)
            || (self.weak.is_match(sentence) && self.year.is_match(sentence)))
            && self.prose_below(sentence, 1, 4)
    }

    /// `is_reference_sentence(&text[span])` for a sentence of a block whose strong anchors
    /// `find_with_anchors` returned: the strong-anchor search per sentence is answered from
    /// them where that is exact.
    pub fn is_reference_span(
        &self,
        text: &str,
        span: Range<usize>,
        anchors: &BlockAnchors,
    ) -> bool {
        // No strong anchor and no year (which needs ASCII digits) in the block: no sentence of
        // it is a reference, and its weak anchors need not be searched.
        if let BlockAnchors::None { block, .. } = anchors
            && block.start <= span.start
            && span.end <= block.end
        {
            return false;
        }
        let sentence = &text[span.clone()];
        let strong = self
            .strong_in_span(text, &span, anchors)
            .unwrap_or_else(|| self.strong.is_match(sentence));
        let weak = || {
            self.weak_in_span(text, &span, anchors)
                .unwrap_or_else(|| self.weak.is_match(sentence))
        };
        (strong || (weak() && self.year.is_match(sentence))) && self.prose_below(sentence, 1, 4)
    }

    /// `self.weak.is_match(&text[span])` read off the block's weak matches (searched on the
    /// first question), as `strong_in_span` does for the strong anchors; `None` where they
    /// cannot tell.
    fn weak_in_span(
        &self,
        text: &str,
        span: &Range<usize>,
        anchors: &BlockAnchors,
    ) -> Option<bool> {
        let (block, weak) = match anchors {
            BlockAnchors::Unknown => return None,
            BlockAnchors::None { block, weak } | BlockAnchors::Found { block, weak, .. } => {
                (block, weak)
            }
        };
        if !self.weak_reusable || span.start < block.start || span.end > block.end {
            return None;
        }
        let matches = weak.0.get_or_init(|| {
            self.weak_matches(&text[block.clone()])
                .map(|m| block.start + m.start..block.start + m.end)
                .collect()
        });
        in_span(text.as_bytes(), span, block, matches)
    }

    /// `self.weak.find_iter(slice)`; where the weak anchors are the embedded ones, a slice
    /// without the first three bytes of any of their words (most prose) has none, and is not
    /// searched.
    fn weak_matches<'s>(&'s self, slice: &'s str) -> impl Iterator<Item = Range<usize>> + 's {
        let skip = self.weak_is_embedded
            && weak_word_prefixes().is_some_and(|p| p.find(slice.as_bytes()).is_none());
        (!skip)
            .then(|| self.weak.find_iter(slice).map(|m| m.range()))
            .into_iter()
            .flatten()
    }

    /// Does `self.strong.is_match(&text[span])` hold, read off the block's matches; `None`
    /// where they cannot tell.
    ///
    /// The pattern looks around only at the byte either side of an ASCII word boundary, so a
    /// match holds in the sentence as in the block wherever those bytes are the same: inside
    /// the sentence, or at an edge whose outer byte is not a word byte (the sentence's edge
    /// reads as a non-word byte). Then (1) a block match within the sentence is a sentence
    /// match; (2) a sentence match is a block match, and `find_iter` reports it or an earlier
    /// one overlapping it, so a sentence no block match reaches has none.
    fn strong_in_span(
        &self,
        text: &str,
        span: &Range<usize>,
        anchors: &BlockAnchors,
    ) -> Option<bool> {
        let (block, matches) = match anchors {
            BlockAnchors::Unknown => return None,
            BlockAnchors::None { .. } => return Some(false),
            BlockAnchors::Found { block, matches, .. } => (block, matches),
        };
        if !self.strong_reusable || span.start < block.start || span.end > block.end {
            return None;
        }
        in_span(text.as_bytes(), span, block, matches)
    }

    /// Share of words that read as running prose: lower-case words outside reference vocabulary.
    /// (Asked only as `prose_below`.)
    #[cfg(test)]
    fn prose_ratio(&self, text: &str) -> f64 {
        match self.prose_counts(text, 1, 0) {
            Some((words, prose)) if words > 0 => prose as f64 / words as f64,
            _ => 1.0,
        }
    }

    /// `prose_ratio(text) < num / den`, exactly as the `f64` comparison for 1/4 and 3/10 (the
    /// two asked): two integer ratios that differ are further apart than a rounding.
    fn prose_below(&self, text: &str, num: usize, den: usize) -> bool {
        // Most texts asked are sentences of prose with a citation in them; read by bit masks
        // they are settled in a fraction of the word-by-word scan.
        let counts = if text.len() <= MASKED_MAX {
            // Most are ASCII: counted whole from the masks, reading only lower-case words.
            if let Some(below) = self.prose_below_ascii(text, num, den) {
                return below;
            }
            self.prose_counts_masked(text, num, den)
        } else {
            self.prose_counts(text, num, den)
        };
        match counts {
            None => false,
            Some((0, _)) => den < num,
            Some((words, prose)) => den * prose < num * words,
        }
    }

    /// `prose_below` by the word-by-word scan alone: the oracle of the masked one.
    #[cfg(test)]
    fn prose_below_scanned(&self, text: &str, num: usize, den: usize) -> bool {
        match self.prose_counts(text, num, den) {
            None => false,
            Some((0, _)) => den < num,
            Some((words, prose)) => den * prose < num * words,
        }
    }

    /// `prose_counts` for a text of at most `MASKED_MAX` bytes, read from bit masks of its
    /// bytes: a word's first alphanumeric and its end are found a mask word at a time, not a
    /// byte at a time, and the words left are bounded by the places where a piece can start
    /// (far fewer than `(n + 1) / 2` in prose), so prose is settled sooner. The counts are the
    /// same where it returns them; `None` only where the share is sure to end at
    /// `num / den` or above.
    ///
    /// The bound: a later word's piece begins at the text's first byte after the separator
    /// that ended the word before, or after a later separator before the word's first
    /// alphanumeric; either way at a byte that is not an ASCII separator, after a byte that is
    /// one or is non-ASCII (the last byte of a Unicode separator). Those places (`starts`) are
    /// at least as many as the words after them.
    fn prose_counts_masked(&self, text: &str, num: usize, den: usize) -> Option<(usize, usize)> {
        let bytes = text.as_bytes();
        let n = bytes.len();
        debug_assert!(n <= MASKED_MAX);
        let masks = ProseMasks::new(bytes);
        let mut words = 0usize;
        let mut prose = 0usize;
        let mut i = 0;
        while i < n {
            // The piece's first alphanumeric: an ASCII one, or a non-ASCII character that is.
            let q = masks.next(&masks.candidate, i, n);
            if q >= n {
                break;
            }
            if bytes[q] >= 0x80 {
                let c = text[q..].chars().next().unwrap_or(' ');
                if !c.is_alphanumeric() {
                    i = q + c.len_utf8();
                    continue;
                }
            }
            // The word runs from `q` to past the piece's last alphanumeric; the piece ends at
            // a separator (of `sep_len` bytes) or at the end of the text (0).
            let mut w_end = q;
            let mut j = q;
            let sep_len = loop {
                let s = masks.next(&masks.stop, j, n);
                // Bytes `j..s` are ASCII alphanumerics or other ASCII bytes.
                if let Some(k) = bytes[j..s].iter().rposition(u8::is_ascii_alphanumeric) {
                    w_end = j + k + 1;
                }
                if s >= n {
                    j = n;
                    break 0;
                }
                if bytes[s] < 0x80 {
                    j = s;
                    break 1;
                }
                let c = text[s..].chars().next().unwrap_or(' ');
                if c.is_whitespace() {
                    j = s;
                    break c.len_utf8();
                }
                j = s + c.len_utf8();
                if c.is_alphanumeric() {
                    w_end = j;
                }
            };
            let w = &text[q..w_end];
            words += 1;
            if starts_lowercase(w) && !self.vocabulary.contains(w) {
                prose += 1;
                let from = j + sep_len;
                let rest = n.saturating_sub(from);
                let left = rest.div_ceil(2).min(masks.starts_from(from, n));
                if den * prose >= num * (words + left) {
                    return None;
                }
            }
            i = j + sep_len;
            if sep_len == 0 {
                break;
            }
        }
        Some((words, prose))
    }

    /// `prose_below` for an ASCII text of at most `MASKED_MAX` bytes; `None` for any other.
    ///
    /// In ASCII text a word is a piece (a run of bytes that are not separators) holding an
    /// alphanumeric, from its first alphanumeric to its last; it is prose when that first one
    /// is a lower-case letter and the word is not vocabulary. So the words and the lower-case
    /// ones are counted from bit masks at once: a piece's first alphanumeric is its first byte,
    /// or, where that is another byte, the first byte past the run of other bytes it starts
    /// (one addition carries a piece's start bit along that run). Then only lower-case words
    /// are looked up, and only until the vocabulary among them is sure to leave the share on
    /// one side of `num / den`.
    fn prose_below_ascii(&self, text: &str, num: usize, den: usize) -> Option<bool> {
        let bytes = text.as_bytes();
        let n = bytes.len();
        if n > MASKED_MAX {
            return None;
        }
        let chunks = n.div_ceil(64);
        let mut alnum = [0u64; MASK_WORDS];
        let mut sep = [0u64; MASK_WORDS];
        // The first alphanumeric of each word, and of each lower-case word.
        let mut lower_first = [0u64; MASK_WORDS];
        let (mut words, mut lower) = (0usize, 0usize);
        // The byte before the text reads as a separator; no carry into the first addition.
        let (mut sep_carry, mut add_carry) = (1u64, 0u64);
        for k in 0..chunks {
            // Past the text: NULs, other bytes, masked off below.
            let m = chunk_masks_at(bytes, k);
            if m.high != 0 {
                return None;
            }
            let left = n - 64 * k;
            let valid = if left >= 64 {
                u64::MAX
            } else {
                (1u64 << left) - 1
            };
            let other = valid & !m.sep & !m.alnum;
            let piece_start = valid & !m.sep & (m.sep << 1 | sep_carry);
            sep_carry = m.sep >> 63;
            // A start bit on an other byte, added to the run of other bytes it begins, carries
            // to the first byte past the run (across mask words too): an alphanumeric is the
            // piece's first, a separator ends a piece without one.
            let (sum, c1) = other.overflowing_add(piece_start & other);
            let (sum, c2) = sum.overflowing_add(add_carry);
            add_carry = u64::from(c1 | c2);
            let first = (piece_start | (sum & !other)) & m.alnum;
            words += first.count_ones() as usize;
            lower_first[k] = first & m.lower;
            lower += lower_first[k].count_ones() as usize;
            alnum[k] = m.alnum;
            sep[k] = m.sep;
        }
        if words == 0 {
            return Some(den < num);
        }
        // Below when `den * (lower - vocabulary) < num * words`; `unread` lower-case words may
        // still be vocabulary.
        let mut vocabulary = 0usize;
        let mut unread = lower;
        for (k, &lower_bits) in lower_first[..chunks].iter().enumerate() {
            let mut bits = lower_bits;
            while bits != 0 {
                if den * (lower - vocabulary) < num * words {
                    return Some(true);
                }
                if den * (lower - vocabulary - unread) >= num * words {
                    return Some(false);
                }
                unread -= 1;
                let q = k * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                // The word ends past the last alphanumeric before the piece's separator.
                let end = next_bit(&sep[..chunks], q).unwrap_or(n);
                let w_end = last_bit_below(&alnum[..chunks], end).map_or(q + 1, |e| e + 1);
                if self.vocabulary.contains(&text[q..w_end]) {
                    vocabulary += 1;
                }
            }
        }
        Some(den * (lower - vocabulary) < num * words)
    }

    /// Words and prose words of `text`; `None` as soon as the share of prose words is sure to
    /// end at `num / den` or above (never, for `den == 0`).
    ///
    /// Most texts asked are prose, so the scan stops once the prose words found are too many
    /// for any word count the rest of the text can reach: each further word takes a byte and
    /// all but the last a separator after it, so `n` more bytes hold at most `(n + 1) / 2`.
    ///
    /// Words are the pieces between whitespace and `, ; : ( )`, trimmed of what is not
    /// alphanumeric. One pass over the bytes, classified by table; only non-ASCII lead bytes
    /// are decoded.
    fn prose_counts(&self, text: &str, num: usize, den: usize) -> Option<(usize, usize)> {
        // A word at a time: bytes before a piece's first alphanumeric (separators, other
        // punctuation) are skipped, and a piece is read in one tight loop to its separator.
        let bytes = text.as_bytes();
        let n = bytes.len();
        let mut words = 0usize;
        let mut prose = 0usize;
        let mut i = 0;
        while i < n {
            // Before the first alphanumeric of a piece, nothing counts.
            let b = bytes[i];
            if b < 0x80 {
                if PIECE_BYTES[usize::from(b)] != PieceByte::Alphanumeric {
                    i += 1;
                    continue;
                }
            } else {
                let c = text[i..].chars().next().unwrap_or(' ');
                if !c.is_alphanumeric() {
                    i += c.len_utf8();
                    continue;
                }
            }
            // The word runs from here to past the piece's last alphanumeric; the piece ends
            // at a separator (of `sep_len` bytes) or at the end of the text (0).
            let w_start = i;
            let mut w_end = i;
            let mut j = i;
            let sep_len = loop {
                let Some(&b) = bytes.get(j) else {
                    break 0;
                };
                if b < 0x80 {
                    match PIECE_BYTES[usize::from(b)] {
                        PieceByte::Alphanumeric => {
                            j += 1;
                            w_end = j;
                        }
                        PieceByte::Other => j += 1,
                        PieceByte::Separator => break 1,
                    }
                } else {
                    let c = text[j..].chars().next().unwrap_or(' ');
                    if c.is_whitespace() {
                        break c.len_utf8();
                    }
                    j += c.len_utf8();
                    if c.is_alphanumeric() {
                        w_end = j;
                    }
                }
            };
            let w = &text[w_start..w_end];
            words += 1;
            if starts_lowercase(w) && !self.vocabulary.contains(w) {
                prose += 1;
                let rest = n.saturating_sub(j + sep_len);
                if den * prose >= num * (words + rest.div_ceil(2)) {
                    return None;
                }
            }
            i = j + sep_len;
            if sep_len == 0 {
                break;
            }
        }
        Some((words, prose))
    }

    /// Glued and anchored references; returns the block's strong anchors.
    fn find_inline_references(
        &self,
        text: &str,
        block: Range<usize>,
        found: &mut Vec<Citation>,
    ) -> BlockAnchors {
        // 1. References that begin at a glue point left by flattened footnotes. The same pass
        // over the block finds where an embedded strong anchor may start, and searches there
        // (2. below): no list of the places.
        let slice = &text[block.clone()];
        // Where every strong anchor needs a digit, "Press" or "ISBN", prose without any is
        // skipped.
        let no_strong = self.strong_needs_digit_or_press
            && !has_ascii_digit(slice.as_bytes())
            && self.press.find(slice.as_bytes()).is_none()
            && self.isbn.find(slice.as_bytes()).is_none();
        let mut taken = Covered::default();
        let mut matches = Vec::new();
        let mut strong_at = 0;
        let block_start = block.start;
        // Whether one of `WEAK_WORD_PREFIXES` starts a word of the block (found in the same
        // pass where the strong starts are looked for; else taken to be so).
        let mut weak_word = true;
        for_each_glue_point_and_strong_start(
            text,
            block.clone(),
            &mut weak_word,
            |glue| {
                if taken.covers(glue.at) {
                    return;
                }
                if let Some(c) = self.scan_reference(text, block.clone(), glue.at, Some(glue.kind))
                {
                    taken.add(c.range.clone());
                    found.push(c);
                }
            },
            (self.strong_needs_digit_or_press && !no_strong).then_some(|p| {
                if let Some(m) = self.strong_match_at(slice, p, &mut strong_at) {
                    matches.push(block_start + m.start..block_start + m.end);
                }
            }),
        );
        // 2. References found by an anchor (ISBN, "p. 88", "Pages 200–202", "720 pages").
        if no_strong {
            return BlockAnchors::None {
                block,
                weak: WeakMatches::default(),
            };
        }
        if !self.strong_needs_digit_or_press {
            for m in self.strong.find_iter(slice) {
                matches.push(block.start + m.start()..block.start + m.end());
            }
        }
        // With the embedded weak anchors, a block none of whose words starts as one of theirs
        // has no weak match (each begins at a word boundary with one of those words): known
        // without a search.
        let weak = || {
            if self.weak_is_embedded && !weak_word {
                WeakMatches(std::cell::OnceCell::from(Vec::new()))
            } else {
                WeakMatches::default()
            }
        };
        if matches.is_empty() {
            return BlockAnchors::Found {
                block,
                matches,
                weak: weak(),
            };
        }
        // Everything found so far (the glue references among it) blocks an anchor inside it.
        let mut taken = Covered::default();
        for c in found.iter() {
            taken.add(c.range.clone());
        }
        for m in &matches {
            let at = m.start;
            if taken.covers(at) {
                continue;
            }
            let start = self.walk_back(text, block.start, at);
            if let Some(c) = self.scan_reference(text, block.clone(), start, None)
                && c.range.end > at
            {
                taken.add(c.range.clone());
                found.push(c);
            }
        }
        BlockAnchors::Found {
            block,
            matches,
            weak: weak(),
        }
    }

    /// `self.strong.find_iter(slice)` where every strong anchor is one of
    /// `ANCHORS_NEEDING_DIGIT_OR_PRESS`: an anchored search at each place one of them can
    /// start (`embedded_strong_starts`), in order, instead of an unanchored scan of the whole
    /// block. Leftmost-first: the first start with a match gives the match `find_iter`
    /// reports, and the next search begins past it, as `find_iter`'s does (no match is empty).
    #[cfg(test)]
    fn embedded_strong_matches(&self, slice: &str, f: impl FnMut(Range<usize>)) {
        let mut starts = Vec::new();
        for_each_embedded_strong_start(slice, |p| starts.push(p));
        self.strong_matches_at(slice, &starts, f);
    }

    /// The matches of the strong anchors, as `find_iter`, from the places where they may start
    /// (in increasing order, every match's start among them): the first with a match gives
    /// the leftmost, and the next search begins past it (no match is empty).
    #[cfg(test)]
    fn strong_matches_at(&self, slice: &str, starts: &[usize], mut f: impl FnMut(Range<usize>)) {
        let mut at = 0;
        for &p in starts {
            if let Some(m) = self.strong_match_at(slice, p, &mut at) {
                f(m);
            }
        }
    }

    /// One step of `strong_matches_at`: the match at start `p`, unless `p` lies before `*at`
    /// (within or before the previous match), moving `*at` past it.
    fn strong_match_at(&self, slice: &str, p: usize, at: &mut usize) -> Option<Range<usize>> {
        if p < *at {
            return None;
        }
        // The embedded anchors are read by hand where the bytes they read tell the match;
        // the regex answers the rest (a non-ASCII character where a Unicode class is read).
        let end = match self
            .strong_is_embedded
            .then(|| embedded_strong_end(slice.as_bytes(), p))
        {
            Some(Ok(end)) => end,
            _ => self.strong_search_at(slice, p),
        }?;
        *at = end.max(p + 1);
        Some(p..end)
    }

    /// Where the strong anchors' match anchored at `p` ends, by the regex.
    fn strong_search_at(&self, slice: &str, p: usize) -> Option<usize> {
        let input = regex_automata::Input::new(slice)
            .range(p..)
            .anchored(regex_automata::Anchored::Yes);
        self.strong.search(&input).map(|m| m.end())
    }

    /// From an anchor, step back over the capitalised words, numbers and connectors that start
    /// the same reference ("Molotov Remembers, ISBN …", "The Great Terror, p. 265").
    fn walk_back(&self, text: &str, floor: usize, at: usize) -> usize {
        let mut start = at;
        let mut pos = at;
        loop {
            let before = &text[floor..pos];
            let trimmed = before.trim_end_matches([' ', ',', '\t']);
            if trimmed.len() == before.len() && pos != at {
                break;
            }
            let Some(word_start) = trimmed
                .rfind(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ';')
                .map(|i| i + trimmed[i..].chars().next().map_or(1, |c| c.len_utf8()))
                .or(Some(0))
            else {
                break;
            };
            let word = &trimmed[word_start..];
            if word.is_empty() {
                break;
            }
            // A sentence end before the reference bounds it.
            if word.ends_with(['.', '!', '?']) && !is_initial(word) && !self.is_ref_word(word) {
                break;
            }
            if word.ends_with(':') {
                break;
            }
            let bare = trim_non_alnum(word);
            let first = bare.chars().next().unwrap_or(' ');
            let ok = first.is_uppercase()
                || first.is_ascii_digit()
                || self.connectors.contains(bare)
                || self.is_ref_word(bare);
            if !ok {
                break;
            }
            pos = floor + word_start;
            if first.is_uppercase() || first.is_ascii_digit() {
                start = pos;
            }
            if pos == floor {
                break;
            }
        }
        start
    }

    /// A lower-case prose word within the next few tokens, past connectors only
    /// ("Four of the other five" → "other").
    fn prose_soon(&self, text: &str, tokens: &mut Tokens, from: usize) -> bool {
        for k in from..from + 4 {
            let Some(tok) = tokens.get(k) else {
                break;
            };
            if tok.class != TokClass::Word {
                return false;
            }
            let bare = trim_non_alnum(&text[tok.range.clone()]);
            if self.connectors.contains(bare) {
                continue;
            }
            let first = bare.chars().next().unwrap_or(' ');
            return first.is_lowercase() && !self.is_ref_word(bare) && !is_roman(bare);
        }
        false
    }

    fn is_connector_token(&self, text: &str, tok: &Token) -> bool {
        tok.class == TokClass::Word
            && self
                .connectors
                .contains(trim_non_alnum(&text[tok.range.clone()]))
    }

    fn is_ref_word(&self, word: &str) -> bool {
        let w = trim_non_alnum(word);
        if self.reference_words.contains(w) {
            return true;
        }
        // Lower-casing leaves an ASCII word without capitals as it is: no second lookup.
        if w.is_ascii() {
            if !w.bytes().any(|b| b.is_ascii_uppercase()) {
                return false;
            }
            let mut buf = [0u8; 32];
            if let Some(lower) = buf.get_mut(..w.len()) {
                lower.copy_from_slice(w.as_bytes());
                lower.make_ascii_lowercase();
                return std::str::from_utf8(lower)
                    .is_ok_and(|lower| self.reference_words.contains(lower));
            }
        }
        self.reference_words.contains(&w.to_lowercase())
    }

    /// Read a reference forward from `start`; `None` when what follows is not a reference.
    fn scan_reference(
        &self,
        text: &str,
        block: Range<usize>,
        start: usize,
        glue: Option<GlueKind>,
    ) -> Option<Citation> {
        let mut tokens = Tokens::new(text, start, block.end);
        // A reference glued inside a parenthesis ends with it.
        let paren_limit =
            glue.and_then(|_| unclosed_paren_close(text, block.start, start, block.end));
        let mut good: Vec<usize> = Vec::with_capacity(16); // tokens that belong to the reference
        let mut resumes_at = None;
        let mut capitalised = 0usize;
        let mut i = 0;
        while let Some(tok) = tokens.get(i) {
            if paren_limit.is_some_and(|p| tok.range.start >= p) {
                break;
            }
            match tok.class {
                TokClass::Quoted | TokClass::Paren | TokClass::Number => good.push(i),
                TokClass::Punct => {}
                TokClass::Word => {
                    let word = &text[tok.range.clone()];
                    let bare = trim_non_alnum(word);
                    let first = bare.chars().next().unwrap_or(' ');
                    if first.is_uppercase() {
                        let starter = self.starters.contains(bare);
                        // After a number or a full stop, a capitalised word followed by prose
                        // within a few words opens a sentence ("…0195071328. Hundreds of
                        // thousands were…", "…ISBN 1400040051 Four of the other five…").
                        let after_break = i > 0 && {
                            let prev = &tokens.read[i - 1];
                            prev.class == TokClass::Number
                                || text[prev.range.clone()].ends_with('.')
                                    && !is_initial(&text[prev.range.clone()])
                        };
                        if self.next_word_is_prose(text, &mut tokens, i + 1, starter)
                            || after_break && self.prose_soon(text, &mut tokens, i + 1)
                        {
                            // Prose starts here or at the head of the capitalised run before it.
                            let begin = if starter {
                                i
                            } else {
                                head_of_capitalised_run(text, &tokens.read, i, &self.connectors)
                            };
                            resumes_at = Some(tokens.read[begin].range.start);
                            good.retain(|&g| g < begin);
                            break;
                        }
                        capitalised += 1;
                        good.push(i);
                    } else if first.is_ascii_digit() || is_roman(bare) || self.is_ref_word(bare) {
                        good.push(i);
                    } else if self.connectors.contains(bare) {
                    } else {
                        // Lower-case prose: the sentence goes on after the reference, unless a
                        // sentence starter opened it just before ("… 2002 According to the …").
                        let mut j = i;
                        while j > 0 && self.is_connector_token(text, &tokens.read[j - 1]) {
                            j -= 1;
                        }
                        if j > 0 && j < i && tokens.read[j - 1].class == TokClass::Word {
                            let w = &text[tokens.read[j - 1].range.clone()];
                            if self.starters.contains(trim_non_alnum(w)) {
                                resumes_at = Some(tokens.read[j - 1].range.start);
                                good.retain(|&g| g < j - 1);
                            }
                        }
                        break;
                    }
                }
            }
            i += 1;
        }
        let last = *good.last()?;
        let end = tokens.read[last].range.end;
        let range = start..end;
        let body = &text[range.clone()];
        // Strong or weak: the weak searches only where no strong anchor settles it.
        let anchored =
            self.strong.is_match(body) || self.weak.is_match(body) && self.year.is_match(body);
        let accepted = match glue {
            // A sentence glued to another by a bare period is the clearest sign of a flattened
            // footnote: a title-like run of two capitalised words is enough.
            Some(GlueKind::Period) | Some(GlueKind::Quote) => {
                anchored || capitalised >= 2 && last > 0
            }
            Some(_) => anchored || self.year.is_match(body) && capitalised >= 2,
            None => anchored,
        };
        if !accepted {
            return None;
        }
        Some(Citation {
            range,
            kind: CitationKind::InlineReference,
            resumes_at: resumes_at.into(),
        })
    }

    /// Does prose start after this capitalised word? True when the next word (past commas, and
    /// past numbers after a sentence starter: "In 2007 one such site") is lower case and not
    /// reference vocabulary.
    fn next_word_is_prose(
        &self,
        text: &str,
        tokens: &mut Tokens,
        from: usize,
        skip_numbers: bool,
    ) -> bool {
        let mut k = from;
        while let Some(tok) = tokens.get(k) {
            k += 1;
            match tok.class {
                TokClass::Number if skip_numbers => continue,
                TokClass::Number => return false,
                TokClass::Punct => {
                    let p = &text[tok.range.clone()];
                    if p == "," {
                        continue;
                    }
                    return false;
                }
                TokClass::Quoted | TokClass::Paren => return false,
                TokClass::Word => {
                    let word = &text[tok.range.clone()];
                    let bare = trim_non_alnum(word);
                    let first = bare.chars().next().unwrap_or(' ');
                    return first.is_lowercase()
                        && !self.connectors.contains(bare)
                        && !self.is_ref_word(bare)
                        && !is_roman(bare);
                }
            }
        }
        false
    }
}

/// Whether a pattern matches `span` (within `block`), read off its block matches (`find_iter`,
/// in order, absolute offsets) where the pattern looks around only at ASCII word boundaries
/// and never matches empty; `None` where they cannot tell (see `strong_in_span`). Inlined:
/// asked twice per sentence, and most answers take a few instructions.
#[inline]
fn in_span(
    bytes: &[u8],
    span: &Range<usize>,
    block: &Range<usize>,
    matches: &[Range<usize>],
) -> Option<bool> {
    let is_word = |i: usize| bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_';
    let start_same = span.start == block.start || !is_word(span.start - 1);
    let end_same = span.end == block.end || !is_word(span.end);
    // Matches are in order and do not overlap: their ends are in order too.
    let first = matches.partition_point(|m| m.end < span.start);
    let mut reached = false;
    for m in matches[first..].iter().take_while(|m| m.start <= span.end) {
        reached = true;
        let inside = m.start >= span.start && m.end <= span.end;
        if inside && (m.start > span.start || start_same) && (m.end < span.end || end_same) {
            return Some(true);
        }
    }
    (!reached && start_same && end_same).then_some(false)
}

/// "Surname, …", "Surname and Surname.", "Surname & Surname,": a capitalised first word
/// (letters, apostrophes, hyphens) followed by one of these. Asked of every block: its bytes
/// are read while they are ASCII, and only a non-ASCII character is decoded.
fn starts_with_author(line: &str) -> bool {
    let b = line.as_bytes();
    match b.first() {
        None => return false,
        Some(&c) if c < 0x80 => {
            if !c.is_ascii_uppercase() {
                return false;
            }
        }
        Some(_) => return starts_with_author_chars(line),
    }
    let mut end = 1;
    while end < b.len() && (b[end].is_ascii_alphabetic() || matches!(b[end], b'\'' | b'-')) {
        end += 1;
    }
    if b.get(end).is_some_and(|&c| c >= 0x80) {
        return starts_with_author_chars(line);
    }
    let rest = &b[end..];
    rest.starts_with(b", ") || rest.starts_with(b" and ") || rest.starts_with(b" & ")
}

/// `starts_with_author` by characters: where a non-ASCII one is met, and its oracle.
fn starts_with_author_chars(line: &str) -> bool {
    // "Surname, …", "Surname and Surname.", "Surname & Surname,".
    let mut chars = line.char_indices();
    let Some((_, first)) = chars.next() else {
        return false;
    };
    if !first.is_uppercase() {
        return false;
    }
    let end = line
        .find(|c: char| !(c.is_alphabetic() || c == '\'' || c == '’' || c == '-'))
        .unwrap_or(line.len());
    let rest = &line[end..];
    rest.starts_with(", ") || rest.starts_with(" and ") || rest.starts_with(" & ")
}

fn is_initial(word: &str) -> bool {
    // At most two letters, all capitals ("N.", "N.G."); counted without collecting them.
    let mut letters = 0;
    for c in word.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        if letters > 2 || !c.is_uppercase() {
            return false;
        }
    }
    letters > 0
}

/// `s.trim_matches(|c: char| !c.is_alphanumeric())`, decoding chars only when a non-ASCII one
/// is met at either end (words are trimmed per token, and nearly all are ASCII).
#[inline]
fn trim_non_alnum(s: &str) -> &str {
    let b = s.as_bytes();
    let mut lo = 0;
    let mut hi = b.len();
    while lo < hi && b[lo] < 0x80 && !b[lo].is_ascii_alphanumeric() {
        lo += 1;
    }
    while hi > lo && b[hi - 1] < 0x80 && !b[hi - 1].is_ascii_alphanumeric() {
        hi -= 1;
    }
    // Cut at ASCII bytes only, so on char boundaries.
    let t = &s[lo..hi];
    if t.as_bytes().first().is_some_and(|&c| c >= 0x80)
        || t.as_bytes().last().is_some_and(|&c| c >= 0x80)
    {
        t.trim_matches(|c: char| !c.is_alphanumeric())
    } else {
        t
    }
}

/// How `prose_ratio` reads a character.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PieceByte {
    /// Ends a piece: whitespace or `, ; : ( )`.
    Separator,
    Alphanumeric,
    Other,
}

/// `PieceByte` of each ASCII byte.
const PIECE_BYTES: [PieceByte; 128] = {
    let mut t = [PieceByte::Other; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() {
            PieceByte::Alphanumeric
        } else if matches!(
            c,
            b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b',' | b';' | b':' | b'(' | b')'
        ) {
            PieceByte::Separator
        } else {
            PieceByte::Other
        };
        b += 1;
    }
    t
};

/// The longest text `prose_counts_masked` reads (longer ones, rare, are scanned).
const MASKED_MAX: usize = 512;
const MASK_WORDS: usize = MASKED_MAX / 64;

/// Bit masks of a text's bytes for `prose_counts_masked` (bit `i % 64` of word `i / 64` for
/// byte `i`; none set past the text's end).
struct ProseMasks {
    /// ASCII alphanumerics and non-ASCII bytes: where a word may start.
    candidate: [u64; MASK_WORDS],
    /// ASCII separators and non-ASCII bytes: where a word may end.
    stop: [u64; MASK_WORDS],
    /// Bytes that are not ASCII separators, after one or after a non-ASCII byte (or first).
    starts: [u64; MASK_WORDS],
    /// `starts` bits in mask words `k..`.
    starts_after: [u32; MASK_WORDS + 1],
}

impl ProseMasks {
    fn new(bytes: &[u8]) -> ProseMasks {
        let mut m = ProseMasks {
            candidate: [0; MASK_WORDS],
            stop: [0; MASK_WORDS],
            starts: [0; MASK_WORDS],
            starts_after: [0; MASK_WORDS + 1],
        };
        let words = bytes.len().div_ceil(64);
        // The byte before the text reads as a separator, so a first byte can start a piece.
        let mut carry = 1u64;
        for k in 0..words {
            let (a, s, h) = chunk_masks_at(bytes, k).classes();
            m.candidate[k] = a | h;
            m.stop[k] = s | h;
            let after = (s | h) << 1 | carry;
            carry = (s | h) >> 63;
            let left = bytes.len() - 64 * k;
            let valid = if left >= 64 {
                u64::MAX
            } else {
                (1u64 << left) - 1
            };
            m.starts[k] = !s & after & valid;
        }
        for k in (0..words).rev() {
            m.starts_after[k] = m.starts_after[k + 1] + m.starts[k].count_ones();
        }
        m
    }

    /// The first set bit of `mask` at or after `from`, or `n` (the text's length).
    #[inline]
    fn next(&self, mask: &[u64; MASK_WORDS], from: usize, n: usize) -> usize {
        let mut k = from / 64;
        if k >= MASK_WORDS {
            return n;
        }
        let mut x = mask[k] & (u64::MAX << (from % 64));
        loop {
            if x != 0 {
                return (k * 64 + x.trailing_zeros() as usize).min(n);
            }
            k += 1;
            if k >= MASK_WORDS || k * 64 >= n {
                return n;
            }
            x = mask[k];
        }
    }

    /// `starts` bits at or after `from`.
    #[inline]
    fn starts_from(&self, from: usize, n: usize) -> usize {
        if from >= n {
            return 0;
        }
        let k = from / 64;
        ((self.starts[k] >> (from % 64)).count_ones() + self.starts_after[k + 1]) as usize
    }
}

/// Bit masks of 64 bytes (bit `j` for byte `j`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ChunkMasks {
    /// ASCII alphanumerics.
    alnum: u64,
    /// ASCII separators (as `PIECE_BYTES`).
    sep: u64,
    /// Non-ASCII bytes.
    high: u64,
    /// ASCII lower-case letters.
    lower: u64,
}

impl ChunkMasks {
    fn classes(self) -> (u64, u64, u64) {
        (self.alnum, self.sep, self.high)
    }
}

/// `chunk_masks` of the 64 bytes from `64 * k` (`64 * k < bytes.len()`); the last chunk is
/// padded with NULs, which are in no class.
fn chunk_masks_at(bytes: &[u8], k: usize) -> ChunkMasks {
    match bytes.get(k * 64..k * 64 + 64) {
        Some(chunk) => chunk_masks(chunk.try_into().expect("64 bytes")),
        None => {
            let mut padded = [0u8; 64];
            padded[..bytes.len() - k * 64].copy_from_slice(&bytes[k * 64..]);
            chunk_masks(&padded)
        }
    }
}

/// The ASCII alphanumerics, ASCII separators (as `PIECE_BYTES`), non-ASCII bytes and ASCII
/// lower-case letters of 64 bytes, as bit masks: sixteen bytes a step with SSE2 (part of every
/// x86_64).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn chunk_masks(chunk: &[u8; 64]) -> ChunkMasks {
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: AVX2 was detected; `chunk_masks_agree_with_the_byte_table` holds this to
        // the byte table.
        return unsafe { chunk_masks_avx2(chunk) };
    }
    // SAFETY: `chunk_masks_sse2` only needs SSE2, which this build enables (it is part of
    // every x86_64 CPU); `chunk_masks_agree_with_the_byte_table` holds it to the byte table.
    unsafe { chunk_masks_sse2(chunk) }
}

/// `chunk_masks_sse2`, thirty-two bytes a step.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "avx2")]
fn chunk_masks_avx2(chunk: &[u8; 64]) -> ChunkMasks {
    use crate::simd::{digits_avx2, in_range_avx2, letters_avx2};
    use std::arch::x86_64::{
        _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8, _mm256_loadu_si256,
        _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
    };
    let (mut alnum, mut sep, mut high, mut lower) = (0u64, 0u64, 0u64, 0u64);
    for lane in 0..2 {
        // SAFETY: `chunk[32 * lane..32 * lane + 32]` is in bounds; the load is unaligned.
        let x = unsafe { _mm256_loadu_si256(chunk.as_ptr().add(32 * lane).cast()) };
        let letters = letters_avx2(x);
        // Of the letters, those from 'a' up (upper-case ones are below 0x60).
        let small = _mm256_and_si256(letters, _mm256_cmpgt_epi8(x, _mm256_set1_epi8(0x60)));
        let a = _mm256_or_si256(letters, digits_avx2(x));
        let s = _mm256_or_si256(
            _mm256_or_si256(in_range_avx2(x, b'\t', b'\r'), in_range_avx2(x, b'(', b')')),
            _mm256_or_si256(
                in_range_avx2(x, b':', b';'),
                _mm256_or_si256(
                    _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b' ' as i8)),
                    _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b',' as i8)),
                ),
            ),
        );
        let shift = 32 * lane;
        alnum |= u64::from(_mm256_movemask_epi8(a) as u32) << shift;
        sep |= u64::from(_mm256_movemask_epi8(s) as u32) << shift;
        high |= u64::from(_mm256_movemask_epi8(x) as u32) << shift;
        lower |= u64::from(_mm256_movemask_epi8(small) as u32) << shift;
    }
    ChunkMasks {
        alnum,
        sep,
        high,
        lower,
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn chunk_masks_sse2(chunk: &[u8; 64]) -> ChunkMasks {
    use crate::simd::{digits, in_range, letters};
    use std::arch::x86_64::{
        _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    let [alnum, sep, high, lower] = crate::simd::block_masks(chunk, 0, |x| {
        let letters = letters(x);
        // Of the letters, those from 'a' up (upper-case ones are below 0x60).
        let small = _mm_and_si128(letters, _mm_cmpgt_epi8(x, _mm_set1_epi8(0x60)));
        let sep = _mm_or_si128(
            _mm_or_si128(in_range(x, b'\t', b'\r'), in_range(x, b'(', b')')),
            _mm_or_si128(
                in_range(x, b':', b';'),
                _mm_or_si128(
                    _mm_cmpeq_epi8(x, _mm_set1_epi8(b' ' as i8)),
                    _mm_cmpeq_epi8(x, _mm_set1_epi8(b',' as i8)),
                ),
            ),
        );
        // A byte's own sign bit marks it non-ASCII.
        [_mm_or_si128(letters, digits(x)), sep, x, small]
    });
    ChunkMasks {
        alnum,
        sep,
        high,
        lower,
    }
}

/// `chunk_masks` a byte at a time: elsewhere, and its oracle.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn chunk_masks_bytewise(chunk: &[u8; 64]) -> ChunkMasks {
    let (mut alnum, mut sep, mut high, mut lower) = (0u64, 0u64, 0u64, 0u64);
    for (j, &b) in chunk.iter().enumerate() {
        if b >= 0x80 {
            high |= 1 << j;
        } else {
            if b.is_ascii_lowercase() {
                lower |= 1 << j;
            }
            match PIECE_BYTES[usize::from(b)] {
                PieceByte::Alphanumeric => alnum |= 1 << j,
                PieceByte::Separator => sep |= 1 << j,
                PieceByte::Other => {}
            }
        }
    }
    ChunkMasks {
        alnum,
        sep,
        high,
        lower,
    }
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn chunk_masks(chunk: &[u8; 64]) -> ChunkMasks {
    chunk_masks_bytewise(chunk)
}

/// The first set bit at or after `from` of the bit string `mask` (bit `i % 64` of word
/// `i / 64`).
fn next_bit(mask: &[u64], from: usize) -> Option<usize> {
    let mut k = from / 64;
    let mut x = *mask.get(k)? & (u64::MAX << (from % 64));
    loop {
        if x != 0 {
            return Some(k * 64 + x.trailing_zeros() as usize);
        }
        k += 1;
        x = *mask.get(k)?;
    }
}

/// The last set bit before `below` of the bit string `mask`.
fn last_bit_below(mask: &[u64], below: usize) -> Option<usize> {
    if below == 0 {
        return None;
    }
    let mut k = (below - 1) / 64;
    let mut x = mask.get(k).copied().unwrap_or(0) & (u64::MAX >> (63 - (below - 1) % 64));
    loop {
        if x != 0 {
            return Some(k * 64 + 63 - x.leading_zeros() as usize);
        }
        if k == 0 {
            return None;
        }
        k -= 1;
        x = mask[k];
    }
}

fn starts_lowercase(w: &str) -> bool {
    match w.as_bytes().first() {
        Some(&b) if b < 0x80 => b.is_ascii_lowercase(),
        _ => w.chars().next().is_some_and(char::is_lowercase),
    }
}

/// A set of words, with a filter on first byte, last byte and length in front of the hash
/// lookup: most prose words share none of these with reference vocabulary.
struct Vocabulary {
    words: HashSet<String>,
    /// Per byte, bit `min(len, 31)` set when a word of that length starts with the byte.
    first: [u32; 256],
    /// The same for the last byte.
    last: [u32; 256],
}

impl Vocabulary {
    fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Vocabulary {
        let mut v = Vocabulary {
            words: HashSet::default(),
            first: [0; 256],
            last: [0; 256],
        };
        for w in words {
            if let (Some(&f), Some(&l)) = (w.as_bytes().first(), w.as_bytes().last()) {
                let bit = 1u32 << w.len().min(31);
                v.first[usize::from(f)] |= bit;
                v.last[usize::from(l)] |= bit;
            }
            v.words.insert(w.to_string());
        }
        v
    }

    fn contains(&self, w: &str) -> bool {
        let (Some(&f), Some(&l)) = (w.as_bytes().first(), w.as_bytes().last()) else {
            return self.words.contains(w);
        };
        let bit = 1u32 << w.len().min(31);
        self.first[usize::from(f)] & bit != 0
            && self.last[usize::from(l)] & bit != 0
            && self.words.contains(w)
    }
}

fn is_roman(word: &str) -> bool {
    !word.is_empty()
        && word.len() <= 8
        && word
            .chars()
            .all(|c| matches!(c, 'i' | 'v' | 'x' | 'l' | 'c' | '-'))
        && word.chars().any(|c| c != '-')
}

/// Step back from a prose-start word over the capitalised words (and connectors between them) of
/// the same noun phrase: "… p. 200 The Great Purge was …" starts at "The".
fn head_of_capitalised_run(
    text: &str,
    tokens: &[Token],
    i: usize,
    connectors: &HashSet<String>,
) -> usize {
    let mut head = i;
    let mut j = i;
    while j > 0 {
        j -= 1;
        let tok = &tokens[j];
        if tok.class != TokClass::Word {
            break;
        }
        let word = &text[tok.range.clone()];
        if word.ends_with(['.', ',', ':', ';']) {
            break;
        }
        let bare = trim_non_alnum(word);
        let first = bare.chars().next().unwrap_or(' ');
        if first.is_uppercase() {
            head = j;
        } else if !connectors.contains(bare) {
            break;
        }
    }
    head
}

/// If `at` lies inside a parenthesis opened earlier in the block, where that parenthesis closes.
/// Only the parentheses are read (found by `memchr2`; the bytes between them do not count).
fn unclosed_paren_close(text: &str, floor: usize, at: usize, end: usize) -> Option<usize> {
    let lookback = floor.max(at.saturating_sub(400));
    let mut lo = lookback;
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    for i in memchr::memchr2_iter(b'(', b')', &bytes[lo..at]) {
        if bytes[lo + i] == b'(' {
            depth += 1;
        } else {
            depth = (depth - 1).max(0);
        }
    }
    if depth == 0 {
        return None;
    }
    let mut d = depth;
    for i in memchr::memchr2_iter(b'(', b')', &bytes[at..end]) {
        if bytes[at + i] == b'(' {
            d += 1;
        } else {
            d -= 1;
            if d < depth {
                return Some(at + i);
            }
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GlueKind {
    /// "…airtight van.Night of Stone …"
    Period,
    /// "…obtained by torture,Page 121 …"
    Comma,
    /// "…professionalsPages 250 …"
    Camel,
    /// "…verdict of treason\"Page 468 …"
    Quote,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Glue {
    at: usize,
    kind: GlueKind,
}

/// Places where flattening footnotes glued a reference onto prose with no space.
#[cfg(test)]
fn glue_points(text: &str, block: Range<usize>) -> Vec<Glue> {
    let mut out = Vec::new();
    for_each_glue_point(text, block, |g| out.push(g));
    out
}

/// `glue_points`, each handed to `f` in order as it is found.
fn for_each_glue_point(text: &str, block: Range<usize>, mut f: impl FnMut(Glue)) {
    let slice = &text[block.clone()];
    // A glue point is an upper-case letter or an opening quote right after a non-space byte:
    // rare in prose.
    for_each_pair::<false>(slice.as_bytes(), |i, _, _| {
        if let Some(g) = glue_at(slice, block.start, i) {
            f(g);
        }
    });
}

/// The pairs `for_each_pair` visits: bits `(glue, strong)`, bit `j` for the pair
/// `prev[j], cur[j]`. `glue`: a byte that `may_start_glue`, after one that is not ' ' (a
/// superset of glue points); `strong` (when `STRONG`): 'p', 'v' or 'u' of either case or an
/// upper-case letter, after a byte that is not an ASCII letter, or the 'S' of "IS" (a
/// superset of `may_open_strong`, and of the words `weak_word_at` looks for).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn pair_bits<const STRONG: bool>(prev: &[u8; 32], cur: &[u8; 32]) -> (u32, u32) {
    // SAFETY: `pair_bits_sse2` only needs SSE2, which this build enables (it is part of every
    // x86_64 CPU); `pair_bits_agree_with_the_byte_tests` holds it to `pair_bits_bytewise`.
    unsafe { pair_bits_sse2::<STRONG>(prev, cur) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn pair_bits_sse2<const STRONG: bool>(prev: &[u8; 32], cur: &[u8; 32]) -> (u32, u32) {
    use crate::simd::{in_range, letters};
    use std::arch::x86_64::{
        _mm_and_si128, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8,
        _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    let (mut glue, mut strong) = (0u32, 0u32);
    for lane in 0..2 {
        // SAFETY: bytes `16 * lane..16 * lane + 16` of each array are in bounds; the loads are
        // unaligned.
        let (p, b) = unsafe {
            (
                _mm_loadu_si128(prev.as_ptr().add(16 * lane).cast()),
                _mm_loadu_si128(cur.as_ptr().add(16 * lane).cast()),
            )
        };
        let eq = |x, c: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8));
        // `may_start_glue`: 'A'..='Z', '"', or from 0xC0 (unsigned: max(b, 0xC0) == b).
        let high_lead = _mm_cmpeq_epi8(_mm_max_epu8(b, _mm_set1_epi8(0xC0u8 as i8)), b);
        let upper = in_range(b, b'A', b'Z');
        let starts = _mm_or_si128(_mm_or_si128(upper, eq(b, b'"')), high_lead);
        let g = _mm_andnot_si128(eq(p, b' '), starts);
        glue |= (_mm_movemask_epi8(g) as u32 & 0xFFFF) << (16 * lane);
        if STRONG {
            let l = _mm_or_si128(b, _mm_set1_epi8(0x20));
            let opens = _mm_or_si128(
                _mm_or_si128(_mm_or_si128(eq(l, b'p'), eq(l, b'v')), eq(l, b'u')),
                upper,
            );
            let s = _mm_or_si128(
                _mm_andnot_si128(letters(p), opens),
                _mm_and_si128(eq(p, b'I'), eq(b, b'S')),
            );
            strong |= (_mm_movemask_epi8(s) as u32 & 0xFFFF) << (16 * lane);
        }
    }
    (glue, strong)
}

/// `pair_bits` of 32 bytes in one step, for a CPU with AVX2.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "avx2")]
#[inline]
fn pair_bits_avx2<const STRONG: bool>(prev: &[u8; 32], cur: &[u8; 32]) -> (u32, u32) {
    use crate::simd::{in_range_avx2, letters_avx2};
    use std::arch::x86_64::{
        _mm256_and_si256, _mm256_andnot_si256, _mm256_cmpeq_epi8, _mm256_loadu_si256,
        _mm256_max_epu8, _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
    };
    // SAFETY: each array holds 32 bytes; the loads are unaligned.
    let (p, b) = unsafe {
        (
            _mm256_loadu_si256(prev.as_ptr().cast()),
            _mm256_loadu_si256(cur.as_ptr().cast()),
        )
    };
    let eq = |x, c: u8| _mm256_cmpeq_epi8(x, _mm256_set1_epi8(c as i8));
    let high_lead = _mm256_cmpeq_epi8(_mm256_max_epu8(b, _mm256_set1_epi8(0xC0u8 as i8)), b);
    let upper = in_range_avx2(b, b'A', b'Z');
    let starts = _mm256_or_si256(_mm256_or_si256(upper, eq(b, b'"')), high_lead);
    let glue = _mm256_movemask_epi8(_mm256_andnot_si256(eq(p, b' '), starts)) as u32;
    if !STRONG {
        return (glue, 0);
    }
    let l = _mm256_or_si256(b, _mm256_set1_epi8(0x20));
    let opens = _mm256_or_si256(
        _mm256_or_si256(_mm256_or_si256(eq(l, b'p'), eq(l, b'v')), eq(l, b'u')),
        upper,
    );
    let strong = _mm256_or_si256(
        _mm256_andnot_si256(letters_avx2(p), opens),
        _mm256_and_si256(eq(p, b'I'), eq(b, b'S')),
    );
    (glue, _mm256_movemask_epi8(strong) as u32)
}

/// `pair_bits` of one stretch, with AVX2 where the CPU has it (the last stretch of each block).
fn pair_bits_one<const STRONG: bool>(prev: &[u8; 32], cur: &[u8; 32]) -> (u32, u32) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: AVX2 was detected.
        return unsafe { pair_bits_avx2::<STRONG>(prev, cur) };
    }
    pair_bits::<STRONG>(prev, cur)
}

/// Stretches `pair_bits_run` reads a call.
const PAIR_RUN: usize = 16;

/// `pair_bits` of the stretches of 32 bytes from `k` (`k >= 1`) that `bytes` holds whole, up
/// to `PAIR_RUN` of them, into `out`; how many. With AVX2 where the CPU has it (one call per
/// run: a call per stretch would cost more than it saves).
fn pair_bits_run<const STRONG: bool>(
    bytes: &[u8],
    k: usize,
    out: &mut [(u32, u32); PAIR_RUN],
) -> usize {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: AVX2 was detected.
        return unsafe { pair_bits_run_avx2::<STRONG>(bytes, k, out) };
    }
    let n = ((bytes.len() - k) / 32).min(PAIR_RUN);
    for (s, bits) in out[..n].iter_mut().enumerate() {
        let at = k + 32 * s;
        let cur: &[u8; 32] = bytes[at..at + 32].try_into().expect("a stretch");
        let prev: &[u8; 32] = bytes[at - 1..at + 31].try_into().expect("a stretch");
        *bits = pair_bits::<STRONG>(prev, cur);
    }
    n
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "avx2")]
fn pair_bits_run_avx2<const STRONG: bool>(
    bytes: &[u8],
    k: usize,
    out: &mut [(u32, u32); PAIR_RUN],
) -> usize {
    let n = ((bytes.len() - k) / 32).min(PAIR_RUN);
    for (s, bits) in out[..n].iter_mut().enumerate() {
        let at = k + 32 * s;
        let cur: &[u8; 32] = bytes[at..at + 32].try_into().expect("a stretch");
        let prev: &[u8; 32] = bytes[at - 1..at + 31].try_into().expect("a stretch");
        *bits = pair_bits_avx2::<STRONG>(prev, cur);
    }
    n
}

/// `pair_bits` a byte at a time: elsewhere, and its oracle.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn pair_bits_bytewise<const STRONG: bool>(prev: &[u8; 32], cur: &[u8; 32]) -> (u32, u32) {
    let (mut glue, mut strong) = (0u32, 0u32);
    for j in 0..32 {
        let (p, b) = (prev[j], cur[j]);
        glue |= u32::from(may_start_glue(b) & (p != b' ')) << j;
        let l = b | 0x20;
        let s = ((l == b'p') | (l == b'v') | (l == b'u') | b.is_ascii_uppercase())
            & ((p | 0x20).wrapping_sub(b'a') >= 26)
            | ((p == b'I') & (b == b'S'));
        strong |= u32::from(STRONG & s) << j;
    }
    (glue, strong)
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn pair_bits<const STRONG: bool>(prev: &[u8; 32], cur: &[u8; 32]) -> (u32, u32) {
    pair_bits_bytewise::<STRONG>(prev, cur)
}

/// `f(i, glue, strong)` for each `i >= 1`, in order, where `pair_bits` sets a bit for the pair
/// `bytes[i - 1], bytes[i]`, telling which of its bits are set. A
/// stretch of 32 is tested at a time (sixteen bytes a step with SSE2), and only the set bits
/// are visited.
#[inline(always)]
fn for_each_pair<const STRONG: bool>(bytes: &[u8], mut f: impl FnMut(usize, bool, bool)) {
    const STRETCH: usize = 32;
    let mut visit = |k: usize, (glue, strong): (u32, u32)| {
        let mut mask = glue | strong;
        while mask != 0 {
            let j = mask.trailing_zeros();
            f(k + j as usize, glue >> j & 1 != 0, strong >> j & 1 != 0);
            mask &= mask - 1;
        }
    };
    let mut k = 1;
    let mut run = [(0u32, 0u32); PAIR_RUN];
    while k + STRETCH <= bytes.len() {
        let n = pair_bits_run::<STRONG>(bytes, k, &mut run);
        for &bits in &run[..n] {
            visit(k, bits);
            k += STRETCH;
        }
    }
    if k < bytes.len() {
        // The shorter last stretch, copied into a full one and tested the same way (byte by
        // byte it cost more than all the others in a short block); bits past its end dropped.
        let n = bytes.len() - k;
        let mut cur = [0u8; STRETCH];
        let mut prev = [0u8; STRETCH];
        cur[..n].copy_from_slice(&bytes[k..]);
        prev[..n].copy_from_slice(&bytes[k - 1..bytes.len() - 1]);
        let keep = u32::MAX >> (STRETCH - n);
        let (glue, strong) = pair_bits_one::<STRONG>(&prev, &cur);
        visit(k, (glue & keep, strong & keep));
    }
}

/// The pair scan `for_each_pair` replaced, for any `pred`: the flags of a stretch tested
/// without branches and packed into a bit mask by multiplication. Kept as its oracle.
#[cfg(test)]
fn for_each_pair_packed(bytes: &[u8], pred: impl Fn(u8, u8) -> bool, mut f: impl FnMut(usize)) {
    const STRETCH: usize = 32;
    let mask_of = |prev: &[u8; STRETCH], cur: &[u8; STRETCH]| {
        let mut flags = [0u8; STRETCH];
        for j in 0..STRETCH {
            flags[j] = u8::from(pred(prev[j], cur[j]));
        }
        if flags.iter().fold(0u8, |any, &x| any | x) == 0 {
            0
        } else {
            pack_flags(&flags)
        }
    };
    let mut k = 1;
    while k + STRETCH <= bytes.len() {
        let cur: &[u8; STRETCH] = bytes[k..k + STRETCH].try_into().expect("a stretch");
        let prev: &[u8; STRETCH] = bytes[k - 1..k - 1 + STRETCH].try_into().expect("a stretch");
        let mut mask = mask_of(prev, cur);
        while mask != 0 {
            f(k + mask.trailing_zeros() as usize);
            mask &= mask - 1;
        }
        k += STRETCH;
    }
    if k < bytes.len() {
        let n = bytes.len() - k;
        let mut cur = [0u8; STRETCH];
        let mut prev = [0u8; STRETCH];
        cur[..n].copy_from_slice(&bytes[k..]);
        prev[..n].copy_from_slice(&bytes[k - 1..bytes.len() - 1]);
        let mut mask = mask_of(&prev, &cur) & (u32::MAX >> (STRETCH - n));
        while mask != 0 {
            f(k + mask.trailing_zeros() as usize);
            mask &= mask - 1;
        }
    }
}

/// Bit `j` set where `flags[j]` is 1 (each flag 0 or 1).
#[cfg(test)]
fn pack_flags(flags: &[u8; 32]) -> u32 {
    // Byte j of a word, 0 or 1, lands on bit 56 + j of the product; the other partial products
    // fall below bit 56 without carrying into it or past bit 63.
    const GATHER: u64 = 0x0102_0408_1020_4080;
    flags
        .chunks_exact(8)
        .enumerate()
        .fold(0u32, |mask, (c, chunk)| {
            let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            mask | ((word.wrapping_mul(GATHER) >> 56) as u32) << (8 * c)
        })
}

/// Every place in `slice` where a match of one of `ANCHORS_NEEDING_DIGIT_OR_PRESS` can start
/// (and some where none does), unordered, possibly repeated. Each anchor begins with a literal
/// letter that this reads:
/// - `ISBN…` (no word boundary): at each "ISBN";
/// - `\b(?:pp?|pg|Pp)\.? ?\d…` and `\b[Pp]ages? \d…`: a 'p' starting a word followed by '.',
///   ' ', 'p', 'g', a digit or a non-ASCII byte (a Unicode `\d`), a "Pp", or "[Pp]age";
/// - `\b(?:University|Univ\.) Press\b`: "Univ" starting a word;
/// - `\b(?:Vol|vol)\. ?\d+`: "Vol." or "vol." starting a word;
/// - `\b\d+ pages\b`: every character of the run of digits (ASCII, or non-ASCII numeric: a
///   superset of Unicode `\d`) that ends at " pages".
///
/// ("Starting a word": the byte before is not an ASCII word byte; each of these anchors opens
/// with an ASCII `\b` before a letter.)
///
/// Replaced by `for_each_embedded_strong_start`; kept as its oracle.
#[cfg(test)]
fn embedded_strong_starts(slice: &str, out: &mut Vec<usize>) {
    let bytes = slice.as_bytes();
    let starts_word =
        |i: usize| i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
    for i in memchr::memchr3_iter(b'p', b'P', b'v', bytes) {
        let rest = &bytes[i + 1..];
        if bytes[i] == b'p' && i > 0 && bytes[i - 1] == b' ' && rest.starts_with(b"ages") {
            // " pages": the digits before it.
            let mut r = i - 1;
            while let Some(c) = slice[..r].chars().next_back() {
                if !(c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())) {
                    break;
                }
                r -= c.len_utf8();
                out.push(r);
            }
        }
        if !starts_word(i) {
            continue;
        }
        let may = match bytes[i] {
            b'v' => rest.starts_with(b"ol."),
            b'P' => rest.first() == Some(&b'p') || rest.starts_with(b"age"),
            _ => {
                rest.first().is_some_and(|&n| {
                    matches!(n, b'.' | b' ' | b'p' | b'g') || n.is_ascii_digit() || n >= 0x80
                }) || rest.starts_with(b"age")
            }
        };
        if may {
            out.push(i);
        }
    }
    for i in memchr::memchr3_iter(b'I', b'U', b'V', bytes) {
        let rest = &bytes[i + 1..];
        let may = match bytes[i] {
            b'I' => rest.starts_with(b"SBN"),
            b'U' => starts_word(i) && rest.starts_with(b"niv"),
            _ => starts_word(i) && rest.starts_with(b"ol."),
        };
        if may {
            out.push(i);
        }
    }
}

/// `embedded_strong_starts`, in increasing order and each handed to `f` as found, from one pass
/// over the block that tests a stretch of bytes at a time (`for_each_pair`): the letters that
/// can open an anchor at a word start, and "IS". (A `memchr3` call per 'p' or 'v', letters
/// common in prose, and a sort cost more.) The digits before " pages" lie between the
/// previous candidate and the 'p', so handing them on at the 'p' keeps the order.
#[cfg(test)]
fn for_each_embedded_strong_start(slice: &str, f: impl FnMut(usize)) {
    for_each_glue_point_and_strong_start(slice, 0..slice.len(), &mut true, |_| {}, Some(f));
}

/// A letter that can open an embedded strong anchor at a word start ("ISBN" needs none).
fn opens_strong(b: u8) -> bool {
    (b == b'p') | (b == b'P') | (b == b'v') | (b == b'U') | (b == b'V')
}

/// Where an embedded strong anchor may start at the pair `bytes[i - 1], bytes[i]`: a letter of
/// `opens_strong` at a word start, or "IS"; branch-free.
fn may_open_strong(prev: u8, b: u8) -> bool {
    (opens_strong(b) & !is_word_byte(prev)) | ((prev == b'I') & (b == b'S'))
}

/// The starts at byte `i` (where `may_open_strong` holds, or `i == 0` with `opens_strong`),
/// in increasing order.
fn strong_starts_at(slice: &str, i: usize, f: &mut impl FnMut(usize)) {
    let bytes = slice.as_bytes();
    let b = bytes[i];
    if b == b'S' {
        // The pair "IS": "ISBN" at the 'I' (this anchor has no word boundary).
        if bytes[i..].starts_with(b"SBN") {
            f(i - 1);
        }
        return;
    }
    // One of `opens_strong` starting a word.
    let rest = &bytes[i + 1..];
    if b == b'p' && i > 0 && bytes[i - 1] == b' ' && rest.starts_with(b"ages") {
        // " pages": every character of the run of digits before it, in order.
        let mut r = i - 1;
        while let Some(c) = slice[..r].chars().next_back() {
            if !(c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())) {
                break;
            }
            r -= c.len_utf8();
        }
        for (off, _) in slice[r..i - 1].char_indices() {
            f(r + off);
        }
    }
    let may = match b {
        b'v' | b'V' => rest.starts_with(b"ol."),
        b'P' => rest.first() == Some(&b'p') || rest.starts_with(b"age"),
        b'U' => rest.starts_with(b"niv"),
        _ => {
            rest.first().is_some_and(|&n| {
                matches!(n, b'.' | b' ' | b'p' | b'g') || n.is_ascii_digit() || n >= 0x80
            }) || rest.starts_with(b"age")
        }
    };
    if may {
        f(i);
    }
}

/// A character the hand reading of the embedded strong anchors cannot class: a non-ASCII one
/// other than '–' where `\d` or `\s` (Unicode classes) is read.
struct Untold;

const EN_DASH: &[u8] = "–".as_bytes();

/// Is byte `i` an ASCII word byte (what `(?-u:\b)` reads; none past either end)?
fn word_byte_at(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(|&c| is_word_byte(c))
}

/// Does `\d` match at `i` (the end matches nothing)? Told for ASCII and '–'.
fn digit_at(b: &[u8], i: usize) -> Result<bool, Untold> {
    match b.get(i) {
        None => Ok(false),
        Some(c) if c.is_ascii() => Ok(c.is_ascii_digit()),
        Some(_) if b[i..].starts_with(EN_DASH) => Ok(false),
        Some(_) => Err(Untold),
    }
}

/// Does `\s` match at `i` (a single ASCII byte where it does)? Told for ASCII and '–'.
fn space_at(b: &[u8], i: usize) -> Result<bool, Untold> {
    match b.get(i) {
        None => Ok(false),
        // Unicode White_Space among ASCII: '\t'..='\r' and ' '.
        Some(&c) if c.is_ascii() => Ok(matches!(c, b'\t'..=b'\r' | b' ')),
        Some(_) if b[i..].starts_with(EN_DASH) => Ok(false),
        Some(_) => Err(Untold),
    }
}

/// The end of the greedy `\d+` from `i`, which holds an ASCII digit.
fn digits_end(b: &[u8], i: usize) -> Result<usize, Untold> {
    let mut j = i;
    while b.get(j).is_some_and(u8::is_ascii_digit) {
        j += 1;
    }
    // The run may go on in a Unicode digit.
    digit_at(b, j)?;
    Ok(j)
}

/// One more `\s?[–,-]\s?\d+` after digits ending at `e`: where it ends, if it matches. Each
/// part is forced (an optional space not taken leaves a space where the next part cannot
/// match, and a `\d+` cut short leaves a digit where nothing after it can), so there is one
/// way or none.
fn range_step(b: &[u8], e: usize) -> Result<Option<usize>, Untold> {
    let mut i = e + usize::from(space_at(b, e)?);
    match b.get(i) {
        Some(b',' | b'-') => i += 1,
        Some(_) if b[i..].starts_with(EN_DASH) => i += EN_DASH.len(),
        _ => return Ok(None),
    }
    i += usize::from(space_at(b, i)?);
    if !digit_at(b, i)? {
        return Ok(None);
    }
    digits_end(b, i).map(Some)
}

/// `\d+(?:\s?[–,-]\s?\d+)*` from `i`, followed by `(?-u:\b)` when `bounded`: the end the
/// regex takes (the most repetitions after which the boundary holds; each `\d+` whole, as
/// one cut short is followed by a digit, where neither a repetition nor the boundary holds).
fn page_numbers_end(b: &[u8], i: usize, bounded: bool) -> Result<Option<usize>, Untold> {
    if !digit_at(b, i)? {
        return Ok(None);
    }
    let mut e = digits_end(b, i)?;
    let mut best = (!bounded || !word_byte_at(b, e)).then_some(e);
    while let Some(next) = range_step(b, e)? {
        e = next;
        if !bounded || !word_byte_at(b, e) {
            best = Some(e);
        }
    }
    Ok(best)
}

/// Where the leftmost-first match of `ANCHORS_NEEDING_DIGIT_OR_PRESS` (in that order)
/// anchored at `p` ends, read by hand: `Ok(None)` for none, `Err` where a character it reads
/// is not told (`Untold`). Each anchor's first character picks the ones that may match: "ISBN"
/// the first, 'p' and 'P' the second and third (in that order), a digit the fourth, 'U' the
/// fifth and 'V' or 'v' the sixth.
fn embedded_strong_end(b: &[u8], p: usize) -> Result<Option<usize>, Untold> {
    let Some(&first) = b.get(p) else {
        return Ok(None);
    };
    // `(?-u:\b)` before a letter or digit: the byte before is not a word byte.
    let word_start = p == 0 || !is_word_byte(b[p - 1]);
    let rest = &b[p + 1..];
    match first {
        b'I' => {
            // `ISBN(?:-1[03])?:? ?[\dX][\dX -]{8,16}[\dX]`: each optional part is taken where
            // present (skipped, its first byte is left where nothing after can match).
            if !rest.starts_with(b"SBN") {
                return Ok(None);
            }
            let mut i = p + 4;
            if b[i..].starts_with(b"-10") || b[i..].starts_with(b"-13") {
                i += 3;
            }
            i += usize::from(b.get(i) == Some(&b':'));
            i += usize::from(b.get(i) == Some(&b' '));
            let digit_or_x = |c: u8| c.is_ascii_digit() || c == b'X';
            match b.get(i) {
                Some(&c) if c.is_ascii() || b[i..].starts_with(EN_DASH) => {
                    if !digit_or_x(c) {
                        return Ok(None);
                    }
                }
                Some(_) => return Err(Untold),
                None => return Ok(None),
            }
            // The run of `[\dX -]` after it, as far as the longest match reads (17).
            let mut run = 0;
            while run < 17 {
                let j = i + 1 + run;
                match b.get(j) {
                    Some(&c) if digit_or_x(c) || c == b' ' || c == b'-' => run += 1,
                    Some(&c) if c.is_ascii() => break,
                    None => break,
                    Some(_) if b[j..].starts_with(EN_DASH) => break,
                    Some(_) => return Err(Untold),
                }
            }
            // The greedy `{8,16}` gives back until a `[\dX]` follows.
            Ok((8..=run.saturating_sub(1).min(16))
                .rev()
                .find(|&m| digit_or_x(b[i + 1 + m]))
                .map(|m| i + 2 + m))
        }
        b'p' | b'P' if word_start => {
            // `(?:pp?|pg|Pp)\.? ?\d+(?:\s?[–,-]\s?\d+)*(?-u:\b)`, its alternatives in order.
            let after_prefix = |i: usize| {
                let i = i + usize::from(b.get(i) == Some(&b'.'));
                let i = i + usize::from(b.get(i) == Some(&b' '));
                page_numbers_end(b, i, true)
            };
            let second = rest.first().copied();
            let prefixes: [Option<usize>; 3] = if first == b'p' {
                [
                    (second == Some(b'p')).then_some(p + 2),
                    Some(p + 1),
                    (second == Some(b'g')).then_some(p + 2),
                ]
            } else {
                [(second == Some(b'p')).then_some(p + 2), None, None]
            };
            for i in prefixes.into_iter().flatten() {
                if let Some(end) = after_prefix(i)? {
                    return Ok(Some(end));
                }
            }
            // `[Pp]ages? \d+(?:\s?[–,-]\s?\d+)*`.
            if !rest.starts_with(b"age") {
                return Ok(None);
            }
            let mut i = p + 4;
            i += usize::from(b.get(i) == Some(&b's'));
            if b.get(i) != Some(&b' ') {
                return Ok(None);
            }
            page_numbers_end(b, i + 1, false)
        }
        b'0'..=b'9' if word_start => {
            // `\d+ pages(?-u:\b)`.
            let e = digits_end(b, p)?;
            let end = e + b" pages".len();
            Ok((b[e..].starts_with(b" pages") && !word_byte_at(b, end)).then_some(end))
        }
        b'U' if word_start => {
            // `(?:University|Univ\.) Press(?-u:\b)`.
            let end = if rest.starts_with(b"niversity Press") {
                p + "University Press".len()
            } else if rest.starts_with(b"niv. Press") {
                p + "Univ. Press".len()
            } else {
                return Ok(None);
            };
            Ok((!word_byte_at(b, end)).then_some(end))
        }
        b'V' | b'v' if word_start => {
            // `(?:Vol|vol)\. ?\d+`.
            if !rest.starts_with(b"ol.") {
                return Ok(None);
            }
            let i = p + 4;
            let i = i + usize::from(b.get(i) == Some(&b' '));
            if !digit_at(b, i)? {
                return Ok(None);
            }
            digits_end(b, i).map(Some)
        }
        // No anchor starts with another ASCII byte, nor (but a Unicode `\d`) a non-ASCII one.
        _ if first.is_ascii() || b[p..].starts_with(EN_DASH) => Ok(None),
        _ => Err(Untold),
    }
}

/// `for_each_glue_point`, and in the same pass (when `strong` is given) the places
/// `embedded_strong_starts` lists, in increasing order and each handed on as found: a
/// `memchr3` call per 'p' or 'v' (letters common in prose) and a sort cost more than testing
/// their pairs along with the glue points'. The digits before " pages" lie between the
/// previous start and the 'p', so handing them on at the 'p' keeps the order. Offsets are
/// from the block's start.
fn for_each_glue_point_and_strong_start(
    text: &str,
    block: Range<usize>,
    weak_word: &mut bool,
    mut glue: impl FnMut(Glue),
    strong: Option<impl FnMut(usize)>,
) {
    let slice = &text[block.clone()];
    let bytes = slice.as_bytes();
    let Some(mut strong) = strong else {
        for_each_glue_point(text, block, glue);
        return;
    };
    if bytes.first().is_some_and(|&b| opens_strong(b)) {
        strong_starts_at(slice, 0, &mut strong);
    }
    // Told from here on, as the pass visits every upper-case letter starting a word.
    *weak_word = weak_word_at(bytes, 0);
    // The pair tests are cheaper supersets of both (a glue point after any byte but ' ', a
    // strong start at "uU" too, or after a digit or '_'); each is told exactly below, where
    // its bit is set.
    for_each_pair::<true>(bytes, |i, maybe_glue, maybe_strong| {
        if maybe_glue && let Some(g) = glue_at(slice, block.start, i) {
            glue(g);
        }
        if maybe_strong {
            if may_open_strong(bytes[i - 1], bytes[i]) {
                strong_starts_at(slice, i, &mut strong);
            }
            if !*weak_word {
                *weak_word = weak_word_at(bytes, i);
            }
        }
    });
}

/// Does one of `WEAK_WORD_PREFIXES` start a word at byte `i` (after a byte that is not a
/// word byte, or at the start)? Asked at most capitals that start a word: a table, not a
/// search.
#[inline]
fn weak_word_at(bytes: &[u8], i: usize) -> bool {
    let Some(&[a, b, c]) = bytes.get(i..i + 3) else {
        return false;
    };
    a.is_ascii_uppercase()
        && b.is_ascii_lowercase()
        && c.is_ascii_lowercase()
        && WEAK_PREFIX_TABLE[32 * usize::from(a & 31) + usize::from(b & 31)] & 1 << (c & 31) != 0
        && (i == 0 || !is_word_byte(bytes[i - 1]))
}

/// Bit `c & 31` of entry `32 * (a & 31) + (b & 31)` set for each of `WEAK_WORD_PREFIXES`
/// "abc": an upper-case ASCII letter and two lower-case ones, which the low five bits of each
/// tell apart.
const WEAK_PREFIX_TABLE: [u32; 1024] = {
    let mut t = [0u32; 1024];
    let mut k = 0;
    while k < WEAK_WORD_PREFIXES.len() {
        let w = WEAK_WORD_PREFIXES[k].as_bytes();
        assert!(
            w.len() == 3
                && w[0].is_ascii_uppercase()
                && w[1].is_ascii_lowercase()
                && w[2].is_ascii_lowercase()
        );
        t[32 * (w[0] & 31) as usize + (w[1] & 31) as usize] |= 1 << (w[2] & 31);
        k += 1;
    }
    t
};

/// `bytes.iter().any(u8::is_ascii_digit)`, a stretch at a time without branches (vectorised).
fn has_ascii_digit(bytes: &[u8]) -> bool {
    bytes
        .chunks(32)
        .any(|c| c.iter().fold(false, |any, b| any | b.is_ascii_digit()))
}

/// An upper-case ASCII letter, a '"', or a lead byte of a non-ASCII character (which may be
/// an upper-case letter or a '“'); branch-free.
fn may_start_glue(b: u8) -> bool {
    b.is_ascii_uppercase() | (b == b'"') | (b >= 0xC0)
}

/// The glue point at byte `i` of `slice` (`i >= 1`), if there is one; `at` offsets are
/// `slice_start + i`.
fn glue_at(slice: &str, slice_start: usize, i: usize) -> Option<Glue> {
    let bytes = slice.as_bytes();
    let b = bytes[i];
    if !may_start_glue(b) || bytes[i - 1].is_ascii_whitespace() {
        return None;
    }
    let c = slice[i..].chars().next()?;
    if !(c.is_uppercase() || c == '"' || c == '“') {
        return None;
    }
    let p = slice[..i].chars().next_back()?;
    let at = slice_start + i;
    let before_p = &slice[..i - p.len_utf8()];
    let kind = match p {
        '.' | '!' | '?' if word_len_before(before_p) >= 2 => {
            let before = before_p.chars().next_back();
            before
                .is_some_and(|b| b.is_lowercase() || b == ')' || b == '"' || b == '”')
                .then_some(GlueKind::Period)
        }
        ',' if c.is_uppercase() && word_len_before(before_p) >= 2 => Some(GlueKind::Comma),
        '"' | '”'
            if c.is_uppercase()
                && before_p
                    .chars()
                    .next_back()
                    .is_some_and(|b| b.is_alphanumeric() || b == '.') =>
        {
            Some(GlueKind::Quote)
        }
        _ if p.is_lowercase() && c.is_uppercase() => {
            // "professionalsPages": a lower-case run of three or more in a word of four or
            // more, so that "McDonald" and "iPhone" are left alone.
            let word = &slice[..i];
            let lower_run = word.chars().rev().take_while(|c| c.is_lowercase()).count();
            (lower_run >= 3 && word_len_before(word) >= 4).then_some(GlueKind::Camel)
        }
        _ => None,
    };
    kind.map(|kind| Glue { at, kind })
}

/// Characters in the word that ends where `before` ends (letters, digits, apostrophes, hyphens).
fn word_len_before(before: &str) -> usize {
    before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '\'' | '’' | '-'))
        .count()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokClass {
    Word,
    Number,
    Punct,
    /// A quoted title inside a reference: "Pictorial essay: …".
    Quoted,
    /// A parenthesised aside inside a reference: "(Modern Library Chronicles)".
    Paren,
}

#[derive(Debug, Clone)]
struct Token {
    range: Range<usize>,
    class: TokClass,
}

/// Tokens of a reference candidate, read lazily: a candidate is usually rejected or ended within
/// a few tokens, so reading ahead to the bound would be wasted. Bounded: a reference never runs
/// past a few hundred tokens.
struct Tokens<'t> {
    text: &'t str,
    /// Where reading resumes.
    at: usize,
    end: usize,
    read: Vec<Token>,
}

impl<'t> Tokens<'t> {
    const MAX_TOKENS: usize = 120;

    fn new(text: &'t str, start: usize, end: usize) -> Tokens<'t> {
        Tokens {
            text,
            at: start,
            end,
            // Most candidates are decided within a dozen tokens: one allocation, no regrowth.
            read: Vec::with_capacity(16),
        }
    }

    /// Token `k`, reading as far as needed; `None` past the last.
    fn get(&mut self, k: usize) -> Option<Token> {
        while self.read.len() <= k {
            if self.read.len() >= Self::MAX_TOKENS {
                return None;
            }
            let tok = next_token(self.text, &mut self.at, self.end)?;
            self.read.push(tok);
        }
        Some(self.read[k].clone())
    }
}

/// The token at or after `*i` (before `end`), moving `*i` past it; `None` when only whitespace
/// is left.
fn next_token(text: &str, i: &mut usize, end: usize) -> Option<Token> {
    let bytes = text.as_bytes();
    while *i < end {
        let start = *i;
        let b = bytes[start];
        let c = if b < 0x80 {
            char::from(b)
        } else {
            text[start..].chars().next().unwrap_or(' ')
        };
        if c.is_whitespace() {
            *i += c.len_utf8();
            continue;
        }
        let (close, class) = match c {
            '"' => ('"', TokClass::Quoted),
            '“' => ('”', TokClass::Quoted),
            '«' => ('»', TokClass::Quoted),
            '(' => (')', TokClass::Paren),
            _ => (' ', TokClass::Word),
        };
        if class != TokClass::Word {
            let body = start + c.len_utf8();
            let mut limit = (body + 200).min(end);
            while !text.is_char_boundary(limit) {
                limit -= 1;
            }
            if let Some(off) = text[body..limit].find(close) {
                *i = body + off + close.len_utf8();
                return Some(Token {
                    range: start..*i,
                    class,
                });
            }
            *i = body;
            return Some(Token {
                range: start..body,
                class: TokClass::Punct,
            });
        }
        if !c.is_alphanumeric() {
            *i = start + c.len_utf8();
            return Some(Token {
                range: start..*i,
                class: TokClass::Punct,
            });
        }
        // A word: letters, digits and inner punctuation ("Twentieth-Century", "0-19-505580-2",
        // "Stalin's", "N.G."), with trailing punctuation kept for boundary checks.
        let mut j = start;
        while j < end {
            let b = bytes[j];
            if b < 0x80 {
                if b.is_ascii_alphanumeric() || matches!(b, b'\'' | b'-' | b'.' | b'/') {
                    j += 1;
                    continue;
                }
                break;
            }
            let d = text[j..].chars().next().unwrap_or(' ');
            if d.is_alphanumeric() || matches!(d, '’' | '–') {
                j += d.len_utf8();
            } else {
                break;
            }
        }
        // Keep a trailing comma/colon/semicolon attached so boundaries can be seen.
        if j < end && matches!(bytes[j], b',' | b':' | b';') {
            j += 1;
        }
        *i = j;
        // The word starts with an alphanumeric `c`: a number when that is a digit. Trailing
        // punctuation kept on it must not extend a reference's end past what it covers.
        let (class, trailing): (TokClass, &[u8]) = if c.is_ascii_digit() {
            (TokClass::Number, b",:;.")
        } else {
            (TokClass::Word, b",:;")
        };
        let mut stop = j;
        while stop > start && trailing.contains(&bytes[stop - 1]) {
            stop -= 1;
        }
        return Some(Token {
            range: start..stop,
            class,
        });
    }
    None
}

/// Ranges, asked whether any contains a position. Positions are asked in increasing order
/// (anchors and glue points are found left to right), so a heap of starts and the furthest
/// end among the ranges begun so far answer each in logarithmic time: a one-paragraph file
/// can hold a hundred thousand references. An out-of-order question is answered by a scan.
#[derive(Default)]
struct Covered {
    by_start: std::collections::BinaryHeap<std::cmp::Reverse<(usize, usize)>>,
    all: Vec<Range<usize>>,
    furthest_end: usize,
    last_asked: usize,
}

impl Covered {
    fn add(&mut self, r: Range<usize>) {
        self.by_start.push(std::cmp::Reverse((r.start, r.end)));
        self.all.push(r);
    }

    fn covers(&mut self, at: usize) -> bool {
        if at < self.last_asked {
            return self.all.iter().any(|r| r.contains(&at));
        }
        self.last_asked = at;
        while let Some(&std::cmp::Reverse((start, end))) = self.by_start.peek() {
            if start > at {
                break;
            }
            self.furthest_end = self.furthest_end.max(end);
            self.by_start.pop();
        }
        // A range begun at or before `at` that ends after it contains it.
        self.furthest_end > at
    }
}

/// Sort, and drop citations nested inside others (a marker inside a glued reference).
fn normalise(mut found: Vec<Citation>) -> Vec<Citation> {
    found.sort_by(|a, b| {
        a.range
            .start
            .cmp(&b.range.start)
            .then(b.range.end.cmp(&a.range.end))
    });
    // In place: `dedup_by` compares each with the last one kept, as a copy kept in order would.
    found.dedup_by(|c, last| c.range.start < last.range.end);
    found
}

/// `normalise` by copying the kept ones out: its oracle.
#[cfg(test)]
fn normalise_copied(mut found: Vec<Citation>) -> Vec<Citation> {
    found.sort_by(|a, b| {
        a.range
            .start
            .cmp(&b.range.start)
            .then(b.range.end.cmp(&a.range.end))
    });
    let mut out: Vec<Citation> = Vec::with_capacity(found.len());
    for c in found {
        if out
            .last()
            .is_some_and(|last| c.range.start < last.range.end)
        {
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The eager tokenizer `Tokens` replaced, kept as the oracle it must agree with.
    fn tokenize(text: &str, start: usize, end: usize) -> Vec<Token> {
        const MAX_TOKENS: usize = 120;
        let mut out = Vec::new();
        let mut i = start;
        let bytes = text.as_bytes();
        while i < end && out.len() < MAX_TOKENS {
            let c = text[i..].chars().next().unwrap_or(' ');
            if c.is_whitespace() {
                i += c.len_utf8();
                continue;
            }
            let (close, class) = match c {
                '"' => ('"', TokClass::Quoted),
                '“' => ('”', TokClass::Quoted),
                '«' => ('»', TokClass::Quoted),
                '(' => (')', TokClass::Paren),
                _ => (' ', TokClass::Word),
            };
            if class != TokClass::Word {
                let body = i + c.len_utf8();
                let limit = (body + 200).min(end);
                let mut limit = limit;
                while !text.is_char_boundary(limit) {
                    limit -= 1;
                }
                if let Some(off) = text[body..limit].find(close) {
                    let stop = body + off + close.len_utf8();
                    out.push(Token {
                        range: i..stop,
                        class,
                    });
                    i = stop;
                    continue;
                }
                out.push(Token {
                    range: i..body,
                    class: TokClass::Punct,
                });
                i = body;
                continue;
            }
            if !c.is_alphanumeric() {
                let len = c.len_utf8();
                out.push(Token {
                    range: i..i + len,
                    class: TokClass::Punct,
                });
                i += len;
                continue;
            }
            // A word: letters, digits and inner punctuation ("Twentieth-Century", "0-19-505580-2",
            // "Stalin's", "N.G."), with trailing punctuation kept for boundary checks.
            let mut j = i;
            while j < end {
                let d = text[j..].chars().next().unwrap_or(' ');
                if d.is_alphanumeric() || matches!(d, '\'' | '’' | '-' | '–' | '.' | '/') {
                    j += d.len_utf8();
                } else {
                    break;
                }
            }
            // Keep a trailing comma/colon/semicolon attached so boundaries can be seen.
            if j < end && matches!(bytes[j], b',' | b':' | b';') {
                j += 1;
            }
            let word = &text[i..j];
            let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
            let class = if bare.starts_with(|c: char| c.is_ascii_digit()) {
                TokClass::Number
            } else {
                TokClass::Word
            };
            out.push(Token { range: i..j, class });
            i = j.max(i + 1);
            while !text.is_char_boundary(i) {
                i += 1;
            }
        }
        // Trailing punctuation kept on words must not extend a reference's end past what it covers.
        for tok in &mut out {
            if matches!(tok.class, TokClass::Word | TokClass::Number) {
                let w = &text[tok.range.clone()];
                let trimmed = if tok.class == TokClass::Number {
                    w.trim_end_matches([',', ':', ';', '.'])
                } else {
                    w.trim_end_matches([',', ':', ';'])
                };
                tok.range.end = tok.range.start + trimmed.len();
            }
        }
        out
    }

    /// A seeded generator of numbers below `n` (a linear congruential one): reproducible tests.
    use crate::extract::test_random::below as random_below;

    /// The byte-by-byte `unclosed_paren_close` it replaced: the oracle.
    /// If `at` lies inside a parenthesis opened earlier in the block, where that parenthesis closes.
    fn unclosed_paren_close_bytewise(
        text: &str,
        floor: usize,
        at: usize,
        end: usize,
    ) -> Option<usize> {
        let lookback = floor.max(at.saturating_sub(400));
        let mut lo = lookback;
        while !text.is_char_boundary(lo) {
            lo += 1;
        }
        let mut depth = 0i32;
        for b in text[lo..at].bytes() {
            match b {
                b'(' => depth += 1,
                b')' => depth = (depth - 1).max(0),
                _ => {}
            }
        }
        if depth == 0 {
            return None;
        }
        let mut d = depth;
        for (i, b) in text[at..end].bytes().enumerate() {
            match b {
                b'(' => d += 1,
                b')' => {
                    d -= 1;
                    if d < depth {
                        return Some(at + i);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// `unclosed_paren_close` reads only the parentheses, as the byte scan read everything.
    #[test]
    fn unclosed_paren_close_agrees_with_the_bytewise_scan() {
        const PIECES: &[&str] = &["(", ")", "a", " ", "é", "((", "))", "x y", "“", "1990"];
        let mut next = random_below(5);
        for _ in 0..20_000 {
            let text: String = (0..next(60)).map(|_| PIECES[next(PIECES.len())]).collect();
            let bounds: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            let mut pick = || bounds[next(bounds.len())];
            let mut v = [pick(), pick(), pick()];
            v.sort_unstable();
            let [floor, at, end] = v;
            assert_eq!(
                unclosed_paren_close(&text, floor, at, end),
                unclosed_paren_close_bytewise(&text, floor, at, end),
                "{text:?} {floor} {at} {end}"
            );
        }
        // The 400-byte look-back: an opening parenthesis further back is not seen.
        let text = format!("({}) x ({} y) z", "a".repeat(500), "b".repeat(10));
        for at in [3, 450, 505, 510, 512] {
            assert_eq!(
                unclosed_paren_close(&text, 0, at, text.len()),
                unclosed_paren_close_bytewise(&text, 0, at, text.len())
            );
        }
    }

    /// Every pattern of eight flags packs to its bits, in each quarter of the mask.
    #[test]
    fn pack_flags_is_the_bit_mask() {
        for bits in 0u32..256 {
            for c in 0..4 {
                let mut flags = [0u8; 32];
                for j in 0..8 {
                    flags[8 * c + j] = u8::from(bits >> j & 1 == 1);
                }
                assert_eq!(pack_flags(&flags), bits << (8 * c), "{bits:08b} {c}");
            }
        }
        let mut next = random_below(3);
        for _ in 0..10_000 {
            let flags: [u8; 32] = std::array::from_fn(|_| u8::from(next(2) == 1));
            let want = (0..32).fold(0u32, |m, j| m | u32::from(flags[j]) << j);
            assert_eq!(pack_flags(&flags), want);
        }
    }

    /// `starts_with_author` reads ASCII bytes as the character scan reads characters.
    #[test]
    fn starts_with_author_table() {
        for (line, want) in [
            ("", false),
            ("L", false),
            ("Littlepage, John", true),
            ("Siegelbaum and Sokolov.", true),
            ("Getty & Naumov,", true),
            ("O'Brien-Smith, A.", true),
            ("However as", false),
            ("littlepage, John", false),
            ("Émile, Zola", true),
            ("Dvořák, Antonín", true),
            ("Smith’s, x", true),
            ("Smith, ", true),
            ("Smith,", false),
            ("Smith1, x", false),
            ("ÉMILE and X", true),
            ("éMILE, x", false),
            ("Ωmega, x", true),
            ("Smith\u{a0}and x", false),
        ] {
            assert_eq!(starts_with_author(line), want, "{line:?}");
            assert_eq!(starts_with_author_chars(line), want, "{line:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// `starts_with_author` agrees with the character scan on arbitrary lines.
        #[test]
        fn prop_starts_with_author_agrees(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    "\\PC{0,3}",
                    "[A-Za-z'’ÉéΩ&,-]{1,6}",
                    proptest::strategy::Strategy::prop_map(
                        proptest::sample::select(vec![", ", " and ", " & ", "Smith", "Ö"]),
                        str::to_string
                    ),
                ],
                0..8,
            )
        ) {
            let line = pieces.concat();
            proptest::prop_assert_eq!(starts_with_author(&line), starts_with_author_chars(&line));
        }
    }

    /// `normalise` in place keeps what the copying one did: nested, overlapping, equal and
    /// touching ranges in any order.
    #[test]
    fn normalise_agrees_with_the_copy() {
        let mut next = random_below(17);
        for _ in 0..20_000 {
            let found: Vec<Citation> = (0..next(9))
                .map(|k| {
                    let start = next(20);
                    Citation {
                        range: start..start + next(8),
                        kind: if k % 2 == 0 {
                            CitationKind::Marker
                        } else {
                            CitationKind::InlineReference
                        },
                        resumes_at: OptIdx::NONE,
                    }
                })
                .collect();
            assert_eq!(
                normalise(found.clone()),
                normalise_copied(found.clone()),
                "{found:?}"
            );
        }
    }

    /// Patterns opening with two or three different bytes are searched anchored at each
    /// (`memchr2`, `memchr3`) and find what a scan does.
    #[test]
    fn multi_start_delimited_equal_a_scan() {
        for source in [
            r#"markers = ['\[\d\]', '\(\d\)']"#,
            r#"markers = ['\[\d\]', '\(\d\)', '\{\d\}']"#,
        ] {
            let lex: CitationLexicon = toml::from_str(source).unwrap();
            let d = Delimited::new(&lex.markers).unwrap().unwrap();
            let Delimited::Anchored { starts, .. } = &d else {
                panic!("{source} should be searched anchored");
            };
            assert_ne!(starts[0], starts[2]);
            let scan = compile_alternation(&lex.markers).unwrap().unwrap();
            let pieces = [
                "[1]", "(2)", "{3}", "[", "(", "{", "x", "([4])", "{{5}}", "é",
            ];
            let mut next = random_below(13);
            for _ in 0..2000 {
                let text: String = (0..next(12)).map(|_| pieces[next(pieces.len())]).collect();
                let mut got = Vec::new();
                d.for_each_match(&text, |m| got.push(m));
                let want: Vec<Range<usize>> = scan.find_iter(&text).map(|m| m.range()).collect();
                assert_eq!(got, want, "{text:?}");
            }
        }
    }

    /// `for_each_pair_packed` visits what a byte-by-byte scan finds, at every length (the
    /// stretches and the tail).
    #[test]
    fn for_each_pair_packed_agrees_with_a_byte_scan() {
        let mut next = random_below(9);
        let pred = |prev: u8, b: u8| b.is_ascii_uppercase() & (prev != b' ');
        for _ in 0..5_000 {
            let len = next(140);
            let bytes: Vec<u8> = (0..len).map(|_| b"aA b"[next(4)]).collect();
            let mut got = Vec::new();
            for_each_pair_packed(&bytes, pred, |i| got.push(i));
            let want: Vec<usize> = (1..len).filter(|&i| pred(bytes[i - 1], bytes[i])).collect();
            assert_eq!(got, want, "{bytes:?}");
        }
    }

    /// The pair tests `for_each_pair` replaced: the glue test, and the glue-or-strong one.
    fn glue_pair(prev: u8, b: u8) -> bool {
        may_start_glue(b) & (prev != b' ')
    }

    fn strong_pair(prev: u8, b: u8) -> bool {
        let l = b | 0x20;
        ((l == b'p') | (l == b'v') | (l == b'u') | b.is_ascii_uppercase())
            & ((prev | 0x20).wrapping_sub(b'a') >= 26)
            | ((prev == b'I') & (b == b'S'))
    }

    /// `for_each_pair` visits what the packed scan does with the old tests, with the bits of
    /// each, at every length.
    fn assert_pairs_agree(bytes: &[u8]) {
        for strong in [false, true] {
            let mut got = Vec::new();
            let mut push = |i, g, s| got.push((i, g, s));
            if strong {
                for_each_pair::<true>(bytes, &mut push);
            } else {
                for_each_pair::<false>(bytes, &mut push);
            }
            let mut want = Vec::new();
            for_each_pair_packed(
                bytes,
                |p, b| glue_pair(p, b) | strong & strong_pair(p, b),
                |i| {
                    let (p, b) = (bytes[i - 1], bytes[i]);
                    want.push((i, glue_pair(p, b), strong & strong_pair(p, b)));
                },
            );
            assert_eq!(got, want, "{bytes:?} {strong}");
        }
    }

    #[test]
    fn pairs_agree_with_the_packed_scan() {
        for t in [
            "",
            "a",
            "aB",
            " B",
            "IS",
            "ISBN 12",
            "x.Page 4, vol. 3 uU pP vV (p. 5) \"Quote\"É,Ü",
            "Ünïcode “quoted” text,Pages 200–202 in Vol. 2 of the U.S. Press",
        ] {
            assert_pairs_agree(t.as_bytes());
        }
        let mut next = random_below(11);
        let alphabet: &[u8] = b"aApPvVuUISB \"_0.\xC3\x80\x9C\xE2\xFF\n";
        for _ in 0..5_000 {
            let len = next(140);
            let bytes: Vec<u8> = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            assert_pairs_agree(&bytes);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// `for_each_pair` visits what the packed scan does, on arbitrary text (ASCII pieces
        /// that open glue points and strong starts, and any characters).
        #[test]
        fn prop_pairs_agree_with_the_packed_scan(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    "\\PC{0,4}",
                    "[aApPvVuUISB \"._0-9ÀÉü“]{1,6}",
                ],
                0..40,
            )
        ) {
            assert_pairs_agree(pieces.concat().as_bytes());
        }
    }

    /// Every pair of bytes, in every lane: the SIMD bits are the byte tests'.
    #[test]
    fn pair_bits_agree_with_the_byte_tests() {
        for p in 0..=255u8 {
            for base in (0..=255u8).step_by(32) {
                let cur: [u8; 32] = std::array::from_fn(|j| base.wrapping_add(j as u8));
                let prev = [p; 32];
                assert_eq!(
                    pair_bits::<true>(&prev, &cur),
                    pair_bits_bytewise::<true>(&prev, &cur)
                );
                assert_eq!(
                    pair_bits::<false>(&prev, &cur),
                    pair_bits_bytewise::<false>(&prev, &cur)
                );
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: AVX2 was detected.
                    let (avx_strong, avx_glue) = unsafe {
                        (
                            pair_bits_avx2::<true>(&prev, &cur),
                            pair_bits_avx2::<false>(&prev, &cur),
                        )
                    };
                    assert_eq!(avx_strong, pair_bits_bytewise::<true>(&prev, &cur));
                    assert_eq!(avx_glue, pair_bits_bytewise::<false>(&prev, &cur));
                }
                let (g, s) = pair_bits_bytewise::<true>(&prev, &cur);
                for (j, &b) in cur.iter().enumerate() {
                    assert_eq!(g >> j & 1 != 0, glue_pair(p, b));
                    assert_eq!(s >> j & 1 != 0, strong_pair(p, b));
                }
            }
        }
    }

    /// `Covered` answers as a scan of its ranges, asked in order or not, with ranges added
    /// between questions (as references are found).
    #[test]
    fn covered_matches_a_scan() {
        let mut next = random_below(7);
        for _ in 0..200 {
            let mut covered = Covered::default();
            let mut ranges: Vec<Range<usize>> = Vec::new();
            let mut at = 0;
            for _ in 0..40 {
                if next(3) == 0 {
                    let start = next(120);
                    let r = start..start + next(15);
                    covered.add(r.clone());
                    ranges.push(r);
                }
                // Mostly forward, sometimes back.
                at = if next(8) == 0 {
                    next(120)
                } else {
                    at + next(6)
                };
                let scan = ranges.iter().any(|r| r.contains(&at));
                assert_eq!(covered.covers(at), scan, "{at} in {ranges:?}");
            }
        }
    }

    #[test]
    fn punctuation_starts_table() {
        let cases: &[(&str, Option<[u8; 3]>)] = &[
            (r"\[\d+\]", Some([b'[', b'[', b'['])),
            (r"(?:\[a\])|(?:\(b\))", Some([b'[', b'(', b'('])),
            (r"(?-u:\b)\(\d{4}\)", Some([b'(', b'(', b'('])),
            (r"\[x|\(y|\{z", Some([b'[', b'(', b'{'])),
            // A fourth byte, a letter, a class or an empty match: scanned as before.
            (r"\[x|\(y|\{z|<w", None),
            (r"(?-u:\b)https?://\S+", None),
            (r"[A-Z][a-z]+ \(\d{4}\)", None),
            (r"\[?\d+\]", None),
            (r"x*", None),
            (r"(", None),
        ];
        for (pattern, want) in cases {
            assert_eq!(punctuation_starts(pattern), *want, "{pattern}");
        }
    }

    /// The hand reading of the markers (`embedded_marker_end`) against their lazy DFA (the
    /// search it replaced, kept as its oracle) at every start where it tells.
    fn assert_marker_reading_agrees(text: &str) -> usize {
        static RE: std::sync::OnceLock<ForwardOnly> = std::sync::OnceLock::new();
        let re = RE.get_or_init(|| {
            let source = crate::extract::lexicon_regex::alternation_source(
                &CitationLexicon::embedded().markers,
            );
            ForwardOnly::new(&source).unwrap()
        });
        assert!(re.by_hand.is_none());
        let mut told = 0;
        for p in (0..=text.len()).filter(|&p| text.is_char_boundary(p)) {
            if let Ok(end) = embedded_marker_end(text.as_bytes(), p) {
                assert_eq!(end, re.match_end(text, p), "{text:?} at {p}");
                told += usize::from(end.is_some());
            }
        }
        told
    }

    #[test]
    fn marker_reading_agrees_with_the_search() {
        let mut told = 0;
        for text in [
            "",
            "[",
            "[]",
            "[1]",
            "[12]",
            "[123]",
            "[1234]",
            "[1,2]",
            "[1-3]",
            "[1–3]",
            "[1,]",
            "[1,2,3,444]",
            "[1,2,3,4444]",
            "[1 ]",
            "[a]",
            "[ab]",
            "[z]",
            "[A]",
            "[n]",
            "[note 1]",
            "[note 12]",
            "[note 1234]",
            "[note]",
            "[note x]",
            "[n 1]",
            "[n 12]",
            "[n  1]",
            "[n1]",
            "[^1]",
            "[^]",
            "[^ ]",
            "[^a b]",
            "[^note]",
            "[^ü]",
            "[^a]]",
            "[٣]",
            "[1٣]",
            "[ü]",
            "[1–٣]",
            "[note ٣]",
            "[^\u{3000}]",
            "[^aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]",
            "[^aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]",
            "[^aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]",
            "[[1]]",
            "x[1]y[a][^b]",
            "[1\n]",
            "[^a\tb]",
            "[source]",
            "[1-2-3]",
            "[-1]",
        ] {
            told += assert_marker_reading_agrees(text);
        }
        assert!(told > 20, "{told}");
    }

    proptest::proptest! {
        #[test]
        fn prop_marker_reading_agrees_with_the_search(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    "\\PC{0,3}",
                    "[\\[\\]^0-9a-z ,–٣ü-]{1,6}",
                    proptest::strategy::Strategy::prop_map(
                        proptest::sample::select(vec![
                            "[", "]", "[^", "note ", "n ", "[1]", "[note 3]", "[^x]", "1,2", "[a]",
                        ]),
                        str::to_string
                    ),
                ],
                0..16,
            )
        ) {
            assert_marker_reading_agrees(&pieces.concat());
        }
    }

    /// The URL kind searched near each '/' (`Delimited::Slashed`) against `find_iter` of the
    /// alternation (the unanchored scan it replaced, kept as its oracle).
    /// Also each hand reading of a match (`embedded_url_end`) against the anchored search, and
    /// the kind of a part of the patterns (searched without the hand reading).
    fn assert_slashed_equals_a_scan(text: &str) {
        static KINDS: std::sync::OnceLock<Vec<(Delimited, Regex)>> = std::sync::OnceLock::new();
        let kinds = KINDS.get_or_init(|| {
            let lex = CitationLexicon::embedded();
            [
                lex.urls.clone(),
                lex.urls[..1].to_vec(),
                lex.urls[1..].to_vec(),
            ]
            .iter()
            .enumerate()
            .map(|(k, list)| {
                let d = Delimited::new(list).unwrap().unwrap();
                assert!(matches!(d, Delimited::Slashed { by_hand, .. } if by_hand == (k == 0)));
                (d, compile_alternation(list).unwrap().unwrap())
            })
            .collect()
        });
        for (d, scan) in kinds {
            let mut got = Vec::new();
            d.for_each_match(text, |m| got.push(m));
            let want: Vec<Range<usize>> = scan.find_iter(text).map(|m| m.range()).collect();
            assert_eq!(got, want, "{text:?}");
        }
        let Delimited::Slashed { re, .. } = &kinds[0].0 else {
            unreachable!()
        };
        let bytes = text.as_bytes();
        for p in (0..text.len()).filter(|&p| url_may_start(bytes, p)) {
            if let Ok(end) = embedded_url_end(bytes, p) {
                assert_eq!(end, re.match_end(text, p), "{text:?} at {p}");
            }
        }
    }

    #[test]
    fn slashed_matches_equal_a_scan() {
        for text in [
            "",
            "/",
            "http://",
            "see https://example.org/x and doi:10.1234/abc or 10.12345/xyz.",
            "http://a/b doi: 10.1234/5 10.1234/a",
            "xhttp://a/b _10.1234/5 a10.1234/a 910.1234/x",
            "(https://a.org/(x)) [http://b/c] <http://c/d>",
            "and/or 1/2 http:/x https:/ doi:10.123/x 10.1234567890/x",
            "10.1234/10.5678/x http://a//b//c https://https://x/y",
            // The furthest first '/': a 3-byte space and nine 4-byte digits.
            "doi:\u{3000}10.𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗/x",
            "a doi:\u{3000}10.𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗/x doi:\u{85}10.٣٣٣٣٣٣٣٣٣/y",
            "10.𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗/x 10.𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟗/x doi:  10.1234/x",
            "ühttp://a/b é10.1234/5 —http://x/y\nhttp://z/w",
            "http://a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z/a/b/c/d/e/f/g/h/i/j/k",
        ] {
            assert_slashed_equals_a_scan(text);
        }
        let lex = CitationLexicon::embedded();
        let scan = compile_alternation(&lex.urls).unwrap().unwrap();
        assert!(scan.is_match("doi:\u{3000}10.𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗/x"));
        // Read by hand: most URLs.
        let text = "see http://a.org/b, doi:10.1234/x and 10.1234/y.";
        let bytes = text.as_bytes();
        let told = (0..text.len())
            .filter(|&p| url_may_start(bytes, p) && embedded_url_end(bytes, p).is_ok())
            .count();
        // (The "10." of the DOI too.)
        assert_eq!(told, 4);
        // A user's URL pattern is scanned.
        let mut lex = CitationLexicon::embedded();
        lex.urls
            .push(Spanned::new(0..0, r"(?-u:\b)urn:isbn:\d+".to_string()));
        assert!(matches!(
            Delimited::new(&lex.urls).unwrap().unwrap(),
            Delimited::Scan(_)
        ));
    }

    proptest::proptest! {
        #[test]
        fn prop_slashed_matches_equal_a_scan(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    "\\PC{0,4}",
                    "[/:. 0-9a-z_٣𝟏\u{3000}\u{85}–-]{1,8}",
                    proptest::strategy::Strategy::prop_map(
                        proptest::sample::select(vec![
                            "http", "https", "://", "doi:", "doi: ", "10.", "1234", "/", "x/",
                            "http://a.b/c", "doi:10.1234/x", "10.12345/y", "𝟏𝟐𝟑𝟒", "\u{3000}",
                            "(", ")", "]", "<", " ", "\n", "ü",
                        ]),
                        str::to_string
                    ),
                ],
                0..24,
            )
        ) {
            assert_slashed_equals_a_scan(&pieces.concat());
        }
    }

    /// Anchored searches at each opening byte find exactly what an unanchored scan finds, for
    /// every embedded delimited kind, on texts made of citation-like pieces.
    /// `ForwardOnly::match_end` by its PikeVM alone.
    fn pikevm_match_end(re: &ForwardOnly, text: &str, start: usize) -> Option<usize> {
        let input = regex_automata::Input::new(text)
            .range(start..)
            .anchored(regex_automata::Anchored::Yes);
        let mut cache = re.pikevm.create_cache();
        let mut slots = [None, None];
        re.pikevm
            .search_slots(&mut cache, &input, &mut slots)
            .and(slots[1])
            .map(|end| end.get())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// Delimited citations searched forwards at each '[' or '(' are those a scan finds,
        /// on arbitrary text around citation pieces.
        #[test]
        fn prop_anchored_matches_equal_a_scan(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    "\\PC{0,4}",
                    "[\\[\\]()@^;,.:& 0-9a-zA-ZÀÉü٣–-]{1,6}",
                    proptest::strategy::Strategy::prop_map(
                        proptest::sample::select(vec![
                            "[1]", "[^note]", "[Smith 1999, p. 4]", "(Smith, 1999)", "(ibid.)",
                            "[@key; p. 3]", "(see Brown et al., 2004; also x)", "[cf. @key]",
                            "(Émile 2001)", "[Ünal 2010]", "(op. cit., p. 3)", "[note 4]",
                        ]),
                        str::to_string
                    ),
                ],
                0..16,
            )
        ) {
            static KINDS: std::sync::OnceLock<Vec<(Delimited, Regex)>> =
                std::sync::OnceLock::new();
            let kinds = KINDS.get_or_init(|| {
                let lex = CitationLexicon::embedded();
                [&lex.markers, &lex.bracketed, &lex.parenthetical]
                    .into_iter()
                    .map(|list| {
                        (
                            Delimited::new(list).unwrap().unwrap(),
                            compile_alternation(list).unwrap().unwrap(),
                        )
                    })
                    .collect()
            });
            let text: String = pieces.concat();
            for (d, scan) in kinds {
                let mut got = Vec::new();
                d.for_each_match(&text, |m| got.push(m));
                let want: Vec<Range<usize>> = scan.find_iter(&text).map(|m| m.range()).collect();
                proptest::prop_assert_eq!(got, want, "{:?}", text);
            }
        }
    }

    #[test]
    fn anchored_matches_equal_a_scan() {
        let lex = CitationLexicon::embedded();
        let pieces = [
            "[1]",
            "[12–14]",
            "[a]",
            "[^note]",
            "[Smith 1999, p. 4]",
            "[see Smith and Jones 2001]",
            "(Smith, 1999)",
            "(Smith and Jones 2001, pp. 4–5)",
            "(ibid.)",
            "(op. cit., p. 3)",
            "(see Brown et al., 2004; also ",
            "[",
            "(",
            ")",
            "]",
            "((",
            "[[1]]",
            "(1999)",
            "Smith (1999)",
            " ",
            "text ",
            "ü ",
            "— ",
            "[citation needed]",
            "(Ünal, 2010)",
            "(Smith, 19",
            "[@key; p. 3]",
            "\n",
            "((Smith, 1999))",
            "[Smith",
            "[^a[1]]",
            "[@a; [@b]]",
            "[s]",
            "[see Smith]",
            "[cf. Jones 2001]",
            "[cf. @key]",
            "[٣]",
            "[Ünal 2010]",
            "[Émile]",
            "[n 3]",
            "[note 4]",
            "[x]",
            "[ ",
            "[.",
            "[_]",
            "(e.g. Smith 1999)",
            "(cf. Jones, 2001)",
            "(http://x)",
            "([1])",
            "(Émile 2001)",
            "(op. cit.)",
            "(ibid, p. 4)",
            "(e.",
        ];
        let mut next = random_below(11);
        let mut anchored_kinds = 0;
        for list in [&lex.markers, &lex.bracketed, &lex.parenthetical] {
            let Some(d) = Delimited::new(list).unwrap() else {
                continue;
            };
            let Delimited::Anchored { .. } = d else {
                panic!("{list:?} should be searched anchored");
            };
            anchored_kinds += 1;
            let scan = compile_alternation(list).unwrap().unwrap();
            for _ in 0..3000 {
                let text: String = (0..next(12)).map(|_| pieces[next(pieces.len())]).collect();
                let mut got = Vec::new();
                d.for_each_match(&text, |m| got.push(m));
                let want: Vec<Range<usize>> = scan.find_iter(&text).map(|m| m.range()).collect();
                assert_eq!(got, want, "{text:?}");
            }
        }
        assert_eq!(anchored_kinds, 3);
        // The PikeVM (where the lazy DFA gives up) finds the same ends as the lazy DFA.
        for list in [&lex.markers, &lex.bracketed, &lex.parenthetical] {
            let source = crate::extract::lexicon_regex::alternation_source(list);
            let re = ForwardOnly::new(&source).unwrap();
            for _ in 0..1000 {
                let text: String = (0..next(12)).map(|_| pieces[next(pieces.len())]).collect();
                for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                    assert_eq!(
                        re.match_end(&text, start),
                        pikevm_match_end(&re, &text, start),
                        "{text:?} {start}"
                    );
                }
            }
        }
        let as_strs = |l: &[Spanned<String>]| -> Vec<String> {
            l.iter().map(|p| p.get_ref().clone()).collect()
        };
        assert_eq!(as_strs(&lex.markers), MARKERS);
        assert_eq!(as_strs(&lex.bracketed), BRACKETED);
        assert!(second_byte_filter(&lex.markers).is_some());
        assert!(second_byte_filter(&lex.bracketed).is_some());
        assert_eq!(as_strs(&lex.parenthetical), PARENTHETICAL);
        assert!(second_byte_filter(&lex.parenthetical).is_some());
        assert!(second_byte_filter(&lex.narrative).is_none());
    }

    /// The byte-by-byte `glue_points` the chunked scan replaced, kept as its oracle.
    fn glue_points_bytewise(text: &str, block: Range<usize>) -> Vec<Glue> {
        let slice = &text[block.clone()];
        let bytes = slice.as_bytes();
        let mut out = Vec::new();
        for i in 1..bytes.len() {
            // Fast path on bytes: a glue point is an upper-case letter or an opening quote right
            // after a non-space character. Anything else (almost every byte) is skipped unread.
            let b = bytes[i];
            if !(b.is_ascii_uppercase() || b == b'"' || b >= 0xC0)
                || bytes[i - 1].is_ascii_whitespace()
            {
                continue;
            }
            let Some(c) = slice[i..].chars().next() else {
                continue;
            };
            if !(c.is_uppercase() || c == '"' || c == '“') {
                continue;
            }
            let Some(p) = slice[..i].chars().next_back() else {
                continue;
            };
            let at = block.start + i;
            let before_p = &slice[..i - p.len_utf8()];
            match p {
                '.' | '!' | '?' if word_len_before(before_p) >= 2 => {
                    let before = before_p.chars().next_back();
                    if before.is_some_and(|b| b.is_lowercase() || b == ')' || b == '"' || b == '”')
                    {
                        out.push(Glue {
                            at,
                            kind: GlueKind::Period,
                        });
                    }
                }
                ',' if c.is_uppercase() && word_len_before(before_p) >= 2 => out.push(Glue {
                    at,
                    kind: GlueKind::Comma,
                }),
                '"' | '”'
                    if c.is_uppercase()
                        && before_p
                            .chars()
                            .next_back()
                            .is_some_and(|b| b.is_alphanumeric() || b == '.') =>
                {
                    out.push(Glue {
                        at,
                        kind: GlueKind::Quote,
                    })
                }
                _ if p.is_lowercase() && c.is_uppercase() => {
                    // "professionalsPages": a lower-case run of three or more in a word of four or
                    // more, so that "McDonald" and "iPhone" are left alone.
                    let word = &slice[..i];
                    let lower_run = word.chars().rev().take_while(|c| c.is_lowercase()).count();
                    if lower_run >= 3 && word_len_before(word) >= 4 {
                        out.push(Glue {
                            at,
                            kind: GlueKind::Camel,
                        })
                    }
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn glue_points_agree_with_the_bytewise_scan() {
        let mut next = random_below(29);
        let glued = [
            "police.Night of Ash",
            "duress,Page 121",
            "engineersPages 250",
            "the \"Great Terror\"By Ann",
            "McDonald",
            "word“Quote",
        ];
        for text in glued {
            let want = glue_points_bytewise(text, 0..text.len());
            assert_eq!(glue_points(text, 0..text.len()), want, "{text:?}");
        }
        assert!(!glue_points(glued[0], 0..glued[0].len()).is_empty());
        for _ in 0..20_000 {
            // Long enough to span several stretches; glued words are common among the pieces.
            let text = random_text(&mut next, 120);
            let block = crate::extract::test_random::char_range(&text, &mut next);
            assert_eq!(
                glue_points(&text, block.clone()),
                glue_points_bytewise(&text, block.clone()),
                "{text:?} {block:?}"
            );
        }
    }

    #[test]
    fn has_ascii_digit_table() {
        let long = "x".repeat(100);
        for (text, want) in [
            ("", false),
            ("abc", false),
            ("a9", true),
            ("٣", false),
            (&*format!("{long}0"), true),
            (&*format!("0{long}"), true),
            (&*long, false),
        ] {
            assert_eq!(has_ascii_digit(text.as_bytes()), want, "{text:?}");
        }
    }

    fn matcher() -> CitationMatcher {
        CitationMatcher::new(&CitationLexicon::embedded()).unwrap()
    }

    /// The word scan `prose_ratio` replaced, kept as the oracle it must agree with.
    fn prose_ratio_by_split(m: &CitationMatcher, text: &str) -> f64 {
        let mut words = 0usize;
        let mut prose = 0usize;
        for w in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | ')'))
        {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            if w.is_empty() {
                continue;
            }
            words += 1;
            let first = w.chars().next().unwrap_or(' ');
            if first.is_lowercase() {
                let lower = w.trim_end_matches('.');
                if !m.connectors.contains(lower) && !m.reference_words.contains(lower) {
                    prose += 1;
                }
            }
        }
        if words == 0 {
            return 1.0;
        }
        prose as f64 / words as f64
    }

    /// Pieces that exercise word edges: separators of every kind (Unicode whitespace too),
    /// punctuation around and inside words, reference vocabulary, non-ASCII letters and digits.
    const EDGE_PIECES: &[&str] = &[
        " ",
        "\t",
        "\n",
        "\u{0b}",
        "\u{0c}",
        "\r",
        "\u{85}",
        "\u{a0}",
        "\u{2003}",
        "\u{3000}",
        ",",
        ";",
        ":",
        "(",
        ")",
        ".",
        "-",
        "'",
        "’",
        "–",
        "/",
        "\"",
        "“",
        "”",
        "«",
        "»",
        "…",
        "!",
        "?",
        "the",
        "of",
        "p",
        "pp",
        "page",
        "Page",
        "PP",
        "Ibid",
        "ISBN",
        "0195071328",
        "1938",
        "c1938",
        "trans",
        "x",
        "ab",
        "élan",
        "Élan",
        "ǅx",
        "٣",
        "Ⅻ",
        "ß",
        "über",
        "Straße",
        "and",
        "walked",
        "N.G.",
        "it's",
        "McDonald",
        "vols",
        "hardcover",
        "Hardcover",
    ];

    fn random_text(next: &mut impl FnMut(usize) -> usize, max_pieces: usize) -> String {
        (0..next(max_pieces))
            .map(|_| EDGE_PIECES[next(EDGE_PIECES.len())])
            .collect()
    }

    #[test]
    fn prose_ratio_table() {
        let m = matcher();
        let cases: &[(&str, f64)] = &[
            ("", 1.0),
            (" ,;: ", 1.0),
            ("Page 121, The Great Terror, ISBN 0195071328", 0.0),
            ("the walked", 0.5),
            ("(walked)", 1.0),
            ("...walked...", 1.0),
            ("p. 88 of the book", 0.2),
            ("élan\u{a0}Élan", 0.5),
            // A no-break space separates; a hyphen and an apostrophe do not.
            ("salt-marsh it's", 1.0),
            // Only whitespace, not every non-alphanumeric, separates words.
            ("x/y", 1.0),
        ];
        for (text, want) in cases {
            assert_eq!(m.prose_ratio(text), *want, "{text:?}");
            assert_eq!(prose_ratio_by_split(&m, text), *want, "{text:?}");
        }
    }

    /// `prose_below` answers as the ratio compared in floating point, for both thresholds.
    #[test]
    fn prose_below_agrees_with_the_ratio() {
        let m = matcher();
        let mut next = random_below(17);
        let (mut below, mut not) = (0usize, 0usize);
        let check = |text: &str, below: &mut usize, not: &mut usize| {
            let r = m.prose_ratio(text);
            for (num, den, t) in [(1, 4, 0.25), (3, 10, 0.3)] {
                let want = r < t;
                assert_eq!(m.prose_below(text, num, den), want, "{text:?} {num}/{den}");
                *if want { &mut *below } else { &mut *not } += 1;
            }
        };
        for text in [
            "",
            " ,;: ",
            "p. 88 of the book",
            "the walked",
            "Page 121, The Great Terror, ISBN 0195071328",
            "a b c walked",
            "Acme Books walked by x",
            "Acme, Books, Vol, Page, Index, Series, Press, walked, Title, Name",
            "élan\u{a0}Élan",
        ] {
            check(text, &mut below, &mut not);
        }
        for _ in 0..40_000 {
            let max = 3 + next(30);
            let text = random_text(&mut next, max);
            check(&text, &mut below, &mut not);
        }
        assert!(below > 5_000 && not > 5_000, "{below} {not}");
    }

    /// The byte-at-a-time scan `prose_counts` replaced, kept as its oracle.
    fn prose_counts_bytewise(
        m: &CitationMatcher,
        text: &str,
        num: usize,
        den: usize,
    ) -> Option<(usize, usize)> {
        let bytes = text.as_bytes();
        let mut words = 0usize;
        let mut prose = 0usize;
        // The current piece's alphanumeric stretch, first byte to past the last (empty: none yet).
        let (mut w_start, mut w_end) = (0, 0);
        let mut i = 0;
        loop {
            let (class, len) = match bytes.get(i) {
                None => (PieceByte::Separator, 0),
                Some(&b) if b < 0x80 => (PIECE_BYTES[usize::from(b)], 1),
                Some(_) => {
                    let c = text[i..].chars().next().unwrap_or(' ');
                    let class = if c.is_whitespace() {
                        PieceByte::Separator
                    } else if c.is_alphanumeric() {
                        PieceByte::Alphanumeric
                    } else {
                        PieceByte::Other
                    };
                    (class, c.len_utf8())
                }
            };
            match class {
                PieceByte::Separator => {
                    if w_end > w_start {
                        let w = &text[w_start..w_end];
                        words += 1;
                        if starts_lowercase(w) && !m.vocabulary.contains(w) {
                            prose += 1;
                            let rest = bytes.len().saturating_sub(i + len);
                            if den * prose >= num * (words + rest.div_ceil(2)) {
                                return None;
                            }
                        }
                        w_end = w_start;
                    }
                    if len == 0 {
                        break;
                    }
                }
                PieceByte::Alphanumeric => {
                    if w_end == w_start {
                        w_start = i;
                    }
                    w_end = i + len;
                }
                PieceByte::Other => {}
            }
            i += len;
        }
        Some((words, prose))
    }

    fn assert_same_prose_counts(m: &CitationMatcher, text: &str) {
        for (num, den) in [(1, 4), (3, 10), (1, 0)] {
            assert_eq!(
                m.prose_counts(text, num, den),
                prose_counts_bytewise(m, text, num, den),
                "{text:?} {num}/{den}"
            );
        }
    }

    #[test]
    fn prose_counts_agree_with_the_bytewise_scan() {
        let m = matcher();
        for text in [
            "",
            " ",
            "x",
            ",x,",
            "...walked...",
            "élan\u{a0}Élan",
            "a\u{2003}b\u{3000}c",
            "«the» “walked” — p. 3",
            "U.S. don't x/y a-b ’tis",
            "the walked and the talked of the ran",
            "٣ pages, ²5 ① Ⅻ",
        ] {
            assert_same_prose_counts(&m, text);
        }
        let mut next = random_below(19);
        for _ in 0..20_000 {
            let max = 2 + next(40);
            let text = random_text(&mut next, max);
            assert_same_prose_counts(&m, &text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// The same on arbitrary text and on words amid separators and odd characters.
        #[test]
        fn prop_prose_counts_agree_with_the_bytewise_scan(
            text in proptest::prop_oneof![
                "\\PC{0,60}",
                "([a-zA-Z0-9éÉ٣.'’-]{0,6}[ ,;:()\t\u{a0}\u{2003}/!]{0,3}){0,20}",
                "((the|of|and|p|pp|vol|walked|Page|ed)[ ,.]{1,2}){0,24}",
            ]
        ) {
            static M: std::sync::OnceLock<CitationMatcher> = std::sync::OnceLock::new();
            let m = M.get_or_init(matcher);
            for (num, den) in [(1, 4), (3, 10), (1, 0)] {
                proptest::prop_assert_eq!(
                    m.prose_counts(&text, num, den),
                    prose_counts_bytewise(m, &text, num, den),
                    "{:?} {}/{}", text, num, den
                );
            }
        }
    }

    /// The masked reading against the word-by-word scan: the same answer for both ratios
    /// asked, the same counts wherever it gives them, and `None` only where the full counts
    /// put the share at or above the ratio.
    fn assert_masked_agrees(m: &CitationMatcher, text: &str) {
        if text.len() > MASKED_MAX {
            return;
        }
        let full = m.prose_counts(text, 1, 0);
        assert_eq!(m.prose_counts_masked(text, 1, 0), full, "{text:?}");
        let (words, prose) = full.expect("no early stop for 1/0");
        for (num, den) in [(1, 4), (3, 10)] {
            assert_eq!(
                m.prose_below(text, num, den),
                m.prose_below_scanned(text, num, den),
                "{text:?} {num}/{den}"
            );
            match m.prose_counts_masked(text, num, den) {
                Some(counts) => assert_eq!(counts, (words, prose), "{text:?} {num}/{den}"),
                None => assert!(den * prose >= num * words, "{text:?} {num}/{den}"),
            }
        }
    }

    #[test]
    fn chunk_masks_agree_with_the_byte_table() {
        let mut next = random_below(31);
        let alphabet: &[u8] =
            b"\x00\x01\x08\t\n\x0b\x0c\r\x0e\x1f !'()*,-./09:;<@AZ[`az{\x7f\x80\xbf\xc3\xe2\xff";
        for round in 0..5_000 {
            let mut chunk = [0u8; 64];
            for b in chunk.iter_mut() {
                *b = if round % 2 == 0 {
                    alphabet[next(alphabet.len())]
                } else {
                    next(256) as u8
                };
            }
            assert_chunk_masks_agree(&chunk);
        }
        let all: Vec<u8> = (0..=255).collect();
        for c in all.chunks(64) {
            assert_chunk_masks_agree(c.try_into().expect("64 bytes"));
        }
    }

    /// `chunk_masks` (whichever it runs), and each of its SIMD versions the CPU can run, give
    /// the byte table's masks.
    fn assert_chunk_masks_agree(chunk: &[u8; 64]) {
        let want = chunk_masks_bytewise(chunk);
        assert_eq!(chunk_masks(chunk), want, "{chunk:?}");
        // SAFETY: SSE2 is part of every x86_64 CPU (and enabled for this build).
        assert_eq!(unsafe { chunk_masks_sse2(chunk) }, want, "{chunk:?}");
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 was detected.
            assert_eq!(unsafe { chunk_masks_avx2(chunk) }, want, "{chunk:?}");
        }
    }

    #[test]
    fn weak_prefixes_follow_the_embedded_lexicon() {
        let lex = CitationLexicon::embedded();
        assert_eq!(
            crate::extract::lexicon_regex::alternation_source(&lex.weak_anchors),
            WEAK_EMBEDDED_SOURCE
        );
        let words = [
            "Press",
            "Books",
            "Publishers",
            "Publishing",
            "Verlag",
            "Editions",
            "Educational",
            "New York",
            "London",
            "Boston",
            "Oxford",
            "Cambridge",
            "Chicago",
            "Moscow",
            "Paris",
            "Toronto",
            "Washington",
        ];
        // Every word of the source, and every one has a listed prefix.
        let source_words = WEAK_EMBEDDED_SOURCE.matches('|').count() + 1;
        assert_eq!(source_words, words.len());
        for w in words {
            assert!(WEAK_EMBEDDED_SOURCE.contains(w), "{w}");
            assert!(WEAK_WORD_PREFIXES.contains(&&w[..3]), "{w}");
        }
    }

    fn assert_weak_matches_agree(m: &CitationMatcher, text: &str) {
        let found: Vec<Range<usize>> = m.weak_matches(text).collect();
        let all: Vec<Range<usize>> = m.weak.find_iter(text).map(|x| x.range()).collect();
        assert_eq!(found, all, "{text:?}");
    }

    #[test]
    fn weak_matches_equal_find_iter() {
        let m = matcher();
        for text in [
            "",
            "Press",
            "xPress",
            "the Oxford: Press Books",
            "Oxford: Élan Publishing, 1990",
            "New York: Harcourt, Brace, c1938",
            "Pre Boo Pub Ver Edi Edu New Lon Bos Oxf Cam Chi Mos Par Tor Was",
            "Parisian Presses, Cambridge:x, Londoners, Paris: A",
            "The survey team planted grain near the river.",
        ] {
            assert_weak_matches_agree(&m, text);
        }
        let pieces = [
            " ",
            ", ",
            ": ",
            "the ",
            "Press",
            "Books",
            "Publishers",
            "Publishing",
            "Verlag",
            "Editions",
            "Educational",
            "New York",
            "London",
            "Boston",
            "Oxford",
            "Cambridge",
            "Chicago",
            "Moscow",
            "Paris",
            "Toronto",
            "Washington",
            "Pre",
            "Lon",
            "A",
            "É",
            "x",
            "_",
            "1990",
            "é",
        ];
        let mut next = random_below(37);
        for _ in 0..20_000 {
            let text: String = (0..next(24)).map(|_| pieces[next(pieces.len())]).collect();
            assert_weak_matches_agree(&m, &text);
        }
    }

    #[test]
    fn masked_prose_counts_agree_with_the_scan() {
        let m = matcher();
        let long_prose = "the survey team planted grain near the river ".repeat(12);
        let mut cases: Vec<String> = [
            "",
            " ",
            "x",
            ",x,",
            "...walked...",
            "élan\u{a0}Élan",
            "a\u{2003}b\u{3000}c",
            "«the» “walked” — p. 3",
            "U.S. don't x/y a-b ’tis",
            "the walked and the talked of the ran",
            "٣ pages, ²5 ① Ⅻ",
            "日本 語の walked",
            "walked\u{85}ran",
            "a\x01b c\x1fd e\x0bf",
            "Between the wars, the coastal survey team planted $108 million tonnes of grain [Galloway, p. 71].",
            "The Harrow Valley cooperative counted 4,120 members in 1931 (Pellow 1959, p. 34).",
            "Harbour Press, pp. 348–357.",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Words and multi-byte characters across the 64-byte mask words and at the limit.
        for pad in 0..70 {
            cases.push(format!("{}walked élan the”p. 3", "x".repeat(pad)));
            cases.push(format!("{}\u{2003}walked,ran", " ".repeat(pad)));
            cases.push(format!(
                "{}{}",
                "Page 12, ".repeat(pad / 9),
                "é".repeat(pad)
            ));
        }
        cases.push(long_prose[..MASKED_MAX].to_string());
        cases.push(format!(
            "{}{}",
            "A ".repeat(200),
            &long_prose[..MASKED_MAX - 400]
        ));
        cases.push(format!("{}walked", "P. 1, ".repeat(84)));
        for text in &cases {
            assert_masked_agrees(&m, text);
        }
        let mut next = random_below(29);
        for _ in 0..20_000 {
            let max = 2 + next(140);
            let text = random_text(&mut next, max);
            assert_masked_agrees(&m, &text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// The same on arbitrary text and on words amid separators and odd characters.
        #[test]
        fn prop_masked_prose_counts_agree_with_the_scan(
            text in proptest::prop_oneof![
                "\\PC{0,300}",
                "([a-zA-Z0-9éÉ٣.'’-]{0,8}[ ,;:()\t\u{a0}\u{2003}/!\u{1}]{0,3}){0,60}",
                "((the|of|and|p|pp|vol|walked|Page|ed|ran|grain|Press)[ ,.]{1,2}){0,90}",
            ]
        ) {
            static M: std::sync::OnceLock<CitationMatcher> = std::sync::OnceLock::new();
            assert_masked_agrees(M.get_or_init(matcher), &text);
        }
    }

    /// The ASCII reading against the word-by-word scan, for the two ratios asked and others:
    /// the same answer for every ASCII text, none for any other.
    fn assert_ascii_agrees(m: &CitationMatcher, text: &str) -> Option<bool> {
        for (num, den) in [(1, 4), (3, 10), (0, 1), (1, 1), (1, 2), (2, 3), (1, 0)] {
            let want = (text.is_ascii() && text.len() <= MASKED_MAX)
                .then(|| m.prose_below_scanned(text, num, den));
            assert_eq!(
                m.prose_below_ascii(text, num, den),
                want,
                "{text:?} {num}/{den}"
            );
        }
        m.prose_below_ascii(text, 1, 4)
    }

    /// ASCII pieces of `EDGE_PIECES` and more: runs of other bytes to carry over, words of
    /// reference vocabulary, control bytes.
    const ASCII_PIECES: &[&str] = &[
        " ",
        "\t",
        "\n",
        "\u{0b}",
        "\u{0c}",
        "\r",
        ",",
        ";",
        ":",
        "(",
        ")",
        ".",
        "-",
        "'",
        "/",
        "\"",
        "!",
        "?",
        "\u{1}",
        "\u{7f}",
        "--",
        "\"'",
        "...",
        "[",
        "]",
        "_",
        "the",
        "of",
        "p",
        "pp",
        "page",
        "Page",
        "PP",
        "Ibid",
        "ibid",
        "ISBN",
        "0195071328",
        "1938",
        "c1938",
        "trans",
        "x",
        "ab",
        "and",
        "walked",
        "N.G.",
        "it's",
        "McDonald",
        "vols",
        "hardcover",
        "Hardcover",
        "al",
        "e.g",
        "op",
        "cit",
        "ed.",
        "z9",
        "9z",
    ];

    #[test]
    fn ascii_prose_below_agrees_with_the_scan() {
        let m = matcher();
        let mut cases: Vec<String> = [
            "",
            " ",
            "x",
            ",x,",
            "...walked...",
            "\"'(walked)'\" ran",
            "--- ... !!",
            "élan walked",
            "the walked and the talked of the ran",
            "Between the wars, the coastal survey team planted $108 million tonnes of grain [Galloway, p. 71].",
            "The Harrow Valley cooperative counted 4,120 members in 1931 (Pellow 1959, p. 34).",
            "Harbour Press, pp. 348-357.",
            "Page 121, The Great Terror, ISBN 0195071328",
            "p. 88 of the book",
            "a b c walked",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Runs of other bytes, words and separators across the 64-byte mask words and at the
        // limit.
        for pad in 0..140 {
            cases.push(format!("{}\"\"'walked the p. 3", "x".repeat(pad)));
            cases.push(format!("{} ---'-walked-- ,ran", "a".repeat(pad)));
            cases.push(format!("{}{}walked", " ".repeat(pad), "-".repeat(pad % 70)));
            cases.push(format!("{}pp ed of walked", "\"".repeat(pad)));
        }
        let long_prose = "the survey team planted grain near the river ".repeat(12);
        cases.push(long_prose[..MASKED_MAX].to_string());
        cases.push(long_prose[..MASKED_MAX + 1].to_string());
        cases.push(format!("{}walked", "P. 1, ".repeat(84)));
        for text in &cases {
            assert_ascii_agrees(&m, text);
        }
        let mut next = random_below(41);
        let (mut below, mut not) = (0usize, 0usize);
        for _ in 0..30_000 {
            let max = 2 + next(160);
            let text: String = (0..next(max))
                .map(|_| ASCII_PIECES[next(ASCII_PIECES.len())])
                .collect();
            match assert_ascii_agrees(&m, &text) {
                Some(true) => below += 1,
                Some(false) => not += 1,
                None => {}
            }
        }
        assert!(below > 3_000 && not > 3_000, "{below} {not}");
        for _ in 0..5_000 {
            let max = 2 + next(140);
            let text = random_text(&mut next, max);
            assert_ascii_agrees(&m, &text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// The same on arbitrary ASCII text and on words amid separators and other bytes.
        #[test]
        fn prop_ascii_prose_below_agrees_with_the_scan(
            text in proptest::prop_oneof![
                "[\\x00-\\x7f]{0,520}",
                "([a-zA-Z0-9.'\"-]{0,8}[ ,;:()\t/!\u{1}\"'-]{0,4}){0,80}",
                "((the|of|and|p|pp|vol|walked|Page|ed|ran|grain|Press|al|--|\"')[ ,.'-]{1,3}){0,90}",
            ]
        ) {
            static M: std::sync::OnceLock<CitationMatcher> = std::sync::OnceLock::new();
            assert_ascii_agrees(M.get_or_init(matcher), &text);
        }
    }

    #[test]
    fn bit_strings_find_the_next_and_last_bit() {
        let mut next = random_below(43);
        for _ in 0..5_000 {
            let len = 1 + next(8);
            let mask: Vec<u64> = (0..len)
                .map(|_| match next(4) {
                    0 => 0,
                    1 => 1u64 << next(64),
                    _ => (next(1 << 16) as u64) << next(48) | (next(1 << 16) as u64) << 40,
                })
                .collect();
            let bit = |i: usize| mask[i / 64] >> (i % 64) & 1 == 1;
            for from in 0..=len * 64 {
                assert_eq!(
                    next_bit(&mask, from),
                    (from..len * 64).find(|&i| bit(i)),
                    "{mask:?} {from}"
                );
                assert_eq!(
                    last_bit_below(&mask, from),
                    (0..from).rev().find(|&i| bit(i)),
                    "{mask:?} {from}"
                );
            }
        }
    }

    #[test]
    fn prose_ratio_agrees_with_the_split_scan() {
        let m = matcher();
        let mut next = random_below(13);
        for _ in 0..20_000 {
            let text = random_text(&mut next, 14);
            assert_eq!(
                m.prose_ratio(&text).to_bits(),
                prose_ratio_by_split(&m, &text).to_bits(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn trim_non_alnum_agrees_with_trim_matches() {
        let cases = [
            "",
            ".",
            "..a..",
            "a",
            "“Élan”",
            "(x)",
            "…",
            "-–-",
            "ab’",
            "’ab",
            "٣.",
            "a b",
        ];
        for text in cases {
            let want = text.trim_matches(|c: char| !c.is_alphanumeric());
            assert_eq!(trim_non_alnum(text), want, "{text:?}");
        }
        let mut next = random_below(17);
        for _ in 0..20_000 {
            let text = random_text(&mut next, 6);
            let want = text.trim_matches(|c: char| !c.is_alphanumeric());
            assert_eq!(trim_non_alnum(&text), want, "{text:?}");
        }
    }

    #[test]
    fn vocabulary_is_the_set() {
        let words = [
            "of",
            "p",
            "pp",
            "hardcover",
            "über",
            "a-very-long-reference-word-indeed",
        ];
        let v = Vocabulary::new(words);
        for w in words {
            assert!(v.contains(w), "{w}");
        }
        // Same first byte, last byte or length as a member, but not members.
        for w in [
            "",
            "o",
            "if",
            "pf",
            "ppp",
            "hardcoves",
            "übel",
            "a-very-long-reference-word-indeex",
        ] {
            assert!(!v.contains(w), "{w}");
        }
    }

    #[test]
    fn ref_words_ignore_case_table() {
        let m = matcher();
        let cases = [
            ("pp", true),
            ("PP", true),
            ("Pp.", true),
            ("(Ibid)", true),
            ("Hardcover", true),
            ("HARDCOVER", true),
            ("hardcovers", false),
            ("Press", false),
            ("", false),
            // Longer than the stack buffer: lower-cased on the heap, same answer.
            ("Pppppppppppppppppppppppppppppppppppp", false),
            ("ǅ", false),
        ];
        for (word, want) in cases {
            assert_eq!(m.is_ref_word(word), want, "{word:?}");
        }
    }

    #[test]
    fn is_initial_table() {
        let cases = [
            ("N.", true),
            ("N.G.", true),
            ("NG", true),
            ("N.G.K.", false),
            ("Ng", false),
            ("n.", false),
            ("", false),
            ("1.", false),
            ("É.", true),
        ];
        for (word, want) in cases {
            assert_eq!(is_initial(word), want, "{word:?}");
        }
    }

    /// Lazily read tokens are the eager tokenizer's, from any start, up to the bound.
    #[test]
    fn lazy_tokens_equal_the_eager_tokenizer() {
        let mut next = random_below(19);
        let check = |text: &str, start: usize, end: usize| {
            let want = tokenize(text, start, end);
            let mut lazy = Tokens::new(text, start, end);
            let mut got = Vec::new();
            while let Some(tok) = lazy.get(got.len()) {
                got.push(tok);
            }
            let as_pairs = |v: &[Token]| -> Vec<(Range<usize>, TokClass)> {
                v.iter().map(|t| (t.range.clone(), t.class)).collect()
            };
            assert_eq!(as_pairs(&got), as_pairs(&want), "{text:?} {start}..{end}");
        };
        check(&"word, ".repeat(300), 0, 1800);
        for text in [
            "“Quoted title” (aside) 12, 3.",
            "\"unclosed quote and (paren",
        ] {
            check(text, 0, text.len());
        }
        for _ in 0..5_000 {
            let text = random_text(&mut next, 30);
            let r = crate::extract::test_random::char_range(&text, &mut next);
            check(&text, r.start, r.end);
        }
    }

    fn cites(text: &str) -> Vec<(&str, CitationKind)> {
        matcher()
            .find(text, 0..text.len())
            .into_iter()
            .map(|c| (&text[c.range], c.kind))
            .collect()
    }

    #[test]
    fn delimited_forms_table() {
        use CitationKind::*;
        let cases: Vec<(&str, Vec<(&str, CitationKind)>)> = vec![
            (
                "About 5,000 were held.[3] Then more.",
                vec![("[3]", Marker)],
            ),
            ("It grew fast.[^growth]", vec![("[^growth]", Marker)]),
            (
                "Executions rose [Conquest].",
                vec![("[Conquest]", Bracketed)],
            ),
            (
                "It was harsh [Solzhenitsyn, p. 88.] indeed.",
                vec![("[Solzhenitsyn, p. 88.]", Bracketed)],
            ),
            (
                "A claim [@getty1999, p. 9].",
                vec![("[@getty1999, p. 9]", Bracketed)],
            ),
            (
                "A claim (Conquest 1990, p. 265).",
                vec![("(Conquest 1990, p. 265)", Parenthetical)],
            ),
            (
                "A claim (Getty & Naumov, 1999).",
                vec![("(Getty & Naumov, 1999)", Parenthetical)],
            ),
            (
                "See https://example.org/a for data.",
                vec![("https://example.org/a", Url)],
            ),
            ("Many died.[citation needed]", vec![]),
            ("He [the commissar] left in 1937.", vec![]),
            ("The year (1937) was hard.", vec![]),
        ];
        for (text, want) in cases {
            assert_eq!(cites(text), want, "{text:?}");
        }
    }

    #[test]
    fn glued_references_table() {
        let cases: Vec<(&str, &str, Option<&str>)> = vec![
            // (text, reference found, where prose resumes)
            (
                "He was taken by the police.Night of Ash: Memory in Russia by Ann Smith. Crane Books, 2004 ISBN 0142000639 p. 210 The purge began later.",
                "Night of Ash: Memory in Russia by Ann Smith. Crane Books, 2004 ISBN 0142000639 p. 210",
                Some("The purge began later."),
            ),
            (
                "Confessions were often obtained under duress,Page 121, The Great Terror, ISBN 0195071328 which cites a speech.",
                "Page 121, The Great Terror, ISBN 0195071328",
                None,
            ),
            (
                "It struck teachers and engineersPages 250, 257–258, The Great Terror, ISBN 0195071328. Others followed.",
                "Pages 250, 257–258, The Great Terror, ISBN 0195071328",
                Some("Others followed."),
            ),
            (
                "Over 20,000 were shot there.Former Range Becomes Shrine by Jane Doe, The Daily Courier, June 8, 2007 The tragedy is portrayed in films.",
                "Former Range Becomes Shrine by Jane Doe, The Daily Courier, June 8, 2007",
                Some("The tragedy is portrayed in films."),
            ),
            (
                "In total 30,000 officers were arrested.Great Purges Spartacus Educational It is believed that chaos followed.",
                "Great Purges Spartacus Educational",
                Some("It is believed that chaos followed."),
            ),
            (
                "None survived.Lives and Terror: A Study. By Ann Gell. 2007. Knopf. 720 pages ISBN 1400040051 Four of the other five were shot.",
                "Lives and Terror: A Study. By Ann Gell. 2007. Knopf. 720 pages ISBN 1400040051",
                Some("Four of the other five were shot."),
            ),
            (
                "Trials were staged,Page 286, The Great Terror, ISBN 0195071328. Hundreds of thousands of victims were accused.",
                "Page 286, The Great Terror, ISBN 0195071328",
                Some("Hundreds of thousands of victims were accused."),
            ),
            (
                "He signed many warrants Molotov Remembers, ISBN 1566630274 .",
                "Molotov Remembers, ISBN 1566630274",
                None,
            ),
            (
                "Most were released.Soviet Statistics: Some Comments by Mark Ell, 2002 According to the society some were not.",
                "Soviet Statistics: Some Comments by Mark Ell, 2002",
                Some("According to the society some were not."),
            ),
        ];
        let m = matcher();
        for (text, want, resumes) in cases {
            let found = m.find(text, 0..text.len());
            let refs: Vec<&Citation> = found
                .iter()
                .filter(|c| c.kind == CitationKind::InlineReference)
                .collect();
            assert_eq!(refs.len(), 1, "{text:?}: {found:?}");
            assert_eq!(&text[refs[0].range.clone()], want, "{text:?}");
            assert_eq!(
                refs[0].resumes_at.get().map(|r| &text[r..]),
                resumes,
                "{text:?}"
            );
        }
    }

    #[test]
    fn prose_is_not_a_reference() {
        let cases = [
            "In 1933, for example, some 400,000 people were expelled from the Party.",
            "The McDonald brothers opened a PowerPoint deck.",
            "On July 30, 1937 the Order no. 00447 was issued.",
            "It was the end.The next sentence starts with prose.",
            "Books were burned in the square.",
        ];
        for text in cases {
            assert_eq!(cites(text), vec![], "{text:?}");
        }
    }

    #[test]
    fn bibliographic_lines_table() {
        let m = matcher();
        let cases = [
            (
                "Littlepage, John D. In Search of Soviet Gold. New York: Harcourt, Brace, c1938, p. 141",
                true,
            ),
            (
                "Siegelbaum and Sokolov. Stalinism as a Way of Life. New Haven, Conn.: Yale University Press, c2000, p. 97",
                true,
            ),
            (
                "Getty & Naumov, The Road to Terror. New Haven, Conn.: Yale Univ. Press, c1999, p. 423",
                true,
            ),
            (
                "Strong, Anna Louise. “Searching Out the Soviets.” New Republic: August 7, 1935, p. 358",
                true,
            ),
            (
                "However, as the writer visited prisons in 1933 he saw p. 5 of the rules and many other things.",
                false,
            ),
            (
                "Ordinary criminals, such as thieves, were held in 1936.",
                false,
            ),
            ("Cards (15)", false),
        ];
        for (line, want) in cases {
            assert_eq!(m.is_bibliographic_line(line), want, "{line:?}");
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        let m = matcher();
        for text in [
            "",
            ".",
            "a.B",
            "x,Y",
            "\"",
            "“unclosed",
            "(((((",
            "é.É",
            "ISBN",
            "p. ",
            "aaaaB.C",
        ] {
            let _ = m.find(text, 0..text.len());
        }
    }
}

#[cfg(test)]
mod anchor_reuse_tests {
    use super::*;

    use crate::extract::test_random::below as random_below;

    fn lexicon_with(strong: &[&str], weak: &[&str]) -> CitationLexicon {
        let mut lex = CitationLexicon::embedded();
        let spanned = |p: &&str| Spanned::new(0..0, p.to_string());
        lex.strong_anchors = strong.iter().map(spanned).collect();
        if !weak.is_empty() {
            lex.weak_anchors = weak.iter().map(spanned).collect();
        }
        lex
    }

    /// Pieces around anchors and their word edges: anchors glued to words on either side,
    /// page ranges cut by sentence ends, years next to publishers.
    const PIECES: &[&str] = &[
        " ",
        " ",
        " ",
        ". ",
        ".",
        ",",
        "\n",
        "-",
        "–",
        "_",
        "x",
        "ab",
        "Xy",
        "the",
        "walked",
        "p",
        "p.",
        "pp.",
        "Pp",
        "pg",
        "P",
        "Page",
        "Pages",
        "pages",
        "page",
        "5",
        "12",
        "1990",
        "c1938",
        "ISBN",
        "ISBN-13:",
        "0195071328",
        "X",
        "University",
        "Univ.",
        "Press",
        "Vol",
        "vol.",
        "Books",
        "New York: ",
        "Harcourt",
        "é",
        "“",
        "”",
        "\"",
        "(",
        ")",
        "Acme",
        "Series",
    ];

    fn random_block(next: &mut impl FnMut(usize) -> usize) -> String {
        (0..1 + next(40))
            .map(|_| PIECES[next(PIECES.len())])
            .collect()
    }

    /// Sentence spans read off the block's anchors agree with searching each sentence, for
    /// lexicons where the shortcut applies and where it must fall back.
    #[test]
    fn reference_spans_agree_with_per_sentence_search() {
        let lexicons = [
            CitationLexicon::embedded(),
            // A user anchor without a digit, and one with Unicode and text-edge look-arounds
            // (which the block's matches cannot answer for a sentence).
            lexicon_with(&[r"(?-u:\b)Acme Series(?-u:\b)", r"\d+ pages\b"], &[]),
            lexicon_with(&[r"^Page \d+", r"\d+$", r"x?"], &[r"Press"]),
            lexicon_with(&[r"(?-u:\B)ab(?-u:\b)", r"(?-u:\b)\d"], &[]),
            // Weak anchors glued to words, and ones the block's matches cannot answer for.
            lexicon_with(&[], &[r"(?-u:\b)Press", r"Books(?-u:\B)", r"ab"]),
            lexicon_with(&[r"(?-u:\b)p\. \d+"], &[r"\bPress\b", r"York$"]),
        ];
        let mut next = random_below(23);
        let (mut shortcut, mut shortcut_true) = (0usize, 0usize);
        let (mut weak_shortcut, mut weak_true) = (0usize, 0usize);
        for lex in &lexicons {
            let m = CitationMatcher::new(lex).unwrap();
            for _ in 0..4_000 {
                let text = random_block(&mut next);
                let (_, anchors) = m.find_with_anchors(&text, 0..text.len());
                let bounds: Vec<usize> = (0..=text.len())
                    .filter(|&i| text.is_char_boundary(i))
                    .collect();
                for _ in 0..8 {
                    let a = bounds[next(bounds.len())];
                    let b = bounds[next(bounds.len())];
                    let span = a.min(b)..a.max(b);
                    let sentence = &text[span.clone()];
                    if let Some(strong) = m.strong_in_span(&text, &span, &anchors) {
                        shortcut += 1;
                        shortcut_true += usize::from(strong);
                        assert_eq!(strong, m.strong.is_match(sentence), "{text:?} {span:?}");
                    }
                    if let Some(weak) = m.weak_in_span(&text, &span, &anchors) {
                        weak_shortcut += 1;
                        weak_true += usize::from(weak);
                        assert_eq!(weak, m.weak.is_match(sentence), "{text:?} {span:?}");
                    }
                    assert_eq!(
                        m.is_reference_span(&text, span.clone(), &anchors),
                        m.is_reference_sentence(sentence),
                        "{text:?} {span:?}"
                    );
                }
            }
        }
        // Many spans (random ones often cut words, where the shortcut gives up) are answered
        // from the block, both ways, so the comparison above tests the shortcut.
        assert!(
            shortcut > 10_000 && shortcut_true > 1_000,
            "{shortcut} {shortcut_true}"
        );
        assert!(
            weak_shortcut > 10_000 && weak_true > 1_000,
            "{weak_shortcut} {weak_true}"
        );
    }

    /// A block without digits, "Press" or "ISBN" holds no strong anchor and no year: none of
    /// its sentences is a reference, whatever its weak anchors.
    #[test]
    fn blocks_without_digits_hold_no_reference_sentence() {
        let m = CitationMatcher::new(&CitationLexicon::embedded()).unwrap();
        for text in [
            "London: Books of New York. Verlag Editions, Oxford: Éditions.",
            "Published by Chicago: Harcourt Books. Paris: Ünal Publishers",
            "",
            "p. x and vol. y",
        ] {
            let (_, anchors) = m.find_with_anchors(text, 0..text.len());
            assert!(matches!(anchors, BlockAnchors::None { .. }), "{text:?}");
            for span in [0..text.len(), 0..text.len() / 2] {
                if !text.is_char_boundary(span.end) {
                    continue;
                }
                assert!(!m.is_reference_span(text, span.clone(), &anchors));
                assert!(!m.is_reference_sentence(&text[span]));
            }
        }
    }

    #[test]
    fn strong_in_span_table() {
        let m = CitationMatcher::new(&CitationLexicon::embedded()).unwrap();
        // (block, sentence within it, answer from the block's matches)
        let cases: &[(&str, &str, Option<bool>)] = &[
            (
                "It is on p. 88 of it. Then more.",
                "It is on p. 88 of it.",
                Some(true),
            ),
            (
                "It is on p. 88 of it. Then more.",
                "Then more.",
                Some(false),
            ),
            // The match touches the sentence's end, and a word byte follows in the block.
            ("See pages 12xyz", "See pages 12", None),
            // Glued to a word before: no block match, but the sentence alone has one.
            ("abcPages 12 here", "Pages 12 here", None),
            // A match running over the sentence's end: ask the sentence.
            ("See p. 5, 6 more", "See p. 5,", None),
            // At the sentence's edge, with a space outside: exact.
            ("Says p. 5 here", "p. 5", Some(true)),
        ];
        for &(block, sentence, want) in cases {
            let (_, anchors) = m.find_with_anchors(block, 0..block.len());
            let at = block.find(sentence).unwrap();
            let span = at..at + sentence.len();
            assert_eq!(
                m.strong_in_span(block, &span, &anchors),
                want,
                "{block:?} {sentence:?}"
            );
            if let Some(want) = want {
                assert_eq!(m.strong.is_match(sentence), want, "{sentence:?}");
            }
        }
    }

    /// Pieces for the strong-anchor starts: every anchor's first letters, glued and spaced,
    /// ASCII and Unicode digits (Arabic-Indic, fullwidth) and other numeric characters.
    const STRONG_PIECES: &[&str] = &[
        " ",
        " ",
        " ",
        ".",
        ",",
        "-",
        "–",
        "_",
        "x",
        "a",
        "p",
        "P",
        "pp",
        "pg",
        "Pp",
        "g",
        "age",
        "ages",
        "Page",
        "pages",
        "page",
        "5",
        "12",
        "0",
        "٣",
        "５",
        "²",
        "Ⅻ",
        "é",
        "ISBN",
        "SBN",
        "ISBN-13:",
        "X",
        "XXXXXXXXXX",
        "University",
        "Univ",
        "Univ.",
        "Press",
        "Vol",
        "vol",
        "ol.",
        ".",
        "\n",
        "\u{a0}",
        "\u{2009}",
        "p. 5",
        "pp. 5–٣",
        " pages",
        "ISBN 0-19-507132-8",
        "University Press",
        "vol. ５",
        "Pages 12, 14",
    ];

    /// The anchored searches at `embedded_strong_starts` find what `find_iter` finds, for the
    /// embedded anchors and for each of them alone.
    #[test]
    fn embedded_strong_matches_equal_find_iter() {
        let embedded = CitationLexicon::embedded();
        let mut lexicons = vec![embedded.clone()];
        for a in &embedded.strong_anchors {
            lexicons.push(lexicon_with(&[a.get_ref().as_str()], &[]));
        }
        lexicons.push(lexicon_with(&[], &[]));
        let mut next = random_below(41);
        let mut found = 0usize;
        for lex in &lexicons {
            let m = CitationMatcher::new(lex).unwrap();
            assert!(m.strong_needs_digit_or_press);
            let mut texts: Vec<String> = [
                "",
                "p. 88",
                "pp. 12–14",
                "Pages 200 – 202",
                "720 pages",
                "x720 pages",
                "5٣ pages",
                "٣ pages",
                "a٣ pages",
                "²5 pages",
                "p٣",
                "p. ٣",
                "Pp 5",
                "pg.5",
                "Oxford University Press",
                "Univ. Press",
                "vol. 3",
                "Vol.3",
                "xvol. 3",
                "MyISBN 0195071328",
                "ISBN XXXXXXXXXX",
                "up. 5",
                "_p 5",
                "page 5",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            for _ in 0..3_000 {
                texts.push(
                    (0..1 + next(30))
                        .map(|_| STRONG_PIECES[next(STRONG_PIECES.len())])
                        .collect(),
                );
            }
            for text in &texts {
                let mut got = Vec::new();
                m.embedded_strong_matches(text, |r| got.push(r));
                let want: Vec<Range<usize>> = m
                    .strong
                    .find_iter(text.as_str())
                    .map(|x| x.range())
                    .collect();
                assert_eq!(got, want, "{text:?}");
                found += got.len();
                // Each anchored search, against the meta regex's.
                for p in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                    let input = regex_automata::Input::new(text.as_str())
                        .range(p..)
                        .anchored(regex_automata::Anchored::Yes);
                    let want = m.strong.search(&input).map(|x| x.range());
                    assert_eq!(m.strong_match_at(text, p, &mut 0), want, "{text:?} {p}");
                }
            }
        }
        assert!(found > 3_000, "{found}");
    }

    proptest::proptest! {
        // no regression files inside the repository
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// The same on pieces of anchors amid arbitrary text.
        #[test]
        fn prop_embedded_strong_matches_equal_find_iter(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    "\\PC{0,3}",
                    "[pPvVIU0-9٣ .,_-]{1,4}",
                    proptest::strategy::Strategy::prop_map(
                        proptest::sample::select(STRONG_PIECES),
                        str::to_string
                    ),
                ],
                0..24,
            )
        ) {
            let m = strong_matcher();
            let text: String = pieces.concat();
            let mut got = Vec::new();
            m.embedded_strong_matches(&text, |r| got.push(r));
            let want: Vec<Range<usize>> =
                m.strong.find_iter(text.as_str()).map(|x| x.range()).collect();
            proptest::prop_assert_eq!(got, want, "{:?}", text);
        }
    }

    /// The ordered one-pass candidate stream is the old unordered list, sorted; the glue
    /// points found in the same pass are `for_each_glue_point`'s.
    #[test]
    fn strong_starts_in_order_equal_the_sorted_list() {
        let mut next = random_below(43);
        let mut texts: Vec<String> = [
            "",
            "p",
            "ISBN",
            "IS",
            "5 pages",
            "٣5 pages",
            "v",
            "Vol.",
            "torture,Page 121",
            "van.Night of Stone, ISBN 0195071328",
            "professionalsPages 250 and “Vol. 3”",
            "treason\"Page 468 was.Pp 5",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for _ in 0..20_000 {
            texts.push(
                (0..1 + next(30))
                    .map(|_| STRONG_PIECES[next(STRONG_PIECES.len())])
                    .collect(),
            );
        }
        let mut seen = 0usize;
        for text in &texts {
            let mut want = Vec::new();
            embedded_strong_starts(text, &mut want);
            want.sort_unstable();
            let mut got = Vec::new();
            let mut glue = Vec::new();
            let mut weak_word = false;
            for_each_glue_point_and_strong_start(
                text,
                0..text.len(),
                &mut weak_word,
                |g| glue.push(g),
                Some(|i| got.push(i)),
            );
            assert_eq!(got, want, "{text:?}");
            assert_eq!(weak_word, weak_word_oracle(text), "{text:?}");
            assert_eq!(glue, glue_points(text, 0..text.len()), "{text:?}");
            seen += got.len();
        }
        assert!(seen > 20_000, "{seen}");
    }

    fn strong_matcher() -> &'static CitationMatcher {
        static M: std::sync::OnceLock<CitationMatcher> = std::sync::OnceLock::new();
        M.get_or_init(|| CitationMatcher::new(&CitationLexicon::embedded()).unwrap())
    }

    #[test]
    fn digit_skip_follows_the_lexicon() {
        let embedded = CitationLexicon::embedded();
        let listed: Vec<&str> = embedded
            .strong_anchors
            .iter()
            .map(|a| a.get_ref().as_str())
            .collect();
        assert_eq!(listed, ANCHORS_NEEDING_DIGIT_OR_PRESS);
        let urls: Vec<&str> = embedded.urls.iter().map(|a| a.get_ref().as_str()).collect();
        assert_eq!(urls, URLS_NEEDING_SLASH);
        let m = CitationMatcher::new(&embedded).unwrap();
        assert!(m.urls_need_slash);
        // Each URL pattern needs its '/': nothing matches once the slashes are gone.
        for text in [
            "see https://example.org/x and doi:10.1234/abc or 10.12345/xyz.",
            "http://a/b doi: 10.1234/5 10.1234/a",
        ] {
            let urls = |t: &str| {
                m.find(t, 0..t.len())
                    .into_iter()
                    .filter(|c| c.kind == CitationKind::Url)
                    .count()
            };
            assert!(urls(text) >= 3, "{text:?}");
            let slashless = text.replace('/', " ");
            let url_re = compile_alternation(&embedded.urls).unwrap().unwrap();
            assert!(!url_re.is_match(&slashless), "{slashless:?}");
        }
        // A user's URL pattern without a '/' is still searched for.
        let mut lex = CitationLexicon::embedded();
        lex.urls
            .push(Spanned::new(0..0, r"(?-u:\b)urn:isbn:\d+".to_string()));
        let m = CitationMatcher::new(&lex).unwrap();
        assert!(!m.urls_need_slash);
        let text = "Found at urn:isbn:123 today.";
        assert!(
            m.find(text, 0..text.len())
                .iter()
                .any(|c| c.kind == CitationKind::Url)
        );
        assert!(
            CitationMatcher::new(&embedded)
                .unwrap()
                .strong_needs_digit_or_press
        );

        // The ISBN anchor takes "X" for a digit: a block whose only anchor is such an ISBN
        // is not skipped, and its sentences are told as the sentence search tells them.
        let m = strong_matcher();
        for text in [
            "Molotov Remembers, ISBN XXXXXXXXXX",
            "The Great Terror. ISBN-10: XXXXXXXXXX. Later prose follows here.",
        ] {
            let (_, anchors) = m.find_with_anchors(text, 0..text.len());
            assert!(
                !matches!(anchors, BlockAnchors::None { .. }),
                "{text:?}: {anchors:?}"
            );
            // The whole block, and its pieces between full stops.
            let mut spans: Vec<Range<usize>> = Vec::new();
            spans.push(0..text.len());
            let mut from = 0;
            for (i, _) in text.match_indices(". ") {
                spans.push(from..i + 1);
                from = i + 2;
            }
            spans.push(from..text.len());
            for span in spans {
                assert_eq!(
                    m.is_reference_span(text, span.clone(), &anchors),
                    m.is_reference_sentence(&text[span.clone()]),
                    "{:?}",
                    &text[span]
                );
            }
        }

        // A user's strong anchor with no digit and no "Press" must still be found.
        let mut lex = CitationLexicon::embedded();
        lex.extend(lexicon_with(
            &[r"(?-u:\b)Acme Reference Series(?-u:\b)"],
            &[],
        ));
        let m = CitationMatcher::new(&lex).unwrap();
        let text = "Their story is told in the Acme Reference Series for readers.";
        let found = m.find(text, 0..text.len());
        assert!(
            found.iter().any(|c| c.kind == CitationKind::InlineReference
                && text[c.range.clone()].contains("Acme Reference Series")),
            "{found:?}"
        );
        assert!(!m.strong_needs_digit_or_press);
        let sentence = "Acme Reference Series, Volume Two, Acme Books";
        let (_, anchors) = m.find_with_anchors(sentence, 0..sentence.len());
        assert!(m.is_reference_span(sentence, 0..sentence.len(), &anchors));
    }

    /// `embedded_strong_end` against the regex's anchored search at every character boundary
    /// of `text`; told wherever the text is ASCII but for '–'.
    fn assert_hand_strong_agrees(m: &CitationMatcher, text: &str) -> usize {
        let told_everywhere = text.chars().all(|c| c.is_ascii() || c == '–');
        let mut matched = 0;
        for p in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let want = m.strong_search_at(text, p);
            match embedded_strong_end(text.as_bytes(), p) {
                Ok(got) => {
                    assert_eq!(got, want, "{text:?} at {p}");
                    matched += usize::from(got.is_some());
                }
                Err(Untold) => assert!(!told_everywhere, "{text:?} at {p}"),
            }
        }
        matched
    }

    #[test]
    fn hand_strong_anchors_table() {
        let m = strong_matcher();
        assert!(m.strong_is_embedded);
        for text in [
            "",
            "p",
            "p.",
            "p. 5",
            "p.5",
            "p 5",
            "p .5",
            "pp. 12–14",
            "pp. 12 – 14",
            "pp. 12 -14, 20",
            "pp. 12-14a",
            "pp. 12-14-x",
            "p. 12,",
            "p. 12, 13",
            "p. 12,\u{b}13",
            "p. 12\t-\n13_",
            "p. 5a",
            "p. 5_",
            "pp5",
            "ppp5",
            "pg. 5",
            "pg5x",
            "Pp 5",
            "Pp. 5–",
            "P 5",
            "Page 5",
            "Pages 5-6, 7",
            "pages 5",
            "Pagess 5",
            "page5",
            "pages 5–6a",
            "xp. 5",
            "_p. 5",
            "(p. 5)",
            "720 pages",
            "720 pages.",
            "720 pagesx",
            "x720 pages",
            "7 20 pages",
            "720  pages",
            "University Press",
            "University Pressing",
            "Univ. Press",
            "Univ. Press_",
            "aUniv. Press",
            "Univ Press",
            "Vol. 3",
            "vol.3",
            "Vol.  3",
            "Vol. x",
            "xVol. 3",
            "ISBN 0195071328",
            "ISBN-13: 978-0-19-507132-8",
            "ISBN-10 0195071328",
            "ISBN-1 0195071328",
            "ISBN:0195071328",
            "ISBN : 0195071328",
            "ISBN XXXXXXXXXX",
            "ISBN 0-19-507132",
            "ISBN 01234567 -",
            "ISBN 0123456789012345678901",
            "ISBN 0 1 2 3 4 5 6 7 8 9 - ",
            "MyISBN 0195071328",
            "ISBN 01234567–89",
            "p. 5é",
            "p. ٣",
            "p. 5٣",
            "p. 5\u{2009}– 6",
            "p. 5 –\u{a0}6",
            "ISBN ٣123456789",
            "ISBN 0123456789٣",
            "٣ pages",
            "é",
        ] {
            assert_hand_strong_agrees(m, text);
        }
    }

    #[test]
    fn hand_strong_anchors_agree_with_the_regex() {
        let m = strong_matcher();
        let mut next = random_below(47);
        let mut found = 0;
        for _ in 0..6_000 {
            let text: String = (0..1 + next(24))
                .map(|_| STRONG_PIECES[next(STRONG_PIECES.len())])
                .collect();
            found += assert_hand_strong_agrees(m, &text);
        }
        assert!(found > 2_000, "{found}");
        // Other lexicons are searched by the regex alone.
        let embedded = CitationLexicon::embedded();
        let mut reversed = embedded.clone();
        reversed.strong_anchors.reverse();
        assert!(!CitationMatcher::new(&reversed).unwrap().strong_is_embedded);
        let mut extended = embedded.clone();
        extended.extend(lexicon_with(&[r"Acme"], &[]));
        assert!(!CitationMatcher::new(&extended).unwrap().strong_is_embedded);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// The same amid arbitrary text, ASCII and not.
        #[test]
        fn prop_hand_strong_anchors_agree_with_the_regex(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    "\\PC{0,3}",
                    "[ -~]{0,4}",
                    "[pPgaesvVolIUSBNX0-9٣ .,:_–\t-]{1,6}",
                    proptest::strategy::Strategy::prop_map(
                        proptest::sample::select(STRONG_PIECES),
                        str::to_string
                    ),
                ],
                0..24,
            )
        ) {
            assert_hand_strong_agrees(strong_matcher(), &pieces.concat());
        }
    }

    /// Pieces of delimited citations and near misses, for the one-pass search.
    const DELIMITED_PIECES: &[&str] = &[
        " ",
        " ",
        ".",
        ",",
        "[",
        "]",
        "(",
        ")",
        "[3]",
        "[12–14]",
        "[^n]",
        "[a]",
        "[note 5]",
        "[sic]",
        "[SIC]",
        "[citation needed]",
        "[Conquest",
        "[Conquest, p. 88]",
        "[see @key, p. 9]",
        "[@getty1999]",
        "[[",
        "]]",
        "(Conquest 1990, p. 265)",
        "(Getty & Naumov, 1999)",
        "(see Smith 2001; Jones 1999)",
        "(ibid., p. 5)",
        "(op. cit.)",
        " (1990)",
        "Fitzpatrick",
        "1990",
        "p. 88",
        "https://example.org/a",
        "é",
        "Émile",
        "“",
        "x",
        "the",
    ];

    fn assert_merged_agrees(merged: &CitationMatcher, per_kind: &CitationMatcher, text: &str) {
        assert_eq!(
            merged.find(text, 0..text.len()),
            per_kind.find(text, 0..text.len()),
            "{text:?}"
        );
    }

    /// The one pass over '[' and '(' finds what a pass per kind finds.
    #[test]
    fn merged_delimited_pass_equals_a_pass_per_kind() {
        let merged = strong_matcher();
        assert_eq!(merged.merged, 3);
        let mut per_kind = CitationMatcher::new(&CitationLexicon::embedded()).unwrap();
        per_kind.merged = 0;
        for text in [
            "",
            "[",
            "(",
            "[3][4]",
            "[[3]]",
            "[Conquest [3]]",
            "([3])",
            "[(Conquest 1990)]",
            "(Conquest 1990, p. 265 [3])",
            "Many died.[citation needed] Then [SIC] and [sic]",
            "A claim (Conquest 1990, p. 265). See [Conquest, p. 88].[3]",
        ] {
            assert_merged_agrees(merged, &per_kind, text);
        }
        let mut next = random_below(53);
        let mut found = 0;
        for _ in 0..5_000 {
            let text: String = (0..1 + next(30))
                .map(|_| DELIMITED_PIECES[next(DELIMITED_PIECES.len())])
                .collect();
            assert_merged_agrees(merged, &per_kind, &text);
            found += merged.find(&text, 0..text.len()).len();
        }
        assert!(found > 5_000, "{found}");
        // A head kind that is not anchored at '[' or '(' alone ends the merged ones.
        let mut lex = CitationLexicon::embedded();
        lex.markers = vec![Spanned::new(0..0, r"\{\d+\}".to_string())];
        assert_eq!(CitationMatcher::new(&lex).unwrap().merged, 0);
        lex.markers.clear();
        assert_eq!(CitationMatcher::new(&lex).unwrap().merged, 2);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// The same amid arbitrary text, ASCII and not.
        #[test]
        fn prop_merged_delimited_pass_equals_a_pass_per_kind(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    "\\PC{0,3}",
                    "[ -~]{0,4}",
                    proptest::strategy::Strategy::prop_map(
                        proptest::sample::select(DELIMITED_PIECES),
                        str::to_string
                    ),
                ],
                0..24,
            )
        ) {
            let mut per_kind = CitationMatcher::new(&CitationLexicon::embedded()).unwrap();
            per_kind.merged = 0;
            assert_merged_agrees(strong_matcher(), &per_kind, &pieces.concat());
        }
    }

    /// Whether one of `WEAK_WORD_PREFIXES` starts a word of `text`, by searching for each.
    fn weak_word_oracle(text: &str) -> bool {
        let bytes = text.as_bytes();
        WEAK_WORD_PREFIXES.iter().any(|p| {
            text.match_indices(p)
                .any(|(i, _)| i == 0 || !is_word_byte(bytes[i - 1]))
        })
    }

    /// The pass's word-start test of the weak prefixes, against searching for each; where it
    /// finds none, the weak anchors match nothing.
    fn assert_weak_word_agrees(text: &str) -> bool {
        let m = strong_matcher();
        let mut weak_word = false;
        for_each_glue_point_and_strong_start(
            text,
            0..text.len(),
            &mut weak_word,
            |_| {},
            Some(|_| {}),
        );
        assert_eq!(weak_word, weak_word_oracle(text), "{text:?}");
        if !weak_word {
            assert!(!m.weak.is_match(text), "{text:?}");
        }
        weak_word
    }

    #[test]
    fn weak_words_found_in_the_pass_agree_with_a_search() {
        for text in [
            "",
            "Pre",
            "Press",
            "Pr",
            "xPress",
            "_Press",
            "5Press",
            ".Press",
            "éPress",
            "Oxford: Éditions",
            "New York: Harcourt",
            "NewYork",
            "The Times",
            "LONDON",
            "Tor",
            " Was",
        ] {
            assert_weak_word_agrees(text);
        }
        // The table, against the list, for every three ASCII letters.
        let letters: Vec<u8> = (b'A'..=b'Z').chain(b'a'..=b'z').collect();
        for &a in &letters {
            for &b in &letters {
                for &c in &letters {
                    let w = [a, b, c];
                    let listed = WEAK_WORD_PREFIXES.iter().any(|p| p.as_bytes() == w);
                    assert_eq!(weak_word_at(&w, 0), listed, "{w:?}");
                }
            }
        }
        let mut next = random_below(59);
        let (mut with, mut without) = (0, 0);
        for _ in 0..5_000 {
            let text: String = (0..1 + next(30))
                .map(|_| PIECES[next(PIECES.len())])
                .collect();
            if assert_weak_word_agrees(&text) {
                with += 1;
            } else {
                without += 1;
            }
        }
        assert!(with > 1_000 && without > 1_000, "{with} {without}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// The same amid arbitrary text, ASCII and not.
        #[test]
        fn prop_weak_words_found_in_the_pass_agree_with_a_search(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    "\\PC{0,3}",
                    "[ -~]{0,4}",
                    "[A-Za-z0-9_ .:]{1,5}",
                    proptest::strategy::Strategy::prop_map(
                        proptest::sample::select(WEAK_WORD_PREFIXES),
                        str::to_string
                    ),
                    proptest::strategy::Strategy::prop_map(
                        proptest::sample::select(PIECES),
                        str::to_string
                    ),
                ],
                0..24,
            )
        ) {
            assert_weak_word_agrees(&pieces.concat());
        }
    }
}

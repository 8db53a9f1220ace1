//! Quotations: someone's words in quotation marks, as against terms, scare quotes and titles.
//!
//! Marks are paired by context, so that an opening mark never closed (common in flattened text)
//! ends at its sentence instead of swallowing the rest of the document. Block quotes, excerpt
//! blocks and reproduced findings are found from the document structure in `analysis`.

use std::ops::Range;

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct QuotationLexicon {
    #[serde(default = "default_min_words")]
    pub min_words: usize,
    #[serde(default)]
    pub term_cues: Vec<String>,
    #[serde(default)]
    pub title_cues: Vec<String>,
    #[serde(default)]
    pub clause_starts: Vec<String>,
    #[serde(default = "default_clause_run")]
    pub clause_run: usize,
    #[serde(default)]
    pub clause_not_before: Vec<String>,
    #[serde(default)]
    pub pairs: Vec<[String; 2]>,
    /// Lower-case words that may follow a quotation in running prose. Any other lower-case word
    /// right after the closing mark means the quoted words modify it: a term.
    #[serde(default)]
    pub continuations: Vec<String>,
}

fn default_min_words() -> usize {
    4
}
fn default_clause_run() -> usize {
    2
}

impl Default for QuotationLexicon {
    fn default() -> Self {
        QuotationLexicon {
            min_words: default_min_words(),
            term_cues: Vec::new(),
            title_cues: Vec::new(),
            clause_starts: Vec::new(),
            clause_run: default_clause_run(),
            clause_not_before: Vec::new(),
            pairs: Vec::new(),
            continuations: Vec::new(),
        }
    }
}

pub const EMBEDDED_QUOTATIONS: &str = include_str!("../../rules/lexicon/quotations.toml");

impl QuotationLexicon {
    pub fn embedded() -> QuotationLexicon {
        toml::from_str(EMBEDDED_QUOTATIONS).expect("embedded quotations lexicon parses")
    }

    /// Lists extend; scalars in a user file replace the default.
    pub fn extend(&mut self, other: QuotationLexicon) {
        self.min_words = other.min_words;
        self.clause_run = other.clause_run;
        self.term_cues.extend(other.term_cues);
        self.title_cues.extend(other.title_cues);
        self.clause_starts.extend(other.clause_starts);
        self.clause_not_before.extend(other.clause_not_before);
        self.pairs.extend(other.pairs);
        self.continuations.extend(other.continuations);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuoteKind {
    /// Words between quotation marks.
    Inline,
    /// A Markdown block quote.
    Block,
    /// A block of text closed by a bibliographic line, in a quotation collection.
    Excerpt,
    /// Reproduced findings or resolutions without marks ("That … That …").
    Clauses,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quotation {
    pub range: Range<usize>,
    pub kind: QuoteKind,
    /// Whether the closing mark was found.
    pub closed: bool,
}

/// Why quoted text is not treated as a quotation; kept for `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotQuotation {
    TooShort,
    Term,
    Title,
}

pub struct QuotationFinder {
    min_words: usize,
    term_cues: Vec<String>,
    title_cues: Vec<String>,
    /// The cues of each list by their last byte, so that a text is held against only those
    /// that can end it.
    term_index: CueIndex,
    title_index: CueIndex,
    pairs: Vec<(char, char)>,
    /// The bytes that can start a mark `quoted_spans` acts on ('"' and the first byte of each
    /// non-ASCII pair character), when three or fewer: then a block is searched for them
    /// alone, and the apostrophes, dashes and accented letters between are never visited.
    marks: Option<[u8; 3]>,
    continuations: Vec<String>,
    pub(crate) clause_starts: Vec<String>,
    pub(crate) clause_run: usize,
    pub(crate) clause_not_before: Vec<String>,
    /// `ClauseBytes::new(clause_starts)`.
    pub(crate) clause_bytes: ClauseBytes,
}

/// The bytes that may stand at each of the first few places of a sentence opening a clause
/// (a clause start, then whitespace), so that most sentences are ruled out by their first
/// bytes, before the clause test proper: "The" and "They" by their third or fourth byte
/// where "That" and "Whereas" start clauses.
pub(crate) struct ClauseBytes([[bool; 256]; CLAUSE_BYTES]);

const CLAUSE_BYTES: usize = 4;

impl ClauseBytes {
    pub(crate) fn new(starts: &[String]) -> ClauseBytes {
        // A first byte that `trim_start` may pass over (ASCII whitespace, or a non-ASCII lead
        // byte, as some spaces are) is let through, and the test proper decides.
        let mut at = [[false; 256]; CLAUSE_BYTES];
        let space_or_wide = |set: &mut [bool; 256]| {
            for b in [b'\t', b'\n', 0x0B, 0x0C, b'\r', b' '] {
                set[b as usize] = true;
            }
            set[0x80..].fill(true);
        };
        space_or_wide(&mut at[0]);
        for start in starts.iter().map(|s| s.as_bytes()) {
            for (i, set) in at.iter_mut().enumerate() {
                match i.cmp(&start.len()) {
                    std::cmp::Ordering::Less => set[start[i] as usize] = true,
                    // The whitespace after the start: its first byte.
                    std::cmp::Ordering::Equal => space_or_wide(set),
                    std::cmp::Ordering::Greater => set.fill(true),
                }
            }
        }
        ClauseBytes(at)
    }

    /// False only where `body` (a sentence) opens no clause: it is empty, or it starts with
    /// an ASCII byte other than whitespace (so is its own `trim_start`) and one of its first
    /// bytes fits no clause start followed by whitespace.
    #[inline]
    pub(crate) fn may_open(&self, body: &[u8]) -> bool {
        let Some(&first) = body.first() else {
            return false;
        };
        // `char::is_whitespace` on ASCII (`u8::is_ascii_whitespace` leaves out U+000B).
        if first >= 0x80 || matches!(first, b'\t'..=b'\r' | b' ') {
            return true;
        }
        body.iter().zip(&self.0).all(|(&b, set)| set[b as usize])
    }
}

/// Longest stretch an unclosed quotation may claim before it is cut at a sentence end.
const MAX_UNCLOSED: usize = 600;

impl QuotationFinder {
    pub fn new(lex: &QuotationLexicon) -> Result<QuotationFinder, String> {
        let mut pairs = Vec::new();
        for [open, close] in &lex.pairs {
            let mut o = open.chars();
            let mut c = close.chars();
            match (o.next(), o.next(), c.next(), c.next()) {
                (Some(a), None, Some(b), None) => pairs.push((a, b)),
                _ => {
                    return Err(format!(
                        "quotation pair [{open:?}, {close:?}] must be two single characters"
                    ));
                }
            }
        }
        // ASCII pair characters are never visited (only '"' and non-ASCII lead bytes are).
        let mut leads = vec![b'"'];
        for &(open, close) in &pairs {
            for c in [open, close] {
                let lead = c.encode_utf8(&mut [0; 4]).as_bytes()[0];
                if !c.is_ascii() && !leads.contains(&lead) {
                    leads.push(lead);
                }
            }
        }
        let marks = (leads.len() <= 3).then(|| {
            let mut marks = [b'"'; 3];
            marks[..leads.len()].copy_from_slice(&leads);
            marks
        });
        let term_cues: Vec<String> = lex.term_cues.iter().map(|s| s.to_lowercase()).collect();
        let title_cues: Vec<String> = lex.title_cues.iter().map(|s| s.to_lowercase()).collect();
        Ok(QuotationFinder {
            min_words: lex.min_words,
            term_index: CueIndex::new(&term_cues),
            title_index: CueIndex::new(&title_cues),
            term_cues,
            title_cues,
            pairs,
            marks,
            continuations: lex.continuations.clone(),
            clause_starts: lex.clause_starts.clone(),
            clause_run: lex.clause_run.max(1),
            clause_not_before: lex.clause_not_before.clone(),
            clause_bytes: ClauseBytes::new(&lex.clause_starts),
        })
    }

    /// Every span between quotation marks in a block, paired by context, quotations or not.
    pub fn quoted_spans(&self, text: &str, block: Range<usize>) -> Vec<(Range<usize>, bool)> {
        let slice = &text[block.clone()];
        let bytes = slice.as_bytes();
        // Visit only bytes that can start a quotation mark: '"' or a non-ASCII lead byte.
        // A character no pair holds changes nothing below, so where the pairs' lead bytes
        // are few only they are searched for; otherwise every lead byte, eight at a time.
        let next = |from: usize| match self.marks {
            Some([a, b, c]) => memchr::memchr3(a, b, c, &bytes[from..]).map(|k| from + k),
            None => next_mark(bytes, from),
        };
        // Most blocks hold no quotation mark at all: every mark is '"' or starts with a
        // non-ASCII lead byte, so a block with neither needs no character walk.
        if self.marks.is_none() && memchr::memchr(b'"', bytes).is_none() && slice.is_ascii() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut open: Option<(usize, char)> = None; // (byte offset in slice, expected closer)
        let mut i = 0;
        while let Some(here) = next(i) {
            let Some(c) = slice[here..].chars().next() else {
                break;
            };
            i = here + c.len_utf8();
            let i = here;
            if c == '"' {
                // The characters around are read for straight quotes only.
                let prev = slice[..i].chars().next_back();
                let next = slice[i + 1..].chars().next();
                let can_open = next.is_some_and(|n| !n.is_whitespace())
                    && prev.is_none_or(|p| !p.is_alphabetic());
                let can_close = prev.is_some_and(|p| !p.is_whitespace())
                    && next.is_none_or(|n| !n.is_alphanumeric());
                match open {
                    Some((o, '"')) if can_close || !can_open => {
                        out.push((o..i + 1, true));
                        open = None;
                    }
                    Some((o, _)) if can_open => {
                        out.push((o..self.unclosed_end(slice, o, i), false));
                        open = Some((i, '"'));
                    }
                    None if can_open => open = Some((i, '"')),
                    _ => {}
                }
                continue;
            }
            if let Some(&(_, close)) = self.pairs.iter().find(|(o, _)| *o == c) {
                // „ … “ reuses “ as a closer: a closer match takes precedence.
                if let Some((o, expected)) = open {
                    if expected == c {
                        out.push((o..i + c.len_utf8(), true));
                        open = None;
                        continue;
                    }
                    out.push((o..self.unclosed_end(slice, o, i), false));
                }
                open = Some((i, close));
                continue;
            }
            if let Some((o, expected)) = open
                && c == expected
            {
                out.push((o..i + c.len_utf8(), true));
                open = None;
            }
        }
        if let Some((o, _)) = open {
            out.push((o..self.unclosed_end(slice, o, slice.len()), false));
        }
        out.into_iter()
            .map(|(r, closed)| (block.start + r.start..block.start + r.end, closed))
            .filter(|(r, _)| r.end > r.start)
            .collect()
    }

    /// An unclosed quotation ends at the first sentence end after it, within reach.
    fn unclosed_end(&self, slice: &str, open: usize, limit: usize) -> usize {
        let mut hard = limit.min(open + MAX_UNCLOSED);
        while !slice.is_char_boundary(hard) {
            hard -= 1;
        }
        let body = &slice[open..hard];
        let bytes = body.as_bytes();
        for (i, &b) in bytes.iter().enumerate().skip(1) {
            if matches!(b, b'.' | b'!' | b'?' | b':')
                && bytes.get(i + 1).is_none_or(|n| *n == b' ')
                && i > 20
            {
                return open + i + 1;
            }
        }
        hard
    }

    /// Inline quotations of a block, with the spans rejected as terms or titles.
    pub fn find(&self, text: &str, block: Range<usize>) -> Vec<Quotation> {
        self.quoted_spans(text, block.clone())
            .into_iter()
            .filter(|(range, _)| self.classify(text, block.start, range.clone()).is_none())
            .map(|(range, closed)| Quotation {
                range,
                kind: QuoteKind::Inline,
                closed,
            })
            .collect()
    }

    /// `None` when quoted text reads as someone's words; otherwise why it does not.
    pub fn classify(&self, text: &str, floor: usize, range: Range<usize>) -> Option<NotQuotation> {
        let inner = trim_to_words(&text[range.clone()]).trim();
        // Words (holding a letter or digit), and among them the long (four characters or more)
        // and the long capitalised ones: counted in one pass, not collected.
        let (words, long_words, capitalised) = if inner.is_ascii() {
            count_words_ascii(inner.as_bytes())
        } else {
            count_words(inner)
        };
        if words < self.min_words {
            return Some(NotQuotation::TooShort);
        }
        let mut from = range.start.saturating_sub(40).max(floor);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        // Lower-cased on the stack when ASCII (nearly always), as `to_lowercase` would.
        let window = text[from..range.start].trim_end();
        let mut buf = [0u8; 64];
        let heap;
        let before = match buf.get_mut(..window.len()) {
            Some(lower) if window.is_ascii() => {
                lower.copy_from_slice(window.as_bytes());
                lower.make_ascii_lowercase();
                std::str::from_utf8(lower).expect("ASCII stays UTF-8")
            }
            _ => {
                heap = window.to_lowercase();
                heap.as_str()
            }
        };
        let before = before.trim_end_matches([',', '(']);
        let last = before.as_bytes().last().copied();
        let ends_with_cue = |cue: &String| {
            before.ends_with(cue.as_str())
                && before[..before.len() - cue.len()]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
        };
        // Only a cue that is empty or ends in the text's last byte can end it.
        if self.title_index.any(&self.title_cues, last, ends_with_cue) {
            return Some(NotQuotation::Title);
        }
        if self.term_index.any(&self.term_cues, last, ends_with_cue) {
            return Some(NotQuotation::Term);
        }
        // A quoted string followed by a credit ("… " by Jane Doe, "…" CNN, July 17) is a title.
        let mut stop = (range.end + 60).min(text.len());
        while !text.is_char_boundary(stop) {
            stop -= 1;
        }
        let after = &text[range.end..stop];
        if follows_credit(after) {
            return Some(NotQuotation::Title);
        }
        // Quoted words used as a modifier ("the \"enemies of the people\" campaign") are a term.
        if let Some(next) = after
            .strip_prefix(' ')
            .and_then(|a| a.split_whitespace().next())
        {
            let bare = next.trim_end_matches(|c: char| !c.is_alphanumeric());
            // Only short phrases work as modifiers; a longer quotation followed by an adverb
            // ("… » hier", "…\" yesterday") is still someone's words.
            let attributive = words <= 5
                && bare.chars().next().is_some_and(|c| c.is_lowercase())
                && !inner.ends_with(['.', '!', '?', ',', '…'])
                && !self.continuations.iter().any(|w| w == bare);
            if attributive {
                return Some(NotQuotation::Term);
            }
        }
        // Headline-style capitalisation with no sentence punctuation reads as a title.
        let sentence_like = inner.ends_with(['.', '!', '?', ',', '…']);
        if long_words > 0 && capitalised * 4 >= long_words * 3 && !sentence_like {
            return Some(NotQuotation::Title);
        }
        None
    }
}

/// Whether `trim_to_words` trims `c`: neither a letter nor a digit, nor '…' or '.'.
fn trimmed(c: char) -> bool {
    !c.is_alphanumeric() && c != '…' && c != '.'
}

/// `s` without the chars `trimmed` at either end: the quotation marks around a quoted text.
/// The marks are ASCII or general punctuation (U+2010..=U+205E, ‘ ’ “ ” „ ‹ › …) and « »,
/// which need no lookup in the Unicode tables (four of them a quotation were a fifth of its
/// classification).
fn trim_to_words(s: &str) -> &str {
    let quick = |c: char| match c {
        '\0'..='\x7f' => Some(!c.is_ascii_alphanumeric() && c != '.'),
        '«' | '»' => Some(true),
        // General punctuation holds no letter or digit; '…' is kept.
        '\u{2010}'..='\u{205e}' => Some(c != '…'),
        _ => None,
    };
    let trims = |c: char| quick(c).unwrap_or_else(|| trimmed(c));
    s.trim_start_matches(trims).trim_end_matches(trims)
}

/// The first byte at or after `from` that can start a quotation mark: a '"' or a non-ASCII
/// lead byte (0xC0 and up), tested eight bytes at a time.
fn next_mark(bytes: &[u8], from: usize) -> Option<usize> {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // The high bit of each zero byte of `y`, exactly: adding 0x7f to the low seven bits
        // carries into the high bit of the non-zero ones, and never into the next byte.
        let y = x ^ (LOW * u64::from(b'"'));
        let quote = !(((y & !HIGH) + !HIGH) | y) & HIGH;
        // Both top bits set: bit 6 moved up to bit 7 stays within its byte.
        let lead = x & (x << 1) & HIGH;
        let marks = quote | lead;
        if marks != 0 {
            return Some(i + marks.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    (i..bytes.len()).find(|&j| bytes[j] == b'"' || bytes[j] >= 0xC0)
}

/// Words of a quoted text (runs between whitespace holding a letter or digit), the long ones
/// among them (four characters or more) and the long ones capitalised.
fn count_words(inner: &str) -> (usize, usize, usize) {
    let (mut words, mut long_words, mut capitalised) = (0usize, 0usize, 0usize);
    for w in inner.split_whitespace() {
        if !w.chars().any(|c| c.is_alphanumeric()) {
            continue;
        }
        words += 1;
        if w.chars().nth(3).is_some() {
            long_words += 1;
            capitalised += usize::from(w.chars().next().is_some_and(|c| c.is_uppercase()));
        }
    }
    (words, long_words, capitalised)
}

/// [`count_words`] of an ASCII text, on bytes: there a char is a byte, and whitespace,
/// letters, digits and capitals are the ASCII ones.
fn count_words_ascii(inner: &[u8]) -> (usize, usize, usize) {
    let (mut words, mut long_words, mut capitalised) = (0usize, 0usize, 0usize);
    for w in inner
        .split(|b| matches!(b, b' ' | b'\t'..=b'\r'))
        .filter(|w| !w.is_empty())
    {
        if !w.iter().any(u8::is_ascii_alphanumeric) {
            continue;
        }
        words += 1;
        if w.len() >= 4 {
            long_words += 1;
            capitalised += usize::from(w[0].is_ascii_uppercase());
        }
    }
    (words, long_words, capitalised)
}

/// A cue list's positions by last byte: `order[start[b]..start[b + 1]]` are the cues ending
/// in byte `b`, in list order; `empty` those that are empty (they end every text).
struct CueIndex {
    start: Box<[u32; 257]>,
    order: Vec<u32>,
    empty: Vec<u32>,
}

impl CueIndex {
    fn new(cues: &[String]) -> CueIndex {
        let mut start = Box::new([0u32; 257]);
        for cue in cues {
            if let Some(&b) = cue.as_bytes().last() {
                start[usize::from(b) + 1] += 1;
            }
        }
        for b in 0..256 {
            start[b + 1] += start[b];
        }
        let mut next = start.clone();
        let mut order = vec![0u32; usize_of(start[256])];
        let mut empty = Vec::new();
        for (k, cue) in cues.iter().enumerate() {
            match cue.as_bytes().last() {
                Some(&b) => {
                    order[usize_of(next[usize::from(b)])] = k as u32;
                    next[usize::from(b)] += 1;
                }
                None => empty.push(k as u32),
            }
        }
        CueIndex {
            start,
            order,
            empty,
        }
    }

    /// Whether `ends` holds for a cue that is empty or ends in `last`: the same answer as
    /// `cues.iter().any(ends)` when `ends` needs the text to end with the cue.
    fn any(&self, cues: &[String], last: Option<u8>, ends: impl Fn(&String) -> bool) -> bool {
        let same_last = last.map_or(&[][..], |b| {
            let b = usize::from(b);
            &self.order[usize_of(self.start[b])..usize_of(self.start[b + 1])]
        });
        self.empty
            .iter()
            .chain(same_last)
            .any(|&k| ends(&cues[usize_of(k)]))
    }
}

/// A position kept as `u32` (cue lists are far shorter than 2^32).
fn usize_of(n: u32) -> usize {
    n as usize
}

/// Text right after a closing mark that credits a publication: "by Name", "Outlet, Month D".
fn follows_credit(after: &str) -> bool {
    let t = after.trim_start_matches([' ', ',', '\u{a0}']);
    if let Some(rest) = t.strip_prefix("by ").or_else(|| t.strip_prefix("By ")) {
        return rest.chars().next().is_some_and(|c| c.is_uppercase());
    }
    // "CNN, July 17, 1997" / "BBC, July 12, 2002": a short capitalised outlet, then a date.
    // The first ", " (`find` would set up a substring searcher for each text).
    let b = t.as_bytes();
    if let Some(comma) = memchr::memchr_iter(b',', b).find(|&i| b.get(i + 1) == Some(&b' ')) {
        let outlet = &t[..comma];
        let date = &t[comma + 2..];
        // The date first: most texts after a quotation hold a comma, few a month after it,
        // and the outlet's words were split and counted for each (a tenth of classify).
        return MONTHS.iter().any(|m| date.starts_with(m)) && is_outlet(outlet);
    }
    false
}

/// Month names that open the date of a press credit ("CNN, July 17, 1997").
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// One to four words split at single spaces, each starting with a capital.
fn is_outlet(outlet: &str) -> bool {
    !outlet.is_empty()
        && outlet.split(' ').count() <= 4
        && outlet
            .split(' ')
            .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
}

/// [`follows_credit`] with the outlet tested before the date, as it was: its test oracle.
#[cfg(test)]
fn follows_credit_outlet_first(after: &str) -> bool {
    let t = after.trim_start_matches([' ', ',', '\u{a0}']);
    if let Some(rest) = t.strip_prefix("by ").or_else(|| t.strip_prefix("By ")) {
        return rest.chars().next().is_some_and(|c| c.is_uppercase());
    }
    let b = t.as_bytes();
    if let Some(comma) = memchr::memchr_iter(b',', b).find(|&i| b.get(i + 1) == Some(&b' ')) {
        let outlet = &t[..comma];
        let date = &t[comma + 2..];
        let outlet_ok = !outlet.is_empty()
            && outlet.split(' ').count() <= 4
            && outlet
                .split(' ')
                .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()));
        return outlet_ok && MONTHS.iter().any(|m| date.starts_with(m));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finder() -> QuotationFinder {
        QuotationFinder::new(&QuotationLexicon::embedded()).unwrap()
    }

    /// The byte-by-byte `quoted_spans` the stretch jumps went into, kept as its oracle.
    fn quoted_spans_bytewise(
        f: &QuotationFinder,
        text: &str,
        block: Range<usize>,
    ) -> Vec<(Range<usize>, bool)> {
        let slice = &text[block.clone()];
        // Most blocks hold no quotation mark at all: every mark is '"' or starts with a
        // non-ASCII lead byte, so a block with neither needs no character walk.
        if memchr::memchr(b'"', slice.as_bytes()).is_none() && slice.is_ascii() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut open: Option<(usize, char)> = None; // (byte offset in slice, expected closer)
        let bytes = slice.as_bytes();
        // Visit only bytes that can start a quotation mark: '"' or a non-ASCII lead byte.
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b != b'"' && b < 0xC0 {
                i += 1;
                continue;
            }
            let Some(c) = slice[i..].chars().next() else {
                break;
            };
            let here = i;
            i += c.len_utf8();
            let prev = slice[..here].chars().next_back();
            let next = slice[i..].chars().next();
            let i = here;
            if c == '"' {
                let can_open = next.is_some_and(|n| !n.is_whitespace())
                    && prev.is_none_or(|p| !p.is_alphabetic());
                let can_close = prev.is_some_and(|p| !p.is_whitespace())
                    && next.is_none_or(|n| !n.is_alphanumeric());
                match open {
                    Some((o, '"')) if can_close || !can_open => {
                        out.push((o..i + 1, true));
                        open = None;
                    }
                    Some((o, _)) if can_open => {
                        out.push((o..f.unclosed_end(slice, o, i), false));
                        open = Some((i, '"'));
                    }
                    None if can_open => open = Some((i, '"')),
                    _ => {}
                }
                continue;
            }
            if let Some(&(_, close)) = f.pairs.iter().find(|(o, _)| *o == c) {
                // „ … “ reuses “ as a closer: a closer match takes precedence.
                if let Some((o, expected)) = open {
                    if expected == c {
                        out.push((o..i + c.len_utf8(), true));
                        open = None;
                        continue;
                    }
                    out.push((o..f.unclosed_end(slice, o, i), false));
                }
                open = Some((i, close));
                continue;
            }
            if let Some((o, expected)) = open
                && c == expected
            {
                out.push((o..i + c.len_utf8(), true));
                open = None;
            }
        }
        if let Some((o, _)) = open {
            out.push((o..f.unclosed_end(slice, o, slice.len()), false));
        }
        out.into_iter()
            .map(|(r, closed)| (block.start + r.start..block.start + r.end, closed))
            .filter(|(r, _)| r.end > r.start)
            .collect()
    }

    /// The embedded pairs' lead bytes are searched for alone; with a fourth lead byte every
    /// lead byte is visited; ASCII pair characters are visited by neither (nor by the walk).
    fn finders() -> Vec<QuotationFinder> {
        let with = |extra: &[[&str; 2]]| {
            let mut lex = QuotationLexicon::embedded();
            lex.pairs
                .extend(extra.iter().map(|[o, c]| [o.to_string(), c.to_string()]));
            QuotationFinder::new(&lex).unwrap()
        };
        let all = vec![
            finder(),
            with(&[["「", "」"]]),
            with(&[["<", ">"], ["‹", "›"]]),
            with(&[["<", ">"], ["『", "»"]]),
        ];
        assert!(all[0].marks.is_some() && all[1].marks.is_none());
        assert!(all[2].marks.is_some() && all[3].marks.is_none());
        all
    }

    #[test]
    fn quoted_spans_agree_with_the_bytewise_walk() {
        let finders = finders();
        let pieces = [
            " ",
            "word",
            "He said",
            ".",
            ",",
            "\"",
            "“",
            "”",
            "„",
            "«",
            "»",
            "‘",
            "’",
            "é",
            "–",
            "\n",
            "x\"",
            "\"x",
            "It was the end of it all",
            "a b c d e f g h i j k",
            "\u{85}",
            "😀",
            "\t",
            "「",
            "」",
            "『",
            "<",
            ">",
            "‹",
            "›",
            "—",
        ];
        let mut next = crate::extract::test_random::below(31);
        for _ in 0..20_000 {
            let text: String = (0..next(80)).map(|_| pieces[next(pieces.len())]).collect();
            let block = crate::extract::test_random::char_range(&text, &mut next);
            for f in &finders {
                assert_eq!(
                    f.quoted_spans(&text, block.clone()),
                    quoted_spans_bytewise(f, &text, block.clone()),
                    "{text:?} {block:?}"
                );
            }
        }
    }

    /// The `classify` that collected words and lower-cased on the heap, kept as its oracle.
    fn classify_collecting(
        f: &QuotationFinder,
        text: &str,
        floor: usize,
        range: Range<usize>,
    ) -> Option<NotQuotation> {
        let inner = trim_to_words(&text[range.clone()]).trim();
        let words: Vec<&str> = inner
            .split_whitespace()
            .filter(|w| w.chars().any(|c| c.is_alphanumeric()))
            .collect();
        if words.len() < f.min_words {
            return Some(NotQuotation::TooShort);
        }
        let mut from = range.start.saturating_sub(40).max(floor);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let before = text[from..range.start].trim_end().to_lowercase();
        let before = before.trim_end_matches([',', '(']);
        let ends_with_cue = |cue: &String| {
            before.ends_with(cue.as_str())
                && before[..before.len() - cue.len()]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
        };
        if f.title_cues.iter().any(ends_with_cue) {
            return Some(NotQuotation::Title);
        }
        if f.term_cues.iter().any(ends_with_cue) {
            return Some(NotQuotation::Term);
        }
        // A quoted string followed by a credit ("… " by Jane Doe, "…" CNN, July 17) is a title.
        let mut stop = (range.end + 60).min(text.len());
        while !text.is_char_boundary(stop) {
            stop -= 1;
        }
        let after = &text[range.end..stop];
        if follows_credit(after) {
            return Some(NotQuotation::Title);
        }
        // Quoted words used as a modifier ("the \"enemies of the people\" campaign") are a term.
        if let Some(next) = after
            .strip_prefix(' ')
            .and_then(|a| a.split_whitespace().next())
        {
            let bare = next.trim_end_matches(|c: char| !c.is_alphanumeric());
            // Only short phrases work as modifiers; a longer quotation followed by an adverb
            // ("… » hier", "…\" yesterday") is still someone's words.
            let attributive = words.len() <= 5
                && bare.chars().next().is_some_and(|c| c.is_lowercase())
                && !inner.ends_with(['.', '!', '?', ',', '…'])
                && !f.continuations.iter().any(|w| w == bare);
            if attributive {
                return Some(NotQuotation::Term);
            }
        }
        // Headline-style capitalisation with no sentence punctuation reads as a title.
        let long_words: Vec<&&str> = words.iter().filter(|w| w.chars().count() >= 4).collect();
        let capitalised = long_words
            .iter()
            .filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
            .count();
        let sentence_like = inner.ends_with(['.', '!', '?', ',', '…']);
        if !long_words.is_empty() && capitalised * 4 >= long_words.len() * 3 && !sentence_like {
            return Some(NotQuotation::Title);
        }
        None
    }

    #[test]
    fn classify_agrees_with_the_collecting_version() {
        let f = finder();
        let pieces = [
            " ",
            " ",
            "word",
            "Word",
            "Long",
            "longer",
            "the",
            "so-called",
            "by",
            "By",
            "CNN, ",
            "July",
            "\"",
            "“",
            "”",
            ".",
            ",",
            "(",
            "…",
            "É",
            "élan",
            "ÉLAN",
            "İ",
            "ß",
            "campaign",
            "term",
            "Title",
            "a",
            "b",
            "c",
            "d",
            "\u{a0}",
            "\n",
            "Enemies Of The People",
            "\t",
            "\u{b}",
            "ab\u{c}cd",
            "-",
            "x1y",
        ];
        let mut next = crate::extract::test_random::below(37);
        let mut cues: Vec<String> = f.term_cues.iter().chain(&f.title_cues).cloned().collect();
        cues.push(String::new());
        let mut verdicts = [0usize; 4];
        for _ in 0..20_000 {
            // Text before the quote, often ending in a cue (or upper-cased cue), then the quote.
            let mut text: String = (0..next(12)).map(|_| pieces[next(pieces.len())]).collect();
            let cue = &cues[next(cues.len())];
            match next(3) {
                0 => text.push_str(cue),
                1 => text.push_str(&cue.to_uppercase()),
                _ => {}
            }
            text.push_str([" ", "", ", ", " ("][next(4)]);
            let start = text.len();
            text.push_str(["\"", "“"][next(2)]);
            for _ in 0..next(12) {
                text.push_str(pieces[next(pieces.len())]);
            }
            text.push_str(["\"", "”", ".\""][next(3)]);
            let end = text.len();
            for _ in 0..next(6) {
                text.push_str(pieces[next(pieces.len())]);
            }
            let floor = next(start + 1);
            let floor = (0..=floor)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            let want = classify_collecting(&f, &text, floor, start..end);
            assert_eq!(f.classify(&text, floor, start..end), want, "{text:?}");
            verdicts[match want {
                None => 0,
                Some(NotQuotation::TooShort) => 1,
                Some(NotQuotation::Term) => 2,
                Some(NotQuotation::Title) => 3,
            }] += 1;
        }
        // Every verdict is reached, so each path was compared.
        assert!(verdicts.iter().all(|&n| n > 100), "{verdicts:?}");
    }

    fn quotes(text: &str) -> Vec<&str> {
        finder()
            .find(text, 0..text.len())
            .into_iter()
            .map(|q| &text[q.range])
            .collect()
    }

    #[test]
    fn quotation_or_not_table() {
        let cases: Vec<(&str, Vec<&str>)> = vec![
            (
                "He wrote: \"We are far behind and must catch up fast.\" Then left.",
                vec!["\"We are far behind and must catch up fast.\""],
            ),
            (
                "She said “the plan was never meant to work” in court.",
                vec!["“the plan was never meant to work”"],
            ),
            (
                "Il a dit «nous ne savons rien de plus» hier.",
                vec!["«nous ne savons rien de plus»"],
            ),
            ("They hunted \"saboteurs\" everywhere.", vec![]),
            ("The so-called \"enemies of the people\" were shot.", vec![]),
            (
                "Peasants branded as \"too rich for a peasant\" suffered.",
                vec![],
            ),
            (
                "He wrote the book \"How the Steel Was Tempered Again\" in prison.",
                vec![],
            ),
            (
                "An article, \"Former Killing Ground Becomes Shrine\", appeared.",
                vec![],
            ),
            (
                "Members of the “Trotsky-Zinoviev terrorist organisation” were tried.",
                vec![],
            ),
            (
                "Sources: \"Victims honored in an emotional memorial\"  By Jo Sweeney, The Post.",
                vec![],
            ),
            (
                "\"Death trenches bear witness to the purges\" CNN, July 17, 1997",
                vec![],
            ),
            (
                "the reason was that \"for many years they led the struggle against socialism\". The end.",
                vec!["\"for many years they led the struggle against socialism\""],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(quotes(text), want, "{text:?}");
        }
    }

    #[test]
    fn unclosed_marks_end_at_their_sentence() {
        let text = "The panel wrote: \"Independent of other evidence, the panel finds that much. The panel concluded: \"We find the trials to be frame-ups.\" Next.";
        let spans: Vec<(&str, bool)> = finder()
            .quoted_spans(text, 0..text.len())
            .into_iter()
            .map(|(r, closed)| (&text[r], closed))
            .collect();
        assert_eq!(
            spans,
            vec![
                (
                    "\"Independent of other evidence, the panel finds that much.",
                    false
                ),
                ("\"We find the trials to be frame-ups.\"", true),
            ]
        );
    }

    #[test]
    fn glued_straight_quotes_pair_by_context() {
        let text = "graves were found.\"Death trenches bear witness\" CNN, July 17, 1997\"Mass grave found at monastery\", BBC";
        let spans: Vec<&str> = finder()
            .quoted_spans(text, 0..text.len())
            .into_iter()
            .map(|(r, _)| &text[r])
            .collect();
        assert_eq!(
            spans,
            vec![
                "\"Death trenches bear witness\"",
                "\"Mass grave found at monastery\""
            ]
        );
    }

    #[test]
    fn never_panics() {
        let f = finder();
        for text in [
            "\"",
            "“",
            "”",
            "«»",
            "\"\"\"",
            "a\"b\"c",
            "“é",
            &"\"x ".repeat(1000),
        ] {
            let _ = f.find(text, 0..text.len());
        }
    }

    /// `trim_to_words` as it was written: the Unicode predicate at every char.
    fn trim_to_words_by_tables(s: &str) -> &str {
        s.trim_matches(trimmed)
    }

    #[test]
    fn words_are_trimmed_as_by_the_tables() {
        for s in [
            "",
            "\"",
            "“”",
            "“Hello,” ",
            "«\u{a0}Bonjour\u{a0}»",
            "‘…and so.’",
            "„Guten Tag“",
            "\"2,000 people\"",
            "“ ",
            "‹x›",
            "“‰ text ‱”",
            "“Ⅻ”",
            "\"¡Hola!\"",
            "“é”",
            "”.”",
            "\u{2010}\u{205e}\u{205f}x\u{2060}",
            "\u{2070}",
        ] {
            assert_eq!(trim_to_words(s), trim_to_words_by_tables(s), "{s:?}");
        }
        // Every char from U+0000 to U+2100 alone and around a word.
        for c in ('\0'..='\u{2100}').chain(['\u{3000}', '\u{ff02}', '\u{1f600}']) {
            for s in [c.to_string(), format!("{c}a{c}"), format!("{c}{c}.{c}")] {
                assert_eq!(trim_to_words(&s), trim_to_words_by_tables(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn credits_are_told_as_with_the_outlet_first() {
        for after in [
            "",
            " by Jane Doe",
            ", By jane",
            " CNN, July 17, 1997",
            " BBC World Service, March 3",
            " The New York Times Review, May 1",
            " One Two Three Four Five, May 1",
            " cnn, July 17",
            " CNN,July 17",
            " CNN, july 17",
            ", CNN, June",
            " Élan, Mayday",
            " CNN  News, May",
            " said, in May",
            "\u{a0}Le Monde, December 24",
        ] {
            assert_eq!(
                follows_credit(after),
                follows_credit_outlet_first(after),
                "{after:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn credits_are_told_as_with_the_outlet_first_any(
            after in "([ ,]|by |By |[A-Z][a-z]{0,3}|May|June|July|, |\u{a0}|É|\\PC){0,10}"
        ) {
            proptest::prop_assert_eq!(follows_credit(&after), follows_credit_outlet_first(&after));
        }

        #[test]
        fn words_are_trimmed_as_by_the_tables_any(
            s in "([a-z .…\"«»‘’“”„‹›\u{2010}-\u{2060}\u{a0}]|\\PC){0,12}"
        ) {
            proptest::prop_assert_eq!(trim_to_words(&s), trim_to_words_by_tables(&s));
        }

        #[test]
        fn marks_are_found_as_byte_by_byte(s in "([a-z \"]|\\PC){0,40}", from in 0usize..48) {
            let b = s.as_bytes();
            let from = from.min(b.len());
            proptest::prop_assert_eq!(
                next_mark(b, from),
                (from..b.len()).find(|&j| b[j] == b'"' || b[j] >= 0xC0)
            );
        }

        #[test]
        fn ascii_words_are_counted_as_chars(s in "[a-zA-Z0-9 .,\\-\\t\\n\\x0b\\x0c\\r\\x1c\\x00]{0,40}") {
            proptest::prop_assert_eq!(count_words_ascii(s.as_bytes()), count_words(&s));
        }

        #[test]
        fn indexed_cues_answer_as_the_whole_list(
            cues in proptest::collection::vec("[ab,(é]{0,3}", 0..8),
            before in "[ab,(é]{0,5}",
        ) {
            let index = CueIndex::new(&cues);
            let ends = |cue: &String| before.ends_with(cue.as_str());
            proptest::prop_assert_eq!(
                index.any(&cues, before.as_bytes().last().copied(), ends),
                cues.iter().any(ends)
            );
        }
    }
}

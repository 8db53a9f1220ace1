//! Claims: every figure as a statement about a quantity — a value interval and a key (what is
//! measured, about what, when) — plus where its source comes from. The figure index
//! (`factlint figures`) prints them; `conflicting-figure` groups them across the corpus.

use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use regex::Regex;
use serde::Serialize;

use crate::diagnostic::Span;
use crate::extract::{Analysis, Scope, SourceStatus, is_word_byte};
use crate::source::{LineCol, LineIndex, SourceFile};

/// Where a claim's source comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimSource {
    pub status: SourceKind,
    /// The citation or attribution text, when there is one.
    pub text: Option<Box<str>>,
}

/// How a claim is sourced: one byte, not a `&str`'s sixteen, in each of a million claims.
/// Serialised and displayed as `cited`, `attributed` or `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Cited,
    Attributed,
    #[serde(rename = "none")]
    Unsourced,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Cited => "cited",
            SourceKind::Attributed => "attributed",
            SourceKind::Unsourced => "none",
        }
    }
}

impl std::fmt::Display for SourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `pad`, not `write_str`: the table aligns the status with a width.
        f.pad(self.as_str())
    }
}

/// What a claim is about. Empty fields are unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ClaimKey {
    pub measure: Option<String>,
    pub subject: Option<String>,
    pub period: Option<String>,
    /// What sets the quantity apart from a plain count of the measure ("average", "excess").
    #[serde(skip)]
    pub qualifier: Option<String>,
    /// The subject is a broad one ("the camps", "the army") that does not by itself pin the
    /// quantity down.
    #[serde(skip)]
    pub generic_subject: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    /// Shared by all claims of a file: the claim index holds up to a million of them. An
    /// `Arc<String>`, not `Arc<str>`: a thin pointer, eight bytes less in each claim.
    pub path: Arc<String>,
    /// Positions are `u32` (see `narrow`): half the room, in a million claims.
    pub line: u32,
    pub column: u32,
    pub span: ClaimSpan,
    pub end: ClaimLineCol,
    pub text: FigureText,
    pub low: MaybeF64,
    pub high: MaybeF64,
    pub approx: bool,
    /// Place value of the last significant digit as written (for rounding tolerance).
    pub unit: f64,
    pub kind: crate::extract::numbers::NumberKind,
    /// Interned (see [`intern_key`]): a corpus states a few hundred distinct quantities a
    /// million times, so claims share their key rather than each owning four strings.
    #[serde(flatten)]
    pub key: Arc<ClaimKey>,
    pub source: ClaimSource,
    /// Digest of the figure's sentence (whitespace folded), for position-independent
    /// fingerprints. The claim index holds a million claims: a digest, not the sentence.
    #[serde(skip)]
    pub sentence_digest: u64,
    /// The sentence sets statements of one quantity against each other (see [`contrasts`]).
    /// Worked out only when the sentence holds another figure: alone, a figure contrasts
    /// nothing, and most claims stand alone in their sentence.
    #[serde(skip)]
    pub contrasts: bool,
    /// The figure is inside a quotation.
    pub quoted: bool,
    /// "13 of 15" → 15: a part of a stated whole.
    #[serde(skip)]
    pub denominator: MaybeF64,
    /// The paragraph (block group) the figure stands in, within its file.
    #[serde(skip)]
    pub paragraph: u32,
    /// The sentence the figure stands in (index within its file): which figures share one.
    #[serde(skip)]
    pub sentence_id: u32,
}

/// A claim's byte range in its file; serialised like [`Span`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClaimSpan {
    pub start: u32,
    pub end: u32,
}

impl From<ClaimSpan> for Span {
    fn from(s: ClaimSpan) -> Span {
        Span {
            start: s.start as usize,
            end: s.end as usize,
        }
    }
}

/// A claim's line and column; serialised like [`LineCol`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClaimLineCol {
    pub line: u32,
    pub column: u32,
}

impl From<ClaimLineCol> for LineCol {
    fn from(p: ClaimLineCol) -> LineCol {
        LineCol {
            line: p.line as usize,
            column: p.column as usize,
        }
    }
}

/// A position, line, column or index within one file, as a claim keeps it. Files stay below
/// 4 GiB: the CLI refuses a larger `--max-file-size` (the default is 256 MiB); a library caller
/// with a larger text would see positions saturate rather than wrap.
fn narrow(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// An `Option<f64>` in eight bytes, as figures keep their values (see `numbers::OptF64`):
/// three times a claim, a million claims.
pub type MaybeF64 = crate::extract::numbers::OptF64;

/// A figure as written ("1,200", "5 per cent"). Nearly all fit in the claim itself, which
/// spares each of a million claims a heap block of its own.
#[derive(Clone)]
pub struct FigureText(TextRepr);

/// Longest text kept inline: with the length and the tag, the type is as big as a `String`.
const INLINE_TEXT: usize = 22;

#[derive(Clone)]
enum TextRepr {
    Inline { len: u8, bytes: [u8; INLINE_TEXT] },
    Heap(Box<str>),
}

impl From<&str> for FigureText {
    fn from(s: &str) -> FigureText {
        FigureText(match u8::try_from(s.len()) {
            Ok(len) if s.len() <= INLINE_TEXT => {
                let mut bytes = [0; INLINE_TEXT];
                bytes[..s.len()].copy_from_slice(s.as_bytes());
                TextRepr::Inline { len, bytes }
            }
            _ => TextRepr::Heap(s.into()),
        })
    }
}

impl std::ops::Deref for FigureText {
    type Target = str;

    fn deref(&self) -> &str {
        match &self.0 {
            // Copied whole from a `str`, so always UTF-8: the fallback is never taken.
            TextRepr::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            TextRepr::Heap(s) => s,
        }
    }
}

impl PartialEq for FigureText {
    fn eq(&self, other: &FigureText) -> bool {
        **self == **other
    }
}

impl Eq for FigureText {}

impl std::fmt::Debug for FigureText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl std::fmt::Display for FigureText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&**self, f)
    }
}

impl Serialize for FigureText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

/// The one shared copy of `key`. Process-wide, as claims of every file and thread meet in
/// one index. Keys no claim holds any more are dropped each time the set doubles, so a
/// long-lived process keeps only about twice the keys in use.
pub fn intern_key(key: ClaimKey) -> Arc<ClaimKey> {
    struct Interner {
        keys: rustc_hash::FxHashSet<Arc<ClaimKey>>,
        /// Size at which unused keys are swept out.
        sweep_at: usize,
    }
    static KEYS: OnceLock<Mutex<Interner>> = OnceLock::new();
    let lock = KEYS.get_or_init(|| {
        Mutex::new(Interner {
            keys: Default::default(),
            sweep_at: 1024,
        })
    });
    // A panic elsewhere while holding the lock leaves the set whole: keep using it.
    let mut interner = lock.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(k) = interner.keys.get(&key) {
        return Arc::clone(k);
    }
    if interner.keys.len() >= interner.sweep_at {
        interner.keys.retain(|k| Arc::strong_count(k) > 1);
        interner.sweep_at = (interner.keys.len() * 2).max(1024);
    }
    let k = Arc::new(key);
    interner.keys.insert(Arc::clone(&k));
    k
}

/// Bytes of a sentence on each side of a figure that its key and its stored text may use.
/// Ordinary sentences fit whole; a pathological one-sentence megabyte stays linear.
const SENTENCE_WINDOW: usize = 400;

/// The part of sentence `s` within `SENTENCE_WINDOW` of `fig`, on char boundaries.
fn window(text: &str, s: &Range<usize>, fig: &Range<usize>) -> Range<usize> {
    let lo = text.floor_char_boundary(fig.start.saturating_sub(SENTENCE_WINDOW).max(s.start));
    let hi = text.ceil_char_boundary((fig.end + SENTENCE_WINDOW).min(s.end));
    lo.min(fig.start)..hi.max(fig.end)
}

/// Per-file lookups that every figure's key needs: built once, so keys cost no scan of the
/// whole file per figure.
struct KeyContext {
    /// For each block, the heading of its section.
    heading_of_block: Vec<Option<Range<usize>>>,
    /// For each sentence, the range of `a.figures` that stand in it.
    figures_of_sentence: Vec<Range<usize>>,
}

impl KeyContext {
    fn new(a: &Analysis) -> KeyContext {
        let mut heading_of_block = Vec::with_capacity(a.blocks.len());
        let mut current = None;
        for b in &a.blocks {
            // A heading's own figures are keyed against the previous heading.
            heading_of_block.push(current.clone());
            if b.kind == crate::parse::BlockKind::Heading {
                current = Some(b.range.clone());
            }
        }
        let mut figures_of_sentence = vec![0..0; a.sentences.len()];
        let mut i = 0;
        while i < a.figures.len() {
            let s = a.figures[i].sentence;
            let start = i;
            while i < a.figures.len() && a.figures[i].sentence == s {
                i += 1;
            }
            if let Some(slot) = figures_of_sentence.get_mut(s) {
                *slot = start..i;
            }
        }
        KeyContext {
            heading_of_block,
            figures_of_sentence,
        }
    }
}

/// The claims of one file, in order, with full keys (the figure index).
pub fn claims_of(file: &SourceFile, a: &Analysis, index: &LineIndex) -> Vec<Claim> {
    let keys = keys_of(file, a, false);
    let path = Arc::new(file.path.clone());
    let unknown = intern_key(ClaimKey::default());
    (0..a.figures.len())
        .zip(keys)
        .map(|(i, key)| {
            let key = key.unwrap_or_else(|| unknown.clone());
            claim(file, a, index, &path, i, key, true)
        })
        .collect()
}

/// The claims of one file that can be compared (those with a measure), for corpus rules. A
/// figure whose sentence window holds no measure word gets no key at all: most figures, and
/// the costly part of the work. Only figures with a measure become claims (a claim carries
/// its sentence, and a file can hold a million figures).
pub fn comparable_claims_of(file: &SourceFile, a: &Analysis, index: &LineIndex) -> Vec<Claim> {
    // As a large file's findings are placed (see `rules`): from a worker, not from the pool.
    let parallel = file.text.len() >= crate::extract::PARALLEL_MIN_BYTES
        && rayon::current_thread_index().is_none();
    comparable_claims_with(file, a, index, parallel)
}

fn comparable_claims_with(
    file: &SourceFile,
    a: &Analysis,
    index: &LineIndex,
    parallel: bool,
) -> Vec<Claim> {
    let keys = keys_of(file, a, true);
    let path = Arc::new(file.path.clone());
    let measured = (0..a.figures.len())
        .zip(keys)
        .filter_map(|(i, key)| Some((i, key.filter(|k| k.measure.is_some())?)));
    if !parallel {
        return measured
            .map(|(i, key)| claim(file, a, index, &path, i, key, false))
            .collect();
    }
    // A large file's claim positions, digests and contrasts, a serial 1,800 instructions a
    // claim, are worked out on every core a block at a time, into room made here; the claims
    // are made here, so that nothing is allocated on the pool (see `rules::place_in_parallel`).
    let measured: Vec<(usize, Arc<ClaimKey>)> = measured.collect();
    let mut out = Vec::with_capacity(measured.len());
    let mut placed = vec![ClaimPlace::default(); CLAIM_BLOCK.min(measured.len())];
    for block in measured.chunks(CLAIM_BLOCK) {
        let placed = &mut placed[..block.len()];
        place_claims(file, a, index, block, placed);
        out.extend(
            block
                .iter()
                .zip(placed.iter())
                .map(|((i, key), at)| claim_at(file, a, &path, *i, key.clone(), false, at)),
        );
    }
    out
}

/// Claims per block placed at once: bounds the room the places take beside the claims.
const CLAIM_BLOCK: usize = 1 << 14;

/// Claims per piece that one thread places with one line cursor.
const CLAIM_PIECE: usize = 1 << 10;

/// What a claim's figure yields before the claim is made: computing it allocates nothing, so
/// that it can run on any thread.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ClaimPlace {
    start: LineCol,
    end: LineCol,
    approx: bool,
    sentence_digest: u64,
    contrasts: bool,
    source: SourceStatus,
    paragraph: u32,
}

impl Default for ClaimPlace {
    fn default() -> ClaimPlace {
        ClaimPlace {
            start: LineCol::default(),
            end: LineCol::default(),
            approx: false,
            sentence_digest: 0,
            contrasts: false,
            source: SourceStatus::None,
            paragraph: 0,
        }
    }
}

impl ClaimPlace {
    /// The place of figure `i` of the analysis, its positions from `line_col`.
    fn new(
        file: &SourceFile,
        a: &Analysis,
        i: usize,
        mut line_col: impl FnMut(usize) -> LineCol,
    ) -> ClaimPlace {
        let t = &file.text;
        let f = &a.figures[i];
        let start = line_col(f.m.span.start);
        let sentence_range = a.sentences[f.sentence].range.clone();
        let sentence = &t[window(t, &sentence_range, &f.m.span)];
        // Figures are in document order, so those of one sentence are neighbours.
        let shares_sentence = (i > 0 && a.figures[i - 1].sentence == f.sentence)
            || a.figures
                .get(i + 1)
                .is_some_and(|g| g.sentence == f.sentence);
        let end = line_col(f.m.span.end);
        ClaimPlace {
            start,
            end,
            approx: f.m.approx || (f.m.low == f.m.high && estimated(&t[..f.m.span.start])),
            sentence_digest: crate::diagnostic::stable_hash_ws(&[sentence]),
            contrasts: shares_sentence && contrasts(sentence),
            source: a.source_of(f.sentence, Scope::Auto),
            paragraph: narrow(
                a.blocks
                    .get(a.sentences[f.sentence].block)
                    .map_or(a.sentences[f.sentence].block, |b| b.group),
            ),
        }
    }
}

/// [`ClaimPlace::new`] of each figure of `claims` into `placed` (as long), in pieces on every
/// core, each piece with a line cursor of its own.
fn place_claims(
    file: &SourceFile,
    a: &Analysis,
    index: &LineIndex,
    claims: &[(usize, Arc<ClaimKey>)],
    placed: &mut [ClaimPlace],
) {
    index.fill_in_pieces(claims, placed, CLAIM_PIECE, |(i, _), cursor| {
        ClaimPlace::new(file, a, *i, |o| cursor.line_col(&file.text, o))
    });
}

/// Every figure's key, elided statements filled in (see `inherit_elided`); `None` for a key
/// that knows nothing. Interned: a large file has a million figures and a few hundred keys.
type FigureKeys = Vec<Option<Arc<ClaimKey>>>;

fn keys_of(file: &SourceFile, a: &Analysis, measured_only: bool) -> FigureKeys {
    keys_of_with(
        file,
        a,
        measured_only,
        file.text.len() >= crate::extract::PARALLEL_MIN_BYTES,
    )
}

fn keys_of_with(
    file: &SourceFile,
    a: &Analysis,
    measured_only: bool,
    parallel: bool,
) -> FigureKeys {
    let mut keys = own_keys(file, a, measured_only, parallel);
    inherit_elided(file, a, &mut keys);
    keys
}

/// Every figure's key from its own sentence and context, before `inherit_elided`.
fn own_keys(file: &SourceFile, a: &Analysis, measured_only: bool, parallel: bool) -> FigureKeys {
    let kc = KeyContext::new(a);
    // Resolved once per file, not per figure (a lock and a reference count each time).
    let user = active_measures();
    let m = user.as_deref().unwrap_or_else(|| Measures::embedded());
    let keys_of_run = |figures: &[crate::extract::Figure]| -> FigureKeys {
        let mut caches = RunCaches::default();
        figures
            .iter()
            .map(|f| {
                let wanted = if measured_only {
                    let period = may_restate(file, a, f);
                    // A figure that can lend no period and surely has no measure needs no
                    // key (asked first: it rules out more figures than the cue search).
                    // Masking other figures changes the words counted: only a figure alone in
                    // its sentence is judged so.
                    let judged = !period && kc.figures_of_sentence[f.sentence].len() == 1;
                    if judged {
                        let s = window(&file.text, &a.sentences[f.sentence].range, &f.m.span);
                        let fig = f.m.span.start - s.start..f.m.span.end - s.start;
                        if m.surely_unmeasured(&file.text[s], &fig, &mut caches.scratch) {
                            return None;
                        }
                    }
                    if !caches.cues.may_have_measure(m, file, a, f) {
                        return None;
                    }
                    // A figure judged not surely unmeasured nearly always has a measure word
                    // near it: where its sentence's phrases stand would save it no search.
                    Wanted::Measured {
                        period,
                        phrases: !judged,
                    }
                } else {
                    Wanted::All
                };
                let key = key_in_file(m, file, a, f, &kc, &mut caches, wanted);
                (key != ClaimKey::default()).then(|| intern_key(key))
            })
            .collect()
    };
    // Each key depends on its figure alone: a large file's keys are worked out on every core,
    // in runs of figures (each with its own cue cache), and put back in order.
    if parallel {
        use rayon::prelude::*;
        a.figures
            .par_chunks(1024)
            .flat_map_iter(keys_of_run)
            .collect()
    } else {
        keys_of_run(&a.figures)
    }
}

/// "In 1934 the survey counted 5 million detainees. In fact there were 150,000." — a short
/// sentence ending in a bare figure restates the quantity of the sentence before it: it takes
/// the key of that sentence's last figure.
fn inherit_elided(file: &SourceFile, a: &Analysis, keys: &mut [Option<Arc<ClaimKey>>]) {
    let measured = |k: &Option<Arc<ClaimKey>>| k.as_ref().is_some_and(|k| k.measure.is_some());
    // The first figure of the current figure's sentence: the one before it is the last of an
    // earlier sentence. Figures are in document order.
    let mut first_of_sentence = 0;
    for i in 1..keys.len().min(a.figures.len()) {
        let f = &a.figures[i];
        if a.figures[i - 1].sentence != f.sentence {
            first_of_sentence = i;
        }
        // Few figures follow a measured one in the sentence before: that is asked before
        // whether the figure may restate it (the cost of the test).
        if measured(&keys[i]) || f.sentence == 0 || first_of_sentence == 0 {
            continue;
        }
        let prev_sentence = f.sentence - 1;
        let j = first_of_sentence - 1;
        if a.figures[j].sentence != prev_sentence
            || !measured(&keys[j])
            || !same_paragraph(
                a,
                a.sentences[prev_sentence].block,
                a.sentences[f.sentence].block,
            )
            || !may_restate(file, a, f)
        {
            continue;
        }
        let Some(earlier) = &keys[j] else {
            continue;
        };
        let own_period = keys[i].as_ref().and_then(|k| k.period.clone());
        keys[i] = Some(match own_period {
            Some(p) => intern_key(ClaimKey {
                period: Some(p),
                ..(**earlier).clone()
            }),
            None => earlier.clone(),
        });
    }
}

/// Whether figure `f` stands where `inherit_elided` lets it restate the quantity of the
/// sentence before: a bare figure ending a short sentence that is not the first.
fn may_restate(file: &SourceFile, a: &Analysis, f: &crate::extract::Figure) -> bool {
    if f.sentence == 0 {
        return false;
    }
    let s = a.sentences[f.sentence].range.clone();
    if !bare_end(&file.text[f.m.span.end.min(s.end)..s.end]) {
        return false;
    }
    let before = &file.text[s.start..f.m.span.start.max(s.start)];
    // At most five words: the sixth need not be looked for past.
    before.split_whitespace().nth(5).is_none()
}

/// Whether `after` holds only whitespace and `.`, `!` or `;`. Nearly always an ASCII letter,
/// digit or mark soon says not: bytes are read up to the first other one, and characters
/// only from a non-ASCII one.
fn bare_end(after: &str) -> bool {
    let b = after.as_bytes();
    match b
        .iter()
        .position(|&c| !matches!(c, b'\t'..=b'\r' | b' ' | b'.' | b'!' | b';'))
    {
        None => true,
        // Every other ASCII character is neither whitespace nor one of the marks.
        Some(i) if b[i].is_ascii() => false,
        // The bytes before are ASCII: `i` starts a character.
        Some(i) => after[i..]
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, '.' | '!' | ';')),
    }
}

/// The claim of figure `i` of the analysis, with its key.
fn claim(
    file: &SourceFile,
    a: &Analysis,
    index: &LineIndex,
    path: &Arc<String>,
    i: usize,
    key: Arc<ClaimKey>,
    with_source_text: bool,
) -> Claim {
    let at = ClaimPlace::new(file, a, i, |o| index.line_col(&file.text, o));
    claim_at(file, a, path, i, key, with_source_text, &at)
}

/// The claim of figure `i` of the analysis, with its key, at its place.
fn claim_at(
    file: &SourceFile,
    a: &Analysis,
    path: &Arc<String>,
    i: usize,
    key: Arc<ClaimKey>,
    with_source_text: bool,
    at: &ClaimPlace,
) -> Claim {
    let t = &file.text;
    let f = &a.figures[i];
    // The citation's text is for the figure index; the claim index (corpus rules) does not
    // show it, and a million copies of it would be most of the index.
    let source_text =
        |r: Range<usize>| with_source_text.then(|| crate::diagnostic::normalise_ws(&t[r]).into());
    let source = match at.source {
        SourceStatus::Cited(c) => ClaimSource {
            status: SourceKind::Cited,
            text: source_text(a.citations[c].range.clone()),
        },
        SourceStatus::Attributed(x) => ClaimSource {
            status: SourceKind::Attributed,
            text: source_text(a.attributions[x].range.clone()),
        },
        SourceStatus::None => ClaimSource {
            status: SourceKind::Unsourced,
            text: None,
        },
    };
    Claim {
        path: path.clone(),
        line: narrow(at.start.line),
        column: narrow(at.start.column),
        span: ClaimSpan {
            start: narrow(f.m.span.start),
            end: narrow(f.m.span.end),
        },
        end: ClaimLineCol {
            line: narrow(at.end.line),
            column: narrow(at.end.column),
        },
        text: t[f.m.span.clone()].into(),
        low: f.m.low,
        high: f.m.high,
        approx: at.approx,
        unit: f.m.unit,
        kind: f.m.kind,
        key,
        source,
        sentence_digest: at.sentence_digest,
        contrasts: at.contrasts,
        sentence_id: narrow(f.sentence),
        quoted: f.quotation.is_some(),
        denominator: f.m.denominator,
        paragraph: at.paragraph,
    }
}

/// A sentence that sets two statements of one quantity against each other ("8 million … is
/// twenty times the figure of under half a million", "115,922 deaths, not 2,000,000") rather
/// than listing parts of a whole.
pub fn contrasts(sentence: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    static PART: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)\b(?:times\s+(?:greater|higher|larger|more)|in\s+contrast|contrary\s+to|versus|contradict\w*|rather\s+than|instead\s+of)\b")
            .expect("contrast regex")
    });
    let part = PART.get_or_init(|| {
        Regex::new(r"(?i)\bof\s+(?:them|whom|which|these|those)\b").expect("part regex")
    });
    re.is_match(sentence) && !part.is_match(sentence)
}

/// Compile every regex a claim key uses, so that the first file to need them does not wait for
/// the compilation (the CLI runs this on a spare thread while the rules load). The measure
/// lexicon is not compiled here: the loader compiles the one that applies, the embedded one or
/// the user's, beside the extractors. Compiling the embedded one here too raced the loader's
/// discovery of a user lexicon and, when it won, spent ~37 M instructions of start-up on a
/// lexicon no key would use.
pub fn prewarm() {
    // A lexicon without entries compiles at once and still runs a key's every regex.
    if let Ok(bare) = Measures::new(&MeasureLexicon::default()) {
        let sentence =
            "In 1937 about 5% of the 1,200 members, not 30 a day, were shot if arrested.";
        for fig in ["5%", "1,200", "30"] {
            let at = sentence.find(fig).unwrap_or(0);
            let _ = bare.key(sentence, at..at + fig.len());
        }
    }
    // Claims of dated estimates need it; compiling it costs 4 M instructions.
    let _ = estimated("an estimate of ");
}

/// The measure lexicon as written in `rules/lexicon/measures.toml`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureLexicon {
    #[serde(default)]
    pub measure: Vec<MeasureSpec>,
    #[serde(default)]
    pub subject: Vec<SubjectSpec>,
    /// Named claims: quantities a team tracks on purpose, recognised by patterns.
    #[serde(default)]
    pub claim: Vec<NamedClaimSpec>,
}

/// A named claim: `id` names the quantity; each pattern is a regex over a sentence whose first
/// capture group (or whole match) covers the figure that states it.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedClaimSpec {
    pub id: String,
    pub patterns: Vec<toml::Spanned<String>>,
}

impl MeasureLexicon {
    /// Number of entries (measures and subjects).
    pub fn len(&self) -> usize {
        self.measure.len() + self.subject.len() + self.claim.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Put `other`'s entries in front of these: a user's lexicon takes precedence over the
    /// embedded one (the first subject that matches wins; measures tie by file order).
    pub fn prepend(&mut self, mut other: MeasureLexicon) {
        other.measure.append(&mut self.measure);
        other.subject.append(&mut self.subject);
        other.claim.append(&mut self.claim);
        *self = other;
    }
}

/// The measures a user's rules folder brought, when there are any (see [`set_active_measures`]).
static ACTIVE: std::sync::RwLock<Option<std::sync::Arc<Measures>>> = std::sync::RwLock::new(None);

/// Make `m` the measures claim keys are computed with (`None`: the embedded lexicon). The rule
/// loader calls this with the user's `lexicon/measures.toml` merged over the embedded one.
pub fn set_active_measures(m: Option<Measures>) {
    if let Ok(mut g) = ACTIVE.write() {
        *g = m.map(std::sync::Arc::new);
    }
}

fn active_measures() -> Option<std::sync::Arc<Measures>> {
    ACTIVE.read().ok().and_then(|g| g.clone())
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureSpec {
    pub name: String,
    pub words: Vec<toml::Spanned<String>>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectSpec {
    #[serde(default)]
    pub name: Option<String>,
    pub pattern: toml::Spanned<String>,
    /// A broad subject ("the camps"): statements need a period or a nearby statement too.
    #[serde(default)]
    pub generic: bool,
}

/// The first words (in lowercase) of the measure phrases that begin with one byte, each with
/// the phrases (indexes in `Measures::phrases`) that begin with it.
type FirstWords = Vec<(Box<[u8]>, Vec<usize>)>;

/// The measure lexicon, compiled.
#[derive(Debug, Clone)]
pub struct Measures {
    /// Every measure's words in one alternation, in lexicon order, one capture group per
    /// measure: one search finds the nearest measure word of any measure.
    measure_words: Regex,
    /// Measure names, by capture group (group `i + 1` is `measure_names[i]`).
    measure_names: Vec<String>,
    subjects: Vec<Subject>,
    /// All subject patterns at once: one pass tells which (if any) match, so a text with no
    /// subject costs one search rather than one per pattern.
    subject_set: crate::extract::lexicon_regex::MatchSet,
    year: Regex,
    /// Named claims: (id, pattern).
    named: Vec<(String, Regex)>,
    /// The first word of every measure phrase: a text without any has no measure.
    cues: aho_corasick::AhoCorasick,
    /// The cue words of one or two bytes, in ASCII lowercase ("in" of "in the camps"): most
    /// sentences hold one, found by a byte scan before the automaton is asked (see `any_cue`).
    short_cues: Vec<Box<[u8]>>,
    /// The words of every measure phrase, in the order of the alternation of `measure_words`.
    phrases: Vec<Box<[Box<str>]>>,
    /// For each phrase, its measure (index into `measure_names`).
    phrase_measure: Vec<usize>,
    /// Every phrase is ASCII: where the text folds plainly, measure words are found by hand
    /// (see `measure_hits`).
    phrases_ascii: bool,
    /// For each lowercase ASCII byte, the first words in lowercase that begin with it, each
    /// with the phrases that begin with it (in any case).
    phrases_by_first: Vec<FirstWords>,
    /// The `pair_index`es of the first two bytes of every phrase, as bits; every pair of a
    /// first byte whose first word has one byte.
    phrase_pairs: Box<[u64; 128 * 128 / 64]>,
    /// The `word_sig`s of the phrases' first words, as bits.
    first_word_sigs: Box<[u64; WORD_SIGS / 64]>,
    /// The measure phrases' words are ASCII, hold no `0`, and begin with a word byte: where
    /// the text folds plainly, `find_phrases` tells where measure words may stand (see `Cues`).
    phrases_tell: bool,
    /// Every phrase begins with a word byte: a measure word can then start only where a run
    /// of word bytes does (see `next_measure_word`).
    phrases_word_first: bool,
    /// The most words a measure phrase has (see `surely_unmeasured`).
    max_phrase_words: usize,
}

/// A subject pattern. Its own regex (for the capture) is compiled the first time the subject
/// set says it matches: most subjects never match a given corpus, and `\p{L}` classes are
/// costly to compile at start-up.
#[derive(Debug, Clone)]
struct Subject {
    name: Option<String>,
    pattern: String,
    generic: bool,
    regex: OnceLock<Option<Regex>>,
}

impl Subject {
    fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| {
                // The set holding this pattern compiled within this limit, so it compiles too.
                regex::RegexBuilder::new(&self.pattern)
                    .size_limit(crate::extract::lexicon_regex::REGEX_SIZE_LIMIT * 4)
                    .build()
                    .ok()
            })
            .as_ref()
    }
}

/// The embedded measure lexicon.
pub const EMBEDDED_MEASURES: &str = include_str!("../rules/lexicon/measures.toml");

impl Measures {
    /// Compile a lexicon; an error carries the span of the offending entry in its TOML file.
    pub fn new(
        lex: &MeasureLexicon,
    ) -> Result<Measures, crate::extract::lexicon_regex::PatternError> {
        use crate::extract::lexicon_regex::{PatternError, compile_one};
        static YEAR: OnceLock<Regex> = OnceLock::new();
        let mut groups = Vec::new();
        let mut measure_names = Vec::new();
        let mut cue_words: Vec<String> = Vec::new();
        // Every phrase's words, in the order of `cue_words`.
        let mut phrases: Vec<Box<[Box<str>]>> = Vec::new();
        let mut phrase_measure = Vec::new();
        for m in &lex.measure {
            let mut alts = Vec::new();
            for w in &m.words {
                if let Some(first) = w.get_ref().split_whitespace().next() {
                    cue_words.push(first.to_string());
                    phrases.push(w.get_ref().split_whitespace().map(Into::into).collect());
                    phrase_measure.push(measure_names.len());
                }
                let words: Vec<String> =
                    w.get_ref().split_whitespace().map(regex::escape).collect();
                if words.is_empty() {
                    return Err(PatternError {
                        span: w.span(),
                        message: "empty measure word".into(),
                    });
                }
                alts.push(words.join(r"\s+"));
            }
            if alts.is_empty() {
                continue;
            }
            groups.push(format!("({})", alts.join("|")));
            measure_names.push(m.name.clone());
        }
        // No measure at all: a pattern that never matches keeps the search code uniform. (Not
        // case-insensitive: folding the case of every code point costs ~100 M instructions.)
        let pattern = if groups.is_empty() {
            r"[^\s\S]".to_string()
        } else {
            format!(r"(?i)(?-u:\b)(?:{})(?-u:\b)", groups.join("|"))
        };
        let measure_words = compile_one(&pattern).map_err(|message| PatternError {
            span: lex
                .measure
                .iter()
                .find_map(|m| m.words.first())
                .map_or(0..0, |w| w.span()),
            message,
        })?;
        let mut subjects = Vec::new();
        for s in &lex.subject {
            subjects.push(Subject {
                name: s.name.clone(),
                pattern: s.pattern.get_ref().clone(),
                generic: s.generic,
                regex: OnceLock::new(),
            });
        }
        // The set checks every pattern; only when it fails is each compiled alone, to name the
        // one at fault.
        let subject_patterns: Vec<&str> = lex
            .subject
            .iter()
            .map(|s| s.pattern.get_ref().as_str())
            .collect();
        let subject_set = crate::extract::lexicon_regex::compile_set(
            &subject_patterns,
            crate::extract::lexicon_regex::REGEX_SIZE_LIMIT * 4,
        )
        .map_err(|e| {
            let culprit = lex
                .subject
                .iter()
                .find_map(|s| compile_one(s.pattern.get_ref()).err().map(|m| (s, m)));
            match culprit {
                Some((s, message)) => PatternError {
                    span: s.pattern.span(),
                    message,
                },
                None => PatternError {
                    span: lex.subject.first().map_or(0..0, |s| s.pattern.span()),
                    message: e.to_string(),
                },
            }
        })?;
        let mut named = Vec::new();
        for c in &lex.claim {
            for p in &c.patterns {
                let re = compile_one(p.get_ref()).map_err(|message| PatternError {
                    span: p.span(),
                    message,
                })?;
                named.push((c.id.clone(), re));
            }
        }
        let phrases_tell = phrases.iter().all(|p| {
            p.iter().all(|w| w.is_ascii() && !w.contains('0'))
                && p.first().is_some_and(|w| w.bytes().all(is_word_byte))
        });
        let mut phrases_by_first: Vec<FirstWords> = vec![Vec::new(); 128];
        let mut phrase_pairs = Box::new([0u64; 128 * 128 / 64]);
        let mut first_word_sigs = Box::new([0u64; WORD_SIGS / 64]);
        for (j, p) in phrases.iter().enumerate() {
            let Some(w) = p.first().map(|w| w.as_bytes()) else {
                continue;
            };
            let c = usize::from(w[0].to_ascii_lowercase());
            if let Some(by) = phrases_by_first.get_mut(c) {
                let lower = w.to_ascii_lowercase();
                match by.iter_mut().find(|(x, _)| **x == *lower) {
                    Some((_, js)) => js.push(j),
                    None => by.push((lower.into(), vec![j])),
                }
                let sig = word_sig(w);
                first_word_sigs[sig / 64] |= 1 << (sig % 64);
                let mut set = |i: usize| phrase_pairs[i / 64] |= 1 << (i % 64);
                match w.get(1) {
                    Some(x) => set(pair_index(w[0], Some(x))),
                    // A one-byte first word may be followed by anything.
                    None => (0..128).for_each(|x| set(pair_index(w[0], Some(&x)))),
                }
            }
        }
        let cues = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&cue_words)
            .map_err(|e| PatternError {
                span: 0..0,
                message: e.to_string(),
            })?;
        let phrases_ascii = phrases.iter().all(|p| p.iter().all(|w| w.is_ascii()));
        let phrases_word_first = phrases.iter().all(|p| {
            p.first()
                .is_some_and(|w| w.bytes().next().is_some_and(is_word_byte))
        });
        let mut short_cues: Vec<Box<[u8]>> = cue_words
            .iter()
            .filter(|w| w.len() <= 2)
            .map(|w| w.as_bytes().to_ascii_lowercase().into())
            .collect();
        short_cues.sort_unstable();
        short_cues.dedup();
        let max_phrase_words = phrases.iter().map(|p| p.len()).max().unwrap_or(0);
        Ok(Measures {
            max_phrase_words,
            cues,
            short_cues,
            phrases,
            phrase_measure,
            phrases_ascii,
            phrases_by_first,
            phrase_pairs,
            first_word_sigs,
            phrases_tell,
            phrases_word_first,
            named,
            measure_words,
            measure_names,
            subjects,
            subject_set,
            // One compilation for every lexicon (3 M instructions; prewarm's and the loader's
            // lexicons compile at once on two threads, the second waits for the first).
            year: YEAR
                .get_or_init(|| {
                    Regex::new(
                        r"(?-u:\b)(1[6-9]\d\d|20\d\d)(?:(?:\s*[-–—/]\s*|\s+(?:to|and|through|until)\s+)(\d{4}|\d{2}(?-u:\b)))?",
                    )
                    .expect("year regex")
                })
                .clone(),
        })
    }

    /// The embedded lexicon, compiled once.
    pub fn embedded() -> &'static Measures {
        static M: OnceLock<Measures> = OnceLock::new();
        M.get_or_init(|| {
            let lex: MeasureLexicon =
                toml::from_str(EMBEDDED_MEASURES).expect("embedded measures lexicon parses");
            Measures::new(&lex).expect("embedded measures lexicon compiles")
        })
    }

    /// The key of the figure at `fig` (byte range within `sentence`), from its sentence alone.
    pub fn key(&self, sentence: &str, fig: Range<usize>) -> ClaimKey {
        self.key_in(sentence, fig, &[], None)
    }

    /// The key of the figure at `fig` within `sentence`; `context` holds the text before it that
    /// the sentence may lean on (earlier sentences of its paragraph, nearest first), `heading`
    /// the heading of its section. Subject comes from the figure's clause first, then its
    /// sentence, the context and the heading; period from the sentence, then the sentence just
    /// before it, then the heading.
    pub fn key_in(
        &self,
        sentence: &str,
        fig: Range<usize>,
        context: &[&str],
        heading: Option<&str>,
    ) -> ClaimKey {
        let mut phrases = Vec::new();
        let plan = KeyPlan {
            wanted: Wanted::All,
            cues: Cues::find(self, sentence, &mut phrases),
        };
        self.key_with(
            sentence,
            fig,
            context,
            heading,
            &mut SharedTexts::default(),
            &plan,
        )
    }

    /// `key_in`, with the subjects and periods of `context` and `heading` kept in `shared`
    /// for the next figures, which mostly lean on the same texts.
    fn key_with<'t>(
        &self,
        sentence: &str,
        fig: Range<usize>,
        context: &[&'t str],
        heading: Option<&'t str>,
        shared: &mut SharedTexts<'t>,
        plan: &KeyPlan,
    ) -> ClaimKey {
        let (wanted, cues) = (plan.wanted, &plan.cues);
        // A named claim pins the quantity whatever the wording around it.
        for (id, re) in &self.named {
            for c in re.captures_iter(sentence) {
                let Some(m) = c.get(1).or_else(|| c.get(0)) else {
                    continue;
                };
                if m.start() < fig.end && fig.start < m.end() {
                    return ClaimKey {
                        measure: Some(id.clone()),
                        subject: Some(id.clone()),
                        ..ClaimKey::default()
                    };
                }
            }
        }
        let may_measure = self.may_name_measure(sentence, &fig, cues);
        if !may_measure && matches!(wanted, Wanted::Measured { period: false, .. }) {
            return ClaimKey::default();
        }
        let clause = clause_of(sentence, fig.clone());
        // A clause that is the whole sentence has been searched as the sentence already.
        let whole = clause == (0..sentence.len());
        // Periods come from the sentence, the one just before it, or the heading; sentences
        // further back date other events as often as this one.
        let mut period = || {
            self.framing_period(sentence)
                .or_else(|| self.period(&sentence[clause.clone()], shift(&fig, clause.start)))
                .or_else(|| {
                    (!whole)
                        .then(|| self.period(sentence, fig.clone()))
                        .flatten()
                })
                .or_else(|| context.first().and_then(|c| shared.get(c).period(self)))
                .or_else(|| heading.and_then(|h| shared.get(h).period(self)))
        };
        let (measure, political) = if may_measure {
            self.measure(sentence, fig.clone(), clause.start, cues)
        } else {
            (None, false)
        };
        // Most figures have no measure: when only measured keys count, the rest of the key
        // (subject, qualifiers) is not worked out for them.
        if let (None, Wanted::Measured { period: p, .. }) = (&measure, wanted) {
            return ClaimKey {
                period: if p { period() } else { None },
                ..ClaimKey::default()
            };
        }
        let period = period();
        let subject = self
            .first_subject_in(&sentence[clause.clone()])
            .or_else(|| (!whole).then(|| self.subject_in(sentence)).flatten())
            .or_else(|| context.iter().find_map(|c| shared.get(c).subject(self)))
            .or_else(|| heading.and_then(|h| shared.get(h).subject(self)));
        let (subject, generic_subject) = match subject {
            Some((s, g)) => (Some(s), g),
            None => (None, false),
        };
        let mut q = qualifiers(sentence, fig, clause.start);
        if political {
            q.push("political");
        }
        q.sort_unstable();
        q.dedup();
        ClaimKey {
            measure,
            subject,
            period,
            qualifier: (!q.is_empty()).then(|| q.join(" ")),
            generic_subject,
        }
    }

    /// A year that frames the whole sentence ("In 1937, …", "During 1937–38 …").
    fn framing_period(&self, sentence: &str) -> Option<String> {
        static RE: OnceLock<Regex> = OnceLock::new();
        // `\W*` takes everything before the first word character, where the keyword must
        // start: where that is ASCII, the keyword is there in ASCII letters (no other
        // character folds to the letters of the keywords), or the sentence is not framed.
        // Other characters are left to the regex.
        let b = sentence.as_bytes();
        if let Some(p) = b.iter().position(|&x| !x.is_ascii() || is_word_byte(x))
            && b[p].is_ascii()
        {
            // The keyword stands at `p`, in ASCII letters, and `\s+` follows it: a byte after
            // it that is ASCII but no whitespace rules the sentence out ("The", "Forty" …),
            // as does a missing one. A non-ASCII byte there is left to the regex.
            let keyword = [&b"in"[..], b"during", b"throughout", b"for"]
                .into_iter()
                .find(|w| {
                    b.get(p..p + w.len())
                        .is_some_and(|x| x.eq_ignore_ascii_case(w))
                });
            let keyword_then_space = keyword.is_some_and(|w| {
                b.get(p + w.len())
                    .is_some_and(|&x| !x.is_ascii() || matches!(x, b'\t'..=b'\r' | b' '))
            });
            if !keyword_then_space {
                return None;
            }
            // The rest of the match is read by hand too, where it is ASCII.
            if let Some(w) = keyword
                && let Ok(end) = frame_by_hand(b, p, w)
            {
                return self.frame_period(sentence, end?);
            }
        }
        let m = RE
            .get_or_init(|| Regex::new(FRAME).expect("frame regex"))
            .find(sentence)?;
        self.frame_period(sentence, m.end())
    }

    /// The period of a sentence whose framing year ends at `end`.
    fn frame_period(&self, sentence: &str, end: usize) -> Option<String> {
        let head = &sentence[..sentence.floor_char_boundary(end + 16)];
        self.period(head, 0..0)
    }

    /// The first measure word in `text`, skipping those that only name a whole the figure is
    /// part of ("three instigators of the spies").
    fn first_measure_in(&self, text: &str, cues: &Cues) -> Option<(usize, usize, &str)> {
        if !cues.may_hold(text) {
            return None;
        }
        let (start, end, m) = self
            .measure_hits(text)
            .find(|(start, _, _)| !of_end(&text[..*start]))?;
        Some((start, end, self.measure_name_of(text, start, m)?))
    }

    /// The measure word ending last in `text`.
    fn last_measure_in(&self, text: &str, cues: &Cues) -> Option<(usize, usize, &str)> {
        if !cues.may_hold(text) {
            return None;
        }
        let (start, end, m) = self.measure_hits(text).last()?;
        Some((start, end, self.measure_name_of(text, start, m)?))
    }

    /// Where measure words stand in `text`, left to right, as `measure_words.find_iter` finds
    /// them, each with its measure (index into `measure_names`) when the scan knows it. Where
    /// the phrases are ASCII and `text` folds plainly, a match is a phrase compared word for
    /// word (`measure_word_at`): no regex search (about a thousand instructions each), and the
    /// measure comes with it rather than from a capturing search.
    fn measure_hits<'s, 't>(
        &'s self,
        text: &'t str,
    ) -> impl Iterator<Item = (usize, usize, Option<usize>)> + use<'s, 't> {
        let by_hand = self.phrases_ascii && folds_plainly(text);
        let mut regex = (!by_hand).then(|| self.measure_words.find_iter(text));
        let mut from = 0;
        std::iter::from_fn(move || {
            if let Some(it) = &mut regex {
                return it.next().map(|m| (m.start(), m.end(), None));
            }
            let (start, end, m) = self.next_measure_word(text, from)?;
            // A phrase is never empty: the next search starts past this one.
            from = end;
            Some((start, end, Some(m)))
        })
    }

    /// The leftmost-first match of `measure_words` at or after `from`, read by hand (see
    /// `measure_hits`): (start, end, measure).
    fn next_measure_word(&self, text: &str, from: usize) -> Option<(usize, usize, usize)> {
        let b = text.as_bytes();
        if self.phrases_word_first {
            // A phrase's first byte is then a word byte, and a word boundary before a word
            // byte is the start of a run of them: only those are tried.
            return word_runs_from(b, from).find_map(|r| {
                let p = r.start;
                if self.phrases_tell {
                    // Every first word is then a run of word bytes, which a phrase standing
                    // at `p` ends with whitespace or a word boundary: the run is its first
                    // word, and most runs' first two bytes or signature say none is.
                    if !self.begins_phrase(b[p], b.get(p + 1))
                        || !self.may_be_first_word(&b[r.clone()])
                    {
                        return None;
                    }
                } else if self.phrases_by_first[usize::from(b[p].to_ascii_lowercase())].is_empty() {
                    return None;
                }
                // With `phrases_tell` the run is the first word of any phrase standing here.
                let first_len = self.phrases_tell.then_some(r.len());
                let (end, m) = self.measure_word_at(text, p, first_len)?;
                Some((p, end, m))
            });
        }
        (from..b.len()).find_map(|p| {
            let first = self
                .phrases_by_first
                .get(usize::from(b[p].to_ascii_lowercase()))?;
            if first.is_empty() || !ascii_boundary(b, p) {
                return None;
            }
            let (end, m) = self.measure_word_at(text, p, None)?;
            Some((p, end, m))
        })
    }

    /// The measure word of the regex's match at `at` (an ASCII word boundary): the first
    /// phrase in lexicon order (the order of the alternation) that stands there and ends at
    /// an ASCII word boundary, as (end, measure). `first_len`: the length the first word of
    /// such a phrase must have, where known.
    fn measure_word_at(
        &self,
        text: &str,
        at: usize,
        first_len: Option<usize>,
    ) -> Option<(usize, usize)> {
        let b = text.as_bytes();
        let first = usize::from(b[at].to_ascii_lowercase());
        let mut best: Option<(usize, usize)> = None;
        for (w, js) in self.phrases_by_first.get(first)? {
            if first_len.is_some_and(|n| n != w.len()) {
                continue;
            }
            if !b
                .get(at..at + w.len())
                .is_some_and(|r| r.eq_ignore_ascii_case(w))
            {
                continue;
            }
            // `js` is in lexicon order: the first that stands here is this word's best.
            let hit = js.iter().find_map(|&j| {
                let end = phrase_at(text, at, &self.phrases[j])?;
                ascii_boundary(b, end).then_some((j, end))
            });
            if let Some((j, end)) = hit
                && best.is_none_or(|(k, _)| j < k)
            {
                best = Some((j, end));
            }
        }
        best.map(|(j, end)| (end, self.phrase_measure[j]))
    }

    /// The name of measure `m`, or (`None`: the regex found the match) of the measure whose
    /// word starts at `start`.
    fn measure_name_of(&self, text: &str, start: usize, m: Option<usize>) -> Option<&str> {
        match m {
            Some(m) => self.measure_names.get(m).map(String::as_str),
            None => self.measure_at(text, start),
        }
    }

    /// The name of the measure whose word starts at `start` (a match of `measure_words`): the
    /// leftmost-first match from there is that same match.
    fn measure_at(&self, text: &str, start: usize) -> Option<&str> {
        let c = self.measure_words.captures_at(text, start)?;
        let group = (1..c.len()).find(|&g| c.get(g).is_some())?;
        Some(self.measure_names[group - 1].as_str())
    }

    /// The measure of the figure, and whether the words naming it mark political prisoners
    /// ("politicals", "political detainees").
    /// `clause_start`: where the figure's clause begins (see `clause_of`), computed once per key.
    fn measure(
        &self,
        sentence: &str,
        fig: Range<usize>,
        clause_start: usize,
        cues: &Cues,
    ) -> (Option<String>, bool) {
        let measure = self.measure_name(sentence, fig.clone(), clause_start, cues);
        // Political prisoners and all prisoners are different counts.
        let political = measure.as_deref() == Some("prisoners") && {
            let after = &sentence[fig.end..];
            let near = &after[..word_limit(after, 4)];
            let before = &sentence[..fig.start];
            let before = &before[last_words(before, 6).max(clause_start)..];
            political(near) || political(before)
        };
        (measure, political)
    }

    /// Whether `measure_name` may find a measure for the figure: it is a percentage (the share
    /// of a whole), or a measure word may stand before or after it.
    fn may_name_measure(&self, sentence: &str, fig: &Range<usize>, cues: &Cues) -> bool {
        let after = &sentence[fig.end..];
        is_percentage(&sentence[fig.clone()])
            || cues.may_hold(&sentence[..fig.start])
            || cues.may_hold_in_cuts(after)
            // Taking out an insertion may join a measure word (see `Cues::may_hold`).
            || memchr::memchr(b'[', after.as_bytes()).is_some()
    }

    fn measure_name(
        &self,
        sentence: &str,
        fig: Range<usize>,
        clause_start: usize,
        cues: &Cues,
    ) -> Option<String> {
        let after_all = &sentence[fig.end..];
        // A figure in a condition ("if we expelled 30,000") is not asserted.
        if conditional(&sentence[clause_start..fig.start]).is_some() {
            return None;
        }
        // A percentage measures a share of the whole it names ("9.7% of the officers"); without
        // one it is not compared.
        if is_percentage(&sentence[fig.clone()]) {
            // Without a `[` nothing is taken out: the text is searched where it stands.
            let after = if memchr::memchr(b'[', after_all.as_bytes()).is_some() {
                without_insertions(after_all).into()
            } else {
                std::borrow::Cow::Borrowed(after_all)
            };
            return share_words(&after)
                .filter(|w| self.subject_in(w).is_some())
                .map(|_| "share".to_string());
        }
        // A rate ("1,000 executions a day") is a different quantity from a total.
        if is_rate(after_all) {
            return None;
        }
        let before_all = &sentence[..fig.start];
        // A measure right before the figure ("swelled by 7 million", "a population of 162
        // million") names it, whatever follows.
        if let Some((_, end, name)) = self.last_measure_in(before_all, cues) {
            let gap = before_all[end..].trim();
            if gap.is_empty() || gap.eq_ignore_ascii_case("of") {
                return Some(name.to_string());
            }
        }
        // Only the first 14 words after the figure are ever looked at, without insertions.
        // Where they are plain ASCII, one pass finds every cut below (`AfterCuts`); else
        // they are cut one scan at a time.
        let insertion = memchr::memchr(b'[', after_all.as_bytes()).is_some();
        let plain_cuts = if insertion {
            None
        } else {
            AfterCuts::of(after_all)
        };
        let after_copy;
        let after: &str = match &plain_cuts {
            Some(c) => &after_all[..c.limit],
            None => {
                after_copy = without_insertions_to(after_all, 14);
                &after_copy
            }
        };
        // Without its insertions the text holds no `[` and at most 14 words: its cuts are
        // those of all of it.
        let fast = plain_cuts.or_else(|| {
            insertion
                .then(|| AfterCuts::of(after))
                .flatten()
                .filter(|c| c.limit == after.len())
        });
        // The passive verb and the words after the figure name a measure only with a measure
        // word among them.
        let may_hold = match &fast {
            Some(c) => cues.may_hold(after) || c.glued,
            None => cues.may_hold_in_cuts(after),
        };
        if !may_hold {
            return self.measure_before(before_all, cues);
        }
        // "34,301 army, air force and staff officers were discharged", "327,400 prisoners were
        // released": the passive verb of the clause the figure is the subject of comes first,, within a dozen words, before any other figure.
        let stop = fast
            .as_ref()
            .map_or_else(|| cut_at(after, 14, stop_window), |c| c.window);
        let window = &after[..stop];
        let window = &window[..relative(window).map_or(window.len(), |m| m.start)];
        // A passive verb is a whole run of word bytes ("were", "has" …): where the window folds
        // plainly, the match is read by hand (see `passive_by_hand`).
        let plain = fast.is_some() || folds_plainly(window);
        if let Some(end) = passive_end(window, plain) {
            let rest = &window[end..];
            let rest = &rest[..word_limit(rest, 3)];
            if let Some((at, _, name)) = self.first_measure_in(rest, cues)
                && rest[..at].split_whitespace().count() <= 1
            {
                return Some(name.to_string());
            }
        }
        // Else the words after the figure, skipping editorial insertions ("[the 1934 Congress]"),
        // up to a clause break or another figure, at most six words.
        let cut = fast
            .as_ref()
            .map_or_else(|| cut_at(after, 6, stop_words), |c| c.words);
        if let Some((_, _, name)) = self.first_measure_in(&after[..cut], cues) {
            return Some(name.to_string());
        }
        self.measure_before(before_all, cues)
    }

    /// The measure named by the words before the figure (`before_all` ends at it), within its
    /// clause, at most eight words.
    fn measure_before(&self, before_all: &str, cues: &Cues) -> Option<String> {
        if !cues.may_hold(before_all) {
            return None;
        }
        let from = last_words_after(before_all, 8, before_stop);
        let before = &before_all[from..];
        if before.contains(|c: char| c.is_ascii_digit()) {
            return None;
        }
        self.last_measure_in(before, cues)
            .map(|(_, _, n)| n.to_string())
    }

    /// Whether `measure_name` surely finds no measure for the figure at `fig` of `sentence`
    /// (a key's window, with no other figure of its sentence to mask) and no named claim pins
    /// one: most figures, and the key's whole cost otherwise (its sentence's phrases, clause
    /// and cuts) to learn nothing. `false` when unsure.
    ///
    /// Each measure word `measure_name` may take is a match at the start of a run of word
    /// bytes of a slice that starts and ends where the sentence's runs do (the bails below
    /// see to it): a phrase of the lexicon standing at a whole run of `sentence`. It is the
    /// last before the figure with only spaces or "of" after it, or one wholly within the
    /// eight words before it (`measure_before`), or one wholly within the words after it up
    /// to the window's cut (`AfterCuts`). Where no phrase stands there, there is no measure.
    fn surely_unmeasured(&self, sentence: &str, fig: &Range<usize>, scratch: &mut String) -> bool {
        let b = sentence.as_bytes();
        let (fs, fe) = (fig.start, fig.end);
        // Named claims match anywhere: left to the key.
        if !self.phrases_tell || !self.named.is_empty() || fs >= fe || fe > b.len() {
            return false;
        }
        let (before_all, after_all) = (&sentence[..fs], &sentence[fe..]);
        let insertion = memchr::memchr(b'[', after_all.as_bytes()).is_some();
        if is_percentage(&sentence[fig.clone()]) {
            // A share needs "of" and its words after the figure, as `measure_name` reads them.
            let after = if insertion {
                without_insertions(after_all).into()
            } else {
                std::borrow::Cow::Borrowed(after_all)
            };
            return share_words(&after).is_none();
        }
        // Non-ASCII text is cut by characters: left to the key. The figure's own text is
        // never read.
        if !before_all.is_ascii() || !after_all.is_ascii() {
            return false;
        }
        // A figure glued to a word ends or starts a slice inside one of the sentence's runs.
        if glued_at(b, fs) || glued_at(b, fe) {
            return false;
        }
        // After the figure, the words `measure_name` reads up to the window's cut; a digit
        // glued to a word would cut inside a run. Insertions taken out may join words: the
        // text it reads is then scanned on its own; without one, those words are the
        // sentence's, read in the one scan of the words before the figure below.
        let scan_to = if insertion {
            // All of the text without insertions: its cuts are those of its first 14 words,
            // which `measure_name` reads. It is ASCII without a `[`: `window_of` gives the
            // cuts `AfterCuts::of` would.
            ascii_without_insertions(after_all, scratch);
            let after = scratch.as_str();
            let (window, glued) = AfterCuts::window_of(after);
            if glued || self.phrases_in(after, 0, window, |_, end| end <= window) {
                return false;
            }
            fs
        } else {
            let (window, glued) = AfterCuts::window_of(after_all);
            if glued {
                return false;
            }
            fe + window
        };
        // Before it: a phrase whose last word is in the last two whitespace-separated words
        // (the gap "of" may follow it) starts within the last `max_phrase_words` + 1 of them,
        // its words being in as many of them one after the other; `measure_before` reads
        // eight.
        let words = self.max_phrase_words.saturating_add(1).max(8);
        let scan_from = ascii_words_back(&b[..fs], words);
        let mut bounds = None;
        !self.phrases_in(sentence, scan_from, scan_to, |start, end| {
            if start >= fe {
                // After the figure (no run starts at `fe` unless one would at a scan from it:
                // the figure is glued to no word).
                return end <= scan_to;
            }
            if start >= fs {
                // The figure's own text is never read.
                return false;
            }
            let (gap_from, before_from, digits) = *bounds.get_or_insert_with(|| {
                // `measure_name`: the gap after the measure word trims to nothing or "of".
                let mut g = fs;
                while g > 0 && ascii_space(b[g - 1]) {
                    g -= 1;
                }
                if g >= 2 && b[g - 2..g].eq_ignore_ascii_case(b"of") {
                    g -= 2;
                    while g > 0 && ascii_space(b[g - 1]) {
                        g -= 1;
                    }
                }
                let from = last_words_after(&sentence[..fs], 8, before_stop);
                (g, from, b[from..fs].iter().any(u8::is_ascii_digit))
            });
            end <= fs && (end >= gap_from || (start >= before_from && !digits))
        })
    }

    /// Whether a measure phrase for which `take(start, end)` holds stands at the start of a
    /// whole run of word bytes of `text` that starts in `from..to` (`from` at no run's
    /// middle).
    fn phrases_in(
        &self,
        text: &str,
        from: usize,
        to: usize,
        mut take: impl FnMut(usize, usize) -> bool,
    ) -> bool {
        let b = text.as_bytes();
        let mut runs = word_runs_from(b, from);
        while let Some(start) = runs.next_start() {
            if start >= to {
                break;
            }
            // Most words begin no phrase; of the rest ("in", "de", "re"...), most are no
            // phrase's first word, which their signature tells without the list.
            if !self.begins_phrase(b[start], b.get(start + 1)) {
                continue;
            }
            let end = runs.end_of(start);
            let word = &b[start..end];
            if !self.may_be_first_word(word) {
                continue;
            }
            let first = usize::from(b[start].to_ascii_lowercase());
            for (w, js) in &self.phrases_by_first[first] {
                if w.len() != word.len() || !w.eq_ignore_ascii_case(word) {
                    continue;
                }
                for &j in js {
                    if let Some(e) = phrase_at(text, start, &self.phrases[j])
                        && take(start, e)
                    {
                        return true;
                    }
                }
            }
        }
        false
    }

    fn subject_in(&self, text: &str) -> Option<(String, bool)> {
        // Most texts name no subject: a plain match test (which stops early and needs no
        // overlapping search) rules them out before the set says which pattern matches.
        if !self.subject_set.is_match(text) {
            return None;
        }
        self.first_subject_in(text)
    }

    /// `subject_in` without the match test first: for the clause of a figure with a measure,
    /// which nearly always names its subject (the test would only search it twice).
    fn first_subject_in(&self, text: &str) -> Option<(String, bool)> {
        // The first pattern (in lexicon order) that matches wins, as before.
        let first = self.subject_set.matches(text).iter().next()?;
        for (i, subject) in self.subjects.iter().enumerate().skip(first) {
            // A named subject that the set says matches needs no regex of its own: it is not
            // compiled (about half a million instructions each) until a capture needs it.
            if i == first
                && let Some(n) = &subject.name
            {
                return Some((n.clone(), subject.generic));
            }
            let Some(re) = subject.regex() else {
                continue;
            };
            let s = match &subject.name {
                // A named subject needs no capture: the set has just said that pattern
                // `first` matches.
                Some(n) if i == first || re.is_match(text) => n.clone(),
                Some(_) => continue,
                None => {
                    let Some(c) = re.captures(text) else {
                        continue;
                    };
                    let g = c.get(1).unwrap_or_else(|| c.get(0).expect("match"));
                    crate::diagnostic::normalise_ws(g.as_str()).to_lowercase()
                }
            };
            return Some((s, subject.generic));
        }
        None
    }

    /// Where measure phrases stand in `text` (positions plus `origin`, by start) into
    /// `phrases`; whether they tell where measure words may stand (see `Cues`). A measure word
    /// starts at an ASCII word boundary, so only the starts of runs of word bytes are tried.
    fn find_phrases(&self, text: &str, origin: usize, phrases: &mut Vec<(usize, usize)>) -> bool {
        phrases.clear();
        if !self.phrases_tell || !folds_plainly(text) {
            return false;
        }
        let b = text.as_bytes();
        let mut runs = word_runs(text);
        while let Some(start) = runs.next_start() {
            // Most words begin no phrase: their first two letters say so, and their ends are
            // not looked for.
            if !self.begins_phrase(b[start], b.get(start + 1)) {
                continue;
            }
            let end = runs.end_of(start);
            self.phrases_from(text, start..end, origin, phrases);
        }
        true
    }

    /// The phrases whose first word is the run of word bytes `r` of `text` (see
    /// `find_phrases`), pushed as (start, end) plus `origin`.
    fn phrases_from(
        &self,
        text: &str,
        r: Range<usize>,
        origin: usize,
        phrases: &mut Vec<(usize, usize)>,
    ) {
        let b = text.as_bytes();
        let first = usize::from(b[r.start].to_ascii_lowercase());
        // A phrase's first word is a whole run of word bytes: a word byte after it would
        // leave no word boundary (or no space) there.
        let word = &b[r.clone()];
        for (w, js) in &self.phrases_by_first[first] {
            if w.len() != word.len() || !w.eq_ignore_ascii_case(word) {
                continue;
            }
            for &j in js {
                if let Some(end) = phrase_at(text, r.start, &self.phrases[j]) {
                    phrases.push((origin + r.start, origin + end));
                }
            }
        }
    }

    /// `self.cues.is_match(text)`: whether a cue word occurs in `text` (ASCII case-insensitive,
    /// anywhere, inside words too). A short cue is looked for by hand first: where the lexicon
    /// has one ("in"), nearly every sentence holds it, and a byte scan costs less than the
    /// automaton's search.
    fn any_cue(&self, text: &str) -> bool {
        self.short_cues
            .iter()
            .any(|w| contains_ignore_ascii_case(text.as_bytes(), w))
            || self.cues.is_match(text)
    }

    /// Whether `word` (nonempty) may be the first word of a phrase, in any case: its
    /// signature is one of theirs.
    #[inline]
    fn may_be_first_word(&self, word: &[u8]) -> bool {
        let sig = word_sig(word);
        self.first_word_sigs[sig / 64] & (1 << (sig % 64)) != 0
    }

    /// Whether a phrase may begin with bytes `c` and `next` (in any case): a phrase's first
    /// word is its first byte and what follows it (`pair_index`), or a one-byte word.
    fn begins_phrase(&self, c: u8, next: Option<&u8>) -> bool {
        let i = pair_index(c, next);
        self.phrase_pairs[i / 64] & (1 << (i % 64)) != 0
    }

    /// The ends of the measure phrases that stand at `at` in `text`, whose byte there is
    /// `first` in lowercase.
    fn phrases_at<'a>(
        &'a self,
        text: &'a str,
        at: usize,
        first: usize,
    ) -> impl Iterator<Item = usize> + 'a {
        let rest = &text.as_bytes()[at..];
        self.phrases_by_first[first]
            .iter()
            .filter(move |(w, _)| {
                rest.get(..w.len())
                    .is_some_and(|r| r.eq_ignore_ascii_case(w))
            })
            .flat_map(|(_, js)| js.iter())
            .filter_map(move |&j| phrase_at(text, at, &self.phrases[j]))
    }

    /// The spans of the year regex's matches in `text`, as `find_iter` gives them. A match
    /// starts with "1[6-9]" or "20" after an ASCII word boundary: the text is scanned for those
    /// bytes, and a plain ASCII match is read by hand (`year_end`); the regex is asked only
    /// where the text is not plain. (A regex search costs about a thousand instructions even
    /// for a four-digit year.)
    fn year_spans(&self, text: &str) -> impl Iterator<Item = (usize, usize)> {
        let b = text.as_bytes();
        let mut from = 0;
        std::iter::from_fn(move || {
            while from < b.len() {
                let c = from + memchr::memchr2(b'1', b'2', &b[from..])?;
                from = c + 1;
                let prefix = matches!(b.get(c..c + 2), Some([b'1', b'6'..=b'9'] | [b'2', b'0']));
                if !prefix || (c > 0 && is_word_byte(b[c - 1])) {
                    continue;
                }
                let Some(&[d3, d4]) = b.get(c + 2..c + 4) else {
                    continue;
                };
                let ascii_non_digit = |x: u8| x.is_ascii() && !x.is_ascii_digit();
                let span = if d3.is_ascii_digit() && d4.is_ascii_digit() {
                    match year_end(b, c + 4) {
                        Some(end) => (c, end),
                        None => self.year_at(text, c)?,
                    }
                } else if ascii_non_digit(d3) || (d3.is_ascii_digit() && ascii_non_digit(d4)) {
                    continue;
                } else {
                    // `\d` is any Unicode digit: the regex decides. No match starts between
                    // the previous match and `c`, so the leftmost one from `c` is the next.
                    self.year_at(text, c)?
                };
                from = span.1.max(span.0 + 1);
                return Some(span);
            }
            None
        })
    }

    fn year_at(&self, text: &str, c: usize) -> Option<(usize, usize)> {
        self.year.find_at(text, c).map(|m| (m.start(), m.end()))
    }

    /// The year or span of years nearest the figure in `text` ("1937–38"); decades ("the
    /// 1930s") are not periods.
    fn period(&self, text: &str, fig: Range<usize>) -> Option<String> {
        let mut best: Option<(usize, usize, usize)> = None;
        for (start, end) in self.year_spans(text) {
            if start < fig.end && fig.start < end {
                continue;
            }
            if text[end..].starts_with(['s', '\'']) {
                continue;
            }
            let dist = if start >= fig.end {
                start - fig.end
            } else {
                fig.start.saturating_sub(end)
            };
            if best.is_none_or(|(d, _, _)| dist < d) {
                best = Some((dist, start, end));
            }
        }
        let (_, start, end) = best?;
        let (y1, y2) = match year_groups(&text[start..end]) {
            Some(g) => g,
            None => {
                // The leftmost-first match from a match's start is that same match.
                let c = self.year.captures_at(text, start)?;
                (c.get(1)?.as_str(), c.get(2).map(|e| e.as_str()))
            }
        };
        let y1: u32 = y1.parse().unwrap_or(0);
        Some(match y2 {
            Some(e) => {
                let y2: u32 = if e.len() == 2 {
                    y1 / 100 * 100 + e.parse::<u32>().unwrap_or(0)
                } else {
                    e.parse().unwrap_or(0)
                };
                if y2 > y1 && y2 - y1 < 50 {
                    format!("{y1}–{:02}", y2 % 100)
                } else {
                    y1.to_string()
                }
            }
            None => y1.to_string(),
        })
    }
}

/// What the keys of a run of figures keep for the next ones.
#[derive(Default)]
struct RunCaches<'t> {
    shared: SharedTexts<'t>,
    cues: CueIndex,
    /// A buffer for `Measures::surely_unmeasured`.
    scratch: String,
}

/// How a key is worked out: what of it is wanted, and where measure words may stand in its
/// sentence.
struct KeyPlan<'c> {
    wanted: Wanted,
    cues: Cues<'c>,
}

/// What of a figure's key its caller uses.
#[derive(Debug, Clone, Copy)]
enum Wanted {
    /// Every field (the figure index).
    All,
    /// The whole key when it has a measure (corpus rules compare only measured claims);
    /// without one, only its period, and only if `period` is set: all an unmeasured figure
    /// lends to the key it may inherit (see `inherit_elided`). `phrases`: whether to find
    /// where the sentence's measure phrases stand (see `Cues`), or let every part of it be
    /// searched.
    Measured { period: bool, phrases: bool },
}

/// The subjects and periods of texts that the keys of several figures lean on (the sentences
/// before theirs, their heading): found once for all the figures of a sentence and its
/// neighbours rather than once per figure. Texts are told apart by address and length (the
/// texts are borrowed for as long as they are kept, so the same address holds the same text).
#[derive(Default)]
struct SharedTexts<'t> {
    texts: Vec<SharedText<'t>>,
    /// The slot replaced next once `texts` is full.
    next: usize,
}

struct SharedText<'t> {
    text: &'t str,
    subject: Option<Option<(String, bool)>>,
    /// The year nearest its end (see `Measures::key_with`).
    period: Option<Option<String>>,
}

impl<'t> SharedTexts<'t> {
    /// Enough for the context sentences and heading of two neighbouring sentences.
    const SIZE: usize = 8;

    fn get(&mut self, text: &'t str) -> &mut SharedText<'t> {
        let same = |t: &SharedText<'t>| {
            std::ptr::eq(t.text.as_ptr(), text.as_ptr()) && t.text.len() == text.len()
        };
        let fresh = SharedText {
            text,
            subject: None,
            period: None,
        };
        let i = match self.texts.iter().position(same) {
            Some(i) => i,
            None if self.texts.len() < Self::SIZE => {
                self.texts.push(fresh);
                self.texts.len() - 1
            }
            None => {
                let i = self.next;
                self.next = (i + 1) % Self::SIZE;
                self.texts[i] = fresh;
                i
            }
        };
        &mut self.texts[i]
    }
}

impl SharedText<'_> {
    fn subject(&mut self, m: &Measures) -> Option<(String, bool)> {
        self.subject
            .get_or_insert_with(|| m.subject_in(self.text))
            .clone()
    }

    fn period(&mut self, m: &Measures) -> Option<String> {
        let t = self.text;
        self.period
            .get_or_insert_with(|| m.period(t, t.len()..t.len()))
            .clone()
    }
}

/// The regexes that a figure's key searches near it, each also read by hand (see
/// `HandRead`): compiling them costs ~23 M instructions at start-up (`RATE` alone 11 M,
/// for its `\p{L}` classes under `(?i)`), and plain text never needs them.
const RATE: &str = r"(?i)^\s*(?:\p{L}+\s+){0,2}(?:a|per|each|every)\s+(?:day|week|month|year|annum)(?-u:\b)|^\s*(?:\p{L}+\s+){0,2}(?:daily|annually|yearly)(?-u:\b)";
const PASSIVE: &str = r"(?i)(?-u:\b)(?:were|was|are|is|had\s+been|have\s+been|has\s+been)\s+(?:(?:not\s+only|all|also|then|later|eventually|either|subsequently|summarily)\s+)?";
const UNIT: &str = r"(?i)^[\s\p{Pi}\p{Pf}\x22]*(?:\p{L}+\s+)?(famil(?:y|ies)|households?|hours?|days?|weeks?|months?|years?|cases|times|percent|per\s+cent|roubles|rubles|dollars|tons|tonnes|km|kilometres|kilometers|miles)(?-u:\b)";
const FRAME: &str = r"^\W*(?i:in|during|throughout|for)\s+(?:the\s+years?\s+)?(?:\d{4})";

/// What a scan by hand tells: the answer, or `Err(Unsure)` where it met a character it does
/// not classify (non-ASCII, other than the dashes and the quotation marks named below),
/// and the regex must decide. Every hand scan reads bytes left to right and stops at the
/// first such character: what it has read is ASCII, where `(?i)` pairs ASCII letters with
/// ASCII letters only, `\s` is `[\t-\r ]`, `\p{L}` is `[A-Za-z]` and `\d` is `[0-9]`.
type HandRead<T> = Result<T, Unsure>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Unsure;

/// Whether a known non-ASCII character starts at `i`: the en and em dash (Pd: no letter,
/// space, digit or quotation mark) or a common quotation mark (Pi or Pf: “ ” ‘ ’ « »).
/// Its class: `Some(true)` for a quotation mark, `Some(false)` for a dash.
fn known_char_at(b: &[u8], i: usize) -> Option<bool> {
    match b.get(i..)? {
        [0xE2, 0x80, 0x93 | 0x94, ..] => Some(false),
        [0xE2, 0x80, 0x98 | 0x99 | 0x9C | 0x9D, ..] | [0xC2, 0xAB | 0xBB, ..] => Some(true),
        _ => None,
    }
}

/// The end of the run of `[\t-\r ]` at `i`; unsure where it stops at an unknown character
/// (which may be a space).
fn hand_spaces(b: &[u8], mut i: usize) -> HandRead<usize> {
    while i < b.len() && matches!(b[i], b'\t'..=b'\r' | b' ') {
        i += 1;
    }
    settled(b, i)
}

/// The end of the run of ASCII letters at `i`; unsure where it stops at an unknown
/// character (which may be a letter).
fn hand_letters(b: &[u8], mut i: usize) -> HandRead<usize> {
    while i < b.len() && b[i].is_ascii_alphabetic() {
        i += 1;
    }
    settled(b, i)
}

/// `i`, if the character there (if any) is ASCII or known.
fn settled(b: &[u8], i: usize) -> HandRead<usize> {
    match b.get(i) {
        Some(&x) if !x.is_ascii() && known_char_at(b, i).is_none() => Err(Unsure),
        _ => Ok(i),
    }
}

/// Whether the character at `i` is whitespace (`false` at the end).
fn hand_space_at(b: &[u8], i: usize) -> HandRead<bool> {
    Ok(hand_spaces(b, i)? > i)
}

/// Whether ASCII-lowercase `w` stands at `i` in any ASCII case; unsure where an unknown
/// character comes first (it may fold to a letter of `w`).
fn hand_word_at(b: &[u8], i: usize, w: &[u8]) -> HandRead<bool> {
    for (k, &c) in w.iter().enumerate() {
        match b.get(i + k) {
            None => return Ok(false),
            Some(&x) if !x.is_ascii() => return Err(Unsure),
            Some(&x) if x.to_ascii_lowercase() != c => return Ok(false),
            Some(_) => {}
        }
    }
    Ok(true)
}

/// Whether the ASCII bytes `w` are one of the ASCII-lowercase `words`, in any case.
fn one_of(w: &[u8], words: &[&[u8]]) -> bool {
    words
        .iter()
        .any(|x| x.len() == w.len() && x.eq_ignore_ascii_case(w))
}

/// Whether the byte at `i` (if any) is no word byte: `(?-u:\b)` after a word byte.
fn ends_word(b: &[u8], i: usize) -> bool {
    b.get(i).is_none_or(|&x| !is_word_byte(x))
}

/// `RATE.is_match(text)`, read by hand. Its words are whole runs of letters (each is
/// followed by `\s` or `\b`), so the text is read a run of letters at a time: up to two
/// words, then "a/per/each/every", spaces and a unit, or "daily/annually/yearly".
fn rate_by_hand(text: &str) -> HandRead<bool> {
    let b = text.as_bytes();
    let mut p = hand_spaces(b, 0)?;
    for k in 0..3 {
        let q = hand_letters(b, p)?;
        if q == p {
            return Ok(false);
        }
        let w = &b[p..q];
        let space = hand_space_at(b, q)?;
        if space && one_of(w, &[b"a", b"per", b"each", b"every"]) {
            let r = hand_spaces(b, q)?;
            let e = hand_letters(b, r)?;
            if ends_word(b, e) && one_of(&b[r..e], &[b"day", b"week", b"month", b"year", b"annum"])
            {
                return Ok(true);
            }
        }
        if ends_word(b, q) && one_of(w, &[b"daily", b"annually", b"yearly"]) {
            return Ok(true);
        }
        if !space || k == 2 {
            return Ok(false);
        }
        p = hand_spaces(b, q)?;
    }
    Ok(false)
}

/// Whether `RATE` matches `text`: "1,000 executions a day" is a rate, not a total.
fn is_rate(text: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    rate_by_hand(text).unwrap_or_else(|_| {
        RE.get_or_init(|| Regex::new(RATE).expect("rate regex"))
            .is_match(text)
    })
}

/// The words `UNIT` captures (group 1).
const UNIT_WORDS: [&[u8]; 26] = [
    b"family",
    b"families",
    b"household",
    b"households",
    b"hour",
    b"hours",
    b"day",
    b"days",
    b"week",
    b"weeks",
    b"month",
    b"months",
    b"year",
    b"years",
    b"cases",
    b"times",
    b"percent",
    b"roubles",
    b"rubles",
    b"dollars",
    b"tons",
    b"tonnes",
    b"km",
    b"kilometres",
    b"kilometers",
    b"miles",
];

/// The unit of `UNIT` standing at `p`: a whole run of letters that is one of its words
/// (each is followed by `\b`), or "per", spaces, "cent".
fn unit_at(b: &[u8], p: usize) -> HandRead<Option<Range<usize>>> {
    let e = hand_letters(b, p)?;
    let w = &b[p..e];
    if w.eq_ignore_ascii_case(b"per") && hand_space_at(b, e)? {
        let r = hand_spaces(b, e)?;
        let end = hand_letters(b, r)?;
        return Ok(
            (ends_word(b, end) && b[r..end].eq_ignore_ascii_case(b"cent")).then_some(p..end),
        );
    }
    Ok((e > p && ends_word(b, e) && one_of(w, &UNIT_WORDS)).then_some(p..e))
}

/// The range of `UNIT`'s group 1 in `text` if it matches, read by hand: spaces and
/// quotation marks, then a unit, or a word, spaces and a unit (the optional word is tried
/// first, as the greedy `?` does).
fn unit_by_hand(text: &str) -> HandRead<Option<Range<usize>>> {
    let b = text.as_bytes();
    let mut p = 0;
    loop {
        p = hand_spaces(b, p)?;
        if b.get(p) == Some(&b'"') {
            p += 1;
        } else if known_char_at(b, p) == Some(true) {
            p += if b[p] == 0xC2 { 2 } else { 3 };
        } else {
            break;
        }
    }
    let q = hand_letters(b, p)?;
    if q > p && hand_space_at(b, q)? {
        let r = hand_spaces(b, q)?;
        if let Some(u) = unit_at(b, r)? {
            return Ok(Some(u));
        }
    }
    unit_at(b, p)
}

/// The unit word `UNIT` captures right after a figure ("100,000 families", "48 hours").
fn unit_word(text: &str) -> Option<&str> {
    static RE: OnceLock<Regex> = OnceLock::new();
    match unit_by_hand(text) {
        Ok(r) => r.map(|r| &text[r]),
        Err(Unsure) => {
            let re = RE.get_or_init(|| Regex::new(UNIT).expect("unit regex"));
            // Most figures have no unit: the match test is cheaper than a capturing search.
            re.is_match(text)
                .then(|| re.captures(text))
                .flatten()
                .and_then(|c| c.get(1))
                .map(|m| m.as_str())
        }
    }
}

/// Where the first match of `PASSIVE` ends in `text`, read by hand (for a text that folds
/// plainly, so that `(?i)` pairs ASCII letters only). A match starts at a run of word bytes
/// that is a whole verb ("were", or "had" before spaces and "been"; `\s` follows each);
/// then spaces, and "not only", "all" … with the spaces after them if they follow.
fn passive_by_hand(text: &str) -> HandRead<Option<usize>> {
    let b = text.as_bytes();
    for r in word_runs(text) {
        let w = &b[r.clone()];
        let verb_end = if one_of(w, &[b"were", b"was", b"are", b"is"]) {
            r.end
        } else if one_of(w, &[b"had", b"have", b"has"]) && hand_space_at(b, r.end)? {
            let s = hand_spaces(b, r.end)?;
            if !hand_word_at(b, s, b"been")? {
                continue;
            }
            s + 4
        } else {
            continue;
        };
        if !hand_space_at(b, verb_end)? {
            continue;
        }
        let e = hand_spaces(b, verb_end)?;
        // "not", spaces, "only".
        if hand_word_at(b, e, b"not")? && hand_space_at(b, e + 3)? {
            let s = hand_spaces(b, e + 3)?;
            if hand_word_at(b, s, b"only")? && hand_space_at(b, s + 4)? {
                return Ok(Some(hand_spaces(b, s + 4)?));
            }
        }
        for g in [
            &b"all"[..],
            b"also",
            b"then",
            b"later",
            b"eventually",
            b"either",
            b"subsequently",
            b"summarily",
        ] {
            if hand_word_at(b, e, g)? && hand_space_at(b, e + g.len())? {
                return Ok(Some(hand_spaces(b, e + g.len())?));
            }
        }
        return Ok(Some(e));
    }
    Ok(None)
}

/// Where `PASSIVE`'s first match in `window` ends.
fn passive_end(window: &str, plain: bool) -> Option<usize> {
    static RE: OnceLock<Regex> = OnceLock::new();
    if plain && let Ok(end) = passive_by_hand(window) {
        return end;
    }
    RE.get_or_init(|| Regex::new(PASSIVE).expect("passive regex"))
        .find(window)
        .map(|m| m.end())
}

/// Where `FRAME`'s match ends in `b`, whose keyword `w` stands at `p` after ASCII non-word
/// bytes only: spaces, optionally "the", spaces, "year" or "years", spaces, then four
/// digits.
fn frame_by_hand(b: &[u8], p: usize, w: &[u8]) -> HandRead<Option<usize>> {
    let k = p + w.len();
    let e = hand_spaces(b, k)?;
    if e == k {
        return Ok(None);
    }
    let digits = |i: usize| -> HandRead<bool> {
        for j in i..i + 4 {
            match b.get(j) {
                Some(x) if x.is_ascii_digit() => {}
                Some(x) if !x.is_ascii() => return Err(Unsure),
                _ => return Ok(false),
            }
        }
        Ok(true)
    };
    // "the years" is matched in lowercase only: a byte that is not one of its letters rules
    // it out.
    let exact = |i: usize, w: &[u8]| b.get(i..i + w.len()) == Some(w);
    if exact(e, b"the") && hand_space_at(b, e + 3)? {
        let s = hand_spaces(b, e + 3)?;
        if exact(s, b"year") {
            // "years?" is greedy: with the "s" first, then without it.
            for t in [s + 5, s + 4] {
                if t == s + 5 && !exact(s + 4, b"s") {
                    continue;
                }
                if hand_space_at(b, t)? {
                    let u = hand_spaces(b, t)?;
                    if digits(u)? {
                        return Ok(Some(u + 4));
                    }
                }
            }
        }
    }
    Ok(digits(e)?.then_some(e + 4))
}

/// What `share_words` reads (its test oracle: it needs no regex).
#[cfg(test)]
const SHARE: &str = r"(?i)^\s*of\s+((?:\S+\s+){0,4}\S+)";
const OF_END: &str = r"(?i)(?-u:\b)of\s+(?:the\s+|these\s+|those\s+)?$";
const POLITICAL: &str = r"(?i)(?-u:\b)politicals?(?-u:\b)";

/// `SHARE`'s group 1 in `text`: after spaces, "of" and spaces, the next one to five runs of
/// non-spaces with the spaces between them. (`\s` is `char::is_whitespace`, and no
/// character but ASCII folds to "o" or "f".)
fn share_words(text: &str) -> Option<&str> {
    let t = text.trim_start();
    if !t.as_bytes().get(..2)?.eq_ignore_ascii_case(b"of") {
        return None;
    }
    let after_of = &t[2..];
    let words = after_of.trim_start();
    if words.len() == after_of.len() || words.is_empty() {
        return None;
    }
    let mut end = 0;
    for n in 1..=5 {
        end += words[end..]
            .find(char::is_whitespace)
            .unwrap_or(words.len() - end);
        let next = words[end..].trim_start();
        if n == 5 || next.is_empty() {
            break;
        }
        end = words.len() - next.len();
    }
    Some(&words[..end])
}

/// Whether `OF_END` matches `text` ("… of the "), read by hand: spaces at the end, before
/// them "of" after a non-word byte, or "the/these/those", spaces and such an "of". Unsure
/// where an article's place holds a non-ASCII byte ("theſe" folds to "these").
fn of_end_by_hand(text: &str) -> HandRead<bool> {
    let of_at_end = |t: &str| {
        let b = t.as_bytes();
        b.len() >= 2
            && b[b.len() - 2..].eq_ignore_ascii_case(b"of")
            && (b.len() == 2 || !is_word_byte(b[b.len() - 3]))
    };
    let t = text.trim_end();
    if t.len() == text.len() {
        return Ok(false);
    }
    if of_at_end(t) {
        return Ok(true);
    }
    let b = t.as_bytes();
    for a in [&b"the"[..], b"these", b"those"] {
        let Some(tail) = b.len().checked_sub(a.len()).map(|i| &b[i..]) else {
            continue;
        };
        if !tail.is_ascii() {
            return Err(Unsure);
        }
        if tail.eq_ignore_ascii_case(a) {
            let t2 = &t[..t.len() - a.len()];
            let t3 = t2.trim_end();
            if t3.len() < t2.len() && of_at_end(t3) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Whether `text` ends in "of", spaces, maybe "the/these/those" and spaces: a measure word
/// after it names a whole the figure is part of.
fn of_end(text: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    of_end_by_hand(text).unwrap_or_else(|_| {
        RE.get_or_init(|| Regex::new(OF_END).expect("of regex"))
            .is_match(text)
    })
}

/// Whether "political" or "politicals" stands in `text` as a word: where `text` folds
/// plainly, a whole run of word bytes (see `first_word`).
fn political(text: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    if folds_plainly(text) {
        return first_word(text, &[b"political", b"politicals"]).is_some();
    }
    RE.get_or_init(|| Regex::new(POLITICAL).expect("political regex"))
        .is_match(text)
}

/// Words that make the figure a different quantity from a plain count of its measure: an
/// average, an excess over a baseline, or a unit other than people ("100,000 families",
/// "48 hours").
fn qualifiers(sentence: &str, fig: Range<usize>, clause_start: usize) -> Vec<&'static str> {
    let mut out = Vec::new();
    let before = &sentence[clause_start..fig.start];
    let after = &sentence[fig.end..];
    if let Some(u) = unit_word(after) {
        let w = u.to_lowercase();
        out.push(match w.chars().next() {
            Some('f') => "families",
            Some('h') if w.starts_with("ho") && w.contains("use") => "households",
            Some('h') => "hours",
            Some('d') if w.starts_with("da") => "days",
            Some('w') => "weeks",
            Some('m') if w.starts_with("mo") => "months",
            Some('y') => "years",
            Some('c') => "cases",
            Some('t') if w.starts_with("ti") => "times",
            Some('p') => "percent",
            _ => "unit",
        });
    }
    let after = &after[..cut_at(after, 3, |c| matches!(c, ',' | ';' | ':' | '.'))];
    let word = qualifier_word(before)
        .map(|r| &before[r])
        .or_else(|| qualifier_word(after).map(|r| &after[r]));
    if let Some(m) = word {
        out.push(match m.to_lowercase().as_str() {
            "extra" | "additional" | "excess" => "excess",
            "mean" | "average" => "average",
            "annual" | "annually" | "yearly" => "annual",
            "monthly" => "monthly",
            "daily" => "daily",
            "net" => "net",
            _ => "criminal",
        });
    }
    out
}

/// The regexes of the words that `conditional`, `relative` and `qualifier_word` find.
const CONDITIONAL: &str = r"(?i)(?-u:\b)(?:if|unless|suppose|supposing|whether)(?-u:\b)";
const RELATIVE: &str = r"(?i)(?-u:\b)(?:which|who|whom|whose|that|than)(?-u:\b)";
const QUALIFIER: &str = r"(?i)(?-u:\b)(average|mean|excess|extra|additional|annual(?:ly)?|yearly|monthly|daily|net|common[\s-]+law|criminals?|ordinary)(?-u:\b)";

/// A word that puts the figure in a condition ("if", "unless" …): the first match of
/// `CONDITIONAL`.
fn conditional(text: &str) -> Option<Range<usize>> {
    static RE: OnceLock<Regex> = OnceLock::new();
    if folds_plainly(text) {
        return first_word(
            text,
            &[b"if", b"unless", b"suppose", b"supposing", b"whether"],
        );
    }
    let re = RE.get_or_init(|| Regex::new(CONDITIONAL).expect("conditional regex"));
    re.find(text).map(|m| m.range())
}

/// A relative pronoun ("which", "who" …): the first match of `RELATIVE`.
fn relative(text: &str) -> Option<Range<usize>> {
    static RE: OnceLock<Regex> = OnceLock::new();
    if folds_plainly(text) {
        return first_word(
            text,
            &[b"which", b"who", b"whom", b"whose", b"that", b"than"],
        );
    }
    let re = RE.get_or_init(|| Regex::new(RELATIVE).expect("relative regex"));
    re.find(text).map(|m| m.range())
}

/// A word that qualifies the quantity ("average", "excess", "common-law" …): the first match
/// of `QUALIFIER`.
fn qualifier_word(text: &str) -> Option<Range<usize>> {
    static RE: OnceLock<Regex> = OnceLock::new();
    if folds_plainly(text) {
        return word_runs(text).find_map(|r| qualifier_at(text, r));
    }
    let re = RE.get_or_init(|| Regex::new(QUALIFIER).expect("qualifier regex"));
    re.find(text).map(|m| m.range())
}

/// For each ASCII letter in lowercase, the lengths (as bits) of `qualifier_at`'s words that
/// begin with it.
const QUALIFIER_LENGTHS: [u16; 128] = {
    let words: [&[u8]; 15] = [
        b"average",
        b"mean",
        b"excess",
        b"extra",
        b"additional",
        b"annual",
        b"annually",
        b"yearly",
        b"monthly",
        b"daily",
        b"net",
        b"criminal",
        b"criminals",
        b"ordinary",
        b"common",
    ];
    let mut t = [0u16; 128];
    let mut i = 0;
    while i < words.len() {
        t[words[i][0] as usize] |= 1 << words[i].len();
        i += 1;
    }
    t
};

/// The match of `QUALIFIER` that starts with the run of word bytes `r` of `text` (which folds
/// plainly), if there is one.
fn qualifier_at(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    let b = text.as_bytes();
    // The words have 3 to 10 bytes, and most runs' first letter and length match none of
    // them: those runs are not copied.
    let lengths = QUALIFIER_LENGTHS[usize::from(b[r.start] | 0x20) % 128];
    if r.len() >= 16 || lengths & (1 << r.len()) == 0 {
        return None;
    }
    let w = lowercase(&b[r.clone()])?;
    let w = &w[..r.len()];
    if matches!(
        w,
        b"average"
            | b"mean"
            | b"excess"
            | b"extra"
            | b"additional"
            | b"annual"
            | b"annually"
            | b"yearly"
            | b"monthly"
            | b"daily"
            | b"net"
            | b"criminal"
            | b"criminals"
            | b"ordinary"
    ) {
        return Some(r);
    }
    if w != b"common" {
        return None;
    }
    // "common[\s-]+law": dashes and spaces, then "law" as a whole word.
    let gap = text[r.end..]
        .char_indices()
        .find(|&(_, c)| !(c == '-' || c.is_whitespace()))
        .map_or(text.len() - r.end, |(i, _)| i);
    let law = r.end + gap;
    let end = law + 3;
    (gap > 0
        && b.get(law..end)
            .is_some_and(|l| l.eq_ignore_ascii_case(b"law"))
        && b.get(end).is_none_or(|&x| !is_word_byte(x)))
    .then_some(r.start..end)
}

/// Where the window of the passive verb after a figure stops (see `Measures::measure_name`).
fn stop_window(c: char) -> bool {
    matches!(c, ';' | ':' | '.' | '!' | '?' | '—') || c.is_ascii_digit()
}

/// Where the words after a figure that may name its measure stop (see
/// `Measures::measure_name`).
fn stop_words(c: char) -> bool {
    matches!(c, ',' | ';' | ':' | '(' | ')' | '–' | '—' | '.' | '!' | '?') || c.is_ascii_digit()
}

/// The cuts `Measures::measure_name` makes in the text after a figure, found in one pass of
/// its bytes rather than four (each about as long as the text): the words after a figure are
/// read for every figure that may have a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct AfterCuts {
    /// `word_limit(s, 14)`: the first 14 words, `after`.
    limit: usize,
    /// `cut_at(after, 14, stop_window)`.
    window: usize,
    /// `cut_at(after, 6, stop_words)`.
    words: usize,
    /// `glued_digit(after)`.
    glued: bool,
}

impl AfterCuts {
    /// The cuts of `s`, or `None` where a non-ASCII character (it may be whitespace, a dash
    /// that stops, or a letter) or a `[` (which opens an insertion) stands before the limit:
    /// without either, `without_insertions_to(s, 14)` is `&s[..word_limit(s, 14)]`.
    fn of(s: &str) -> Option<AfterCuts> {
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        if s.len() >= 16 {
            return Self::of_by_masks(s.as_bytes());
        }
        Self::of_bytewise(s)
    }

    /// `of`, 64 bytes a step as masks of the byte classes (see `after_masks`): each cut is a
    /// bit scan, the words are the spaces after non-spaces, counted by bits.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    fn of_by_masks(b: &[u8]) -> Option<AfterCuts> {
        let (mut words, mut window, mut six, mut glued) = (0u32, None, None, false);
        // Whether the byte before the block is in a word, and is a byte a digit glues to.
        let (mut in_word, mut glue_before) = (0u64, 0u64);
        let mut base = 0;
        let mut limit = b.len();
        while base < b.len() {
            let m = after_masks(b, base);
            let valid = match b.len() - base {
                n if n >= 64 => !0,
                n => (1u64 << n) - 1,
            };
            let non_space = !m.space & valid;
            // A word is counted at the space that ends it.
            let ends = m.space & ((non_space << 1) | in_word);
            let last = nth_bit(ends, 14 - words);
            // The bytes read: those before the 14th word's space.
            let read = last.map_or(valid, |k| (1u64 << k) - 1);
            if m.high & read != 0 {
                return None;
            }
            if window.is_none() && m.window & read != 0 {
                window = Some(base + (m.window & read).trailing_zeros() as usize);
            }
            if six.is_none() {
                let stop =
                    (m.words & read != 0).then(|| (m.words & read).trailing_zeros() as usize);
                let sixth = if words < 6 {
                    nth_bit(ends, 6 - words)
                } else {
                    None
                };
                six = match (stop, sixth) {
                    (Some(x), Some(y)) => Some(base + x.min(y)),
                    (x, y) => x.or(y).map(|k| base + k),
                };
            }
            glued |= m.digit & ((m.glue << 1) | glue_before) & read != 0;
            if let Some(k) = last {
                limit = base + k;
                break;
            }
            words += ends.count_ones();
            in_word = non_space >> 63;
            glue_before = m.glue >> 63;
            base += 64;
        }
        Some(AfterCuts {
            limit,
            window: window.unwrap_or(limit),
            words: six.unwrap_or(limit),
            glued,
        })
    }

    /// `of(s).map(|c| (c.window, c.glued))` for an ASCII `s` without `[` (which `of` always
    /// cuts): all `surely_unmeasured` reads, without the six words' cut or a check for
    /// bytes that cannot be there.
    fn window_of(s: &str) -> (usize, bool) {
        debug_assert!(s.is_ascii() && !s.contains('['));
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        if s.len() >= 16 {
            return Self::window_by_masks(s.as_bytes());
        }
        Self::of_bytewise(s).map_or((s.len(), false), |c| (c.window, c.glued))
    }

    /// `window_of` 64 bytes a step, as `of_by_masks` with only the classes it needs.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    fn window_by_masks(b: &[u8]) -> (usize, bool) {
        let (mut words, mut window, mut glued) = (0u32, None, false);
        let (mut in_word, mut glue_before) = (0u64, 0u64);
        let mut base = 0;
        while base < b.len() {
            // SAFETY: `window_masks_sse2` only needs SSE2, which this build enables.
            let [space, stop, digit, glue] = unsafe { window_masks_sse2(b, base) };
            let valid = match b.len() - base {
                n if n >= 64 => !0,
                n => (1u64 << n) - 1,
            };
            let non_space = !space & valid;
            let ends = space & ((non_space << 1) | in_word);
            let last = nth_bit(ends, 14 - words);
            let read = last.map_or(valid, |k| (1u64 << k) - 1);
            if window.is_none() && stop & read != 0 {
                window = Some(base + (stop & read).trailing_zeros() as usize);
            }
            glued |= digit & ((glue << 1) | glue_before) & read != 0;
            if let Some(k) = last {
                return (window.unwrap_or(base + k), glued);
            }
            words += ends.count_ones();
            in_word = non_space >> 63;
            glue_before = glue >> 63;
            base += 64;
        }
        (window.unwrap_or(b.len()), glued)
    }

    /// `of` a byte at a time: for short texts, and its oracle.
    fn of_bytewise(s: &str) -> Option<AfterCuts> {
        let b = s.as_bytes();
        let (mut words, mut in_word) = (0, false);
        let (mut window, mut six, mut glued) = (None, None, false);
        let mut limit = b.len();
        for (i, &x) in b.iter().enumerate() {
            let c = AFTER_CLASS[usize::from(x)];
            // Most bytes are letters: inside a word, and none of the cuts.
            if c == GLUE {
                in_word = true;
                continue;
            }
            if c & HIGH != 0 {
                return None;
            }
            if c & SPACE != 0 {
                if in_word {
                    words += 1;
                    in_word = false;
                    if words == 6 && six.is_none() {
                        six = Some(i);
                    }
                    if words == 14 {
                        limit = i;
                        break;
                    }
                }
                continue;
            }
            in_word = true;
            if c & STOP_WINDOW != 0 && window.is_none() {
                window = Some(i);
            }
            if c & STOP_WORDS != 0 && six.is_none() {
                six = Some(i);
            }
            // `glued_digit`: a digit after a letter or `_`.
            glued |= c & DIGIT != 0 && i > 0 && AFTER_CLASS[usize::from(b[i - 1])] & GLUE != 0;
        }
        Some(AfterCuts {
            limit,
            window: window.unwrap_or(limit),
            words: six.unwrap_or(limit),
            glued,
        })
    }
}

/// Where the `n`th set bit (from 1) of `x` stands.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn nth_bit(mut x: u64, n: u32) -> Option<usize> {
    if n == 0 || x.count_ones() < n {
        return None;
    }
    for _ in 1..n {
        x &= x - 1;
    }
    Some(x.trailing_zeros() as usize)
}

/// Spaces, stops of `stop_window`, digits and bytes a digit glues to of `b[at..at + 64]`, as
/// `after_masks` gives them.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn window_masks_sse2(b: &[u8], at: usize) -> [u64; 4] {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_or_si128, _mm_set1_epi8};
    crate::simd::block_masks(b, at, |x| {
        let is = |c: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8));
        let digit = crate::simd::digits(x);
        let space = _mm_or_si128(is(b' '), crate::simd::in_range(x, b'\t', b'\r'));
        let window = _mm_or_si128(
            _mm_or_si128(
                _mm_or_si128(digit, is(b';')),
                _mm_or_si128(is(b':'), is(b'.')),
            ),
            _mm_or_si128(is(b'!'), is(b'?')),
        );
        let glue = _mm_or_si128(crate::simd::letters(x), is(b'_'));
        [space, window, digit, glue]
    })
}

/// The classes of `AFTER_CLASS` of `b[at..at + 64]` as bits (bit k for `b[at + k]`, 0 past
/// the end of `b`, which holds at least 16 bytes).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[derive(Clone, Copy)]
struct AfterMasks {
    space: u64,
    /// Non-ASCII bytes and `[`.
    high: u64,
    /// Stops of `stop_window`.
    window: u64,
    /// Stops of `stop_words`.
    words: u64,
    digit: u64,
    glue: u64,
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn after_masks(b: &[u8], at: usize) -> AfterMasks {
    // SAFETY: `after_masks_sse2` only needs SSE2, which this build enables.
    unsafe { after_masks_sse2(b, at) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn after_masks_sse2(b: &[u8], at: usize) -> AfterMasks {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_or_si128, _mm_set1_epi8};
    let m = crate::simd::block_masks(b, at, |x| {
        let is = |c: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8));
        let digit = crate::simd::digits(x);
        let space = _mm_or_si128(is(b' '), crate::simd::in_range(x, b'\t', b'\r'));
        let window = _mm_or_si128(
            _mm_or_si128(
                _mm_or_si128(digit, is(b';')),
                _mm_or_si128(is(b':'), is(b'.')),
            ),
            _mm_or_si128(is(b'!'), is(b'?')),
        );
        let words = _mm_or_si128(
            _mm_or_si128(window, is(b',')),
            _mm_or_si128(is(b'('), is(b')')),
        );
        let glue = _mm_or_si128(crate::simd::letters(x), is(b'_'));
        [
            space,
            // The sign bit is set in every non-ASCII byte.
            _mm_or_si128(x, is(b'[')),
            window,
            words,
            digit,
            glue,
        ]
    });
    AfterMasks {
        space: m[0],
        high: m[1],
        window: m[2],
        words: m[3],
        digit: m[4],
        glue: m[5],
    }
}

/// Classes of the bytes `AfterCuts::of` reads: non-ASCII or `[`, whitespace (`char::is_whitespace`),
/// a stop of `stop_window`, of `stop_words`, a digit, and a byte a digit may be glued to.
const HIGH: u8 = 1;
const SPACE: u8 = 2;
const STOP_WINDOW: u8 = 4;
const STOP_WORDS: u8 = 8;
const DIGIT: u8 = 16;
const GLUE: u8 = 32;

const AFTER_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let x = i as u8;
        t[i] = if x >= 0x80 || x == b'[' {
            HIGH
        } else if matches!(x, b'\t'..=b'\r' | b' ') {
            SPACE
        } else {
            let mut c = 0;
            if matches!(x, b';' | b':' | b'.' | b'!' | b'?') || x.is_ascii_digit() {
                c |= STOP_WINDOW;
            }
            if matches!(x, b',' | b';' | b':' | b'(' | b')' | b'.' | b'!' | b'?')
                || x.is_ascii_digit()
            {
                c |= STOP_WORDS;
            }
            if x.is_ascii_digit() {
                c |= DIGIT;
            }
            if x.is_ascii_alphabetic() || x == b'_' {
                c |= GLUE;
            }
            c
        };
        i += 1;
    }
    t
};

/// Whether case-insensitive matching in `text` pairs ASCII letters with ASCII letters only:
/// the long s and the Kelvin sign are the two other characters that fold to them.
fn folds_plainly(text: &str) -> bool {
    let b = text.as_bytes();
    // U+017F is C5 BF, U+212A is E2 84 AA.
    text.is_ascii()
        || memchr::memchr2_iter(0xC5, 0xE2, b)
            .all(|i| !matches!(&b[i..], [0xC5, 0xBF, ..] | [0xE2, 0x84, 0xAA, ..]))
}

/// The maximal runs of ASCII word bytes in `text`, the words `(?-u:\b)` bounds.
fn word_runs(text: &str) -> WordRuns<'_> {
    word_runs_from(text.as_bytes(), 0)
}

/// The maximal runs of ASCII word bytes of `b` that start at or after `from` (a run that
/// starts before `from` is not one of them).
fn word_runs_from(b: &[u8], from: usize) -> WordRuns<'_> {
    let base = from.min(b.len());
    // A word byte before `from` carries its run into the first block: no start there.
    let carry = u64::from(base > 0 && is_word_byte(b[base - 1]));
    let word = word_mask(b, base);
    WordRuns {
        b,
        base,
        word,
        starts: word & !((word << 1) | carry),
    }
}

/// See `word_runs_from`. The text is read 64 bytes at a time as a mask of its word bytes
/// (SSE2, see `word_mask`): a run's start and end are bit scans, not a byte loop (a
/// sentence's words are found for every figure, `find_phrases` alone ~1.3 k instructions a
/// sentence byte by byte).
struct WordRuns<'b> {
    b: &'b [u8],
    /// Where the current block starts.
    base: usize,
    /// `is_word_byte` of the block's bytes, bit k for `b[base + k]` (0 past the end).
    word: u64,
    /// The starts of runs in the block not given yet.
    starts: u64,
}

impl WordRuns<'_> {
    /// The start of the next run (its end is not worked out).
    #[inline]
    fn next_start(&mut self) -> Option<usize> {
        loop {
            if self.starts != 0 {
                let k = self.starts.trailing_zeros() as usize;
                self.starts &= self.starts - 1;
                return Some(self.base + k);
            }
            let next = self.base + 64;
            if next >= self.b.len() {
                return None;
            }
            let carry = self.word >> 63;
            self.base = next;
            self.word = word_mask(self.b, next);
            self.starts = self.word & !((self.word << 1) | carry);
        }
    }

    /// The end of the run that starts at `start`, the last start `next_start` gave (its
    /// block is still the current one).
    #[inline]
    fn end_of(&self, start: usize) -> usize {
        let k = start - self.base;
        let run = (self.word >> k).trailing_ones() as usize;
        let mut end = start + run;
        // A run that reaches the block's end may go on past it.
        if k + run == 64 {
            while end < self.b.len() && WORD_BYTE[usize::from(self.b[end])] {
                end += 1;
            }
        }
        end
    }
}

impl Iterator for WordRuns<'_> {
    type Item = Range<usize>;

    #[inline]
    fn next(&mut self) -> Option<Range<usize>> {
        let start = self.next_start()?;
        Some(start..self.end_of(start))
    }
}

/// `is_word_byte` of `b[at..at + 64]` as bits (bit k for `b[at + k]`), 0 past the end of `b`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn word_mask(b: &[u8], at: usize) -> u64 {
    // SAFETY: `word_mask_sse2` only needs SSE2, which this build enables (it is part of every
    // x86_64 CPU); `word_masks_agree_with_the_byte_table` holds it to `word_mask_bytewise`.
    unsafe { word_mask_sse2(b, at) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn word_mask_sse2(b: &[u8], at: usize) -> u64 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_or_si128, _mm_set1_epi8};
    if b.len() < 16 {
        return word_mask_bytewise(b, at);
    }
    // The word bytes as `is_word_byte` has them: ASCII letters, digits and `_`.
    crate::simd::block_masks(b, at, |x| {
        [_mm_or_si128(
            _mm_or_si128(crate::simd::letters(x), crate::simd::digits(x)),
            _mm_cmpeq_epi8(x, _mm_set1_epi8(b'_' as i8)),
        )]
    })[0]
}

/// `word_mask` a byte at a time: elsewhere, for short texts, and its oracle.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn word_mask_bytewise(b: &[u8], at: usize) -> u64 {
    let end = b.len().min(at.saturating_add(64));
    b.get(at..end)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .fold(0, |m, (k, &x)| {
            m | (u64::from(WORD_BYTE[usize::from(x)]) << k)
        })
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn word_mask(b: &[u8], at: usize) -> u64 {
    word_mask_bytewise(b, at)
}

/// The first match of `(?i)(?-u:\b)(?:w1|w2|…)(?-u:\b)` for `words` of 1 to 63 ASCII
/// lowercase letters, in a text that `folds_plainly`: such a match is made of ASCII letters
/// bounded by non-word bytes, so it is a whole run of word bytes, equal to a word in some case.
fn first_word(text: &str, words: &[&[u8]]) -> Option<Range<usize>> {
    let b = text.as_bytes();
    // The lengths and first letters of the words, as bits: most runs have none of them and
    // are not compared with each word.
    let (mut lengths, mut firsts) = (0u64, 0u32);
    for w in words {
        debug_assert!((1..64).contains(&w.len()) && w.iter().all(u8::is_ascii_lowercase));
        lengths |= 1 << w.len();
        firsts |= 1 << (w[0] - b'a');
    }
    word_runs(text).find(|r| {
        r.len() < 64
            && lengths & (1 << r.len()) != 0
            && (b[r.start] | 0x20)
                .checked_sub(b'a')
                .is_some_and(|k| k < 26 && firsts & (1 << k) != 0)
            && words
                .iter()
                .any(|w| w.len() == r.len() && b[r.clone()].eq_ignore_ascii_case(w))
    })
}

/// `w` in ASCII lowercase, in a buffer as long as the longest word looked for (`None` if
/// `w` is longer).
fn lowercase(w: &[u8]) -> Option<[u8; 12]> {
    let mut buf = [0u8; 12];
    buf.get_mut(..w.len())?.copy_from_slice(w);
    buf.make_ascii_lowercase();
    Some(buf)
}

fn shift(r: &Range<usize>, by: usize) -> Range<usize> {
    r.start.saturating_sub(by)..r.end.saturating_sub(by)
}

/// The clause of `sentence` the figure at `fig` stands in: between clause punctuation or a
/// coordinating conjunction that opens a new clause.
fn clause_of(sentence: &str, fig: Range<usize>) -> Range<usize> {
    // Punctuation breaks are found by scanning out from the figure (a list of numbers has one
    // every few bytes, so a regex pass over the sentence per figure would be quadratic); word
    // breaks ("but", "while" …) are then looked for only inside that stretch.
    let fig_start = fig.start.min(sentence.len());
    let fig_end = fig.end.min(sentence.len()).max(fig_start);
    let mut start = last_break_end(&sentence.as_bytes()[..fig_start]);
    if let Some(m) = clause_words(&sentence[start..fig_start]).last() {
        start += m.end;
    }
    let mut end =
        first_break(&sentence.as_bytes()[fig_end..]).map_or(sentence.len(), |i| fig_end + i);
    if let Some(m) = clause_words(&sentence[fig_end..end]).next() {
        end = fig_end + m.start;
    }
    start..end.max(start)
}

/// Whether the byte is an ASCII clause break. The breaks are read as bytes: a byte below 0x80
/// is a whole character, and the dashes are E2 80 93 and E2 80 94 (see `dash_ends_at`).
const fn ascii_clause_break(x: u8) -> bool {
    matches!(x, b',' | b';' | b':' | b'(' | b')' | b'[' | b']')
}

/// Whether an en or em dash ends at byte `i` (inclusive) of `b`.
fn dash_ends_at(b: &[u8], i: usize) -> bool {
    matches!(b[i], 0x93 | 0x94) && i >= 2 && b[i - 2] == 0xE2 && b[i - 1] == 0x80
}

/// Where the last clause break of `b` ends (0 if none): `char_indices().rev().find(is_clause_break)`
/// read on bytes.
fn last_break_end(b: &[u8]) -> usize {
    (0..b.len())
        .rev()
        .find(|&i| {
            BREAK_BYTE[usize::from(b[i])] && (ascii_clause_break(b[i]) || dash_ends_at(b, i))
        })
        .map_or(0, |i| i + 1)
}

/// The bytes a clause break may end or start with: the ASCII breaks and the last byte of the
/// dashes (one table lookup per byte rules out the rest).
const BREAK_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = ascii_clause_break(i as u8) || i == 0x93 || i == 0x94;
        i += 1;
    }
    t
};

/// Where the first clause break of `b` starts: `char_indices().find(is_clause_break)` read on
/// bytes.
fn first_break(b: &[u8]) -> Option<usize> {
    (0..b.len()).find_map(|i| {
        if !BREAK_BYTE[usize::from(b[i])] {
            None
        } else if ascii_clause_break(b[i]) {
            Some(i)
        } else if dash_ends_at(b, i) {
            Some(i - 2)
        } else {
            None
        }
    })
}

/// The regex of the words that open a new clause (see `clause_words`).
const CLAUSE_WORD: &str = r"(?i)\s(?:and\s+there|but|while|whereas|versus|not)\s";

/// The matches of `CLAUSE_WORD` in `text`, as `find_iter` gives them. Where `text` folds
/// plainly they are read by hand: a whitespace character, one of the words in any ASCII case
/// (in the regex's order), and a whitespace character; a regex search per figure costs more
/// than the few words between clause breaks.
fn clause_words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    static RE: OnceLock<Regex> = OnceLock::new();
    let mut regex = (!folds_plainly(text)).then(|| {
        RE.get_or_init(|| Regex::new(CLAUSE_WORD).expect("clause regex"))
            .find_iter(text)
    });
    let mut from = 0;
    std::iter::from_fn(move || {
        if let Some(it) = &mut regex {
            return it.next().map(|m| m.range());
        }
        let b = text.as_bytes();
        // Each word begins with one of "abwvn" in some case, after a whitespace character that
        // starts at or after `from`: the letters are looked for, then the character before.
        let mut j = from + 1;
        while j < b.len() {
            let Some(k) = b[j..].iter().position(|&x| CLAUSE_FIRST[usize::from(x)]) else {
                break;
            };
            j += k;
            // Each word's first two letters, in some case, are one of these pairs: most
            // letters found ("a", "n" …) begin no clause word.
            let pair = b.get(j + 1).map(|&c| (b[j] | 0x20, c | 0x20));
            if !matches!(
                pair,
                Some((b'a', b'n') | (b'b', b'u') | (b'w', b'h') | (b'v', b'e') | (b'n', b'o'))
            ) {
                j += 1;
                continue;
            }
            // The character before the letter, read as a byte where ASCII (nearly always).
            let space_len = match b[j - 1] {
                x if x.is_ascii() => {
                    matches!(x, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r').then_some(1)
                }
                _ => text[..j]
                    .chars()
                    .next_back()
                    .filter(|c| c.is_whitespace())
                    .map(char::len_utf8),
            };
            if let Some(len) = space_len
                && j - len >= from
                && let Some(end) = clause_word_at(text, j)
            {
                from = end;
                return Some(j - len..end);
            }
            j += 1;
        }
        from = b.len();
        None
    })
}

/// The first letters of the clause words, in either case (see `clause_words`).
const CLAUSE_FIRST: [bool; 256] = {
    let mut t = [false; 256];
    let letters = *b"abwvnABWVN";
    let mut i = 0;
    while i < letters.len() {
        t[letters[i] as usize] = true;
        i += 1;
    }
    t
};

/// The end of `(?i)(?:and\s+there|but|while|whereas|versus|not)\s` at `at`, in a text that
/// folds plainly.
fn clause_word_at(text: &str, at: usize) -> Option<usize> {
    let b = text.as_bytes();
    let word = |i: usize, w: &[u8]| {
        b.get(i..i + w.len())
            .is_some_and(|x| x.eq_ignore_ascii_case(w))
            .then_some(i + w.len())
    };
    // Where the run of whitespace at `i` ends, if there is one.
    let spaces = |i: usize| {
        let run: usize = text[i..]
            .chars()
            .take_while(|c| c.is_whitespace())
            .map(char::len_utf8)
            .sum();
        (run > 0).then_some(i + run)
    };
    let one_space = |i: usize| {
        text[i..]
            .chars()
            .next()
            .filter(|c| c.is_whitespace())
            .map(|c| i + c.len_utf8())
    };
    // "and\s+there\s": `\s+` takes every space before "there" (which is no space).
    if let Some(e) = word(at, b"and")
        .and_then(spaces)
        .and_then(|i| word(i, b"there"))
        .and_then(one_space)
    {
        return Some(e);
    }
    [&b"but"[..], b"while", b"whereas", b"versus", b"not"]
        .into_iter()
        .find_map(|w| word(at, w).and_then(one_space))
}

/// `without_insertions(s)` for ASCII `s`, into `out`: kept stretches copied whole, not a
/// character at a time.
fn ascii_without_insertions(s: &str, out: &mut String) {
    out.clear();
    let mut depth = 0usize;
    let mut from = 0;
    for i in memchr::memchr2_iter(b'[', b']', s.as_bytes()) {
        if s.as_bytes()[i] == b'[' {
            if depth == 0 {
                out.push_str(&s[from..i]);
            }
            depth += 1;
        } else if depth > 0 {
            // A `]` outside an insertion is kept, with the stretch it stands in.
            depth -= 1;
            if depth == 0 {
                from = i + 1;
            }
        }
    }
    if depth == 0 {
        out.push_str(&s[from..]);
    }
}

/// `s` with bracketed editorial insertions ("[the 1934 Congress]") blanked out.
fn without_insertions(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for ch in s.chars() {
        match ch {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out
}

/// The prefix of `without_insertions(s)` that holds its first `n` words (as `word_limit` cuts
/// it), copied only when an insertion is taken out of it.
fn without_insertions_to(s: &str, n: usize) -> std::borrow::Cow<'_, str> {
    // Without a `[` nothing is taken out (a `]` outside an insertion stays).
    if memchr::memchr(b'[', s.as_bytes()).is_none() {
        return s[..word_limit(s, n)].into();
    }
    let mut words = 0;
    let mut in_word = false;
    let mut depth = 0usize;
    // The text kept, once it is no longer a prefix of `s`.
    let mut out: Option<String> = None;
    for (i, ch) in s.char_indices() {
        let kept = match ch {
            '[' => {
                depth += 1;
                false
            }
            ']' if depth > 0 => {
                depth -= 1;
                false
            }
            _ => depth == 0,
        };
        if !kept {
            out.get_or_insert_with(|| {
                let mut o = String::with_capacity(s.len());
                o.push_str(&s[..i]);
                o
            });
            continue;
        }
        if ch.is_whitespace() {
            if in_word {
                words += 1;
                in_word = false;
                if words == n {
                    return out.map_or(s[..i].into(), Into::into);
                }
            }
        } else {
            in_word = true;
        }
        if let Some(o) = &mut out {
            o.push(ch);
        }
    }
    out.map_or(s.into(), Into::into)
}

/// `word_limit(s, n)`, or the offset of the first character `stop` accepts if that comes
/// first: one pass over the few words wanted, not a search of the whole rest of the sentence.
fn cut_at(s: &str, n: usize, stop: impl Fn(char) -> bool) -> usize {
    let mut words = 0;
    let mut in_word = false;
    let mut next = 0;
    while next < s.len() {
        let i = next;
        let (ch, len) = char_at(s, i);
        next += len;
        if stop(ch) {
            return i;
        }
        if ch.is_whitespace() {
            if in_word {
                words += 1;
                in_word = false;
                if words == n {
                    return i;
                }
            }
        } else {
            in_word = true;
        }
    }
    s.len()
}

/// `last_words(s, n)`, or the offset just after the last character `stop` accepts if that is
/// later: one backward pass over the few words wanted.
fn last_words_after(s: &str, n: usize, stop: impl Fn(char) -> bool) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for (i, ch) in s.char_indices().rev() {
        if stop(ch) {
            return i + ch.len_utf8();
        }
        if ch.is_whitespace() {
            if in_word {
                words += 1;
                in_word = false;
                if words == n {
                    return i + ch.len_utf8();
                }
            }
        } else {
            in_word = true;
        }
    }
    0
}

/// Whether a figure's text ends in "%", "percent" or "per cent" (any case), as its lowercase
/// form does: no character but ASCII lowercases to these ASCII letters.
fn is_percentage(fig_text: &str) -> bool {
    let t = fig_text.trim_end().as_bytes();
    let ends = |w: &[u8]| t.len() >= w.len() && t[t.len() - w.len()..].eq_ignore_ascii_case(w);
    t.ends_with(b"%") || ends(b"percent") || ends(b"per cent")
}

/// The years a period covers, inclusive.
pub fn period_years(p: &str) -> Option<(u32, u32)> {
    let mut it = p.split('–');
    let a: u32 = it.next()?.parse().ok()?;
    match it.next() {
        Some(b) => {
            let b: u32 = b.parse().ok()?;
            Some((a, a / 100 * 100 + b))
        }
        None => Some((a, a)),
    }
}

/// Whether `(?-u:\b)` holds at `at` in `b`: a word byte on one side only.
fn ascii_boundary(b: &[u8], at: usize) -> bool {
    let before = at > 0 && b.get(at - 1).is_some_and(|&x| is_word_byte(x));
    let after = b.get(at).is_some_and(|&x| is_word_byte(x));
    before != after
}

/// `is_word_byte` of every byte, for scans.
const WORD_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = is_word_byte(i as u8);
        i += 1;
    }
    t
};

/// Where the match of the year regex whose four-digit year ends at `p` ends, read by hand:
/// `(?:\s*[-–—/]\s*|\s+(?:to|and|through|until)\s+)(\d{4}|\d{2}\b)` if it follows, else `p`.
/// `None` when a non-ASCII character (Unicode space or digit) leaves it to the regex.
fn year_end(b: &[u8], p: usize) -> Option<usize> {
    let skip_ws = |mut i: usize| {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r') {
            i += 1;
        }
        i
    };
    // The second year: `Some(Some(end))` read, `Some(None)` not there, `None` undecided.
    let second = |j: usize| -> Option<Option<usize>> {
        let mut n = 0;
        while n < 4 {
            match b.get(j + n) {
                Some(x) if x.is_ascii_digit() => n += 1,
                Some(x) if !x.is_ascii() => return None,
                _ => break,
            }
        }
        Some(match n {
            4 => Some(j + 4),
            2 if b.get(j + 2).is_none_or(|&x| !is_word_byte(x)) => Some(j + 2),
            _ => None,
        })
    };
    // A dash or slash between the years (whitespace cannot be a dash, nor stand before a
    // digit, so the greedy `\s*` never gives any back).
    let i = skip_ws(p);
    let dash = match b.get(i..) {
        Some([b'-' | b'/', ..]) => Some(i + 1),
        Some([0xE2, 0x80, 0x93 | 0x94, ..]) => Some(i + 3),
        Some([x, ..]) if !x.is_ascii() => return None,
        _ => None,
    };
    if let Some(d) = dash
        && let Some(end) = second(skip_ws(d))?
    {
        return Some(end);
    }
    // "to", "and", "through" or "until" between spaces.
    if dash.is_some() {
        return Some(p);
    }
    if i == p || b.get(i).is_some_and(|x| !x.is_ascii()) {
        return if b.get(i).is_some_and(|x| !x.is_ascii()) {
            None
        } else {
            Some(p)
        };
    }
    let rest = &b[i..];
    let Some(w) = [&b"to"[..], b"and", b"through", b"until"]
        .into_iter()
        .find(|w| rest.starts_with(w))
    else {
        return Some(p);
    };
    let k = i + w.len();
    let j = skip_ws(k);
    if j == k {
        return if b.get(k).is_some_and(|x| !x.is_ascii()) {
            None
        } else {
            Some(p)
        };
    }
    Some(second(j)?.unwrap_or(p))
}

/// The groups of a year match (`text` is the whole match), read by hand when plain ASCII
/// digits make them plain; `None` leaves them to the regex.
fn year_groups(text: &str) -> Option<(&str, Option<&str>)> {
    let b = text.as_bytes();
    if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let rest = &text[4..];
    if rest.is_empty() {
        return Some((&text[..4], None));
    }
    // The second year ends the match, after a separator that holds no digit.
    let run = rest.bytes().rev().take_while(u8::is_ascii_digit).count();
    let sep = &rest[..rest.len() - run];
    let plain_sep = sep
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii() || c.is_whitespace() || matches!(c, '–' | '—'));
    ((run == 2 || run == 4) && plain_sep).then(|| (&text[..4], Some(&rest[rest.len() - run..])))
}

/// Byte length of the first `n` words of `s` (with the spaces before them).
fn word_limit(s: &str, n: usize) -> usize {
    let mut words = 0;
    let mut in_word = false;
    let mut next = 0;
    while next < s.len() {
        let i = next;
        let (ch, len) = char_at(s, i);
        next += len;
        if ch.is_whitespace() {
            if in_word {
                words += 1;
                in_word = false;
                if words == n {
                    return i;
                }
            }
        } else {
            in_word = true;
        }
    }
    s.len()
}

/// The character at byte `i` (a char boundary) of `s` and its length: an ASCII byte is read
/// as it stands, without decoding (the scans of a few words after a figure are nearly all
/// ASCII).
#[inline(always)]
fn char_at(s: &str, i: usize) -> (char, usize) {
    let x = s.as_bytes()[i];
    if x.is_ascii() {
        return (char::from(x), 1);
    }
    let c = s[i..].chars().next().unwrap_or('\0');
    (c, c.len_utf8())
}

/// Where the words `measure_before` reads stop, looking back from the figure.
fn before_stop(c: char) -> bool {
    matches!(c, ',' | ';' | ':' | '(' | ')' | '[' | '–' | '—' | '.')
}

/// Whether `x` is ASCII whitespace as `char::is_whitespace` has it.
fn ascii_space(x: u8) -> bool {
    matches!(x, b'\t'..=b'\r' | b' ')
}

/// Whether `i` stands inside a run of word bytes of `b`, between two of them.
#[inline]
fn glued_at(b: &[u8], i: usize) -> bool {
    i > 0 && i < b.len() && WORD_BYTE[usize::from(b[i - 1])] && WORD_BYTE[usize::from(b[i])]
}

/// Where the last `n` runs of non-whitespace bytes of `b` (ASCII) begin: 0 if it has fewer.
fn ascii_words_back(b: &[u8], n: usize) -> usize {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if b.len() >= 16 {
        return ascii_words_back_by_masks(b, n);
    }
    ascii_words_back_bytewise(b, n)
}

/// `ascii_words_back`, 64 bytes a step from the end: a word begins after each space that a
/// non-space follows, counted by bits.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn ascii_words_back_by_masks(b: &[u8], n: usize) -> usize {
    let mut end = b.len();
    let mut need = n;
    // Whether the byte at `end` is a non-space (none at the end of `b`).
    let mut word_after = 0u64;
    while end > 0 && need > 0 {
        let base = end.saturating_sub(64);
        let len = end - base;
        let valid = if len == 64 { !0 } else { (1u64 << len) - 1 };
        let space = space_mask(b, base) & valid;
        let word = !space & valid;
        let starts = space & ((word >> 1) | (word_after << (len - 1)));
        let count = starts.count_ones() as usize;
        if count >= need {
            let mut x = starts;
            for _ in 1..need {
                x &= !(1u64 << (63 - x.leading_zeros()));
            }
            return base + (63 - x.leading_zeros()) as usize + 1;
        }
        need -= count;
        word_after = word & 1;
        end = base;
    }
    0
}

/// The ASCII whitespace of `b[at..at + 64]` as bits (bit k for `b[at + k]`, 0 past the end
/// of `b`, which holds at least 16 bytes).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn space_mask(b: &[u8], at: usize) -> u64 {
    // SAFETY: `space_mask_sse2` only needs SSE2, which this build enables.
    unsafe { space_mask_sse2(b, at) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn space_mask_sse2(b: &[u8], at: usize) -> u64 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_or_si128, _mm_set1_epi8};
    crate::simd::block_masks(b, at, |x| {
        [_mm_or_si128(
            _mm_cmpeq_epi8(x, _mm_set1_epi8(b' ' as i8)),
            crate::simd::in_range(x, b'\t', b'\r'),
        )]
    })[0]
}

/// `ascii_words_back` a byte at a time: for short texts, and its oracle.
fn ascii_words_back_bytewise(b: &[u8], n: usize) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for i in (0..b.len()).rev() {
        if !ascii_space(b[i]) {
            in_word = true;
        } else if in_word {
            words += 1;
            in_word = false;
            if words == n {
                return i + 1;
            }
        }
    }
    0
}

/// Byte offset where the last `n` words of `s` begin.
fn last_words(s: &str, n: usize) -> usize {
    last_words_after(s, n, |_| false)
}

/// The figure is given as an estimate ("an estimate of 35,000", "estimated at 2 million"):
/// it allows the tolerance of a hedged figure.
fn estimated(before: &str) -> bool {
    static EST: OnceLock<Regex> = OnceLock::new();
    let tail = &before[before.floor_char_boundary(before.len().saturating_sub(48))..];
    // A match holds "estimat" in some case; where the text folds plainly, only ASCII letters
    // fold to those letters, so a text without it in ASCII case has none (most figures): the
    // regex is neither searched nor compiled.
    if folds_plainly(tail) && !contains_ignore_ascii_case(tail.as_bytes(), b"estimat") {
        return false;
    }
    let re = EST.get_or_init(|| {
        Regex::new(r"(?i)(?-u:\b)estimat(?:e|es|ed)\s+(?:of|at|to\s+be)\s+(?:\p{L}+\s+)?$")
            .expect("estimate regex")
    });
    re.is_match(tail)
}

/// Whether `w` (non-empty, ASCII lowercase) occurs in `b`, ASCII case-insensitively.
fn contains_ignore_ascii_case(b: &[u8], w: &[u8]) -> bool {
    let c = w[0];
    memchr::memchr2_iter(c, c.to_ascii_uppercase(), b).any(|i| {
        b.get(i..i + w.len())
            .is_some_and(|x| x.eq_ignore_ascii_case(w))
    })
}

/// How many earlier sentences of the paragraph a figure's key may lean on.
const CONTEXT_SENTENCES: usize = 3;

/// What the keys of the current sentence's figures need to know about its measure words,
/// found once per sentence.
#[derive(Default)]
struct CueIndex {
    sentence: Option<usize>,
    /// Whether a cue word occurs anywhere in the sentence.
    any_cue: Option<bool>,
    /// (start, end) of every cue occurrence in the sentence, overlapping ones included, in the
    /// order found; found only for a window that is not the whole sentence.
    hits: Option<Vec<(usize, usize)>>,
    /// Where measure phrases stand (file positions, by start; see `Cues`).
    phrases: Vec<(usize, usize)>,
    /// Whether `phrases` tells where measure words may stand; `None` until they are found.
    telling: Option<bool>,
}

impl CueIndex {
    /// Start on sentence `i`, unless already there.
    fn on(&mut self, i: usize) {
        if self.sentence != Some(i) {
            self.sentence = Some(i);
            self.any_cue = None;
            self.hits = None;
            self.telling = None;
        }
    }

    /// The cues of the figure's key: `sentence` is the figure's window `s` of the file, its
    /// other figures masked (see `key_in_file`).
    fn cues<'c>(
        &'c mut self,
        m: &'c Measures,
        file: &SourceFile,
        a: &Analysis,
        f: &crate::extract::Figure,
        sentence: &'c str,
        s: &Range<usize>,
    ) -> Cues<'c> {
        self.on(f.sentence);
        let telling = *self.telling.get_or_insert_with(|| {
            let r = a.sentences[f.sentence].range.clone();
            m.find_phrases(&file.text[r.clone()], r.start, &mut self.phrases)
        });
        Cues {
            m,
            text: sentence,
            phrases: telling.then_some(&self.phrases[..]),
            origin: s.start,
        }
    }

    /// Whether the figure's sentence window holds a measure word or a named claim matches there:
    /// without either its key has no measure (see `Measures::key_in`).
    fn may_have_measure(
        &mut self,
        m: &Measures,
        file: &SourceFile,
        a: &Analysis,
        f: &crate::extract::Figure,
    ) -> bool {
        let sentence = &a.sentences[f.sentence];
        // Short sentences may restate the previous one's quantity and keep their own period
        // (see `inherit_elided`): they always get a key.
        if sentence.range.len() < 80 {
            return true;
        }
        let w = window(&file.text, &sentence.range, &f.m.span);
        if !m.named.is_empty()
            && m.named
                .iter()
                .any(|(_, re)| re.is_match(&file.text[w.clone()]))
        {
            return true;
        }
        self.on(f.sentence);
        let r = sentence.range.clone();
        // A window that is the whole sentence (nearly always) holds a cue if the sentence
        // does: one search that stops at the first cue.
        if w == r {
            return *self
                .any_cue
                .get_or_insert_with(|| m.any_cue(&file.text[r.clone()]));
        }
        let hits = self
            .hits
            .get_or_insert_with(|| cue_hits(&m.cues, &file.text[r.clone()], r.start));
        cue_within(hits, &w)
    }
}

/// Every cue match in `text` (overlapping ones too), as absolute ranges sorted by start.
/// Overlapping matches come out in the order they end, which is not the order they start.
fn cue_hits(cues: &aho_corasick::AhoCorasick, text: &str, offset: usize) -> Vec<(usize, usize)> {
    let mut hits: Vec<(usize, usize)> = cues
        .find_overlapping_iter(text)
        .map(|h| (offset + h.start(), offset + h.end()))
        .collect();
    hits.sort_unstable();
    hits
}

/// Whether a cue of `hits` (sorted by start) lies wholly inside `w`, as a search of the window
/// would see it.
fn cue_within(hits: &[(usize, usize)], w: &Range<usize>) -> bool {
    let first = hits.partition_point(|&(start, _)| start < w.start);
    hits[first..]
        .iter()
        .take_while(|&&(start, _)| start < w.end)
        .any(|&(_, end)| end <= w.end)
}

/// Where measure phrases stand in a key's sentence, word for word, so that searches for
/// measure words skip the parts of it that hold none: most figures have no measure word near
/// them, and each search costs about a thousand instructions.
///
/// A measure word matches case-insensitively, its words apart by whitespace, from an ASCII
/// word boundary. When its words are ASCII and the text holds no character that folds to an
/// ASCII letter but is not one (see `folds_plainly`), it is a phrase compared
/// ASCII-case-insensitively (`phrase_at`), at the start of a run of word bytes or at the start
/// of the part searched. Other figures of the sentence are masked with `0`, which no phrase
/// holds (see `Measures::phrases_tell`), which is no whitespace, and which is a word byte: a
/// phrase at a word start of the masked sentence stands at a word start of the file's too.
#[derive(Clone, Copy)]
struct Cues<'c> {
    m: &'c Measures,
    /// The key's sentence.
    text: &'c str,
    /// (start, end) of the phrases, at `origin` + position in `text`, by start; `None` when
    /// they do not tell (every part may hold a measure word).
    phrases: Option<&'c [(usize, usize)]>,
    origin: usize,
}

impl<'c> Cues<'c> {
    /// The cues of `sentence` found on the spot.
    fn find(m: &'c Measures, sentence: &'c str, phrases: &'c mut Vec<(usize, usize)>) -> Cues<'c> {
        let telling = m.find_phrases(sentence, 0, phrases);
        Cues {
            m,
            text: sentence,
            phrases: telling.then_some(&phrases[..]),
            origin: 0,
        }
    }

    /// Whether a measure word may stand in `part` or in a piece of it cut off before a digit
    /// (`measure_name` stops its windows at digits). A digit glued to a word ("shot3", a
    /// flattened footnote) ends such a piece inside a word of the sentence, where a measure
    /// word can end although `find_phrases`, taking whole words, saw none.
    fn may_hold_in_cuts(&self, part: &str) -> bool {
        self.may_hold(part) || glued_digit(part.as_bytes())
    }

    /// Whether `part` may hold a measure word: `false` only when `part` is a slice of the
    /// sentence (not a copy with insertions taken out, which may join words) and no measure
    /// phrase lies wholly inside it.
    fn may_hold(&self, part: &str) -> bool {
        let Some(phrases) = self.phrases else {
            return true;
        };
        // Slices of the sentence lie within its bytes; a copy lies in another allocation.
        let at = (part.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        if at > self.text.len() || part.len() > self.text.len() - at {
            return true;
        }
        // The part may end inside a word of the sentence, where a measure word may end in the
        // part but not in the sentence (`find_phrases` takes whole words).
        let b = self.text.as_bytes();
        let end = at + part.len();
        if end > at && b.get(end).is_some_and(|&x| is_word_byte(x)) && is_word_byte(b[end - 1]) {
            return true;
        }
        // The part may start inside a word of the sentence, where `find_phrases` did not look.
        if let Some(&c) = part.as_bytes().first()
            && is_word_byte(c)
            && self
                .m
                .phrases_at(self.text, at, usize::from(c.to_ascii_lowercase()))
                .any(|end| end <= at + part.len())
        {
            return true;
        }
        let (lo, hi) = (self.origin + at, self.origin + at + part.len());
        let first = phrases.partition_point(|&(start, _)| start < lo);
        phrases[first..]
            .iter()
            .take_while(|&&(start, _)| start < hi)
            .any(|&(_, end)| end <= hi)
    }
}

/// Whether a digit follows a letter (or `_`) in `b`: a cut is at a run's first digit, and
/// only a letter can come before it. The digit, rarer, is tested first.
fn glued_digit(b: &[u8]) -> bool {
    (1..b.len())
        .any(|i| b[i].is_ascii_digit() && (b[i - 1].is_ascii_alphabetic() || b[i - 1] == b'_'))
}

/// Where the pair of bytes `c`, `next` (ASCII, in lowercase) stands in `phrase_pairs`. A
/// non-ASCII or missing byte counts as 0 (no phrase holds one after its first byte).
fn pair_index(c: u8, next: Option<&u8>) -> usize {
    (usize::from(LOW_ASCII[usize::from(c)]) << 7)
        | usize::from(LOW_ASCII[usize::from(next.copied().unwrap_or(0))])
}

/// How many `word_sig`s there are.
const WORD_SIGS: usize = 1 << 14;

/// A hash of a nonempty word's first two bytes, last byte and length, in any ASCII case
/// (a word that some other word equals in any case has its signature).
#[inline]
fn word_sig(w: &[u8]) -> usize {
    let low = |c: u8| u32::from(LOW_ASCII[usize::from(c)]);
    let n = w.len();
    let h = (low(w[0]) << 21)
        ^ (low(*w.get(1).unwrap_or(&0)) << 14)
        ^ (low(w[n - 1]) << 7)
        ^ (n.min(127) as u32);
    (h.wrapping_mul(0x9E37_79B1) >> (32 - WORD_SIGS.trailing_zeros())) as usize
}

/// Each byte in ASCII lowercase, 0 for a non-ASCII byte (see `pair_index`).
const LOW_ASCII: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 128 {
        t[i] = (i as u8).to_ascii_lowercase();
        i += 1;
    }
    t
};

/// The end of the measure phrase `words` if it stands at `at` in `text`: its words in ASCII
/// case, apart by whitespace.
fn phrase_at(text: &str, at: usize, words: &[Box<str>]) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = at;
    for (k, w) in words.iter().enumerate() {
        if k > 0 {
            // ASCII whitespace is read as bytes; from the first other non-ASCII byte, as
            // characters.
            let mut j = i;
            while j < b.len() && matches!(b[j], b'\t'..=b'\r' | b' ') {
                j += 1;
            }
            if b.get(j).is_some_and(|&x| !x.is_ascii()) {
                j += text[j..]
                    .char_indices()
                    .find(|&(_, c)| !c.is_whitespace())
                    .map_or(text.len() - j, |(n, _)| n);
            }
            if j == i {
                return None;
            }
            i = j;
        }
        let end = i + w.len();
        if !b.get(i..end)?.eq_ignore_ascii_case(w.as_bytes()) {
            return None;
        }
        i = end;
    }
    Some(i)
}

/// The claim key of a figure: measure, subject and period from its sentence, then from the
/// sentences before it in its paragraph and the heading of its section.
fn key_in_file<'t>(
    m: &Measures,
    file: &'t SourceFile,
    a: &Analysis,
    f: &crate::extract::Figure,
    kc: &KeyContext,
    caches: &mut RunCaches<'t>,
    wanted: Wanted,
) -> ClaimKey {
    let s = window(&file.text, &a.sentences[f.sentence].range, &f.m.span);
    let sentence = &file.text[s.clone()];
    let fig = f.m.span.start.saturating_sub(s.start)..f.m.span.end.saturating_sub(s.start);
    if fig.end > sentence.len() {
        return ClaimKey::default();
    }
    // Other figures of the sentence, written as digits, so that a measure word is never taken
    // across another figure ("Nine spies and three organizers").
    let masked: String;
    let mut sentence = sentence;
    // Only the sentence's figures inside the window: found by binary search, since a sentence
    // that is a long list of numbers has thousands.
    let of_sentence = &a.figures[kc.figures_of_sentence[f.sentence].clone()];
    let first = of_sentence.partition_point(|o| o.m.span.start < s.start);
    let others: Vec<Range<usize>> = of_sentence[first..]
        .iter()
        .take_while(|o| o.m.span.start < s.end)
        .filter(|o| o.m.span != f.m.span && o.m.span.end <= s.end)
        .map(|o| o.m.span.start.saturating_sub(s.start)..o.m.span.end.saturating_sub(s.start))
        .filter(|r| r.end <= sentence.len() && (r.end <= fig.start || r.start >= fig.end))
        .collect();
    if !others.is_empty() {
        // Overwrite in place: one copy of the window, whatever the number of figures in it.
        // Replacing whole characters by as many ASCII bytes keeps the text valid UTF-8.
        let mut bytes = sentence.as_bytes().to_vec();
        for r in &others {
            if sentence.is_char_boundary(r.start) && sentence.is_char_boundary(r.end) {
                bytes[r.clone()].fill(b'0');
            }
        }
        masked = String::from_utf8(bytes).unwrap_or_else(|_| sentence.to_string());
        sentence = &masked;
    }
    let block = a.sentences[f.sentence].block;
    // On the stack: a figure's key is worked out a million times.
    let mut context: [&str; CONTEXT_SENTENCES] = [""; CONTEXT_SENTENCES];
    let mut n = 0;
    for prev in a.sentences[..f.sentence].iter().rev() {
        if n == CONTEXT_SENTENCES || !same_paragraph(a, prev.block, block) {
            break;
        }
        if !prev.is_reference {
            // Only the end of a long earlier sentence is near enough to lend its subject.
            let end = prev.range.end;
            let start = file
                .text
                .floor_char_boundary(end.saturating_sub(SENTENCE_WINDOW).max(prev.range.start));
            context[n] = &file.text[start..end];
            n += 1;
        }
    }
    let heading = kc
        .heading_of_block
        .get(block)
        .cloned()
        .flatten()
        .map(|h| &file.text[h]);
    let cues = if !matches!(wanted, Wanted::Measured { phrases: false, .. }) {
        caches.cues.cues(m, file, a, f, sentence, &s)
    } else {
        // Every part of the sentence may hold a measure word.
        Cues {
            m,
            text: sentence,
            phrases: None,
            origin: s.start,
        }
    };
    let plan = KeyPlan { wanted, cues };
    m.key_with(
        sentence,
        fig,
        &context[..n],
        heading,
        &mut caches.shared,
        &plan,
    )
}

fn same_paragraph(a: &Analysis, x: usize, y: usize) -> bool {
    match (a.blocks.get(x), a.blocks.get(y)) {
        (Some(p), Some(q)) => p.group == q.group,
        _ => x == y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `inherit_elided` as it was: whether the figure may restate asked first.
    fn inherit_elided_reference(
        file: &SourceFile,
        a: &Analysis,
        keys: &mut [Option<Arc<ClaimKey>>],
    ) {
        let measured = |k: &Option<Arc<ClaimKey>>| k.as_ref().is_some_and(|k| k.measure.is_some());
        for i in 1..keys.len().min(a.figures.len()) {
            let f = &a.figures[i];
            if measured(&keys[i]) || !may_restate(file, a, f) {
                continue;
            }
            let prev_sentence = f.sentence - 1;
            // Figures are in document order: look back only as far as the sentence before.
            let Some(j) = (0..i)
                .rev()
                .take_while(|&j| a.figures[j].sentence >= prev_sentence)
                .find(|&j| a.figures[j].sentence == prev_sentence)
            else {
                continue;
            };
            if !same_paragraph(
                a,
                a.sentences[prev_sentence].block,
                a.sentences[f.sentence].block,
            ) || !measured(&keys[j])
            {
                continue;
            }
            let Some(earlier) = &keys[j] else {
                continue;
            };
            let own_period = keys[i].as_ref().and_then(|k| k.period.clone());
            keys[i] = Some(match own_period {
                Some(p) => intern_key(ClaimKey {
                    period: Some(p),
                    ..(**earlier).clone()
                }),
                None => earlier.clone(),
            });
        }
    }

    /// The keys `inherit_elided` fills in are those its first version did.
    fn assert_inherits_as_before(text: &str) {
        let file = SourceFile {
            path: "t.md".into(),
            text: text.to_string(),
            kind: crate::source::DocKind::Markdown,
        };
        static RULES: OnceLock<crate::rules::loader::RuleSet> = OnceLock::new();
        let rules = RULES.get_or_init(|| crate::rules::loader::load(&[]).expect("rules load"));
        let (_, a) = crate::lint::analyze(&file, rules);
        for measured_only in [false, true] {
            let own = own_keys(&file, &a, measured_only, false);
            let (mut got, mut want) = (own.clone(), own);
            inherit_elided(&file, &a, &mut got);
            inherit_elided_reference(&file, &a, &mut want);
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn elided_figures_inherit_as_before() {
        let cases = [
            "",
            "In 1934 the survey counted 5 million detainees. In fact there were 150,000.",
            "In 1934 the survey counted 5 million detainees.\n\nIn fact there were 150,000.",
            "In 1934 there were 5 million detainees and 3 camps. In fact 150,000. Or 12.",
            "12 prisoners were shot in 1937. It was 14. It was 15 in 1938. Then 16.",
            "There were 4 and 5. 6 prisoners were released. In fact 7 and 8. Perhaps 9.",
            "# 1937\n\n300 were shot. Perhaps 400.\n\n- 500 died.\n- Or 600.",
        ];
        for text in cases {
            assert_inherits_as_before(text);
        }
    }

    const ELIDED_PIECES: &[&str] = &[
        "In 1934 the survey counted 5 million detainees. ",
        "In fact there were 150,000. ",
        "It was 14. ",
        "Perhaps 400 in 1938. ",
        "12 prisoners were shot. ",
        "There were 4 and 5. ",
        "Or 6, 7. ",
        "The camps held 3 prisoners and 9 guards. ",
        "Nothing here. ",
        "\n\n",
        "\n- ",
        "# 1937\n\n",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 300,
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn elided_figures_inherit_as_before_on_random_text(
            pieces in proptest::collection::vec(proptest::sample::select(ELIDED_PIECES), 0..24),
        ) {
            assert_inherits_as_before(&pieces.concat());
        }
    }

    /// Keys worked out in parallel runs (large files) are the keys worked out in one pass.
    #[test]
    fn parallel_keys_equal_sequential() {
        let mut text = String::new();
        for i in 0..900 {
            text.push_str(&format!(
                "In {} the camps held {} prisoners. Of them, {} were released, and 12 died.\n\n",
                1930 + i % 20,
                1000 + i * 7,
                300 + i
            ));
        }
        let file = SourceFile {
            path: "t.md".into(),
            text,
            kind: crate::source::DocKind::Markdown,
        };
        let rules = crate::rules::loader::load(&[]).expect("embedded rules load");
        let (_, a) = crate::lint::analyze(&file, &rules);
        assert!(a.figures.len() > 2000);
        for measured_only in [false, true] {
            let one = keys_of_with(&file, &a, measured_only, false);
            let runs = keys_of_with(&file, &a, measured_only, true);
            assert_eq!(runs, one);
            assert!(one.iter().flatten().filter(|k| k.measure.is_some()).count() > 900);
        }
    }

    /// Claims placed on every core (large files) are the claims placed in one pass, in order.
    #[test]
    fn parallel_claims_equal_sequential() {
        let mut text = String::new();
        for i in 0..1500 {
            text.push_str(&format!(
                "In {} the camps held an estimate of {},{:03} prisoners. Later {} were released \
                 rather than {} as claimed, and 12 died.\n\nThe survey, ü, counted {} detainees.\n",
                1930 + i % 20,
                12 + i % 50,
                i % 1000,
                300 + i,
                400 + i,
                20 + i
            ));
        }
        let file = SourceFile {
            path: "t.md".into(),
            text,
            kind: crate::source::DocKind::Markdown,
        };
        let rules = crate::rules::loader::load(&[]).expect("embedded rules load");
        let (_, a) = crate::lint::analyze(&file, &rules);
        let index = LineIndex::new(&file.text);
        let one = comparable_claims_with(&file, &a, &index, false);
        let index = LineIndex::new(&file.text);
        let parts = comparable_claims_with(&file, &a, &index, true);
        assert!(one.len() > 3 * CLAIM_PIECE, "{}", one.len());
        assert!(one.iter().any(|c| c.contrasts));
        assert!(one.iter().any(|c| c.approx));
        assert!(one.iter().any(|c| c.line > 1000));
        assert_eq!(parts, one);
    }

    #[test]
    fn claims_stay_small() {
        // The claim index holds a million claims (the 1 GB corpus): each byte here is a
        // megabyte of peak memory there.
        assert!(
            std::mem::size_of::<Claim>() <= 144,
            "{}",
            std::mem::size_of::<Claim>()
        );
    }

    #[test]
    fn figure_text_inline_or_not() {
        assert_eq!(
            std::mem::size_of::<FigureText>(),
            std::mem::size_of::<String>()
        );
        for s in [
            "",
            "1,200",
            "5 per cent",
            "ü2,345,678,901 ü1234",
            "ü2,345,678,901 ü12345",
        ] {
            let t = FigureText::from(s);
            assert_eq!(&*t, s);
            assert_eq!(format!("{t}"), s);
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                serde_json::to_string(s).unwrap()
            );
        }
    }

    #[test]
    fn interning_shares_one_key() {
        let key = |m: &str| ClaimKey {
            measure: Some(m.into()),
            period: Some("1937".into()),
            ..ClaimKey::default()
        };
        let a = intern_key(key("interning test measure"));
        let b = intern_key(key("interning test measure"));
        let c = intern_key(key("another interning test measure"));
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(*a, key("interning test measure"));
    }

    #[test]
    fn contrasts_table() {
        let cases = [
            (
                "8 million is twenty times greater than the 400,000 stated",
                true,
            ),
            ("115,922 deaths rather than 2,000,000", true),
            (
                "1.7 million were arrested, 1.4 million of them in the camps, versus 2",
                false,
            ),
            ("1,966 delegates and 1,108 of them were arrested", false),
            ("in contrast to earlier counts", true),
        ];
        for (sentence, want) in cases {
            assert_eq!(contrasts(sentence), want, "{sentence}");
        }
    }

    #[test]
    fn claims_carry_a_digest_that_ignores_wrapping() {
        let rules = crate::rules::loader::load(&[]).expect("rules");
        let claims_for = |text: &str| {
            let file = SourceFile {
                path: "a.md".into(),
                text: text.into(),
                kind: crate::source::DocKind::Markdown,
            };
            let (_, a) = crate::lint::analyze(&file, &rules);
            comparable_claims_of(&file, &a, &LineIndex::new(&file.text))
        };
        let one = claims_for("In 1937 some 681,692 people were shot by the NKVD.\n");
        let wrapped = claims_for("In 1937 some 681,692 people\nwere shot by the NKVD.\n");
        assert_eq!(one.len(), 1, "{one:?}");
        assert_eq!(one[0].sentence_digest, wrapped[0].sentence_digest);
        assert!(
            one[0].source.text.is_none(),
            "the claim index keeps no citation text"
        );
        let other = claims_for("In 1937 some 681,692 people were shot by the OGPU.\n");
        assert_ne!(one[0].sentence_digest, other[0].sentence_digest);
    }

    #[test]
    fn keys_table() {
        let m = Measures::embedded();
        // (sentence, figure, measure, subject, period)
        let cases = [
            (
                "Of 2,410 delegates to the 12th Party Congress, 1,205 were arrested.",
                "2,410",
                Some("delegates"),
                Some("12th"),
                None,
            ),
            (
                "Of 2,410 delegates to the 12th Party Congress, 1,205 were arrested.",
                "1,205",
                Some("arrests"),
                Some("12th"),
                None,
            ),
            (
                "In 1951-52 the Baltic operation saw 41,300 people shot.",
                "41,300",
                Some("executions"),
                Some("baltic"),
                Some("1951–52"),
            ),
            ("The river is 300 km long.", "300", None, None, None),
        ];
        for (s, fig, measure, subject, period) in cases {
            let at = s.find(fig).unwrap();
            let k = m.key(s, at..at + fig.len());
            assert_eq!(k.measure.as_deref(), measure, "{s}");
            assert_eq!(k.subject.as_deref(), subject, "{s}");
            assert_eq!(k.period.as_deref(), period, "{s}");
        }
    }

    /// (sentence, figure, context, measure, subject, period)
    type KeyCase = (
        &'static str,
        &'static str,
        &'static [&'static str],
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
    );

    #[test]
    fn tricky_keys_table() {
        let m = Measures::embedded();
        // (sentence, figure, context, measure, subject, period)
        let cases: &[KeyCase] = &[
            // Editorial insertions do not hide the measure.
            (
                "Of the 120 persons [the 1950 plenum] elected to the Central Committee, most left.",
                "120",
                &[],
                Some("elected"),
                Some("Central Committee"),
                Some("1950"),
            ),
            // A measure right before the figure wins over a noun after it.
            (
                "The camps swelled by 7 million politicals during 1937-38.",
                "7 million",
                &[],
                Some("increase"),
                Some("camps"),
                Some("1937–38"),
            ),
            // "from 1936 to 1939" is a span of years.
            (
                "From 1936 to 1939 the camp population rose by 400,000.",
                "400,000",
                &[],
                Some("increase"),
                Some("camps"),
                Some("1936–39"),
            ),
            // A year framing the sentence beats a date in the figure's clause.
            (
                "In 1936, the staff numbered 9,000, of whom 1,100 were dismissed as of May 1941.",
                "1,100",
                &[],
                Some("discharged"),
                None,
                Some("1936"),
            ),
            // The passive verb of the clause names the measure, across a list.
            (
                "Altogether 27,500 engineers, clerks, and officers were arrested that winter.",
                "27,500",
                &[],
                Some("arrests"),
                Some("army"),
                None,
            ),
            (
                "That spring 2,000 prisoners were freed from the northern camps.",
                "2,000",
                &[],
                Some("released"),
                Some("camps"),
                None,
            ),
            // A rate is not a total; a condition is not an assertion.
            (
                "The courts passed an average of 500 executions a day.",
                "500",
                &[],
                None,
                None,
                None,
            ),
            (
                "If we expelled 30,000 members, it would be a victory.",
                "30,000",
                &[],
                None,
                None,
                None,
            ),
            // Decades are not periods.
            (
                "In the 1930s some 4,000 were deported.",
                "4,000",
                &[],
                Some("deported"),
                None,
                None,
            ),
            // Subject and period from the sentence before, when the sentence has none.
            (
                "Of the 2,140 delegates, 1,205 were arrested.",
                "2,140",
                &["The 12th Party Congress met in 1926."],
                Some("delegates"),
                Some("12th"),
                Some("1926"),
            ),
            // The measure of the whole the figure is part of is not its measure.
            (
                "The ring had 12 couriers and four organizers of the spies.",
                "four",
                &[],
                None,
                None,
                None,
            ),
        ];
        for &(s, fig, context, measure, subject, period) in cases {
            let at = s.find(fig).unwrap();
            let k = m.key_in(s, at..at + fig.len(), context, None);
            assert_eq!(k.measure.as_deref(), measure, "measure: {s}");
            assert_eq!(k.subject.as_deref(), subject, "subject: {s}");
            assert_eq!(k.period.as_deref(), period, "period: {s}");
        }
    }

    #[test]
    fn qualifiers_table() {
        let m = Measures::embedded();
        let cases = [
            (
                "On average some 3 million detainees were held.",
                "3 million",
                Some("average"),
            ),
            (
                "Some 100,000 families were deported in 1931.",
                "100,000",
                Some("families"),
            ),
            (
                "Officials were released within 48 hours after arrest.",
                "48",
                Some("hours"),
            ),
            (
                "The war caused an excess of 90,000 deaths.",
                "90,000",
                Some("excess"),
            ),
            (
                "The camps held 700,000 political prisoners.",
                "700,000",
                Some("political"),
            ),
            ("The camps held 700,000 prisoners.", "700,000", None),
        ];
        for (s, fig, want) in cases {
            let at = s.find(fig).unwrap();
            let k = m.key(s, at..at + fig.len());
            assert_eq!(k.qualifier.as_deref(), want, "{s}");
        }
    }

    #[test]
    fn estimates_are_hedged() {
        assert!(estimated("his estimate of "));
        assert!(estimated("was estimated at "));
        assert!(!estimated("the figure of "));
    }

    /// `Measures::period` as first written: every match captured.
    fn period_reference(m: &Measures, text: &str, fig: Range<usize>) -> Option<String> {
        let mut best: Option<(usize, String)> = None;
        for c in m.year.captures_iter(text) {
            let x = c.get(0).expect("match");
            if x.start() < fig.end && fig.start < x.end() {
                continue;
            }
            if text[x.end()..].starts_with(['s', '\'']) {
                continue;
            }
            let dist = if x.start() >= fig.end {
                x.start() - fig.end
            } else {
                fig.start.saturating_sub(x.end())
            };
            let y1: u32 = c[1].parse().unwrap_or(0);
            let text = match c.get(2) {
                Some(e) => {
                    let e = e.as_str();
                    let y2: u32 = if e.len() == 2 {
                        y1 / 100 * 100 + e.parse::<u32>().unwrap_or(0)
                    } else {
                        e.parse().unwrap_or(0)
                    };
                    if y2 > y1 && y2 - y1 < 50 {
                        format!("{y1}–{:02}", y2 % 100)
                    } else {
                        y1.to_string()
                    }
                }
                None => y1.to_string(),
            };
            if best.as_ref().is_none_or(|(d, _)| dist < *d) {
                best = Some((dist, text));
            }
        }
        best.map(|(_, t)| t)
    }

    /// The year spans and periods read by hand are the regex's, on `text` with the figure at
    /// its start, its end and in its middle.
    fn assert_years_as_regex(m: &Measures, text: &str) {
        let want: Vec<(usize, usize)> = m
            .year
            .find_iter(text)
            .map(|x| (x.start(), x.end()))
            .collect();
        let got: Vec<(usize, usize)> = m.year_spans(text).collect();
        assert_eq!(got, want, "spans of {text:?}");
        for &(start, end) in &want {
            let c = m.year.captures_at(text, start).expect("match");
            let regex = (&c[1], c.get(2).map(|e| e.as_str()));
            if let Some(by_hand) = year_groups(&text[start..end]) {
                assert_eq!(by_hand, regex, "groups of {:?}", &text[start..end]);
            }
        }
        let mid = text.floor_char_boundary(text.len() / 2);
        for fig in [0..0, text.len()..text.len(), mid..mid, 0..mid] {
            assert_eq!(
                m.period(text, fig.clone()),
                period_reference(m, text, fig.clone()),
                "period of {text:?} at {fig:?}"
            );
        }
    }

    #[test]
    fn years_read_by_hand_are_the_regex_years() {
        let m = Measures::embedded();
        let cases = [
            "",
            "1937",
            "In 1937 and 1938.",
            "1937-38",
            "1937 - 38 ",
            "1937–38",
            "1937 — 1939",
            "1937/8",
            "1937/38x",
            "1937/381",
            "1937 to 1939",
            "1937 to  39,",
            "1937 through 1941",
            "1937 until 40",
            "1937 and",
            "1937 and 1",
            "1937 toward 1940",
            "1937to 1940",
            "1937 to\u{a0}1940",
            "1937\u{a0}– 38",
            "1937 –\u{a0}38",
            "1937s",
            "the 1930's",
            "1937—٣٨",
            "19٣٧ and 1940",
            "1٩37",
            "x1937 _1938 1938_ é1939",
            "1,937 2,000 2000 2020 1599 1600 1999 2100 20",
            "12 1 2 16 20 200 2000s",
            "1937-1938-1939",
            "1937 -",
            "1937 –",
            "1937 to",
            "1937\u{0B}-\u{0C}38",
            "1937-38_",
            "1937-38é",
            "1937-3é",
        ];
        for text in cases {
            assert_years_as_regex(m, text);
        }
    }

    const YEAR_PIECES: &[&str] = &[
        "1937", "1938", "16", "20", "2", "1", "0", "38", "9", " ", "  ", "\t", "\u{a0}",
        "\u{2009}", "-", "–", "—", "/", "to", "and", "through", "until", "s", "'", "x", "_", "٣",
        "۱۹", "é", "\u{0B}", ",", ".", "(", "th",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 4000,
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn years_read_by_hand_on_random_text(
            pieces in proptest::collection::vec(proptest::sample::select(YEAR_PIECES), 0..24),
        ) {
            assert_years_as_regex(Measures::embedded(), &pieces.concat());
        }
    }

    /// Texts for the scanning helpers: brackets, dashes, non-ASCII spaces and digits.
    const SCAN_PIECES: &[&str] = &[
        "the",
        "camps",
        " ",
        "  ",
        "\t",
        "\n",
        "\u{a0}",
        "\u{2003}",
        "\u{0B}",
        "[",
        "]",
        "[the 1934 Congress]",
        ",",
        ";",
        ":",
        ".",
        "!",
        "?",
        "(",
        ")",
        "–",
        "—",
        "-",
        "7",
        "1,205",
        "٣",
        "é",
        "%",
        "per",
        "cent",
        "PerCent",
        "\u{212A}",
        "\u{130}",
        "of",
        "",
    ];

    /// Each scanning helper is the straightforward composition it replaces, on `s`.
    /// `word_limit` as it was, on decoded characters.
    fn word_limit_by_chars(s: &str, n: usize) -> usize {
        let mut words = 0;
        let mut in_word = false;
        for (i, ch) in s.char_indices() {
            if ch.is_whitespace() {
                if in_word {
                    words += 1;
                    in_word = false;
                    if words == n {
                        return i;
                    }
                }
            } else {
                in_word = true;
            }
        }
        s.len()
    }

    /// `cut_at` as it was, on decoded characters.
    fn cut_at_by_chars(s: &str, n: usize, stop: impl Fn(char) -> bool) -> usize {
        let mut words = 0;
        let mut in_word = false;
        for (i, ch) in s.char_indices() {
            if stop(ch) {
                return i;
            }
            if ch.is_whitespace() {
                if in_word {
                    words += 1;
                    in_word = false;
                    if words == n {
                        return i;
                    }
                }
            } else {
                in_word = true;
            }
        }
        s.len()
    }

    fn assert_scans_as_before(s: &str) {
        assert_eq!(
            glued_digit(s.as_bytes()),
            s.as_bytes()
                .windows(2)
                .any(|w| (w[0].is_ascii_alphabetic() || w[0] == b'_') && w[1].is_ascii_digit()),
            "glued_digit({s:?})"
        );
        if !s.contains('[') {
            assert_eq!(without_insertions(s), s, "{s:?}");
        }
        for n in [0, 1, 3, 4, 6, 14] {
            assert_eq!(
                word_limit(s, n),
                word_limit_by_chars(s, n),
                "word_limit({s:?}, {n})"
            );
            let full = without_insertions(s);
            assert_eq!(
                without_insertions_to(s, n),
                &full[..word_limit(&full, n)],
                "without_insertions_to({s:?}, {n})"
            );
            let stops: [fn(char) -> bool; 3] = [
                |c| matches!(c, ';' | ':' | '.' | '!' | '?' | '—') || c.is_ascii_digit(),
                |c| matches!(c, ',' | ';' | ':' | '(' | ')' | '–' | '—' | '.' | '!' | '?'),
                |c| c.is_whitespace() || c == '[',
            ];
            for stop in stops {
                assert_eq!(
                    cut_at(s, n, stop),
                    cut_at_by_chars(s, n, stop),
                    "cut_at({s:?}, {n})"
                );
                let before = s.find(stop).unwrap_or(s.len()).min(word_limit(s, n));
                assert_eq!(cut_at(s, n, stop), before, "cut_at({s:?}, {n})");
                let before = s
                    .rfind(stop)
                    .map(|i| i + s[i..].chars().next().map_or(1, char::len_utf8))
                    .unwrap_or(0)
                    .max(last_words(s, n));
                assert_eq!(
                    last_words_after(s, n, stop),
                    before,
                    "last_words_after({s:?}, {n})"
                );
            }
        }
        let lower = s.trim_end().to_lowercase();
        assert_eq!(
            is_percentage(s),
            lower.ends_with('%') || lower.ends_with("percent") || lower.ends_with("per cent"),
            "is_percentage({s:?})"
        );
    }

    #[test]
    fn scans_are_the_searches_they_replace() {
        let cases = [
            "",
            " ",
            "[",
            "]",
            "a]b [c] d",
            " prisoners [the 1934 Congress] were released from the camps in 1937",
            "[[nested] still] out] kept [open to the end",
            "one two\u{a0}three\u{2003}four\tfive\nsix seven",
            "x — y – z; w: v, u.",
            "a b c d e f g h i j k l m n o p q r s t",
            "٣ and 7 and é",
            "5 per cent",
            "5 PER CENT  ",
            "5 Percent\u{a0}",
            "5 percen\u{212A}",
            "5 \u{130}%",
            "%",
            "cent",
        ];
        for s in cases {
            assert_scans_as_before(s);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 4000,
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn scans_on_random_text(
            pieces in proptest::collection::vec(proptest::sample::select(SCAN_PIECES), 0..40),
        ) {
            assert_scans_as_before(&pieces.concat());
        }
    }

    /// The hand-written word finders give the first match of the regex they stand for.
    fn assert_words_as_regex(text: &str) {
        static RES: OnceLock<[Regex; 3]> = OnceLock::new();
        let res = RES.get_or_init(|| {
            [CONDITIONAL, RELATIVE, QUALIFIER].map(|p| Regex::new(p).expect("regex"))
        });
        type Finder = fn(&str) -> Option<Range<usize>>;
        let finders: [Finder; 3] = [conditional, relative, qualifier_word];
        for (find, re) in finders.into_iter().zip(res) {
            let want = re.find(text).map(|m| m.range());
            assert_eq!(find(text), want, "{} in {text:?}", re.as_str());
        }
        assert_eq!(
            folds_plainly(text),
            !text.contains(['\u{17F}', '\u{212A}']),
            "{text:?}"
        );
    }

    #[test]
    fn words_found_by_hand_are_the_regex_words() {
        let cases = [
            "",
            "if",
            "If we expelled",
            "what if_ not, iff, IF.",
            "unleſs we", // the long s folds to s: left to the regex
            "ſuppose",
            "\u{212A}",
            "the clerks, WHICH met",
            "who\u{a0}whom—whose",
            "thatthan than",
            "é that",
            "thaté",
            "9that that9 x",
            "common law",
            "Common -\u{a0}- LAW courts",
            "common-lawyer common law",
            "common- law",
            "common law_",
            "commonlaw",
            "common\u{2003}law",
            "common",
            "common ",
            "an annually yearly average",
            "criminalS and ordinary",
            "extraordinary net",
            "the averages",
            "\u{17F}ome common law",
        ];
        for text in cases {
            assert_words_as_regex(text);
        }
    }

    const WORD_PIECES: &[&str] = &[
        "if",
        "IF",
        "unless",
        "suppose",
        "supposing",
        "whether",
        "which",
        "who",
        "whom",
        "whose",
        "that",
        "than",
        "average",
        "mean",
        "Excess",
        "extra",
        "annual",
        "ly",
        "net",
        "common",
        "law",
        "LAW",
        "criminal",
        "s",
        "ordinary",
        " ",
        "  ",
        "-",
        "\u{a0}",
        "\u{2003}",
        "_",
        "9",
        ",",
        ".",
        "é",
        "—",
        "\u{17F}",
        "\u{212A}",
        "x",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 4000,
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn words_on_random_text(
            pieces in proptest::collection::vec(proptest::sample::select(WORD_PIECES), 0..16),
        ) {
            assert_words_as_regex(&pieces.concat());
        }
    }

    /// `Measures::subject_in` as first written: the matching subject's regex always captures.
    fn subject_reference(m: &Measures, text: &str) -> Option<(String, bool)> {
        let first = m.subject_set.matches(text).iter().next()?;
        for subject in &m.subjects[first..] {
            if let Some(c) = subject.regex().and_then(|re| re.captures(text)) {
                let s = match &subject.name {
                    Some(n) => n.clone(),
                    None => {
                        let g = c.get(1).unwrap_or_else(|| c.get(0).expect("match"));
                        crate::diagnostic::normalise_ws(g.as_str()).to_lowercase()
                    }
                };
                return Some((s, subject.generic));
            }
        }
        None
    }

    #[test]
    fn subjects_as_first_written() {
        let lex: MeasureLexicon = toml::from_str(
            r#"
            [[subject]]
            name = "harrow"
            pattern = '(?-u:\b)Harrow\b'
            [[subject]]
            pattern = '(?i)the\s+(\w+)\s+cooperative'
            [[subject]]
            name = "valley"
            pattern = '(?i)valley'
            generic = true
            "#,
        )
        .expect("lexicon");
        let mut lex2: MeasureLexicon = toml::from_str(EMBEDDED_MEASURES).expect("embedded");
        lex2.prepend(lex.clone());
        let own = Measures::new(&lex).expect("compiles");
        let both = Measures::new(&lex2).expect("compiles");
        for m in [&own, &both, Measures::embedded()] {
            for text in [
                "",
                "the Harrow Valley cooperative",
                "The  Marrowby\tcooperative of the valley",
                "the camps of Kolyma held 12th Congress delegates",
                "Harrow",
                "Valley",
                "the Central Committee and the army",
            ] {
                assert_eq!(m.subject_in(text), subject_reference(m, text), "{text:?}");
                assert_eq!(
                    m.first_subject_in(text),
                    subject_reference(m, text),
                    "{text:?}"
                );
            }
        }
    }

    /// The key of the figure at `fig` in `sentence`, with `masked` (another figure's span)
    /// written as digits as `key_in_file` does, found with the phrase cues and without them
    /// (every part searched); the measured-only key agrees with the full key.
    fn assert_cues_change_nothing(
        m: &Measures,
        sentence: &str,
        fig: Range<usize>,
        masked: Range<usize>,
    ) {
        let mut bytes = sentence.as_bytes().to_vec();
        if sentence.is_char_boundary(masked.start) && sentence.is_char_boundary(masked.end) {
            bytes[masked.clone()].fill(b'0');
        }
        let text = String::from_utf8(bytes).expect("utf-8");
        let mut phrases = Vec::new();
        let telling = m.find_phrases(sentence, 7, &mut phrases);
        let cues = Cues {
            m,
            text: &text,
            phrases: telling.then_some(&phrases[..]),
            origin: 7,
        };
        let blind = Cues {
            m,
            text: &text,
            phrases: None,
            origin: 7,
        };
        let key = |wanted, cues: &Cues| {
            let plan = KeyPlan {
                wanted,
                cues: *cues,
            };
            m.key_with(
                &text,
                fig.clone(),
                &[],
                None,
                &mut SharedTexts::default(),
                &plan,
            )
        };
        let want = key(Wanted::All, &blind);
        assert_eq!(
            key(Wanted::All, &cues),
            want,
            "{text:?} at {fig:?}, masked {masked:?} of {sentence:?}"
        );
        for p in [false, true] {
            let got = key(
                Wanted::Measured {
                    period: p,
                    phrases: true,
                },
                &cues,
            );
            if want.measure.is_some() {
                assert_eq!(got, want, "{text:?} at {fig:?}");
            } else {
                assert_eq!(got.measure, None, "{text:?} at {fig:?}");
                let period = if p { want.period.clone() } else { None };
                assert_eq!(got.period, period, "{text:?} at {fig:?}");
            }
        }
        // A part the cues rule out holds no measure word, wherever it starts and ends.
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for &lo in &bounds {
            for &hi in bounds.iter().filter(|&&hi| hi >= lo) {
                let part = &text[lo..hi];
                if !cues.may_hold(part) {
                    assert_eq!(m.measure_words.find(part), None, "{part:?} of {text:?}");
                }
            }
        }
    }

    #[test]
    fn phrase_cues_table() {
        let m = Measures::embedded();
        // (sentence, figure, masked)
        let cases = [
            ("In 1937 some 681,692 people were shot.", "681,692", "1937"),
            ("Of them 5executions and shot5 were counted.", "5", "shot5"),
            // A digit glued to a word ends the window after the figure inside that word.
            ("In all, 40 more were shot3 in the yard.", "40", "In all"),
            ("Then 40 un\u{a0}shotof were held.", "40", "of"),
            (
                "Unexecuted plans: 12 and 14 were SHOT in THE  camps.",
                "12",
                "14",
            ),
            (
                "There were 300 in the\u{a0}labor camps and 40 in the camps.",
                "300",
                "40",
            ),
            ("Some 2,000 exe[the list]cuted men, 7 died.", "2,000", "7"),
            ("The ſhot count was 90, and 12 were detained.", "90", "12"),
            (
                "\u{212A}illed: 9 sentenced to  death, 3 sentenced to be shot",
                "9",
                "3",
            ),
            (
                "In 1951 about 5% of the camps were closed; 41,300 released.",
                "5%",
                "41,300",
            ),
            (
                "increased by 7,000 and rose by 12 per cent",
                "7,000",
                "12 per cent",
            ),
            (
                "If we expelled 30,000 members, 5,000 would be arrested.",
                "30,000",
                "5,000",
            ),
            (
                "Executions: 1,000 a day; 2,000 executions in all.",
                "1,000",
                "2,000",
            ),
            ("arrest", "arrest", ""),
            ("x", "", ""),
        ];
        for (sentence, fig, masked) in cases {
            let at = sentence.find(fig).unwrap();
            let mk = if masked.is_empty() {
                0..0
            } else {
                let k = sentence.rfind(masked).unwrap();
                k..k + masked.len()
            };
            assert_cues_change_nothing(m, sentence, at..at + fig.len(), mk);
        }
    }

    #[test]
    fn phrase_cues_find_words_a_search_sees() {
        let m = Measures::embedded();
        let mut phrases = Vec::new();
        let text = "Of 9 shot, 3 were in the  labor camps; unshot 4 inmates";
        assert!(m.find_phrases(text, 100, &mut phrases));
        let found: Vec<&str> = phrases
            .iter()
            .map(|&(s, e)| &text[s - 100..e - 100])
            .collect();
        assert_eq!(found, ["shot", "in the  labor camps", "inmates"]);
        // Characters that fold to ASCII letters leave the search to the regex.
        assert!(!m.find_phrases("ſhot 5", 0, &mut phrases));
    }

    const CUE_PIECES: &[&str] = &[
        "executed",
        "Executions",
        "SHOT",
        "shot",
        "sentenced",
        "to",
        "be",
        "death",
        "in",
        "the",
        "camps",
        "labor",
        "under",
        "detention",
        "rose",
        "by",
        "died",
        "were",
        "was",
        "of",
        "which",
        "if",
        "a",
        "day",
        "per cent",
        "%",
        "politicals",
        "average",
        " ",
        "  ",
        "\u{a0}",
        "\t",
        "5",
        "1,200",
        "[",
        "]",
        "-",
        ",",
        ";",
        ".",
        "é",
        "\u{17F}",
        "\u{212A}",
        "x",
        "un",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 600,
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn phrase_cues_on_random_text(
            pieces in proptest::collection::vec(proptest::sample::select(CUE_PIECES), 1..14),
            a in 0usize..64,
            b in 0usize..64,
            c in 0usize..64,
            d in 0usize..64,
        ) {
            let s = pieces.concat();
            let snap = |i: usize| s.floor_char_boundary(i % (s.len() + 1));
            let mut e = [snap(a), snap(b), snap(c), snap(d)];
            e.sort_unstable();
            assert_cues_change_nothing(Measures::embedded(), &s, e[0]..e[1], e[2]..e[3]);
        }
    }

    /// The measure words found by hand are the regex's matches, each with the measure its
    /// capture groups name.
    fn assert_measure_hits_as_regex(m: &Measures, text: &str) {
        let want: Vec<(usize, usize, &str)> = m
            .measure_words
            .find_iter(text)
            .map(|x| (x.start(), x.end(), m.measure_at(text, x.start()).unwrap()))
            .collect();
        let got: Vec<(usize, usize, &str)> = m
            .measure_hits(text)
            .map(|(s, e, k)| (s, e, m.measure_name_of(text, s, k).unwrap()))
            .collect();
        assert_eq!(got, want, "{text:?}");
    }

    /// A lexicon whose phrases share first words, nest, and begin or end with non-word bytes.
    fn tricky_measures() -> Measures {
        let lex: MeasureLexicon = toml::from_str(
            r#"
            [[measure]]
            name = "camps"
            words = ["camp", "in the camps", "labor  camps"]
            [[measure]]
            name = "places"
            words = ["camps", "in the", "in", "U.S.", "-x", "x-"]
            [[measure]]
            name = "none"
            words = []
            [[measure]]
            name = "grain"
            words = ["tonnes of grain", "tonnes", "of", "u"]
            "#,
        )
        .expect("lexicon");
        Measures::new(&lex).expect("compiles")
    }

    #[test]
    fn measure_words_found_by_hand_are_the_regex_matches() {
        let tricky = tricky_measures();
        let cases = [
            "",
            "camp",
            "camps in the camps, In  The\u{a0}Camps",
            "the camp's inmates; encamped campers",
            "labor camps LABOR\tcamps labor-camps",
            "U.S. and U.S.A. and XU.S. -x a-x x-y x- -x-",
            "12 tonnes of grain, tonnes of  wheat, tonnesof grain",
            "in the in thein",
            "9 shot, 3 sentenced to be shot, 4 sentenced to death",
            "Executions: executed_ executedé éexecuted",
            "died\u{2003}in the labor  camps in the camps",
            "ſhot \u{212A}illed", // fold to ASCII letters: left to the regex
            "the politicals and the prisoners were released",
        ];
        for m in [&tricky, Measures::embedded()] {
            for text in cases {
                assert_measure_hits_as_regex(m, text);
            }
        }
    }

    const MEASURE_PIECES: &[&str] = &[
        "camp",
        "camps",
        "in",
        "the",
        "labor",
        "U.S.",
        "x",
        "-",
        "tonnes",
        "of",
        "grain",
        "shot",
        "sentenced",
        "to",
        "be",
        "death",
        "executed",
        "died",
        "politicals",
        " ",
        "  ",
        "\u{a0}",
        "\t",
        "_",
        "9",
        "é",
        "\u{17F}",
        ",",
        ".",
        "IN",
        "Camps",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2000,
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn measure_words_on_random_text(
            pieces in proptest::collection::vec(proptest::sample::select(MEASURE_PIECES), 0..16),
        ) {
            static TRICKY: OnceLock<Measures> = OnceLock::new();
            let text = pieces.concat();
            assert_measure_hits_as_regex(TRICKY.get_or_init(tricky_measures), &text);
            assert_measure_hits_as_regex(Measures::embedded(), &text);
        }
    }

    /// The clause words found by hand are the regex's matches.
    fn assert_clause_words_as_regex(text: &str) {
        static RE: OnceLock<Regex> = OnceLock::new();
        let re = RE.get_or_init(|| Regex::new(CLAUSE_WORD).expect("regex"));
        let want: Vec<Range<usize>> = re.find_iter(text).map(|m| m.range()).collect();
        let got: Vec<Range<usize>> = clause_words(text).collect();
        assert_eq!(got, want, "{text:?}");
    }

    #[test]
    fn clause_words_found_by_hand_are_the_regex_matches() {
        let cases = [
            "",
            " but ",
            "but not",
            " but not so",
            "x but not not x",
            " BUT\u{a0}While\twhereas  versus\nnot ",
            " and there ",
            " and\u{2003} \tthere\u{a0}x",
            " and  theres and there",
            " andthere  and there",
            " whereas\u{17F}",
            " ver\u{17F}us ", // the long s folds to s: left to the regex
            " nothing butter whilst notwithstanding ",
            "é but é not é",
            "  but  ",
        ];
        for text in cases {
            assert_clause_words_as_regex(text);
        }
    }

    const CLAUSE_PIECES: &[&str] = &[
        "and", "there", "but", "BUT", "while", "whereas", "versus", "not", "Not", " ", "  ",
        "\u{a0}", "\t", "x", "é", "\u{17F}", ",", "s",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 3000,
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn clause_words_on_random_text(
            pieces in proptest::collection::vec(proptest::sample::select(CLAUSE_PIECES), 0..16),
        ) {
            assert_clause_words_as_regex(&pieces.concat());
        }
    }

    /// The hand-made prechecks of regexes say "no match" only where the regex finds none.
    fn assert_prechecks_sound(text: &str) {
        static PASSIVE: OnceLock<Regex> = OnceLock::new();
        static FRAME: OnceLock<Regex> = OnceLock::new();
        static EST: OnceLock<Regex> = OnceLock::new();
        let passive = PASSIVE.get_or_init(|| {
            Regex::new(r"(?i)(?-u:\b)(?:were|was|are|is|had\s+been|have\s+been|has\s+been)\s+")
                .unwrap()
        });
        let no_verb = folds_plainly(text)
            && first_word(
                text,
                &[b"were", b"was", b"are", b"is", b"had", b"have", b"has"],
            )
            .is_none();
        if no_verb {
            assert!(!passive.is_match(text), "{text:?}");
        }
        let frame = FRAME.get_or_init(|| {
            Regex::new(r"^\W*(?i:in|during|throughout|for)\s+(?:the\s+years?\s+)?(?:\d{4})")
                .unwrap()
        });
        let m = Measures::embedded();
        let want = frame
            .find(text)
            .and_then(|f| m.period(&text[..text.floor_char_boundary(f.end() + 16)], 0..0));
        assert_eq!(m.framing_period(text), want, "{text:?}");
        let est = EST.get_or_init(|| {
            Regex::new(r"(?i)(?-u:\b)estimat(?:e|es|ed)\s+(?:of|at|to\s+be)\s+(?:\p{L}+\s+)?$")
                .unwrap()
        });
        let tail = &text[text.floor_char_boundary(text.len().saturating_sub(48))..];
        assert_eq!(estimated(text), est.is_match(tail), "{text:?}");
    }

    const PRECHECK_PIECES: &[&str] = &[
        "In",
        "in",
        "during",
        "For",
        "throughout",
        "the",
        "years",
        "year",
        "1937",
        "1937–38",
        " ",
        "  ",
        "\u{a0}",
        "\t",
        ",",
        "\"",
        "(",
        "é",
        "\u{17F}",
        "\u{212A}",
        "were",
        "WAS",
        "is",
        "had",
        "been",
        "has",
        "have",
        "are",
        "x",
        "estimate",
        "Estimated",
        "ESTIMATES",
        "e\u{17F}timate",
        "of",
        "at",
        "to",
        "be",
        "some",
        "5",
        "_",
        "The",
        "Then",
        "Inside",
        "fOR",
        "DURING",
        "Throughout",
        "\n",
        "\u{b}",
        "\u{1f}",
        "\u{2003}",
        "YEARS",
        "the  years",
        "yearsx",
        "\u{663}",
        "\u{2014}",
        "193",
    ];

    #[test]
    fn prechecks_table() {
        for text in [
            "",
            "In 1937 some 5 were shot",
            "  (during the years 1937–38, 5",
            "\u{a0}In 1937",
            "éIn 1937",
            "_In 1937",
            "For 1937",
            "For\u{b}1937",
            "For\u{1f}1937",
            "during\u{2003}1937",
            "Throughout\n1937",
            "The 1937 count",
            "Inside 1937",
            "in",
            "in ",
            "In1937",
            "an estimate of ",
            "an e\u{17F}timate of ",
            "estimated at about ",
            "5 had  been shot",
            "5 Has\u{a0}been",
            "5 i\u{17F} ",
            "In the years 1937",
            "In The years 1937",
            "In the YEARS 1937",
            "in the year  1937",
            "in the years1937",
            "in the yearly 1937",
            "in the 1937",
            "in\u{2014}1937",
            "in 193",
            "in 19\u{663}7",
            "In the\u{a0}years 1937",
        ] {
            assert_prechecks_sound(text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 3000,
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn prechecks_on_random_text(
            pieces in proptest::collection::vec(proptest::sample::select(PRECHECK_PIECES), 0..12),
        ) {
            let text = pieces.concat();
            assert_prechecks_sound(&text);
            let m = Measures::embedded();
            assert_eq!(m.any_cue(&text), m.cues.is_match(&text), "{:?}", text);
        }
    }

    /// The hand reads of `RATE`, `UNIT` and `PASSIVE` give what the regexes give, and are
    /// sure of any ASCII text (which then compiles no regex).
    fn assert_hand_reads_as_regex(text: &str) {
        static RES: OnceLock<[Regex; 3]> = OnceLock::new();
        let [rate, unit, passive] =
            RES.get_or_init(|| [RATE, UNIT, PASSIVE].map(|r| Regex::new(r).expect("regex")));
        let want = rate.is_match(text);
        assert_eq!(is_rate(text), want, "rate {text:?}");
        if let Ok(got) = rate_by_hand(text) {
            assert_eq!(got, want, "rate by hand {text:?}");
        }
        let want = unit
            .captures(text)
            .and_then(|c| c.get(1))
            .map(|m| m.range());
        assert_eq!(
            unit_word(text),
            want.clone().map(|r| &text[r]),
            "unit {text:?}"
        );
        if let Ok(got) = unit_by_hand(text) {
            assert_eq!(got, want, "unit by hand {text:?}");
        }
        let want = passive.find(text).map(|m| m.end());
        let plain = folds_plainly(text);
        assert_eq!(passive_end(text, plain), want, "passive {text:?}");
        if plain && let Ok(got) = passive_by_hand(text) {
            assert_eq!(got, want, "passive by hand {text:?}");
        }
        static MORE: OnceLock<[Regex; 3]> = OnceLock::new();
        let [share, of, pol] =
            MORE.get_or_init(|| [SHARE, OF_END, POLITICAL].map(|r| Regex::new(r).expect("regex")));
        let want = share
            .captures(text)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str());
        assert_eq!(share_words(text), want, "share {text:?}");
        assert_eq!(of_end(text), of.is_match(text), "of {text:?}");
        if let Ok(got) = of_end_by_hand(text) {
            assert_eq!(got, of.is_match(text), "of by hand {text:?}");
        }
        assert_eq!(political(text), pol.is_match(text), "political {text:?}");
        if text.is_ascii() {
            assert!(of_end_by_hand(text).is_ok(), "{text:?}");
            assert!(rate_by_hand(text).is_ok(), "{text:?}");
            assert!(unit_by_hand(text).is_ok(), "{text:?}");
            assert!(passive_by_hand(text).is_ok(), "{text:?}");
            let b = text.as_bytes();
            if let Some(p) = b.iter().position(|&x| is_word_byte(x)) {
                for w in [&b"in"[..], b"during", b"throughout", b"for"] {
                    assert!(frame_by_hand(b, p, w).is_ok(), "{text:?}");
                }
            }
        }
    }

    const HAND_PIECES: &[&str] = &[
        "a",
        "A",
        "per",
        "Per",
        "each",
        "every",
        "day",
        "days",
        "week",
        "WEEK",
        "month",
        "year",
        "years",
        "annum",
        "daily",
        "annually",
        "Yearly",
        "families",
        "family",
        "household",
        "hours",
        "cent",
        "percent",
        "km",
        "miles",
        "tons",
        "were",
        "was",
        "WAS",
        "had",
        "been",
        "have",
        "has",
        "is",
        "are",
        "not",
        "only",
        "all",
        "also",
        "then",
        "later",
        "either",
        "summarily",
        "subsequently",
        "eventually",
        "men",
        "shot",
        " ",
        "  ",
        " ",
        " ",
        "\t",
        "\n",
        "\u{b}",
        "\u{a0}",
        "\u{2003}",
        "\u{85}",
        ",",
        "\"",
        "\u{201c}",
        "\u{201d}",
        "\u{2018}",
        "\u{2019}",
        "\u{ab}",
        "\u{bb}",
        "\u{2014}",
        "\u{2013}",
        "é",
        "\u{17F}",
        "\u{212A}",
        "5",
        "_",
        "x",
        "s",
        "\u{663}",
        "-",
        ".",
        "of",
        "OF",
        "the",
        "these",
        "tho\u{17F}e",
        "those",
        "political",
        "Politicals",
        "bathe",
    ];

    #[test]
    fn hand_reads_table() {
        for text in [
            "",
            " a day",
            " executions a day",
            " men shot per  week.",
            " men shot every\tmonth",
            " men were shot each year",
            " per annum",
            " a days",
            " a day5",
            " a dayé",
            " a wee\u{212A}",
            " annually",
            " Yearly_",
            " dai\u{2014}",
            "\u{a0}a day",
            " families",
            " \u{201c}families\u{201d}",
            " peasant families",
            " per\u{a0}cent",
            " per  cent.",
            " percent",
            " ca\u{17F}es",
            " days weeks",
            " days, weeks",
            " were not only shot",
            " were not  only",
            " had been later released",
            " Has  been all",
            " were allowed",
            " wereall ",
            " _were shot",
            " éwere shot",
            " were\u{a0}shot",
            " are",
            " is\u{2014}",
            " of the officers",
            "\u{a0}of\u{2003}a b c d e f",
            " of a",
            " of a b ",
            " often the",
            " OF  the",
            "of",
            "of ",
            "roof ",
            "share of these  ",
            "share of the\u{17F}e ",
            "xof the ",
            "_of ",
            "éof ",
            "5 politicals",
            "non-political",
            "political\u{17F}",
            "apolitical",
        ] {
            assert_hand_reads_as_regex(text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 4000,
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn hand_reads_on_random_text(
            pieces in proptest::collection::vec(proptest::sample::select(HAND_PIECES), 0..10),
        ) {
            assert_hand_reads_as_regex(&pieces.concat());
        }

        #[test]
        fn hand_reads_on_random_chars(text in "\\PC{0,30}") {
            assert_hand_reads_as_regex(&text);
        }
    }

    #[test]
    fn any_cue_is_the_automaton() {
        let m = Measures::embedded();
        assert!(!m.short_cues.is_empty());
        for text in [
            "",
            "i",
            "IN",
            "iN the",
            "no cue here",
            "ſhot",
            "Shot",
            "xin",
            "i\nn",
        ] {
            assert_eq!(m.any_cue(text), m.cues.is_match(text), "{text:?}");
        }
    }

    /// Whether `c` breaks a clause: `clause_of`'s test before its scans read bytes.
    fn is_clause_break(c: char) -> bool {
        matches!(c, ',' | ';' | ':' | '(' | ')' | '[' | ']' | '–' | '—')
    }

    /// `clause_of`'s break scans as they were, on characters.
    fn assert_breaks_as_chars(s: &str) {
        let want_last = s
            .char_indices()
            .rev()
            .find(|&(_, c)| is_clause_break(c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        assert_eq!(last_break_end(s.as_bytes()), want_last, "{s:?}");
        let want_first = s
            .char_indices()
            .find(|&(_, c)| is_clause_break(c))
            .map(|(i, _)| i);
        assert_eq!(first_break(s.as_bytes()), want_first, "{s:?}");
    }

    const BREAK_PIECES: &[&str] = &[
        ",",
        ";",
        ":",
        "(",
        ")",
        "[",
        "]",
        "–",
        "—",
        "‒",
        "\u{2013}x",
        "\u{e280}",
        "é",
        "€",
        "x",
        " ",
        "\u{93}",
        "5",
        "“",
        "”",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 3000,
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn clause_breaks_on_random_text(
            pieces in proptest::collection::vec(proptest::sample::select(BREAK_PIECES), 0..12),
        ) {
            assert_breaks_as_chars(&pieces.concat());
        }
    }

    #[test]
    fn clause_breaks_table() {
        for s in [
            "",
            "a, b",
            "x – y — z",
            "–",
            "—x,",
            "‒€é",
            "(a)[b]",
            "\u{2013}\u{2014}",
        ] {
            assert_breaks_as_chars(s);
        }
    }

    #[test]
    fn periods() {
        assert_eq!(period_years("1937–38"), Some((1937, 1938)));
        assert_eq!(period_years("1934"), Some((1934, 1934)));
    }

    #[test]
    fn cue_hits_are_sorted_by_start_and_windows_see_whole_cues() {
        // "of grain" and "grain" end together, after "of" (which starts later than "tonnes
        // of"): overlapping matches arrive by end, and the window lookup needs them by start.
        let cues = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            .build(["tonnes of grain", "of", "grain", "tonnes"])
            .unwrap();
        let text = "sold 12 tonnes of grain in 1902";
        let hits = cue_hits(&cues, text, 100);
        assert!(hits.is_sorted(), "{hits:?}");
        assert_eq!(hits.len(), 4);
        let at = |s: &str| 100 + text.find(s).unwrap();
        let cases = [
            (at("tonnes")..at("tonnes") + 6, true),
            (at("of")..at("of") + 2, true),
            (at("of") + 1..at(" in"), true),
            (at("tonnes") + 1..at("of") + 1, false),
            (100..at("tonnes") + 5, false),
            (100..100 + text.len(), true),
        ];
        for (w, want) in cases {
            assert_eq!(cue_within(&hits, &w), want, "{w:?}");
            // The same answer as searching the window alone.
            let alone = cues
                .find_overlapping_iter(&text[w.start - 100..w.end - 100])
                .next()
                .is_some();
            assert_eq!(alone, want, "{w:?}");
        }
    }

    /// `word_runs` as it was: byte by byte.
    fn word_runs_by_bytes(text: &str) -> Vec<Range<usize>> {
        let b = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        loop {
            while i < b.len() && !WORD_BYTE[b[i] as usize] {
                i += 1;
            }
            if i == b.len() {
                return out;
            }
            let start = i;
            while i < b.len() && WORD_BYTE[b[i] as usize] {
                i += 1;
            }
            out.push(start..i);
        }
    }

    /// `first_word` as it was: each run copied in lowercase and matched.
    fn first_word_by_copies(text: &str, is_word: impl Fn(&[u8]) -> bool) -> Option<Range<usize>> {
        let b = text.as_bytes();
        word_runs_by_bytes(text)
            .into_iter()
            .find(|r| lowercase(&b[r.clone()]).is_some_and(|w| is_word(&w[..r.len()])))
    }

    /// The scans of runs from an offset give the runs, first words and measure words of the
    /// scans they replace.
    fn assert_word_scans_as_bytes(text: &str) {
        let b = text.as_bytes();
        let want = word_runs_by_bytes(text);
        assert_eq!(word_runs(text).collect::<Vec<_>>(), want, "{text:?}");
        let mut runs = word_runs(text);
        let starts: Vec<usize> = std::iter::from_fn(|| runs.next_start()).collect();
        assert_eq!(
            starts,
            want.iter().map(|r| r.start).collect::<Vec<_>>(),
            "{text:?}"
        );
        for m in [Measures::embedded(), test_lexicon()] {
            for at in (0..=b.len()).filter(|&i| text.is_char_boundary(i)) {
                for words in &m.phrases {
                    assert_eq!(
                        phrase_at(text, at, words),
                        phrase_at_reference(text, at, words),
                        "{text:?} at {at}: {words:?}"
                    );
                }
            }
        }
        for from in 0..=b.len() + 1 {
            // The runs from `from` are those starting there or later after a non-word byte.
            let from_want: Vec<Range<usize>> =
                want.iter().filter(|r| r.start >= from).cloned().collect();
            assert_eq!(
                word_runs_from(b, from).collect::<Vec<_>>(),
                from_want,
                "{text:?} from {from}"
            );
        }
        let verbs: &[&[u8]] = &[b"were", b"was", b"are", b"is", b"had", b"have", b"has"];
        assert_eq!(
            first_word(text, verbs),
            first_word_by_copies(text, |w| verbs.contains(&w)),
            "{text:?}"
        );
        let m = Measures::embedded();
        assert!(m.phrases_word_first);
        let mut by_bytes = m.clone();
        by_bytes.phrases_word_first = false;
        for from in 0..=b.len() {
            assert_eq!(
                m.next_measure_word(text, from),
                by_bytes.next_measure_word(text, from),
                "{text:?} from {from}"
            );
        }
    }

    /// `phrase_at` as it was, reading the gaps as characters.
    fn phrase_at_reference(text: &str, at: usize, words: &[Box<str>]) -> Option<usize> {
        let b = text.as_bytes();
        let mut i = at;
        for (k, w) in words.iter().enumerate() {
            if k > 0 {
                let gap = text[i..]
                    .char_indices()
                    .find(|&(_, c)| !c.is_whitespace())
                    .map_or(text.len() - i, |(j, _)| j);
                if gap == 0 {
                    return None;
                }
                i += gap;
            }
            let end = i + w.len();
            if !b.get(i..end)?.eq_ignore_ascii_case(w.as_bytes()) {
                return None;
            }
            i = end;
        }
        Some(i)
    }

    /// A user lexicon before the embedded one, as the corpus rules give it.
    fn test_lexicon() -> &'static Measures {
        static M: OnceLock<Measures> = OnceLock::new();
        M.get_or_init(|| {
            let lex: MeasureLexicon = toml::from_str(
                r#"
                [[measure]]
                name = "looms"
                words = ["looms", "a loom", "Z9 x"]
                [[measure]]
                name = "members"
                words = ["members", "_members of"]
                "#,
            )
            .expect("lexicon");
            let mut all: MeasureLexicon = toml::from_str(EMBEDDED_MEASURES).expect("embedded");
            all.prepend(lex);
            Measures::new(&all).expect("compiles")
        })
    }

    #[test]
    fn pair_index_as_first_written() {
        let low = |b: u8| usize::from(if b < 128 { b.to_ascii_lowercase() } else { 0 });
        for c in 0..=255u8 {
            assert_eq!(pair_index(c, None), low(c) * 128);
            for n in 0..=255u8 {
                assert_eq!(pair_index(c, Some(&n)), low(c) * 128 + low(n));
            }
        }
    }

    /// `AfterCuts::of` as the scans it replaces: `word_limit`, `cut_at` and `glued_digit` on
    /// the first 14 words.
    /// (the text kept, window cut, words cut, glued digit) as `measure_name` found them.
    fn after_cuts_reference(s: &str) -> (String, usize, usize, bool) {
        let after = without_insertions_to(s, 14);
        (
            after.to_string(),
            cut_at(&after, 14, stop_window),
            cut_at(&after, 6, stop_words),
            glued_digit(after.as_bytes()),
        )
    }

    fn assert_after_cuts_as_before(s: &str) {
        if s.is_ascii() && !s.contains('[') {
            let bytewise = AfterCuts::of_bytewise(s).map(|c| (c.window, c.glued));
            assert_eq!(Some(AfterCuts::window_of(s)), bytewise, "{s:?}");
        }
        let bytewise = AfterCuts::of_bytewise(s).map(|c| (c.limit, c.window, c.words, c.glued));
        let got = AfterCuts::of(s).map(|c| (c.limit, c.window, c.words, c.glued));
        assert_eq!(got, bytewise, "{s:?}");
        let want = after_cuts_reference(s);
        match AfterCuts::of(s) {
            Some(got) => assert_eq!(
                (s[..got.limit].to_string(), got.window, got.words, got.glued),
                want,
                "{s:?}"
            ),
            // Only a non-ASCII character or a `[` among the first 14 words leaves the cuts to
            // the scans.
            None => {
                let head = &s[..word_limit(s, 14)];
                assert!(!head.is_ascii() || head.contains('['), "{s:?}");
            }
        }
        // The words without their insertions: a copy's cuts are those of all of it.
        let copy = without_insertions_to(s, 14);
        match AfterCuts::of(&copy).filter(|c| c.limit == copy.len()) {
            Some(c) => assert_eq!(
                (copy.to_string(), c.window, c.words, c.glued),
                want,
                "{s:?}"
            ),
            None => assert!(!copy.is_ascii(), "{s:?}"),
        }
    }

    #[test]
    fn after_cuts_table() {
        let cases = [
            "",
            " ",
            "prisoners",
            " prisoners were shot",
            " army, air force and staff officers were discharged in 1937 by the court",
            " a b c d e f g h i j k l m n o p q",
            " a b c d e f g h i j k l m n\to p",
            "  a  b  c  d  e  f  g  h  i  j  k  l  m  n  ",
            " a b c d e; f g",
            " a b c d e f g. h",
            " shot3 times",
            " _9 x9 9x 99",
            " x (y) z",
            " men\u{a0}were shot",
            " men were shot \u{2014} and more",
            " a b c d e f g h i j k l m n \u{2014}",
            " a b c d e f g h i j k l m \u{2014}",
            " men\x0bwere\x0cshot\rnow",
            " \u{1c}\u{1f} x",
            "!?:;.,()",
            " men [91] were shot",
            " a b c d e f g h i j k l m n [91]",
            " a b c d e f g h i j k l m [91] n",
            " a b c d] e f",
        ];
        for s in cases {
            assert_after_cuts_as_before(s);
        }
        // Words, stops, glued digits and spaces at and across the edges of 16- and 64-byte
        // blocks, for every length of a long text.
        let long = format!(
            "{}x9 {}{}_7; a.b (c) {}{}",
            "w".repeat(14),
            "ab ".repeat(7),
            " ".repeat(30),
            "word ".repeat(11),
            "\u{e9}z"
        );
        for end in (0..=long.len()).filter(|&e| long.is_char_boundary(e)) {
            for start in [0, 1, 5, 15, 16, 17] {
                if let Some(t) = long.get(start..end) {
                    assert_after_cuts_as_before(t);
                }
            }
        }
        let spaced = "a ".repeat(40) + "x";
        for end in 0..=spaced.len() {
            assert_after_cuts_as_before(&spaced[..end]);
            assert_after_cuts_as_before(&spaced[1..end.max(1)]);
        }
    }

    const AFTER_PIECES: &[&str] = &[
        " ", "  ", "\t", "\n", "\x0b", "\x0c", "\r", "\u{1c}", "a", "Z", "_", "9", "42", "shot",
        "were", ",", ";", ":", ".", "!", "?", "(", ")", "-", "[", "]", "é", "\u{a0}", "\u{2013}",
        "\u{2014}", "\u{2003}", "x9", "_1", "men",
    ];

    /// The block masks of word bytes are the byte table's, for every byte in every lane and
    /// every length and offset around the lanes' and blocks' edges.
    #[test]
    fn word_masks_agree_with_the_byte_table() {
        let all: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        for start in 0..64 {
            for len in (0..=150).chain([all.len() - start]) {
                let b = &all[start..(start + len).min(all.len())];
                for at in 0..=b.len() + 1 {
                    assert_eq!(
                        word_mask(b, at),
                        word_mask_bytewise(b, at),
                        "start {start} len {len} at {at}"
                    );
                }
            }
        }
    }

    #[test]
    fn word_scans_table() {
        let long = "x".repeat(63) + " shot " + &"y_9".repeat(30) + " WERE shot";
        let cases = [
            "",
            "a",
            "_",
            " ",
            "were",
            "Were shot, HAS died_ é9 \u{17F}is",
            "\u{7f}\u{80}\u{ff}@[`{/:",
            &long,
            &long[1..],
            &long[..64],
            &long[..65],
            "executed\u{a0}executions—shot-died",
        ];
        for text in cases {
            assert_word_scans_as_bytes(text);
        }
    }

    const WORD_SCAN_PIECES: &[&str] = &[
        "a",
        "Z",
        "_",
        "9",
        " ",
        "  ",
        ".",
        "-",
        "é",
        "\u{a0}",
        "\u{17F}",
        "were",
        "HAS",
        "shot",
        "executed",
        "died",
        "in the camps",
        "politicals",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "looms",
        "a loom",
        "_members of",
        "Z9 x",
        "In The  LABOR\tcamps",
        "in \u{a0}\tthe\u{2003} camps",
        "0",
        "\u{7f}",
        "@",
        "[",
        "`",
        "{",
        "/",
        ":",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2000,
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn word_scans_on_random_text(
            pieces in proptest::collection::vec(proptest::sample::select(WORD_SCAN_PIECES), 0..40),
        ) {
            assert_word_scans_as_bytes(&pieces.concat());
        }

        #[test]
        fn after_cuts_on_random_text(
            pieces in proptest::collection::vec(proptest::sample::select(AFTER_PIECES), 0..60),
        ) {
            assert_after_cuts_as_before(&pieces.concat());
        }

        /// ASCII without `[`, where `AfterCuts::window_of` cuts too.
        #[test]
        fn window_cuts_on_random_ascii_text(
            pieces in proptest::collection::vec(proptest::sample::select(AFTER_PIECES), 0..90),
        ) {
            let text: String = pieces
                .iter()
                .filter(|p| p.is_ascii() && !p.contains('['))
                .copied()
                .collect();
            assert_after_cuts_as_before(&text);
        }

        #[test]
        fn after_cuts_on_random_chars(text in "\\PC{0,120}") {
            assert_after_cuts_as_before(&text);
        }

        #[test]
        fn word_scans_on_random_chars(text in "\\PC{0,150}") {
            assert_word_scans_as_bytes(&text);
            assert_scans_as_before(&text);
        }
    }

    /// `bare_end` as first written: every character of `after` is read.
    fn bare_end_reference(after: &str) -> bool {
        after
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, '.' | '!' | ';'))
    }

    #[test]
    fn bare_end_table() {
        for (after, want) in [
            ("", true),
            (" ", true),
            (".", true),
            (" . ! ;\t\n\r\x0b\x0c", true),
            ("\u{a0}.", true),
            (" \u{2003}\u{3000}\u{85}!", true),
            ("\u{1c}", false),
            (" .,", false),
            (" a", false),
            (". 5", false),
            ("\u{a0}x", false),
            (" é", false),
            (" \u{200b}", false),
            ("?", false),
            (":", false),
        ] {
            assert_eq!(bare_end(after), want, "{after:?}");
            assert_eq!(bare_end_reference(after), want, "{after:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2000,
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn bare_end_on_random_chars(after in "[ .!;\t\n\x0b\x0c\r\u{a0}\u{85}\u{2003}a5,\u{1c}é]{0,12}") {
            proptest::prop_assert_eq!(bare_end(&after), bare_end_reference(&after));
        }

        #[test]
        fn bare_end_on_any_chars(after in "\\PC{0,12}") {
            proptest::prop_assert_eq!(bare_end(&after), bare_end_reference(&after));
        }
    }

    /// `Measures::surely_unmeasured` before its window was cut by `AfterCuts::window_of`.
    fn surely_unmeasured_reference(
        m: &Measures,
        sentence: &str,
        fig: &Range<usize>,
        scratch: &mut String,
    ) -> bool {
        let b = sentence.as_bytes();
        let (fs, fe) = (fig.start, fig.end);
        // Named claims match anywhere: left to the key.
        if !m.phrases_tell || !m.named.is_empty() || fs >= fe || fe > b.len() {
            return false;
        }
        let (before_all, after_all) = (&sentence[..fs], &sentence[fe..]);
        let insertion = memchr::memchr(b'[', after_all.as_bytes()).is_some();
        if is_percentage(&sentence[fig.clone()]) {
            // A share needs "of" and its words after the figure, as `measure_name` reads them.
            let after = if insertion {
                without_insertions(after_all).into()
            } else {
                std::borrow::Cow::Borrowed(after_all)
            };
            return share_words(&after).is_none();
        }
        // Non-ASCII text is cut by characters: left to the key. The figure's own text is
        // never read.
        if !before_all.is_ascii() || !after_all.is_ascii() {
            return false;
        }
        // A figure glued to a word ends or starts a slice inside one of the sentence's runs.
        let glued = |i: usize| i > 0 && i < b.len() && is_word_byte(b[i - 1]) && is_word_byte(b[i]);
        if glued(fs) || glued(fe) {
            return false;
        }
        // After the figure, the words `measure_name` reads (insertions taken out, which may
        // join words: then the text it reads is scanned) up to the window's cut. A digit glued
        // to a word would cut inside a run.
        if insertion {
            // All of the text without insertions: its cuts are those of its first 14 words,
            // which `measure_name` reads.
            ascii_without_insertions(after_all, scratch);
            let after = scratch.as_str();
            let Some(cuts) = AfterCuts::of(after) else {
                return false;
            };
            if cuts.glued || m.phrases_in(after, 0, cuts.window, |_, end| end <= cuts.window) {
                return false;
            }
        } else {
            let Some(cuts) = AfterCuts::of(after_all) else {
                return false;
            };
            let window_end = fe + cuts.window;
            if cuts.glued || m.phrases_in(sentence, fe, window_end, |_, end| end <= window_end) {
                return false;
            }
        }
        // Before it: a phrase of at most `max_phrase_words` words ending in the last two
        // words (the gap "of") starts within that many words more; `measure_before` reads
        // eight.
        let words = m.max_phrase_words.max(8) + 2;
        let scan_from = ascii_words_back(&b[..fs], words);
        let mut bounds = None;
        !m.phrases_in(sentence, scan_from, fs, |start, end| {
            let (gap_from, before_from, digits) = *bounds.get_or_insert_with(|| {
                // `measure_name`: the gap after the measure word trims to nothing or "of".
                let mut g = fs;
                while g > 0 && ascii_space(b[g - 1]) {
                    g -= 1;
                }
                if g >= 2 && b[g - 2..g].eq_ignore_ascii_case(b"of") {
                    g -= 2;
                    while g > 0 && ascii_space(b[g - 1]) {
                        g -= 1;
                    }
                }
                let from = last_words_after(&sentence[..fs], 8, before_stop);
                (g, from, b[from..fs].iter().any(u8::is_ascii_digit))
            });
            end <= fs && (end >= gap_from || (start >= before_from && !digits))
        })
    }

    /// `surely_unmeasured` says so only of figures whose key has no measure (the key is its
    /// oracle), and exactly as its first version did; returns its verdict.
    fn assert_surely_unmeasured_sound(m: &Measures, sentence: &str, fig: Range<usize>) -> bool {
        let mut scratch = String::from("left over");
        let sure = m.surely_unmeasured(sentence, &fig, &mut scratch);
        let mut scratch = String::from("left over");
        assert_eq!(
            sure,
            surely_unmeasured_reference(m, sentence, &fig, &mut scratch),
            "{sentence:?} {fig:?}"
        );
        if sure {
            let key = m.key(sentence, fig.clone());
            assert_eq!(key.measure, None, "{sentence:?} {fig:?}");
        }
        sure
    }

    #[test]
    fn surely_unmeasured_table() {
        let m = test_lexicon();
        // (sentence, figure, whether it is surely unmeasured)
        let cases: &[(&str, &str, bool)] = &[
            (
                "The mills trained 9.9 thousand hectares between the wars.",
                "9.9 thousand",
                true,
            ),
            ("The mills counted 12 looms in 1911.", "12", false),
            ("The mills counted 12 [a] looms in 1911.", "12", false),
            ("The mills counted 12 lo[a]oms in 1911.", "12", false),
            ("The mills counted 12 things [47].", "12", true),
            (
                "The mills counted 12 things[^4] in all; looms too.",
                "12",
                true,
            ),
            (
                "The mills counted 12 things[^4] in all, looms too.",
                "12",
                false,
            ),
            (
                "The mills counted 12 things[^4] in all and looms too.",
                "12",
                false,
            ),
            (
                "Of the looms at the mills, 61 were never accounted for [5].",
                "61",
                true,
            ),
            ("Of the mills, looms numbered 61 in all.", "61", false),
            ("The looms of 61 mills.", "61", false),
            ("The members of  61 mills.", "61", false),
            ("The looms were many: 61 mills.", "61", true),
            ("Looms 61 mills.", "61", false),
            (
                "The mills counted 76 per cent of the looms [5].",
                "76 per cent",
                false,
            ),
            (
                "The mills counted 76 per cent looms [5].",
                "76 per cent",
                true,
            ),
            ("The mills counted 76% [x] of the looms.", "76%", false),
            ("The mills counted 76% [of] the looms.", "76%", true),
            (
                "The mills employed 310\u{2013}581 lamps by 1954.",
                "310\u{2013}581",
                true,
            ),
            (
                "The mills employed 310 lamps by 1954 \u{2013} looms.",
                "310",
                false,
            ),
            ("The mills counted looms12 and more.", "12", false),
            ("The mills counted 12looms.", "12", false),
            ("The mills counted 12 shot3 looms.", "12", false),
            (
                "The mills counted 12 shot, of whom 3 were looms.",
                "12",
                false,
            ),
            ("12 were shot.", "12", false),
            ("12 were then a loom.", "12", false),
            ("12 a loom.", "12", false),
            ("Z9 x 12.", "12", false),
            ("The _members of 12.", "12", false),
            (
                "One two three four five six seven eight nine ten eleven looms 12.",
                "12",
                false,
            ),
            (
                "Looms: one two three four five six seven eight nine ten eleven 12.",
                "12",
                true,
            ),
            (
                "Looms one two three four five six seven eight nine ten, eleven 12.",
                "12",
                true,
            ),
            (
                "They counted 12 one two three four five six seven eight nine ten eleven twelve thirteen fourteen looms.",
                "12",
                true,
            ),
            (
                "They counted 12 one two three four five six seven eight nine ten eleven twelve looms.",
                "12",
                false,
            ),
            (
                "They counted 12 one two three four five six looms.",
                "12",
                false,
            ),
            ("They counted 12 one, two three looms were.", "12", false),
            (
                "One two three four five six seven eight nine sentenced to be shot of 12.",
                "12",
                false,
            ),
            (
                "One two three four five six seven eight sentenced to be shot  12.",
                "12",
                false,
            ),
            (
                "One two three four five six seven eight sentenced to be shot, then 12.",
                "12",
                true,
            ),
            (
                "One two three four sentenced to death five six seven eight nine ten 12.",
                "12",
                true,
            ),
            (
                "One two three four sentenced to be shot five six seven eight 12.",
                "12",
                false,
            ),
            ("", "", false),
        ];
        for &(sentence, figure, want) in cases {
            let Some(at) = sentence.find(figure) else {
                continue;
            };
            let fig = at..at + figure.len();
            assert_eq!(
                assert_surely_unmeasured_sound(m, sentence, fig),
                want,
                "{sentence:?}"
            );
        }
    }

    const UNMEASURED_PIECES: &[&str] = &[
        " ",
        "  ",
        "\t",
        "\n",
        "a",
        "the",
        "of",
        "Of",
        "were",
        "was",
        "then",
        "had",
        "been",
        "looms",
        "a loom",
        "members",
        "_members",
        "Z9",
        "x",
        "shot",
        "sentenced",
        "to",
        "death",
        "in",
        "camps",
        "labor",
        "increased",
        "by",
        "prisoners",
        "politicals",
        "if",
        "who",
        "which",
        "a day",
        "per",
        "cent",
        "%",
        ",",
        ";",
        ":",
        ".",
        "(",
        ")",
        "[",
        "]",
        "[^4]",
        "[47]",
        "9",
        "42",
        "x9",
        "_1",
        "\u{2013}",
        "\u{a0}",
        "é",
        "\u{17F}",
        "tonnes",
        "grain",
        "U.S.",
        "-x",
    ];

    const UNMEASURED_FIGURES: &[&str] = &["5", "12%", "3 per cent", "4\u{2013}6", "2,000", "x"];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 3000,
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn surely_unmeasured_on_random_text(
            before in proptest::collection::vec(proptest::sample::select(UNMEASURED_PIECES), 0..16),
            figure in proptest::sample::select(UNMEASURED_FIGURES),
            after in proptest::collection::vec(proptest::sample::select(UNMEASURED_PIECES), 0..24),
        ) {
            static TRICKY: OnceLock<Measures> = OnceLock::new();
            let (before, after) = (before.concat(), after.concat());
            let sentence = format!("{before}{figure}{after}");
            let fig = before.len()..before.len() + figure.len();
            for m in [TRICKY.get_or_init(tricky_measures), test_lexicon(), Measures::embedded()] {
                assert_surely_unmeasured_sound(m, &sentence, fig.clone());
            }
            if after.is_ascii() {
                let mut out = String::from("left over");
                ascii_without_insertions(&after, &mut out);
                proptest::prop_assert_eq!(out, without_insertions(&after));
            }
        }

        #[test]
        fn surely_unmeasured_on_random_chars(text in "\\PC{0,80}", at in 0usize..80, len in 0usize..8) {
            let at = text.floor_char_boundary(at.min(text.len()));
            let end = text.ceil_char_boundary((at + len).min(text.len()));
            assert_surely_unmeasured_sound(test_lexicon(), &text, at..end);
        }
    }

    /// `Measures::phrases_in` as first written: every word that `begins_phrase` is looked up
    /// in the list, whatever its signature.
    fn phrases_in_reference(
        m: &Measures,
        text: &str,
        from: usize,
        to: usize,
        mut take: impl FnMut(usize, usize) -> bool,
    ) -> bool {
        let b = text.as_bytes();
        let mut runs = word_runs_from(b, from);
        while let Some(start) = runs.next_start() {
            if start >= to {
                break;
            }
            if !m.begins_phrase(b[start], b.get(start + 1)) {
                continue;
            }
            let end = runs.end_of(start);
            let word = &b[start..end];
            let first = usize::from(b[start].to_ascii_lowercase());
            for (w, js) in &m.phrases_by_first[first] {
                if w.len() != word.len() || !w.eq_ignore_ascii_case(word) {
                    continue;
                }
                for &j in js {
                    if let Some(e) = phrase_at(text, start, &m.phrases[j])
                        && take(start, e)
                    {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// First words of 1, 2, 15, 16, 17 and 18 bytes, of one byte and a digit.
    fn long_word_measures() -> &'static Measures {
        static M: OnceLock<Measures> = OnceLock::new();
        M.get_or_init(|| {
            let lex: MeasureLexicon = toml::from_str(
                r#"
                [[measure]]
                name = "long"
                words = ["abcdefghijklmnopq", "abcdefghijklmnop", "abcdefghijklmno x", "ab", "a b", "Q"]
                [[measure]]
                name = "longer"
                words = ["abcdefghijklmnopqr s", "in the camps", "_9"]
                "#,
            )
            .expect("lexicon");
            Measures::new(&lex).expect("compiles")
        })
    }

    /// Every call `phrases_in` makes of `take` (which takes the `stop`th), and its answer.
    fn phrases_in_calls(
        m: &Measures,
        text: &str,
        from: usize,
        to: usize,
        stop: usize,
        reference: bool,
    ) -> (Vec<(usize, usize)>, bool) {
        let mut calls = Vec::new();
        let take = |s: usize, e: usize| {
            calls.push((s, e));
            calls.len() == stop
        };
        let found = if reference {
            phrases_in_reference(m, text, from, to, take)
        } else {
            m.phrases_in(text, from, to, take)
        };
        (calls, found)
    }

    const PHRASE_PIECES: &[&str] = &[
        " ",
        "  ",
        "\t",
        ".",
        ",",
        "-",
        "a",
        "A",
        "b",
        "ab",
        "Ab",
        "abc",
        "q",
        "Q",
        "Q1",
        "_9",
        "_",
        "9",
        "abcdefghijklmno",
        "abcdefghijklmnop",
        "ABCDEFGHIJKLMNOP",
        "abcdefghijklmnopq",
        "abcdefghijklmnopqr",
        "abcdefghijklmnopqrs",
        "x",
        "s",
        "in",
        "the",
        "camps",
        "looms",
        "a loom",
        "members",
        "_members",
        "of",
        "Z9",
        "shot",
        "death",
        "\u{e9}",
        "\u{212a}",
        "\u{17f}",
        "\u{1F600}",
    ];

    #[test]
    fn phrases_in_table() {
        let long = long_word_measures();
        let cases: &[(&str, usize, usize)] = &[
            ("", 0, 0),
            ("ab", 0, 2),
            ("abc ab", 0, 6),
            ("abcdefghijklmnopq", 0, 17),
            ("abcdefghijklmnopqr s", 0, 20),
            ("abcdefghijklmnopqr", 0, 18),
            ("xx abcdefghijklmnop", 3, 19),
            ("xx abcdefghijklmnop", 4, 19),
            ("a b Q Q1 _9", 0, 11),
            ("a\u{e9} b", 0, 5),
            ("in the camps", 0, 1),
        ];
        for m in [long, test_lexicon(), Measures::embedded()] {
            for &(text, from, to) in cases {
                for stop in 0..4 {
                    assert_eq!(
                        phrases_in_calls(m, text, from, to, stop, false),
                        phrases_in_calls(m, text, from, to, stop, true),
                        "{text:?} {from} {to} {stop}"
                    );
                }
            }
        }
        assert_eq!(
            phrases_in_calls(long, "abcdefghijklmnopqr s", 0, 20, 0, false).0,
            [(0, 20)]
        );
    }

    proptest::proptest! {
        #[test]
        fn phrases_in_as_first_written(
            pieces in proptest::collection::vec(proptest::sample::select(PHRASE_PIECES), 0..40),
            from in 0usize..200,
            to in 0usize..220,
            stop in 0usize..4,
        ) {
            static TRICKY: OnceLock<Measures> = OnceLock::new();
            let text = pieces.concat();
            let from = text.floor_char_boundary(from.min(text.len()));
            for m in [long_word_measures(), TRICKY.get_or_init(tricky_measures), test_lexicon()] {
                proptest::prop_assert_eq!(
                    phrases_in_calls(m, &text, from, to, stop, false),
                    phrases_in_calls(m, &text, from, to, stop, true)
                );
            }
        }
    }

    #[test]
    fn words_back_by_masks_are_the_bytewise_ones() {
        let text = format!(
            "{}a  b\tc\n{} {}x\x0by\x0cz\r {} end ",
            "w".repeat(70),
            "long".repeat(20),
            " ".repeat(65),
            "ab cd ".repeat(15)
        );
        let b = text.as_bytes();
        for start in [0, 1, 3, 16, 63, 64, 65] {
            for end in start..=b.len() {
                for n in [0, 1, 2, 3, 7, 8, 10, 12, 40] {
                    let t = &b[start..end];
                    assert_eq!(
                        ascii_words_back(t, n),
                        ascii_words_back_bytewise(t, n),
                        "{start} {end} {n}"
                    );
                }
            }
        }
    }
}

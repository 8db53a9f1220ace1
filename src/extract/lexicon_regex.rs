//! Compiling the regexes that lexicons and rules declare, with errors that point into the file.

use std::ops::Range;

use regex::{Regex, RegexBuilder};
use toml::Spanned;

/// Compiled-size ceiling for one user regex. The `regex` crate runs in linear time, but a huge
/// automaton still costs memory and start-up time; past this the pattern is refused.
pub const REGEX_SIZE_LIMIT: usize = 4 * 1024 * 1024;

/// A pattern that did not compile: the message and where the pattern sits in its TOML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub span: Range<usize>,
    pub message: String,
}

pub fn compile_one(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT * 2)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(limit) => {
                format!("regex is too large to compile (over the {limit} byte limit); simplify it or split it")
            }
            other => other.to_string(),
        })
}

/// The one pattern that matches what any of `patterns` matches, in their order of preference.
pub fn alternation_source(patterns: &[Spanned<String>]) -> String {
    patterns
        .iter()
        .map(|p| format!("(?:{})", p.get_ref()))
        .collect::<Vec<_>>()
        .join("|")
}

/// Compile a list of patterns into one alternation. Each is checked alone first so that an
/// error names the exact pattern. `None` for an empty list.
pub fn compile_alternation(patterns: &[Spanned<String>]) -> Result<Option<Regex>, PatternError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let joined = alternation_source(patterns);
    // Compile the alternation first: start-up time matters for one-file runs. Only when it
    // fails are the patterns compiled one by one, to name the one at fault.
    match compile_one(&joined) {
        Ok(re) => Ok(Some(re)),
        Err(joined_message) => {
            for p in patterns {
                compile_one(p.get_ref()).map_err(|message| PatternError {
                    span: p.span(),
                    message,
                })?;
            }
            Err(PatternError {
                span: patterns[0].span().start..patterns[patterns.len() - 1].span().end,
                message: joined_message,
            })
        }
    }
}

/// A set of patterns asked only which of them match somewhere in a text, as
/// `regex::RegexSetBuilder::new(patterns).size_limit(limit).build()` answers `is_match` and
/// `matches`. A trailing part of a pattern that can match the empty string and asserts nothing
/// (`Vorkut\p{L}*` ends in `\p{L}*`) never decides whether it matches: the set is built
/// without it, and forwards only. A large Unicode class costs about a million instructions
/// each way (forwards and reversed) to compile, and start-up is mostly such compilation.
#[derive(Debug, Clone)]
pub struct MatchSet(SetEngine);

#[derive(Debug, Clone)]
enum SetEngine {
    /// The cut patterns searched forwards only (see [`ForwardSet`]).
    Forward(std::sync::Arc<ForwardSet>),
    /// The set as given (where the whole set could not be shown to fit the size limit).
    Whole(regex::RegexSet),
}

/// The patterns of a [`MatchSet`] that match a text, by index, ascending.
pub struct SetMatches(SetMatchesInner);

enum SetMatchesInner {
    Forward(regex_automata::PatternSet),
    Whole(regex::SetMatches),
}

impl SetMatches {
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        let (a, b) = match &self.0 {
            SetMatchesInner::Forward(s) => (Some(s.iter().map(|p| p.as_usize())), None),
            SetMatchesInner::Whole(s) => (None, Some(s.iter())),
        };
        a.into_iter().flatten().chain(b.into_iter().flatten())
    }
}

impl MatchSet {
    /// `regex::RegexSet::is_match`.
    pub fn is_match(&self, text: &str) -> bool {
        match &self.0 {
            SetEngine::Forward(f) => f.is_match(text),
            SetEngine::Whole(set) => set.is_match(text),
        }
    }

    /// `regex::RegexSet::matches`.
    pub fn matches(&self, text: &str) -> SetMatches {
        match &self.0 {
            SetEngine::Forward(f) => SetMatches(SetMatchesInner::Forward(f.matches(text))),
            SetEngine::Whole(set) => SetMatches(SetMatchesInner::Whole(set.matches(text))),
        }
    }
}

/// Build `patterns` as `regex::RegexSetBuilder::new(patterns).size_limit(size_limit).build()`
/// would, with the same errors; see [`MatchSet`].
pub fn compile_set<S: AsRef<str>>(
    patterns: &[S],
    size_limit: usize,
) -> Result<MatchSet, regex::Error> {
    if let Some(f) = compile_forward(patterns, size_limit) {
        return Ok(MatchSet(SetEngine::Forward(std::sync::Arc::new(f))));
    }
    regex::RegexSetBuilder::new(patterns.iter().map(AsRef::as_ref))
        .size_limit(size_limit)
        .build()
        .map(|set| MatchSet(SetEngine::Whole(set)))
}

/// The set of `patterns` without their trailing empty-matching parts, searched forwards
/// only, where the whole set exists: every pattern parses, and a bound on the whole set's
/// NFA (either direction) fits `size_limit`, so `regex::RegexSet` would build it too (a set
/// over the limit is refused, and must stay refused). `None`: build the whole set.
fn compile_forward<S: AsRef<str>>(patterns: &[S], size_limit: usize) -> Option<ForwardSet> {
    let syntax = regex_automata::util::syntax::Config::new().utf8(true);
    let mut hirs = Vec::with_capacity(patterns.len());
    let mut whole = SET_BOUND;
    for p in patterns {
        let hir = regex_automata::util::syntax::parse_with(p.as_ref(), &syntax).ok()?;
        whole = whole.saturating_add(nfa_bound(&hir));
        hirs.push(trim_suffix(hir));
    }
    if whole > size_limit {
        return None;
    }
    ForwardSet::new(&hirs, size_limit)
}

/// Fixed states of a set's NFA (the unanchored start, one match state and union branch per
/// pattern are in [`nfa_bound`]'s per-pattern share).
const SET_BOUND: usize = 64 * 1024;

/// A set asked only which patterns match and whether any does: both are forward searches,
/// so this is the lazy DFA and PikeVM `regex::RegexSet` runs for them, configured as it
/// configures them, without the reversed NFA it also compiles.
struct ForwardSet {
    /// `None` where the lazy DFA cannot be built (its cache is too small for the NFA): the
    /// PikeVM answers, as in `regex::RegexSet`.
    dfa: Option<regex_automata::hybrid::dfa::DFA>,
    pikevm: regex_automata::nfa::thompson::pikevm::PikeVM,
    caches: regex_automata::util::pool::Pool<SetCaches, SetCachesFn>,
}

type SetCachesFn =
    Box<dyn Fn() -> SetCaches + Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>;

impl std::fmt::Debug for ForwardSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForwardSet")
            .field("dfa", &self.dfa)
            .field("pikevm", &self.pikevm)
            .finish_non_exhaustive()
    }
}

struct SetCaches {
    dfa: Option<regex_automata::hybrid::dfa::Cache>,
    pikevm: regex_automata::nfa::thompson::pikevm::Cache,
}

impl ForwardSet {
    fn new(hirs: &[regex_syntax::hir::Hir], size_limit: usize) -> Option<ForwardSet> {
        use regex_automata::nfa::thompson;
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .nfa_size_limit(Some(size_limit))
                    .which_captures(thompson::WhichCaptures::None)
                    .utf8(true),
            )
            .build_many_from_hir(hirs)
            .ok()?;
        // As `regex_automata::meta` configures its lazy DFA for a set without a prefilter.
        let dfa = regex_automata::hybrid::dfa::DFA::builder()
            .configure(
                regex_automata::hybrid::dfa::DFA::config()
                    .match_kind(regex_automata::MatchKind::All)
                    .byte_classes(true)
                    .unicode_word_boundary(true)
                    .cache_capacity(2 * (1 << 20))
                    .skip_cache_capacity_check(false)
                    .minimum_cache_clear_count(Some(3))
                    .minimum_bytes_per_state(Some(10)),
            )
            .build_from_nfa(nfa.clone())
            .ok();
        let pikevm = thompson::pikevm::PikeVM::builder()
            .configure(
                thompson::pikevm::PikeVM::config().match_kind(regex_automata::MatchKind::All),
            )
            .build_from_nfa(nfa)
            .ok()?;
        let (d, v) = (dfa.clone(), pikevm.clone());
        let caches = regex_automata::util::pool::Pool::new(Box::new(move || SetCaches {
            dfa: d.as_ref().map(|d| d.create_cache()),
            pikevm: v.create_cache(),
        }) as SetCachesFn);
        Some(ForwardSet {
            dfa,
            pikevm,
            caches,
        })
    }

    fn with_caches<T>(&self, f: impl FnOnce(&mut SetCaches) -> T) -> T {
        f(&mut self.caches.get())
    }

    fn is_match(&self, text: &str) -> bool {
        let input = regex_automata::Input::new(text).earliest(true);
        self.with_caches(|c| {
            if let (Some(dfa), Some(cache)) = (&self.dfa, &mut c.dfa)
                && let Ok(m) = dfa.try_search_fwd(cache, &input)
            {
                return m.is_some();
            }
            self.pikevm.is_match(&mut c.pikevm, input.clone())
        })
    }

    fn matches(&self, text: &str) -> regex_automata::PatternSet {
        let input = regex_automata::Input::new(text);
        let mut set = regex_automata::PatternSet::new(self.pikevm.pattern_len());
        self.with_caches(|c| {
            if let (Some(dfa), Some(cache)) = (&self.dfa, &mut c.dfa) {
                if dfa
                    .try_which_overlapping_matches(cache, &input, &mut set)
                    .is_ok()
                {
                    return;
                }
                // Start over: the lazy DFA may have recorded some of the matches.
                set.clear();
            }
            self.pikevm
                .which_overlapping_matches(&mut c.pikevm, &input, &mut set);
        });
        set
    }
}

/// `hir` without a trailing part that can match the empty string and asserts nothing: such
/// a part matches (empty) wherever what precedes it ends, so whether the pattern matches
/// somewhere is decided without it.
fn trim_suffix(hir: regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{Capture, Hir, HirKind};
    let nullable =
        |h: &Hir| h.properties().minimum_len() == Some(0) && h.properties().look_set().is_empty();
    if nullable(&hir) {
        return Hir::empty();
    }
    match hir.into_kind() {
        HirKind::Concat(mut subs) => {
            // A concatenation that is not nullable has an element that is not.
            while subs.last().is_some_and(nullable) {
                subs.pop();
            }
            if let Some(last) = subs.pop() {
                subs.push(trim_suffix(last));
            }
            Hir::concat(subs)
        }
        HirKind::Alternation(subs) => Hir::alternation(subs.into_iter().map(trim_suffix).collect()),
        HirKind::Capture(c) => Hir::capture(Capture {
            index: c.index,
            name: c.name,
            sub: Box::new(trim_suffix(*c.sub)),
        }),
        kind => rebuild(kind),
    }
}

/// The `Hir` of `kind`, unchanged.
fn rebuild(kind: regex_syntax::hir::HirKind) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{Hir, HirKind};
    match kind {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => Hir::literal(l.0),
        HirKind::Class(c) => Hir::class(c),
        HirKind::Look(l) => Hir::look(l),
        HirKind::Repetition(r) => Hir::repetition(r),
        HirKind::Capture(c) => Hir::capture(c),
        HirKind::Concat(v) => Hir::concat(v),
        HirKind::Alternation(v) => Hir::alternation(v),
    }
}

/// At least as many as the UTF-8 byte sequences `regex_syntax::utf8::Utf8Sequences` splits
/// the code points `start..=end` into (counting them costs as much as compiling): a part of
/// one encoded length `n` takes at most `2n - 1`, and a range across the surrogates is split
/// in two first.
fn utf8_sequences_at_most(start: u32, end: u32) -> usize {
    let lengths = [
        (0, 0x7F, 1),
        (0x80, 0x7FF, 3),
        (0x800, 0xFFFF, 5),
        (0x1_0000, 0x10_FFFF, 7),
    ];
    let parts: usize = lengths
        .iter()
        .filter(|&&(lo, hi, _)| start <= hi && lo <= end)
        .map(|&(_, _, n)| n)
        .sum();
    if start < 0xD800 && end > 0xDFFF {
        parts + 5
    } else {
        parts
    }
}

/// More than the bytes the Thompson NFA builder (either direction) spends on `hir`'s states
/// within a larger NFA: per UTF-8 byte sequence of a class (the compiler's unit), a few
/// states; per literal byte, one state; a repetition, its copies. Checked against the
/// builder in the tests.
fn nfa_bound(hir: &regex_syntax::hir::Hir) -> usize {
    use regex_syntax::hir::{Class, HirKind};
    const STATE: usize = 256;
    const SEQUENCE: usize = 256;
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => STATE,
        HirKind::Literal(l) => STATE.saturating_mul(l.0.len().saturating_add(1)),
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .map(|r| utf8_sequences_at_most(u32::from(r.start()), u32::from(r.end())))
            .fold(STATE, |a, n| a.saturating_add(SEQUENCE.saturating_mul(n))),
        HirKind::Class(Class::Bytes(c)) => {
            STATE.saturating_mul(c.ranges().len()).saturating_add(STATE)
        }
        HirKind::Repetition(r) => {
            let copies = r.max.unwrap_or(r.min).max(r.min) as usize + 1;
            nfa_bound(&r.sub)
                .saturating_mul(copies)
                .saturating_add(STATE)
        }
        HirKind::Capture(c) => nfa_bound(&c.sub).saturating_add(2 * STATE),
        HirKind::Concat(v) | HirKind::Alternation(v) => v
            .iter()
            .map(nfa_bound)
            .fold(STATE, |a, b| a.saturating_add(b).saturating_add(STATE)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    #[derive(serde::Deserialize)]
    struct Doc {
        p: Vec<Spanned<String>>,
    }

    #[test]
    fn errors_point_at_the_bad_pattern() {
        let src = "p = ['ok', 'bad(']";
        let doc: Doc = toml::from_str(src).unwrap();
        let err = compile_alternation(&doc.p).unwrap_err();
        assert_eq!(&src[err.span.clone()], "'bad('");
        assert!(err.message.contains("unclosed group"), "{}", err.message);
    }

    #[test]
    fn too_large_is_refused_clearly() {
        let err = compile_one(r"\w{1000}\w{1000}\w{1000}").unwrap_err();
        assert!(err.contains("too large"), "{err}");
    }

    #[test]
    fn empty_list_is_none() {
        assert!(compile_alternation(&[]).unwrap().is_none());
    }

    /// The oracle: the set `compile_set` stands for.
    fn whole(patterns: &[&str], limit: usize) -> Result<regex::RegexSet, regex::Error> {
        regex::RegexSetBuilder::new(patterns)
            .size_limit(limit)
            .build()
    }

    fn assert_same(patterns: &[&str], text: &str) {
        let old = whole(patterns, REGEX_SIZE_LIMIT * 4).unwrap();
        let new = compile_set(patterns, REGEX_SIZE_LIMIT * 4).unwrap();
        let got = (
            new.is_match(text),
            new.matches(text).iter().collect::<Vec<_>>(),
        );
        // regex 1.13 (regex-automata 0.4.19) panics on a few sets, in its one-pass DFA (`^\ba`
        // with `^` on "K"): there is no answer to compare with, and ours must still give one.
        let Ok(want) = std::panic::catch_unwind(|| {
            (
                old.is_match(text),
                old.matches(text).iter().collect::<Vec<_>>(),
            )
        }) else {
            return;
        };
        assert_eq!(got, want, "{patterns:?} on {text:?}");
    }

    #[test]
    fn answers_where_the_whole_set_panics() {
        // The case proptest found: the trimmed set answers (the first pattern needs a word
        // character at the start, the second matches anywhere).
        let set = compile_set(&[r"^\ba", "^"], REGEX_SIZE_LIMIT).unwrap();
        assert_eq!(set.matches("K").iter().collect::<Vec<_>>(), vec![1]);
        assert_eq!(set.matches("ab").iter().collect::<Vec<_>>(), vec![0, 1]);
        assert_same(&[r"^\ba", "^"], "K");
    }

    /// Patterns with trailing parts to cut (or not: assertions, non-empty parts).
    const TRICKY: &[&str] = &[
        r"(?i)(?-u:\b)(\d+(?:st|nd|rd|th))\s+(?:\p{Lu}\p{L}+\s+){0,2}Congress",
        r"(?-u:\b)Central Committee(?-u:\b)",
        r"(?-u:\b)(\p{Lu}\p{L}+) [Oo]peration(?-u:\b)",
        r"(?-u:\b)Vorkut\p{L}*",
        r"(?-u:\b)Solov(?:ki|etsk\p{L}*)",
        r"(?i)(?-u:\b)Kazakh\p{L}*",
        r"\p{L}*",
        r"(?:x\p{L}*|y)",
        r"(a\w*)",
        r"b\w*$",
        r"c(?:\w*\b)?",
        r"d(?:e|)",
        r"é\p{Lu}{0,3}",
        r"(?:f\s*)*",
        r"\bg\p{L}*",
        r"h(?:\p{L}*(?:i\p{N}?)*)?",
        r"^\p{L}*",
        r"(?-u:\b)",
        r"j(?:)k?",
        r"[^\s\S]",
        r"z\p{L}*?",
    ];

    #[test]
    fn trimmed_sets_answer_as_whole_sets() {
        let texts = [
            "",
            "a",
            "Vorkuta",
            "the Vorkutlag camp",
            "xVorkut",
            "Vorkut",
            "in Solovki and Solovetsky",
            "Solovetsk",
            "the 17th Party Congress, the 18th congress",
            "20th Extraordinary Soviet Congress",
            "KAZAKHSTAN, kazakh, Kazakhstan",
            "Operation Barbarossa and Barbarossa operation",
            "é",
            "éÀÉ",
            "ab b c d f g h hi٣ j jk z",
            "x y",
            "ſ K \u{212a} ǅ",
            "日本 a\u{301}b 👍 c",
            "\u{a0}g\u{2003}",
        ];
        for text in texts {
            assert_same(TRICKY, text);
            for p in TRICKY {
                assert_same(&[p], text);
            }
        }
        // The embedded subjects are cut (the set is not the whole one).
        let lex: crate::claims::MeasureLexicon =
            toml::from_str(crate::claims::EMBEDDED_MEASURES).unwrap();
        let subjects: Vec<&str> = lex
            .subject
            .iter()
            .map(|s| s.pattern.get_ref().as_str())
            .collect();
        let set = compile_set(&subjects, REGEX_SIZE_LIMIT * 4).unwrap();
        assert!(matches!(set.0, SetEngine::Forward(_)));
        for text in texts {
            assert_same(&subjects, text);
        }
    }

    #[test]
    fn trimming_cuts_only_empty_matching_tails() {
        let cut = |p: &str| {
            let hir = regex_automata::util::syntax::parse_with(
                p,
                &regex_automata::util::syntax::Config::new(),
            )
            .unwrap();
            trim_suffix(hir).to_string()
        };
        let same = |p: &str| {
            regex_automata::util::syntax::parse_with(
                p,
                &regex_automata::util::syntax::Config::new(),
            )
            .unwrap()
            .to_string()
        };
        assert_eq!(cut(r"(?-u:\b)Vorkut\p{L}*"), same(r"(?-u:\b)Vorkut"));
        assert_eq!(cut(r"Solov(?:ki|etsk\p{L}*)"), same(r"Solov(?:ki|etsk)"));
        assert_eq!(cut(r"(a\w*)"), same(r"(a)"));
        // An assertion decides.
        assert_eq!(cut(r"b\w*$"), same(r"b\w*$"));
        assert_eq!(cut(r"c(?:\w*\b)?"), same(r"c(?:\w*\b)?"));
        assert_eq!(cut(r"\p{L}+"), same(r"\p{L}+"));
    }

    /// The builder's bytes for `pattern` less those for the empty pattern (either direction):
    /// the least size limit that admits it, found by bisection.
    fn nfa_bytes(pattern: &str, reverse: bool) -> usize {
        use regex_automata::nfa::thompson;
        let fits = |limit: usize| {
            thompson::Compiler::new()
                .configure(
                    thompson::Config::new()
                        .which_captures(thompson::WhichCaptures::None)
                        .reverse(reverse)
                        .nfa_size_limit(Some(limit)),
                )
                .build(pattern)
                .is_ok()
        };
        let (mut lo, mut hi) = (0usize, 1usize << 30);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if fits(mid) { hi = mid } else { lo = mid + 1 }
        }
        lo
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// The count bound holds for any range of code points.
        #[test]
        fn prop_utf8_sequences_at_most(a in proptest::char::any(), b in proptest::char::any()) {
            let (a, b) = if a <= b { (a, b) } else { (b, a) };
            let n = regex_syntax::utf8::Utf8Sequences::new(a, b).count();
            proptest::prop_assert!(n <= utf8_sequences_at_most(a.into(), b.into()));
        }
    }

    #[test]
    fn utf8_sequences_at_most_holds_at_the_edges() {
        let edges = [
            0u32, 1, 0x7E, 0x7F, 0x80, 0x81, 0x7FE, 0x7FF, 0x800, 0x801, 0xFFF, 0x1000, 0xD7FF,
            0xE000, 0xE001, 0xFFFE, 0xFFFF, 0x1_0000, 0x1_0001, 0x3_FFFF, 0x4_0000, 0xF_FFFF,
            0x10_0000, 0x10_FFFE, 0x10_FFFF,
        ];
        for &a in &edges {
            for &b in &edges {
                if a <= b {
                    let (ca, cb) = (char::from_u32(a).unwrap(), char::from_u32(b).unwrap());
                    let n = regex_syntax::utf8::Utf8Sequences::new(ca, cb).count();
                    assert!(n <= utf8_sequences_at_most(a, b), "{a:x}..{b:x}: {n}");
                }
            }
        }
    }

    #[test]
    fn nfa_bound_exceeds_what_the_builder_spends() {
        use regex_automata::nfa::thompson;
        let empty = |reverse: bool| {
            let (mut lo, mut hi) = (0usize, 1usize << 20);
            while lo < hi {
                let mid = (lo + hi) / 2;
                let ok = thompson::Compiler::new()
                    .configure(
                        thompson::Config::new()
                            .which_captures(thompson::WhichCaptures::None)
                            .reverse(reverse)
                            .nfa_size_limit(Some(mid)),
                    )
                    .build("")
                    .is_ok();
                if ok { hi = mid } else { lo = mid + 1 }
            }
            lo
        };
        let pieces = [
            r"\p{L}*",
            r"(?i)\p{Lu}*",
            r"\w*",
            r"[^a]*",
            r"\PL*",
            r"(?s:.)*",
            r"\p{Han}*",
            r"[\x{100}\x{300}\x{500}\x{700}\x{900}\x{10000}\x{20000}\x{30000}\x{E0000}]*",
            r"(?i)[a-zſK]*",
            r"(?:\p{L}\p{N}*|x)*",
            r"\p{L}{0,5}",
            r"(?:abc|déf|\w)?",
            r"(\p{L}*)",
            r"(?i)(?:army|officers|commanders)?",
            r"[\x{80}-\x{10FFFF}]*",
            r"[\x{7F}-\x{800}\x{FFFF}-\x{10001}\x{D7FF}-\x{E000}]*",
            r"[^\x{7FF}\x{FFFF}]*",
            r"(?i)(?-u:\b)(\d+(?:st|nd|rd|th))\s+(?:\p{Lu}\p{L}+\s+){0,2}Congress",
            r"(?-u:\b)(\p{Lu}\p{L}+) [Oo]peration(?-u:\b)",
            r"\d{4}\s*\p{L}{2,3}",
        ];
        for p in pieces {
            let hir = regex_automata::util::syntax::parse_with(
                p,
                &regex_automata::util::syntax::Config::new(),
            )
            .unwrap();
            for reverse in [false, true] {
                let spent = nfa_bytes(p, reverse) - empty(reverse);
                assert!(
                    spent <= nfa_bound(&hir),
                    "{p} {reverse}: {spent} > {}",
                    nfa_bound(&hir)
                );
            }
        }
    }

    /// The bound holds for whole sets too (the embedded subjects, odd classes), both ways.
    #[test]
    fn set_bound_exceeds_what_the_builder_spends() {
        use regex_automata::nfa::thompson;
        let lex: crate::claims::MeasureLexicon =
            toml::from_str(crate::claims::EMBEDDED_MEASURES).unwrap();
        let subjects: Vec<String> = lex
            .subject
            .iter()
            .map(|s| s.pattern.get_ref().clone())
            .collect();
        let odd: Vec<String> = [r"[^a]", r"\w+\b", r"[\x{80}-\x{10FFFF}]{2}", "", "x"]
            .iter()
            .map(|p| p.to_string())
            .collect();
        for patterns in [subjects, odd] {
            let bound = patterns.iter().fold(SET_BOUND, |a, p| {
                let hir = regex_automata::util::syntax::parse_with(
                    p,
                    &regex_automata::util::syntax::Config::new(),
                )
                .unwrap();
                a + nfa_bound(&hir)
            });
            for reverse in [false, true] {
                let ok = thompson::Compiler::new()
                    .configure(
                        thompson::Config::new()
                            .which_captures(thompson::WhichCaptures::None)
                            .reverse(reverse)
                            .nfa_size_limit(Some(bound)),
                    )
                    .build_many(&patterns)
                    .is_ok();
                assert!(ok, "{patterns:?} {reverse}");
            }
        }
    }

    #[test]
    fn a_set_over_the_limit_stays_refused() {
        // The whole set needs about 300 KB here; cut, much less.
        let patterns = [r"a\p{L}{0,3}", r"b(?:\w*)"];
        let need = (1..2_000_000usize)
            .step_by(1000)
            .find(|&l| whole(&patterns, l).is_ok())
            .unwrap();
        for limit in [
            need.saturating_sub(5000),
            need.saturating_sub(1000),
            need,
            need + 1000,
        ] {
            let old = whole(&patterns, limit);
            let new = compile_set(&patterns, limit);
            assert_eq!(old.is_ok(), new.is_ok(), "limit {limit}");
            if let (Err(a), Err(b)) = (old, new) {
                assert_eq!(a.to_string(), b.to_string());
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            cases: 128,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// Sets of patterns made of pieces, some with empty-matching tails, answer as the
        /// whole set on text made of the same letters and odd characters.
        #[test]
        fn prop_trimmed_sets_answer_as_whole_sets(
            patterns in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::prop_oneof![
                        proptest::sample::select(vec![
                            "a", "b", "é", "K", r"\p{L}*", r"\p{Lu}", r"\w*", r"\s+", r"\d?",
                            r"(?-u:\b)", r"\b", "$", "^", r"(?:a|b\p{L}*)", r"(\p{L}*)",
                            r"(?:x\s*)*", r"[ab]{0,2}", "(?i:k)", r"\p{L}+", "(?:)",
                        ]),
                    ],
                    1..6,
                ).prop_map(|v| v.concat()),
                1..5,
            ),
            text in proptest::prop_oneof![
                "[abéKk \u{212a}xX1٣ſ\u{a0}.日]{0,12}",
                "\\PC{0,10}",
            ],
        ) {
            let patterns: Vec<&str> = patterns.iter().map(String::as_str).collect();
            assert_same(&patterns, &text);
        }
    }
}

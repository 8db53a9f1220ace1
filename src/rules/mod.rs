//! The rule engine: rule files (TOML) declare instances of rule kinds; kinds are code.
//!
//! A rule never prints: it returns diagnostics. Kinds are registered in [`KINDS`], one file each.

pub mod conflicting_figure;
pub mod loader;
pub mod pattern;
pub mod requires_citation;

use std::ops::Range;

use toml::Spanned;

use crate::diagnostic::{Diagnostic, Fingerprint, Severity, SharedText};
use crate::extract::{Analysis, Scope};
use crate::parse::Document;
use crate::source::{LineCol, LineIndex, SourceFile};

/// Everything a rule may look at for one file.
pub struct FileContext<'a> {
    pub file: &'a SourceFile,
    pub doc: &'a Document,
    pub analysis: &'a Analysis,
    pub index: &'a LineIndex,
    /// The file's path, one copy for all its findings.
    pub path: std::sync::Arc<str>,
}

/// One rule, as declared in a rule file.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleSpec {
    pub id: Spanned<String>,
    pub kind: Spanned<String>,
    #[serde(default = "default_severity")]
    pub severity: Severity,
    pub summary: String,
    /// Message template; `{text}` is replaced with the flagged text.
    pub message: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub explain: Explain,
    #[serde(default)]
    pub params: Params,
}

fn default_severity() -> Severity {
    Severity::Warning
}

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Explain {
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub flagged: String,
    #[serde(default)]
    pub not_flagged: String,
}

/// Parameters of every kind, in one table so that an unknown key is an error with a span.
/// Each kind checks that the ones it needs are present and the others absent.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {
    /// requires-citation: `figures`, `quotations` or `pattern`.
    pub target: Option<Spanned<String>>,
    pub scope: Option<Scope>,
    /// Whether a named source without a reference ("according to Werth") counts as a source.
    pub accept_attribution: Option<bool>,
    /// A regex (pattern kind, or requires-citation with target = "pattern").
    pub pattern: Option<Spanned<String>>,
    /// Phrases matched as whole words (pattern kind).
    pub phrases: Option<Spanned<Vec<String>>>,
    pub ignore_case: Option<bool>,
    /// Skip matches in headings.
    pub skip_headings: Option<bool>,
    /// Skip figures inside quotations (the quotation is what needs the source).
    pub skip_quoted: Option<bool>,
    /// requires-citation on figures: small spelled counts of these nouns describe the text's own
    /// structure ("two categories", "four periods"), not the world.
    pub structural_nouns: Option<Vec<String>>,
    /// conflicting-figure: how many other statements to list at most.
    pub max_related: Option<usize>,
    /// conflicting-figure: relative tolerance for approximate statements.
    pub approx_tolerance: Option<f64>,
    /// conflicting-figure: also report agreeing restatements as notes.
    pub show_agreeing: Option<bool>,
}

impl Params {
    /// Replace each parameter `other` sets (a config file's `[rule.ID.params]`).
    pub fn overlay(&mut self, other: &Params) {
        macro_rules! take {
            ($($f:ident),*) => { $( if other.$f.is_some() { self.$f = other.$f.clone(); } )* };
        }
        take!(
            target,
            scope,
            accept_attribution,
            pattern,
            phrases,
            ignore_case,
            skip_headings,
            skip_quoted,
            structural_nouns,
            max_related,
            approx_tolerance,
            show_agreeing
        );
    }
}

/// Metadata shared by all kinds; what `factlint rules` and `explain` print.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleMeta {
    pub id: std::sync::Arc<str>,
    pub kind: String,
    pub severity: Severity,
    pub summary: String,
    pub message: String,
    /// `message` split at its placeholders, once (built with it, see [`Template::new`]): each
    /// finding renders it without searching the message again.
    #[serde(skip)]
    pub template: Template,
    pub label: Option<std::sync::Arc<str>>,
    pub help: Option<std::sync::Arc<str>>,
    pub notes: std::sync::Arc<[String]>,
    pub explain: Explain,
    /// Parameters as resolved, for `explain`.
    pub params: Vec<(String, String)>,
    /// Where the rule was defined.
    pub origin: String,
}

impl RuleMeta {
    pub fn render_message(&self, text: &str) -> String {
        self.template.render(text)
    }

    /// The slow form of [`RuleMeta::render_message`], kept as its test oracle.
    #[cfg(test)]
    fn render_message_by_replace(&self, text: &str) -> String {
        let mut short = crate::diagnostic::normalise_ws(text);
        // Byte length bounds the char count: most texts are short and ASCII, and skip counting.
        if short.len() > 60 && short.chars().count() > 60 {
            let cut = short.char_indices().nth(57).map_or(short.len(), |(i, _)| i);
            short.truncate(cut);
            short.push('…');
        }
        self.message.replace("{text}", &short)
    }

    /// What the fingerprints of this rule's findings in `ctx`'s file start from: a rule
    /// computes it once per file and calls [`RuleMeta::diagnostic_seeded`] per finding.
    pub fn fingerprint_seed(&self, ctx: &FileContext) -> u64 {
        crate::diagnostic::stable_hash(&[&self.id, &ctx.file.path])
    }

    /// A finding of this rule at one place, with label, help and notes filled in; `seed` is
    /// [`RuleMeta::fingerprint_seed`] for `ctx`.
    pub fn diagnostic_seeded(
        &self,
        ctx: &FileContext,
        seed: u64,
        range: Range<usize>,
        context: Range<usize>,
    ) -> Diagnostic {
        let mut out = Vec::with_capacity(1);
        self.diagnostics_seeded(ctx, seed, &[(range, context)], &mut out);
        out.pop().expect("one place, one finding")
    }

    /// The finding as it was made before texts were shared: one place at a time, with strings
    /// of its own. The test oracle of [`RuleMeta::diagnostics_seeded`].
    #[cfg(test)]
    fn diagnostic_by_parts(
        &self,
        ctx: &FileContext,
        seed: u64,
        range: Range<usize>,
        context: Range<usize>,
    ) -> Diagnostic {
        let text = &ctx.file.text;
        let flagged = &text[range.clone()];
        let fingerprint = crate::diagnostic::fingerprint_from(
            seed,
            flagged,
            &text[crate::diagnostic::context_window(text, &range, &context)],
        );
        Diagnostic {
            rule: self.id.clone(),
            severity: self.severity,
            message: self.render_message(flagged).into(),
            label: self.label.clone().unwrap_or_default(),
            related: Vec::new(),
            help: self.help.clone(),
            notes: self.notes.clone(),
            fingerprint,
            location: crate::diagnostic::Location::new(ctx.path.clone(), text, ctx.index, range),
        }
    }

    /// [`RuleMeta::diagnostic_seeded`] at each of `places` (flagged range, context), appended
    /// to `out`. The findings' texts and messages share one buffer: two heap strings a finding
    /// were a fifth of its cost, made here and freed after it was reported.
    pub fn diagnostics_seeded(
        &self,
        ctx: &FileContext,
        seed: u64,
        places: &[(Range<usize>, Range<usize>)],
        out: &mut Vec<Diagnostic>,
    ) {
        let text = &ctx.file.text;
        // Room for each text and its message (template plus a short text, as `render` makes).
        let room: usize = places
            .iter()
            .map(|(r, _)| r.len() + self.template.len + r.len().min(64) + 8)
            .sum();
        let mut buf = String::with_capacity(room);
        // Where each place's text ends and its message, which follows it.
        let mut ends = Vec::with_capacity(places.len());
        for (range, _) in places {
            buf.push_str(&text[range.clone()]);
            let text_end = buf.len();
            self.template.render_into(&mut buf, &text[range.clone()]);
            ends.push((text_end, buf.len()));
        }
        // Shrunk in place to what it holds, and shared without a copy.
        buf.shrink_to_fit();
        let buf = std::sync::Arc::new(buf);
        let finding =
            |range: &Range<usize>, (text_end, message_end): (usize, usize), at: Placed| {
                Diagnostic {
                    rule: self.id.clone(),
                    severity: self.severity,
                    message: SharedText::slice(&buf, text_end..message_end),
                    label: self.label.clone().unwrap_or_default(),
                    related: Vec::new(),
                    help: self.help.clone(),
                    notes: self.notes.clone(),
                    fingerprint: at.fingerprint,
                    location: crate::diagnostic::Location {
                        path: ctx.path.clone(),
                        span: crate::diagnostic::Span {
                            start: range.start,
                            end: range.end,
                        },
                        start: at.start,
                        end: at.end,
                        text: SharedText::slice(&buf, text_end - range.len()..text_end),
                    },
                }
            };
        // Extended from iterators of known length, each finding is made where it stays rather
        // than made aside and copied in (240 bytes each).
        if text.len() >= crate::extract::PARALLEL_MIN_BYTES
            && places.len() > PLACE_PIECE
            && rayon::current_thread_index().is_none()
        {
            // A large file's fingerprints and positions, a serial 1,400 instructions a
            // finding, are computed on every core a block at a time, into room made here; the
            // findings are made here too. Made on the pool's threads, they were held in those
            // threads' malloc arenas, which kept the memory (the 1 GB corpus's peak grew 6%).
            let mut placed = vec![Placed::default(); PLACE_BLOCK.min(places.len())];
            for (block, ends) in places.chunks(PLACE_BLOCK).zip(ends.chunks(PLACE_BLOCK)) {
                let placed = &mut placed[..block.len()];
                place_in_parallel(text, ctx.index, seed, block, placed, PLACE_PIECE);
                out.extend(
                    block
                        .iter()
                        .zip(ends)
                        .zip(placed.iter())
                        .map(|(((range, _), &e), &at)| finding(range, e, at)),
                );
            }
        } else {
            out.extend(places.iter().zip(&ends).map(|((range, context), &e)| {
                let at = Placed::new(text, seed, range, context, |o| ctx.index.line_col(text, o));
                finding(range, e, at)
            }));
        }
    }
}

/// Places per piece that one thread places with one cursor (see [`place_in_parallel`]).
const PLACE_PIECE: usize = 1 << 10;

/// Places per block placed at once: bounds the room the positions take beside the findings.
const PLACE_BLOCK: usize = 1 << 14;

/// What a finding's place yields before the finding is made: its fingerprint and positions.
/// Computing these allocates nothing, so that it can run on any thread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Placed {
    fingerprint: Fingerprint,
    start: LineCol,
    end: LineCol,
}

impl Placed {
    fn new(
        text: &str,
        seed: u64,
        range: &Range<usize>,
        context: &Range<usize>,
        line_col: impl FnMut(usize) -> LineCol,
    ) -> Placed {
        let fingerprint = crate::diagnostic::fingerprint_from(
            seed,
            &text[range.clone()],
            &text[crate::diagnostic::context_window(text, range, context)],
        );
        let (start, end) = crate::diagnostic::span_positions(text, range, line_col);
        Placed {
            fingerprint,
            start,
            end,
        }
    }
}

/// [`Placed::new`] of each of `places` into `placed` (as long), in pieces of `piece` places on
/// every core, each piece with a line cursor of its own. Nothing is allocated on the pool.
fn place_in_parallel(
    text: &str,
    index: &LineIndex,
    seed: u64,
    places: &[(Range<usize>, Range<usize>)],
    placed: &mut [Placed],
    piece: usize,
) {
    index.fill_in_pieces(places, placed, piece, |(range, context), cursor| {
        Placed::new(text, seed, range, context, |o| cursor.line_col(text, o))
    });
}

/// What a message template's `{text}` is replaced with.
const PLACEHOLDER: &str = "{text}";

/// A message template split at its `{text}` placeholders once, each replaced by the flagged
/// text (whitespace folded, shortened past 60 chars) when a finding is rendered.
#[derive(Debug, Clone)]
pub struct Template {
    /// The text around the placeholders: one piece more than there are placeholders.
    pieces: Vec<String>,
    /// The pieces' bytes together.
    len: usize,
}

impl Template {
    pub fn new(message: &str) -> Template {
        let pieces = message.split(PLACEHOLDER).map(str::to_string).collect();
        Template {
            pieces,
            len: message.len(),
        }
    }

    pub fn render(&self, text: &str) -> String {
        // `len` counts the placeholders too: room for a short text besides.
        let mut out = String::with_capacity(self.len + text.len().min(64) + 8);
        self.render_into(&mut out, text);
        out
    }

    /// [`Template::render`] appended to `out`.
    pub fn render_into(&self, out: &mut String, text: &str) {
        out.push_str(&self.pieces[0]);
        // Where the first rendering of the text stands in `out`, to copy for any later `{text}`.
        let mut short: Option<Range<usize>> = None;
        for piece in &self.pieces[1..] {
            match &short {
                Some(r) => out.extend_from_within(r.clone()),
                None => {
                    let start = out.len();
                    push_short(out, text);
                    short = Some(start..out.len());
                }
            }
            out.push_str(piece);
        }
    }
}

/// `text` whitespace-folded, cut to 57 chars and an ellipsis when over 60, appended to `out`.
fn push_short(out: &mut String, text: &str) {
    let start = out.len();
    crate::diagnostic::push_normalised_ws(out, text);
    let short = &out[start..];
    // Byte length bounds the char count: most texts are short and ASCII, and skip counting.
    if short.len() > 60 && short.chars().count() > 60 {
        let cut = short.char_indices().nth(57).map_or(short.len(), |(i, _)| i);
        out.truncate(start + cut);
        out.push('…');
    }
}

/// A compiled rule.
pub trait Rule: Send + Sync {
    fn meta(&self) -> &RuleMeta;
    /// Findings in one file.
    fn check_file(&self, ctx: &FileContext) -> Vec<Diagnostic>;
    /// Whether the rule needs every file's claims (corpus-wide rules such as conflicts).
    fn wants_claims(&self) -> bool {
        false
    }
    /// Findings across the corpus, from the comparable claims of every file.
    fn check_corpus(&self, _claims: &crate::claim_index::ClaimIndex) -> Vec<Diagnostic> {
        Vec::new()
    }
}

/// A kind's constructor: from a rule spec to a compiled rule, or an error at a span of the file.
pub type KindBuilder = fn(&RuleSpec, RuleMeta) -> Result<Box<dyn Rule>, loader::SpecError>;

/// The registry of rule kinds: the engine's extension points.
pub const KINDS: &[(&str, KindBuilder)] = &[
    ("requires-citation", requires_citation::build),
    ("pattern", pattern::build),
    ("conflicting-figure", conflicting_figure::build),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Each embedded rule's findings at `places` of `text` (a Markdown file), made together,
    /// against the oracle's, made one at a time.
    fn assert_findings_as_by_parts(text: &str, places: &[(Range<usize>, Range<usize>)]) {
        let rules = loader::load(&[]).expect("embedded rules load");
        let file = SourceFile {
            path: "d/a \"b\".md".into(),
            text: text.into(),
            kind: crate::source::DocKind::Markdown,
        };
        let (doc, analysis) = crate::lint::analyze(&file, &rules);
        let index = LineIndex::new(&file.text);
        let ctx = FileContext {
            file: &file,
            doc: &doc,
            analysis: &analysis,
            index: &index,
            path: file.path.as_str().into(),
        };
        for rule in &rules.rules {
            let meta = rule.meta();
            let seed = meta.fingerprint_seed(&ctx);
            let slow: Vec<Diagnostic> = places
                .iter()
                .map(|(r, c)| meta.diagnostic_by_parts(&ctx, seed, r.clone(), c.clone()))
                .collect();
            let mut fast = vec![slow[0].clone()];
            meta.diagnostics_seeded(&ctx, seed, places, &mut fast);
            assert_eq!(&fast[1..], &slow[..], "{text:?} {places:?}");
            for ((r, c), d) in places.iter().zip(&slow) {
                assert_eq!(&meta.diagnostic_seeded(&ctx, seed, r.clone(), c.clone()), d);
            }
        }
    }

    #[test]
    fn findings_made_together_equal_findings_made_one_by_one() {
        let long = format!("{} {}", "x".repeat(56), "yyyy é");
        let texts = [
            "12,000 were held.",
            "One\ntwo 3,000\r\nthree  \t 4 per cent\rfour",
            "é ü 1,000 “quoted” \u{1f600} 2 million\n",
            long.as_str(),
            "\"q\" \\ {text} 5",
        ];
        for text in texts {
            let bounds: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            let (first, last) = (bounds[0], bounds[bounds.len() - 1]);
            let mid = bounds[bounds.len() / 2];
            let places = [
                (first..last, first..last),
                (first..first, first..last),
                (mid..last, first..mid),
                (first..mid, mid..mid),
                (last..last, first..last),
                (first..last, first..last),
                (mid..mid, mid..last),
            ];
            assert_findings_as_by_parts(text, &places);
        }
    }

    proptest::proptest! {
        #[test]
        fn findings_made_together_equal_findings_made_one_by_one_on_any_text(
            text in "([a-z0-9,. ]|\n|\r\n|\r|  |é|\u{2028}|\u{1f600}|\\\"){1,60}",
            cuts in proptest::collection::vec((0usize..200, 0usize..200, 0usize..200, 0usize..200), 1..6),
        ) {
            assert_findings_as_by_parts(&text, &places_at(&text, &cuts));
        }
    }

    /// Places in `text` from the cuts, as char boundaries (flagged range, context).
    fn places_at(
        text: &str,
        cuts: &[(usize, usize, usize, usize)],
    ) -> Vec<(Range<usize>, Range<usize>)> {
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let at = |k: usize| bounds[k % bounds.len()];
        cuts.iter()
            .map(|&(a, b, c, d)| {
                let (a, b, c, d) = (at(a), at(b), at(c), at(d));
                (a.min(b)..a.max(b), c.min(d)..c.max(d))
            })
            .collect()
    }

    /// Places placed in pieces of every size on the pool against placed in order with the
    /// index itself: same fingerprints and positions, in the same order.
    fn assert_placed_in_pieces_as_in_order(text: &str, places: &[(Range<usize>, Range<usize>)]) {
        let index = LineIndex::new(text);
        let seed = 0x1234_5678_9abc_def0;
        let want: Vec<Placed> = places
            .iter()
            .map(|(r, c)| Placed::new(text, seed, r, c, |o| index.line_col(text, o)))
            .collect();
        for piece in 1..=places.len().max(1) + 1 {
            let mut placed = vec![Placed::default(); places.len()];
            place_in_parallel(text, &index, seed, places, &mut placed, piece);
            assert_eq!(placed, want, "{text:?} {places:?} in pieces of {piece}");
        }
    }

    #[test]
    fn findings_placed_in_pieces_equal_findings_placed_in_order() {
        let text = "a\r\nbé 12\r3,000 ü\n\nx \u{1f600} 4 per cent\n".repeat(3);
        let n = text.len();
        let cuts: Vec<(usize, usize, usize, usize)> = (0..40)
            .map(|k| (k * 7 % (n + 1), k * 11 % (n + 1), k * 3, k * 13 + 5))
            .collect();
        assert_placed_in_pieces_as_in_order(&text, &places_at(&text, &cuts));
        assert_placed_in_pieces_as_in_order("", &places_at("", &[(0, 0, 0, 0)]));
        assert_placed_in_pieces_as_in_order(&text, &[]);
    }

    proptest::proptest! {
        #[test]
        fn findings_placed_in_any_pieces_equal_findings_placed_in_order(
            text in "([a-z0-9,. ]|\n|\r\n|\r|  |é|\u{2028}|\u{1f600}){0,60}",
            cuts in proptest::collection::vec((0usize..200, 0usize..200, 0usize..200, 0usize..200), 0..12),
        ) {
            assert_placed_in_pieces_as_in_order(&text, &places_at(&text, &cuts));
        }
    }

    /// Over the size at which a file's findings are placed on the pool, and with more places
    /// than a block: the findings equal those made one at a time, in order.
    #[test]
    fn findings_of_a_large_file_equal_findings_made_one_by_one() {
        let para = "In 1990 some 12,000 were held; “a quote” é 4 per cent\r\n\u{1f600} 7 more.\n";
        let text = para.repeat(crate::extract::PARALLEL_MIN_BYTES / para.len() + 1);
        let n = text.len();
        let cuts: Vec<(usize, usize, usize, usize)> = (0..PLACE_BLOCK + PLACE_PIECE + 3)
            .map(|k| {
                let a = k * (n / (PLACE_BLOCK + PLACE_PIECE + 3));
                (a, a + k % 90, a.saturating_sub(k % 150), a + k % 170)
            })
            .collect();
        assert_findings_as_by_parts(&text, &places_at(&text, &cuts));
    }

    #[test]
    fn messages_fold_whitespace_and_cut_long_texts_at_57_chars() {
        let meta = meta_with("figure `{text}` here");
        let sixty = "a".repeat(60);
        let cases = [
            ("12,000", "12,000".to_string()),
            ("  1.2\n  million ", "1.2 million".to_string()),
            (sixty.as_str(), sixty.clone()),
            (&format!("{sixty}b"), format!("{}…", "a".repeat(57))),
            // 60 chars of two bytes each: over 60 bytes, not over 60 chars.
            (&"é".repeat(60), "é".repeat(60)),
            (&"é".repeat(61), format!("{}…", "é".repeat(57))),
            (
                &format!("{} {}", "x".repeat(56), "yyyy"),
                format!("{} …", "x".repeat(56)),
            ),
        ];
        for (text, short) in cases {
            assert_eq!(
                meta.render_message(text),
                format!("figure `{short}` here"),
                "{text:?}"
            );
        }
    }

    fn meta_with(message: &str) -> RuleMeta {
        RuleMeta {
            id: "r".into(),
            kind: "pattern".into(),
            severity: Severity::Warning,
            summary: String::new(),
            message: message.into(),
            template: Template::new(message),
            label: None,
            help: None,
            notes: Vec::new().into(),
            explain: Explain::default(),
            params: Vec::new(),
            origin: String::new(),
        }
    }

    #[test]
    fn rendering_in_one_pass_equals_replacing() {
        let templates = [
            "",
            "plain",
            "{text}",
            "{text}{text}",
            "a {text} b {text} c",
            "{tex} {{text}} {text",
            "é{text}ü",
            "{",
        ];
        let long = format!("{} {}", "x".repeat(56), "yyyy");
        let texts = [
            "",
            " ",
            "12,000",
            "  1.2\n million ",
            long.as_str(),
            "{text}",
        ];
        for template in templates {
            let meta = meta_with(template);
            for text in texts {
                assert_eq!(
                    meta.render_message(text),
                    meta.render_message_by_replace(text),
                    "{template:?} {text:?}"
                );
                assert_eq!(
                    Template::new(template).render(text),
                    meta.render_message_by_replace(text),
                    "{template:?} {text:?}"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn rendering_in_one_pass_equals_replacing_on_any_text(
            template in "([a-z{}` ]|\\{text\\}){0,12}",
            text in "(\\PC|\\s){0,80}",
        ) {
            let meta = meta_with(&template);
            proptest::prop_assert_eq!(
                meta.render_message(&text),
                meta.render_message_by_replace(&text)
            );
            proptest::prop_assert_eq!(
                Template::new(&template).render(&text),
                meta.render_message_by_replace(&text)
            );
        }
    }
}

//! Parsing: a file's text into a document model of blocks with byte spans.
//!
//! Only structure is decided here (what is a paragraph, a heading, a block quote, code); what the
//! prose says is the extractors' job.

pub mod markdown;
pub mod plain;

use std::ops::Range;

use crate::source::{DocKind, SourceFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockKind {
    Paragraph,
    Heading,
    ListItem,
    /// A Markdown footnote definition: reference text, not prose.
    FootnoteDefinition,
    TableCell,
}

/// A run of prose: the unit the segmenter splits into sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub range: Range<usize>,
    pub kind: BlockKind,
    /// Nesting depth of Markdown block quotes around this block (0 outside any).
    pub quote_depth: u16,
    /// Blocks sharing a group belong to one paragraph-level unit: a blank-line separated group of
    /// lines in plain text, the top-level block (block quote, list, paragraph) in Markdown.
    pub group: usize,
}

/// A span the markup itself marks as a citation (Markdown links and footnote references).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkupCitation {
    pub range: Range<usize>,
    pub kind: MarkupCitationKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkupCitationKind {
    Link,
    FootnoteReference,
}

/// An HTML comment, kept for suppression directives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub range: Range<usize>,
    /// The comment body without `<!--` and `-->`, trimmed.
    pub body: String,
}

/// Excluded spans (code blocks) are searched from this far before a range, so that a long code
/// block that starts earlier is still seen; nothing excluded is longer in practice, and a longer
/// one only means a figure in it might be reported.
const MAX_EXCLUDED_LOOKBACK: usize = 1 << 20;

#[derive(Debug, Clone, Default)]
pub struct Document {
    pub blocks: Vec<Block>,
    pub markup_citations: Vec<MarkupCitation>,
    /// Spans that are not prose and must not yield findings: code, raw HTML.
    pub excluded: ExcludedSpans,
    pub comments: Vec<Comment>,
}

impl Document {
    /// Whether `range` touches code or raw HTML.
    pub fn is_excluded(&self, range: &Range<usize>) -> bool {
        self.excluded.touches(range)
    }
}

/// Code and raw HTML spans, sorted by start once all are in ([`ExcludedSpans::seal`]), with the
/// furthest end reached by each prefix. A large file has tens of thousands (every inline code
/// span), and every figure asks: scanning the spans of the megabyte before it cost a third of a
/// large file's figure pass.
#[derive(Debug, Clone, Default)]
pub struct ExcludedSpans {
    spans: Vec<Range<usize>>,
    /// `reach[i]`: the largest end among `spans[..=i]`; empty until sealed.
    reach: Vec<usize>,
    /// Whether a span is at least [`MAX_EXCLUDED_LOOKBACK`] long: the prefix reach may then
    /// see one that the lookback would not, so such documents take the scan.
    has_long: bool,
}

impl ExcludedSpans {
    pub fn push(&mut self, range: Range<usize>) {
        self.spans.push(range);
        self.reach.clear();
    }

    pub fn extend(&mut self, ranges: impl IntoIterator<Item = Range<usize>>) {
        self.spans.extend(ranges);
        self.reach.clear();
    }

    /// Sort the spans and index them; after more are added, seal again.
    pub fn seal(&mut self) {
        self.spans.sort_by_key(|r| (r.start, r.end));
        let mut furthest = 0;
        self.reach = self
            .spans
            .iter()
            .map(|r| {
                furthest = furthest.max(r.end);
                furthest
            })
            .collect();
        self.has_long = self
            .spans
            .iter()
            .any(|r| r.end.saturating_sub(r.start) >= MAX_EXCLUDED_LOOKBACK);
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Range<usize>> {
        self.spans.iter()
    }

    /// Whether `range` overlaps a span starting less than `MAX_EXCLUDED_LOOKBACK` (1 MB) before it.
    pub fn touches(&self, range: &Range<usize>) -> bool {
        if self.spans.is_empty() {
            return false;
        }
        if self.has_long || self.reach.len() != self.spans.len() {
            return self.touches_by_scan(range);
        }
        // Spans starting before the range ends; one of them reaches into it exactly when the
        // furthest end among them does. With no span as long as the lookback, a span reaching
        // into the range also starts within the lookback, so the answer is the scan's.
        let before_end = self.spans.partition_point(|e| e.start < range.end);
        before_end > 0 && self.reach[before_end - 1] > range.start
    }

    /// The spans from the lookback on, one by one: for unsealed or unusual documents, and the
    /// meaning the indexed answer must keep.
    fn touches_by_scan(&self, range: &Range<usize>) -> bool {
        let from = self
            .spans
            .partition_point(|e| e.start + MAX_EXCLUDED_LOOKBACK <= range.start);
        self.spans[from..]
            .iter()
            .take_while(|e| e.start < range.end)
            .any(|e| range.start < e.end)
    }
}

pub fn parse(file: &SourceFile) -> Document {
    match file.kind {
        DocKind::Markdown => markdown::parse(&file.text),
        DocKind::Plain => plain::parse(&file.text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed(spans: &[Range<usize>]) -> ExcludedSpans {
        let mut e = ExcludedSpans::default();
        e.extend(spans.iter().cloned());
        e.seal();
        e
    }

    #[test]
    fn excluded_spans_touch_what_they_overlap() {
        const L: usize = MAX_EXCLUDED_LOOKBACK;
        // (spans as (start, end), query, touched)
        type Case = (&'static [(usize, usize)], (usize, usize), bool);
        let cases: &[Case] = &[
            (&[], (0, 5), false),
            (&[(10, 20)], (0, 10), false),
            (&[(10, 20)], (20, 30), false),
            (&[(10, 20)], (19, 30), true),
            (&[(10, 20)], (0, 11), true),
            (&[(10, 20)], (12, 14), true),
            (&[(10, 20)], (15, 15), true),
            // A long span covering a later short one: the reach carries past the short one.
            (&[(10, 500), (20, 30)], (100, 110), true),
            (&[(10, 500), (20, 30)], (500, 510), false),
            // Nested and unsorted on input.
            (&[(50, 60), (0, 100), (70, 80)], (90, 95), true),
            // Longer than the lookback: starting too far back, it is not seen (the scan's
            // meaning, which the index keeps).
            (&[(0, 3 * L)], (2 * L, 2 * L + 5), false),
            (&[(0, 3 * L), (2 * L, 2 * L + 1)], (2 * L, 2 * L + 5), true),
            (&[(L, 3 * L)], (L + 10, L + 20), true),
        ];
        for &(spans, (start, end), touched) in cases {
            let spans: Vec<Range<usize>> = spans.iter().map(|&(s, e)| s..e).collect();
            let query = &(start..end);
            let e = sealed(&spans);
            assert_eq!(e.touches(query), touched, "{spans:?} {query:?}");
            assert_eq!(e.touches_by_scan(query), touched, "{spans:?} {query:?}");
        }
    }

    #[test]
    fn unsealed_spans_are_scanned_and_sealing_again_indexes_the_new_ones() {
        let mut e = sealed(&[10..20, 12..14]);
        e.push(30..40);
        assert!(e.touches(&(35..36)));
        e.seal();
        assert!(e.touches(&(35..36)));
        assert!(!e.touches(&(25..28)));
    }

    proptest::proptest! {
        #[test]
        fn indexed_touches_are_the_scans(
            spans in proptest::collection::vec((0usize..3_000_000, 0usize..1_500_000), 0..40),
            queries in proptest::collection::vec((0usize..4_000_000, 0usize..2_000), 1..40),
            short in proptest::bool::ANY,
        ) {
            // Short spans only (the indexed path) or any length (the scan for long ones too).
            let cap = if short { 5_000 } else { usize::MAX };
            let spans: Vec<Range<usize>> =
                spans.iter().map(|&(s, len)| s..s + len.min(cap)).collect();
            let e = sealed(&spans);
            for (start, len) in queries {
                let q = start..start + len;
                proptest::prop_assert_eq!(e.touches(&q), e.touches_by_scan(&q), "{:?}", q);
            }
        }
    }
}

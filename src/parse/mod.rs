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
    pub excluded: Vec<Range<usize>>,
    pub comments: Vec<Comment>,
}

impl Document {
    /// Whether `range` touches code or raw HTML. `excluded` is sorted by start; spans that end
    /// before `range` starts are skipped by binary search.
    pub fn is_excluded(&self, range: &Range<usize>) -> bool {
        if self.excluded.is_empty() {
            return false;
        }
        let from = self
            .excluded
            .partition_point(|e| e.start + MAX_EXCLUDED_LOOKBACK <= range.start);
        self.excluded[from..]
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

//! Extraction: from a parsed document to sentences, figures, citations, quotations and
//! attributions, and which source (if any) applies to each figure and quotation.

pub mod attributions;
pub mod citations;
pub mod lexicon_regex;
pub mod numbers;
pub mod quotations;

use std::ops::Range;

use crate::parse::{BlockKind, Document, MarkupCitationKind};
use crate::segment::Segmenter;
use crate::source::SourceFile;

use attributions::{Attribution, AttributionFinder};
use citations::{Citation, CitationKind, CitationMatcher};
use numbers::{NumberMatch, Recognizer};
use quotations::{Quotation, QuotationFinder, QuoteKind};

/// An ASCII word byte (`[0-9A-Za-z_]`), as `(?-u:\b)` reads them; branch-free, so that scans
/// over many bytes vectorise.
pub(crate) const fn is_word_byte(b: u8) -> bool {
    (b.wrapping_sub(b'0') < 10) | ((b | 0x20).wrapping_sub(b'a') < 26) | (b == b'_')
}

/// All compiled extractors, built once from the resolved lexicons and shared across threads.
pub struct Extractors {
    pub segmenter: Segmenter,
    pub numbers: Recognizer,
    pub citations: CitationMatcher,
    pub quotations: QuotationFinder,
    pub attributions: AttributionFinder,
}

/// An index into one of the analysis's lists (or an offset into the file), or none: an
/// `Option<u32>` in four bytes (`Option<usize>` takes sixteen). A large file has hundreds of
/// thousands of sentences, each holding two; no list or offset outgrows a `u32`, as files stay
/// below 4 GiB.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct OptIdx(u32);

impl OptIdx {
    pub const NONE: OptIdx = OptIdx(u32::MAX);

    pub fn some(i: usize) -> OptIdx {
        match u32::try_from(i) {
            Ok(i) if i != u32::MAX => OptIdx(i),
            _ => panic!("index {i} does not fit an OptIdx"),
        }
    }

    pub fn get(self) -> Option<usize> {
        (self != OptIdx::NONE).then_some(self.0 as usize)
    }

    pub fn is_some(self) -> bool {
        self != OptIdx::NONE
    }

    pub fn is_none(self) -> bool {
        self == OptIdx::NONE
    }

    /// Set to `i` unless already set (`Option::get_or_insert`).
    fn set_if_none(&mut self, i: usize) {
        if self.is_none() {
            *self = OptIdx::some(i);
        }
    }
}

impl From<Option<usize>> for OptIdx {
    fn from(i: Option<usize>) -> OptIdx {
        i.map_or(OptIdx::NONE, OptIdx::some)
    }
}

impl std::fmt::Debug for OptIdx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.get(), f)
    }
}

#[derive(Debug, Clone)]
pub struct Sentence {
    pub range: Range<usize>,
    pub block: usize,
    /// The sentence is itself reference text (a glued footnote, a bibliography entry).
    pub is_reference: bool,
    /// A citation in or closing this sentence (index into `citations`).
    pub citation: OptIdx,
    /// An attribution in this sentence (index into `attributions`).
    pub attribution: OptIdx,
}

#[derive(Debug, Clone)]
pub struct Figure {
    pub m: NumberMatch,
    pub sentence: usize,
    /// The quotation this figure stands in, if any.
    pub quotation: OptIdx,
}

#[derive(Debug, Clone)]
pub struct QuotationInfo {
    pub q: Quotation,
    /// First and last sentence the quotation overlaps.
    pub sentences: Range<usize>,
    /// A citation that covers the quotation as a whole (block quotes and excerpts).
    pub block_citation: OptIdx,
    /// The sentence before the quotation introduces it (ends with a colon).
    pub introduced: bool,
}

/// How a document attaches its citations to its text, as detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Convention {
    /// A citation covers the sentence it is in or closes.
    Sentence,
    /// A citation closing a paragraph covers the paragraph.
    Paragraph,
    /// Each excerpt block is closed by a bibliographic line that covers it.
    Excerpt,
}

/// Where a source for a span comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceStatus {
    Cited(usize),
    Attributed(usize),
    None,
}

/// How far a citation reaches: a rule parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Only the sentence the citation is in or closes.
    Sentence,
    /// Also the paragraph or excerpt block a closing citation ends, whatever the document does.
    Paragraph,
    /// The sentence, plus the paragraph or block where that is how the document cites.
    Auto,
}

#[derive(Debug, Clone)]
pub struct Analysis {
    pub sentences: Vec<Sentence>,
    pub citations: Vec<Citation>,
    pub figures: Vec<Figure>,
    pub quotations: Vec<QuotationInfo>,
    pub attributions: Vec<Attribution>,
    /// Per block: a citation covering the block as part of a paragraph or excerpt.
    pub block_citation: Vec<OptIdx>,
    /// Per block: the citation that closes its paragraph, whatever the convention.
    pub paragraph_citation: Vec<OptIdx>,
    pub convention: Convention,
    pub blocks: Vec<crate::parse::Block>,
}

/// Files at least this large are analysed on every core (see `Extractors::analyze`, and claim
/// keys in `claims`); below, handing out the pieces costs more than it saves.
pub const PARALLEL_MIN_BYTES: usize = 1 << 20;

/// What one block yields before the blocks are put together (indices are the block's own).
/// Scanned one block at a time on one thread, a single one is refilled for every block, so
/// that its buffers are allocated once, not once per block.
#[derive(Default)]
struct BlockScan {
    citations: Vec<Citation>,
    is_bibline: bool,
    /// Sentence spans.
    sentences: Vec<Range<usize>>,
    /// Every sentence is reference text (a note, a bibliographic line).
    all_reference: bool,
    /// Otherwise the sentences that are, by index, ascending. Most blocks have none, and an
    /// empty list costs no allocation where a flag per sentence cost a copy of the spans.
    references: Vec<usize>,
    /// (index among the block's prose sentences, attribution).
    attributions: Vec<(usize, Attribution)>,
    quotations: Vec<Quotation>,
}

/// `f` over `items`, each result handed to `consume` in item order; on the rayon pool when
/// `parallel`, a stretch of items at a time so that only two stretches of results wait.
/// `consume` takes one stretch on this thread while the pool computes the next: run one after
/// the other, the cores sat idle while the results were put together (a fifth of a large
/// file's analysis). `consume` stays on the calling thread because what it builds is the
/// file's analysis: built on a pool thread, it was freed into that thread's heap arena, which
/// kept ~30 MB resident to the end of a 1 GB run.
fn for_each_in_order<T: Sync, U: Send>(
    items: &[T],
    parallel: bool,
    f: impl Fn(&T) -> U + Sync + Send,
    mut consume: impl FnMut(U),
) {
    if !runs_in_parallel(parallel) {
        items.iter().map(f).for_each(consume);
        return;
    }
    use rayon::prelude::*;
    // Pieces of a few hundred items: enough work each to outweigh the hand-off.
    let compute =
        |stretch: &[T]| -> Vec<U> { stretch.par_iter().with_min_len(256).map(&f).collect() };
    let mut stretches = items.chunks(STRETCH);
    let mut ready = stretches.next().map(compute).unwrap_or_default();
    rayon::in_place_scope(|scope| {
        for stretch in stretches {
            let (send, next) = std::sync::mpsc::sync_channel(1);
            let compute = &compute;
            scope.spawn(move |_| {
                // The receiver outlives the job unless this thread is unwinding.
                let _ = send.send(compute(stretch));
            });
            std::mem::take(&mut ready)
                .into_iter()
                .for_each(&mut consume);
            // A panic in `compute` drops the sender: the scope re-raises it after this one.
            ready = next.recv().expect("a stretch's results or its job's panic");
        }
    });
    ready.into_iter().for_each(&mut consume);
}

/// Whether [`for_each_in_order`] hands the items to the pool: asked to, and not from a pool
/// thread, where waiting for a job of the same pool could wait forever.
fn runs_in_parallel(parallel: bool) -> bool {
    parallel && rayon::current_thread_index().is_none()
}

/// Items per stretch of [`for_each_in_order`].
const STRETCH: usize = 1 << 13;

/// Room at once for what the rest of a large file will add to `out`, judged from the first
/// `done` of `total` items, plus an eighth. Grown by doubling instead, the lists of a large
/// file were copied at every step, old and new copies held at once. Room reserved but never
/// written holds no memory; where the guess is more than the allocator will give (a file
/// whose first stretch is unlike the rest), the list grows as before.
fn room_for_the_rest<T>(out: &mut Vec<T>, done: usize, total: usize) {
    if done == 0 || done >= total {
        return;
    }
    let expected = usize::try_from(out.len() as u128 * total as u128 / done as u128);
    let wanted = expected.map_or(usize::MAX, |e| e.saturating_add(e / 8));
    let _ = out.try_reserve_exact(wanted.saturating_sub(out.len()));
}

impl Extractors {
    /// The analysis of a parsed document. The document's blocks move to the analysis, where
    /// rules read them, and its markup citations are dropped (they are among the analysis's
    /// citations now): a large file has hundreds of thousands of each, not worth a copy.
    pub fn analyze(&self, file: &SourceFile, doc: &mut Document) -> Analysis {
        // A large file is scanned in pieces on every core; the pieces are pure functions of
        // their block or sentence and are put together in order, so the result is the same.
        self.analyze_with(file, doc, file.text.len() >= PARALLEL_MIN_BYTES)
    }

    fn analyze_with(&self, file: &SourceFile, doc: &mut Document, parallel: bool) -> Analysis {
        let mut analysis = self.analyze_doc(file, doc, parallel);
        analysis.blocks = std::mem::take(&mut doc.blocks);
        doc.markup_citations = Vec::new();
        analysis
    }

    /// Everything but `blocks`, which the caller moves in.
    fn analyze_doc(&self, file: &SourceFile, doc: &Document, parallel: bool) -> Analysis {
        let text = file.text.as_str();
        let mut citations: Vec<Citation> = Vec::new();
        let mut sentences: Vec<Sentence> = Vec::new();
        let mut attributions = Vec::new();
        let mut figures = Vec::new();
        let mut quotations: Vec<QuotationInfo> = Vec::new();
        let mut block_sentences: Vec<Range<usize>> = Vec::with_capacity(doc.blocks.len());
        let mut block_is_bibline = vec![false; doc.blocks.len()];
        let mut block_cite_ranges: Vec<Range<usize>> = Vec::with_capacity(doc.blocks.len());

        // Markup citations come in document order, like blocks: the first at or after each block.
        let mut markup_from = Vec::with_capacity(doc.blocks.len());
        let mut markup_next = 0usize;
        for block in &doc.blocks {
            while markup_next < doc.markup_citations.len()
                && doc.markup_citations[markup_next].range.start < block.range.start
            {
                markup_next += 1;
            }
            markup_from.push(markup_next);
        }
        let blocks: Vec<(&crate::parse::Block, usize)> =
            doc.blocks.iter().zip(markup_from).collect();
        let mut b = 0usize;
        let mut prose: Vec<usize> = Vec::new();
        let mut consume = |scan: &mut BlockScan| {
            let first_sentence = sentences.len();
            block_is_bibline[b] = scan.is_bibline;
            let first_citation = citations.len();
            citations.append(&mut scan.citations);
            let block_cites = first_citation..citations.len();
            block_cite_ranges.push(block_cites.clone());

            let sentence = |range: &Range<usize>, is_reference: bool| Sentence {
                range: range.clone(),
                block: b,
                is_reference,
                citation: OptIdx::NONE,
                attribution: OptIdx::NONE,
            };
            if scan.all_reference || scan.references.is_empty() {
                // Every sentence alike (most blocks): no list to walk alongside.
                let is_reference = scan.all_reference;
                sentences.extend(scan.sentences.iter().map(|r| sentence(r, is_reference)));
            } else {
                let mut references = scan.references.iter().copied().peekable();
                sentences.extend(
                    scan.sentences
                        .iter()
                        .enumerate()
                        .map(|(i, r)| sentence(r, references.next_if_eq(&i).is_some())),
                );
            }
            let block_sents = first_sentence..sentences.len();
            block_sentences.push(block_sents.clone());

            // 3. Which sentence each citation covers.
            for ci in block_cites.clone() {
                let c = &citations[ci];
                // The block's sentences are in order: the first ending after the citation's start.
                let si = block_sents.start
                    + sentences[block_sents.clone()]
                        .partition_point(|s| s.range.end <= c.range.start);
                if si >= block_sents.end {
                    continue;
                }
                let s = &sentences[si];
                let lead = &text[s.range.start..c.range.start.max(s.range.start)];
                let at_start = blank_or_bullets(lead);
                let mut first_covered = si;
                if at_start && si > block_sents.start {
                    // A reference opening a sentence closes the one before it, and covers the
                    // sentence it opens only where it is that whole sentence.
                    sentences[si - 1].citation.set_if_none(ci);
                    if c.range.end < sentences[si].range.end {
                        first_covered = si + 1;
                    }
                }
                for s in &mut sentences[first_covered..block_sents.end] {
                    if s.range.start >= c.range.end {
                        break;
                    }
                    s.citation.set_if_none(ci);
                }
            }

            // 4. Attributions, assigned to their sentences (`k` counts the block's prose ones).
            // Most blocks have none: the list of prose sentences is built only for those that
            // do, in a buffer kept from block to block.
            if !scan.attributions.is_empty() {
                prose.clear();
                prose.extend(
                    block_sents
                        .clone()
                        .filter(|&si| !sentences[si].is_reference),
                );
            }
            for (k, attribution) in scan.attributions.drain(..) {
                let si = prose[k];
                if sentences[si].attribution.is_none() {
                    sentences[si].attribution = OptIdx::some(attributions.len());
                    attributions.push(attribution);
                }
            }

            // 5. Inline quotations, outside citations and excluded markup.
            for q in scan.quotations.drain(..) {
                let inside_citation =
                    citation_around(&citations[block_cites.clone()], &q.range).is_some();
                if inside_citation || doc.is_excluded(&q.range) {
                    continue;
                }
                let sents = sentences_overlapping(&sentences, block_sents.clone(), &q.range);
                quotations.push(QuotationInfo {
                    q,
                    sentences: sents,
                    block_citation: OptIdx::NONE,
                    introduced: false,
                });
            }
            b += 1;
            if b == STRETCH {
                room_for_the_rest(&mut sentences, b, doc.blocks.len());
                room_for_the_rest(&mut citations, b, doc.blocks.len());
            }
        };
        if runs_in_parallel(parallel) {
            let scan = |&(block, markup_from): &(&crate::parse::Block, usize)| {
                let mut scan = BlockScan::default();
                self.scan_block(text, doc, block, markup_from, &mut scan);
                scan
            };
            for_each_in_order(&blocks, parallel, scan, |mut scan| consume(&mut scan));
        } else {
            let mut scan = BlockScan::default();
            for &(block, markup_from) in &blocks {
                self.scan_block(text, doc, block, markup_from, &mut scan);
                consume(&mut scan);
            }
        }

        // 6. Reproduced findings: runs of "That …" sentences.
        self.find_clause_runs(text, &sentences, &mut quotations);

        // 7. Conventions: excerpt blocks closed by bibliographic lines, paragraph-final citations.
        let (convention, block_citation, paragraph_citation) = detect_convention(
            doc,
            &sentences,
            &block_sentences,
            &citations,
            &block_is_bibline,
        );
        if convention == Convention::Excerpt {
            add_excerpts(
                text,
                doc,
                &block_is_bibline,
                &block_citation,
                &mut quotations,
            );
        }
        add_block_quotes(
            text,
            doc,
            &block_sentences,
            &sentences,
            &citations,
            &block_is_bibline,
            &mut quotations,
        );
        quotations.sort_by_key(|q| (q.q.range.start, std::cmp::Reverse(q.q.range.end)));

        // 8. Figures, sentence by sentence, outside citations, code and reference text.
        // Quotations are sorted by start and figures arrive in text order: a sweep keeps the
        // quotations open at the current figure, so the lookup stays linear.
        let cites_of = |s: &Sentence| &citations[block_cite_ranges[s.block].clone()];
        let mut next_quote = 0usize;
        let mut open_quotes: Vec<usize> = Vec::new();
        let mut si = 0usize;
        let mut consume = |found: std::vec::Drain<'_, NumberMatch>| {
            // Dropped here, not by a `retain` per sentence: the same figures, one pass.
            let cites = if found.len() == 0 {
                &[][..]
            } else {
                cites_of(&sentences[si])
            };
            for m in found {
                if citation_around(cites, &m.value_span()).is_some() || doc.is_excluded(&m.span) {
                    continue;
                }
                while next_quote < quotations.len()
                    && quotations[next_quote].q.range.start <= m.span.start
                {
                    open_quotes.push(next_quote);
                    next_quote += 1;
                }
                open_quotes.retain(|&q| quotations[q].q.range.end > m.span.start);
                let quotation = open_quotes
                    .iter()
                    .copied()
                    .find(|&q| m.span.end <= quotations[q].q.range.end);
                figures.push(Figure {
                    m,
                    sentence: si,
                    quotation: quotation.into(),
                });
            }
            si += 1;
            if si == STRETCH {
                room_for_the_rest(&mut figures, si, sentences.len());
            }
        };
        // Candidates inside some citations are not read: their figures are dropped above.
        if runs_in_parallel(parallel) {
            let figures_of = |s: &Sentence| {
                if s.is_reference {
                    return Vec::new();
                }
                self.numbers
                    .find_skipping(text, s.range.clone(), cites_of(s), |c| &c.range)
            };
            for_each_in_order(&sentences, true, figures_of, |mut found| {
                consume(found.drain(..))
            });
        } else {
            // One buffer for every sentence: no vector allocated per sentence with figures.
            let mut found = Vec::new();
            for s in &sentences {
                if s.is_reference {
                    found.clear();
                } else {
                    self.numbers.find_skipping_into(
                        text,
                        s.range.clone(),
                        cites_of(s),
                        |c| &c.range,
                        &mut found,
                    );
                }
                consume(found.drain(..));
            }
        }

        Analysis {
            sentences,
            citations,
            figures,
            quotations,
            attributions,
            block_citation,
            paragraph_citation,
            convention,
            blocks: Vec::new(),
        }
    }

    /// Steps 1 and 2 for one block: its citations (sorted, nested ones dropped) and its
    /// sentences into `scan`, whether the block is one bibliographic line, and the strong
    /// anchors found on the way.
    fn citations_and_sentences(
        &self,
        text: &str,
        doc: &Document,
        block: &crate::parse::Block,
        markup_from: usize,
        scan: &mut BlockScan,
    ) -> (bool, citations::BlockAnchors) {
        // 1. Citations, from the text and from the markup.
        let (mut found, anchors) = if block.kind == BlockKind::FootnoteDefinition {
            let note = Citation {
                range: block.range.clone(),
                kind: CitationKind::BibliographicLine,
                resumes_at: OptIdx::NONE,
            };
            (vec![note], citations::BlockAnchors::Unknown)
        } else {
            // The strong anchors found here answer each sentence's anchor search below.
            self.citations.find_with_anchors(text, block.range.clone())
        };
        // The block's markup citations: room for them at once, not grown one by one (a
        // paragraph of links holds many).
        let markup = &doc.markup_citations[markup_from..];
        let markup = &markup[..markup
            .iter()
            .position(|mc| mc.range.start >= block.range.end)
            .unwrap_or(markup.len())];
        found.reserve(markup.len());
        for mc in markup {
            if mc.range.end <= block.range.end {
                found.push(Citation {
                    range: mc.range.clone(),
                    kind: match mc.kind {
                        MarkupCitationKind::Link => CitationKind::Link,
                        MarkupCitationKind::FootnoteReference => CitationKind::FootnoteReference,
                    },
                    resumes_at: OptIdx::NONE,
                });
            }
        }
        found.sort_by_key(|c| (c.range.start, std::cmp::Reverse(c.range.end)));
        found.dedup_by(|a, b| a.range.start < b.range.end && a.range.start >= b.range.start);
        let is_bibline = found
            .iter()
            .any(|c| c.kind == CitationKind::BibliographicLine && c.range == block.range);

        // 2. Sentences, cut again where prose resumes right after a glued reference.
        scan.sentences.clear();
        self.segmenter
            .split_into(text, block.range.clone(), &mut scan.sentences);
        if found.iter().any(|c| c.resumes_at.is_some()) {
            let cuts: Vec<usize> = found.iter().filter_map(|c| c.resumes_at.get()).collect();
            scan.sentences = cut_at(text, std::mem::take(&mut scan.sentences), &cuts);
        }
        scan.citations = found;
        (is_bibline, anchors)
    }

    /// Steps 1, 2, 4 and 5 for one block, from the block alone, into `scan` (whatever it
    /// held before): its citations, its sentences (and which are reference text), its
    /// attributions and its raw inline quotations.
    /// `markup_from`: the first markup citation not before the block.
    fn scan_block(
        &self,
        text: &str,
        doc: &Document,
        block: &crate::parse::Block,
        markup_from: usize,
        scan: &mut BlockScan,
    ) {
        let (is_bibline, anchors) =
            self.citations_and_sentences(text, doc, block, markup_from, scan);
        let (found, spans) = (&scan.citations, &scan.sentences);
        let all_reference = is_bibline || block.kind == BlockKind::FootnoteDefinition;
        let mut references = std::mem::take(&mut scan.references);
        references.clear();
        if !all_reference {
            for (i, span) in spans.iter().enumerate() {
                if citation_around(found, span).is_some()
                    || self
                        .citations
                        .is_reference_span(text, span.clone(), &anchors)
                {
                    references.push(i);
                }
            }
        }

        // 4. Attributions, one pass over the block's prose sentences: all of them in most
        // blocks, none in a note (`find_in` finds nothing in no sentences).
        let attributions = if all_reference {
            Vec::new()
        } else if references.is_empty() {
            self.attributions.find_in(text, spans)
        } else {
            let prose: Vec<Range<usize>> = spans
                .iter()
                .enumerate()
                .filter(|(i, _)| references.binary_search(i).is_err())
                .map(|(_, span)| span.clone())
                .collect();
            self.attributions.find_in(text, &prose)
        };

        // 5. Inline quotations (not in notes or bibliographic lines).
        let quotations = if block.kind != BlockKind::FootnoteDefinition && !is_bibline {
            self.quotations.find(text, block.range.clone())
        } else {
            Vec::new()
        };
        scan.is_bibline = is_bibline;
        scan.all_reference = all_reference;
        scan.references = references;
        scan.attributions = attributions;
        scan.quotations = quotations;
    }

    fn find_clause_runs(&self, text: &str, sentences: &[Sentence], out: &mut Vec<QuotationInfo>) {
        let q = &self.quotations;
        if q.clause_starts.is_empty() {
            return;
        }
        let is_clause = |s: &Sentence| {
            !s.is_reference
                && q.clause_bytes.may_open(&text.as_bytes()[s.range.clone()])
                && opens_clause(
                    &text[s.range.clone()],
                    &q.clause_starts,
                    &q.clause_not_before,
                )
        };
        let mut i = 0;
        while i < sentences.len() {
            if !is_clause(&sentences[i]) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j + 1 < sentences.len() && is_clause(&sentences[j + 1]) {
                j += 1;
            }
            if j + 1 - i >= q.clause_run {
                out.push(QuotationInfo {
                    q: Quotation {
                        range: sentences[i].range.start..sentences[j].range.end,
                        kind: QuoteKind::Clauses,
                        closed: true,
                    },
                    sentences: i..j + 1,
                    block_citation: OptIdx::NONE,
                    introduced: false,
                });
            }
            i = j + 1;
        }
    }
}

impl Analysis {
    /// The source of a span in sentence `si`, under a citation scope.
    pub fn source_of(&self, si: usize, scope: Scope) -> SourceStatus {
        let s = &self.sentences[si];
        if let Some(c) = s.citation.get() {
            return SourceStatus::Cited(c);
        }
        let by_block = match scope {
            Scope::Sentence => None,
            Scope::Auto => self.block_citation[s.block].get(),
            Scope::Paragraph => self.block_citation[s.block]
                .get()
                .or(self.paragraph_citation[s.block].get()),
        };
        if let Some(c) = by_block {
            return SourceStatus::Cited(c);
        }
        match s.attribution.get() {
            Some(a) => SourceStatus::Attributed(a),
            None => SourceStatus::None,
        }
    }

    /// The source of a quotation: a citation covering it as a block, in any sentence it spans,
    /// or closing the sentence right after it ends.
    pub fn quotation_source(&self, qi: usize, scope: Scope) -> SourceStatus {
        let q = &self.quotations[qi];
        if let Some(c) = q.block_citation.get() {
            return SourceStatus::Cited(c);
        }
        let mut attributed = None;
        for si in q.sentences.clone() {
            match self.source_of(si, scope) {
                SourceStatus::Cited(c) => return SourceStatus::Cited(c),
                SourceStatus::Attributed(a) => attributed = attributed.or(Some(a)),
                SourceStatus::None => {}
            }
        }
        // Block quotes are often introduced by a sentence ending in a colon ("Conquest wrote:");
        // its citation or attribution is the quotation's.
        if q.q.kind != QuoteKind::Inline && q.sentences.start > 0 && q.introduced {
            let prev = q.sentences.start - 1;
            let prev_sentence = &self.sentences[prev];
            if let Some(c) = prev_sentence.citation.get() {
                return SourceStatus::Cited(c);
            }
            if attributed.is_none() {
                attributed = prev_sentence.attribution.get();
            }
        }
        match attributed {
            Some(a) => SourceStatus::Attributed(a),
            None => SourceStatus::None,
        }
    }
}

/// Whether a sentence's first word is one of `starts` and its second word is there and not one
/// of `not_before` (ASCII case aside, a trailing comma or full stop aside).
/// Out of line: the few sentences `ClauseBytes` lets through get here, and the test kept
/// the check before it from being inlined into the loop over every sentence.
#[inline(never)]
fn opens_clause(body: &str, starts: &[String], not_before: &[String]) -> bool {
    // Most sentences open with no clause word: tell that from the first word's bytes alone,
    // before the second word is looked for. A start holding whitespace is never a first word.
    let body = body.trim_start();
    let Some(start) = starts.iter().find(|c| {
        body.starts_with(c.as_str())
            && !c.is_empty()
            && body[c.len()..].starts_with(char::is_whitespace)
            && !c.contains(char::is_whitespace)
    }) else {
        return false;
    };
    let second = body[start.len()..].split_whitespace().next().unwrap_or("");
    !second.is_empty()
        && !not_before
            .iter()
            .any(|n| n.eq_ignore_ascii_case(second.trim_end_matches([',', '.'])))
}

/// Whether `lead` holds only whitespace and bullets. Most citations come after a sentence's
/// first word: its first byte, ASCII and no space, answers at once.
fn blank_or_bullets(lead: &str) -> bool {
    match lead.as_bytes().first() {
        None => true,
        // `char::is_whitespace` on ASCII.
        Some(&b) if b < 0x80 && !matches!(b, b'\t'..=b'\r' | b' ') => false,
        Some(_) => lead
            .trim_matches(|ch: char| ch.is_whitespace() || ch == '•')
            .is_empty(),
    }
}

fn sentences_overlapping(
    sentences: &[Sentence],
    within: Range<usize>,
    r: &Range<usize>,
) -> Range<usize> {
    // The sentences of a block are in order and do not overlap: those overlapping `r` are a
    // run, found by binary search (a one-paragraph file has a hundred thousand sentences).
    let of_block = &sentences[within.clone()];
    let first = of_block.partition_point(|s| s.range.end <= r.start);
    let end = of_block.partition_point(|s| s.range.start < r.end);
    if first < end {
        return within.start + first..within.start + end;
    }
    let at = of_block.partition_point(|s| s.range.end < r.start);
    let at = if at < of_block.len() {
        within.start + at
    } else {
        within.start
    };
    at..at + 1
}

/// The citation of `citations` (one block's: in order, not overlapping) that contains `span`.
fn citation_around(citations: &[Citation], span: &Range<usize>) -> Option<usize> {
    // Only the last citation starting at or before the span can contain it.
    let i = citations
        .partition_point(|c| c.range.start <= span.start)
        .checked_sub(1)?;
    (citations[i].range.end >= span.end).then_some(i)
}

/// Split sentence spans at extra boundaries (where prose resumes after a glued reference).
fn cut_at(text: &str, spans: Vec<Range<usize>>, cuts: &[usize]) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(spans.len() + cuts.len());
    // Cuts come in text order (one per glued reference, and a paragraph of flattened
    // footnotes has thousands): each span looks only at those inside it.
    let sorted = cuts.windows(2).all(|w| w[0] <= w[1]);
    for span in spans {
        let mut start = span.start;
        let inside = if sorted {
            let from = cuts.partition_point(|&c| c <= span.start);
            let to = cuts.partition_point(|&c| c < span.end);
            &cuts[from..to.max(from)]
        } else {
            cuts
        };
        for &cut in inside {
            if cut > start && cut < span.end {
                let piece = trim(text, start..cut);
                if !piece.is_empty() {
                    out.push(piece);
                }
                start = cut;
            }
        }
        let piece = trim(text, start..span.end);
        if !piece.is_empty() {
            out.push(piece);
        }
    }
    out
}

fn trim(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead == s.len() {
        return r.start..r.start;
    }
    r.start + lead..r.end - trail
}

type Conventions = (Convention, Vec<OptIdx>, Vec<OptIdx>);

/// Decide how the document cites, and which blocks a closing citation covers.
fn detect_convention(
    doc: &Document,
    sentences: &[Sentence],
    block_sentences: &[Range<usize>],
    citations: &[Citation],
    block_is_bibline: &[bool],
) -> Conventions {
    let n = doc.blocks.len();
    let mut block_citation = vec![OptIdx::NONE; n];
    let mut paragraph_citation = vec![OptIdx::NONE; n];

    // Paragraph-final citations: the last sentence of a block carries one and no other does.
    let mut final_only = 0usize;
    let mut inline = 0usize;
    for (b, sents) in block_sentences.iter().enumerate() {
        if sents.is_empty() || block_is_bibline[b] {
            continue;
        }
        let last = sents.end - 1;
        let cited_inside = sents
            .clone()
            .filter(|&s| s != last)
            .any(|s| sentences[s].citation.is_some());
        if sentences[last].citation.is_some() {
            paragraph_citation[b] = sentences[last].citation;
            if cited_inside {
                inline += 1;
            } else if sents.len() > 1 {
                final_only += 1;
            }
        } else if cited_inside {
            inline += 1;
        }
    }

    // Excerpt blocks: bibliographic lines that close a group of lines.
    let mut closing_biblines = Vec::new();
    for b in 0..n {
        let closes_group = b + 1 == n || doc.blocks[b + 1].group != doc.blocks[b].group;
        if block_is_bibline[b] && closes_group && b > 0 && !block_is_bibline[b - 1] {
            closing_biblines.push(b);
        }
    }
    if closing_biblines.len() >= 2 {
        let sorted = by_start(citations);
        // Each bibliographic line covers everything since the previous one.
        let mut prev_end = 0usize;
        for &b in &closing_biblines {
            let block = &doc.blocks[b].range;
            let ci = first_citation_within(citations, sorted, block, |c| c.range == *block).into();
            for slot in block_citation.iter_mut().take(b).skip(prev_end) {
                *slot = ci;
            }
            prev_end = b + 1;
        }
        return (Convention::Excerpt, block_citation, paragraph_citation);
    }
    if final_only >= 2 && inline == 0 {
        block_citation.clone_from(&paragraph_citation);
        return (Convention::Paragraph, block_citation, paragraph_citation);
    }
    (Convention::Sentence, block_citation, paragraph_citation)
}

/// The first citation (in order) lying within `range` that `also` accepts. Citations come in
/// text order, so a binary search finds where to look: a large file has many thousands of
/// citations and of blocks asking this.
/// `sorted`: see [`by_start`].
fn first_citation_within(
    citations: &[Citation],
    sorted: bool,
    range: &Range<usize>,
    also: impl Fn(&Citation) -> bool,
) -> Option<usize> {
    let inside = |c: &Citation| c.range.start >= range.start && c.range.end <= range.end;
    if !sorted {
        // Not expected; the linear search gives the same answer.
        return citations.iter().position(|c| inside(c) && also(c));
    }
    let from = citations.partition_point(|c| c.range.start < range.start);
    citations[from..]
        .iter()
        .take_while(|c| c.range.start <= range.end)
        .position(|c| inside(c) && also(c))
        .map(|i| from + i)
}

/// Whether citations are ordered by start (checked once per file, for `first_citation_within`).
fn by_start(citations: &[Citation]) -> bool {
    citations
        .windows(2)
        .all(|w| w[0].range.start <= w[1].range.start)
}

fn add_excerpts(
    text: &str,
    doc: &Document,
    block_is_bibline: &[bool],
    block_citation: &[OptIdx],
    quotations: &mut Vec<QuotationInfo>,
) {
    let mut b = 0;
    while b < doc.blocks.len() {
        if block_is_bibline[b]
            || block_citation[b].is_none()
            || doc.blocks[b].kind == BlockKind::Heading
        {
            b += 1;
            continue;
        }
        let start = b;
        while b + 1 < doc.blocks.len()
            && !block_is_bibline[b + 1]
            && block_citation[b + 1] == block_citation[start]
        {
            b += 1;
        }
        let range = doc.blocks[start].range.start..doc.blocks[b].range.end;
        if !text[range.clone()].trim().is_empty() {
            quotations.push(QuotationInfo {
                q: Quotation {
                    range,
                    kind: QuoteKind::Excerpt,
                    closed: true,
                },
                sentences: 0..0,
                block_citation: block_citation[start],
                introduced: false,
            });
        }
        b += 1;
    }
}

/// Markdown block quotes: one quotation per run of quoted blocks. Cited by a citation inside
/// it or by a bibliographic or attribution line right after it.
fn add_block_quotes(
    text: &str,
    doc: &Document,
    block_sentences: &[Range<usize>],
    sentences: &[Sentence],
    citations: &[Citation],
    block_is_bibline: &[bool],
    quotations: &mut Vec<QuotationInfo>,
) {
    let sorted = by_start(citations);
    let mut b = 0;
    while b < doc.blocks.len() {
        if doc.blocks[b].quote_depth == 0 {
            b += 1;
            continue;
        }
        let start = b;
        while b + 1 < doc.blocks.len()
            && doc.blocks[b + 1].quote_depth > 0
            && doc.blocks[b + 1].group == doc.blocks[start].group
        {
            b += 1;
        }
        let range = doc.blocks[start].range.start..doc.blocks[b].range.end;
        let inside = first_citation_within(citations, sorted, &range, |_| true);
        let after = (b + 1 < doc.blocks.len()).then_some(b + 1).and_then(|n| {
            let body = text[doc.blocks[n].range.clone()].trim_start();
            let credit =
                body.starts_with(['—', '―', '–']) || body.starts_with("--") || block_is_bibline[n];
            if !credit {
                return None;
            }
            first_citation_within(citations, sorted, &doc.blocks[n].range, |_| true)
        });
        let sents = block_sentences[start].start..block_sentences[b].end;
        let first_sentence = if sents.is_empty() {
            sentences.len().saturating_sub(1)..sentences.len()
        } else {
            sents
        };
        let introduced = first_sentence.start > 0
            && text[sentences[first_sentence.start - 1].range.clone()]
                .trim_end()
                .ends_with(':');
        quotations.push(QuotationInfo {
            q: Quotation {
                range,
                kind: QuoteKind::Block,
                closed: true,
            },
            sentences: first_sentence,
            block_citation: inside.or(after).into(),
            introduced,
        });
        b += 1;
    }
}

/// Seeded random test input for the extractors' oracle tests: the same on every run.
#[cfg(test)]
pub(crate) mod test_random {
    use std::ops::Range;

    /// Numbers below `n` from a linear congruential generator started at `seed`.
    pub fn below(mut seed: u64) -> impl FnMut(usize) -> usize {
        move |n| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        }
    }

    /// A range of `text` between two random char boundaries, the smaller first.
    pub fn char_range(text: &str, next: &mut impl FnMut(usize) -> usize) -> Range<usize> {
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let a = bounds[next(bounds.len())];
        let b = bounds[next(bounds.len())];
        a.min(b)..a.max(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(range: Range<usize>) -> Sentence {
        Sentence {
            range,
            block: 0,
            is_reference: false,
            citation: OptIdx::NONE,
            attribution: OptIdx::NONE,
        }
    }

    /// The clause test as it was: both words split out, then compared.
    fn opens_clause_by_words(body: &str, starts: &[String], not_before: &[String]) -> bool {
        let mut words = body.split_whitespace();
        let first = words.next().unwrap_or("");
        let second = words.next().unwrap_or("");
        starts.iter().any(|c| c == first)
            && !not_before
                .iter()
                .any(|n| n.eq_ignore_ascii_case(second.trim_end_matches([',', '.'])))
            && !second.is_empty()
    }

    fn clause_lexicon() -> (Vec<String>, Vec<String>) {
        let starts = ["That", "Thatch", "", "Th at", "É"];
        let not_before = ["is", "was", "", "Ü"];
        (
            starts.iter().map(|s| s.to_string()).collect(),
            not_before.iter().map(|s| s.to_string()).collect(),
        )
    }

    #[test]
    fn clause_openings_table() {
        let (starts, not_before) = clause_lexicon();
        let cases: &[(&str, bool)] = &[
            ("That the tax was unjust.", true),
            ("  That\u{a0}the tax", true),
            ("That is, the tax.", false),
            ("That IS the tax.", false),
            ("That is. More.", false),
            ("That", false),
            ("That ", false),
            ("Thatch roofs burned.", true),
            ("Thatcher said so.", false),
            ("Th at once.", false),
            ("É ü", true),
            ("É Ü.", false),
            ("That\u{2003}was, it seems.", false),
            ("", false),
            ("That, the tax.", false),
        ];
        let bytes = quotations::ClauseBytes::new(&starts);
        for &(body, want) in cases {
            assert_eq!(opens_clause(body, &starts, &not_before), want, "{body:?}");
            assert!(bytes.may_open(body.as_bytes()) || !want, "{body:?}");
            assert_eq!(
                opens_clause_by_words(body, &starts, &not_before),
                want,
                "{body:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn clause_test_equals_the_word_split(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "That", "Thatch", "That,", "is", "IS", "was,", "was.", " ", "  ", "\u{a0}",
                "\u{2003}", "\n", "É", "Ü", "ü", "x", ".", ",", "Th", "at",
                "\u{b}", "\u{c}", "\t", "\r", "\u{85}",
            ]), 0..8),
        ) {
            let (starts, not_before) = clause_lexicon();
            let body: String = pieces.concat();
            let opens = opens_clause(&body, &starts, &not_before);
            proptest::prop_assert_eq!(
                opens,
                opens_clause_by_words(&body, &starts, &not_before),
                "{:?}", body
            );
            // The first bytes rule out no sentence that opens a clause.
            let bytes = quotations::ClauseBytes::new(&starts);
            proptest::prop_assert!(bytes.may_open(body.as_bytes()) || !opens, "{:?}", body);
        }
    }

    /// `blank_or_bullets` as it was: the whole trim.
    fn blank_or_bullets_by_trim(lead: &str) -> bool {
        lead.trim_matches(|ch: char| ch.is_whitespace() || ch == '•')
            .is_empty()
    }

    #[test]
    fn blank_or_bullets_table() {
        let cases: &[(&str, bool)] = &[
            ("", true),
            (" ", true),
            ("\u{b}\u{c}\t\r\n ", true),
            ("•", true),
            (" • \u{a0}\u{2003}•", true),
            ("\u{85}", true),
            ("a", false),
            (" a", false),
            ("• x •", false),
            ("é", false),
            ("\u{1c}", false),
            ("Word ", false),
            ("-", false),
        ];
        for &(lead, want) in cases {
            assert_eq!(blank_or_bullets(lead), want, "{lead:?}");
            assert_eq!(blank_or_bullets_by_trim(lead), want, "{lead:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn blank_or_bullets_equals_the_trim(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                " ", "\u{b}", "\u{c}", "\t", "\n", "\r", "\u{1c}", "\u{85}", "\u{a0}",
                "\u{2003}", "\u{3000}", "•", "·", "a", "É", ".", "[", "x y",
            ]), 0..6),
        ) {
            let lead: String = pieces.concat();
            proptest::prop_assert_eq!(
                blank_or_bullets(&lead),
                blank_or_bullets_by_trim(&lead),
                "{:?}", lead
            );
        }
    }

    /// The embedded lexicon's clause starts, whose first bytes rule most sentences out.
    fn embedded_clause_starts() -> (Vec<String>, Vec<String>) {
        let lex = crate::extract::quotations::QuotationLexicon::embedded();
        (lex.clause_starts, lex.clause_not_before)
    }

    #[test]
    fn clause_first_bytes_table() {
        let (starts, not_before) = embedded_clause_starts();
        let bytes = quotations::ClauseBytes::new(&starts);
        let cases: &[(&str, bool)] = &[
            ("That the tax was unjust.", true),
            ("Whereas the tax was unjust.", true),
            ("That\u{a0}the tax", true),
            ("That\u{b}the tax", true),
            (" That the tax", true),
            ("\u{b}That the tax", true),
            ("\u{2003}That the tax", true),
            ("The tax was unjust.", false),
            ("They paid.", false),
            ("There were two.", true),
            ("Thatcher said so.", true),
            ("Tha", true),
            ("T", true),
            ("", false),
            ("That,", true),
            ("A that.", false),
            ("É.", true),
        ];
        for &(body, may_open) in cases {
            assert_eq!(bytes.may_open(body.as_bytes()), may_open, "{body:?}");
            assert!(
                may_open || !opens_clause(body, &starts, &not_before),
                "{body:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn clause_first_bytes_rule_out_no_clause(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "That", "Whereas", "The", "They", "Th", "at", "Wh", "ere", "as", "T", "W",
                " ", "\u{a0}", "\u{2003}", "\u{85}", "\u{b}", "\t", "\n", "is", "x", ",",
                ".", "É",
            ]), 0..8),
        ) {
            let (starts, not_before) = embedded_clause_starts();
            let body: String = pieces.concat();
            let bytes = quotations::ClauseBytes::new(&starts);
            proptest::prop_assert!(
                bytes.may_open(body.as_bytes()) || !opens_clause(&body, &starts, &not_before),
                "{:?}", body
            );
        }
    }

    #[test]
    fn room_for_the_rest_keeps_the_items_and_reserves_by_proportion() {
        let mut v: Vec<u32> = (0..100).collect();
        // A quarter of the items done gave 100 entries: room for about 400, and an eighth.
        room_for_the_rest(&mut v, 25, 100);
        assert_eq!(v, (0..100).collect::<Vec<_>>());
        assert!(v.capacity() >= 450, "{}", v.capacity());
        // Nothing done, or everything done, reserves nothing; nor does an empty list.
        for (done, total) in [(0, 100), (100, 100), (120, 100)] {
            let mut w: Vec<u32> = Vec::with_capacity(10);
            w.extend(0..10);
            room_for_the_rest(&mut w, done, total);
            assert_eq!(w.capacity(), 10, "{done} of {total}");
        }
        let mut empty: Vec<u32> = Vec::new();
        room_for_the_rest(&mut empty, 5, 100);
        assert_eq!(empty.capacity(), 0);
        // A guess beyond what can be allocated leaves the list as it was.
        let mut huge: Vec<u64> = vec![1, 2, 3];
        room_for_the_rest(&mut huge, 1, usize::MAX);
        assert_eq!(huge, [1, 2, 3]);
    }

    #[test]
    fn items_reach_consume_in_order_across_many_stretches() {
        // Several stretches, the last one short: the pipelined path must keep item order.
        let items: Vec<usize> = (0..3 * STRETCH + 17).collect();
        for parallel in [false, true] {
            let mut seen = Vec::with_capacity(items.len());
            for_each_in_order(&items, parallel, |&i| i * 3 + 1, |r| seen.push(r));
            let want: Vec<usize> = items.iter().map(|&i| i * 3 + 1).collect();
            assert_eq!(seen, want, "parallel: {parallel}");
        }
        let mut none: Vec<usize> = Vec::new();
        for_each_in_order(&[] as &[usize], true, |&i| i, |r| none.push(r));
        assert!(none.is_empty());
    }

    /// A large file holds hundreds of thousands of each: a field that grows them shows here.
    #[test]
    fn analysis_items_stay_small() {
        assert_eq!(std::mem::size_of::<OptIdx>(), 4);
        assert_eq!(std::mem::size_of::<Sentence>(), 40);
        assert_eq!(std::mem::size_of::<Citation>(), 24);
        assert_eq!(std::mem::size_of::<numbers::OptF64>(), 8);
        assert_eq!(std::mem::size_of::<NumberMatch>(), 64);
        assert_eq!(std::mem::size_of::<Figure>(), 80);
    }

    #[test]
    fn opt_idx_is_an_option() {
        for i in [None, Some(0), Some(7), Some(u32::MAX as usize - 1)] {
            let x = OptIdx::from(i);
            assert_eq!(x.get(), i);
            assert_eq!((x.is_some(), x.is_none()), (i.is_some(), i.is_none()));
            assert_eq!(format!("{x:?}"), format!("{i:?}"));
        }
        let mut x = OptIdx::NONE;
        x.set_if_none(3);
        x.set_if_none(5);
        assert_eq!(x.get(), Some(3));
    }

    /// The binary searches answer as the scans they replaced, on every span near a run of
    /// sentences with gaps between them.
    #[test]
    fn sentence_and_citation_lookups_match_scans() {
        let sentences: Vec<Sentence> = (0..12).map(|i| sentence(i * 10..i * 10 + 7)).collect();
        let citations: Vec<Citation> = (0..12)
            .map(|i| Citation {
                range: i * 10 + 2..i * 10 + 6,
                kind: CitationKind::Marker,
                resumes_at: OptIdx::NONE,
            })
            .collect();
        for within in [0..12, 3..9, 5..5] {
            for start in 0..130 {
                for len in 0..25 {
                    let r = start..start + len;
                    let mut first = None;
                    let mut last = within.start;
                    for si in within.clone() {
                        let s = &sentences[si].range;
                        if s.start < r.end && r.start < s.end {
                            first.get_or_insert(si);
                            last = si;
                        }
                    }
                    let scan = match first {
                        Some(f) => f..last + 1,
                        None => {
                            let at = within
                                .clone()
                                .find(|&si| sentences[si].range.end >= r.start)
                                .unwrap_or(within.start);
                            at..at + 1
                        }
                    };
                    assert_eq!(sentences_overlapping(&sentences, within.clone(), &r), scan);
                    if len > 0 {
                        let scan = citations
                            .iter()
                            .position(|c| c.range.start <= r.start && r.end <= c.range.end);
                        assert_eq!(citation_around(&citations, &r), scan, "{r:?}");
                    }
                }
            }
        }
    }

    /// Cutting spans at sorted cuts by binary search gives the pieces the scan of every cut
    /// gives (the scan is still what unsorted cuts get).
    #[test]
    fn cut_at_sorted_matches_every_cut_tried() {
        let text = "a".repeat(200);
        let spans: Vec<Range<usize>> = (0..10).map(|i| i * 20..i * 20 + 15).collect();
        for cuts in [
            vec![],
            vec![5, 5, 21, 33, 34, 40, 199],
            (0..200).step_by(3).collect::<Vec<_>>(),
            vec![15, 20, 35],
        ] {
            let mut unsorted = cuts.clone();
            unsorted.push(0); // not in order: the plain scan
            let fast = cut_at(&text, spans.clone(), &cuts);
            let scan = cut_at(&text, spans.clone(), &unsorted);
            assert_eq!(fast, scan, "{cuts:?}");
        }
    }

    const PIECES: &[&str] = &[
        "In 1937 the mill employed 1,200 weavers",
        " about forty more",
        ". ",
        "\n\n",
        "\n\n",
        "\n\n",
        " [3]",
        " (Harlow 1990, p. 41)",
        "[^1]",
        "\n\n[^1]: Port log, p. 9.\n\n",
        "> \"We counted 15,000 bales,\" the foreman said.",
        "\n\n— Mill records, 1938\n\n",
        "Dunmore, Ellen. River Trades. London: Fenwick Press, 1959, p. 170.",
        ".Dunmore, Ellen. River Trades. London: Fenwick Press, 1959, p. 170. The",
        " the \"official\" tally",
        "That the yard built 40 boats. ",
        "| 1936 | 40 |\n",
        "- 40 percent of the carts\n",
        "```\n12 crates\n```\n",
        "<!-- 7 notes -->",
        " according to Werth ",
        "é",
    ];

    /// A Markdown or plain-text file of `pieces`.
    fn file_of(pieces: &[&str], markdown: bool) -> SourceFile {
        SourceFile {
            path: if markdown { "t.md" } else { "t.txt" }.into(),
            text: pieces.concat(),
            kind: if markdown {
                crate::source::DocKind::Markdown
            } else {
                crate::source::DocKind::Plain
            },
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 12,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// Random documents long enough to be split into several pieces: the parallel
        /// analysis is the sequential one, for Markdown and plain text.
        #[test]
        fn parallel_analysis_equals_sequential_on_random_documents(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 3000..5000),
            markdown in proptest::bool::ANY,
        ) {
            let file = file_of(&pieces, markdown);
            let rules = crate::rules::loader::load(&[]).expect("embedded rules load");
            let doc = crate::parse::parse(&file);
            let sequential = rules.extractors.analyze_with(&file, &mut doc.clone(), false);
            let parallel = rules.extractors.analyze_with(&file, &mut doc.clone(), true);
            proptest::prop_assert_eq!(format!("{parallel:?}"), format!("{sequential:?}"));
        }
    }

    type OldScan = (
        Vec<Citation>,
        bool,
        Vec<(Range<usize>, bool)>,
        Vec<(usize, Attribution)>,
        Vec<Quotation>,
    );

    /// `scan_block` as it was: a flag per sentence, and the prose sentences copied out.
    fn scan_block_by_flags(
        x: &Extractors,
        text: &str,
        doc: &Document,
        block: &crate::parse::Block,
        markup_from: usize,
    ) -> OldScan {
        // Steps 1 and 2 are shared: the two differ in how reference sentences are kept.
        let mut fresh = BlockScan::default();
        let (is_bibline, anchors) =
            x.citations_and_sentences(text, doc, block, markup_from, &mut fresh);
        let found = fresh.citations;
        let sentences: Vec<(Range<usize>, bool)> = fresh
            .sentences
            .into_iter()
            .map(|span| {
                let is_reference = is_bibline
                    || block.kind == BlockKind::FootnoteDefinition
                    || citation_around(&found, &span).is_some()
                    || x.citations.is_reference_span(text, span.clone(), &anchors);
                (span, is_reference)
            })
            .collect();

        // 4. Attributions, one pass over the block's prose sentences.
        let prose: Vec<Range<usize>> = sentences
            .iter()
            .filter(|(_, is_reference)| !is_reference)
            .map(|(span, _)| span.clone())
            .collect();
        let attributions = x.attributions.find_in(text, &prose);

        // 5. Inline quotations (not in notes or bibliographic lines).
        let quotations = if block.kind != BlockKind::FootnoteDefinition && !is_bibline {
            x.quotations.find(text, block.range.clone())
        } else {
            Vec::new()
        };
        (found, is_bibline, sentences, attributions, quotations)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 24,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// Each block's scan, with reference sentences listed by index, is the scan that
        /// flagged every sentence (Markdown and plain text, notes and bibliographic lines),
        /// with one `BlockScan` refilled for every block as the sequential analysis does.
        #[test]
        fn block_scan_equals_the_flag_per_sentence_scan(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 1..60),
            markdown in proptest::bool::ANY,
        ) {
            let file = file_of(&pieces, markdown);
            let rules = crate::rules::loader::load(&[]).expect("embedded rules load");
            let x = &rules.extractors;
            let doc = crate::parse::parse(&file);
            let text = file.text.as_str();
            let mut new = BlockScan::default();
            for block in &doc.blocks {
                let markup_from = doc
                    .markup_citations
                    .partition_point(|c| c.range.start < block.range.start);
                x.scan_block(text, &doc, block, markup_from, &mut new);
                let flags: Vec<(Range<usize>, bool)> = new
                    .sentences
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (s.clone(), new.all_reference || new.references.contains(&i)))
                    .collect();
                proptest::prop_assert!(new.references.windows(2).all(|w| w[0] < w[1]));
                let got = (
                    &new.citations,
                    new.is_bibline,
                    flags,
                    &new.attributions,
                    &new.quotations,
                );
                let want = scan_block_by_flags(x, text, &doc, block, markup_from);
                proptest::prop_assert_eq!(format!("{got:?}"), format!("{want:?}"));
            }
        }
    }

    /// The parallel path (taken by large files) gives exactly the sequential analysis: a
    /// document long enough to be split into many pieces, in every style at once.
    #[test]
    fn parallel_analysis_equals_sequential() {
        let styles = [
            "In 1937 the mill employed 1,200 weavers [3]. About forty more came in spring.",
            "> \"We counted 15,000 bales that year,\" the foreman said.\n\n— Mill records, 1938",
            "The guild had 312 members (Harlow 1990, p. 41). Nobody disputed the \"official\" tally.",
            "Thirteen barges sank[^1]. Losses reached 2.5 million pounds.\n\n[^1]: Port log, p. 9.",
            "Dunmore, Ellen. River Trades. London: Fenwick Press, 1959, p. 170.",
            "| year | barges |\n|---|---|\n| 1936 | 40 |",
            "- 40 percent of the carts\n- some 300 horses",
        ];
        let mut text = String::new();
        for i in 0..1500 {
            if i % 40 == 0 {
                text.push_str(&format!("## Section {i}\n\n"));
            }
            text.push_str(styles[i % styles.len()]);
            text.push_str("\n\n");
        }
        let file = SourceFile {
            path: "t.md".into(),
            text,
            kind: crate::source::DocKind::Markdown,
        };
        let rules = crate::rules::loader::load(&[]).expect("embedded rules load");
        let doc = crate::parse::parse(&file);
        let sequential = rules
            .extractors
            .analyze_with(&file, &mut doc.clone(), false);
        let parallel = rules.extractors.analyze_with(&file, &mut doc.clone(), true);
        assert!(doc.blocks.len() > 1500 && sequential.figures.len() > 1500);
        assert!(!sequential.quotations.is_empty() && !sequential.citations.is_empty());
        assert_eq!(format!("{parallel:?}"), format!("{sequential:?}"));
    }
}

//! Markdown, through pulldown-cmark's offset iterator: paragraphs, headings, list items and table
//! cells become blocks; code and raw HTML are excluded; links and footnote references are
//! citations the markup itself declares.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{Block, BlockKind, Comment, Document, MarkupCitation, MarkupCitationKind};

pub fn parse(text: &str) -> Document {
    let mut doc = Document::default();
    let options = Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut quote_depth: u16 = 0;
    let mut footnote_depth = 0usize;
    let mut nesting = 0usize;
    let mut group = 0usize;
    // Tight list items hold text with no paragraph: remember where each open item started and
    // whether a child block already covered its text.
    let mut items: Vec<(usize, bool)> = Vec::new();
    let mut in_metadata = false;

    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if nesting == 0 {
                    group += 1;
                }
                nesting += 1;
                match tag {
                    Tag::BlockQuote(_) => quote_depth = quote_depth.saturating_add(1),
                    Tag::FootnoteDefinition(_) => footnote_depth += 1,
                    Tag::Item => items.push((range.start, false)),
                    Tag::List(_) | Tag::CodeBlock(_) | Tag::HtmlBlock => {
                        if let Some(item) = items.last_mut() {
                            // Text before a nested list still belongs to the item.
                            if !item.1 {
                                let start = skip_marker(text, item.0);
                                push_block(
                                    &mut doc,
                                    text,
                                    start..range.start,
                                    BlockKind::ListItem,
                                    quote_depth,
                                    footnote_depth,
                                    group,
                                );
                                item.1 = true;
                            }
                        }
                    }
                    Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell => {
                        if let Some(item) = items.last_mut() {
                            item.1 = true;
                        }
                    }
                    Tag::MetadataBlock(_) => in_metadata = true,
                    _ => {}
                }
                match tag {
                    Tag::Paragraph => push_block(
                        &mut doc,
                        text,
                        range,
                        BlockKind::Paragraph,
                        quote_depth,
                        footnote_depth,
                        group,
                    ),
                    Tag::Heading { .. } => push_block(
                        &mut doc,
                        text,
                        range,
                        BlockKind::Heading,
                        quote_depth,
                        footnote_depth,
                        group,
                    ),
                    Tag::TableCell => push_block(
                        &mut doc,
                        text,
                        range,
                        BlockKind::TableCell,
                        quote_depth,
                        footnote_depth,
                        group,
                    ),
                    Tag::CodeBlock(_) | Tag::HtmlBlock => doc.excluded.push(range),
                    Tag::MetadataBlock(_) => doc.excluded.push(range),
                    Tag::Link { .. } | Tag::Image { .. } => {
                        doc.markup_citations.push(MarkupCitation {
                            range,
                            kind: MarkupCitationKind::Link,
                        })
                    }
                    _ => {}
                }
            }
            Event::End(end) => {
                nesting = nesting.saturating_sub(1);
                match end {
                    TagEnd::BlockQuote(_) => quote_depth = quote_depth.saturating_sub(1),
                    TagEnd::FootnoteDefinition => footnote_depth = footnote_depth.saturating_sub(1),
                    TagEnd::MetadataBlock(_) => in_metadata = false,
                    TagEnd::Item => {
                        if let Some((start, false)) = items.pop() {
                            let start = skip_marker(text, start);
                            push_block(
                                &mut doc,
                                text,
                                start..range.end,
                                BlockKind::ListItem,
                                quote_depth,
                                footnote_depth,
                                group,
                            );
                        }
                    }
                    _ => {}
                }
            }
            Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {
                doc.excluded.push(range)
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                collect_comments(text, range.clone(), &mut doc.comments);
                doc.excluded.push(range);
            }
            Event::FootnoteReference(_) => doc.markup_citations.push(MarkupCitation {
                range,
                kind: MarkupCitationKind::FootnoteReference,
            }),
            Event::Text(_) if in_metadata => {}
            _ => {}
        }
    }
    doc.blocks.sort_by_key(|b| (b.range.start, b.range.end));
    doc.excluded.seal();
    doc
}

fn push_block(
    doc: &mut Document,
    text: &str,
    range: std::ops::Range<usize>,
    kind: BlockKind,
    quote_depth: u16,
    footnote_depth: usize,
    group: usize,
) {
    let kind = if footnote_depth > 0 {
        BlockKind::FootnoteDefinition
    } else {
        kind
    };
    let trimmed = trim_range(text, range);
    if trimmed.is_empty() {
        return;
    }
    // A paragraph inside a tight item can repeat the item's range; keep one.
    if doc.blocks.last().is_some_and(|b| b.range == trimmed) {
        return;
    }
    doc.blocks.push(Block {
        range: trimmed,
        kind,
        quote_depth,
        group,
    });
}

/// Skip a list marker ("- ", "* ", "1. ", "2) ") at the start of an item.
fn skip_marker(text: &str, start: usize) -> usize {
    let rest = &text[start..];
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    if i < bytes.len() && matches!(bytes[i], b'-' | b'*' | b'+' | b'.' | b')') {
        i += 1;
    } else {
        i = 0;
    }
    while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
        i += 1;
    }
    start + i
}

fn trim_range(text: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let end = range.end.min(text.len());
    let start = range.start.min(end);
    let slice = &text[start..end];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    if lead == slice.len() {
        return start..start;
    }
    start + lead..end - trail
}

fn collect_comments(text: &str, range: std::ops::Range<usize>, out: &mut Vec<Comment>) {
    let slice = &text[range.clone()];
    let mut from = 0;
    while let Some(open) = slice[from..].find("<!--") {
        let body_start = from + open + 4;
        let Some(close) = slice[body_start..].find("-->") else {
            break;
        };
        let body_end = body_start + close;
        out.push(Comment {
            range: range.start + from + open..range.start + body_end + 3,
            body: slice[body_start..body_end].trim().to_string(),
        });
        from = body_end + 3;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Vec<(&str, BlockKind, u16)> {
        parse(text)
            .blocks
            .iter()
            .map(|b| (&text[b.range.clone()], b.kind, b.quote_depth))
            .collect()
    }

    #[test]
    fn block_structure_table() {
        type Case<'a> = (&'a str, Vec<(&'a str, BlockKind, u16)>);
        let cases: Vec<Case> = vec![
            (
                "# Title\n\nBody text.\n",
                vec![
                    ("# Title", BlockKind::Heading, 0),
                    ("Body text.", BlockKind::Paragraph, 0),
                ],
            ),
            (
                "> Quoted words here.\n> More.\n",
                vec![("Quoted words here.\n> More.", BlockKind::Paragraph, 1)],
            ),
            (
                "- first item\n- second item\n",
                vec![
                    ("first item", BlockKind::ListItem, 0),
                    ("second item", BlockKind::ListItem, 0),
                ],
            ),
            (
                "- outer\n  - inner\n",
                vec![
                    ("outer", BlockKind::ListItem, 0),
                    ("inner", BlockKind::ListItem, 0),
                ],
            ),
            ("```\ncode 123\n```\n", vec![]),
            (
                "Text.[^1]\n\n[^1]: Source, p. 4.\n",
                vec![
                    ("Text.[^1]", BlockKind::Paragraph, 0),
                    ("Source, p. 4.", BlockKind::FootnoteDefinition, 0),
                ],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(blocks(text), want, "{text:?}");
        }
    }

    #[test]
    fn links_footnotes_code_and_comments() {
        let text = "See [the report](https://x.org) and `42` here.[^n]\n\n<!-- factlint-disable-next-line unsourced-figure -->\nNext.\n\n[^n]: A note.\n";
        let doc = parse(text);
        let cites: Vec<&str> = doc
            .markup_citations
            .iter()
            .map(|c| &text[c.range.clone()])
            .collect();
        assert_eq!(cites, vec!["[the report](https://x.org)", "[^n]"]);
        assert!(doc.excluded.iter().any(|r| &text[r.clone()] == "`42`"));
        assert_eq!(doc.comments.len(), 1);
        assert_eq!(
            doc.comments[0].body,
            "factlint-disable-next-line unsourced-figure"
        );
    }

    #[test]
    fn deep_nesting_does_not_panic() {
        let text = ">".repeat(5000) + " deep\n" + &"- ".repeat(3000) + "x\n";
        let _ = parse(&text);
    }
}

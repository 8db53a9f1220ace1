//! Plain text: every non-blank line is a block; blank lines separate groups.

use super::{Block, BlockKind, Document};

pub fn parse(text: &str) -> Document {
    let mut doc = Document::default();
    let bytes = text.as_bytes();
    let mut group = 0;
    let mut blank_run = true;
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr2(b'\n', b'\r', &bytes[start..])
            .map(|i| start + i)
            .unwrap_or(bytes.len());
        let line = &text[start..end];
        let trimmed_start = start + (line.len() - line.trim_start().len());
        let trimmed_end = start + line.trim_end().len();
        if trimmed_start >= trimmed_end {
            if !blank_run {
                group += 1;
            }
            blank_run = true;
        } else {
            blank_run = false;
            let content = &text[trimmed_start..trimmed_end];
            doc.blocks.push(Block {
                range: trimmed_start..trimmed_end,
                kind: if looks_like_heading(content) {
                    BlockKind::Heading
                } else {
                    BlockKind::Paragraph
                },
                quote_depth: 0,
                group,
            });
        }
        // Step over CRLF as one terminator.
        start = if bytes.get(end) == Some(&b'\r') && bytes.get(end + 1) == Some(&b'\n') {
            end + 2
        } else {
            end + 1
        };
    }
    doc
}

/// A short line with no sentence punctuation at its end reads as a title or heading
/// ("Cards (15)", "Purges in the army"), not as a statement.
pub fn looks_like_heading(line: &str) -> bool {
    let line = line.trim();
    // Cheap bounds first: most lines are long prose.
    if line.is_empty() || line.len() > 70 * 4 || line.chars().count() > 70 {
        return false;
    }
    if line.split_whitespace().nth(8).is_some() {
        return false;
    }
    let last = line.chars().last().unwrap_or(' ');
    if matches!(
        last,
        '.' | '!' | '?' | ':' | ';' | ',' | '"' | '”' | '’' | '…' | '»'
    ) {
        return false;
    }
    // A bullet starts a list item, not a heading.
    !line.starts_with(['•', '-', '*', '·', '–'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(text: &str) -> Vec<(&str, BlockKind, usize)> {
        parse(text)
            .blocks
            .iter()
            .map(|b| (&text[b.range.clone()], b.kind, b.group))
            .collect()
    }

    #[test]
    fn lines_and_groups() {
        let text =
            "Title line\n\nFirst sentence. Second.\nNext line here.\r\n\r\n  indented body text.\n";
        assert_eq!(
            shape(text),
            vec![
                ("Title line", BlockKind::Heading, 0),
                ("First sentence. Second.", BlockKind::Paragraph, 1),
                ("Next line here.", BlockKind::Paragraph, 1),
                ("indented body text.", BlockKind::Paragraph, 2),
            ]
        );
    }

    #[test]
    fn heading_heuristic_table() {
        let cases = [
            ("Cards (15)", true),
            ("Purges in the army", true),
            ("2nd show trial", true),
            ("Of the 767 members, 512 were executed.", false),
            ("According to the historian:", false),
            ("• a bullet item without a stop", false),
            (
                "a very long line that goes on and on without any punctuation at all for many words",
                false,
            ),
        ];
        for (line, want) in cases {
            assert_eq!(looks_like_heading(line), want, "{line:?}");
        }
    }

    #[test]
    fn empty_and_whitespace_only() {
        assert!(parse("").blocks.is_empty());
        assert!(parse(" \n\t\r\n ").blocks.is_empty());
    }
}

//! Properties of the whole analysis on arbitrary and prose-like text, plain and Markdown:
//! every span lies inside its file on character boundaries, diagnostics' line and column agree
//! with their byte offsets (recomputed here independently), figure intervals have low ≤ high.

use std::ops::Range;
use std::sync::OnceLock;

use factlint::rules::loader::{self, RuleSet};
use factlint::source::{DocKind, SourceFile};
use proptest::prelude::*;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        loader::load(&[]).unwrap_or_else(|e| {
            panic!(
                "default rules load: {:?}",
                e.iter().map(|e| &e.message).collect::<Vec<_>>()
            )
        })
    })
}

/// Fragments that exercise the extractors: figures in every form, citations, quotations, markup,
/// line endings and awkward Unicode.
const FRAGMENTS: &[&str] = &[
    "The mill employed ",
    "some ",
    "about ",
    "more than ",
    "up to ",
    "between 40 and 60 ",
    "1,480",
    "12",
    "3.5",
    "2.5 million",
    "forty-two",
    "a dozen",
    "35%",
    "12 per cent",
    "1933–1937",
    "10 to 20",
    "500 or more",
    "$3 million",
    "0",
    "1,1,1",
    "٤٥",
    "２００",
    " workers",
    " people",
    " in 1899",
    ".",
    ". ",
    "! ",
    "? ",
    ", ",
    ": ",
    "; ",
    " [1]",
    " [^2]",
    "[^2]: Hale, p. 4.\n",
    " [Hale, p. 12]",
    " (Morrow 1991, p. 203)",
    " [@getty1999, p. 9]",
    " [the report](https://x.org/a)",
    ",Page 121, Title, ISBN 0195071328 which",
    "\nOstrov, Mikhail. Notes from the North. Boston: Harbour Press, 1961, p. 44\n",
    "\"",
    "“",
    "”",
    "«",
    "»",
    "‘",
    "’",
    "'",
    "he said ",
    "according to Werth ",
    "Dr. ",
    "e.g. ",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "> ",
    "- ",
    "1. ",
    "# ",
    "```\n",
    "`x 5`",
    "<!-- ",
    " -->",
    "<b>",
    "| a | 5 |\n",
    "\u{200F}",
    "\u{0301}",
    "\u{feff}",
    "é",
    "日本",
    "🙂",
    "\t",
    " ",
];

fn prose() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..60)
            .prop_map(|v| v.concat()),
        1 => any::<String>(),
        1 => "[0-9a-zA-Z ,.%$\"“”«»\\[\\]()\\-–\r\n>#*`^@:;]{0,200}",
    ]
}

/// Line and column (chars, 1-based) of a byte offset; CRLF, CR and LF end lines.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let (mut line, mut col) = (1, 1);
    let mut chars = text[..offset].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => {
                line += 1;
                col = 1;
            }
            _ => col += 1,
        }
    }
    (line, col)
}

fn check_range(text: &str, r: &Range<usize>, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        r.start <= r.end && r.end <= text.len(),
        "{what} {r:?} outside 0..{}",
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
        "{what} {r:?} not on char boundaries"
    );
    Ok(())
}

fn check_file(text: String, kind: DocKind) -> Result<(), TestCaseError> {
    let path = match kind {
        DocKind::Markdown => "t.md",
        DocKind::Plain => "t.txt",
    };
    let file = SourceFile {
        path: path.into(),
        text,
        kind,
    };
    let text = file.text.as_str();
    let (doc, a) = factlint::lint::analyze(&file, rules());
    for b in &doc.blocks {
        check_range(text, &b.range, "block")?;
    }
    for s in &a.sentences {
        check_range(text, &s.range, "sentence")?;
    }
    for c in &a.citations {
        check_range(text, &c.range, "citation")?;
    }
    for q in &a.quotations {
        check_range(text, &q.q.range, "quotation")?;
    }
    for x in &a.attributions {
        check_range(text, &x.range, "attribution")?;
    }
    for f in &a.figures {
        check_range(text, &f.m.span, "figure")?;
        check_range(text, &f.m.value_span(), "figure value")?;
        prop_assert!(f.sentence < a.sentences.len());
        if let (Some(lo), Some(hi)) = (f.m.low.get(), f.m.high.get()) {
            prop_assert!(
                lo <= hi,
                "figure {:?}: {lo} > {hi}",
                &text[f.m.span.clone()]
            );
        }
    }
    for d in factlint::lint::lint_file(&file, rules()) {
        let r = d.location.range();
        check_range(text, &r, "diagnostic")?;
        prop_assert_eq!(&d.location.text, &text[r.clone()]);
        let (line, column) = line_col(text, r.start);
        prop_assert_eq!(
            (d.location.start.line, d.location.start.column),
            (line, column),
            "start of {:?}",
            &d.location.text
        );
        let (line, column) = line_col(text, r.end);
        prop_assert_eq!(
            (d.location.end.line, d.location.end.column),
            (line, column),
            "end of {:?}",
            &d.location.text
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn plain_text_spans_and_intervals(text in prose()) {
        check_file(text, DocKind::Plain)?;
    }

    #[test]
    fn markdown_spans_and_intervals(text in prose()) {
        check_file(text, DocKind::Markdown)?;
    }
}

/// Cases found by fuzzing and proptest, kept as regressions.
#[test]
fn regressions() {
    let cases: &[&str] = &[
        "\u{feff}Some 400 people.",
        "\r\r\n\r5 people\r",
        "> - > 12%\n",
    ];
    for text in cases {
        for kind in [DocKind::Plain, DocKind::Markdown] {
            check_file(text.to_string(), kind).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        }
    }
}

//! Snapshot tests: each rule's rendered diagnostics on the fixtures, as a user sees them.

use std::path::PathBuf;

use factlint::lint::{Options, lint_paths};
use factlint::report::human::{Sources, render};
use factlint::rules::loader::load;

fn rendered(rule: &str, path: &str) -> String {
    let rules = load(&[]).unwrap_or_else(|_| panic!("default rules load"));
    let outcome = lint_paths(&[PathBuf::from(path)], &rules, &Options::default());
    assert!(outcome.errors.is_empty());
    let mine: Vec<_> = outcome
        .diagnostics
        .into_iter()
        .filter(|d| &*d.rule == rule)
        .collect();
    assert!(!mine.is_empty(), "{rule} finds nothing in {path}");
    String::from_utf8(render(&mine, &mut Sources::default(), false)).unwrap()
}

#[test]
fn unsourced_figure_flash_cards() {
    insta::assert_snapshot!(rendered("unsourced-figure", "fixtures/flashcards.txt"));
}

#[test]
fn unsourced_figure_bracketed_citations() {
    insta::assert_snapshot!(rendered("unsourced-figure", "fixtures/bracketed.txt"));
}

#[test]
fn unsourced_figure_markdown_notes() {
    insta::assert_snapshot!(rendered("unsourced-figure", "fixtures/notes.md"));
}

#[test]
fn uncited_quote_essay() {
    insta::assert_snapshot!(rendered("uncited-quote", "fixtures/quotes/uncited.md"));
}

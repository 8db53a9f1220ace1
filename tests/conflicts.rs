//! `conflicting-figure` on fixture documents with planted conflicts and planted agreeing
//! restatements across three files.

use std::path::PathBuf;

use factlint::diagnostic::Diagnostic;
use factlint::lint::{Options, lint_paths};
use factlint::rules::loader::load;

fn conflicts() -> Vec<Diagnostic> {
    let rules = load(&[]).unwrap_or_else(|_| panic!("default rules load"));
    let outcome = lint_paths(
        &[PathBuf::from("fixtures/conflicts")],
        &rules,
        &Options::default(),
    );
    outcome
        .diagnostics
        .into_iter()
        .filter(|d| d.rule == "conflicting-figure")
        .collect()
}

/// Every location of a diagnostic, as (file name, text).
fn places(d: &Diagnostic) -> Vec<(String, String)> {
    std::iter::once(&d.location)
        .chain(d.related.iter().map(|r| &r.location))
        .map(|l| {
            let name = l.path.rsplit('/').next().unwrap_or(&l.path).to_string();
            (name, l.text.clone())
        })
        .collect()
}

#[test]
fn planted_conflicts_are_found_once_each() {
    let ds = conflicts();
    let all: Vec<Vec<(String, String)>> = ds.iter().map(places).collect();
    // Delegates: 2,410 vs 2,140, one diagnostic holding both.
    let delegates: Vec<_> = all
        .iter()
        .filter(|p| p.iter().any(|(_, t)| t.contains("2,410")))
        .collect();
    assert_eq!(delegates.len(), 1, "{all:?}");
    assert!(delegates[0].iter().any(|(_, t)| t.contains("2,140")));
    // Executions in the Baltic operation: "at least 60,000" against 41,300 and 41,000.
    let baltic: Vec<_> = all
        .iter()
        .filter(|p| p.iter().any(|(_, t)| t.contains("60,000")))
        .collect();
    assert_eq!(baltic.len(), 1, "{all:?}");
    assert!(baltic[0].iter().any(|(f, _)| f == "a.md"));
    assert!(baltic[0].iter().any(|(f, _)| f == "c.txt"));
    // Agreeing restatements are never flagged: 1,205 arrests twice; "some 90,000" vs 93,415.
    for p in &all {
        assert!(!p.iter().any(|(_, t)| t.contains("1,205")), "{p:?}");
        assert!(!p.iter().any(|(_, t)| t.contains("93,415")), "{p:?}");
    }
    assert_eq!(ds.len(), 2, "{all:?}");
}

#[test]
fn multi_file_diagnostic_snapshot() {
    let ds = conflicts();
    let mut sources = factlint::report::human::Sources::default();
    for d in &ds {
        for l in std::iter::once(&d.location).chain(d.related.iter().map(|r| &r.location)) {
            let text = std::fs::read_to_string(&l.path).unwrap();
            sources.add(&l.path, text);
        }
    }
    let out = factlint::report::human::render(&ds, &mut sources, false);
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

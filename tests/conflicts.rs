//! `conflicting-figure` on fixture documents with planted conflicts and planted agreeing
//! restatements across five files.

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
        .filter(|d| &*d.rule == "conflicting-figure")
        .collect()
}

/// Every location of a diagnostic, as (file name, text).
fn places(d: &Diagnostic) -> Vec<(String, String)> {
    std::iter::once(&d.location)
        .chain(d.related.iter().map(|r| &r.location))
        .map(|l| {
            let name = l.path.rsplit('/').next().unwrap_or(&l.path).to_string();
            (name, l.text.to_string())
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
    // Small counts are exact: eleven officers against 12 officers.
    let officers: Vec<_> = all
        .iter()
        .filter(|p| p.iter().any(|(_, t)| t == "Eleven"))
        .collect();
    assert_eq!(officers.len(), 1, "{all:?}");
    assert!(officers[0].iter().any(|(f, t)| f == "e.txt" && t == "12"));
    // Families and people are different counts; a condition is not a statement; a rate is not
    // a total.
    for p in &all {
        for t in ["20,000", "5,000", "40", "300"] {
            assert!(
                !p.iter()
                    .any(|(_, x)| x == t || x.ends_with(&format!(" {t}"))),
                "{t}: {p:?}"
            );
        }
    }
    // A short sentence ending in a bare figure restates the quantity before it.
    let elided: Vec<_> = all
        .iter()
        .filter(|p| p.iter().any(|(_, t)| t == "40,000"))
        .collect();
    assert_eq!(elided.len(), 1, "{all:?}");
    assert!(elided[0].iter().any(|(_, t)| t == "9,000"));
    assert_eq!(ds.len(), 4, "{all:?}");
}

#[test]
fn multi_file_diagnostic_snapshot() {
    let ds = conflicts();
    let mut sources = factlint::report::human::Sources::default();
    for d in &ds {
        for l in std::iter::once(&d.location).chain(d.related.iter().map(|r| &r.location)) {
            let text = std::fs::read_to_string(&*l.path).unwrap();
            sources.add(&l.path, text);
        }
    }
    let out = factlint::report::human::render(&ds, &mut sources, false);
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

/// A user's `lexicon/measures.toml` (from `--rules DIR`) adds measures and subjects to claim keys.
#[test]
fn user_measures_lexicon_is_used() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("rules/lexicon")).unwrap();
    std::fs::write(
        dir.path().join("rules/lexicon/measures.toml"),
        "[[measure]]\nname = \"ships\"\nwords = [\"ships\", \"vessels\"]\n\n[[subject]]\nname = \"Baltic fleet\"\npattern = '\\bBaltic [Ff]leet\\b'\n",
    )
    .unwrap();
    let doc = dir.path().join("fleet.md");
    std::fs::write(
        &doc,
        "In 1941 the Baltic fleet lost 42 vessels.\n\nThe Baltic fleet lost 47 ships in 1941.\n",
    )
    .unwrap();
    let run = |with_rules: bool| {
        let mut cmd = assert_cmd::Command::cargo_bin("factlint").unwrap();
        cmd.args(["check", "--format", "json"]);
        if with_rules {
            cmd.arg("--rules").arg(dir.path().join("rules"));
        }
        let out = cmd.arg(&doc).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "conflicting-figure")
            .map(|d| d["message"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    let with = run(true);
    assert_eq!(with.len(), 1, "{with:?}");
    assert!(
        with[0].starts_with("ships (Baltic fleet), 1941"),
        "{with:?}"
    );
    assert!(run(false).is_empty());
}

#[test]
fn named_claims_declared_in_toml_are_compared_across_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("rules/lexicon")).unwrap();
    std::fs::write(
        dir.path().join("rules/lexicon/measures.toml"),
        "[[claim]]\nid = \"canal length (km)\"\npatterns = ['(?i)canal (?:is|runs) ([\\d,.]+) kilometres', '(?i)a ([\\d,.]+)-kilometre canal']\n",
    )
    .unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("a.md"), "The canal is 227 kilometres long.\n").unwrap();
    std::fs::write(
        docs.join("b.md"),
        "Engineers dug a 241-kilometre canal in two years.\n",
    )
    .unwrap();
    std::fs::write(
        docs.join("c.md"),
        "By its survey the canal runs 227 kilometres to the sea.\n",
    )
    .unwrap();
    let out = assert_cmd::Command::cargo_bin("factlint")
        .unwrap()
        .args(["check", "--format", "json", "--rules"])
        .arg(dir.path().join("rules"))
        .arg(&docs)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let conflicts: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "conflicting-figure")
        .collect();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let message = conflicts[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("canal length (km): 227 here; 241 in b.md"),
        "{message}"
    );
    assert_eq!(conflicts[0]["related"].as_array().unwrap().len(), 2);
    // A bad pattern is an error pointing into the lexicon file.
    std::fs::write(
        dir.path().join("rules/lexicon/measures.toml"),
        "[[claim]]\nid = \"x\"\npatterns = ['(unclosed']\n",
    )
    .unwrap();
    assert_cmd::Command::cargo_bin("factlint")
        .unwrap()
        .args(["check", "--color", "never", "--rules"])
        .arg(dir.path().join("rules"))
        .arg(&docs)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("measures.toml"));
}

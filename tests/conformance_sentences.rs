//! Conformance of the sentence segmenter against the Wikimedia sentencex
//! English cases (MIT), kept in `shared/external/sentencex/en.txt`.
//!
//! File format: cases separated by `===` lines; a case is input text, a `---`
//! line, then one expected sentence per line. Lines starting with `#` are
//! comments (they also comment out whole cases); cases left empty are skipped.

use std::path::PathBuf;

use factlint::segment::sentences::{Segmenter, SentenceLexicon};

const TARGET: f64 = 0.95;

struct Case {
    input: String,
    expected: Vec<String>,
}

fn suite_path() -> PathBuf {
    match std::env::var_os("FACTLINT_SHARED") {
        Some(dir) => PathBuf::from(dir).join("external/sentencex/en.txt"),
        None => {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/external/sentencex/en.txt")
        }
    }
}

fn parse(text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut input: Vec<&str> = Vec::new();
    let mut expected: Vec<&str> = Vec::new();
    let mut in_expected = false;
    let mut flush = |input: &mut Vec<&str>, expected: &mut Vec<&str>| {
        let joined = input.join("\n");
        if !joined.trim().is_empty() {
            cases.push(Case {
                input: joined,
                expected: expected
                    .iter()
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty())
                    .collect(),
            });
        }
        input.clear();
        expected.clear();
    };
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        match line.trim_end() {
            "===" => {
                flush(&mut input, &mut expected);
                in_expected = false;
            }
            "---" if !in_expected => in_expected = true,
            _ if in_expected => expected.push(line),
            _ => input.push(line),
        }
    }
    flush(&mut input, &mut expected);
    cases
}

#[test]
fn sentencex_english_conformance() {
    let path = suite_path();
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped: sentencex suite not found at {}", path.display());
        return;
    };
    let cases = parse(&text);
    assert!(!cases.is_empty(), "no cases parsed from {}", path.display());
    let seg = Segmenter::new(&SentenceLexicon::embedded()).expect("embedded lexicon compiles");
    let mut failures = Vec::new();
    for (k, case) in cases.iter().enumerate() {
        let got: Vec<String> = seg
            .split(&case.input, 0..case.input.len())
            .into_iter()
            .map(|r| case.input[r].trim().to_string())
            .collect();
        if got != case.expected {
            failures.push((k, case, got));
        }
    }
    let passed = cases.len() - failures.len();
    let score = passed as f64 / cases.len() as f64;
    println!(
        "sentencex en: {passed}/{} cases pass, score {score:.3} (target {TARGET})",
        cases.len()
    );
    for (k, case, got) in failures.iter().take(20) {
        println!("--- case #{k} failed\n  input:    {:?}", case.input);
        for e in &case.expected {
            println!("  expected: {e:?}");
        }
        for g in got {
            println!("  got:      {g:?}");
        }
    }
    assert!(score >= TARGET, "score {score:.3} below {TARGET}");
}

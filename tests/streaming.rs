//! The CLI streams its report file by file; these tests hold the streamed bytes to what the
//! whole report renders to when collected first (for JSON: serde_json's pretty printing of the
//! entire document), on a folder with suppressions, a baseline, skipped files and cross-file
//! conflicts.

use std::path::{Path, PathBuf};

use factlint::baseline::Baseline;
use factlint::diagnostic::Diagnostic;
use factlint::lint::{FileEvent, Options, lint_each, lint_paths};
use factlint::report::{self, Reporter, Summary};
use factlint::rules::loader::{RuleSet, load};

fn rules() -> RuleSet {
    load(&[]).unwrap_or_else(|_| panic!("default rules load"))
}

/// A corpus with per-file findings in many files, conflicts across files (one of them
/// suppressed where it is reported), used and unused suppressions, and a skipped file.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(dir.path().join("conflicts")).unwrap();
    for f in ["a.md", "b.md", "c.txt", "d.md", "e.txt"] {
        std::fs::copy(
            root.join("fixtures/conflicts").join(f),
            dir.path().join("conflicts").join(f),
        )
        .unwrap();
    }
    for f in ["notes.md", "flashcards.txt", "bracketed.txt"] {
        std::fs::copy(root.join("fixtures").join(f), dir.path().join(f)).unwrap();
    }
    std::fs::write(
        dir.path().join("s.md"),
        "# S\n\n<!-- factlint-disable-next-line unsourced-figure -->\nSome 400,000 were expelled.\n\n\
<!-- factlint-disable unsourced-figure -->\nAbout 5,000 came.\n<!-- factlint-enable unsourced-figure -->\n\n\
About 7,000 stayed.\n\nAbout 7,000 stayed.\n\n<!-- factlint-disable-next-line uncited-quote -->\nNothing quoted here.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("t.txt"),
        "factlint: disable-next-line unsourced-figure\nAbout 5,000 tonnes were moved in May.\nAbout 7,000 tonnes were moved in June.\nfactlint: disable conflicting-figure\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("zz-binary.txt"), b"abc\0def").unwrap();
    dir
}

fn factlint(args: &[&str]) -> std::process::Output {
    // Run where the test runs, so that SARIF's SRCROOT is the same for both sides.
    std::process::Command::new(env!("CARGO_BIN_EXE_factlint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .unwrap()
}

/// Every finding of the folder, collected, with a baseline of every third one applied as
/// `check --baseline` applies it; and the summary of what is left.
fn collected(path: &Path, baseline: Option<&Baseline>) -> (Vec<Diagnostic>, Summary) {
    let outcome = lint_paths(&[path.to_path_buf()], &rules(), &Options::default());
    assert!(outcome.errors.is_empty());
    let diagnostics = match baseline {
        Some(b) => b.filter(outcome.diagnostics).0,
        None => outcome.diagnostics,
    };
    let summary = Summary::new(outcome.files_checked, &outcome.skipped, &diagnostics);
    (diagnostics, summary)
}

fn every_third(path: &Path) -> Baseline {
    let outcome = lint_paths(&[path.to_path_buf()], &rules(), &Options::default());
    let some: Vec<Diagnostic> = outcome.diagnostics.into_iter().step_by(3).collect();
    Baseline::from_diagnostics(&some)
}

#[test]
fn streamed_json_is_serde_jsons_pretty_rendering_of_the_whole_report() {
    let dir = corpus();
    let base = every_third(dir.path());
    let base_path = dir.path().join("base.json");
    base.write(&base_path).unwrap();
    let (diagnostics, summary) = collected(dir.path(), Some(&base));
    // The corpus exercises what it should.
    let rules_seen: Vec<&str> = diagnostics.iter().map(|d| &*d.rule).collect();
    for r in [
        "unsourced-figure",
        "uncited-quote",
        "conflicting-figure",
        "unused-suppression",
    ] {
        assert!(rules_seen.contains(&r), "no {r} in {rules_seen:?}");
    }
    assert_eq!(summary.files_skipped, 1);
    let want = report::json::render(&diagnostics, &summary);
    let o = factlint(&[
        "check",
        "--isolated",
        "--format",
        "json",
        "--baseline",
        base_path.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let got = String::from_utf8(o.stdout).unwrap();
    assert!(got == want, "streamed JSON differs:\n{got}\n---\n{want}");
}

#[test]
fn streamed_formats_equal_their_collected_rendering() {
    let dir = corpus();
    let (diagnostics, summary) = collected(dir.path(), None);
    let rules = rules();
    let metas: Vec<&factlint::rules::RuleMeta> = rules.rules.iter().map(|r| r.meta()).collect();
    let mut human =
        report::human::render(&diagnostics, &mut report::human::Sources::default(), false);
    human.extend_from_slice(format!("{}\n", summary.line()).as_bytes());
    let concise = format!("{}{}\n", report::concise(&diagnostics), summary.line());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("human", human),
        ("concise", concise.into_bytes()),
        (
            "json",
            report::json::render(&diagnostics, &summary).into_bytes(),
        ),
        (
            "jsonl",
            report::json::render_lines(&diagnostics).into_bytes(),
        ),
        (
            "sarif",
            report::sarif::render(&diagnostics, &metas).into_bytes(),
        ),
        ("github", report::github::render(&diagnostics).into_bytes()),
        ("gitlab", report::gitlab::render(&diagnostics).into_bytes()),
        ("rdjson", report::rdjson::render(&diagnostics).into_bytes()),
        ("junit", report::junit::render(&diagnostics).into_bytes()),
    ];
    for (format, want) in cases {
        let o = factlint(&[
            "check",
            "--isolated",
            "--color",
            "never",
            "--format",
            format,
            dir.path().to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{format}");
        assert!(
            o.stdout == want,
            "{format} differs:\n{}\n---\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&want)
        );
    }
}

#[test]
fn reports_without_findings_equal_their_collected_rendering() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("clean.md"),
        "Nothing here needs a source.\n",
    )
    .unwrap();
    let (diagnostics, summary) = collected(dir.path(), None);
    assert!(diagnostics.is_empty());
    let rules = rules();
    let metas: Vec<&factlint::rules::RuleMeta> = rules.rules.iter().map(|r| r.meta()).collect();
    let cases: Vec<(&str, String)> = vec![
        ("json", report::json::render(&[], &summary)),
        ("sarif", report::sarif::render(&[], &metas)),
        ("gitlab", report::gitlab::render(&[])),
        ("rdjson", report::rdjson::render(&[])),
        ("junit", report::junit::render(&[])),
    ];
    for (format, want) in cases {
        let o = factlint(&[
            "check",
            "--isolated",
            "--format",
            format,
            dir.path().to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{format}");
        assert_eq!(String::from_utf8(o.stdout).unwrap(), want, "{format}");
    }
    // serde_json's own rendering of an empty report, to the byte.
    assert!(report::json::render(&[], &summary).contains("\"diagnostics\": [],\n"));
}

/// The library's streaming API: each reporter fed file by file writes what it writes for the
/// whole list at once, and files come in discovery order.
#[test]
fn reporters_fed_file_by_file_match_one_batch() {
    let dir = corpus();
    let rules = rules();
    let mut batches: Vec<Vec<Diagnostic>> = Vec::new();
    let mut order: Vec<String> = Vec::new();
    let mut skipped = Vec::new();
    let finish = lint_each(
        &[dir.path().to_path_buf()],
        &rules,
        &Options::default(),
        |e| match e {
            FileEvent::Linted { path, diagnostics } => {
                order.push(path);
                batches.push(diagnostics);
            }
            FileEvent::Skipped(s) => skipped.push(s),
            FileEvent::Error(e) => panic!("{e:?}"),
        },
    );
    batches.push(finish.diagnostics);
    let all: Vec<Diagnostic> = batches.iter().flatten().cloned().collect();
    let summary = Summary::new(finish.files_checked, &skipped, &all);
    let found = factlint::discover::discover(&[dir.path().to_path_buf()], &|_: &Path| true);
    let discovered: Vec<String> = found
        .files
        .iter()
        .map(|p| factlint::discover::display_path(p))
        .filter(|p| !p.ends_with("zz-binary.txt"))
        .collect();
    assert_eq!(order, discovered);
    let metas: Vec<&factlint::rules::RuleMeta> = rules.rules.iter().map(|r| r.meta()).collect();
    type Make<'a> = Box<dyn Fn() -> Box<dyn Reporter> + 'a>;
    let reporters: Vec<(&str, Make)> = vec![
        ("json", Box::new(|| Box::new(report::json::Json::default()))),
        (
            "gitlab",
            Box::new(|| Box::new(report::gitlab::Gitlab::default())),
        ),
        (
            "sarif",
            Box::new(|| Box::new(report::sarif::Sarif::new(&metas))),
        ),
        (
            "junit",
            Box::new(|| Box::new(report::junit::Junit::default())),
        ),
        (
            "rdjson",
            Box::new(|| Box::new(report::rdjson::Rdjson::default())),
        ),
        (
            "human",
            Box::new(|| Box::new(report::human::Human::new(false))),
        ),
    ];
    for (name, make) in reporters {
        let whole = report::render_all(make().as_mut(), &all, &summary);
        let mut r = make();
        let mut streamed = Vec::new();
        r.begin(&mut streamed).unwrap();
        for b in &batches {
            r.file(&mut streamed, b).unwrap();
        }
        r.finish(&mut streamed, &summary).unwrap();
        assert!(streamed == whole, "{name}: file-by-file output differs");
    }
    assert_eq!(
        report::render_all(&mut report::json::Json::default(), &all, &summary),
        report::json::render(&all, &summary).into_bytes()
    );
}

#[test]
fn write_and_prune_baseline_through_the_stream() {
    let dir = corpus();
    let target = dir.path().to_str().unwrap().to_string();
    let base = dir.path().join("base.json");
    let o = factlint(&[
        "check",
        "--isolated",
        "--write-baseline",
        base.to_str().unwrap(),
        &target,
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty(), "--write-baseline prints no report");
    let outcome = lint_paths(&[PathBuf::from(&target)], &rules(), &Options::default());
    let want = Baseline::from_diagnostics(&outcome.diagnostics);
    let got = Baseline::read(&base).unwrap();
    assert_eq!(got.entries, want.entries);
    // Every finding is baselined: nothing reported, nothing pruned.
    let o = factlint(&[
        "check",
        "--isolated",
        "--format",
        "concise",
        "--baseline",
        base.to_str().unwrap(),
        "--prune-baseline",
        &target,
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains(": no findings"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("pruned 0 stale baseline entr"));
    assert_eq!(Baseline::read(&base).unwrap().entries, want.entries);
}

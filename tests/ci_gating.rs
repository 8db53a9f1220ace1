//! End to end: the features a CI pipeline relies on — output formats, baselines, suppression
//! comments, configuration and changed-lines gating — run through the real binary.

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use serde_json::Value;

const FIGURES: &str = "# Notes\n\nAbout 12,000 people attended the march in 1932.\n\nIn 1933 some 400,000 people were expelled from the Party.\n";

fn factlint(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("factlint").unwrap();
    c.current_dir(dir);
    c
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = factlint(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json_diagnostics(dir: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["check", "--isolated", "--format", "json"];
    args.extend_from_slice(extra);
    let (_, stdout, stderr) = run(dir, &args);
    let v: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    v["diagnostics"].as_array().unwrap().clone()
}

fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), FIGURES).unwrap();
    // A path with a space and a comma exercises URI and property escaping.
    std::fs::write(
        dir.path().join("b, c.txt"),
        "The canal employed 126,000 prisoners.\n\n\"We had no maps and no instruments at all,\" he wrote.\n",
    )
    .unwrap();
    dir
}

#[test]
fn sarif_validates_and_carries_rule_metadata() {
    let dir = corpus();
    let expected = json_diagnostics(dir.path(), &[]);
    assert!(expected.len() >= 3, "{expected:?}");
    let (code, stdout, _) = run(dir.path(), &["check", "--isolated", "--format", "sarif"]);
    assert_eq!(code, 1);
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    let run0 = &sarif["runs"][0];
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), expected.len());
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert!(
            !rules[idx]["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        assert!(rules[idx]["fullDescription"]["text"].is_string());
        assert!(rules[idx]["help"]["text"].is_string());
        assert_eq!(
            r["partialFingerprints"]["factlint/v1"]
                .as_str()
                .unwrap()
                .len(),
            16
        );
    }
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"b,%20c.txt"), "{uris:?}");

    let schema_path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/sarif-schema-2.1.0.json");
    if !schema_path.exists() {
        println!(
            "note: {} not found; SARIF schema validation skipped",
            schema_path.display()
        );
        return;
    }
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF does not validate: {errors:#?}");
}

#[test]
fn sarif_related_locations_for_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), "# A\n\nOf 2,410 delegates to the 12th Party Congress, 1,205 were arrested within four years.\n").unwrap();
    std::fs::write(
        dir.path().join("b.md"),
        "# B\n\nOf the 2,140 delegates to the 12th Party Congress, 1,205 were arrested.\n",
    )
    .unwrap();
    let (_, stdout, _) = run(dir.path(), &["check", "--isolated", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    let conflicts: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "conflicting-figure")
        .collect();
    assert!(!conflicts.is_empty(), "{stdout}");
    let related = conflicts[0]["relatedLocations"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|l| l["physicalLocation"]["artifactLocation"]["uri"] == "b.md")
    );
    assert!(related[0]["message"]["text"].is_string());
}

#[test]
fn github_annotations_are_escaped() {
    let dir = corpus();
    let expected = json_diagnostics(dir.path(), &[]);
    let (code, stdout, _) = run(dir.path(), &["check", "--isolated", "--format", "github"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{stdout}");
    for (line, d) in lines.iter().zip(&expected) {
        let command = if d["severity"] == "info" {
            "notice"
        } else {
            d["severity"].as_str().unwrap()
        };
        assert!(line.starts_with(&format!("::{command} file=")), "{line}");
        assert!(
            line.contains(&format!(
                ",line={},col={},",
                d["start"]["line"], d["start"]["column"]
            )),
            "{line}"
        );
        assert!(
            line.contains(&format!(
                ",endLine={},endColumn={},",
                d["end"]["line"], d["end"]["column"]
            )),
            "{line}"
        );
        // Messages span lines (help); the newline must be escaped so one finding is one line.
        assert!(!line.contains('\r'));
    }
    assert!(stdout.contains("file=b%2C c.txt,"), "{stdout}");
    assert!(stdout.contains("%0Ahelp: "));
}

#[test]
fn gitlab_fingerprints_are_unique_even_for_repeated_findings() {
    let dir = tempfile::tempdir().unwrap();
    // The same sentence twice: identical fingerprints in factlint, distinct ones for GitLab.
    let para = "About 12,000 people attended the march in 1932.\n\n";
    std::fs::write(dir.path().join("a.md"), para.repeat(3)).unwrap();
    let expected = json_diagnostics(dir.path(), &[]);
    assert_eq!(expected.len(), 3);
    assert_eq!(expected[0]["fingerprint"], expected[1]["fingerprint"]);
    let (_, stdout, _) = run(dir.path(), &["check", "--isolated", "--format", "gitlab"]);
    let issues: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(issues.len(), 3);
    let mut fps: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), 3);
    for (i, d) in issues.iter().zip(&expected) {
        assert_eq!(i["location"]["path"], "a.md");
        assert_eq!(i["location"]["lines"]["begin"], d["start"]["line"]);
        assert_eq!(i["check_name"], "unsourced-figure");
        assert_eq!(i["severity"], "minor");
    }
}

#[test]
fn rdjson_junit_jsonl_and_concise_agree_with_json() {
    let dir = corpus();
    let expected = json_diagnostics(dir.path(), &[]);
    let n = expected.len();

    let (_, stdout, _) = run(dir.path(), &["check", "--isolated", "--format", "rdjson"]);
    let rd: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(rd["source"]["name"], "factlint");
    let diags = rd["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), n);
    for (r, d) in diags.iter().zip(&expected) {
        assert_eq!(r["code"]["value"], d["rule"]);
        assert_eq!(r["location"]["range"]["start"]["line"], d["start"]["line"]);
        assert_eq!(
            r["severity"],
            d["severity"].as_str().unwrap().to_uppercase()
        );
    }

    let (_, stdout, _) = run(dir.path(), &["check", "--isolated", "--format", "junit"]);
    assert!(stdout.starts_with("<?xml"));
    assert_eq!(stdout.matches("<failure ").count(), n);
    assert!(stdout.contains(&format!("failures=\"{n}\"")));
    assert!(stdout.contains("<testsuite name=\"b, c.txt\""));

    let (_, stdout, _) = run(dir.path(), &["check", "--isolated", "--format", "jsonl"]);
    assert_eq!(stdout.lines().count(), n);
    for line in stdout.lines() {
        let _: Value = serde_json::from_str(line).unwrap();
    }

    let (_, stdout, _) = run(dir.path(), &["check", "--isolated", "--format", "concise"]);
    assert_eq!(
        stdout.lines().count(),
        n + 1,
        "findings plus the summary line"
    );
    assert!(
        stdout.contains("a.md:3:1: warning[unsourced-figure]"),
        "{stdout}"
    );

    // A clean corpus: an empty but well-formed report of each kind.
    let clean = tempfile::tempdir().unwrap();
    std::fs::write(clean.path().join("ok.md"), "Nothing to see.\n").unwrap();
    for format in ["sarif", "gitlab", "rdjson", "github", "junit"] {
        let (code, stdout, _) = run(clean.path(), &["check", "--isolated", "--format", format]);
        assert_eq!(code, 0, "{format}");
        if format != "github" && format != "junit" {
            let _: Value = serde_json::from_str(&stdout).unwrap();
        }
    }
}

#[test]
fn statistics_count_per_rule_and_file() {
    let dir = corpus();
    let expected = json_diagnostics(dir.path(), &[]);
    let (_, stdout, _) = run(dir.path(), &["check", "--isolated", "--statistics"]);
    let a_count = expected.iter().filter(|d| d["path"] == "a.md").count();
    assert!(stdout.contains("Findings per rule:"));
    assert!(
        stdout
            .lines()
            .any(|l| l.trim() == format!("{a_count}  a.md")),
        "{stdout}"
    );
    // Machine formats stay parseable: statistics go to stderr.
    let (_, stdout, stderr) = run(
        dir.path(),
        &["check", "--isolated", "--statistics", "--format", "json"],
    );
    let _: Value = serde_json::from_str(&stdout).unwrap();
    assert!(stderr.contains("Findings per file:"));
}

#[test]
fn baseline_round_trip_survives_line_shifts_and_catches_new_findings() {
    let dir = corpus();
    let before = json_diagnostics(dir.path(), &[]);
    let (code, _, stderr) = run(
        dir.path(),
        &["check", "--isolated", "--write-baseline", "base.json"],
    );
    assert_eq!(code, 0, "{stderr}");
    let base: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("base.json")).unwrap())
            .unwrap();
    assert_eq!(base["entries"].as_array().unwrap().len(), before.len());
    // No temporary file is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());

    let (code, stdout, _) = run(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--baseline",
            "base.json",
            "--format",
            "concise",
        ],
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("no findings"));

    // A paragraph inserted above every finding shifts their lines: still baselined.
    let shifted = FIGURES.replace(
        "# Notes\n\n",
        "# Notes\n\nAn introduction that says nothing numeric.\n\nAnd another.\n\n",
    );
    std::fs::write(dir.path().join("a.md"), &shifted).unwrap();
    let moved = json_diagnostics(dir.path(), &[]);
    assert_ne!(moved[0]["start"]["line"], before[0]["start"]["line"]);
    let after = json_diagnostics(dir.path(), &["--baseline", "base.json"]);
    assert!(after.is_empty(), "{after:?}");

    // A new unsourced figure is reported, and only it.
    std::fs::write(
        dir.path().join("a.md"),
        format!("{shifted}\nThe purge removed 7,300 officers.\n"),
    )
    .unwrap();
    let after = json_diagnostics(dir.path(), &["--baseline", "base.json"]);
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(after[0]["text"].as_str().unwrap().contains("7,300"));

    // Fixing a baselined finding leaves a stale entry; --prune-baseline drops it.
    std::fs::write(dir.path().join("b, c.txt"), "Nothing numeric here.\n").unwrap();
    let (_, _, stderr) = run(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--baseline",
            "base.json",
            "--prune-baseline",
        ],
    );
    assert!(stderr.contains("pruned"), "{stderr}");
    let pruned: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("base.json")).unwrap())
            .unwrap();
    let entries = pruned["entries"].as_array().unwrap();
    let a_before = before.iter().filter(|d| d["path"] == "a.md").count();
    assert_eq!(entries.len(), a_before);
    assert!(entries.iter().all(|e| e["path"] == "a.md"));

    let (code, _, stderr) = run(
        dir.path(),
        &["check", "--isolated", "--baseline", "missing.json"],
    );
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn suppression_comments_used_and_unused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "# A\n\n<!-- factlint-disable-next-line unsourced-figure -->\nSome 400,000 were expelled.\n\n\
<!-- factlint-disable unsourced-figure -->\nAbout 5,000 came.\n\nAbout 6,000 left.\n<!-- factlint-enable unsourced-figure -->\n\n\
About 7,000 stayed.\n\n<!-- factlint-disable-next-line uncited-quote -->\nNothing quoted here.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.txt"),
        "factlint: disable-next-line unsourced-figure\nAbout 5,000 tonnes were moved in May.\nAbout 7,000 tonnes were moved in June.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c.md"),
        "<!-- factlint-disable-file -->\n\nAbout 9,000 fled.\n",
    )
    .unwrap();
    let d = json_diagnostics(dir.path(), &[]);
    let texts: Vec<(&str, &str, &str)> = d
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap(),
                d["rule"].as_str().unwrap(),
                d["text"].as_str().unwrap(),
            )
        })
        .collect();
    let figures: Vec<&str> = texts
        .iter()
        .filter(|t| t.1 == "unsourced-figure")
        .map(|t| t.2)
        .collect();
    assert_eq!(figures, vec!["About 7,000", "About 7,000"], "{texts:?}");
    let unused: Vec<&Value> = d
        .iter()
        .filter(|d| d["rule"] == "unused-suppression")
        .collect();
    assert_eq!(unused.len(), 1, "{texts:?}");
    assert_eq!(unused[0]["severity"], "info");
    assert_eq!(unused[0]["path"], "a.md");
    assert!(
        unused[0]["message"]
            .as_str()
            .unwrap()
            .contains("uncited-quote")
    );
    // The plain-text directive line itself is not prose: "disable-next-line" yields no finding.
    assert!(
        !texts
            .iter()
            .any(|t| t.0 == "b.txt" && t.2.contains("factlint"))
    );
    // Info findings do not fail the default fail level.
    let (code, _, _) = run(
        dir.path(),
        &["check", "--isolated", "c.md", "a.md", "--fail-on", "error"],
    );
    assert_eq!(code, 0);
}

#[test]
fn configuration_is_found_validated_and_applied() {
    let dir = corpus();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("d.md"), FIGURES).unwrap();
    std::fs::create_dir(dir.path().join("archive")).unwrap();
    std::fs::write(dir.path().join("archive/old.md"), FIGURES).unwrap();
    std::fs::write(
        dir.path().join("factlint.toml"),
        "exclude = [\"archive/**\"]\nignore = [\"uncited-quote\"]\nfail-on = \"error\"\n\n[rule.unsourced-figure]\nseverity = \"error\"\n\n[per-file-ignores]\n\"sub/*.md\" = [\"unsourced-figure\"]\n",
    )
    .unwrap();
    // Run from the subfolder: the parent's config applies.
    let (code, stdout, stderr) = run(&sub, &["check", "--format", "json", ".."]);
    assert_eq!(code, 1, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let d = v["diagnostics"].as_array().unwrap();
    assert!(!d.is_empty());
    for x in d {
        assert_eq!(x["rule"], "unsourced-figure", "{x}");
        assert_eq!(x["severity"], "error");
        let p = x["path"].as_str().unwrap();
        assert!(!p.contains("archive") && !p.contains("sub/"), "{p}");
    }
    // --isolated ignores the file.
    let (_, stdout, _) = run(&sub, &["check", "--isolated", "--format", "json", ".."]);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["path"].as_str().unwrap().contains("archive"))
    );

    // `factlint config` names the file and line each setting came from.
    let (code, stdout, _) = run(dir.path(), &["config"]);
    assert_eq!(code, 0);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("exclude = [\"archive/**\"]") && l.ends_with("factlint.toml:1")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("select") && l.ends_with("default")),
        "{stdout}"
    );

    // An unknown key: exit 2, a label under the key.
    std::fs::write(
        dir.path().join("bad.toml"),
        "exclude = []\nselcet = [\"x\"]\n",
    )
    .unwrap();
    let (code, _, stderr) = run(dir.path(), &["check", "--config", "bad.toml"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown field `selcet`") && stderr.contains("^^^^^^"),
        "{stderr}"
    );
    // A wrong type and an unknown rule are errors too.
    std::fs::write(dir.path().join("bad.toml"), "ignore = \"uncited-quote\"\n").unwrap();
    assert_eq!(run(dir.path(), &["check", "--config", "bad.toml"]).0, 2);
    std::fs::write(dir.path().join("bad.toml"), "ignore = [\"no-such-rule\"]\n").unwrap();
    let (code, _, stderr) = run(dir.path(), &["check", "--config", "bad.toml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no-such-rule"), "{stderr}");
    // A folder as --config: a clear message.
    let (code, _, stderr) = run(dir.path(), &["check", "--config", "sub"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is a folder"), "{stderr}");
}

fn git(dir: &Path, args: &[&str]) {
    let out = StdCommand::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.org",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn changed_since_reports_only_changed_lines() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    std::fs::write(root.join("a.md"), FIGURES).unwrap();
    std::fs::write(root.join("c.md"), "# C\n\nOf 2,410 delegates to the 12th Party Congress, 1,205 were arrested within four years.\n").unwrap();
    std::fs::write(root.join("d.md"), "# D\n\nA calm document.\n").unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);

    // Nothing changed: nothing reported, though the tree has findings.
    let d = json_diagnostics(root, &["--changed-since", "main"]);
    assert!(d.is_empty(), "{d:?}");
    assert!(!json_diagnostics(root, &[]).is_empty());

    // A committed edit on the branch, an uncommitted edit, and an untracked file.
    std::fs::write(
        root.join("a.md"),
        format!("{FIGURES}\nThe purge removed 7,300 officers.\n"),
    )
    .unwrap();
    git(root, &["commit", "-q", "-am", "edit"]);
    std::fs::write(
        root.join("a.md"),
        format!("{FIGURES}\nThe purge removed 7,300 officers.\n\nAnother 8,100 were demoted.\n"),
    )
    .unwrap();
    std::fs::write(root.join("new.md"), "About 3,000 signed.\n").unwrap();
    // d.md now contradicts the unchanged c.md.
    std::fs::write(
        root.join("d.md"),
        "# D\n\nOf the 2,140 delegates to the 12th Party Congress, 1,205 were arrested.\n",
    )
    .unwrap();
    let d = json_diagnostics(root, &["--changed-since", "main"]);
    let texts: Vec<String> = d
        .iter()
        .map(|d| {
            format!(
                "{}:{}",
                d["path"].as_str().unwrap(),
                d["text"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("a.md") && t.contains("7,300")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("a.md") && t.contains("8,100")),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t.starts_with("new.md")), "{texts:?}");
    assert!(
        !texts
            .iter()
            .any(|t| t.contains("12,000") || t.contains("400,000")),
        "{texts:?}"
    );
    // The conflict is reported although its primary statement may be in unchanged c.md.
    let conflicts: Vec<&Value> = d
        .iter()
        .filter(|d| d["rule"] == "conflicting-figure")
        .collect();
    assert!(!conflicts.is_empty(), "{texts:?}");
    // c.md's own unsourced figures are not on changed lines.
    assert!(
        !d.iter()
            .any(|x| x["path"] == "c.md" && x["rule"] == "unsourced-figure"),
        "{texts:?}"
    );

    let (code, _, stderr) = run(
        root,
        &["check", "--isolated", "--changed-since", "no-such-branch"],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown git revision `no-such-branch`"),
        "{stderr}"
    );
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.md"), "Hi.\n").unwrap();
    let (code, _, stderr) = run(
        outside.path(),
        &["check", "--isolated", "--changed-since", "main"],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("not in one"), "{stderr}");
}

#[test]
fn rule_parameters_are_overridden_from_the_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "The depot held 400 crates. In 1933, two categories of goods were listed.\n",
    )
    .unwrap();
    let figures = |dir: &Path| -> Vec<String> {
        let out = factlint(dir)
            .args(["check", "--format", "json", "a.md"])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "unsourced-figure")
            .map(|d| d["text"].as_str().unwrap().to_string())
            .collect()
    };
    // By default "two categories" is narrative structure, not a claim.
    assert_eq!(figures(dir.path()), vec!["400"]);
    std::fs::write(
        dir.path().join("factlint.toml"),
        "[rule.unsourced-figure.params]\nstructural-nouns = []\n",
    )
    .unwrap();
    assert_eq!(figures(dir.path()), vec!["400", "two"]);
    factlint(dir.path())
        .arg("config")
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "rule.unsourced-figure.params = structural-nouns = []",
        ));
    // An unknown parameter is an error pointing into the config file.
    std::fs::write(
        dir.path().join("factlint.toml"),
        "[rule.unsourced-figure.params]\nstructural = []\n",
    )
    .unwrap();
    factlint(dir.path())
        .args(["check", "--color", "never", "a.md"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown field `structural`"))
        .stderr(predicates::str::contains("factlint.toml:2:1"));
}

#[test]
fn changed_since_follows_renamed_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    // Long enough for git's rename detection (similarity over 50 %) to survive the edit below.
    let calm = "A calm line of prose that talks about the weather and the river.\n".repeat(12);
    let body = format!(
        "# Notes\n\nThe depot held 400 crates in the first year of operation.\n\n{calm}\nA calm line of prose that says nothing in particular about numbers at all.\n"
    );
    std::fs::write(root.join("old.md"), &body).unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    git(root, &["mv", "old.md", "new.md"]);
    git(root, &["commit", "-q", "-m", "rename"]);
    // A pure rename changes no line: its old finding is not reported.
    let d = json_diagnostics(root, &["--changed-since", "main"]);
    assert!(d.is_empty(), "{d:?}");
    // An edit in the renamed file is reported, under the new name.
    std::fs::write(
        root.join("new.md"),
        body.replace("says nothing in particular", "lists 1,250 barrels"),
    )
    .unwrap();
    let d = json_diagnostics(root, &["--changed-since", "main"]);
    let texts: Vec<(&str, &str)> = d
        .iter()
        .map(|d| (d["path"].as_str().unwrap(), d["text"].as_str().unwrap()))
        .collect();
    assert_eq!(texts, vec![("new.md", "1,250")]);
}

//! End-to-end tests of the command line: exit codes, formats, rule loading errors.

use assert_cmd::Command;
use predicates::prelude::*;

fn factlint() -> Command {
    Command::cargo_bin("factlint").unwrap()
}

#[test]
fn check_fixtures_finds_and_exits_1() {
    factlint()
        .args(["check", "--color", "never", "fixtures"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("warning[unsourced-figure]"))
        .stdout(predicate::str::contains("--> fixtures/"))
        .stdout(predicate::str::contains("= help:"))
        .stdout(predicate::str::is_match(r"\d+ files checked: \d+ findings \(").unwrap());
}

#[test]
fn fail_on_never_exits_0_and_clean_file_exits_0() {
    factlint()
        .args(["check", "--fail-on", "never", "fixtures"])
        .assert()
        .code(0);
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.md");
    std::fs::write(&clean, "Nothing here needs a source.\n").unwrap();
    factlint()
        .args(["check"])
        .arg(&clean)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1 file checked: no findings"));
}

#[test]
fn fail_on_error_ignores_warnings() {
    factlint()
        .args(["check", "--fail-on", "error", "fixtures"])
        .assert()
        .code(0);
}

#[test]
fn json_report_follows_the_contract() {
    let out = factlint()
        .args(["check", "--format", "json", "fixtures/flashcards.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let all = v["diagnostics"].as_array().unwrap();
    let diags: Vec<&serde_json::Value> = all
        .iter()
        .filter(|d| d["rule"] == "unsourced-figure")
        .collect();
    assert!(!diags.is_empty());
    let text = std::fs::read_to_string("fixtures/flashcards.txt").unwrap();
    for d in all {
        for key in [
            "rule",
            "severity",
            "message",
            "path",
            "span",
            "start",
            "end",
            "text",
            "related",
            "fingerprint",
        ] {
            assert!(d.get(key).is_some(), "missing {key} in {d}");
        }
        let (s, e) = (
            d["span"]["start"].as_u64().unwrap() as usize,
            d["span"]["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            &text[s..e],
            d["text"].as_str().unwrap(),
            "span and text agree"
        );
        let line = d["start"]["line"].as_u64().unwrap() as usize;
        let col = d["start"]["column"].as_u64().unwrap() as usize;
        let line_start = text[..s].rfind('\n').map_or(0, |i| i + 1);
        assert_eq!(text[..s].matches('\n').count() + 1, line);
        assert_eq!(
            text[line_start..s].chars().count() + 1,
            col,
            "columns count chars"
        );
    }
    assert_eq!(v["summary"]["files_checked"], 1);
    assert_eq!(
        v["summary"]["by_rule"]["unsourced-figure"]
            .as_u64()
            .unwrap() as usize,
        diags.len()
    );
}

#[test]
fn concise_and_jsonl_formats() {
    factlint()
        .args(["check", "--format", "concise", "fixtures/flashcards.txt"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::is_match(
                r"(?m)^fixtures/flashcards\.txt:\d+:\d+: warning\[unsourced-figure\] ",
            )
            .unwrap(),
        );
    let out = factlint()
        .args(["check", "--format", "jsonl", "fixtures/flashcards.txt"])
        .output()
        .unwrap();
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert!(lines.len() > 1);
    let figures = lines
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["rule"] == "unsourced-figure")
        .count();
    assert!(figures > 1, "{lines:?}");
}

#[test]
fn missing_path_is_exit_2() {
    factlint()
        .args(["check", "no/such/file.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/file.md"))
        .stderr(predicate::str::contains("no such file"));
}

#[test]
fn usage_error_is_exit_2() {
    factlint()
        .args(["check", "--format", "yaml"])
        .assert()
        .code(2);
    factlint().args(["frobnicate"]).assert().code(2);
}

#[test]
fn binary_and_invalid_utf8_files_are_skipped_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bin.txt"), b"abc\0def").unwrap();
    std::fs::write(dir.path().join("bad.txt"), b"ok \xff no").unwrap();
    std::fs::write(dir.path().join("good.txt"), "Fine.\n").unwrap();
    factlint()
        .args(["check"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "bin.txt: binary file (NUL byte at offset 3)",
        ))
        .stderr(predicate::str::contains(
            "bad.txt: not valid UTF-8 (invalid byte at offset 3)",
        ))
        .stdout(predicate::str::contains("1 file checked"));
}

#[test]
fn rule_loading_errors_point_into_the_file() {
    let cases: &[(&str, &str, &str)] = &[
        ("bad.toml", "id = \"x\"\nkind = [", "bad.toml:2:"),
        (
            "unknown.toml",
            "id = \"a-b\"\nkind = \"pattern\"\nsummary = \"s\"\nmessage = \"m\"\nflavour = 1\n",
            "unknown field `flavour`",
        ),
        (
            "regex.toml",
            "id = \"a-b\"\nkind = \"pattern\"\nsummary = \"s\"\nmessage = \"m\"\n[params]\npattern = 'a(b'\n",
            "invalid regex",
        ),
        (
            "kind.toml",
            "id = \"a-b\"\nkind = \"magic\"\nsummary = \"s\"\nmessage = \"m\"\n",
            "unknown rule kind `magic`",
        ),
    ];
    for (name, body, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), body).unwrap();
        factlint()
            .args(["check", "--color", "never", "--rules"])
            .arg(dir.path())
            .arg("fixtures/flashcards.txt")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*want))
            .stderr(predicate::str::contains(*name))
            .stderr(predicate::str::contains("nothing was checked"));
    }
}

#[test]
fn user_pattern_rule_runs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("weasel.toml"),
        "id = \"weasel-words\"\nkind = \"pattern\"\nseverity = \"info\"\nsummary = \"Vague attribution\"\nmessage = \"weasel words: {text}\"\n[params]\nphrases = [\"some experts believe\"]\nignore-case = true\n",
    )
    .unwrap();
    let file = dir.path().join("a.md");
    std::fs::write(&file, "Some experts believe the count is wrong.\n").unwrap();
    factlint()
        .args(["check", "--color", "never", "--rules"])
        .arg(dir.path())
        .arg(&file)
        .assert()
        .code(0) // info is below the default fail level
        .stdout(predicate::str::contains(
            "note[weasel-words]: weasel words: Some experts believe",
        ));
    factlint()
        .args(["check", "--fail-on", "info", "--rules"])
        .arg(dir.path())
        .arg(&file)
        .assert()
        .code(1);
}

#[test]
fn rules_and_explain() {
    factlint()
        .arg("rules")
        .assert()
        .success()
        .stdout(predicate::str::contains("unsourced-figure"))
        .stdout(predicate::str::contains("requires-citation"))
        .stdout(predicate::str::contains("uncited-quote"));
    factlint()
        .args(["explain", "unsourced-figure"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Why it matters"))
        .stdout(predicate::str::contains("Flagged:"))
        .stdout(predicate::str::contains("Not flagged:"))
        .stdout(predicate::str::contains("scope = auto"));
    factlint()
        .args(["explain", "no-such-rule"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("known rules"));
}

#[test]
fn inspect_shows_what_factlint_sees() {
    let out = factlint()
        .args(["inspect", "--format", "json", "fixtures/bracketed.txt"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &v["files"][0];
    for key in [
        "sentences",
        "figures",
        "citations",
        "attributions",
        "quotations",
    ] {
        assert!(f[key].is_array(), "{key}");
    }
    let kinds: Vec<&str> = f["citations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"bracketed"), "{kinds:?}");
    assert!(kinds.contains(&"parenthetical"), "{kinds:?}");
    let figure = &f["figures"][0];
    assert!(figure["span"]["start"].is_u64() && figure["low"].is_number());
}

#[test]
fn figures_index_jsonl_and_csv() {
    let out = factlint()
        .args(["figures", "--format", "jsonl", "fixtures/flashcards.txt"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    for key in [
        "path", "line", "column", "span", "text", "low", "high", "approx", "source",
    ] {
        assert!(first.get(key).is_some(), "{key}");
    }
    factlint()
        .args(["figures", "--format", "csv", "fixtures/flashcards.txt"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "path,line,column,start,end,text,low,high,approx",
        ));
}

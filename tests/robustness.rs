//! Robustness, end to end: every kind of bad input gets a clear message and the right exit code,
//! never a panic, a hang or a changed file; output is deterministic.
//!
//! Exit codes (see `src/cli.rs`): 0 no findings at or above the fail level, 1 findings, 2 usage,
//! configuration or input errors. A file that is not text (binary, invalid UTF-8) is *skipped*
//! with a warning on stderr naming the path and the byte offset; skipping alone is not an error
//! (exit 0 when nothing else is found).
//!
//! Sizes: the debug build is much slower than release, so the pathological inputs here are sized
//! to run in a few seconds each in a debug build. The full-size variants (a 50 MB single line)
//! are `#[ignore]`d; run them with `cargo test --release --test robustness -- --ignored`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use assert_cmd::Command;

/// Generous bound: a hang fails the test instead of blocking CI.
const TIMEOUT: Duration = Duration::from_secs(120);

fn factlint(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("factlint").unwrap();
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RAYON_NUM_THREADS")
        .timeout(TIMEOUT);
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    factlint(dir).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

/// Never a panic, never a crash by signal.
fn assert_clean_exit(o: &Output, allowed: &[i32]) {
    let err = stderr(o);
    assert!(!err.contains("panicked"), "panic: {err}");
    assert!(!err.contains("RUST_BACKTRACE"), "panic: {err}");
    let code = o
        .status
        .code()
        .unwrap_or_else(|| panic!("killed by signal: {err}"));
    assert!(
        allowed.contains(&code),
        "exit {code}, wanted one of {allowed:?}\nstderr: {err}\nstdout: {}",
        String::from_utf8_lossy(&o.stdout)
    );
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, bytes).unwrap();
    p
}

/// JSON-lines diagnostics of one run.
fn diagnostics(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// 1-based line and column (in chars) of a byte offset, computed independently of factlint:
/// CRLF, lone CR and LF each end a line.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut line = 1;
    let mut col = 1;
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

/// Every diagnostic's span is inside `text`, on char boundaries, its text is what the span
/// covers, and its line/column agree with the offsets. Returns the diagnostics' texts.
fn check_spans(text: &str, diags: &[serde_json::Value]) -> Vec<String> {
    let mut texts = Vec::new();
    // The oracle below counts characters from the start of the file: checked on a sample of at
    // most ~500 findings (first and last included), so that a million findings stay linear.
    let stride = (diags.len() / 500).max(1);
    for (i, d) in diags.iter().enumerate() {
        let start = d["span"]["start"].as_u64().unwrap() as usize;
        let end = d["span"]["end"].as_u64().unwrap() as usize;
        assert!(start <= end && end <= text.len(), "{d}");
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "{d}"
        );
        assert_eq!(d["text"].as_str().unwrap(), &text[start..end], "{d}");
        texts.push(text[start..end].to_string());
        if i % stride != 0 && i + 1 != diags.len() {
            continue;
        }
        let (line, column) = line_col(text, start);
        assert_eq!(
            (
                d["start"]["line"].as_u64().unwrap() as usize,
                d["start"]["column"].as_u64().unwrap() as usize
            ),
            (line, column),
            "start of {d}"
        );
        let (line, column) = line_col(text, end);
        assert_eq!(
            (
                d["end"]["line"].as_u64().unwrap() as usize,
                d["end"]["column"].as_u64().unwrap() as usize
            ),
            (line, column),
            "end of {d}"
        );
    }
    texts
}

const CLAIM: &str = "In that year some 400,000 people were expelled from the Party.";

#[test]
fn empty_and_whitespace_only_files_are_clean() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.md", "");
    write(dir.path(), "blank.txt", " \n\t\r\n  \r \n");
    let o = run(dir.path(), &["check", "empty.md", "blank.txt"]);
    assert_clean_exit(&o, &[0]);
    assert!(
        stdout(&o).contains("2 files checked: no findings"),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn invalid_utf8_is_skipped_naming_path_and_offset() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bad.txt",
        b"Good start \xFF\xFE then 400 people.\n",
    );
    write(dir.path(), "good.txt", format!("{CLAIM}\n"));
    let o = run(dir.path(), &["check", "bad.txt", "good.txt"]);
    // Skipping is a warning, not an error: the exit code comes from the other file's finding.
    assert_clean_exit(&o, &[1]);
    let err = stderr(&o);
    assert!(err.contains("bad.txt"), "{err}");
    assert!(err.contains("not valid UTF-8"), "{err}");
    assert!(err.contains("offset 11"), "{err}");
    assert!(stdout(&o).contains("1 file checked"), "{}", stdout(&o));
    assert!(stdout(&o).contains("1 file skipped"), "{}", stdout(&o));

    // Alone, a skipped file exits 0.
    let o = run(dir.path(), &["check", "bad.txt"]);
    assert_clean_exit(&o, &[0]);
}

#[test]
fn utf16_with_bom_is_decoded_and_spans_index_the_decoded_text() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("Title line\n\n{CLAIM}\n");
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for u in text.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
        be.extend_from_slice(&u.to_be_bytes());
    }
    write(dir.path(), "le.txt", le);
    write(dir.path(), "be.txt", be);
    for name in ["le.txt", "be.txt"] {
        let o = run(dir.path(), &["check", "--format", "jsonl", name]);
        assert_clean_exit(&o, &[1]);
        let d = diagnostics(&o);
        let texts = check_spans(&text, &d);
        assert!(
            texts.iter().any(|t| t.contains("400,000")),
            "{name}: {texts:?}"
        );
        assert_eq!(d[0]["start"]["line"], 3, "{name}");
    }
    // An odd byte count is not UTF-16: skipped, said so.
    write(dir.path(), "odd.txt", [0xFF, 0xFE, b'a']);
    let o = run(dir.path(), &["check", "odd.txt"]);
    assert_clean_exit(&o, &[0]);
    assert!(stderr(&o).contains("odd.txt"), "{}", stderr(&o));
}

#[test]
fn utf8_bom_does_not_shift_columns() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bom.txt", format!("\u{feff}{CLAIM}\n"));
    let o = run(dir.path(), &["check", "--format", "jsonl", "bom.txt"]);
    assert_clean_exit(&o, &[1]);
    let d = diagnostics(&o);
    assert!(!d.is_empty());
    // Columns as an editor shows them: the BOM is not a character of the text.
    let figure_col = CLAIM.find("some").unwrap() + 1;
    assert_eq!(d[0]["start"]["column"], figure_col, "{}", d[0]);
    check_spans(&format!("{CLAIM}\n"), &d);
}

#[test]
fn crlf_and_lone_cr_line_endings_give_right_lines_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    for (name, nl) in [("crlf.txt", "\r\n"), ("cr.txt", "\r"), ("lf.txt", "\n")] {
        let text = format!(
            "Heading here{nl}{nl}Intro sentence without numbers.{nl}{CLAIM}{nl}Rather, about 3,000 wagons were lost.{nl}"
        );
        write(dir.path(), name, &text);
        let o = run(dir.path(), &["check", "--format", "jsonl", name]);
        assert_clean_exit(&o, &[1]);
        let d = diagnostics(&o);
        let texts = check_spans(&text, &d);
        assert!(
            texts.iter().any(|t| t.contains("400,000")),
            "{name}: {texts:?}"
        );
        assert!(
            texts.iter().any(|t| t.contains("3,000")),
            "{name}: {texts:?}"
        );
        let lines: Vec<u64> = d
            .iter()
            .map(|d| d["start"]["line"].as_u64().unwrap())
            .collect();
        assert!(
            lines.contains(&4) && lines.contains(&5),
            "{name}: {lines:?}"
        );
    }
}

#[test]
fn binary_files_and_nul_bytes_are_skipped_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "image.txt",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR 400 people",
    );
    write(
        dir.path(),
        "docs/nul.md",
        b"Some text 400 people\0 and more.\n",
    );
    write(dir.path(), "docs/ok.md", "Nothing here.\n");
    let o = run(dir.path(), &["check", "image.txt", "docs"]);
    assert_clean_exit(&o, &[0]);
    let err = stderr(&o);
    assert!(
        err.contains("skipped image.txt: binary file (NUL byte at offset 8)"),
        "{err}"
    );
    assert!(
        err.contains("nul.md: binary file (NUL byte at offset 20)"),
        "{err}"
    );
    assert!(stdout(&o).contains("1 file checked"), "{}", stdout(&o));
    assert!(stdout(&o).contains("2 files skipped"), "{}", stdout(&o));
}

/// A single line of `bytes` bytes of prose with figures, no line break.
fn long_line(bytes: usize) -> String {
    let unit = "the depot recorded 1,240 tonnes and some 35% of crates were lost, ";
    let mut s = String::with_capacity(bytes + unit.len());
    while s.len() < bytes {
        s.push_str(unit);
    }
    s
}

#[test]
fn a_long_single_line() {
    // One sentence of 256 KB with ~8,000 figures: per-figure work is bounded by a window of the
    // sentence, so time is linear in its length. The 50 MB case is `fifty_mb_single_line`.
    let dir = tempfile::tempdir().unwrap();
    let text = long_line(256 << 10);
    write(dir.path(), "line.txt", &text);
    let o = run(dir.path(), &["check", "--format", "jsonl", "line.txt"]);
    assert_clean_exit(&o, &[1]);
    let d = diagnostics(&o);
    assert!(d.len() > 50, "{} findings", d.len());
    check_spans(&text, &d);
}

#[test]
#[ignore = "50 MB, 1.6 M findings: 13 s and 1.4 GB in release (one file's findings are held); run with --release -- --ignored"]
fn fifty_mb_single_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "line.txt", long_line(50 << 20));
    let o = run(dir.path(), &["check", "--format", "concise", "line.txt"]);
    assert_clean_exit(&o, &[0, 1]);
    assert!(stdout(&o).contains("1 file checked"), "{}", stdout(&o));
}

#[test]
fn twenty_thousand_tiny_files() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..20_000 {
        let sub = dir.path().join(format!("d{:03}", i / 200));
        if i % 200 == 0 {
            std::fs::create_dir_all(&sub).unwrap();
        }
        let body = if i % 1000 == 0 {
            format!("Some {} people left.\n", i + 7)
        } else {
            "A short note.\n".to_string()
        };
        std::fs::write(sub.join(format!("f{i:05}.md")), body).unwrap();
    }
    let o = run(dir.path(), &["check", "--format", "concise", "."]);
    assert_clean_exit(&o, &[1]);
    let out = stdout(&o);
    assert!(
        out.contains("20000 files checked"),
        "{}",
        out.lines().last().unwrap_or("")
    );
    // One finding per planted file, in discovery (sorted path) order whatever the scheduling.
    let found: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("warning[unsourced-figure]"))
        .collect();
    assert_eq!(found.len(), 20, "{found:?}");
    let mut sorted = found.clone();
    sorted.sort();
    assert_eq!(found, sorted);
}

#[test]
fn markdown_nested_ten_thousand_levels() {
    let dir = tempfile::tempdir().unwrap();
    let quotes = ">".repeat(10_000) + " some 400 people left\n";
    let lists = "- ".repeat(10_000) + "some 500 people left\n";
    let mixed = "> - ".repeat(5_000) + "some 600 people left\n";
    let indented: String = (0..10_000)
        .map(|i| format!("{}- item\n", " ".repeat(i % 64)))
        .collect();
    write(dir.path(), "quotes.md", &quotes);
    write(dir.path(), "lists.md", &lists);
    write(dir.path(), "mixed.md", &mixed);
    write(dir.path(), "indented.md", &indented);
    for name in ["quotes.md", "lists.md", "mixed.md", "indented.md"] {
        let o = run(dir.path(), &["check", "--format", "jsonl", name]);
        assert_clean_exit(&o, &[0, 1]);
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        check_spans(&text, &diagnostics(&o));
    }
}

#[test]
fn unclosed_html_comment_and_code_fence() {
    let dir = tempfile::tempdir().unwrap();
    let comment = format!("Intro.\n\n<!-- never closed\n\n{CLAIM}\n");
    let fence = format!("Intro.\n\n```text\n{CLAIM}\n");
    let tilde = format!("Intro.\n\n~~~\n{CLAIM}\n\n{CLAIM}\n");
    write(dir.path(), "comment.md", &comment);
    write(dir.path(), "fence.md", &fence);
    write(dir.path(), "tilde.md", &tilde);
    for name in ["comment.md", "fence.md", "tilde.md"] {
        let o = run(dir.path(), &["check", "--format", "jsonl", name]);
        // CommonMark: an unclosed comment or fence runs to the end of the document, so what
        // follows is markup, not prose, and yields no finding.
        assert_clean_exit(&o, &[0]);
        assert!(diagnostics(&o).is_empty(), "{name}: {}", stdout(&o));
    }
}

#[test]
fn unclosed_quotation_mark_in_a_large_file() {
    // A quotation mark opened and never closed, then prose with figures. The issue asks for 1 MB;
    // 128 KB keeps a debug build within seconds (release handles 1 MB in about a second).
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("He said \"this is where it began. ");
    let para = "The mill employed 1,480 workers in 1899. Few of them stayed. ";
    let mut n = 0;
    while text.len() < 128 << 10 {
        text.push_str(para);
        n += 1;
        if n % 10 == 0 {
            text.push_str("\n\n");
        }
    }
    for (name, quote) in [
        ("straight.txt", "\""),
        ("curly.md", "“"),
        ("guillemet.txt", "«"),
    ] {
        write(dir.path(), name, text.replacen('"', quote, 1));
        let o = run(dir.path(), &["check", "--format", "concise", name]);
        assert_clean_exit(&o, &[0, 1]);
    }
}

fn pathological(cases: &[(&str, String)]) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in cases {
        write(dir.path(), name, text);
        let o = run(dir.path(), &["check", "--format", "jsonl", name]);
        assert_clean_exit(&o, &[0, 1]);
        check_spans(text, &diagnostics(&o));
        let o = run(dir.path(), &["figures", "--format", "jsonl", name]);
        assert_clean_exit(&o, &[0]);
        for line in stdout(&o).lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            if let (Some(lo), Some(hi)) = (v["low"].as_f64(), v["high"].as_f64()) {
                assert!(lo <= hi, "{name}: {v}");
            }
        }
    }
}

#[test]
fn pathological_numbers() {
    pathological(&[
        // "1,1,1,…" is kept at 512 bytes here; the megabyte has its own test below.
        ("commas.txt", "1,".repeat(256) + "1 people.\n"),
        (
            "digits.txt",
            format!("There were {} people.\n", "7".repeat(10_000)),
        ),
        (
            "millions.txt",
            format!("Some {} people.\n", "million ".repeat(1_000)),
        ),
        (
            "mixed.txt",
            format!(
                "About {} and {}% and {}–{} people.\n",
                "9".repeat(400),
                "1.".repeat(2000) + "5",
                "0".repeat(300),
                "-".repeat(3000)
            ),
        ),
        (
            "hedges.txt",
            "more than about nearly up to ".repeat(300) + "5 people.\n",
        ),
    ]);
}

#[test]
fn a_megabyte_of_comma_separated_ones() {
    // 524,289 findings: checked in the concise format (one line each) rather than parsed as
    // JSON, which would cost the test far more than factlint.
    let dir = tempfile::tempdir().unwrap();
    let ones = 512 * 1024 + 1;
    write(
        dir.path(),
        "commas.txt",
        &("1,".repeat(ones - 1) + "1 people.\n"),
    );
    let o = run(dir.path(), &["check", "--format", "concise", "commas.txt"]);
    assert_clean_exit(&o, &[1]);
    let out = stdout(&o);
    let findings: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("commas.txt:"))
        .collect();
    assert_eq!(findings.len(), ones, "one finding per number");
    // Each "1" is at column 2k+1 of line 1, in order.
    for (k, line) in findings.iter().enumerate().step_by(4099) {
        assert!(
            line.starts_with(&format!("commas.txt:1:{}: ", 2 * k + 1)),
            "{k}: {line}"
        );
    }
    assert!(findings[ones - 1].starts_with(&format!("commas.txt:1:{}: ", 2 * ones - 1)));
}

#[test]
fn rtl_marks_and_combining_characters_next_to_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Some \u{200F}400,000\u{200F} people left.\n\
                The \u{202E}1234\u{202C} wagons were lost.\n\
                About 4\u{0301}00 people and 7\u{20E3} ships were counted.\n\
                النسبة ٤٥٪ and some 35\u{200E}% of crates.\n\
                Nearly 1\u{FE0F}\u{20E3}2 people and ２００ more.\n";
    write(dir.path(), "rtl.txt", text);
    write(dir.path(), "rtl.md", text);
    for name in ["rtl.txt", "rtl.md"] {
        let o = run(dir.path(), &["check", "--format", "jsonl", name]);
        assert_clean_exit(&o, &[0, 1]);
        let texts = check_spans(text, &diagnostics(&o));
        assert!(
            texts.iter().any(|t| t.contains("400,000")),
            "{name}: {texts:?}"
        );
    }
}

#[cfg(unix)]
#[test]
fn dangling_symlinks_and_symlink_loops() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docs/ok.md", "Nothing here.\n");
    symlink("nowhere.md", dir.path().join("docs/dangling.md")).unwrap();
    symlink("loop.md", dir.path().join("docs/loop.md")).unwrap();
    symlink(".", dir.path().join("docs/self")).unwrap();
    // Walking a folder: links are not followed, so neither a dangling link nor a loop matters.
    let o = run(dir.path(), &["check", "docs"]);
    assert_clean_exit(&o, &[0]);
    assert!(stdout(&o).contains("1 file checked"), "{}", stdout(&o));
    // Named explicitly: an input error naming the path, exit 2.
    let o = run(dir.path(), &["check", "docs/dangling.md"]);
    assert_clean_exit(&o, &[2]);
    assert!(
        stderr(&o).contains("docs/dangling.md: no such file or directory"),
        "{}",
        stderr(&o)
    );
    let o = run(dir.path(), &["check", "docs/loop.md"]);
    assert_clean_exit(&o, &[2]);
    assert!(stderr(&o).contains("docs/loop.md"), "{}", stderr(&o));
}

#[test]
fn nonexistent_path_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.md", "Nothing here.\n");
    let o = run(dir.path(), &["check", "ok.md", "no/such/file.md"]);
    assert_clean_exit(&o, &[2]);
    assert!(
        stderr(&o).contains("error: no/such/file.md: no such file or directory"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn folder_as_config_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.md", "Nothing here.\n");
    std::fs::create_dir(dir.path().join("conf")).unwrap();
    let o = run(dir.path(), &["check", "--config", "conf", "ok.md"]);
    assert_clean_exit(&o, &[2]);
    assert!(stderr(&o).contains("conf"), "{}", stderr(&o));
    assert!(stderr(&o).contains("folder"), "{}", stderr(&o));
}

const GOOD_RULE: &str = "id = \"my-rule\"\nkind = \"pattern\"\nsummary = \"s\"\nmessage = \"m\"\n[params]\nphrases = [\"very unique\"]\n";

#[test]
fn bad_rule_files_exit_2_with_a_diagnostic_naming_the_file() {
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        (
            "malformed",
            &[("a.toml", "id = \"x\"\nkind = \n")],
            "a.toml",
        ),
        (
            "unknown key",
            &[(
                "a.toml",
                "id = \"a-b\"\nkind = \"pattern\"\nsummary = \"s\"\nmessage = \"m\"\ncolour = 1\n",
            )],
            "unknown field",
        ),
        (
            "wrong type",
            &[(
                "a.toml",
                "id = \"a-b\"\nkind = \"pattern\"\nsummary = \"s\"\nmessage = 5\n",
            )],
            "invalid type",
        ),
        (
            "bad regex",
            &[(
                "a.toml",
                "id = \"a-b\"\nkind = \"pattern\"\nsummary = \"s\"\nmessage = \"m\"\n[params]\npattern = '(unclosed'\n",
            )],
            "regex",
        ),
        (
            "too large regex",
            &[(
                "a.toml",
                "id = \"a-b\"\nkind = \"pattern\"\nsummary = \"s\"\nmessage = \"m\"\n[params]\npattern = '(\\w{100}){100}(\\w{100}){100}'\n",
            )],
            "too large",
        ),
        (
            "bad lexicon regex",
            &[("lexicon/citations.toml", "markers = ['[unclosed']\n")],
            "citations.toml",
        ),
        (
            "duplicate ids",
            &[("a.toml", GOOD_RULE), ("b.toml", GOOD_RULE)],
            "duplicate rule id",
        ),
        ("empty rule file", &[("a.toml", "")], "empty rule file"),
    ];
    for (what, files, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "doc.md", format!("{CLAIM}\n"));
        for (name, body) in *files {
            write(dir.path(), &format!("myrules/{name}"), body);
        }
        let o = run(dir.path(), &["check", "--rules", "myrules", "doc.md"]);
        assert_clean_exit(&o, &[2]);
        let err = stderr(&o);
        assert!(err.contains(want), "{what}: {err}");
        assert!(err.contains("myrules/"), "{what}: the file is named: {err}");
        assert!(
            stdout(&o).is_empty(),
            "{what}: nothing checked: {}",
            stdout(&o)
        );
    }
    // A rule file that is not UTF-8.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "doc.md", "x\n");
    write(dir.path(), "myrules/a.toml", b"id = \"\xFF\"\n");
    let o = run(dir.path(), &["check", "--rules", "myrules", "doc.md"]);
    assert_clean_exit(&o, &[2]);
    assert!(stderr(&o).contains("myrules/a.toml"), "{}", stderr(&o));
    assert!(stderr(&o).contains("UTF-8"), "{}", stderr(&o));
    // A rules path that is not a folder.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "doc.md", "x\n");
    write(dir.path(), "file.toml", GOOD_RULE);
    for bad in ["file.toml", "missing-folder"] {
        let o = run(dir.path(), &["check", "--rules", bad, "doc.md"]);
        assert_clean_exit(&o, &[2]);
        assert!(stderr(&o).contains(bad), "{}", stderr(&o));
    }
}

#[test]
fn closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let text: String = (0..800)
        .map(|i| format!("Line {i}: some {} people left.\n", i + 10))
        .collect();
    write(dir.path(), "many.txt", &text);
    for format in ["human", "concise", "jsonl", "json"] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("factlint"))
            .current_dir(dir.path())
            .args(["check", "--format", format, "many.txt"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end at once, as `| head -0` would.
        drop(child.stdout.take());
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(
            !err.to_lowercase().contains("broken pipe"),
            "{format}: {err}"
        );
        assert!(!err.contains("panicked"), "{format}: {err}");
        assert!(status.code().is_some(), "{format}: killed by a signal");
    }
}

/// A small corpus with findings in several files and a cross-file conflict.
fn corpus(dir: &Path) {
    for i in 0..40 {
        let body = format!(
            "# Report {i}\n\nThe Harrow cooperative counted {} members in 1931.\n\nAbout {} crates were lost \"as the clerk wrote, in one night\".\n\nSee [Hale, p. {i}] for the {i} letters.\n",
            if i % 3 == 0 { 4120 } else { 4900 },
            100 + i
        );
        write(dir, &format!("c/{:02}/r{i}.md", i % 7), body);
    }
    write(
        dir,
        "c/plain.txt",
        format!("{CLAIM}\nRather, 3–5 people [1].\n"),
    );
}

#[test]
fn output_is_deterministic_across_runs_and_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    for format in ["human", "jsonl"] {
        let mut outputs = Vec::new();
        for threads in ["1", "2", "2", "4"] {
            let o = factlint(dir.path())
                .env("RAYON_NUM_THREADS", threads)
                .args(["check", "--format", format, "c"])
                .output()
                .unwrap();
            assert_clean_exit(&o, &[1]);
            outputs.push((threads, o.stdout, o.stderr));
        }
        let (_, first_out, first_err) = &outputs[0];
        assert!(!first_out.is_empty());
        for (threads, out, err) in &outputs[1..] {
            assert!(
                out == first_out,
                "{format}: stdout differs with {threads} threads"
            );
            assert!(
                err == first_err,
                "{format}: stderr differs with {threads} threads"
            );
        }
    }
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.clone(),
                    std::fs::read(&p).unwrap_or_default(),
                    meta.modified().unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn inputs_are_never_modified() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    write(dir.path(), "c/bom.md", format!("\u{feff}{CLAIM}\r\n"));
    write(dir.path(), "c/bad.txt", b"bad \xFF byte\n");
    let before = snapshot(dir.path());
    for args in [
        &["check", "c"][..],
        &["check", "--format", "json", "c"],
        &["figures", "c"],
        &["inspect", "c/plain.txt"],
    ] {
        let o = run(dir.path(), args);
        assert_clean_exit(&o, &[0, 1]);
    }
    let after = snapshot(dir.path());
    assert_eq!(before.len(), after.len(), "files were added or removed");
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b.0, a.0);
        assert!(b.1 == a.1, "{} changed", b.0.display());
        assert_eq!(b.2, a.2, "{} was touched", b.0.display());
    }
}

/// Fuzzing regressions (cargo fuzz, analyze_plain): inputs that once panicked, run through the
/// whole analysis directly (the CLI would skip them as binary, the library must not panic).
#[test]
fn fuzz_regressions_do_not_panic() {
    let rules = factlint::rules::loader::load(&[]).unwrap_or_else(|_| panic!("default rules load"));
    let cases: &[&[u8]] = &[
        // A figure candidate ending exactly at the end of the range: index out of bounds.
        b"0 t\x16\x003,33,Or 2huQ t\x16\x003,33,Or",
    ];
    for bytes in cases {
        let text = String::from_utf8_lossy(bytes).into_owned();
        for kind in [
            factlint::source::DocKind::Plain,
            factlint::source::DocKind::Markdown,
        ] {
            let file = factlint::source::SourceFile {
                path: "fuzz.txt".into(),
                text: text.clone(),
                kind,
            };
            let _ = factlint::lint::lint_file(&file, &rules);
        }
    }
}

/// Claim positions are 32-bit: a size limit past 4 GiB is refused at the flag, not honoured
/// with positions that would saturate.
#[test]
fn max_file_size_beyond_32_bits_is_refused_at_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", "About 12 people came.\n");
    let o = run(
        dir.path(),
        &["check", "a.md", "--max-file-size", "4294967296"],
    );
    assert_clean_exit(&o, &[2]);
    assert!(stderr(&o).contains("--max-file-size"), "{}", stderr(&o));
    let o = run(
        dir.path(),
        &[
            "check",
            "a.md",
            "--max-file-size",
            "4294967295",
            "--format",
            "jsonl",
        ],
    );
    assert_clean_exit(&o, &[0, 1]);
    assert_eq!(diagnostics(&o).len(), 1);
}

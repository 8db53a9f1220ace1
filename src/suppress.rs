//! Suppression directives: comments that silence findings in part of a file.
//!
//! Markdown and HTML, in comments:
//!
//! ```text
//! <!-- factlint-disable-next-line unsourced-figure -->
//! <!-- factlint-disable unsourced-figure, uncited-quote -->  …  <!-- factlint-enable -->
//! <!-- factlint-disable-file -->
//! ```
//!
//! Plain text, on a line of its own (such lines are not linted as prose):
//!
//! ```text
//! factlint: disable-next-line unsourced-figure
//! factlint: disable RULE  …  factlint: enable RULE
//! factlint: disable-file
//! ```
//!
//! No rule id means every rule. Text after ` -- ` is a free reason. A directive that suppresses
//! nothing is reported as `unused-suppression` (info), as ruff's RUF100 does.

use std::ops::Range;

use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::parse::{Block, Comment, Document};
use crate::source::LineIndex;

pub const UNUSED_RULE: &str = "unused-suppression";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    NextLine,
    Disable,
    Enable,
    File,
}

#[derive(Debug, Clone)]
struct Directive {
    kind: Kind,
    /// Rule ids; empty means all rules.
    rules: Vec<String>,
    /// 1-based lines, inclusive, that the directive covers.
    lines: Range<usize>,
    location: Location,
    used: bool,
}

/// Every directive of one file.
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    pub path: String,
    directives: Vec<Directive>,
    /// Directives covering at most `SHORT_SPAN` lines, by first line: a finding looks only at
    /// those starting within that many lines before it. A long file can hold thousands of
    /// directives and a million findings.
    short_by_start: Vec<usize>,
    /// The others (disable … enable regions, whole-file): few, tried in turn.
    long: Vec<usize>,
}

/// Directives spanning more lines than this are looked up linearly (see `Suppressions`).
const SHORT_SPAN: usize = 64;

/// Parse a comment body (`factlint-disable-next-line a b`) or a plain-text directive line
/// (`factlint: disable-next-line a b`) into kind and rules.
pub fn parse_directive(body: &str) -> Option<(Kind, Vec<String>)> {
    let body = body.trim();
    let rest = if let Some(r) = body.strip_prefix("factlint-") {
        r
    } else {
        body.strip_prefix("factlint:")?.trim_start()
    };
    let rest = rest.split(" -- ").next().unwrap_or("");
    let mut words = rest.split(|c: char| c.is_whitespace() || c == ',');
    let kind = match words.next()? {
        "disable-next-line" => Kind::NextLine,
        "disable" => Kind::Disable,
        "enable" => Kind::Enable,
        "disable-file" => Kind::File,
        _ => return None,
    };
    let rules = words
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    Some((kind, rules))
}

/// Plain text has no comments: directive lines are taken out of the prose (so they are not
/// linted) and recorded as comments, so that suppression works the same for both kinds.
pub fn extract_plain_directives(text: &str, doc: &mut Document) {
    let mut directive_blocks: Vec<Range<usize>> = Vec::new();
    for b in &doc.blocks {
        let line = &text[b.range.clone()];
        if parse_directive(line).is_some() && line.trim_start().starts_with("factlint:") {
            directive_blocks.push(b.range.clone());
            doc.comments.push(Comment {
                range: b.range.clone(),
                body: line.trim().to_string(),
            });
        }
    }
    if directive_blocks.is_empty() {
        return;
    }
    // A set: a long file can hold thousands of directive lines among a million blocks.
    let taken: rustc_hash::FxHashSet<Range<usize>> = directive_blocks.iter().cloned().collect();
    doc.blocks.retain(|b: &Block| !taken.contains(&b.range));
    doc.excluded.extend(directive_blocks);
    doc.excluded.sort_by_key(|r| (r.start, r.end));
}

fn is_blank_line(text: &str, index: &LineIndex, line: usize) -> bool {
    text[index.line_range(text, line)].trim().is_empty()
}

impl Suppressions {
    pub fn from_comments(path: &str, text: &str, index: &LineIndex, comments: &[Comment]) -> Self {
        let last_line = index.line_count();
        // (kind, rules, comment span, first line, last line)
        type Parsed = (Kind, Vec<String>, Range<usize>, usize, usize);
        let mut parsed: Vec<Parsed> = Vec::new();
        for c in comments {
            if let Some((kind, rules)) = parse_directive(&c.body) {
                let first = index.line_col(text, c.range.start).line;
                let last = index.line_col(text, c.range.end).line;
                parsed.push((kind, rules, c.range.clone(), first, last));
            }
        }
        let mut directives = Vec::new();
        for (i, (kind, rules, range, first, last)) in parsed.iter().enumerate() {
            let lines = match kind {
                Kind::Enable => continue,
                Kind::File => 1..last_line + 1,
                Kind::NextLine => {
                    // The next line with text: a blank line between directive and prose is fine.
                    let mut target = last + 1;
                    while target <= last_line && is_blank_line(text, index, target) {
                        target += 1;
                    }
                    target..target + 1
                }
                Kind::Disable => {
                    let end = parsed[i + 1..]
                        .iter()
                        .find(|(k, r, ..)| {
                            *k == Kind::Enable
                                && (r.is_empty()
                                    || rules.is_empty()
                                    || r.iter().any(|x| rules.contains(x)))
                        })
                        .map_or(last_line, |e| e.3);
                    *first..end + 1
                }
            };
            directives.push(Directive {
                kind: *kind,
                rules: rules.clone(),
                lines,
                location: Location::new(path, text, index, range.clone()),
                used: false,
            });
        }
        let (mut short_by_start, long): (Vec<usize>, Vec<usize>) =
            (0..directives.len()).partition(|&i| directives[i].lines.len() <= SHORT_SPAN);
        short_by_start.sort_by_key(|&i| directives[i].lines.start);
        Suppressions {
            path: path.to_string(),
            directives,
            short_by_start,
            long,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.directives.is_empty()
    }

    /// Whether a directive silences this finding; marks the directives that do as used.
    pub fn suppresses(&mut self, d: &Diagnostic) -> bool {
        if d.location.path != self.path || d.rule == UNUSED_RULE {
            return false;
        }
        let line = d.location.start.line;
        let Suppressions {
            directives,
            short_by_start,
            long,
            ..
        } = self;
        let from =
            short_by_start.partition_point(|&i| directives[i].lines.start + SHORT_SPAN <= line);
        let to = short_by_start.partition_point(|&i| directives[i].lines.start <= line);
        let mut hit = false;
        for &i in short_by_start[from..to.max(from)].iter().chain(long.iter()) {
            let dir = &mut directives[i];
            if dir.lines.contains(&line) && (dir.rules.is_empty() || dir.rules.contains(&d.rule)) {
                dir.used = true;
                hit = true;
            }
        }
        hit
    }

    /// Directives that silenced nothing. Those naming only rules that exist but are switched off
    /// (by configuration) are left alone: they may matter under another configuration.
    pub fn unused(&self, active: &[String], known: &[String]) -> Vec<Diagnostic> {
        self.directives
            .iter()
            .filter(|d| !d.used)
            .filter(|d| {
                d.rules.is_empty()
                    || d.rules
                        .iter()
                        .any(|r| active.contains(r) || !known.contains(r))
            })
            .map(|d| {
                let what = if d.rules.is_empty() {
                    "all rules".to_string()
                } else {
                    d.rules.join(", ")
                };
                let unknown: Vec<&String> = d.rules.iter().filter(|r| !known.contains(r)).collect();
                let mut notes = Vec::new();
                if !unknown.is_empty() {
                    notes.push(format!(
                        "no rule named {}",
                        unknown
                            .iter()
                            .map(|r| format!("`{r}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                let kind = match d.kind {
                    Kind::NextLine => "disable-next-line",
                    Kind::Disable => "disable",
                    Kind::File => "disable-file",
                    Kind::Enable => "enable",
                };
                Diagnostic {
                    rule: UNUSED_RULE.to_string(),
                    severity: Severity::Info,
                    message: format!("unused suppression `{kind}` ({what})"),
                    label: "this directive suppresses no finding".into(),
                    related: Vec::new(),
                    help: Some("remove the directive, or correct the rule id it names".into()),
                    notes: notes.into(),
                    fingerprint: crate::diagnostic::fingerprint(
                        UNUSED_RULE,
                        &d.location.path,
                        &d.location.text,
                        "",
                    ),
                    location: d.location.clone(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Many directives of every kind: the indexed lookup answers as a scan of all of them does,
    /// and marks the same directives used.
    #[test]
    fn indexed_lookup_matches_a_scan_of_every_directive() {
        let mut text = String::from("<!-- factlint-disable-file uncited-quote -->\n\n");
        for i in 0..300 {
            match i % 7 {
                0 => text.push_str("<!-- factlint-disable-next-line unsourced-figure -->\n"),
                3 => text.push_str("<!-- factlint-disable unsourced-figure -->\n"),
                5 => text.push_str("<!-- factlint-enable -->\n"),
                // Names a rule no finding has: never used.
                6 => text.push_str("<!-- factlint-disable-next-line quiet-rule -->\n"),
                _ => {}
            }
            text.push_str(&format!("Line {i} says 12 people came.\n\n"));
        }
        let file = crate::source::SourceFile {
            path: "t.md".into(),
            text: text.clone(),
            kind: crate::source::DocKind::Markdown,
        };
        let doc = crate::parse::parse(&file);
        let index = LineIndex::new(&text);
        let mut fast = Suppressions::from_comments("t.md", &text, &index, &doc.comments);
        let mut scan = fast.clone();
        assert!(!fast.short_by_start.is_empty() && !fast.long.is_empty());
        for line in 1..=index.line_count() {
            for rule in ["unsourced-figure", "uncited-quote", "other"] {
                let at = index.line_range(&text, line).start;
                let d = Diagnostic {
                    rule: rule.into(),
                    severity: Severity::Warning,
                    message: String::new(),
                    location: Location::new("t.md", &text, &index, at..at),
                    label: "".into(),
                    related: Vec::new(),
                    help: None,
                    notes: Vec::new().into(),
                    fingerprint: String::new(),
                };
                let mut expected = false;
                for dir in &mut scan.directives {
                    if dir.lines.contains(&line)
                        && (dir.rules.is_empty() || dir.rules.contains(&d.rule))
                    {
                        dir.used = true;
                        expected = true;
                    }
                }
                assert_eq!(fast.suppresses(&d), expected, "line {line}, {rule}");
            }
        }
        let used = |s: &Suppressions| s.directives.iter().map(|d| d.used).collect::<Vec<_>>();
        assert_eq!(used(&fast), used(&scan));
        assert!(used(&fast).iter().any(|u| *u) && used(&fast).iter().any(|u| !*u));
    }

    #[test]
    fn directive_forms() {
        assert_eq!(
            parse_directive("factlint-disable-next-line unsourced-figure"),
            Some((Kind::NextLine, vec!["unsourced-figure".to_string()]))
        );
        assert_eq!(
            parse_directive("factlint: disable a, b -- quoted from the report"),
            Some((Kind::Disable, vec!["a".to_string(), "b".to_string()]))
        );
        assert_eq!(
            parse_directive("factlint-disable-file"),
            Some((Kind::File, vec![]))
        );
        assert_eq!(parse_directive("factlint-frobnicate"), None);
        assert_eq!(parse_directive("a normal comment"), None);
    }

    #[test]
    fn plain_directive_lines_leave_the_prose() {
        let text = "factlint: disable-next-line x\nAbout 12 people came.\n";
        let mut doc = crate::parse::plain::parse(text);
        extract_plain_directives(text, &mut doc);
        assert_eq!(doc.blocks.len(), 1);
        assert_eq!(&text[doc.blocks[0].range.clone()], "About 12 people came.");
        assert_eq!(doc.comments.len(), 1);
    }
}

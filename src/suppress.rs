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

use crate::diagnostic::{Diagnostic, Location, Severity, Span};
use crate::parse::{Block, Comment, Document};
use crate::source::{LineCol, LineIndex};

pub const UNUSED_RULE: &str = "unused-suppression";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    NextLine,
    Disable,
    Enable,
    File,
}

/// One directive, compactly: `lint_each` keeps every file's directives to the end of the run
/// (corpus findings are filtered by them, unused ones are reported then), and a large corpus
/// holds a hundred thousand of them. Positions are `u32` (files stay below 4 GiB, as for claims;
/// a library caller with a larger text would see them saturate), the path is the one of
/// [`Suppressions`], and what many directives of a file share (kind, rule ids, source text) is
/// one [`Form`] of the file. The [`Location`] is rebuilt only for an unused directive.
#[derive(Debug, Clone)]
struct Directive {
    /// Index into [`Suppressions::forms`].
    form: u32,
    /// Byte span of the comment.
    span: [u32; 2],
    /// Line and column of the comment's start and end.
    start: [u32; 2],
    end: [u32; 2],
    /// 1-based lines the directive covers: `lines[0]..lines[1]`.
    lines: [u32; 2],
    used: bool,
}

/// What directives of one file have in common: most of a file's directives are the same comment.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Form {
    kind: Kind,
    /// Rule ids; empty means all rules.
    rules: Box<[Box<str>]>,
    /// The comment's source text.
    text: Box<str>,
}

impl Form {
    fn names(&self, rule: &str) -> bool {
        self.rules.iter().any(|r| &**r == rule)
    }

    fn covers_rule(&self, rule: &str) -> bool {
        self.rules.is_empty() || self.names(rule)
    }
}

impl Directive {
    fn covers_line(&self, line: usize) -> bool {
        (self.lines[0] as usize..self.lines[1] as usize).contains(&line)
    }
}

/// Every directive of one file.
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    pub path: String,
    directives: Vec<Directive>,
    forms: Vec<Form>,
    /// Directives covering at most `SHORT_SPAN` lines, by first line: a finding looks only at
    /// those starting within that many lines before it. A long file can hold thousands of
    /// directives and a million findings.
    short_by_start: Vec<u32>,
    /// The others (disable … enable regions, whole-file): few, tried in turn.
    long: Vec<u32>,
    /// The last line looked up and where its short directives were in `short_by_start`
    /// (from, to): a file's findings come in line order, and step these on a little each.
    last: [u32; 3],
}

/// Directives spanning more lines than this are looked up linearly (see `Suppressions`).
const SHORT_SPAN: usize = 64;

/// A position or line as a directive keeps it (see [`Directive`]).
fn narrow(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

fn narrow_line_col(p: LineCol) -> [u32; 2] {
    [narrow(p.line), narrow(p.column)]
}

fn wide_line_col(p: [u32; 2]) -> LineCol {
    LineCol {
        line: p[0] as usize,
        column: p[1] as usize,
    }
}

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
    doc.excluded.seal();
}

fn is_blank_line(text: &str, index: &LineIndex, line: usize) -> bool {
    text[index.line_range(text, line)].trim().is_empty()
}

/// The short and the long directives (see [`Suppressions`]), the short ones by first line.
fn index_directives(directives: &[Directive]) -> (Vec<u32>, Vec<u32>) {
    let (mut short_by_start, mut long): (Vec<u32>, Vec<u32>) = (0..narrow(directives.len()))
        .partition(|&i| {
            let l = directives[i as usize].lines;
            (l[1] as usize).saturating_sub(l[0] as usize) <= SHORT_SPAN
        });
    short_by_start.sort_by_key(|&i| directives[i as usize].lines[0]);
    short_by_start.shrink_to_fit();
    long.shrink_to_fit();
    (short_by_start, long)
}

/// How many items at the front of `items` satisfy `pred` (true for a prefix of them): the
/// first few tried in turn, as the next line's are mostly there, the rest searched.
fn partition_from(items: &[u32], pred: impl Fn(u32) -> bool) -> usize {
    const TRIED: usize = 4;
    for (k, &i) in items.iter().take(TRIED).enumerate() {
        if !pred(i) {
            return k;
        }
    }
    let tried = items.len().min(TRIED);
    tried + items[tried..].partition_point(|&i| pred(i))
}

impl Suppressions {
    pub fn from_comments(path: &str, text: &str, index: &LineIndex, comments: &[Comment]) -> Self {
        let last_line = index.line_count();
        // (kind, rules, comment, first line, last line)
        type Parsed<'a> = (Kind, Vec<String>, &'a Comment, usize, usize);
        let mut parsed: Vec<Parsed> = Vec::new();
        for c in comments {
            if let Some((kind, rules)) = parse_directive(&c.body) {
                let first = index.line_col(text, c.range.start).line;
                let last = index.line_col(text, c.range.end).line;
                parsed.push((kind, rules, c, first, last));
            }
        }
        let mut directives = Vec::with_capacity(parsed.len());
        let mut forms: Vec<Form> = Vec::new();
        // A comment's source text and body make its form.
        let mut form_of: rustc_hash::FxHashMap<(&str, &str), u32> = Default::default();
        for (i, (kind, rules, comment, first, last)) in parsed.iter().enumerate() {
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
            let range = comment.range.clone();
            let source = &text[range.clone()];
            let form = *form_of
                .entry((source, comment.body.as_str()))
                .or_insert_with(|| {
                    forms.push(Form {
                        kind: *kind,
                        rules: rules.iter().map(|r| r.as_str().into()).collect(),
                        text: source.into(),
                    });
                    narrow(forms.len() - 1)
                });
            directives.push(Directive {
                form,
                span: [narrow(range.start), narrow(range.end)],
                start: narrow_line_col(index.line_col(text, range.start)),
                end: narrow_line_col(index.line_col(text, range.end)),
                lines: [narrow(lines.start), narrow(lines.end)],
                used: false,
            });
        }
        directives.shrink_to_fit();
        forms.shrink_to_fit();
        let (short_by_start, long) = index_directives(&directives);
        Suppressions {
            path: path.to_string(),
            directives,
            forms,
            short_by_start,
            long,
            last: [0; 3],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.directives.is_empty()
    }

    /// Whether a directive silences this finding; marks the directives that do as used.
    pub fn suppresses(&mut self, d: &Diagnostic) -> bool {
        if *d.location.path != *self.path || &*d.rule == UNUSED_RULE {
            return false;
        }
        let line = d.location.start.line;
        let Suppressions {
            directives,
            forms,
            short_by_start,
            long,
            last,
            ..
        } = self;
        let first = |i: u32| directives[i as usize].lines[0] as usize;
        // From the last line's bounds when this one is not before it (both only grow with the
        // line), else from the start.
        let [last_line, last_from, last_to] = last.map(|x| x as usize);
        let (from, to) = if last_line <= line {
            (last_from, last_to)
        } else {
            (0, 0)
        };
        let from =
            from + partition_from(&short_by_start[from..], |i| first(i) + SHORT_SPAN <= line);
        let to = to + partition_from(&short_by_start[to..], |i| first(i) <= line);
        *last = [narrow(line), narrow(from), narrow(to)];
        let mut hit = false;
        for &i in short_by_start[from..to.max(from)].iter().chain(long.iter()) {
            let dir = &mut directives[i as usize];
            if dir.covers_line(line) && forms[dir.form as usize].covers_rule(&d.rule) {
                dir.used = true;
                hit = true;
            }
        }
        hit
    }

    /// Forget the directives that can no longer change the outcome, once the file's own findings
    /// went through [`Suppressions::suppresses`]: those already used (so not reported as unused)
    /// that name rules, none of them a corpus rule (whose findings come at the end of the run).
    /// Those left, in their order, are all the end of the run needs: the ones that may silence a
    /// corpus finding and the unused ones.
    pub fn forget_settled(&mut self, corpus_rule: impl Fn(&str) -> bool) {
        let forms = &self.forms;
        let before = self.directives.len();
        self.directives.retain(|d| {
            let form = &forms[d.form as usize];
            !d.used || form.rules.is_empty() || form.rules.iter().any(|r| corpus_rule(r))
        });
        if self.directives.len() == before {
            return;
        }
        // Keep the forms still named, in their order.
        let mut renumber = vec![None; self.forms.len()];
        for d in &self.directives {
            renumber[d.form as usize] = Some(0);
        }
        for (kept, n) in renumber.iter_mut().flatten().enumerate() {
            *n = narrow(kept);
        }
        let mut named = renumber.iter();
        self.forms
            .retain(|_| named.next().is_some_and(Option::is_some));
        for d in &mut self.directives {
            d.form = renumber[d.form as usize].unwrap_or(u32::MAX);
        }
        self.directives.shrink_to_fit();
        self.forms.shrink_to_fit();
        (self.short_by_start, self.long) = index_directives(&self.directives);
        self.last = [0; 3];
    }

    /// Directives that silenced nothing. Those naming only rules that exist but are switched off
    /// (by configuration) are left alone: they may matter under another configuration.
    pub fn unused(&self, active: &[String], known: &[String]) -> Vec<Diagnostic> {
        self.directives
            .iter()
            .filter(|d| !d.used)
            .map(|d| (d, &self.forms[d.form as usize]))
            .filter(|(_, f)| {
                f.rules.is_empty()
                    || f.rules.iter().any(|r| {
                        active.iter().any(|a| a == &**r) || !known.iter().any(|k| k == &**r)
                    })
            })
            .map(|(d, f)| {
                let what = if f.rules.is_empty() {
                    "all rules".to_string()
                } else {
                    f.rules.join(", ")
                };
                let unknown: Vec<&str> = f
                    .rules
                    .iter()
                    .map(|r| &**r)
                    .filter(|r| !known.iter().any(|k| k == r))
                    .collect();
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
                let kind = match f.kind {
                    Kind::NextLine => "disable-next-line",
                    Kind::Disable => "disable",
                    Kind::File => "disable-file",
                    Kind::Enable => "enable",
                };
                let location = Location {
                    path: self.path.as_str().into(),
                    span: Span {
                        start: d.span[0] as usize,
                        end: d.span[1] as usize,
                    },
                    start: wide_line_col(d.start),
                    end: wide_line_col(d.end),
                    text: f.text.to_string().into(),
                };
                Diagnostic {
                    rule: UNUSED_RULE.into(),
                    severity: Severity::Info,
                    message: format!("unused suppression `{kind}` ({what})").into(),
                    label: "this directive suppresses no finding".into(),
                    related: Vec::new(),
                    help: Some("remove the directive, or correct the rule id it names".into()),
                    notes: notes.into(),
                    fingerprint: crate::diagnostic::fingerprint(
                        UNUSED_RULE,
                        &location.path,
                        &location.text,
                        "",
                    ),
                    location,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Markdown text parsed as the linter parses it, with its line index.
    fn parsed_markdown(path: &str, text: &str) -> (crate::parse::Document, LineIndex) {
        let file = crate::source::SourceFile {
            path: path.into(),
            text: text.into(),
            kind: crate::source::DocKind::Markdown,
        };
        (crate::parse::parse(&file), LineIndex::new(text))
    }

    /// A finding of `rule` at the start of `line` of `text`, as a rule would report it.
    fn finding_at(rule: &str, text: &str, index: &LineIndex, line: usize) -> Diagnostic {
        let at = index.line_range(text, line).start;
        Diagnostic {
            rule: rule.into(),
            severity: Severity::Warning,
            message: Default::default(),
            location: Location::new("t.md".into(), text, index, at..at),
            label: "".into(),
            related: Vec::new(),
            help: None,
            notes: Vec::new().into(),
            fingerprint: Default::default(),
        }
    }

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
        let (doc, index) = parsed_markdown("t.md", &text);
        let mut fast = Suppressions::from_comments("t.md", &text, &index, &doc.comments);
        let mut scan = fast.clone();
        assert!(!fast.short_by_start.is_empty() && !fast.long.is_empty());
        for line in 1..=index.line_count() {
            for rule in ["unsourced-figure", "uncited-quote", "other"] {
                let d = finding_at(rule, &text, &index, line);
                let expected = suppresses_by_scan(&mut scan, &d);
                assert_eq!(fast.suppresses(&d), expected, "line {line}, {rule}");
            }
        }
        let used = |s: &Suppressions| s.directives.iter().map(|d| d.used).collect::<Vec<_>>();
        assert_eq!(used(&fast), used(&scan));
        assert!(used(&fast).iter().any(|u| *u) && used(&fast).iter().any(|u| !*u));
    }

    /// [`Suppressions::suppresses`] by a scan of every directive, its oracle.
    fn suppresses_by_scan(s: &mut Suppressions, d: &Diagnostic) -> bool {
        let line = d.location.start.line;
        let mut hit = false;
        for dir in &mut s.directives {
            let rules = &s.forms[dir.form as usize].rules;
            if (dir.lines[0] as usize..dir.lines[1] as usize).contains(&line)
                && (rules.is_empty() || rules.iter().any(|r| **r == *d.rule))
            {
                dir.used = true;
                hit = true;
            }
        }
        hit
    }

    /// Directives every few lines, short and long, and findings on lines in `order`.
    fn assert_lookups_in_order_match_a_scan(order: &[usize]) {
        let mut text = String::new();
        for i in 0..120 {
            match i % 9 {
                0 | 4 => text.push_str("<!-- factlint-disable-next-line fig -->\n"),
                2 => text.push_str("<!-- factlint-disable-next-line -->\n\n"),
                7 if i % 5 == 0 => text.push_str("<!-- factlint-disable fig -->\n"),
                8 if i % 4 == 0 => text.push_str("<!-- factlint-enable -->\n"),
                _ => {}
            }
            text.push_str(&format!("Line {i} says 12 people came.\n"));
        }
        let (doc, index) = parsed_markdown("t.md", &text);
        let mut fast = Suppressions::from_comments("t.md", &text, &index, &doc.comments);
        let mut scan = fast.clone();
        let lines = index.line_count();
        for &k in order {
            let line = k % lines + 1;
            for rule in ["fig", "other"] {
                let d = finding_at(rule, &text, &index, line);
                let expected = suppresses_by_scan(&mut scan, &d);
                assert_eq!(
                    fast.suppresses(&d),
                    expected,
                    "line {line}, {rule}, {order:?}"
                );
            }
        }
        let used = |s: &Suppressions| s.directives.iter().map(|d| d.used).collect::<Vec<_>>();
        assert_eq!(used(&fast), used(&scan));
    }

    #[test]
    fn lookups_in_any_order_match_a_scan() {
        let all: Vec<usize> = (0..400).collect();
        let back: Vec<usize> = (0..400).rev().collect();
        let jumps: Vec<usize> = (0..400).map(|k| k * 37 % 401).collect();
        for order in [&all[..], &back, &jumps, &[5, 5, 300, 4, 4, 299, 0, 399]] {
            assert_lookups_in_order_match_a_scan(order);
        }
    }

    proptest::proptest! {
        #[test]
        fn lookups_in_mostly_rising_order_match_a_scan(
            steps in proptest::collection::vec((0usize..120, proptest::bool::weighted(0.1)), 0..60),
        ) {
            // Rising by small steps, with a jump back now and then.
            let mut at = 0;
            let order: Vec<usize> = steps
                .iter()
                .map(|&(step, back)| {
                    at = if back { at / 3 } else { at + step / 8 };
                    at
                })
                .collect();
            assert_lookups_in_order_match_a_scan(&order);
        }
    }

    /// Forgetting the settled directives after a file's own findings changes nothing at the end
    /// of the run: corpus findings are silenced as before, the same directives are reported
    /// unused, in the same order.
    #[test]
    fn forgetting_settled_directives_changes_no_outcome() {
        let mut text = String::from("<!-- factlint-disable-file conflict -->\n\n");
        for i in 0..200 {
            match i % 5 {
                0 => text.push_str("<!-- factlint-disable-next-line figure -->\n"),
                1 => text.push_str("<!-- factlint-disable-next-line figure, conflict -->\n"),
                2 => text.push_str("<!-- factlint-disable-next-line -->\n"),
                3 => text.push_str("<!-- factlint-disable figure -->\n"),
                _ => text.push_str("<!-- factlint-enable -->\n"),
            }
            text.push_str(&format!("Line {i} says 12 people came.\n\n"));
        }
        let (doc, index) = parsed_markdown("t.md", &text);
        let finding = |rule: &str, line: usize| finding_at(rule, &text, &index, line);
        let mut kept = Suppressions::from_comments("t.md", &text, &index, &doc.comments);
        // The file's own findings: every fourth line.
        for line in (1..=index.line_count()).step_by(4) {
            kept.suppresses(&finding("figure", line));
        }
        let mut forgot = kept.clone();
        forgot.forget_settled(|id| id == "conflict");
        assert!(forgot.directives.len() < kept.directives.len());
        assert!(forgot.forms.len() < kept.forms.len());
        // Corpus findings, then the unused report.
        for line in (1..=index.line_count()).step_by(3) {
            let d = finding("conflict", line);
            assert_eq!(kept.suppresses(&d), forgot.suppresses(&d), "line {line}");
        }
        let rules = ["figure".to_string(), "conflict".to_string()];
        let (a, b) = (kept.unused(&rules, &rules), forgot.unused(&rules, &rules));
        assert!(!a.is_empty());
        assert_eq!(a, b);
        // With no corpus rule, only the used directives naming all rules stay.
        forgot.forget_settled(|_| false);
        let all_rules = |d: &Directive| forgot.forms[d.form as usize].rules.is_empty();
        assert!(forgot.directives.iter().all(|d| !d.used || all_rules(d)));
        assert_eq!(forgot.unused(&rules, &rules), a);
    }

    /// A directive is held to the end of the run: a corpus holds a hundred thousand of them.
    #[test]
    fn a_directive_stays_small() {
        assert_eq!(std::mem::size_of::<Directive>(), 40);
    }

    /// The directives of a file share their forms, and an unused one is reported at its place,
    /// with the location a fresh `Location` of its comment has.
    #[test]
    fn forms_are_shared_and_locations_rebuilt() {
        let text = "# T\n\n<!-- factlint-disable-next-line quiet-rule -->\nA line.\n\n\
                    <!-- factlint-disable-next-line quiet-rule -->\nÀ line.\n\n\
                    <!-- factlint-disable x, y -- why -->\nMore.\n<!-- factlint-enable -->\n";
        let (doc, index) = parsed_markdown("f.md", text);
        let s = Suppressions::from_comments("f.md", text, &index, &doc.comments);
        assert_eq!(s.directives.len(), 3);
        assert_eq!(s.forms.len(), 2);
        let unused = s.unused(&[], &["x".to_string()]);
        assert_eq!(unused.len(), 3);
        for (u, c) in unused.iter().zip(doc.comments.iter()) {
            assert_eq!(
                u.location,
                Location::new("f.md".into(), text, &index, c.range.clone())
            );
        }
        assert_eq!(unused[2].message, "unused suppression `disable` (x, y)");
        assert_eq!(&*unused[2].notes, ["no rule named `y`".to_string()]);
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

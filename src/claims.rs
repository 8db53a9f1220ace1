//! Claims: every figure as a statement about a quantity — a value interval and a key (what is
//! measured, about what, when) — plus where its source comes from. The figure index
//! (`factlint figures`) prints them; `conflicting-figure` groups them across the corpus.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use crate::diagnostic::Span;
use crate::extract::{Analysis, Scope, SourceStatus};
use crate::source::{LineCol, LineIndex, SourceFile};

/// Where a claim's source comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimSource {
    /// `cited`, `attributed` or `none`.
    pub status: &'static str,
    /// The citation or attribution text, when there is one.
    pub text: Option<String>,
}

/// What a claim is about. Empty fields are unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ClaimKey {
    pub measure: Option<String>,
    pub subject: Option<String>,
    pub period: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub span: Span,
    pub end: LineCol,
    pub text: String,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub approx: bool,
    /// Place value of the last significant digit as written (for rounding tolerance).
    pub unit: f64,
    pub kind: crate::extract::numbers::NumberKind,
    #[serde(flatten)]
    pub key: ClaimKey,
    pub source: ClaimSource,
    /// The sentence the figure stands in (for keys, fingerprints and display).
    #[serde(skip)]
    pub sentence: String,
    /// The figure is inside a quotation.
    pub quoted: bool,
    /// "13 of 15" → 15: a part of a stated whole.
    #[serde(skip)]
    pub denominator: Option<f64>,
}

/// The claims of one file, in order. Keys are filled by [`key_of`].
pub fn claims_of(file: &SourceFile, a: &Analysis, index: &LineIndex) -> Vec<Claim> {
    let t = &file.text;
    a.figures
        .iter()
        .map(|f| {
            let start = index.line_col(t, f.m.span.start);
            let source = match a.source_of(f.sentence, Scope::Auto) {
                SourceStatus::Cited(c) => ClaimSource {
                    status: "cited",
                    text: Some(crate::diagnostic::normalise_ws(
                        &t[a.citations[c].range.clone()],
                    )),
                },
                SourceStatus::Attributed(x) => ClaimSource {
                    status: "attributed",
                    text: Some(crate::diagnostic::normalise_ws(
                        &t[a.attributions[x].range.clone()],
                    )),
                },
                SourceStatus::None => ClaimSource {
                    status: "none",
                    text: None,
                },
            };
            let sentence_range = a.sentences[f.sentence].range.clone();
            Claim {
                path: file.path.clone(),
                line: start.line,
                column: start.column,
                span: Span {
                    start: f.m.span.start,
                    end: f.m.span.end,
                },
                end: index.line_col(t, f.m.span.end),
                text: t[f.m.span.clone()].to_string(),
                low: f.m.low,
                high: f.m.high,
                approx: f.m.approx,
                unit: f.m.unit,
                kind: f.m.kind,
                key: key_of(file, a, f),
                source,
                sentence: t[sentence_range].to_string(),
                quoted: f.quotation.is_some(),
                denominator: f.m.denominator,
            }
        })
        .collect()
}

/// The measure lexicon as written in `rules/lexicon/measures.toml`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureLexicon {
    #[serde(default)]
    pub measure: Vec<MeasureSpec>,
    #[serde(default)]
    pub subject: Vec<SubjectSpec>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureSpec {
    pub name: String,
    pub words: Vec<toml::Spanned<String>>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectSpec {
    #[serde(default)]
    pub name: Option<String>,
    pub pattern: toml::Spanned<String>,
}

/// The measure lexicon, compiled.
#[derive(Debug, Clone)]
pub struct Measures {
    measures: Vec<(String, Regex)>,
    subjects: Vec<(Option<String>, Regex)>,
    year: Regex,
}

/// The embedded measure lexicon.
pub const EMBEDDED_MEASURES: &str = include_str!("../rules/lexicon/measures.toml");

impl Measures {
    /// Compile a lexicon; an error carries the span of the offending entry in its TOML file.
    pub fn new(
        lex: &MeasureLexicon,
    ) -> Result<Measures, crate::extract::lexicon_regex::PatternError> {
        use crate::extract::lexicon_regex::{PatternError, compile_one};
        let mut measures = Vec::new();
        for m in &lex.measure {
            let mut alts = Vec::new();
            for w in &m.words {
                let words: Vec<String> =
                    w.get_ref().split_whitespace().map(regex::escape).collect();
                if words.is_empty() {
                    return Err(PatternError {
                        span: w.span(),
                        message: "empty measure word".into(),
                    });
                }
                alts.push(words.join(r"\s+"));
            }
            let re =
                compile_one(&format!(r"(?i)\b(?:{})\b", alts.join("|"))).map_err(|message| {
                    PatternError {
                        span: m.words.first().map(|w| w.span()).unwrap_or(0..0),
                        message,
                    }
                })?;
            measures.push((m.name.clone(), re));
        }
        let mut subjects = Vec::new();
        for s in &lex.subject {
            let re = compile_one(s.pattern.get_ref()).map_err(|message| PatternError {
                span: s.pattern.span(),
                message,
            })?;
            subjects.push((s.name.clone(), re));
        }
        Ok(Measures {
            measures,
            subjects,
            year: Regex::new(r"\b(1[6-9]\d\d|20\d\d)(?:\s*[-–—/]\s*(\d{2,4})\b)?")
                .expect("year regex"),
        })
    }

    /// The embedded lexicon, compiled once.
    pub fn embedded() -> &'static Measures {
        static M: OnceLock<Measures> = OnceLock::new();
        M.get_or_init(|| {
            let lex: MeasureLexicon =
                toml::from_str(EMBEDDED_MEASURES).expect("embedded measures lexicon parses");
            Measures::new(&lex).expect("embedded measures lexicon compiles")
        })
    }

    /// The key of the figure at `fig` (byte range within `sentence`).
    pub fn key(&self, sentence: &str, fig: Range<usize>) -> ClaimKey {
        ClaimKey {
            measure: self.measure(sentence, fig.clone()),
            subject: self.subject(sentence),
            period: self.period(sentence, fig),
        }
    }

    fn measure(&self, sentence: &str, fig: Range<usize>) -> Option<String> {
        // The clause after the figure, up to a clause break, at most four words.
        let after = &sentence[fig.end..];
        let cut = after
            .find([',', ';', ':', '(', ')', '[', '–', '—', '.', '!', '?'])
            .unwrap_or(after.len())
            .min(word_limit(after, 4));
        let after = &after[..cut];
        let mut best: Option<(usize, &str)> = None;
        for (name, re) in &self.measures {
            if let Some(m) = re.find(after)
                && best.is_none_or(|(at, _)| m.start() < at)
            {
                best = Some((m.start(), name));
            }
        }
        if let Some((_, name)) = best {
            return Some(name.to_string());
        }
        // Else the words just before it, within its clause.
        let before = &sentence[..fig.start];
        let from = before
            .rfind([',', ';', ':', '(', ')', '[', '–', '—', '.'])
            .map(|i| i + before[i..].chars().next().map_or(1, char::len_utf8))
            .unwrap_or(0)
            .max(last_words(before, 3));
        let before = &before[from..];
        let mut best: Option<(usize, &str)> = None;
        for (name, re) in &self.measures {
            if let Some(m) = re.find_iter(before).last()
                && best.is_none_or(|(at, _)| m.end() > at)
            {
                best = Some((m.end(), name));
            }
        }
        best.map(|(_, n)| n.to_string())
    }

    fn subject(&self, sentence: &str) -> Option<String> {
        for (name, re) in &self.subjects {
            if let Some(c) = re.captures(sentence) {
                return Some(match name {
                    Some(n) => n.clone(),
                    None => {
                        let g = c.get(1).unwrap_or_else(|| c.get(0).expect("match"));
                        crate::diagnostic::normalise_ws(g.as_str()).to_lowercase()
                    }
                });
            }
        }
        None
    }

    /// The year or span of years nearest the figure in its sentence ("1937–38").
    fn period(&self, sentence: &str, fig: Range<usize>) -> Option<String> {
        let mut best: Option<(usize, String)> = None;
        for c in self.year.captures_iter(sentence) {
            let m = c.get(0).expect("match");
            if m.start() < fig.end && fig.start < m.end() {
                continue;
            }
            let dist = if m.start() >= fig.end {
                m.start() - fig.end
            } else {
                fig.start.saturating_sub(m.end())
            };
            let y1: u32 = c[1].parse().unwrap_or(0);
            let text = match c.get(2) {
                Some(e) => {
                    let e = e.as_str();
                    let y2: u32 = if e.len() == 2 {
                        y1 / 100 * 100 + e.parse::<u32>().unwrap_or(0)
                    } else {
                        e.parse().unwrap_or(0)
                    };
                    if y2 > y1 && y2 - y1 < 50 {
                        format!("{y1}–{:02}", y2 % 100)
                    } else {
                        y1.to_string()
                    }
                }
                None => y1.to_string(),
            };
            if best.as_ref().is_none_or(|(d, _)| dist < *d) {
                best = Some((dist, text));
            }
        }
        best.map(|(_, t)| t)
    }
}

/// The years a period covers, inclusive.
pub fn period_years(p: &str) -> Option<(u32, u32)> {
    let mut it = p.split('–');
    let a: u32 = it.next()?.parse().ok()?;
    match it.next() {
        Some(b) => {
            let b: u32 = b.parse().ok()?;
            Some((a, a / 100 * 100 + b))
        }
        None => Some((a, a)),
    }
}

/// Byte length of the first `n` words of `s` (with the spaces before them).
fn word_limit(s: &str, n: usize) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for (i, ch) in s.char_indices() {
        if ch.is_whitespace() {
            if in_word {
                words += 1;
                in_word = false;
                if words == n {
                    return i;
                }
            }
        } else {
            in_word = true;
        }
    }
    s.len()
}

/// Byte offset where the last `n` words of `s` begin.
fn last_words(s: &str, n: usize) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for (i, ch) in s.char_indices().rev() {
        if ch.is_whitespace() {
            if in_word {
                words += 1;
                in_word = false;
                if words == n {
                    return i + ch.len_utf8();
                }
            }
        } else {
            in_word = true;
        }
    }
    0
}

/// The claim key of a figure: measure, subject and period from its sentence.
pub fn key_of(file: &SourceFile, a: &Analysis, f: &crate::extract::Figure) -> ClaimKey {
    let s = a.sentences[f.sentence].range.clone();
    let sentence = &file.text[s.clone()];
    let fig = f.m.span.start.saturating_sub(s.start)..f.m.span.end.saturating_sub(s.start);
    if fig.end > sentence.len() {
        return ClaimKey::default();
    }
    Measures::embedded().key(sentence, fig)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_table() {
        let m = Measures::embedded();
        // (sentence, figure, measure, subject, period)
        let cases = [
            (
                "Of 2,410 delegates to the 12th Party Congress, 1,205 were arrested.",
                "2,410",
                Some("delegates"),
                Some("12th"),
                None,
            ),
            (
                "Of 2,410 delegates to the 12th Party Congress, 1,205 were arrested.",
                "1,205",
                Some("arrests"),
                Some("12th"),
                None,
            ),
            (
                "In 1951-52 the Baltic operation saw 41,300 people shot.",
                "41,300",
                Some("executions"),
                Some("baltic"),
                Some("1951–52"),
            ),
            ("The river is 300 km long.", "300", None, None, None),
        ];
        for (s, fig, measure, subject, period) in cases {
            let at = s.find(fig).unwrap();
            let k = m.key(s, at..at + fig.len());
            assert_eq!(k.measure.as_deref(), measure, "{s}");
            assert_eq!(k.subject.as_deref(), subject, "{s}");
            assert_eq!(k.period.as_deref(), period, "{s}");
        }
    }

    #[test]
    fn periods() {
        assert_eq!(period_years("1937–38"), Some((1937, 1938)));
        assert_eq!(period_years("1934"), Some((1934, 1934)));
    }
}

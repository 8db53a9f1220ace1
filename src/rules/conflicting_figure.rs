//! `conflicting-figure`: the same quantity (measure, subject, period) stated with values that
//! cannot both hold, anywhere in the corpus. One diagnostic per quantity, not per pair.
//!
//! Grouping is by hash of the key and the conflict test per group is a sweep over the extreme
//! bounds, so the work is linear in the number of claims.

use std::collections::{HashMap, HashSet};

use super::loader::SpecError;
use super::{FileContext, Rule, RuleMeta, RuleSpec};
use crate::claims::{Claim, period_years};
use crate::diagnostic::{Diagnostic, Location, Related};
use crate::extract::numbers::NumberKind;
use crate::interval::{DEFAULT_APPROX_TOLERANCE, Interval};

pub struct ConflictingFigure {
    meta: RuleMeta,
    max_related: usize,
    approx_tolerance: f64,
    show_agreeing: bool,
}

pub fn build(spec: &RuleSpec, mut meta: RuleMeta) -> Result<Box<dyn Rule>, SpecError> {
    let p = &spec.params;
    if let Some(t) = &p.target {
        return Err(SpecError::at(
            t.span(),
            "`target` is not a parameter of `conflicting-figure`",
            "remove this",
        ));
    }
    let max_related = p.max_related.unwrap_or(20);
    let approx_tolerance = p.approx_tolerance.unwrap_or(DEFAULT_APPROX_TOLERANCE);
    if !(0.0..1.0).contains(&approx_tolerance) {
        return Err(SpecError::at(
            spec.kind.span(),
            "`approx-tolerance` must be between 0 and 1",
            "in the rule of this kind",
        ));
    }
    let show_agreeing = p.show_agreeing.unwrap_or(false);
    meta.params = vec![
        ("max-related".into(), max_related.to_string()),
        ("approx-tolerance".into(), approx_tolerance.to_string()),
        ("show-agreeing".into(), show_agreeing.to_string()),
    ];
    Ok(Box::new(ConflictingFigure {
        meta,
        max_related,
        approx_tolerance,
        show_agreeing,
    }))
}

/// Whether a claim can take part in a comparison at all.
fn comparable(c: &Claim) -> bool {
    let top = c.high.or(c.low).unwrap_or(0.0);
    c.key.measure.is_some()
        && (c.low.is_some() || c.high.is_some())
        && !matches!(c.kind, NumberKind::Relative | NumberKind::Fraction)
        && c.denominator.is_none()
        && top >= 5.0
}

const STOPWORDS: &[&str] = &[
    "that",
    "this",
    "with",
    "from",
    "were",
    "have",
    "been",
    "which",
    "their",
    "there",
    "they",
    "than",
    "more",
    "into",
    "also",
    "only",
    "some",
    "about",
    "other",
    "these",
    "those",
    "would",
    "could",
    "after",
    "before",
    "over",
    "under",
    "when",
    "what",
    "them",
    "then",
    "such",
    "most",
    "many",
    "much",
    "each",
    "where",
    "while",
    "whom",
    "whose",
    "being",
    "according",
    "between",
    "number",
    "total",
    "figure",
    "figures",
    "least",
    "people",
    "persons",
];

/// The content words of a sentence: what two statements of one quantity tend to share.
fn content_words(s: &str) -> HashSet<String> {
    s.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .map(|w| w.trim_end_matches('s').to_string())
        .collect()
}

fn similar(a: &HashSet<String>, b: &HashSet<String>, threshold: f64) -> bool {
    let shared = a.intersection(b).count();
    let union = a.len() + b.len() - shared;
    union > 0 && shared as f64 / union as f64 >= threshold
}

type GroupKey<'a> = (&'a str, Option<&'a str>, bool);

impl ConflictingFigure {
    fn interval(&self, c: &Claim) -> Interval {
        Interval::of(c.low, c.high, c.approx, self.approx_tolerance)
    }

    /// Groups of claims stating one quantity: same measure and subject, overlapping periods.
    /// A claim without a period joins the one dated group of its measure and subject, if there is
    /// exactly one; otherwise it stays with the undated.
    fn groups<'a>(&self, claims: &'a [Claim]) -> Vec<Vec<&'a Claim>> {
        let mut by_key: HashMap<GroupKey<'a>, Vec<&'a Claim>> = HashMap::new();
        let mut order: Vec<GroupKey<'a>> = Vec::new();
        for c in claims.iter().filter(|c| comparable(c)) {
            let k = (
                c.key.measure.as_deref().unwrap_or(""),
                c.key.subject.as_deref(),
                c.kind == NumberKind::Percent,
            );
            by_key
                .entry(k)
                .or_insert_with(|| {
                    order.push(k);
                    Vec::new()
                })
                .push(c);
        }
        let mut out = Vec::new();
        for k in order {
            let members = &by_key[&k];
            // Periods: merge overlapping year spans into clusters.
            let mut spans: Vec<(u32, u32)> = members
                .iter()
                .filter_map(|c| c.key.period.as_deref().and_then(period_years))
                .collect();
            spans.sort_unstable();
            let mut clusters: Vec<(u32, u32)> = Vec::new();
            for (a, b) in spans {
                match clusters.last_mut() {
                    Some(last) if a <= last.1 => last.1 = last.1.max(b),
                    _ => clusters.push((a, b)),
                }
            }
            let mut groups: Vec<Vec<&Claim>> = vec![Vec::new(); clusters.len() + 1];
            for c in members {
                let slot = match c.key.period.as_deref().and_then(period_years) {
                    Some((a, _)) => clusters
                        .iter()
                        .position(|&(lo, hi)| lo <= a && a <= hi)
                        .unwrap_or(clusters.len()),
                    None if clusters.len() == 1 => 0,
                    None => clusters.len(),
                };
                groups[slot].push(c);
            }
            out.extend(groups.into_iter().filter(|g| g.len() > 1));
        }
        out
    }

    fn diagnostic(&self, group: &[&Claim]) -> Option<Diagnostic> {
        let ivs: Vec<Interval> = group.iter().map(|c| self.interval(c)).collect();
        // The largest lower bound and smallest upper bound, with runner-ups, to tell in one
        // pass whether each claim conflicts with some other.
        let mut lows: [Option<(f64, usize)>; 2] = [None, None];
        let mut highs: [Option<(f64, usize)>; 2] = [None, None];
        for (i, iv) in ivs.iter().enumerate() {
            if let Some(l) = iv.low {
                if lows[0].is_none_or(|(v, _)| l > v) {
                    lows[1] = lows[0];
                    lows[0] = Some((l, i));
                } else if lows[1].is_none_or(|(v, _)| l > v) {
                    lows[1] = Some((l, i));
                }
            }
            if let Some(h) = iv.high {
                if highs[0].is_none_or(|(v, _)| h < v) {
                    highs[1] = highs[0];
                    highs[0] = Some((h, i));
                } else if highs[1].is_none_or(|(v, _)| h < v) {
                    highs[1] = Some((h, i));
                }
            }
        }
        let other = |best: &[Option<(f64, usize)>; 2], i: usize| match best[0] {
            Some((_, j)) if j == i => best[1].map(|(v, _)| v),
            b => b.map(|(v, _)| v),
        };
        let conflicting: Vec<bool> = ivs
            .iter()
            .enumerate()
            .map(|(i, iv)| {
                let max_low = other(&lows, i);
                let min_high = other(&highs, i);
                let eps = 1e-9;
                matches!((iv.high, max_low), (Some(h), Some(l)) if h + eps < l)
                    || matches!((iv.low, min_high), (Some(l), Some(h)) if h + eps < l)
            })
            .collect();
        if !conflicting.iter().any(|&b| b) {
            return None;
        }
        let members: Vec<(&Claim, bool)> = group
            .iter()
            .zip(&conflicting)
            .filter(|(_, c)| **c || self.show_agreeing)
            .map(|(c, b)| (*c, *b))
            .collect();
        let (primary, _) = members[0];
        let rest = &members[1..];
        let shown = rest.len().min(self.max_related);
        let mut values = vec![format!("{} here", short(&primary.text))];
        for (c, _) in rest.iter().take(shown.min(5)) {
            if c.path == primary.path {
                values.push(format!("{} at line {}", short(&c.text), c.line));
            } else {
                values.push(format!("{} in {}", short(&c.text), file_name(&c.path)));
            }
        }
        if rest.len() > shown.min(5) {
            values.push(format!("{} more", rest.len() - shown.min(5)));
        }
        let quantity = quantity_name(primary);
        let location = location_of(primary);
        let mut notes = self.meta.notes.clone();
        if rest.len() > shown {
            notes.push(format!(
                "stated {} times in all; {} locations not shown",
                rest.len() + 1,
                rest.len() - shown
            ));
        }
        Some(Diagnostic {
            rule: self.meta.id.clone(),
            severity: self.meta.severity,
            message: format!("{quantity}: {}", values.join("; ")),
            label: self
                .meta
                .label
                .clone()
                .unwrap_or_else(|| "this figure".into()),
            related: rest
                .iter()
                .take(shown)
                .map(|(c, conflicts)| Related {
                    location: location_of(c),
                    message: if *conflicts {
                        format!("conflicting: {}", short(&c.text))
                    } else {
                        format!("agrees: {}", short(&c.text))
                    },
                })
                .collect(),
            help: self.meta.help.clone(),
            notes,
            fingerprint: crate::diagnostic::fingerprint(
                &self.meta.id,
                &primary.path,
                &primary.text,
                &format!("{quantity}|{}", primary.sentence),
            ),
            location,
        })
    }
}

/// Jaccard similarity of content words two statements need to count as one quantity.
const SIMILARITY: f64 = 0.12;

/// Above this many statements of one key, context comparison (pairwise) is skipped and the key
/// alone groups them, so that the work stays linear.
const MAX_PAIRWISE: usize = 256;

/// Connected components of statements whose sentences are alike.
fn clusters<'a>(group: &[&'a Claim], threshold: f64) -> Vec<Vec<&'a Claim>> {
    if group.len() > MAX_PAIRWISE {
        return vec![group.to_vec()];
    }
    let words: Vec<HashSet<String>> = group.iter().map(|c| content_words(&c.sentence)).collect();
    let mut parent: Vec<usize> = (0..group.len()).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for i in 0..group.len() {
        for j in i + 1..group.len() {
            if similar(&words[i], &words[j], threshold) {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    let mut by_root: HashMap<usize, Vec<&Claim>> = HashMap::new();
    let mut order = Vec::new();
    for (i, c) in group.iter().enumerate() {
        let r = root(&mut parent, i);
        by_root
            .entry(r)
            .or_insert_with(|| {
                order.push(r);
                Vec::new()
            })
            .push(c);
    }
    order
        .into_iter()
        .filter_map(|r| by_root.remove(&r))
        .collect()
}

fn short(s: &str) -> String {
    let s = crate::diagnostic::normalise_ws(s);
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(39).collect::<String>())
    } else {
        s
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn quantity_name(c: &Claim) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut head = c.key.measure.clone().unwrap_or_default();
    if let Some(s) = &c.key.subject {
        head = format!("{head} ({s})");
    }
    parts.push(head);
    if let Some(p) = &c.key.period {
        parts.push(p.clone());
    }
    parts.join(", ")
}

fn location_of(c: &Claim) -> Location {
    Location {
        path: c.path.clone(),
        span: c.span,
        start: crate::source::LineCol {
            line: c.line,
            column: c.column,
        },
        end: c.end,
        text: c.text.clone(),
    }
}

impl Rule for ConflictingFigure {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn check_file(&self, _ctx: &FileContext) -> Vec<Diagnostic> {
        Vec::new()
    }

    fn wants_claims(&self) -> bool {
        true
    }

    fn check_corpus(&self, claims: &[Claim]) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for mut g in self.groups(claims) {
            // Two figures of one measure in one sentence count different things ("at least
            // 1.7 million arrested, 1.4 million of them in the camps"): leave such sentences out.
            let mut per_sentence: HashMap<(&str, &str), usize> = HashMap::new();
            for c in &g {
                *per_sentence
                    .entry((c.path.as_str(), c.sentence.as_str()))
                    .or_default() += 1;
            }
            g.retain(|c| per_sentence[&(c.path.as_str(), c.sentence.as_str())] == 1);
            for cluster in clusters(&g, SIMILARITY) {
                if cluster.len() > 1
                    && let Some(d) = self.diagnostic(&cluster)
                {
                    out.push(d);
                }
            }
        }
        out
    }
}

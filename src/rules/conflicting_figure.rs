//! `conflicting-figure`: the same quantity (measure, subject, period) stated with values that
//! cannot both hold, anywhere in the corpus. One diagnostic per quantity, not per pair.
//!
//! Grouping is by hash of the key and the conflict test per group is a sweep over the extreme
//! bounds, so the work is linear in the number of claims.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::loader::SpecError;
use super::{FileContext, Rule, RuleMeta, RuleSpec};
use crate::claim_index::ClaimIndex;
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
    let (low, high) = (c.low.get(), c.high.get());
    let top = high.or(low).unwrap_or(0.0);
    c.key.measure.is_some()
        && (low.is_some() || high.is_some())
        && !matches!(
            c.kind,
            NumberKind::Relative | NumberKind::Fraction | NumberKind::Vague
        )
        && c.denominator.get().is_none()
        && top >= 5.0
}

type GroupKey<'a> = (&'a str, Option<&'a str>, bool);

impl ConflictingFigure {
    fn interval(&self, c: &Claim) -> Interval {
        Interval::of(c.low.get(), c.high.get(), c.approx, self.approx_tolerance)
    }

    /// Groups of claims stating one quantity: same measure and subject, overlapping periods.
    /// A claim without a period joins the one dated group of its measure and subject, if there is
    /// exactly one; otherwise it stays with the undated.
    ///
    /// `claims` are of one measure, with their arrival numbers (`seqs`); each group comes with
    /// the arrival number of the first claim of its kind (measure, qualifier, percentage or not),
    /// which orders findings across measures as if all claims had been grouped at once.
    fn groups<'a>(&self, claims: &'a [Claim], seqs: &[u32]) -> Vec<(u32, Vec<&'a Claim>)> {
        let mut by_key: FxHashMap<GroupKey<'a>, Vec<&'a Claim>> = FxHashMap::default();
        let mut order: Vec<(u32, GroupKey<'a>)> = Vec::new();
        for (c, &seq) in claims.iter().zip(seqs).filter(|(c, _)| comparable(c)) {
            let k = (
                c.key.measure.as_deref().unwrap_or(""),
                c.key.qualifier.as_deref(),
                c.kind == NumberKind::Percent,
            );
            by_key
                .entry(k)
                .or_insert_with(|| {
                    order.push((seq, k));
                    Vec::new()
                })
                .push(c);
        }
        let mut out = Vec::new();
        for (first, k) in order {
            let members = &by_key[&k];
            let groups = by_period(members);
            for g in groups.into_iter().filter(|g| g.len() > 1) {
                for g in by_subject(g) {
                    for g in by_magnitude(g) {
                        let g = near_enough(g);
                        if g.len() > 1 {
                            out.push((first, g));
                        }
                    }
                }
            }
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
        let mut notes = self.meta.notes.to_vec();
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
            message: format!("{quantity}: {}", values.join("; ")).into(),
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
            notes: notes.into(),
            fingerprint: crate::diagnostic::fingerprint(
                &self.meta.id,
                &primary.path,
                &primary.text,
                &format!("{quantity}|{:016x}", primary.sentence_digest),
            ),
            location,
        })
    }
}

/// Split statements of one measure by period: the same year or span of years, or a span that
/// holds exactly one of the other periods stated (a source's "1936–39" and another's "1937–38").
/// Statements without a period join the one period of the group, if there is exactly one.
fn by_period<'a>(members: &[&'a Claim]) -> Vec<Vec<&'a Claim>> {
    // Each statement's period read once (it was read four times), and its slot found once;
    // statements share their interned key, so each key's period is read once.
    let mut by_key: FxHashMap<usize, Option<(u32, u32)>> = FxHashMap::default();
    let years: Vec<Option<(u32, u32)>> = members
        .iter()
        .map(|c| {
            *by_key
                .entry(Arc::as_ptr(&c.key) as usize)
                .or_insert_with(|| c.key.period.as_deref().and_then(period_years))
        })
        .collect();
    let mut spans: Vec<(u32, u32)> = years.iter().flatten().copied().collect();
    spans.sort_unstable();
    spans.dedup();
    let home: Vec<usize> = spans
        .iter()
        .enumerate()
        .map(|(i, &(a, b))| {
            // The one span strictly inside this one, if exactly one (counted, not collected).
            let mut inside = spans
                .iter()
                .enumerate()
                .filter(|&(j, &(c, d))| j != i && c < d && a <= c && d <= b)
                .map(|(j, _)| j);
            let only = match (inside.next(), inside.next()) {
                (Some(j), None) => Some(j),
                _ => None,
            };
            // Only a short span (a few years) stands for a span within it (not for one year:
            // a total for 1937–38 is not the figure for 1937).
            let short = b.saturating_sub(a) <= 4;
            let outside = spans
                .iter()
                .enumerate()
                .any(|(j, &(c, d))| j != i && c <= a && b <= d);
            match only {
                Some(only) if short && !outside => only,
                _ => i,
            }
        })
        .collect();
    let mut groups: Vec<Vec<&Claim>> = vec![Vec::new(); spans.len() + 1];
    let slots: Vec<Option<usize>> = years
        .iter()
        .map(|p| {
            p.and_then(|p| spans.binary_search(&p).ok())
                .map(|i| home[i])
        })
        .collect();
    // Dated statements by file, in order, for finding the nearest one to an undated statement.
    let mut dated: FxHashMap<&str, Vec<(usize, u32, usize)>> = FxHashMap::default();
    // The one period each subject is dated with (None where its statements disagree).
    let mut by_subject_slot: FxHashMap<&str, Option<usize>> = FxHashMap::default();
    for (c, slot) in members.iter().zip(&slots) {
        let Some(slot) = *slot else { continue };
        dated
            .entry(c.path.as_str())
            .or_default()
            .push((c.span.start as usize, c.paragraph, slot));
        if let Some(sub) = c.key.subject.as_deref() {
            by_subject_slot
                .entry(sub)
                .and_modify(|s| {
                    if *s != Some(slot) {
                        *s = None
                    }
                })
                .or_insert(Some(slot));
        }
    }
    for v in dated.values_mut() {
        v.sort_unstable();
    }
    for (c, slot) in members.iter().zip(&slots) {
        let slot = match *slot {
            Some(slot) => slot,
            None => {
                // An undated statement shares the period of the dated statements of its measure
                // before it in its paragraph, or failing those in the passage around it, when
                // they agree on one.
                let start = c.span.start as usize;
                let around = dated.get(c.path.as_str()).map_or(&[][..], |v| {
                    let from = v.partition_point(|&(at, _, _)| at + NEAR < start);
                    let to = v.partition_point(|&(at, _, _)| at <= start + NEAR);
                    &v[from..to]
                });
                let in_paragraph =
                    |&(at, p, _): &(usize, u32, usize)| p == c.paragraph && at < start;
                // The slots of those in the paragraph if any, else of all around: whether they
                // agree (without collecting them).
                let agreed = if around.iter().any(in_paragraph) {
                    one_slot(around.iter().filter(|x| in_paragraph(x)))
                } else {
                    one_slot(around.iter())
                };
                match agreed {
                    Some(Some(f)) => f,
                    Some(None) => spans.len(),
                    // With a specific subject ("the 17th Congress"), the one period the group
                    // gives that subject.
                    None if !c.key.generic_subject => c
                        .key
                        .subject
                        .as_deref()
                        .and_then(|sub| by_subject_slot.get(sub).copied().flatten())
                        .unwrap_or(spans.len()),
                    None => spans.len(),
                }
            }
        };
        groups[slot].push(c);
    }
    groups
}

/// `None` for no statements, `Some(Some(slot))` when all are in one slot, `Some(None)` when
/// they disagree.
fn one_slot<'b>(mut it: impl Iterator<Item = &'b (usize, u32, usize)>) -> Option<Option<usize>> {
    let &(_, _, first) = it.next()?;
    Some(it.all(|&(_, _, s)| s == first).then_some(first))
}

/// How close (in bytes, in one file) a statement with neither subject nor period must stand to
/// another statement of its group to be compared with it: without either, only the passage
/// around it tells what it counts.
const NEAR: usize = 4000;

fn near_enough(group: Vec<&Claim>) -> Vec<&Claim> {
    // Neither subject nor period: only its own paragraph tells what the figure counts.
    let bare = |c: &Claim| c.key.subject.is_none() && c.key.period.is_none();
    // A broad subject and no period: the passage around it.
    let weak = |c: &Claim| c.key.generic_subject && c.key.period.is_none();
    let near = |a: &Claim, b: &Claim| {
        a.path == b.path
            && if bare(a) {
                a.paragraph == b.paragraph
            } else {
                a.span.start.abs_diff(b.span.start) as usize <= NEAR
            }
    };
    // In document order, the closest other statements are the neighbours: linear, not pairwise.
    let mut order: Vec<usize> = (0..group.len()).collect();
    order.sort_by(|&i, &j| document_order(group[i], group[j]));
    let mut keep = vec![false; group.len()];
    for (k, &i) in order.iter().enumerate() {
        let c = group[i];
        keep[i] = !(bare(c) || weak(c))
            || [k.checked_sub(1), Some(k + 1)]
                .into_iter()
                .flatten()
                .filter_map(|n| order.get(n))
                .any(|&j| near(c, group[j]));
    }
    group
        .into_iter()
        .zip(keep)
        .filter_map(|(c, k)| k.then_some(c))
        .collect()
}

/// Split statements of one measure and period by what they are about: different subjects are
/// different quantities; a statement without a subject joins the one subject of the group, if
/// there is exactly one, and otherwise stays with the others without one.
fn by_subject(group: Vec<&Claim>) -> Vec<Vec<&Claim>> {
    let mut subjects: Vec<&str> = group
        .iter()
        .filter_map(|c| c.key.subject.as_deref())
        .collect();
    subjects.sort_unstable();
    subjects.dedup();
    let mut out: Vec<Vec<&Claim>> = vec![Vec::new(); subjects.len() + 1];
    for c in group {
        let slot = match c.key.subject.as_deref() {
            Some(s) => subjects.binary_search(&s).unwrap_or(subjects.len()),
            None if subjects.len() == 1 => 0,
            None => subjects.len(),
        };
        out[slot].push(c);
    }
    out
}

/// Statements whose values lie further apart than this factor (with nothing in between) are
/// taken to count different things ("848 executed delegates" and "724,000 executions").
const MAX_GAP_RATIO: f64 = 40.0;

fn magnitude(c: &Claim) -> f64 {
    match (c.low.get(), c.high.get()) {
        (Some(l), Some(h)) => (l.abs() * h.abs()).sqrt().max(1.0),
        (Some(v), None) | (None, Some(v)) => v.abs().max(1.0),
        (None, None) => 1.0,
    }
}

/// Split a group where consecutive values (in order of size) jump by more than
/// [`MAX_GAP_RATIO`].
fn by_magnitude(group: Vec<&Claim>) -> Vec<Vec<&Claim>> {
    // Each magnitude worked out once, not at every comparison; the same stable sort.
    let mut sized: Vec<(f64, &Claim)> = group.into_iter().map(|c| (magnitude(c), c)).collect();
    sized.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<Vec<&Claim>> = Vec::new();
    let mut last = f64::NAN;
    for (m, c) in sized {
        match out.last_mut() {
            Some(g) if m / last <= MAX_GAP_RATIO => g.push(c),
            _ => out.push(vec![c]),
        }
        last = m;
    }
    // Back to document order, so that the first statement is the primary one.
    for g in &mut out {
        g.sort_by(|a, b| document_order(a, b));
    }
    out
}

/// `(path, start)` order; a file's claims share one path, compared by address first.
fn document_order(a: &Claim, b: &Claim) -> std::cmp::Ordering {
    if Arc::ptr_eq(&a.path, &b.path) {
        a.span.start.cmp(&b.span.start)
    } else {
        (a.path.as_str(), a.span.start).cmp(&(b.path.as_str(), b.span.start))
    }
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
    // A named claim's subject is its own id: say it once.
    if let Some(s) = c
        .key
        .subject
        .as_ref()
        .filter(|s| Some(*s) != c.key.measure.as_ref())
    {
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
        path: c.path.as_str().into(),
        span: c.span.into(),
        start: crate::source::LineCol {
            line: c.line as usize,
            column: c.column as usize,
        },
        end: c.end.into(),
        text: c.text.to_string().into(),
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

    fn check_corpus(&self, index: &ClaimIndex) -> Vec<Diagnostic> {
        let mut found: Vec<(u32, Diagnostic)> = index
            .map_measures(|claims, seqs| self.check_measure(claims, seqs))
            .into_iter()
            .flatten()
            .collect();
        // Stable: findings of one kind of quantity keep their order.
        found.sort_by_key(|&(first, _)| first);
        found.into_iter().map(|(_, d)| d).collect()
    }
}

impl ConflictingFigure {
    /// Findings among the claims of one measure, each with the arrival number that orders it.
    fn check_measure(&self, claims: &[Claim], seqs: &[u32]) -> Vec<(u32, Diagnostic)> {
        let mut out = Vec::new();
        for (first, mut g) in self.groups(claims, seqs) {
            // Two figures of one measure in one sentence count different things ("at least
            // 1.7 million arrested, 1.4 million of them in the camps"): leave such sentences out.
            let mut per_sentence: FxHashMap<(&str, u32), usize> = FxHashMap::default();
            for c in &g {
                *per_sentence
                    .entry((c.path.as_str(), c.sentence_id))
                    .or_default() += 1;
            }
            g.retain(|c| per_sentence[&(c.path.as_str(), c.sentence_id)] == 1 || c.contrasts);
            if g.len() > 1
                && let Some(d) = self.diagnostic(&g)
            {
                out.push((first, d));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use super::*;
    use crate::claims::{ClaimKey, ClaimLineCol, ClaimSource, ClaimSpan, SourceKind, intern_key};

    fn claim(file: &str, measure: &str, qualifier: Option<&str>, value: f64, text: &str) -> Claim {
        Claim {
            path: Arc::new(file.to_string()),
            line: 1,
            column: 1,
            span: ClaimSpan { start: 0, end: 5 },
            end: ClaimLineCol { line: 1, column: 6 },
            text: text.into(),
            low: Some(value).into(),
            high: Some(value).into(),
            approx: false,
            unit: 1.0,
            kind: NumberKind::Count,
            key: intern_key(ClaimKey {
                measure: Some(measure.into()),
                subject: Some("the delegates".into()),
                period: Some("1934".into()),
                qualifier: qualifier.map(str::to_string),
                generic_subject: false,
            }),
            source: ClaimSource {
                status: SourceKind::Unsourced,
                text: None,
            },
            sentence_digest: 0,
            contrasts: false,
            quoted: false,
            denominator: None.into(),
            paragraph: 0,
            sentence_id: 0,
        }
    }

    // The grouping as it was before its maps, periods and sorts were made cheaper: the
    // oracle the proptest below holds the fast grouping to.
    fn by_period_oracle<'a>(members: &[&'a Claim]) -> Vec<Vec<&'a Claim>> {
        let mut spans: Vec<(u32, u32)> = members
            .iter()
            .filter_map(|c| c.key.period.as_deref().and_then(period_years))
            .collect();
        spans.sort_unstable();
        spans.dedup();
        let home: Vec<usize> = spans
            .iter()
            .enumerate()
            .map(|(i, &(a, b))| {
                let inside: Vec<usize> = spans
                    .iter()
                    .enumerate()
                    .filter(|&(j, &(c, d))| j != i && c < d && a <= c && d <= b)
                    .map(|(j, _)| j)
                    .collect();
                // Only a short span (a few years) stands for a span within it (not for one year:
                // a total for 1937–38 is not the figure for 1937).
                let short = b.saturating_sub(a) <= 4;
                let outside = spans
                    .iter()
                    .enumerate()
                    .any(|(j, &(c, d))| j != i && c <= a && b <= d);
                match inside.as_slice() {
                    [only] if short && !outside => *only,
                    _ => i,
                }
            })
            .collect();
        let mut groups: Vec<Vec<&Claim>> = vec![Vec::new(); spans.len() + 1];
        let slot_of = |c: &Claim| {
            c.key
                .period
                .as_deref()
                .and_then(period_years)
                .and_then(|p| spans.binary_search(&p).ok())
                .map(|i| home[i])
        };
        // Dated statements by file, in order, for finding the nearest one to an undated statement.
        let mut dated: HashMap<&str, Vec<(usize, u32, usize)>> = HashMap::new();
        for c in members {
            if let Some(slot) = slot_of(c) {
                dated.entry(c.path.as_str()).or_default().push((
                    c.span.start as usize,
                    c.paragraph,
                    slot,
                ));
            }
        }
        for v in dated.values_mut() {
            v.sort_unstable();
        }
        // The one period each subject is dated with (None where its statements disagree).
        let mut by_subject_slot: HashMap<&str, Option<usize>> = HashMap::new();
        for c in members {
            if let (Some(sub), Some(slot)) = (c.key.subject.as_deref(), slot_of(c)) {
                by_subject_slot
                    .entry(sub)
                    .and_modify(|s| {
                        if *s != Some(slot) {
                            *s = None
                        }
                    })
                    .or_insert(Some(slot));
            }
        }
        for c in members {
            let slot = match slot_of(c) {
                Some(slot) => slot,
                None => {
                    // An undated statement shares the period of the dated statements of its measure
                    // before it in its paragraph, or failing those in the passage around it, when
                    // they agree on one.
                    let start = c.span.start as usize;
                    let around = dated.get(c.path.as_str()).map_or(&[][..], |v| {
                        let from = v.partition_point(|&(at, _, _)| at + NEAR < start);
                        let to = v.partition_point(|&(at, _, _)| at <= start + NEAR);
                        &v[from..to]
                    });
                    let in_paragraph: Vec<usize> = around
                        .iter()
                        .filter(|&&(at, p, _)| p == c.paragraph && at < start)
                        .map(|&(_, _, slot)| slot)
                        .collect();
                    let mut nearby: Box<dyn Iterator<Item = usize>> = if in_paragraph.is_empty() {
                        Box::new(around.iter().map(|&(_, _, slot)| slot))
                    } else {
                        Box::new(in_paragraph.into_iter())
                    };
                    let first = nearby.next();
                    match first {
                        Some(f) if nearby.all(|s| s == f) => f,
                        Some(_) => spans.len(),
                        // With a specific subject ("the 17th Congress"), the one period the group
                        // gives that subject.
                        None if !c.key.generic_subject => c
                            .key
                            .subject
                            .as_deref()
                            .and_then(|sub| by_subject_slot.get(sub).copied().flatten())
                            .unwrap_or(spans.len()),
                        None => spans.len(),
                    }
                }
            };
            groups[slot].push(c);
        }
        groups
    }

    fn near_enough_oracle(group: Vec<&Claim>) -> Vec<&Claim> {
        // Neither subject nor period: only its own paragraph tells what the figure counts.
        let bare = |c: &Claim| c.key.subject.is_none() && c.key.period.is_none();
        // A broad subject and no period: the passage around it.
        let weak = |c: &Claim| c.key.generic_subject && c.key.period.is_none();
        let near = |a: &Claim, b: &Claim| {
            a.path == b.path
                && if bare(a) {
                    a.paragraph == b.paragraph
                } else {
                    a.span.start.abs_diff(b.span.start) as usize <= NEAR
                }
        };
        // In document order, the closest other statements are the neighbours: linear, not pairwise.
        let mut order: Vec<usize> = (0..group.len()).collect();
        order.sort_by(|&i, &j| {
            (group[i].path.as_str(), group[i].span.start)
                .cmp(&(group[j].path.as_str(), group[j].span.start))
        });
        let mut keep = vec![false; group.len()];
        for (k, &i) in order.iter().enumerate() {
            let c = group[i];
            keep[i] = !(bare(c) || weak(c))
                || [k.checked_sub(1), Some(k + 1)]
                    .into_iter()
                    .flatten()
                    .filter_map(|n| order.get(n))
                    .any(|&j| near(c, group[j]));
        }
        group
            .into_iter()
            .zip(keep)
            .filter_map(|(c, k)| k.then_some(c))
            .collect()
    }

    fn by_magnitude_oracle(mut group: Vec<&Claim>) -> Vec<Vec<&Claim>> {
        group.sort_by(|a, b| magnitude(a).total_cmp(&magnitude(b)));
        let mut out: Vec<Vec<&Claim>> = Vec::new();
        let mut last = f64::NAN;
        for c in group {
            let m = magnitude(c);
            match out.last_mut() {
                Some(g) if m / last <= MAX_GAP_RATIO => g.push(c),
                _ => out.push(vec![c]),
            }
            last = m;
        }
        // Back to document order, so that the first statement is the primary one.
        for g in &mut out {
            g.sort_by(|a, b| (a.path.as_str(), a.span.start).cmp(&(b.path.as_str(), b.span.start)));
        }
        out
    }

    pub(super) fn groups_oracle<'a>(
        claims: &'a [Claim],
        seqs: &[u32],
    ) -> Vec<(u32, Vec<&'a Claim>)> {
        let mut by_key: HashMap<GroupKey<'a>, Vec<&'a Claim>> = HashMap::new();
        let mut order: Vec<(u32, GroupKey<'a>)> = Vec::new();
        for (c, &seq) in claims.iter().zip(seqs).filter(|(c, _)| comparable(c)) {
            let k = (
                c.key.measure.as_deref().unwrap_or(""),
                c.key.qualifier.as_deref(),
                c.kind == NumberKind::Percent,
            );
            by_key
                .entry(k)
                .or_insert_with(|| {
                    order.push((seq, k));
                    Vec::new()
                })
                .push(c);
        }
        let mut out = Vec::new();
        for (first, k) in order {
            let members = &by_key[&k];
            let groups = by_period_oracle(members);
            for g in groups.into_iter().filter(|g| g.len() > 1) {
                for g in by_subject(g) {
                    for g in by_magnitude_oracle(g) {
                        let g = near_enough_oracle(g);
                        if g.len() > 1 {
                            out.push((first, g));
                        }
                    }
                }
            }
        }
        out
    }

    pub(super) fn check_measure_oracle(
        rule: &ConflictingFigure,
        claims: &[Claim],
        seqs: &[u32],
    ) -> Vec<(u32, Diagnostic)> {
        let mut out = Vec::new();
        for (first, mut g) in groups_oracle(claims, seqs) {
            // Two figures of one measure in one sentence count different things ("at least
            // 1.7 million arrested, 1.4 million of them in the camps"): leave such sentences out.
            let mut per_sentence: HashMap<(&str, u32), usize> = HashMap::new();
            for c in &g {
                *per_sentence
                    .entry((c.path.as_str(), c.sentence_id))
                    .or_default() += 1;
            }
            g.retain(|c| per_sentence[&(c.path.as_str(), c.sentence_id)] == 1 || c.contrasts);
            if g.len() > 1
                && let Some(d) = rule.diagnostic(&g)
            {
                out.push((first, d));
            }
        }
        out
    }

    /// Claims of one measure are decoded together; findings still come in the order each kind
    /// of quantity first appeared in the corpus, as when all claims were grouped at once.
    #[test]
    fn findings_follow_first_appearance_across_measures() {
        let rules = crate::rules::loader::load(&[]).expect("default rules load");
        let rule = rules.get("conflicting-figure").expect("a default rule");
        let index: ClaimIndex = [
            claim("a.md", "delegates", None, 1966.0, "1,966"),
            claim("b.md", "votes", None, 2431.0, "2,431"),
            claim("c.md", "delegates", Some("average"), 40.0, "40"),
            claim("d.md", "delegates", None, 1996.0, "1,996"),
            claim("e.md", "votes", None, 2413.0, "2,413"),
            claim("f.md", "delegates", Some("average"), 55.0, "55"),
        ]
        .into_iter()
        .collect();
        let firsts: Vec<String> = rule
            .check_corpus(&index)
            .iter()
            .map(|d| d.location.text.to_string())
            .collect();
        assert_eq!(firsts, ["1,966", "2,431", "40"]);
    }
}

#[cfg(test)]
mod oracle_tests {
    use std::sync::Arc;

    use super::tests::{check_measure_oracle, groups_oracle};
    use super::*;
    use crate::claims::{ClaimKey, ClaimLineCol, ClaimSource, ClaimSpan, SourceKind, intern_key};
    use proptest::prelude::*;

    const FILES: [&str; 3] = ["a.md", "dir/b.md", "c.md"];
    const SUBJECTS: [Option<&str>; 4] = [None, Some("the delegates"), Some("the army"), Some("x")];
    const PERIODS: [Option<&str>; 7] = [
        None,
        Some("1934"),
        Some("1936–39"),
        Some("1937–38"),
        Some("1937"),
        Some("1940–41"),
        Some("late"),
    ];
    const VALUES: [f64; 9] = [
        5.0, 6.0, 40.0, 100.0, 1966.0, 1996.0, 2000.0, 681_000.0, 724_000.0,
    ];

    /// A claim from small numbers: (file, qualifier, subject, period, generic, value, paragraph,
    /// sentence, start, flags). File 3 is "a.md" again under another `Arc`; flags pick contrasts,
    /// approx, percent, a bound missing, and a key not interned.
    type Spec = (usize, usize, usize, usize, bool, usize, u32, u32, u32, u8);

    fn build(specs: &[Spec]) -> Vec<Claim> {
        let files: Vec<Arc<String>> = FILES.iter().map(|f| Arc::new(f.to_string())).collect();
        specs
            .iter()
            .map(
                |&(f, q, sub, per, generic, v, paragraph, sentence, start, flags)| {
                    let key = ClaimKey {
                        measure: Some("delegates".into()),
                        subject: SUBJECTS[sub].map(str::to_string),
                        period: PERIODS[per].map(str::to_string),
                        qualifier: [None, Some("average"), Some("total")][q].map(str::to_string),
                        generic_subject: generic,
                    };
                    let value = VALUES[v];
                    let (low, high) = match flags >> 3 & 3 {
                        1 => (Some(value), None),
                        2 => (None, Some(value)),
                        3 => (Some(value), Some(value * 1.5)),
                        _ => (Some(value), Some(value)),
                    };
                    Claim {
                        path: if f == 3 {
                            Arc::new("a.md".to_string())
                        } else {
                            files[f].clone()
                        },
                        line: start / 80 + 1,
                        column: start % 80 + 1,
                        span: ClaimSpan {
                            start,
                            end: start + 4,
                        },
                        end: ClaimLineCol {
                            line: start / 80 + 1,
                            column: start % 80 + 5,
                        },
                        text: format!("{value}").as_str().into(),
                        low: low.into(),
                        high: high.into(),
                        approx: flags & 2 != 0,
                        unit: 1.0,
                        kind: if flags & 4 != 0 {
                            NumberKind::Percent
                        } else {
                            NumberKind::Count
                        },
                        key: if flags & 32 != 0 {
                            Arc::new(key)
                        } else {
                            intern_key(key)
                        },
                        source: ClaimSource {
                            status: SourceKind::Unsourced,
                            text: None,
                        },
                        sentence_digest: u64::from(sentence),
                        contrasts: flags & 1 != 0,
                        quoted: false,
                        denominator: None.into(),
                        paragraph,
                        sentence_id: sentence,
                    }
                },
            )
            .collect()
    }

    fn rule(show_agreeing: bool) -> ConflictingFigure {
        ConflictingFigure {
            meta: crate::rules::RuleMeta {
                id: "conflicting-figure".into(),
                kind: "conflicting-figure".into(),
                severity: crate::diagnostic::Severity::Warning,
                summary: String::new(),
                message: String::new(),
                template: crate::rules::Template::new(""),
                label: None,
                help: Some("help".into()),
                notes: vec!["a note".to_string()].into(),
                explain: Default::default(),
                params: Vec::new(),
                origin: String::new(),
            },
            max_related: 3,
            approx_tolerance: DEFAULT_APPROX_TOLERANCE,
            show_agreeing,
        }
    }

    fn same(claims: &[Claim], show_agreeing: bool) {
        let seqs: Vec<u32> = (0..claims.len() as u32).map(|i| i * 2 + 1).collect();
        let r = rule(show_agreeing);
        let ptrs = |gs: Vec<(u32, Vec<&Claim>)>| -> Vec<(u32, Vec<*const Claim>)> {
            gs.into_iter()
                .map(|(s, g)| (s, g.into_iter().map(|c| c as *const Claim).collect()))
                .collect()
        };
        assert_eq!(
            ptrs(r.groups(claims, &seqs)),
            ptrs(groups_oracle(claims, &seqs))
        );
        assert_eq!(
            r.check_measure(claims, &seqs),
            check_measure_oracle(&r, claims, &seqs)
        );
    }

    #[test]
    fn grouping_equals_the_oracle_on_chosen_cases() {
        let dated = |f, per, v, p, start| (f, 0, 1, per, false, v, p, 0, start, 0u8);
        let cases: Vec<Vec<Spec>> = vec![
            vec![],
            vec![dated(0, 1, 4, 0, 10), dated(1, 1, 5, 0, 10)],
            // A short span holding one other period, and an undated statement between them.
            vec![
                dated(0, 2, 4, 0, 10),
                dated(0, 3, 5, 0, 200),
                dated(0, 0, 6, 0, 300),
                dated(3, 0, 4, 0, 300),
                dated(1, 4, 5, 1, 5000),
            ],
            // Undated statements agreeing and disagreeing with those before them.
            vec![
                dated(0, 1, 4, 0, 10),
                dated(0, 5, 5, 0, 20),
                dated(0, 0, 6, 0, 30),
                dated(0, 0, 7, 1, 9000),
                (0, 0, 0, 0, true, 8, 1, 2, 9100, 1),
                (0, 0, 0, 0, true, 7, 1, 2, 9101, 0),
                (1, 0, 3, 0, false, 4, 0, 0, 0, 32),
                (1, 0, 3, 1, false, 5, 0, 1, 7, 32),
            ],
        ];
        for specs in cases {
            let claims = build(&specs);
            same(&claims, false);
            same(&claims, true);
        }
    }

    proptest! {
        #[test]
        fn grouping_equals_the_oracle(
            specs in proptest::collection::vec(
                (0..4usize, 0..3usize, 0..4usize, 0..7usize, any::<bool>(), 0..9usize,
                 0..4u32, 0..6u32, 0..9000u32, any::<u8>()),
                0..40,
            ),
            show_agreeing: bool,
        ) {
            same(&build(&specs), show_agreeing);
        }
    }
}

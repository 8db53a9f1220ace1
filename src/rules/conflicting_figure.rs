//! `conflicting-figure`: the same quantity (measure, subject, period) stated with values that
//! cannot both hold, anywhere in the corpus. One diagnostic per quantity, not per pair.
//!
//! Grouping compares numbers (ranks of files, subjects and kinds) and sorts each kind once into
//! document order; the conflict test per group is a sweep over the extreme bounds.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::loader::SpecError;
use super::{FileContext, Rule, RuleMeta, RuleSpec};
use crate::claim_index::{ClaimIndex, intern_by_address};
use crate::claims::{Claim, ClaimKey, period_years};
use crate::diagnostic::{Diagnostic, Location, Related};
use crate::extract::numbers::NumberKind;
use crate::interval::{DEFAULT_APPROX_TOLERANCE, Interval, tolerance};

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

impl ConflictingFigure {
    fn interval(&self, c: &Claim) -> Interval {
        match (c.low.get(), c.high.get()) {
            // A single figure is its own low and high: its tolerance worked out once.
            (Some(low), Some(high)) if low.to_bits() == high.to_bits() => {
                let t = tolerance(low, c.approx, self.approx_tolerance);
                Interval {
                    low: Some(low - t),
                    high: Some(high + t),
                }
            }
            (low, high) => Interval::of(low, high, c.approx, self.approx_tolerance),
        }
    }

    /// Groups of claims stating one quantity (see [`Measure::pieces`] and
    /// [`Measure::findings`]), one after another: what `check_measure` checks, on every core.
    #[cfg(test)]
    fn groups<'a>(&self, claims: &'a [Claim], seqs: &[u32]) -> Vec<(u32, Vec<&'a Claim>)> {
        let m = Measure::new(claims);
        let mut out = Vec::new();
        for (first, members) in m.kinds(seqs) {
            for (first, g) in m.pieces(first, &members) {
                for g in m.by_magnitude(g) {
                    let g = m.near_enough(g);
                    if g.len() > 1 {
                        out.push((first, g.iter().map(|&i| &claims[i as usize]).collect()));
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

/// The claims of a measure as the grouping compares them, worked out once: files, subjects and
/// kinds of quantity as ranks (numbers in the order of their text, equal texts equal numbers),
/// so that grouping sorts and looks up numbers rather than strings. Statements are numbers into
/// `claims` (`u32`: half the room of a reference, in groups of a million).
struct Measure<'a> {
    claims: &'a [Claim],
    /// Each claim's file, by the rank of its path.
    file: Vec<u32>,
    /// Each claim's key, by its number in `keys`.
    key: Vec<u32>,
    keys: Vec<KeyFacts>,
}

/// What the grouping reads of a key.
struct KeyFacts {
    /// The rank of (measure, qualifier): with the kind of figure, what is compared at all.
    kind: u32,
    subject: Option<u32>,
    years: Option<(u32, u32)>,
    dated: bool,
    generic: bool,
}

/// For each item, its rank among the distinct items in order.
fn ranks<T: Ord>(items: &[T]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..items.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| items[a as usize].cmp(&items[b as usize]));
    let mut rank = vec![0; items.len()];
    let mut r = 0;
    for (n, w) in order.iter().enumerate() {
        if n > 0 && items[order[n - 1] as usize] != items[*w as usize] {
            r += 1;
        }
        rank[*w as usize] = r;
    }
    rank
}

/// Undated statements whose subject the group gives one period: none yet, one, or several.
#[derive(Clone, Copy, PartialEq)]
enum SubjectSlot {
    Unseen,
    One(usize),
    Mixed,
}

impl<'a> Measure<'a> {
    fn new(claims: &'a [Claim]) -> Measure<'a> {
        let (mut path_ids, mut key_ids) = (FxHashMap::default(), FxHashMap::default());
        let (mut paths, mut keys): (Vec<&str>, Vec<&ClaimKey>) = (Vec::new(), Vec::new());
        let mut file = Vec::with_capacity(claims.len());
        let mut key = Vec::with_capacity(claims.len());
        // A file's claims arrive together: look its path up once per run of them.
        let mut last = (0, 0);
        for c in claims {
            let ptr = Arc::as_ptr(&c.path) as usize;
            if ptr != last.0 || file.is_empty() {
                last = (
                    ptr,
                    intern_by_address(&mut paths, &mut path_ids, ptr, || c.path.as_str()),
                );
            }
            file.push(last.1);
            let ptr = Arc::as_ptr(&c.key) as usize;
            key.push(intern_by_address(&mut keys, &mut key_ids, ptr, || &*c.key));
        }
        let path_rank = ranks(&paths);
        for f in &mut file {
            *f = path_rank[*f as usize];
        }
        let kinds: Vec<_> = keys
            .iter()
            .map(|k| (k.measure.as_deref(), k.qualifier.as_deref()))
            .collect();
        let kind_rank = ranks(&kinds);
        let subjects: Vec<_> = keys.iter().map(|k| k.subject.as_deref()).collect();
        let subject_rank = ranks(&subjects);
        let keys = keys
            .iter()
            .enumerate()
            .map(|(i, k)| KeyFacts {
                kind: kind_rank[i],
                subject: k.subject.as_ref().map(|_| subject_rank[i]),
                years: k.period.as_deref().and_then(period_years),
                dated: k.period.is_some(),
                generic: k.generic_subject,
            })
            .collect();
        Measure {
            claims,
            file,
            key,
            keys,
        }
    }

    fn claim(&self, i: u32) -> &'a Claim {
        &self.claims[i as usize]
    }

    fn facts(&self, i: u32) -> &KeyFacts {
        &self.keys[self.key[i as usize] as usize]
    }

    /// `(file, start)`: document order.
    fn at(&self, i: u32) -> (u32, u32) {
        (self.file[i as usize], self.claim(i).span.start)
    }

    /// The comparable claims by kind of quantity (measure, qualifier, percentage or not), in
    /// order of first appearance, each kind with the arrival number of its first claim: that
    /// orders findings across measures as if all claims had been grouped at once.
    fn kinds(&self, seqs: &[u32]) -> Vec<(u32, Vec<u32>)> {
        let mut slot_of_kind: Vec<Option<usize>> = Vec::new();
        let mut out: Vec<(u32, Vec<u32>)> = Vec::new();
        for (i, (c, &seq)) in self.claims.iter().zip(seqs).enumerate() {
            if !comparable(c) {
                continue;
            }
            let i = i as u32;
            let kind = self.facts(i).kind as usize * 2 + usize::from(c.kind == NumberKind::Percent);
            if slot_of_kind.len() <= kind {
                slot_of_kind.resize(kind + 1, None);
            }
            let slot = *slot_of_kind[kind].get_or_insert_with(|| {
                out.push((seq, Vec::new()));
                out.len() - 1
            });
            out[slot].1.push(i);
        }
        // Each kind in document order from here on (stable: claims at one place in claim
        // order). A file's claims mostly arrive in that order, so the sort mostly merges runs.
        for (_, members) in &mut out {
            members.sort_by_key(|&i| self.at(i));
        }
        out
    }

    /// Statements of one kind that may state one quantity: same period (see
    /// [`Self::by_period`]) and subject (see [`Self::by_subject`]). Each piece is checked on
    /// its own.
    fn pieces(&self, first: u32, members: &[u32]) -> Vec<(u32, Vec<u32>)> {
        self.by_period(members)
            .into_iter()
            .filter(|g| g.len() > 1)
            .flat_map(|g| self.by_subject(g))
            .map(|g| (first, g))
            .collect()
    }

    /// Split statements of one kind by period: the same year or span of years, or a span that
    /// holds exactly one of the other periods stated (a source's "1936–39" and another's
    /// "1937–38"). Statements without a period join the one period of the group, if there is
    /// exactly one.
    fn by_period(&self, members: &[u32]) -> Vec<Vec<u32>> {
        let mut spans: Vec<(u32, u32)> = members
            .iter()
            .filter_map(|&i| self.facts(i).years)
            .collect();
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
                // Only a short span (a few years) stands for a span within it (not for one
                // year: a total for 1937–38 is not the figure for 1937).
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
        let undated = spans.len();
        // Each key's slot found once, not each statement's.
        let key_slot: Vec<Option<usize>> = self
            .keys
            .iter()
            .map(|k| {
                k.years
                    .and_then(|p| spans.binary_search(&p).ok())
                    .map(|s| home[s])
            })
            .collect();
        let slot_of = |i: u32| key_slot[self.key[i as usize] as usize];
        // Dated statements in document order (file, start), as the members are, for finding the
        // nearest ones to an undated statement; and the one period each subject is dated with.
        let mut dated: Vec<(u32, u32, u32, usize)> = Vec::new();
        let subjects = self.keys.iter().filter_map(|k| k.subject).max();
        let mut by_subject = vec![SubjectSlot::Unseen; subjects.map_or(0, |s| s as usize + 1)];
        for &i in members {
            let Some(slot) = slot_of(i) else { continue };
            let (file, start) = self.at(i);
            dated.push((file, start, self.claim(i).paragraph, slot));
            if let Some(sub) = self.facts(i).subject {
                let s = &mut by_subject[sub as usize];
                *s = match *s {
                    SubjectSlot::Unseen => SubjectSlot::One(slot),
                    SubjectSlot::One(t) if t == slot => SubjectSlot::One(t),
                    _ => SubjectSlot::Mixed,
                };
            }
        }
        debug_assert!(dated.is_sorted_by_key(|&(f, at, _, _)| (f, at)));
        let mut groups: Vec<Vec<u32>> = vec![Vec::new(); undated + 1];
        for &i in members {
            let slot = slot_of(i).unwrap_or_else(|| {
                // An undated statement shares the period of the dated statements of its kind
                // before it in its paragraph, or failing those in the passage around it, when
                // they agree on one.
                let c = self.claim(i);
                let (file, start) = self.at(i);
                let (start, near) = (start as usize, NEAR);
                let from = dated.partition_point(|&(f, at, _, _)| {
                    f < file || (f == file && (at as usize) + near < start)
                });
                let to = dated.partition_point(|&(f, at, _, _)| {
                    f < file || (f == file && at as usize <= start + near)
                });
                let around = &dated[from..to];
                let in_paragraph = |&(_, at, p, _): &(u32, u32, u32, usize)| {
                    p == c.paragraph && (at as usize) < start
                };
                // The slots of those in the paragraph if any, else of all around: whether they
                // agree (without collecting them).
                let agreed = if around.iter().any(in_paragraph) {
                    one_slot(around.iter().filter(|x| in_paragraph(x)))
                } else {
                    one_slot(around.iter())
                };
                let facts = self.facts(i);
                match agreed {
                    Some(Some(f)) => f,
                    Some(None) => undated,
                    // With a specific subject ("the 17th Congress"), the one period the group
                    // gives that subject.
                    None if !facts.generic => match facts.subject.map(|s| by_subject[s as usize]) {
                        Some(SubjectSlot::One(slot)) => slot,
                        _ => undated,
                    },
                    None => undated,
                }
            });
            groups[slot].push(i);
        }
        groups
    }

    /// Split statements of one period by what they are about: different subjects are
    /// different quantities; a statement without a subject joins the one subject of the group,
    /// if there is exactly one, and otherwise stays with the others without one.
    fn by_subject(&self, group: Vec<u32>) -> Vec<Vec<u32>> {
        let mut subjects: Vec<u32> = group
            .iter()
            .filter_map(|&i| self.facts(i).subject)
            .collect();
        subjects.sort_unstable();
        subjects.dedup();
        let mut out: Vec<Vec<u32>> = vec![Vec::new(); subjects.len() + 1];
        for i in group {
            let slot = match self.facts(i).subject {
                Some(s) => subjects.binary_search(&s).unwrap_or(subjects.len()),
                None if subjects.len() == 1 => 0,
                None => subjects.len(),
            };
            out[slot].push(i);
        }
        out
    }

    /// Split a group where consecutive values (in order of size) jump by more than
    /// [`MAX_GAP_RATIO`]. `group` is in document order, and so is each part: statements at one
    /// place in order of size, as sorting by size and then stably by place leaves them.
    fn by_magnitude(&self, group: Vec<u32>) -> Vec<Vec<u32>> {
        // Sizes as integers in the order of `f64::total_cmp`, with their positions: which
        // statement comes first among equal sizes does not change the parts.
        let mut sized: Vec<(u64, u32)> = group
            .iter()
            .enumerate()
            .map(|(n, &i)| (size_key(magnitude(self.claim(i))), n as u32))
            .collect();
        sized.sort_unstable();
        let mut part = vec![0; group.len()];
        let mut parts = 0;
        let mut last = f64::NAN;
        for (key, n) in sized {
            let m = size_of_key(key);
            if !(parts > 0 && m / last <= MAX_GAP_RATIO) {
                parts += 1;
            }
            part[n as usize] = parts - 1;
            last = m;
        }
        let mut out: Vec<Vec<u32>> = vec![Vec::new(); parts];
        for (&p, i) in part.iter().zip(group) {
            out[p].push(i);
        }
        for g in &mut out {
            for run in g.chunk_by_mut(|&a, &b| self.at(a) == self.at(b)) {
                // Stable: claim order among equal sizes, as in the group.
                run.sort_by_key(|&i| size_key(magnitude(self.claim(i))));
            }
        }
        out
    }

    /// Leave out statements that only the passage around them ties to their group, when no
    /// other statement of the group stands near them. `group` is in document order, where the
    /// closest other statements are the neighbours: linear, not pairwise.
    fn near_enough(&self, group: Vec<u32>) -> Vec<u32> {
        // Neither subject nor period: only its own paragraph tells what the figure counts.
        let bare = |k: &KeyFacts| k.subject.is_none() && !k.dated;
        // A broad subject and no period: the passage around it.
        let weak = |k: &KeyFacts| k.generic && !k.dated;
        let near = |a: u32, b: u32| {
            let ((fa, sa), (fb, sb)) = (self.at(a), self.at(b));
            fa == fb
                && if bare(self.facts(a)) {
                    self.claim(a).paragraph == self.claim(b).paragraph
                } else {
                    sa.abs_diff(sb) as usize <= NEAR
                }
        };
        let keep: Vec<bool> = (0..group.len())
            .map(|k| {
                let (i, facts) = (group[k], self.facts(group[k]));
                !(bare(facts) || weak(facts))
                    || (k > 0 && near(i, group[k - 1]))
                    || group.get(k + 1).is_some_and(|&j| near(i, j))
            })
            .collect();
        group
            .into_iter()
            .zip(keep)
            .filter_map(|(i, k)| k.then_some(i))
            .collect()
    }

    /// Findings of one piece (see [`Self::pieces`]).
    fn findings(
        &self,
        rule: &ConflictingFigure,
        first: u32,
        piece: Vec<u32>,
    ) -> Vec<(u32, Diagnostic)> {
        let mut out = Vec::new();
        for g in self.by_magnitude(piece) {
            let mut g = self.near_enough(g);
            if g.len() < 2 {
                continue;
            }
            // Two figures of one measure in one sentence count different things ("at least
            // 1.7 million arrested, 1.4 million of them in the camps"): leave such sentences
            // out. Sentences by (file, sentence), sorted, so that a lone one has no equal
            // neighbour.
            // (In document order a sentence's statements mostly stand together already, and
            // the sort finds them so.)
            let mut sentences: Vec<(u64, u32)> = g
                .iter()
                .enumerate()
                .map(|(n, &i)| {
                    let sentence = self.claim(i).sentence_id;
                    (
                        u64::from(self.file[i as usize]) << 32 | u64::from(sentence),
                        n as u32,
                    )
                })
                .collect();
            sentences.sort_unstable();
            let mut lone = vec![true; g.len()];
            for w in sentences.windows(2) {
                if w[0].0 == w[1].0 {
                    lone[w[0].1 as usize] = false;
                    lone[w[1].1 as usize] = false;
                }
            }
            let mut n = 0;
            g.retain(|&i| {
                n += 1;
                lone[n - 1] || self.claim(i).contrasts
            });
            if g.len() > 1 {
                let members: Vec<&Claim> = g.iter().map(|&i| self.claim(i)).collect();
                out.extend(rule.diagnostic(&members).map(|d| (first, d)));
            }
        }
        out
    }
}

/// `None` for no statements, `Some(Some(slot))` when all are in one slot, `Some(None)` when
/// they disagree.
fn one_slot<'b>(mut it: impl Iterator<Item = &'b (u32, u32, u32, usize)>) -> Option<Option<usize>> {
    let &(_, _, _, first) = it.next()?;
    Some(it.all(|&(_, _, _, s)| s == first).then_some(first))
}

/// How close (in bytes, in one file) a statement with neither subject nor period must stand to
/// another statement of its group to be compared with it: without either, only the passage
/// around it tells what it counts.
const NEAR: usize = 4000;

/// Statements whose values lie further apart than this factor (with nothing in between) are
/// taken to count different things ("848 executed delegates" and "724,000 executions").
const MAX_GAP_RATIO: f64 = 40.0;

/// `x` as an integer in the order of [`f64::total_cmp`] (which it works out the same way).
fn size_key(x: f64) -> u64 {
    let bits = x.to_bits();
    // Negative values: every bit but the sign flipped, so larger magnitudes come first.
    let flipped = bits ^ (((bits as i64 >> 63) as u64) >> 1);
    flipped ^ 1 << 63
}

fn size_of_key(key: u64) -> f64 {
    let flipped = key ^ 1 << 63;
    f64::from_bits(flipped ^ (((flipped as i64 >> 63) as u64) >> 1))
}

fn magnitude(c: &Claim) -> f64 {
    match (c.low.get(), c.high.get()) {
        (Some(l), Some(h)) => (l.abs() * h.abs()).sqrt().max(1.0),
        (Some(v), None) | (None, Some(v)) => v.abs().max(1.0),
        (None, None) => 1.0,
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
    /// The pieces that may state one quantity are checked on every core: a large measure is
    /// decoded alone, after every file, with the other cores idle. The results come back in
    /// order.
    fn check_measure(&self, claims: &[Claim], seqs: &[u32]) -> Vec<(u32, Diagnostic)> {
        use rayon::prelude::*;
        let m = Measure::new(claims);
        let pieces: Vec<(u32, Vec<u32>)> = m
            .kinds(seqs)
            .into_par_iter()
            .flat_map_iter(|(first, members)| m.pieces(first, &members))
            .collect();
        pieces
            .into_par_iter()
            .flat_map_iter(|(first, piece)| m.findings(self, first, piece))
            .collect()
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

    type GroupKey<'a> = (&'a str, Option<&'a str>, bool);

    fn by_subject_oracle(group: Vec<&Claim>) -> Vec<Vec<&Claim>> {
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
                for g in by_subject_oracle(g) {
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

    // Paths and subjects whose text order is not their order here, some not ASCII.
    const FILES: [&str; 4] = ["a.md", "dir/b.md", "c.md", "é/ü.md"];
    const SUBJECTS: [Option<&str>; 5] = [
        None,
        Some("the delegates"),
        Some("the army"),
        Some("x"),
        Some("über"),
    ];
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
    /// sentence, start, flags). File 4 is "a.md" again under another `Arc`; flags pick contrasts,
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
                        path: if f == FILES.len() {
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
                dated(4, 0, 4, 0, 300),
                dated(1, 4, 5, 1, 5000),
            ],
            // One file under two `Arc`s: one sentence, one paragraph, one passage.
            vec![
                (0, 0, 1, 1, false, 4, 0, 3, 10, 0),
                (4, 0, 1, 1, false, 5, 0, 3, 20, 0),
                (2, 0, 1, 1, false, 6, 0, 3, 20, 0),
                (4, 0, 0, 0, false, 7, 0, 1, 30, 0),
                (0, 0, 0, 0, false, 5, 0, 2, 40, 1),
            ],
            // Files and subjects out of text order, not all ASCII; equal starts in two files.
            vec![
                (3, 0, 4, 1, false, 4, 0, 0, 0, 0),
                (2, 0, 3, 1, false, 5, 0, 0, 0, 0),
                (1, 0, 4, 1, false, 6, 0, 0, 0, 0),
                (0, 0, 3, 1, false, 4, 0, 0, 0, 0),
                (3, 0, 3, 1, false, 6, 0, 1, 0, 0),
                (1, 0, 0, 1, false, 5, 0, 1, 7, 0),
            ],
            // Undated statements exactly at and just past the passage's edge.
            vec![
                dated(0, 1, 4, 0, 10),
                dated(0, 5, 5, 0, 8020),
                (0, 0, 2, 0, true, 5, 1, 2, 4010, 0),
                (0, 0, 2, 0, true, 4, 1, 3, 4011, 0),
                (0, 0, 0, 0, false, 6, 2, 4, 4010, 0),
                (0, 0, 0, 0, false, 4, 2, 5, 4009, 0),
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

    #[test]
    fn size_keys_sort_as_total_cmp() {
        let xs = [
            f64::NEG_INFINITY,
            -1e300,
            -2.5,
            -0.0,
            0.0,
            f64::MIN_POSITIVE,
            1.0,
            40.0,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        for a in xs {
            assert_eq!(size_of_key(size_key(a)).to_bits(), a.to_bits());
            for b in xs {
                assert_eq!(size_key(a).cmp(&size_key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
    }

    #[test]
    fn ranks_follow_text_order() {
        assert_eq!(ranks::<&str>(&[]), Vec::<u32>::new());
        assert_eq!(
            ranks(&["b", "é", "a", "b", "", "z", "é"]),
            [2, 4, 1, 2, 0, 3, 4]
        );
        assert_eq!(ranks(&[Some("x"), None, Some("a"), None]), [2, 0, 1, 0]);
    }

    /// Many pieces checked on a pool of four threads: the findings in the order one thread
    /// gives them, equal to the oracle's.
    #[test]
    fn findings_on_many_threads_come_back_in_order() {
        let mut x = 12345u32;
        let mut next = |n: u32| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            ((x >> 8) % n) as usize
        };
        let specs: Vec<Spec> = (0..3000)
            .map(|i| {
                (
                    next(5),
                    next(3),
                    next(5),
                    next(7),
                    next(2) == 0,
                    next(9),
                    next(4) as u32,
                    next(40) as u32,
                    i * 7 % 9000,
                    next(256) as u8,
                )
            })
            .collect();
        let claims = build(&specs);
        let seqs: Vec<u32> = (0..claims.len() as u32).collect();
        let r = rule(true);
        let expected = check_measure_oracle(&r, &claims, &seqs);
        assert!(expected.len() > 20, "{}", expected.len());
        for threads in [1, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            assert_eq!(pool.install(|| r.check_measure(&claims, &seqs)), expected);
        }
    }

    proptest! {
        #[test]
        fn size_keys_sort_as_total_cmp_anywhere(a in any::<u64>(), b in any::<u64>()) {
            let (a, b) = (f64::from_bits(a), f64::from_bits(b));
            prop_assert_eq!(size_of_key(size_key(a)).to_bits(), a.to_bits());
            prop_assert_eq!(size_key(a).cmp(&size_key(b)), a.total_cmp(&b));
        }

        /// The interval of a single figure, its tolerance worked out once, is the interval.
        #[test]
        fn intervals_equal_interval_of(
            low in proptest::option::of(any::<u64>()),
            same: bool,
            high in proptest::option::of(any::<u64>()),
            approx: bool,
        ) {
            let mut c = build(&[(0, 0, 0, 1, false, 4, 0, 0, 0, 0)]).remove(0);
            let low = low.map(f64::from_bits);
            let high = if same { low } else { high.map(f64::from_bits) };
            (c.low, c.high, c.approx) = (low.into(), high.into(), approx);
            let r = rule(false);
            let want = Interval::of(c.low.get(), c.high.get(), approx, r.approx_tolerance);
            let got = r.interval(&c);
            let bits = |v: Option<f64>| v.map(f64::to_bits);
            prop_assert_eq!((bits(got.low), bits(got.high)), (bits(want.low), bits(want.high)));
        }
    }

    proptest! {
        #[test]
        fn grouping_equals_the_oracle(
            specs in proptest::collection::vec(
                (0..5usize, 0..3usize, 0..5usize, 0..7usize, any::<bool>(), 0..9usize,
                 0..4u32, 0..6u32, 0..9000u32, any::<u8>()),
                0..40,
            ),
            show_agreeing: bool,
        ) {
            same(&build(&specs), show_agreeing);
        }
    }
}

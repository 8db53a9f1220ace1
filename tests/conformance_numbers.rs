//! Conformance of the figure recogniser against the Microsoft Recognizers-Text English number
//! specs (MIT). Cases outside factlint's definition of a figure (eval/LABELING.md) are set
//! aside by rules on the case, listed in CONFORMANCE.md.

use factlint::extract::numbers::{NumberKind, NumberLexicon, NumberMatch, Recognizer};
use regex::Regex;
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq)]
enum Model {
    Number,
    Range,
    Percent,
}

struct Gold {
    span: std::ops::Range<usize>,
    text: String,
    low: Option<f64>,
    high: Option<f64>,
    has_value: bool,
}

struct Case {
    model: Model,
    input: String,
    gold: Vec<Gold>,
}

fn suite_dir() -> PathBuf {
    match std::env::var_os("FACTLINT_SHARED") {
        Some(s) => PathBuf::from(s).join("external/recognizers-text"),
        None => {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/external/recognizers-text")
        }
    }
}

/// Char index (as in the specs) to byte offset.
fn byte_at(s: &str, ci: usize) -> usize {
    s.char_indices().nth(ci).map_or(s.len(), |(b, _)| b)
}

fn parse_interval(v: &str) -> Option<(Option<f64>, Option<f64>)> {
    let v = v.trim();
    let inner = v.get(1..v.len().checked_sub(1)?)?;
    let (a, b) = inner.split_once(',')?;
    let p = |x: &str| {
        if x.trim().is_empty() {
            None
        } else {
            x.trim().parse::<f64>().ok()
        }
    };
    Some((p(a), p(b)))
}

fn load(dir: &std::path::Path) -> Vec<Case> {
    let mut out = Vec::new();
    for (file, model) in [
        ("NumberModel.json", Model::Number),
        ("NumberRangeModel.json", Model::Range),
        ("PercentModel.json", Model::Percent),
    ] {
        let raw = std::fs::read_to_string(dir.join(file)).expect("readable spec");
        let raw = raw.trim_start_matches('\u{feff}');
        let cases: Vec<serde_json::Value> = serde_json::from_str(raw).expect("spec is JSON");
        for c in cases {
            let input = c["Input"].as_str().unwrap_or("").to_string();
            let mut gold = Vec::new();
            for r in c["Results"].as_array().into_iter().flatten() {
                let (Some(st), Some(en)) = (r["Start"].as_u64(), r["End"].as_u64()) else {
                    continue;
                };
                let span = byte_at(&input, st as usize)..byte_at(&input, en as usize + 1);
                let value = r["Resolution"]["value"].as_str().unwrap_or("null");
                let (low, high, has_value) = match model {
                    Model::Number => {
                        let v = value.parse::<f64>().ok();
                        (v, v, v.is_some())
                    }
                    Model::Percent => {
                        let v = value.trim_end_matches('%').parse::<f64>().ok();
                        (v, v, v.is_some())
                    }
                    Model::Range => match parse_interval(value) {
                        Some((l, h)) => (l, h, l.is_some() || h.is_some()),
                        None => (None, None, false),
                    },
                };
                gold.push(Gold {
                    text: input.get(span.clone()).unwrap_or("").to_string(),
                    span,
                    low,
                    high,
                    has_value,
                });
            }
            out.push(Case { model, input, gold });
        }
    }
    out
}

/// Exclusion rules: each is a predicate on the case, derived from eval/LABELING.md.
struct Rules {
    ordinal: Regex,
    compound_ordinal: Regex,
    glued: Regex,
    abbrev_mult: Regex,
    math: Regex,
    digit_chain: Regex,
    letter_hyphen_digit: Regex,
    ratio: Regex,
    foreign_grouping: Regex,
    inverted_percent: Regex,
    identifier_words: Vec<String>,
}

impl Rules {
    fn new(lex: &NumberLexicon) -> Rules {
        let ords = lex
            .ordinals
            .iter()
            .filter(|o| !matches!(o.as_str(), "last" | "next"))
            .cloned()
            .collect::<Vec<_>>()
            .join("|");
        Rules {
            ordinal: Regex::new(&format!(r"(?i)\b({ords})\b|\d(st|nd|rd|th)\b")).unwrap(),
            compound_ordinal: Regex::new(r"(?i)(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)[\s-]+(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)s?\b|(hundredth|thousandth|millionth|billionth|trillionth)s?\b").unwrap(),
            glued: Regex::new(r"\d[A-Za-z]|[A-Za-z]\d").unwrap(),
            abbrev_mult: Regex::new(r"(?i)\d\s*(k|m|mm|g|b|mil)$").unwrap(),
            math: Regex::new(r"(?i)\^|\dx10|(\d|one|two|three|twenty)\s+over\s+(\d|one|two|three|twenty)").unwrap(),
            digit_chain: Regex::new(r"\d+[./:-]\d+[./:-]\d+|\+\d").unwrap(),
            letter_hyphen_digit: Regex::new(r"[A-Za-z]-\d").unwrap(),
            ratio: Regex::new(r"(?i)\bout of\b|\w in (\d|twenty|three|five)").unwrap(),
            foreign_grouping: Regex::new(r"\d,\d{1,2}(\D|$)|\d,\d\d,\d{3}|\d\.\d{3},").unwrap(),
            inverted_percent: Regex::new(r"(?i)^(percent|per cent|percents)").unwrap(),
            identifier_words: lex.identifier_words.iter().map(|w| w.to_ascii_lowercase()).collect(),
        }
    }

    /// The category a case is excluded under, or None when it is in scope.
    fn exclusion(&self, c: &Case) -> Option<&'static str> {
        for g in &c.gold {
            let t = g.text.as_str();
            if !g.has_value {
                return Some("no numeric resolution (value null)");
            }
            if self.ordinal.is_match(t) || self.compound_ordinal.is_match(t) {
                return Some("ordinals and compound-ordinal denominators");
            }
            if t.eq_ignore_ascii_case("one") {
                return Some("bare \"one\" (pronoun/article)");
            }
            if self.glued.is_match(t) || self.abbrev_mult.is_match(t) {
                return Some("letter-glued or letter-abbreviated numbers (10k, 1.2b, 1e10)");
            }
            if self.math.is_match(t) {
                return Some("mathematical notation (powers, x10^n, \"over\" as division)");
            }
            if self.ratio.is_match(t) {
                return Some("ratio resolved as quotient (\"one out of three\")");
            }
            if self.foreign_grouping.is_match(t) {
                return Some("non-English digit grouping (1,3 / 12,34,567 / 1.111,11)");
            }
            if self.inverted_percent.is_match(t) {
                return Some("inverted percent form (\"percent of 10\")");
            }
            let before = c.input[..g.span.start].to_ascii_lowercase();
            let before = before.trim_end();
            if self.identifier_words.iter().any(|w| {
                before.ends_with(w.as_str())
                    && before[..before.len() - w.len()]
                        .chars()
                        .next_back()
                        .is_none_or(|ch| !ch.is_alphanumeric())
            }) {
                return Some("identifiers (version, exercise no.)");
            }
        }
        if self.digit_chain.is_match(&c.input) || self.letter_hyphen_digit.is_match(&c.input) {
            return Some("identifiers and dates (IP, phone, 5/17/2018, SCP-173)");
        }
        None
    }
}

fn predictions(model: Model, found: &[NumberMatch]) -> Vec<(&NumberMatch, std::ops::Range<usize>)> {
    found
        .iter()
        .filter_map(|m| match model {
            Model::Number => Some((m, m.value_span())),
            Model::Percent => (m.kind == NumberKind::Percent).then(|| (m, m.value_span())),
            Model::Range => {
                (m.kind == NumberKind::Range || m.low != m.high).then(|| (m, m.span.clone()))
            }
        })
        .collect()
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-6 * y.abs().max(1.0),
        (None, None) => true,
        _ => false,
    }
}

fn value_ok(model: Model, m: &NumberMatch, g: &Gold) -> bool {
    match model {
        Model::Range => close(m.low.get(), g.low) && close(m.high.get(), g.high),
        _ => close(m.low.get().or(m.high.get()), g.low),
    }
}

#[derive(Default)]
struct Score {
    gold: usize,
    pred: usize,
    span_hit: usize,
    value_hit: usize,
}

impl Score {
    fn f1(&self) -> f64 {
        let p = self.span_hit as f64 / self.pred.max(1) as f64;
        let r = self.span_hit as f64 / self.gold.max(1) as f64;
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn acc(&self) -> f64 {
        self.value_hit as f64 / self.span_hit.max(1) as f64
    }
}

#[test]
fn recognizers_text_conformance() {
    let dir = suite_dir();
    if !dir.join("NumberModel.json").exists() {
        println!(
            "skipped: Recognizers-Text specs not found at {}",
            dir.display()
        );
        return;
    }
    let lex = NumberLexicon::embedded();
    let rules = Rules::new(&lex);
    let rec = Recognizer::new(&lex).expect("lexicon compiles");
    let cases = load(&dir);
    let mut all = Score::default();
    let mut scope = Score::default();
    let mut per_model = [Score::default(), Score::default(), Score::default()];
    let mut excluded: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut misses = Vec::new();
    let mut in_scope_cases = 0;
    for c in &cases {
        let found = rec.find(&c.input, 0..c.input.len());
        let preds = predictions(c.model, &found);
        let ex = rules.exclusion(c);
        match ex {
            Some(cat) => *excluded.entry(cat).or_default() += 1,
            None => in_scope_cases += 1,
        }
        let mi = c.model as usize;
        let mut used = vec![false; preds.len()];
        let mut case_score = Score {
            gold: c.gold.len(),
            pred: preds.len(),
            ..Default::default()
        };
        for g in &c.gold {
            let hit = preds
                .iter()
                .enumerate()
                .find(|(i, (_, sp))| !used[*i] && *sp == g.span);
            match hit {
                Some((i, (m, _))) => {
                    used[i] = true;
                    case_score.span_hit += 1;
                    if value_ok(c.model, m, g) {
                        case_score.value_hit += 1;
                    } else if ex.is_none() {
                        misses.push(format!(
                            "value  {:?}: {:?} got [{:?}, {:?}] want [{:?}, {:?}]",
                            c.input, g.text, m.low, m.high, g.low, g.high
                        ));
                    }
                }
                None if ex.is_none() => misses.push(format!(
                    "span   {:?}: want {:?}; got {:?}",
                    c.input,
                    g.text,
                    preds
                        .iter()
                        .map(|(_, sp)| &c.input[sp.clone()])
                        .collect::<Vec<_>>()
                )),
                None => {}
            }
        }
        if ex.is_none() {
            for (i, (_, sp)) in preds.iter().enumerate() {
                if !used[i] {
                    misses.push(format!("extra  {:?}: {:?}", c.input, &c.input[sp.clone()]));
                }
            }
        }
        for s in [&mut all].into_iter().chain(if ex.is_none() {
            vec![&mut scope, &mut per_model[mi]]
        } else {
            vec![]
        }) {
            s.gold += case_score.gold;
            s.pred += case_score.pred;
            s.span_hit += case_score.span_hit;
            s.value_hit += case_score.value_hit;
        }
    }
    println!(
        "Recognizers-Text English specs: {} cases, {} in scope",
        cases.len(),
        in_scope_cases
    );
    for (name, s) in [
        ("overall (no exclusions)", &all),
        ("in scope", &scope),
        ("  NumberModel", &per_model[0]),
        ("  NumberRangeModel", &per_model[1]),
        ("  PercentModel", &per_model[2]),
    ] {
        println!(
            "{name:<26} gold {:>4} pred {:>4} span-hit {:>4}  span F1 {:.3}  value acc {:.3} ({}/{})",
            s.gold,
            s.pred,
            s.span_hit,
            s.f1(),
            s.acc(),
            s.value_hit,
            s.span_hit
        );
    }
    println!("excluded by design:");
    for (k, v) in &excluded {
        println!("  {v:>3}  {k}");
    }
    println!("first misses (in scope), {} in all:", misses.len());
    for m in misses
        .iter()
        .take(std::env::var("CONF_ALL").map_or(20, |_| 999))
    {
        println!("  {m}");
    }
    assert!(
        scope.acc() >= 0.95,
        "value accuracy in scope {:.3} < 0.95",
        scope.acc()
    );
}

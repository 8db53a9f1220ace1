//! TEMPORARY stand-in for the figure recogniser while the real one is written. Same interface.
use std::ops::Range;
use std::sync::LazyLock;

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NumberLexicon {}
impl NumberLexicon {
    pub fn embedded() -> NumberLexicon {
        NumberLexicon {}
    }
    pub fn extend(&mut self, _other: NumberLexicon) {}
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NumberKind {
    Count,
    Percent,
    Fraction,
    Range,
    Vague,
    Relative,
}
#[derive(Debug, Clone, PartialEq)]
pub struct NumberMatch {
    pub span: Range<usize>,
    pub value_span: Range<usize>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub approx: bool,
    pub unit: f64,
    pub kind: NumberKind,
    pub denominator: Option<f64>,
}
pub struct Recognizer;
static RE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(?:(at least|some|about|around|nearly|over|more than|up to) )?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?: (million|percent))?\b").unwrap()
});
impl Recognizer {
    pub fn new(_lex: &NumberLexicon) -> Result<Recognizer, String> {
        Ok(Recognizer)
    }
    pub fn find(&self, text: &str, range: Range<usize>) -> Vec<NumberMatch> {
        let mut out = Vec::new();
        for c in RE.captures_iter(&text[range.clone()]) {
            let all = c.get(0).unwrap();
            let num = c.get(2).unwrap();
            let digits = num.as_str().replace(',', "");
            let Ok(mut v) = digits.parse::<f64>() else {
                continue;
            };
            if c.get(3).is_none()
                && !num.as_str().contains(',')
                && (1500.0..2100.0).contains(&v)
                && !digits.contains('.')
            {
                continue;
            }
            if c.get(3)
                .is_some_and(|m| m.as_str().eq_ignore_ascii_case("million"))
            {
                v *= 1e6;
            }
            let hedge = c.get(1).map(|h| h.as_str().to_ascii_lowercase());
            let (low, high, approx) = match hedge.as_deref() {
                Some("at least") | Some("over") | Some("more than") => (Some(v), None, false),
                Some("up to") => (None, Some(v), false),
                Some(_) => (Some(v), Some(v), true),
                None => (Some(v), Some(v), false),
            };
            out.push(NumberMatch {
                span: range.start + all.start()..range.start + all.end(),
                value_span: range.start + num.start()..range.start + num.end(),
                low,
                high,
                approx,
                unit: 1.0,
                kind: NumberKind::Count,
                denominator: None,
            });
        }
        out
    }
}

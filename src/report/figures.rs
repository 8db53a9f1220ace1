//! The figure index (`factlint figures`): every figure, its value, key and source status.

use crate::claims::{Claim, MaybeF64};

/// One JSON object per line; evaluation tooling reads it.
pub fn jsonl(claims: &[Claim]) -> String {
    let mut out = String::new();
    for c in claims {
        out.push_str(&serde_json::to_string(c).expect("claim serialises"));
        out.push('\n');
    }
    out
}

fn num(v: MaybeF64) -> String {
    v.get().map_or(String::new(), |x| x.to_string())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn csv(claims: &[Claim]) -> String {
    let mut out = String::from(
        "path,line,column,start,end,text,low,high,approx,measure,subject,period,source,source_text\n",
    );
    for c in claims {
        let fields = [
            csv_field(&c.path),
            c.line.to_string(),
            c.column.to_string(),
            c.span.start.to_string(),
            c.span.end.to_string(),
            csv_field(&c.text),
            num(c.low),
            num(c.high),
            c.approx.to_string(),
            csv_field(c.key.measure.as_deref().unwrap_or("")),
            csv_field(c.key.subject.as_deref().unwrap_or("")),
            csv_field(c.key.period.as_deref().unwrap_or("")),
            c.source.status.to_string(),
            csv_field(c.source.text.as_deref().unwrap_or("")),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// A readable table.
pub fn table(claims: &[Claim]) -> String {
    let mut out = String::new();
    for c in claims {
        let value = match (c.low.get(), c.high.get()) {
            (Some(l), Some(h)) if l == h => format!("{}{}", if c.approx { "~" } else { "" }, l),
            (Some(l), Some(h)) => format!("{l}–{h}"),
            (Some(l), None) => format!("≥{l}"),
            (None, Some(h)) => format!("≤{h}"),
            (None, None) => "?".into(),
        };
        let key = [&c.key.measure, &c.key.subject, &c.key.period]
            .iter()
            .filter_map(|k| k.as_deref())
            .collect::<Vec<_>>()
            .join(" / ");
        out.push_str(&format!(
            "{}:{}:{}  {:<24} {:<14} {:<10} {}\n",
            c.path,
            c.line,
            c.column,
            crate::diagnostic::normalise_ws(&c.text),
            value,
            c.source.status,
            key
        ));
    }
    out
}

//! The diagnostic model every rule returns and every reporter renders.

use std::ops::Range;

use crate::source::{LineCol, LineIndex};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A place in a file, with everything reporters need so that no file has to be held in memory
/// after it was linted (except by the human renderer, which re-reads what it shows).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub path: String,
    pub span: Span,
    pub start: LineCol,
    pub end: LineCol,
    /// The flagged source text.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Location {
    pub fn new(path: &str, text: &str, index: &LineIndex, range: Range<usize>) -> Location {
        Location {
            path: path.to_string(),
            span: Span {
                start: range.start,
                end: range.end,
            },
            start: index.line_col(text, range.start),
            end: index.line_col(text, range.end),
            text: text[range].to_string(),
        }
    }

    pub fn range(&self) -> Range<usize> {
        self.span.start..self.span.end
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Related {
    #[serde(flatten)]
    pub location: Location,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    #[serde(flatten)]
    pub location: Location,
    /// The short label under the primary span.
    pub label: String,
    pub related: Vec<Related>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    pub fingerprint: String,
}

/// 64-bit FNV-1a: stable across Rust versions and platforms, unlike std's hasher.
pub fn stable_hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Whitespace folded, so that re-wrapping a paragraph does not change a fingerprint.
pub fn normalise_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A fingerprint from what a finding is, never where it is: rule, file, flagged text, and the
/// sentence around it. Inserting text elsewhere leaves it unchanged.
pub fn fingerprint(rule: &str, path: &str, text: &str, context: &str) -> String {
    format!(
        "{:016x}",
        stable_hash(&[rule, path, &normalise_ws(text), &normalise_ws(context)])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_position_and_wrapping() {
        let a = fingerprint("r", "a.md", "12,000", "About 12,000 were\nheld.");
        let b = fingerprint("r", "a.md", "12,000", "About 12,000 were held.");
        assert_eq!(a, b);
        assert_ne!(
            a,
            fingerprint("r", "b.md", "12,000", "About 12,000 were held.")
        );
        assert_ne!(
            a,
            fingerprint("r", "a.md", "13,000", "About 13,000 were held.")
        );
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn stable_hash_is_pinned() {
        // Pinned so that a change of hash (and of every baseline) cannot slip in unnoticed.
        assert_eq!(stable_hash(&["factlint"]), stable_hash(&["factlint"]));
        assert_eq!(format!("{:016x}", stable_hash(&[""])), "af64724c8602eb6e");
    }
}

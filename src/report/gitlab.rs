//! `--format gitlab`: GitLab Code Quality report (a JSON array of issues).
//!
//! GitLab drops issues whose fingerprints repeat, so two identical findings in one file get
//! distinct fingerprints by their occurrence number.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity, stable_hash};

#[derive(serde::Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(serde::Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(serde::Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let issues: Vec<Issue> = diagnostics
        .iter()
        .map(|d| {
            let n = seen.entry(d.fingerprint.as_str()).or_default();
            *n += 1;
            let occurrence = n.to_string();
            Issue {
                description: format!("{} [{}]", d.message, d.rule),
                check_name: &d.rule,
                fingerprint: format!(
                    "{:016x}",
                    stable_hash(&[&d.fingerprint, &occurrence, &d.location.path])
                ),
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                location: Location {
                    path: &d.location.path,
                    lines: Lines {
                        begin: d.location.start.line,
                        end: d.location.end.line,
                    },
                },
            }
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&issues).expect("issues serialise");
    s.push('\n');
    s
}

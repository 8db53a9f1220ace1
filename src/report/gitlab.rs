//! `--format gitlab`: GitLab Code Quality report (a JSON array of issues).
//!
//! GitLab drops issues whose fingerprints repeat, so two identical findings in one file get
//! distinct fingerprints by their occurrence number.

use std::collections::HashMap;
use std::io::{self, Write};

use super::{Reporter, Summary, json_stream};
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
    let out = super::render_all(&mut Gitlab::default(), diagnostics, &Summary::default());
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// `--format gitlab`, streamed, laid out as serde_json's pretty array.
///
/// Occurrences are counted per batch: a finding's fingerprint hashes its path, and a rule
/// reports either per file or corpus-wide (the last batch), never both, so an identical
/// fingerprint never spans two batches and the counts equal those over the whole report.
#[derive(Default)]
pub struct Gitlab {
    written: usize,
    scratch: Vec<u8>,
}

impl Reporter for Gitlab {
    fn begin(&mut self, w: &mut dyn Write) -> io::Result<()> {
        w.write_all(b"[")
    }

    fn file(&mut self, w: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for d in diagnostics {
            let n = seen.entry(d.fingerprint.as_str()).or_default();
            *n += 1;
            let occurrence = n.to_string();
            let issue = Issue {
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
            };
            json_stream::element(w, "", self.written == 0, &issue, &mut self.scratch)?;
            self.written += 1;
        }
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        json_stream::close(w, "", self.written > 0, "]\n")
    }
}

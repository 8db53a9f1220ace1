//! `--format sarif`: SARIF 2.1.0 for code-scanning services (GitHub, Azure DevOps, …).
//!
//! Built from serde structs rather than a SARIF crate: the subset factlint needs is small and
//! the schema test (`tests/ci_gating.rs`) keeps it honest.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{Reporter, Spool, Summary, json_stream};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::rules::RuleMeta;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'a str,
    version: &'a str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    column_kind: &'static str,
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocationBase>,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct ArtifactLocationBase {
    uri: String,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    rules: &'a [ReportingDescriptor],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Text,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: Vec<SarifLocation>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    snippet: Text,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path as a URI reference: forward slashes, and anything outside the unreserved and
/// path characters percent-encoded, so that spaces or `#` in file names stay valid.
pub fn path_to_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn physical(loc: &Location) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: path_to_uri(&loc.path),
            uri_base_id: "SRCROOT",
        },
        region: Region {
            start_line: loc.start.line,
            start_column: loc.start.column,
            end_line: loc.end.line,
            end_column: loc.end.column,
            snippet: Text {
                text: loc.text.to_string(),
            },
        },
    }
}

/// Metadata for a rule that is not in the rule set (the built-in `unused-suppression`).
fn builtin_descriptor(id: &str) -> ReportingDescriptor {
    let (short, full) = if id == crate::suppress::UNUSED_RULE {
        (
            "A suppression comment suppresses nothing",
            "A factlint-disable directive that matched no finding. Remove it, or fix the rule id it names.",
        )
    } else {
        ("factlint finding", "A finding reported by factlint.")
    };
    ReportingDescriptor {
        id: id.to_string(),
        name: id.to_string(),
        short_description: Text { text: short.into() },
        full_description: Text { text: full.into() },
        help: Text { text: full.into() },
        default_configuration: Configuration { level: "note" },
    }
}

fn descriptor(m: &RuleMeta) -> ReportingDescriptor {
    let full = if m.explain.why.is_empty() {
        m.summary.clone()
    } else {
        // Summaries are written without a closing stop; the explanation follows as a sentence.
        let stop = if m.summary.ends_with(['.', '!', '?']) {
            ""
        } else {
            "."
        };
        format!("{}{stop} {}", m.summary, m.explain.why)
    };
    let help = match &m.help {
        Some(h) => h.to_string(),
        None => format!("Run `factlint explain {}` for details.", m.id),
    };
    ReportingDescriptor {
        id: m.id.to_string(),
        name: m.id.to_string(),
        short_description: Text {
            text: m.summary.clone(),
        },
        full_description: Text { text: full },
        help: Text { text: help },
        default_configuration: Configuration {
            level: level(m.severity),
        },
    }
}

pub fn render(diagnostics: &[Diagnostic], metas: &[&RuleMeta]) -> String {
    let out = super::render_all(&mut Sarif::new(metas), diagnostics, &Summary::default());
    String::from_utf8(out).expect("SARIF is UTF-8")
}

fn result(d: &Diagnostic, rule_index: Option<usize>) -> SarifResult {
    SarifResult {
        rule_id: d.rule.to_string(),
        rule_index,
        level: level(d.severity),
        message: Text {
            text: d.message.to_string(),
        },
        locations: vec![SarifLocation {
            id: None,
            physical_location: physical(&d.location),
            message: None,
        }],
        partial_fingerprints: BTreeMap::from([("factlint/v1", d.fingerprint.to_string())]),
        related_locations: d
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| SarifLocation {
                id: Some(i),
                physical_location: physical(&r.location),
                message: Some(Text {
                    text: r.message.clone(),
                }),
            })
            .collect(),
    }
}

/// The log with no results, pretty-printed: what surrounds the streamed ones.
fn empty_log(rules: &[ReportingDescriptor]) -> String {
    // Paths are relative to where factlint ran; SRCROOT names that for consumers.
    let root = std::env::current_dir()
        .ok()
        .map(|p| {
            let p = path_to_uri(&p.to_string_lossy());
            // An absolute Unix path already starts with "/"; a Windows one ("C:/…") does not.
            let sep = if p.starts_with('/') { "" } else { "/" };
            format!("file://{sep}{}/", p.trim_end_matches('/'))
        })
        .unwrap_or_else(|| "./".into());
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "factlint",
                    version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: BTreeMap::from([(
                "SRCROOT",
                ArtifactLocationBase { uri: root },
            )]),
            results: Vec::new(),
        }],
    };
    let mut s = serde_json::to_string_pretty(&log).expect("sarif serialises");
    s.push('\n');
    s
}

/// `--format sarif`, streamed through a spool: the rule list comes before the results and
/// gains the built-in rules (`unused-suppression`) only when one of their findings is
/// reported, at the very end, so the results are spooled to a temporary file and copied out
/// after the header.
pub struct Sarif {
    rules: Vec<ReportingDescriptor>,
    spool: Spool,
    written: usize,
    indent: String,
    scratch: Vec<u8>,
}

impl Sarif {
    pub fn new(metas: &[&RuleMeta]) -> Sarif {
        let rules: Vec<ReportingDescriptor> = metas.iter().map(|m| descriptor(m)).collect();
        // The depth of `results` does not depend on the rules.
        let indent = json_stream::split(&empty_log(&[]), "results").1.to_string();
        Sarif {
            rules,
            spool: Spool::new(),
            written: 0,
            indent,
            scratch: Vec::new(),
        }
    }
}

impl Reporter for Sarif {
    fn file(&mut self, _w: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
        for d in diagnostics {
            let index = match self.rules.iter().position(|r| *r.id == *d.rule) {
                Some(i) => i,
                None => {
                    self.rules.push(builtin_descriptor(&d.rule));
                    self.rules.len() - 1
                }
            };
            let r = result(d, Some(index));
            json_stream::element(
                &mut self.spool,
                &self.indent,
                self.written == 0,
                &r,
                &mut self.scratch,
            )?;
            self.written += 1;
        }
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        let doc = empty_log(&self.rules);
        let (head, _, rest) = json_stream::split(&doc, "results");
        w.write_all(head.as_bytes())?;
        self.spool.copy_all(w)?;
        json_stream::close(w, &self.indent, self.written > 0, rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_escapes_spaces_and_hashes() {
        assert_eq!(path_to_uri("docs/a b#1.md"), "docs/a%20b%231.md");
        assert_eq!(path_to_uri("docs\\x.md"), "docs/x.md");
        assert_eq!(path_to_uri("é.md"), "%C3%A9.md");
    }
}

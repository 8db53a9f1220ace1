//! Baselines: the findings a corpus had when factlint was adopted, so that only new ones fail.
//!
//! Entries are matched by the diagnostics' position-independent fingerprints (rule, path,
//! normalised text, surrounding sentence), counted: two identical findings need two entries.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use crate::diagnostic::Diagnostic;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub path: String,
    /// The flagged text, for people reading the file; matching uses the fingerprint only.
    pub text: String,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

impl Entry {
    pub fn of(d: &Diagnostic) -> Entry {
        Entry {
            fingerprint: d.fingerprint.to_string(),
            rule: d.rule.to_string(),
            path: d.location.path.to_string(),
            text: crate::diagnostic::normalise_ws(&d.location.text),
        }
    }
}

impl Baseline {
    pub fn from_diagnostics(diagnostics: &[Diagnostic]) -> Baseline {
        Baseline::from_entries(diagnostics.iter().map(Entry::of).collect())
    }

    /// A baseline of these entries, sorted so that a rewritten baseline diffs well in review.
    pub fn from_entries(mut entries: Vec<Entry>) -> Baseline {
        entries.sort_by(|a, b| {
            (&a.path, &a.rule, &a.fingerprint).cmp(&(&b.path, &b.rule, &b.fingerprint))
        });
        Baseline {
            version: 1,
            entries,
        }
    }

    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        let b: Baseline = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not a factlint baseline: {e}", path.display()))?;
        if b.version != 1 {
            return Err(format!(
                "{}: baseline version {} is not supported (expected 1)",
                path.display(),
                b.version
            ));
        }
        Ok(b)
    }

    pub fn write(&self, path: &Path) -> Result<(), String> {
        let mut s = serde_json::to_string_pretty(self).expect("baseline serialises");
        s.push('\n');
        write_atomic(path, s.as_bytes())
    }

    /// Split findings into new ones (returned) and baselined ones; also return the entries that
    /// matched something, for `--prune-baseline`.
    pub fn filter(&self, diagnostics: Vec<Diagnostic>) -> (Vec<Diagnostic>, Baseline) {
        let mut m = self.matcher();
        let kept = diagnostics
            .into_iter()
            .filter(|d| !m.baselined(d))
            .collect();
        (kept, m.matched())
    }

    /// [`Baseline::filter`] one finding at a time, for a streamed run.
    pub fn matcher(&self) -> Matcher<'_> {
        let mut left: HashMap<&str, Vec<&Entry>> = HashMap::new();
        for e in &self.entries {
            left.entry(e.fingerprint.as_str()).or_default().push(e);
        }
        Matcher {
            left,
            matched: Vec::new(),
        }
    }
}

/// Matches findings against baseline entries, each entry at most once (two identical
/// findings need two entries).
pub struct Matcher<'a> {
    left: HashMap<&'a str, Vec<&'a Entry>>,
    matched: Vec<&'a Entry>,
}

impl<'a> Matcher<'a> {
    /// Whether the finding is in the baseline (using up one entry for it).
    pub fn baselined(&mut self, d: &Diagnostic) -> bool {
        match self
            .left
            .get_mut(d.fingerprint.as_str())
            .and_then(|v| v.pop())
        {
            Some(e) => {
                self.matched.push(e);
                true
            }
            None => false,
        }
    }

    /// The entries that matched something, for `--prune-baseline`.
    pub fn matched(self) -> Baseline {
        Baseline::from_entries(self.matched.into_iter().cloned().collect())
    }
}

/// Write a file so that readers see the old or the new content, never a torn one: a temporary
/// file in the same folder (same file system), synced, then renamed over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let mut tmp = tempfile::Builder::new()
        .prefix(".factlint-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

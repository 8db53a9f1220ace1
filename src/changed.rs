//! `--changed-since REF`: which lines changed since the merge base of REF and HEAD, working tree
//! included, so that a pull request is gated only on what it touches.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::diagnostic::{Diagnostic, Location};

/// Changed lines per file, by path relative to the repository root.
#[derive(Debug, Default)]
pub struct ChangedLines {
    root: PathBuf,
    /// `None`: the whole file is new (untracked, or added since the base).
    files: HashMap<String, Option<HashSet<usize>>>,
    /// Display paths resolved to repository paths, cached.
    cache: std::cell::RefCell<HashMap<String, Option<String>>>,
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

impl ChangedLines {
    /// Collect changes in the repository containing `dir` since `merge-base REF HEAD`.
    pub fn since(dir: &Path, reference: &str) -> Result<ChangedLines, String> {
        let root = git(dir, &["rev-parse", "--show-toplevel"]).map_err(|_| {
            format!(
                "--changed-since needs a git repository, and {} is not in one",
                dir.display()
            )
        })?;
        let root = PathBuf::from(root.trim());
        let root = root.canonicalize().unwrap_or(root);
        git(
            &root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{reference}^{{commit}}"),
            ],
        )
        .map_err(|_| format!("--changed-since: unknown git revision `{reference}`"))?;
        let base = git(&root, &["merge-base", reference, "HEAD"]).map_err(|e| {
            format!("--changed-since: no merge base between `{reference}` and HEAD: {e}")
        })?;
        let base = base.trim();
        // Against the working tree: staged and unstaged edits count. Renames are followed, so a
        // moved file reports only the lines edited in it.
        let diff = git(
            &root,
            &[
                "-c",
                "core.quotepath=off",
                "diff",
                "--no-color",
                "--no-ext-diff",
                "--unified=0",
                "--find-renames",
                base,
                "--",
            ],
        )
        .map_err(|e| format!("--changed-since: git diff failed: {e}"))?;
        let mut files = parse_diff(&diff);
        let untracked = git(
            &root,
            &[
                "-c",
                "core.quotepath=off",
                "ls-files",
                "--others",
                "--exclude-standard",
                "-z",
            ],
        )
        .map_err(|e| format!("--changed-since: git ls-files failed: {e}"))?;
        for p in untracked.split('\0').filter(|p| !p.is_empty()) {
            files.insert(p.to_string(), None);
        }
        Ok(ChangedLines {
            root,
            files,
            cache: Default::default(),
        })
    }

    fn repo_path(&self, path: &str) -> Option<String> {
        if let Some(hit) = self.cache.borrow().get(path) {
            return hit.clone();
        }
        let resolved = Path::new(path).canonicalize().ok().and_then(|abs| {
            abs.strip_prefix(&self.root)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
        });
        self.cache
            .borrow_mut()
            .insert(path.to_string(), resolved.clone());
        resolved
    }

    pub fn touches(&self, loc: &Location) -> bool {
        let Some(p) = self.repo_path(&loc.path) else {
            return false;
        };
        match self.files.get(&p) {
            None => false,
            Some(None) => true,
            Some(Some(lines)) => (loc.start.line..=loc.end.line).any(|l| lines.contains(&l)),
        }
    }

    /// A finding counts when its primary span, or any related statement (for conflicts), is on
    /// a changed line: an edit that contradicts an unchanged document fails the edit.
    pub fn keep(&self, d: &Diagnostic) -> bool {
        self.touches(&d.location) || d.related.iter().any(|r| self.touches(&r.location))
    }
}

/// Added and modified lines per new-side path from `git diff --unified=0`.
pub fn parse_diff(diff: &str) -> HashMap<String, Option<HashSet<usize>>> {
    let mut files: HashMap<String, Option<HashSet<usize>>> = HashMap::new();
    let mut current: Option<String> = None;
    let mut new_file = false;
    for line in diff.lines() {
        if line.starts_with("diff --git ") {
            current = None;
            new_file = false;
        } else if line.starts_with("new file mode") {
            new_file = true;
        } else if let Some(p) = line.strip_prefix("+++ ") {
            current = p.strip_prefix("b/").map(unquote);
            if let Some(c) = &current {
                let entry = files
                    .entry(c.clone())
                    .or_insert_with(|| Some(HashSet::new()));
                if new_file {
                    *entry = None;
                }
            }
        } else if let Some(h) = line.strip_prefix("@@ ") {
            let (Some(c), Some(plus)) = (&current, h.split(' ').find(|w| w.starts_with('+')))
            else {
                continue;
            };
            let mut parts = plus[1..].split(',');
            let start: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            let count: usize = parts.next().map_or(1, |s| s.parse().unwrap_or(0));
            if let Some(Some(set)) = files.get_mut(c) {
                set.extend(start..start + count);
            }
        }
    }
    files
}

/// Paths with unusual characters are C-quoted by git even with quotepath off.
fn unquote(p: &str) -> String {
    let p = p.trim_end_matches('\t');
    match p.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => p.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_to_lines() {
        let diff = "diff --git a/a.md b/a.md\nindex 1..2 100644\n--- a/a.md\n+++ b/a.md\n@@ -3,0 +4,2 @@\n+x\n+y\n@@ -10 +12 @@\n-a\n+b\n@@ -20,3 +22,0 @@\n-gone\n\
diff --git a/n.md b/n.md\nnew file mode 100644\n--- /dev/null\n+++ b/n.md\n@@ -0,0 +1 @@\n+new\n";
        let f = parse_diff(diff);
        let a = f["a.md"].as_ref().unwrap();
        let mut lines: Vec<usize> = a.iter().copied().collect();
        lines.sort();
        assert_eq!(lines, vec![4, 5, 12]);
        assert!(f["n.md"].is_none());
    }
}

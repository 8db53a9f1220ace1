//! Configuration: `factlint.toml` or `.factlint.toml` in the working folder or the nearest parent
//! (the closest wins), `--config PATH` to name one, `--isolated` to use none.
//!
//! ```toml
//! include = ["docs/**/*.md"]          # globs relative to the config file; default: everything
//! exclude = ["docs/archive/**"]
//! select = ["unsourced-figure"]       # rule ids, rule kinds, or "ALL"; default: all rules
//! extend-select = ["uncited-quote"]
//! ignore = ["unused-suppression"]
//! fail-on = "warning"                 # error | warning | info | never
//! rules = ["factlint-rules"]          # extra rule folders, relative to the config file
//!
//! [rule.unsourced-figure]
//! severity = "error"
//!
//! [per-file-ignores]
//! "docs/quotes/*.md" = ["uncited-quote"]
//! ```

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use toml::Spanned;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::loader::LoadError;

pub const FILE_NAMES: &[&str] = &["factlint.toml", ".factlint.toml"];
pub const FAIL_LEVELS: &[&str] = &["error", "warning", "info", "never"];

/// Glob → rule ids, with spans for error labels.
type PerFileIgnores = BTreeMap<Spanned<String>, Vec<Spanned<String>>>;

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    include: Option<Spanned<Vec<Spanned<String>>>>,
    exclude: Option<Spanned<Vec<Spanned<String>>>>,
    select: Option<Spanned<Vec<Spanned<String>>>>,
    extend_select: Option<Spanned<Vec<Spanned<String>>>>,
    ignore: Option<Spanned<Vec<Spanned<String>>>>,
    fail_on: Option<Spanned<String>>,
    rules: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    rule: BTreeMap<Spanned<String>, Spanned<RuleOverride>>,
    per_file_ignores: Option<Spanned<PerFileIgnores>>,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RuleOverride {
    severity: Option<Spanned<Severity>>,
    /// Parameters replacing the rule's own, key by key (same keys as a rule file's [params]).
    params: Option<Spanned<crate::rules::Params>>,
}

/// A value and where it came from, for `factlint config` and for error spans.
#[derive(Debug, Clone)]
pub struct Origin {
    pub what: String,
    pub span: Option<Range<usize>>,
}

#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The config file used, with its text (for error rendering).
    pub file: Option<(PathBuf, String)>,
    /// Folder that relative globs and rule folders are resolved against.
    pub root: PathBuf,
    pub include: Vec<Spanned<String>>,
    pub exclude: Vec<Spanned<String>>,
    pub select: Option<Vec<Spanned<String>>>,
    pub extend_select: Vec<Spanned<String>>,
    pub ignore: Vec<Spanned<String>>,
    pub fail_on: Option<Spanned<String>>,
    pub rule_dirs: Vec<PathBuf>,
    pub severity: BTreeMap<String, Spanned<Severity>>,
    /// Per-rule parameter overrides, with the span of their table.
    pub params: BTreeMap<String, Spanned<crate::rules::Params>>,
    pub per_file_ignores: Vec<(Spanned<String>, Vec<Spanned<String>>)>,
    /// Where each top-level setting came from.
    pub origins: BTreeMap<&'static str, Origin>,
}

/// The config file that applies in `dir`: the closest `factlint.toml` / `.factlint.toml`.
pub fn find(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .flat_map(|d| FILE_NAMES.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

fn error(
    path: &str,
    source: &str,
    span: Option<Range<usize>>,
    message: String,
    label: &str,
) -> LoadError {
    LoadError {
        path: path.to_string(),
        source: source.to_string(),
        span,
        message,
        label: label.to_string(),
        notes: Vec::new(),
    }
}

/// Resolve settings: `explicit` (`--config`) if given, else the nearest file from `cwd`, unless
/// `isolated`.
pub fn resolve(
    explicit: Option<&Path>,
    isolated: bool,
    cwd: &Path,
) -> Result<Settings, Vec<LoadError>> {
    let path = match explicit {
        Some(p) if p.is_dir() => {
            return Err(vec![error(
                &p.display().to_string(),
                "",
                None,
                format!(
                    "--config expects a file, but {} is a folder (did you mean {}?)",
                    p.display(),
                    p.join("factlint.toml").display()
                ),
                "",
            )]);
        }
        Some(p) => Some(p.to_path_buf()),
        None if isolated => None,
        None => find(cwd),
    };
    let Some(path) = path else {
        return Ok(Settings {
            root: cwd.to_path_buf(),
            ..Settings::default()
        });
    };
    let shown = crate::discover::display_path(&path);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        vec![error(
            &shown,
            "",
            None,
            format!("cannot read config file {shown}: {e}"),
            "",
        )]
    })?;
    parse(&shown, &path, &text)
}

/// Parse a config file's text.
pub fn parse(shown: &str, path: &Path, text: &str) -> Result<Settings, Vec<LoadError>> {
    let raw: Raw = toml::from_str(text).map_err(|e| {
        vec![error(
            shown,
            text,
            e.span(),
            format!("invalid configuration: {}", e.message().trim()),
            "here",
        )]
    })?;
    let root = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let mut s = Settings {
        root: root.clone(),
        ..Settings::default()
    };
    let mut errors = Vec::new();
    let mut origin = |key: &'static str, span: Range<usize>| {
        let line = text[..span.start.min(text.len())].lines().count().max(1);
        s.origins.insert(
            key,
            Origin {
                what: format!("{shown}:{line}"),
                span: Some(span),
            },
        );
    };
    let list = |v: Option<Spanned<Vec<Spanned<String>>>>,
                key: &'static str,
                origin: &mut dyn FnMut(&'static str, Range<usize>)| {
        v.map(|v| {
            origin(key, v.span());
            v.into_inner()
        })
    };
    let include = list(raw.include, "include", &mut origin).unwrap_or_default();
    let exclude = list(raw.exclude, "exclude", &mut origin).unwrap_or_default();
    let select = list(raw.select, "select", &mut origin);
    let extend_select = list(raw.extend_select, "extend-select", &mut origin).unwrap_or_default();
    let ignore = list(raw.ignore, "ignore", &mut origin).unwrap_or_default();
    let rules = list(raw.rules, "rules", &mut origin).unwrap_or_default();
    if let Some(f) = &raw.fail_on {
        origin("fail-on", f.span());
    }
    if let Some(p) = &raw.per_file_ignores {
        origin("per-file-ignores", p.span());
    }
    if let Some((k, _)) = raw.rule.iter().next() {
        origin("rule", k.span());
    }
    for g in include.iter().chain(&exclude) {
        if let Err(e) = Glob::new(g.get_ref()) {
            errors.push(error(
                shown,
                text,
                Some(g.span()),
                format!("invalid glob: {e}"),
                "this glob",
            ));
        }
    }
    if let Some(f) = &raw.fail_on
        && !FAIL_LEVELS.contains(&f.get_ref().as_str())
    {
        errors.push(error(
            shown,
            text,
            Some(f.span()),
            format!(
                "unknown fail level `{}`; expected one of {}",
                f.get_ref(),
                FAIL_LEVELS.join(", ")
            ),
            "unknown level",
        ));
    }
    s.include = include;
    s.exclude = exclude;
    s.select = select;
    s.extend_select = extend_select;
    s.ignore = ignore;
    s.fail_on = raw.fail_on;
    s.rule_dirs = rules.iter().map(|r| root.join(r.get_ref())).collect();
    for (id, o) in raw.rule {
        let o = o.into_inner();
        if let Some(sev) = o.severity {
            s.severity.insert(id.get_ref().clone(), sev);
        }
        if let Some(p) = o.params {
            s.params.insert(id.into_inner(), p);
        }
    }
    if let Some(p) = raw.per_file_ignores {
        for (glob, rules) in p.into_inner() {
            if let Err(e) = Glob::new(glob.get_ref()) {
                errors.push(error(
                    shown,
                    text,
                    Some(glob.span()),
                    format!("invalid glob: {e}"),
                    "this glob",
                ));
            }
            s.per_file_ignores.push((glob, rules));
        }
    }
    s.file = Some((path.to_path_buf(), text.to_string()));
    if errors.is_empty() {
        Ok(s)
    } else {
        Err(errors)
    }
}

fn globset(globs: &[&Spanned<String>]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        if let Ok(g) = Glob::new(g.get_ref()) {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Settings compiled for use: glob sets, the active rule ids, and path matching.
pub struct Compiled {
    root: PathBuf,
    cwd: PathBuf,
    include: Option<GlobSet>,
    exclude: GlobSet,
    per_file: Vec<(GlobSet, Vec<String>)>,
    severity: BTreeMap<String, Severity>,
    ignore: Vec<String>,
}

impl Settings {
    fn err(&self, span: Range<usize>, message: String, label: &str) -> LoadError {
        let (path, text) = self.file.clone().unwrap_or_default();
        error(
            &crate::discover::display_path(&path),
            &text,
            Some(span),
            message,
            label,
        )
    }

    /// The active rule ids among those loaded (`known`: id and kind), after select, extend-select
    /// and ignore. Unknown names are errors pointing into the file.
    pub fn active_rules(
        &self,
        known: &[(String, String)],
        builtin: &[&str],
    ) -> Result<Vec<String>, Vec<LoadError>> {
        let mut errors = Vec::new();
        let mut expand = |name: &Spanned<String>| -> Vec<String> {
            let n = name.get_ref();
            if n == "ALL" {
                return known
                    .iter()
                    .map(|k| k.0.clone())
                    .chain(builtin.iter().map(|b| b.to_string()))
                    .collect();
            }
            let hits: Vec<String> = known
                .iter()
                .filter(|(id, kind)| id == n || kind == n)
                .map(|k| k.0.clone())
                .chain(builtin.iter().filter(|b| *b == n).map(|b| b.to_string()))
                .collect();
            if hits.is_empty() {
                let all: Vec<&str> = known
                    .iter()
                    .map(|k| k.0.as_str())
                    .chain(builtin.iter().copied())
                    .collect();
                errors.push(self.err(
                    name.span(),
                    format!(
                        "no rule or rule kind named `{n}`; known rules: {}",
                        all.join(", ")
                    ),
                    "unknown rule",
                ));
            }
            hits
        };
        let mut active: Vec<String> = match &self.select {
            Some(sel) => sel.iter().flat_map(&mut expand).collect(),
            None => known
                .iter()
                .map(|k| k.0.clone())
                .chain(builtin.iter().map(|b| b.to_string()))
                .collect(),
        };
        active.extend(self.extend_select.iter().flat_map(&mut expand));
        let ignored: Vec<String> = self.ignore.iter().flat_map(&mut expand).collect();
        for (_, rules) in &self.per_file_ignores {
            for r in rules {
                expand(r);
            }
        }
        let overridden = self
            .severity
            .iter()
            .map(|(id, s)| (id, s.span()))
            .chain(self.params.iter().map(|(id, p)| (id, p.span())));
        for (id, span) in overridden {
            if !known.iter().any(|k| &k.0 == id) && !builtin.contains(&id.as_str()) {
                errors.push(self.err(
                    span,
                    format!("[rule.{id}]: no rule named `{id}`"),
                    "unknown rule",
                ));
            }
        }
        active.retain(|a| !ignored.contains(a));
        let mut seen = std::collections::HashSet::new();
        active.retain(|a| seen.insert(a.clone()));
        if errors.is_empty() {
            Ok(active)
        } else {
            Err(errors)
        }
    }

    pub fn compile(&self, cwd: &Path, known: &[(String, String)]) -> Compiled {
        let expand = |n: &str| -> Vec<String> {
            if n == "ALL" {
                return vec!["*".into()];
            }
            let v: Vec<String> = known
                .iter()
                .filter(|(id, kind)| id == n || kind == n)
                .map(|k| k.0.clone())
                .collect();
            if v.is_empty() { vec![n.to_string()] } else { v }
        };
        let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        let root = canon(&if self.root.is_absolute() {
            self.root.clone()
        } else {
            cwd.join(&self.root)
        });
        Compiled {
            root,
            cwd: canon(cwd),
            include: if self.include.is_empty() {
                None
            } else {
                Some(globset(&self.include.iter().collect::<Vec<_>>()))
            },
            exclude: globset(&self.exclude.iter().collect::<Vec<_>>()),
            per_file: self
                .per_file_ignores
                .iter()
                .map(|(g, rules)| {
                    (
                        globset(&[g]),
                        rules.iter().flat_map(|r| expand(r.get_ref())).collect(),
                    )
                })
                .collect(),
            severity: self
                .severity
                .iter()
                .map(|(k, v)| (k.clone(), *v.get_ref()))
                .collect(),
            ignore: self
                .ignore
                .iter()
                .flat_map(|r| expand(r.get_ref()))
                .collect(),
        }
    }

    /// `factlint config`: every setting, its value and where it came from.
    pub fn describe(&self, active: &[String]) -> String {
        let from = |key: &str, flag: Option<&str>| -> String {
            match (flag, self.origins.get(key)) {
                (Some(f), _) => f.to_string(),
                (None, Some(o)) => o.what.clone(),
                (None, None) => "default".to_string(),
            }
        };
        let list = |v: &[Spanned<String>]| {
            format!(
                "[{}]",
                v.iter()
                    .map(|s| format!("{:?}", s.get_ref()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let mut out = String::new();
        match &self.file {
            Some((p, _)) => out.push_str(&format!("# config file: {}\n", p.display())),
            None => out.push_str("# config file: none (defaults)\n"),
        }
        let mut line = |k: &str, v: String, origin: String| {
            out.push_str(&format!("{:<40} # {}\n", format!("{k} = {v}"), origin));
        };
        line("include", list(&self.include), from("include", None));
        line("exclude", list(&self.exclude), from("exclude", None));
        line(
            "select",
            self.select.as_deref().map_or("[\"ALL\"]".into(), list),
            from("select", None),
        );
        line(
            "extend-select",
            list(&self.extend_select),
            from("extend-select", None),
        );
        line("ignore", list(&self.ignore), from("ignore", None));
        line(
            "fail-on",
            format!(
                "{:?}",
                self.fail_on
                    .as_ref()
                    .map_or("warning", |f| f.get_ref().as_str())
            ),
            from("fail-on", None),
        );
        line(
            "rules",
            format!(
                "[{}]",
                self.rule_dirs
                    .iter()
                    .map(|d| format!("{:?}", d.display().to_string()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            from("rules", None),
        );
        for (id, sev) in &self.severity {
            line(
                &format!("rule.{id}.severity"),
                format!("{:?}", sev.get_ref().as_str()),
                from("rule", None),
            );
        }
        for (id, p) in &self.params {
            // The table's keys as written in the file (up to the next table), on one line.
            let written = self
                .file
                .as_ref()
                .and_then(|(_, text)| text.get(p.span().end..))
                .map(|rest| {
                    rest.lines()
                        .skip_while(|l| l.trim().is_empty())
                        .take_while(|l| !l.trim_start().starts_with('['))
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with('#'))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            line(&format!("rule.{id}.params"), written, from("rule", None));
        }
        for (g, rules) in &self.per_file_ignores {
            line(
                &format!("per-file-ignores.{:?}", g.get_ref()),
                list(rules),
                from("per-file-ignores", None),
            );
        }
        out.push_str(&format!("# active rules: {}\n", active.join(", ")));
        out
    }
}

impl Compiled {
    fn relative(&self, path: &Path) -> Option<PathBuf> {
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.cwd.join(path)
        };
        abs.strip_prefix(&self.root).ok().map(Path::to_path_buf)
    }

    /// Whether a discovered file is linted: inside `include` (if set) and not in `exclude`.
    pub fn includes(&self, path: &Path) -> bool {
        let Some(rel) = self.relative(path) else {
            return self.include.is_none();
        };
        if self.exclude.is_match(&rel) {
            return false;
        }
        self.include.as_ref().is_none_or(|i| i.is_match(&rel))
    }

    /// Apply severity overrides, `ignore` (for built-in findings) and `per-file-ignores`.
    pub fn apply(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diagnostics
            .into_iter()
            .filter_map(|d| self.apply_one(d))
            .collect()
    }

    /// [`Compiled::apply`] for one finding: `None` when it is ignored.
    pub fn apply_one(&self, mut d: Diagnostic) -> Option<Diagnostic> {
        if self.ignore.iter().any(|r| **r == *d.rule) {
            return None;
        }
        if !self.per_file.is_empty() {
            let rel = self.relative(Path::new(&*d.location.path));
            let ignored = self.per_file.iter().any(|(g, rules)| {
                rel.as_ref().is_some_and(|r| g.is_match(r))
                    && rules.iter().any(|x| x == "*" || **x == *d.rule)
            });
            if ignored {
                return None;
            }
        }
        if let Some(s) = self.severity.get(&*d.rule) {
            d.severity = *s;
        }
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_points_into_the_file() {
        let text = "include = [\"*.md\"]\nselcet = [\"x\"]\n";
        let errs = parse("factlint.toml", Path::new("factlint.toml"), text).unwrap_err();
        let span = errs[0].span.clone().unwrap();
        assert_eq!(&text[span], "selcet");
    }

    #[test]
    fn wrong_type_is_an_error() {
        let errs = parse("f.toml", Path::new("f.toml"), "exclude = \"a\"\n").unwrap_err();
        assert!(errs[0].span.is_some());
    }
}

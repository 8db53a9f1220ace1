//! Loading rule files and lexicons: the embedded defaults, then the user's folders.
//!
//! Every error names its file and, where it can, the span in it, so that it renders as a
//! codespan diagnostic pointing into the TOML.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use super::{KINDS, Rule, RuleMeta, RuleSpec};
use crate::extract::Extractors;
use crate::extract::attributions::{AttributionFinder, AttributionLexicon};
use crate::extract::citations::{CitationLexicon, CitationMatcher};
use crate::extract::numbers::{NumberLexicon, Recognizer};
use crate::extract::quotations::{QuotationFinder, QuotationLexicon};
use crate::segment::{Segmenter, SentenceLexicon};

/// The default rule files, embedded so that the binary needs nothing beside it.
pub const EMBEDDED_RULES: &[(&str, &str)] = &[
    (
        "rules/unsourced-figure.toml",
        include_str!("../../rules/unsourced-figure.toml"),
    ),
    (
        "rules/uncited-quote.toml",
        include_str!("../../rules/uncited-quote.toml"),
    ),
    (
        "rules/conflicting-figure.toml",
        include_str!("../../rules/conflicting-figure.toml"),
    ),
];

/// The default lexicons, by name.
pub const EMBEDDED_LEXICONS: &[(&str, &str)] = &[
    (
        "citations",
        include_str!("../../rules/lexicon/citations.toml"),
    ),
    (
        "quotations",
        include_str!("../../rules/lexicon/quotations.toml"),
    ),
    (
        "attributions",
        include_str!("../../rules/lexicon/attributions.toml"),
    ),
    ("measures", crate::claims::EMBEDDED_MEASURES),
];

/// An error in a rule or lexicon file.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub path: String,
    /// The file's text, for rendering (empty when the file could not be read).
    pub source: String,
    pub span: Option<Range<usize>>,
    pub message: String,
    pub label: String,
    pub notes: Vec<String>,
}

/// An error a kind reports about a spec: message and the span it concerns.
#[derive(Debug, Clone)]
pub struct SpecError {
    pub span: Option<Range<usize>>,
    pub message: String,
    pub label: String,
}

impl SpecError {
    pub fn at(
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> SpecError {
        SpecError {
            span: Some(span),
            message: message.into(),
            label: label.into(),
        }
    }
}

/// The resolved rule set and the extractors its lexicons compile to.
pub struct RuleSet {
    pub rules: Vec<Box<dyn Rule>>,
    /// Shared: a rule set without user lexicons reuses the embedded extractors, compiled once
    /// per process (tests and the fuzzer load rule sets many times).
    pub extractors: std::sync::Arc<Extractors>,
}

impl RuleSet {
    pub fn get(&self, id: &str) -> Option<&dyn Rule> {
        self.rules
            .iter()
            .find(|r| *r.meta().id == *id)
            .map(|r| r.as_ref())
    }
}

#[derive(Default)]
struct Lexicons {
    sentences: SentenceLexicon,
    numbers: NumberLexicon,
    citations: CitationLexicon,
    quotations: QuotationLexicon,
    attributions: AttributionLexicon,
    /// Where each lexicon's last contribution came from, for pointing compile errors at it.
    origin: HashMap<&'static str, (String, String)>,
    /// The measure lexicon: the embedded one, with user entries in front.
    measures: crate::claims::MeasureLexicon,
    /// A user folder brought a lexicon the extractors use: the embedded extractors cannot be
    /// reused.
    from_user: bool,
    /// Each user measure lexicon as read (path, source, entries, and how many load errors
    /// came before it), compiled alone only if the merged lexicon does not compile, to point
    /// the error into its file. Compiling each up front cost a few ms of every start.
    user_measures: Vec<(String, String, crate::claims::MeasureLexicon, usize)>,
}

/// Load the embedded defaults, then each user folder in order.
pub fn load(user_dirs: &[&Path]) -> Result<RuleSet, Vec<LoadError>> {
    load_with(user_dirs, &HashMap::new())
}

/// Like [`load`], with parameter overrides by rule id (from a config file) applied to each
/// rule's `[params]` before it is built.
pub fn load_with(
    user_dirs: &[&Path],
    overrides: &HashMap<String, super::Params>,
) -> Result<RuleSet, Vec<LoadError>> {
    // A folder that cannot be read becomes one unreadable entry, so that its error is reported
    // alongside those of the other folders.
    let folders: Vec<Vec<UserFile>> = user_dirs
        .iter()
        .map(|dir| {
            read_user_dir(dir).unwrap_or_else(|message| {
                vec![UserFile {
                    shown: dir.display().to_string(),
                    lexicon: None,
                    text: Err(message),
                }]
            })
        })
        .collect();
    load_files(&folders, overrides)
}

/// Like [`load_with`], with the user's folders already read (see [`read_user_dir`]): each inner
/// list is one folder. Nothing here touches the file system, which the rule-loader fuzz target
/// relies on.
pub fn load_files(
    folders: &[Vec<UserFile>],
    overrides: &HashMap<String, super::Params>,
) -> Result<RuleSet, Vec<LoadError>> {
    let mut errors = Vec::new();
    let mut specs: Vec<(RuleSpec, String, String)> = Vec::new();
    let mut lex = Lexicons {
        sentences: SentenceLexicon::embedded(),
        numbers: NumberLexicon::embedded(),
        ..Lexicons::default()
    };
    for (name, src) in EMBEDDED_LEXICONS {
        add_lexicon(
            &mut lex,
            name,
            &format!("rules/lexicon/{name}.toml"),
            src,
            false,
            &mut errors,
        );
    }
    for (path, src) in EMBEDDED_RULES {
        if let Some(spec) = parse_rule(path, src, &mut errors) {
            specs.push((spec, path.to_string(), src.to_string()));
        }
    }

    let embedded_measures = lex.measures.len();
    for files in folders {
        add_user_files(files, &mut specs, &mut lex, &mut errors);
    }
    if !errors.is_empty() {
        // Report a bad measure pattern beside the other errors, where it was read.
        insert_measure_errors(&lex.user_measures, &mut errors);
        return Err(errors);
    }
    // Claim keys use the user's measures when a rules folder brings some, else the embedded.
    // Both compilations are start-up time: the measures compile on the other core meanwhile.
    // (The CLI's `prewarm` thread compiles the regexes every key uses at the same time: the
    // three are about equal, and one after another they were the longest part of start-up.)
    let (user_measures, extractors) = std::thread::scope(|scope| {
        let measures = if lex.measures.len() > embedded_measures {
            Some(scope.spawn(|| crate::claims::Measures::new(&lex.measures)))
        } else {
            scope.spawn(crate::claims::Measures::embedded);
            None
        };
        let extractors = extractors_for(&lex);
        let measures = measures.map(|h| match h.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        });
        (measures, extractors)
    });
    let user_measures = match user_measures.transpose() {
        Ok(m) => m,
        Err(e) => {
            insert_measure_errors(&lex.user_measures, &mut errors);
            if errors.is_empty() {
                // Each file compiles alone but not together (e.g. a group name twice).
                let (path, src) = lex.origin.get("measures").cloned().unwrap_or_default();
                errors.push(LoadError {
                    path,
                    source: src,
                    span: None,
                    message: format!("invalid regex: {}", e.message),
                    label: "this pattern".into(),
                    notes: Vec::new(),
                });
            }
            return Err(errors);
        }
    };
    crate::claims::set_active_measures(user_measures);
    let extractors = match extractors {
        Ok(x) => x,
        Err(e) => return Err(vec![*e]),
    };

    let mut rules: Vec<Box<dyn Rule>> = Vec::new();
    for (mut spec, path, src) in specs {
        if let Some(o) = overrides.get(spec.id.get_ref()) {
            spec.params.overlay(o);
        }
        match build_rule(&spec, &path) {
            Ok(rule) => rules.push(rule),
            Err(e) => errors.push(LoadError {
                path,
                source: src,
                span: e.span,
                message: e.message,
                label: e.label,
                notes: Vec::new(),
            }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    rules.sort_by(|a, b| a.meta().id.cmp(&b.meta().id));
    Ok(RuleSet { rules, extractors })
}

/// One file of a user's rules folder, read into memory: a rule file or a lexicon.
#[derive(Debug, Clone)]
pub struct UserFile {
    /// The path as shown in messages.
    pub shown: String,
    /// `Some(name)` for `lexicon/NAME.toml`, `None` for a rule file.
    pub lexicon: Option<String>,
    /// The text, or why it could not be read.
    pub text: Result<String, String>,
}

/// Read a rules folder: its `*.toml` rule files and `lexicon/*.toml`, in name order.
pub fn read_user_dir(dir: &Path) -> Result<Vec<UserFile>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read rule folder: {e}"))?;
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let shown_file = path.display().to_string();
        if path.is_dir() && path.file_name().is_some_and(|n| n == "lexicon") {
            let mut lex_files: Vec<_> = match std::fs::read_dir(&path) {
                Ok(e) => e.filter_map(|e| e.ok().map(|e| e.path())).collect(),
                Err(e) => {
                    files.push(UserFile {
                        shown: shown_file,
                        lexicon: Some(String::new()),
                        text: Err(format!("cannot read lexicon folder: {e}")),
                    });
                    continue;
                }
            };
            lex_files.sort();
            for lf in lex_files {
                if lf.extension().is_some_and(|e| e == "toml") {
                    let name = lf
                        .file_stem()
                        .and_then(|s| s.to_str())
                        .unwrap_or("")
                        .to_string();
                    files.push(UserFile {
                        shown: lf.display().to_string(),
                        lexicon: Some(name),
                        text: read_text(&lf),
                    });
                }
            }
            continue;
        }
        if path.extension().is_none_or(|e| e != "toml") || !path.is_file() {
            continue;
        }
        files.push(UserFile {
            shown: shown_file,
            lexicon: None,
            text: read_text(&path),
        });
    }
    Ok(files)
}

/// Merge one user folder's files into the specs and lexicons.
fn add_user_files(
    files: &[UserFile],
    specs: &mut Vec<(RuleSpec, String, String)>,
    lex: &mut Lexicons,
    errors: &mut Vec<LoadError>,
) {
    let mut seen_here: HashMap<String, (String, String, Range<usize>)> = HashMap::new();
    for file in files {
        let shown_file = &file.shown;
        let src = match &file.text {
            Ok(s) => s,
            Err(e) => {
                errors.push(plain_error(shown_file, e.clone()));
                continue;
            }
        };
        if let Some(name) = &file.lexicon {
            // The measure lexicon feeds claim keys only: a folder that brings just measures
            // keeps the extractors compiled from the embedded lexicons (shared per process).
            if name != "measures" {
                lex.from_user = true;
            }
            add_lexicon(lex, name, shown_file, src, true, errors);
            continue;
        }
        let Some(spec) = parse_rule(shown_file, src, errors) else {
            continue;
        };
        let id = spec.id.get_ref().clone();
        if let Some((first_path, _, first_span)) = seen_here.get(&id) {
            errors.push(LoadError {
                path: shown_file.clone(),
                source: src.clone(),
                span: Some(spec.id.span()),
                message: format!("duplicate rule id `{id}`"),
                label: "this id is already used in the same folder".into(),
                notes: vec![format!(
                    "first defined in {first_path} at bytes {}..{}",
                    first_span.start, first_span.end
                )],
            });
            continue;
        }
        seen_here.insert(
            id.clone(),
            (shown_file.clone(), src.clone(), spec.id.span()),
        );
        // A user rule with a default's id replaces it.
        specs.retain(|(s, _, _)| s.id.get_ref() != &id);
        specs.push((spec, shown_file.clone(), src.clone()));
    }
}

fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read file: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "file is not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

fn plain_error(path: &str, message: String) -> LoadError {
    LoadError {
        path: path.to_string(),
        source: String::new(),
        span: None,
        message,
        label: String::new(),
        notes: Vec::new(),
    }
}

fn toml_error(path: &str, src: &str, e: toml::de::Error) -> LoadError {
    LoadError {
        path: path.to_string(),
        source: src.to_string(),
        span: e.span(),
        message: e.message().trim().to_string(),
        label: "here".into(),
        notes: Vec::new(),
    }
}

fn parse_rule(path: &str, src: &str, errors: &mut Vec<LoadError>) -> Option<RuleSpec> {
    if src.trim().is_empty() {
        errors.push(LoadError {
            path: path.to_string(),
            source: src.to_string(),
            span: Some(0..0),
            message: "empty rule file".into(),
            label: "expected a rule here".into(),
            notes: vec!["a rule file declares `id`, `kind`, `summary` and `message`; see `factlint explain unsourced-figure` for an example".into()],
        });
        return None;
    }
    match toml::from_str::<RuleSpec>(src) {
        Ok(spec) => {
            let id = spec.id.get_ref();
            let kebab = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !id.starts_with('-')
                && !id.ends_with('-')
                && !id.contains("--");
            if !kebab {
                errors.push(LoadError {
                    path: path.to_string(),
                    source: src.to_string(),
                    span: Some(spec.id.span()),
                    message: format!("rule id `{id}` is not kebab-case"),
                    label: "use lower-case words joined by hyphens, like `unsourced-figure`".into(),
                    notes: Vec::new(),
                });
                return None;
            }
            Some(spec)
        }
        Err(e) => {
            errors.push(toml_error(path, src, e));
            None
        }
    }
}

/// The error of each user measure lexicon that does not compile alone, inserted where it
/// was read among the other load errors.
fn insert_measure_errors(
    read: &[(String, String, crate::claims::MeasureLexicon, usize)],
    errors: &mut Vec<LoadError>,
) {
    for (path, src, l, at) in read.iter().rev() {
        if let Err(e) = crate::claims::Measures::new(l) {
            errors.insert(
                (*at).min(errors.len()),
                LoadError {
                    path: path.clone(),
                    source: src.clone(),
                    span: Some(e.span),
                    message: format!("invalid regex: {}", e.message),
                    label: "this pattern".into(),
                    notes: Vec::new(),
                },
            );
        }
    }
}

/// Merge one lexicon file. `validate` compiles what can be compiled alone (the measures) so that
/// an error points into this file; the embedded lexicons are known to compile (unit-tested) and
/// skip it, which keeps start-up short.
fn add_lexicon(
    lex: &mut Lexicons,
    name: &str,
    path: &str,
    src: &str,
    validate: bool,
    errors: &mut Vec<LoadError>,
) {
    fn parse<T: serde::de::DeserializeOwned>(
        path: &str,
        src: &str,
        errors: &mut Vec<LoadError>,
    ) -> Option<T> {
        match toml::from_str::<T>(src) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.push(toml_error(path, src, e));
                None
            }
        }
    }
    let key: &'static str = match name {
        "sentences" => {
            if let Some(l) = parse::<SentenceLexicon>(path, src, errors) {
                lex.sentences.extend(l);
            }
            "sentences"
        }
        "numbers" => {
            if let Some(l) = parse::<NumberLexicon>(path, src, errors) {
                lex.numbers.extend(l);
            }
            "numbers"
        }
        "citations" => {
            if let Some(l) = parse::<crate::extract::citations::CitationLexicon>(path, src, errors)
            {
                lex.citations.extend(l);
            }
            "citations"
        }
        "quotations" => {
            if let Some(l) = parse::<QuotationLexicon>(path, src, errors) {
                lex.quotations.extend(l);
            }
            "quotations"
        }
        "attributions" => {
            if let Some(l) = parse::<AttributionLexicon>(path, src, errors) {
                lex.attributions.extend(l);
            }
            "attributions"
        }
        "measures" => {
            if let Some(l) = parse::<crate::claims::MeasureLexicon>(path, src, errors) {
                if validate {
                    lex.user_measures.push((
                        path.to_string(),
                        src.to_string(),
                        l.clone(),
                        errors.len(),
                    ));
                }
                lex.measures.prepend(l);
            }
            "measures"
        }
        other => {
            errors.push(plain_error(
                path,
                format!(
                    "unknown lexicon `{other}`: lexicon files are named sentences, numbers, citations, quotations, attributions or measures (.toml)"
                ),
            ));
            return;
        }
    };
    lex.origin.insert(key, (path.to_string(), src.to_string()));
}

// The error is rendered at once and only on the failure path; boxing it buys nothing.
#[allow(clippy::result_large_err)]
/// The compiled extractors for these lexicons; the embedded ones are compiled once per process.
fn extractors_for(lex: &Lexicons) -> Result<std::sync::Arc<Extractors>, Box<LoadError>> {
    static EMBEDDED: std::sync::OnceLock<std::sync::Arc<Extractors>> = std::sync::OnceLock::new();
    if lex.from_user {
        return compile_extractors(lex).map(std::sync::Arc::new);
    }
    if let Some(x) = EMBEDDED.get() {
        return Ok(x.clone());
    }
    let x = std::sync::Arc::new(compile_extractors(lex)?);
    Ok(EMBEDDED.get_or_init(|| x).clone())
}

fn compile_extractors(lex: &Lexicons) -> Result<Extractors, Box<LoadError>> {
    let error_in = |name: &str, span: Option<Range<usize>>, message: String| {
        let (path, src) = lex
            .origin
            .get(name)
            .cloned()
            .unwrap_or_else(|| (format!("rules/lexicon/{name}.toml"), String::new()));
        Box::new(LoadError {
            path,
            source: src,
            span,
            message,
            label: "this pattern".into(),
            notes: Vec::new(),
        })
    };
    let segmenter = Segmenter::new(&lex.sentences).map_err(|m| error_in("sentences", None, m))?;
    let numbers = Recognizer::new(&lex.numbers).map_err(|m| error_in("numbers", None, m))?;
    let citations = CitationMatcher::new(&lex.citations).map_err(|e| {
        error_in(
            "citations",
            Some(e.span),
            format!("invalid regex: {}", e.message),
        )
    })?;
    let quotations =
        QuotationFinder::new(&lex.quotations).map_err(|m| error_in("quotations", None, m))?;
    let attributions = AttributionFinder::new(&lex.attributions).map_err(|e| {
        error_in(
            "attributions",
            Some(e.span),
            format!("invalid regex: {}", e.message),
        )
    })?;
    Ok(Extractors {
        segmenter,
        numbers,
        citations,
        quotations,
        attributions,
    })
}

fn build_rule(spec: &RuleSpec, path: &str) -> Result<Box<dyn Rule>, super::loader::SpecError> {
    let kind = spec.kind.get_ref();
    let Some((_, builder)) = KINDS.iter().find(|(name, _)| name == kind) else {
        let known: Vec<&str> = KINDS.iter().map(|(n, _)| *n).collect();
        return Err(SpecError::at(
            spec.kind.span(),
            format!("unknown rule kind `{kind}`"),
            format!("expected one of: {}", known.join(", ")),
        ));
    };
    let meta = RuleMeta {
        id: spec.id.get_ref().as_str().into(),
        kind: kind.clone(),
        severity: spec.severity,
        summary: spec.summary.clone(),
        message: spec.message.clone(),
        template: super::Template::new(&spec.message),
        label: spec.label.as_deref().map(std::sync::Arc::from),
        help: spec.help.as_deref().map(std::sync::Arc::from),
        notes: spec.notes.clone().into(),
        explain: spec.explain.clone(),
        params: Vec::new(),
        origin: path.to_string(),
    };
    builder(spec, meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_defaults_load() {
        let set = load(&[])
            .unwrap_or_else(|e| panic!("{:?}", e.iter().map(|e| &e.message).collect::<Vec<_>>()));
        let ids: Vec<&str> = set.rules.iter().map(|r| &*r.meta().id).collect();
        assert!(ids.contains(&"unsourced-figure"), "{ids:?}");
        assert!(ids.contains(&"uncited-quote"), "{ids:?}");
    }

    fn errors_for(files: &[(&str, &str)]) -> Vec<LoadError> {
        let dir = tempfile::tempdir().unwrap();
        for (name, body) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, body).unwrap();
        }
        match load(&[dir.path()]) {
            Ok(_) => Vec::new(),
            Err(e) => e,
        }
    }

    const GOOD: &str = "id = \"my-rule\"\nkind = \"pattern\"\nsummary = \"s\"\nmessage = \"m\"\n[params]\nphrases = [\"very unique\"]\n";

    #[test]
    fn in_memory_folders_load_like_real_ones() {
        let rule = UserFile {
            shown: "mine/unsourced-figure.toml".into(),
            lexicon: None,
            text: Ok(GOOD.replace("my-rule", "unsourced-figure")),
        };
        let set = load_files(&[vec![rule]], &HashMap::new()).expect("loads");
        let replaced = set.get("unsourced-figure").expect("rule present");
        assert_eq!(
            replaced.meta().kind,
            "pattern",
            "the user file replaced the default"
        );
        let unreadable = UserFile {
            shown: "mine/bad.toml".into(),
            lexicon: None,
            text: Err("cannot read file: denied".into()),
        };
        let errors = load_files(&[vec![unreadable]], &HashMap::new())
            .err()
            .expect("an unreadable file is an error");
        assert_eq!(errors[0].path, "mine/bad.toml");
        assert!(errors[0].message.contains("denied"));
    }

    #[test]
    fn loading_errors_table() {
        type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, Option<&'a str>);
        let cases: Vec<Case> = vec![
            // (files, message contains, text under the span)
            (vec![("a.toml", "id = \"x\"\nkind = ")], "string", None),
            (
                vec![(
                    "a.toml",
                    "id = \"a-b\"\nkind = \"pattern\"\nsummary = \"s\"\nmessage = \"m\"\ncolour = 1\n",
                )],
                "unknown field",
                Some("colour"),
            ),
            (
                vec![(
                    "a.toml",
                    "id = \"a-b\"\nkind = \"pattern\"\nsummary = \"s\"\nmessage = 5\n",
                )],
                "invalid type",
                Some("5"),
            ),
            (
                vec![(
                    "a.toml",
                    "id = \"a-b\"\nkind = \"nope\"\nsummary = \"s\"\nmessage = \"m\"\n",
                )],
                "unknown rule kind",
                Some("\"nope\""),
            ),
            (
                vec![(
                    "a.toml",
                    "id = \"a-b\"\nkind = \"pattern\"\nsummary = \"s\"\nmessage = \"m\"\n[params]\npattern = '(unclosed'\n",
                )],
                "invalid regex",
                Some("'(unclosed'"),
            ),
            (
                vec![(
                    "a.toml",
                    "id = \"a-b\"\nkind = \"pattern\"\nsummary = \"s\"\nmessage = \"m\"\n[params]\npattern = '\\w{900}\\w{900}\\w{900}'\n",
                )],
                "too large",
                None,
            ),
            (
                vec![("a.toml", GOOD), ("b.toml", GOOD)],
                "duplicate rule id",
                Some("\"my-rule\""),
            ),
            (
                vec![(
                    "a.toml",
                    "id = \"Bad_Id\"\nkind = \"pattern\"\nsummary = \"s\"\nmessage = \"m\"\n",
                )],
                "kebab-case",
                Some("\"Bad_Id\""),
            ),
            (vec![("a.toml", "  \n")], "empty rule file", None),
            (
                vec![("lexicon/citations.toml", "markers = ['[unclosed']\n")],
                "invalid regex",
                Some("'[unclosed'"),
            ),
            (
                vec![("lexicon/colours.toml", "x = 1\n")],
                "unknown lexicon",
                None,
            ),
            // The subject at fault is named, not the first one of the file.
            (
                vec![(
                    "lexicon/measures.toml",
                    "[[subject]]\npattern = 'fine'\n\n[[subject]]\npattern = '(broken'\n",
                )],
                "invalid regex",
                Some("'(broken'"),
            ),
            (
                vec![(
                    "lexicon/measures.toml",
                    "[[measure]]\nname = \"m\"\nwords = ['  ']\n",
                )],
                "empty measure word",
                Some("'  '"),
            ),
        ];
        for (files, want, span_text) in cases {
            let errors = errors_for(&files);
            assert_eq!(
                errors.len(),
                1,
                "{files:?}: {:?}",
                errors.iter().map(|e| &e.message).collect::<Vec<_>>()
            );
            let e = &errors[0];
            assert!(e.message.contains(want), "{files:?}: {}", e.message);
            if let Some(t) = span_text {
                let span = e.span.clone().expect("span");
                assert_eq!(&e.source[span], t, "{files:?}");
            }
        }
    }

    /// A measure lexicon is compiled alone only when something is wrong: its error must still
    /// come out beside the others, pointing into its file.
    #[test]
    fn a_bad_measure_pattern_is_reported_with_other_errors() {
        let measures = (
            "lexicon/measures.toml",
            "[[subject]]\npattern = 'fine'\n\n[[subject]]\npattern = '(broken'\n",
        );
        let errors = errors_for(&[measures, ("z.toml", "id = \"x\"\nkind = ")]);
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(errors.len(), 2, "{messages:?}");
        let bad = errors
            .iter()
            .find(|e| e.message.contains("invalid regex"))
            .expect("the measure error");
        assert_eq!(&bad.source[bad.span.clone().expect("span")], "'(broken'");
        // A good measure lexicon adds no error of its own.
        let good = ("lexicon/measures.toml", "[[subject]]\npattern = 'fine'\n");
        assert_eq!(
            errors_for(&[good, ("z.toml", "id = \"x\"\nkind = ")]).len(),
            1
        );
    }

    #[test]
    fn user_rule_replaces_default_with_same_id() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("u.toml"),
            "id = \"uncited-quote\"\nkind = \"pattern\"\nsummary = \"replaced\"\nmessage = \"m\"\n[params]\nphrases = [\"x\"]\n",
        )
        .unwrap();
        let set = load(&[dir.path()]).ok().unwrap();
        let rule = set.get("uncited-quote").unwrap();
        assert_eq!(rule.meta().summary, "replaced");
        assert_eq!(
            set.rules
                .iter()
                .filter(|r| &*r.meta().id == "uncited-quote")
                .count(),
            1
        );
    }
}

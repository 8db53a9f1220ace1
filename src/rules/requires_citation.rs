//! `requires-citation`: a class of matches (figures, quotations, or a pattern) must have a
//! citation in scope.

use regex::Regex;

use super::loader::SpecError;
use super::{FileContext, Rule, RuleMeta, RuleSpec};
use crate::diagnostic::Diagnostic;
use crate::extract::lexicon_regex::compile_one;
use crate::extract::{Scope, SourceStatus};
use crate::parse::BlockKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Figures,
    Quotations,
    Pattern,
}

pub struct RequiresCitation {
    meta: RuleMeta,
    target: Target,
    scope: Scope,
    accept_attribution: bool,
    skip_headings: bool,
    skip_quoted: bool,
    pattern: Option<Regex>,
    structural_nouns: Vec<String>,
}

pub fn build(spec: &RuleSpec, mut meta: RuleMeta) -> Result<Box<dyn Rule>, SpecError> {
    let p = &spec.params;
    let Some(target) = &p.target else {
        return Err(SpecError::at(
            spec.kind.span(),
            "a `requires-citation` rule needs `params.target`",
            "add [params] target = \"figures\", \"quotations\" or \"pattern\"",
        ));
    };
    let target_kind = match target.get_ref().as_str() {
        "figures" => Target::Figures,
        "quotations" => Target::Quotations,
        "pattern" => Target::Pattern,
        other => {
            return Err(SpecError::at(
                target.span(),
                format!("unknown target `{other}`"),
                "expected \"figures\", \"quotations\" or \"pattern\"",
            ));
        }
    };
    let pattern = match (&p.pattern, target_kind) {
        (Some(pat), Target::Pattern) => Some(compile_one(pat.get_ref()).map_err(|m| {
            SpecError::at(pat.span(), format!("invalid regex: {m}"), "this pattern")
        })?),
        (None, Target::Pattern) => {
            return Err(SpecError::at(
                target.span(),
                "target \"pattern\" needs `params.pattern`",
                "add a regex as params.pattern",
            ));
        }
        (Some(pat), _) => {
            return Err(SpecError::at(
                pat.span(),
                "`pattern` is only used with target = \"pattern\"",
                "remove this, or set target = \"pattern\"",
            ));
        }
        (None, _) => None,
    };
    let scope = p.scope.unwrap_or(Scope::Auto);
    let accept_attribution = p.accept_attribution.unwrap_or(true);
    let skip_headings = p.skip_headings.unwrap_or(true);
    let skip_quoted = p.skip_quoted.unwrap_or(true);
    meta.params = vec![
        ("target".into(), target.get_ref().clone()),
        ("scope".into(), format!("{scope:?}").to_lowercase()),
        ("accept-attribution".into(), accept_attribution.to_string()),
        ("skip-headings".into(), skip_headings.to_string()),
        ("skip-quoted".into(), skip_quoted.to_string()),
    ];
    if let Some(pat) = &p.pattern {
        meta.params.push(("pattern".into(), pat.get_ref().clone()));
    }
    let structural_nouns = p.structural_nouns.clone().unwrap_or_default();
    if !structural_nouns.is_empty() {
        meta.params
            .push(("structural-nouns".into(), structural_nouns.join(", ")));
    }
    Ok(Box::new(RequiresCitation {
        structural_nouns,
        meta,
        target: target_kind,
        scope,
        accept_attribution,
        skip_headings,
        skip_quoted,
        pattern,
    }))
}

impl RequiresCitation {
    fn unsourced(&self, status: SourceStatus) -> bool {
        match status {
            SourceStatus::Cited(_) => false,
            SourceStatus::Attributed(_) => !self.accept_attribution,
            SourceStatus::None => true,
        }
    }

    /// "two categories", "four periods", "ten year periods": a small count written in words,
    /// followed within two words by a structural noun.
    fn is_structural(&self, text: &str, f: &crate::extract::Figure) -> bool {
        if self.structural_nouns.is_empty() || f.m.high.get().is_none_or(|h| h > 10.0) {
            return false;
        }
        if text[f.m.span.clone()].chars().any(|c| c.is_ascii_digit()) {
            return false;
        }
        let after = &text[f.m.span.end..];
        after
            .split_whitespace()
            .take(2)
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .any(|w| self.structural_nouns.contains(&w))
    }

    fn in_heading(&self, ctx: &FileContext, block: usize) -> bool {
        self.skip_headings && ctx.analysis.blocks[block].kind == BlockKind::Heading
    }
}

impl Rule for RequiresCitation {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn check_file(&self, ctx: &FileContext) -> Vec<Diagnostic> {
        let a = ctx.analysis;
        // (flagged range, context) of each finding, made into findings together at the end.
        let mut places = Vec::new();
        // Every finding's fingerprint starts from the same (rule, path) hash.
        let seed = self.meta.fingerprint_seed(ctx);
        match self.target {
            Target::Figures => {
                places = a
                    .figures
                    .iter()
                    .filter(|f| {
                        let s = &a.sentences[f.sentence];
                        !((self.skip_quoted && f.quotation.is_some())
                            || self.in_heading(ctx, s.block)
                            || self.is_structural(&ctx.file.text, f))
                            && self.unsourced(a.source_of(f.sentence, self.scope))
                    })
                    .map(|f| (f.m.span.clone(), a.sentences[f.sentence].range.clone()))
                    .collect();
            }
            Target::Quotations => {
                // Quotations are sorted by (start, longest first): one nested in another
                // (a quoted line in an excerpt) ends before the widest end seen so far.
                let mut widest_end = 0usize;
                for (qi, q) in a.quotations.iter().enumerate() {
                    let nested = qi > 0 && q.q.range.end <= widest_end;
                    widest_end = widest_end.max(q.q.range.end);
                    if nested {
                        continue;
                    }
                    if self.unsourced(a.quotation_source(qi, self.scope)) {
                        let context = q.q.range.clone();
                        // Long block quotations are underlined on their first line only.
                        let range = first_line(&ctx.file.text, q.q.range.clone());
                        places.push((range, context));
                    }
                }
            }
            Target::Pattern => {
                let re = self.pattern.as_ref().expect("pattern compiled at build");
                for (si, s) in a.sentences.iter().enumerate() {
                    if s.is_reference || self.in_heading(ctx, s.block) {
                        continue;
                    }
                    for m in re.find_iter(&ctx.file.text[s.range.clone()]) {
                        if m.is_empty() {
                            continue;
                        }
                        let range = s.range.start + m.start()..s.range.start + m.end();
                        if ctx.doc.is_excluded(&range) {
                            continue;
                        }
                        if self.unsourced(a.source_of(si, self.scope)) {
                            places.push((range, s.range.clone()));
                        }
                    }
                }
            }
        }
        // A list of the right size at once: on a large file a list of findings grown one push
        // at a time was copied a dozen times over.
        let mut out = Vec::with_capacity(places.len());
        self.meta.diagnostics_seeded(ctx, seed, &places, &mut out);
        out
    }
}

fn first_line(text: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    match text[range.clone()].find(['\n', '\r']) {
        Some(i) => range.start..range.start + i,
        None => range,
    }
}

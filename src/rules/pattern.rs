//! `pattern`: a plain regex or phrase-list finding, like Vale's existence rules.

use regex::Regex;

use super::loader::SpecError;
use super::{FileContext, Rule, RuleMeta, RuleSpec};
use crate::diagnostic::Diagnostic;
use crate::extract::lexicon_regex::compile_one;
use crate::parse::BlockKind;

pub struct Pattern {
    meta: RuleMeta,
    re: Regex,
    skip_headings: bool,
}

pub fn build(spec: &RuleSpec, mut meta: RuleMeta) -> Result<Box<dyn Rule>, SpecError> {
    let p = &spec.params;
    let ignore_case = p.ignore_case.unwrap_or(false);
    let flags = if ignore_case { "(?i)" } else { "" };
    let (source, span) = match (&p.pattern, &p.phrases) {
        (Some(pat), None) => (format!("{flags}{}", pat.get_ref()), pat.span()),
        (None, Some(phrases)) => {
            if phrases.get_ref().is_empty() {
                return Err(SpecError::at(
                    phrases.span(),
                    "`phrases` is empty",
                    "list at least one phrase",
                ));
            }
            let alternation = phrases
                .get_ref()
                .iter()
                .map(|s| regex::escape(s))
                .collect::<Vec<_>>()
                .join("|");
            (format!(r"{flags}\b(?:{alternation})\b"), phrases.span())
        }
        (Some(pat), Some(_)) => {
            return Err(SpecError::at(
                pat.span(),
                "give `pattern` or `phrases`, not both",
                "one of the two",
            ));
        }
        (None, None) => {
            return Err(SpecError::at(
                spec.kind.span(),
                "a `pattern` rule needs `params.pattern` or `params.phrases`",
                "add one of them under [params]",
            ));
        }
    };
    let re = compile_one(&source)
        .map_err(|m| SpecError::at(span, format!("invalid regex: {m}"), "this pattern"))?;
    if let Some(t) = &p.target {
        return Err(SpecError::at(
            t.span(),
            "`target` is not a parameter of `pattern` rules",
            "remove this",
        ));
    }
    let skip_headings = p.skip_headings.unwrap_or(false);
    meta.params = vec![
        ("pattern".into(), source),
        ("skip-headings".into(), skip_headings.to_string()),
    ];
    Ok(Box::new(Pattern {
        meta,
        re,
        skip_headings,
    }))
}

impl Rule for Pattern {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn check_file(&self, ctx: &FileContext) -> Vec<Diagnostic> {
        let text = &ctx.file.text;
        let mut out = Vec::new();
        // Every finding's fingerprint starts from the same (rule, path) hash.
        let seed = self.meta.fingerprint_seed(ctx);
        for s in &ctx.analysis.sentences {
            if self.skip_headings && ctx.analysis.blocks[s.block].kind == BlockKind::Heading {
                continue;
            }
            for m in self.re.find_iter(&text[s.range.clone()]) {
                if m.is_empty() {
                    continue;
                }
                let range = s.range.start + m.start()..s.range.start + m.end();
                if !ctx.doc.is_excluded(&range) {
                    out.push(
                        self.meta
                            .diagnostic_seeded(ctx, seed, range, s.range.clone()),
                    );
                }
            }
        }
        out
    }
}

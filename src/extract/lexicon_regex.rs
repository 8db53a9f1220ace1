//! Compiling the regexes that lexicons and rules declare, with errors that point into the file.

use std::ops::Range;

use regex::{Regex, RegexBuilder};
use toml::Spanned;

/// Compiled-size ceiling for one user regex. The `regex` crate runs in linear time, but a huge
/// automaton still costs memory and start-up time; past this the pattern is refused.
pub const REGEX_SIZE_LIMIT: usize = 4 * 1024 * 1024;

/// A pattern that did not compile: the message and where the pattern sits in its TOML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub span: Range<usize>,
    pub message: String,
}

pub fn compile_one(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT * 2)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(limit) => {
                format!("regex is too large to compile (over the {limit} byte limit); simplify it or split it")
            }
            other => other.to_string(),
        })
}

/// The one pattern that matches what any of `patterns` matches, in their order of preference.
pub fn alternation_source(patterns: &[Spanned<String>]) -> String {
    patterns
        .iter()
        .map(|p| format!("(?:{})", p.get_ref()))
        .collect::<Vec<_>>()
        .join("|")
}

/// Compile a list of patterns into one alternation. Each is checked alone first so that an
/// error names the exact pattern. `None` for an empty list.
pub fn compile_alternation(patterns: &[Spanned<String>]) -> Result<Option<Regex>, PatternError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let joined = alternation_source(patterns);
    // Compile the alternation first: start-up time matters for one-file runs. Only when it
    // fails are the patterns compiled one by one, to name the one at fault.
    match compile_one(&joined) {
        Ok(re) => Ok(Some(re)),
        Err(joined_message) => {
            for p in patterns {
                compile_one(p.get_ref()).map_err(|message| PatternError {
                    span: p.span(),
                    message,
                })?;
            }
            Err(PatternError {
                span: patterns[0].span().start..patterns[patterns.len() - 1].span().end,
                message: joined_message,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Doc {
        p: Vec<Spanned<String>>,
    }

    #[test]
    fn errors_point_at_the_bad_pattern() {
        let src = "p = ['ok', 'bad(']";
        let doc: Doc = toml::from_str(src).unwrap();
        let err = compile_alternation(&doc.p).unwrap_err();
        assert_eq!(&src[err.span.clone()], "'bad('");
        assert!(err.message.contains("unclosed group"), "{}", err.message);
    }

    #[test]
    fn too_large_is_refused_clearly() {
        let err = compile_one(r"\w{1000}\w{1000}\w{1000}").unwrap_err();
        assert!(err.contains("too large"), "{err}");
    }

    #[test]
    fn empty_list_is_none() {
        assert!(compile_alternation(&[]).unwrap().is_none());
    }
}

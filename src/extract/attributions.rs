//! Attributions: a sentence that names its source without giving a reference
//! ("According to Werth, …", "Snyder estimates …", "The commission concluded: …").

use std::ops::Range;

use regex::Regex;
use toml::Spanned;

use crate::extract::lexicon_regex::{PatternError, compile_alternation};

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AttributionLexicon {
    /// Substituted for `{name}` in the patterns.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
}

pub const EMBEDDED_ATTRIBUTIONS: &str = include_str!("../../rules/lexicon/attributions.toml");

impl AttributionLexicon {
    pub fn embedded() -> AttributionLexicon {
        toml::from_str(EMBEDDED_ATTRIBUTIONS).expect("embedded attributions lexicon parses")
    }

    pub fn extend(&mut self, other: AttributionLexicon) {
        if other.name.is_some() {
            self.name = other.name;
        }
        self.patterns.extend(other.patterns);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    pub range: Range<usize>,
}

pub struct AttributionFinder {
    /// Patterns without a `{name}`: "according to", "in the words of".
    free: Option<Regex>,
    /// Patterns with a `{name}`: a single capitalised word opening the sentence is not taken for
    /// a name ("Independent estimates run …"), since every sentence opens with a capital.
    named: Option<Regex>,
}

impl AttributionFinder {
    pub fn new(lex: &AttributionLexicon) -> Result<AttributionFinder, PatternError> {
        let name = lex.name.clone().unwrap_or_else(|| r"\p{Lu}\p{L}+".into());
        let (named, free): (Vec<_>, Vec<_>) = lex
            .patterns
            .iter()
            .partition(|p| p.get_ref().contains("{name}"));
        let expand = |list: Vec<&Spanned<String>>| -> Vec<Spanned<String>> {
            list.into_iter()
                .map(|p| Spanned::new(p.span(), p.get_ref().replace("{name}", &name)))
                .collect()
        };
        Ok(AttributionFinder {
            free: compile_alternation(&expand(free))?,
            named: compile_alternation(&expand(named))?,
        })
    }

    /// Attributions inside `range` (usually one sentence).
    pub fn find(&self, text: &str, range: Range<usize>) -> Vec<Attribution> {
        let body = &text[range.clone()];
        let mut out = Vec::new();
        if let Some(re) = &self.free {
            out.extend(re.find_iter(body).map(|m| Attribution {
                range: range.start + m.start()..range.start + m.end(),
            }));
        }
        if let Some(re) = &self.named {
            let opening = body.len()
                - body
                    .trim_start_matches(|c: char| !c.is_alphanumeric())
                    .len();
            for m in re.find_iter(body) {
                let mut words = m.as_str().split_whitespace();
                let first = words.next().unwrap_or("");
                let possessive = first.ends_with("'s") || first.ends_with("’s");
                let second_lower = words
                    .next()
                    .is_some_and(|w| w.starts_with(|c: char| c.is_lowercase()));
                if m.start() == opening && second_lower && !possessive {
                    continue;
                }
                out.push(Attribution {
                    range: range.start + m.start()..range.start + m.end(),
                });
            }
        }
        out.sort_by_key(|a| a.range.start);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribution_table() {
        let f = AttributionFinder::new(&AttributionLexicon::embedded()).unwrap();
        let cases = [
            ("According to Nicolas Werth, 680,000 were shot.", true),
            (
                "Historian Mark Ell claims the best estimate is 1 million.",
                true,
            ),
            ("Timothy Snyder estimates that 700,000 died.", true),
            ("Independent estimates run from 25,000 to 50,000.", false),
            ("Later, Snyder estimates that 700,000 died.", true),
            ("According to the archive, 1,438 guards served.", true),
            ("The commission concluded: the trials were frame-ups.", true),
            ("In the words of one survivor, it was hell.", true),
            ("Conquest's estimate is far higher.", true),
            ("In 1933, some 400,000 people were expelled.", false),
            ("Of the 767 members, 512 were executed.", false),
            ("Thirteen of the defendants were shot.", false),
        ];
        for (text, want) in cases {
            assert_eq!(!f.find(text, 0..text.len()).is_empty(), want, "{text:?}");
        }
    }
}

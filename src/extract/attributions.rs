//! Attributions: a sentence that names its source without giving a reference
//! ("According to Werth, …", "Snyder estimates …", "The commission concluded: …").

use std::ops::Range;

// Word lookups run per cue: FxHash, not SipHash.
use rustc_hash::FxHashSet as HashSet;

use aho_corasick::AhoCorasick;
use regex::Regex;
use toml::Spanned;

use crate::extract::lexicon_regex::{PatternError, compile_alternation};

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AttributionLexicon {
    /// Phrases that attribute by themselves ("according to").
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    /// Verbs of saying and estimating, attributed to the name before them.
    #[serde(default)]
    pub verbs: Vec<String>,
    /// Words allowed between a name and its verb.
    #[serde(default)]
    pub adverbs: Vec<String>,
    /// Common nouns that name a source ("the commission concluded").
    #[serde(default)]
    pub source_nouns: Vec<String>,
    /// Nouns after a possessive name ("Conquest's estimate").
    #[serde(default)]
    pub possessive_nouns: Vec<String>,
}

pub const EMBEDDED_ATTRIBUTIONS: &str = include_str!("../../rules/lexicon/attributions.toml");

impl AttributionLexicon {
    pub fn embedded() -> AttributionLexicon {
        toml::from_str(EMBEDDED_ATTRIBUTIONS).expect("embedded attributions lexicon parses")
    }

    pub fn extend(&mut self, other: AttributionLexicon) {
        self.patterns.extend(other.patterns);
        self.verbs.extend(other.verbs);
        self.adverbs.extend(other.adverbs);
        self.source_nouns.extend(other.source_nouns);
        self.possessive_nouns.extend(other.possessive_nouns);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    pub range: Range<usize>,
}

pub struct AttributionFinder {
    /// Phrases that attribute by themselves.
    free: Option<Regex>,
    /// Verbs (pattern ids below `possessive_from`) and possessive nouns (ids from it), whole words.
    cues: Option<AhoCorasick>,
    possessive_from: usize,
    adverbs: HashSet<String>,
    source_nouns: HashSet<String>,
}

impl AttributionFinder {
    pub fn new(lex: &AttributionLexicon) -> Result<AttributionFinder, PatternError> {
        let mut words: Vec<String> = lex.verbs.clone();
        let possessive_from = words.len();
        words.extend(lex.possessive_nouns.iter().cloned());
        let cues = if words.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(&words)
                    .map_err(|e| PatternError {
                        span: 0..0,
                        message: e.to_string(),
                    })?,
            )
        };
        Ok(AttributionFinder {
            free: compile_alternation(&lex.patterns)?,
            cues,
            possessive_from,
            adverbs: lex.adverbs.iter().cloned().collect(),
            source_nouns: lex.source_nouns.iter().cloned().collect(),
        })
    }

    /// Attributions in a run of sentences (sorted, non-overlapping), with the index of the
    /// sentence each is in.
    pub fn find_in(&self, text: &str, sentences: &[Range<usize>]) -> Vec<(usize, Attribution)> {
        let (Some(first), Some(last)) = (sentences.first(), sentences.last()) else {
            return Vec::new();
        };
        let run = first.start..last.end;
        let sentence_of = |at: usize| {
            let k = sentences.partition_point(|s| s.end <= at);
            (k < sentences.len() && sentences[k].start <= at).then_some(k)
        };
        let mut out = Vec::new();
        let body = &text[run.clone()];
        if let Some(re) = &self.free {
            for m in re.find_iter(body) {
                let at = run.start + m.start();
                if let Some(k) = sentence_of(at)
                    && run.start + m.end() <= sentences[k].end
                {
                    out.push((
                        k,
                        Attribution {
                            range: at..run.start + m.end(),
                        },
                    ));
                }
            }
        }
        if let Some(cues) = &self.cues {
            for cue in cues.find_iter(body) {
                let (start, end) = (run.start + cue.start(), run.start + cue.end());
                if !whole_word(text, start, end) {
                    continue;
                }
                let Some(k) = sentence_of(start) else {
                    continue;
                };
                let sentence = sentences[k].clone();
                let name = if cue.pattern().as_usize() < self.possessive_from {
                    self.name_before_verb(text, sentence.start, start)
                } else {
                    possessive_name_before(text, sentence.start, start)
                };
                if let Some(name_start) = name {
                    out.push((
                        k,
                        Attribution {
                            range: name_start..end,
                        },
                    ));
                }
            }
        }
        out.sort_by_key(|(k, a)| (*k, a.range.start));
        out
    }

    /// Attributions inside one sentence.
    pub fn find(&self, text: &str, range: Range<usize>) -> Vec<Attribution> {
        self.find_in(text, std::slice::from_ref(&range))
            .into_iter()
            .map(|(_, a)| a)
            .collect()
    }

    /// Where the source named before a verb starts: capitalised words ("Robert Conquest
    /// suggests"), or a source noun ("the commission concluded"), past adverbs and a comma.
    fn name_before_verb(&self, text: &str, floor: usize, verb: usize) -> Option<usize> {
        let mut words = words_before(text, floor, verb);
        while let Some(&(s, e)) = words.first() {
            if self.adverbs.contains(&text[s..e]) {
                words.remove(0);
            } else {
                break;
            }
        }
        let &(s, e) = words.first()?;
        let word = &text[s..e];
        if self.source_nouns.contains(&word.to_lowercase()) {
            return Some(s);
        }
        if !starts_upper(word) {
            return None;
        }
        // Extend over the capitalised words of the same name (and de/van/von particles).
        let mut name_start = s;
        let mut count = 1;
        for &(ps, pe) in words.iter().skip(1).take(4) {
            let w = &text[ps..pe];
            if starts_upper(w) || matches!(w, "de" | "van" | "von" | "der") {
                name_start = ps;
                count += 1;
            } else {
                break;
            }
        }
        // At the start of a sentence every word is capitalised: one word alone ("Independent
        // estimates …") is not taken for a name.
        let opening = floor
            + (text[floor..].len()
                - text[floor..]
                    .trim_start_matches(|c: char| !c.is_alphanumeric())
                    .len());
        if count == 1 && name_start == opening {
            return None;
        }
        Some(name_start)
    }
}

/// The words before `at` within the sentence, nearest first (at most six), as byte ranges,
/// stopping at punctuation other than a comma right before the verb.
fn words_before(text: &str, floor: usize, at: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut end = at;
    let bytes = text.as_bytes();
    for _ in 0..6 {
        let mut e = end;
        while e > floor && bytes[e - 1] == b' ' {
            e -= 1;
        }
        // A comma may separate a name from its verb only right before the verb ("Werth, who…"
        // is not handled; "Werth, writing in 1999, estimates" is out of reach on purpose).
        if out.is_empty() && e > floor && bytes[e - 1] == b',' {
            e -= 1;
        }
        let mut s = e;
        while s > floor {
            let c = text[..s].chars().next_back().unwrap_or(' ');
            if c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '.') {
                s -= c.len_utf8();
            } else {
                break;
            }
        }
        if s == e {
            break;
        }
        let word = text[s..e].trim_end_matches('.');
        out.push((s, s + word.len()));
        end = s;
        if end == floor || !text[..end].ends_with(' ') {
            break;
        }
    }
    out
}

/// "<Name>'s <noun>": the start of the capitalised possessive before `at`.
fn possessive_name_before(text: &str, floor: usize, at: usize) -> Option<usize> {
    let before = text[floor..at].trim_end();
    let stem = before
        .strip_suffix("'s")
        .or_else(|| before.strip_suffix("’s"))?;
    let start = stem
        .rfind(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map_or(0, |i| {
            i + stem[i..].chars().next().map_or(1, |c| c.len_utf8())
        });
    let word = &stem[start..];
    starts_upper(word).then_some(floor + start)
}

fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_uppercase())
}

fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
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
            ("Robert Conquest suggests the figure is higher.", true),
            (
                "The final report, the commission later concluded, was lost.",
                true,
            ),
            ("Later, Werth also estimates 680,000.", true),
            ("Independent estimates run from 25,000 to 50,000.", false),
            ("The guards said nothing.", false),
            ("Béla Kun said it was so.", true),
            ("In 1933, some 400,000 people were expelled.", false),
            ("Of the 767 members, 512 were executed.", false),
            ("Thirteen of the defendants were shot.", false),
        ];
        for (text, want) in cases {
            assert_eq!(!f.find(text, 0..text.len()).is_empty(), want, "{text:?}");
        }
    }
}

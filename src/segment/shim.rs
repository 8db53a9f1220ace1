//! TEMPORARY stand-in for the segmenter while the real one is written. Same interface.
use std::ops::Range;

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SentenceLexicon {
    #[serde(default)]
    pub abbreviations: Vec<String>,
}
impl SentenceLexicon {
    pub fn embedded() -> SentenceLexicon {
        SentenceLexicon::default()
    }
    pub fn extend(&mut self, other: SentenceLexicon) {
        self.abbreviations.extend(other.abbreviations);
    }
}
pub struct Segmenter;
impl Segmenter {
    pub fn new(_lex: &SentenceLexicon) -> Result<Segmenter, String> {
        Ok(Segmenter)
    }
    pub fn split(&self, text: &str, range: Range<usize>) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = range.start;
        let mut iter = text[range.clone()].char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            let at = range.start + i;
            let next = iter.peek().map(|&(_, n)| n);
            let end_here = match c {
                '•' => {
                    push(text, start..at, &mut out);
                    start = at + c.len_utf8();
                    continue;
                }
                '.' | '!' | '?' => match next {
                    Some(n) if n.is_whitespace() => true,
                    Some(n) if n.is_uppercase() => {
                        text[..at].chars().last().is_some_and(|p| p.is_lowercase())
                    }
                    None => true,
                    _ => false,
                },
                _ => false,
            };
            if end_here {
                let word: String = text[..at]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_alphabetic())
                    .collect();
                if word.chars().count() <= 1
                    || ["Dr", "Mr", "p", "pp", "no", "Jan"]
                        .contains(&word.chars().rev().collect::<String>().as_str())
                {
                    continue;
                }
                push(text, start..at + 1, &mut out);
                start = at + 1;
            }
        }
        push(text, start..range.end, &mut out);
        out
    }
}
fn push(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead < s.len() {
        out.push(r.start + lead..r.end - trail);
    }
}

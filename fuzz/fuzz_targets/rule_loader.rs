//! Arbitrary TOML text through the rule loader, as a rule file and as each lexicon.
//!
//! The first byte picks the role; the rest is the file. `load_files` takes the folder already
//! read, so nothing is written to disk and the embedded extractors are compiled once.
#![no_main]

use std::collections::HashMap;

use factlint::rules::loader::{UserFile, load_files};
use libfuzzer_sys::fuzz_target;

const LEXICONS: &[&str] = &[
    "sentences",
    "numbers",
    "citations",
    "quotations",
    "attributions",
    "measures",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return;
    };
    let lexicon = match selector as usize % (LEXICONS.len() + 1) {
        0 => None,
        n => Some(LEXICONS[n - 1].to_string()),
    };
    let file = UserFile {
        shown: "fuzz.toml".into(),
        lexicon,
        text: Ok(text.to_string()),
    };
    if let Err(errors) = load_files(&[vec![file]], &HashMap::new()) {
        for e in errors {
            assert!(!e.path.is_empty());
            if let Some(span) = e.span {
                assert!(e.source.get(span).is_some(), "error span inside the file");
            }
        }
    }
});

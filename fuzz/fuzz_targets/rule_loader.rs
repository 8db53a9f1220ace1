//! Arbitrary TOML text through the rule loader, as a rule file and as each lexicon.
//!
//! The loader reads folders, so each input is written to a temporary folder first (a public
//! `load_from_str`-style helper would make this faster; see the note to the lead).
#![no_main]

use libfuzzer_sys::fuzz_target;

const LEXICONS: &[&str] = &[
    "sentences",
    "numbers",
    "citations",
    "quotations",
    "attributions",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = match selector as usize % (LEXICONS.len() + 1) {
        0 => dir.path().join("rule.toml"),
        n => {
            std::fs::create_dir(dir.path().join("lexicon")).expect("mkdir");
            dir.path().join(format!("lexicon/{}.toml", LEXICONS[n - 1]))
        }
    };
    std::fs::write(&path, body).expect("write");
    match factlint::rules::loader::load(&[dir.path()]) {
        Ok(_) => {}
        Err(errors) => {
            for e in errors {
                assert!(!e.path.is_empty());
                if let Some(span) = e.span {
                    assert!(e.source.get(span).is_some(), "error span inside the file");
                }
            }
        }
    }
});

//! Shared by the analysis targets: parse, segment, extract and lint one file, checking spans.

use std::sync::OnceLock;

use factlint::rules::loader::{self, RuleSet};
use factlint::source::{DocKind, SourceFile};

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| loader::load(&[]).expect("default rules load"))
}

pub fn run(data: &[u8], kind: DocKind) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile {
        path: "fuzz".into(),
        text: text.to_string(),
        kind,
    };
    let (_doc, analysis) = factlint::lint::analyze(&file, rules());
    for f in &analysis.figures {
        assert!(file.text.get(f.m.span.clone()).is_some(), "figure span");
        if let (Some(lo), Some(hi)) = (f.m.low.get(), f.m.high.get()) {
            assert!(lo <= hi, "figure interval");
        }
    }
    for d in factlint::lint::lint_file(&file, rules()) {
        assert!(
            file.text.get(d.location.range()).is_some(),
            "diagnostic span"
        );
    }
}

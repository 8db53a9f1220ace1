//! Parser, segmenter, number recogniser and extractors on arbitrary UTF-8 as markdown text.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::run(data, factlint::source::DocKind::Markdown));

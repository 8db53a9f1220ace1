//! Segmentation: blocks into sentences.

#[path = "shim.rs"]
pub mod sentences;

pub use sentences::{Segmenter, SentenceLexicon};

//! Segmentation: blocks into sentences.

pub mod sentences;

pub use sentences::{Segmenter, SentenceLexicon};

//! factlint: a source-reliability linter for prose.
//!
//! The pipeline reads top-down, one module per stage:
//! [`discover`] → [`parse`] → [`segment`] → [`extract`] → [`rules`] → [`diagnostic`] → [`report`],
//! driven by [`lint`] and the [`cli`].

pub mod baseline;
pub mod changed;
pub mod claim_index;
pub mod claims;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod extract;
pub mod inspect;
pub mod interval;
pub mod lint;
pub mod parse;
pub mod report;
pub mod rules;
pub mod segment;
mod simd;
pub mod source;
pub mod suppress;

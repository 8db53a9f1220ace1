//! The command line: argument parsing, command dispatch, exit codes.
//!
//! Exit codes: 0 nothing at or above the fail level; 1 findings at or above it; 2 usage, config
//! or I/O errors.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::Severity;
use crate::lint;
use crate::report::{self, Summary};
use crate::rules::loader::{self, RuleSet};

#[derive(Parser, Debug)]
#[command(
    name = "factlint",
    version,
    about = "A source-reliability linter for prose: unsourced figures, uncited quotations, conflicting numbers."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint files and folders (default: the current folder).
    Check(CheckArgs),
    /// List the active rules.
    Rules(RulesArgs),
    /// Explain what a rule catches, why, and its parameters.
    Explain(ExplainArgs),
    /// Show what factlint sees in documents: sentences, figures, citations, attributions, quotations.
    Inspect(InspectArgs),
    /// Print every figure in the corpus: value, claim key and source status.
    Figures(FiguresArgs),
}

#[derive(clap::Args, Debug)]
pub struct FiguresArgs {
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = FiguresFormat::Table)]
    pub format: FiguresFormat,
    #[command(flatten)]
    pub source: RuleSource,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FiguresFormat {
    Table,
    Jsonl,
    Csv,
}

#[derive(clap::Args, Debug)]
pub struct RuleSource {
    /// Extra folder of rule files (and `lexicon/*.toml`); a rule with a default's id replaces it.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or folders to lint.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 when a finding is at or above this level.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Skip files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::discover::DEFAULT_MAX_FILE_BYTES)]
    pub max_file_size: u64,
    #[command(flatten)]
    pub source: RuleSource,
}

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    #[command(flatten)]
    pub source: RuleSource,
}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// The rule id, e.g. unsourced-figure.
    pub rule: String,
    #[command(flatten)]
    pub source: RuleSource,
}

#[derive(clap::Args, Debug)]
pub struct InspectArgs {
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    #[command(flatten)]
    pub source: RuleSource,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Concise,
    Json,
    Jsonl,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

const EXIT_FINDINGS: u8 = 1;
const EXIT_ERROR: u8 = 2;

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rules(args) => rules(args),
        Command::Explain(args) => explain(args),
        Command::Inspect(args) => inspect(args),
        Command::Figures(args) => figures(args),
    }
}

fn use_color(choice: ColorChoice, stream_is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stream_is_terminal && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// Write to stdout; a closed pipe (`factlint … | head -1`) ends quietly.
fn out(bytes: &[u8]) -> bool {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => false,
        Err(e) => {
            eprintln!("factlint: cannot write output: {e}");
            false
        }
    }
}

fn err_line(msg: &str) {
    let _ = writeln!(std::io::stderr(), "{msg}");
}

fn load_rules(source: &RuleSource) -> Result<RuleSet, ExitCode> {
    let dirs: Vec<&std::path::Path> = source.rules.iter().map(|p| p.as_path()).collect();
    loader::load(&dirs).map_err(|errors| {
        let color = use_color(source.color, std::io::stderr().is_terminal());
        let rendered = report::human::render_load_errors(&errors, color);
        let _ = std::io::stderr().write_all(&rendered);
        err_line(&format!(
            "factlint: {} in rule files; nothing was checked",
            report::plural(errors.len(), "error")
        ));
        ExitCode::from(EXIT_ERROR)
    })
}

fn check(args: CheckArgs) -> ExitCode {
    let rules = match load_rules(&args.source) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let options = lint::Options {
        max_file_bytes: args.max_file_size,
    };
    let outcome = lint::lint_paths(&args.paths, &rules, &options);
    for e in &outcome.errors {
        err_line(&format!("error: {}: {}", e.path, e.message));
    }
    for s in &outcome.skipped {
        err_line(&format!("warning: skipped {}: {}", s.path, s.reason));
    }
    let summary = Summary::new(
        outcome.files_checked,
        &outcome.skipped,
        &outcome.diagnostics,
    );
    let color = use_color(args.source.color, std::io::stdout().is_terminal());
    let body: Vec<u8> = match args.format {
        Format::Human => {
            let mut sources = report::human::Sources::default();
            let mut bytes = report::human::render(&outcome.diagnostics, &mut sources, color);
            bytes.extend_from_slice(summary.line().as_bytes());
            bytes.push(b'\n');
            bytes
        }
        Format::Concise => {
            let mut s = report::concise(&outcome.diagnostics);
            s.push_str(&summary.line());
            s.push('\n');
            s.into_bytes()
        }
        Format::Json => report::json::render(&outcome.diagnostics, &summary).into_bytes(),
        Format::Jsonl => report::json::render_lines(&outcome.diagnostics).into_bytes(),
    };
    out(&body);
    if !outcome.errors.is_empty() {
        return ExitCode::from(EXIT_ERROR);
    }
    let failing = args
        .fail_on
        .threshold()
        .is_some_and(|t| outcome.diagnostics.iter().any(|d| d.severity >= t));
    if failing {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

fn rules(args: RulesArgs) -> ExitCode {
    let rules = match load_rules(&args.source) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let metas: Vec<&crate::rules::RuleMeta> = rules.rules.iter().map(|r| r.meta()).collect();
    let body = match args.format {
        ListFormat::Json => {
            let mut s = serde_json::to_string_pretty(&metas).expect("rules serialise");
            s.push('\n');
            s
        }
        ListFormat::Text => {
            let mut s = String::new();
            for m in &metas {
                s.push_str(&format!(
                    "{:<22} {:<18} {:<8} {}\n",
                    m.id,
                    m.kind,
                    m.severity.as_str(),
                    m.summary
                ));
            }
            s
        }
    };
    out(body.as_bytes());
    ExitCode::SUCCESS
}

fn explain(args: ExplainArgs) -> ExitCode {
    let rules = match load_rules(&args.source) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let Some(rule) = rules.get(&args.rule) else {
        let known: Vec<&str> = rules.rules.iter().map(|r| r.meta().id.as_str()).collect();
        err_line(&format!(
            "error: no rule `{}`; known rules: {}",
            args.rule,
            known.join(", ")
        ));
        return ExitCode::from(EXIT_ERROR);
    };
    let m = rule.meta();
    let mut s = format!(
        "{} ({}, {})\n\n{}\n",
        m.id,
        m.kind,
        m.severity.as_str(),
        m.summary
    );
    if !m.explain.why.is_empty() {
        s.push_str(&format!("\nWhy it matters:\n  {}\n", m.explain.why));
    }
    if !m.explain.flagged.is_empty() {
        s.push_str(&format!("\nFlagged:\n  {}\n", m.explain.flagged));
    }
    if !m.explain.not_flagged.is_empty() {
        s.push_str(&format!("\nNot flagged:\n  {}\n", m.explain.not_flagged));
    }
    if let Some(h) = &m.help {
        s.push_str(&format!("\nHow to fix:\n  {h}\n"));
    }
    if !m.params.is_empty() {
        s.push_str("\nParameters:\n");
        for (k, v) in &m.params {
            s.push_str(&format!("  {k} = {v}\n"));
        }
    }
    s.push_str(&format!("\nDefined in: {}\n", m.origin));
    out(s.as_bytes());
    ExitCode::SUCCESS
}

fn inspect(args: InspectArgs) -> ExitCode {
    let rules = match load_rules(&args.source) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let found = crate::discover::discover(&args.paths, &|_: &std::path::Path| true);
    let mut failed = !found.errors.is_empty();
    for e in &found.errors {
        err_line(&format!("error: {}: {}", e.path, e.message));
    }
    let mut views = Vec::new();
    for path in &found.files {
        match crate::discover::load(path, crate::discover::DEFAULT_MAX_FILE_BYTES) {
            Ok(crate::discover::Loaded::File(file)) => {
                let (_, analysis) = lint::analyze(&file, &rules);
                views.push(crate::inspect::view(&file, &analysis));
            }
            Ok(crate::discover::Loaded::Skipped(s)) => {
                err_line(&format!("warning: skipped {}: {}", s.path, s.reason))
            }
            Err(e) => {
                failed = true;
                err_line(&format!("error: {}: {}", e.path, e.message));
            }
        }
    }
    let body = match args.format {
        ListFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(&serde_json::json!({ "version": 1, "files": views }))
                    .expect("inspect serialises");
            s.push('\n');
            s
        }
        ListFormat::Text => views.iter().map(crate::inspect::render_text).collect(),
    };
    out(body.as_bytes());
    if failed {
        ExitCode::from(EXIT_ERROR)
    } else {
        ExitCode::SUCCESS
    }
}

fn figures(args: FiguresArgs) -> ExitCode {
    let rules = match load_rules(&args.source) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let found = crate::discover::discover(&args.paths, &|_: &std::path::Path| true);
    let mut failed = !found.errors.is_empty();
    for e in &found.errors {
        err_line(&format!("error: {}: {}", e.path, e.message));
    }
    let mut claims = Vec::new();
    for path in &found.files {
        match crate::discover::load(path, crate::discover::DEFAULT_MAX_FILE_BYTES) {
            Ok(crate::discover::Loaded::File(file)) => {
                let (_, analysis) = lint::analyze(&file, &rules);
                let index = crate::source::LineIndex::new(&file.text);
                claims.extend(crate::claims::claims_of(&file, &analysis, &index));
            }
            Ok(crate::discover::Loaded::Skipped(s)) => {
                err_line(&format!("warning: skipped {}: {}", s.path, s.reason))
            }
            Err(e) => {
                failed = true;
                err_line(&format!("error: {}: {}", e.path, e.message));
            }
        }
    }
    let body = match args.format {
        FiguresFormat::Table => report::figures::table(&claims),
        FiguresFormat::Jsonl => report::figures::jsonl(&claims),
        FiguresFormat::Csv => report::figures::csv(&claims),
    };
    out(body.as_bytes());
    if failed {
        ExitCode::from(EXIT_ERROR)
    } else {
        ExitCode::SUCCESS
    }
}

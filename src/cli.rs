//! The command line: argument parsing, command dispatch, exit codes.
//!
//! Exit codes: 0 nothing at or above the fail level; 1 findings at or above it; 2 usage, config
//! or I/O errors.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::{Diagnostic, Severity};
use crate::report::{self, Summary};
use crate::rules::loader::{self, RuleSet};
use crate::{baseline, changed, config, lint, suppress};

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
    /// Print the resolved configuration and where each setting came from.
    Config(ConfigArgs),
}

/// Where configuration comes from; shared by `check` and `config`.
#[derive(clap::Args, Debug)]
pub struct ConfigSource {
    /// Use this config file instead of the nearest factlint.toml / .factlint.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore config files: defaults and command-line flags only.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
}

#[derive(clap::Args, Debug)]
pub struct ConfigArgs {
    #[command(flatten)]
    pub config: ConfigSource,
    #[command(flatten)]
    pub source: RuleSource,
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
    /// Exit 1 when a finding is at or above this level [default: the config's fail-on, else warning].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Skip files larger than this many bytes (at most 4294967295: claim positions are 32-bit).
    #[arg(
        long,
        value_name = "BYTES",
        default_value_t = crate::discover::DEFAULT_MAX_FILE_BYTES,
        value_parser = clap::value_parser!(u64).range(0..=u64::from(u32::MAX))
    )]
    pub max_file_size: u64,
    #[command(flatten)]
    pub source: RuleSource,
    #[command(flatten)]
    pub config: ConfigSource,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in FILE (written atomically) and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// With --baseline: drop entries that no longer match any finding.
    #[arg(long, requires = "baseline")]
    pub prune_baseline: bool,
    /// Report only findings on lines added or modified since `git merge-base REF HEAD`
    /// (uncommitted and untracked changes included).
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// Print counts per rule and per file (instead of the findings for human/concise output,
    /// on stderr for the machine formats).
    #[arg(long)]
    pub statistics: bool,
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
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    /// reviewdog Diagnostic JSON.
    Rdjson,
    /// JUnit XML.
    Junit,
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
        Command::Config(args) => config_command(args),
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
    load_rules_from(source, &[], &std::collections::HashMap::new())
}

fn load_rules_from(
    source: &RuleSource,
    extra: &[PathBuf],
    overrides: &std::collections::HashMap<String, crate::rules::Params>,
) -> Result<RuleSet, ExitCode> {
    // Config folders first, so that a folder named on the command line overrides them.
    let dirs: Vec<&std::path::Path> = extra
        .iter()
        .chain(&source.rules)
        .map(|p| p.as_path())
        .collect();
    loader::load_with(&dirs, overrides).map_err(|errors| {
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

fn config_errors(errors: &[loader::LoadError], color: ColorChoice) -> ExitCode {
    let color = use_color(color, std::io::stderr().is_terminal());
    let _ = std::io::stderr().write_all(&report::human::render_load_errors(errors, color));
    err_line(&format!(
        "factlint: {} in configuration; nothing was checked",
        report::plural(errors.len(), "error")
    ));
    ExitCode::from(EXIT_ERROR)
}

/// Configuration resolved and the rule set narrowed to the active rules.
struct Setup {
    settings: config::Settings,
    rules: RuleSet,
    /// (id, kind) of every loaded rule, before selection.
    known: Vec<(String, String)>,
    active: Vec<String>,
    cwd: PathBuf,
}

fn setup(cfg: &ConfigSource, source: &RuleSource) -> Result<Setup, ExitCode> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let settings = config::resolve(cfg.config.as_deref(), cfg.isolated, &cwd)
        .map_err(|e| config_errors(&e, source.color))?;
    let overrides = settings
        .params
        .iter()
        .map(|(id, p)| (id.clone(), p.get_ref().clone()))
        .collect();
    let mut rules = load_rules_from(source, &settings.rule_dirs, &overrides)?;
    let known: Vec<(String, String)> = rules
        .rules
        .iter()
        .map(|r| (r.meta().id.to_string(), r.meta().kind.clone()))
        .collect();
    let active = settings
        .active_rules(&known, &[suppress::UNUSED_RULE])
        .map_err(|e| config_errors(&e, source.color))?;
    rules
        .rules
        .retain(|r| active.iter().any(|a| **a == *r.meta().id));
    Ok(Setup {
        settings,
        rules,
        known,
        active,
        cwd,
    })
}

fn config_command(args: ConfigArgs) -> ExitCode {
    let s = match setup(&args.config, &args.source) {
        Ok(s) => s,
        Err(code) => return code,
    };
    out(s.settings.describe(&s.active).as_bytes());
    ExitCode::SUCCESS
}

fn fail_level(flag: Option<FailOn>, settings: &config::Settings) -> FailOn {
    if let Some(f) = flag {
        return f;
    }
    match settings.fail_on.as_ref().map(|f| f.get_ref().as_str()) {
        Some("error") => FailOn::Error,
        Some("info") => FailOn::Info,
        Some("never") => FailOn::Never,
        _ => FailOn::Warning,
    }
}

/// `--statistics`: findings per rule and per file, counted as they are reported.
#[derive(Default)]
struct Statistics {
    by_rule: BTreeMap<(String, &'static str), usize>,
    by_file: BTreeMap<String, usize>,
}

impl Statistics {
    fn count(&mut self, d: &Diagnostic) {
        let key = (d.rule.to_string(), d.severity.as_str());
        *self.by_rule.entry(key).or_default() += 1;
        match self.by_file.get_mut(&*d.location.path) {
            Some(n) => *n += 1,
            None => {
                self.by_file.insert(d.location.path.to_string(), 1);
            }
        }
    }

    fn render(&self) -> String {
        let mut s = String::from("Findings per rule:\n");
        let mut rules: Vec<_> = self.by_rule.iter().collect();
        rules.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for ((rule, sev), n) in rules {
            s.push_str(&format!("{n:>7}  {rule:<24} {sev}\n"));
        }
        s.push_str("Findings per file:\n");
        let mut files: Vec<_> = self.by_file.iter().collect();
        files.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (file, n) in files {
            s.push_str(&format!("{n:>7}  {file}\n"));
        }
        s
    }
}

/// Findings in one batch from which they are freed on every core.
const FREE_IN_PARALLEL: usize = 1 << 14;

/// What happens to each finding between the linter and the report: configuration, baseline,
/// changed lines, then the counts. One finding at a time, so nothing grows with the corpus
/// except what `--write-baseline` must record.
struct Gate<'a> {
    compiled: &'a config::Compiled,
    /// `--write-baseline`: every finding after configuration is recorded, none reported.
    recording: Option<Vec<baseline::Entry>>,
    baseline: Option<baseline::Matcher<'a>>,
    changed: Option<&'a changed::ChangedLines>,
    threshold: Option<Severity>,
    summary: Summary,
    statistics: Option<Statistics>,
    /// A reported finding is at or above the fail level.
    failing: bool,
}

impl Gate<'_> {
    /// The findings of one batch that are reported, counted.
    fn pass(&mut self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let kept: Vec<Diagnostic> = diagnostics
            .into_iter()
            .filter_map(|d| self.pass_one(d))
            .collect();
        // Counted together: one map update per rule, not per finding.
        self.summary.count_all(&kept);
        kept
    }

    fn pass_one(&mut self, d: Diagnostic) -> Option<Diagnostic> {
        let d = self.compiled.apply_one(d)?;
        if let Some(entries) = &mut self.recording {
            entries.push(baseline::Entry::of(&d));
            return None;
        }
        if let Some(m) = &mut self.baseline
            && m.baselined(&d)
        {
            return None;
        }
        if let Some(c) = self.changed
            && !c.keep(&d)
        {
            return None;
        }
        if let Some(s) = &mut self.statistics {
            s.count(&d);
        }
        self.failing |= self.threshold.is_some_and(|t| d.severity >= t);
        Some(d)
    }
}

/// The report on stdout, buffered. A closed pipe (`factlint … | head -1`) ends the writing
/// quietly and linting carries on (the exit code and a pruned baseline still need every
/// finding); another write error is said once.
struct Output {
    w: std::io::BufWriter<std::io::StdoutLock<'static>>,
    open: bool,
    /// On a terminal each file's findings show as soon as they are ready.
    flush_each: bool,
}

impl Output {
    fn new() -> Output {
        let stdout = std::io::stdout();
        Output {
            flush_each: stdout.is_terminal(),
            w: std::io::BufWriter::with_capacity(64 * 1024, stdout.lock()),
            open: true,
        }
    }

    fn write(&mut self, f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
        if !self.open {
            return;
        }
        let mut r = f(&mut self.w);
        if r.is_ok() && self.flush_each {
            r = self.w.flush();
        }
        self.check(r);
    }

    fn close(mut self) {
        if self.open {
            let r = self.w.flush();
            self.check(r);
        }
    }

    fn check(&mut self, r: std::io::Result<()>) {
        match r {
            Ok(()) => {}
            Err(e) => {
                self.open = false;
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    eprintln!("factlint: cannot write output: {e}");
                }
            }
        }
    }
}

fn check(args: CheckArgs) -> ExitCode {
    // Compile the claim-key regexes on the other core while the rules load: start-up is regex
    // compilation, and a one-file run needs both. Detached: nothing waits for it.
    std::thread::spawn(crate::claims::prewarm);
    let Setup {
        settings,
        rules,
        known,
        cwd,
        ..
    } = match setup(&args.config, &args.source) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // Ask git before linting, so that a wrong REF fails fast.
    let changed = match &args.changed_since {
        Some(r) => match changed::ChangedLines::since(&cwd, r) {
            Ok(c) => Some(c),
            Err(e) => {
                err_line(&format!("error: {e}"));
                return ExitCode::from(EXIT_ERROR);
            }
        },
        None => None,
    };
    let baseline = match &args.baseline {
        Some(p) => match baseline::Baseline::read(p) {
            Ok(b) => Some(b),
            Err(e) => {
                err_line(&format!("error: {e}"));
                return ExitCode::from(EXIT_ERROR);
            }
        },
        None => None,
    };
    let compiled = Arc::new(settings.compile(&cwd, &known));
    let include = Arc::clone(&compiled);
    let options = lint::Options {
        max_file_bytes: args.max_file_size,
        include: Some(Box::new(move |p: &Path| include.includes(p))),
        known_rules: known.iter().map(|k| k.0.clone()).collect(),
        report_unused_suppressions: true,
        progress: std::io::stderr().is_terminal(),
    };
    let writing_baseline = args.write_baseline.is_some();
    let stats_replace_listing =
        args.statistics && matches!(args.format, Format::Human | Format::Concise);
    let mut gate = Gate {
        compiled: &compiled,
        recording: writing_baseline.then(Vec::new),
        baseline: baseline.as_ref().map(|b| b.matcher()),
        changed: changed.as_ref(),
        threshold: fail_level(args.fail_on, &settings).threshold(),
        summary: Summary::default(),
        statistics: (args.statistics && !writing_baseline).then(Statistics::default),
        failing: false,
    };
    let color = use_color(args.source.color, std::io::stdout().is_terminal());
    // `--write-baseline` prints no report; `--statistics` replaces the human listings.
    let mut reporter: Option<Box<dyn report::Reporter>> = match args.format {
        _ if writing_baseline || stats_replace_listing => None,
        Format::Human => Some(Box::new(report::human::Human::new(color))),
        Format::Concise => Some(Box::new(report::Concise)),
        Format::Json => Some(Box::new(report::json::Json::default())),
        Format::Jsonl => Some(Box::new(report::json::Jsonl)),
        Format::Sarif => {
            let metas: Vec<&crate::rules::RuleMeta> =
                rules.rules.iter().map(|r| r.meta()).collect();
            Some(Box::new(report::sarif::Sarif::new(&metas)))
        }
        Format::Github => Some(Box::new(report::github::Github)),
        Format::Gitlab => Some(Box::new(report::gitlab::Gitlab::default())),
        Format::Rdjson => Some(Box::new(report::rdjson::Rdjson::default())),
        Format::Junit => Some(Box::new(report::junit::Junit::default())),
    };
    let mut output = Output::new();
    if let Some(r) = &mut reporter {
        output.write(|w| r.begin(w));
    }
    let mut input_errors = false;
    let mut report_batch = |gate: &mut Gate, diagnostics: Vec<Diagnostic>| {
        let kept = gate.pass(diagnostics);
        if let Some(r) = &mut reporter
            && !kept.is_empty()
        {
            output.write(|w| r.file(w, &kept));
        }
        // A large file's findings are freed on every core: a hundred thousand of them, freed
        // here one by one, were a serial tail of its run.
        if kept.len() >= FREE_IN_PARALLEL {
            use rayon::prelude::*;
            kept.into_par_iter().with_min_len(1 << 12).for_each(drop);
        }
    };
    let finish = lint::lint_each(&args.paths, &rules, &options, |event| match event {
        lint::FileEvent::Linted { diagnostics, .. } => report_batch(&mut gate, diagnostics),
        lint::FileEvent::Skipped(s) => {
            err_line(&format!("warning: skipped {}: {}", s.path, s.reason));
            gate.summary.skip(s);
        }
        lint::FileEvent::Error(e) => {
            input_errors = true;
            err_line(&format!("error: {}: {}", e.path, e.message));
        }
    });
    report_batch(&mut gate, finish.diagnostics);
    gate.summary.files_checked = finish.files_checked;
    if let (Some(path), Some(entries)) = (&args.write_baseline, gate.recording.take()) {
        let b = baseline::Baseline::from_entries(entries);
        if let Err(e) = b.write(path) {
            err_line(&format!("error: {e}"));
            return ExitCode::from(EXIT_ERROR);
        }
        err_line(&format!(
            "factlint: wrote {} to {}",
            report::plural(b.entries.len(), "baseline entry"),
            path.display()
        ));
        return if input_errors {
            ExitCode::from(EXIT_ERROR)
        } else {
            ExitCode::SUCCESS
        };
    }
    let mut prune_failed = false;
    if let (Some(b), Some(m)) = (&baseline, gate.baseline.take())
        && args.prune_baseline
    {
        let path = args.baseline.as_ref().expect("clap requires --baseline");
        let matched = m.matched();
        let stale = b.entries.len() - matched.entries.len();
        match matched.write(path) {
            Ok(()) => err_line(&format!(
                "factlint: pruned {} from {}",
                report::plural(stale, "stale baseline entry"),
                path.display()
            )),
            Err(e) => {
                err_line(&format!("error: {e}"));
                prune_failed = true;
            }
        }
    }
    match (&mut reporter, &gate.statistics) {
        (Some(r), _) => output.write(|w| r.finish(w, &gate.summary)),
        (None, Some(stats)) => {
            let text = stats.render();
            output.write(|w| w.write_all(text.as_bytes()));
        }
        (None, None) => {}
    }
    output.close();
    if let (Some(stats), false) = (&gate.statistics, stats_replace_listing) {
        let _ = std::io::stderr().write_all(stats.render().as_bytes());
    }
    if input_errors || prune_failed {
        return ExitCode::from(EXIT_ERROR);
    }
    if gate.failing {
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
        let known: Vec<&str> = rules.rules.iter().map(|r| &*r.meta().id).collect();
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
    let mut views = Vec::new();
    let failed = for_each_analyzed(&args.paths, &rules, |file, analysis| {
        views.push(crate::inspect::view(file, analysis));
    });
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
    let mut claims = Vec::new();
    let failed = for_each_analyzed(&args.paths, &rules, |file, analysis| {
        let index = crate::source::LineIndex::new(&file.text);
        claims.extend(crate::claims::claims_of(file, analysis, &index));
    });
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

/// Discover, load and analyse every file under `paths`, in order, handing each to `visit`;
/// skipped files and read errors are reported on stderr. True when a path could not be read.
fn for_each_analyzed(
    paths: &[PathBuf],
    rules: &RuleSet,
    mut visit: impl FnMut(&crate::source::SourceFile, &crate::extract::Analysis),
) -> bool {
    let found = crate::discover::discover(paths, &|_: &std::path::Path| true);
    let mut failed = !found.errors.is_empty();
    for e in &found.errors {
        err_line(&format!("error: {}: {}", e.path, e.message));
    }
    for path in &found.files {
        match crate::discover::load(path, crate::discover::DEFAULT_MAX_FILE_BYTES) {
            Ok(crate::discover::Loaded::File(file)) => {
                let (_, analysis) = lint::analyze(&file, rules);
                visit(&file, &analysis);
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
    failed
}

//! Deterministic benchmark corpus generator for factlint.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --seed 1 --size 1G --out /tmp/corpus
//! ```
//!
//! The same seed and size always give byte-identical files. The corpus mixes Markdown and plain
//! text and every style factlint reads: figures as digits, words, multipliers, ranges,
//! percentages and hedged amounts; citations as `[1]` markers, `[^n]` footnotes with their
//! definitions, `[Author, p. N]`, `(Author 1990, p. 5)`, `[@key]`, Markdown links, references
//! glued onto the prose ("…word,Page 121, Title, ISBN …"), and bibliographic lines closing
//! excerpt blocks; quotations in straight, curly and guillemet marks and as block quotes.
//!
//! Layout: `OUT/docs/DDD/NNNNNN.{md,txt}` (many files, log-uniform 2 KB – 400 KB) and
//! `OUT/large/` (one file of 42 MiB once the corpus is 210 MiB or more, else a fifth of the
//! corpus; plus two of a fiftieth). `OUT/MANIFEST` (no extension, so not linted) records the parameters, file counts and
//! the planted cross-file conflicts (one fact stated with different values in different files);
//! `OUT/rules/lexicon/measures.toml` declares those facts' measures and subjects, so that
//! `factlint check OUT --rules OUT/rules` compares them as a team tracking them would.
//!
//! All sentences are synthetic: subjects, places and people are invented.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// SplitMix64: small, fast, and good enough for picking templates.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        (((self.next() >> 11) as u128 * n as u128) >> 53) as u64
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const SUBJECTS: &[&str] = &[
    "the Harrow Valley cooperative",
    "the northern ferry line",
    "the Quillon observatory",
    "the old tannery district",
    "the coastal survey team",
    "the Marrowby seed bank",
    "the river pilots' guild",
    "the hill-town orchards",
    "the Eastgate lending library",
    "the salt-marsh reserve",
    "the clockmakers' union",
    "the Vellan textile mills",
    "the upland sheep farms",
    "the Corrin tram depot",
    "the island weather station",
    "the Brightwater canal trust",
];
const VERBS: &[&str] = &[
    "employed",
    "recorded",
    "shipped",
    "planted",
    "catalogued",
    "repaired",
    "housed",
    "counted",
    "lost",
    "trained",
    "sold",
    "measured",
];
const NOUNS: &[&str] = &[
    "workers",
    "passengers",
    "volumes",
    "seedlings",
    "barrels of cider",
    "tonnes of grain",
    "lamps",
    "apprentices",
    "visitors",
    "kilometres of track",
    "hectares",
    "letters",
];
const PERIODS: &[&str] = &[
    "in 1887",
    "during the winter of 1911",
    "between the wars",
    "by 1954",
    "in its first decade",
    "over the following season",
    "in the spring of 1902",
    "before the flood of 1936",
    "",
    "",
];
const SURNAMES: &[&str] = &[
    "Aldane",
    "Brevik",
    "Castellan",
    "Dunmore",
    "Esterhal",
    "Fennick",
    "Galloway",
    "Hollis",
    "Ivers",
    "Jorund",
    "Kestrel",
    "Lindqvist",
    "Marchetti",
    "Norberg",
    "Okafor",
    "Pellow",
];
const GIVEN: &[&str] = &[
    "Agnes", "Bruno", "Clara", "Dmitri", "Elise", "Felix", "Greta", "Henrik", "Ines", "Jonas",
];
const TITLES: &[&str] = &[
    "A History of the Harrow Valley",
    "Ledgers of the Northern Ferries",
    "Stars over Quillon",
    "Salt and Reed",
    "The Clockmakers' Century",
    "Mills of the Vellan",
    "Trams and Towns",
    "Weather at the Edge of the Map",
];
const CITIES: &[&str] = &["London", "Boston", "Toronto", "Chicago", "Oxford", "Paris"];
const PUBLISHERS: &[&str] = &[
    "Harbour Press",
    "Greyfield Books",
    "Lantern Publishers",
    "Northmoor University Press",
    "Copperleaf Editions",
];
const FILLER: &[&str] = &[
    "The records from those years are patchy, and later accounts disagree on the details.",
    "Local newspapers covered the matter only briefly.",
    "Much of what is known comes from letters kept by the families involved.",
    "The committee met again the following spring to review the arrangement.",
    "Nobody at the time seems to have thought the change remarkable.",
    "A second inquiry was promised but never held.",
    "The buildings still stand, though they now serve other purposes.",
    "Several witnesses later revised what they had first told the clerk.",
    "Dr. Fennick, who kept the minutes, noted the weather more carefully than the votes.",
    "The arrangement lasted until the railway reached the valley, e.g. in the north by rail.",
];
const QUOTES: &[&str] = &[
    "we worked from lamp to lamp and thought nothing of it",
    "the ledger was the only honest witness in the building",
    "nobody counted the ones who left before dawn",
    "the river decided our wages more than the owners did",
    "a good harvest made liars of us all",
    "every winter we swore it would be the last",
];
const SPEAKERS: &[&str] = &[
    "one foreman recalled",
    "a former apprentice wrote",
    "the harbour master told the inquiry",
    "a visitor complained",
];
const WORD_NUMBERS: &[&str] = &[
    "two",
    "seven",
    "twelve",
    "nineteen",
    "forty-two",
    "sixty",
    "ninety-nine",
    "a hundred",
    "three hundred",
    "two thousand",
    "a dozen",
    "several hundred",
];
const MULTIPLIERS: &[&str] = &["thousand", "million", "billion"];
const HEDGES_BEFORE: &[&str] = &[
    "about",
    "more than",
    "nearly",
    "at least",
    "up to",
    "fewer than",
    "roughly",
    "some",
    "an estimated",
    "well over",
];
const HEDGES_AFTER: &[&str] = &["or more", "or fewer", "and over"];
const PERCENT: &[&str] = &["%", " percent", " per cent"];

/// Facts planted across files with conflicting values: (subject, noun, canonical value, period).
const FACTS: &[(&str, &str, u64, &str)] = &[
    ("the Harrow Valley cooperative", "members", 4_120, "in 1931"),
    ("the northern ferry line", "crossings", 18_400, "in 1925"),
    ("the Quillon observatory", "plates", 9_350, "by 1908"),
    ("the Marrowby seed bank", "varieties", 2_760, "in 1960"),
    ("the Vellan textile mills", "looms", 1_480, "in 1899"),
    ("the Corrin tram depot", "drivers", 612, "in 1938"),
    ("the Brightwater canal trust", "locks", 73, "when it opened"),
    ("the island weather station", "storms", 214, "in 1947"),
];

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A figure in one of the supported forms.
fn figure(r: &mut Rng) -> String {
    match r.below(11) {
        0 => r.range(2, 99).to_string(),
        1 => thousands(r.range(1_000, 2_000_000)),
        2 => format!("{}.{}", r.range(1, 99), r.range(1, 9)),
        3 => r.pick(WORD_NUMBERS).to_string(),
        4 => format!("{} {}", r.range(2, 40), r.pick(MULTIPLIERS)),
        5 => format!(
            "{}.{} {}",
            r.range(1, 9),
            r.range(1, 9),
            r.pick(MULTIPLIERS)
        ),
        6 => {
            let a = r.range(10, 500);
            let b = a + r.range(5, 300);
            match r.below(3) {
                0 => format!("{a}–{b}"),
                1 => format!("between {a} and {b}"),
                _ => format!("{a} to {b}"),
            }
        }
        7 => format!("{}{}", r.range(1, 99), r.pick(PERCENT)),
        8 => format!(
            "{} {}",
            r.pick(HEDGES_BEFORE),
            thousands(r.range(20, 90_000))
        ),
        9 => format!("{} {}", r.range(5, 900), r.pick(HEDGES_AFTER)),
        _ => format!("${} million", r.range(1, 300)),
    }
}

fn author_year(r: &mut Rng) -> (String, u64) {
    (r.pick(SURNAMES).to_string(), r.range(1950, 2019))
}

/// An inline citation: markers, bracketed, parenthetical, pandoc keys, links (Markdown only).
fn citation(r: &mut Rng, md: bool, footnotes: &mut Vec<String>) -> String {
    let choices = if md { 7 } else { 5 };
    match r.below(choices) {
        0 => format!(" [{}]", r.range(1, 120)),
        1 => format!(" [{}, p. {}]", r.pick(SURNAMES), r.range(3, 480)),
        2 => {
            let (a, y) = author_year(r);
            format!(" ({a} {y}, p. {})", r.range(2, 400))
        }
        3 => {
            let (a, y) = author_year(r);
            format!(" [@{}{y}, p. {}]", a.to_ascii_lowercase(), r.range(2, 300))
        }
        4 => {
            let (a, y) = author_year(r);
            format!(" ({a} and {} {y})", r.pick(SURNAMES))
        }
        5 => format!(
            " ([source](https://archive.example.org/item/{}))",
            r.range(1000, 99999)
        ),
        _ => {
            let n = footnotes.len() + 1;
            let (a, y) = author_year(r);
            footnotes.push(format!(
                "[^{n}]: {a}, {}. *{}*. {}: {}, {y}, p. {}.",
                r.pick(GIVEN),
                r.pick(TITLES),
                r.pick(CITIES),
                r.pick(PUBLISHERS),
                r.range(2, 400)
            ));
            format!("[^{n}]")
        }
    }
}

/// A bibliographic line, as closes an excerpt block.
fn bib_line(r: &mut Rng) -> String {
    let (a, y) = author_year(r);
    let p = r.range(2, 400);
    match r.below(3) {
        0 => format!(
            "{a}, {}. {}. {}: {}, {y}, p. {p}",
            r.pick(GIVEN),
            r.pick(TITLES),
            r.pick(CITIES),
            r.pick(PUBLISHERS)
        ),
        1 => format!(
            "{a}, {}, Trans. {}. {}: {}, c{y}, p. {p}-{}",
            r.pick(GIVEN),
            r.pick(TITLES),
            r.pick(CITIES),
            r.pick(PUBLISHERS),
            p + r.range(1, 6)
        ),
        _ => format!(
            "{} ({y}). {}. {}, pp. {p}–{}.",
            a,
            r.pick(TITLES),
            r.pick(PUBLISHERS),
            p + 9
        ),
    }
}

/// One factual sentence with a figure, without the final stop.
fn claim(r: &mut Rng) -> String {
    let subject = r.pick(SUBJECTS);
    let period = r.pick(PERIODS);
    let fig = figure(r);
    let noun = r.pick(NOUNS);
    let verb = r.pick(VERBS);
    let mut s = String::with_capacity(96);
    match r.below(4) {
        0 if !period.is_empty() => {
            let _ = write!(s, "{}, {subject} {verb} {fig} {noun}", cap_first(period));
        }
        0 | 1 => {
            let _ = write!(s, "{} {verb} {fig} {noun}", cap_first(subject));
            if !period.is_empty() {
                s.push(' ');
                s.push_str(period);
            }
        }
        2 => {
            let _ = write!(
                s,
                "Of the {noun} at {subject}, {fig} were never accounted for"
            );
        }
        _ => {
            let _ = write!(
                s,
                "Records show that {subject} {verb} {fig} {noun} {}",
                if period.is_empty() {
                    "that year"
                } else {
                    period
                }
            );
        }
    }
    s
}

fn cap_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn quotation(r: &mut Rng) -> String {
    let q = r.pick(QUOTES);
    let who = r.pick(SPEAKERS);
    match r.below(4) {
        0 => format!("\"{}\", {who}", cap_first(q)),
        1 => format!("“{}”, {who}", cap_first(q)),
        2 => format!("As {who}, «{q}»"),
        _ => format!("As {who}, ‘{q}’"),
    }
}

/// A planted fact: canonical in most files, a conflicting value in some.
fn fact(r: &mut Rng, conflicts: &mut u64) -> String {
    let (subject, noun, value, period) = FACTS[r.below(FACTS.len() as u64) as usize];
    let v = if r.chance(25) {
        *conflicts += 1;
        value + value * r.range(10, 60) / 100
    } else {
        value
    };
    format!(
        "{} counted {} {noun} {period}",
        cap_first(subject),
        thousands(v)
    )
}

/// The writing conventions a file follows.
#[derive(Clone, Copy)]
enum Style {
    /// Each sentence cites (or fails to cite) its own figure.
    SentenceCited,
    /// A citation closes each paragraph.
    ParagraphCited,
    /// Excerpt blocks each closed by a bibliographic line (plain text).
    Excerpts,
    /// Flash-card lines with references glued onto the prose.
    Glued,
}

fn paragraph(
    r: &mut Rng,
    md: bool,
    style: Style,
    footnotes: &mut Vec<String>,
    conflicts: &mut u64,
) -> String {
    let mut p = String::with_capacity(600);
    let sentences = r.range(2, 6);
    for i in 0..sentences {
        if i > 0 {
            p.push(' ');
        }
        match r.below(10) {
            0..=4 => p.push_str(&claim(r)),
            5 => p.push_str(&fact(r, conflicts)),
            6 => p.push_str(&quotation(r)),
            _ => {
                let f = r.pick(FILLER);
                p.push_str(&f[..f.len() - 1]);
            }
        }
        match style {
            Style::SentenceCited if r.chance(70) => p.push_str(&citation(r, md, footnotes)),
            Style::Glued if r.chance(40) => {
                let _ = write!(
                    p,
                    ",Page {}, {}, ISBN 0{}",
                    r.range(3, 600),
                    r.pick(TITLES),
                    r.range(100_000_000, 999_999_999)
                );
                p.push_str(" which the archive confirms");
            }
            _ => {}
        }
        p.push('.');
    }
    if matches!(style, Style::ParagraphCited) && r.chance(85) {
        p.pop();
        p.push_str(&citation(r, md, footnotes));
        p.push('.');
    }
    p
}

fn heading(r: &mut Rng, md: bool, level: u64) -> String {
    let title = format!(
        "{} {}",
        cap_first(r.pick::<&str>(SUBJECTS)),
        r.range(1850, 1990)
    );
    if md {
        format!("{} {title}", "#".repeat(level as usize))
    } else {
        title
    }
}

/// Write one document of about `target` bytes.
fn document(seed: u64, index: u64, md: bool, target: usize, conflicts: &mut u64) -> String {
    let mut r = Rng::new(seed, index + 1);
    let style = if md {
        *r.pick(&[
            Style::SentenceCited,
            Style::ParagraphCited,
            Style::SentenceCited,
        ])
    } else {
        *r.pick(&[
            Style::SentenceCited,
            Style::ParagraphCited,
            Style::Excerpts,
            Style::Glued,
        ])
    };
    let mut out = String::with_capacity(target + 4096);
    let mut footnotes = Vec::new();
    out.push_str(&heading(&mut r, md, 1));
    out.push_str("\n\n");
    while out.len() < target {
        let roll = r.below(20);
        if md && roll == 0 {
            out.push_str(&heading(&mut r, md, 2));
            out.push_str("\n\n");
        } else if md && roll == 1 {
            // A block quote, cited after it or not.
            let q = paragraph(&mut r, md, Style::ParagraphCited, &mut footnotes, conflicts);
            out.push_str("> ");
            out.push_str(&q);
            out.push_str("\n\n");
        } else if md && roll == 2 {
            for _ in 0..r.range(2, 5) {
                out.push_str("- ");
                out.push_str(&claim(&mut r));
                if r.chance(50) {
                    out.push_str(&citation(&mut r, md, &mut footnotes));
                }
                out.push_str(".\n");
            }
            out.push('\n');
        } else if md && roll == 3 {
            let _ = write!(
                out,
                "```\nrow {} total {}\n```\n\nInline `{}` code and <!-- factlint-disable-next-line unsourced-figure -->\n\n",
                r.range(1, 99),
                r.range(100, 999),
                r.range(1, 9)
            );
        } else if md && roll == 4 {
            let _ = writeln!(
                out,
                "| Year | Count |\n|---|---|\n| {} | {} |\n",
                r.range(1900, 1990),
                thousands(r.range(100, 90_000))
            );
        } else {
            out.push_str(&paragraph(&mut r, md, style, &mut footnotes, conflicts));
            if matches!(style, Style::Excerpts) {
                out.push('\n');
                out.push_str(&bib_line(&mut r));
            }
            out.push_str("\n\n");
        }
    }
    for f in &footnotes {
        out.push_str(f);
        out.push('\n');
    }
    out
}

fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mul) = match s.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => {
            let mul = match s[i..]
                .to_ascii_uppercase()
                .trim_end_matches('B')
                .trim_end_matches('I')
            {
                "K" => 1u64 << 10,
                "M" => 1 << 20,
                "G" => 1 << 30,
                "" => 1,
                other => return Err(format!("unknown size suffix `{other}`")),
            };
            (&s[..i], mul)
        }
        None => (s, 1),
    };
    let n: f64 = num.parse().map_err(|_| format!("bad size `{s}`"))?;
    Ok((n * mul as f64) as u64)
}

struct Args {
    seed: u64,
    size: u64,
    out: PathBuf,
}

fn args() -> Result<Args, String> {
    let mut seed = 1;
    let mut size = 200 << 20;
    let mut out = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--seed" => seed = val()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--size" => size = parse_size(&val()?)?,
            "--out" => out = Some(PathBuf::from(val()?)),
            "-h" | "--help" => {
                println!("usage: gen_corpus [--seed N] [--size 200M|1G|…] --out DIR");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Args {
        seed,
        size,
        out: out.ok_or("--out DIR is required")?,
    })
}

fn write_file(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).expect("create folder");
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create file"));
    f.write_all(text.as_bytes()).expect("write file");
}

fn main() {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            std::process::exit(2);
        }
    };
    // Plan: large files first, then many small ones until the size is reached.
    let mut plan: Vec<(PathBuf, bool, usize)> = Vec::new();
    let big = if a.size >= 210 << 20 {
        42 << 20
    } else {
        a.size / 5
    };
    let medium = (a.size / 50).min(16 << 20);
    let mut planned = 0u64;
    for (i, (size, md)) in [(big, true), (medium, false), (medium, true)]
        .into_iter()
        .enumerate()
    {
        let ext = if md { "md" } else { "txt" };
        plan.push((
            a.out.join(format!("large/large-{i:02}.{ext}")),
            md,
            size as usize,
        ));
        planned += size;
    }
    let mut r = Rng::new(a.seed, 0);
    let mut n = 0u64;
    while planned < a.size {
        // Log-uniform between 2 KB and 400 KB.
        let size = (2048.0 * (200f64).powf(r.unit())) as u64;
        let md = r.chance(50);
        let ext = if md { "md" } else { "txt" };
        plan.push((
            a.out.join(format!("docs/{:03}/{n:06}.{ext}", n / 100)),
            md,
            size as usize,
        ));
        planned += size;
        n += 1;
    }
    // Generate on all cores; each file depends only on (seed, index).
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let conflicts = std::sync::atomic::AtomicU64::new(0);
    let written = std::sync::atomic::AtomicU64::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((path, md, size)) = plan.get(i) else {
                        break;
                    };
                    let mut c = 0;
                    let text = document(a.seed, i as u64, *md, *size, &mut c);
                    write_file(path, &text);
                    conflicts.fetch_add(c, std::sync::atomic::Ordering::Relaxed);
                    written.fetch_add(text.len() as u64, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    let mut manifest = String::new();
    let _ = writeln!(manifest, "seed {}\nrequested-bytes {}", a.seed, a.size);
    let _ = writeln!(
        manifest,
        "files {}\nbytes {}",
        plan.len(),
        written.load(std::sync::atomic::Ordering::Relaxed)
    );
    let _ = writeln!(
        manifest,
        "planted-conflicting-mentions {}",
        conflicts.load(std::sync::atomic::Ordering::Relaxed)
    );
    for (subject, noun, value, period) in FACTS {
        let _ = writeln!(manifest, "fact\t{subject}\t{noun}\t{value}\t{period}");
    }
    write_file(&a.out.join("MANIFEST"), &manifest);
    // The planted facts' measures and subjects, as a team tracking them would declare them:
    // `--rules OUT/rules` makes conflicting-figure compare them (`.toml` is not linted).
    let mut lexicon = String::from("# Written by gen_corpus: the planted facts.\n");
    for (subject, noun, _, _) in FACTS {
        let _ = writeln!(
            lexicon,
            "\n[[measure]]\nname = \"{noun}\"\nwords = [\"{noun}\"]\n\n[[subject]]\nname = \"{subject}\"\npattern = '(?i){}'",
            subject.replace(' ', r"\s+")
        );
    }
    write_file(&a.out.join("rules/lexicon/measures.toml"), &lexicon);
    eprintln!(
        "gen_corpus: {} files, {} bytes in {}",
        plan.len(),
        written.load(std::sync::atomic::Ordering::Relaxed),
        a.out.display()
    );
}

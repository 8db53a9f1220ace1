//! Stress shapes for the linearity benchmark (`scripts/shapes.sh`): one file per document
//! shape, each of about `--size` bytes, built by repeating one unit with varying figures.
//! A shape whose time grows faster than its size has a lookup that scans too much.
//!
//! ```sh
//! cargo run --release --example gen_shapes -- --size 4M --out /tmp/shapes-4m
//! ```

use std::io::Write;
use std::path::PathBuf;

/// (file name, repeated unit, trailer per unit): the trailer (footnote definitions) comes
/// after all units, as a document's notes do.
type Shape = (
    &'static str,
    fn(usize) -> String,
    Option<fn(usize) -> String>,
);

const SHAPES: &[Shape] = &[
    (
        "footnotes.md",
        |i| {
            format!(
                "The depot had {} drivers in {}[^{i}].\n\n",
                i * 3 + 7,
                1900 + i % 100
            )
        },
        Some(|i| format!("[^{i}]: Ledger {i}, p. {}.\n", i % 300)),
    ),
    (
        "list.md",
        |i| {
            format!(
                "- item {i}: {} crates shipped, about {}% lost [{}]\n",
                i * 11,
                i % 90,
                i % 99
            )
        },
        None,
    ),
    (
        "table.md",
        |i| {
            if i == 0 {
                "| year | count | weight |\n|---|---|---|\n".to_string()
            } else {
                format!("| {} | {} | {} tons |\n", 1900 + i % 100, i * 13, i % 77)
            }
        },
        None,
    ),
    (
        "quotes.md",
        |i| {
            format!(
                "> \"We moved {} bales that week,\" said the foreman.\n\n— Mill records, {}\n\n",
                i * 5,
                1900 + i % 100
            )
        },
        None,
    ),
    (
        "excerpts.txt",
        |i| {
            format!(
                "The guild counted {} members and {} apprentices that spring.\n\
                 A second line of the excerpt with {} looms.\n\n\
                 Dunmore, Ellen. River Trades. London: Fenwick Press, {}, p. {}.\n\n",
                i * 7,
                i % 50,
                i % 9,
                1900 + i % 100,
                i % 400
            )
        },
        None,
    ),
    (
        "one-paragraph.md",
        |i| {
            format!(
                "In {} the yard built {} boats (Harlow {}, p. {}). ",
                1900 + i % 100,
                i * 3,
                1950 + i % 40,
                i % 200
            )
        },
        None,
    ),
    (
        "one-paragraph-quotes.md",
        |i| {
            format!(
                "The clerk wrote \"we moved {} bales\" in {} (Harlow {}, p. {}). ",
                i * 5,
                1900 + i % 100,
                1950 + i % 40,
                i % 200
            )
        },
        None,
    ),
    (
        "glued-references.txt",
        |i| {
            format!(
                "The mill employed {} weavers.Dunmore, Ellen. River Trades. London: Fenwick \
                 Press, {}, p. {}. ",
                i * 3,
                1900 + i % 100,
                i % 300
            )
        },
        None,
    ),
];

fn parse_size(s: &str) -> Option<usize> {
    let (n, mult) = match s.chars().last()? {
        'K' | 'k' => (&s[..s.len() - 1], 1 << 10),
        'M' | 'm' => (&s[..s.len() - 1], 1 << 20),
        'G' | 'g' => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    n.parse::<usize>().ok().map(|n| n * mult)
}

fn main() -> std::io::Result<()> {
    let mut size = None;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--size" => size = args.next().as_deref().and_then(parse_size),
            "--out" => out = args.next().map(PathBuf::from),
            _ => {
                eprintln!("usage: gen_shapes --size 4M --out DIR");
                std::process::exit(2);
            }
        }
    }
    let (Some(size), Some(out)) = (size, out) else {
        eprintln!("usage: gen_shapes --size 4M --out DIR");
        std::process::exit(2);
    };
    std::fs::create_dir_all(&out)?;
    for (name, unit, trailer) in SHAPES {
        let mut f = std::io::BufWriter::new(std::fs::File::create(out.join(name))?);
        // With a trailer, the units take four fifths of the size.
        let body = if trailer.is_some() {
            size / 5 * 4
        } else {
            size
        };
        let (mut written, mut n) = (0usize, 0usize);
        while written < body {
            let s = unit(n);
            f.write_all(s.as_bytes())?;
            written += s.len();
            n += 1;
        }
        if let Some(t) = trailer {
            for i in 0..n {
                f.write_all(t(i).as_bytes())?;
            }
        }
        f.flush()?;
    }
    Ok(())
}

//! `--format junit`: JUnit XML, one test suite per file with findings, one failing test case
//! per finding. A clean run is one passing test case, so CI dashboards show a result.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::ops::Range;

use super::{Reporter, Spool, Summary};
use crate::diagnostic::Diagnostic;

pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

pub fn render(diagnostics: &[Diagnostic]) -> String {
    let out = super::render_all(&mut Junit::default(), diagnostics, &Summary::default());
    String::from_utf8(out).expect("XML is UTF-8")
}

/// One file's test cases: how many, and where they are in the spool.
#[derive(Default)]
struct Suite {
    cases: usize,
    ranges: Vec<Range<u64>>,
}

/// `--format junit`, streamed through a spool: the document opens with the total count and
/// lists files in path order with a file's corpus-wide findings among its own, so each test
/// case is written to a temporary file as it comes and the suites are copied out at the end.
/// Memory holds a few offsets per file.
#[derive(Default)]
pub struct Junit {
    spool: Option<Spool>,
    suites: BTreeMap<String, Suite>,
    cases: usize,
}

impl Reporter for Junit {
    fn file(&mut self, _w: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
        let spool = self.spool.get_or_insert_with(Spool::new);
        for d in diagnostics {
            let start = spool.len();
            let path = escape_xml(&d.location.path);
            let l = &d.location;
            writeln!(
                spool,
                "    <testcase name=\"{}:{}:{}\" classname=\"{path}\" file=\"{path}\" line=\"{}\">",
                escape_xml(&d.rule),
                l.start.line,
                l.start.column,
                l.start.line
            )?;
            writeln!(
                spool,
                "      <failure message=\"{}\" type=\"{}\">{}:{}:{}: {}</failure>",
                escape_xml(&d.message),
                escape_xml(d.severity.as_str()),
                path,
                l.start.line,
                l.start.column,
                escape_xml(&d.message)
            )?;
            spool.write_all(b"    </testcase>\n")?;
            let end = spool.len();
            let suite = match self.suites.get_mut(&*d.location.path) {
                Some(s) => s,
                None => self.suites.entry(d.location.path.to_string()).or_default(),
            };
            suite.cases += 1;
            match suite.ranges.last_mut() {
                Some(last) if last.end == start => last.end = end,
                _ => suite.ranges.push(start..end),
            }
            self.cases += 1;
        }
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        let n = self.cases;
        w.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
        writeln!(
            w,
            "<testsuites name=\"factlint\" tests=\"{}\" failures=\"{n}\">",
            n.max(1)
        )?;
        if self.suites.is_empty() {
            w.write_all(b"  <testsuite name=\"factlint\" tests=\"1\" failures=\"0\">\n")?;
            w.write_all(b"    <testcase name=\"no findings\" classname=\"factlint\"/>\n")?;
            w.write_all(b"  </testsuite>\n")?;
        }
        for (path, suite) in &self.suites {
            writeln!(
                w,
                "  <testsuite name=\"{}\" tests=\"{1}\" failures=\"{1}\">",
                escape_xml(path),
                suite.cases
            )?;
            if let Some(spool) = &mut self.spool {
                spool.copy_ranges(w, &suite.ranges)?;
            }
            w.write_all(b"  </testsuite>\n")?;
        }
        w.write_all(b"</testsuites>\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape_xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}

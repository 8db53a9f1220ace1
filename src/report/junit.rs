//! `--format junit`: JUnit XML, one test suite per file with findings, one failing test case
//! per finding. A clean run is one passing test case, so CI dashboards show a result.

use std::collections::BTreeMap;

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
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in diagnostics {
        by_file.entry(&d.location.path).or_default().push(d);
    }
    let n = diagnostics.len();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"factlint\" tests=\"{}\" failures=\"{n}\">\n",
        n.max(1)
    ));
    if by_file.is_empty() {
        out.push_str("  <testsuite name=\"factlint\" tests=\"1\" failures=\"0\">\n");
        out.push_str("    <testcase name=\"no findings\" classname=\"factlint\"/>\n");
        out.push_str("  </testsuite>\n");
    }
    for (path, ds) in by_file {
        let path = escape_xml(path);
        out.push_str(&format!(
            "  <testsuite name=\"{path}\" tests=\"{0}\" failures=\"{0}\">\n",
            ds.len()
        ));
        for d in ds {
            let l = &d.location;
            out.push_str(&format!(
                "    <testcase name=\"{}:{}:{}\" classname=\"{path}\" file=\"{path}\" line=\"{}\">\n",
                escape_xml(&d.rule),
                l.start.line,
                l.start.column,
                l.start.line
            ));
            out.push_str(&format!(
                "      <failure message=\"{}\" type=\"{}\">{}:{}:{}: {}</failure>\n",
                escape_xml(&d.message),
                escape_xml(d.severity.as_str()),
                path,
                l.start.line,
                l.start.column,
                escape_xml(&d.message)
            ));
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape_xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}

//! `--format github`: GitHub Actions workflow commands, which annotate the pull request diff.

use std::io::{self, Write};

use super::{Reporter, Summary};
use crate::diagnostic::{Diagnostic, Severity};

/// Escaping of a command's message (data).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a property value: as data, plus the `:` and `,` that delimit properties.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(diagnostics: &[Diagnostic]) -> String {
    let out = super::render_all(&mut Github, diagnostics, &Summary::default());
    String::from_utf8(out).expect("annotations are UTF-8")
}

/// `--format github`, streamed: one line per finding.
#[derive(Default)]
pub struct Github;

impl Reporter for Github {
    fn file(&mut self, w: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
        for d in diagnostics {
            annotation(w, d)?;
        }
        Ok(())
    }
}

fn annotation(w: &mut dyn Write, d: &Diagnostic) -> io::Result<()> {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let l = &d.location;
    let mut message = d.message.to_string();
    if let Some(h) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(h);
    }
    for r in &d.related {
        message.push_str(&format!(
            "\n{}:{}:{}: {}",
            r.location.path, r.location.start.line, r.location.start.column, r.message
        ));
    }
    writeln!(
        w,
        "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(&l.path),
        l.start.line,
        l.start.column,
        l.end.line,
        l.end.column,
        escape_property(&format!("factlint {}", d.rule)),
        escape_data(&message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_github_requires() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}

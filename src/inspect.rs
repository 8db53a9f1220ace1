//! `factlint inspect`: what factlint sees in a document, for rule authors chasing a miss or a
//! false alarm. Spans follow the same convention as diagnostics (byte offsets into the file).

use serde::Serialize;

use crate::diagnostic::Span;
use crate::extract::{Analysis, Convention, Scope, SourceStatus};
use crate::source::SourceFile;

#[derive(Serialize)]
pub struct FileView {
    pub path: String,
    pub kind: crate::source::DocKind,
    pub convention: Convention,
    pub sentences: Vec<SentenceView>,
    pub figures: Vec<FigureView>,
    pub citations: Vec<CitationView>,
    pub attributions: Vec<TextView>,
    pub quotations: Vec<QuotationView>,
}

#[derive(Serialize)]
pub struct SentenceView {
    pub span: Span,
    pub text: String,
    pub is_reference: bool,
    pub cited: bool,
}

#[derive(Serialize)]
pub struct FigureView {
    pub span: Span,
    pub text: String,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub approx: bool,
    pub kind: crate::extract::numbers::NumberKind,
    pub source: &'static str,
    pub in_quotation: bool,
}

#[derive(Serialize)]
pub struct CitationView {
    pub span: Span,
    pub text: String,
    pub kind: crate::extract::citations::CitationKind,
}

#[derive(Serialize)]
pub struct TextView {
    pub span: Span,
    pub text: String,
}

#[derive(Serialize)]
pub struct QuotationView {
    pub span: Span,
    pub text: String,
    pub kind: crate::extract::quotations::QuoteKind,
    pub cited: bool,
    pub source: &'static str,
}

fn span(r: &std::ops::Range<usize>) -> Span {
    Span {
        start: r.start,
        end: r.end,
    }
}

fn status(s: SourceStatus) -> &'static str {
    match s {
        SourceStatus::Cited(_) => "cited",
        SourceStatus::Attributed(_) => "attributed",
        SourceStatus::None => "none",
    }
}

pub fn view(file: &SourceFile, a: &Analysis) -> FileView {
    let t = &file.text;
    FileView {
        path: file.path.clone(),
        kind: file.kind,
        convention: a.convention,
        sentences: a
            .sentences
            .iter()
            .enumerate()
            .map(|(i, s)| SentenceView {
                span: span(&s.range),
                text: t[s.range.clone()].to_string(),
                is_reference: s.is_reference,
                cited: matches!(a.source_of(i, Scope::Auto), SourceStatus::Cited(_)),
            })
            .collect(),
        figures: a
            .figures
            .iter()
            .map(|f| FigureView {
                span: span(&f.m.span),
                text: t[f.m.span.clone()].to_string(),
                low: f.m.low.get(),
                high: f.m.high.get(),
                approx: f.m.approx,
                kind: f.m.kind,
                source: status(a.source_of(f.sentence, Scope::Auto)),
                in_quotation: f.quotation.is_some(),
            })
            .collect(),
        citations: a
            .citations
            .iter()
            .map(|c| CitationView {
                span: span(&c.range),
                text: t[c.range.clone()].to_string(),
                kind: c.kind,
            })
            .collect(),
        attributions: a
            .attributions
            .iter()
            .map(|x| TextView {
                span: span(&x.range),
                text: t[x.range.clone()].to_string(),
            })
            .collect(),
        quotations: a
            .quotations
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let s = a.quotation_source(i, Scope::Auto);
                QuotationView {
                    span: span(&q.q.range),
                    text: t[q.q.range.clone()].to_string(),
                    kind: q.q.kind,
                    cited: matches!(s, SourceStatus::Cited(_)),
                    source: status(s),
                }
            })
            .collect(),
    }
}

/// A readable listing of the same data.
pub fn render_text(v: &FileView) -> String {
    let mut out =
        format!("{} ({:?}, cites per {:?})\n", v.path, v.kind, v.convention).to_lowercase();
    out.push_str(&format!("  sentences: {}\n", v.sentences.len()));
    for f in &v.figures {
        out.push_str(&format!(
            "  figure     {:>7}..{:<7} {:<28} [{}, {}]{} {}{}\n",
            f.span.start,
            f.span.end,
            format!("{:?}", f.text),
            f.low.map_or("-".into(), |x| x.to_string()),
            f.high.map_or("-".into(), |x| x.to_string()),
            if f.approx { " approx" } else { "" },
            f.source,
            if f.in_quotation {
                " (in quotation)"
            } else {
                ""
            }
        ));
    }
    for c in &v.citations {
        out.push_str(&format!(
            "  citation   {:>7}..{:<7} {:?} {:?}\n",
            c.span.start,
            c.span.end,
            c.kind,
            short(&c.text)
        ));
    }
    for x in &v.attributions {
        out.push_str(&format!(
            "  attributed {:>7}..{:<7} {:?}\n",
            x.span.start,
            x.span.end,
            short(&x.text)
        ));
    }
    for q in &v.quotations {
        out.push_str(&format!(
            "  quotation  {:>7}..{:<7} {:?} {} {:?}\n",
            q.span.start,
            q.span.end,
            q.kind,
            q.source,
            short(&q.text)
        ));
    }
    out
}

fn short(s: &str) -> String {
    let s = crate::diagnostic::normalise_ws(s);
    if s.chars().count() > 70 {
        format!("{}…", s.chars().take(69).collect::<String>())
    } else {
        s
    }
}

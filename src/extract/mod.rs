//! Extract: a parsed [`Document`] → the incident's [`Record`], with provenance and
//! diagnostics.
//!
//! Front matter, when present, always wins; the text fills what front matter leaves empty.
//! The rule everywhere: never invent. A placeholder ("TBD", "[Timestamp]") or an unreadable
//! value yields no value and a diagnostic; a wrong value is worse than none.
//!
//! This stage reads only the `Document` and the `Config`; it does no I/O.

pub mod duration;
pub mod front_matter;
pub mod when;
pub mod zone;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::{Provenance, Record};
use crate::parse::Document;

/// What extraction needs besides the document.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub config: &'a Config,
    /// "Now", for future-date checks; passed in so builds are deterministic and testable.
    pub today: jiff::civil::Date,
}

/// Extract every field of `doc`.
pub fn extract(doc: &Document, cx: &Context<'_>) -> (Record, Vec<Diagnostic>) {
    let mut record = Record::default();
    let mut diags = Vec::new();
    if let Some(fm) = &doc.front_matter {
        front_matter::apply(fm, &doc.path, cx, &mut record, &mut diags);
    }
    if record.title.is_none() {
        if let Some((title, line)) = title_from_text(&doc.markdown) {
            record.title = Some(title);
            record.note("title", Provenance::text(line));
        }
    }
    (record, diags)
}

/// The title a reader sees at the top of a document without front matter: a heading that
/// opens it, else a short standalone first line ("Postmortem", "Web outage, 3 May") written
/// without heading markup, else the first heading anywhere.
fn title_from_text(md: &crate::parse::Rendered) -> Option<(String, u32)> {
    use crate::parse::LineKind;
    let heading = md.first_heading.clone();
    let lines = &md.outline.lines;
    let first = lines.first()?;
    if matches!(first.kind, LineKind::Heading(_)) {
        return heading;
    }
    let standalone = lines.get(1).is_none_or(|next| next.number > first.number + 1);
    let text = first.text.trim();
    let title_like = first.kind == LineKind::Paragraph
        && standalone
        && (2..=100).contains(&text.chars().count())
        && !text.ends_with(['.', ':', ';', ','])
        && !text.contains(": ")
        // a badge or a link line (`![Author](…)`) is decoration, not a title
        && !md.links.iter().any(|l| l.line == first.number);
    if title_like {
        return Some((text.to_string(), first.number));
    }
    heading
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title_of(md: &str) -> Option<String> {
        let doc = crate::parse::parse("x.md", md.as_bytes(), &|_| None).unwrap();
        let config = Config::default();
        let cx = Context {
            config: &config,
            today: jiff::civil::date(2026, 1, 1),
        };
        extract(&doc, &cx).0.title
    }

    #[test]
    fn title_comes_from_an_opening_heading_or_a_standalone_first_line() {
        assert_eq!(title_of("# Disk full\n\ntext\n").as_deref(), Some("Disk full"));
        assert_eq!(
            title_of("Postmortem\n\nIssue Summary:\nDuration: 2 hours\n\n## Timeline\n").as_deref(),
            Some("Postmortem")
        );
        // prose before the heading is not a title
        assert_eq!(
            title_of("Notes from the call, kept for the record.\n\n# DNS typo\n").as_deref(),
            Some("DNS typo")
        );
        // a label line is not a title
        assert_eq!(
            title_of("Date: 2023-05-10\n\n## Timeline\n").as_deref(),
            Some("Timeline")
        );
        // nor is an image or link line
        assert_eq!(
            title_of("![Author](https://x.example/badge.svg)\n\n---\n# Real title\n").as_deref(),
            Some("Real title")
        );
        // nor is the first line of a longer paragraph
        assert_eq!(title_of("Web outage\ncontinued here\n").as_deref(), None);
    }
}

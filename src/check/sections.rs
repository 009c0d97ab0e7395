//! Empty sections: a heading with nothing under it before the next heading of the same or a
//! higher level. Templates leave these behind ("## Root cause" then "## Action items"), and
//! an empty "Root cause" is the finding a reviewer most needs to see.

use crate::diagnostic::Diagnostic;
use crate::parse::{Document, LineKind};

/// Sections whose emptiness deserves a specific hint.
fn hint_for(title: &str) -> String {
    let t = title.to_lowercase();
    if t.contains("cause") {
        "state what caused the incident, or remove the heading until it is known".to_string()
    } else if t.contains("action") || t.contains("follow") || t.contains("corrective") {
        "list the action items (one per list item, with an owner), or remove the heading".to_string()
    } else {
        "write the section or remove the heading".to_string()
    }
}

/// Only clear cases are reported, because real postmortems bend Markdown: the first heading
/// (the title) may be followed directly by sections; a heading followed by a *higher*-level
/// one is a misused level, not an empty section; and a "Label: value" heading carries its
/// content in the heading itself; a lone deeper heading at the end is a signature.
pub fn check(doc: &Document) -> Vec<Diagnostic> {
    let outline = &doc.markdown.outline;
    let mut out = Vec::new();
    for (i, section) in outline.sections.iter().enumerate() {
        if i == 0 || is_label_with_value(&section.title) {
            continue;
        }
        // The section ends at the next heading of the same or a higher level.
        let next = outline.sections[i + 1..]
            .iter()
            .find(|s| s.level <= section.level);
        if next.is_some_and(|n| n.level < section.level) {
            continue;
        }
        // At the end of the file, only a heading with an earlier sibling is a section; a
        // lone deeper heading there is a signature ("#### The on-call team").
        if next.is_none()
            && !outline.sections[..i]
                .iter()
                .any(|s| s.level == section.level && !is_label_with_value(&s.title))
        {
            continue;
        }
        let end = next.map(|s| s.line).unwrap_or(u32::MAX);
        let has_content = outline
            .lines
            .iter()
            .any(|l| l.number > section.line && l.number < end && !matches!(l.kind, LineKind::Heading(_)));
        if !has_content {
            let title = if section.title.is_empty() {
                "(untitled)"
            } else {
                section.title.as_str()
            };
            out.push(
                Diagnostic::warning(
                    "empty-section",
                    doc.path.clone(),
                    format!("section \"{title}\" is empty"),
                )
                .at(section.line, 1)
                .with_hint(hint_for(&section.title)),
            );
        }
    }
    out
}

/// `Root Cause: the certificate expired` written as a heading.
fn is_label_with_value(title: &str) -> bool {
    title
        .split_once(':')
        .is_some_and(|(label, value)| !label.trim().is_empty() && !value.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty(text: &str) -> Vec<(u32, String)> {
        let doc = crate::parse::parse("a.md", text.as_bytes(), &|_| None).unwrap();
        check(&doc)
            .into_iter()
            .map(|d| (d.line.unwrap(), d.message))
            .collect()
    }

    #[test]
    fn headings_without_content_are_reported() {
        let text = "# Outage\n\nSummary.\n\n## Root cause\n\n## Action items\n\n- add alert\n\n## Lessons\n";
        assert_eq!(
            empty(text),
            vec![
                (5, "section \"Root cause\" is empty".to_string()),
                (11, "section \"Lessons\" is empty".to_string())
            ]
        );
    }

    #[test]
    fn a_heading_whose_subsections_have_content_is_not_empty() {
        let text = "# Outage\n\n## Timeline\n\n### Day 1\n\n- 10:00 alert\n\n### Day 2\n\nquiet\n";
        assert_eq!(empty(text), vec![]);
    }

    #[test]
    fn titles_misused_levels_and_label_headings_are_not_reported() {
        let text = "### Outage title\n\n## Summary\n\n#### Start: 10:00\n\n# Duration: 2 hours\n\n## Cause\n\n# Root cause: disk full\n\n# Fix: resized\n\ntext\n\n#### Signed, the team\n";
        assert_eq!(empty(text), vec![]);
    }

    #[test]
    fn code_and_tables_count_as_content() {
        let text = "## Logs\n\n```\nerror 500\n```\n\n## Numbers\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        assert_eq!(empty(text), vec![]);
    }
}

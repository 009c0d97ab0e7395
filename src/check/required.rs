//! Required fields: `required_fields` in incidex.yaml names the fields every postmortem
//! must have (from front matter or the text); each one absent is a `missing-field`.

use crate::diagnostic::Diagnostic;
use crate::model::{Postmortem, Record};
use crate::parse::Document;

/// Field names `required_fields` accepts (the `inspect --json` names, dots for nesting).
pub const KNOWN_FIELDS: &[&str] = &[
    "title",
    "start",
    "end",
    "duration",
    "timezone",
    "impact",
    "impact.percent",
    "impact.users",
    "impact.summary",
    "impact.services",
    "root_cause",
    "root_cause.category",
    "root_cause.summary",
    "contributing_factors",
    "severity",
    "services",
    "detection",
    "resolution",
    "timeline",
    "action_items",
    "lessons",
    "tags",
    "authors",
    "status",
];

/// Does `record` have a value for `field`? `None` for a name incidex does not know.
pub fn field_is_present(record: &Record, field: &str) -> Option<bool> {
    let r = record;
    let i = &r.impact;
    Some(match field {
        "title" => r.title.as_deref().is_some_and(|t| !t.trim().is_empty()),
        "start" => r.start.is_some(),
        "end" => r.end.is_some(),
        "duration" => r.duration_minutes.is_some() || r.stated_duration_minutes.is_some(),
        "timezone" => r.timezone.is_some(),
        "impact" => i.percent.is_some() || i.users.is_some() || i.summary.is_some() || !i.services.is_empty(),
        "impact.percent" => i.percent.is_some(),
        "impact.users" => i.users.is_some(),
        "impact.summary" => i.summary.is_some(),
        "impact.services" => !i.services.is_empty(),
        "root_cause" => r.root_cause.category.is_some() || r.root_cause.summary.is_some(),
        "root_cause.category" => r.root_cause.category.is_some(),
        "root_cause.summary" => r.root_cause.summary.is_some(),
        "contributing_factors" => !r.contributing_factors.is_empty(),
        "severity" => r.severity.is_some(),
        "services" => !r.all_services().is_empty(),
        "detection" => r.detection.is_some(),
        "resolution" => r.resolution.is_some(),
        "timeline" => !r.timeline.is_empty(),
        "action_items" => !r.action_items.is_empty(),
        "lessons" => !r.lessons.is_empty(),
        "tags" => !r.tags.is_empty(),
        "authors" => !r.authors.is_empty(),
        "status" => r.status.is_some(),
        _ => return None,
    })
}

/// The line a file-level finding points at: the front matter's opening line, else the
/// first heading, else line 1.
pub fn anchor_line(doc: &Document) -> u32 {
    if doc.front_matter.is_some() {
        return 1;
    }
    doc.markdown.first_heading.as_ref().map(|(_, l)| *l).unwrap_or(1)
}

/// One `missing-field` per required field `pm` lacks. Unknown names are skipped here and
/// reported once by [`unknown_names`].
pub fn check(pm: &Postmortem, required: &[String], line: u32) -> Vec<Diagnostic> {
    required
        .iter()
        .filter(|f| field_is_present(&pm.record, f) == Some(false))
        .map(|f| {
            Diagnostic::warning(
                "missing-field",
                pm.path.clone(),
                format!("required field `{f}` has no value (neither front matter nor text gives one)"),
            )
            .at(line, 1)
            .with_hint(format!(
                "add `{f}:` to the front matter, or drop it from `required_fields` in incidex.yaml"
            ))
        })
        .collect()
}

/// Names in `required_fields` that are not fields: a typo there silently checks nothing.
pub fn unknown_names(required: &[String]) -> Vec<Diagnostic> {
    required
        .iter()
        .filter(|f| !KNOWN_FIELDS.contains(&f.as_str()))
        .map(|f| {
            Diagnostic::error(
                "unknown-required-field",
                "",
                format!("incidex.yaml `required_fields` names {f:?}, which is not a field"),
            )
            .with_hint(format!("known fields: {}", KNOWN_FIELDS.join(", ")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_field_can_be_asked_about() {
        let r = Record::default();
        for f in KNOWN_FIELDS {
            assert_eq!(field_is_present(&r, f), Some(false), "{f}");
        }
        assert_eq!(field_is_present(&r, "colour"), None);
    }

    #[test]
    fn nested_and_grouped_fields() {
        let mut r = Record::default();
        r.impact.users = Some(10);
        assert_eq!(field_is_present(&r, "impact"), Some(true));
        assert_eq!(field_is_present(&r, "impact.percent"), Some(false));
        r.stated_duration_minutes = Some(5);
        assert_eq!(field_is_present(&r, "duration"), Some(true));
    }
}

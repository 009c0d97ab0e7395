//! Front matter → record. Front matter always wins over the text, so this runs first and
//! the text extractors only fill fields it left empty.

use super::{duration, when, Context};
use crate::diagnostic::Diagnostic;
use crate::model::{ActionItem, Provenance, Record};
use crate::parse::FrontMatter;

pub use super::placeholder::is_placeholder;

pub fn apply(
    fm: &FrontMatter,
    path: &str,
    cx: &Context<'_>,
    record: &mut Record,
    diags: &mut Vec<Diagnostic>,
) {
    let line = |key: &str| fm.lines.get(key).copied();
    let prov = |key: &str| Provenance::front_matter(line(key));
    let placeholder = |key: &str, value: &str, diags: &mut Vec<Diagnostic>| {
        diags.push(super::placeholder::warning(
            path,
            line(key),
            &format!("front matter `{key}`"),
            value,
        ));
    };

    if let Some(t) = &fm.title {
        record.title = Some(t.trim().to_string());
        record.note("title", prov("title"));
    }
    if let Some(tz) = &fm.timezone {
        if super::zone::parse_zone_name(tz).is_some() {
            record.timezone = Some(tz.clone());
            record.note("timezone", prov("timezone"));
        } else if is_placeholder(tz) {
            placeholder("timezone", tz, diags);
        } else {
            let mut d = Diagnostic::warning(
                "unknown-timezone",
                path,
                format!("front matter timezone {tz:?} is not a zone incidex knows"),
            );
            if let Some(l) = line("timezone") {
                d = d.at_line(l);
            }
            diags.push(d);
        }
    }
    for key in ["start", "end"] {
        let raw = if key == "start" { &fm.start } else { &fm.end };
        let Some(raw) = raw else { continue };
        match when::parse_iso(raw) {
            Some(mut parsed) => {
                // A zone-less front matter time takes the front matter timezone, if any.
                if parsed.when.offset.is_none() && !parsed.when.date_only {
                    if let Some(z) = record.timezone.as_deref().and_then(super::zone::parse_zone_name) {
                        parsed.when.offset = Some(z.offset_at(parsed.when.datetime));
                    }
                }
                if record.timezone.is_none() {
                    if let Some(label) = parsed.zone_label {
                        record.timezone = Some(label);
                        record.note("timezone", prov(key));
                    }
                }
                if key == "start" {
                    record.start = Some(parsed.when);
                } else {
                    record.end = Some(parsed.when);
                }
                record.note(key, prov(key));
            }
            None if is_placeholder(raw) => placeholder(key, raw, diags),
            None => {
                let mut d = Diagnostic::warning(
                    "unreadable-date",
                    path,
                    format!("front matter `{key}` {raw:?} is not a date incidex can read"),
                )
                .with_hint("write it as 2024-05-01T10:00:00+01:00 or 2024-05-01 10:00 UTC");
                if let Some(l) = line(key) {
                    d = d.at_line(l);
                }
                diags.push(d);
            }
        }
    }
    if let Some(d) = &fm.duration {
        match duration::parse_minutes(d) {
            Some(m) => {
                record.stated_duration_minutes = Some(m);
                record.note("stated_duration_minutes", prov("duration"));
            }
            None if is_placeholder(d) => placeholder("duration", d, diags),
            None => {}
        }
    }
    if let Some(s) = &fm.severity {
        if !is_placeholder(s) {
            record.severity = Some(s.clone());
            record.note("severity", prov("severity"));
        }
    }
    if let Some(p) = fm.impact.percent {
        if (0.0..=100.0).contains(&p) {
            record.impact.percent = Some(p);
            record.note("impact.percent", prov("impact.percent"));
        } else {
            let mut d = Diagnostic::warning(
                "out-of-range",
                path,
                format!("impact.percent {p} is not between 0 and 100; ignored"),
            );
            if let Some(l) = line("impact.percent") {
                d = d.at_line(l);
            }
            diags.push(d);
        }
    }
    if let Some(u) = fm.impact.users {
        record.impact.users = Some(u);
        record.note("impact.users", prov("impact.users"));
    }
    if !fm.impact.services.is_empty() {
        record.impact.services = fm.impact.services.clone();
        record.note("impact.services", prov("impact.services"));
    }
    if let Some(s) = &fm.impact.summary {
        record.impact.summary = Some(s.clone());
        record.note("impact.summary", prov("impact.summary"));
    }
    if !fm.services.is_empty() {
        record.services = fm.services.clone();
        record.note("services", prov("services"));
    }
    if let Some(c) = &fm.root_cause.category {
        let slug = crate::slug::slugify(c);
        if cx.config.category(&slug).is_some() {
            record.root_cause.category = Some(slug);
            record.note("root_cause.category", prov("root_cause.category"));
        } else {
            let known: Vec<&str> = cx.config.taxonomy.iter().map(|c| c.slug.as_str()).collect();
            let mut d = Diagnostic::warning(
                "unknown-category",
                path,
                format!("root cause category {c:?} is not in the taxonomy"),
            )
            .with_hint(format!(
                "use one of: {}; or add it to `taxonomy` in incidex.yaml",
                known.join(", ")
            ));
            if let Some(l) = line("root_cause.category") {
                d = d.at_line(l);
            }
            diags.push(d);
        }
    }
    if let Some(s) = &fm.root_cause.summary {
        record.root_cause.summary = Some(s.clone());
        record.note("root_cause.summary", prov("root_cause.summary"));
    }
    if !fm.contributing_factors.is_empty() {
        record.contributing_factors = fm.contributing_factors.clone();
        record.note("contributing_factors", prov("contributing_factors"));
    }
    if !fm.tags.is_empty() {
        record.tags = fm.tags.clone();
        record.note("tags", prov("tags"));
    }
    if !fm.authors.is_empty() {
        record.authors = fm.authors.clone();
        record.note("authors", prov("authors"));
    }
    if let Some(s) = &fm.status {
        record.status = Some(s.clone());
        record.note("status", prov("status"));
    }
    if !fm.action_items.is_empty() {
        record.action_items = fm
            .action_items
            .iter()
            .map(|t| ActionItem {
                text: t.clone(),
                done: None,
                line: line("action_items"),
            })
            .collect();
        record.note("action_items", prov("action_items"));
    }
}

/// Keys some archive tools use for the window without naming it start/end: `date` (Hugo,
/// cState: when the incident began) and `resolvedWhen` / `resolved_when` (cState). They
/// fill start/end only when the usual keys are absent.
pub fn apply_extras(fm: &FrontMatter, record: &mut Record) {
    let value = |key: &str| -> Option<String> {
        match fm.extra.get(key)? {
            serde_json::Value::String(s) => Some(s.clone()),
            // TOML datetimes arrive as {"$__toml_private_datetime": "..."}
            serde_json::Value::Object(m) => m.values().next()?.as_str().map(str::to_string),
            _ => None,
        }
    };
    for (keys, is_start) in [
        (&["date"][..], true),
        (&["resolvedWhen", "resolved_when", "resolvedwhen"][..], false),
    ] {
        let slot_empty = if is_start {
            record.start.is_none()
        } else {
            record.end.is_none()
        };
        if !slot_empty {
            continue;
        }
        let Some((key, raw)) = keys.iter().find_map(|k| value(k).map(|v| (*k, v))) else {
            continue;
        };
        let Some(parsed) = when::parse_iso(&raw) else {
            continue;
        };
        if parsed.when.date_only {
            continue;
        }
        let field = if is_start { "start" } else { "end" };
        if is_start {
            record.start = Some(parsed.when);
        } else {
            record.end = Some(parsed.when);
        }
        record.note(field, Provenance::front_matter(fm.lines.get(key).copied()));
        if record.timezone.is_none() {
            if let Some(label) = parsed.zone_label {
                record.timezone = Some(label);
                record.note("timezone", Provenance::front_matter(fm.lines.get(key).copied()));
            }
        }
    }
}

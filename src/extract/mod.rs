//! Extract: a parsed [`Document`] → the incident's [`Record`], with provenance and
//! diagnostics.
//!
//! Front matter, when present, always wins; the text fills what front matter leaves empty.
//! The rule everywhere: never invent. A placeholder ("TBD", "[Timestamp]") or an unreadable
//! value yields no value and a diagnostic; a wrong value is worse than none.
//!
//! The submodules each own one field family: `sections` finds labelled parts, `when`
//! reads dates and times, `window` start/end/duration, `timeline`, `impact`, `root_cause`,
//! `actions` (action items, lessons, contributing factors), `placeholder`.
//!
//! This stage reads only the `Document` and the `Config`; it does no I/O.

pub mod actions;
pub mod duration;
pub mod front_matter;
pub mod impact;
pub mod placeholder;
pub mod root_cause;
pub mod sections;
pub mod timeline;
pub mod when;
pub mod window;
pub mod zone;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::{Provenance, Record};
use crate::parse::{Document, LineKind, Outline};
use sections::{Kind, Part};

/// Compile one of extraction's patterns, reading `\b` as an ASCII word boundary.
///
/// Why: a Unicode `\b` makes the regex crate's fast lazy DFA give up on any line holding a
/// non-ASCII character (an en dash, a curly quote, an emoji), and the slow backtracker
/// then runs instead; on real postmortems that was a third of all extraction time. Every
/// word these patterns look for is ASCII, so an ASCII boundary means the same thing.
/// Patterns are constants, so a bad one is a bug caught by the first test that runs it.
pub(crate) fn pattern(re: &str) -> regex::Regex {
    regex::Regex::new(&re.replace(r"\b", r"(?-u:\b)")).expect("extraction patterns are valid")
}

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
        front_matter::apply_extras(fm, &mut record);
    }
    let outline = &doc.markdown.outline;
    let parts = sections::parts(outline);
    let readings = when::LineReadings::new(outline);

    title(doc, outline, &mut record);
    let frame = window::frame(outline, &parts, &readings, &record, cx);
    let events = timeline::events(outline, &parts, &readings, &frame, &doc.path, &mut diags);
    window::apply(
        outline,
        &parts,
        &readings,
        &events,
        &frame,
        &mut record,
        &doc.path,
        cx,
        &mut diags,
    );
    if record.timeline.is_empty() && !events.is_empty() {
        record.note("timeline", Provenance::text(events[0].line));
        record.timeline = events;
    }
    impact::apply(outline, &parts, &mut record);
    root_cause::apply(outline, &parts, &cx.config.taxonomy, &mut record);
    actions::apply(outline, &parts, &mut record);
    short_fields(outline, &parts, &mut record, &doc.path, &mut diags);
    ambiguous_dates(outline, &readings, &doc.path, &mut diags);
    (record, diags)
}

/// The title: front matter, the first heading, else a standalone title-like line.
fn title(doc: &Document, outline: &Outline, record: &mut Record) {
    if record.title.is_some() {
        return;
    }
    if let Some((title, line)) = &doc.markdown.first_heading {
        // A document that opens with "## Summary" has no title heading.
        if sections::label_kind(title).is_none() {
            record.title = Some(title.clone());
            record.note("title", Provenance::text(*line));
            return;
        }
    }
    let standalone = |l: &&crate::parse::Line| {
        matches!(l.kind, LineKind::Paragraph | LineKind::Html)
            && l.text.split_whitespace().count() <= 14
            && !l.text.trim_end().ends_with(['.', ':', ',', ';'])
            && l.text.chars().any(char::is_alphabetic)
    };
    let head: Vec<&crate::parse::Line> = outline.lines.iter().take(15).collect();
    // "Postmortem: ..." beats boilerplate that precedes it.
    let named = head.iter().find(|l| {
        standalone(l) && {
            let t = l.text.to_lowercase();
            [
                "postmortem:",
                "post-mortem:",
                "post mortem:",
                "incident report:",
                "outage report:",
            ]
            .iter()
            .any(|p| t.starts_with(p))
        }
    });
    let pick = named.or_else(|| head.iter().take(3).find(|l| standalone(l)));
    if let Some(l) = pick {
        record.title = Some(l.text.trim().to_string());
        record.note("title", Provenance::text(l.number));
    }
}

/// Severity, detection and resolution: short labelled fields.
fn short_fields(
    outline: &Outline,
    parts: &[Part],
    record: &mut Record,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let first_text = |kind: Kind| -> Option<(u32, String)> {
        sections::of_kind(parts, kind).find_map(|p| {
            p.texts(outline)
                .find(|(_, t)| !t.trim().is_empty())
                .map(|(n, t)| (n, t.trim().to_string()))
        })
    };
    if record.severity.is_none() {
        if let Some((line, v)) = first_text(Kind::Severity) {
            if placeholder::is_placeholder(&v) || placeholder::find_token(&v).is_some() {
                diags.push(placeholder::warning(path, Some(line), "severity", &v));
            } else if v.split_whitespace().count() <= 4 {
                record.severity = Some(v);
                record.note("severity", Provenance::text(line));
            }
        }
    }
    for (kind, field) in [(Kind::Detection, "detection"), (Kind::Resolution, "resolution")] {
        let slot = if kind == Kind::Detection {
            &mut record.detection
        } else {
            &mut record.resolution
        };
        if slot.is_some() {
            continue;
        }
        if let Some((line, v)) = first_text(kind) {
            if !placeholder::is_placeholder(&v) && v.split_whitespace().count() >= 3 {
                *slot = Some(impact::first_sentence(&v));
                record.note(field, Provenance::text(line));
            }
        }
    }
    // A Timezone or Duration field left as a template placeholder.
    for kind in [Kind::Timezone, Kind::Duration, Kind::Date] {
        for p in sections::of_kind(parts, kind) {
            if let Some(v) = &p.inline {
                if let Some(tok) = placeholder::placeholder_in(v) {
                    let what = format!("{kind:?}").to_lowercase();
                    diags.push(placeholder::warning(path, Some(p.line), &what, tok));
                }
            }
        }
    }
}

/// Numeric dates like 03/04/2024 that read two ways.
fn ambiguous_dates(
    outline: &Outline,
    readings: &when::LineReadings,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) {
    for (i, l) in outline.lines.iter().enumerate() {
        if matches!(l.kind, LineKind::Code) {
            continue;
        }
        for d in readings.dates(outline, i) {
            if d.ambiguous {
                let written = &l.text[d.start..d.end];
                diags.push(
                    Diagnostic::warning(
                        "ambiguous-date",
                        path,
                        format!("{written:?} could be day/month or month/day; not used"),
                    )
                    .at_line(l.number)
                    .with_hint("write dates as 2024-03-04 or March 4, 2024"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests;

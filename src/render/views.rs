//! View structs: the plain, serialisable data templates receive. Built once per page from
//! the archive; templates never see `Postmortem` or `Record` directly, so the theme API is
//! this file (documented in README under "Themes").

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::{Postmortem, Provenance, TocEntry, When};
use crate::render::theme::Theme;
use serde::Serialize;
use std::borrow::Cow;

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub base_url: String,
    pub generator: String,
}

impl SiteView {
    pub fn new(config: &Config) -> Self {
        SiteView {
            title: config.title.clone(),
            description: config.description.clone(),
            base_url: config.base_url_slash(),
            generator: format!("incidex {}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// A link to a taxonomy page (category, service, tag, year).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TermLink {
    pub name: String,
    pub slug: String,
}

/// One incident as a row in a list.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentRow {
    pub slug: String,
    /// Relative to the site root: `incidents/<slug>/`.
    pub url: String,
    pub title: String,
    /// `YYYY-MM-DD`, or empty when undated.
    pub date: String,
    /// Sortable start instant (seconds since epoch), 0 when undated.
    pub start_epoch: i64,
    pub year: Option<i16>,
    pub duration_minutes: Option<i64>,
    pub duration_display: String,
    pub impact_percent: Option<f64>,
    pub impact_display: String,
    pub category: Option<TermLink>,
    pub services: Vec<TermLink>,
    pub severity: Option<String>,
    /// URL segment of the severity page (`severities/<slug>/`).
    pub severity_slug: Option<String>,
    pub draft: bool,
}

/// One line of the summary card.
#[derive(Debug, Clone, Serialize)]
pub struct CardField {
    pub key: String,
    pub label: String,
    pub value: String,
    /// "inferred from line 7", "from front matter", "computed".
    pub provenance: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineView {
    pub time: String,
    pub text: String,
}

/// An incident's page. Borrows what it shows as is from the postmortem: the view is copied
/// into tera's context once more anyway.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentView<'a> {
    #[serde(flatten)]
    pub row: IncidentRow,
    pub path: &'a str,
    pub card: Vec<CardField>,
    pub root_cause: Option<&'a str>,
    pub body_html: Cow<'a, str>,
    pub toc: &'a [TocEntry],
    /// Only for a theme that names it (see [`IncidentExtras`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<TimelineView>>,
    /// Only for a theme that names it (see [`IncidentExtras`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_items: Option<Vec<String>>,
    pub tags: Vec<TermLink>,
    pub authors: &'a [String],
    pub diagnostics: &'a [Diagnostic],
}

/// "47 min", "2 h 30 min", "1 d 9 h".
pub fn format_minutes(m: i64) -> String {
    if m < 0 {
        return format!("−{}", format_minutes(-m));
    }
    let (d, h, min) = (m / 1440, (m % 1440) / 60, m % 60);
    match (d, h, min) {
        (0, 0, min) => format!("{min} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, min) => format!("{h} h {min} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

/// "2023-05-10 09:00 UTC", using the zone label the author wrote when there is one.
pub fn format_when(w: &When, zone_label: Option<&str>) -> String {
    if w.date_only {
        return w.datetime.date().to_string();
    }
    let base = w.datetime.strftime("%Y-%m-%d %H:%M").to_string();
    match (zone_label, w.offset) {
        (Some(label), _) => format!("{base} {label}"),
        (None, Some(off)) => {
            let s = w.to_string();
            let _ = off;
            format!("{base} {}", &s[s.len() - 6..])
        }
        (None, None) => base,
    }
}

pub fn format_impact(p: &Postmortem) -> String {
    let i = &p.record.impact;
    match (i.percent, i.users) {
        (Some(pc), Some(u)) => format!("{} of users ({} users)", format_percent(pc), group_thousands(u)),
        (Some(pc), None) => format!("{} of users", format_percent(pc)),
        (None, Some(u)) => format!("{} users", group_thousands(u)),
        (None, None) => String::new(),
    }
}

fn format_percent(p: f64) -> String {
    if (p - p.round()).abs() < 1e-9 {
        format!("{}%", p.round() as i64)
    } else {
        format!("{p:.1}%")
    }
}

pub fn group_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn term(name: &str) -> TermLink {
    let slug = crate::slug::slugify(name);
    TermLink {
        name: name.to_string(),
        slug: if slug.is_empty() { "other".into() } else { slug },
    }
}

impl IncidentRow {
    pub fn new(p: &Postmortem, config: &Config) -> Self {
        let r = &p.record;
        IncidentRow {
            slug: p.slug.clone(),
            url: format!("incidents/{}/", p.slug),
            title: p.title.clone(),
            date: r.start.map(|s| s.datetime.date().to_string()).unwrap_or_default(),
            start_epoch: r.start.map(|s| s.epoch_seconds()).unwrap_or(0),
            year: r.start.map(|s| s.year()),
            duration_minutes: r.duration_minutes,
            duration_display: r.duration_minutes.map(format_minutes).unwrap_or_default(),
            impact_percent: r.impact.percent,
            impact_display: format_impact(p),
            category: r.root_cause.category.as_ref().map(|c| TermLink {
                name: config
                    .category(c)
                    .map(|c| c.display_name())
                    .unwrap_or_else(|| c.clone()),
                slug: c.clone(),
            }),
            services: r.all_services().iter().map(|s| term(s)).collect(),
            severity: r.severity.clone(),
            severity_slug: r.severity.as_deref().map(crate::slug::slugify),
            draft: p.draft,
        }
    }
}

/// The parts of an [`IncidentView`] that only some themes show: each is built, and handed
/// to the template, only when the theme's templates name it ([`Theme::names`]). The default
/// theme names neither; building them, copying them into tera's context and freeing them
/// again cost a 10k build ~2.5 % of its CPU time (five alternating runs each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentExtras {
    pub timeline: bool,
    pub action_items: bool,
}

impl IncidentExtras {
    pub fn named_by(theme: &Theme) -> IncidentExtras {
        IncidentExtras {
            timeline: theme.names("timeline"),
            action_items: theme.names("action_items"),
        }
    }
}

impl<'a> IncidentView<'a> {
    pub fn new(p: &'a Postmortem, config: &Config, extras: IncidentExtras) -> Self {
        let r = &p.record;
        let row = IncidentRow::new(p, config);
        let zone = r.timezone.as_deref();
        let mut card = Vec::new();
        let mut field = |key: &str, label: &str, value: String, prov_key: &str| {
            if value.is_empty() {
                return;
            }
            let prov: Option<&Provenance> = r.provenance_of(prov_key);
            card.push(CardField {
                key: key.to_string(),
                label: label.to_string(),
                value,
                provenance: prov.map(Provenance::describe),
                source: prov.map(|p| p.source.as_str().to_string()),
            });
        };
        field(
            "start",
            "Start",
            r.start.map(|w| format_when(&w, zone)).unwrap_or_default(),
            "start",
        );
        field(
            "end",
            "End",
            r.end.map(|w| format_when(&w, zone)).unwrap_or_default(),
            "end",
        );
        let dur_key = if r.provenance.contains_key("duration_minutes") {
            "duration_minutes"
        } else {
            "stated_duration_minutes"
        };
        let mut duration = row.duration_display.clone();
        if let (Some(stated), Some(actual)) = (r.stated_duration_minutes, r.duration_minutes) {
            if stated != actual {
                duration = format!("{duration} (text says {})", format_minutes(stated));
            }
        }
        field("duration", "Duration", duration, dur_key);
        let impact_key = if r.provenance.contains_key("impact.percent") {
            "impact.percent"
        } else {
            "impact.users"
        };
        field("impact", "Impact", row.impact_display.clone(), impact_key);
        field(
            "impact_summary",
            "Impact summary",
            r.impact.summary.clone().unwrap_or_default(),
            "impact.summary",
        );
        field(
            "services",
            "Services",
            r.all_services().join(", "),
            if r.provenance.contains_key("services") {
                "services"
            } else {
                "impact.services"
            },
        );
        field(
            "category",
            "Root cause",
            row.category.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
            "root_cause.category",
        );
        field(
            "severity",
            "Severity",
            r.severity.clone().unwrap_or_default(),
            "severity",
        );
        field(
            "detection",
            "Detection",
            r.detection.clone().unwrap_or_default(),
            "detection",
        );
        field("status", "Status", r.status.clone().unwrap_or_default(), "status");
        IncidentView {
            path: &p.path,
            card,
            root_cause: r.root_cause.summary.as_deref(),
            body_html: p.body_html.text(),
            toc: &p.toc,
            timeline: extras.timeline.then(|| {
                r.timeline
                    .iter()
                    .map(|e| TimelineView {
                        time: e
                            .at
                            .map(|w| format_when(&w, zone))
                            .unwrap_or_else(|| e.time_text.clone()),
                        text: e.text.clone(),
                    })
                    .collect()
            }),
            action_items: extras
                .action_items
                .then(|| r.action_items.iter().map(|a| a.text.clone()).collect()),
            tags: r.tags.iter().map(|t| term(t)).collect(),
            authors: &r.authors,
            diagnostics: &p.diagnostics,
            row,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_person_writes_them() {
        assert_eq!(format_minutes(47), "47 min");
        assert_eq!(format_minutes(120), "2 h");
        assert_eq!(format_minutes(150), "2 h 30 min");
        assert_eq!(format_minutes(1980), "1 d 9 h");
        assert_eq!(format_minutes(2880), "2 d");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(50000), "50,000");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1234567), "1,234,567");
    }
}

//! The stable JSON form of a postmortem record, shared by `incidex inspect --json` and the
//! site's `archive.json` export. Field names and shapes here are a public interface
//! (documented in README); add fields, never rename or remove them.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Impact, Postmortem, Provenance, RootCause, When};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
pub struct RecordJson<'a> {
    pub path: &'a str,
    pub slug: &'a str,
    pub title: Option<&'a str>,
    pub start: Option<When>,
    pub end: Option<When>,
    pub timezone: Option<&'a str>,
    pub duration_minutes: Option<i64>,
    pub stated_duration_minutes: Option<i64>,
    pub impact: &'a Impact,
    pub root_cause: &'a RootCause,
    pub contributing_factors: &'a [String],
    pub severity: Option<&'a str>,
    pub services: Vec<String>,
    pub detection: Option<&'a str>,
    pub resolution: Option<&'a str>,
    pub timeline: Vec<TimelineJson<'a>>,
    pub action_items: Vec<ActionJson<'a>>,
    pub lessons: &'a [String],
    pub tags: &'a [String],
    pub authors: &'a [String],
    pub status: Option<&'a str>,
    pub draft: bool,
    pub provenance: &'a BTreeMap<std::borrow::Cow<'static, str>, Provenance>,
    pub diagnostics: Vec<DiagnosticJson<'a>>,
    /// Absolute page URL; present in archive.json, absent from inspect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct TimelineJson<'a> {
    pub at: Option<When>,
    pub time: &'a str,
    pub text: &'a str,
    pub line: u32,
}

#[derive(Debug, Serialize)]
pub struct ActionJson<'a> {
    pub text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done: Option<bool>,
    pub line: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct DiagnosticJson<'a> {
    pub severity: Severity,
    pub code: &'a str,
    pub line: Option<u32>,
    pub message: &'a str,
}

impl<'a> RecordJson<'a> {
    pub fn new(p: &'a Postmortem, url: Option<String>) -> Self {
        let r = &p.record;
        RecordJson {
            path: &p.path,
            slug: &p.slug,
            title: r.title.as_deref(),
            start: r.start,
            end: r.end,
            timezone: r.timezone.as_deref(),
            duration_minutes: r.duration_minutes,
            stated_duration_minutes: r.stated_duration_minutes,
            impact: &r.impact,
            root_cause: &r.root_cause,
            contributing_factors: &r.contributing_factors,
            severity: r.severity.as_deref(),
            services: r.all_services(),
            detection: r.detection.as_deref(),
            resolution: r.resolution.as_deref(),
            timeline: r
                .timeline
                .iter()
                .map(|e| TimelineJson {
                    at: e.at,
                    time: &e.time_text,
                    text: &e.text,
                    line: e.line,
                })
                .collect(),
            action_items: r
                .action_items
                .iter()
                .map(|a| ActionJson {
                    text: &a.text,
                    done: a.done,
                    line: a.line,
                })
                .collect(),
            lessons: &r.lessons,
            tags: &r.tags,
            authors: &r.authors,
            status: r.status.as_deref(),
            draft: p.draft,
            provenance: &r.provenance,
            diagnostics: p.diagnostics.iter().map(DiagnosticJson::from).collect(),
            url,
        }
    }
}

impl<'a> From<&'a Diagnostic> for DiagnosticJson<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        DiagnosticJson {
            severity: d.severity,
            code: d.code,
            line: d.line,
            message: &d.message,
        }
    }
}

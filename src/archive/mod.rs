//! Archive: the whole set of postmortems, ordered, with the aggregates the site shows.
//!
//! Owns cross-postmortem facts: ordering, slug uniqueness, counts per category, service,
//! year, severity and tag. It receives finished `Postmortem`s and never re-reads files.
//!
//! Submodules compute the archive-level aggregates, each in one pass or a sort (never a
//! comparison of every pair of incidents): [`stats`] (quantiles, ECDF, log bins),
//! [`groups`] (incidents per category, service, year, severity, tag, and why some are
//! unclassified), [`trends`] (time buckets and rolling duration statistics), [`similar`]
//! (related incidents) and [`quality`] (which postmortems lack which fields). They return
//! numbers and indices into [`Archive::postmortems`]; presentation is `render`'s job.

pub mod groups;
pub mod quality;
pub mod similar;
pub mod stats;
pub mod trends;

use crate::diagnostic::Diagnostic;
use crate::model::{Postmortem, Record};
use std::collections::{BTreeMap, HashMap};

/// All postmortems of a site, newest first.
#[derive(Debug, Clone, Default)]
pub struct Archive {
    pub postmortems: Vec<Postmortem>,
    /// Archive-wide findings (duplicate slugs).
    pub diagnostics: Vec<Diagnostic>,
}

impl Archive {
    /// Order the postmortems and drop the later of any two that share a slug (an error that
    /// names both files; the earlier path keeps its URL so links stay stable).
    pub fn new(mut postmortems: Vec<Postmortem>) -> Archive {
        postmortems.sort_by(|a, b| a.path.cmp(&b.path));
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut diagnostics = Vec::new();
        postmortems.retain(|p| match seen.get(&p.slug) {
            Some(first) => {
                diagnostics.push(
                    Diagnostic::error(
                        "duplicate-slug",
                        p.path.clone(),
                        format!(
                            "slug {:?} is already used by {first}; this file was left out of the site",
                            p.slug
                        ),
                    )
                    .with_hint("give one of them a different file name or a `slug:` in front matter"),
                );
                false
            }
            None => {
                seen.insert(p.slug.clone(), p.path.clone());
                true
            }
        });
        postmortems.sort_by(|a, b| a.chronological_key().cmp(&b.chronological_key()));
        Archive {
            postmortems,
            diagnostics,
        }
    }

    pub fn len(&self) -> usize {
        self.postmortems.len()
    }

    pub fn is_empty(&self) -> bool {
        self.postmortems.is_empty()
    }

    /// Incidents per root-cause category slug (`None` = unclassified), for the home page.
    pub fn count_by_category(&self) -> BTreeMap<Option<String>, usize> {
        let mut out = BTreeMap::new();
        for p in &self.postmortems {
            *out.entry(p.record.root_cause.category.clone()).or_insert(0) += 1;
        }
        out
    }
}

/// The duration the archive's statistics use, in minutes: the computed `duration_minutes`,
/// else the stated duration, else end − start when both are known and in order.
pub fn duration_of(record: &Record) -> Option<i64> {
    record
        .duration_minutes
        .or(record.stated_duration_minutes)
        .or_else(|| match (record.start, record.end) {
            (Some(s), Some(e)) => Some(s.minutes_until(&e)).filter(|m| *m >= 0),
            _ => None,
        })
        .filter(|m| *m >= 0)
}

/// The impact the statistics use: the share of users affected, in percent.
pub fn impact_of(record: &Record) -> Option<f64> {
    record.impact.percent.filter(|p| p.is_finite())
}

#[cfg(test)]
pub(crate) mod testing {
    //! Postmortems built in code, for the archive and render unit tests.
    use crate::model::{Postmortem, Record, When};

    pub struct Pm {
        pub slug: &'static str,
        pub date: Option<(i16, i8, i8)>,
        pub minutes: Option<i64>,
        pub category: Option<&'static str>,
        pub services: &'static [&'static str],
        pub tags: &'static [&'static str],
        pub severity: Option<&'static str>,
        pub impact: Option<f64>,
    }

    impl Default for Pm {
        fn default() -> Self {
            Pm {
                slug: "x",
                date: None,
                minutes: None,
                category: None,
                services: &[],
                tags: &[],
                severity: None,
                impact: None,
            }
        }
    }

    pub fn pm(spec: Pm) -> Postmortem {
        let mut record = Record {
            title: Some(format!("Incident {}", spec.slug)),
            start: spec.date.map(|(y, m, d)| {
                When::new(
                    jiff::civil::date(y, m, d).at(10, 0, 0, 0),
                    Some(jiff::tz::Offset::UTC),
                )
            }),
            duration_minutes: spec.minutes,
            severity: spec.severity.map(str::to_string),
            services: spec.services.iter().map(|s| s.to_string()).collect(),
            tags: spec.tags.iter().map(|s| s.to_string()).collect(),
            ..Record::default()
        };
        record.root_cause.category = spec.category.map(str::to_string);
        record.impact.percent = spec.impact;
        Postmortem {
            path: format!("{}.md", spec.slug),
            slug: spec.slug.to_string(),
            title: format!("Incident {}", spec.slug),
            draft: false,
            record,
            body_html: Default::default(),
            toc: Vec::new(),
            plain_text: Default::default(),
            extra: Default::default(),
            diagnostics: Vec::new(),
        }
    }
}

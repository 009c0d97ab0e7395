//! Search: full-text search over the archive, twice over from one definition.
//!
//! - [`index`] builds and keeps fresh a tantivy index beside the site output
//!   (`.incidex/search-index/<output name>/`), used by `incidex search` (and later `serve`).
//! - [`query`] turns what a person types into a tantivy query (phrases, typo and prefix
//!   forgiveness, facet and date filters, sorts) and returns hits with highlighted snippets.
//! - [`static_index`] writes the same index, sharded and compact, into the site so the
//!   default theme's `search.js` can search on any static host.
//! - [`tokenize`] is the one tokeniser both sides use.
//!
//! This module reads finished [`Postmortem`]s (via [`SearchDoc`]); it never parses files
//! and never writes into the site folder itself (static index files are returned as
//! [`crate::output::OutputFile`]s for `output` to write).

pub mod index;
pub mod query;
pub mod static_index;
pub mod tokenize;

use crate::config::Config;
use crate::model::Postmortem;
use crate::render::views::IncidentRow;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index {path}: {source}")]
    Tantivy {
        path: PathBuf,
        source: tantivy::TantivyError,
    },
    #[error("search index {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("search index {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// A facet value: the slug used in filters and URLs, and the name shown.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct FacetValue {
    pub slug: String,
    pub name: String,
}

/// What search knows of one postmortem: plain data built once from the archive, in
/// archive order (`ord` 0 is the newest; undated ones come last).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SearchDoc {
    pub ord: u32,
    /// Relative to the site root: `incidents/<slug>/`.
    pub url: String,
    pub title: String,
    /// The root-cause sentence, when known.
    pub summary: String,
    /// The body as plain text.
    pub body: String,
    pub category: Option<FacetValue>,
    pub services: Vec<FacetValue>,
    pub severity: Option<FacetValue>,
    pub tags: Vec<FacetValue>,
    pub year: Option<i16>,
    /// `YYYY-MM-DD`, or empty when undated.
    pub date: String,
    pub start_epoch: Option<i64>,
    pub duration_minutes: Option<i64>,
    pub duration_display: String,
    pub impact_percent: Option<f64>,
    pub impact_display: String,
}

impl SearchDoc {
    /// One document per postmortem, in the order given (the archive's order).
    pub fn all(postmortems: &[Postmortem], config: &Config) -> Vec<SearchDoc> {
        postmortems
            .iter()
            .enumerate()
            .map(|(i, p)| SearchDoc::new(i as u32, p, config))
            .collect()
    }

    /// [`SearchDoc::all`], consuming the postmortems: each is freed as soon as its
    /// document is made. `build` indexes last, when the pages are written, so the archive is
    /// no longer needed.
    pub fn from_postmortems(postmortems: Vec<Postmortem>, config: &Config) -> Vec<SearchDoc> {
        use rayon::prelude::*;
        postmortems
            .into_par_iter()
            .enumerate()
            .map(|(i, p)| SearchDoc::new(i as u32, &p, config))
            .collect()
    }

    pub fn new(ord: u32, p: &Postmortem, config: &Config) -> SearchDoc {
        let row = IncidentRow::new(p, config);
        let facet = |t: &crate::render::views::TermLink| FacetValue {
            slug: t.slug.clone(),
            name: t.name.clone(),
        };
        let named = |s: &str| {
            let t = crate::render::views::term(s);
            FacetValue {
                slug: t.slug,
                name: t.name,
            }
        };
        // Until extraction derives it, a stated duration stands in for end − start.
        let duration_minutes = p.record.duration_minutes.or(p.record.stated_duration_minutes);
        let mut services: Vec<FacetValue> = row.services.iter().map(facet).collect();
        services.dedup_by(|a, b| a.slug == b.slug);
        SearchDoc {
            ord,
            url: row.url.clone(),
            title: p.title.clone(),
            summary: p.record.root_cause.summary.clone().unwrap_or_default(),
            body: p.plain_text.text().into_owned(),
            category: row.category.as_ref().map(facet),
            services,
            severity: row.severity.as_deref().map(named),
            tags: p.record.tags.iter().map(|t| named(t)).collect(),
            year: row.year,
            date: row.date.clone(),
            start_epoch: p.record.start.map(|w| w.epoch_seconds()),
            duration_minutes,
            duration_display: duration_minutes
                .map(crate::render::views::format_minutes)
                .unwrap_or_default(),
            impact_percent: row.impact_percent,
            impact_display: row.impact_display.clone(),
        }
    }

    /// Services, tags and category names: searchable words that may not be in the body.
    pub fn keywords(&self) -> String {
        let mut words: Vec<&str> = Vec::new();
        words.extend(self.category.iter().map(|c| c.name.as_str()));
        words.extend(self.services.iter().map(|s| s.name.as_str()));
        words.extend(self.tags.iter().map(|t| t.name.as_str()));
        words.join(" \n ")
    }
}

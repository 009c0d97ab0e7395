//! `GET /api/search`: the tantivy index answering queries while `serve` runs, so the
//! site's search page gets phrase queries and tantivy's ranking instead of the static index.
//!
//! Owns the query-string contract (bad parameters → 400 with a message) and keeping the
//! index current. The index is brought up to date lazily: the first query after a rebuild
//! loads the archive (`site::load`, exactly what `build` sees) and calls
//! `search::index::ensure`, which reuses the on-disk index while the documents' hash is
//! unchanged. Rebuilds on save therefore never pay for indexing; only a search does.

use crate::config::Config;
use crate::search::index::{self, SearchIndex};
use crate::search::query::{self, FacetColumns, Facets, Filters, Request, Results, Sort};
use crate::search::SearchDoc;
use crate::site::{self, LoadOptions};
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// Where the index lives and what it is built from.
pub struct SearchApi {
    pub content: PathBuf,
    pub config: PathBuf,
    pub config_required: bool,
    pub include_drafts: bool,
    pub today: jiff::civil::Date,
    /// The tantivy index folder (beside `--output` when given, else in the temp folder).
    pub index_dir: PathBuf,
    /// The site generation the index was brought up to date for, the index, and the
    /// documents' facet values for counting.
    current: Mutex<Option<(String, SearchIndex, FacetColumns)>>,
}

/// What the endpoint answers: the `incidex search --json` shape (hits with `[start, end)`
/// character highlights) plus `facets`, `{kind: [[slug, name, count], ...]}` for category,
/// service, severity and year: the shape the static index gives `search.js`, so the search
/// page shows facets the same way from either.
#[derive(Serialize)]
pub struct Answer {
    #[serde(flatten)]
    pub results: Results,
    pub facets: Facets,
}

/// A request the endpoint refuses, with the message sent back (status 400).
#[derive(Debug, PartialEq, Eq)]
pub struct BadRequest(pub String);

/// The endpoint's path.
pub const PATH: &str = "/api/search";

/// Added to served pages: `search.js` asks this endpoint first when the tag is present.
pub const META_TAG: &str = "<meta name=\"incidex-search-api\" content=\"/api/search\">";

/// Most results one request may ask for.
pub const MAX_LIMIT: usize = 500;

/// Parse the query string's parameters into a search request.
pub fn request(params: &HashMap<String, String>) -> Result<Request, BadRequest> {
    let known = [
        "q", "category", "service", "severity", "year", "since", "until", "sort", "limit",
    ];
    if let Some(k) = params.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(BadRequest(format!(
            "unknown parameter {k:?}; known: {}",
            known.join(", ")
        )));
    }
    let text = params.get("q").map(|q| q.trim().to_string()).unwrap_or_default();
    if text.is_empty() {
        return Err(BadRequest("q is required: the words to search for".into()));
    }
    let nonempty = |k: &str| params.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let date = |k: &str| -> Result<Option<jiff::civil::Date>, BadRequest> {
        nonempty(k)
            .map(|v| {
                v.parse()
                    .map_err(|_| BadRequest(format!("{k}={v:?} is not a YYYY-MM-DD date")))
            })
            .transpose()
    };
    let year = nonempty("year")
        .map(|v| {
            v.parse::<i16>()
                .map_err(|_| BadRequest(format!("year={v:?} is not a year")))
        })
        .transpose()?;
    let sort = match nonempty("sort") {
        Some(s) => s.parse::<Sort>().map_err(BadRequest)?,
        None => Sort::Relevance,
    };
    let limit = match nonempty("limit") {
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                return Err(BadRequest(format!(
                    "limit={v:?} must be a number from 1 to {MAX_LIMIT}"
                )))
            }
        },
        None => 10,
    };
    Ok(Request {
        text,
        filters: Filters {
            category: nonempty("category").map(str::to_string),
            service: nonempty("service").map(str::to_string),
            severity: nonempty("severity").map(str::to_string),
            year,
            since: date("since")?,
            until: date("until")?,
        },
        sort,
        limit,
    })
}

/// Where `serve` keeps its tantivy index: beside the output when there is one, else in a
/// folder of the system's temporary folder named after the content folder, so that
/// restarting `serve` on the same archive finds it again.
pub fn index_dir(sources: &super::rebuild::Sources) -> std::path::PathBuf {
    match &sources.output {
        Some(out) => index::default_dir(out),
        None => {
            let abs = site::absolute(&sources.content).unwrap_or_else(|_| sources.content.clone());
            let key = super::snapshot::fnv1a(abs.to_string_lossy().as_bytes());
            std::env::temp_dir()
                .join(format!("incidex-serve-{key:016x}"))
                .join("search-index")
        }
    }
}

impl SearchApi {
    pub fn new(sources: &super::rebuild::Sources) -> SearchApi {
        let index_dir = index_dir(sources);
        SearchApi {
            content: sources.content.clone(),
            config: sources.config.clone(),
            config_required: sources.config_required,
            include_drafts: sources.include_drafts,
            today: sources.today,
            index_dir,
            current: Mutex::new(None),
        }
    }

    /// Answer `req` for the site generation `generation`, refreshing the index first when
    /// the site was rebuilt since the last query. Blocking: call from a blocking task.
    pub fn search(&self, generation: &str, req: &Request) -> Result<Answer, String> {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if current.as_ref().map(|(g, _, _)| g.as_str()) != Some(generation) {
            let config = Config::load(&self.config, self.config_required).map_err(|e| e.to_string())?;
            let opts = LoadOptions {
                config: &config,
                include_drafts: self.include_drafts,
                today: self.today,
            };
            let loaded = site::load(&self.content, &opts).map_err(|e| e.to_string())?;
            let docs = SearchDoc::all(&loaded.archive.postmortems, &config);
            let idx = index::ensure(&self.index_dir, &docs, None).map_err(|e| e.to_string())?;
            *current = Some((generation.to_string(), idx, FacetColumns::new(&docs)));
        }
        let (_, idx, columns) = current.as_ref().ok_or("no index")?;
        let (results, facets) = query::search_faceted(idx, req, columns).map_err(|e| e.to_string())?;
        Ok(Answer { results, facets })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_full_request_parses() {
        let r = request(&params(&[
            ("q", "dns timeout"),
            ("category", "dns"),
            ("since", "2023-01-01"),
            ("sort", "date"),
            ("limit", "5"),
        ]))
        .unwrap();
        assert_eq!(r.text, "dns timeout");
        assert_eq!(r.filters.category.as_deref(), Some("dns"));
        assert_eq!(r.filters.since, Some(jiff::civil::date(2023, 1, 1)));
        assert_eq!(r.sort, Sort::Date);
        assert_eq!(r.limit, 5);
    }

    #[test]
    fn bad_parameters_say_what_is_wrong() {
        for (pairs, needle) in [
            (vec![], "q is required"),
            (vec![("q", "  ")], "q is required"),
            (vec![("q", "x"), ("since", "last week")], "since"),
            (vec![("q", "x"), ("sort", "loudest")], "unknown sort"),
            (vec![("q", "x"), ("limit", "0")], "limit"),
            (vec![("q", "x"), ("limit", "100000")], "limit"),
            (vec![("q", "x"), ("year", "twenty")], "year"),
            (vec![("q", "x"), ("catgory", "dns")], "unknown parameter"),
        ] {
            let err = request(&params(&pairs)).unwrap_err();
            assert!(err.0.contains(needle), "{pairs:?}: {}", err.0);
        }
    }
}

//! Archive: the whole set of postmortems, ordered, with the aggregates the site shows.
//!
//! Owns cross-postmortem facts: ordering, slug uniqueness, counts per category, service,
//! year, severity and tag. It receives finished `Postmortem`s and never re-reads files.

use crate::diagnostic::Diagnostic;
use crate::model::Postmortem;
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

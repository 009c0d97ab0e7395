//! Groups: which incidents belong to each root-cause category, service, year, severity and
//! tag, and why the unclassified ones have no category.
//!
//! One pass over the archive with a hash map per dimension. Members are indices into
//! `Archive::postmortems` and keep its order (newest first). Names are grouped by slug, so
//! "Checkout" and "checkout" are one service, shown with the spelling seen first.

use super::Archive;
use crate::config::Config;
use crate::model::Postmortem;
use crate::slug::slugify;
use std::collections::HashMap;

/// One page's worth of incidents: a category, a service, a year, a severity or a tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// URL segment (`database`, `checkout`, `2023`, `sev1`).
    pub slug: String,
    /// Display name (taxonomy name, or the first spelling seen).
    pub name: String,
    /// Indices into `Archive::postmortems`, newest first.
    pub members: Vec<usize>,
}

/// An incident without a category, and what the author can do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclassified {
    pub index: usize,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct Groups {
    /// Taxonomy categories that have incidents, most incidents first.
    pub categories: Vec<Group>,
    pub unclassified: Vec<Unclassified>,
    /// Alphabetical by slug.
    pub services: Vec<Group>,
    /// Newest year first.
    pub years: Vec<Group>,
    /// By slug (`sev1` before `sev2`).
    pub severities: Vec<Group>,
    /// Alphabetical by slug.
    pub tags: Vec<Group>,
}

/// Collects members per slug in first-seen order of slugs.
#[derive(Default)]
struct Collector {
    at: HashMap<String, usize>,
    groups: Vec<Group>,
}

impl Collector {
    fn add(&mut self, slug: String, name: impl FnOnce() -> String, index: usize) {
        if slug.is_empty() {
            return;
        }
        match self.at.get(&slug) {
            Some(&g) => {
                // A record naming the same service twice ("API", "api") counts once.
                if self.groups[g].members.last() != Some(&index) {
                    self.groups[g].members.push(index);
                }
            }
            None => {
                self.at.insert(slug.clone(), self.groups.len());
                self.groups.push(Group {
                    slug,
                    name: name(),
                    members: vec![index],
                });
            }
        }
    }

    fn sorted_by_slug(mut self) -> Vec<Group> {
        self.groups.sort_by(|a, b| a.slug.cmp(&b.slug));
        self.groups
    }
}

impl Groups {
    pub fn new(archive: &Archive, config: &Config) -> Groups {
        let mut categories = Collector::default();
        let mut services = Collector::default();
        let mut years = Collector::default();
        let mut severities = Collector::default();
        let mut tags = Collector::default();
        let mut unclassified = Vec::new();
        for (i, p) in archive.postmortems.iter().enumerate() {
            let r = &p.record;
            match &r.root_cause.category {
                Some(c) => categories.add(
                    c.clone(),
                    || {
                        config
                            .category(c)
                            .map(|c| c.display_name())
                            .unwrap_or_else(|| c.clone())
                    },
                    i,
                ),
                None => unclassified.push(Unclassified {
                    index: i,
                    reason: unclassified_reason(p),
                }),
            }
            for s in r.all_services() {
                services.add(slugify(&s), || s.clone(), i);
            }
            if let Some(start) = r.start {
                let y = start.year().to_string();
                years.add(y.clone(), || y, i);
            }
            if let Some(s) = &r.severity {
                severities.add(slugify(s), || s.clone(), i);
            }
            for t in &r.tags {
                tags.add(slugify(t), || t.clone(), i);
            }
        }
        let mut categories = categories.groups;
        categories.sort_by(|a, b| {
            b.members
                .len()
                .cmp(&a.members.len())
                .then_with(|| a.slug.cmp(&b.slug))
        });
        let mut years = years.groups;
        years.sort_by(|a, b| b.slug.cmp(&a.slug));
        Groups {
            categories,
            unclassified,
            services: services.sorted_by_slug(),
            years,
            severities: severities.sorted_by_slug(),
            tags: tags.sorted_by_slug(),
        }
    }
}

/// Why `p` has no category, phrased as what to fix.
pub fn unclassified_reason(p: &Postmortem) -> String {
    if let Some(d) = p.diagnostics.iter().find(|d| d.code.contains("category")) {
        let mut reason = d.message.clone();
        if let Some(h) = &d.hint {
            reason.push_str(&format!(" ({h})"));
        }
        return reason;
    }
    match &p.record.root_cause.summary {
        Some(_) => "the root-cause text matches no taxonomy category; set `root_cause.category` in front \
                    matter or add a phrase to the taxonomy in incidex.yaml"
            .to_string(),
        None => "no root cause found: no `root_cause` in front matter and no root-cause section in the text"
            .to_string(),
    }
}

/// Contributing factors named by the given incidents, most frequent first (ties by name),
/// compared case-insensitively; each incident counts a factor once.
pub fn factor_counts(archive: &Archive, members: &[usize]) -> Vec<(String, usize)> {
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<(String, usize)> = Vec::new();
    for &i in members {
        let mut seen: Vec<String> = Vec::new();
        for f in &archive.postmortems[i].record.contributing_factors {
            let key = f.trim().to_lowercase();
            if key.is_empty() || seen.contains(&key) {
                continue;
            }
            seen.push(key.clone());
            match at.get(&key) {
                Some(&k) => out[k].1 += 1,
                None => {
                    at.insert(key, out.len());
                    out.push((f.trim().to_string(), 1));
                }
            }
        }
    }
    out.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| a.0.to_lowercase().cmp(&b.0.to_lowercase()))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::testing::{pm, Pm};
    use crate::diagnostic::Diagnostic;

    fn names(archive: &Archive, g: &Group) -> Vec<String> {
        g.members
            .iter()
            .map(|&i| archive.postmortems[i].slug.clone())
            .collect()
    }

    #[test]
    fn incidents_land_in_exactly_their_groups() {
        let archive = Archive::new(vec![
            pm(Pm {
                slug: "a",
                date: Some((2022, 3, 1)),
                category: Some("database"),
                services: &["Checkout", "api"],
                tags: &["db"],
                severity: Some("SEV1"),
                ..Pm::default()
            }),
            pm(Pm {
                slug: "b",
                date: Some((2023, 5, 1)),
                category: Some("database"),
                services: &["checkout", "API"],
                severity: Some("sev1"),
                ..Pm::default()
            }),
            pm(Pm {
                slug: "c",
                date: Some((2023, 1, 1)),
                category: Some("dns"),
                tags: &["db", "edge"],
                ..Pm::default()
            }),
            pm(Pm {
                slug: "d",
                ..Pm::default()
            }),
        ]);
        let g = Groups::new(&archive, &Config::default());
        let cat: Vec<(String, Vec<String>)> = g
            .categories
            .iter()
            .map(|c| (c.slug.clone(), names(&archive, c)))
            .collect();
        assert_eq!(
            cat,
            vec![
                ("database".into(), vec!["b".into(), "a".into()]),
                ("dns".into(), vec!["c".into()])
            ]
        );
        assert_eq!(g.categories[0].name, "Database");
        let svc: Vec<(String, String, Vec<String>)> = g
            .services
            .iter()
            .map(|s| (s.slug.clone(), s.name.clone(), names(&archive, s)))
            .collect();
        assert_eq!(
            svc,
            vec![
                ("api".into(), "API".into(), vec!["b".into(), "a".into()]),
                ("checkout".into(), "checkout".into(), vec!["b".into(), "a".into()]),
            ]
        );
        let years: Vec<(String, Vec<String>)> = g
            .years
            .iter()
            .map(|y| (y.slug.clone(), names(&archive, y)))
            .collect();
        assert_eq!(
            years,
            vec![
                ("2023".into(), vec!["b".into(), "c".into()]),
                ("2022".into(), vec!["a".into()])
            ]
        );
        assert_eq!(g.severities.len(), 1, "SEV1 and sev1 are one severity");
        assert_eq!(names(&archive, &g.severities[0]), vec!["b", "a"]);
        assert_eq!(names(&archive, &g.tags[0]), vec!["c", "a"]);
        assert_eq!(g.unclassified.len(), 1);
        assert_eq!(archive.postmortems[g.unclassified[0].index].slug, "d");
        assert!(g.unclassified[0].reason.contains("no root cause found"));
    }

    #[test]
    fn unclassified_reason_repeats_the_diagnostic() {
        let mut p = pm(Pm::default());
        p.diagnostics.push(
            Diagnostic::warning(
                "unknown-category",
                "x.md",
                "root cause category \"cosmic-rays\" is not in the taxonomy",
            )
            .with_hint("use one of: dns"),
        );
        let r = unclassified_reason(&p);
        assert!(r.contains("cosmic-rays") && r.contains("use one of: dns"), "{r}");
        let mut p = pm(Pm::default());
        p.record.root_cause.summary = Some("gremlins".into());
        assert!(unclassified_reason(&p).contains("matches no taxonomy category"));
    }

    #[test]
    fn factors_count_once_per_incident() {
        let mut a = pm(Pm {
            slug: "a",
            ..Pm::default()
        });
        a.record.contributing_factors = vec!["No alert".into(), "no alert".into(), "Stale runbook".into()];
        let mut b = pm(Pm {
            slug: "b",
            ..Pm::default()
        });
        b.record.contributing_factors = vec!["NO ALERT".into()];
        let archive = Archive::new(vec![a, b]);
        assert_eq!(
            factor_counts(&archive, &[0, 1]),
            vec![("No alert".to_string(), 2), ("Stale runbook".to_string(), 1)]
        );
    }
}

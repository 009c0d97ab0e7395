//! Similar incidents: for each postmortem, the few others most like it — same root-cause
//! category, shared services and tags, nearest in time.
//!
//! Not quadratic: candidates are only the `NEIGHBOURS` incidents on either side of it in
//! each of its category and service groups (which are ordered by time), so the cost is
//! O(n · groups per incident · NEIGHBOURS). Text similarity is not used yet.

use super::groups::Groups;
use super::Archive;
use crate::slug::slugify;
use std::collections::HashMap;

/// How far to look along a group, each side.
const NEIGHBOURS: usize = 8;
/// How many similar incidents to keep per postmortem.
pub const KEEP: usize = 5;

/// `similar[i]` lists indices of incidents similar to `archive.postmortems[i]`, best first.
pub fn similar(archive: &Archive, groups: &Groups) -> Vec<Vec<usize>> {
    // Position of each incident within each group it belongs to.
    let mut memberships: Vec<Vec<(&[usize], usize)>> = vec![Vec::new(); archive.len()];
    for g in groups.categories.iter().chain(groups.services.iter()) {
        for (pos, &i) in g.members.iter().enumerate() {
            memberships[i].push((&g.members, pos));
        }
    }
    let service_slugs: Vec<Vec<String>> = archive
        .postmortems
        .iter()
        .map(|p| p.record.all_services().iter().map(|s| slugify(s)).collect())
        .collect();
    let tag_slugs: Vec<Vec<String>> = archive
        .postmortems
        .iter()
        .map(|p| p.record.tags.iter().map(|t| slugify(t)).collect())
        .collect();
    let epoch: Vec<Option<i64>> = archive
        .postmortems
        .iter()
        .map(|p| p.record.start.map(|s| s.epoch_seconds()))
        .collect();

    (0..archive.len())
        .map(|i| {
            let mut scores: HashMap<usize, f64> = HashMap::new();
            for &(members, pos) in &memberships[i] {
                let lo = pos.saturating_sub(NEIGHBOURS);
                let hi = (pos + NEIGHBOURS + 1).min(members.len());
                for &j in &members[lo..hi] {
                    if j == i || scores.contains_key(&j) {
                        continue;
                    }
                    let a = &archive.postmortems[i].record;
                    let b = &archive.postmortems[j].record;
                    let mut score = 0.0;
                    if a.root_cause.category.is_some() && a.root_cause.category == b.root_cause.category {
                        score += 3.0;
                    }
                    score += 2.0 * jaccard(&service_slugs[i], &service_slugs[j]);
                    score += jaccard(&tag_slugs[i], &tag_slugs[j]);
                    if let (Some(x), Some(y)) = (epoch[i], epoch[j]) {
                        let days = (x - y).abs() as f64 / 86_400.0;
                        score += 1.0 / (1.0 + days / 90.0);
                    }
                    scores.insert(j, score);
                }
            }
            let mut ranked: Vec<(usize, f64)> = scores.into_iter().collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            ranked.into_iter().take(KEEP).map(|(j, _)| j).collect()
        })
        .collect()
}

fn jaccard(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|x| b.contains(x)).count();
    let union = a.len() + b.len() - shared;
    shared as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::testing::{pm, Pm};
    use crate::config::Config;

    #[test]
    fn same_category_and_service_nearest_in_time_ranks_first() {
        let archive = Archive::new(vec![
            pm(Pm {
                slug: "target",
                date: Some((2023, 6, 1)),
                category: Some("database"),
                services: &["checkout"],
                ..Pm::default()
            }),
            pm(Pm {
                slug: "same-both-near",
                date: Some((2023, 5, 20)),
                category: Some("database"),
                services: &["checkout"],
                ..Pm::default()
            }),
            pm(Pm {
                slug: "same-both-far",
                date: Some((2019, 1, 1)),
                category: Some("database"),
                services: &["checkout"],
                ..Pm::default()
            }),
            pm(Pm {
                slug: "category-only",
                date: Some((2023, 6, 2)),
                category: Some("database"),
                services: &["search"],
                ..Pm::default()
            }),
            pm(Pm {
                slug: "service-only",
                date: Some((2023, 6, 2)),
                category: Some("dns"),
                services: &["checkout"],
                ..Pm::default()
            }),
            pm(Pm {
                slug: "unrelated",
                date: Some((2023, 6, 1)),
                category: Some("dns"),
                services: &["search"],
                ..Pm::default()
            }),
        ]);
        let groups = Groups::new(&archive, &Config::default());
        let sim = similar(&archive, &groups);
        let t = archive
            .postmortems
            .iter()
            .position(|p| p.slug == "target")
            .unwrap();
        let got: Vec<&str> = sim[t]
            .iter()
            .map(|&j| archive.postmortems[j].slug.as_str())
            .collect();
        assert_eq!(
            got,
            vec!["same-both-near", "same-both-far", "category-only", "service-only"]
        );
    }

    #[test]
    fn an_incident_with_nothing_in_common_has_no_similar_ones() {
        let archive = Archive::new(vec![
            pm(Pm {
                slug: "a",
                ..Pm::default()
            }),
            pm(Pm {
                slug: "b",
                ..Pm::default()
            }),
        ]);
        let sim = similar(&archive, &Groups::new(&archive, &Config::default()));
        assert!(sim.iter().all(Vec::is_empty));
    }
}

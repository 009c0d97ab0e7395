//! Data quality: which postmortems lack which of the fields the archive pages rely on, so
//! an archive can be cleaned up. One pass; reports facts, the page decides how to show them.

use super::{duration_of, Archive};

/// The fields the views use, in the order the data-quality page shows them.
pub const FIELDS: &[(&str, &str)] = &[
    ("start", "Start"),
    ("end", "End"),
    ("duration", "Duration"),
    ("impact", "Impact"),
    ("category", "Root-cause category"),
    ("services", "Services"),
    ("severity", "Severity"),
];

/// One postmortem's missing fields (keys of [`FIELDS`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gaps {
    pub index: usize,
    pub missing: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quality {
    /// For each entry of [`FIELDS`], how many postmortems lack it.
    pub missing_counts: Vec<usize>,
    /// Postmortems that lack at least one field or have a warning or error, in archive order.
    pub gaps: Vec<Gaps>,
    /// Postmortems with every field.
    pub complete: usize,
}

impl Quality {
    pub fn new(archive: &Archive) -> Quality {
        let mut missing_counts = vec![0; FIELDS.len()];
        let mut gaps = Vec::new();
        let mut complete = 0;
        for (i, p) in archive.postmortems.iter().enumerate() {
            let r = &p.record;
            let present = [
                r.start.is_some(),
                r.end.is_some(),
                duration_of(r).is_some(),
                r.impact.percent.is_some() || r.impact.users.is_some(),
                r.root_cause.category.is_some(),
                !r.all_services().is_empty(),
                r.severity.is_some(),
            ];
            let missing: Vec<&'static str> = FIELDS
                .iter()
                .zip(present)
                .enumerate()
                .filter(|(_, (_, ok))| !ok)
                .map(|(k, ((key, _), _))| {
                    missing_counts[k] += 1;
                    *key
                })
                .collect();
            if missing.is_empty() {
                complete += 1;
            }
            let noted = p
                .diagnostics
                .iter()
                .any(|d| d.severity >= crate::diagnostic::Severity::Warning);
            if !missing.is_empty() || noted {
                gaps.push(Gaps { index: i, missing });
            }
        }
        Quality {
            missing_counts,
            gaps,
            complete,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::testing::{pm, Pm};

    #[test]
    fn counts_missing_fields_per_postmortem() {
        let mut full = pm(Pm {
            slug: "full",
            date: Some((2023, 1, 1)),
            minutes: Some(30),
            category: Some("dns"),
            services: &["api"],
            severity: Some("SEV2"),
            impact: Some(5.0),
            ..Pm::default()
        });
        full.record.end = full.record.start;
        let bare = pm(Pm {
            slug: "bare",
            ..Pm::default()
        });
        let q = Quality::new(&Archive::new(vec![full, bare]));
        assert_eq!(q.complete, 1);
        assert_eq!(q.gaps.len(), 1);
        assert_eq!(q.gaps[0].missing.len(), FIELDS.len());
        assert_eq!(q.missing_counts, vec![1; FIELDS.len()]);
    }
}

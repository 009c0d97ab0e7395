//! Front matter keys that look like misspellings of known ones (`sevrity`, `root-cause`):
//! unknown keys are legitimately kept for themes, so only near misses are reported, since
//! a typo there silently empties a field.

use crate::diagnostic::Diagnostic;
use crate::parse::Document;

/// Keys incidex reads (canonical names; aliases such as `started_at` are matched too
/// because they are never reported as near misses of themselves).
const KNOWN: &[&str] = &[
    "title",
    "slug",
    "draft",
    "start",
    "end",
    "duration",
    "timezone",
    "severity",
    "impact",
    "services",
    "root_cause",
    "contributing_factors",
    "tags",
    "authors",
    "status",
    "action_items",
];

/// Edit distance, for short keys only.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The known key `key` was probably meant to be, if any.
pub fn near_miss(key: &str) -> Option<&'static str> {
    let k = key.trim().to_lowercase().replace(['-', ' '], "_");
    if k.chars().count() < 4 || k.chars().count() > 32 {
        return None;
    }
    if let Some(exact) = KNOWN.iter().find(|known| **known == k) {
        return (key != *exact).then_some(*exact);
    }
    KNOWN
        .iter()
        .map(|known| (distance(&k, known), *known))
        .filter(|(d, known)| *d <= if known.len() <= 6 { 1 } else { 2 })
        .min()
        .map(|(_, known)| known)
}

/// File line of a top-level front matter key, found in the file's text.
fn line_of(lines: &[&str], key: &str) -> Option<(u32, u32)> {
    lines.iter().enumerate().skip(1).find_map(|(i, l)| {
        let rest = l.strip_prefix(key).or_else(|| {
            l.strip_prefix('"')
                .and_then(|r| r.strip_prefix(key))
                .and_then(|r| r.strip_prefix('"'))
        })?;
        let rest = rest.trim_start();
        (rest.starts_with(':') || rest.starts_with('=')).then_some((i as u32 + 1, 1))
    })
}

pub fn check(doc: &Document, lines: &[&str]) -> Vec<Diagnostic> {
    let Some(fm) = &doc.front_matter else {
        return Vec::new();
    };
    let header: Vec<&str> = lines
        .iter()
        .take(doc.body_first_line.saturating_sub(1) as usize)
        .copied()
        .collect();
    fm.extra
        .keys()
        .filter_map(|key| near_miss(key).map(|known| (key, known)))
        .map(|(key, known)| {
            let mut d = Diagnostic::warning(
                "unknown-key",
                doc.path.clone(),
                format!("front matter key `{key}` is not one incidex reads; did you mean `{known}`?"),
            )
            .with_hint(format!(
                "rename it to `{known}`; as written, its value is ignored"
            ));
            if let Some((line, col)) = line_of(&header, key) {
                d = d.at(line, col);
            }
            d
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_suggested_and_real_extra_keys_left_alone() {
        assert_eq!(near_miss("sevrity"), Some("severity"));
        assert_eq!(near_miss("root-cause"), Some("root_cause"));
        assert_eq!(near_miss("Title"), Some("title"));
        assert_eq!(near_miss("actionitems"), Some("action_items"));
        for fine in [
            "owner_team",
            "date",
            "layout",
            "runbook",
            "team",
            "summary",
            "state",
        ] {
            assert_eq!(near_miss(fine), None, "{fine}");
        }
    }

    #[test]
    fn the_key_s_line_is_reported() {
        let text = "---\ntitle: x\nsevrity: SEV1\n---\n# x\n";
        let doc = crate::parse::parse("a.md", text.as_bytes(), &|_| None).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let d = check(&doc, &lines);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].line, d[0].code), (Some(3), "unknown-key"));
    }
}

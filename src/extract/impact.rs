//! Impact: share of users affected, number of users, and a one-line summary.
//!
//! A percentage counts only when it is about people or traffic ("35% of our users", "a 30%
//! degradation in user experience"), never CPU or memory figures. "All users" / "all
//! traffic" means 100. The Impact field is read first, then the rest of the prose; the
//! timeline, action items and lessons are not impact statements.

use super::pattern;
use super::sections::{self, Kind, Part};
use crate::model::{Provenance, Record};
use crate::parse::{LineKind, Outline};
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

const WHO: &str = r"(?:users?|customers?|clients?|visitors?|subscribers?|players?|members?|traffic|requests?|sessions?|merchants?|tenants?|shoppers?|buyers?|people|players?)";

static PERCENT: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?i)\b(\d{{1,3}}(?:\.\d+)?)\s*(?:%|\s+percent\b)((?:\s+[\w'’-]+){{0,5}}?\s+(?:of\s+)?(?:[\w'’-]+\s+)?{WHO}\b)?"
    ))
});
static AFFECTING: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)\b(?:affect\w*|impact\w*)\s+(?:approximately\s+|about\s+|around\s+|roughly\s+|nearly\s+|over\s+)?$",
    )
});
static ALL: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)\b(?:all|every)\s+(?:of\s+)?(?:our\s+|the\s+)?(?:users?|customers?|visitors?|(?:inbound\s+|incoming\s+)?traffic)\b",
    )
});
static USERS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)\b(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(k|thousand|million)?\s+(?:active\s+|unique\s+|registered\s+)?(?:users|customers|subscribers)\b",
    )
});

/// A percent of users stated in `text`.
pub fn percent_in(text: &str) -> Option<f64> {
    if !text.contains('%') && !text.to_ascii_lowercase().contains("percent") {
        return None;
    }
    for c in PERCENT.captures_iter(text) {
        let n: f64 = c[1].parse().ok()?;
        let before = &text[..c.get(0).expect("match").start()];
        if (c.get(2).is_some() || AFFECTING.is_match(before)) && (0.0..=100.0).contains(&n) {
            return Some(n);
        }
    }
    None
}

/// "all users" / "all inbound traffic", but not "all customers on the legacy plan".
fn all_of_them(text: &str) -> bool {
    ALL.find_iter(text).any(|m| {
        let next = text[m.end()..].trim_start().to_ascii_lowercase();
        let qualified = [
            "on ", "in ", "of ", "from ", "using ", "with ", "who ", "that ", "whose ", "behind ",
        ]
        .iter()
        .any(|p| next.starts_with(p));
        !qualified
    })
}

/// A number of users stated in `text`.
pub fn users_in(text: &str) -> Option<u64> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let c = USERS.captures(text)?;
    let n: f64 = c[1].replace(',', "").parse().ok()?;
    let factor = match c.get(2).map(|m| m.as_str().to_ascii_lowercase()) {
        Some(s) if s == "k" || s == "thousand" => 1_000.0,
        Some(s) if s == "million" => 1_000_000.0,
        _ => 1.0,
    };
    let v = (n * factor).round();
    (v >= 1.0).then_some(v as u64)
}

/// Fill impact fields front matter left empty.
pub fn apply(outline: &Outline, parts: &[Part], record: &mut Record) {
    let impact_lines: Vec<(u32, String)> = sections::of_kind(parts, Kind::Impact)
        .flat_map(|p| {
            p.texts(outline)
                .map(|(n, t)| (n, t.to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    let skip: HashSet<usize> = parts
        .iter()
        .filter(|p| {
            matches!(
                p.kind,
                Kind::Timeline
                    | Kind::Actions
                    | Kind::Lessons
                    | Kind::Other
                    | Kind::Resolution
                    | Kind::Detection
            )
        })
        .flat_map(|p| p.body.iter().copied())
        .collect();
    let prose: Vec<(u32, String)> = outline
        .lines
        .iter()
        .enumerate()
        .filter(|(i, l)| !skip.contains(i) && !matches!(l.kind, LineKind::Code))
        .map(|(_, l)| (l.number, l.text.clone()))
        .collect();
    let ordered = || impact_lines.iter().chain(prose.iter());

    if record.impact.percent.is_none() {
        let found = ordered()
            .find_map(|(n, t)| percent_in(t).map(|p| (p, *n)))
            .or_else(|| ordered().find_map(|(n, t)| all_of_them(t).then_some((100.0, *n))));
        if let Some((p, line)) = found {
            record.impact.percent = Some(p);
            record.note("impact.percent", Provenance::text(line));
        }
    }
    if record.impact.users.is_none() {
        if let Some((u, line)) = ordered().find_map(|(n, t)| users_in(t).map(|u| (u, *n))) {
            record.impact.users = Some(u);
            record.note("impact.users", Provenance::text(line));
        }
    }
    if record.impact.services.is_empty() && record.services.is_empty() {
        if let Some((line, list)) = sections::of_kind(parts, Kind::Services).find_map(|p| {
            let items: Vec<String> = p
                .texts(outline)
                .flat_map(|(_, t)| t.split([',', ';']).map(str::to_string).collect::<Vec<_>>())
                .flat_map(|t| t.split(" and ").map(str::to_string).collect::<Vec<_>>())
                .map(|t| t.trim().trim_end_matches('.').trim().to_string())
                .filter(|t| {
                    !t.is_empty()
                        && t.split_whitespace().count() <= 4
                        && !super::placeholder::is_placeholder(t)
                })
                .collect();
            (!items.is_empty()).then_some((p.line, items))
        }) {
            record.impact.services = list;
            record.note("impact.services", Provenance::text(line));
        }
    }
    if record.impact.summary.is_none() {
        if let Some((line, t)) = impact_lines
            .iter()
            .find(|(_, t)| t.split_whitespace().count() >= 3)
        {
            record.impact.summary = Some(first_sentence(t));
            record.note("impact.summary", Provenance::text(*line));
        }
    }
}

/// The first sentence of `text`, at most 300 characters.
pub fn first_sentence(text: &str) -> String {
    let t = text.trim();
    let mut end = t.len();
    for (i, _) in t.match_indices(". ") {
        // "approx. 3" or "e.g. x" are not sentence ends
        let word = t[..i].rsplit(' ').next().unwrap_or("");
        if word.len() > 3 && !word.chars().all(|c| c.is_ascii_digit()) {
            end = i + 1;
            break;
        }
    }
    let s = &t[..end];
    if s.chars().count() > 300 {
        let cut: String = s.chars().take(297).collect();
        format!("{}…", cut.trim_end())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::markdown::render;

    #[test]
    fn percent_of_people_not_of_machines() {
        assert_eq!(percent_in("roughly 42% of our customers saw errors"), Some(42.0));
        assert_eq!(percent_in("a 15% drop in user sign-ins"), Some(15.0));
        assert_eq!(percent_in("affecting approximately 7.5% of traffic"), Some(7.5));
        assert_eq!(percent_in("CPU at 91% and memory at 80%."), None);
        assert_eq!(percent_in("12 percent of members"), Some(12.0));
    }

    #[test]
    fn affected_services_from_a_label() {
        let o = render(
            "- **Affected services:** checkout, payments and search\n",
            1,
            &|_| None,
        )
        .outline;
        let ps = sections::parts(&o);
        let mut r = Record::default();
        apply(&o, &ps, &mut r);
        assert_eq!(r.impact.services, vec!["checkout", "payments", "search"]);
    }

    #[test]
    fn users_counted_when_stated() {
        assert_eq!(users_in("about 12,500 users could not pay"), Some(12500));
        assert_eq!(users_in("3k customers"), Some(3000));
        assert_eq!(users_in("80% of users"), None);
        assert_eq!(users_in("415 builds failed"), None);
    }

    #[test]
    fn impact_field_first_then_prose_then_all_users() {
        let md = "# Outage\n\nThe cache used 95% of memory.\n\n**Impact:** Checkout failed for 18% of shoppers' sessions. Support was flooded.\n";
        let o = render(md, 1, &|_| None).outline;
        let ps = sections::parts(&o);
        let mut r = Record::default();
        apply(&o, &ps, &mut r);
        assert_eq!(r.impact.percent, Some(18.0));
        assert_eq!(r.provenance_of("impact.percent").unwrap().line, Some(5));
        assert_eq!(
            r.impact.summary.as_deref(),
            Some("Checkout failed for 18% of shoppers' sessions.")
        );

        let o = render(
            "Every request failed for all users.\n\n## Timeline\n\n- 10:00 50% of users\n",
            1,
            &|_| None,
        )
        .outline;
        let ps = sections::parts(&o);
        let mut r = Record::default();
        apply(&o, &ps, &mut r);
        assert_eq!(r.impact.percent, Some(100.0));
    }
}

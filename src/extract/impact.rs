//! Impact: share of users affected, number of users, and a one-line summary.
//!
//! A percentage counts only when it is about people or traffic ("35% of our users", "a 30%
//! degradation in user experience", "9% of all orders"), never CPU or memory figures. A plain
//! fraction ("roughly half of the requests") is its percent; "most" or "many" is no number.
//! "All users" / "all traffic" means 100. A statement may wrap over source lines of one
//! paragraph and is located on the line where it starts. The Impact field is read first, then the rest of the prose; the
//! timeline, action items and lessons are not impact statements.

use super::pattern;
use super::sections::{self, Kind, Part};
use crate::model::{Provenance, Record};
use crate::parse::{LineKind, Outline};
use regex::Regex;
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
/// Things people do, counted as a share: only right after "of" ("9% of all German orders"),
/// since "a 20% rise in orders" is about demand, not impact.
const DONE: &str =
    r"(?:orders|transactions|payments|bookings|deliveries|checkouts|purchases|logins|sign-ins)";
static PERCENT_OF_DONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(\d{{1,3}}(?:\.\d+)?)\s*(?:%|\s+percent\b)\s+of\s+(?:all\s+)?(?:our\s+|the\s+)?(?:[\w'’-]+\s+){{0,2}}?{DONE}\b"
    ))
    .expect("regex")
});
/// "roughly half of the login requests", "a third of our customers": only fractions that are
/// one number, followed by "of" or a determiner (so "half an hour for users" is not one).
/// "Most", "many" or "a majority" are not a percent and are never read as one.
static FRACTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(half|(?:a|one)\s+third|two[\s-]thirds|(?:a|one)\s+quarter|three[\s-]quarters)\s+(?:of\s+|(?:the|our|its|their)\s+)(?:[\w'’-]+\s+){{0,6}}?(?:{WHO}|{DONE})\b"
    ))
    .expect("regex")
});
/// "less than half of users" bounds the share without stating it (an approximation such as
/// "roughly half" does state it); "the other half of traffic" is the part not affected.
static NOT_A_SHARE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(?:less|fewer|more)\s+than|under|over|up\s+to|at\s+least|at\s+most|first|second|other|latter|top|bottom)\s+(?:the\s+)?$",
    )
    .expect("regex")
});
static ALL: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)\b(?:all|every)\s+(?:of\s+)?(?:our\s+|the\s+)?(?:users?|customers?|visitors?|(?:inbound\s+|incoming\s+)?traffic)\b",
    )
});
const USERS_WORDS: &str = r"(?:users|customers|subscribers)";
static USERS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?i)\b(\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)\s*(k|thousand|million)?\s+(?:active\s+|unique\s+|registered\s+)?{USERS_WORDS}\b"
    ))
});
/// The words [`USERS`] ends with, under the same flags: text without them has no match.
static USERS_WORD: LazyLock<Regex> = LazyLock::new(|| pattern(&format!(r"(?i){USERS_WORDS}")));

/// A percent of users stated in `text`, as digits ("42% of customers", "9% of all orders")
/// or as a plain fraction ("half of the requests").
pub fn percent_in(text: &str) -> Option<f64> {
    percent_at(text).map(|(p, _)| p)
}

/// [`percent_in`] with the byte offset where the statement starts.
fn percent_at(text: &str) -> Option<(f64, usize)> {
    let lower = text.to_ascii_lowercase();
    if !text.contains('%') && !lower.contains("percent") {
        return fraction_at(text, &lower);
    }
    for m in PERCENT.find_iter(text) {
        let (number, about_people) = percent_parts(text, m);
        let n: f64 = number.parse().ok()?;
        let start = m.start();
        if (about_people || AFFECTING.is_match(&text[..start])) && (0.0..=100.0).contains(&n) {
            return Some((n, start));
        }
    }
    if let Some(c) = PERCENT_OF_DONE.captures(text) {
        let n: f64 = c[1].parse().ok()?;
        return (0.0..=100.0)
            .contains(&n)
            .then(|| (n, c.get(0).expect("match").start()));
    }
    fraction_at(text, &lower)
}

/// The groups of `m`, a [`PERCENT`] match in `text`: the number as written, and whether the
/// second group (who the share is of) matched.
///
/// Why not ask the regex: its group engine, run over every match, cost more than finding
/// the matches (the pattern's Unicode word classes keep the fast engines off). For an
/// ASCII match both follow from the text: the number takes every digit and the fraction
/// there is (what follows it, space, `%` or `percent`, is never a digit or a dot), and the
/// second group matched exactly when the match goes on past the `%` or `percent` (it
/// cannot be empty). Other matches ask the regex; `percent_parts_are_the_regex_groups`
/// checks the reading against the regex.
fn percent_parts<'t>(text: &'t str, m: regex::Match<'t>) -> (&'t str, bool) {
    let s = m.as_str();
    if !s.is_ascii() {
        let c = PERCENT
            .captures_at(text, m.start())
            .expect("a match is found from its own start");
        return (c.get(1).expect("number").as_str(), c.get(2).is_some());
    }
    let b = s.as_bytes();
    let digits = |from: usize| from + b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut end = digits(0);
    if b.get(end) == Some(&b'.') {
        end = digits(end + 1);
    }
    let after_space = end
        + b[end..]
            .iter()
            .take_while(|&&c| (c as char).is_whitespace())
            .count();
    let unit_end = after_space
        + if b[after_space] == b'%' {
            1
        } else {
            "percent".len()
        };
    (&s[..end], b.len() > unit_end)
}

/// The share a fraction word states, rounded to one decimal ("a third" → 33.3).
fn fraction_at(text: &str, lower: &str) -> Option<(f64, usize)> {
    if !["half", "third", "quarter"].iter().any(|w| lower.contains(w)) {
        return None;
    }
    FRACTION.captures_iter(text).find_map(|c| {
        let start = c.get(0).expect("match").start();
        if NOT_A_SHARE_BEFORE.is_match(&text[..start]) {
            return None;
        }
        let words = c[1].to_ascii_lowercase();
        let share = if words == "half" {
            50.0
        } else if words.ends_with("thirds") {
            66.7
        } else if words.ends_with("third") {
            33.3
        } else if words.ends_with("quarters") {
            75.0
        } else {
            25.0
        };
        Some((share, start))
    })
}

/// Where `text` says "all users" / "all inbound traffic", but not "all customers on the
/// legacy plan".
fn all_of_them_at(text: &str) -> Option<usize> {
    ALL.find_iter(text)
        .find(|m| {
            let next = text[m.end()..].trim_start().to_ascii_lowercase();
            let qualified = [
                "on ", "in ", "of ", "from ", "using ", "with ", "who ", "that ", "whose ", "behind ",
            ]
            .iter()
            .any(|p| next.starts_with(p));
            !qualified
        })
        .map(|m| m.start())
}

/// A number of users stated in `text`.
pub fn users_in(text: &str) -> Option<u64> {
    users_at(text).map(|(u, _)| u)
}

/// [`users_in`] with the byte offset where the number starts.
fn users_at(text: &str) -> Option<(u64, usize)> {
    // USERS needs a digit and one of its words; most passages have neither, and the
    // word alone is a literal search, where USERS scans from every position.
    if !super::when::has_ascii_digit(text) || !USERS_WORD.is_match(text) {
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
    (v >= 1.0).then(|| (v as u64, c.get(0).expect("match").start()))
}

/// Text that reads as one run: a paragraph or list item whose source lines were wrapped
/// ("roughly half of the\ncourier app's requests"), with where each source line starts.
struct Passage {
    text: String,
    /// (byte offset in `text`, file line), ascending.
    lines: Vec<(usize, u32)>,
}

impl Passage {
    /// The file line holding byte `offset` of the text.
    fn line_at(&self, offset: usize) -> u32 {
        let i = self.lines.partition_point(|(o, _)| *o <= offset);
        self.lines[i.saturating_sub(1)].1
    }
}

/// Group pieces of text (outline index, file line, text) into passages: a piece continues
/// the previous one when it is the next outline line and a continuation line of the same
/// paragraph, quote or list item.
fn passages<'a>(outline: &Outline, pieces: impl Iterator<Item = (usize, u32, &'a str)>) -> Vec<Passage> {
    let mut out: Vec<Passage> = Vec::new();
    let mut prev: Option<usize> = None;
    for (index, line, text) in pieces {
        let continues = prev.is_some_and(|p| {
            let (a, b) = (&outline.lines[p], &outline.lines[index]);
            index == p + 1
                && b.number == a.number + 1
                && matches!(
                    (a.kind, b.kind),
                    (LineKind::Paragraph, LineKind::Paragraph)
                        | (LineKind::BlockQuote, LineKind::BlockQuote)
                        | (LineKind::ListItem { .. }, LineKind::ListItem { first: false, .. })
                )
        });
        match out.last_mut() {
            Some(p) if continues => {
                p.text.push(' ');
                p.lines.push((p.text.len(), line));
                p.text.push_str(text.trim());
            }
            _ => out.push(Passage {
                text: text.trim().to_string(),
                lines: vec![(0, line)],
            }),
        }
        prev = Some(index);
    }
    out
}

/// Fill impact fields front matter left empty.
pub fn apply(outline: &Outline, parts: &[Part], record: &mut Record) {
    let impact: Vec<Passage> = sections::of_kind(parts, Kind::Impact)
        .flat_map(|p| {
            let inline = p.inline.as_deref().map(|t| (p.label_index, p.line, t));
            let body = p
                .body
                .iter()
                .map(|&i| (i, outline.lines[i].number, outline.lines[i].text.as_str()));
            passages(outline, inline.into_iter().chain(body))
        })
        .collect();
    // Per outline line: not prose that states impact.
    let skip = sections::body_lines(
        outline,
        parts,
        &[
            Kind::Timeline,
            Kind::Actions,
            Kind::Lessons,
            Kind::Other,
            Kind::Resolution,
            Kind::Detection,
        ],
    );
    let prose = passages(
        outline,
        outline
            .lines
            .iter()
            .enumerate()
            .filter(|(i, l)| !skip[*i] && !matches!(l.kind, LineKind::Code))
            .map(|(i, l)| (i, l.number, l.text.as_str())),
    );
    let ordered = || impact.iter().chain(prose.iter());

    if record.impact.percent.is_none() {
        let found = ordered()
            .find_map(|p| percent_at(&p.text).map(|(v, at)| (v, p.line_at(at))))
            .or_else(|| ordered().find_map(|p| all_of_them_at(&p.text).map(|at| (100.0, p.line_at(at)))));
        if let Some((p, line)) = found {
            record.impact.percent = Some(p);
            record.note("impact.percent", Provenance::text(line));
        }
    }
    if record.impact.users.is_none() {
        if let Some((u, line)) = ordered().find_map(|p| users_at(&p.text).map(|(u, at)| (u, p.line_at(at)))) {
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
        if let Some(p) = impact.iter().find(|p| p.text.split_whitespace().count() >= 3) {
            record.impact.summary = Some(first_sentence(&p.text));
            record.note("impact.summary", Provenance::text(p.lines[0].1));
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

    proptest::proptest! {
        /// The word prefilter of `users_at` passes whatever USERS matches, case folding
        /// included ("UſERS" with a long s matches both).
        #[test]
        fn users_word_passes_every_users_match(
            text in r"[a-z ]{0,6}[0-9]{1,4}(?:,[0-9]{3})? ?(?:k|K|thousand|million)? (?:active |Unique )?(?:users|USERS|Customers|subſcribers|uſers|user|clients|cust omers)[ .s]?"
        ) {
            proptest::prop_assert!(!USERS.is_match(&text) || USERS_WORD.is_match(&text));
        }
    }

    proptest::proptest! {
        /// `percent_parts` reads the groups the regex reports, match by match.
        #[test]
        fn percent_parts_are_the_regex_groups(
            text in r"(?:[0-9.%, \t\x0B]|percent|PERCENT|of|our|the|users|Traffic|requests|\u{a0}|٣|é|’s|-){0,12}"
        ) {
            for m in PERCENT.find_iter(&text) {
                let c = PERCENT.captures_at(&text, m.start()).unwrap();
                let regex_groups = (c.get(1).unwrap().as_str(), c.get(2).is_some());
                proptest::prop_assert_eq!(percent_parts(&text, m), regex_groups);
            }
        }
    }

    #[test]
    fn percent_parts_of_every_shape() {
        for text in [
            "42% of our customers",
            "7.5 %",
            "12 percent of members",
            "3 PERCENT",
            "100%users",
            "9.25%\tof the traffic",
        ] {
            let m = PERCENT.find(text).expect(text);
            let c = PERCENT.captures(text).unwrap();
            assert_eq!(percent_parts(text, m), (&c[1], c.get(2).is_some()), "{text}");
        }
    }

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

    fn impact_of(md: &str) -> Record {
        let o = render(md, 1, &|_| None).outline;
        let ps = sections::parts(&o);
        let mut r = Record::default();
        apply(&o, &ps, &mut r);
        r
    }

    #[test]
    fn plain_fractions_of_people_or_requests_are_a_percent() {
        assert_eq!(
            percent_in("roughly half of the booking requests timed out"),
            Some(50.0)
        );
        assert_eq!(percent_in("Half the shoppers saw an empty basket"), Some(50.0));
        assert_eq!(percent_in("about a third of our tenants"), Some(33.3));
        assert_eq!(
            percent_in("two-thirds of the mobile sessions dropped"),
            Some(66.7)
        );
        assert_eq!(percent_in("one quarter of customers in Austria"), Some(25.0));
        assert_eq!(percent_in("three quarters of all traffic"), Some(75.0));
    }

    #[test]
    fn vague_or_bounded_shares_and_other_halves_are_not_a_percent() {
        for text in [
            "most users did not notice",
            "many customers wrote in",
            "a majority of requests succeeded",
            "less than half of the users were affected",
            "more than half of the sessions",
            "the other half of the traffic was unaffected",
            "in the second half of the requests log",
            "half of the engineers were on leave",
            "it took half an hour for users to return",
            "the third quarter of 2023 saw more users",
            "on behalf of customers",
        ] {
            assert_eq!(percent_in(text), None, "{text}");
        }
    }

    #[test]
    fn shares_of_orders_or_payments_need_of() {
        assert_eq!(percent_in("about 4% of all Dutch orders were late"), Some(4.0));
        assert_eq!(percent_in("2.5% of card payments failed"), Some(2.5));
        assert_eq!(percent_in("orders grew by 20% this week"), None);
        assert_eq!(percent_in("a 30% rise in orders"), None);
    }

    #[test]
    fn a_statement_wrapped_over_two_lines_is_read_and_located_on_its_first_line() {
        let r = impact_of(
            "# Quote service errors\n\nFor forty minutes roughly half of the\nquote requests from the web shop failed.\n",
        );
        assert_eq!(r.impact.percent, Some(50.0));
        assert_eq!(r.provenance_of("impact.percent").unwrap().line, Some(3));

        let r = impact_of("# x\n\nThe outage hit\n12% of our customers.\n");
        assert_eq!(r.impact.percent, Some(12.0));
        assert_eq!(r.provenance_of("impact.percent").unwrap().line, Some(4));
    }

    #[test]
    fn a_percent_in_the_summary_paragraph() {
        let r = impact_of(
            "# Depot offline\n\n## Summary\n\nThe Graz depot went dark. Its parcels (about 7% of all Austrian\norders) were sent through Linz instead.\n",
        );
        assert_eq!(r.impact.percent, Some(7.0));
        assert_eq!(r.provenance_of("impact.percent").unwrap().line, Some(5));
    }

    #[test]
    fn who_was_affected_and_similar_labels_give_the_summary() {
        for label in [
            "Who was affected",
            "Customer impact",
            "User impact",
            "Affected users",
            "Users affected",
            "Scope",
        ] {
            let r = impact_of(&format!(
                "# Slow maps\n\n- **Severity:** SEV3\n- **{label}:** map tiles for riders in Porto loaded slowly.\n"
            ));
            assert_eq!(
                r.impact.summary.as_deref(),
                Some("map tiles for riders in Porto loaded slowly."),
                "{label}"
            );
            assert_eq!(r.provenance_of("impact.summary").unwrap().line, Some(4));
        }
        // A "Scope" heading usually says what the document covers.
        let r = impact_of("# Slow maps\n\n## Scope\n\nThis review covers the tile servers only.\n");
        assert_eq!(r.impact.summary, None);
    }

    #[test]
    fn a_bold_label_closed_by_a_period_wraps_onto_the_next_lines() {
        let r = impact_of(
            "# Rider app crash\n\n**Summary.** A release broke the rider app.\n\n**Impact.** 900 riders could not see their next drop; 2,100 parcels\narrived late. We paid riders for the lost hour.\n\n**Why nobody noticed.** The canary was skipped.\n",
        );
        assert_eq!(
            r.impact.summary.as_deref(),
            Some("900 riders could not see their next drop; 2,100 parcels arrived late.")
        );
        assert_eq!(r.provenance_of("impact.summary").unwrap().line, Some(5));
        // A bold sentence that is not a label stays prose.
        let r = impact_of("# x\n\n**Nothing was lost.** The queue held every message.\n");
        assert_eq!(r.impact.summary, None);
    }
}

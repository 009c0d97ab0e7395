//! Root cause: the sentence that states it, and a category from the configured taxonomy.
//!
//! The text scored is, in order of preference: a Root Cause field inside a dedicated root
//! cause section; any other Root Cause field; the sentences of the prose that state a
//! cause ("caused by", "due to"); the whole text. Each taxonomy phrase found adds its weight,
//! more near the start of the text (the cause is named before its consequences). The
//! component that failed wins: `configuration` is chosen only when no other category
//! scores, because "a misconfigured load balancer" is a load-balancer incident.

use super::impact::first_sentence;
use super::pattern;
use super::sections::{self, Kind, Part};
use crate::config::Category;
use crate::model::{Provenance, Record};
use crate::parse::{LineKind, Outline};
use regex::Regex;
use std::sync::LazyLock;

/// Slug of the category chosen only when no component is named.
pub const FALLBACK: &str = "configuration";

/// Below this, a component's score does not outrank `configuration`.
const COMPONENT_MIN: f64 = 3.0;

/// Lowercased text with the start of every word indexed by its first byte, so each
/// phrase is compared only where a word starting with the same byte begins.
pub struct Indexed {
    text: String,
    starts: Vec<Vec<usize>>,
}

impl Indexed {
    pub fn new(text: &str) -> Self {
        let text = text.to_lowercase();
        let mut starts = vec![Vec::new(); 256];
        let mut prev_alnum = false;
        for (i, c) in text.char_indices() {
            let alnum = c.is_alphanumeric();
            if !prev_alnum {
                starts[text.as_bytes()[i] as usize].push(i);
            }
            prev_alnum = alnum;
        }
        Indexed { text, starts }
    }
}

/// Score of one category against `text`. A phrase ending in `*` matches any word starting
/// with it ("deploy*" matches "deployed").
pub fn score(category: &Category, text: &Indexed) -> f64 {
    let len = text.text.len().max(1) as f64;
    let mut total = 0.0;
    for (phrase, weight) in &category.phrases {
        let (p, prefix) = match phrase.strip_suffix('*') {
            Some(stem) => (stem, true),
            None => (phrase.as_str(), false),
        };
        let Some(first) = p.bytes().next() else { continue };
        // The text is lowercase, so where the phrase is, its second byte (lowered) is: a
        // one-byte test that turns away most words starting with the same letter.
        let second = p.as_bytes().get(1).map(u8::to_ascii_lowercase);
        let mut count = 0;
        let mut phrase_score = 0.0;
        for &i in &text.starts[first.to_ascii_lowercase() as usize] {
            let rest = &text.text.as_bytes()[i..];
            if second.is_some_and(|b| rest.get(1) != Some(&b)) {
                continue;
            }
            if rest.len() < p.len() || !rest[..p.len()].eq_ignore_ascii_case(p.as_bytes()) {
                continue;
            }
            let after = text.text[i + p.len()..].chars().next();
            if prefix || after.is_none_or(|c| !c.is_alphanumeric()) {
                count += 1;
                if count <= 3 {
                    // 1.5 at the start of the text, 0.5 at its end.
                    phrase_score += weight * (1.5 - i as f64 / len);
                }
            }
        }
        total += phrase_score;
    }
    total
}

/// The best category for `text`, if any phrase matches.
pub fn categorize(taxonomy: &[Category], text: &str) -> Option<String> {
    let indexed = Indexed::new(text);
    let mut best: Option<(&str, f64)> = None;
    let mut fallback = 0.0;
    for c in taxonomy {
        let s = score(c, &indexed);
        if c.slug == FALLBACK {
            fallback = s;
            continue;
        }
        if s > best.map(|b| b.1).unwrap_or(0.0) {
            best = Some((c.slug.as_str(), s));
        }
    }
    let has_fallback = taxonomy.iter().any(|c| c.slug == FALLBACK);
    match best {
        Some((slug, s)) if s >= COMPONENT_MIN || !has_fallback || fallback <= 0.0 => Some(slug.to_string()),
        _ if fallback > 0.0 => Some(FALLBACK.to_string()),
        _ => None,
    }
}

static CAUSE_CUE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)\b(?:root cause|caused by|was caused|due to|because of|stemmed from|traced (?:back )?to|the cause|resulted from|related to)\b",
    )
});

/// Fill root cause fields front matter left empty.
pub fn apply(outline: &Outline, parts: &[Part], taxonomy: &[Category], record: &mut Record) {
    let rc: Vec<&Part> = sections::of_kind(parts, Kind::RootCause).collect();
    // The innermost label wins over the section around it ("## Root Cause and Resolution"
    // holding "**Root Cause:**"), so resolution text does not blur the category.
    let innermost: Vec<&Part> = rc
        .iter()
        .copied()
        .filter(|p| {
            !rc.iter()
                .any(|q| q.label_index != p.label_index && p.body.contains(&q.label_index))
        })
        .collect();
    // Labels inside a root cause section are the analysis; those in a summary are previews.
    let dedicated: Vec<&Part> = innermost
        .iter()
        .copied()
        .filter(|p| p.in_section.contains("root cause") || p.heading && !p.in_section.contains("summary"))
        .collect();
    let groups: Vec<Vec<&Part>> = vec![dedicated, innermost];
    let mut chosen: Option<(String, u32, String)> = None; // text, line, category
    for g in groups {
        let text: String = g.iter().map(|p| p.text(outline)).collect::<Vec<_>>().join(" ");
        if text.trim().is_empty() {
            continue;
        }
        if let Some(cat) = categorize(taxonomy, &text) {
            let line = g
                .iter()
                .find_map(|p| {
                    p.texts(outline)
                        .find(|(_, t)| !t.trim().is_empty())
                        .map(|(n, _)| n)
                })
                .unwrap_or(g[0].line);
            chosen = Some((text, line, cat));
            break;
        }
    }
    if chosen.is_none() {
        // Sentences that state a cause, then the whole text.
        let prose: Vec<(u32, &str)> = outline
            .lines
            .iter()
            .filter(|l| !matches!(l.kind, LineKind::Code))
            .map(|l| (l.number, l.text.as_str()))
            .collect();
        // The opening paragraph usually says what broke; then every sentence naming a cause.
        let opening = outline
            .lines
            .iter()
            .filter(|l| matches!(l.kind, LineKind::Paragraph) && l.text.split_whitespace().count() >= 8)
            .take(1)
            .map(|l| (l.number, l.text.as_str()));
        let cue: Vec<(u32, &str)> = opening
            .chain(prose.iter().copied().filter(|(_, t)| CAUSE_CUE.is_match(t)))
            .collect();
        for (set, with_summary) in [(cue, true), (prose, false)] {
            let text: String = set.iter().map(|(_, t)| *t).collect::<Vec<_>>().join(" ");
            if let Some(cat) = categorize(taxonomy, &text) {
                let line = set.first().map(|(n, _)| *n).unwrap_or(1);
                // The whole text names a category but states no cause sentence.
                let text = if with_summary { text } else { String::new() };
                chosen = Some((text, line, cat));
                break;
            }
        }
    }
    let Some((text, line, cat)) = chosen else { return };
    if record.root_cause.category.is_none() {
        record.root_cause.category = Some(cat);
        record.note("root_cause.category", Provenance::text(line));
    }
    if record.root_cause.summary.is_none() {
        let sentence = text
            .split_inclusive(". ")
            .find(|s| CAUSE_CUE.is_match(s))
            .map(first_sentence)
            .unwrap_or_else(|| first_sentence(&text));
        if !sentence.is_empty() {
            // Point at the line that holds the sentence, not the start of the part.
            let probe: String = sentence.chars().take(40).collect();
            let at = outline
                .lines
                .iter()
                .find(|l| l.text.contains(probe.trim_end_matches('…')))
                .map(|l| l.number)
                .unwrap_or(line);
            record.root_cause.summary = Some(sentence);
            record.note("root_cause.summary", Provenance::text(at));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::parse::markdown::render;

    fn cat(text: &str) -> Option<String> {
        categorize(&Config::default().taxonomy, text)
    }

    /// `score` as it was before the second-byte test: the reference it must agree with.
    fn score_by_full_compare(category: &Category, text: &Indexed) -> f64 {
        let len = text.text.len().max(1) as f64;
        let mut total = 0.0;
        for (phrase, weight) in &category.phrases {
            let (p, prefix) = match phrase.strip_suffix('*') {
                Some(stem) => (stem, true),
                None => (phrase.as_str(), false),
            };
            let Some(first) = p.bytes().next() else { continue };
            let mut count = 0;
            let mut phrase_score = 0.0;
            for &i in &text.starts[first.to_ascii_lowercase() as usize] {
                let rest = &text.text.as_bytes()[i..];
                if rest.len() < p.len() || !rest[..p.len()].eq_ignore_ascii_case(p.as_bytes()) {
                    continue;
                }
                let after = text.text[i + p.len()..].chars().next();
                if prefix || after.is_none_or(|c| !c.is_alphanumeric()) {
                    count += 1;
                    if count <= 3 {
                        phrase_score += weight * (1.5 - i as f64 / len);
                    }
                }
            }
            total += phrase_score;
        }
        total
    }

    proptest::proptest! {
        /// Scores are bit for bit those of the full comparison, over text made of the
        /// default taxonomy's phrases in any case, other words and non-ASCII letters.
        #[test]
        fn score_agrees_with_the_full_comparison(
            text in r"(?:DNS|dns |Database|deploy|deployed|Load Balancer|load-balancer|a record|ÀÉ|İ|ran out of|Bug|bugs|[a-zA-Z ]|\.){0,16}"
        ) {
            let indexed = Indexed::new(&text);
            for c in &Config::default().taxonomy {
                proptest::prop_assert_eq!(score(c, &indexed).to_bits(), score_by_full_compare(c, &indexed).to_bits());
            }
        }
    }

    #[test]
    fn the_failed_component_beats_configuration() {
        assert_eq!(
            cat("A misconfigured load balancer sent every request to one node").as_deref(),
            Some("load-balancer")
        );
        assert_eq!(
            cat("A firewall rule was misconfigured and dropped port 443").as_deref(),
            Some("firewall")
        );
        assert_eq!(
            cat("A wrong setting in the config file of the web server").as_deref(),
            Some("configuration")
        );
        assert_eq!(cat("The weather was nice").as_deref(), None);
    }

    #[test]
    fn representative_causes() {
        assert_eq!(
            cat("The TLS certificate expired over the weekend").as_deref(),
            Some("certificate")
        );
        assert_eq!(
            cat("A memory leak in the worker made it crash").as_deref(),
            Some("software-bug")
        );
        assert_eq!(cat("The disk ran out of space").as_deref(), Some("capacity"));
        assert_eq!(
            cat("Our hosting provider had a hypervisor failure").as_deref(),
            Some("dependency")
        );
        assert_eq!(
            cat("Stale DNS records pointed at the old address").as_deref(),
            Some("dns")
        );
        assert_eq!(
            cat("A bad release was rolled out to all regions").as_deref(),
            Some("deployment")
        );
    }

    #[test]
    fn user_phrases_extend_the_taxonomy() {
        let c = Config::from_yaml_str(
            "taxonomy:\n  - slug: queue\n    phrases: {\"kafka*\": 9}\n",
            std::path::Path::new("x.yaml"),
        )
        .unwrap();
        assert_eq!(
            categorize(&c.taxonomy, "Kafka brokers lost quorum").as_deref(),
            Some("queue")
        );
    }

    #[test]
    fn dedicated_root_cause_section_wins_over_the_summary_preview() {
        let md = "## Summary\n\n**Root Cause:** a flood of database connections\n\n## Root Cause and Resolution\n\n**Root Cause:** a bug in the retry loop opened connections and never closed them.\n";
        let o = render(md, 1, &|_| None).outline;
        let ps = sections::parts(&o);
        let mut r = Record::default();
        apply(&o, &ps, &Config::default().taxonomy, &mut r);
        assert_eq!(r.root_cause.category.as_deref(), Some("software-bug"));
        assert_eq!(r.provenance_of("root_cause.category").unwrap().line, Some(7));
    }
}

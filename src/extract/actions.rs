//! Action items, lessons learned and contributing factors: the items listed under their
//! headings or labels, one each.
//!
//! An item is a list item (sub-bullets belong to their parent), a table row, or a line of
//! its own; "✅"-separated items on one line count separately. Sub-labels ("Improvements:",
//! "Tasks:") group items and are not items; an introduction ending in ':' and closing
//! remarks ("By implementing these measures...") are not items either.

use super::pattern;
use super::sections::{Kind, Part};
use crate::model::{ActionItem, Provenance, Record};
use crate::parse::{LineKind, Outline};
use regex::Regex;
use std::sync::LazyLock;

static CLOSING: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)^(?:this post-?mortem|by implementing|overall|in conclusion|in summary|moving forward|on a lighter note|remember|we apologi[sz]e|if you have|sincerely|these measures|we aim|thank)",
    )
});
/// A sentence about the incident itself ("This outage highlighted the need for ..."): a
/// remark after a list of actions, never an action. It may well be a lesson, so only
/// action items leave it out.
static ABOUT_THE_INCIDENT: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)^this (?:outage|incident|event|disruption)\b"));
static CHECK_SPLIT: LazyLock<Regex> = LazyLock::new(|| pattern(r"[✅✔☑]\u{FE0F}?"));

/// Items listed in the parts of `kind`: (line, text, done).
pub fn items(outline: &Outline, parts: &[Part], kind: Kind) -> Vec<(u32, String, Option<bool>)> {
    // The body lines of the parts, in order, each once (a sorted, deduplicated Vec: the
    // few hundred lines of a document need no tree).
    let mut idx: Vec<usize> = Vec::new();
    let mut inline: Vec<(u32, String)> = Vec::new();
    for p in parts.iter().filter(|p| p.kind == kind) {
        idx.extend(p.body.iter().copied());
        if let Some(t) = &p.inline {
            inline.push((p.line, t.clone()));
        }
    }
    idx.sort_unstable();
    idx.dedup();
    // Lines that are themselves labels of another kind end nothing here, but are not items.
    let other_labels: Vec<usize> = parts
        .iter()
        .filter(|p| p.kind != kind)
        .map(|p| p.label_index)
        .collect();
    let label_like = |t: &str| t.trim_end().ends_with(':');
    let lines: Vec<usize> = idx
        .into_iter()
        .filter(|i| !other_labels.contains(i))
        .filter(|i| {
            let l = &outline.lines[*i];
            match l.kind {
                LineKind::Heading(_) | LineKind::Html => false,
                LineKind::ListItem { first, .. } => first,
                LineKind::TableRow { header } => !header,
                LineKind::Code => looks_like_prose(&l.text),
                _ => true,
            }
        })
        .filter(|i| {
            let t = outline.lines[*i].text.trim();
            !t.is_empty() && !label_like(t) && !CLOSING.is_match(t) && t.chars().any(char::is_alphabetic)
        })
        .filter(|i| kind != Kind::Actions || !ABOUT_THE_INCIDENT.is_match(outline.lines[*i].text.trim()))
        .collect();
    // Sub-bullets belong to their parent item; items under a group label count. `lines` is
    // sorted (it keeps the order of `idx`), so membership is a binary search.
    let included = |j: usize| lines.binary_search(&j).is_ok();
    let parent_is_item = |i: usize| -> bool {
        let LineKind::ListItem { depth, .. } = outline.lines[i].kind else {
            return false;
        };
        for j in (0..i).rev() {
            match outline.lines[j].kind {
                LineKind::ListItem {
                    depth: d,
                    first: true,
                    ..
                } if d < depth => return included(j),
                LineKind::ListItem { .. } => continue,
                _ => return false,
            }
        }
        false
    };
    let mut out = Vec::new();
    for (n, t) in inline {
        if !label_like(&t) {
            push_split(&mut out, n, &t, None);
        }
    }
    for &i in &lines {
        let l = &outline.lines[i];
        if parent_is_item(i) {
            continue;
        }
        let (text, done) = task_mark(&l.text);
        push_split(&mut out, l.number, text, done);
    }
    out
}

fn push_split(out: &mut Vec<(u32, String, Option<bool>)>, line: u32, text: &str, done: Option<bool>) {
    let mut push = |piece: &str| {
        let p = piece.trim().trim_start_matches(['•', '-', '*', '·']).trim();
        if p.chars().any(char::is_alphabetic) {
            out.push((line, p.to_string(), done));
        }
    };
    // The check marks are not ASCII: ASCII text is the one piece the split would give.
    if text.is_ascii() {
        push(text);
    } else {
        CHECK_SPLIT.split(text).for_each(push);
    }
}

fn task_mark(text: &str) -> (&str, Option<bool>) {
    if let Some(rest) = text.strip_prefix("[x] ").or_else(|| text.strip_prefix("[X] ")) {
        (rest, Some(true))
    } else if let Some(rest) = text.strip_prefix("[ ] ") {
        (rest, Some(false))
    } else {
        (text, None)
    }
}

fn looks_like_prose(text: &str) -> bool {
    text.trim().starts_with(|c: char| c.is_uppercase()) && text.split_whitespace().count() >= 4
}

/// Fill action items, lessons and contributing factors front matter left empty.
pub fn apply(outline: &Outline, parts: &[Part], record: &mut Record) {
    if record.action_items.is_empty() {
        let found = items(outline, parts, Kind::Actions);
        if let Some(first) = found.first() {
            record.note("action_items", Provenance::text(first.0));
        }
        record.action_items = found
            .into_iter()
            .map(|(line, text, done)| ActionItem {
                text,
                done,
                line: Some(line),
            })
            .collect();
    }
    for (kind, field) in [
        (Kind::Lessons, "lessons"),
        (Kind::Contributing, "contributing_factors"),
    ] {
        let target = if kind == Kind::Lessons {
            &record.lessons
        } else {
            &record.contributing_factors
        };
        if !target.is_empty() {
            continue;
        }
        let found = items(outline, parts, kind);
        if let Some(first) = found.first() {
            let p = Provenance::text(first.0);
            let texts: Vec<String> = found.into_iter().map(|(_, t, _)| t).collect();
            if kind == Kind::Lessons {
                record.lessons = texts;
            } else {
                record.contributing_factors = texts;
            }
            record.note(field, p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_text_is_the_one_piece_the_split_gives() {
        for text in ["Add an alert", "a ✅ b", "", "  - x"] {
            let mut out = Vec::new();
            push_split(&mut out, 1, text, None);
            let split: Vec<String> = CHECK_SPLIT
                .split(text)
                .map(|p| {
                    p.trim()
                        .trim_start_matches(['•', '-', '*', '·'])
                        .trim()
                        .to_string()
                })
                .filter(|p| p.chars().any(char::is_alphabetic))
                .collect();
            assert_eq!(
                out.into_iter().map(|(_, t, _)| t).collect::<Vec<_>>(),
                split,
                "{text}"
            );
        }
    }
    use crate::extract::sections;
    use crate::parse::markdown::render;

    fn run(md: &str) -> Record {
        let o = render(md, 1, &|_| None).outline;
        let ps = sections::parts(&o);
        let mut r = Record::default();
        apply(&o, &ps, &mut r);
        r
    }

    #[test]
    fn grouped_lists_count_items_not_groups_or_sub_bullets() {
        let r = run("## Corrective and Preventive Measures\n\nWe will do the following:\n\n- **Short term:**\n  - add an alarm\n    - page the on-call\n  - rotate keys\n- **Long term:**\n  - [x] retire the old proxy\n\n## Tasks\n\n1. write a runbook\n2. drill it\n\nBy implementing these measures we will be safer.\n\n## Lessons learned\n\n- caches lie\n");
        let texts: Vec<&str> = r.action_items.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "add an alarm",
                "rotate keys",
                "retire the old proxy",
                "write a runbook",
                "drill it"
            ]
        );
        assert_eq!(r.action_items[2].done, Some(true));
        assert_eq!(r.lessons, vec!["caches lie"]);
    }

    #[test]
    fn bare_lines_and_check_marks() {
        let r = run("Preventative Measures:\n✅ Add a linter ✅ Pin versions ✅ Review changes\n\nContributing Factors\n- tired on-call\n- no staging\n");
        assert_eq!(r.action_items.len(), 3);
        assert_eq!(r.contributing_factors, vec!["tired on-call", "no staging"]);
    }

    #[test]
    fn a_remark_about_the_incident_is_a_lesson_but_not_an_action_item() {
        // "# Task List:" as a level-1 heading runs on over the "## Conclusion" below it.
        let md = "# Task List:\n\n- Renew certificates automatically\n\n## Conclusion\n\nThis outage highlighted the need for certificate monitoring.\n\n# Lessons learned\n\nThis incident showed that expiry alerts matter.\n";
        let r = run(md);
        let texts: Vec<&str> = r.action_items.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["Renew certificates automatically"]);
        assert_eq!(r.lessons, ["This incident showed that expiry alerts matter."]);
        // Nor when it follows a bare label's list with no heading between them.
        let r = run("Action items:\n\n- Renew certificates automatically\n\nThis outage highlighted the need for certificate monitoring.\n");
        let texts: Vec<&str> = r.action_items.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["Renew certificates automatically"]);
    }

    #[test]
    fn actions_taken_during_the_incident_are_not_action_items() {
        let r = run("## Actions taken\n\n- restarted the pods\n");
        assert!(r.action_items.is_empty());
    }
}

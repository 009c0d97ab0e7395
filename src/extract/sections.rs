//! Sections and labelled fields: where in a free-form postmortem each field is written.
//!
//! Postmortems label their parts in many ways: Markdown headings ("## Root Cause"), bold
//! labels ("**Duration:** ..."), list items ("- Impact: ..."), or bare lines ("Timeline").
//! This module finds those labels in the parse stage's [`Outline`] and returns [`Part`]s:
//! the label's kind, its inline value and the lines it governs. It knows the vocabulary of
//! labels, not how to read dates or impact; the field extractors do that.

use crate::parse::{Line, LineKind, Outline};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::cell::RefCell;
use std::thread::LocalKey;

/// What a label announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Summary,
    Duration,
    Start,
    End,
    Date,
    Timezone,
    /// "Time to recovery", "Time to resolve": a stated duration.
    RecoveryTime,
    Impact,
    RootCause,
    Resolution,
    Detection,
    Timeline,
    Actions,
    Lessons,
    Contributing,
    Severity,
    /// "Affected services: checkout, payments".
    Services,
    /// A part that ends the one before it but carries no field (Conclusion, Appendix...).
    Other,
}

/// A labelled part of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub kind: Kind,
    /// Index into `Outline::lines` of the label's line.
    pub label_index: usize,
    /// File line of the label.
    pub line: u32,
    /// The text after the label ("Duration: 2 hours" → "2 hours"), with the rest of its
    /// paragraph when the value wraps onto the next source lines.
    pub inline: Option<String>,
    /// Indices of the lines the label governs (its section body or its sub-items).
    pub body: Vec<usize>,
    /// True for Markdown headings (the part runs to the next heading of its level, or to a
    /// deeper one of kind [`Kind::Other`]).
    pub heading: bool,
    /// Title of the Markdown section the label sits in, lowercased.
    pub in_section: String,
}

impl Part {
    /// Inline value and body lines, one string per line.
    pub fn texts<'a>(&'a self, outline: &'a Outline) -> impl Iterator<Item = (u32, &'a str)> + 'a {
        self.inline
            .as_deref()
            .map(|t| (self.line, t))
            .into_iter()
            .chain(self.body.iter().map(|i| {
                let l = &outline.lines[*i];
                (l.number, l.text.as_str())
            }))
    }

    /// All the part's text, joined with spaces.
    pub fn text(&self, outline: &Outline) -> String {
        self.texts(outline).map(|(_, t)| t).collect::<Vec<_>>().join(" ")
    }
}

/// Strip emoji, bullets, numbering and emphasis leftovers around a label.
pub fn normalize_label(text: &str) -> String {
    let kept = |c: char| {
        c.is_alphanumeric()
            || c.is_whitespace()
            || matches!(
                c,
                '/' | '-' | '&' | '\'' | '(' | ')' | '.' | ',' | ':' | ';' | '?'
            )
    };
    // Most labels have nothing to strip: borrow them rather than copy.
    let t: Cow<str> = if text.chars().all(kept) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|c| kept(*c)).collect())
    };
    let t = t
        .trim()
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ')');
    let t = t.trim().trim_end_matches([':', '.', ' ']);
    // The words joined by single spaces (words are never empty, so this is `join(" ")`).
    let mut out = String::with_capacity(t.len());
    for w in t.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    // For ASCII text `to_lowercase` is `make_ascii_lowercase`, without a second string.
    if out.is_ascii() {
        out.make_ascii_lowercase();
        out
    } else {
        out.to_lowercase()
    }
}

/// `label.contains(phrase)` for a short label: a plain byte scan. `str::contains` first
/// builds a searcher for the phrase, which costs more than scanning a label a few words
/// long, and [`label_kind`] asks for some thirty phrases per line.
fn has_phrase(label: &str, phrase: &str) -> bool {
    let (l, p) = (label.as_bytes(), phrase.as_bytes());
    match p.first() {
        None => true,
        Some(&first) => l.len() >= p.len() && l.windows(p.len()).any(|w| w[0] == first && w == p),
    }
}

/// Kinds already worked out on this thread, by the text they were worked out from.
type KindMemo = RefCell<FxHashMap<Box<str>, Option<Kind>>>;

thread_local! {
    /// [`label_kind`] by label as written.
    static LABEL_KINDS: KindMemo = RefCell::default();
    /// [`bare_line_kind`] by line text.
    static BARE_LINE_KINDS: KindMemo = RefCell::default();
}

/// Entries a memo may hold before it is emptied: an archive's labels are a few hundred
/// distinct strings; the cap only bounds memory on text that keeps producing new ones.
const MEMO_CAP: usize = 8192;

/// `kind_of(text)`, looked up in `memo` or worked out and kept there. Why: the postmortems
/// of an archive share most headings and field names ("## Impact", "**Duration:**"), and
/// working one out is a normalisation and up to fifty phrase tests.
fn memoised(
    memo: &'static LocalKey<KindMemo>,
    text: &str,
    kind_of: fn(&str) -> Option<Kind>,
) -> Option<Kind> {
    memo.with_borrow_mut(|m| {
        if let Some(k) = m.get(text) {
            return *k;
        }
        let k = kind_of(text);
        if m.len() >= MEMO_CAP {
            m.clear();
        }
        m.insert(text.into(), k);
        k
    })
}

/// The kind of a label, if it is one incidex knows.
pub fn label_kind(label: &str) -> Option<Kind> {
    memoised(&LABEL_KINDS, label, label_kind_of)
}

/// The kind of a line that may be nothing but a label ("Timeline", "## Root cause").
fn bare_line_kind(text: &str) -> Option<Kind> {
    memoised(&BARE_LINE_KINDS, text, |t| label_kind(&normalize_label(t)))
}

/// [`label_kind`], worked out.
fn label_kind_of(label: &str) -> Option<Kind> {
    let l = normalize_label(label);
    // `nth(8).is_some()`: more than eight words, without counting the rest.
    if l.is_empty() || !l.starts_with(|c: char| c.is_alphabetic()) || l.split(' ').nth(8).is_some() {
        return None;
    }
    let has = |s: &str| has_phrase(&l, s);
    let is = |opts: &[&str]| opts.contains(&l.as_str());
    let kind = if has("timeline") || has("chronolog") || has("sequence of events") {
        Kind::Timeline
    } else if has("root cause") || is(&["cause", "causes", "cause analysis", "what caused it", "the cause"]) {
        Kind::RootCause
    } else if has("contributing") {
        Kind::Contributing
    } else if has("lesson")
        || has("what went well")
        || has("what went wrong")
        || has("what went poorly")
        || has("got lucky")
        || has("takeaway")
    {
        Kind::Lessons
    } else if (has("corrective")
        || has("preventive")
        || has("preventative")
        || has("prevention")
        || has("action item")
        || has("action plan")
        || has("follow-up")
        || has("follow up")
        || has("next steps")
        || has("remediation")
        || has("improvement")
        || l.starts_with("task")
        || l.starts_with("specific task")
        || l.starts_with("todo"))
        && !has("actions taken")
    {
        Kind::Actions
    } else if has("impact")
        || is(&[
            "who was affected",
            "who is affected",
            "who were affected",
            "users affected",
            "customers affected",
            "people affected",
            "affected users",
            "affected customers",
            "blast radius",
        ])
    {
        Kind::Impact
    } else if is(&[
        "duration",
        "outage duration",
        "incident duration",
        "total duration",
        "downtime",
        "outage window",
        "incident window",
        "time window",
        "total downtime",
    ]) {
        Kind::Duration
    } else if is(&[
        "start",
        "start time",
        "started",
        "started at",
        "start date",
        "incident start",
        "outage start",
        "began",
        "began at",
        "start of incident",
        "incident began",
        "start time (utc)",
        "impact started",
        "outage started",
        "outage began",
    ]) {
        Kind::Start
    } else if is(&[
        "end",
        "end time",
        "ended",
        "ended at",
        "end date",
        "incident end",
        "outage end",
        "resolved at",
        "end of incident",
        "recovered at",
        "end time (utc)",
        "resolved",
        "recovered",
        "impact ended",
        "outage ended",
    ]) {
        Kind::End
    } else if has("time to recover")
        || has("time to resol")
        || has("time to mitigat")
        || is(&["ttr", "mttr", "time to restore"])
    {
        Kind::RecoveryTime
    } else if has("summary")
        || has("overview")
        || is(&[
            "introduction",
            "tl;dr",
            "tldr",
            "description",
            "what happened",
            "background",
        ])
    {
        Kind::Summary
    } else if has("resolution")
        || has("mitigation")
        || is(&[
            "fix",
            "the fix",
            "how it was fixed",
            "how the incident was resolved",
            "recovery",
        ])
    {
        Kind::Resolution
    } else if has("detection") || has("issue detected") || has("how was the issue detected") {
        Kind::Detection
    } else if is(&[
        "severity",
        "sev",
        "severity level",
        "priority",
        "incident severity",
        "impact level",
    ]) {
        Kind::Severity
    } else if is(&[
        "services",
        "affected services",
        "services affected",
        "affected systems",
        "systems affected",
        "affected components",
        "components affected",
        "components",
    ]) {
        Kind::Services
    } else if is(&["timezone", "time zone", "time zone used"]) {
        Kind::Timezone
    } else if is(&[
        "date",
        "incident date",
        "date of incident",
        "date of the incident",
        "when",
    ]) {
        Kind::Date
    } else if is(&[
        "conclusion",
        "appendix",
        "attendees",
        "stats",
        "statistics",
        "references",
        "glossary",
        "acknowledgements",
        "acknowledgments",
        "related",
        "metadata",
        "closing",
        "final thoughts",
    ]) {
        Kind::Other
    } else {
        return None;
    };
    Some(kind)
}

/// "Scope: EU customers on the Pro plan" states who was affected; a "Scope" heading more often
/// says what the document covers, so the word is an impact label only with a value after it.
fn inline_only_kind(label: &str) -> Option<Kind> {
    (normalize_label(label) == "scope").then_some(Kind::Impact)
}

/// "**Impact.** 3,400 couriers lost..." (a bold label closed by a period instead of a colon):
/// the bold run must be exactly a known label plus the period, and text must follow it.
fn bold_period_label(text: &str, bold: &str) -> Option<(Kind, Option<String>)> {
    let label = bold.strip_suffix('.')?;
    if label.contains([':', '.']) || label.split_whitespace().count() > 5 {
        return None;
    }
    let kind = label_kind(label).or_else(|| inline_only_kind(label))?;
    let start = text.find(bold)? + bold.len();
    let rest = text[start..].trim_start_matches(['*', '_']).trim();
    rest.chars()
        .any(char::is_alphanumeric)
        .then(|| (kind, Some(rest.to_string())))
}

/// Split "Label: value" (or a whole-line label) into kind and inline value. `bold` is the
/// bold text the line opens with, if any.
fn split_label(
    text: &str,
    bold: &str,
    whole_line_label: bool,
    list_item: bool,
) -> Option<(Kind, Option<String>)> {
    if !bold.is_empty() {
        if let Some(found) = bold_period_label(text, bold) {
            return Some(found);
        }
    }
    let t = text
        .trim()
        .trim_start_matches(['•', '*', '-', '–', '·', '●', '▪'])
        .trim();
    if let Some(idx) = t.find(':') {
        let (label, rest) = (&t[..idx], t[idx + 1..].trim());
        // "10:05 AM: ..." is a timestamp, not a label.
        if label.chars().any(|c| c.is_ascii_digit()) && label.len() < 4 {
            return None;
        }
        let rest = rest.trim_start_matches(['*', '_']).trim();
        let inline_only = || inline_only_kind(label).filter(|_| rest.chars().any(char::is_alphanumeric));
        if let Some(kind) = label_kind(label).or_else(inline_only) {
            // "**TIMELINE:** 🧐": decoration after the label is not a value.
            let has_value = rest.chars().any(char::is_alphanumeric);
            return Some((kind, has_value.then(|| rest.to_string())));
        }
    }
    // `nth(6).is_none()`: at most six words, without counting the rest of a long line.
    if whole_line_label || (!list_item && t.split_whitespace().nth(6).is_none()) {
        // A bare line is a label only when it is nothing but the label.
        if !t.ends_with(['.', '!', '?']) || whole_line_label {
            if let Some(kind) = bare_line_kind(t) {
                return Some((kind, None));
            }
        }
    }
    None
}

fn list_depth(l: &Line) -> Option<u8> {
    match l.kind {
        LineKind::ListItem { depth, .. } => Some(depth),
        _ => None,
    }
}

/// The label a line holds, read as [`parts`] reads it.
fn line_label(line: &Line) -> Option<(Kind, Option<String>)> {
    match line.kind {
        LineKind::Heading(_) => split_label(&line.text, "", true, false),
        LineKind::Paragraph | LineKind::BlockQuote | LineKind::Html => {
            split_label(&line.text, line.bold_prefix(), false, false)
        }
        LineKind::ListItem { first: true, .. } => {
            split_label(&line.text, line.bold_prefix(), line.starts_bold, true)
        }
        LineKind::TableRow { header: false } if line.cells.len() == 2 => {
            label_kind(&line.cells[0]).map(|k| (k, Some(line.cells[1].clone())))
        }
        _ => None,
    }
}

/// Per line of `outline`: whether it is in the body of a part of one of `kinds` (the
/// lines an extractor skips, e.g. a timeline's when reading the incident window).
pub fn body_lines(outline: &Outline, parts: &[Part], kinds: &[Kind]) -> Vec<bool> {
    let mut out = vec![false; outline.lines.len()];
    for p in parts.iter().filter(|p| kinds.contains(&p.kind)) {
        for &i in &p.body {
            out[i] = true;
        }
    }
    out
}

/// Every labelled part of `outline`, in document order.
pub fn parts(outline: &Outline) -> Vec<Part> {
    let lines = &outline.lines;
    // Each line's label, read once: a part's body ends at the next label, so the lines
    // after a label are asked again (up to once per part above them) whether they are one.
    let mut labels: Vec<Option<(Kind, Option<String>)>> = lines.iter().map(line_label).collect();
    let is_label: Vec<bool> = labels.iter().map(Option::is_some).collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((kind, mut inline)) = labels[i].take() else {
            continue;
        };
        let in_section = line
            .section
            .and_then(|s| outline.sections.get(s))
            .map(|s| s.title.to_lowercase())
            .unwrap_or_default();
        let mut body = Vec::new();
        let heading = matches!(line.kind, LineKind::Heading(_)) && inline.is_none();
        if let LineKind::Heading(level) = line.kind {
            if inline.is_none() {
                for (j, l) in lines.iter().enumerate().skip(i + 1) {
                    // A section runs to the next heading of its level, and stops at a
                    // deeper one that starts a closing part (a "## Conclusion" under a
                    // "# Task List:" heading is no task).
                    let closing = || matches!(labels[j], Some((Kind::Other, _)));
                    match l.kind {
                        LineKind::Heading(lv) if lv <= level || closing() => break,
                        _ => body.push(j),
                    }
                }
            }
        } else if let Some(depth) = list_depth(line) {
            // Sub-items (and continuation lines) of this item.
            for (j, l) in lines.iter().enumerate().skip(i + 1) {
                match l.kind {
                    LineKind::ListItem { depth: d, first, .. } if d > depth || (d == depth && !first) => {
                        body.push(j)
                    }
                    _ => break,
                }
            }
            if body.is_empty() && inline.is_none() {
                body = paragraph_body(outline, &is_label, i);
            }
        } else if inline.is_none() {
            body = paragraph_body(outline, &is_label, i);
        } else if let Some(value) = inline.as_mut() {
            for j in wrapped_lines(outline, &is_label, i) {
                value.push(' ');
                value.push_str(lines[j].text.trim());
            }
        }
        out.push(Part {
            kind,
            label_index: i,
            line: line.number,
            inline,
            body,
            heading,
            in_section,
        });
    }
    out
}

/// Lines after a bare or bold label, up to the next heading or the next known label.
/// `is_label[j]`: [`line_label`] found a label on line `j`.
fn paragraph_body(outline: &Outline, is_label: &[bool], i: usize) -> Vec<usize> {
    let mut body = Vec::new();
    for (j, l) in outline.lines.iter().enumerate().skip(i + 1) {
        if matches!(l.kind, LineKind::Heading(_)) {
            break;
        }
        // For these kinds `line_label` asks `split_label(text, bold, false, false)`.
        let ends = match l.kind {
            LineKind::Paragraph | LineKind::BlockQuote => is_label[j],
            _ => false,
        };
        if ends {
            break;
        }
        body.push(j);
    }
    body
}

/// The rest of the paragraph a "Label: value" line opens, when the value wraps onto the
/// next source lines, up to a line that is itself a label ("**Status:** x" lines stacked without
/// blank lines are one Markdown paragraph).
fn wrapped_lines(outline: &Outline, is_label: &[bool], i: usize) -> Vec<usize> {
    let lines = &outline.lines;
    let mut body = Vec::new();
    if !matches!(lines[i].kind, LineKind::Paragraph | LineKind::BlockQuote) {
        return body;
    }
    for j in i + 1..lines.len() {
        let (prev, l) = (&lines[j - 1], &lines[j]);
        if l.number != prev.number + 1
            || l.kind != lines[i].kind
            // `l` is a paragraph or quote line, as line `i` is: its label was read with
            // `split_label(text, bold, false, false)`.
            || is_label[j]
        {
            break;
        }
        body.push(j);
    }
    body
}

/// The parts of one kind.
pub fn of_kind(parts: &[Part], kind: Kind) -> impl Iterator<Item = &Part> {
    parts.iter().filter(move |p| p.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::markdown::render;

    fn outline(md: &str) -> Outline {
        render(md, 1, &|_| None).outline
    }

    /// `normalize_label` as first written (four strings per call), to check the leaner one.
    fn normalize_label_as_written(text: &str) -> String {
        let t: String = text
            .chars()
            .filter(|c| c.is_alphanumeric() || c.is_whitespace() || "/-&'().,:;?".contains(*c))
            .collect();
        let t = t
            .trim()
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ')');
        let t = t.trim().trim_end_matches([':', '.', ' ']);
        t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
    }

    proptest::proptest! {
        #[test]
        fn has_phrase_is_contains(label in r"[a-c -]{0,12}|\PC{0,8}", phrase in r"[a-c -]{0,4}|\PC{0,2}") {
            proptest::prop_assert_eq!(has_phrase(&label, &phrase), label.contains(phrase.as_str()));
        }

        #[test]
        fn normalize_label_reads_as_it_was_written(
            text in r"[ \t0-9a-zA-Z.:)*#_\-•📜İΣσςÅ/&'(,;?!]{0,24}|\PC{0,24}"
        ) {
            proptest::prop_assert_eq!(normalize_label(&text), normalize_label_as_written(&text));
        }
    }

    #[test]
    fn label_vocabulary() {
        assert_eq!(label_kind("📜 Timeline"), Some(Kind::Timeline));
        assert_eq!(label_kind("Root Cause and Resolution:"), Some(Kind::RootCause));
        assert_eq!(
            label_kind("Corrective and Preventative Measures"),
            Some(Kind::Actions)
        );
        assert_eq!(label_kind("Actions Taken"), None);
        assert_eq!(label_kind("•  Duration"), Some(Kind::Duration));
        assert_eq!(label_kind("Time to recovery"), Some(Kind::RecoveryTime));
        assert_eq!(label_kind("14:30 UTC - Incident Resolution"), None);
        assert_eq!(label_kind("What went well"), Some(Kind::Lessons));
    }

    #[test]
    fn memoised_kinds_are_the_kinds_worked_out() {
        let labels = [
            "Root Cause",
            "**Timeline**",
            "Discussion",
            "İmpact",
            "1. 2. Summary",
            "Scope",
            "",
            "Time to recover",
        ];
        // Twice: the second round reads the memo.
        for _ in 0..2 {
            for l in labels {
                assert_eq!(label_kind(l), label_kind_of(l), "{l}");
                assert_eq!(bare_line_kind(l), label_kind_of(&normalize_label(l)), "{l}");
            }
        }
        // The memo stays bounded however many distinct labels it sees.
        for i in 0..MEMO_CAP + 10 {
            let _ = label_kind(&format!("label {i}"));
        }
        assert!(LABEL_KINDS.with_borrow(|m| m.len()) <= MEMO_CAP);
        assert_eq!(label_kind("Root Cause"), Some(Kind::RootCause));
    }

    #[test]
    fn headings_bold_labels_list_items_and_bare_lines() {
        let o = outline(
            "# Cache stampede\n\n**Duration:** 40 minutes\n\n- Impact:\n  - about 12% of users\n- Root Cause: a bad key\n\nTimeline\n09:00 first alert\n09:40 fixed\nLessons learned:\nkeep caches warm\n\n## Action items\n\n- add jitter\n- add a test\n",
        );
        let ps = parts(&o);
        let kinds: Vec<Kind> = ps.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            vec![
                Kind::Duration,
                Kind::Impact,
                Kind::RootCause,
                Kind::Timeline,
                Kind::Lessons,
                Kind::Actions
            ]
        );
        assert_eq!(ps[0].inline.as_deref(), Some("40 minutes"));
        assert_eq!(ps[1].text(&o), "about 12% of users");
        assert_eq!(ps[2].inline.as_deref(), Some("a bad key"));
        assert_eq!(ps[3].body.len(), 2, "timeline stops at the next label");
        assert_eq!(ps[5].body.len(), 2);
        assert!(ps[5].heading);
    }

    #[test]
    fn a_heading_s_section_stops_at_a_deeper_closing_heading() {
        // Headings used as labels at the wrong level: "# Task List:" would otherwise run
        // over the "## Conclusion" under it. A deeper heading of another kind still belongs.
        let o = outline(
            "# Task List:\n\n- renew certificates\n\n### Follow-up\n\n- audit cron jobs\n\n## Conclusion\n\nIt was a long night.\n",
        );
        let ps = parts(&o);
        let tasks = ps.iter().find(|p| p.kind == Kind::Actions).unwrap();
        let texts: Vec<&str> = tasks.body.iter().map(|&i| o.lines[i].text.as_str()).collect();
        assert!(
            texts.contains(&"renew certificates") && texts.contains(&"audit cron jobs"),
            "{texts:?}"
        );
        assert!(!texts.iter().any(|t| t.contains("long night")), "{texts:?}");
    }

    #[test]
    fn a_wrapped_value_is_one_value_and_stops_at_the_next_label() {
        let o = outline(
            "**Root cause:** a retry storm from the\nmobile app exhausted the API quota.\n**Severity:** SEV2\n\n**Impact.** Riders waited\nten minutes.\n",
        );
        let ps = parts(&o);
        let got: Vec<(Kind, Option<&str>, usize)> = ps
            .iter()
            .map(|p| (p.kind, p.inline.as_deref(), p.body.len()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Kind::RootCause,
                    Some("a retry storm from the mobile app exhausted the API quota."),
                    0
                ),
                (Kind::Severity, Some("SEV2"), 0),
                (Kind::Impact, Some("Riders waited ten minutes."), 0),
            ]
        );
    }
}

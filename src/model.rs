//! The data model: what a postmortem *is* once it has been read, independent of where its
//! fields came from.
//!
//! [`Record`] holds the incident's fields (the `inspect --json` schema) and, for each field
//! that has a value, a [`Provenance`] saying whether it came from front matter, a line of the
//! text, or was derived from other fields. [`Postmortem`] adds what the site needs to show
//! the document: slug, rendered body, table of contents, diagnostics.
//!
//! This module holds data only. Parsing lives in `parse`, field extraction in `extract`,
//! presentation in `render`.

use crate::diagnostic::Diagnostic;
use jiff::civil::DateTime;
use jiff::tz::Offset;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// A point in time as a postmortem states it: a wall-clock date and time, with the UTC
/// offset of the zone the text names (or the configured default), or a bare date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    pub datetime: DateTime,
    /// `None` when neither the text nor the configuration gives a zone.
    pub offset: Option<Offset>,
    /// True when only a calendar date is known (`2022-06-10`); the time is midnight.
    pub date_only: bool,
}

impl When {
    pub fn new(datetime: DateTime, offset: Option<Offset>) -> Self {
        When {
            datetime,
            offset,
            date_only: false,
        }
    }

    pub fn date(date: jiff::civil::Date) -> Self {
        When {
            datetime: date.to_datetime(jiff::civil::Time::midnight()),
            offset: None,
            date_only: true,
        }
    }

    /// Seconds since the Unix epoch, reading a zone-less value as UTC. Used for ordering
    /// and durations; never shown.
    pub fn epoch_seconds(&self) -> i64 {
        let offset = self.offset.unwrap_or(Offset::UTC);
        match offset.to_timestamp(self.datetime) {
            Ok(ts) => ts.as_second(),
            Err(_) => 0,
        }
    }

    pub fn year(&self) -> i16 {
        self.datetime.year()
    }

    /// Minutes from `self` to `later` (negative when `later` is earlier).
    pub fn minutes_until(&self, later: &When) -> i64 {
        (later.epoch_seconds() - self.epoch_seconds()).div_euclid(60)
    }
}

impl fmt::Display for When {
    /// RFC 3339 with offset when one is known (`2023-05-10T09:00:00+00:00`), a naive
    /// ISO 8601 date-time when not, and `YYYY-MM-DD` for date-only values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.date_only {
            return write!(f, "{}", self.datetime.date());
        }
        write!(f, "{}", self.datetime.strftime("%Y-%m-%dT%H:%M:%S"))?;
        if let Some(off) = self.offset {
            let secs = off.seconds();
            let sign = if secs < 0 { '-' } else { '+' };
            let secs = secs.abs();
            write!(f, "{sign}{:02}:{:02}", secs / 3600, (secs % 3600) / 60)?;
        }
        Ok(())
    }
}

impl Serialize for When {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where a field's value came from, so readers can trust the card and authors know what to fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Provenance {
    pub source: Source,
    /// 1-based line in the file (front matter key or text line), when there is one.
    pub line: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// A key in the YAML front matter.
    FrontMatter,
    /// Read from the Markdown text.
    Text,
    /// Computed from other fields (e.g. duration from start and end).
    Derived,
    /// Taken from incidex.yaml (e.g. the default timezone).
    Config,
}

impl Source {
    /// The name it serialises as (`front-matter`, `text`, `derived`, `config`).
    pub fn as_str(self) -> &'static str {
        match self {
            Source::FrontMatter => "front-matter",
            Source::Text => "text",
            Source::Derived => "derived",
            Source::Config => "config",
        }
    }
}

impl Provenance {
    pub fn front_matter(line: Option<u32>) -> Self {
        Provenance {
            source: Source::FrontMatter,
            line,
        }
    }
    pub fn text(line: u32) -> Self {
        Provenance {
            source: Source::Text,
            line: Some(line),
        }
    }
    pub fn derived() -> Self {
        Provenance {
            source: Source::Derived,
            line: None,
        }
    }
    pub fn config() -> Self {
        Provenance {
            source: Source::Config,
            line: None,
        }
    }

    /// A short phrase for the page: "from front matter", "from line 7", "computed".
    pub fn describe(&self) -> String {
        match (self.source, self.line) {
            (Source::FrontMatter, _) => "from front matter".to_string(),
            (Source::Text, Some(l)) => format!("inferred from line {l}"),
            (Source::Text, None) => "inferred from the text".to_string(),
            (Source::Derived, _) => "computed".to_string(),
            (Source::Config, _) => "from incidex.yaml".to_string(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Impact {
    /// Share of users affected, 0–100.
    pub percent: Option<f64>,
    /// Number of users affected, when stated as a count.
    pub users: Option<u64>,
    /// Services the incident affected.
    pub services: Vec<String>,
    /// One line describing the impact.
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RootCause {
    /// A taxonomy slug such as `load-balancer`.
    pub category: Option<String>,
    /// The sentence that states the cause.
    pub summary: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEvent {
    /// The event's instant, resolved against the incident's date; `None` when the text
    /// gives only an approximate or partial time.
    pub at: Option<When>,
    /// The time as written ("10:05 AM", "~5:00 PM").
    pub time_text: String,
    pub text: String,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionItem {
    pub text: String,
    /// `Some(true)` for a checked task-list item (`- [x]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done: Option<bool>,
    pub line: Option<u32>,
}

/// The fields of one incident: the `inspect --json` record, minus path and diagnostics.
///
/// Every field is optional; an absent field stays empty rather than guessed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Record {
    pub title: Option<String>,
    pub start: Option<When>,
    pub end: Option<When>,
    /// The zone as the text names it ("UTC", "PDT", "+01:00").
    pub timezone: Option<String>,
    /// End minus start when both are known, else the stated duration.
    pub duration_minutes: Option<i64>,
    /// The duration as the text states it ("approximately 16 hours" → 960).
    pub stated_duration_minutes: Option<i64>,
    pub impact: Impact,
    pub root_cause: RootCause,
    pub contributing_factors: Vec<String>,
    pub severity: Option<String>,
    pub services: Vec<String>,
    pub detection: Option<String>,
    pub resolution: Option<String>,
    pub timeline: Vec<TimelineEvent>,
    pub action_items: Vec<ActionItem>,
    pub lessons: Vec<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub status: Option<String>,
    /// Field name (`start`, `impact.percent`, ...) → where its value came from. Names are
    /// nearly always the extractors' literals: borrowed, they cost no allocation (about a
    /// dozen per record, tens of MB across a 100k archive).
    pub provenance: BTreeMap<Cow<'static, str>, Provenance>,
}

impl Record {
    /// Record where `field` came from. Field names follow the JSON schema with dots for
    /// nested fields (`impact.percent`, `root_cause.category`).
    pub fn note(&mut self, field: impl Into<Cow<'static, str>>, provenance: Provenance) {
        self.provenance.insert(field.into(), provenance);
    }

    pub fn provenance_of(&self, field: &str) -> Option<&Provenance> {
        self.provenance.get(field)
    }

    /// All services touched: the front-matter/extracted `services` plus `impact.services`,
    /// deduplicated, first-seen order.
    pub fn all_services(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in self.services.iter().chain(self.impact.services.iter()) {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(s)) {
                out.push(s.clone());
            }
        }
        out
    }
}

/// One heading of the rendered body, for the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A postmortem's body HTML and plain text, held from loading to the end of a build and
/// read once or twice (its page; similar incidents and search). About 9 KB of the ~22 KB
/// each postmortem holds: half a gigabyte at 100,000 postmortems, so a large archive holds
/// them LZ4-compressed, 2.3× smaller ([`compress_for`]). A smaller one holds them as they
/// are: at 10,000 postmortems compressing and decompressing cost ~5 % of the build's CPU
/// time to save ~40 MB. Compares and serialises as the plain string.
#[derive(Clone)]
pub enum HeldText {
    Plain(Box<str>),
    /// `lz4_flex::compress_prepend_size` of the UTF-8 text.
    Lz4(Box<[u8]>),
}

/// Archives of more postmortems than this hold their texts compressed ([`HeldText`]):
/// below it, what compression saves (~4.6 KB per postmortem) is under ~90 MB.
pub const COMPRESS_TEXT_ABOVE: usize = 20_000;

/// Whether an archive of `postmortems` holds its texts compressed.
pub fn compress_for(postmortems: usize) -> bool {
    postmortems > COMPRESS_TEXT_ABOVE
}

impl Default for HeldText {
    fn default() -> Self {
        HeldText::Plain(Box::from(""))
    }
}

impl HeldText {
    pub fn new(text: String, compress: bool) -> Self {
        if compress {
            HeldText::Lz4(lz4_flex::compress_prepend_size(text.as_bytes()).into_boxed_slice())
        } else {
            HeldText::Plain(text.into_boxed_str())
        }
    }

    /// The text. Decompressing is a few GB/s: cheap next to anything done with it.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            HeldText::Plain(text) => Cow::Borrowed(text),
            // Only `new` makes `Lz4`, from valid UTF-8: neither step can fail.
            HeldText::Lz4(packed) => Cow::Owned(
                lz4_flex::decompress_size_prepended(packed)
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .unwrap_or_default(),
            ),
        }
    }

    /// `text`, held the way this one is.
    pub fn replaced(&self, text: String) -> HeldText {
        HeldText::new(text, matches!(self, HeldText::Lz4(_)))
    }
}

/// Plain: what tests and one-off postmortems make.
impl From<String> for HeldText {
    fn from(text: String) -> Self {
        HeldText::new(text, false)
    }
}

impl From<&str> for HeldText {
    fn from(text: &str) -> Self {
        HeldText::new(text.to_string(), false)
    }
}

impl PartialEq for HeldText {
    fn eq(&self, other: &Self) -> bool {
        self.text() == other.text()
    }
}

impl Eq for HeldText {}

impl std::fmt::Debug for HeldText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("HeldText").field(&self.text()).finish()
    }
}

impl Serialize for HeldText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

/// A postmortem ready to be shown: its record plus what the page needs.
#[derive(Debug, Clone, Serialize)]
pub struct Postmortem {
    /// Path relative to the content folder, `/`-separated.
    pub path: String,
    /// URL-safe identifier; the page lives at `incidents/<slug>/`.
    pub slug: String,
    /// Title to display: the record's title, else the file name.
    pub title: String,
    pub draft: bool,
    pub record: Record,
    /// Sanitised HTML of the Markdown body.
    pub body_html: HeldText,
    pub toc: Vec<TocEntry>,
    /// Body as plain text, for search and snippets.
    pub plain_text: HeldText,
    /// Front matter keys incidex does not know, kept for themes.
    pub extra: BTreeMap<String, serde_json::Value>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Postmortem {
    /// Sort key: newest first, undated last, then by path for determinism.
    pub fn chronological_key(&self) -> (bool, i64, &str) {
        match &self.record.start {
            Some(w) => (false, -w.epoch_seconds(), self.path.as_str()),
            None => (true, 0, self.path.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_source_is_named_as_it_serialises() {
        for s in [Source::FrontMatter, Source::Text, Source::Derived, Source::Config] {
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.as_str()));
        }
    }

    #[test]
    fn held_text_gives_back_its_text_either_way_and_serialises_as_it() {
        let html = "<p>Checkout returned 502 for 40 minutes; café — ☕ — 日本語.</p>\n".repeat(40);
        for text in ["", "x", html.as_str()] {
            let plain = HeldText::new(text.to_string(), false);
            let packed = HeldText::new(text.to_string(), true);
            for held in [&plain, &packed] {
                assert_eq!(held.text(), text);
                assert_eq!(serde_json::to_value(held).unwrap(), serde_json::json!(text));
            }
            assert_eq!(plain, packed);
            assert_eq!(plain, HeldText::from(text));
            // A replacement is held as the text it replaces.
            assert!(matches!(packed.replaced(html.clone()), HeldText::Lz4(_)));
            assert!(matches!(plain.replaced(html.clone()), HeldText::Plain(_)));
        }
        assert_ne!(HeldText::from("a"), HeldText::new("b".into(), true));
        // What it is for: repetitive prose and markup take a fraction of their size.
        let HeldText::Lz4(packed) = HeldText::new(html.clone(), true) else {
            panic!("not compressed");
        };
        assert!(packed.len() * 4 < html.len());
        assert!(!compress_for(COMPRESS_TEXT_ABOVE) && compress_for(COMPRESS_TEXT_ABOVE + 1));
    }

    #[test]
    fn when_formats_as_rfc3339_with_offset() {
        let w = When::new(date(2023, 5, 10).at(9, 0, 0, 0), Some(Offset::constant(0)));
        assert_eq!(w.to_string(), "2023-05-10T09:00:00+00:00");
        let w = When::new(
            date(2023, 5, 10).at(9, 30, 0, 0),
            Some(Offset::from_seconds(-7 * 3600).unwrap()),
        );
        assert_eq!(w.to_string(), "2023-05-10T09:30:00-07:00");
        let ist = Offset::from_seconds(5 * 3600 + 1800).unwrap();
        assert_eq!(
            When::new(date(2024, 1, 2).at(23, 5, 0, 0), Some(ist)).to_string(),
            "2024-01-02T23:05:00+05:30"
        );
    }

    #[test]
    fn naive_and_date_only_values_say_so() {
        assert_eq!(
            When::new(date(2023, 5, 10).at(9, 0, 0, 0), None).to_string(),
            "2023-05-10T09:00:00"
        );
        assert_eq!(When::date(date(2022, 6, 10)).to_string(), "2022-06-10");
    }

    #[test]
    fn minutes_between_respects_offsets() {
        let a = When::new(date(2023, 6, 6).at(10, 0, 0, 0), Some(Offset::UTC));
        let b = When::new(
            date(2023, 6, 7).at(15, 0, 0, 0),
            Some(Offset::from_seconds(3600).unwrap()),
        );
        assert_eq!(a.minutes_until(&b), 28 * 60);
    }
}

//! Dates and times as written: ISO 8601 / RFC 3339 values from front matter, and (grown by
//! the text extractors) the free-form spellings found in postmortems.
//!
//! Every parser here returns `None` rather than guess.

use super::pattern;
use super::zone::{self, Zone};
use crate::model::When;
use crate::parse::Outline;
use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;
use regex::Regex;
use std::cell::OnceCell;
use std::sync::LazyLock;

/// A parsed value plus the zone label as written (`"UTC"`, `"+01:00"`), when one was.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub when: When,
    pub zone_label: Option<String>,
}

/// Parse an ISO-8601-like value: `2023-05-10`, `2023-05-10T09:00`, `2023-05-10 09:00:00Z`,
/// `2021-02-10T20:10:01.000Z`, `2024-11-05T05:44:00+00:00`, `2023-05-10 09:00 UTC`.
pub fn parse_iso(text: &str) -> Option<Parsed> {
    let t = text.trim();
    if t.len() < 10 {
        return None;
    }
    let date: Date = t.get(..10)?.parse().ok()?;
    let rest = t[10..].trim_start_matches(['T', 't', ' ']);
    if rest.is_empty() {
        return Some(Parsed {
            when: When::date(date),
            zone_label: None,
        });
    }
    // time part: HH:MM[:SS[.fff]]
    let time_len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
        .unwrap_or(rest.len());
    let time_str = &rest[..time_len];
    let mut parts = time_str.split(':');
    let h: i8 = parts.next()?.parse().ok()?;
    let m: i8 = parts.next()?.parse().ok()?;
    let s: i8 = match parts.next() {
        Some(sec) => sec.split('.').next()?.parse().ok()?,
        None => 0,
    };
    let dt: DateTime = date.to_datetime(jiff::civil::Time::new(h, m, s, 0).ok()?);
    let zone_text = rest[time_len..]
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    if zone_text.is_empty() {
        return Some(Parsed {
            when: When::new(dt, None),
            zone_label: None,
        });
    }
    let z = zone::parse_zone_name(zone_text)?;
    let offset = match &z {
        Zone::Fixed(o) => *o,
        Zone::Iana(_) => z.offset_at(dt),
    };
    let label = if zone_text.eq_ignore_ascii_case("z") {
        "UTC".to_string()
    } else {
        zone_text.to_string()
    };
    Some(Parsed {
        when: When::new(dt, Some(offset)),
        zone_label: Some(label),
    })
}

/// A calendar date as written; the year may be missing ("August 26").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateHit {
    pub start: usize,
    pub end: usize,
    pub year: Option<i16>,
    pub month: i8,
    pub day: i8,
    /// `03/04/2024`: day and month cannot be told apart; no value may be taken from it.
    pub ambiguous: bool,
}

impl DateHit {
    /// The date, taking `default_year` when the text gives none.
    pub fn resolve(&self, default_year: Option<i16>) -> Option<Date> {
        if self.ambiguous {
            return None;
        }
        Date::new(self.year.or(default_year)?, self.month, self.day).ok()
    }
}

/// A zone named right after a time: its label as written and its offset.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneHit {
    pub label: String,
    pub zone: Zone,
}

/// A clock time as written ("10:05 AM", "14:30 UTC", "1pm", "14:??").
#[derive(Debug, Clone, PartialEq)]
pub struct TimeHit {
    pub start: usize,
    pub end: usize,
    pub hour: i8,
    pub minute: i8,
    pub second: i8,
    /// Minutes unknown ("14:??"): the event has no instant.
    pub partial: bool,
    /// Written with AM/PM.
    pub twelve_hour: bool,
    pub zone: Option<ZoneHit>,
}

/// A date, a time, or both, next to each other in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    pub start: usize,
    pub end: usize,
    pub date: Option<DateHit>,
    pub time: Option<TimeHit>,
}

impl Moment {
    pub fn zone(&self) -> Option<&ZoneHit> {
        self.time.as_ref().and_then(|t| t.zone.as_ref())
    }
}

const MONTH: &str = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";

const ISO_DATE_RE: &str = r"\b(\d{4})-(\d{1,2})-(\d{1,2})(?:\b|T)";
const NUMERIC_DATE_RE: &str = r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b";
const TIME_12H_RE: &str = r"(?i)\b(\d{1,2})(?::(\d{2}|\?\?))?(?::(\d{2}))?\s*([ap])\.?m\b\.?";
const TIME_24H_RE: &str = r"(?:\b|T)(\d{1,2}):(\d{2}|\?\?)(?::(\d{2})(?:\.\d+)?)?(?:\b|Z|\s|$)";

fn month_first_re() -> String {
    format!(r"(?i)\b{MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(\d{{4}})\b)?")
}

fn day_first_re() -> String {
    format!(r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?{MONTH}\b(?:,?\s*(\d{{4}})\b)?")
}

/// One pattern matching where any of `parts` matches, each with its own flags.
fn any_of(parts: &[&str]) -> Regex {
    pattern(
        &parts
            .iter()
            .map(|p| format!("(?:{p})"))
            .collect::<Vec<_>>()
            .join("|"),
    )
}

static ISO_DATE: LazyLock<Regex> = LazyLock::new(|| pattern(ISO_DATE_RE));
static MONTH_FIRST: LazyLock<Regex> = LazyLock::new(|| pattern(&month_first_re()));
static DAY_FIRST: LazyLock<Regex> = LazyLock::new(|| pattern(&day_first_re()));
static NUMERIC_DATE: LazyLock<Regex> = LazyLock::new(|| pattern(NUMERIC_DATE_RE));
/// Whether a line holds any date at all: one scan without captures, where the four
/// spellings above cost four scans with captures. Most lines with a digit have no date
/// (timeline entries, percentages), so [`find_dates`] asks this first.
static ANY_DATE: LazyLock<Regex> =
    LazyLock::new(|| any_of(&[ISO_DATE_RE, &month_first_re(), &day_first_re(), NUMERIC_DATE_RE]));
static TIME_12H: LazyLock<Regex> = LazyLock::new(|| pattern(TIME_12H_RE));
static TIME_24H: LazyLock<Regex> = LazyLock::new(|| pattern(TIME_24H_RE));
static ZONE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^\s*[(\[]?\s*(?:((?:UTC|GMT)\s*[+\-−]\s*\d{1,2}(?::?\d{2})?)|([+\-−]\d{2}:?\d{2})|((?:Eastern|Central|Mountain|Pacific|Coordinated Universal|Greenwich Mean|Central European|West Africa|East Africa|India) (?:Standard |Daylight |Summer )?Time)|([A-Z]{1,5})\b|([A-Z][a-z]+/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?))\s*[)\]]?",
    )
});

fn month_number(name: &str) -> Option<i8> {
    let m = name.to_ascii_lowercase();
    let idx = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|p| m.starts_with(p))?;
    Some(idx as i8 + 1)
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Whether `text` holds an ASCII digit. Every date and time spelling has one, and most
/// prose lines have none, so this runs on every line read: the bytes are tested sixteen at
/// a time without stopping inside a block (which the compiler turns into vector compares),
/// where `bytes().any(..)` tests and branches byte by byte.
pub(crate) fn has_ascii_digit(text: &str) -> bool {
    text.as_bytes()
        .chunks(16)
        .any(|block| block.iter().fold(false, |seen, b| seen | b.is_ascii_digit()))
}

/// Whether `text` may hold a match of [`TIME_12H`]: that needs an `am`/`pm` (any case, a
/// dot allowed between the letters) ending a word, right after a digit or `??` with only
/// white space between. Most lines with a digit have none, where the pattern itself, having
/// no literal to look for, scans the whole line. Exact as a filter: it rejects only text
/// the pattern cannot match (the `twelve_hour_prefilter` tests); a non-ASCII byte before
/// the letters (a Unicode digit or space) is let through to the pattern.
fn may_hold_twelve_hour_time(text: &str) -> bool {
    let b = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let is_ap = |c: u8| matches!(c, b'a' | b'A' | b'p' | b'P');
    (1..b.len()).any(|k| {
        if !matches!(b[k], b'm' | b'M') || b.get(k + 1).is_some_and(|&c| word(c)) {
            return false;
        }
        let ap = if is_ap(b[k - 1]) {
            k - 1
        } else if b[k - 1] == b'.' && k >= 2 && is_ap(b[k - 2]) {
            k - 2
        } else {
            return false;
        };
        let before = b[..ap]
            .iter()
            .rposition(|&c| !(c.is_ascii() && (c as char).is_whitespace()));
        before.is_some_and(|j| b[j].is_ascii_digit() || b[j] == b'?' || !b[j].is_ascii())
    })
}

/// Every date written in `text`, in order, non-overlapping.
pub fn find_dates(text: &str) -> Vec<DateHit> {
    let mut hits: Vec<DateHit> = Vec::new();
    // Every spelling has a digit; most prose lines have none.
    if !has_ascii_digit(text) || !ANY_DATE.is_match(text) {
        return hits;
    }
    let push = |h: DateHit, hits: &mut Vec<DateHit>| {
        if !(1..=12).contains(&h.month) || !(1..=31).contains(&h.day) {
            return;
        }
        if hits.iter().any(|o| overlaps((o.start, o.end), (h.start, h.end))) {
            return;
        }
        hits.push(h);
    };
    for c in ISO_DATE.captures_iter(text) {
        let m = c.get(0).expect("match");
        let end = if m.as_str().ends_with('T') {
            m.end() - 1
        } else {
            m.end()
        };
        push(
            DateHit {
                start: m.start(),
                end,
                year: c[1].parse().ok(),
                month: c[2].parse().unwrap_or(0),
                day: c[3].parse().unwrap_or(0),
                ambiguous: false,
            },
            &mut hits,
        );
    }
    // "May 10" and "10 May": the same fields in other capture groups (month, day).
    for (re, month_at, day_at) in [(&*MONTH_FIRST, 1, 2), (&*DAY_FIRST, 2, 1)] {
        for c in re.captures_iter(text) {
            let m = c.get(0).expect("match");
            push(
                DateHit {
                    start: m.start(),
                    end: m.end(),
                    year: c.get(3).and_then(|y| y.as_str().parse().ok()),
                    month: month_number(&c[month_at]).unwrap_or(0),
                    day: c[day_at].parse().unwrap_or(0),
                    ambiguous: false,
                },
                &mut hits,
            );
        }
    }
    for c in NUMERIC_DATE.captures_iter(text) {
        let m = c.get(0).expect("match");
        let a: i8 = c[1].parse().unwrap_or(0);
        let b: i8 = c[2].parse().unwrap_or(0);
        let year = c[3].parse().ok();
        // Day-first when the first number cannot be a month, month-first when the second
        // cannot be; otherwise nobody can tell.
        // Dots are the day-first convention (12.03.2025 is 12 March).
        let dotted = m.as_str().contains('.');
        let (month, day, ambiguous) = if a > 12 || dotted {
            (b, a, false)
        } else if b > 12 {
            (a, b, false)
        } else {
            (a, b, a != b)
        };
        push(
            DateHit {
                start: m.start(),
                end: m.end(),
                year,
                month,
                day,
                ambiguous,
            },
            &mut hits,
        );
    }
    hits.sort_by_key(|h| h.start);
    hits
}

/// Whether `rest` can open as [`ZONE_AFTER`] reads a zone: after white space, one optional
/// bracket and white space, every spelling it knows starts with an ASCII capital or a sign
/// (`+`, `-`, `−`). Most times are followed by words or punctuation ("10:05 — paged"), so
/// [`zone_after`] asks this before its capture scan.
fn may_open_with_zone(rest: &str) -> bool {
    // `trim_start` strips White_Space, the class the pattern's `\s` is (a test checks).
    let r = rest.trim_start();
    let r = r.strip_prefix(['(', '[']).unwrap_or(r).trim_start();
    r.starts_with(|c: char| c.is_ascii_uppercase() || matches!(c, '+' | '-' | '−'))
}

/// The zone named at the start of `rest` (right after a time), with the bytes it spans.
pub fn zone_after(rest: &str) -> Option<(ZoneHit, usize)> {
    if !may_open_with_zone(rest) {
        return None;
    }
    let c = ZONE_AFTER.captures(rest)?;
    let whole = c.get(0)?;
    let label_m = c.get(1).or(c.get(2)).or(c.get(3)).or(c.get(4)).or(c.get(5))?;
    let label = label_m.as_str().trim().replace('−', "-");
    let zone = zone::parse_zone_name(&label)?;
    let label = if label == "Z" { "UTC".to_string() } else { label };
    // An opening bracket must be closed, or the zone belongs to something else.
    let text = whole.as_str();
    let opened = text.trim_start().starts_with(['(', '[']);
    let closed = text.trim_end().ends_with([')', ']']);
    let len = if opened && !closed {
        return None;
    } else if !opened && closed {
        whole.as_str().trim_end_matches([')', ']']).len()
    } else {
        whole.end()
    };
    Some((ZoneHit { label, zone }, len))
}

/// Every clock time written in `text`, in order, each with the zone named right after it.
pub fn find_times(text: &str) -> Vec<TimeHit> {
    find_times_with(text, &find_dates(text))
}

/// Byte offsets of a part of a text.
type Span = std::ops::Range<usize>;

/// The groups of a clock time as written, as byte ranges of the text: the hour, the minute
/// (`05` or `??`), the second, and the a/p of a 12-hour time.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ClockParts {
    hour: Span,
    minute: Option<Span>,
    second: Option<Span>,
    ap: Option<Span>,
}

/// The groups of `m`, a match of `re` in `text`, as the regex reports them (groups 1 to 4
/// of [`TIME_12H`]; [`TIME_24H`] has no fourth).
fn parts_from_captures(re: &Regex, text: &str, m: regex::Match<'_>) -> ClockParts {
    // The match at `m.start()` is `m` itself: searching from there finds it first.
    let c = re
        .captures_at(text, m.start())
        .expect("a match is found from its own start");
    ClockParts {
        hour: c.get(1).expect("hour").range(),
        minute: c.get(2).map(|g| g.range()),
        second: c.get(3).map(|g| g.range()),
        ap: c.get(4).map(|g| g.range()),
    }
}

// Why the two readers below: asking the regex for groups runs a second, slower engine over
// each match, and every timeline line has a time. For an ASCII match of these two patterns
// the groups follow from the match text alone: each optional group is there exactly when
// the character it starts with (`:`) is at its place, since no other way through the
// pattern can go on from a `:` there. A match with other characters (a Unicode digit or
// space) is read by the regex. The `clock_parts_are_the_regex_groups` property test checks
// both readers against the regex.

/// [`parts_from_captures`] of a [`TIME_12H`] match:
/// `\b(\d{1,2})(?::(\d{2}|\?\?))?(?::(\d{2}))?\s*([ap])\.?m\b\.?`.
fn twelve_hour_parts(text: &str, m: regex::Match<'_>) -> ClockParts {
    if !m.as_str().is_ascii() {
        return parts_from_captures(&TIME_12H, text, m);
    }
    let (s, at) = (m.as_str().as_bytes(), m.start());
    // The hour takes every digit there is (at most two): none can start what follows it.
    let mut i = s.iter().take(2).take_while(|b| b.is_ascii_digit()).count();
    let hour = at..at + i;
    let mut field = || {
        (s.get(i) == Some(&b':')).then(|| {
            i += 3;
            at + i - 2..at + i
        })
    };
    let minute = field();
    let second = field();
    while (s[i] as char).is_whitespace() {
        i += 1;
    }
    ClockParts {
        hour,
        minute,
        second,
        ap: Some(at + i..at + i + 1),
    }
}

/// [`parts_from_captures`] of a [`TIME_24H`] match:
/// `(?:\b|T)(\d{1,2}):(\d{2}|\?\?)(?::(\d{2})(?:\.\d+)?)?(?:\b|Z|\s|$)`.
fn twenty_four_hour_parts(text: &str, m: regex::Match<'_>) -> ClockParts {
    if !m.as_str().is_ascii() {
        return parts_from_captures(&TIME_24H, text, m);
    }
    let (s, at) = (m.as_str().as_bytes(), m.start());
    // A match opening with `T` took the `T` branch: the `\b` branch needs a digit there.
    let t = usize::from(s[0] == b'T');
    let colon = t + s[t..].iter().take(2).take_while(|b| b.is_ascii_digit()).count();
    ClockParts {
        hour: at + t..at + colon,
        minute: Some(at + colon + 1..at + colon + 3),
        second: (s.get(colon + 3) == Some(&b':')).then(|| at + colon + 4..at + colon + 6),
        ap: None,
    }
}

/// [`find_times`] given the [`find_dates`] of `text`.
pub fn find_times_with(text: &str, dates: &[DateHit]) -> Vec<TimeHit> {
    let mut hits: Vec<TimeHit> = Vec::new();
    if !has_ascii_digit(text) {
        return hits;
    }
    if may_hold_twelve_hour_time(text) {
        for m in TIME_12H.find_iter(text) {
            let p = twelve_hour_parts(text, m);
            let group = |r: Option<Span>| r.map(|r| &text[r]);
            let h: i8 = text[p.hour].parse().unwrap_or(99);
            if !(1..=12).contains(&h) {
                continue;
            }
            let partial = group(p.minute.clone()) == Some("??");
            let minute: i8 = if partial {
                0
            } else {
                group(p.minute).and_then(|m| m.parse().ok()).unwrap_or(0)
            };
            let second: i8 = group(p.second).and_then(|m| m.parse().ok()).unwrap_or(0);
            if minute > 59 || second > 59 {
                continue;
            }
            let pm = group(p.ap).is_some_and(|a| a.eq_ignore_ascii_case("p"));
            let hour = match (h, pm) {
                (12, false) => 0,
                (12, true) => 12,
                (h, true) => h + 12,
                (h, false) => h,
            };
            hits.push(TimeHit {
                start: m.start(),
                end: m.end(),
                hour,
                minute,
                second,
                partial,
                twelve_hour: true,
                zone: None,
            });
        }
    }
    for m in TIME_24H.find_iter(text) {
        let p = twenty_four_hour_parts(text, m);
        let minute_text = &text[p.minute.clone().expect("minute")];
        let mut end = p.second.as_ref().or(p.minute.as_ref()).expect("minute").end;
        // fractional seconds
        if let Some(frac) = text[end..].strip_prefix('.') {
            let n = frac.chars().take_while(|c| c.is_ascii_digit()).count();
            end += 1 + n;
        }
        let span = (p.hour.start, end);
        if hits.iter().any(|o| overlaps((o.start, o.end), span)) {
            continue;
        }
        let hour: i8 = text[p.hour].parse().unwrap_or(99);
        let partial = minute_text == "??";
        let minute: i8 = if partial {
            0
        } else {
            minute_text.parse().unwrap_or(99)
        };
        let second: i8 = p.second.and_then(|r| text[r].parse().ok()).unwrap_or(0);
        if hour > 23 || minute > 59 || second > 59 {
            continue;
        }
        hits.push(TimeHit {
            start: span.0,
            end: span.1,
            hour,
            minute,
            second,
            partial,
            twelve_hour: false,
            zone: None,
        });
    }
    hits.retain(|t| !dates.iter().any(|d| overlaps((d.start, d.end), (t.start, t.end))));
    hits.sort_by_key(|h| h.start);
    for t in &mut hits {
        if let Some((z, len)) = zone_after(&text[t.end..]) {
            // "23:40-01:15" is a range, not a -01:15 offset; an ISO offset comes with
            // seconds ("05:44:00-05:00") or a plus sign.
            let bare_minus = text[t.end..].starts_with(['-', '−']);
            let with_seconds = text[t.start..t.end].matches(':').count() >= 2;
            if bare_minus && !with_seconds {
                continue;
            }
            t.zone = Some(z);
            t.end += len;
        }
    }
    // A zone can swallow the start of the next hit ("10:00 UTC" then "UTC+1" never
    // overlap in practice); keep spans disjoint anyway.
    let mut out: Vec<TimeHit> = Vec::new();
    for t in hits {
        if out.last().is_none_or(|p| p.end <= t.start) {
            out.push(t);
        }
    }
    out
}

static DATE_TIME_GAP: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?i)^[\s,]*(?:at\s+|@\s*|~\s*|T|-\s+)?$"));
static TIME_DATE_GAP: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?i)^[\s,]*(?:on\s+(?:\w+day,?\s+)?)?$"));

/// Dates and times of `text` paired into moments ("May 10, 2023, 09:00 AM",
/// "00:30 UTC on August 15"), in order.
pub fn find_moments(text: &str) -> Vec<Moment> {
    find_moments_with(text, &find_dates(text))
}

/// [`find_moments`] given the [`find_dates`] of `text`.
pub fn find_moments_with(text: &str, dates: &[DateHit]) -> Vec<Moment> {
    // No date and no digit (so no time): nothing to pair. Most lines are such prose.
    if dates.is_empty() && !has_ascii_digit(text) {
        return Vec::new();
    }
    let times = find_times_with(text, dates);
    let mut items: Vec<(usize, Option<DateHit>, Option<TimeHit>)> = dates
        .iter()
        .map(|d| (d.start, Some(*d), None))
        .chain(times.into_iter().map(|t| (t.start, None, Some(t))))
        .collect();
    items.sort_by_key(|i| i.0);
    let mut out: Vec<Moment> = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let (_, d, t) = items[i].clone();
        match (d, t) {
            (Some(d), _) => {
                if let Some((_, None, Some(t))) = items.get(i + 1) {
                    // Hits may overlap (fuzzing: "08:15:00+0124-03-02"); then they do not pair.
                    if text
                        .get(d.end..t.start)
                        .is_some_and(|g| DATE_TIME_GAP.is_match(g))
                    {
                        out.push(Moment {
                            start: d.start,
                            end: t.end,
                            date: Some(d),
                            time: Some(t.clone()),
                        });
                        i += 2;
                        continue;
                    }
                }
                out.push(Moment {
                    start: d.start,
                    end: d.end,
                    date: Some(d),
                    time: None,
                });
            }
            (None, Some(t)) => {
                if let Some((_, Some(d), None)) = items.get(i + 1) {
                    if text
                        .get(t.end..d.start)
                        .is_some_and(|g| TIME_DATE_GAP.is_match(g))
                    {
                        out.push(Moment {
                            start: t.start,
                            end: d.end,
                            date: Some(*d),
                            time: Some(t),
                        });
                        i += 2;
                        continue;
                    }
                }
                out.push(Moment {
                    start: t.start,
                    end: t.end,
                    date: None,
                    time: Some(t),
                });
            }
            (None, None) => {}
        }
        i += 1;
    }
    // A zone written after a date that follows its time ("10:00 on May 1 UTC").
    for m in &mut out {
        if let (Some(t), Some(d)) = (&mut m.time, &m.date) {
            if t.zone.is_none() && d.end == m.end {
                if let Some((z, len)) = text.get(m.end..).and_then(zone_after) {
                    t.zone = Some(z);
                    m.end += len;
                }
            }
        }
    }
    out
}

/// The dates and moments of each line of an outline, each read on first use and kept: the
/// window, the timeline and the ambiguous-date check read the same lines, and reading a
/// line is several pattern scans.
#[derive(Debug, Default)]
pub struct LineReadings {
    dates: Vec<OnceCell<Vec<DateHit>>>,
    moments: Vec<OnceCell<Vec<Moment>>>,
}

impl LineReadings {
    /// Nothing read yet, a slot per line of `outline`.
    pub fn new(outline: &Outline) -> Self {
        let n = outline.lines.len();
        LineReadings {
            dates: vec![OnceCell::new(); n],
            moments: vec![OnceCell::new(); n],
        }
    }

    /// [`find_dates`] of line `i` of `outline` (the outline these readings were made for).
    pub fn dates(&self, outline: &Outline, i: usize) -> &[DateHit] {
        self.dates[i].get_or_init(|| find_dates(&outline.lines[i].text))
    }

    /// [`find_moments`] of line `i` of `outline` (the outline these readings were made for).
    pub fn moments(&self, outline: &Outline, i: usize) -> &[Moment] {
        self.moments[i].get_or_init(|| find_moments_with(&outline.lines[i].text, self.dates(outline, i)))
    }
}

static RANGE_GAP: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)^[\s,]*(?:-|–|—|to|until|till|through|thru|and)[\s,]*(?:on\s+)?$"));

/// Two moments joined as a range ("10:00 AM - 12:30 PM", "from X to Y", "between X and Y").
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    pub from: Moment,
    pub to: Moment,
}

/// Ranges in `text` whose both ends carry a time.
pub fn find_ranges(text: &str) -> Vec<Range> {
    ranges_among(text, &find_moments(text))
}

/// Ranges formed by `moments` (found in `text`).
pub fn ranges_among(text: &str, moments: &[Moment]) -> Vec<Range> {
    let mut out = Vec::new();
    for w in moments.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if a.time.is_none() || b.time.is_none() {
            continue;
        }
        // Moments can overlap once a zone after a date has extended one (found by fuzzing:
        // "08:15:00+0124-03-02 09:40 UTC"); overlapping moments are not a range.
        let Some(gap) = text.get(a.end..b.start) else {
            continue;
        };
        if RANGE_GAP.is_match(gap) {
            // "between X and Y" needs "between"; a bare "and" joins lists, not ranges.
            let bare_and = gap.trim().eq_ignore_ascii_case("and");
            if bare_and
                && !text[..a.start]
                    .to_ascii_lowercase()
                    .trim_end()
                    .ends_with("between")
            {
                continue;
            }
            out.push(Range {
                from: a.clone(),
                to: b.clone(),
            });
        }
    }
    out
}

/// Build the instant of a moment: its own date (or `date`), its own zone (or `zone`).
pub fn instant(date: Date, t: &TimeHit, zone: Option<&Zone>) -> Option<When> {
    let dt = date.to_datetime(jiff::civil::Time::new(t.hour, t.minute, t.second, 0).ok()?);
    let offset: Option<Offset> = t.zone.as_ref().map(|z| &z.zone).or(zone).map(|z| z.offset_at(dt));
    Some(When::new(dt, offset))
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_any_date_prefilter_passes_every_line_a_date_spelling_matches() {
        // The union must keep each spelling's own flags: (?i) in the month patterns must
        // not leak into, or be lost from, the others.
        let lines = [
            "MAY 10, 2023 at 09:00",
            "10th of SEPT",
            "2024-02-29T10:00",
            "on 12.03.2025 we",
            "3/4/2021",
            "sept 9th",
            "at 10:05 AM: paged",
            "30% of users for 2 hours",
            "v1.13.2 rollout",
            "mayday 10",
            "2023-13-45 is no date",
        ];
        for line in lines {
            let any_spelling = [&*ISO_DATE, &*MONTH_FIRST, &*DAY_FIRST, &*NUMERIC_DATE]
                .iter()
                .any(|re| re.is_match(line));
            assert_eq!(ANY_DATE.is_match(line), any_spelling, "{line}");
        }
        // And it does skip lines with digits but no date.
        assert!(!ANY_DATE.is_match("at 10:05 AM: paged"));
        assert!(find_dates("at 10:05 AM: paged").is_empty());
        assert_eq!(find_dates("MAY 10, 2023 at 09:00")[0].year, Some(2023));
    }

    proptest::proptest! {
        #[test]
        fn has_ascii_digit_is_any_byte_a_digit(text in r"\PC{0,40}") {
            proptest::prop_assert_eq!(has_ascii_digit(&text), text.bytes().any(|b| b.is_ascii_digit()));
        }

        /// The date prefilter never rejects text a spelling accepts, over text made of
        /// what dates are made of (digits, separators, words, ordinal suffixes).
        #[test]
        fn any_date_agrees_with_the_spellings(line in r"[0-9/.\- ,]{0,14}(?:[A-Za-z]{0,9}[0-9 ,stndrh]{0,9})?") {
            let any_spelling = [&*ISO_DATE, &*MONTH_FIRST, &*DAY_FIRST, &*NUMERIC_DATE]
                .iter()
                .any(|re| re.is_match(&line));
            proptest::prop_assert_eq!(ANY_DATE.is_match(&line), any_spelling);
        }
    }

    #[test]
    fn the_prefilters_see_the_same_letters_and_spaces_as_the_patterns() {
        // Every character: `\s` is what `trim_start` strips (char::is_whitespace), and
        // case folding makes a/p/m match only their ASCII capitals.
        let space = Regex::new(r"^\s$").unwrap();
        let ap = Regex::new(r"(?i)^[ap]$").unwrap();
        let m = Regex::new(r"(?i)^m$").unwrap();
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            let s = c.to_string();
            assert_eq!(space.is_match(&s), c.is_whitespace(), "{c:?}");
            assert_eq!(ap.is_match(&s), matches!(c, 'a' | 'A' | 'p' | 'P'), "{c:?}");
            assert_eq!(m.is_match(&s), matches!(c, 'm' | 'M'), "{c:?}");
        }
    }

    #[test]
    fn twelve_hour_prefilter_examples() {
        for yes in [
            "9pm",
            "10:05 AM",
            "1 p.m.",
            "12:?? pm",
            "3\u{a0}pm",
            "٣pm",
            "7\tam",
            "8 PM.",
            "5\u{b}pm",
        ] {
            assert!(may_hold_twelve_hour_time(yes), "{yes}");
            assert!(TIME_12H.is_match(yes) || !yes.is_ascii(), "{yes}");
        }
        for no in [
            "the team met at 9",
            "10:05 UTC",
            "5 amps",
            "pm 5",
            "10 a m",
            "12 pmx",
        ] {
            assert!(!may_hold_twelve_hour_time(no), "{no}");
            assert!(!TIME_12H.is_match(no), "{no}");
        }
    }

    #[test]
    fn zone_prefilter_examples() {
        for yes in [
            " UTC",
            " (PST)",
            "[ +02:00]",
            "−05:00",
            "\u{2009}Europe/Paris",
            " Eastern Time",
        ] {
            assert!(may_open_with_zone(yes), "{yes}");
        }
        for no in [" — paged", ": alert", " utc", "", " ((UTC)"] {
            assert!(!may_open_with_zone(no), "{no}");
            assert!(zone_after(no).is_none(), "{no}");
        }
    }

    proptest::proptest! {
        /// The 12-hour prefilter passes every text TIME_12H matches, over text made of
        /// what such times are made of, Unicode digits and spaces included.
        #[test]
        fn twelve_hour_prefilter_passes_every_match(
            text in r"(?:[0-9:?. aApPmMx_٣\u{a0}\u{2009}\t\x0B]|team|pm|AM|p\.m){0,12}"
        ) {
            proptest::prop_assert!(!TIME_12H.is_match(&text) || may_hold_twelve_hour_time(&text));
        }

        /// The zone prefilter passes every text ZONE_AFTER matches.
        #[test]
        fn zone_prefilter_passes_every_match(
            text in r"[ \t\u{a0}\u{2009}(\[]{0,4}(?:UTC|GMT|[A-Za-z]{1,6}|[+\-−][0-9]{2}:?[0-9]{2}|Eastern Time|Europe/Paris|—|:)?[ )\]a-z0-9]{0,4}"
        ) {
            proptest::prop_assert!(!ZONE_AFTER.is_match(&text) || may_open_with_zone(&text));
        }
    }

    proptest::proptest! {
        /// The clock readers give the groups the regex gives, match by match, over text
        /// made of what clock times are made of (Unicode digits and spaces included, which
        /// the readers hand to the regex).
        #[test]
        fn clock_parts_are_the_regex_groups(
            text in r"(?:[0-9:?.TZ aApPmMx\t\x0B]|٣|\u{a0}|12:30|9:05:17|pm|a\.m){0,14}"
        ) {
            for m in TIME_12H.find_iter(&text) {
                proptest::prop_assert_eq!(twelve_hour_parts(&text, m), parts_from_captures(&TIME_12H, &text, m));
            }
            for m in TIME_24H.find_iter(&text) {
                proptest::prop_assert_eq!(twenty_four_hour_parts(&text, m), parts_from_captures(&TIME_24H, &text, m));
            }
        }
    }

    #[test]
    fn clock_parts_of_every_shape() {
        for text in [
            "10:05 AM",
            "9pm",
            "12:?? p.m.",
            "7:05:09\tam",
            "T09:30:15.5Z",
            "23:59",
            "at 08:45 —",
            "1:02:03 ",
        ] {
            type Reader = fn(&str, regex::Match<'_>) -> ClockParts;
            let readers: [(&Regex, Reader); 2] = [
                (&TIME_12H, twelve_hour_parts),
                (&TIME_24H, twenty_four_hour_parts),
            ];
            for (re, read) in readers {
                for m in re.find_iter(text) {
                    assert_eq!(read(text, m), parts_from_captures(re, text, m), "{text}");
                }
            }
        }
    }

    #[test]
    fn overlapping_moments_are_not_a_range() {
        // Regression (fuzzing): this used to panic slicing text[a.end..b.start].
        for text in [
            "start: 2023-03-02T08:15:00+0124-03-02 09:40 UTC",
            "|02T08:15:00+0124-03-02 09:40 UTC",
        ] {
            let _ = find_ranges(text);
            let _ = find_moments(text);
        }
    }

    #[test]
    fn dates_in_many_spellings() {
        let d = |s: &str| {
            let h = find_dates(s);
            assert_eq!(h.len(), 1, "{s}: {h:?}");
            (h[0].year, h[0].month, h[0].day, h[0].ambiguous)
        };
        assert_eq!(d("on 2031-07-04 at noon"), (Some(2031), 7, 4, false));
        assert_eq!(d("Sept 9th, 2030"), (Some(2030), 9, 9, false));
        assert_eq!(d("Tuesday 2nd March 2032"), (Some(2032), 3, 2, false));
        assert_eq!(d("Friday 7. November 2031"), (Some(2031), 11, 7, false));
        assert_eq!(d("around October 30"), (None, 10, 30, false));
        assert_eq!(d("25/12/2030"), (Some(2030), 12, 25, false));
        assert_eq!(d("12/25/2030"), (Some(2030), 12, 25, false));
        assert_eq!(d("03/04/2030"), (Some(2030), 3, 4, true));
        assert_eq!(d("03.04.2030"), (Some(2030), 4, 3, false));
    }

    #[test]
    fn twelve_and_twenty_four_hour_clocks_with_zones() {
        let t = find_times("at 9:05 pm EST, then 21:40 (UTC) and 7am, 14:?? and 00:10+02:00");
        let got: Vec<(i8, i8, bool, Option<String>)> = t
            .iter()
            .map(|t| {
                (
                    t.hour,
                    t.minute,
                    t.partial,
                    t.zone.as_ref().map(|z| z.label.clone()),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (21, 5, false, Some("EST".into())),
                (21, 40, false, Some("UTC".into())),
                (7, 0, false, None),
                (14, 0, true, None),
                (0, 10, false, Some("+02:00".into())),
            ]
        );
        assert_eq!(find_times("12:15 AM")[0].hour, 0);
        assert_eq!(find_times("12:15 PM")[0].hour, 12);
        let z = find_times("3:00 PM Pacific Daylight Time")[0]
            .zone
            .clone()
            .unwrap();
        assert_eq!(z.label, "Pacific Daylight Time");
        assert!(find_times("version 1.13 and 25:99").is_empty());
        assert_eq!(
            find_times("07:58:00-05:00")[0].zone.as_ref().unwrap().label,
            "-05:00"
        );
        assert_eq!(
            find_times("07:58 (Europe/Paris)")[0].zone.as_ref().unwrap().label,
            "Europe/Paris"
        );
    }

    #[test]
    fn moments_pair_dates_with_times() {
        let m = find_moments("Sept 9th, 2030, 11:15 PM (GMT+01:00) and 04:10 UTC on Sept 10");
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].date.unwrap().day, 9);
        assert_eq!(m[0].zone().unwrap().label, "GMT+01:00");
        assert_eq!(m[1].date.unwrap().day, 10);
        assert_eq!(m[1].time.as_ref().unwrap().hour, 4);
        let iso = find_moments("{{< track \"2030-01-02T03:04:05.000Z\" >}}");
        assert_eq!(iso.len(), 1);
        assert_eq!(iso[0].time.as_ref().unwrap().minute, 4);
        assert_eq!(iso[0].zone().unwrap().label, "UTC");
    }

    #[test]
    fn ranges_need_a_connector() {
        assert_eq!(find_ranges("from 10:30 AM to 1:00 PM UTC on June 4").len(), 1);
        assert_eq!(find_ranges("between 9:00 and 9:45 CET").len(), 1);
        let r = &find_ranges("window 23:40-01:15 UTC")[0];
        assert!(r.from.zone().is_none());
        assert_eq!(r.to.zone().unwrap().label, "UTC");
        assert_eq!(
            find_ranges("Oct 1, 2031, 11:00 PM - Oct 2, 2031, 01:00 AM (UTC)").len(),
            1
        );
        assert!(find_ranges("alerts at 10:00 and 10:05").is_empty());
        assert!(find_ranges("10:00 alert fired. 11:00 fixed").is_empty());
    }

    #[test]
    fn iso_forms() {
        assert_eq!(parse_iso("2022-06-10").unwrap().when.to_string(), "2022-06-10");
        assert_eq!(
            parse_iso("2023-05-10T09:00").unwrap().when.to_string(),
            "2023-05-10T09:00:00"
        );
        let p = parse_iso("2021-02-10T20:10:01.000Z").unwrap();
        assert_eq!(p.when.to_string(), "2021-02-10T20:10:01+00:00");
        assert_eq!(p.zone_label.as_deref(), Some("UTC"));
        assert_eq!(
            parse_iso("2024-11-05T05:44:00+01:00").unwrap().when.to_string(),
            "2024-11-05T05:44:00+01:00"
        );
        assert_eq!(
            parse_iso("2023-05-10 09:00 PDT").unwrap().when.to_string(),
            "2023-05-10T09:00:00-07:00"
        );
    }

    #[test]
    fn nonsense_is_none() {
        for bad in [
            "",
            "TBD",
            "2023-13-01",
            "2023-05-10T25:00",
            "2023-05-10 09:00 Mars",
            "[Timestamp]",
        ] {
            assert!(parse_iso(bad).is_none(), "{bad}");
        }
    }
}

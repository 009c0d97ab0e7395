//! The incident window: start, end, timezone and duration, with their diagnostics.
//!
//! Sources, strongest first: front matter; labelled Start/End fields; a written range
//! ("May 10, 2023, 09:00 AM - May 11, 2023, 06:00 PM (UTC)", "from 10:30 AM to 1:00 PM
//! UTC on June 4") in a Duration field or the prose; and last the timeline (its first
//! event, and the event that ends the outage). The duration is computed from start and
//! end; a stated duration ("approximately 16 hours") is kept too and checked against it.
//! The configured default timezone is used only when the text names none, and then a
//! diagnostic says so.

use super::pattern;
use super::sections::{self, Kind, Part};
use super::when::{self, LineReadings, Moment, ZoneHit};
use super::{duration, placeholder, zone, Context};
use crate::diagnostic::Diagnostic;
use crate::model::{Provenance, Record, TimelineEvent, When};
use crate::parse::{LineKind, Outline};
use jiff::civil::Date;
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// What bare dates and times in the text are read against.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frame {
    /// The incident's date, when the text states one with its year.
    pub anchor: Option<Date>,
    /// The zone the document names for its times (or the configured default).
    pub zone: Option<ZoneHit>,
    /// Line where the zone was named.
    pub zone_line: Option<u32>,
    /// True when `zone` is the configured default, not something the text says.
    pub zone_assumed: bool,
    /// Per line of the outline: its dates and times are not the incident's window (see
    /// [`excluded`]). Read once here; [`apply`] asks it again for the same lines.
    pub excluded: Vec<bool>,
}

impl Frame {
    /// Whether outline line `i` is excluded from the window. A frame not built by [`frame`]
    /// (a test's) excludes nothing.
    fn skips(&self, i: usize) -> bool {
        self.excluded.get(i).copied().unwrap_or(false)
    }
}

static ALL_TIMES_IN: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"(?i)\b(?:all\s+times?|times)(?:\s+(?:are|shown|given|listed|below))*(?:\s+in)?\s+")
});
static UNDATED_LINE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)^\W*(?:last\s+(?:modified|updated|edited|reviewed)|created|published|updated|written|due|reviewed|prepared|authored|posted|report\s+date|date\s+of\s+(?:the\s+)?report|document\s+date)\b",
    )
});

/// Per line of `outline`: true when its dates and times are not the incident's window
/// (the body of a timeline, actions, lessons or closing part; code; "Last updated: ...").
fn excluded(outline: &Outline, parts: &[Part]) -> Vec<bool> {
    let kinds = [Kind::Timeline, Kind::Actions, Kind::Lessons, Kind::Other];
    let mut out = sections::body_lines(outline, parts, &kinds);
    for (i, l) in outline.lines.iter().enumerate() {
        // A line already excluded needs no pattern run: excluding it again changes nothing.
        if !out[i] && (matches!(l.kind, LineKind::Code) || UNDATED_LINE.is_match(&l.text)) {
            out[i] = true;
        }
    }
    out
}

/// Work out the incident's date and the document's zone.
pub fn frame(
    outline: &Outline,
    parts: &[Part],
    readings: &LineReadings,
    record: &Record,
    cx: &Context<'_>,
) -> Frame {
    let mut f = Frame {
        excluded: excluded(outline, parts),
        ..Frame::default()
    };
    // Date: front matter, then the first full date in the text.
    f.anchor = record.start.or(record.end).map(|w| w.datetime.date());
    if f.anchor.is_none() {
        'lines: for i in 0..outline.lines.len() {
            if f.skips(i) {
                continue;
            }
            for d in readings.dates(outline, i) {
                if d.year.is_some() {
                    if let Some(date) = d.resolve(None) {
                        f.anchor = Some(date);
                        break 'lines;
                    }
                }
            }
        }
    }
    // Zone: a Timezone field, "All times in PST", else the first zone written after a time.
    let fm_zone = record
        .timezone
        .as_deref()
        .and_then(|t| zone::parse_zone_name(t).map(|z| (t.to_string(), z)));
    if let Some((label, z)) = fm_zone {
        f.zone = Some(ZoneHit { label, zone: z });
        return f;
    }
    for p in sections::of_kind(parts, Kind::Timezone) {
        let text = p.text(outline);
        if let Some((z, _)) = when::zone_after(text.trim()) {
            f.zone = Some(z);
            f.zone_line = Some(p.line);
            return f;
        }
    }
    // "## Timeline (PST)"
    for p in sections::of_kind(parts, Kind::Timeline) {
        let label = &outline.lines[p.label_index].text;
        if let Some(at) = label.to_ascii_lowercase().find("timeline") {
            let rest = label[at + "timeline".len()..].trim_start_matches([' ', ':', '-']);
            if let Some((z, _)) = when::zone_after(rest) {
                f.zone = Some(z);
                f.zone_line = Some(p.line);
                return f;
            }
        }
    }
    for l in &outline.lines {
        if let Some(m) = ALL_TIMES_IN.find(&l.text) {
            if let Some((z, _)) = when::zone_after(&l.text[m.end()..]) {
                f.zone = Some(z);
                f.zone_line = Some(l.number);
                // "All times in PST, on February 5th 2019"
                if let Some(d) = when::find_dates(&l.text[m.end()..]).first() {
                    if let Some(date) = d.resolve(f.anchor.map(|a| a.year())) {
                        f.anchor = Some(date);
                    }
                }
                return f;
            }
        }
    }
    for (i, l) in outline.lines.iter().enumerate() {
        if matches!(l.kind, LineKind::Code) || f.skips(i) && !in_timeline(parts, i) {
            continue;
        }
        let times = when::find_times_with(&l.text, readings.dates(outline, i));
        if let Some(z) = times.into_iter().find_map(|t| t.zone) {
            f.zone = Some(z);
            f.zone_line = Some(l.number);
            return f;
        }
    }
    if let Some(z) = zone::parse_zone_name(&cx.config.default_timezone) {
        f.zone = Some(ZoneHit {
            label: cx.config.default_timezone.clone(),
            zone: z,
        });
        f.zone_assumed = true;
    }
    f
}

fn in_timeline(parts: &[Part], i: usize) -> bool {
    sections::of_kind(parts, Kind::Timeline).any(|p| p.body.contains(&i))
}

/// A candidate instant and where it came from.
#[derive(Debug, Clone, Copy)]
struct Found {
    when: When,
    line: u32,
    /// The text named the zone for this value (not the document default).
    zoned: bool,
}

fn moment_instant(m: &Moment, fallback_date: Option<Date>, frame: &Frame) -> Option<Found> {
    let t = m.time.as_ref()?;
    if t.partial {
        return None;
    }
    let date = match m.date {
        Some(d) => d.resolve(fallback_date.or(frame.anchor).map(|a| a.year()))?,
        None => fallback_date.or(frame.anchor)?,
    };
    let when = when::instant(date, t, frame.zone.as_ref().map(|z| &z.zone))?;
    Some(Found {
        when,
        line: 0,
        zoned: t.zone.is_some() || !frame.zone_assumed,
    })
}

/// Fill start, end, timezone and durations of `record` (fields front matter left empty).
#[allow(clippy::too_many_arguments)]
pub fn apply(
    outline: &Outline,
    parts: &[Part],
    readings: &LineReadings,
    events: &[TimelineEvent],
    frame: &Frame,
    record: &mut Record,
    path: &str,
    cx: &Context<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut start: Option<Found> = None;
    let mut end: Option<Found> = None;
    let mut used_default_zone = false;
    let mut assumed_line: Option<u32> = None;
    let mut zone_from_text: Option<(String, u32)> = None;

    // 1. Labelled Start / End fields ("Start Date: ..." + "Start Time: ..." combine).
    for (kind, slot) in [(Kind::Start, &mut start), (Kind::End, &mut end)] {
        let label_date: Option<Date> = sections::of_kind(parts, kind).find_map(|p| {
            let (_, text) = p.texts(outline).find(|(_, t)| !t.trim().is_empty())?;
            let ms = when::find_moments(text);
            match ms.as_slice() {
                [m] if m.time.is_none() => m.date?.resolve(frame.anchor.map(|a| a.year())),
                _ => None,
            }
        });
        for p in sections::of_kind(parts, kind) {
            let Some((line, text)) = p.texts(outline).find(|(_, t)| !t.trim().is_empty()) else {
                continue;
            };
            if let Some(tok) = placeholder::placeholder_in(text) {
                let what = if kind == Kind::Start { "start" } else { "end" };
                diags.push(placeholder::warning(path, Some(line), what, tok));
                continue;
            }
            let own_date = when::find_dates(text)
                .first()
                .and_then(|d| d.resolve(frame.anchor.map(|a| a.year())));
            if let Some(m) = when::find_moments(text).into_iter().find(|m| m.time.is_some()) {
                if let Some(mut f) = moment_instant(&m, own_date.or(label_date), frame) {
                    f.line = line;
                    if let Some(z) = m.zone() {
                        zone_from_text.get_or_insert((z.label.clone(), line));
                    }
                    slot.get_or_insert(f);
                    break;
                }
            }
        }
    }

    // 2. A written range: in a Duration field first, then anywhere in the prose.
    if start.is_none() || end.is_none() {
        let mut candidates: Vec<(u32, &str, Option<Date>)> = Vec::new();
        for p in sections::of_kind(parts, Kind::Duration) {
            for (line, text) in p.texts(outline) {
                candidates.push((line, text, None));
            }
        }
        let mut last_date: Option<Date> = None;
        for (i, l) in outline.lines.iter().enumerate() {
            if frame.skips(i) {
                continue;
            }
            let moments = readings.moments(outline, i);
            if moments.iter().any(|m| m.time.is_some()) {
                candidates.push((l.number, &l.text, last_date));
            }
            if let Some(d) = moments
                .iter()
                .rev()
                .find_map(|m| m.date.and_then(|d| d.resolve(frame.anchor.map(|a| a.year()))))
            {
                last_date = Some(d);
            }
        }
        'cands: for (line, text, prior_date) in candidates {
            for r in when::find_ranges(text) {
                // The range's date: its own, else the last date before it on the line or
                // just above, else the incident's.
                let before = when::find_dates(&text[..r.from.start])
                    .iter()
                    .rev()
                    .find_map(|d| d.resolve(frame.anchor.map(|a| a.year())));
                let after_date = r.to.date.and_then(|d| d.resolve(frame.anchor.map(|a| a.year())));
                let date = r
                    .from
                    .date
                    .and_then(|d| d.resolve(frame.anchor.map(|a| a.year())))
                    .or(after_date)
                    .or(before)
                    .or(prior_date)
                    .or(frame.anchor);
                let zone = r.from.zone().or(r.to.zone()).cloned();
                let mut from = r.from.clone();
                let mut to = r.to.clone();
                // "between 2:30 and 5:00 PM": the PM covers both ends.
                if let (Some(a), Some(b)) = (from.time.as_mut(), to.time.as_ref()) {
                    if !a.twelve_hour
                        && b.twelve_hour
                        && b.hour >= 12
                        && (1..12).contains(&a.hour)
                        && a.hour + 12 <= b.hour
                    {
                        a.hour += 12;
                    }
                }
                for m in [&mut from, &mut to] {
                    if let (Some(t), Some(z)) = (m.time.as_mut(), &zone) {
                        if t.zone.is_none() {
                            t.zone = Some(z.clone());
                        }
                    }
                }
                let Some(mut s) = moment_instant(&from, date, frame) else {
                    // No date anywhere: the span still gives a duration.
                    if date.is_none() && record.stated_duration_minutes.is_none() {
                        if let (Some(a), Some(b)) = (&from.time, &to.time) {
                            let mut span = (b.hour as i64 * 60 + b.minute as i64)
                                - (a.hour as i64 * 60 + a.minute as i64);
                            if span < 0 {
                                span += 24 * 60;
                            }
                            if !a.partial && !b.partial {
                                record.duration_minutes = Some(span);
                                record.note("duration_minutes", Provenance::text(line));
                            }
                        }
                    }
                    continue;
                };
                // "23:40-01:15 UTC, 4 June 2031": a date after a time-only range dates the
                // whole range, not its end.
                if from.date.is_none() {
                    to.date = None;
                }
                let end_date = to.date.and_then(|d| d.resolve(Some(s.when.datetime.year())));
                let Some(mut e) = moment_instant(&to, end_date.or(Some(s.when.datetime.date())), frame)
                else {
                    continue;
                };
                // "11 PM to 2 AM" with one date crosses midnight.
                if to.date.is_none() && e.when.epoch_seconds() < s.when.epoch_seconds() {
                    if let Some(next) = e.when.datetime.date().tomorrow().ok().and_then(|d| {
                        when::instant(d, to.time.as_ref()?, frame.zone.as_ref().map(|z| &z.zone))
                    }) {
                        e.when = next;
                    }
                }
                s.line = line;
                e.line = line;
                if let Some(z) = &zone {
                    zone_from_text.get_or_insert((z.label.clone(), line));
                }
                start.get_or_insert(s);
                end.get_or_insert(e);
                break 'cands;
            }
        }
    }

    // 3. Prose that says when it began and when it was restored.
    if start.is_none() && end.is_none() {
        if let Some((s, e)) = prose_window(outline, readings, frame) {
            start = s;
            end = e;
        }
    }

    // 4. The timeline: its first event, and the event that ends the outage.
    let timed: Vec<(&TimelineEvent, When)> = events.iter().filter_map(|e| e.at.map(|a| (e, a))).collect();
    // Which events may say the outage began or ended: asked for both, worked out once.
    let may_mark = std::cell::OnceCell::new();
    let marked_by = |re: &Regex| {
        let may_mark: &Vec<bool> =
            may_mark.get_or_init(|| timed.iter().map(|(e, _)| may_name_the_outage(&e.text)).collect());
        timed
            .iter()
            .zip(may_mark)
            .find(|((e, _), may)| **may && re.is_match(&e.text))
            .map(|(t, _)| t)
    };
    if start.is_none() {
        let marked = marked_by(&BEGINS);
        let first = marked.or_else(|| timed.iter().min_by_key(|(_, a)| a.epoch_seconds()));
        if let Some((e, a)) = first {
            start = Some(Found {
                when: *a,
                line: e.line,
                zoned: a.offset.is_some() && !frame.zone_assumed || event_has_zone(e),
            });
        }
    }
    let stated = stated_duration(outline, parts);
    if end.is_none() && timed.len() >= 2 {
        let s = start.map(|s| s.when.epoch_seconds());
        let marked = marked_by(&ENDS);
        let by_stated = stated.as_ref().and_then(|(mins, _, _)| {
            let s = s?;
            timed
                .iter()
                .find(|(_, a)| (a.epoch_seconds() - s - *mins * 60).abs() <= 60)
        });
        let last = timed.iter().max_by_key(|(_, a)| a.epoch_seconds());
        if let Some((e, a)) = marked.or(by_stated).or(last) {
            if s.is_none_or(|s| a.epoch_seconds() > s) {
                end = Some(Found {
                    when: *a,
                    line: e.line,
                    zoned: a.offset.is_some() && !frame.zone_assumed || event_has_zone(e),
                });
            }
        }
    }

    // Only a date is stated (a Date or Duration field holding a bare date): a date-only start.
    if start.is_none() && record.start.is_none() && record.end.is_none() {
        let date_only = parts
            .iter()
            .filter(|p| matches!(p.kind, Kind::Date | Kind::Duration))
            .find_map(|p| {
                let (line, text) = p.texts(outline).find(|(_, t)| !t.trim().is_empty())?;
                let ms = when::find_moments(text);
                match ms.as_slice() {
                    [m] if m.time.is_none() => m.date?.resolve(None).map(|d| (d, line)),
                    _ => None,
                }
            });
        if let Some((d, line)) = date_only {
            if events.iter().all(|e| e.at.is_none()) {
                record.start = Some(When::date(d));
                record.note("start", Provenance::text(line));
            }
        }
    }

    // Store what front matter left empty.
    let fm_start = record.start.is_some();
    let fm_end = record.end.is_some();
    if !fm_start {
        if let Some(s) = start {
            record.start = Some(s.when);
            record.note("start", Provenance::text(s.line));
            if !s.zoned && !used_default_zone {
                used_default_zone = true;
                assumed_line = Some(s.line);
            }
        }
    }
    if !fm_end {
        if let Some(e) = end {
            record.end = Some(e.when);
            record.note("end", Provenance::text(e.line));
            if !e.zoned && !used_default_zone {
                used_default_zone = true;
                assumed_line = Some(e.line);
            }
        }
    }
    if record.timezone.is_none() && (record.start.is_some() || record.end.is_some()) {
        if let Some((label, line)) = zone_from_text {
            record.timezone = Some(label);
            record.note("timezone", Provenance::text(line));
        } else if let Some(z) = &frame.zone {
            record.timezone = Some(z.label.clone());
            match (frame.zone_assumed, frame.zone_line) {
                (true, _) => record.note("timezone", Provenance::config()),
                (false, Some(l)) => record.note("timezone", Provenance::text(l)),
                (false, None) => record.note("timezone", Provenance::derived()),
            }
        }
    }
    if used_default_zone && frame.zone_assumed {
        let mut d = Diagnostic::info(
            "assumed-timezone",
            path,
            format!(
                "the text names no timezone; times are read as {} (default_timezone in incidex.yaml)",
                cx.config.default_timezone
            ),
        )
        .with_hint(
            "write the zone next to the times, e.g. \"10:00 UTC\", or add `timezone:` to the front matter",
        );
        if let Some(l) = assumed_line {
            d = d.at_line(l);
        }
        diags.push(d);
    }

    // Durations.
    let stated_written = stated.as_ref().map(|(_, _, t)| t.clone());
    if record.stated_duration_minutes.is_none() {
        if let Some((mins, line, _)) = stated {
            record.stated_duration_minutes = Some(mins);
            record.note("stated_duration_minutes", Provenance::text(line));
        }
    }
    match (record.start, record.end) {
        (Some(s), Some(e)) if !s.date_only && !e.date_only => {
            let mins = s.minutes_until(&e);
            if mins < 0 {
                diags.push(end_before_start(record, path, &s, &e));
            } else {
                record.duration_minutes = Some(mins);
                record.note("duration_minutes", Provenance::derived());
                if let Some(stated) = record.stated_duration_minutes {
                    let tolerance = (mins / 10).max(5);
                    if (stated - mins).abs() > tolerance {
                        let written = stated_written
                            .clone()
                            .unwrap_or_else(|| format!("{stated} minutes"));
                        let mut d = Diagnostic::warning(
                            "duration-conflict",
                            path,
                            format!(
                                "the text states a duration of {written:?} ({stated} min), but {s} to {e} is {} ({mins} min)",
                                human_minutes(mins)
                            ),
                        )
                        .with_hint("correct the stated duration or the start/end times");
                        if let Some(l) = record
                            .provenance_of("stated_duration_minutes")
                            .and_then(|p| p.line)
                        {
                            d = d.at_line(l);
                        }
                        diags.push(d);
                    }
                }
            }
        }
        // A bare date on either side still orders by calendar day (found by the property
        // test in tests/properties.rs: `end: 2000-01-10` before `start: 2020-01-10` passed).
        (Some(s), Some(e)) if e.datetime.date() < s.datetime.date() => {
            diags.push(end_before_start(record, path, &s, &e));
        }
        _ => {
            if record.duration_minutes.is_none() {
                if let Some(m) = record.stated_duration_minutes {
                    record.duration_minutes = Some(m);
                    let p = record.provenance_of("stated_duration_minutes").copied();
                    if let Some(p) = p {
                        record.note("duration_minutes", p);
                    }
                }
            }
        }
    }

    // Dates in the future are almost always typos.
    for (field, w) in [("start", record.start), ("end", record.end)] {
        if let Some(w) = w {
            if w.datetime.date() > cx.today {
                let mut d = Diagnostic::warning(
                    "future-date",
                    path,
                    format!("{field} {w} is after today ({})", cx.today),
                )
                .with_hint("check the year");
                if let Some(l) = record.provenance_of(field).and_then(|p| p.line) {
                    d = d.at_line(l);
                }
                diags.push(d);
            }
        }
    }
}

static BEGAN_CUE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)\b(?:began|begun|started|starting|occurred|encountered|experienced|went down|went offline|outage at|first (?:detected|noticed|reported)|detected|reported|lost|failed|failing|unavailable|unreachable|inaccessible|degraded|disrupted|outage|errors?)\b",
    )
});
static RESTORED_CUE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)\b(?:restor\w*|resolved|recovered|back to normal|back online|came back|resumed|mitigated|ended)\b",
    )
});

/// "On May 3 at 1pm PST the monitoring reported errors ... back to normal at 4pm PST":
/// the first time in a sentence saying it began, the last in one saying it was restored.
fn prose_window(
    outline: &Outline,
    readings: &LineReadings,
    frame: &Frame,
) -> Option<(Option<Found>, Option<Found>)> {
    let mut start: Option<Found> = None;
    let mut end: Option<Found> = None;
    let year = frame.anchor.map(|a| a.year());
    for (i, l) in outline.lines.iter().enumerate() {
        // Every date and time is written with a digit: a line or sentence without one has
        // no moments, so it sets no date and no time below (and most prose has none).
        if frame.skips(i)
            || matches!(l.kind, LineKind::Heading(_) | LineKind::TableRow { .. })
            || !when::has_ascii_digit(&l.text)
        {
            continue;
        }
        let mut line_date: Option<Date> = None;
        for sentence in l.text.split_inclusive(". ") {
            if !when::has_ascii_digit(sentence) {
                continue;
            }
            // A one-sentence line was read whole already.
            let moments: Cow<[Moment]> = if sentence.len() == l.text.len() {
                Cow::Borrowed(readings.moments(outline, i))
            } else {
                Cow::Owned(when::find_moments(sentence))
            };
            for m in moments.iter() {
                if let Some(d) = m.date.and_then(|d| d.resolve(year)) {
                    line_date = Some(d);
                }
            }
            let timed: Vec<&Moment> = moments.iter().filter(|m| m.time.is_some()).collect();
            // Both readings below take a time from this sentence; without one they do
            // nothing, so the cue patterns need not run (most sentences have no time).
            if timed.is_empty() {
                continue;
            }
            let restored = RESTORED_CUE.is_match(sentence);
            if start.is_none() && BEGAN_CUE.is_match(sentence) && (!restored || timed.len() >= 2) {
                if let Some(m) = timed.first() {
                    start = moment_instant(m, line_date, frame).map(|f| Found { line: l.number, ..f });
                    if timed.len() >= 2 && restored {
                        end = timed
                            .last()
                            .and_then(|m| moment_instant(m, line_date, frame))
                            .map(|f| Found { line: l.number, ..f });
                    }
                    continue;
                }
            }
            if start.is_some() && end.is_none() && restored {
                if let Some(m) = timed.last() {
                    end = moment_instant(m, line_date, frame).map(|f| Found { line: l.number, ..f });
                }
            }
        }
        if start.is_some() && end.is_some() {
            break;
        }
    }
    let (s, e) = (start?, end?);
    // A window must run forward; otherwise this reading is wrong and none is better.
    (e.when.epoch_seconds() > s.when.epoch_seconds()).then_some((Some(s), Some(e)))
}

fn event_has_zone(e: &TimelineEvent) -> bool {
    when::find_times(&e.time_text).iter().any(|t| t.zone.is_some())
}

fn human_minutes(m: i64) -> String {
    match (m / 60, m % 60) {
        (0, m) => format!("{m} minutes"),
        (h, 0) => format!("{h} hours"),
        (h, m) => format!("{h} hours {m} minutes"),
    }
}

static BEGINS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"(?i)\b(?:outage|incident|impact|downtime|disruption)\s+(?:begins|began|starts|started)\b")
});
static ENDS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"(?i)\b(?:outage|incident|impact|downtime|disruption)\s+(?:ends|ended|is over|was over)\b")
});

/// The words [`BEGINS`] and [`ENDS`] open with, lowercase.
const OUTAGE_WORDS: [&[u8]; 5] = [b"outage", b"incident", b"impact", b"downtime", b"disruption"];

/// Whether `text` may match [`BEGINS`] or [`ENDS`]: both need one of [`OUTAGE_WORDS`].
/// They are asked of every timeline event, and few events name the outage; the patterns,
/// having no literal to look for, scan the whole text. On ASCII text `(?i)` folds nothing
/// but ASCII case, so a text without any of the words, ignoring ASCII case, matches
/// neither; other text (`ſ` folds to `s`) goes to the patterns.
fn may_name_the_outage(text: &str) -> bool {
    let b = text.as_bytes();
    // `| 0x20` lowers an ASCII capital: only the words' first two letters (`ou`, `in`, `im`,
    // `do`, `di`, any case) pass this first test, so the words are compared at few places.
    !text.is_ascii()
        || (0..b.len().saturating_sub(1)).any(|i| {
            matches!(
                (b[i] | 0x20, b[i + 1] | 0x20),
                (b'o', b'u') | (b'i', b'n' | b'm') | (b'd', b'o' | b'i')
            ) && opens_an_outage_word(&b[i..])
        })
}

/// Whether `rest` opens with one of [`OUTAGE_WORDS`], ignoring ASCII case. Kept out of line
/// so the byte loop of [`may_name_the_outage`] stays small.
#[inline(never)]
fn opens_an_outage_word(rest: &[u8]) -> bool {
    OUTAGE_WORDS
        .iter()
        .any(|w| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w))
}

const NUM: &str = r"(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an)";
const UNIT: &str = r"(days?|hours?|hrs?|minutes?|mins?)";
static DURATION_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?i)^(?:approximately|approx\.?|about|around|roughly|nearly|almost|just over|over|~|a total of)?\s*{NUM}[\s-]*{UNIT}\b(?:,?\s*(?:and\s+)?(\d+)\s*(minutes?|mins?)\b)?"
    ))
});
static DURATION_PROSE: LazyLock<Regex> = LazyLock::new(|| {
    let q = r"(?:(?:approximately|approx\.?|about|around|roughly|nearly|almost|just over|over|~)\s*)?";
    pattern(&format!(
        r"(?i)(?:\b(?:lasted|lasting|lasts)\s+(?:for\s+)?(?:a\s+total\s+of\s+)?{q}|\b(?:down|offline|unavailable|inaccessible|unreachable|degraded|disrupted|outage)\s+for\s+(?:a\s+(?:total|period)\s+of\s+)?{q}|\b(?:outage|downtime|disruption)\s+of\s+{q}|\btotal\s+(?:downtime|duration)\s+of\s+{q})({NUM}[\s-]*{UNIT}\b(?:,?\s*(?:and\s+)?\d+\s*(?:minutes?|mins?)\b)?)|\b({NUM}[\s-]*{UNIT})[\s-]+(?:long\s+)?(?:outage|period|downtime|disruption|incident)\b"
    ))
});

fn words_to_digits(s: &str) -> String {
    let words = [
        ("an", "1"),
        ("a", "1"),
        ("one", "1"),
        ("two", "2"),
        ("three", "3"),
        ("four", "4"),
        ("five", "5"),
        ("six", "6"),
        ("seven", "7"),
        ("eight", "8"),
        ("nine", "9"),
        ("ten", "10"),
        ("eleven", "11"),
        ("twelve", "12"),
    ];
    s.split(|c: char| c.is_whitespace() || c == '-')
        .map(|w| {
            let lw = w.to_ascii_lowercase();
            words
                .iter()
                .find(|(k, _)| *k == lw)
                .map(|(_, v)| v.to_string())
                .unwrap_or_else(|| w.to_string())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The duration the text states: (minutes, line, text as written).
pub fn stated_duration(outline: &Outline, parts: &[Part]) -> Option<(i64, u32, String)> {
    let field = |p: &Part| -> Option<(i64, u32, String)> {
        p.texts(outline).find_map(|(line, t)| {
            let t = t.trim();
            // A Duration field holding a range or a date is not a stated duration.
            if !when::find_moments(t).is_empty() {
                return None;
            }
            if let Some(m) = DURATION_VALUE.find(t) {
                let mins = duration::parse_minutes(&words_to_digits(m.as_str()))?;
                return Some((mins, line, m.as_str().trim().to_string()));
            }
            // compact forms: "1h30m", "2h", "45m"
            let head = t.split(['(', ';', ',']).next().unwrap_or("").trim();
            let compact = head.len() <= 12 && head.starts_with(|c: char| c.is_ascii_digit());
            let mins = compact.then(|| duration::parse_minutes(head)).flatten()?;
            Some((mins, line, head.to_string()))
        })
    };
    if let Some(found) = sections::of_kind(parts, Kind::Duration)
        .chain(sections::of_kind(parts, Kind::RecoveryTime))
        .find_map(field)
    {
        return Some(found);
    }
    let skip = sections::body_lines(outline, parts, &[Kind::Timeline, Kind::Actions, Kind::Lessons]);
    for (i, l) in outline.lines.iter().enumerate() {
        if skip[i] || matches!(l.kind, LineKind::Code) {
            continue;
        }
        let lower = l.text.to_ascii_lowercase();
        if !["hour", "min", "day", "hr"].iter().any(|u| lower.contains(u)) {
            continue;
        }
        if let Some(c) = DURATION_PROSE.captures(&l.text) {
            let Some(m) = c.get(1).or(c.get(5)) else { continue };
            if let Some(mins) = duration::parse_minutes(&words_to_digits(m.as_str())) {
                return Some((mins, l.number, m.as_str().to_string()));
            }
        }
    }
    None
}

/// The `end-before-start` warning, on the line the end was read from.
fn end_before_start(record: &Record, path: &str, s: &When, e: &When) -> Diagnostic {
    let d = Diagnostic::warning(
        "end-before-start",
        path,
        format!("end {e} is before start {s}; no duration computed"),
    );
    match record.provenance_of("end").and_then(|p| p.line) {
        Some(l) => d.at_line(l),
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::parse::markdown::render;

    fn run(md: &str) -> (Record, Vec<Diagnostic>) {
        let config = Config::default();
        let cx = Context {
            config: &config,
            today: jiff::civil::date(2035, 1, 1),
        };
        let o = render(md, 1, &|_| None).outline;
        let ps = sections::parts(&o);
        let readings = LineReadings::new(&o);
        let mut record = Record::default();
        let f = frame(&o, &ps, &readings, &record, &cx);
        let mut diags = Vec::new();
        let ev = super::super::timeline::events(&o, &ps, &readings, &f, "t.md", &mut diags);
        apply(&o, &ps, &readings, &ev, &f, &mut record, "t.md", &cx, &mut diags);
        (record, diags)
    }

    fn s(w: Option<When>) -> String {
        w.map(|w| w.to_string()).unwrap_or_default()
    }

    fn codes(d: &[Diagnostic]) -> Vec<&str> {
        d.iter().map(|d| d.code).collect()
    }

    proptest::proptest! {
        /// The outage-word prefilter passes every text BEGINS or ENDS matches.
        #[test]
        fn outage_prefilter_passes_every_match(
            text in r"(?:[ a-zA-Z.]|OUTAGE|Incident|impact|downtime|diſruption|Disruption|began|started|ends|ended|is over){0,8}"
        ) {
            let matched = BEGINS.is_match(&text) || ENDS.is_match(&text);
            proptest::prop_assert!(!matched || may_name_the_outage(&text));
        }

        /// On ASCII text the prefilter is "one of the words, ignoring ASCII case".
        #[test]
        fn outage_prefilter_is_a_word_search_ignoring_case(text in r"(?:[ a-zA-Z]|OUTage|incIdent|impact|DOWNTIME|disruption){0,8}") {
            let lower = text.to_ascii_lowercase();
            let any_word = OUTAGE_WORDS.iter().any(|w| lower.contains(std::str::from_utf8(w).unwrap()));
            proptest::prop_assert_eq!(may_name_the_outage(&text), any_word);
        }
    }

    #[test]
    fn outage_prefilter_examples() {
        for yes in [
            "Outage began",
            "the INCIDENT is over",
            "impact started",
            "diſruption began",
        ] {
            assert!(may_name_the_outage(yes), "{yes}");
        }
        for no in [
            "Impact ended".replace("Impact", "Pager"),
            "paged the on-call".into(),
        ] {
            assert!(!may_name_the_outage(&no), "{no}");
            assert!(!BEGINS.is_match(&no) && !ENDS.is_match(&no), "{no}");
        }
        assert!(ENDS.is_match("Impact ended") && may_name_the_outage("Impact ended"));
    }

    #[test]
    fn bold_duration_label_with_a_multi_day_range() {
        let (r, d) =
            run("# Queue backlog\n\n**Duration:** Oct 3, 2031, 11:00 PM - Oct 4, 2031, 02:30 AM (UTC)\n");
        assert_eq!(s(r.start), "2031-10-03T23:00:00+00:00");
        assert_eq!(s(r.end), "2031-10-04T02:30:00+00:00");
        assert_eq!(r.duration_minutes, Some(210));
        assert_eq!(r.timezone.as_deref(), Some("UTC"));
        assert_eq!(r.provenance_of("start").unwrap().line, Some(3));
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn heading_label_and_prose_range_with_date_elsewhere() {
        let (r, _) = run("## Duration: 2 hours\n\nOn Sept 9th, 2030, the API failed. From 10:30 AM to 12:30 PM GMT+01:00 nothing worked.\n");
        assert_eq!(s(r.start), "2030-09-09T10:30:00+01:00");
        assert_eq!(s(r.end), "2030-09-09T12:30:00+01:00");
        assert_eq!(r.stated_duration_minutes, Some(120));
        assert_eq!(r.timezone.as_deref(), Some("GMT+01:00"));
    }

    #[test]
    fn a_time_only_range_crossing_midnight() {
        let (r, _) = run("Incident window: 23:40-01:15 UTC, 4 June 2031\n");
        assert_eq!(s(r.start), "2031-06-04T23:40:00+00:00");
        assert_eq!(s(r.end), "2031-06-05T01:15:00+00:00");
        assert_eq!(r.duration_minutes, Some(95));
    }

    #[test]
    fn a_zone_in_the_timeline_heading() {
        let (r, d) = run("# Cron storm\n\nOn 2031-02-02 the scheduler looped.\n\n## Timeline (PST)\n\n- 10:00 loop starts\n- 10:45 scheduler restarted\n");
        assert_eq!(s(r.start), "2031-02-02T10:00:00-08:00");
        assert_eq!(r.timezone.as_deref(), Some("PST"));
        assert!(!codes(&d).contains(&"assumed-timezone"));
    }

    #[test]
    fn one_pm_covers_both_ends_of_a_range() {
        let (r, _) = run("On 2031-02-02, between 2:30 and 5:00 PM (UTC), checkout failed.\n");
        assert_eq!(s(r.start), "2031-02-02T14:30:00+00:00");
        assert_eq!(r.duration_minutes, Some(150));
    }

    #[test]
    fn from_to_on_date_with_zone_after_the_range() {
        let (r, _) = run("Summary\nfrom 10:30 AM to 1:00 PM EAT on June 4, 2032 the queue stalled.\n");
        assert_eq!(s(r.start), "2032-06-04T10:30:00+03:00");
        assert_eq!(s(r.end), "2032-06-04T13:00:00+03:00");
    }

    #[test]
    fn separate_start_and_end_lines_and_table_rows() {
        let (r, _) = run("- Start Time: 2031-02-01 14:05 IST\n- End Time: 2031-02-01 15:35 IST\n");
        assert_eq!(s(r.start), "2031-02-01T14:05:00+05:30");
        assert_eq!(r.duration_minutes, Some(90));
        let (r, _) = run("| Field | Value |\n|---|---|\n| Start | March 2, 2031 08:00 PST |\n| End | March 2, 2031 09:15 PST |\n");
        assert_eq!(s(r.start), "2031-03-02T08:00:00-08:00");
        assert_eq!(s(r.end), "2031-03-02T09:15:00-08:00");
    }

    #[test]
    fn separate_date_and_time_labels_combine() {
        let (r, _) = run("- Start Date: 2031-01-01\n- Start Time: 22:00 UTC\n- End Date: 2031-01-02\n- End Time: 01:30 UTC\n");
        assert_eq!(s(r.start), "2031-01-01T22:00:00+00:00");
        assert_eq!(s(r.end), "2031-01-02T01:30:00+00:00");
    }

    #[test]
    fn stated_duration_conflict_quotes_both() {
        let (r, d) = run("Duration: May 2, 2031, 08:00 AM - May 3, 2031, 12:00 PM (UTC)\n\nThe portal was down for approximately 5 hours.\n");
        assert_eq!(r.duration_minutes, Some(28 * 60));
        assert_eq!(r.stated_duration_minutes, Some(300));
        let c = d
            .iter()
            .find(|d| d.code == "duration-conflict")
            .expect("conflict");
        assert!(
            c.message.contains("5 hours") && c.message.contains("28 hours"),
            "{}",
            c.message
        );
        assert_eq!(c.line, Some(3));
    }

    #[test]
    fn timeline_gives_the_window_when_nothing_else_does() {
        let (r, d) = run("# Disk full\n\nOn 4 July 2031 the disk filled up.\n\n## Timeline\n\n- 13:00: alerts\n- 13:40: cleaned\n- 14:10: recovered\n");
        assert_eq!(s(r.start), "2031-07-04T13:00:00+00:00");
        assert_eq!(s(r.end), "2031-07-04T14:10:00+00:00");
        assert_eq!(r.timezone.as_deref(), Some("UTC"));
        assert!(codes(&d).contains(&"assumed-timezone"));
    }

    #[test]
    fn placeholders_never_become_values() {
        let (r, d) = run("- Duration:\n  - Start Time: [Timestamp]\n  - End Time: XX:XX\n\n## Timeline\n\n- [Timestamp] alert\n");
        assert!(r.start.is_none() && r.end.is_none() && r.duration_minutes.is_none());
        let mut lines: Vec<Option<u32>> = d
            .iter()
            .filter(|d| d.code == "placeholder")
            .map(|d| d.line)
            .collect();
        lines.sort();
        assert_eq!(lines, vec![Some(2), Some(3), Some(7)]);
    }

    #[test]
    fn end_before_start_and_future_dates() {
        let (r, d) = run("Start: 2031-05-05 10:00 UTC\nEnd: 2031-05-05 09:00 UTC\n");
        assert!(r.duration_minutes.is_none());
        assert!(codes(&d).contains(&"end-before-start"));
        let (_, d) = run("Start: 2040-05-05 10:00 UTC\nEnd: 2040-05-05 11:00 UTC\n");
        assert_eq!(codes(&d), vec!["future-date", "future-date"]);
    }

    #[test]
    fn a_bare_date_gives_a_date_only_start() {
        let (r, _) = run("# Mail delays\n\nDate: 2031-08-08\n\nMail was slow for a while.\n");
        assert_eq!(s(r.start), "2031-08-08");
        assert!(r.end.is_none() && r.duration_minutes.is_none());
    }

    #[test]
    fn prose_that_says_when_it_began_and_was_restored() {
        let (r, _) = run("Report\n\nOn 3/14/2031 at 9:05 PM PST our regions lost connectivity. Service was restored at 11:45 PM PST.\n");
        assert_eq!(s(r.start), "2031-03-14T21:05:00-08:00");
        assert_eq!(s(r.end), "2031-03-14T23:45:00-08:00");
        assert_eq!(r.timezone.as_deref(), Some("PST"));
    }

    #[test]
    fn time_only_span_gives_a_duration_but_no_instants() {
        let (r, _) = run("The site was down between 09:10 and 09:55 UTC.\n");
        assert!(r.start.is_none());
        assert_eq!(r.duration_minutes, Some(45));
    }

    #[test]
    fn stated_durations_in_prose_and_fields() {
        let o = |md: &str| {
            let o = render(md, 1, &|_| None).outline;
            let ps = sections::parts(&o);
            stated_duration(&o, &ps).map(|x| x.0)
        };
        assert_eq!(o("The outage lasted two hours."), Some(120));
        assert_eq!(o("- Time to recovery: 19 hours 43 minutes"), Some(1183));
        assert_eq!(o("# A 25-minute outage of billing"), Some(25));
        assert_eq!(o("We spent 20 minutes on the wrong server."), None);
        assert_eq!(o("**Duration:** 1h30m"), Some(90));
    }
}

//! Timeline: the timestamped events of the incident, in order, each resolved to a full
//! instant when the text allows it.
//!
//! Events come from the Timeline section (list items, lines, table rows, sub-headings) or,
//! when there is none, from status updates ("Update: ... 2030-01-01T10:00Z"). A bare time
//! takes the incident's date; a date written on an event carries over to the events after
//! it, and a clock that jumps back by many hours means the next day. Approximate times
//! ("~5:00 PM") are kept; partial ones ("14:??") are events without an instant.

use super::pattern;
use super::placeholder;
use super::sections::{self, Kind, Part};
use super::when::{self, LineReadings, Moment};
use super::window::Frame;
use crate::diagnostic::Diagnostic;
use crate::model::TimelineEvent;
use crate::parse::{LineKind, Outline};
use jiff::civil::Date;
use regex::Regex;
use std::sync::LazyLock;

/// Text allowed before an event's time: bullets, brackets, "~", or a question label
/// ("When was the issue detected: 2030-...").
static LEAD: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"^[\s•*·\-–\[(~#|>]*(?:[A-Za-z][^:]{0,60}:\s*)?[\s\[(~]*$"));
static STATUS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)^[\s*_]*(update|resolved|investigating|identified|monitoring|mitigated|postmortem|completed|scheduled)\b",
    )
});

/// The first moment written in `text`.
fn first_moment(text: &str) -> Option<Moment> {
    when::find_moments(text).into_iter().next()
}

/// The moment an event line starts with, if it does; `first` is [`first_moment`] of `text`.
fn leading_moment(text: &str, first: Option<&Moment>) -> Option<Moment> {
    let m = first?;
    m.time.as_ref()?;
    LEAD.is_match(&text[..m.start]).then(|| m.clone())
}

fn event_text(text: &str, m: &Moment) -> String {
    let rest = &text[m.end..];
    // "1:30pm-2:30pm - ..." : drop the range's second end too.
    let rest = match when::find_moments(rest).into_iter().next() {
        Some(n) if rest[..n.start].trim().trim_matches(['-', '–']).trim().is_empty() && n.start < 4 => {
            &rest[n.end..]
        }
        _ => rest,
    };
    // A `matches!` rather than `":-–—|]).*".contains(c)`, which decodes that string for
    // every character tested.
    rest.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—' | '|' | ']' | ')' | '.' | '*')
    })
    .trim()
    .to_string()
}

/// Candidate lines: (outline index, text to read the time from, text of the event).
fn timeline_lines(outline: &Outline, parts: &[Part]) -> Vec<usize> {
    let mut idx: Vec<usize> = sections::of_kind(parts, Kind::Timeline)
        .flat_map(|p| p.body.iter().copied())
        .collect();
    idx.sort_unstable();
    idx.dedup();
    idx.retain(|i| {
        let l = &outline.lines[*i];
        !matches!(
            l.kind,
            LineKind::ListItem { first: false, .. } | LineKind::TableRow { header: true }
        )
    });
    idx
}

/// Extract the timeline. `frame` gives the incident's date and zone for bare times.
pub fn events(
    outline: &Outline,
    parts: &[Part],
    readings: &LineReadings,
    frame: &Frame,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<TimelineEvent> {
    let mut raw: Vec<(u32, Moment, String, String)> = Vec::new(); // line, moment, time text, event text
    let lines = timeline_lines(outline, parts);
    let status_mode = lines.is_empty();
    let candidates: Vec<usize> = if status_mode {
        (0..outline.lines.len())
            .filter(|i| {
                let l = &outline.lines[*i];
                matches!(l.kind, LineKind::Paragraph | LineKind::ListItem { .. }) && STATUS.is_match(&l.text)
            })
            .collect()
    } else {
        lines
    };
    for i in candidates {
        let l = &outline.lines[i];
        // Table rows: the time is in the first cell, or split over "Date | Time | Event".
        let joined;
        let mut text_cells = 1;
        // `read_from` and its first moment, read once: the event's time, else (below) a
        // date heading for the events after it. A whole line's reading is shared with the
        // other extractors (`readings`).
        let (read_from, opening) = if l.cells.len() >= 2 && !status_mode {
            let first = l.cells[0].as_str();
            let opening = first_moment(first);
            let date_only = opening.as_ref().is_some_and(|m| m.time.is_none());
            if l.cells.len() >= 3 && date_only {
                joined = format!("{} {}", first, l.cells[1]);
                text_cells = 2;
                (joined.as_str(), first_moment(&joined))
            } else {
                (first, opening)
            }
        } else if status_mode {
            (l.text.as_str(), None)
        } else {
            (l.text.as_str(), readings.moments(outline, i).first().cloned())
        };
        let m = if status_mode {
            // a status update carries its timestamp anywhere on the line
            readings
                .moments(outline, i)
                .iter()
                .find(|m| m.time.is_some() && m.date.is_some())
                .cloned()
        } else {
            leading_moment(read_from, opening.as_ref())
        };
        let Some(m) = m else {
            if let Some(tok) = placeholder::find_token(read_from) {
                let lead = &read_from[..read_from.find(tok).unwrap_or(0)];
                if LEAD.is_match(lead) || l.cells.len() >= 2 {
                    diags.push(
                        Diagnostic::warning(
                            "placeholder",
                            path,
                            format!("timeline entry has a placeholder time {tok:?}; not counted"),
                        )
                        .at_line(l.number),
                    );
                }
                continue;
            }
            // "### June 7" or "2031-06-07 (all times UTC)": later bare times are on that date.
            if !status_mode {
                if let Some(d) = opening
                    .filter(|d| d.date.is_some() && d.time.is_none() && LEAD.is_match(&read_from[..d.start]))
                {
                    if read_from.split_whitespace().count() <= 8 {
                        raw.push((l.number, d, String::new(), String::new()));
                        continue;
                    }
                }
            }
            continue;
        };
        let text_src = if l.cells.len() >= 2 && !status_mode {
            l.cells[text_cells..].join(" | ")
        } else if status_mode {
            l.text.clone()
        } else {
            event_text(read_from, &m)
        };
        let mut text = text_src;
        if text.is_empty() && matches!(l.kind, LineKind::Heading(_)) {
            // "### 16:32" with the event in the paragraph below
            text = outline
                .lines
                .iter()
                .skip(i + 1)
                .take_while(|n| !matches!(n.kind, LineKind::Heading(_)))
                .map(|n| n.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
        }
        let time_text = read_from[m.start..m.end].trim().to_string();
        raw.push((l.number, m, time_text, text));
    }
    resolve(raw, frame)
}

fn resolve(raw: Vec<(u32, Moment, String, String)>, frame: &Frame) -> Vec<TimelineEvent> {
    let mut current: Option<Date> = frame.anchor;
    let mut prev_minutes: Option<i32> = None;
    let mut out = Vec::new();
    for (line, m, time_text, text) in raw {
        let Some(t) = m.time.as_ref() else {
            // a date marker, not an event
            if let Some(d) = m.date.and_then(|d| d.resolve(frame.anchor.map(|a| a.year()))) {
                current = Some(d);
                prev_minutes = None;
            }
            continue;
        };
        let minutes = t.hour as i32 * 60 + t.minute as i32;
        if let Some(d) = m.date.and_then(|d| d.resolve(frame.anchor.map(|a| a.year()))) {
            current = Some(d);
        } else if let (Some(prev), Some(cur)) = (prev_minutes, current) {
            // A clock that runs back by more than six hours has passed midnight.
            if prev - minutes > 6 * 60 {
                current = cur.tomorrow().ok();
            }
        }
        prev_minutes = Some(minutes);
        let at = match (current, t.partial) {
            (Some(d), false) => when::instant(d, t, frame.zone.as_ref().map(|z| &z.zone)),
            _ => None,
        };
        out.push(TimelineEvent {
            at,
            time_text,
            text,
            line,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::when::ZoneHit;
    use crate::extract::zone::parse_zone_name;
    use crate::parse::markdown::render;

    fn run(md: &str, anchor: Option<Date>, zone: Option<&str>) -> (Vec<TimelineEvent>, Vec<Diagnostic>) {
        let o = render(md, 1, &|_| None).outline;
        let ps = sections::parts(&o);
        let frame = Frame {
            anchor,
            zone: zone.map(|z| ZoneHit {
                label: z.to_string(),
                zone: parse_zone_name(z).unwrap(),
            }),
            ..Frame::default()
        };
        let mut d = Vec::new();
        let ev = events(&o, &ps, &LineReadings::new(&o), &frame, "t.md", &mut d);
        (ev, d)
    }

    fn ats(ev: &[TimelineEvent]) -> Vec<String> {
        ev.iter()
            .map(|e| e.at.map(|a| a.to_string()).unwrap_or_else(|| "-".into()))
            .collect()
    }

    #[test]
    fn event_text_drops_the_same_separators_as_before() {
        // The separator set as the string it was written as.
        let old = |c: char| c.is_whitespace() || ":-–—|]).*".contains(c);
        let m = when::find_moments("10:00").remove(0);
        for rest in [" — paged", ": - –x", "]).* y", "|—z", " ~w", "😀 v", "…u"] {
            let text = format!("10:00{rest}");
            let want = rest.trim_start_matches(old).trim().to_string();
            assert_eq!(event_text(&text, &m), want, "{rest}");
        }
    }

    #[test]
    fn bare_times_take_the_incident_date_and_zone() {
        let (ev, _) = run(
            "## Timeline\n\n- **9:10 AM**: pager fired\n- 9:30 AM - cache flushed\nsome note\n- 11:05 AM: recovered\n",
            Some(jiff::civil::date(2031, 3, 9)),
            Some("EST"),
        );
        assert_eq!(
            ats(&ev),
            vec![
                "2031-03-09T09:10:00-05:00",
                "2031-03-09T09:30:00-05:00",
                "2031-03-09T11:05:00-05:00"
            ]
        );
        assert_eq!(ev[0].text, "pager fired");
        assert_eq!(ev[1].text, "cache flushed");
    }

    #[test]
    fn a_date_change_mid_timeline_is_followed() {
        let (ev, _) = run(
            "Timeline:\n\nOct 3, 2031, 10:00 PM (UTC): disk alarm\n11:30 PM: failover\n00:45 AM: replica rebuilt\nOct 4, 2031, 09:00 AM (UTC): closed\n",
            None,
            None,
        );
        assert_eq!(
            ats(&ev),
            vec![
                "2031-10-03T22:00:00+00:00",
                "2031-10-03T23:30:00",
                "2031-10-04T00:45:00",
                "2031-10-04T09:00:00+00:00"
            ]
        );
    }

    #[test]
    fn date_headings_set_the_date_of_later_times() {
        let (ev, _) = run(
            "## Timeline\n\n### 2031-06-06 (all times UTC)\n\n- 23:10 disk alarm\n\n### June 7\n\n- 08:00 replaced disk\n",
            None,
            Some("UTC"),
        );
        assert_eq!(
            ats(&ev),
            vec!["2031-06-06T23:10:00+00:00", "2031-06-07T08:00:00+00:00"]
        );
    }

    #[test]
    fn tables_headings_partial_times_and_placeholders() {
        let md = "## Timeline\n\n| Time | Event |\n|---|---|\n| 2031-05-05 HH:mm | Short event description. |\n| 2031-05-05 08:00 | queue stalled |\n| 2031-05-05 08:?? | restarted workers |\n\n### 09:15\n\nall green\n";
        let (ev, d) = run(md, None, Some("UTC"));
        assert_eq!(ev.len(), 3);
        assert_eq!(ev[0].text, "queue stalled");
        assert!(ev[1].at.is_none(), "partial time has no instant");
        assert_eq!(ev[2].text, "all green");
        assert_eq!(ats(&ev)[2], "2031-05-05T09:15:00+00:00");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "placeholder");
        assert_eq!(d[0].line, Some(5));
    }

    #[test]
    fn date_and_time_in_separate_columns() {
        let md = "## Timeline\n\n| Date | Time | Event |\n|---|---|---|\n| 2031-05-05 | 08:00 UTC | queue stalled |\n| 2031-05-06 | 09:30 UTC | drained |\n";
        let (ev, _) = run(md, None, None);
        assert_eq!(
            ats(&ev),
            vec!["2031-05-05T08:00:00+00:00", "2031-05-06T09:30:00+00:00"]
        );
        assert_eq!(ev[1].text, "drained");
    }

    #[test]
    fn status_updates_when_there_is_no_timeline_section() {
        let md = "Something is wrong.\n\n**Update**: still looking {{< track \"2031-02-02T10:00:00Z\" >}}\n\n**Resolved**: fixed {{< track \"2031-02-02T11:00:00Z\" >}}\n";
        let (ev, _) = run(md, None, None);
        assert_eq!(
            ats(&ev),
            vec!["2031-02-02T10:00:00+00:00", "2031-02-02T11:00:00+00:00"]
        );
    }

    #[test]
    fn prose_in_the_timeline_section_is_not_an_event() {
        let (ev, _) = run(
            "## Timeline\n\nWe noticed it at 10:00 and fixed it.\n- [Timestamp]: alert\n",
            None,
            None,
        );
        assert!(ev.is_empty());
    }
}

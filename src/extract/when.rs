//! Dates and times as written: ISO 8601 / RFC 3339 values from front matter, and (grown by
//! the text extractors) the free-form spellings found in postmortems.
//!
//! Every parser here returns `None` rather than guess.

use super::zone::{self, Zone};
use crate::model::When;
use jiff::civil::{Date, DateTime};

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

#[cfg(test)]
mod tests {
    use super::*;

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

//! Time zones as postmortems write them: abbreviations (`UTC`, `PDT`, `WAT`), offsets
//! (`+01:00`, `GMT+1`, `UTC-5`) and IANA names (`Europe/Berlin`).
//!
//! Abbreviations are taken literally, even when wrong for the season ("CET" in June is
//! +01:00): the author wrote it, and guessing DST would be inventing.

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};

/// A zone the text named.
#[derive(Debug, Clone, PartialEq)]
pub enum Zone {
    Fixed(Offset),
    Iana(TimeZone),
}

impl Zone {
    /// The offset in force at the wall-clock `dt` (for IANA zones, DST-aware).
    pub fn offset_at(&self, dt: DateTime) -> Offset {
        match self {
            Zone::Fixed(o) => *o,
            Zone::Iana(tz) => tz
                .to_ambiguous_zoned(dt)
                .compatible()
                .map(|z| z.offset())
                .unwrap_or(Offset::UTC),
        }
    }
}

/// Abbreviation → offset in minutes. Ambiguous ones (IST, CST) take the reading most common
/// in incident reports: IST India, CST US Central.
const ABBREVIATIONS: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("ZULU", 0),
    ("WET", 0),
    ("BST", 60),
    ("WEST", 60),
    ("CET", 60),
    ("WAT", 60),
    ("CEST", 120),
    ("CAT", 120),
    ("EET", 120),
    ("SAST", 120),
    ("EEST", 180),
    ("EAT", 180),
    ("MSK", 180),
    ("GST", 240),
    ("PKT", 300),
    ("IST", 330),
    ("NPT", 345),
    ("ICT", 420),
    ("WIB", 420),
    ("CST_CHINA", 480),
    ("SGT", 480),
    ("HKT", 480),
    ("AWST", 480),
    ("JST", 540),
    ("KST", 540),
    ("ACST", 570),
    ("AEST", 600),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
    ("BRT", -180),
    ("ART", -180),
    ("ADT", -180),
    ("AST", -240),
    ("EDT", -240),
    ("EST", -300),
    ("CDT", -300),
    ("CST", -360),
    ("MDT", -360),
    ("MST", -420),
    ("PDT", -420),
    ("PST", -480),
    ("AKDT", -480),
    ("AKST", -540),
    ("HST", -600),
];

/// Zone names spelled out, mapped to the abbreviation they stand for (taken literally,
/// like abbreviations: "Eastern Standard Time" in June is still -05:00).
const LONG_NAMES: &[(&str, &str)] = &[
    ("EASTERN STANDARD TIME", "EST"),
    ("EASTERN DAYLIGHT TIME", "EDT"),
    ("EASTERN TIME", "EST"),
    ("CENTRAL STANDARD TIME", "CST"),
    ("CENTRAL DAYLIGHT TIME", "CDT"),
    ("CENTRAL TIME", "CST"),
    ("MOUNTAIN STANDARD TIME", "MST"),
    ("MOUNTAIN DAYLIGHT TIME", "MDT"),
    ("MOUNTAIN TIME", "MST"),
    ("PACIFIC STANDARD TIME", "PST"),
    ("PACIFIC DAYLIGHT TIME", "PDT"),
    ("PACIFIC TIME", "PST"),
    ("COORDINATED UNIVERSAL TIME", "UTC"),
    ("GREENWICH MEAN TIME", "GMT"),
    ("CENTRAL EUROPEAN TIME", "CET"),
    ("CENTRAL EUROPEAN SUMMER TIME", "CEST"),
    ("WEST AFRICA TIME", "WAT"),
    ("EAST AFRICA TIME", "EAT"),
    ("INDIA STANDARD TIME", "IST"),
    ("INDIA TIME", "IST"),
];

/// Offset of a zone abbreviation or spelled-out name, case-insensitive (`pst` → -08:00).
pub fn abbreviation(abbr: &str) -> Option<Offset> {
    let upper = abbr.trim().to_ascii_uppercase();
    let upper = LONG_NAMES
        .iter()
        .find(|(long, _)| *long == upper)
        .map(|(_, short)| short.to_string())
        .unwrap_or(upper);
    ABBREVIATIONS
        .iter()
        .find(|(a, _)| *a == upper)
        .and_then(|(_, minutes)| Offset::from_seconds(minutes * 60).ok())
}

/// Parse `+01:00`, `-0500`, `+1`, `GMT+1`, `UTC-05:30`, `UTC+5.5`.
pub fn offset(text: &str) -> Option<Offset> {
    let t = text.trim();
    let t = ["UTC", "GMT", "utc", "gmt"]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .unwrap_or(t)
        .trim();
    let (sign, rest) = match t.chars().next()? {
        '+' => (1, &t[1..]),
        '-' | '−' => (-1, &t[t.char_indices().nth(1)?.0..]),
        _ => return None,
    };
    let rest = rest.trim();
    let (h, m): (i32, i32) = if let Some((h, m)) = rest.split_once(':') {
        (h.parse().ok()?, m.parse().ok()?)
    } else if let Some((h, frac)) = rest.split_once('.') {
        (
            h.parse().ok()?,
            (format!("0.{frac}").parse::<f64>().ok()? * 60.0).round() as i32,
        )
    } else if rest.len() == 4 && rest.chars().all(|c| c.is_ascii_digit()) {
        (rest[..2].parse().ok()?, rest[2..].parse().ok()?)
    } else if !rest.is_empty() && rest.len() <= 2 && rest.chars().all(|c| c.is_ascii_digit()) {
        (rest.parse().ok()?, 0)
    } else {
        return None;
    };
    if h > 14 || m >= 60 {
        return None;
    }
    Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

/// Any way of naming a zone: abbreviation, offset, or IANA name.
pub fn parse_zone_name(name: &str) -> Option<Zone> {
    let n = name.trim();
    if let Some(o) = abbreviation(n) {
        return Some(Zone::Fixed(o));
    }
    if let Some(o) = offset(n) {
        return Some(Zone::Fixed(o));
    }
    if n.contains('/') {
        if let Ok(tz) = TimeZone::get(n) {
            return Some(Zone::Iana(tz));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mins(o: Offset) -> i32 {
        o.seconds() / 60
    }

    #[test]
    fn abbreviations_are_literal() {
        assert_eq!(mins(abbreviation("PST").unwrap()), -480);
        assert_eq!(mins(abbreviation("pdt").unwrap()), -420);
        assert_eq!(mins(abbreviation("WAT").unwrap()), 60);
        assert_eq!(mins(abbreviation("EAT").unwrap()), 180);
        assert_eq!(mins(abbreviation("IST").unwrap()), 330);
        assert_eq!(mins(abbreviation("CET").unwrap()), 60);
        assert!(abbreviation("XYZ").is_none());
        assert_eq!(mins(abbreviation("Eastern Standard Time").unwrap()), -300);
        assert_eq!(mins(abbreviation("pacific daylight time").unwrap()), -420);
    }

    #[test]
    fn offsets_in_many_spellings() {
        assert_eq!(mins(offset("+01:00").unwrap()), 60);
        assert_eq!(mins(offset("GMT+01:00").unwrap()), 60);
        assert_eq!(mins(offset("GMT+1").unwrap()), 60);
        assert_eq!(mins(offset("UTC-5").unwrap()), -300);
        assert_eq!(mins(offset("-0530").unwrap()), -330);
        assert_eq!(mins(offset("UTC+5.5").unwrap()), 330);
        assert!(offset("+25").is_none());
        assert!(offset("10:00").is_none());
    }

    #[test]
    fn iana_names_follow_dst_when_available() {
        // Skip silently only if the machine has no tz database at all.
        if let Some(Zone::Iana(_)) = parse_zone_name("Europe/Berlin") {
            let z = parse_zone_name("Europe/Berlin").unwrap();
            assert_eq!(
                mins(z.offset_at(jiff::civil::date(2024, 7, 1).at(12, 0, 0, 0))),
                120
            );
            assert_eq!(
                mins(z.offset_at(jiff::civil::date(2024, 1, 1).at(12, 0, 0, 0))),
                60
            );
        }
        assert!(parse_zone_name("Mars/Olympus").is_none());
    }
}

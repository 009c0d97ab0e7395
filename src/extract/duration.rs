//! Durations as written: "2 hours", "19 hours 43 minutes", "1415 minutes", "2h30m",
//! "approximately 16 hours", "1.5 days", "90" (minutes).

/// Minutes in a stated duration, or `None` when the text states none.
pub fn parse_minutes(text: &str) -> Option<i64> {
    let t = text.trim().to_ascii_lowercase();
    if let Ok(n) = t.parse::<f64>() {
        return (n >= 0.0).then(|| n.round() as i64);
    }
    let mut total = 0.0f64;
    let mut found = false;
    let bytes: Vec<char> = t.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == '.') {
            i += 1;
        }
        let n: f64 = match bytes[start..i].iter().collect::<String>().parse() {
            Ok(n) => n,
            Err(_) => continue,
        };
        while i < bytes.len() && bytes[i] == ' ' {
            i += 1;
        }
        let unit_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit: String = bytes[unit_start..i].iter().collect();
        let factor = match unit.as_str() {
            "d" | "day" | "days" => 1440.0,
            "h" | "hr" | "hrs" | "hour" | "hours" => 60.0,
            "m" | "min" | "mins" | "minute" | "minutes" => 1.0,
            "s" | "sec" | "secs" | "second" | "seconds" => 1.0 / 60.0,
            "w" | "week" | "weeks" => 10080.0,
            _ => continue,
        };
        total += n * factor;
        found = true;
    }
    found.then(|| total.round() as i64)
}

#[cfg(test)]
mod tests {
    use super::parse_minutes;

    #[test]
    fn stated_durations() {
        assert_eq!(parse_minutes("2 hours"), Some(120));
        assert_eq!(parse_minutes("19 hours 43 minutes"), Some(1183));
        assert_eq!(parse_minutes("1415 minutes"), Some(1415));
        assert_eq!(parse_minutes("approximately 16 hours"), Some(960));
        assert_eq!(parse_minutes("2h30m"), Some(150));
        assert_eq!(parse_minutes("1.5 days"), Some(2160));
        assert_eq!(parse_minutes("90"), Some(90));
        assert_eq!(parse_minutes("TBD"), None);
        assert_eq!(parse_minutes("a while"), None);
    }
}

//! Placeholders: template text an author never filled in ("[Timestamp]", "TBD", "XX:XX").
//!
//! A placeholder is never a value. This module recognises them, in front matter values and
//! in the text, so extractors can skip them and report a `placeholder` warning.

use super::pattern;
use crate::diagnostic::Diagnostic;
use regex::Regex;
use std::sync::LazyLock;

/// The `placeholder` warning: `what` (`severity`, ``front matter `end` ``) holds `value`,
/// which a template left there.
pub fn warning(path: &str, line: Option<u32>, what: &str, value: &str) -> Diagnostic {
    let d = Diagnostic::warning(
        "placeholder",
        path,
        format!("{what} is a placeholder ({value:?}); no value used"),
    );
    match line {
        Some(l) => d.at_line(l),
        None => d,
    }
}

/// Values authors put in templates and never filled in.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim().trim_matches(['*', '_', '`']).trim();
    let lower = v.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "" | "tbd"
            | "tba"
            | "n/a"
            | "na"
            | "todo"
            | "unknown"
            | "?"
            | "??"
            | "-"
            | "--"
            | "xx:xx"
            | "hh:mm"
            | "none"
            | "null"
            // a template's bracketed word after Markdown turned it into link text
            | "timestamp"
            | "datetime"
            | "date"
            | "time"
            | "specify timezone"
    ) || (v.starts_with('[') && v.ends_with(']'))
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with('{') && v.ends_with('}'))
        || lower.contains("xx:xx")
        || lower.contains("yyyy")
}

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)\[[^\]\[]{0,40}\b(?:timestamp|time|date|datetime|timezone|time zone|duration|specify|insert|fill in|tbd|percent(?:age)?|number)\b[^\]\[]{0,40}\]|\b(?:XX|HH):(?:XX|MM|mm)\b|\bYYYY-MM-DD\b|\bHH:mm\b|<(?:date|time|timestamp)>",
    )
});

/// The placeholder in `text`: a template token inside it, or the whole value when the
/// value itself is one (`TBD`). `None` for real values.
pub fn placeholder_in(text: &str) -> Option<&str> {
    find_token(text).or_else(|| is_placeholder(text).then_some(text))
}

/// The first placeholder token written in `text` ("[Timestamp]", "XX:XX", "HH:mm").
pub fn find_token(text: &str) -> Option<&str> {
    TOKEN.find(text).map(|m| m.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_recognised() {
        for p in [
            "TBD",
            "[Timestamp]",
            "N/A",
            "XX:XX",
            "<fill in>",
            "{{start}}",
            "YYYY-MM-DD",
            "  tbd ",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for v in ["2023-05-10", "SEV2", "checkout"] {
            assert!(!is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn tokens_in_text() {
        assert_eq!(
            find_token("- [Start time here]: alerts fired"),
            Some("[Start time here]")
        );
        assert_eq!(find_token("| 2031-01-01 HH:mm | Short event |"), Some("HH:mm"));
        assert_eq!(find_token("at XX:XX the pager went off"), Some("XX:XX"));
        assert_eq!(find_token("see [the runbook] and [#42]"), None);
        assert_eq!(find_token("10:05 alert fired"), None);
    }
}

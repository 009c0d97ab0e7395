//! Property tests over parse + extract (the same surface as the `parse_extract` fuzz
//! target): any bytes and any Markdown-ish text parse without panicking, every line number
//! reported points into the file, and extracted fields keep their invariants.

use incidex::config::Config;
use incidex::diagnostic::Diagnostic;
use incidex::extract::{self, Context};
use incidex::model::Record;
use incidex::parse;
use proptest::prelude::*;

fn run(bytes: &[u8]) -> Option<(Record, Vec<Diagnostic>, u32)> {
    let rewrite = |d: &str| (!d.contains(':')).then(|| format!("../../files/{d}"));
    let doc = parse::parse("p.md", bytes, &rewrite).ok()?;
    let config = Config::default();
    let cx = Context {
        config: &config,
        today: jiff::civil::date(2026, 1, 1),
    };
    let (record, mut diags) = extract::extract(&doc, &cx);
    diags.extend(doc.diagnostics.iter().cloned());
    let lines = bytes.iter().filter(|b| **b == b'\n').count() as u32 + 1;
    Some((record, diags, lines))
}

fn lines_in_bounds(record: &Record, diags: &[Diagnostic], lines: u32) -> Result<(), TestCaseError> {
    for d in diags {
        if let Some(l) = d.line {
            prop_assert!((1..=lines).contains(&l), "{d:?} outside 1..={lines}");
        }
    }
    for (field, p) in &record.provenance {
        if let Some(l) = p.line {
            prop_assert!(
                (1..=lines).contains(&l),
                "{field} at line {l} outside 1..={lines}"
            );
        }
    }
    Ok(())
}

/// Lines that look like postmortems: front matter keys, labels, times, lists, tables,
/// placeholders, raw HTML, odd whitespace.
fn markdownish() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("---".to_string()),
        Just("+++".to_string()),
        Just("".to_string()),
        "(title|start|end|duration|severity|timezone|slug): [ -~]{0,30}",
        "  (percent|users|category|summary): [ -~]{0,20}",
        "(#{1,7}) [ -~]{0,30}",
        "\\*\\*(Start|End|Duration|Impact|Root cause):\\*\\* [ -~]{0,30}",
        "[-*+] (\\[[ x]\\] )?[0-2][0-9]:[0-5][0-9] (UTC|PDT|CET|\\+01:00)? [ -~]{0,20}",
        "\\|[ -~]{0,20}\\|[ -~]{0,20}\\|",
        "(TBD|\\[Timestamp\\]|XX:XX|N/A|YYYY-MM-DD)",
        "20[0-9]{2}-[01][0-9]-[0-3][0-9]([T ][0-2][0-9]:[0-5][0-9](:[0-5][0-9])?(Z|[+-][01][0-9]:[03]0)?)?",
        "<[a-z]{1,6}( [a-z]{1,6}=\"[ -~]{0,10}\")?>",
        "(> ){1,40}[ -~]{0,10}",
        "\\PC{0,40}",
        "[\t\r \u{feff}\u{202e}]{0,4}",
    ];
    (prop::collection::vec(line, 0..40), prop::bool::ANY)
        .prop_map(|(lines, crlf)| lines.join(if crlf { "\r\n" } else { "\n" }))
}

proptest! {
    // A fixed seed keeps CI deterministic; the fuzzer (fuzz/) is where new inputs are explored.
    #![proptest_config(ProptestConfig {
        cases: 512,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x1dec_5eed),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        if let Some((record, diags, lines)) = run(&bytes) {
            lines_in_bounds(&record, &diags, lines)?;
        }
    }

    #[test]
    fn markdownish_text_never_panics_and_lines_point_into_the_file(text in markdownish()) {
        if let Some((record, diags, lines)) = run(text.as_bytes()) {
            lines_in_bounds(&record, &diags, lines)?;
            if let Some(t) = &record.title {
                prop_assert!(!t.trim().is_empty(), "empty title kept");
            }
            if let Some(p) = record.impact.percent {
                prop_assert!((0.0..=100.0).contains(&p), "impact {p}%");
            }
        }
    }

    /// Extraction's contract: an end before the start is never silently kept.
    #[test]
    fn end_is_after_start_or_reported(
        start in "20[0-9]{2}-0[1-9]-1[0-9]( [0-2][0-9]:[0-5][0-9])?",
        end in "20[0-9]{2}-0[1-9]-1[0-9]( [0-2][0-9]:[0-5][0-9])?",
        in_front_matter in prop::bool::ANY,
        text in markdownish(),
    ) {
        let doc = if in_front_matter {
            format!("---\nstart: {start}\nend: {end}\n---\n{text}")
        } else {
            format!("# Outage\n\n**Start:** {start} UTC\n**End:** {end} UTC\n\n{text}")
        };
        if let Some((record, diags, _)) = run(doc.as_bytes()) {
            if let (Some(s), Some(e)) = (record.start, record.end) {
                // A date-only value means "some time that day": compare at day precision.
                let day_precision = s.date_only || e.date_only;
                let in_order = if day_precision {
                    e.datetime.date() >= s.datetime.date()
                } else {
                    e.epoch_seconds() >= s.epoch_seconds()
                };
                prop_assert!(
                    in_order
                        || diags.iter().any(|d| d.code == "end-before-start"),
                    "end {e} before start {s} with no diagnostic"
                );
            }
        }
    }
}

//! Any bytes, as a postmortem file: parse (decoding, front matter, Markdown, sanitising)
//! then extract must never panic, and every line they report must exist in the file.
#![no_main]

use incidex::config::Config;
use incidex::extract::{self, Context};
use incidex::parse;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn config() -> &'static Config {
    static C: OnceLock<Config> = OnceLock::new();
    C.get_or_init(Config::default)
}

fuzz_target!(|data: &[u8]| {
    let rewrite = |d: &str| (!d.contains(':')).then(|| format!("../../files/{d}"));
    let Ok(doc) = parse::parse("fuzz.md", data, &rewrite) else {
        return;
    };
    let cx = Context {
        config: config(),
        today: jiff::civil::date(2026, 1, 1),
    };
    let (record, diags) = extract::extract(&doc, &cx);
    // Line numbers point into the file (a trailing line without newline still counts).
    let lines = data.iter().filter(|b| **b == b'\n').count() as u32 + 1;
    for d in doc.diagnostics.iter().chain(diags.iter()) {
        if let Some(l) = d.line {
            assert!(l >= 1 && l <= lines, "{d:?} outside 1..={lines}");
        }
    }
    for (field, p) in &record.provenance {
        if let Some(l) = p.line {
            assert!(
                l >= 1 && l <= lines,
                "{field} provenance line {l} outside 1..={lines}"
            );
        }
    }
    for l in &doc.markdown.outline.lines {
        assert!(
            l.number >= 1 && l.number <= lines,
            "outline line {} outside 1..={lines}",
            l.number
        );
    }
});

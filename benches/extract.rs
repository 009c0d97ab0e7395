//! Extraction throughput: parse N invented postmortems (not timed), then time
//! `extract::extract` over all of them on the rayon pool, as `build` does.
//!
//! Run: `cargo bench --bench extract` (N defaults to 10000; `-- 2000` to change it).

use incidex::config::Config;
use incidex::extract::{self, Context};
use incidex::parse;
use rayon::prelude::*;
use std::time::Instant;

fn doc(i: usize) -> String {
    let day = 1 + i % 28;
    let month = 1 + i % 12;
    let hour = 1 + i % 20;
    let pct = 5 + i % 90;
    match i % 3 {
        0 => format!(
            "# Larkspur incident {i}\n\n## Issue Summary\n\n- **Duration:** 2030-{month:02}-{day:02} {hour:02}:05 UTC - 2030-{month:02}-{day:02} {:02}:40 UTC\n- **Impact:** About {pct}% of shoppers saw errors.\n- **Root Cause:** A misconfigured load balancer pool drained every backend.\n\n## Timeline\n\n- {hour:02}:05 UTC: alert fired\n- {hour:02}:20 UTC: rollback, no change\n- {:02}:40 UTC: pool restored\n\n## Action items\n\n- alarm on empty pools\n- review pool changes\n",
            hour + 2,
            hour + 2
        ),
        1 => format!(
            "Postmortem\nIssue Summary\nOn March {day}, 2031, from {hour}:00 AM to {}:30 AM PST the queue stalled.\nRoughly {pct}% of customers were affected.\nRoot Cause\nThe disk of the broker ran out of space.\nTimeline\n{hour}:00 AM: lag alert\n{}:30 AM: disk grown\nCorrective and Preventative Measures\nAdd disk alarms.\n",
            hour.min(10) + 1,
            hour.min(10) + 1
        ),
        _ => format!(
            "---\ntitle: Cert expiry {i}\nstart: 2029-{month:02}-{day:02}T10:00:00Z\n---\n\nThe TLS certificate expired. The site was down for 2 hours.\n\n## Lessons learned\n\n- automate renewals\n"
        ),
    }
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this as a quick smoke test.
    let benching = std::env::args().any(|a| a == "--bench");
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(if benching { 10_000 } else { 100 });
    let docs: Vec<parse::Document> = (0..n)
        .map(|i| parse::parse(&format!("{i}.md"), doc(i).as_bytes(), &|_| None).expect("parses"))
        .collect();
    let config = Config::default();
    let cx = Context {
        config: &config,
        today: jiff::civil::date(2035, 1, 1),
    };
    // warm-up (regex compilation, page faults)
    let _ = docs
        .par_iter()
        .take(100)
        .map(|d| extract::extract(d, &cx))
        .count();
    let t = Instant::now();
    let records: Vec<_> = docs.par_iter().map(|d| extract::extract(d, &cx)).collect();
    let elapsed = t.elapsed();
    let with_start = records.iter().filter(|(r, _)| r.start.is_some()).count();
    println!(
        "extract: {n} postmortems in {:.1} ms on {} threads ({:.1} µs each; {with_start} with a start)",
        elapsed.as_secs_f64() * 1000.0,
        rayon::current_num_threads(),
        elapsed.as_secs_f64() * 1e6 / n as f64
    );
}

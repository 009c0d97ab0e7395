//! Benchmark: the archive views, charts and exports for 10,000 synthetic postmortems built
//! in code (no parsing, no disk), i.e. what this feature adds to a build.
//! Run: `cargo bench --bench views` (prints the median of 5 runs); `-- --once` for profiling.

use incidex::archive::Archive;
use incidex::config::Config;
use incidex::model::{Postmortem, Record, When};
use incidex::render::{render_site, theme::Theme};
use std::time::Instant;

fn synthetic(n: usize) -> Vec<Postmortem> {
    let cats = [
        "database",
        "dns",
        "deployment",
        "network",
        "capacity",
        "certificate",
        "software-bug",
    ];
    let services = [
        "api",
        "cart",
        "search",
        "login",
        "edge",
        "orders",
        "billing",
        "notifications",
    ];
    // A small deterministic generator: the same archive on every run.
    let mut state: u64 = 0x9e3779b97f4a7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    // Body text for the text similarity: ~350 words per postmortem drawn with a Zipf-like
    // skew from a 4,000-word vocabulary of made-up words (a real archive's long tail).
    let syllables = [
        "ka", "ro", "mi", "te", "lu", "san", "dor", "vex", "pli", "qua", "ne", "zu",
    ];
    let vocabulary: Vec<String> = (0..4000u64)
        .map(|k| {
            let mut w = String::new();
            let mut x = k * 2654435761 + 7;
            for _ in 0..(2 + k % 3) {
                w.push_str(syllables[(x % 12) as usize]);
                x /= 12;
            }
            w
        })
        .collect();
    (0..n)
        .map(|i| {
            let day = (next() % (365 * 8)) as i64;
            let date = jiff::civil::date(2016, 1, 1)
                .checked_add(jiff::Span::new().days(day))
                .unwrap();
            let mut record = Record {
                title: Some(format!("Synthetic incident {i}")),
                start: Some(When::new(date.at(10, 0, 0, 0), Some(jiff::tz::Offset::UTC))),
                duration_minutes: (next() % 10 != 0)
                    .then(|| (5.0 * 1.8f64.powi((next() % 12) as i32)) as i64),
                severity: Some(format!("SEV{}", next() % 3 + 1)),
                services: vec![services[(next() % 8) as usize].to_string()],
                tags: vec![format!("tag-{}", next() % 20)],
                contributing_factors: vec![format!("factor {}", next() % 15)],
                ..Record::default()
            };
            record.root_cause.category = (next() % 8 != 0).then(|| cats[(next() % 7) as usize].to_string());
            record.impact.percent = Some((next() % 100) as f64);
            let mut word = || {
                let r = (next() % 1_000_000) as f64 / 1_000_000.0;
                vocabulary[((r * r * r) * vocabulary.len() as f64) as usize].as_str()
            };
            let title = format!("Synthetic incident {i}: {} {} {}", word(), word(), word());
            let plain_text: Vec<&str> = (0..350).map(|_| word()).collect();
            record.root_cause.summary = Some((0..12).map(|_| word()).collect::<Vec<_>>().join(" "));
            Postmortem {
                path: format!("pm-{i}.md"),
                slug: format!("pm-{i}"),
                title,
                draft: false,
                record,
                body_html: "<p>Body.</p>".into(),
                toc: Vec::new(),
                plain_text: plain_text.join(" ").into(),
                extra: Default::default(),
                diagnostics: Vec::new(),
            }
        })
        .collect()
}

fn main() {
    let config = Config::default();
    let theme = Theme::load(None).unwrap();
    let archive = Archive::new(synthetic(10_000));
    // `-- --similar`: similar incidents once and nothing else, for profilers.
    if std::env::args().any(|a| a == "--similar") {
        let groups = incidex::archive::groups::Groups::new(&archive, &config);
        let t = Instant::now();
        let similar = incidex::archive::similar::similar(&archive, &groups);
        let elapsed = t.elapsed().as_secs_f64();
        // A fingerprint of the result, to check that a faster version ranks the same.
        let fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            similar.hash(&mut h);
            h.finish()
        };
        println!(
            "similar: {elapsed:.3} s, {} lists, fingerprint {fingerprint:016x}",
            similar.len()
        );
        return;
    }
    // `cargo bench --bench views -- --once`: one views+charts+exports run and nothing else,
    // for profilers (`valgrind --tool=callgrind target/release/deps/views-* --once`).
    if std::env::args().any(|a| a == "--once") {
        let t = Instant::now();
        let files = incidex::render::archive_views_only(&archive, &theme, &config).unwrap();
        println!("{} files in {:.3} s", files.len(), t.elapsed().as_secs_f64());
        return;
    }
    let mut full = Vec::new();
    let mut views = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let files = render_site(&archive, &theme, &config).unwrap();
        full.push(t.elapsed().as_secs_f64());
        assert!(files.len() > 10_000);
        let t = Instant::now();
        incidex::render::archive_views_only(&archive, &theme, &config).unwrap();
        views.push(t.elapsed().as_secs_f64());
    }
    // Where the time goes (single run each).
    let time = |label: &str, f: &dyn Fn()| {
        let t = Instant::now();
        f();
        println!("  {label}: {:.3} s", t.elapsed().as_secs_f64());
    };
    let groups = incidex::archive::groups::Groups::new(&archive, &config);
    time("groups", &|| {
        drop(incidex::archive::groups::Groups::new(&archive, &config))
    });
    time("trends", &|| {
        drop(incidex::archive::trends::Trends::new(&archive))
    });
    time("similar", &|| {
        drop(incidex::archive::similar::similar(&archive, &groups))
    });
    time("archive.json", &|| {
        drop(incidex::render::exports::archive_json(&archive, &config))
    });
    time("incidents.csv", &|| {
        drop(incidex::render::exports::incidents_csv(&archive, &config))
    });
    full.sort_by(f64::total_cmp);
    views.sort_by(f64::total_cmp);
    println!(
        "10,000 postmortems on {} threads: views+charts+exports {:.3} s, whole render_site {:.3} s (median of 5)",
        rayon::current_num_threads(),
        views[2],
        full[2]
    );
}

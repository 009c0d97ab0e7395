//! Query latency of `incidex search`'s engine: `cargo run --release --example search_bench -- INDEX_DIR [ROUNDS]`.
//!
//! Opens the tantivy index once (as `search` and `serve` do), then runs a fixed set of
//! symptom-style queries ROUNDS times each, with snippets, limit 10, and prints the
//! median, p90 and max wall time per query. Used by bench/search.sh.
//!
//! With `--build CONTENT` it first times the search stages of a build on that archive
//! (documents, tantivy index into a temporary folder, static index files), to show what
//! search adds to `incidex build`.

use incidex::search::index::SearchIndex;
use incidex::search::query::{search, Filters, Request, Sort};
use std::time::Instant;

const QUERIES: &[(&str, Sort)] = &[
    ("dns", Sort::Relevance),
    ("certificate expired", Sort::Relevance),
    ("connection pool", Sort::Relevance),
    ("\"connection pool\"", Sort::Relevance),
    ("502 after deploy", Sort::Relevance),
    ("rollback", Sort::Date),
    ("disk full", Sort::Duration),
    ("load balancer health check", Sort::Relevance),
    ("memory leak", Sort::Impact),
    ("certifcate", Sort::Relevance),
    ("replic", Sort::Relevance),
    ("the", Sort::Relevance),
    ("timeout checkout", Sort::Relevance),
    ("bgp", Sort::Relevance),
    ("payments-api", Sort::Relevance),
];

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--build") {
        let content = args.get(i + 1).cloned().unwrap_or_else(|| {
            eprintln!("--build needs a content folder");
            std::process::exit(2)
        });
        args.drain(i..=i + 1);
        time_build_stages(std::path::Path::new(&content));
    }
    let Some(dir) = args.first() else {
        eprintln!("usage: search_bench INDEX_DIR [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(20);
    let index = SearchIndex::open(std::path::Path::new(dir)).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let mut all = Vec::new();
    println!(
        "{:<30} {:>8} {:>9} {:>9}",
        "query", "matches", "median ms", "max ms"
    );
    for (q, sort) in QUERIES {
        let req = Request {
            text: q.to_string(),
            filters: Filters::default(),
            sort: *sort,
            limit: 10,
        };
        let mut times = Vec::with_capacity(rounds);
        let mut total = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            let r = search(&index, &req).expect("query runs");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            total = r.total;
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{:<30} {:>8} {:>9.2} {:>9.2}",
            format!("{q} ({sort:?})"),
            total,
            times[times.len() / 2],
            times[times.len() - 1]
        );
        all.extend(times);
    }
    all.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| all[((all.len() - 1) as f64 * p) as usize];
    println!(
        "all {} runs: median {:.2} ms, p90 {:.2} ms, max {:.2} ms",
        all.len(),
        pct(0.5),
        pct(0.9),
        all[all.len() - 1]
    );
}

fn time_build_stages(content: &std::path::Path) {
    use incidex::search::{index, static_index, SearchDoc};
    let config = incidex::config::Config::default();
    let opts = incidex::site::LoadOptions {
        config: &config,
        include_drafts: false,
        today: jiff::civil::date(2026, 1, 1),
    };
    let loaded = incidex::site::load(content, &opts).expect("archive loads");
    let t = Instant::now();
    let docs = SearchDoc::all(&loaded.archive.postmortems, &config);
    let hash = index::content_hash(&docs);
    let t_docs = t.elapsed();
    let tmp = std::env::temp_dir().join(format!("incidex-search-bench-index-{}", std::process::id()));
    let t = Instant::now();
    let idx = index::build(&tmp, &docs, None).expect("index builds");
    let t_index = t.elapsed();
    let t = Instant::now();
    let files = static_index::files(&idx, &docs, &hash).expect("static index");
    let t_static = t.elapsed();
    let _ = std::fs::remove_dir_all(&tmp);
    println!(
        "search stages of a build ({} docs, hash {hash}): documents + hash {:.0} ms, tantivy index {:.0} ms, static index ({} files) {:.0} ms",
        docs.len(),
        t_docs.as_secs_f64() * 1000.0,
        t_index.as_secs_f64() * 1000.0,
        files.len(),
        t_static.as_secs_f64() * 1000.0
    );
}

//! Criterion benches of the hot stages of `build`, on the synthetic archive `bench/run.sh`
//! builds (`examples/synthetic`, 1,000 postmortems, seed 7): parse, extract, the whole load
//! stage (discover + read + parse + extract + archive), render (every page, chart and
//! export), the tantivy index and the static search index.
//!
//! Run: `cargo bench --bench stages` (all), `cargo bench --bench stages -- render` (one).
//! Under `cargo test --all-targets` criterion runs each bench once on 50 postmortems, as a
//! smoke test.
//!
//! `parse` and `extract` time one document after another on one thread: the per-document
//! cost, steadier on a shared machine than the rayon-parallel `load`, which is what `build`
//! runs. `render` and the search stages run as `build` runs them (rayon / tantivy threads).
//! End-to-end numbers (wall, CPU, peak RSS, sizes, Hugo and Pagefind) are `bench/run.sh`'s.

#[path = "../examples/synthetic/mod.rs"]
mod synthetic;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use incidex::config::Config;
use incidex::extract::{self, Context};
use incidex::parse;
use incidex::render::theme::Theme;
use incidex::search::{index, static_index, SearchDoc};
use incidex::site::{self, LoadOptions};
use std::hint::black_box;
use std::sync::OnceLock;

/// The seed `bench/run.sh` uses, so these are the documents of its archives.
const SEED: u64 = 7;

/// Postmortems per bench: 1,000 under `cargo bench`, 50 as a smoke test.
fn size() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        1_000
    } else {
        50
    }
}

/// Everything the benches start from, made once: the generated files (also written to a
/// temporary content folder for `load`), their parsed documents and the loaded archive.
struct Fixture {
    files: Vec<(String, String)>,
    docs: Vec<parse::Document>,
    content: tempfile::TempDir,
    loaded: site::Loaded,
    config: Config,
    theme: Theme,
}

const TODAY: jiff::civil::Date = jiff::civil::date(2030, 1, 1);

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let files: Vec<(String, String)> = synthetic::archive(size(), SEED).collect();
        let content = tempfile::tempdir().expect("temporary folder");
        for (rel, text) in &files {
            let path = content.path().join(rel);
            std::fs::create_dir_all(path.parent().expect("has a year folder")).expect("mkdir");
            std::fs::write(&path, text).expect("write postmortem");
        }
        let docs = files
            .iter()
            .map(|(rel, text)| parse::parse(rel, text.as_bytes(), &|_| None).expect("generated files parse"))
            .collect();
        let config = Config::default();
        let loaded = load(content.path(), &config);
        assert_eq!(
            loaded.archive.len(),
            files.len(),
            "every generated postmortem loads"
        );
        Fixture {
            files,
            docs,
            content,
            loaded,
            config,
            theme: Theme::load(None).expect("the embedded theme loads"),
        }
    })
}

fn load(content: &std::path::Path, config: &Config) -> site::Loaded {
    let opts = LoadOptions {
        config,
        include_drafts: false,
        today: TODAY,
    };
    site::load(content, &opts).expect("the generated archive loads")
}

fn stages(c: &mut Criterion) {
    let fx = fixture();
    let n = fx.files.len() as u64;
    let mut g = c.benchmark_group("stages");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n));

    g.bench_function("parse", |b| {
        b.iter(|| {
            for (rel, text) in &fx.files {
                black_box(parse::parse(rel, text.as_bytes(), &|_| None).ok());
            }
        })
    });

    let cx = Context {
        config: &fx.config,
        today: TODAY,
    };
    g.bench_function("extract", |b| {
        b.iter(|| {
            for doc in &fx.docs {
                black_box(extract::extract(doc, &cx));
            }
        })
    });

    g.bench_function("load", |b| {
        b.iter(|| black_box(load(fx.content.path(), &fx.config)))
    });

    g.bench_function("render", |b| {
        b.iter(|| black_box(site::site_files(&fx.loaded, &fx.theme, &fx.config).expect("renders")))
    });

    let search_docs = SearchDoc::all(&fx.loaded.archive.postmortems, &fx.config);
    let scratch = tempfile::tempdir().expect("temporary folder");
    let dir = scratch.path().join("search-index");
    g.bench_function("search_tantivy", |b| {
        // A cold build each time: `index::build` replaces whatever the folder holds.
        b.iter(|| black_box(index::build(&dir, &search_docs, None).expect("indexes")))
    });

    let tantivy = index::build(&dir, &search_docs, None).expect("indexes");
    let content_hash = index::content_hash(&search_docs);
    g.bench_function("search_static", |b| {
        b.iter(|| black_box(static_index::files(&tantivy, &search_docs, &content_hash).expect("cuts")))
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);

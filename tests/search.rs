//! The tantivy side of search on the fixture archive (tests/fixtures/search): ranking,
//! phrases, forgiveness, filters, sorts, snippets, freshness, and the static index files.

mod common;

use common::build_fixture;
use incidex::search::index::{self, SearchIndex};
use incidex::search::query::{self, Filters, Request, Results, Sort};
use incidex::search::static_index;
use std::io::Read;

fn run(idx: &SearchIndex, text: &str, filters: Filters, sort: Sort) -> Results {
    query::search(
        idx,
        &Request {
            text: text.into(),
            filters,
            sort,
            limit: 10,
        },
    )
    .unwrap()
}

fn titles(r: &Results) -> Vec<&str> {
    r.hits.iter().map(|h| h.title.as_str()).collect()
}

#[test]
fn obvious_best_match_ranks_first() {
    let b = build_fixture();
    let idx = SearchIndex::open(&b.index).unwrap();
    let r = run(&idx, "certificate expired", Filters::default(), Sort::Relevance);
    assert_eq!(titles(&r)[0], "Expired TLS certificate on the payments API");
    let r = run(&idx, "connection pool", Filters::default(), Sort::Relevance);
    assert_eq!(titles(&r)[0], "Connection pool exhaustion in the orders database");
    // Every word must match: nothing mentions both.
    assert_eq!(
        run(
            &idx,
            "certificate nameserver",
            Filters::default(),
            Sort::Relevance
        )
        .total,
        0
    );
}

#[test]
fn phrases_need_their_words_in_order() {
    let b = build_fixture();
    let idx = SearchIndex::open(&b.index).unwrap();
    assert_eq!(
        run(&idx, "\"connection pool\"", Filters::default(), Sort::Relevance).total,
        1
    );
    assert_eq!(
        run(&idx, "\"pool connection\"", Filters::default(), Sort::Relevance).total,
        0
    );
    // A hyphenated word is a phrase.
    assert_eq!(
        run(&idx, "zone-cleanup", Filters::default(), Sort::Relevance).total,
        1
    );
}

#[test]
fn typos_and_prefixes_are_forgiven() {
    let b = build_fixture();
    let idx = SearchIndex::open(&b.index).unwrap();
    let r = run(&idx, "certifcate", Filters::default(), Sort::Relevance);
    assert_eq!(r.query[0].terms, ["certif"]);
    assert_eq!(titles(&r)[0], "Expired TLS certificate on the payments API");
    let r = run(&idx, "namese", Filters::default(), Sort::Relevance);
    assert_eq!(r.query[0].terms, ["nameserv"]);
    assert_eq!(titles(&r), ["Nameserver migration broke email delivery"]);
    let r = run(&idx, "qwxzv", Filters::default(), Sort::Relevance);
    assert!(r.query[0].terms.is_empty());
    assert_eq!(r.total, 0);
}

#[test]
fn facet_and_date_filters_restrict() {
    let b = build_fixture();
    let idx = SearchIndex::open(&b.index).unwrap();
    let all = run(&idx, "dns", Filters::default(), Sort::Relevance);
    assert!(all.total >= 2, "{:?}", titles(&all));
    let dns = Filters {
        category: Some("dns".into()),
        ..Filters::default()
    };
    let r = run(&idx, "dns", dns.clone(), Sort::Relevance);
    assert_eq!(r.total, 2);
    let r = run(
        &idx,
        "dns",
        Filters {
            service: Some("checkout".into()),
            ..dns.clone()
        },
        Sort::Relevance,
    );
    assert_eq!(titles(&r), ["DNS resolution failures for checkout"]);
    let since = Filters {
        since: Some(jiff::civil::date(2022, 1, 1)),
        ..dns.clone()
    };
    assert_eq!(
        titles(&run(&idx, "dns", since, Sort::Relevance)),
        ["DNS resolution failures for checkout"]
    );
    let until = Filters {
        until: Some(jiff::civil::date(2021, 2, 3)),
        ..dns
    };
    assert_eq!(
        titles(&run(&idx, "dns", until, Sort::Relevance)),
        ["Nameserver migration broke email delivery"],
        "until is inclusive of its day"
    );
}

#[test]
fn sorts_by_date_duration_and_impact() {
    let b = build_fixture();
    let idx = SearchIndex::open(&b.index).unwrap();
    let r = run(&idx, "summary", Filters::default(), Sort::Date);
    let dates: Vec<&str> = r.hits.iter().map(|h| h.date.as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    let r = run(&idx, "summary", Filters::default(), Sort::Duration);
    assert_eq!(r.hits[0].duration_minutes, Some(720));
    let r = run(&idx, "summary", Filters::default(), Sort::Impact);
    assert_eq!(r.hits[0].impact_percent, Some(85.0));
}

#[test]
fn snippets_highlight_the_matched_words() {
    let b = build_fixture();
    let idx = SearchIndex::open(&b.index).unwrap();
    let r = run(&idx, "resolvers cached", Filters::default(), Sort::Relevance);
    let s = &r.hits[0].snippet;
    let chars: Vec<char> = s.text.chars().collect();
    let marked: Vec<String> = s
        .highlights
        .iter()
        .map(|&(a, z)| chars[a..z].iter().collect::<String>().to_lowercase())
        .collect();
    assert!(marked.contains(&"resolvers".to_string()), "{s:?}");
    assert!(marked.contains(&"cached".to_string()), "{s:?}");
}

#[test]
fn titles_mark_the_matched_words_in_characters() {
    let b = build_fixture();
    let idx = SearchIndex::open(&b.index).unwrap();
    let r = run(&idx, "resolution checkout", Filters::default(), Sort::Relevance);
    let hit = r
        .hits
        .iter()
        .find(|h| h.title == "DNS resolution failures for checkout")
        .expect("the DNS postmortem matches");
    assert_eq!(hit.title_highlights, [(4, 14), (28, 36)], "{hit:?}");
    let r = run(&idx, "certificate", Filters::default(), Sort::Relevance);
    let hit = r.hits.iter().find(|h| h.title.contains("certificate")).unwrap();
    let chars: Vec<char> = hit.title.chars().collect();
    let marked: Vec<String> = hit
        .title_highlights
        .iter()
        .map(|&(a, z)| chars[a..z].iter().collect())
        .collect();
    assert_eq!(marked, ["certificate"], "{hit:?}");
}

#[test]
fn index_is_reused_when_unchanged_and_rebuilt_when_content_changes() {
    let b = build_fixture();
    let segments = |dir: &std::path::Path| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".idx"))
            .collect();
        v.sort();
        v
    };
    let before = segments(&b.index);
    assert!(!before.is_empty());
    common::build_search(&b.content, &b.public);
    assert_eq!(segments(&b.index), before, "unchanged content reuses the index");
    let config = incidex::config::Config::default();
    let fp = index::inputs_fingerprint(&b.content, &config, false).unwrap();
    assert!(index::is_fresh_for(&b.index, &fp));

    std::fs::write(
        b.content.join("2025-01-01-new.md"),
        "# Quasar cache stampede\n\nThe quasar cache expired all at once.\n",
    )
    .unwrap();
    let fp2 = index::inputs_fingerprint(&b.content, &config, false).unwrap();
    assert_ne!(fp, fp2);
    assert!(
        !index::is_fresh_for(&b.index, &fp2),
        "a new file makes the index stale"
    );
    common::build_search(&b.content, &b.public);
    assert_ne!(segments(&b.index), before);
    // The build fingerprints the files as it reads them; `search` lists and stats them
    // afresh: both must agree, or every search after a build would rebuild the index.
    assert!(index::is_fresh_for(&b.index, &fp2), "the rebuilt index is fresh");
    let idx = SearchIndex::open(&b.index).unwrap();
    assert_eq!(run(&idx, "quasar", Filters::default(), Sort::Relevance).total, 1);
}

fn gunzip_json(path: &std::path::Path) -> serde_json::Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The documents a default build of `content` indexes, in `ord` order.
fn search_docs(content: &std::path::Path) -> Vec<incidex::search::SearchDoc> {
    let config = incidex::config::Config::default();
    let opts = incidex::site::LoadOptions {
        config: &config,
        include_drafts: false,
        today: jiff::civil::date(2026, 1, 1),
    };
    let loaded = incidex::site::load(content, &opts).unwrap();
    incidex::search::SearchDoc::all(&loaded.archive.postmortems, &config)
}

#[test]
fn static_index_shards_hold_terms_postings_and_facets() {
    let b = build_fixture();
    let dir = b.public.join(static_index::DIR);
    let manifest = gunzip_json(&dir.join("manifest.json.gz"));
    assert_eq!(manifest["docs"], 8);
    let cats = manifest["facets"]["category"].as_array().unwrap();
    assert_eq!(
        cats[0],
        serde_json::json!(["dns", "DNS", 2]),
        "most common category first"
    );
    let shard = gunzip_json(&dir.join(format!("t/{}.json.gz", static_index::shard_file("dn"))));
    let dns = shard["dns"].as_array().unwrap();
    // [df, max score, [ord gap, q, ...]]: every posting is a document that has "dns".
    let postings = dns[2].as_array().unwrap();
    let idx = SearchIndex::open(&b.index).unwrap();
    let cli = run(&idx, "dns", Filters::default(), Sort::Relevance);
    assert_eq!(postings.len() / 2, cli.total);
    let mut ord = 0;
    let mut ords = Vec::new();
    for (i, pair) in postings.chunks(2).enumerate() {
        let gap = pair[0].as_u64().unwrap() as u32;
        ord = if i == 0 { gap } else { ord + gap };
        ords.push(ord);
        let q = pair[1].as_u64().unwrap();
        assert!((1..=255).contains(&q));
    }
    let mut cli_ords: Vec<u32> = cli.hits.iter().map(|h| h.ord).collect();
    cli_ords.sort();
    assert_eq!(ords, cli_ords);
    // No term of another prefix in this shard.
    for term in shard.as_object().unwrap().keys() {
        assert!(term.starts_with("dn"), "{term}");
    }
    // Facet columns: one character per document (services: runs separated by commas) that
    // name the same values as the documents' own facets, in ord order.
    let docs = search_docs(&b.content);
    let facets = &manifest["facets"];
    let columns = &manifest["columns"];
    let single = |facet: &str| -> Vec<String> {
        let values = facets[facet].as_array().unwrap();
        columns[facet]
            .as_str()
            .unwrap()
            .chars()
            .map(|c| match static_index::facet_index(c) {
                -1 => String::new(),
                i => values[i as usize][0].as_str().unwrap().to_string(),
            })
            .collect()
    };
    let want = |f: &dyn Fn(&incidex::search::SearchDoc) -> Option<String>| -> Vec<String> {
        docs.iter().map(|d| f(d).unwrap_or_default()).collect()
    };
    assert_eq!(
        single("category"),
        want(&|d| d.category.as_ref().map(|c| c.slug.clone()))
    );
    assert_eq!(
        single("severity"),
        want(&|d| d.severity.as_ref().map(|s| s.slug.clone()))
    );
    assert_eq!(single("year"), want(&|d| d.year.map(|y| y.to_string())));
    let services: Vec<Vec<String>> = columns["service"]
        .as_str()
        .unwrap()
        .split(',')
        .map(|run| {
            run.chars()
                .map(|c| {
                    let i = static_index::facet_index(c) as usize;
                    facets["service"][i][0].as_str().unwrap().to_string()
                })
                .collect()
        })
        .collect();
    let doc_services: Vec<Vec<String>> = docs
        .iter()
        .map(|d| d.services.iter().map(|s| s.slug.clone()).collect())
        .collect();
    assert_eq!(services, doc_services);
    assert!(
        doc_services.iter().any(|s| s.len() > 1),
        "the fixture has a multi-service incident"
    );
    // Rows, DOC_BLOCK documents per file: what a result shows beyond the facets.
    let block = static_index::DOC_BLOCK as usize;
    assert_eq!(manifest["block"], block);
    let rows: Vec<serde_json::Value> = (0..docs.len().div_ceil(block))
        .flat_map(|b| {
            let rows = gunzip_json(&dir.join(format!("d/{b}.json.gz")));
            let rows = rows.as_array().unwrap().clone();
            assert!(!rows.is_empty() && rows.len() <= block, "block {b}: {rows:?}");
            rows
        })
        .collect();
    assert_eq!(rows.len(), docs.len(), "one row per document, in ord order");
    for (row, d) in rows.iter().zip(&docs) {
        let row = row.as_array().unwrap();
        assert_eq!(
            row.len(),
            6,
            "[title, url, date, duration, impact, text]: {row:?}"
        );
        assert_eq!(row[0], d.title.as_str());
        assert_eq!(row[1], d.url.as_str());
        assert_eq!(row[2], d.date.as_str());
    }
    assert!(!dir
        .join(format!("d/{}.json.gz", docs.len().div_ceil(block)))
        .exists());
    // The search page is part of the site, and loads no chart styles.
    // search.js is inline in its head, before the stylesheet (so it neither waits for a
    // round trip nor for style.css), and is the published static/search.js.
    let page = std::fs::read_to_string(b.public.join("search/index.html")).unwrap();
    let published = std::fs::read_to_string(b.public.join("static/search.js")).unwrap();
    let script = page
        .find("<script data-index=\"index/\">")
        .expect("inline search.js");
    assert!(page[script..].starts_with(&format!("<script data-index=\"index/\">{published}</script>")));
    assert!(script < page.find("static/style.css").unwrap());
    assert!(!page.contains("charts.css"));
}

/// Every file under `dir` with its bytes, by relative path.
fn snapshot(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

#[test]
fn static_index_is_reused_unchanged_and_identical_to_a_clean_build() {
    let b = build_fixture();
    let static_dir = b.public.join(static_index::DIR);
    let first = snapshot(&static_dir);
    common::build_search(&b.content, &b.public);
    assert_eq!(snapshot(&static_dir), first, "unchanged rebuild");
    std::fs::remove_dir_all(&b.public).unwrap();
    std::fs::remove_dir_all(&b.index).unwrap();
    common::build_search(&b.content, &b.public);
    assert_eq!(snapshot(&static_dir), first, "clean build gives the same bytes");

    std::fs::write(
        b.content.join("2025-02-02-pulsar.md"),
        "# Pulsar queue stalled\n\nThe pulsar consumers stopped acknowledging messages.\n",
    )
    .unwrap();
    common::build_search(&b.content, &b.public);
    let after = snapshot(&static_dir);
    assert_ne!(after.get("manifest.json.gz"), first.get("manifest.json.gz"));
    let shard = format!("t/{}.json.gz", static_index::shard_file("pu"));
    let shard = gunzip_json(&static_dir.join(shard));
    assert!(shard.get("pulsar").is_some(), "new words are searchable: {shard}");
}

//! search.js agrees with the Rust side: same tokens (run under node), same top results
//! from the static index as from `incidex search`, and no HTML insertion of content.
//! Skips (with a message) when node is not installed.

mod common;

use common::{build_fixture, which};
use incidex::search::index::SearchIndex;
use incidex::search::query::{self, Filters, Request, Sort};
use incidex::search::tokenize;
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};

const SEARCH_JS: &str = include_str!("../themes/default/static/search.js");

fn node(request: &Value) -> Option<Value> {
    if which("node").is_none() {
        eprintln!("skipping: node is not installed");
        return None;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/js/search-node.js");
    let mut child = Command::new("node")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "node failed");
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

/// Words that exercise every step of the English stemmer, plus Unicode and odd tokens.
fn word_list() -> Vec<String> {
    let roots = [
        "connect",
        "generous",
        "happy",
        "hop",
        "run",
        "agree",
        "feed",
        "bleed",
        "sky",
        "die",
        "lie",
        "tie",
        "fly",
        "cry",
        "deny",
        "relate",
        "probate",
        "conflate",
        "pirate",
        "prate",
        "rate",
        "hope",
        "sing",
        "inning",
        "outing",
        "canning",
        "herring",
        "earring",
        "proceed",
        "exceed",
        "succeed",
        "news",
        "atlas",
        "cosmos",
        "bias",
        "andes",
        "communism",
        "general",
        "arsenal",
        "university",
        "emergency",
        "organize",
        "interest",
        "later",
        "past",
        "controll",
        "nation",
        "rational",
        "valency",
        "hesitancy",
        "digitiz",
        "conform",
        "radical",
        "different",
        "vile",
        "analog",
        "geolog",
        "fruitless",
        "lone",
        "hopeful",
        "good",
        "formal",
        "sensitiv",
        "sensibl",
        "electric",
        "hope",
        "fail",
        "certify",
        "resolve",
        "deploy",
        "capacity",
        "certificate",
        "timeout",
        "latency",
        "replicate",
        "exhaust",
        "cache",
        "restart",
        "throttle",
        "yield",
        "ay",
        "oy",
        "boy",
        "say",
        "play",
        "quietly",
        "early",
        "only",
        "singly",
        "gently",
        "idly",
        "ugly",
        "skis",
        "skies",
        "dying",
        "lying",
        "tying",
        "eed",
        "bed",
        "add",
        "egg",
        "off",
        "feedly",
        "ize",
        "izer",
        "biliti",
        "ogist",
        "iveness",
        "fulness",
        "ousness",
        "ational",
        "tional",
        "alism",
    ];
    let suffixes = [
        "", "s", "es", "ed", "ing", "ingly", "edly", "ly", "er", "ers", "ness", "ful", "fully", "less",
        "lessly", "ation", "ational", "ization", "izer", "ize", "able", "ible", "ance", "ence", "ment",
        "ement", "ent", "ism", "ist", "ity", "iti", "ive", "ively", "iveness", "ous", "ously", "al", "ally",
        "alize", "icate", "ical", "ic", "ies", "ied", "'s", "e", "y", "li", "bli", "ogi", "anci", "enci",
    ];
    let mut words: Vec<String> = Vec::new();
    for r in roots {
        for s in suffixes {
            words.push(format!("{r}{s}"));
        }
    }
    for w in [
        "Σίσυφος ΣΊΣΥΦΟΣ",
        "İstanbul",
        "naïve café",
        "ﬁle",
        "１２３ ٣٤",
        "Ünïcödé",
        "DNS-over-HTTPS",
        "v2.3.1",
        "don't it's",
        "'yelling' yay Yoyo",
        "straße",
        "日本語のテキスト",
        "x𝔸y 𝟙𝟚",
        "a b c",
        "e2e k8s i18n",
        "ÀÉÎÕÜ",
        "connection\u{00A0}pool",
        "emoji🙂split",
        "ǅungla",
    ] {
        words.push(w.to_string());
    }
    words.push("b".repeat(39));
    words.push("c".repeat(40));
    words.push(format!("{}é", "d".repeat(38)));
    words
}

/// UTF-8 byte offset → UTF-16 offset in `text`.
fn utf16_at(text: &str, byte: usize) -> usize {
    text[..byte].encode_utf16().count()
}

#[test]
fn tokens_agree_with_javascript() {
    let words = word_list();
    // One word per text and also a sentence of them, so offsets are tested too.
    let mut texts: Vec<String> = words.clone();
    texts.push(words[..200].join(" "));
    texts.push(words[words.len() - 30..].join(" — "));
    let Some(js) = node(&json!({"op": "tokens", "texts": texts})) else {
        return;
    };
    assert_eq!(js.as_array().unwrap().len(), texts.len());
    let mut analyzer = tokenize::analyzer();
    let mut mismatches = Vec::new();
    for (text, js_tokens) in texts.iter().zip(js.as_array().unwrap()) {
        let rust: Vec<(String, usize, usize)> = tokenize::tokens(&mut analyzer, text)
            .into_iter()
            .map(|t| (t.term, utf16_at(text, t.from), utf16_at(text, t.to)))
            .collect();
        let js: Vec<(String, usize, usize)> = js_tokens
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["term"].as_str().unwrap().to_string(),
                    t["from"].as_u64().unwrap() as usize,
                    t["to"].as_u64().unwrap() as usize,
                )
            })
            .collect();
        if rust != js {
            mismatches.push(format!("{text:?}: rust {rust:?} js {js:?}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} texts differ:\n{}",
        mismatches.len(),
        texts.len(),
        mismatches[..mismatches.len().min(20)].join("\n")
    );
}

#[test]
fn static_index_ranks_like_the_cli() {
    let b = build_fixture();
    let idx = SearchIndex::open(&b.index).unwrap();
    let dns = Filters {
        category: Some("dns".into()),
        ..Filters::default()
    };
    let cases: Vec<(&str, Filters, Sort, Value)> = vec![
        ("dns", Filters::default(), Sort::Relevance, json!({})),
        (
            "certificate expired",
            Filters::default(),
            Sort::Relevance,
            json!({}),
        ),
        ("connection pool", Filters::default(), Sort::Relevance, json!({})),
        ("deploy 502", Filters::default(), Sort::Relevance, json!({})),
        ("load balancer", Filters::default(), Sort::Relevance, json!({})),
        ("records", Filters::default(), Sort::Relevance, json!({})),
        ("namese", Filters::default(), Sort::Relevance, json!({})),
        ("certifcate", Filters::default(), Sort::Relevance, json!({})),
        ("spam", Filters::default(), Sort::Relevance, json!({})),
        ("the", Filters::default(), Sort::Relevance, json!({})),
        ("the", Filters::default(), Sort::Duration, json!({})),
        ("the", Filters::default(), Sort::Impact, json!({})),
        ("the", Filters::default(), Sort::Date, json!({})),
        ("dns", dns, Sort::Relevance, json!({"category": "dns"})),
        ("qwxzv", Filters::default(), Sort::Relevance, json!({})),
    ];
    let sort_name = |s: Sort| serde_json::to_value(s).unwrap();
    let queries: Vec<Value> = cases
        .iter()
        .map(|(q, _, s, f)| json!({"q": q, "filters": f, "sort": sort_name(*s), "limit": 5}))
        .collect();
    let index_dir = b.public.join("search/index");
    let Some(js) = node(&json!({"op": "search", "index": index_dir, "queries": queries})) else {
        return;
    };
    assert_eq!(js.as_array().unwrap().len(), cases.len());
    for ((q, filters, sort, _), js) in cases.iter().zip(js.as_array().unwrap()) {
        let cli = query::search(
            &idx,
            &Request {
                text: q.to_string(),
                filters: filters.clone(),
                sort: *sort,
                limit: 5,
            },
        )
        .unwrap();
        let cli_urls: Vec<&str> = cli.hits.iter().map(|h| h.url.as_str()).collect();
        let js_urls: Vec<&str> = js["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["url"].as_str().unwrap())
            .collect();
        assert_eq!(cli_urls, js_urls, "query {q:?} sort {sort:?}");
        assert_eq!(
            js["total"].as_u64().unwrap() as usize,
            cli.total,
            "total for {q:?}"
        );
    }
}

#[test]
fn static_search_fetches_only_what_the_query_needs() {
    let b = build_fixture();
    let index_dir = b.public.join("search/index");
    let q = json!({"q": "certificate", "filters": {}, "sort": "relevance", "limit": 5});
    let Some(js) = node(&json!({"op": "search", "index": index_dir, "queries": [q]})) else {
        return;
    };
    let fetched: Vec<&str> = js[0]["fetched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let shard = format!("t/{}.json.gz", incidex::search::static_index::shard_file("ce"));
    assert!(fetched.contains(&shard.as_str()), "{fetched:?}");
    assert!(
        !fetched.contains(&"sort.json.gz"),
        "sort columns only for sorting: {fetched:?}"
    );
    let shards = fetched.iter().filter(|f| f.starts_with("t/")).count();
    assert_eq!(shards, 1, "{fetched:?}");
    // The snippet marks the match.
    let hit = &js[0]["hits"][0];
    let text: Vec<u16> = hit["snippet"]["text"].as_str().unwrap().encode_utf16().collect();
    let first = &hit["snippet"]["highlights"][0];
    let (a, z) = (
        first[0].as_u64().unwrap() as usize,
        first[1].as_u64().unwrap() as usize,
    );
    assert_eq!(
        String::from_utf16_lossy(&text[a..z]).to_lowercase(),
        "certificate"
    );
}

#[test]
fn search_js_never_inserts_markup() {
    for needle in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
    ] {
        assert!(!SEARCH_JS.contains(needle), "search.js uses {needle}");
    }
}

#[test]
fn untrusted_titles_stay_text_in_the_static_index() {
    let b = build_fixture();
    let index_dir = b.public.join("search/index");
    let q = json!({"q": "spam", "filters": {}, "sort": "relevance", "limit": 5});
    let Some(js) = node(&json!({"op": "search", "index": index_dir, "queries": [q]})) else {
        return;
    };
    let title = js[0]["hits"][0]["title"].as_str().unwrap();
    // Kept verbatim as data; the page turns it into a text node (browser test checks).
    assert!(title.contains("<img src=x onerror="), "{title}");
}

/// `serve`'s `/api/search` counts facets in Rust (`query::search_faceted`); the page shows
/// them exactly as the static index's counts from `search.js`, so the two must agree value
/// for value, order included.
#[test]
fn api_facets_match_the_static_index() {
    let b = build_fixture();
    let idx = SearchIndex::open(&b.index).unwrap();
    let config = incidex::config::Config::default();
    let loaded = incidex::site::load(
        &b.content,
        &incidex::site::LoadOptions {
            config: &config,
            include_drafts: false,
            today: jiff::civil::date(2026, 1, 1),
        },
    )
    .unwrap();
    let docs = incidex::search::SearchDoc::all(&loaded.archive.postmortems, &config);
    let columns = query::FacetColumns::new(&docs);
    let cases: Vec<(&str, Filters, Value)> = vec![
        ("the", Filters::default(), json!({})),
        ("dns", Filters::default(), json!({})),
        (
            "dns",
            Filters {
                category: Some("dns".into()),
                ..Filters::default()
            },
            json!({"category": "dns"}),
        ),
        (
            "the",
            Filters {
                service: Some("checkout".into()),
                year: Some(2024),
                ..Filters::default()
            },
            json!({"service": "checkout", "year": "2024"}),
        ),
    ];
    let queries: Vec<Value> = cases
        .iter()
        .map(|(q, _, f)| json!({"q": q, "filters": f, "sort": "relevance", "limit": 5}))
        .collect();
    let index_dir = b.public.join("search/index");
    let Some(js) = node(&json!({"op": "search", "index": index_dir, "queries": queries})) else {
        return;
    };
    for ((q, filters, _), js) in cases.iter().zip(js.as_array().unwrap()) {
        let req = Request {
            text: q.to_string(),
            filters: filters.clone(),
            sort: Sort::Relevance,
            limit: 5,
        };
        let (results, facets) = query::search_faceted(&idx, &req, &columns).unwrap();
        assert_eq!(
            serde_json::to_value(&facets).unwrap(),
            js["facets"],
            "facets for {q:?} {filters:?}"
        );
        assert_eq!(results.total, js["total"].as_u64().unwrap() as usize, "{q:?}");
        // And filtering by columns finds what tantivy's filters find.
        assert_eq!(results.total, query::search(&idx, &req).unwrap().total, "{q:?}");
    }
}

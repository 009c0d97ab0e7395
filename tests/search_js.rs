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

/// Plain relevance queries (no filters) run by search.js on the static index in
/// `index_dir` (`js_limit` results shown) and by the CLI engine (`cli_limit` results), pair
/// by pair; `None` when node is not installed.
fn js_and_cli(
    index_dir: &std::path::Path,
    idx: &SearchIndex,
    queries: &[&str],
    js_limit: usize,
    cli_limit: usize,
) -> Option<Vec<(Value, query::Results)>> {
    let requests: Vec<Value> = queries
        .iter()
        .map(|q| json!({"q": q, "filters": {}, "sort": "relevance", "limit": js_limit}))
        .collect();
    let js = node(&json!({"op": "search", "index": index_dir, "queries": requests}))?;
    let cli = queries.iter().map(|q| {
        query::search(
            idx,
            &Request {
                text: q.to_string(),
                filters: Filters::default(),
                sort: Sort::Relevance,
                limit: cli_limit,
            },
        )
        .unwrap()
    });
    Some(js.as_array().unwrap().iter().cloned().zip(cli).collect())
}

fn node(request: &Value) -> Option<Value> {
    node_with(request, None)
}

/// `script`: a search.js other than the theme's source (the copy a build published).
fn node_with(request: &Value, script: Option<&std::path::Path>) -> Option<Value> {
    if which("node").is_none() {
        eprintln!("skipping: node is not installed");
        return None;
    }
    let driver = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/js/search-node.js");
    let mut cmd = Command::new("node");
    if let Some(js) = script {
        cmd.env("INCIDEX_SEARCH_JS", js);
    }
    let mut child = cmd
        .arg(driver)
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

/// search.js marks a word in a snippet when its stem is a searched term; it skips stemming
/// words that cannot stem to one (see `highlight`), which must never skip a real match.
#[test]
fn highlights_mark_every_word_whose_stem_is_searched() {
    let mut analyzer = tokenize::analyzer();
    let mut cases = Vec::new();
    for word in word_list() {
        for t in tokenize::tokens(&mut analyzer, &word) {
            let text = format!("an {} here", &word[t.from..t.to]);
            let at = utf16_at(&text, 3);
            let end = at + word[t.from..t.to].encode_utf16().count();
            cases.push((text, t.term, [at, end]));
        }
    }
    let request: Vec<Value> = cases
        .iter()
        .map(|(text, term, _)| json!([text, [term]]))
        .collect();
    let Some(js) = node(&json!({"op": "highlight", "cases": request})) else {
        return;
    };
    let missed: Vec<String> = cases
        .iter()
        .zip(js.as_array().unwrap())
        .filter(|((_, _, range), marks)| !marks.as_array().unwrap().contains(&json!(range)))
        .map(|((text, term, _), marks)| format!("{text:?} for {term:?}: {marks}"))
        .collect();
    assert!(cases.len() > 5000, "{} cases", cases.len());
    assert!(
        missed.is_empty(),
        "{} missed:\n{}",
        missed.len(),
        missed.join("\n")
    );
}

/// search.js picks a page of results in one pass (`best`) instead of sorting every match:
/// the same documents in the same order as a full sort by score, ties to the lower ord,
/// whatever the limit (one page, "Show more", more than there are).
#[test]
fn best_results_are_those_of_a_full_sort() {
    let mut cases = Vec::new();
    let mut seed: u64 = 7;
    for (n, levels) in [
        (0, 1),
        (1, 1),
        (9, 3),
        (200, 5),
        (1000, 40),
        (1000, 1000),
        (3000, 2),
    ] {
        // Few score levels: many ties, which the full sort breaks by index.
        let scores: Vec<f64> = (0..n)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((seed >> 33) % levels) as f64 * 0.25
            })
            .collect();
        for limit in [1, 10, 30, 120, n + 5] {
            cases.push((scores.clone(), limit));
        }
    }
    let request: Vec<Value> = cases.iter().map(|(s, l)| json!([s, l])).collect();
    let Some(js) = node(&json!({"op": "best", "cases": request})) else {
        return;
    };
    for ((scores, limit), got) in cases.iter().zip(js.as_array().unwrap()) {
        let mut want: Vec<usize> = (0..scores.len()).collect();
        want.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        want.truncate(*limit);
        let got: Vec<usize> = serde_json::from_value(got.clone()).unwrap();
        assert_eq!(got, want, "{} scores, limit {limit}", scores.len());
    }
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
        // What a result shows: the row file plus the names behind the facet columns.
        for (c, j) in cli.hits.iter().zip(js["hits"].as_array().unwrap()) {
            let shown = json!([c.title, c.date, c.category, c.services, c.severity, c.duration, c.impact]);
            let js_shown = json!([
                j["title"],
                j["date"],
                j["category"],
                j["services"],
                j["severity"],
                j["duration"],
                j["impact"]
            ]);
            assert_eq!(shown, js_shown, "query {q:?}");
        }
        assert_eq!(
            js["total"].as_u64().unwrap() as usize,
            cli.total,
            "total for {q:?}"
        );
    }
}

/// Facet counts from the static index's columns are the counts of the CLI's matches.
#[test]
fn static_facet_counts_count_the_matches() {
    let b = build_fixture();
    let idx = SearchIndex::open(&b.index).unwrap();
    let index_dir = b.public.join("search/index");
    let queries = ["dns", "the", "certificate expired"];
    let Some(pairs) = js_and_cli(&index_dir, &idx, &queries, 5, 1000) else {
        return;
    };
    for (q, (js, cli)) in queries.iter().zip(&pairs) {
        let mut want: std::collections::BTreeMap<String, u64> = Default::default();
        for h in &cli.hits {
            if !h.category.is_empty() {
                *want.entry(format!("category {}", h.category)).or_default() += 1;
            }
            if !h.severity.is_empty() {
                *want.entry(format!("severity {}", h.severity)).or_default() += 1;
            }
            for s in &h.services {
                *want.entry(format!("service {s}")).or_default() += 1;
            }
        }
        let mut got: std::collections::BTreeMap<String, u64> = Default::default();
        for facet in ["category", "severity", "service"] {
            for v in js["facets"][facet].as_array().unwrap() {
                let n = v[2].as_u64().unwrap();
                if n > 0 {
                    got.insert(format!("{facet} {}", v[1].as_str().unwrap()), n);
                }
            }
        }
        assert!(!want.is_empty(), "{q}");
        assert_eq!(got, want, "facet counts for {q:?}");
    }
    // Choosing a value narrows the other facets' counts but not its own facet's.
    let dns = json!({"q": "dns", "filters": {"service": "checkout"}, "sort": "relevance", "limit": 5});
    let Some(js) = node(&json!({"op": "search", "index": index_dir, "queries": [dns]})) else {
        return;
    };
    let count = |facet: &str, slug: &str| {
        js[0]["facets"][facet]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v[0] == slug)
            .map(|v| v[2].as_u64().unwrap())
            .unwrap_or(0)
    };
    assert_eq!(js[0]["total"], 1, "{js}");
    assert_eq!(count("category", "dns"), 1, "{js}");
    assert!(
        count("service", "email-relay") >= 1,
        "other services still counted: {js}"
    );
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

/// Words in more than `INLINE_POSTINGS` documents get their own posting file, which carries
/// the rows of the word's best documents: a one-word query then fetches no `d/` file, and
/// the results still agree with the CLI.
#[test]
fn big_posting_lists_carry_their_best_rows() {
    use incidex::search::static_index::{self, INLINE_POSTINGS, TOP_ROWS};
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    let n = INLINE_POSTINGS + 16;
    for i in 0..n {
        // "rollout" everywhere, 10 down to 2 times in the first documents (distinct scores:
        // the same length for all), once in the rest; "cache" in every third.
        let times = if i < 9 { 10 - i } else { 1 };
        let words = format!("{}{}", "rollout ".repeat(times), "filler ".repeat(12 - times));
        let noun = if i % 3 == 0 { "cache" } else { "table" };
        std::fs::write(
            content.join(format!("2024-01-{:02}-rollout-{i}.md", i % 28 + 1)),
            format!("# Problem {i}\n\n{words}The {noun} was cold.\n"),
        )
        .unwrap();
    }
    let public = dir.path().join("public");
    common::build(&content, &public, false).unwrap();
    let index_dir = public.join("search/index");
    let p = index_dir.join(format!("p/{}.json.gz", static_index::shard_file("rollout")));
    let bytes = std::fs::read(&p).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        file["p"].as_array().unwrap().len(),
        2 * n,
        "every document has the word"
    );
    let top = file["top"].as_array().unwrap();
    assert_eq!(top.len(), TOP_ROWS);
    let idx = SearchIndex::open(&incidex::search::index::default_dir(&public)).unwrap();
    let queries = ["rollout", "rollout cache"];
    let Some(pairs) = js_and_cli(&index_dir, &idx, &queries, 10, 10) else {
        return;
    };
    for (q, (js, cli)) in queries.iter().zip(&pairs) {
        // Documents past the distinct scores tie; compare those before the ties.
        let distinct = if *q == "rollout" { 9 } else { 3 };
        let cli_titles: Vec<&str> = cli.hits.iter().take(distinct).map(|h| h.title.as_str()).collect();
        let js_titles: Vec<&str> = js["hits"]
            .as_array()
            .unwrap()
            .iter()
            .take(distinct)
            .map(|h| h["title"].as_str().unwrap())
            .collect();
        assert_eq!(js_titles, cli_titles, "{q}");
    }
    let fetched: Vec<&str> = pairs[0].0["fetched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        !fetched.iter().any(|f| f.starts_with("d/")),
        "one word: rows came with the postings: {fetched:?}"
    );
    // The rows carried are the top of the one-word ranking.
    let top_urls: Vec<&str> = top.iter().map(|r| r[2].as_str().unwrap()).collect();
    let js_urls: Vec<&str> = pairs[0].0["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["url"].as_str().unwrap())
        .collect();
    assert_eq!(top_urls, js_urls);
}

/// The site publishes search.js compacted (render::theme::compact_js): that copy, and the
/// one the search page carries inline, tokenise and rank exactly like the source.
#[test]
fn published_search_js_behaves_like_the_source() {
    let b = build_fixture();
    let published = b.public.join("static/search.js");
    let page = std::fs::read_to_string(b.public.join("search/index.html")).unwrap();
    let open = "<script data-index=\"index/\">";
    let start = page.find(open).expect("inline search.js") + open.len();
    let inline = b.dir.path().join("inline-search.js");
    std::fs::write(
        &inline,
        &page[start..start + page[start..].find("</script>").unwrap()],
    )
    .unwrap();
    let size = std::fs::metadata(&published).unwrap().len() as usize;
    assert!(
        size < SEARCH_JS.len(),
        "published {size} bytes, source {}",
        SEARCH_JS.len()
    );
    let index_dir = b.public.join("search/index");
    let texts: Vec<String> = word_list();
    let queries: Vec<Value> = ["dns", "certificate expired", "namese", "the"]
        .iter()
        .map(|q| json!({"q": q, "filters": {}, "sort": "relevance", "limit": 5}))
        .collect();
    let requests = [
        json!({"op": "tokens", "texts": texts}),
        json!({"op": "search", "index": index_dir, "queries": queries}),
    ];
    for request in requests {
        let Some(source) = node(&request) else {
            return;
        };
        let compact = node_with(&request, Some(&published)).unwrap();
        assert_eq!(compact, source);
        assert_eq!(node_with(&request, Some(&inline)).unwrap(), source, "inline copy");
    }
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

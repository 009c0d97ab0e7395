//! The search page in headless Chromium: open `search/?q=…`, see the expected titles,
//! click a facet and see the list narrow; content stays text. Skips (with the reason)
//! when node, chromium or chromedriver is missing; scripts/test.sh installs them in CI.

mod common;

use common::{browser, browser_ready, build_fixture, strings};
use serde_json::Value;

/// `site`: the built site's folder, or the address of a running server.
fn scenario(site: impl AsRef<std::ffi::OsStr>, query: &str, facet: &str, value: &str) -> Value {
    browser("scenario", site, &[query, facet, value])
}

#[test]
fn search_page_shows_results_and_facets_narrow_them() {
    if !browser_ready() {
        return;
    }
    let b = build_fixture();
    let r = scenario(&b.public, "dns", "service", "checkout");
    let before = strings(&r["before"]);
    assert!(
        before.contains(&"DNS resolution failures for checkout".to_string()),
        "{r}"
    );
    assert!(
        before.contains(&"Nameserver migration broke email delivery".to_string()),
        "{r}"
    );
    assert!(r["clicked"].as_bool().unwrap(), "facet button present: {r}");
    assert_eq!(
        strings(&r["after"]),
        ["DNS resolution failures for checkout"],
        "{r}"
    );
    assert!(
        r["url"].as_str().unwrap().contains("service=checkout"),
        "deep link: {r}"
    );
    assert!(
        strings(&r["facets"])
            .iter()
            .any(|f| f.starts_with("category=dns 2")),
        "{r}"
    );
    assert!(
        strings(&r["markup"]["marks"])
            .iter()
            .any(|m| m.eq_ignore_ascii_case("dns")),
        "{r}"
    );
}

/// A deep link's results are in the document before its facets: the facets are counted
/// over every match, the result list needs only its page, so it is drawn first.
#[test]
fn results_are_drawn_before_the_facets() {
    if !browser_ready() {
        return;
    }
    let b = build_fixture();
    let r = scenario(&b.public, "dns", "service", "none");
    assert_eq!(strings(&r["order"]), ["search-results", "search-facets"], "{r}");
}

/// Typed key by key into the loaded page (each key may start a query while the previous
/// one runs), the page settles on the whole query's results, the same as its deep link; the
/// page fetched the manifest, and no other index file, at load.
#[test]
fn typing_into_the_loaded_page_shows_the_whole_querys_results() {
    if !browser_ready() {
        return;
    }
    let b = build_fixture();
    let typed = browser("typed", &b.public, &["dns checkout"]);
    let linked = scenario(&b.public, "dns checkout", "service", "none");
    assert_eq!(
        strings(&typed["fetchedAtLoad"]),
        ["index/manifest.json.gz"],
        "{typed}"
    );
    assert_eq!(
        strings(&typed["titles"]),
        ["DNS resolution failures for checkout"],
        "{typed}"
    );
    assert_eq!(typed["titles"], linked["before"], "typed {typed} linked {linked}");
    assert_eq!(typed["url"], "?q=dns+checkout", "{typed}");
}

#[test]
fn hostile_titles_render_as_text() {
    if !browser_ready() {
        return;
    }
    let b = build_fixture();
    let r = scenario(&b.public, "spam", "category", "security");
    let before = strings(&r["before"]);
    assert!(before[0].contains("<img src=x onerror="), "{r}");
    assert_eq!(r["markup"]["imgs"], 0, "{r}");
    assert_eq!(r["markup"]["xss"], Value::Null, "{r}");
}

/// Served by `incidex serve`, the page asks `/api/search` (tantivy) and shows the same
/// facets with counts as it does from the static index, and a facet click narrows the same.
#[test]
fn served_search_page_uses_the_api_with_the_same_facets() {
    if !browser_ready() {
        return;
    }
    let b = build_fixture();
    let sources = incidex::serve::rebuild::Sources {
        content: b.content.clone(),
        config: b.dir.path().join("incidex.yaml"),
        config_required: false,
        include_drafts: false,
        today: jiff::civil::date(2026, 1, 1),
        base_url: None,
        output: None,
    };
    // With no output folder, serve keeps its index in the system's temporary folder,
    // named after this test's (new) content folder: removed below.
    let index = incidex::serve::search_api::index_dir(&sources);
    let serve = incidex::serve::Serve::bind("127.0.0.1:0".parse().unwrap(), sources).unwrap();
    let url = format!("http://{}", serve.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        let shutdown = async {
            let _ = stopped.await;
        };
        serve.run(shutdown, |_| {}).unwrap();
    });
    let served = scenario(&url, "dns", "service", "checkout");
    let published = scenario(&b.public, "dns", "service", "checkout");
    let _ = stop.send(());
    server.join().unwrap();
    if let Some(folder) = index.parent() {
        let _ = std::fs::remove_dir_all(folder);
    }

    assert_eq!(served["api"], true, "the served page asked /api/search: {served}");
    assert_eq!(
        served["staticIndex"],
        serde_json::json!([]),
        "the served page knows of the API before its first query: no static index request"
    );
    assert_ne!(published["staticIndex"], serde_json::json!([]), "{published}");
    assert_eq!(published["api"], false, "{published}");
    assert!(
        strings(&served["facets"])
            .iter()
            .any(|f| f.starts_with("category=dns 2")),
        "{served}"
    );
    assert_eq!(served["facets"], published["facets"], "same facets and counts");
    assert!(served["clicked"].as_bool().unwrap(), "{served}");
    assert_eq!(
        strings(&served["after"]),
        ["DNS resolution failures for checkout"],
        "{served}"
    );
    assert_eq!(
        strings(&served["markup"]["titleMarks"]),
        ["DNS"],
        "the API marks the query's words in titles: {served}"
    );
    assert_eq!(
        served["markup"]["titleMarks"], published["markup"]["titleMarks"],
        "as the static index does"
    );
}

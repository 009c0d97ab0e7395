//! The published site opened from disk (`file://`), where no web server turns a folder into
//! its `index.html`: `static/file-links.js`, carried inline at the end of every page, points
//! folder links at `index.html` there and leaves them alone on a web server. The rules are
//! checked under node on a stub page; the whole path, clicking through a built site, in
//! headless Chromium. Both skip (saying why) when node, chromium or chromedriver is missing;
//! scripts/test.sh installs them in CI.

mod common;

use common::{browser, browser_ready, build_fixture, which};
use std::path::Path;

/// `static/file-links.js` as published, run under node on a stub page whose links have
/// `hrefs` and whose address has `protocol`: the hrefs afterwards.
fn rewritten(public: &Path, protocol: &str, hrefs: &[&str]) -> Vec<String> {
    let script = public.join("static/file-links.js");
    let stub = r#"
const fs = require("fs");
const [file, protocol, hrefs] = process.argv.slice(1);
const links = JSON.parse(hrefs).map((h) => ({ h, getAttribute() { return this.h; }, setAttribute(_, v) { this.h = v; } }));
global.location = { protocol };
global.document = { querySelectorAll: (css) => (css === "a[href]" ? links : []) };
eval(fs.readFileSync(file, "utf8"));
console.log(JSON.stringify(links.map((l) => l.h)));
"#;
    let out = std::process::Command::new("node")
        .args(["-e", stub])
        .arg(script)
        .arg(protocol)
        .arg(serde_json::to_string(hrefs).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The text of the `<title>` of a built page.
fn title_of(page: &Path) -> String {
    let html = std::fs::read_to_string(page).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("title").unwrap();
    doc.select(&sel).next().unwrap().text().collect()
}

#[test]
fn from_disk_folder_links_point_at_index_html_and_nothing_else_changes() {
    if which("node").is_none() {
        eprintln!("skipping: node is not installed");
        return;
    }
    let b = build_fixture();
    let cases = [
        ("../incidents/", "../incidents/index.html"),
        ("../../", "../../index.html"),
        ("./", "./index.html"),
        ("search/?q=dns", "search/index.html?q=dns"),
        ("../a/#timeline", "../a/index.html#timeline"),
        ("../a/?x=1#y/", "../a/index.html?x=1#y/"),
        ("#main", "#main"),
        ("", ""),
        ("page-2.html", "page-2.html"),
        ("../static/style.css", "../static/style.css"),
        ("https://status.example.com/", "https://status.example.com/"),
        ("HTTP://status.example.com/", "HTTP://status.example.com/"),
        ("//cdn.example.com/x/", "//cdn.example.com/x/"),
        ("mailto:oncall@example.com", "mailto:oncall@example.com"),
    ];
    let hrefs: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let want: Vec<&str> = cases.iter().map(|c| c.1).collect();
    assert_eq!(rewritten(&b.public, "file:", &hrefs), want);
    // On a web server every link stays as written.
    for protocol in ["http:", "https:"] {
        assert_eq!(rewritten(&b.public, protocol, &hrefs), hrefs, "{protocol}");
    }
    // Every page carries it, inline, as published.
    let published = std::fs::read_to_string(b.public.join("static/file-links.js")).unwrap();
    for page in [
        "index.html",
        "incidents/index.html",
        "search/index.html",
        "trends/index.html",
    ] {
        let html = std::fs::read_to_string(b.public.join(page)).unwrap();
        assert!(html.contains(&format!("<script>{published}</script>")), "{page}");
    }
}

#[test]
fn a_reader_browses_the_site_from_disk_by_clicking_links() {
    if !browser_ready() {
        return;
    }
    let b = build_fixture();
    let v = browser("offline", &b.public, &[]);
    let visits = v["visits"].as_array().unwrap();
    assert_eq!(visits.len(), 4, "{v}");
    let url = |i: usize| {
        visits[i]["url"]
            .as_str()
            .unwrap_or_else(|| panic!("visit {i}: {v}"))
            .to_string()
    };
    let title = |i: usize| visits[i]["title"].as_str().unwrap().to_string();
    let root = format!("file://{}/", b.public.canonicalize().unwrap().display());

    assert_eq!(url(0), format!("{root}index.html"), "{v}");
    // The menu's Incidents: the list itself, not the browser's listing of the folder.
    assert_eq!(url(1), format!("{root}incidents/index.html"), "{v}");
    assert_eq!(title(1), title_of(&b.public.join("incidents/index.html")), "{v}");
    // An incident from the list's table.
    let incident = url(2);
    let rel = incident.strip_prefix(&root).unwrap_or_else(|| panic!("{v}"));
    assert!(
        rel.starts_with("incidents/") && rel.ends_with("/index.html"),
        "{v}"
    );
    assert_eq!(title(2), title_of(&b.public.join(rel)), "{v}");
    assert_ne!(title(2), title(1), "{v}");
    // Home again through the site name.
    assert_eq!(url(3), format!("{root}index.html"), "{v}");
    assert_eq!(title(3), title_of(&b.public.join("index.html")), "{v}");
    // Served over http the same link keeps its folder form.
    assert_eq!(v["servedHref"], "incidents/", "{v}");
}

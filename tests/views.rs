//! Whole-program tests of the archive views: build tests/fixtures/views-basic and check the
//! pages list exactly the right incidents, every SVG parses, and the exports round-trip.

mod common;

use incidex::config::Config;
use incidex::site::{build, BuildOptions, LoadOptions};
use std::path::Path;

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    built_with(None)
}

fn built_with(theme: Option<&str>) -> (tempfile::TempDir, std::path::PathBuf) {
    built_config(Config {
        theme: theme.map(Into::into),
        ..Config::default()
    })
}

fn built_config(config: Config) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let config = Config {
        base_url: "https://pm.example/archive".into(),
        ..config
    };
    build(&BuildOptions {
        content: Path::new("tests/fixtures/views-basic"),
        output: &out,
        load: LoadOptions {
            config: &config,
            include_drafts: false,
            today: jiff::civil::date(2025, 1, 1),
        },
    })
    .unwrap();
    (dir, out)
}

/// The file's text, with tera's escaped slashes (`&#x2F;`) read back as `/`.
fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .replace("&#x2F;", "/")
}

/// Incident links in the page's incident table(s), in order.
fn listed(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in html.split("incidents/").skip(1) {
        if let Some(end) = part.find("/\"") {
            let slug = &part[..end];
            if !slug.is_empty() && !slug.contains(['/', '"', '<']) && !out.contains(&slug.to_string()) {
                out.push(slug.to_string());
            }
        }
    }
    out
}

/// The rows of a paginated list, page after page, and each page's file name.
fn pages_of(out: &Path, folder: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let (mut files, mut rows) = (Vec::new(), Vec::new());
    for n in 1.. {
        let file = if n == 1 {
            "index.html".to_string()
        } else {
            format!("page-{n}.html")
        };
        let Ok(html) = std::fs::read_to_string(out.join(folder).join(&file)) else {
            break;
        };
        let html = html.replace("&#x2F;", "/");
        // Only the last table's rows, the list's (not the crumbs, a chart's data table or
        // the data-quality page's field counts).
        let table = &html[html.rfind("<tbody>").unwrap()..html.rfind("</tbody>").unwrap()];
        rows.push(listed(table));
        files.push(file);
    }
    (files, rows)
}

#[test]
fn long_lists_are_split_into_pages_that_link_to_each_other() {
    let (_one, whole) = built();
    let (_d, out) = built_config(Config {
        paginate_by: 2,
        ..Config::default()
    });
    // All incidents: the single page's rows, two per page, in the same order.
    let everything = listed(&read(&whole, "incidents/index.html"));
    assert!(everything.len() >= 5, "{everything:?}");
    let (files, rows) = pages_of(&out, "incidents");
    assert_eq!(files.len(), everything.len().div_ceil(2), "{files:?}");
    assert!(rows[..rows.len() - 1].iter().all(|r| r.len() == 2), "{rows:?}");
    assert_eq!(rows.concat(), everything);
    // A term page: the same, with its charts on the first page only.
    let (files, rows) = pages_of(&out, "years/2023");
    assert_eq!(files, ["index.html", "page-2.html", "page-3.html"]);
    assert_eq!(rows.concat(), listed(&read(&whole, "years/2023/index.html")));
    let db = read(&out, "causes/database/index.html");
    let db2 = read(&out, "causes/database/page-2.html");
    let single = read(&whole, "incidents/index.html");
    assert!(db.contains("chart-figure") && !db2.contains("chart-figure"));
    assert!(
        db2.contains("<title>Root cause: Database (page 2 of 2) ·"),
        "{db2}"
    );
    assert!(
        db2.contains("<a class=\"pager-prev\" rel=\"prev\" href=\"./\">"),
        "{db2}"
    );
    assert!(db.contains("<a class=\"pager-next\" rel=\"next\" href=\"page-2.html\">"));
    assert!(db2.contains("aria-current=\"page\">2<"));
    // What table-sort.js needs to fetch and page the whole list (tests/list_browser.rs).
    assert!(
        db2.contains(
            "<div class=\"paged-list\" data-pages=\"2\" data-page=\"2\" data-per-page=\"2\" data-total=\""
        ),
        "{db2}"
    );
    assert!(!single.contains("paged-list"), "a list of one page is not marked");
    // The whole list stays one click away: the exports, linked from every page of it.
    assert!(read(&out, "incidents/page-2.html").contains("<a href=\"../incidents.csv\">"));
    assert!(
        single.contains("<a href=\"../incidents.csv\">") && single.contains("<a href=\"../archive.json\">")
    );
    // The data-quality page's postmortems to fix, likewise.
    let (files, rows) = pages_of(&out, "quality");
    let whole_quality = read(&whole, "quality/index.html");
    let whole_rows = listed(&whole_quality[whole_quality.find("<h2>Postmortems to fix").unwrap()..]);
    assert!(whole_rows.len() > 2, "{whole_rows:?}");
    assert_eq!(files.len(), whole_rows.len().div_ceil(2));
    assert_eq!(rows.concat(), whole_rows);
    // A list that fits is one page, as without pagination.
    assert!(!out.join("severities/sev1/page-2.html").exists());
    assert_eq!(
        std::fs::read(out.join("severities/sev1/index.html")).unwrap(),
        std::fs::read(whole.join("severities/sev1/index.html")).unwrap()
    );
    // Every pager link resolves; the sitemap lists each list once, by its folder.
    assert_eq!(common::broken_relative_links(&out), Vec::<String>::new());
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("/archive/incidents/</loc>") && !sitemap.contains("page-2"));
}

#[test]
fn term_pages_list_exactly_their_incidents() {
    let (_d, out) = built();
    assert_eq!(
        listed(&read(&out, "causes/database/index.html")),
        vec![
            "2024-02-02-orders-db",
            "2023-03-27-cart-deadlock",
            "2022-02-14-cart-db-failover"
        ]
    );
    assert_eq!(
        listed(&read(&out, "services/cart/index.html")),
        vec![
            "2024-02-02-orders-db",
            "2023-03-27-cart-deadlock",
            "2022-02-14-cart-db-failover"
        ]
    );
    assert_eq!(
        listed(&read(&out, "years/2023/index.html")),
        vec![
            "2023-11-11-queue-backlog",
            "2023-08-01-unknown-cause",
            "2023-06-30-disk-full",
            "2023-03-27-cart-deadlock",
            "2023-01-08-cert-expiry"
        ]
    );
    assert_eq!(listed(&read(&out, "severities/sev1/index.html")).len(), 2);
    assert_eq!(listed(&read(&out, "tags/failover/index.html")).len(), 3);
    let unclassified = read(&out, "causes/unclassified/index.html");
    assert_eq!(
        listed(&unclassified),
        vec![
            "2023-11-11-queue-backlog",
            "2023-08-01-unknown-cause",
            "undated-notes"
        ]
    );
    assert!(unclassified.contains("cosmic-rays"), "says why");
    let overview = read(&out, "causes/index.html");
    assert!(overview.contains("href=\"database/\""));
    // Database: 90, 32, 65 minutes → median 65 min, p90 = 65 + 0.8 × 25 = 85 min.
    assert!(
        overview.contains("1 h 5 min") && overview.contains("1 h 25 min"),
        "median and p90 shown"
    );
    let db = read(&out, "causes/database/index.html");
    assert!(db.contains("No alert on replica lag") && db.contains("Missing index"));
}

#[test]
fn incident_pages_link_to_their_terms_and_similar_incidents() {
    let (_d, out) = built();
    let page = read(&out, "incidents/2023-03-27-cart-deadlock/index.html");
    for link in [
        "causes/database/",
        "services/cart/",
        "years/2023/",
        "tags/failover/",
        "severities/sev3/",
    ] {
        assert!(page.contains(&format!("../../{link}")), "{link}");
    }
    let similar = page.split("Similar incidents").nth(1).expect("similar section");
    assert!(similar.contains("2024-02-02-orders-db") && similar.contains("2022-02-14-cart-db-failover"));
}

/// The page's inline SVGs, in order.
fn svgs(html: &str) -> Vec<&str> {
    html.match_indices("<svg")
        .map(|(i, _)| &html[i..i + html[i..].find("</svg>").unwrap() + 6])
        .collect()
}

#[test]
fn every_svg_on_the_trends_page_is_well_formed() {
    let (_d, out) = built();
    let html = read(&out, "trends/index.html");
    let svgs = svgs(&html);
    assert_eq!(svgs.len(), 5);
    for svg in svgs {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        assert_eq!(doc.root_element().attribute("role"), Some("img"));
    }
    assert!(html.contains("n = 9"), "9 dated incidents");
    let quality = read(&out, "quality/index.html");
    assert!(quality.contains("undated-notes.md") && quality.contains("unknown-category"));
}

#[test]
fn exports_parse_with_absolute_urls() {
    let (_d, out) = built();
    let json: serde_json::Value = serde_json::from_str(&read(&out, "archive.json")).unwrap();
    assert_eq!(json["count"], 10);
    assert!(json["records"].as_array().unwrap().iter().all(|r| r["url"]
        .as_str()
        .unwrap()
        .starts_with("https://pm.example/archive/incidents/")));
    let csv_text = read(&out, "incidents.csv");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(reader.records().count(), 10);
    let feed = read(&out, "feed.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("entry")).count(), 9);
    let sitemap = read(&out, "sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(locs.contains(&"https://pm.example/archive/trends/"));
    assert!(locs.contains(&"https://pm.example/archive/causes/database/"));
    assert!(locs.iter().all(|l| l.starts_with("https://pm.example/archive/")));
}

#[test]
fn a_user_theme_redraws_one_chart_kind_and_leaves_the_others() {
    let (_d, default_out) = built();
    let (_t, themed_out) = built_with(Some("tests/fixtures/theme-charts"));
    let default_html = read(&default_out, "trends/index.html");
    let themed_html = read(&themed_out, "trends/index.html");
    let (default_svgs, themed_svgs) = (svgs(&default_html), svgs(&themed_html));
    assert_eq!(themed_svgs.len(), 5);
    // Chart order: counts, duration, impact, distribution, by category.
    for k in [0, 1, 3, 4] {
        assert_eq!(
            themed_svgs[k], default_svgs[k],
            "chart {k} is the default drawing"
        );
    }
    let marks = |svg: &str, tag: &str| {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        doc.descendants()
            .filter(|n| n.has_tag_name(tag) && n.attribute("class").is_some_and(|c| c.starts_with("mark")))
            .count()
    };
    let dots = marks(default_svgs[2], "circle");
    assert!(dots > 0);
    assert!(
        themed_svgs[2].contains("class=\"chart lollipops\""),
        "{}",
        themed_svgs[2]
    );
    assert_eq!(marks(themed_svgs[2], "line"), dots, "one stem per incident");
    assert_eq!(marks(themed_svgs[2], "circle"), 0);
    // Category pages draw their small charts with the same templates.
    let db = read(&themed_out, "causes/database/index.html");
    assert_eq!(svgs(&db).len(), 2);
}

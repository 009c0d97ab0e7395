//! Long lists in headless Chromium: a list cut into pages (`paginate_by`) is sorted as a
//! whole when a column heading is clicked (the other pages are fetched and their rows
//! taken), shown a page at a time with its own pager; when a page cannot be fetched, the
//! open page is sorted alone and the status line says so. Content stays text. Skips (with
//! the reason) when node, chromium or chromedriver is missing; scripts/test.sh installs
//! them in CI.

mod common;

use common::{browser, browser_ready, build_with, strings};
use incidex::config::Config;
use serde_json::Value;
use std::fs;
use std::path::Path;

/// Five postmortems, newest first e d c b a, in pages of two: [e d] [c b] [a]. Durations
/// (minutes): a 30, b 300, c 10, d 120, e 45. `c`'s title carries markup that must stay
/// text.
fn paged_site(dir: &Path) -> std::path::PathBuf {
    let content = dir.join("content");
    fs::create_dir_all(&content).unwrap();
    let specs = [
        ("a", "Outage a", "2024-01-05T10:00:00Z", "2024-01-05T10:30:00Z"),
        ("b", "Outage b", "2024-02-05T10:00:00Z", "2024-02-05T15:00:00Z"),
        (
            "c",
            "Outage c <img src=x onerror=\"window.__incidexXss=1\">",
            "2024-03-05T10:00:00Z",
            "2024-03-05T10:10:00Z",
        ),
        ("d", "Outage d", "2024-04-05T10:00:00Z", "2024-04-05T12:00:00Z"),
        ("e", "Outage e", "2024-05-05T10:00:00Z", "2024-05-05T10:45:00Z"),
    ];
    for (name, title, start, end) in specs {
        fs::write(
            content.join(format!("{name}.md")),
            format!(
                "---\ntitle: '{title}'\nstart: {start}\nend: {end}\nservices: [checkout]\n---\n# Outage {name}\n\nText.\n"
            ),
        )
        .unwrap();
    }
    let public = dir.join("public");
    let config = Config {
        paginate_by: 2,
        ..Config::default()
    };
    build_with(&content, &public, false, &config).unwrap();
    assert!(public.join("incidents/page-3.html").is_file());
    public
}

const C: &str = "Outage c <img src=x onerror=\"window.__incidexXss=1\">";

#[test]
fn a_paged_list_is_sorted_across_all_its_pages() {
    if !browser_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let public = paged_site(dir.path());

    let r = browser("sort", &public, &["/incidents/", "Duration"]);
    assert_eq!(strings(&r["before"]), ["Outage e", "Outage d"], "{r}");
    assert_eq!(r["sorted"], "all", "{r}");
    assert_eq!(
        strings(&r["fetched"]),
        ["/incidents/page-2.html", "/incidents/page-3.html"],
        "{r}"
    );
    // Longest first, over all five: b 300, d 120 | e 45, a 30 | c 10.
    assert_eq!(strings(&r["after"]), ["Outage b", "Outage d"], "{r}");
    assert_eq!(strings(&r["afterNext"]), ["Outage e", "Outage a"], "{r}");
    assert_eq!(r["counter"], "Page 2 of 3", "{r}");
    assert_eq!(r["hiddenNavs"], 2, "the date-ordered pagers are hidden: {r}");
    assert_eq!(r["orderNoteShown"], false, "{r}");
    assert!(
        r["status"]
            .as_str()
            .unwrap()
            .starts_with("All 5 sorted by Duration"),
        "{r}"
    );

    // From another page, a text column: A to Z, from the first of all five.
    let r = browser("sort", &public, &["/incidents/page-2.html", "Title"]);
    assert_eq!(strings(&r["before"]), [C, "Outage b"], "{r}");
    assert_eq!(
        strings(&r["fetched"]),
        ["/incidents/index.html", "/incidents/page-3.html"],
        "{r}"
    );
    assert_eq!(strings(&r["after"]), ["Outage a", "Outage b"], "{r}");
    assert_eq!(strings(&r["afterNext"]), [C, "Outage d"], "{r}");
    assert_eq!(r["markup"]["imgs"], 0, "{r}");
    assert_eq!(r["markup"]["xss"], Value::Null, "{r}");

    // A service's list is paged the same way.
    let r = browser("sort", &public, &["/services/checkout/", "Duration"]);
    assert_eq!(
        (r["sorted"].as_str(), strings(&r["after"])),
        (Some("all"), vec!["Outage b".into(), "Outage d".into()]),
        "{r}"
    );
}

#[test]
fn the_open_page_is_sorted_alone_when_another_cannot_be_fetched() {
    if !browser_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let public = paged_site(dir.path());
    fs::remove_file(public.join("incidents/page-3.html")).unwrap();

    let r = browser("sort", &public, &["/incidents/", "Duration"]);
    assert_eq!(r["sorted"], "page", "{r}");
    // This page's two rows, longest first: d 120, e 45.
    assert_eq!(strings(&r["after"]), ["Outage d", "Outage e"], "{r}");
    let status = r["status"].as_str().unwrap();
    assert!(status.starts_with("Sorted this page only"), "{r}");
    assert!(status.contains("page-3.html: HTTP 404"), "{r}");
    assert_eq!(r["hiddenNavs"], 0, "the page keeps its own pager: {r}");
    assert_eq!(r["orderNoteShown"], true, "{r}");
    assert_eq!(r["next"], false, "{r}");
}

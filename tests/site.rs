//! Whole-pipeline tests through the library API (`incidex::site`): the shipped sample
//! archive, fixture archives, sanitising, the atomic swap, determinism, drafts, assets,
//! duplicate slugs and every kind of bad input.

mod common;

use common::*;
use incidex::config::Config;
use incidex::site::BuildError;
use std::fs;
use std::path::Path;

fn page_dirs(site: &Path) -> Vec<String> {
    let mut slugs: Vec<String> = fs::read_dir(site.join("incidents"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    slugs.sort();
    slugs
}

fn codes(report: &incidex::site::BuildReport) -> Vec<(&str, &str)> {
    report
        .diagnostics
        .iter()
        .map(|d| (d.path.as_str(), d.code))
        .collect()
}

#[test]
fn sample_archive_builds_a_page_for_every_postmortem() {
    let content = repo_root().join("content");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let report = build(&content, &out, false).unwrap();

    let mut sources = Vec::new();
    for entry in walkdir::WalkDir::new(&content) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "md") {
            sources.push(fs::read_to_string(entry.path()).unwrap());
        }
    }
    let drafts = sources.iter().filter(|s| s.contains("\ndraft: true\n")).count();
    assert!(
        sources.len() >= 16,
        "the sample archive has {} files",
        sources.len()
    );
    assert_eq!(drafts, 1);
    assert_eq!(report.postmortems, sources.len() - drafts);
    assert_eq!(report.drafts_skipped, drafts);
    assert!(
        report.diagnostics.iter().all(|d| !d.is_error()),
        "{:#?}",
        report.diagnostics
    );

    let slugs = page_dirs(&out);
    assert_eq!(slugs.len(), report.postmortems);
    let pages: Vec<String> = slugs
        .iter()
        .map(|s| read(&out, &format!("incidents/{s}/index.html")))
        .collect();
    for source in sources.iter().filter(|s| !s.contains("\ndraft: true\n")) {
        let title = expected_title(source).expect("every sample postmortem has a title");
        let h1 = format!("<h1>{}</h1>", html_escape(&title));
        assert!(
            pages.iter().any(|p| p.contains(&h1)),
            "no page has the title {title:?}"
        );
    }

    let list = read(&out, "incidents/index.html");
    for slug in &slugs {
        assert!(
            list.contains(&format!("href=\"../incidents/{slug}/\"")),
            "incidents list does not link to {slug}"
        );
    }
    let home = read(&out, "index.html");
    assert!(home.contains("href=\"incidents/\""));
    assert!(
        home.contains(&format!(">{}<", report.postmortems)),
        "home shows the count"
    );
    assert!(out.join("404.html").is_file());
    assert!(read(&out, "static/style.css").contains("prefers-color-scheme: dark"));
    assert_eq!(broken_relative_links(&out), Vec::<String>::new());
}

#[test]
fn sample_archive_image_is_copied_and_linked_relatively() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo_root().join("content"), &out, false).unwrap();
    let page = read(&out, "incidents/2024-05-21-orders-migration-lock/index.html");
    assert!(
        page.contains("src=\"../../files/images/orders-migration-lock.svg\""),
        "image link rewritten to the copied file"
    );
    assert_eq!(
        fs::read(out.join("files/images/orders-migration-lock.svg")).unwrap(),
        fs::read(repo_root().join("content/images/orders-migration-lock.svg")).unwrap()
    );
    // a link to another postmortem's Markdown file goes to that postmortem's page
    assert!(page.contains("href=\"../2022-02-14-orders-db-replica-failover/\""));
}

#[test]
fn five_free_form_postmortems_give_five_titled_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_tree(&fixture("freeform"), &content);
    let out = tmp.path().join("public");
    let report = build(&content, &out, false).unwrap();
    assert_eq!(report.postmortems, 5);
    let slugs = page_dirs(&out);
    assert_eq!(
        slugs,
        [
            "api-latency",
            "certificate",
            "dns-typo",
            "queue-backlog",
            "web-01-outage"
        ]
    );
    let title_of = |slug: &str| {
        let page = read(&out, &format!("incidents/{slug}/index.html"));
        let start = page.find("<h1>").unwrap() + 4;
        page[start..start + page[start..].find("</h1>").unwrap()].to_string()
    };
    assert_eq!(title_of("api-latency"), "API latency spike, 7 March 2024");
    assert_eq!(title_of("certificate"), "Certificate expired on the status page");
    assert_eq!(title_of("dns-typo"), "DNS typo took the docs site offline");
    assert_eq!(title_of("queue-backlog"), "Queue backlog on the billing workers");
    assert_eq!(title_of("web-01-outage"), "Web-01 outage write-up");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let report = build(&fixture("basic"), &out, false).unwrap();
    assert_eq!(report.postmortems, 2);
    assert_eq!(report.drafts_skipped, 1);
    assert!(!out.join("incidents/draft-unfinished").exists());
    assert!(!read(&out, "incidents/index.html").contains("Unfinished draft"));
    // A skipped draft's placeholders (`end: TBD`) are not the reader's problem.
    assert!(
        report.diagnostics.iter().all(|d| !d.path.contains("draft")),
        "{:#?}",
        report.diagnostics
    );

    let report = build(&fixture("basic"), &out, true).unwrap();
    assert_eq!(report.postmortems, 3);
    assert_eq!(report.drafts_skipped, 0);
    let page = read(&out, "incidents/draft-unfinished/index.html");
    assert!(page.contains("Unfinished draft about the queue backlog"));
    assert!(page.contains("Draft"), "included drafts are marked as such");
    assert!(codes(&report).contains(&("draft-unfinished.md", "placeholder")));
}

#[test]
fn assets_are_copied_and_relative_links_resolve() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let report = build(&fixture("basic"), &out, false).unwrap();
    assert_eq!(report.assets, 2);
    for asset in ["notes/img/errors.svg", "notes/img/log.txt"] {
        assert_eq!(
            fs::read(out.join("files").join(asset)).unwrap(),
            fs::read(fixture("basic").join(asset)).unwrap(),
            "{asset}"
        );
    }
    let page = read(&out, "incidents/2022-01-04-login-outage/index.html");
    assert!(
        page.contains("src=\"../../files/notes/img/errors.svg\""),
        "{page}"
    );
    assert!(page.contains("href=\"../../files/notes/img/log.txt\""));
    // the linked file has `slug: cache-stampede` in its front matter
    assert!(page.contains("href=\"../cache-stampede/\""), "{page}");
    assert_eq!(broken_relative_links(&out), Vec::<String>::new());
}

#[test]
fn rebuilds_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    for content in [repo_root().join("content"), fixture("basic"), fixture("hostile")] {
        let a = tmp.path().join("a");
        let b = tmp.path().join("b");
        build(&content, &a, true).unwrap();
        build(&content, &b, true).unwrap();
        let (ta, tb) = (read_tree(&a), read_tree(&b));
        assert_eq!(
            ta.keys().collect::<Vec<_>>(),
            tb.keys().collect::<Vec<_>>(),
            "same files for {}",
            content.display()
        );
        for (path, bytes) in &ta {
            assert!(bytes == &tb[path], "{path} differs between two builds");
        }
        // and rebuilding over an existing site gives the same bytes again
        build(&content, &a, true).unwrap();
        assert!(read_tree(&a) == tb);
    }
}

/// Live markup in `html` that could run code: a script other than the theme's, an element
/// that can carry script, an event handler, an inline style, or a `javascript:`/`data:`
/// URL. Escaped text may mention anything; only tags and their attributes are checked.
fn executable_markup(html: &str) -> Vec<String> {
    fn theme_scripts() -> Vec<String> {
        std::fs::read_dir(repo_root().join("themes/default/static"))
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".js"))
            .collect()
    }
    // A theme script carried inline (the search page's search.js): exactly the text the
    // theme publishes as static/<name>.js; its tag is marked and its text left out.
    const INLINE_MARK: &str = " data-test-theme-inline>";
    let mut html = html.to_string();
    for f in incidex::render::theme::Theme::load(None).unwrap().statics {
        if let incidex::output::Contents::Bytes(b) = &f.contents {
            if f.path.ends_with(".js") {
                let text = std::str::from_utf8(b).unwrap();
                html = html.replace(&format!(">{text}</script>"), &format!("{INLINE_MARK}</script>"));
            }
        }
    }
    let tags = regex::Regex::new(r"(?is)<([a-z][a-z0-9]*)\b[^>]*>").unwrap();
    let attrs = regex::Regex::new(r#"\s([^\s=>/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?"#).unwrap();
    let mut found = Vec::new();
    for t in tags.captures_iter(&html) {
        let (tag, name) = (&t[0], t[1].to_ascii_lowercase());
        let lower = tag.to_ascii_lowercase();
        let theme_script = lower.ends_with(INLINE_MARK)
            || theme_scripts()
                .iter()
                .any(|js| lower.starts_with("<script src=\"") && lower.contains(&format!("static/{js}\"")));
        if name == "script" && !theme_script {
            found.push(tag.to_string());
        }
        if ["iframe", "svg", "object", "embed", "style", "math"].contains(&name.as_str()) {
            found.push(tag.to_string());
        }
        for a in attrs.captures_iter(tag) {
            let attr = a[1].to_ascii_lowercase();
            let value = a
                .get(2)
                .map(|v| v.as_str().to_ascii_lowercase())
                .unwrap_or_default();
            let bad_url = ["href", "src", "action", "formaction"].contains(&attr.as_str())
                && (value.contains("javascript:") || value.contains("data:"));
            if attr.starts_with("on") || attr == "style" || bad_url {
                found.push(tag.to_string());
            }
        }
    }
    found
}

#[test]
fn the_executable_markup_check_catches_what_it_looks_for() {
    for bad in [
        "<script>x()</script>",
        // An inline script that is a theme script plus something else.
        format!(
            "<script>{}x()</script>",
            incidex::render::theme::compact_js(include_str!("../themes/default/static/search.js"))
        )
        .as_str(),
        "<img src=x onerror=alert(1)>",
        "<a href=\"JavaScript:x()\">a</a>",
        "<div style=\"x\">",
        "<iframe src=a>",
        "<img src=\"data:text/html,x\">",
    ] {
        assert_eq!(executable_markup(bad).len(), 1, "{bad}");
    }
    for fine in [
        "<td data-value=\"&lt;img src=x onerror=alert(1)&gt;\">",
        "<p>text about onerror= and javascript:</p>",
        "<script src=\"../static/table-sort.js\" defer></script>",
        // The search page's inline search.js.
        format!(
            "<script data-index=\"index/\">{}</script>",
            incidex::render::theme::compact_js(include_str!("../themes/default/static/search.js"))
        )
        .as_str(),
        "<a href=\"../incidents/\">x</a>",
    ] {
        assert_eq!(executable_markup(fine), Vec::<String>::new(), "{fine}");
    }
}

#[test]
fn raw_html_and_hostile_values_never_reach_the_site_executable() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let report = build(&fixture("hostile"), &out, false).unwrap();
    assert_eq!(report.postmortems, 1);
    let mut checked = 0;
    for (path, bytes) in read_tree(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        checked += 1;
        let html = String::from_utf8(bytes).unwrap();
        assert_eq!(executable_markup(&html), Vec::<String>::new(), "{path}");
        assert!(!html.contains("<script>alert"), "{path}");
    }
    assert!(checked >= 4);
    let page = read(&out, "incidents/injection-attempts/index.html");
    // Hostile front matter is shown as text, escaped.
    assert!(page.contains("&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; Hostile title"));
    assert!(page.contains("<b>bold</b>"), "harmless markup survives");
    assert!(page.contains("mixed-case link"));
}

#[test]
fn duplicate_slugs_are_an_error_naming_both_files_and_the_rest_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let report = build(&fixture("dupes"), &out, false).unwrap();
    assert_eq!(report.postmortems, 2);
    let dup: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "duplicate-slug")
        .collect();
    assert_eq!(dup.len(), 1, "{:#?}", report.diagnostics);
    assert!(dup[0].is_error());
    let text = dup[0].to_string();
    assert!(
        text.contains("a/incident.md") && text.contains("b/incident.md"),
        "{text}"
    );
    // the first path (in path order) keeps the URL
    assert!(read(&out, "incidents/incident/index.html").contains("First incident file"));
    assert!(out.join("incidents/unrelated/index.html").is_file());
}

#[test]
fn each_bad_file_gets_a_diagnostic_naming_it_and_the_rest_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_tree(&fixture("bad"), &content);
    let out = tmp.path().join("public");
    let report = build(&content, &out, false).unwrap();

    let find = |path: &str, code: &str| {
        report
            .diagnostics
            .iter()
            .find(|d| d.path == path && d.code == code)
            .unwrap_or_else(|| panic!("no {code} for {path}: {:#?}", report.diagnostics))
    };
    let yaml = find("malformed-yaml.md", "front-matter-syntax");
    assert!(yaml.is_error());
    assert!(yaml.line.is_some_and(|l| l >= 3), "{yaml:?}");
    assert!(yaml.column.is_some(), "{yaml:?}");
    assert!(yaml
        .to_string()
        .starts_with("error[front-matter-syntax]: malformed-yaml.md:"));

    let utf8 = find("latin1.md", "invalid-utf8");
    assert_eq!(utf8.line, Some(1));
    find("empty.md", "empty-file");
    assert!(find("screenshot.md", "binary-file").is_error());

    // Malformed front matter and bad encoding still give a page; empty and binary do not.
    assert_eq!(
        page_dirs(&out),
        ["good", "latin1", "malformed-yaml"],
        "{:#?}",
        report.diagnostics
    );
    assert!(
        read(&out, "incidents/malformed-yaml/index.html").contains("Broken front matter still has a body")
    );
    assert!(read(&out, "incidents/latin1/index.html").contains("Caf\u{FFFD} outage"));
}

/// Running as root makes chmod 000 files readable, so the test checks before relying on it.
#[cfg(unix)]
fn make_unreadable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o000)).unwrap();
    fs::read(path).is_err()
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_reported_and_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_tree(&fixture("freeform"), &content);
    let locked = content.join("certificate.md");
    if !make_unreadable(&locked) {
        eprintln!("skipped: running with privileges that read chmod 000 files");
        return;
    }
    let out = tmp.path().join("public");
    let report = build(&content, &out, false).unwrap();
    assert_eq!(report.postmortems, 4);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == "unreadable")
        .expect("unreadable diagnostic");
    assert_eq!(d.path, "certificate.md");
    assert!(d.is_error());
}

/// A config whose user theme (in `dir/theme`) replaces one template with `text`.
fn with_theme_template(dir: &Path, name: &str, text: &str) -> Config {
    let templates = dir.join("theme/templates");
    fs::create_dir_all(&templates).unwrap();
    fs::write(templates.join(name), text).unwrap();
    Config {
        theme: Some(dir.join("theme")),
        ..Config::default()
    }
}

/// The `basic` fixture built with one template of a user theme replaced by `text`; the
/// folder (kept alive by the `TempDir`) and the site in it.
fn basic_with_theme_template(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let config = with_theme_template(tmp.path(), name, text);
    let out = tmp.path().join("public");
    build_with(&fixture("basic"), &out, false, &config).unwrap();
    (tmp, out)
}

#[test]
fn a_build_that_fails_while_rendering_leaves_the_previous_site() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&fixture("basic"), &out, false).unwrap();
    let before = read_tree(&out);

    // A user theme whose incident template fails at render time (after loading, before
    // anything is written).
    let config = with_theme_template(
        tmp.path(),
        "incident.html",
        "{% extends \"base.html\" %}{% block content %}{{ incident.no_such_field.deeper }}{% endblock content %}",
    );
    let err = build_with(&fixture("freeform"), &out, false, &config).unwrap_err();
    assert!(matches!(err, BuildError::Theme(_)), "{err}");
    assert!(err.to_string().contains("incident.html"), "{err}");
    assert!(read_tree(&out) == before, "previous site untouched");
    assert_no_leftovers(tmp.path());

    // A theme folder that does not exist fails before anything else.
    let config = Config {
        theme: Some(tmp.path().join("no-such-theme")),
        ..Config::default()
    };
    assert!(build_with(&fixture("freeform"), &out, false, &config).is_err());
    assert!(read_tree(&out) == before);
}

#[test]
fn a_theme_row_template_draws_the_rows_of_every_incident_list() {
    let (_tmp, out) = basic_with_theme_template(
        "incident_row.html",
        "<tr class=\"mine\"><td><a href=\"{{ root }}{{ i.url }}\">{{ i.title }} / {{ i.duration_display }}</a></td></tr>",
    );
    let row = |depth: &str| {
        format!(
            "<tr class=\"mine\"><td><a href=\"{depth}incidents/cache-stampede/\">Cache stampede after a cold restart / "
        )
    };
    for (page, depth) in [
        ("index.html", ""),
        ("incidents/index.html", "../"),
        ("causes/capacity/index.html", "../../"),
        ("services/cache/index.html", "../../"),
        ("years/2023/index.html", "../../"),
    ] {
        let html = fs::read_to_string(out.join(page)).unwrap();
        assert!(!html.contains("<td data-value"), "{page} still has default rows");
        assert!(html.contains(&row(depth)), "{page}: {html}");
    }
}

/// The default theme names neither the timeline nor the action items, so they are left out
/// of its pages' context (`views::IncidentExtras`); a theme that names them gets them.
#[test]
fn a_theme_that_shows_the_timeline_and_action_items_gets_them() {
    let (_tmp, out) = basic_with_theme_template(
        "incident.html",
        "{% extends \"base.html\" %}{% block content %}\
         {% for e in incident.timeline %}<li class=\"t\">{{ e.time }}: {{ e.text }}</li>{% endfor %}\
         {% for a in incident.action_items %}<li class=\"a\">{{ a }}</li>{% endfor %}\
         {% endblock content %}",
    );
    let html = fs::read_to_string(out.join("incidents/cache-stampede/index.html")).unwrap();
    for want in [
        "<li class=\"t\">2023-05-10 09:00 UTC: cache cluster restarted empty</li>",
        "<li class=\"t\">2023-05-10 09:45 UTC: load back to normal</li>",
        "<li class=\"a\">Warm the cache before taking traffic</li>",
    ] {
        assert!(html.contains(want), "{want}: {html}");
    }
}

#[cfg(unix)]
#[test]
fn a_build_that_fails_while_writing_leaves_the_previous_site() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_tree(&fixture("basic"), &content);
    let out = tmp.path().join("public");
    build(&content, &out, false).unwrap();
    let before = read_tree(&out);

    // An asset that cannot be copied: the failure happens midway through writing.
    let asset = content.join("notes/img/log.txt");
    if !make_unreadable(&asset) {
        eprintln!("skipped: running with privileges that read chmod 000 files");
        return;
    }
    fs::write(content.join("new.md"), "# A new postmortem\n").unwrap();
    let err = build(&content, &out, false).unwrap_err();
    assert!(matches!(err, BuildError::Output(_)), "{err}");
    assert!(read_tree(&out) == before, "previous site untouched");
    assert_no_leftovers(tmp.path());
}

/// A failure midway through writing that happens whatever the user's privileges: an asset
/// whose copy in the output would exceed the system's path length limit, while its source
/// path (in a shorter folder) is fine.
#[cfg(target_os = "linux")]
#[test]
fn a_build_that_fails_midway_through_writing_leaves_the_previous_site() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("c");
    copy_tree(&fixture("freeform"), &content);
    let out_parent = tmp.path().join("o".repeat(200));
    let out = out_parent.join("public");
    build(&content, &out, false).unwrap();
    let before = read_tree(&out);

    let mut deep = content.clone();
    while deep.as_os_str().len() < 4000 {
        deep.push("d".repeat(200));
    }
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("trace.txt"), "x").unwrap();
    fs::write(content.join("new.md"), "# A new postmortem\n").unwrap();

    let err = build(&content, &out, false).unwrap_err();
    assert!(matches!(err, BuildError::Output(_)), "{err}");
    assert!(read_tree(&out) == before, "previous site untouched");
    assert_no_leftovers(&out_parent);
}

#[test]
fn an_output_path_that_is_a_file_is_refused_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    fs::write(&out, "not a folder").unwrap();
    let err = build(&fixture("freeform"), &out, false).unwrap_err();
    assert!(err.to_string().contains("not a folder"), "{err}");
    assert_eq!(fs::read_to_string(&out).unwrap(), "not a folder");
    assert_no_leftovers(tmp.path());
}

#[test]
fn leftovers_of_a_killed_build_do_not_leak_into_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    // what a build killed between writing and swapping leaves behind
    fs::create_dir_all(tmp.path().join(".public.incidex-tmp/incidents/stale")).unwrap();
    fs::write(
        tmp.path().join(".public.incidex-tmp/incidents/stale/index.html"),
        "stale",
    )
    .unwrap();
    fs::create_dir_all(tmp.path().join(".public.incidex-old")).unwrap();
    build(&fixture("freeform"), &out, false).unwrap();
    assert!(!out.join("incidents/stale").exists());
    assert_eq!(page_dirs(&out).len(), 5);
    assert_no_leftovers(tmp.path());
}

#[test]
fn output_inside_content_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_tree(&fixture("freeform"), &content);
    let err = build(&content, &content.join("public"), false).unwrap_err();
    assert!(matches!(err, BuildError::OutputInsideContent { .. }));
    assert!(!content.join("public").exists());
}

/// Nothing beside the output but the copy the next build rewrites in place (`output::Staging`).
fn assert_no_leftovers(dir: &Path) {
    let names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("incidex-") && !n.ends_with(".incidex-tmp"))
        .collect();
    assert!(names.is_empty(), "staging folders left behind: {names:?}");
}

#[test]
fn incident_page_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&fixture("snapshot"), &out, false).unwrap();
    let page = read(&out, "incidents/2024-01-15-config-push/index.html");
    // The page's own content; the shared header and footer are left to other tests.
    let start = page.find("<main").unwrap();
    let end = page.find("</main>").unwrap() + "</main>".len();
    insta::assert_snapshot!("incident_page", &page[start..end]);
}

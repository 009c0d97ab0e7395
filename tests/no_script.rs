//! Script injection: an archive that tries to run script through every place content
//! reaches the site, built, then every HTML file scanned with a real HTML parser for
//! executable script that did not come from the theme.

use assert_cmd::Command;
use incidex::render::theme::Theme;
use scraper::{Html, Node};
use std::fs;
use std::path::{Component, Path, PathBuf};

/// A payload that would run if it reached the page unescaped.
const XSS: &str = "\"><script>alert(1)</script><img src=x onerror=alert(2)>";

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// YAML single-quoted scalar: only `'` needs doubling.
fn yq(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn hostile_archive(c: &Path) {
    let x = yq(XSS);
    write(
        c,
        "front-matter.md",
        &format!(
            "---\ntitle: {x}\nseverity: {x}\nstatus: {x}\nservices: [{x}, 'javascript:alert(3)']\ntags: [{x}, '../<svg onload=alert(4)>']\nauthors: [{x}]\ntimezone: {x}\nstart: {x}\nduration: {x}\nimpact:\n  summary: {x}\n  services: [{x}]\nroot_cause:\n  category: {x}\n  summary: {x}\ncontributing_factors: [{x}]\naction_items: [{x}]\nowner_team: {x}\nlinks: {{ runbook: 'javascript:alert(5)' }}\n---\n# {XSS}\n\nbody\n"
        ),
    );
    write(
        c,
        "body-html.md",
        r#"# Body <script>alert(6)</script> heading

<script>alert(7)</script>
<SCRIPT SRC=//evil.example/x.js></SCRIPT>
<img src=x onerror="alert(8)"><svg onload=alert(9)><circle/></svg>
<iframe src="javascript:alert(10)"></iframe><object data="x.swf"></object><embed src="x.swf">
<a href="javascript:alert(11)">a</a> <a href="JaVaScRiPt&colon;alert(12)">b</a> <a href=" &#x6A;avascript:alert(13)">c</a>
<a href="vbscript:msgbox(14)">d</a> <a href="data:text/html,<script>alert(15)</script>">e</a>
<form action="javascript:alert(16)"><button formaction="javascript:alert(17)">f</button></form>
<meta http-equiv="refresh" content="0;url=javascript:alert(18)"><base href="javascript:alert(19)//">
<div style="background:url(javascript:alert(20))" onclick="alert(21)">styled</div>
<style>body{background:url("javascript:alert(22)")}</style>
<math><mi xlink:href="javascript:alert(23)">m</mi></math>
<details open ontoggle=alert(24)><summary>s</summary></details>
<noscript><p title="</noscript><img src=x onerror=alert(25)>"></noscript>
<table><tr><td background="javascript:alert(26)">t</td></tr></table>
"#,
    );
    write(
        c,
        "links.md",
        "# Links\n\n[md](javascript:alert(30)) [enc](java%0ascript:alert(31)) [ws]( javascript:alert(32))\n\n\
         ![img](javascript:alert(33)) ![q](x.png\"onerror=\"alert(34)) ![d](data:image/svg+xml,<svg/onload=alert(35)>)\n\n\
         [ref][r]\n\n[r]: javascript:alert(36) \"title\"\n\n<javascript:alert(37)> [t](https://ok.example \"\\\"><script>alert(38)</script>\")\n\n\
         [^1]\n\n[^1]: footnote <script>alert(39)</script>\n",
    );
    write(
        c,
        "<img src=x onerror=alert(40)>.md",
        "# File name payload\n\ntext\n",
    );
    write(
        c,
        "placeholder.md",
        &format!("---\nstart: '[{XSS}]'\n---\n# Placeholder\n\ntext\n"),
    );
}

/// Theme script sources allowed on the site: the theme's own static .js files.
fn theme_scripts() -> (Vec<String>, Vec<String>) {
    let theme = Theme::load(None).unwrap();
    let files = theme
        .statics
        .iter()
        .map(|f| f.path.clone())
        .filter(|p| p.ends_with(".js"))
        .collect();
    let templates = theme.templates.iter().map(|(_, t)| t.clone()).collect();
    (files, templates)
}

/// `incidents/x/index.html` + `../../static/a.js` → `static/a.js`.
fn resolve(page: &str, src: &str) -> Option<String> {
    if src.contains(':') || src.starts_with("//") {
        return None;
    }
    let dir = page.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    incidex::site::join_relative(dir, src.split(['?', '#']).next().unwrap_or(""))
}

fn squash(v: &str) -> String {
    v.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase()
}

const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "background",
    "poster",
    "srcset",
    "cite",
    "longdesc",
    "ping",
    "lowsrc",
    "dynsrc",
];

/// Every executable thing in `html` that is not the theme's, as human-readable findings.
fn executable_script(page: &str, html: &str, allowed: &(Vec<String>, Vec<String>)) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut found = Vec::new();
    for node in doc.tree.nodes() {
        let Node::Element(el) = node.value() else { continue };
        let name = el.name();
        let text = || {
            node.descendants()
                .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
                .collect::<String>()
        };
        match name {
            "script" => {
                let ok = match el.attr("src") {
                    Some(src) => {
                        text().trim().is_empty() && resolve(page, src).is_some_and(|r| allowed.0.contains(&r))
                    }
                    None => {
                        let t = text();
                        !t.trim().is_empty() && allowed.1.iter().any(|tpl| tpl.contains(t.trim()))
                    }
                };
                if !ok {
                    found.push(format!("<script> {:?} {:?}", el.attr("src"), text()));
                }
            }
            "style" => {
                let t = text();
                if !allowed.1.iter().any(|tpl| tpl.contains(t.trim())) {
                    found.push(format!("<style> {t:?}"));
                }
            }
            "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "base" | "portal" => {
                found.push(format!("<{name}>"))
            }
            "meta" if el.attr("http-equiv").is_some() => found.push("<meta http-equiv>".into()),
            _ => {}
        }
        for (attr, value) in el.attrs() {
            let attr_l = attr.to_ascii_lowercase();
            let v = squash(value);
            if attr_l.starts_with("on") {
                found.push(format!("<{name} {attr}={value:?}>"));
            }
            let url_like = URL_ATTRS.contains(&attr_l.as_str());
            if url_like
                && (v.starts_with("javascript:")
                    || v.starts_with("vbscript:")
                    || (v.starts_with("data:")
                        && !v.starts_with("data:image/png")
                        && !v.starts_with("data:image/jpeg")))
            {
                found.push(format!("<{name} {attr}={value:?}>"));
            }
            if attr_l == "style"
                && (v.contains("javascript:") || v.contains("expression(") || v.contains("url("))
            {
                found.push(format!("<{name} style={value:?}>"));
            }
        }
    }
    found
}

fn html_files(root: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        let p = entry.path();
        if p.extension()
            .is_some_and(|e| e == "html" || e == "htm" || e == "svg" || e == "xml")
        {
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .components()
                .map(|c| match c {
                    Component::Normal(s) => s.to_string_lossy().into_owned(),
                    other => panic!("odd component {other:?}"),
                })
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, p.to_path_buf()));
        }
    }
    out
}

#[test]
fn the_scanner_finds_what_it_must() {
    let allowed = theme_scripts();
    let bad = [
        "<script>alert(1)</script>",
        "<script src=\"https://evil.example/x.js\"></script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\" jav\tascript:alert(1)\">x</a>",
        "<iframe src=x></iframe>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<a href=\"data:text/html,x\">x</a>",
    ];
    for b in bad {
        assert!(
            !executable_script("index.html", b, &allowed).is_empty(),
            "missed {b}"
        );
    }
    let theme_tag = "<script src=\"../static/table-sort.js\" defer></script>";
    assert!(executable_script("incidents/index.html", theme_tag, &allowed).is_empty());
    assert!(
        !executable_script("index.html", theme_tag, &allowed).is_empty(),
        "wrong depth"
    );
}

#[test]
fn no_content_script_reaches_any_page_of_the_built_site() {
    let dir = tempfile::tempdir().unwrap();
    hostile_archive(&dir.path().join("content"));
    let out = Command::cargo_bin("incidex")
        .unwrap()
        .current_dir(dir.path())
        .args(["build", "--content", "content", "--output", "public", "--drafts"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let allowed = theme_scripts();
    let public = dir.path().join("public");
    let pages = html_files(&public);
    // Every postmortem got a page, plus the lists: the payloads were really rendered.
    assert!(pages.len() >= 5 + 2, "{pages:?}");
    let mut problems = Vec::new();
    for (rel, path) in &pages {
        let html = fs::read_to_string(path).unwrap();
        for f in executable_script(rel, &html, &allowed) {
            problems.push(format!("{rel}: {f}"));
        }
    }
    assert!(
        problems.is_empty(),
        "executable content on the site:\n{}",
        problems.join("\n")
    );
    // The payload text is still visible (escaped), not silently dropped from the title.
    let fm_page = pages
        .iter()
        .find(|(r, _)| r.starts_with("incidents/front-matter/"))
        .expect("front-matter page");
    let html = fs::read_to_string(&fm_page.1).unwrap();
    let doc = Html::parse_document(&html);
    let h1: String = doc
        .select(&scraper::Selector::parse("h1").unwrap())
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(h1.trim(), XSS);
    // Nothing but HTML, theme assets and copied content files is published.
    for entry in walkdir::WalkDir::new(&public).into_iter().filter_map(Result::ok) {
        let rel = entry
            .path()
            .strip_prefix(&public)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if entry.file_type().is_file() && rel.ends_with(".js") {
            assert!(allowed.0.contains(&rel), "unexpected script file {rel}");
        }
    }
}

//! Helpers shared by the whole-program tests: fixture paths, copying fixtures to scratch
//! folders, reading a built site back, and a relative-link checker.
#![allow(dead_code)] // each test binary uses a different subset

use incidex::config::Config;
use incidex::site::{self, BuildError, BuildOptions, BuildReport, LoadOptions};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(name)
}

/// Copy a folder recursively (fixtures are copied before tests add unreadable files).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file of a built site, by `/`-separated relative path.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap();
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    out
}

pub fn read(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Build `content` into `out` with the default configuration and a fixed "today".
pub fn build(content: &Path, out: &Path, drafts: bool) -> Result<BuildReport, BuildError> {
    build_with(content, out, drafts, &Config::default())
}

pub fn build_with(
    content: &Path,
    out: &Path,
    drafts: bool,
    config: &Config,
) -> Result<BuildReport, BuildError> {
    site::build(&BuildOptions {
        content,
        output: out,
        load: LoadOptions {
            config,
            include_drafts: drafts,
            today: jiff::civil::date(2026, 1, 1),
        },
    })
}

/// The HTML escaping tera applies to template variables.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}

/// `href`/`src` attribute values in `html`.
pub fn link_targets(html: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap();
    re.captures_iter(html)
        .map(|c| c[1].replace("&#x2F;", "/").replace("&amp;", "&"))
        .collect()
}

/// Every relative link in every page of the site that does not resolve to a file in it.
/// A link to a folder resolves to its `index.html`. Fragments and queries are ignored.
pub fn broken_relative_links(site: &Path) -> Vec<String> {
    let mut broken = Vec::new();
    for (rel, bytes) in read_tree(site) {
        if !rel.ends_with(".html") || rel == "404.html" {
            continue; // 404.html links from the site's absolute path, by design
        }
        let html = String::from_utf8(bytes).unwrap();
        let dir = Path::new(&rel).parent().unwrap_or(Path::new(""));
        for target in link_targets(&html) {
            if target.is_empty()
                || target.starts_with('#')
                || target.starts_with('/')
                || target.contains("://")
                || target.starts_with("mailto:")
            {
                continue;
            }
            let path = target.split(['#', '?']).next().unwrap();
            let mut resolved = site.join(dir);
            for seg in path.split('/') {
                match seg {
                    "" | "." => {}
                    ".." => {
                        resolved.pop();
                    }
                    s => resolved.push(s),
                }
            }
            if path.ends_with('/') || resolved.is_dir() {
                resolved.push("index.html");
            }
            if !resolved.starts_with(site) || !resolved.is_file() {
                broken.push(format!("{rel}: {target}"));
            }
        }
    }
    broken
}

/// Title an author gave a postmortem: front matter `title:`, else the first `# ` heading.
/// Deliberately naive: the sample files are written so that either rule is unambiguous.
pub fn expected_title(markdown: &str) -> Option<String> {
    let mut lines = markdown.lines();
    if markdown.starts_with("---") {
        lines.next();
        for l in lines.by_ref() {
            if l.trim() == "---" {
                break;
            }
            if let Some(t) = l.strip_prefix("title:") {
                return Some(t.trim().trim_matches('"').to_string());
            }
        }
    }
    lines
        .find_map(|l| l.strip_prefix("# "))
        .map(|t| t.trim().to_string())
}

// ---- search fixtures ----

pub const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/search");

/// A built copy of `tests/fixtures/search` in a temporary folder.
pub struct Built {
    pub dir: tempfile::TempDir,
    pub content: PathBuf,
    pub public: PathBuf,
    pub index: PathBuf,
}

/// Copy `tests/fixtures/search` into a temp dir and build it there.
pub fn build_fixture() -> Built {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_tree(Path::new(FIXTURE), &content);
    let public = dir.path().join("public");
    build_search(&content, &public);
    let index = incidex::search::index::default_dir(&public);
    Built {
        dir,
        content,
        public,
        index,
    }
}

/// Build a search fixture, asserting it is the expected size.
pub fn build_search(content: &Path, public: &Path) {
    let report = build(content, public, false).unwrap();
    assert!(report.postmortems >= 8, "{report:?}");
}

pub fn which(cmd: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(cmd))
            .find(|p| p.is_file())
    })
}

/// Whether the headless-browser tests can run; says why not (and the test then returns).
/// `scripts/test.sh` installs chromium and chromedriver in CI.
pub fn browser_ready() -> bool {
    for tool in ["node", "chromium", "chromedriver"] {
        if which(tool).is_none() {
            eprintln!(
                "skipping browser test: {tool} is not installed (apt-get install chromium chromium-driver)"
            );
            return false;
        }
    }
    true
}

/// One run of `tests/js/browser.js MODE SITE ARGS…`, its JSON output.
pub fn browser(mode: &str, site: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> serde_json::Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/js/browser.js");
    let out = std::process::Command::new("node")
        .args([script, mode])
        .arg(site)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "browser run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A JSON array of strings (a browser run's list of titles), as a `Vec`.
pub fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

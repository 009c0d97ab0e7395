//! Links and images in a postmortem body: relative links must reach a published file (and
//! an anchor that exists on its page), local images must exist, and script URLs are
//! reported because the sanitiser removes them from the page.
//!
//! Only what incidex itself publishes is checked; external URLs are never fetched.

use super::column_of;
use crate::diagnostic::Diagnostic;
use crate::discover;
use crate::parse::Document;
use percent_encoding::percent_decode_str;
use regex::Regex;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::OnceLock;

/// Every `id` that survives sanitising in the page's body: heading anchors, footnotes, and
/// ids the author wrote in HTML that the sanitiser keeps. A link to any other fragment is
/// broken on the site, whatever GitHub's renderer does.
pub fn anchors_of(doc: &Document) -> BTreeSet<String> {
    static ID: OnceLock<Regex> = OnceLock::new();
    let id = ID.get_or_init(|| Regex::new(r#"\sid="([^"]*)""#).expect("valid regex"));
    let mut out: BTreeSet<String> = doc.markdown.toc.iter().map(|t| t.id.clone()).collect();
    out.extend(id.captures_iter(&doc.markdown.html).map(|c| c[1].to_string()));
    out
}

/// Schemes the sanitiser strips from links and images (after removing the whitespace and
/// control characters browsers ignore).
fn script_scheme(dest: &str) -> Option<&'static str> {
    let squashed: String = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .into_iter()
        .find(|s| squashed.starts_with(s))
}

/// A destination with a scheme (`https:`, `mailto:`) or protocol-relative: not ours.
fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") || dest.contains("://") {
        return true;
    }
    match dest.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// A destination as quoted in a message: long ones are cut, so a 100 kB URL does not
/// become a 100 kB line of output.
fn shown(dest: &str) -> String {
    const MAX: usize = 80;
    if dest.chars().count() <= MAX {
        return dest.to_string();
    }
    let head: String = dest.chars().take(MAX - 1).collect();
    format!("{head}…")
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Resolve `path` (already decoded) against the folder `dir` of the linking file.
/// `None` when it climbs above the content folder.
fn resolve(dir: &str, path: &str) -> Option<String> {
    crate::site::join_relative(dir, path)
}

/// A link or image of a postmortem, with where it is: all [`check`] needs of the document,
/// so a file's links can be kept (small) after its parsed document is dropped and checked
/// once every file's anchors are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The destination as written, trimmed.
    pub dest: String,
    pub line: u32,
    /// 1-based column of the destination on its line (1 when it is not found there).
    pub column: u32,
    pub image: bool,
}

/// The links and images of `doc` worth checking (empty destinations are not), located on
/// `lines`, the file's text by line.
pub fn locate(doc: &Document, lines: &[&str]) -> Vec<Located> {
    doc.markdown
        .links
        .iter()
        .filter(|link| !link.dest.trim().is_empty())
        .map(|link| {
            let dest = link.dest.trim();
            let source_line = lines
                .get(link.line.saturating_sub(1) as usize)
                .copied()
                .unwrap_or("");
            Located {
                dest: dest.to_string(),
                line: link.line,
                column: column_of(source_line, dest),
                image: link.image,
            }
        })
        .collect()
}

/// Check the links and images ([`locate`]) of the postmortem at `path`. `published` is
/// every file `build` publishes (content-relative), `anchors` the ids of each postmortem's
/// page.
pub fn check(
    path: &str,
    links: &[Located],
    published: &BTreeSet<&str>,
    anchors: &HashMap<&str, BTreeSet<String>>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let own = anchors.get(path);
    for link in links {
        let dest = link.dest.as_str();
        let col = link.column;
        let what = if link.image { "image" } else { "link" };
        let at = |d: Diagnostic| d.at(link.line, col);
        if let Some(scheme) = script_scheme(dest) {
            out.push(at(Diagnostic::warning(
                "unsafe-link",
                path.to_string(),
                format!("{what} with a `{scheme}` URL is removed from the page"),
            )
            .with_hint(
                "link to an https:// page or a file in the content folder instead",
            )));
            continue;
        }
        if is_external(dest) || dest.starts_with('/') {
            continue;
        }
        let split_at = dest.find(['#', '?']).unwrap_or(dest.len());
        let (raw_path, suffix) = dest.split_at(split_at);
        let fragment = suffix
            .strip_prefix('#')
            .or_else(|| suffix.split_once('#').map(|(_, f)| f))
            .map(decode);
        if raw_path.is_empty() {
            // `#anchor` on this page
            if let Some(frag) = fragment.filter(|f| !f.is_empty()) {
                if !own.is_some_and(|a| a.contains(&frag)) {
                    out.push(at(broken_anchor(path, &frag, "this page", own)));
                }
            }
            continue;
        }
        let Some(target) = resolve(dir, &decode(raw_path)) else {
            out.push(at(Diagnostic::error(
                "broken-link",
                path.to_string(),
                format!(
                    "{what} `{}` points outside the content folder, so it is not published",
                    shown(dest)
                ),
            )
            .with_hint(
                "copy the file into the content folder, or link to its https:// URL",
            )));
            continue;
        };
        if target.is_empty() {
            continue;
        }
        if published.contains(target.as_str()) {
            let is_md = discover::is_markdown(Path::new(&target));
            if let (true, Some(frag)) = (is_md, fragment.filter(|f| !f.is_empty())) {
                let theirs = anchors.get(target.as_str());
                if !theirs.is_some_and(|a| a.contains(&frag)) {
                    out.push(at(broken_anchor(path, &frag, &target, theirs)));
                }
            }
            continue;
        }
        let is_md = discover::is_markdown(Path::new(&target));
        let (code, message) = if is_md {
            (
                "broken-link",
                format!(
                    "link `{}`: no postmortem {} in the content folder",
                    shown(dest),
                    shown(&target)
                ),
            )
        } else {
            (
                "missing-file",
                format!(
                    "{what} `{}`: file {} not found in the content folder",
                    shown(dest),
                    shown(&target)
                ),
            )
        };
        out.push(at(Diagnostic::error(code, path.to_string(), message).with_hint(
            "file names are case-sensitive on the web server; hidden (`.`) and `_` files are not published",
        )));
    }
    out
}

fn broken_anchor(path: &str, frag: &str, page: &str, known: Option<&BTreeSet<String>>) -> Diagnostic {
    let mut d = Diagnostic::error(
        "broken-link",
        path.to_string(),
        format!("anchor `#{}` does not exist on {page}", shown(frag)),
    );
    if let Some(known) = known.filter(|k| !k.is_empty()) {
        let list: Vec<&str> = known.iter().take(8).map(String::as_str).collect();
        d = d.with_hint(format!("headings there have ids: {}", list.join(", ")));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn doc(path: &str, text: &str) -> Document {
        parse::parse(path, text.as_bytes(), &|_| None).unwrap()
    }

    fn run(path: &str, text: &str, others: &[(&str, &str)], files: &[&str]) -> Vec<(String, u32, u32)> {
        let mut docs = vec![doc(path, text)];
        docs.extend(others.iter().map(|(p, t)| doc(p, t)));
        let anchors: HashMap<&str, BTreeSet<String>> =
            docs.iter().map(|d| (d.path.as_str(), anchors_of(d))).collect();
        let mut published: BTreeSet<&str> = docs.iter().map(|d| d.path.as_str()).collect();
        published.extend(files.iter().copied());
        let lines: Vec<&str> = text.lines().collect();
        check(&docs[0].path, &locate(&docs[0], &lines), &published, &anchors)
            .into_iter()
            .map(|d| (d.code.to_string(), d.line.unwrap(), d.column.unwrap()))
            .collect()
    }

    #[test]
    fn anchors_on_the_same_page_must_exist() {
        let text = "# Title\n\nSee [timeline](#timeline) and [cause](#root-cause).\n\n## Root cause\n";
        assert_eq!(run("a.md", text, &[], &[]), vec![("broken-link".into(), 3, 16)]);
    }

    #[test]
    fn links_to_other_postmortems_and_their_anchors() {
        let text = "# A\n\n[ok](../2023/b.md#fix) [bad](../2023/b.md#nope) [gone](c.md)\n";
        let found = run("2024/a.md", text, &[("2023/b.md", "# B\n\n## Fix\n")], &[]);
        assert_eq!(
            found,
            vec![("broken-link".into(), 3, 30), ("broken-link".into(), 3, 56)]
        );
    }

    #[test]
    fn local_images_must_exist_and_names_are_percent_decoded() {
        let text = "# A\n\n![graph](img/cpu%20graph.png)\n![gone](img/missing.png)\n![web](https://x.example/a.png)\n";
        let found = run("2024/a.md", text, &[], &["2024/img/cpu graph.png"]);
        assert_eq!(found, vec![("missing-file".into(), 4, 9)]);
    }

    #[test]
    fn links_above_the_content_folder_are_not_published() {
        let found = run("a.md", "# A\n\n[readme](../README.md)\n", &[], &[]);
        assert_eq!(found, vec![("broken-link".into(), 3, 10)]);
    }

    #[test]
    fn script_urls_are_reported_and_external_ones_ignored() {
        let text = "# A\n\n[x](javascript:alert(1)) [m](mailto:a@b.example) [t](/abs/path)\n";
        assert_eq!(run("a.md", text, &[], &[]), vec![("unsafe-link".into(), 3, 5)]);
    }
}

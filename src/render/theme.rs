//! Theme: the default templates and static files, embedded in the binary, with a user
//! theme folder laid over them file by file.
//!
//! A user theme has the same layout as `themes/default/`: `templates/**` (pages `*.html`,
//! chart drawings `charts/<kind>.svg`) replace the default template of the same name,
//! `static/**` replace or add static files.

use crate::output::OutputFile;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/", $name)))),*]
    };
}

/// The default theme's files, relative to `themes/default/`.
const DEFAULT_FILES: &[(&str, &str)] = embed!(
    "templates/base.html",
    "templates/macros.html",
    "templates/incident_row.html",
    "templates/index.html",
    "templates/incidents.html",
    "templates/incident.html",
    "templates/404.html",
    "templates/search.html",
    "templates/overview.html",
    "templates/term.html",
    "templates/trends.html",
    "templates/quality.html",
    "templates/charts.html",
    "templates/charts/base.svg",
    "templates/charts/counts.svg",
    "templates/charts/duration.svg",
    "templates/charts/impact.svg",
    "templates/charts/distribution.svg",
    "templates/charts/by-category.svg",
    "static/style.css",
    "static/charts.css",
    "static/table-sort.js",
    "static/search.js",
    "static/file-links.js",
);

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("theme folder {0} does not exist")]
    Missing(PathBuf),
    #[error("{path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: template error: {message}")]
    Template { path: String, message: String },
}

/// Templates as (name, source) and static files as output files.
#[derive(Debug, Clone)]
pub struct Theme {
    pub templates: Vec<(String, String)>,
    pub statics: Vec<OutputFile>,
}

impl Theme {
    /// The default theme, overlaid with `user` when given.
    pub fn load(user: Option<&Path>) -> Result<Theme, ThemeError> {
        let mut templates: Vec<(String, String)> = Vec::new();
        let mut statics: Vec<OutputFile> = Vec::new();
        for (name, text) in DEFAULT_FILES {
            if let Some(t) = name.strip_prefix("templates/") {
                templates.push((t.to_string(), text.to_string()));
            } else if let Some(s) = name.strip_prefix("static/") {
                let text = if s.ends_with(".js") {
                    compact_js(text)
                } else {
                    text.to_string()
                };
                statics.push(OutputFile::text(format!("static/{s}"), text));
            }
        }
        if let Some(dir) = user {
            if !dir.is_dir() {
                return Err(ThemeError::Missing(dir.to_path_buf()));
            }
            for entry in WalkDir::new(dir)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
            {
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                match rel.first().map(String::as_str) {
                    Some("templates") => {
                        let name = rel[1..].join("/");
                        let text =
                            std::fs::read_to_string(entry.path()).map_err(|source| ThemeError::Read {
                                path: entry.path().to_path_buf(),
                                source,
                            })?;
                        templates.retain(|(n, _)| *n != name);
                        templates.push((name, text));
                    }
                    Some("static") => {
                        let name = format!("static/{}", rel[1..].join("/"));
                        statics.retain(|f| f.path != name);
                        statics.push(OutputFile::copy(name, entry.path().to_path_buf()));
                    }
                    _ => {}
                }
            }
        }
        statics.sort_by(|a, b| a.path.cmp(&b.path));
        for script in statics.iter().filter(|f| f.path.ends_with(".js")) {
            templates.push((script.path.clone(), inline_script_template(script)?));
        }
        templates.sort();
        Ok(Theme { templates, statics })
    }

    /// Whether some template names `word` as a whole word (`incident.timeline`,
    /// `{% for e in timeline %}`, `incident["timeline"]`), or prints the whole context
    /// (`{{ __tera_context }}`). What no template names, no page can show: the renderer
    /// leaves it out of the context ([`super::views::IncidentExtras`]).
    pub fn names(&self, word: &str) -> bool {
        let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        self.templates.iter().any(|(_, text)| {
            text.contains("__tera_context")
                || text.match_indices(word).any(|(at, _)| {
                    let before = text.as_bytes()[..at].last().copied();
                    let after = text.as_bytes().get(at + word.len()).copied();
                    !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
                })
        })
    }

    /// A tera instance with every template registered and incidex's filters.
    pub fn tera(&self) -> Result<tera::Tera, ThemeError> {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates(self.templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| ThemeError::Template {
                path: "templates".into(),
                message: error_chain(&e),
            })?;
        tera.set_escape_fn(escape_html);
        // Chart templates (`charts/<kind>.svg`) print incident titles and category names
        // into inline SVG: escaped like HTML (tera escapes only .html, .htm and .xml).
        tera.autoescape_on(vec![".html", ".htm", ".xml", ".svg"]);
        Ok(tera)
    }
}

/// Tera's default escaper also turns `/` into `&#x2F;`, which makes every relative URL in
/// an attribute (`href="../../incidents/"`) unreadable in the page source and trips tools
/// that read links without decoding entities. `/` needs no escaping in text or quoted
/// attributes; the five characters that do are escaped here.
///
/// Called for every `{{ value }}` of every page, so it copies the runs between special
/// characters whole instead of going character by character.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    let mut run = 0;
    for (i, b) in input.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => continue,
        };
        // The five are ASCII, so `i` is a char boundary.
        out.push_str(&input[run..i]);
        out.push_str(entity);
        run = i + 1;
    }
    out.push_str(&input[run..]);
    out
}

/// A static script as a template, so a page can carry it inline: `<script>{% include
/// "static/search.js" %}</script>` (the search page does, so its first query starts while
/// the page's head is parsed, not a round trip later). The text is what `static/` publishes,
/// inside a raw block, with `</script` written `<\/script` (the same in a JS string or
/// regex) so it cannot end the element early.
fn inline_script_template(script: &OutputFile) -> Result<String, ThemeError> {
    let text = match &script.contents {
        crate::output::Contents::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        crate::output::Contents::Chunks(c) => String::from_utf8_lossy(&c.concat()).into_owned(),
        crate::output::Contents::Copy(path) => {
            std::fs::read_to_string(path).map_err(|source| ThemeError::Read {
                path: path.clone(),
                source,
            })?
        }
    };
    // ASCII lowercasing keeps byte offsets, so matches in `lower` index `text`.
    let lower = text.to_ascii_lowercase();
    let mut safe = String::with_capacity(text.len());
    let mut copied = 0;
    for (i, _) in lower.match_indices("</script") {
        safe.push_str(&text[copied..i]);
        safe.push_str("<\\/");
        copied = i + 2;
    }
    safe.push_str(&text[copied..]);
    Ok(format!("{{% raw %}}{safe}{{% endraw %}}"))
}

/// tera errors nest the useful part; show the whole chain on one line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// A default-theme script as published: without comment-only lines, blank lines and
/// indentation, a quarter fewer bytes for search.js, whose size counts against the
/// first-query budget of static search (README "Search"). Line breaks stay, so automatic
/// semicolon insertion is unchanged; sound for the default theme's scripts because none
/// has a template literal or a string spanning lines (`tests/search_js.rs` runs the
/// published search.js under node, the browser test runs it in Chromium). User theme
/// files are published as they are.
pub fn compact_js(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for line in source.lines() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_js_drops_comment_lines_and_indentation_but_keeps_line_breaks() {
        let js = "// header\n(function () {\n  // why\n  var a = 1 // kept\n\n  return a\n})();\n";
        assert_eq!(
            compact_js(js),
            "(function () {\nvar a = 1 // kept\nreturn a\n})();\n"
        );
    }

    /// The bytes `theme` publishes at `path`.
    fn published<'a>(theme: &'a Theme, path: &str) -> &'a [u8] {
        let file = theme.statics.iter().find(|f| f.path == path).unwrap();
        let crate::output::Contents::Bytes(bytes) = &file.contents else {
            panic!("{path}: not an embedded file");
        };
        bytes
    }

    #[test]
    fn default_scripts_are_published_compacted() {
        let theme = Theme::load(None).unwrap();
        let bytes = published(&theme, "static/search.js");
        let source = DEFAULT_FILES
            .iter()
            .find(|(n, _)| *n == "static/search.js")
            .unwrap()
            .1;
        assert_eq!(std::str::from_utf8(bytes).unwrap(), compact_js(source));
        assert!(
            bytes.len() < source.len() * 4 / 5,
            "{} of {}",
            bytes.len(),
            source.len()
        );
    }

    #[test]
    fn a_theme_names_a_word_only_as_a_whole_word() {
        let with = |text: &str| Theme {
            templates: vec![("incident.html".into(), text.into())],
            statics: Vec::new(),
        };
        for text in [
            "{% for e in incident.timeline %}{{ e.text }}{% endfor %}",
            "{{ incident[\"timeline\"] | length }}",
            "{% set timeline = incident.timeline %}",
            "{{ __tera_context }}",
        ] {
            assert!(with(text).names("timeline"), "{text}");
        }
        for text in [
            "{{ incident.timelines }}",
            "{{ my_timeline }}",
            "{{ incident.title }}",
            "",
        ] {
            assert!(!with(text).names("timeline"), "{text}");
        }
        // The default theme shows neither: its pages are rendered without them.
        let default = Theme::load(None).unwrap();
        assert!(!default.names("timeline") && !default.names("action_items"));
        assert!(default.names("toc") && default.names("card"));
    }

    #[test]
    fn escaping_covers_markup_but_keeps_slashes() {
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a> ../../incidents/"#),
            "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt; ../../incidents/"
        );
        // Multi-byte text around and between the escapes is kept whole.
        assert_eq!(escape_html("é<ü>—&"), "é&lt;ü&gt;—&amp;");
        assert_eq!(escape_html("日本語"), "日本語");
        assert_eq!(escape_html(""), "");
    }

    #[test]
    fn templates_render_urls_unescaped_and_values_escaped() {
        let theme = Theme::load(None).unwrap();
        let mut tera = theme.tera().unwrap();
        tera.add_raw_template("t.html", r#"<a href="{{ root }}x/">{{ v }}</a>"#)
            .unwrap();
        let mut cx = tera::Context::new();
        cx.insert("root", "../../");
        cx.insert("v", "<script>");
        assert_eq!(
            tera.render("t.html", &cx).unwrap(),
            r#"<a href="../../x/">&lt;script&gt;</a>"#
        );
    }

    #[test]
    fn static_scripts_are_templates_for_inlining_that_cannot_close_their_element() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("static")).unwrap();
        std::fs::write(
            dir.path().join("static/search.js"),
            "var s = \"</SCRIPT><script>x()</script>\"; // {{ not tera }}\n",
        )
        .unwrap();
        let theme = Theme::load(Some(dir.path())).unwrap();
        let mut tera = theme.tera().unwrap();
        tera.add_raw_template("p.html", r#"<script>{% include "static/search.js" %}</script>"#)
            .unwrap();
        assert_eq!(
            tera.render("p.html", &tera::Context::new()).unwrap(),
            "<script>var s = \"<\\/SCRIPT><script>x()<\\/script>\"; // {{ not tera }}\n</script>"
        );
        // The default theme's scripts are inlined exactly as published.
        let default = Theme::load(None).unwrap();
        let mut tera = default.tera().unwrap();
        tera.add_raw_template("p.html", r#"{% include "static/table-sort.js" %}"#)
            .unwrap();
        assert_eq!(
            tera.render("p.html", &tera::Context::new()).unwrap().as_bytes(),
            published(&default, "static/table-sort.js")
        );
    }
}

//! Markdown: one pulldown-cmark pass that yields both what readers see (sanitised HTML with
//! heading anchors, a table of contents) and what `extract` reads (an [`Outline`] of
//! markup-free lines, each with its file line number, block kind and section).
//!
//! Owns Markdown semantics (what is a heading, a list item, a table row). It must not
//! interpret incident fields; that is `extract`'s job.

use crate::model::TocEntry;
use crate::parse::sanitize;
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;

/// What kind of Markdown block a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Heading(u8),
    /// A list item line; `depth` 1 is a top-level item. `first` is false for a
    /// continuation line of the same item.
    ListItem {
        depth: u8,
        ordered: bool,
        first: bool,
    },
    TableRow {
        header: bool,
    },
    Paragraph,
    BlockQuote,
    Code,
    Html,
}

/// One non-blank source line with its markup removed.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// 1-based line in the file (front matter included).
    pub number: u32,
    pub kind: LineKind,
    /// The line's text without Markdown markup (`**Duration:** 2h` → `Duration: 2h`).
    pub text: String,
    /// For table rows, the cells' text.
    pub cells: Vec<String>,
    /// Index into [`Outline::sections`] of the heading this line is under.
    pub section: Option<usize>,
    /// True when the line's text starts with bold/strong text (a "**Label:**" line).
    pub starts_bold: bool,
    /// Byte length of the bold text the line opens with, so "**Impact.** text" can be read
    /// as a label ending in a period without guessing where the bold part stops.
    pub bold_len: usize,
}

impl Line {
    /// The bold text the line opens with ("Impact." for "**Impact.** text"), or "".
    pub fn bold_prefix(&self) -> &str {
        if self.starts_bold {
            self.text.get(..self.bold_len).unwrap_or("").trim()
        } else {
            ""
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub level: u8,
    pub title: String,
    pub line: u32,
}

/// The document as lines grouped under headings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outline {
    pub lines: Vec<Line>,
    pub sections: Vec<Section>,
}

/// A link or image destination found in the body, for link checking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub dest: String,
    pub line: u32,
    pub image: bool,
}

/// Everything the Markdown pass produces.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub outline: Outline,
    /// Sanitised HTML; safe to insert into a page unescaped.
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub plain_text: String,
    pub first_heading: Option<(String, u32)>,
    pub links: Vec<LinkRef>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// Rewrites a relative link destination so it keeps working from the page's URL.
/// Receives the destination as written; returns the replacement, or `None` to keep it.
pub type LinkRewriter<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Render `body` (the Markdown after front matter). `first_line` is the file line of the
/// body's first line, so outline and link line numbers are file line numbers.
pub fn render(body: &str, first_line: u32, rewrite: LinkRewriter<'_>) -> Rendered {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| -> u32 {
        let idx = match line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        first_line + idx as u32
    };

    let mut events: Vec<(Event, std::ops::Range<usize>)> =
        Parser::new_ext(body, options()).into_offset_iter().collect();

    let mut out = Rendered::default();
    let mut lines: Vec<Line> = Vec::new();
    let mut sections: Vec<Section> = Vec::new();

    // Block context while walking events.
    let mut list_stack: Vec<bool> = Vec::new(); // ordered?
    let mut item_first_line: Vec<u32> = Vec::new();
    let mut in_heading: Option<(u8, usize, u32)> = None; // level, event index, line
    let mut heading_text = String::new();
    let mut in_table_head = false;
    let mut in_code = false;
    let mut quote_depth = 0usize;
    let mut strong_depth = 0usize;
    let mut cell_idx: Option<usize> = None;
    let mut heading_ids: Vec<(usize, String, u8, String)> = Vec::new();
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut plain = String::new();
    // Raw HTML in the source is the one thing that makes the sanitiser necessary (see below).
    let mut has_raw_html = false;

    for (i, (event, range)) in events.iter().enumerate() {
        let line = line_of(range.start);
        let current_kind = || {
            if let Some((lvl, _, _)) = in_heading {
                LineKind::Heading(lvl)
            } else if in_code {
                LineKind::Code
            } else if cell_idx.is_some() {
                LineKind::TableRow {
                    header: in_table_head,
                }
            } else if let Some(ordered) = list_stack.last() {
                LineKind::ListItem {
                    depth: list_stack.len() as u8,
                    ordered: *ordered,
                    first: item_first_line.last() == Some(&line),
                }
            } else if quote_depth > 0 {
                LineKind::BlockQuote
            } else {
                LineKind::Paragraph
            }
        };
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                in_heading = Some((heading_level(*level), i, line));
                heading_text.clear();
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start_idx, hline)) = in_heading.take() {
                    let title = heading_text.trim().to_string();
                    let id = unique_id(&title, &mut used_ids);
                    heading_ids.push((start_idx, id.clone(), level, title.clone()));
                    if out.first_heading.is_none() && !title.is_empty() {
                        out.first_heading = Some((title.clone(), hline));
                    }
                    sections.push(Section {
                        level,
                        title: title.clone(),
                        line: hline,
                    });
                    // make sure the heading has an outline line even if its text was empty
                    if lines.last().map(|l| l.number) != Some(hline) {
                        lines.push(Line {
                            number: hline,
                            kind: LineKind::Heading(level),
                            text: title,
                            cells: vec![],
                            section: Some(sections.len() - 1),
                            starts_bold: false,
                            bold_len: 0,
                        });
                    } else if let Some(l) = lines.last_mut() {
                        l.section = Some(sections.len() - 1);
                        l.kind = LineKind::Heading(level);
                    }
                    plain.push('\n');
                }
            }
            Event::Start(Tag::List(start)) => list_stack.push(start.is_some()),
            Event::End(TagEnd::List(_)) => {
                list_stack.pop();
            }
            Event::Start(Tag::Item) => item_first_line.push(line),
            Event::End(TagEnd::Item) => {
                item_first_line.pop();
                plain.push('\n');
            }
            Event::Start(Tag::TableHead) => in_table_head = true,
            Event::End(TagEnd::TableHead) => {
                in_table_head = false;
                plain.push('\n');
            }
            Event::Start(Tag::TableRow) => cell_idx = None,
            Event::End(TagEnd::TableRow) => plain.push('\n'),
            Event::Start(Tag::TableCell) => {
                cell_idx = Some(cell_idx.map(|c| c + 1).unwrap_or(0));
                // an empty cell still occupies its slot
                let c = cell_idx.unwrap_or(0);
                if let Some(l) = lines.last_mut().filter(|l| l.number == line) {
                    while l.cells.len() <= c {
                        l.cells.push(String::new());
                    }
                }
            }
            Event::End(TagEnd::TableCell) => plain.push('\t'),
            Event::End(TagEnd::Table) => cell_idx = None,
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                plain.push('\n');
            }
            Event::Start(Tag::BlockQuote(_)) => quote_depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => quote_depth = quote_depth.saturating_sub(1),
            Event::Start(Tag::Strong) => strong_depth += 1,
            Event::End(TagEnd::Strong) => strong_depth = strong_depth.saturating_sub(1),
            Event::End(TagEnd::Paragraph) => plain.push('\n'),
            Event::Start(Tag::Link { dest_url, .. }) => out.links.push(LinkRef {
                dest: dest_url.to_string(),
                line,
                image: false,
            }),
            Event::Start(Tag::Image { dest_url, .. }) => out.links.push(LinkRef {
                dest: dest_url.to_string(),
                line,
                image: true,
            }),
            Event::Text(t) | Event::Code(t) => {
                if in_heading.is_some() {
                    heading_text.push_str(t);
                }
                plain.push_str(t);
                if in_code {
                    // Code blocks: one outline line per source line, verbatim.
                    for (k, piece) in t.split_inclusive('\n').enumerate() {
                        let text = piece.trim_end_matches(['\n', '\r']);
                        if !text.trim().is_empty() {
                            push_text(
                                &mut lines,
                                line + k as u32,
                                text,
                                LineKind::Code,
                                sections.len().checked_sub(1),
                                false,
                                None,
                            );
                        }
                    }
                } else {
                    let kind = current_kind();
                    push_text(
                        &mut lines,
                        line,
                        t,
                        kind,
                        sections.len().checked_sub(1),
                        strong_depth > 0,
                        cell_idx,
                    );
                }
            }
            Event::InlineHtml(h) | Event::Html(h) => {
                has_raw_html = true;
                // Visible text of inline HTML (e.g. `<h1 align=center>POSTMORTEM</h1>`) still
                // counts for extraction; tags do not.
                let text = strip_tags(h);
                for (k, piece) in text.split('\n').enumerate() {
                    if !piece.trim().is_empty() {
                        let kind = if matches!(event, Event::Html(_)) {
                            LineKind::Html
                        } else {
                            current_kind()
                        };
                        push_text(
                            &mut lines,
                            line + k as u32,
                            piece,
                            kind,
                            sections.len().checked_sub(1),
                            false,
                            None,
                        );
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak => plain.push('\n'),
            Event::TaskListMarker(done) => {
                let mark = if *done { "[x] " } else { "[ ] " };
                push_text(
                    &mut lines,
                    line,
                    mark,
                    current_kind(),
                    sections.len().checked_sub(1),
                    false,
                    None,
                );
            }
            _ => {}
        }
    }
    for l in &mut lines {
        l.text = l.text.trim().to_string();
        for c in &mut l.cells {
            *c = c.trim().to_string();
        }
    }
    lines.retain(|l| !l.text.is_empty() || matches!(l.kind, LineKind::Heading(_)));

    // Heading anchors: set ids on the heading events themselves.
    for (idx, id, level, title) in &heading_ids {
        if let (Event::Start(Tag::Heading { id: slot, .. }), _) = &mut events[*idx] {
            *slot = Some(CowStr::from(id.clone()));
        }
        out.toc.push(TocEntry {
            level: *level,
            id: id.clone(),
            title: title.clone(),
        });
    }

    // Relative link destinations are rewritten so they work from the page URL.
    let mut events: Vec<Event> = events
        .into_iter()
        .map(|(e, _)| match e {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: rewrite(&dest_url).map(CowStr::from).unwrap_or(dest_url),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: rewrite(&dest_url).map(CowStr::from).unwrap_or(dest_url),
                title,
                id,
            }),
            other => other,
        })
        .collect();

    // pulldown-cmark escapes all text and attribute values, so without raw HTML in the
    // source its output can only carry script through a link or image URL. When there is
    // no raw HTML and every URL is one the sanitiser would keep, the sanitiser (a full
    // HTML parse and re-serialisation, once the build's costliest step) would remove
    // nothing, and is skipped; links then get the same `rel` it would have added.
    let needs_sanitizer = has_raw_html
        || events.iter().any(|e| match e {
            Event::Start(Tag::Link {
                link_type, dest_url, ..
            }) => *link_type != LinkType::Email && !sanitize::url_is_safe(dest_url),
            Event::Start(Tag::Image { dest_url, .. }) => !sanitize::url_is_safe(dest_url),
            _ => false,
        });
    if !needs_sanitizer {
        for e in &mut events {
            if let Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) = e
            {
                *e = Event::Html(CowStr::from(sanitize::link_start(
                    *link_type == LinkType::Email,
                    dest_url,
                    title,
                )));
            }
        }
    }
    let mut raw_html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut raw_html, events.into_iter());
    out.html = if needs_sanitizer {
        sanitize::clean(&raw_html)
    } else {
        raw_html
    };
    out.outline = Outline { lines, sections };
    out.plain_text = collapse_blank_lines(&plain);
    out
}

/// Append `text` to the outline line numbered `line`, starting a new one when needed.
#[allow(clippy::too_many_arguments)]
fn push_text(
    lines: &mut Vec<Line>,
    line: u32,
    text: &str,
    kind: LineKind,
    section: Option<usize>,
    bold: bool,
    cell: Option<usize>,
) {
    if text.is_empty() {
        return;
    }
    if lines.last().map(|l| l.number) != Some(line) {
        lines.push(Line {
            number: line,
            kind,
            text: String::new(),
            cells: Vec::new(),
            section,
            starts_bold: false,
            bold_len: 0,
        });
    }
    let l = lines.last_mut().expect("pushed above");
    if l.text.trim().is_empty() {
        // The first visible text decides whether the line opens with bold ("**Label:**").
        l.starts_bold = bold && !text.trim().is_empty();
        l.bold_len = l.text.len();
    }
    // Bold text directly continuing the opening bold run belongs to it.
    let extends_bold = bold && cell.is_none() && l.bold_len == l.text.len();
    if let Some(ci) = cell {
        while l.cells.len() <= ci {
            l.cells.push(String::new());
        }
        if l.cells[ci].is_empty() && ci > 0 && !l.text.is_empty() {
            l.text.push_str(" | ");
        }
        l.cells[ci].push_str(text);
    }
    l.text.push_str(text);
    if extends_bold {
        l.bold_len = l.text.len();
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A heading id from its text: lowercase ASCII words joined by '-', made unique with a
/// numeric suffix. Non-ASCII-only headings get `section-N`.
fn unique_id(title: &str, used: &mut HashSet<String>) -> String {
    let mut base = crate::slug::slugify(title);
    if base.is_empty() {
        base = "section".to_string();
    }
    let mut id = base.clone();
    let mut n = 1;
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// Drop `<...>` tags, keep text between them. For extraction only; never used for output.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn collapse_blank_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank_run = 0;
    for line in s.lines() {
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(md: &str) -> Rendered {
        render(md, 1, &|_| None)
    }

    #[test]
    fn without_raw_html_links_get_rel_and_escaped_attributes() {
        let out = r("See [the runbook](https://wiki.example/run?a=1&b=2 \"say \\\"hi\\\" <b>\") and <ops@example.com>.\n");
        assert!(
            out.html.contains(
                r#"<a href="https://wiki.example/run?a=1&amp;b=2" title="say &quot;hi&quot; &lt;b&gt;" rel="noopener noreferrer">the runbook</a>"#
            ),
            "{}",
            out.html
        );
        assert!(
            out.html
                .contains(r#"<a href="mailto:ops@example.com" rel="noopener noreferrer">"#),
            "{}",
            out.html
        );
    }

    #[test]
    fn dangerous_urls_go_through_the_sanitiser() {
        for md in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](<java\tscript:alert(1)>)",
            "![x](data:text/html;base64,PHNjcmlwdD4=)",
            "[x][r]\n\n[r]: vbscript:msgbox(1)",
        ] {
            let html = r(md).html.to_ascii_lowercase();
            for bad in ["javascript:", "java\tscript", "data:", "vbscript:"] {
                assert!(!html.contains(bad), "{md:?} kept {bad:?}: {html}");
            }
        }
    }

    #[test]
    fn raw_html_goes_through_the_sanitiser() {
        let out = r("Text <span onclick=\"x()\">here</span>\n\n<script>alert(1)</script>\n\n[ok](https://example.com)\n");
        assert!(!out.html.contains("onclick"), "{}", out.html);
        assert!(!out.html.contains("<script"), "{}", out.html);
        assert!(out.html.contains("rel=\"noopener noreferrer\""), "{}", out.html);
    }

    #[test]
    fn bold_prefix_is_exactly_the_opening_bold_run() {
        let out = r("**Impact.** Few *users* noticed.\n\n**Root cause** was X.\n\nPlain **bold** later.\n");
        let bold: Vec<&str> = out.outline.lines.iter().map(|l| l.bold_prefix()).collect();
        assert_eq!(bold, vec!["Impact.", "Root cause", ""]);
    }

    #[test]
    fn outline_strips_markup_and_keeps_line_numbers() {
        let out = r("# Title\n\n**Duration:** May 10, 2023\n\n## Timeline\n\n- 10:05 AM: alert fired\n- 10:30 AM: *rolled back*\n");
        let texts: Vec<(u32, &str)> = out
            .outline
            .lines
            .iter()
            .map(|l| (l.number, l.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            vec![
                (1, "Title"),
                (3, "Duration: May 10, 2023"),
                (5, "Timeline"),
                (7, "10:05 AM: alert fired"),
                (8, "10:30 AM: rolled back")
            ]
        );
        assert!(out.outline.lines[1].starts_bold);
        assert_eq!(out.outline.lines[1].bold_prefix(), "Duration:");
        assert_eq!(out.outline.lines[3].section, Some(1));
        assert!(matches!(
            out.outline.lines[3].kind,
            LineKind::ListItem {
                depth: 1,
                ordered: false,
                first: true
            }
        ));
        assert_eq!(out.outline.sections[1].title, "Timeline");
    }

    #[test]
    fn first_line_offset_maps_to_file_lines() {
        let out = render("# After front matter\ntext\n", 6, &|_| None);
        assert_eq!(out.outline.lines[0].number, 6);
        assert_eq!(out.outline.lines[1].number, 7);
        assert_eq!(out.first_heading, Some(("After front matter".to_string(), 6)));
    }

    #[test]
    fn headings_get_unique_anchor_ids_and_toc() {
        let out = r("## Timeline\n\n## Timeline\n\n### Root cause & fix\n");
        let ids: Vec<&str> = out.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, vec!["timeline", "timeline-1", "root-cause-fix"]);
        assert!(out.html.contains("id=\"timeline-1\""), "{}", out.html);
    }

    #[test]
    fn hash_without_space_is_not_a_heading() {
        let out = r("#0x19. Postmortem\n\n# Real title\n");
        assert_eq!(out.first_heading.unwrap().0, "Real title");
    }

    #[test]
    fn table_rows_keep_cells() {
        let out = r("| Start | End |\n|---|---|\n| 10:00 UTC | 11:00 UTC |\n");
        let row = &out.outline.lines[1];
        assert_eq!(row.kind, LineKind::TableRow { header: false });
        assert_eq!(row.cells, vec!["10:00 UTC", "11:00 UTC"]);
        assert_eq!(row.number, 3);
    }

    #[test]
    fn script_is_removed_and_javascript_links_neutralised() {
        let out =
            r("Hi <script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>\n");
        assert!(!out.html.contains("<script"), "{}", out.html);
        assert!(!out.html.contains("javascript:"), "{}", out.html);
        assert!(!out.html.contains("onerror"), "{}", out.html);
    }

    #[test]
    fn relative_links_are_rewritten() {
        let out = render(
            "![diagram](img/a.png) [ext](https://example.com)",
            1,
            &|d: &str| (!d.contains(':')).then(|| format!("../../files/{d}")),
        );
        assert!(out.html.contains("src=\"../../files/img/a.png\""), "{}", out.html);
        assert!(out.html.contains("href=\"https://example.com\""));
        assert_eq!(out.links.len(), 2);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let md = "> ".repeat(10_000) + "deep\n";
        let out = r(&md);
        assert!(out.plain_text.contains("deep"));
        let md: String = (0..10_000).map(|i| format!("{}- x\n", "  ".repeat(i))).collect();
        let _ = r(&md);
    }
}

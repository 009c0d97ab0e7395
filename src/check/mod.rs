//! Check: validate an archive without writing a site, for CI and editors.
//!
//! `check` runs the same pipeline as `build` up to the archive ([`site::load`]), keeps every
//! diagnostic it produced (front matter syntax and types, placeholders, dates...), and adds
//! the findings that only make sense when linting: required fields, duplicate titles,
//! broken internal links and anchors, missing local images and files, empty sections,
//! script links that the sanitiser will remove, misspelt front matter keys.
//!
//! It owns those archive-level lint rules and nothing else: it never writes files, never
//! prints (the CLI formats [`Report`]), and does not interpret incident text (that is
//! `extract`'s job; its diagnostics arrive through `site::load`).

mod keys;
mod links;
mod required;
mod sections;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::parse::Document;
use crate::site::{self, BuildError, LoadOptions};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

pub use required::{field_is_present, KNOWN_FIELDS};

/// What `check` needs besides the content folder.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions<'a> {
    pub config: &'a Config,
    /// "Now", for future-date checks (passed through to extraction).
    pub today: jiff::civil::Date,
    /// Check postmortems marked `draft: true` too (`check --drafts`, like `build --drafts`).
    pub include_drafts: bool,
}

/// The outcome of a check: every finding, sorted by file, line, column and code.
#[derive(Debug, Default)]
pub struct Report {
    /// Postmortem files looked at.
    pub files: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// Drafts left out (not counted in `files`).
    pub drafts_skipped: usize,
}

/// Check every postmortem under `content`. Drafts are left out unless
/// `include_drafts`, exactly as `build` leaves them and their findings out: a draft's
/// placeholders are expected until it is published. Only a missing or unreadable content
/// folder is an error.
pub fn check(content: &Path, opts: &CheckOptions<'_>) -> Result<Report, BuildError> {
    // `load` keeps records but not the Markdown structure, which links and sections need:
    // while each file's parsed document is in hand, what its own checks and the other
    // files' checks need of it is kept ([`Seen`], small), and the document is dropped
    // (holding every document took 3.7 GB for 100,000 postmortems). Links are checked
    // once every file's anchors are known.
    let (loaded, seen) = site::load_records(
        content,
        &LoadOptions {
            config: opts.config,
            include_drafts: opts.include_drafts,
            today: opts.today,
        },
        &Seen::of,
    )?;
    let (paths, seen): (Vec<String>, Vec<Option<Seen>>) = seen.into_iter().unzip();
    let mut anchors: HashMap<&str, BTreeSet<String>> = HashMap::new();
    let mut anchor_lines: HashMap<&str, u32> = HashMap::new();
    let mut first_columns: HashMap<&str, Box<[u32]>> = HashMap::new();
    // Files that parsed, drafts only when asked for, with their links and own findings.
    let mut linted: Vec<(&str, Vec<links::Located>, Vec<Diagnostic>)> = Vec::new();
    for (path, s) in paths.iter().zip(seen) {
        let Some(s) = s else { continue };
        anchors.insert(path, s.anchors);
        anchor_lines.insert(path, s.anchor_line);
        first_columns.insert(path, s.first_columns);
        if opts.include_drafts || !s.draft {
            linted.push((path, s.links, s.local));
        }
    }

    let mut diagnostics = loaded.diagnostics;
    let published: BTreeSet<&str> = paths
        .iter()
        .map(String::as_str)
        .chain(loaded.assets.iter().map(|f| f.rel.as_str()))
        .collect();
    let per_file: Vec<Vec<Diagnostic>> = linted
        .into_par_iter()
        .map(|(path, links, local)| {
            let mut out = links::check(path, &links, &published, &anchors);
            out.extend(local);
            out
        })
        .collect();
    diagnostics.extend(per_file.into_iter().flatten());

    for pm in &loaded.archive.postmortems {
        let first_line = anchor_lines.get(pm.path.as_str()).copied().unwrap_or(1);
        diagnostics.extend(required::check(pm, &opts.config.required_fields, first_line));
    }
    diagnostics.extend(required::unknown_names(&opts.config.required_fields));
    diagnostics.extend(duplicate_titles(&loaded.archive.postmortems, &anchor_lines));

    fill_columns(content, &mut diagnostics, &first_columns);
    diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.code, &a.message).cmp(&(&b.path, b.line, b.column, b.code, &b.message))
    });
    diagnostics.dedup();
    Ok(Report {
        files: paths.len() - loaded.drafts_skipped,
        diagnostics,
        drafts_skipped: loaded.drafts_skipped,
    })
}

/// What `check` keeps of one file's parsed document: what the other files' checks need to
/// know of it (its anchors, the line a file-level finding points at, whether it is a
/// draft), its links (checked once every file's anchors are known) and the findings that
/// need nothing but the file itself.
struct Seen {
    /// Fragments a link may point at (`#id`).
    anchors: BTreeSet<String>,
    /// The line a file-level finding points at ([`required::anchor_line`]).
    anchor_line: u32,
    draft: bool,
    links: Vec<links::Located>,
    /// Empty sections and misspelt front matter keys.
    local: Vec<Diagnostic>,
    /// [`first_columns`] of the file, for findings that know only their line.
    first_columns: Box<[u32]>,
}

impl Seen {
    fn of(doc: &Document, bytes: &[u8]) -> Seen {
        let source = String::from_utf8_lossy(bytes);
        let lines: Vec<&str> = source.lines().collect();
        let mut local = sections::check(doc);
        local.extend(keys::check(doc, &lines));
        Seen {
            anchors: links::anchors_of(doc),
            anchor_line: required::anchor_line(doc),
            draft: doc.front_matter.as_ref().is_some_and(|f| f.draft),
            links: links::locate(doc, &lines),
            local,
            first_columns: first_columns(&source),
        }
    }
}

/// Findings from the pipeline often know the line but not the column; point them at the
/// line's first visible character so every located finding has `file:line:col`.
/// `known` has the [`first_columns`] of every file `load` parsed; a finding on any other
/// file reads that file again (none has a line today: a file that does not parse is
/// reported as a whole).
fn fill_columns(content: &Path, diagnostics: &mut [Diagnostic], known: &HashMap<&str, Box<[u32]>>) {
    let mut read: HashMap<String, Box<[u32]>> = HashMap::new();
    for d in diagnostics
        .iter_mut()
        .filter(|d| d.column.is_none() && !d.path.is_empty())
    {
        let Some(line) = d.line else { continue };
        let columns = match known.get(d.path.as_str()) {
            Some(c) => c,
            None => read.entry(d.path.clone()).or_insert_with(|| {
                let bytes = std::fs::read(content.join(&d.path)).unwrap_or_default();
                first_columns(&String::from_utf8_lossy(&bytes))
            }),
        };
        d.column = Some(columns.get(line.saturating_sub(1) as usize).copied().unwrap_or(1));
    }
}

/// For each line of a file's text, the column of its first visible character (1 for a
/// blank line): where a finding that knows only its line points.
fn first_columns(text: &str) -> Box<[u32]> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .map(|line| {
            line.chars()
                .position(|c| !c.is_whitespace())
                .map_or(1, |i| i as u32 + 1)
        })
        .collect()
}

/// Two postmortems with the same title (ignoring case and surrounding space) are hard to
/// tell apart in every list of the site. Reported on the later file, naming the first.
fn duplicate_titles(
    postmortems: &[crate::model::Postmortem],
    anchor_lines: &HashMap<&str, u32>,
) -> Vec<Diagnostic> {
    let mut by_title: BTreeMap<String, Vec<&crate::model::Postmortem>> = BTreeMap::new();
    for pm in postmortems {
        let key = pm.title.trim().to_lowercase();
        if !key.is_empty() {
            by_title.entry(key).or_default().push(pm);
        }
    }
    let mut out = Vec::new();
    for (_, mut group) in by_title {
        if group.len() < 2 {
            continue;
        }
        group.sort_by(|a, b| a.path.cmp(&b.path));
        let first = group[0];
        for pm in &group[1..] {
            let line = pm
                .record
                .provenance_of("title")
                .and_then(|p| p.line)
                .or_else(|| anchor_lines.get(pm.path.as_str()).copied())
                .unwrap_or(1);
            out.push(
                Diagnostic::warning(
                    "duplicate-title",
                    pm.path.clone(),
                    format!("title {:?} is also the title of {}", pm.title, first.path),
                )
                .at(line, 1)
                .with_hint(
                    "make the titles distinct (add the date or the service) so readers can tell them apart",
                ),
            );
        }
    }
    out
}

/// The 1-based column of `needle` in `line` (in characters), or 1 when it is not there.
pub(crate) fn column_of(line: &str, needle: &str) -> u32 {
    if needle.is_empty() {
        return 1;
    }
    match line.find(needle) {
        Some(byte) => line[..byte].chars().count() as u32 + 1,
        None => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn run(files: &[(&str, &str)], config: &Config) -> Report {
        run_with(files, config, false)
    }

    fn run_with(files: &[(&str, &str)], config: &Config, include_drafts: bool) -> Report {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        check(
            dir.path(),
            &CheckOptions {
                config,
                today: jiff::civil::date(2026, 1, 1),
                include_drafts,
            },
        )
        .unwrap()
    }

    fn codes(r: &Report) -> Vec<(&str, &str, Option<u32>)> {
        r.diagnostics
            .iter()
            .map(|d| (d.path.as_str(), d.code, d.line))
            .collect()
    }

    fn no_required() -> Config {
        let mut c = Config::default();
        c.required_fields.clear();
        c
    }

    #[test]
    fn a_complete_postmortem_is_clean() {
        let config = Config::default();
        let r = run(
            &[(
                "a.md",
                "---\ntitle: Queue backlog\nstart: 2024-02-01T10:00:00Z\nend: 2024-02-01T11:00:00Z\nimpact:\n  percent: 5\nroot_cause:\n  category: capacity\n  summary: the queue filled\n---\n# Queue backlog\n\n## Timeline\n\n- 10:00 alert\n",
            )],
            &config,
        );
        assert_eq!(codes(&r), vec![]);
        assert_eq!(r.files, 1);
    }

    #[test]
    fn duplicate_titles_name_the_first_file() {
        let r = run(
            &[
                ("a.md", "# Same title\n\ntext\n"),
                ("b.md", "# same title \n\ntext\n"),
            ],
            &no_required(),
        );
        assert_eq!(codes(&r), vec![("b.md", "duplicate-title", Some(1))]);
        assert!(r.diagnostics[0].message.contains("a.md"));
    }

    #[test]
    fn duplicate_slugs_come_from_the_archive() {
        let r = run(
            &[
                ("a.md", "---\nslug: x\n---\n# One\n\ntext\n"),
                ("b.md", "---\nslug: x\n---\n# Two\n\ntext\n"),
            ],
            &no_required(),
        );
        assert_eq!(codes(&r), vec![("b.md", "duplicate-slug", None)]);
    }

    #[test]
    fn pipeline_findings_with_a_line_get_a_column() {
        let r = run(
            &[(
                "a.md",
                "---\ntitle: ok\nimpact:\n  percent: 250\n---\n# ok\n\ntext\n",
            )],
            &no_required(),
        );
        let d = &r.diagnostics[0];
        assert_eq!((d.code, d.line, d.column), ("out-of-range", Some(4), Some(3)));
    }

    #[test]
    fn required_fields_are_reported_once_per_field() {
        let config = Config {
            required_fields: vec!["severity".into(), "title".into(), "nonsense".into()],
            ..Config::default()
        };
        let r = run(&[("a.md", "# Has a title\n\ntext\n")], &config);
        assert_eq!(
            codes(&r),
            vec![
                ("", "unknown-required-field", None),
                ("a.md", "missing-field", Some(1))
            ]
        );
        assert!(r.diagnostics[1].message.contains("`severity`"));
    }

    #[test]
    fn links_are_checked_against_the_anchors_of_every_file_drafts_included() {
        // Each file is linted after all of them were read once: a link into another file,
        // even one linted later or a draft that is not linted at all, sees its headings.
        let draft = "---\ndraft: true\n---\n# Draft\n\n## Fix\n";
        for b in ["# B\n\n## Fix\n", draft] {
            let files = [
                ("a.md", "# A\n\n[ok](b.md#fix) [bad](b.md#nope) [c](c.md#later)\n"),
                ("b.md", b),
                ("c.md", "# C\n\n## Later\n"),
            ];
            let r = run_with(&files, &no_required(), false);
            let broken: Vec<_> = codes(&r)
                .into_iter()
                .filter(|(_, code, _)| *code == "broken-link")
                .collect();
            assert_eq!(broken, vec![("a.md", "broken-link", Some(3))], "{b:?}");
            assert!(r.diagnostics.iter().any(|d| d.message.contains("nope")));
        }
    }

    #[test]
    fn a_line_s_first_column_skips_indentation_and_a_byte_order_mark() {
        let text = "\u{feff}# Title\n\n  - item\n\t\u{3000}x\n   \n";
        assert_eq!(*first_columns(text), [1, 1, 3, 3, 1]);
    }

    #[test]
    fn columns_come_from_what_load_saw_or_else_from_the_file() {
        // Every file with a located finding parsed, so `load` saw it; a finding on any other
        // file (none today) still gets its column, from the file read again.
        let dir = tempfile::tempdir().unwrap();
        let text = "---\ntitle: ok\nimpact:\n    percent: 250\n---\n# ok\n";
        fs::write(dir.path().join("a.md"), text).unwrap();
        let finding = || vec![Diagnostic::warning("out-of-range", "a.md", "m").at_line(4)];
        let mut from_load = finding();
        let known = HashMap::from([("a.md", first_columns(text))]);
        fill_columns(dir.path(), &mut from_load, &known);
        let mut from_file = finding();
        fill_columns(dir.path(), &mut from_file, &HashMap::new());
        assert_eq!(from_load[0].column, Some(5));
        assert_eq!(from_file[0].column, Some(5));
        // And through `check`, which never reads the file again.
        let r = run(&[("a.md", text)], &no_required());
        assert_eq!(
            (r.diagnostics[0].line, r.diagnostics[0].column),
            (Some(4), Some(5))
        );
    }

    #[test]
    fn drafts_are_skipped_unless_asked_for() {
        let draft = "---\ntitle: Half written\ndraft: true\nend: TBD\n---\n# Half written\n\nSee [x](missing.md).\n\n## Timeline\n";
        let files = [("a.md", "# Done\n\ntext\n"), ("b.md", draft)];
        let config = Config {
            required_fields: vec!["severity".into()],
            ..Config::default()
        };

        let r = run_with(&files, &config, false);
        assert_eq!(codes(&r), vec![("a.md", "missing-field", Some(1))]);
        assert_eq!((r.files, r.drafts_skipped), (1, 1));

        let r = run_with(&files, &config, true);
        let b: Vec<&str> = codes(&r)
            .into_iter()
            .filter(|(p, _, _)| *p == "b.md")
            .map(|(_, c, _)| c)
            .collect();
        for code in ["placeholder", "broken-link", "missing-field"] {
            assert!(b.contains(&code), "{code} missing from {b:?}");
        }
        assert_eq!((r.files, r.drafts_skipped), (2, 0));
    }
}

//! Rebuild: the site again after a change, re-reading only the files that changed.
//!
//! Owns the cache of loaded postmortems, keyed by content-relative path and stamped with the
//! file's size and modification time: a file whose stamp is unchanged is not read again.
//! Everything after loading is the ordinary pipeline (`site::assemble`, `site::site_files`),
//! so `serve` shows exactly what `build` writes. Index pages are re-rendered on every
//! rebuild; a postmortem's own page only when it was re-read (or the config or theme
//! changed): the others are reused from the previous build ([`Outcome::reused`]). It does not
//! serve, watch or print.

use super::overlay::Problems;
use crate::config::{Config, ConfigError};
use crate::diagnostic::Diagnostic;
use crate::discover::{self, Found};
use crate::extract::Context;
use crate::model::Postmortem;
use crate::output::{self, OutputFile};
use crate::render;
use crate::render::theme::Theme;
use crate::site;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// What the watcher saw; decides how much is reloaded.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    pub content: bool,
    pub theme: bool,
    pub config: bool,
    /// Content files changed in place (absolute, symlinks resolved). When this is all that
    /// happened in the content folder the rebuild need not walk it again.
    pub edited: BTreeSet<PathBuf>,
    /// Something other than an in-place edit happened in the content folder (a file was
    /// created, removed, renamed, or events were lost): walk it again.
    pub reshaped: bool,
}

impl Changes {
    pub fn any(&self) -> bool {
        self.content || self.theme || self.config
    }
}

/// Where the site comes from.
#[derive(Debug, Clone)]
pub struct Sources {
    pub content: PathBuf,
    /// The config file, and whether it must exist (named with `--config`).
    pub config: PathBuf,
    pub config_required: bool,
    pub include_drafts: bool,
    pub today: jiff::civil::Date,
    /// Replaces the config's `base_url` (the server's own address).
    pub base_url: Option<String>,
    /// Also write each good build here, like `incidex build` (optional, slower).
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(path).ok()?;
        Some(Stamp {
            len: m.len(),
            modified: m.modified().ok(),
        })
    }
}

#[derive(Debug)]
struct Cached {
    /// `None` forces a re-read (set for files the archive dropped as duplicate slugs).
    stamp: Option<Stamp>,
    postmortem: Option<Postmortem>,
    diagnostics: Vec<Diagnostic>,
}

/// A finished rebuild: the files to serve, or why there are none this time.
#[derive(Debug)]
pub struct Outcome {
    /// `None` when the rebuild failed (see `problems.fatal`); keep serving the last site.
    pub files: Option<Vec<OutputFile>>,
    /// Pages not re-rendered because their postmortem did not change: take them from the
    /// previous build.
    pub reused: Vec<String>,
    pub problems: Problems,
    pub report: Report,
}

/// Numbers for the line printed after each rebuild.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub postmortems: usize,
    pub files: usize,
    /// Postmortems read and parsed in this rebuild (all of them the first time).
    pub reparsed: usize,
    pub drafts_skipped: usize,
    pub diagnostics: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// Where `elapsed` went, stage by stage, in milliseconds (printed after each rebuild).
    pub phases: Vec<(&'static str, Duration)>,
    /// Writing to `--output` failed (the served site is still fine).
    pub output_error: Option<String>,
}

impl Report {
    fn phase(&mut self, name: &'static str, since: &mut Instant) {
        let now = Instant::now();
        self.phases.push((name, now - *since));
        *since = now;
    }
}

/// The pages of just-saved postmortems, rendered before the rest of the site
/// ([`Rebuilder::preview`]).
#[derive(Debug)]
pub struct Preview {
    pub pages: Vec<OutputFile>,
    pub problems: Problems,
    pub elapsed: Duration,
}

/// Holds everything between rebuilds.
pub struct Rebuilder {
    sources: Sources,
    config: Option<Config>,
    theme: Option<Theme>,
    cache: BTreeMap<String, Cached>,
    /// Files edited since the first build: their errors go on the overlay.
    touched: BTreeSet<String>,
    first_done: bool,
    /// Files re-read since the last successful render: their pages must be rendered.
    dirty: BTreeSet<String>,
    /// Config or theme changed since the last successful render: render every page.
    render_all: bool,
    /// Archive-wide pages of the last render, reused while their view is unchanged.
    memo: render::PageMemo,
    /// The last walk of the content folder, reused when only files' contents changed.
    walk: Option<discover::Discovered>,
    /// The content folder with symlinks resolved, as the watcher reports paths.
    content_real: Option<PathBuf>,
    /// Content-relative paths in the last render's archive order (what
    /// `render::PageMemo::similar_of` positions refer to).
    order: Vec<String>,
}

impl Rebuilder {
    pub fn new(sources: Sources) -> Self {
        let sources_content_real = sources.content.canonicalize().ok();
        Rebuilder {
            sources,
            config: None,
            theme: None,
            cache: BTreeMap::new(),
            touched: BTreeSet::new(),
            first_done: false,
            dirty: BTreeSet::new(),
            render_all: true,
            memo: render::PageMemo::default(),
            walk: None,
            content_real: sources_content_real,
            order: Vec::new(),
        }
    }

    /// The config in force (after the last good load), for the watcher's theme folder.
    pub fn config(&self) -> Option<&Config> {
        self.config.as_ref()
    }

    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// Folders whose files may be served from disk.
    pub fn served_roots(&self) -> Vec<PathBuf> {
        let mut roots = vec![self.sources.content.clone()];
        if let Some(t) = self.config.as_ref().and_then(|c| c.theme.clone()) {
            roots.push(t);
        }
        roots
    }

    fn load_config(&self) -> Result<Config, ConfigError> {
        let mut config = Config::load(&self.sources.config, self.sources.config_required)?;
        if let Some(url) = &self.sources.base_url {
            config.base_url = url.clone();
        }
        Ok(config)
    }

    /// Only files edited in place, all of them known postmortems? Then the folder looks as
    /// it did last time: their content-relative paths (`None` otherwise).
    fn edited_files(&self, changes: &Changes) -> Option<BTreeSet<String>> {
        if changes.reshaped || changes.edited.is_empty() {
            return None;
        }
        let root = self.content_real.as_ref()?;
        changes
            .edited
            .iter()
            .map(|p| {
                let rel = p.strip_prefix(root).ok()?;
                let rel: Vec<_> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect();
                let rel = rel.join("/");
                self.cache.contains_key(&rel).then_some(rel)
            })
            .collect()
    }

    /// Render the pages of the postmortems `changes` edited, alone, before [`Self::rebuild`]
    /// does the rest of the site: the page being looked at can reload at once.
    ///
    /// Only when that page is exactly what the full rebuild will render: every change is an
    /// in-place edit of a known postmortem that still parses, keeps its slug and draft
    /// state, and keeps what decides its similar incidents (category, services, tags,
    /// start). Then its similar incidents are those of the last render, and the page depends
    /// on nothing else. Otherwise `None`, and the caller just rebuilds. The re-read files go
    /// into the cache, so the rebuild does not read them again.
    pub fn preview(&mut self, changes: &Changes) -> Option<Preview> {
        let started = Instant::now();
        if !self.first_done || self.render_all || changes.config || changes.theme {
            return None;
        }
        let edited = self.edited_files(changes)?;
        let config = self.config.as_ref()?;
        let theme = self.theme.as_ref()?;
        let cx = Context {
            config,
            today: self.sources.today,
        };
        let mut fresh: Vec<(String, Cached)> = Vec::new();
        for rel in &edited {
            let cached = self.cache.get(rel)?;
            let old = cached.postmortem.as_ref()?;
            let abs = self.sources.content.join(rel);
            let stamp = Stamp::of(&abs);
            if stamp.is_none() || stamp == cached.stamp {
                continue;
            }
            let found = Found {
                rel: rel.clone(),
                abs,
            };
            let (postmortem, diagnostics) = site::load_file(
                &found,
                &cx,
                site::Texts::Held(crate::model::compress_for(self.cache.len())),
            );
            let new = postmortem.as_ref()?;
            if placement(new) != placement(old) {
                return None;
            }
            fresh.push((
                rel.clone(),
                Cached {
                    stamp,
                    postmortem,
                    diagnostics,
                },
            ));
        }
        if fresh.is_empty() {
            return None;
        }
        let tera = theme.tera().ok()?;
        let site_view = render::views::SiteView::new(config);
        let extras = render::views::IncidentExtras::named_by(theme);
        let moves = site::link_moves(
            self.cache
                .iter()
                .filter(|(rel, _)| !fresh.iter().any(|(f, _)| f == *rel))
                .filter_map(|(_, c)| c.postmortem.as_ref())
                .chain(fresh.iter().filter_map(|(_, c)| c.postmortem.as_ref())),
        );
        let mut pages = Vec::new();
        for (_, c) in &mut fresh {
            if let Some(p) = c.postmortem.as_mut() {
                site::apply_link_moves(p, &moves);
            }
        }
        for (_, c) in &fresh {
            let p = c.postmortem.as_ref()?;
            let positions = self.memo.similar_of(&render::incident_page_path(&p.slug))?;
            let similar: Vec<&Postmortem> = positions
                .iter()
                .map(|&i| {
                    let rel = self.order.get(i)?;
                    fresh
                        .iter()
                        .find(|(f, _)| f == rel)
                        .map(|(_, c)| c)
                        .or_else(|| self.cache.get(rel))?
                        .postmortem
                        .as_ref()
                })
                .collect::<Option<_>>()?;
            let rows: Vec<render::views::IncidentRow> = similar
                .iter()
                .map(|s| render::views::IncidentRow::new(s, config))
                .collect();
            let page =
                render::incident_page(&tera, &site_view, p, rows.iter().collect(), config, extras).ok()?;
            pages.push(page);
        }
        for (rel, cached) in fresh {
            self.touched.insert(rel.clone());
            self.dirty.insert(rel.clone());
            self.cache.insert(rel, cached);
        }
        Some(Preview {
            pages,
            problems: Problems {
                fatal: None,
                errors: touched_errors(&self.touched, &self.cache),
            },
            elapsed: started.elapsed(),
        })
    }

    /// Bring the site up to date with the files. The first call loads everything.
    pub fn rebuild(&mut self, changes: Changes) -> Outcome {
        let started = Instant::now();
        let mut clock = started;
        let mut report = Report::default();
        let fail =
            |message: String, report: Report, touched: &BTreeSet<String>, cache: &BTreeMap<_, _>| Outcome {
                files: None,
                reused: Vec::new(),
                problems: Problems {
                    fatal: Some(message),
                    errors: touched_errors(touched, cache),
                },
                report,
            };

        if self.config.is_none() || changes.config {
            match self.load_config() {
                Ok(c) => {
                    // Extraction depends on the config (taxonomy, zone): re-read everything.
                    self.cache.clear();
                    self.theme = None;
                    self.config = Some(c);
                    self.render_all = true;
                }
                Err(e) => return fail(e.to_string(), report, &self.touched, &self.cache),
            }
        }
        let config = self.config.as_ref().expect("config loaded above");
        if self.theme.is_none() || changes.theme {
            match Theme::load(config.theme.as_deref()) {
                Ok(t) => {
                    self.theme = Some(t);
                    self.render_all = true;
                }
                Err(e) => return fail(e.to_string(), report, &self.touched, &self.cache),
            }
        }
        let theme = self.theme.as_ref().expect("theme loaded above");

        // Only files edited in place, all of them known postmortems? Then the folder looks as
        // it did last time: skip the walk and look at just those files.
        let edited = self.edited_files(&changes);
        report.phase("config", &mut clock);
        let walked = match (edited.is_some(), self.walk.take()) {
            (true, Some(w)) => w,
            _ => match discover::discover(&self.sources.content) {
                Ok(f) => f,
                Err(e) => return fail(e.to_string(), report, &self.touched, &self.cache),
            },
        };
        let found = &walked;
        report.phase("scan", &mut clock);

        // Which files changed since the last rebuild?
        let present: BTreeSet<&str> = found.postmortems.iter().map(|f| f.rel.as_str()).collect();
        self.cache.retain(|rel, _| present.contains(rel.as_str()));
        self.touched.retain(|rel| present.contains(rel.as_str()));
        let stale: Vec<(&Found, Option<Stamp>)> = found
            .postmortems
            .iter()
            .filter(|f| match &edited {
                Some(set) => set.contains(&f.rel) || self.cache.get(&f.rel).is_none_or(|c| c.stamp.is_none()),
                None => true,
            })
            .map(|f| (f, Stamp::of(&f.abs)))
            .filter(|(f, stamp)| {
                self.cache
                    .get(&f.rel)
                    .is_none_or(|c| c.stamp.is_none() || c.stamp != *stamp)
            })
            .collect();
        let cx = Context {
            config,
            today: self.sources.today,
        };
        let compress = crate::model::compress_for(found.postmortems.len());
        let fresh: Vec<(String, Cached)> = stale
            .par_iter()
            .map(|(f, stamp)| {
                let (postmortem, diagnostics) = site::load_file(f, &cx, site::Texts::Held(compress));
                (
                    f.rel.clone(),
                    Cached {
                        stamp: *stamp,
                        postmortem,
                        diagnostics,
                    },
                )
            })
            .collect();
        report.reparsed = fresh.len();
        report.phase("parse", &mut clock);
        for (rel, cached) in fresh {
            if self.first_done {
                self.touched.insert(rel.clone());
            }
            self.dirty.insert(rel.clone());
            self.cache.insert(rel, cached);
        }
        self.first_done = true;

        // Lend the cached postmortems to the pipeline, then take them back. Those that do
        // not come back (drafts left out, duplicate slugs) are read again next time.
        let mut lent: BTreeSet<String> = BTreeSet::new();
        let results: Vec<_> = self
            .cache
            .iter_mut()
            .map(|(rel, c)| {
                if c.postmortem.is_some() {
                    lent.insert(rel.clone());
                }
                (c.postmortem.take(), c.diagnostics.clone())
            })
            .collect();
        let loaded = site::assemble(
            results,
            found.assets.clone(),
            found.diagnostics.clone(),
            self.sources.include_drafts,
        );
        self.walk = Some(walked);
        report.phase("assemble", &mut clock);
        // `--output` wants every file each time; otherwise unchanged pages are reused.
        let render_all = self.render_all || self.sources.output.is_some();
        let dirty = &self.dirty;
        let skip = |p: &Postmortem| !render_all && !dirty.contains(&p.path);
        if self.render_all {
            self.memo = render::PageMemo::default();
        }
        let inc = render::Incremental {
            skip: &skip,
            memo: Some(&self.memo),
        };
        let files = site::site_files_incremental(&loaded, theme, config, &inc);
        report.phase("render", &mut clock);
        let reused: Vec<String> = loaded
            .archive
            .postmortems
            .iter()
            .filter(|p| skip(p))
            .map(|p| render::incident_page_path(&p.slug))
            .collect();
        let site::Loaded {
            archive,
            diagnostics,
            drafts_skipped,
            ..
        } = loaded;
        report.postmortems = archive.len();
        report.drafts_skipped = drafts_skipped;
        self.order = archive.postmortems.iter().map(|p| p.path.clone()).collect();
        for pm in archive.postmortems {
            if let Some(c) = self.cache.get_mut(&pm.path) {
                c.postmortem = Some(pm);
            }
        }
        for rel in lent {
            if let Some(c) = self.cache.get_mut(&rel).filter(|c| c.postmortem.is_none()) {
                c.stamp = None;
            }
        }
        report.diagnostics = diagnostics;
        let files = match files {
            Ok(f) => f,
            Err(e) => return fail(e.to_string(), report, &self.touched, &self.cache),
        };
        self.dirty.clear();
        self.render_all = false;
        report.files = files.len() + reused.len();
        if let Some(out) = &self.sources.output {
            if let Err(e) = output::write_site(out, &files) {
                report.output_error = Some(e.to_string());
            }
        }
        report.phase("finish", &mut clock);
        report.elapsed = started.elapsed();
        Outcome {
            files: Some(files),
            reused,
            problems: Problems {
                fatal: None,
                errors: touched_errors(&self.touched, &self.cache),
            },
            report,
        }
    }
}

/// What decides where a postmortem sits in the archive and its groups, and so which
/// incidents are similar to it (see `archive::similar`) and whether its page exists.
fn placement(p: &Postmortem) -> impl PartialEq + '_ {
    (
        p.slug.as_str(),
        p.draft,
        p.record.start.map(|s| s.epoch_seconds()),
        p.record.root_cause.category.as_deref(),
        p.record.all_services(),
        &p.record.tags,
    )
}

fn touched_errors(touched: &BTreeSet<String>, cache: &BTreeMap<String, Cached>) -> Vec<Diagnostic> {
    touched
        .iter()
        .filter_map(|rel| cache.get(rel))
        .flat_map(|c| c.diagnostics.iter().filter(|d| d.is_error()).cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn sources(dir: &Path) -> Sources {
        Sources {
            content: dir.join("content"),
            config: dir.join("incidex.yaml"),
            config_required: false,
            include_drafts: false,
            today: jiff::civil::date(2025, 1, 1),
            base_url: None,
            output: None,
        }
    }

    fn walk() -> Changes {
        Changes {
            content: true,
            reshaped: true,
            ..Changes::default()
        }
    }

    fn pages(o: &Outcome) -> Vec<String> {
        let mut p: Vec<String> = o
            .files
            .as_ref()
            .unwrap()
            .iter()
            .map(|f| f.path.clone())
            .chain(o.reused.iter().cloned())
            .filter(|p| p.starts_with("incidents/") && p != "incidents/index.html")
            .collect();
        p.sort();
        p
    }

    #[test]
    fn only_changed_files_are_read_and_rendered_again() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("content")).unwrap();
        fs::write(dir.path().join("content/a.md"), "# Alpha outage\n").unwrap();
        fs::write(dir.path().join("content/b.md"), "# Beta outage\n").unwrap();
        let mut r = Rebuilder::new(sources(dir.path()));
        let first = r.rebuild(Changes::default());
        assert_eq!(first.report.reparsed, 2);
        assert!(first.reused.is_empty());
        fs::write(dir.path().join("content/b.md"), "# Beta outage, longer title\n").unwrap();
        let second = r.rebuild(walk());
        assert_eq!(second.report.reparsed, 1);
        assert_eq!(second.reused, vec!["incidents/a/index.html"]);
        assert_eq!(
            pages(&second),
            vec!["incidents/a/index.html", "incidents/b/index.html"]
        );
        // Nothing changed: nothing read, every incident page reused.
        let third = r.rebuild(walk());
        assert_eq!(third.report.reparsed, 0);
        assert_eq!(third.reused.len(), 2);
    }

    fn edit(dir: &Path, rel: &str) -> Changes {
        let root = dir.join("content").canonicalize().unwrap();
        Changes {
            content: true,
            edited: [root.join(rel)].into_iter().collect(),
            ..Changes::default()
        }
    }

    fn html_of(files: &[OutputFile], path: &str) -> String {
        let f = files.iter().find(|f| f.path == path).expect(path);
        let crate::output::Contents::Bytes(b) = &f.contents else {
            panic!("{path} is not in memory")
        };
        String::from_utf8_lossy(b).into_owned()
    }

    fn postmortem(title: &str, category: &str, day: u32, body: &str) -> String {
        format!(
            "---\ntitle: {title}\nstart: 2024-03-{day:02}T10:00:00Z\nservices: [ledger]\n\
             root_cause:\n  category: {category}\n---\n\n# {title}\n\n{body}\n"
        )
    }

    #[test]
    fn a_saved_page_alone_is_what_the_whole_rebuild_renders() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("content")).unwrap();
        for (name, day) in [("a", 1), ("b", 2), ("c", 3)] {
            let text = postmortem(&format!("Ledger stall {name}"), "capacity", day, "Queues grew.");
            fs::write(dir.path().join(format!("content/{name}.md")), text).unwrap();
        }
        let mut r = Rebuilder::new(sources(dir.path()));
        r.rebuild(Changes::default());
        fs::write(
            dir.path().join("content/b.md"),
            postmortem(
                "Ledger stall b, retold",
                "capacity",
                2,
                "Queues grew past the limit.",
            ),
        )
        .unwrap();
        let changes = edit(dir.path(), "b.md");
        let preview = r.preview(&changes).expect("an in-place body edit previews");
        assert_eq!(preview.pages.len(), 1);
        let early = html_of(&preview.pages, "incidents/b/index.html");
        assert!(early.contains("Queues grew past the limit."));
        // It shows the other two as similar incidents, as the whole rebuild does.
        assert!(early.contains("Ledger stall a") && early.contains("Ledger stall c"));
        let full = r.rebuild(changes);
        assert_eq!(full.report.reparsed, 0, "the preview's read is reused");
        let files = full.files.unwrap();
        assert_eq!(html_of(&files, "incidents/b/index.html"), early);
        // Pages listing b catch up in the whole rebuild.
        assert!(html_of(&files, "incidents/index.html").contains("Ledger stall b, retold"));
    }

    #[test]
    fn no_preview_when_the_edit_moves_the_postmortem() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("content")).unwrap();
        for (name, day) in [("a", 1), ("b", 2)] {
            let text = postmortem(&format!("Ledger stall {name}"), "capacity", day, "Queues grew.");
            fs::write(dir.path().join(format!("content/{name}.md")), text).unwrap();
        }
        let mut r = Rebuilder::new(sources(dir.path()));
        r.rebuild(Changes::default());
        let b = dir.path().join("content/b.md");
        // Another category changes which incidents are similar: the whole rebuild decides.
        fs::write(&b, postmortem("Ledger stall b", "dns", 2, "Queues grew.")).unwrap();
        assert!(r.preview(&edit(dir.path(), "b.md")).is_none());
        r.rebuild(edit(dir.path(), "b.md"));
        // Another start date moves it in the archive.
        fs::write(&b, postmortem("Ledger stall b", "dns", 9, "Queues grew.")).unwrap();
        assert!(r.preview(&edit(dir.path(), "b.md")).is_none());
        r.rebuild(edit(dir.path(), "b.md"));
        // A new slug is a new page.
        fs::write(
            &b,
            format!(
                "---\nslug: moved\n{}",
                &postmortem("Ledger stall b", "dns", 9, "x")[4..]
            ),
        )
        .unwrap();
        assert!(r.preview(&edit(dir.path(), "b.md")).is_none());
        r.rebuild(edit(dir.path(), "b.md"));
        // Unchanged file: nothing to preview.
        assert!(r.preview(&edit(dir.path(), "b.md")).is_none());
        // A file that was added or removed is not an in-place edit.
        let walked = Changes {
            reshaped: true,
            ..edit(dir.path(), "b.md")
        };
        fs::write(&b, postmortem("Ledger stall b", "dns", 9, "Changed.")).unwrap();
        assert!(r.preview(&walked).is_none());
    }

    #[test]
    fn a_file_hidden_by_a_duplicate_slug_comes_back_when_the_other_goes() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("content")).unwrap();
        fs::write(
            dir.path().join("content/a.md"),
            "---\nslug: same\n---\n# From a\n",
        )
        .unwrap();
        fs::write(
            dir.path().join("content/b.md"),
            "---\nslug: same\n---\n# From b\n",
        )
        .unwrap();
        let mut r = Rebuilder::new(sources(dir.path()));
        let first = r.rebuild(Changes::default());
        assert_eq!(first.report.postmortems, 1);
        assert!(first
            .report
            .diagnostics
            .iter()
            .any(|d| d.code == "duplicate-slug"));
        fs::remove_file(dir.path().join("content/a.md")).unwrap();
        let second = r.rebuild(walk());
        assert_eq!(second.report.postmortems, 1);
        let page = second
            .files
            .unwrap()
            .into_iter()
            .find(|f| f.path == "incidents/same/index.html")
            .expect("b's page is rendered, not reused from a");
        let crate::output::Contents::Bytes(html) = page.contents else {
            panic!()
        };
        assert!(String::from_utf8_lossy(&html).contains("From b"));
    }

    #[test]
    fn errors_in_edited_files_are_problems_and_old_ones_are_not() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("content")).unwrap();
        let bad = "---\ntitle: [unclosed\n---\n# Broken\n";
        fs::write(dir.path().join("content/old.md"), bad).unwrap();
        fs::write(dir.path().join("content/new.md"), "# Fine\n").unwrap();
        let mut r = Rebuilder::new(sources(dir.path()));
        let first = r.rebuild(Changes::default());
        assert!(first.problems.is_empty(), "{:?}", first.problems);
        fs::write(dir.path().join("content/new.md"), bad).unwrap();
        let second = r.rebuild(walk());
        let paths: Vec<&str> = second.problems.errors.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, vec!["new.md"]);
        fs::write(dir.path().join("content/new.md"), "# Fine again\n").unwrap();
        assert!(r.rebuild(walk()).problems.is_empty());
    }
}

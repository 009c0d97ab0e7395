//! Render: archive + theme → the site's files (HTML pages and static assets), in memory.
//!
//! Owns URLs and page layout. Templates receive only the view structs of [`views`], built
//! once; pages render in parallel with rayon. Writing to disk is `output`'s job.

pub mod charts;
pub mod exports;
pub mod pager;
pub mod pages;
pub mod theme;
pub mod views;

use crate::archive::Archive;
use crate::config::Config;
use crate::output::OutputFile;
use rayon::prelude::*;
use serde::Serialize;
use theme::{Theme, ThemeError};
use views::{IncidentExtras, IncidentRow, IncidentView, SiteView, TermLink};

/// Everything a page template gets besides its own data.
#[derive(Debug, Serialize)]
struct Common<'a> {
    site: &'a SiteView,
    /// Prefix that leads from this page to the site root (`""`, `"../../"`).
    root: String,
    /// Which navigation entry is current.
    section: &'a str,
    page_title: String,
}

fn root_for(depth: usize) -> String {
    "../".repeat(depth)
}

/// One incident as a list template gets it: the row already drawn by the theme's
/// `incident_row.html`. An incident is listed on about six pages (all incidents, its
/// category, services, year, severity, tags); drawing its row once per page depth instead
/// of once per page was a third of the list pages' rendering time.
#[derive(Debug, Serialize)]
pub struct ListedRow<'a> {
    pub html: &'a str,
}

#[derive(Serialize)]
struct RowContext<'a> {
    i: &'a IncidentRow,
    root: &'a str,
}

/// Every row drawn by `incident_row.html` for list pages `depth` folders below the root.
fn draw_rows<'a>(
    tera: &tera::Tera,
    rows: impl IndexedParallelIterator<Item = &'a IncidentRow>,
    depth: usize,
) -> Result<Vec<String>, ThemeError> {
    let root = root_for(depth);
    rows.map(|i| render_one(tera, "incident_row.html", &RowContext { i, root: &root }))
        .collect()
}

fn listed(html: &[String]) -> Vec<ListedRow<'_>> {
    html.iter().map(|h| ListedRow { html: h }).collect()
}

/// A list page's `<title>`: "All incidents", then "All incidents (page 2 of 9)".
fn page_title(title: &str, pager: Option<&pager::Pager>) -> String {
    match pager {
        Some(p) if p.page > 1 => format!("{title} (page {} of {})", p.page, p.pages),
        _ => title.to_string(),
    }
}

#[derive(Serialize)]
struct HomeView<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    total: usize,
    recent: Vec<ListedRow<'a>>,
    categories: Vec<CategoryCount>,
    undated: usize,
}

#[derive(Serialize)]
struct CategoryCount {
    category: Option<TermLink>,
    count: usize,
}

#[derive(Serialize)]
struct ListView<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    heading: String,
    /// Incidents in the whole list (`incidents` holds this page's).
    total: usize,
    incidents: &'a [ListedRow<'a>],
    /// Set when the list has more than one page.
    pager: Option<pager::Pager>,
}

#[derive(Serialize)]
struct PageView<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    incident: &'a IncidentView<'a>,
    /// Related incidents (`archive::similar`), best first.
    similar: Vec<&'a IncidentRow>,
}

fn render_one<T: Serialize>(tera: &tera::Tera, template: &str, view: &T) -> Result<String, ThemeError> {
    let ctx = tera::Context::from_serialize(view).map_err(|e| ThemeError::Template {
        path: template.to_string(),
        message: theme::error_chain(&e),
    })?;
    tera.render(template, &ctx).map_err(|e| ThemeError::Template {
        path: template.to_string(),
        message: theme::error_chain(&e),
    })
}

/// Render every page of the site.
pub fn render_site(archive: &Archive, theme: &Theme, config: &Config) -> Result<Vec<OutputFile>, ThemeError> {
    render_site_incremental(
        archive,
        theme,
        config,
        &Incremental {
            skip: &|_| false,
            memo: None,
        },
    )
}

/// Where a postmortem's page is, relative to the site root.
pub fn incident_page_path(slug: &str) -> String {
    format!("incidents/{slug}/index.html")
}

/// How `serve` avoids re-rendering what did not change (`render_site` renders everything).
pub struct Incremental<'a> {
    /// Postmortems whose page may be left out of the result (the caller keeps its previous
    /// copy). An incident page depends on its postmortem, the config, the theme and the rows
    /// of its similar incidents; the last is checked here against `memo`, so a clean
    /// postmortem whose similar incidents changed is rendered anyway.
    pub skip: &'a (dyn Fn(&crate::model::Postmortem) -> bool + Sync),
    /// Archive-wide pages from the previous render, reused when their view is unchanged.
    pub memo: Option<&'a PageMemo>,
}

/// Rendered pages by output path, each with a hash of the view it was rendered from. Valid
/// for one theme and config: make a new one when either changes.
#[derive(Debug, Default)]
pub struct PageMemo {
    pages: std::sync::Mutex<std::collections::HashMap<String, (u64, String)>>,
    /// Incident page path → hash of the similar-incident rows it was last rendered with,
    /// and their positions in that render's archive.
    similar: std::sync::Mutex<std::collections::HashMap<String, (u64, Vec<usize>)>>,
}

impl PageMemo {
    /// True when `path` was last rendered with the same `similar` rows; records them either
    /// way, so the next call compares against this render.
    fn similar_unchanged(&self, path: &str, similar: &[&IncidentRow], positions: &[usize]) -> bool {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        serde_json::to_vec(similar).unwrap_or_default().hash(&mut h);
        let key = h.finish();
        let mut map = self.similar.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(path.to_string(), (key, positions.to_vec()))
            .is_some_and(|(k, _)| k == key)
    }

    /// The archive positions of the incidents `path` showed as similar in the last render
    /// (`serve` re-renders a just-saved page with them before the rest of the site).
    pub fn similar_of(&self, path: &str) -> Option<Vec<usize>> {
        let map = self.similar.lock().unwrap_or_else(|e| e.into_inner());
        map.get(path).map(|(_, positions)| positions.clone())
    }
}

/// One postmortem's page, given the rows of its similar incidents: what
/// [`render_site_incremental`] renders per postmortem.
pub fn incident_page(
    tera: &tera::Tera,
    site: &SiteView,
    p: &crate::model::Postmortem,
    similar: Vec<&IncidentRow>,
    config: &Config,
    extras: IncidentExtras,
) -> Result<OutputFile, ThemeError> {
    let incident = IncidentView::new(p, config, extras);
    let view = PageView {
        common: Common {
            site,
            root: root_for(2),
            section: "incidents",
            page_title: p.title.clone(),
        },
        incident: &incident,
        similar,
    };
    render_one(tera, "incident.html", &view).map(|html| OutputFile::text(incident_page_path(&p.slug), html))
}

/// Render `view` with `template` into `path`, or reuse the memo's copy when the view is the
/// same as last time (hashing the serialised view costs a fraction of rendering it).
fn render_memo<T: Serialize>(
    memo: Option<&PageMemo>,
    tera: &tera::Tera,
    template: &str,
    path: &str,
    view: &T,
) -> Result<OutputFile, ThemeError> {
    let Some(memo) = memo else {
        return Ok(OutputFile::text(path, render_one(tera, template, view)?));
    };
    let key = serde_json::to_vec(view).map(|bytes| {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        template.hash(&mut h);
        bytes.hash(&mut h);
        h.finish()
    });
    let pages = || memo.pages.lock().unwrap_or_else(|e| e.into_inner());
    if let Ok(key) = key {
        if let Some((k, html)) = pages().get(path) {
            if *k == key {
                return Ok(OutputFile::text(path, html.clone()));
            }
        }
    }
    let html = render_one(tera, template, view)?;
    if let Ok(key) = key {
        pages().insert(path.to_string(), (key, html.clone()));
    }
    Ok(OutputFile::text(path, html))
}

/// What every render derives from the archive before drawing pages.
struct Derived {
    /// One list row per postmortem, in archive order.
    rows: Vec<IncidentRow>,
    groups: crate::archive::groups::Groups,
    trends: crate::archive::trends::Trends,
    /// `similar[i]`: positions of the incidents similar to postmortem `i`.
    similar: Vec<Vec<usize>>,
}

impl Derived {
    fn new(archive: &Archive, config: &Config) -> Derived {
        let groups = crate::archive::groups::Groups::new(archive, config);
        Derived {
            rows: archive
                .postmortems
                .par_iter()
                .map(|p| IncidentRow::new(p, config))
                .collect(),
            trends: crate::archive::trends::Trends::new(archive),
            similar: crate::archive::similar::similar(archive, &groups),
            groups,
        }
    }
}

/// [`render_site`], skipping and reusing what `inc` allows.
pub fn render_site_incremental(
    archive: &Archive,
    theme: &Theme,
    config: &Config,
    inc: &Incremental<'_>,
) -> Result<Vec<OutputFile>, ThemeError> {
    let files = std::sync::Mutex::new(Vec::new());
    render_site_into(
        archive,
        theme,
        config,
        inc,
        &|f: OutputFile| -> Result<(), ThemeError> {
            files.lock().unwrap_or_else(|e| e.into_inner()).push(f);
            Ok(())
        },
    )?;
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Render the site, handing each file to `emit` as soon as it is rendered (from several
/// threads, in no particular order) instead of collecting them: `build` writes each page
/// to disk and drops it, so the site is never whole in memory. What is emitted does not
/// depend on the order.
pub fn render_site_into<E>(
    archive: &Archive,
    theme: &Theme,
    config: &Config,
    inc: &Incremental<'_>,
    emit: &(dyn Fn(OutputFile) -> Result<(), E> + Sync),
) -> Result<(), E>
where
    E: From<ThemeError> + Send,
{
    let skip = inc.skip;
    let site = SiteView::new(config);
    // archive.json first, while nothing else of the render is held: it is ~36 MB at 10,000
    // postmortems (made in parallel), and made beside or after the views it set the build's
    // peak memory. Then the views are worked out beside the rest: compiling the templates
    // and writing the CSV and the feed keep one core busy, the views the other.
    archive_json(archive, config, emit)?;
    let (tera, derived) = rayon::join(
        || -> Result<tera::Tera, E> {
            let tera = theme.tera()?;
            csv_and_feed(archive, config, emit)?;
            Ok(tera)
        },
        || Derived::new(archive, config),
    );
    let tera = tera?;
    let extras = IncidentExtras::named_by(theme);
    let Derived {
        rows,
        groups,
        trends,
        similar,
    } = derived;

    archive
        .postmortems
        .par_iter()
        .zip(similar.par_iter())
        .try_for_each(|(p, similar)| -> Result<(), E> {
            let positions = similar;
            let similar: Vec<&IncidentRow> = positions.iter().map(|&j| &rows[j]).collect();
            // A clean postmortem's page is reused only while the incidents it shows as
            // similar are unchanged too (their rows are part of the page).
            if let Some(memo) = inc.memo {
                let unchanged = memo.similar_unchanged(&incident_page_path(&p.slug), &similar, positions);
                if skip(p) && unchanged {
                    return Ok(());
                }
            }
            emit(incident_page(&tera, &site, p, similar, config, extras)?)
        })?;

    // Every page's path, for the sitemap (incident pages included, rendered or not).
    let pages = std::sync::Mutex::new(
        archive
            .postmortems
            .iter()
            .map(|p| incident_page_path(&p.slug))
            .collect::<Vec<String>>(),
    );
    let put = |f: OutputFile| -> Result<(), E> {
        if f.path.ends_with(".html") && f.path != "404.html" {
            pages
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(f.path.clone());
        }
        emit(f)
    };
    let mut categories: Vec<CategoryCount> = archive
        .count_by_category()
        .into_iter()
        .map(|(slug, count)| CategoryCount {
            category: slug.map(|s| TermLink {
                name: config
                    .category(&s)
                    .map(|c| c.display_name())
                    .unwrap_or_else(|| s.clone()),
                slug: s,
            }),
            count,
        })
        .collect();
    categories.sort_by(|a, b| {
        b.count.cmp(&a.count).then_with(|| {
            a.category
                .as_ref()
                .map(|c| &c.slug)
                .cmp(&b.category.as_ref().map(|c| &c.slug))
        })
    });
    let recent: Vec<&IncidentRow> = rows.iter().filter(|r| !r.date.is_empty()).take(10).collect();
    let recent = draw_rows(&tera, recent.into_par_iter(), 0)?;
    let home = HomeView {
        common: Common {
            site: &site,
            root: root_for(0),
            section: "home",
            page_title: config.title.clone(),
        },
        total: rows.len(),
        recent: listed(&recent),
        categories,
        undated: rows.iter().filter(|r| r.date.is_empty()).count(),
    };
    put(render_memo(inc.memo, &tera, "index.html", "index.html", &home)?)?;
    // The full list is one folder deep; its rows are dropped once it is rendered (they are
    // 100 MB at 100,000 postmortems).
    let rows_depth1 = draw_rows(&tera, rows.par_iter(), 1)?;
    let listed_depth1 = listed(&rows_depth1);
    pager::paginate(&listed_depth1, config.paginate_by)
        .into_par_iter()
        .try_for_each(|page| {
            let list = ListView {
                common: Common {
                    site: &site,
                    root: root_for(1),
                    section: "incidents",
                    page_title: page_title("All incidents", page.pager.as_ref()),
                },
                heading: "All incidents".into(),
                total: rows.len(),
                incidents: page.rows,
                pager: page.pager,
            };
            put(render_memo(
                inc.memo,
                &tera,
                "incidents.html",
                &format!("incidents/{}", page.file),
                &list,
            )?)
        })?;
    drop(listed_depth1);
    drop(rows_depth1);
    // Term pages are all two folders deep (`causes/<slug>/`).
    let rows_depth2 = draw_rows(&tera, rows.par_iter(), 2)?;

    // The 404 page is served from any depth, so it links from the site's absolute path.
    let base_path = base_path(&config.base_url);
    let not_found = Common {
        site: &site,
        root: base_path,
        section: "",
        page_title: "Page not found".into(),
    };
    put(OutputFile::text(
        "404.html",
        render_one(&tera, "404.html", &not_found)?,
    ))?;
    let search = Common {
        site: &site,
        root: root_for(1),
        section: "search",
        page_title: "Search".into(),
    };
    put(OutputFile::text(
        "search/index.html",
        render_one(&tera, "search.html", &search)?,
    ))?;
    pages::archive_pages(
        archive,
        &groups,
        &trends,
        (&rows, &rows_depth2),
        &site,
        &tera,
        config,
        &put,
    )?;
    let mut pages = pages.into_inner().unwrap_or_else(|e| e.into_inner());
    pages.sort();
    pages.dedup();
    let sitemap = exports::sitemap(config, pages.iter().map(String::as_str));
    emit(OutputFile::text("sitemap.xml", sitemap))?;
    for f in &theme.statics {
        emit(f.clone())?;
    }
    Ok(())
}

/// `https://host/docs/incidents/` → `/docs/incidents/`; anything unparseable → `/`.
fn base_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map(|(_, r)| r).unwrap_or(base_url);
    let path = after_scheme.find('/').map(|i| &after_scheme[i..]).unwrap_or("/");
    format!("{}/", path.trim_end_matches('/'))
}

/// The archive's data exports: `archive.json`, `incidents.csv` and the Atom feed, each
/// handed to `emit` before the next is made (held together, they were the 10k build's heap
/// peak under valgrind's massif).
fn data_exports<E>(
    archive: &Archive,
    config: &Config,
    emit: &(dyn Fn(OutputFile) -> Result<(), E> + Sync),
) -> Result<(), E> {
    archive_json(archive, config, emit)?;
    csv_and_feed(archive, config, emit)
}

fn archive_json<E>(
    archive: &Archive,
    config: &Config,
    emit: &(dyn Fn(OutputFile) -> Result<(), E> + Sync),
) -> Result<(), E> {
    emit(OutputFile::chunks(
        "archive.json",
        exports::archive_json_chunks(archive, config),
    ))
}

fn csv_and_feed<E>(
    archive: &Archive,
    config: &Config,
    emit: &(dyn Fn(OutputFile) -> Result<(), E> + Sync),
) -> Result<(), E> {
    emit(OutputFile::text(
        "incidents.csv",
        exports::incidents_csv(archive, config),
    ))?;
    emit(OutputFile::text("feed.xml", exports::atom_feed(archive, config)))
}

/// Only what the archive views add to a build: groups, trends, similar incidents, the
/// archive pages with their charts, and the exports (no incident or home pages). Used by
/// `benches/views.rs` to measure this part alone.
pub fn archive_views_only(
    archive: &Archive,
    theme: &Theme,
    config: &Config,
) -> Result<Vec<OutputFile>, ThemeError> {
    let tera = theme.tera()?;
    let site = SiteView::new(config);
    let Derived {
        rows,
        groups,
        trends,
        similar,
    } = Derived::new(archive, config);
    let files = std::sync::Mutex::new(Vec::new());
    let rows_html = draw_rows(&tera, rows.par_iter(), 2)?;
    let emit = |f| {
        files.lock().unwrap_or_else(|e| e.into_inner()).push(f);
        Ok::<(), ThemeError>(())
    };
    // As in `render_site_into`: the exports (parallel inside) before the archive pages.
    data_exports(archive, config, &emit)?;
    pages::archive_pages(
        archive,
        &groups,
        &trends,
        (&rows, &rows_html),
        &site,
        &tera,
        config,
        &emit,
    )?;
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.push(OutputFile::text(
        "sitemap.xml",
        exports::sitemap(config, files.iter().map(|f| f.path.as_str())),
    ));
    debug_assert_eq!(similar.len(), archive.len());
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::base_path;

    #[test]
    fn base_path_of_urls() {
        assert_eq!(base_path("https://x.example/"), "/");
        assert_eq!(base_path("https://x.example"), "/");
        assert_eq!(base_path("https://x.example/docs/pm"), "/docs/pm/");
        assert_eq!(base_path("/sub/"), "/sub/");
    }
}

//! Render: archive + theme → the site's files (HTML pages and static assets), in memory.
//!
//! Owns URLs and page layout. Templates receive only the view structs of [`views`], built
//! once; pages render in parallel with rayon. Writing to disk is `output`'s job.

pub mod charts;
pub mod exports;
pub mod pages;
pub mod theme;
pub mod views;

use crate::archive::Archive;
use crate::config::Config;
use crate::output::OutputFile;
use rayon::prelude::*;
use serde::Serialize;
use theme::{Theme, ThemeError};
use views::{IncidentRow, IncidentView, SiteView, TermLink};

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

#[derive(Serialize)]
struct HomeView<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    total: usize,
    recent: Vec<&'a IncidentRow>,
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
    incidents: &'a [IncidentRow],
}

#[derive(Serialize)]
struct PageView<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    incident: &'a IncidentView,
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
    let tera = theme.tera()?;
    let site = SiteView::new(config);
    let rows: Vec<IncidentRow> = archive
        .postmortems
        .iter()
        .map(|p| IncidentRow::new(p, config))
        .collect();

    let groups = crate::archive::groups::Groups::new(archive, config);
    let trends = crate::archive::trends::Trends::new(archive);
    let similar = crate::archive::similar::similar(archive, &groups);

    let mut files: Vec<OutputFile> = archive
        .postmortems
        .par_iter()
        .zip(similar.par_iter())
        .map(|(p, similar)| {
            let incident = IncidentView::new(p, config);
            let view = PageView {
                common: Common {
                    site: &site,
                    root: root_for(2),
                    section: "incidents",
                    page_title: p.title.clone(),
                },
                incident: &incident,
                similar: similar.iter().map(|&j| &rows[j]).collect(),
            };
            render_one(&tera, "incident.html", &view)
                .map(|html| OutputFile::text(format!("incidents/{}/index.html", p.slug), html))
        })
        .collect::<Result<_, _>>()?;

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
    let home = HomeView {
        common: Common {
            site: &site,
            root: root_for(0),
            section: "home",
            page_title: config.title.clone(),
        },
        total: rows.len(),
        recent: rows.iter().filter(|r| !r.date.is_empty()).take(10).collect(),
        categories,
        undated: rows.iter().filter(|r| r.date.is_empty()).count(),
    };
    files.push(OutputFile::text(
        "index.html",
        render_one(&tera, "index.html", &home)?,
    ));
    let list = ListView {
        common: Common {
            site: &site,
            root: root_for(1),
            section: "incidents",
            page_title: "All incidents".into(),
        },
        heading: "All incidents".into(),
        incidents: &rows,
    };
    files.push(OutputFile::text(
        "incidents/index.html",
        render_one(&tera, "incidents.html", &list)?,
    ));

    // The 404 page is served from any depth, so it links from the site's absolute path.
    let base_path = base_path(&config.base_url);
    let not_found = Common {
        site: &site,
        root: base_path,
        section: "",
        page_title: "Page not found".into(),
    };
    files.push(OutputFile::text(
        "404.html",
        render_one(&tera, "404.html", &not_found)?,
    ));
    files.extend(pages::archive_pages(
        archive, &groups, &trends, &rows, &site, &tera, config,
    )?);
    let sitemap = exports::sitemap(
        config,
        files.iter().map(|f| f.path.as_str()).filter(|p| *p != "404.html"),
    );
    files.push(OutputFile::text("sitemap.xml", sitemap));
    files.push(OutputFile::text(
        "archive.json",
        exports::archive_json(archive, config),
    ));
    files.push(OutputFile::text(
        "incidents.csv",
        exports::incidents_csv(archive, config),
    ));
    files.push(OutputFile::text("feed.xml", exports::atom_feed(archive, config)));
    files.extend(theme.statics.iter().cloned());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// `https://host/docs/incidents/` → `/docs/incidents/`; anything unparseable → `/`.
fn base_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map(|(_, r)| r).unwrap_or(base_url);
    let path = after_scheme.find('/').map(|i| &after_scheme[i..]).unwrap_or("/");
    format!("{}/", path.trim_end_matches('/'))
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
    let rows: Vec<IncidentRow> = archive
        .postmortems
        .iter()
        .map(|p| IncidentRow::new(p, config))
        .collect();
    let groups = crate::archive::groups::Groups::new(archive, config);
    let trends = crate::archive::trends::Trends::new(archive);
    let similar = crate::archive::similar::similar(archive, &groups);
    let mut files = pages::archive_pages(archive, &groups, &trends, &rows, &site, &tera, config)?;
    files.push(OutputFile::text(
        "archive.json",
        exports::archive_json(archive, config),
    ));
    files.push(OutputFile::text(
        "incidents.csv",
        exports::incidents_csv(archive, config),
    ));
    files.push(OutputFile::text("feed.xml", exports::atom_feed(archive, config)));
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

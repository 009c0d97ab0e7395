//! Archive pages: root causes (overview, one page per category, unclassified), list pages
//! per service, year, severity and tag with their overviews, the trends page and the
//! data-quality page. Builds view structs from `archive::{groups, trends, quality}` and
//! renders them; it computes no statistics itself beyond calling `archive::stats`.

use super::charts::{self, Chart};
use super::pager::{paginate, Pager};
use super::theme::ThemeError;
use super::views::{format_minutes, IncidentRow};
use super::{render_one, root_for, Common, ListedRow};
use crate::archive::groups::{factor_counts, Group, Groups};
use crate::archive::quality::{Quality, FIELDS};
use crate::archive::stats::Summary;
use crate::archive::trends::Trends;
use crate::archive::{duration_of, impact_of, Archive};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::output::OutputFile;
use rayon::prelude::*;
use serde::Serialize;

/// One dimension's URL prefix, page heading and noun.
pub struct Dimension {
    pub dir: &'static str,
    pub heading: &'static str,
    pub noun: &'static str,
}

pub const SERVICES: Dimension = Dimension {
    dir: "services",
    heading: "Services",
    noun: "Service",
};
pub const YEARS: Dimension = Dimension {
    dir: "years",
    heading: "Years",
    noun: "Year",
};
pub const SEVERITIES: Dimension = Dimension {
    dir: "severities",
    heading: "Severities",
    noun: "Severity",
};
pub const TAGS: Dimension = Dimension {
    dir: "tags",
    heading: "Tags",
    noun: "Tag",
};
pub const CAUSES: Dimension = Dimension {
    dir: "causes",
    heading: "Root causes",
    noun: "Root cause",
};

/// A group's headline numbers, as shown in overview tables.
#[derive(Debug, Clone, Serialize)]
pub struct GroupStats {
    pub name: String,
    pub url: String,
    pub count: usize,
    /// Share of all incidents, "12%".
    pub share: String,
    pub durations: usize,
    pub median_duration: String,
    pub p90_duration: String,
    /// For sorting: minutes, -1 when unknown.
    pub median_minutes: f64,
    pub median_impact: String,
    pub last_seen: String,
}

fn group_stats(archive: &Archive, rows: &[IncidentRow], g: &Group) -> GroupStats {
    let durations = Summary::of(
        g.members
            .iter()
            .filter_map(|&i| duration_of(&archive.postmortems[i].record))
            .map(|m| m as f64),
    );
    let impact = Summary::of(
        g.members
            .iter()
            .filter_map(|&i| impact_of(&archive.postmortems[i].record)),
    );
    let fm = |v: f64| format_minutes(v.round() as i64);
    GroupStats {
        name: g.name.clone(),
        url: format!("{}/", g.slug),
        count: g.members.len(),
        share: format!(
            "{:.0}%",
            100.0 * g.members.len() as f64 / archive.len().max(1) as f64
        ),
        durations: durations.map(|s| s.n).unwrap_or(0),
        median_duration: durations.map(|s| fm(s.median)).unwrap_or_default(),
        p90_duration: durations.map(|s| fm(s.p90)).unwrap_or_default(),
        median_minutes: durations.map(|s| s.median).unwrap_or(-1.0),
        median_impact: impact
            .map(|s| format!("{}% (n={})", super::charts::svg_num(s.median), s.n))
            .unwrap_or_default(),
        // Members are newest first, so the first dated one is the last seen.
        last_seen: g
            .members
            .iter()
            .map(|&i| &rows[i].date)
            .find(|d| !d.is_empty())
            .cloned()
            .unwrap_or_default(),
    }
}

#[derive(Serialize)]
struct OverviewView<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    heading: String,
    noun: String,
    intro: String,
    groups: Vec<GroupStats>,
    /// Unclassified incidents (root causes only).
    unclassified: Option<usize>,
}

#[derive(Serialize)]
struct TermView<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    heading: String,
    kind: String,
    kind_url: String,
    stats: &'a GroupStats,
    /// This page's incidents (all of them unless the list has pages).
    incidents: &'a [ListedRow<'a>],
    /// Set when the list has more than one page.
    pager: Option<Pager>,
    /// Factors and charts are on the list's first page only.
    factors: &'a [(String, usize)],
    charts: &'a [Chart],
    /// Unclassified page: (incident, why) in list order.
    reasons: Vec<(&'a IncidentRow, String)>,
}

#[derive(Serialize)]
struct TrendsView<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    period: String,
    dated: usize,
    undated: usize,
    charts: Vec<Chart>,
}

#[derive(Serialize)]
struct QualityRow<'a> {
    incident: &'a IncidentRow,
    path: String,
    missing: Vec<&'static str>,
    diagnostics: Vec<&'a Diagnostic>,
}

#[derive(Serialize)]
struct QualityView<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    total: usize,
    complete: usize,
    fields: &'a [(&'static str, &'static str, usize)],
    /// This page's postmortems with gaps (all of them unless the list has pages).
    rows: &'a [QualityRow<'a>],
    /// Set when the list has more than one page.
    pager: Option<Pager>,
    /// On the first page only.
    archive_diagnostics: &'a [Diagnostic],
}

/// Everything under causes/, services/, years/, severities/, tags/, trends/ and quality/.
///
/// Each page goes to `emit` as soon as it is rendered (see [`super::render_site_into`]).
/// `rows_html[i]` is postmortem `i`'s list row drawn for pages two folders deep.
#[allow(clippy::too_many_arguments)]
pub fn archive_pages<E>(
    archive: &Archive,
    groups: &Groups,
    trends: &Trends,
    (rows, rows_html): (&[IncidentRow], &[String]),
    site: &super::views::SiteView,
    tera: &tera::Tera,
    config: &Config,
    emit: &(dyn Fn(OutputFile) -> Result<(), E> + Sync),
) -> Result<(), E>
where
    E: From<ThemeError> + Send,
{
    let common = |depth: usize, section: &'static str, title: String| Common {
        site,
        root: root_for(depth),
        section,
        page_title: title,
    };
    // Overviews.
    let dims: [(&Dimension, &[Group], &str); 5] = [
        (
            &CAUSES,
            &groups.categories,
            "Where incidents come from: each root-cause category with its share, typical duration \
             (median and p90, never a mean: durations are heavy-tailed) and when it last happened.",
        ),
        (&SERVICES, &groups.services, "Incidents per affected service."),
        (&YEARS, &groups.years, "Incidents per year of their start date."),
        (&SEVERITIES, &groups.severities, "Incidents per stated severity."),
        (&TAGS, &groups.tags, "Incidents per tag."),
    ];
    for (dim, list, intro) in dims {
        let view = OverviewView {
            common: common(1, dim.dir, dim.heading.to_string()),
            heading: dim.heading.to_string(),
            noun: dim.noun.to_string(),
            intro: intro.to_string(),
            groups: list.iter().map(|g| group_stats(archive, rows, g)).collect(),
            unclassified: (dim.dir == "causes").then_some(groups.unclassified.len()),
        };
        emit(OutputFile::text(
            format!("{}/index.html", dim.dir),
            render_one(tera, "overview.html", &view)?,
        ))?;
    }

    // One page per group, rendered in parallel; alongside them the unclassified, trends and
    // data-quality pages, each a single render (the quality page lists every incident
    // with a gap) that would otherwise leave the other core idle.
    let all: Vec<(&Dimension, &Group)> = dims
        .iter()
        .flat_map(|(d, list, _)| list.iter().map(move |g| (*d, g)))
        .collect();
    let term_pages = || {
        all.par_iter().try_for_each(|(dim, g)| -> Result<(), E> {
            let is_cause = dim.dir == "causes";
            let charts = if is_cause && g.members.len() > 1 {
                let sub: Vec<&crate::model::Postmortem> =
                    g.members.iter().map(|&i| &archive.postmortems[i]).collect();
                charts::category_charts(&sub, &Trends::of(&sub), config, tera)?
            } else {
                Vec::new()
            };
            let factors = if is_cause {
                factor_counts(archive, &g.members)
            } else {
                Vec::new()
            };
            let listed: Vec<ListedRow> = g
                .members
                .iter()
                .map(|&i| ListedRow { html: &rows_html[i] })
                .collect();
            let title = format!("{}: {}", dim.noun, g.name);
            let stats = group_stats(archive, rows, g);
            for page in paginate(&listed, config.paginate_by) {
                let first = page.is_first();
                let view = TermView {
                    common: common(2, dim.dir, super::page_title(&title, page.pager.as_ref())),
                    heading: g.name.clone(),
                    kind: dim.noun.to_string(),
                    kind_url: format!("{}/", dim.dir),
                    stats: &stats,
                    incidents: page.rows,
                    pager: page.pager,
                    factors: if first { &factors } else { &[] },
                    charts: if first { &charts } else { &[] },
                    reasons: Vec::new(),
                };
                let html = render_one(tera, "term.html", &view)?;
                emit(OutputFile::text(
                    format!("{}/{}/{}", dim.dir, g.slug, page.file),
                    html,
                ))?;
            }
            Ok(())
        })
    };
    let (terms, single) = rayon::join(term_pages, || {
        single_pages(archive, groups, trends, rows, tera, config, &common, emit)
    });
    terms?;
    single
}

/// The unclassified, trends and data-quality pages.
#[allow(clippy::too_many_arguments)]
fn single_pages<'a, E>(
    archive: &'a Archive,
    groups: &Groups,
    trends: &Trends,
    rows: &'a [IncidentRow],
    tera: &tera::Tera,
    config: &Config,
    common: &(dyn Fn(usize, &'static str, String) -> Common<'a> + Sync),
    emit: &(dyn Fn(OutputFile) -> Result<(), E> + Sync),
) -> Result<(), E>
where
    E: From<ThemeError> + Send,
{
    // Unclassified.
    let unclassified = Group {
        slug: "unclassified".into(),
        name: "Unclassified".into(),
        members: groups.unclassified.iter().map(|u| u.index).collect(),
    };
    let stats = group_stats(archive, rows, &unclassified);
    let view = TermView {
        common: common(2, "causes", "Unclassified incidents".into()),
        heading: "Unclassified".into(),
        kind: "Root cause".into(),
        kind_url: "causes/".into(),
        stats: &stats,
        incidents: &[],
        pager: None,
        factors: &[],
        charts: &[],
        reasons: groups
            .unclassified
            .iter()
            .map(|u| (&rows[u.index], u.reason.clone()))
            .collect(),
    };
    emit(OutputFile::text(
        "causes/unclassified/index.html",
        render_one(tera, "term.html", &view)?,
    ))?;

    // Trends.
    let view = TrendsView {
        common: common(1, "trends", "Trends".into()),
        period: trends.period.map(|p| p.noun().to_string()).unwrap_or_default(),
        dated: trends.dated,
        undated: trends.undated,
        charts: charts::trend_charts(archive, trends, config, tera)?,
    };
    emit(OutputFile::text(
        "trends/index.html",
        render_one(tera, "trends.html", &view)?,
    ))?;

    // Data quality.
    let q = Quality::new(archive);
    let fields: Vec<(&str, &str, usize)> = FIELDS
        .iter()
        .zip(&q.missing_counts)
        .map(|((k, l), c)| (*k, *l, *c))
        .collect();
    let gaps: Vec<QualityRow> = q
        .gaps
        .iter()
        .map(|g| {
            let p = &archive.postmortems[g.index];
            QualityRow {
                incident: &rows[g.index],
                path: p.path.clone(),
                missing: g.missing.clone(),
                diagnostics: p
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity >= crate::diagnostic::Severity::Warning)
                    .collect(),
            }
        })
        .collect();
    for page in paginate(&gaps, config.paginate_by) {
        let first = page.is_first();
        let view = QualityView {
            common: common(
                1,
                "quality",
                super::page_title("Data quality", page.pager.as_ref()),
            ),
            total: archive.len(),
            complete: q.complete,
            fields: &fields,
            rows: page.rows,
            pager: page.pager,
            archive_diagnostics: if first { &archive.diagnostics } else { &[] },
        };
        emit(OutputFile::text(
            format!("quality/{}", page.file),
            render_one(tera, "quality.html", &view)?,
        ))?;
    }
    Ok(())
}

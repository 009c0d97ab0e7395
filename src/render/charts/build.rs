//! The trends page's charts, from the archive's aggregates to geometry ([`Plot`]s), one
//! function per chart kind; the theme's `charts/<kind>.svg` templates draw them.

use super::figure::{fit, px, Figure, Quartiles, Row, BOTTOM, CHAR_W, H, LEFT, RIGHT, TOP, W};
use super::scale::{num, Linear, Log, DURATION_TICKS};
use super::{draw, Chart, Plot, Table};
use crate::archive::stats::{log_bins, sorted_finite, Summary};
use crate::archive::trends::{Bucket, Trends, MIN_FOR_TREND};
use crate::archive::{duration_of, impact_of, Archive};
use crate::config::Config;
use crate::model::Postmortem;
use crate::render::theme::ThemeError;
use crate::render::views::format_minutes;

/// CSS class of the n-th stacked series (`series-1` … `series-13`, then repeating);
/// unclassified is `series-none`.
fn series_class(k: usize, unclassified: bool) -> String {
    if unclassified {
        "series-none".into()
    } else {
        format!("series-{}", k % 13 + 1)
    }
}

fn category_name(config: &Config, slug: Option<&str>) -> String {
    match slug {
        Some(s) => config
            .category(s)
            .map(|c| c.display_name())
            .unwrap_or_else(|| s.to_string()),
        None => "Unclassified".into(),
    }
}

fn too_few(n: usize, what: &str) -> Option<String> {
    (n < MIN_FOR_TREND).then(|| {
        format!("Only {n} {what}: too few to read a trend; the chart shows the data points, not a pattern.")
    })
}

fn minutes_label(m: f64) -> String {
    format_minutes(m.round() as i64)
}

/// Every chart of the trends page, in page order, drawn with `tera`'s chart templates.
pub fn trend_charts(
    archive: &Archive,
    trends: &Trends,
    config: &Config,
    tera: &tera::Tera,
) -> Result<Vec<Chart>, ThemeError> {
    let all: Vec<&Postmortem> = archive.postmortems.iter().collect();
    draw(trend_plots(&all, trends, config, super::KINDS), tera)
}

/// The small charts of a root-cause category's page: its incidents per period and its
/// duration distribution (`trends` computed from the same postmortems).
pub fn category_charts(
    postmortems: &[&Postmortem],
    trends: &Trends,
    config: &Config,
    tera: &tera::Tera,
) -> Result<Vec<Chart>, ThemeError> {
    draw(
        trend_plots(postmortems, trends, config, &["counts", "distribution"]),
        tera,
    )
}

/// The plots of the given kinds (in page order) for any subset of postmortems, with
/// `trends` computed from the same subset. Empty without a dated incident.
pub fn trend_plots(archive: &[&Postmortem], trends: &Trends, config: &Config, kinds: &[&str]) -> Vec<Plot> {
    let Some(period) = trends.period else {
        return Vec::new();
    };
    let first = trends.buckets.first().map(|b| b.bucket);
    let last = trends.buckets.last().map(|b| b.bucket);
    let (Some(first), Some(last)) = (first, last) else {
        return Vec::new();
    };
    let t0 = epoch(first);
    let t1 = epoch(last.next());
    let x = Linear {
        d0: t0 as f64,
        d1: t1 as f64,
        r0: LEFT,
        r1: W - RIGHT,
    };
    let names: Vec<String> = trends
        .categories
        .iter()
        .map(|c| category_name(config, c.as_deref()))
        .collect();
    kinds
        .iter()
        .filter_map(|kind| match *kind {
            "counts" => Some(counts_chart(trends, &names, period.noun())),
            "duration" => Some(duration_over_time(archive, trends, x)),
            "impact" => Some(impact_over_time(archive, trends, x)),
            "distribution" => Some(duration_distribution(archive)),
            "by-category" => Some(duration_by_category(archive, config)),
            _ => None,
        })
        .collect()
}

fn epoch(b: Bucket) -> i64 {
    b.start()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp().as_second())
        .unwrap_or(0)
}

/// Bucket labels, thinned to at most about 12 so they never overlap.
fn time_ticks(svg: &mut Figure, trends: &Trends, pos: impl Fn(usize, Bucket) -> f64) {
    let step = trends.buckets.len().div_ceil(12).max(1);
    for (k, b) in trends.buckets.iter().enumerate() {
        if k % step == 0 {
            svg.xtick(pos(k, b.bucket), &b.bucket.label());
        }
    }
}

fn counts_chart(trends: &Trends, names: &[String], noun: &str) -> Plot {
    let n = trends.dated;
    let desc = format!(
        "Incidents started per {noun}, stacked by root-cause category; {n} dated incidents{}.",
        if trends.undated > 0 {
            format!(" ({} undated not shown)", trends.undated)
        } else {
            String::new()
        }
    );
    let mut svg = Figure::new("counts", "chart-counts", &format!("Incidents per {noun}"), &desc);
    let max = trends.buckets.iter().map(|b| b.total).max().unwrap_or(0) as f64;
    let y = svg.count_axis(max);
    let slot = (W - RIGHT - LEFT) / trends.buckets.len() as f64;
    let bar = (slot * 0.78).max(1.0);
    for (k, b) in trends.buckets.iter().enumerate() {
        let x = LEFT + slot * k as f64 + (slot - bar) / 2.0;
        let mut acc = 0usize;
        for (c, &count) in b.counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let top = y.at((acc + count) as f64);
            let bottom = y.at(acc as f64);
            svg.rect(
                series_class(c, trends.categories[c].is_none()),
                x,
                top,
                bar,
                bottom - top,
                &format!("{} · {}: {count} (of {})", b.bucket.label(), names[c], b.total),
            );
            acc += count;
        }
    }
    time_ticks(&mut svg, trends, |k, _| LEFT + slot * (k as f64 + 0.5));
    let legend: Vec<(String, String)> = names
        .iter()
        .enumerate()
        .map(|(c, name)| (series_class(c, trends.categories[c].is_none()), name.clone()))
        .collect();
    svg.legend(&legend);
    let mut headers = vec![noun.to_string()];
    headers.extend(names.iter().cloned());
    headers.push("Total".into());
    Plot {
        figure: svg,
        n,
        note: too_few(n, "dated incidents"),
        table: Table {
            headers,
            rows: trends
                .buckets
                .iter()
                .map(|b| {
                    let mut row = vec![b.bucket.label()];
                    row.extend(b.counts.iter().map(|c| c.to_string()));
                    row.push(b.total.to_string());
                    row
                })
                .collect(),
        },
    }
}

/// Dated incidents with a value, as (epoch seconds, value, title).
fn points<'a>(
    archive: &[&'a Postmortem],
    value: impl Fn(&crate::model::Record) -> Option<f64>,
) -> Vec<(i64, f64, &'a str)> {
    archive
        .iter()
        .filter_map(|p| {
            Some((
                p.record.start?.epoch_seconds(),
                value(&p.record)?,
                p.title.as_str(),
            ))
        })
        .collect()
}

/// Most dots one scatter draws. Past a few thousand the dots of a 700-pixel-wide chart
/// overlap into a blot, and each costs about 130 bytes of page: with a dot per incident,
/// a 10,000-postmortem archive's trends page was 3.8 MB and a 100,000 one's 37 MB.
pub const MAX_DOTS: usize = 2_000;

/// Which of a scatter's `values` (in drawing order) get a dot. Up to [`MAX_DOTS`], all.
/// Beyond, the `MAX_DOTS / 4` largest (the outliers a reader hovers over to find; ties to
/// the earlier) and an even sample of the rest, spread through the drawing order; the
/// statistics drawn with the dots and the data table still use every value.
struct Thinned {
    keep: Vec<bool>,
    /// Says which dots are drawn, when not all are.
    note: Option<String>,
}

impl Thinned {
    /// `largest` names the kept outliers ("longest"); `uses_all` says what else the chart
    /// draws from every value ("The data table uses all"), to be followed by the count.
    fn new(values: &[f64], largest: &str, uses_all: &str) -> Thinned {
        let n = values.len();
        if n <= MAX_DOTS {
            return Thinned {
                keep: vec![true; n],
                note: None,
            };
        }
        let top = MAX_DOTS / 4;
        let mut keep = vec![false; n];
        let mut by_size: Vec<usize> = (0..n).collect();
        let larger_first = |a: &usize, b: &usize| values[*b].total_cmp(&values[*a]).then(a.cmp(b));
        by_size.select_nth_unstable_by(top - 1, larger_first);
        for &i in &by_size[..top] {
            keep[i] = true;
        }
        // Of the `rest` others, every one whose step crosses a multiple of `rest` (Bresenham):
        // exactly `want` of them, evenly spaced.
        let (rest, want) = (n - top, MAX_DOTS - top);
        for (k, slot) in keep.iter_mut().filter(|kept| !**kept).enumerate() {
            *slot = (k * want) % rest < want;
        }
        let note = format!(
            "{MAX_DOTS} of {n} incidents drawn as dots: the {top} {largest} and an even sample of the \
             other {rest}. {uses_all} {n}."
        );
        Thinned {
            keep,
            note: Some(note),
        }
    }
}

/// Both notes, when a chart has two things to say.
fn notes(first: Option<String>, second: Option<String>) -> Option<String> {
    match (first, second) {
        (Some(a), Some(b)) => Some(format!("{a} {b}")),
        (a, b) => a.or(b),
    }
}

/// Log duration axis from the reader-known tick at or below the shortest duration.
fn log_duration_axis(svg: &mut Figure, min: f64, max: f64) -> Log {
    let floor = DURATION_TICKS
        .iter()
        .map(|t| t.0)
        .filter(|t| *t <= min.max(1.0))
        .fold(1.0, f64::max);
    let y = Log::new(floor, max.max(floor * 10.0), H - BOTTOM, TOP);
    for (m, label) in DURATION_TICKS {
        if y.contains(*m) {
            svg.hgrid(y.at(*m), label);
        }
    }
    y
}

fn duration_over_time(archive: &[&Postmortem], trends: &Trends, x: Linear) -> Plot {
    let pts = points(archive, |r| duration_of(r).map(|m| m as f64));
    let n = pts.len();
    let desc = format!(
        "Duration of each incident by start date on a log scale, with the rolling median (line) and the \
         band from median to p90 over the trailing {} {}s; {n} incidents with a start and a duration.",
        trends.period.map(|p| p.window()).unwrap_or(0),
        trends.period.map(|p| p.noun()).unwrap_or("period")
    );
    let mut svg = Figure::new("duration", "chart-duration", "Duration over time", &desc);
    let max = pts.iter().map(|p| p.1).fold(1.0, f64::max);
    let min = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let y = log_duration_axis(&mut svg, min, max);
    let mid = |b: Bucket| (epoch(b) + epoch(b.next())) as f64 / 2.0;
    let with: Vec<_> = trends.rolling.iter().filter(|r| r.median.is_some()).collect();
    if !with.is_empty() {
        let mut band: Vec<(f64, f64)> = with
            .iter()
            .map(|r| (x.at(mid(r.bucket)), y.at(r.p90.unwrap_or(0.0))))
            .collect();
        band.extend(
            with.iter()
                .rev()
                .map(|r| (x.at(mid(r.bucket)), y.at(r.median.unwrap_or(0.0)))),
        );
        svg.areas
            .extend(Figure::path("band", &band, true, "Rolling median to p90"));
    }
    let thinned = Thinned::new(
        &pts.iter().map(|p| p.1).collect::<Vec<_>>(),
        "longest",
        "The rolling median, its band and the data table use all",
    );
    for (&(t, m, title), _) in pts.iter().zip(&thinned.keep).filter(|(_, kept)| **kept) {
        svg.dot(
            x.at(t as f64),
            y.at(m.max(1.0)),
            &format!("{title}: {}", minutes_label(m)),
        );
    }
    if !with.is_empty() {
        let line: Vec<(f64, f64)> = with
            .iter()
            .map(|r| (x.at(mid(r.bucket)), y.at(r.median.unwrap_or(0.0))))
            .collect();
        svg.lines
            .extend(Figure::path("median", &line, false, "Rolling median"));
    }
    time_ticks(&mut svg, trends, |_, b| x.at(epoch(b) as f64));
    // The line and band are named only when drawn.
    let mut legend = vec![("point".to_string(), "Incident".to_string())];
    if !with.is_empty() {
        legend.push(("median".into(), "Rolling median".into()));
        legend.push(("band".into(), "Median to p90".into()));
    }
    svg.legend(&legend);
    Plot {
        figure: svg,
        n,
        note: notes(
            too_few(n, "incidents with a duration").or_else(|| {
                with.is_empty().then(|| {
                    format!(
                        "No trailing window holds {MIN_FOR_TREND} or more incidents, so no rolling median \
                         or p90 is drawn: too few incidents to read a trend."
                    )
                })
            }),
            thinned.note,
        ),
        table: Table {
            headers: vec![
                "Window ending".into(),
                "Incidents".into(),
                "Median".into(),
                "p90".into(),
            ],
            rows: trends
                .rolling
                .iter()
                .map(|r| {
                    vec![
                        r.bucket.label(),
                        r.n.to_string(),
                        r.median.map(minutes_label).unwrap_or_else(|| "–".into()),
                        r.p90.map(minutes_label).unwrap_or_else(|| "–".into()),
                    ]
                })
                .collect(),
        },
    }
}

fn impact_over_time(archive: &[&Postmortem], trends: &Trends, x: Linear) -> Plot {
    let pts = points(archive, impact_of);
    let n = pts.len();
    let desc = format!("Share of users affected by each incident, by start date; {n} incidents state it.");
    let mut svg = Figure::new("impact", "chart-impact", "Impact over time", &desc);
    let y = Linear {
        d0: 0.0,
        d1: 100.0,
        r0: H - BOTTOM,
        r1: TOP,
    };
    for t in [0.0, 25.0, 50.0, 75.0, 100.0] {
        svg.hgrid(y.at(t), &format!("{t}%"));
    }
    let thinned = Thinned::new(
        &pts.iter().map(|p| p.1).collect::<Vec<_>>(),
        "with the widest impact",
        "The data table uses all",
    );
    for (&(t, v, title), _) in pts.iter().zip(&thinned.keep).filter(|(_, kept)| **kept) {
        svg.dot(x.at(t as f64), y.at(v), &format!("{title}: {}% of users", num(v)));
    }
    time_ticks(&mut svg, trends, |_, b| x.at(epoch(b) as f64));
    let s = Summary::of(pts.iter().map(|p| p.1));
    Plot {
        figure: svg,
        n,
        note: notes(too_few(n, "incidents with an impact share"), thinned.note),
        table: Table {
            headers: vec!["Statistic".into(), "Share of users".into()],
            rows: s
                .map(|s| {
                    vec![
                        vec!["Incidents".into(), s.n.to_string()],
                        vec!["Median".into(), format!("{}%", num(s.median))],
                        vec!["p90".into(), format!("{}%", num(s.p90))],
                        vec!["Max".into(), format!("{}%", num(s.max))],
                    ]
                })
                .unwrap_or_default(),
        },
    }
}

fn duration_distribution(archive: &[&Postmortem]) -> Plot {
    let sorted = sorted_finite(
        archive
            .iter()
            .filter_map(|p| duration_of(&p.record))
            .map(|m| m as f64),
    );
    let n = sorted.len();
    let summary = Summary::of_sorted(&sorted);
    let desc =
        format!(
        "How long incidents last: histogram on log-spaced bins (four per decade), with the median and p90 \
         marked; {n} incidents with a duration{}.",
        summary
            .map(|s| format!(", median {}, p90 {}", minutes_label(s.median), minutes_label(s.p90)))
            .unwrap_or_default()
    );
    let mut svg = Figure::new(
        "distribution",
        "chart-distribution",
        "Duration distribution",
        &desc,
    );
    // Durations under a minute share the first bin: a log axis cannot show zero.
    let clamped: Vec<f64> = sorted.iter().map(|m| m.max(1.0)).collect();
    let bins = log_bins(&clamped, 4);
    let max = bins.iter().map(|b| b.count).max().unwrap_or(0) as f64;
    let y = svg.count_axis(max);
    let (lo, hi) = (
        bins.first().map(|b| b.lo).unwrap_or(1.0),
        bins.last().map(|b| b.hi).unwrap_or(10.0),
    );
    let x = Linear {
        d0: lo.log10(),
        d1: hi.log10(),
        r0: LEFT,
        r1: W - RIGHT,
    };
    let xl = |v: f64| x.at(v.max(lo).log10());
    for b in &bins {
        let (x0, x1) = (xl(b.lo), xl(b.hi));
        svg.rect(
            "bar".into(),
            x0 + 1.0,
            y.at(b.count as f64),
            x1 - x0 - 2.0,
            y.at(0.0) - y.at(b.count as f64),
            &format!(
                "{} to {}: {} incidents",
                minutes_label(b.lo),
                minutes_label(b.hi),
                b.count
            ),
        );
    }
    for (m, label) in DURATION_TICKS {
        if *m >= lo * 0.999 && *m <= hi * 1.001 {
            svg.xtick(xl(*m), label);
        }
    }
    if let Some(s) = summary {
        svg.marker(
            "median-marker",
            xl(s.median.max(1.0)),
            &format!("median {}", minutes_label(s.median)),
        );
        svg.marker(
            "p90-marker",
            xl(s.p90.max(1.0)),
            &format!("p90 {}", minutes_label(s.p90)),
        );
    }
    Plot {
        figure: svg,
        n,
        note: too_few(n, "incidents with a duration"),
        table: Table {
            headers: vec!["From".into(), "To (excl.)".into(), "Incidents".into()],
            rows: bins
                .iter()
                .map(|b| vec![minutes_label(b.lo), minutes_label(b.hi), b.count.to_string()])
                .collect(),
        },
    }
}

fn duration_by_category(archive: &[&Postmortem], config: &Config) -> Plot {
    // Category → durations, in taxonomy order then unclassified.
    /// One incident of a category's row; `at` is its position in `all`.
    struct Mark<'a> {
        minutes: f64,
        title: &'a str,
        at: usize,
    }
    let mut rows: Vec<(String, Vec<Mark>)> = Vec::new();
    // Every duration in archive order, for `Thinned`.
    let mut all: Vec<f64> = Vec::new();
    let mut at: std::collections::HashMap<Option<&str>, usize> = Default::default();
    for p in archive {
        let Some(m) = duration_of(&p.record) else { continue };
        let key = p.record.root_cause.category.as_deref();
        let k = *at.entry(key).or_insert_with(|| {
            rows.push((category_name(config, key), Vec::new()));
            rows.len() - 1
        });
        rows[k].1.push(Mark {
            minutes: m as f64,
            title: p.title.as_str(),
            at: all.len(),
        });
        all.push(m as f64);
    }
    let thinned = Thinned::new(&all, "longest", "The boxes, medians and data table use all");
    let summaries: Vec<Option<Summary>> = rows
        .iter()
        .map(|r| Summary::of(r.1.iter().map(|v| v.minutes)))
        .collect();
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| {
        let ma = summaries[a].map(|s| s.median).unwrap_or(0.0);
        let mb = summaries[b].map(|s| s.median).unwrap_or(0.0);
        mb.total_cmp(&ma).then(a.cmp(&b))
    });
    let n: usize = rows.iter().map(|r| r.1.len()).sum();
    let desc = format!(
        "Duration of each incident per root-cause category on a log scale (dots), with the box from the \
         25th to the 75th percentile and the median as a bar, slowest categories first; {n} incidents."
    );
    let mut svg = Figure::new("by-category", "chart-by-category", "Duration by category", &desc);
    // The label column is as wide as the longest "name (n=…)", up to a third of the chart;
    // longer names are shortened (the data table has them whole).
    const MAX_LABEL: usize = 36;
    let labels: Vec<String> = rows
        .iter()
        .map(|(name, values)| format!("{} (n={})", fit(name, MAX_LABEL), values.len()))
        .collect();
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let label_end = 8.0 + (longest as f64 * CHAR_W).max(LEFT);
    let max = rows
        .iter()
        .flat_map(|r| r.1.iter().map(|v| v.minutes))
        .fold(60.0, f64::max);
    let x = Log::new(1.0, max, label_end + 16.0, W - RIGHT);
    svg.plot.left = px(label_end + 8.0);
    let row_h = ((H - BOTTOM - TOP) / rows.len().max(1) as f64).min(40.0);
    for (m, label) in DURATION_TICKS {
        if x.contains(*m) {
            svg.xtick(x.at(*m), label);
        }
    }
    for (slot, &k) in order.iter().enumerate() {
        let cy = TOP + row_h * (slot as f64 + 0.5);
        let (name, values) = &rows[k];
        let bh = (row_h * 0.6).min(18.0);
        svg.rows.push(Row {
            label: super::figure::text(&labels[k]),
            name: super::figure::text(name),
            n: values.len(),
            y: px(cy),
            label_x: px(label_end),
            quartiles: summaries[k].map(|s| Quartiles {
                x: px(x.at(s.q1.max(1.0))),
                y: px(cy - bh / 2.0),
                w: px((x.at(s.q3.max(1.0)) - x.at(s.q1.max(1.0))).max(1.0)),
                h: px(bh),
                median: px(x.at(s.median.max(1.0))),
                y2: px(cy + bh / 2.0),
            }),
        });
        for (j, mark) in values.iter().enumerate().filter(|(_, m)| thinned.keep[m.at]) {
            // A small deterministic jitter keeps equal durations apart.
            let jitter = ((j * 7919) % 9) as f64 - 4.0;
            svg.dot(
                x.at(mark.minutes.max(1.0)),
                cy + jitter * (row_h / 40.0),
                &format!("{}: {}", mark.title, minutes_label(mark.minutes)),
            );
        }
    }
    Plot {
        figure: svg,
        n,
        note: notes(too_few(n, "incidents with a duration"), thinned.note),
        table: Table {
            headers: vec![
                "Category".into(),
                "Incidents".into(),
                "Median".into(),
                "p90".into(),
                "Max".into(),
            ],
            rows: order
                .iter()
                .filter_map(|&k| {
                    let s = summaries[k]?;
                    Some(vec![
                        rows[k].0.clone(),
                        s.n.to_string(),
                        minutes_label(s.median),
                        minutes_label(s.p90),
                        minutes_label(s.max),
                    ])
                })
                .collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::testing::{pm, Pm};
    use crate::render::theme::Theme;

    fn charts(archive: &Archive) -> Vec<Chart> {
        let tera = Theme::load(None).unwrap().tera().unwrap();
        trend_charts(archive, &Trends::new(archive), &Config::default(), &tera).unwrap()
    }

    fn marks(svg: &str, tag: &str) -> usize {
        let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
        doc.descendants()
            .filter(|n| n.has_tag_name(tag) && n.attribute("class").is_some_and(|c| c.starts_with("mark")))
            .count()
    }

    #[test]
    fn every_chart_is_well_formed_with_one_mark_per_datum() {
        let mut specs = Vec::new();
        let slugs = ["a", "b", "c", "d", "e", "f", "g"];
        for (k, slug) in slugs.iter().enumerate() {
            specs.push(pm(Pm {
                slug,
                date: Some((2023, (k % 5 + 1) as i8, 3)),
                minutes: (k != 6).then_some(10 * (k as i64 + 1)),
                category: [Some("dns"), Some("database"), None][k % 3],
                impact: (k % 2 == 0).then_some(k as f64 * 10.0),
                ..Pm::default()
            }));
        }
        let mut weird = pm(Pm {
            slug: "h",
            date: Some((2023, 2, 1)),
            minutes: Some(0),
            ..Pm::default()
        });
        weird.title = "<script>&\"'".into();
        specs.push(weird);
        let archive = Archive::new(specs);
        let trends = Trends::new(&archive);
        let charts = charts(&archive);
        assert_eq!(charts.len(), 5);
        let by = |id: &str| charts.iter().find(|c| c.id == id).unwrap();
        // Stacked bars: one rect per non-empty (bucket, category) cell.
        let cells: usize = trends
            .buckets
            .iter()
            .map(|b| b.counts.iter().filter(|c| **c > 0).count())
            .sum();
        assert_eq!(marks(&by("chart-counts").svg, "rect"), cells);
        assert_eq!(
            marks(&by("chart-duration").svg, "circle"),
            7,
            "8 dated, 7 with a duration"
        );
        assert_eq!(marks(&by("chart-impact").svg, "circle"), 4);
        let dist = by("chart-distribution");
        assert_eq!(marks(&dist.svg, "rect"), dist.table.rows.len());
        assert_eq!(marks(&by("chart-by-category").svg, "circle"), 7);
        for c in &charts {
            let doc = roxmltree::Document::parse(&c.svg).unwrap();
            let root = doc.root_element();
            assert_eq!(root.attribute("role"), Some("img"), "{}", c.id);
            assert!(root.attribute("aria-label").is_some());
            assert!(root.children().any(|n| n.has_tag_name("desc")));
        }
        assert_eq!(by("chart-duration").n, 7);
        assert!(by("chart-counts").note.is_none());
    }

    #[test]
    fn a_single_incident_archive_still_draws_and_says_too_few() {
        let archive = Archive::new(vec![pm(Pm {
            slug: "solo",
            date: Some((2024, 2, 29)),
            minutes: Some(45),
            ..Pm::default()
        })]);
        let drawn = charts(&archive);
        for c in &drawn {
            roxmltree::Document::parse(&c.svg).unwrap();
            assert!(c.note.as_deref().unwrap_or("").contains("too few"), "{}", c.id);
        }
        let duration = drawn.iter().find(|c| c.id == "chart-duration").unwrap();
        assert!(
            !duration.svg.contains("Rolling median<"),
            "no legend entry for a line that is not drawn"
        );
        assert!(charts(&Archive::new(vec![])).is_empty());
    }

    #[test]
    fn names_and_titles_are_escaped_in_every_chart() {
        let hostile = "<script>&\"";
        let mut specs: Vec<Postmortem> = (0..6)
            .map(|k| {
                pm(Pm {
                    slug: ["a", "b", "c", "d", "e", "f"][k],
                    date: Some((2023, k as i8 + 1, 3)),
                    minutes: Some(30 + k as i64),
                    category: Some(if k % 2 == 0 { hostile } else { "dns" }),
                    impact: Some(50.0),
                    ..Pm::default()
                })
            })
            .collect();
        specs[0].title = "Bad </title> title \u{1}'".into();
        let charts = charts(&Archive::new(specs));
        assert_eq!(charts.len(), 5);
        for c in &charts {
            assert!(
                !c.svg.contains("<script>") && !c.svg.contains("</title> title"),
                "{}",
                c.svg
            );
            let doc = roxmltree::Document::parse(&c.svg).unwrap_or_else(|e| panic!("{}: {e}", c.id));
            let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
            if c.id == "chart-counts" {
                assert!(texts.contains(&hostile), "legend names the category: {texts:?}");
                assert!(c.svg.contains("&lt;script&gt;&amp;&quot;"));
            }
            if c.id == "chart-by-category" {
                assert!(texts.contains(&"<script>&\" (n=3)"), "{texts:?}");
            }
            if c.id == "chart-duration" || c.id == "chart-impact" {
                assert!(
                    texts.iter().any(|t| t.starts_with("Bad </title> title '")),
                    "the tooltip keeps the title, without the control character"
                );
            }
        }
    }

    #[test]
    fn up_to_max_dots_every_value_is_drawn() {
        let t = Thinned::new(&vec![5.0; MAX_DOTS], "longest", "The table uses all");
        assert!(t.keep.iter().all(|k| *k));
        assert!(t.note.is_none());
        assert!(Thinned::new(&[], "longest", "The table uses all").keep.is_empty());
    }

    #[test]
    fn past_max_dots_the_largest_and_an_even_sample_are_drawn() {
        for n in [MAX_DOTS + 1, 2 * MAX_DOTS + 7, 10_000, 37_313] {
            // Values in a scrambled order, with ties, so neither position nor value alone decides.
            let values: Vec<f64> = (0..n).map(|i| ((i * 7_919) % 1_000) as f64).collect();
            let t = Thinned::new(&values, "longest", "The table uses all");
            assert_eq!(t.keep.iter().filter(|k| **k).count(), MAX_DOTS, "n={n}");
            // Every value above the smallest kept outlier is kept.
            let mut sorted = values.clone();
            sorted.sort_by(|a, b| b.total_cmp(a));
            let cut = sorted[MAX_DOTS / 4 - 1];
            assert!(values.iter().zip(&t.keep).all(|(v, k)| *v <= cut || *k), "n={n}");
            // The others are evenly spread: no run of skipped ones longer than the stride.
            let rest = n - MAX_DOTS / 4;
            let stride = rest.div_ceil(MAX_DOTS - MAX_DOTS / 4);
            let mut run = 0;
            for (v, k) in values.iter().zip(&t.keep) {
                if *k {
                    run = 0;
                } else if *v < cut {
                    run += 1;
                    assert!(run < stride, "n={n}: {run} skipped in a row");
                }
            }
            let note = t.note.expect("says which dots are drawn");
            assert!(note.starts_with(&format!("2000 of {n} incidents")), "{note}");
            assert!(note.ends_with(&format!("The table uses all {n}.")), "{note}");
        }
    }

    #[test]
    fn a_large_archive_draws_max_dots_and_keeps_its_longest_incident() {
        let specs: Vec<Postmortem> = (0..MAX_DOTS + 500)
            .map(|k| {
                let mut p = pm(Pm {
                    date: Some((2020 + (k % 4) as i16, (k % 12 + 1) as i8, (k % 28 + 1) as i8)),
                    minutes: Some(if k == 1_234 { 50_000 } else { 10 + (k % 300) as i64 }),
                    category: Some(["dns", "database"][k % 2]),
                    impact: Some((k % 100) as f64),
                    ..Pm::default()
                });
                p.slug = format!("pm-{k}");
                p.title = if k == 1_234 {
                    "The long one".into()
                } else {
                    format!("Incident {k}")
                };
                p
            })
            .collect();
        let n = specs.len();
        let charts = charts(&Archive::new(specs));
        let by = |id: &str| charts.iter().find(|c| c.id == id).unwrap();
        for id in ["chart-duration", "chart-impact", "chart-by-category"] {
            let c = by(id);
            assert_eq!(marks(&c.svg, "circle"), MAX_DOTS, "{id}");
            assert_eq!(c.n, n, "{id}: the sample size counts every incident");
            assert!(
                c.note.as_deref().unwrap_or("").contains("2000 of 2500 incidents"),
                "{id}"
            );
        }
        for id in ["chart-duration", "chart-by-category"] {
            assert!(
                by(id).svg.contains("The long one: 34 d 17 h"),
                "{id} keeps the outlier"
            );
        }
    }
}

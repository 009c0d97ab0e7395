//! Charts: the trends page's SVG, generated at build time (no JavaScript, no external
//! hosts). `build` turns the archive's aggregates into a [`Plot`] per chart: its geometry
//! ([`figure::Figure`], plain serialisable numbers and text), sample size, "too few to read"
//! note and data table. [`draw`] renders the geometry with the theme's template
//! `charts/<kind>.svg` into a [`Chart`], once per chart and build, so a user theme can
//! redraw any chart kind by overriding that one file.
//!
//! Colours and fonts come from the theme's CSS (`static/charts.css`, classes `series-N`,
//! `axis`, `grid`, `band`, `median`...), so light and dark follow the theme. The default
//! templates give every data mark `class="mark"` and a `<title>` tooltip, and every SVG
//! `role="img"`, an `aria-label` and a `<desc>`. Text is escaped by tera (`.svg` templates
//! are autoescaped, see `theme::Theme::tera`).

pub mod build;
pub mod figure;
mod scale;

use crate::render::theme::ThemeError;
pub use build::{category_charts, trend_charts};
use figure::Figure;
use rayon::prelude::*;
use serde::Serialize;

/// The kinds of chart, each drawn by the theme template `charts/<kind>.svg`.
pub const KINDS: &[&str] = &["counts", "duration", "impact", "distribution", "by-category"];

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A chart as `templates/charts.html` receives it.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// HTML id, e.g. `chart-counts`.
    pub id: String,
    pub title: String,
    /// One sentence on how to read it (also the SVG's `<desc>`).
    pub description: String,
    /// Inline SVG markup, as the chart's template drew it.
    pub svg: String,
    /// Incidents the chart rests on.
    pub n: usize,
    /// Set when there are too few incidents to read a trend.
    pub note: Option<String>,
    pub table: Table,
}

/// A chart before drawing: everything of [`Chart`] but the markup.
#[derive(Debug, Clone)]
pub struct Plot {
    pub figure: Figure,
    pub n: usize,
    pub note: Option<String>,
    pub table: Table,
}

/// Draws each plot with its kind's template, in parallel (a 10,000-point chart is the
/// biggest single template render of a build).
pub fn draw(plots: Vec<Plot>, tera: &tera::Tera) -> Result<Vec<Chart>, ThemeError> {
    plots.into_par_iter().map(|p| draw_one(p, tera)).collect()
}

fn draw_one(plot: Plot, tera: &tera::Tera) -> Result<Chart, ThemeError> {
    let template = format!("charts/{}.svg", plot.figure.kind);
    let mut svg = crate::render::render_one(tera, &template, &plot.figure)?;
    // Templates start and end with tag lines; the markup goes inside a <div> as it is.
    svg.truncate(svg.trim_end().len());
    svg.drain(..svg.len() - svg.trim_start().len());
    Ok(Chart {
        id: plot.figure.id,
        title: plot.figure.title,
        description: plot.figure.desc,
        svg,
        n: plot.n,
        note: plot.note,
        table: plot.table,
    })
}

/// "12", "2.5": numbers as the charts print them.
pub fn svg_num(v: f64) -> String {
    scale::num(v)
}

#[cfg(test)]
mod tests {
    use crate::render::theme::Theme;

    #[test]
    fn every_chart_kind_has_a_default_template() {
        let theme = Theme::load(None).unwrap();
        for kind in super::KINDS {
            let name = format!("charts/{kind}.svg");
            assert!(theme.templates.iter().any(|(n, _)| *n == name), "{name}");
        }
    }
}

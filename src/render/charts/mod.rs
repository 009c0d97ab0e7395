//! Charts: the trends page's SVG, generated at build time (no JavaScript, no external
//! hosts). Each chart is a [`Chart`]: the SVG markup plus its sample size, an optional
//! "too few to read" note and the data table shown beside it.
//!
//! Colours and fonts come from the theme's CSS (`static/charts.css`, classes `series-N`,
//! `axis`, `grid`, `band`, `median`...), so light and dark follow the theme. Every data
//! mark carries `class="mark"` and a `<title>` tooltip; every SVG has `role="img"`, an
//! `aria-label` and a `<desc>`. Text is escaped with `exports::xml_escape`.

pub mod build;
mod svg;

pub use build::{trend_charts, trend_charts_of};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// HTML id, e.g. `chart-counts`.
    pub id: String,
    pub title: String,
    /// One sentence on how to read it (also the SVG's `<desc>`).
    pub description: String,
    /// Inline SVG markup (already escaped).
    pub svg: String,
    /// Incidents the chart rests on.
    pub n: usize,
    /// Set when there are too few incidents to read a trend.
    pub note: Option<String>,
    pub table: Table,
}

/// "12", "2.5": numbers as the charts print them.
pub fn svg_num(v: f64) -> String {
    svg::num(v)
}

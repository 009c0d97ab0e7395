//! A chart's geometry: the plain serialisable view a chart template (`templates/charts/<kind>.svg`)
//! draws. Everything is in pixels of a `width` × `height` view box, rounded to 0.1 px, and
//! every label is final text (not yet escaped: templates are autoescaped). Owns the layout
//! (plot frame, legend placement); writes no markup.

use serde::Serialize;

pub const W: f64 = 760.0;
pub const H: f64 = 300.0;
pub const LEFT: f64 = 64.0;
pub const RIGHT: f64 = 16.0;
pub const TOP: f64 = 16.0;
pub const BOTTOM: f64 = 44.0;
/// Width of one character of the charts' 11 px text, a little generous (layout only has
/// the text's length, not the reader's font): keeps labels from being clipped or overlapping.
pub const CHAR_W: f64 = 6.6;
/// Line height of the charts' text.
const LINE_H: f64 = 13.0;

/// One chart, ready for its template. The default templates draw, in order: `y_grid`,
/// `areas`, the kind's marks (`rects`, `rows`, `dots`), `lines`, `markers`, the baseline and
/// `x_ticks`, then the `legend`.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// Which template draws it: `charts/<kind>.svg`.
    pub kind: &'static str,
    /// HTML id of the figure (`chart-counts`); the SVG's title and desc ids derive from it.
    pub id: String,
    pub title: String,
    /// One sentence on how to read the chart (the SVG's `<desc>`).
    pub desc: String,
    pub width: f64,
    pub height: f64,
    /// The plot area: x from `left` to `right`, y from `top` to `bottom` (the baseline).
    pub plot: Frame,
    /// Horizontal grid lines with their value label (count, duration or share), at `at` = y.
    pub y_grid: Vec<Tick>,
    /// Labels under the baseline, at `at` = x (already thinned so they never overlap).
    pub x_ticks: Vec<Tick>,
    /// Bars (stacked counts, histogram bins).
    pub rects: Vec<Rect>,
    /// Points (one per incident).
    pub dots: Vec<Dot>,
    /// Filled shapes drawn under the marks (the rolling median–p90 band).
    pub areas: Vec<Path>,
    /// Lines drawn over the marks (the rolling median).
    pub lines: Vec<Path>,
    /// Vertical reference lines with a label (median, p90).
    pub markers: Vec<Marker>,
    /// Rows of a per-category chart: the label left of the plot and the quartile box.
    pub rows: Vec<Row>,
    /// Swatches in one row under the plot; entries that do not fit are counted in `more`.
    pub legend: Vec<LegendEntry>,
    pub legend_more: Option<LegendMore>,
    /// Baseline of the legend's text.
    pub legend_y: f64,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Frame {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tick {
    pub at: f64,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rect {
    /// CSS classes (`series-3`, `bar`).
    pub class: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// Tooltip text.
    pub tip: String,
}

#[derive(Debug, Clone, Serialize)]
/// A point: one incident. Its radius and class are the template's (a 10,000-point chart
/// renders each field 10,000 times).
pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub tip: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Path {
    pub class: &'static str,
    /// SVG path data (`M…L…`, closed with `Z` for areas).
    pub d: String,
    pub tip: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Marker {
    pub class: &'static str,
    pub x: f64,
    pub label: String,
    /// Where the label goes: right of the line, or left of it near the right edge so it is
    /// never clipped (`anchor` is `start` or `end`); a line lower when it would overlap an
    /// earlier marker's label.
    pub label_x: f64,
    pub label_y: f64,
    pub anchor: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The category's name, shortened with "…" to fit the label column (`name` is whole).
    pub label: String,
    pub name: String,
    /// Incidents in the row.
    pub n: usize,
    /// Centre line of the row, and the x where its label ends.
    pub y: f64,
    pub label_x: f64,
    /// The 25th–75th percentile box and the median bar, when the row has values.
    pub quartiles: Option<Quartiles>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quartiles {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// x of the median bar, which spans the box's height (`y` to `y2`).
    pub median: f64,
    pub y2: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LegendEntry {
    pub class: String,
    pub x: f64,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LegendMore {
    pub x: f64,
    /// Entries left out.
    pub count: usize,
}

/// Pixels as the templates print them: 0.1 px is finer than any screen needs, and short
/// numbers keep a 10,000-point chart small. Not-a-number (an empty domain) becomes 0.
pub fn px(v: f64) -> f64 {
    let r = (v * 10.0).round() / 10.0;
    if r.is_finite() && r != 0.0 {
        r
    } else {
        0.0
    }
}

/// `label` cut to at most `max` characters, ending in "…" when cut.
pub fn fit(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        return label.to_string();
    }
    let mut out: String = label.chars().take(max.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// Text without the control characters XML cannot hold (escaping is the template's).
pub fn text(s: &str) -> String {
    if !s.chars().any(forbidden) {
        return s.to_string();
    }
    s.chars().filter(|c| !forbidden(*c)).collect()
}

fn forbidden(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
}

impl Figure {
    pub fn new(kind: &'static str, id: &str, title: &str, desc: &str) -> Figure {
        Figure {
            kind,
            id: id.to_string(),
            title: text(title),
            desc: text(desc),
            width: W,
            height: H,
            plot: Frame {
                left: LEFT,
                right: W - RIGHT,
                top: TOP,
                bottom: H - BOTTOM,
            },
            y_grid: Vec::new(),
            x_ticks: Vec::new(),
            rects: Vec::new(),
            dots: Vec::new(),
            areas: Vec::new(),
            lines: Vec::new(),
            markers: Vec::new(),
            rows: Vec::new(),
            legend: Vec::new(),
            legend_more: None,
            legend_y: H - 7.0,
        }
    }

    /// A vertical count axis from 0 to a round number at or above `max`, with its grid
    /// lines; returns the map from counts to pixels.
    pub fn count_axis(&mut self, max: f64) -> super::scale::Linear {
        let ticks = super::scale::nice_ticks(max);
        let y = super::scale::Linear {
            d0: 0.0,
            d1: *ticks.last().unwrap_or(&1.0),
            r0: H - BOTTOM,
            r1: TOP,
        };
        for t in &ticks {
            self.hgrid(y.at(*t), &super::scale::num(*t));
        }
        y
    }

    pub fn hgrid(&mut self, y: f64, label: &str) {
        self.y_grid.push(Tick {
            at: px(y),
            label: text(label),
        });
    }

    pub fn xtick(&mut self, x: f64, label: &str) {
        self.x_ticks.push(Tick {
            at: px(x),
            label: text(label),
        });
    }

    pub fn rect(&mut self, class: String, x: f64, y: f64, w: f64, h: f64, tip: &str) {
        self.rects.push(Rect {
            class,
            x: px(x),
            y: px(y),
            w: px(w.max(0.0)),
            h: px(h.max(0.0)),
            tip: text(tip),
        });
    }

    pub fn dot(&mut self, x: f64, y: f64, tip: &str) {
        self.dots.push(Dot {
            x: px(x),
            y: px(y),
            tip: text(tip),
        });
    }

    /// SVG path data through `points`; `close` makes it an area. `None` without points.
    pub fn path(class: &'static str, points: &[(f64, f64)], close: bool, tip: &str) -> Option<Path> {
        use std::fmt::Write;
        if points.is_empty() {
            return None;
        }
        let mut d = String::new();
        for (k, (x, y)) in points.iter().enumerate() {
            let _ = write!(d, "{}{},{}", if k == 0 { "M" } else { "L" }, px(*x), px(*y));
        }
        if close {
            d.push('Z');
        }
        Some(Path {
            class,
            d,
            tip: text(tip),
        })
    }

    pub fn marker(&mut self, class: &'static str, x: f64, label: &str) {
        // Near the right edge the label goes left of the line so it is never clipped.
        let width = label.chars().count() as f64 * CHAR_W;
        let (label_x, anchor, x0) = if x + 4.0 + width > W - RIGHT {
            (x - 4.0, "end", x - 4.0 - width)
        } else {
            (x + 4.0, "start", x + 4.0)
        };
        let mut label_y = TOP + 10.0;
        while self.markers.iter().any(|m| {
            let w = m.label.chars().count() as f64 * CHAR_W;
            let m0 = if m.anchor == "end" {
                m.label_x - w
            } else {
                m.label_x
            };
            m.label_y == px(label_y) && m0 < x0 + width + 6.0 && x0 < m0 + w + 6.0
        }) {
            label_y += LINE_H;
        }
        self.markers.push(Marker {
            class,
            x: px(x),
            label: text(label),
            label_x: px(label_x),
            label_y: px(label_y),
            anchor,
        });
    }

    /// One row of swatches under the plot. Entries that would run past the right edge are
    /// not drawn half-clipped: the row ends with "+N more" (the data table lists them all).
    pub fn legend(&mut self, entries: &[(String, String)]) {
        let width = |name: &str| 22.0 + name.chars().count() as f64 * CHAR_W;
        let more_width = 80.0;
        let mut x = LEFT;
        for (i, (class, name)) in entries.iter().enumerate() {
            let rest = entries.len() - i;
            let room = if rest > 1 {
                W - RIGHT - more_width
            } else {
                W - RIGHT
            };
            if x + width(name) > room {
                // A little apart from the last name, so it does not read as part of it.
                self.legend_more = Some(LegendMore {
                    x: px(x + 10.0),
                    count: rest,
                });
                return;
            }
            self.legend.push(LegendEntry {
                class: class.clone(),
                x: px(x),
                label: text(name),
            });
            x += width(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_legend_ends_in_a_count_instead_of_running_off_the_chart() {
        let entries: Vec<(String, String)> = (0..13)
            .map(|i| (format!("c{i}"), format!("Category name {i}")))
            .collect();
        let mut f = Figure::new("counts", "c", "t", "d");
        f.legend(&entries);
        let drawn = f.legend.len();
        assert!(drawn > 0 && drawn < 13, "{drawn}");
        assert_eq!(f.legend_more.as_ref().map(|m| m.count), Some(13 - drawn));
        let last = f.legend.last().unwrap();
        assert!(last.x + 22.0 + last.label.len() as f64 * 6.6 <= W - RIGHT);
        let mut short = Figure::new("counts", "c", "t", "d");
        short.legend(&entries[..2]);
        assert_eq!(short.legend.len(), 2);
        assert!(short.legend_more.is_none());
    }

    #[test]
    fn marker_labels_never_overlap_or_leave_the_chart() {
        let mut f = Figure::new("distribution", "d", "t", "d");
        f.marker("median-marker", 300.0, "median 52 min");
        f.marker("p90-marker", 330.0, "p90 4 h 12 min");
        f.marker("far", 600.0, "far away");
        f.marker("edge", W - RIGHT - 5.0, "p90 3 wk 4 d");
        let [a, b, c, d] = &f.markers[..] else { panic!() };
        assert_eq!(a.label_y, b.label_y - LINE_H, "the close one goes a line lower");
        assert_eq!(c.label_y, a.label_y, "a distant one stays on the first line");
        assert_eq!(
            (d.anchor, d.label_y),
            ("end", a.label_y + LINE_H),
            "left of its line, below the other"
        );
        assert!(d.label_x <= W - RIGHT);
    }

    #[test]
    fn fit_shortens_long_labels_only() {
        assert_eq!(fit("Third-party dependency", 12), "Third-party…");
        assert_eq!(fit("DNS", 12), "DNS");
    }

    #[test]
    fn pixels_are_rounded_and_always_finite() {
        assert_eq!(px(12.345), 12.3);
        assert_eq!(px(-0.01), 0.0);
        assert_eq!(px(f64::NAN), 0.0);
        assert_eq!(px(f64::INFINITY), 0.0);
    }

    #[test]
    fn text_drops_what_xml_cannot_hold_and_keeps_the_rest() {
        assert_eq!(text("a\u{1}b\tc<&>\u{FFFF}"), "ab\tc<&>");
        assert_eq!(text("plain"), "plain");
    }
}

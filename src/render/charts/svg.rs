//! Scales, ticks and SVG element writing shared by the charts.

use crate::render::exports::xml_escape;
use std::fmt::Write;

pub const W: f64 = 760.0;
pub const H: f64 = 300.0;
pub const LEFT: f64 = 64.0;
pub const RIGHT: f64 = 16.0;
pub const TOP: f64 = 16.0;
pub const BOTTOM: f64 = 44.0;

/// Linear map from a data domain to pixels.
#[derive(Debug, Clone, Copy)]
pub struct Linear {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl Linear {
    pub fn at(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span == 0.0 {
            return (self.r0 + self.r1) / 2.0;
        }
        self.r0 + (v - self.d0) / span * (self.r1 - self.r0)
    }
}

/// Log10 map (values are clamped to at least `d0`).
#[derive(Debug, Clone, Copy)]
pub struct Log {
    pub lin: Linear,
}

impl Log {
    pub fn new(min: f64, max: f64, r0: f64, r1: f64) -> Log {
        let lo = min.max(1.0).log10();
        let hi = max.max(min.max(1.0) * 10.0).log10();
        Log {
            lin: Linear {
                d0: lo,
                d1: hi,
                r0,
                r1,
            },
        }
    }
    pub fn at(&self, v: f64) -> f64 {
        self.lin.at(v.max(10f64.powf(self.lin.d0)).log10())
    }
    pub fn contains(&self, v: f64) -> bool {
        let l = v.log10();
        l >= self.lin.d0 - 1e-9 && l <= self.lin.d1 + 1e-9
    }
}

/// Duration ticks a reader knows: 1 min … 4 weeks, in minutes, with short labels.
pub const DURATION_TICKS: &[(f64, &str)] = &[
    (1.0, "1 min"),
    (5.0, "5 min"),
    (15.0, "15 min"),
    (60.0, "1 h"),
    (240.0, "4 h"),
    (1440.0, "1 d"),
    (10080.0, "1 wk"),
    (40320.0, "4 wk"),
];

/// "Nice" linear ticks from 0 to at least `max`: steps of 1, 2 or 5 × 10^k, about 5 ticks.
pub fn nice_ticks(max: f64) -> Vec<f64> {
    let max = if max <= 0.0 { 1.0 } else { max };
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
        .max(if max < 5.0 { 1.0 } else { 0.0 });
    let mut out = Vec::new();
    let mut v = 0.0;
    while v < max + step * 0.999 {
        out.push(v);
        v += step;
    }
    out
}

pub fn num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// An SVG document being written.
pub struct Svg {
    pub out: String,
}

impl Svg {
    pub fn open(id: &str, label: &str, desc: &str) -> Svg {
        let mut out = String::new();
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" \
             aria-labelledby=\"{id}-t {id}-d\" aria-label=\"{l}\"><title id=\"{id}-t\">{l}</title>\
             <desc id=\"{id}-d\">{d}</desc>",
            l = xml_escape(label),
            d = xml_escape(desc)
        );
        Svg { out }
    }

    pub fn close(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }

    /// A vertical count axis from 0 to a round number at or above `max`, with its grid
    /// lines and labels drawn; returns the map from counts to pixels.
    pub fn count_axis(&mut self, max: f64) -> Linear {
        let ticks = nice_ticks(max);
        let y = Linear {
            d0: 0.0,
            d1: *ticks.last().unwrap_or(&1.0),
            r0: H - BOTTOM,
            r1: TOP,
        };
        for t in &ticks {
            self.hgrid(y.at(*t), &num(*t));
        }
        y
    }

    pub fn hgrid(&mut self, y: f64, label: &str) {
        let _ = write!(
            self.out,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            xml_escape(label)
        );
    }

    pub fn xtick(&mut self, x: f64, label: &str) {
        let _ = write!(
            self.out,
            "<line class=\"axis\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{b:.1}\" y2=\"{:.1}\"/>\
             <text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            H - BOTTOM + 5.0,
            H - BOTTOM + 18.0,
            xml_escape(label),
            b = H - BOTTOM
        );
    }

    pub fn baseline(&mut self) {
        let _ = write!(
            self.out,
            "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>",
            W - RIGHT,
            y = H - BOTTOM
        );
    }

    pub fn rect(&mut self, class: &str, x: f64, y: f64, w: f64, h: f64, tip: &str) {
        let _ = write!(
            self.out,
            "<rect class=\"mark {class}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{}</title></rect>",
            w.max(0.0),
            h.max(0.0),
            xml_escape(tip)
        );
    }

    pub fn circle(&mut self, class: &str, x: f64, y: f64, r: f64, tip: &str) {
        let _ = write!(
            self.out,
            "<circle class=\"mark {class}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r}\"><title>{}</title></circle>",
            xml_escape(tip)
        );
    }

    /// A path through points (polyline); `close` makes it an area.
    pub fn path(&mut self, class: &str, points: &[(f64, f64)], close: bool, tip: &str) {
        if points.is_empty() {
            return;
        }
        let mut d = String::new();
        for (k, (x, y)) in points.iter().enumerate() {
            let _ = write!(d, "{}{x:.1},{y:.1}", if k == 0 { "M" } else { "L" });
        }
        if close {
            d.push('Z');
        }
        let _ = write!(
            self.out,
            "<path class=\"{class}\" d=\"{d}\"><title>{}</title></path>",
            xml_escape(tip)
        );
    }

    pub fn vline(&mut self, class: &str, x: f64, label: &str) {
        // Near the right edge the label goes left of the line so it is never clipped.
        let (lx, anchor) = if x > W - 140.0 {
            (x - 4.0, "end")
        } else {
            (x + 4.0, "start")
        };
        let _ = write!(
            self.out,
            "<line class=\"{class}\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{TOP}\" y2=\"{:.1}\"/>\
             <text class=\"marker-label\" x=\"{lx:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
            H - BOTTOM,
            TOP + 10.0,
            xml_escape(label)
        );
    }

    /// One row of swatches under the plot. Entries that would run past the right edge are
    /// not drawn half-clipped: the row ends with "+N more" (the data table lists them all).
    pub fn legend(&mut self, entries: &[(String, String)]) {
        let width = |name: &str| 22.0 + name.chars().count() as f64 * 6.6;
        let more_width = 70.0;
        let mut x = LEFT;
        for (i, (class, name)) in entries.iter().enumerate() {
            let rest = entries.len() - i;
            let room = if rest > 1 {
                W - RIGHT - more_width
            } else {
                W - RIGHT
            };
            if x + width(name) > room {
                let _ = write!(
                    self.out,
                    "<text class=\"legend legend-more\" x=\"{x:.1}\" y=\"{:.1}\">+{rest} more</text>",
                    H - 7.0
                );
                return;
            }
            let _ = write!(
                self.out,
                "<rect class=\"legend-swatch {class}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\"/>\
                 <text class=\"legend\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                H - 16.0,
                x + 14.0,
                H - 7.0,
                xml_escape(name)
            );
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
        let mut svg = Svg { out: String::new() };
        svg.legend(&entries);
        let drawn = svg.out.matches("legend-swatch").count();
        assert!(drawn > 0 && drawn < 13, "{drawn}");
        assert!(svg.out.contains(&format!("+{} more", 13 - drawn)), "{}", svg.out);
        let mut short = Svg { out: String::new() };
        short.legend(&entries[..2]);
        assert_eq!(short.out.matches("legend-swatch").count(), 2);
        assert!(!short.out.contains("more"));
    }

    #[test]
    fn nice_ticks_cover_the_maximum() {
        assert_eq!(nice_ticks(7.0), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(nice_ticks(3.0), vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(nice_ticks(100.0), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
    }

    #[test]
    fn log_scale_maps_decades_evenly() {
        let s = Log::new(1.0, 1000.0, 0.0, 300.0);
        assert!((s.at(1.0) - 0.0).abs() < 1e-9);
        assert!((s.at(10.0) - 100.0).abs() < 1e-9);
        assert!((s.at(1000.0) - 300.0).abs() < 1e-9);
    }
}

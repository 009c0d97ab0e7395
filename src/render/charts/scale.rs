//! Scales and ticks: data values to pixels, and the tick values a reader knows. No markup.

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

#[cfg(test)]
mod tests {
    use super::*;

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

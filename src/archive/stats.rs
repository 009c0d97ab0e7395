//! Statistics the archive pages show: order statistics only (median, percentiles, ECDF,
//! log-spaced bins). Durations are heavy-tailed, so nothing here computes a mean.
//!
//! Definition used everywhere: the q-quantile of n sorted values x₀ ≤ … ≤ xₙ₋₁ is the
//! linear interpolation between closest ranks (Hyndman & Fan type 7, the default of R,
//! NumPy and spreadsheet `PERCENTILE.INC`): h = (n − 1)·q, Q(q) = x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋).
//! So the median of 1, 2, 3, 4 is 2.5 and the p90 of 1…10 is 9.1.
//!
//! Pure functions over numbers; this module knows nothing about postmortems.

/// The q-quantile (0 ≤ q ≤ 1) of values already sorted ascending, by linear interpolation
/// (see the module docs). `None` for an empty slice.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let q = q.clamp(0.0, 1.0);
    let h = (n - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// Sort finite values ascending, dropping NaN and infinities.
pub fn sorted_finite(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// The five-number summary plus p90, and the sample size it rests on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub p90: f64,
    pub max: f64,
}

impl Summary {
    /// `None` when there are no finite values.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Summary> {
        Summary::of_sorted(&sorted_finite(values))
    }

    pub fn of_sorted(sorted: &[f64]) -> Option<Summary> {
        let q = |p| quantile_sorted(sorted, p);
        Some(Summary {
            n: sorted.len(),
            min: *sorted.first()?,
            q1: q(0.25)?,
            median: q(0.5)?,
            q3: q(0.75)?,
            p90: q(0.9)?,
            max: *sorted.last()?,
        })
    }
}

/// The empirical CDF as steps: for each distinct value x (ascending), the share of values
/// ≤ x. The last step is always 1.
pub fn ecdf(sorted: &[f64]) -> Vec<(f64, f64)> {
    let n = sorted.len() as f64;
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (i, &x) in sorted.iter().enumerate() {
        let share = (i + 1) as f64 / n;
        match out.last_mut() {
            Some(last) if last.0 == x => last.1 = share,
            _ => out.push((x, share)),
        }
    }
    out
}

/// One bin of a log-spaced histogram: values v with `lo ≤ v < hi`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogBin {
    pub lo: f64,
    pub hi: f64,
    pub count: usize,
}

/// Histogram of positive values on log-spaced edges 10^(k/per_decade), covering the data
/// from the edge at or below the smallest value to the edge above the largest. Bins are
/// half-open `[lo, hi)`, so a value equal to an edge counts in the bin that starts there.
/// Values ≤ 0 cannot sit on a log axis and are skipped (the caller reports how many).
pub fn log_bins(sorted: &[f64], per_decade: u32) -> Vec<LogBin> {
    let per = per_decade.max(1) as f64;
    let positive: Vec<f64> = sorted.iter().copied().filter(|v| *v > 0.0).collect();
    let (Some(&min), Some(&max)) = (positive.first(), positive.last()) else {
        return Vec::new();
    };
    // Edge index k such that 10^(k/per) ≤ v; a small epsilon keeps exact edges (10, 100)
    // from falling one bin low through floating-point error.
    let index = |v: f64| (v.log10() * per + 1e-9).floor() as i64;
    let first = index(min);
    let last = index(max);
    let edge = |k: i64| 10f64.powf(k as f64 / per);
    let mut bins: Vec<LogBin> = (first..=last)
        .map(|k| LogBin {
            lo: edge(k),
            hi: edge(k + 1),
            count: 0,
        })
        .collect();
    for v in positive {
        let k = (index(v) - first) as usize;
        bins[k].count += 1;
    }
    bins
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_p90_by_linear_interpolation() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(quantile_sorted(&v, 0.5), Some(5.5));
        assert!((quantile_sorted(&v, 0.9).unwrap() - 9.1).abs() < 1e-9);
        assert_eq!(quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.5));
        assert_eq!(quantile_sorted(&[1.0, 2.0, 3.0], 0.5), Some(2.0));
        assert_eq!(quantile_sorted(&v, 0.0), Some(1.0));
        assert_eq!(quantile_sorted(&v, 1.0), Some(10.0));
    }

    #[test]
    fn empty_and_single_value() {
        assert_eq!(quantile_sorted(&[], 0.5), None);
        assert_eq!(Summary::of([]), None);
        let s = Summary::of([42.0]).unwrap();
        assert_eq!((s.n, s.min, s.median, s.p90, s.max), (1, 42.0, 42.0, 42.0, 42.0));
        assert_eq!(ecdf(&[]), vec![]);
        assert_eq!(log_bins(&[], 4), vec![]);
    }

    #[test]
    fn summary_ignores_order_and_non_finite_values() {
        let s = Summary::of([30.0, f64::NAN, 10.0, 20.0, 1000.0, f64::INFINITY]).unwrap();
        assert_eq!(s.n, 4);
        assert_eq!(s.median, 25.0);
        assert_eq!((s.min, s.max), (10.0, 1000.0));
        // h = 3 × 0.9 = 2.7 → 30 + 0.7 × 970
        assert!((s.p90 - 709.0).abs() < 1e-9);
        assert_eq!(s.q1, 17.5);
    }

    #[test]
    fn ecdf_merges_ties_and_ends_at_one() {
        assert_eq!(
            ecdf(&[1.0, 2.0, 2.0, 5.0]),
            vec![(1.0, 0.25), (2.0, 0.75), (5.0, 1.0)]
        );
    }

    #[test]
    fn log_bins_are_half_open_on_decade_edges() {
        // One bin per decade: [1,10), [10,100), [100,1000).
        let bins = log_bins(&[0.0, 1.0, 9.99, 10.0, 99.0, 100.0], 1);
        let counts: Vec<usize> = bins.iter().map(|b| b.count).collect();
        assert_eq!(counts, vec![2, 2, 1], "0 is skipped, 10 and 100 start their bins");
        assert!((bins[0].lo - 1.0).abs() < 1e-9 && (bins[2].hi - 1000.0).abs() < 1e-9);
        // Two bins per decade: the edge between 10 and 100 is √1000 ≈ 31.6.
        let bins = log_bins(&[10.0, 31.0, 32.0], 2);
        assert_eq!(bins.iter().map(|b| b.count).collect::<Vec<_>>(), vec![2, 1]);
        assert_eq!(bins.iter().map(|b| b.count).sum::<usize>(), 3);
    }
}

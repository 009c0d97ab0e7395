//! Trends: incidents over time. Chooses the time bucket (month, quarter or year) from the
//! archive's span, counts incidents per bucket and category, and computes the rolling
//! median and p90 of duration over a trailing window of buckets.
//!
//! Cost: one pass to bucket, then one sort per bucket of its trailing window's durations,
//! O(n·w·log n) for a window of w buckets. Numbers only; the charts are `render::charts`.

use super::stats::{quantile_sorted, sorted_finite};
use super::{duration_of, Archive};
use crate::model::Postmortem;
use jiff::civil::Date;

/// Below this many incidents in a window (or in the archive) a trend is not worth reading;
/// the page says so instead of drawing a line through noise.
pub const MIN_FOR_TREND: usize = 5;

/// Ordered by length: month < quarter < year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Month,
    Quarter,
    Year,
}

impl Period {
    /// Months up to three years, quarters up to twelve years, years beyond: keeps the
    /// count chart between roughly 12 and 48 bars.
    pub fn for_span(first: Date, last: Date) -> Period {
        let months = (i32::from(last.year()) * 12 + i32::from(last.month()))
            - (i32::from(first.year()) * 12 + i32::from(first.month()))
            + 1;
        match months {
            ..=36 => Period::Month,
            37..=144 => Period::Quarter,
            _ => Period::Year,
        }
    }

    fn per_year(self) -> i32 {
        match self {
            Period::Month => 12,
            Period::Quarter => 4,
            Period::Year => 1,
        }
    }

    /// Buckets in the rolling window: half a year of months, a year of quarters, two years.
    pub fn window(self) -> usize {
        match self {
            Period::Month => 6,
            Period::Quarter => 4,
            Period::Year => 2,
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }
}

/// One month, quarter or year, as a running number so consecutive buckets differ by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bucket {
    pub period: Period,
    pub ordinal: i32,
}

impl Bucket {
    pub fn of(date: Date, period: Period) -> Bucket {
        let m = i32::from(date.month()) - 1;
        let within = match period {
            Period::Month => m,
            Period::Quarter => m / 3,
            Period::Year => 0,
        };
        Bucket {
            period,
            ordinal: i32::from(date.year()) * period.per_year() + within,
        }
    }

    pub fn next(self) -> Bucket {
        Bucket {
            ordinal: self.ordinal + 1,
            ..self
        }
    }

    /// First day of the bucket.
    pub fn start(self) -> Date {
        let per = self.period.per_year();
        let year = self.ordinal.div_euclid(per);
        let within = self.ordinal.rem_euclid(per);
        let month = match self.period {
            Period::Month => within + 1,
            Period::Quarter => within * 3 + 1,
            Period::Year => 1,
        };
        Date::new(year as i16, month as i8, 1).unwrap_or(Date::MIN)
    }

    /// "2023-05", "2023 Q2", "2023".
    pub fn label(self) -> String {
        let d = self.start();
        match self.period {
            Period::Month => format!("{}-{:02}", d.year(), d.month()),
            Period::Quarter => format!("{} Q{}", d.year(), (d.month() - 1) / 3 + 1),
            Period::Year => d.year().to_string(),
        }
    }
}

/// Incidents started in one bucket, per category (aligned with `Trends::categories`).
#[derive(Debug, Clone, PartialEq)]
pub struct BucketCount {
    pub bucket: Bucket,
    pub counts: Vec<usize>,
    pub total: usize,
}

/// Duration statistics over the trailing window that ends with `bucket`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rolling {
    pub bucket: Bucket,
    /// Incidents with a duration in the window.
    pub n: usize,
    /// `None` when `n` < [`MIN_FOR_TREND`].
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trends {
    /// `None` for an archive with no dated incident.
    pub period: Option<Period>,
    /// Category slugs in stacking order: most incidents first, unclassified (`None`) last.
    pub categories: Vec<Option<String>>,
    /// Every bucket from the first dated incident's to the last's, empty ones included.
    pub buckets: Vec<BucketCount>,
    pub rolling: Vec<Rolling>,
    pub dated: usize,
    pub undated: usize,
}

impl Trends {
    pub fn new(archive: &Archive) -> Trends {
        Trends::of(&archive.postmortems.iter().collect::<Vec<_>>())
    }

    /// Trends of any subset of postmortems (a category's, say), without copying them.
    pub fn of(postmortems: &[&Postmortem]) -> Trends {
        let dated: Vec<(Date, usize)> = postmortems
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.record.start.map(|s| (s.datetime.date(), i)))
            .collect();
        let undated = postmortems.len() - dated.len();
        let (Some(first), Some(last)) = (dated.iter().map(|d| d.0).min(), dated.iter().map(|d| d.0).max())
        else {
            return Trends {
                period: None,
                categories: Vec::new(),
                buckets: Vec::new(),
                rolling: Vec::new(),
                dated: 0,
                undated,
            };
        };
        let period = Period::for_span(first, last);
        let first_b = Bucket::of(first, period);
        let len = (Bucket::of(last, period).ordinal - first_b.ordinal + 1) as usize;

        // Category order: by count, then slug; unclassified last.
        let mut cat_counts: std::collections::HashMap<Option<&str>, usize> = Default::default();
        for &(_, i) in &dated {
            *cat_counts
                .entry(postmortems[i].record.root_cause.category.as_deref())
                .or_default() += 1;
        }
        let mut categories: Vec<(Option<&str>, usize)> = cat_counts.into_iter().collect();
        categories.sort_by(|a, b| {
            (a.0.is_none(), std::cmp::Reverse(a.1), a.0).cmp(&(b.0.is_none(), std::cmp::Reverse(b.1), b.0))
        });
        let slot: std::collections::HashMap<Option<&str>, usize> =
            categories.iter().enumerate().map(|(k, c)| (c.0, k)).collect();

        let mut buckets: Vec<BucketCount> = (0..len)
            .map(|k| BucketCount {
                bucket: Bucket {
                    period,
                    ordinal: first_b.ordinal + k as i32,
                },
                counts: vec![0; categories.len()],
                total: 0,
            })
            .collect();
        let mut durations: Vec<Vec<f64>> = vec![Vec::new(); len];
        for &(date, i) in &dated {
            let k = (Bucket::of(date, period).ordinal - first_b.ordinal) as usize;
            let r = &postmortems[i].record;
            buckets[k].counts[slot[&r.root_cause.category.as_deref()]] += 1;
            buckets[k].total += 1;
            if let Some(m) = duration_of(r) {
                durations[k].push(m as f64);
            }
        }
        let w = period.window();
        let rolling = (0..len)
            .map(|k| {
                let from = (k + 1).saturating_sub(w);
                let window = sorted_finite(durations[from..=k].iter().flatten().copied());
                let enough = window.len() >= MIN_FOR_TREND;
                Rolling {
                    bucket: buckets[k].bucket,
                    n: window.len(),
                    median: enough.then(|| quantile_sorted(&window, 0.5)).flatten(),
                    p90: enough.then(|| quantile_sorted(&window, 0.9)).flatten(),
                }
            })
            .collect();
        Trends {
            period: Some(period),
            categories: categories.into_iter().map(|c| c.0.map(str::to_string)).collect(),
            buckets,
            rolling,
            dated: dated.len(),
            undated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::testing::{pm, Pm};
    use jiff::civil::date;

    #[test]
    fn period_follows_the_span() {
        assert_eq!(
            Period::for_span(date(2023, 1, 1), date(2023, 1, 1)),
            Period::Month
        );
        assert_eq!(
            Period::for_span(date(2021, 1, 1), date(2023, 12, 31)),
            Period::Month
        );
        assert_eq!(
            Period::for_span(date(2021, 1, 1), date(2024, 1, 1)),
            Period::Quarter
        );
        assert_eq!(
            Period::for_span(date(2012, 1, 1), date(2023, 12, 1)),
            Period::Quarter
        );
        assert_eq!(Period::for_span(date(2012, 1, 1), date(2024, 1, 1)), Period::Year);
    }

    #[test]
    fn bucket_boundaries() {
        let q = |d| Bucket::of(d, Period::Quarter);
        assert_eq!(q(date(2023, 3, 31)).label(), "2023 Q1");
        assert_eq!(q(date(2023, 4, 1)).label(), "2023 Q2");
        assert_eq!(q(date(2023, 12, 31)).next().label(), "2024 Q1");
        assert_eq!(q(date(2023, 12, 31)).next().start(), date(2024, 1, 1));
        let m = Bucket::of(date(2023, 12, 31), Period::Month);
        assert_eq!(m.label(), "2023-12");
        assert_eq!(m.next().label(), "2024-01");
        assert_eq!(Bucket::of(date(1999, 6, 6), Period::Year).label(), "1999");
    }

    #[test]
    fn counts_per_bucket_stack_by_category_with_empty_buckets_kept() {
        let archive = Archive::new(vec![
            pm(Pm {
                slug: "a",
                date: Some((2023, 1, 31)),
                category: Some("dns"),
                minutes: Some(10),
                ..Pm::default()
            }),
            pm(Pm {
                slug: "b",
                date: Some((2023, 1, 2)),
                category: Some("database"),
                ..Pm::default()
            }),
            pm(Pm {
                slug: "c",
                date: Some((2023, 3, 1)),
                category: Some("database"),
                ..Pm::default()
            }),
            pm(Pm {
                slug: "d",
                date: Some((2023, 3, 1)),
                ..Pm::default()
            }),
            pm(Pm {
                slug: "e",
                ..Pm::default()
            }),
        ]);
        let t = Trends::new(&archive);
        assert_eq!(t.period, Some(Period::Month));
        assert_eq!(
            t.categories,
            vec![Some("database".to_string()), Some("dns".to_string()), None]
        );
        let rows: Vec<(String, Vec<usize>)> = t
            .buckets
            .iter()
            .map(|b| (b.bucket.label(), b.counts.clone()))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("2023-01".into(), vec![1, 1, 0]),
                ("2023-02".into(), vec![0, 0, 0]),
                ("2023-03".into(), vec![1, 0, 1]),
            ]
        );
        assert_eq!((t.dated, t.undated), (4, 1));
        assert!(
            t.rolling.iter().all(|r| r.median.is_none()),
            "one duration is too few"
        );
    }

    #[test]
    fn rolling_window_median_and_p90() {
        // Six months, durations 10..=60 one per month; window 6 months.
        let specs: Vec<_> = (1..=6)
            .map(|m| {
                pm(Pm {
                    slug: ["a", "b", "c", "d", "e", "f"][m - 1],
                    date: Some((2023, m as i8, 15)),
                    minutes: Some(m as i64 * 10),
                    ..Pm::default()
                })
            })
            .collect();
        let t = Trends::new(&Archive::new(specs));
        let last = t.rolling.last().unwrap();
        assert_eq!(last.n, 6);
        assert_eq!(last.median, Some(35.0));
        assert_eq!(last.p90, Some(55.0));
        assert_eq!(t.rolling[3].n, 4);
        assert_eq!(t.rolling[3].median, None, "4 < MIN_FOR_TREND");
        assert_eq!(t.rolling[4].median, Some(30.0));
    }

    #[test]
    fn empty_archive_has_no_period() {
        let t = Trends::new(&Archive::new(vec![]));
        assert_eq!(t.period, None);
        assert!(t.buckets.is_empty() && t.rolling.is_empty());
    }
}

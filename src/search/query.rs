//! Queries: what a person types → matching postmortems, ranked, with snippets.
//!
//! The query language is small and forgiving, and `search.js` implements the same rules:
//! - words are tokenised like the documents ([`super::tokenize`]) and all must match;
//! - `"quoted words"` must appear as a phrase (the static index, which has no positions,
//!   treats a phrase as all of its words);
//! - a word that is in no document is replaced by up to [`MAX_EXPANSIONS`] indexed words
//!   it is a prefix of (`certif` → `certificate`), or failing that, by words one typo away
//!   that share its first two letters (`certifcate` → `certificate`);
//! - a match in the title counts most, then the root-cause summary, services and tags,
//!   then the body (BM25 in each field, weighted; see [`super::index`]).
//!
//! Filters (category, service, severity, year, since/until) restrict without scoring;
//! results sort by relevance (ties: newest first), date, duration or impact.

use super::index::{facet_path, SearchIndex};
use super::tokenize::{self, within_one_edit};
use super::SearchError;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term};

/// How many indexed words a missing word may expand to (prefix or typo).
pub const MAX_EXPANSIONS: usize = 5;

/// Characters of body text in a snippet.
pub const SNIPPET_CHARS: usize = 180;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Relevance,
    /// Newest first.
    Date,
    /// Longest first.
    Duration,
    /// Largest share of users first.
    Impact,
}

impl std::str::FromStr for Sort {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "relevance" => Ok(Sort::Relevance),
            "date" => Ok(Sort::Date),
            "duration" => Ok(Sort::Duration),
            "impact" => Ok(Sort::Impact),
            other => Err(format!(
                "unknown sort {other:?}; use relevance, date, duration or impact"
            )),
        }
    }
}

/// Restrictions on which postmortems may match. Facet values are slugs (`dns`,
/// `payments-api`, `sev1`), as in the site's URLs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub category: Option<String>,
    pub service: Option<String>,
    pub severity: Option<String>,
    pub year: Option<i16>,
    /// Started on or after this day (UTC).
    pub since: Option<Date>,
    /// Started on or before this day (UTC).
    pub until: Option<Date>,
}

#[derive(Debug, Clone, Default)]
pub struct Request {
    pub text: String,
    pub filters: Filters,
    pub sort: Sort,
    pub limit: usize,
}

/// One part of a parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// One term (already tokenised and stemmed).
    Word(String),
    /// Terms that must appear in this order.
    Phrase(Vec<String>),
}

/// Split query text into clauses: quoted phrases, and words. A word the tokeniser splits
/// into several terms (`tls-1.2`) is a phrase.
pub fn parse(text: &str) -> Vec<Clause> {
    let mut analyzer = tokenize::analyzer();
    let mut out = Vec::new();
    for (i, part) in text.split('"').enumerate() {
        let quoted = i % 2 == 1;
        let pieces: Vec<&str> = if quoted {
            vec![part]
        } else {
            part.split_whitespace().collect()
        };
        for piece in pieces {
            let terms: Vec<String> = tokenize::tokens(&mut analyzer, piece)
                .into_iter()
                .map(|t| t.term)
                .collect();
            match terms.len() {
                0 => {}
                1 => out.push(Clause::Word(terms.into_iter().next().unwrap_or_default())),
                _ => out.push(Clause::Phrase(terms)),
            }
        }
    }
    out
}

/// A clause resolved against the index: the terms it matches (one, or its expansions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolved {
    /// The term as typed (stemmed).
    pub typed: String,
    /// Indexed terms used in its place; empty when nothing matched.
    pub terms: Vec<String>,
    pub phrase: bool,
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub ord: u32,
    pub score: f32,
    pub title: String,
    /// Relative to the site root (`incidents/<slug>/`).
    pub url: String,
    pub date: String,
    pub category: String,
    pub services: Vec<String>,
    pub severity: String,
    pub duration_minutes: Option<i64>,
    pub duration: String,
    pub impact_percent: Option<f64>,
    pub impact: String,
    /// `[start, end)` character offsets of the query's words in `title`, as in [`Snippet`]
    /// (the static index's search page marks them too).
    pub title_highlights: Vec<(usize, usize)>,
    pub snippet: Snippet,
}

/// A piece of text with the matched words marked: `highlights` are `[start, end)` offsets
/// in Unicode characters (not bytes) into `text`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    /// All matches, before `limit`.
    pub total: usize,
    pub query: Vec<Resolved>,
    pub hits: Vec<Hit>,
}

/// Run `req` against `index`, every filter applied by tantivy.
pub fn search(index: &SearchIndex, req: &Request) -> Result<Results, SearchError> {
    let (resolved, hits) = matches(index, req, true)?;
    results(index, req, resolved, hits)
}

/// Per query and facet kind, every value of the archive as `(slug, name, count)` in the
/// order the search page lists them; `count` is how many matches carry the value among
/// those passing every *other* active filter (so choosing a value does not zero its
/// siblings). The static index's shape: `search.js` shows either the same way.
pub type Facets = BTreeMap<&'static str, Vec<(String, String, usize)>>;

/// [`search`] plus [`Facets`] counted over the same matches. Facet filters are applied
/// here from `columns` rather than by tantivy, because counting needs the matches each
/// filter removes.
pub fn search_faceted(
    index: &SearchIndex,
    req: &Request,
    columns: &FacetColumns,
) -> Result<(Results, Facets), SearchError> {
    let (resolved, all) = matches(index, req, false)?;
    let (hits, facets) = columns.filter_and_count(&req.filters, all);
    Ok((results(index, req, resolved, hits)?, facets))
}

/// The facet kinds, in the order of [`FacetColumns`]' per-document arrays.
pub const FACET_KINDS: [&str; 4] = ["category", "service", "severity", "year"];

/// Each document's facet values by `ord` (as indexes into the archive-wide value lists):
/// what counting facets needs, without reading stored documents for every match.
#[derive(Debug, Clone, Default)]
pub struct FacetColumns {
    /// Per kind (in [`FACET_KINDS`] order): `(slug, name, archive-wide count)`, listed
    /// like the static index lists them (`static_index::FacetTable`): categories and
    /// services most common first, severities by slug, years newest first.
    values: [Vec<(String, String, usize)>; 4],
    /// Per document, per kind: indexes into `values`.
    docs: Vec<[Vec<u32>; 4]>,
}

impl FacetColumns {
    /// Built from the documents the index was built from, in `ord` order.
    pub fn new(docs: &[super::SearchDoc]) -> FacetColumns {
        let per_doc = |d: &super::SearchDoc| -> [Vec<(String, String)>; 4] {
            let pair = |v: &super::FacetValue| (v.slug.clone(), v.name.clone());
            [
                d.category.iter().map(pair).collect(),
                d.services.iter().map(pair).collect(),
                d.severity.iter().map(pair).collect(),
                d.year.iter().map(|y| (y.to_string(), y.to_string())).collect(),
            ]
        };
        let raw: Vec<[Vec<(String, String)>; 4]> = docs.iter().map(per_doc).collect();
        let mut values: [Vec<(String, String, usize)>; 4] = Default::default();
        let mut lookup: [BTreeMap<String, u32>; 4] = Default::default();
        for k in 0..4 {
            let mut counts: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
            for d in &raw {
                for (slug, name) in &d[k] {
                    counts.entry(slug).or_insert((name, 0)).1 += 1;
                }
            }
            let mut list: Vec<(String, String, usize)> = counts
                .into_iter()
                .map(|(s, (n, c))| (s.to_string(), n.to_string(), c))
                .collect();
            match FACET_KINDS[k] {
                "category" | "service" => list.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0))),
                "year" => list.reverse(),
                _ => {}
            }
            lookup[k] = list
                .iter()
                .enumerate()
                .map(|(i, v)| (v.0.clone(), i as u32))
                .collect();
            values[k] = list;
        }
        let docs = raw
            .iter()
            .map(|d| std::array::from_fn(|k| d[k].iter().map(|(slug, _)| lookup[k][slug]).collect()))
            .collect();
        FacetColumns { values, docs }
    }

    /// Keep the hits that pass every facet filter, and count facet values the way
    /// [`Facets`] describes. A filter naming a value no document has matches nothing.
    fn filter_and_count(&self, filters: &Filters, all: Vec<RawHit>) -> (Vec<RawHit>, Facets) {
        let slug = |v: &Option<String>| v.as_deref().map(crate::slug::slugify);
        let wanted: [Option<String>; 4] = [
            slug(&filters.category),
            slug(&filters.service),
            slug(&filters.severity),
            filters.year.map(|y| y.to_string()),
        ];
        // None: no filter; Some(None): a value nobody has; Some(Some(i)): value i.
        let wanted: [Option<Option<u32>>; 4] = std::array::from_fn(|k| {
            wanted[k]
                .as_ref()
                .map(|s| self.values[k].iter().position(|v| &v.0 == s).map(|i| i as u32))
        });
        let mut counts: [Vec<usize>; 4] = std::array::from_fn(|k| vec![0; self.values[k].len()]);
        let none: [Vec<u32>; 4] = Default::default();
        let mut kept = Vec::new();
        for h in all {
            let doc = self.docs.get(h.ord as usize).unwrap_or(&none);
            let fails = |k: usize| match wanted[k] {
                None => false,
                Some(w) => !w.is_some_and(|w| doc[k].contains(&w)),
            };
            let failing: Vec<usize> = (0..4).filter(|&k| fails(k)).collect();
            for (k, count) in counts.iter_mut().enumerate() {
                if failing.is_empty() || failing == [k] {
                    for &i in &doc[k] {
                        count[i as usize] += 1;
                    }
                }
            }
            if failing.is_empty() {
                kept.push(h);
            }
        }
        let facets = FACET_KINDS
            .iter()
            .enumerate()
            .map(|(k, kind)| {
                let list = self.values[k]
                    .iter()
                    .zip(&counts[k])
                    .map(|((s, n, _), &c)| (s.clone(), n.clone(), c))
                    .collect();
                (*kind, list)
            })
            .collect();
        (kept, facets)
    }
}

/// Every match of `req`'s words and date range, and of its facet filters too when
/// `facet_filters`; unsorted.
fn matches(
    index: &SearchIndex,
    req: &Request,
    facet_filters: bool,
) -> Result<(Vec<Resolved>, Vec<RawHit>), SearchError> {
    let tv = |source| SearchError::Tantivy {
        path: index.dir.clone(),
        source,
    };
    let searcher = index.reader.searcher();
    let f = index.fields;
    let clauses = parse(&req.text);
    let resolved = resolve(index, &clauses).map_err(tv)?;

    let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (clause, r) in clauses.iter().zip(&resolved) {
        if r.terms.is_empty() {
            return Ok((resolved, Vec::new()));
        }
        let q: Box<dyn Query> = match clause {
            Clause::Phrase(_) => Box::new(BooleanQuery::new(
                f.text()
                    .iter()
                    .map(|&(field, boost)| {
                        let terms = r.terms.iter().map(|t| Term::from_field_text(field, t)).collect();
                        let q: Box<dyn Query> =
                            Box::new(BoostQuery::new(Box::new(PhraseQuery::new(terms)), boost));
                        (Occur::Should, q)
                    })
                    .collect(),
            )),
            Clause::Word(_) => Box::new(BooleanQuery::new(
                r.terms
                    .iter()
                    .map(|t| (Occur::Should, term_in_all_fields(index, t)))
                    .collect(),
            )),
        };
        must.push((Occur::Must, q));
    }
    if must.is_empty() {
        return Ok((resolved, Vec::new()));
    }
    let filters = if facet_filters {
        req.filters.clone()
    } else {
        Filters {
            since: req.filters.since,
            until: req.filters.until,
            ..Filters::default()
        }
    };
    for q in filter_queries(index, &filters) {
        must.push((Occur::Must, Box::new(BoostQuery::new(q, 0.0))));
    }
    let query = BooleanQuery::new(must);
    let hits = searcher.search(&query, &AllHits).map_err(tv)?;
    Ok((resolved, hits))
}

/// Sort `hits`, keep `req.limit` of them and read what a result shows.
fn results(
    index: &SearchIndex,
    req: &Request,
    resolved: Vec<Resolved>,
    mut hits: Vec<RawHit>,
) -> Result<Results, SearchError> {
    let tv = |source| SearchError::Tantivy {
        path: index.dir.clone(),
        source,
    };
    let searcher = index.reader.searcher();
    let f = index.fields;
    sort_hits(&mut hits, req.sort);
    let total = hits.len();
    hits.truncate(req.limit);

    let mut terms_text: BTreeMap<String, Score> = BTreeMap::new();
    for r in &resolved {
        for t in &r.terms {
            let df = searcher.doc_freq(&Term::from_field_text(f.body, t)).unwrap_or(0);
            terms_text.insert(t.clone(), 1.0 / (1.0 + df as Score));
        }
    }
    let snippets_for = |field: Field| {
        let mut g = SnippetGenerator::new(terms_text.clone(), tokenize::analyzer(), field, SNIPPET_CHARS);
        g.set_max_num_chars(SNIPPET_CHARS);
        g
    };
    let (body_snippets, summary_snippets) = (snippets_for(f.body), snippets_for(f.summary));
    let mut out = Vec::with_capacity(hits.len());
    for h in hits {
        let doc: TantivyDocument = searcher.doc(h.address).map_err(tv)?;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        let all = |field: Field| {
            doc.get_all(field)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        };
        let body = text(f.body);
        let mut snippet = to_snippet(body_snippets.snippet(&body));
        if snippet.highlights.is_empty() {
            let from_summary = to_snippet(summary_snippets.snippet(&text(f.summary)));
            if !from_summary.highlights.is_empty() {
                snippet = from_summary;
            }
        }
        if snippet.text.is_empty() {
            snippet.text = body.chars().take(SNIPPET_CHARS).collect();
        }
        let title = text(f.title);
        out.push(Hit {
            ord: h.ord,
            score: h.score,
            title_highlights: highlights(&title, &terms_text),
            url: text(f.url),
            date: text(f.date),
            category: text(f.category_name),
            services: all(f.services),
            severity: text(f.severity),
            duration_minutes: h.duration,
            duration: text(f.duration_display),
            impact_percent: h.impact,
            impact: text(f.impact_display),
            title,
            snippet,
        });
    }
    Ok(Results {
        total,
        query: resolved,
        hits: out,
    })
}

/// A term searched in every text field, each with its boost.
fn term_in_all_fields(index: &SearchIndex, term: &str) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        index
            .fields
            .text()
            .iter()
            .map(|&(field, boost)| {
                let tq = TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::WithFreqs);
                let q: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(tq), boost));
                (Occur::Should, q)
            })
            .collect(),
    ))
}

fn filter_queries(index: &SearchIndex, filters: &Filters) -> Vec<Box<dyn Query>> {
    let f = index.fields;
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    let facet = |kind: &str, slug: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_facet(f.facet, &facet_path(kind, slug)),
            IndexRecordOption::Basic,
        ))
    };
    if let Some(c) = &filters.category {
        out.push(facet("category", &crate::slug::slugify(c)));
    }
    if let Some(s) = &filters.service {
        out.push(facet("service", &crate::slug::slugify(s)));
    }
    if let Some(s) = &filters.severity {
        out.push(facet("severity", &crate::slug::slugify(s)));
    }
    if let Some(y) = filters.year {
        out.push(facet("year", &y.to_string()));
    }
    if filters.since.is_some() || filters.until.is_some() {
        let day = |d: Date| {
            d.to_zoned(jiff::tz::TimeZone::UTC)
                .map(|z| z.timestamp().as_second())
                .unwrap_or(0)
        };
        let lower = filters
            .since
            .map(|d| {
                std::ops::Bound::Included(Term::from_field_date(
                    f.start,
                    tantivy::DateTime::from_timestamp_secs(day(d)),
                ))
            })
            .unwrap_or(std::ops::Bound::Unbounded);
        let upper = filters
            .until
            .map(|d| {
                let next = d.tomorrow().map(day).unwrap_or(i64::MAX / 2);
                std::ops::Bound::Excluded(Term::from_field_date(
                    f.start,
                    tantivy::DateTime::from_timestamp_secs(next),
                ))
            })
            .unwrap_or(std::ops::Bound::Unbounded);
        out.push(Box::new(RangeQuery::new(lower, upper)));
    }
    out
}

/// Resolve each clause's terms: exact when indexed, else prefix expansions, else typos.
pub fn resolve(index: &SearchIndex, clauses: &[Clause]) -> tantivy::Result<Vec<Resolved>> {
    let searcher = index.reader.searcher();
    let fields: Vec<Field> = index.fields.text().iter().map(|(f, _)| *f).collect();
    // The largest document frequency of `term` in any text field: how common a word is.
    let df = |term: &str| -> tantivy::Result<u64> {
        let mut best = 0;
        for &field in &fields {
            best = best.max(searcher.doc_freq(&Term::from_field_text(field, term))?);
        }
        Ok(best)
    };
    // Every indexed term (any field) in [from, to) of the dictionary's byte order.
    let range = |from: &str, to: &str| -> tantivy::Result<BTreeSet<String>> {
        let mut out = BTreeSet::new();
        for seg in searcher.segment_readers() {
            for &field in &fields {
                let inv = seg.inverted_index(field)?;
                let mut stream = inv
                    .terms()
                    .range()
                    .ge(from.as_bytes())
                    .lt(to.as_bytes())
                    .into_stream()?;
                while stream.advance() {
                    if let Ok(s) = std::str::from_utf8(stream.key()) {
                        out.insert(s.to_string());
                    }
                }
            }
        }
        Ok(out)
    };
    let best = |candidates: BTreeSet<String>| -> tantivy::Result<Vec<String>> {
        let mut scored = Vec::with_capacity(candidates.len());
        for c in candidates {
            scored.push((df(&c)?, c));
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        Ok(scored.into_iter().take(MAX_EXPANSIONS).map(|(_, t)| t).collect())
    };
    let mut out = Vec::with_capacity(clauses.len());
    for clause in clauses {
        match clause {
            Clause::Phrase(terms) => out.push(Resolved {
                typed: terms.join(" "),
                terms: terms.clone(),
                phrase: true,
            }),
            Clause::Word(term) => {
                let mut terms = Vec::new();
                let len = term.chars().count();
                if df(term)? > 0 {
                    terms.push(term.clone());
                } else if len >= 2 {
                    let prefixed = range(term, &format!("{term}\u{10FFFF}"))?;
                    terms = best(prefixed.into_iter().filter(|t| t != term).collect())?;
                    if terms.is_empty() && len >= 4 {
                        let first_two: String = term.chars().take(2).collect();
                        let near = range(&first_two, &format!("{first_two}\u{10FFFF}"))?
                            .into_iter()
                            .filter(|t| within_one_edit(t, term))
                            .collect();
                        terms = best(near)?;
                    }
                }
                out.push(Resolved {
                    typed: term.clone(),
                    terms,
                    phrase: false,
                });
            }
        }
    }
    Ok(out)
}

/// Where `text`'s words (as the index analyses them) are among `terms`: character ranges,
/// in order. What a snippet marks, for a text shown whole.
fn highlights<V>(text: &str, terms: &BTreeMap<String, V>) -> Vec<(usize, usize)> {
    use tantivy::tokenizer::TokenStream;
    let mut analyzer = tokenize::analyzer();
    let mut stream = analyzer.token_stream(text);
    let (mut out, mut byte, mut chars) = (Vec::new(), 0, 0);
    let mut char_at = |to: usize| {
        chars += text[byte..to].chars().count();
        byte = to;
        chars
    };
    while stream.advance() {
        let token = stream.token();
        if terms.contains_key(&token.text) {
            out.push((char_at(token.offset_from), char_at(token.offset_to)));
        }
    }
    out
}

/// tantivy snippet (byte ranges) → [`Snippet`] (character ranges).
fn to_snippet(s: tantivy::snippet::Snippet) -> Snippet {
    let text = s.fragment().to_string();
    let char_at = |byte: usize| text[..byte.min(text.len())].chars().count();
    let highlights = s
        .highlighted()
        .iter()
        .map(|r| (char_at(r.start), char_at(r.end)))
        .collect();
    Snippet { text, highlights }
}

#[derive(Debug, Clone)]
struct RawHit {
    address: DocAddress,
    ord: u32,
    score: f32,
    duration: Option<i64>,
    impact: Option<f64>,
}

fn sort_hits(hits: &mut [RawHit], sort: Sort) {
    use std::cmp::Ordering;
    let by_ord = |a: &RawHit, b: &RawHit| a.ord.cmp(&b.ord);
    // Descending on an optional value, missing values last.
    fn desc<T: PartialOrd>(a: Option<T>, b: Option<T>) -> Ordering {
        match (a, b) {
            (Some(x), Some(y)) => y.partial_cmp(&x).unwrap_or(Ordering::Equal),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
    match sort {
        Sort::Relevance => hits.sort_by(|a, b| desc(Some(a.score), Some(b.score)).then_with(|| by_ord(a, b))),
        Sort::Date => hits.sort_by(by_ord),
        Sort::Duration => hits.sort_by(|a, b| desc(a.duration, b.duration).then_with(|| by_ord(a, b))),
        Sort::Impact => hits.sort_by(|a, b| desc(a.impact, b.impact).then_with(|| by_ord(a, b))),
    }
}

/// Collects every match with what sorting needs (archives are small enough: at 10,000
/// postmortems a query matching all of them still sorts in well under a millisecond).
struct AllHits;

struct AllHitsInSegment {
    segment: SegmentOrdinal,
    ord: tantivy::columnar::Column<u64>,
    duration: tantivy::columnar::Column<i64>,
    impact: tantivy::columnar::Column<f64>,
    hits: Vec<RawHit>,
}

impl Collector for AllHits {
    type Fruit = Vec<RawHit>;
    type Child = AllHitsInSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<AllHitsInSegment> {
        let ff = reader.fast_fields();
        Ok(AllHitsInSegment {
            segment,
            ord: ff.u64("ord")?,
            duration: ff.i64("duration")?,
            impact: ff.f64("impact")?,
            hits: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<RawHit>>) -> tantivy::Result<Vec<RawHit>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for AllHitsInSegment {
    type Fruit = Vec<RawHit>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.hits.push(RawHit {
            address: DocAddress::new(self.segment, doc),
            ord: self.ord.first(doc).unwrap_or(u64::MAX) as u32,
            score,
            duration: self.duration.first(doc),
            impact: self.impact.first(doc),
        });
    }

    fn harvest(self) -> Vec<RawHit> {
        self.hits
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    #[test]
    fn highlights_are_character_offsets_of_analysed_words() {
        let terms: BTreeMap<String, f32> = [("dns".to_string(), 1.0), ("outag".to_string(), 1.0)]
            .into_iter()
            .collect();
        // Accented letters before a match: offsets count characters, not bytes; "outages"
        // is marked for its stem.
        assert_eq!(
            super::highlights("Café déjà DNS outages, dns", &terms),
            [(10, 13), (14, 21), (23, 26)]
        );
        assert!(super::highlights("Nothing here", &terms).is_empty());
        assert!(super::highlights("", &terms).is_empty());
    }
}

//! The static index: the tantivy index re-cut into small gzip'd JSON files the
//! default theme's `search.js` fetches on demand, so search works on any static host.
//!
//! Layout under `search/index/` in the site (format version [`FORMAT`]):
//! - `manifest.json.gz`: document count, facet values with archive-wide counts, and the
//!   facet columns: per document (by `ord`, newest first) its category, severity, year and
//!   services, each value written as one character ([`facet_char`]; services separated by
//!   `,`). Every query needs them (facet counts and filters for any result set without
//!   fetching documents), so they travel in the one file fetched before anything else.
//! - `sort.json.gz`: per document duration (minutes) and impact (%), fetched only when
//!   sorting by them.
//! - `t/<hex of the term's first two characters>.json.gz`: the terms that start with those
//!   characters: `{term: [df, max, postings]}`, postings `[ord gap, q, ord gap, q, …]` where
//!   the score of the term in that document is `q / 255 * max`. A term's postings longer
//!   than [`INLINE_POSTINGS`] live in `p/<hex of the term>.json.gz` and the entry holds 0
//!   instead of the list; search.js requests that file for each typed word at the same
//!   time as its shard (a missing file just means the list is inline), saving a round trip.
//!   That file is `{"p": postings, "top": [[ord, …row], …]}`: with the list come the `d/`
//!   rows of the term's [`TOP_ROWS`] best documents, which are the first page of a one-word
//!   query and often most of a longer one's, so those results need no further requests.
//! - `d/<ord / DOC_BLOCK>.json.gz`: what a result shows that the manifest does not already
//!   hold, `[title, url, date, duration, impact, snippet text]` (category, services and
//!   severity names come from the facet columns), for [`DOC_BLOCK`] consecutive documents.
//!   The results of a query are spread over the whole archive, so a block is mostly fetched
//!   for one row: small blocks keep a first query's bytes down, and a block of a few rows
//!   still divides the number of files a build creates (one per document before).
//!
//! Scores are computed from the tantivy index itself (same tokens, same BM25, same field
//! boosts), so the browser ranks as `incidex search` does, up to the 8-bit quantisation.
//! A query fetches the manifest, one shard per word, the big posting lists it touches and
//! the documents it shows; nothing else.
//!
//! Gzip is decoded in the browser with `DecompressionStream`; hosts that serve the files
//! with `Content-Encoding: gzip` work too (search.js checks for the gzip magic bytes).

use super::index::SearchIndex;
use super::{SearchDoc, SearchError};
use crate::output::OutputFile;
use flate2::Compression;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;
use tantivy::postings::Postings;
use tantivy::query::Bm25Weight;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, Term, TERMINATED};

/// Bump when the file layout changes (search.js checks it).
pub const FORMAT: u32 = 2;
/// Site folder of the index.
pub const DIR: &str = "search/index";
/// Documents per `d/` file (search.js reads the manifest's `block`). 4: a 10,000-document
/// build writes 2,500 row files instead of 10,000, and a first query that needs all ten
/// of its rows from blocks transfers about 6 KB more (README "Search", bench/search.sh).
pub const DOC_BLOCK: u32 = 4;
/// Postings kept inside a term shard; longer lists get their own file.
pub const INLINE_POSTINGS: usize = 64;
/// Rows carried by a big posting list: one page of results in search.js.
pub const TOP_ROWS: usize = 10;
/// Characters of text kept per document for snippets.
pub const TEXT_CHARS: usize = 360;

/// The static index already in the site at `output`, when it was written (by this version
/// of incidex) from documents with this content hash: its files are copied, not recomputed.
pub fn reuse(output: &Path, content: &str) -> Option<Vec<OutputFile>> {
    let dir = output.join(DIR);
    let bytes = std::fs::read(dir.join("manifest.json.gz")).ok()?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .ok()?;
    let manifest: Value = serde_json::from_str(&text).ok()?;
    if manifest["format"] != json!(FORMAT) || manifest["content"] != json!(content) || content.is_empty() {
        return None;
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.ok()?;
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&dir).ok()?.to_str()?.replace('\\', "/");
            files.push(OutputFile::copy(
                format!("{DIR}/{rel}"),
                entry.path().to_path_buf(),
            ));
        }
    }
    Some(files)
}

/// What a term contributes to each document that contains it.
#[derive(Debug, Default)]
struct TermPostings {
    /// (ord, score): while collecting, in any order and one per field; once merged, one
    /// per document in `ord` order with the fields' scores summed.
    postings: Vec<(u32, f32)>,
    /// Largest document frequency over the text fields.
    df: u64,
}

/// The term → postings table of the whole index, scores summed over fields with boosts.
///
/// Each (field, segment) pair is read on its own, in parallel (at 100,000 postmortems this
/// was half a second on one core). The pieces are then put together in the order the
/// fields are listed, so that a document's scores for a term are summed in the same order
/// whatever the threads did: the index is byte for byte the same from run to run.
fn scored_postings(index: &SearchIndex) -> Result<BTreeMap<String, TermPostings>, SearchError> {
    let searcher = index.reader.searcher();
    let segments = searcher.segment_readers();
    let fields = index.fields.text();
    let pieces: Vec<(usize, usize)> = (0..fields.len())
        .flat_map(|f| (0..segments.len()).map(move |s| (f, s)))
        .collect();
    let pieces = pieces
        .par_iter()
        .map(|&(f, s)| field_postings(index, &searcher, &segments[s], fields[f]))
        .collect::<Result<Vec<_>, _>>()?;
    let mut table: HashMap<String, TermPostings> = HashMap::new();
    for piece in pieces {
        for (term, df, postings) in piece {
            let entry = table.entry(term).or_default();
            entry.df = entry.df.max(df);
            entry.postings.extend(postings);
        }
    }
    Ok(table
        .into_par_iter()
        .map(|(term, mut tp)| {
            // Stable: one document's entries stay in field order.
            tp.postings.sort_by_key(|p| p.0);
            let mut merged: Vec<(u32, f32)> = Vec::with_capacity(tp.postings.len());
            for (ord, s) in tp.postings {
                match merged.last_mut() {
                    Some(last) if last.0 == ord => last.1 += s,
                    _ => merged.push((ord, s)),
                }
            }
            (
                term,
                TermPostings {
                    postings: merged,
                    df: tp.df,
                },
            )
        })
        .collect())
}

/// One term of one field in one segment: the term, the field's document frequency for it in
/// the whole index, and (ord, score) of each document of the segment holding it.
type FieldTerm = (String, u64, Vec<(u32, f32)>);

/// Every term of one text field in one segment.
fn field_postings(
    index: &SearchIndex,
    searcher: &tantivy::Searcher,
    seg: &tantivy::SegmentReader,
    (field, boost): (tantivy::schema::Field, f32),
) -> Result<Vec<FieldTerm>, SearchError> {
    let tv = |source| SearchError::Tantivy {
        path: index.dir.clone(),
        source,
    };
    let io = |source| SearchError::Io {
        path: index.dir.clone(),
        source,
    };
    // Document → ord, read once rather than through the fast field for every posting.
    let ords = seg.fast_fields().u64("ord").map_err(tv)?;
    let ord_of: Vec<u32> = (0..seg.max_doc())
        .map(|doc| ords.first(doc).unwrap_or(0) as u32)
        .collect();
    let norms = seg.get_fieldnorms_reader(field).map_err(tv)?;
    let inv = seg.inverted_index(field).map_err(tv)?;
    let mut stream = inv.terms().stream().map_err(io)?;
    let mut out = Vec::new();
    while stream.advance() {
        let Ok(term) = std::str::from_utf8(stream.key()) else {
            continue;
        };
        // A term's weight and document frequency are index-wide (each a lookup in every
        // segment).
        let t = Term::from_field_text(field, term);
        let weight = Bm25Weight::for_terms(searcher, std::slice::from_ref(&t))
            .map_err(tv)?
            .boost_by(boost);
        let df = searcher.doc_freq(&t).map_err(tv)?;
        let mut postings = inv
            .read_postings_from_terminfo(stream.value(), IndexRecordOption::WithFreqs)
            .map_err(io)?;
        let mut list = Vec::with_capacity(postings.doc_freq() as usize);
        let mut doc = postings.doc();
        while doc != TERMINATED {
            let score = weight.score(norms.fieldnorm_id(doc), postings.term_freq());
            list.push((ord_of.get(doc as usize).copied().unwrap_or(0), score));
            doc = postings.advance();
        }
        out.push((term.to_string(), df, list));
    }
    Ok(out)
}

/// The shard a term lives in: its first two characters.
pub fn shard_key(term: &str) -> String {
    term.chars().take(2).collect()
}

/// File-name-safe form of a shard key: lowercase hex of its UTF-8 bytes.
pub fn shard_file(key: &str) -> String {
    key.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The `TOP_ROWS` ords with the highest quantised score (`encode_postings` output), ties to
/// the lower ord: the order search.js ranks a one-word query in.
fn top_ords(postings: &[(u32, f32)], encoded: &[u32]) -> Vec<u32> {
    let mut scored: Vec<(u32, u32)> = postings
        .iter()
        .zip(encoded.chunks(2))
        .map(|(p, pair)| (p.0, pair[1]))
        .collect();
    // Best first; ords are unique, so this order is total and the top is well defined.
    let best_first = |a: &(u32, u32), b: &(u32, u32)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
    // Only the top is sorted: a common word's list is tens of thousands long at 100k.
    if scored.len() > TOP_ROWS {
        scored.select_nth_unstable_by(TOP_ROWS, best_first);
        scored.truncate(TOP_ROWS);
    }
    scored.sort_by(best_first);
    scored.into_iter().map(|p| p.0).collect()
}

/// What a result shows beyond its facets: `[title, url, date, duration, impact, text]`.
fn row(d: &SearchDoc) -> Value {
    json!([
        d.title,
        d.url,
        d.date,
        d.duration_display,
        d.impact_display,
        snippet_text(d),
    ])
}

/// Quantise scores to 1..=255 of the term's maximum and delta-encode the ords.
fn encode_postings(postings: &[(u32, f32)]) -> (f32, Vec<u32>) {
    let max = postings.iter().map(|p| p.1).fold(0.0f32, f32::max);
    let mut out = Vec::with_capacity(postings.len() * 2);
    let mut prev: Option<u32> = None;
    for &(ord, s) in postings {
        out.push(prev.map(|p| ord - p).unwrap_or(ord));
        let q = if max > 0.0 {
            (s / max * 255.0).round()
        } else {
            255.0
        };
        out.push(q.clamp(1.0, 255.0) as u32);
        prev = Some(ord);
    }
    (max, out)
}

/// How a facet's values are listed.
#[derive(Debug, Clone, Copy)]
enum FacetOrder {
    /// Most common first (categories, services).
    Count,
    /// `sev1` before `sev2`.
    ValueAsc,
    /// Newest year first.
    ValueDesc,
}

/// A facet's values with archive-wide counts.
#[derive(Debug, Default)]
struct FacetTable {
    values: Vec<(String, String, usize)>,
    index: HashMap<String, usize>,
}

impl FacetTable {
    fn new(values: impl Iterator<Item = (String, String)>, order: FacetOrder) -> FacetTable {
        let mut counts: BTreeMap<String, (String, usize)> = BTreeMap::new();
        for (slug, name) in values {
            counts.entry(slug).or_insert((name, 0)).1 += 1;
        }
        let mut values: Vec<(String, String, usize)> =
            counts.into_iter().map(|(s, (n, c))| (s, n, c)).collect();
        match order {
            FacetOrder::Count => values.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0))),
            FacetOrder::ValueAsc => {}
            FacetOrder::ValueDesc => values.reverse(),
        }
        let index = values.iter().enumerate().map(|(i, v)| (v.0.clone(), i)).collect();
        FacetTable { values, index }
    }
    fn of(&self, slug: &str) -> i64 {
        self.index.get(slug).map(|&i| i as i64).unwrap_or(-1)
    }
    fn json(&self) -> Value {
        Value::Array(self.values.iter().map(|(s, n, c)| json!([s, n, c])).collect())
    }
}

/// First character of the facet-column alphabet: below it sit `,` (the services
/// separator) and the characters JSON escapes.
const FACET_CHAR_BASE: u32 = 0x30;

/// The character that stands for facet value `index` (-1: none) in a facet column:
/// `'0'` for none, then one code point per value, skipping the UTF-16 surrogate range so
/// that one character is one UTF-16 unit in the browser (`charCodeAt`). Values past
/// U+FFFF (more than 63,000 distinct services) cannot be written and read as none.
pub fn facet_char(index: i64) -> char {
    let n = u32::try_from(index + 1).unwrap_or(0);
    let mut code = FACET_CHAR_BASE + n;
    if code >= 0xD800 {
        code += 0x800;
    }
    char::from_u32(code)
        .filter(|_| code <= 0xFFFF)
        .unwrap_or(char::from_u32(FACET_CHAR_BASE).unwrap_or('0'))
}

/// Inverse of [`facet_char`].
pub fn facet_index(c: char) -> i64 {
    let mut code = u32::from(c);
    if code >= 0xE000 {
        code -= 0x800;
    }
    i64::from(code) - i64::from(FACET_CHAR_BASE) - 1
}

/// The facet columns of the manifest: one character per document for the single-valued
/// facets, `,`-separated runs of characters for services.
fn facet_columns(
    docs: &[SearchDoc],
    categories: &FacetTable,
    severities: &FacetTable,
    years: &FacetTable,
    services: &FacetTable,
) -> BTreeMap<&'static str, String> {
    let single = |f: &dyn Fn(&SearchDoc) -> i64| docs.iter().map(|d| facet_char(f(d))).collect::<String>();
    let mut cols = BTreeMap::new();
    cols.insert(
        "category",
        single(&|d| d.category.as_ref().map(|c| categories.of(&c.slug)).unwrap_or(-1)),
    );
    cols.insert(
        "severity",
        single(&|d| d.severity.as_ref().map(|s| severities.of(&s.slug)).unwrap_or(-1)),
    );
    cols.insert(
        "year",
        single(&|d| d.year.map(|y| years.of(&y.to_string())).unwrap_or(-1)),
    );
    let mut service = String::with_capacity(docs.len() * 3);
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            service.push(',');
        }
        service.extend(d.services.iter().map(|s| facet_char(services.of(&s.slug))));
    }
    cols.insert("service", service);
    cols
}

#[derive(Serialize)]
struct Manifest<'a> {
    format: u32,
    /// [`super::index::content_hash`] of the documents: an unchanged archive reuses the
    /// files of the previous build ([`reuse`]).
    content: &'a str,
    docs: usize,
    block: u32,
    facets: BTreeMap<&'static str, Value>,
    columns: BTreeMap<&'static str, String>,
}

/// Text kept for a document's snippet: the root-cause sentence, then the start of the
/// body, cut at a word boundary.
fn snippet_text(d: &SearchDoc) -> String {
    let mut text = String::new();
    if !d.summary.is_empty() {
        text.push_str(d.summary.trim());
        text.push_str(" — ");
    }
    // Only the start of the body is kept: stop collecting words once past the limit.
    for word in d.body.split_whitespace() {
        if text.len() > TEXT_CHARS * 4 {
            break;
        }
        if !text.is_empty() && !text.ends_with(' ') {
            text.push(' ');
        }
        text.push_str(word);
    }
    if text.chars().count() <= TEXT_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(TEXT_CHARS).collect();
    if let Some(i) = cut.rfind(' ') {
        cut.truncate(i);
    }
    cut.push('…');
    cut
}

/// Gzip level for the files a first query reads most of (shards, columns, result blocks).
const GZIP_SMALL: u32 = 6;
/// Gzip level for long posting lists: a fast level is several times faster than 6 on these
/// mostly numeric files and only about a quarter larger. With the zlib-rs backend, level 1
/// is its "quick" strategy, 12 % larger than level 2 on a 1k archive's postings for little
/// time saved; level 2 is also 10 % smaller than miniz_oxide's level 1 was.
const GZIP_POSTINGS: u32 = 2;

fn gz(path: String, value: &impl Serialize) -> OutputFile {
    gz_level(path, value, GZIP_SMALL)
}

fn gz_level(path: String, value: &impl Serialize, level: u32) -> OutputFile {
    let json = serde_json::to_vec(value).unwrap_or_default();
    OutputFile::bytes(path, gzip(&json, level))
}

thread_local! {
    /// One deflate compressor per thread and level, reset between files.
    static DEFLATE: std::cell::RefCell<Vec<(u32, flate2::Compress)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `bytes` gzipped as `flate2::write::GzEncoder` frames them (the same bytes for inputs it
/// deflates in one call), without its cost:
/// a new encoder allocates and zeroes a few hundred KB of tables, which for the index's
/// thousands of small files was most of the time spent compressing.
fn gzip(bytes: &[u8], level: u32) -> Vec<u8> {
    let compression = Compression::new(level);
    // GzEncoder's header: no name, no mtime, "unknown" OS, XFL from the level.
    let xfl = if level >= Compression::best().level() {
        2
    } else if level <= Compression::fast().level() {
        4
    } else {
        0
    };
    let mut out = Vec::with_capacity(bytes.len() / 3 + 64);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 255]);
    DEFLATE.with(|cell| {
        let mut all = cell.borrow_mut();
        let at = match all.iter().position(|(l, _)| *l == level) {
            Some(i) => i,
            None => {
                all.push((level, flate2::Compress::new(compression, false)));
                all.len() - 1
            }
        };
        let deflate = &mut all[at].1;
        deflate.reset();
        loop {
            let read = deflate.total_in() as usize;
            out.reserve(1024 + (bytes.len() - read) / 2);
            // Compressing into a Vec cannot fail; Finish returns StreamEnd once all is out.
            match deflate.compress_vec(&bytes[read..], &mut out, flate2::FlushCompress::Finish) {
                Ok(flate2::Status::StreamEnd) | Err(_) => break,
                Ok(_) => {}
            }
        }
    });
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out
}

/// Every file of the static index, for the site at [`DIR`].
pub fn files(index: &SearchIndex, docs: &[SearchDoc], content: &str) -> Result<Vec<OutputFile>, SearchError> {
    let table = scored_postings(index)?;
    let rows: Vec<Value> = docs.par_iter().map(row).collect();

    // Term shards, and big posting lists beside them.
    let mut shards: BTreeMap<String, Vec<(String, TermPostings)>> = BTreeMap::new();
    for (term, tp) in table {
        shards.entry(shard_key(&term)).or_default().push((term, tp));
    }
    let mut files: Vec<OutputFile> = shards
        .into_par_iter()
        .flat_map_iter(|(key, terms)| {
            let name = shard_file(&key);
            let mut out = Vec::new();
            let mut entries: BTreeMap<String, Value> = BTreeMap::new();
            for (term, TermPostings { df, postings }) in terms {
                let (max, encoded) = encode_postings(&postings);
                let max = json!((f64::from(max) * 10_000.0).round() / 10_000.0);
                if postings.len() > INLINE_POSTINGS {
                    let top: Vec<Value> = top_ords(&postings, &encoded)
                        .into_iter()
                        .filter_map(|ord| {
                            let row = rows.get(ord as usize)?.as_array()?;
                            Some(Value::Array(
                                std::iter::once(json!(ord)).chain(row.iter().cloned()).collect(),
                            ))
                        })
                        .collect();
                    /// A big posting list's file (`{"p": …, "top": …}`), serialised from
                    /// the list itself rather than through a `Value` per number.
                    #[derive(Serialize)]
                    struct BigPostings<'a> {
                        p: &'a [u32],
                        top: Vec<Value>,
                    }
                    out.push(gz_level(
                        format!("{DIR}/p/{}.json.gz", shard_file(&term)),
                        &BigPostings { p: &encoded, top },
                        GZIP_POSTINGS,
                    ));
                    entries.insert(term, json!([df, max, 0]));
                } else {
                    entries.insert(term, json!([df, max, encoded]));
                }
            }
            out.push(gz(format!("{DIR}/t/{name}.json.gz"), &entries));
            out
        })
        .collect();

    // Facets and per-document columns.
    let categories = FacetTable::new(
        docs.iter()
            .filter_map(|d| d.category.as_ref())
            .map(|c| (c.slug.clone(), c.name.clone())),
        FacetOrder::Count,
    );
    let services = FacetTable::new(
        docs.iter()
            .flat_map(|d| d.services.iter())
            .map(|s| (s.slug.clone(), s.name.clone())),
        FacetOrder::Count,
    );
    let severities = FacetTable::new(
        docs.iter()
            .filter_map(|d| d.severity.as_ref())
            .map(|s| (s.slug.clone(), s.name.clone())),
        FacetOrder::ValueAsc,
    );
    let years = FacetTable::new(
        docs.iter()
            .filter_map(|d| d.year)
            .map(|y| (y.to_string(), y.to_string())),
        FacetOrder::ValueDesc,
    );
    let columns = facet_columns(docs, &categories, &severities, &years, &services);
    let sort = json!({
        "duration": docs.iter().map(|d| d.duration_minutes).collect::<Vec<_>>(),
        "impact": docs.iter().map(|d| d.impact_percent).collect::<Vec<_>>(),
    });
    files.push(gz(format!("{DIR}/sort.json.gz"), &sort));
    let mut facets = BTreeMap::new();
    facets.insert("category", categories.json());
    facets.insert("service", services.json());
    facets.insert("severity", severities.json());
    facets.insert("year", years.json());
    files.push(gz(
        format!("{DIR}/manifest.json.gz"),
        &Manifest {
            format: FORMAT,
            content,
            docs: docs.len(),
            block: DOC_BLOCK,
            facets,
            columns,
        },
    ));

    // Document rows.
    let blocks: Vec<OutputFile> = rows
        .par_chunks(DOC_BLOCK as usize)
        .enumerate()
        .map(|(i, chunk)| gz(format!("{DIR}/d/{i}.json.gz"), &chunk))
        .collect();
    files.extend(blocks);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::{gzip, GZIP_POSTINGS, GZIP_SMALL};

    #[test]
    fn gzip_is_valid_deterministic_and_framed_like_flate2s_encoder() {
        use std::io::{Read, Write};
        let mut big = Vec::new();
        let mut x: u32 = 7;
        for _ in 0..300_000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            big.extend_from_slice(format!("{},", x % 977).as_bytes());
        }
        let inputs: [&[u8]; 4] = [b"", b"{\"p\":[1,2,3]}", &big[..5_000], &big];
        let mut first = Vec::new();
        // Twice over: the second round runs on reset compressors and must give the same.
        for round in 0..2 {
            for level in [1, GZIP_POSTINGS, GZIP_SMALL, 9] {
                for input in inputs {
                    let got = gzip(input, level);
                    let mut back = Vec::new();
                    flate2::read::GzDecoder::new(&got[..])
                        .read_to_end(&mut back)
                        .unwrap();
                    assert!(back == input, "level {level}, {} bytes", input.len());
                    // Level 1 is zlib-rs's "quick" strategy, whose blocks depend on how
                    // the input is handed over (GzEncoder writes, then finishes; this
                    // finishes at once): valid and deterministic, but not the same bytes.
                    if input.len() < 32 * 1024 && level > 1 {
                        // Small enough for GzEncoder to deflate in one call: the same bytes.
                        let mut enc =
                            flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
                        enc.write_all(input).unwrap();
                        assert!(
                            got == enc.finish().unwrap(),
                            "level {level}, {} bytes",
                            input.len()
                        );
                    }
                    if round == 0 {
                        first.push(got);
                    } else {
                        assert!(first.remove(0) == got, "deterministic");
                    }
                }
            }
        }
    }

    use super::*;

    proptest::proptest! {
        /// The partial selection gives exactly the first `TOP_ROWS` of a full sort, ties
        /// (many equal quantised scores) to the lower ord.
        #[test]
        fn top_ords_are_the_head_of_a_full_sort(scores in proptest::collection::vec(0u8..6, 0..60)) {
            let postings: Vec<(u32, f32)> =
                scores.iter().enumerate().map(|(i, &s)| (i as u32 * 3, f32::from(s))).collect();
            let (_, encoded) = encode_postings(&postings);
            let mut all: Vec<(u32, u32)> =
                postings.iter().zip(encoded.chunks(2)).map(|(p, e)| (p.0, e[1])).collect();
            all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let want: Vec<u32> = all.iter().take(TOP_ROWS).map(|p| p.0).collect();
            proptest::prop_assert_eq!(top_ords(&postings, &encoded), want);
        }
    }

    #[test]
    fn facet_chars_round_trip_and_are_one_utf16_unit() {
        for i in [-1i64, 0, 1, 12, 43, 44, 0xD7CE, 0xD7CF, 0xD7D0, 0xF000] {
            let c = facet_char(i);
            assert_eq!(c.len_utf16(), 1, "{i}");
            assert_ne!(c, ',', "{i}");
            assert_eq!(facet_index(c), i, "{i}");
        }
        assert_eq!(facet_char(-1), '0');
        // Past the last BMP code point: written and read as none, never a panic.
        assert_eq!(facet_index(facet_char(70_000)), -1);
    }
}

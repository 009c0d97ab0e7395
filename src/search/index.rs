//! The tantivy index: schema, building, and keeping it fresh.
//!
//! Lives in a folder beside the site output, `.incidex/search-index/<output name>/` by default (see
//! [`default_dir`]), never inside the published site. A small `incidex-search.json` in the
//! folder records the schema version, a hash of the indexed documents, and a fingerprint of
//! the inputs (content file names, sizes and modification times plus the configuration),
//! so `build` skips re-indexing unchanged content and `search` can tell in a few
//! milliseconds whether the index is stale and must be rebuilt before answering.
//!
//! Owns the index folder; reads only [`SearchDoc`]s.

use super::tokenize::{self, TOKENIZER};
use super::{SearchDoc, SearchError};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use tantivy::schema::{
    DateOptions, FacetOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing,
    TextOptions, STORED, STRING,
};
use tantivy::{DateTime, Index, IndexReader, TantivyDocument};

/// Bump when the schema, the tokeniser or the scoring changes: older indexes are rebuilt.
pub const SCHEMA_VERSION: u32 = 1;

/// How much text an indexing thread holds before it writes a segment. A thread that fills
/// its budget starts a new segment, and tantivy merges segments in the background: with
/// 40 MB, 100,000 postmortems made ~8 segments and a merge that cost the search stage 2 s
/// of CPU (16.6–17.0 → 14.4–14.7 s; two alternating runs each) without lowering the build's
/// peak memory, which is set earlier, by rendering (1,566–1,589 against 1,562–1,594 MiB).
/// 10,000 postmortems fit in one segment per thread either way. The budget is a ceiling:
/// an index that needs less takes less.
const WRITER_BUDGET_PER_THREAD: usize = 200_000_000;

/// Name of the freshness record inside the index folder.
const META_FILE: &str = "incidex-search.json";

/// Relative weight of a match in each text field. The static index bakes the same
/// weights into its scores.
pub const TITLE_BOOST: f32 = 3.0;
pub const SUMMARY_BOOST: f32 = 2.0;
pub const KEYWORDS_BOOST: f32 = 1.5;
pub const BODY_BOOST: f32 = 1.0;

/// `.incidex/search-index/<output name>/` beside the output folder: `public` →
/// `./.incidex/search-index/public`. One index per output, so two outputs in one folder
/// (`public` and a `--drafts` preview, say) never serve each other's documents or undo
/// each other's index on every build.
pub fn default_dir(output: &Path) -> PathBuf {
    state_dir(output).join("search-index").join(output_name(output))
}

/// Remove an index left by an earlier incidex directly in `.incidex/search-index/` (before
/// each output had its own folder there): its files, recognised by the freshness record
/// beside them, would otherwise stay forever (tens of MB for a large archive). Folders, the
/// per-output indexes among them, are left alone. Best effort: a file that cannot be
/// removed is left too.
pub fn remove_old_layout(output: &Path) {
    let old = state_dir(output).join("search-index");
    if !old.join(META_FILE).is_file() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(&old) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// `.incidex/` beside the output folder: where a build keeps what is not published (the
/// search index, the build stamps).
pub fn state_dir(output: &Path) -> PathBuf {
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(".incidex")
}

/// The output folder's own name, which keys its state in [`state_dir`] (`public` for a
/// path without one, such as `/`).
pub fn output_name(output: &Path) -> String {
    output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into())
}

/// The fields of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub title: Field,
    pub summary: Field,
    pub body: Field,
    pub keywords: Field,
    /// `/category/<slug>`, `/service/<slug>`, `/severity/<slug>`, `/tag/<slug>`, `/year/<y>`.
    pub facet: Field,
    pub url: Field,
    pub date: Field,
    /// Display strings, stored only.
    pub category_name: Field,
    pub services: Field,
    pub severity: Field,
    pub duration_display: Field,
    pub impact_display: Field,
    /// Fast fields for filters and sorts.
    pub ord: Field,
    pub start: Field,
    pub duration: Field,
    pub impact: Field,
}

impl Fields {
    /// The text fields searched, with their boosts.
    pub fn text(&self) -> [(Field, f32); 4] {
        [
            (self.title, TITLE_BOOST),
            (self.summary, SUMMARY_BOOST),
            (self.keywords, KEYWORDS_BOOST),
            (self.body, BODY_BOOST),
        ]
    }
}

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |stored: bool| {
        let idx = TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let opts = TextOptions::default().set_indexing_options(idx);
        if stored {
            opts.set_stored()
        } else {
            opts
        }
    };
    let fields = Fields {
        title: b.add_text_field("title", text(true)),
        summary: b.add_text_field("summary", text(true)),
        body: b.add_text_field("body", text(true)),
        keywords: b.add_text_field("keywords", text(false)),
        facet: b.add_facet_field("facet", FacetOptions::default().set_stored()),
        url: b.add_text_field("url", STRING | STORED),
        date: b.add_text_field("date", STORED),
        category_name: b.add_text_field("category_name", STORED),
        services: b.add_text_field("services", STORED),
        severity: b.add_text_field("severity", STORED),
        duration_display: b.add_text_field("duration_display", STORED),
        impact_display: b.add_text_field("impact_display", STORED),
        ord: b.add_u64_field("ord", NumericOptions::default().set_fast().set_stored()),
        start: b.add_date_field("start", DateOptions::default().set_indexed().set_fast()),
        duration: b.add_i64_field("duration", NumericOptions::default().set_fast()),
        impact: b.add_f64_field("impact", NumericOptions::default().set_fast()),
    };
    (b.build(), fields)
}

/// A facet path for a value: `facet_path("category", "dns")` → `/category/dns`.
pub fn facet_path(kind: &str, slug: &str) -> tantivy::schema::Facet {
    tantivy::schema::Facet::from_path([kind, slug])
}

fn to_document(d: &SearchDoc, f: &Fields) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.title, &d.title);
    doc.add_text(f.summary, &d.summary);
    doc.add_text(f.body, &d.body);
    doc.add_text(f.keywords, d.keywords());
    if let Some(c) = &d.category {
        doc.add_facet(f.facet, facet_path("category", &c.slug));
        doc.add_text(f.category_name, &c.name);
    }
    for s in &d.services {
        doc.add_facet(f.facet, facet_path("service", &s.slug));
        doc.add_text(f.services, &s.name);
    }
    if let Some(s) = &d.severity {
        doc.add_facet(f.facet, facet_path("severity", &s.slug));
        doc.add_text(f.severity, &s.name);
    }
    for t in &d.tags {
        doc.add_facet(f.facet, facet_path("tag", &t.slug));
    }
    if let Some(y) = d.year {
        doc.add_facet(f.facet, facet_path("year", &y.to_string()));
    }
    doc.add_text(f.url, &d.url);
    doc.add_text(f.date, &d.date);
    doc.add_text(f.duration_display, &d.duration_display);
    doc.add_text(f.impact_display, &d.impact_display);
    doc.add_u64(f.ord, u64::from(d.ord));
    // tantivy keeps dates as i64 nanoseconds (years 1677–2262); a start outside that range
    // (year 124 read from garbage) stays out of the date field instead of overflowing.
    if let Some(s) = d.start_epoch.filter(|s| s.checked_mul(1_000_000_000).is_some()) {
        doc.add_date(f.start, DateTime::from_timestamp_secs(s));
    }
    if let Some(m) = d.duration_minutes {
        doc.add_i64(f.duration, m);
    }
    if let Some(p) = d.impact_percent {
        doc.add_f64(f.impact, p);
    }
    doc
}

/// The freshness record kept in the index folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Freshness {
    pub schema: u32,
    /// Hash of the indexed documents ([`content_hash`]).
    pub content: String,
    /// Fingerprint of the inputs ([`inputs_fingerprint`]), when known.
    pub inputs: Option<String>,
}

/// A hash of what gets indexed: same documents → same hash. It only decides whether the
/// index on disk can be reused, so what matters is that different documents never share a
/// hash; a new incidex (or Rust) hashing differently costs one rebuild of the index.
pub fn content_hash(docs: &[SearchDoc]) -> String {
    // FNV-1a (word at a time), not `DefaultHasher`, whose keys may change between runs.
    let mut h = Fnv64::default();
    h.write(env!("CARGO_PKG_VERSION").as_bytes());
    h.write_u32(SCHEMA_VERSION);
    // Each document hashed on its own, in parallel, then the hashes in order.
    let each: Vec<u64> = docs
        .par_iter()
        .map(|d| {
            let mut dh = Fnv64::default();
            hash_doc(d, &mut dh);
            dh.finish()
        })
        .collect();
    for d in each {
        h.write_u64(d);
    }
    format!("{:016x}", h.finish())
}

/// Feeds every field of `d` to `h`. Strings end in a byte UTF-8 never has and lists start
/// with their length (std's `Hash`), so two different documents never feed the same
/// bytes. Taken apart without `..`: a field added to [`SearchDoc`] does not compile until
/// it is hashed here, and an index is never reused for documents that differ in it.
fn hash_doc(d: &SearchDoc, h: &mut Fnv64) {
    let SearchDoc {
        ord,
        url,
        title,
        summary,
        body,
        category,
        services,
        severity,
        tags,
        year,
        date,
        start_epoch,
        duration_minutes,
        duration_display,
        impact_percent,
        impact_display,
    } = d;
    ord.hash(h);
    [url, title, summary, body, date, duration_display, impact_display].hash(h);
    (category, services, severity, tags).hash(h);
    (year, start_epoch, duration_minutes).hash(h);
    impact_percent.map(f64::to_bits).hash(h);
}

/// A cheap fingerprint of the inputs: each content file's path, size and modification
/// time, plus the configuration. Stat-only, so checking it costs milliseconds.
pub fn inputs_fingerprint(content: &Path, config: &crate::config::Config, drafts: bool) -> Option<String> {
    let found = crate::discover::discover(content).ok()?;
    let stats: Vec<Option<FileStat>> = found
        .postmortems
        .iter()
        .map(|f| std::fs::metadata(&f.abs).ok().map(|m| FileStat::of(&m)))
        .collect();
    inputs_fingerprint_of(&found, &stats, config, drafts)
}

/// [`inputs_fingerprint`] of a discovered archive whose postmortems' [`FileStat`]s are
/// known, in the listing's order (`None`: that file could not be read). A build takes them
/// from the files it reads, instead of listing the content folder a second time.
pub fn inputs_fingerprint_of(
    found: &crate::discover::Discovered,
    stats: &[Option<FileStat>],
    config: &crate::config::Config,
    drafts: bool,
) -> Option<String> {
    if stats.len() != found.postmortems.len() {
        return None;
    }
    let mut h = Fnv64::default();
    h.write(env!("CARGO_PKG_VERSION").as_bytes());
    h.write_u32(SCHEMA_VERSION);
    h.write(format!("{config:?}").as_bytes());
    h.write_u8(u8::from(drafts));
    for (f, stat) in found.postmortems.iter().zip(stats) {
        let stat = (*stat)?;
        f.rel.hash(&mut h);
        h.write_u64(stat.len);
        h.write_u128(stat.mtime_ns);
    }
    Some(format!("{:016x}", h.finish()))
}

/// What [`inputs_fingerprint`] knows of one content file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    pub len: u64,
    /// Modification time in nanoseconds since 1970 (0 where the platform has none).
    pub mtime_ns: u128,
}

impl FileStat {
    pub fn of(meta: &std::fs::Metadata) -> FileStat {
        FileStat {
            len: meta.len(),
            mtime_ns: meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        }
    }
}

#[derive(Debug)]
struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv64 {
    fn finish(&self) -> u64 {
        self.0
    }
    /// FNV-1a taken a little-endian word at a time rather than a byte at a time: eight times
    /// fewer multiplications over the ~4 KB of JSON per document (the byte loop was 2% of a
    /// build). Each step is a bijection of the running hash, so changing any one word of
    /// the input always changes the result.
    fn write(&mut self, bytes: &[u8]) {
        const PRIME: u64 = 0x0000_0100_0000_01b3;
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let word = u64::from_le_bytes(w.try_into().expect("chunks of 8"));
            self.0 = (self.0 ^ word).wrapping_mul(PRIME);
        }
        for b in words.remainder() {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(PRIME);
        }
    }
}

pub fn read_freshness(dir: &Path) -> Option<Freshness> {
    let text = std::fs::read_to_string(dir.join(META_FILE)).ok()?;
    serde_json::from_str::<Freshness>(&text)
        .ok()
        .filter(|f| f.schema == SCHEMA_VERSION)
}

fn write_freshness(dir: &Path, fresh: &Freshness) -> Result<(), SearchError> {
    let path = dir.join(META_FILE);
    let json = serde_json::to_string_pretty(fresh).unwrap_or_default();
    std::fs::write(&path, json).map_err(|source| SearchError::Io { path, source })
}

/// An open index: the tantivy index, its reader and its fields.
pub struct SearchIndex {
    pub dir: PathBuf,
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("dir", &self.dir).finish()
    }
}

impl SearchIndex {
    /// Open the index in `dir` (as written by [`build`]).
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        let tv = |source| SearchError::Tantivy {
            path: dir.to_path_buf(),
            source,
        };
        let index = Index::open_in_dir(dir).map_err(tv)?;
        Self::wrap(dir, index)
    }

    fn wrap(dir: &Path, index: Index) -> Result<SearchIndex, SearchError> {
        let tv = |source| SearchError::Tantivy {
            path: dir.to_path_buf(),
            source,
        };
        index.tokenizers().register(TOKENIZER, tokenize::analyzer());
        let (_, fields) = schema();
        let expected = schema().0;
        if index.schema() != expected {
            return Err(SearchError::Invalid {
                path: dir.to_path_buf(),
                message: "index was written with another schema; rebuild it".into(),
            });
        }
        let reader = index.reader().map_err(tv)?;
        Ok(SearchIndex {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
        })
    }

    /// How many documents the index holds.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

/// Index `docs` into `dir`, replacing what was there. Written into a sibling folder and
/// renamed into place, so a reader never sees half an index.
pub fn build(dir: &Path, docs: &[SearchDoc], inputs: Option<String>) -> Result<SearchIndex, SearchError> {
    build_hashed(dir, docs, content_hash(docs), inputs)
}

/// [`build`] with the documents' [`content_hash`] already known.
fn build_hashed(
    dir: &Path,
    docs: &[SearchDoc],
    content: String,
    inputs: Option<String>,
) -> Result<SearchIndex, SearchError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SearchError::Io { path, source }
    };
    let staging = dir.with_extension("incidex-tmp");
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    std::fs::create_dir_all(&staging).map_err(io(&staging))?;
    let tv = |source| SearchError::Tantivy {
        path: dir.to_path_buf(),
        source,
    };
    let (schema, fields) = schema();
    {
        let index = Index::create_in_dir(&staging, schema).map_err(tv)?;
        index.tokenizers().register(TOKENIZER, tokenize::analyzer());
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4);
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(threads, threads * WRITER_BUDGET_PER_THREAD)
            .map_err(tv)?;
        for d in docs {
            writer.add_document(to_document(d, &fields)).map_err(tv)?;
        }
        writer.commit().map_err(tv)?;
        writer.wait_merging_threads().map_err(tv)?;
    }
    write_freshness(
        &staging,
        &Freshness {
            schema: SCHEMA_VERSION,
            content,
            inputs,
        },
    )?;
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(io(dir))?;
    }
    std::fs::rename(&staging, dir).map_err(io(dir))?;
    SearchIndex::open(dir)
}

/// The index for `docs`: reuse the one in `dir` when it holds exactly these documents,
/// else rebuild it. `inputs` (the fingerprint) is recorded for [`is_fresh_for`].
pub fn ensure(dir: &Path, docs: &[SearchDoc], inputs: Option<String>) -> Result<SearchIndex, SearchError> {
    let hash = content_hash(docs);
    if let Some(fresh) = read_freshness(dir) {
        if fresh.content == hash {
            if let Ok(index) = SearchIndex::open(dir) {
                if fresh.inputs != inputs {
                    write_freshness(dir, &Freshness { inputs, ..fresh })?;
                }
                return Ok(index);
            }
        }
    }
    build_hashed(dir, docs, hash, inputs)
}

/// True when the index in `dir` was built from inputs with this fingerprint.
pub fn is_fresh_for(dir: &Path, inputs: &str) -> bool {
    read_freshness(dir).is_some_and(|f| f.inputs.as_deref() == Some(inputs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::FacetValue;

    fn doc(ord: u32, body: &str) -> SearchDoc {
        SearchDoc {
            ord,
            url: format!("incidents/{ord}/"),
            title: format!("Incident {ord}"),
            summary: String::new(),
            body: body.to_string(),
            category: None,
            services: Vec::new(),
            severity: None,
            tags: Vec::new(),
            year: None,
            date: String::new(),
            start_epoch: None,
            duration_minutes: None,
            duration_display: String::new(),
            impact_percent: None,
            impact_display: String::new(),
        }
    }

    #[test]
    fn content_hash_follows_every_document_and_their_order() {
        let a = vec![doc(0, "the pool ran dry"), doc(1, "a certificate expired")];
        let base = content_hash(&a);
        assert_eq!(base, content_hash(&a.clone()), "same documents, same hash");
        let mut b = a.clone();
        b[1].body.push('!');
        assert_ne!(base, content_hash(&b), "one byte more");
        let mut c = a.clone();
        c[0].body = "the pool ran drY".into();
        assert_ne!(
            base,
            content_hash(&c),
            "one byte changed in the first word-aligned run"
        );
        let swapped = vec![a[1].clone(), a[0].clone()];
        assert_ne!(base, content_hash(&swapped), "order matters");
        assert_ne!(base, content_hash(&a[..1]), "a document fewer");
        // A text moved from one field to the next is another document.
        let (mut d, mut e) = (a.clone(), a.clone());
        d[0].title = "Incident 0 x".into();
        e[0].summary = "x".into();
        e[0].title = "Incident 0".into();
        assert_ne!(content_hash(&d), content_hash(&e), "field boundaries count");
        let facet = |s: &str| FacetValue {
            slug: s.into(),
            name: s.into(),
        };
        let changes: [&dyn Fn(&mut SearchDoc); 6] = [
            &|d| d.services.push(facet("dns")),
            &|d| d.category = Some(facet("dns")),
            &|d| d.impact_percent = Some(0.5),
            &|d| d.start_epoch = Some(0),
            &|d| d.year = Some(2024),
            &|d| d.impact_display = "50%".into(),
        ];
        for (n, change) in changes.iter().enumerate() {
            let mut f = a.clone();
            change(&mut f[1]);
            assert_ne!(base, content_hash(&f), "change {n}");
        }
    }
}

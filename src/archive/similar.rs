//! Similar incidents: for each postmortem, the few others most like it — what the texts say
//! (TF-IDF cosine over title, root-cause summary and the start of the body), the same
//! root-cause category, shared services and tags, nearness in time.
//!
//! Never quadratic. Structural candidates are the `NEIGHBOURS` incidents on either side in
//! each of its category and service groups (ordered by time). Text candidates come from an
//! inverted index over each document's `TOP_TERMS` heaviest terms: a document meets only
//! the documents sharing one of those terms, and terms in more than `MAX_POSTINGS` lists
//! say nothing about any pair and are skipped. Terms come from the search tokeniser
//! (`search::tokenize`), so "timeouts" and "timeout" are one term, as in search. Per-document
//! work runs in parallel; ties are broken by slug, so the result is deterministic.

use super::groups::Groups;
use super::Archive;
use crate::model::Postmortem;
use crate::search::tokenize;
use crate::slug::slugify;
use rayon::prelude::*;
use std::collections::HashMap;
use tantivy::tokenizer::TextAnalyzer;

/// How far to look along a group, each side.
const NEIGHBOURS: usize = 8;
/// How many similar incidents to keep per postmortem.
pub const KEEP: usize = 5;
/// Terms kept per document for the text vectors (the rest weigh little in a cosine).
const TOP_TERMS: usize = 24;
/// A term in more documents' top terms than this is skipped when looking for candidates.
const MAX_POSTINGS: usize = 256;
/// Only the start of the body is read: the summary is there, and reading 10,000 whole
/// documents would cost more than the rest of the archive views together.
const BODY_BYTES: usize = 2000;
/// Weight of the text cosine (0..1) against the structural score (category 3, services up
/// to 2, tags up to 1, time up to 1): two reports of one failure (cosine 0.4 and more)
/// outrank a merely shared category, which is coarse ("software-bug" covers most things).
const TEXT_WEIGHT: f64 = 10.0;
/// Text candidates scored in full: only the highest cosines, so the cost per document stays
/// bounded however many documents share its terms.
const TEXT_CANDIDATES: usize = 32;
/// A candidate found only by its text needs at least this cosine.
const MIN_COSINE: f64 = 0.12;

/// `similar[i]` lists indices of incidents similar to `archive.postmortems[i]`, best first.
pub fn similar(archive: &Archive, groups: &Groups) -> Vec<Vec<usize>> {
    let pms = &archive.postmortems;
    // Position of each incident within each group it belongs to.
    let mut memberships: Vec<Vec<(&[usize], usize)>> = vec![Vec::new(); archive.len()];
    for g in groups.categories.iter().chain(groups.services.iter()) {
        for (pos, &i) in g.members.iter().enumerate() {
            memberships[i].push((&g.members, pos));
        }
    }
    let facts = Facts::new(pms);
    let text = TextIndex::new(pms);

    (0..archive.len())
        .into_par_iter()
        .map_init(
            || Scratch::new(pms.len()),
            |s, i| {
                let touched = text.cosines(i, &mut s.cosine, &mut s.touched);
                let cosine = &mut s.cosine;
                // `i` itself may be among the touched (it shares all its terms): its cosine
                // is set to 0 so that the text threshold drops it.
                cosine[i] = 0.0;
                let candidates = &mut s.candidates;
                candidates.clear();
                candidates.extend(
                    touched
                        .iter()
                        .map(|&j| j as usize)
                        .filter(|&j| f64::from(cosine[j]) >= MIN_COSINE),
                );
                if candidates.len() > TEXT_CANDIDATES {
                    let by_cosine = |a: &usize, b: &usize| cosine[*b].total_cmp(&cosine[*a]).then(a.cmp(b));
                    candidates.select_nth_unstable_by(TEXT_CANDIDATES - 1, by_cosine);
                    candidates.truncate(TEXT_CANDIDATES);
                }
                for &(members, pos) in &memberships[i] {
                    let lo = pos.saturating_sub(NEIGHBOURS);
                    let hi = (pos + NEIGHBOURS + 1).min(members.len());
                    candidates.extend(&members[lo..hi]);
                }
                candidates.sort_unstable();
                candidates.dedup();
                let ranked = &mut s.ranked;
                ranked.clear();
                ranked.extend(
                    candidates
                        .iter()
                        .filter(|&&j| j != i)
                        .map(|&j| (j, facts.score(i, j) + TEXT_WEIGHT * f64::from(cosine[j]))),
                );
                for &j in touched.iter() {
                    cosine[j as usize] = 0.0;
                }
                ranked.sort_by(|a, b| {
                    b.1.total_cmp(&a.1)
                        .then_with(|| facts.slug_rank[a.0].cmp(&facts.slug_rank[b.0]))
                });
                ranked.iter().take(KEEP).map(|&(j, _)| j).collect()
            },
        )
        .collect()
}

/// One worker's buffers for ranking, reused from one document to the next.
struct Scratch {
    /// Cosine with the current document, by document; all zeros between documents.
    cosine: Vec<f32>,
    /// Documents whose cosine was touched (see [`TextIndex::cosines`]).
    touched: Vec<u32>,
    candidates: Vec<usize>,
    ranked: Vec<(usize, f64)>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            cosine: vec![0.0; n],
            // Every posting read adds at most one entry.
            touched: vec![0; TOP_TERMS * MAX_POSTINGS],
            candidates: Vec::new(),
            ranked: Vec::new(),
        }
    }
}

/// What the structural score compares, prepared once: category, services and tags as
/// small integers (equal ids for equal texts), so that scoring a pair compares numbers.
struct Facts {
    category: Vec<Option<u32>>,
    services: Vec<Vec<u32>>,
    tags: Vec<Vec<u32>>,
    epoch: Vec<Option<i64>>,
    /// Position of each postmortem's slug in slug order (slugs are unique in an archive):
    /// the tie-break, without comparing strings.
    slug_rank: Vec<u32>,
}

impl Facts {
    fn new(pms: &[Postmortem]) -> Facts {
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut id = |s: String| {
            let next = ids.len() as u32;
            *ids.entry(s).or_insert(next)
        };
        let category = pms
            .iter()
            .map(|p| p.record.root_cause.category.clone().map(&mut id))
            .collect();
        let services = pms
            .iter()
            .map(|p| p.record.all_services().iter().map(|s| id(slugify(s))).collect())
            .collect();
        let tags = pms
            .iter()
            .map(|p| p.record.tags.iter().map(|t| id(slugify(t))).collect())
            .collect();
        let mut by_slug: Vec<usize> = (0..pms.len()).collect();
        by_slug.sort_by(|&a, &b| pms[a].slug.cmp(&pms[b].slug));
        let mut slug_rank = vec![0u32; pms.len()];
        for (rank, &i) in by_slug.iter().enumerate() {
            slug_rank[i] = rank as u32;
        }
        Facts {
            category,
            services,
            tags,
            epoch: pms
                .iter()
                .map(|p| p.record.start.map(|s| s.epoch_seconds()))
                .collect(),
            slug_rank,
        }
    }

    /// Same category 3, shared services up to 2, shared tags up to 1, nearness in time up to
    /// 1 (1 on the same day, ½ 90 days apart).
    fn score(&self, i: usize, j: usize) -> f64 {
        let mut score = 0.0;
        if self.category[i].is_some() && self.category[i] == self.category[j] {
            score += 3.0;
        }
        score += 2.0 * jaccard(&self.services[i], &self.services[j]);
        score += jaccard(&self.tags[i], &self.tags[j]);
        if let (Some(x), Some(y)) = (self.epoch[i], self.epoch[j]) {
            let days = (x - y).abs() as f64 / 86_400.0;
            score += 1.0 / (1.0 + days / 90.0);
        }
        score
    }
}

/// Each document's heaviest terms as a unit TF-IDF vector, and the inverted index over them.
struct TextIndex {
    /// Per document: (term id, weight), the vector normalised to length 1.
    vectors: Vec<Vec<(u32, f32)>>,
    /// Per term id: (document, weight), in document order.
    postings: Vec<Vec<(u32, f32)>>,
}

impl TextIndex {
    fn new(pms: &[Postmortem]) -> TextIndex {
        // One stem memo per chunk of documents. Not `map_init`: it starts a new memo for
        // every piece rayon splits the work into (hundreds for 10,000 documents), and a cold
        // memo stems every word again.
        let chunk = pms.len().div_ceil(4 * rayon::current_num_threads()).max(64);
        let chunks: Vec<ChunkTerms> = pms.par_chunks(chunk).map(ChunkTerms::read).collect();
        // Document frequencies and the vocabulary: terms in two documents or more, sorted by
        // key, a term's id its position. Each chunk has counted its own; adding them up
        // costs one lookup per distinct term of a chunk, not one per (document, term).
        let mut df: HashMap<TermKey, u32, PassThrough> = HashMap::default();
        for c in &chunks {
            for (key, n) in c.keys.iter().zip(&c.df) {
                *df.entry(*key).or_insert(0) += n;
            }
        }
        df.retain(|_, n| *n >= 2);
        let mut vocabulary: Vec<TermKey> = df.keys().copied().collect();
        vocabulary.sort_unstable();
        let n = pms.len() as f32;
        // Term key → (id, inverse document frequency).
        let terms: HashMap<TermKey, (u32, f32), PassThrough> = vocabulary
            .iter()
            .enumerate()
            .map(|(id, t)| (*t, (id as u32, (n / df[t] as f32).ln())))
            .collect();
        drop(df);
        let vectors: Vec<Vec<(u32, f32)>> = chunks
            .par_iter()
            .flat_map_iter(|c| {
                // The chunk's term numbers → (id, idf), for terms in the vocabulary.
                let global: Vec<Option<(u32, f32)>> = c.keys.iter().map(|k| terms.get(k).copied()).collect();
                c.docs
                    .iter()
                    .map(|doc| top_terms(doc, &global))
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); vocabulary.len()];
        for (d, v) in vectors.iter().enumerate() {
            for &(id, w) in v {
                postings[id as usize].push((d as u32, w));
            }
        }
        TextIndex { vectors, postings }
    }

    /// Adds document `i`'s cosine with every document sharing a top term into `cosine`
    /// (which must be all zeros) and returns those documents, each once, from `touched`'s
    /// start (`i` itself may be among them). Branch-free: whether a document is new is
    /// unpredictable, and a mispredicted branch per posting was most of this loop's time.
    fn cosines<'t>(&self, i: usize, cosine: &mut [f32], touched: &'t mut [u32]) -> &'t [u32] {
        let mut len = 0;
        for &(id, w) in &self.vectors[i] {
            let list = &self.postings[id as usize];
            if list.len() > MAX_POSTINGS {
                continue;
            }
            for &(j, wj) in list {
                let c = &mut cosine[j as usize];
                touched[len] = j;
                // Cosines are sums of positive products: +0.0 until first touched.
                len += usize::from(c.to_bits() == 0);
                *c += w * wj;
            }
        }
        &touched[..len]
    }
}

/// A document's vector: its `TOP_TERMS` heaviest terms, weighted (1 + ln tf) · idf and
/// normalised to length 1, sorted by term id. `doc` holds (chunk term number, tf); `global`
/// maps a chunk term number to (id, idf), `None` for terms outside the vocabulary.
fn top_terms(doc: &[(u32, f32)], global: &[Option<(u32, f32)>]) -> Vec<(u32, f32)> {
    let mut v: Vec<(u32, f32)> = doc
        .iter()
        .filter_map(|&(t, tf)| {
            let (id, idf) = global[t as usize]?;
            (idf > 0.0).then(|| (id, (1.0 + tf.ln()) * idf))
        })
        .collect();
    // The heaviest terms, heaviest first (ids break ties, so the order is total): select
    // them, then sort only those.
    let heavier = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if v.len() > TOP_TERMS {
        v.select_nth_unstable_by(TOP_TERMS - 1, heavier);
        v.truncate(TOP_TERMS);
    }
    v.sort_unstable_by(heavier);
    let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|(_, w)| *w /= norm);
    }
    v.sort_unstable_by_key(|(id, _)| *id);
    v
}

/// The terms of a chunk of documents, numbered in the order the chunk met them.
struct ChunkTerms {
    /// Chunk term number → term key.
    keys: Vec<TermKey>,
    /// Chunk term number → how many of the chunk's documents have the term.
    df: Vec<u32>,
    /// Per document: (chunk term number, weighted term frequency), in first-seen order.
    docs: Vec<Vec<(u32, f32)>>,
}

impl ChunkTerms {
    /// Reads title ×3, root-cause summary ×2 and the start of the body ×1 of each document,
    /// counting into a table by term number (no sorting, no map per document).
    fn read(chunk: &[Postmortem]) -> ChunkTerms {
        let mut stems = Stems::default();
        let mut tf: Vec<f32> = Vec::new();
        let mut seen: Vec<u32> = Vec::new();
        let mut df: Vec<u32> = Vec::new();
        let docs = chunk
            .iter()
            .map(|p| {
                let body = p.plain_text.text();
                let mut end = body.len().min(BODY_BYTES);
                while !body.is_char_boundary(end) {
                    end -= 1;
                }
                let fields: [(&str, f32); 3] = [
                    (p.title.as_str(), 3.0),
                    (p.record.root_cause.summary.as_deref().unwrap_or(""), 2.0),
                    (&body[..end], 1.0),
                ];
                for (text, weight) in fields {
                    stems.each(text, |t| {
                        let t = t as usize;
                        if t >= tf.len() {
                            tf.resize(t + 1, 0.0);
                        }
                        if tf[t] == 0.0 {
                            seen.push(t as u32);
                        }
                        tf[t] += weight;
                    });
                }
                if df.len() < tf.len() {
                    df.resize(tf.len(), 0);
                }
                let doc: Vec<(u32, f32)> = seen
                    .iter()
                    .map(|&t| {
                        df[t as usize] += 1;
                        (t, std::mem::take(&mut tf[t as usize]))
                    })
                    .collect();
                seen.clear();
                doc
            })
            .collect();
        df.resize(stems.keys.len(), 0);
        ChunkTerms {
            keys: stems.keys,
            df,
            docs,
        }
    }
}

/// English function words: in a small archive "in" or "was" would otherwise look
/// distinctive enough to pair unrelated incidents.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before",
    "but", "by", "can", "could", "did", "do", "for", "from", "had", "has", "have", "he", "her", "his", "if",
    "in", "into", "is", "it", "its", "no", "not", "of", "on", "or", "our", "over", "she", "so", "some",
    "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "to", "up",
    "us", "was", "we", "were", "what", "when", "which", "while", "who", "will", "with", "would",
];

/// A word that is no term (a stop word, or nothing the tokeniser keeps).
const NO_TERM: u32 = u32::MAX;

/// The search tokeniser's terms (`search::tokenize`: split on non-alphanumerics, drop tokens
/// of 40 bytes or more, lowercase, Snowball stem) minus stop words, numbered in the order
/// they are met, with each distinct word stemmed once: stemming every token of 10,000
/// documents costs seconds.
struct Stems {
    analyzer: TextAnalyzer,
    /// Hash of a lowercased word ([`lowercase_hash`]) → its term's number, or [`NO_TERM`].
    /// Keyed by hash rather than text so that a known word (nearly every word) costs one
    /// pass over its bytes and one lookup, with no copy.
    known: HashMap<u64, u32, PassThrough>,
    /// Term key → its number (two words can stem to one term).
    numbers: HashMap<TermKey, u32, PassThrough>,
    /// Term number → key.
    keys: Vec<TermKey>,
    lower: String,
}

impl Default for Stems {
    fn default() -> Stems {
        Stems {
            analyzer: tokenize::analyzer(),
            known: HashMap::default(),
            numbers: HashMap::default(),
            keys: Vec::new(),
            lower: String::new(),
        }
    }
}

impl Stems {
    /// Calls `f` with the number of each term of `text`, in order. This loop is most of the
    /// cost of reading the texts: words are found as the search tokeniser finds them
    /// ([`tokenize::next_word`]), and an ASCII word is hashed lowercased eight bytes at a
    /// time, without a copy.
    fn each(&mut self, text: &str, mut f: impl FnMut(u32)) {
        let bytes = text.as_bytes();
        let mut at = 0;
        while let Some(tokenize::Word { start, end, ascii }) = tokenize::next_word(text, &mut at) {
            let word = &text[start..end];
            if word.len() >= tokenize::MAX_TOKEN_BYTES {
                continue;
            }
            let hash = if ascii {
                lowercase_hash(bytes, start, end, true)
            } else {
                // Lowercased as the search tokeniser does, character by character.
                self.lower.clear();
                self.lower.extend(word.chars().flat_map(char::to_lowercase));
                lowercase_hash(self.lower.as_bytes(), 0, self.lower.len(), false)
            };
            let term = match self.known.get(&hash) {
                Some(&term) => term,
                None => self.learn(word, ascii, hash),
            };
            if term != NO_TERM {
                f(term);
            }
        }
    }

    /// Stems a word met for the first time and remembers its term number under `hash`.
    /// For a non-ASCII word, `self.lower` already holds it lowercased.
    fn learn(&mut self, word: &str, ascii: bool, hash: u64) -> u32 {
        if ascii {
            self.lower.clear();
            self.lower.push_str(word);
            self.lower.make_ascii_lowercase();
        }
        let term = if STOP_WORDS.contains(&self.lower.as_str()) {
            NO_TERM
        } else {
            match tokenize::tokens(&mut self.analyzer, &self.lower).first() {
                None => NO_TERM,
                Some(t) => {
                    let key = term_key(&t.term);
                    let keys = &mut self.keys;
                    *self.numbers.entry(key).or_insert_with(|| {
                        keys.push(key);
                        (keys.len() - 1) as u32
                    })
                }
            }
        };
        self.known.insert(hash, term);
        term
    }
}

/// A fast 64-bit hash of the lowercased word `bytes[start..end]`, eight bytes at a time
/// (FxHash's step per block, the length, then splitmix64's finaliser so the low bits a hash
/// table uses depend on every byte). `ascii_word`: the word is ASCII letters and digits,
/// whose lowercase is the byte with bit 0x20 set (digits have it already), so it is hashed
/// lowercased without being copied; otherwise the bytes are hashed as they are. Not for
/// untrusted adversarial keys: the worst a crafted collision does is merge two words' stems.
#[inline]
fn lowercase_hash(bytes: &[u8], start: usize, end: usize, ascii_word: bool) -> u64 {
    let lower = if ascii_word { 0x2020_2020_2020_2020u64 } else { 0 };
    let mut h = 0u64;
    let mut at = start;
    while at < end {
        let n = (end - at).min(8);
        // Eight bytes from `at` (past the word's end when it is shorter, masked off below),
        // or the last few bytes of the text.
        let block = match bytes.get(at..at + 8) {
            Some(eight) => u64::from_le_bytes(eight.try_into().unwrap_or([0; 8])),
            None => {
                let mut buf = [0u8; 8];
                buf[..n].copy_from_slice(&bytes[at..at + n]);
                u64::from_le_bytes(buf)
            }
        };
        // The low `n` bytes (1 ≤ n ≤ 8).
        let mask = u64::MAX >> (64 - 8 * n);
        h = (h.rotate_left(5) ^ ((block | lower) & mask)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        at += n;
    }
    let mut z = h ^ (end - start) as u64;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Hasher for keys that are already hashes (`lowercase_hash`, `TermKey`): passes them through.
#[derive(Default, Clone, Copy)]
struct PassThrough;

impl std::hash::BuildHasher for PassThrough {
    type Hasher = PassThroughHasher;
    fn build_hasher(&self) -> PassThroughHasher {
        PassThroughHasher(0)
    }
}

struct PassThroughHasher(u64);

impl std::hash::Hasher for PassThroughHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are hashed with this; fold anything else in rather than panic.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A term, by a 64-bit hash of its text. Holding every distinct term of 10,000 documents
/// as strings cost more memory than the rest of the build's views; at 64 bits two terms of
/// one archive sharing a key is vanishingly unlikely, and would only blur one similarity.
type TermKey = u64;

fn term_key(term: &str) -> TermKey {
    use std::hash::{Hash, Hasher};
    // `DefaultHasher::new()` has fixed keys: the same key on every run and machine.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    term.hash(&mut h);
    h.finish()
}

fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|x| b.contains(x)).count();
    let union = a.len() + b.len() - shared;
    shared as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::testing::{pm, Pm};
    use crate::config::Config;

    #[test]
    fn same_category_and_service_nearest_in_time_ranks_first() {
        let archive = Archive::new(vec![
            pm(Pm {
                slug: "target",
                date: Some((2023, 6, 1)),
                category: Some("database"),
                services: &["checkout"],
                ..Pm::default()
            }),
            pm(Pm {
                slug: "same-both-near",
                date: Some((2023, 5, 20)),
                category: Some("database"),
                services: &["checkout"],
                ..Pm::default()
            }),
            pm(Pm {
                slug: "same-both-far",
                date: Some((2019, 1, 1)),
                category: Some("database"),
                services: &["checkout"],
                ..Pm::default()
            }),
            pm(Pm {
                slug: "category-only",
                date: Some((2023, 6, 2)),
                category: Some("database"),
                services: &["search"],
                ..Pm::default()
            }),
            pm(Pm {
                slug: "service-only",
                date: Some((2023, 6, 2)),
                category: Some("dns"),
                services: &["checkout"],
                ..Pm::default()
            }),
            pm(Pm {
                slug: "unrelated",
                date: Some((2023, 6, 1)),
                category: Some("dns"),
                services: &["search"],
                ..Pm::default()
            }),
        ]);
        let groups = Groups::new(&archive, &Config::default());
        let sim = similar(&archive, &groups);
        let t = archive
            .postmortems
            .iter()
            .position(|p| p.slug == "target")
            .unwrap();
        let got: Vec<&str> = sim[t]
            .iter()
            .map(|&j| archive.postmortems[j].slug.as_str())
            .collect();
        assert_eq!(
            got,
            vec!["same-both-near", "same-both-far", "category-only", "service-only"]
        );
    }

    #[test]
    fn an_incident_with_nothing_in_common_has_no_similar_ones() {
        let archive = Archive::new(vec![
            pm(Pm {
                slug: "a",
                ..Pm::default()
            }),
            pm(Pm {
                slug: "b",
                ..Pm::default()
            }),
        ]);
        let sim = similar(&archive, &Groups::new(&archive, &Config::default()));
        assert!(sim.iter().all(Vec::is_empty));
    }

    fn written(
        slug: &'static str,
        date: (i16, i8, i8),
        category: Option<&'static str>,
        title: &str,
        body: &str,
    ) -> Postmortem {
        let mut p = pm(Pm {
            slug,
            date: Some(date),
            category,
            ..Pm::default()
        });
        p.title = title.to_string();
        p.plain_text = body.into();
        p
    }

    fn ranked(archive: &Archive, slug: &str) -> Vec<String> {
        let sim = similar(archive, &Groups::new(archive, &Config::default()));
        let i = archive.postmortems.iter().position(|p| p.slug == slug).unwrap();
        sim[i]
            .iter()
            .map(|&j| archive.postmortems[j].slug.clone())
            .collect()
    }

    /// An invented archive: two reports of the same failure (a connection pool running dry)
    /// told in different words, next to incidents that share only a category or a date.
    fn archive() -> Archive {
        Archive::new(vec![
            written(
                "pool-dry-checkout",
                (2022, 3, 1),
                None,
                "Checkout timeouts after the orders database connection pool was exhausted",
                "Checkout requests timed out for forty minutes. Every connection in the pool to the \
                 orders database was held by a slow reporting query, so new requests waited for a \
                 connection until they hit the timeout.",
            ),
            written(
                "pool-dry-invoices",
                (2024, 9, 14),
                Some("software-bug"),
                "Invoice API timing out: no free database connections",
                "The invoice API answered with timeouts. Its pool of database connections was exhausted \
                 because a batch job leaked connections and never returned them to the pool.",
            ),
            written(
                "dns-expiry",
                (2022, 3, 2),
                Some("dns"),
                "Storefront unreachable after the domain delegation expired",
                "The registrar dropped the delegation for our storefront domain, and resolvers \
                 returned NXDOMAIN until the renewal propagated.",
            ),
            written(
                "cert-expiry",
                (2024, 9, 13),
                Some("software-bug"),
                "Partner webhooks rejected after a certificate expired",
                "The TLS certificate on the partner endpoint expired at midnight and every webhook \
                 delivery failed the handshake until the certificate was renewed.",
            ),
            written(
                "label-printer",
                (2023, 5, 5),
                Some("hardware"),
                "Label printers in the depot stopped printing",
                "A firmware update bricked four label printers; parcels were labelled by hand.",
            ),
        ])
    }

    #[test]
    fn the_same_failure_in_different_words_ranks_first() {
        let a = archive();
        // Different categories, years apart; the text is what they share.
        assert_eq!(ranked(&a, "pool-dry-checkout")[0], "pool-dry-invoices");
        // Beats "cert-expiry", which has the same category and is one day away.
        assert_eq!(ranked(&a, "pool-dry-invoices")[0], "pool-dry-checkout");
    }

    #[test]
    fn an_unrelated_incident_is_not_similar() {
        let a = archive();
        for slug in [
            "pool-dry-checkout",
            "pool-dry-invoices",
            "dns-expiry",
            "cert-expiry",
        ] {
            assert!(!ranked(&a, slug).contains(&"label-printer".to_string()), "{slug}");
        }
        assert!(ranked(&a, "label-printer").is_empty());
    }

    #[test]
    fn terms_are_the_search_terms_without_stop_words() {
        // "ΟΔΟΣ" ends in a capital sigma, which std's `to_lowercase` turns into a final sigma
        // and the search tokeniser, character by character, does not.
        let text = "The timeouts were in the Orders database, and it was timing out: Zürich ÉTÉ ΟΔΟΣ x";
        let mut stems = Stems::default();
        let mut numbers = Vec::new();
        stems.each(text, |t| numbers.push(t));
        let ours: Vec<TermKey> = numbers.iter().map(|&t| stems.keys[t as usize]).collect();
        let expected = [
            "timeout", "order", "databas", "time", "out", "zürich", "été", "οδοσ", "x",
        ];
        assert_eq!(ours, expected.map(term_key));
        let search: Vec<String> = tokenize::terms(text)
            .into_iter()
            .filter(|t| !STOP_WORDS.contains(&t.as_str()))
            .collect();
        assert_eq!(search, expected);
        assert_eq!(ours, search.iter().map(|t| term_key(t)).collect::<Vec<_>>());
    }

    #[test]
    fn words_are_hashed_lowercased_whole() {
        // Case differs beyond the first eight bytes, at the end of the text (no eight bytes
        // left to load), and in a non-ASCII word.
        let mut stems = Stems::default();
        let mut numbers = Vec::new();
        stems.each(
            "replicationlag REPLICATIONLAG ReplicationLaG Über über x X",
            |t| numbers.push(t),
        );
        assert_eq!(numbers[0], numbers[1]);
        assert_eq!(numbers[0], numbers[2]);
        assert_eq!(numbers[3], numbers[4]);
        assert_eq!(numbers[5], numbers[6]);
        // Words sharing their first eight bytes, or one a prefix of the other, stay apart.
        let mut numbers = Vec::new();
        stems.each("replicationlag replicationxyz replicat replicati", |t| {
            numbers.push(t)
        });
        let distinct: std::collections::HashSet<u32> = numbers.iter().copied().collect();
        assert_eq!(distinct.len(), 4, "{numbers:?}");
        assert_ne!(
            lowercase_hash(b"abcdefgh", 0, 8, true),
            lowercase_hash(b"abcdefgh\0", 0, 9, false)
        );
    }

    #[test]
    fn term_frequencies_and_document_frequencies_of_a_chunk() {
        let a = written(
            "a",
            (2024, 1, 1),
            None,
            "Disk full",
            "The disk filled up; disks fill when logs grow.",
        );
        let b = written("b", (2024, 1, 2), None, "Logs", "Logs rotated.");
        let chunk = ChunkTerms::read(&[a, b]);
        let number = |term: &str| chunk.keys.iter().position(|k| *k == term_key(term)).unwrap() as u32;
        let tf = |doc: usize, term: &str| {
            chunk.docs[doc]
                .iter()
                .find(|(t, _)| *t == number(term))
                .map(|(_, tf)| *tf)
        };
        // Title ×3, body ×1; "disk" and "disks" are one term, "filled" and "fill" another.
        assert_eq!(tf(0, "disk"), Some(3.0 + 2.0));
        assert_eq!(tf(0, "fill"), Some(2.0));
        assert_eq!(tf(0, "full"), Some(3.0));
        assert_eq!(tf(1, "log"), Some(3.0 + 1.0));
        assert_eq!(tf(1, "disk"), None);
        assert_eq!(chunk.df[number("log") as usize], 2);
        assert_eq!(chunk.df[number("disk") as usize], 1);
        // Each document lists a term once.
        for doc in &chunk.docs {
            let distinct: std::collections::HashSet<u32> = doc.iter().map(|(t, _)| *t).collect();
            assert_eq!(distinct.len(), doc.len());
        }
    }

    #[test]
    fn empty_and_single_incident_archives() {
        let empty = Archive::new(vec![]);
        assert!(similar(&empty, &Groups::new(&empty, &Config::default())).is_empty());
        let one = Archive::new(vec![written(
            "solo",
            (2024, 1, 1),
            Some("dns"),
            "Only one",
            "text",
        )]);
        assert_eq!(
            similar(&one, &Groups::new(&one, &Config::default())),
            vec![Vec::<usize>::new()]
        );
    }

    #[test]
    fn the_result_does_not_depend_on_thread_scheduling() {
        let a = archive();
        let groups = Groups::new(&a, &Config::default());
        let first = similar(&a, &groups);
        for _ in 0..5 {
            assert_eq!(similar(&a, &groups), first);
        }
    }
}

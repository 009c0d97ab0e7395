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
            || vec![0f32; pms.len()],
            |cosine, i| {
                let touched = text.cosines(i, cosine);
                let mut candidates: Vec<usize> = touched
                    .iter()
                    .copied()
                    .filter(|&j| f64::from(cosine[j]) >= MIN_COSINE)
                    .collect();
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
                let mut ranked: Vec<(usize, f64)> = candidates
                    .into_iter()
                    .filter(|&j| j != i)
                    .map(|j| (j, facts.score(i, j) + TEXT_WEIGHT * f64::from(cosine[j])))
                    .collect();
                for &j in &touched {
                    cosine[j] = 0.0;
                }
                ranked.sort_by(|a, b| {
                    b.1.total_cmp(&a.1)
                        .then_with(|| pms[a.0].slug.cmp(&pms[b.0].slug))
                });
                ranked.into_iter().take(KEEP).map(|(j, _)| j).collect()
            },
        )
        .collect()
}

/// What the structural score compares, prepared once.
struct Facts<'a> {
    pms: &'a [Postmortem],
    services: Vec<Vec<String>>,
    tags: Vec<Vec<String>>,
    epoch: Vec<Option<i64>>,
}

impl<'a> Facts<'a> {
    fn new(pms: &'a [Postmortem]) -> Facts<'a> {
        Facts {
            pms,
            services: pms
                .iter()
                .map(|p| p.record.all_services().iter().map(|s| slugify(s)).collect())
                .collect(),
            tags: pms
                .iter()
                .map(|p| p.record.tags.iter().map(|t| slugify(t)).collect())
                .collect(),
            epoch: pms
                .iter()
                .map(|p| p.record.start.map(|s| s.epoch_seconds()))
                .collect(),
        }
    }

    /// Same category 3, shared services up to 2, shared tags up to 1, nearness in time up to
    /// 1 (1 on the same day, ½ 90 days apart).
    fn score(&self, i: usize, j: usize) -> f64 {
        let (a, b) = (&self.pms[i].record, &self.pms[j].record);
        let mut score = 0.0;
        if a.root_cause.category.is_some() && a.root_cause.category == b.root_cause.category {
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
        // memo stems every word again — that was a quarter of the cost of similar incidents.
        let chunk = pms.len().div_ceil(4 * rayon::current_num_threads()).max(64);
        let counts: Vec<Vec<(TermKey, f32)>> = pms
            .par_chunks(chunk)
            .flat_map_iter(|chunk| {
                let mut stems = Stems::default();
                chunk
                    .iter()
                    .map(|p| term_counts(&mut stems, p))
                    .collect::<Vec<_>>()
            })
            .collect();
        // Document frequencies (each document lists a term once) and the vocabulary: terms
        // in two documents or more, sorted by key, a term's id its position. Counted in a
        // hash map keyed by the term key itself (already a hash): cheaper than sorting the
        // two million (document, term) keys of 10,000 documents.
        let mut df: HashMap<TermKey, u32, PassThrough> = HashMap::default();
        for doc in &counts {
            for (t, _) in doc {
                *df.entry(*t).or_insert(0) += 1;
            }
        }
        df.retain(|_, n| *n >= 2);
        let mut vocabulary: Vec<TermKey> = df.keys().copied().collect();
        vocabulary.sort_unstable();
        // Term key → (id, document frequency).
        let terms: HashMap<TermKey, (u32, u32), PassThrough> = vocabulary
            .iter()
            .enumerate()
            .map(|(id, t)| (*t, (id as u32, df[t])))
            .collect();
        drop(df);
        let n = pms.len() as f32;
        let vectors: Vec<Vec<(u32, f32)>> = counts
            .par_iter()
            .map(|doc| {
                let mut v: Vec<(u32, f32)> = doc
                    .iter()
                    .filter_map(|(t, tf)| {
                        let &(id, df) = terms.get(t)?;
                        let idf = (n / df as f32).ln();
                        (idf > 0.0).then(|| (id, (1.0 + tf.ln()) * idf))
                    })
                    .collect();
                // The heaviest terms, heaviest first (ids break ties, so the order is total):
                // select them, then sort only those.
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
    /// (which must be all zeros) and returns those documents, `i` excluded.
    fn cosines(&self, i: usize, cosine: &mut [f32]) -> Vec<usize> {
        let mut touched = Vec::new();
        for &(id, w) in &self.vectors[i] {
            let list = &self.postings[id as usize];
            if list.len() > MAX_POSTINGS {
                continue;
            }
            for &(j, wj) in list {
                let j = j as usize;
                if j == i {
                    continue;
                }
                if cosine[j] == 0.0 {
                    touched.push(j);
                }
                cosine[j] += w * wj;
            }
        }
        touched
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

/// The search tokeniser's terms (`search::tokenize`: split on non-alphanumerics, drop tokens
/// of 40 bytes or more, lowercase, Snowball stem) minus stop words, with each distinct word
/// stemmed once per thread: stemming every token of 10,000 documents costs seconds.
struct Stems {
    analyzer: TextAnalyzer,
    /// Hash of a lowercased word ([`word_hash`]) → its term's key, or `None` for a stop word.
    /// Keyed by hash rather than text so that a known word (nearly every word) costs one
    /// pass over its bytes and one lookup, with no copy.
    known: HashMap<u64, Option<TermKey>, PassThrough>,
    lower: String,
}

impl Default for Stems {
    fn default() -> Stems {
        Stems {
            analyzer: tokenize::analyzer(),
            known: HashMap::default(),
            lower: String::new(),
        }
    }
}

impl Stems {
    /// Calls `f` with the key of each term of `text`, in order. This loop is most of the
    /// cost of similar incidents: ASCII words (most of any English text) are split, lowercased
    /// and hashed in one pass over their bytes.
    fn each(&mut self, text: &str, mut f: impl FnMut(TermKey)) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // Skip to the next word.
            let (alnum, len) = char_at(text, i);
            if !alnum {
                i += len;
                continue;
            }
            let start = i;
            let mut ascii = true;
            let mut hash = WordHash::default();
            while i < bytes.len() {
                let b = bytes[i];
                if b.is_ascii_alphanumeric() {
                    hash.push(b.to_ascii_lowercase());
                    i += 1;
                } else if b.is_ascii() {
                    break;
                } else {
                    let (alnum, len) = char_at(text, i);
                    if !alnum {
                        break;
                    }
                    ascii = false;
                    i += len;
                }
            }
            let word = &text[start..i];
            if word.len() >= tokenize::MAX_TOKEN_BYTES {
                continue;
            }
            self.lower.clear();
            let hash = if ascii {
                hash.finish()
            } else {
                self.lower.push_str(&word.to_lowercase());
                word_hash(&self.lower)
            };
            let key = match self.known.get(&hash) {
                Some(known) => *known,
                None => {
                    if ascii {
                        self.lower.push_str(word);
                        self.lower.make_ascii_lowercase();
                    }
                    let key = if STOP_WORDS.contains(&self.lower.as_str()) {
                        None
                    } else {
                        tokenize::tokens(&mut self.analyzer, &self.lower)
                            .first()
                            .map(|t| term_key(&t.term))
                    };
                    self.known.insert(hash, key);
                    key
                }
            };
            if let Some(key) = key {
                f(key);
            }
        }
    }
}

/// Whether the character at byte `i` is alphanumeric, and its length in bytes.
fn char_at(text: &str, i: usize) -> (bool, usize) {
    let b = text.as_bytes()[i];
    if b.is_ascii() {
        return (b.is_ascii_alphanumeric(), 1);
    }
    let c = text[i..].chars().next().unwrap_or(' ');
    (c.is_alphanumeric(), c.len_utf8())
}

/// A fast 64-bit hash of a word's bytes, built byte by byte (FxHash's step, then a final
/// mix so the low bits a hash table uses depend on every byte). Not for untrusted
/// adversarial keys: the worst a crafted collision does is merge two words' stems.
#[derive(Default)]
struct WordHash(u64);

impl WordHash {
    fn push(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        // splitmix64's finaliser.
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn word_hash(lower: &str) -> u64 {
    let mut h = WordHash::default();
    lower.bytes().for_each(|b| h.push(b));
    h.finish()
}

/// Hasher for keys that are already hashes (`word_hash`, `TermKey`): passes them through.
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

/// Weighted term frequencies of a postmortem: title ×3, root-cause summary ×2, the start of
/// the body ×1, sorted by term key.
fn term_counts(stems: &mut Stems, p: &Postmortem) -> Vec<(TermKey, f32)> {
    let mut end = p.plain_text.len().min(BODY_BYTES);
    while !p.plain_text.is_char_boundary(end) {
        end -= 1;
    }
    let fields: [(&str, f32); 3] = [
        (p.title.as_str(), 3.0),
        (p.record.root_cause.summary.as_deref().unwrap_or(""), 2.0),
        (&p.plain_text[..end], 1.0),
    ];
    // Every occurrence, then sorted and summed per key: cheaper than a map for a few
    // hundred words.
    let mut out: Vec<(TermKey, f32)> = Vec::new();
    for (text, weight) in fields {
        stems.each(text, |key| out.push((key, weight)));
    }
    out.sort_unstable_by_key(|t| t.0);
    out.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 += later.1;
        }
        same
    });
    out
}

fn jaccard(a: &[String], b: &[String]) -> f64 {
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
        p.plain_text = body.to_string();
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
        let text = "The timeouts were in the Orders database, and it was timing out: Zürich ÉTÉ x";
        let mut ours = Vec::new();
        Stems::default().each(text, |key| ours.push(key));
        let expected = ["timeout", "order", "databas", "time", "out", "zürich", "été", "x"];
        assert_eq!(ours, expected.map(term_key));
        let search: Vec<String> = tokenize::terms(text)
            .into_iter()
            .filter(|t| !STOP_WORDS.contains(&t.as_str()))
            .collect();
        assert_eq!(search, expected);
        assert_eq!(ours, search.iter().map(|t| term_key(t)).collect::<Vec<_>>());
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

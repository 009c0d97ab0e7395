//! The one tokeniser of incidex search: split on anything that is not a letter or digit,
//! drop tokens of 40 bytes or more, lowercase, Snowball English stem.
//!
//! The tantivy index registers this analyzer under [`TOKENIZER`]; the static index takes
//! its terms from the tantivy index, and `themes/default/static/search.js` re-implements
//! exactly these steps (tested against this module with node in `tests/search_js.rs`), so
//! the CLI and the browser agree on what a word matches. Changing a step here means
//! changing it there, and bumping [`crate::search::index::SCHEMA_VERSION`].

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token as TantivyToken, TokenFilter,
    TokenStream, Tokenizer,
};

/// Name under which [`analyzer`] is registered in the tantivy index.
pub const TOKENIZER: &str = "incidex_en";

/// Tokens of this many bytes or more (UTF-8, before lowercasing) are dropped: hashes,
/// base64 blobs and URLs glued together are noise in an index.
pub const MAX_TOKEN_BYTES: usize = 40;

/// The analyzer: simple split → long-token filter → lowercase → English stemmer.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(MemoStemmer)
        .build()
}

/// Snowball English stemming (what tantivy's `Stemmer::new(Language::English)` does),
/// remembering each word's stem.
///
/// Why: stemming was most of the cost of indexing, and an archive's vocabulary is small
/// (tens of thousands of words) while its text is millions of words, so almost every word
/// is one seen before. Each clone of the analyzer (tantivy makes one per indexing thread)
/// keeps its own memo, so there is no locking. The memo hashes with FxHash rather than
/// SipHash, on every token: words crafted to collide could only slow the build of the
/// archive that contains them, and the memo is bounded ([`MEMO_MAX_ENTRIES`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct MemoStemmer;

impl TokenFilter for MemoStemmer {
    type Tokenizer<T: Tokenizer> = MemoStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> MemoStemmerFilter<T> {
        MemoStemmerFilter {
            inner: tokenizer,
            memo: FxHashMap::default(),
        }
    }
}

/// Words at most this long are memoised (longer ones are rare and stemmed each time).
const MEMO_MAX_WORD: usize = 24;
/// Past this many entries the memo starts over, bounding memory on odd input.
const MEMO_MAX_ENTRIES: usize = 200_000;

#[derive(Clone)]
pub struct MemoStemmerFilter<T> {
    inner: T,
    memo: FxHashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for MemoStemmerFilter<T> {
    type TokenStream<'a> = MemoStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MemoStemmerStream {
            tail: self.inner.token_stream(text),
            memo: &mut self.memo,
        }
    }
}

pub struct MemoStemmerStream<'a, S> {
    tail: S,
    memo: &'a mut FxHashMap<String, String>,
}

impl<S: TokenStream> TokenStream for MemoStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.memo.get(token.text.as_str()) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let stem = frostem::Stemmer::new(frostem::Algorithm::English)
            .stem(&token.text)
            .into_owned();
        if token.text.len() <= MEMO_MAX_WORD {
            if self.memo.len() >= MEMO_MAX_ENTRIES {
                self.memo.clear();
            }
            self.memo.insert(std::mem::take(&mut token.text), stem.clone());
        }
        token.text = stem;
        true
    }

    fn token(&self) -> &TantivyToken {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut TantivyToken {
        self.tail.token_mut()
    }
}

/// One token of a text: its term and where it was (byte offsets into the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub from: usize,
    pub to: usize,
}

/// Tokenise `text` with [`analyzer`].
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let t = stream.token();
        out.push(Token {
            term: t.text.clone(),
            from: t.offset_from,
            to: t.offset_to,
        });
    }
    out
}

/// The terms of `text`, in order.
pub fn terms(text: &str) -> Vec<String> {
    tokens(&mut analyzer(), text)
        .into_iter()
        .map(|t| t.term)
        .collect()
}

/// True when `a` and `b` differ by at most one insertion, deletion, substitution or
/// transposition of adjacent characters (restricted Damerau–Levenshtein ≤ 1). Used for
/// typo-forgiving queries; search.js has the same function.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long.iter()).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        if prefix == short.len() {
            return true;
        }
        let (s, l) = (&short[prefix + 1..], &long[prefix + 1..]);
        // substitution, or a transposition of the pair at `prefix`.
        s == l
            || (prefix + 1 < short.len()
                && short[prefix] == long[prefix + 1]
                && short[prefix + 1] == long[prefix]
                && short[prefix + 2..] == long[prefix + 2..])
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lowercases_and_stems() {
        assert_eq!(
            terms("Connection-pool EXHAUSTED after deploying v2.3"),
            ["connect", "pool", "exhaust", "after", "deploy", "v2", "3"]
        );
        assert_eq!(terms("certificates expired"), ["certif", "expir"]);
    }

    #[test]
    fn memoised_stems_are_tantivys_stems() {
        use tantivy::tokenizer::{Language, Stemmer};
        let mut reference = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        // Repeated words take the memo path; the long word is never memoised.
        let text = "Deploying deployed deployments; DEPLOYING again, retries retried retrying \
                    internationalisationalizations internationalisationalizations café Cafés";
        let mut ours = analyzer();
        for _ in 0..2 {
            assert_eq!(tokens(&mut ours, text), tokens(&mut reference, text));
        }
    }

    #[test]
    fn long_tokens_are_dropped_and_offsets_kept() {
        let long = "a".repeat(45);
        let toks = tokens(&mut analyzer(), &format!("DNS {long} Outage"));
        let got: Vec<_> = toks.iter().map(|t| (t.term.as_str(), t.from, t.to)).collect();
        assert_eq!(got, [("dns", 0, 3), ("outag", 50, 56)]);
    }

    #[test]
    fn one_edit_apart() {
        for (a, b) in [
            ("certif", "certif"),
            ("certif", "cretif"),
            ("dns", "dnss"),
            ("timeout", "timout"),
        ] {
            assert!(within_one_edit(a, b), "{a} {b}");
        }
        for (a, b) in [
            ("certif", "crtfi"),
            ("dns", "d"),
            ("abc", "cab"),
            ("pool", "poll1"),
        ] {
            assert!(!within_one_edit(a, b), "{a} {b}");
        }
    }
}

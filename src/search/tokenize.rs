//! The one tokeniser of incidex search: split on anything that is not a letter or digit,
//! drop tokens of 40 bytes or more, lowercase, Snowball English stem.
//!
//! The tantivy index registers this analyzer under [`TOKENIZER`]; the static index takes
//! its terms from the tantivy index, and `themes/default/static/search.js` re-implements
//! exactly these steps (tested against this module with node in `tests/search_js.rs`), so
//! the CLI and the browser agree on what a word matches. Changing a step here means
//! changing it there, and bumping [`crate::search::index::SCHEMA_VERSION`].

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer, TokenStream,
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
        .filter(Stemmer::new(Language::English))
        .build()
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

//! The one tokeniser of incidex search: split on anything that is not a letter or digit,
//! drop tokens of 40 bytes or more, lowercase, Snowball English stem.
//!
//! The tantivy index registers this analyzer under [`TOKENIZER`]; the static index takes
//! its terms from the tantivy index, and `themes/default/static/search.js` re-implements
//! exactly these steps (tested against this module with node in `tests/search_js.rs`), so
//! the CLI and the browser agree on what a word matches. Changing a step here means
//! changing it there, and bumping [`crate::search::index::SCHEMA_VERSION`].

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{TextAnalyzer, Token as TantivyToken, TokenStream, Tokenizer};

/// Name under which [`analyzer`] is registered in the tantivy index.
pub const TOKENIZER: &str = "incidex_en";

/// Tokens of this many bytes or more (UTF-8, before lowercasing) are dropped: hashes,
/// base64 blobs and URLs glued together are noise in an index.
pub const MAX_TOKEN_BYTES: usize = 40;

/// The analyzer: split on non-alphanumerics → drop long tokens → lowercase → English stem.
///
/// These are exactly tantivy's `SimpleTokenizer`, `RemoveLongFilter`, `LowerCaser` and
/// `Stemmer` (English), positions and offsets included (a dropped token still takes its
/// position, as under `RemoveLongFilter`), done in one pass by [`Analyzer`]: tokenising
/// was half of the cost of indexing, and the four-stage chain copies each word three times.
/// `tests::same_tokens_as_tantivys_chain` holds the two to the same output.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::from(Analyzer::default())
}

/// The tokeniser behind [`analyzer`], remembering each word's stem.
///
/// Why the memo: stemming was most of the cost of indexing, and an archive's vocabulary is
/// small (tens of thousands of words) while its text is millions of words, so almost every
/// word is one seen before. Each clone (tantivy makes one per indexing thread) keeps its
/// own memo, so there is no locking. The memo hashes with FxHash rather than SipHash, on
/// every token: words crafted to collide could only slow the build of the archive that
/// contains them, and the memo is bounded ([`MEMO_MAX_ENTRIES`]).
#[derive(Clone, Default)]
pub struct Analyzer {
    token: TantivyToken,
    /// Lowercased word → its stem.
    memo: FxHashMap<String, String>,
    /// The current word, lowercased.
    lower: String,
}

/// Words at most this long (lowercased, in bytes) are memoised; longer ones are rare and
/// stemmed each time.
const MEMO_MAX_WORD: usize = 24;
/// Past this many entries the memo starts over, bounding memory on odd input.
const MEMO_MAX_ENTRIES: usize = 200_000;

impl Tokenizer for Analyzer {
    type TokenStream<'a> = AnalyzerStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> AnalyzerStream<'a> {
        self.token.reset();
        AnalyzerStream {
            text,
            at: 0,
            analyzer: self,
        }
    }
}

pub struct AnalyzerStream<'a> {
    text: &'a str,
    /// Byte offset where the search for the next word starts.
    at: usize,
    analyzer: &'a mut Analyzer,
}

impl TokenStream for AnalyzerStream<'_> {
    fn advance(&mut self) -> bool {
        let Analyzer { token, memo, lower } = &mut *self.analyzer;
        loop {
            // Every word takes a position, dropped ones too.
            token.position = token.position.wrapping_add(1);
            let Some(word) = next_word(self.text, &mut self.at) else {
                token.text.clear();
                return false;
            };
            if word.end - word.start >= MAX_TOKEN_BYTES {
                continue;
            }
            let text = &self.text[word.start..word.end];
            token.offset_from = word.start;
            token.offset_to = word.end;
            lower.clear();
            if word.ascii {
                lower.push_str(text);
                lower.make_ascii_lowercase();
            } else {
                // As tantivy's `LowerCaser`: character by character (no final-sigma rule).
                lower.extend(text.chars().flat_map(char::to_lowercase));
            }
            token.text.clear();
            if let Some(stem) = memo.get(lower.as_str()) {
                token.text.push_str(stem);
                return true;
            }
            token
                .text
                .push_str(&frostem::Stemmer::new(frostem::Algorithm::English).stem(lower));
            if lower.len() <= MEMO_MAX_WORD {
                if memo.len() >= MEMO_MAX_ENTRIES {
                    memo.clear();
                }
                memo.insert(lower.clone(), token.text.clone());
            }
            return true;
        }
    }

    fn token(&self) -> &TantivyToken {
        &self.analyzer.token
    }

    fn token_mut(&mut self) -> &mut TantivyToken {
        &mut self.analyzer.token
    }
}

/// A word of a text: a maximal run of alphanumeric characters (`char::is_alphanumeric`,
/// as tantivy's `SimpleTokenizer`), by byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    /// All ASCII: lowercasing is per byte.
    pub ascii: bool,
}

/// What a byte is when splitting words: an ASCII letter or digit, another ASCII byte (a
/// separator), or part of a non-ASCII character (look at the whole character).
const ASCII_ALNUM: u8 = 1;
const NON_ASCII: u8 = 2;
const BYTE_KIND: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = if b >= 0x80 {
            NON_ASCII
        } else if (b as u8).is_ascii_alphanumeric() {
            ASCII_ALNUM
        } else {
            0
        };
        b += 1;
    }
    t
};

/// The next word of `text` at or after byte `*at`, moving `*at` past it. An ASCII word
/// (most of any English text) costs one table lookup per byte; only non-ASCII bytes are
/// decoded as characters.
pub fn next_word(text: &str, at: &mut usize) -> Option<Word> {
    let bytes = text.as_bytes();
    let mut i = *at;
    // Skip to the next word.
    loop {
        let b = *bytes.get(i)?;
        match BYTE_KIND[usize::from(b)] {
            ASCII_ALNUM => break,
            NON_ASCII => {
                let (alnum, len) = char_at(text, i);
                if alnum {
                    break;
                }
                i += len;
            }
            _ => i += 1,
        }
    }
    let start = i;
    let mut ascii = true;
    while i < bytes.len() {
        match BYTE_KIND[usize::from(bytes[i])] {
            ASCII_ALNUM => i += 1,
            NON_ASCII => {
                let (alnum, len) = char_at(text, i);
                if !alnum {
                    break;
                }
                ascii = false;
                i += len;
            }
            _ => break,
        }
    }
    *at = i;
    Some(Word { start, end: i, ascii })
}

/// Whether the character at byte `i` (not ASCII) is alphanumeric, and its length in bytes.
fn char_at(text: &str, i: usize) -> (bool, usize) {
    let c = text[i..].chars().next().unwrap_or(' ');
    (c.is_alphanumeric(), c.len_utf8())
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

    /// tantivy's own four-stage chain, which [`analyzer`] does in one pass.
    fn tantivys_chain() -> TextAnalyzer {
        use tantivy::tokenizer::{Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer};
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build()
    }

    /// Every token with its position, which phrase queries read.
    fn positioned(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    #[test]
    fn memoised_stems_are_tantivys_stems() {
        // Repeated words take the memo path; the long word is never memoised.
        let text = "Deploying deployed deployments; DEPLOYING again, retries retried retrying \
                    internationalisationalizations internationalisationalizations café Cafés";
        let (mut ours, mut reference) = (analyzer(), tantivys_chain());
        for _ in 0..2 {
            assert_eq!(positioned(&mut ours, text), positioned(&mut reference, text));
        }
    }

    #[test]
    fn a_dropped_token_keeps_its_position() {
        let text = format!("pool {} exhausted", "x".repeat(MAX_TOKEN_BYTES));
        let got: Vec<usize> = positioned(&mut analyzer(), &text).iter().map(|t| t.3).collect();
        assert_eq!(got, [0, 2]);
        assert_eq!(
            positioned(&mut analyzer(), &text),
            positioned(&mut tantivys_chain(), &text)
        );
    }

    proptest::proptest! {
        /// Terms, offsets and positions equal tantivy's chain on any text: ASCII, accented
        /// and other scripts' letters, digits in other scripts, separators and symbols,
        /// words around the length limit, with one analyzer reused (the memo warm).
        #[test]
        fn same_tokens_as_tantivys_chain(
            texts in proptest::collection::vec(
                "([a-zA-Z0-9]{1,45}|[ÀÉÎÕÜàéîõüßæøĳİıΣσςДЖдж٣४ⅫⓐＡ𝐀]{1,6}|[ \\-.,:/_'\"()\t\n·—]{1,3}|Straße|ÉTÉ|İstanbul|[a-z]{35,42}){0,24}",
                1..4,
            )
        ) {
            let (mut ours, mut reference) = (analyzer(), tantivys_chain());
            for text in &texts {
                proptest::prop_assert_eq!(positioned(&mut ours, text), positioned(&mut reference, text));
            }
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

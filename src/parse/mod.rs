//! Parse: bytes of one Markdown file → a [`Document`] (front matter + Markdown outline +
//! sanitised HTML).
//!
//! Owns decoding (BOM, CRLF, invalid UTF-8, binary files) and the structure of the text.
//! It reports problems as diagnostics and never panics on any input; it does not interpret
//! incident fields (`extract` does) and does not touch the file system.

pub mod front_matter;
pub mod markdown;
pub mod sanitize;

pub use front_matter::FrontMatter;
pub use markdown::{Line, LineKind, LinkRef, Outline, Rendered, Section};

use crate::diagnostic::Diagnostic;

/// One postmortem file, parsed.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path relative to the content folder, `/`-separated.
    pub path: String,
    pub front_matter: Option<FrontMatter>,
    /// 1-based file line where the Markdown body starts.
    pub body_first_line: u32,
    pub markdown: Rendered,
    /// Findings from decoding and front matter.
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a file yielded no document at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("{path}: file is empty")]
    Empty { path: String },
    #[error("{path}: looks like a binary file (NUL byte at offset {offset}), not Markdown")]
    Binary { path: String, offset: usize },
}

impl ParseError {
    pub fn to_diagnostic(&self) -> Diagnostic {
        match self {
            ParseError::Empty { path } => {
                Diagnostic::warning("empty-file", path.clone(), "file is empty; skipped")
            }
            ParseError::Binary { path, offset } => Diagnostic::error(
                "binary-file",
                path.clone(),
                format!("not a text file (NUL byte at offset {offset}); skipped"),
            )
            .with_hint("rename it so it does not end in .md, or move it out of the content folder"),
        }
    }
}

/// How much of a file is searched for a NUL byte, which makes it binary, not Markdown.
const BINARY_PROBE: usize = 8192;

/// Decode and parse one file. `rewrite` maps relative link destinations to URLs that work
/// from the page (see [`markdown::render`]).
pub fn parse(path: &str, bytes: &[u8], rewrite: markdown::LinkRewriter<'_>) -> Result<Document, ParseError> {
    let mut diagnostics = Vec::new();
    if let Some(offset) = memchr::memchr(0, &bytes[..bytes.len().min(BINARY_PROBE)]) {
        return Err(ParseError::Binary {
            path: path.to_string(),
            offset,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(e) => {
            let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() as u32 + 1;
            diagnostics.push(
                Diagnostic::warning(
                    "invalid-utf8",
                    path,
                    "file is not valid UTF-8; invalid bytes were replaced with �",
                )
                .at_line(line)
                .with_hint("re-save the file as UTF-8"),
            );
            String::from_utf8_lossy(bytes)
        }
    };
    if text.trim().is_empty() {
        return Err(ParseError::Empty {
            path: path.to_string(),
        });
    }
    let split = front_matter::split(&text, path, &mut diagnostics);
    let fm = split
        .block
        .and_then(|(format, block)| front_matter::parse(format, block, 2, path, &mut diagnostics));
    let markdown = markdown::render(split.body, split.body_first_line, rewrite);
    Ok(Document {
        path: path.to_string(),
        front_matter: fm,
        body_first_line: split.body_first_line,
        markdown,
        diagnostics,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(bytes: &[u8]) -> Result<Document, ParseError> {
        parse("x.md", bytes, &|_| None)
    }

    #[test]
    fn bom_is_ignored() {
        let d = p(b"\xEF\xBB\xBF---\ntitle: T\n---\n# H\n").unwrap();
        assert_eq!(d.front_matter.unwrap().title.as_deref(), Some("T"));
        assert_eq!(d.markdown.outline.lines[0].number, 4);
    }

    #[test]
    fn invalid_utf8_is_replaced_with_a_warning_on_its_line() {
        let d = p(b"# Title\n\ncaf\xE9 outage\n").unwrap();
        assert_eq!(d.diagnostics[0].code, "invalid-utf8");
        assert_eq!(d.diagnostics[0].line, Some(3));
        assert!(d.markdown.plain_text.contains("caf\u{FFFD}"));
    }

    #[test]
    fn empty_and_binary_files_are_refused() {
        assert!(matches!(p(b"  \n\n"), Err(ParseError::Empty { .. })));
        assert!(matches!(
            p(b"\x89PNG\r\n\x1a\n\0\0\0"),
            Err(ParseError::Binary { offset: 8, .. })
        ));
        // Only the first BINARY_PROBE bytes are searched.
        let mut text = b"# Notes\n".to_vec();
        text.resize(BINARY_PROBE, b'x');
        text[BINARY_PROBE - 1] = 0;
        assert!(matches!(p(&text), Err(ParseError::Binary { offset, .. }) if offset == BINARY_PROBE - 1));
        text[BINARY_PROBE - 1] = b'x';
        text.extend_from_slice(b"\0 after the probe\n");
        assert!(p(&text).is_ok());
    }

    #[test]
    fn broken_front_matter_still_yields_the_body() {
        let d = p(b"---\ntitle: [oops\n---\n# Still here\n").unwrap();
        assert!(d.front_matter.is_none());
        assert_eq!(d.diagnostics[0].code, "front-matter-syntax");
        assert_eq!(d.markdown.first_heading.as_ref().unwrap().0, "Still here");
    }
}

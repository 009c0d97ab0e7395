//! Front matter: the optional YAML (`---`) or TOML (`+++`) block at the top of a postmortem.
//!
//! Owns splitting the block from the body and turning it into a typed [`FrontMatter`] that
//! keeps unknown keys. A wrong type for one key (say `severity: [1, 2]`) drops that key with
//! a diagnostic instead of losing the whole block. Interpreting values (dates, durations)
//! is `extract`'s job: this module only checks shapes.

use crate::diagnostic::Diagnostic;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
}

/// The known keys, each with the line it sits on; everything else in `extra`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub slug: Option<String>,
    pub draft: bool,
    /// Dates are kept as written; `extract::when` reads them like text dates.
    pub start: Option<String>,
    pub end: Option<String>,
    pub duration: Option<String>,
    pub timezone: Option<String>,
    pub severity: Option<String>,
    pub impact: FmImpact,
    pub services: Vec<String>,
    pub root_cause: FmRootCause,
    pub contributing_factors: Vec<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub status: Option<String>,
    pub action_items: Vec<String>,
    /// Key (as in the schema: `impact.percent`) → 1-based line in the file.
    pub lines: BTreeMap<String, u32>,
    pub extra: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FmImpact {
    pub percent: Option<f64>,
    pub users: Option<u64>,
    pub services: Vec<String>,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FmRootCause {
    pub category: Option<String>,
    pub summary: Option<String>,
}

/// The file split in two.
#[derive(Debug)]
pub struct Split<'a> {
    /// The block's text (without delimiters) and format, when there is one.
    pub block: Option<(Format, &'a str)>,
    /// Everything after the closing delimiter.
    pub body: &'a str,
    /// 1-based line number of the body's first line in the file.
    pub body_first_line: u32,
}

/// Split a leading `---`/`+++` block from the body. A file that opens a block and never
/// closes it is treated as having none (the whole file is body) with a diagnostic.
pub fn split<'a>(text: &'a str, path: &str, diags: &mut Vec<Diagnostic>) -> Split<'a> {
    let none = Split {
        block: None,
        body: text,
        body_first_line: 1,
    };
    let (format, delim) = if is_delimiter(first_line(text), "---") {
        (Format::Yaml, "---")
    } else if is_delimiter(first_line(text), "+++") {
        (Format::Toml, "+++")
    } else {
        return none;
    };
    let after_open = raw_line_len(text);
    let mut offset = after_open;
    let mut line_no = 2u32;
    while offset <= text.len() {
        let rest = &text[offset..];
        let line = first_line(rest);
        if is_delimiter(line, delim) {
            let block = &text[after_open..offset];
            let body_start = offset + raw_line_len(rest);
            return Split {
                block: Some((format, block)),
                body: &text[body_start..],
                body_first_line: line_no + 1,
            };
        }
        if rest.is_empty() {
            break;
        }
        // Always advance past the newline (or to the end): a lone `\r` before the end of
        // the file once made this loop spin forever (found by fuzzing).
        offset += raw_line_len(rest);
        line_no += 1;
    }
    diags.push(
        Diagnostic::warning(
            "unclosed-front-matter",
            path,
            format!("front matter opened with `{delim}` is never closed"),
        )
        .at_line(1)
        .with_hint(format!(
            "add a line with `{delim}` after the last front matter key"
        )),
    );
    none
}

fn first_line(s: &str) -> &str {
    let end = s.find('\n').unwrap_or(s.len());
    s[..end].strip_suffix('\r').unwrap_or(&s[..end])
}

/// Bytes up to and including the first `\n`, or the whole of `s` when there is none.
fn raw_line_len(s: &str) -> usize {
    s.find('\n').map(|i| i + 1).unwrap_or(s.len())
}

fn is_delimiter(line: &str, delim: &str) -> bool {
    line.trim_end() == delim
}

/// Parse a block into a [`FrontMatter`]. `first_line` is the file line of the block's first
/// line (2 when the file starts with the delimiter). Returns `None` (with an error
/// diagnostic carrying line and column) when the block is not valid YAML/TOML or not a map.
pub fn parse(
    format: Format,
    block: &str,
    first_line: u32,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<FrontMatter> {
    let value: Value = match format {
        Format::Yaml => {
            if block.trim().is_empty() {
                return Some(FrontMatter::default());
            }
            match serde_yaml::from_str::<serde_yaml::Value>(block) {
                Ok(v) => match yaml_to_json(v, 0) {
                    Ok(v) => v,
                    Err(msg) => {
                        diags.push(Diagnostic::error("front-matter-syntax", path, msg).at_line(first_line));
                        return None;
                    }
                },
                Err(e) => {
                    // YAML also counts a lone `\r` as a line break and reports end-of-stream
                    // errors one line past the block; never point past the closing delimiter
                    // (found by fuzzing).
                    let closing_line = first_line + block.matches('\n').count() as u32;
                    let (line, col) = e
                        .location()
                        .map(|l| (l.line() as u32, l.column() as u32))
                        .unwrap_or((1, 1));
                    diags.push(
                        Diagnostic::error(
                            "front-matter-syntax",
                            path,
                            format!("invalid YAML front matter: {}", first_sentence(&e.to_string())),
                        )
                        .at(
                            (first_line + line.saturating_sub(1)).min(closing_line),
                            col.max(1),
                        )
                        .with_hint(
                            "the page is built from the Markdown text alone; fix the YAML to use its fields",
                        ),
                    );
                    return None;
                }
            }
        }
        Format::Toml => match block.parse::<toml::Table>() {
            Ok(t) => serde_json::to_value(t).unwrap_or(Value::Null),
            Err(e) => {
                let (line, col) = e.span().map(|s| line_col(block, s.start)).unwrap_or((1, 1));
                diags.push(
                    Diagnostic::error(
                        "front-matter-syntax",
                        path,
                        format!("invalid TOML front matter: {}", first_sentence(e.message())),
                    )
                    .at(first_line + line - 1, col),
                );
                return None;
            }
        },
    };
    let map = match value {
        Value::Object(m) => m,
        Value::Null => Map::new(),
        other => {
            diags.push(
                Diagnostic::error(
                    "front-matter-type",
                    path,
                    format!("front matter must be a map of keys, found {}", kind(&other)),
                )
                .at_line(first_line),
            );
            return None;
        }
    };
    Some(typed(map, block, first_line, path, diags))
}

fn first_sentence(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

fn line_col(text: &str, byte: usize) -> (u32, u32) {
    let before = &text[..byte.min(text.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) as u32 + 1;
    (line, col)
}

/// YAML values to JSON values; map keys that are not strings are stringified, and tags are
/// dropped. Depth is bounded so a hostile document cannot overflow the stack.
fn yaml_to_json(v: serde_yaml::Value, depth: usize) -> Result<Value, String> {
    use serde_yaml::Value as Y;
    if depth > 64 {
        return Err("front matter is nested more than 64 levels deep".to_string());
    }
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(n).unwrap_or(Value::Null),
        Y::String(s) => Value::String(s),
        Y::Sequence(seq) => Value::Array(
            seq.into_iter()
                .map(|v| yaml_to_json(v, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    _ => continue,
                };
                out.insert(key, yaml_to_json(v, depth + 1)?);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => yaml_to_json(t.value, depth + 1)?,
    })
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// Builds the typed struct key by key, reporting (and dropping) values of the wrong shape.
struct Typer<'a> {
    block: &'a str,
    first_line: u32,
    path: &'a str,
    diags: &'a mut Vec<Diagnostic>,
    lines: BTreeMap<String, u32>,
}

impl Typer<'_> {
    /// File line of a top-level key, or of a nested key below its parent.
    fn line_of(&mut self, key: &str) -> u32 {
        if let Some(l) = self.lines.get(key) {
            return *l;
        }
        let (parent, leaf) = match key.rsplit_once('.') {
            Some((p, l)) => (Some(p), l),
            None => (None, key),
        };
        let start_after = parent.map(|p| self.line_of(p)).unwrap_or(0);
        let mut found = parent.map(|_| start_after).unwrap_or(self.first_line);
        for (i, line) in self.block.lines().enumerate() {
            let n = self.first_line + i as u32;
            if n <= start_after {
                continue;
            }
            let t = line.trim_start();
            let indented = t.len() != line.len();
            if indented != parent.is_some() {
                continue;
            }
            let bare = t.trim_start_matches(['"', '\'']);
            if let Some(rest) = bare.strip_prefix(leaf) {
                let rest = rest.trim_start_matches(['"', '\'']).trim_start();
                if rest.starts_with(':') || rest.starts_with('=') {
                    found = n;
                    break;
                }
            }
        }
        self.lines.insert(key.to_string(), found);
        found
    }

    fn wrong(&mut self, key: &str, want: &str, got: &Value) {
        let line = self.line_of(key);
        self.diags.push(
            Diagnostic::warning(
                "front-matter-type",
                self.path,
                format!(
                    "front matter `{key}` should be {want}, found {}; ignored",
                    kind(got)
                ),
            )
            .at_line(line),
        );
    }

    fn string(&mut self, key: &str, v: Option<Value>) -> Option<String> {
        let v = v?;
        self.line_of(key);
        match v {
            Value::String(s) if s.trim().is_empty() => None,
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null => None,
            other => {
                self.wrong(key, "a string", &other);
                None
            }
        }
    }

    fn strings(&mut self, key: &str, v: Option<Value>) -> Vec<String> {
        let Some(v) = v else { return Vec::new() };
        self.line_of(key);
        match v {
            Value::String(s) => s
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            Value::Array(items) => items
                .into_iter()
                .filter_map(|item| match item {
                    Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                    Value::Number(n) => Some(n.to_string()),
                    // `- {text: ..., done: true}` style action items
                    Value::Object(m) => m
                        .get("text")
                        .or_else(|| m.get("title"))
                        .and_then(|t| t.as_str())
                        .map(str::to_string),
                    _ => None,
                })
                .collect(),
            Value::Null => Vec::new(),
            other => {
                self.wrong(key, "a list of strings", &other);
                Vec::new()
            }
        }
    }

    fn number(&mut self, key: &str, v: Option<Value>) -> Option<f64> {
        let v = v?;
        self.line_of(key);
        match &v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => match s
                .trim()
                .trim_end_matches('%')
                .trim()
                .replace(',', "")
                .parse::<f64>()
            {
                Ok(n) => Some(n),
                Err(_) => {
                    self.wrong(key, "a number", &v);
                    None
                }
            },
            Value::Null => None,
            _ => {
                self.wrong(key, "a number", &v);
                None
            }
        }
    }

    fn boolean(&mut self, key: &str, v: Option<Value>) -> bool {
        match v {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => b,
            Some(Value::String(s)) if matches!(s.as_str(), "true" | "yes") => true,
            Some(Value::String(s)) if matches!(s.as_str(), "false" | "no") => false,
            Some(other) => {
                self.wrong(key, "true or false", &other);
                false
            }
        }
    }
}

/// Accepted spellings for each known key, first one canonical. Real archives use many.
const ALIASES: &[(&str, &[&str])] = &[
    (
        "start",
        &[
            "start",
            "start_time",
            "started",
            "started_at",
            "start_date",
            "began",
        ],
    ),
    (
        "end",
        &["end", "end_time", "ended", "ended_at", "end_date", "resolved_at"],
    ),
    (
        "services",
        &[
            "services",
            "affected_services",
            "affected",
            "affectedsystems",
            "affected_systems",
            "systems",
            "components",
        ],
    ),
    ("tags", &["tags", "categories", "labels"]),
    ("authors", &["authors", "author", "owner", "owners"]),
    ("timezone", &["timezone", "tz", "time_zone"]),
];

/// Remove the first spelling of `canonical` present; its line is recorded under the
/// canonical name so diagnostics point at the key the author wrote.
fn take(t: &mut Typer<'_>, map: &mut Map<String, Value>, canonical: &str) -> Option<Value> {
    let names = ALIASES
        .iter()
        .find(|(c, _)| *c == canonical)
        .map(|(_, a)| *a)
        .unwrap_or(&[]);
    let (name, value) = names.iter().find_map(|n| map.remove(*n).map(|v| (*n, v)))?;
    if name != canonical {
        let line = t.line_of(name);
        t.lines.remove(name);
        t.lines.insert(canonical.to_string(), line);
    }
    Some(value)
}

fn typed(
    mut map: Map<String, Value>,
    block: &str,
    first_line: u32,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let mut t = Typer {
        block,
        first_line,
        path,
        diags,
        lines: BTreeMap::new(),
    };
    let v_start = take(&mut t, &mut map, "start");
    let v_end = take(&mut t, &mut map, "end");
    let v_timezone = take(&mut t, &mut map, "timezone");
    let v_services = take(&mut t, &mut map, "services");
    let v_tags = take(&mut t, &mut map, "tags");
    let v_authors = take(&mut t, &mut map, "authors");
    let mut fm = FrontMatter {
        title: t.string("title", map.remove("title")),
        slug: t.string("slug", map.remove("slug")),
        draft: t.boolean("draft", map.remove("draft")),
        start: t.string("start", v_start),
        end: t.string("end", v_end),
        duration: t.string("duration", map.remove("duration")),
        timezone: t.string("timezone", v_timezone),
        severity: t.string("severity", map.remove("severity")),
        services: t.strings("services", v_services),
        contributing_factors: t.strings("contributing_factors", map.remove("contributing_factors")),
        tags: t.strings("tags", v_tags),
        authors: t.strings("authors", v_authors),
        status: t.string("status", map.remove("status")),
        action_items: t.strings("action_items", map.remove("action_items")),
        ..FrontMatter::default()
    };
    match map.remove("impact") {
        Some(Value::Object(mut m)) => {
            t.line_of("impact");
            fm.impact.percent = t.number("impact.percent", m.remove("percent"));
            fm.impact.users = t
                .number("impact.users", m.remove("users"))
                .filter(|u| *u >= 0.0)
                .map(|u| u as u64);
            fm.impact.services = t.strings("impact.services", m.remove("services"));
            fm.impact.summary = t.string("impact.summary", m.remove("summary"));
        }
        Some(Value::String(s)) => {
            t.line_of("impact");
            fm.impact.summary = Some(s);
        }
        Some(Value::Null) | None => {}
        Some(other) => t.wrong("impact", "a map or a string", &other),
    }
    match map.remove("root_cause") {
        Some(Value::Object(mut m)) => {
            t.line_of("root_cause");
            fm.root_cause.category = t.string("root_cause.category", m.remove("category"));
            fm.root_cause.summary = t.string("root_cause.summary", m.remove("summary"));
        }
        Some(Value::String(s)) => {
            t.line_of("root_cause");
            fm.root_cause.summary = Some(s);
        }
        Some(Value::Null) | None => {}
        Some(other) => t.wrong("root_cause", "a map or a string", &other),
    }
    // Front matter `date` is the publication date in most generators; use it as the start
    // only when nothing better is given (extract decides; we keep it in extra).
    fm.extra = map.into_iter().collect();
    fm.lines = t.lines;
    fm
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_file(text: &str) -> (Option<FrontMatter>, Vec<Diagnostic>, u32) {
        let mut diags = Vec::new();
        let s = split(text, "a.md", &mut diags);
        let fm = s.block.and_then(|(f, b)| parse(f, b, 2, "a.md", &mut diags));
        (fm, diags, s.body_first_line)
    }

    #[test]
    fn yaml_block_is_split_and_typed_with_lines() {
        let (fm, diags, body_line) = parse_file(
            "---\ntitle: Disk full on db-3\nseverity: SEV2\nimpact:\n  percent: 12\n  summary: slow checkout\nservices: [checkout, payments]\nowner_team: storage\n---\n# Body\n",
        );
        let fm = fm.unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(body_line, 10);
        assert_eq!(fm.title.as_deref(), Some("Disk full on db-3"));
        assert_eq!(fm.impact.percent, Some(12.0));
        assert_eq!(fm.services, vec!["checkout", "payments"]);
        assert_eq!(fm.lines["title"], 2);
        assert_eq!(fm.lines["impact.percent"], 5);
        assert_eq!(fm.extra["owner_team"], Value::String("storage".into()));
    }

    #[test]
    fn toml_block_and_aliases() {
        let (fm, diags, _) =
            parse_file("+++\ntitle = \"CDN outage\"\naffectedsystems = [\"Asset CDN\"]\n+++\ntext\n");
        assert!(diags.is_empty());
        let fm = fm.unwrap();
        assert_eq!(fm.services, vec!["Asset CDN"]);
        assert_eq!(fm.lines["services"], 3);
    }

    #[test]
    fn wrong_types_drop_one_key_with_a_diagnostic() {
        let (fm, diags, _) = parse_file("---\ntitle: ok\nseverity: [1, 2]\ndraft: maybe\n---\n");
        let fm = fm.unwrap();
        assert_eq!(fm.title.as_deref(), Some("ok"));
        assert_eq!(fm.severity, None);
        assert_eq!(diags.len(), 2);
        let sev = diags.iter().find(|d| d.message.contains("`severity`")).unwrap();
        assert_eq!(sev.code, "front-matter-type");
        assert_eq!(sev.line, Some(3));
        assert!(!fm.draft);
    }

    #[test]
    fn invalid_yaml_reports_file_line_and_column() {
        let (fm, diags, _) = parse_file("---\ntitle: ok\nimpact: {percent: 3\n---\nbody\n");
        assert!(fm.is_none());
        assert_eq!(diags[0].code, "front-matter-syntax");
        assert!(diags[0].line.unwrap() >= 3, "{:?}", diags[0]);
        assert!(diags[0].column.is_some());
    }

    #[test]
    fn unclosed_block_is_body_with_a_warning() {
        let (fm, diags, body_line) = parse_file("---\ntitle: never closed\n\n# Heading\n");
        assert!(fm.is_none());
        assert_eq!(body_line, 1);
        assert_eq!(diags[0].code, "unclosed-front-matter");
    }

    #[test]
    fn crlf_files_split_too() {
        let (fm, diags, body_line) = parse_file("---\r\ntitle: Windows\r\n---\r\nbody\r\n");
        assert!(diags.is_empty());
        assert_eq!(fm.unwrap().title.as_deref(), Some("Windows"));
        assert_eq!(body_line, 4);
    }

    #[test]
    fn a_lone_carriage_return_at_the_end_does_not_hang() {
        // Regression (fuzzing): `first_line` strips a final `\r`, and the loop used to
        // advance by zero bytes forever.
        for text in [
            "+++\ntitle = \"x\"\nno close\r",
            "---\r",
            "---\nkey: v\n\r",
            "---\n\r\n---\r",
        ] {
            let (_, _, _) = parse_file(text);
        }
        let (fm, diags, body_line) = parse_file("---\ntitle: T\n---\r");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(fm.unwrap().title.as_deref(), Some("T"));
        assert_eq!(body_line, 4);
    }

    #[test]
    fn yaml_error_lines_never_point_past_the_block() {
        // Regression (fuzzing): lone `\r`s are line breaks to YAML but not to editors.
        let (fm, diags, _) = parse_file("---\ntitle: \"a\rb\rc\rd\n---\n");
        assert!(fm.is_none());
        assert_eq!(diags[0].code, "front-matter-syntax");
        assert!(diags[0].line.unwrap() <= 3, "{:?}", diags[0]);
    }

    #[test]
    fn alias_bombs_are_refused_not_expanded() {
        let mut bomb = String::from("---\na: &a [x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        bomb.push_str("---\nbody\n");
        let (fm, diags, _) = parse_file(&bomb);
        assert!(fm.is_none());
        assert_eq!(diags[0].code, "front-matter-syntax");
    }
}

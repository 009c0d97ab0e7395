//! `incidex check`: lint the archive for CI and editors, without writing a site.
//!
//! Owns the three output formats (rustc-like text, GitHub workflow commands, JSON), the
//! `--deny`/`--allow`/`--strict` policy and the exit code: 0 clean, 1 errors (or warnings
//! under `--strict`), 2 when the archive or config cannot be read at all. The findings
//! themselves come from `incidex::check`.

use super::{load_config, today};
use anyhow::Result;
use clap::ValueEnum;
use incidex::check::{self, CheckOptions};
use incidex::diagnostic::{Diagnostic, Severity};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style: severity, code, file:line:col, the line with a caret, a hint.
    Human,
    /// JSON array of findings (stable; see README).
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…::message`).
    Github,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Content folder to check (default `content`), or one postmortem file.
    pub path: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 on warnings too, not only errors.
    #[arg(long)]
    pub strict: bool,
    /// Treat this code as an error (repeatable; `warnings` means every warning).
    #[arg(long, value_name = "CODE")]
    pub deny: Vec<String>,
    /// Do not report this code (repeatable).
    #[arg(long, value_name = "CODE")]
    pub allow: Vec<String>,
    /// Also show informational notes.
    #[arg(long, short)]
    pub verbose: bool,
    /// Also check postmortems marked `draft: true`, which `build` leaves out unless given
    /// `--drafts` (a draft named as the one file to check is always checked).
    #[arg(long)]
    pub drafts: bool,
    /// Site configuration; `incidex.yaml` is read when present.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

/// Exit code for "could not check at all" (missing folder, unreadable config).
const EXIT_IO: u8 = 2;

pub fn run(args: CheckArgs) -> Result<ExitCode> {
    let config = match load_config(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            return Ok(ExitCode::from(EXIT_IO));
        }
    };
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("content"));
    let (content, only) = match split_target(&path) {
        Ok(t) => t,
        Err(msg) => {
            eprintln!("error: {msg}");
            return Ok(ExitCode::from(EXIT_IO));
        }
    };
    let opts = CheckOptions {
        config: &config,
        today: today(),
        include_drafts: args.drafts || only.is_some(),
    };
    let report = match check::check(&content, &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot check {}: {e}", content.display());
            return Ok(ExitCode::from(EXIT_IO));
        }
    };
    let shown: Vec<Diagnostic> = apply_policy(report.diagnostics, &args)
        .into_iter()
        .filter(|d| only.as_deref().is_none_or(|o| d.path == o || d.path.is_empty()))
        .collect();
    let errors = shown.iter().filter(|d| d.is_error()).count();
    let warnings = shown.iter().filter(|d| d.severity == Severity::Warning).count();
    let files = if only.is_some() { 1 } else { report.files };

    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Human => {
            let mut sources = Sources::new(&content);
            for d in &shown {
                write!(out, "{}", human(d, &content, &mut sources))?;
            }
            writeln!(out, "{}", summary(files, errors, warnings, report.drafts_skipped))?;
        }
        Format::Github => {
            for d in &shown {
                writeln!(out, "{}", github(d, &content))?;
            }
            eprintln!("{}", summary(files, errors, warnings, report.drafts_skipped));
        }
        Format::Json => {
            let items: Vec<JsonFinding<'_>> = shown.iter().map(|d| JsonFinding::new(d, &content)).collect();
            serde_json::to_writer_pretty(&mut out, &items)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    let fail = errors > 0 || (args.strict && warnings > 0);
    Ok(if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A folder is the content root; a file is checked within its archive (`content/` when it
/// lies inside it, else its own folder) and only its findings are shown.
fn split_target(path: &Path) -> std::result::Result<(PathBuf, Option<String>), String> {
    if path.is_dir() {
        return Ok((path.to_path_buf(), None));
    }
    if !path.is_file() {
        return Err(format!("{} does not exist", path.display()));
    }
    let abs = std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let root = std::fs::canonicalize("content")
        .ok()
        .filter(|c| abs.starts_with(c))
        .or_else(|| abs.parent().map(Path::to_path_buf))
        .ok_or_else(|| format!("{} has no parent folder", path.display()))?;
    let rel = abs
        .strip_prefix(&root)
        .map(|r| {
            r.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        })
        .map_err(|_| format!("{} is not inside {}", path.display(), root.display()))?;
    Ok((root, Some(rel)))
}

/// `--allow` drops a code, `--deny` makes it (or every warning) an error. Infos are shown
/// only with `--verbose` unless denied.
fn apply_policy(diags: Vec<Diagnostic>, args: &CheckArgs) -> Vec<Diagnostic> {
    let listed =
        |list: &[String], code: &str| list.iter().flat_map(|s| s.split(',')).any(|c| c.trim() == code);
    diags
        .into_iter()
        .filter(|d| !listed(&args.allow, d.code))
        .map(|mut d| {
            if listed(&args.deny, d.code)
                || (d.severity == Severity::Warning && listed(&args.deny, "warnings"))
            {
                d.severity = Severity::Error;
            }
            d
        })
        .filter(|d| args.verbose || d.severity >= Severity::Warning)
        .collect()
}

fn summary(files: usize, errors: usize, warnings: usize, drafts_skipped: usize) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let drafts = if drafts_skipped > 0 {
        format!(
            " ({} skipped; --drafts checks them)",
            plural(drafts_skipped, "draft")
        )
    } else {
        String::new()
    };
    if errors == 0 && warnings == 0 {
        format!("check: {}{drafts}, no problems found", plural(files, "file"))
    } else {
        format!(
            "check: {}{drafts}, {}, {}",
            plural(files, "file"),
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    }
}

/// The path a user can open: the content folder joined with the finding's path.
fn shown_path(d: &Diagnostic, content: &Path) -> String {
    content.join(&d.path).display().to_string()
}

/// File text by line, read once per file, for the human format's source excerpts.
struct Sources<'a> {
    content: &'a Path,
    files: HashMap<String, Vec<String>>,
}

impl<'a> Sources<'a> {
    fn new(content: &'a Path) -> Self {
        Sources {
            content,
            files: HashMap::new(),
        }
    }

    fn line(&mut self, path: &str, line: u32) -> Option<&str> {
        let lines = self.files.entry(path.to_string()).or_insert_with(|| {
            std::fs::read(self.content.join(path))
                .map(|b| {
                    let text = String::from_utf8_lossy(&b);
                    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
                    text.lines().map(str::to_string).collect()
                })
                .unwrap_or_default()
        });
        lines.get(line.checked_sub(1)? as usize).map(String::as_str)
    }
}

/// Longest excerpt of a source line shown; longer lines are cut around the column.
const EXCERPT_CHARS: usize = 100;

/// The line as displayed (tabs expanded, cut to a window around `column`) and the caret's
/// offset in it, both in characters.
fn excerpt(line: &str, column: u32) -> (String, usize) {
    let chars: Vec<char> = line
        .chars()
        .flat_map(|c| if c == '\t' { vec![' '; 4] } else { vec![c] })
        .collect();
    // Column counts a tab as one character; map it to the expanded position.
    let col0 = column.saturating_sub(1) as usize;
    let caret: usize = line
        .chars()
        .take(col0)
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum();
    if chars.len() <= EXCERPT_CHARS {
        let caret = caret.min(chars.len());
        return (chars.into_iter().collect(), caret);
    }
    let start = caret
        .saturating_sub(EXCERPT_CHARS / 2)
        .min(chars.len() - EXCERPT_CHARS);
    let end = start + EXCERPT_CHARS;
    let mut shown = String::new();
    let mut caret_at = caret - start;
    if start > 0 {
        shown.push('…');
        caret_at += 1;
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, caret_at)
}

/// One finding, rustc style.
fn human(d: &Diagnostic, content: &Path, sources: &mut Sources<'_>) -> String {
    let mut s = format!("{}[{}]: {}\n", d.severity, d.code, d.message);
    if !d.path.is_empty() {
        let mut loc = shown_path(d, content);
        if let Some(l) = d.line {
            loc.push_str(&format!(":{l}"));
            if let Some(c) = d.column {
                loc.push_str(&format!(":{c}"));
            }
        }
        let text = d.line.and_then(|l| sources.line(&d.path, l).map(str::to_string));
        let gutter = d.line.map(|l| l.to_string().len()).unwrap_or(1);
        let pad = " ".repeat(gutter);
        s.push_str(&format!("{pad}--> {loc}\n"));
        if let (Some(l), Some(text)) = (d.line, text) {
            let (shown, caret) = excerpt(&text, d.column.unwrap_or(1));
            s.push_str(&format!(
                "{pad} |\n{l} | {shown}\n{pad} | {}^\n",
                " ".repeat(caret)
            ));
        }
        if let Some(h) = &d.hint {
            s.push_str(&format!("{pad} = help: {h}\n"));
        }
    } else if let Some(h) = &d.hint {
        s.push_str(&format!("  = help: {h}\n"));
    }
    s.push('\n');
    s
}

/// GitHub's workflow-command escaping: message data escapes `%`, CR and LF; property
/// values additionally `:` and `,`.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github(d: &Diagnostic, content: &Path) -> String {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut props = Vec::new();
    if !d.path.is_empty() {
        props.push(format!("file={}", escape_property(&shown_path(d, content))));
        if let Some(l) = d.line {
            props.push(format!("line={l}"));
            if let Some(c) = d.column {
                props.push(format!("col={c}"));
            }
        }
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("incidex {}", d.code))
    ));
    let mut message = d.message.clone();
    if let Some(h) = &d.hint {
        message.push_str(&format!("\nhelp: {h}"));
    }
    format!("::{kind} {}::{}", props.join(","), escape_data(&message))
}

/// The JSON form: one object per finding. Field names are a public interface.
#[derive(Debug, Serialize)]
struct JsonFinding<'a> {
    severity: Severity,
    code: &'a str,
    /// As the user can open it (content folder + path); empty for archive-wide findings.
    file: String,
    /// Relative to the content folder.
    path: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    message: &'a str,
    hint: Option<&'a str>,
}

impl<'a> JsonFinding<'a> {
    fn new(d: &'a Diagnostic, content: &Path) -> Self {
        JsonFinding {
            severity: d.severity,
            code: d.code,
            file: if d.path.is_empty() {
                String::new()
            } else {
                shown_path(d, content)
            },
            path: &d.path,
            line: d.line,
            column: d.column,
            message: &d.message,
            hint: d.hint.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping_follows_the_workflow_command_rules() {
        let d = Diagnostic::warning("placeholder", "a,b:c.md", "100% wrong\r\nnext").at(3, 7);
        assert_eq!(
            github(&d, Path::new("content")),
            "::warning file=content/a%2Cb%3Ac.md,line=3,col=7,title=incidex placeholder::100%25 wrong%0D%0Anext"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = "x".repeat(100_000) + "TBD" + &"y".repeat(50);
        let (shown, caret) = excerpt(&line, 100_001);
        assert!(shown.chars().count() <= EXCERPT_CHARS + 2);
        assert_eq!(shown.chars().nth(caret), Some('T'));
        let (shown, caret) = excerpt("\tkey: TBD", 7);
        assert_eq!(shown, "    key: TBD");
        assert_eq!(&shown[caret..], "TBD");
    }

    #[test]
    fn human_output_shows_the_line_and_a_caret() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "---\nstart: TBD\n---\n").unwrap();
        let d = Diagnostic::warning("placeholder", "a.md", "`start` is a placeholder")
            .at(2, 8)
            .with_hint("fill it in");
        let mut sources = Sources::new(dir.path());
        let out = human(&d, dir.path(), &mut sources);
        let loc = format!("{}", dir.path().join("a.md").display());
        assert_eq!(
            out,
            format!(
                "warning[placeholder]: `start` is a placeholder\n --> {loc}:2:8\n  |\n2 | start: TBD\n  |        ^\n  = help: fill it in\n\n"
            )
        );
    }
}

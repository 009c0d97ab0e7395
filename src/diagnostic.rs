//! Diagnostics: the non-fatal findings every stage reports about the archive.
//!
//! A diagnostic names a file (relative to the content folder), a line and column where known,
//! a stable code (`placeholder`, `duration-conflict`, ...) and a message a person can act on.
//! Stages *return* diagnostics alongside their data; nothing here prints. Printing and exit
//! codes belong to the CLI.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a finding is. Errors mean a postmortem (or part of it) could not be used as
/// written; warnings mean the site was built but a reader may be misled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One finding about one file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable, kebab-case identifier, e.g. `missing-field`; documented in README.
    pub code: &'static str,
    /// Path relative to the content folder, `/`-separated. Empty for archive-wide findings.
    pub path: String,
    /// 1-based line in the file, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
    pub message: String,
    /// What to do about it, when there is something to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(
        severity: Severity,
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn error(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, path, message)
    }

    pub fn warning(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, path, message)
    }

    pub fn info(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Info, code, path, message)
    }

    pub fn at_line(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }

    pub fn at(mut self, line: u32, column: u32) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: ", self.severity, self.code)?;
        if !self.path.is_empty() {
            f.write_str(&self.path)?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(col) = self.column {
                    write!(f, ":{col}")?;
                }
            }
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_and_column() {
        let d = Diagnostic::warning("placeholder", "2023/a.md", "\"TBD\" is a placeholder").at(7, 3);
        assert_eq!(
            d.to_string(),
            "warning[placeholder]: 2023/a.md:7:3: \"TBD\" is a placeholder"
        );
    }

    #[test]
    fn archive_wide_findings_have_no_location() {
        let d = Diagnostic::error("duplicate-slug", "", "two files want slug x");
        assert_eq!(d.to_string(), "error[duplicate-slug]: two files want slug x");
    }
}

//! Extract: a parsed [`Document`] → the incident's [`Record`], with provenance and
//! diagnostics.
//!
//! Front matter, when present, always wins; the text fills what front matter leaves empty.
//! The rule everywhere: never invent. A placeholder ("TBD", "[Timestamp]") or an unreadable
//! value yields no value and a diagnostic; a wrong value is worse than none.
//!
//! This stage reads only the `Document` and the `Config`; it does no I/O.

pub mod duration;
pub mod front_matter;
pub mod when;
pub mod zone;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::{Provenance, Record};
use crate::parse::Document;

/// What extraction needs besides the document.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub config: &'a Config,
    /// "Now", for future-date checks; passed in so builds are deterministic and testable.
    pub today: jiff::civil::Date,
}

/// Extract every field of `doc`.
pub fn extract(doc: &Document, cx: &Context<'_>) -> (Record, Vec<Diagnostic>) {
    let mut record = Record::default();
    let mut diags = Vec::new();
    if let Some(fm) = &doc.front_matter {
        front_matter::apply(fm, &doc.path, cx, &mut record, &mut diags);
    }
    if record.title.is_none() {
        if let Some((title, line)) = &doc.markdown.first_heading {
            record.title = Some(title.clone());
            record.note("title", Provenance::text(*line));
        }
    }
    (record, diags)
}

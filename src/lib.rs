//! incidex: a static site generator for postmortem archives.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! [`discover`] → [`parse`] → [`extract`] → [`archive`] → [`render`] → [`output`],
//! wired together by [`site`]. The command-line interface lives in the binary (`src/cli/`).

pub mod archive;
pub mod check;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod extract;
pub mod model;
pub mod output;
pub mod parse;
pub mod render;
pub mod schema;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod stamp;

//! Stamp: what the last build was made from and what it wrote, so that rebuilding an
//! unchanged archive can skip all the work and still leave exactly a clean build's output.
//!
//! A build records a [`Stamp`] beside the output (`.incidex/build/<output name>.json`, next
//! to the search index): a hash of every input and a hash of the listing of every file it
//! wrote, plus its report. The next build computes the inputs' hash first; when it matches
//! and the output folder still holds exactly the files the stamp lists (same paths, sizes
//! and modification times), the output already *is* what a clean build would write, so
//! nothing is done and the recorded report (diagnostics included, so CI still sees its
//! warnings) is given again. Any doubt means a full build: a missing or unreadable stamp,
//! a changed byte in any postmortem, the config, the theme, the incidex binary, the
//! `--drafts` flag, today's date (future-date findings depend on it), or an edited,
//! added or removed file in the output.
//!
//! Owns only the stamp file. It must not decide what a build contains: that stays in
//! `site`, which calls [`inputs_hash`] (or [`inputs_hash_of`] on what it loaded),
//! [`Stamp::matches`] and [`Stamp::write`].

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// Bump when the stamp's layout or meaning changes.
const FORMAT: u32 = 1;

/// The recorded outcome of a build.
#[derive(Debug, Serialize, Deserialize)]
pub struct Stamp {
    format: u32,
    /// [`inputs_hash`] of the build.
    inputs: String,
    /// [`outputs_hash`] of the folder right after the build.
    outputs: String,
    pub postmortems: usize,
    pub pages: usize,
    pub assets: usize,
    pub drafts_skipped: usize,
    diagnostics: Vec<StoredDiagnostic>,
}

/// [`Diagnostic`] as stored: its code is owned text.
#[derive(Debug, Serialize, Deserialize)]
struct StoredDiagnostic {
    severity: Severity,
    code: String,
    path: String,
    line: Option<u32>,
    column: Option<u32>,
    message: String,
    hint: Option<String>,
}

/// Where the stamp of a build into `output` lives.
pub fn path_for(output: &Path) -> PathBuf {
    use crate::search::index::{output_name, state_dir};
    state_dir(output)
        .join("build")
        .join(format!("{}.json", output_name(output)))
}

/// What a build's output depends on, hashed. Reads every postmortem (in parallel): a
/// stamp must not be fooled by an edit that kept the size and modification time.
/// `None` when something cannot be read; the build then runs and reports it.
pub fn inputs_hash(
    content: &Path,
    config: &Config,
    include_drafts: bool,
    today: jiff::civil::Date,
) -> Option<String> {
    let found = crate::discover::discover(content).ok()?;
    let files: Vec<Option<u64>> = found
        .postmortems
        .par_iter()
        .map(|f| Some(file_hash(&f.rel, &std::fs::read(&f.abs).ok()?)))
        .collect();
    inputs_hash_of(&found, &files, config, include_drafts, today)
}

/// One postmortem's part of [`inputs_hash`]: its path and every byte. `site::load` computes
/// it on the bytes it parses, so a cold build reads each file once.
pub fn file_hash(rel: &str, bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    rel.hash(&mut h);
    bytes.hash(&mut h);
    h.finish()
}

/// [`inputs_hash`] of a discovered archive whose postmortems' [`file_hash`]es are known,
/// in the listing's order (`None`: that file could not be read).
pub fn inputs_hash_of(
    found: &crate::discover::Discovered,
    files: &[Option<u64>],
    config: &Config,
    include_drafts: bool,
    today: jiff::civil::Date,
) -> Option<String> {
    if files.len() != found.postmortems.len() {
        return None;
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    FORMAT.hash(&mut h);
    env!("CARGO_PKG_VERSION").hash(&mut h);
    // A rebuilt binary may render differently under the same version number.
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())?;
    exe.len().hash(&mut h);
    mtime_ns(&exe).hash(&mut h);
    format!("{config:?}").hash(&mut h);
    include_drafts.hash(&mut h);
    today.to_string().hash(&mut h);
    found.diagnostics.len().hash(&mut h);
    for f in files {
        f.as_ref()?.hash(&mut h);
    }
    // Assets are copied as they are: their listing is enough.
    for a in &found.assets {
        let meta = std::fs::metadata(&a.abs).ok()?;
        (&a.rel, meta.len(), mtime_ns(&meta)).hash(&mut h);
    }
    if let Some(theme) = &config.theme {
        listing_hash(theme)?.hash(&mut h);
    }
    Some(format!("{:016x}", h.finish()))
}

/// Hash of every file under `dir`: relative path, size, modification time. `None` when
/// the folder is missing or unreadable.
pub fn outputs_hash(dir: &Path) -> Option<String> {
    listing_hash(dir).map(|h| format!("{h:016x}"))
}

/// [`outputs_hash`], reading folders in parallel. For the stamp written at the end of a
/// build, where the listing (23,000 entries for 10,000 postmortems) ran on one core while
/// the other idled. Checking a stamp keeps the sequential walk: an unchanged rebuild is
/// little else, and spread over threads it took more CPU and memory for no less time.
fn outputs_hash_parallel(dir: &Path) -> Option<String> {
    if !dir.is_dir() {
        return None;
    }
    let mut entries = vec![entry(dir, PathBuf::new())?];
    entries.extend(entries_below(dir, Path::new(""))?);
    // By path, component by component: the order of a walk sorted by file name.
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for e in &entries {
        e.hash(&mut h);
    }
    Some(format!("{:016x}", h.finish()))
}

/// What the listing hash records of one file or folder: its path relative to the listed
/// folder, whether it is a folder, its size and modification time.
type Entry = (PathBuf, bool, u64, u128);

fn entry(abs: &Path, rel: PathBuf) -> Option<Entry> {
    let meta = std::fs::symlink_metadata(abs).ok()?;
    Some((rel, meta.is_dir(), meta.len(), mtime_ns(&meta)))
}

/// Every entry below `abs` (whose path relative to the listed folder is `rel`), in no
/// particular order, each folder's entries read in parallel.
fn entries_below(abs: &Path, rel: &Path) -> Option<Vec<Entry>> {
    let children = std::fs::read_dir(abs)
        .ok()?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<Result<Vec<_>, _>>()
        .ok()?;
    let nested = children
        .par_iter()
        .map(|name| {
            let (abs, rel) = (abs.join(name), rel.join(name));
            let e = entry(&abs, rel.clone())?;
            let mut all = if e.1 {
                entries_below(&abs, &rel)?
            } else {
                Vec::new()
            };
            all.push(e);
            Some(all)
        })
        .collect::<Option<Vec<_>>>()?;
    Some(nested.into_iter().flatten().collect())
}

fn listing_hash(dir: &Path) -> Option<u64> {
    if !dir.is_dir() {
        return None;
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.ok()?;
        let meta = entry.metadata().ok()?;
        let rel = entry.path().strip_prefix(dir).ok()?;
        (rel, meta.is_dir(), meta.len(), mtime_ns(&meta)).hash(&mut h);
    }
    Some(h.finish())
}

/// Modification time as the search index's input fingerprint reads it.
fn mtime_ns(meta: &std::fs::Metadata) -> u128 {
    crate::search::index::FileStat::of(meta).mtime_ns
}

impl Stamp {
    pub fn new(
        inputs: String,
        output: &Path,
        counts: [usize; 4],
        diagnostics: &[Diagnostic],
    ) -> Option<Stamp> {
        let [postmortems, pages, assets, drafts_skipped] = counts;
        Some(Stamp {
            format: FORMAT,
            inputs,
            outputs: outputs_hash_parallel(output)?,
            postmortems,
            pages,
            assets,
            drafts_skipped,
            diagnostics: diagnostics
                .iter()
                .map(|d| StoredDiagnostic {
                    severity: d.severity,
                    code: d.code.to_string(),
                    path: d.path.clone(),
                    line: d.line,
                    column: d.column,
                    message: d.message.clone(),
                    hint: d.hint.clone(),
                })
                .collect(),
        })
    }

    /// The stamp of the last build into `output`, if there is a readable one.
    pub fn read(output: &Path) -> Option<Stamp> {
        let text = std::fs::read_to_string(path_for(output)).ok()?;
        serde_json::from_str::<Stamp>(&text)
            .ok()
            .filter(|s| s.format == FORMAT)
    }

    /// Record this stamp. A stamp that cannot be written only costs the next build its
    /// shortcut, so failure is not an error; a stale stamp is removed first so it can
    /// never outlive the output it describes.
    pub fn write(&self, output: &Path) {
        let path = path_for(output);
        let _ = std::fs::remove_file(&path);
        let Ok(json) = serde_json::to_string(self) else {
            return;
        };
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let tmp = path.with_extension("json.tmp");
        if std::fs::write(&tmp, json).is_ok() {
            let _ = std::fs::rename(&tmp, &path);
        }
    }

    /// Remove the stamp of `output` (before a build changes the output).
    pub fn forget(output: &Path) {
        let _ = std::fs::remove_file(path_for(output));
    }

    /// True when the build it records had these inputs and `output` is untouched since.
    pub fn matches(&self, inputs: &str, output: &Path) -> bool {
        self.inputs == inputs && outputs_hash(output).is_some_and(|o| o == self.outputs)
    }

    /// The recorded diagnostics. Codes are a small closed set of names, so each distinct
    /// one is given a `'static` lifetime once (a few bytes per process).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut codes: HashMap<&str, &'static str> = HashMap::new();
        self.diagnostics
            .iter()
            .map(|d| {
                let code = *codes
                    .entry(d.code.as_str())
                    .or_insert_with(|| Box::leak(d.code.clone().into_boxed_str()));
                Diagnostic {
                    severity: d.severity,
                    code,
                    path: d.path.clone(),
                    line: d.line,
                    column: d.column,
                    message: d.message.clone(),
                    hint: d.hint.clone(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parallel_listing_hashes_as_the_sequential_walk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        // Names whose order differs between byte order and a walk sorted by name.
        for f in [
            "index.html",
            "b/index.html",
            "a/x/1.txt",
            "a/x/2.txt",
            "a-b/c",
            "a.b",
            "z/y/x/w",
        ] {
            let path = root.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, f).unwrap();
        }
        std::fs::create_dir_all(root.join("empty")).unwrap();
        let sequential = outputs_hash(&root);
        assert!(sequential.is_some());
        assert_eq!(outputs_hash_parallel(&root), sequential);
        std::fs::write(root.join("a/x/2.txt"), "longer than before").unwrap();
        assert_ne!(outputs_hash(&root), sequential, "a size changed");
        assert_eq!(outputs_hash_parallel(&root), outputs_hash(&root));
        assert_eq!(outputs_hash_parallel(&dir.path().join("missing")), None);
    }

    fn today() -> jiff::civil::Date {
        jiff::civil::date(2026, 1, 2)
    }

    #[test]
    fn inputs_hash_changes_with_any_input() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        std::fs::write(content.join("a.md"), "# A\n\nStarted 2023-01-01 10:00 UTC.\n").unwrap();
        let config = Config::default();
        let base = inputs_hash(&content, &config, false, today()).unwrap();
        assert_eq!(
            inputs_hash(&content, &config, false, today()).unwrap(),
            base,
            "stable"
        );
        assert_ne!(
            inputs_hash(&content, &config, true, today()).unwrap(),
            base,
            "drafts"
        );
        let tomorrow = jiff::civil::date(2026, 1, 3);
        assert_ne!(
            inputs_hash(&content, &config, false, tomorrow).unwrap(),
            base,
            "date"
        );
        let other = Config {
            base_url: "https://elsewhere.example/".into(),
            ..Config::default()
        };
        assert_ne!(
            inputs_hash(&content, &other, false, today()).unwrap(),
            base,
            "config"
        );
        // Same size, one byte different.
        std::fs::write(content.join("a.md"), "# B\n\nStarted 2023-01-01 10:00 UTC.\n").unwrap();
        assert_ne!(
            inputs_hash(&content, &config, false, today()).unwrap(),
            base,
            "content"
        );
    }

    #[test]
    fn a_stamp_matches_only_its_untouched_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::write(out.join("a/index.html"), "one").unwrap();
        let d = Diagnostic::warning("missing-field", "x.md", "no impact");
        let stamp = Stamp::new("in".into(), &out, [1, 2, 3, 4], std::slice::from_ref(&d)).unwrap();
        stamp.write(&out);
        let read = Stamp::read(&out).unwrap();
        assert!(read.matches("in", &out));
        assert!(!read.matches("other inputs", &out));
        assert_eq!(read.diagnostics(), vec![d]);
        assert_eq!(
            (read.postmortems, read.pages, read.assets, read.drafts_skipped),
            (1, 2, 3, 4)
        );
        std::fs::write(out.join("extra.html"), "added").unwrap();
        assert!(!read.matches("in", &out), "a file added to the output");
        std::fs::remove_file(out.join("extra.html")).unwrap();
        std::fs::remove_file(out.join("a/index.html")).unwrap();
        assert!(!read.matches("in", &out), "a file removed from the output");
        Stamp::forget(&out);
        assert!(Stamp::read(&out).is_none());
    }
}

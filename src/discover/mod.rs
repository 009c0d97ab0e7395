//! Discover: walk the content folder and list the postmortem files and the files beside
//! them (images, diagrams, attachments), in a deterministic order.
//!
//! Owns what counts as content: `*.md` / `*.markdown` files, skipping hidden files and
//! folders (`.git`, `.drafts`) and `_`-prefixed templates. Problems (unreadable folders,
//! symlink loops) become diagnostics; only a missing content folder is fatal. It reads no
//! file contents.

use crate::diagnostic::Diagnostic;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("content folder {0} does not exist")]
    Missing(PathBuf),
    #[error("{0} is not a folder")]
    NotADirectory(PathBuf),
}

/// One file found under the content folder.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    /// Path relative to the content folder, `/`-separated.
    pub rel: String,
    pub abs: PathBuf,
}

#[derive(Debug, Default)]
pub struct Discovered {
    /// Markdown files, sorted by relative path.
    pub postmortems: Vec<Found>,
    /// Other files, sorted by relative path; copied to the site as they are.
    pub assets: Vec<Found>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Is this a postmortem source by name?
pub fn is_markdown(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref(),
        Some("md" | "markdown")
    )
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('_')
}

/// Walk `root`. Symlinks are followed (content is often assembled from several repos) but
/// loops are reported and skipped.
pub fn discover(root: &Path) -> Result<Discovered, DiscoverError> {
    if !root.exists() {
        return Err(DiscoverError::Missing(root.to_path_buf()));
    }
    if !root.is_dir() {
        return Err(DiscoverError::NotADirectory(root.to_path_buf()));
    }
    let mut out = Discovered::default();
    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let rel = err.path().map(|p| rel_path(root, p)).unwrap_or_default();
                let (code, msg) = if err.loop_ancestor().is_some() {
                    (
                        "symlink-loop",
                        "symbolic link loops back to a parent folder; skipped".to_string(),
                    )
                } else {
                    (
                        "unreadable",
                        format!(
                            "cannot read: {}",
                            err.io_error()
                                .map(|e| e.to_string())
                                .unwrap_or_else(|| err.to_string())
                        ),
                    )
                };
                out.diagnostics.push(Diagnostic::warning(code, rel, msg));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let found = Found {
            rel: rel_path(root, entry.path()),
            abs: entry.path().to_path_buf(),
        };
        if is_markdown(entry.path()) {
            out.postmortems.push(found);
        } else {
            out.assets.push(found);
        }
    }
    out.postmortems.sort();
    out.assets.sort();
    Ok(out)
}

/// `root/a/b.md` → `a/b.md`, always with `/`.
fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn finds_markdown_and_assets_in_order_skipping_hidden() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("2023/img")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::write(root.join("b.md"), "# B").unwrap();
        fs::write(root.join("2023/a.MD"), "# A").unwrap();
        fs::write(root.join("2023/img/graph.png"), [0u8; 4]).unwrap();
        fs::write(root.join(".git/x.md"), "no").unwrap();
        fs::write(root.join("_template.md"), "no").unwrap();
        let d = discover(root).unwrap();
        let names: Vec<&str> = d.postmortems.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(names, vec!["2023/a.MD", "b.md"]);
        assert_eq!(
            d.assets.iter().map(|f| f.rel.as_str()).collect::<Vec<_>>(),
            vec!["2023/img/graph.png"]
        );
        assert!(d.diagnostics.is_empty());
    }

    #[test]
    fn missing_root_is_fatal() {
        assert!(matches!(
            discover(Path::new("/definitely/not/here")),
            Err(DiscoverError::Missing(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_reported_not_followed_forever() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("sub/a.md"), "# A").unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("sub/loop")).unwrap();
        let d = discover(dir.path()).unwrap();
        assert_eq!(d.postmortems.len(), 1);
        assert_eq!(d.diagnostics[0].code, "symlink-loop");
    }
}

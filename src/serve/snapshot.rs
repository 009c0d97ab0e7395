//! Snapshot: one built site held in memory, as the server answers from it.
//!
//! Owns the map from URL path to file and the rule that decides which request paths may be
//! answered at all ([`resolve`]). A snapshot is immutable: a rebuild makes a new one and the
//! server swaps it in whole, so a request never sees half a rebuild. It does not render or
//! watch anything, and it holds no reload script: injection happens per response
//! (`serve::server`), so the bytes here are exactly what `incidex build` writes.

use crate::output::{Contents, OutputFile};
use axum::body::Bytes;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// One file of the site.
#[derive(Debug, Clone)]
pub enum Entry {
    /// Rendered pages and embedded theme files.
    Memory { bytes: Bytes, etag: OnceLock<u64> },
    /// Content assets and user-theme files, read from disk per request (they can be large,
    /// and this way an edited image shows without a rebuild).
    Disk(PathBuf),
}

/// A built site, as served.
#[derive(Debug)]
pub struct Snapshot {
    /// Changes with every rebuild (and across restarts); pages carry it so an open page can
    /// tell it is stale even if it connects to the event stream after the rebuild.
    pub generation: String,
    files: Arc<HashMap<String, Entry>>,
    /// Folders that `Disk` entries must resolve into once symlinks are followed.
    roots: Vec<PathBuf>,
    /// Diagnostics overlay HTML for every page, when something is broken.
    pub overlay: Option<String>,
}

impl Snapshot {
    /// `roots`: the folders a disk file may live in (content and theme folders); a file whose
    /// real path is elsewhere (a symlink pointing outside) is never served.
    pub fn new(
        generation: String,
        files: Vec<OutputFile>,
        roots: &[PathBuf],
        overlay: Option<String>,
    ) -> Self {
        Self::reusing(generation, files, None, &[], roots, overlay)
    }

    /// Like [`Snapshot::new`], also taking the `reused` paths from `previous` (pages of
    /// postmortems that did not change; sharing their bytes costs nothing).
    pub fn reusing(
        generation: String,
        files: Vec<OutputFile>,
        previous: Option<&Snapshot>,
        reused: &[String],
        roots: &[PathBuf],
        overlay: Option<String>,
    ) -> Self {
        let mut map: HashMap<String, Entry> = HashMap::with_capacity(files.len() + reused.len());
        if let Some(prev) = previous {
            for path in reused {
                if let Some(e) = prev.files.get(path) {
                    map.insert(path.clone(), e.clone());
                }
            }
        }
        let files = files.into_iter().map(|f| {
            let entry = match f.contents {
                Contents::Bytes(b) => Entry::Memory {
                    bytes: Bytes::from(b),
                    etag: OnceLock::new(),
                },
                Contents::Chunks(chunks) => Entry::Memory {
                    bytes: Bytes::from(chunks.concat()),
                    etag: OnceLock::new(),
                },
                Contents::Copy(p) => Entry::Disk(p),
            };
            (f.path, entry)
        });
        map.extend(files);
        Snapshot {
            files: Arc::new(map),
            generation,
            roots: roots.iter().filter_map(|r| r.canonicalize().ok()).collect(),
            overlay,
        }
    }

    /// The same site with `pages` put in (replacing files at the same paths): a just-saved
    /// postmortem's page, published before the rest of the rebuild. Shares every other
    /// file's bytes with `self`.
    pub fn with_pages(&self, generation: String, pages: Vec<OutputFile>, overlay: Option<String>) -> Self {
        let mut map: HashMap<String, Entry> = (*self.files).clone();
        for f in pages {
            let entry = match f.contents {
                Contents::Bytes(b) => Entry::Memory {
                    bytes: Bytes::from(b),
                    etag: OnceLock::new(),
                },
                Contents::Chunks(chunks) => Entry::Memory {
                    bytes: Bytes::from(chunks.concat()),
                    etag: OnceLock::new(),
                },
                Contents::Copy(p) => Entry::Disk(p),
            };
            map.insert(f.path, entry);
        }
        Snapshot {
            generation,
            files: Arc::new(map),
            roots: self.roots.clone(),
            overlay,
        }
    }

    /// What an open page compares to know it is stale: changes exactly when what is served
    /// at `request_path` changes (its bytes, or the 404 page's when there is no such page,
    /// or the overlay), so a rebuild that leaves a page alone does not reload it.
    pub fn version_of_request(&self, request_path: &str) -> String {
        match resolve(request_path, |p| self.get(p).is_some()) {
            Resolved::File(p) => self.version(Some(&p)),
            Resolved::AddSlash(_) | Resolved::NotFound => self.version(None),
        }
    }

    /// [`Self::version_of_request`] for a site path (`None`: the 404 page).
    pub fn version(&self, site_path: Option<&str>) -> String {
        let bytes = match self.get(site_path.unwrap_or("404.html")) {
            Some(Entry::Memory { bytes, etag }) => Entry::memory_etag(bytes, etag),
            // Files read per request change without a rebuild; fall back to the build.
            Some(Entry::Disk(_)) | None => fnv1a(self.generation.as_bytes()),
        };
        let overlay = fnv1a(self.overlay.as_deref().unwrap_or("").as_bytes());
        format!("{bytes:016x}-{overlay:016x}")
    }

    /// The same files under another generation and overlay: used when a rebuild fails and
    /// the previous pages stay up under the error overlay.
    pub fn relabel(&self, generation: String, overlay: Option<String>) -> Self {
        Snapshot {
            generation,
            files: Arc::clone(&self.files),
            roots: self.roots.clone(),
            overlay,
        }
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn get(&self, path: &str) -> Option<&Entry> {
        self.files.get(path)
    }

    /// Is `path` (a disk entry) really inside one of the allowed folders?
    pub fn disk_path_allowed(&self, path: &Path) -> Option<PathBuf> {
        let real = path.canonicalize().ok()?;
        self.roots.iter().any(|r| real.starts_with(r)).then_some(real)
    }
}

impl Entry {
    /// A hash of the bytes, computed on first use (hashing every page of a large site on each
    /// rebuild would cost more than the rebuild).
    pub fn memory_etag(bytes: &Bytes, cell: &OnceLock<u64>) -> u64 {
        *cell.get_or_init(|| fnv1a(bytes))
    }
}

pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h = (h ^ u64::from(*b)).wrapping_mul(0x100000001b3);
    }
    h
}

/// What a request path resolves to.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A site path to look up (`incidents/x/index.html`).
    File(String),
    /// A folder asked for without its trailing slash: redirect so relative links work.
    AddSlash(String),
    /// Nothing may be served for this path.
    NotFound,
}

/// Map the raw request path (still percent-encoded, exactly as received) to a site path.
///
/// The lookup is in a map of the files the build produced, so a path can only ever name a
/// site file; this function additionally refuses anything that smells of traversal, so that
/// no later change (say, serving from disk) can turn into a hole: backslashes, NUL and other
/// control characters, `.`/`..` segments, empty segments (`//etc`), and percent-signs left
/// after decoding once (double encoding such as `%252e`).
pub fn resolve(raw_path: &str, exists: impl Fn(&str) -> bool) -> Resolved {
    if !raw_path.starts_with('/') || raw_path.contains('\\') {
        return Resolved::NotFound;
    }
    let Ok(decoded) = percent_encoding::percent_decode_str(raw_path).decode_utf8() else {
        return Resolved::NotFound;
    };
    if decoded.contains(['\\', '%']) || decoded.chars().any(char::is_control) {
        return Resolved::NotFound;
    }
    let rel = &decoded[1..];
    let (dir_part, is_dir) = match rel.strip_suffix('/') {
        Some(d) => (d, true),
        None => (rel, rel.is_empty()),
    };
    if !dir_part.is_empty() && dir_part.split('/').any(|seg| matches!(seg, "" | "." | "..")) {
        return Resolved::NotFound;
    }
    if is_dir {
        return if dir_part.is_empty() {
            Resolved::File("index.html".into())
        } else {
            Resolved::File(format!("{dir_part}/index.html"))
        };
    }
    if exists(rel) {
        return Resolved::File(rel.to_string());
    }
    if exists(&format!("{rel}/index.html")) {
        return Resolved::AddSlash(format!("{raw_path}/"));
    }
    Resolved::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(p: &str) -> bool {
        matches!(p, "index.html" | "incidents/a/index.html" | "static/style.css")
    }

    #[test]
    fn folders_get_their_index_and_a_slash() {
        assert_eq!(resolve("/", site), Resolved::File("index.html".into()));
        assert_eq!(
            resolve("/incidents/a/", site),
            Resolved::File("incidents/a/index.html".into())
        );
        assert_eq!(
            resolve("/incidents/a", site),
            Resolved::AddSlash("/incidents/a/".into())
        );
        assert_eq!(
            resolve("/static/style.css", site),
            Resolved::File("static/style.css".into())
        );
        assert_eq!(
            resolve("/static/st%79le.css", site),
            Resolved::File("static/style.css".into())
        );
    }

    #[test]
    fn traversal_shapes_resolve_to_nothing() {
        let everything = |_: &str| true;
        for bad in [
            "/../etc/passwd",
            "/static/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/static/%2e%2e%2f%2e%2e%2fetc/passwd",
            "/%252e%252e/etc/passwd",
            "/..\\etc\\passwd",
            "/%5c..%5cetc",
            "//etc/passwd",
            "/%2fetc/passwd",
            "/index.html%00.css",
            "/./index.html",
            "etc/passwd",
            "/%ff%fe",
        ] {
            assert_eq!(resolve(bad, everything), Resolved::NotFound, "{bad}");
        }
    }
}

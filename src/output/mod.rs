//! Output: write a built site atomically.
//!
//! The whole site is written into a staging folder beside the target (`.public.incidex-tmp`)
//! and swapped in with renames only when every file is written, so a failed or killed build
//! leaves the previous site intact. Owns file-system writes of the site; nothing else in
//! the pipeline writes into the output folder.

use rayon::prelude::*;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the site root, `/`-separated, never absolute or with `..`.
    pub path: String,
    pub contents: Contents,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    Bytes(Vec<u8>),
    /// Copy this file (an asset from content/ or a user theme).
    Copy(PathBuf),
}

impl OutputFile {
    pub fn text(path: impl Into<String>, text: String) -> Self {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(text.into_bytes()),
        }
    }
    pub fn bytes(path: impl Into<String>, bytes: Vec<u8>) -> Self {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(bytes),
        }
    }
    pub fn copy(path: impl Into<String>, from: PathBuf) -> Self {
        OutputFile {
            path: path.into(),
            contents: Contents::Copy(from),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("refusing to write {0:?}: path would leave the output folder")]
    UnsafePath(String),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{0} exists and is not a folder incidex can replace")]
    NotADirectory(PathBuf),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// True for a relative path made only of normal components.
pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Sibling paths used during the swap.
fn staging_paths(out: &Path) -> (PathBuf, PathBuf) {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    (
        parent.join(format!(".{name}.incidex-tmp")),
        parent.join(format!(".{name}.incidex-old")),
    )
}

/// Write `files` as the new contents of `out`, replacing whatever was there.
pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
    for f in files {
        if !is_safe_relative(&f.path) {
            return Err(OutputError::UnsafePath(f.path.clone()));
        }
    }
    let staging = Staging::begin(out)?;
    files.par_iter().try_for_each(|f| staging.write(f))?;
    staging.finish()
}

/// A new site being written beside `out`: files go into a staging folder as they are
/// produced (so a build never holds the whole site in memory), and [`Staging::finish`]
/// swaps it in. Dropped without `finish` (an error, a panic), the staging folder is
/// removed and `out` is untouched.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    /// Folders already created in the staging folder.
    made: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    finished: bool,
}

impl Staging {
    /// Clear what a killed build left behind and create an empty staging folder.
    pub fn begin(out: &Path) -> Result<Staging, OutputError> {
        if out.exists() && !out.is_dir() {
            return Err(OutputError::NotADirectory(out.to_path_buf()));
        }
        let (staging, old) = staging_paths(out);
        // A build killed between the two fallback renames in `finish` leaves the previous
        // site at `old` and nothing at `out`: put it back before anything else.
        if !out.exists() && old.is_dir() {
            fs::rename(&old, out).map_err(io_err(out))?;
        }
        // Other leftovers from a killed build are garbage by definition.
        for p in [&staging, &old] {
            if p.exists() {
                fs::remove_dir_all(p).map_err(io_err(p))?;
            }
        }
        fs::create_dir_all(&staging).map_err(io_err(&staging))?;
        Ok(Staging {
            out: out.to_path_buf(),
            staging,
            old,
            made: Default::default(),
            finished: false,
        })
    }

    /// Write one file of the new site. Safe to call from many threads; a path may be
    /// written only once.
    pub fn write(&self, f: &OutputFile) -> Result<(), OutputError> {
        if !is_safe_relative(&f.path) {
            return Err(OutputError::UnsafePath(f.path.clone()));
        }
        let target = self.staging.join(&f.path);
        if let Some(dir) = target.parent() {
            let known = self.made.lock().unwrap_or_else(|e| e.into_inner()).contains(dir);
            if !known {
                fs::create_dir_all(dir).map_err(io_err(dir))?;
                self.made
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(dir.to_path_buf());
            }
        }
        match &f.contents {
            Contents::Bytes(b) => fs::write(&target, b).map_err(io_err(&target)),
            Contents::Copy(src) => fs::copy(src, &target).map(|_| ()).map_err(io_err(src)),
        }
    }

    /// Swap the new site in. Where the OS can exchange two paths atomically, `out` is
    /// never absent; elsewhere: out → old, staging → out (a kill between the two is
    /// repaired by the next build's [`Staging::begin`]). Either way `out` is never
    /// half-written.
    pub fn finish(mut self) -> Result<(), OutputError> {
        self.finished = true;
        let (out, staging, old) = (&self.out, &self.staging, &self.old);
        if out.exists() && exchange(staging, out).is_ok() {
            // `staging` now holds the previous site.
            fs::remove_dir_all(staging).map_err(io_err(staging))?;
            return Ok(());
        }
        if out.exists() {
            fs::rename(out, old).map_err(io_err(out))?;
        }
        if let Err(source) = fs::rename(staging, out) {
            if old.exists() {
                let _ = fs::rename(old, out);
            }
            let _ = fs::remove_dir_all(staging);
            return Err(OutputError::Io {
                path: out.to_path_buf(),
                source,
            });
        }
        if old.exists() {
            fs::remove_dir_all(old).map_err(io_err(old))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Atomically swap two existing paths (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(
            &out,
            &[
                OutputFile::text("index.html", "one".into()),
                OutputFile::text("a/b/c.html", "c".into()),
            ],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(out.join("a/b/c.html")).unwrap(), "c");
        write_site(&out, &[OutputFile::text("index.html", "two".into())]).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(
            !out.join("a").exists(),
            "stale files from the previous build are gone"
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    }

    #[test]
    fn a_failed_write_leaves_the_previous_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::text("index.html", "good".into())]).unwrap();
        let err = write_site(
            &out,
            &[
                OutputFile::text("index.html", "new".into()),
                OutputFile::copy("x.png", dir.path().join("missing.png")),
            ],
        );
        assert!(err.is_err());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "good");
    }

    #[test]
    fn a_build_killed_between_renames_is_repaired_by_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::text("index.html", "good".into())]).unwrap();
        // What a kill between `out → old` and `staging → out` leaves behind.
        let (staging, old) = staging_paths(&out);
        fs::rename(&out, &old).unwrap();
        fs::create_dir_all(&staging).unwrap();
        fs::write(staging.join("half.html"), "half").unwrap();
        let err = write_site(&out, &[OutputFile::copy("x.png", dir.path().join("missing.png"))]);
        assert!(err.is_err());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "good");
        assert!(!old.exists() && !staging.exists());
    }

    #[test]
    fn unsafe_paths_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x.html", "/etc/passwd", "a/../../b", "a\\..\\b", ""] {
            let err = write_site(&dir.path().join("p"), &[OutputFile::text(bad, String::new())]).unwrap_err();
            assert!(matches!(err, OutputError::UnsafePath(_)), "{bad}");
        }
    }
}

//! Output: write a built site atomically.
//!
//! The whole site is written into a staging folder beside the target (`.public.incidex-tmp`)
//! and swapped in with renames only when every file is written, so a failed or killed build
//! leaves the previous site intact. The staging folder then holds the previous site and is
//! rewritten in place by the next build (see [`Staging`]). Owns file-system writes of the site; nothing else in
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
    /// A large file made in pieces (in parallel) and written piece after piece, never
    /// joined in memory: archive.json is tens of MB at 10k postmortems, and joining it
    /// held it twice at the build's peak.
    Chunks(Vec<Vec<u8>>),
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
    pub fn chunks(path: impl Into<String>, chunks: Vec<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            contents: Contents::Chunks(chunks),
        }
    }
    pub fn copy(path: impl Into<String>, from: PathBuf) -> Self {
        OutputFile {
            path: path.into(),
            contents: Contents::Copy(from),
        }
    }
}

/// True when `bytes` is `chunks` one after another.
fn same_as_chunks(bytes: &[u8], chunks: &[Vec<u8>]) -> bool {
    let mut rest = bytes;
    for c in chunks {
        match rest.strip_prefix(c.as_slice()) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    rest.is_empty()
}

fn write_chunks(target: &Path, chunks: &[Vec<u8>]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::io::BufWriter::with_capacity(1 << 20, fs::File::create(target)?);
    for c in chunks {
        file.write_all(c)?;
    }
    file.flush()
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

/// Sibling paths used during the swap: the staging folder (kept between builds, see
/// [`Staging`]) and the previous site while it is being swapped out.
pub fn staging_paths(out: &Path) -> (PathBuf, PathBuf) {
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
/// swaps it in. Dropped without `finish` (an error, a panic), `out` is untouched.
///
/// The staging folder is kept between builds: after the swap it holds the previous site,
/// and the next build rewrites that copy in place, then removes whatever it did not write.
/// Overwriting a file costs far less than deleting it and creating it again: on a disk
/// mounted with `discard` (common on cloud VMs), deleting the 22,000 files of a
/// 10,000-postmortem site took 37 s, four times the whole build. The price is a second
/// copy of the site on disk, which may be deleted at any time.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    /// Files and folders in the staging folder when the build began (relative paths).
    found: Found,
    /// Folders already created in the staging folder.
    made: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    /// Files written by this build (absolute paths), when not [`Staging::fresh`].
    written: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    /// The staging folder was empty at the start (a first build, a CI checkout): it holds
    /// only what this build writes, each path once, so there is nothing to look at, reuse
    /// or prune, and no stat or set entry per file is spent on them.
    fresh: bool,
}

#[derive(Debug, Default)]
struct Found {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

impl Found {
    /// List `dir`, removing any entry that is neither a file nor a folder: a symlink left
    /// in a reused folder must never be written through.
    fn list(dir: &Path) -> Result<Found, OutputError> {
        let mut found = Found::default();
        for entry in walkdir::WalkDir::new(dir).min_depth(1) {
            let entry = entry.map_err(|e| OutputError::Io {
                path: e.path().unwrap_or(dir).to_path_buf(),
                source: e.into(),
            })?;
            let t = entry.file_type();
            if t.is_dir() {
                found.dirs.push(entry.into_path());
            } else if t.is_file() {
                found.files.push(entry.into_path());
            } else {
                fs::remove_file(entry.path()).map_err(io_err(entry.path()))?;
            }
        }
        Ok(found)
    }
}

impl Staging {
    /// Repair what a killed build left behind and open the staging folder, reusing the
    /// copy of the site before last when there is one.
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
        if old.exists() {
            fs::remove_dir_all(&old).map_err(io_err(&old))?;
        }
        if staging.exists() && !staging.is_dir() {
            fs::remove_file(&staging).map_err(io_err(&staging))?;
        }
        fs::create_dir_all(&staging).map_err(io_err(&staging))?;
        let found = Found::list(&staging)?;
        let fresh = found.files.is_empty() && found.dirs.is_empty();
        Ok(Staging {
            fresh,
            out: out.to_path_buf(),
            staging,
            old,
            found,
            made: Default::default(),
            written: Default::default(),
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
                if fs::create_dir_all(dir).is_err() {
                    // The reused copy may have a file where this build needs a folder.
                    self.clear_files_above(dir);
                    fs::create_dir_all(dir).map_err(io_err(dir))?;
                }
                self.made
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(dir.to_path_buf());
            }
        }
        let existing = if self.fresh { None } else { self.existing(&target)? };
        // The reused copy often has this very file already (a page that did not change
        // since the build before last): leave it, and its mtime, alone.
        let unchanged = match (&f.contents, &existing) {
            (Contents::Bytes(b), Some(m)) if m.is_file() && m.len() == b.len() as u64 => {
                fs::read(&target).is_ok_and(|old| old == *b)
            }
            (Contents::Chunks(chunks), Some(m))
                if m.is_file() && m.len() == chunks.iter().map(Vec::len).sum::<usize>() as u64 =>
            {
                fs::read(&target).is_ok_and(|old| same_as_chunks(&old, chunks))
            }
            _ => false,
        };
        if !unchanged {
            match &f.contents {
                Contents::Bytes(b) => fs::write(&target, b).map_err(io_err(&target))?,
                Contents::Chunks(chunks) => write_chunks(&target, chunks).map_err(io_err(&target))?,
                Contents::Copy(src) => {
                    fs::copy(src, &target).map_err(io_err(src))?;
                }
            }
        }
        if !self.fresh {
            self.written
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(target);
        }
        Ok(())
    }

    /// What stands at `target` in the reused copy: `None` when nothing does, or when it was
    /// something this build must not write into (removed here).
    fn existing(&self, target: &Path) -> Result<Option<fs::Metadata>, OutputError> {
        Ok(match fs::symlink_metadata(target) {
            // ... or a folder where this build writes a file.
            Ok(m) if m.is_dir() => {
                fs::remove_dir_all(target).map_err(io_err(target))?;
                None
            }
            // Rewriting a file hard-linked elsewhere (`cp -al public backup`) would change
            // the other copy too: replace it with a file of its own.
            Ok(m) if shared(&m) => {
                fs::remove_file(target).map_err(io_err(target))?;
                None
            }
            found => found.ok(),
        })
    }

    /// Remove the files standing where `dir` or one of its parents inside the staging
    /// folder should be a folder.
    fn clear_files_above(&self, dir: &Path) {
        let Ok(rel) = dir.strip_prefix(&self.staging) else {
            return;
        };
        let mut at = self.staging.clone();
        for part in rel.components() {
            at.push(part);
            if at.is_file() {
                // Another thread may have removed it already.
                let _ = fs::remove_file(&at);
            }
        }
    }

    /// Remove what the reused copy had and this build did not write, deepest first.
    fn prune(&self) -> Result<(), OutputError> {
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        for f in &self.found.files {
            if !written.contains(f) && f.is_file() {
                fs::remove_file(f).map_err(io_err(f))?;
            }
        }
        let made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        let mut dirs: Vec<&PathBuf> = self.found.dirs.iter().filter(|d| !made.contains(*d)).collect();
        dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for d in dirs {
            // Still holds something this build wrote: keep it.
            let _ = fs::remove_dir(d);
        }
        Ok(())
    }

    /// Swap the new site in. Where the OS can exchange two paths atomically, `out` is
    /// never absent; elsewhere: out → old, staging → out (a kill between the two is
    /// repaired by the next build's [`Staging::begin`]). Either way `out` is never
    /// half-written, and the previous site is kept as the next build's staging folder.
    pub fn finish(self) -> Result<(), OutputError> {
        self.prune()?;
        let (out, staging, old) = (&self.out, &self.staging, &self.old);
        if out.exists() && exchange(staging, out).is_ok() {
            // `staging` now holds the previous site.
            return Ok(());
        }
        if out.exists() {
            fs::rename(out, old).map_err(io_err(out))?;
        }
        if let Err(source) = fs::rename(staging, out) {
            if old.exists() {
                let _ = fs::rename(old, out);
            }
            return Err(OutputError::Io {
                path: out.to_path_buf(),
                source,
            });
        }
        if old.exists() {
            fs::rename(old, staging).map_err(io_err(old))?;
        }
        Ok(())
    }
}

/// Whether the file has other hard links.
#[cfg(unix)]
fn shared(m: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    m.nlink() > 1
}

#[cfg(not(unix))]
fn shared(_m: &fs::Metadata) -> bool {
    false
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
        let mut beside: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        beside.sort();
        assert_eq!(
            beside,
            [".public.incidex-tmp", "public"],
            "only the kept previous copy"
        );
        let (staging, _) = staging_paths(&out);
        assert_eq!(fs::read_to_string(staging.join("index.html")).unwrap(), "one");
    }

    /// Every file under `dir`, with its contents.
    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| !e.file_type().is_dir())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                (rel, fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn a_reused_copy_ends_exactly_like_the_new_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let t = |p: &str, c: &str| OutputFile::text(p, c.to_string());
        // Three builds, so the third rewrites the first's copy: files that stay, change,
        // disappear, and paths that turn from file to folder and back.
        let builds = [
            vec![
                t("index.html", "1"),
                t("a/index.html", "a1"),
                t("b", "file b"),
                t("gone/x.html", "x"),
            ],
            vec![
                t("index.html", "2"),
                t("a/index.html", "a2"),
                t("b/index.html", "folder b"),
            ],
            vec![
                t("index.html", "3"),
                t("a/index.html", "a1"),
                t("b", "file b again"),
                t("c/d/e.html", "e"),
            ],
        ];
        for files in &builds {
            write_site(&out, files).unwrap();
            let mut want: Vec<(String, String)> = files
                .iter()
                .map(|f| match &f.contents {
                    Contents::Bytes(b) => (f.path.clone(), String::from_utf8(b.clone()).unwrap()),
                    Contents::Copy(_) | Contents::Chunks(_) => unreachable!(),
                })
                .collect();
            want.sort();
            assert_eq!(tree(&out), want);
        }
        assert!(!out.join("gone").exists(), "emptied folders are removed");
    }

    #[test]
    fn an_unchanged_file_in_the_reused_copy_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let site = [
            OutputFile::text("same.html", "same".into()),
            OutputFile::text("new.html", "1".into()),
        ];
        write_site(&out, &site).unwrap();
        write_site(&out, &site).unwrap();
        // `out` now holds the second build; the staging folder, the first.
        let (staging, _) = staging_paths(&out);
        let long_ago = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        for name in ["same.html", "new.html"] {
            fs::File::options()
                .write(true)
                .open(staging.join(name))
                .unwrap()
                .set_modified(long_ago)
                .unwrap();
        }
        write_site(
            &out,
            &[
                OutputFile::text("same.html", "same".into()),
                OutputFile::text("new.html", "2".into()),
            ],
        )
        .unwrap();
        let mtime = |name: &str| fs::metadata(out.join(name)).unwrap().modified().unwrap();
        assert_eq!(mtime("same.html"), long_ago, "identical bytes are not rewritten");
        assert_ne!(mtime("new.html"), long_ago);
        assert_eq!(fs::read_to_string(out.join("new.html")).unwrap(), "2");
    }

    #[test]
    fn a_file_in_chunks_is_written_whole_and_left_alone_when_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let chunked = |parts: &[&str]| {
            OutputFile::chunks("data.json", parts.iter().map(|p| p.as_bytes().to_vec()).collect())
        };
        write_site(&out, &[chunked(&["{\"a\":", "[1,", "2]}"])]).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("data.json")).unwrap(),
            "{\"a\":[1,2]}"
        );
        // Same bytes cut differently: unchanged, so the reused copy's file is kept as is.
        write_site(&out, &[chunked(&["{\"a\":[1,2]}"])]).unwrap();
        let (staging, _) = staging_paths(&out);
        let long_ago = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        fs::File::options()
            .write(true)
            .open(staging.join("data.json"))
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
        write_site(&out, &[chunked(&["{\"a\"", ":[1,2]}"])]).unwrap();
        let mtime = fs::metadata(out.join("data.json")).unwrap().modified().unwrap();
        assert_eq!(mtime, long_ago, "identical bytes are not rewritten");
        // Same length, different bytes: rewritten.
        write_site(&out, &[chunked(&["{\"a\":[1,3]}"])]).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("data.json")).unwrap(),
            "{\"a\":[1,3]}"
        );
        assert!(!super::same_as_chunks(b"abc", &[b"ab".to_vec()]));
        assert!(super::same_as_chunks(b"", &[]));
    }

    #[cfg(unix)]
    #[test]
    fn links_in_the_reused_copy_are_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::text("index.html", "1".into())]).unwrap();
        write_site(&out, &[OutputFile::text("index.html", "2".into())]).unwrap();
        let (staging, _) = staging_paths(&out);
        let outside = dir.path().join("outside.txt");
        fs::write(&outside, "keep").unwrap();
        let linked = dir.path().join("linked.txt");
        fs::write(&linked, "keep too").unwrap();
        fs::remove_file(staging.join("index.html")).unwrap();
        std::os::unix::fs::symlink(&outside, staging.join("index.html")).unwrap();
        fs::hard_link(&linked, staging.join("hard.html")).unwrap();
        write_site(
            &out,
            &[
                OutputFile::text("index.html", "3".into()),
                OutputFile::text("hard.html", "4".into()),
            ],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(&outside).unwrap(), "keep");
        assert_eq!(fs::read_to_string(&linked).unwrap(), "keep too");
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "3");
        assert_eq!(fs::read_to_string(out.join("hard.html")).unwrap(), "4");
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
        assert!(!old.exists());
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

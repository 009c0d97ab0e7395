//! Watch: turn file-system events into "what needs rebuilding".
//!
//! Owns the watcher (notify) over the content folder, the theme folder and the config file,
//! the rules for which events matter (writes, creations, removals, renames; not reads, and
//! not editor swap or backup files), and the debouncing that folds an editor's save burst
//! into one rebuild. It does not rebuild: [`Watcher::next`] reports [`Changes`].
//!
//! Debouncing is done here rather than with notify's debouncer crates because they do not
//! let us drop read events (notify reports the rebuild's own directory walk as accesses,
//! which would start the next rebuild: a loop).

use super::rebuild::Changes;
use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{Event, EventKind, RecursiveMode, Watcher as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Long enough to fold an editor's write-rename-chmod burst into one event, short enough to
/// stay well inside the 100 ms save-to-reload budget.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// A steady stream of events (a build tool writing into content/) still gets a rebuild
/// this often.
pub const MAX_DELAY: Duration = Duration::from_millis(250);

/// The paths being watched, absolute and with symlinks resolved (events come that way).
#[derive(Debug, Clone)]
pub struct Watched {
    pub content: PathBuf,
    pub theme: Option<PathBuf>,
    pub config: PathBuf,
}

impl Watched {
    pub fn new(content: &Path, theme: Option<&Path>, config: &Path) -> Watched {
        let real = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        // The config file may not exist yet (or be replaced by rename on save): resolve its
        // folder and watch that.
        let config_dir = config
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Watched {
            content: real(content),
            theme: theme.map(real),
            config: real(config_dir).join(config.file_name().unwrap_or_default()),
        }
    }

    /// Which part of the site an event at `path` affects.
    pub fn classify(&self, path: &Path) -> Changes {
        let mut c = Changes::default();
        if path == self.config {
            c.config = true;
        }
        if let Some(rel) = self.theme.as_ref().and_then(|t| path.strip_prefix(t).ok()) {
            c.theme = !is_noise(rel);
        }
        if let Ok(rel) = path.strip_prefix(&self.content) {
            c.content = !is_noise(rel);
        }
        c
    }
}

/// Hidden and `_` files (which discover skips too) and editor droppings.
fn is_noise(rel: &Path) -> bool {
    rel.components().any(|c| {
        let s = c.as_os_str().to_string_lossy();
        s.starts_with('.') || s.starts_with('_')
    }) || rel.file_name().is_some_and(|n| {
        let n = n.to_string_lossy();
        n.ends_with('~') || n.ends_with(".swp") || n.ends_with(".swx") || n == "4913"
    })
}

/// Does this event change anything on disk?
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// A running watcher. Dropping it stops watching.
pub struct Watcher {
    watched: Watched,
    inner: notify::RecommendedWatcher,
    events: mpsc::Receiver<notify::Result<Event>>,
}

impl Watcher {
    pub fn start(watched: Watched) -> Result<Watcher, notify::Error> {
        let (tx, events) = mpsc::channel();
        let mut inner = notify::recommended_watcher(tx)?;
        inner.watch(&watched.content, RecursiveMode::Recursive)?;
        if let Some(t) = &watched.theme {
            inner.watch(t, RecursiveMode::Recursive)?;
        }
        if let Some(dir) = watched.config.parent() {
            // The folder, not the file: editors save by writing a new file and renaming it.
            if dir.is_dir() && !dir.starts_with(&watched.content) {
                inner.watch(dir, RecursiveMode::NonRecursive)?;
            }
        }
        Ok(Watcher {
            watched,
            inner,
            events,
        })
    }

    /// Watch another theme folder (the config now names a different one).
    pub fn set_theme(&mut self, theme: Option<&Path>) {
        if let Some(old) = self.watched.theme.take() {
            let _ = self.inner.unwatch(&old);
        }
        if let Some(t) = theme {
            let t = t.canonicalize().unwrap_or_else(|_| t.to_path_buf());
            if self.inner.watch(&t, RecursiveMode::Recursive).is_ok() {
                self.watched.theme = Some(t);
            }
        }
    }

    /// Block until something relevant changes, then until things have been quiet for
    /// [`DEBOUNCE`] (at most [`MAX_DELAY`]); `None` once `stop` says so (checked a few
    /// times a second while idle).
    pub fn next(&self, stop: impl Fn() -> bool) -> Option<Changes> {
        let mut changes = Changes::default();
        // Wait for the first relevant event.
        while !changes.any() {
            if stop() {
                return None;
            }
            match self.events.recv_timeout(Duration::from_millis(200)) {
                Ok(e) => self.absorb(e, &mut changes),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            }
        }
        let started = Instant::now();
        loop {
            let left = MAX_DELAY.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Some(changes);
            }
            match self.events.recv_timeout(DEBOUNCE.min(left)) {
                Ok(e) => self.absorb(e, &mut changes),
                Err(mpsc::RecvTimeoutError::Timeout) => return Some(changes),
                Err(mpsc::RecvTimeoutError::Disconnected) => return Some(changes),
            }
        }
    }

    fn absorb(&self, event: notify::Result<Event>, changes: &mut Changes) {
        let Ok(event) = event else {
            // The watcher lost events (queue overflow): rebuild everything to be safe.
            changes.content = true;
            changes.reshaped = true;
            return;
        };
        if !is_change(&event.kind) {
            return;
        }
        let in_place = matches!(
            event.kind,
            EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any)
                | EventKind::Access(AccessKind::Close(AccessMode::Write))
        );
        for p in &event.paths {
            let c = self.watched.classify(p);
            if c.content {
                changes.content = true;
                if in_place {
                    changes.edited.insert(p.clone());
                } else {
                    changes.reshaped = true;
                }
            }
            changes.theme |= c.theme;
            changes.config |= c.config;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_folder_and_ignores_editor_files() {
        let w = Watched {
            content: "/s/content".into(),
            theme: Some("/s/theme".into()),
            config: "/s/incidex.yaml".into(),
        };
        assert!(w.classify(Path::new("/s/content/2023/a.md")).content);
        assert!(w.classify(Path::new("/s/content/img/x.png")).content);
        assert!(!w.classify(Path::new("/s/content/.a.md.swp")).any());
        assert!(!w.classify(Path::new("/s/content/a.md~")).any());
        assert!(!w.classify(Path::new("/s/content/.git/index")).any());
        assert!(w.classify(Path::new("/s/theme/templates/base.html")).theme);
        assert!(w.classify(Path::new("/s/incidex.yaml")).config);
        assert!(!w.classify(Path::new("/s/README.md")).any());
    }
}

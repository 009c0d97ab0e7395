//! Watch: turn file-system events into "what needs rebuilding".
//!
//! Owns the watcher (notify, debounced so an editor's save burst becomes one rebuild) over the
//! content folder, the theme folder and the config file, and the rules for which paths
//! matter (editor swap and backup files do not). It does not rebuild: it reports
//! [`Changes`] over a channel.

use super::rebuild::Changes;
use notify::RecursiveMode;
use notify_debouncer_mini::{new_debouncer, DebounceEventResult, Debouncer};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// Long enough to fold an editor's write-rename-chmod burst into one event, short enough to
/// stay well inside the 100 ms save-to-reload budget.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

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

/// Start watching; changes arrive on the returned channel. Dropping the debouncer stops it.
pub fn start(
    watched: &Watched,
) -> Result<(Debouncer<notify::RecommendedWatcher>, mpsc::Receiver<Changes>), notify::Error> {
    let (tx, rx) = mpsc::channel();
    let classify = watched.clone();
    let mut debouncer = new_debouncer(DEBOUNCE, move |res: DebounceEventResult| {
        let Ok(events) = res else { return };
        let mut changes = Changes::default();
        for e in events {
            let c = classify.classify(&e.path);
            changes.content |= c.content;
            changes.theme |= c.theme;
            changes.config |= c.config;
        }
        if changes.any() {
            let _ = tx.send(changes);
        }
    })?;
    let w = debouncer.watcher();
    w.watch(&watched.content, RecursiveMode::Recursive)?;
    if let Some(t) = &watched.theme {
        w.watch(t, RecursiveMode::Recursive)?;
    }
    if let Some(dir) = watched.config.parent() {
        // The folder, not the file: editors save by writing a new file and renaming it.
        if dir.is_dir() && !dir.starts_with(&watched.content) {
            w.watch(dir, RecursiveMode::NonRecursive)?;
        }
    }
    Ok((debouncer, rx))
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

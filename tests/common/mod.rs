//! Shared by the search tests: build the fixture archive into a temporary folder.
#![allow(dead_code)]

use incidex::config::Config;
use incidex::site::{self, BuildOptions, LoadOptions};
use std::path::{Path, PathBuf};

pub const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/search");

pub struct Built {
    pub dir: tempfile::TempDir,
    pub content: PathBuf,
    pub public: PathBuf,
    pub index: PathBuf,
}

/// Copy `tests/fixtures/search` into a temp dir and build it there.
pub fn build_fixture() -> Built {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(Path::new(FIXTURE), &content);
    let public = dir.path().join("public");
    build(&content, &public);
    let index = incidex::search::index::default_dir(&public);
    Built {
        dir,
        content,
        public,
        index,
    }
}

pub fn build(content: &Path, public: &Path) {
    let config = Config::default();
    let report = site::build(&BuildOptions {
        content,
        output: public,
        load: LoadOptions {
            config: &config,
            include_drafts: false,
            today: jiff::civil::date(2026, 1, 1),
        },
    })
    .unwrap();
    assert!(report.postmortems >= 8, "{report:?}");
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

pub fn which(cmd: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(cmd))
            .find(|p| p.is_file())
    })
}

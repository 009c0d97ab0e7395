//! Rebuilds that skip work (`incidex::stamp`) must leave exactly what a clean build writes,
//! and must not skip when anything they depend on changed.

mod common;

use common::*;
use std::fs;
use std::path::Path;

/// A clean build of `content` in a fresh folder of its own (no stamp, no search index).
fn clean_build(content: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let fresh = tempfile::tempdir().unwrap();
    let out = fresh.path().join("public");
    let report = build(content, &out, false).unwrap();
    assert!(!report.up_to_date, "a first build cannot be up to date");
    read_tree(&out)
}

fn assert_same(
    a: &std::collections::BTreeMap<String, Vec<u8>>,
    b: &std::collections::BTreeMap<String, Vec<u8>>,
) {
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in a {
        assert!(bytes == &b[path], "{path} differs from a clean build");
    }
}

#[test]
fn an_unchanged_rebuild_is_skipped_and_identical_to_a_clean_build() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_tree(&fixture("basic"), &content);
    // A finding the unchanged rebuild must report again.
    fs::write(
        content.join("2024-03-04-disk-full.md"),
        "# Disk full on the build cache\n\n**Duration:** 2024-03-04 09:00 UTC - 2024-03-04 [TIME] UTC\n",
    )
    .unwrap();
    let out = tmp.path().join("site").join("public");

    let first = build(&content, &out, false).unwrap();
    let again = build(&content, &out, false).unwrap();
    assert!(again.up_to_date, "nothing changed, so nothing is rebuilt");
    assert_eq!(
        (again.postmortems, again.pages, again.assets, again.drafts_skipped),
        (first.postmortems, first.pages, first.assets, first.drafts_skipped)
    );
    assert_eq!(
        again.diagnostics, first.diagnostics,
        "CI still sees the same findings"
    );
    assert!(
        !first.diagnostics.is_empty(),
        "the fixture has findings to carry over"
    );
    assert_same(&read_tree(&out), &clean_build(&content));
}

#[test]
fn an_edit_a_new_file_or_a_touched_output_means_a_full_build() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_tree(&fixture("basic"), &content);
    let out = tmp.path().join("site").join("public");
    build(&content, &out, false).unwrap();

    // An edit that keeps the file's size: only the bytes tell.
    let md = fs::read_dir(&content)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "md"))
        .unwrap();
    let text = fs::read_to_string(&md).unwrap();
    let edited = text.replacen('e', "a", 1);
    assert_eq!(edited.len(), text.len());
    assert_ne!(edited, text);
    fs::write(&md, &edited).unwrap();
    let report = build(&content, &out, false).unwrap();
    assert!(!report.up_to_date, "an edited postmortem is rebuilt");
    assert_same(&read_tree(&out), &clean_build(&content));

    // A new postmortem.
    fs::write(
        content.join("2024-02-03-new-one.md"),
        "# Queue stall\n\n**Duration:** 2024-02-03 10:00 UTC - 2024-02-03 11:30 UTC\n",
    )
    .unwrap();
    assert!(!build(&content, &out, false).unwrap().up_to_date);
    assert_same(&read_tree(&out), &clean_build(&content));
    assert!(build(&content, &out, false).unwrap().up_to_date);

    // Someone deleted a page from the published folder: the next build restores it.
    let page = out.join("index.html");
    fs::remove_file(&page).unwrap();
    assert!(!build(&content, &out, false).unwrap().up_to_date);
    assert!(page.exists());
    assert_same(&read_tree(&out), &clean_build(&content));

    // Another flag is another site.
    assert!(!build(&content, &out, true).unwrap().up_to_date, "--drafts");
}

//! `incidex search` as a user runs it: first run builds the index, output formats, filters.

mod common;

use assert_cmd::Command;
use common::{copy_tree, FIXTURE};

#[test]
fn search_builds_its_index_then_prints_ranked_results() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(std::path::Path::new(FIXTURE), &dir.path().join("content"));
    let out = Command::cargo_bin("incidex")
        .unwrap()
        .current_dir(dir.path())
        .args(["search", "dns", "records"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("indexing 8 postmortems"), "{stderr}");
    assert!(dir.path().join(".incidex/search-index/public").is_dir());
    let first = stdout.lines().next().unwrap();
    assert!(
        first.starts_with(" 1. DNS resolution failures for checkout"),
        "{stdout}"
    );
    assert!(
        stdout.contains("http://localhost/incidents/2024-03-02-checkout-dns/"),
        "{stdout}"
    );
    assert!(
        stdout.contains("[[DNS]]"),
        "piped output marks matches without colour: {stdout}"
    );

    let out = Command::cargo_bin("incidex")
        .unwrap()
        .current_dir(dir.path())
        .args(["search", "dns", "--service", "checkout", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).is_empty(),
        "unchanged content reuses the index"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["total"], 1);
    let hit = &json["hits"][0];
    assert_eq!(hit["url"], "incidents/2024-03-02-checkout-dns/");
    assert_eq!(hit["link"], "http://localhost/incidents/2024-03-02-checkout-dns/");
    let text: Vec<char> = hit["snippet"]["text"].as_str().unwrap().chars().collect();
    let h = &hit["snippet"]["highlights"][0];
    let (a, z) = (h[0].as_u64().unwrap() as usize, h[1].as_u64().unwrap() as usize);
    assert_eq!(text[a..z].iter().collect::<String>(), "DNS");
}

#[test]
fn two_outputs_in_one_folder_keep_separate_indexes() {
    // `public` from the fixture archive and `preview` from a one-postmortem archive, side
    // by side: each has its own index, so neither search re-indexes nor sees the other's
    // documents (they used to share `.incidex/search-index/` and undo each other).
    let dir = tempfile::tempdir().unwrap();
    copy_tree(std::path::Path::new(FIXTURE), &dir.path().join("content"));
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(
        other.join("zymurgy.md"),
        "# Zymurgy vats overflowed\n\n**Root cause:** the zymurgy controller never closed a valve.\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("incidex")
            .unwrap()
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    // An index of the old layout, directly in `.incidex/search-index/`: removed by a build.
    let old = dir.path().join(".incidex/search-index");
    std::fs::create_dir_all(&old).unwrap();
    for name in ["incidex-search.json", "meta.json", "0123.idx"] {
        std::fs::write(old.join(name), "{}").unwrap();
    }
    run(&["build", "-q", "--content", "content", "--output", "public"]);
    run(&["build", "-q", "--content", "other", "--output", "preview"]);
    let left: Vec<_> = std::fs::read_dir(&old)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(left.iter().all(|n| n == "public" || n == "preview"), "{left:?}");
    assert!(dir.path().join(".incidex/search-index/public").is_dir());
    assert!(dir.path().join(".incidex/search-index/preview").is_dir());
    // Searching an output with its own content: the build's index is reused (no
    // "indexing" on stderr) and holds that archive only.
    let search = |content: &str, output: &str, query: &str| -> serde_json::Value {
        let args = [
            "search",
            "--content",
            content,
            "--output",
            output,
            query,
            "--json",
        ];
        let (stdout, stderr) = run(&args);
        assert!(stderr.is_empty(), "{args:?} re-indexed: {stderr}");
        serde_json::from_str(&stdout).unwrap()
    };
    let hits = search("other", "preview", "zymurgy");
    assert_eq!(hits["total"], 1);
    assert_eq!(hits["hits"][0]["title"], "Zymurgy vats overflowed");
    assert_eq!(search("content", "public", "zymurgy")["total"], 0);
    assert!(search("content", "public", "dns")["total"].as_u64().unwrap() >= 1);
}

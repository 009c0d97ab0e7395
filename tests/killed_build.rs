//! A build killed with SIGKILL at any moment leaves the previous public/ byte-identical (or,
//! if the kill came after the swap, the complete new site), and the next build succeeds
//! and leaves no staging folders behind.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("incidex")
}

fn generate(content: &Path, files: usize, marker: &str) {
    for i in 0..files {
        let mut text = format!(
            "---\ntitle: Incident {i} {marker}\nstart: 2023-{:02}-{:02}T10:00:00Z\nend: 2023-{:02}-{:02}T11:30:00Z\nservices: [svc-{}]\nroot_cause:\n  category: capacity\n  summary: queue {i} filled\n---\n# Incident {i}\n\n## Timeline\n\n",
            i % 12 + 1,
            i % 28 + 1,
            i % 12 + 1,
            i % 28 + 1,
            i % 17
        );
        for k in 0..60 {
            text.push_str(&format!(
                "- 10:{:02} UTC: step {k} of incident {i}, **bold** and `code` {marker}\n",
                k % 60
            ));
        }
        let p = content.join(format!("{}/incident-{i:05}.md", 2000 + i % 20));
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
}

/// Relative path → bytes of every file under `root`.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn build(dir: &Path) -> Duration {
    let started = Instant::now();
    let out = Command::new(bin())
        .current_dir(dir)
        .args(["build", "--content", "content", "--output", "public", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    started.elapsed()
}

#[test]
fn sigkill_during_a_build_never_loses_the_previous_site() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    generate(&content, 1500, "v1");
    let full = build(dir.path());
    let good = snapshot(&dir.path().join("public"));
    assert!(good.len() > 1500);

    // The next build differs in every page, so a mix of old and new would show.
    generate(&content, 1500, "v2");
    let mut outcomes = BTreeMap::new();
    let mut swapped = Vec::new();
    for percent in [2u32, 10, 25, 40, 55, 65, 72, 78, 84, 88, 92, 95, 97, 99] {
        let delay = full * percent / 100;
        let mut child = Command::new(bin())
            .current_dir(dir.path())
            .args(["build", "--content", "content", "--output", "public", "-q"])
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let now = snapshot(&dir.path().join("public"));
        let outcome = if now == good {
            "previous site intact"
        } else {
            // The kill came after the swap: then it must be the complete new site, which
            // is compared with a clean build below.
            swapped.push((percent, now));
            "swap had happened"
        };
        *outcomes.entry(outcome).or_insert(0) += 1;
        if outcome == "swap had happened" {
            break;
        }
    }
    eprintln!("full build {full:?}: {outcomes:?}");
    let intact: usize = outcomes
        .iter()
        .filter(|(k, _)| k.ends_with("previous site intact"))
        .map(|(_, v)| v)
        .sum();
    assert!(
        intact >= 3,
        "too few kills landed mid-build to prove anything: {outcomes:?} (full build {full:?})"
    );

    // Leftover staging folders from the kills must not break the next build.
    build(dir.path());
    let fresh = snapshot(&dir.path().join("public"));
    assert_ne!(fresh, good);
    assert!(fresh.values().any(|b| String::from_utf8_lossy(b).contains("v2")));
    for (percent, site) in &swapped {
        assert!(
            site == &fresh,
            "killed at {percent}%: public/ is neither the old nor the new site"
        );
    }
    // Only the copy the next build rewrites in place (see `output::Staging`) stays beside.
    let leftovers: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("incidex-"))
        .collect();
    assert_eq!(leftovers, [".public.incidex-tmp"]);
}

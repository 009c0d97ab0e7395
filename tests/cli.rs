//! The `incidex` binary end to end (assert_cmd): exit codes, the summary line, --quiet,
//! --verbose, --strict, and the `new` / `init` commands.

mod common;

use assert_cmd::Command;
use common::*;
use predicates::prelude::*;
use std::fs;

fn incidex(dir: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("incidex").unwrap();
    cmd.current_dir(dir);
    cmd
}

const SUMMARY: &str = r"(?m)^Built \d+ postmortems? into \S+/ in \d+\.\d\d s(, \d+ drafts? skipped)?(, \d+ errors?)?, \d+ warnings?$";

#[test]
fn build_defaults_to_content_and_public_and_prints_one_summary_line() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), &tmp.path().join("content"));
    let out = incidex(tmp.path()).arg("build").assert().success();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let re = regex::Regex::new(SUMMARY).unwrap();
    assert!(re.is_match(&stderr), "{stderr}");
    assert!(
        stderr.contains("Built 2 postmortems into public/ in ")
            && stderr.contains(", 1 draft skipped, 0 warnings"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(tmp.path().join("public/index.html").is_file());
    assert!(tmp
        .path()
        .join("public/incidents/cache-stampede/index.html")
        .is_file());
}

#[test]
fn bad_input_is_listed_with_paths_and_exits_zero_unless_strict() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixture("bad"), &tmp.path().join("content"));
    let assert = incidex(tmp.path())
        .args(["build", "--output", "site"])
        .assert()
        .success();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    let yaml = regex::Regex::new(r"(?m)^error\[front-matter-syntax\]: content/malformed-yaml\.md:\d+:\d+: ")
        .unwrap();
    assert!(yaml.is_match(&stderr), "{stderr}");
    for expected in [
        "error[binary-file]: content/screenshot.md",
        "warning[empty-file]: content/empty.md",
        "warning[invalid-utf8]: content/latin1.md:1",
        "= help: re-save the file as UTF-8",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in\n{stderr}");
    }
    assert!(stderr.contains("Built 3 postmortems into site/"), "{stderr}");
    assert!(stderr.contains(", 2 errors, 2 warnings"), "{stderr}");

    incidex(tmp.path())
        .args(["build", "--output", "site", "--strict"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--strict"));
}

#[test]
fn duplicate_slugs_name_both_files_on_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    incidex(tmp.path())
        .args(["build", "--content"])
        .arg(fixture("dupes"))
        .args(["--output", "out"])
        .assert()
        .success()
        .stderr(predicate::str::contains("error[duplicate-slug]"))
        .stderr(predicate::str::contains("a/incident.md"))
        .stderr(predicate::str::contains("b/incident.md"))
        .stderr(predicate::str::contains("Built 2 postmortems"));
}

#[test]
fn quiet_prints_only_errors_and_verbose_adds_detail() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixture("bad"), &tmp.path().join("content"));
    let quiet = incidex(tmp.path()).args(["build", "--quiet"]).assert().success();
    let stderr = String::from_utf8(quiet.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("error[binary-file]"), "{stderr}");
    assert!(!stderr.contains("warning["), "{stderr}");
    assert!(!stderr.contains("Built "), "{stderr}");

    let verbose = incidex(tmp.path())
        .args(["build", "--verbose"])
        .assert()
        .success();
    let stderr = String::from_utf8(verbose.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("warning[empty-file]"), "{stderr}");
    // Nothing changed since the --quiet build: the findings are reported again, no work done.
    assert!(
        stderr.contains("Up to date: 3 postmortems into public/") && stderr.contains("2 errors, 2 warnings"),
        "{stderr}"
    );
    assert!(stderr.contains("pages, 0 files copied from content"), "{stderr}");

    // nothing to report at all: --quiet is silent
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixture("freeform"), &tmp.path().join("content"));
    incidex(tmp.path())
        .args(["build", "-q"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn verbose_gives_each_stage_its_wall_and_cpu_time() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixture("freeform"), &tmp.path().join("content"));
    let out = incidex(tmp.path()).args(["build", "-v"]).assert().success();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let stages: Vec<&str> = stderr.lines().filter(|l| l.contains(" s  ")).collect();
    let names: Vec<&str> = stages
        .iter()
        .map(|l| l.split(" s  ").nth(1).unwrap().split("  (").next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "load (discover, parse, extract, archive)",
            "render and write pages",
            "search (tantivy, static index)",
            "swap in the new site"
        ],
        "{stderr}"
    );
    if cfg!(target_os = "linux") {
        for line in stages {
            let cpu = line.rsplit_once("  (").unwrap().1;
            assert!(cpu.ends_with(" s CPU)"), "{line}");
            cpu.trim_end_matches(" s CPU)").parse::<f64>().unwrap();
        }
    }
}

#[test]
fn a_fatal_problem_exits_non_zero_and_keeps_the_previous_site() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixture("freeform"), &tmp.path().join("content"));
    incidex(tmp.path()).arg("build").assert().success();
    let before = read_tree(&tmp.path().join("public"));
    fs::write(tmp.path().join("incidex.yaml"), "theme: missing-theme\n").unwrap();
    incidex(tmp.path())
        .arg("build")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("missing-theme"))
        .stderr(predicate::str::contains("public was left as it was"));
    assert!(read_tree(&tmp.path().join("public")) == before);

    incidex(tmp.path())
        .args(["build", "--content", "nowhere"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nowhere"));
}

#[test]
fn init_starts_an_archive_that_builds_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    incidex(tmp.path())
        .args(["init", "archive"])
        .assert()
        .success()
        .stderr(predicate::str::contains(".gitignore lists what builds leave"));
    let config = fs::read_to_string(dir.join("incidex.yaml")).unwrap();
    for option in ["title:", "base_url:", "theme:", "default_timezone:", "taxonomy:"] {
        assert!(config.contains(option), "incidex.yaml documents {option}");
    }
    let example = fs::read_to_string(dir.join("content/example-postmortem.md")).unwrap();

    fs::write(dir.join("incidex.yaml"), "title: Mine\n").unwrap();
    incidex(tmp.path())
        .args(["init", "archive"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(
        fs::read_to_string(dir.join("incidex.yaml")).unwrap(),
        "title: Mine\n"
    );
    assert_eq!(
        fs::read_to_string(dir.join("content/example-postmortem.md")).unwrap(),
        example
    );

    incidex(&dir)
        .arg("build")
        .assert()
        .success()
        .stderr(predicate::str::contains("Built 1 postmortem into public/"));
    let home = fs::read_to_string(dir.join("public/index.html")).unwrap();
    assert!(home.contains("<title>Mine</title>"), "the new config is used");

    // Everything a build and a search leave beside the archive is in the .gitignore init wrote.
    incidex(&dir).args(["search", "checkout"]).assert().success();
    let ignored: Vec<String> = fs::read_to_string(dir.join(".gitignore"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.trim_matches('/').to_string())
        .collect();
    for entry in fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !["incidex.yaml", "content", ".gitignore"].contains(&name.as_str()) {
            assert!(
                ignored.contains(&name),
                "{name} is not in .gitignore: {ignored:?}"
            );
        }
    }
}

#[test]
fn init_adds_only_the_missing_build_outputs_to_an_existing_gitignore() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join(".gitignore"), "target\npublic/").unwrap();
    incidex(tmp.path()).arg("init").assert().success();
    assert_eq!(
        fs::read_to_string(tmp.path().join(".gitignore")).unwrap(),
        "target\npublic/\n# incidex build output (the site, its staging copy, the search index)\n\
         /.public.incidex-tmp/\n/.public.incidex-old/\n/.incidex/\n"
    );
}

#[test]
fn new_writes_a_dated_draft_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let assert = incidex(tmp.path())
        .args(["new", "Checkout \"502\" storm", "--date", "2024-03-01"])
        .assert()
        .success();
    let path = tmp.path().join("content/2024-03-01-checkout-502-storm.md");
    assert!(String::from_utf8_lossy(&assert.get_output().stdout).contains("2024-03-01-checkout-502-storm.md"));
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("---\n"));
    assert!(text.contains("title: \"Checkout \\\"502\\\" storm\""), "{text}");
    assert!(text.contains("# Checkout \"502\" storm"));
    for section in ["## Timeline", "## Root cause", "## Action items"] {
        assert!(text.contains(section), "template has {section}");
    }

    fs::write(&path, "edited").unwrap();
    incidex(tmp.path())
        .args(["new", "Checkout \"502\" storm", "--date", "2024-03-01"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(fs::read_to_string(&path).unwrap(), "edited");

    // A fresh draft is left out of the site without complaints about its placeholders.
    fs::remove_file(&path).unwrap();
    incidex(tmp.path())
        .args(["new", "Queue backlog", "--date", "2024-03-02"])
        .assert()
        .success();
    incidex(tmp.path())
        .arg("build")
        .assert()
        .success()
        .stderr(predicate::str::contains("Built 0 postmortems into public/"))
        .stderr(predicate::str::contains("1 draft skipped, 0 warnings"))
        .stderr(predicate::str::contains("placeholder").not());
    incidex(tmp.path())
        .args(["build", "--drafts"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Built 1 postmortem into public/"));
    assert!(tmp
        .path()
        .join("public/incidents/2024-03-02-queue-backlog/index.html")
        .is_file());
}

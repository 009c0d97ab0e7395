//! `incidex check` end to end: formats, exit codes and the --deny/--allow/--strict policy,
//! on a small invented archive (Lumen Freight, a fictional company).

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;

fn archive() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("content");
    fs::create_dir_all(c.join("2024/img")).unwrap();
    fs::write(
        dir.path().join("incidex.yaml"),
        "required_fields: [start, root_cause]\n",
    )
    .unwrap();
    fs::write(
        c.join("2024/quotes-down.md"),
        "---\ntitle: Quotes API down\nstart: 2024-04-02T08:00:00Z\nroot_cause:\n  category: capacity\n---\n# Quotes API down\n\n![cpu](img/cpu.png)\n\n## Timeline\n\n- 08:00 alert\n",
    )
    .unwrap();
    fs::write(c.join("2024/img/cpu.png"), b"\x89PNG").unwrap();
    fs::write(
        c.join("2024/tracking-lag.md"),
        "---\ntitle: Tracking lag\nstart: 2024-05-01T10:00:00Z\nroot_cause: consumer stalled\n---\n# Tracking lag\n\nSee [the quotes outage](quotes-down.md#timline).\n\n## Action items\n\n## Lessons\n\nnone yet\n",
    )
    .unwrap();
    dir
}

fn check(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("incidex")
        .unwrap()
        .current_dir(dir)
        .arg("check")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn human_output_points_at_the_line_with_a_caret_and_exits_1_on_errors() {
    let dir = archive();
    let (code, out) = check(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    let expected = "error[broken-link]: anchor `#timline` does not exist on 2024/quotes-down.md
 --> content/2024/tracking-lag.md:8:25
  |
8 | See [the quotes outage](quotes-down.md#timline).
  |                         ^
  = help: headings there have ids: quotes-api-down, timeline
";
    assert!(out.contains(expected), "{out}");
    assert!(
        out.contains("warning[empty-section]: section \"Action items\" is empty"),
        "{out}"
    );
    assert!(out.ends_with("check: 2 files, 1 error, 1 warning\n"), "{out}");
}

#[test]
fn json_is_a_stable_array() {
    let dir = archive();
    let (code, out) = check(dir.path(), &["--format", "json"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0],
        serde_json::json!({
            "severity": "error",
            "code": "broken-link",
            "file": "content/2024/tracking-lag.md",
            "path": "2024/tracking-lag.md",
            "line": 8,
            "column": 25,
            "message": "anchor `#timline` does not exist on 2024/quotes-down.md",
            "hint": "headings there have ids: quotes-api-down, timeline"
        })
    );
    assert_eq!(items[1]["code"], "empty-section");
    assert_eq!(items[1]["line"], 10);
}

#[test]
fn github_format_prints_workflow_commands() {
    let dir = archive();
    let (_, out) = check(dir.path(), &["--format", "github"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with(
        "::error file=content/2024/tracking-lag.md,line=8,col=25,title=incidex broken-link::anchor `#timline`"
    ));
    assert!(lines[0].contains("%0Ahelp: headings there have ids"));
    assert!(lines[1].starts_with("::warning file=content/2024/tracking-lag.md,line=10,col=1,"));
}

#[test]
fn allow_deny_and_strict_set_the_exit_code() {
    let dir = archive();
    assert_eq!(check(dir.path(), &["--allow", "broken-link"]).0, 0);
    assert_eq!(check(dir.path(), &["--allow", "broken-link", "--strict"]).0, 1);
    let (code, out) = check(dir.path(), &["--allow", "broken-link", "--deny", "empty-section"]);
    assert_eq!(code, 1);
    assert!(out.contains("error[empty-section]"), "{out}");
    assert_eq!(
        check(dir.path(), &["--allow", "broken-link,empty-section", "--strict"]).0,
        0
    );
    assert_eq!(
        check(dir.path(), &["--allow", "broken-link", "--deny", "warnings"]).0,
        1
    );
}

#[test]
fn required_fields_come_from_the_config() {
    let dir = archive();
    fs::write(dir.path().join("other.yaml"), "required_fields: [severity]\n").unwrap();
    let (_, out) = check(dir.path(), &["--config", "other.yaml", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let missing: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "missing-field")
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(missing, vec!["2024/quotes-down.md", "2024/tracking-lag.md"]);
}

#[test]
fn a_single_file_shows_only_its_findings() {
    let dir = archive();
    let (code, out) = check(dir.path(), &["content/2024/quotes-down.md"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "check: 1 file, no problems found\n");
}

#[test]
fn usage_and_io_problems_exit_2() {
    let dir = archive();
    assert_eq!(check(dir.path(), &["missing-folder"]).0, 2);
    assert_eq!(check(dir.path(), &["--format", "xml"]).0, 2);
    assert_eq!(check(dir.path(), &["--config", "nope.yaml"]).0, 2);
    fs::write(dir.path().join("bad.yaml"), "required_fields: [unclosed\n").unwrap();
    assert_eq!(check(dir.path(), &["--config", "bad.yaml"]).0, 2);
}

#[test]
fn drafts_are_left_out_unless_drafts_is_given() {
    let dir = archive();
    fs::write(
        dir.path().join("content/2024/draft.md"),
        "---\ntitle: Label printer queue\ndraft: true\nend: TBD\n---\n# Label printer queue\n\nStill writing this.\n",
    )
    .unwrap();
    let (_, out) = check(dir.path(), &["--format", "json"]);
    let findings: Value = serde_json::from_str(&out).unwrap();
    let in_draft = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"].as_str().unwrap_or("").ends_with("draft.md"))
            .count()
    };
    assert_eq!(in_draft(&findings), 0, "{out}");
    let (_, out) = check(dir.path(), &[]);
    assert!(
        out.contains("check: 2 files (1 draft skipped; --drafts checks them)"),
        "{out}"
    );

    let (_, out) = check(dir.path(), &["--drafts", "--format", "json"]);
    let findings: Value = serde_json::from_str(&out).unwrap();
    assert!(
        in_draft(&findings) >= 2,
        "placeholder and missing fields expected: {out}"
    );
    let (_, out) = check(dir.path(), &["--drafts"]);
    assert!(out.contains("check: 3 files, "), "{out}");

    // A draft named on the command line is what the user asked about.
    let (code, out) = check(dir.path(), &["content/2024/draft.md"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warning[placeholder]"), "{out}");
}

/// The sample archive in content/ is what a new user sees first: it must lint clean, so an
/// edit to it (or to extraction) that introduces a finding fails here.
#[test]
fn the_sample_archive_checks_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, out) = check(root, &["content"]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("warning") && !out.contains("error"), "{out}");
    assert!(out.ends_with("no problems found\n"), "{out}");
}

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

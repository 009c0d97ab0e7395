//! Hostile input: every fixture here is built by the test (large ones are generated, none
//! are copied from anywhere) and each test asserts a diagnostic or a safe page. None may
//! panic, hang, write outside the output folder, or put executable script on the site.

use assert_cmd::Command;
use incidex::config::Config;
use incidex::diagnostic::Diagnostic;
use incidex::site::{self, LoadOptions};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, bytes).unwrap();
    p
}

/// Run the real binary (so rayon's worker-thread stacks and the exit path are exercised).
fn incidex(dir: &Path, args: &[&str]) -> Output {
    let out = Command::cargo_bin("incidex")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .timeout(std::time::Duration::from_secs(240))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "incidex panicked:\n{stderr}");
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "killed or crashed ({:?}):\n{stderr}",
        out.status
    );
    out
}

/// Build the site (must succeed), then check the same archive: check must run to the end
/// (exit 0 or 1, never 2 or a crash) on every hostile input too.
fn build(dir: &Path) -> Output {
    let out = incidex(dir, &["build", "--content", "content", "--output", "public"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The human format does the most with the file (source excerpts, carets).
    let checked = incidex(dir, &["check", "content"]);
    assert!(
        matches!(checked.status.code(), Some(0 | 1)),
        "check: {}",
        String::from_utf8_lossy(&checked.stderr)
    );
    out
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn load(content: &Path) -> site::Loaded {
    let config = Config::default();
    site::load(
        content,
        &LoadOptions {
            config: &config,
            include_drafts: true,
            today: jiff::civil::date(2026, 1, 1),
        },
    )
    .unwrap()
}

fn find<'a>(diags: &'a [Diagnostic], path: &str, code: &str) -> &'a Diagnostic {
    diags
        .iter()
        .find(|d| d.path == path && d.code == code)
        .unwrap_or_else(|| panic!("no {code} on {path} in {diags:#?}"))
}

fn page(dir: &Path, slug: &str) -> String {
    fs::read_to_string(dir.join(format!("public/incidents/{slug}/index.html")))
        .unwrap_or_else(|e| panic!("page {slug}: {e}"))
}

// ---------------------------------------------------------------- malformed YAML

#[test]
fn yaml_with_tabs_is_a_syntax_error_on_its_line_and_the_body_still_builds() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("content");
    write(
        &c,
        "tabs.md",
        "---\ntitle: Tabbed\nimpact:\n\tpercent: 5\n---\n# Tabbed body\n\ntext\n",
    );
    let l = load(&c);
    let d = find(&l.diagnostics, "tabs.md", "front-matter-syntax");
    assert!(d.line.unwrap() >= 3 && d.line.unwrap() <= 4, "{d:?}");
    build(dir.path());
    assert!(page(dir.path(), "tabs").contains("Tabbed body"));
}

#[test]
fn an_alias_bomb_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("content");
    let mut bomb = String::from(
        "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 0..9 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("l{}", i - 1)
        };
        let refs = vec![format!("*{prev}"); 9].join(",");
        bomb.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
    }
    bomb.push_str("title: Bomb\n---\n# Bomb\n\ntext\n");
    write(&c, "bomb.md", bomb);
    let started = std::time::Instant::now();
    let l = load(&c);
    find(&l.diagnostics, "bomb.md", "front-matter-syntax");
    assert!(started.elapsed().as_secs() < 30, "took {:?}", started.elapsed());
    build(dir.path());
}

#[test]
fn ten_megabytes_of_front_matter_builds() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("content");
    let mut text = String::from("---\ntitle: Huge front matter\nnotes:\n");
    while text.len() < 10 * 1024 * 1024 {
        text.push_str("  - a note nobody will read, padded to make the block big\n");
    }
    text.push_str("---\n# Huge\n\nbody\n");
    write(&c, "huge-fm.md", text);
    build(dir.path());
    assert!(page(dir.path(), "huge-fm").contains("Huge front matter"));
}

#[test]
fn wrong_types_drop_only_their_key_with_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("content");
    write(
        &c,
        "types.md",
        "---\ntitle: Typed\nseverity: {level: 2}\nstart: [2024, 1, 1]\ndraft: perhaps\nimpact: 7\nservices: {a: b}\n---\n# Typed\n\ntext\n",
    );
    let l = load(&c);
    let lines: Vec<u32> = l
        .diagnostics
        .iter()
        .filter(|d| d.code == "front-matter-type")
        .map(|d| d.line.unwrap())
        .collect();
    for want in [3, 4, 5, 6, 7] {
        assert!(lines.contains(&want), "line {want} missing from {lines:?}");
    }
    assert_eq!(l.archive.postmortems[0].title, "Typed");
    build(dir.path());
}

#[test]
fn front_matter_that_is_not_a_map_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("content");
    write(&c, "list.md", "---\n- just\n- a list\n---\n# List\n\ntext\n");
    write(&c, "scalar.md", "+++\n\"string\"\n+++\n# Scalar\n");
    let l = load(&c);
    find(&l.diagnostics, "list.md", "front-matter-type");
    find(&l.diagnostics, "scalar.md", "front-matter-syntax");
    build(dir.path());
}

// ---------------------------------------------------------------- encodings and odd files

#[test]
fn bom_and_crlf_keep_fields_and_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("content");
    write(
        &c,
        "win.md",
        "\u{feff}---\r\ntitle: Windows file\r\nstart: TBD\r\n---\r\n# Windows file\r\n\r\ntext\r\n",
    );
    let l = load(&c);
    assert_eq!(l.archive.postmortems[0].title, "Windows file");
    assert_eq!(find(&l.diagnostics, "win.md", "placeholder").line, Some(3));
    build(dir.path());
}

#[test]
fn invalid_utf8_is_replaced_and_reported_on_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("content");
    write(
        &c,
        "latin1.md",
        b"# Caf\xe9 outage\n\nline two\n\xff\xfe broken\n",
    );
    let l = load(&c);
    assert_eq!(find(&l.diagnostics, "latin1.md", "invalid-utf8").line, Some(1));
    build(dir.path());
    assert!(page(dir.path(), "latin1").contains("Caf\u{fffd} outage"));
}

#[test]
fn empty_and_binary_files_are_skipped_with_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("content");
    write(&c, "empty.md", "");
    write(&c, "blank.md", "  \n\n\t\n");
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..4096u32).map(|i| (i * 31 % 251) as u8));
    write(&c, "screenshot.md", png);
    write(&c, "ok.md", "# Fine\n\ntext\n");
    let l = load(&c);
    find(&l.diagnostics, "empty.md", "empty-file");
    find(&l.diagnostics, "blank.md", "empty-file");
    find(&l.diagnostics, "screenshot.md", "binary-file");
    assert_eq!(l.archive.len(), 1);
    let out = build(dir.path());
    assert!(stderr(&out).contains("screenshot.md"), "{}", stderr(&out));
}

// ---------------------------------------------------------------- size and depth

#[test]
fn a_twenty_megabyte_postmortem_builds() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("content");
    let mut text = String::from("# Twenty megabytes\n\n## Timeline\n\n");
    let mut i = 0u64;
    while text.len() < 20 * 1024 * 1024 {
        text.push_str(&format!(
            "- {:02}:{:02} UTC: worker {i} logged a *retry* for `job-{i}`; see [run](runs/{i}.txt)\n",
            (i / 60) % 24,
            i % 60
        ));
        i += 1;
    }
    write(&c, "big.md", text);
    build(dir.path());
    let html = page(dir.path(), "big");
    assert!(html.len() > 20 * 1024 * 1024);
    assert!(html.contains(&format!("job-{}", i - 1)));
}

#[test]
fn hundred_thousand_character_lines_build_and_check_prints_a_short_excerpt() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("content");
    let long_word = "x".repeat(100_000);
    let emphasis = "*_".repeat(50_000);
    let brackets = "[".repeat(100_000);
    let link = format!("[a]({}missing.png)", "d/".repeat(50_000));
    write(
        &c,
        "long.md",
        format!("# Long lines\n\n{long_word}\n\n{emphasis}\n\n{brackets}\n\n{link}\n"),
    );
    build(dir.path());
    assert!(page(dir.path(), "long").contains(&long_word));
    let out = incidex(dir.path(), &["check", "content", "--allow", "missing-field"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("missing-file"), "{text}");
    assert!(
        text.lines().all(|l| l.chars().count() < 400),
        "an excerpt line was not cut"
    );
}

#[test]
fn ten_thousand_deep_lists_and_quotes_do_not_overflow_any_stack() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("content");
    let quotes = "> ".repeat(10_000) + "deep quote\n";
    let lists: String = (0..10_000)
        .map(|i| format!("{}- level {i}\n", "  ".repeat(i)))
        .collect();
    let html = "<div>".repeat(10_000) + "deep html" + &"</div>".repeat(10_000);
    write(&c, "quotes.md", format!("# Quotes\n\n{quotes}"));
    write(&c, "lists.md", format!("# Lists\n\n{lists}"));
    write(&c, "html.md", format!("# Html\n\n{html}\n"));
    build(dir.path());
    assert!(page(dir.path(), "quotes").contains("deep quote"));
    assert!(page(dir.path(), "lists").contains("level 0"));
    assert!(page(dir.path(), "html").contains("deep html"));
    incidex(dir.path(), &["check", "content"]);
}

// ---------------------------------------------------------------- file system

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_content_is_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("content");
    write(&c, "team/a.md", "# A\n\ntext\n");
    std::os::unix::fs::symlink(&c, c.join("team/loop")).unwrap();
    std::os::unix::fs::symlink("nowhere.md", c.join("dangling.md")).unwrap();
    let l = load(&c);
    assert!(
        l.diagnostics.iter().any(|d| d.code == "symlink-loop"),
        "{:#?}",
        l.diagnostics
    );
    find(&l.diagnostics, "dangling.md", "unreadable");
    assert_eq!(l.archive.len(), 1);
    build(dir.path());
}

/// chmod 000 stops everyone but root. Root reads the file anyway, so under root the honest
/// assertion is that it is simply built; otherwise it must be an `unreadable` diagnostic.
#[cfg(unix)]
#[test]
fn an_unreadable_file_is_a_diagnostic_and_the_rest_builds() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("content");
    write(&c, "ok.md", "# Fine\n\ntext\n");
    let locked = write(&c, "locked.md", "# Locked\n\ntext\n");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let readable_anyway = fs::read(&locked).is_ok();
    let l = load(&c);
    if readable_anyway {
        assert_eq!(
            l.archive.len(),
            2,
            "running as root: chmod 000 does not stop reads"
        );
    } else {
        find(&l.diagnostics, "locked.md", "unreadable");
        assert_eq!(l.archive.len(), 1);
    }
    build(dir.path());
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn duplicate_slugs_keep_the_first_and_fail_check() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("content");
    write(&c, "2023/outage.md", "# First outage\n\ntext\n");
    write(&c, "2024/outage.md", "# Second outage\n\ntext\n");
    write(&c, "other.md", "---\nslug: Outage!\n---\n# Third\n\ntext\n");
    let l = load(&c);
    assert_eq!(l.archive.len(), 1);
    find(&l.diagnostics, "2024/outage.md", "duplicate-slug");
    find(&l.diagnostics, "other.md", "duplicate-slug");
    build(dir.path());
    assert!(page(dir.path(), "outage").contains("First outage"));
    let out = incidex(dir.path(), &["check", "content", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
}

// ---------------------------------------------------------------- names, titles, paths

#[test]
fn unicode_and_rtl_titles_get_safe_urls_and_intact_text() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("content");
    let rtl = "תקלה בשרת \u{202e}gnp.exe\u{202c}";
    write(
        &c,
        "שגיאה.md",
        format!("---\ntitle: \"{rtl}\"\n---\n# כותרת\n\ntext\n"),
    );
    write(&c, "emoji.md", "# 🔥 Zoë's café — 東京 outage\n\ntext\n");
    let l = load(&c);
    let slugs: Vec<&str> = l.archive.postmortems.iter().map(|p| p.slug.as_str()).collect();
    assert!(slugs.iter().all(|s| s
        .chars()
        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')));
    build(dir.path());
    let rtl_pm = l
        .archive
        .postmortems
        .iter()
        .find(|p| p.path == "שגיאה.md")
        .unwrap();
    assert!(page(dir.path(), &rtl_pm.slug).contains(rtl));
}

#[test]
fn traversal_in_titles_slugs_and_names_writes_nothing_outside_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let c = site.join("content");
    write(&c, "a.md", "---\ntitle: ../../etc/passwd\n---\n# a\n");
    write(&c, "b.md", "---\nslug: ../../../escape\n---\n# b\n");
    write(&c, "c.md", "---\nslug: ..\n---\n# c\n");
    write(
        &c,
        "d.md",
        "---\nslug: /etc/passwd\ntags: [\"../../x\", \"..\"]\nservices: [\"../../../srv\"]\n---\n# d\n",
    );
    write(&c, "..md", "# dots\n");
    write(&c, "img/..%2F..%2Fevil.png", b"\x89PNG");
    // `.incidex/` (the search index and the build stamp) is the one documented thing
    // written beside public/.
    let state = incidex::stamp::path_for(&site.join("public"));
    let state = state.parent().and_then(|p| p.parent()).unwrap().to_path_buf();
    assert_eq!(state, site.join(".incidex"));
    let before = snapshot_outside(dir.path(), &[site.join("public"), state.clone()]);
    build(&site);
    let after = snapshot_outside(dir.path(), &[site.join("public"), state]);
    assert_eq!(before, after, "files appeared outside public/");
    assert!(!dir.path().join("etc").exists() && !dir.path().join("escape").exists());
    for entry in walkdir::WalkDir::new(site.join("public")) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(site.join("public")).unwrap();
        assert!(
            rel.components()
                .all(|c| matches!(c, std::path::Component::Normal(_))),
            "{rel:?}"
        );
    }
}

/// Every path under `root` except those inside `skip` (and the staging siblings).
fn snapshot_outside(root: &Path, skip: &[PathBuf]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .filter(|p| !skip.iter().any(|s| p.starts_with(s) || s.starts_with(p)))
        .collect();
    out.sort();
    out
}

/// Every input the fuzzer ever failed on (fuzz/regressions/) loads with in-bounds line
/// numbers and builds. The first was a TOML block ending in a lone `\r` that made front
/// matter splitting loop forever; the second a YAML error reported past the last line.
#[test]
fn every_fuzzer_find_stays_fixed() {
    let regressions = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut n = 0;
    for entry in fs::read_dir(regressions).unwrap() {
        let bytes = fs::read(entry.unwrap().path()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("content");
        write(&c, "fuzzed.md", &bytes);
        let lines = bytes.iter().filter(|b| **b == b'\n').count() as u32 + 1;
        let l = load(&c);
        assert!(!l.diagnostics.is_empty());
        for d in &l.diagnostics {
            assert!(
                d.line.is_none_or(|x| (1..=lines).contains(&x)),
                "{d:?} outside 1..={lines}"
            );
        }
        build(dir.path());
        n += 1;
    }
    assert!(n >= 2);
}

//! `incidex new` and `incidex init`: start a postmortem or a whole archive from templates.
//! Both refuse to overwrite an existing file.

use anyhow::{bail, Context as _, Result};
use std::fs;
use std::path::Path;
use std::process::ExitCode;

const POSTMORTEM_TEMPLATE: &str = include_str!("postmortem-template.md");
const CONFIG_TEMPLATE: &str = include_str!("incidex-template.yaml");

fn fill(title: &str, date: &str) -> String {
    // The title lands inside a double-quoted YAML string.
    let yaml_title = title.replace('\\', "\\\\").replace('"', "\\\"");
    POSTMORTEM_TEMPLATE
        .replacen("\"{{title}}\"", &format!("\"{yaml_title}\""), 1)
        .replace("{{title}}", title)
        .replace("{{date}}", date)
}

fn write_new(path: &Path, text: &str) -> Result<()> {
    if path.exists() {
        bail!("{} already exists; not overwriting it", path.display());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

pub fn new_postmortem(title: &str, content: &Path, date: Option<&str>) -> Result<ExitCode> {
    if title.trim().is_empty() {
        bail!("the title is empty");
    }
    let date = match date {
        Some(d) => d
            .parse::<jiff::civil::Date>()
            .with_context(|| format!("--date {d:?} is not a YYYY-MM-DD date"))?,
        None => super::today(),
    };
    let mut slug = incidex::slug::slugify(title);
    if slug.is_empty() {
        slug = "incident".into();
    }
    let path = content.join(format!("{date}-{slug}.md"));
    write_new(&path, &fill(title.trim(), &date.to_string()))?;
    println!("{}", path.display());
    eprintln!(
        "Created {}. It is a draft: remove `draft: true` when it is ready.",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// What `build` and `search` leave beside the archive with the default output folder, as
/// `.gitignore` lines: the site, its staging copy and the swap's old copy
/// (`output::staging_paths`), and the search index and stamps (`search::index::state_dir`).
fn build_outputs() -> Vec<String> {
    let out = Path::new("public");
    let (staging, old) = incidex::output::staging_paths(out);
    [
        out.to_path_buf(),
        staging,
        old,
        incidex::search::index::state_dir(out),
    ]
    .iter()
    .filter_map(|p| p.file_name())
    .map(|name| format!("/{}/", name.to_string_lossy()))
    .collect()
}

/// Adds to `dir/.gitignore` (made if missing) each of [`build_outputs`] it does not already
/// list, in any of the usual spellings (`public`, `/public`, `public/`); returns how many.
fn ignore_build_outputs(dir: &Path) -> Result<usize> {
    let path = dir.join(".gitignore");
    let existing = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let bare = |line: &str| {
        line.trim()
            .trim_start_matches('/')
            .trim_end_matches('/')
            .to_string()
    };
    let listed: std::collections::HashSet<String> = existing.lines().map(bare).collect();
    let missing: Vec<String> = build_outputs()
        .into_iter()
        .filter(|entry| !listed.contains(&bare(entry)))
        .collect();
    if missing.is_empty() {
        return Ok(0);
    }
    let mut text = existing;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("# incidex build output (the site, its staging copy, the search index)\n");
    for entry in &missing {
        text.push_str(entry);
        text.push('\n');
    }
    fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok(missing.len())
}

pub fn init(dir: &Path) -> Result<ExitCode> {
    let config = dir.join("incidex.yaml");
    write_new(&config, CONFIG_TEMPLATE)?;
    let example = dir.join("content").join("example-postmortem.md");
    let text = fill("Example: checkout errors after a config push", "2024-01-15")
        .replace("draft: true\n", "")
        .replace("status: draft", "status: example");
    write_new(&example, &text)?;
    let ignored = ignore_build_outputs(dir)?;
    eprintln!(
        "Initialised an archive in {}: edit incidex.yaml, add postmortems to content/, run `incidex build`.{}",
        dir.display(),
        if ignored > 0 {
            " .gitignore lists what builds leave beside the archive."
        } else {
            ""
        }
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_front_matter_parses_and_is_a_draft() {
        let text = fill("Checkout \"502\" storm", "2024-03-01");
        let d = incidex::parse::parse("x.md", text.as_bytes(), &|_| None).unwrap();
        let fm = d.front_matter.expect("front matter parses");
        assert_eq!(fm.title.as_deref(), Some("Checkout \"502\" storm"));
        assert!(fm.draft);
    }

    #[test]
    fn config_template_is_valid_yaml() {
        incidex::config::Config::from_yaml_str(CONFIG_TEMPLATE, Path::new("incidex.yaml")).unwrap();
    }
}

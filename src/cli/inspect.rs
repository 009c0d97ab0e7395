//! `incidex inspect`: print what extraction reads from files or folders.

use super::today;
use anyhow::{bail, Result};
use incidex::config::Config;
use incidex::discover::{self, Found};
use incidex::extract::Context;
use incidex::model::Postmortem;
use incidex::render::views::{format_minutes, format_when};
use incidex::schema::RecordJson;
use incidex::site;
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(paths: &[PathBuf], json: bool, config: &Config) -> Result<ExitCode> {
    let default = [PathBuf::from("content")];
    let paths = if paths.is_empty() { &default[..] } else { paths };
    let mut files: Vec<Found> = Vec::new();
    for p in paths {
        if p.is_dir() {
            let d = discover::discover(p)?;
            for diag in &d.diagnostics {
                eprintln!("{diag}");
            }
            files.extend(d.postmortems.into_iter().map(|f| Found {
                rel: display(&p.join(&f.rel)),
                abs: f.abs,
            }));
        } else if p.is_file() {
            files.push(Found {
                rel: display(p),
                abs: p.clone(),
            });
        } else {
            bail!("{} does not exist", p.display());
        }
    }
    files.sort();
    files.dedup();
    let cx = Context {
        config,
        today: today(),
    };
    let loaded: Vec<(Option<Postmortem>, Vec<incidex::diagnostic::Diagnostic>)> = files
        .par_iter()
        .map(|f| site::load_file(f, &cx, site::Texts::Dropped))
        .collect();
    let mut out = std::io::stdout().lock();
    if json {
        let records: Vec<RecordJson> = loaded
            .iter()
            .filter_map(|(p, _)| p.as_ref())
            .map(|p| RecordJson::new(p, None))
            .collect();
        serde_json::to_writer_pretty(&mut out, &records)?;
        writeln!(out)?;
        for (p, diags) in &loaded {
            if p.is_none() {
                for d in diags {
                    eprintln!("{d}");
                }
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    for (p, diags) in &loaded {
        match p {
            Some(p) => print_human(&mut out, p)?,
            None => {
                for d in diags {
                    writeln!(out, "{d}")?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

fn print_human(out: &mut impl Write, p: &Postmortem) -> std::io::Result<()> {
    let r = &p.record;
    let zone = r.timezone.as_deref();
    writeln!(out, "{}", p.path)?;
    let mut row = |label: &str, value: Option<String>, key: &str| -> std::io::Result<()> {
        let v = value.unwrap_or_else(|| "—".to_string());
        let prov = r
            .provenance_of(key)
            .map(|p| format!("  ({})", p.describe()))
            .unwrap_or_default();
        writeln!(out, "  {label:<14} {v}{prov}")
    };
    row("title", r.title.clone(), "title")?;
    row("start", r.start.map(|w| format_when(&w, zone)), "start")?;
    row("end", r.end.map(|w| format_when(&w, zone)), "end")?;
    row(
        "duration",
        r.duration_minutes.map(format_minutes),
        "duration_minutes",
    )?;
    row(
        "stated",
        r.stated_duration_minutes.map(format_minutes),
        "stated_duration_minutes",
    )?;
    row(
        "impact %",
        r.impact.percent.map(|v| format!("{v}")),
        "impact.percent",
    )?;
    row("users", r.impact.users.map(|v| v.to_string()), "impact.users")?;
    row(
        "services",
        Some(r.all_services().join(", ")).filter(|s| !s.is_empty()),
        "services",
    )?;
    row("category", r.root_cause.category.clone(), "root_cause.category")?;
    row("root cause", r.root_cause.summary.clone(), "root_cause.summary")?;
    row("severity", r.severity.clone(), "severity")?;
    row(
        "timeline",
        Some(format!("{} events", r.timeline.len())),
        "timeline",
    )?;
    row(
        "actions",
        Some(format!("{} items", r.action_items.len())),
        "action_items",
    )?;
    for d in &p.diagnostics {
        writeln!(out, "  {d}")?;
    }
    writeln!(out)
}

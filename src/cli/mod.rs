//! The command line: argument parsing (clap) and the commands, each a thin layer over the
//! library. Owns printing and exit codes; nothing below this module prints.

mod check;
mod init;
mod inspect;
mod search;
mod serve;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand};
use incidex::config::Config;
use incidex::diagnostic::{Diagnostic, Severity};
use incidex::site::{self, BuildOptions, LoadOptions};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "incidex",
    version,
    about = "A static site generator for postmortem archives"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by the commands that read an archive.
#[derive(Debug, clap::Args)]
pub struct ArchiveArgs {
    /// Folder of postmortems.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// Site configuration; `incidex.yaml` is read when present.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (atomically replacing it).
    Build {
        #[command(flatten)]
        archive: ArchiveArgs,
        /// Where to write the site.
        #[arg(long, default_value = "public")]
        output: PathBuf,
        /// Override `base_url` from the config (used for sitemap and feed URLs).
        #[arg(long)]
        base_url: Option<String>,
        /// Include postmortems marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Exit non-zero when any error diagnostic is reported.
        #[arg(long)]
        strict: bool,
        /// Print only errors.
        #[arg(long, short, conflicts_with = "verbose")]
        quiet: bool,
        /// Print every diagnostic, including infos.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Check the archive without building it (for CI): exit 1 on errors.
    Check(check::CheckArgs),
    /// Print the fields extracted from postmortems (files or folders).
    Inspect {
        /// Files or folders; defaults to `content`.
        paths: Vec<PathBuf>,
        /// Print a JSON array (the schema in README).
        #[arg(long)]
        json: bool,
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Write a new postmortem from the template: content/YYYY-MM-DD-slug.md.
    New {
        /// The incident's title.
        title: String,
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Date for the file name and front matter (default: today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Search the archive (full text, ranked; rebuilds the index when content changed).
    Search(search::SearchArgs),
    /// Preview the site: build, serve on localhost, rebuild and reload pages on every save.
    Serve(serve::ServeArgs),
    /// Start a new archive: incidex.yaml with every option, and content/ with an example.
    Init {
        /// Folder to initialise (default: the current folder).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Build {
            archive,
            output,
            base_url,
            drafts,
            strict,
            quiet,
            verbose,
        } => {
            let mut config = load_config(archive.config.as_deref())?;
            if let Some(url) = base_url {
                config.base_url = url;
            }
            build(
                &archive.content,
                &output,
                &config,
                drafts,
                strict,
                Verbosity::from_flags(quiet, verbose),
            )
        }
        Command::Check(args) => check::run(args),
        Command::Inspect { paths, json, config } => {
            let config = load_config(config.as_deref())?;
            inspect::run(&paths, json, &config)
        }
        Command::New { title, content, date } => init::new_postmortem(&title, &content, date.as_deref()),
        Command::Init { dir } => init::init(&dir),
        Command::Search(args) => {
            let config = load_config(args.archive.config.as_deref())?;
            search::run(args, &config)
        }
        Command::Serve(args) => serve::run(args),
    }
}

/// `--config FILE` must exist; the default `incidex.yaml` may not.
pub fn load_config(path: Option<&Path>) -> Result<Config> {
    let (path, required) = match path {
        Some(p) => (p.to_path_buf(), true),
        None => (PathBuf::from("incidex.yaml"), false),
    };
    Ok(Config::load(&path, required)?)
}

pub fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

impl Verbosity {
    fn from_flags(quiet: bool, verbose: bool) -> Self {
        if quiet {
            Verbosity::Quiet
        } else if verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        }
    }

    fn shows(self, d: &Diagnostic) -> bool {
        match self {
            Verbosity::Quiet => d.severity == Severity::Error,
            Verbosity::Normal => d.severity >= Severity::Warning,
            Verbosity::Verbose => true,
        }
    }
}

fn build(
    content: &Path,
    output: &Path,
    config: &Config,
    drafts: bool,
    strict: bool,
    verbosity: Verbosity,
) -> Result<ExitCode> {
    let opts = BuildOptions {
        content,
        output,
        load: LoadOptions {
            config,
            include_drafts: drafts,
            today: today(),
        },
    };
    let report = site::build(&opts).with_context(|| {
        format!(
            "building {} failed; {} was left as it was",
            content.display(),
            output.display()
        )
    })?;
    let errors = report.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    for d in report.diagnostics.iter().filter(|d| verbosity.shows(d)) {
        eprintln!("{}", with_content_prefix(d, content));
    }
    if verbosity != Verbosity::Quiet {
        let mut summary = format!(
            "{} {} postmortem{} into {}/ in {:.2} s",
            if report.up_to_date { "Up to date:" } else { "Built" },
            report.postmortems,
            if report.postmortems == 1 { "" } else { "s" },
            output.display().to_string().trim_end_matches('/'),
            report.elapsed.as_secs_f64()
        );
        if report.up_to_date {
            summary.push_str(" (nothing changed since the last build)");
        }
        if report.drafts_skipped > 0 {
            summary.push_str(&format!(
                ", {} draft{} skipped",
                report.drafts_skipped,
                if report.drafts_skipped == 1 { "" } else { "s" }
            ));
        }
        // "Built 312 postmortems into public/ in 0.41 s, 2 warnings": errors only when there are some.
        if errors > 0 {
            summary.push_str(&format!(", {errors} error{}", plural(errors)));
        }
        summary.push_str(&format!(", {warnings} warning{}", plural(warnings)));
        eprintln!("{summary}");
        if verbosity == Verbosity::Verbose {
            eprintln!(
                "  {} pages, {} files copied from {}",
                report.pages,
                report.assets,
                content.display()
            );
            for stage in &report.stages {
                let cpu = match stage.cpu {
                    Some(cpu) => format!("  ({:.3} s CPU)", cpu.as_secs_f64()),
                    None => String::new(),
                };
                eprintln!("  {:>8.3} s  {}{cpu}", stage.wall.as_secs_f64(), stage.name);
            }
        }
    }
    if strict && errors > 0 {
        eprintln!(
            "error: {errors} error diagnostic{} and --strict is set",
            plural(errors)
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Diagnostics carry content-relative paths; print them as the user can open them.
fn with_content_prefix(d: &Diagnostic, content: &Path) -> String {
    if d.path.is_empty() {
        return d.to_string();
    }
    let mut shown = d.clone();
    shown.path = content.join(&d.path).display().to_string();
    let mut s = shown.to_string();
    if let Some(h) = &d.hint {
        s.push_str(&format!("\n  = help: {h}"));
    }
    s
}

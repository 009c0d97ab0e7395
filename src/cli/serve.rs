//! `incidex serve`: print what the server does; the server itself is `incidex::serve`.

use super::{plural, today, with_content_prefix};
use anyhow::{Context as _, Result};
use incidex::diagnostic::Severity;
use incidex::serve::rebuild::{Report, Sources};
use incidex::serve::{Event, Serve};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub archive: super::ArchiveArgs,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on. Anything but loopback exposes your drafts to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Open the site in a browser once it is up.
    #[arg(long)]
    pub open: bool,
    /// Also write every good build to this folder, as `incidex build` would (slower).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Include postmortems marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
}

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    let (config, config_required) = match &args.archive.config {
        Some(p) => (p.clone(), true),
        None => (PathBuf::from("incidex.yaml"), false),
    };
    let content = args.archive.content.clone();
    let sources = Sources {
        content: content.clone(),
        config,
        config_required,
        include_drafts: args.drafts,
        today: today(),
        base_url: None,
        output: args.output.clone(),
    };
    let addr = SocketAddr::new(args.bind, args.port);
    let serve = Serve::bind(addr, sources).with_context(|| format!("starting the server on {addr}"))?;
    let local = serve.local_addr();
    let url = format!("http://{local}/");

    let report = serve.first_report();
    for d in report
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
    {
        eprintln!("{}", with_content_prefix(d, &content));
    }
    eprintln!("{}", summary("Built", report));
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: listening on {} — anyone who can reach this machine can read the site, \
             drafts and all. Use --bind 127.0.0.1 unless you mean it.",
            args.bind
        );
    }
    eprintln!("Serving {} at {url}  (Ctrl-C to stop)", content.display());
    if args.open {
        open_browser(&url);
    }

    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let shown = content.clone();
    serve.run(shutdown, move |event| print_event(&event, &shown))?;
    eprintln!("Stopped.");
    Ok(ExitCode::SUCCESS)
}

fn print_event(event: &Event, content: &Path) {
    match event {
        Event::Rebuilt { report, problems } => {
            for d in &problems.errors {
                eprintln!("{}", with_content_prefix(d, content));
            }
            eprintln!("{}", summary("Rebuilt", report));
            if let Some(e) = &report.output_error {
                eprintln!("warning: writing --output failed: {e}");
            }
        }
        Event::Previewed { pages, elapsed } => {
            eprintln!(
                "Saved page{} {} published in {:.0} ms (the rest of the site follows)",
                plural(pages.len()),
                pages.join(", "),
                elapsed.as_secs_f64() * 1000.0
            );
        }
        Event::Failed { message, report } => {
            eprintln!(
                "Rebuild failed after {:.0} ms: {message}\n  still serving the last good build",
                report.elapsed.as_secs_f64() * 1000.0
            );
        }
    }
}

fn summary(verb: &str, r: &Report) -> String {
    let errors = r.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = r
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let mut s = format!(
        "{verb} {} postmortem{} ({} re-read, {} files) in {:.0} ms, {errors} error{}, {warnings} warning{}",
        r.postmortems,
        plural(r.postmortems),
        r.reparsed,
        r.files,
        r.elapsed.as_secs_f64() * 1000.0,
        plural(errors),
        plural(warnings),
    );
    if !r.phases.is_empty() {
        let phases: Vec<String> = r
            .phases
            .iter()
            .map(|(name, d)| format!("{name} {:.0}", d.as_secs_f64() * 1000.0))
            .collect();
        s.push_str(&format!(" [ms: {}]", phases.join(", ")));
    }
    if r.drafts_skipped > 0 {
        s.push_str(&format!(
            ", {} draft{} skipped",
            r.drafts_skipped,
            plural(r.drafts_skipped)
        ));
    }
    s
}

/// Best effort: a missing opener is a note, not a failure.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    match std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Ok(mut child) => {
            let url = url.to_string();
            std::thread::spawn(move || {
                if child.wait().is_ok_and(|st| !st.success()) {
                    eprintln!("note: {opener} could not open a browser; open {url} yourself");
                }
            });
        }
        Err(e) => eprintln!("note: could not open a browser ({opener}: {e}); open {url} yourself"),
    }
}

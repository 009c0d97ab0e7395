//! `incidex search`: query the tantivy index beside the site, rebuilding it first when the
//! content changed since it was built, and print ranked results.

use anyhow::{Context as _, Result};
use incidex::config::Config;
use incidex::search::index::{self, SearchIndex};
use incidex::search::query::{self, Filters, Hit, Request, Results, Sort};
use incidex::search::SearchDoc;
use incidex::site::{self, LoadOptions};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// What to look for: words (all must match), "a phrase" in quotes.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    #[command(flatten)]
    pub archive: super::ArchiveArgs,
    /// Only this root-cause category (slug, e.g. `dns`).
    #[arg(long)]
    pub category: Option<String>,
    /// Only incidents involving this service.
    #[arg(long)]
    pub service: Option<String>,
    /// Only this severity (e.g. `sev1`).
    #[arg(long)]
    pub severity: Option<String>,
    /// Only incidents that started on or after this day (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<jiff::civil::Date>,
    /// Only incidents that started on or before this day (YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<jiff::civil::Date>,
    /// relevance, date (newest first), duration (longest first) or impact (largest first).
    #[arg(long, default_value = "relevance")]
    pub sort: Sort,
    /// How many results to print.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Print JSON (see README, "Search").
    #[arg(long)]
    pub json: bool,
    /// The site output folder whose index to use (the index lives beside it, in
    /// `.incidex/search-index/<output name>/`).
    #[arg(long, default_value = "public")]
    pub output: std::path::PathBuf,
    /// Use the index in this folder instead.
    #[arg(long)]
    pub index: Option<std::path::PathBuf>,
    /// Include postmortems marked `draft: true` (when the index has to be rebuilt).
    #[arg(long)]
    pub drafts: bool,
}

pub fn run(args: SearchArgs, config: &Config) -> Result<ExitCode> {
    let dir = args
        .index
        .clone()
        .unwrap_or_else(|| index::default_dir(&args.output));
    let index = fresh_index(&dir, &args.archive.content, config, args.drafts)?;
    let req = Request {
        text: args.query.join(" "),
        filters: Filters {
            category: args.category.clone(),
            service: args.service.clone(),
            severity: args.severity.clone(),
            year: None,
            since: args.since,
            until: args.until,
        },
        sort: args.sort,
        limit: args.limit,
    };
    let results = query::search(&index, &req).with_context(|| format!("searching {}", dir.display()))?;
    let base = config.base_url_slash();
    let mut out = std::io::stdout().lock();
    let printed = if args.json {
        serde_json::to_writer_pretty(&mut out, &JsonResults::new(&results, &base))
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        print_results(&mut out, &results, &base, Style::for_stdout())
    };
    match printed {
        // `incidex search … | head` closing the pipe early is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
        Ok(()) => Ok(ExitCode::SUCCESS),
    }
}

/// Open the index in `dir`, first rebuilding it when the content or configuration changed
/// since it was written (or when there is none).
fn fresh_index(dir: &Path, content: &Path, config: &Config, drafts: bool) -> Result<SearchIndex> {
    let inputs = index::inputs_fingerprint(content, config, drafts);
    if let Some(fp) = &inputs {
        if index::is_fresh_for(dir, fp) {
            if let Ok(idx) = SearchIndex::open(dir) {
                return Ok(idx);
            }
        }
    }
    let opts = LoadOptions {
        config,
        include_drafts: drafts,
        today: super::today(),
    };
    let loaded =
        site::load(content, &opts).with_context(|| format!("reading {} to index it", content.display()))?;
    let docs = SearchDoc::all(&loaded.archive.postmortems, config);
    eprintln!(
        "indexing {} postmortem{} from {} into {}",
        docs.len(),
        if docs.len() == 1 { "" } else { "s" },
        content.display(),
        dir.display()
    );
    Ok(index::ensure(dir, &docs, inputs)?)
}

/// `--json`: the library's results, with each hit's absolute link added.
#[derive(Serialize)]
struct JsonResults<'a> {
    total: usize,
    query: &'a [query::Resolved],
    hits: Vec<JsonHit<'a>>,
}

#[derive(Serialize)]
struct JsonHit<'a> {
    #[serde(flatten)]
    hit: &'a Hit,
    link: String,
}

impl<'a> JsonResults<'a> {
    fn new(r: &'a Results, base: &str) -> Self {
        JsonResults {
            total: r.total,
            query: &r.query,
            hits: r
                .hits
                .iter()
                .map(|hit| JsonHit {
                    hit,
                    link: format!("{base}{}", hit.url),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Style {
    color: bool,
}

impl Style {
    /// Bold and colour only on a terminal, and never when `NO_COLOR` is set.
    fn for_stdout() -> Style {
        Style {
            color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }
    fn wrap(&self, s: &str, code: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

fn print_results(out: &mut impl Write, r: &Results, base: &str, style: Style) -> std::io::Result<()> {
    for q in r
        .query
        .iter()
        .filter(|q| !q.phrase && q.terms.first() != Some(&q.typed))
    {
        if q.terms.is_empty() {
            writeln!(out, "no indexed word looks like {:?}", q.typed)?;
        } else {
            writeln!(
                out,
                "{:?} is not indexed; searched for {}",
                q.typed,
                q.terms.join(", ")
            )?;
        }
    }
    if r.total == 0 {
        writeln!(out, "No postmortems match.")?;
        return Ok(());
    }
    for (i, h) in r.hits.iter().enumerate() {
        let meta: Vec<&str> = [h.date.as_str(), h.category.as_str(), h.severity.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        writeln!(
            out,
            "{:>2}. {}  {}",
            i + 1,
            style.wrap(&h.title, "1"),
            style.wrap(&meta.join(" · "), "2")
        )?;
        writeln!(out, "    {}", style.wrap(&format!("{base}{}", h.url), "36"))?;
        writeln!(out, "    {}", highlighted(&h.snippet, style))?;
    }
    if r.total > r.hits.len() {
        writeln!(out, "{} of {} shown; --limit for more", r.hits.len(), r.total)?;
    }
    Ok(())
}

/// The snippet on one line with matches in bold yellow, or `[[word]]` without colour.
fn highlighted(s: &query::Snippet, style: Style) -> String {
    let chars: Vec<char> = s
        .text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let mut out = String::new();
    let mut at = 0;
    for &(from, to) in &s.highlights {
        if from < at || to > chars.len() {
            continue;
        }
        out.extend(&chars[at..from]);
        let word: String = chars[from..to].iter().collect();
        if style.color {
            out.push_str(&style.wrap(&word, "1;33"));
        } else {
            out.push_str(&format!("[[{word}]]"));
        }
        at = to;
    }
    out.extend(&chars[at..]);
    out.trim().to_string()
}

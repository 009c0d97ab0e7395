//! Site: the pipeline end to end. discover → parse → extract → archive → render → output.
//!
//! Each stage is a function from data to data; this module only wires them together,
//! runs the per-file stages in parallel, and gathers diagnostics. `load` stops before
//! rendering so `inspect`, `check` and `search` share exactly what `build` sees.

use crate::archive::Archive;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::discover::{self, DiscoverError, Found};
use crate::extract::{self, Context};
use crate::model::{HeldText, Postmortem};
use crate::output::{self, OutputError, OutputFile};
use crate::parse;
use crate::render::{self, theme::Theme, theme::ThemeError};
use crate::stamp::{self, Stamp};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    #[error(transparent)]
    Theme(#[from] ThemeError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(transparent)]
    Search(#[from] crate::search::SearchError),
    #[error("the output folder {output} is inside the content folder {content}; pick another --output")]
    OutputInsideContent { output: PathBuf, content: PathBuf },
}

/// What `load` produces: the archive plus everything found along the way.
#[derive(Debug)]
pub struct Loaded {
    pub archive: Archive,
    /// Files beside the postmortems, copied to `files/` in the site.
    pub assets: Vec<Found>,
    /// Every diagnostic, sorted by path then line.
    pub diagnostics: Vec<Diagnostic>,
    /// Drafts left out (counted for the summary).
    pub drafts_skipped: usize,
}

#[derive(Debug, Clone)]
pub struct LoadOptions<'a> {
    pub config: &'a Config,
    pub include_drafts: bool,
    pub today: jiff::civil::Date,
}

/// URL prefix under which content assets are published.
pub const FILES_DIR: &str = "files";

/// Read, parse and extract every postmortem under `content`.
pub fn load(content: &Path, opts: &LoadOptions<'_>) -> Result<Loaded, BuildError> {
    load_inner(content, opts, false, true, &|_, _| ()).map(|(loaded, _, _)| loaded)
}

/// [`load`] for a caller that never renders or indexes (`check`): every postmortem's
/// record, diagnostics and everything else, but not its texts (body HTML and plain text are
/// left empty: a tenth of a 10,000-postmortem archive's memory each). `observe` is shown
/// each postmortem's parsed [`parse::Document`] and bytes while they are still in hand:
/// `check` lints the Markdown structure (links, anchors, sections, front matter keys),
/// which the archive does not keep, without reading and parsing every file a second time.
/// The list has one entry per postmortem file found, in the listing's order: its
/// content-relative path and what `observe` returned, `None` when the file could not be
/// read or parsed.
pub fn load_records<T: Send>(
    content: &Path,
    opts: &LoadOptions<'_>,
    observe: &(dyn Fn(&parse::Document, &[u8]) -> T + Sync),
) -> Result<(Loaded, Observed<T>), BuildError> {
    load_inner(content, opts, false, false, observe).map(|(loaded, _, seen)| (loaded, seen))
}

/// What [`load_records`] saw: per postmortem file found, its content-relative path and
/// what the observer returned (`None`: not read or not parsed).
pub type Observed<T> = Vec<(String, Option<T>)>;

/// What loading keeps of each postmortem's texts (body HTML and plain text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Texts {
    /// Held for rendering and search; LZ4-compressed when `true`
    /// ([`crate::model::compress_for`] the archive's size).
    Held(bool),
    /// Left empty, for what never renders or indexes (`check`, `inspect`).
    Dropped,
}

/// [`load`], and what it learned of the inputs on the way: a cold build reads and lists
/// each file only once.
fn load_stamped(content: &Path, opts: &LoadOptions<'_>) -> Result<(Loaded, Inputs), BuildError> {
    load_inner(content, opts, true, true, &|_, _| ()).map(|(loaded, inputs, _)| (loaded, inputs))
}

/// What a build needs to know of its inputs besides their contents.
#[derive(Debug, Default)]
struct Inputs {
    /// [`stamp::inputs_hash`], made from the bytes parsed.
    hash: Option<String>,
    /// [`crate::search::index::inputs_fingerprint`], made from the files as they were read.
    fingerprint: Option<String>,
}

/// [`load_records`], working out [`Inputs`] only when `stamp_inputs` is set (`check`,
/// `search` and `serve` have no use for them; `None` in either when a file could not be
/// read), and keeping the texts when `keep_texts`.
fn load_inner<T: Send>(
    content: &Path,
    opts: &LoadOptions<'_>,
    stamp_inputs: bool,
    keep_texts: bool,
    observe: &(dyn Fn(&parse::Document, &[u8]) -> T + Sync),
) -> Result<(Loaded, Inputs, Observed<T>), BuildError> {
    use crate::search::index::{inputs_fingerprint_of, FileStat};
    let found = discover::discover(content)?;
    let cx = Context {
        config: opts.config,
        today: opts.today,
    };
    let texts = if keep_texts {
        Texts::Held(crate::model::compress_for(found.postmortems.len()))
    } else {
        Texts::Dropped
    };
    let (results, (facts, seen)): (Vec<LoadedFile>, (Vec<StampFact>, Vec<_>)) = found
        .postmortems
        .par_iter()
        .map(|f| match read_with_stat(&f.abs) {
            Ok((bytes, stat)) => {
                let (file, seen) = load_bytes_observed(f, &bytes, &cx, texts, |doc| observe(doc, &bytes));
                let fact = stamp_inputs.then(|| (stamp::file_hash(&f.rel, &bytes), stat));
                (file, (fact, seen))
            }
            Err(e) => (unreadable(f, &e), (None, None)),
        })
        .unzip();
    let inputs = if stamp_inputs {
        let (hashes, stats): (Vec<Option<u64>>, Vec<Option<FileStat>>) =
            facts.iter().map(|f| (f.map(|f| f.0), f.map(|f| f.1))).unzip();
        let (config, drafts) = (opts.config, opts.include_drafts);
        Inputs {
            hash: stamp::inputs_hash_of(&found, &hashes, config, drafts, opts.today),
            fingerprint: inputs_fingerprint_of(&found, &stats, config, drafts),
        }
    } else {
        Inputs::default()
    };
    let seen = found
        .postmortems
        .iter()
        .map(|f| f.rel.clone())
        .zip(seen)
        .collect();
    let loaded = assemble(results, found.assets, found.diagnostics, opts.include_drafts);
    Ok((loaded, inputs, seen))
}

/// What the stamp and the search index's fingerprint need of one file read: the hash of
/// its bytes ([`stamp::file_hash`]) and its size and modification time.
type StampFact = Option<(u64, crate::search::index::FileStat)>;

/// A file's bytes and its size and modification time, from one open (as `fs::read`, which
/// also asks for the size to size its buffer).
fn read_with_stat(path: &Path) -> std::io::Result<(Vec<u8>, crate::search::index::FileStat)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    let mut bytes = Vec::new();
    // A size that does not fit is only a hint: reading still works, growing as it goes.
    let _ = bytes.try_reserve_exact(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok((bytes, crate::search::index::FileStat::of(&meta)))
}

/// Turn per-file results (from [`load_file`], fresh or cached) into a [`Loaded`]: drop
/// drafts unless wanted, build the archive, gather and sort every diagnostic. `load` and
/// `serve`'s incremental rebuild share this, so both see the same site.
pub fn assemble(
    results: impl IntoIterator<Item = (Option<Postmortem>, Vec<Diagnostic>)>,
    assets: Vec<Found>,
    mut diagnostics: Vec<Diagnostic>,
    include_drafts: bool,
) -> Loaded {
    let mut postmortems = Vec::new();
    let mut drafts_skipped = 0;
    for (pm, diags) in results {
        match pm {
            // A draft left out of the site is work in progress: its placeholders
            // (`incidex new` writes `end: TBD`) are not findings about the site.
            Some(pm) if pm.draft && !include_drafts => drafts_skipped += 1,
            Some(pm) => {
                diagnostics.extend(diags);
                postmortems.push(pm);
            }
            None => diagnostics.extend(diags),
        }
    }
    let mut archive = Archive::new(postmortems);
    point_links_at_front_matter_slugs(&mut archive);
    diagnostics.extend(archive.diagnostics.iter().cloned());
    diagnostics.sort_by(|a, b| (&a.path, a.line, a.code).cmp(&(&b.path, b.line, b.code)));
    Loaded {
        archive,
        assets,
        diagnostics,
        drafts_skipped,
    }
}

/// One file loaded: the postmortem, unless it could not be read or parsed, and its
/// diagnostics.
pub type LoadedFile = (Option<Postmortem>, Vec<Diagnostic>);

/// Parse and extract one file. Never fails: problems are diagnostics.
pub fn load_file(found: &Found, cx: &Context<'_>, texts: Texts) -> LoadedFile {
    match std::fs::read(&found.abs) {
        Ok(bytes) => load_bytes(found, &bytes, cx, texts),
        Err(e) => unreadable(found, &e),
    }
}

fn unreadable(found: &Found, e: &std::io::Error) -> LoadedFile {
    (
        None,
        vec![Diagnostic::error(
            "unreadable",
            found.rel.clone(),
            format!("cannot read file: {e}"),
        )],
    )
}

/// [`load_file`] on bytes already read.
fn load_bytes(found: &Found, bytes: &[u8], cx: &Context<'_>, texts: Texts) -> LoadedFile {
    load_bytes_observed(found, bytes, cx, texts, |_| ()).0
}

/// [`load_bytes`], and what `observe` makes of the parsed document (`None` when the file
/// does not parse).
fn load_bytes_observed<T>(
    found: &Found,
    bytes: &[u8],
    cx: &Context<'_>,
    texts: Texts,
    observe: impl FnOnce(&parse::Document) -> T,
) -> (LoadedFile, Option<T>) {
    let dir = found.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let rewrite = |dest: &str| rewrite_link(dir, dest);
    let doc = match parse::parse(&found.rel, bytes, &rewrite) {
        Ok(d) => d,
        Err(e) => return ((None, vec![e.to_diagnostic()]), None),
    };
    let seen = observe(&doc);
    let (record, extract_diags) = extract::extract(&doc, cx);
    let mut diagnostics = doc.diagnostics.clone();
    diagnostics.extend(extract_diags);
    let fm = doc.front_matter.as_ref();
    let stem = found.rel.rsplit('/').next().unwrap_or(&found.rel);
    let stem = stem.rsplit_once('.').map(|(s, _)| s).unwrap_or(stem);
    let slug = fm
        .and_then(|f| f.slug.as_deref())
        .map(crate::slug::slugify)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| fallback_slug(stem, &found.rel));
    let title = record
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| stem.replace(['-', '_'], " "));
    let hold = |text: String| match texts {
        Texts::Held(compress) => HeldText::new(text, compress),
        Texts::Dropped => HeldText::default(),
    };
    let pm = Postmortem {
        path: found.rel.clone(),
        slug,
        title,
        draft: fm.map(|f| f.draft).unwrap_or(false),
        body_html: hold(doc.markdown.html),
        toc: doc.markdown.toc,
        plain_text: hold(doc.markdown.plain_text),
        extra: fm
            .map(|f| f.extra.clone().into_iter().collect())
            .unwrap_or_default(),
        record,
        diagnostics: diagnostics.clone(),
    };
    ((Some(pm), diagnostics), Some(seen))
}

/// Links to another postmortem's file are rewritten while parsing, before anyone knows that
/// file's front matter: they point at the slug of its file name (`../<file-slug>/`). Once
/// the archive knows every slug, links to postmortems whose front matter `slug:` differs
/// are pointed at the real page. A file slug that is some other postmortem's real slug is
/// left alone, since links to that one already point at it.
fn point_links_at_front_matter_slugs(archive: &mut Archive) {
    let moves = link_moves(&archive.postmortems);
    if moves.is_empty() {
        return;
    }
    for p in &mut archive.postmortems {
        apply_link_moves(p, &moves);
    }
}

/// The link rewrites [`assemble`] applies to every body (`href="../<name>/"` →
/// `href="../<slug>/"`), for the archive's postmortems. `serve` applies them to a just-saved
/// postmortem before the rest of the archive is assembled again.
pub fn link_moves<'a>(postmortems: impl IntoIterator<Item = &'a Postmortem>) -> Vec<(String, String)> {
    let postmortems: Vec<&Postmortem> = postmortems.into_iter().collect();
    let real: std::collections::HashSet<&str> = postmortems.iter().map(|p| p.slug.as_str()).collect();
    postmortems
        .iter()
        .filter_map(|p| {
            let name = p.path.rsplit('/').next().unwrap_or(&p.path);
            let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
            let by_name = fallback_slug(stem, &p.path);
            (by_name != p.slug && !real.contains(by_name.as_str()))
                .then(|| (format!("href=\"../{by_name}/"), format!("href=\"../{}/", p.slug)))
        })
        .collect()
}

/// Apply [`link_moves`] to one postmortem's body.
pub fn apply_link_moves(p: &mut Postmortem, moves: &[(String, String)]) {
    if moves.is_empty() {
        return;
    }
    let mut html = p.body_html.text().into_owned();
    let mut moved = false;
    for (from, to) in moves {
        if html.contains(from.as_str()) {
            html = html.replace(from.as_str(), to);
            moved = true;
        }
    }
    if moved {
        p.body_html = p.body_html.replaced(html);
    }
}

/// A file name that slugifies to nothing (`שגיאה.md`) still needs a stable URL.
fn fallback_slug(stem: &str, rel: &str) -> String {
    let s = crate::slug::slugify(stem);
    if !s.is_empty() {
        return s;
    }
    // FNV-1a of the path: stable across builds and machines.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in rel.as_bytes() {
        h = (h ^ u64::from(*b)).wrapping_mul(0x100000001b3);
    }
    format!("incident-{:08x}", h as u32)
}

/// Resolve the relative `path` against `dir` (both `/`-separated, relative to the content
/// folder): `("2023", "../img/a.png")` → `"img/a.png"`. `None` when it climbs above the
/// content folder. Shared by link rewriting here and link checking in `check`.
pub fn join_relative(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Relative links in a postmortem are relative to its folder in content/; the page lives at
/// `incidents/<slug>/`. Links to other postmortems go to their pages, links to other files
/// to their copy under `files/`.
fn rewrite_link(dir: &str, dest: &str) -> Option<String> {
    if dest.is_empty()
        || dest.starts_with('#')
        || dest.starts_with('/')
        || dest.contains("://")
        || dest.starts_with("//")
    {
        return None;
    }
    if let Some((scheme, _)) = dest.split_once(':') {
        if !scheme.contains('/') && !scheme.contains('.') {
            return None; // mailto:, tel:, javascript: (sanitiser drops the last)
        }
    }
    let split_at = dest.find(['#', '?']).unwrap_or(dest.len());
    let (path, suffix) = dest.split_at(split_at);
    let joined = join_relative(dir, path)?;
    if discover::is_markdown(Path::new(&joined)) {
        let stem = joined.rsplit('/').next().unwrap_or(&joined);
        let stem = stem.rsplit_once('.').map(|(s, _)| s).unwrap_or(stem);
        return Some(format!("../{}/{suffix}", fallback_slug(stem, &joined)));
    }
    Some(format!("../../{FILES_DIR}/{joined}{suffix}"))
}

#[derive(Debug, Clone)]
pub struct BuildOptions<'a> {
    pub content: &'a Path,
    pub output: &'a Path,
    pub load: LoadOptions<'a>,
}

/// What a build did, for the one-line summary.
#[derive(Debug)]
pub struct BuildReport {
    pub postmortems: usize,
    pub pages: usize,
    pub assets: usize,
    pub drafts_skipped: usize,
    pub diagnostics: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// Time taken by each stage, in order (`build -v` prints them).
    pub stages: Vec<Stage>,
    /// Nothing changed since the last build into this output, so it was left as it was
    /// (see [`crate::stamp`]); the counts and diagnostics are that build's.
    pub up_to_date: bool,
}

/// How long one stage of a build took.
#[derive(Debug, Clone, Copy)]
pub struct Stage {
    pub name: &'static str,
    pub wall: Duration,
    /// CPU time of the whole process (user and system, all threads) during the stage:
    /// against `wall`, how well the stage used the cores. `None` where unmeasured.
    pub cpu: Option<Duration>,
}

/// The CPU time (user and system, all threads) this process has used so far.
fn process_cpu_time() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
        // SAFETY: getrusage fills the struct it is given and touches nothing else.
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) } != 0 {
            return None;
        }
        // SAFETY: getrusage returned 0, so it wrote the whole struct.
        let usage = unsafe { usage.assume_init() };
        let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
        Some(time(usage.ru_utime) + time(usage.ru_stime))
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// Build the site: load, render, and swap the output in atomically.
pub fn build(opts: &BuildOptions<'_>) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    if let (Ok(out), Ok(content)) = (absolute(opts.output), absolute(opts.content)) {
        if out.starts_with(&content) {
            return Err(BuildError::OutputInsideContent {
                output: opts.output.into(),
                content: opts.content.into(),
            });
        }
    }
    let mut stages = Vec::new();
    let mut lap = (Instant::now(), process_cpu_time());
    let mut stage = |name: &'static str| {
        let now = (Instant::now(), process_cpu_time());
        stages.push(Stage {
            name,
            wall: now.0 - lap.0,
            cpu: now.1.zip(lap.1).map(|(now, then)| now.saturating_sub(then)),
        });
        lap = now;
    };
    let config = opts.load.config;
    // With a stamp from the last build, hash the inputs first: if nothing changed, that is
    // all the work there is. Otherwise the inputs are hashed as `load` reads them.
    if let Some(last) = Stamp::read(opts.output) {
        let inputs = stamp::inputs_hash(opts.content, config, opts.load.include_drafts, opts.load.today);
        let index = crate::search::index::default_dir(opts.output);
        if inputs.is_some_and(|i| last.matches(&i, opts.output))
            && crate::search::index::read_freshness(&index).is_some()
        {
            stage("check the last build's stamp: nothing changed");
            return Ok(BuildReport {
                postmortems: last.postmortems,
                pages: last.pages,
                assets: last.assets,
                drafts_skipped: last.drafts_skipped,
                diagnostics: last.diagnostics(),
                elapsed: started.elapsed(),
                stages,
                up_to_date: true,
            });
        }
    }
    // The output is about to change: a stamp must never describe another output.
    Stamp::forget(opts.output);
    let theme = Theme::load(config.theme.as_deref())?;
    let (loaded, inputs) = load_stamped(opts.content, &opts.load)?;
    stage("load (discover, parse, extract, archive)");
    // Pages go to disk as they are rendered and are dropped: the site is never whole in
    // memory. Any error drops `staging`, which removes it; the previous site stays.
    let staging = output::Staging::begin(opts.output)?;
    let pages = std::sync::atomic::AtomicUsize::new(0);
    let everything = render::Incremental {
        skip: &|_| false,
        memo: None,
    };
    render::render_site_into(&loaded.archive, &theme, config, &everything, &|f: OutputFile| {
        if f.path.ends_with(".html") {
            pages.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        staging.write(&f).map_err(BuildError::from)
    })?;
    loaded
        .assets
        .par_iter()
        .try_for_each(|a| staging.write(&asset_file(a)))?;
    stage("render and write pages");
    // Search is last and needs only the text: the rest of the archive is dropped first.
    let Loaded {
        archive,
        assets,
        diagnostics,
        drafts_skipped,
    } = loaded;
    let postmortems = archive.len();
    let docs = crate::search::SearchDoc::from_postmortems(archive.postmortems, config);
    release_freed_memory();
    // A 10k archive's static index is ~3,400 small files: written in parallel, like pages.
    index_for_search(opts, &docs, inputs.fingerprint.clone())?
        .par_iter()
        .try_for_each(|f| staging.write(f))?;
    drop(docs);
    stage("search (tantivy, static index)");
    staging.finish()?;
    stage("swap in the new site");
    let pages = pages.into_inner();
    let counts = [postmortems, pages, assets.len(), drafts_skipped];
    if let Some(stamp) = inputs
        .hash
        .and_then(|i| Stamp::new(i, opts.output, counts, &diagnostics))
    {
        stamp.write(opts.output);
    }
    Ok(BuildReport {
        postmortems,
        pages,
        assets: assets.len(),
        drafts_skipped,
        diagnostics,
        elapsed: started.elapsed(),
        stages,
        up_to_date: false,
    })
}

/// Hand memory freed by rendering back to the OS before indexing starts, so the two
/// stages' peaks do not add up. The binary runs on jemalloc (`main.rs`), which would
/// otherwise return it only after its decay time; 10k postmortems: peak ~250 → ~200 MiB.
/// Under another allocator (the library's own tests) this purges jemalloc's empty arenas:
/// a no-op.
fn release_freed_memory() {
    #[cfg(not(target_env = "msvc"))]
    {
        // MALLCTL_ARENAS_ALL: every arena.
        let name = c"arena.4096.purge";
        let (none, no_len) = (std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: "arena.<i>.purge" takes no old or new value; the name is NUL-terminated.
        unsafe { tikv_jemalloc_sys::mallctl(name.as_ptr(), none, no_len, none, 0) };
    }
}

/// Bring the tantivy index beside the output up to date (`search::index::default_dir`)
/// and return the static index files for the site. `inputs`: the fingerprint of the files
/// the documents came from, recorded for `search`'s freshness check.
fn index_for_search(
    opts: &BuildOptions<'_>,
    docs: &[crate::search::SearchDoc],
    inputs: Option<String>,
) -> Result<Vec<OutputFile>, BuildError> {
    use crate::search::{index, static_index};
    let dir = index::default_dir(opts.output);
    index::remove_old_layout(opts.output);
    let tantivy_index = index::ensure(&dir, docs, inputs)?;
    let content = index::read_freshness(&dir).map(|f| f.content).unwrap_or_default();
    if let Some(files) = static_index::reuse(opts.output, &content) {
        return Ok(files);
    }
    Ok(static_index::files(&tantivy_index, docs, &content)?)
}

/// Every file of the site for a loaded archive: rendered pages, theme statics and the
/// content's assets under `files/`, sorted by path. What `build` writes and `serve` serves.
pub fn site_files(loaded: &Loaded, theme: &Theme, config: &Config) -> Result<Vec<OutputFile>, ThemeError> {
    let mut files = render::render_site(&loaded.archive, theme, config)?;
    add_assets(loaded, &mut files);
    Ok(files)
}

/// [`site_files`], re-rendering only what `inc` says changed (see
/// [`render::render_site_incremental`]).
pub fn site_files_incremental(
    loaded: &Loaded,
    theme: &Theme,
    config: &Config,
    inc: &render::Incremental<'_>,
) -> Result<Vec<OutputFile>, ThemeError> {
    let mut files = render::render_site_incremental(&loaded.archive, theme, config, inc)?;
    add_assets(loaded, &mut files);
    Ok(files)
}

/// Content assets go under `files/`; then everything is sorted by path.
fn add_assets(loaded: &Loaded, files: &mut Vec<OutputFile>) {
    files.extend(loaded.assets.iter().map(asset_file));
    files.sort_by(|a, b| a.path.cmp(&b.path));
}

/// Where a file beside the postmortems is published: `files/<its path in content/>`.
fn asset_file(a: &Found) -> OutputFile {
    OutputFile::copy(format!("{FILES_DIR}/{}", a.rel), a.abs.clone())
}

/// `p` made absolute against the working folder, `.` and `..` removed lexically.
pub fn absolute(p: &Path) -> std::io::Result<PathBuf> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    };
    // Normalise `.`/`..` lexically: the output folder may not exist yet.
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A large archive holds its texts compressed, a small one plain; nothing else differs,
    /// a moved link included.
    #[test]
    fn a_postmortem_loads_the_same_with_its_texts_compressed_or_not() {
        let config = Config::default();
        let cx = Context {
            config: &config,
            today: jiff::civil::date(2026, 1, 1),
        };
        let found = Found {
            rel: "2023/db.md".into(),
            abs: "/nonexistent/2023/db.md".into(),
        };
        let md = "---\ntitle: DB failover\n---\n# DB failover\n\n**Duration:** 2 hours\n\n\
                  See [the earlier one](old.md) and <b>bold</b> text.\n";
        let load = |compress| {
            let (pm, diags) = load_bytes(&found, md.as_bytes(), &cx, Texts::Held(compress));
            let mut pm = pm.unwrap();
            assert_eq!(
                matches!(pm.body_html, HeldText::Lz4(_)),
                compress,
                "{:?}",
                pm.body_html
            );
            apply_link_moves(&mut pm, &[("href=\"../old/".into(), "href=\"../new/".into())]);
            assert!(pm.body_html.text().contains("href=\"../new/"));
            assert_eq!(matches!(pm.body_html, HeldText::Lz4(_)), compress);
            (serde_json::to_value(&pm).unwrap(), format!("{diags:?}"))
        };
        assert_eq!(load(true), load(false));
    }

    /// `check` relies on seeing every postmortem file once, in the listing's order, with
    /// `None` for one that does not parse, and on seeing it as `load` parses it; it gets
    /// the archive `load` gives, without the texts.
    #[test]
    fn load_records_shows_each_parsed_document_once_in_listing_order() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        };
        let (a, b): (&[u8], &[u8]) = (b"# Ay\n\n## Fix\n", b"# Bee\n\nSee [a](a.md#fix).\n");
        write("b.md", b);
        write("a.md", a);
        write("sub/c.md", b"# Sea\0binary\n");
        let config = Config::default();
        let opts = LoadOptions {
            config: &config,
            include_drafts: false,
            today: jiff::civil::date(2026, 1, 1),
        };
        let (loaded, seen) = load_records(dir.path(), &opts, &|doc, bytes| {
            (doc.path.clone(), doc.markdown.links.len(), bytes.len())
        })
        .unwrap();
        assert_eq!(
            seen,
            vec![
                ("a.md".to_string(), Some(("a.md".to_string(), 0, a.len()))),
                ("b.md".to_string(), Some(("b.md".to_string(), 1, b.len()))),
                ("sub/c.md".to_string(), None),
            ]
        );
        // The same archive and diagnostics as `load`, less the texts.
        let full = load(dir.path(), &opts).unwrap();
        assert_eq!(loaded.archive.len(), 2);
        assert_eq!(
            format!("{:?}", loaded.diagnostics),
            format!("{:?}", full.diagnostics)
        );
        for (records, full) in loaded.archive.postmortems.iter().zip(&full.archive.postmortems) {
            assert!(records.body_html.text().is_empty() && records.plain_text.text().is_empty());
            assert!(!full.body_html.text().is_empty() && !full.plain_text.text().is_empty());
            assert_eq!(
                serde_json::to_value(&records.record).unwrap(),
                serde_json::to_value(&full.record).unwrap()
            );
            assert_eq!((&records.slug, &records.title), (&full.slug, &full.title));
        }
        assert!(loaded.diagnostics.iter().any(|d| d.path == "sub/c.md"));
    }

    #[test]
    fn relative_links_point_into_files_or_at_pages() {
        assert_eq!(
            rewrite_link("2023", "img/graph.png").as_deref(),
            Some("../../files/2023/img/graph.png")
        );
        assert_eq!(
            rewrite_link("2023", "../shared/x.pdf#page=2").as_deref(),
            Some("../../files/shared/x.pdf#page=2")
        );
        assert_eq!(
            rewrite_link("", "other-incident.md#timeline").as_deref(),
            Some("../other-incident/#timeline")
        );
        assert_eq!(rewrite_link("", "../../etc/passwd"), None);
        for keep in [
            "https://x.example/a.png",
            "#anchor",
            "/abs.png",
            "mailto:a@b.c",
            "javascript:alert(1)",
        ] {
            assert_eq!(rewrite_link("a", keep), None, "{keep}");
        }
    }

    #[test]
    fn unsluggable_names_get_a_stable_fallback() {
        assert_eq!(
            fallback_slug("שגיאה", "שגיאה.md"),
            fallback_slug("שגיאה", "שגיאה.md")
        );
        assert!(fallback_slug("שגיאה", "שגיאה.md").starts_with("incident-"));
    }
}

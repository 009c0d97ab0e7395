//! Serve: a local preview of the site that rebuilds and reloads as files change.
//!
//! Wires the parts together: [`rebuild`] (incremental site builds), [`snapshot`] (the
//! built site in memory), [`server`] (HTTP), [`reload`] (telling pages), [`overlay`]
//! (showing what is broken) and [`watch`] (noticing changes). The site is kept in memory, not
//! written to a folder: a rebuild swaps one pointer, so a request never sees half a site, and
//! nothing on disk needs cleaning up. Nothing here prints: progress goes to the caller as
//! [`Event`]s.

pub mod overlay;
pub mod rebuild;
pub mod reload;
pub mod search_api;
pub mod server;
pub mod snapshot;
pub mod watch;

use rebuild::{Changes, Outcome, Preview, Rebuilder, Report, Sources};
use snapshot::Snapshot;
use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the first build failed: {0}")]
    FirstBuild(String),
    #[error("the output folder {output} is inside the content folder {content}; pick another --output")]
    OutputInsideContent { output: PathBuf, content: PathBuf },
    #[error("cannot watch for changes: {0}")]
    Watch(#[from] notify::Error),
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// What happened, for the caller to show.
#[derive(Debug)]
pub enum Event {
    /// A rebuild finished; `problems` is what the overlay shows (empty when none).
    Rebuilt {
        report: Report,
        problems: overlay::Problems,
    },
    /// A rebuild failed; the previous site stays up under the overlay.
    Failed { message: String, report: Report },
    /// Just-saved postmortems' pages were published ahead of the rebuild (their open
    /// pages reload now); a `Rebuilt` or `Failed` for the rest of the site follows.
    Previewed {
        pages: Vec<String>,
        elapsed: std::time::Duration,
    },
}

/// A bound server with its first build done, not yet answering.
pub struct Serve {
    listener: TcpListener,
    rebuilder: Rebuilder,
    first: Arc<Snapshot>,
    first_report: Report,
    first_problems: overlay::Problems,
    generations: Generations,
}

impl Serve {
    /// Bind `addr` (port 0 picks a free port) and build the site once. Unless the sources
    /// name a `base_url`, the site's is the server's own address.
    pub fn bind(addr: SocketAddr, mut sources: Sources) -> Result<Serve, ServeError> {
        if let Some(out) = &sources.output {
            if let (Ok(o), Ok(c)) = (
                crate::site::absolute(out),
                crate::site::absolute(&sources.content),
            ) {
                if o.starts_with(&c) {
                    return Err(ServeError::OutputInsideContent {
                        output: out.clone(),
                        content: sources.content.clone(),
                    });
                }
            }
        }
        let listener = TcpListener::bind(addr).map_err(|source| ServeError::Bind { addr, source })?;
        let local = listener.local_addr()?;
        if sources.base_url.is_none() {
            sources.base_url = Some(format!("http://{local}/"));
        }
        let mut rebuilder = Rebuilder::new(sources);
        let Outcome {
            files,
            problems,
            report,
            ..
        } = rebuilder.rebuild(Changes::default());
        let Some(files) = files else {
            return Err(ServeError::FirstBuild(problems.fatal.unwrap_or_default()));
        };
        let mut generations = Generations::new();
        let first = Arc::new(Snapshot::new(
            generations.next(),
            files,
            &rebuilder.served_roots(),
            problems.html(),
        ));
        Ok(Serve {
            listener,
            rebuilder,
            first,
            first_report: report,
            first_problems: problems,
            generations,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// The first build's numbers and diagnostics.
    pub fn first_report(&self) -> &Report {
        &self.first_report
    }

    pub fn first_problems(&self) -> &overlay::Problems {
        &self.first_problems
    }

    /// Serve until `shutdown` completes, rebuilding on changes and calling `on_event` after
    /// each rebuild (from the rebuild thread). Blocks; runs its own async runtime.
    pub fn run<F, E>(self, shutdown: F, on_event: E) -> Result<(), ServeError>
    where
        F: Future<Output = ()> + Send + 'static,
        E: FnMut(Event) + Send + 'static,
    {
        let Serve {
            listener,
            rebuilder,
            first,
            mut generations,
            ..
        } = self;
        let (site_tx, site_rx) = tokio::sync::watch::channel(first);
        let (shutdown_tx, shutdown_rx) = tokio::sync::watch::channel(false);

        let config = rebuilder.config();
        let sources = rebuilder.sources();
        let sources_for_search = &sources.clone();
        let watched = watch::Watched::new(
            &sources.content,
            config.and_then(|c| c.theme.as_deref()),
            &sources.config,
        );
        let watcher = watch::Watcher::start(watched)?;
        let rebuild_thread = std::thread::Builder::new()
            .name("incidex-rebuild".into())
            .spawn(move || rebuild_loop(rebuilder, watcher, &mut generations, site_tx, on_event))?;

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("incidex-serve")
            .build()?;
        let state = server::AppState {
            site: site_rx,
            shutdown: shutdown_rx,
            search: Arc::new(search_api::SearchApi::new(sources_for_search)),
        };
        let result = runtime.block_on(async move {
            listener.set_nonblocking(true)?;
            let listener = tokio::net::TcpListener::from_std(listener)?;
            let (fired_tx, fired_rx) = tokio::sync::oneshot::channel::<()>();
            let signal = async move {
                shutdown.await;
                let _ = shutdown_tx.send(true);
                let _ = fired_tx.send(());
            };
            let serving = axum::serve(listener, server::router(state)).with_graceful_shutdown(signal);
            // Graceful, but bounded: a client that never lets go does not keep us up.
            let deadline = async {
                if fired_rx.await.is_ok() {
                    tokio::time::sleep(Duration::from_secs(3)).await;
                } else {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                r = serving => r,
                _ = deadline => Ok(()),
            }
        });
        runtime.shutdown_timeout(Duration::from_millis(200));
        // The rebuild thread notices the server is gone within a fraction of a second; it is
        // not joined, so a long rebuild in progress does not delay exit.
        drop(rebuild_thread);
        Ok(result?)
    }
}

fn rebuild_loop<E: FnMut(Event)>(
    mut rebuilder: Rebuilder,
    mut watcher: watch::Watcher,
    generations: &mut Generations,
    site: tokio::sync::watch::Sender<Arc<Snapshot>>,
    mut on_event: E,
) {
    while let Some(c) = watcher.next(|| site.is_closed()) {
        // The saved page first, when it can be rendered alone (see `Rebuilder::preview`).
        if let Some(Preview {
            pages,
            problems,
            elapsed,
        }) = rebuilder.preview(&c)
        {
            let paths = pages.iter().map(|p| p.path.clone()).collect();
            let snap = site
                .borrow()
                .with_pages(generations.next(), pages, problems.html());
            site.send_replace(Arc::new(snap));
            on_event(Event::Previewed {
                pages: paths,
                elapsed,
            });
        }
        let old_theme = rebuilder.config().and_then(|cfg| cfg.theme.clone());
        let Outcome {
            files,
            reused,
            problems,
            report,
        } = rebuilder.rebuild(c);
        let new_theme = rebuilder.config().and_then(|cfg| cfg.theme.clone());
        if new_theme != old_theme {
            // A config edit pointed at another theme folder: watch that one instead.
            watcher.set_theme(new_theme.as_deref());
        }
        let generation = generations.next();
        let overlay = problems.html();
        let event = match files {
            Some(files) => {
                let started = std::time::Instant::now();
                let previous = site.borrow().clone();
                let snap = Snapshot::reusing(
                    generation,
                    files,
                    Some(&previous),
                    &reused,
                    &rebuilder.served_roots(),
                    overlay,
                );
                site.send_replace(Arc::new(snap));
                let mut report = report;
                report.phases.push(("publish", started.elapsed()));
                report.elapsed += started.elapsed();
                Event::Rebuilt { report, problems }
            }
            None => {
                let message = problems.fatal.clone().unwrap_or_default();
                // Same pages, new overlay: rebuild the snapshot around the current files.
                let relabelled = site.borrow().relabel(generation, overlay);
                site.send_replace(Arc::new(relabelled));
                Event::Failed { message, report }
            }
        };
        on_event(event);
    }
}

/// Generation labels: the start time (so a page from a previous run reloads too) and a
/// counter.
struct Generations {
    start: u128,
    n: u64,
}

impl Generations {
    fn new() -> Self {
        Generations {
            start: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or(0),
            n: 0,
        }
    }

    fn next(&mut self) -> String {
        self.n += 1;
        format!("{}-{}", self.start, self.n)
    }
}

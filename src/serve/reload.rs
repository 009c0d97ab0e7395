//! Reload: tells open pages that the site changed, over Server-Sent Events.
//!
//! Owns the event stream (`/__incidex/events`), the small client script
//! (`/__incidex/reload.js`) and the tag that loads it, which `serve::server` adds to HTML
//! responses. Nothing here touches the built site: `incidex build` output never contains the
//! script, because injection only happens when incidex itself answers a request.
//!
//! Protocol: a page opens `/__incidex/events?page=<its path>`. On connect the server sends
//! `hello` with that page's current version (`Snapshot::version_of_request`: a hash of what
//! is served there and of the overlay); after a rebuild it sends `reload` with the new
//! version, only when it changed. The page knows the version it was served with (a
//! `data-generation` attribute) and reloads when it sees a different one, so a rebuild that
//! lands between page load and connect is not missed, and a rebuild that leaves the page
//! alone (or a second publish of the same bytes: `serve` publishes a just-saved page first
//! and the rest of the site after) does not reload it. Without `page`, the version is the
//! build's generation: one `reload` per rebuild.

use super::snapshot::Snapshot;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::watch;

/// URL prefix reserved for the server's own endpoints; no site file lives there.
pub const PREFIX: &str = "/__incidex";
pub const EVENTS_PATH: &str = "/__incidex/events";
pub const SCRIPT_PATH: &str = "/__incidex/reload.js";

/// The client: reconnects on its own (EventSource does), reloads on a new generation,
/// and lets the reader dismiss the overlay. No content ever reaches it.
pub const SCRIPT: &str = r#"(function () {
  "use strict";
  var me = document.currentScript;
  var served = me ? me.getAttribute("data-generation") : null;
  var close = document.getElementById("incidex-overlay-close");
  if (close) {
    close.addEventListener("click", function () {
      var o = document.getElementById("incidex-overlay");
      if (o) { o.remove(); }
    });
  }
  if (!window.EventSource) { return; }
  var es = new EventSource("/__incidex/events?page=" + encodeURIComponent(window.location.pathname));
  function check(e) {
    if (served !== null && e.data !== served) { es.close(); window.location.reload(); }
  }
  es.addEventListener("hello", check);
  es.addEventListener("reload", check);
})();
"#;

/// The tag added before `</body>` of every HTML response in serve mode.
pub fn script_tag(generation: &str) -> String {
    // The generation is ours (digits and a dash), but escape it anyway: it sits in HTML.
    format!(
        "<script src=\"{SCRIPT_PATH}\" data-generation=\"{}\"></script>",
        tera::escape_html(generation)
    )
}

/// The SSE response for one client: `hello`, then a `reload` each time the version of
/// `page` changes (every new snapshot when `page` is `None`), ending when the server shuts
/// down (so graceful shutdown is not held open by idle pages).
pub fn events(
    mut site: watch::Receiver<Arc<Snapshot>>,
    shutdown: watch::Receiver<bool>,
    page: Option<String>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let version = move |snap: &Snapshot| match &page {
        Some(p) => snap.version_of_request(p),
        None => snap.generation.clone(),
    };
    let hello = version(&site.borrow_and_update());
    let first = stream::once({
        let hello = hello.clone();
        async move { Ok(Event::default().event("hello").data(hello)) }
    });
    let updates = stream::unfold(
        (site, shutdown, hello),
        move |(mut site, mut shutdown, mut last)| {
            let version = version.clone();
            async move {
                loop {
                    if *shutdown.borrow() {
                        return None;
                    }
                    tokio::select! {
                        changed = site.changed() => {
                            changed.ok()?;
                            let now = version(&site.borrow_and_update());
                            if now != last {
                                last = now.clone();
                                let event = Event::default().event("reload").data(now);
                                return Some((Ok(event), (site, shutdown, last)));
                            }
                        }
                        _ = shutdown.changed() => return None,
                    }
                }
            }
        },
    );
    Sse::new(futures_util::StreamExt::chain(first, updates)).keep_alive(KeepAlive::default())
}

/// Insert `extra` before the last `</body>` (or at the end when there is none).
pub fn inject(html: &[u8], extra: &str) -> Vec<u8> {
    let at = rfind_ascii_case_insensitive(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// Insert `extra` right after the opening `<head>` tag, so what it declares is known to
/// every script of the head (the search page's runs there); before the last `</body>` when
/// the page has no head tag.
pub fn inject_head(html: &[u8], extra: &str) -> Vec<u8> {
    let open = (0..html.len()).find(|&i| {
        html.len() - i > 5
            && html[i..i + 5].eq_ignore_ascii_case(b"<head")
            && matches!(html[i + 5], b'>' | b' ' | b'\t' | b'\n' | b'\r')
    });
    let Some(at) = open.and_then(|i| html[i..].iter().position(|&b| b == b'>').map(|p| i + p + 1)) else {
        return inject(html, extra);
    };
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ascii_case_insensitive(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_close() {
        let out = inject(b"<html><body><p>x</p></BODY></html>", "<s>");
        assert_eq!(out, b"<html><body><p>x</p><s></BODY></html>");
        assert_eq!(inject(b"<p>fragment</p>", "<s>"), b"<p>fragment</p><s>");
        assert_eq!(inject(b"", "<s>"), b"<s>");
    }

    #[test]
    fn injects_into_head_after_its_opening_tag() {
        assert_eq!(
            inject_head(
                b"<!doctype html><HTML><Head lang=x><title>t</title></head><body></body>",
                "<m>"
            ),
            b"<!doctype html><HTML><Head lang=x><m><title>t</title></head><body></body>"
        );
        // `<header>` is not a head; no head at all: before the body's end.
        assert_eq!(
            inject_head(b"<body><header>h</header></body>", "<m>"),
            b"<body><header>h</header><m></body>"
        );
        assert_eq!(inject_head(b"<head", "<m>"), b"<head<m>");
    }

    #[test]
    fn script_tag_escapes_its_attribute() {
        assert_eq!(
            script_tag("1-2\"><x"),
            "<script src=\"/__incidex/reload.js\" data-generation=\"1-2&quot;&gt;&lt;x\"></script>"
        );
    }
}

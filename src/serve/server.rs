//! Server: the HTTP side of `serve`: the axum router and the handler that answers from the
//! current [`Snapshot`].
//!
//! Owns routes, status codes and headers: content types, `ETag`/`If-None-Match` → 304,
//! HEAD, the theme's 404 page, gzip (tower-http, negotiated per request), and adding the
//! reload script and overlay to HTML responses. Which paths may be served at all is decided
//! by `snapshot::resolve`; this module never builds a file-system path from a URL.

use super::reload;
use super::snapshot::{fnv1a, Entry, Resolved, Snapshot};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use tokio::sync::watch;
use tower_http::compression::CompressionLayer;

/// What every handler can reach. To add an endpoint that needs more (a search index, say),
/// add a field here and fill it where `serve::Serve::run` builds the state.
#[derive(Clone)]
pub struct AppState {
    /// The site being served; replaced whole by each rebuild.
    pub site: watch::Receiver<Arc<Snapshot>>,
    /// Flips to `true` on shutdown, ending event streams.
    pub shutdown: watch::Receiver<bool>,
    /// `/api/search`: the tantivy index over the same content.
    pub search: Arc<super::search_api::SearchApi>,
}

/// All routes. Endpoints go before the fallback, which serves the site.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(reload::EVENTS_PATH, get(events))
        .route(reload::SCRIPT_PATH, get(script))
        .route(super::search_api::PATH, get(search))
        .fallback(site_file)
        .with_state(state)
        .layer(CompressionLayer::new())
}

/// `GET /__incidex/events?page=/path/`: reload events for the page at that path (without
/// `page`: one per rebuild).
async fn events(
    State(state): State<AppState>,
    axum::extract::Query(params): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> impl IntoResponse {
    reload::events(
        state.site.clone(),
        state.shutdown.clone(),
        params.get("page").cloned(),
    )
}

/// `GET /api/search?q=&category=&service=&severity=&year=&since=&until=&sort=&limit=`.
async fn search(
    State(state): State<AppState>,
    axum::extract::Query(params): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let json = |status: StatusCode, body: String| {
        (
            status,
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response()
    };
    let error =
        |status: StatusCode, msg: String| json(status, serde_json::json!({ "error": msg }).to_string());
    let req = match super::search_api::request(&params) {
        Ok(r) => r,
        Err(bad) => return error(StatusCode::BAD_REQUEST, bad.0),
    };
    let generation = state.site.borrow().generation.clone();
    let api = state.search.clone();
    match tokio::task::spawn_blocking(move || api.search(&generation, &req)).await {
        Ok(Ok(answer)) => match serde_json::to_string(&answer) {
            Ok(body) => json(StatusCode::OK, body),
            Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        },
        Ok(Err(msg)) => error(StatusCode::INTERNAL_SERVER_ERROR, msg),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        reload::SCRIPT,
    )
}

/// Answer a request for a file of the site.
async fn site_file(State(state): State<AppState>, method: Method, uri: Uri, headers: HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "method not allowed\n",
        )
            .into_response();
    }
    let head = method == Method::HEAD;
    let site = state.site.borrow().clone();
    let resolved = snapshot_resolve(&site, uri.path());
    let path = match resolved {
        Resolved::File(p) => p,
        Resolved::AddSlash(to) => {
            return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to)]).into_response();
        }
        Resolved::NotFound => return not_found(&site, head),
    };
    match site.get(&path) {
        Some(Entry::Memory { bytes, etag }) => {
            let hash = Entry::memory_etag(bytes, etag);
            let is_html = path.ends_with(".html");
            // HTML carries the page's version and the overlay, so its tag covers them too.
            let extras = page_extras(&site, &site.version(Some(&path)));
            let tag = if is_html {
                format!("W/\"{hash:016x}-{:016x}\"", fnv1a(extras.as_bytes()))
            } else {
                format!("W/\"{hash:016x}\"")
            };
            if not_modified(&headers, &tag) {
                return not_modified_response(&tag);
            }
            let body = if is_html {
                axum::body::Bytes::from(with_extras(bytes, &extras))
            } else {
                bytes.clone()
            };
            respond(StatusCode::OK, &path, Some(&tag), body, head)
        }
        Some(Entry::Disk(p)) => {
            let Some(real) = site.disk_path_allowed(p) else {
                return not_found(&site, head);
            };
            let Ok(meta) = tokio::fs::metadata(&real).await else {
                return not_found(&site, head);
            };
            let modified = meta
                .modified()
                .ok()
                .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            let tag = format!("W/\"{:x}-{modified:x}\"", meta.len());
            if not_modified(&headers, &tag) {
                return not_modified_response(&tag);
            }
            match tokio::fs::read(&real).await {
                Ok(bytes) => respond(StatusCode::OK, &path, Some(&tag), bytes.into(), head),
                Err(_) => not_found(&site, head),
            }
        }
        None => not_found(&site, head),
    }
}

fn snapshot_resolve(site: &Snapshot, raw: &str) -> Resolved {
    super::snapshot::resolve(raw, |p| site.get(p).is_some())
}

/// The reload script tag (with the page's `version`, see `Snapshot::version`) and the
/// overlay (when up), added to the end of every HTML page's body.
fn page_extras(site: &Snapshot, version: &str) -> String {
    let mut s = site.overlay.clone().unwrap_or_default();
    s.push_str(&reload::script_tag(version));
    s
}

/// A served HTML page: the search API's tag first in the head, so the search page's
/// script (inline in the head) asks `/api/search` from its first query and never fetches
/// the static index; `extras` at the end of the body.
fn with_extras(html: &[u8], extras: &str) -> Vec<u8> {
    let page = reload::inject_head(html, super::search_api::META_TAG);
    reload::inject(&page, extras)
}

fn not_modified(headers: &HeaderMap, tag: &str) -> bool {
    let Some(v) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    // Weak comparison (RFC 9110 §13.1.2): `W/` prefixes are ignored on both sides.
    let bare = tag.trim_start_matches("W/");
    v.split(',')
        .map(str::trim)
        .any(|t| t == "*" || t.trim_start_matches("W/") == bare)
}

fn not_modified_response(tag: &str) -> Response {
    let mut r = StatusCode::NOT_MODIFIED.into_response();
    if let Ok(v) = HeaderValue::from_str(tag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

/// The theme's 404 page (with the reload script, so it turns into the page once that
/// exists), or a plain one if the theme has none.
fn not_found(site: &Snapshot, head: bool) -> Response {
    match site.get("404.html") {
        Some(Entry::Memory { bytes, .. }) => {
            let body = with_extras(bytes, &page_extras(site, &site.version(None)));
            respond(StatusCode::NOT_FOUND, "404.html", None, body.into(), head)
        }
        _ => respond(
            StatusCode::NOT_FOUND,
            "404.txt",
            None,
            axum::body::Bytes::from_static(b"404 not found\n"),
            head,
        ),
    }
}

fn respond(
    status: StatusCode,
    path: &str,
    tag: Option<&str>,
    body: axum::body::Bytes,
    head: bool,
) -> Response {
    let len = body.len();
    let mut r = if head {
        Response::new(Body::empty())
    } else {
        Response::new(Body::from(body))
    };
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, content_type(path));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    // Always revalidate: an edit must show on the next load; the ETag keeps that cheap.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Some(v) = tag.and_then(|t| HeaderValue::from_str(t).ok()) {
        h.insert(header::ETAG, v);
    }
    r
}

fn content_type(path: &str) -> HeaderValue {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let s = if mime.type_() == mime_guess::mime::TEXT
        || mime == mime_guess::mime::APPLICATION_JAVASCRIPT
        || mime == mime_guess::mime::APPLICATION_JSON
        || mime.essence_str() == "image/svg+xml"
        || mime.essence_str() == "application/xml"
    {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    };
    HeaderValue::from_str(&s).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("static/style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("files/x.png"), "image/png");
        assert_eq!(content_type("search.json"), "application/json; charset=utf-8");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists() {
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", W/\"abc\""),
        );
        assert!(not_modified(&h, "W/\"abc\""));
        assert!(!not_modified(&h, "W/\"abd\""));
        assert!(!not_modified(&HeaderMap::new(), "W/\"abc\""));
    }
}

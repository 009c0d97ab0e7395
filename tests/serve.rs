//! `incidex serve` end to end: a real server on an ephemeral port over a temp copy of
//! tests/fixtures/serve, spoken to with raw HTTP/1.1 (clients normalise paths, and the
//! traversal tests need the bytes sent exactly). Every wait is bounded.

use incidex::serve::rebuild::Sources;
use incidex::serve::{Event, Serve};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

struct Running {
    addr: SocketAddr,
    dir: tempfile::TempDir,
    /// Where serve keeps its search index (removed with the test).
    index: PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    events: mpsc::Receiver<String>,
}

impl Running {
    fn content(&self) -> PathBuf {
        self.dir.path().join("site/content")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        // With no output folder, serve keeps its search index in the system's temporary
        // folder, named after the content folder: each test's content folder is new, so
        // its index would stay behind.
        if let Some(folder) = self.index.parent() {
            let _ = std::fs::remove_dir_all(folder);
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Start a server over a fresh copy of the fixture; `prepare` may change the copy first.
fn start_with(prepare: impl FnOnce(&Path)) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve"),
        &site,
    );
    prepare(dir.path());
    let sources = Sources {
        content: site.join("content"),
        config: site.join("incidex.yaml"),
        config_required: false,
        include_drafts: false,
        today: jiff::civil::date(2025, 1, 1),
        base_url: None,
        output: None,
    };
    let index = incidex::serve::search_api::index_dir(&sources);
    let serve = Serve::bind("127.0.0.1:0".parse().unwrap(), sources).unwrap();
    let addr = serve.local_addr();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let (ev_tx, events) = mpsc::channel();
    let thread = std::thread::spawn(move || {
        serve
            .run(
                async {
                    let _ = stop_rx.await;
                },
                move |e| {
                    let line = match e {
                        Event::Rebuilt { report, problems } => {
                            format!(
                                "rebuilt {} reparsed, {} problems",
                                report.reparsed,
                                problems.errors.len()
                            )
                        }
                        Event::Failed { message, .. } => format!("failed {message}"),
                        Event::Previewed { pages, .. } => format!("previewed {}", pages.join(" ")),
                    };
                    let _ = ev_tx.send(line);
                },
            )
            .unwrap();
    });
    Running {
        addr,
        dir,
        index,
        stop: Some(stop_tx),
        thread: Some(thread),
        events,
    }
}

fn start() -> Running {
    start_with(|_| {})
}

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One request, sent byte for byte as given, `Connection: close`, read to the end.
fn raw(addr: SocketAddr, method: &str, target: &str, extra: &[(&str, &str)]) -> Resp {
    let mut s = TcpStream::connect_timeout(&addr, WAIT).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    let mut req = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in extra {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Resp {
        status,
        headers,
        body: body.to_string(),
    }
}

fn get(addr: SocketAddr, path: &str) -> Resp {
    raw(addr, "GET", path, &[])
}

/// An open `/__incidex/events` stream.
struct Events {
    reader: BufReader<TcpStream>,
    seen: String,
}

impl Events {
    /// Events for every rebuild.
    fn open(addr: SocketAddr) -> Events {
        Events::open_target(addr, "/__incidex/events")
    }

    /// Events as the page at `page` subscribes to them: a reload only when it changed.
    fn open_page(addr: SocketAddr, page: &str) -> Events {
        Events::open_target(addr, &format!("/__incidex/events?page={page}"))
    }

    fn open_target(addr: SocketAddr, target: &str) -> Events {
        let mut s = TcpStream::connect_timeout(&addr, WAIT).unwrap();
        s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        write!(s, "GET {target} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        let mut e = Events {
            reader: BufReader::new(s),
            seen: String::new(),
        };
        e.wait_for("event: hello");
        e
    }

    /// Read until `needle` appears (after what was already consumed); panics after WAIT.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(i) = self.seen.find(needle) {
                let rest = self.seen.split_off(i + needle.len());
                let upto = std::mem::replace(&mut self.seen, rest);
                return upto;
            }
            assert!(
                Instant::now() < deadline,
                "no {needle:?} within {WAIT:?}; got {:?}",
                self.seen
            );
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => panic!("event stream closed; got {:?}", self.seen),
                Ok(_) => self.seen.push_str(&line),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("{e}"),
            }
        }
    }
}

impl Events {
    /// Assert that no `needle` arrives for `quiet`.
    fn assert_no(&mut self, needle: &str, quiet: Duration) {
        let until = Instant::now() + quiet;
        while Instant::now() < until {
            let mut line = String::new();
            if let Ok(n) = self.reader.read_line(&mut line) {
                assert!(n > 0, "event stream closed");
                self.seen.push_str(&line);
            }
            assert!(
                !self.seen.contains(needle),
                "unexpected {needle:?}: {:?}",
                self.seen
            );
        }
    }

    /// Wait for reload events until `done` holds (a rebuild may take more than one event).
    fn reload_until(&mut self, what: &str, done: impl Fn() -> bool) {
        let deadline = Instant::now() + WAIT;
        loop {
            self.wait_for("event: reload");
            if done() {
                return;
            }
            assert!(Instant::now() < deadline, "reloaded but never saw: {what}");
        }
    }
}

const DNS: &str = "2024/2024-05-17-dns-expiry.md";
const DNS_PAGE: &str = "/incidents/2024-05-17-dns-expiry/";

#[test]
fn pages_and_assets_are_served_with_their_types() {
    let s = start();
    let home = get(s.addr, "/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(
        home.body.contains("<script src=\"/__incidex/reload.js\""),
        "reload script injected"
    );
    let page = get(s.addr, DNS_PAGE);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Parcel tracking links failed to resolve"));
    let css = get(s.addr, "/static/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(!css.body.contains("__incidex"), "only HTML gets the script");
    let js = get(s.addr, "/static/table-sort.js");
    assert!(js.header("content-type").unwrap().contains("javascript"));
    let svg = get(s.addr, "/files/2024/img/depth.svg");
    assert_eq!(svg.status, 200);
    assert_eq!(svg.header("content-type"), Some("image/svg+xml; charset=utf-8"));
    assert!(svg.body.contains("<rect"));
    let script = get(s.addr, "/__incidex/reload.js");
    assert!(script.body.contains("EventSource"));
    // A folder without its slash is redirected, so the page's relative links work.
    let bare = get(s.addr, DNS_PAGE.trim_end_matches('/'));
    assert_eq!(bare.status, 301);
    assert_eq!(bare.header("location"), Some(DNS_PAGE));
    // gzip when asked for.
    let gz = raw(s.addr, "GET", "/incidents/", &[("Accept-Encoding", "gzip")]);
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(raw(s.addr, "POST", "/", &[("Content-Length", "0")]).status, 405);
}

#[test]
fn a_paged_list_is_served_and_loses_a_page_when_the_list_shrinks() {
    let s = start_with(|dir| std::fs::write(dir.join("site/incidex.yaml"), "paginate_by: 1\n").unwrap());
    let mut events = Events::open(s.addr);
    for page in ["/incidents/", "/incidents/page-2.html", "/incidents/page-3.html"] {
        let r = get(s.addr, page);
        assert_eq!(r.status, 200, "{page}");
        assert!(r.body.contains("<script src=\"/__incidex/reload.js\""), "{page}");
        assert!(r.body.contains("class=\"pager\""), "{page}");
    }
    assert!(get(s.addr, "/incidents/page-2.html")
        .body
        .contains("<a class=\"pager-prev\" rel=\"prev\" href=\"./\">"));
    // Two postmortems left: the third page goes, the second stays.
    std::fs::remove_file(s.content().join("2023-11-09-config-push.md")).unwrap();
    events.reload_until("the third page gone", || {
        get(s.addr, "/incidents/page-3.html").status == 404
    });
    assert_eq!(get(s.addr, "/incidents/page-2.html").status, 200);
}

#[test]
fn missing_pages_get_the_themes_404_page() {
    let s = start();
    for path in [
        "/no-such-page/",
        "/incidents/nope/",
        "/static/nope.css",
        "/__incidex/nope",
    ] {
        let r = get(s.addr, path);
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert!(r.body.contains("Page not found"), "{path}: {}", r.body);
    }
}

#[test]
fn head_has_get_headers_and_no_body() {
    let s = start();
    let g = get(s.addr, "/incidents/");
    let h = raw(s.addr, "HEAD", "/incidents/", &[]);
    assert_eq!(h.status, 200);
    assert_eq!(h.body, "");
    assert_eq!(
        h.header("content-length"),
        Some(g.body.len().to_string().as_str())
    );
    assert_eq!(h.header("content-type"), g.header("content-type"));
    assert_eq!(h.header("etag"), g.header("etag"));
    assert_eq!(raw(s.addr, "HEAD", "/missing", &[]).status, 404);
}

#[test]
fn etag_revalidation_answers_304() {
    let s = start();
    for path in ["/", "/static/style.css", "/files/2024/img/depth.svg"] {
        let first = get(s.addr, path);
        let tag = first.header("etag").expect("an ETag").to_string();
        let again = raw(s.addr, "GET", path, &[("If-None-Match", &tag)]);
        assert_eq!(again.status, 304, "{path}");
        assert_eq!(again.body, "");
        assert_eq!(again.header("etag"), Some(tag.as_str()));
        let other = raw(s.addr, "GET", path, &[("If-None-Match", "W/\"0000\"")]);
        assert_eq!(other.status, 200, "{path}");
    }
}

#[cfg(unix)]
#[test]
fn no_path_escapes_the_site() {
    const SECRET: &str = "SECRET-OUTSIDE-THE-SITE";
    let s = start_with(|root| {
        let outside = root.join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.txt"), SECRET).unwrap();
        std::fs::write(root.join("secret.txt"), SECRET).unwrap();
        let content = root.join("site/content");
        std::os::unix::fs::symlink(outside.join("secret.txt"), content.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(&outside, content.join("linked")).unwrap();
    });
    let variants = [
        "/../secret.txt",
        "/../../secret.txt",
        "/files/../../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/files/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt",
        "/%252e%252e/%252e%252e/secret.txt",
        "/files%252f..%252f..%252fsecret.txt",
        "/..\\..\\secret.txt",
        "/files\\..\\..\\..\\secret.txt",
        "/%5c..%5c..%5csecret.txt",
        "/..%5c..%5csecret.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/etc/passwd",
        "/index.html%00",
        "/%00/../secret.txt",
        "/./../secret.txt",
        "/files/leak.txt",
        "/files/linked/secret.txt",
        "/files/2024/../../../secret.txt",
    ];
    assert!(variants.len() >= 10);
    for v in variants {
        let r = get(s.addr, v);
        assert_eq!(r.status, 404, "{v}");
        assert!(!r.body.contains(SECRET), "{v} leaked");
    }
    // Absolute-form request targets (as proxies send them) are held to the same rule.
    let absolute = format!("http://{}/../secret.txt", s.addr);
    let r = get(s.addr, &absolute);
    assert_eq!(r.status, 404, "{absolute}");
    // A target that is no path at all is refused before it reaches the site.
    let r = get(s.addr, "../secret.txt");
    assert!(r.status == 400 || r.status == 404, "{}", r.status);
    assert!(!r.body.contains(SECRET));
}

#[test]
fn editing_a_file_rebuilds_and_reloads_with_the_new_text() {
    let s = start();
    let mut page_events = Events::open_page(s.addr, DNS_PAGE);
    let mut events = Events::open(s.addr);
    let path = s.content().join(DNS);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("Parcel tracking links failed", "Parcel tracking links went dark")
            .replace("title: \"Expired DNS", "title: \"Lapsed DNS"),
    )
    .unwrap();
    // The open page is told to reload as soon as its own page is rebuilt, and then shows
    // the new text.
    page_events.wait_for("event: reload");
    let page = get(s.addr, DNS_PAGE);
    assert!(
        page.body.contains("Parcel tracking links went dark"),
        "{}",
        page.body
    );
    // The saved page went out first, then the whole site; the file was read once.
    assert_eq!(
        s.events.recv_timeout(WAIT).unwrap(),
        "previewed incidents/2024-05-17-dns-expiry/index.html"
    );
    assert_eq!(
        s.events.recv_timeout(WAIT).unwrap(),
        "rebuilt 0 reparsed, 0 problems"
    );
    // The whole-site rebuild rendered the same page again: it does not reload twice.
    page_events.assert_no("event: reload", Duration::from_millis(300));
    assert_eq!(get(s.addr, DNS_PAGE).body, page.body);
    // Other pages (kept from the previous build, not re-rendered) are still there.
    let other = get(s.addr, "/incidents/2024-03-02-queue-backlog/");
    assert_eq!(other.status, 200);
    assert!(other.body.contains("worker pool was too small"));
    // Index pages are correct after the whole-site rebuild: the new title is listed.
    events.reload_until("the list page's new title", || {
        get(s.addr, "/incidents/").body.contains("Lapsed DNS delegation")
    });

    // A new file appears as a page; a removed one goes.
    let extra = s.content().join("2024-08-01-cache-stampede.md");
    std::fs::write(
        &extra,
        "# Cache stampede on the rate card service\n\nAll invented.\n",
    )
    .unwrap();
    events.reload_until("the new page", || {
        get(s.addr, "/incidents/2024-08-01-cache-stampede/").status == 200
    });
    std::fs::remove_file(&extra).unwrap();
    events.reload_until("the page gone", || {
        get(s.addr, "/incidents/2024-08-01-cache-stampede/").status == 404
    });
}

#[test]
fn a_broken_file_shows_an_overlay_until_it_is_fixed() {
    let s = start();
    assert!(!get(s.addr, "/").body.contains("incidex-overlay"));
    let mut events = Events::open(s.addr);
    let path = s.content().join(DNS);
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, good.replace("severity: SEV1", "severity: [SEV1")).unwrap();
    events.reload_until("the overlay", || {
        get(s.addr, "/").body.contains("incidex-overlay")
    });
    for page in ["/", "/incidents/"] {
        let body = get(s.addr, page).body;
        assert!(body.contains("id=\"incidex-overlay\""), "{page}: {body}");
        assert!(body.contains("2024-05-17-dns-expiry.md"), "{page}");
    }
    std::fs::write(&path, &good).unwrap();
    events.reload_until("the overlay gone", || {
        !get(s.addr, "/").body.contains("incidex-overlay")
    });
    let body = get(s.addr, "/").body;
    assert!(!body.contains("incidex-overlay"), "{body}");
}

#[test]
fn a_broken_config_keeps_the_last_site_up_under_the_overlay() {
    let s = start();
    let mut events = Events::open(s.addr);
    let config = s.dir.path().join("site/incidex.yaml");
    std::fs::write(&config, "title: [unclosed\n").unwrap();
    events.wait_for("event: reload");
    let home = get(s.addr, "/");
    assert_eq!(home.status, 200, "the last good site is still served");
    assert!(home.body.contains("rebuild failed"), "{}", home.body);
    std::fs::write(&config, "title: Larkspur Freight incidents\n").unwrap();
    events.wait_for("event: reload");
    let home = get(s.addr, "/");
    assert!(!home.body.contains("incidex-overlay"));
    assert!(home.body.contains("Larkspur Freight incidents"));
}

#[test]
fn build_output_never_contains_the_reload_script() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve/content");
    assert_cmd::Command::cargo_bin("incidex")
        .unwrap()
        .args(["build", "--content"])
        .arg(&fixture)
        .arg("--output")
        .arg(dir.path().join("public"))
        .assert()
        .success();
    for e in walkdir::WalkDir::new(dir.path().join("public")) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned();
            assert!(!text.contains("__incidex"), "{}", e.path().display());
        }
    }
}

#[cfg(unix)]
#[test]
fn the_command_prints_its_address_and_stops_on_ctrl_c() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve/content");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("incidex"))
        .args(["serve", "--port", "0", "--content"])
        .arg(&fixture)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let _ = tx.send(line.unwrap_or_default());
        }
    });
    let mut printed = Vec::new();
    let url = loop {
        let line = rx.recv_timeout(WAIT).expect("the server prints its URL");
        printed.push(line.clone());
        if let Some(at) = line.find("http://") {
            break line[at..].split_whitespace().next().unwrap().to_string();
        }
    };
    assert!(
        printed.iter().any(|l| l.starts_with("Built 3 postmortems")),
        "{printed:?}"
    );
    let addr: SocketAddr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    assert!(addr.ip().is_loopback(), "binds loopback by default");
    assert_eq!(get(addr, "/").status, 200);
    let _events = Events::open(addr); // an open page must not hold up shutdown
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("server did not stop on SIGINT");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn the_search_api_answers_from_tantivy_filters_and_refuses_bad_parameters() {
    let s = start();
    // The served search page is told to use the API, in its head before any script, so
    // the search script (inline in the head) knows it before starting the URL's query.
    let page = get(s.addr, "/search/");
    assert_eq!(page.status, 200);
    let meta = page
        .body
        .find("<meta name=\"incidex-search-api\" content=\"/api/search\">")
        .expect("API tag");
    let head_end = page.body.find("</head>").expect("a head");
    let first_script = page.body.find("<script").expect("the search script");
    assert!(meta < first_script && meta < head_end, "{}", page.body);

    let r = get(s.addr, "/api/search?q=worker+pool");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let urls: Vec<&str> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls.first(),
        Some(&"incidents/2024-03-02-queue-backlog/"),
        "{}",
        r.body
    );
    assert!(v["total"].as_u64().unwrap() >= 1);

    // A filter that excludes the match empties the result.
    let r = get(s.addr, "/api/search?q=worker+pool&since=2030-01-01");
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["total"], 0, "{}", r.body);

    for bad in [
        "/api/search",
        "/api/search?q=x&sort=loudest",
        "/api/search?q=x&limit=0",
        "/api/search?q=x&since=yesterday",
        "/api/search?q=x&nonsense=1",
    ] {
        let r = get(s.addr, bad);
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert!(!v["error"].as_str().unwrap().is_empty(), "{bad}");
    }

    // An edit is searchable after the rebuild.
    let mut events = Events::open(s.addr);
    let path = s.content().join(DNS);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\nThe zebracorn runbook was missing.\n")).unwrap();
    events.wait_for("event: reload");
    let r = get(s.addr, "/api/search?q=zebracorn");
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["total"], 1, "{}", r.body);
}

/// Four postmortems that mention a hailstorm and one that does not, spread over categories,
/// services, years and severities so facet counts tell filters apart.
fn add_hailstorm_postmortems(dir: &Path) {
    let content = dir.join("site/content/weather");
    std::fs::create_dir_all(&content).unwrap();
    let files = [
        (
            "a.md",
            "2022-04-01",
            "dns",
            "[tracking]",
            "SEV1",
            "A hailstorm knocked out the resolver rack.",
        ),
        (
            "b.md",
            "2023-06-02",
            "dns",
            "[tracking, billing]",
            "SEV2",
            "Resolver failover stalled during a hailstorm.",
        ),
        (
            "c.md",
            "2023-08-03",
            "capacity",
            "[billing]",
            "SEV2",
            "Hailstorm traffic spike exhausted billing workers.",
        ),
        (
            "d.md",
            "2024-07-04",
            "capacity",
            "[dispatch]",
            "SEV3",
            "Dispatch queues filled after the hailstorm.",
        ),
        (
            "e.md",
            "2023-09-05",
            "dns",
            "[billing]",
            "SEV1",
            "A zone file typo broke billing lookups.",
        ),
    ];
    for (name, day, category, services, severity, line) in files {
        let text = format!(
            "---\ntitle: \"Weather report {name}\"\nstart: {day}T10:00:00Z\nend: {day}T11:00:00Z\n\
             severity: {severity}\nservices: {services}\nroot_cause:\n  category: {category}\n---\n\n\
             # Weather report {name}\n\n## Summary\n\n{line}\n"
        );
        std::fs::write(content.join(name), text).unwrap();
    }
}

/// `/api/search?…` → the answer's facets as `kind → [(slug, count)]`, the zero counts left
/// out (the page hides them too), and the total.
fn facet_counts(
    addr: SocketAddr,
    query: &str,
) -> (u64, std::collections::BTreeMap<String, Vec<(String, u64)>>) {
    let r = get(addr, &format!("/api/search?{query}"));
    assert_eq!(r.status, 200, "{query}: {}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let facets = v["facets"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(kind, values)| {
            let values = values
                .as_array()
                .unwrap()
                .iter()
                .filter(|v| v[2].as_u64().unwrap() > 0)
                .map(|v| (v[0].as_str().unwrap().to_string(), v[2].as_u64().unwrap()))
                .collect();
            (kind.clone(), values)
        })
        .collect();
    (v["total"].as_u64().unwrap(), facets)
}

fn counts(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(s, c)| (s.to_string(), *c)).collect()
}

#[test]
fn the_search_api_counts_facets_over_matches_under_the_other_filters() {
    let s = start_with(add_hailstorm_postmortems);
    let (total, f) = facet_counts(s.addr, "q=hailstorm");
    assert_eq!(total, 4);
    // Categories and services are listed most common in the whole archive first (dns has
    // four postmortems there, capacity three), years newest first, severities by name.
    assert_eq!(f["category"], counts(&[("dns", 2), ("capacity", 2)]));
    assert_eq!(
        f["service"],
        counts(&[("billing", 2), ("tracking", 2), ("dispatch", 1)])
    );
    assert_eq!(f["year"], counts(&[("2024", 1), ("2023", 2), ("2022", 1)]));
    assert_eq!(f["severity"], counts(&[("sev1", 1), ("sev2", 2), ("sev3", 1)]));

    // A category filter narrows the other facets but not the category counts themselves.
    let (total, f) = facet_counts(s.addr, "q=hailstorm&category=dns");
    assert_eq!(total, 2);
    assert_eq!(f["category"], counts(&[("dns", 2), ("capacity", 2)]));
    assert_eq!(f["service"], counts(&[("billing", 1), ("tracking", 2)]));
    assert_eq!(f["year"], counts(&[("2023", 1), ("2022", 1)]));
    assert_eq!(f["severity"], counts(&[("sev1", 1), ("sev2", 1)]));

    // Two filters: each facet is counted under the other one.
    let (total, f) = facet_counts(s.addr, "q=hailstorm&category=dns&year=2023");
    assert_eq!(total, 1);
    assert_eq!(f["category"], counts(&[("dns", 1), ("capacity", 1)]));
    assert_eq!(f["year"], counts(&[("2023", 1), ("2022", 1)]));
    assert_eq!(f["service"], counts(&[("billing", 1), ("tracking", 1)]));
    assert_eq!(f["severity"], counts(&[("sev2", 1)]));

    // A value nobody has matches nothing, and still lets the page offer the real ones.
    let (total, f) = facet_counts(s.addr, "q=hailstorm&category=volcano");
    assert_eq!(total, 0);
    assert_eq!(f["category"], counts(&[("dns", 2), ("capacity", 2)]));
    assert!(f["service"].is_empty());

    // Every value of the archive is listed, unmatched ones with 0 (the static index's shape).
    let r = get(s.addr, "/api/search?q=hailstorm");
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let years: Vec<&str> = v["facets"]["year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y[0].as_str().unwrap())
        .collect();
    assert_eq!(years, ["2024", "2023", "2022"]);
    assert_eq!(v["facets"]["category"][0], serde_json::json!(["dns", "DNS", 2]));

    // Bad parameters are still refused.
    assert_eq!(get(s.addr, "/api/search?q=hailstorm&year=soon").status, 400);
}

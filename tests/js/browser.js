// Drives headless Chromium through chromedriver (W3C WebDriver over HTTP, no packages)
// against a site folder served by a tiny static server. Used by tests/search_browser.rs
// and bench/search.sh. Prints one JSON object.
//
//   node browser.js scenario SITE QUERY FACET VALUE   → titles before/after a facet click,
//        facets, and `order`: which of #search-results and #search-facets was filled first
//        (SITE: a folder, or the address of a running `incidex serve`)
//   node browser.js typed SITE QUERY                  → the search page opened without a
//        query; once loaded, QUERY typed key by key: index files fetched before typing,
//        the titles shown once the page settles, the URL's query
//   node browser.js sort SITE PAGE COLUMN             → a paged list's PAGE (`/incidents/`)
//        opened, the heading COLUMN ("Duration") clicked once: the titles shown, the status
//        line, whether the whole list or this page was sorted, `ms` from the click until
//        then (to the 25 ms the page is polled at), the list pages fetched; then
//        the sorted list's Next clicked: the titles shown and the page counter
//   node browser.js offline SITE                      → SITE opened from disk (file://) and
//        browsed by clicks: home, the menu's Incidents, the first incident in its table,
//        the site name; each page's title and address; then the menu link's href as the
//        test server serves the home page
//   node browser.js measure SITE QUERY...             → per query (cold browser profile):
//        the deep link `search/?q=QUERY`: ms from navigation start (the page's time
//        origin, before its HTML is requested) until the first results are in the document
//        (`ms`) and until the frame that paints them has been drawn (`painted`), bytes
//        transferred, requests, and `phases` (navigation and resource timing, see below)
//   node browser.js measure-warm SITE QUERY...        → as `measure`, but one browser for
//        all queries, as a reader's already-running browser: started, then for each query
//        about:blank and the deep link. The server sends `no-store`, so every visit fetches
//        the page, stylesheets, script and index again: a first visit, minus the cost of
//        creating a new browser profile that `measure` pays each time
//   node browser.js measure-ab SITE ROUNDS A,B QUERY... → paired deep links: SITE holds
//        built sites as folders A and B; one already-running browser (as measure-warm)
//        opens A/search/?q=QUERY then B/search/?q=QUERY for each query, the order reversed
//        every other round, so both see the same machine load; {A: [result…], B: […]} in
//        the same order (bench/search_ab.sh)
//   node browser.js measure-typed SITE QUERY...       → per query (cold browser profile):
//        the query entered into an already-loaded `search/` page: the page is opened, its
//        load event and whatever it fetches at load are waited for, then the query is put
//        into the search box with one `input` event (as a paste does); ms from that event
//        until the first results are in the document (`ms`) and painted (`painted`), bytes
//        of the whole visit (page load included), requests
"use strict";
const http = require("http");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");

const [mode, site, ...rest] = process.argv.slice(2);
// INCIDEX_TRACE=DIR: `measure` also writes Chromium's trace of each query to DIR/N.json
// (bench/search_trace.js reads it).
const TRACE = process.env.INCIDEX_TRACE;
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json" };

let served = [];
const server = http.createServer((req, res) => {
  let p = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (p.endsWith("/")) p += "index.html";
  const file = path.join(site, path.normalize(p).replace(/^(\.\.[/\\])+/, ""));
  fs.readFile(file, (err, body) => {
    if (err) { res.writeHead(404); res.end("not found"); served.push([p, 9]); return; }
    res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] || "application/octet-stream", "Cache-Control": "no-store" });
    res.end(body);
    served.push([p, body.length]);
  });
});

function request(port, method, url, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ host: "127.0.0.1", port, method, path: url, headers: data ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data) } : {} }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => {
        try {
          const v = JSON.parse(text).value;
          if (v && v.error) reject(new Error(v.error + ": " + v.message)); else resolve(v);
        } catch (e) { reject(new Error("bad webdriver answer: " + text.slice(0, 200))); }
      });
    });
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Run in the page after a measured query; times in ms from `arguments[0]` (0: navigation
// start; for a typed query, the input event). `phases`: the page's navigation timing
// (request sent, first and last byte of the HTML, DOM interactive, DOMContentLoaded, load,
// first paint) and, per file fetched, when it was requested and its last byte arrived.
const PHASES = `
  var t0 = arguments[0], r = function (x) { return x ? Math.round((x - t0) * 10) / 10 : null; };
  var mark = function (name) { var m = performance.getEntriesByName(name)[0]; return m ? m.startTime - t0 : null; };
  var nav = performance.getEntriesByType('navigation')[0], res = performance.getEntriesByType('resource');
  var paint = {};
  performance.getEntriesByType('paint').forEach(function (p) { paint[p.name] = r(p.startTime); });
  return {
    ms: mark('incidex-search-results'), painted: mark('incidex-search-painted'),
    browserBytes: nav.encodedBodySize + res.reduce(function (a, x) { return a + x.encodedBodySize; }, 0),
    results: document.querySelectorAll('#search-results li').length,
    marks: performance.getEntriesByType('mark').map(function (m) { return m.name + ' ' + r(m.startTime); }),
    phases: {
      requestStart: r(nav.requestStart), responseStart: r(nav.responseStart), responseEnd: r(nav.responseEnd),
      domInteractive: r(nav.domInteractive), dclStart: r(nav.domContentLoadedEventStart),
      dclEnd: r(nav.domContentLoadedEventEnd), loadEnd: r(nav.loadEventEnd),
      firstPaint: paint['first-paint'] || null, firstContentfulPaint: paint['first-contentful-paint'] || null,
      files: res.map(function (x) {
        return { name: x.name.replace(/^.*?\\/search\\//, '').replace(/^https?:\\/\\/[^\\/]*\\//, '/'), start: r(x.startTime),
          requestStart: r(x.requestStart), responseStart: r(x.responseStart), end: r(x.responseEnd) };
      })
    }
  };`;

async function main() {
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const sitePort = server.address().port;
  // SITE may be a running server's address (`incidex serve`) instead of a folder.
  const origin = /^https?:\/\//.test(site) ? site.replace(/\/$/, "") : "http://127.0.0.1:" + sitePort;
  const driverPort = 20000 + Math.floor(Math.random() * 20000);
  const driver = spawn(process.env.CHROMEDRIVER || "chromedriver", ["--port=" + driverPort], { stdio: "ignore" });
  const cleanup = () => { try { driver.kill(); } catch (e) {} server.close(); };
  try {
    for (let i = 0; ; i++) {
      try { const s = await request(driverPort, "GET", "/status"); if (s && s.ready) break; } catch (e) {}
      if (i > 100) throw new Error("chromedriver did not start");
      await sleep(100);
    }
    const session = async () => {
      const profile = fs.mkdtempSync(path.join(os.tmpdir(), "incidex-chromium-"));
      const s = await request(driverPort, "POST", "/session", {
        capabilities: { alwaysMatch: { browserName: "chrome", "goog:chromeOptions": {
          binary: process.env.CHROMIUM || "/usr/bin/chromium",
          args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync", "--user-data-dir=" + profile, "--disable-dev-shm-usage"],
          ...(TRACE ? { perfLoggingPrefs: { traceCategories: "devtools.timeline,blink.user_timing,loading,v8.execute" } } : {}) },
          ...(TRACE ? { "goog:loggingPrefs": { performance: "ALL" } } : {}) } },
      });
      const id = s.sessionId;
      const base = "/session/" + id;
      return {
        go: (url) => request(driverPort, "POST", base + "/url", { url: origin + url }),
        // Any URL as it is (a file:// page).
        open: (url) => request(driverPort, "POST", base + "/url", { url }),
        // Click the first element matching `css` as a reader would (WebDriver's element
        // click); false when there is none.
        click: async (css) => {
          const found = await request(driverPort, "POST", base + "/elements", { using: "css selector", value: css });
          if (!found.length) return false;
          await request(driverPort, "POST", base + "/element/" + Object.values(found[0])[0] + "/click", {});
          return true;
        },
        blank: () => request(driverPort, "POST", base + "/url", { url: "about:blank" }),
        type: async (css, text) => {
          const el = await request(driverPort, "POST", base + "/element", { using: "css selector", value: css });
          return request(driverPort, "POST", base + "/element/" + Object.values(el)[0] + "/value", { text });
        },
        js: (script, args) => request(driverPort, "POST", base + "/execute/sync", { script, args: args || [] }),
        // A script every page of this session runs before its own (Chromium's DevTools
        // protocol through chromedriver).
        before: (source) => request(driverPort, "POST", base + "/goog/cdp/execute", { cmd: "Page.addScriptToEvaluateOnNewDocument", params: { source } }),
        // The trace events Chromium recorded (INCIDEX_TRACE only).
        trace: async () => (await request(driverPort, "POST", base + "/se/log", { type: "performance" }))
          .map((e) => JSON.parse(e.message).message).filter((m) => m.method === "Tracing.dataCollected").map((m) => m.params),
        close: async () => { await request(driverPort, "DELETE", base); fs.rmSync(profile, { recursive: true, force: true }); },
      };
    };
    const waitDone = async (s, after) => {
      for (let i = 0; i < 200; i++) {
        const v = await s.js("return document.documentElement.getAttribute('data-search-done')");
        if (v !== null && v !== after) return v;
        await sleep(25);
      }
      throw new Error("search did not finish");
    };
    const titles = (s) => s.js("return Array.from(document.querySelectorAll('#search-results .result-title')).map(a => a.textContent)");

    const quiet = async (s) => {
      // Loaded and quiet: the load event has passed and no new request for 100 ms.
      for (let i = 0, seen = -1; i < 100; i++) {
        const n = await s.js("return document.readyState === 'complete' ? performance.getEntriesByType('resource').length : -1");
        if (n >= 0 && n === seen) return;
        seen = n;
        await sleep(100);
      }
    };
    if (mode === "typed") {
      const [query] = rest;
      const s = await session();
      await s.go("/search/");
      await quiet(s);
      const fetchedAtLoad = await s.js("return performance.getEntriesByType('resource').map(function (r) { return r.name.split('/search/')[1] || ''; }).filter(function (n) { return n.indexOf('index/') === 0; })");
      await s.type("#search-q", query);
      // Settled: the URL holds the whole query and the last search has been shown a while.
      let last = null;
      for (let i = 0, stable = 0; i < 200 && stable < 6; i++) {
        const now = await s.js("return new URLSearchParams(location.search).get('q') + ' ' + document.documentElement.getAttribute('data-search-done')");
        stable = now === last && now.indexOf(query + " ") === 0 && !/ null$/.test(now) ? stable + 1 : 0;
        last = now;
        await sleep(50);
      }
      const shown = await titles(s);
      const url = await s.js("return location.search");
      await s.close();
      console.log(JSON.stringify({ fetchedAtLoad, titles: shown, url }));
    } else if (mode === "scenario") {
      const [query, facet, value] = rest;
      const s = await session();
      // Which of the result list and the facets got their first content first.
      await s.before(`window.__incidexOrder = [];
        new MutationObserver(function (records) {
          records.forEach(function (r) {
            var id = r.target.id;
            if ((id === "search-results" || id === "search-facets") && r.addedNodes.length && __incidexOrder.indexOf(id) < 0) __incidexOrder.push(id);
          });
        }).observe(document, { childList: true, subtree: true });`);
      await s.go("/search/?q=" + encodeURIComponent(query));
      const first = await waitDone(s, null);
      const order = await s.js("return window.__incidexOrder");
      const before = await titles(s);
      const facets = await s.js("return Array.from(document.querySelectorAll('.facet-value')).map(b => b.getAttribute('data-facet') + '=' + b.getAttribute('data-value') + ' ' + b.querySelector('.count').textContent)");
      const clicked = await s.js("var b = document.querySelector('.facet-value[data-facet=\"' + arguments[0] + '\"][data-value=\"' + arguments[1] + '\"]'); if (!b) return false; b.click(); return true;", [facet, value]);
      if (clicked) await waitDone(s, first);
      const after = await titles(s);
      const url = await s.js("return location.search");
      const api = await s.js("return performance.getEntriesByType('resource').some(function (r) { return r.name.indexOf('/api/search') >= 0; })");
      const staticIndex = await s.js("return performance.getEntriesByType('resource').filter(function (r) { return r.name.indexOf('/search/index/') >= 0; }).map(function (r) { return r.name; })");
      const markup = await s.js("return { imgs: document.querySelectorAll('#search-results img, #search-results script').length, xss: window.__incidexXss || null, marks: Array.from(document.querySelectorAll('#search-results mark')).map(m => m.textContent), titleMarks: Array.from(document.querySelectorAll('#search-results a.result-title mark')).map(m => m.textContent) }");
      await s.close();
      console.log(JSON.stringify({ before, facets, clicked, after, url, markup, api, staticIndex, order }));
    } else if (mode === "sort") {
      const [page, column] = rest;
      const s = await session();
      await s.go(page);
      const rows = () => s.js("return Array.from(document.querySelectorAll('.paged-list table.sortable tbody tr')).map(function (r) { return r.cells[1].querySelector('a').textContent; })");
      const before = await rows();
      served = [];
      const clicked = await s.js("var want = arguments[0], th = Array.from(document.querySelectorAll('.paged-list th[data-sort]')).find(function (h) { return h.textContent.trim() === want; }); if (!th) return false; window.__incidexClicked = performance.now(); th.click(); return true;", [column]);
      let sorted = null;
      for (let i = 0; i < 800 && clicked && !sorted; i++) { // up to 20 s: a loaded machine
        sorted = await s.js("return document.querySelector('.paged-list').getAttribute('data-sorted')");
        if (!sorted) await sleep(25);
      }
      // Time from the click until the sorted rows were in place (to the 25 ms of polling).
      const ms = clicked ? Math.round(await s.js("return performance.now() - window.__incidexClicked")) : null;
      const fetched = served.map((r) => r[0]).filter((p) => /\.html$|\/$/.test(p));
      const after = await rows();
      const status = await s.js("return document.querySelector('.list-status').textContent");
      // Hidden as drawn, not merely marked: the date-ordered pagers and the page's note on
      // its place in the date order.
      const hiddenNavs = await s.js("return Array.from(document.querySelectorAll('.paged-list nav.pager')).filter(function (n) { return getComputedStyle(n).display === 'none'; }).length");
      const orderNoteShown = await s.js("return Array.from(document.querySelectorAll('.paged-list .list-order')).some(function (n) { return getComputedStyle(n).display !== 'none'; })");
      const next = await s.js("var b = document.querySelector('.pager-sorted .pager-next'); if (!b || b.disabled) return false; b.click(); return true;");
      const afterNext = await rows();
      const counter = await s.js("var w = document.querySelector('.pager-sorted .pager-page'); return w ? w.textContent : null");
      await sleep(100); // let an injected image fail to load, if one got in
      const markup = await s.js("return { imgs: document.querySelectorAll('.paged-list tbody img, .paged-list tbody script').length, xss: window.__incidexXss || null }");
      await s.close();
      console.log(JSON.stringify({ before, clicked, sorted, ms, fetched, after, status, hiddenNavs, orderNoteShown, next, afterNext, counter, markup }));
    } else if (mode === "offline") {
      // The site opened from disk: its home page, then a reader's clicks (the site menu's
      // first link, the first link in that page's table, the site name back home), each
      // page's title and address once loaded; then the home page from the test server,
      // where the menu's first link must keep the href it was written with.
      const s = await session();
      const page = async (before) => {
        for (let i = 0; i < 200; i++) {
          const p = await s.js("return document.readyState === 'complete' ? { title: document.title, url: location.href } : null");
          if (p && p.url !== before) return p;
          await sleep(25);
        }
        return null;
      };
      await s.open("file://" + path.resolve(site) + "/index.html");
      const visits = [await page(null)];
      for (const css of ["nav[aria-label='Site'] a", "main table tbody a", "a.brand"]) {
        const at = visits[visits.length - 1];
        visits.push((await s.click(css)) ? await page(at && at.url) : { missing: css });
      }
      await s.go("/");
      const servedHref = await s.js("return document.querySelector(\"nav[aria-label='Site'] a\").getAttribute('href')");
      await s.close();
      console.log(JSON.stringify({ visits, servedHref }));
    } else if (mode === "measure-ab") {
      const [rounds, names, ...queries] = rest;
      const sites = names.split(",");
      const s = await session();
      const out = {};
      sites.forEach((v) => (out[v] = []));
      for (let round = 0; round < +rounds; round++) {
        for (const query of queries) {
          for (const v of round % 2 ? sites.slice().reverse() : sites) {
            await s.blank();
            served = [];
            await s.go("/" + v + "/search/?q=" + encodeURIComponent(query));
            await waitDone(s, null);
            for (let i = 0; i < 40 && !(await s.js("return performance.getEntriesByName('incidex-search-painted').length")); i++) await sleep(25);
            const timing = await s.js(PHASES, [0]);
            const bytes = served.reduce((a, r) => a + r[1], 0);
            out[v].push(Object.assign({ query, round, mode: "deep link, warm browser", bytes, requests: served.map((r) => r[0] + " " + r[1]) }, timing));
          }
        }
      }
      await s.close();
      console.log(JSON.stringify(out));
    } else if (mode === "measure" || mode === "measure-typed" || mode === "measure-warm") {
      const typed = mode === "measure-typed";
      const warm = mode === "measure-warm" ? await session() : null;
      if (warm) await warm.blank();
      const out = [];
      for (const query of rest) {
        const s = warm || (await session());
        if (warm) await s.blank();
        served = [];
        let origin = 0;
        if (typed) {
          await s.go("/search/");
          await quiet(s);
          origin = await s.js("var input = document.getElementById('search-q'), e = new Event('input', { bubbles: true }); input.value = arguments[0]; input.dispatchEvent(e); return e.timeStamp;", [query]);
        } else {
          await s.go("/search/?q=" + encodeURIComponent(query));
        }
        await waitDone(s, null);
        for (let i = 0; i < 40 && !(await s.js("return performance.getEntriesByName('incidex-search-painted').length")); i++) await sleep(25);
        const timing = await s.js(PHASES, [origin]);
        if (TRACE) {
          await sleep(300);
          fs.writeFileSync(path.join(TRACE, out.length + ".json"), JSON.stringify(await s.trace()));
        }
        if (!warm) await s.close();
        const bytes = served.reduce((a, r) => a + r[1], 0);
        out.push(Object.assign({ query, mode: typed ? "typed" : warm ? "deep link, warm browser" : "deep link", bytes, requests: served.map((r) => r[0] + " " + r[1]) }, timing));
      }
      if (warm) await warm.close();
      console.log(JSON.stringify(out));
    } else {
      throw new Error("mode: scenario | typed | sort | measure | measure-warm | measure-typed | measure-ab");
    }
  } finally {
    cleanup();
  }
}

main().catch((e) => { console.error(e.stack || String(e)); server.close(); process.exit(1); });

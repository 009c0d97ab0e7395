// Drives headless Chromium through chromedriver (W3C WebDriver over HTTP, no packages)
// against a site folder served by a tiny static server. Used by tests/search_browser.rs
// and bench/search.sh. Prints one JSON object.
//
//   node browser.js scenario SITE QUERY FACET VALUE   → titles before/after a facet click
//        (SITE: a folder, or the address of a running `incidex serve`)
//   node browser.js measure SITE QUERY...             → per query (cold browser profile):
//        ms from navigation start (the page's time origin, before its HTML is requested)
//        until the first results are in the document (`ms`) and until the frame that
//        paints them has been drawn (`painted`), bytes transferred, requests
"use strict";
const http = require("http");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");

const [mode, site, ...rest] = process.argv.slice(2);
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
            "--no-first-run", "--disable-sync", "--user-data-dir=" + profile, "--disable-dev-shm-usage"] } } },
      });
      const id = s.sessionId;
      const base = "/session/" + id;
      return {
        go: (url) => request(driverPort, "POST", base + "/url", { url: origin + url }),
        js: (script, args) => request(driverPort, "POST", base + "/execute/sync", { script, args: args || [] }),
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

    if (mode === "scenario") {
      const [query, facet, value] = rest;
      const s = await session();
      await s.go("/search/?q=" + encodeURIComponent(query));
      const first = await waitDone(s, null);
      const before = await titles(s);
      const facets = await s.js("return Array.from(document.querySelectorAll('.facet-value')).map(b => b.getAttribute('data-facet') + '=' + b.getAttribute('data-value') + ' ' + b.querySelector('.count').textContent)");
      const clicked = await s.js("var b = document.querySelector('.facet-value[data-facet=\"' + arguments[0] + '\"][data-value=\"' + arguments[1] + '\"]'); if (!b) return false; b.click(); return true;", [facet, value]);
      if (clicked) await waitDone(s, first);
      const after = await titles(s);
      const url = await s.js("return location.search");
      const api = await s.js("return performance.getEntriesByType('resource').some(function (r) { return r.name.indexOf('/api/search') >= 0; })");
      const staticIndex = await s.js("return performance.getEntriesByType('resource').filter(function (r) { return r.name.indexOf('/search/index/') >= 0; }).map(function (r) { return r.name; })");
      const markup = await s.js("return { imgs: document.querySelectorAll('#search-results img, #search-results script').length, xss: window.__incidexXss || null, marks: Array.from(document.querySelectorAll('#search-results mark')).map(m => m.textContent) }");
      await s.close();
      console.log(JSON.stringify({ before, facets, clicked, after, url, markup, api, staticIndex }));
    } else if (mode === "measure") {
      const out = [];
      for (const query of rest) {
        const s = await session();
        served = [];
        await s.go("/search/?q=" + encodeURIComponent(query));
        await waitDone(s, null);
        for (let i = 0; i < 40 && !(await s.js("return performance.getEntriesByName('incidex-search-painted').length")); i++) await sleep(25);
        const timing = await s.js("var m = performance.getEntriesByName('incidex-search-results')[0]; var p = performance.getEntriesByName('incidex-search-painted')[0]; var nav = performance.getEntriesByType('navigation')[0]; var res = performance.getEntriesByType('resource'); return { ms: m ? m.startTime : null, painted: p ? p.startTime : null, browserBytes: nav.encodedBodySize + res.reduce(function (a, r) { return a + r.encodedBodySize; }, 0), results: document.querySelectorAll('#search-results li').length, marks: performance.getEntriesByType('mark').map(function (m) { return m.name + ' ' + Math.round(m.startTime); }), dcl: Math.round(nav.domContentLoadedEventEnd), waterfall: res.map(function (r) { return r.name.split('/').slice(-2).join('/') + ' ' + Math.round(r.startTime) + '-' + Math.round(r.responseEnd); }) }");
        await s.close();
        const bytes = served.reduce((a, r) => a + r[1], 0);
        out.push({ query, ms: timing.ms, painted: timing.painted, bytes, browserBytes: timing.browserBytes, results: timing.results, requests: served.map((r) => r[0] + " " + r[1]), marks: timing.marks, dcl: timing.dcl, waterfall: timing.waterfall });
      }
      console.log(JSON.stringify(out));
    } else {
      throw new Error("mode: scenario | measure");
    }
  } finally {
    cleanup();
  }
}

main().catch((e) => { console.error(e.stack || String(e)); server.close(); process.exit(1); });

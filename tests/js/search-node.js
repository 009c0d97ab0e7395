// Runs themes/default/static/search.js under node for the Rust tests (tests/search_js.rs):
// reads a JSON request on stdin, prints a JSON answer on stdout.
//   {"op": "tokens", "texts": [...]}                       → [[{term, from, to}], ...]
//   {"op": "search", "index": DIR, "queries": [{q, filters, sort, limit}]} → [results, ...]
//   {"op": "highlight", "cases": [[text, [term, ...]], ...]}   → [[[from, to], ...], ...]
//   {"op": "best", "cases": [[[score, ...], limit], ...]}      → [[index, ...], ...]
"use strict";
const fs = require("fs");
const path = require("path");
// INCIDEX_SEARCH_JS: a built site's (compacted) copy instead of the theme's source.
const search = require(process.env.INCIDEX_SEARCH_JS || path.join(__dirname, "../../themes/default/static/search.js"));

let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", async () => {
  const req = JSON.parse(input);
  if (req.op === "tokens") {
    process.stdout.write(JSON.stringify(req.texts.map((t) => search.tokens(t))));
  } else if (req.op === "best") {
    process.stdout.write(JSON.stringify(req.cases.map((c) => {
      const scores = Float64Array.from(c[0]);
      return search.best(Array.from(scores, (_, i) => i), scores, c[1]);
    })));
  } else if (req.op === "highlight") {
    process.stdout.write(JSON.stringify(req.cases.map((c) => search.highlight(c[0], c[1]))));
  } else if (req.op === "search") {
    const fetched = [];
    const engine = search.Engine((p) => {
      fetched.push(p);
      let buf;
      try {
        buf = fs.readFileSync(path.join(req.index, p));
      } catch (e) {
        return Promise.reject(Object.assign(new Error(p + ": missing"), { missing: e.code === "ENOENT" }));
      }
      return Promise.resolve(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    });
    const out = [];
    for (const q of req.queries) {
      fetched.length = 0;
      const res = await engine.search(q);
      res.fetched = fetched.slice();
      out.push(res);
    }
    process.stdout.write(JSON.stringify(out));
  } else {
    throw new Error("unknown op " + req.op);
  }
});

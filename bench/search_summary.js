// Summarises `node tests/js/browser.js measure` output (a JSON file per run) for
// bench/search.sh and bench/search_compare.sh: per query, then medians.
//   node search_summary.js RUN.json...   (several files: one line per file, then all)
"use strict";
const path = require("path");
const files = process.argv.slice(2);
const med = (xs) => { const s = xs.slice().sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
// `painted` is missing from pages whose search.js predates that mark.
const paint = (r) => {
  const p = r.map((q) => q.painted).filter((x) => typeof x === "number");
  if (!p.length) return "(no paint mark)";
  return `${med(p).toFixed(0)} ms to results painted (range ${Math.min(...p).toFixed(0)}–${Math.max(...p).toFixed(0)})`;
};
const line = (r) => `median ${med(r.map((q) => q.ms)).toFixed(0)} ms to results in the page ` +
  `(range ${Math.min(...r.map((q) => q.ms)).toFixed(0)}–${Math.max(...r.map((q) => q.ms)).toFixed(0)}), ${paint(r)}; ` +
  `${(med(r.map((q) => q.bytes)) / 1024).toFixed(1)} KB transferred (max ${(Math.max(...r.map((q) => q.bytes)) / 1024).toFixed(1)} KB)`;
const all = [];
for (const f of files) {
  const r = require(path.resolve(f));
  if (files.length === 1) {
    for (const q of r) {
      console.log(`${q.query.padEnd(22)} ${q.ms.toFixed(0).padStart(5)} ms  painted ${String(q.painted === null || q.painted === undefined ? "-" : Math.round(q.painted)).padStart(5)} ms  ` +
        `${(q.bytes / 1024).toFixed(1).padStart(6)} KB  ${q.requests.length} requests  ${q.results} shown`);
    }
  } else {
    console.log(`${path.basename(f)}: ${line(r)}`);
  }
  all.push(...r);
}
console.log(`${files.length > 1 ? "all " + all.length + " queries: " : ""}${line(all)}`);

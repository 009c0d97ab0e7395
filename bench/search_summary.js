// Summarises `node tests/js/browser.js measure` / `measure-typed` output (a JSON file per
// run) for bench/search.sh and bench/search_compare.sh: per query, then medians, then where
// the time went (median of each phase over all queries, from the measure's origin:
// navigation start for a deep link, the input event for a typed query).
//   node search_summary.js RUN.json...   (several files: one line per file, then all)
"use strict";
const path = require("path");
const files = process.argv.slice(2);
const med = (xs) => { const s = xs.filter((x) => typeof x === "number").sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : null; };
const ms = (x) => (x === null || x === undefined ? "-" : Math.round(x) + "");
// `painted` is missing from pages whose search.js predates that mark.
const paint = (r) => {
  const p = r.map((q) => q.painted).filter((x) => typeof x === "number");
  if (!p.length) return "(no paint mark)";
  return `${med(p).toFixed(0)} ms to results painted (range ${Math.min(...p).toFixed(0)}–${Math.max(...p).toFixed(0)})`;
};
const line = (r) => `median ${med(r.map((q) => q.ms)).toFixed(0)} ms to results in the page ` +
  `(range ${Math.min(...r.map((q) => q.ms)).toFixed(0)}–${Math.max(...r.map((q) => q.ms)).toFixed(0)}), ${paint(r)}; ` +
  `${(med(r.map((q) => q.bytes)) / 1024).toFixed(1)} KB transferred (max ${(Math.max(...r.map((q) => q.bytes)) / 1024).toFixed(1)} KB)`;

// Phases of one query: [label, ms] in the order they happen on a deep link.
const KINDS = [["manifest", /manifest/], ["shards t/", /^index\/t\//], ["posting lists p/", /^index\/p\//], ["rows d/", /^index\/d\//], ["sort columns", /sort\.json/]];
function phases(q) {
  const p = q.phases;
  if (!p) return [];
  const out = [["HTML request sent", p.requestStart], ["HTML first byte", p.responseStart], ["HTML last byte", p.responseEnd],
    ["DOM interactive", p.domInteractive], ["DOMContentLoaded end", p.dclEnd], ["first paint", p.firstPaint]];
  // Files fetched after the origin (a typed query's page fetched the manifest before).
  const idx = p.files.filter((f) => /^index\//.test(f.name) && f.start >= 0);
  const first = idx.length ? Math.min(...idx.map((f) => f.start)) : null;
  out.push(["first index request", first]);
  for (const [label, re] of KINDS) {
    const fs = idx.filter((f) => re.test(f.name));
    if (fs.length) out.push([label + " last byte (" + fs.length + ")", Math.max(...fs.map((f) => f.end))]);
  }
  const css = p.files.filter((f) => /\.css$/.test(f.name));
  if (css.length) out.push(["stylesheet last byte", Math.max(...css.map((f) => f.end))]);
  out.push(["results in the page", q.ms], ["results painted", q.painted]);
  return out;
}

const all = [];
for (const f of files) {
  const r = require(path.resolve(f));
  if (files.length === 1) {
    for (const q of r) {
      console.log(`${q.query.padEnd(22)} ${q.ms.toFixed(0).padStart(5)} ms  painted ${ms(q.painted).padStart(5)} ms  ` +
        `${(q.bytes / 1024).toFixed(1).padStart(6)} KB  ${q.requests.length} requests  ${q.results} shown`);
    }
  } else {
    console.log(`${path.basename(f)}: ${line(r)}`);
  }
  all.push(...r);
}
console.log(`${files.length > 1 ? "all " + all.length + " queries: " : ""}${line(all)}`);
if (all.some((q) => q.phases)) {
  const labels = [];
  const values = {};
  for (const q of all) {
    for (const [label, v] of phases(q)) {
      const key = label.replace(/ \(\d+\)$/, "");
      if (!values[key]) { values[key] = []; labels.push(key); }
      values[key].push(v);
    }
  }
  console.log(`where the time went (median over ${all.length} queries, ms from ${all[0].mode === "typed" ? "the input event" : "navigation start"}):`);
  // A typed query's page loaded before its origin: its page-load phases are left out.
  const shown = labels.filter((l) => med(values[l]) !== null && med(values[l]) >= 0).sort((a, b) => med(values[a]) - med(values[b]));
  console.log("  " + shown.map((l) => `${l} ${ms(med(values[l]))}`).join(" · "));
}

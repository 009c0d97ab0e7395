// Where a deep link's time goes on the page's main thread: reads the Chromium traces that
// `INCIDEX_TRACE=DIR node tests/js/browser.js measure SITE QUERY...` writes (DIR/N.json)
// and prints, in ms from the search page's navigation start, its performance marks
// (navigation timing and the page's own) and its top-level main-thread tasks of 1 ms or
// more, each with its larger nested events (parse, script, style, layout, paint…).
//   node bench/search_trace.js DIR/0.json...
"use strict";
const path = require("path");
for (const file of process.argv.slice(2)) {
  const events = require(path.resolve(file));
  // The search page's renderer main thread: where its navigationStart mark was recorded.
  const nav = events.filter((e) => e.name === "navigationStart" && /\/search\//.test(((e.args || {}).data || {}).documentLoaderURL || "")).pop();
  if (!nav) { console.log(`${file}: no navigation of the search page in the trace`); continue; }
  const t0 = nav.ts, thread = nav.pid + ":" + nav.tid;
  const at = (ts) => ((ts - t0) / 1000).toFixed(1);
  const mine = events.filter((e) => e.pid + ":" + e.tid === thread && e.ts >= t0);
  console.log(`== ${file}`);
  console.log("marks: " + mine.filter((e) => /blink\.user_timing/.test(e.cat) && e.ph !== "M").sort((a, b) => a.ts - b.ts)
    .map((e) => `${e.name} ${at(e.ts)}`).join(" · "));
  const slices = mine.filter((e) => e.ph === "X").sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  let end = 0;
  for (const e of slices) {
    if (e.ts < end) continue;
    end = e.ts + (e.dur || 0);
    const ms = (e.dur || 0) / 1000;
    if (ms < 1) continue;
    const inner = slices.filter((k) => k !== e && k.ts >= e.ts && k.ts + (k.dur || 0) <= end && (k.dur || 0) / 1000 >= Math.max(1, ms / 10))
      .slice(0, 6).map((k) => `${k.name} ${((k.dur || 0) / 1000).toFixed(1)}`);
    console.log(`  ${at(e.ts).padStart(6)} +${ms.toFixed(1).padStart(5)}  ${e.name}${inner.length ? ": " + inner.join(", ") : ""}`);
  }
}

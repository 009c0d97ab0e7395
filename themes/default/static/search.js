// incidex search: instant, filterable search over the static index in search/index/
// (see src/search/static_index.rs for the file layout), or over a server's API when the
// page has <meta name="incidex-search-api" content="URL">.
//
// Three parts, one file, no dependencies:
//  1. tokens(): the same tokeniser as the Rust side (split on non-alphanumerics, drop
//     tokens of 40+ UTF-8 bytes, lowercase, Snowball English stemmer ported from the
//     generated Snowball code that tantivy uses). tests/search_js.rs checks agreement.
//  2. Engine: fetches only what a query needs and ranks like `incidex search`.
//  3. The page: results as you type, facets with counts, sorts, keyboard, deep links.
//     The search page carries this file inline at the top of its head (templates/
//     search.html; also published as static/search.js): the first query (from
//     location.search) starts fetching as soon as the head is parsed, before the page's
//     body, stylesheet or any other script has arrived.
// Content is never inserted as HTML: every string from the index becomes a text node.
(function (root) {
  "use strict";

  // ---- 1. Tokeniser ------------------------------------------------------------------
  var MAX_TOKEN_BYTES = 40;
  var MAX_EXPANSIONS = 5;

  var G_v = [17, 65, 16, 1], G_v_WXY = [1, 17, 65, 208, 1], G_aeo = [17, 64], G_LI = [55, 141, 2];
  function among(list) { return list.map(function (e) { return [Array.from(e[0]), e[1]]; }); }
  var A0 = among([["arsen", -1], ["commun", -1], ["emerg", -1], ["gener", -1], ["inter", -1], ["later", -1], ["organ", -1], ["past", -1], ["univers", -1]]);
  var A1 = among([["'", 1], ["'s'", 1], ["'s", 1]]);
  var A2 = among([["ied", 2], ["s", 3], ["ies", 2], ["sses", 1], ["ss", -1], ["us", -1]]);
  var A3 = among([["succ", 1], ["proc", 1], ["exc", 1]]);
  var A4 = among([["even", 2], ["cann", 2], ["inn", 2], ["earr", 2], ["herr", 2], ["out", 2], ["y", 1]]);
  var A5 = among([["", -1], ["ed", 2], ["eed", 1], ["ing", 3], ["edly", 2], ["eedly", 1], ["ingly", 2]]);
  var A6 = among([["", 3], ["bb", 2], ["dd", 2], ["ff", 2], ["gg", 2], ["bl", 1], ["mm", 2], ["nn", 2], ["pp", 2], ["rr", 2], ["at", 1], ["tt", 2], ["iz", 1]]);
  var A7 = among([["anci", 3], ["enci", 2], ["ogi", 14], ["li", 16], ["bli", 12], ["abli", 4], ["alli", 8], ["fulli", 9], ["lessli", 15], ["ousli", 10], ["entli", 5], ["aliti", 8], ["biliti", 12], ["iviti", 11], ["tional", 1], ["ational", 7], ["alism", 8], ["ation", 7], ["ization", 6], ["izer", 6], ["ator", 7], ["iveness", 11], ["fulness", 9], ["ousness", 10], ["ogist", 13]]);
  var A7_TO = [null, "tion", "ence", "ance", "able", "ent", "ize", "ate", "al", "ful", "ous", "ive", "ble", "og"];
  var A8 = among([["icate", 4], ["ative", 6], ["alize", 3], ["iciti", 4], ["ical", 4], ["tional", 1], ["ational", 2], ["ful", 5], ["ness", 5]]);
  var A8_TO = [null, "tion", "ate", "al", "ic"];
  var A9 = among([["ic", 1], ["ance", 1], ["ence", 1], ["able", 1], ["ible", 1], ["ate", 1], ["ive", 1], ["ize", 1], ["iti", 1], ["al", 1], ["ism", 1], ["ion", 2], ["er", 1], ["ous", 1], ["ant", 1], ["ent", 1], ["ment", 1], ["ement", 1]]);
  var A10 = among([["e", 1], ["l", 2]]);
  var A11 = among([["andes", -1], ["atlas", -1], ["bias", -1], ["cosmos", -1], ["early", 6], ["gently", 4], ["howe", -1], ["idly", 3], ["news", -1], ["only", 7], ["singly", 8], ["skies", 2], ["skis", 1], ["sky", -1], ["ugly", 5]]);
  var A11_TO = [null, "ski", "sky", "idl", "gentl", "ugli", "earli", "onli", "singl"];

  // A port of the Snowball English stemmer as generated for Rust (frostem, used by
  // tantivy): same routines, same order, on an array of code points.
  function stem(word) {
    var s = Array.from(word), c = 0, l = s.length, lb = 0, bra = 0, ket = 0, av, yFound = false, p1, p2;
    function inSet(g, min, max, ch) {
      var x = ch.codePointAt(0);
      if (x < min || x > max) return false;
      x -= min;
      return (g[x >> 3] & (1 << (x & 7))) !== 0;
    }
    function inG(g, min, max) { if (c >= l || !inSet(g, min, max, s[c])) return false; c++; return true; }
    function inGb(g, min, max) { if (c <= lb || !inSet(g, min, max, s[c - 1])) return false; c--; return true; }
    function outGb(g, min, max) { if (c <= lb || inSet(g, min, max, s[c - 1])) return false; c--; return true; }
    function goOut(g, min, max) { while (c < l) { if (inSet(g, min, max, s[c])) return true; c++; } return false; }
    function goIn(g, min, max) { while (c < l) { if (!inSet(g, min, max, s[c])) return true; c++; } return false; }
    function goOutB(g, min, max) { while (c > lb) { if (inSet(g, min, max, s[c - 1])) return true; c--; } return false; }
    function eqS(str) {
      var t = Array.from(str);
      if (c >= l || c + t.length > s.length) return false;
      for (var i = 0; i < t.length; i++) if (s[c + i] !== t[i]) return false;
      c += t.length;
      return true;
    }
    function eqSb(str) {
      var t = Array.from(str);
      if (c - lb < t.length) return false;
      for (var i = 0; i < t.length; i++) if (s[c - t.length + i] !== t[i]) return false;
      c -= t.length;
      return true;
    }
    function hop(n) { var r = c; while (n-- > 0) { if (r >= l) return false; r++; } c = r; return true; }
    function hopBack(n) { var r = c; while (n-- > 0) { if (r <= lb) return false; r--; } c = r; return true; }
    function sliceFrom(str) {
      var t = Array.from(str), adj = t.length - (ket - bra);
      s.splice.apply(s, [bra, ket - bra].concat(t));
      l += adj;
      if (c >= ket) c += adj; else if (c > bra) c = bra;
      ket = bra + t.length;
    }
    function sliceDel() { sliceFrom(""); }
    function matches(w, at) { for (var i = 0; i < w.length; i++) if (s[at + i] !== w[i]) return false; return true; }
    function findAmong(list) {
      var best = 0, len = -1;
      list.forEach(function (e) {
        if (e[0].length > len && c + e[0].length <= l && matches(e[0], c)) { best = e[1]; len = e[0].length; }
      });
      if (len >= 0) c += len;
      return best;
    }
    function findAmongB(list) {
      var best = 0, len = -1;
      list.forEach(function (e) {
        if (e[0].length > len && c - e[0].length >= lb && matches(e[0], c - e[0].length)) { best = e[1]; len = e[0].length; }
      });
      if (len >= 0) c -= len;
      return best;
    }
    function shortv() {
      var v = l - c;
      if (outGb(G_v_WXY, 89, 121) && inGb(G_v, 97, 121) && outGb(G_v, 97, 121)) return true;
      c = l - v;
      if (outGb(G_v, 97, 121) && inGb(G_v, 97, 121) && c <= lb) return true;
      c = l - v;
      return eqSb("past");
    }
    function yToUpper(from, to) {
      // repeat ( goto (from ['to-be-replaced']) <- to ): used for y → Y and back.
      for (;;) {
        var v = c, found = false;
        for (;;) {
          var w = c;
          if (from === null || inG(G_v, 97, 121)) {
            bra = c;
            if (eqS(to[0])) { ket = c; c = w; found = true; break; }
          }
          c = w;
          if (c >= l) break;
          c++;
        }
        if (!found) { c = v; return; }
        sliceFrom(to[1]);
        yFound = true;
      }
    }

    var v1 = c;
    bra = c;
    av = findAmong(A11);
    if (av !== 0) {
      ket = c;
      if (c >= l) {
        if (av > 0) sliceFrom(A11_TO[av]);
        return s.join("");
      }
    }
    c = v1;
    if (!hop(3)) return s.join("");
    c = v1;
    // Prelude: initial apostrophe, initial y and y after a vowel become Y.
    bra = c;
    if (eqS("'")) { ket = c; sliceDel(); }
    c = v1;
    bra = c;
    if (eqS("y")) { ket = c; sliceFrom("Y"); yFound = true; }
    c = v1;
    yToUpper("v", ["y", "Y"]);
    c = v1;
    // Regions.
    p1 = l; p2 = l;
    mark: {
      if (findAmong(A0) === 0) {
        c = v1;
        if (!goOut(G_v, 97, 121)) break mark;
        c++;
        if (!goIn(G_v, 97, 121)) break mark;
        c++;
      }
      p1 = c;
      if (!goOut(G_v, 97, 121)) break mark;
      c++;
      if (!goIn(G_v, 97, 121)) break mark;
      c++;
      p2 = c;
    }
    c = v1;
    lb = c; c = l;

    // Step 0 and 1a.
    var v9 = l - c;
    step1a: {
      var v10 = l - c;
      ket = c;
      if (findAmongB(A1) === 0) c = l - v10; else { bra = c; sliceDel(); }
      ket = c;
      av = findAmongB(A2);
      if (av === 0) break step1a;
      bra = c;
      if (av === 1) sliceFrom("ss");
      else if (av === 2) {
        var v11 = l - c;
        if (hopBack(2)) sliceFrom("i"); else { c = l - v11; sliceFrom("ie"); }
      } else if (av === 3) {
        if (c <= lb) break step1a;
        c--;
        if (!goOutB(G_v, 97, 121)) break step1a;
        c--;
        sliceDel();
      }
    }
    c = l - v9;

    // Step 1b.
    var v12 = l - c;
    step1b: {
      ket = c;
      av = findAmongB(A5);
      bra = c;
      deleteSuffix: {
        var v13 = l - c;
        keep: {
          if (av === 1) {
            var v14 = l - c;
            if (p1 <= c) {
              var v15 = l - c;
              if (!(findAmongB(A3) !== 0 && c <= lb)) { c = l - v15; sliceFrom("ee"); }
            }
            c = l - v14;
          } else if (av === 2) {
            break keep;
          } else if (av === 3) {
            av = findAmongB(A4);
            if (av === 0) break keep;
            if (av === 1) {
              var v16 = l - c;
              if (!outGb(G_v, 97, 121)) break keep;
              if (c > lb) break keep;
              c = l - v16;
              bra = c;
              sliceFrom("ie");
            } else if (av === 2) {
              if (c > lb) break keep;
            }
          }
          break deleteSuffix;
        }
        c = l - v13;
        var v17 = l - c;
        if (!goOutB(G_v, 97, 121)) break step1b;
        c--;
        c = l - v17;
        sliceDel();
        ket = c; bra = c;
        var v18 = l - c;
        av = findAmongB(A6);
        if (av === 1) { sliceFrom("e"); break step1b; }
        if (av === 2) {
          var v19 = l - c;
          if (inGb(G_aeo, 97, 111) && c <= lb) break step1b;
          c = l - v19;
        } else if (av === 3) {
          if (c !== p1) break step1b;
          var v20 = l - c;
          if (!shortv()) break step1b;
          c = l - v20;
          sliceFrom("e");
          break step1b;
        }
        c = l - v18;
        ket = c;
        if (c <= lb) break step1b;
        c--;
        bra = c;
        sliceDel();
      }
    }
    c = l - v12;

    // Step 1c.
    var v21 = l - c;
    step1c: {
      ket = c;
      if (!eqSb("y") && !eqSb("Y")) break step1c;
      bra = c;
      if (!outGb(G_v, 97, 121)) break step1c;
      if (c <= lb) break step1c;
      sliceFrom("i");
    }
    c = l - v21;

    // Step 2.
    var v22 = l - c;
    step2: {
      ket = c;
      av = findAmongB(A7);
      if (av === 0) break step2;
      bra = c;
      if (p1 > c) break step2;
      if (av <= 13) sliceFrom(A7_TO[av]);
      else if (av === 14) { if (!eqSb("l")) break step2; sliceFrom("og"); }
      else if (av === 15) sliceFrom("less");
      else if (av === 16) { if (!inGb(G_LI, 99, 116)) break step2; sliceDel(); }
    }
    c = l - v22;

    // Step 3.
    var v23 = l - c;
    step3: {
      ket = c;
      av = findAmongB(A8);
      if (av === 0) break step3;
      bra = c;
      if (p1 > c) break step3;
      if (av <= 4) sliceFrom(A8_TO[av]);
      else if (av === 5) sliceDel();
      else if (av === 6) { if (p2 > c) break step3; sliceDel(); }
    }
    c = l - v23;

    // Step 4.
    var v24 = l - c;
    step4: {
      ket = c;
      av = findAmongB(A9);
      if (av === 0) break step4;
      bra = c;
      if (p2 > c) break step4;
      if (av === 1) sliceDel();
      else if (av === 2) { if (!eqSb("s") && !eqSb("t")) break step4; sliceDel(); }
    }
    c = l - v24;

    // Step 5.
    var v25 = l - c;
    step5: {
      ket = c;
      av = findAmongB(A10);
      if (av === 0) break step5;
      bra = c;
      if (av === 1) {
        if (p2 > c) {
          if (p1 > c) break step5;
          var v26 = l - c;
          if (shortv()) break step5;
          c = l - v26;
        }
        sliceDel();
      } else if (av === 2) {
        if (p2 > c) break step5;
        if (!eqSb("l")) break step5;
        sliceDel();
      }
    }
    c = l - v25;

    c = lb;
    if (yFound) yToUpper(null, ["Y", "y"]);
    return s.join("");
  }

  function utf8Length(str) {
    var n = 0;
    for (var i = 0; i < str.length; i++) {
      var code = str.charCodeAt(i);
      if (code < 0x80) n += 1;
      else if (code < 0x800) n += 2;
      else if (code >= 0xd800 && code <= 0xdbff) { n += 4; i++; }
      else n += 3;
    }
    return n;
  }

  function lower(word) {
    // Per code point, like Rust's char::to_lowercase (no final-sigma context rule).
    var out = "";
    for (var ch of word) out += ch.toLowerCase();
    return out;
  }

  // [{term, from, to}] with UTF-16 offsets into text.
  function tokens(text) {
    var re = /[\p{Alphabetic}\p{N}]+/gu, out = [], m;
    while ((m = re.exec(text))) {
      if (utf8Length(m[0]) >= MAX_TOKEN_BYTES) continue;
      out.push({ term: stem(lower(m[0])), from: m.index, to: m.index + m[0].length });
    }
    return out;
  }

  function withinOneEdit(a, b) {
    a = Array.from(a); b = Array.from(b);
    var s = a.length <= b.length ? a : b, g = a.length <= b.length ? b : a;
    if (g.length - s.length > 1) return false;
    var p = 0;
    while (p < s.length && s[p] === g[p]) p++;
    var rest = function (x, from) { return x.slice(from).join("\u0000"); };
    if (s.length === g.length) {
      if (p === s.length) return true;
      if (rest(s, p + 1) === rest(g, p + 1)) return true;
      return p + 1 < s.length && s[p] === g[p + 1] && s[p + 1] === g[p] && rest(s, p + 2) === rest(g, p + 2);
    }
    return rest(s, p) === rest(g, p + 1);
  }

  // Same rules as src/search/query.rs `parse`: quoted phrases, words; a word that splits
  // into several terms is a phrase.
  function parseQuery(text) {
    var clauses = [];
    text.split('"').forEach(function (part, i) {
      var pieces = i % 2 === 1 ? [part] : part.split(/\s+/);
      pieces.forEach(function (piece) {
        var terms = tokens(piece).map(function (t) { return t.term; });
        if (terms.length === 1) clauses.push({ word: terms[0] });
        else if (terms.length > 1) clauses.push({ phrase: terms });
      });
    });
    return clauses;
  }

  // ---- 2. Engine ---------------------------------------------------------------------
  // Static index format this file reads (src/search/static_index.rs FORMAT).
  var FORMAT = 2;
  // A facet column character → value index, -1 for none (static_index.rs facet_char).
  function facetIndex(code) { return code - (code >= 0xe000 ? 0x800 : 0) - 0x31; }
  function shardKey(term) { return Array.from(term).slice(0, 2).join(""); }
  function hex(str) {
    return Array.from(new TextEncoder().encode(str), function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  // load(path) → Promise<ArrayBuffer>; paths are relative to the index folder.
  function Engine(load) {
    var cache = {};
    function json(path) {
      if (!cache[path]) {
        cache[path] = load(path).then(function (buf) {
          var bytes = new Uint8Array(buf);
          if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
            // A Response's body, not a Blob's stream: a Blob's bytes go to the browser
            // process and are read back from there, a round trip between processes.
            var stream = new Response(bytes).body.pipeThrough(new DecompressionStream("gzip"));
            return new Response(stream).text().then(JSON.parse);
          }
          return JSON.parse(new TextDecoder().decode(bytes));
        });
        cache[path].catch(function () { delete cache[path]; });
      }
      return cache[path];
    }
    var self = {}, manifest = null;
    var rows = new Map();
    // The manifest. Its facet columns stay strings (one character per document, read with
    // charCodeAt for the documents a query matches); the services column is split once
    // into one string per document. Decoding every column into arrays up front was, on a
    // cold page, a few ms of interpreted JavaScript before the first results.
    self.manifest = function () {
      return manifest || (manifest = json("manifest.json.gz").then(function (m) {
        if (m.format !== FORMAT) throw new Error("search index format " + m.format + ", this page reads " + FORMAT);
        m.cols = {
          category: m.columns.category, severity: m.columns.severity, year: m.columns.year,
          service: m.columns.service.split(",")
        };
        return m;
      }, function (e) { manifest = null; throw e; }));
    };
    // Fetched without waiting for the manifest (one round trip less); a word no shard
    // holds is simply a missing file.
    self.shard = function (key) {
      return json("t/" + hex(key) + ".json.gz").catch(function (e) {
        if (e && e.missing) return {};
        throw e;
      });
    };
    // One term's postings as {ords, scores}: ords ascending (the index stores them so).
    // Sorted arrays rather than maps, so combining terms is a merge and ranking a scan.
    self.postings = function (term) {
      var key = shardKey(term);
      return self.shard(key).then(function (shard) {
        var e = shard[term];
        if (!e) return EMPTY;
        var list = typeof e[2] === "number" ? json("p/" + hex(term) + ".json.gz").then(function (f) {
          f.top.forEach(function (r) { rows.set(r[0], r.slice(1)); });
          return f.p;
        }) : Promise.resolve(e[2]);
        return list.then(function (p) {
          var n = p.length >> 1, ords = new Int32Array(n), scores = new Float64Array(n), ord = 0;
          for (var i = 0; i < n; i++) {
            ord = i === 0 ? p[0] : ord + p[2 * i];
            ords[i] = ord;
            scores[i] = (p[2 * i + 1] / 255) * e[1];
          }
          return { ords: ords, scores: scores };
        });
      });
    };
    // Exact term, else prefix expansions, else one-typo neighbours (query.rs `resolve`).
    self.resolve = function (clause) {
      if (clause.phrase) return Promise.resolve({ typed: clause.phrase.join(" "), terms: clause.phrase, phrase: true });
      var term = clause.word;
      return self.shard(shardKey(term)).then(function (shard) {
        if (shard[term]) return { typed: term, terms: [term] };
        var len = Array.from(term).length, names = Object.keys(shard);
        var best = function (list) {
          return list.sort(function (a, b) { return shard[b][0] - shard[a][0] || (a < b ? -1 : a > b ? 1 : 0); }).slice(0, MAX_EXPANSIONS);
        };
        var terms = [];
        if (len >= 2) {
          terms = best(names.filter(function (t) { return t !== term && t.lastIndexOf(term, 0) === 0; }));
          if (!terms.length && len >= 4) terms = best(names.filter(function (t) { return withinOneEdit(t, term); }));
        }
        return { typed: term, terms: terms };
      });
    };
    self.sortColumns = function () { return json("sort.json.gz"); };
    self.block = function (b) { return json("d/" + b + ".json.gz"); };

    // opts: {q, filters: {category, service, severity, year}, sort, limit}
    self.search = function (opts) {
      // The manifest first: every query needs it, and asking for it costs no tokenising
      // (whose first run, cold, is most of the time before a deep link's first request).
      var manifestAsked = self.manifest();
      var clauses = parseQuery(opts.q || "");
      // Common words keep their postings in their own file: ask for it now, in parallel
      // with the shard, rather than after reading the shard. A 404 means "inline".
      clauses.forEach(function (c) {
        if (c.word && c.word.length >= 3) json("p/" + hex(c.word) + ".json.gz").catch(function () {});
      });
      var needSort = opts.sort === "duration" || opts.sort === "impact";
      return Promise.all([manifestAsked, needSort ? self.sortColumns() : null,
        Promise.all(clauses.map(self.resolve))]).then(function (r) {
        var manifest = r[0], sortCols = r[1], resolved = r[2];
        if (!clauses.length || resolved.some(function (x) { return !x.terms.length; })) {
          return finish(manifest, sortCols, resolved, EMPTY);
        }
        return Promise.all(resolved.map(function (res) {
          return Promise.all(res.terms.map(self.postings)).then(function (lists) {
            // No positions in the static index: a phrase needs all its words; a word's
            // expansions are alternatives.
            return lists.reduce(res.phrase ? intersect : union);
          });
        })).then(function (groups) {
          groups.sort(function (a, b) { return a.ords.length - b.ords.length; });
          return finish(manifest, sortCols, resolved, groups.reduce(intersect));
        });
      });

      function finish(manifest, sortCols, resolved, scored) {
        var filters = opts.filters || {}, kinds = ["category", "service", "severity", "year"], cols = manifest.cols;
        // Index of each filter's value; null: no filter; -2 (matches nothing): unknown value.
        var wanted = kinds.map(function (k) {
          var slug = filters[k];
          if (!slug) return null;
          var i = manifest.facets[k].findIndex(function (v) { return v[0] === slug; });
          return i < 0 ? -2 : i;
        });
        var wc = wanted[0], wv = wanted[1], ws = wanted[2], wy = wanted[3];
        var cat = cols.category, sev = cols.severity, year = cols.year, svc = cols.service;
        var ords = scored.ords, scores = scored.scores, n = ords.length, i, j, ord, s;
        // A document's facet values as indexes (-1: none), per matched document.
        var c = new Int32Array(n), sv = new Int32Array(n), y = new Int32Array(n), ok = new Uint8Array(n);
        var hits = [];
        for (i = 0; i < n; i++) {
          ord = ords[i];
          c[i] = facetIndex(cat.charCodeAt(ord));
          sv[i] = facetIndex(sev.charCodeAt(ord));
          y[i] = facetIndex(year.charCodeAt(ord));
          // Bits: 1 category, 2 service, 4 severity, 8 year filter passed.
          var okV = wv === null;
          s = svc[ord] || "";
          for (j = 0; !okV && j < s.length; j++) okV = facetIndex(s.charCodeAt(j)) === wv;
          ok[i] = (wc === null || c[i] === wc ? 1 : 0) | (okV ? 2 : 0) | (ws === null || sv[i] === ws ? 4 : 0) |
            (wy === null || y[i] === wy ? 8 : 0);
          if (ok[i] === 15) hits.push(i);
        }
        // The page's results first, and their rows requested at once.
        var limit = opts.limit || 20, top;
        if (opts.sort === "date") {
          top = hits.slice(0, limit);
        } else if (opts.sort === "duration" || opts.sort === "impact") {
          var col = sortCols[opts.sort];
          top = hits.slice().sort(function (a, b) {
            var x = col[ords[a]], z = col[ords[b]];
            if (x === null && z === null) return a - b;
            if (x === null) return 1;
            if (z === null) return -1;
            return z - x || a - b;
          }).slice(0, limit);
        } else {
          top = best(hits, scores, limit);
        }
        var terms = [];
        resolved.forEach(function (x) { terms = terms.concat(x.terms); });
        // A row is carried by a posting-list file, else in its `d/` block.
        var shown = top.map(function (h) {
          var ord = ords[h];
          if (rows.has(ord)) return Promise.resolve(rows.get(ord));
          return self.block(Math.floor(ord / manifest.block)).then(function (block) { return block[ord % manifest.block]; });
        });
        // Facet counts go over every match (thousands for a common word) and the page
        // shows the results first: counted when first read (res.facets), not before.
        var facets = null;
        function facetCounts() {
          if (facets) return facets;
          var counts = kinds.map(function (k) { return new Int32Array(manifest.facets[k].length); });
          var cc = counts[0], cv = counts[1], cs = counts[2], cy = counts[3], i, j, s;
          // A facet's counts are over the results of the other facets' filters, so choosing
          // one value of a facet still shows how many results each other value would give.
          for (i = 0; i < n; i++) {
            var k = ok[i];
            if ((k | 1) === 15 && c[i] >= 0) cc[c[i]]++;
            if ((k | 2) === 15) {
              s = svc[ords[i]] || "";
              for (j = 0; j < s.length; j++) { var v = facetIndex(s.charCodeAt(j)); if (v >= 0) cv[v]++; }
            }
            if ((k | 4) === 15 && sv[i] >= 0) cs[sv[i]]++;
            if ((k | 8) === 15 && y[i] >= 0) cy[y[i]]++;
          }
          facets = {};
          kinds.forEach(function (k, x) {
            facets[k] = manifest.facets[k].map(function (v, i) { return [v[0], v[1], counts[x][i]]; });
          });
          return facets;
        }
        var name = function (k, i) { return i >= 0 ? manifest.facets[k][i][1] : ""; };
        return Promise.all(shown.map(function (row, x) {
          var h = top[x], ord = ords[h];
          return row.then(function (d) {
            return {
              ord: ord, score: scores[h], title: d[0], url: d[1], date: d[2],
              category: name("category", c[h]),
              services: Array.from(svc[ord] || "", function (ch) { return facetIndex(ch.charCodeAt(0)); })
                .filter(function (i) { return i >= 0; }).map(function (i) { return name("service", i); }),
              severity: name("severity", sv[h]), duration: d[3], impact: d[4],
              titleHighlights: highlight(d[0], terms), snippet: snippet(d[5], terms)
            };
          });
        })).then(function (out) {
          var res = { total: hits.length, query: resolved, hits: out };
          Object.defineProperty(res, "facets", { enumerable: true, get: facetCounts });
          return res;
        });
      }
    };
    return self;
  }

  var EMPTY = { ords: new Int32Array(0), scores: new Float64Array(0) };
  // Documents in both lists (scores summed), in ord order.
  function intersect(a, b) {
    var n = Math.min(a.ords.length, b.ords.length), ords = new Int32Array(n), scores = new Float64Array(n);
    var i = 0, j = 0, k = 0;
    while (i < a.ords.length && j < b.ords.length) {
      var x = a.ords[i], y = b.ords[j];
      if (x < y) i++;
      else if (y < x) j++;
      else { ords[k] = x; scores[k++] = a.scores[i++] + b.scores[j++]; }
    }
    return { ords: ords.subarray(0, k), scores: scores.subarray(0, k) };
  }
  // Documents in either list (scores summed), in ord order.
  function union(a, b) {
    var n = a.ords.length + b.ords.length, ords = new Int32Array(n), scores = new Float64Array(n);
    var i = 0, j = 0, k = 0;
    while (i < a.ords.length || j < b.ords.length) {
      var x = i < a.ords.length ? a.ords[i] : Infinity, y = j < b.ords.length ? b.ords[j] : Infinity;
      if (x < y) { ords[k] = x; scores[k++] = a.scores[i++]; }
      else if (y < x) { ords[k] = y; scores[k++] = b.scores[j++]; }
      else { ords[k] = x; scores[k++] = a.scores[i++] + b.scores[j++]; }
    }
    return { ords: ords.subarray(0, k), scores: scores.subarray(0, k) };
  }
  // The `limit` best of hits (indexes into scores, ascending, i.e. in ord order) by score
  // descending, ties to the lower ord (the newer incident), like a full sort but one pass:
  // a first page needs 10 of possibly thousands.
  function best(hits, scores, limit) {
    if (limit * 8 >= hits.length) {
      return hits.slice().sort(function (a, b) { return scores[b] - scores[a] || a - b; }).slice(0, limit);
    }
    var top = [];
    for (var i = 0; i < hits.length; i++) {
      var h = hits[i], s = scores[h];
      // Hits come in ord order, so an equal score never displaces an earlier one.
      if (top.length === limit && s <= scores[top[limit - 1]]) continue;
      var at = top.length === limit ? limit - 1 : top.length;
      while (at > 0 && scores[top[at - 1]] < s) { top[at] = top[at - 1]; at--; }
      top[at] = h;
    }
    return top;
  }

  // Ranges [from, to) (UTF-16) of the tokens of text whose term is one of terms.
  // Stemming rewrites only suffixes, and keeps a word's first two characters but for
  // "dying" → "die" ("ying" after one consonant becomes "ie"); a word of fewer than three
  // is kept whole. So only words that start with a term's shard key (its first two
  // characters, or its one), or with its first character then "y", are stemmed: stemming
  // is most of the work of a page of snippets.
  function mayStemTo(word, key) {
    var w = Array.from(word.slice(0, 4)), k = Array.from(key);
    return w[0] === k[0] && (k.length < 2 || w[1] === k[1] || w[1] === "y");
  }
  // Words of titles and snippets already stemmed: the same words recur from row to row.
  var stems = new Map();
  function highlight(text, terms) {
    var keys = terms.map(shardKey);
    var re = /[\p{Alphabetic}\p{N}]+/gu, out = [], m;
    while ((m = re.exec(text))) {
      var w = lower(m[0]), i;
      for (i = 0; i < keys.length; i++) if (mayStemTo(w, keys[i])) break;
      if (i === keys.length || utf8Length(m[0]) >= MAX_TOKEN_BYTES) continue;
      var st = stems.get(w);
      if (st === undefined) {
        st = stem(w);
        if (stems.size < 20000) stems.set(w, st);
      }
      if (terms.indexOf(st) >= 0) out.push([m.index, m.index + m[0].length]);
    }
    return out;
  }

  // A window of text around the first match, with the matches marked.
  function snippet(text, terms, width) {
    width = width || 200;
    var marks = highlight(text, terms);
    var start = 0;
    if (marks.length && text.length > width && marks[0][0] > width / 3) {
      start = text.lastIndexOf(" ", marks[0][0] - 40) + 1;
    }
    var end = Math.min(text.length, start + width);
    if (end < text.length) { var sp = text.lastIndexOf(" ", end); if (sp > start) end = sp; }
    var prefix = start > 0 ? "…" : "";
    var body = prefix + text.slice(start, end) + (end < text.length && !/…$/.test(text.slice(start, end)) ? "…" : "");
    var shift = prefix.length - start;
    return {
      text: body,
      highlights: marks.filter(function (m) { return m[0] >= start && m[1] <= end; })
        .map(function (m) { return [m[0] + shift, m[1] + shift]; })
    };
  }

  var api = { tokens: tokens, stem: stem, parseQuery: parseQuery, withinOneEdit: withinOneEdit, Engine: Engine, snippet: snippet, highlight: highlight, best: best };
  if (typeof module === "object" && module.exports) module.exports = api;
  root.incidexSearch = api;

  // ---- 3. The page -------------------------------------------------------------------
  if (typeof document === "undefined") return;
  var script = document.currentScript;
  var indexBase = (script && script.getAttribute("data-index")) || "index/";
  var PAGE = 10;
  var FACETS = [["category", "Category"], ["service", "Service"], ["year", "Year"], ["severity", "Severity"]];
  var state = { q: "", sort: "relevance", filters: {}, limit: PAGE };
  var form, input, sortSelect, status, list, facetBox, more, siteRoot;
  // A server announces its API in the head (incidex serve puts the tag first), so it is
  // known here, before the first query is started.
  var apiMeta = document.querySelector('meta[name="incidex-search-api"]');

  var engine = Engine(function (path) {
    return fetch(indexBase + path).then(function (r) {
      if (!r.ok) {
        var e = new Error(path + ": HTTP " + r.status);
        e.missing = r.status === 404;
        throw e;
      }
      return r.arrayBuffer();
    });
  });

  // A server (incidex serve) may answer instead: same result shape as `search --json`.
  function viaApi(opts) {
    var p = new URLSearchParams({ q: opts.q, sort: opts.sort, limit: String(opts.limit) });
    Object.keys(opts.filters).forEach(function (k) { if (opts.filters[k]) p.set(k, opts.filters[k]); });
    return fetch(apiMeta.getAttribute("content") + "?" + p).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (res) {
      res.hits.forEach(function (h) {
        // The API's highlights are in characters; the page works in UTF-16 units.
        var toUnits = function (text, ranges) {
          var chars = Array.from(text), at = [0];
          chars.forEach(function (ch, i) { at[i + 1] = at[i] + ch.length; });
          return ranges.map(function (r) { return [at[r[0]], at[r[1]]]; });
        };
        h.snippet = { text: h.snippet.text, highlights: toUnits(h.snippet.text, h.snippet.highlights) };
        h.titleHighlights = h.title_highlights ? toUnits(h.title, h.title_highlights) : [];
      });
      return res;
    });
  }

  function query(opts) {
    return apiMeta ? viaApi(opts).catch(function () { return engine.search(opts); }) : engine.search(opts);
  }

  // The first query, started while the page is still loading; update() takes it over
  // when it asks for the same thing of the same source.
  var early = null;
  function optsKey(opts) { return JSON.stringify([opts.q, opts.filters, opts.sort, opts.limit, !!apiMeta]); }

  function run(opts) {
    var started = early;
    early = null;
    if (started && started.key === optsKey(opts)) return started.promise;
    return query(opts);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.appendChild(document.createTextNode(text));
    return e;
  }

  // Text with <mark>s, built from text nodes only.
  function marked(parent, text, ranges) {
    var at = 0;
    ranges.forEach(function (r) {
      if (r[0] < at) return;
      if (r[0] > at) parent.appendChild(document.createTextNode(text.slice(at, r[0])));
      parent.appendChild(el("mark", null, text.slice(r[0], r[1])));
      at = r[1];
    });
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
    return parent;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function renderFacets(facets) {
    clear(facetBox);
    FACETS.forEach(function (f) {
      var values = (facets[f[0]] || []).filter(function (v) { return v[2] > 0 || state.filters[f[0]] === v[0]; });
      if (!values.length) return;
      var group = el("div", "facet");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", f[1]);
      group.appendChild(el("h2", null, f[1]));
      var ul = el("ul");
      values.slice(0, 12).forEach(function (v) {
        var li = el("li");
        var b = el("button", "facet-value");
        b.type = "button";
        b.setAttribute("data-facet", f[0]);
        b.setAttribute("data-value", v[0]);
        b.setAttribute("aria-pressed", state.filters[f[0]] === v[0] ? "true" : "false");
        b.appendChild(el("span", "facet-name", v[1]));
        b.appendChild(el("span", "count", String(v[2])));
        b.addEventListener("click", function () {
          state.filters[f[0]] = state.filters[f[0]] === v[0] ? undefined : v[0];
          state.limit = PAGE;
          update(true);
        });
        li.appendChild(b);
        ul.appendChild(li);
      });
      group.appendChild(ul);
      facetBox.appendChild(group);
    });
  }

  function renderResults(res) {
    clear(list);
    res.hits.forEach(function (h) {
      var li = el("li", "search-result");
      var a = el("a", "result-title");
      a.href = siteRoot + h.url;
      marked(a, h.title, h.titleHighlights || []);
      li.appendChild(a);
      var meta = [h.date, h.category, h.services.join(", "), h.severity, h.duration, h.impact]
        .filter(function (x) { return x; }).join(" · ");
      if (meta) li.appendChild(el("p", "result-meta", meta));
      li.appendChild(marked(el("p", "snippet"), h.snippet.text, h.snippet.highlights));
      list.appendChild(li);
    });
    var n = res.total;
    status.textContent = state.q.trim() === "" ? "" :
      n === 0 ? "No postmortems match." :
      n + " postmortem" + (n === 1 ? "" : "s") + (n > res.hits.length ? ", showing the first " + res.hits.length : "");
  }

  function toUrl() {
    var p = new URLSearchParams();
    if (state.q) p.set("q", state.q);
    FACETS.forEach(function (f) { if (state.filters[f[0]]) p.set(f[0], state.filters[f[0]]); });
    if (state.sort !== "relevance") p.set("sort", state.sort);
    var qs = p.toString();
    return location.pathname + (qs ? "?" + qs : "");
  }

  var seq = 0, first = true;
  function update(push) {
    var mine = ++seq;
    history[push ? "pushState" : "replaceState"](null, "", toUrl());
    if (state.q.trim() === "") {
      clear(list); clear(facetBox); status.textContent = "";
      if (more) more.hidden = true;
      return Promise.resolve();
    }
    status.textContent = "Searching…";
    return run({ q: state.q, filters: state.filters, sort: state.sort, limit: state.limit }).then(function (res) {
      if (mine !== seq) return;
      renderResults(res);
      if (more) more.hidden = res.total <= res.hits.length;
      var mark = first && window.performance && performance.mark;
      // For bench/search.sh: results are in the document; then, a task after the next
      // animation frame (whose paint shows them), painted.
      if (mark) performance.mark("incidex-search-results");
      first = false;
      // The facets (counted over every match) once the results are on screen: a task
      // after the animation frame that paints them. The next typed query need not wait.
      requestAnimationFrame(function () {
        setTimeout(function () {
          if (mark) performance.mark("incidex-search-painted");
          if (mine !== seq) return;
          renderFacets(res.facets || {});
          document.documentElement.setAttribute("data-search-done", String(mine));
        }, 0);
      });
    }).catch(function (e) {
      if (mine !== seq) return;
      status.textContent = "Search failed: " + e.message;
    });
  }

  function readUrl() {
    var p = new URLSearchParams(location.search);
    state.q = p.get("q") || "";
    state.sort = p.get("sort") || "relevance";
    state.filters = {};
    state.limit = PAGE;
    FACETS.forEach(function (f) { if (p.get(f[0])) state.filters[f[0]] = p.get(f[0]); });
  }

  function fromUrl() {
    readUrl();
    input.value = state.q;
    sortSelect.value = state.sort;
  }

  // Before the page is parsed: start the URL's query (from the API when announced).
  readUrl();
  if (state.q.trim() !== "") {
    var firstOpts = { q: state.q, filters: state.filters, sort: state.sort, limit: state.limit };
    early = { key: optsKey(firstOpts), promise: query(firstOpts) };
    early.promise.catch(function () {});
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  function start() {
    form = document.getElementById("search-form");
    if (!form) return;
    input = document.getElementById("search-q");
    sortSelect = document.getElementById("search-sort");
    status = document.getElementById("search-status");
    list = document.getElementById("search-results");
    facetBox = document.getElementById("search-facets");
    more = document.getElementById("search-more");
    siteRoot = form.getAttribute("data-root") || "../";
    // A page that announces the API only in its body (not incidex serve) still uses it.
    apiMeta = apiMeta || document.querySelector('meta[name="incidex-search-api"]');

    // Results as you type: a keystroke starts its query at once when none is running;
    // while one runs, only the latest text waits for it, so at most one typed query is in
    // flight and a fast typist's intermediate words are skipped rather than fetched.
    var typing = null, typedAgain = false;
    function typed() {
      typedAgain = false;
      typing = update(false).then(function () {
        typing = null;
        if (typedAgain) typed();
      });
    }
    input.addEventListener("input", function () {
      state.q = input.value;
      state.limit = PAGE;
      if (typing) typedAgain = true; else typed();
    });
    sortSelect.addEventListener("change", function () { state.sort = sortSelect.value; state.limit = PAGE; update(true); });
    form.addEventListener("submit", function (e) { e.preventDefault(); state.q = input.value; state.limit = PAGE; update(true); });
    if (more) more.addEventListener("click", function () { state.limit += 2 * PAGE; update(false); });
    window.addEventListener("popstate", function () { fromUrl(); update(false); });
    document.addEventListener("keydown", function (e) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a.result-title"));
      var i = links.indexOf(document.activeElement);
      if (e.key === "/" && document.activeElement !== input) { e.preventDefault(); input.focus(); input.select(); }
      else if (e.key === "ArrowDown" && (document.activeElement === input || i >= 0) && links.length) {
        e.preventDefault(); links[Math.min(i + 1, links.length - 1)].focus();
      } else if (e.key === "ArrowUp" && i >= 0) {
        e.preventDefault(); (i === 0 ? input : links[i - 1]).focus();
      } else if (e.key === "Escape" && document.activeElement === input) {
        input.value = ""; state.q = ""; update(false);
      }
    });
    fromUrl();
    update(false);
    // Opened without a query: fetch the manifest now (every query needs it, and it is the
    // largest file one fetches), so the first query typed waits only for its own words.
    if (!apiMeta && state.q.trim() === "") engine.manifest().catch(function () {});
  }
})(typeof window !== "undefined" ? window : globalThis);

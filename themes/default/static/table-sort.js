// Sortable tables: progressive enhancement. Without JavaScript the table is already in
// date order; with it, a click (or Enter) on a column heading sorts by that column.
//
// A long list cut into pages (`.paged-list`, see render/pager.rs: page 1 is index.html,
// page n is page-n.html, all in one folder) is sorted as a whole: the first click fetches
// the list's other pages, takes their rows, and from then on the table shows the sorted
// list a page at a time, with its own Previous/Next. Where the other pages cannot be
// fetched (a site opened from file://, a network error) this page alone is sorted, and the
// status line says so.
//
// Reads only data-value attributes and rows the theme drew; never inserts HTML (rows from
// the other pages are parsed as inert documents and moved, the status is text).
(function () {
  "use strict";
  var collator = window.Intl ? new Intl.Collator(undefined, { sensitivity: "base" }) : null;
  function compareText(a, b) { return collator ? collator.compare(a, b) : a.localeCompare(b); }

  // `rows` sorted by column `idx`; ties keep their order in `rows` (so sorting by one column
  // then another sorts by both).
  function sorted(rows, idx, numeric, dir) {
    var keyed = rows.map(function (r, i) {
      var cell = r.cells[idx];
      var v = cell ? cell.getAttribute("data-value") || "" : "";
      if (numeric) { v = parseFloat(v); if (isNaN(v)) v = -Infinity; }
      return { r: r, k: v, i: i };
    });
    keyed.sort(function (a, b) {
      var c = numeric ? (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) : compareText(a.k, b.k);
      if (dir === "descending") c = -c;
      return c || a.i - b.i;
    });
    return keyed.map(function (x) { return x.r; });
  }

  function replaceRows(body, rows) {
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r); });
    while (body.firstChild) body.removeChild(body.firstChild);
    body.appendChild(frag);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // A paged list: its rows are fetched from every page once, then shown sorted, `per` at
  // a time.
  function PagedList(list, table) {
    this.list = list;
    this.table = table;
    this.pages = parseInt(list.getAttribute("data-pages"), 10) || 1;
    this.page = parseInt(list.getAttribute("data-page"), 10) || 1;
    this.per = parseInt(list.getAttribute("data-per-page"), 10) || table.tBodies[0].rows.length;
    this.total = parseInt(list.getAttribute("data-total"), 10) || 0;
    this.rows = null; // every row of the list, once fetched, in the order shown
    this.failed = false; // the other pages could not be fetched: sort this page only
    this.loading = false;
    this.at = 0; // which page of the sorted list is shown
    this.status = list.querySelector(".list-status");
    if (!this.status) {
      this.status = el("p", "list-status muted");
      list.insertBefore(this.status, list.firstChild);
    }
    this.status.setAttribute("role", "status");
    this.navs = [];
  }

  PagedList.prototype.file = function (n) { return n <= 1 ? "index.html" : "page-" + n + ".html"; };

  PagedList.prototype.fetchAll = function () {
    var self = this;
    var own = Array.prototype.slice.call(this.table.tBodies[0].rows);
    var parts = [];
    for (var n = 1; n <= this.pages; n++) {
      parts.push(n === this.page ? Promise.resolve(own) : this.fetchRows(n));
    }
    return Promise.all(parts).then(function (lists) {
      var all = [].concat.apply([], lists);
      if (self.total && all.length !== self.total) {
        throw new Error("the pages hold " + all.length + " rows, not " + self.total + " (rebuilt meanwhile? reload the page)");
      }
      return all;
    });
  };

  PagedList.prototype.fetchRows = function (n) {
    var name = this.file(n);
    return fetch(name, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(name + ": HTTP " + r.status);
      return r.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var t = doc.querySelector(".paged-list table.sortable");
      if (!t || !t.tBodies[0]) throw new Error(name + " has no list table");
      return Array.prototype.slice.call(t.tBodies[0].rows).map(function (r) { return document.importNode(r, true); });
    });
  };

  PagedList.prototype.sort = function (th, idx, numeric, dir) {
    var self = this;
    if (this.failed) { sortPage(this.table, idx, numeric, dir); return; }
    if (this.rows) { this.rows = sorted(this.rows, idx, numeric, dir); this.show(0, th, dir); return; }
    if (this.loading) return;
    this.loading = true;
    this.list.setAttribute("aria-busy", "true");
    this.status.textContent = "Loading the list's other " + (this.pages - 1) + " page" + (this.pages === 2 ? "" : "s") + " to sort all " + this.total + "…";
    this.fetchAll().then(function (all) {
      self.rows = sorted(all, idx, numeric, dir);
      self.show(0, th, dir);
    }).catch(function (err) {
      self.failed = true;
      self.rows = null;
      sortPage(self.table, idx, numeric, dir);
      self.status.textContent = "Sorted this page only: the list's other pages could not be loaded (" + (err && err.message ? err.message : err) + ").";
    }).then(function () {
      self.loading = false;
      self.list.removeAttribute("aria-busy");
      self.list.setAttribute("data-sorted", self.failed ? "page" : "all");
    });
  };

  // Show page `at` (from 0) of the sorted list, with its own pager in place of the
  // date-ordered one.
  PagedList.prototype.show = function (at, th, dir) {
    var self = this;
    var count = this.rows.length;
    var last = Math.max(0, Math.ceil(count / this.per) - 1);
    this.at = Math.min(Math.max(at, 0), last);
    var first = this.at * this.per;
    var end = Math.min(first + this.per, count);
    replaceRows(this.table.tBodies[0], this.rows.slice(first, end));
    if (th) this.by = (th.textContent || "").trim() + ", " + dir;
    this.status.textContent = "All " + count + " sorted by " + this.by + "; showing " + (count ? first + 1 : 0) + " to " + end + ".";
    if (!this.navs.length) {
      // What the page says of its own place in the date order no longer holds.
      Array.prototype.forEach.call(this.list.querySelectorAll(".list-order"), function (e) { e.style.display = "none"; });
      Array.prototype.forEach.call(this.list.querySelectorAll("nav.pager"), function (nav) {
        var mine = el("nav", "pager pager-sorted");
        mine.setAttribute("aria-label", (nav.getAttribute("aria-label") || "Pages") + ", sorted");
        var prev = el("button", "pager-prev", "← Previous");
        var where = el("span", "pager-page");
        var next = el("button", "pager-next", "Next →");
        prev.type = next.type = "button";
        prev.addEventListener("click", function () { self.show(self.at - 1); });
        next.addEventListener("click", function () { self.show(self.at + 1); });
        mine.appendChild(prev); mine.appendChild(where); mine.appendChild(next);
        // `hidden` alone loses to a stylesheet's `display` for the class.
        nav.hidden = true;
        nav.style.display = "none";
        nav.parentNode.insertBefore(mine, nav.nextSibling);
        self.navs.push({ prev: prev, next: next, where: where });
      });
    }
    this.navs.forEach(function (n) {
      n.prev.disabled = self.at === 0;
      n.next.disabled = self.at === last;
      n.where.textContent = "Page " + (self.at + 1) + " of " + (last + 1);
    });
  };

  function sortPage(table, idx, numeric, dir) {
    var body = table.tBodies[0];
    replaceRows(body, sorted(Array.prototype.slice.call(body.rows), idx, numeric, dir));
  }

  function sortTable(table, th, paged) {
    var idx = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.getAttribute("data-sort") === "number";
    // A second click turns the order round; a first sorts numbers highest first and text
    // from A.
    var now = th.getAttribute("aria-sort");
    var dir = now ? (now === "descending" ? "ascending" : "descending") : (numeric ? "descending" : "ascending");
    if (paged && paged.loading) return;
    table.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    if (paged) paged.sort(th, idx, numeric, dir); else sortPage(table, idx, numeric, dir);
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    var list = table.closest ? table.closest(".paged-list[data-pages]") : null;
    var paged = list && window.fetch && window.DOMParser && parseInt(list.getAttribute("data-pages"), 10) > 1
      ? new PagedList(list, table) : null;
    table.querySelectorAll("th[data-sort]").forEach(function (th) {
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortTable(table, th, paged); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortTable(table, th, paged); }
      });
    });
  });
})();

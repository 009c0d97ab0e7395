// The site opened from disk (file://): a link to a folder ("../incidents/") would show the
// browser's file listing, because only a web server turns a folder into its index.html.
// Point every relative link that ends in a folder at the folder's index.html, keeping its
// query and fragment; absolute URLs (a scheme such as https: or mailto:, or "//host") stay
// as they are. Carried inline at the end of every page (base.html), so it runs once the
// page's links are parsed, and kept short since every page pays its bytes; on a web server
// (http, https) it changes nothing. Links added later by a script are not rewritten:
// table-sort.js only reorders the rows it finds (it cannot fetch other pages from disk),
// and search does not run from disk.
if (location.protocol === "file:") for (const a of document.querySelectorAll("a[href]")) {
  const h = a.getAttribute("href");
  if (!/^(?:[a-z][\w+.-]*:|\/\/)/i.test(h)) a.setAttribute("href", h.replace(/^([^?#]*\/)(?=[?#]|$)/, "$1index.html"));
}

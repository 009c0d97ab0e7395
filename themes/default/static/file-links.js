// The site opened from disk (file://): a link to a folder ("../incidents/") would show the
// browser's file listing, because only a web server turns a folder into its index.html.
// Point every relative link that ends in a folder at the folder's index.html, keeping its
// query and fragment. Carried inline at the end of every page (base.html), so it runs once
// the page's links are parsed; on a web server (http, https) it changes nothing. Links
// added later by a script are not rewritten: table-sort.js only reorders the rows it finds
// (it cannot fetch other pages from disk), and search does not run from disk.
(function () {
  if (location.protocol !== "file:") return;
  var links = document.querySelectorAll("a[href]");
  for (var i = 0; i < links.length; i++) {
    var href = links[i].getAttribute("href");
    // Absolute URLs (a scheme such as https: or mailto:, or "//host") stay as they are.
    if (/^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(href)) continue;
    var fixed = href.replace(/^([^?#]*\/)(?=[?#]|$)/, "$1index.html");
    if (fixed !== href) links[i].setAttribute("href", fixed);
  }
})();

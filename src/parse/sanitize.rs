//! HTML sanitising for untrusted postmortem bodies.
//!
//! Postmortems are pasted from chat, tickets and logs; raw HTML in them must never run on
//! the site. This module is the only place that decides which tags and attributes survive.

use std::sync::OnceLock;

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        // Heading anchors and code-block languages survive; everything else stays ammonia's
        // conservative default (no script, no event handlers, no javascript: URLs).
        b.add_tag_attributes("h1", &["id"])
            .add_tag_attributes("h2", &["id"])
            .add_tag_attributes("h3", &["id"])
            .add_tag_attributes("h4", &["id"])
            .add_tag_attributes("h5", &["id"])
            .add_tag_attributes("h6", &["id"])
            .add_tag_attributes("code", &["class"])
            .add_tag_attributes("img", &["width", "height", "loading"])
            .add_tag_attributes("input", &["type", "checked", "disabled"])
            .add_tags(&["input"])
            .add_tag_attributes("th", &["style"])
            .add_tag_attributes("td", &["style"])
            .add_tag_attributes("sup", &["id"])
            .add_tag_attributes("div", &["id"])
            .link_rel(Some(LINK_REL));
        b
    })
}

/// The `rel` every link in a postmortem body gets: no `window.opener` for the target, and no
/// `Referer` header leaking an internal archive's URLs to outside sites.
const LINK_REL: &str = "noopener noreferrer";

/// Remove anything executable from `html`.
pub fn clean(html: &str) -> String {
    cleaner().clean(html).to_string()
}

/// Whether [`clean`] would keep `url` as a link or image address unchanged. Deliberately
/// narrower than the sanitiser: a URL with no `:` cannot name a scheme (it is relative or a
/// fragment), and of the absolute ones only http, https and mailto are accepted; anything
/// else (including schemes hidden behind whitespace or control characters, which URL
/// parsers strip) sends the document through [`clean`].
pub fn url_is_safe(url: &str) -> bool {
    if !url.contains(':') {
        return true;
    }
    let head = url.as_bytes();
    ["http://", "https://", "mailto:"].iter().any(|scheme| {
        head.len() >= scheme.len() && head[..scheme.len()].eq_ignore_ascii_case(scheme.as_bytes())
    })
}

/// The opening `<a>` tag for a link whose URL passed [`url_is_safe`], escaped as
/// pulldown-cmark escapes it, with the `rel` that [`clean`] adds to every link.
pub fn link_start(email: bool, url: &str, title: &str) -> String {
    let mut tag = String::with_capacity(url.len() + title.len() + 48);
    tag.push_str(if email { "<a href=\"mailto:" } else { "<a href=\"" });
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_href(&mut tag, url);
    if !title.is_empty() {
        tag.push_str("\" title=\"");
        let _ = pulldown_cmark_escape::escape_html(&mut tag, title);
    }
    tag.push_str("\" rel=\"");
    tag.push_str(LINK_REL);
    tag.push_str("\">");
    tag
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn only_relative_http_and_mailto_urls_are_safe() {
        use super::url_is_safe;
        for ok in [
            "/x/",
            "../y/z.png",
            "#impact",
            "?q=1",
            "https://a.example/",
            "HTTP://A/",
            "mailto:o@e.x",
        ] {
            assert!(url_is_safe(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "JAVASCRIPT:x",
            "data:text/html,x",
            "vbscript:x",
            "ftp://x/",
            "x:y",
        ] {
            assert!(!url_is_safe(bad), "{bad:?}");
        }
    }

    #[test]
    fn keeps_structure_drops_script() {
        let out = clean(
            "<h2 id=\"a\">A</h2><p onclick=\"x()\">b<script>evil()</script></p><iframe src=x></iframe>",
        );
        assert_eq!(out, "<h2 id=\"a\">A</h2><p>b</p>");
    }

    #[test]
    fn neutralises_dangerous_urls_and_styles() {
        let out = clean("<a href=\"javascript:alert(1)\">x</a><img src=\"data:text/html,<script>\"><svg onload=alert(1)></svg>");
        assert!(!out.contains("javascript:"));
        assert!(!out.contains("onload"));
        assert!(!out.contains("<svg"));
    }
}

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
            .link_rel(Some("noopener noreferrer"));
        b
    })
}

/// Remove anything executable from `html`.
pub fn clean(html: &str) -> String {
    cleaner().clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::clean;

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

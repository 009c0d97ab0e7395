//! Overlay: what is broken, shown on top of every page while serving.
//!
//! Owns the choice of what is worth interrupting the reader for and its HTML. Shown: errors
//! in files edited since `serve` started (the file being written right now), and a rebuild
//! that failed outright (a broken config or template: the previous site stays up
//! underneath). Errors that were already there at start are printed once in the terminal
//! instead, so an old archive with known problems does not cover every page. All text from
//! content is escaped; the overlay has inline styles so it works with any theme.

use crate::diagnostic::Diagnostic;

/// Why the overlay is up.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Problems {
    /// The rebuild could not produce a site (config, theme or content folder); message.
    pub fatal: Option<String>,
    /// Error diagnostics of files edited during this session.
    pub errors: Vec<Diagnostic>,
}

impl Problems {
    pub fn is_empty(&self) -> bool {
        self.fatal.is_none() && self.errors.is_empty()
    }

    /// The overlay's HTML, or `None` when there is nothing to show.
    pub fn html(&self) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let esc = tera::escape_html;
        let mut items = String::new();
        if let Some(f) = &self.fatal {
            items.push_str(&format!(
                "<li style=\"margin:.4em 0\"><strong>rebuild failed</strong>: {}<br><small>the page below is from the last good build</small></li>",
                esc(f)
            ));
        }
        for d in &self.errors {
            let place = match d.line {
                Some(l) => format!("{}:{l}", d.path),
                None => d.path.clone(),
            };
            items.push_str(&format!(
                "<li style=\"margin:.4em 0\"><code>{}</code> <code>[{}]</code> {}{}</li>",
                esc(&place),
                esc(d.code),
                esc(&d.message),
                d.hint
                    .as_deref()
                    .map(|h| format!("<br><small>help: {}</small>", esc(h)))
                    .unwrap_or_default()
            ));
        }
        let count = usize::from(self.fatal.is_some()) + self.errors.len();
        Some(format!(
            "<div id=\"incidex-overlay\" role=\"alert\" style=\"position:fixed;inset:auto 1rem 1rem 1rem;\
max-height:60vh;overflow:auto;z-index:2147483647;background:#2b0b0b;color:#ffe9e9;\
font:14px/1.4 system-ui,sans-serif;padding:1rem 1.25rem;border-radius:6px;\
box-shadow:0 4px 24px rgba(0,0,0,.4);border-left:6px solid #ff5a5a\">\
<button id=\"incidex-overlay-close\" type=\"button\" aria-label=\"Dismiss\" style=\"float:right;\
background:none;border:0;color:inherit;font-size:20px;cursor:pointer\">&times;</button>\
<strong>incidex serve: {count} problem{} to fix</strong>\
<ul style=\"margin:.5em 0 0;padding-left:1.2em\">{items}</ul></div>",
            if count == 1 { "" } else { "s" }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_broken_means_no_overlay() {
        assert_eq!(Problems::default().html(), None);
    }

    #[test]
    fn content_text_is_escaped() {
        let p = Problems {
            fatal: None,
            errors: vec![Diagnostic::error(
                "front-matter-syntax",
                "a<b>.md",
                "bad <script>alert(1)</script>",
            )
            .at_line(3)],
        };
        let html = p.html().unwrap();
        assert!(html.contains("a&lt;b&gt;.md:3"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"),
            "{html}"
        );
        assert!(!html.contains("<script>"));
        assert!(html.contains("1 problem to fix"));
    }
}

//! Slugs: the URL-safe names of pages (`incidents/<slug>/`, `categories/<slug>/`).
//!
//! A slug is lowercase ASCII letters, digits and single hyphens, never empty when the input
//! has any letter or digit. That rules out `..`, `/` and anything else that could escape
//! the output folder, whatever a postmortem's title or front matter says.

/// `"../../etc/passwd"` → `"etc-passwd"`, `"Disk Full on DB-3!"` → `"disk-full-on-db-3"`.
/// Non-ASCII letters are dropped after a best-effort transliteration of common accents.
pub fn slugify(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_dash = false;
    for c in input.chars() {
        let mapped = match c {
            'a'..='z' | '0'..='9' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' => Some('a'),
            'è' | 'é' | 'ê' | 'ë' | 'É' | 'È' => Some('e'),
            'ì' | 'í' | 'î' | 'ï' => Some('i'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ö' | 'Ó' => Some('o'),
            'ù' | 'ú' | 'û' | 'ü' | 'Ü' => Some('u'),
            'ç' => Some('c'),
            'ñ' => Some('n'),
            _ => None,
        };
        match mapped {
            Some(m) => {
                if out.len() + 2 > 80 {
                    break;
                }
                if pending_dash && !out.is_empty() {
                    out.push('-');
                }
                pending_dash = false;
                out.push(m);
            }
            None => pending_dash = true,
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_are_safe_path_components() {
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("Disk Full on DB-3!"), "disk-full-on-db-3");
        assert_eq!(slugify("2023-05-10-routing"), "2023-05-10-routing");
        assert_eq!(slugify("Café outage"), "cafe-outage");
        assert_eq!(slugify("שגיאה"), "");
        assert_eq!(slugify("a\\b..c"), "a-b-c");
    }

    #[test]
    fn slugs_are_bounded() {
        assert!(slugify(&"word ".repeat(100)).len() <= 80);
    }
}

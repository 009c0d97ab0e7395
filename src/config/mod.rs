//! Site configuration: `incidex.yaml` read on top of the built-in defaults.
//!
//! Owns the schema of the config file and its defaults (including the root-cause taxonomy).
//! It must not read content or know about pages: other stages receive a `&Config`.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Built-in defaults, also the reference for the taxonomy format.
pub const DEFAULTS_YAML: &str = include_str!("defaults.yaml");

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// One root-cause category of the taxonomy.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub slug: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Phrase (matched case-insensitively on word boundaries) → weight.
    #[serde(default)]
    pub phrases: BTreeMap<String, f64>,
}

impl Category {
    pub fn display_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.slug.replace('-', " "))
    }
}

/// How a user's `taxonomy` combines with the default one.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TaxonomyMode {
    /// Categories with a known slug get their phrases added (same phrase: the user's weight
    /// wins); new slugs are appended.
    #[default]
    Extend,
    /// The user's list is the whole taxonomy.
    Replace,
}

/// The whole configuration, after defaults are applied.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute URL the site is published at, used for exports (sitemap, feed). Pages link
    /// to each other with relative URLs, so the site works on any host and from disk.
    pub base_url: String,
    /// A folder whose templates/ and static/ override the default theme's files.
    pub theme: Option<PathBuf>,
    /// Zone assumed when a postmortem names none: an abbreviation (`UTC`), an offset
    /// (`+01:00`) or an IANA name (`Europe/Berlin`).
    pub default_timezone: String,
    pub taxonomy: Vec<Category>,
    /// Fields whose absence is a `missing-field` warning.
    pub required_fields: Vec<String>,
    /// Rows per page of an incident list (all incidents, a category's, a service's…, the
    /// data-quality page's postmortems to fix);
    /// longer lists get more pages (`render::pager`). 0: every list is one page.
    pub paginate_by: usize,
    /// Keys of the user's file that incidex does not know, available to themes as `config.extra`.
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// The file as written: everything optional.
#[derive(Debug, Default, Deserialize)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    theme: Option<PathBuf>,
    default_timezone: Option<String>,
    #[serde(default)]
    taxonomy_mode: TaxonomyMode,
    taxonomy: Option<Vec<Category>>,
    required_fields: Option<Vec<String>>,
    paginate_by: Option<usize>,
    #[serde(flatten)]
    extra: BTreeMap<String, serde_yaml::Value>,
}

/// Rows per list page unless `paginate_by` says otherwise: about 550 KB of page, which a
/// browser shows (and sorts) at once; a typical archive's lists fit on one page.
pub const DEFAULT_PAGINATE_BY: usize = 1000;

impl Default for Config {
    fn default() -> Self {
        Config::from_yaml_str("", Path::new("<defaults>")).expect("built-in defaults are valid")
    }
}

impl Config {
    /// Read `path`; a missing file at the default location is not an error (`required`
    /// false), a missing file the user named is.
    pub fn load(path: &Path, required: bool) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let mut config = Config::from_yaml_str(&text, path)?;
                // A theme path in the file is relative to the file, not to the working dir.
                if let (Some(theme), Some(dir)) = (&config.theme, path.parent()) {
                    if theme.is_relative() {
                        config.theme = Some(dir.join(theme));
                    }
                }
                Ok(config)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Ok(Config::default()),
            Err(source) => Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    pub fn from_yaml_str(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let defaults: RawConfig = serde_yaml::from_str(DEFAULTS_YAML).expect("defaults.yaml parses");
        let user: RawConfig = if text.trim().is_empty() {
            RawConfig::default()
        } else {
            serde_yaml::from_str(text).map_err(|e| {
                let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
                ConfigError::Syntax {
                    path: path.to_path_buf(),
                    line,
                    column,
                    message: e.to_string(),
                }
            })?
        };
        let mut taxonomy = defaults.taxonomy.unwrap_or_default();
        if let Some(user_categories) = user.taxonomy {
            match user.taxonomy_mode {
                TaxonomyMode::Replace => taxonomy = user_categories,
                TaxonomyMode::Extend => {
                    for cat in user_categories {
                        match taxonomy.iter_mut().find(|c| c.slug == cat.slug) {
                            Some(existing) => {
                                existing.phrases.extend(cat.phrases);
                                if cat.name.is_some() {
                                    existing.name = cat.name;
                                }
                            }
                            None => taxonomy.push(cat),
                        }
                    }
                }
            }
        }
        for cat in &taxonomy {
            if cat.slug.is_empty()
                || !cat
                    .slug
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                return Err(ConfigError::Invalid {
                    path: path.to_path_buf(),
                    message: format!(
                        "taxonomy slug {:?} must be lowercase letters, digits and '-'",
                        cat.slug
                    ),
                });
            }
        }
        let default_timezone = user.default_timezone.unwrap_or_else(|| "UTC".to_string());
        if crate::extract::zone::parse_zone_name(&default_timezone).is_none() {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                message: format!("default_timezone {default_timezone:?} is not a known zone (try UTC, +01:00 or Europe/Berlin)"),
            });
        }
        let extra = user
            .extra
            .into_iter()
            .filter_map(|(k, v)| serde_json::to_value(v).ok().map(|v| (k, v)))
            .collect();
        Ok(Config {
            title: user.title.unwrap_or_else(|| "Incident archive".to_string()),
            description: user
                .description
                .unwrap_or_else(|| "Postmortems and what we learned from them.".to_string()),
            base_url: user.base_url.unwrap_or_else(|| "http://localhost/".to_string()),
            theme: user.theme,
            default_timezone,
            taxonomy,
            required_fields: user.required_fields.unwrap_or_else(|| {
                ["start", "end", "impact", "root_cause"]
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
            }),
            paginate_by: user.paginate_by.unwrap_or(DEFAULT_PAGINATE_BY),
            extra,
        })
    }

    pub fn category(&self, slug: &str) -> Option<&Category> {
        self.taxonomy.iter().find(|c| c.slug == slug)
    }

    /// `base_url` with exactly one trailing slash.
    pub fn base_url_slash(&self) -> String {
        format!("{}/", self.base_url.trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_ship_the_thirteen_categories() {
        let c = Config::default();
        let slugs: Vec<&str> = c.taxonomy.iter().map(|c| c.slug.as_str()).collect();
        for want in [
            "network",
            "load-balancer",
            "firewall",
            "dns",
            "database",
            "deployment",
            "configuration",
            "certificate",
            "capacity",
            "hardware",
            "dependency",
            "security",
            "software-bug",
        ] {
            assert!(slugs.contains(&want), "missing {want}");
        }
        assert_eq!(c.default_timezone, "UTC");
        assert_eq!(c.paginate_by, DEFAULT_PAGINATE_BY);
    }

    #[test]
    fn paginate_by_is_read_and_must_be_a_count() {
        let at = Path::new("incidex.yaml");
        assert_eq!(
            Config::from_yaml_str("paginate_by: 0\n", at).unwrap().paginate_by,
            0
        );
        assert_eq!(
            Config::from_yaml_str("paginate_by: 250\n", at)
                .unwrap()
                .paginate_by,
            250
        );
        assert!(!Config::from_yaml_str("paginate_by: 250\n", at)
            .unwrap()
            .extra
            .contains_key("paginate_by"));
        for bad in ["paginate_by: -5\n", "paginate_by: many\n"] {
            let err = Config::from_yaml_str(bad, at).unwrap_err().to_string();
            assert!(
                err.contains("incidex.yaml") && err.contains("paginate_by"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn user_taxonomy_extends_by_default_and_can_replace() {
        let c = Config::from_yaml_str(
            "taxonomy:\n  - slug: dns\n    phrases: {\"route53\": 7}\n  - slug: queue\n    name: Message queue\n    phrases: {kafka: 5}\n",
            Path::new("incidex.yaml"),
        )
        .unwrap();
        let dns = c.category("dns").unwrap();
        assert_eq!(dns.phrases.get("route53"), Some(&7.0));
        assert!(dns.phrases.contains_key("nameserver"), "defaults kept");
        assert_eq!(c.category("queue").unwrap().display_name(), "Message queue");

        let c = Config::from_yaml_str(
            "taxonomy_mode: replace\ntaxonomy:\n  - slug: queue\n    phrases: {kafka: 5}\n",
            Path::new("incidex.yaml"),
        )
        .unwrap();
        assert_eq!(c.taxonomy.len(), 1);
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err =
            Config::from_yaml_str("title: ok\nbase_url: [unclosed\n", Path::new("incidex.yaml")).unwrap_err();
        match err {
            ConfigError::Syntax { line, .. } => assert!(line >= 2),
            other => panic!("expected syntax error, got {other}"),
        }
    }

    #[test]
    fn unknown_timezone_is_rejected_with_a_hint() {
        let err = Config::from_yaml_str("default_timezone: Mars/Olympus\n", Path::new("x.yaml")).unwrap_err();
        assert!(err.to_string().contains("Mars/Olympus"));
    }
}

//! Exports: archive.json, incidents.csv, feed.xml (Atom) and sitemap.xml, all with absolute
//! URLs from `base_url`. Owns their formats; XML is written with [`xml_escape`], which also
//! drops characters XML 1.0 forbids, so content can never break a feed.

use crate::archive::Archive;
use crate::config::Config;
use crate::model::{Postmortem, When};
use crate::schema::RecordJson;

/// How many postmortems the Atom feed carries.
pub const FEED_ENTRIES: usize = 20;

/// Escape text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

pub fn page_url(config: &Config, rel: &str) -> String {
    format!("{}{}", config.base_url_slash(), rel)
}

/// `{"schema": 1, "base_url": …, "count": N, "records": [...]}`, each record the
/// `inspect --json` schema plus its URL. Compact, one record per line: a third the size of
/// pretty JSON, still greppable and diffable line by line.
///
/// Records are serialised in parallel, a chunk of postmortems per task (see
/// [`archive_json_chunks`]): the export is the largest single thing a build makes (~36 MB
/// at 10,000 postmortems) and was a serial half-second.
pub fn archive_json(archive: &Archive, config: &Config) -> String {
    // serde_json writes valid UTF-8 and the rest is ASCII.
    String::from_utf8(archive_json_chunks(archive, config).concat()).unwrap_or_default()
}

/// [`archive_json`] in pieces, to be written one after another: the pieces are made in
/// parallel, and a build writes them without joining them (the file is ~3.7 KB per
/// postmortem; joined, it was held twice at the build's peak).
pub fn archive_json_chunks(archive: &Archive, config: &Config) -> Vec<Vec<u8>> {
    use rayon::prelude::*;
    /// Postmortems per task: enough work per task, few enough bytes held per chunk.
    const CHUNK: usize = 256;
    let base_url = config.base_url_slash();
    let mut head = Vec::with_capacity(base_url.len() + 100);
    head.extend_from_slice(b"{\"schema\":1,\"base_url\":");
    let _ = serde_json::to_writer(&mut head, &base_url);
    head.extend_from_slice(format!(",\"count\":{},\"records\":[", archive.len()).as_bytes());
    let records: Vec<Vec<u8>> = archive
        .postmortems
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, postmortems)| {
            let mut out = Vec::with_capacity(postmortems.len() * 4096);
            for (i, p) in postmortems.iter().enumerate() {
                out.extend_from_slice(if c == 0 && i == 0 { b"\n" } else { b",\n" });
                let record = RecordJson::new(p, Some(page_url(config, &format!("incidents/{}/", p.slug))));
                let _ = serde_json::to_writer(&mut out, &record);
            }
            out
        })
        .collect();
    let mut chunks = Vec::with_capacity(records.len() + 2);
    chunks.push(head);
    chunks.extend(records);
    chunks.push(b"\n]}\n".to_vec());
    chunks
}

pub const CSV_HEADER: &[&str] = &[
    "slug",
    "url",
    "title",
    "start",
    "end",
    "duration_minutes",
    "impact_percent",
    "impact_users",
    "category",
    "severity",
    "services",
    "tags",
    "status",
    "path",
];

/// One row per incident; lists are joined with `; `.
pub fn incidents_csv(archive: &Archive, config: &Config) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(CSV_HEADER);
    for p in &archive.postmortems {
        let r = &p.record;
        let opt = |v: Option<String>| v.unwrap_or_default();
        let _ = w.write_record([
            p.slug.clone(),
            page_url(config, &format!("incidents/{}/", p.slug)),
            p.title.clone(),
            opt(r.start.map(|w| w.to_string())),
            opt(r.end.map(|w| w.to_string())),
            opt(crate::archive::duration_of(r).map(|m| m.to_string())),
            opt(r.impact.percent.map(|v| v.to_string())),
            opt(r.impact.users.map(|v| v.to_string())),
            opt(r.root_cause.category.clone()),
            opt(r.severity.clone()),
            r.all_services().join("; "),
            r.tags.join("; "),
            opt(r.status.clone()),
            p.path.clone(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// RFC 3339 with an offset, as Atom requires; zone-less and date-only values read as UTC.
fn atom_time(w: &When) -> String {
    let offset = w.offset.unwrap_or(jiff::tz::Offset::UTC);
    When::new(w.datetime, Some(offset)).to_string()
}

/// Atom feed of the newest dated postmortems.
pub fn atom_feed(archive: &Archive, config: &Config) -> String {
    let entries: Vec<&Postmortem> = archive
        .postmortems
        .iter()
        .filter(|p| p.record.start.is_some())
        .take(FEED_ENTRIES)
        .collect();
    let home = config.base_url_slash();
    let updated = entries
        .first()
        .and_then(|p| p.record.start)
        .map(|w| atom_time(&w))
        .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into());
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    x.push_str(&format!("  <title>{}</title>\n", xml_escape(&config.title)));
    x.push_str(&format!(
        "  <subtitle>{}</subtitle>\n",
        xml_escape(&config.description)
    ));
    x.push_str(&format!("  <id>{}</id>\n", xml_escape(&home)));
    x.push_str(&format!("  <link href=\"{}\"/>\n", xml_escape(&home)));
    x.push_str(&format!(
        "  <link rel=\"self\" href=\"{}\"/>\n",
        xml_escape(&page_url(config, "feed.xml"))
    ));
    x.push_str(&format!("  <updated>{updated}</updated>\n"));
    x.push_str("  <author><name>incidex</name></author>\n");
    for p in entries {
        let url = xml_escape(&page_url(config, &format!("incidents/{}/", p.slug)));
        let when = p.record.start.map(|w| atom_time(&w)).unwrap_or_default();
        let summary = p
            .record
            .root_cause
            .summary
            .as_deref()
            .or(p.record.impact.summary.as_deref())
            .unwrap_or("");
        x.push_str("  <entry>\n");
        x.push_str(&format!("    <title>{}</title>\n", xml_escape(&p.title)));
        x.push_str(&format!("    <id>{url}</id>\n    <link href=\"{url}\"/>\n"));
        x.push_str(&format!("    <updated>{when}</updated>\n"));
        if let Some(c) = &p.record.root_cause.category {
            x.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(c)));
        }
        if !summary.is_empty() {
            x.push_str(&format!("    <summary>{}</summary>\n", xml_escape(summary)));
        }
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

/// sitemap.xml listing every page (`rel` paths ending in `index.html`).
pub fn sitemap<'a>(config: &Config, pages: impl Iterator<Item = &'a str>) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for rel in pages {
        let Some(dir) = rel.strip_suffix("index.html") else {
            continue;
        };
        x.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            xml_escape(&page_url(config, dir))
        ));
    }
    x.push_str("</urlset>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::testing::{pm, Pm};

    fn archive() -> Archive {
        let mut a = pm(Pm {
            slug: "a",
            date: Some((2023, 5, 1)),
            category: Some("dns"),
            services: &["api", "edge"],
            minutes: Some(90),
            ..Pm::default()
        });
        a.title = "Quotes \"&\" <tags>, commas\nand a \u{1} control".into();
        a.record.root_cause.summary = Some("A <b>bad</b> & 'odd' record".into());
        let b = pm(Pm {
            slug: "b",
            ..Pm::default()
        });
        Archive::new(vec![a, b])
    }

    fn config() -> Config {
        Config {
            base_url: "https://pm.example/sub".into(),
            title: "R&D <incidents>".into(),
            ..Config::default()
        }
    }

    #[test]
    fn json_round_trips_with_absolute_urls() {
        let v: serde_json::Value = serde_json::from_str(&archive_json(&archive(), &config())).unwrap();
        assert_eq!(v["count"], 2);
        assert_eq!(v["records"][0]["url"], "https://pm.example/sub/incidents/a/");
        assert_eq!(v["records"][0]["services"], serde_json::json!(["api", "edge"]));
        assert_eq!(v["records"][0]["start"], "2023-05-01T10:00:00+00:00");
        assert_eq!(
            (v["schema"].clone(), v["base_url"].clone()),
            (1.into(), "https://pm.example/sub/".into())
        );
    }

    #[test]
    fn json_made_in_chunks_keeps_every_record_in_archive_order() {
        // Enough postmortems for several parallel chunks, joined in order.
        let postmortems = (0..700)
            .map(|i| {
                let mut p = pm(Pm::default());
                p.slug = format!("pm-{i:04}");
                p.path = format!("{}.md", p.slug);
                p
            })
            .collect();
        let archive = Archive::new(postmortems);
        let text = archive_json(&archive, &config());
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["count"], 700);
        let got: Vec<&str> = v["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["slug"].as_str().unwrap())
            .collect();
        let want: Vec<&str> = archive.postmortems.iter().map(|p| p.slug.as_str()).collect();
        assert_eq!(got, want);
        assert_eq!(text.lines().count(), 702, "one line per record plus the two ends");
    }

    #[test]
    fn json_has_one_record_per_line() {
        let text = archive_json(&archive(), &config());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        for record in &lines[1..3] {
            let record = record.trim_end_matches(',');
            let v: serde_json::Value = serde_json::from_str(record).unwrap();
            assert!(v["slug"].is_string());
        }
    }

    #[test]
    fn csv_round_trips() {
        let text = incidents_csv(&archive(), &config());
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), CSV_HEADER);
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][2], "Quotes \"&\" <tags>, commas\nand a \u{1} control");
        assert_eq!(&rows[0][5], "90");
        assert_eq!(&rows[0][10], "api; edge");
        assert_eq!(&rows[1][3], "", "undated stays empty");
    }

    #[test]
    fn feed_and_sitemap_parse_as_xml() {
        let feed = atom_feed(&archive(), &config());
        let doc = roxmltree::Document::parse(&feed).unwrap();
        let entries: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("entry")).collect();
        assert_eq!(entries.len(), 1, "only dated postmortems");
        let title = entries[0].children().find(|n| n.has_tag_name("title")).unwrap();
        assert_eq!(title.text(), Some("Quotes \"&\" <tags>, commas\nand a  control"));
        assert!(feed.contains("<title>R&amp;D &lt;incidents&gt;</title>"));
        let map = sitemap(
            &config(),
            ["index.html", "incidents/a/index.html", "static/x.css"].into_iter(),
        );
        let doc = roxmltree::Document::parse(&map).unwrap();
        let locs: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("loc"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(
            locs,
            vec!["https://pm.example/sub/", "https://pm.example/sub/incidents/a/"]
        );
    }
}

//! Whole-extractor tests on small invented postmortems (a fictional company, Larkspur).

use super::*;
use crate::parse;

fn run_at(md: &str, today: jiff::civil::Date) -> (Record, Vec<Diagnostic>) {
    let config = Config::default();
    let cx = Context {
        config: &config,
        today,
    };
    let doc = parse::parse("p.md", md.as_bytes(), &|_| None).expect("parses");
    extract(&doc, &cx)
}

fn run(md: &str) -> (Record, Vec<Diagnostic>) {
    run_at(md, jiff::civil::date(2035, 1, 1))
}

fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
    d.iter().map(|d| d.code).collect()
}

const FREE_FORM: &str = "# Larkspur checkout outage\n\n## Issue Summary\n\n- **Duration:** Sept 9, 2030, 11:40 PM - Sept 10, 2030, 1:10 AM (PDT)\n- **Impact:** About 64% of shoppers could not pay; roughly 3,200 users saw errors.\n- **Root Cause:** A misconfigured load balancer pool drained every healthy backend.\n\n## Timeline\n\n- 11:40 PM: payment errors page the on-call\n- 11:55 PM: rollback of the web tier, no change\n- 12:30 AM: load balancer pool found empty\n- 1:10 AM: pool restored, errors stop\n\n## Corrective and Preventive Measures\n\n- alarm on empty pools\n- review pool changes\n\n## Lessons Learned\n\n- look at the edge first\n";

#[test]
fn a_free_form_postmortem_end_to_end() {
    let (r, d) = run(FREE_FORM);
    assert_eq!(r.title.as_deref(), Some("Larkspur checkout outage"));
    assert_eq!(r.start.unwrap().to_string(), "2030-09-09T23:40:00-07:00");
    assert_eq!(r.end.unwrap().to_string(), "2030-09-10T01:10:00-07:00");
    assert_eq!(r.duration_minutes, Some(90));
    assert_eq!(r.timezone.as_deref(), Some("PDT"));
    assert_eq!(r.impact.percent, Some(64.0));
    assert_eq!(r.impact.users, Some(3200));
    assert_eq!(r.root_cause.category.as_deref(), Some("load-balancer"));
    assert_eq!(r.timeline.len(), 4);
    // the date changes at midnight
    assert_eq!(r.timeline[2].at.unwrap().to_string(), "2030-09-10T00:30:00-07:00");
    assert_eq!(r.action_items.len(), 2);
    assert_eq!(r.lessons.len(), 1);
    assert_eq!(r.provenance_of("start").unwrap().line, Some(5));
    assert_eq!(
        r.provenance_of("duration_minutes").unwrap().source,
        crate::model::Source::Derived
    );
    assert!(d.is_empty(), "{d:?}");
}

#[test]
fn front_matter_always_wins() {
    let md = "---\ntitle: From front matter\nstart: 2030-01-01T10:00:00Z\nimpact:\n  percent: 5\nroot_cause:\n  category: dns\n---\n# Heading title\n\n**Duration:** Jan 1, 2030, 11:00 AM - Jan 1, 2030, 12:00 PM (UTC)\n\nAbout 50% of users were affected. The firewall dropped traffic.\n";
    let (r, _) = run(md);
    assert_eq!(r.title.as_deref(), Some("From front matter"));
    assert_eq!(r.start.unwrap().to_string(), "2030-01-01T10:00:00+00:00");
    assert_eq!(
        r.provenance_of("start").unwrap().source,
        crate::model::Source::FrontMatter
    );
    // end was not in front matter: the text fills it
    assert_eq!(r.end.unwrap().to_string(), "2030-01-01T12:00:00+00:00");
    assert_eq!(r.impact.percent, Some(5.0));
    assert_eq!(r.root_cause.category.as_deref(), Some("dns"));
}

#[test]
fn hugo_date_and_status_updates() {
    let md = "+++\ntitle = \"Image CDN degraded\"\ndate = 2030-02-03T08:00:00Z\n+++\n\nImages load slowly.\n\n**Update**: vendor investigating {{< track \"2030-02-03T08:30:00Z\" >}}\n\n**Resolved**: back to normal {{< track \"2030-02-03T09:15:00Z\" >}}\n";
    let (r, _) = run(md);
    assert_eq!(r.start.unwrap().to_string(), "2030-02-03T08:00:00+00:00");
    assert_eq!(r.end.unwrap().to_string(), "2030-02-03T09:15:00+00:00");
    assert_eq!(r.timeline.len(), 2);
}

#[test]
fn never_invent_from_a_template() {
    let md = "# Postmortem\n\n## Incident Details\n\n- Duration:\n  - Start Time: [Timestamp]\n  - End Time: [Timestamp]\n  - Timezone: [Specify Timezone]\n- Severity: TBD\n\n## Timeline\n\n- [Timestamp] alerts fired\n";
    let (r, d) = run(md);
    assert!(r.start.is_none() && r.end.is_none() && r.duration_minutes.is_none());
    assert!(r.timezone.is_none() && r.severity.is_none() && r.timeline.is_empty());
    let lines: Vec<u32> = d
        .iter()
        .filter(|d| d.code == "placeholder")
        .filter_map(|d| d.line)
        .collect();
    for want in [6, 7, 8, 9, 13] {
        assert!(lines.contains(&want), "placeholder on line {want}: {d:?}");
    }
}

#[test]
fn assumed_timezone_is_reported_and_named() {
    let (r, d) = run("# Queue stuck\n\nOn 2031-04-04 the queue stalled from 10:00 to 11:30.\n");
    assert_eq!(r.start.unwrap().to_string(), "2031-04-04T10:00:00+00:00");
    assert_eq!(r.timezone.as_deref(), Some("UTC"));
    assert_eq!(
        r.provenance_of("timezone").unwrap().source,
        crate::model::Source::Config
    );
    let assumed = d
        .iter()
        .find(|d| d.code == "assumed-timezone")
        .expect("assumed-timezone");
    assert_eq!(assumed.line, Some(3));
}

#[test]
fn all_times_in_a_named_zone() {
    let md = "# Build farm down\n\n## Timeline\n\nAll times in CET, on 12 March 2031\n\n| Time | Event |\n|---|---|\n| 09:00 | builds hang |\n| 09:20 | runners restarted |\n";
    let (r, d) = run(md);
    assert_eq!(r.start.unwrap().to_string(), "2031-03-12T09:00:00+01:00");
    assert_eq!(r.end.unwrap().to_string(), "2031-03-12T09:20:00+01:00");
    assert!(!codes(&d).contains(&"assumed-timezone"));
}

#[test]
fn ambiguous_and_future_dates() {
    let (r, d) = run("# Thing\n\nStart: 03/04/2031 10:00 UTC\n");
    assert!(r.start.is_none());
    assert!(codes(&d).contains(&"ambiguous-date"));
    let (_, d) = run_at(
        "# Later\n\n**Duration:** May 1, 2031, 10:00 AM - May 1, 2031, 11:00 AM (UTC)\n",
        jiff::civil::date(2030, 1, 1),
    );
    assert!(codes(&d).contains(&"future-date"));
}

#[test]
fn title_falls_back_to_a_postmortem_line() {
    let (r, _) = run("Course boilerplate line\nSome long explanation of what a postmortem is and why we write them at all.\n\nPostmortem: The Day the Cron Stopped\n");
    assert_eq!(r.title.as_deref(), Some("Postmortem: The Day the Cron Stopped"));
}

#[test]
fn date_only_end_before_start_is_reported() {
    // Found by tests/properties.rs: two bare dates in the wrong order passed silently.
    let (r, d) = run("---\nstart: 2031-05-05\nend: 2031-05-01\n---\n# Outage\n");
    assert!(r.duration_minutes.is_none());
    let e = d.iter().find(|d| d.code == "end-before-start").expect("reported");
    assert_eq!(e.line, Some(3));
    let (_, d) = run("---\nstart: 2031-05-01\nend: 2031-05-05\n---\n# Outage\n");
    assert!(!codes(&d).contains(&"end-before-start"));
}

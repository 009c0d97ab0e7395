//! The synthetic postmortem archive shared by `examples/gen.rs` (writes it to disk for
//! `bench/run.sh`) and the criterion benches (`benches/common`, in memory): one generator,
//! so the benches measure the same documents the end-to-end benchmark builds.
//!
//! A fictional company's postmortems, deterministic from a seed, in the layouts incidex reads:
//! YAML front matter, TOML front matter, no front matter with bold `**Label:**` lines, heading
//! sections only, and a summary table. Sizes land between about 2 and 8 KB; durations are
//! log-normal (median about an hour, a long tail of multi-day incidents); categories,
//! services, severities and years vary. Every sentence is a template written for this
//! generator. It owns no I/O.

use std::fmt::Write as _;

/// `n` postmortems from `seed`, in order: each one's path relative to the archive folder
/// (`YYYY/YYYY-MM-DD-slug-i.md`) and its Markdown. The same seed gives the same archive.
pub fn archive(n: usize, seed: u64) -> impl Iterator<Item = (String, String)> {
    let mut rng = Rng(seed);
    (0..n).map(move |i| postmortem(&mut rng, i))
}

/// splitmix64: tiny, fast, deterministic; good enough to vary text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

const SERVICES: &[&str] = &[
    "checkout",
    "payments-api",
    "search",
    "auth",
    "billing",
    "notifications",
    "inventory",
    "cdn",
    "web-frontend",
    "mobile-gateway",
    "orders",
    "shipping",
    "recommendations",
    "reporting",
    "identity",
    "media-upload",
    "chat",
    "analytics-pipeline",
    "email-relay",
    "feature-flags",
    "ledger",
    "pricing",
    "catalog",
    "webhooks",
    "status-page",
    "data-warehouse",
    "queue-broker",
    "session-store",
    "admin-console",
    "partner-api",
];

/// (category slug, title nouns, root-cause sentences, detail sentences).
struct Cat {
    slug: &'static str,
    titles: &'static [&'static str],
    causes: &'static [&'static str],
    details: &'static [&'static str],
}

const CATS: &[Cat] = &[
    Cat {
        slug: "dns",
        titles: &["DNS resolution failures", "Stale DNS records", "Nameserver outage"],
        causes: &[
            "A DNS record for {svc} was deleted during a zone cleanup, so resolvers returned NXDOMAIN.",
            "The internal resolver cached a stale CNAME for {svc} after a TTL was raised to one day.",
            "Our secondary nameserver stopped serving the zone after a failed transfer.",
        ],
        details: &[
            "Clients that had the old record cached kept working, which hid the problem from our synthetic checks.",
            "Lowering the TTL did not help until caches across regions expired.",
            "The zone file was edited by hand and the change skipped review.",
        ],
    },
    Cat {
        slug: "database",
        titles: &["Database connection pool exhaustion", "Replication lag on the primary", "Slow queries after index change"],
        causes: &[
            "The connection pool for {svc} was exhausted by long-running queries holding connections open.",
            "Replication lag on the {svc} database grew past ten minutes after a bulk backfill.",
            "A schema migration dropped an index that the {svc} hot path depended on, causing full table scans.",
        ],
        details: &[
            "Query latency at the 99th percentile rose from 40 ms to several seconds.",
            "The primary failover took longer than expected because the replica was behind.",
            "Deadlocks appeared in the logs as retries piled onto the same rows.",
        ],
    },
    Cat {
        slug: "deployment",
        titles: &["Bad release of {svc}", "Rollout stalled halfway", "Canary promoted too early"],
        causes: &[
            "A release of {svc} shipped a build with a missing environment variable, and every new pod crashed on start.",
            "The canary for {svc} was promoted automatically although its error rate had doubled.",
            "A deploy of {svc} introduced an incompatible serialization format between old and new versions.",
        ],
        details: &[
            "Rolling back took twenty minutes because the previous image had been garbage-collected.",
            "The rollout paused with half the fleet on each version, which made the symptoms intermittent.",
            "The release notes did not mention the protocol change.",
        ],
    },
    Cat {
        slug: "certificate",
        titles: &["Expired TLS certificate", "Certificate chain misconfigured", "Certificate renewal failed"],
        causes: &[
            "The TLS certificate for {svc} expired because the renewal job had been failing silently for weeks.",
            "A renewed certificate for {svc} was installed without its intermediate chain, so older clients rejected it.",
            "The automated certificate renewal could not complete its challenge after a firewall change.",
        ],
        details: &[
            "Browsers showed a certificate warning while API clients failed with handshake errors.",
            "Our expiry alert pointed at a staging certificate, not the production one.",
            "Mobile apps pinned the old certificate and needed a client release.",
        ],
    },
    Cat {
        slug: "capacity",
        titles: &["Disk full on {svc} hosts", "Traffic spike overwhelmed {svc}", "Out of memory on workers"],
        causes: &[
            "The disks on the {svc} hosts filled up with debug logs after verbose logging was left on.",
            "A traffic spike from a marketing campaign exceeded the capacity of {svc} before autoscaling reacted.",
            "Workers for {svc} ran out of memory while processing unusually large payloads.",
        ],
        details: &[
            "Autoscaling was capped at a maximum set two years earlier.",
            "The queue backlog grew to several million messages.",
            "CPU stayed at saturation for the whole window.",
        ],
    },
    Cat {
        slug: "network",
        titles: &["Packet loss between regions", "BGP route withdrawn", "Network partition in one zone"],
        causes: &[
            "A BGP session flapped and withdrew the routes to the {svc} subnet.",
            "Packet loss between two availability zones made {svc} requests time out.",
            "An MTU mismatch on a new VPN tunnel dropped large packets to {svc}.",
        ],
        details: &[
            "Small health-check packets got through, so the load balancer kept sending traffic.",
            "Latency between regions tripled during the event.",
            "The routing table change had been tested only in one region.",
        ],
    },
    Cat {
        slug: "load-balancer",
        titles: &["Load balancer health checks failing", "Uneven traffic distribution", "Ingress controller crash loop"],
        causes: &[
            "The load balancer health check for {svc} pointed at a removed endpoint, so every backend was marked down.",
            "The ingress controller in front of {svc} entered a crash loop after a configuration reload.",
            "A weight change on the load balancer sent all traffic for {svc} to a single backend pool.",
        ],
        details: &[
            "Backends were healthy the whole time; only the probe was wrong.",
            "Connection draining did not complete before instances were replaced.",
            "Retries from clients amplified the load on the remaining backends.",
        ],
    },
    Cat {
        slug: "software-bug",
        titles: &["Memory leak in {svc}", "Race condition corrupted sessions", "Null pointer crash in {svc}"],
        causes: &[
            "A memory leak in {svc} introduced by a caching change grew until processes were killed.",
            "A race condition in {svc} let two requests update the same session concurrently.",
            "A null pointer exception in {svc} crashed the request handler when an optional field was missing.",
        ],
        details: &[
            "The bug only appeared under production traffic patterns.",
            "Unit tests covered the function but not the concurrent path.",
            "Restarting the processes bought time while the fix was prepared.",
        ],
    },
    Cat {
        slug: "dependency",
        titles: &["Upstream provider outage", "Third-party API rate limiting", "Cloud provider incident"],
        causes: &[
            "Our payment provider had an outage, and {svc} had no fallback path.",
            "A third-party API started rate limiting {svc} after its quota was lowered without notice.",
            "A cloud provider incident in one region took down the managed queue used by {svc}.",
        ],
        details: &[
            "The vendor status page stayed green for the first forty minutes.",
            "Timeouts to the external service were set to sixty seconds, which tied up workers.",
            "We had no contract-level alerting on the dependency.",
        ],
    },
    Cat {
        slug: "configuration",
        titles: &["Configuration change broke {svc}", "Feature flag misconfigured", "Typo in environment config"],
        causes: &[
            "A configuration change set the {svc} timeout to 5 ms instead of 5 s.",
            "A feature flag for {svc} was enabled for all users instead of one percent.",
            "A typo in the {svc} environment configuration pointed it at the staging database.",
        ],
        details: &[
            "The change passed validation because the value was syntactically correct.",
            "Configuration changes were not part of the deploy pipeline.",
            "The setting was copied from an outdated runbook.",
        ],
    },
    Cat {
        slug: "hardware",
        titles: &["Disk failure on storage node", "Power outage in data center", "Faulty network card"],
        causes: &[
            "A disk failure on a storage node holding {svc} data triggered a slow rebuild.",
            "A power outage in one data center hall took down the racks serving {svc}.",
            "A faulty network card on a {svc} host corrupted packets intermittently.",
        ],
        details: &[
            "The hardware had passed its last inspection.",
            "Redundant power supplies were connected to the same circuit.",
            "The vendor replaced the part within four hours.",
        ],
    },
    Cat {
        slug: "security",
        titles: &["DDoS attack on {svc}", "Leaked credentials rotated", "Spam wave through {svc}"],
        causes: &[
            "A DDoS attack targeted the {svc} login endpoint with millions of requests per minute.",
            "Credentials for {svc} were leaked in a public repository and had to be rotated.",
            "Attackers abused the {svc} signup form to send spam.",
        ],
        details: &[
            "Rate limits were applied per host, not per account.",
            "The web application firewall rules were in monitor mode.",
            "No customer data was accessed according to the audit logs.",
        ],
    },
];

const DETECT: &[&str] = &[
    "An alert on the error rate of {svc} paged the on-call engineer.",
    "Customers reported failures through support before any alert fired.",
    "A synthetic check from three regions started failing at the same minute.",
    "An engineer noticed the latency graph while reviewing an unrelated change.",
];
const RESOLVE: &[&str] = &[
    "We rolled back to the previous version and traffic recovered within minutes.",
    "We failed over to the secondary region and drained the affected hosts.",
    "We restored the missing record and flushed the caches.",
    "We raised the limits, restarted the workers and watched the backlog drain.",
    "We applied a hotfix and verified it on a canary before the full rollout.",
];
const FILLER: &[&str] = &[
    "The on-call engineer opened an incident channel and invited the owners of {svc}.",
    "Dashboards for {svc} showed the error rate climbing steadily.",
    "We posted an update on the status page and kept it current every thirty minutes.",
    "Support collected affected account IDs to follow up with customers.",
    "The team considered a full restart but decided the risk was too high.",
    "Several retries from clients made the load pattern hard to read.",
    "Logs from {svc} showed timeouts but no obvious exception.",
    "Metrics from the previous week were used as a baseline for recovery.",
    "A second engineer joined to review each mitigation before it was applied.",
    "Traffic was shifted gradually to avoid a thundering herd.",
    "The runbook for {svc} was out of date and sent responders to a retired dashboard.",
    "Communication with the account managers happened through a shared document.",
];
const ACTIONS: &[&str] = &[
    "Add an alert on the saturation of {svc}",
    "Write a runbook entry for this failure mode",
    "Add an integration test covering the failing path",
    "Review timeouts and retries for {svc}",
    "Move the configuration into the deploy pipeline",
    "Add capacity headroom and load tests before campaigns",
    "Automate the rollback for {svc}",
    "Track certificate expiry for every public endpoint",
    "Document the ownership of {svc}",
    "Rehearse the failover quarterly",
];
const LESSONS: &[&str] = &[
    "Alerts on symptoms caught this faster than alerts on causes would have.",
    "Small, reversible changes made the rollback easy.",
    "We depended on a single person's knowledge of {svc}.",
    "Status page updates reduced support load noticeably.",
];

fn fill(template: &str, svc: &str) -> String {
    template.replace("{svc}", svc)
}

/// One postmortem: its path under DIR and its Markdown.
fn postmortem(rng: &mut Rng, i: usize) -> (String, String) {
    let cat = &CATS[rng.below(CATS.len())];
    let svc = rng.pick(SERVICES);
    let mut services = vec![svc.to_string()];
    for _ in 0..rng.below(3) {
        let s = rng.pick(SERVICES).to_string();
        if !services.contains(&s) {
            services.push(s);
        }
    }
    let year = 2016 + rng.below(10);
    let (month, day) = (1 + rng.below(12), 1 + rng.below(28));
    let (hour, minute) = (rng.below(24), rng.below(60));
    // Log-normal: median 55 min, heavy tail.
    let duration = ((55f64).ln() + 1.25 * rng.normal())
        .exp()
        .clamp(3.0, 30_000.0)
        .round() as i64;
    let severity = match rng.below(10) {
        0 => "SEV1",
        1..=3 => "SEV2",
        4..=7 => "SEV3",
        _ => "SEV4",
    };
    let percent = (rng.unit().powi(3) * 100.0).round().max(1.0);
    let title = fill(rng.pick(cat.titles), svc);
    let title = if rng.chance(0.3) {
        format!("{title} ({})", month_name(month))
    } else {
        title
    };
    let cause = fill(rng.pick(cat.causes), svc);
    let start = format!("{year}-{month:02}-{day:02}T{hour:02}:{minute:02}:00Z");
    let end_minutes = hour as i64 * 60 + minute as i64 + duration;
    let slug = slugish(&title);
    let rel = format!("{year}/{year}-{month:02}-{day:02}-{slug}-{i}.md");

    let mut body = String::new();
    let layout = rng.below(5);
    match layout {
        0 => {
            let _ = writeln!(body, "---\ntitle: \"{title}\"\nstart: {start}\nduration: {duration} minutes\nseverity: {severity}\nservices: [{}]\nimpact:\n  percent: {percent}\nroot_cause:\n  category: {}\n  summary: \"{cause}\"\ntags: [{}, {}]\n---\n", services.join(", "), cat.slug, cat.slug, svc);
            let _ = writeln!(body, "# {title}\n");
        }
        1 => {
            let _ = writeln!(body, "+++\ntitle = \"{title}\"\nstart = \"{start}\"\nseverity = \"{severity}\"\nservices = [{}]\n+++\n", services.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", "));
            let _ = writeln!(body, "# {title}\n");
        }
        2 => {
            let _ = writeln!(body, "# {title}\n");
            let _ = writeln!(body, "**Date:** {year}-{month:02}-{day:02}  ");
            let _ = writeln!(body, "**Duration:** {}  ", human_duration(duration));
            let _ = writeln!(body, "**Severity:** {severity}  ");
            let _ = writeln!(body, "**Services:** {}  ", services.join(", "));
            let _ = writeln!(body, "**Impact:** about {percent}% of users  ");
            let _ = writeln!(body, "**Root cause:** {cause}\n");
        }
        3 => {
            let _ = writeln!(body, "# Postmortem: {title}\n");
            let _ = writeln!(body, "On {} {day}, {year} at {hour:02}:{minute:02} UTC, {svc} began failing for about {percent}% of users. The incident lasted {}.\n", month_name(month), human_duration(duration));
        }
        _ => {
            let _ = writeln!(body, "# {title}\n");
            let _ = writeln!(body, "| Field | Value |\n|---|---|\n| Date | {year}-{month:02}-{day:02} {hour:02}:{minute:02} UTC |\n| Duration | {} |\n| Severity | {severity} |\n| Services | {} |\n| Impact | {percent}% of users |\n", human_duration(duration), services.join(", "));
        }
    }

    let _ = writeln!(body, "## Summary\n");
    let _ = writeln!(body, "{} {}\n", cause, fill(rng.pick(cat.details), svc));
    let _ = writeln!(body, "## Impact\n");
    let _ = writeln!(
        body,
        "For {}, roughly {percent}% of requests to {} failed or were slow. {}\n",
        human_duration(duration),
        services.join(" and "),
        fill(rng.pick(FILLER), svc)
    );
    let _ = writeln!(body, "## Detection\n\n{}\n", fill(rng.pick(DETECT), svc));
    let _ = writeln!(body, "## Timeline\n\nAll times UTC.\n");
    let events = rng.range(4, 16);
    for e in 0..events {
        let at = hour as i64 * 60 + minute as i64 + duration * e as i64 / events.max(1) as i64;
        let text = if e == 0 {
            fill(rng.pick(DETECT), svc)
        } else if e + 1 == events {
            fill(rng.pick(RESOLVE), svc)
        } else {
            fill(rng.pick(FILLER), svc)
        };
        let _ = writeln!(body, "- {:02}:{:02} — {text}", (at / 60) % 24, at % 60);
    }
    let _ = writeln!(
        body,
        "- {:02}:{:02} — Impact ended.\n",
        (end_minutes / 60) % 24,
        end_minutes % 60
    );
    let _ = writeln!(body, "## Root cause\n\n{cause}");
    for _ in 0..rng.range(1, 3) {
        let _ = write!(body, " {}", fill(rng.pick(cat.details), svc));
    }
    let _ = writeln!(body, "\n");
    let _ = writeln!(body, "## Resolution\n\n{}\n", fill(rng.pick(RESOLVE), svc));
    let paragraphs = rng.range(1, 11);
    if paragraphs > 0 {
        let _ = writeln!(body, "## Discussion\n");
        for _ in 0..paragraphs {
            let sentences: Vec<String> = (0..rng.range(3, 7))
                .map(|_| fill(rng.pick(FILLER), svc))
                .collect();
            let _ = writeln!(body, "{}\n", sentences.join(" "));
        }
    }
    let _ = writeln!(body, "## Action items\n");
    for _ in 0..rng.range(2, 7) {
        let done = if rng.chance(0.4) { "x" } else { " " };
        let _ = writeln!(body, "- [{done}] {}", fill(rng.pick(ACTIONS), rng.pick(SERVICES)));
    }
    let _ = writeln!(body, "\n## Lessons learned\n\n{}", fill(rng.pick(LESSONS), svc));
    (rel, body)
}

fn month_name(m: usize) -> &'static str {
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][(m - 1) % 12]
}

fn human_duration(minutes: i64) -> String {
    match minutes {
        m if m < 60 => format!("{m} minutes"),
        m if m < 48 * 60 => {
            let (h, r) = (m / 60, m % 60);
            if r == 0 {
                format!("{h} hours")
            } else {
                format!("{h} hours {r} minutes")
            }
        }
        m => format!("{} days", m / 1440),
    }
}

fn slugish(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').chars().take(50).collect()
}

#!/usr/bin/env python3
"""Write a synthetic postmortem archive for benchmarks: N Markdown files of invented text
for a fictional company, a mix of front matter and free-form, in year folders.

usage: bench/gen_archive.py OUT_DIR [COUNT]   (default 10000; deterministic)
"""
import os
import random
import sys

SERVICES = ["dispatch", "tickets", "tracking", "routing", "billing", "depot-sync",
            "rate-card", "auth", "notifications", "search", "label-printer", "fleet-api"]
CATEGORIES = ["deployment", "configuration", "capacity", "dependency", "dns", "database",
              "network", "certificate", "software-bug", "hardware"]
SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"]
WORDS = ("queue worker depot parcel route manifest scanner invoice retry timeout backlog "
         "replica cache index shard lease token batch cron webhook label barcode van "
         "warehouse handheld gateway mirror snapshot rollout flag threshold alarm").split()


def sentence(rng, n=12):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng, sentences=4):
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(sentences))


def postmortem(rng, i):
    year = 2015 + i % 10
    month = 1 + (i // 10) % 12
    day = 1 + (i // 120) % 28
    hour = i % 24
    service = rng.choice(SERVICES)
    cat = rng.choice(CATEGORIES)
    title = f"{service} {rng.choice(WORDS)} {rng.choice(WORDS)} incident {i}"
    body = [f"# {title}", "", "## Summary", "", paragraph(rng), "", "## Impact", "",
            paragraph(rng, 3), "", "## Timeline", ""]
    for k in range(rng.randint(3, 8)):
        body.append(f"- {hour:02d}:{(k * 7) % 60:02d} {sentence(rng, 8)}")
    body += ["", "## Root cause", "", paragraph(rng, 3), "", "## Action items", ""]
    for _ in range(rng.randint(2, 5)):
        body.append(f"- [ ] {sentence(rng, 6)}")
    text = "\n".join(body) + "\n"
    name = f"{year}-{month:02d}-{day:02d}-{service}-{i}.md"
    if i % 3:  # two in three have front matter
        fm = (f"---\ntitle: \"{title}\"\nstart: {year}-{month:02d}-{day:02d}T{hour:02d}:05:00Z\n"
              f"end: {year}-{month:02d}-{day:02d}T{hour:02d}:50:00Z\nseverity: {rng.choice(SEVERITIES)}\n"
              f"services: [{service}]\nroot_cause:\n  category: {cat}\n  summary: {sentence(rng, 9)}\n"
              f"tags: [{rng.choice(WORDS)}]\n---\n\n")
        text = fm + text
    else:
        text = text.replace("## Summary", f"Date: {year}-{month:02d}-{day:02d}\n"
                            f"Severity: {rng.choice(SEVERITIES)}\n\n## Summary", 1)
    return str(year), name, text


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rng = random.Random(20240517)
    for i in range(count):
        folder, name, text = postmortem(rng, i)
        os.makedirs(os.path.join(out, folder), exist_ok=True)
        with open(os.path.join(out, folder, name), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()

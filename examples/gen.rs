//! Synthetic postmortem archive for benchmarks: `cargo run --release --example gen -- N DIR [--seed S]`.
//!
//! Writes N Markdown postmortems of a fictional company into DIR/YYYY/, deterministic from
//! the seed (default 42). What the documents look like is `synthetic`'s business (layouts,
//! sizes, durations); this file only parses arguments and writes files.

mod synthetic;

use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut positional = Vec::new();
    let mut seed: u64 = 42;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--seed" {
            seed = it.next().and_then(|s| s.parse().ok()).unwrap_or_else(|| usage());
        } else {
            positional.push(a.clone());
        }
    }
    if positional.len() != 2 {
        usage();
    }
    let n: usize = positional[0].parse().unwrap_or_else(|_| usage());
    let dir = PathBuf::from(&positional[1]);
    let mut bytes = 0usize;
    for (rel, text) in synthetic::archive(n, seed) {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| fail(&parent.display().to_string(), e));
        }
        bytes += text.len();
        std::fs::write(&path, text).unwrap_or_else(|e| fail(&path.display().to_string(), e));
    }
    eprintln!(
        "wrote {n} postmortems ({:.1} MB, {:.1} KB average) into {}",
        bytes as f64 / 1e6,
        bytes as f64 / 1e3 / n.max(1) as f64,
        dir.display()
    );
}

fn usage() -> ! {
    eprintln!("usage: gen N DIR [--seed S]");
    std::process::exit(2)
}

fn fail(what: &str, e: std::io::Error) -> ! {
    eprintln!("{what}: {e}");
    std::process::exit(1)
}

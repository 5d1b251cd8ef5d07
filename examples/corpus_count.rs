//! Native counting of bench/corpus/'s document groups (multilingual
//! documentation, Chinese and Japanese documentation, licence texts), each
//! counted once with no piece cache warm, against tiktoken-rs, for profiling
//! (issue 26):
//!
//!     cargo run --release --example corpus_count [rounds] [group...]
//!     perf record -g target/release/examples/corpus_count 40 docs_cjk --no-reference
//!
//! The piece memo is per thread and per rank table: a count with the other
//! encoding in between empties it, so every count of a group below starts
//! cold, as in bench/throughput.mjs's "counted once"; "warm" counts it again.

use std::time::Instant;

use tokenmeter::{Encoding, Tokenizer};

const GROUPS: &[(&str, &[&str])] = &[
    (
        "docs_i18n",
        &[
            "docs/de.txt",
            "docs/fr.txt",
            "docs/it.txt",
            "docs/ru.txt",
            "docs/ko.txt",
            "docs/ja.txt",
        ],
    ),
    (
        "docs_cjk",
        &["cjk/zh-cn.txt", "cjk/ja.txt", "cjk/zh-tw.txt"],
    ),
    (
        "licences",
        &[
            "GPL-3",
            "GPL-2",
            "LGPL-2.1",
            "LGPL-3",
            "Apache-2.0",
            "MPL-2.0",
            "MPL-1.1",
            "GFDL-1.3",
            "Artistic",
            "CC0-1.0",
            "BSD",
            "EPL-2.0",
            "EUPL-1.2",
            "CDDL-1.0",
            "CC-BY-4.0",
            "MS-PL",
            "BSL-1.0",
            "MIT",
            "ISC",
            "Zlib",
            "Unlicense",
        ],
    ),
];

/// The group's files joined by blank lines, as bench/lib/corpus.mjs joins them.
fn group_text(files: &[&str]) -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/corpus/");
    let mut parts = Vec::new();
    for f in files {
        let path = if f.contains('/') {
            format!("{root}{f}")
        } else {
            format!("{root}licences/{f}.txt")
        };
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        parts.push(text.trim_end().to_string());
    }
    parts.join("\n\n") + "\n\n"
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(5);
    // --no-reference: no tiktoken-rs (its start-up and counts stay out of a profile).
    let reference = !args.iter().any(|a| a == "--no-reference");
    let only: Vec<&str> = args
        .iter()
        .skip(1)
        .map(String::as_str)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let o200k = Tokenizer::new(Encoding::O200kBase).unwrap();
    let cl100k = Tokenizer::new(Encoding::Cl100kBase).unwrap();
    println!(
        "{:>10} {:>12} {:>9} {:>12} {:>12} {:>12}",
        "group", "encoding", "KB", "cold MB/s", "warm MB/s", "tiktoken-rs"
    );
    for (name, files) in GROUPS {
        if !only.is_empty() && !only.contains(name) {
            continue;
        }
        let text = group_text(files);
        let mb = text.len() as f64 / 1e6;
        for (t, other) in [(&o200k, &cl100k), (&cl100k, &o200k)] {
            let tiktoken = match t.encoding() {
                _ if !reference => None,
                Encoding::O200kBase => Some(tiktoken_rs::o200k_base_singleton()),
                _ => Some(tiktoken_rs::cl100k_base_singleton()),
            };
            let expect = tiktoken.map(|r| r.encode_ordinary(&text).len());
            let (mut cold, mut warm) = (Vec::new(), Vec::new());
            for _ in 0..rounds {
                other.count_ordinary(" qxzjkvwyqxzjkvwy"); // a merged piece of the other table empties the memo
                let start = Instant::now();
                let n = t.count_ordinary(&text);
                cold.push(start.elapsed().as_secs_f64());
                assert!(
                    expect.is_none_or(|e| e == n),
                    "{name}: {n}, tiktoken {expect:?}"
                );
                let start = Instant::now();
                t.count_ordinary(&text);
                warm.push(start.elapsed().as_secs_f64());
            }
            let start = Instant::now();
            tiktoken.map(|r| r.encode_ordinary(&text));
            let theirs = start.elapsed().as_secs_f64();
            let median = |v: &mut Vec<f64>| {
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            };
            println!(
                "{:>10} {:>12} {:>9} {:>12.1} {:>12.1} {:>12.1}",
                name,
                t.encoding().name(),
                text.len() / 1000,
                mb / median(&mut cold),
                mb / median(&mut warm),
                if reference { mb / theirs } else { f64::NAN }
            );
        }
    }
}

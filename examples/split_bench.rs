//! Pre-tokenizer throughput per pattern (MB/s of splitting alone), per
//! corpus group of the golden corpus and on random base64, so that the open
//! weights' scanners can be compared with tiktoken's in one process.
//! `cargo run --release --example split_bench`; with a pattern and a group
//! (`split_bench DeepseekV3 english 3`) it splits that group (three times), for
//! `valgrind --tool=callgrind`, whose counts do not depend on the load.

use std::time::Instant;

use tokenmeter::internals::{split, Pattern};

const PATTERNS: [Pattern; 7] = [
    Pattern::R50k,
    Pattern::Cl100k,
    Pattern::O200k,
    Pattern::Llama3,
    Pattern::Qwen2,
    Pattern::Tekken,
    Pattern::DeepseekV3,
];

fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/corpus");
    let mut groups: Vec<(String, String)> = Vec::new();
    for dir in std::fs::read_dir(root).unwrap() {
        let dir = dir.unwrap().path();
        let mut text = String::new();
        for f in std::fs::read_dir(&dir).unwrap() {
            text.push_str(&std::fs::read_to_string(f.unwrap().path()).unwrap_or_default());
        }
        let reps = (2_000_000 / text.len().max(1)).max(1);
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        groups.push((name, text.repeat(reps)));
    }
    groups.sort();
    // Random base64 from a fixed xorshift stream.
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let base64: String = (0..2_000_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            alphabet[(x % 64) as usize] as char
        })
        .collect();
    groups.push(("base64".to_string(), base64));
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [pattern, group, ..] = args.as_slice() {
        let times: usize = args.get(2).map_or(1, |t| t.parse().unwrap());
        let p = PATTERNS
            .into_iter()
            .find(|p| format!("{p:?}") == *pattern)
            .unwrap();
        let (_, text) = groups.iter().find(|(name, _)| name == group).unwrap();
        let mut n = 0usize;
        for _ in 0..times {
            split(p, text, |_, _| {
                n += 1;
                true
            });
        }
        println!("{pattern} {group}: {n} pieces of {} bytes", text.len());
        return;
    }
    print!("{:>12}", "MB/s");
    for p in PATTERNS {
        print!("{:>11}", format!("{p:?}"));
    }
    println!();
    for (name, text) in &groups {
        print!("{name:>12}");
        for p in PATTERNS {
            let mb = text.len() as f64 / 1e6;
            let mut best = f64::MAX;
            for _ in 0..3 {
                let start = Instant::now();
                let mut n = 0usize;
                split(p, text, |_, _| {
                    n += 1;
                    true
                });
                std::hint::black_box(n);
                best = best.min(start.elapsed().as_secs_f64());
            }
            print!("{:>11.0}", mb / best);
        }
        println!();
    }
}

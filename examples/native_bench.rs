//! Native throughput of tokenmeter's counting against tiktoken-rs, per corpus
//! group of the golden corpus. `cargo run --release --example native_bench`.
//! (The npm comparison, the one the goals are stated in, is bench/.)

use std::time::Instant;

use tokenmeter::{Encoding, Tokenizer};

fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/corpus");
    let mut groups: Vec<(String, String)> = Vec::new();
    for dir in std::fs::read_dir(root).unwrap() {
        let dir = dir.unwrap().path();
        let mut text = String::new();
        for f in std::fs::read_dir(&dir).unwrap() {
            text.push_str(&std::fs::read_to_string(f.unwrap().path()).unwrap_or_default());
        }
        // Repeat to ~1 MB so that timings are stable.
        let reps = (1_000_000 / text.len().max(1)).max(1);
        groups.push((
            dir.file_name().unwrap().to_string_lossy().into_owned(),
            text.repeat(reps),
        ));
    }
    groups.sort();
    for (enc, reference) in [
        (Encoding::O200kBase, tiktoken_rs::o200k_base_singleton()),
        (Encoding::Cl100kBase, tiktoken_rs::cl100k_base_singleton()),
    ] {
        let t = Tokenizer::new(enc).unwrap();
        println!(
            "{:>12} {:>10} {:>12} {:>8}",
            enc.name(),
            "ours MB/s",
            "tiktoken-rs",
            "ratio"
        );
        for (name, text) in &groups {
            let mb = text.len() as f64 / 1e6;
            let start = Instant::now();
            let ours = t.count_ordinary(text);
            let a = start.elapsed().as_secs_f64();
            let start = Instant::now();
            let theirs = reference.encode_ordinary(text).len();
            let b = start.elapsed().as_secs_f64();
            assert_eq!(ours, theirs, "{name}");
            println!(
                "{:>12} {:>10.1} {:>12.1} {:>8.2}",
                name,
                mb / a,
                mb / b,
                b / a
            );
        }
    }
}

//! gemma3 (SentencePiece BPE, src/spm/) natively: the time to load its table
//! against o200k's, and counting throughput per group of the golden corpus
//! against o200k's. `cargo run --release --example spm_bench`.

use std::time::Instant;

use tokenmeter::internals::sentencepiece;
use tokenmeter::{AllowedSpecial, Encoding, Tokenizer};

fn main() {
    let start = Instant::now();
    let sp = sentencepiece(Encoding::Gemma3).expect("built with enc-gemma3");
    let gemma_load = start.elapsed();
    let start = Instant::now();
    let o200k = Tokenizer::new(Encoding::O200kBase).unwrap();
    let o200k_load = start.elapsed();
    println!("load: gemma3 {gemma_load:?}, o200k {o200k_load:?}");

    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/corpus");
    let mut groups: Vec<(String, String)> = Vec::new();
    for dir in std::fs::read_dir(root).unwrap() {
        let dir = dir.unwrap().path();
        let mut text = String::new();
        for f in std::fs::read_dir(&dir).unwrap() {
            text.push_str(&std::fs::read_to_string(f.unwrap().path()).unwrap_or_default());
        }
        let reps = (1_000_000 / text.len().max(1)).max(1);
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        groups.push((name, text.repeat(reps)));
    }
    groups.sort();
    println!(
        "{:>12} {:>12} {:>12} {:>8}",
        "group", "gemma3 MB/s", "o200k MB/s", "ratio"
    );
    let (mut total_g, mut total_o, mut total_mb) = (0.0, 0.0, 0.0);
    for (name, text) in &groups {
        let mb = text.len() as f64 / 1e6;
        let t = Instant::now();
        let n = sp.count(text, &AllowedSpecial::None);
        let g = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let m = o200k.count_ordinary(text);
        let o = t.elapsed().as_secs_f64();
        assert!(n > 0 && m > 0);
        println!(
            "{name:>12} {:>12.1} {:>12.1} {:>8.2}",
            mb / g,
            mb / o,
            o / g
        );
        (total_g, total_o, total_mb) = (total_g + g, total_o + o, total_mb + mb);
    }
    println!(
        "{:>12} {:>12.1} {:>12.1} {:>8.2}",
        "all",
        total_mb / total_g,
        total_mb / total_o,
        total_o / total_g
    );
}

//! Timing of adversarial inputs against prose (native): each should take at
//! most a small multiple of prose's time. `cargo run --release --example worst_case`
use std::time::Instant;
use tokenmeter::{Encoding, Tokenizer};

fn main() {
    let prose = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/corpus/english/prose.txt"
    ))
    .unwrap();
    let mut b64 = String::new();
    let mut x: u64 = 1;
    while b64.len() < 1_000_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        b64.push(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[(x % 64) as usize]
                as char,
        );
    }
    // Prose without repetition is not available at 1 MB; vary it so the piece cache cannot help.
    let mut varied = String::new();
    let mut i = 0u64;
    while varied.len() < 1_000_000 {
        varied.push_str(&prose.replace("the", &format!("th{}e", i % 9973)));
        i += 1;
    }
    for enc in [Encoding::O200kBase, Encoding::Cl100kBase] {
        let t = Tokenizer::new(enc).unwrap();
        let cases = [
            ("prose (varied)", varied.clone()),
            ("'a' x 1M", "a".repeat(1_000_000)),
            ("spaces x 1M", " ".repeat(1_000_000)),
            ("\\n x 1M", "\n".repeat(1_000_000)),
            ("base64 1M", b64.clone()),
            ("中 x 333k", "中".repeat(333_333)),
        ];
        for (name, text) in &cases {
            // The fastest of five runs: the machine may be shared.
            let mut best = f64::MAX;
            let mut n = 0;
            for _ in 0..5 {
                let s = Instant::now();
                n = t.count_ordinary(text);
                best = best.min(s.elapsed().as_secs_f64() * 1e3);
            }
            println!(
                "{:>12} {:>16} {:>9} tokens {:>8.1} ms",
                enc.name(),
                name,
                n,
                best
            );
        }
    }
}

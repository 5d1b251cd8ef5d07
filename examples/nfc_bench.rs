//! Native throughput of NFC (`cargo run --release --example nfc_bench`):
//! tokenmeter's `nfc` against the crate Hugging Face `tokenizers` normalises
//! with (unicode-normalization-alignments, collected into a String as HF's
//! `NormalizedString::nfc` does before its alignment work), interleaved in
//! one process, median of 7 rounds. Qwen counts call `nfc` on every text, so
//! the already-normalised cases are the ones that matter most.

use std::time::Instant;

use tokenmeter::internals::nfc;
use unicode_normalization_alignments::UnicodeNormalization;

fn corpus(path: &str) -> String {
    std::fs::read_to_string(format!("tests/golden/corpus/{path}")).expect(path)
}

/// At least 4 MB of `text` repeated.
fn grow(text: &str) -> String {
    text.repeat((4 << 20) / text.len().max(1) + 1)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let cases = [
        ("ASCII prose", corpus("english/prose.txt")),
        ("code", corpus("code/rust.txt")),
        ("mixed scripts", corpus("mixed/mixed.txt")),
        ("Chinese", corpus("cjk/chinese.txt")),
        ("Devanagari", corpus("indic_thai/devanagari.txt")),
        ("Arabic", corpus("rtl/arabic.txt")),
        ("Vietnamese NFC", corpus("vietnamese/vietnamese_nfc.txt")),
        ("Vietnamese NFD", corpus("vietnamese/vietnamese_nfd.txt")),
    ];
    println!("| text | unchanged | tokenmeter MB/s | HF crate MB/s | ratio |");
    println!("|---|---|---:|---:|---:|");
    for (name, text) in cases {
        let text = grow(&text);
        let mb = text.len() as f64 / 1e6;
        let expected: String = text.nfc().map(|(c, _)| c).collect();
        assert_eq!(nfc(&text), expected, "{name}");
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..7 {
            let t = Instant::now();
            let n = nfc(&text).len();
            ours.push(mb / t.elapsed().as_secs_f64());
            let t = Instant::now();
            let m = text.nfc().map(|(c, _)| c).collect::<String>().len();
            theirs.push(mb / t.elapsed().as_secs_f64());
            assert_eq!(n, m);
        }
        let (ours, theirs) = (median(ours), median(theirs));
        let unchanged = expected == text;
        println!(
            "| {name} | {unchanged} | {ours:.0} | {theirs:.0} | {:.1}x |",
            ours / theirs
        );
    }
}

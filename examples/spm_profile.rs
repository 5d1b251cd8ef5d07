//! Loads gemma3 or o200k and counts one corpus group (or all of them)
//! `reps` times, for instruction counts that do not depend on the machine's
//! load: `valgrind --tool=callgrind target/release/examples/spm_profile
//! gemma3 english 20`, minus the same with 0 reps (the load alone).
use tokenmeter::internals::sentencepiece;
use tokenmeter::{AllowedSpecial, Encoding, Tokenizer};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let enc = args.get(1).map_or("gemma3", String::as_str);
    let group = args.get(2).map_or("english", String::as_str);
    let reps: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(20);
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/corpus");
    let mut text = String::new();
    for dir in std::fs::read_dir(root).unwrap() {
        let dir = dir.unwrap().path();
        if group != "all" && !dir.ends_with(group) {
            continue;
        }
        for f in std::fs::read_dir(dir).unwrap() {
            text.push_str(&std::fs::read_to_string(f.unwrap().path()).unwrap_or_default());
        }
    }
    let mut n = 0;
    if enc == "gemma3" {
        let sp = sentencepiece(Encoding::Gemma3).unwrap();
        for _ in 0..reps {
            n += sp.count(&text, &AllowedSpecial::None);
        }
    } else {
        let t = Tokenizer::new(Encoding::from_name(enc).unwrap()).unwrap();
        for _ in 0..reps {
            n += t.count_ordinary(&text);
        }
    }
    println!("{} bytes, {n} tokens", text.len());
}

//! Time to first count with gemma3 against o200k, natively: each in a fresh
//! process (`spm_startup gemma3` or `spm_startup o200k_base`), so the best
//! of a few runs is the table's rebuild and index.
use tokenmeter::internals::gemma3;
use tokenmeter::{AllowedSpecial, Encoding, Tokenizer};

fn main() {
    let enc = std::env::args().nth(1).unwrap_or_else(|| "gemma3".into());
    let start = std::time::Instant::now();
    let n = if enc == "gemma3" {
        gemma3()
            .unwrap()
            .count("hello world", &AllowedSpecial::None)
    } else {
        Tokenizer::new(Encoding::from_name(&enc).unwrap())
            .unwrap()
            .count_ordinary("hello world")
    };
    println!("{enc}: first count {:?} ({n})", start.elapsed());
}

//! Time to first count with one encoding, natively, in a fresh process
//! (`spm_startup gemma3`, `spm_startup o200k_base`): the best of a few runs
//! is the table's rebuild and index.
use tokenmeter::{Encoding, Tokenizer};

fn main() {
    let enc = std::env::args().nth(1).unwrap_or_else(|| "gemma3".into());
    let start = std::time::Instant::now();
    let t = Tokenizer::new(Encoding::from_name(&enc).unwrap()).unwrap();
    let n = t.count_ordinary("hello world");
    println!("{enc}: first count {:?} ({n})", start.elapsed());
}

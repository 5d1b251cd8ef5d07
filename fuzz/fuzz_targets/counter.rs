//! TokenCounter: arbitrary UTF-8 pushed in parts cut at input-chosen char
//! boundaries counts exactly what counting the whole text counts, for every
//! split pattern (r50k, cl100k, o200k, Llama 3, Qwen 2, Tekken, DeepSeek V3;
//! Qwen 2 and DeepSeek V3 with always-matched added tokens) and an estimate's
//! scaling; it never holds more than was pushed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenmeter::{Encoding, TokenCounter, Tokenizer};

/// Every split pattern, and the encodings whose added tokens or NFC come
/// between the text and its pieces (Qwen 2, DeepSeek V3).
const ENCODINGS: [Encoding; 9] = [
    Encoding::R50kBase,
    Encoding::Cl100kBase,
    Encoding::O200kBase,
    Encoding::O200kHarmony,
    Encoding::Llama3,
    Encoding::Llama4,
    Encoding::Qwen2,
    Encoding::DeepseekV3,
    Encoding::Tekken,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    // The first bytes pick where to cut (up to 8 cuts), the rest is the text.
    let cuts = usize::from(selector >> 4).min(8).min(rest.len());
    let (picks, text) = rest.split_at(cuts);
    let text = String::from_utf8_lossy(text);
    let encoding = ENCODINGS[usize::from(selector) % ENCODINGS.len()];
    let tokenizer = if selector & 8 == 0 {
        Tokenizer::new(encoding).unwrap()
    } else {
        Tokenizer::scaled(encoding, 1137).unwrap()
    };
    let mut bounds: Vec<usize> = picks
        .iter()
        .map(|&p| {
            let mut at = usize::from(p) * text.len() / 255;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        })
        .collect();
    bounds.push(0);
    bounds.push(text.len());
    bounds.sort_unstable();
    let mut counter = TokenCounter::new(tokenizer);
    for w in bounds.windows(2) {
        counter.push(&text[w[0]..w[1]]);
        assert!(counter.held_bytes() <= w[1]);
    }
    assert_eq!(
        counter.count(),
        tokenizer.count_ordinary(&text),
        "{}: cut at {bounds:?}: {text:?}",
        encoding.name()
    );
});

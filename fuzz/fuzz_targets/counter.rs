//! TokenCounter: arbitrary UTF-8 pushed in parts cut at input-chosen char
//! boundaries counts exactly what counting the whole text counts, for every
//! split pattern (r50k, cl100k, o200k) and an estimate's scaling; it never
//! holds more than was pushed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenmeter::{Encoding, TokenCounter, Tokenizer};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    // The first bytes pick where to cut (up to 8 cuts), the rest is the text.
    let cuts = usize::from(selector >> 4).min(8).min(rest.len());
    let (picks, text) = rest.split_at(cuts);
    let text = String::from_utf8_lossy(text);
    let encoding = match selector % 4 {
        0 => Encoding::R50kBase,
        1 => Encoding::Cl100kBase,
        2 => Encoding::O200kBase,
        _ => Encoding::O200kHarmony,
    };
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

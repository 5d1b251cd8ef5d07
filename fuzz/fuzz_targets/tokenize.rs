//! Counts and tokens equal tiktoken-rs's on arbitrary UTF-8, every encoding;
//! `count_within` agrees with the whole count at every limit around it (0,
//! one under, exactly, one over, half, and one the input picks).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenmeter::{AllowedSpecial, Encoding, Tokenizer};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let (encoding, reference) = match selector % 5 {
        0 => (Encoding::R50kBase, tiktoken_rs::r50k_base_singleton()),
        1 => (Encoding::P50kBase, tiktoken_rs::p50k_base_singleton()),
        2 => (Encoding::Cl100kBase, tiktoken_rs::cl100k_base_singleton()),
        3 => (Encoding::O200kBase, tiktoken_rs::o200k_base_singleton()),
        _ => (Encoding::O200kHarmony, tiktoken_rs::o200k_harmony_singleton()),
    };
    let ours = Tokenizer::new(encoding).unwrap();
    let expected = reference.encode_ordinary(&text);
    assert_eq!(ours.encode_ordinary(&text).unwrap(), expected, "{}: {text:?}", encoding.name());
    let n = expected.len();
    assert_eq!(ours.count_ordinary(&text), n);
    let picked = usize::from(selector >> 3) % (n + 2);
    for limit in [0, n.saturating_sub(1), n, n + 1, n / 2, picked] {
        let within = ours.count_within(&text, &AllowedSpecial::None, limit);
        assert_eq!(within, (n <= limit).then_some(n), "{}: limit {limit}, {n} tokens: {text:?}", encoding.name());
    }
});

//! Counts and tokens equal tiktoken-rs's on arbitrary UTF-8, every encoding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenmeter::{Encoding, Tokenizer};

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
    assert_eq!(ours.count_ordinary(&text), expected.len());
    let limit = expected.len() / 2;
    let within = ours.count_within(&text, &tokenmeter::AllowedSpecial::None, limit);
    assert_eq!(within, (expected.len() <= limit).then_some(expected.len()));
});

//! gemma3 (SentencePiece BPE, src/spm/) on arbitrary UTF-8, differential:
//! the tokens equal those of a plain quadratic reference written from the
//! algorithm's statement (tests/common/spm_reference.rs: no words, no memo,
//! no heap), with special tokens allowed or not; the count and
//! `count_within` agree; decode(encode(x)) == x (a literal U+2581 decodes
//! to a space, as SentencePiece's does); the offsets tile the text; and the
//! text counted in two parts cut where the input says (a `TokenCounter`),
//! and at `last_cut` by hand, counts as it does whole.
#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tokenmeter::internals::sentencepiece;
use tokenmeter::{AllowedSpecial, Encoding, TokenCounter, Tokenizer};

#[path = "../../tests/common/spm_reference.rs"]
mod spm_reference;

/// The reference is quadratic: inputs are cut to this many bytes.
const MAX_TEXT: usize = 1024;

fuzz_target!(|data: &[u8]| {
    static REFERENCE: OnceLock<spm_reference::Reference> = OnceLock::new();
    let sp = sentencepiece(Encoding::Gemma3).unwrap();
    let reference = REFERENCE.get_or_init(|| spm_reference::Reference::new(sp));
    let t = Tokenizer::new(Encoding::Gemma3).unwrap();
    let Some((&selector, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let mut end = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    let some: HashSet<String> = ["<bos>".to_string(), "<end_of_turn>".to_string()].into();
    let (allowed, allows): (AllowedSpecial, &dyn Fn(&str) -> bool) = match selector % 3 {
        0 => (AllowedSpecial::None, &|_| false),
        1 => (AllowedSpecial::All, &|_| true),
        _ => (AllowedSpecial::Some(some), &|s| s == "<bos>" || s == "<end_of_turn>"),
    };
    let tokens = t.encode(text, &allowed).unwrap();
    assert_eq!(tokens, reference.encode(text, allows), "{text:?}");
    let n = tokens.len();
    assert_eq!(t.count(text, &allowed), n);
    for limit in [0, n.saturating_sub(1), n, n + 1] {
        assert_eq!(t.count_within(text, &allowed, limit), (n <= limit).then_some(n));
    }
    assert_eq!(t.decode(&tokens).unwrap(), text.replace('\u{2581}', " "));
    let (with_offsets, starts) = t.encode_with_offsets(text, &allowed).unwrap();
    assert_eq!(with_offsets, tokens);
    assert!(starts.windows(2).all(|w| w[0] <= w[1]) && starts.last() == Some(&text.len()));

    // Ordinary text in two parts, cut at an input-chosen char boundary.
    let mut cut = usize::from(selector) * text.len() / 255;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut counter = TokenCounter::new(t);
    counter.push(&text[..cut]);
    counter.push(&text[cut..]);
    let whole = t.count_ordinary(text);
    assert_eq!(counter.count(), whole, "{text:?} cut at {cut}");
    if let Some(at) = sp.last_cut(text, 0) {
        let parts = t.count_ordinary(&text[..at]) + t.count_ordinary(&text[at..]);
        assert_eq!(parts, whole, "{text:?} at last_cut {at}");
    }
});

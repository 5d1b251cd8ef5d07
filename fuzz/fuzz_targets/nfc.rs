//! NFC (Qwen's normaliser): no panic; idempotent; borrowed exactly when
//! nothing changes; and equal to a second, naive implementation written from
//! UAX #15's definitions (decompose fully, stable sort each run of marks by
//! class, then compose each character with the last starter unless blocked)
//! over the data of the crate Hugging Face `tokenizers` normalises with, and
//! to that crate's own NFC.
#![no_main]

use std::borrow::Cow;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tokenmeter::internals::nfc;
use unicode_normalization_alignments::{char as hf, UnicodeNormalization};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    // Raw UTF-8 rarely hits marks, so half the inputs pick characters from
    // the ones normalisation can touch, two bytes each.
    let text: String = if mode & 1 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let chars = alphabet();
        rest.chunks(2)
            .map(|p| chars[(usize::from(p[0]) << 8 | usize::from(*p.get(1).unwrap_or(&0))) % chars.len()])
            .collect()
    };
    let got = nfc(&text);
    assert_eq!(got, naive(&text), "naive NFC of {text:?}");
    let crate_nfc: String = text.nfc().map(|(c, _)| c).collect();
    assert_eq!(got, crate_nfc, "HF's NFC of {text:?}");
    assert_eq!(matches!(got, Cow::Borrowed(_)), got == text, "borrowed iff unchanged: {text:?}");
    assert!(matches!(nfc(&got), Cow::Borrowed(_)), "not idempotent: {text:?}");
});

fn naive(text: &str) -> String {
    let mut chars: Vec<(u8, char)> = Vec::new();
    for c in text.chars() {
        hf::decompose_canonical(c, |d| chars.push((hf::canonical_combining_class(d), d)));
    }
    let mut start = 0;
    while start < chars.len() {
        let end = (start..chars.len()).find(|&i| chars[i].0 == 0).unwrap_or(chars.len());
        chars[start..end].sort_by_key(|&(class, _)| class);
        start = end + 1;
    }
    let mut i = 1;
    while i < chars.len() {
        let class = chars[i].0;
        if let Some(s) = (0..i).rev().find(|&j| chars[j].0 == 0) {
            let blocked = (s + 1..i).any(|j| chars[j].0 == 0 || chars[j].0 >= class);
            if let (false, Some(c)) = (blocked, hf::compose(chars[s].1, chars[i].1)) {
                chars[s].1 = c;
                chars.remove(i);
                continue;
            }
        }
        i += 1;
    }
    chars.into_iter().map(|(_, c)| c).collect()
}

/// Every character below U+30000 that has a class, a decomposition or
/// composes, the Hangul jamo and some plain ones.
fn alphabet() -> &'static [char] {
    static CHARS: OnceLock<Vec<char>> = OnceLock::new();
    CHARS.get_or_init(|| {
        let mut chars: Vec<char> = (0..0x3_0000u32)
            .filter_map(char::from_u32)
            .filter(|&c| {
                let mut parts = 0;
                hf::decompose_canonical(c, |_| parts += 1);
                hf::canonical_combining_class(c) != 0 || parts > 1 || hf::compose('a', c).is_some()
            })
            .collect();
        chars.extend((0x1100..0x1200).filter_map(char::from_u32));
        chars.extend("aeoAEOnsx <>=\n中🙂\u{11938}\u{11935}\u{11930}\u{07FD}\u{0C3C}\u{1ABF}\u{1E2EC}".chars());
        chars
    })
}

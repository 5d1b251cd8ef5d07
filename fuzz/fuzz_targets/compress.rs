//! Compression invariants on arbitrary text: protected spans survive byte for
//! byte and in order, the output is never longer in tokens, and compressing
//! twice changes nothing more.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenmeter::Catalogue;
use tokenmeter::compress::{compress_prompt, protected_spans, CompressOptions, Level};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let level = Level::ALL[usize::from(selector) % Level::ALL.len()];
    let opts = CompressOptions { level, ..CompressOptions::default() };
    let once = compress_prompt(Catalogue::bundled(), &text, &opts).unwrap();
    assert!(once.tokens_after <= once.tokens_before);
    let twice = compress_prompt(Catalogue::bundled(), &once.text, &opts).unwrap();
    assert_eq!(twice.text, once.text, "not idempotent on {text:?}");
    let mut at = 0;
    for span in protected_spans(&text) {
        let found = once.text[at..].find(&span);
        assert!(found.is_some(), "protected span {span:?} of {text:?} changed");
        at += found.unwrap_or(0) + span.len();
    }
});

//! Context compaction on arbitrary text, every kind and level: never a
//! panic, never more tokens, compacting the output again (kind auto) gives
//! the same text, and lossless JSON that stays JSON decodes to the same
//! value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenmeter::Catalogue;
use tokenmeter::compact::{compact_context, CompactOptions, Kind, Level};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let kind = Kind::ALL[usize::from(selector) % Kind::ALL.len()];
    let level = Level::ALL[usize::from(selector / 8) % Level::ALL.len()];
    let opts = CompactOptions { kind, level, keep: vec!["a".into(), "b.c".into()], ..Default::default() };
    let Ok(once) = compact_context(Catalogue::bundled(), &text, &opts) else {
        // Only asking for JSON of what is not JSON may fail.
        assert_eq!(kind, Kind::Json, "{text:?}");
        return;
    };
    assert!(once.tokens_after <= once.tokens_before);
    let again = CompactOptions { kind: Kind::Auto, ..opts.clone() };
    let twice = compact_context(Catalogue::bundled(), &once.text, &again).unwrap();
    assert_eq!(twice.text, once.text, "not idempotent on {text:?}");
    if once.kind == Kind::Json && level == Level::Lossless {
        // serde_json refuses lone surrogates and deep nesting, which the
        // compactor reads: compare where both parse.
        let before = serde_json::from_str::<serde_json::Value>(&text);
        let after = serde_json::from_str::<serde_json::Value>(&once.text);
        if let (Ok(before), Ok(after)) = (before, after) {
            assert_eq!(before, after, "{text:?}");
        }
    }
});

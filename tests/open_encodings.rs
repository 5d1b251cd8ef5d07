//! The open-weight encodings' own rules, beyond the golden rows: id offsets,
//! always-matched added tokens in every mode, control ids that text never
//! becomes, decoding of every id, offsets, and prefixes.

use std::collections::HashSet;

use tokenmeter::{AllowedSpecial, Encoding, Tokenizer};

fn tokenizer(name: &str) -> Tokenizer {
    Tokenizer::new(Encoding::from_name(name).unwrap()).unwrap()
}

/// One past the largest id: the vocabulary and every added token.
#[test]
fn n_vocab_counts_every_id() {
    for (name, n) in [
        ("llama3", 128_256),
        ("llama4", 202_048),
        ("qwen2", 151_669),
        ("deepseek_v3", 128_815),
        ("tekken", 131_072),
    ] {
        assert_eq!(tokenizer(name).n_vocab(), n, "{name}");
    }
}

/// Every id below n_vocab decodes: ordinary tokens, specials, reserved and
/// filler ids, always-matched tokens and DeepSeek's rankless 0-2; none
/// above does.
#[test]
fn every_id_decodes() {
    for name in ["llama3", "llama4", "qwen2", "deepseek_v3", "tekken"] {
        let t = tokenizer(name);
        for id in 0..t.n_vocab() {
            let bytes = t.token_bytes(id);
            assert!(bytes.is_some_and(|b| !b.is_empty()), "{name}: id {id}");
        }
        let err = t.decode(&[t.n_vocab()]).unwrap_err();
        assert_eq!(err.code(), tokenmeter::ErrorCode::InvalidToken);
    }
    let tekken = tokenizer("tekken");
    assert_eq!(
        tekken.decode(&[1, 3, 500, 999]).unwrap(),
        "<s>[INST]<SPECIAL_500><SPECIAL_999>"
    );
    assert_eq!(
        tokenizer("deepseek_v3").decode(&[0, 1, 2]).unwrap(),
        "<｜begin▁of▁sentence｜><｜end▁of▁sentence｜><｜▁pad▁｜>"
    );
}

/// Tekken's ids are its ranks plus 1000; its first 1000 ids are control
/// tokens that text never becomes, whatever is allowed.
#[test]
fn tekken_ids_are_ranks_plus_1000_and_its_controls_are_never_text() {
    let t = tokenizer("tekken");
    let ids = t.encode_ordinary("Hello world").unwrap();
    assert!(ids.iter().all(|&id| id >= 1000), "{ids:?}");
    assert_eq!(t.decode(&ids).unwrap(), "Hello world");
    let text = "[INST] hi [/INST]</s><s><SPECIAL_20>";
    let all = t.encode(text, &AllowedSpecial::All).unwrap();
    assert_eq!(all, t.encode_ordinary(text).unwrap());
    assert!(all.iter().all(|&id| id >= 1000));
}

/// Qwen's 12 and DeepSeek's 14 always-matched tokens are one id each in
/// every mode; their special tokens only when allowed.
#[test]
fn always_matched_tokens_in_every_mode() {
    let none = AllowedSpecial::None;
    let all = AllowedSpecial::All;
    let qwen = tokenizer("qwen2");
    let ids = qwen.encode("a<think>b</think>", &none).unwrap();
    assert!(ids.contains(&151_667) && ids.contains(&151_668), "{ids:?}");
    assert_eq!(qwen.count("<tool_call><tool_response>", &none), 2);
    assert_eq!(qwen.encode("<|im_start|>", &all).unwrap(), [151_644]);
    assert!(qwen.encode("<|im_start|>", &none).unwrap().len() > 1);
    let some = AllowedSpecial::Some(HashSet::from(["<|im_end|>".to_string()]));
    let ids = qwen
        .encode("<|im_start|>x<|im_end|><think>", &some)
        .unwrap();
    assert_eq!(ids.last(), Some(&151_667));
    assert!(ids.contains(&151_645) && !ids.contains(&151_644));

    let ds = tokenizer("deepseek_v3");
    assert_eq!(ds.encode("<｜User｜>", &none).unwrap(), [128_803]);
    assert_eq!(ds.encode("<｜Assistant｜>", &none).unwrap(), [128_804]);
    assert!(ds.encode("<｜begin▁of▁sentence｜>", &none).unwrap().len() > 1);
    assert_eq!(ds.encode("<｜begin▁of▁sentence｜>", &all).unwrap(), [0]);
    assert_eq!(ds.encode("<|EOT|>", &all).unwrap(), [128_805]);
}

/// Offsets: each token's bytes are the text's from its start to the next
/// token's, added tokens included, whatever the id offset.
#[test]
fn offsets_span_the_text() {
    let cases = [
        ("tekken", "Hello, wörld! 12345 [INST]"),
        ("deepseek_v3", "x<｜User｜>héllo 1234 中文<｜Assistant｜>"),
        ("qwen2", "<think>plan</think> 123 ok"),
        ("llama3", "<|begin_of_text|>Hi there\n\n"),
        ("llama4", "<|header_start|>user<|header_end|>"),
    ];
    for (name, text) in cases {
        let t = tokenizer(name);
        let (ids, starts) = t.encode_with_offsets(text, &AllowedSpecial::All).unwrap();
        assert_eq!(starts.len(), ids.len() + 1);
        assert_eq!(*starts.last().unwrap(), text.len());
        for (i, &id) in ids.iter().enumerate() {
            assert_eq!(
                t.token_bytes(id).unwrap(),
                &text.as_bytes()[starts[i]..starts[i + 1]]
            );
        }
    }
}

/// A prefix that ends inside an always-matched token does not count that
/// token's text as ordinary pieces that a longer text would not have.
#[test]
fn prefix_exceeds_waits_for_an_added_token_cut_in_half() {
    let qwen = tokenizer("qwen2");
    let none = AllowedSpecial::None;
    let whole = "ok <think>";
    let n = qwen.count(whole, &none);
    for cut in 1..whole.len() {
        let prefix = &whole[..cut];
        // Never more tokens than the whole text has.
        assert!(!qwen.prefix_exceeds(prefix, &none, n), "{prefix:?}");
    }
}

/// Llama 4 counts with o200k's pattern over its own ranks.
#[test]
fn llama4_splits_as_o200k() {
    let text = "Don't split THESE words' 12345 ways";
    let llama4 = tokenizer("llama4");
    let ids = llama4.encode_ordinary(text).unwrap();
    assert_eq!(llama4.decode(&ids).unwrap(), text);
}

/// Qwen 2 normalises to NFC: its tokens spell the normalised text, and
/// their offsets still point into the text as given, byte for byte where
/// NFC changed nothing and at the start of a changed stretch elsewhere.
#[test]
fn qwen2_offsets_point_into_the_text_as_given() {
    let qwen = tokenizer("qwen2");
    let text = "plain words, then cafe\u{301} and A\u{30a}ngstro\u{308}m \u{212b} 12";
    let nfc = tokenmeter::internals::nfc(text);
    assert_ne!(nfc, text);
    let (ids, starts) = qwen
        .encode_with_offsets(text, &AllowedSpecial::None)
        .unwrap();
    assert_eq!(ids, qwen.encode_ordinary(&nfc).unwrap());
    assert_eq!(qwen.decode(&ids).unwrap(), nfc);
    assert_eq!(*starts.last().unwrap(), text.len());
    assert!(starts.windows(2).all(|w| w[0] <= w[1]));
    assert!(starts.iter().all(|&s| text.is_char_boundary(s)));
    // The unchanged start maps byte for byte.
    let mut at = 0;
    for (i, &id) in ids.iter().enumerate() {
        if at >= "plain words, then ".len() {
            break;
        }
        assert_eq!(starts[i], at);
        at += qwen.token_bytes(id).unwrap().len();
    }
    // The token that holds "é" starts inside "cafe\u{301}"'s stretch at the latest.
    let e = text.find("e\u{301}").unwrap();
    assert!(starts
        .iter()
        .any(|&s| s == e || s == text.find("cafe").unwrap() - 1));
}

/// Added tokens are found in the text as given, before NFC, as Hugging Face
/// tokenizers does: a mark after `</tool_response>` does not compose with
/// its `>` (U+226F), it is normalised alone (found by the roundtrip fuzz
/// target, whose expectation was NFC of the whole text).
#[test]
fn qwen2_matches_added_tokens_before_normalising() {
    let qwen = tokenizer("qwen2");
    let text = "x</tool_response>\u{338}y";
    let ids = qwen.encode_ordinary(text).unwrap();
    assert!(ids.contains(&151_666), "{ids:?}");
    assert_eq!(qwen.decode(&ids).unwrap(), text);
    let composed = tokenmeter::internals::nfc(text);
    assert!(composed.contains('\u{226f}'));
    assert!(!qwen.encode_ordinary(&composed).unwrap().contains(&151_666));
}

//! tokenmeter's tokenizer against tiktoken-rs (the same Rust core OpenAI's
//! Python tiktoken runs) on random and adversarial text, every encoding.

mod common;

use common::{random_text, random_unicode, Rng};
use tokenmeter::{AllowedSpecial, Encoding, Tokenizer};

/// The encodings tiktoken-rs implements, which these tests compare.
const TIKTOKEN: [Encoding; 6] = [
    Encoding::R50kBase,
    Encoding::P50kBase,
    Encoding::P50kEdit,
    Encoding::Cl100kBase,
    Encoding::O200kBase,
    Encoding::O200kHarmony,
];

fn reference(e: Encoding) -> &'static tiktoken_rs::CoreBPE {
    match e {
        Encoding::R50kBase => tiktoken_rs::r50k_base_singleton(),
        Encoding::P50kBase => tiktoken_rs::p50k_base_singleton(),
        Encoding::P50kEdit => tiktoken_rs::p50k_edit_singleton(),
        Encoding::Cl100kBase => tiktoken_rs::cl100k_base_singleton(),
        Encoding::O200kBase => tiktoken_rs::o200k_base_singleton(),
        Encoding::O200kHarmony => tiktoken_rs::o200k_harmony_singleton(),
        // Unreachable while every encoding of data/encodings/encodings.json
        // is one of tiktoken-rs's; kept for the first one that is not.
        #[allow(unreachable_patterns)]
        other => panic!("tiktoken-rs has no {}", other.name()),
    }
}

#[track_caller]
fn check(e: Encoding, text: &str) {
    let ours = Tokenizer::new(e).unwrap();
    let expected = reference(e).encode_ordinary(text);
    let got = ours.encode_ordinary(text).unwrap();
    assert_eq!(got, expected, "{}: tokens of {text:?}", e.name());
    assert_eq!(
        ours.count_ordinary(text),
        expected.len(),
        "{}: count of {text:?}",
        e.name()
    );
    assert_eq!(
        ours.decode(&got).unwrap(),
        text,
        "{}: decode(encode({text:?}))",
        e.name()
    );
}

#[test]
fn random_text_matches_tiktoken() {
    let mut rng = Rng::new(7);
    for _ in 0..3_000 {
        let text = random_text(&mut rng, 40);
        for e in TIKTOKEN {
            check(e, &text);
        }
    }
}

#[test]
fn random_unicode_matches_tiktoken_and_round_trips() {
    let mut rng = Rng::new(8);
    for _ in 0..1_000 {
        let text = random_unicode(&mut rng, 60);
        for e in TIKTOKEN {
            check(e, &text);
        }
    }
}

#[test]
fn long_runs_match_tiktoken() {
    // Long pieces take the bucket merge path; these must equal the scan
    // path's (tiktoken's) result.
    for unit in [
        "a", " ", "\n", "1", "é", "中", "🙂", "\t", "ab", "Zx", "=+", "aé",
    ] {
        for n in [95, 96, 97, 200, 10_000] {
            let text = unit.repeat(n);
            for e in TIKTOKEN {
                check(e, &text);
            }
        }
    }
    let mut rng = Rng::new(9);
    let b64: Vec<char> = ('A'..='Z')
        .chain('a'..='z')
        .chain('0'..='9')
        .chain(['+', '/'])
        .collect();
    for _ in 0..20 {
        let text: String = (0..2_000).map(|_| *rng.pick(&b64)).collect();
        for e in TIKTOKEN {
            check(e, &text);
        }
    }
}

#[test]
fn long_random_pieces_match_tiktoken() {
    // One piece each (no spaces, digits or punctuation), long enough for the
    // bucket path, from alphabets where many different merges compete: words
    // run together, small alphabets, CJK and accented Latin. These reach the
    // case where a merge creates a pair that ranks below the one being merged.
    let mut rng = Rng::new(10);
    let words = [
        "the", "tion", "ing", "and", "ation", "ment", "ness", "er", "re", "st", "token", "count",
        "ize", "ly", "un", "pre", "ed", "s", "a", "e",
    ];
    let alphabets: [Vec<char>; 4] = [
        "aeinrst".chars().collect(),
        "ab".chars().collect(),
        "的一是不了人我在有他这中大来上个".chars().collect(),
        "éèàçôüaeou".chars().collect(),
    ];
    for round in 0..400 {
        let len = 100 + rng.below(3_000);
        let mut text = String::new();
        while text.len() < len {
            if round % 2 == 0 {
                let word: &&str = rng.pick(&words);
                text.push_str(word);
            } else {
                text.push(*rng.pick(&alphabets[round / 2 % alphabets.len()]));
            }
        }
        for e in TIKTOKEN {
            check(e, &text);
        }
    }
}

#[test]
fn special_tokens_follow_allowed_special() {
    for e in TIKTOKEN {
        // tiktoken-rs leaves <|endofprompt|> out of o200k_harmony, which OpenAI's
        // tiktoken keeps (inherited from o200k_base); the golden file covers it.
        let text = if e == Encoding::O200kHarmony {
            "a<|endoftext|>b<|fim_prefix|> <|start|>x<|reserved_200020|><|end"
        } else {
            "a<|endoftext|>b<|fim_prefix|><|endofprompt|> <|start|>x<|reserved_200020|><|end"
        };
        let ours = Tokenizer::new(e).unwrap();
        let r = reference(e);
        assert_eq!(
            ours.encode(text, &AllowedSpecial::All).unwrap(),
            r.encode_with_special_tokens(text),
            "{}",
            e.name()
        );
        assert_eq!(
            ours.encode(text, &AllowedSpecial::None).unwrap(),
            r.encode_ordinary(text),
            "{}",
            e.name()
        );
        let only_eot: std::collections::HashSet<&str> = ["<|endoftext|>"].into();
        let set = AllowedSpecial::Some(only_eot.iter().map(|s| s.to_string()).collect());
        assert_eq!(
            ours.encode(text, &set).unwrap(),
            r.encode(text, &only_eot).unwrap().0,
            "{}",
            e.name()
        );
        assert_eq!(
            ours.count(text, &set),
            r.encode(text, &only_eot).unwrap().0.len()
        );
    }
}

#[test]
fn count_within_stops_at_the_limit() {
    let t = Tokenizer::new(Encoding::O200kBase).unwrap();
    let text = "hello world ".repeat(1000);
    let n = t.count_ordinary(&text);
    assert_eq!(t.count_within(&text, &AllowedSpecial::None, n), Some(n));
    assert_eq!(t.count_within(&text, &AllowedSpecial::None, n - 1), None);
    assert_eq!(t.count_within("", &AllowedSpecial::None, 0), Some(0));
    let huge = "a".repeat(5_000_000);
    assert_eq!(t.count_within(&huge, &AllowedSpecial::None, 1000), None);
}

#[test]
fn every_token_of_every_vocabulary_round_trips() {
    for e in [
        Encoding::R50kBase,
        Encoding::P50kBase,
        Encoding::Cl100kBase,
        Encoding::O200kBase,
    ] {
        let t = Tokenizer::new(e).unwrap();
        let r = reference(e);
        for id in 0..t.n_vocab() {
            let ours = t.token_bytes(id).map(<[u8]>::to_vec);
            let theirs = r.decode_bytes(&[id]).ok();
            assert_eq!(ours, theirs, "{} token {id}", e.name());
        }
    }
}

#[test]
fn prefix_exceeds_is_never_wrong() {
    // For every prefix length, prefix_exceeds must imply that the whole text
    // is over the limit, and on long texts it must say so early.
    let mut rng = Rng::new(11);
    for _ in 0..300 {
        let text = random_text(&mut rng, 60);
        for e in [
            Encoding::O200kBase,
            Encoding::Cl100kBase,
            Encoding::R50kBase,
        ] {
            let t = Tokenizer::new(e).unwrap();
            for allowed in [AllowedSpecial::None, AllowedSpecial::All] {
                let total = t.count(&text, &allowed);
                for limit in [0, 1, 3, total.saturating_sub(1), total] {
                    for (cut, _) in text.char_indices() {
                        if t.prefix_exceeds(&text[..cut], &allowed, limit) {
                            assert!(total > limit, "{}: prefix {:?} of {text:?} exceeds {limit} but the text has {total}", e.name(), &text[..cut]);
                        }
                    }
                }
            }
        }
    }
    let t = Tokenizer::new(Encoding::O200kBase).unwrap();
    let long = "word ".repeat(10_000);
    assert!(t.prefix_exceeds(&long[..20_000], &AllowedSpecial::None, 1000));
}

/// encode_with_offsets: the tokens are encode's, and their bytes, cut at the
/// offsets, spell the text.
#[test]
fn offsets_spell_the_text() {
    let mut rng = Rng::new(77);
    for encoding in [Encoding::O200kBase, Encoding::Cl100kBase] {
        let t = Tokenizer::new(encoding).unwrap();
        for _ in 0..300 {
            let text = random_text(&mut rng, 200);
            let (tokens, starts) = t.encode_with_offsets(&text, &AllowedSpecial::None).unwrap();
            assert_eq!(tokens, t.encode_ordinary(&text).unwrap());
            assert_eq!(
                (starts.len(), starts.last().copied()),
                (tokens.len() + 1, Some(text.len()))
            );
            for (i, &tok) in tokens.iter().enumerate() {
                assert_eq!(
                    &text.as_bytes()[starts[i]..starts[i + 1]],
                    t.token_bytes(tok).unwrap(),
                    "{text:?}"
                );
            }
        }
    }
}

//! The two merge loops against each other, and what loading works out from
//! the pieces (the properties that words and cuts rely on).

use crate::encodings::{Encoding, Model};

use super::SentencePiece;

fn gemma3() -> &'static SentencePiece {
    match Encoding::Gemma3.model() {
        Ok(Model::SentencePiece(sp)) => sp,
        _ => panic!("native builds carry gemma3"),
    }
}

/// What the word and cut rules rest on, as loading found it in the pieces:
/// only `>` joins a U+2581 to the char before it (`>▁</`), the user-defined
/// pieces with a U+2581 are runs of it, and every run of `\n` or `\t` is
/// user-defined pieces.
#[test]
fn loading_finds_where_texts_can_be_cut() {
    let sp = gemma3();
    assert_eq!(sp.space_joins, vec!['>']);
    assert!(sp.spaces_cut);
    assert_eq!(sp.run_chars, vec!['\n', '\t']);
    assert_eq!(sp.n_vocab(), 262_145);
    assert_eq!(sp.byte_id(0), 238);
    assert_eq!(sp.byte_id(255), 493);
}

/// The rescanning loop (short words) and the heap (long ones) give the same
/// tokens on every word, short or long, of a few alphabets that merge a lot.
#[test]
fn both_merge_loops_agree() {
    let sp = gemma3();
    let alphabets: [&[&str]; 5] = [
        &["a", "b", "n", "an", "ba"],
        &["\u{2581}", "t", "h", "e", "r"],
        &["日", "本", "語", "の"],
        &["1", "0", ".", "-"],
        &["e", "\u{301}", "\u{10FFFD}", "x"],
    ];
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for round in 0..4000 {
        let alphabet = alphabets[round % alphabets.len()];
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = 1 + (seed % 60) as usize;
        let word: String = (0..len)
            .map(|i| alphabet[((seed >> (i % 50)) as usize + i) % alphabet.len()])
            .collect();
        let (scanned, heaped) = sp.merge_both(word.as_bytes());
        assert_eq!(scanned, heaped, "{word:?}");
    }
}

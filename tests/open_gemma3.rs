//! gemma3 against every row of tests/golden/open_tokens.jsonl (SentencePiece
//! 0.2.3 over the same pieces; tests/golden/README.md), both modes, exact.

use serde::Deserialize;
use std::collections::BTreeMap;
use tokenmeter::{AllowedSpecial, Encoding, Tokenizer};

#[derive(Deserialize)]
struct Row {
    case: String,
    allowed_special: String,
    text: String,
    tokens: BTreeMap<String, Vec<u32>>,
}

fn rows() -> Vec<Row> {
    let file = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/open_tokens.jsonl"
    ))
    .unwrap();
    file.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn mode(name: &str) -> AllowedSpecial {
    match name {
        "all" => AllowedSpecial::All,
        "none" => AllowedSpecial::None,
        other => panic!("allowed_special {other}"),
    }
}

#[test]
fn every_gemma3_golden_row_matches() {
    let sp = Tokenizer::new(Encoding::Gemma3).expect("native builds carry gemma3");
    let (mut checked, mut modes) = (0, std::collections::BTreeSet::new());
    for row in rows() {
        let Some(want) = row.tokens.get("gemma3") else {
            continue;
        };
        let allowed = mode(&row.allowed_special);
        let got = sp.encode(&row.text, &allowed).unwrap();
        assert_eq!(&got, want, "{} ({})", row.case, row.allowed_special);
        assert_eq!(sp.count(&row.text, &allowed), want.len(), "{}", row.case);
        checked += 1;
        modes.insert(row.allowed_special.clone());
    }
    assert_eq!(checked, 554);
    assert_eq!(modes.len(), 2);
}

/// HF `tokenizers` matches user-defined pieces on the raw text, before
/// spaces become U+2581, so a literal U+2581 next to spaces differs: the
/// rows that keep HF's ids as `gemma3_hf` are exactly those, and tokenmeter
/// follows SentencePiece (and Google's SDK) there.
#[test]
fn the_hf_rows_differ_only_by_a_literal_u2581() {
    let sp = Tokenizer::new(Encoding::Gemma3).unwrap();
    let mut differ = 0;
    for row in rows() {
        let Some(hf) = row.tokens.get("gemma3_hf") else {
            continue;
        };
        let got = sp.encode(&row.text, &mode(&row.allowed_special)).unwrap();
        assert_ne!(&got, hf, "{}", row.case);
        assert_eq!(&got, &row.tokens["gemma3"]);
        assert!(row.text.contains('\u{2581}'), "{}", row.case);
        differ += 1;
    }
    assert_eq!(differ, 4);
}

/// decode(encode(x)) == x wherever x has no literal U+2581 (which decodes
/// to a space, as SentencePiece does).
#[test]
fn golden_texts_round_trip() {
    let sp = Tokenizer::new(Encoding::Gemma3).unwrap();
    for row in rows() {
        let allowed = mode(&row.allowed_special);
        let back = sp.decode(&sp.encode(&row.text, &allowed).unwrap()).unwrap();
        assert_eq!(back, row.text.replace('\u{2581}', " "), "{}", row.case);
    }
}

mod common;

use common::spm_reference::Reference;
use common::Rng;
use tokenmeter::internals::sentencepiece;
use tokenmeter::{ErrorCode, TokenCounter};

/// Pieces of text where gemma3's rules meet: spaces and literal U+2581
/// (runs are user-defined pieces), `>▁</` (the one normal piece with a
/// U+2581 inside), newline and tab runs, HTML tags and `<unusedN>`,
/// control pieces' text, chars that no piece covers (byte fallback), and
/// ordinary words in several scripts.
const PARTS: &[&str] = &[
    " ",
    " ",
    " ",
    "  ",
    "\u{2581}",
    "a",
    "the",
    "The",
    " the",
    "ing",
    "tion",
    ".",
    ",",
    "!",
    "'s",
    "123",
    "4",
    "\n",
    "\n\n",
    "\t",
    "\t\t",
    "\r\n",
    ">",
    "<",
    "</",
    "> </",
    ">\u{2581}</",
    "<b>",
    "</b>",
    "<h1>",
    "<table>",
    "<unused7>",
    "<unused",
    "[multimodal]",
    "<mask>",
    "<bos>",
    "<eos>",
    "<start_of_turn>",
    "<end_of_turn>",
    "<start_of_image>",
    "<pad>",
    "日本",
    "語",
    "中文",
    "한국어",
    "Привет",
    "é",
    "e\u{301}",
    "ß",
    "😀",
    "👩\u{200d}💻",
    "\u{FFFD}",
    "\u{10FFFD}",
    "\u{E000}",
    "\u{1D11E}",
    "\u{0}",
    "\u{7f}",
    "\u{2028}",
    "\u{3000}",
    "ー",
    "ab",
    "xyz",
    "🇫🇷",
    "\u{FEFF}",
    "\u{200b}",
];

fn random_gemma_text(rng: &mut Rng, max_parts: usize) -> String {
    (0..rng.below(max_parts + 1))
        .map(|_| *rng.pick(PARTS))
        .collect()
}

fn gemma3() -> Tokenizer {
    Tokenizer::new(Encoding::Gemma3).unwrap()
}

/// The encoder against the plain quadratic reference (no words, no memo,
/// no heap) on random texts, both modes and a subset of the controls.
#[test]
fn random_texts_encode_as_the_plain_reference_does() {
    let t = gemma3();
    let reference = Reference::new(sentencepiece(Encoding::Gemma3).unwrap());
    let some: std::collections::HashSet<String> = ["<bos>".to_string()].into();
    let mut rng = Rng::new(20_261_207);
    for round in 0..3000 {
        let text = random_gemma_text(&mut rng, 1 + round % 40);
        let none = reference.encode(&text, &|_| false);
        assert_eq!(
            t.encode(&text, &AllowedSpecial::None).unwrap(),
            none,
            "{text:?}"
        );
        let all = reference.encode(&text, &|_| true);
        assert_eq!(
            t.encode(&text, &AllowedSpecial::All).unwrap(),
            all,
            "{text:?}"
        );
        let only_bos = reference.encode(&text, &|s| s == "<bos>");
        let got = t
            .encode(&text, &AllowedSpecial::Some(some.clone()))
            .unwrap();
        assert_eq!(got, only_bos, "{text:?}");
        assert_eq!(t.count(&text, &AllowedSpecial::All), all.len());
    }
}

/// Long words take the heap, short ones the rescanning loop: long texts
/// without spaces (so one word) against the reference.
#[test]
fn long_words_encode_as_the_plain_reference_does() {
    let t = gemma3();
    let reference = Reference::new(sentencepiece(Encoding::Gemma3).unwrap());
    let mut rng = Rng::new(7);
    let alphabets: [&[&str]; 4] = [
        &["a", "b", "ab", "ba", "aa"],
        &["日", "本", "語", "中", "文", "字"],
        &["e", "\u{301}", "é", "s", "t"],
        &["1", "2", "3", ".", "0"],
    ];
    for round in 0..300 {
        let alphabet = alphabets[round % alphabets.len()];
        let text: String = (0..20 + rng.below(200))
            .map(|_| *rng.pick(alphabet))
            .collect();
        let want = reference.encode(&text, &|_| false);
        assert_eq!(
            t.encode(&text, &AllowedSpecial::None).unwrap(),
            want,
            "{text:?}"
        );
    }
}

/// Inputs that are one unit for the merge (100 KB of one char, of `>`
/// and space, of a char no piece covers) or all user-defined pieces (spaces,
/// newlines): encoded, counted and decoded at all. Not a timing test; a
/// quadratic merge would not finish in the test's time.
#[test]
fn long_runs_complete() {
    let t = gemma3();
    let n = 100_000;
    let texts = [
        "a".repeat(n),
        " ".repeat(n),
        "\n".repeat(n),
        "\t".repeat(n),
        "\u{2581}".repeat(n / 3),
        "> ".repeat(n / 2),
        ">\u{2581}</".repeat(n / 6),
        "日".repeat(n / 3),
        "\u{10FFFD}".repeat(n / 4),
        "ab".repeat(n / 2),
        "<unused1>".repeat(n / 9),
    ];
    for text in &texts {
        let tokens = t.encode(text, &AllowedSpecial::None).unwrap();
        assert_eq!(t.count(text, &AllowedSpecial::None), tokens.len());
        assert_eq!(t.decode(&tokens).unwrap(), text.replace('\u{2581}', " "));
        let (_, starts) = t.encode_with_offsets(text, &AllowedSpecial::None).unwrap();
        assert_eq!(starts.last(), Some(&text.len()));
    }
    // 100,000 spaces are runs of 31 (user-defined piece 167) and what is left.
    let spaces = t.encode(&" ".repeat(n), &AllowedSpecial::None).unwrap();
    assert_eq!(spaces.len(), n.div_ceil(31));
    assert!(spaces[..spaces.len() - 1].iter().all(|&id| id == 167));
}

/// Each token's span is its text: a byte piece spans its byte of the
/// char, a space is one byte of the text for three of `▁`.
#[test]
fn offsets_span_each_token_in_the_text() {
    let t = gemma3();
    let mut rng = Rng::new(99);
    for _ in 0..2000 {
        let text = random_gemma_text(&mut rng, 30);
        for allowed in [AllowedSpecial::None, AllowedSpecial::All] {
            let (tokens, starts) = t.encode_with_offsets(&text, &allowed).unwrap();
            assert_eq!(tokens, t.encode(&text, &allowed).unwrap());
            assert_eq!(starts.len(), tokens.len() + 1);
            assert_eq!((starts[0], starts[tokens.len()]), (0, text.len()));
            for (i, &token) in tokens.iter().enumerate() {
                let span = &text.as_bytes()[starts[i]..starts[i + 1]];
                let spelt = String::from_utf8_lossy(span).replace('\u{2581}', " ");
                let decoded = t.decode_bytes(&[token]).unwrap();
                assert_eq!(
                    String::from_utf8_lossy(&decoded),
                    spelt,
                    "{text:?} token {i}"
                );
            }
        }
    }
}

/// `last_cut`: the count of any text that starts with `text` is the count
/// up to the cut plus the count of the rest.
#[test]
fn a_cut_splits_every_longer_text_into_counts_that_add() {
    let sp = sentencepiece(Encoding::Gemma3).unwrap();
    let mut rng = Rng::new(5);
    let mut cuts = 0;
    for _ in 0..3000 {
        let text = random_gemma_text(&mut rng, 20);
        let Some(cut) = sp.last_cut(&text, 0) else {
            continue;
        };
        cuts += 1;
        for _ in 0..3 {
            let more = random_gemma_text(&mut rng, 4);
            let whole = format!("{text}{more}");
            let rest = format!("{}{more}", &text[cut..]);
            for allowed in [AllowedSpecial::None, AllowedSpecial::All] {
                assert_eq!(
                    sp.count(&whole, &allowed),
                    sp.count(&text[..cut], &allowed) + sp.count(&rest, &allowed),
                    "{text:?} cut at {cut}, then {more:?}"
                );
            }
        }
    }
    assert!(cuts > 1500, "only {cuts} texts had a cut");
}

#[test]
fn counted_in_parts_equals_counted_whole_and_prose_is_held_briefly() {
    let t = gemma3();
    let mut rng = Rng::new(11);
    for _ in 0..1500 {
        let text = random_gemma_text(&mut rng, 24);
        let mut counter = TokenCounter::new(t);
        let mut at = 0;
        while at < text.len() {
            let mut next = (at + 1 + rng.below(8)).min(text.len());
            while !text.is_char_boundary(next) {
                next += 1;
            }
            counter.push(&text[at..next]);
            at = next;
        }
        assert_eq!(counter.count(), t.count_ordinary(&text), "{text:?}");
    }
    let page = "The quick brown fox jumps over the lazy dog, twice; then it rests.\n";
    let text = page.repeat(4000);
    let mut counter = TokenCounter::new(t);
    let mut most = 0;
    for chunk in text.as_bytes().chunks(997) {
        counter.push(std::str::from_utf8(chunk).unwrap());
        most = most.max(counter.held_bytes());
    }
    assert_eq!(counter.count(), t.count_ordinary(&text));
    assert!(most < 64, "held up to {most} bytes");
}

/// `prefix_exceeds` only says yes when no continuation can bring the count
/// back within the limit, and does say yes when the prefix is far over it.
#[test]
fn prefix_exceeds_is_safe_and_useful() {
    let t = gemma3();
    let mut rng = Rng::new(3);
    for _ in 0..1000 {
        let prefix = random_gemma_text(&mut rng, 20);
        let whole = t.count(&prefix, &AllowedSpecial::All);
        for limit in [0, whole / 2, whole.saturating_sub(1), whole] {
            if t.prefix_exceeds(&prefix, &AllowedSpecial::All, limit) {
                for _ in 0..3 {
                    let more = random_gemma_text(&mut rng, 3);
                    let longer = format!("{prefix}{more}");
                    assert!(t.count(&longer, &AllowedSpecial::All) > limit, "{longer:?}");
                }
            }
        }
    }
    let prose = "Some words, then more words. ".repeat(100);
    assert!(t.prefix_exceeds(&prose, &AllowedSpecial::None, 100));
    assert!(!t.prefix_exceeds(&prose, &AllowedSpecial::None, 10_000));
}

#[test]
fn controls_follow_the_allowed_set_and_bad_ids_are_refused() {
    let t = gemma3();
    assert_eq!(t.n_vocab(), 262_145);
    let bos: std::collections::HashSet<String> = ["<bos>".to_string()].into();
    let text = "<bos><start_of_turn>user";
    let only_bos = t.encode(text, &AllowedSpecial::Some(bos)).unwrap();
    assert_eq!(only_bos[0], 2);
    assert!(!only_bos.contains(&105));
    let all = t.encode(text, &AllowedSpecial::All).unwrap();
    assert_eq!(&all[..2], &[2, 105]);
    assert!(!t.encode(text, &AllowedSpecial::None).unwrap().contains(&2));
    // A control piece decodes to its text; a byte piece to its byte.
    assert_eq!(t.decode(&[2, 105]).unwrap(), "<bos><start_of_turn>");
    assert_eq!(t.decode_bytes(&[238 + 0xE2]).unwrap(), vec![0xE2]);
    let err = t.decode(&[5, 262_145]).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidToken);
    assert_eq!(err.field_name(), Some("tokens[1]"));
}

/// A lone surrogate from JavaScript arrives as U+FFFD, one piece
/// (docs/encodings.md: the JS peers count three byte tokens).
#[test]
fn u_fffd_is_one_piece() {
    let t = gemma3();
    assert_eq!(
        t.encode("\u{FFFD}", &AllowedSpecial::None).unwrap(),
        vec![238_479]
    );
}

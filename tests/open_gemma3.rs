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

//! NFC as Hugging Face `tokenizers` applies it (src/normalize.rs): every row
//! of tests/golden/nfc.jsonl (HF's own output), the laws (idempotent,
//! borrowed exactly when unchanged), and HF's Rust crate itself over every
//! code point and over seeded random strings.
#![cfg(feature = "nfc")]

use std::borrow::Cow;

use tokenmeter::internals::nfc;
use unicode_normalization_alignments::UnicodeNormalization;

/// HF's NFC: the crate its `NormalizedString::nfc` calls.
fn hf(text: &str) -> String {
    text.nfc().map(|(c, _)| c).collect()
}

fn check(text: &str, expected: &str) {
    let got = nfc(text);
    assert_eq!(got, expected, "nfc({text:?})");
    assert_eq!(
        matches!(got, Cow::Borrowed(_)),
        text == expected,
        "borrowed iff unchanged: {text:?}"
    );
    assert!(
        matches!(nfc(&got), Cow::Borrowed(_)),
        "not idempotent: {text:?}"
    );
}

#[test]
fn every_golden_row() {
    let file = std::fs::read_to_string("tests/golden/nfc.jsonl").unwrap();
    let mut lines = file.lines();
    let meta: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(meta["meta"]["tokenizers"], "0.23.3");
    let (mut rows, mut changed) = (0, 0);
    for line in lines {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let (text, expected) = (row["text"].as_str().unwrap(), row["nfc"].as_str().unwrap());
        check(text, expected);
        rows += 1;
        changed += usize::from(text != expected);
    }
    assert_eq!(rows, meta["meta"]["rows"].as_u64().unwrap() as usize);
    assert_eq!(changed, meta["meta"]["changed"].as_u64().unwrap() as usize);
    assert!(
        rows > 10_000 && changed > 5_000,
        "{rows} rows, {changed} changed"
    );
}

#[test]
fn every_code_point_alone_and_around_marks() {
    for c in (0..0x11_0000).filter_map(char::from_u32) {
        for text in [
            c.to_string(),
            format!("a{c}\u{0301}"),
            format!("{c}\u{0323}\u{0302}"),
            format!("\u{1100}{c}"),
        ] {
            check(&text, &hf(&text));
        }
    }
}

/// SplitMix64: seeded, so a failure is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Characters that normalisation can touch (marks, composites, Hangul,
/// exclusions, post-9.0 characters) and a few it cannot.
fn alphabet() -> Vec<char> {
    let touched = |c: &char| {
        let s = c.to_string();
        hf(&format!("a{s}")) != format!("a{s}")
            || hf(&format!("{s}\u{0301}")) != format!("{s}\u{0301}")
    };
    let mut chars: Vec<char> = (0..0x3_0000)
        .filter_map(char::from_u32)
        .filter(touched)
        .collect();
    chars.extend(
        "aeoAEO <>=\n中🙂\u{1100}\u{1161}\u{11A7}\u{11A8}\u{AC00}\u{11938}\u{11935}\u{11930}"
            .chars(),
    );
    chars.extend([
        '\u{07FD}',
        '\u{0C3C}',
        '\u{1ABF}',
        '\u{1E2EC}',
        '\u{105C9}',
        '\u{16121}',
        '\u{1611E}',
    ]);
    chars
}

#[test]
fn random_strings_match_hf() {
    let chars = alphabet();
    let mut rng = Rng(23);
    for _ in 0..200_000 {
        let len = 1 + rng.below(12);
        let text: String = (0..len).map(|_| chars[rng.below(chars.len())]).collect();
        check(&text, &hf(&text));
    }
    // Runs of more than 32 marks take the counting sort.
    let class = unicode_normalization_alignments::char::canonical_combining_class;
    let marks: Vec<char> = (0..0x3_0000)
        .filter_map(char::from_u32)
        .filter(|&c| class(c) != 0)
        .collect();
    assert_eq!(marks.len(), 814, "Unicode 9.0's marks with a class");
    for _ in 0..2_000 {
        let len = 33 + rng.below(60);
        let text: String = std::iter::once('a')
            .chain((0..len).map(|_| marks[rng.below(marks.len())]))
            .collect();
        check(&text, &hf(&text));
    }
}

#[test]
fn marks_added_after_unicode_9_keep_class_0() {
    // Listed in docs/research/open-weight-tokenizers.md (qwen2): HF leaves
    // them where they are, so U+0316 stays after them and U+0301 composes.
    for m in [
        '\u{07FD}',
        '\u{0898}',
        '\u{08D3}',
        '\u{0C3C}',
        '\u{1ACE}',
        '\u{10D27}',
        '\u{1E2EF}',
    ] {
        check(&format!("a\u{0301}{m}\u{0316}"), &format!("á{m}\u{0316}"));
        check(&format!("e{m}\u{0301}"), &format!("e{m}\u{0301}"));
    }
    // U+11938 neither decomposes nor is composed.
    check("\u{11938}", "\u{11938}");
    check("\u{11935}\u{11930}", "\u{11935}\u{11930}");
}

#[test]
fn known_cases() {
    check("", "");
    check("plain ASCII text\n", "plain ASCII text\n");
    check("e\u{0301}", "é");
    check("\u{0301}e", "\u{0301}e");
    check("a\u{0323}\u{0302}\u{0301}", "\u{1EAD}\u{0301}");
    check("\u{1100}\u{1161}\u{11A8}", "\u{AC01}");
    check("\u{AC00}\u{11A7}", "\u{AC00}\u{11A7}");
    check("\u{212B}", "\u{00C5}");
    check("\u{0958}", "\u{0915}\u{093C}");
    check("\u{0F73}", "\u{0F71}\u{0F72}");
    check("\u{09C7}\u{09BE}", "\u{09CB}");
    check("x\u{0344}", "\u{1E8D}\u{0301}");
}

#[test]
fn long_runs_of_marks_are_linear_enough() {
    // Canonical ordering sorts a run of marks; a long reversed run must not
    // take quadratic time (this would take minutes if it did).
    let marks: String = "\u{0301}\u{0323}\u{031B}\u{0345}".repeat(100_000);
    let text = format!("a{marks}b");
    check(&text, &hf(&text));
    assert_eq!(nfc(&text).chars().count(), 400_001);
    let plain = "x".repeat(1 << 20);
    assert!(matches!(nfc(&plain), Cow::Borrowed(_)));
}

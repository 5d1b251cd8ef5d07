//! The laws of prompt compression on any text: compressing twice gives the
//! same text, and the output is never longer in tokens than the input; on
//! random text, random prose, phrase soup, the prompt corpus, edge inputs
//! and 10 MB inputs.
//!
//! Issue 28: the 10 MB test's 25x ratio and 60 s ceilings are gone
//! (`ten_megabytes_compress_and_keep_the_laws` checks the work, not the time).

mod common;

use common::compress::{capitalize, check_laws, opts, pick, PROSE, SEPARATORS};
use common::{random_text, random_unicode, Rng};
use tokenmeter::compress::{compress_prompt, phrase_table, Level};
use tokenmeter::Catalogue;

#[test]
fn laws_hold_on_random_text() {
    let mut rng = Rng::new(7);
    for _ in 0..300 {
        let text = random_text(&mut rng, 120);
        for level in Level::ALL {
            check_laws(&text, level);
        }
    }
    for _ in 0..200 {
        let text = random_unicode(&mut rng, 200);
        for level in Level::ALL {
            check_laws(&text, level);
        }
    }
}

#[test]
fn laws_hold_on_random_prose() {
    let mut rng = Rng::new(8);
    for _ in 0..300 {
        let mut text = String::new();
        for _ in 0..rng.below(200) {
            text.push_str(pick(&mut rng, PROSE));
            text.push_str(pick(&mut rng, SEPARATORS));
        }
        for level in Level::ALL {
            check_laws(&text, level);
        }
    }
}

/// Text made of the phrase tables' own entries (phrases and replacements,
/// in either case, next to each other and to ordinary words): where a new
/// entry could start a chain that a second run would continue.
#[test]
fn laws_hold_on_random_phrase_soup() {
    let table = phrase_table();
    let mut rng = Rng::new(9);
    for _ in 0..300 {
        let mut text = String::new();
        for _ in 0..rng.below(60) {
            let e = rng.pick(table);
            let item = match rng.below(4) {
                0 => e.phrase.clone(),
                1 => capitalize(&e.phrase),
                2 => e.replacement.clone(),
                _ => pick(&mut rng, PROSE).to_string(),
            };
            text.push_str(&item);
            text.push_str(pick(&mut rng, SEPARATORS));
        }
        for level in Level::ALL {
            check_laws(&text, level);
        }
    }
}

#[test]
fn laws_hold_on_the_corpus() {
    let corpus = concat!(
        include_str!("../data/prompts/corpus.jsonl"),
        include_str!("../data/prompts/holdout.jsonl"),
        include_str!("../data/prompts/holdout2.jsonl")
    );
    let mut n = 0;
    for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = v["text"].as_str().unwrap();
        for level in Level::ALL {
            check_laws(text, level);
        }
        n += 1;
    }
    assert!(n >= 104, "{n} prompts");
}

#[test]
fn edge_inputs() {
    for text in [
        "",
        " ",
        "\n",
        "\n\n\n",
        "\u{a0}",
        "please",
        "Please",
        "Please.",
        "Thank you.",
        "the",
        "```",
        "```\n",
        "{",
        "}",
        "[",
        "\"",
        "'",
        "`",
        "- ",
        "#",
        "---",
        "***",
        "a\r\nb",
        "please\r\n\r\n\r\nthanks",
        "  leading",
        "trailing  ",
        "\t\t",
        "\u{feff}please",
    ] {
        for level in Level::ALL {
            check_laws(text, level);
        }
    }
}

#[test]
#[cfg_attr(debug_assertions, ignore = "10 MB inputs; run with --release")]
fn ten_megabytes_compress_and_keep_the_laws() {
    // The speed of this (linear in the input) belongs in the benchmark:
    // `cargo run --release --example compress_report` and bench/. Here the
    // work is checked: 10 MB come back compressed, never longer in tokens,
    // with the same saving per repetition as 1 MB, and the worst cases finish.
    let unit = "I want you to act as a helpful assistant. Please note that in order to answer, you need to use the   data.  \nSee https://example.com/a?b=1 and `code` for {name}.\n\n\n## Heading\n\n- **one** item\n- two items\n\n```py\nx = 1\n```\n\nVous êtes un assistant très utile.\n\n";
    let build = |size: usize| unit.repeat(size / unit.len() + 1);
    let small = compress_prompt(
        Catalogue::bundled(),
        &build(1_000_000),
        &opts(Level::Aggressive),
    )
    .unwrap();
    let big = compress_prompt(
        Catalogue::bundled(),
        &build(10_000_000),
        &opts(Level::Aggressive),
    )
    .unwrap();
    for r in [&small, &big] {
        assert!(r.saved_percent > 20.0, "{}", r.saved_percent);
        assert!(r.tokens_after < r.tokens_before);
    }
    // The same text repeated saves the same share, to within a repetition.
    assert!(
        (small.saved_percent - big.saved_percent).abs() < 0.5,
        "{} vs {}",
        small.saved_percent,
        big.saved_percent
    );
    // One 10 MB paragraph with no line breaks, and 10 MB of one character.
    for text in [
        "please ".repeat(1_500_000),
        "'a ".repeat(3_000_000),
        "\"".repeat(10_000_000),
        "`".repeat(10_000_000),
        "{[(<".repeat(2_500_000),
        "a.".repeat(5_000_000),
        "x ```py\n".repeat(1_250_000),
        "x ```py\n```\n".repeat(800_000),
        "(`a".repeat(3_000_000),
        "x\n\n    y  z\n".repeat(1_000_000),
        "- a\n\n        b\n\n\n".repeat(800_000),
    ] {
        let r = compress_prompt(Catalogue::bundled(), &text, &opts(Level::Aggressive)).unwrap();
        assert!(r.tokens_after <= r.tokens_before, "{:?}", &text[..10]);
    }
}

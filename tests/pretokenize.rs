//! The hand-written pre-tokenizer against the regexes it replaces, run by the
//! same engine (fancy-regex) that tiktoken uses.

mod common;

use common::{random_text, random_unicode, Rng};
use tokenmeter::internals::{split, Pattern};

const R50K: &str =
    r"'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s";
const CL100K: &str = r"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s";
const O200K: &str = concat!(
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"
);

fn patterns() -> Vec<(Pattern, fancy_regex::Regex)> {
    vec![
        (Pattern::R50k, fancy_regex::Regex::new(R50K).unwrap()),
        (Pattern::Cl100k, fancy_regex::Regex::new(CL100K).unwrap()),
        (Pattern::O200k, fancy_regex::Regex::new(O200K).unwrap()),
    ]
}

fn pieces(pattern: Pattern, text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    split(pattern, text, |s, e| {
        out.push(&text[s..e]);
        true
    });
    out
}

#[track_caller]
fn check(pattern: Pattern, regex: &fancy_regex::Regex, text: &str) {
    let expected: Vec<&str> = regex.find_iter(text).map(|m| m.unwrap().as_str()).collect();
    let got = pieces(pattern, text);
    assert_eq!(
        got, expected,
        "{pattern:?} splits {text:?} differently from the regex"
    );
}

#[test]
fn matches_the_regexes_on_random_text() {
    let patterns = patterns();
    let mut rng = Rng::new(1);
    for _ in 0..20_000 {
        let text = random_text(&mut rng, 24);
        for (p, re) in &patterns {
            check(*p, re, &text);
        }
    }
}

#[test]
fn matches_the_regexes_on_random_unicode() {
    let patterns = patterns();
    let mut rng = Rng::new(2);
    for _ in 0..5_000 {
        let text = random_unicode(&mut rng, 40);
        for (p, re) in &patterns {
            check(*p, re, &text);
        }
    }
}

/// ASCII next to the non-ASCII chars that extend its runs: o200k reads ASCII
/// from bytes alone and must hand over exactly where such a char could
/// change the match.
#[test]
fn matches_the_regexes_where_ascii_meets_unicode() {
    const CHARS: &[&str] = &[
        "a", "z", "A", "Q", "0", "7", "+", "/", "'", "s", "ll", " ", "\t", "\n", "\r", "\x0b",
        "\x1c", "é", "É", "ʰ", "中", "\u{301}", "²", "٣", "\u{a0}", "«", "ſ", "\u{85}",
    ];
    let patterns = patterns();
    let mut rng = Rng::new(3);
    for _ in 0..30_000 {
        let n = rng.below(16);
        let text: String = (0..n).map(|_| *rng.pick(CHARS)).collect();
        for (p, re) in &patterns {
            check(*p, re, &text);
        }
    }
}

#[test]
fn matches_the_regexes_on_adversarial_text() {
    let patterns = patterns();
    let cases = [
        " ".repeat(1000),
        format!("{}a", " ".repeat(999)),
        "\n \n \t\r\n  x".repeat(50),
        "a".repeat(3000),
        "A".repeat(3000),
        "ªA".repeat(500),
        "\u{301}".repeat(500),
        format!(" {}", "\u{301}A".repeat(300)),
        "1234567".repeat(100),
        "'s'S'll'LL'ſ're".repeat(40),
        "<|endoftext|>".repeat(20),
        "!!!???\r\n//\n".repeat(30),
        "\r\n".repeat(200),
        String::new(),
    ];
    for text in &cases {
        for (p, re) in &patterns {
            check(*p, re, text);
        }
    }
}

//! Shared by the compression tests: compress_prompt with the bundled
//! catalogue, the o200k count, the laws every result keeps, and the words
//! random prompts are made of.

use tokenmeter::compress::{compress_prompt, CompressOptions, Level};
use tokenmeter::Catalogue;

use super::Rng;

pub fn pick(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    let item: &&str = rng.pick(items);
    item
}

pub fn opts(level: Level) -> CompressOptions {
    CompressOptions {
        level,
        ..Default::default()
    }
}

pub fn run(text: &str, level: Level) -> String {
    compress_prompt(Catalogue::bundled(), text, &opts(level))
        .unwrap()
        .text
}

pub fn o200k(text: &str) -> usize {
    Catalogue::bundled()
        .resolve_tokenizer(None, Some("o200k_base"))
        .unwrap()
        .count_ordinary(text)
}

/// `compress` twice gives the same text, and the output is never longer in
/// tokens than the input.
pub fn check_laws(text: &str, level: Level) -> String {
    let once = compress_prompt(Catalogue::bundled(), text, &opts(level)).unwrap();
    assert!(
        once.tokens_after <= once.tokens_before,
        "longer at {level}: {text:?}"
    );
    assert_eq!(once.tokens_before, o200k(text));
    assert_eq!(once.tokens_after, o200k(&once.text));
    assert_eq!(once.saved_tokens, once.tokens_before - once.tokens_after);
    assert_eq!(
        once.passes.iter().map(|p| p.saved_tokens).sum::<usize>(),
        once.saved_tokens,
        "pass savings add up"
    );
    let twice = compress_prompt(Catalogue::bundled(), &once.text, &opts(level)).unwrap();
    assert_eq!(
        twice.text, once.text,
        "not idempotent at {level} for {text:?}"
    );
    assert_eq!(twice.saved_tokens, 0);
    once.text
}

/// Prose: phrases the tables know, ordinary words, emphasis, punctuation.
pub const PROSE: &[&str] = &[
    "please",
    "Please",
    "kindly",
    "in order to",
    "In order to",
    "due to the fact that",
    "I would like you to",
    "I want you to",
    "could you please",
    "it is important to note that",
    "Please note that",
    "make sure that",
    "with regard to",
    "a large number of",
    "at this point in time",
    "the",
    "The",
    "a",
    "an",
    "very",
    "really",
    "basically",
    "answer",
    "the question",
    "write",
    "a summary",
    "carefully",
    "model",
    "you",
    "and",
    "or",
    "of",
    "to",
    "for",
    "data",
    "users",
    "don't",
    "it's",
    "**bold**",
    "*stress*",
    "__strong__",
    ",",
    ".",
    ":",
    "!",
    "?",
    "(see",
    "this)",
    "—",
    "café",
    "naïve",
    "Thank you.",
    "thanks",
];

/// What stands between the words: spaces, line breaks, list and heading
/// marks, a rule.
pub const SEPARATORS: &[&str] = &[
    " ", " ", " ", " ", "  ", "\n", "\n\n", "\n\n\n", " \u{a0}", "\t", "  \n", "\n    ", "\n- ",
    "\n* ", "\n1. ", "\n## ", "\n---\n", "\r\n",
];

/// `s` with its first character in upper case.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

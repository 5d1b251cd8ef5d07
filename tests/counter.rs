//! TokenCounter: a text counted in parts equals the text counted whole, for
//! every encoding's split pattern, however the text is cut into parts; the
//! cuts it settles at are pieces of every longer text (checked against the
//! original regexes); and what it holds stays small on ordinary text.

mod common;

use common::{random_text, random_unicode, Rng};
use proptest::prelude::*;
use tokenmeter::internals::{last_cut, split, Pattern};
use tokenmeter::{Encoding, TokenCounter, Tokenizer};

const ENCODINGS: [Encoding; 10] = [
    Encoding::R50kBase,
    Encoding::Cl100kBase,
    Encoding::O200kBase,
    Encoding::O200kHarmony,
    Encoding::Llama3,
    Encoding::Llama4,
    Encoding::Qwen2,
    Encoding::DeepseekV3,
    Encoding::Tekken,
    Encoding::Gemma3,
];

/// The count of `parts` pushed one by one.
fn counted_in_parts(tokenizer: Tokenizer, parts: &[&str]) -> usize {
    let mut counter = TokenCounter::new(tokenizer);
    for p in parts {
        counter.push(p);
    }
    counter.count()
}

/// `text` cut at the char boundaries nearest the given byte offsets.
fn cut_at<'t>(text: &'t str, offsets: &[usize]) -> Vec<&'t str> {
    let mut bounds: Vec<usize> = offsets
        .iter()
        .map(|&o| {
            let mut o = o % (text.len() + 1);
            while !text.is_char_boundary(o) {
                o -= 1;
            }
            o
        })
        .collect();
    bounds.push(0);
    bounds.push(text.len());
    bounds.sort_unstable();
    bounds.windows(2).map(|w| &text[w[0]..w[1]]).collect()
}

#[track_caller]
fn check_parts(encoding: Encoding, parts: &[&str]) {
    let tokenizer = Tokenizer::new(encoding).unwrap();
    let whole: String = parts.concat();
    assert_eq!(
        counted_in_parts(tokenizer, parts),
        tokenizer.count_ordinary(&whole),
        "{}: parts {parts:?}",
        encoding.name()
    );
}

#[test]
fn every_split_of_texts_where_the_last_piece_is_not_the_only_unsettled_one() {
    // Cutting before the last piece is not enough: o200k reads "\n " and " "
    // as two pieces of "a\n  ", but "\n  \n" as one of "a\n  \n" (and counts
    // them differently); a quote is a piece of its own until the letters of a
    // contraction come ("a'r" then "erell", o200k); letters and marks (U*W+)
    // are one piece once a lower-case letter follows; "!\n" is one piece
    // (punctuation then newlines).
    let texts = [
        "a\n  \nb",
        "a'rerell",
        "a \n \n b",
        "x 'll 've 're",
        "we'll go, I'd say",
        "A\u{1c0}\u{1c0}\u{1c0}BBBBBc d",
        "end!\n\n\nnext",
        "path/to/file 12345678 x",
        "naïve cafe\u{301}s über",
        "中文字符，日本語の文章。한국어 text",
        "  \t \r\n  \n",
        "Hello world. Hello world.\n",
        // Always-matched added tokens (Qwen 2, DeepSeek V3) cut anywhere,
        // and one that is the start of a longer one.
        "a <think>b</think> <tool_call>x</tool_call><tool_response>",
        "x<｜User｜>hi<｜Assistant｜>ok<｜tool▁call▁begin｜>y <｜tool▁calls▁begin｜>",
        "<|fim_prefix|><|fim_pad|>1234567 中文123字符・カタカナ",
        "\u{1}\u{200d}a !\r\n.Net ..Net",
        // gemma3: runs of spaces and U+2581 (user-defined pieces), `>▁</`
        // (a normal piece across a space), tabs and newlines, HTML tags.
        "a  b\u{2581} \u{2581}c >  </x> </y>\u{2581}</z",
        "x\t\t\n\n\ty <b>bold</b> <unused3>[multimodal]",
    ];
    for text in texts {
        for encoding in ENCODINGS {
            for i in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                check_parts(encoding, &[&text[..i], &text[i..]]);
            }
            // One char at a time.
            let chars: Vec<String> = text.chars().map(String::from).collect();
            let parts: Vec<&str> = chars.iter().map(String::as_str).collect();
            check_parts(encoding, &parts);
        }
    }
}

#[test]
fn an_estimate_is_scaled_and_rounded_up_once() {
    let tokenizer = Tokenizer::scaled(Encoding::O200kBase, 1137).unwrap();
    let text = "One sentence, then another one; and a third.\n".repeat(7);
    let parts = cut_at(&text, &[5, 50, 51, 200, 201, 202]);
    assert_eq!(
        counted_in_parts(tokenizer, &parts),
        tokenizer.count_ordinary(&text)
    );
}

#[test]
fn nothing_pushed_and_empty_parts_count_nothing() {
    let tokenizer = Tokenizer::new(Encoding::O200kBase).unwrap();
    assert_eq!(counted_in_parts(tokenizer, &[]), 0);
    assert_eq!(counted_in_parts(tokenizer, &["", "", ""]), 0);
    assert_eq!(
        counted_in_parts(tokenizer, &["", "hello", "", " world", ""]),
        2
    );
}

#[test]
fn special_token_texts_are_ordinary_text() {
    for encoding in ENCODINGS {
        check_parts(encoding, &["a <|endo", "ftext|> b <|", "endoftext|>"]);
    }
}

#[test]
fn prose_is_held_a_few_words_at_a_time() {
    let tokenizer = Tokenizer::new(Encoding::O200kBase).unwrap();
    let mut counter = TokenCounter::new(tokenizer);
    let page = "The quick brown fox jumps over the lazy dog, twice; then it rests.\n";
    let text = page.repeat(16_000); // about 1 MB
    let mut most = 0;
    for part in cut_at(&text, &(1..1000).map(|i| i * 1021).collect::<Vec<_>>()) {
        counter.push(part);
        most = most.max(counter.held_bytes());
    }
    assert_eq!(counter.count(), tokenizer.count_ordinary(&text));
    // A part is about 1 KB: what is held after each is the end of its last
    // word or two, never the text before.
    assert!(most < 64, "held up to {most} bytes");
}

/// The encodings whose added tokens come between the text and its pieces
/// cut less often, but prose is still held a word or two at a time.
#[test]
fn prose_is_held_a_few_words_at_a_time_between_added_tokens() {
    for encoding in [Encoding::Qwen2, Encoding::DeepseekV3] {
        let tokenizer = Tokenizer::new(encoding).unwrap();
        let mut counter = TokenCounter::new(tokenizer);
        let page = "The quick brown fox <think>jumps</think> over the lazy dog, twice.\n";
        let text = page.repeat(4_000);
        let mut most = 0;
        for part in cut_at(&text, &(1..400).map(|i| i * 677).collect::<Vec<_>>()) {
            counter.push(part);
            most = most.max(counter.held_bytes());
        }
        assert_eq!(counter.count(), tokenizer.count_ordinary(&text));
        assert!(most < 64, "{}: held up to {most} bytes", encoding.name());
    }
}

#[test]
fn a_text_without_a_cut_is_held_whole_and_still_counted_exactly() {
    // One piece: nothing can be settled before it ends.
    let tokenizer = Tokenizer::new(Encoding::Cl100kBase).unwrap();
    let text = "a".repeat(5000);
    let parts = cut_at(&text, &[1000, 2000, 3000, 4000]);
    let mut counter = TokenCounter::new(tokenizer);
    for p in &parts {
        counter.push(p);
    }
    assert_eq!(counter.held_bytes(), 5000);
    assert_eq!(counter.count(), tokenizer.count_ordinary(&text));
}

/// The pieces of `text` that end at or before `end`.
fn pieces_before(pattern: Pattern, text: &str, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    split(pattern, text, |s, e| {
        if e > end {
            return false;
        }
        out.push((s, e));
        true
    });
    out
}

const R50K: &str =
    r"'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s";
const CL100K: &str = r"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s";
const O200K: &str = concat!(
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"
);

#[test]
fn a_cut_is_a_piece_boundary_of_every_longer_text_by_the_original_regexes() {
    // tiktoken's own regexes (fancy-regex), not the scanner: the pieces of
    // `text` up to its last cut are the first pieces of `text + more`.
    let patterns = [
        (Pattern::R50k, fancy_regex::Regex::new(R50K).unwrap()),
        (Pattern::Cl100k, fancy_regex::Regex::new(CL100K).unwrap()),
        (Pattern::O200k, fancy_regex::Regex::new(O200K).unwrap()),
    ];
    let mut rng = Rng::new(20_261_207);
    let mut cuts = 0;
    for round in 0..4000 {
        let text = if round % 4 == 3 {
            random_unicode(&mut rng, 24)
        } else {
            random_text(&mut rng, 24)
        };
        let more = random_text(&mut rng, 6);
        for (pattern, regex) in &patterns {
            let Some(cut) = last_cut(*pattern, &text, 0) else {
                continue;
            };
            cuts += 1;
            let before = pieces_before(*pattern, &text, cut);
            let longer = format!("{text}{more}");
            let reference: Vec<(usize, usize)> = regex
                .find_iter(&longer)
                .map(|m| m.unwrap())
                .map(|m| (m.start(), m.end()))
                .take(before.len())
                .collect();
            assert_eq!(
                before, reference,
                "{pattern:?}: {text:?} + {more:?}, cut at {cut}"
            );
        }
    }
    assert!(cuts > 6000, "only {cuts} texts had a cut");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// Random texts (the characters where tokenizers disagree, words,
    /// contractions, scripts, emoji) cut at random places.
    #[test]
    fn counted_in_random_parts_equals_counted_whole(
        seed in any::<u64>(),
        offsets in proptest::collection::vec(any::<usize>(), 0..12),
        unicode in any::<bool>(),
        which in 0usize..10,
    ) {
        let mut rng = Rng::new(seed);
        let text = if unicode { random_unicode(&mut rng, 80) } else { random_text(&mut rng, 80) };
        let parts = cut_at(&text, &offsets);
        let encoding = ENCODINGS[which];
        let tokenizer = Tokenizer::new(encoding).unwrap();
        prop_assert_eq!(
            counted_in_parts(tokenizer, &parts),
            tokenizer.count_ordinary(&text),
            "{}: parts {:?}", encoding.name(), parts
        );
    }
}

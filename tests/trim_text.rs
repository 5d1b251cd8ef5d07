//! Truncation, packing and splitting: truncate_text, select_chunks and
//! split_by_tokens, each result counted again and checked against the text
//! it came from.

mod common;

use common::trim::{select_chunks, split_by_tokens, tokenizer, truncate_text};
use common::{random_text, Rng};
use tokenmeter::trim::{is_grapheme_boundary, Keep, PackMode, DEFAULT_MARKER};
use tokenmeter::ErrorCode;

// ---- truncate_text ---------------------------------------------------------------------

fn count(model: &str, text: &str) -> usize {
    tokenizer(model).unwrap().count_ordinary(text)
}

/// Checks a truncation of `text` to `max` tokens and returns the kept parts.
fn check_truncation(text: &str, max: usize, model: &str, keep: Keep, marker: &str) -> String {
    let out = truncate_text(text, max as u64, model, keep, marker).unwrap();
    let n = count(model, &out);
    assert!(n <= max, "{keep:?} {max}: {out:?} has {n} tokens");
    if count(model, text) <= max {
        assert_eq!(out, text);
        return out;
    }
    let m = if count(model, marker) <= max {
        marker
    } else {
        ""
    };
    let clean = |head: &str, tail: &str| {
        text.starts_with(head)
            && text.ends_with(tail)
            && head.len() + tail.len() < text.len()
            && is_grapheme_boundary(text, head.len())
            && is_grapheme_boundary(text, text.len() - tail.len())
    };
    let ok = match keep {
        Keep::Start => out.strip_suffix(m).is_some_and(|head| clean(head, "")),
        Keep::End => out.strip_prefix(m).is_some_and(|tail| clean("", tail)),
        Keep::Middle => (0..=out.len()).any(|i| {
            out.is_char_boundary(i)
                && out[i..].starts_with(m)
                && clean(&out[..i], &out[i + m.len()..])
        }),
    };
    assert!(
        ok,
        "{keep:?} {max}: {out:?} is not a clean cut of {text:?} with {m:?}"
    );
    out
}

#[test]
fn truncation_never_splits_a_character_or_cluster() {
    let family = "👨‍👩‍👧‍👦";
    let texts = [
        // CJK: many characters are more than one token, or share one.
        "日本語の文章を正しく切り詰めることができるかどうかを確かめます。中文字符也一样，韩国어도 마찬가지입니다。".to_string(),
        // Emoji ZWJ sequences, skin tones, flags, keycaps, presentation selectors.
        format!("{family} and 👍🏽👍🏿 then 🇫🇷🇩🇪🇯🇵 and 1️⃣2️⃣ ❤️‍🔥🏳️‍🌈 {family}{family}"),
        // Combining marks: precomposed and decomposed, stacked (zalgo), Indic, Thai, Hangul jamo.
        "e\u{301}te\u{301} Z\u{351}\u{36b}\u{343}\u{36a}a\u{302}\u{323}lgo क्षत्रिय नमस्ते สวัสดีครับ \u{1100}\u{1161}\u{11A8}\u{1100}\u{1161}".to_string(),
    ];
    for text in &texts {
        let total = count("gpt-4o", text);
        for keep in [Keep::Start, Keep::End, Keep::Middle] {
            for max in 0..=total + 1 {
                check_truncation(text, max, "gpt-4o", keep, DEFAULT_MARKER);
                check_truncation(text, max, "gpt-4", keep, "…");
                check_truncation(text, max, "claude-sonnet-4", keep, " [cut] ");
            }
        }
    }
    // The family emoji is never broken: it is either whole or absent.
    let text = format!("{family}{family}{family}");
    for max in 0..=count("gpt-4o", &text) {
        let out = truncate_text(&text, max as u64, "gpt-4o", Keep::Start, "").unwrap();
        assert_eq!(out.len() % family.len(), 0, "{max}: {out:?}");
    }
}

#[test]
fn truncation_of_random_text_keeps_its_promises() {
    let mut rng = Rng::new(11);
    for _ in 0..300 {
        let text = random_text(&mut rng, 120);
        let total = count("gpt-4o", &text);
        let max = rng.below(total + 3);
        let keep = *rng.pick(&[Keep::Start, Keep::End, Keep::Middle]);
        let marker = *rng.pick(&[DEFAULT_MARKER, "", "...", "\n[snip]\n"]);
        let model = *rng.pick(&["gpt-4o", "gpt-4", "claude-sonnet-4"]);
        check_truncation(&text, max, model, keep, marker);
    }
}

#[test]
fn truncation_is_tight_on_plain_text() {
    let text = "The quick brown fox jumps over the lazy dog. ".repeat(50);
    for max in [10, 50, 100, 333] {
        let out = truncate_text(&text, max, "gpt-4o", Keep::Start, DEFAULT_MARKER).unwrap();
        let n = count("gpt-4o", &out) as u64;
        assert!(n <= max && n + 2 >= max, "{max}: {n}");
        let out = truncate_text(&text, max, "gpt-4o", Keep::Middle, DEFAULT_MARKER).unwrap();
        let n = count("gpt-4o", &out) as u64;
        assert!(n <= max && n + 3 >= max, "{max}: {n}");
    }
    // A marker bigger than the room is left out rather than overflowing.
    let out = truncate_text(&text, 2, "gpt-4o", Keep::Start, DEFAULT_MARKER).unwrap();
    assert_eq!(out, "The quick");
    assert_eq!(
        truncate_text(&text, 0, "gpt-4o", Keep::End, DEFAULT_MARKER).unwrap(),
        ""
    );
    assert_eq!(
        truncate_text("short", 5, "gpt-4o", Keep::Start, DEFAULT_MARKER).unwrap(),
        "short"
    );
    assert_eq!(
        truncate_text("x", 1, "nope", Keep::Start, "")
            .unwrap_err()
            .code(),
        ErrorCode::UnknownModel
    );
}

// ---- select_chunks -----------------------------------------------------------------------

#[test]
fn chunk_selection_counts_the_joined_text() {
    // "a" and "b" are a token each, "ab" is one token: the joined count, not
    // the sum, decides.
    let chunks = ["a", "b"];
    let s = select_chunks(&chunks, "gpt-4o", 1, "", PackMode::InOrder).unwrap();
    assert_eq!((s.indices.as_slice(), s.tokens), (&[0, 1][..], 1));
    // The separator's tokens count.
    let s = select_chunks(&chunks, "gpt-4o", 2, " and then ", PackMode::InOrder).unwrap();
    assert_eq!(s.indices, [0]);
    let s = select_chunks(&chunks, "gpt-4o", 4, " and then ", PackMode::InOrder).unwrap();
    assert_eq!(s.indices, [0, 1]);
    assert_eq!(s.tokens, count("gpt-4o", "a and then b"));
    // In order stops at the first misfit; skip-oversize goes on.
    let chunks = ["short one", &"very long chunk ".repeat(50), "another short"];
    let s = select_chunks(&chunks, "gpt-4o", 20, "\n\n", PackMode::InOrder).unwrap();
    assert_eq!(s.indices, [0]);
    let s = select_chunks(&chunks, "gpt-4o", 20, "\n\n", PackMode::SkipOversize).unwrap();
    assert_eq!(s.indices, [0, 2]);
    assert_eq!(s.tokens, count("gpt-4o", "short one\n\nanother short"));
    let s = select_chunks::<&str>(&[], "gpt-4o", 20, "\n\n", PackMode::InOrder).unwrap();
    assert_eq!((s.indices.len(), s.tokens), (0, 0));
    assert_eq!(
        select_chunks(&["x"], "nope", 1, "", PackMode::InOrder)
            .unwrap_err()
            .code(),
        ErrorCode::UnknownModel
    );
}

#[test]
fn chunk_selection_invariants() {
    let mut rng = Rng::new(21);
    for _ in 0..200 {
        let chunks: Vec<String> = (0..rng.below(12))
            .map(|_| random_text(&mut rng, 60))
            .collect();
        let budget = rng.below(150) as u64;
        let separator = *rng.pick(&["\n\n", "", " ", "\n---\n"]);
        let model = *rng.pick(&["gpt-4o", "gpt-4", "claude-sonnet-4"]);
        let mode = *rng.pick(&[PackMode::InOrder, PackMode::SkipOversize]);
        let s = select_chunks(&chunks, model, budget, separator, mode).unwrap();
        let joined = |idx: &[usize]| {
            idx.iter()
                .map(|&i| chunks[i].as_str())
                .collect::<Vec<_>>()
                .join(separator)
        };
        let tokens = if s.indices.is_empty() {
            0
        } else {
            count(model, &joined(&s.indices))
        };
        assert_eq!(s.tokens, tokens);
        assert!(s.tokens as u64 <= budget);
        assert!(s.indices.windows(2).all(|w| w[0] < w[1]));
        // Every chunk passed over did not fit beside those chosen before it;
        // in order, the first one ends the selection.
        let mut chosen = Vec::new();
        for i in 0..chunks.len() {
            if s.indices.contains(&i) {
                chosen.push(i);
                continue;
            }
            let mut with = chosen.clone();
            with.push(i);
            assert!(
                count(model, &joined(&with)) as u64 > budget,
                "chunk {i} would fit"
            );
            if mode == PackMode::InOrder {
                assert!(s.indices.iter().all(|&j| j < i));
                break;
            }
        }
        if mode == PackMode::InOrder {
            assert_eq!(s.indices, (0..s.indices.len()).collect::<Vec<_>>());
        }
    }
}

// ---- split_by_tokens -----------------------------------------------------------------------

fn check_split(text: &str, model: &str, size: u64, overlap: u64) -> Vec<String> {
    split_at(text, model, size, overlap)
        .into_iter()
        .map(|(_, c)| c)
        .collect()
}

/// The chunks with their byte offsets, checked.
fn split_at(text: &str, model: &str, size: u64, overlap: u64) -> Vec<(usize, String)> {
    let chunks = split_by_tokens(text, model, size, overlap).unwrap();
    let mut placed = Vec::new();
    if text.is_empty() {
        assert!(chunks.is_empty());
        return placed;
    }
    // Each chunk is a slice of the text, starting within the one before (at
    // its end when there is no overlap), and the last reaches the end.
    let mut prev: Option<(usize, usize)> = None;
    for (k, c) in chunks.iter().enumerate() {
        assert!(!c.is_empty());
        assert!(
            count(model, c) as u64 <= size,
            "chunk {k} {c:?} over {size}"
        );
        let at = match prev {
            None => {
                assert!(text.starts_with(c.as_str()), "chunk 0 is not the start");
                0
            }
            Some((_, end)) if overlap == 0 => {
                assert!(
                    text[end..].starts_with(c.as_str()),
                    "chunk {k} does not follow on"
                );
                end
            }
            Some((start, end)) => (start + 1..=end)
                .rev()
                .find(|&a| text.is_char_boundary(a) && text[a..].starts_with(c.as_str()))
                .unwrap_or_else(|| panic!("chunk {k} does not start within chunk {}", k - 1)),
        };
        prev = Some((at, at + c.len()));
        placed.push((at, c.clone()));
    }
    assert_eq!(
        prev.map(|p| p.1),
        Some(text.len()),
        "the text is covered to its end"
    );
    if overlap == 0 {
        assert_eq!(chunks.concat(), text);
    }
    placed
}

#[test]
fn split_prefers_paragraph_and_sentence_ends() {
    let paragraph = |i: usize| {
        format!("Paragraph {i} starts here. It has a second sentence, which is longer than the first one. And a third.")
    };
    let text = (0..12).map(paragraph).collect::<Vec<_>>().join("\n\n");
    let para_tokens = count("gpt-4o", &paragraph(0)) as u64;
    let chunks = check_split(&text, "gpt-4o", para_tokens * 3, 0);
    assert!(chunks.len() >= 4);
    for c in &chunks[..chunks.len() - 1] {
        assert!(
            c.ends_with("\n\n") || c.ends_with("third."),
            "not at a paragraph end: {c:?}"
        );
    }
    // Without paragraphs: sentence ends.
    let text = (0..40)
        .map(|i| format!("This is sentence number {i} of the text."))
        .collect::<Vec<_>>()
        .join(" ");
    let chunks = check_split(&text, "gpt-4o", 30, 0);
    assert!(chunks.len() >= 10);
    for c in &chunks[..chunks.len() - 1] {
        assert!(c.ends_with('.'), "not at a sentence end: {c:?}");
    }
    // CJK sentences end with 。
    let cjk = "これは最初の文です。これは二番目の文で、少し長いです。三番目。".repeat(8);
    let chunks = check_split(&cjk, "gpt-4o", 30, 0);
    for c in &chunks[..chunks.len() - 1] {
        assert!(c.ends_with('。'), "{c:?}");
    }
}

#[test]
fn split_overlaps_and_covers() {
    let text = "Sentence one is here. Sentence two follows it. Then three. And four, with more words in it. "
        .repeat(20);
    let chunks = split_at(&text, "gpt-4o", 40, 10);
    assert!(chunks.len() > 10);
    for w in chunks.windows(2) {
        let ((a, first), (b, _)) = (&w[0], &w[1]);
        let end = a + first.len();
        assert!(*b < end, "no overlap");
        let shared = &text[*b..end];
        assert!(count("gpt-4o", shared) <= 12, "{shared:?}");
        // It starts at a sentence start.
        assert!(
            shared.starts_with(" Sentence")
                || shared.starts_with(" Then")
                || shared.starts_with(" And"),
            "{shared:?}"
        );
    }
}

#[test]
fn split_random_texts_keeps_its_promises() {
    let mut rng = Rng::new(31);
    for _ in 0..200 {
        let text = random_text(&mut rng, 400);
        let size = 8 + rng.below(60) as u64;
        let overlap = rng.below(size as usize / 2) as u64;
        let model = *rng.pick(&["gpt-4o", "gpt-4", "claude-sonnet-4"]);
        let chunks = check_split(
            &text,
            model,
            size,
            if rng.below(2) == 0 { 0 } else { overlap },
        );
        for c in &chunks {
            let at = text.find(c.as_str()).unwrap();
            assert!(text.is_char_boundary(at));
        }
    }
}

#[test]
fn split_never_cuts_a_cluster_unless_it_must() {
    let family = "👨‍👩‍👧‍👦";
    let text = format!("{family} e\u{301}e\u{301} 日本語 🇫🇷🇩🇪 ").repeat(20);
    for size in [12, 20, 33] {
        let chunks = check_split(&text, "gpt-4o", size, 0);
        let mut at = 0;
        for c in &chunks {
            assert!(
                is_grapheme_boundary(&text, at),
                "cut inside a cluster at {at}"
            );
            at += c.len();
        }
    }
    // A cluster bigger than a chunk is cut between its characters.
    let chunks = check_split(&family.repeat(3), "gpt-4o", 4, 0);
    assert!(chunks.iter().all(|c| c.chars().count() >= 1));
    // A single character bigger than a chunk cannot be split: an error.
    let e = split_by_tokens("𝔘𝔘𝔘", "gpt-4o", 1, 0).unwrap_err();
    assert_eq!(e.field_name(), Some("chunkTokens"));
}

#[test]
fn bad_split_options_name_the_field() {
    let e = split_by_tokens("text", "gpt-4o", 0, 0).unwrap_err();
    assert_eq!(
        (e.code(), e.field_name()),
        (ErrorCode::InvalidArgument, Some("chunkTokens"))
    );
    let e = split_by_tokens("text", "gpt-4o", 10, 10).unwrap_err();
    assert_eq!(e.field_name(), Some("overlapTokens"));
    let e = split_by_tokens("text", "claude-sonnet-4", 1, 0).unwrap_err();
    assert_eq!(e.field_name(), Some("chunkTokens"));
    // The model that estimates, by name.
    assert!(
        e.message()
            .contains("too small for claude-sonnet-4, whose estimate"),
        "{}",
        e.message()
    );
    assert!(split_by_tokens("", "gpt-4o", 10, 0).unwrap().is_empty());
    assert_eq!(
        split_by_tokens("short", "gpt-4o", 10, 5).unwrap(),
        ["short"]
    );
}

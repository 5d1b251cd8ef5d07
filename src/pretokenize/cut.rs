//! Where a text read in parts can be cut for counting ([`last_cut`]).

use super::classes::{class_of, is_letter, MARK, NUMBER, OTHER, PUNCT, SPACE, UPPER};
use super::deepseek::is_cjk;
use super::Pattern;
use crate::encodings::splits_with;

/// Where a text read in parts can be cut for counting: the byte offset of
/// the first char of the last pair of adjacent chars, at or after `from`,
/// that no match of `pattern` spans (`None` when there is none). Every piece
/// of `text` that ends at or before that offset is a piece of every text
/// that starts with `text`: no later text can change it.
///
/// Why, for the regex patterns: a match that starts before the pair's first
/// char `a` reads the text from its start on, one run of one class at a time
/// (letters and marks, or digits, or whitespace, or other chars then
/// newlines), plus an optional first char, a contraction after letters (`'`
/// and two letters) and one char of look-ahead. A pair whose chars are of two
/// different classes among letters, digits, whitespace and other chars,
/// neither being a mark (marks join both letter and punctuation runs), `'`
/// (contractions) or `/`, and not an other char followed by `\r` or `\n`
/// (punctuation then newlines, as in `"!\n"`), ends every such run at `a`:
/// the match reads the pair's second char `b` at most. As `b` is in `text`,
/// what follows `text` is never read, and every piece up to `a` is settled.
/// The last piece of a text, and any piece that a run still open at the end
/// may join (`" \n"` then `" "` is one piece once `"\n"` follows, in o200k),
/// are not. DeepSeek V3's stages: see [`deepseek_cut_class`].
///
/// `TokenCounter`'s tests, the property test in `tests/pretokenize.rs` and
/// the `counter` fuzz target check this against splitting whole texts.
pub fn last_cut(pattern: Pattern, text: &str, from: usize) -> Option<usize> {
    // DeepSeek's classes only where an encoding of the build splits so.
    let class: fn(char) -> Option<u8> = match pattern {
        Pattern::DeepseekV3 if splits_with(Pattern::DeepseekV3) => deepseek_cut_class,
        _ => regex_cut_class,
    };
    let mut cut = None;
    let mut prev: Option<(usize, Option<u8>)> = None;
    for (at, c) in text.get(from..)?.char_indices() {
        let k = class(c);
        if let Some((a_at, ka)) = prev {
            if ends_every_run(ka, c, k) {
                cut = Some(a_at);
            }
        }
        prev = Some((from + at, k));
    }
    cut
}

/// The coarse class of a char for the single-regex patterns, or `None` for
/// the chars that may continue a run of another class (marks, `'` and `/`).
/// Punctuation and symbols are other chars there.
fn regex_cut_class(c: char) -> Option<u8> {
    if matches!(c, '\'' | '/') {
        return None;
    }
    match class_of(c) {
        MARK => None,
        PUNCT => Some(OTHER),
        k if is_letter(k) => Some(UPPER),
        k => Some(k),
    }
}

/// Stage 2's runs, a class of their own in [`deepseek_cut_class`].
const CJK: u8 = 0x80;

/// DeepSeek V3's coarse classes: digits (stage 1's runs), stage 2's chars,
/// letters, whitespace, punctuation and symbols, and the other chars, which
/// are left in gaps. A stage's run ends where its class does, and a piece of
/// stage 3 never spans two pieces of the stages before, so what is said
/// above of runs holds for stage 3 within them. A gap ends where the next
/// match starts, and whether one starts at a char is read from that char
/// and the next (a letter after an other char makes it a word's first
/// char), so a gap that ends at or before `a` was found reading `b` at
/// most. Punctuation followed by `\r` or `\n` (` ?P+[\r\n]*`) is no cut,
/// as for other chars in the regex patterns. `A[A-Za-z]+` starts at `a` at the
/// latest, so it never ends a piece before `a`. Marks stay `None`, as above,
/// unless stage 2 takes them (U+3099, U+309A).
fn deepseek_cut_class(c: char) -> Option<u8> {
    match class_of(c) {
        NUMBER => Some(NUMBER),
        _ if is_cjk(c) => Some(CJK),
        MARK => None,
        k if is_letter(k) => Some(UPPER),
        k => Some(k),
    }
}

/// Whether no match consumes both `a` and the `b` after it (see
/// [`last_cut`]), given their coarse classes.
fn ends_every_run(ka: Option<u8>, b: char, kb: Option<u8>) -> bool {
    match (ka, kb) {
        (Some(x), Some(y)) => x != y && !(matches!(x, OTHER | PUNCT) && matches!(b, '\r' | '\n')),
        _ => false,
    }
}

/// Where `text` can be cut in two with no piece changed, whatever follows:
/// the byte offset of `b` in the last pair of adjacent chars `a b`, with `a`
/// at or after `from`, where `a` is a letter or a digit and `b` whitespace,
/// punctuation, a symbol or an other char, but not `'`, `/` or a mark. The
/// pieces of `text` are then those of `text[..b]` and, after them, those of
/// `text[b..]`, for every pattern: the run of letters or digits that holds
/// `a` ends at `a` (no pattern adds such a `b` to it: a contraction starts
/// with `'`, o200k's trail is after punctuation), no pattern looks behind,
/// so the match at `b` is the same with or without what comes before it,
/// and the pieces before `a` read `a` at most. Normalisation cannot join
/// the halves either: `b` is no mark (NFC composes or reorders a char only
/// with the marks and conjoining jamo after it). [`last_cut`] finds more
/// places but only settles pieces, not halves; `TokenCounter` uses this one
/// where added tokens or normalisation come between the text and its
/// pieces.
pub fn last_hard_cut(text: &str, from: usize) -> Option<usize> {
    let mut cut = None;
    let mut a_is_word = false;
    for (at, c) in text.get(from..)?.char_indices() {
        let k = class_of(c);
        if a_is_word && matches!(k, SPACE | PUNCT | OTHER) && !matches!(c, '\'' | '/') {
            cut = Some(from + at);
        }
        a_is_word = is_letter(k) || k == NUMBER;
    }
    cut
}

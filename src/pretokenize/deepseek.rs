//! DeepSeek V3's pre-tokenizer: a Hugging Face `Sequence` of three `Split`
//! stages, each with behaviour `Isolated`, so that each stage cuts every
//! piece of the one before into its matches *and* the gaps between them
//! (tiktoken's findall would drop the gaps):
//!
//! 1. `\p{N}{1,3}`: runs of digits, in threes from the run's start;
//! 2. `[一-龥぀-ゟ゠-ヿ]+`: runs of CJK ideographs U+4E00-U+9FA5, hiragana
//!    and katakana (U+3040-U+30FF, whatever their category);
//! 3. with P = `[\p{P}\p{S}]` and A the ASCII punctuation,
//!    `A[A-Za-z]+|[^\r\n\p{L}P]?[\p{L}\p{M}]+| ?P+[\r\n]*|\s*[\r\n]+|
//!    \s+(?!\S)|\s+`, within each piece the first two stages left.
//!
//! Stage 1 takes every digit, so the pieces are the digit groups, the runs
//! of stage 2, and what stage 3 makes of the runs of other chars between
//! them. A char no alternative of stage 3 matches (a control or format
//! char, such as a zero-width joiner, not followed by a letter) is left in a
//! gap, which is a piece of its own up to the next match.

use super::classes::{is_letter_or_mark, NUMBER, PUNCT, SPACE};
use super::scan::Scan;

/// Stage 2's chars.
#[inline]
pub(super) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FA5}' | '\u{3040}'..='\u{30FF}')
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Digits,
    Cjk,
    Rest,
}

/// Which stage takes the char at `i`, and the offset after it.
#[inline]
fn stage_at(scan: &Scan, i: usize) -> Option<(Stage, usize)> {
    let bytes = scan.s.as_bytes();
    let b = *bytes.get(i)?;
    if b < 128 {
        let stage = if b.is_ascii_digit() {
            Stage::Digits
        } else {
            Stage::Rest
        };
        return Some((stage, i + 1));
    }
    let (c, k, next) = scan.at(i)?;
    let stage = if k == NUMBER {
        Stage::Digits
    } else if is_cjk(c) {
        Stage::Cjk
    } else {
        Stage::Rest
    };
    Some((stage, next))
}

/// Splits `text` as the three stages do; `f` as in [`super::split`].
pub(super) fn split(text: &str, f: &mut impl FnMut(usize, usize) -> bool) -> bool {
    let scan = Scan { s: text };
    let mut i = 0;
    while let Some((stage, mut end)) = stage_at(&scan, i) {
        if stage == Stage::Digits {
            // `\p{N}{1,3}` from the run's start.
            let mut n = 1;
            while let Some((Stage::Digits, next)) = stage_at(&scan, end) {
                if n == 3 {
                    if !f(i, end) {
                        return false;
                    }
                    (i, n) = (end, 0);
                }
                end = next;
                n += 1;
            }
            if !f(i, end) {
                return false;
            }
        } else {
            while let Some((s, next)) = stage_at(&scan, end) {
                if s != stage {
                    break;
                }
                end = next;
                if stage == Stage::Rest {
                    // ASCII other than digits is stage 3's: skip it bytewise.
                    let rest = text.as_bytes().get(end..).unwrap_or(&[]);
                    end += rest
                        .iter()
                        .position(|&b| b >= 128 || b.is_ascii_digit())
                        .unwrap_or(rest.len());
                }
            }
            if !stage3(text, i, end, f) {
                return false;
            }
        }
        i = end;
    }
    true
}

/// Stage 3 over `text[start..end]`: its matches and the gaps between them.
fn stage3(text: &str, start: usize, end: usize, f: &mut impl FnMut(usize, usize) -> bool) -> bool {
    let Some(piece) = text.get(start..end) else {
        return true;
    };
    let scan = Scan { s: piece };
    let (mut i, mut gap) = (0, 0);
    while i < piece.len() {
        match match_end(&scan, i) {
            Some(e) if e > i => {
                if gap < i && !f(start + gap, start + i) {
                    return false;
                }
                if !f(start + i, start + e) {
                    return false;
                }
                (i, gap) = (e, e);
            }
            _ => i = scan.at(i).map_or(piece.len(), |(_, _, n)| n),
        }
    }
    gap >= piece.len() || f(start + gap, end)
}

/// The end of stage 3's match at `i`, `None` where it has none.
#[inline]
fn match_end(scan: &Scan, i: usize) -> Option<usize> {
    let (c, k, next) = scan.at(i)?;
    let bytes = scan.s.as_bytes();
    // `A[A-Za-z]+`
    if c.is_ascii_punctuation() && bytes.get(next).is_some_and(u8::is_ascii_alphabetic) {
        let mut end = next + 1;
        while bytes.get(end).is_some_and(u8::is_ascii_alphabetic) {
            end += 1;
        }
        return Some(end);
    }
    // `[^\r\n\p{L}P]?[\p{L}\p{M}]+`
    if is_letter_or_mark(k) {
        return Some(scan.run(i, is_letter_or_mark));
    }
    if k != PUNCT && c != '\r' && c != '\n' {
        if let Some((_, k2, _)) = scan.at(next) {
            if is_letter_or_mark(k2) {
                return Some(scan.run(next, is_letter_or_mark));
            }
        }
    }
    // ` ?P+[\r\n]*`
    let punct_start = if k == PUNCT {
        Some(i)
    } else if c == ' ' && matches!(scan.at(next), Some((_, PUNCT, _))) {
        Some(next)
    } else {
        None
    };
    if let Some(s) = punct_start {
        let mut end = scan.run(s, |k| k == PUNCT);
        while matches!(bytes.get(end), Some(b'\r' | b'\n')) {
            end += 1;
        }
        return Some(end);
    }
    // `\s*[\r\n]+|\s+(?!\S)|\s+`
    (k == SPACE).then(|| scan.spaces(i))
}

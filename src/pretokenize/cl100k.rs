//! The r50k and cl100k families: tiktoken's r50k and cl100k, and cl100k's
//! original, non-possessive form that Llama 3 and (with single digits)
//! Qwen 2 use.

use super::classes::{is_letter, is_punct, LOWER, NUMBER, SPACE, UPPER};
use super::scan::{Bytes, Scan};

/// `'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s`
pub(super) fn r50k_piece_end(scan: &Scan, i: usize) -> usize {
    let Some((c, k, next)) = scan.at(i) else {
        return i;
    };
    if let Some(end) = scan.contraction(i, false) {
        return end;
    }
    // ` ?\p{L}++`, ` ?\p{N}++`, ` ?[^\s\p{L}\p{N}]++`
    let (start, k) = if c == ' ' {
        match scan.at(next) {
            Some((_, k2, _)) if k2 != SPACE => (next, k2),
            _ => (i, k),
        }
    } else {
        (i, k)
    };
    if is_letter(k) {
        return scan.run(start, is_letter);
    }
    if k == NUMBER {
        return scan.run(start, |k| k == NUMBER);
    }
    if is_punct(k) {
        return scan.run(start, is_punct);
    }
    // `\s++$|\s+(?!\S)|\s`
    let (end, _) = scan.space_run(i);
    if end == scan.s.len() {
        end
    } else {
        scan.spaces_before_word(i, end)
    }
}

/// How a member of the cl100k family differs from tiktoken's cl100k.
#[derive(Clone, Copy)]
pub(super) struct Cl100kForm {
    /// `\p{N}{1,3}` (3) or `\p{N}` (1).
    pub max_digits: usize,
    /// tiktoken's `\s++$|\s*[\r\n]|\s+(?!\S)|\s` (true), or the original
    /// `\s*[\r\n]+|\s+(?!\S)|\s+`, which differs where a whitespace run
    /// with a line break ends the text: the original stops after the last
    /// line break and leaves the rest to another piece.
    pub possessive_spaces: bool,
}

/// tiktoken's cl100k: `'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|
/// \p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s`.
pub(super) const CL100K: Cl100kForm = Cl100kForm {
    max_digits: 3,
    possessive_spaces: true,
};

/// Llama 3: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|
/// \p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`. Without
/// possessive quantifiers a backtracking engine could give chars back, but
/// it never does here: after a leading char that is not a letter `\p{L}+`
/// cannot start on that char, and nothing follows the other runs.
pub(super) const LLAMA3: Cl100kForm = Cl100kForm {
    max_digits: 3,
    possessive_spaces: false,
};

/// Qwen 2: Llama 3's with `\p{N}` for `\p{N}{1,3}`.
pub(super) const QWEN2: Cl100kForm = Cl100kForm {
    max_digits: 1,
    possessive_spaces: false,
};

pub(super) fn cl100k_piece_end(scan: &Scan, i: usize, form: Cl100kForm) -> usize {
    if let Some(end) = cl100k_ascii_piece_end(scan, i, form.max_digits) {
        return end;
    }
    let Some((c, k, next)) = scan.at(i) else {
        return i;
    };
    if let Some(end) = scan.contraction(i, true) {
        return end;
    }
    // `[^\r\n\p{L}\p{N}]?+\p{L}++`
    if is_letter(k) {
        return scan.run(i, is_letter);
    }
    if k != NUMBER && c != '\r' && c != '\n' {
        if let Some((_, k2, _)) = scan.at(next) {
            if is_letter(k2) {
                return scan.run(next, is_letter);
            }
        }
    }
    // `\p{N}{1,3}+`
    if k == NUMBER {
        return scan.digits(i, form.max_digits);
    }
    // ` ?[^\s\p{L}\p{N}]++[\r\n]*+`
    if let Some(end) = punct_run(scan, c, k, i, next, "\r\n") {
        return end;
    }
    if !form.possessive_spaces {
        return scan.spaces(i);
    }
    // `\s++$|\s*[\r\n]|\s+(?!\S)|\s`
    let (end, last_newline) = scan.space_run(i);
    if end == scan.s.len() {
        return end;
    }
    if let Some(nl) = last_newline {
        return nl;
    }
    scan.spaces_before_word(i, end)
}

/// ` ?[^\s\p{L}\p{N}]+` followed by any run of the chars in `trail`.
pub(super) fn punct_run(
    scan: &Scan,
    c: char,
    k: u8,
    i: usize,
    next: usize,
    trail: &str,
) -> Option<usize> {
    let start = if is_punct(k) {
        i
    } else if c == ' ' && matches!(scan.at(next), Some((_, k2, _)) if is_punct(k2)) {
        next
    } else {
        return None;
    };
    let mut end = scan.run(start, is_punct);
    while let Some((c, _, n)) = scan.at(end) {
        if !trail.contains(c) {
            break;
        }
        end = n;
    }
    Some(end)
}

/// The cl100k-family match at `i` from ASCII bytes alone (see [`Bytes`]).
#[inline]
fn cl100k_ascii_piece_end(scan: &Scan, i: usize, max_digits: usize) -> Option<usize> {
    let b = Bytes(scan.s.as_bytes());
    // `\p{L}++`: the letters of either case, unless a non-ASCII one follows.
    let letters = |mut end: usize| {
        while matches!(b.at(end), UPPER | LOWER) {
            end += 1;
        }
        (b.at(end) != Bytes::WIDE).then_some(end)
    };
    // A contraction comes first in the pattern.
    if b.0.get(i) == Some(&b'\'') {
        return None;
    }
    b.piece_end(i, letters, max_digits, b"\r\n")
}

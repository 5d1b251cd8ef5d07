//! The o200k family: tiktoken's o200k (also Llama 4's), and Tekken's, which
//! drops the contraction suffixes and takes digits one by one.
//!
//! With U = `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`, W = `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`
//! and C = `(?i:'s|'t|'re|'ve|'m|'ll|'d)`, o200k is
//! `[^\r\n\p{L}\p{N}]?U*W+C?|[^\r\n\p{L}\p{N}]?U+W*C?|\p{N}{1,3}|
//!  ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`.

use super::cl100k::punct_run;
use super::classes::{class_of, is_letter, is_lower_set, is_upper_set, LOWER, NUMBER, UPPER};
use super::scan::{Bytes, Scan};

/// How a member of the o200k family differs from o200k.
#[derive(Clone, Copy)]
pub(super) struct O200kForm {
    /// Whether words take a contraction suffix (`C?`).
    pub contractions: bool,
    /// `\p{N}{1,3}` (3) or `\p{N}` (1).
    pub max_digits: usize,
}

pub(super) const O200K: O200kForm = O200kForm {
    contractions: true,
    max_digits: 3,
};

/// Tekken: `[^\r\n\p{L}\p{N}]?U*W+|[^\r\n\p{L}\p{N}]?U+W*|\p{N}|
///  ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
pub(super) const TEKKEN: O200kForm = O200kForm {
    contractions: false,
    max_digits: 1,
};

impl O200kForm {
    /// `C?` after a word that ends at `end`.
    #[inline]
    fn suffix(self, scan: &Scan, end: usize) -> usize {
        if self.contractions {
            scan.contraction(end, true).unwrap_or(end)
        } else {
            end
        }
    }
}

pub(super) fn o200k_piece_end(scan: &Scan, i: usize, form: O200kForm) -> usize {
    if let Some(end) = o200k_ascii_piece_end(scan, i, form) {
        return end;
    }
    let Some((c, k, next)) = scan.at(i) else {
        return i;
    };
    // `[^\r\n\p{L}\p{N}]?` may take `c` as a prefix.
    let prefix = !is_letter(k) && k != NUMBER && c != '\r' && c != '\n';
    let starts: &[usize] = if prefix { &[next, i] } else { &[i] };
    // First alternative, `U* W+ C?`, with and then without the prefix.
    for &start in starts {
        if let Some(end) = upper_then_lower(scan, start) {
            return form.suffix(scan, end);
        }
    }
    // Second alternative, `U+ W* C?`.
    for &start in starts {
        let upper_end = scan.run(start, is_upper_set);
        if upper_end > start {
            let end = scan.run(upper_end, is_lower_set);
            return form.suffix(scan, end);
        }
    }
    // `\p{N}{1,3}`
    if k == NUMBER {
        return scan.digits(i, form.max_digits);
    }
    // ` ?[^\s\p{L}\p{N}]+[\r\n/]*`
    if let Some(end) = punct_run(scan, c, k, i, next, "\r\n/") {
        return end;
    }
    // `\s*[\r\n]+|\s+(?!\S)|\s+`
    scan.spaces(i)
}

/// The o200k-family match at `i` from ASCII bytes alone (see [`Bytes`]).
#[inline]
fn o200k_ascii_piece_end(scan: &Scan, i: usize, form: O200kForm) -> Option<usize> {
    let b = Bytes(scan.s.as_bytes());
    // From a letter, both letter alternatives end after the upper-case run
    // and the lower-case run that follows it: an ASCII upper-case run holds
    // no char of W, so there is nothing for `U* W+` to back off to.
    let letters = |start: usize| {
        let end = b.run(b.run(start, UPPER), LOWER);
        (b.at(end) != Bytes::WIDE).then(|| form.suffix(scan, end))
    };
    b.piece_end(i, letters, form.max_digits, b"\r\n/")
}

/// `U* W+` from `start`, as a backtracking engine matches it: the greedy `U*`
/// gives back chars until `W+` can match. `U` and `W` overlap in `Lm`, `Lo`
/// and `M`, so the end depends on the last such char of the `U` run.
fn upper_then_lower(scan: &Scan, start: usize) -> Option<usize> {
    let upper_end = scan.run(start, is_upper_set);
    if let Some((_, LOWER, _)) = scan.at(upper_end) {
        return Some(scan.run(upper_end, is_lower_set));
    }
    // Back off to the last char of the U run that is also in W; W+ then ends
    // right after it, since the chars after it in the run are upper case only.
    let run = scan.s.get(start..upper_end)?;
    let (offset, c) = run
        .char_indices()
        .rev()
        .find(|&(_, c)| is_lower_set(class_of(c)))?;
    Some(start + offset + c.len_utf8())
}

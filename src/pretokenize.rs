//! The pre-tokenizer: splits text into the pieces that BPE then merges.
//!
//! tiktoken splits with a regex per encoding (run by `fancy-regex`). This is a
//! hand-written scanner for each of those regexes, because a regex engine with
//! look-around is the slowest part of tiktoken and a large part of its wasm
//! size. Each `*_piece_end` function returns exactly the end of the match the
//! regex would find at a position: the alternatives are tried in the regex's
//! order, and where the regex backtracks the scanner computes the backtracked
//! end directly. `tests/pretokenize.rs` checks every pattern against the regex
//! itself on random and adversarial text.
//!
//! The three patterns (tiktoken 0.14.0):
//! * r50k (r50k_base, p50k_base, p50k_edit):
//!   `'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s`
//! * cl100k: `'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+|
//!   ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s`
//! * o200k (o200k_base, o200k_harmony), with U = `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`,
//!   W = `[\p{Ll}\p{Lm}\p{Lo}\p{M}]` and C = `(?i:'s|'t|'re|'ve|'m|'ll|'d)`:
//!   `[^\r\n\p{L}\p{N}]?U*W+C?|[^\r\n\p{L}\p{N}]?U+W*C?|\p{N}{1,3}|
//!   ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`

mod classes {
    include!(concat!(env!("OUT_DIR"), "/unicode_classes.rs"));
}

/// Which of tiktoken's split regexes an encoding uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    R50k,
    Cl100k,
    O200k,
}

const OTHER: u8 = 0;
use classes::{LOWER, MARK, NUMBER, OTHER_LETTER, SPACE, UPPER};

/// ASCII classes, looked up without touching the Unicode tables.
// Evaluated at compile time: an out-of-bounds index would fail the build.
#[allow(clippy::indexing_slicing)]
static ASCII: [u8; 128] = {
    let mut t = [OTHER; 128];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = if b.is_ascii_uppercase() {
            UPPER
        } else if b.is_ascii_lowercase() {
            LOWER
        } else if b.is_ascii_digit() {
            NUMBER
        } else if matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
            SPACE
        } else {
            OTHER
        };
        c += 1;
    }
    t
};

#[inline]
fn class_of(c: char) -> u8 {
    let cp = c as u32;
    if cp < 128 {
        return ASCII.get(cp as usize).copied().unwrap_or(OTHER);
    }
    let block = classes::BLOCK_INDEX
        .get((cp >> classes::BLOCK_SHIFT) as usize)
        .copied()
        .unwrap_or(0) as usize;
    let offset = (cp & ((1 << classes::BLOCK_SHIFT) - 1)) as usize;
    classes::BLOCKS
        .get((block << classes::BLOCK_SHIFT) + offset)
        .copied()
        .unwrap_or(OTHER)
}

#[inline]
fn is_letter(k: u8) -> bool {
    matches!(k, UPPER | LOWER | OTHER_LETTER)
}
/// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`
#[inline]
fn is_upper_set(k: u8) -> bool {
    matches!(k, UPPER | OTHER_LETTER | MARK)
}
/// `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`
#[inline]
fn is_lower_set(k: u8) -> bool {
    matches!(k, LOWER | OTHER_LETTER | MARK)
}
/// `[^\s\p{L}\p{N}]`
#[inline]
fn is_punct(k: u8) -> bool {
    matches!(k, OTHER | MARK)
}

/// A cursor over the text: each step decodes one char and its class.
struct Scan<'a> {
    s: &'a str,
}

impl Scan<'_> {
    /// The char at byte offset `i`, its class and the offset after it.
    #[inline]
    fn at(&self, i: usize) -> Option<(char, u8, usize)> {
        let c = self.s.get(i..)?.chars().next()?;
        Some((c, class_of(c), i + c.len_utf8()))
    }

    /// End of the run of chars from `i` whose class satisfies `pred`.
    #[inline]
    fn run(&self, mut i: usize, pred: impl Fn(u8) -> bool) -> usize {
        // ASCII fast path: most runs are ASCII letters, digits or spaces.
        let bytes = self.s.as_bytes();
        while let Some(&b) = bytes.get(i) {
            if b < 128 {
                if pred(ASCII.get(b as usize).copied().unwrap_or(OTHER)) {
                    i += 1;
                    continue;
                }
                return i;
            }
            match self.at(i) {
                Some((_, k, next)) if pred(k) => i = next,
                _ => return i,
            }
        }
        i
    }

    /// `\p{N}{1,3}` from `i` (the char at `i` is known to be a number).
    fn digits(&self, i: usize) -> usize {
        let mut end = i;
        for _ in 0..3 {
            match self.at(end) {
                Some((_, NUMBER, next)) => end = next,
                _ => break,
            }
        }
        end
    }

    /// A contraction at `i`: `'(?:[sdmt]|ll|ve|re)`, case-insensitively
    /// (`(?i)` in Unicode mode also folds `ſ` to `s`) when `fold` is set.
    #[inline]
    fn contraction(&self, i: usize, fold: bool) -> Option<usize> {
        // Asked after every run of letters; the call was 4% of counting
        // random base64 in Node, where almost no run is followed by a quote.
        if self.s.as_bytes().get(i) != Some(&b'\'') {
            return None;
        }
        self.contraction_after_quote(i, fold)
    }

    #[inline(never)]
    fn contraction_after_quote(&self, i: usize, fold: bool) -> Option<usize> {
        let rest = self.s.as_bytes().get(i..)?;
        let lower = |b: Option<&u8>| match b {
            Some(&b) if fold => Some(b.to_ascii_lowercase()),
            Some(&b) => Some(b),
            None => None,
        };
        let (a, b) = (lower(rest.get(1)), lower(rest.get(2)));
        match (a, b) {
            (Some(b'l'), Some(b'l')) | (Some(b'v' | b'r'), Some(b'e')) => Some(i + 3),
            (Some(b's' | b'd' | b'm' | b't'), _) => Some(i + 2),
            // U+017F LATIN SMALL LETTER LONG S is "s" under Unicode case folding.
            _ if fold && rest.get(1..3) == Some("ſ".as_bytes()) => Some(i + 3),
            _ => None,
        }
    }

    /// End of a whitespace run that starts at `i`, and whether any char in it
    /// is `\r` or `\n` (then also the end of the last one).
    fn space_run(&self, i: usize) -> (usize, Option<usize>) {
        let mut end = i;
        let mut last_newline = None;
        while let Some((c, k, next)) = self.at(end) {
            if k != SPACE {
                break;
            }
            if c == '\r' || c == '\n' {
                last_newline = Some(next);
            }
            end = next;
        }
        (end, last_newline)
    }

    /// Start of the last char before `end`.
    fn prev_char(&self, end: usize) -> usize {
        self.s
            .get(..end)
            .and_then(|head| head.char_indices().next_back())
            .map_or(end, |(p, _)| p)
    }

    /// `\s+(?!\S)` or a single `\s`, for a run `[i, end)` that is followed by
    /// a non-space: every space but the last, so that the last one can lead
    /// the next word.
    fn spaces_before_word(&self, i: usize, end: usize) -> usize {
        let last = self.prev_char(end);
        if last > i {
            last
        } else {
            end
        }
    }
}

/// Splits `text` into pieces, calling `f` with each piece's byte range. Stops
/// early, returning `false`, as soon as `f` returns `false`.
pub fn split(pattern: Pattern, text: &str, mut f: impl FnMut(usize, usize) -> bool) -> bool {
    let scan = Scan { s: text };
    let mut i = 0;
    while i < text.len() {
        let end = match pattern {
            Pattern::R50k => r50k_piece_end(&scan, i),
            Pattern::Cl100k => cl100k_piece_end(&scan, i),
            Pattern::O200k => o200k_piece_end(&scan, i),
        };
        // Every branch consumes at least one char; guard anyway so that a bug
        // can never become an endless loop.
        let end = if end > i {
            end
        } else {
            scan.at(i).map_or(text.len(), |(_, _, n)| n)
        };
        if !f(i, end) {
            return false;
        }
        i = end;
    }
    true
}

/// Where a text read in parts can be cut for counting: the byte offset of
/// the first char of the last pair of adjacent chars, at or after `from`,
/// that no match of `pattern` spans (`None` when there is none). Every piece
/// of `text` that ends at or before that offset is a piece of every text
/// that starts with `text`: no later text can change it.
///
/// Why: a match that starts before the pair's first char `a` reads the text
/// from its start on, one run of one class at a time (letters and marks, or
/// digits, or whitespace, or other chars then newlines), plus an optional
/// first char, a contraction after letters (`'` and two letters) and one char
/// of look-ahead. A pair whose chars are of two different classes among
/// letters, digits, whitespace and other chars, neither being a mark (marks
/// join both letter and punctuation runs), `'` (contractions) or `/`, and not
/// an other char followed by `\r` or `\n` (punctuation then newlines, as in
/// `"!\n"`), ends every such run at `a`: the match reads the pair's second
/// char `b` at most. As `b` is in `text`, what follows `text` is never read,
/// and every piece up to `a` is settled. The last piece of a text, and any
/// piece that a run still open at the end may join (`" \n"` then `" "` is
/// one piece once `"\n"` follows, in o200k), are not. This holds for the
/// three patterns (the match below makes a new one a compile error here);
/// `TokenCounter`'s tests and the `counter` fuzz target check it against
/// counting whole texts.
pub fn last_cut(pattern: Pattern, text: &str, from: usize) -> Option<usize> {
    match pattern {
        Pattern::R50k | Pattern::Cl100k | Pattern::O200k => {}
    }
    let mut cut = None;
    let mut prev: Option<(usize, char)> = None;
    for (at, c) in text.get(from..)?.char_indices() {
        if let Some((a_at, a)) = prev {
            if ends_every_run(a, c) {
                cut = Some(a_at);
            }
        }
        prev = Some((from + at, c));
    }
    cut
}

/// The coarse class of a char for [`last_cut`], or `None` for the chars
/// that may continue a run of another class (marks, `'` and `/`).
fn cut_class(c: char) -> Option<u8> {
    if matches!(c, '\'' | '/') {
        return None;
    }
    match class_of(c) {
        MARK => None,
        k if is_letter(k) => Some(UPPER),
        k => Some(k),
    }
}

/// Whether no match of the three patterns consumes both `a` and the `b`
/// after it (see [`last_cut`]).
fn ends_every_run(a: char, b: char) -> bool {
    match (cut_class(a), cut_class(b)) {
        (Some(x), Some(y)) => x != y && !(x == OTHER && matches!(b, '\r' | '\n')),
        _ => false,
    }
}

fn r50k_piece_end(scan: &Scan, i: usize) -> usize {
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

fn cl100k_piece_end(scan: &Scan, i: usize) -> usize {
    if let Some(end) = cl100k_ascii_piece_end(scan, i) {
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
        return scan.digits(i);
    }
    // ` ?[^\s\p{L}\p{N}]++[\r\n]*+`
    if let Some(end) = punct_run(scan, c, k, i, next, "\r\n") {
        return end;
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
fn punct_run(scan: &Scan, c: char, k: u8, i: usize, next: usize, trail: &str) -> Option<usize> {
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

fn o200k_piece_end(scan: &Scan, i: usize) -> usize {
    if let Some(end) = o200k_ascii_piece_end(scan, i) {
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
            return scan.contraction(end, true).unwrap_or(end);
        }
    }
    // Second alternative, `U+ W* C?`.
    for &start in starts {
        let upper_end = scan.run(start, is_upper_set);
        if upper_end > start {
            let end = scan.run(upper_end, is_lower_set);
            return scan.contraction(end, true).unwrap_or(end);
        }
    }
    // `\p{N}{1,3}`
    if k == NUMBER {
        return scan.digits(i);
    }
    // ` ?[^\s\p{L}\p{N}]+[\r\n/]*`
    if let Some(end) = punct_run(scan, c, k, i, next, "\r\n/") {
        return end;
    }
    // `\s*[\r\n]+|\s+(?!\S)|\s+`
    let (end, last_newline) = scan.space_run(i);
    if let Some(nl) = last_newline {
        return nl;
    }
    if end == scan.s.len() {
        return end;
    }
    scan.spaces_before_word(i, end)
}

/// ASCII classes read straight from the bytes, for the fast paths below:
/// [`Bytes::END`] past the text, [`Bytes::WIDE`] at a byte of a non-ASCII
/// char. Random text (base64, hex, identifiers) is mostly short ASCII pieces,
/// and decoding chars and backtracking over them took half of its counting
/// time. A fast path answers `None` where a non-ASCII char could change the
/// match, and for whitespace and line breaks: the char path decides those.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    const END: u8 = 0xFE;
    const WIDE: u8 = 0xFF;

    #[inline]
    fn at(&self, j: usize) -> u8 {
        match self.0.get(j) {
            None => Self::END,
            Some(&b) if b < 128 => ASCII.get(usize::from(b)).copied().unwrap_or(OTHER),
            Some(_) => Self::WIDE,
        }
    }

    #[inline]
    fn run(&self, mut j: usize, k: u8) -> usize {
        while self.at(j) == k {
            j += 1;
        }
        j
    }

    /// `\p{N}{1,3}` at a digit.
    #[inline]
    fn digits(&self, i: usize) -> Option<usize> {
        let mut end = i;
        while end - i < 3 && self.at(end) == NUMBER {
            end += 1;
        }
        (end - i == 3 || self.at(end) != Self::WIDE).then_some(end)
    }

    /// `` ?[^\s\p{L}\p{N}]+`` and a run of `trail` bytes, at a char that
    /// is not a line break and that no letter follows.
    #[inline]
    fn punct(&self, i: usize, trail: &[u8]) -> Option<usize> {
        let start = match (self.0.get(i), self.at(i), self.at(i + 1)) {
            (_, OTHER, _) => i,
            (Some(b' '), _, OTHER) => i + 1,
            _ => return None,
        };
        let mut end = self.run(start, OTHER);
        if self.at(end) == Self::WIDE {
            return None;
        }
        while self.0.get(end).is_some_and(|b| trail.contains(b)) {
            end += 1;
        }
        Some(end)
    }

    /// What the o200k and cl100k patterns share at an ASCII position: a
    /// word (`letters` from its first letter), optionally led by one other
    /// char; up to three digits; punctuation with a `trail`.
    #[inline]
    fn piece_end(
        &self,
        i: usize,
        letters: impl Fn(usize) -> Option<usize>,
        trail: &[u8],
    ) -> Option<usize> {
        match self.at(i) {
            UPPER | LOWER => letters(i),
            NUMBER => self.digits(i),
            _ if !self.leads_word(i) => None,
            _ => match self.at(i + 1) {
                UPPER | LOWER => letters(i + 1),
                _ => self.punct(i, trail),
            },
        }
    }

    /// Whether the char at `i` may lead a word (`[^\r\n\p{L}\p{N}]?`).
    #[inline]
    fn leads_word(&self, i: usize) -> bool {
        !matches!(self.at(i), UPPER | LOWER | NUMBER | Self::WIDE | Self::END)
            && !matches!(self.0.get(i), Some(b'\r' | b'\n'))
    }
}

/// The o200k match at `i` from ASCII bytes alone (see [`Bytes`]).
#[inline]
fn o200k_ascii_piece_end(scan: &Scan, i: usize) -> Option<usize> {
    let b = Bytes(scan.s.as_bytes());
    // From a letter, both letter alternatives end after the upper-case run
    // and the lower-case run that follows it: an ASCII upper-case run holds
    // no char of W, so there is nothing for `U* W+` to back off to.
    let letters = |start: usize| {
        let end = b.run(b.run(start, UPPER), LOWER);
        (b.at(end) != Bytes::WIDE).then(|| scan.contraction(end, true).unwrap_or(end))
    };
    b.piece_end(i, letters, b"\r\n/")
}

/// The cl100k match at `i` from ASCII bytes alone (see [`Bytes`]).
#[inline]
fn cl100k_ascii_piece_end(scan: &Scan, i: usize) -> Option<usize> {
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
    b.piece_end(i, letters, b"\r\n")
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

//! Cursors over the text: [`Scan`] decodes chars and their classes,
//! [`Bytes`] reads ASCII classes straight from the bytes for the fast paths.

use super::classes::{class_of, ASCII, ASCII_MERGED, LOWER, NUMBER, OTHER, SPACE, UPPER};

/// A cursor over the text: each step decodes one char and its class.
pub(super) struct Scan<'a> {
    pub s: &'a str,
}

impl Scan<'_> {
    /// The char at byte offset `i`, its class and the offset after it.
    #[inline]
    pub fn at(&self, i: usize) -> Option<(char, u8, usize)> {
        let c = self.s.get(i..)?.chars().next()?;
        Some((c, class_of(c), i + c.len_utf8()))
    }

    /// End of the run of chars from `i` whose class satisfies `pred`.
    #[inline]
    pub fn run(&self, mut i: usize, pred: impl Fn(u8) -> bool) -> usize {
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

    /// `\p{N}{1,max}` from `i` (the char at `i` is known to be a number).
    pub fn digits(&self, i: usize, max: usize) -> usize {
        let mut end = i;
        for _ in 0..max {
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
    pub fn contraction(&self, i: usize, fold: bool) -> Option<usize> {
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
    pub fn space_run(&self, i: usize) -> (usize, Option<usize>) {
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
    pub fn spaces_before_word(&self, i: usize, end: usize) -> usize {
        let last = self.prev_char(end);
        if last > i {
            last
        } else {
            end
        }
    }

    /// `\s*[\r\n]+|\s+(?!\S)|\s+` at a whitespace char (o200k, Llama 3,
    /// Qwen 2, Tekken, DeepSeek V3): through the run's last line break if it
    /// has one, else the whole run at the end of the text, else every
    /// space but the last.
    pub fn spaces(&self, i: usize) -> usize {
        let (end, last_newline) = self.space_run(i);
        if let Some(nl) = last_newline {
            return nl;
        }
        if end == self.s.len() {
            return end;
        }
        self.spaces_before_word(i, end)
    }
}

/// ASCII classes read straight from the bytes, for the fast paths of the
/// patterns tiktoken's family shares: [`Bytes::END`] past the text,
/// [`Bytes::WIDE`] at a byte of a non-ASCII char, punctuation as [`OTHER`].
/// Random text (base64, hex, identifiers) is mostly short ASCII pieces, and
/// decoding chars and backtracking over them took half of its counting time.
/// A fast path answers `None` where a non-ASCII char could change the match,
/// and for whitespace and line breaks: the char path decides those.
pub(super) struct Bytes<'a>(pub &'a [u8]);

impl Bytes<'_> {
    pub const END: u8 = 0xFE;
    pub const WIDE: u8 = 0xFF;

    #[inline]
    pub fn at(&self, j: usize) -> u8 {
        match self.0.get(j) {
            None => Self::END,
            Some(&b) if b < 128 => ASCII_MERGED.get(usize::from(b)).copied().unwrap_or(OTHER),
            Some(_) => Self::WIDE,
        }
    }

    #[inline]
    pub fn run(&self, mut j: usize, k: u8) -> usize {
        while self.at(j) == k {
            j += 1;
        }
        j
    }

    /// `\p{N}{1,max}` at a digit.
    #[inline]
    fn digits(&self, i: usize, max: usize) -> Option<usize> {
        let mut end = i;
        while end - i < max && self.at(end) == NUMBER {
            end += 1;
        }
        (end - i == max || self.at(end) != Self::WIDE).then_some(end)
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

    /// What the o200k and cl100k families share at an ASCII position: a
    /// word (`letters` from its first letter), optionally led by one other
    /// char; up to `max_digits` digits; punctuation with a `trail`.
    #[inline]
    pub fn piece_end(
        &self,
        i: usize,
        letters: impl Fn(usize) -> Option<usize>,
        max_digits: usize,
        trail: &[u8],
    ) -> Option<usize> {
        match self.at(i) {
            UPPER | LOWER => letters(i),
            NUMBER => self.digits(i, max_digits),
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

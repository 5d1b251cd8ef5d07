//! Packing retrieval chunks into a budget, and splitting a text into chunks.

use super::grapheme;
use super::{raw_limit, token_offsets};
use crate::error::{Error, Result};
use crate::tokens::{AllowedSpecial, Tokenizer};

/// What [`select_chunks`] does at a chunk that does not fit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PackMode {
    /// Stop: the selection is a prefix of the ranking.
    #[default]
    InOrder,
    /// Skip it and try the next ones.
    SkipOversize,
}

/// The result of [`select_chunks`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// The chosen chunks' indices, in rank order.
    pub indices: Vec<usize>,
    /// The tokens of the chosen chunks joined with the separator, counted
    /// whole (0 when none is chosen).
    pub tokens: usize,
}

/// Packs retrieval chunks, ranked best first, into `budget` tokens of
/// `model`: chunks are taken in rank order while the text they make joined
/// with `separator` fits; the first that does not fit ends the selection
/// ([`PackMode::InOrder`]) or is passed over ([`PackMode::SkipOversize`]).
///
/// The joined text is counted whole at every step (separator tokens, and
/// merges across the joins, included), stopping early once over the budget,
/// so the cost is about the number of chunks tried times the budget.
pub fn select_chunks<S: AsRef<str>>(
    chunks: &[S],
    tokenizer: &Tokenizer,
    budget: u64,
    separator: &str,
    mode: PackMode,
) -> Result<Selection> {
    let limit = usize::try_from(budget).unwrap_or(usize::MAX);
    let mut joined = String::new();
    let mut selection = Selection::default();
    for (i, chunk) in chunks.iter().enumerate() {
        let chunk = chunk.as_ref();
        let mut candidate = String::with_capacity(joined.len() + separator.len() + chunk.len());
        candidate.push_str(&joined);
        if !selection.indices.is_empty() {
            candidate.push_str(separator);
        }
        candidate.push_str(chunk);
        match tokenizer.count_within(&candidate, &AllowedSpecial::None, limit) {
            Some(n) => {
                joined = candidate;
                selection.tokens = n;
                selection.indices.push(i);
            }
            None if mode == PackMode::InOrder => break,
            None => {}
        }
    }
    Ok(selection)
}

/// Splits `text` into chunks of at most `chunk_tokens` tokens of `model`
/// each (every chunk counted whole), cut at paragraph ends where possible,
/// else at sentence ends, line ends, then between words, and never inside a
/// grapheme cluster (inside one only when a single cluster has more than
/// `chunk_tokens` tokens, and then between its characters). A break is
/// looked for in the second half of each chunk's room (after the overlap),
/// so chunks are not cut much shorter than they can be.
///
/// Each chunk after the first starts with up to `overlap_tokens` tokens of
/// the end of the one before (counted in the whole text's tokens), at a
/// sentence or word start where there is one. The chunks are slices of
/// `text`: with no overlap they join back into it. An empty text gives no
/// chunks.
///
/// `model` names the model the tokenizer is for, when the caller gave one:
/// a chunk size too small for an estimate is the model's doing, and the
/// error says which.
pub fn split_by_tokens(
    text: &str,
    tokenizer: &Tokenizer,
    model: Option<&str>,
    chunk_tokens: u64,
    overlap_tokens: u64,
) -> Result<Vec<String>> {
    let (room, overlap) = chunk_room(tokenizer, model, chunk_tokens, overlap_tokens)?;
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let exact = Tokenizer::new(tokenizer.encoding())?;
    if exact
        .count_within(text, &AllowedSpecial::None, room)
        .is_some()
    {
        return Ok(vec![text.to_string()]);
    }
    let splitter = Splitter {
        exact: &exact,
        text,
        offsets: token_offsets(&exact, text)?,
        room,
        overlap,
        chunk_tokens,
    };
    let mut chunks = Vec::new();
    let mut start = 0usize;
    loop {
        let cut = match splitter.last_chunk(start) {
            Some(end) => end,
            None => splitter.chunk_end(start)?,
        };
        chunks.push(splitter.slice(start, cut).to_string());
        if cut >= splitter.total() {
            break;
        }
        start = splitter.next_start(start, cut);
    }
    Ok(chunks)
}

/// The room of a chunk and of its overlap, in unscaled tokens.
fn chunk_room(
    tokenizer: &Tokenizer,
    model: Option<&str>,
    chunk_tokens: u64,
    overlap_tokens: u64,
) -> Result<(usize, usize)> {
    if chunk_tokens == 0 {
        return Err(Error::invalid("chunkTokens", "must be at least 1"));
    }
    if overlap_tokens >= chunk_tokens {
        return Err(Error::invalid(
            "overlapTokens",
            format!("{overlap_tokens} must be smaller than chunkTokens ({chunk_tokens})"),
        ));
    }
    let room = raw_limit(tokenizer, chunk_tokens);
    if room == 0 {
        let whose = model.map_or_else(
            || "this tokenizer's estimate".to_string(),
            |m| {
                format!(
                    "{}, whose estimate",
                    crate::encodings::truncate_for_message(m)
                )
            },
        );
        return Err(Error::invalid(
            "chunkTokens",
            format!(
                "{chunk_tokens} is too small for {whose} counts one token as {}",
                tokenizer.scale(1)
            ),
        ));
    }
    Ok((room, raw_limit(tokenizer, overlap_tokens).min(room - 1)))
}

/// The text in token positions: chunk `[start, cut)` is
/// `text[at(start)..at(cut)]`.
struct Splitter<'a> {
    exact: &'a Tokenizer,
    text: &'a str,
    offsets: Vec<usize>,
    room: usize,
    overlap: usize,
    chunk_tokens: u64,
}

impl Splitter<'_> {
    fn total(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    fn at(&self, i: usize) -> usize {
        self.offsets.get(i).copied().unwrap_or(self.text.len())
    }

    fn slice(&self, a: usize, b: usize) -> &str {
        self.text.get(self.at(a)..self.at(b)).unwrap_or("")
    }

    fn grapheme_cut(&self, i: usize) -> bool {
        i == 0 || i >= self.total() || grapheme::is_boundary(self.text, self.at(i))
    }

    fn char_cut(&self, i: usize) -> bool {
        self.text.is_char_boundary(self.at(i))
    }

    fn too_small(&self, start: usize) -> Error {
        too_small(self.chunk_tokens, self.at(start))
    }

    /// The end of the text, when the rest from `start` fits one chunk.
    fn last_chunk(&self, start: usize) -> Option<usize> {
        let total = self.total();
        let fits = start + self.room >= total
            && self
                .exact
                .count_within(self.slice(start, total), &AllowedSpecial::None, self.room)
                .is_some();
        fits.then_some(total)
    }

    /// Where the chunk starting at `start` ends: the best break in the
    /// second half of its room (past the overlap), then cut back until the
    /// chunk, counted alone, fits (it may count differently from its share
    /// of the whole).
    fn chunk_end(&self, start: usize) -> Result<usize> {
        let end = (start + self.room).min(self.total());
        let from = (start + (self.overlap + 1).max((end - start).div_ceil(2))).min(end);
        let mut cut = match self.best_break(from, end) {
            Some(c) => c,
            None => self.clean_cut(start, end)?,
        };
        loop {
            let n = self.exact.count_unscaled(self.slice(start, cut));
            if n <= self.room {
                return Ok(cut);
            }
            let back = cut.saturating_sub(n - self.room).max(start + 1);
            if back >= cut {
                return Err(self.too_small(start));
            }
            cut = self.clean_cut(start, back)?;
        }
    }

    /// The highest-ranked break in `[from, end]`, the latest among equals.
    fn best_break(&self, from: usize, end: usize) -> Option<usize> {
        let mut cut = None;
        let mut best_rank = 0u8;
        for i in (from..=end).rev() {
            if !self.grapheme_cut(i) {
                continue;
            }
            let rank = break_rank(self.text, self.at(i));
            if cut.is_none() || rank > best_rank {
                cut = Some(i);
                best_rank = rank;
                if rank == PARAGRAPH {
                    break;
                }
            }
        }
        cut
    }

    /// The last cut in `(start, end]` between grapheme clusters, else
    /// between characters.
    fn clean_cut(&self, start: usize, end: usize) -> Result<usize> {
        last_cut(start, end, &|i| self.grapheme_cut(i))
            .or_else(|| last_cut(start, end, &|i| self.char_cut(i)))
            .ok_or_else(|| self.too_small(start))
    }

    /// Where the chunk after `[start, cut)` starts: up to `overlap` tokens
    /// back, at the earliest sentence start there, else word start, else
    /// any clean cut.
    fn next_start(&self, start: usize, cut: usize) -> usize {
        let lo = cut.saturating_sub(self.overlap).max(start + 1);
        if self.overlap == 0 || lo >= cut {
            return cut;
        }
        let candidates: Vec<usize> = (lo..cut).filter(|&i| self.grapheme_cut(i)).collect();
        let first_of_rank = |min: u8| {
            candidates
                .iter()
                .copied()
                .find(|&i| break_rank(self.text, self.at(i)) >= min)
        };
        first_of_rank(SENTENCE)
            .or_else(|| first_of_rank(WORD))
            .or_else(|| candidates.first().copied())
            .unwrap_or(cut)
    }
}

fn too_small(chunk_tokens: u64, at: usize) -> Error {
    Error::invalid(
        "chunkTokens",
        format!("{chunk_tokens} is too small: the character at byte {at} takes more tokens"),
    )
}

/// The last `i` in `(start, end]` with `ok(i)`.
fn last_cut(start: usize, end: usize, ok: &impl Fn(usize) -> bool) -> Option<usize> {
    (start + 1..=end).rev().find(|&i| ok(i))
}

pub(super) const PARAGRAPH: u8 = 4;
pub(super) const SENTENCE: u8 = 3;
pub(super) const LINE: u8 = 2;
pub(super) const WORD: u8 = 1;

/// How good a place byte `at` of `text` is to split at: the end of a
/// paragraph, of a sentence, of a line, between words, or none of these.
/// Looks only at a few characters on either side.
pub(super) fn break_rank(text: &str, at: usize) -> u8 {
    if at == 0 || at >= text.len() {
        return PARAGRAPH;
    }
    let near = |from: usize, to: usize| {
        let mut a = from.min(text.len());
        while !text.is_char_boundary(a) {
            a -= 1;
        }
        let mut b = to.min(text.len());
        while !text.is_char_boundary(b) {
            b += 1;
        }
        text.get(a..b).unwrap_or("")
    };
    let before = near(at.saturating_sub(24), at);
    let after = near(at, at + 24);
    let horizontal = |c: char| c == ' ' || c == '\t' || c == '\r';
    let blank_line_end = |s: &str| {
        let s = s.trim_end_matches(horizontal);
        s.strip_suffix('\n')
            .is_some_and(|s| s.trim_end_matches(horizontal).ends_with('\n'))
    };
    let blank_line_start = |s: &str| {
        let s = s.trim_start_matches(horizontal);
        s.strip_prefix('\n')
            .is_some_and(|s| s.trim_start_matches(horizontal).starts_with('\n'))
    };
    if blank_line_end(before) || blank_line_start(after) {
        return PARAGRAPH;
    }
    let closing = |c: char| matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '」' | '』' | '）');
    let last = before.trim_end_matches(closing).chars().next_back();
    let next = after.chars().next();
    match last {
        Some('。' | '！' | '？' | '．') => return SENTENCE,
        Some('.' | '!' | '?' | '…') if next.is_none_or(char::is_whitespace) => return SENTENCE,
        _ => {}
    }
    let trimmed = before.trim_end();
    if before.len() != trimmed.len() {
        if let Some('.' | '!' | '?' | '…' | '。' | '！' | '？') =
            trimmed.trim_end_matches(closing).chars().next_back()
        {
            return SENTENCE;
        }
    }
    if before.ends_with('\n') || after.starts_with('\n') || after.starts_with("\r\n") {
        return LINE;
    }
    if before.ends_with(char::is_whitespace) || after.starts_with(char::is_whitespace) {
        return WORD;
    }
    0
}

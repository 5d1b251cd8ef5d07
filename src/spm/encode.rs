//! The algorithm's outer steps (controls, normalisation, user-defined
//! pieces, words), counting, decoding, offsets and cut points.

use super::{PieceKind, Scratch, SentencePiece, SPACE};
use crate::tokens::AllowedSpecial;

/// U+2581 in UTF-8.
pub(super) const SPACE_BYTES: &[u8] = "\u{2581}".as_bytes();

impl SentencePiece {
    /// The tokens of `text`.
    pub fn encode(&self, text: &str, allowed: &AllowedSpecial) -> Vec<u32> {
        let mut out = Vec::with_capacity(text.len() / 4 + 1);
        self.each_token(text, allowed, &mut Scratch::default(), &mut |id| {
            out.push(id);
            true
        });
        out
    }

    /// The number of tokens of `text`, without collecting them.
    pub fn count(&self, text: &str, allowed: &AllowedSpecial) -> usize {
        self.count_until(text, allowed, usize::MAX)
    }

    /// The count, or a number >= `stop_at` once it reaches `stop_at`: the
    /// rest of the text is not encoded.
    pub fn count_until(&self, text: &str, allowed: &AllowedSpecial, stop_at: usize) -> usize {
        let mut n = 0usize;
        self.each_token(text, allowed, &mut Scratch::default(), &mut |_| {
            n += 1;
            n < stop_at
        });
        n
    }

    /// Hands every token of `text` to `emit`, in order, until it returns
    /// `false`; returns whether it ran to the end. Step 1: the allowed
    /// control pieces, leftmost-longest on the raw text.
    pub(crate) fn each_token(
        &self,
        text: &str,
        allowed: &AllowedSpecial,
        scratch: &mut Scratch,
        emit: &mut impl FnMut(u32) -> bool,
    ) -> bool {
        let mut rest = text;
        if !matches!(allowed, AllowedSpecial::None) {
            let mut from = 0;
            // A control piece starts with a char's first byte, so `at` is a
            // char boundary.
            while let Some(found) = rest
                .as_bytes()
                .get(from..)
                .and_then(|r| r.iter().position(|&b| self.starts_control(b)))
            {
                let at = from + found;
                let Some((id, len)) = self.control_at(rest.get(at..).unwrap_or(""), allowed) else {
                    from = at + 1;
                    continue;
                };
                if !self.each_text_token(rest.get(..at).unwrap_or(""), scratch, emit) || !emit(id) {
                    return false;
                }
                rest = rest.get(at + len..).unwrap_or("");
                from = 0;
            }
        }
        self.each_text_token(rest, scratch, emit)
    }

    /// The longest allowed control piece `text` starts with, and its length.
    fn control_at(&self, text: &str, allowed: &AllowedSpecial) -> Option<(u32, usize)> {
        self.controls
            .iter()
            .filter_map(|&id| {
                let piece = std::str::from_utf8(self.piece(id)?).ok()?;
                let ok = match allowed {
                    AllowedSpecial::All => true,
                    AllowedSpecial::Some(set) => set.contains(piece),
                    AllowedSpecial::None => false,
                };
                (ok && text.starts_with(piece)).then_some((id, piece.len()))
            })
            .max_by_key(|&(_, len)| len)
    }

    /// Step 2 on text without control pieces (spaces to U+2581), then the
    /// rest on the normalised text.
    fn each_text_token(
        &self,
        text: &str,
        scratch: &mut Scratch,
        emit: &mut impl FnMut(u32) -> bool,
    ) -> bool {
        if text.is_empty() {
            return true;
        }
        let mut buf = std::mem::take(&mut scratch.buf);
        buf.clear();
        for (i, part) in text.split(' ').enumerate() {
            if i > 0 {
                buf.push(SPACE);
            }
            buf.push_str(part);
        }
        let done = self.each_normalised_token(&buf, scratch, emit);
        scratch.buf = buf;
        done
    }

    /// Steps 3 to 5 in one pass: the user-defined pieces, leftmost-longest,
    /// and between them BPE word by word. A word ends before each U+2581
    /// that no normal piece joins to the char before it (`space_joins`), so
    /// no merge crosses its ends. Only the bytes that may start a
    /// user-defined piece or a U+2581 (`stops`) are looked at.
    fn each_normalised_token(
        &self,
        text: &str,
        scratch: &mut Scratch,
        emit: &mut impl FnMut(u32) -> bool,
    ) -> bool {
        let bytes = text.as_bytes();
        let word_at = |from: usize, to: usize| bytes.get(from..to).unwrap_or_default();
        let (mut word, mut at) = (0, 0);
        while let Some(found) = bytes
            .get(at..)
            .and_then(|b| b.iter().position(|&x| self.users.is_stop(x)))
        {
            at += found;
            if let Some((id, len)) = self.users.at(bytes.get(at..).unwrap_or_default()) {
                let before = word_at(word, at);
                if (!before.is_empty() && !self.encode_word(before, scratch, emit)) || !emit(id) {
                    return false;
                }
                at += len;
                word = at;
                continue;
            }
            if at > word && bytes.get(at..at + SPACE_BYTES.len()) == Some(SPACE_BYTES) {
                let before = text.get(..at).and_then(|t| t.chars().next_back());
                if !before.is_some_and(|c| self.space_joins.contains(&c)) {
                    if !self.encode_word(word_at(word, at), scratch, emit) {
                        return false;
                    }
                    word = at;
                }
            }
            at += 1;
        }
        let last = word_at(word, bytes.len());
        last.is_empty() || self.encode_word(last, scratch, emit)
    }

    /// The bytes of `tokens`: a byte piece is its byte, every other piece
    /// its text with U+2581 as a space. `Err(i)` when `tokens[i]` is no id.
    pub fn decode_bytes(&self, tokens: &[u32]) -> Result<Vec<u8>, usize> {
        let mut out = Vec::with_capacity(tokens.len() * 4);
        for (i, &id) in tokens.iter().enumerate() {
            let Some((mut piece, kind)) = self.piece_with_kind(id) else {
                return Err(i);
            };
            if kind == PieceKind::Byte {
                out.extend_from_slice(piece);
                continue;
            }
            while let Some(at) = find(piece, SPACE_BYTES) {
                out.extend_from_slice(piece.get(..at).unwrap_or_default());
                out.push(b' ');
                piece = piece.get(at + SPACE_BYTES.len()..).unwrap_or_default();
            }
            out.extend_from_slice(piece);
        }
        Ok(out)
    }

    /// The tokens of `text` and where each starts in it, then `text.len()`:
    /// token `i` is `text[starts[i]..starts[i + 1]]`. A space is one byte of
    /// the text and three of its `▁`, so offsets are walked in the text, not
    /// summed from pieces. A char no piece covers is one byte-fallback token
    /// per UTF-8 byte, and each of them spans its own byte of the char (so
    /// a range may begin or end inside a char, as byte-level BPE's do).
    pub fn encode_with_offsets(
        &self,
        text: &str,
        allowed: &AllowedSpecial,
    ) -> (Vec<u32>, Vec<usize>) {
        let tokens = self.encode(text, allowed);
        let mut starts = Vec::with_capacity(tokens.len() + 1);
        let bytes = text.as_bytes();
        let mut at = 0usize;
        // Bytes of the last space's `▁` already spanned by an earlier token
        // (only if a `▁` were ever byte pieces, which Gemma 3's never is).
        let mut owed = 0usize;
        for &id in &tokens {
            starts.push(at);
            let (piece, kind) = self.piece_with_kind(id).unwrap_or_default();
            if kind == PieceKind::Control {
                at += piece.len(); // matched on the raw text
                continue;
            }
            let mut need = piece.len();
            let covered = need.min(owed);
            need -= covered;
            owed -= covered;
            while need > 0 {
                let step = if bytes.get(at) == Some(&b' ') {
                    SPACE_BYTES.len()
                } else {
                    1
                };
                at += 1;
                owed = step.saturating_sub(need);
                need = need.saturating_sub(step);
            }
        }
        starts.push(at);
        (tokens, starts)
    }

    /// Where a text read in parts can be cut for counting: the byte offset
    /// of the last boundary between two chars of `text[from..]` such that
    /// every text starting with `text` counts as `text[..cut]` plus the
    /// rest (`None` when there is none). Two kinds of boundary qualify:
    ///
    /// * before a space (or `▁`) whose preceding char is neither a space,
    ///   a `▁` nor one of `space_joins`: no user-defined piece crosses it
    ///   (those holding `▁` are runs of it, checked at load) and no merge
    ///   does, so both sides are encoded alone.
    /// * where a run of a `run_chars` char (`\n`, `\t`) starts or ends: such
    ///   runs are always user-defined pieces, which no other piece crosses.
    ///
    /// A text with neither (CJK prose, one long word) has no cut.
    pub fn last_cut(&self, text: &str, from: usize) -> Option<usize> {
        let is_space = |c: char| c == ' ' || c == SPACE;
        let mut cut = None;
        let mut prev: Option<char> = None;
        for (i, c) in text.get(from..)?.char_indices() {
            if let Some(p) = prev {
                let before_space = self.spaces_cut
                    && is_space(c)
                    && !is_space(p)
                    && !self.space_joins.contains(&p);
                let run_edge = self.run_chars.iter().any(|&r| (p == r) != (c == r));
                if before_space || run_edge {
                    cut = Some(from + i);
                }
            }
            prev = Some(c);
        }
        cut
    }
}

/// The first offset of `needle` in `haystack`.
#[inline]
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut from = 0;
    while let Some(i) = haystack.get(from..)?.iter().position(|&b| b == first) {
        let at = from + i;
        if haystack.get(at + 1..at + needle.len()) == Some(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

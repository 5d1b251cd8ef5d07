//! Byte-pair merging over a rank table, the second half of tiktoken.
//!
//! `table` reads the rank table, `index` finds long tokens by their bytes,
//! `merge` merges a piece, `cache` holds what is reused across pieces and
//! calls; this file has the lookups and the per-piece entry points.
//!
//! Performance notes, which explain the shape of this module:
//! * The rank table is a build-time blob of merge pairs (see build.rs); start-up
//!   rebuilds the token bytes with two copies per token and links each token
//!   of three bytes or more into one of a few thousand buckets by hash; a
//!   bucket's cells are filled the first time a lookup lands in it
//!   (index.rs). There is no `HashMap` of owned `Vec<u8>` keys.
//! * Most pieces are a single token: one hash probe answers them.
//! * Short pieces use tiktoken's own loop (rescan for the lowest rank after
//!   each merge), which is fastest when there are a handful of parts. Long
//!   pieces (runs of one character, base64, minified code, CJK without
//!   punctuation) queue their pairs in one bucket per rank and look pair
//!   ranks up by the two tokens' ranks first, so no input is quadratic and a
//!   megabyte of one character costs a few times a megabyte of prose. Both
//!   pick the lowest rank and, among equal ranks, the leftmost pair, so both
//!   give exactly tiktoken's tokens.

mod cache;
mod index;
mod merge;
mod symbols;
mod table;
#[cfg(test)]
mod tests;

pub use cache::Scratch;
use table::word_trigram;

pub type Rank = u32;

/// Pieces longer than this (in bytes) take the bucket path.
const LONG_PIECE: usize = 96;

/// A rank table: token bytes by rank, and a hash index from bytes to rank.
pub struct Ranks {
    bytes: Vec<u8>,
    /// `offsets[r]..offsets[r + 1]` are the bytes of rank `r`.
    offsets: Vec<u32>,
    /// Tokens of three bytes or more, by a hash index built lazily.
    index: index::Index,
    /// The token of each single byte (`Rank::MAX` where a byte is none).
    byte_ranks: Vec<Rank>,
    /// The token of each two-byte string, indexed by `first << 8 | second`
    /// (`Rank::MAX` where there is none). Most lookups while merging are of
    /// two bytes, and this 256 KiB table answers them without the cache
    /// misses of the hash index (a quarter of the time on random base64).
    pair_ranks: Vec<Rank>,
    /// One bit per three-byte string of [`WORD_BYTES`]: set where it is a
    /// token. Counting 1 MB of random base64 asks the hash index for
    /// 302,000 strings, 186,000 of them of three bytes, which the filter
    /// mostly turned away (153,000); this 32 KiB answers those made of
    /// `WORD_BYTES` without hashing or the filter's cache miss, and answers
    /// `is_token` outright.
    word_trigrams: Vec<u64>,
}

impl Ranks {
    #[inline]
    fn byte_rank(&self, byte: u8) -> Rank {
        self.byte_ranks
            .get(usize::from(byte))
            .copied()
            .unwrap_or(Rank::MAX)
    }

    /// Number of ordinary tokens.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The bytes of `rank`, or `None` if it is out of range. A hole in the
    /// ranks is `Some(&[])`; see [`Ranks::ordinary`].
    #[inline]
    fn token(&self, rank: Rank) -> Option<&[u8]> {
        let start = *self.offsets.get(rank as usize)? as usize;
        let end = *self.offsets.get(rank as usize + 1)? as usize;
        self.bytes.get(start..end)
    }

    /// The bytes of an ordinary token, `None` for any other id.
    #[inline]
    pub fn ordinary(&self, rank: Rank) -> Option<&[u8]> {
        self.token(rank).filter(|t| !t.is_empty())
    }

    /// The rank of exactly these bytes, if they are a token.
    #[inline]
    pub fn rank(&self, bytes: &[u8]) -> Option<Rank> {
        let short = match *bytes {
            [b] => Some(self.byte_rank(b)),
            [a, b] => Some(
                self.pair_ranks
                    .get(usize::from(a) << 8 | usize::from(b))
                    .copied()
                    .unwrap_or(Rank::MAX),
            ),
            _ => None,
        };
        if let Some(rank) = short {
            return (rank != Rank::MAX).then_some(rank);
        }
        let known = match *bytes {
            [a, b, c] => self.word_trigram_is_token(a, b, c),
            _ => None,
        };
        if known == Some(false) {
            return None;
        }
        self.indexed_rank(bytes)
    }

    /// Whether three [`WORD_BYTES`] are a token; `None` for other bytes.
    #[inline]
    fn word_trigram_is_token(&self, a: u8, b: u8, c: u8) -> Option<bool> {
        let bit = word_trigram(a, b, c)?;
        let word = self.word_trigrams.get(bit / 64)?;
        Some(word >> (bit % 64) & 1 != 0)
    }

    /// Whether `bytes` are a token, without finding its rank where a table
    /// can tell.
    #[inline]
    fn is_token(&self, bytes: &[u8]) -> bool {
        match *bytes {
            [a, b, c] => self
                .word_trigram_is_token(a, b, c)
                .unwrap_or_else(|| self.rank(bytes).is_some()),
            _ => self.rank(bytes).is_some(),
        }
    }

    /// Appends the tokens of one pre-tokenized piece to `out`.
    pub fn encode_piece(&self, piece: &[u8], scratch: &mut Scratch, out: &mut Vec<Rank>) {
        if let Some(rank) = self.rank(piece) {
            out.push(rank);
            return;
        }
        self.merge(piece, scratch);
        let bounds = &scratch.bounds;
        for pair in bounds.windows(2) {
            if let [start, end] = *pair {
                if let Some(rank) = piece
                    .get(start as usize..end as usize)
                    .and_then(|t| self.rank(t))
                {
                    out.push(rank);
                }
            }
        }
    }

    /// Number of tokens of one piece, without materialising them.
    #[inline]
    pub fn count_piece(&self, piece: &[u8], scratch: &mut Scratch) -> usize {
        if piece.len() == 1 || self.is_token(piece) {
            return 1;
        }
        // Two or three bytes that are not one token: one merge at most (a
        // second would make the whole piece), so the count is known without
        // the cache or a merge. Random text (base64, identifiers) is mostly
        // such pieces, and none of them repeat.
        match *piece {
            [_, _] => return 2,
            [a, b, c] => {
                let pair = |x, y| self.rank(&[x, y]).is_some();
                return if pair(a, b) || pair(b, c) { 2 } else { 3 };
            }
            // Four bytes: after the lowest pair merges, one more merge makes
            // two tokens (a third would make the whole piece), so the count
            // only asks whether any second merge exists.
            [a, b, c, d] => {
                let pair = |x, y| self.rank(&[x, y]).unwrap_or(Rank::MAX);
                let (ab, bc, cd) = (pair(a, b), pair(b, c), pair(c, d));
                let second = if ab.min(bc).min(cd) == Rank::MAX {
                    return 4;
                } else if ab <= bc && ab <= cd {
                    cd != Rank::MAX || self.is_token(&[a, b, c])
                } else if bc <= cd {
                    self.is_token(&[a, b, c]) || self.is_token(&[b, c, d])
                } else {
                    ab != Rank::MAX || self.is_token(&[b, c, d])
                };
                return if second { 2 } else { 3 };
            }
            _ => {}
        }
        self.count_uncommon(piece, scratch)
    }
}

//! Reading a rank table built by build.rs, and the small tables that answer
//! "which rank are these bytes?" for one to three bytes.

use super::index::{spread_hash, Links};
use super::symbols::{BYTE, HOLE, LITERAL, REF};
use super::{Rank, Ranks};

/// The bytes [`Ranks::word_trigrams`] covers, 64 of them so that three fit
/// in 18 bits: ASCII letters and digits (identifiers, base64, hashes),
/// space and underscore.
pub(super) const WORD_BYTES: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 _";

/// Each byte's six-bit code in [`WORD_BYTES`], or 64 where it is not one.
// Evaluated at compile time: an index out of range fails the build.
#[allow(clippy::indexing_slicing)]
const WORD_CODE: [u8; 256] = {
    let mut code = [64u8; 256];
    let mut i = 0;
    while i < WORD_BYTES.len() {
        code[WORD_BYTES[i] as usize] = i as u8;
        i += 1;
    }
    code
};

/// The bit of `a b c` in [`Ranks::word_trigrams`], if all three are
/// [`WORD_BYTES`].
#[inline]
pub(super) fn word_trigram(a: u8, b: u8, c: u8) -> Option<usize> {
    let code = |x: u8| WORD_CODE.get(usize::from(x)).copied().filter(|&c| c < 64);
    Some(usize::from(code(a)?) << 12 | usize::from(code(b)?) << 6 | usize::from(code(c)?))
}

/// Hashes whole 8-byte words, then the tail in one more word. Every load has
/// a constant width: a `copy_from_slice` of the tail compiled to a call in
/// the wasm build, 4-10% of all counting time and a fifth of the start-up
/// index. The tail word reads overlapping windows (first and last four
/// bytes, or first, middle and last byte), which still covers every byte.
#[inline]
pub(super) fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mix = |h: u64, w: u64| (h.rotate_left(23) ^ w).wrapping_mul(K);
    let mut h = bytes.len() as u64;
    let mut rest = bytes;
    while let Some((word, tail)) = rest.split_first_chunk::<8>() {
        h = mix(h, u64::from_le_bytes(*word));
        rest = tail;
    }
    if let (Some(first), Some(last)) = (rest.first_chunk::<4>(), rest.last_chunk::<4>()) {
        let (lo, hi) = (u32::from_le_bytes(*first), u32::from_le_bytes(*last));
        h = mix(h, u64::from(lo) | u64::from(hi) << 32);
    } else if let (Some(&a), Some(&b), Some(&c)) =
        (rest.first(), rest.get(rest.len() / 2), rest.last())
    {
        h = mix(h, u64::from(a) | u64::from(b) << 8 | u64::from(c) << 16);
    }
    h
}

/// `a == b` without a `memcmp` call for up to 16 bytes: two overlapping
/// fixed-width loads from each side cover every byte. Lookups compare a few
/// bytes at a time, and the call was 4-7% of counting time in the wasm build.
#[inline]
pub(super) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    pub(super) fn ends<const N: usize>(s: &[u8]) -> Option<(&[u8; N], &[u8; N])> {
        Some((s.first_chunk::<N>()?, s.last_chunk::<N>()?))
    }
    if a.len() != b.len() {
        return false;
    }
    match a.len() {
        8..=16 => ends::<8>(a) == ends::<8>(b),
        4..=7 => ends::<4>(a) == ends::<4>(b),
        2..=3 => ends::<2>(a) == ends::<2>(b),
        _ => a == b,
    }
}

/// What each symbol codes (build.rs `value_code`): the value without its
/// extra bits, and their number. Below 32 a symbol is its value; above, it
/// keeps the value's five leading bits and its length. A table lookup
/// instead of the arithmetic: the symbols are decoded once per token at
/// start-up, in V8's baseline compiler.
// Evaluated at compile time: an index out of range fails the build.
#[allow(clippy::indexing_slicing)]
const CODES: [(u32, u32); 256] = {
    let mut codes = [(0, 0); 256];
    let mut symbol = 0;
    while symbol < 256 {
        codes[symbol] = if symbol < 32 {
            (symbol as u32, 0)
        } else {
            let n = symbol as u32 / 16 - 1;
            ((16 + symbol as u32 % 16) << n, n)
        };
        symbol += 1;
    }
    codes
};

/// The extra bits of a rank table (build.rs `BitWriter`), least
/// significant first.
struct Bits<'a> {
    bytes: &'a [u8],
    acc: u64,
    len: u32,
}

impl<'a> Bits<'a> {
    fn new(bytes: &'a [u8]) -> Bits<'a> {
        Bits {
            bytes,
            acc: 0,
            len: 0,
        }
    }

    /// Loads 32 bits or more where fewer are held: enough for a token's two
    /// values (at most 14 extra bits each), with one branch per token.
    #[inline]
    fn refill(&mut self) {
        if self.len >= 32 {
            return;
        }
        if let Some((word, rest)) = self.bytes.split_first_chunk::<4>() {
            self.acc |= u64::from(u32::from_le_bytes(*word)) << self.len;
            self.len += 32;
            self.bytes = rest;
        } else {
            while let (true, Some((&byte, rest))) = (self.len <= 56, self.bytes.split_first()) {
                self.acc |= u64::from(byte) << self.len;
                self.len += 8;
                self.bytes = rest;
            }
        }
    }

    /// The value that `symbol` and its extra bits code; `None` past the end.
    #[inline]
    fn value(&mut self, symbol: u8) -> Option<u32> {
        let (base, n) = *CODES.get(usize::from(symbol))?;
        if self.len < n {
            return None;
        }
        let low = self.acc as u32 & ((1 << n) - 1);
        self.acc >>= n;
        self.len -= n;
        Some(base | low)
    }

    /// Whether every byte was read and only zero padding is left.
    fn is_spent(&self) -> bool {
        self.bytes.is_empty() && self.acc == 0
    }
}

/// The sections of a rank table, as build/ranks.rs `write_ranks` lays them
/// out: `[u32 count][u8 base][u32 bytes][count left symbols][count right
/// symbols][u32 n][n literal bytes][extra bits]`.
struct Sections {
    count: usize,
    /// Whether the tokens refer to a base table's (`REF`).
    has_base: bool,
    /// The length of all tokens together.
    total: usize,
    lefts: &'static [u8],
    rights: &'static [u8],
    literal: &'static [u8],
    bits: Bits<'static>,
}

impl Sections {
    fn read(blob: &'static [u8]) -> Option<Sections> {
        let u32_at = |at: usize| Some(u32::from_le_bytes(*blob.get(at..)?.first_chunk::<4>()?));
        let count = u32_at(0)? as usize;
        let has_base = *blob.get(4)? == 1;
        let total = u32_at(5)? as usize;
        let lefts = blob.get(9..9 + count)?;
        let rights = blob.get(9 + count..9 + 2 * count)?;
        let literal_at = 9 + 2 * count + 4;
        let literal_len = u32_at(literal_at - 4)?;
        let (literal, bit_stream) = blob
            .get(literal_at..)?
            .split_at_checked(literal_len as usize)?;
        Some(Sections {
            count,
            has_base,
            total,
            lefts,
            rights,
            literal,
            bits: Bits::new(bit_stream),
        })
    }
}

/// `bytes` runs `SLACK` bytes past the last token, so that a part of up to
/// 16 bytes is copied as one fixed-width load and store: a `memmove` call
/// per part was a third of the rebuild.
const SLACK: usize = 16;

/// Where token `rank`'s bytes are, and their number; `None` unless it comes
/// before the token being rebuilt (the last of `offsets`).
#[inline]
fn span(offsets: &[u32], rank: u32) -> Option<(usize, usize)> {
    match *offsets.get(rank as usize..rank as usize + 2)? {
        [start, end] => Some((start as usize, end.checked_sub(start)? as usize)),
        _ => None,
    }
}

/// Copies the part at `from` (`n` bytes) to `to`. Up to 16 bytes it reads
/// past the part into bytes already written or zeroed; what lands past
/// `to + n` is overwritten by the next part or token.
#[inline]
fn copy_part(bytes: &mut [u8], (from, n): (usize, usize), to: usize) -> Option<()> {
    if n <= SLACK {
        let word = *bytes.get(from..)?.first_chunk::<SLACK>()?;
        *bytes.get_mut(to..)?.first_chunk_mut::<SLACK>()? = word;
    } else {
        bytes.get(from..from + n)?;
        bytes.get(to..to + n)?;
        bytes.copy_within(from..from + n, to);
    }
    Some(())
}

/// The tables filled while the tokens are rebuilt: those of one to three
/// bytes, and the index of longer ones (index.rs), whose buckets it links.
struct Short {
    byte_ranks: Vec<Rank>,
    pair_ranks: Vec<Rank>,
    word_trigrams: Vec<u64>,
    links: Links,
}

impl Short {
    fn new(count: usize) -> Short {
        Short {
            byte_ranks: vec![Rank::MAX; 1 << 8],
            pair_ranks: vec![Rank::MAX; 1 << 16],
            word_trigrams: vec![0; (1 << 18) / 64],
            links: Links::new(count),
        }
    }

    /// Files the next token (ranks in order).
    #[inline]
    fn add(&mut self, rank: Rank, token: &[u8]) -> Option<()> {
        // The lowest rank wins, as in the hash index.
        let cell = match *token {
            [] => None, // a hole in the ranks
            [b] => self.byte_ranks.get_mut(usize::from(b)),
            [a, b] => self
                .pair_ranks
                .get_mut(usize::from(a) << 8 | usize::from(b)),
            _ => {
                if let [a, b, c] = *token {
                    if let Some(bit) = word_trigram(a, b, c) {
                        *self.word_trigrams.get_mut(bit / 64)? |= 1 << (bit % 64);
                    }
                }
                return self.links.push(Some(spread_hash(token)));
            }
        };
        if let Some(cell) = cell {
            *cell = (*cell).min(rank);
        }
        self.links.push(None)
    }

    fn finish(self, bytes: Vec<u8>, offsets: Vec<u32>) -> Option<Ranks> {
        Some(Ranks {
            bytes,
            offsets,
            index: self.links.into_index()?,
            byte_ranks: self.byte_ranks,
            pair_ranks: self.pair_ranks,
            word_trigrams: self.word_trigrams,
        })
    }
}

impl Ranks {
    /// Reads a rank table written by build.rs: token `r` is a single byte,
    /// a hole (a rank that is a special token), a literal, or the
    /// concatenation of two lower ranks. Returns `None` if it is malformed,
    /// which only a broken build can cause.
    /// A table whose header names a base table refers to tokens of `base`
    /// (cl100k to o200k), which is then loaded first.
    ///
    /// This is the whole start-up (every token, once, in V8's baseline
    /// compiler): a pair takes one straight path, with one refill of the
    /// bit stream, two fixed-width copies and no allocation.
    pub fn from_blob(
        blob: &'static [u8],
        base: impl FnOnce() -> Option<&'static Ranks>,
    ) -> Option<Ranks> {
        let Sections {
            count,
            has_base,
            total,
            lefts,
            rights,
            mut literal,
            mut bits,
        } = Sections::read(blob)?;
        let base = if has_base { Some(base()?) } else { None };
        let mut bytes: Vec<u8> = vec![0; total + SLACK];
        let mut end = 0usize;
        let mut offsets: Vec<u32> = Vec::with_capacity(count + 1);
        offsets.push(0);
        let mut short = Short::new(count);
        for (rank, (&left, &right)) in (0..).zip(lefts.iter().zip(rights)) {
            bits.refill();
            let n = if left < REF {
                let left = span(&offsets, bits.value(left)?)?;
                let right = span(&offsets, bits.value(right)?)?;
                copy_part(&mut bytes, left, end)?;
                copy_part(&mut bytes, right, end + left.1)?;
                left.1 + right.1
            } else {
                let value = bits.value(right)?;
                let token: &[u8] = match left {
                    BYTE => &[u8::try_from(value).ok()?],
                    LITERAL => {
                        let (token, rest) = literal.split_at_checked(value as usize)?;
                        literal = rest;
                        token
                    }
                    REF => base?.ordinary(value)?,
                    HOLE => &[],
                    _ => return None,
                };
                bytes
                    .get_mut(end..end + token.len())?
                    .copy_from_slice(token);
                token.len()
            };
            short.add(rank, bytes.get(end..end + n)?)?;
            end += n;
            offsets.push(u32::try_from(end).ok()?);
        }
        if !bits.is_spent() || end != total {
            return None;
        }
        bytes.truncate(end);
        short.finish(bytes, offsets)
    }

    /// Indexes token bytes (`offsets[r]..offsets[r + 1]` for rank `r`; an
    /// empty token is a hole), as [`Ranks::from_blob`] does while it
    /// rebuilds them.
    #[cfg(test)]
    pub(super) fn index(bytes: Vec<u8>, offsets: Vec<u32>) -> Option<Ranks> {
        let mut short = Short::new(offsets.len().checked_sub(1)?);
        for (rank, span) in (0..).zip(offsets.windows(2)) {
            match *span {
                [start, end] => short.add(rank, bytes.get(start as usize..end as usize)?)?,
                _ => return None,
            }
        }
        short.finish(bytes, offsets)
    }
}

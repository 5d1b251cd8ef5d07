//! Reading a rank table built by build.rs, and the hash index and small
//! tables that answer "which rank are these bytes?".

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

/// The extra bits of a rank table (build.rs `BitWriter`), least
/// significant first.
struct Bits<'a> {
    bytes: std::slice::Iter<'a, u8>,
    acc: u64,
    len: u32,
}

impl<'a> Bits<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Bits<'a> {
        Bits {
            bytes: bytes.iter(),
            acc: 0,
            len: 0,
        }
    }

    /// The value that a symbol and its extra bits code (build.rs
    /// `value_code`): below 32 the symbol itself, above it the five leading
    /// bits and the length, and the length's low bits from the stream.
    #[inline]
    pub(super) fn value(&mut self, symbol: u8) -> Option<u32> {
        let symbol = u32::from(symbol);
        if symbol < 32 {
            return Some(symbol);
        }
        let n = symbol / 16 - 1;
        while self.len < n {
            self.acc |= u64::from(*self.bytes.next()?) << self.len;
            self.len += 8;
        }
        let low = self.acc as u32 & ((1 << n) - 1);
        self.acc >>= n;
        self.len -= n;
        Some((16 + symbol % 16) << n | low)
    }

    /// Whether every byte was read and only padding is left.
    pub(super) fn is_spent(&self) -> bool {
        self.bytes.len() == 0 && self.len < 8 && self.acc == 0
    }
}

/// The sections of a rank table, as build/ranks.rs `write_ranks` lays them
/// out: `[u32 count][u8 base][count left symbols][count right symbols]
/// [u32 n][n literal bytes][extra bits]`.
struct Sections {
    count: usize,
    /// Whether the tokens refer to a base table's (`REF`).
    has_base: bool,
    lefts: &'static [u8],
    rights: &'static [u8],
    literal: &'static [u8],
    bits: Bits<'static>,
}

impl Sections {
    fn read(blob: &'static [u8]) -> Option<Sections> {
        let count = u32::from_le_bytes(blob.get(..4)?.try_into().ok()?) as usize;
        let has_base = *blob.get(4)? == 1;
        let lefts = blob.get(5..5 + count)?;
        let rights = blob.get(5 + count..5 + 2 * count)?;
        let literal_at = 5 + 2 * count + 4;
        let literal_len = u32::from_le_bytes(*blob.get(literal_at - 4..)?.first_chunk::<4>()?);
        let (literal, bit_stream) = blob
            .get(literal_at..)?
            .split_at_checked(literal_len as usize)?;
        Some(Sections {
            count,
            has_base,
            lefts,
            rights,
            literal,
            bits: Bits::new(bit_stream),
        })
    }
}

/// `bytes` runs `SLACK` bytes or more past `end`, so that a part of up to 16
/// bytes is copied as one fixed-width load and store: a `memmove` call per
/// part was a third of the rebuild.
const SLACK: usize = 16;

fn room(bytes: &mut Vec<u8>, end: usize) {
    if bytes.len() < end + SLACK {
        bytes.resize((end + SLACK) * 2, 0);
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
    /// The loop is the start-up's inner loop (every token, once), kept whole
    /// on purpose: its comments say why each step is shaped as it is.
    pub fn from_blob(
        blob: &'static [u8],
        base: impl FnOnce() -> Option<&'static Ranks>,
    ) -> Option<Ranks> {
        let Sections {
            count,
            has_base,
            lefts,
            rights,
            mut literal,
            mut bits,
        } = Sections::read(blob)?;
        let base = if has_base { Some(base()?) } else { None };
        let mut bytes: Vec<u8> = vec![0; count * 7 + SLACK];
        let mut end = 0usize;
        let mut offsets: Vec<u32> = Vec::with_capacity(count + 1);
        offsets.push(0);
        // Iterators over the symbols, not indexing: the loop runs in V8's
        // baseline compiler (it runs once), where every bounds check costs.
        // A pair, nearly every token, takes the straight path: each part's
        // span read once, and `offsets.get(part + 1)` is also the check that
        // the part comes before this token.
        for (&left, &right) in lefts.iter().zip(rights) {
            let token_len = if left < REF {
                let (left, right) = (bits.value(left)?, bits.value(right)?);
                let span = |r: u32| {
                    let start = *offsets.get(r as usize)? as usize;
                    Some((
                        start,
                        (*offsets.get(r as usize + 1)? as usize).checked_sub(start)?,
                    ))
                };
                let (parts, n) = match (span(left), span(right)) {
                    (Some(l), Some(r)) => ([l, r], l.1 + r.1),
                    _ => return None,
                };
                room(&mut bytes, end + n);
                let mut at = end;
                for (start, n) in parts {
                    if n <= SLACK {
                        // Reads past the part into bytes already written or
                        // zeroed; what lands past `at + n` is overwritten by
                        // the next part or token.
                        let word = *bytes.get(start..)?.first_chunk::<SLACK>()?;
                        *bytes.get_mut(at..)?.first_chunk_mut::<SLACK>()? = word;
                    } else {
                        bytes.copy_within(start..start + n, at);
                    }
                    at += n;
                }
                n
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
                room(&mut bytes, end + token.len());
                bytes
                    .get_mut(end..end + token.len())?
                    .copy_from_slice(token);
                token.len()
            };
            end += token_len;
            offsets.push(u32::try_from(end).ok()?);
        }
        if !bits.is_spent() {
            return None;
        }
        bytes.truncate(end);
        Ranks::index(bytes, offsets)
    }

    /// Indexes token bytes (`offsets[r]..offsets[r + 1]` for rank `r`; an
    /// empty token is a hole) by an open-addressing hash table.
    pub(super) fn index(bytes: Vec<u8>, offsets: Vec<u32>) -> Option<Ranks> {
        let count = offsets.len().checked_sub(1)?;
        let long = offsets
            .windows(2)
            .filter(|w| matches!(*w, [a, b] if b - a > 2))
            .count();
        let bits = (long * 5 / 4 + 1)
            .next_power_of_two()
            .trailing_zeros()
            .max(4);
        // Eight filter bits per token, and the filter's bits come from just
        // below the slot's in the hash.
        let filter_bits = (long * 8).next_power_of_two().max(64).trailing_zeros();
        let filter_shift = (64 - bits).checked_sub(filter_bits)?;
        // Cells keep `rank + 1` below the tag.
        let rank_bits = u32::BITS - u32::try_from(count + 1).ok()?.leading_zeros();
        let mut ranks = Ranks {
            bytes,
            offsets,
            index: vec![0; 1 << bits],
            shift: 64 - bits,
            rank_mask: u32::MAX
                .checked_shr(u32::BITS - rank_bits)
                .unwrap_or(u32::MAX),
            filter: vec![0; 1 << (filter_bits - 6)],
            filter_shift,
            byte_ranks: vec![Rank::MAX; 1 << 8],
            pair_ranks: vec![Rank::MAX; 1 << 16],
            word_trigrams: vec![0; (1 << 18) / 64],
        };
        let mask = ranks.index.len() - 1;
        for rank in 0..count as u32 {
            let token = ranks.token(rank)?;
            let cell = match *token {
                [] => continue, // a hole in the ranks
                [b] => ranks.byte_ranks.get_mut(usize::from(b)),
                [a, b] => ranks
                    .pair_ranks
                    .get_mut(usize::from(a) << 8 | usize::from(b)),
                _ => {
                    let trigram = match *token {
                        [a, b, c] => word_trigram(a, b, c),
                        _ => None,
                    };
                    let (mut slot, tag, bit) = ranks.slot(token);
                    *ranks.filter.get_mut(bit / 64)? |= 1 << (bit % 64);
                    if let Some(bit) = trigram {
                        *ranks.word_trigrams.get_mut(bit / 64)? |= 1 << (bit % 64);
                    }
                    loop {
                        let cell = ranks.index.get_mut(slot)?;
                        if *cell == 0 {
                            *cell = tag | (rank + 1);
                            break;
                        }
                        slot = (slot + 1) & mask;
                    }
                    continue;
                }
            };
            // The lowest rank wins, as in the hash index.
            if let Some(cell) = cell {
                *cell = (*cell).min(rank);
            }
        }
        Some(ranks)
    }
}

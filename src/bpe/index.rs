//! The hash index from the bytes of a token (three bytes or more) to its
//! rank, built lazily, one bucket at a time.
//!
//! Why lazily: filling one open-addressing table of o200k's 200,000 tokens
//! at start-up (a random write per token into a megabyte) was half of the
//! first count, and that count ran in V8's baseline compiler. A first count
//! of a sentence lands in a few dozen of o200k's 4,096 buckets. So start-up
//! only links each token into its bucket's list, and a bucket's cells are
//! filled the first time a lookup lands in it.
//!
//! The cells of 16 buckets side by side make a chunk, allocated when a
//! lookup first lands in one of them: a lookup costs one cache miss, as a
//! single table did (boxing each bucket's cells made it two), and a first
//! count touches a few hundred KB instead of all 1.4 MB (o200k). A bucket
//! has a power of two of cells, at a load of at most 0.8, so a probe for a
//! missing token ends after a cell or two.

use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::sync::{Once, OnceLock};

use super::table::{hash, same_bytes};
use super::{Rank, Ranks};

/// Tokens per bucket, on average: a bucket is filled in about a
/// microsecond, and its cells fit a few cache lines.
const TOKENS_PER_BUCKET: usize = 48;

/// Buckets whose cells are allocated together.
const BUCKETS_PER_CHUNK: usize = 16;

/// The end of a bucket's list.
const END: u32 = u32::MAX;

/// Multiplied into [`hash`] so that the bucket, slot and tag bits below
/// each depend on every input bit.
const SPREAD: u64 = 0xD6E8_FEB8_6659_FD93;

/// The spread hash of `bytes`: its top bits pick the bucket, bits 32 and up
/// the first slot, the low 32 bits above `rank_mask` the tag.
#[inline]
pub(super) fn spread_hash(bytes: &[u8]) -> u64 {
    hash(bytes).wrapping_mul(SPREAD)
}

/// The buckets' lists, while the ranks are read in order.
pub(super) struct Links {
    /// The last rank linked into each bucket, [`END`] for none.
    heads: Vec<u32>,
    /// The rank linked before each rank into its bucket ([`END`] for the
    /// first, and for tokens in no bucket).
    next: Vec<u32>,
    sizes: Vec<u32>,
    bucket_shift: u32,
}

pub(super) struct Index {
    links: Links,
    /// Bucket `b`'s cells are `starts[b]..starts[b + 1]` of all cells, in
    /// chunk `b / BUCKETS_PER_CHUNK`. A cell holds `rank + 1` in its low
    /// bits (`rank_mask`) and a tag of the hash in the others; 0 is empty.
    /// The tag turns away almost every wrong cell without reading the
    /// token's bytes. Atomic only so that a bucket can be filled behind a
    /// shared reference (the loads are plain ones).
    chunks: Vec<OnceLock<Box<[AtomicU32]>>>,
    starts: Vec<u32>,
    filled: Vec<Once>,
    rank_mask: u32,
}

impl Links {
    /// Lists with room for `count` ranks, none linked yet.
    pub(super) fn new(count: usize) -> Links {
        let buckets = (count / TOKENS_PER_BUCKET)
            .next_power_of_two()
            .clamp(16, 1 << 16);
        Links {
            heads: vec![END; buckets],
            next: Vec::with_capacity(count),
            sizes: vec![0; buckets],
            bucket_shift: 64 - buckets.trailing_zeros(),
        }
    }

    /// Links the next rank (ranks in order) into the bucket of its spread
    /// hash, or into none.
    #[inline]
    pub(super) fn push(&mut self, spread: Option<u64>) -> Option<()> {
        let rank = u32::try_from(self.next.len()).ok()?;
        let next = match spread {
            Some(h) => {
                let b = (h >> self.bucket_shift) as usize;
                *self.sizes.get_mut(b)? += 1;
                std::mem::replace(self.heads.get_mut(b)?, rank)
            }
            None => END,
        };
        self.next.push(next);
        Some(())
    }

    /// Lays out the buckets' cells, all empty.
    pub(super) fn into_index(self) -> Option<Index> {
        let mut starts = Vec::with_capacity(self.sizes.len() + 1);
        let mut total = 0u32;
        starts.push(0);
        for &size in &self.sizes {
            total = total.checked_add((size + size / 4 + 1).next_power_of_two())?;
            starts.push(total);
        }
        // Cells keep `rank + 1` below the tag.
        let count = u32::try_from(self.next.len()).ok()?;
        let rank_bits = u32::BITS - (count + 1).leading_zeros();
        Some(Index {
            chunks: (0..self.sizes.len().div_ceil(BUCKETS_PER_CHUNK))
                .map(|_| OnceLock::new())
                .collect(),
            starts,
            filled: (0..self.sizes.len()).map(|_| Once::new()).collect(),
            rank_mask: u32::MAX.checked_shl(rank_bits).map_or(u32::MAX, |m| !m),
            links: self,
        })
    }
}

impl Index {
    /// The cells of the bucket that `h` falls in, and its number.
    #[inline]
    fn bucket(&self, h: u64) -> Option<(&[AtomicU32], usize)> {
        let b = (h >> self.links.bucket_shift) as usize;
        let chunk = b / BUCKETS_PER_CHUNK;
        let base = *self.starts.get(chunk * BUCKETS_PER_CHUNK)?;
        let (start, end) = (*self.starts.get(b)? - base, *self.starts.get(b + 1)? - base);
        let cells = self
            .chunks
            .get(chunk)?
            .get_or_init(|| self.new_chunk(chunk));
        Some((cells.get(start as usize..end as usize)?, b))
    }

    /// The empty cells of chunk `chunk`.
    #[cold]
    #[inline(never)]
    fn new_chunk(&self, chunk: usize) -> Box<[AtomicU32]> {
        let at = |b: usize| self.starts.get(b.min(self.starts.len() - 1)).copied();
        let len = match (
            at(chunk * BUCKETS_PER_CHUNK),
            at((chunk + 1) * BUCKETS_PER_CHUNK),
        ) {
            (Some(start), Some(end)) => end.saturating_sub(start),
            _ => 0,
        };
        (0..len).map(|_| AtomicU32::new(0)).collect()
    }
}

impl Ranks {
    /// The rank of `bytes` (three bytes or more) by the index.
    #[inline]
    pub(super) fn indexed_rank(&self, bytes: &[u8]) -> Option<Rank> {
        let index = &self.index;
        let h = spread_hash(bytes);
        let (cells, b) = index.bucket(h)?;
        let filled = index.filled.get(b)?;
        if !filled.is_completed() {
            filled.call_once(|| self.fill(cells, b));
        }
        let mask = cells.len() - 1;
        let tag = h as u32 & !index.rank_mask;
        let mut slot = (h >> 32) as usize & mask;
        loop {
            let cell = cells.get(slot)?.load(Relaxed);
            if cell == 0 {
                return None;
            }
            if cell & !index.rank_mask == tag {
                let rank = (cell & index.rank_mask) - 1;
                if self.token(rank).is_some_and(|t| same_bytes(t, bytes)) {
                    return Some(rank);
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Fills bucket `b`'s cells from its list.
    #[cold]
    #[inline(never)]
    fn fill(&self, cells: &[AtomicU32], b: usize) {
        let links = &self.index.links;
        let head = links.heads.get(b).copied();
        let ranks = std::iter::successors(head, |&r| links.next.get(r as usize).copied())
            .take_while(|&r| r != END);
        let mask = cells.len() - 1;
        for rank in ranks {
            let h = spread_hash(self.token(rank).unwrap_or_default());
            let mut slot = (h >> 32) as usize & mask;
            while let Some(cell) = cells.get(slot) {
                if cell.load(Relaxed) == 0 {
                    cell.store(h as u32 & !self.index.rank_mask | (rank + 1), Relaxed);
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
    }
}

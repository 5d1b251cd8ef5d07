//! The hash index from the bytes of a token (three bytes or more) to its
//! rank, built lazily, one bucket at a time.
//!
//! Why lazily: filling one open-addressing table of o200k's 200,000 tokens
//! at start-up (a random write per token into a megabyte) was half of the
//! first count, and that count ran in V8's baseline compiler. A first count
//! of a sentence lands in a few dozen of o200k's 4,096 buckets. So start-up
//! only sorts the ranks by bucket (a counting sort, two sequential passes),
//! and a bucket's small table is built the first time a lookup lands in it.

use std::sync::OnceLock;

use super::table::{hash, same_bytes};
use super::{Rank, Ranks};

/// Tokens per bucket, on average: a bucket's table is built in well under a
/// microsecond, and its cells fit a few cache lines.
const TOKENS_PER_BUCKET: usize = 48;

/// A token that is in no bucket (two bytes or fewer, or a hole).
const NO_BUCKET: u16 = u16::MAX;

/// Multiplied into [`hash`] so that the bucket, slot and tag bits below
/// each depend on every input bit.
const SPREAD: u64 = 0xD6E8_FEB8_6659_FD93;

pub(super) struct Index {
    /// The ranks of the indexed tokens, grouped by bucket.
    order: Vec<Rank>,
    /// Bucket `b` holds `order[starts[b]..starts[b + 1]]`.
    starts: Vec<u32>,
    /// Each bucket's open-addressing table (linear probing): a cell holds
    /// `rank + 1` in its low bits (`rank_mask`) and a tag of the hash in the
    /// others; 0 is empty. The tag turns away almost every wrong cell
    /// without reading the token's bytes.
    tables: Vec<OnceLock<Box<[u32]>>>,
    /// The bucket is the hash's top bits.
    bucket_shift: u32,
    rank_mask: u32,
}

/// The spread hash of `bytes`: its top bits pick the bucket, bits 32 and up
/// the first slot, the low 32 bits above `rank_mask` the tag.
#[inline]
pub(super) fn spread_hash(bytes: &[u8]) -> u64 {
    hash(bytes).wrapping_mul(SPREAD)
}

/// Where each token goes, gathered by the start-up pass over the ranks.
pub(super) struct Buckets {
    bucket_shift: u32,
    /// The bucket of each rank, [`NO_BUCKET`] for the unindexed.
    of: Vec<u16>,
    /// Tokens per bucket.
    sizes: Vec<u32>,
}

impl Buckets {
    /// Room for a table of `count` ranks.
    pub(super) fn new(count: usize) -> Buckets {
        let buckets = (count / TOKENS_PER_BUCKET)
            .next_power_of_two()
            .clamp(16, 1 << 15);
        Buckets {
            bucket_shift: 64 - buckets.trailing_zeros(),
            of: Vec::with_capacity(count),
            sizes: vec![0; buckets],
        }
    }

    /// Records the next rank, `Some(hash)` if it is to be indexed.
    #[inline]
    pub(super) fn push(&mut self, spread: Option<u64>) -> Option<()> {
        let bucket = match spread {
            Some(h) => {
                let b = (h >> self.bucket_shift) as usize;
                *self.sizes.get_mut(b)? += 1;
                b as u16
            }
            None => NO_BUCKET,
        };
        self.of.push(bucket);
        Some(())
    }

    /// Sorts the ranks by bucket (a counting sort); no table is built yet.
    pub(super) fn into_index(self) -> Option<Index> {
        let count = u32::try_from(self.of.len()).ok()?;
        let mut starts = Vec::with_capacity(self.sizes.len() + 1);
        let mut total = 0u32;
        starts.push(0);
        for size in &self.sizes {
            total += size;
            starts.push(total);
        }
        let mut next = starts.clone();
        let mut order = vec![0; total as usize];
        for (rank, &bucket) in (0..count).zip(&self.of) {
            if bucket != NO_BUCKET {
                let at = next.get_mut(usize::from(bucket))?;
                *order.get_mut(*at as usize)? = rank;
                *at += 1;
            }
        }
        // Cells keep `rank + 1` below the tag.
        let rank_bits = u32::BITS - (count + 1).leading_zeros();
        Some(Index {
            order,
            starts,
            tables: (0..self.sizes.len()).map(|_| OnceLock::new()).collect(),
            bucket_shift: self.bucket_shift,
            rank_mask: u32::MAX
                .checked_shr(u32::BITS - rank_bits)
                .unwrap_or(u32::MAX),
        })
    }
}

impl Ranks {
    /// The rank of `bytes` (three bytes or more) by the index.
    #[inline]
    pub(super) fn indexed_rank(&self, bytes: &[u8]) -> Option<Rank> {
        let index = &self.index;
        let h = spread_hash(bytes);
        let table = index
            .tables
            .get((h >> index.bucket_shift) as usize)?
            .get_or_init(|| self.bucket_table(h));
        let mask = table.len() - 1;
        let tag = h as u32 & !index.rank_mask;
        let mut slot = (h >> 32) as usize & mask;
        loop {
            let cell = *table.get(slot)?;
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

    /// Builds the table of the bucket that `h` falls in. A table has a
    /// power of two of cells, at a load of at most 0.8, so a probe for a
    /// missing token ends after a cell or two.
    #[cold]
    #[inline(never)]
    fn bucket_table(&self, h: u64) -> Box<[u32]> {
        let index = &self.index;
        let b = (h >> index.bucket_shift) as usize;
        let ranks = match (index.starts.get(b), index.starts.get(b + 1)) {
            (Some(&start), Some(&end)) => index.order.get(start as usize..end as usize),
            _ => None,
        }
        .unwrap_or_default();
        let cells = (ranks.len() * 5 / 4 + 1).next_power_of_two();
        let mut table = vec![0u32; cells].into_boxed_slice();
        let mask = cells - 1;
        for &rank in ranks {
            let h = spread_hash(self.token(rank).unwrap_or_default());
            let mut slot = (h >> 32) as usize & mask;
            while let Some(cell) = table.get_mut(slot) {
                if *cell == 0 {
                    *cell = h as u32 & !index.rank_mask | (rank + 1);
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
        table
    }
}

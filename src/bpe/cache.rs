//! Memory reused across pieces and across calls: the scratch buffers of one
//! count, and a memo of the counts of recently merged pieces.

use super::merge::RankQueue;
use super::table::{hash, same_bytes};
use super::{Rank, Ranks};

/// Pieces up to this length (bytes) have their counts cached.
const CACHED_PIECE_MAX: usize = 256;

/// Recently merged pieces and their counts, per thread, for one rank table at
/// a time (`owner`). Text repeats its words, and a merge costs far more than
/// a probe; sets of two ways keep the cost of a miss at two compares.
/// Keys are compared whole, so a hit is always exact.
#[derive(Default)]
struct PieceCounts {
    owner: usize,
    slots: Vec<(Vec<u8>, u32)>,
}

thread_local! {
    static PIECE_COUNTS: std::cell::RefCell<PieceCounts> = std::cell::RefCell::new(PieceCounts::default());
}

/// Buffers reused across pieces, so that counting allocates once per call.
#[derive(Default)]
pub struct Scratch {
    pub(super) parts: Vec<(u32, Rank)>,
    pub(super) bounds: Vec<u32>,
    pub(super) next: Vec<u32>,
    pub(super) prev: Vec<u32>,
    pub(super) tok: Vec<Rank>,
    pub(super) pair: Vec<Rank>,
    pub(super) queue: RankQueue,
    pub(super) pair_cache: Vec<(u64, Rank)>,
}

impl Ranks {
    /// The count of a piece the quick cases of `count_piece` did not settle:
    /// merged, through the memo when it is short enough to be kept.
    pub(super) fn count_uncommon(&self, piece: &[u8], scratch: &mut Scratch) -> usize {
        if piece.len() > CACHED_PIECE_MAX {
            self.merge(piece, scratch);
            return scratch.bounds.len() - 1;
        }
        let owner = self as *const Ranks as usize;
        // Two ways per set, the more recent first: with one, pieces that
        // share a slot evicted each other on every copy of a repeated text
        // (17% of the multi-token pieces of the benchmark's multilingual group).
        let set = (hash(piece) >> 53) as usize * 2; // 11 bits: 2,048 sets
        PIECE_COUNTS.with(|cache| {
            let mut cache = cache.borrow_mut();
            if cache.owner != owner {
                cache.owner = owner;
                cache.slots.iter_mut().for_each(|s| s.0.clear());
            }
            if cache.slots.is_empty() {
                cache.slots.resize_with(1 << 12, || (Vec::new(), 0));
            }
            let Some(ways) = cache.slots.get_mut(set..set + 2) else {
                self.merge(piece, scratch);
                return scratch.bounds.len() - 1;
            };
            for way in 0..2 {
                if let Some(&(ref key, count)) = ways.get(way) {
                    if same_bytes(key, piece) {
                        ways.swap(0, way);
                        return count as usize;
                    }
                }
            }
            self.merge(piece, scratch);
            let count = scratch.bounds.len() - 1;
            // The older way's buffer takes the new piece, in front.
            ways.swap(0, 1);
            if let Some((key, slot_count)) = ways.first_mut() {
                key.clear();
                key.extend_from_slice(piece);
                *slot_count = count as u32;
            }
            count
        })
    }
}

//! Memory reused across pieces and across calls: the scratch buffers of one
//! count, and a memo of the counts of recently merged pieces.

use super::merge::RankQueue;
use super::table::{hash, same_bytes};
use super::{Rank, Ranks};

/// Pieces up to this length (bytes) have their counts cached.
const CACHED_PIECE_MAX: usize = 256;

/// Slots of the memo when it is first used (two ways per set), and the most
/// it grows to. It starts small so that counting short strings touches
/// 128 KiB at most; a text with more distinct pieces than it holds (a
/// 300 KB document has 10,000 or so) doubles it, up to 32,768 pieces, about
/// 1 MiB of slots and a megabyte of keys, so that counting the document
/// again (a conversation counted every turn, a page every request) finds
/// its pieces. At 4,096 slots, counting bench/corpus/'s 300 KB groups a
/// second time missed as often as the first time (issue 26).
const MEMO_SLOTS_MIN: usize = 1 << 12;
const MEMO_SLOTS_MAX: usize = 1 << 15;

/// Recently merged pieces and their counts, per thread, for one rank table at
/// a time (`owner`). Text repeats its words, and a merge costs far more than
/// a probe; sets of two ways keep the cost of a miss at two compares.
/// Keys are compared whole, so a hit is always exact.
#[derive(Default)]
struct PieceCounts {
    owner: usize,
    slots: Vec<(Vec<u8>, u32)>,
    /// Pieces stored since the memo last grew: once they outnumber its
    /// slots, it holds less than the text in hand repeats.
    stored: usize,
}

impl PieceCounts {
    /// The first slot of the set of a piece of hash `h`.
    #[inline]
    fn set_of(&self, h: u64) -> usize {
        let sets = self.slots.len() / 2; // a power of two
        (h >> (64 - sets.trailing_zeros())) as usize * 2
    }

    /// Doubles the slots, keeping every stored piece (the newer way first).
    #[cold]
    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        self.slots.resize_with(old.len() * 2, || (Vec::new(), 0));
        self.stored = 0;
        for (key, count) in old.into_iter().rev() {
            if key.is_empty() {
                continue;
            }
            let set = self.set_of(hash(&key));
            if let Some(ways) = self.slots.get_mut(set..set + 2) {
                ways.swap(0, 1);
                if let Some(first) = ways.first_mut() {
                    *first = (key, count);
                }
            }
        }
    }
}

/// The memo's slots on this thread, for the tests.
#[cfg(test)]
pub(super) fn memo_slots() -> usize {
    PIECE_COUNTS.with(|cache| cache.borrow().slots.len())
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
        let h = hash(piece);
        PIECE_COUNTS.with(|cache| {
            let mut cache = cache.borrow_mut();
            if cache.owner != owner {
                cache.owner = owner;
                cache.slots.iter_mut().for_each(|s| s.0.clear());
                cache.stored = 0;
            }
            if cache.slots.is_empty() {
                cache.slots.resize_with(MEMO_SLOTS_MIN, || (Vec::new(), 0));
            }
            // Two ways per set, the more recent first: with one, pieces that
            // share a slot evicted each other on every copy of a repeated text
            // (17% of the multi-token pieces of the benchmark's multilingual group).
            let set = cache.set_of(h);
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
            cache.stored += 1;
            if cache.stored > cache.slots.len() && cache.slots.len() < MEMO_SLOTS_MAX {
                cache.grow();
            }
            count
        })
    }
}

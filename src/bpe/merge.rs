//! Merging a piece into tokens: tiktoken's loop for short pieces, and
//! buckets of pairs by rank for long ones, so that no input is quadratic.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use super::cache::Scratch;
use super::{Rank, Ranks, LONG_PIECE};

impl Ranks {
    /// Merges `piece` into tokens; leaves their boundaries in `scratch.bounds`
    /// (`n + 1` offsets for `n` tokens).
    pub(super) fn merge(&self, piece: &[u8], scratch: &mut Scratch) {
        if piece.len() <= LONG_PIECE {
            self.merge_scan(piece, scratch);
        } else {
            self.merge_buckets(piece, scratch);
        }
    }

    #[inline]
    pub(super) fn pair_rank(&self, piece: &[u8], start: u32, end: u32) -> Rank {
        piece
            .get(start as usize..end as usize)
            .and_then(|t| self.rank(t))
            .unwrap_or(Rank::MAX)
    }

    /// tiktoken's loop: `parts[i]` is (start of part i, rank of part i merged
    /// with part i + 1).
    pub(super) fn merge_scan(&self, piece: &[u8], scratch: &mut Scratch) {
        let parts = &mut scratch.parts;
        parts.clear();
        let n = piece.len() as u32;
        for i in 0..n {
            let rank = if i + 2 <= n {
                self.pair_rank(piece, i, i + 2)
            } else {
                Rank::MAX
            };
            parts.push((i, rank));
        }
        parts.push((n, Rank::MAX));
        loop {
            let mut best = (Rank::MAX, usize::MAX);
            for (i, &(_, rank)) in parts.iter().enumerate() {
                if rank < best.0 {
                    best = (rank, i);
                }
            }
            if best.0 == Rank::MAX {
                break;
            }
            let i = best.1;
            parts.remove(i + 1);
            // The merged part i now ends where part i + 1 used to.
            let start_of = |parts: &Vec<(u32, Rank)>, j: usize| parts.get(j).map(|p| p.0);
            if let (Some(s), Some(e)) = (start_of(parts, i), start_of(parts, i + 2)) {
                let rank = self.pair_rank(piece, s, e);
                if let Some(p) = parts.get_mut(i) {
                    p.1 = rank;
                }
            } else if let Some(p) = parts.get_mut(i) {
                p.1 = Rank::MAX;
            }
            if i > 0 {
                if let (Some(s), Some(e)) = (start_of(parts, i - 1), start_of(parts, i + 1)) {
                    let rank = self.pair_rank(piece, s, e);
                    if let Some(p) = parts.get_mut(i - 1) {
                        p.1 = rank;
                    }
                }
            }
        }
        scratch.bounds.clear();
        scratch.bounds.extend(parts.iter().map(|p| p.0));
    }

    /// The rank of the pair of parts whose tokens are `left` and `right`,
    /// spanning `piece[start..end]`. A token's bytes are a function of its
    /// rank, so the answer is cached by the two ranks: long pieces repeat a
    /// few pairs (runs of one character, base64 alphabets) and a cache hit
    /// replaces hashing up to a few hundred bytes.
    #[inline]
    pub(super) fn pair_rank_cached(
        &self,
        cache: &mut [(u64, Rank)],
        (left, right): (Rank, Rank),
        piece: &[u8],
        (start, end): (u32, u32),
    ) -> Rank {
        if left == Rank::MAX || right == Rank::MAX {
            return self.pair_rank(piece, start, end); // a byte that is no token
        }
        let key = u64::from(left) << 32 | u64::from(right);
        let slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - PAIR_CACHE_BITS)) as usize;
        match cache.get_mut(slot) {
            Some(entry) if entry.0 == key => entry.1,
            Some(entry) => {
                let rank = self.pair_rank(piece, start, end);
                *entry = (key, rank);
                rank
            }
            None => self.pair_rank(piece, start, end),
        }
    }

    /// The parts that tiktoken's loop provably reaches before anything else
    /// in a run of one byte `c` (spaces, separators, hostile input), as
    /// `(block, m, tail)`: `m` parts of `block` bytes, then parts of the
    /// lengths in `tail`. `None` if `piece` is not such a run.
    ///
    /// From parts X^m T (X a token, T = t1 t2 ... a short tail), the pair
    /// X X ranks R. While two X's or more are unpaired, the pairs present
    /// are X X, the ones that pairing X's from the left creates (XX XX and
    /// XX X), the last X with t1, and the tail's own t_i t_i+1. If every
    /// one of those ranks above R, the lowest pair is always the leftmost
    /// unpaired X X, so the loop turns X^m T into (XX)^(m/2) T, with one X
    /// in front of T if m is odd. (XX t1 only forms with the last merge.)
    /// Then again with XX for X, as long as the condition holds: a run of
    /// 1 MB of spaces in o200k reaches parts of 128 bytes this way.
    pub(super) fn paired_run(&self, piece: &[u8]) -> Option<(usize, usize, Vec<usize>)> {
        let &c = piece.first()?;
        if piece.iter().any(|&b| b != c) {
            return None;
        }
        // Every string the conditions name is a run of `c`, so a prefix.
        let rank = |len: usize| {
            piece
                .get(..len)
                .and_then(|run| self.rank(run))
                .unwrap_or(Rank::MAX)
        };
        let (mut block, mut m, mut tail) = (1, piece.len(), Vec::new());
        while m >= 2 {
            let r = rank(2 * block);
            let last_x = tail.first().map(|&t1| block + t1);
            let inner = tail.windows(2).map(|w| w.iter().sum::<usize>());
            let lowest_other = [3 * block, 4 * block]
                .into_iter()
                .chain(last_x)
                .chain(inner)
                .map(rank)
                .min()
                .unwrap_or(Rank::MAX);
            if r == Rank::MAX || lowest_other <= r {
                break;
            }
            if m % 2 == 1 {
                tail.insert(0, block);
            }
            (block, m) = (2 * block, m / 2);
        }
        Some((block, m, tail))
    }

    /// The same merges for long pieces, in O(n) buckets instead of a scan
    /// per merge. Parts are a linked list over byte positions. Pending pairs
    /// wait in one bucket per rank; the lowest rank's bucket is drained left
    /// to right, which is tiktoken's order (lowest rank, then leftmost)
    /// because a merge of rank `r` only creates pairs of longer tokens, so of
    /// other ranks. When such a pair ranks below `r` (a token that BPE built
    /// from another split), the rest of the bucket goes back and the lower
    /// rank is merged first; buckets are sorted by position when taken.
    /// A BPE inner loop, kept whole on purpose (exempt from the 80-line rule).
    pub(super) fn merge_buckets(&self, piece: &[u8], scratch: &mut Scratch) {
        let n = piece.len();
        const DEAD: u32 = u32::MAX;
        let Scratch {
            next,
            prev,
            tok,
            pair,
            queue,
            pair_cache,
            bounds,
            ..
        } = scratch;
        if pair_cache.is_empty() {
            pair_cache.resize(1 << PAIR_CACHE_BITS, (u64::MAX, Rank::MAX));
        }
        // next[i] / prev[i]: neighbouring part starts (n marks the end, DEAD
        // a position inside a part); tok[i]: the token of part i; pair[i]:
        // the rank of part i merged with its successor, which is also how a
        // queued pair is known to be current.
        let run = self.paired_run(piece);
        // In a run, every block is the same token.
        let block_rank = match run {
            Some((block, _, _)) => piece.get(..block).and_then(|t| self.rank(t)),
            None => None,
        };
        let (block, m, tail) = run.unwrap_or((1, n, Vec::new()));
        let parts = std::iter::repeat_n(block, m).chain(tail);
        next.clear();
        next.resize(n, DEAD);
        prev.clear();
        prev.resize(n, DEAD);
        tok.clear();
        tok.resize(n, Rank::MAX);
        pair.clear();
        pair.resize(n, Rank::MAX);
        let (mut start, mut last) = (0usize, DEAD);
        for (k, len) in parts.enumerate() {
            let end = start + len;
            let token = match block_rank {
                Some(rank) if k < m => Some(rank),
                _ => piece.get(start..end).and_then(|t| self.rank(t)),
            };
            if let (Some(nx), Some(pv), Some(tk)) =
                (next.get_mut(start), prev.get_mut(start), tok.get_mut(start))
            {
                (*nx, *pv, *tk) = (end as u32, last, token.unwrap_or(Rank::MAX));
            }
            last = start as u32;
            start = end;
        }
        queue.clear();
        let mut part = 0u32;
        while (part as usize) < n {
            let mid = next.get(part as usize).copied().unwrap_or(DEAD);
            let end = next.get(mid as usize).copied().unwrap_or(DEAD);
            let rank = match (tok.get(part as usize), tok.get(mid as usize)) {
                (Some(&l), Some(&r)) if end != DEAD => {
                    self.pair_rank_cached(pair_cache, (l, r), piece, (part, end))
                }
                _ => Rank::MAX,
            };
            if let Some(p) = pair.get_mut(part as usize) {
                *p = rank;
            }
            queue.push(rank, part);
            part = mid;
        }
        let at = |v: &Vec<u32>, i: u32| v.get(i as usize).copied().unwrap_or(DEAD);
        let set = |v: &mut Vec<u32>, i: u32, value: u32| {
            if let Some(slot) = v.get_mut(i as usize) {
                *slot = value;
            }
        };
        while let Some((rank, mut starts)) = queue.pop() {
            let mut k = 0;
            while let Some(&start) = starts.get(k) {
                k += 1;
                if at(pair, start) != rank || at(next, start) == DEAD {
                    continue; // stale: the part was absorbed or its pair changed
                }
                let mid = at(next, start);
                let end = at(next, mid);
                if end == DEAD {
                    continue;
                }
                // Merge `mid` into `start`; the merged part is token `rank`.
                set(next, start, end);
                set(next, mid, DEAD);
                set(pair, mid, Rank::MAX);
                set(tok, start, rank);
                let after = if (end as usize) < n {
                    set(prev, end, start);
                    let span = (start, at(next, end));
                    self.pair_rank_cached(pair_cache, (rank, at(tok, end)), piece, span)
                } else {
                    Rank::MAX
                };
                set(pair, start, after);
                queue.push(after, start);
                let before = at(prev, start);
                let mut lower = after < rank;
                if before != DEAD {
                    let r = self.pair_rank_cached(
                        pair_cache,
                        (at(tok, before), rank),
                        piece,
                        (before, end),
                    );
                    set(pair, before, r);
                    queue.push(r, before);
                    lower |= r < rank;
                }
                if lower {
                    // A lower rank appeared: it merges before the rest of this one.
                    starts.drain(..k);
                    queue.put_back(rank, starts);
                    starts = Vec::new();
                    break;
                }
            }
            queue.recycle(starts);
        }
        bounds.clear();
        let mut part = 0u32;
        while (part as usize) < n {
            bounds.push(part);
            part = at(next, part);
        }
        bounds.push(n as u32);
    }
}

/// Slots of the pair cache of [`Ranks::merge_buckets`] (64 KiB).
const PAIR_CACHE_BITS: u32 = 12;

/// Pending pairs by rank for [`Ranks::merge_buckets`]: part starts in one
/// bucket per rank, and a heap of the ranks that have a bucket. Emptied
/// buckets keep their allocation for the next rank.
pub(super) struct RankQueue {
    buckets: Vec<Vec<u32>>,
    /// The bucket of each queued rank.
    slot_of: HashMap<Rank, u32, BuildHasherDefault<RankHasher>>,
    /// A direct-mapped memo of `slot_of`: merges push to the same few
    /// ranks over and over, and a hash map lookup per push was a seventh
    /// of the time on runs of one character.
    recent: [(Rank, u32); 64],
    free_slots: Vec<u32>,
    spare: Vec<Vec<u32>>,
    ranks: BinaryHeap<Reverse<Rank>>,
}

impl Default for RankQueue {
    fn default() -> RankQueue {
        RankQueue {
            buckets: Vec::new(),
            slot_of: HashMap::default(),
            recent: [(Rank::MAX, 0); 64],
            free_slots: Vec::new(),
            spare: Vec::new(),
            ranks: BinaryHeap::new(),
        }
    }
}

impl RankQueue {
    pub(super) fn clear(&mut self) {
        for (_, slot) in self.slot_of.drain() {
            if let Some(bucket) = self.buckets.get_mut(slot as usize) {
                let mut v = std::mem::take(bucket);
                v.clear();
                self.spare.push(v);
            }
        }
        self.buckets.clear();
        self.free_slots.clear();
        self.recent = [(Rank::MAX, 0); 64];
        self.ranks.clear();
    }

    /// Queues the pair starting at `start`; `Rank::MAX` (no token) is not queued.
    #[inline]
    pub(super) fn push(&mut self, rank: Rank, start: u32) {
        if rank == Rank::MAX {
            return;
        }
        let memo = rank as usize % 64;
        let slot = match self.recent.get(memo) {
            Some(&(r, slot)) if r == rank => slot,
            _ => {
                let slot = match self.slot_of.get(&rank) {
                    Some(&slot) => slot,
                    None => self.new_bucket(rank),
                };
                if let Some(m) = self.recent.get_mut(memo) {
                    *m = (rank, slot);
                }
                slot
            }
        };
        if let Some(bucket) = self.buckets.get_mut(slot as usize) {
            bucket.push(start);
        }
    }

    pub(super) fn new_bucket(&mut self, rank: Rank) -> u32 {
        let bucket = self.spare.pop().unwrap_or_default();
        let slot = match self.free_slots.pop() {
            Some(slot) => {
                if let Some(b) = self.buckets.get_mut(slot as usize) {
                    *b = bucket;
                }
                slot
            }
            None => {
                self.buckets.push(bucket);
                self.buckets.len() as u32 - 1
            }
        };
        self.slot_of.insert(rank, slot);
        self.ranks.push(Reverse(rank));
        slot
    }

    /// The lowest rank and its part starts, leftmost first.
    pub(super) fn pop(&mut self) -> Option<(Rank, Vec<u32>)> {
        let Reverse(rank) = self.ranks.pop()?;
        let slot = self.slot_of.remove(&rank)?;
        if let Some(m) = self.recent.get_mut(rank as usize % 64) {
            if m.0 == rank {
                *m = (Rank::MAX, 0);
            }
        }
        self.free_slots.push(slot);
        let mut starts = std::mem::take(self.buckets.get_mut(slot as usize)?);
        if !starts.is_sorted() {
            starts.sort_unstable();
        }
        Some((rank, starts))
    }

    /// Returns the unmerged rest of a bucket (sorted, so it stays first
    /// among equal ranks).
    pub(super) fn put_back(&mut self, rank: Rank, starts: Vec<u32>) {
        for start in &starts {
            self.push(rank, *start);
        }
        self.recycle(starts);
    }

    pub(super) fn recycle(&mut self, mut starts: Vec<u32>) {
        starts.clear();
        if starts.capacity() > 0 {
            self.spare.push(starts);
        }
    }
}

/// Ranks are already well spread; one multiply mixes them for the table.
#[derive(Default)]
struct RankHasher(u64);

impl Hasher for RankHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

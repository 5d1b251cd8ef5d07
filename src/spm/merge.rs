//! BPE over the code points of one word: the adjacent pair whose
//! concatenation is the normal piece with the lowest id merges first,
//! leftmost on ties. Short words rescan their pairs after each merge (a
//! handful of chars: fastest); long ones (CJK without spaces, a run of one
//! char) keep a heap of candidate pairs, so no input is quadratic.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::SentencePiece;

/// Words of up to this many chars take the rescanning loop.
const SHORT_WORD: usize = 24;

/// No piece (an unmerged char's token, not looked up yet), no pair, or a
/// position that is no longer a symbol's start.
const NONE: u32 = u32::MAX;
const DEAD: usize = usize::MAX;

/// Buffers reused across words and calls, so that encoding allocates once.
#[derive(Default)]
pub struct Scratch {
    /// The normalised text (spaces as U+2581).
    pub(super) buf: String,
    /// Each symbol's start in the word, then the word's length.
    start: Vec<usize>,
    /// Short words: per symbol, the piece of it and its successor merged.
    pair: Vec<u32>,
    /// Per symbol: its piece, once a merge made it.
    tok: Vec<u32>,
    next: Vec<usize>,
    prev: Vec<usize>,
    heap: BinaryHeap<Reverse<(u32, usize)>>,
}

impl SentencePiece {
    /// Hands the tokens of one word (a unit no merge crosses) to `emit`;
    /// `false` once `emit` asks to stop.
    pub(super) fn encode_word(
        &self,
        word: &[u8],
        scratch: &mut Scratch,
        emit: &mut impl FnMut(u32) -> bool,
    ) -> bool {
        if let Some(id) = self.normal(word) {
            return emit(id);
        }
        let Some(text) = std::str::from_utf8(word).ok() else {
            return true; // unreachable: words are cut at char boundaries
        };
        scratch.start.clear();
        scratch.start.extend(text.char_indices().map(|(at, _)| at));
        let n = scratch.start.len();
        scratch.start.push(word.len());
        scratch.tok.clear();
        scratch.tok.resize(n, NONE);
        if n <= SHORT_WORD {
            self.merge_scan(word, scratch);
        } else {
            self.merge_heap(word, scratch);
        }
        let Scratch { start, tok, .. } = scratch;
        for (i, &id) in tok.iter().enumerate() {
            if start.get(i) == Some(&DEAD) {
                continue;
            }
            let keep_going = if id != NONE {
                emit(id)
            } else {
                let end = start
                    .get(i + 1..)
                    .and_then(|s| s.iter().find(|&&s| s != DEAD));
                let symbol = match (start.get(i), end) {
                    (Some(&s), Some(&e)) => word.get(s..e).unwrap_or_default(),
                    _ => &[],
                };
                self.emit_symbol(symbol, emit)
            };
            if !keep_going {
                return false;
            }
        }
        true
    }

    /// One unmerged char: its piece, or its bytes as byte-fallback pieces.
    fn emit_symbol(&self, symbol: &[u8], emit: &mut impl FnMut(u32) -> bool) -> bool {
        match self.normal(symbol) {
            Some(id) => emit(id),
            None => symbol.iter().all(|&b| emit(self.byte_id(b))),
        }
    }

    #[inline]
    fn pair_id(&self, word: &[u8], from: usize, to: usize) -> u32 {
        word.get(from..to)
            .and_then(|t| self.normal(t))
            .unwrap_or(NONE)
    }

    /// The rescanning loop: `pair[i]` is symbol i merged with the live
    /// symbol after it; merged-away symbols leave the vectors.
    fn merge_scan(&self, word: &[u8], scratch: &mut Scratch) {
        let Scratch {
            start, pair, tok, ..
        } = scratch;
        pair.clear();
        for w in start.windows(3) {
            if let [a, _, c] = *w {
                pair.push(self.pair_id(word, a, c));
            }
        }
        pair.push(NONE);
        loop {
            let mut best = (NONE, usize::MAX);
            for (i, &id) in pair.iter().enumerate() {
                if id < best.0 {
                    best = (id, i);
                }
            }
            let (id, i) = best;
            if id == NONE {
                break;
            }
            if let Some(t) = tok.get_mut(i) {
                *t = id;
            }
            tok.remove(i + 1);
            start.remove(i + 1);
            pair.remove(i + 1);
            let span = |j: usize| match (start.get(j), start.get(j + 2)) {
                (Some(&a), Some(&c)) => self.pair_id(word, a, c),
                _ => NONE,
            };
            if let Some(p) = pair.get_mut(i) {
                *p = span(i);
            }
            if let Some(j) = i.checked_sub(1) {
                if let Some(p) = pair.get_mut(j) {
                    *p = span(j);
                }
            }
        }
    }

    /// The heap loop: symbols are a linked list over char positions; the
    /// heap holds candidate pairs by (id, position), the lowest id first and
    /// the leftmost among equals. A popped pair still stands when its left
    /// symbol lives and the pair's span is as long as the piece: the span
    /// then spells the piece, whatever merges made its two halves.
    /// A BPE inner loop, kept whole on purpose (exempt from the 80-line rule).
    fn merge_heap(&self, word: &[u8], scratch: &mut Scratch) {
        let Scratch {
            start,
            tok,
            next,
            prev,
            heap,
            ..
        } = scratch;
        let n = tok.len();
        next.clear();
        next.extend(1..=n);
        prev.clear();
        prev.extend((0..n).map(|i| i.checked_sub(1).unwrap_or(DEAD)));
        heap.clear();
        let end_of = |start: &[usize], next: &[usize], i: usize| -> Option<usize> {
            start.get(*next.get(i)?).copied()
        };
        let push = |heap: &mut BinaryHeap<_>, start: &[usize], next: &[usize], i: usize| {
            let Some(j) = next.get(i).copied() else {
                return;
            };
            if let (Some(&a), Some(c)) = (start.get(i), end_of(start, next, j)) {
                let id = self.pair_id(word, a, c);
                if id != NONE {
                    heap.push(Reverse((id, i)));
                }
            }
        };
        for i in 0..n.saturating_sub(1) {
            push(heap, start, next, i);
        }
        while let Some(Reverse((id, i))) = heap.pop() {
            let (Some(&a), Some(&j)) = (start.get(i), next.get(i)) else {
                continue;
            };
            if a == DEAD || j >= n {
                continue;
            }
            let Some(c) = end_of(start, next, j) else {
                continue;
            };
            let len = self
                .spans
                .get(id as usize)
                .map_or(0, |s| usize::from(s.len));
            if c - a != len {
                continue; // stale: a symbol of the pair has grown
            }
            let after = next.get(j).copied().unwrap_or(n);
            if let (Some(t), Some(s), Some(nx)) =
                (tok.get_mut(i), start.get_mut(j), next.get_mut(i))
            {
                *t = id;
                *s = DEAD;
                *nx = after;
            }
            if let Some(p) = prev.get_mut(after) {
                *p = i;
            }
            if let Some(&p) = prev.get(i) {
                if p != DEAD {
                    push(heap, start, next, p);
                }
            }
            if after < n {
                push(heap, start, next, i);
            }
        }
    }
}

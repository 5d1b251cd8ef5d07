//! BPE over the code points of one word: the adjacent pair whose
//! concatenation is the normal piece with the lowest id merges first,
//! leftmost on ties. Short words rescan their pairs after each merge (a
//! handful of chars: fastest); long ones (CJK without spaces, a run of one
//! char) keep a heap of candidate pairs, so no input is quadratic.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::encode::SPACE_BYTES;
use super::memo;
use super::{SentencePiece, SMALL};

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
    /// Short words: the symbols, then one past the last.
    parts: Vec<Part>,
    /// Long words: each char's start in the word (`DEAD` once merged into
    /// the symbol before it), then the word's length.
    start: Vec<usize>,
    /// Long words, per char position: the piece of the symbol starting
    /// there, once a merge made it.
    tok: Vec<u32>,
    next: Vec<usize>,
    prev: Vec<usize>,
    heap: BinaryHeap<Reverse<(u32, usize)>>,
    /// The tokens of the word being merged.
    out: Vec<u32>,
}

/// A symbol of a short word: where it starts, its piece once a merge made
/// it, and the piece it makes with the next symbol.
#[derive(Clone, Copy)]
struct Part {
    start: usize,
    tok: u32,
    pair: u32,
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
        scratch.out.clear();
        let owner = self as *const SentencePiece as usize;
        if memo::recall(owner, word, &mut scratch.out) {
            return scratch.out.iter().all(|&id| emit(id));
        }
        let chars = word.iter().filter(|&&b| !is_continuation(b)).count();
        if chars <= SHORT_WORD {
            self.merge_scan(word, scratch);
        } else {
            self.merge_heap(word, scratch);
        }
        memo::remember(owner, word, &scratch.out);
        scratch.out.iter().all(|&id| emit(id))
    }

    /// The tokens of `word` by each loop, for the tests.
    #[cfg(test)]
    pub(super) fn merge_both(&self, word: &[u8]) -> (Vec<u32>, Vec<u32>) {
        let mut scratch = Scratch::default();
        self.merge_scan(word, &mut scratch);
        let scanned = std::mem::take(&mut scratch.out);
        self.merge_heap(word, &mut scratch);
        (scanned, scratch.out)
    }

    /// The tokens of symbol `word[start..end]`: the piece a merge made, or
    /// for a char left alone its piece or its bytes as byte pieces.
    fn push_symbol(&self, out: &mut Vec<u32>, word: &[u8], (start, end): (usize, usize), tok: u32) {
        if tok != NONE {
            out.push(tok);
            return;
        }
        let symbol = word.get(start..end).unwrap_or_default();
        match self.normal(symbol) {
            Some(id) => out.push(id),
            None => out.extend(symbol.iter().map(|&b| self.byte_id(b))),
        }
    }

    /// The piece that `word[a..b]` and `word[b..c]` make, or `NONE`. Two
    /// chars of the small alphabet (ASCII and U+2581) are looked up in a
    /// table: the first pairs of most words, without hashing.
    #[inline]
    fn pair_id(&self, word: &[u8], a: usize, b: usize, c: usize) -> u32 {
        if let (Some(x), Some(y)) = (small_code(word, a, b), small_code(word, b, c)) {
            return self.pair_of_small(x, y);
        }
        word.get(a..c).and_then(|t| self.normal(t)).unwrap_or(NONE)
    }

    /// The rescanning loop: `parts[i].pair` is symbol i merged with symbol
    /// i + 1; a merged-away symbol leaves the vector.
    fn merge_scan(&self, word: &[u8], scratch: &mut Scratch) {
        let Scratch { parts, out, .. } = scratch;
        parts.clear();
        let starts = word
            .iter()
            .enumerate()
            .filter(|(_, &b)| !is_continuation(b));
        parts.extend(starts.map(|(at, _)| Part {
            start: at,
            tok: NONE,
            pair: NONE,
        }));
        parts.push(Part {
            start: word.len(),
            tok: NONE,
            pair: NONE,
        });
        let pair_at = |parts: &[Part], i: usize| match parts.get(i..i + 3) {
            Some([a, b, c]) => self.pair_id(word, a.start, b.start, c.start),
            _ => NONE,
        };
        for i in 0..parts.len() {
            let pair = pair_at(parts, i);
            if let Some(p) = parts.get_mut(i) {
                p.pair = pair;
            }
        }
        loop {
            let mut best = (NONE, usize::MAX);
            for (i, p) in parts.iter().enumerate() {
                if p.pair < best.0 {
                    best = (p.pair, i);
                }
            }
            let (id, i) = best;
            if id == NONE {
                break;
            }
            parts.remove(i + 1);
            let pair = pair_at(parts, i);
            if let Some(p) = parts.get_mut(i) {
                p.tok = id;
                p.pair = pair;
            }
            if let Some(j) = i.checked_sub(1) {
                let pair = pair_at(parts, j);
                if let Some(p) = parts.get_mut(j) {
                    p.pair = pair;
                }
            }
        }
        for w in parts.windows(2) {
            if let [p, q] = w {
                self.push_symbol(out, word, (p.start, q.start), p.tok);
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
            out,
            ..
        } = scratch;
        start.clear();
        start.extend(
            word.iter()
                .enumerate()
                .filter(|(_, &b)| !is_continuation(b))
                .map(|(at, _)| at),
        );
        let n = start.len();
        start.push(word.len());
        tok.clear();
        tok.resize(n, NONE);
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
            if let (Some(&a), Some(&b), Some(c)) =
                (start.get(i), start.get(j), end_of(start, next, j))
            {
                let id = self.pair_id(word, a, b, c);
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
            let len = self.spans.get(id as usize).map_or(0, |s| s.byte_len());
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
        // A live symbol left unmerged is one char, so it ends where the
        // next position starts.
        for (i, (&s, &t)) in start.iter().zip(tok.iter()).enumerate() {
            if s != DEAD {
                let end = next
                    .get(i)
                    .and_then(|&j| start.get(j))
                    .copied()
                    .unwrap_or(s);
                self.push_symbol(out, word, (s, end), t);
            }
        }
    }
}

/// Whether a byte continues a UTF-8 char (words are valid UTF-8).
#[inline]
fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// The code of `word[a..b]` in the small alphabet: an ASCII char is its
/// byte, U+2581 is 128.
#[inline]
fn small_code(word: &[u8], a: usize, b: usize) -> Option<usize> {
    match word.get(a..b)? {
        &[x] if x < 128 => Some(usize::from(x)),
        s if s == SPACE_BYTES => Some(SMALL - 1),
        _ => None,
    }
}

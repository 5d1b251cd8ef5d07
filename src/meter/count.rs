//! Counting a streamed reply's output, for when the provider reports no
//! usage or the stream breaks off.
//!
//! The output is kept as parts, each a text the model wrote as one sequence:
//! a choice's content, a content block, one tool call's arguments. Each part
//! is counted whole, because the tokens of a concatenation are not the sum of
//! the tokens of its pieces.
//!
//! A part is held as text until it passes [`HOLD_BYTES`]; then its settled
//! head is counted and dropped, and only the tail is kept. The head ends
//! where a space follows a character that is not whitespace. In every
//! tiktoken split pattern (r50k, cl100k, o200k) no piece holds a non-space
//! character followed by a space (a piece takes a space only as its first
//! character or inside a run of whitespace), and a piece that begins there
//! depends only on what follows. So the text splits there into the same
//! pieces whatever comes later, and `count(head + rest) = count(head) +
//! count(rest)`, exactly (`tests/meter.rs` checks it on random text split
//! at random, and the `sse` fuzz target on arbitrary text). Counts are kept
//! unscaled and an estimate's factor is applied once, at the end.
//!
//! Why hold first: a reply whose usage is reported (nearly all) then costs
//! no counting at all, and one that is not is counted once at the end; a
//! reply longer than the hold (64 KiB, about 16,000 tokens) is counted as it
//! goes and memory stays flat. Text without such a space (a long run of
//! Chinese, or one huge word) cannot be settled and is held until the end.

use crate::tokens::Tokenizer;

/// A part's text is held whole up to this many bytes.
pub const HOLD_BYTES: usize = 64 << 10;

/// What a part of the output is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The reply's text (and refusals).
    Text,
    /// Reasoning the stream shows (thinking blocks, reasoning deltas):
    /// output tokens, and counted as reasoning too.
    Reasoning,
    /// A tool call's arguments.
    ToolArguments,
}

/// Where a part is in the reply: its kind and up to two indices (a choice
/// and a tool call, an output item and a content part, a content block).
pub type Key = (Kind, u64, u64);

#[derive(Debug)]
struct Part {
    key: Key,
    tail: String,
    /// Unscaled tokens of the settled head.
    settled: usize,
}

/// The output text seen so far, as parts.
#[derive(Default)]
pub struct Output {
    /// The model's tokenizer; `None` when it cannot be had (an unknown
    /// model): then no text is kept, and a count is an error at the end.
    tokenizer: Option<Tokenizer>,
    parts: Vec<Part>,
    /// Text arrived that could not be kept for want of a tokenizer.
    uncounted: bool,
    /// The next index for parts that arrive whole ([`Output::whole`]).
    next_whole: u64,
    /// Bytes a part holds before its settled head is counted.
    hold: usize,
}

impl Output {
    pub fn new(tokenizer: Option<Tokenizer>) -> Output {
        Output::with_hold(tokenizer, HOLD_BYTES)
    }

    /// An output that settles past `hold` bytes a part instead of
    /// [`HOLD_BYTES`] (for tests and the fuzz target: a small hold makes
    /// short texts settle).
    pub fn with_hold(tokenizer: Option<Tokenizer>, hold: usize) -> Output {
        Output {
            tokenizer,
            hold,
            ..Output::default()
        }
    }

    /// Appends `text` to the part at `key`.
    pub fn push(&mut self, key: Key, text: &str) {
        if text.is_empty() {
            return;
        }
        let Some(tokenizer) = self.tokenizer else {
            self.uncounted = true;
            return;
        };
        let at = match self.parts.iter().position(|p| p.key == key) {
            Some(at) => at,
            None => {
                self.parts.push(Part {
                    key,
                    tail: String::new(),
                    settled: 0,
                });
                self.parts.len() - 1
            }
        };
        if let Some(part) = self.parts.get_mut(at) {
            part.tail.push_str(text);
            if part.tail.len() > self.hold {
                part.settle(&tokenizer);
            }
        }
    }

    /// A part that arrives whole (a Gemini function call's arguments).
    pub fn whole(&mut self, kind: Kind, text: &str) {
        self.next_whole += 1;
        self.push((kind, u64::MAX, self.next_whole), text);
    }

    /// Output and reasoning tokens, the estimate's factor applied once;
    /// `None` when text arrived without a tokenizer to count it.
    pub fn counts(&self) -> Option<(u64, u64)> {
        if self.uncounted {
            return None;
        }
        let Some(tokenizer) = self.tokenizer else {
            return Some((0, 0));
        };
        let (mut all, mut reasoning) = (0usize, 0usize);
        for part in &self.parts {
            let n = part
                .settled
                .saturating_add(tokenizer.count_unscaled(&part.tail));
            all = all.saturating_add(n);
            if part.key.0 == Kind::Reasoning {
                reasoning = reasoning.saturating_add(n);
            }
        }
        Some((
            tokenizer.scale(all) as u64,
            tokenizer.scale(reasoning) as u64,
        ))
    }

    /// Bytes of text held.
    pub fn held_bytes(&self) -> usize {
        self.parts.iter().map(|p| p.tail.len()).sum()
    }
}

impl Part {
    fn settle(&mut self, tokenizer: &Tokenizer) {
        let Some(cut) = settled_prefix(&self.tail) else {
            return;
        };
        let head = self.tail.get(..cut).unwrap_or("");
        self.settled = self.settled.saturating_add(tokenizer.count_unscaled(head));
        self.tail.drain(..cut);
    }
}

/// The end of the longest head of `text` that no continuation can split
/// differently: the last space that follows a character that is not
/// whitespace (see the module documentation).
pub fn settled_prefix(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut end = bytes.len();
    while let Some(at) = bytes.get(..end)?.iter().rposition(|&b| b == b' ') {
        let before = text.get(..at)?.chars().next_back();
        if before.is_some_and(|c| !c.is_whitespace()) {
            return Some(at);
        }
        end = at;
    }
    None
}

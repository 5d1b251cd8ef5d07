//! Counting a text that arrives in parts (a file read in chunks, a streamed
//! reply), exactly as counting the whole text at once, holding only the part
//! that later text may still change.
//!
//! BPE counts do not add: the tokens of `a + b` are not those of `a` and
//! `b`, because the pre-tokenizer's pieces (and so the tokens) can span the
//! boundary. [`TokenCounter`] counts each piece once it is settled (no later
//! text can change it: `pretokenize::last_cut` says where), adds it
//! to a running total and drops its text. What it holds is the text since
//! the last such cut, in prose a word or two; a text with no cut at all (a
//! gigabyte of one letter, of whitespace) is held whole, as it is one piece.

use crate::bpe::Scratch;
use crate::pretokenize;
use crate::spm::SentencePiece;
use crate::tokens::{AllowedSpecial, Tokenizer};

/// Counts ordinary text (special-token texts are text, as
/// `AllowedSpecial::None`) pushed in parts: after any sequence of
/// [`TokenCounter::push`] calls, [`TokenCounter::count`] equals
/// `tokenizer.count_ordinary` of their concatenation, however it was split
/// (a part may end anywhere between two chars).
pub struct TokenCounter {
    tokenizer: Tokenizer,
    /// The text after the last cut: not yet counted.
    tail: String,
    /// Where in `tail` the search for a cut resumes: its last char, whose
    /// pair with the next part's first char is not yet seen.
    search_from: usize,
    /// Where the search for always-matched added tokens resumes, for the
    /// encodings that have them ([`Tokenizer::settled_cut`]).
    words_from: usize,
    /// Unscaled tokens of the text before `tail`.
    settled: usize,
    scratch: Scratch,
}

impl TokenCounter {
    pub fn new(tokenizer: Tokenizer) -> TokenCounter {
        TokenCounter {
            tokenizer,
            tail: String::new(),
            search_from: 0,
            words_from: 0,
            settled: 0,
            scratch: Scratch::default(),
        }
    }

    /// Adds the next part of the text.
    pub fn push(&mut self, text: &str) {
        self.tail.push_str(text);
        if let Some(sp) = self.tokenizer.sentencepiece() {
            self.push_sentencepiece(sp);
            return;
        }
        if !self.tokenizer.splits_text_as_given() {
            self.push_between_added();
            return;
        }
        let pattern = self.tokenizer.pattern();
        let cut = pattern.and_then(|p| pretokenize::last_cut(p, &self.tail, self.search_from));
        if let Some(cut) = cut {
            let (tokens, end) =
                self.tokenizer
                    .count_pieces_before(&self.tail, cut, &mut self.scratch);
            self.settled += tokens;
            self.tail.drain(..end);
        }
        self.search_from = self.tail.char_indices().next_back().map_or(0, |(at, _)| at);
    }

    /// `push` for SentencePiece (gemma3): no pre-tokenizer, so the cut is
    /// where the model's pieces allow one (`SentencePiece::last_cut`: before
    /// a space that starts a word, or where a run of newlines or tabs starts
    /// or ends), and the text before it is counted whole.
    fn push_sentencepiece(&mut self, sp: &SentencePiece) {
        if let Some(cut) = sp.last_cut(&self.tail, self.search_from) {
            let head = self.tail.get(..cut).unwrap_or("");
            self.settled += sp.count(head, &AllowedSpecial::None);
            self.tail.drain(..cut);
        }
        self.search_from = self.tail.char_indices().next_back().map_or(0, |(at, _)| at);
    }

    /// `push` for the encodings whose always-matched added tokens or
    /// normalisation come between the text and the pattern's pieces (Qwen 2,
    /// DeepSeek V3): the settled part is cut where the text can be counted
    /// in two halves, and counted whole; NFC, which can change the bytes,
    /// only ever sees whole halves.
    fn push_between_added(&mut self) {
        let (cut, words_from) =
            self.tokenizer
                .settled_cut(&self.tail, self.words_from, self.search_from);
        self.words_from = words_from;
        if let Some(cut) = cut {
            self.settled += self
                .tokenizer
                .count_part(self.tail.get(..cut).unwrap_or(""));
            self.tail.drain(..cut);
            self.words_from -= cut;
        }
        let until = self.words_from.min(self.tail.len());
        self.search_from = self
            .tail
            .get(..until)
            .and_then(|t| t.char_indices().next_back())
            .map_or(0, |(at, _)| at);
    }

    /// The tokens of everything pushed so far (for an estimated model, the
    /// scaled count, rounded up once as [`Tokenizer::count`] does).
    pub fn count(&self) -> usize {
        let tail = self.tokenizer.count_unscaled(&self.tail);
        self.tokenizer.scale(self.settled.saturating_add(tail))
    }

    /// The bytes of text held (not yet settled).
    pub fn held_bytes(&self) -> usize {
        self.tail.len()
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }
}

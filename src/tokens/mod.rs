//! Encoding, decoding and counting text, exactly as OpenAI's tiktoken does.
//!
//! A [`Tokenizer`] is cheap to make (the tables behind it are shared and built
//! once per process) and is what every other capability counts with. For a
//! model whose tokenizer it does not carry it counts with a stated proxy encoding
//! and scale factor, and says so in [`TokenizerInfo::exact`].

use std::cell::Cell;

use crate::bpe::{Rank, Scratch};
use crate::encodings::{Encoding, Model, Normalization, Tables};
use crate::error::{Error, ErrorCode, Result};
use crate::offsets;
use crate::pretokenize;
use crate::spm::SentencePiece;

mod options;
pub use options::{AllowedSpecial, TokenizerInfo};

/// The encoding used when neither a model nor an encoding is given.
pub const DEFAULT_ENCODING: Encoding = Encoding::O200kBase;

/// Counts, encodes and decodes for one encoding (or one model's estimate).
#[derive(Clone, Copy)]
pub struct Tokenizer {
    model: Model,
    encoding: Encoding,
    factor_per_mille: u32,
}

impl Tokenizer {
    /// The exact tokenizer of an encoding.
    pub fn new(encoding: Encoding) -> Result<Tokenizer> {
        Ok(Tokenizer {
            model: encoding.model()?,
            encoding,
            factor_per_mille: 1000,
        })
    }

    /// The exact tokenizer of the encoding named `name`, or of
    /// [`DEFAULT_ENCODING`] when none is named: what a call without a model
    /// counts with, which needs no catalogue.
    pub fn for_encoding(name: Option<&str>) -> Result<Tokenizer> {
        Tokenizer::new(name.map_or(Ok(DEFAULT_ENCODING), Encoding::from_name)?)
    }

    /// A tokenizer that estimates: `encoding`'s count times
    /// `factor_per_mille / 1000`, rounded up (1000: exact).
    pub fn scaled(encoding: Encoding, factor_per_mille: u32) -> Result<Tokenizer> {
        Ok(Tokenizer {
            factor_per_mille: factor_per_mille.max(1),
            ..Tokenizer::new(encoding)?
        })
    }

    /// The tokenizer `info` describes.
    pub fn from_info(info: &TokenizerInfo) -> Result<Tokenizer> {
        Tokenizer::scaled(info.encoding, info.factor_per_mille)
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Whether counts are exact (not a scaled estimate).
    pub fn is_exact(&self) -> bool {
        self.factor_per_mille == 1000
    }

    /// One past the largest token id (specials included).
    pub fn n_vocab(&self) -> u32 {
        match self.model {
            Model::Bpe(tables) => tables.n_vocab,
            Model::SentencePiece(sp) => sp.n_vocab(),
        }
    }

    /// The byte-level BPE tables, or else the SentencePiece model.
    fn bpe(&self) -> std::result::Result<&'static Tables, &'static SentencePiece> {
        match self.model {
            Model::Bpe(tables) => Ok(tables),
            Model::SentencePiece(sp) => Err(sp),
        }
    }

    /// The SentencePiece model, for an encoding that has one (gemma3).
    pub(crate) fn sentencepiece(&self) -> Option<&'static SentencePiece> {
        self.bpe().err()
    }

    /// Tokens of `text`. Fails only for an estimated model, which has no
    /// public token ids to give.
    pub fn encode(&self, text: &str, allowed: &AllowedSpecial) -> Result<Vec<Rank>> {
        self.require_exact("encode")?;
        note_call();
        let tables = match self.bpe() {
            Ok(tables) => tables,
            Err(sp) => return Ok(sp.encode(text, allowed)),
        };
        let mut out = Vec::with_capacity(text.len() / 4 + 1);
        let mut scratch = Scratch::default();
        let normalization = tables.normalization;
        self.for_each_segment(tables, text, allowed, |segment| {
            match segment {
                Segment::Special(id) => out.push(id),
                Segment::Text(t) => {
                    encode_text(tables, &normalization.apply(t), &mut scratch, &mut out)
                }
            }
            true
        });
        Ok(out)
    }

    /// The tokens of `text`, and for each the byte offset in `text` where it
    /// starts, then `text.len()`. The tokens' bytes are `text`'s bytes in
    /// order, so token `i` is `text[starts[i]..starts[i + 1]]`; a range may
    /// begin or end inside a UTF-8 character, which BPE splits freely.
    /// (gemma3: a space is one byte of the text and three of its piece's
    /// `▁`, and a char no piece covers is one byte token per UTF-8 byte,
    /// each spanning its byte; see `SentencePiece::encode_with_offsets`.)
    /// Where normalisation (Qwen 2's NFC) changed a stretch of the text, the
    /// tokens spell the normalised bytes instead, and those that start
    /// inside that stretch start where it starts (`crate::offsets`).
    pub fn encode_with_offsets(
        &self,
        text: &str,
        allowed: &AllowedSpecial,
    ) -> Result<(Vec<Rank>, Vec<usize>)> {
        self.require_exact("encode")?;
        note_call();
        let tables = match self.bpe() {
            Ok(tables) => tables,
            Err(sp) => {
                let (tokens, starts) = sp.encode_with_offsets(text, allowed);
                return match starts.last() == Some(&text.len()) {
                    true => Ok((tokens, starts)),
                    false => Err(not_spelled()),
                };
            }
        };
        let (mut tokens, mut starts) = (Vec::new(), Vec::new());
        let mut scratch = Scratch::default();
        let normalization = tables.normalization;
        let (mut at, mut spelled) = (0usize, true);
        self.for_each_segment(tables, text, allowed, |segment| {
            match segment {
                Segment::Special(id) => {
                    tokens.push(id);
                    starts.push(at);
                    at += self.token_bytes(id).map_or(0, <[u8]>::len);
                }
                Segment::Text(t) => {
                    let norm = normalization.apply(t);
                    let from = tokens.len();
                    encode_text(tables, &norm, &mut scratch, &mut tokens);
                    let mut o = 0;
                    let mut own: Vec<usize> = Vec::with_capacity(tokens.len() - from);
                    for &id in tokens.get(from..).unwrap_or(&[]) {
                        own.push(o);
                        o += self.token_bytes(id).map_or(0, <[u8]>::len);
                    }
                    if *norm != *t {
                        own = offsets::to_original(t, &own, |s| normalization.apply(s));
                    }
                    spelled &= o == norm.len();
                    starts.extend(own.iter().map(|s| at + s));
                    at += t.len();
                }
            }
            true
        });
        starts.push(at);
        if at != text.len() || !spelled {
            return Err(not_spelled());
        }
        Ok((tokens, starts))
    }

    /// Tokens of `text` with every special-looking text as ordinary text.
    pub fn encode_ordinary(&self, text: &str) -> Result<Vec<Rank>> {
        self.encode(text, &AllowedSpecial::None)
    }

    /// Calls `f` with each piece of `text` in order: an added token's id, or
    /// the bytes of a piece of the text between them, normalised and split.
    /// Stops when `f` returns `false`.
    fn for_each_piece(
        &self,
        tables: &Tables,
        text: &str,
        allowed: &AllowedSpecial,
        mut f: impl FnMut(Piece<'_>) -> bool,
    ) {
        let pattern = tables.pattern;
        let normalization = tables.normalization;
        self.for_each_segment(tables, text, allowed, |segment| match segment {
            Segment::Special(_) => f(Piece::Added),
            Segment::Text(t) => {
                let t = normalization.apply(t);
                let bytes = t.as_bytes();
                pretokenize::split(pattern, &t, |s, e| {
                    bytes.get(s..e).is_none_or(|p| f(Piece::Text(p)))
                })
            }
        });
    }

    /// The number of tokens of `text` (for an estimate, the scaled count).
    pub fn count(&self, text: &str, allowed: &AllowedSpecial) -> usize {
        self.scale(self.count_raw(text, allowed, usize::MAX))
    }

    /// [`Tokenizer::count`] with no special tokens.
    pub fn count_ordinary(&self, text: &str) -> usize {
        self.count(text, &AllowedSpecial::None)
    }

    /// The count if it is at most `limit`, else `None`. Stops as soon as the
    /// limit is passed, so a 10 MB text is not tokenized to learn that it
    /// has more than 1,000 tokens.
    pub fn count_within(
        &self,
        text: &str,
        allowed: &AllowedSpecial,
        limit: usize,
    ) -> Option<usize> {
        // The unscaled count must stay within limit / factor.
        let raw_limit = limit.saturating_mul(1000) / self.factor_per_mille.max(1) as usize;
        let raw = self.count_raw(text, allowed, raw_limit.saturating_add(1));
        let scaled = self.scale(raw);
        (raw <= raw_limit && scaled <= limit).then_some(scaled)
    }

    /// The count before an estimate's factor is applied. Sums of these, scaled
    /// once with [`Tokenizer::scale`], round up only once.
    pub fn count_unscaled(&self, text: &str) -> usize {
        self.count_raw(text, &AllowedSpecial::None, usize::MAX)
    }

    /// [`Tokenizer::count_unscaled`] if it is at most `limit`, else `None`,
    /// found without tokenizing past the limit.
    pub fn count_unscaled_within(&self, text: &str, limit: usize) -> Option<usize> {
        let raw = self.count_raw(text, &AllowedSpecial::None, limit.saturating_add(1));
        (raw <= limit).then_some(raw)
    }

    /// An estimate's scale factor in thousandths (1000 for exact counts).
    pub fn factor_per_mille(&self) -> u32 {
        self.factor_per_mille
    }

    /// Whether every text that starts with `prefix` has more than `limit`
    /// tokens. Only the pieces that no continuation can change are counted
    /// (the last piece, and a special token cut in half, may still grow), so
    /// a caller can read a huge text in growing prefixes and stop early.
    pub fn prefix_exceeds(&self, prefix: &str, allowed: &AllowedSpecial, limit: usize) -> bool {
        let raw_limit = limit.saturating_mul(1000) / self.factor_per_mille.max(1) as usize;
        let stop_at = raw_limit.saturating_add(1);
        let tables = match self.bpe() {
            Ok(tables) => tables,
            Err(sp) => {
                // Only the text before the last place where any text that
                // follows cannot change what comes before (no control piece
                // crosses it either: they hold no space, tab or newline).
                let settled = sp.last_cut(prefix, 0).unwrap_or(0);
                let head = prefix.get(..settled).unwrap_or("");
                return sp.count_until(head, allowed, stop_at) >= stop_at;
            }
        };
        let words = match allowed {
            AllowedSpecial::None => &tables.always,
            _ => &tables.added,
        };
        let open = words.open_at_end(prefix, |w, special| !special || allowed.allows(w));
        let cut = prefix.get(..open.unwrap_or(prefix.len())).unwrap_or("");
        let ranks = tables.ranks;
        let mut scratch = Scratch::default();
        let mut total = 0usize;
        // The tokens of the piece seen last, added only once another piece
        // follows it (an added token is settled at once).
        let mut pending = 0usize;
        self.for_each_piece(tables, cut, allowed, |piece| {
            total += std::mem::take(&mut pending);
            match piece {
                Piece::Added => total += 1,
                Piece::Text(p) => pending = ranks.count_piece(p, &mut scratch),
            }
            total < stop_at
        });
        total >= stop_at
    }

    /// The unscaled count of the pieces of `text` (ordinary text) that end
    /// at or before byte `limit`, and where the last of them ends (0 when
    /// none does): the settled part of a text read in parts
    /// ([`crate::counter::TokenCounter`]).
    pub(crate) fn count_pieces_before(
        &self,
        text: &str,
        limit: usize,
        scratch: &mut Scratch,
    ) -> (usize, usize) {
        let Ok(tables) = self.bpe() else {
            return (0, 0); // SentencePiece: TokenCounter cuts with its own rule
        };
        let bytes = text.as_bytes();
        let ranks = tables.ranks;
        let (mut total, mut end) = (0usize, 0usize);
        pretokenize::split(tables.pattern, text, |s, e| {
            if e > limit {
                return false;
            }
            total += bytes.get(s..e).map_or(0, |p| ranks.count_piece(p, scratch));
            end = e;
            true
        });
        (total, end)
    }

    /// The pre-tokenizer's pattern, for [`crate::counter::TokenCounter`]
    /// (`None` for SentencePiece, which has none).
    pub(crate) fn pattern(&self) -> Option<pretokenize::Pattern> {
        self.bpe().ok().map(|tables| tables.pattern)
    }

    /// Whether the pieces of ordinary text are the pattern's pieces of the
    /// text as given: no always-matched added token and no normalisation
    /// come between them ([`crate::counter::TokenCounter`] then cuts with
    /// `last_cut`).
    pub(crate) fn splits_text_as_given(&self) -> bool {
        self.bpe()
            .is_ok_and(|t| t.always.is_empty() && t.normalization == Normalization::None)
    }

    /// The last place in `text` where it can be cut in two halves that
    /// count apart as they count together, whatever follows `text`: the end
    /// of an always-matched added token, or a [`pretokenize::last_hard_cut`]
    /// between them. Added tokens are decided left to right, each reading up
    /// to the longest one's length ahead, so only places before `until`
    /// (where that much text follows) are looked at. `words_from` is where
    /// the search for added tokens resumes (no token spans it and every
    /// decision before it is made), `pairs_from` where the search for cuts
    /// does. Returns the cut and the new `words_from`.
    pub(crate) fn settled_cut(
        &self,
        text: &str,
        words_from: usize,
        pairs_from: usize,
    ) -> (Option<usize>, usize) {
        let Ok(tables) = self.bpe() else {
            return (None, words_from); // SentencePiece: see TokenCounter
        };
        let words = &tables.always;
        let mut until = text.len().saturating_sub(words.max_len().saturating_sub(1));
        while !text.is_char_boundary(until) {
            until -= 1;
        }
        let (mut best, mut start) = (None, words_from);
        let pairs = |end: usize, start: usize, best: &mut Option<usize>| {
            let head = text.get(..end).unwrap_or("");
            if let Some(cut) = pretokenize::last_hard_cut(head, start.max(pairs_from)) {
                *best = Some(cut);
            }
        };
        while let Some((at, len, _)) = words.find(text, start, |_, _| true) {
            if at >= until {
                break;
            }
            pairs(at, start, &mut best);
            start = at + len;
            best = Some(start);
        }
        if start < until {
            pairs(until, start, &mut best);
        }
        (best, start.max(until))
    }

    /// [`Tokenizer::count_unscaled`] without counting the call (the
    /// counter's settled parts are one text).
    pub(crate) fn count_part(&self, text: &str) -> usize {
        self.count_pieces(text, &AllowedSpecial::None, usize::MAX)
    }

    /// Applies an estimate's factor (exact tokenizers: identity).
    pub fn scale(&self, raw: usize) -> usize {
        if self.factor_per_mille == 1000 {
            raw
        } else {
            let scaled = (raw as u128 * u128::from(self.factor_per_mille)).div_ceil(1000);
            usize::try_from(scaled).unwrap_or(usize::MAX)
        }
    }

    /// Counts up to `stop_at` tokens (then returns a value >= `stop_at`).
    fn count_raw(&self, text: &str, allowed: &AllowedSpecial, stop_at: usize) -> usize {
        note_call();
        self.count_pieces(text, allowed, stop_at)
    }

    fn count_pieces(&self, text: &str, allowed: &AllowedSpecial, stop_at: usize) -> usize {
        let tables = match self.bpe() {
            Ok(tables) => tables,
            Err(sp) => return sp.count_until(text, allowed, stop_at),
        };
        let mut total = 0usize;
        let mut scratch = Scratch::default();
        let ranks = tables.ranks;
        self.for_each_piece(tables, text, allowed, |piece| {
            match piece {
                Piece::Added => total += 1,
                Piece::Text(piece) => {
                    // A token is at most 255 bytes, so a long piece has at
                    // least len / 255 tokens: skip merging what cannot fit.
                    if total + piece.len() / 255 >= stop_at {
                        total = total.saturating_add(piece.len() / 255 + 1);
                        return false;
                    }
                    total += ranks.count_piece(piece, &mut scratch);
                }
            }
            total < stop_at
        });
        total
    }

    /// Splits `text` at the added tokens, in order: the always-matched ones
    /// and the allowed special tokens, leftmost then longest first.
    fn for_each_segment<'t>(
        &self,
        tables: &Tables,
        text: &'t str,
        allowed: &AllowedSpecial,
        mut f: impl FnMut(Segment<'t>) -> bool,
    ) {
        let words = match allowed {
            AllowedSpecial::None => &tables.always,
            _ => &tables.added,
        };
        if words.is_empty() {
            f(Segment::Text(text));
            return;
        }
        let mut start = 0;
        while let Some((at, len, id)) =
            words.find(text, start, |w, special| !special || allowed.allows(w))
        {
            if at > start && !f(Segment::Text(text.get(start..at).unwrap_or(""))) {
                return;
            }
            if !f(Segment::Special(id)) {
                return;
            }
            start = at + len;
        }
        if start < text.len() {
            f(Segment::Text(text.get(start..).unwrap_or("")));
        }
    }

    /// The text of `tokens`. Bytes that are not valid UTF-8 on their own (a
    /// character split across a slice of tokens) become U+FFFD, as tiktoken's
    /// `decode` does.
    pub fn decode(&self, tokens: &[Rank]) -> Result<String> {
        Ok(String::from_utf8_lossy(&self.decode_bytes(tokens)?).into_owned())
    }

    /// The raw bytes of `tokens`.
    /// gemma3: a byte piece is its byte, any other piece its text with
    /// U+2581 as a space.
    pub fn decode_bytes(&self, tokens: &[Rank]) -> Result<Vec<u8>> {
        self.require_exact("decode")?;
        let invalid = |i: usize| {
            let t = tokens.get(i).copied().unwrap_or_default();
            Error::field(
                ErrorCode::InvalidToken,
                format!("tokens[{i}]"),
                format!(
                    "{t} is not a token of {} (ids are below {})",
                    self.encoding.name(),
                    self.n_vocab()
                ),
            )
        };
        if let Err(sp) = self.bpe() {
            return sp.decode_bytes(tokens).map_err(invalid);
        }
        let mut out = Vec::with_capacity(tokens.len() * 4);
        for (i, &t) in tokens.iter().enumerate() {
            out.extend_from_slice(self.token_bytes(t).ok_or_else(|| invalid(i))?);
        }
        Ok(out)
    }

    /// The bytes of one token, ordinary or special (gemma3: as its
    /// vocabulary spells it, U+2581 for a space, which `decode` maps back).
    pub fn token_bytes(&self, token: Rank) -> Option<&[u8]> {
        match self.model {
            Model::Bpe(tables) => tables.token_bytes(token),
            Model::SentencePiece(sp) => sp.piece_with_kind(token).map(|(piece, _)| piece),
        }
    }

    fn require_exact(&self, what: &str) -> Result<()> {
        if self.is_exact() {
            Ok(())
        } else {
            Err(Error::invalid(
                "model",
                format!("tokenmeter does not carry this model's tokenizer, so {what} has no token ids to work with; counts are estimates (pass an encoding to {what})"),
            ))
        }
    }
}

thread_local! {
    static CALLS: Cell<u64> = const { Cell::new(0) };
}

/// Counts one pass of the tokenizer over a text (an encode or a count), for
/// the benchmarks and tests that check how often work is repeated. A
/// thread-local cell: no contention, and free in single-threaded wasm.
fn note_call() {
    CALLS.with(|c| c.set(c.get().wrapping_add(1)));
}

/// How many texts the tokenizer has encoded or counted on this thread.
pub(crate) fn calls_on_this_thread() -> u64 {
    CALLS.with(Cell::get)
}

/// A part of a text between added tokens, or an added token's id.
enum Segment<'t> {
    Text(&'t str),
    Special(Rank),
}

/// What BPE sees: the bytes of one piece, or an added token.
enum Piece<'p> {
    Text(&'p [u8]),
    Added,
}

/// The tokens of text between added tokens, already normalised.
fn encode_text(tables: &Tables, text: &str, scratch: &mut Scratch, out: &mut Vec<Rank>) {
    let (ranks, offset) = (tables.ranks, tables.id_offset);
    let bytes = text.as_bytes();
    let from = out.len();
    pretokenize::split(tables.pattern, text, |s, e| {
        if let Some(piece) = bytes.get(s..e) {
            ranks.encode_piece(piece, scratch, out);
        }
        true
    });
    if offset != 0 {
        out.iter_mut().skip(from).for_each(|t| *t += offset);
    }
}

/// Offsets that do not add up to the text: a bug, reported as an error.
fn not_spelled() -> Error {
    Error::new(
        ErrorCode::InvalidArgument,
        "the tokens do not spell the text (a bug: please report it)",
    )
}

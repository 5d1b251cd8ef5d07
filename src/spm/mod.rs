//! SentencePiece BPE with byte fallback, as Gemma 3's tokenizer (and
//! Google's SDKs counting Gemini text locally) encodes: not byte-level BPE
//! over pre-tokenized pieces like tiktoken, but merges over code points.
//!
//! The algorithm (`tests/golden/open_ref.py` `SentencePieceBPE`, equal to
//! `sentencepiece` on every golden row):
//!
//! 1. control pieces (`<bos>`, `<start_of_turn>` ...) only when special
//!    tokens are allowed, leftmost-longest on the raw text;
//! 2. every " " becomes U+2581 (`▁`), nothing else is normalised;
//! 3. user-defined pieces (runs of `\n`, `\t` and `▁`, HTML tags,
//!    `<unusedN>`), leftmost-longest;
//! 4. between them, BPE over code points: merge the adjacent pair whose
//!    concatenation is a normal piece with the lowest id, leftmost on ties;
//! 5. a symbol left that is no piece becomes its UTF-8 bytes as
//!    byte-fallback pieces.
//!
//! Speed comes from a property of the vocabulary, checked when the table
//! loads rather than assumed: a `▁` occurs inside a normal piece only after
//! a few chars (for Gemma 3 only `>`, in `>▁</`). So before any other char a
//! `▁` starts a unit that no merge crosses, and BPE runs word by word, most
//! words being one piece and one hash probe; a per-thread memo keeps the
//! tokens of words merged before. The same property gives the places where
//! a long text can be cut and counted in parts ([`last_cut`]).
//!
//! [`last_cut`]: SentencePiece::last_cut

mod encode;
pub(crate) mod format;
mod memo;
mod merge;
mod table;
#[cfg(test)]
mod tests;
mod user;

pub use merge::Scratch;
use table::Span;
use user::UserPieces;

/// `stops` flags: a user-defined piece starts with the byte; one of fewer
/// than four bytes does; a U+2581 does.
const STOP_USER: u8 = 1;
const STOP_USER_SHORT: u8 = 2;
const STOP_SPACE: u8 = 4;

/// The small alphabet of `small_pairs`: ASCII and U+2581.
const SMALL: usize = 129;

/// The normalised space, U+2581.
pub(crate) const SPACE: char = '\u{2581}';

/// What a piece is, from the model's piece types.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PieceKind {
    /// A piece BPE can make (type N).
    #[default]
    Normal,
    /// One byte, for chars no piece covers (type B, `<0x00>` ... `<0xFF>`).
    Byte,
    /// Matched whole before BPE (type U).
    User,
    /// A special token, matched only when allowed (type C).
    Control,
}

/// A loaded SentencePiece model: the pieces by id and the lookups encoding
/// needs. Built once per process from the blob build.rs packs, on first use
/// (`crate::encodings`, as the rank tables are).
pub struct SentencePiece {
    /// Every piece's bytes (U+2581 for spaces; a byte piece is its byte).
    bytes: Vec<u8>,
    spans: Vec<Span>,
    kinds: Vec<PieceKind>,
    byte_ids: [u32; 256],
    /// Open addressing over the normal pieces: `id + 1` under a hash tag.
    index: Vec<u32>,
    shift: u32,
    id_mask: u32,
    /// The normal piece of each ASCII char, `u32::MAX` where none is.
    ascii: [u32; 128],
    /// The normal piece of each pair of chars of the small alphabet (ASCII
    /// and U+2581), `u32::MAX` where none is: `SMALL * first + second`.
    small_pairs: Vec<u32>,
    /// One bit per hash of every normal piece, set where one lands: most
    /// pairs looked up while merging are no piece, and this table (256 KiB
    /// against the index's 2 MiB) turns most of them away without a probe.
    filter: Vec<u64>,
    /// The user-defined pieces' ids, and their trie.
    user_ids: Vec<u32>,
    users: UserPieces,
    controls: Vec<u32>,
    /// Which bytes start a control piece.
    control_first: [bool; 256],
    /// The chars after which a `▁` may be inside a normal piece.
    space_joins: Vec<char>,
    /// Whether the user-defined pieces that hold a `▁` are runs of it, so
    /// that none crosses a boundary between another char and a `▁`.
    spaces_cut: bool,
    /// Chars whose runs are always user-defined pieces (`\n`, `\t`).
    run_chars: Vec<char>,
}

impl SentencePiece {
    /// One past the largest id.
    pub fn n_vocab(&self) -> u32 {
        self.spans.len() as u32
    }

    /// The bytes and kind of piece `id` (spaces as U+2581), `None` past the
    /// vocabulary.
    pub fn piece_with_kind(&self, id: u32) -> Option<(&[u8], PieceKind)> {
        let span = *self.spans.get(id as usize)?;
        Some((self.piece_bytes(span)?, *self.kinds.get(id as usize)?))
    }

    fn piece(&self, id: u32) -> Option<&[u8]> {
        self.piece_bytes(*self.spans.get(id as usize)?)
    }

    #[inline]
    fn starts_control(&self, byte: u8) -> bool {
        self.control_first.get(usize::from(byte)) == Some(&true)
    }

    /// The id of the byte-fallback piece of `byte`.
    #[inline]
    fn byte_id(&self, byte: u8) -> u32 {
        self.byte_ids.get(usize::from(byte)).copied().unwrap_or(0)
    }
}

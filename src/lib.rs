//! tokenmeter: token accounting for LLM apps.
//!
//! * [`tokens`]: count, encode and decode exactly as OpenAI's tiktoken does;
//!   [`counter`]: the same count for a text that arrives in parts.
//! * [`catalogue`]: the dated, sourced model and price catalogue, as a value
//!   passed to whatever resolves a model; [`Catalogue::bundled`] is the data
//!   shipped in the build.
//! * [`chat`]: counting chat messages, images and tool definitions;
//!   [`anthropic`] reads Anthropic Messages requests into that shape.
//! * [`cost`]: the exact cost of a call.
//! * [`usage`]: usage as each provider reports it, in one convention.
//! * [`projection`]: monthly projections and model comparisons.
//! * [`preflight`]: will a request fit the window and the budget? And its cache key.
//! * [`ledger`]: per-key and global daily budgets, with reservations.
//! * [`meter`]: the usage of streamed (server-sent event) replies.
//! * [`routing`]: a transparent heuristic for picking a model tier.
//! * [`trim`]: fitting a conversation into a context window, truncating text
//!   and packing or splitting text by exact token budgets.
//! * [`compress`]: prompt compression measured in tokens, which never touches
//!   code, URLs, numbers, quotes, placeholders or structured blocks.
//! * [`compact`]: context data (JSON, HTML, logs, tables) in fewer tokens.
//!
//! Every fallible call returns [`Result`] with an [`Error`] whose
//! [`ErrorCode`] is stable; nothing that input can reach panics.

// In wasm a panic traps and poisons the instance, so the library code may not
// unwrap, expect, index or panic; tests may.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

mod added;
#[cfg(feature = "meter")]
pub mod anthropic;
mod bpe;
pub mod catalogue;
pub mod chat;
pub mod compact;
pub mod compress;
pub mod cost;
pub mod counter;
pub mod encodings;
pub mod error;
pub mod ledger;
#[cfg(feature = "meter")]
pub mod meter;
#[cfg(feature = "nfc")]
mod normalize;
mod offsets;
pub mod preflight;
mod pretokenize;
pub mod projection;
pub mod routing;
#[cfg(feature = "spm")]
mod spm;
#[cfg(not(feature = "spm"))]
#[path = "spm/absent.rs"]
mod spm;
pub mod time;
pub mod tokens;
pub mod trim;
pub mod usage;
#[cfg(feature = "wasm")]
mod wasm;

pub use catalogue::Catalogue;
pub use counter::TokenCounter;
pub use encodings::Encoding;
pub use error::{Error, ErrorCode, Result};
pub use tokens::{AllowedSpecial, Tokenizer, TokenizerInfo};

#[doc(hidden)]
pub mod internals {
    //! For the differential tests and benchmarks only: not a stable API.
    #[cfg(feature = "nfc")]
    pub use crate::normalize::nfc;
    pub use crate::pretokenize::patterns::PATTERNS;
    pub use crate::pretokenize::{last_cut, last_hard_cut, split, Pattern};
    #[cfg(feature = "spm")]
    pub use crate::spm::{PieceKind, SentencePiece};

    /// The SentencePiece model of an encoding that has one (gemma3), for
    /// the fuzz target's reference and the benchmarks.
    #[cfg(feature = "spm")]
    pub fn sentencepiece(encoding: crate::Encoding) -> Option<&'static crate::spm::SentencePiece> {
        crate::Tokenizer::new(encoding).ok()?.sentencepiece()
    }

    /// How many texts the tokenizer has encoded or counted on this thread
    /// (each `count*` or `encode*` call is one).
    pub fn tokenizer_calls() -> u64 {
        crate::tokens::calls_on_this_thread()
    }
}

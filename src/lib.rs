//! tokenmeter: token accounting for LLM apps.
//!
//! * [`tokens`]: count, encode and decode exactly as OpenAI's tiktoken does.
//! * [`catalogue`]: the dated, sourced model and price catalogue.
//! * [`chat`]: counting chat messages, images and tool definitions.
//! * [`compress`]: prompt compression measured in tokens, which never touches
//!   code, URLs, numbers, quotes, placeholders or structured blocks.
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

mod bpe;
pub mod catalogue;
pub mod chat;
pub mod compress;
pub mod encodings;
pub mod error;
mod pretokenize;
pub mod tokens;
#[cfg(feature = "wasm")]
mod wasm;

pub use encodings::Encoding;
pub use error::{Error, ErrorCode, Result};
pub use tokens::{AllowedSpecial, Tokenizer, TokenizerInfo};

#[doc(hidden)]
pub mod internals {
    //! For the differential tests and benchmarks only: not a stable API.
    pub use crate::pretokenize::{split, Pattern};
}

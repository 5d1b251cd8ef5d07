//! What a count is asked for (which special tokens count as special) and
//! what it says about itself (exact, or an estimate and how it is made).

use std::collections::HashSet;

use crate::encodings::Encoding;

/// Which special-token texts (`<|endoftext|>` ...) become special tokens.
/// Anything else that looks like one is ordinary text, as with tiktoken's
/// `encode(text, allowed_special=..., disallowed_special=())`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum AllowedSpecial {
    #[default]
    None,
    All,
    Some(HashSet<String>),
}

impl AllowedSpecial {
    /// Whether the special token `text` is allowed.
    pub(crate) fn allows(&self, text: &str) -> bool {
        match self {
            AllowedSpecial::None => false,
            AllowedSpecial::All => true,
            AllowedSpecial::Some(set) => set.contains(text),
        }
    }
}

/// How a model's tokens are counted.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenizerInfo {
    /// The encoding that counts (for an estimate, the proxy).
    pub encoding: Encoding,
    /// `true` only when the count is the model's own tokenizer's count.
    pub exact: bool,
    /// `"tiktoken"` for exact counts, else how the estimate is made.
    pub method: String,
    /// Estimates multiply the proxy count by `factor_per_mille / 1000` and
    /// round up; 1000 for exact counts.
    pub factor_per_mille: u32,
    /// For an estimate: the model's own encoding, which a build that
    /// carries it (another npm entry point) counts with exactly.
    pub exact_elsewhere: Option<Encoding>,
}

impl TokenizerInfo {
    /// An exact count with `encoding`.
    pub fn exact(encoding: Encoding) -> TokenizerInfo {
        TokenizerInfo {
            encoding,
            exact: true,
            method: "tiktoken".to_string(),
            factor_per_mille: 1000,
            exact_elsewhere: None,
        }
    }
}

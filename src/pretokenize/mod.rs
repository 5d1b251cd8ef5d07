//! The pre-tokenizer: splits text into the pieces that BPE then merges.
//!
//! Each encoding splits with a regex (tiktoken runs it with `fancy-regex`,
//! Hugging Face tokenizers with Oniguruma). This module is a hand-written
//! scanner for each of those regexes, because a regex engine with
//! look-around is the slowest part of tiktoken and a large part of its wasm
//! size. Each `*_piece_end` function returns exactly the end of the match the
//! regex would find at a position: the alternatives are tried in the regex's
//! order, and where the regex backtracks the scanner computes the backtracked
//! end directly. `tests/pretokenize.rs` checks every pattern against the regex
//! itself on random and adversarial text; `patterns.rs` holds the regexes.
//!
//! * `cl100k`: r50k (r50k_base, p50k_base, p50k_edit), tiktoken's cl100k,
//!   and cl100k's original form: Llama 3's, and Qwen 2's with single digits;
//! * `o200k`: o200k (o200k_base, o200k_harmony, Llama 4), and Tekken's,
//!   without contraction suffixes and with single digits;
//! * `deepseek`: DeepSeek V3's three Hugging Face `Split` stages, which keep
//!   the gaps between matches as pieces;
//! * `cut`: where a text read in parts can be cut ([`last_cut`]).

mod cl100k;
mod classes;
mod cut;
mod deepseek;
mod o200k;
pub mod patterns;
mod scan;

pub use cut::{last_cut, last_hard_cut};

use cl100k::{cl100k_piece_end, r50k_piece_end, CL100K, LLAMA3, QWEN2};
use o200k::{o200k_piece_end, O200K, TEKKEN};
use scan::Scan;

use crate::encodings::splits_with;

/// Which split an encoding uses, by the name `data/encodings/encodings.json`
/// gives it (`deepseek_v3` is `DeepseekV3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    R50k,
    Cl100k,
    O200k,
    Llama3,
    Qwen2,
    Tekken,
    DeepseekV3,
}

/// Splits `text` into pieces, calling `f` with each piece's byte range. Stops
/// early, returning `false`, as soon as `f` returns `false`.
///
/// Only the scanners of the patterns this build's encodings split with are
/// compiled in ([`splits_with`]); nothing splits with another, which is
/// taken as one piece.
pub fn split(pattern: Pattern, text: &str, mut f: impl FnMut(usize, usize) -> bool) -> bool {
    use Pattern::*;
    if pattern == DeepseekV3 && splits_with(DeepseekV3) {
        return deepseek::split(text, &mut f);
    }
    let scan = Scan { s: text };
    let mut i = 0;
    while i < text.len() {
        // Each guard is a constant, so an arm no encoding of the build uses
        // is left out with its scanner.
        let end = match pattern {
            R50k if splits_with(R50k) => r50k_piece_end(&scan, i),
            Cl100k if splits_with(Cl100k) => cl100k_piece_end(&scan, i, CL100K),
            Llama3 if splits_with(Llama3) => cl100k_piece_end(&scan, i, LLAMA3),
            Qwen2 if splits_with(Qwen2) => cl100k_piece_end(&scan, i, QWEN2),
            O200k if splits_with(O200k) => o200k_piece_end(&scan, i, O200K),
            Tekken if splits_with(Tekken) => o200k_piece_end(&scan, i, TEKKEN),
            _ => text.len(),
        };
        // Every branch consumes at least one char; guard anyway so that a bug
        // can never become an endless loop.
        let end = if end > i {
            end
        } else {
            scan.at(i).map_or(text.len(), |(_, _, n)| n)
        };
        if !f(i, end) {
            return false;
        }
        i = end;
    }
    true
}

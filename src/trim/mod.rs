//! Fitting requests into context windows and texts into token budgets.
//!
//! * [`trim_messages`] (`messages.rs`, with the turns it drops together in
//!   `units.rs`): drops old (or middle) turns of a conversation, and as a
//!   last resort truncates what must be kept, so that the request fits the
//!   model's window with room for the reply.
//! * [`truncate_text`] (`truncate.rs`): cuts a text to at most N tokens, on
//!   a token boundary that is also a character and grapheme-cluster
//!   boundary, with a marker.
//! * [`select_chunks`] and [`split_by_tokens`] (`chunks.rs`): pack ranked
//!   retrieval chunks into a token budget, and split a text into chunks of
//!   at most N tokens at paragraph or sentence ends where possible, with
//!   overlap.
//!
//! Every promise of the form "at most N tokens" is checked with the counting
//! that [`crate::chat::count_chat_tokens`] and [`Tokenizer::count_ordinary`]
//! use. For a model whose tokenizer is not bundled those counts are
//! estimates (the proxy encoding's count times a factor, rounded up once),
//! so the work is done in unscaled proxy tokens against the largest unscaled
//! count whose scaled value is within the limit: the promise holds for the
//! estimate too. And because a BPE count of a concatenation is not the sum
//! of the counts of its parts, every text that is cut or joined here is
//! counted again whole.

mod chunks;
mod grapheme;
mod messages;
mod truncate;
mod units;

pub use chunks::{select_chunks, split_by_tokens, PackMode, Selection};
pub use messages::{trim_messages, OnOverflow, Strategy, TrimOptions, Trimmed};
pub use truncate::{truncate_text, Keep};

use crate::tokens::Tokenizer;

/// What [`truncate_text`] and [`trim_messages`] put where text was cut.
pub const DEFAULT_MARKER: &str = "[…truncated]";

/// What [`select_chunks`] puts between chunks unless told otherwise.
pub const DEFAULT_SEPARATOR: &str = "\n\n";

/// Whether a cut at byte `at` of `text` is between two grapheme clusters (the
/// check [`truncate_text`] and [`split_by_tokens`] use; see the note on
/// coverage in its module).
pub fn is_grapheme_boundary(text: &str, at: usize) -> bool {
    grapheme::is_boundary(text, at)
}

/// The largest unscaled count whose scaled count is at most `limit`.
fn raw_limit(tokenizer: &Tokenizer, limit: u64) -> usize {
    let factor = u128::from(tokenizer.factor_per_mille().max(1));
    usize::try_from(u128::from(limit) * 1000 / factor).unwrap_or(usize::MAX)
}

/// The byte offsets of `text`'s token boundaries, 0 and `text.len()`
/// included, in `exact`'s tokens.
fn token_offsets(exact: &Tokenizer, text: &str) -> crate::error::Result<Vec<usize>> {
    Ok(exact
        .encode_with_offsets(text, &crate::tokens::AllowedSpecial::None)?
        .1)
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::units::drop_order;
    use crate::catalogue::Catalogue;

    #[test]
    fn drop_middle_widens_a_gap_from_the_middle() {
        assert_eq!(drop_order(4, Strategy::DropMiddle), [1, 2, 0, 3]);
        assert_eq!(drop_order(5, Strategy::DropMiddle), [2, 1, 3, 0, 4]);
        assert_eq!(drop_order(1, Strategy::DropMiddle), [0]);
        assert!(drop_order(0, Strategy::DropMiddle).is_empty());
        for n in 0..40 {
            let order = drop_order(n, Strategy::DropMiddle);
            let mut seen = order.clone();
            seen.sort_unstable();
            assert_eq!(seen, (0..n).collect::<Vec<_>>());
            // Every prefix of the order is a contiguous gap.
            for k in 1..=n {
                let mut gap = order[..k].to_vec();
                gap.sort_unstable();
                assert_eq!(gap.last().unwrap() - gap[0] + 1, k);
            }
        }
    }

    #[test]
    fn break_ranks() {
        let t = "One two.\n\nThree four. Five\nsix";
        use super::chunks::{break_rank, LINE, PARAGRAPH, SENTENCE, WORD};
        let rank = |s: &str| break_rank(t, t.find(s).unwrap());
        assert_eq!(rank("\n\nThree"), PARAGRAPH);
        assert_eq!(rank("Three"), PARAGRAPH);
        assert_eq!(rank(" Five"), SENTENCE);
        assert_eq!(rank("\nsix"), LINE);
        assert_eq!(rank(" two"), WORD);
        assert_eq!(rank("wo."), 0);
        assert_eq!(break_rank("日本。語", "日本。".len()), SENTENCE);
    }

    #[test]
    fn raw_limits_invert_scaling() {
        let catalogue = Catalogue::bundled();
        let exact = catalogue.tokenizer("gpt-4o").unwrap();
        assert_eq!(raw_limit(&exact, 100), 100);
        let estimate = catalogue.tokenizer("claude-sonnet-4").unwrap();
        for limit in 0..500u64 {
            let raw = raw_limit(&estimate, limit);
            assert!(estimate.scale(raw) as u64 <= limit);
            assert!(estimate.scale(raw + 1) as u64 > limit);
        }
    }
}

//! Added tokens found in text: special tokens (when allowed) and the
//! always-matched tokens of some open-weight vocabularies (Qwen's
//! `<think>`, DeepSeek's `<｜User｜>`), which Hugging Face tokenizers cut out
//! of the text before anything else, leftmost first and, among the tokens
//! that start at one place, longest first.
//!
//! Lookups go by length: each distinct length of token text is one hash
//! lookup at a candidate position, and candidates are found by the prefix
//! all the tokens share (`<|` for tiktoken's specials) or their first bytes,
//! so text full of `<` stays linear.

use std::collections::HashMap;

use crate::bpe::Rank;

/// A set of added tokens: text -> id, and whether the token is special
/// (matched only when allowed) or always matched.
pub(crate) struct AddedTokens {
    words: HashMap<String, (Rank, bool)>,
    /// Distinct byte lengths of the texts, longest first.
    lengths: Vec<usize>,
    /// The longest prefix every text shares (may be empty).
    lead: String,
    /// Which bytes start a text.
    first: [bool; 256],
    max_len: usize,
}

impl AddedTokens {
    /// `(text, id, special)` for each token.
    pub fn new(tokens: impl IntoIterator<Item = (String, Rank, bool)>) -> AddedTokens {
        let words: HashMap<String, (Rank, bool)> = tokens
            .into_iter()
            .filter(|(text, _, _)| !text.is_empty())
            .map(|(text, id, special)| (text, (id, special)))
            .collect();
        let mut lengths: Vec<usize> = words.keys().map(String::len).collect();
        lengths.sort_unstable_by(|a, b| b.cmp(a));
        lengths.dedup();
        let mut first = [false; 256];
        let mut lead: Option<&str> = None;
        for w in words.keys() {
            if let Some(slot) = w.bytes().next().and_then(|b| first.get_mut(usize::from(b))) {
                *slot = true;
            }
            lead = Some(match lead {
                None => w,
                Some(l) => common_prefix(l, w),
            });
        }
        AddedTokens {
            lead: lead.unwrap_or("").to_string(),
            max_len: lengths.first().copied().unwrap_or(0),
            words,
            lengths,
            first,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Length in bytes of the longest token text.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// The id of exactly this text, if it is a token and `eligible`.
    fn get(&self, text: &str, eligible: &impl Fn(&str, bool) -> bool) -> Option<Rank> {
        let &(id, special) = self.words.get(text)?;
        eligible(text, special).then_some(id)
    }

    /// The next place at or after `from` where a token may start.
    #[inline]
    fn candidate(&self, text: &str, from: usize) -> Option<usize> {
        let rest = text.get(from..)?;
        if self.lead.is_empty() {
            let at = rest
                .bytes()
                .position(|b| self.first.get(usize::from(b)) == Some(&true))?;
            Some(from + at)
        } else {
            rest.find(self.lead.as_str()).map(|at| from + at)
        }
    }

    /// The leftmost token in `text` at or after `from` that `eligible`
    /// (given its text and whether it is special) accepts, the longest one
    /// where several start there: `(start, length, id)`.
    pub fn find(
        &self,
        text: &str,
        mut from: usize,
        eligible: impl Fn(&str, bool) -> bool,
    ) -> Option<(usize, usize, Rank)> {
        while let Some(at) = self.candidate(text, from) {
            for &len in &self.lengths {
                if let Some(id) = text.get(at..at + len).and_then(|w| self.get(w, &eligible)) {
                    return Some((at, len, id));
                }
            }
            from = at + text.get(at..)?.chars().next()?.len_utf8();
        }
        None
    }

    /// The first offset at which `text` ends inside an eligible token: a
    /// place where a text that goes on may still hold one, or a longer one
    /// than the text holds. `None` when there is no such place.
    pub fn open_at_end(&self, text: &str, eligible: impl Fn(&str, bool) -> bool) -> Option<usize> {
        let window = text.len().saturating_sub(self.max_len.saturating_sub(1));
        (window..text.len())
            .filter(|&at| text.is_char_boundary(at))
            .filter(|&at| {
                let b = text.as_bytes().get(at).copied().unwrap_or(0);
                self.first.get(usize::from(b)) == Some(&true)
            })
            .find(|&at| {
                let rest = text.get(at..).unwrap_or("");
                self.words.iter().any(|(w, &(_, special))| {
                    w.len() > rest.len() && w.starts_with(rest) && eligible(w, special)
                })
            })
    }
}

/// The longest common prefix of two strings, on a char boundary.
fn common_prefix<'a>(a: &'a str, b: &str) -> &'a str {
    let mut end = 0;
    for ((i, x), y) in a.char_indices().zip(b.chars()) {
        if x != y {
            break;
        }
        end = i + x.len_utf8();
    }
    a.get(..end).unwrap_or("")
}

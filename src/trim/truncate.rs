//! Cutting a text to a number of tokens, on boundaries that are both token
//! and grapheme-cluster boundaries.

use super::grapheme;
use super::{raw_limit, token_offsets};
use crate::error::Result;
use crate::tokens::{AllowedSpecial, Tokenizer};

/// Which part of a text [`truncate_text`] keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Keep {
    /// The beginning; the marker goes at the end.
    #[default]
    Start,
    /// The end; the marker goes at the beginning.
    End,
    /// The beginning and the end, about half each; the marker in between.
    Middle,
}

/// `text` cut to at most `max_tokens` tokens of `tokenizer` (the marker
/// included), or `text` itself when it already fits.
///
/// The cuts fall on boundaries of the text's own tokens that are also
/// grapheme-cluster boundaries (so never inside a UTF-8 character, an emoji
/// ZWJ sequence, a flag or a letter with its combining marks). The result is
/// counted again whole, and cut further until that count is within
/// `max_tokens`. The marker is put in as given (add spaces or newlines to it
/// as wanted); when the marker alone has more than `max_tokens` tokens it is
/// left out.
pub fn truncate_text(
    text: &str,
    max_tokens: u64,
    tokenizer: &Tokenizer,
    keep: Keep,
    marker: &str,
) -> Result<String> {
    let exact = Tokenizer::new(tokenizer.encoding())?;
    Ok(truncate_raw(&exact, text, raw_limit(tokenizer, max_tokens), keep, marker)?.text)
}

pub(super) struct Cut {
    pub(super) text: String,
    /// The unscaled count of `text`.
    pub(super) tokens: usize,
}

/// How many larger cuts are tried after one fits, since a concatenation can
/// count fewer tokens than its parts.
const GROW_TRIES: usize = 4;

/// [`truncate_text`] in unscaled tokens of an exact tokenizer.
pub(super) fn truncate_raw(
    exact: &Tokenizer,
    text: &str,
    limit: usize,
    keep: Keep,
    marker: &str,
) -> Result<Cut> {
    if let Some(n) = exact.count_within(text, &AllowedSpecial::None, limit) {
        return Ok(Cut {
            text: text.to_string(),
            tokens: n,
        });
    }
    let (marker, marker_tokens) = match exact.count_unscaled(marker) {
        n if n <= limit => (marker, n),
        _ => ("", 0),
    };
    let cutter = Cutter {
        exact,
        text,
        offsets: token_offsets(exact, text)?,
        marker,
        limit,
    };
    let (head, tail) = cutter.first_guess(keep, limit - marker_tokens);
    let Some(fit) = cutter.shrink_to_fit(head, tail) else {
        return Ok(Cut {
            text: String::new(),
            tokens: 0,
        });
    };
    Ok(cutter.grow(keep, fit))
}

/// A cut is `text[..at(head)] + marker + text[at(tail)..]`, `head` and
/// `tail` being token indices of `text`.
struct Cutter<'a> {
    exact: &'a Tokenizer,
    text: &'a str,
    /// Byte offsets of the token boundaries, 0 and `text.len()` included.
    offsets: Vec<usize>,
    marker: &'a str,
    limit: usize,
}

/// A cut that fits: its bounds, its text and its count.
struct Fit {
    head: usize,
    tail: usize,
    cut: Cut,
}

impl Cutter<'_> {
    fn total(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    fn at(&self, i: usize) -> usize {
        self.offsets.get(i).copied().unwrap_or(self.text.len())
    }

    fn valid(&self, i: usize) -> bool {
        i == 0 || i >= self.total() || grapheme::is_boundary(self.text, self.at(i))
    }

    /// The nearest valid token boundary at or before `i`.
    fn down(&self, mut i: usize) -> usize {
        while i > 0 && !self.valid(i) {
            i -= 1;
        }
        i
    }

    /// The nearest valid token boundary at or after `i`.
    fn up(&self, mut i: usize) -> usize {
        while i < self.total() && !self.valid(i) {
            i += 1;
        }
        i
    }

    fn build(&self, head: usize, tail: usize) -> String {
        let (h, t) = (self.at(head), self.at(tail));
        let mut s = String::with_capacity(h + self.marker.len() + self.text.len() - t);
        s.push_str(self.text.get(..h).unwrap_or(""));
        s.push_str(self.marker);
        s.push_str(self.text.get(t..).unwrap_or(""));
        s
    }

    /// Bounds that keep `room` of the text's own tokens, split as `keep` says.
    fn first_guess(&self, keep: Keep, room: usize) -> (usize, usize) {
        let total = self.total();
        match keep {
            Keep::Start => (self.down(room.min(total)), total),
            Keep::End => (0, self.up(total.saturating_sub(room))),
            Keep::Middle => {
                let h = room.div_ceil(2);
                (
                    self.down(h.min(total)),
                    self.up(total.saturating_sub(room - h)),
                )
            }
        }
    }

    /// Cuts more until the whole counts within the limit (the parts' counts
    /// do not add up to the whole's). `None` when nothing of the text is
    /// left and still the marker alone does not fit, which the marker's own
    /// check before this rules out.
    fn shrink_to_fit(&self, mut head: usize, mut tail: usize) -> Option<Fit> {
        let total = self.total();
        loop {
            let candidate = self.build(head, tail);
            let n = self.exact.count_unscaled(&candidate);
            if n <= self.limit {
                return Some(Fit {
                    head,
                    tail,
                    cut: Cut {
                        text: candidate,
                        tokens: n,
                    },
                });
            }
            let over = n - self.limit;
            let tail_len = total - tail;
            if head == 0 && tail_len == 0 {
                return None;
            }
            if head >= tail_len {
                head = self.down(head - over.clamp(1, head));
            } else {
                tail = self.up(tail + over.clamp(1, tail_len));
            }
        }
    }

    /// A cut that fits may leave room: tries a little more of the text.
    fn grow(&self, keep: Keep, mut fit: Fit) -> Cut {
        let total = self.total();
        for _ in 0..GROW_TRIES {
            let grow_head = match keep {
                Keep::Start => true,
                Keep::End => false,
                Keep::Middle => fit.head <= total - fit.tail,
            };
            let (h, t) = if grow_head {
                (self.up(fit.head + 1), fit.tail)
            } else {
                (fit.head, self.down(fit.tail.saturating_sub(1)))
            };
            if h >= t || (h, t) == (fit.head, fit.tail) {
                break;
            }
            let candidate = self.build(h, t);
            let n = self.exact.count_unscaled(&candidate);
            if n > self.limit {
                break;
            }
            fit = Fit {
                head: h,
                tail: t,
                cut: Cut {
                    text: candidate,
                    tokens: n,
                },
            };
        }
        fit.cut
    }
}

//! Fitting requests into context windows and texts into token budgets.
//!
//! * [`trim_messages`]: drops old (or middle) turns of a conversation, and as
//!   a last resort truncates what must be kept, so that the request fits the
//!   model's window with room for the reply.
//! * [`truncate_text`]: cuts a text to at most N tokens, on a token boundary
//!   that is also a character and grapheme-cluster boundary, with a marker.
//! * [`select_chunks`]: packs ranked retrieval chunks into a token budget.
//! * [`split_by_tokens`]: splits a text into chunks of at most N tokens at
//!   paragraph or sentence ends where possible, with overlap.
//!
//! Every promise of the form "at most N tokens" is checked with the counting
//! that [`chat::count_chat_tokens`] and [`Tokenizer::count_ordinary`] use.
//! For a model whose tokenizer is not public those counts are estimates (the
//! proxy encoding's count times a factor, rounded up once), so the work is
//! done in unscaled proxy tokens against the largest unscaled count whose
//! scaled value is within the limit: the promise holds for the estimate too.
//! And because a BPE count of a concatenation is not the sum of the counts of
//! its parts, every text that is cut or joined here is counted again whole.

use std::collections::HashMap;

use crate::catalogue::{Catalogue, WindowScope};
use crate::chat::{self, Content, Message, Part, Tool};
use crate::error::{Error, ErrorCode, Result};
use crate::tokens::{AllowedSpecial, Tokenizer};

mod grapheme;

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

// ---- trimming a conversation -------------------------------------------------

/// Which turns [`trim_messages`] drops first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strategy {
    /// The oldest turns first: the recent conversation is kept.
    #[default]
    DropOldest,
    /// The turns in the middle first, widening the gap evenly on both sides:
    /// the start of the conversation (what it is about) and its recent end
    /// are kept.
    DropMiddle,
}

/// What [`trim_messages`] does when even the messages it must keep do not fit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnOverflow {
    /// Truncate the oldest kept content, with [`DEFAULT_MARKER`].
    #[default]
    Truncate,
    /// Fail with `CONTEXT_OVERFLOW` and the numbers.
    Error,
}

/// Options of [`trim_messages`]; [`TrimOptions::new`] gives the defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct TrimOptions {
    /// The model the request is for: its tokenizer counts, and its catalogue
    /// entry gives the window unless `max_context_tokens` is set.
    pub model: String,
    /// The context window. Required for a model the catalogue does not know.
    pub max_context_tokens: Option<u64>,
    /// Tokens kept free for the reply (default 0).
    pub reserve_output_tokens: u64,
    pub strategy: Strategy,
    /// Never drop `system` and `developer` messages (default true).
    pub keep_system: bool,
    /// Never drop the last `user` message (default true).
    pub keep_last_user: bool,
    /// A summary of what was dropped, inserted as a `system` message where the
    /// dropped turns were (before the first kept message that followed the
    /// first dropped one). Only inserted when something is dropped; its
    /// tokens count against the window.
    pub summary: Option<String>,
    /// Tool definitions sent with the request (they count against the window).
    pub tools: Vec<Tool>,
    pub on_overflow: OnOverflow,
}

impl TrimOptions {
    pub fn new(model: impl Into<String>) -> TrimOptions {
        TrimOptions {
            model: model.into(),
            max_context_tokens: None,
            reserve_output_tokens: 0,
            strategy: Strategy::DropOldest,
            keep_system: true,
            keep_last_user: true,
            summary: None,
            tools: Vec::new(),
            on_overflow: OnOverflow::Truncate,
        }
    }
}

/// The result of [`trim_messages`].
#[derive(Clone, Debug, PartialEq)]
pub struct Trimmed {
    /// The messages to send, in their original order.
    pub messages: Vec<Message>,
    /// For each of `messages`, the index of the input message it is (or was
    /// truncated from); `None` for the summary.
    pub sources: Vec<Option<usize>>,
    /// `count_chat_tokens(model, messages, tools)`.
    pub input_tokens: usize,
    /// Indices of the input messages left out, ascending.
    pub dropped: Vec<usize>,
    /// Indices of the input messages whose text was truncated, ascending.
    pub truncated: Vec<usize>,
    /// `input_tokens + reserve_output_tokens <= window`. Always true, except
    /// with [`OnOverflow::Truncate`] when the request cannot fit at all (the
    /// tool definitions, roles, names, images and tool calls of the messages
    /// that must be kept are over the window even with all their text cut):
    /// then `messages` is the smallest request that could be made.
    pub fits: bool,
}

/// The most input tokens the trimmed request may have: the window given, or
/// the model's (its input cap, and less the reserved output where input
/// and output share the window).
fn input_budget(catalogue: &Catalogue, opts: &TrimOptions) -> Result<u64> {
    let reserve = opts.reserve_output_tokens;
    let too_big = |window: u64| {
        Error::invalid(
            "reserveOutputTokens",
            format!("{reserve} is larger than the context window ({window} tokens)"),
        )
    };
    match opts.max_context_tokens {
        Some(0) => Err(Error::invalid("maxContextTokens", "must be at least 1")),
        Some(w) => w.checked_sub(reserve).ok_or_else(|| too_big(w)),
        None => {
            let m = catalogue.get(&opts.model).ok_or_else(|| {
                Error::field(
                    ErrorCode::UnknownModel,
                    "maxContextTokens",
                    format!(
                        "the catalogue has no context window for {:?}; pass maxContextTokens",
                        opts.model
                    ),
                )
            })?;
            if m.window_scope == WindowScope::InputAndOutput && reserve > m.context_window {
                return Err(too_big(m.context_window));
            }
            Ok(m.input_limit(reserve))
        }
    }
}

/// How the input budget came about, for the overflow message.
fn room_note(catalogue: &Catalogue, opts: &TrimOptions) -> String {
    let reserve = opts.reserve_output_tokens;
    match (opts.max_context_tokens, catalogue.get(&opts.model)) {
        (Some(w), _) => format!("a window of {w} with {reserve} reserved for output"),
        (None, None) => String::from("no known window"),
        (None, Some(m)) => {
            let mut note = match m.window_scope {
                WindowScope::InputAndOutput => format!(
                    "{}'s window of {} with {reserve} reserved for output",
                    m.id, m.context_window
                ),
                WindowScope::Input => format!("{}'s input window of {}", m.id, m.context_window),
            };
            if let Some(cap) = m.max_input_tokens {
                note.push_str(&format!(", input capped at {cap}"));
            }
            note
        }
    }
}

/// Drops turns from a conversation until the request fits the window with
/// `reserve_output_tokens` to spare.
///
/// Guarantees (when `fits`, see [`Trimmed::fits`]):
/// `count_chat_tokens(model, result, tools) + reserve_output_tokens <= window`;
/// message order is kept; `system` and `developer` messages are kept
/// (`keep_system`); the last `user` message is kept (`keep_last_user`); an
/// assistant message with `tool_calls` and the `tool` messages that answer
/// it are kept or dropped together; before the last user message, the
/// conversation after a drop resumes at a user message (system messages
/// aside): a user message and the replies that follow it up to the next
/// one are dropped together, while from the last user message on replies
/// are dropped one by one, so that a long agent loop answering it can still
/// be trimmed; the fewest of these units are dropped that the strategy
/// allows (one at a time, in the strategy's order); and `summary`, when
/// given and something was dropped, is inserted as a `system` message where
/// the dropped turns were.
///
/// When even the messages that must be kept do not fit: with
/// [`OnOverflow::Truncate`] the summary is shortened (or left out) first,
/// then the text of the oldest kept messages is cut from its end on a token
/// boundary, ending with [`DEFAULT_MARKER`], oldest first, until the request
/// fits; with [`OnOverflow::Error`] nothing is cut and the call fails with
/// `CONTEXT_OVERFLOW`, giving the tokens needed and the room there is.
///
/// Cost: each message is tokenized once (its share of the count is reused
/// as turns are dropped); only truncated messages and the summary are
/// tokenized again.
pub fn trim_messages(
    catalogue: &Catalogue,
    messages: &[Message],
    opts: &TrimOptions,
) -> Result<Trimmed> {
    let model = opts.model.as_str();
    let tokenizer = catalogue.tokenizer(model)?;
    let budget = input_budget(catalogue, opts)?;
    let raw_budget = i64::try_from(raw_limit(&tokenizer, budget)).unwrap_or(i64::MAX);

    // Each message is tokenized here, once.
    let costs: Vec<i64> = messages
        .iter()
        .map(|m| chat::message_tokens(&tokenizer, model, m))
        .collect();
    let fixed = 3 + i64::try_from(chat::count_tools(&tokenizer, &opts.tools)).unwrap_or(i64::MAX);

    let units = Units::of(messages, opts);
    let droppable: Vec<usize> = (0..units.members.len())
        .filter(|&u| !units.protected.get(u).copied().unwrap_or(true))
        .collect();
    let unit_cost = |u: usize| -> i64 {
        units.members.get(u).map_or(0, |m| {
            m.iter().map(|&i| costs.get(i).copied().unwrap_or(0)).sum()
        })
    };

    let mut total = costs.iter().fold(fixed, |a, &c| a.saturating_add(c));
    let mut summary_cost: Option<i64> = None;
    let mut is_dropped = vec![false; messages.len()];
    let mut any_dropped = false;
    let summary_message = opts.summary.as_deref().map(|s| Message::new("system", s));
    for u in drop_order(droppable.len(), opts.strategy) {
        let with_summary = total
            + if any_dropped {
                summary_cost.unwrap_or(0)
            } else {
                0
            };
        if with_summary <= raw_budget {
            break;
        }
        let Some(&unit) = droppable.get(u) else {
            continue;
        };
        total -= unit_cost(unit);
        for &i in units.members.get(unit).map_or(&[][..], Vec::as_slice) {
            if let Some(d) = is_dropped.get_mut(i) {
                *d = true;
            }
        }
        if !any_dropped {
            any_dropped = true;
            summary_cost = summary_message
                .as_ref()
                .map(|m| chat::message_tokens(&tokenizer, model, m));
        }
    }

    let summary_cost = if any_dropped { summary_cost } else { None };
    let needed = total + summary_cost.unwrap_or(0);
    if needed > raw_budget && opts.on_overflow == OnOverflow::Error {
        let scaled = |raw: i64| tokenizer.scale(usize::try_from(raw.max(0)).unwrap_or(usize::MAX));
        let what = match summary_cost {
            Some(s) if total <= raw_budget => format!(
                "the kept messages with the summary ({} tokens of it) need {}",
                scaled(s),
                scaled(needed)
            ),
            _ => format!(
                "the messages that must be kept{} need {}",
                if opts.tools.is_empty() {
                    ""
                } else {
                    " and the tools"
                },
                scaled(total)
            ),
        };
        return Err(Error::field(
            ErrorCode::ContextOverflow,
            "messages",
            format!(
                "{what} input tokens, but the room for input is {budget} ({})",
                room_note(catalogue, opts)
            ),
        ));
    }

    // The kept messages in order, the summary where the dropped turns were.
    let first_dropped = is_dropped.iter().position(|&d| d);
    let mut out: Vec<(Option<usize>, Message, i64)> = Vec::new();
    let mut summary_at: Option<usize> = None;
    for (i, message) in messages.iter().enumerate() {
        if is_dropped.get(i).copied().unwrap_or(false) {
            continue;
        }
        if summary_at.is_none() && first_dropped.is_some_and(|f| i > f) {
            if let (Some(m), Some(c)) = (&summary_message, summary_cost) {
                summary_at = Some(out.len());
                out.push((None, m.clone(), c));
            }
        }
        out.push((Some(i), message.clone(), costs.get(i).copied().unwrap_or(0)));
    }
    if summary_at.is_none() && first_dropped.is_some() {
        if let (Some(m), Some(c)) = (&summary_message, summary_cost) {
            summary_at = Some(out.len());
            out.push((None, m.clone(), c));
        }
    }

    let mut excess = needed - raw_budget;
    let mut truncated = Vec::new();
    if excess > 0 {
        // The summary first: it is ours to shorten, then the oldest kept text.
        let exact = Tokenizer::new(tokenizer.encoding())?;
        let marker_tokens = i64::try_from(exact.count_unscaled(DEFAULT_MARKER)).unwrap_or(i64::MAX);
        let order = summary_at
            .into_iter()
            .chain((0..out.len()).filter(|&k| Some(k) != summary_at));
        let mut remove_summary = false;
        for k in order.collect::<Vec<_>>() {
            if excess <= 0 {
                break;
            }
            let Some((source, message, cost)) = out.get_mut(k) else {
                continue;
            };
            let mut changed = false;
            for text in text_slots(message) {
                if excess <= 0 {
                    break;
                }
                let before = i64::try_from(exact.count_unscaled(text)).unwrap_or(i64::MAX);
                if before == 0 {
                    continue;
                }
                let target = before - excess;
                let (new_text, after) = if target >= marker_tokens && target > 0 {
                    let cut = truncate_raw(
                        &exact,
                        text,
                        usize::try_from(target).unwrap_or(0),
                        Keep::Start,
                        DEFAULT_MARKER,
                    )?;
                    (cut.text, i64::try_from(cut.tokens).unwrap_or(i64::MAX))
                } else {
                    (String::new(), 0)
                };
                *text = new_text;
                excess -= before - after;
                *cost -= before - after;
                changed = true;
            }
            if source.is_none() {
                // A summary cut to nothing goes, and its overhead with it.
                if message.text().is_empty() {
                    excess -= *cost;
                    remove_summary = true;
                }
            } else if changed {
                truncated.extend(*source);
            }
        }
        if remove_summary {
            if let Some(at) = summary_at {
                out.remove(at);
            }
        }
    }
    truncated.sort_unstable();

    let raw_total = out.iter().fold(fixed, |a, (_, _, c)| a + c);
    let input_tokens = tokenizer.scale(usize::try_from(raw_total.max(0)).unwrap_or(usize::MAX));
    let fits = raw_total <= raw_budget;
    let dropped = (0..messages.len())
        .filter(|&i| is_dropped.get(i).copied().unwrap_or(false))
        .collect();
    let (sources, messages): (Vec<_>, Vec<_>) = out.into_iter().map(|(s, m, _)| (s, m)).unzip();
    Ok(Trimmed {
        messages,
        sources,
        input_tokens,
        dropped,
        truncated,
        fits,
    })
}

/// The texts of a message that truncation may shorten: its content string,
/// or its text parts.
fn text_slots(message: &mut Message) -> Vec<&mut String> {
    match &mut message.content {
        Content::None => Vec::new(),
        Content::Text(t) => vec![t],
        Content::Parts(parts) => parts
            .iter_mut()
            .filter_map(|p| match p {
                Part::Text(t) => Some(t),
                Part::Image { .. } => None,
            })
            .collect(),
    }
}

/// Messages grouped into the units that are dropped together.
///
/// Before the last user message a unit is a whole turn: a user message and
/// the replies after it up to the next user message, so that what is left
/// after a drop resumes at a user message (a reply whose question is gone
/// misleads the model, and some providers reject a conversation that does
/// not open with a user turn). The messages before the first user message
/// are one unit for the same reason. From the last user message on, each
/// message is a unit of its own, so that an agent loop of many tool calls
/// answering one question can still be trimmed. A message that must be kept
/// is never part of a turn: it stands alone and the turn goes on past it, so
/// a system message inside a turn neither protects the turn nor strands its
/// later replies. A `tool` message is in the unit of the message that made
/// its call; where that is another unit, the two become one. A unit is
/// protected when any member must be kept.
struct Units {
    members: Vec<Vec<usize>>,
    protected: Vec<bool>,
}

impl Units {
    fn of(messages: &[Message], opts: &TrimOptions) -> Units {
        let last_user = messages.iter().rposition(|m| m.role == "user");
        // Without a user message there are no turns to keep whole.
        let turns_end = last_user.unwrap_or(0);
        // Provisional units, joined by a union-find where a tool message
        // answers a call made in another unit.
        let mut parent: Vec<usize> = Vec::with_capacity(messages.len());
        let mut unit_of: Vec<usize> = Vec::with_capacity(messages.len());
        let mut keep: Vec<bool> = Vec::with_capacity(messages.len());
        let mut turn: Option<usize> = None;
        // The unit of the latest message that made each call.
        let mut caller: HashMap<&str, usize> = HashMap::new();
        for (i, m) in messages.iter().enumerate() {
            let kept = (opts.keep_system && (m.role == "system" || m.role == "developer"))
                || (opts.keep_last_user && Some(i) == last_user);
            let unit = match turn {
                Some(t) if i < turns_end && !kept && m.role != "user" => t,
                _ => {
                    parent.push(parent.len());
                    parent.len() - 1
                }
            };
            if i < turns_end && !kept && (turn.is_none() || m.role == "user") {
                turn = Some(unit);
            }
            if m.role == "tool" {
                if let Some(&owner) = m.tool_call_id.as_deref().and_then(|id| caller.get(id)) {
                    let (a, b) = (root(&mut parent, owner), root(&mut parent, unit));
                    if let Some(p) = parent.get_mut(a.max(b)) {
                        *p = a.min(b);
                    }
                }
            }
            for call in &m.tool_calls {
                caller.insert(call.id.as_str(), unit);
            }
            unit_of.push(unit);
            keep.push(kept);
        }
        // Numbered in the order of their first message.
        let mut number: Vec<Option<usize>> = vec![None; parent.len()];
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut protected: Vec<bool> = Vec::new();
        for (i, (&unit, &kept)) in unit_of.iter().zip(&keep).enumerate() {
            let r = root(&mut parent, unit);
            let n = match number.get(r).copied().flatten() {
                Some(n) => n,
                None => {
                    members.push(Vec::new());
                    protected.push(false);
                    if let Some(slot) = number.get_mut(r) {
                        *slot = Some(members.len() - 1);
                    }
                    members.len() - 1
                }
            };
            if let Some(list) = members.get_mut(n) {
                list.push(i);
            }
            if let Some(p) = protected.get_mut(n) {
                *p |= kept;
            }
        }
        Units { members, protected }
    }
}

/// The representative of provisional unit `u` (path halving).
fn root(parent: &mut [usize], mut u: usize) -> usize {
    while let Some(&p) = parent.get(u) {
        if p == u {
            break;
        }
        let grand = parent.get(p).copied().unwrap_or(p);
        if let Some(slot) = parent.get_mut(u) {
            *slot = grand;
        }
        u = grand;
    }
    u
}

/// The order in which the `n` droppable units (oldest first) are dropped.
fn drop_order(n: usize, strategy: Strategy) -> Vec<usize> {
    match strategy {
        Strategy::DropOldest => (0..n).collect(),
        Strategy::DropMiddle => {
            // A gap [lo, hi) opens in the middle and widens on the side that
            // keeps more, the older side on a tie.
            let mut order = Vec::with_capacity(n);
            let (mut lo, mut hi) = (n / 2, n / 2);
            while order.len() < n {
                let (head, tail) = (lo, n - hi);
                if (head >= tail && lo > 0) || hi == n {
                    lo -= 1;
                    order.push(lo);
                } else {
                    order.push(hi);
                    hi += 1;
                }
            }
            order
        }
    }
}

/// The largest unscaled count whose scaled count is at most `limit`.
fn raw_limit(tokenizer: &Tokenizer, limit: u64) -> usize {
    let factor = u128::from(tokenizer.factor_per_mille().max(1));
    usize::try_from(u128::from(limit) * 1000 / factor).unwrap_or(usize::MAX)
}

// ---- truncating a text -------------------------------------------------------

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

/// `text` cut to at most `max_tokens` tokens of `model` (the marker
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

struct Cut {
    text: String,
    /// The unscaled count of `text`.
    tokens: usize,
}

/// How many larger cuts are tried after one fits, since a concatenation can
/// count fewer tokens than its parts.
const GROW_TRIES: usize = 4;

/// [`truncate_text`] in unscaled tokens of an exact tokenizer.
fn truncate_raw(
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
    let offsets = token_offsets(exact, text)?;
    let total = offsets.len().saturating_sub(1);
    let (marker, marker_tokens) = match exact.count_unscaled(marker) {
        n if n <= limit => (marker, n),
        _ => ("", 0),
    };
    let room = limit - marker_tokens;
    let at = |i: usize| offsets.get(i).copied().unwrap_or(text.len());
    let valid = |i: usize| i == 0 || i >= total || grapheme::is_boundary(text, at(i));
    let down = |mut i: usize| {
        while i > 0 && !valid(i) {
            i -= 1;
        }
        i
    };
    let up = |mut i: usize| {
        while i < total && !valid(i) {
            i += 1;
        }
        i
    };
    // The result is text[..at(head)] + marker + text[at(tail)..].
    let build = |head: usize, tail: usize| -> String {
        let mut s = String::with_capacity(at(head) + marker.len() + text.len() - at(tail));
        s.push_str(text.get(..at(head)).unwrap_or(""));
        s.push_str(marker);
        s.push_str(text.get(at(tail)..).unwrap_or(""));
        s
    };
    let (mut head, mut tail) = match keep {
        Keep::Start => (down(room.min(total)), total),
        Keep::End => (0, up(total.saturating_sub(room))),
        Keep::Middle => {
            let h = room.div_ceil(2);
            (down(h.min(total)), up(total.saturating_sub(room - h)))
        }
    };
    let (mut best, mut best_tokens) = loop {
        let candidate = build(head, tail);
        let n = exact.count_unscaled(&candidate);
        if n <= limit {
            break (candidate, n);
        }
        let over = n - limit;
        let tail_len = total - tail;
        if head == 0 && tail_len == 0 {
            // Only the marker is left, and it fits (checked above); this is
            // not reached, but the promise must hold if it were.
            return Ok(Cut {
                text: String::new(),
                tokens: 0,
            });
        }
        if head >= tail_len {
            head = down(head - over.clamp(1, head));
        } else {
            tail = up(tail + over.clamp(1, tail_len));
        }
    };
    // A cut that fits may leave room: try a little more of the text.
    for _ in 0..GROW_TRIES {
        let grow_head = match keep {
            Keep::Start => true,
            Keep::End => false,
            Keep::Middle => head <= total - tail,
        };
        let (h, t) = if grow_head {
            (up(head + 1), tail)
        } else {
            (head, down(tail.saturating_sub(1)))
        };
        if h >= t || (h, t) == (head, tail) {
            break;
        }
        let candidate = build(h, t);
        let n = exact.count_unscaled(&candidate);
        if n > limit {
            break;
        }
        (head, tail, best, best_tokens) = (h, t, candidate, n);
    }
    Ok(Cut {
        text: best,
        tokens: best_tokens,
    })
}

/// The byte offsets of `text`'s token boundaries, 0 and `text.len()`
/// included.
fn token_offsets(exact: &Tokenizer, text: &str) -> Result<Vec<usize>> {
    let tokens = exact.encode_ordinary(text)?;
    let mut offsets = Vec::with_capacity(tokens.len() + 1);
    let mut at = 0;
    offsets.push(at);
    for token in tokens {
        at += exact.token_bytes(token).map_or(0, <[u8]>::len);
        offsets.push(at);
    }
    Ok(offsets)
}

// ---- packing chunks ------------------------------------------------------------

/// What [`select_chunks`] does at a chunk that does not fit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PackMode {
    /// Stop: the selection is a prefix of the ranking.
    #[default]
    InOrder,
    /// Skip it and try the next ones.
    SkipOversize,
}

/// The result of [`select_chunks`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// The chosen chunks' indices, in rank order.
    pub indices: Vec<usize>,
    /// The tokens of the chosen chunks joined with the separator, counted
    /// whole (0 when none is chosen).
    pub tokens: usize,
}

/// Packs retrieval chunks, ranked best first, into `budget` tokens of
/// `model`: chunks are taken in rank order while the text they make joined
/// with `separator` fits; the first that does not fit ends the selection
/// ([`PackMode::InOrder`]) or is passed over ([`PackMode::SkipOversize`]).
///
/// The joined text is counted whole at every step (separator tokens, and
/// merges across the joins, included), stopping early once over the budget,
/// so the cost is about the number of chunks tried times the budget.
pub fn select_chunks<S: AsRef<str>>(
    chunks: &[S],
    tokenizer: &Tokenizer,
    budget: u64,
    separator: &str,
    mode: PackMode,
) -> Result<Selection> {
    let limit = usize::try_from(budget).unwrap_or(usize::MAX);
    let mut joined = String::new();
    let mut selection = Selection::default();
    for (i, chunk) in chunks.iter().enumerate() {
        let chunk = chunk.as_ref();
        let mut candidate = String::with_capacity(joined.len() + separator.len() + chunk.len());
        candidate.push_str(&joined);
        if !selection.indices.is_empty() {
            candidate.push_str(separator);
        }
        candidate.push_str(chunk);
        match tokenizer.count_within(&candidate, &AllowedSpecial::None, limit) {
            Some(n) => {
                joined = candidate;
                selection.tokens = n;
                selection.indices.push(i);
            }
            None if mode == PackMode::InOrder => break,
            None => {}
        }
    }
    Ok(selection)
}

// ---- splitting a text ------------------------------------------------------------

/// Splits `text` into chunks of at most `chunk_tokens` tokens of `model`
/// each (every chunk counted whole), cut at paragraph ends where possible,
/// else at sentence ends, line ends, then between words, and never inside a
/// grapheme cluster (inside one only when a single cluster has more than
/// `chunk_tokens` tokens, and then between its characters). A break is
/// looked for in the second half of each chunk's room (after the overlap),
/// so chunks are not cut much shorter than they can be.
///
/// Each chunk after the first starts with up to `overlap_tokens` tokens of
/// the end of the one before (counted in the whole text's tokens), at a
/// sentence or word start where there is one. The chunks are slices of
/// `text`: with no overlap they join back into it. An empty text gives no
/// chunks.
pub fn split_by_tokens(
    text: &str,
    tokenizer: &Tokenizer,
    model: Option<&str>,
    chunk_tokens: u64,
    overlap_tokens: u64,
) -> Result<Vec<String>> {
    split(text, tokenizer, model, chunk_tokens, overlap_tokens)
}

/// The split, with the model's name when the caller gave one: a chunk size
/// too small for an estimate is the model's doing, and the error says which.
fn split(
    text: &str,
    tokenizer: &Tokenizer,
    model: Option<&str>,
    chunk_tokens: u64,
    overlap_tokens: u64,
) -> Result<Vec<String>> {
    if chunk_tokens == 0 {
        return Err(Error::invalid("chunkTokens", "must be at least 1"));
    }
    if overlap_tokens >= chunk_tokens {
        return Err(Error::invalid(
            "overlapTokens",
            format!("{overlap_tokens} must be smaller than chunkTokens ({chunk_tokens})"),
        ));
    }
    let room = raw_limit(tokenizer, chunk_tokens);
    if room == 0 {
        let whose = model.map_or_else(
            || "this tokenizer's estimate".to_string(),
            |m| {
                format!(
                    "{}, whose estimate",
                    crate::encodings::truncate_for_message(m)
                )
            },
        );
        return Err(Error::invalid(
            "chunkTokens",
            format!(
                "{chunk_tokens} is too small for {whose} counts one token as {}",
                tokenizer.scale(1)
            ),
        ));
    }
    let overlap = raw_limit(tokenizer, overlap_tokens).min(room - 1);
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let exact = Tokenizer::new(tokenizer.encoding())?;
    if exact
        .count_within(text, &AllowedSpecial::None, room)
        .is_some()
    {
        return Ok(vec![text.to_string()]);
    }
    let offsets = token_offsets(&exact, text)?;
    let total = offsets.len().saturating_sub(1);
    let at = |i: usize| offsets.get(i).copied().unwrap_or(text.len());
    let slice = |a: usize, b: usize| text.get(at(a)..at(b)).unwrap_or("");
    let grapheme_cut = |i: usize| i == 0 || i >= total || grapheme::is_boundary(text, at(i));
    let char_cut = |i: usize| text.is_char_boundary(at(i));

    let mut chunks = Vec::new();
    let mut start = 0usize;
    loop {
        let end = (start + room).min(total);
        if end == total
            && exact
                .count_within(slice(start, total), &AllowedSpecial::None, room)
                .is_some()
        {
            chunks.push(slice(start, total).to_string());
            break;
        }
        // The best break in the second half of the room (past the overlap).
        let from = (start + (overlap + 1).max((end - start).div_ceil(2))).min(end);
        let mut cut = None;
        let mut best_rank = 0u8;
        for i in (from..=end).rev() {
            if !grapheme_cut(i) {
                continue;
            }
            let rank = break_rank(text, at(i));
            if cut.is_none() || rank > best_rank {
                cut = Some(i);
                best_rank = rank;
                if rank == PARAGRAPH {
                    break;
                }
            }
        }
        let mut cut = match cut {
            Some(c) => c,
            None => last_cut(start, end, &grapheme_cut)
                .or_else(|| last_cut(start, end, &char_cut))
                .ok_or_else(|| too_small(chunk_tokens, at(start)))?,
        };
        // The chunk alone may count differently from its share of the whole.
        loop {
            let n = exact.count_unscaled(slice(start, cut));
            if n <= room {
                break;
            }
            let back = cut.saturating_sub(n - room).max(start + 1);
            if back >= cut {
                return Err(too_small(chunk_tokens, at(start)));
            }
            cut = last_cut(start, back, &grapheme_cut)
                .or_else(|| last_cut(start, back, &char_cut))
                .ok_or_else(|| too_small(chunk_tokens, at(start)))?;
        }
        chunks.push(slice(start, cut).to_string());
        if cut >= total {
            break;
        }
        // The next chunk starts up to `overlap` tokens back, at the earliest
        // sentence start there, else word start, else any clean cut.
        let lo = cut.saturating_sub(overlap).max(start + 1);
        let next = if overlap == 0 || lo >= cut {
            cut
        } else {
            let candidates: Vec<usize> = (lo..cut).filter(|&i| grapheme_cut(i)).collect();
            let first_of_rank = |min: u8| {
                candidates
                    .iter()
                    .copied()
                    .find(|&i| break_rank(text, at(i)) >= min)
            };
            first_of_rank(SENTENCE)
                .or_else(|| first_of_rank(WORD))
                .or_else(|| candidates.first().copied())
                .unwrap_or(cut)
        };
        start = next;
    }
    Ok(chunks)
}

fn too_small(chunk_tokens: u64, at: usize) -> Error {
    Error::invalid(
        "chunkTokens",
        format!("{chunk_tokens} is too small: the character at byte {at} takes more tokens"),
    )
}

/// The last `i` in `(start, end]` with `ok(i)`.
fn last_cut(start: usize, end: usize, ok: &impl Fn(usize) -> bool) -> Option<usize> {
    (start + 1..=end).rev().find(|&i| ok(i))
}

const PARAGRAPH: u8 = 4;
const SENTENCE: u8 = 3;
const LINE: u8 = 2;
const WORD: u8 = 1;

/// How good a place byte `at` of `text` is to split at: the end of a
/// paragraph, of a sentence, of a line, between words, or none of these.
/// Looks only at a few characters on either side.
fn break_rank(text: &str, at: usize) -> u8 {
    if at == 0 || at >= text.len() {
        return PARAGRAPH;
    }
    let near = |from: usize, to: usize| {
        let mut a = from.min(text.len());
        while !text.is_char_boundary(a) {
            a -= 1;
        }
        let mut b = to.min(text.len());
        while !text.is_char_boundary(b) {
            b += 1;
        }
        text.get(a..b).unwrap_or("")
    };
    let before = near(at.saturating_sub(24), at);
    let after = near(at, at + 24);
    let horizontal = |c: char| c == ' ' || c == '\t' || c == '\r';
    let blank_line_end = |s: &str| {
        let s = s.trim_end_matches(horizontal);
        s.strip_suffix('\n')
            .is_some_and(|s| s.trim_end_matches(horizontal).ends_with('\n'))
    };
    let blank_line_start = |s: &str| {
        let s = s.trim_start_matches(horizontal);
        s.strip_prefix('\n')
            .is_some_and(|s| s.trim_start_matches(horizontal).starts_with('\n'))
    };
    if blank_line_end(before) || blank_line_start(after) {
        return PARAGRAPH;
    }
    let closing = |c: char| matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '」' | '』' | '）');
    let last = before.trim_end_matches(closing).chars().next_back();
    let next = after.chars().next();
    match last {
        Some('。' | '！' | '？' | '．') => return SENTENCE,
        Some('.' | '!' | '?' | '…') if next.is_none_or(char::is_whitespace) => return SENTENCE,
        _ => {}
    }
    let trimmed = before.trim_end();
    if before.len() != trimmed.len() {
        if let Some('.' | '!' | '?' | '…' | '。' | '！' | '？') =
            trimmed.trim_end_matches(closing).chars().next_back()
        {
            return SENTENCE;
        }
    }
    if before.ends_with('\n') || after.starts_with('\n') || after.starts_with("\r\n") {
        return LINE;
    }
    if before.ends_with(char::is_whitespace) || after.starts_with(char::is_whitespace) {
        return WORD;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

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

//! Trimming a conversation to fit a context window.

use super::truncate::{truncate_raw, Keep};
use super::units::{drop_order, Units};
use super::{raw_limit, DEFAULT_MARKER};
use crate::catalogue::{Catalogue, WindowScope};
use crate::chat::{self, Content, Message, Part, Tool};
use crate::error::{Error, ErrorCode, Result};
use crate::tokens::Tokenizer;

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
    let count = Count {
        tokenizer: &tokenizer,
        model,
        // Each message is tokenized here, once.
        costs: messages
            .iter()
            .map(|m| chat::message_tokens(&tokenizer, model, m))
            .collect(),
        fixed: i64::try_from(chat::fixed_tokens(&tokenizer, model, &opts.tools))
            .unwrap_or(i64::MAX),
        raw_budget: i64::try_from(raw_limit(&tokenizer, budget)).unwrap_or(i64::MAX),
        summary: opts.summary.as_deref().map(|s| Message::new("system", s)),
    };
    let drops = count.choose_drops(messages, opts);
    let needed = drops.total + drops.summary_cost.unwrap_or(0);
    if needed > count.raw_budget && opts.on_overflow == OnOverflow::Error {
        return Err(count.overflow(catalogue, opts, &drops, budget));
    }
    let mut kept = count.assemble(messages, &drops);
    let truncated = if needed > count.raw_budget {
        count.shorten(&mut kept, needed - count.raw_budget)?
    } else {
        Vec::new()
    };
    let raw_total = kept.out.iter().fold(count.fixed, |a, (_, _, c)| a + c);
    let (sources, kept_messages): (Vec<_>, Vec<_>) =
        kept.out.into_iter().map(|(s, m, _)| (s, m)).unzip();
    Ok(Trimmed {
        messages: kept_messages,
        sources,
        input_tokens: tokenizer.scale(usize::try_from(raw_total.max(0)).unwrap_or(usize::MAX)),
        dropped: (0..messages.len())
            .filter(|&i| drops.is_dropped.get(i).copied().unwrap_or(false))
            .collect(),
        truncated,
        fits: raw_total <= count.raw_budget,
    })
}

/// What [`trim_messages`] works with: each message's share of the count
/// (unscaled), the fixed part (reply priming and tools), and the room.
struct Count<'a> {
    tokenizer: &'a Tokenizer,
    model: &'a str,
    costs: Vec<i64>,
    fixed: i64,
    raw_budget: i64,
    summary: Option<Message>,
}

/// The messages dropped, the count of what is left, and the summary's share
/// (once something is dropped and a summary was given).
struct Drops {
    is_dropped: Vec<bool>,
    total: i64,
    summary_cost: Option<i64>,
}

/// The request being built: (source index or `None` for the summary, the
/// message, its share of the count); and where the summary is.
struct Kept {
    out: Vec<(Option<usize>, Message, i64)>,
    summary_at: Option<usize>,
}

impl Count<'_> {
    fn cost(&self, i: usize) -> i64 {
        self.costs.get(i).copied().unwrap_or(0)
    }

    /// Drops units in the strategy's order until the rest, with the summary
    /// once one is due, fits.
    fn choose_drops(&self, messages: &[Message], opts: &TrimOptions) -> Drops {
        let units = Units::of(messages, opts);
        let droppable: Vec<usize> = (0..units.members.len())
            .filter(|&u| !units.protected.get(u).copied().unwrap_or(true))
            .collect();
        let members = |u: usize| units.members.get(u).map_or(&[][..], Vec::as_slice);
        let mut drops = Drops {
            is_dropped: vec![false; messages.len()],
            total: self
                .costs
                .iter()
                .fold(self.fixed, |a, &c| a.saturating_add(c)),
            summary_cost: None,
        };
        for u in drop_order(droppable.len(), opts.strategy) {
            if drops.total + drops.summary_cost.unwrap_or(0) <= self.raw_budget {
                break;
            }
            let Some(&unit) = droppable.get(u) else {
                continue;
            };
            for &i in members(unit) {
                drops.total -= self.cost(i);
                if let Some(d) = drops.is_dropped.get_mut(i) {
                    *d = true;
                }
            }
            if drops.summary_cost.is_none() {
                drops.summary_cost = self
                    .summary
                    .as_ref()
                    .map(|m| chat::message_tokens(self.tokenizer, self.model, m));
            }
        }
        drops
    }

    /// `CONTEXT_OVERFLOW`, with the tokens needed and the room there is.
    fn overflow(
        &self,
        catalogue: &Catalogue,
        opts: &TrimOptions,
        drops: &Drops,
        budget: u64,
    ) -> Error {
        let scaled = |raw: i64| {
            self.tokenizer
                .scale(usize::try_from(raw.max(0)).unwrap_or(usize::MAX))
        };
        let what = match drops.summary_cost {
            Some(s) if drops.total <= self.raw_budget => format!(
                "the kept messages with the summary ({} tokens of it) need {}",
                scaled(s),
                scaled(drops.total + s)
            ),
            _ => format!(
                "the messages that must be kept{} need {}",
                if opts.tools.is_empty() {
                    ""
                } else {
                    " and the tools"
                },
                scaled(drops.total)
            ),
        };
        Error::field(
            ErrorCode::ContextOverflow,
            "messages",
            format!(
                "{what} input tokens, but the room for input is {budget} ({})",
                room_note(catalogue, opts)
            ),
        )
    }

    /// The kept messages in order, the summary where the dropped turns were
    /// (before the first kept message after the first dropped one).
    fn assemble(&self, messages: &[Message], drops: &Drops) -> Kept {
        let first_dropped = drops.is_dropped.iter().position(|&d| d);
        let summary = match (&self.summary, drops.summary_cost, first_dropped) {
            (Some(m), Some(c), Some(_)) => Some((m, c)),
            _ => None,
        };
        let mut kept = Kept {
            out: Vec::with_capacity(messages.len() + 1),
            summary_at: None,
        };
        let place_summary = |kept: &mut Kept| {
            if let (None, Some((m, c))) = (kept.summary_at, summary) {
                kept.summary_at = Some(kept.out.len());
                kept.out.push((None, m.clone(), c));
            }
        };
        for (i, message) in messages.iter().enumerate() {
            if drops.is_dropped.get(i).copied().unwrap_or(false) {
                continue;
            }
            if first_dropped.is_some_and(|f| i > f) {
                place_summary(&mut kept);
            }
            kept.out.push((Some(i), message.clone(), self.cost(i)));
        }
        place_summary(&mut kept);
        kept
    }

    /// Cuts `excess` tokens: the summary first (it is ours to shorten), then
    /// the oldest kept text. Returns the indices of the messages truncated.
    fn shorten(&self, kept: &mut Kept, mut excess: i64) -> Result<Vec<usize>> {
        let exact = Tokenizer::new(self.tokenizer.encoding())?;
        let marker_tokens = i64::try_from(exact.count_unscaled(DEFAULT_MARKER)).unwrap_or(i64::MAX);
        let summary_at = kept.summary_at;
        let order: Vec<usize> = summary_at
            .into_iter()
            .chain((0..kept.out.len()).filter(|&k| Some(k) != summary_at))
            .collect();
        let mut truncated = Vec::new();
        let mut remove_summary = false;
        for k in order {
            if excess <= 0 {
                break;
            }
            let Some((source, message, cost)) = kept.out.get_mut(k) else {
                continue;
            };
            let saved = shorten_texts(&exact, message, excess, marker_tokens)?;
            excess -= saved;
            *cost -= saved;
            if source.is_none() {
                // A summary cut to nothing goes, and its overhead with it.
                if message.text().is_empty() {
                    excess -= *cost;
                    remove_summary = true;
                }
            } else if saved > 0 {
                truncated.extend(*source);
            }
        }
        if let (true, Some(at)) = (remove_summary, summary_at) {
            kept.out.remove(at);
        }
        truncated.sort_unstable();
        Ok(truncated)
    }
}

/// Cuts up to `excess` tokens from the texts of `message`, in order, each
/// ending with the marker (or emptied where not even the marker fits).
/// Returns the tokens saved.
fn shorten_texts(
    exact: &Tokenizer,
    message: &mut Message,
    excess: i64,
    marker_tokens: i64,
) -> Result<i64> {
    let mut saved = 0;
    for text in text_slots(message) {
        if excess - saved <= 0 {
            break;
        }
        let before = i64::try_from(exact.count_unscaled(text)).unwrap_or(i64::MAX);
        if before == 0 {
            continue;
        }
        let target = before - (excess - saved);
        let (new_text, after) = if target >= marker_tokens && target > 0 {
            let cut = truncate_raw(
                exact,
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
        saved += before - after;
    }
    Ok(saved)
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
